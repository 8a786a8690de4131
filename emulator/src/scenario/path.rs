//! Paths into an answer: `Organization.FeatureSet`, `Accounts[0].Id`, `Accounts[-1]`,
//! `Accounts[Name=Security].Status` (the first element whose `Name` is `Security`).

use serde_json::Value;

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
pub enum Segment {
    /// A member of an object.
    Member(String),
    /// An element of a list; negative counts from the end.
    Index(i64),
    /// The first element of a list whose `key` reads `value`.
    Select { key: String, value: String },
}

/// A parsed path, kept with the text it came from for messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl Path {
    pub fn parse(text: &str) -> Result<Path, String> {
        let bad = |why: &str| Err(format!("path '{text}': {why}"));
        if text.trim().is_empty() {
            return bad("empty");
        }
        let mut segments = Vec::new();
        let mut rest = text;
        let mut expect_member = true;
        while !rest.is_empty() {
            if let Some(inner) = rest.strip_prefix('[') {
                let Some(end) = inner.find(']') else {
                    return bad("a '[' is not closed");
                };
                segments.push(bracket(&inner[..end]).map_err(|e| format!("path '{text}': {e}"))?);
                rest = &inner[end + 1..];
                expect_member = false;
            } else if let Some(after) = rest.strip_prefix('.') {
                if expect_member {
                    return bad("a '.' with no member before it");
                }
                rest = after;
                expect_member = true;
                if rest.is_empty() || rest.starts_with(['.', '[']) {
                    return bad("a '.' with no member after it");
                }
            } else {
                if !expect_member {
                    return bad("members are separated by '.'");
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let name = &rest[..end];
                if name.contains(']') {
                    return bad("a ']' with no '[' before it");
                }
                segments.push(Segment::Member(name.to_string()));
                rest = &rest[end..];
                expect_member = false;
            }
        }
        Ok(Path {
            text: text.to_string(),
            segments,
        })
    }

    /// The value at this path, if there is one (`null` counts as none).
    pub fn lookup<'v>(&self, root: &'v Value) -> Option<&'v Value> {
        let mut here = root;
        for segment in &self.segments {
            here = match (segment, here) {
                (Segment::Member(name), Value::Object(map)) => map.get(name)?,
                (Segment::Index(i), Value::Array(items)) => {
                    let at = if *i < 0 { items.len() as i64 + i } else { *i };
                    items.get(usize::try_from(at).ok()?)?
                }
                (Segment::Select { key, value }, Value::Array(items)) => items
                    .iter()
                    .find(|item| item.get(key).is_some_and(|v| text_of(v) == *value))?,
                _ => return None,
            };
        }
        (!here.is_null()).then_some(here)
    }
}

fn bracket(inside: &str) -> Result<Segment, String> {
    let inside = inside.trim();
    if let Some((key, value)) = inside.split_once('=') {
        let key = key.trim();
        if key.is_empty() {
            return Err("'[=…]' needs a member name before '='".into());
        }
        return Ok(Segment::Select {
            key: key.to_string(),
            value: value.trim().to_string(),
        });
    }
    inside
        .parse::<i64>()
        .map(Segment::Index)
        .map_err(|_| format!("'[{inside}]' is neither an index nor Member=Value"))
}

/// A scalar as text, the way selectors and loose comparisons read it.
pub fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_indexes_and_selectors() {
        let answer = json!({"Accounts": [
            {"Name": "Security", "Id": "1", "Tags": [{"Key": "a"}]},
            {"Name": "Dev", "Id": "2", "Size": 3},
        ]});
        let at = |p: &str| Path::parse(p).unwrap().lookup(&answer).cloned();
        assert_eq!(at("Accounts[0].Id"), Some(json!("1")));
        assert_eq!(at("Accounts[-1].Name"), Some(json!("Dev")));
        assert_eq!(at("Accounts[Name=Dev].Id"), Some(json!("2")));
        assert_eq!(at("Accounts[Size=3].Name"), Some(json!("Dev")));
        assert_eq!(at("Accounts[0].Tags[0].Key"), Some(json!("a")));
        assert_eq!(at("Accounts[Name=Nope].Id"), None);
        assert_eq!(at("Accounts[5]"), None);
        assert_eq!(at("Accounts.Name"), None);
        assert_eq!(at("Accounts").map(|v| v.as_array().unwrap().len()), Some(2));
    }

    #[test]
    fn malformed_paths_say_why() {
        for (text, why) in [
            ("", "empty"),
            ("A..B", "no member after"),
            ("A[0", "not closed"),
            ("A[x]", "neither an index"),
            (".A", "no member before"),
            ("A[0]B", "separated by '.'"),
            ("A]", "no '['"),
        ] {
            let e = Path::parse(text).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
