//! S3 through `aws-sdk-s3`: the global bucket namespace, location constraints,
//! configuration, objects with checksums, ranges, listing and multipart uploads.
//! Access (bucket policies, SCPs, presigned URLs, services' deliveries): `s3_access.rs`.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketVersioningStatus, ChecksumMode, CompletedMultipartUpload,
    CompletedPart, CreateBucketConfiguration, Delete, ObjectIdentifier,
    PublicAccessBlockConfiguration, Tag, Tagging, VersioningConfiguration,
};
use orgsim::Emulator;

use crate::common::{s3, s3_in, MANAGEMENT};

pub const OTHER: &str = "222222222222";

pub fn code<E: ProvideErrorMetadata>(error: &E) -> String {
    error.code().unwrap_or("none").to_string()
}

#[tokio::test]
async fn one_namespace_and_location_rules() {
    let emulator = Emulator::start();
    let owner = s3(&emulator, MANAGEMENT);
    owner
        .create_bucket()
        .bucket("shared-name")
        .send()
        .await
        .expect("create");
    // The owner re-creating in us-east-1 succeeds, as S3 answers there.
    owner
        .create_bucket()
        .bucket("shared-name")
        .send()
        .await
        .expect("re-create in us-east-1");
    let other = s3(&emulator, OTHER);
    let taken = other
        .create_bucket()
        .bucket("shared-name")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(taken.is_bucket_already_exists(), "{taken:?}");
    let bad = owner
        .create_bucket()
        .bucket("ab")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&bad), "InvalidBucketName");

    let ireland = s3_in(&emulator, MANAGEMENT, "eu-west-1");
    let unconstrained = ireland
        .create_bucket()
        .bucket("irish-logs")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&unconstrained), "IllegalLocationConstraintException");
    let config = CreateBucketConfiguration::builder()
        .location_constraint(BucketLocationConstraint::EuWest1)
        .build();
    ireland
        .create_bucket()
        .bucket("irish-logs")
        .create_bucket_configuration(config.clone())
        .send()
        .await
        .expect("create in eu-west-1");
    let again = ireland
        .create_bucket()
        .bucket("irish-logs")
        .create_bucket_configuration(config)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(again.is_bucket_already_owned_by_you(), "{again:?}");
    let location = owner
        .get_bucket_location()
        .bucket("irish-logs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        location.location_constraint(),
        Some(&BucketLocationConstraint::EuWest1)
    );
    let head = owner
        .head_bucket()
        .bucket("irish-logs")
        .send()
        .await
        .unwrap();
    assert_eq!(head.bucket_region(), Some("eu-west-1"));

    let listed = owner.list_buckets().send().await.unwrap();
    let names: Vec<_> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, ["irish-logs", "shared-name"]);
    assert!(other
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .is_empty());

    owner
        .put_object()
        .bucket("shared-name")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let not_empty = owner
        .delete_bucket()
        .bucket("shared-name")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&not_empty), "BucketNotEmpty");
    let missing = owner
        .head_bucket()
        .bucket("no-such-bucket-here")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_not_found(), "{missing:?}");
}

#[tokio::test]
async fn objects_with_checksums_ranges_and_listing() {
    let emulator = Emulator::start();
    let client = s3(&emulator, MANAGEMENT);
    client.create_bucket().bucket("data").send().await.unwrap();
    let put = client
        .put_object()
        .bucket("data")
        .key("dir/hello.txt")
        .content_type("text/plain")
        .metadata("team", "blue")
        .body(ByteStream::from_static(b"hello world"))
        .send()
        .await
        .expect("put");
    // S3's ETag is the quoted MD5 of the bytes.
    assert_eq!(put.e_tag(), Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\""));
    assert!(
        put.checksum_crc32().is_some() || put.checksum_crc64_nvme().is_some(),
        "{put:?}"
    );

    let got = client
        .get_object()
        .bucket("data")
        .key("dir/hello.txt")
        .checksum_mode(ChecksumMode::Enabled)
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type(), Some("text/plain"));
    assert_eq!(
        got.metadata().unwrap().get("team").map(String::as_str),
        Some("blue")
    );
    assert_eq!(got.content_length(), Some(11));
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"hello world"
    );

    let ranged = client
        .get_object()
        .bucket("data")
        .key("dir/hello.txt")
        .range("bytes=6-")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.content_range(), Some("bytes 6-10/11"));
    assert_eq!(
        ranged.body.collect().await.unwrap().into_bytes().as_ref(),
        b"world"
    );
    let unsatisfiable = client
        .get_object()
        .bucket("data")
        .key("dir/hello.txt")
        .range("bytes=50-")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&unsatisfiable), "InvalidRange");

    let head = client
        .head_object()
        .bucket("data")
        .key("dir/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(head.e_tag(), put.e_tag());
    let missing = client
        .get_object()
        .bucket("data")
        .key("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing.is_no_such_key(), "{missing:?}");
    let missing_head = client
        .head_object()
        .bucket("data")
        .key("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(missing_head.is_not_found(), "{missing_head:?}");

    for key in ["dir/a", "dir/b", "dir/sub/c", "dir/sub/d", "top"] {
        client
            .put_object()
            .bucket("data")
            .key(key)
            .body(ByteStream::from_static(b"1"))
            .send()
            .await
            .unwrap();
    }
    let page = client
        .list_objects_v2()
        .bucket("data")
        .prefix("dir/")
        .delimiter("/")
        .max_keys(2)
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = page.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["dir/a", "dir/b"]);
    assert_eq!(page.is_truncated(), Some(true));
    let rest = client
        .list_objects_v2()
        .bucket("data")
        .prefix("dir/")
        .delimiter("/")
        .continuation_token(page.next_continuation_token().unwrap())
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = rest.contents().iter().filter_map(|o| o.key()).collect();
    let prefixes: Vec<_> = rest
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!((keys, prefixes), (vec!["dir/hello.txt"], vec!["dir/sub/"]));
    let forged = client
        .list_objects_v2()
        .bucket("data")
        .continuation_token("forged")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&forged), "InvalidArgument");

    let copied = client
        .copy_object()
        .bucket("data")
        .key("copy.txt")
        .copy_source("data/dir/hello.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        copied.copy_object_result().and_then(|r| r.e_tag()),
        put.e_tag()
    );
    let deleted = client
        .delete_objects()
        .bucket("data")
        .delete(
            Delete::builder()
                .objects(ObjectIdentifier::builder().key("dir/a").build().unwrap())
                .objects(ObjectIdentifier::builder().key("dir/b").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.deleted().len(), 2);
    client
        .delete_object()
        .bucket("data")
        .key("top")
        .send()
        .await
        .unwrap();
    client
        .put_object_tagging()
        .bucket("data")
        .key("copy.txt")
        .tagging(
            Tagging::builder()
                .tag_set(Tag::builder().key("team").value("blue").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let tags = client
        .get_object_tagging()
        .bucket("data")
        .key("copy.txt")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set()[0].key(), "team");
    let all = client
        .list_objects_v2()
        .bucket("data")
        .send()
        .await
        .unwrap();
    assert_eq!(all.key_count(), Some(4));
}

#[tokio::test]
async fn multipart_uploads_have_aws_etags() {
    let emulator = Emulator::start();
    let client = s3(&emulator, MANAGEMENT);
    client.create_bucket().bucket("big").send().await.unwrap();
    let upload = client
        .create_multipart_upload()
        .bucket("big")
        .key("blob")
        .send()
        .await
        .unwrap();
    let id = upload.upload_id().unwrap();
    let first = vec![7u8; 5 * 1024 * 1024];
    let second = b"tail".to_vec();
    let mut parts = Vec::new();
    for (n, data) in [(1, first.clone()), (2, second.clone())] {
        let part = client
            .upload_part()
            .bucket("big")
            .key("blob")
            .upload_id(id)
            .part_number(n)
            .body(ByteStream::from(data))
            .send()
            .await
            .unwrap();
        parts.push(
            CompletedPart::builder()
                .part_number(n)
                .e_tag(part.e_tag().unwrap())
                .build(),
        );
    }
    let listed = client
        .list_parts()
        .bucket("big")
        .key("blob")
        .upload_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.parts().len(), 2);
    let done = client
        .complete_multipart_upload()
        .bucket("big")
        .key("blob")
        .upload_id(id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let etag = done.e_tag().unwrap();
    assert!(etag.ends_with("-2\""), "{etag}");
    let body = client
        .get_object()
        .bucket("big")
        .key("blob")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    assert_eq!(body.len(), first.len() + second.len());
    let gone = client
        .abort_multipart_upload()
        .bucket("big")
        .key("blob")
        .upload_id(id)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(gone.is_no_such_upload(), "{gone:?}");

    let small = client
        .create_multipart_upload()
        .bucket("big")
        .key("small")
        .send()
        .await
        .unwrap();
    let small_id = small.upload_id().unwrap();
    let mut parts = Vec::new();
    for n in 1..=2 {
        let part = client
            .upload_part()
            .bucket("big")
            .key("small")
            .upload_id(small_id)
            .part_number(n)
            .body(ByteStream::from_static(b"tiny"))
            .send()
            .await
            .unwrap();
        parts.push(
            CompletedPart::builder()
                .part_number(n)
                .e_tag(part.e_tag().unwrap())
                .build(),
        );
    }
    let too_small = client
        .complete_multipart_upload()
        .bucket("big")
        .key("small")
        .upload_id(small_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .set_parts(Some(parts))
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&too_small), "EntityTooSmall");
}

#[tokio::test]
async fn bucket_configuration() {
    let emulator = Emulator::start();
    let client = s3(&emulator, MANAGEMENT);
    client.create_bucket().bucket("conf").send().await.unwrap();
    // AWS's defaults for new buckets: all public access blocked, SSE-S3, owner enforced.
    let block = client
        .get_public_access_block()
        .bucket("conf")
        .send()
        .await
        .unwrap();
    let block = block.public_access_block_configuration().unwrap();
    assert_eq!(
        (block.block_public_policy(), block.restrict_public_buckets()),
        (Some(true), Some(true))
    );
    let encryption = client
        .get_bucket_encryption()
        .bucket("conf")
        .send()
        .await
        .unwrap();
    let rule = &encryption
        .server_side_encryption_configuration()
        .unwrap()
        .rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .unwrap()
            .sse_algorithm()
            .as_str(),
        "AES256"
    );
    let ownership = client
        .get_bucket_ownership_controls()
        .bucket("conf")
        .send()
        .await
        .unwrap();
    assert_eq!(
        ownership.ownership_controls().unwrap().rules()[0]
            .object_ownership()
            .as_str(),
        "BucketOwnerEnforced"
    );

    assert!(client
        .get_bucket_versioning()
        .bucket("conf")
        .send()
        .await
        .unwrap()
        .status()
        .is_none());
    client
        .put_bucket_versioning()
        .bucket("conf")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .get_bucket_versioning()
            .bucket("conf")
            .send()
            .await
            .unwrap()
            .status(),
        Some(&BucketVersioningStatus::Enabled)
    );
    let v1 = client
        .put_object()
        .bucket("conf")
        .key("k")
        .body(ByteStream::from_static(b"1"))
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("conf")
        .key("k")
        .body(ByteStream::from_static(b"2"))
        .send()
        .await
        .unwrap();
    let old = client
        .get_object()
        .bucket("conf")
        .key("k")
        .version_id(v1.version_id().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.body.collect().await.unwrap().into_bytes().as_ref(),
        b"1"
    );

    let no_tags = client
        .get_bucket_tagging()
        .bucket("conf")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&no_tags), "NoSuchTagSet");
    let tagging = Tagging::builder()
        .tag_set(Tag::builder().key("env").value("prod").build().unwrap())
        .build()
        .unwrap();
    client
        .put_bucket_tagging()
        .bucket("conf")
        .tagging(tagging)
        .send()
        .await
        .unwrap();
    let tags = client
        .get_bucket_tagging()
        .bucket("conf")
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tag_set()[0].value(), "prod");

    let no_policy = client
        .get_bucket_policy()
        .bucket("conf")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&no_policy), "NoSuchBucketPolicy");
    let malformed = client
        .put_bucket_policy()
        .bucket("conf")
        .policy("{\"Statement\": []}")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&malformed), "MalformedPolicy");
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::conf/*"}]}"#;
    let blocked = client
        .put_bucket_policy()
        .bucket("conf")
        .policy(public)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&blocked), "AccessDenied");
    client
        .put_public_access_block()
        .bucket("conf")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_policy(false)
                .restrict_public_buckets(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    client
        .put_bucket_policy()
        .bucket("conf")
        .policy(public)
        .send()
        .await
        .expect("public policy once unblocked");
    let status = client
        .get_bucket_policy_status()
        .bucket("conf")
        .send()
        .await
        .unwrap();
    assert_eq!(status.policy_status().unwrap().is_public(), Some(true));
    assert_eq!(
        client
            .get_bucket_policy()
            .bucket("conf")
            .send()
            .await
            .unwrap()
            .policy(),
        Some(public)
    );
}
