//! Smithy RPC v2 CBOR (`POST /service/<Service>/operation/<Operation>`, header
//! `smithy-protocol: rpc-v2-cbor`). orgsim emulates no service that speaks it, so this
//! holds what a 501 needs: the request's service and operation names, and an error
//! body that is a CBOR map with `__type` and `message`, as botocore's
//! `RpcV2CBORParser` reads it.

use axum::body::Body;
use axum::http::{HeaderValue, Response};

use super::respond;
use crate::api::ApiError;

/// `(service, operation)` of an RPC v2 path, e.g. `/service/GraniteServiceVersion20100801/operation/ListMetrics`.
pub fn path_names(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    // The path may carry a prefix before `service/` (an endpoint with a base path).
    let start = rest.find("service/")?;
    let mut parts = rest[start..].split('/');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some("service"), Some(service), Some("operation"), Some(operation), None)
            if !service.is_empty() && !operation.is_empty() =>
        {
            Some((service, operation))
        }
        _ => None,
    }
}

/// An error as a CBOR map `{"__type": code, "message": message}`.
pub fn encode_error(error: &ApiError, request_id: &str) -> Response<Body> {
    let mut body = Vec::new();
    // Major type 5 (map) with two pairs.
    body.push(0xa2);
    write_text(&mut body, "__type");
    write_text(&mut body, &error.code);
    write_text(&mut body, "message");
    write_text(&mut body, &error.message);
    let mut response = respond(error.status, "application/cbor", body, request_id);
    response
        .headers_mut()
        .insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
    response
}

/// A CBOR text string (major type 3) with its length in the shortest form.
fn write_text(out: &mut Vec<u8>, text: &str) {
    let len = text.len();
    match len {
        0..=23 => out.push(0x60 | len as u8),
        24..=0xff => out.extend([0x78, len as u8]),
        0x100..=0xffff => {
            out.push(0x79);
            out.extend((len as u16).to_be_bytes());
        }
        _ => {
            out.push(0x7a);
            out.extend((len as u32).to_be_bytes());
        }
    }
    out.extend(text.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_path() {
        assert_eq!(
            path_names("/service/GraniteServiceVersion20100801/operation/ListMetrics"),
            Some(("GraniteServiceVersion20100801", "ListMetrics"))
        );
        assert_eq!(path_names("/service/S/operation/"), None);
        assert_eq!(path_names("/"), None);
    }

    #[test]
    fn error_is_a_cbor_map() {
        let long = "m".repeat(300);
        let response = encode_error(&ApiError::new("NotImplemented", 501, long.clone()), "r");
        assert_eq!(response.headers()["smithy-protocol"], "rpc-v2-cbor");
        assert_eq!(response.headers()["content-type"], "application/cbor");
        let body = crate::protocol::tests::body_bytes(response);
        let mut expected = vec![0xa2, 0x66];
        expected.extend(b"__type");
        expected.push(0x6e);
        expected.extend(b"NotImplemented");
        expected.push(0x67);
        expected.extend(b"message");
        expected.extend([0x79, 0x01, 0x2c]);
        expected.extend(long.as_bytes());
        assert_eq!(body, expected);
    }
}
