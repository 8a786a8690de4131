//! The `Condition` element: operators compiled once from the policy text, then tested
//! against a request's condition keys.
//!
//! The rules (IAM User Guide, condition operators): several operators, and several keys
//! under one operator, must all hold; several values for one key are alternatives. A
//! key missing from the request makes an operator false — except a negated one
//! (`StringNotEquals`, `ArnNotLike`, …), which is then true; `…IfExists` makes any
//! operator true when its key is missing; `Null` tests presence itself.
//! `ForAnyValue:` holds when some request value satisfies the operator (false when the
//! key is missing); `ForAllValues:` when every one does (true when the key is missing).

use serde_json::{Map, Value};
use std::net::IpAddr;

use super::{wildcard, PolicyError, RequestContext};

/// One operator applied to one condition key, ready to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct ConditionTest {
    /// The operator as written (`ForAnyValue:StringLikeIfExists`).
    pub operator: String,
    /// The condition key as written (`aws:RequestedRegion`).
    pub key: String,
    /// Lower-cased: condition keys are case-insensitive.
    key_lower: String,
    family: Family,
    /// The operator's `Not` form: true when no value matches.
    negated: bool,
    if_exists: bool,
    set: Option<SetQualifier>,
    operands: Operands,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Comparison),
    Date(Comparison),
    Bool,
    Binary,
    IpAddress,
    /// `ArnEquals` and `ArnLike` behave the same: part by part, with wildcards.
    Arn,
    Null,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparison {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Comparison {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Comparison::Equal => ordering == Equal,
            Comparison::Less => ordering == Less,
            Comparison::LessOrEqual => ordering != Greater,
            Comparison::Greater => ordering == Greater,
            Comparison::GreaterOrEqual => ordering != Less,
        }
    }
}

/// The policy's values, converted once to what the family compares.
#[derive(Clone, Debug, PartialEq)]
enum Operands {
    Text(Vec<String>),
    Numbers(Vec<f64>),
    /// Milliseconds since the epoch.
    Dates(Vec<i64>),
    Networks(Vec<(IpAddr, u8)>),
    /// `Null`: whether the key should be absent.
    Absent(bool),
}

/// Base operator names → family and negation.
const OPERATORS: &[(&str, Family, bool)] = &[
    ("StringEquals", Family::StringEquals, false),
    ("StringNotEquals", Family::StringEquals, true),
    (
        "StringEqualsIgnoreCase",
        Family::StringEqualsIgnoreCase,
        false,
    ),
    (
        "StringNotEqualsIgnoreCase",
        Family::StringEqualsIgnoreCase,
        true,
    ),
    ("StringLike", Family::StringLike, false),
    ("StringNotLike", Family::StringLike, true),
    ("NumericEquals", Family::Numeric(Comparison::Equal), false),
    ("NumericNotEquals", Family::Numeric(Comparison::Equal), true),
    ("NumericLessThan", Family::Numeric(Comparison::Less), false),
    (
        "NumericLessThanEquals",
        Family::Numeric(Comparison::LessOrEqual),
        false,
    ),
    (
        "NumericGreaterThan",
        Family::Numeric(Comparison::Greater),
        false,
    ),
    (
        "NumericGreaterThanEquals",
        Family::Numeric(Comparison::GreaterOrEqual),
        false,
    ),
    ("DateEquals", Family::Date(Comparison::Equal), false),
    ("DateNotEquals", Family::Date(Comparison::Equal), true),
    ("DateLessThan", Family::Date(Comparison::Less), false),
    (
        "DateLessThanEquals",
        Family::Date(Comparison::LessOrEqual),
        false,
    ),
    ("DateGreaterThan", Family::Date(Comparison::Greater), false),
    (
        "DateGreaterThanEquals",
        Family::Date(Comparison::GreaterOrEqual),
        false,
    ),
    ("Bool", Family::Bool, false),
    ("BinaryEquals", Family::Binary, false),
    ("IpAddress", Family::IpAddress, false),
    ("NotIpAddress", Family::IpAddress, true),
    ("ArnEquals", Family::Arn, false),
    ("ArnLike", Family::Arn, false),
    ("ArnNotEquals", Family::Arn, true),
    ("ArnNotLike", Family::Arn, true),
    ("Null", Family::Null, false),
];

/// Compiles one `Operator: { key: values }` entry of a `Condition` block.
pub fn compile(
    operator: &str,
    keys: &Map<String, Value>,
) -> Result<Vec<ConditionTest>, PolicyError> {
    let bad = |why: String| PolicyError::new(format!("The Condition element is not valid: {why}."));
    let (set, rest) = match operator.split_once(':') {
        Some((q, rest)) if q.eq_ignore_ascii_case("ForAnyValue") => {
            (Some(SetQualifier::ForAnyValue), rest)
        }
        Some((q, rest)) if q.eq_ignore_ascii_case("ForAllValues") => {
            (Some(SetQualifier::ForAllValues), rest)
        }
        Some(_) => return Err(bad(format!("{operator} is not a condition operator"))),
        None => (None, operator),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let (_, family, negated) = *OPERATORS
        .iter()
        .find(|(name, _, _)| name.eq_ignore_ascii_case(base))
        .ok_or_else(|| bad(format!("{operator} is not a condition operator")))?;
    if family == Family::Null && (if_exists || set.is_some()) {
        return Err(bad(format!("{operator} is not a condition operator")));
    }
    keys.iter()
        .map(|(key, values)| {
            let texts: Vec<String> = match values {
                Value::Array(items) => items.iter().map(scalar_text).collect(),
                one => vec![scalar_text(one)],
            };
            let operands = operands(family, texts).map_err(|value| {
                bad(format!(
                    "the value {value} of {key} does not suit {operator}"
                ))
            })?;
            Ok(ConditionTest {
                operator: operator.to_string(),
                key: key.clone(),
                key_lower: key.to_ascii_lowercase(),
                family,
                negated,
                if_exists,
                set,
                operands,
            })
        })
        .collect()
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Converts the policy's values for `family`; `Err` names the value that does not fit.
fn operands(family: Family, texts: Vec<String>) -> Result<Operands, String> {
    match family {
        Family::Numeric(_) => texts
            .iter()
            .map(|t| t.trim().parse::<f64>().map_err(|_| t.clone()))
            .collect::<Result<_, _>>()
            .map(Operands::Numbers),
        Family::Date(_) => texts
            .iter()
            .map(|t| parse_date(t).ok_or_else(|| t.clone()))
            .collect::<Result<_, _>>()
            .map(Operands::Dates),
        Family::IpAddress => texts
            .iter()
            .map(|t| parse_network(t).ok_or_else(|| t.clone()))
            .collect::<Result<_, _>>()
            .map(Operands::Networks),
        Family::Bool => match texts.iter().find(|t| parse_bool(t).is_none()) {
            Some(bad) => Err(bad.clone()),
            None => Ok(Operands::Text(texts)),
        },
        Family::Null => match texts.as_slice() {
            [one] => parse_bool(one)
                .map(Operands::Absent)
                .ok_or_else(|| one.clone()),
            _ => Err(texts.join(",")),
        },
        _ => Ok(Operands::Text(texts)),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// An ISO 8601 instant (`2026-01-01T00:00:00Z`), a date (`2026-01-01`), or epoch seconds.
pub fn parse_date(text: &str) -> Option<i64> {
    use time::format_description::well_known::Rfc3339;
    let text = text.trim();
    if let Ok(t) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Some((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    if let Ok(d) = time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        return Some(d.midnight().assume_utc().unix_timestamp() * 1000);
    }
    text.parse::<i64>().ok().map(|s| s * 1000)
}

/// `10.0.0.0/8`, `2001:db8::/32`, or one address.
fn parse_network(text: &str) -> Option<(IpAddr, u8)> {
    let (address, bits) = match text.split_once('/') {
        Some((a, b)) => (a, Some(b.parse::<u8>().ok()?)),
        None => (text, None),
    };
    let address: IpAddr = address.parse().ok()?;
    let width = if address.is_ipv4() { 32 } else { 128 };
    let bits = bits.unwrap_or(width);
    (bits <= width).then_some((address, bits))
}

fn in_network(address: IpAddr, (network, bits): (IpAddr, u8)) -> bool {
    let prefix = |a: u128, width: u32| {
        let bits = u32::from(bits);
        if bits == 0 {
            0
        } else {
            a >> (width - bits)
        }
    };
    match (address, network) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            prefix(u32::from(a).into(), 32) == prefix(u32::from(n).into(), 32)
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => prefix(u128::from(a), 128) == prefix(u128::from(n), 128),
        _ => false,
    }
}

impl ConditionTest {
    /// Whether the test holds for the request's condition keys.
    pub fn holds(&self, context: &RequestContext) -> bool {
        let values = context.get(&self.key_lower).filter(|v| !v.is_empty());
        if let Operands::Absent(should_be_absent) = self.operands {
            return values.is_none() == should_be_absent;
        }
        let Some(values) = values else {
            return match self.set {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => self.if_exists,
                None => self.if_exists || self.negated,
            };
        };
        // A value satisfies the operator: one of the policy's values matches it (the
        // `Not` forms: none does).
        let satisfies = |value: &String| self.matches_any(value) != self.negated;
        match self.set {
            Some(SetQualifier::ForAnyValue) => values.iter().any(satisfies),
            Some(SetQualifier::ForAllValues) => values.iter().all(satisfies),
            // A multivalued key without a qualifier: a positive operator needs one
            // value to match; a negated one needs none to.
            None if self.negated => values.iter().all(satisfies),
            None => values.iter().any(satisfies),
        }
    }

    /// Whether some policy value matches the request's `value`.
    fn matches_any(&self, value: &str) -> bool {
        match (&self.operands, self.family) {
            (Operands::Text(policy), Family::StringEquals | Family::Binary) => {
                policy.iter().any(|p| p == value)
            }
            (Operands::Text(policy), Family::StringEqualsIgnoreCase) => {
                policy.iter().any(|p| p.eq_ignore_ascii_case(value))
            }
            (Operands::Text(policy), Family::StringLike) => {
                policy.iter().any(|p| wildcard::matches(p, value, false))
            }
            (Operands::Text(policy), Family::Bool) => policy
                .iter()
                .any(|p| parse_bool(p).is_some() && parse_bool(p) == parse_bool(value)),
            (Operands::Text(policy), Family::Arn) => {
                policy.iter().any(|p| wildcard::arn_matches(p, value))
            }
            (Operands::Numbers(policy), Family::Numeric(cmp)) => {
                match value.trim().parse::<f64>() {
                    Ok(v) => policy
                        .iter()
                        .any(|p| v.partial_cmp(p).is_some_and(|o| cmp.holds(o))),
                    Err(_) => false,
                }
            }
            (Operands::Dates(policy), Family::Date(cmp)) => match parse_date(value) {
                Some(v) => policy.iter().any(|p| cmp.holds(v.cmp(p))),
                None => false,
            },
            (Operands::Networks(policy), Family::IpAddress) => match value.parse::<IpAddr>() {
                Ok(a) => policy.iter().any(|n| in_network(a, *n)),
                Err(_) => false,
            },
            _ => false,
        }
    }
}
