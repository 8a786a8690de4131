//! rest-xml (S3): the operation is the method, the path shape (`/`, `/{Bucket}`,
//! `/{Bucket}/{Key+}`), the query sub-resources and a few headers; input members come
//! from the URI, the query string, headers (`x-amz-*`, `Range`, `x-amz-meta-*`) and the
//! body, which is raw bytes (objects), text (a policy) or one XML document. Outputs go
//! back the same way, XML in S3's namespace. Buckets are named in the path
//! (`/<bucket>/<key>`) or in the host (`<bucket>.<base>` for a configured base name).

pub mod chunked;
pub mod error_documents;
pub mod routes;
pub mod xml;

use axum::body::Body;
use axum::http::{HeaderValue, Response};
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::{respond, DecodeFailure, Decoded, Protocol, WireRequest};
use crate::api::{ApiError, ServiceId};
pub use error_documents::{encode_error_document, ErrorStyle};
use routes::{find_route, Kind, Location, PathShape, PayloadKind, XmlRoute};

/// Host names under which buckets are addressed virtual-host style by default
/// (`<bucket>.s3.orgsim.localhost`, `<bucket>.localhost`); `serve --s3-host-base` adds more.
pub const DEFAULT_HOST_BASES: &[&str] = &["s3.orgsim.localhost", "localhost"];

/// The bucket a `Host` header names virtual-host style, if it ends in one of `bases`.
pub fn virtual_host_bucket<'h>(host: &'h str, bases: &[String]) -> Option<&'h str> {
    let host = host.rsplit_once(':').map_or(host, |(name, port)| {
        if port.bytes().all(|b| b.is_ascii_digit()) {
            name
        } else {
            host
        }
    });
    bases.iter().find_map(|base| {
        host.strip_suffix(base.as_str())
            .and_then(|rest| rest.strip_suffix('.'))
            .filter(|bucket| !bucket.is_empty())
    })
}

/// The service a rest-xml request is for (S3 is the only one).
fn xml_service() -> Option<ServiceId> {
    ServiceId::ALL
        .iter()
        .copied()
        .find(|s| s.protocol() == Protocol::RestXml)
}

/// Whether an unsigned request is addressed to S3 by its host name.
pub fn addressed_by_host(request: &WireRequest<'_>) -> bool {
    request
        .header("host")
        .is_some_and(|host| virtual_host_bucket(host, request.virtual_host_bases).is_some())
}

/// A rest-xml error as S3 words it.
fn s3_error(code: &str, status: u16, message: &str) -> ApiError {
    ApiError::new(code, status, message)
}

pub fn decode(request: &WireRequest<'_>) -> Result<Decoded, DecodeFailure> {
    let service = xml_service().ok_or_else(|| DecodeFailure {
        protocol: Protocol::RestXml,
        service: None,
        error: s3_error("NotImplemented", 501, "No rest-xml service is served."),
    })?;
    let fail = |error| DecodeFailure {
        protocol: Protocol::RestXml,
        service: Some(service),
        error,
    };
    let host_bucket = request
        .header("host")
        .and_then(|host| virtual_host_bucket(host, request.virtual_host_bases));
    let path = request.path.trim_start_matches('/');
    let (bucket, raw_key) = match host_bucket {
        Some(bucket) => (Some(bucket.to_string()), path),
        None => {
            let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
            let bucket = (!bucket.is_empty()).then(|| decode_path(bucket)).flatten();
            (bucket, key)
        }
    };
    let key = (!raw_key.is_empty())
        .then(|| decode_path(raw_key))
        .flatten();
    let shape = match (&bucket, &key) {
        (None, _) => PathShape::Service,
        (Some(_), None) => PathShape::Bucket,
        (Some(_), Some(_)) => PathShape::Object,
    };
    let query: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
        .into_owned()
        .collect();

    let chunked = chunked::is_chunked(
        request.header("x-amz-content-sha256"),
        request.header("content-encoding"),
    );
    let (body, trailers) = if chunked {
        let unchunked = chunked::decode(request.body).map_err(|why| {
            fail(s3_error(
                "IncompleteBody",
                400,
                &format!("The request body is not valid aws-chunked encoding: {why}."),
            ))
        })?;
        (unchunked.body, unchunked.trailers)
    } else {
        (request.body.clone(), Vec::new())
    };
    let header = |name: &str| -> Option<String> {
        request.header(name).map(str::to_string).or_else(|| {
            trailers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        })
    };
    let routes = service.rest_xml_routes();
    let route = find_route(routes, request.method, shape, &query, |h| {
        header(h).is_some()
    })
    .or_else(|| match shape {
        PathShape::Bucket if host_bucket.is_none() => find_route(
            routes,
            request.method,
            PathShape::Literal(request.path),
            &query,
            |h| header(h).is_some(),
        ),
        _ => None,
    })
    .ok_or_else(|| {
        fail(s3_error(
            "MethodNotAllowed",
            405,
            "The specified method is not allowed against this resource.",
        ))
    })?;

    let mut input = Map::new();
    for binding in route.input {
        let value = match binding.location {
            Location::Uri => match binding.member {
                "Bucket" => bucket.clone().map(Value::String),
                "Key" => key.clone().map(Value::String),
                _ => None,
            },
            Location::Query => query
                .iter()
                .find(|(k, _)| k == binding.wire)
                .map(|(_, v)| typed(binding.kind, v, binding.wire))
                .transpose()
                .map_err(fail)?,
            Location::Header => header(binding.wire)
                .map(|v| typed(binding.kind, &v, binding.wire))
                .transpose()
                .map_err(fail)?,
            Location::HeaderPrefix => {
                let prefix = binding.wire.to_ascii_lowercase();
                let map: Map<String, Value> = request
                    .headers
                    .iter()
                    .filter_map(|(name, value)| {
                        let rest = name.as_str().strip_prefix(&prefix)?;
                        Some((
                            rest.to_string(),
                            Value::String(value.to_str().ok()?.to_string()),
                        ))
                    })
                    .collect();
                (!map.is_empty()).then_some(Value::Object(map))
            }
            Location::StatusCode => None,
        };
        if let Some(value) = value {
            input.insert(binding.member.to_string(), value);
        }
    }
    let mut payload = super::Payload::default();
    match &route.input_payload {
        Some(p) if p.kind == PayloadKind::Structure && !body.is_empty() => {
            let (_, content) = xml::parse(&body).map_err(|_| fail(malformed_xml()))?;
            input.insert(p.member.to_string(), content);
        }
        Some(p) if p.kind == PayloadKind::Text && !body.is_empty() => {
            let text = String::from_utf8(body.to_vec()).map_err(|_| {
                fail(s3_error(
                    "InvalidArgument",
                    400,
                    "The request body is not UTF-8 text.",
                ))
            })?;
            input.insert(p.member.to_string(), Value::String(text));
        }
        Some(p) if p.kind == PayloadKind::Blob => payload = super::Payload::hashed(body),
        _ => {}
    }
    Ok(Decoded {
        service,
        operation: route.operation.to_string(),
        input: Value::Object(input),
        success_status: route.status,
        payload,
    })
}

/// S3's answer to an XML body it cannot read.
pub fn malformed_xml() -> ApiError {
    s3_error(
        "MalformedXML",
        400,
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

fn decode_path(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// A header or query value as the member's JSON type.
fn typed(kind: Kind, text: &str, wire: &str) -> Result<Value, ApiError> {
    let bad = || {
        s3_error(
            "InvalidArgument",
            400,
            &format!("The value '{text}' of {wire} is not valid."),
        )
    };
    Ok(match kind {
        Kind::String | Kind::Timestamp | Kind::Map => Value::String(text.to_string()),
        Kind::Integer => Value::from(text.trim().parse::<i64>().map_err(|_| bad())?),
        Kind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => return Err(bad()),
        },
        Kind::StringList => Value::Array(
            text.split(',')
                .map(|s| Value::String(s.trim().to_string()))
                .filter(|v| v.as_str() != Some(""))
                .collect(),
        ),
    })
}

/// What a rest-xml handler answers: members (header-bound ones by member name, body
/// ones as the XML tree), the raw body for blob payloads, and a status other than the
/// route's (206 for a range).
#[derive(Debug, Default)]
pub struct XmlOutput {
    pub output: Value,
    pub body: Option<Bytes>,
    pub status: Option<u16>,
}

/// Renders an operation's output: header members as headers, the payload member (or
/// the remaining members under the operation's root element) as the body.
pub fn encode_output(
    service: ServiceId,
    operation: &str,
    success_status: u16,
    output: XmlOutput,
    request_id: &str,
) -> Response<Body> {
    let Some(route) = service
        .rest_xml_routes()
        .iter()
        .find(|r| r.operation == operation)
    else {
        return respond(success_status, "application/xml", Vec::new(), request_id);
    };
    let (namespace, roots) = service.rest_xml_names();
    let mut members = match output.output {
        Value::Object(members) => members,
        _ => Map::new(),
    };
    let mut headers: Vec<(String, String)> = Vec::new();
    for binding in route.output {
        let Some(value) = members.remove(binding.member) else {
            continue;
        };
        match (binding.location, value) {
            (Location::HeaderPrefix, Value::Object(map)) => {
                for (k, v) in map {
                    if let Some(text) = v.as_str() {
                        headers.push((format!("{}{k}", binding.wire), text.to_string()));
                    }
                }
            }
            (Location::Header, value) => {
                if let Some(text) = header_text(binding.kind, &value) {
                    headers.push((binding.wire.to_string(), text));
                }
            }
            _ => {}
        }
    }
    let status = output.status.unwrap_or(route.status);
    let (content_type, body): (&str, Bytes) = match &route.output_payload {
        Some(p) if p.kind == PayloadKind::Blob => {
            ("binary/octet-stream", output.body.unwrap_or_default())
        }
        Some(p) if p.kind == PayloadKind::Text => (
            "application/json",
            members
                .remove(p.member)
                .and_then(|v| v.as_str().map(|s| Bytes::from(s.to_string())))
                .unwrap_or_default(),
        ),
        Some(p) => match members.remove(p.member) {
            Some(content) if !content.is_null() => (
                "application/xml",
                Bytes::from(xml::write(p.xml_name, Some(namespace), &content)),
            ),
            _ => ("application/xml", Bytes::new()),
        },
        None => match roots.iter().find(|(op, _)| *op == operation) {
            None if members.is_empty() => ("application/xml", Bytes::new()),
            found => {
                let root = found.map_or(operation, |(_, root)| root);
                // A document whose only member is its root element holds text
                // (`<LocationConstraint>eu-west-1</LocationConstraint>`).
                let content = match members.remove(root) {
                    Some(text) if members.is_empty() => text,
                    Some(other) => {
                        members.insert(root.to_string(), other);
                        Value::Object(members)
                    }
                    None => Value::Object(members),
                };
                (
                    "application/xml",
                    Bytes::from(xml::write(root, Some(namespace), &content)),
                )
            }
        },
    };
    let mut response = respond_bytes(status, content_type, body, request_id);
    let map = response.headers_mut();
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(&value),
        ) {
            map.insert(name, value);
        }
    }
    response
}

/// A header member's text: timestamps (epoch milliseconds) as RFC 7231 dates.
fn header_text(kind: Kind, value: &Value) -> Option<String> {
    match (kind, value) {
        (_, Value::Null) => None,
        (Kind::Timestamp, Value::Number(ms)) => ms.as_i64().map(http_date),
        (Kind::StringList, Value::Array(items)) => Some(
            items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(","),
        ),
        (_, Value::String(s)) => Some(s.clone()),
        (_, other) => Some(other.to_string()),
    }
}

/// An instant (epoch milliseconds) as an HTTP date: `Wed, 21 Oct 2015 07:28:00 GMT`.
pub fn http_date(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// An HTTP date, RFC 3339 or epoch-seconds text as epoch milliseconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    if let Ok(t) = time::PrimitiveDateTime::parse(text.trim(), &format) {
        return Some((t.assume_utc().unix_timestamp_nanos() / 1_000_000) as i64);
    }
    if let Ok(t) =
        time::OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
    {
        return Some((t.unix_timestamp_nanos() / 1_000_000) as i64);
    }
    text.trim().parse::<f64>().ok().map(|s| (s * 1000.0) as i64)
}

/// A response with S3's request-id headers.
fn respond_bytes(status: u16, content_type: &str, body: Bytes, request_id: &str) -> Response<Body> {
    let mut response = respond(status, content_type, Vec::new(), request_id);
    *response.body_mut() = Body::from(body);
    if let Ok(v) = HeaderValue::from_str(request_id) {
        let headers = response.headers_mut();
        headers.insert("x-amz-request-id", v.clone());
        headers.insert("x-amz-id-2", v);
    }
    response
}

/// S3's error document: `<Error><Code/><Message/>…<RequestId/><HostId/></Error>`,
/// with the error's extra members (`BucketName`, `Key`, `Condition`…) in between.
/// Answers to `HEAD` carry no body (the SDKs go by the status).
pub fn encode_error(error: &ApiError, request_id: &str, head: bool) -> Response<Body> {
    let mut content = Map::new();
    content.insert("Code".into(), Value::String(error.code.clone()));
    content.insert("Message".into(), Value::String(error.message.clone()));
    for (k, v) in error.extra.iter() {
        content.insert(k.clone(), v.clone());
    }
    content.insert("RequestId".into(), Value::String(request_id.to_string()));
    content.insert("HostId".into(), Value::String(request_id.to_string()));
    let body = if head {
        Bytes::new()
    } else {
        Bytes::from(xml::write("Error", None, &Value::Object(content)))
    };
    respond_bytes(error.status, "application/xml", body, request_id)
}

/// The route of an operation (for tests and the client).
pub fn route_of(service: ServiceId, operation: &str) -> Option<&'static XmlRoute> {
    service
        .rest_xml_routes()
        .iter()
        .find(|r| r.operation == operation)
}

#[cfg(test)]
mod tests;
