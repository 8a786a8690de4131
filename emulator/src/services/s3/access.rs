//! Who may use a bucket, as AWS decides it: principals of the bucket owner's account
//! by their identity policies (roots and assumed roles are allowed within their
//! account until IAM's identity policies land), other accounts and AWS service
//! principals only where the bucket policy allows; an explicit deny in the bucket
//! policy refuses anyone (but the owner's root may still manage the policy). A public
//! access block with `RestrictPublicBuckets` keeps a public policy from granting
//! anything to principals outside the owner's account, AWS services aside.
//!
//! [`bucket_policy_decision`] is the piece the request authorizer can call once it
//! evaluates identity policies (see the report to the lead); today [`check_request`]
//! applies it inside the S3 layer.

use serde_json::Value;

use super::model::{Bucket, BucketPolicy};
use super::policy_rules::is_public;
use crate::api::ServiceId;
use crate::auth::Caller;
use crate::authorize::{action, request_context};
use crate::policy::{PolicyDecision, Request, RequestContext};
use crate::world::{iso8601, World};

/// A bucket policy's answer to one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    Deny,
    NoOpinion,
}

/// An AWS service writing on an account's behalf (CloudTrail, Config), with the
/// context AWS gives such requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePrincipal {
    /// `cloudtrail.amazonaws.com`.
    pub service: String,
    /// `aws:SourceArn`: the trail or delivery channel that writes.
    pub source_arn: Option<String>,
    /// `aws:SourceAccount`.
    pub source_account: Option<String>,
    /// `aws:SourceOrgID`, for organization trails.
    pub source_org_id: Option<String>,
}

/// The bucket policy's decision for `action` on `resource` in `context`. With
/// `RestrictPublicBuckets`, a public policy's allow counts only for the owner's
/// account and AWS services.
pub fn bucket_policy_decision(
    bucket: &Bucket,
    action: &str,
    resource: &str,
    context: &RequestContext,
) -> Decision {
    let Some(policy) = &bucket.policy else {
        return Decision::NoOpinion;
    };
    let request = Request {
        action,
        resource,
        context,
    };
    match policy.document.decide(&request) {
        PolicyDecision::Deny(_) => Decision::Deny,
        PolicyDecision::Allow(_) if restricted_by_public_access_block(bucket, policy, context) => {
            Decision::NoOpinion
        }
        PolicyDecision::Allow(_) => Decision::Allow,
        PolicyDecision::NotApplicable => Decision::NoOpinion,
    }
}

fn restricted_by_public_access_block(
    bucket: &Bucket,
    policy: &BucketPolicy,
    context: &RequestContext,
) -> bool {
    let restrict = bucket
        .public_access_block
        .is_some_and(|b| b.restrict_public_buckets);
    let first = |key: &str| context.get(key).and_then(|v| v.first()).map(String::as_str);
    let is_service = first("aws:principalisawsservice") == Some("true");
    let same_account = first("aws:principalaccount") == Some(bucket.owner.as_str());
    restrict && is_public(&policy.document) && !is_service && !same_account
}

/// The condition keys of a caller's request to a bucket.
pub fn caller_context(
    world: &World,
    caller: &Caller,
    bucket: &Bucket,
    action: &str,
    resource: &str,
    input: &Value,
) -> RequestContext {
    let mut context = request_context(world, caller, action, resource);
    context.set("aws:ResourceAccount", bucket.owner.as_str());
    add_s3_keys(&mut context, input);
    context
}

/// S3's own condition keys that orgsim can tell from the input.
fn add_s3_keys(context: &mut RequestContext, input: &Value) {
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    for (member, key) in [
        ("ACL", "s3:x-amz-acl"),
        ("Prefix", "s3:prefix"),
        ("Delimiter", "s3:delimiter"),
        ("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
        (
            "SSEKMSKeyId",
            "s3:x-amz-server-side-encryption-aws-kms-key-id",
        ),
        ("CopySource", "s3:x-amz-copy-source"),
        ("MetadataDirective", "s3:x-amz-metadata-directive"),
        ("StorageClass", "s3:x-amz-storage-class"),
        ("VersionId", "s3:versionid"),
    ] {
        if let Some(value) = text(member) {
            context.set(key, value);
        }
    }
    if let Some(max) = input.get("MaxKeys").and_then(Value::as_i64) {
        context.set("s3:max-keys", max.to_string());
    }
}

/// The condition keys of a service principal's request.
pub fn service_context(
    world: &World,
    principal: &ServicePrincipal,
    bucket: &Bucket,
) -> RequestContext {
    let mut context = RequestContext::default();
    context.set("aws:PrincipalServiceName", principal.service.as_str());
    context.set("aws:PrincipalIsAWSService", "true");
    context.set("aws:SecureTransport", "true");
    context.set("aws:ResourceAccount", bucket.owner.as_str());
    context.set("aws:RequestedRegion", bucket.region.as_str());
    let now = world.clock.now_ms();
    context.set("aws:CurrentTime", iso8601(now));
    context.set("aws:EpochTime", (now / 1000).to_string());
    if let Some(arn) = &principal.source_arn {
        context.set("aws:SourceArn", arn.as_str());
    }
    if let Some(account) = &principal.source_account {
        context.set("aws:SourceAccount", account.as_str());
    }
    if let Some(org) = &principal.source_org_id {
        context.set("aws:SourceOrgID", org.as_str());
    }
    // Services write with the ACL the bucket owner needs.
    context.set("s3:x-amz-acl", "bucket-owner-full-control");
    context
}

/// Operations the bucket owner's root may always call, whatever the policy says
/// (so a bucket locked by its policy can be unlocked).
const ROOT_ALWAYS: &[&str] = &["GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy"];

/// The ARN a request acts on: the bucket, or the object when a key is named.
pub fn resource_of(bucket: &str, key: Option<&str>) -> String {
    match key {
        Some(key) => format!("arn:aws:s3:::{bucket}/{key}"),
        None => format!("arn:aws:s3:::{bucket}"),
    }
}

/// Refuses a caller's request the bucket's owner has not granted (AccessDenied).
/// Requests for buckets that do not exist pass: the handler answers NoSuchBucket.
pub fn check_request(world: &World, caller: &Caller, operation: &str, input: &Value) -> bool {
    let Some(bucket) = input
        .get("Bucket")
        .and_then(Value::as_str)
        .and_then(|name| world.s3.buckets.get(name))
    else {
        return true;
    };
    if operation == "CreateBucket" {
        return true;
    }
    let action = action(ServiceId::S3, operation);
    let resource = resource_of(&bucket.name, input.get("Key").and_then(Value::as_str));
    let context = caller_context(world, caller, bucket, &action, &resource, input);
    let owner = caller.account_id == bucket.owner;
    match bucket_policy_decision(bucket, &action, &resource, &context) {
        Decision::Deny => owner && caller.is_root() && ROOT_ALWAYS.contains(&operation),
        Decision::Allow => true,
        Decision::NoOpinion => owner,
    }
}

/// Whether a bucket policy lets a service principal perform `action` on `resource`.
pub fn service_may(
    world: &World,
    bucket: &Bucket,
    principal: &ServicePrincipal,
    action: &str,
    resource: &str,
) -> bool {
    let context = service_context(world, principal, bucket);
    bucket_policy_decision(bucket, action, resource, &context) == Decision::Allow
}
