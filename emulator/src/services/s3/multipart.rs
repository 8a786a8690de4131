//! Multipart uploads: parts of at least 5 MiB (the last one aside) put together in
//! ascending order; the object's ETag is `"<md5 of the parts' md5s>-<parts>"` and its
//! checksum CRC64NVME of the whole object, or the composite of the parts' checksums.

use bytes::BytesMut;

use crate::protocol::Payload;
use imbl::OrdMap;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::buckets::{check_expected_owner, owner_element};
use super::checksums::{composite, etag_of_digest, multipart_etag, Algorithm};
use super::errors::S3Error;
use super::model::{MultipartUpload, Object, ObjectData, Part, StoredChecksum};
use super::objects::{check_acl, new_version_id, store_object, verified_checksum, WriteInput};
use super::{bucket, bucket_mut, Empty, Reply};
use crate::auth::Caller;
use crate::protocol::rest_xml::xml::one_or_many;
use crate::world::{iso8601, World};

/// Smallest part but the last (5 MiB).
pub const MIN_PART_BYTES: usize = 5 * 1024 * 1024;
/// Highest part number.
pub const MAX_PART_NUMBER: i64 = 10_000;

pub fn create_multipart_upload(
    world: &mut World,
    caller: &Caller,
    input: WriteInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    check_acl(found, input.acl.as_deref())?;
    let algorithm = match input.checksum_algorithm.as_deref() {
        None => None,
        Some(name) => Some(
            Algorithm::from_name(name)
                .ok_or_else(|| {
                    S3Error::InvalidRequest(format!(
                        "Checksum algorithm provided is unsupported: {name}"
                    ))
                })?
                .name()
                .to_string(),
        ),
    };
    let upload_id = world.ids.base64(64).replace(['+', '/', '='], "x");
    let upload = MultipartUpload {
        upload_id: upload_id.clone(),
        bucket: input.bucket.clone(),
        key: input.key.clone(),
        initiator_account: caller.account_id.clone(),
        initiated_ms: world.clock.now_ms(),
        content_type: input
            .content_type
            .clone()
            .unwrap_or_else(|| "binary/octet-stream".into()),
        metadata: input
            .metadata
            .iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_string())))
            .collect(),
        checksum_algorithm: algorithm.clone(),
        parts: OrdMap::new(),
    };
    world.s3.uploads.insert(upload_id.clone(), upload);
    let mut out = Map::new();
    out.insert("Bucket".into(), json!(input.bucket));
    out.insert("Key".into(), json!(input.key));
    out.insert("UploadId".into(), json!(upload_id));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    if let Some(algorithm) = algorithm {
        let full = Algorithm::from_name(&algorithm).is_some_and(Algorithm::full_object_by_default);
        out.insert("ChecksumAlgorithm".into(), json!(algorithm));
        out.insert(
            "ChecksumType".into(),
            json!(if full { "FULL_OBJECT" } else { "COMPOSITE" }),
        );
    }
    Ok(Value::Object(out))
}

fn upload<'w>(
    world: &'w World,
    bucket: &str,
    key: &str,
    upload_id: &str,
) -> Result<&'w MultipartUpload, S3Error> {
    world
        .s3
        .uploads
        .get(upload_id)
        .filter(|u| u.bucket == bucket && u.key == key)
        .ok_or_else(|| S3Error::NoSuchUpload(upload_id.to_string()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadPartInput {
    pub upload_id: String,
    pub part_number: i64,
    #[serde(flatten)]
    pub write: WriteInput,
}

pub fn upload_part(
    world: &mut World,
    _caller: &Caller,
    input: UploadPartInput,
    payload: Payload,
) -> Result<Reply<Value>, S3Error> {
    bucket(world, &input.write.bucket)?;
    let existing = upload(
        world,
        &input.write.bucket,
        &input.write.key,
        &input.upload_id,
    )?;
    if !(1..=MAX_PART_NUMBER).contains(&input.part_number) {
        return Err(S3Error::InvalidArgument(
            "Part number must be an integer between 1 and 10000, inclusive".into(),
        ));
    }
    let mut write = input.write;
    if write.checksum_algorithm.is_none() {
        write.checksum_algorithm = existing.checksum_algorithm.clone();
    }
    let md5 = payload.md5();
    let body = payload.bytes;
    let checksum = verified_checksum(&write, &body, &md5)?;
    let part = Part {
        number: input.part_number as u32,
        etag: etag_of_digest(&md5),
        data: ObjectData(body),
        last_modified_ms: world.clock.now_ms(),
        checksum: Some(checksum.value.clone()),
    };
    let mut out = Map::new();
    out.insert("ETag".into(), json!(part.etag));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    if existing.checksum_algorithm.is_some() || write.rest.keys().any(|k| k.starts_with("Checksum"))
    {
        out.insert(checksum.algorithm.clone(), json!(checksum.value));
    }
    if let Some(upload) = world.s3.uploads.get_mut(&input.upload_id) {
        upload.parts.insert(part.number, part);
    }
    Ok(Reply::new(Value::Object(out)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompleteMultipartUploadInput {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    #[serde(default)]
    pub multipart_upload: Option<Value>,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
}

#[derive(Debug, Deserialize)]
struct CompletedXml {
    #[serde(rename = "Part", default, deserialize_with = "one_or_many")]
    parts: Vec<CompletedPartXml>,
}

#[derive(Debug, Deserialize)]
struct CompletedPartXml {
    #[serde(rename = "PartNumber")]
    number: String,
    #[serde(rename = "ETag", default)]
    etag: Option<String>,
}

pub fn complete_multipart_upload(
    world: &mut World,
    _caller: &Caller,
    input: CompleteMultipartUploadInput,
) -> Result<Value, S3Error> {
    let target = bucket(world, &input.bucket)?.clone();
    let pending = upload(world, &input.bucket, &input.key, &input.upload_id)?.clone();
    super::objects::check_write_conditions(
        target.objects.get(&input.key),
        input.if_match.as_deref(),
        input.if_none_match.as_deref(),
    )?;
    let listed: CompletedXml = input
        .multipart_upload
        .map(serde_json::from_value)
        .transpose()
        .map_err(|_| S3Error::MalformedXml)?
        .ok_or(S3Error::MalformedXml)?;
    if listed.parts.is_empty() {
        return Err(S3Error::MalformedXml);
    }
    let mut chosen: Vec<&Part> = Vec::new();
    for (i, listed_part) in listed.parts.iter().enumerate() {
        let number: u32 = listed_part
            .number
            .trim()
            .parse()
            .map_err(|_| S3Error::MalformedXml)?;
        if chosen.last().is_some_and(|p| p.number >= number) {
            return Err(S3Error::InvalidPartOrder);
        }
        let part = pending.parts.get(&number).ok_or(S3Error::InvalidPart)?;
        if listed_part
            .etag
            .as_deref()
            .is_some_and(|e| e.trim_matches('"') != part.etag.trim_matches('"'))
        {
            return Err(S3Error::InvalidPart);
        }
        if i + 1 < listed.parts.len() && part.data.0.len() < MIN_PART_BYTES {
            return Err(S3Error::EntityTooSmall);
        }
        chosen.push(part);
    }
    let mut data = BytesMut::with_capacity(chosen.iter().map(|p| p.data.0.len()).sum());
    for part in &chosen {
        data.extend_from_slice(&part.data.0);
    }
    let data = data.freeze();
    let algorithm = pending
        .checksum_algorithm
        .as_deref()
        .and_then(Algorithm::from_name)
        .unwrap_or(Algorithm::Crc64Nvme);
    let checksum = if algorithm.full_object_by_default() {
        StoredChecksum {
            algorithm: algorithm.member(),
            value: algorithm.encoded(&data),
            kind: "FULL_OBJECT".into(),
        }
    } else {
        let parts: Vec<String> = chosen.iter().filter_map(|p| p.checksum.clone()).collect();
        StoredChecksum {
            algorithm: algorithm.member(),
            value: composite(algorithm, &parts).unwrap_or_default(),
            kind: "COMPOSITE".into(),
        }
    };
    let version_id = new_version_id(world, &target);
    let object = Object {
        key: input.key.clone(),
        version_id,
        delete_marker: false,
        etag: multipart_etag(chosen.iter().map(|p| p.etag.as_str())),
        data: ObjectData(data),
        last_modified_ms: world.clock.now_ms(),
        content_type: pending.content_type.clone(),
        headers: Vec::new(),
        metadata: pending.metadata.clone(),
        checksum: Some(checksum.clone()),
        tags: Vec::new(),
        parts: Some(chosen.len() as u32),
        storage_class: "STANDARD".into(),
    };
    let mut out = Map::new();
    out.insert(
        "Location".into(),
        json!(format!(
            "http://{}.s3.{}.amazonaws.com/{}",
            input.bucket, target.region, input.key
        )),
    );
    out.insert("Bucket".into(), json!(input.bucket));
    out.insert("Key".into(), json!(input.key));
    out.insert("ETag".into(), json!(object.etag));
    out.insert(checksum.algorithm.clone(), json!(checksum.value));
    out.insert("ChecksumType".into(), json!(checksum.kind));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    if object.version_id != "null" {
        out.insert("VersionId".into(), json!(object.version_id));
    }
    world.s3.uploads.remove(&input.upload_id);
    store_object(bucket_mut(world, &input.bucket)?, object);
    Ok(Value::Object(out))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadInput {
    pub bucket: String,
    pub key: String,
    pub upload_id: String,
    #[serde(default)]
    pub max_parts: Option<i64>,
    #[serde(default)]
    pub part_number_marker: Option<String>,
}

pub fn abort_multipart_upload(
    world: &mut World,
    _caller: &Caller,
    input: UploadInput,
) -> Result<Empty, S3Error> {
    bucket(world, &input.bucket)?;
    upload(world, &input.bucket, &input.key, &input.upload_id)?;
    world.s3.uploads.remove(&input.upload_id);
    Ok(Empty {})
}

pub fn list_parts(
    world: &mut World,
    _caller: &Caller,
    input: UploadInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    let pending = upload(world, &input.bucket, &input.key, &input.upload_id)?;
    let max = input.max_parts.unwrap_or(1000).clamp(0, 1000) as usize;
    let marker: u32 = input
        .part_number_marker
        .as_deref()
        .unwrap_or("0")
        .parse()
        .map_err(|_| S3Error::InvalidArgument("Invalid part number marker".into()))?;
    let mut after = pending.parts.range(marker + 1..);
    let page: Vec<&Part> = after.by_ref().take(max).map(|(_, p)| p).collect();
    let more = after.next().is_some();
    let parts: Vec<Value> = page
        .iter()
        .map(|p| {
            let mut item = Map::new();
            item.insert("PartNumber".into(), json!(p.number));
            item.insert("LastModified".into(), json!(iso8601(p.last_modified_ms)));
            item.insert("ETag".into(), json!(p.etag));
            item.insert("Size".into(), json!(p.data.0.len()));
            if let (Some(alg), Some(sum)) = (
                pending
                    .checksum_algorithm
                    .as_deref()
                    .and_then(Algorithm::from_name),
                &p.checksum,
            ) {
                item.insert(alg.member(), json!(sum));
            }
            Value::Object(item)
        })
        .collect();
    let mut out = Map::new();
    out.insert("Bucket".into(), json!(input.bucket));
    out.insert("Key".into(), json!(input.key));
    out.insert("UploadId".into(), json!(input.upload_id));
    out.insert("PartNumberMarker".into(), json!(marker));
    if let (true, Some(last)) = (more, page.last()) {
        out.insert("NextPartNumberMarker".into(), json!(last.number));
    }
    out.insert("MaxParts".into(), json!(max));
    out.insert("IsTruncated".into(), json!(more));
    if !parts.is_empty() {
        out.insert("Part".into(), Value::Array(parts));
    }
    out.insert(
        "Initiator".into(),
        owner_element(&pending.initiator_account),
    );
    out.insert("Owner".into(), owner_element(&found.owner));
    out.insert("StorageClass".into(), json!("STANDARD"));
    if let Some(alg) = &pending.checksum_algorithm {
        out.insert("ChecksumAlgorithm".into(), json!(alg));
    }
    Ok(Value::Object(out))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMultipartUploadsInput {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub max_uploads: Option<i64>,
}

pub fn list_multipart_uploads(
    world: &mut World,
    _caller: &Caller,
    input: ListMultipartUploadsInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    let max = input.max_uploads.unwrap_or(1000).clamp(0, 1000) as usize;
    let prefix = input.prefix.clone().unwrap_or_default();
    let mut pending: Vec<&MultipartUpload> = world
        .s3
        .uploads
        .values()
        .filter(|u| u.bucket == input.bucket && u.key.starts_with(&prefix))
        .collect();
    pending.sort_by(|a, b| {
        (&a.key, a.initiated_ms, &a.upload_id).cmp(&(&b.key, b.initiated_ms, &b.upload_id))
    });
    let more = pending.len() > max;
    pending.truncate(max);
    let uploads: Vec<Value> = pending
        .iter()
        .map(|u| {
            json!({
                "Key": u.key,
                "UploadId": u.upload_id,
                "Initiator": owner_element(&u.initiator_account),
                "Owner": owner_element(&found.owner),
                "StorageClass": "STANDARD",
                "Initiated": iso8601(u.initiated_ms),
            })
        })
        .collect();
    let mut out = Map::new();
    out.insert("Bucket".into(), json!(input.bucket));
    out.insert("KeyMarker".into(), json!(""));
    out.insert("UploadIdMarker".into(), json!(""));
    if let (true, Some(last)) = (more, pending.last()) {
        out.insert("NextKeyMarker".into(), json!(last.key));
        out.insert("NextUploadIdMarker".into(), json!(last.upload_id));
    }
    out.insert("Prefix".into(), json!(prefix));
    out.insert("MaxUploads".into(), json!(max));
    out.insert("IsTruncated".into(), json!(more));
    if !uploads.is_empty() {
        out.insert("Upload".into(), Value::Array(uploads));
    }
    Ok(Value::Object(out))
}
