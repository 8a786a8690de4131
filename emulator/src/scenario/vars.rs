//! Variables: `${name}` and `${name.Path[0]}` anywhere in a step. A string that is
//! only `${…}` becomes the variable's value itself (an object, a list, a number);
//! inside longer text the value is written as text. `$${` writes a literal `${`.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::path::{text_of, Path};

/// The variables of a run: account aliases, `region`, and every `save:` so far.
#[derive(Clone, Debug, Default)]
pub struct Variables {
    values: BTreeMap<String, Value>,
}

impl Variables {
    pub fn set(&mut self, name: &str, value: Value) {
        self.values.insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<&Value> {
        self.values.get(name)
    }

    /// Resolves one reference such as `role.Credentials.AccessKeyId`.
    fn resolve(&self, reference: &str) -> Result<Value, String> {
        let (name, rest) = split_reference(reference);
        let value = self.values.get(name).ok_or_else(|| {
            let known: Vec<_> = self.values.keys().map(String::as_str).collect();
            format!("${{{name}}} is not defined (defined: {})", known.join(", "))
        })?;
        match rest {
            None => Ok(value.clone()),
            Some(path) => Path::parse(path)?
                .lookup(value)
                .cloned()
                .ok_or_else(|| format!("${{{reference}}}: '{path}' is not in ${{{name}}}")),
        }
    }

    /// `value` with every reference replaced.
    pub fn interpolate(&self, value: &Value) -> Result<Value, String> {
        Ok(match value {
            Value::String(text) => self.interpolate_str(text)?,
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|v| self.interpolate(v))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut out = Map::new();
                for (key, v) in map {
                    out.insert(self.interpolate_text(key)?, self.interpolate(v)?);
                }
                Value::Object(out)
            }
            other => other.clone(),
        })
    }

    /// A string: a lone reference keeps its value's type; otherwise text.
    pub fn interpolate_str(&self, text: &str) -> Result<Value, String> {
        let pieces = pieces(text)?;
        if let [Piece::Reference(reference)] = pieces.as_slice() {
            return self.resolve(reference);
        }
        self.interpolate_text(text).map(Value::String)
    }

    /// A string where every reference must read as text.
    pub fn interpolate_text(&self, text: &str) -> Result<String, String> {
        let mut out = String::new();
        for piece in pieces(text)? {
            match piece {
                Piece::Text(t) => out.push_str(&t),
                Piece::Reference(reference) => match self.resolve(&reference)? {
                    value @ (Value::Object(_) | Value::Array(_)) => {
                        return Err(format!(
                            "${{{reference}}} is {} and cannot be written inside text",
                            if value.is_object() {
                                "an object"
                            } else {
                                "a list"
                            }
                        ))
                    }
                    value => out.push_str(&text_of(&value)),
                },
            }
        }
        Ok(out)
    }
}

fn split_reference(reference: &str) -> (&str, Option<&str>) {
    let end = reference.find(['.', '[']).unwrap_or(reference.len());
    let (name, rest) = reference.split_at(end);
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    (name, (!rest.is_empty()).then_some(rest))
}

enum Piece {
    Text(String),
    Reference(String),
}

fn pieces(text: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        literal.push_str(&rest[..at]);
        let after = &rest[at..];
        if let Some(escaped) = after.strip_prefix("$${") {
            literal.push_str("${");
            rest = escaped;
        } else if let Some(open) = after.strip_prefix("${") {
            let end = open
                .find('}')
                .ok_or_else(|| format!("'{text}': a '${{' is not closed by '}}'"))?;
            let reference = open[..end].trim();
            if reference.is_empty() {
                return Err(format!("'{text}': '${{}}' names no variable"));
            }
            if !literal.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut literal)));
            }
            out.push(Piece::Reference(reference.to_string()));
            rest = &open[end + 1..];
        } else {
            literal.push('$');
            rest = &after[1..];
        }
    }
    literal.push_str(rest);
    if !literal.is_empty() {
        out.push(Piece::Text(literal));
    }
    Ok(out)
}

/// The variable names a value refers to (for checking a file before it runs).
pub fn references(value: &Value, out: &mut Vec<String>) -> Result<(), String> {
    let text = |s: &str, out: &mut Vec<String>| -> Result<(), String> {
        for piece in pieces(s)? {
            if let Piece::Reference(reference) = piece {
                out.push(split_reference(&reference).0.to_string());
            }
        }
        Ok(())
    };
    match value {
        Value::String(s) => text(s, out),
        Value::Array(items) => items.iter().try_for_each(|v| references(v, out)),
        Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            text(k, out)?;
            references(v, out)
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars() -> Variables {
        let mut v = Variables::default();
        v.set("dev", json!("222222222222"));
        v.set("role", json!({"Credentials": {"AccessKeyId": "ASIA1"}}));
        v.set("ids", json!(["a", "b"]));
        v
    }

    #[test]
    fn whole_references_keep_their_type_and_text_is_text() {
        let v = vars();
        let got = v
            .interpolate(&json!({
                "AccountId": "${dev}",
                "Key": "${role.Credentials.AccessKeyId}",
                "Ids": "${ids}",
                "First": "${ids[0]}",
                "Arn": "arn:aws:iam::${dev}:role/R",
                "${dev}": 1,
                "Price": "$5 and $${literal}",
            }))
            .unwrap();
        assert_eq!(
            got,
            json!({
                "AccountId": "222222222222",
                "Key": "ASIA1",
                "Ids": ["a", "b"],
                "First": "a",
                "Arn": "arn:aws:iam::222222222222:role/R",
                "222222222222": 1,
                "Price": "$5 and ${literal}",
            })
        );
    }

    #[test]
    fn unknown_names_and_objects_in_text_are_errors() {
        let v = vars();
        let e = v.interpolate(&json!("${nope}")).unwrap_err();
        assert!(
            e.contains("${nope} is not defined") && e.contains("dev"),
            "{e}"
        );
        let e = v.interpolate(&json!("x ${role}")).unwrap_err();
        assert!(e.contains("an object"), "{e}");
        let e = v.interpolate(&json!("${role.Nope}")).unwrap_err();
        assert!(e.contains("'Nope' is not in ${role}"), "{e}");
        assert!(v.interpolate(&json!("${dev")).is_err());
    }

    #[test]
    fn references_lists_names() {
        let mut names = vec![];
        references(
            &json!({"a": "${x.Y} and ${z}", "${k}": ["${w[0]}"]}),
            &mut names,
        )
        .unwrap();
        assert_eq!(names, ["x", "z", "k", "w"]);
    }
}
