//! ListFindings, ListFindingsV2, GetFinding, GetFindingV2, UpdateFindings and
//! GetFindingsStatistics over the findings `sync` keeps up to date.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::criteria::{matches_filter, sort_findings, validate_filter};
use super::errors::AaError;
use super::model::{analyzer_key, Analyzer, Criterion, Finding};
use super::{analyzer_by_arn, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::encode_token;
use crate::world::{iso8601, World};

/// A finding in `ListFindings`/`GetFinding` form (external access only).
pub fn finding_v1(f: &Finding) -> Value {
    let mut out = json!({
        "id": f.id,
        "principal": f.principal,
        "action": f.action,
        "resource": f.resource,
        "isPublic": f.is_public,
        "resourceType": f.resource_type,
        "condition": f.condition,
        "createdAt": iso8601(f.created_ms),
        "analyzedAt": iso8601(f.analyzed_ms),
        "updatedAt": iso8601(f.updated_ms),
        "status": f.status,
        "resourceOwnerAccount": f.resource_owner_account,
        "resourceControlPolicyRestriction": "NOT_APPLICABLE",
    });
    if !f.sources.is_empty() {
        out["sources"] = json!(f
            .sources
            .iter()
            .map(|s| json!({"type": s}))
            .collect::<Vec<_>>());
    }
    out
}

/// A finding in `ListFindingsV2` form.
pub fn finding_v2_summary(f: &Finding) -> Value {
    json!({
        "analyzedAt": iso8601(f.analyzed_ms),
        "createdAt": iso8601(f.created_ms),
        "id": f.id,
        "resource": f.resource,
        "resourceType": f.resource_type,
        "resourceOwnerAccount": f.resource_owner_account,
        "status": f.status,
        "updatedAt": iso8601(f.updated_ms),
        "findingType": f.finding_type,
    })
}

/// `findingDetails` of `GetFindingV2`.
pub fn finding_details(f: &Finding) -> Vec<Value> {
    if let Some(details) = &f.details {
        return vec![details.clone()];
    }
    let mut external = json!({
        "action": f.action,
        "condition": f.condition,
        "isPublic": f.is_public,
        "principal": f.principal,
        "resourceControlPolicyRestriction": "NOT_APPLICABLE",
    });
    if !f.sources.is_empty() {
        external["sources"] = json!(f
            .sources
            .iter()
            .map(|s| json!({"type": s}))
            .collect::<Vec<_>>());
    }
    vec![json!({ "externalAccessDetails": external })]
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SortCriteria {
    pub attribute_name: Option<String>,
    pub order_by: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFindingsInput {
    pub analyzer_arn: String,
    #[serde(default)]
    pub filter: BTreeMap<String, Criterion>,
    pub sort: Option<SortCriteria>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// One page of the analyzer's findings that pass the filter, in the sort's order;
/// tokens carry the position and are tied to the analyzer, filter and sort.
fn select<'w>(
    analyzer: &'w Analyzer,
    input: &ListFindingsInput,
    version: &str,
) -> Result<(Vec<&'w Finding>, Option<String>), AaError> {
    validate_filter(&input.filter)?;
    let (attribute, ascending) = match &input.sort {
        None => (None, true),
        Some(s) => {
            let ascending = match s.order_by.as_deref() {
                None | Some("ASC") => true,
                Some("DESC") => false,
                Some(other) => {
                    return Err(AaError::field(
                        "sort.orderBy",
                        format!("Invalid orderBy value: {other}"),
                    ))
                }
            };
            (s.attribute_name.as_deref(), ascending)
        }
    };
    let listing = format!(
        "ListFindings{version} {} {} {:?} {ascending}",
        analyzer.arn,
        serde_json::to_string(&input.filter).unwrap_or_default(),
        attribute
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let mut found: Vec<&Finding> = analyzer
        .findings
        .values()
        .filter(|f| matches_filter(f, &input.filter))
        .collect();
    sort_findings(&mut found, attribute, ascending)?;
    let start = after.and_then(|a| a.parse::<usize>().ok()).unwrap_or(0);
    let end = (start + max).min(found.len());
    let next = (end < found.len()).then(|| encode_token(&listing, &end.to_string()));
    Ok((found.get(start..end).unwrap_or_default().to_vec(), next))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFindingsOutput {
    pub findings: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_findings(
    world: &mut World,
    caller: &Caller,
    input: ListFindingsInput,
) -> Result<ListFindingsOutput, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    if !analyzer.is_external_access() {
        return Err(AaError::other(
            "ListFindings is supported only for external access analyzers. Use ListFindingsV2.",
        ));
    }
    let (found, next_token) = select(analyzer, &input, "")?;
    Ok(ListFindingsOutput {
        findings: found.into_iter().map(finding_v1).collect(),
        next_token,
    })
}

pub fn list_findings_v2(
    world: &mut World,
    caller: &Caller,
    input: ListFindingsInput,
) -> Result<ListFindingsOutput, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let (found, next_token) = select(analyzer, &input, "V2")?;
    Ok(ListFindingsOutput {
        findings: found.into_iter().map(finding_v2_summary).collect(),
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFindingInput {
    pub analyzer_arn: String,
    pub id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

fn finding<'w>(analyzer: &'w Analyzer, id: &str) -> Result<&'w Finding, AaError> {
    analyzer
        .findings
        .get(id)
        .ok_or_else(|| AaError::not_found("Finding", id, format!("Finding {id} not found.")))
}

#[derive(Debug, Serialize)]
pub struct GetFindingOutput {
    pub finding: Value,
}

pub fn get_finding(
    world: &mut World,
    caller: &Caller,
    input: GetFindingInput,
) -> Result<GetFindingOutput, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    if !analyzer.is_external_access() {
        return Err(AaError::other(
            "GetFinding is supported only for external access analyzers. Use GetFindingV2.",
        ));
    }
    Ok(GetFindingOutput {
        finding: finding_v1(finding(analyzer, &input.id)?),
    })
}

pub fn get_finding_v2(
    world: &mut World,
    caller: &Caller,
    input: GetFindingInput,
) -> Result<Value, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let f = finding(analyzer, &input.id)?;
    let mut out = finding_v2_summary(f);
    out["findingDetails"] = json!(finding_details(f));
    let _ = (input.max_results, input.next_token);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFindingsInput {
    pub analyzer_arn: String,
    pub status: String,
    pub ids: Option<Vec<String>>,
    pub resource_arn: Option<String>,
    pub client_token: Option<String>,
}

pub fn update_findings(
    world: &mut World,
    caller: &Caller,
    input: UpdateFindingsInput,
) -> Result<Empty, AaError> {
    if input.status != "ACTIVE" && input.status != "ARCHIVED" {
        return Err(AaError::field(
            "status",
            format!(
                "Value '{}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ACTIVE, ARCHIVED]",
                input.status
            ),
        ));
    }
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let ids: Vec<String> = match (&input.ids, &input.resource_arn) {
        (Some(ids), None) => {
            for id in ids {
                finding(analyzer, id)?;
            }
            ids.clone()
        }
        (None, Some(resource)) => analyzer
            .findings
            .values()
            .filter(|f| &f.resource == resource)
            .map(|f| f.id.clone())
            .collect(),
        _ => {
            return Err(AaError::other(
                "Exactly one of ids and resourceArn must be specified.",
            ))
        }
    };
    let key = analyzer_key(&analyzer.region, &analyzer.account, &analyzer.name);
    let now = world.clock.now_ms();
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    let mut changed = Vec::new();
    for id in ids {
        let f = analyzer.findings.get_mut(&id).expect("checked");
        // A resolved finding stays resolved: its access is gone.
        if f.status != "RESOLVED" && f.status != input.status {
            f.status = input.status.clone();
            f.updated_ms = now;
            changed.push(id);
        }
    }
    super::securityhub_export::export(world, &key, &changed);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatisticsInput {
    pub analyzer_arn: String,
}

pub fn get_findings_statistics(
    world: &mut World,
    caller: &Caller,
    input: StatisticsInput,
) -> Result<Value, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let count = |status: &str| {
        analyzer
            .findings
            .values()
            .filter(|f| f.status == status)
            .count()
    };
    let (active, archived, resolved) = (count("ACTIVE"), count("ARCHIVED"), count("RESOLVED"));
    let active_findings = || analyzer.findings.values().filter(|f| f.status == "ACTIVE");
    let statistics = if analyzer.is_unused_access() {
        let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
        let mut by_account: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        for f in active_findings() {
            *by_type.entry(&f.finding_type).or_default() += 1;
            *by_account
                .entry(&f.resource_owner_account)
                .or_default()
                .entry(&f.finding_type)
                .or_default() += 1;
        }
        let mut top: Vec<(&str, usize, &BTreeMap<&str, usize>)> = by_account
            .iter()
            .map(|(a, d)| (*a, d.values().sum(), d))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let mut unused = json!({
            "unusedAccessTypeStatistics": by_type.iter().map(|(t, n)| json!({"unusedAccessType": t, "total": n})).collect::<Vec<_>>(),
            "totalActiveFindings": active,
            "totalArchivedFindings": archived,
            "totalResolvedFindings": resolved,
        });
        if !top.is_empty() {
            unused["topAccounts"] = json!(top
                .iter()
                .take(10)
                .map(|(a, n, d)| json!({"account": a, "numberOfActiveFindings": n, "details": d}))
                .collect::<Vec<_>>());
        }
        json!({ "unusedAccessFindingsStatistics": unused })
    } else {
        let mut by_type: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for f in active_findings() {
            let entry = by_type.entry(&f.resource_type).or_default();
            if f.is_public {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        let types: BTreeMap<&str, Value> = by_type
            .into_iter()
            .map(|(t, (public, cross))| {
                (t, json!({"totalActivePublic": public, "totalActiveCrossAccount": cross, "totalActiveErrors": 0}))
            })
            .collect();
        json!({ "externalAccessFindingsStatistics": {
            "resourceTypeStatistics": types,
            "totalActiveFindings": active,
            "totalArchivedFindings": archived,
            "totalResolvedFindings": resolved,
        }})
    };
    let last = analyzer
        .findings
        .values()
        .map(|f| f.updated_ms)
        .max()
        .unwrap_or(analyzer.created_ms);
    Ok(json!({
        "findingsStatistics": [statistics],
        "lastUpdatedAt": iso8601(last),
    }))
}
