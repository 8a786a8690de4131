//! CopyObject: within or across buckets (the source needs `s3:GetObject` as the caller),
//! metadata and tags copied or replaced, copy-source conditions.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::checksums::{etag, Algorithm};
use super::errors::S3Error;
use super::model::{Object, ObjectData, StoredChecksum};
use super::objects::{
    check_acl, etag_matches, find_version, new_version_id, parse_tagging_header, store_object,
    WriteInput,
};
use super::{access, bucket, bucket_mut};
use crate::auth::Caller;
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyObjectInput {
    pub copy_source: String,
    #[serde(default)]
    pub metadata_directive: Option<String>,
    #[serde(default)]
    pub tagging_directive: Option<String>,
    #[serde(default)]
    pub copy_source_if_match: Option<String>,
    #[serde(default)]
    pub copy_source_if_none_match: Option<String>,
    #[serde(flatten)]
    pub write: WriteInput,
}

/// `x-amz-copy-source`: `[/]bucket/key[?versionId=…]`, URL-encoded.
pub fn parse_copy_source(source: &str) -> Result<(String, String, Option<String>), S3Error> {
    let (path, query) = source.split_once('?').unwrap_or((source, ""));
    let decoded = percent_encoding::percent_decode_str(path.trim_start_matches('/'))
        .decode_utf8()
        .map_err(|_| S3Error::InvalidArgument("Invalid copy source encoding".into()))?;
    let (bucket, key) = decoded
        .split_once('/')
        .filter(|(b, k)| !b.is_empty() && !k.is_empty())
        .ok_or_else(|| {
            S3Error::InvalidArgument(
                "Copy Source must mention the source bucket and key: sourcebucket/sourcekey".into(),
            )
        })?;
    let version = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "versionId")
        .map(|(_, v)| v.into_owned());
    Ok((bucket.to_string(), key.to_string(), version))
}

pub fn copy_object(
    world: &mut World,
    caller: &Caller,
    input: CopyObjectInput,
) -> Result<Value, S3Error> {
    let (source_bucket, source_key, source_version) = parse_copy_source(&input.copy_source)?;
    let source_input = json!({"Bucket": source_bucket, "Key": source_key});
    if !access::check_request(world, caller, "GetObject", &source_input) {
        return Err(S3Error::access_denied());
    }
    let target = bucket(world, &input.write.bucket)?;
    super::buckets::check_expected_owner(target, input.write.expected_bucket_owner.as_deref())?;
    check_acl(target, input.write.acl.as_deref())?;
    let source = find_version(
        bucket(world, &source_bucket)?,
        &source_key,
        source_version.as_deref(),
    )?
    .clone();
    if let Some(condition) = &input.copy_source_if_match {
        if !etag_matches(condition, &source.etag) {
            return Err(S3Error::PreconditionFailed("x-amz-copy-source-If-Match"));
        }
    }
    if input
        .copy_source_if_none_match
        .as_deref()
        .is_some_and(|c| etag_matches(c, &source.etag))
    {
        return Err(S3Error::PreconditionFailed(
            "x-amz-copy-source-If-None-Match",
        ));
    }
    let replace = match input.metadata_directive.as_deref() {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(_) => {
            return Err(S3Error::InvalidArgument(
                "Unknown metadata directive.".into(),
            ))
        }
    };
    let same = source_bucket == input.write.bucket && source_key == input.write.key;
    if same && !replace && input.write.storage_class.is_none() {
        return Err(S3Error::InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.".into()));
    }
    let version_id = new_version_id(world, &target.clone());
    let tags = match input.tagging_directive.as_deref() {
        Some("REPLACE") => parse_tagging_header(input.write.tagging.as_deref())?,
        _ => source.tags.clone(),
    };
    let algorithm = input
        .write
        .checksum_algorithm
        .as_deref()
        .and_then(Algorithm::from_name)
        .or_else(|| {
            source
                .checksum
                .as_ref()
                .and_then(|c| Algorithm::from_name(c.algorithm.trim_start_matches("Checksum")))
        })
        .unwrap_or(Algorithm::Crc64Nvme);
    let data = source.data.0.clone();
    let object = Object {
        key: input.write.key.clone(),
        version_id,
        delete_marker: false,
        etag: etag(&data),
        checksum: Some(StoredChecksum {
            algorithm: algorithm.member(),
            value: algorithm.encoded(&data),
            kind: "FULL_OBJECT".into(),
        }),
        data: ObjectData(data),
        last_modified_ms: world.clock.now_ms(),
        content_type: if replace {
            input
                .write
                .content_type
                .clone()
                .unwrap_or_else(|| "binary/octet-stream".into())
        } else {
            source.content_type.clone()
        },
        headers: if replace {
            input.write.stored_headers()
        } else {
            source.headers.clone()
        },
        metadata: if replace {
            input.write.metadata()
        } else {
            source.metadata.clone()
        },
        tags,
        parts: None,
        storage_class: input
            .write
            .storage_class
            .clone()
            .unwrap_or_else(|| "STANDARD".into()),
    };
    let mut result = Map::new();
    result.insert("ETag".into(), json!(object.etag));
    result.insert(
        "LastModified".into(),
        json!(iso8601(object.last_modified_ms)),
    );
    if let Some(checksum) = &object.checksum {
        result.insert("ChecksumType".into(), json!(checksum.kind));
        result.insert(checksum.algorithm.clone(), json!(checksum.value));
    }
    let mut out = Map::new();
    out.insert("CopyObjectResult".into(), Value::Object(result));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    if object.version_id != "null" {
        out.insert("VersionId".into(), json!(object.version_id));
    }
    if source.version_id != "null" {
        out.insert("CopySourceVersionId".into(), json!(source.version_id));
    }
    store_object(bucket_mut(world, &input.write.bucket)?, object);
    Ok(Value::Object(out))
}
