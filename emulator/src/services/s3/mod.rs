//! Amazon S3 (rest-xml): buckets in one global namespace with their policies, public
//! access block, encryption, versioning, ownership controls, tags and lifecycle
//! (stored), and objects: put/get/head with ranges and conditions, listing, delete,
//! copy, multipart uploads, checksums and ETags as S3 computes them. Access follows
//! the bucket policy for other accounts and AWS services ([`access`]); CloudTrail and
//! Config deliver through [`delivery`]. Operations not listed below answer 501.

pub mod access;
pub mod bucket_config;
pub mod buckets;
pub mod checksums;
pub mod copy;
pub mod deletes;
pub mod delivery;
pub mod errors;
pub mod listing;
pub mod model;
pub mod multipart;
pub mod names;
pub mod objects;
pub mod operations;
pub mod policy_rules;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::protocol::rest_xml::XmlOutput;
use crate::protocol::Payload;
use crate::world::World;
use errors::S3Error;

pub use delivery::{deliver_object, read_object, DeliveryRefusal};
pub use model::S3State;

/// S3's state: every bucket, by name.
pub type State = S3State;

/// S3's XML namespace.
pub const NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// What a handler answers besides its members: raw bytes and a status (206).
#[derive(Debug, Default)]
pub struct Reply<O> {
    pub output: O,
    pub body: Option<Bytes>,
    pub status: Option<u16>,
}

impl<O> Reply<O> {
    pub fn new(output: O) -> Self {
        Reply {
            output,
            body: None,
            status: None,
        }
    }
}

/// A handler over members only.
type Plain<I, O> = fn(&mut World, &Caller, I) -> Result<O, S3Error>;
/// A handler that reads the raw body or answers bytes.
type WithBody<I, O> = fn(&mut World, &Caller, I, Payload) -> Result<Reply<O>, S3Error>;

fn decode<I: DeserializeOwned>(input: Value) -> Result<I, ApiError> {
    serde_json::from_value(input).map_err(|e| S3Error::from_input(e).into())
}

fn encode<O: Serialize>(reply: Reply<O>) -> Result<XmlOutput, ApiError> {
    Ok(XmlOutput {
        output: serde_json::to_value(reply.output)
            .map_err(|e| ApiError::internal_failure(&e.to_string()))?,
        body: reply.body,
        status: reply.status,
    })
}

fn plain<I: DeserializeOwned, O: Serialize>(
    world: &mut World,
    caller: &Caller,
    input: Value,
    handler: Plain<I, O>,
) -> Result<XmlOutput, ApiError> {
    let output = handler(world, caller, decode(input)?)?;
    encode(Reply::new(output))
}

fn with_body<I: DeserializeOwned, O: Serialize>(
    world: &mut World,
    caller: &Caller,
    input: Value,
    body: Payload,
    handler: WithBody<I, O>,
) -> Result<XmlOutput, ApiError> {
    let reply = handler(world, caller, decode(input)?, body)?;
    encode(reply)
}

/// Declares the built operations: the dispatch `match` and the list of names.
macro_rules! s3_operations {
    ($($name:literal => $kind:ident $handler:path,)*) => {
        /// The operations S3 has built, in dispatch order.
        pub const IMPLEMENTED: &[&str] = &[$($name),*];

        fn run(
            world: &mut World,
            caller: &Caller,
            operation: &str,
            input: Value,
            body: Payload,
        ) -> Result<XmlOutput, ApiError> {
            match operation {
                $($name => s3_operations!(@call $kind world, caller, input, body, $handler),)*
                _ => Err(ApiError::not_implemented(ServiceId::S3, operation)),
            }
        }
    };
    (@call plain $world:ident, $caller:ident, $input:ident, $body:ident, $handler:path) => {
        plain($world, $caller, $input, $handler)
    };
    (@call body $world:ident, $caller:ident, $input:ident, $body:ident, $handler:path) => {
        with_body($world, $caller, $input, $body, $handler)
    };
}

s3_operations! {
    "CreateBucket" => plain buckets::create_bucket,
    "DeleteBucket" => plain buckets::delete_bucket,
    "HeadBucket" => plain buckets::head_bucket,
    "ListBuckets" => plain buckets::list_buckets,
    "GetBucketLocation" => plain buckets::get_bucket_location,
    "PutBucketPolicy" => plain bucket_config::put_bucket_policy,
    "GetBucketPolicy" => plain bucket_config::get_bucket_policy,
    "DeleteBucketPolicy" => plain bucket_config::delete_bucket_policy,
    "GetBucketPolicyStatus" => plain bucket_config::get_bucket_policy_status,
    "PutPublicAccessBlock" => plain bucket_config::put_public_access_block,
    "GetPublicAccessBlock" => plain bucket_config::get_public_access_block,
    "DeletePublicAccessBlock" => plain bucket_config::delete_public_access_block,
    "PutBucketEncryption" => plain bucket_config::put_bucket_encryption,
    "GetBucketEncryption" => plain bucket_config::get_bucket_encryption,
    "DeleteBucketEncryption" => plain bucket_config::delete_bucket_encryption,
    "PutBucketVersioning" => plain bucket_config::put_bucket_versioning,
    "GetBucketVersioning" => plain bucket_config::get_bucket_versioning,
    "PutBucketOwnershipControls" => plain bucket_config::put_bucket_ownership_controls,
    "GetBucketOwnershipControls" => plain bucket_config::get_bucket_ownership_controls,
    "DeleteBucketOwnershipControls" => plain bucket_config::delete_bucket_ownership_controls,
    "PutBucketTagging" => plain bucket_config::put_bucket_tagging,
    "GetBucketTagging" => plain bucket_config::get_bucket_tagging,
    "DeleteBucketTagging" => plain bucket_config::delete_bucket_tagging,
    "PutBucketLifecycleConfiguration" => plain bucket_config::put_bucket_lifecycle_configuration,
    "GetBucketLifecycleConfiguration" => plain bucket_config::get_bucket_lifecycle_configuration,
    "DeleteBucketLifecycle" => plain bucket_config::delete_bucket_lifecycle,
    "PutObjectTagging" => plain bucket_config::put_object_tagging,
    "GetObjectTagging" => plain bucket_config::get_object_tagging,
    "DeleteObjectTagging" => plain bucket_config::delete_object_tagging,
    "PutObject" => body objects::put_object,
    "GetObject" => body objects::get_object,
    "HeadObject" => body objects::head_object,
    "DeleteObject" => plain deletes::delete_object,
    "DeleteObjects" => plain deletes::delete_objects,
    "CopyObject" => plain copy::copy_object,
    "ListObjectsV2" => plain listing::list_objects_v2,
    "ListObjects" => plain listing::list_objects,
    "CreateMultipartUpload" => plain multipart::create_multipart_upload,
    "UploadPart" => body multipart::upload_part,
    "CompleteMultipartUpload" => plain multipart::complete_multipart_upload,
    "AbortMultipartUpload" => plain multipart::abort_multipart_upload,
    "ListParts" => plain multipart::list_parts,
    "ListMultipartUploads" => plain multipart::list_multipart_uploads,
}

/// Runs one operation: the bucket's access rules first ([`access::check_request`]),
/// then the handler.
fn payload_dispatch(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
    body: Payload,
) -> Result<XmlOutput, ApiError> {
    if !access::check_request(world, caller, operation, &input) {
        return Err(S3Error::access_denied().into());
    }
    run(world, caller, operation, input, body)
}

/// The JSON-only entry (scenario steps, tests): no raw body in or out.
fn dispatch(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> crate::api::ApiResult {
    payload_dispatch(world, caller, operation, input, Payload::default()).map(|out| out.output)
}

/// The root element of each output document that is not a payload member.
const OUTPUT_ROOTS: &[(&str, &str)] = &[
    ("ListBuckets", "ListAllMyBucketsResult"),
    ("ListObjectsV2", "ListBucketResult"),
    ("ListObjects", "ListBucketResult"),
    ("GetBucketLocation", "LocationConstraint"),
    ("GetBucketVersioning", "VersioningConfiguration"),
    ("GetBucketTagging", "Tagging"),
    ("GetObjectTagging", "Tagging"),
    ("GetBucketLifecycleConfiguration", "LifecycleConfiguration"),
    ("CreateMultipartUpload", "InitiateMultipartUploadResult"),
    ("CompleteMultipartUpload", "CompleteMultipartUploadResult"),
    ("ListMultipartUploads", "ListMultipartUploadsResult"),
    ("ListParts", "ListPartsResult"),
    ("DeleteObjects", "DeleteResult"),
    ("ListObjectVersions", "ListVersionsResult"),
    ("GetBucketAcl", "AccessControlPolicy"),
    ("GetObjectAcl", "AccessControlPolicy"),
];

/// How orgsim serves Amazon S3.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "s3",
    wire: Wire::RestXml {
        routes: operations::ROUTES,
        namespace: NAMESPACE,
        output_roots: OUTPUT_ROOTS,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDenied", 403),
    global: false,
    on_org_event: None,
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: Some(action_name),
    payload_dispatch: Some(payload_dispatch),
    resource_policy: None,
};

/// `arn:aws:s3:::<bucket>` or `arn:aws:s3:::<bucket>/<key>`.
fn resource_arn(
    _world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &Value,
) -> Option<String> {
    let bucket = input.get("Bucket").and_then(Value::as_str)?;
    Some(access::resource_of(
        bucket,
        input.get("Key").and_then(Value::as_str),
    ))
}

/// The IAM action of an S3 operation (Service Authorization Reference), where it is
/// not the operation's name.
pub fn action_name(operation: &str) -> &str {
    match operation {
        "ListObjects" | "ListObjectsV2" | "HeadBucket" => "ListBucket",
        "ListObjectVersions" => "ListBucketVersions",
        "ListBuckets" => "ListAllMyBuckets",
        "HeadObject" | "SelectObjectContent" => "GetObject",
        "CreateMultipartUpload"
        | "UploadPart"
        | "CompleteMultipartUpload"
        | "CopyObject"
        | "UploadPartCopy" => "PutObject",
        "ListParts" => "ListMultipartUploadParts",
        "ListMultipartUploads" => "ListBucketMultipartUploads",
        "DeleteObjects" => "DeleteObject",
        "GetBucketLifecycleConfiguration" | "GetBucketLifecycle" => "GetLifecycleConfiguration",
        "PutBucketLifecycleConfiguration" | "PutBucketLifecycle" | "DeleteBucketLifecycle" => {
            "PutLifecycleConfiguration"
        }
        "GetBucketEncryption" => "GetEncryptionConfiguration",
        "PutBucketEncryption" | "DeleteBucketEncryption" => "PutEncryptionConfiguration",
        "GetPublicAccessBlock" => "GetBucketPublicAccessBlock",
        "PutPublicAccessBlock" | "DeletePublicAccessBlock" => "PutBucketPublicAccessBlock",
        "DeleteBucketTagging" => "PutBucketTagging",
        "DeleteBucketOwnershipControls" => "PutBucketOwnershipControls",
        "GetBucketCors" => "GetBucketCORS",
        "PutBucketCors" | "DeleteBucketCors" => "PutBucketCORS",
        "GetBucketNotificationConfiguration" => "GetBucketNotification",
        "PutBucketNotificationConfiguration" => "PutBucketNotification",
        "GetBucketReplication" => "GetReplicationConfiguration",
        "PutBucketReplication" | "DeleteBucketReplication" => "PutReplicationConfiguration",
        "GetObjectLockConfiguration" => "GetBucketObjectLockConfiguration",
        "PutObjectLockConfiguration" => "PutBucketObjectLockConfiguration",
        "GetBucketAccelerateConfiguration" => "GetAccelerateConfiguration",
        "PutBucketAccelerateConfiguration" => "PutAccelerateConfiguration",
        "GetBucketAnalyticsConfiguration" | "ListBucketAnalyticsConfigurations" => {
            "GetAnalyticsConfiguration"
        }
        "PutBucketAnalyticsConfiguration" | "DeleteBucketAnalyticsConfiguration" => {
            "PutAnalyticsConfiguration"
        }
        "GetBucketInventoryConfiguration" | "ListBucketInventoryConfigurations" => {
            "GetInventoryConfiguration"
        }
        "PutBucketInventoryConfiguration" | "DeleteBucketInventoryConfiguration" => {
            "PutInventoryConfiguration"
        }
        "GetBucketMetricsConfiguration" | "ListBucketMetricsConfigurations" => {
            "GetMetricsConfiguration"
        }
        "PutBucketMetricsConfiguration" | "DeleteBucketMetricsConfiguration" => {
            "PutMetricsConfiguration"
        }
        "GetBucketIntelligentTieringConfiguration"
        | "ListBucketIntelligentTieringConfigurations" => "GetIntelligentTieringConfiguration",
        "PutBucketIntelligentTieringConfiguration"
        | "DeleteBucketIntelligentTieringConfiguration" => "PutIntelligentTieringConfiguration",
        "DeleteBucketWebsite" => "DeleteBucketWebsite",
        other => other,
    }
}

/// A bucket the request names, or NoSuchBucket.
pub fn bucket<'w>(world: &'w World, name: &str) -> Result<&'w model::Bucket, S3Error> {
    world
        .s3
        .buckets
        .get(name)
        .ok_or_else(|| S3Error::NoSuchBucket(name.to_string()))
}

/// The bucket, for changing.
pub fn bucket_mut<'w>(world: &'w mut World, name: &str) -> Result<&'w mut model::Bucket, S3Error> {
    world
        .s3
        .buckets
        .get_mut(name)
        .ok_or_else(|| S3Error::NoSuchBucket(name.to_string()))
}

/// Operations with no members to answer.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

#[cfg(test)]
mod tests;
