//! CloudFormation's YAML: a YAML document read into the JSON form of the template, with
//! the short-form tags (`!Ref X`, `!GetAtt A.B`, `!Sub …`) turned into their long forms
//! (`{"Ref": "X"}`, `{"Fn::GetAtt": ["A", "B"]}`, `{"Fn::Sub": …}`), as CloudFormation
//! reads them. Anchors and aliases resolve to copies of the anchored node.

use granit_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};
use std::collections::BTreeMap;

/// Deepest nesting a template may have (CloudFormation's templates are shallow; this
/// keeps a hostile document from exhausting the stack).
const MAX_DEPTH: usize = 64;

/// Reads one YAML document. The error is the parser's, with line and column.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        events: Parser::new_from_str(text),
        anchors: BTreeMap::new(),
    };
    let mut root = None;
    loop {
        match reader.next()? {
            None | Some(Ev::StreamEnd) => break,
            Some(Ev::DocumentStart) => {
                if root.is_some() {
                    return Err("expected a single document in the stream".into());
                }
                root = Some(match reader.next()? {
                    Some(Ev::DocumentEnd) | None => Value::Null,
                    Some(first) => {
                        let value = reader.node(first, 0)?;
                        match reader.next()? {
                            Some(Ev::DocumentEnd) => {}
                            _ => return Err("expected the end of the document".into()),
                        }
                        value
                    }
                });
            }
            Some(_) => {}
        }
    }
    Ok(root.unwrap_or(Value::Null))
}

/// The events the reader acts on, owned.
enum Ev {
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(usize),
    Scalar(String, bool, usize, Option<Tag>),
    SequenceStart(usize, Option<Tag>),
    SequenceEnd,
    MappingStart(usize, Option<Tag>),
    MappingEnd,
}

struct Reader<'a> {
    events: Parser<'a, granit_parser::StrInput<'a>>,
    anchors: BTreeMap<usize, Value>,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<Option<Ev>, String> {
        loop {
            let Some(item) = self.events.next() else {
                return Ok(None);
            };
            let (event, _) = item.map_err(|e| e.to_string())?;
            let ev = match event {
                Event::StreamEnd => Ev::StreamEnd,
                Event::DocumentStart(..) => Ev::DocumentStart,
                Event::DocumentEnd => Ev::DocumentEnd,
                Event::Alias(id) => Ev::Alias(id),
                Event::Scalar(text, style, anchor, tag) => Ev::Scalar(
                    text.into_owned(),
                    style == ScalarStyle::Plain,
                    anchor,
                    tag.map(|t| t.into_owned()),
                ),
                Event::SequenceStart(_, anchor, tag) => {
                    Ev::SequenceStart(anchor, tag.map(|t| t.into_owned()))
                }
                Event::SequenceEnd => Ev::SequenceEnd,
                Event::MappingStart(_, anchor, tag) => {
                    Ev::MappingStart(anchor, tag.map(|t| t.into_owned()))
                }
                Event::MappingEnd => Ev::MappingEnd,
                Event::UnresolvedAlias(name) => {
                    return Err(format!("unknown anchor '{name}' referenced"))
                }
                // Comments and anchor metadata carry no data.
                _ => continue,
            };
            return Ok(Some(ev));
        }
    }

    fn node(&mut self, first: Ev, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(format!(
                "the document is nested deeper than {MAX_DEPTH} levels"
            ));
        }
        let (value, anchor) = match first {
            Ev::Alias(id) => {
                return self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| "unknown anchor referenced".to_string())
            }
            Ev::Scalar(text, plain, anchor, tag) => (scalar(text, plain, tag.as_ref())?, anchor),
            Ev::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                loop {
                    match self.next()? {
                        Some(Ev::SequenceEnd) => break,
                        Some(ev) => items.push(self.node(ev, depth + 1)?),
                        None => return Err("unexpected end of the document".into()),
                    }
                }
                (tagged(Value::Array(items), tag.as_ref())?, anchor)
            }
            Ev::MappingStart(anchor, tag) => {
                let mut fields = Map::new();
                loop {
                    let key = match self.next()? {
                        Some(Ev::MappingEnd) => break,
                        Some(ev) => self.node(ev, depth + 1)?,
                        None => return Err("unexpected end of the document".into()),
                    };
                    let key = match key {
                        Value::String(s) => s,
                        Value::Null => "null".to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Number(n) => n.to_string(),
                        _ => return Err("a mapping key must be a scalar".into()),
                    };
                    let value = match self.next()? {
                        Some(ev) => self.node(ev, depth + 1)?,
                        None => return Err("unexpected end of the document".into()),
                    };
                    if fields.contains_key(&key) {
                        return Err(format!("duplicate key '{key}'"));
                    }
                    fields.insert(key, value);
                }
                (tagged(Value::Object(fields), tag.as_ref())?, anchor)
            }
            _ => return Err("unexpected YAML structure".into()),
        };
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        Ok(value)
    }
}

/// A scalar: CloudFormation short forms, YAML core tags, or the plain scalar's type.
fn scalar(text: String, plain: bool, tag: Option<&Tag>) -> Result<Value, String> {
    match tag {
        Some(tag) if tag.handle() == "!" => {
            let name = tag.suffix();
            if name == "GetAtt" {
                // `!GetAtt Resource.Attribute` (the attribute may itself hold dots).
                return match text.split_once('.') {
                    Some((resource, attribute)) => Ok(long_form(
                        name,
                        Value::Array(vec![resource.into(), attribute.into()]),
                    )?),
                    None => long_form(name, Value::String(text)),
                };
            }
            long_form(name, Value::String(text))
        }
        Some(tag) if tag.handle() == "tag:yaml.org,2002:" => match tag.suffix() {
            "str" => Ok(Value::String(text)),
            "int" | "float" => number(&text).ok_or_else(|| format!("'{text}' is not a number")),
            "bool" => boolean(&text).ok_or_else(|| format!("'{text}' is not a boolean")),
            "null" => Ok(Value::Null),
            other => Err(format!("unsupported YAML tag !!{other}")),
        },
        Some(tag) => Err(format!(
            "unsupported YAML tag {}{}",
            tag.handle(),
            tag.suffix()
        )),
        None if plain => Ok(plain_scalar(text)),
        None => Ok(Value::String(text)),
    }
}

/// A tagged sequence or mapping: only CloudFormation's short forms are known.
fn tagged(value: Value, tag: Option<&Tag>) -> Result<Value, String> {
    match tag {
        None => Ok(value),
        Some(tag) if tag.handle() == "!" => long_form(tag.suffix(), value),
        Some(tag) if tag.handle() == "tag:yaml.org,2002:" => Ok(value),
        Some(tag) => Err(format!(
            "unsupported YAML tag {}{}",
            tag.handle(),
            tag.suffix()
        )),
    }
}

/// The short-form tags CloudFormation reads, and the key each stands for.
const SHORT_FORMS: &[&str] = &[
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Length",
    "ToJsonString",
];

fn long_form(name: &str, value: Value) -> Result<Value, String> {
    let key = match name {
        "Ref" => "Ref".to_string(),
        "Condition" => "Condition".to_string(),
        _ if SHORT_FORMS.contains(&name) => format!("Fn::{name}"),
        _ => return Err(format!("unknown tag !{name}")),
    };
    let mut map = Map::new();
    map.insert(key, value);
    Ok(Value::Object(map))
}

/// YAML 1.1's plain scalars as CloudFormation reads them: null, booleans, numbers, or text.
fn plain_scalar(text: String) -> Value {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        _ => {}
    }
    if let Some(b) = boolean(&text) {
        return b;
    }
    number(&text).unwrap_or(Value::String(text))
}

fn boolean(text: &str) -> Option<Value> {
    match text {
        "true" | "True" | "TRUE" => Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => Some(Value::Bool(false)),
        _ => None,
    }
}

fn number(text: &str) -> Option<Value> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    // A leading zero (`012`, an account id `000000000000`) stays text: CloudFormation
    // keeps such values as written.
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return None;
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse::<i64>().ok().map(|n| Value::Number(n.into()));
    }
    if digits
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return text
            .parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map(Value::Number);
    }
    None
}
