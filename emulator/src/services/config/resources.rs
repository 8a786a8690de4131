//! Resources: what orgsim itself holds, as the Config resources of their AWS types —
//! GuardDuty detectors, Security Hub hubs, S3 buckets, CloudTrail trails, IAM users,
//! roles and customer managed policies (global types: recorded with
//! `includeGlobalResourceTypes` or when listed), third-party resources recorded with
//! `PutResourceConfig`, and the compliance of each evaluated resource
//! (`AWS::Config::ResourceCompliance`) — discovered once the account's recorder has
//! started. orgsim keeps no history: each resource has one configuration item, its
//! current state.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ConfigError;
use super::managed_rules::{evaluate, COMPLIANT, NON_COMPLIANT};
use super::model::Recorder;
use super::page;
use super::rules::active_rules;
use super::subjects;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

pub const DETECTOR: &str = "AWS::GuardDuty::Detector";
pub const HUB: &str = "AWS::SecurityHub::Hub";
pub const RESOURCE_COMPLIANCE: &str = "AWS::Config::ResourceCompliance";

/// One discovered resource and its current configuration.
#[derive(Clone, Debug)]
pub struct Resource {
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub arn: Option<String>,
    pub created_ms: Option<i64>,
    pub captured_ms: i64,
    pub configuration: Value,
    pub tags: Vec<(String, String)>,
}

/// Whether the recorder's recording group takes in `resource_type`.
fn records(recorder: &Recorder, resource_type: &str) -> bool {
    let group = &recorder.recording_group;
    let all = group
        .get("allSupported")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let listed = group
        .get("resourceTypes")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == resource_type));
    let excluded = group
        .pointer("/exclusionByResourceTypes/resourceTypes")
        .and_then(Value::as_array)
        .is_some_and(|types| types.iter().any(|t| t == resource_type));
    // IAM's global types need `includeGlobalResourceTypes` unless listed by name.
    let global = resource_type.starts_with("AWS::IAM::");
    let include_global = group
        .get("includeGlobalResourceTypes")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let all = all && (!global || include_global);
    (all || listed) && !excluded
}

pub const BUCKET: &str = "AWS::S3::Bucket";
pub const TRAIL: &str = "AWS::CloudTrail::Trail";
pub const IAM_USER: &str = "AWS::IAM::User";
pub const IAM_ROLE: &str = "AWS::IAM::Role";
pub const IAM_POLICY: &str = "AWS::IAM::Policy";

fn iam_tags(tags: &[crate::services::iam::model::Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

/// The account's S3 buckets in the region, its trails homed there, and its IAM users,
/// roles and customer managed policies (global: recorded in every region).
fn other_services(world: &World, account: &str, region: &str, started: i64) -> Vec<Resource> {
    let mut out = Vec::new();
    for b in world.s3.buckets.values() {
        if b.owner == account && b.region == region {
            out.push(Resource {
                resource_type: BUCKET.to_string(),
                resource_id: b.name.clone(),
                resource_name: Some(b.name.clone()),
                arn: Some(format!("arn:aws:s3:::{}", b.name)),
                created_ms: Some(b.created_ms),
                captured_ms: b.created_ms.max(started),
                configuration: json!({
                    "name": b.name,
                    "owner": {"id": b.owner},
                    "creationDate": crate::world::iso8601(b.created_ms),
                }),
                tags: b.tags.clone(),
            });
        }
    }
    for t in world.cloudtrail.trails.values() {
        if t.account_id == account && t.home_region == region {
            out.push(Resource {
                resource_type: TRAIL.to_string(),
                resource_id: t.name.clone(),
                resource_name: Some(t.name.clone()),
                arn: Some(t.arn.clone()),
                created_ms: None,
                captured_ms: started,
                configuration: json!({
                    "name": t.name,
                    "trailARN": t.arn,
                    "s3BucketName": t.s3_bucket_name,
                    "s3KeyPrefix": t.s3_key_prefix,
                    "includeGlobalServiceEvents": t.include_global_service_events,
                    "isMultiRegionTrail": t.is_multi_region_trail,
                    "logFileValidationEnabled": t.log_file_validation_enabled,
                    "homeRegion": t.home_region,
                    "isOrganizationTrail": t.organization_id.is_some(),
                }),
                tags: Vec::new(),
            });
        }
    }
    let (from, to) = crate::services::iam::model::account_range(account);
    for u in world
        .iam
        .users
        .range(from.clone()..to.clone())
        .map(|(_, u)| u)
    {
        out.push(Resource {
            resource_type: IAM_USER.to_string(),
            resource_id: u.id.clone(),
            resource_name: Some(u.name.clone()),
            arn: Some(u.arn(account)),
            created_ms: Some(u.created_ms),
            captured_ms: u.created_ms.max(started),
            configuration: json!({"userName": u.name, "userId": u.id, "path": u.path, "arn": u.arn(account)}),
            tags: iam_tags(&u.tags),
        });
    }
    for r in world
        .iam
        .roles
        .range(from.clone()..to.clone())
        .map(|(_, r)| r)
    {
        out.push(Resource {
            resource_type: IAM_ROLE.to_string(),
            resource_id: r.id.to_string(),
            resource_name: Some(r.name.to_string()),
            arn: Some(r.arn(account)),
            created_ms: Some(r.created_ms),
            captured_ms: r.created_ms.max(started),
            configuration: json!({"roleName": r.name, "roleId": r.id, "path": r.path, "arn": r.arn(account), "description": r.description}),
            tags: iam_tags(&r.tags),
        });
    }
    for p in world.iam.policies.range(from..to).map(|(_, p)| p) {
        out.push(Resource {
            resource_type: IAM_POLICY.to_string(),
            resource_id: p.id.clone(),
            resource_name: Some(p.name.clone()),
            arn: Some(p.arn(account)),
            created_ms: Some(p.created_ms),
            captured_ms: p.updated_ms.max(started),
            configuration: json!({"policyName": p.name, "policyId": p.id, "path": p.path, "arn": p.arn(account), "defaultVersionId": p.default_version}),
            tags: iam_tags(&p.tags),
        });
    }
    if let Some(a) = world.config.account(region, account) {
        for c in a.custom_resources.values() {
            out.push(Resource {
                resource_type: c.resource_type.clone(),
                resource_id: c.resource_id.clone(),
                resource_name: c.resource_name.clone(),
                arn: None,
                created_ms: None,
                captured_ms: c.recorded_ms,
                configuration: serde_json::from_str(&c.configuration)
                    .unwrap_or_else(|_| Value::String(c.configuration.clone())),
                tags: c.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            });
        }
    }
    out
}

/// Every resource discovered in (`account`, `region`), sorted by type then id; none
/// before the recorder has started.
pub fn discovered(world: &World, account: &str, region: &str) -> Vec<Resource> {
    let Some(recorder) = world.config.recorder(region, account) else {
        return Vec::new();
    };
    let Some(started) = recorder.last_start_ms else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(d) = world.guardduty.detector(region, account) {
        out.push(Resource {
            resource_type: DETECTOR.to_string(),
            resource_id: d.id.clone(),
            resource_name: None,
            arn: Some(d.arn()),
            created_ms: Some(d.created_ms),
            captured_ms: d.updated_ms.max(started),
            configuration: json!({"Enable": d.enabled, "FindingPublishingFrequency": d.finding_publishing_frequency}),
            tags: Vec::new(),
        });
    }
    if subjects::securityhub_enabled(world, account, region) {
        let arn = format!("arn:aws:securityhub:{region}:{account}:hub/default");
        out.push(Resource {
            resource_type: HUB.to_string(),
            resource_id: arn.clone(),
            resource_name: None,
            arn: Some(arn),
            created_ms: None,
            captured_ms: started,
            configuration: json!({}),
            tags: Vec::new(),
        });
    }
    out.extend(other_services(world, account, region, started));
    out.extend(resource_compliance(world, account, region, started));
    out.retain(|r| records(recorder, &r.resource_type));
    out.sort_by(|a, b| (&a.resource_type, &a.resource_id).cmp(&(&b.resource_type, &b.resource_id)));
    out
}

/// One `AWS::Config::ResourceCompliance` per evaluated resource.
fn resource_compliance(world: &World, account: &str, region: &str, started: i64) -> Vec<Resource> {
    // (type, id) → (rule name → compliance type)
    let mut by_resource: BTreeMap<(String, String), BTreeMap<String, String>> = BTreeMap::new();
    for rule in active_rules(world, account, region) {
        for result in evaluate(world, account, region, &rule) {
            by_resource
                .entry((result.resource_type, result.resource_id))
                .or_default()
                .insert(rule.name.clone(), result.compliance_type);
        }
    }
    by_resource
        .into_iter()
        .map(|((resource_type, resource_id), rules)| {
            let overall = if rules.values().any(|t| t == NON_COMPLIANT) {
                NON_COMPLIANT
            } else if rules.values().any(|t| t == COMPLIANT) {
                COMPLIANT
            } else {
                "NOT_APPLICABLE"
            };
            let id = format!("{resource_type}/{resource_id}");
            Resource {
                resource_type: RESOURCE_COMPLIANCE.to_string(),
                arn: Some(format!(
                    "arn:aws:config:{region}:{account}:resource-compliance/{id}"
                )),
                resource_name: Some(id.clone()),
                resource_id: id,
                created_ms: None,
                captured_ms: started.max(world.clock.now_ms()),
                configuration: json!({
                    "complianceType": overall,
                    "targetResourceId": resource_id,
                    "targetResourceType": resource_type,
                    "configRuleList": rules
                        .iter()
                        .map(|(name, t)| json!({"configRuleName": name, "complianceType": t}))
                        .collect::<Vec<_>>(),
                }),
                tags: Vec::new(),
            }
        })
        .collect()
}

fn require_recorder(world: &World, caller: &Caller) -> Result<(), ConfigError> {
    if world
        .config
        .recorder(&caller.region, &caller.account_id)
        .is_none()
    {
        return Err(ConfigError::NoAvailableConfigurationRecorder(
            "Configuration recorder is not available.".to_string(),
        ));
    }
    Ok(())
}

/// A `BaseConfigurationItem` / `ConfigurationItem` of the current state.
pub fn configuration_item(account: &str, region: &str, r: &Resource) -> Value {
    let mut item = json!({
        "version": "1.3",
        "accountId": account,
        "configurationItemCaptureTime": epoch_seconds(r.captured_ms),
        "configurationItemStatus": "ResourceDiscovered",
        "configurationStateId": r.captured_ms.to_string(),
        "resourceType": r.resource_type,
        "resourceId": r.resource_id,
        "awsRegion": region,
        "availabilityZone": "Regional",
        "configuration": r.configuration.to_string(),
        "supplementaryConfiguration": {},
        "recordingFrequency": "CONTINUOUS",
    });
    if let Some(arn) = &r.arn {
        item["arn"] = json!(arn);
    }
    if !r.tags.is_empty() {
        let tags: serde_json::Map<String, Value> =
            r.tags.iter().map(|(k, v)| (k.clone(), json!(v))).collect();
        item["tags"] = Value::Object(tags);
    }
    if let Some(name) = &r.resource_name {
        item["resourceName"] = json!(name);
    }
    if let Some(ms) = r.created_ms {
        item["resourceCreationTime"] = json!(epoch_seconds(ms));
    }
    item
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDiscoveredInput {
    pub resource_type: String,
    #[serde(default)]
    pub resource_ids: Vec<String>,
    pub resource_name: Option<String>,
    pub limit: Option<i64>,
    #[serde(default)]
    pub include_deleted_resources: bool,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListDiscoveredOutput {
    pub resource_identifiers: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_discovered_resources(
    world: &mut World,
    caller: &Caller,
    input: ListDiscoveredInput,
) -> Result<ListDiscoveredOutput, ConfigError> {
    let listing = format!(
        "ListDiscoveredResources {} {}",
        caller.region, input.resource_type
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    require_recorder(world, caller)?;
    let resources = discovered(world, &caller.account_id, &caller.region);
    let rest = resources.into_iter().filter(|r| {
        r.resource_type == input.resource_type
            && (input.resource_ids.is_empty() || input.resource_ids.contains(&r.resource_id))
            && input
                .resource_name
                .as_ref()
                .is_none_or(|n| r.resource_name.as_ref() == Some(n))
            && after.as_ref().is_none_or(|a| r.resource_id > *a)
    });
    let (rows, next) = take_page(rest, size, |r| r.resource_id.clone());
    Ok(ListDiscoveredOutput {
        resource_identifiers: rows
            .iter()
            .map(|r| {
                let mut id = json!({"resourceType": r.resource_type, "resourceId": r.resource_id});
                if let Some(name) = &r.resource_name {
                    id["resourceName"] = json!(name);
                }
                id
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CountsInput {
    #[serde(default)]
    pub resource_types: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CountsOutput {
    pub total_discovered_resources: usize,
    pub resource_counts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_discovered_resource_counts(
    world: &mut World,
    caller: &Caller,
    input: CountsInput,
) -> Result<CountsOutput, ConfigError> {
    let listing = format!("GetDiscoveredResourceCounts {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for r in discovered(world, &caller.account_id, &caller.region) {
        if input.resource_types.is_empty() || input.resource_types.contains(&r.resource_type) {
            *counts.entry(r.resource_type).or_default() += 1;
        }
    }
    let total = counts.values().sum();
    let rest = counts
        .into_iter()
        .filter(|(t, _)| after.as_ref().is_none_or(|a| t > a));
    let (rows, next) = take_page(rest, size, |(t, _)| t.clone());
    Ok(CountsOutput {
        total_discovered_resources: total,
        resource_counts: rows
            .iter()
            .map(|(t, n)| json!({"resourceType": t, "count": n}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceKey {
    pub resource_type: String,
    pub resource_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetInput {
    pub resource_keys: Vec<ResourceKey>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchGetOutput {
    pub base_configuration_items: Vec<Value>,
    pub unprocessed_resource_keys: Vec<Value>,
}

/// Keys of resources not discovered are left out of both lists, as AWS does.
pub fn batch_get_resource_config(
    world: &mut World,
    caller: &Caller,
    input: BatchGetInput,
) -> Result<BatchGetOutput, ConfigError> {
    if input.resource_keys.is_empty() || input.resource_keys.len() > 100 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'resourceKeys' failed to satisfy constraint: Member must have length between 1 and 100".to_string(),
        ));
    }
    require_recorder(world, caller)?;
    let resources = discovered(world, &caller.account_id, &caller.region);
    let items = input
        .resource_keys
        .iter()
        .filter_map(|k| {
            resources
                .iter()
                .find(|r| r.resource_type == k.resource_type && r.resource_id == k.resource_id)
        })
        .map(|r| configuration_item(&caller.account_id, &caller.region, r))
        .collect();
    Ok(BatchGetOutput {
        base_configuration_items: items,
        unprocessed_resource_keys: vec![],
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryInput {
    pub resource_type: String,
    pub resource_id: String,
    pub later_time: Option<f64>,
    pub earlier_time: Option<f64>,
    pub chronological_order: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryOutput {
    pub configuration_items: Vec<Value>,
}

/// The current configuration item only: orgsim keeps no history.
pub fn get_resource_config_history(
    world: &mut World,
    caller: &Caller,
    input: HistoryInput,
) -> Result<HistoryOutput, ConfigError> {
    if let (Some(later), Some(earlier)) = (input.later_time, input.earlier_time) {
        if earlier > later {
            return Err(ConfigError::InvalidTimeRange(
                "The earlier time must be before the later time.".to_string(),
            ));
        }
    }
    let listing = format!("GetResourceConfigHistory {}", caller.region);
    page(&listing, input.limit, 100, &input.next_token)?;
    require_recorder(world, caller)?;
    let resource = discovered(world, &caller.account_id, &caller.region)
        .into_iter()
        .find(|r| r.resource_type == input.resource_type && r.resource_id == input.resource_id)
        .ok_or_else(|| {
            ConfigError::ResourceNotDiscovered(format!(
                "Resource {} of resourceType:{} is unknown or has not been discovered",
                input.resource_id, input.resource_type
            ))
        })?;
    let captured = epoch_seconds(resource.captured_ms);
    // The one item stays current from its capture on, so any range ending after the
    // capture holds it.
    let in_range = input.later_time.is_none_or(|t| captured <= t);
    let items = if in_range {
        vec![configuration_item(
            &caller.account_id,
            &caller.region,
            &resource,
        )]
    } else {
        vec![]
    };
    Ok(HistoryOutput {
        configuration_items: items,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCOUNT: &str = "222222222222";

    #[test]
    fn detectors_and_compliance_are_discovered_once_recording() {
        let mut w = world();
        let list = json!({"resourceType": "AWS::GuardDuty::Detector"});
        assert_eq!(
            error_code(&mut w, ACCOUNT, "ListDiscoveredResources", list.clone()),
            "NoAvailableConfigurationRecorderException"
        );
        let detector = create_detector(&mut w, ACCOUNT);
        start_recording(&mut w, ACCOUNT);
        run_ok(
            &mut w,
            ACCOUNT,
            "PutConfigRule",
            json!({"ConfigRule": {"ConfigRuleName": "gd", "Source": {"Owner": "AWS", "SourceIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"}}}),
        );
        let listed = run_ok(&mut w, ACCOUNT, "ListDiscoveredResources", list);
        assert_eq!(
            listed["resourceIdentifiers"][0]["resourceId"],
            detector.as_str()
        );
        let counts = run_ok(&mut w, ACCOUNT, "GetDiscoveredResourceCounts", json!({}));
        // The detector, the account's compliance and its delivery bucket.
        assert_eq!(counts["totalDiscoveredResources"], 3);
        let compliance_id = format!("AWS::::Account/{ACCOUNT}");
        let got = run_ok(
            &mut w,
            ACCOUNT,
            "BatchGetResourceConfig",
            json!({"resourceKeys": [
                {"resourceType": "AWS::Config::ResourceCompliance", "resourceId": compliance_id},
                {"resourceType": "AWS::GuardDuty::Detector", "resourceId": "nope"}
            ]}),
        );
        let items = got["baseConfigurationItems"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let configuration: serde_json::Value =
            serde_json::from_str(items[0]["configuration"].as_str().unwrap()).unwrap();
        assert_eq!(configuration["complianceType"], "COMPLIANT");
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "GetResourceConfigHistory",
                json!({"resourceType": "AWS::GuardDuty::Detector", "resourceId": "nope"})
            ),
            "ResourceNotDiscoveredException"
        );
        let history = run_ok(
            &mut w,
            ACCOUNT,
            "GetResourceConfigHistory",
            json!({"resourceType": "AWS::GuardDuty::Detector", "resourceId": detector}),
        );
        assert_eq!(
            history["configurationItems"][0]["configurationItemStatus"],
            "ResourceDiscovered"
        );
    }
}
