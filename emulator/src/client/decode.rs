//! HTTP responses → JSON output or an error, read the way the SDKs read them.

use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use crate::protocol::Protocol;

/// An error answer: status, AWS error code and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

impl std::fmt::Display for CallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status, self.message)
    }
}

/// Reads a response. `error_type` is the `X-Amzn-ErrorType` header, if any.
pub fn decode(
    protocol: Protocol,
    operation: &str,
    status: u16,
    error_type: Option<&str>,
    body: &[u8],
) -> Result<Value, CallError> {
    if protocol == Protocol::Ec2 {
        let tree = xml_to_json(body).map_err(|e| CallError {
            status,
            code: "UnreadableResponse".into(),
            message: e,
        })?;
        if status >= 300 {
            let error = &tree["Errors"]["Error"];
            return Err(CallError {
                status,
                code: error["Code"].as_str().unwrap_or("Unknown").into(),
                message: error["Message"].as_str().unwrap_or_default().into(),
            });
        }
        // EC2 answers have no result wrapper: the members sit beside `requestId`.
        let mut output = match tree {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        output.remove("requestId");
        return Ok(Value::Object(output));
    }
    if protocol == Protocol::RestXml {
        return decode_rest_xml(status, body);
    }
    if protocol == Protocol::AwsQuery {
        let tree = xml_to_json(body).map_err(|e| CallError {
            status,
            code: "UnreadableResponse".into(),
            message: e,
        })?;
        if status >= 300 {
            let error = &tree["Error"];
            return Err(CallError {
                status,
                code: error["Code"].as_str().unwrap_or("Unknown").into(),
                message: error["Message"].as_str().unwrap_or_default().into(),
            });
        }
        return Ok(tree
            .get(format!("{operation}Result"))
            .cloned()
            .map(|v| {
                if v.is_string() {
                    Value::Object(Map::new())
                } else {
                    v
                }
            })
            .unwrap_or(Value::Object(Map::new())));
    }
    let json: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else {
        serde_json::from_slice(body).map_err(|e| CallError {
            status,
            code: "UnreadableResponse".into(),
            message: format!("response is not JSON: {e}"),
        })?
    };
    if status >= 300 {
        let raw = error_type
            .map(str::to_string)
            .or_else(|| json["__type"].as_str().map(str::to_string))
            .or_else(|| json["code"].as_str().map(str::to_string))
            .unwrap_or_else(|| "Unknown".into());
        // Sanitise like the SDKs: cut at ':' and keep what follows '#'.
        let code = raw.split(':').next().unwrap_or_default();
        let code = code.rsplit('#').next().unwrap_or(code).to_string();
        let message = ["message", "Message", "errorMessage"]
            .iter()
            .find_map(|k| json[*k].as_str())
            .unwrap_or_default()
            .to_string();
        return Err(CallError {
            status,
            code,
            message,
        });
    }
    Ok(json)
}

/// rest-xml (S3): `<Error>` documents become errors; an XML body becomes its root
/// element's content, any other body the `Body` member (a policy's text).
fn decode_rest_xml(status: u16, body: &[u8]) -> Result<Value, CallError> {
    let parsed = if !body.starts_with(b"<") {
        None
    } else {
        crate::protocol::rest_xml::xml::parse(body).ok()
    };
    if status >= 300 {
        let error = parsed.map(|(_, v)| v).unwrap_or_default();
        return Err(CallError {
            status,
            code: error["Code"].as_str().unwrap_or("Unknown").into(),
            message: error["Message"].as_str().unwrap_or_default().into(),
        });
    }
    Ok(match parsed {
        Some((_, Value::Object(content))) => Value::Object(content),
        Some((root, text)) => Value::Object(Map::from_iter([(root, text)])),
        None if body.is_empty() => Value::Object(Map::new()),
        None => Value::Object(Map::from_iter([(
            "Body".to_string(),
            Value::String(String::from_utf8_lossy(body).into_owned()),
        )])),
    })
}

/// An element being read: its tag, its children so far, its text so far.
struct OpenElement {
    tag: String,
    children: Vec<(String, Value)>,
    text: String,
}

impl OpenElement {
    fn new(tag: &str) -> Self {
        OpenElement {
            tag: tag.to_string(),
            children: vec![],
            text: String::new(),
        }
    }
}

/// The document element's children as JSON: elements with children become objects,
/// `<member>` children become arrays, text becomes strings.
fn xml_to_json(body: &[u8]) -> Result<Value, String> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    let mut stack = vec![OpenElement::new("#document")];
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("response is not XML: {e}"))?
        {
            Event::Start(start) => {
                stack.push(OpenElement::new(start.local_name().as_ref()));
            }
            Event::Empty(start) => {
                let name = start.local_name().as_ref().to_string();
                if let Some(parent) = stack.last_mut() {
                    parent.children.push((name, Value::String(String::new())));
                }
            }
            Event::Text(text) => {
                // Entities arrive as separate `GeneralRef` events.
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&text.xml10_content());
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
                let value = element_value(done.children, done.text);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push((done.tag, value));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().ok_or("empty XML")?;
    // The document element (e.g. `<AssumeRoleResponse>` or `<ErrorResponse>`).
    match document.children.pop() {
        Some((_, value)) => Ok(value),
        None => Err("empty XML".into()),
    }
}

fn element_value(children: Vec<(String, Value)>, text: String) -> Value {
    if children.is_empty() {
        return Value::String(text);
    }
    // awsQuery lists are `<member>`s, EC2's `<item>`s.
    if children.iter().all(|(name, _)| name == "member")
        || children.iter().all(|(name, _)| name == "item")
    {
        return Value::Array(children.into_iter().map(|(_, v)| v).collect());
    }
    Value::Object(children.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn query_responses_and_errors() {
        let ok = br#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIA</AccessKeyId></Credentials><Tags><member><Key>a&amp;b</Key></member></Tags></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"#;
        let out = decode(Protocol::AwsQuery, "AssumeRole", 200, None, ok).unwrap();
        assert_eq!(
            out,
            json!({"Credentials": {"AccessKeyId": "ASIA"}, "Tags": [{"Key": "a&b"}]})
        );
        let err = br#"<?xml version="1.0" encoding="UTF-8"?><ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>"#;
        let e = decode(Protocol::AwsQuery, "AssumeRole", 403, None, err).unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str(), e.message.as_str()),
            (403, "AccessDenied", "no")
        );
    }

    #[test]
    fn ec2_responses_and_errors() {
        let ok = br#"<?xml version="1.0" encoding="UTF-8"?><DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo><item><regionName>us-east-1</regionName></item></regionInfo></DescribeRegionsResponse>"#;
        let out = decode(Protocol::Ec2, "DescribeRegions", 200, None, ok).unwrap();
        assert_eq!(out, json!({"regionInfo": [{"regionName": "us-east-1"}]}));
        let err = br#"<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidParameterValue</Code><Message>no</Message></Error></Errors><RequestID>r</RequestID></Response>"#;
        let e = decode(Protocol::Ec2, "DescribeRegions", 400, None, err).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("InvalidParameterValue", "no")
        );
    }

    #[test]
    fn json_errors_prefer_the_header_and_sanitise() {
        let e = decode(
            Protocol::RestJson,
            "GetDetector",
            400,
            Some("BadRequestException:http://x"),
            br#"{"message":"m","__type":"InvalidInputException"}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("BadRequestException", "m")
        );
        let e = decode(
            Protocol::AwsJson,
            "X",
            400,
            None,
            br#"{"__type":"com.amazon#AccessDeniedException","Message":"m"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code, "AccessDeniedException");
        assert_eq!(
            decode(Protocol::RestJson, "TagResource", 204, None, b"").unwrap(),
            json!({})
        );
    }
}
