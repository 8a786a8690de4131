//! The EC2 protocol: a query-style request (`Action=<Op>&Version=2016-11-15`, lists
//! flattened as `Name.N`, e.g. `Filter.1.Value.2`), answered with EC2's own XML — no
//! `<OpResult>` wrapper, lists as `<item>` children, a `<requestId>` — and errors as
//! `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`
//! (botocore's `EC2QueryParser`).

use axum::body::Body;
use axum::http::Response;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{respond, DecodeFailure, Decoded, Protocol, WireRequest, MAX_INPUT_DEPTH};
use crate::api::{ApiError, ServiceId};

/// EC2 answers with this content type.
const CONTENT_TYPE: &str = "text/xml;charset=UTF-8";

/// Whether a query-style request is for EC2: its signing name says so, or, unsigned,
/// its `Version` is EC2's.
pub fn is_ec2(request: &WireRequest<'_>, signing_service: Option<ServiceId>) -> bool {
    match signing_service {
        Some(service) => service.protocol() == Protocol::Ec2,
        None => {
            let version = form_pairs(request)
                .into_iter()
                .find(|(k, _)| k == "Version")
                .map(|(_, v)| v);
            ServiceId::ALL
                .iter()
                .any(|s| s.ec2_version().map(|(v, _)| v) == version.as_deref())
        }
    }
}

fn form_pairs(request: &WireRequest<'_>) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect();
    pairs.extend(form_urlencoded::parse(request.body).into_owned());
    pairs
}

pub fn decode(request: &WireRequest<'_>) -> Result<Decoded, DecodeFailure> {
    let pairs = form_pairs(request);
    let service = ServiceId::ALL
        .iter()
        .copied()
        .find(|s| s.protocol() == Protocol::Ec2)
        .expect("the registry has the EC2 service");
    let action = pairs
        .iter()
        .find(|(k, _)| k == "Action")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !service.has_operation(&action) {
        return Err(DecodeFailure {
            protocol: Protocol::Ec2,
            service: Some(service),
            error: ApiError::new(
                "InvalidAction",
                400,
                format!("The action {action} is not valid for this web service."),
            ),
        });
    }
    // Each `.` of a member path is one level of the rebuilt input (and of the recursion
    // that builds it): a path deeper than any AWS shape is refused first.
    if let Some((key, _)) = pairs
        .iter()
        .find(|(k, _)| k.split('.').count() > MAX_INPUT_DEPTH)
    {
        let shown: String = key.chars().take(64).collect();
        return Err(DecodeFailure {
            protocol: Protocol::Ec2,
            service: Some(service),
            error: ApiError::new(
                "InvalidParameterValue",
                400,
                format!("The parameter '{shown}…' is nested deeper than {MAX_INPUT_DEPTH} levels."),
            ),
        });
    }
    let members = pairs
        .into_iter()
        .filter(|(k, _)| k != "Action" && k != "Version");
    Ok(Decoded {
        service,
        operation: action,
        input: unflatten(members),
        success_status: 200,
        payload: Default::default(),
    })
}

/// A member tree rebuilt from flat keys: a numeric segment is a 1-based list index.
enum Node {
    Leaf(String),
    Struct(BTreeMap<String, Node>),
    List(BTreeMap<u64, Node>),
}

fn unflatten(pairs: impl Iterator<Item = (String, String)>) -> Value {
    let mut root = Node::Struct(BTreeMap::new());
    for (key, value) in pairs {
        let parts: Vec<&str> = key.split('.').collect();
        insert(&mut root, &parts, value);
    }
    to_json(root)
}

fn insert(node: &mut Node, parts: &[&str], value: String) {
    let Some((first, rest)) = parts.split_first() else {
        *node = Node::Leaf(value);
        return;
    };
    if let Ok(index) = first.parse::<u64>() {
        if !matches!(node, Node::List(_)) {
            *node = Node::List(BTreeMap::new());
        }
        if let Node::List(items) = node {
            let child = items
                .entry(index)
                .or_insert_with(|| Node::Struct(BTreeMap::new()));
            insert(child, rest, value);
        }
        return;
    }
    if !matches!(node, Node::Struct(_)) {
        *node = Node::Struct(BTreeMap::new());
    }
    if let Node::Struct(fields) = node {
        let child = fields
            .entry(first.to_string())
            .or_insert_with(|| Node::Struct(BTreeMap::new()));
        insert(child, rest, value);
    }
}

fn to_json(node: Node) -> Value {
    match node {
        Node::Leaf(s) => Value::String(s),
        Node::Struct(fields) => {
            Value::Object(fields.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
        Node::List(items) => Value::Array(items.into_values().map(to_json).collect()),
    }
}

/// `<OpResponse xmlns=…><requestId/>…members…</OpResponse>`.
pub fn encode_output(
    service: ServiceId,
    operation: &str,
    output: &Value,
    request_id: &str,
) -> Response<Body> {
    let namespace = service
        .ec2_version()
        .map(|(_, ns)| format!("{}/", ns.trim_end_matches('/')))
        .unwrap_or_default();
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let tag = format!("{operation}Response");
    let _ = w.write_event(Event::Start(
        BytesStart::new(tag.as_str()).with_attributes([("xmlns", namespace.as_str())]),
    ));
    write_text(&mut w, "requestId", request_id);
    if let Value::Object(fields) = output {
        for (k, v) in fields {
            write_value(&mut w, k, v);
        }
    }
    let _ = w.write_event(Event::End(BytesEnd::new(tag.as_str())));
    respond(200, CONTENT_TYPE, w.into_inner(), request_id)
}

/// `<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>`.
pub fn encode_error(error: &ApiError, request_id: &str) -> Response<Body> {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = w.write_event(Event::Start(BytesStart::new("Response")));
    let _ = w.write_event(Event::Start(BytesStart::new("Errors")));
    let _ = w.write_event(Event::Start(BytesStart::new("Error")));
    write_text(&mut w, "Code", &error.code);
    write_text(&mut w, "Message", &error.message);
    let _ = w.write_event(Event::End(BytesEnd::new("Error")));
    let _ = w.write_event(Event::End(BytesEnd::new("Errors")));
    write_text(&mut w, "RequestID", request_id);
    let _ = w.write_event(Event::End(BytesEnd::new("Response")));
    respond(error.status, CONTENT_TYPE, w.into_inner(), request_id)
}

fn write_text(w: &mut Writer<Vec<u8>>, tag: &str, text: &str) {
    let _ = w.write_event(Event::Start(BytesStart::new(tag)));
    let _ = w.write_event(Event::Text(BytesText::new(text)));
    let _ = w.write_event(Event::End(BytesEnd::new(tag)));
}

/// Objects become child elements, arrays `<item>`s, scalars text; nulls vanish.
fn write_value(w: &mut Writer<Vec<u8>>, tag: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(fields) => write_struct(w, tag, fields),
        Value::Array(items) => {
            let _ = w.write_event(Event::Start(BytesStart::new(tag)));
            for item in items {
                write_value(w, "item", item);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(tag)));
        }
        Value::String(s) => write_text(w, tag, s),
        Value::Bool(b) => write_text(w, tag, if *b { "true" } else { "false" }),
        Value::Number(n) => write_text(w, tag, &n.to_string()),
    }
}

fn write_struct(w: &mut Writer<Vec<u8>>, tag: &str, fields: &Map<String, Value>) {
    let _ = w.write_event(Event::Start(BytesStart::new(tag)));
    for (k, v) in fields {
        write_value(w, k, v);
    }
    let _ = w.write_event(Event::End(BytesEnd::new(tag)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::tests::body_text;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn decode_form(body: &str) -> Result<Decoded, DecodeFailure> {
        let headers = HeaderMap::new();
        decode(&WireRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: &bytes::Bytes::copy_from_slice(body.as_bytes()),
            virtual_host_bases: &[],
        })
    }

    /// Wire vectors: EC2 form bodies (as botocore serializes them) → input.
    #[test]
    fn request_vectors() {
        let cases = [
            ("Action=DescribeRegions&Version=2016-11-15", json!({})),
            (
                "Action=DescribeRegions&Version=2016-11-15&AllRegions=true&RegionName.1=us-east-1&RegionName.2=af-south-1",
                json!({"AllRegions": "true", "RegionName": ["us-east-1", "af-south-1"]}),
            ),
            (
                "Action=DescribeRegions&Version=2016-11-15&Filter.1.Name=opt-in-status&Filter.1.Value.1=opted-in&Filter.1.Value.2=not-opted-in&Filter.2.Name=region-name&Filter.2.Value.1=eu-*",
                json!({"Filter": [
                    {"Name": "opt-in-status", "Value": ["opted-in", "not-opted-in"]},
                    {"Name": "region-name", "Value": ["eu-*"]},
                ]}),
            ),
        ];
        for (body, input) in cases {
            let decoded = decode_form(body).unwrap();
            assert_eq!(decoded.operation, "DescribeRegions");
            assert_eq!(decoded.input, input, "{body}");
        }
        let error = decode_form("Action=NoSuchThing&Version=2016-11-15").unwrap_err();
        assert_eq!(
            (error.error.code.as_str(), error.error.status),
            ("InvalidAction", 400)
        );
        assert_eq!(error.protocol, Protocol::Ec2);
    }

    #[test]
    fn output_has_no_result_wrapper_and_item_lists() {
        let output = json!({"regionInfo": [
            {"regionName": "us-east-1", "regionEndpoint": "ec2.us-east-1.amazonaws.com", "optInStatus": "opt-in-not-required"},
        ]});
        let service = ServiceId::ALL
            .iter()
            .copied()
            .find(|s| s.protocol() == Protocol::Ec2)
            .unwrap();
        let body = body_text(encode_output(service, "DescribeRegions", &output, "rid-1"));
        assert_eq!(
            body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>rid-1</requestId><regionInfo><item><regionName>us-east-1</regionName><regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo></DescribeRegionsResponse>"
        );
    }

    #[test]
    fn error_document() {
        let response = encode_error(
            &ApiError::new("InvalidParameterValue", 400, "bad & worse"),
            "rid-2",
        );
        assert_eq!(response.status(), 400);
        assert_eq!(
            body_text(response),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>InvalidParameterValue</Code><Message>bad &amp; worse</Message></Error></Errors><RequestID>rid-2</RequestID></Response>"
        );
    }
}
