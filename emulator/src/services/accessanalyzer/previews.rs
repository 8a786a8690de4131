//! Access previews: CreateAccessPreview, GetAccessPreview, ListAccessPreviews,
//! ListAccessPreviewFindings. A preview analyses proposed role trust policies and
//! bucket policies against the analyzer's zone of trust and compares what they
//! would grant with the analyzer's current findings. It completes at once. Other
//! resource types fail with `INVALID_CONFIGURATION` (orgsim holds no such resources).

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use super::criteria::{criterion_holds, matches_filter, validate_filter};
use super::errors::AaError;
use super::model::{AccessPreview, Analyzer, Criterion, Finding, PreviewFinding};
use super::scan::{findings_of_policy, zone_of, Observed, BUCKET, ROLE};
use super::{analyzer_by_arn, page};
use crate::auth::Caller;
use crate::policy::{parse, Dialect, PolicyDocument};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAccessPreviewInput {
    pub analyzer_arn: String,
    pub configurations: Map<String, Value>,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct IdOutput {
    pub id: String,
}

/// The proposed policy of one configured resource: (type, owner, document or none).
type Proposal = (&'static str, String, Option<PolicyDocument>, bool);

fn proposal(
    world: &World,
    analyzer: &Analyzer,
    arn: &str,
    config: &Value,
) -> Result<Proposal, String> {
    let Some(object) = config.as_object().filter(|o| o.len() == 1) else {
        return Err("A configuration must set exactly one resource type.".into());
    };
    let (kind, body) = object.iter().next().expect("one member");
    match kind.as_str() {
        "iamRole" => {
            let owner = super::access::account_of(arn)
                .ok_or("The IAM role ARN is not valid.")?
                .to_string();
            let name = arn.rsplit('/').next().unwrap_or_default();
            let existing = world
                .iam
                .roles
                .get(&crate::services::iam::model::entity_key(&owner, name))
                .and_then(|r| r.trust_policy.parsed.as_deref().cloned());
            let doc = match body.get("trustPolicy").and_then(Value::as_str) {
                Some(text) => Some(parse(text, Dialect::TrustPolicy).map_err(|e| e.message)?),
                None => existing,
            };
            Ok((ROLE, owner, doc, false))
        }
        "s3Bucket" => {
            let name = arn
                .strip_prefix("arn:aws:s3:::")
                .filter(|n| !n.is_empty() && !n.contains('/'))
                .ok_or("The S3 bucket ARN is not valid.")?;
            let bucket = world.s3.buckets.get(name);
            let owner = bucket.map_or_else(|| analyzer.account.clone(), |b| b.owner.clone());
            let doc = match body.get("bucketPolicy").and_then(Value::as_str) {
                Some(text) => Some(parse(text, Dialect::ResourceBased).map_err(|e| e.message)?),
                None => bucket
                    .and_then(|b| b.policy.as_ref())
                    .map(|p| (*p.document).clone()),
            };
            let restrict = match body.pointer("/bucketPublicAccessBlock/restrictPublicBuckets") {
                Some(v) => v.as_bool().unwrap_or(false),
                None => bucket
                    .and_then(|b| b.public_access_block)
                    .is_some_and(|b| b.restrict_public_buckets),
            };
            Ok((BUCKET, owner, doc, restrict))
        }
        other => Err(format!("orgsim does not preview {other} configurations.")),
    }
}

fn preview_finding(
    world: &mut World,
    analyzer: &Analyzer,
    o: Observed,
    now: i64,
) -> PreviewFinding {
    let existing = analyzer
        .finding_ids
        .get(&o.key)
        .and_then(|id| analyzer.findings.get(id));
    let id = world.ids.uuid();
    let change_type = match existing {
        None => "NEW",
        Some(f) if f.status != "RESOLVED" && o.same_as(f) => "UNCHANGED",
        Some(_) => "CHANGED",
    };
    let mut finding = Finding {
        id: id.clone(),
        resource: o.resource,
        resource_type: o.resource_type.to_string(),
        resource_owner_account: o.owner,
        finding_type: o.finding_type.to_string(),
        principal: o.principal,
        action: o.action,
        condition: o.condition,
        is_public: o.is_public,
        sources: vec!["POLICY".to_string()],
        details: None,
        status: "ACTIVE".to_string(),
        created_ms: now,
        updated_ms: now,
        analyzed_ms: now,
    };
    match existing {
        Some(f) if f.status != "RESOLVED" => finding.status = f.status.clone(),
        _ => {
            if analyzer
                .archive_rules
                .values()
                .any(|r| matches_filter(&finding, &r.filter))
            {
                finding.status = "ARCHIVED".to_string();
            }
        }
    }
    PreviewFinding {
        id,
        existing_finding_id: existing.map(|f| f.id.clone()),
        existing_finding_status: existing.map(|f| f.status.clone()),
        finding,
        change_type: change_type.to_string(),
    }
}

pub fn create_access_preview(
    world: &mut World,
    caller: &Caller,
    input: CreateAccessPreviewInput,
) -> Result<IdOutput, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?.clone();
    if !analyzer.is_external_access() {
        return Err(AaError::other(
            "Access previews are supported only for external access analyzers.",
        ));
    }
    if input.configurations.is_empty() {
        return Err(AaError::field(
            "configurations",
            "Specify at least one configuration.",
        ));
    }
    let zone = zone_of(world, &analyzer).unwrap_or_default();
    let now = world.clock.now_ms();
    let mut findings = Vec::new();
    let mut failure = None;
    let mut proposals = Vec::new();
    for (arn, config) in &input.configurations {
        match proposal(world, &analyzer, arn, config) {
            Ok(p) => proposals.push((arn.clone(), p)),
            Err(why) => {
                failure = Some(why);
                break;
            }
        }
    }
    if failure.is_none() {
        for (arn, (resource_type, owner, doc, restrict)) in proposals {
            let observed = doc
                .map(|d| findings_of_policy(&d, resource_type, &arn, &owner, &zone, restrict))
                .unwrap_or_default();
            let keys: Vec<String> = observed.iter().map(|o| o.key.clone()).collect();
            for o in observed {
                let f = preview_finding(world, &analyzer, o, now);
                findings.push(f);
            }
            // Findings of the resource that the proposal no longer gives: resolved.
            for (key, id) in analyzer.finding_ids.iter() {
                let existing = &analyzer.findings[id];
                if existing.resource != arn || keys.contains(key) || existing.status == "RESOLVED" {
                    continue;
                }
                let mut finding = existing.clone();
                let preview_id = world.ids.uuid();
                finding.id = preview_id.clone();
                finding.status = "RESOLVED".to_string();
                findings.push(PreviewFinding {
                    id: preview_id,
                    existing_finding_id: Some(existing.id.clone()),
                    existing_finding_status: Some(existing.status.clone()),
                    finding,
                    change_type: "CHANGED".to_string(),
                });
            }
        }
    }
    let id = world.ids.uuid();
    let preview = AccessPreview {
        id: id.clone(),
        analyzer_arn: analyzer.arn.clone(),
        configurations: Value::Object(input.configurations),
        created_ms: now,
        status: if failure.is_some() {
            "FAILED"
        } else {
            "COMPLETED"
        }
        .to_string(),
        status_reason: failure.map(|_| "INVALID_CONFIGURATION".to_string()),
        findings,
    };
    world.accessanalyzer.previews.insert(id.clone(), preview);
    Ok(IdOutput { id })
}

fn preview_summary(p: &AccessPreview) -> Value {
    let mut out = json!({
        "id": p.id,
        "analyzerArn": p.analyzer_arn,
        "createdAt": iso8601(p.created_ms),
        "status": p.status,
    });
    if let Some(code) = &p.status_reason {
        out["statusReason"] = json!({ "code": code });
    }
    out
}

fn own_preview<'w>(
    world: &'w World,
    caller: &Caller,
    id: &str,
    analyzer_arn: &str,
) -> Result<&'w AccessPreview, AaError> {
    analyzer_by_arn(world, caller, analyzer_arn)?;
    world
        .accessanalyzer
        .previews
        .get(id)
        .filter(|p| p.analyzer_arn == analyzer_arn)
        .ok_or_else(|| {
            AaError::not_found(
                "AccessPreview",
                id,
                format!("Access preview {id} not found."),
            )
        })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAccessPreviewInput {
    pub access_preview_id: String,
    pub analyzer_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetAccessPreviewOutput {
    pub access_preview: Value,
}

pub fn get_access_preview(
    world: &mut World,
    caller: &Caller,
    input: GetAccessPreviewInput,
) -> Result<GetAccessPreviewOutput, AaError> {
    let p = own_preview(world, caller, &input.access_preview_id, &input.analyzer_arn)?;
    let mut out = preview_summary(p);
    out["configurations"] = p.configurations.clone();
    Ok(GetAccessPreviewOutput {
        access_preview: out,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAccessPreviewsInput {
    pub analyzer_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAccessPreviewsOutput {
    pub access_previews: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_access_previews(
    world: &mut World,
    caller: &Caller,
    input: ListAccessPreviewsInput,
) -> Result<ListAccessPreviewsOutput, AaError> {
    analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let listing = format!("ListAccessPreviews {}", input.analyzer_arn);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let items = world
        .accessanalyzer
        .previews
        .values()
        .filter(|p| p.analyzer_arn == input.analyzer_arn)
        .filter(|p| after.as_ref().is_none_or(|a| p.id > *a));
    let (previews, next) = take_page(items, max, |p| p.id.clone());
    Ok(ListAccessPreviewsOutput {
        access_previews: previews.into_iter().map(preview_summary).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAccessPreviewFindingsInput {
    pub access_preview_id: String,
    pub analyzer_arn: String,
    #[serde(default)]
    pub filter: BTreeMap<String, Criterion>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAccessPreviewFindingsOutput {
    pub findings: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn preview_finding_wire(p: &PreviewFinding) -> Value {
    let f = &p.finding;
    let mut out = json!({
        "id": p.id,
        "principal": f.principal,
        "action": f.action,
        "condition": f.condition,
        "resource": f.resource,
        "isPublic": f.is_public,
        "resourceType": f.resource_type,
        "createdAt": iso8601(f.created_ms),
        "changeType": p.change_type,
        "status": f.status,
        "resourceOwnerAccount": f.resource_owner_account,
        "sources": f.sources.iter().map(|s| json!({"type": s})).collect::<Vec<_>>(),
        "resourceControlPolicyRestriction": "NOT_APPLICABLE",
    });
    if let Some(id) = &p.existing_finding_id {
        out["existingFindingId"] = json!(id);
    }
    if let Some(status) = &p.existing_finding_status {
        out["existingFindingStatus"] = json!(status);
    }
    out
}

pub fn list_access_preview_findings(
    world: &mut World,
    caller: &Caller,
    input: ListAccessPreviewFindingsInput,
) -> Result<ListAccessPreviewFindingsOutput, AaError> {
    validate_filter(&input.filter)?;
    let preview = own_preview(world, caller, &input.access_preview_id, &input.analyzer_arn)?;
    if preview.status != "COMPLETED" {
        return Err(AaError::conflict(
            "AccessPreview",
            &preview.id,
            format!("Access preview {} is not completed.", preview.id),
        ));
    }
    let listing = format!(
        "ListAccessPreviewFindings {} {}",
        preview.id,
        serde_json::to_string(&input.filter).unwrap_or_default()
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let (change, rest): (BTreeMap<String, Criterion>, BTreeMap<String, Criterion>) = input
        .filter
        .into_iter()
        .partition(|(k, _)| k == "changeType");
    let items = preview
        .findings
        .iter()
        .filter(|p| matches_filter(&p.finding, &rest))
        .filter(|p| {
            change
                .values()
                .all(|c| criterion_holds(Some(std::slice::from_ref(&p.change_type)), c))
        })
        .filter(|p| after.as_ref().is_none_or(|a| p.id > *a));
    let mut sorted: Vec<&PreviewFinding> = items.collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let (found, next) = take_page(sorted.into_iter(), max, |p| p.id.clone());
    Ok(ListAccessPreviewFindingsOutput {
        findings: found.into_iter().map(preview_finding_wire).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
