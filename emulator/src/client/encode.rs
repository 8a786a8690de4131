//! Operation + JSON input → an unsigned HTTP request in the service's wire protocol:
//! the mirror image of `protocol::decode`, so requests look exactly like an SDK's.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use crate::api::ServiceId;
use crate::protocol::rest_json::RestRoute;
use crate::protocol::Protocol;

/// RFC 3986 unreserved characters stay; everything else is percent-encoded.
const LABEL: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// Greedy labels keep their slashes (as SDKs do).
const GREEDY_LABEL: &AsciiSet = &LABEL.remove(b'/');

/// An HTTP request ready to sign and send.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub method: &'static str,
    /// Path and query, percent-encoded.
    pub path_and_query: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

/// Encodes `operation` of `service` with `input` keyed by wire member names.
pub fn encode(service: ServiceId, operation: &str, input: &Value) -> Result<Outgoing, String> {
    let empty = Map::new();
    let members = match input {
        Value::Object(map) => map,
        Value::Null => &empty,
        other => return Err(format!("input must be an object, not {other}")),
    };
    match service.protocol() {
        // Every API that speaks CBOR speaks awsJson1.1 too: the client uses JSON.
        Protocol::AwsJson | Protocol::RpcV2Cbor => {
            let prefix = service.json_target_prefix().unwrap_or_default();
            Ok(Outgoing {
                method: "POST",
                path_and_query: "/".into(),
                headers: vec![
                    ("content-type", "application/x-amz-json-1.1".into()),
                    ("x-amz-target", format!("{prefix}.{operation}")),
                ],
                body: serde_json::to_vec(members).map_err(|e| e.to_string())?,
            })
        }
        Protocol::AwsQuery => {
            let (version, _) = service.query_version().unwrap_or_default();
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("Action", operation);
            form.append_pair("Version", version);
            for (key, value) in members {
                flatten(&mut form, key, value);
            }
            Ok(Outgoing {
                method: "POST",
                path_and_query: "/".into(),
                headers: vec![(
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                )],
                body: form.finish().into_bytes(),
            })
        }
        Protocol::Ec2 => {
            let (version, _) = service.ec2_version().unwrap_or_default();
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.append_pair("Action", operation);
            form.append_pair("Version", version);
            for (key, value) in members {
                flatten_ec2(&mut form, key, value);
            }
            Ok(Outgoing {
                method: "POST",
                path_and_query: "/".into(),
                headers: vec![(
                    "content-type",
                    "application/x-www-form-urlencoded; charset=utf-8".into(),
                )],
                body: form.finish().into_bytes(),
            })
        }
        Protocol::RestJson => {
            let route = service
                .rest_routes()
                .iter()
                .find(|r| r.operation == operation)
                .ok_or_else(|| format!("{service} has no operation {operation}"))?;
            encode_rest(route, members)
        }
        Protocol::RestXml => encode_rest_xml(service, operation, members),
    }
}

/// rest-xml (S3): `Bucket`/`Key` in the path, sub-resources and query members in the
/// query string, header members as headers, the payload member as the body (a
/// structure as XML under its element, text as it is).
fn encode_rest_xml(
    service: ServiceId,
    operation: &str,
    members: &Map<String, Value>,
) -> Result<Outgoing, String> {
    use crate::protocol::rest_xml::routes::{Location, PayloadKind};
    let route = crate::protocol::rest_xml::route_of(service, operation)
        .ok_or_else(|| format!("{service} has no operation {operation}"))?;
    let mut path = String::new();
    if let Some(bucket) = members.get("Bucket") {
        path.push('/');
        path.push_str(&utf8_percent_encode(&scalar_text(bucket), LABEL).to_string());
        if let Some(key) = members.get("Key") {
            path.push('/');
            path.push_str(&utf8_percent_encode(&scalar_text(key), GREEDY_LABEL).to_string());
        }
    } else if route.path.starts_with("/{") {
        return Err(format!("{operation} needs the path member Bucket"));
    } else {
        path.push_str(route.path);
    }
    let mut query: Vec<String> = route
        .query
        .iter()
        .filter(|(key, _)| {
            !route
                .input
                .iter()
                .any(|b| b.location == Location::Query && b.wire == *key)
        })
        .map(|(key, value)| match value {
            Some(v) => format!("{key}={v}"),
            None => key.to_string(),
        })
        .collect();
    let mut headers = Vec::new();
    for binding in route.input {
        let Some(value) = members.get(binding.member).filter(|v| !v.is_null()) else {
            continue;
        };
        match binding.location {
            Location::Query => query.push(format!(
                "{}={}",
                binding.wire,
                utf8_percent_encode(&scalar_text(value), LABEL)
            )),
            Location::Header => headers.push((binding.wire, scalar_text(value))),
            _ => {}
        }
    }
    let body = match &route.input_payload {
        Some(p) => match (p.kind, members.get(p.member)) {
            (PayloadKind::Structure, Some(content)) => crate::protocol::rest_xml::xml::write(
                p.xml_name,
                service.rest_xml_names().0.into(),
                content,
            ),
            (_, Some(content)) => scalar_text(content).into_bytes(),
            (_, None) => Vec::new(),
        },
        None => Vec::new(),
    };
    let path_and_query = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    Ok(Outgoing {
        method: route.method,
        path_and_query,
        headers,
        body,
    })
}

/// awsQuery form fields: `A.B` for structures, `A.member.N` for lists, `A.entry.N.key`.
fn flatten(form: &mut form_urlencoded::Serializer<String>, prefix: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (k, v) in fields {
                flatten(form, &format!("{prefix}.{k}"), v);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(form, &format!("{prefix}.member.{}", i + 1), item);
            }
        }
        Value::String(s) => {
            form.append_pair(prefix, s);
        }
        other => {
            form.append_pair(prefix, &other.to_string());
        }
    }
}

/// EC2 form fields: `A.B` for structures, `A.N` for lists.
fn flatten_ec2(form: &mut form_urlencoded::Serializer<String>, prefix: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(fields) => {
            for (k, v) in fields {
                flatten_ec2(form, &format!("{prefix}.{k}"), v);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten_ec2(form, &format!("{prefix}.{}", i + 1), item);
            }
        }
        other => {
            form.append_pair(prefix, &scalar_text(other));
        }
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn encode_rest(route: &RestRoute, members: &Map<String, Value>) -> Result<Outgoing, String> {
    let mut body = members.clone();
    let mut path = String::new();
    for part in route.path.trim_start_matches('/').split('/') {
        path.push('/');
        let label = part.strip_prefix('{').and_then(|p| p.strip_suffix('}'));
        match label {
            Some(name) => {
                let (name, set) = match name.strip_suffix('+') {
                    Some(greedy) => (greedy, GREEDY_LABEL),
                    None => (name, LABEL),
                };
                let value = body
                    .remove(name)
                    .ok_or_else(|| format!("{} needs the path member {name}", route.operation))?;
                path.push_str(&utf8_percent_encode(&scalar_text(&value), set).to_string());
            }
            None => path.push_str(part),
        }
    }
    let mut query = form_urlencoded::Serializer::new(String::new());
    let mut has_query = false;
    for param in route.query {
        match body.remove(param.key) {
            Some(Value::Array(items)) => {
                for item in items {
                    query.append_pair(param.key, &scalar_text(&item));
                    has_query = true;
                }
            }
            Some(Value::Null) | None => {}
            Some(value) => {
                query.append_pair(param.key, &scalar_text(&value));
                has_query = true;
            }
        }
    }
    let path_and_query = if has_query {
        format!("{path}?{}", query.finish())
    } else {
        path
    };
    let body_bytes = if body.is_empty() && matches!(route.method, "GET" | "DELETE") {
        Vec::new()
    } else {
        serde_json::to_vec(&body).map_err(|e| e.to_string())?
    };
    Ok(Outgoing {
        method: route.method,
        path_and_query,
        headers: vec![("content-type", "application/json".into())],
        body: body_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{decode, WireRequest};
    use axum::http::HeaderMap;
    use serde_json::json;

    /// Whatever the client encodes, the server's decoder reads back as the same input.
    #[test]
    fn encoding_round_trips_through_the_decoder() {
        let cases = [
            (
                ServiceId::Organizations,
                "CreateAccount",
                json!({"Email": "a@b.co", "AccountName": "A", "Tags": [{"Key": "k", "Value": "v"}]}),
            ),
            (
                ServiceId::Sts,
                "AssumeRole",
                json!({"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "s", "Tags": [{"Key": "k", "Value": "v"}]}),
            ),
            (
                ServiceId::GuardDuty,
                "ListMembers",
                json!({"DetectorId": "d/1 x", "maxResults": 5, "onlyAssociated": "true"}),
            ),
            (
                ServiceId::GuardDuty,
                "CreateMembers",
                json!({"DetectorId": "d1", "accountDetails": [{"accountId": "222222222222", "email": "x@y.z"}]}),
            ),
            (
                ServiceId::S3,
                "CreateBucket",
                json!({"Bucket": "logs", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}),
            ),
            (
                ServiceId::S3,
                "PutBucketPolicy",
                json!({"Bucket": "logs", "Policy": "{\"Version\":\"2012-10-17\"}"}),
            ),
            (
                ServiceId::S3,
                "ListObjectsV2",
                json!({"Bucket": "logs", "Prefix": "a b/", "MaxKeys": 5}),
            ),
            (
                ServiceId::SecurityHub,
                "UntagResource",
                json!({"ResourceArn": "arn:aws:securityhub:us-east-1:1:hub/default", "tagKeys": ["a", "b"]}),
            ),
            (
                ServiceId::Ec2,
                "DescribeRegions",
                json!({"AllRegions": "true", "RegionName": ["us-east-1"], "Filter": [{"Name": "opt-in-status", "Value": ["opted-in", "not-opted-in"]}]}),
            ),
            (
                ServiceId::Account,
                "PutAlternateContact",
                json!({"AlternateContactType": "SECURITY", "Name": "N", "Title": "T", "EmailAddress": "a@b.co", "PhoneNumber": "+1 555"}),
            ),
            (
                ServiceId::SecurityHub,
                "DescribeStandardsControls",
                json!({"StandardsSubscriptionArn": "arn:aws:securityhub:us-east-1:1:subscription/cis/v/1.2.0"}),
            ),
        ];
        for (service, operation, input) in cases {
            let out = encode(service, operation, &input).unwrap();
            let mut headers = HeaderMap::new();
            for (k, v) in &out.headers {
                headers.insert(*k, v.parse().unwrap());
            }
            let (path, query) = out
                .path_and_query
                .split_once('?')
                .unwrap_or((&out.path_and_query, ""));
            let decoded = decode(
                &WireRequest {
                    method: out.method,
                    path,
                    query,
                    headers: &headers,
                    body: &bytes::Bytes::from(out.body.clone()),
                    virtual_host_bases: &[],
                },
                Some(service),
            )
            .unwrap_or_else(|e| panic!("{operation}: {:?}", e.error));
            assert_eq!(decoded.operation, operation);
            // awsQuery carries every leaf as text, so compare after the decoder's view.
            assert_eq!(decoded.input, input, "{operation}");
        }
    }
}
