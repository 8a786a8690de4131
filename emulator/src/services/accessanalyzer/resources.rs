//! GetAnalyzedResource, ListAnalyzedResources and StartResourceScan: the resources
//! in an analyzer's zone of trust, as it sees them now.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeSet;

use super::errors::AaError;
use super::model::{analyzer_key, Analyzer};
use super::scan::{resources, zone_of, Resource};
use super::{analyzer_by_arn, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

const RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Bucket",
    "AWS::IAM::Role",
    "AWS::SQS::Queue",
    "AWS::Lambda::Function",
    "AWS::Lambda::LayerVersion",
    "AWS::KMS::Key",
    "AWS::SecretsManager::Secret",
    "AWS::EFS::FileSystem",
    "AWS::EC2::Snapshot",
    "AWS::ECR::Repository",
    "AWS::RDS::DBSnapshot",
    "AWS::RDS::DBClusterSnapshot",
    "AWS::SNS::Topic",
    "AWS::S3Express::DirectoryBucket",
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::IAM::User",
];

fn in_scope(world: &World, analyzer: &Analyzer) -> Vec<Resource> {
    zone_of(world, analyzer)
        .map(|zone| resources(world, analyzer, &zone))
        .unwrap_or_default()
}

fn validate_resource_arn(arn: &str) -> Result<(), AaError> {
    if arn.starts_with("arn:") && arn.split(':').count() >= 6 {
        return Ok(());
    }
    Err(AaError::field(
        "resourceArn",
        format!("Invalid resource ARN: {arn}"),
    ))
}

fn not_analyzed(arn: &str) -> AaError {
    AaError::not_found(
        "AnalyzedResource",
        arn,
        format!("Analyzed resource {arn} not found."),
    )
}

/// The resource as `GetAnalyzedResource` shows it: access from its current findings.
fn analyzed(analyzer: &Analyzer, r: &Resource, now: i64) -> Value {
    let findings: Vec<_> = analyzer
        .findings
        .values()
        .filter(|f| f.resource == r.arn)
        .collect();
    let active: Vec<_> = findings.iter().filter(|f| f.status == "ACTIVE").collect();
    let actions: BTreeSet<&String> = active.iter().flat_map(|f| f.action.iter()).collect();
    let updated = findings
        .iter()
        .map(|f| f.updated_ms)
        .max()
        .unwrap_or(r.created_ms.max(analyzer.created_ms));
    let mut out = json!({
        "resourceArn": r.arn,
        "resourceType": r.resource_type,
        "createdAt": iso8601(r.created_ms),
        "analyzedAt": iso8601(now),
        "updatedAt": iso8601(updated),
        "isPublic": active.iter().any(|f| f.is_public),
        "resourceOwnerAccount": r.owner,
    });
    if !actions.is_empty() {
        out["actions"] = json!(actions);
        out["sharedVia"] = json!(["POLICY"]);
    }
    let status = if !active.is_empty() {
        Some("ACTIVE")
    } else if findings.iter().any(|f| f.status == "ARCHIVED") {
        Some("ARCHIVED")
    } else if !findings.is_empty() {
        Some("RESOLVED")
    } else {
        None
    };
    if let Some(status) = status {
        out["status"] = json!(status);
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAnalyzedResourceInput {
    pub analyzer_arn: String,
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
pub struct GetAnalyzedResourceOutput {
    pub resource: Value,
}

pub fn get_analyzed_resource(
    world: &mut World,
    caller: &Caller,
    input: GetAnalyzedResourceInput,
) -> Result<GetAnalyzedResourceOutput, AaError> {
    validate_resource_arn(&input.resource_arn)?;
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let resource = in_scope(world, analyzer)
        .into_iter()
        .find(|r| r.arn == input.resource_arn)
        .ok_or_else(|| not_analyzed(&input.resource_arn))?;
    Ok(GetAnalyzedResourceOutput {
        resource: analyzed(analyzer, &resource, world.clock.now_ms()),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAnalyzedResourcesInput {
    pub analyzer_arn: String,
    pub resource_type: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAnalyzedResourcesOutput {
    pub analyzed_resources: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_analyzed_resources(
    world: &mut World,
    caller: &Caller,
    input: ListAnalyzedResourcesInput,
) -> Result<ListAnalyzedResourcesOutput, AaError> {
    if let Some(t) = &input.resource_type {
        if !RESOURCE_TYPES.contains(&t.as_str()) {
            return Err(AaError::field(
                "resourceType",
                format!("Invalid resource type: {t}"),
            ));
        }
    }
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let listing = format!(
        "ListAnalyzedResources {} {}",
        analyzer.arn,
        input.resource_type.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let mut all: Vec<Resource> = in_scope(world, analyzer)
        .into_iter()
        .filter(|r| {
            input
                .resource_type
                .as_ref()
                .is_none_or(|t| t == r.resource_type)
        })
        .collect();
    all.sort_by(|a, b| a.arn.cmp(&b.arn));
    let items = all
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.arn > *a));
    let (page, next) = take_page(items, max, |r| r.arn.clone());
    Ok(ListAnalyzedResourcesOutput {
        analyzed_resources: page
            .into_iter()
            .map(|r| {
                json!({
                    "resourceArn": r.arn,
                    "resourceOwnerAccount": r.owner,
                    "resourceType": r.resource_type,
                })
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartResourceScanInput {
    pub analyzer_arn: String,
    pub resource_arn: String,
    pub resource_owner_account: Option<String>,
}

/// The scan itself has run at the start of the request (`sync`); the analyzer
/// records the resource as the last one analyzed.
pub fn start_resource_scan(
    world: &mut World,
    caller: &Caller,
    input: StartResourceScanInput,
) -> Result<Empty, AaError> {
    validate_resource_arn(&input.resource_arn)?;
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let resource = in_scope(world, analyzer)
        .into_iter()
        .find(|r| {
            r.arn == input.resource_arn
                && input
                    .resource_owner_account
                    .as_ref()
                    .is_none_or(|o| *o == r.owner)
        })
        .ok_or_else(|| not_analyzed(&input.resource_arn))?;
    let key = analyzer_key(&analyzer.region, &analyzer.account, &analyzer.name);
    let now = world.clock.now_ms();
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    analyzer.last_resource_analyzed = Some(resource.arn);
    analyzer.last_resource_analyzed_ms = Some(now);
    Ok(Empty {})
}
