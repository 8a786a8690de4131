//! rest-xml wire vectors: request line + headers → operation and bound members;
//! outputs and errors → S3's bytes.

use axum::http::HeaderMap;
use serde_json::{json, Value};

use super::*;

fn decode_s3(
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<Decoded, DecodeFailure> {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut map = HeaderMap::new();
    for (k, v) in headers {
        map.insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
            v.parse().unwrap(),
        );
    }
    let bases = vec!["s3.orgsim.localhost".to_string(), "localhost".to_string()];
    decode(&WireRequest {
        method,
        path,
        query,
        headers: &map,
        body: &Bytes::copy_from_slice(body),
        virtual_host_bases: &bases,
    })
}

/// method, path?query, headers → operation.
type RouteVector = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn operations_by_method_sub_resource_and_header() {
    let cases: &[RouteVector] = &[
        ("GET", "/", &[], "ListBuckets"),
        ("PUT", "/b", &[], "CreateBucket"),
        ("GET", "/b?policy", &[], "GetBucketPolicy"),
        ("GET", "/b?list-type=2&prefix=a", &[], "ListObjectsV2"),
        ("GET", "/b?prefix=a", &[], "ListObjects"),
        (
            "GET",
            "/b?lifecycle",
            &[],
            "GetBucketLifecycleConfiguration",
        ),
        ("GET", "/b?uploads", &[], "ListMultipartUploads"),
        ("PUT", "/b/k", &[], "PutObject"),
        ("PUT", "/b/k", &[("x-amz-copy-source", "b/j")], "CopyObject"),
        ("PUT", "/b/k?partNumber=1&uploadId=u", &[], "UploadPart"),
        (
            "PUT",
            "/b/k?partNumber=1&uploadId=u",
            &[("x-amz-copy-source", "b/j")],
            "UploadPartCopy",
        ),
        ("POST", "/b/k?uploads", &[], "CreateMultipartUpload"),
        ("POST", "/b/k?uploadId=u", &[], "CompleteMultipartUpload"),
        ("DELETE", "/b/k?uploadId=u", &[], "AbortMultipartUpload"),
        ("GET", "/b/k?uploadId=u", &[], "ListParts"),
        ("HEAD", "/b/k", &[], "HeadObject"),
        ("POST", "/b?delete", &[], "DeleteObjects"),
        (
            "GET",
            "/b?analytics&id=x",
            &[],
            "GetBucketAnalyticsConfiguration",
        ),
        (
            "GET",
            "/b?analytics",
            &[],
            "ListBucketAnalyticsConfigurations",
        ),
        // virtual-host style: the bucket is in the host
        (
            "GET",
            "/k/l",
            &[("host", "b.s3.orgsim.localhost:4566")],
            "GetObject",
        ),
        (
            "GET",
            "/?versioning",
            &[("host", "b.localhost")],
            "GetBucketVersioning",
        ),
    ];
    for (method, target, headers, operation) in cases {
        let d = decode_s3(method, target, headers, b"")
            .unwrap_or_else(|e| panic!("{method} {target}: {:?}", e.error));
        assert_eq!(d.operation, *operation, "{method} {target}");
    }
    let d = decode_s3(
        "GET",
        "/k/l",
        &[("host", "b.s3.orgsim.localhost:4566")],
        b"",
    )
    .unwrap();
    assert_eq!(
        (d.input["Bucket"].as_str(), d.input["Key"].as_str()),
        (Some("b"), Some("k/l"))
    );
}

#[test]
fn members_from_uri_query_headers_and_body() {
    let d = decode_s3(
        "PUT",
        "/b/dir/a%20b.txt",
        &[
            ("content-type", "text/plain"),
            ("x-amz-meta-team", "blue"),
            ("content-length", "5"),
            ("x-amz-checksum-crc32", "AAAA"),
        ],
        b"hello",
    )
    .unwrap();
    assert_eq!(d.input["Key"], json!("dir/a b.txt"));
    assert_eq!(d.input["ContentType"], json!("text/plain"));
    assert_eq!(d.input["ContentLength"], json!(5));
    assert_eq!(d.input["Metadata"], json!({"team": "blue"}));
    assert_eq!(&d.payload.bytes[..], b"hello");
    let d = decode_s3(
        "GET",
        "/b?list-type=2&max-keys=7&fetch-owner=true",
        &[],
        b"",
    )
    .unwrap();
    assert_eq!(
        (d.input["MaxKeys"].clone(), d.input["FetchOwner"].clone()),
        (json!(7), json!(true))
    );
    let d = decode_s3(
        "PUT",
        "/b?tagging",
        &[],
        b"<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>",
    )
    .unwrap();
    assert_eq!(
        d.input["Tagging"],
        json!({"TagSet": {"Tag": {"Key": "a", "Value": "1"}}})
    );
    let d = decode_s3("PUT", "/b?policy", &[], br#"{"Version":"2012-10-17"}"#).unwrap();
    assert_eq!(d.input["Policy"], json!(r#"{"Version":"2012-10-17"}"#));
    // aws-chunked with a trailing checksum
    let chunked = b"5;chunk-signature=x\r\nhello\r\n0;chunk-signature=y\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
    let d = decode_s3(
        "PUT",
        "/b/k",
        &[
            (
                "x-amz-content-sha256",
                "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
            ),
            ("content-encoding", "aws-chunked"),
        ],
        chunked,
    )
    .unwrap();
    assert_eq!(&d.payload.bytes[..], b"hello");
    assert_eq!(d.input["ChecksumCRC32"], json!("NhCmhg=="));
}

#[test]
fn decoding_errors() {
    let e = decode_s3("PUT", "/b?tagging", &[], b"<Tagging><TagSet>").unwrap_err();
    assert_eq!(
        (e.error.code.as_str(), e.error.status),
        ("MalformedXML", 400)
    );
    let e = decode_s3("PATCH", "/b", &[], b"").unwrap_err();
    assert_eq!(
        (e.error.code.as_str(), e.error.status),
        ("MethodNotAllowed", 405)
    );
    let e = decode_s3("GET", "/b?list-type=2&max-keys=x", &[], b"").unwrap_err();
    assert_eq!(e.error.code, "InvalidArgument");
}

async fn body_text(response: Response<Body>) -> (u16, HeaderMap, String) {
    use http_body_util::BodyExt;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn outputs_and_errors_on_the_wire() {
    let out = XmlOutput {
        output: json!({"ETag": "\"abc\"", "LastModified": 0, "Metadata": {"team": "blue"}, "ContentLength": 3}),
        body: Some(Bytes::from_static(b"abc")),
        status: Some(206),
    };
    let (status, headers, body) =
        body_text(encode_output(ServiceId::S3, "GetObject", 200, out, "rid")).await;
    assert_eq!((status, body.as_str()), (206, "abc"));
    assert_eq!(headers["etag"], "\"abc\"");
    assert_eq!(headers["last-modified"], "Thu, 01 Jan 1970 00:00:00 GMT");
    assert_eq!(headers["x-amz-meta-team"], "blue");
    assert_eq!(headers["x-amz-request-id"], "rid");
    let out = XmlOutput {
        output: json!({"LocationConstraint": "eu-west-1"}),
        ..Default::default()
    };
    let (_, _, body) = body_text(encode_output(
        ServiceId::S3,
        "GetBucketLocation",
        200,
        out,
        "rid",
    ))
    .await;
    assert!(body.ends_with("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1</LocationConstraint>"), "{body}");
    let out = XmlOutput {
        output: Value::Object(Default::default()),
        ..Default::default()
    };
    let (_, _, body) = body_text(encode_output(
        ServiceId::S3,
        "GetBucketVersioning",
        200,
        out,
        "rid",
    ))
    .await;
    assert!(body.contains("<VersioningConfiguration"), "{body}");
    let error = ApiError::new("NoSuchBucket", 404, "The specified bucket does not exist")
        .with_field("BucketName", "b");
    let (status, _, body) = body_text(encode_error(&error, "rid", false)).await;
    assert_eq!(status, 404);
    assert!(body.contains("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>b</BucketName><RequestId>rid</RequestId>"), "{body}");
    let (_, _, body) = body_text(encode_error(&error, "rid", true)).await;
    assert!(body.is_empty());
}

#[test]
fn virtual_host_names() {
    let bases = vec!["s3.orgsim.localhost".to_string(), "localhost".to_string()];
    assert_eq!(
        virtual_host_bucket("logs.s3.orgsim.localhost:4566", &bases),
        Some("logs")
    );
    assert_eq!(
        virtual_host_bucket("my.dotted.bucket.localhost", &bases),
        Some("my.dotted.bucket")
    );
    assert_eq!(virtual_host_bucket("localhost:4566", &bases), None);
    assert_eq!(virtual_host_bucket("127.0.0.1:4566", &bases), None);
}
