//! Wire protocols: bytes ⇄ (service, operation, JSON input in wire member names).
//!
//! Nothing here knows what an operation means; it knows AWS's encodings (awsJson1.1,
//! restJson1, awsQuery, EC2, restXml, Smithy RPC v2 CBOR) and the per-API tables in
//! [`ServiceId`]. The services orgsim does not emulate are answered by [`unemulated`]
//! in their own protocol.

pub mod aws_json;
pub mod aws_query;
pub mod ec2;
pub mod rest_json;
pub mod rest_xml;
pub mod rpc_v2_cbor;
pub mod unemulated;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode};
use serde_json::Value;

use crate::api::{ApiError, ServiceId};

/// The deepest nesting of objects and arrays an input may have (the input object itself
/// is level 1). AWS's input shapes are shallow: the deepest of orgsim's APIs, Security
/// Hub's `BatchImportFindings`, nests 17 levels. Anything deeper is refused at the door,
/// so whatever a call stores, a snapshot of the world can load again.
pub const MAX_INPUT_DEPTH: usize = 32;

/// How deeply `value` nests objects and arrays (a scalar is 0, `{}` is 1). Iterative,
/// so no input can exhaust the stack.
pub fn depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending = vec![(value, 1)];
    while let Some((value, level)) = pending.pop() {
        let children: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Object(fields) => Box::new(fields.values()),
            Value::Array(items) => Box::new(items.iter()),
            _ => continue,
        };
        deepest = deepest.max(level);
        pending.extend(children.map(|child| (child, level + 1)));
    }
    deepest
}

/// The AWS wire protocols of the services orgsim emulates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    AwsJson,
    RestJson,
    AwsQuery,
    /// Query-style requests, EC2's XML answers.
    Ec2,
    /// S3.
    RestXml,
    /// Smithy RPC v2 CBOR: chosen per request by APIs that also speak awsJson1.1.
    RpcV2Cbor,
}

/// An HTTP request as the protocol layer reads it.
pub struct WireRequest<'a> {
    pub method: &'a str,
    /// The raw (still percent-encoded) path.
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a HeaderMap,
    /// The whole body (shared, so S3 object bytes are never copied).
    pub body: &'a bytes::Bytes,
    /// Host names under which S3 buckets are addressed virtual-host style.
    pub virtual_host_bases: &'a [String],
}

impl WireRequest<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request decoded from the wire.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub service: ServiceId,
    pub operation: String,
    /// Input members keyed by their wire names (body keys, URI labels, query keys).
    pub input: Value,
    /// restJson1 success status of the operation (200 elsewhere).
    pub success_status: u16,
    /// The raw body of operations whose payload is bytes (S3 objects); empty elsewhere.
    pub payload: Payload,
}

/// A raw request body and its MD5, computed while decoding — outside the world lock,
/// so that hashing a large object never holds up other requests.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Payload {
    pub bytes: bytes::Bytes,
    /// The MD5 digest of `bytes`, when the decoder computed it.
    pub md5: Option<[u8; 16]>,
}

impl Payload {
    /// A body whose MD5 is computed now.
    pub fn hashed(bytes: bytes::Bytes) -> Payload {
        use md5::Digest;
        let md5 = md5::Md5::digest(&bytes).into();
        Payload {
            bytes,
            md5: Some(md5),
        }
    }

    /// The MD5 digest, computed if the decoder did not.
    pub fn md5(&self) -> [u8; 16] {
        use md5::Digest;
        self.md5
            .unwrap_or_else(|| md5::Md5::digest(&self.bytes).into())
    }
}

/// A request that could not be decoded, with what is known to render the error.
#[derive(Debug)]
pub struct DecodeFailure {
    pub protocol: Protocol,
    pub service: Option<ServiceId>,
    pub error: ApiError,
}

/// Which protocol a request speaks, from its headers alone (used before the body is read).
pub fn sniff(headers: &HeaderMap, query: &str) -> Protocol {
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if signed_for_s3(headers, query) {
        Protocol::RestXml
    } else if headers
        .get("smithy-protocol")
        .is_some_and(|v| v.as_bytes() == b"rpc-v2-cbor")
    {
        Protocol::RpcV2Cbor
    } else if headers.contains_key("x-amz-target") {
        Protocol::AwsJson
    } else if content_type.starts_with("application/x-www-form-urlencoded")
        || form_urlencoded::parse(query.as_bytes()).any(|(k, _)| k == "Action")
    {
        Protocol::AwsQuery
    } else {
        Protocol::RestJson
    }
}

/// Whether the credential scope names S3 (`…/s3/aws4_request`), in the header or,
/// presigned, in the query.
fn signed_for_s3(headers: &HeaderMap, query: &str) -> bool {
    let scope_is_s3 = |text: &str| text.contains("/s3/aws4_request");
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(scope_is_s3)
        || form_urlencoded::parse(query.as_bytes())
            .any(|(k, v)| k == "X-Amz-Credential" && scope_is_s3(&v))
}

/// Decodes a request. `signing_service` is the credential scope's service, if signed.
pub fn decode(
    request: &WireRequest<'_>,
    signing_service: Option<ServiceId>,
) -> Result<Decoded, DecodeFailure> {
    let unsigned_s3 = signing_service.is_none() && rest_xml::addressed_by_host(request);
    if unsigned_s3 || signing_service.is_some_and(|s| s.protocol() == Protocol::RestXml) {
        return rest_xml::decode(request);
    }
    match sniff(request.headers, request.query) {
        Protocol::RestXml => rest_xml::decode(request),
        Protocol::AwsJson => aws_json::decode(request),
        Protocol::AwsQuery if ec2::is_ec2(request, signing_service) => ec2::decode(request),
        Protocol::AwsQuery => aws_query::decode(request, signing_service),
        Protocol::RestJson => rest_json::decode(request, signing_service),
        Protocol::Ec2 => ec2::decode(request),
        Protocol::RpcV2Cbor => rpc_v2_cbor::decode(request, signing_service),
    }
}

/// Renders a successful output in the service's protocol.
pub fn encode_output(
    service: ServiceId,
    operation: &str,
    status: u16,
    output: &Value,
    request_id: &str,
) -> Response<Body> {
    match service.protocol() {
        // A CBOR request's answer is encoded by the server, which knows the request.
        Protocol::AwsJson | Protocol::RpcV2Cbor => aws_json::encode_output(output, request_id),
        Protocol::RestJson => rest_json::encode_output(status, output, request_id),
        Protocol::AwsQuery => aws_query::encode_output(service, operation, output, request_id),
        Protocol::Ec2 => ec2::encode_output(service, operation, output, request_id),
        Protocol::RestXml => rest_xml::encode_output(
            service,
            operation,
            status,
            rest_xml::XmlOutput {
                output: output.clone(),
                ..Default::default()
            },
            request_id,
        ),
    }
}

/// Renders an error in a protocol.
pub fn encode_error(
    protocol: Protocol,
    service: Option<ServiceId>,
    error: &ApiError,
    request_id: &str,
) -> Response<Body> {
    match protocol {
        Protocol::AwsJson => json_error(error, request_id, "application/x-amz-json-1.1"),
        Protocol::RestJson => json_error(error, request_id, "application/json"),
        Protocol::AwsQuery => aws_query::encode_error(service, error, request_id),
        Protocol::Ec2 => ec2::encode_error(error, request_id),
        Protocol::RestXml => rest_xml::encode_error(error, request_id, false),
        Protocol::RpcV2Cbor => rpc_v2_cbor::encode_error(error, request_id),
    }
}

/// Both JSON protocols: `X-Amzn-ErrorType` header and `__type` in the body, so every
/// SDK finds the modelled error (CATALOG §2.2).
pub(crate) fn json_error(error: &ApiError, request_id: &str, content_type: &str) -> Response<Body> {
    let mut body = serde_json::Map::new();
    body.insert("__type".into(), Value::String(error.code.clone()));
    body.insert(
        error.message_key.to_string(),
        Value::String(error.message.clone()),
    );
    for (k, v) in error.extra.iter() {
        body.insert(k.clone(), v.clone());
    }
    let mut response = respond(
        error.status,
        content_type,
        serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
        request_id,
    );
    if let Ok(value) = HeaderValue::from_str(&error.code) {
        response.headers_mut().insert("x-amzn-errortype", value);
    }
    response
}

/// A response with the headers every AWS answer carries.
pub fn respond(status: u16, content_type: &str, body: Vec<u8>, request_id: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert("content-type", v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-requestid", v);
    }
    response
}

/// The framework error for input that cannot be parsed.
pub fn serialization_error(message: impl Into<String>) -> ApiError {
    ApiError::new("SerializationException", 400, message)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A response body, read to the end.
    pub fn body_bytes(response: Response<Body>) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(http_body_util::BodyExt::collect(response.into_body()))
            .unwrap()
            .to_bytes()
            .to_vec()
    }

    /// A response body as text.
    pub fn body_text(response: Response<Body>) -> String {
        String::from_utf8(body_bytes(response)).unwrap()
    }
}
