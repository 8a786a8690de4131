//! How AWS services write into buckets (CloudTrail log files, Config snapshots): as
//! their service principal, allowed only by the bucket policy, with the source
//! context AWS sends (`aws:SourceArn`, `aws:SourceAccount`, `aws:SourceOrgID`).
//! The object belongs to the bucket owner, as with `bucket-owner-full-control`.

use bytes::Bytes;

use super::access::{resource_of, service_may, ServicePrincipal};
use super::checksums::{etag, Algorithm};
use super::model::{Object, ObjectData, StoredChecksum};
use super::objects::{new_version_id, store_object};
use crate::world::World;

/// Why a service could not deliver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeliveryRefusal {
    NoSuchBucket,
    /// The bucket policy does not let the service perform the action.
    AccessDenied {
        action: String,
    },
}

/// Whether `principal` may perform `action` (`s3:PutObject`, `s3:GetBucketAcl`,
/// `s3:ListBucket`) on `key` of `bucket` (or on the bucket for `None`): what
/// CloudTrail's CreateTrail and Config's PutDeliveryChannel check before any write.
pub fn may_deliver(
    world: &World,
    bucket: &str,
    key: Option<&str>,
    action: &str,
    principal: &ServicePrincipal,
) -> Result<(), DeliveryRefusal> {
    let found = world
        .s3
        .buckets
        .get(bucket)
        .ok_or(DeliveryRefusal::NoSuchBucket)?;
    if service_may(world, found, principal, action, &resource_of(bucket, key)) {
        Ok(())
    } else {
        Err(DeliveryRefusal::AccessDenied {
            action: action.to_string(),
        })
    }
}

/// Writes an object as `principal` (`s3:PutObject`, checked against the bucket policy).
pub fn deliver_object(
    world: &mut World,
    bucket: &str,
    key: &str,
    bytes: Bytes,
    content_type: &str,
    principal: &ServicePrincipal,
) -> Result<(), DeliveryRefusal> {
    may_deliver(world, bucket, Some(key), "s3:PutObject", principal)?;
    store_as_owner(world, bucket, key, bytes, content_type)
}

/// Writes an object as the bucket owner's own credentials would (no bucket policy
/// check): a service acting with a role of the owner's account.
pub fn store_as_owner(
    world: &mut World,
    bucket: &str,
    key: &str,
    bytes: Bytes,
    content_type: &str,
) -> Result<(), DeliveryRefusal> {
    let found = world
        .s3
        .buckets
        .get(bucket)
        .cloned()
        .ok_or(DeliveryRefusal::NoSuchBucket)?;
    let version_id = new_version_id(world, &found);
    let object = Object {
        key: key.to_string(),
        version_id,
        delete_marker: false,
        etag: etag(&bytes),
        checksum: Some(StoredChecksum {
            algorithm: Algorithm::Crc64Nvme.member(),
            value: Algorithm::Crc64Nvme.encoded(&bytes),
            kind: "FULL_OBJECT".into(),
        }),
        data: ObjectData(bytes),
        last_modified_ms: world.clock.now_ms(),
        content_type: content_type.to_string(),
        headers: Vec::new(),
        metadata: Vec::new(),
        tags: Vec::new(),
        parts: None,
        storage_class: "STANDARD".into(),
    };
    if let Some(target) = world.s3.buckets.get_mut(bucket) {
        store_object(target, object);
    }
    Ok(())
}

/// The current bytes of an object, if it exists (for tests and other services).
pub fn read_object(world: &World, bucket: &str, key: &str) -> Option<Bytes> {
    let object = world.s3.buckets.get(bucket)?.objects.get(key)?;
    Some(object.data.0.clone())
}

/// The keys of a bucket under a prefix, in order.
pub fn list_keys(world: &World, bucket: &str, prefix: &str) -> Vec<String> {
    world
        .s3
        .buckets
        .get(bucket)
        .map(|b| {
            b.objects
                .keys()
                .filter(|k| k.starts_with(prefix))
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}
