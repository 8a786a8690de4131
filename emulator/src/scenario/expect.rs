//! What a step expects of an answer, and the differences when it is not met.
//!
//! At a path, an expected value is:
//! - a scalar: equal (an unquoted number also matches the same digits in a string);
//! - a list: exactly that many elements, each matching in order;
//! - a mapping of member names: those members match (others may be there too);
//! - a mapping of checks, every key one of `length`, `contains`, `not_contains`,
//!   `matches` (a regular expression), `exists` (true/false), `not`, `one_of`,
//!   `at_least`, `at_most`.

use regex::Regex;
use serde::Serialize;
use serde_json::Value;

use super::path::{text_of, Path};

/// An expectation, compiled from the value written in the file.
#[derive(Clone, Debug)]
pub enum Expected {
    Scalar(Value),
    List(Vec<Expected>),
    Members(Vec<(String, Expected)>),
    Checks(Vec<Check>),
}

#[derive(Clone, Debug)]
pub enum Check {
    Length(usize),
    Contains(Expected),
    NotContains(Expected),
    Matches(Regex),
    Exists(bool),
    Not(Expected),
    OneOf(Vec<Expected>),
    AtLeast(f64),
    AtMost(f64),
}

const CHECK_WORDS: &[&str] = &[
    "length",
    "contains",
    "not_contains",
    "matches",
    "exists",
    "not",
    "one_of",
    "at_least",
    "at_most",
];

/// One way an answer differs from what was expected.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Mismatch {
    pub path: String,
    pub expected: String,
    /// What was there; `None` when nothing was.
    pub actual: Option<Value>,
}

impl Expected {
    pub fn compile(value: &Value) -> Result<Expected, String> {
        Ok(match value {
            Value::Array(items) => Expected::List(
                items
                    .iter()
                    .map(Expected::compile)
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map)
                if !map.is_empty() && map.keys().all(|k| CHECK_WORDS.contains(&k.as_str())) =>
            {
                Expected::Checks(
                    map.iter()
                        .map(|(word, arg)| compile_check(word, arg))
                        .collect::<Result<_, _>>()?,
                )
            }
            Value::Object(map) => Expected::Members(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Expected::compile(v)?)))
                    .collect::<Result<_, String>>()?,
            ),
            scalar => Expected::Scalar(scalar.clone()),
        })
    }

    /// Adds to `out` every way `actual` (found at `path`) differs.
    pub fn check(&self, path: &str, actual: Option<&Value>, out: &mut Vec<Mismatch>) {
        let mut differ = |expected: String| {
            out.push(Mismatch {
                path: path.to_string(),
                expected,
                actual: actual.cloned(),
            })
        };
        match self {
            Expected::Scalar(want) => {
                if !actual.is_some_and(|got| scalars_equal(want, got)) {
                    differ(compact(want));
                }
            }
            Expected::List(items) => match actual.and_then(Value::as_array) {
                Some(got) if got.len() == items.len() => {
                    for (i, (want, got)) in items.iter().zip(got).enumerate() {
                        want.check(&format!("{path}[{i}]"), some(got), out);
                    }
                }
                _ => differ(self.describe()),
            },
            Expected::Members(members) => match actual.and_then(Value::as_object) {
                Some(got) => {
                    for (name, want) in members {
                        want.check(&join(path, name), got.get(name).and_then(some), out);
                    }
                }
                None => differ(self.describe()),
            },
            Expected::Checks(checks) => {
                for check in checks {
                    if !check.holds(actual) {
                        differ(check.describe());
                    }
                }
            }
        }
    }

    fn holds(&self, actual: Option<&Value>) -> bool {
        let mut out = Vec::new();
        self.check("", actual, &mut out);
        out.is_empty()
    }

    /// The expectation in words, for the diff.
    pub fn describe(&self) -> String {
        match self {
            Expected::Scalar(v) => compact(v),
            Expected::List(items) => format!(
                "a list of {}: [{}]",
                items.len(),
                items
                    .iter()
                    .map(Expected::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expected::Members(members) => format!(
                "an object with {{{}}}",
                members
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.describe()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Expected::Checks(checks) => checks
                .iter()
                .map(Check::describe)
                .collect::<Vec<_>>()
                .join(" and "),
        }
    }
}

impl Check {
    fn holds(&self, actual: Option<&Value>) -> bool {
        match self {
            Check::Exists(wanted) => actual.is_some() == *wanted,
            Check::Not(inner) => !inner.holds(actual),
            Check::OneOf(options) => options.iter().any(|o| o.holds(actual)),
            Check::Length(n) => match actual {
                Some(Value::Array(items)) => items.len() == *n,
                Some(Value::Object(map)) => map.len() == *n,
                Some(Value::String(s)) => s.chars().count() == *n,
                None => *n == 0,
                _ => false,
            },
            Check::Contains(wanted) => contains(actual, wanted),
            Check::NotContains(wanted) => !contains(actual, wanted),
            Check::Matches(re) => match actual {
                Some(Value::String(s)) => re.is_match(s),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => re.is_match(&text_of(v)),
                _ => false,
            },
            Check::AtLeast(n) => number(actual).is_some_and(|x| x >= *n),
            Check::AtMost(n) => number(actual).is_some_and(|x| x <= *n),
        }
    }

    fn describe(&self) -> String {
        match self {
            Check::Length(n) => format!("length {n}"),
            Check::Contains(e) => format!("contains {}", e.describe()),
            Check::NotContains(e) => format!("does not contain {}", e.describe()),
            Check::Matches(re) => format!("matches /{}/", re.as_str()),
            Check::Exists(true) => "present".into(),
            Check::Exists(false) => "absent".into(),
            Check::Not(e) => format!("not {}", e.describe()),
            Check::OneOf(options) => format!(
                "one of [{}]",
                options
                    .iter()
                    .map(Expected::describe)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Check::AtLeast(n) => format!("at least {n}"),
            Check::AtMost(n) => format!("at most {n}"),
        }
    }
}

fn compile_check(word: &str, arg: &Value) -> Result<Check, String> {
    let need_number = || {
        arg.as_f64()
            .ok_or_else(|| format!("'{word}' needs a number, not {}", compact(arg)))
    };
    Ok(match word {
        "length" => Check::Length(
            arg.as_u64()
                .ok_or_else(|| format!("'length' needs a whole number, not {}", compact(arg)))?
                as usize,
        ),
        "contains" => Check::Contains(Expected::compile(arg)?),
        "not_contains" => Check::NotContains(Expected::compile(arg)?),
        "matches" => {
            let pattern = arg.as_str().ok_or_else(|| {
                format!("'matches' needs a regular expression, not {}", compact(arg))
            })?;
            Check::Matches(Regex::new(pattern).map_err(|e| format!("'matches': {pattern}: {e}"))?)
        }
        "exists" => Check::Exists(
            arg.as_bool()
                .ok_or_else(|| format!("'exists' needs true or false, not {}", compact(arg)))?,
        ),
        "not" => Check::Not(Expected::compile(arg)?),
        "one_of" => Check::OneOf(
            arg.as_array()
                .ok_or_else(|| format!("'one_of' needs a list, not {}", compact(arg)))?
                .iter()
                .map(Expected::compile)
                .collect::<Result<_, _>>()?,
        ),
        "at_least" => Check::AtLeast(need_number()?),
        "at_most" => Check::AtMost(need_number()?),
        other => return Err(format!("unknown check '{other}'")),
    })
}

/// A list containing a matching element, or text containing the expected text.
fn contains(actual: Option<&Value>, wanted: &Expected) -> bool {
    match (actual, wanted) {
        (Some(Value::Array(items)), _) => items.iter().any(|item| wanted.holds(Some(item))),
        (Some(Value::String(s)), Expected::Scalar(w)) => s.contains(&text_of(w)),
        _ => false,
    }
}

fn number(actual: Option<&Value>) -> Option<f64> {
    match actual? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Equal values, or numbers equal in value, or the same text on both sides (an
/// unquoted `111111111111` in YAML is a number; the answer has a string).
fn scalars_equal(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::Null, _) | (_, Value::Null) => want == got,
        (a, b) if a.is_object() || a.is_array() || b.is_object() || b.is_array() => false,
        (a, b) => text_of(a) == text_of(b),
    }
}

fn some(v: &Value) -> Option<&Value> {
    (!v.is_null()).then_some(v)
}

fn join(path: &str, member: &str) -> String {
    if path.is_empty() {
        member.to_string()
    } else {
        format!("{path}.{member}")
    }
}

/// A value on one line, for messages.
pub fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// Checks `expectations` (path → expected, already interpolated) against `answer`.
pub fn check_all(
    answer: &Value,
    expectations: &serde_json::Map<String, Value>,
) -> Result<Vec<Mismatch>, String> {
    let mut out = Vec::new();
    for (path_text, expected) in expectations {
        let path = Path::parse(path_text)?;
        let expected = Expected::compile(expected).map_err(|e| format!("{path_text}: {e}"))?;
        expected.check(path_text, path.lookup(answer), &mut out);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mismatches(answer: Value, expect: Value) -> Vec<Mismatch> {
        check_all(&answer, expect.as_object().unwrap()).unwrap()
    }

    #[test]
    fn scalars_compare_by_value_and_text() {
        let answer = json!({"Org": {"FeatureSet": "ALL", "Master": "111111111111", "N": 3}});
        assert!(mismatches(
            answer.clone(),
            json!({"Org.FeatureSet": "ALL", "Org.Master": 111111111111u64, "Org.N": 3.0})
        )
        .is_empty());
        let got = mismatches(
            answer,
            json!({"Org.FeatureSet": "CONSOLIDATED_BILLING", "Org.Nope": 1}),
        );
        assert_eq!(
            got,
            [
                Mismatch {
                    path: "Org.FeatureSet".into(),
                    expected: "\"CONSOLIDATED_BILLING\"".into(),
                    actual: Some(json!("ALL")),
                },
                Mismatch {
                    path: "Org.Nope".into(),
                    expected: "1".into(),
                    actual: None,
                },
            ]
        );
    }

    #[test]
    fn lists_members_and_checks() {
        let answer = json!({"Accounts": [
            {"Id": "1", "Name": "Security", "Status": "ACTIVE"},
            {"Id": "2", "Name": "Dev", "Status": "ACTIVE"},
        ], "Arn": "arn:aws:organizations::1:organization/o-abc"});
        assert!(mismatches(
            answer.clone(),
            json!({
                "Accounts": {"length": 2, "contains": {"Name": "Dev"}, "not_contains": {"Name": "Prod"}},
                "Accounts[0]": {"Name": "Security"},
                "Accounts[Name=Dev].Status": {"one_of": ["ACTIVE", "SUSPENDED"]},
                "Arn": {"matches": "^arn:aws:organizations::\\d+:organization/o-[a-z0-9]+$", "contains": ":organization/"},
                "NextToken": {"exists": false},
                "Accounts[1].Id": {"not": "1", "at_least": 2, "at_most": 2},
            })
        )
        .is_empty());
        let got = mismatches(
            answer,
            json!({
                "Accounts": {"length": 3, "contains": {"Name": "Prod"}},
                "Accounts[0]": {"Name": "Dev"},
                "Arn": {"exists": false},
            }),
        );
        let described: Vec<_> = got
            .iter()
            .map(|m| (m.path.as_str(), m.expected.as_str()))
            .collect();
        assert_eq!(
            described,
            [
                ("Accounts", "length 3"),
                ("Accounts", "contains an object with {Name: \"Prod\"}"),
                ("Accounts[0].Name", "\"Dev\""),
                ("Arn", "absent"),
            ]
        );
    }

    #[test]
    fn malformed_checks_are_errors() {
        for (expect, why) in [
            (json!({"A": {"length": "x"}}), "whole number"),
            (json!({"A": {"matches": "("}}), "matches"),
            (json!({"A": {"exists": 1}}), "true or false"),
            (json!({"A[": 1}), "not closed"),
        ] {
            let e = check_all(&json!({}), expect.as_object().unwrap()).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }
}
