//! `aws-chunked` bodies (`x-amz-content-sha256: STREAMING-…`): the SDKs and the CLI
//! send objects as `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n` chunks, a zero-size
//! chunk, then trailing headers (`x-amz-checksum-crc64nvme:…`) and a blank line.
//! Chunk signatures are not verified, like request signatures (DESIGN §3.2).

use bytes::{Bytes, BytesMut};

/// Whether a request's body is `aws-chunked`.
pub fn is_chunked(content_sha256: Option<&str>, content_encoding: Option<&str>) -> bool {
    content_sha256.is_some_and(|v| v.starts_with("STREAMING-"))
        || content_encoding.is_some_and(|v| v.split(',').any(|e| e.trim() == "aws-chunked"))
}

/// The decoded body and its trailing headers (names lower-cased).
#[derive(Debug, PartialEq)]
pub struct Unchunked {
    pub body: Bytes,
    pub trailers: Vec<(String, String)>,
}

/// Decodes an `aws-chunked` body; `Err` says what is malformed.
pub fn decode(raw: &[u8]) -> Result<Unchunked, String> {
    let mut body = BytesMut::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        let (line, after) = split_line(rest).ok_or("a chunk header is not terminated")?;
        let size_text = line.split(|&b| b == b';').next().unwrap_or_default();
        let size_text = std::str::from_utf8(size_text).map_err(|_| "bad chunk size")?;
        let size = usize::from_str_radix(size_text.trim(), 16)
            .map_err(|_| format!("bad chunk size '{size_text}'"))?;
        rest = after;
        if size == 0 {
            break;
        }
        if rest.len() < size {
            return Err("a chunk is shorter than its size".into());
        }
        body.extend_from_slice(&rest[..size]);
        rest = &rest[size..];
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("a chunk is not followed by CRLF")?;
    }
    let mut trailers = Vec::new();
    while let Some((line, after)) = split_line(rest) {
        rest = after;
        if line.is_empty() {
            break;
        }
        let text = String::from_utf8_lossy(line);
        if let Some((name, value)) = text.split_once(':') {
            trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    Ok(Unchunked {
        body: body.freeze(),
        trailers,
    })
}

fn split_line(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = data.windows(2).position(|w| w == b"\r\n")?;
    Some((&data[..end], &data[end + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_and_unsigned_chunks_with_trailers() {
        let signed = b"5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=0\r\n\r\n";
        let out = decode(signed).unwrap();
        assert_eq!(&out.body[..], b"hello world");
        assert!(out.trailers.is_empty());
        let unsigned =
            b"3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\nx-amz-trailer-signature:x\r\n\r\n";
        let out = decode(unsigned).unwrap();
        assert_eq!(&out.body[..], b"abc");
        assert_eq!(
            out.trailers[0],
            ("x-amz-checksum-crc32".to_string(), "NSRBwg==".to_string())
        );
        assert!(decode(b"zz\r\nabc").is_err());
        assert!(decode(b"9\r\nabc\r\n").is_err());
        assert!(is_chunked(Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER"), None));
        assert!(!is_chunked(Some("UNSIGNED-PAYLOAD"), Some("gzip")));
    }
}
