//! Objects: put (with Content-MD5 and flexible checksums, conditional writes), get and
//! head (ranges, conditions, versions), delete (delete markers when versioned), batch
//! delete and copy.


use crate::protocol::Payload;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::checksums::{content_md5_matches, etag, etag_of_digest, Algorithm};
use super::errors::S3Error;
use super::model::{Bucket, Object, ObjectData, StoredChecksum};
use super::{access, bucket, bucket_mut, Reply};
use crate::auth::Caller;
use crate::protocol::rest_xml::{parse_timestamp, xml::one_or_many};
use crate::world::{iso8601, World};

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
    fn stored_headers(&self) -> Vec<(String, String)> {
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

    fn metadata(&self) -> Vec<(String, String)> {
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
            return Err(S3Error::InvalidTag("Cannot provide multiple Tags with the same key".into()));
        }
        tags.push((k, v));
    }
    if tags.len() > 10 {
        return Err(S3Error::InvalidTag("Object tags cannot be greater than 10".into()));
    }
    Ok(tags)
}

/// Refuses an ACL other than the owner's when the bucket disables ACLs.
pub fn check_acl(bucket: &Bucket, acl: Option<&str>) -> Result<(), S3Error> {
    let enforced = bucket.ownership.as_deref().is_none_or(|o| o == "BucketOwnerEnforced");
    match acl {
        Some(acl) if enforced && acl != "bucket-owner-full-control" && acl != "private" => {
            Err(S3Error::AccessControlListNotSupported)
        }
        _ => Ok(()),
    }
}

/// The checksum to keep for `data`: the one the client sent (verified), else the
/// algorithm it named, else CRC64NVME, which S3 computes for every new object.
pub fn verified_checksum(input: &WriteInput, data: &[u8], md5: &[u8; 16]) -> Result<StoredChecksum, S3Error> {
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
            S3Error::InvalidRequest(format!("Checksum algorithm provided is unsupported: {name}"))
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

pub fn put_object(world: &mut World, _caller: &Caller, input: WriteInput, payload: Payload) -> Result<Reply<Value>, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    check_acl(found, input.acl.as_deref())?;
    if input.key.is_empty() || input.key.len() > 1024 {
        return Err(S3Error::InvalidArgument("The key must be 1 to 1024 bytes long.".into()));
    }
    let existing = found.objects.get(&input.key);
    check_write_conditions(existing, input.if_match.as_deref(), input.if_none_match.as_deref())?;
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
        storage_class: input.storage_class.clone().unwrap_or_else(|| "STANDARD".into()),
    };
    let mut out = write_output(&object);
    out.insert("Size".into(), json!(object.data.0.len()));
    store_object(bucket_mut(world, &input.bucket)?, object);
    Ok(Reply::new(Value::Object(out)))
}

/// Conditional writes: `If-None-Match: *` refuses an existing key, `If-Match` a
/// different ETag.
pub fn check_write_conditions(existing: Option<&Object>, if_match: Option<&str>, if_none_match: Option<&str>) -> Result<(), S3Error> {
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

fn etag_matches(condition: &str, etag: &str) -> bool {
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
pub fn find_version<'b>(bucket: &'b Bucket, key: &str, version_id: Option<&str>) -> Result<&'b Object, S3Error> {
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
            .and_then(|o| if o.delete_marker { Err(S3Error::MethodNotAllowed) } else { Ok(o) }),
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
        (start, "") => (start.parse().map_err(|_| unsatisfiable())?, size.saturating_sub(1)),
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
    let since = |text: &Option<String>| text.as_deref().and_then(parse_timestamp).map(|ms| ms / 1000);
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
        let meta: Map<String, Value> = object.metadata.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
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
    if input.checksum_mode.as_deref().is_some_and(|m| m.eq_ignore_ascii_case("ENABLED")) && input.range.is_none() {
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
            out.insert("ContentRange".into(), json!(format!("bytes {start}-{end}/{size}")));
            Reply { output: Value::Object(out), body: Some(slice), status: Some(206) }
        }
        None => Reply {
            output: Value::Object(read_output(object, input, data.len())),
            body: Some(data.clone()),
            status: None,
        },
    })
}

pub fn get_object(world: &mut World, _caller: &Caller, input: GetObjectInput, _body: Payload) -> Result<Reply<Value>, S3Error> {
    read(world, &input)
}

pub fn head_object(world: &mut World, _caller: &Caller, input: GetObjectInput, _body: Payload) -> Result<Reply<Value>, S3Error> {
    let reply = read(world, &input)?;
    Ok(Reply { body: None, ..reply })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectInput {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// Deletes one key (or one version); `(version id, delete marker)` of what was removed
/// or added.
fn delete_one(world: &mut World, bucket_name: &str, key: &str, version_id: Option<&str>) -> Result<(Option<String>, bool), S3Error> {
    let versioning = bucket(world, bucket_name)?.versioning.clone();
    let marker_id = world.ids.lower_alnum(32);
    let now = world.clock.now_ms();
    let found = bucket_mut(world, bucket_name)?;
    match version_id {
        Some(id) => {
            let mut was_marker = false;
            if found.objects.get(key).is_some_and(|o| o.version_id == id) {
                found.objects.remove(key);
            }
            if let Some(history) = found.history.get_mut(key) {
                if let Some(i) = history.iter().position(|o| o.version_id == id) {
                    was_marker = history.remove(i).delete_marker;
                }
                if history.is_empty() {
                    found.history.remove(key);
                }
            }
            Ok((Some(id.to_string()), was_marker))
        }
        None if versioning.is_some() => {
            let marker = Object {
                key: key.to_string(),
                version_id: if versioning.as_deref() == Some("Enabled") { marker_id } else { "null".into() },
                delete_marker: true,
                data: ObjectData::default(),
                etag: String::new(),
                last_modified_ms: now,
                content_type: String::new(),
                headers: Vec::new(),
                metadata: Vec::new(),
                checksum: None,
                tags: Vec::new(),
                parts: None,
                storage_class: "STANDARD".into(),
            };
            let id = marker.version_id.clone();
            let history = found.history.entry(key.to_string()).or_default();
            if let Some(current) = found.objects.remove(key) {
                if current.version_id != "null" || id != "null" {
                    history.push(current);
                }
            }
            history.retain(|o| !(o.version_id == "null" && id == "null"));
            history.push(marker);
            Ok((Some(id), true))
        }
        None => {
            found.objects.remove(key);
            Ok((None, false))
        }
    }
}

pub fn delete_object(world: &mut World, _caller: &Caller, input: DeleteObjectInput) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let (version_id, marker) = delete_one(world, &input.bucket, &input.key, input.version_id.as_deref())?;
    let mut out = Map::new();
    if marker {
        out.insert("DeleteMarker".into(), json!(true));
    }
    if let Some(id) = version_id.filter(|id| id != "null") {
        out.insert("VersionId".into(), json!(id));
    }
    Ok(Value::Object(out))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectsInput {
    pub bucket: String,
    #[serde(default)]
    pub delete: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DeleteXml {
    #[serde(rename = "Object", default, deserialize_with = "one_or_many")]
    objects: Vec<ObjectIdXml>,
    #[serde(rename = "Quiet", default)]
    quiet: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ObjectIdXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId", default)]
    version_id: Option<String>,
}

pub fn delete_objects(world: &mut World, _caller: &Caller, input: DeleteObjectsInput) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let request: DeleteXml = input
        .delete
        .map(serde_json::from_value)
        .transpose()
        .map_err(|_| S3Error::MalformedXml)?
        .ok_or(S3Error::MalformedXml)?;
    if request.objects.is_empty() || request.objects.len() > 1000 {
        return Err(S3Error::MalformedXml);
    }
    let quiet = request.quiet.as_deref() == Some("true");
    let mut deleted = Vec::new();
    for object in &request.objects {
        let (version_id, marker) = delete_one(world, &input.bucket, &object.key, object.version_id.as_deref())?;
        if quiet {
            continue;
        }
        let mut entry = Map::new();
        entry.insert("Key".into(), json!(object.key));
        if let Some(id) = &object.version_id {
            entry.insert("VersionId".into(), json!(id));
        }
        if marker {
            entry.insert("DeleteMarker".into(), json!(true));
            if object.version_id.is_none() {
                entry.insert("DeleteMarkerVersionId".into(), json!(version_id));
            }
        }
        deleted.push(Value::Object(entry));
    }
    Ok(if deleted.is_empty() { json!({}) } else { json!({ "Deleted": deleted }) })
}

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
        .ok_or_else(|| S3Error::InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey".into()))?;
    let version = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "versionId")
        .map(|(_, v)| v.into_owned());
    Ok((bucket.to_string(), key.to_string(), version))
}

pub fn copy_object(world: &mut World, caller: &Caller, input: CopyObjectInput) -> Result<Value, S3Error> {
    let (source_bucket, source_key, source_version) = parse_copy_source(&input.copy_source)?;
    let source_input = json!({"Bucket": source_bucket, "Key": source_key});
    if !access::check_request(world, caller, "GetObject", &source_input) {
        return Err(S3Error::access_denied());
    }
    let target = bucket(world, &input.write.bucket)?;
    super::buckets::check_expected_owner(target, input.write.expected_bucket_owner.as_deref())?;
    check_acl(target, input.write.acl.as_deref())?;
    let source = find_version(bucket(world, &source_bucket)?, &source_key, source_version.as_deref())?.clone();
    if let Some(condition) = &input.copy_source_if_match {
        if !etag_matches(condition, &source.etag) {
            return Err(S3Error::PreconditionFailed("x-amz-copy-source-If-Match"));
        }
    }
    if input.copy_source_if_none_match.as_deref().is_some_and(|c| etag_matches(c, &source.etag)) {
        return Err(S3Error::PreconditionFailed("x-amz-copy-source-If-None-Match"));
    }
    let replace = match input.metadata_directive.as_deref() {
        None | Some("COPY") => false,
        Some("REPLACE") => true,
        Some(_) => return Err(S3Error::InvalidArgument("Unknown metadata directive.".into())),
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
        .or_else(|| source.checksum.as_ref().and_then(|c| Algorithm::from_name(c.algorithm.trim_start_matches("Checksum"))))
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
            input.write.content_type.clone().unwrap_or_else(|| "binary/octet-stream".into())
        } else {
            source.content_type.clone()
        },
        headers: if replace { input.write.stored_headers() } else { source.headers.clone() },
        metadata: if replace { input.write.metadata() } else { source.metadata.clone() },
        tags,
        parts: None,
        storage_class: input.write.storage_class.clone().unwrap_or_else(|| "STANDARD".into()),
    };
    let mut result = Map::new();
    result.insert("ETag".into(), json!(object.etag));
    result.insert("LastModified".into(), json!(iso8601(object.last_modified_ms)));
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
