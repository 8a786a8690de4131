//! Lists a detector checks traffic against: trusted IP sets, threat-intel sets, and
//! threat / trusted entity sets. The four APIs are the same shape under different
//! names, so one set of handlers serves them, keyed by [`ListKind`]. A list's
//! `Location` is an S3 URL; when activated, the object must be readable in orgsim's
//! S3 or the list reports `ERROR`.

use imbl::OrdMap;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::detectors::check_tags;
use super::errors::GdError;
use super::model::{ListKind, ThreatList};
use super::{own_detector, page, s3_location, Empty};
use crate::auth::Caller;
use crate::services::organizations::after_bound;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// `IpSetFormat` (the same values for every kind).
const FORMATS: &[&str] = &[
    "TXT",
    "STIX",
    "OTX_CSV",
    "ALIEN_VAULT",
    "PROOF_POINT",
    "FIRE_EYE",
];

impl ListKind {
    /// The wire name of the list's id member (`ipSetId`, …).
    fn id_member(self) -> &'static str {
        match self {
            ListKind::IpSet => "ipSetId",
            ListKind::ThreatIntelSet => "threatIntelSetId",
            ListKind::ThreatEntitySet => "threatEntitySetId",
            ListKind::TrustedEntitySet => "trustedEntitySetId",
        }
    }

    /// Entity sets report their timestamps and why a list failed.
    fn reports_details(self) -> bool {
        matches!(self, ListKind::ThreatEntitySet | ListKind::TrustedEntitySet)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateListInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub name: String,
    pub format: String,
    pub location: String,
    pub activate: bool,
    pub client_token: Option<String>,
    pub tags: Option<OrdMap<String, String>>,
    pub expected_bucket_owner: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ListIdInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(
        rename = "IpSetId",
        alias = "ThreatIntelSetId",
        alias = "ThreatEntitySetId",
        alias = "TrustedEntitySetId"
    )]
    pub list_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateListInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(
        rename = "IpSetId",
        alias = "ThreatIntelSetId",
        alias = "ThreatEntitySetId",
        alias = "TrustedEntitySetId"
    )]
    pub list_id: String,
    pub name: Option<String>,
    pub location: Option<String>,
    pub activate: Option<bool>,
    pub expected_bucket_owner: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListListsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

fn check_name(name: &str) -> Result<(), GdError> {
    if name.is_empty() || name.len() > 300 {
        return Err(GdError::invalid_parameter("name"));
    }
    Ok(())
}

fn check_location(location: &str) -> Result<(), GdError> {
    if location.len() > 300 || s3_location(location).is_none() {
        return Err(GdError::invalid_parameter("location"));
    }
    Ok(())
}

fn check_owner(owner: &Option<String>) -> Result<(), GdError> {
    match owner {
        Some(o) if !super::is_account_id(o) => {
            Err(GdError::invalid_parameter("expectedBucketOwner"))
        }
        _ => Ok(()),
    }
}

/// Only an administrator or a standalone account manages lists; its lists apply to
/// its members too.
fn refuse_members(world: &World, caller: &Caller) -> Result<(), GdError> {
    if world
        .guardduty
        .administrator_of(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(GdError::bad(
            "The request is rejected because the current account is a member account; only its administrator account can manage lists.",
        ));
    }
    Ok(())
}

/// What activating a list at `location` yields: `ACTIVE`, or `ERROR` and why.
fn activation(
    world: &World,
    location: &str,
    owner: &Option<String>,
) -> (&'static str, Option<String>) {
    let Some((bucket, key)) = s3_location(location) else {
        return ("ERROR", Some("The location is not an S3 URL.".to_string()));
    };
    let Some(found) = world.s3.buckets.get(&bucket) else {
        return (
            "ERROR",
            Some(format!("The bucket {bucket} does not exist.")),
        );
    };
    if owner.as_ref().is_some_and(|o| *o != found.owner) {
        return (
            "ERROR",
            Some(format!(
                "The bucket {bucket} is not owned by the expected bucket owner."
            )),
        );
    }
    if !found.objects.contains_key(&key) {
        return (
            "ERROR",
            Some(format!(
                "The object {key} does not exist in bucket {bucket}."
            )),
        );
    }
    ("ACTIVE", None)
}

fn lookup<'w>(
    world: &'w World,
    caller: &Caller,
    kind: ListKind,
    detector_id: &str,
    list_id: &str,
) -> Result<&'w ThreatList, GdError> {
    let detector = own_detector(world, caller, detector_id)?;
    detector
        .lists
        .get(list_id)
        .filter(|l| l.kind == kind)
        .ok_or_else(|| {
            GdError::bad(format!(
                "The request is rejected because the input {} is not owned by the current account.",
                kind.id_member()
            ))
        })
}

pub fn create(
    world: &mut World,
    caller: &Caller,
    kind: ListKind,
    input: CreateListInput,
) -> Result<Value, GdError> {
    check_name(&input.name)?;
    if !FORMATS.contains(&input.format.as_str()) {
        return Err(GdError::invalid_parameter("format"));
    }
    check_location(&input.location)?;
    check_owner(&input.expected_bucket_owner)?;
    if input.client_token.as_ref().is_some_and(|t| t.len() > 64) {
        return Err(GdError::invalid_parameter("clientToken"));
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    refuse_members(world, caller)?;
    if detector.lists.values().filter(|l| l.kind == kind).count() >= kind.quota() {
        return Err(GdError::bad(format!(
            "The request is rejected because the current account has reached the limit of {} {} per detector.",
            kind.quota(),
            kind.arn_segment()
        )));
    }
    let (status, error_details) = if input.activate {
        activation(world, &input.location, &input.expected_bucket_owner)
    } else {
        ("INACTIVE", None)
    };
    let now = world.clock.now_ms();
    let id = world.ids.hex(32);
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .lists
        .insert(
            id.clone(),
            ThreatList {
                id: id.clone(),
                kind,
                name: input.name,
                format: input.format,
                location: input.location,
                expected_bucket_owner: input.expected_bucket_owner,
                status: status.to_string(),
                error_details,
                tags,
                created_ms: now,
                updated_ms: now,
            },
        );
    Ok(json!({ kind.id_member(): id }))
}

pub fn get(
    world: &mut World,
    caller: &Caller,
    kind: ListKind,
    input: ListIdInput,
) -> Result<Value, GdError> {
    let list = lookup(world, caller, kind, &input.detector_id, &input.list_id)?;
    let mut out = Map::new();
    out.insert("name".into(), json!(list.name));
    out.insert("format".into(), json!(list.format));
    out.insert("location".into(), json!(list.location));
    out.insert("status".into(), json!(list.status));
    out.insert("tags".into(), json!(list.tags));
    if let Some(owner) = &list.expected_bucket_owner {
        out.insert("expectedBucketOwner".into(), json!(owner));
    }
    if kind.reports_details() {
        out.insert("createdAt".into(), json!(epoch_seconds(list.created_ms)));
        out.insert("updatedAt".into(), json!(epoch_seconds(list.updated_ms)));
        if let Some(details) = &list.error_details {
            out.insert("errorDetails".into(), json!(details));
        }
    }
    Ok(Value::Object(out))
}

pub fn update(
    world: &mut World,
    caller: &Caller,
    kind: ListKind,
    input: UpdateListInput,
) -> Result<Empty, GdError> {
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    if let Some(location) = &input.location {
        check_location(location)?;
    }
    check_owner(&input.expected_bucket_owner)?;
    let list = lookup(world, caller, kind, &input.detector_id, &input.list_id)?;
    refuse_members(world, caller)?;
    let location = input.location.clone().unwrap_or(list.location.clone());
    let owner = input
        .expected_bucket_owner
        .clone()
        .or(list.expected_bucket_owner.clone());
    let active = input.activate.unwrap_or(list.status != "INACTIVE");
    let (status, error_details) = if active {
        activation(world, &location, &owner)
    } else {
        ("INACTIVE", None)
    };
    let now = world.clock.now_ms();
    let list = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .lists
        .get_mut(&input.list_id)
        .expect("list checked before mutation");
    if let Some(name) = input.name {
        list.name = name;
    }
    list.location = location;
    list.expected_bucket_owner = owner;
    list.status = status.to_string();
    list.error_details = error_details;
    list.updated_ms = now;
    Ok(Empty {})
}

pub fn delete(
    world: &mut World,
    caller: &Caller,
    kind: ListKind,
    input: ListIdInput,
) -> Result<Empty, GdError> {
    lookup(world, caller, kind, &input.detector_id, &input.list_id)?;
    refuse_members(world, caller)?;
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .lists
        .remove(&input.list_id);
    Ok(Empty {})
}

pub fn list(
    world: &mut World,
    caller: &Caller,
    kind: ListKind,
    input: ListListsInput,
) -> Result<Value, GdError> {
    let listing = kind.arn_segment();
    let (max, after) = page(listing, input.max_results, &input.next_token, 50, 50)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let (ids, next) = take_page(
        detector
            .lists
            .range(after_bound(&after))
            .filter(|(_, l)| l.kind == kind)
            .map(|(id, _)| id.clone()),
        max,
        |id| id.clone(),
    );
    let ids_member = format!("{}s", kind.id_member());
    let mut out = Map::new();
    out.insert(ids_member, json!(ids));
    if let Some(key) = next {
        out.insert("nextToken".into(), json!(encode_token(listing, &key)));
    }
    Ok(Value::Object(out))
}

/// One handler per operation and kind, as the registry needs them.
macro_rules! list_handlers {
    ($kind:expr, $create:ident, $get:ident, $update:ident, $delete:ident, $list:ident) => {
        pub fn $create(w: &mut World, c: &Caller, i: CreateListInput) -> Result<Value, GdError> {
            create(w, c, $kind, i)
        }
        pub fn $get(w: &mut World, c: &Caller, i: ListIdInput) -> Result<Value, GdError> {
            get(w, c, $kind, i)
        }
        pub fn $update(w: &mut World, c: &Caller, i: UpdateListInput) -> Result<Empty, GdError> {
            update(w, c, $kind, i)
        }
        pub fn $delete(w: &mut World, c: &Caller, i: ListIdInput) -> Result<Empty, GdError> {
            delete(w, c, $kind, i)
        }
        pub fn $list(w: &mut World, c: &Caller, i: ListListsInput) -> Result<Value, GdError> {
            list(w, c, $kind, i)
        }
    };
}

list_handlers!(
    ListKind::IpSet,
    create_ip_set,
    get_ip_set,
    update_ip_set,
    delete_ip_set,
    list_ip_sets
);
list_handlers!(
    ListKind::ThreatIntelSet,
    create_threat_intel_set,
    get_threat_intel_set,
    update_threat_intel_set,
    delete_threat_intel_set,
    list_threat_intel_sets
);
list_handlers!(
    ListKind::ThreatEntitySet,
    create_threat_entity_set,
    get_threat_entity_set,
    update_threat_entity_set,
    delete_threat_entity_set,
    list_threat_entity_sets
);
list_handlers!(
    ListKind::TrustedEntitySet,
    create_trusted_entity_set,
    get_trusted_entity_set,
    update_trusted_entity_set,
    delete_trusted_entity_set,
    list_trusted_entity_sets
);
