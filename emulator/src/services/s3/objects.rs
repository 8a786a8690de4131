//! Objects: put (with Content-MD5 and flexible checksums, conditional writes), get and
//! head (ranges, conditions, versions); deletes and copies live beside this file.

use crate::protocol::Payload;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::checksums::{content_md5_matches, etag_of_digest, Algorithm};
use super::errors::S3Error;
use super::model::{Bucket, Object, ObjectData, StoredChecksum};
use super::{bucket, bucket_mut, Reply};
use crate::auth::Caller;
use crate::protocol::rest_xml::parse_timestamp;
use crate::world::World;

/// Header members S3 keeps with an object and answers on GET/HEAD.
const STORED_HEADERS: &[&str] = &[
    "CacheControl",
    "ContentDisposition",
    "ContentEncoding",
    "ContentLanguage",
    "Expires",
    "WebsiteRedirectLocation",
];

/// The members PutObject, CopyObject and CreateMultipartUpload share.
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct WriteInput {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub content_type: Option<String>,
    #[serde(default, rename = "ContentMD5")]
    pub content_md5: Option<String>,
    #[serde(default)]
    pub checksum_algorithm: Option<String>,
    #[serde(default)]
    pub metadata: Option<Map<String, Value>>,
    #[serde(default)]
    pub tagging: Option<String>,
    #[serde(default, rename = "ACL")]
    pub acl: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub storage_class: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
    /// Every other member, for the stored headers and the checksum members.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

impl WriteInput {
    fn text(&self, member: &str) -> Option<&str> {
        self.rest.get(member).and_then(Value::as_str)
    }

    /// The headers to store (without `aws-chunked`, the transfer's own encoding).
    pub fn stored_headers(&self) -> Vec<(String, String)> {
        STORED_HEADERS
            .iter()
            .filter_map(|member| {
                let value = self.text(member)?;
                let value = if *member == "ContentEncoding" {
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|e| *e != "aws-chunked")
                        .collect::<Vec<_>>()
                        .join(",")
                } else {
                    value.to_string()
                };
                (!value.is_empty()).then(|| (member.to_string(), value))
            })
            .collect()
    }

    pub fn metadata(&self) -> Vec<(String, String)> {
        self.metadata
            .iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.to_ascii_lowercase(), v.as_str()?.to_string())))
            .collect()
    }
}

/// `k1=v1&k2=v2` (the `x-amz-tagging` header) as tags: at most 10, unique keys.
pub fn parse_tagging_header(text: Option<&str>) -> Result<Vec<(String, String)>, S3Error> {
    let mut tags: Vec<(String, String)> = Vec::new();
    for (k, v) in form_urlencoded::parse(text.unwrap_or_default().as_bytes()).into_owned() {
        if tags.iter().any(|(key, _)| *key == k) {
            return Err(S3Error::InvalidTag(
                "Cannot provide multiple Tags with the same key".into(),
            ));
        }
        tags.push((k, v));
    }
    if tags.len() > 10 {
        return Err(S3Error::InvalidTag(
            "Object tags cannot be greater than 10".into(),
        ));
    }
    Ok(tags)
}

/// Refuses an ACL other than the owner's when the bucket disables ACLs.
pub fn check_acl(bucket: &Bucket, acl: Option<&str>) -> Result<(), S3Error> {
    let enforced = bucket
        .ownership
        .as_deref()
        .is_none_or(|o| o == "BucketOwnerEnforced");
    match acl {
        Some(acl) if enforced && acl != "bucket-owner-full-control" && acl != "private" => {
            Err(S3Error::AccessControlListNotSupported)
        }
        _ => Ok(()),
    }
}

/// The checksum to keep for `data`: the one the client sent (verified), else the
/// algorithm it named, else CRC64NVME, which S3 computes for every new object.
pub fn verified_checksum(
    input: &WriteInput,
    data: &[u8],
    md5: &[u8; 16],
) -> Result<StoredChecksum, S3Error> {
    if let Some(content_md5) = &input.content_md5 {
        match content_md5_matches(content_md5, md5) {
            Some(true) => {}
            Some(false) => {
                return Err(S3Error::BadDigest(
                    "The Content-MD5 you specified did not match what we received.".into(),
                ))
            }
            None => return Err(S3Error::InvalidDigest),
        }
    }
    let named = match input.checksum_algorithm.as_deref() {
        Some(name) => Some(Algorithm::from_name(name).ok_or_else(|| {
            S3Error::InvalidRequest(format!(
                "Checksum algorithm provided is unsupported: {name}"
            ))
        })?),
        None => None,
    };
    let mut sent = None;
    for algorithm in Algorithm::ALL {
        if let Some(value) = input.text(&algorithm.member()) {
            if algorithm.encoded(data) != value {
                return Err(S3Error::BadDigest(format!(
                    "The {} you specified did not match the calculated checksum.",
                    algorithm.name()
                )));
            }
            sent = Some(algorithm);
        }
    }
    let algorithm = sent.or(named).unwrap_or(Algorithm::Crc64Nvme);
    Ok(StoredChecksum {
        algorithm: algorithm.member(),
        value: algorithm.encoded(data),
        kind: "FULL_OBJECT".into(),
    })
}

/// A new version id when versioning is on, else `null`.
pub fn new_version_id(world: &mut World, bucket: &Bucket) -> String {
    if bucket.versioning.as_deref() == Some("Enabled") {
        world.ids.lower_alnum(32)
    } else {
        "null".into()
    }
}

/// Makes `object` the current version of its key, keeping the one it replaces as an
/// earlier version where versioning keeps versions.
pub fn store_object(bucket: &mut Bucket, object: Object) {
    let key = object.key.clone();
    if let Some(previous) = bucket.objects.remove(&key) {
        if previous.version_id != "null" || object.version_id != "null" {
            let history = bucket.history.entry(key.clone()).or_default();
            history.retain(|o| !(o.version_id == "null" && object.version_id == "null"));
            if previous.version_id != object.version_id {
                history.push(previous);
            }
        }
    }
    bucket.objects.insert(key, object);
}

/// The headers a write answers with.
fn write_output(object: &Object) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("ETag".into(), json!(object.etag));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    if object.version_id != "null" {
        out.insert("VersionId".into(), json!(object.version_id));
    }
    if let Some(checksum) = &object.checksum {
        out.insert(checksum.algorithm.clone(), json!(checksum.value));
        out.insert("ChecksumType".into(), json!(checksum.kind));
    }
    out
}

pub fn put_object(
    world: &mut World,
    _caller: &Caller,
    input: WriteInput,
    payload: Payload,
) -> Result<Reply<Value>, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    check_acl(found, input.acl.as_deref())?;
    if input.key.is_empty() || input.key.len() > 1024 {
        return Err(S3Error::InvalidArgument(
            "The key must be 1 to 1024 bytes long.".into(),
        ));
    }
    let existing = found.objects.get(&input.key);
    check_write_conditions(
        existing,
        input.if_match.as_deref(),
        input.if_none_match.as_deref(),
    )?;
    let md5 = payload.md5();
    let body = payload.bytes;
    let checksum = verified_checksum(&input, &body, &md5)?;
    let tags = parse_tagging_header(input.tagging.as_deref())?;
    let bucket_snapshot = found.clone();
    let version_id = new_version_id(world, &bucket_snapshot);
    let object = Object {
        key: input.key.clone(),
        version_id,
        delete_marker: false,
        etag: etag_of_digest(&md5),
        data: ObjectData(body),
        last_modified_ms: world.clock.now_ms(),
        content_type: input
            .content_type
            .clone()
            .unwrap_or_else(|| "binary/octet-stream".into()),
        headers: input.stored_headers(),
        metadata: input.metadata(),
        checksum: Some(checksum),
        tags,
        parts: None,
        storage_class: input
            .storage_class
            .clone()
            .unwrap_or_else(|| "STANDARD".into()),
    };
    let mut out = write_output(&object);
    out.insert("Size".into(), json!(object.data.0.len()));
    store_object(bucket_mut(world, &input.bucket)?, object);
    Ok(Reply::new(Value::Object(out)))
}

/// Conditional writes: `If-None-Match: *` refuses an existing key, `If-Match` a
/// different ETag.
pub fn check_write_conditions(
    existing: Option<&Object>,
    if_match: Option<&str>,
    if_none_match: Option<&str>,
) -> Result<(), S3Error> {
    if if_none_match == Some("*") && existing.is_some() {
        return Err(S3Error::PreconditionFailed("If-None-Match"));
    }
    if let Some(expected) = if_match {
        match existing {
            None => return Err(S3Error::NoSuchKey(String::new())),
            Some(o) if !etag_matches(expected, &o.etag) => {
                return Err(S3Error::PreconditionFailed("If-Match"))
            }
            Some(_) => {}
        }
    }
    Ok(())
}

pub fn etag_matches(condition: &str, etag: &str) -> bool {
    condition
        .split(',')
        .map(str::trim)
        .any(|c| c == "*" || c.trim_matches('"') == etag.trim_matches('"'))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetObjectInput {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub if_match: Option<String>,
    #[serde(default)]
    pub if_none_match: Option<String>,
    #[serde(default)]
    pub if_modified_since: Option<String>,
    #[serde(default)]
    pub if_unmodified_since: Option<String>,
    #[serde(default)]
    pub part_number: Option<i64>,
    #[serde(default)]
    pub checksum_mode: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
    #[serde(default)]
    pub response_content_type: Option<String>,
    #[serde(default)]
    pub response_content_disposition: Option<String>,
    #[serde(default)]
    pub response_cache_control: Option<String>,
    #[serde(default)]
    pub response_content_encoding: Option<String>,
    #[serde(default)]
    pub response_content_language: Option<String>,
    #[serde(default)]
    pub response_expires: Option<String>,
}

/// The version a read names: the current one, or `versionId`.
pub fn find_version<'b>(
    bucket: &'b Bucket,
    key: &str,
    version_id: Option<&str>,
) -> Result<&'b Object, S3Error> {
    let no_key = || S3Error::NoSuchKey(key.to_string());
    match version_id {
        None => bucket.objects.get(key).ok_or_else(no_key),
        Some(id) => bucket
            .objects
            .get(key)
            .filter(|o| o.version_id == id)
            .or_else(|| bucket.history.get(key)?.iter().find(|o| o.version_id == id))
            .ok_or_else(|| {
                if id != "null" && id.len() != 32 {
                    S3Error::InvalidArgument("Invalid version id specified".into())
                } else {
                    S3Error::NoSuchVersion(key.to_string(), id.to_string())
                }
            })
            .and_then(|o| {
                if o.delete_marker {
                    Err(S3Error::MethodNotAllowed)
                } else {
                    Ok(o)
                }
            }),
    }
}

/// A `Range: bytes=…` header as an inclusive byte range of an object of `size` bytes;
/// `None` for forms S3 ignores (several ranges, other units).
pub fn parse_range(header: &str, size: u64) -> Result<Option<(u64, u64)>, S3Error> {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let unsatisfiable = || S3Error::InvalidRange {
        range: header.to_string(),
        size,
    };
    let (start, end) = spec.split_once('-').ok_or_else(unsatisfiable)?;
    let (start, end) = match (start.trim(), end.trim()) {
        ("", "") => return Ok(None),
        ("", suffix) => {
            let n: u64 = suffix.parse().map_err(|_| unsatisfiable())?;
            if n == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            (size.saturating_sub(n), size - 1)
        }
        (start, "") => (
            start.parse().map_err(|_| unsatisfiable())?,
            size.saturating_sub(1),
        ),
        (start, end) => {
            let (s, e): (u64, u64) = (
                start.parse().map_err(|_| unsatisfiable())?,
                end.parse().map_err(|_| unsatisfiable())?,
            );
            if e < s {
                return Ok(None);
            }
            (s, e.min(size.saturating_sub(1)))
        }
    };
    if start >= size {
        return Err(unsatisfiable());
    }
    Ok(Some((start, end)))
}

/// Read conditions, in S3's order: If-Match, If-Unmodified-Since, If-None-Match,
/// If-Modified-Since.
fn check_read_conditions(object: &Object, input: &GetObjectInput) -> Result<(), S3Error> {
    let modified = object.last_modified_ms / 1000;
    let since = |text: &Option<String>| {
        text.as_deref()
            .and_then(parse_timestamp)
            .map(|ms| ms / 1000)
    };
    if let Some(condition) = &input.if_match {
        if !etag_matches(condition, &object.etag) {
            return Err(S3Error::PreconditionFailed("If-Match"));
        }
    } else if since(&input.if_unmodified_since).is_some_and(|t| modified > t) {
        return Err(S3Error::PreconditionFailed("If-Unmodified-Since"));
    }
    if let Some(condition) = &input.if_none_match {
        if etag_matches(condition, &object.etag) {
            return Err(S3Error::NotModified);
        }
    } else if since(&input.if_modified_since).is_some_and(|t| modified <= t) {
        return Err(S3Error::NotModified);
    }
    Ok(())
}

/// The members GET and HEAD answer for an object.
fn read_output(object: &Object, input: &GetObjectInput, length: usize) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("AcceptRanges".into(), json!("bytes"));
    out.insert("LastModified".into(), json!(object.last_modified_ms));
    out.insert("ContentLength".into(), json!(length));
    out.insert("ETag".into(), json!(object.etag));
    out.insert("ContentType".into(), json!(object.content_type));
    out.insert("ServerSideEncryption".into(), json!("AES256"));
    for (member, value) in &object.headers {
        out.insert(member.clone(), json!(value));
    }
    if !object.metadata.is_empty() {
        let meta: Map<String, Value> = object
            .metadata
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        out.insert("Metadata".into(), Value::Object(meta));
    }
    if object.version_id != "null" {
        out.insert("VersionId".into(), json!(object.version_id));
    }
    if !object.tags.is_empty() {
        out.insert("TagCount".into(), json!(object.tags.len()));
    }
    if object.storage_class != "STANDARD" {
        out.insert("StorageClass".into(), json!(object.storage_class));
    }
    if input
        .checksum_mode
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"))
        && input.range.is_none()
    {
        if let Some(checksum) = &object.checksum {
            out.insert(checksum.algorithm.clone(), json!(checksum.value));
            out.insert("ChecksumType".into(), json!(checksum.kind));
        }
    }
    for (member, value) in [
        ("ContentType", &input.response_content_type),
        ("ContentDisposition", &input.response_content_disposition),
        ("CacheControl", &input.response_cache_control),
        ("ContentEncoding", &input.response_content_encoding),
        ("ContentLanguage", &input.response_content_language),
        ("Expires", &input.response_expires),
    ] {
        if let Some(value) = value {
            out.insert(member.into(), json!(value));
        }
    }
    out
}

fn read(world: &World, input: &GetObjectInput) -> Result<Reply<Value>, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let object = find_version(found, &input.key, input.version_id.as_deref())?;
    check_read_conditions(object, input)?;
    let data = &object.data.0;
    let size = data.len() as u64;
    let range = match &input.range {
        Some(header) => parse_range(header, size)?,
        None => None,
    };
    Ok(match range {
        Some((start, end)) => {
            let slice = data.slice(start as usize..=end as usize);
            let mut out = read_output(object, input, slice.len());
            out.insert(
                "ContentRange".into(),
                json!(format!("bytes {start}-{end}/{size}")),
            );
            Reply {
                output: Value::Object(out),
                body: Some(slice),
                status: Some(206),
            }
        }
        None => Reply {
            output: Value::Object(read_output(object, input, data.len())),
            body: Some(data.clone()),
            status: None,
        },
    })
}

pub fn get_object(
    world: &mut World,
    _caller: &Caller,
    input: GetObjectInput,
    _body: Payload,
) -> Result<Reply<Value>, S3Error> {
    read(world, &input)
}

pub fn head_object(
    world: &mut World,
    _caller: &Caller,
    input: GetObjectInput,
    _body: Payload,
) -> Result<Reply<Value>, S3Error> {
    let reply = read(world, &input)?;
    Ok(Reply {
        body: None,
        ..reply
    })
}
