//! Detectors (one per account and region) and tags on GuardDuty resources.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::errors::GdError;
use super::features::{self, DataSourcesInput, FeatureInput, FeatureResult};
use super::model::{Detector, ListKind, OrgConfig};
use super::organizations_link::GuardDuty;
use super::{own_detector, page, Empty};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

const FREQUENCIES: &[&str] = &["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"];
const MAX_TAGS: usize = 50;

/// A new, enabled detector with AWS's defaults.
pub fn new_detector(world: &mut World, account: &str, region: &str) -> Detector {
    let now = world.clock.now_ms();
    Detector {
        id: world.ids.hex(32),
        account_id: account.to_string(),
        region: region.to_string(),
        enabled: true,
        finding_publishing_frequency: "SIX_HOURS".to_string(),
        features: features::default_features(now),
        created_ms: now,
        updated_ms: now,
        tags: OrdMap::new(),
        members: OrdMap::new(),
        findings: OrdMap::new(),
        filters: OrdMap::new(),
        org_config: OrgConfig::default(),
        lists: OrdMap::new(),
        destinations: OrdMap::new(),
        scan_settings: Default::default(),
        investigations: Default::default(),
        rule_associations: Default::default(),
        rule_org_configs: Default::default(),
    }
}

/// Gives `account` a detector in `region` if it has none; returns its id.
pub fn ensure_detector(world: &mut World, account: &str, region: &str) -> String {
    if let Some(d) = world.guardduty.detector(region, account) {
        return d.id.clone();
    }
    let detector = new_detector(world, account, region);
    let id = detector.id.clone();
    world.guardduty.account_mut(region, account).detector = Some(detector);
    id
}

fn check_frequency(frequency: &Option<String>) -> Result<(), GdError> {
    match frequency {
        Some(f) if !FREQUENCIES.contains(&f.as_str()) => {
            Err(GdError::invalid_parameter("findingPublishingFrequency"))
        }
        _ => Ok(()),
    }
}

/// `TagMap` rules: keys 1..128 not starting `aws:`, values up to 256.
pub fn check_tags(tags: &OrdMap<String, String>) -> Result<(), GdError> {
    for (key, value) in tags.iter() {
        let key_ok = !key.is_empty()
            && key.len() <= 128
            && !key.starts_with("aws:")
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-=._:/ ".contains(c));
        if !key_ok || value.len() > 256 {
            return Err(GdError::invalid_parameter("tags"));
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(GdError::bad(
            "The request is rejected because the number of tags exceeds the limit of 50.",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDetectorInput {
    pub enable: bool,
    pub client_token: Option<String>,
    pub finding_publishing_frequency: Option<String>,
    pub data_sources: Option<DataSourcesInput>,
    pub tags: Option<OrdMap<String, String>>,
    pub features: Option<Vec<FeatureInput>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateDetectorOutput {
    pub detector_id: String,
}

pub fn create_detector(
    world: &mut World,
    caller: &Caller,
    input: CreateDetectorInput,
) -> Result<CreateDetectorOutput, GdError> {
    check_frequency(&input.finding_publishing_frequency)?;
    let changes = features::parse_changes(&input.features, &input.data_sources, false)?;
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    if input.client_token.as_ref().is_some_and(|t| t.len() > 64) {
        return Err(GdError::invalid_parameter("clientToken"));
    }
    if world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(GdError::bad(
            "The request is rejected because a detector already exists for the current account.",
        ));
    }
    let now = world.clock.now_ms();
    let mut detector = new_detector(world, &caller.account_id, &caller.region);
    detector.enabled = input.enable;
    if let Some(frequency) = input.finding_publishing_frequency {
        detector.finding_publishing_frequency = frequency;
    }
    features::apply_changes(&mut detector, &changes, now);
    detector.tags = tags;
    let detector_id = detector.id.clone();
    world
        .guardduty
        .account_mut(&caller.region, &caller.account_id)
        .detector = Some(detector);
    // AWS creates GuardDuty's service-linked role with the first detector.
    crate::services::iam::service_linked::ensure(
        world,
        &caller.account_id,
        "guardduty.amazonaws.com",
    );
    Ok(CreateDetectorOutput { detector_id })
}

#[derive(Debug, Deserialize)]
pub struct DetectorIdInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDetectorOutput {
    pub created_at: String,
    pub finding_publishing_frequency: String,
    pub service_role: String,
    pub status: &'static str,
    pub updated_at: String,
    pub data_sources: serde_json::Value,
    pub tags: OrdMap<String, String>,
    pub features: Vec<FeatureResult>,
}

pub fn get_detector(
    world: &mut World,
    caller: &Caller,
    input: DetectorIdInput,
) -> Result<GetDetectorOutput, GdError> {
    let d = own_detector(world, caller, &input.detector_id)?;
    Ok(GetDetectorOutput {
        created_at: iso8601(d.created_ms),
        finding_publishing_frequency: d.finding_publishing_frequency.clone(),
        service_role: format!(
            "arn:aws:iam::{}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty",
            d.account_id
        ),
        status: if d.enabled { "ENABLED" } else { "DISABLED" },
        updated_at: iso8601(d.updated_ms),
        data_sources: features::data_sources_result(d),
        tags: d.tags.clone(),
        features: features::feature_results(d, false),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDetectorInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub enable: Option<bool>,
    pub finding_publishing_frequency: Option<String>,
    pub data_sources: Option<DataSourcesInput>,
    pub features: Option<Vec<FeatureInput>>,
}

pub fn update_detector(
    world: &mut World,
    caller: &Caller,
    input: UpdateDetectorInput,
) -> Result<Empty, GdError> {
    check_frequency(&input.finding_publishing_frequency)?;
    let changes = features::parse_changes(&input.features, &input.data_sources, false)?;
    own_detector(world, caller, &input.detector_id)?;
    let now = world.clock.now_ms();
    let detector = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id);
    if let Some(enable) = input.enable {
        detector.enabled = enable;
    }
    if let Some(frequency) = input.finding_publishing_frequency {
        detector.finding_publishing_frequency = frequency;
    }
    features::apply_changes(detector, &changes, now);
    detector.updated_ms = now;
    Ok(Empty {})
}

pub fn delete_detector(
    world: &mut World,
    caller: &Caller,
    input: DetectorIdInput,
) -> Result<Empty, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    if detector.members.values().any(|m| {
        m.relationship.associated() || m.relationship == super::model::Relationship::Invited
    }) {
        return Err(GdError::bad(
            "The request is rejected because the current account cannot delete detector while it has invited or associated members.",
        ));
    }
    if org_integration::administers_in::<GuardDuty>(world, &caller.region, &caller.account_id) {
        return Err(GdError::bad(
            "The request is rejected because the current account is the delegated administrator of its organization; disable it as administrator first.",
        ));
    }
    if world
        .guardduty
        .administrator_of(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(GdError::bad(
            "The request is rejected because the current account cannot delete detector while it is a member account; disassociate from the administrator account first.",
        ));
    }
    world
        .guardduty
        .account_mut(&caller.region, &caller.account_id)
        .detector = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetectorsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDetectorsOutput {
    pub detector_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_detectors(
    world: &mut World,
    caller: &Caller,
    input: ListDetectorsInput,
) -> Result<ListDetectorsOutput, GdError> {
    let listing = "ListDetectors";
    let (max, after) = page(listing, input.max_results, &input.next_token, 50, 50)?;
    let ids = world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .map(|d| d.id.clone())
        .into_iter()
        .filter(|id| after.as_ref().is_none_or(|a| id > a));
    let (detector_ids, next) = take_page(ids, max, |id| id.clone());
    Ok(ListDetectorsOutput {
        detector_ids,
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}

/// A taggable resource of the caller: a detector, one of its filters, lists and
/// publishing destinations, or a malware protection plan.
enum Taggable {
    Detector,
    Filter(String),
    List(String),
    Destination(String),
    Plan(String),
}

fn no_such_resource(arn: &str) -> GdError {
    GdError::bad(format!(
        "The request is rejected because the resource {arn} does not exist."
    ))
}

/// Finds the caller's resource an ARN names. Another account's resource → 403.
fn taggable(world: &World, caller: &Caller, arn: &str) -> Result<Taggable, GdError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, service, region, account, resource] = parts.as_slice() else {
        return Err(GdError::invalid_parameter("resourceArn"));
    };
    if !arn.starts_with("arn:") || *service != "guardduty" {
        return Err(GdError::invalid_parameter("resourceArn"));
    }
    let path: Vec<&str> = resource.split('/').collect();
    if !matches!(
        path.as_slice(),
        ["detector", ..] | ["malware-protection-plan", _]
    ) {
        return Err(GdError::invalid_parameter("resourceArn"));
    }
    if *account != caller.account_id || *region != caller.region {
        return Err(GdError::AccessDenied(format!(
            "The request is rejected because the caller is not authorized to access the resource {arn}."
        )));
    }
    if let ["malware-protection-plan", id] = path.as_slice() {
        let exists = world
            .guardduty
            .account(region, account)
            .is_some_and(|a| a.malware_plans.contains_key(*id));
        return if exists {
            Ok(Taggable::Plan(id.to_string()))
        } else {
            Err(no_such_resource(arn))
        };
    }
    let detector = own_detector(world, caller, path[1])?;
    match &path[2..] {
        [] => Ok(Taggable::Detector),
        ["filter", name] if detector.filters.contains_key(*name) => {
            Ok(Taggable::Filter(name.to_string()))
        }
        [segment, id]
            if ListKind::from_arn_segment(segment)
                .is_some_and(|k| detector.lists.get(*id).is_some_and(|l| l.kind == k)) =>
        {
            Ok(Taggable::List(id.to_string()))
        }
        ["publishingDestination", id] if detector.destinations.contains_key(*id) => {
            Ok(Taggable::Destination(id.to_string()))
        }
        ["filter"
        | "ipset"
        | "threatintelset"
        | "threatentityset"
        | "trustedentityset"
        | "publishingDestination", _] => Err(no_such_resource(arn)),
        _ => Err(GdError::invalid_parameter("resourceArn")),
    }
}

fn current_tags(world: &World, caller: &Caller, target: &Taggable) -> OrdMap<String, String> {
    let Some(account) = world.guardduty.account(&caller.region, &caller.account_id) else {
        return OrdMap::new();
    };
    if let Taggable::Plan(id) = target {
        return account
            .malware_plans
            .get(id)
            .map(|p| p.tags.clone())
            .unwrap_or_default();
    }
    let Some(detector) = account.detector.as_ref() else {
        return OrdMap::new();
    };
    let tags = match target {
        Taggable::Detector => Some(&detector.tags),
        Taggable::Filter(name) => detector.filters.get(name).map(|f| &f.tags),
        Taggable::List(id) => detector.lists.get(id).map(|l| &l.tags),
        Taggable::Destination(id) => detector.destinations.get(id).map(|d| &d.tags),
        Taggable::Plan(_) => None,
    };
    tags.cloned().unwrap_or_default()
}

fn tags_mut<'w>(
    world: &'w mut World,
    caller: &Caller,
    target: &Taggable,
) -> &'w mut OrdMap<String, String> {
    const CHECKED: &str = "resource checked before mutation";
    if let Taggable::Plan(id) = target {
        return &mut world
            .guardduty
            .account_mut(&caller.region, &caller.account_id)
            .malware_plans
            .get_mut(id)
            .expect(CHECKED)
            .tags;
    }
    let detector = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id);
    match target {
        Taggable::Detector => &mut detector.tags,
        Taggable::Filter(name) => &mut detector.filters.get_mut(name).expect(CHECKED).tags,
        Taggable::List(id) => &mut detector.lists.get_mut(id).expect(CHECKED).tags,
        Taggable::Destination(id) => &mut detector.destinations.get_mut(id).expect(CHECKED).tags,
        Taggable::Plan(_) => unreachable!("plans answered above"),
    }
}

#[derive(Debug, Deserialize)]
pub struct TagResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: String,
    pub tags: OrdMap<String, String>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, GdError> {
    if input.tags.is_empty() {
        return Err(GdError::invalid_parameter("tags"));
    }
    let target = taggable(world, caller, &input.resource_arn)?;
    let mut merged = current_tags(world, caller, &target);
    merged.extend(input.tags);
    check_tags(&merged)?;
    *tags_mut(world, caller, &target) = merged;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: String,
    #[serde(rename = "tagKeys")]
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, GdError> {
    if input.tag_keys.is_empty() || input.tag_keys.len() > 200 {
        return Err(GdError::invalid_parameter("tagKeys"));
    }
    let target = taggable(world, caller, &input.resource_arn)?;
    let tags = tags_mut(world, caller, &target);
    for key in &input.tag_keys {
        tags.remove(key);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct ListTagsForResourceInput {
    #[serde(rename = "ResourceArn")]
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
pub struct ListTagsForResourceOutput {
    pub tags: OrdMap<String, String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, GdError> {
    let target = taggable(world, caller, &input.resource_arn)?;
    Ok(ListTagsForResourceOutput {
        tags: current_tags(world, caller, &target),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCT: &str = "222222222222";

    #[test]
    fn one_detector_per_account_and_region() {
        let mut w = world();
        let id = create_detector(&mut w, ACCT);
        assert_eq!(id.len(), 32);
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let again = run(
            &mut w,
            &root_caller(ACCT),
            "CreateDetector",
            json!({"enable": true}),
        );
        assert_eq!(error_of(again).0, "BadRequestException");
        let mut west = root_caller(ACCT);
        west.region = "eu-west-1".into();
        run(&mut w, &west, "CreateDetector", json!({"enable": true})).expect("other region");
        let listed = run_ok(&mut w, ACCT, "ListDetectors", json!({}));
        assert_eq!(listed["detectorIds"], json!([id]));
    }

    #[test]
    fn get_reports_features_role_and_status() {
        let mut w = world();
        let id = create_detector(&mut w, ACCT);
        let d = run_ok(&mut w, ACCT, "GetDetector", json!({"DetectorId": id}));
        assert_eq!(d["status"], "ENABLED");
        assert_eq!(
            d["serviceRole"],
            "arn:aws:iam::222222222222:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
        );
        let features = d["features"].as_array().unwrap();
        let runtime = features
            .iter()
            .find(|f| f["name"] == "RUNTIME_MONITORING")
            .unwrap();
        assert_eq!(runtime["status"], "DISABLED");
        assert_eq!(d["dataSources"]["s3Logs"]["status"], "ENABLED");

        run_ok(
            &mut w,
            ACCT,
            "UpdateDetector",
            json!({"DetectorId": id, "enable": false, "features": [{"name": "S3_DATA_EVENTS", "status": "DISABLED"}]}),
        );
        let d = run_ok(&mut w, ACCT, "GetDetector", json!({"DetectorId": id}));
        assert_eq!(d["status"], "DISABLED");
        assert_eq!(d["dataSources"]["s3Logs"]["status"], "DISABLED");
    }

    #[test]
    fn foreign_or_malformed_detector_ids_are_refused() {
        let mut w = world();
        let mine = create_detector(&mut w, ACCT);
        let theirs = create_detector(&mut w, "333333333333");
        let (code, message) = error_of(run(
            &mut w,
            &root_caller(ACCT),
            "GetDetector",
            json!({"DetectorId": theirs}),
        ));
        assert_eq!(code, "BadRequestException");
        assert!(
            message.contains("not owned by the current account"),
            "{message}"
        );
        let both = run(
            &mut w,
            &root_caller(ACCT),
            "CreateDetector",
            json!({"enable": true, "features": [{"name": "EKS_RUNTIME_MONITORING"}, {"name": "RUNTIME_MONITORING"}]}),
        );
        assert_eq!(error_of(both).0, "BadRequestException");
        run_ok(&mut w, ACCT, "DeleteDetector", json!({"DetectorId": mine}));
        assert_eq!(
            run_ok(&mut w, ACCT, "ListDetectors", json!({}))["detectorIds"],
            json!([])
        );
    }

    #[test]
    fn tags_on_detectors() {
        let mut w = world();
        let id = create_detector(&mut w, ACCT);
        let arn = format!("arn:aws:guardduty:us-east-1:{ACCT}:detector/{id}");
        run_ok(
            &mut w,
            ACCT,
            "TagResource",
            json!({"ResourceArn": arn, "tags": {"team": "sec", "env": "prod"}}),
        );
        run_ok(
            &mut w,
            ACCT,
            "UntagResource",
            json!({"ResourceArn": arn, "tagKeys": ["env"]}),
        );
        let tags = run_ok(
            &mut w,
            ACCT,
            "ListTagsForResource",
            json!({"ResourceArn": arn}),
        );
        assert_eq!(tags["tags"], json!({"team": "sec"}));
        let other = run(
            &mut w,
            &root_caller("333333333333"),
            "ListTagsForResource",
            json!({"ResourceArn": arn}),
        );
        assert_eq!(error_of(other).0, "AccessDeniedException");
        let reserved = run(
            &mut w,
            &root_caller(ACCT),
            "TagResource",
            json!({"ResourceArn": arn, "tags": {"aws:x": "1"}}),
        );
        assert_eq!(error_of(reserved).0, "BadRequestException");
    }
}
