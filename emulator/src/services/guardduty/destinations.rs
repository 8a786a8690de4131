//! Publishing destinations: where a detector exports its findings. The only type is
//! S3; the bucket (`arn:aws:s3:::bucket[/prefix]`) must exist in orgsim's S3.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::detectors::check_tags;
use super::errors::GdError;
use super::model::PublishingDestination;
use super::{is_account_id, own_detector, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::after_bound;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// One export destination per detector, as the console offers it.
const MAX_DESTINATIONS: usize = 1;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_bucket_owner: Option<String>,
}

/// The bucket a destination ARN names.
fn bucket_of(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:aws:s3:::")?;
    let bucket = rest.split('/').next()?;
    (!bucket.is_empty()).then_some(bucket)
}

fn is_kms_key_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "kms", region, account, resource]
        if !region.is_empty() && is_account_id(account)
            && (resource.starts_with("key/") || resource.starts_with("alias/")))
}

/// Checks the properties and that the bucket exists (and has the expected owner).
fn check_properties(world: &World, props: &DestinationProperties) -> Result<(), GdError> {
    let arn = props
        .destination_arn
        .as_deref()
        .ok_or_else(|| GdError::invalid_parameter("destinationProperties.destinationArn"))?;
    let bucket = bucket_of(arn)
        .ok_or_else(|| GdError::invalid_parameter("destinationProperties.destinationArn"))?;
    let kms = props
        .kms_key_arn
        .as_deref()
        .ok_or_else(|| GdError::invalid_parameter("destinationProperties.kmsKeyArn"))?;
    if !is_kms_key_arn(kms) {
        return Err(GdError::invalid_parameter(
            "destinationProperties.kmsKeyArn",
        ));
    }
    if let Some(owner) = &props.expected_bucket_owner {
        if !is_account_id(owner) {
            return Err(GdError::invalid_parameter(
                "destinationProperties.expectedBucketOwner",
            ));
        }
    }
    let Some(found) = world.s3.buckets.get(bucket) else {
        return Err(GdError::bad(format!(
            "The request is rejected because the destination bucket {bucket} does not exist."
        )));
    };
    if props
        .expected_bucket_owner
        .as_ref()
        .is_some_and(|o| *o != found.owner)
    {
        return Err(GdError::bad(format!(
            "The request is rejected because the destination bucket {bucket} is not owned by the expected bucket owner."
        )));
    }
    Ok(())
}

fn not_found() -> GdError {
    GdError::bad(
        "The request is rejected because the input destinationId is not owned by the current account.",
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDestinationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub destination_type: String,
    pub destination_properties: DestinationProperties,
    pub client_token: Option<String>,
    pub tags: Option<OrdMap<String, String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDestinationOutput {
    pub destination_id: String,
}

pub fn create_publishing_destination(
    world: &mut World,
    caller: &Caller,
    input: CreateDestinationInput,
) -> Result<CreateDestinationOutput, GdError> {
    if input.destination_type != "S3" {
        return Err(GdError::invalid_parameter("destinationType"));
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    if detector.destinations.len() >= MAX_DESTINATIONS {
        return Err(GdError::bad(
            "The request is rejected because the detector already has a publishing destination.",
        ));
    }
    check_properties(world, &input.destination_properties)?;
    let id = world.ids.hex(32);
    let props = input.destination_properties;
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .destinations
        .insert(
            id.clone(),
            PublishingDestination {
                id: id.clone(),
                destination_arn: props.destination_arn.unwrap_or_default(),
                kms_key_arn: props.kms_key_arn.unwrap_or_default(),
                expected_bucket_owner: props.expected_bucket_owner,
                tags,
            },
        );
    Ok(CreateDestinationOutput { destination_id: id })
}

#[derive(Debug, Deserialize)]
pub struct DestinationIdInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "DestinationId")]
    pub destination_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeDestinationOutput {
    pub destination_id: String,
    pub destination_type: &'static str,
    pub status: &'static str,
    pub publishing_failure_start_timestamp: i64,
    pub destination_properties: DestinationProperties,
    pub tags: OrdMap<String, String>,
}

/// `PUBLISHING` while the bucket exists, else GuardDuty asks for the property to be
/// fixed.
fn status(world: &World, d: &PublishingDestination) -> &'static str {
    match bucket_of(&d.destination_arn).and_then(|b| world.s3.buckets.get(b)) {
        Some(_) => "PUBLISHING",
        None => "UNABLE_TO_PUBLISH_FIX_DESTINATION_PROPERTY",
    }
}

pub fn describe_publishing_destination(
    world: &mut World,
    caller: &Caller,
    input: DestinationIdInput,
) -> Result<DescribeDestinationOutput, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    let d = detector
        .destinations
        .get(&input.destination_id)
        .ok_or_else(not_found)?;
    Ok(DescribeDestinationOutput {
        destination_id: d.id.clone(),
        destination_type: "S3",
        status: status(world, d),
        publishing_failure_start_timestamp: 0,
        destination_properties: DestinationProperties {
            destination_arn: Some(d.destination_arn.clone()),
            kms_key_arn: Some(d.kms_key_arn.clone()),
            expected_bucket_owner: d.expected_bucket_owner.clone(),
        },
        tags: d.tags.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDestinationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "DestinationId")]
    pub destination_id: String,
    pub destination_properties: Option<DestinationProperties>,
}

pub fn update_publishing_destination(
    world: &mut World,
    caller: &Caller,
    input: UpdateDestinationInput,
) -> Result<Empty, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    let current = detector
        .destinations
        .get(&input.destination_id)
        .ok_or_else(not_found)?;
    let Some(given) = input.destination_properties else {
        return Ok(Empty {});
    };
    let merged = DestinationProperties {
        destination_arn: given
            .destination_arn
            .or(Some(current.destination_arn.clone())),
        kms_key_arn: given.kms_key_arn.or(Some(current.kms_key_arn.clone())),
        expected_bucket_owner: given
            .expected_bucket_owner
            .or(current.expected_bucket_owner.clone()),
    };
    check_properties(world, &merged)?;
    let d = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .destinations
        .get_mut(&input.destination_id)
        .expect("destination checked before mutation");
    d.destination_arn = merged.destination_arn.unwrap_or_default();
    d.kms_key_arn = merged.kms_key_arn.unwrap_or_default();
    d.expected_bucket_owner = merged.expected_bucket_owner;
    Ok(Empty {})
}

pub fn delete_publishing_destination(
    world: &mut World,
    caller: &Caller,
    input: DestinationIdInput,
) -> Result<Empty, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    if !detector.destinations.contains_key(&input.destination_id) {
        return Err(not_found());
    }
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .destinations
        .remove(&input.destination_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDestinationsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationSummary {
    pub destination_id: String,
    pub destination_type: &'static str,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDestinationsOutput {
    pub destinations: Vec<DestinationSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_publishing_destinations(
    world: &mut World,
    caller: &Caller,
    input: ListDestinationsInput,
) -> Result<ListDestinationsOutput, GdError> {
    let listing = "ListPublishingDestinations";
    let (max, after) = page(listing, input.max_results, &input.next_token, 50, 50)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let (found, next) = take_page(
        detector.destinations.range(after_bound(&after)),
        max,
        |(id, _)| (*id).clone(),
    );
    Ok(ListDestinationsOutput {
        destinations: found
            .into_iter()
            .map(|(_, d)| DestinationSummary {
                destination_id: d.id.clone(),
                destination_type: "S3",
                status: status(world, d),
            })
            .collect(),
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}
