//! S3's errors, each mapped to its code, status, message and extra members
//! (`BucketName`, `Key`, …) in one exhaustive match. The rest-xml encoder renders them
//! as `<Error><Code/><Message/>…</Error>`.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum S3Error {
    NoSuchBucket(String),
    NoSuchKey(String),
    /// The name is taken by another account.
    BucketAlreadyExists(String),
    /// The caller already owns it (outside us-east-1, where S3 answers success).
    BucketAlreadyOwnedByYou(String),
    InvalidBucketName(String),
    /// A location constraint that does not match the endpoint's region.
    IllegalLocationConstraint(String),
    InvalidLocationConstraint(String),
    BucketNotEmpty(String),
    MalformedPolicy(String),
    NoSuchBucketPolicy(String),
    NoSuchPublicAccessBlockConfiguration(String),
    ServerSideEncryptionConfigurationNotFound(String),
    OwnershipControlsNotFound(String),
    NoSuchTagSet(String),
    NoSuchLifecycleConfiguration(String),
    NoSuchUpload(String),
    InvalidPart,
    InvalidPartOrder,
    EntityTooSmall,
    InvalidRange {
        range: String,
        size: u64,
    },
    PreconditionFailed(&'static str),
    NotModified,
    AccessDenied(String),
    BadDigest(String),
    InvalidDigest,
    InvalidRequest(String),
    InvalidArgument(String),
    MalformedXml,
    InvalidTag(String),
    NotImplemented(String),
    NoSuchVersion(String, String),
    /// A version that is a delete marker was asked for.
    MethodNotAllowed,
    /// An ACL on a bucket whose ownership setting disables ACLs.
    InvalidBucketAclWithObjectOwnership,
    /// An ACL on an object in a bucket whose ownership setting disables ACLs.
    AccessControlListNotSupported,
}

impl S3Error {
    /// Input that does not decode into the operation's shape.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(_) => S3Error::MalformedXml,
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                S3Error::InvalidArgument(format!("Invalid argument: {text}"))
            }
        }
    }

    pub fn access_denied() -> Self {
        S3Error::AccessDenied("Access Denied".into())
    }
}

impl From<S3Error> for ApiError {
    fn from(error: S3Error) -> ApiError {
        let (code, status, message, extra): (&str, u16, String, Vec<(&str, String)>) = match error {
            S3Error::NoSuchBucket(b) => ("NoSuchBucket", 404, "The specified bucket does not exist".into(), vec![("BucketName", b)]),
            S3Error::NoSuchKey(k) => ("NoSuchKey", 404, "The specified key does not exist.".into(), vec![("Key", k)]),
            S3Error::BucketAlreadyExists(b) => ("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.".into(), vec![("BucketName", b)]),
            S3Error::BucketAlreadyOwnedByYou(b) => ("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.".into(), vec![("BucketName", b)]),
            S3Error::InvalidBucketName(b) => ("InvalidBucketName", 400, "The specified bucket is not valid.".into(), vec![("BucketName", b)]),
            S3Error::IllegalLocationConstraint(m) => ("IllegalLocationConstraintException", 400, m, vec![]),
            S3Error::InvalidLocationConstraint(c) => ("InvalidLocationConstraint", 400, "The specified location-constraint is not valid".into(), vec![("LocationConstraint", c)]),
            S3Error::BucketNotEmpty(b) => ("BucketNotEmpty", 409, "The bucket you tried to delete is not empty".into(), vec![("BucketName", b)]),
            S3Error::MalformedPolicy(m) => ("MalformedPolicy", 400, m, vec![]),
            S3Error::NoSuchBucketPolicy(b) => ("NoSuchBucketPolicy", 404, "The bucket policy does not exist".into(), vec![("BucketName", b)]),
            S3Error::NoSuchPublicAccessBlockConfiguration(b) => ("NoSuchPublicAccessBlockConfiguration", 404, "The public access block configuration was not found".into(), vec![("BucketName", b)]),
            S3Error::ServerSideEncryptionConfigurationNotFound(b) => ("ServerSideEncryptionConfigurationNotFoundError", 404, "The server side encryption configuration was not found".into(), vec![("BucketName", b)]),
            S3Error::OwnershipControlsNotFound(b) => ("OwnershipControlsNotFoundError", 404, "The bucket ownership controls were not found".into(), vec![("BucketName", b)]),
            S3Error::NoSuchTagSet(b) => ("NoSuchTagSet", 404, "The TagSet does not exist".into(), vec![("BucketName", b)]),
            S3Error::NoSuchLifecycleConfiguration(b) => ("NoSuchLifecycleConfiguration", 404, "The lifecycle configuration does not exist".into(), vec![("BucketName", b)]),
            S3Error::NoSuchUpload(id) => ("NoSuchUpload", 404, "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.".into(), vec![("UploadId", id)]),
            S3Error::InvalidPart => ("InvalidPart", 400, "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have matched the part's entity tag.".into(), vec![]),
            S3Error::InvalidPartOrder => ("InvalidPartOrder", 400, "The list of parts was not in ascending order. The parts list must be specified in order by part number.".into(), vec![]),
            S3Error::EntityTooSmall => ("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed size".into(), vec![("MinSizeAllowed", "5242880".into())]),
            S3Error::InvalidRange { range, size } => ("InvalidRange", 416, "The requested range is not satisfiable".into(), vec![("RangeRequested", range), ("ActualObjectSize", size.to_string())]),
            S3Error::PreconditionFailed(condition) => ("PreconditionFailed", 412, "At least one of the pre-conditions you specified did not hold".into(), vec![("Condition", condition.into())]),
            S3Error::NotModified => ("NotModified", 304, "Not Modified".into(), vec![]),
            S3Error::AccessDenied(m) => ("AccessDenied", 403, m, vec![]),
            S3Error::BadDigest(m) => ("BadDigest", 400, m, vec![]),
            S3Error::InvalidDigest => ("InvalidDigest", 400, "The Content-MD5 you specified is not valid.".into(), vec![]),
            S3Error::InvalidRequest(m) => ("InvalidRequest", 400, m, vec![]),
            S3Error::InvalidArgument(m) => ("InvalidArgument", 400, m, vec![]),
            S3Error::MalformedXml => ("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema".into(), vec![]),
            S3Error::InvalidTag(m) => ("InvalidTag", 400, m, vec![]),
            S3Error::NotImplemented(m) => ("NotImplemented", 501, m, vec![]),
            S3Error::NoSuchVersion(k, v) => ("NoSuchVersion", 404, "The specified version does not exist.".into(), vec![("Key", k), ("VersionId", v)]),
            S3Error::MethodNotAllowed => ("MethodNotAllowed", 405, "The specified method is not allowed against this resource.".into(), vec![]),
            S3Error::InvalidBucketAclWithObjectOwnership => ("InvalidBucketAclWithObjectOwnership", 400, "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting".into(), vec![]),
            S3Error::AccessControlListNotSupported => ("AccessControlListNotSupported", 400, "The bucket does not allow ACLs".into(), vec![]),
        };
        extra
            .into_iter()
            .fold(ApiError::new(code, status, message), |e, (k, v)| {
                e.with_field(k, v)
            })
    }
}
