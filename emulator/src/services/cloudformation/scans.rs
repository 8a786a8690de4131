//! IaC generator resource scans: a scan records the resources of the caller's account
//! and region that orgsim's providers can enumerate ([`inventory`]), with their primary
//! identifiers, tags, relations and whether a stack manages them.
//!
//! A scan completes within StartResourceScan (orgsim's calls are synchronous), so no
//! scan is ever `IN_PROGRESS` and `ResourceScanInProgress` cannot arise. Scan data
//! expires after 30 days as AWS's does; AWS's daily quotas (full and partial scans)
//! count over the last 24 hours of world time.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::CfnError;
use super::providers::inventory::{self, Identifier};
use super::stacksets::page;
use crate::auth::Caller;
use crate::world::{iso8601, World};

/// AWS keeps a scan's results for 30 days.
const RETENTION_MS: i64 = 30 * 24 * 3600 * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;
/// AWS's quotas: full scans per account per day, partial scans per day.
pub const FULL_SCANS_PER_DAY: usize = 3;
pub const PARTIAL_SCANS_PER_DAY: usize = 10;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResourceScan {
    pub id: String,
    pub client_request_token: Option<String>,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The `Types` of each `ScanFilter` (a partial scan), empty for a full scan.
    pub filters: Vec<Vec<String>>,
    /// The types scanned.
    pub types: Vec<String>,
    pub resources: Vec<ScannedResource>,
}

impl ResourceScan {
    fn scan_type(&self) -> &'static str {
        if self.filters.is_empty() {
            "FULL"
        } else {
            "PARTIAL"
        }
    }

    fn status(&self, now_ms: i64) -> &'static str {
        if now_ms - self.end_ms > RETENTION_MS {
            "EXPIRED"
        } else {
            "COMPLETE"
        }
    }

    fn filters_shape(&self) -> Option<Value> {
        (!self.filters.is_empty()).then(|| {
            Value::Array(
                self.filters
                    .iter()
                    .map(|types| json!({"Types": types}))
                    .collect(),
            )
        })
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScannedResource {
    pub type_name: String,
    pub identifier: Identifier,
    pub tags: Vec<(String, String)>,
    pub related: Vec<(String, Identifier)>,
    pub managed_by_stack: bool,
}

/// A map member in the form the awsQuery encoder writes (`<entry><key/><value/>`).
pub fn identifier_shape(identifier: &Identifier) -> Value {
    json!({"entry": identifier
        .iter()
        .map(|(k, v)| json!({"key": k, "value": v}))
        .collect::<Vec<_>>()})
}

fn resource_shape(r: &ScannedResource) -> Value {
    json!({
        "ResourceType": r.type_name,
        "ResourceIdentifier": identifier_shape(&r.identifier),
        "ManagedByStack": r.managed_by_stack,
    })
}

/// `AWS::S3::*`, `AWS::S3::Bucket`, `AWS::*`: does `type_name` match the filter.
fn matches_filter(filter: &str, type_name: &str) -> bool {
    match filter.strip_suffix('*') {
        Some(prefix) => type_name.starts_with(prefix),
        None => filter == type_name,
    }
}

/// Is a resource of this type with this identifier one of a live stack's resources.
fn managed_by_stack(world: &World, caller: &Caller, type_name: &str, ident: &Identifier) -> bool {
    let Some(physical) = ident.values().next() else {
        return false;
    };
    world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .is_some_and(|r| {
            r.stacks.iter().filter(|s| !s.deleted()).any(|s| {
                s.resources
                    .iter()
                    .any(|res| res.type_name == type_name && &res.physical_id == physical)
            })
        })
}

fn scans<'w>(world: &'w World, caller: &Caller) -> &'w [ResourceScan] {
    world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .map(|r| r.resource_scans.as_slice())
        .unwrap_or_default()
}

/// The caller's scan `id` (its ARN).
pub fn find<'w>(world: &'w World, caller: &Caller, id: &str) -> Result<&'w ResourceScan, CfnError> {
    scans(world, caller)
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| CfnError::ResourceScanNotFound(format!("Resource scan {id} does not exist")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanFilterInput {
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::list")]
    pub types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartResourceScanInput {
    pub client_request_token: Option<String>,
    #[serde(default, deserialize_with = "super::stacksets::opt_list")]
    pub scan_filters: Option<Vec<ScanFilterInput>>,
}

pub fn start_resource_scan(
    world: &mut World,
    caller: &Caller,
    input: StartResourceScanInput,
) -> Result<Value, CfnError> {
    if let Some(token) = &input.client_request_token {
        let valid = (1..=128).contains(&token.len())
            && token.starts_with(|c: char| c.is_ascii_alphanumeric())
            && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !valid {
            return Err(CfnError::constraint(
                token,
                "clientRequestToken",
                "Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*",
            ));
        }
        if let Some(done) = scans(world, caller)
            .iter()
            .find(|s| s.client_request_token.as_ref() == Some(token))
        {
            return Ok(json!({"ResourceScanId": done.id}));
        }
    }
    let filters: Vec<Vec<String>> = input
        .scan_filters
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.types)
        .collect();
    if filters.len() > 1 {
        return Err(CfnError::constraint(
            &format!("{filters:?}"),
            "scanFilters",
            "Member must have length less than or equal to 1",
        ));
    }
    if let Some(types) = filters.iter().find(|t| t.len() > 100) {
        return Err(CfnError::constraint(
            &format!("{types:?}"),
            "scanFilters.1.member.types",
            "Member must have length less than or equal to 100",
        ));
    }
    let now = world.clock.now_ms();
    let partial = !filters.is_empty();
    let (quota, kind) = if partial {
        (PARTIAL_SCANS_PER_DAY, "partial")
    } else {
        (FULL_SCANS_PER_DAY, "full")
    };
    let today = scans(world, caller)
        .iter()
        .filter(|s| now - s.start_ms < DAY_MS && s.filters.is_empty() != partial)
        .count();
    if today >= quota {
        return Err(CfnError::ResourceScanLimitExceeded(format!(
            "You have exceeded the limit of {quota} {kind} resource scans per day"
        )));
    }
    let types: Vec<String> = inventory::SCANNABLE
        .iter()
        .filter(|t| filters.iter().flatten().any(|f| matches_filter(f, t)) || !partial)
        .map(|t| t.to_string())
        .collect();
    let resources: Vec<ScannedResource> = inventory::all(world, &caller.account_id, &caller.region)
        .into_iter()
        .filter(|f| types.iter().any(|t| t == f.type_name))
        .map(|f| ScannedResource {
            managed_by_stack: managed_by_stack(world, caller, f.type_name, &f.identifier),
            type_name: f.type_name.to_string(),
            identifier: f.identifier,
            tags: f.tags,
            related: f
                .related
                .into_iter()
                .map(|(t, i)| (t.to_string(), i))
                .collect(),
        })
        .collect();
    let id = format!(
        "arn:aws:cloudformation:{}:{}:resourceScan/{}",
        caller.region,
        caller.account_id,
        world.ids.uuid()
    );
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .resource_scans
        .push(ResourceScan {
            id: id.clone(),
            client_request_token: input.client_request_token,
            start_ms: now,
            end_ms: now,
            filters,
            types,
            resources,
        });
    Ok(json!({"ResourceScanId": id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeResourceScanInput {
    pub resource_scan_id: String,
}

pub fn describe_resource_scan(
    world: &mut World,
    caller: &Caller,
    input: DescribeResourceScanInput,
) -> Result<Value, CfnError> {
    let scan = find(world, caller, &input.resource_scan_id)?;
    Ok(json!({
        "ResourceScanId": scan.id,
        "Status": scan.status(world.clock.now_ms()),
        "StartTime": iso8601(scan.start_ms),
        "EndTime": iso8601(scan.end_ms),
        "PercentageCompleted": 100.0,
        "ResourceTypes": scan.types,
        "ResourcesScanned": scan.resources.len(),
        "ResourcesRead": scan.resources.len(),
        "ScanFilters": scan.filters_shape(),
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceScansInput {
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::opt_i64")]
    pub max_results: Option<i64>,
    pub scan_type_filter: Option<String>,
}

pub fn list_resource_scans(
    world: &mut World,
    caller: &Caller,
    input: ListResourceScansInput,
) -> Result<Value, CfnError> {
    if let Some(t) = input.scan_type_filter.as_deref() {
        if t != "FULL" && t != "PARTIAL" {
            return Err(CfnError::constraint(
                t,
                "scanTypeFilter",
                "Member must satisfy enum value set: [FULL, PARTIAL]",
            ));
        }
    }
    let now = world.clock.now_ms();
    let summaries: Vec<Value> = scans(world, caller)
        .iter()
        .rev()
        .filter(|s| {
            input
                .scan_type_filter
                .as_deref()
                .is_none_or(|t| t == s.scan_type())
        })
        .map(|s| {
            json!({
                "ResourceScanId": s.id,
                "Status": s.status(now),
                "StartTime": iso8601(s.start_ms),
                "EndTime": iso8601(s.end_ms),
                "PercentageCompleted": 100.0,
                "ScanType": s.scan_type(),
            })
        })
        .collect();
    let (page, next) = page(
        summaries,
        "ListResourceScans",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"ResourceScanSummaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceScanResourcesInput {
    pub resource_scan_id: String,
    pub resource_identifier: Option<String>,
    pub resource_type_prefix: Option<String>,
    pub tag_key: Option<String>,
    pub tag_value: Option<String>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::opt_i64")]
    pub max_results: Option<i64>,
}

pub fn list_resource_scan_resources(
    world: &mut World,
    caller: &Caller,
    input: ListResourceScanResourcesInput,
) -> Result<Value, CfnError> {
    let scan = find(world, caller, &input.resource_scan_id)?;
    let resources: Vec<Value> = scan
        .resources
        .iter()
        .filter(|r| {
            input
                .resource_type_prefix
                .as_deref()
                .is_none_or(|p| r.type_name.starts_with(p.trim_end_matches('*')))
        })
        .filter(|r| {
            input
                .resource_identifier
                .as_deref()
                .is_none_or(|wanted| r.identifier.values().any(|v| v.contains(wanted)))
        })
        .filter(|r| {
            r.tags.iter().any(|(k, v)| {
                input.tag_key.as_deref().is_none_or(|key| key == k)
                    && input.tag_value.as_deref().is_none_or(|value| value == v)
            }) || (input.tag_key.is_none() && input.tag_value.is_none())
        })
        .map(resource_shape)
        .collect();
    let listing = format!("ListResourceScanResources {}", scan.id);
    let (page, next) = page(
        resources,
        &listing,
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Resources": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScannedResourceIdentifierInput {
    pub resource_type: String,
    #[serde(default)]
    pub resource_identifier: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResourceScanRelatedResourcesInput {
    pub resource_scan_id: String,
    #[serde(deserialize_with = "crate::services::iam::dto::de::list")]
    pub resources: Vec<ScannedResourceIdentifierInput>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::opt_i64")]
    pub max_results: Option<i64>,
}

pub fn list_resource_scan_related_resources(
    world: &mut World,
    caller: &Caller,
    input: ListResourceScanRelatedResourcesInput,
) -> Result<Value, CfnError> {
    let scan = find(world, caller, &input.resource_scan_id)?;
    if input.resources.is_empty() || input.resources.len() > 100 {
        return Err(CfnError::constraint(
            &input.resources.len().to_string(),
            "resources",
            "Member must have length between 1 and 100",
        ));
    }
    let given: Vec<(&str, &Identifier)> = input
        .resources
        .iter()
        .map(|r| (r.resource_type.as_str(), &r.resource_identifier))
        .collect();
    let mut related: Vec<&ScannedResource> = Vec::new();
    for r in scan
        .resources
        .iter()
        .filter(|r| given.contains(&(r.type_name.as_str(), &r.identifier)))
    {
        for (type_name, ident) in &r.related {
            let Some(other) = scan
                .resources
                .iter()
                .find(|o| &o.type_name == type_name && &o.identifier == ident)
            else {
                continue;
            };
            let is_given = given.contains(&(other.type_name.as_str(), &other.identifier));
            if !is_given && !related.iter().any(|seen| std::ptr::eq(*seen, other)) {
                related.push(other);
            }
        }
    }
    let shapes: Vec<Value> = related.into_iter().map(resource_shape).collect();
    let listing = format!("ListResourceScanRelatedResources {}", scan.id);
    let (page, next) = page(
        shapes,
        &listing,
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"RelatedResources": page, "NextToken": next}))
}
