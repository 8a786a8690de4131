//! S3's state: one global namespace of buckets, each with its configuration and its
//! objects. Object bytes are `bytes::Bytes` inside the world: cloning the world (once
//! per request, for atomicity) copies a reference count, not the data, and snapshots
//! carry the bytes as base64.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use imbl::OrdMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::sync::Arc;

use crate::policy::PolicyDocument;

/// Every bucket of every account, by name (S3's namespace is global).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct S3State {
    #[serde(default)]
    pub buckets: OrdMap<String, Bucket>,
    /// Multipart uploads in progress, by upload id.
    #[serde(default)]
    pub uploads: OrdMap<String, MultipartUpload>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bucket {
    pub name: String,
    pub owner: String,
    pub region: String,
    pub created_ms: i64,
    #[serde(default)]
    pub policy: Option<BucketPolicy>,
    #[serde(default)]
    pub public_access_block: Option<PublicAccessBlock>,
    /// `ServerSideEncryptionConfiguration` as the caller wrote it (XML tree); S3
    /// encrypts with SSE-S3 by default.
    #[serde(default)]
    pub encryption: Option<Value>,
    /// `Enabled` or `Suspended`; `None` before versioning was ever set.
    #[serde(default)]
    pub versioning: Option<String>,
    /// `BucketOwnerEnforced` (the default since April 2023), `BucketOwnerPreferred` or
    /// `ObjectWriter`; `None` once deleted.
    #[serde(default)]
    pub ownership: Option<String>,
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// `LifecycleConfiguration` as written (stored, not applied).
    #[serde(default)]
    pub lifecycle: Option<Value>,
    #[serde(default)]
    pub objects: OrdMap<String, Object>,
    /// Earlier versions (and delete markers) of keys, newest last, when versioning is on.
    #[serde(default)]
    pub history: OrdMap<String, Vec<Object>>,
}

impl Bucket {
    pub fn arn(&self) -> String {
        format!("arn:aws:s3:::{}", self.name)
    }
}

/// A bucket policy: its text as written and, parsed once, its document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "StoredPolicy", into = "StoredPolicy")]
pub struct BucketPolicy {
    pub text: String,
    pub document: Arc<PolicyDocument>,
}

#[derive(Clone, Serialize, Deserialize)]
struct StoredPolicy {
    text: String,
}

impl From<StoredPolicy> for BucketPolicy {
    fn from(stored: StoredPolicy) -> Self {
        let document = crate::policy::parse(&stored.text, crate::policy::Dialect::ResourceBased)
            .unwrap_or(PolicyDocument {
                version: None,
                id: None,
                statements: Vec::new(),
            });
        BucketPolicy {
            text: stored.text,
            document: Arc::new(document),
        }
    }
}

impl From<BucketPolicy> for StoredPolicy {
    fn from(policy: BucketPolicy) -> Self {
        StoredPolicy { text: policy.text }
    }
}

/// The four settings of a public access block.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAccessBlock {
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

/// One version of an object (or a delete marker).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Object {
    pub key: String,
    /// `null` for objects written while versioning was never enabled.
    pub version_id: String,
    #[serde(default)]
    pub delete_marker: bool,
    pub data: ObjectData,
    /// Quoted, as S3 sends it: `"<md5>"` or `"<md5 of part md5s>-<parts>"`.
    pub etag: String,
    pub last_modified_ms: i64,
    pub content_type: String,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub metadata: Vec<(String, String)>,
    #[serde(default)]
    pub checksum: Option<StoredChecksum>,
    #[serde(default)]
    pub tags: Vec<(String, String)>,
    /// Number of parts for a multipart object.
    #[serde(default)]
    pub parts: Option<u32>,
    pub storage_class: String,
}

/// The checksum S3 keeps with an object: the algorithm's member name
/// (`ChecksumCRC64NVME`), its base64 value and `FULL_OBJECT` or `COMPOSITE`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredChecksum {
    pub algorithm: String,
    pub value: String,
    pub kind: String,
}

/// Object bytes: shared, never copied when the world is cloned; base64 in snapshots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ObjectData(pub Bytes);

impl Serialize for ObjectData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for ObjectData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map(|bytes| ObjectData(Bytes::from(bytes)))
            .map_err(serde::de::Error::custom)
    }
}

/// A multipart upload in progress.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MultipartUpload {
    pub upload_id: String,
    pub bucket: String,
    pub key: String,
    pub initiator_account: String,
    pub initiated_ms: i64,
    pub content_type: String,
    #[serde(default)]
    pub metadata: Vec<(String, String)>,
    #[serde(default)]
    pub checksum_algorithm: Option<String>,
    #[serde(default)]
    pub parts: OrdMap<u32, Part>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Part {
    pub number: u32,
    pub data: ObjectData,
    /// Quoted MD5.
    pub etag: String,
    pub last_modified_ms: i64,
    #[serde(default)]
    pub checksum: Option<String>,
}
