//! GuardDuty investigations: CreateInvestigation, GetInvestigation, ListInvestigations,
//! ListInvestigationRecords. The trigger prompt names what to analyze (a finding, an
//! account, or the organization); the analysis runs over the detector's real findings,
//! members and features when the investigation is created.
//!
//! Deliberate differences from AWS (which runs a Bedrock model asynchronously): an
//! investigation completes within the call that creates it, and its verdict comes from
//! a fixed rule — risk from the highest severity analyzed, confidence `Low` for sample
//! findings or an empty analysis, `High` for one real finding, `Medium` otherwise.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::GdError;
use super::findings::visible_accounts;
use super::model::{Detector, Finding, Investigation, InvestigationRecord, InvestigationScope};
use super::{own_detector, page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// AWS's preview quotas: 100 investigations per account, 10 a day.
const MAX_INVESTIGATIONS: usize = 100;
const MAX_PER_DAY: usize = 10;
const DAY_MS: i64 = 24 * 3600 * 1000;
/// ACCOUNT and ORGANIZATION investigations look back this far.
const WINDOW_MS: i64 = 30 * DAY_MS;

/// `InvestigationDetectorFeature`: the features a DETECTOR fetch reports.
const REPORTED_FEATURES: &[&str] = &[
    "CLOUD_TRAIL",
    "DNS_LOGS",
    "FLOW_LOGS",
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
];

fn check_investigation_id(id: &str) -> Result<(), GdError> {
    let ok = (1..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(GdError::invalid_parameter("investigationId"))
    }
}

fn not_found(id: &str) -> GdError {
    GdError::NotFound(format!(
        "The request is rejected because the investigation {id} does not exist."
    ))
}

/// `RiskLevel` of a GuardDuty severity (Low 1–3.9, Medium 4–6.9, High 7–8.9, Critical 9+).
fn severity_level(severity: f64) -> &'static str {
    match severity {
        s if s >= 9.0 => "Critical",
        s if s >= 7.0 => "High",
        s if s >= 4.0 => "Medium",
        s if s >= 1.0 => "Low",
        _ => "Info",
    }
}

const LEVELS: &[&str] = &["Info", "Low", "Medium", "High", "Critical"];

fn level_rank(level: &str) -> usize {
    LEVELS.iter().position(|l| *l == level).unwrap_or(0)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInvestigationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub trigger_prompt: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInvestigationOutput {
    pub investigation_id: String,
}

/// What the prompt asks for, resolved against what the caller's detector sees.
fn resolve_scope(
    world: &World,
    caller: &Caller,
    detector: &Detector,
    prompt: &str,
) -> Result<InvestigationScope, String> {
    let visible = visible_accounts(world, caller, detector);
    let words: Vec<&str> = prompt
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let finding_like = |w: &&&str| w.len() >= 20 && w.chars().all(|c| c.is_ascii_hexdigit());
    if let Some(id) = words.iter().find(finding_like) {
        return visible
            .iter()
            .find(|a| {
                world
                    .guardduty
                    .detector(&caller.region, a)
                    .is_some_and(|d| d.findings.contains_key(*id))
            })
            .map(|account| InvestigationScope::Finding {
                finding_id: id.to_string(),
                account_id: account.clone(),
            })
            .ok_or_else(|| {
                format!("The finding {id} was not found in the accounts this detector administers.")
            });
    }
    let lower = prompt.to_ascii_lowercase();
    if lower.contains("organization") || lower.contains("organisation") {
        return if visible.len() > 1 || !detector.members.is_empty() {
            Ok(InvestigationScope::Organization {
                admin_account_id: caller.account_id.clone(),
            })
        } else {
            Err("The current account is not the administrator account of an organization.".into())
        };
    }
    let account = words
        .iter()
        .find(|w| w.len() == 12 && w.bytes().all(|b| b.is_ascii_digit()))
        .map(|w| w.to_string())
        .unwrap_or_else(|| caller.account_id.clone());
    if visible.contains(&account) {
        Ok(InvestigationScope::Account {
            account_id: account,
        })
    } else {
        Err(format!(
            "The account {account} is not the current account or one of its member accounts."
        ))
    }
}

/// Counts per severity level, in `SeverityBreakdown` form.
fn severity_breakdown(findings: &[&Finding]) -> Value {
    let count = |level: &str| {
        findings
            .iter()
            .filter(|f| severity_level(f.severity) == level)
            .count()
    };
    json!({
        "critical": count("Critical"),
        "high": count("High"),
        "medium": count("Medium"),
        "low": count("Low"),
        "info": count("Info"),
    })
}

/// The most frequent finding types, most first (ties by name), at most 50.
fn top_types(findings: &[&Finding]) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in findings {
        *counts.entry(f.finding_type.as_str()).or_default() += 1;
    }
    let mut types: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(t, n)| (t.to_string(), n))
        .collect();
    types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    types.truncate(50);
    types
}

/// Protection plans switched off on `detector`: each is a recommendation.
fn recommendations(detector: &Detector) -> Vec<Value> {
    detector
        .features
        .iter()
        .filter(|(_, state)| !state.enabled)
        .filter(|(name, _)| name.as_str() != "EKS_RUNTIME_MONITORING")
        .take(25)
        .map(|(name, _)| {
            json!({
                "title": format!("Enable {name}"),
                "rationale": format!("{name} is disabled on detector {}, so GuardDuty does not analyze the activity it covers.", detector.id),
                "category": "ENABLE_PROTECTION",
                "priority": "SHORT_TERM",
                "cliCommands": [format!("aws guardduty update-detector --detector-id {} --features Name={name},Status=ENABLED", detector.id)],
            })
        })
        .collect()
}

fn record(
    world: &mut World,
    record_type: &str,
    title: &str,
    narrative: Option<String>,
    supporting_data: Option<Value>,
    now: i64,
) -> InvestigationRecord {
    InvestigationRecord {
        id: world.ids.uuid(),
        record_type: record_type.to_string(),
        title: title.to_string(),
        narrative,
        created_ms: now,
        supporting_data,
    }
}

fn findings_fetch(
    account: Option<&str>,
    field: &str,
    values: Vec<String>,
    ids: &[&Finding],
) -> Value {
    let mut query =
        json!({"criteria": [{"field": field, "condition": "EQUALS", "values": values}]});
    if let Some(account) = account {
        query["accountId"] = json!(account);
    }
    json!({"fetch": {
        "fetchType": "FINDINGS",
        "query": query,
        "result": {
            "itemIds": ids.iter().take(50).map(|f| f.id.clone()).collect::<Vec<_>>(),
            "totalCount": ids.len(),
        },
    }})
}

fn detector_fetch(detector: &Detector) -> Value {
    let features: Vec<Value> = detector
        .features
        .iter()
        .filter(|(name, _)| REPORTED_FEATURES.contains(&name.as_str()))
        .map(|(name, state)| {
            json!({
                "name": name,
                "status": if state.enabled && detector.enabled { "ENABLED" } else { "DISABLED" },
                "updatedAt": epoch_seconds(state.updated_ms),
            })
        })
        .collect();
    json!({"fetch": {
        "fetchType": "DETECTOR",
        "query": {"accountId": detector.account_id},
        "result": {"features": features},
    }})
}

/// Runs the analysis of `scope` and fills the investigation's verdict and records.
fn analyze(
    world: &mut World,
    caller: &Caller,
    scope: &InvestigationScope,
    investigation: &mut Investigation,
    now: i64,
) {
    let region = caller.region.clone();
    let detector = world
        .guardduty
        .detector(&region, &caller.account_id)
        .expect("detector checked before analysis")
        .clone();
    let detector_of =
        |world: &World, account: &str| world.guardduty.detector(&region, account).cloned();
    let mut records = vec![record(
        world,
        "UPDATE",
        "Investigation requested",
        Some(investigation.trigger_prompt.clone()),
        None,
        now,
    )];
    records.push(record(
        world,
        "FETCH",
        "Detector configuration",
        None,
        Some(detector_fetch(&detector)),
        now,
    ));
    let in_window = |f: &&Finding| !f.archived && f.updated_ms >= now - WINDOW_MS;
    let (analyzed, accounts): (Vec<Finding>, Vec<String>) = match scope {
        InvestigationScope::Finding {
            finding_id,
            account_id,
        } => {
            let finding = detector_of(world, account_id)
                .and_then(|d| d.findings.get(finding_id).cloned())
                .into_iter()
                .collect();
            (finding, vec![account_id.clone()])
        }
        InvestigationScope::Account { account_id } => {
            let findings = detector_of(world, account_id)
                .map(|d| d.findings.values().filter(in_window).cloned().collect())
                .unwrap_or_default();
            (findings, vec![account_id.clone()])
        }
        InvestigationScope::Organization { .. } => {
            let accounts = visible_accounts(world, caller, &detector);
            let findings = accounts
                .iter()
                .filter_map(|a| detector_of(world, a))
                .flat_map(|d| {
                    d.findings
                        .values()
                        .filter(in_window)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .collect();
            (findings, accounts)
        }
    };
    let findings: Vec<&Finding> = analyzed.iter().collect();
    let fetch = match scope {
        InvestigationScope::Finding {
            finding_id,
            account_id,
        } => findings_fetch(Some(account_id), "id", vec![finding_id.clone()], &findings),
        InvestigationScope::Account { account_id } => findings_fetch(
            Some(account_id),
            "accountId",
            vec![account_id.clone()],
            &findings,
        ),
        InvestigationScope::Organization { .. } => {
            let members: Vec<String> = accounts
                .iter()
                .filter(|a| **a != caller.account_id)
                .cloned()
                .collect();
            let fetch = json!({"fetch": {
                "fetchType": "MEMBER_ACCOUNTS",
                "query": {"accountId": caller.account_id},
                "result": {"itemIds": members.iter().take(50).collect::<Vec<_>>(), "totalCount": members.len()},
            }});
            records.push(record(
                world,
                "FETCH",
                "Member accounts",
                None,
                Some(fetch),
                now,
            ));
            findings_fetch(None, "accountId", accounts.clone(), &findings)
        }
    };
    records.push(record(world, "FETCH", "Findings", None, Some(fetch), now));

    let highest = findings
        .iter()
        .map(|f| severity_level(f.severity))
        .max_by_key(|l| level_rank(l))
        .unwrap_or("Info");
    let all_samples = !findings.is_empty() && findings.iter().all(|f| f.sample);
    let confidence = match scope {
        _ if findings.is_empty() || all_samples => "Low",
        InvestigationScope::Finding { .. } => "High",
        _ => "Medium",
    };
    let types = top_types(&findings);
    let type_counts: Vec<Value> = types
        .iter()
        .map(|(t, n)| json!({"findingType": t, "count": n}))
        .collect();
    let findings_summary = json!({
        "totalFindings": findings.len(),
        "severityBreakdown": severity_breakdown(&findings),
        "topFindingTypes": type_counts,
    });
    let mut observations: Vec<String> = types
        .iter()
        .take(25)
        .map(|(t, n)| format!("{n} finding(s) of type {t}."))
        .collect();
    if all_samples {
        observations
            .push("Every finding analyzed is a sample finding, not observed activity.".into());
    }
    let (title, summary, mut data) = match scope {
        InvestigationScope::Finding { finding_id, account_id } => {
            let f = findings.first().expect("the finding was resolved");
            (
                format!("{} in account {account_id}", f.finding_type),
                format!(
                    "Finding {finding_id} ({}) in account {account_id} has severity {} ({highest}): {}",
                    f.finding_type, f.severity, f.description
                ),
                json!({"findingType": f.finding_type}),
            )
        }
        InvestigationScope::Account { account_id } => (
            format!("Findings in account {account_id}"),
            format!(
                "Account {account_id} has {} active finding(s) in the last 30 days; the highest severity is {highest}.",
                findings.len()
            ),
            json!({"accountAnalysis": {"findingsSummary": findings_summary}}),
        ),
        InvestigationScope::Organization { .. } => {
            let mut per_account: Vec<(String, usize)> = accounts
                .iter()
                .map(|a| (a.clone(), findings.iter().filter(|f| &f.account_id == a).count()))
                .filter(|(_, n)| *n > 0)
                .collect();
            per_account.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let affected = per_account.len();
            let mut summary = findings_summary.clone();
            summary["totalAccountCount"] = json!(accounts.len());
            summary["affectedAccountCount"] = json!(affected);
            per_account.truncate(20);
            let breakdown: Vec<Value> = per_account
                .iter()
                .map(|(a, n)| json!({"accountId": a, "findingCount": n}))
                .collect();
            (
                "Findings in the organization".to_string(),
                format!(
                    "{} active finding(s) in {affected} of {} account(s) in the last 30 days; the highest severity is {highest}.",
                    findings.len(),
                    accounts.len()
                ),
                json!({"organizationAnalysis": {"findingsSummary": summary, "accountBreakdown": breakdown}}),
            )
        }
    };
    data["keyObservations"] =
        json!({"title": title, "narrative": summary, "observations": observations});
    let recommended = recommendations(&detector);
    if !matches!(scope, InvestigationScope::Finding { .. }) && !recommended.is_empty() {
        data["recommendations"] = json!(recommended);
    }
    records.push(record(
        world,
        "OBSERVATION",
        "Key observations",
        Some(summary.clone()),
        None,
        now,
    ));
    records.push(record(
        world,
        "UPDATE",
        "Investigation completed",
        None,
        None,
        now,
    ));

    investigation.status = "COMPLETED".to_string();
    investigation.risk_level = Some(highest.to_string());
    investigation.confidence = Some(confidence.to_string());
    investigation.risk = Some(format!("The highest severity analyzed is {highest}."));
    investigation.title = title;
    investigation.summary = Some(summary);
    investigation.summary_data = Some(data);
    investigation.records = records;
}

pub fn create_investigation(
    world: &mut World,
    caller: &Caller,
    input: CreateInvestigationInput,
) -> Result<CreateInvestigationOutput, GdError> {
    if input.trigger_prompt.is_empty() || input.trigger_prompt.chars().count() > 2048 {
        return Err(GdError::invalid_parameter("triggerPrompt"));
    }
    if input.client_token.as_ref().is_some_and(|t| t.len() > 64) {
        return Err(GdError::invalid_parameter("clientToken"));
    }
    let detector = own_detector(world, caller, &input.detector_id)?;
    if let Some(token) = &input.client_token {
        if let Some(done) = detector
            .investigations
            .values()
            .find(|i| i.client_token.as_ref() == Some(token))
        {
            return Ok(CreateInvestigationOutput {
                investigation_id: done.id.clone(),
            });
        }
    }
    if world
        .guardduty
        .administrator_of(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(GdError::AccessDenied(
            "The request is rejected because the current account is a member account; only the administrator account can create an investigation.".into(),
        ));
    }
    if !(detector.enabled && detector.feature_enabled("AI_ANALYST")) {
        return Err(GdError::bad(
            "The request is rejected because the AI_ANALYST feature is not enabled on the detector.",
        ));
    }
    let now = world.clock.now_ms();
    if detector.investigations.len() >= MAX_INVESTIGATIONS {
        return Err(GdError::bad(
            "The request is rejected because the number of investigations exceeds the limit of 100.",
        ));
    }
    let today = detector
        .investigations
        .values()
        .filter(|i| i.started_ms > now - DAY_MS)
        .count();
    if today >= MAX_PER_DAY {
        return Err(GdError::bad(
            "The request is rejected because the number of investigations started in the last 24 hours exceeds the limit of 10.",
        ));
    }
    let scope = resolve_scope(world, caller, detector, &input.trigger_prompt);
    let mut investigation = Investigation {
        id: world.ids.uuid(),
        client_token: input.client_token,
        trigger_prompt: input.trigger_prompt,
        triggered_by: caller.account_id.clone(),
        status: "FAILED".to_string(),
        error: None,
        scope: None,
        risk_level: None,
        confidence: None,
        title: String::new(),
        risk: None,
        summary: None,
        summary_data: None,
        records: Vec::new(),
        started_ms: now,
        ended_ms: now,
    };
    match scope {
        Ok(scope) => {
            analyze(world, caller, &scope, &mut investigation, now);
            investigation.scope = Some(scope);
        }
        Err(reason) => {
            investigation.title = "Investigation failed".to_string();
            investigation.error = Some(reason);
        }
    }
    let id = investigation.id.clone();
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .investigations
        .insert(id.clone(), investigation);
    Ok(CreateInvestigationOutput {
        investigation_id: id,
    })
}

/// Whether `investigation` concerns `account` (a member sees those of its administrator).
fn concerns(investigation: &Investigation, account: &str) -> bool {
    match &investigation.scope {
        Some(InvestigationScope::Finding { account_id, .. })
        | Some(InvestigationScope::Account { account_id }) => account_id == account,
        _ => false,
    }
}

/// The investigations the caller may read: its detector's own, and, for a member,
/// those its administrator ran about it.
fn readable<'w>(
    world: &'w World,
    caller: &Caller,
    detector: &'w Detector,
) -> Vec<&'w Investigation> {
    let mut out: Vec<&Investigation> = detector.investigations.values().collect();
    if let Some(admin) = world
        .guardduty
        .administrator_of(&caller.region, &caller.account_id)
        .and_then(|a| world.guardduty.detector(&caller.region, a))
    {
        out.extend(
            admin
                .investigations
                .values()
                .filter(|i| concerns(i, &caller.account_id)),
        );
    }
    out
}

fn find<'w>(
    world: &'w World,
    caller: &Caller,
    detector_id: &str,
    investigation_id: &str,
) -> Result<&'w Investigation, GdError> {
    check_investigation_id(investigation_id)?;
    let detector = own_detector(world, caller, detector_id)?;
    readable(world, caller, detector)
        .into_iter()
        .find(|i| i.id == investigation_id)
        .ok_or_else(|| not_found(investigation_id))
}

fn scope_wire(scope: &InvestigationScope, started_ms: i64) -> Value {
    let window = json!({
        "startTime": epoch_seconds(started_ms - WINDOW_MS),
        "endTime": epoch_seconds(started_ms),
    });
    match scope {
        InvestigationScope::Finding { finding_id, .. } => {
            json!({"investigationType": "FINDING", "findingId": finding_id})
        }
        InvestigationScope::Account { account_id } => {
            json!({"investigationType": "ACCOUNT", "accountId": account_id, "queryTimeWindow": window})
        }
        InvestigationScope::Organization { admin_account_id } => {
            json!({"investigationType": "ORGANIZATION", "adminAccountId": admin_account_id, "queryTimeWindow": window})
        }
    }
}

fn scope_account(investigation: &Investigation) -> Option<&str> {
    match investigation.scope.as_ref()? {
        InvestigationScope::Finding { account_id, .. }
        | InvestigationScope::Account { account_id } => Some(account_id),
        InvestigationScope::Organization { admin_account_id } => Some(admin_account_id),
    }
}

#[derive(Debug, Deserialize)]
pub struct GetInvestigationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "InvestigationId")]
    pub investigation_id: String,
    #[serde(rename = "summaryFormat")]
    pub summary_format: Option<String>,
}

pub fn get_investigation(
    world: &mut World,
    caller: &Caller,
    input: GetInvestigationInput,
) -> Result<Value, GdError> {
    let structured = match input.summary_format.as_deref() {
        None | Some("STRING") => false,
        Some("STRUCTURED") => true,
        Some(_) => return Err(GdError::invalid_parameter("summaryFormat")),
    };
    let i = find(world, caller, &input.detector_id, &input.investigation_id)?;
    let mut out = json!({
        "investigationId": i.id,
        "status": i.status,
        "triggerPrompt": i.trigger_prompt,
        "triggeredBy": i.triggered_by,
        "cloud": {
            "provider": "AWS",
            "region": caller.region,
            "account": scope_account(i).unwrap_or(&i.triggered_by),
        },
        "startTime": epoch_seconds(i.started_ms),
        "endTime": epoch_seconds(i.ended_ms),
    });
    if let Some(error) = &i.error {
        out["error"] = json!(error);
    }
    if i.status == "COMPLETED" {
        out["riskLevel"] = json!(i.risk_level);
        out["risk"] = json!(i.risk);
        out["confidence"] = json!(i.confidence);
        if let Some(scope) = &i.scope {
            out["scope"] = scope_wire(scope, i.started_ms);
        }
        match (&i.summary_data, structured) {
            (Some(data), true) => out["summaryData"] = data.clone(),
            _ => out["summary"] = json!(i.summary),
        }
    }
    Ok(json!({"investigation": out}))
}

#[derive(Debug, Default, Deserialize)]
pub struct FilterCondition {
    pub equals: Option<Vec<String>>,
    #[serde(rename = "notEquals")]
    pub not_equals: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct InvestigationFilterCriteria {
    pub criterion: Option<std::collections::BTreeMap<String, FilterCondition>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvestigationSortCriteria {
    pub attribute_name: Option<String>,
    pub order_by: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInvestigationsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub filter_criteria: Option<InvestigationFilterCriteria>,
    pub sort_criteria: Option<InvestigationSortCriteria>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

const FILTER_KEYS: &[&str] = &[
    "STATUS",
    "RISK_LEVEL",
    "CONFIDENCE",
    "FINDING_ID",
    "INVESTIGATION_TYPE",
];
const SORT_FIELDS: &[&str] = &[
    "START_TIME",
    "END_TIME",
    "STATUS",
    "RISK_LEVEL",
    "CONFIDENCE",
];

fn attribute(i: &Investigation, key: &str) -> Option<String> {
    match key {
        "STATUS" => Some(i.status.clone()),
        "RISK_LEVEL" => i.risk_level.clone(),
        "CONFIDENCE" => i.confidence.clone(),
        "FINDING_ID" => match &i.scope {
            Some(InvestigationScope::Finding { finding_id, .. }) => Some(finding_id.clone()),
            _ => None,
        },
        _ => i.scope.as_ref().map(|s| {
            match s {
                InvestigationScope::Finding { .. } => "FINDING",
                InvestigationScope::Account { .. } => "ACCOUNT",
                InvestigationScope::Organization { .. } => "ORGANIZATION",
            }
            .to_string()
        }),
    }
}

fn summary_wire(i: &Investigation) -> Value {
    let mut out = json!({
        "investigationId": i.id,
        "status": i.status,
        "triggerPrompt": i.trigger_prompt,
        "title": i.title,
        "accountId": i.triggered_by,
        "startTime": epoch_seconds(i.started_ms),
        "endTime": epoch_seconds(i.ended_ms),
    });
    if let Some(level) = &i.risk_level {
        out["riskLevel"] = json!(level);
    }
    if let Some(confidence) = &i.confidence {
        out["confidence"] = json!(confidence);
    }
    if let Some(kind) = attribute(i, "INVESTIGATION_TYPE") {
        out["investigationType"] = json!(kind);
    }
    match &i.scope {
        Some(InvestigationScope::Finding { finding_id, .. }) => {
            out["findingId"] = json!(finding_id)
        }
        Some(InvestigationScope::Organization { admin_account_id }) => {
            out["adminAccountId"] = json!(admin_account_id)
        }
        _ => {}
    }
    out
}

pub fn list_investigations(
    world: &mut World,
    caller: &Caller,
    input: ListInvestigationsInput,
) -> Result<Value, GdError> {
    let criteria = input
        .filter_criteria
        .and_then(|c| c.criterion)
        .unwrap_or_default();
    if criteria.keys().any(|k| !FILTER_KEYS.contains(&k.as_str())) {
        return Err(GdError::invalid_parameter("filterCriteria"));
    }
    let sort = input.sort_criteria.unwrap_or_default();
    let field = sort
        .attribute_name
        .unwrap_or_else(|| "START_TIME".to_string());
    if !SORT_FIELDS.contains(&field.as_str()) {
        return Err(GdError::invalid_parameter("sortCriteria.attributeName"));
    }
    // Newest first unless asked otherwise (AWS's docs are silent on the default).
    let ascending = match sort.order_by.as_deref() {
        None | Some("DESC") => false,
        Some("ASC") => true,
        Some(_) => return Err(GdError::invalid_parameter("sortCriteria.orderBy")),
    };
    let detector = own_detector(world, caller, &input.detector_id)?;
    let listing = format!("ListInvestigations {}", detector.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let start: usize = match after {
        None => 0,
        Some(k) => k
            .parse()
            .map_err(|_| GdError::invalid_parameter("nextToken"))?,
    };
    let mut matched: Vec<&Investigation> = readable(world, caller, detector)
        .into_iter()
        .filter(|i| {
            criteria.iter().all(|(key, condition)| {
                let value = attribute(i, key);
                let equals = condition
                    .equals
                    .as_ref()
                    .is_none_or(|vs| value.as_ref().is_some_and(|v| vs.contains(v)));
                let not_equals = condition
                    .not_equals
                    .as_ref()
                    .is_none_or(|vs| value.as_ref().is_none_or(|v| !vs.contains(v)));
                equals && not_equals
            })
        })
        .collect();
    matched.sort_by(|a, b| {
        let order = match field.as_str() {
            "END_TIME" => a.ended_ms.cmp(&b.ended_ms),
            "STATUS" => a.status.cmp(&b.status),
            "RISK_LEVEL" => level_rank(a.risk_level.as_deref().unwrap_or(""))
                .cmp(&level_rank(b.risk_level.as_deref().unwrap_or(""))),
            "CONFIDENCE" => a.confidence.cmp(&b.confidence),
            _ => a.started_ms.cmp(&b.started_ms),
        }
        .then(a.id.cmp(&b.id));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    let (page, next) = take_page(
        matched.into_iter().enumerate().skip(start),
        max,
        |(n, _)| n + 1,
    );
    let mut out = json!({
        "investigations": page.iter().map(|(_, i)| summary_wire(i)).collect::<Vec<_>>(),
    });
    if let Some(key) = next {
        out["nextToken"] = json!(encode_token(&listing, &key));
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInvestigationRecordsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub investigation_id: String,
    pub record_types: Option<Vec<String>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

const RECORD_TYPES: &[&str] = &["OBSERVATION", "ANALYSIS", "UPDATE", "FETCH", "METADATA"];

pub fn list_investigation_records(
    world: &mut World,
    caller: &Caller,
    input: ListInvestigationRecordsInput,
) -> Result<Value, GdError> {
    let types = input.record_types.unwrap_or_default();
    if types.len() > 10 || types.iter().any(|t| !RECORD_TYPES.contains(&t.as_str())) {
        return Err(GdError::invalid_parameter("recordTypes"));
    }
    let i = find(world, caller, &input.detector_id, &input.investigation_id)?;
    let listing = format!("ListInvestigationRecords {}", i.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 20, 50)?;
    let start: usize = match after {
        None => 0,
        Some(k) => k
            .parse()
            .map_err(|_| GdError::invalid_parameter("nextToken"))?,
    };
    // Records exist only for a completed investigation (AWS: empty while RUNNING or FAILED).
    let records = i
        .records
        .iter()
        .filter(|r| types.is_empty() || types.contains(&r.record_type))
        .enumerate()
        .skip(start);
    let (page, next) = take_page(records, max, |(n, _)| n + 1);
    let records: Vec<Value> = page
        .into_iter()
        .map(|(_, r)| {
            let mut out = json!({
                "recordId": r.id,
                "type": r.record_type,
                "title": r.title,
                "createdAt": epoch_seconds(r.created_ms),
            });
            if let Some(n) = &r.narrative {
                out["narrative"] = json!(n);
            }
            if let Some(d) = &r.supporting_data {
                out["supportingData"] = d.clone();
            }
            out
        })
        .collect();
    let mut out = json!({"investigationId": i.id, "status": i.status, "records": records});
    if let Some(key) = next {
        out["nextToken"] = json!(encode_token(&listing, &key));
    }
    Ok(out)
}
