//! ListObjectsV2 and ListObjects: keys in UTF-8 binary order under a prefix, rolled up
//! into common prefixes at a delimiter, a page of at most `max-keys` entries (keys and
//! prefixes both count), resumed by an opaque continuation token (V2) or a marker (V1).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::ops::Bound;

use super::bucket;
use super::buckets::{check_expected_owner, owner_element};
use super::errors::S3Error;
use super::model::{Bucket, Object};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{iso8601, World};

/// `encoding-type=url` leaves unreserved characters and `/` as they are.
const URL_KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListObjectsInput {
    pub bucket: String,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub max_keys: Option<i64>,
    #[serde(default)]
    pub continuation_token: Option<String>,
    #[serde(default)]
    pub start_after: Option<String>,
    /// V1's resume point.
    #[serde(default)]
    pub marker: Option<String>,
    #[serde(default)]
    pub fetch_owner: Option<bool>,
    #[serde(default)]
    pub encoding_type: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// One entry of a page.
enum Entry<'b> {
    Key(&'b Object),
    Prefix(String),
}

/// Where a page resumes: after a key, or after every key under a common prefix.
enum Resume {
    After(String),
    PastPrefix(String),
}

struct Page<'b> {
    entries: Vec<Entry<'b>>,
    /// The resume point when more entries remain.
    next: Option<Resume>,
}

fn page<'b>(
    bucket: &'b Bucket,
    prefix: &str,
    delimiter: Option<&str>,
    resume: Option<Resume>,
    max: usize,
) -> Page<'b> {
    let start = match &resume {
        Some(Resume::After(key) | Resume::PastPrefix(key)) if key.as_str() >= prefix => {
            Bound::Excluded(key.clone())
        }
        _ => Bound::Included(prefix.to_string()),
    };
    let skip_prefix = match &resume {
        Some(Resume::PastPrefix(p)) => Some(p.clone()),
        _ => None,
    };
    let mut entries: Vec<Entry> = Vec::new();
    let mut next = None;
    let keys = bucket
        .objects
        .range((start, Bound::Unbounded))
        .take_while(|(key, _)| key.starts_with(prefix))
        .filter(|(key, _)| {
            skip_prefix
                .as_ref()
                .is_none_or(|p| !key.starts_with(p.as_str()))
        });
    for (key, object) in keys {
        let rolled = delimiter.filter(|d| !d.is_empty()).and_then(|d| {
            key[prefix.len()..]
                .find(d)
                .map(|i| key[..prefix.len() + i + d.len()].to_string())
        });
        if let (Some(common), Some(Entry::Prefix(last))) = (&rolled, entries.last()) {
            if common == last {
                continue;
            }
        }
        if entries.len() == max {
            next = entries.last().map(|e| match e {
                Entry::Key(o) => Resume::After(o.key.clone()),
                Entry::Prefix(p) => Resume::PastPrefix(p.clone()),
            });
            break;
        }
        entries.push(match rolled {
            Some(common) => Entry::Prefix(common),
            None => Entry::Key(object),
        });
    }
    Page { entries, next }
}

fn max_keys(input: &ListObjectsInput) -> Result<usize, S3Error> {
    match input.max_keys {
        None => Ok(1000),
        Some(n) if n < 0 => Err(S3Error::InvalidArgument(
            "Argument maxKeys must be an integer between 0 and 2147483647".into(),
        )),
        Some(n) => Ok((n as usize).min(1000)),
    }
}

/// Renders keys and prefixes, URL-encoded when the caller asked.
fn encoder(input: &ListObjectsInput) -> Result<impl Fn(&str) -> String, S3Error> {
    let url = match input.encoding_type.as_deref() {
        None => false,
        Some("url") => true,
        Some(_) => {
            return Err(S3Error::InvalidArgument(
                "Invalid Encoding Method specified in Request".into(),
            ))
        }
    };
    Ok(move |text: &str| {
        if url {
            utf8_percent_encode(text, URL_KEY).to_string()
        } else {
            text.to_string()
        }
    })
}

fn contents(
    entries: &[Entry],
    owner: Option<&str>,
    encode: &dyn Fn(&str) -> String,
) -> (Vec<Value>, Vec<Value>) {
    let mut keys = Vec::new();
    let mut prefixes = Vec::new();
    for entry in entries {
        match entry {
            Entry::Key(object) => {
                let mut item = Map::new();
                item.insert("Key".into(), json!(encode(&object.key)));
                item.insert(
                    "LastModified".into(),
                    json!(iso8601(object.last_modified_ms)),
                );
                item.insert("ETag".into(), json!(object.etag));
                if let Some(checksum) = &object.checksum {
                    item.insert(
                        "ChecksumAlgorithm".into(),
                        json!(checksum.algorithm.trim_start_matches("Checksum")),
                    );
                    item.insert("ChecksumType".into(), json!(checksum.kind));
                }
                item.insert("Size".into(), json!(object.data.0.len()));
                item.insert("StorageClass".into(), json!(object.storage_class));
                if let Some(owner) = owner {
                    item.insert("Owner".into(), owner_element(owner));
                }
                keys.push(Value::Object(item));
            }
            Entry::Prefix(p) => prefixes.push(json!({"Prefix": encode(p)})),
        }
    }
    (keys, prefixes)
}

const V2_LISTING: &str = "s3:ListObjectsV2";

pub fn list_objects_v2(
    world: &mut World,
    _caller: &Caller,
    input: ListObjectsInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let max = max_keys(&input)?;
    let encode = encoder(&input)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let listing = format!("{V2_LISTING}:{}:{prefix}", input.bucket);
    let resume = match &input.continuation_token {
        Some(token) => {
            let marker = decode_token(&listing, token).ok_or_else(|| {
                S3Error::InvalidArgument("The continuation token provided is incorrect".into())
            })?;
            Some(match marker.split_once(':') {
                Some(("P", p)) => Resume::PastPrefix(p.to_string()),
                Some((_, k)) => Resume::After(k.to_string()),
                None => Resume::After(marker),
            })
        }
        None => input.start_after.clone().map(Resume::After),
    };
    let result = page(found, &prefix, input.delimiter.as_deref(), resume, max);
    let owner = input
        .fetch_owner
        .unwrap_or(false)
        .then_some(found.owner.as_str());
    let (keys, prefixes) = contents(&result.entries, owner, &encode);
    let mut out = Map::new();
    out.insert("Name".into(), json!(input.bucket));
    out.insert("Prefix".into(), json!(encode(&prefix)));
    if let Some(d) = &input.delimiter {
        out.insert("Delimiter".into(), json!(encode(d)));
    }
    out.insert("MaxKeys".into(), json!(max));
    out.insert("KeyCount".into(), json!(result.entries.len()));
    out.insert("IsTruncated".into(), json!(result.next.is_some()));
    if let Some(e) = &input.encoding_type {
        out.insert("EncodingType".into(), json!(e));
    }
    if let Some(token) = &input.continuation_token {
        out.insert("ContinuationToken".into(), json!(token));
    }
    if let Some(start) = &input.start_after {
        out.insert("StartAfter".into(), json!(encode(start)));
    }
    if let Some(next) = &result.next {
        let marker = match next {
            Resume::After(k) => format!("K:{k}"),
            Resume::PastPrefix(p) => format!("P:{p}"),
        };
        out.insert(
            "NextContinuationToken".into(),
            json!(encode_token(&listing, &marker)),
        );
    }
    if !keys.is_empty() {
        out.insert("Contents".into(), Value::Array(keys));
    }
    if !prefixes.is_empty() {
        out.insert("CommonPrefixes".into(), Value::Array(prefixes));
    }
    Ok(Value::Object(out))
}

pub fn list_objects(
    world: &mut World,
    _caller: &Caller,
    input: ListObjectsInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let max = max_keys(&input)?;
    let encode = encoder(&input)?;
    let prefix = input.prefix.clone().unwrap_or_default();
    let resume = input.marker.clone().map(|m| {
        // A marker that is a common prefix skips everything under it.
        match &input.delimiter {
            Some(d) if !d.is_empty() && m.ends_with(d.as_str()) => Resume::PastPrefix(m),
            _ => Resume::After(m),
        }
    });
    let result = page(found, &prefix, input.delimiter.as_deref(), resume, max);
    let (keys, prefixes) = contents(&result.entries, Some(found.owner.as_str()), &encode);
    let mut out = Map::new();
    out.insert("IsTruncated".into(), json!(result.next.is_some()));
    out.insert(
        "Marker".into(),
        json!(encode(input.marker.as_deref().unwrap_or_default())),
    );
    if let (Some(next), Some(_)) = (&result.next, &input.delimiter) {
        let marker = match next {
            Resume::After(k) | Resume::PastPrefix(k) => k.clone(),
        };
        out.insert("NextMarker".into(), json!(encode(&marker)));
    }
    if !keys.is_empty() {
        out.insert("Contents".into(), Value::Array(keys));
    }
    out.insert("Name".into(), json!(input.bucket));
    out.insert("Prefix".into(), json!(encode(&prefix)));
    if let Some(d) = &input.delimiter {
        out.insert("Delimiter".into(), json!(encode(d)));
    }
    out.insert("MaxKeys".into(), json!(max));
    if !prefixes.is_empty() {
        out.insert("CommonPrefixes".into(), Value::Array(prefixes));
    }
    if let Some(e) = &input.encoding_type {
        out.insert("EncodingType".into(), json!(e));
    }
    Ok(Value::Object(out))
}
