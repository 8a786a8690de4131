//! XML documents ⇄ JSON trees keyed by element names, the shape S3's handlers read and
//! write: an element with children is an object, a repeated child becomes an array,
//! text is a string. Lists with one item stay objects; handlers read them with
//! [`one_or_many`].

use quick_xml::events::Event;
use quick_xml::Reader;
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};

/// An element while its children are read.
struct Open {
    name: String,
    children: Map<String, Value>,
    text: String,
}

/// Parses a document: its root element's name and its content.
pub fn parse(body: &[u8]) -> Result<(String, Value), String> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(start) => {
                // Deeper than any AWS shape: refused before the (recursively dropped)
                // value tree can grow deep enough to exhaust the stack.
                if stack.len() >= crate::protocol::MAX_INPUT_DEPTH {
                    return Err(format!(
                        "the document nests elements deeper than {} levels",
                        crate::protocol::MAX_INPUT_DEPTH
                    ));
                }
                stack.push(Open {
                    name: start.local_name().as_ref().to_string(),
                    children: Map::new(),
                    text: String::new(),
                })
            }
            Event::Empty(start) => {
                let name = start.local_name().as_ref().to_string();
                match stack.last_mut() {
                    Some(parent) => {
                        add_child(&mut parent.children, name, Value::String(String::new()))
                    }
                    None => root = Some((name, Value::String(String::new()))),
                }
            }
            Event::Text(text) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(data.as_ref());
                }
            }
            Event::GeneralRef(reference) => {
                let text = match reference.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => quick_xml::escape::unescape(&format!("&{};", &*reference))
                        .map_err(|e| e.to_string())?
                        .into_owned(),
                };
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text);
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or("unbalanced XML")?;
                let value = if done.children.is_empty() {
                    Value::String(done.text)
                } else {
                    Value::Object(done.children)
                };
                match stack.last_mut() {
                    Some(parent) => add_child(&mut parent.children, done.name, value),
                    None => root = Some((done.name, value)),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("the document ends inside an element".into());
    }
    root.ok_or_else(|| "the document has no element".into())
}

fn add_child(children: &mut Map<String, Value>, name: String, value: Value) {
    match children.get_mut(&name) {
        Some(Value::Array(items)) => items.push(value),
        Some(existing) => {
            let first = existing.take();
            *existing = Value::Array(vec![first, value]);
        }
        None => {
            children.insert(name, value);
        }
    }
}

/// Writes `<root xmlns=…>` with `content`: object members become child elements in
/// order, arrays repeat their element, scalars are text, `null` is left out.
pub fn write(root: &str, namespace: Option<&str>, content: &Value) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match namespace {
        Some(ns) => write_element(&mut out, root, &format!(" xmlns=\"{ns}\""), content),
        None => write_element(&mut out, root, "", content),
    }
    out.into_bytes()
}

fn write_element(out: &mut String, name: &str, attributes: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => {
            for item in items {
                write_element(out, name, attributes, item);
            }
        }
        Value::Object(members) => {
            out.push('<');
            out.push_str(name);
            out.push_str(attributes);
            out.push('>');
            for (child, value) in members {
                write_element(out, child, "", value);
            }
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            out.push('<');
            out.push_str(name);
            out.push_str(attributes);
            out.push('>');
            out.push_str(&quick_xml::escape::escape(text.as_str()));
            out.push_str("</");
            out.push_str(name);
            out.push('>');
        }
    }
}

/// Deserializes a list written as repeated elements: one item arrives as an object,
/// several as an array, none as absent (or an empty string for `<List/>`).
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    let items = match value {
        Value::Null => Vec::new(),
        Value::String(s) if s.is_empty() => Vec::new(),
        Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|item| serde_json::from_value(item).map_err(serde::de::Error::custom))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refuses_documents_deeper_than_any_shape() {
        let deep = "<a>".repeat(100_000);
        assert!(parse(deep.as_bytes()).unwrap_err().contains("deeper"));
    }

    #[test]
    fn parses_nested_and_repeated_elements() {
        let doc = br#"<?xml version="1.0"?><Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>a&amp;b</Key><Value>1</Value></Tag><Tag><Key>c</Key><Value/></Tag></TagSet></Tagging>"#;
        let (root, value) = parse(doc).unwrap();
        assert_eq!(root, "Tagging");
        assert_eq!(
            value,
            json!({"TagSet": {"Tag": [{"Key": "a&b", "Value": "1"}, {"Key": "c", "Value": ""}]}})
        );
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"").is_err());
    }

    #[test]
    fn writes_in_order_and_escapes() {
        let xml = write(
            "ListBucketResult",
            Some("http://s3.amazonaws.com/doc/2006-03-01/"),
            &json!({"Name": "b", "Contents": [{"Key": "x<y"}, {"Key": "z"}], "Skip": null, "IsTruncated": false}),
        );
        assert_eq!(
            String::from_utf8(xml).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Contents><Key>x&lt;y</Key></Contents><Contents><Key>z</Key></Contents><IsTruncated>false</IsTruncated></ListBucketResult>"
        );
    }
}
