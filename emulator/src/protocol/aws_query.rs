//! awsQuery (STS, IAM): form-encoded `Action=<Op>&Version=…` requests, XML responses.
//!
//! Input keys are flattened member paths (`Tags.member.1.Key`, `X.entry.1.key`);
//! they become nested JSON with every leaf a string, as the form carries them.

use axum::body::Body;
use axum::http::Response;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{respond, DecodeFailure, Decoded, Protocol, WireRequest, MAX_INPUT_DEPTH};
use crate::api::{ApiError, Fault, ServiceId};

pub fn decode(
    request: &WireRequest<'_>,
    signing_service: Option<ServiceId>,
) -> Result<Decoded, DecodeFailure> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect();
    pairs.extend(form_urlencoded::parse(request.body).into_owned());
    let field = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let action = field("Action").unwrap_or_default();
    let version = field("Version");
    // The signing name decides; unsigned requests go by `Version` (STS by default).
    let service = match signing_service {
        Some(s) if s.query_version().is_some() => s,
        _ => ServiceId::ALL
            .iter()
            .copied()
            .find(|s| s.query_version().map(|(v, _)| v) == version.as_deref())
            .unwrap_or(ServiceId::Sts),
    };
    if !service.has_operation(&action) {
        return Err(DecodeFailure {
            protocol: Protocol::AwsQuery,
            service: Some(service),
            error: ApiError::new(
                "InvalidAction",
                400,
                format!(
                    "Could not find operation {action} for version {}",
                    version.as_deref().unwrap_or("NO_VERSION_SPECIFIED")
                ),
            ),
        });
    }
    // Each `.` of a member path is one level of the rebuilt input; a path deeper than
    // any AWS shape is refused before the tree is built.
    if let Some((key, _)) = pairs
        .iter()
        .find(|(k, _)| k.split('.').count() > MAX_INPUT_DEPTH)
    {
        let shown: String = key.chars().take(64).collect();
        return Err(DecodeFailure {
            protocol: Protocol::AwsQuery,
            service: Some(service),
            error: ApiError::new(
                "ValidationError",
                400,
                format!(
                    "1 validation error detected: the parameter '{shown}…' is nested deeper than {MAX_INPUT_DEPTH} levels"
                ),
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

/// A member tree while it is being rebuilt from flat keys.
#[derive(Debug)]
enum Node {
    Leaf(String),
    Struct(BTreeMap<String, Node>),
    /// `member.N` lists and `entry.N` maps, by their 1-based index.
    Indexed(BTreeMap<u64, Node>, bool),
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
    // `X.member.N…` / `X.entry.N…`: an indexed collection under X.
    if let (Some(kind @ ("member" | "entry")), Some(index)) = (
        Some(*first),
        rest.first().and_then(|i| i.parse::<u64>().ok()),
    ) {
        if !matches!(node, Node::Indexed(..)) {
            *node = Node::Indexed(BTreeMap::new(), kind == "entry");
        }
        if let Node::Indexed(items, _) = node {
            let child = items
                .entry(index)
                .or_insert_with(|| Node::Struct(BTreeMap::new()));
            insert(child, &rest[1..], value);
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
        Node::Indexed(items, false) => Value::Array(items.into_values().map(to_json).collect()),
        Node::Indexed(items, true) => {
            let mut map = Map::new();
            for entry in items.into_values() {
                if let Value::Object(mut e) = to_json(entry) {
                    if let (Some(Value::String(k)), Some(v)) = (e.remove("key"), e.remove("value"))
                    {
                        map.insert(k, v);
                    }
                }
            }
            Value::Object(map)
        }
    }
}

fn namespace(service: Option<ServiceId>) -> &'static str {
    service
        .and_then(ServiceId::query_version)
        .or(ServiceId::Sts.query_version())
        .map(|(_, ns)| ns)
        .unwrap_or_default()
}

/// `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata>…` (CATALOG §2.1).
pub fn encode_output(
    service: ServiceId,
    operation: &str,
    output: &Value,
    request_id: &str,
) -> Response<Body> {
    let mut w = Writer::new(Vec::new());
    let response_tag = format!("{operation}Response");
    let result_tag = format!("{operation}Result");
    let _ = w.write_event(Event::Start(
        BytesStart::new(response_tag.as_str())
            .with_attributes([("xmlns", namespace(Some(service)))]),
    ));
    write_value(&mut w, &result_tag, output);
    let _ = w.write_event(Event::Start(BytesStart::new("ResponseMetadata")));
    write_text(&mut w, "RequestId", request_id);
    let _ = w.write_event(Event::End(BytesEnd::new("ResponseMetadata")));
    let _ = w.write_event(Event::End(BytesEnd::new(response_tag.as_str())));
    respond(200, "text/xml", w.into_inner(), request_id)
}

/// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
pub fn encode_error(
    service: Option<ServiceId>,
    error: &ApiError,
    request_id: &str,
) -> Response<Body> {
    encode_error_in(namespace(service), error, request_id)
}

/// The same error document in the XML namespace of any awsQuery API (also those
/// orgsim does not emulate).
pub fn encode_error_in(namespace: &str, error: &ApiError, request_id: &str) -> Response<Body> {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = w.write_event(Event::Start(
        BytesStart::new("ErrorResponse").with_attributes([("xmlns", namespace)]),
    ));
    let _ = w.write_event(Event::Start(BytesStart::new("Error")));
    let fault = match error.fault {
        Fault::Sender => "Sender",
        Fault::Receiver => "Receiver",
    };
    write_text(&mut w, "Type", fault);
    write_text(&mut w, "Code", &error.code);
    write_text(&mut w, "Message", &error.message);
    let _ = w.write_event(Event::End(BytesEnd::new("Error")));
    write_text(&mut w, "RequestId", request_id);
    let _ = w.write_event(Event::End(BytesEnd::new("ErrorResponse")));
    respond(error.status, "text/xml", w.into_inner(), request_id)
}

fn write_text(w: &mut Writer<Vec<u8>>, tag: &str, text: &str) {
    let _ = w.write_event(Event::Start(BytesStart::new(tag)));
    let _ = w.write_event(Event::Text(BytesText::new(text)));
    let _ = w.write_event(Event::End(BytesEnd::new(tag)));
}

/// Objects become child elements, arrays `<member>` items, scalars text; nulls vanish.
/// A map member is written by the service as `{"entry": [{"key", "value"}…]}` and comes
/// out as AWS writes maps: `<entry><key/><value/></entry>` repeated.
fn write_value(w: &mut Writer<Vec<u8>>, tag: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            let _ = w.write_event(Event::Start(BytesStart::new(tag)));
            for (k, v) in fields {
                match (k.as_str(), v) {
                    ("entry", Value::Array(entries)) => {
                        for entry in entries {
                            write_value(w, "entry", entry);
                        }
                    }
                    _ => write_value(w, k, v),
                }
            }
            let _ = w.write_event(Event::End(BytesEnd::new(tag)));
        }
        Value::Array(items) => {
            let _ = w.write_event(Event::Start(BytesStart::new(tag)));
            for item in items {
                write_value(w, "member", item);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(tag)));
        }
        Value::String(s) => write_text(w, tag, s),
        Value::Bool(b) => write_text(w, tag, if *b { "true" } else { "false" }),
        Value::Number(n) => write_text(w, tag, &n.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn decode_form(body: &str, signing: Option<ServiceId>) -> Result<Decoded, DecodeFailure> {
        let mut headers = HeaderMap::new();
        headers.insert(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8"
                .parse()
                .unwrap(),
        );
        decode(
            &WireRequest {
                method: "POST",
                path: "/",
                query: "",
                headers: &headers,
                body: &bytes::Bytes::copy_from_slice(body.as_bytes()),
                virtual_host_bases: &[],
            },
            signing,
        )
    }

    /// Smithy-style vectors: form body → (service, operation, input).
    #[test]
    fn request_vectors() {
        let cases: &[(&str, Option<ServiceId>, ServiceId, &str, Value)] = &[
            ("Action=GetCallerIdentity&Version=2011-06-15", Some(ServiceId::Sts), ServiceId::Sts, "GetCallerIdentity", json!({})),
            ("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FR&RoleSessionName=s&DurationSeconds=900",
             Some(ServiceId::Sts), ServiceId::Sts, "AssumeRole",
             json!({"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "s", "DurationSeconds": "900"})),
            ("Action=AssumeRole&Version=2011-06-15&Tags.member.1.Key=team&Tags.member.1.Value=red&Tags.member.2.Key=env&Tags.member.2.Value=dev&PolicyArns.member.1.arn=arn%3Ax",
             None, ServiceId::Sts, "AssumeRole",
             json!({"PolicyArns": [{"arn": "arn:x"}], "Tags": [{"Key": "team", "Value": "red"}, {"Key": "env", "Value": "dev"}]})),
            ("Action=TagRole&Version=2010-05-08&Attrs.entry.1.key=a&Attrs.entry.1.value=1", None, ServiceId::Iam, "TagRole",
             json!({"Attrs": {"a": "1"}})),
            ("Action=GetRole&Version=2010-05-08&RoleName=x", Some(ServiceId::Iam), ServiceId::Iam, "GetRole", json!({"RoleName": "x"})),
        ];
        for (body, signing, service, op, input) in cases {
            let d = decode_form(body, *signing).unwrap();
            assert_eq!(
                (d.service, d.operation.as_str(), &d.input),
                (*service, *op, input),
                "{body}"
            );
        }
    }

    #[test]
    fn unknown_action_is_invalid_action() {
        let e = decode_form("Action=Nope&Version=2011-06-15", Some(ServiceId::Sts)).unwrap_err();
        assert_eq!(
            (e.error.code.as_str(), e.error.status),
            ("InvalidAction", 400)
        );
        let e = decode_form("Version=2011-06-15", None).unwrap_err();
        assert_eq!(e.error.code, "InvalidAction");
    }

    /// A 2 KB member path 1,200 levels deep once overflowed the stack while the tree
    /// was rebuilt (issue 12): it is refused, in the body and in the query string.
    #[test]
    fn member_paths_deeper_than_any_shape_are_refused() {
        let deep = vec!["a"; 1200].join(".");
        let e = decode_form(
            &format!("Action=GetCallerIdentity&Version=2011-06-15&{deep}=1"),
            None,
        )
        .unwrap_err();
        assert_eq!(
            (e.error.code.as_str(), e.error.status),
            ("ValidationError", 400)
        );
        assert!(
            e.error.message.contains("deeper than 32"),
            "{}",
            e.error.message
        );
        let headers = HeaderMap::new();
        let query = format!("Action=GetCallerIdentity&Version=2011-06-15&{deep}=1");
        let e = decode(
            &WireRequest {
                method: "GET",
                path: "/",
                query: &query,
                headers: &headers,
                body: &bytes::Bytes::new(),
                virtual_host_bases: &[],
            },
            None,
        )
        .unwrap_err();
        assert_eq!(e.error.code, "ValidationError");
        let at_limit = vec!["a"; MAX_INPUT_DEPTH].join(".");
        let d = decode_form(
            &format!("Action=GetCallerIdentity&Version=2011-06-15&{at_limit}=1"),
            None,
        )
        .unwrap();
        assert_eq!(crate::protocol::depth(&d.input), MAX_INPUT_DEPTH);
    }

    #[test]
    fn output_and_error_xml() {
        let out = encode_output(
            ServiceId::Sts,
            "GetCallerIdentity",
            &json!({"UserId": "111111111111", "Account": "111111111111", "Arn": "arn:aws:iam::111111111111:root", "Gone": null}),
            "rid-1",
        );
        assert_eq!(out.status(), 200);
        let body = body_text(out);
        assert_eq!(
            body,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><UserId>111111111111</UserId><Account>111111111111</Account><Arn>arn:aws:iam::111111111111:root</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>rid-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        );
        let err = encode_error(
            Some(ServiceId::Sts),
            &ApiError::new("AccessDenied", 403, "no <way>"),
            "rid-2",
        );
        assert_eq!(err.status(), 403);
        assert_eq!(
            body_text(err),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no &lt;way&gt;</Message></Error><RequestId>rid-2</RequestId></ErrorResponse>"
        );
    }

    fn body_text(r: Response<Body>) -> String {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = rt
            .block_on(http_body_util::BodyExt::collect(r.into_body()))
            .unwrap()
            .to_bytes();
        String::from_utf8(bytes.to_vec()).unwrap()
    }
}
