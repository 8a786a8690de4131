//! A bucket's configuration: policy, public access block, default encryption,
//! versioning, ownership controls, tags and lifecycle rules (stored, not applied).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::buckets::{check_expected_owner, default_encryption, BucketInput, OWNERSHIP_VALUES};
use super::errors::S3Error;
use super::model::PublicAccessBlock;
use super::policy_rules::{is_public, parse_bucket_policy};
use super::{bucket, bucket_mut, Empty};
use crate::auth::Caller;
use crate::protocol::rest_xml::xml::one_or_many;
use crate::world::World;

/// A bucket the caller names, checked against `x-amz-expected-bucket-owner`.
fn owned<'w>(world: &'w World, input: &BucketInput) -> Result<&'w super::model::Bucket, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    Ok(found)
}

/// An XML boolean (`true`/`false` text).
fn xml_bool(value: Option<&Value>) -> Result<bool, S3Error> {
    match value {
        None => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) => match s.trim() {
            "true" | "TRUE" | "True" => Ok(true),
            "false" | "FALSE" | "False" | "" => Ok(false),
            _ => Err(S3Error::MalformedXml),
        },
        Some(_) => Err(S3Error::MalformedXml),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketPolicyInput {
    pub bucket: String,
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_policy(
    world: &mut World,
    caller: &Caller,
    input: PutBucketPolicyInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let text = input.policy.unwrap_or_default();
    if text.trim().is_empty() {
        return Err(S3Error::MalformedPolicy(
            "Policies must be valid JSON and the first byte must be '{'".into(),
        ));
    }
    let policy = parse_bucket_policy(&input.bucket, &text)?;
    if found
        .public_access_block
        .is_some_and(|b| b.block_public_policy)
        && is_public(&policy.document)
    {
        return Err(S3Error::AccessDenied(format!(
            "User: {} is not authorized to perform: s3:PutBucketPolicy on resource: \"arn:aws:s3:::{}\" because public policies are blocked by the BlockPublicPolicy block public access setting.",
            caller.arn(),
            input.bucket
        )));
    }
    bucket_mut(world, &input.bucket)?.policy = Some(policy);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketPolicyOutput {
    pub policy: String,
}

pub fn get_bucket_policy(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<GetBucketPolicyOutput, S3Error> {
    let found = owned(world, &input)?;
    let policy = found
        .policy
        .as_ref()
        .ok_or_else(|| S3Error::NoSuchBucketPolicy(input.bucket.clone()))?;
    Ok(GetBucketPolicyOutput {
        policy: policy.text.clone(),
    })
}

pub fn delete_bucket_policy(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.policy = None;
    Ok(Empty {})
}

pub fn get_bucket_policy_status(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    let policy = found
        .policy
        .as_ref()
        .ok_or_else(|| S3Error::NoSuchBucketPolicy(input.bucket.clone()))?;
    Ok(json!({"PolicyStatus": {"IsPublic": is_public(&policy.document)}}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutPublicAccessBlockInput {
    pub bucket: String,
    #[serde(default)]
    pub public_access_block_configuration: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_public_access_block(
    world: &mut World,
    _caller: &Caller,
    input: PutPublicAccessBlockInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let config = input
        .public_access_block_configuration
        .ok_or(S3Error::MalformedXml)?;
    let setting = |name: &str| xml_bool(config.get(name));
    let block = PublicAccessBlock {
        block_public_acls: setting("BlockPublicAcls")?,
        ignore_public_acls: setting("IgnorePublicAcls")?,
        block_public_policy: setting("BlockPublicPolicy")?,
        restrict_public_buckets: setting("RestrictPublicBuckets")?,
    };
    bucket_mut(world, &input.bucket)?.public_access_block = Some(block);
    Ok(Empty {})
}

pub fn get_public_access_block(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    let block = found
        .public_access_block
        .ok_or_else(|| S3Error::NoSuchPublicAccessBlockConfiguration(input.bucket.clone()))?;
    Ok(json!({"PublicAccessBlockConfiguration": {
        "BlockPublicAcls": block.block_public_acls,
        "IgnorePublicAcls": block.ignore_public_acls,
        "BlockPublicPolicy": block.block_public_policy,
        "RestrictPublicBuckets": block.restrict_public_buckets,
    }}))
}

pub fn delete_public_access_block(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.public_access_block = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketEncryptionInput {
    pub bucket: String,
    #[serde(default)]
    pub server_side_encryption_configuration: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

const SSE_ALGORITHMS: &[&str] = &["AES256", "aws:kms", "aws:kms:dsse"];

pub fn put_bucket_encryption(
    world: &mut World,
    _caller: &Caller,
    input: PutBucketEncryptionInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let config = input
        .server_side_encryption_configuration
        .ok_or(S3Error::MalformedXml)?;
    let rules: Vec<Value> = match config.get("Rule") {
        Some(Value::Array(rules)) => rules.clone(),
        Some(rule) => vec![rule.clone()],
        None => return Err(S3Error::MalformedXml),
    };
    for rule in &rules {
        let algorithm = rule
            .pointer("/ApplyServerSideEncryptionByDefault/SSEAlgorithm")
            .and_then(Value::as_str);
        match algorithm {
            Some(a) if SSE_ALGORITHMS.contains(&a) => {}
            Some(_) | None => return Err(S3Error::MalformedXml),
        }
        if algorithm == Some("AES256")
            && rule
                .pointer("/ApplyServerSideEncryptionByDefault/KMSMasterKeyID")
                .is_some()
        {
            return Err(S3Error::InvalidArgument(
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse".into(),
            ));
        }
    }
    bucket_mut(world, &input.bucket)?.encryption = Some(config);
    Ok(Empty {})
}

pub fn get_bucket_encryption(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    let config = found
        .encryption
        .clone()
        .ok_or_else(|| S3Error::ServerSideEncryptionConfigurationNotFound(input.bucket.clone()))?;
    Ok(json!({ "ServerSideEncryptionConfiguration": config }))
}

/// Every bucket is encrypted: deleting the configuration goes back to SSE-S3.
pub fn delete_bucket_encryption(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.encryption = Some(default_encryption());
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketVersioningInput {
    pub bucket: String,
    #[serde(default)]
    pub versioning_configuration: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_versioning(
    world: &mut World,
    _caller: &Caller,
    input: PutBucketVersioningInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let config = input
        .versioning_configuration
        .ok_or(S3Error::MalformedXml)?;
    let status = config.get("Status").and_then(Value::as_str);
    let status = match status {
        Some(s @ ("Enabled" | "Suspended")) => s.to_string(),
        _ => return Err(S3Error::MalformedXml),
    };
    if config.get("MfaDelete").and_then(Value::as_str) == Some("Enabled") {
        return Err(S3Error::InvalidRequest(
            "DevPay and Mfa are mutually exclusive authorization methods.".into(),
        ));
    }
    bucket_mut(world, &input.bucket)?.versioning = Some(status);
    Ok(Empty {})
}

pub fn get_bucket_versioning(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    Ok(match &found.versioning {
        Some(status) => json!({ "Status": status }),
        None => json!({}),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketOwnershipControlsInput {
    pub bucket: String,
    #[serde(default)]
    pub ownership_controls: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_ownership_controls(
    world: &mut World,
    _caller: &Caller,
    input: PutBucketOwnershipControlsInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let controls = input.ownership_controls.ok_or(S3Error::MalformedXml)?;
    let ownership = controls
        .pointer("/Rule/ObjectOwnership")
        .and_then(Value::as_str)
        .filter(|o| OWNERSHIP_VALUES.contains(o))
        .ok_or(S3Error::MalformedXml)?
        .to_string();
    bucket_mut(world, &input.bucket)?.ownership = Some(ownership);
    Ok(Empty {})
}

pub fn get_bucket_ownership_controls(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    let ownership = found
        .ownership
        .clone()
        .ok_or_else(|| S3Error::OwnershipControlsNotFound(input.bucket.clone()))?;
    Ok(json!({"OwnershipControls": {"Rule": {"ObjectOwnership": ownership}}}))
}

pub fn delete_bucket_ownership_controls(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.ownership = None;
    Ok(Empty {})
}

/// `<Tagging><TagSet><Tag><Key/><Value/></Tag>…</TagSet></Tagging>`.
#[derive(Debug, Deserialize)]
pub struct TaggingXml {
    #[serde(rename = "TagSet", default)]
    pub tag_set: Option<TagSetXml>,
}

#[derive(Debug, Deserialize, Default)]
pub struct TagSetXml {
    #[serde(rename = "Tag", default, deserialize_with = "one_or_many")]
    pub tags: Vec<TagXml>,
}

#[derive(Debug, Deserialize)]
pub struct TagXml {
    #[serde(rename = "Key")]
    pub key: String,
    #[serde(rename = "Value", default)]
    pub value: String,
}

/// Checks a tag set (unique keys, AWS's lengths, at most `max` tags).
pub fn check_tags(tagging: Option<Value>, max: usize) -> Result<Vec<(String, String)>, S3Error> {
    let value = match tagging {
        None => return Err(S3Error::MalformedXml),
        Some(Value::String(s)) if s.is_empty() => return Ok(Vec::new()),
        Some(v) => v,
    };
    let parsed: TaggingXml = serde_json::from_value(value).map_err(|_| S3Error::MalformedXml)?;
    let tags = parsed.tag_set.unwrap_or_default().tags;
    if tags.len() > max {
        return Err(S3Error::InvalidTag(format!(
            "Object tags cannot be greater than {max}"
        )));
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for tag in tags {
        if tag.key.is_empty() || tag.key.chars().count() > 128 || tag.value.chars().count() > 256 {
            return Err(S3Error::InvalidTag(
                "The TagKey you have provided is invalid".into(),
            ));
        }
        if tag.key.starts_with("aws:") {
            return Err(S3Error::InvalidTag(
                "Your TagKey cannot be prefixed with aws:".into(),
            ));
        }
        if out.iter().any(|(k, _)| *k == tag.key) {
            return Err(S3Error::InvalidTag(
                "Cannot provide multiple Tags with the same key".into(),
            ));
        }
        out.push((tag.key, tag.value));
    }
    Ok(out)
}

/// A tag set as the XML of GetBucketTagging / GetObjectTagging.
pub fn tag_set(tags: &[(String, String)]) -> Value {
    let items: Vec<Value> = tags
        .iter()
        .map(|(k, v)| json!({"Key": k, "Value": v}))
        .collect();
    if items.is_empty() {
        Value::String(String::new())
    } else {
        json!({ "Tag": items })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketTaggingInput {
    pub bucket: String,
    #[serde(default)]
    pub tagging: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_tagging(
    world: &mut World,
    _caller: &Caller,
    input: PutBucketTaggingInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let tags = check_tags(input.tagging, 50)?;
    bucket_mut(world, &input.bucket)?.tags = tags;
    Ok(Empty {})
}

pub fn get_bucket_tagging(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    if found.tags.is_empty() {
        return Err(S3Error::NoSuchTagSet(input.bucket.clone()));
    }
    Ok(json!({ "TagSet": tag_set(&found.tags) }))
}

pub fn delete_bucket_tagging(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.tags = Vec::new();
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBucketLifecycleConfigurationInput {
    pub bucket: String,
    #[serde(default)]
    pub lifecycle_configuration: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

pub fn put_bucket_lifecycle_configuration(
    world: &mut World,
    _caller: &Caller,
    input: PutBucketLifecycleConfigurationInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let config = input.lifecycle_configuration.ok_or(S3Error::MalformedXml)?;
    let rules: Vec<Value> = match config.get("Rule") {
        Some(Value::Array(rules)) => rules.clone(),
        Some(rule) => vec![rule.clone()],
        None => return Err(S3Error::MalformedXml),
    };
    if rules.len() > 1000 {
        return Err(S3Error::InvalidRequest(
            "The number of lifecycle rules must not exceed the allowed limit of 1000 rules".into(),
        ));
    }
    let mut ids = Vec::new();
    for rule in &rules {
        match rule.get("Status").and_then(Value::as_str) {
            Some("Enabled" | "Disabled") => {}
            _ => return Err(S3Error::MalformedXml),
        }
        if let Some(id) = rule.get("ID").and_then(Value::as_str) {
            if id.len() > 255 {
                return Err(S3Error::InvalidArgument(
                    "ID length should not exceed allowed limit of 255".into(),
                ));
            }
            if ids.contains(&id) {
                return Err(S3Error::InvalidArgument(
                    "Rule ID must be unique. Found same ID for more than one rule".into(),
                ));
            }
            ids.push(id);
        }
    }
    bucket_mut(world, &input.bucket)?.lifecycle = Some(json!({ "Rule": rules }));
    Ok(json!({"TransitionDefaultMinimumObjectSize": "all_storage_classes_128K"}))
}

pub fn get_bucket_lifecycle_configuration(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Value, S3Error> {
    let found = owned(world, &input)?;
    let config = found
        .lifecycle
        .clone()
        .ok_or_else(|| S3Error::NoSuchLifecycleConfiguration(input.bucket.clone()))?;
    let mut out = config;
    if let Value::Object(map) = &mut out {
        map.insert(
            "TransitionDefaultMinimumObjectSize".into(),
            json!("all_storage_classes_128K"),
        );
    }
    Ok(out)
}

pub fn delete_bucket_lifecycle(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    owned(world, &input)?;
    bucket_mut(world, &input.bucket)?.lifecycle = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectTaggingInput {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub tagging: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// The object version a tagging call names (the current one by default).
fn tagged_object<'w>(
    world: &'w mut World,
    input: &ObjectTaggingInput,
) -> Result<&'w mut super::model::Object, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    super::objects::find_version(found, &input.key, input.version_id.as_deref())?;
    let target = bucket_mut(world, &input.bucket)?;
    let no_key = || S3Error::NoSuchKey(input.key.clone());
    match input.version_id.as_deref() {
        Some(id)
            if target
                .objects
                .get(&input.key)
                .is_none_or(|o| o.version_id != id) =>
        {
            target
                .history
                .get_mut(&input.key)
                .and_then(|h| h.iter_mut().find(|o| o.version_id == id))
                .ok_or_else(no_key)
        }
        _ => target.objects.get_mut(&input.key).ok_or_else(no_key),
    }
}

/// The version id header tagging calls answer for versioned objects.
fn version_header(version_id: &str) -> Value {
    if version_id == "null" {
        json!({})
    } else {
        json!({ "VersionId": version_id })
    }
}

pub fn put_object_tagging(
    world: &mut World,
    _caller: &Caller,
    input: ObjectTaggingInput,
) -> Result<Value, S3Error> {
    let tags = check_tags(input.tagging.clone(), 10)?;
    let object = tagged_object(world, &input)?;
    object.tags = tags;
    Ok(version_header(&object.version_id))
}

pub fn get_object_tagging(
    world: &mut World,
    _caller: &Caller,
    input: ObjectTaggingInput,
) -> Result<Value, S3Error> {
    let object = tagged_object(world, &input)?;
    let mut out = version_header(&object.version_id);
    if let Value::Object(map) = &mut out {
        map.insert("TagSet".into(), tag_set(&object.tags));
    }
    Ok(out)
}

pub fn delete_object_tagging(
    world: &mut World,
    _caller: &Caller,
    input: ObjectTaggingInput,
) -> Result<Value, S3Error> {
    let object = tagged_object(world, &input)?;
    object.tags = Vec::new();
    Ok(version_header(&object.version_id))
}
