//! What customers change on findings: BatchUpdateFindings (administrator: its own and
//! its members' findings; member: its own; `UpdatedAt` is left as it was) and
//! GetFindingHistory.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ShError;
use super::filters::parse_time;
use super::findings::{label_for, normalized_for, visible_scopes};
use super::model::{finding_key, FieldChange, HistoryRecord};
use super::{own_hub, page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingIdentifier {
    pub id: String,
    pub product_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NoteUpdate {
    pub text: String,
    pub updated_by: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SeverityUpdate {
    pub normalized: Option<i64>,
    pub product: Option<f64>,
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkflowUpdate {
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateFindingsInput {
    pub finding_identifiers: Vec<FindingIdentifier>,
    pub note: Option<NoteUpdate>,
    pub severity: Option<SeverityUpdate>,
    pub verification_state: Option<String>,
    pub confidence: Option<i64>,
    pub criticality: Option<i64>,
    pub types: Option<Vec<String>>,
    pub user_defined_fields: Option<BTreeMap<String, String>>,
    pub workflow: Option<WorkflowUpdate>,
    pub related_findings: Option<Vec<FindingIdentifier>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedFinding {
    pub finding_identifier: FindingIdentifier,
    pub error_code: String,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateFindingsOutput {
    pub processed_findings: Vec<FindingIdentifier>,
    pub unprocessed_findings: Vec<UnprocessedFinding>,
}

const WORKFLOW_STATUSES: [&str; 4] = ["NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"];
const VERIFICATION_STATES: [&str; 4] = [
    "UNKNOWN",
    "TRUE_POSITIVE",
    "FALSE_POSITIVE",
    "BENIGN_POSITIVE",
];
const SEVERITY_LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

fn check_update(input: &BatchUpdateFindingsInput) -> Result<(), ShError> {
    let n = input.finding_identifiers.len();
    if n == 0 || n > 100 {
        return Err(ShError::invalid(
            "FindingIdentifiers must contain between 1 and 100 findings",
        ));
    }
    check_fields(input)
}

/// The fields to change are valid and at least one is given (BatchUpdateFindings and
/// automation rules' `FindingFieldsUpdate`).
pub fn check_fields(input: &BatchUpdateFindingsInput) -> Result<(), ShError> {
    let nothing = input.note.is_none()
        && input.severity.is_none()
        && input.verification_state.is_none()
        && input.confidence.is_none()
        && input.criticality.is_none()
        && input.types.is_none()
        && input.user_defined_fields.is_none()
        && input.workflow.is_none()
        && input.related_findings.is_none();
    if nothing {
        return Err(ShError::invalid(
            "The request must update at least one field",
        ));
    }
    let percent = |v: Option<i64>, name: &str| match v {
        Some(v) if !(0..=100).contains(&v) => Err(ShError::invalid(format!(
            "{name} must be between 0 and 100"
        ))),
        _ => Ok(()),
    };
    percent(input.confidence, "Confidence")?;
    percent(input.criticality, "Criticality")?;
    if let Some(note) = &input.note {
        if note.text.trim().is_empty()
            || note.text.chars().count() > 512
            || note.updated_by.trim().is_empty()
        {
            return Err(ShError::invalid(
                "Note needs Text (up to 512 characters) and UpdatedBy",
            ));
        }
    }
    if let Some(s) = &input.severity {
        percent(s.normalized, "Severity.Normalized")?;
        if s.label
            .as_deref()
            .is_some_and(|l| !SEVERITY_LABELS.contains(&l))
        {
            return Err(ShError::invalid("Invalid Severity.Label"));
        }
    }
    if let Some(status) = input.workflow.as_ref().and_then(|w| w.status.as_deref()) {
        if !WORKFLOW_STATUSES.contains(&status) {
            return Err(ShError::invalid(format!(
                "Invalid Workflow.Status {status}"
            )));
        }
    }
    if let Some(v) = input.verification_state.as_deref() {
        if !VERIFICATION_STATES.contains(&v) {
            return Err(ShError::invalid(format!("Invalid VerificationState {v}")));
        }
    }
    Ok(())
}

/// The finding with the requested fields changed.
pub fn updated(old: &Value, input: &BatchUpdateFindingsInput, now: i64) -> Value {
    let mut f = old.clone();
    if let Some(note) = &input.note {
        f["Note"] =
            json!({"Text": note.text, "UpdatedBy": note.updated_by, "UpdatedAt": iso8601(now)});
    }
    if let Some(s) = &input.severity {
        let mut severity = f.get("Severity").cloned().unwrap_or_else(|| json!({}));
        match (&s.label, s.normalized) {
            (Some(l), Some(n)) => {
                severity["Label"] = json!(l);
                severity["Normalized"] = json!(n);
            }
            (Some(l), None) => {
                severity["Label"] = json!(l);
                severity["Normalized"] = json!(normalized_for(l));
            }
            (None, Some(n)) => {
                severity["Normalized"] = json!(n);
                severity["Label"] = json!(label_for(n));
            }
            (None, None) => {}
        }
        if let Some(p) = s.product {
            severity["Product"] = json!(p);
        }
        f["Severity"] = severity;
    }
    if let Some(v) = &input.verification_state {
        f["VerificationState"] = json!(v);
    }
    if let Some(c) = input.confidence {
        f["Confidence"] = json!(c);
    }
    if let Some(c) = input.criticality {
        f["Criticality"] = json!(c);
    }
    if let Some(t) = &input.types {
        f["Types"] = json!(t);
    }
    if let Some(fields) = &input.user_defined_fields {
        f["UserDefinedFields"] = json!(fields);
    }
    if let Some(status) = input.workflow.as_ref().and_then(|w| w.status.as_ref()) {
        f["Workflow"] = json!({"Status": status});
    }
    if let Some(related) = &input.related_findings {
        f["RelatedFindings"] = json!(related);
    }
    f
}

pub fn field_changes(old: &Value, new: &Value) -> Vec<FieldChange> {
    let fields = [
        "Note",
        "Severity",
        "VerificationState",
        "Confidence",
        "Criticality",
        "Types",
        "UserDefinedFields",
        "Workflow",
        "RelatedFindings",
    ];
    let shown = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    fields
        .iter()
        .filter(|f| old.get(**f) != new.get(**f))
        .map(|f| FieldChange {
            field: f.to_string(),
            old: shown(old.get(*f)),
            new: shown(new.get(*f)),
        })
        .collect()
}

pub fn batch_update_findings(
    world: &mut World,
    caller: &Caller,
    input: BatchUpdateFindingsInput,
) -> Result<BatchUpdateFindingsOutput, ShError> {
    check_update(&input)?;
    own_hub(world, caller)?;
    let scopes = visible_scopes(world, caller);
    let now = world.clock.now_ms();
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    let mut writes = Vec::new();
    for identifier in &input.finding_identifiers {
        let key = finding_key(&identifier.product_arn, &identifier.id);
        let found = scopes.iter().find_map(|(region, account)| {
            world
                .securityhub
                .hub(region, account)
                .and_then(|h| h.findings.get(&key))
                .map(|f| (region.clone(), account.clone(), f.finding.clone()))
        });
        match found {
            Some((region, account, old)) => {
                let new = updated(&old, &input, now);
                writes.push((region, account, key, field_changes(&old, &new), new));
                processed.push(identifier.clone());
            }
            None => unprocessed.push(UnprocessedFinding {
                finding_identifier: identifier.clone(),
                error_code: "FindingNotFound".to_string(),
                error_message: "Finding Not Found".to_string(),
            }),
        }
    }
    for (region, account, key, updates, new) in writes {
        let stored = world
            .securityhub
            .hub_mut(&region, &account)
            .findings
            .get_mut(&key)
            .expect("located");
        stored.finding = new;
        stored.history.push(HistoryRecord {
            update_ms: now,
            created: false,
            source_type: "BATCH_UPDATE_FINDINGS".to_string(),
            identity: caller.arn(),
            updates,
        });
    }
    Ok(BatchUpdateFindingsOutput {
        processed_findings: processed,
        unprocessed_findings: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingHistoryInput {
    pub finding_identifier: FindingIdentifier,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingHistoryOutput {
    pub records: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// A finding's history; a finding the caller does not see has none.
pub fn get_finding_history(
    world: &mut World,
    caller: &Caller,
    input: GetFindingHistoryInput,
) -> Result<GetFindingHistoryOutput, ShError> {
    let time = |t: &Option<String>, default| match t {
        None => Ok(default),
        Some(t) => parse_time(t).ok_or_else(|| ShError::invalid(format!("Invalid timestamp {t}"))),
    };
    let start = time(&input.start_time, i64::MIN)?;
    let end = time(&input.end_time, i64::MAX)?;
    if start > end {
        return Err(ShError::invalid("StartTime must not be after EndTime"));
    }
    own_hub(world, caller)?;
    let identifier = input.finding_identifier;
    let key = finding_key(&identifier.product_arn, &identifier.id);
    let listing = format!("GetFindingHistory {key}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let begin: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let history = visible_scopes(world, caller)
        .iter()
        .find_map(|(region, account)| {
            world
                .securityhub
                .hub(region, account)
                .and_then(|h| h.findings.get(&key))
        })
        .map(|f| f.history.clone())
        .unwrap_or_default();
    let records = history
        .iter()
        .filter(|r| start <= r.update_ms && r.update_ms <= end)
        .enumerate()
        .skip(begin);
    let (records, next) = take_page(records, max, |(i, _)| i + 1);
    Ok(GetFindingHistoryOutput {
        records: records
            .into_iter()
            .map(|(_, r)| {
                json!({
                    "FindingIdentifier": identifier,
                    "UpdateTime": iso8601(r.update_ms),
                    "FindingCreated": r.created,
                    "UpdateSource": {"Type": r.source_type, "Identity": r.identity},
                    "Updates": r.updates.iter().map(|u| json!({"UpdatedField": u.field, "OldValue": u.old, "NewValue": u.new})).collect::<Vec<_>>(),
                })
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
