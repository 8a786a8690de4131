//! Buckets: one global namespace, a region each, created with AWS's defaults since
//! 2023 (ACLs disabled by `BucketOwnerEnforced`, all four public access block
//! settings on, SSE-S3 encryption).

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::errors::S3Error;
use super::model::{Bucket, PublicAccessBlock};
use super::names::{bucket_region, check_bucket_name, location_constraint};
use super::{bucket, Empty};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucketInput {
    pub bucket: String,
    #[serde(default)]
    pub create_bucket_configuration: Option<Value>,
    #[serde(default)]
    pub object_ownership: Option<String>,
    #[serde(default, rename = "ACL")]
    pub acl: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBucketOutput {
    pub location: String,
    pub bucket_arn: String,
}

/// The ownership settings CreateBucket and PutBucketOwnershipControls accept.
pub const OWNERSHIP_VALUES: &[&str] = &[
    "BucketOwnerEnforced",
    "BucketOwnerPreferred",
    "ObjectWriter",
];

/// The default encryption of every new bucket (SSE-S3), as GetBucketEncryption shows it.
pub fn default_encryption() -> Value {
    json!({"Rule": {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": false}})
}

pub fn create_bucket(
    world: &mut World,
    caller: &Caller,
    input: CreateBucketInput,
) -> Result<CreateBucketOutput, S3Error> {
    let name = input.bucket;
    check_bucket_name(&name)?;
    let constraint = input
        .create_bucket_configuration
        .as_ref()
        .and_then(|c| c.get("LocationConstraint"))
        .and_then(Value::as_str);
    let region = bucket_region(&caller.region, constraint)?;
    let ownership = input
        .object_ownership
        .unwrap_or_else(|| "BucketOwnerEnforced".to_string());
    if !OWNERSHIP_VALUES.contains(&ownership.as_str()) {
        return Err(S3Error::InvalidArgument(format!(
            "Invalid x-amz-object-ownership header: {ownership}"
        )));
    }
    if ownership == "BucketOwnerEnforced"
        && input
            .acl
            .as_deref()
            .is_some_and(|acl| acl != "private" && acl != "bucket-owner-full-control")
    {
        return Err(S3Error::InvalidBucketAclWithObjectOwnership);
    }
    let output = CreateBucketOutput {
        location: if region == "us-east-1" {
            format!("/{name}")
        } else {
            format!("http://{name}.s3.{region}.amazonaws.com/")
        },
        bucket_arn: format!("arn:aws:s3:::{name}"),
    };
    if let Some(existing) = world.s3.buckets.get(&name) {
        if existing.owner != caller.account_id {
            return Err(S3Error::BucketAlreadyExists(name));
        }
        // S3 answers success to the owner re-creating a us-east-1 bucket there.
        if existing.region == "us-east-1" && region == "us-east-1" {
            return Ok(output);
        }
        return Err(S3Error::BucketAlreadyOwnedByYou(name));
    }
    let bucket = Bucket {
        name: name.clone(),
        owner: caller.account_id.clone(),
        region,
        created_ms: world.clock.now_ms(),
        policy: None,
        public_access_block: Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }),
        encryption: Some(default_encryption()),
        versioning: None,
        ownership: Some(ownership),
        tags: Vec::new(),
        lifecycle: None,
        objects: OrdMap::new(),
        history: OrdMap::new(),
    };
    world.s3.buckets.insert(name, bucket);
    Ok(output)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BucketInput {
    pub bucket: String,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// `x-amz-expected-bucket-owner`: a request meant for another owner's bucket is refused.
pub fn check_expected_owner(bucket: &Bucket, expected: Option<&str>) -> Result<(), S3Error> {
    match expected {
        Some(owner) if owner != bucket.owner => Err(S3Error::access_denied()),
        _ => Ok(()),
    }
}

pub fn delete_bucket(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<Empty, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    if !found.objects.is_empty() || !found.history.is_empty() {
        return Err(S3Error::BucketNotEmpty(input.bucket));
    }
    world.s3.buckets.remove(&input.bucket);
    world.s3.uploads = world
        .s3
        .uploads
        .clone()
        .into_iter()
        .filter(|(_, u)| u.bucket != input.bucket)
        .collect();
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HeadBucketOutput {
    pub bucket_region: String,
    pub bucket_arn: String,
    pub access_point_alias: bool,
}

pub fn head_bucket(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<HeadBucketOutput, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    Ok(HeadBucketOutput {
        bucket_region: found.region.clone(),
        bucket_arn: found.arn(),
        access_point_alias: false,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListBucketsInput {
    #[serde(default)]
    pub max_buckets: Option<i64>,
    #[serde(default)]
    pub continuation_token: Option<String>,
    #[serde(default)]
    pub prefix: Option<String>,
    #[serde(default)]
    pub bucket_region: Option<String>,
}

/// The canonical user id S3 shows for an account (64 hex digits, stable).
pub fn canonical_id(account_id: &str) -> String {
    hex::encode(Sha256::digest(format!(
        "orgsim canonical user {account_id}"
    )))
}

/// The `Owner` element of listings.
pub fn owner_element(account_id: &str) -> Value {
    json!({"DisplayName": format!("account-{account_id}"), "ID": canonical_id(account_id)})
}

pub fn list_buckets(
    world: &mut World,
    caller: &Caller,
    input: ListBucketsInput,
) -> Result<Value, S3Error> {
    let max = match input.max_buckets {
        None => 10_000,
        Some(n) if (1..=10_000).contains(&n) => n as usize,
        Some(_) => {
            return Err(S3Error::InvalidArgument(
                "Argument max-buckets must be an integer between 1 and 10000.".into(),
            ))
        }
    };
    let after = match &input.continuation_token {
        None => None,
        Some(token) => Some(decode_token("s3:ListBuckets", token).ok_or_else(|| {
            S3Error::InvalidArgument("The continuation token provided is incorrect".into())
        })?),
    };
    let prefix = input.prefix.clone().unwrap_or_default();
    let mut matching = world
        .s3
        .buckets
        .values()
        .filter(|b| b.owner == caller.account_id)
        .filter(|b| b.name.starts_with(&prefix))
        .filter(|b| input.bucket_region.as_ref().is_none_or(|r| *r == b.region))
        .filter(|b| after.as_ref().is_none_or(|a| b.name > *a));
    let page: Vec<&Bucket> = matching.by_ref().take(max).collect();
    let more = matching.next().is_some();
    let buckets: Vec<Value> = page
        .iter()
        .map(|b| {
            json!({
                "Name": b.name,
                "CreationDate": iso8601(b.created_ms),
                "BucketRegion": b.region,
                "BucketArn": b.arn(),
            })
        })
        .collect();
    let mut out = serde_json::Map::new();
    out.insert(
        "Buckets".into(),
        if buckets.is_empty() {
            Value::String(String::new())
        } else {
            json!({ "Bucket": buckets })
        },
    );
    out.insert("Owner".into(), owner_element(&caller.account_id));
    if more {
        if let Some(last) = page.last() {
            out.insert(
                "ContinuationToken".into(),
                Value::String(encode_token("s3:ListBuckets", &last.name)),
            );
        }
    }
    if let Some(prefix) = input.prefix {
        out.insert("Prefix".into(), Value::String(prefix));
    }
    Ok(Value::Object(out))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetBucketLocationOutput {
    pub location_constraint: String,
}

pub fn get_bucket_location(
    world: &mut World,
    _caller: &Caller,
    input: BucketInput,
) -> Result<GetBucketLocationOutput, S3Error> {
    let found = bucket(world, &input.bucket)?;
    check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    Ok(GetBucketLocationOutput {
        location_constraint: location_constraint(&found.region).to_string(),
    })
}
