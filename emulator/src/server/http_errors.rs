//! Requests that are not valid HTTP never reach the router: hyper refuses them itself
//! (a URI over 65,534 bytes: 414; over 100 header fields or a header section larger
//! than its buffer: 431; conflicting `Content-Length` and other malformed heads: 400)
//! with an empty body. SDKs then report "unhandled error" without a code, so orgsim
//! answers those in the protocol the request's headers speak — as far as they were
//! read — and in JSON when they tell nothing, never with an empty body.
//!
//! [`listen`](super::listen) keeps the bytes of the request head being read; when hyper
//! writes one of its automatic answers (a 400, 414 or 431 head without `Content-Type`,
//! which orgsim's own answers always carry), [`render`] writes this one instead.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Response};
use http_body_util::BodyExt;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use crate::api::{ApiError, ServiceId};
use crate::auth;
use crate::protocol;

/// The status of hyper's automatic parse-error answer, if `written` starts with one.
pub fn automatic_status(written: &[u8]) -> Option<u16> {
    let status = match written.get(..13)? {
        b"HTTP/1.1 400 " => 400,
        b"HTTP/1.1 414 " => 414,
        b"HTTP/1.1 431 " => 431,
        _ => return None,
    };
    let end = find(written, b"\r\n\r\n")?;
    let head = written[..end].to_ascii_lowercase();
    (find(&head, b"\r\ncontent-type:").is_none()).then_some(status)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The error hyper's status stands for.
fn error_for(status: u16) -> ApiError {
    match status {
        414 => ApiError::new(
            "RequestUriTooLong",
            414,
            "The request URI is longer than the 65,534 bytes orgsim reads.",
        ),
        431 => ApiError::new(
            "RequestHeaderFieldsTooLarge",
            431,
            "The request has more than 100 header fields, or its header section is larger than orgsim reads.",
        ),
        _ => ApiError::new(
            "MalformedHttpRequest",
            400,
            "The request is not valid HTTP/1.1 (for example, conflicting Content-Length headers or a malformed header).",
        ),
    }
}

/// The headers and query of a request head, as far as `head` holds them: lines that do
/// not parse are skipped, a head cut short gives what came before the cut.
fn partial_head(head: &[u8]) -> (String, String, HeaderMap) {
    let text = String::from_utf8_lossy(head);
    let mut lines = text.split("\r\n");
    let target = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or("/");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers = HeaderMap::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.trim().as_bytes()),
            HeaderValue::from_str(value.trim()),
        ) {
            headers.append(name, value);
        }
    }
    (path.to_string(), query.to_string(), headers)
}

/// The whole HTTP/1.1 answer for hyper's `status`, given the request head read so far.
pub fn render(status: u16, head: &[u8]) -> Vec<u8> {
    let error = error_for(status);
    let (path, query, headers) = partial_head(head);
    let response = if path.starts_with("/_orgsim/") {
        super::admin::error(
            axum::http::StatusCode::from_u16(status).unwrap_or_default(),
            &error.message,
        )
    } else {
        let proto = protocol::sniff(&headers, &query);
        let service = auth::credential_scope(&headers, "")
            .ok()
            .flatten()
            .and_then(|scope| ServiceId::from_signing_name(&scope.service));
        let error = match service {
            Some(s) => error.with_message_key(s.error_message_key()),
            None => error,
        };
        let request_id = uuid::Uuid::new_v4().to_string();
        protocol::encode_error(proto, service, &error, &request_id)
    };
    serialize(response)
}

/// A complete response as bytes on the wire, closing the connection.
fn serialize(response: Response<Body>) -> Vec<u8> {
    let (parts, body) = response.into_parts();
    // The error bodies are in memory: collecting them completes at the first poll.
    let mut collecting = pin!(body.collect());
    let body = match collecting
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(Ok(collected)) => collected.to_bytes(),
        _ => Default::default(),
    };
    let mut out = format!(
        "HTTP/1.1 {} {}\r\n",
        parts.status.as_u16(),
        parts.status.canonical_reason().unwrap_or("")
    )
    .into_bytes();
    for (name, value) in &parts.headers {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_only_hyper_s_own_answers() {
        let hyper =
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(automatic_status(hyper), Some(431));
        let ours = b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(automatic_status(ours), None);
        assert_eq!(automatic_status(b"HTTP/1.1 200 OK\r\n\r\n"), None);
        assert_eq!(automatic_status(b"{\"a\":1}"), None);
    }

    fn text(bytes: Vec<u8>) -> String {
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn answers_in_the_protocol_the_headers_speak() {
        let json = text(render(
            414,
            b"GET /x?a=1 HTTP/1.1\r\nx-amz-target: AWSOrganizationsV20161128.ListRoots\r\n\r\n",
        ));
        assert!(json.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{json}");
        assert!(
            json.contains("x-amzn-errortype: RequestUriTooLong"),
            "{json}"
        );
        assert!(json.contains("\"__type\":\"RequestUriTooLong\""), "{json}");
        let query = text(render(
            431,
            b"POST / HTTP/1.1\r\ncontent-type: application/x-www-form-urlencoded\r\nauthorization: AWS4-HMAC-SHA256 Credential=1/2/us-east-1/iam/aws4_request\r\nx-cut",
        ));
        assert!(
            query.contains("<Code>RequestHeaderFieldsTooLarge</Code>"),
            "{query}"
        );
        assert!(query.contains("iam.amazonaws.com"), "{query}");
        let unknown = text(render(400, b"\x00\x01garbage"));
        assert!(
            unknown.contains("\"__type\":\"MalformedHttpRequest\""),
            "{unknown}"
        );
        let admin = text(render(414, b"GET /_orgsim/health?x HTTP/1.1\r\n"));
        assert!(admin.contains("{\"error\":"), "{admin}");
    }
}
