//! Findings in ASFF: BatchImportFindings (per-finding failures), GetFindings (every
//! filter kind, sorting, pages), BatchUpdateFindings (customer fields; `UpdatedAt`
//! untouched), GetFindingHistory. An administrator sees and updates its enabled
//! members' findings; the aggregation region also sees its linked regions.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ShError;
use super::filters::{parse_sort, parse_time, sort, FindingFilters};
use super::model::{finding_key, FieldChange, HistoryRecord, MemberStatus, StoredFinding};
use super::{own_hub, page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

pub const SCHEMA_VERSION: &str = "2018-10-08";
const MAX_FINDING_BYTES: usize = 240 * 1024;
const SEVERITY_LABELS: [&str; 5] = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

/// The regions a hub in `home` sees through its finding aggregator.
pub fn linked_regions(world: &World, home: &str, account: &str) -> Vec<String> {
    let Some(aggregator) = world
        .securityhub
        .hub(home, account)
        .and_then(|h| h.aggregator.as_ref())
    else {
        return Vec::new();
    };
    let others = world
        .securityhub
        .regions
        .keys()
        .filter(|r| *r != home)
        .cloned();
    match aggregator.mode.as_str() {
        "ALL_REGIONS" => others.collect(),
        "ALL_REGIONS_EXCEPT_SPECIFIED" => {
            others.filter(|r| !aggregator.regions.contains(r)).collect()
        }
        "SPECIFIED_REGIONS" => aggregator
            .regions
            .iter()
            .filter(|r| *r != home)
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// The (region, account) pairs whose findings the caller sees: itself and its
/// enabled members, in its region and the regions it aggregates.
pub fn visible_scopes(world: &World, caller: &Caller) -> Vec<(String, String)> {
    let me = &caller.account_id;
    let mut regions = vec![caller.region.clone()];
    regions.extend(linked_regions(world, &caller.region, me));
    let mut scopes = Vec::new();
    for region in regions {
        let Some(hub) = world.securityhub.hub(&region, me) else {
            continue;
        };
        scopes.push((region.clone(), me.clone()));
        for m in hub
            .members
            .values()
            .filter(|m| m.status == MemberStatus::Enabled)
        {
            if world.securityhub.administrator_of(&region, &m.account_id) == Some(me.as_str()) {
                scopes.push((region.clone(), m.account_id.clone()));
            }
        }
    }
    scopes
}

/// Label from a normalized score and back, as ASFF defines them.
pub fn label_for(normalized: i64) -> &'static str {
    match normalized {
        0 => "INFORMATIONAL",
        1..=39 => "LOW",
        40..=69 => "MEDIUM",
        70..=89 => "HIGH",
        _ => "CRITICAL",
    }
}

pub fn normalized_for(label: &str) -> i64 {
    match label {
        "LOW" => 1,
        "MEDIUM" => 40,
        "HIGH" => 70,
        "CRITICAL" => 90,
        _ => 0,
    }
}

/// Completes a severity that has only a label or only a normalized score.
fn complete_severity(severity: &mut Value) {
    let label = severity
        .get("Label")
        .and_then(Value::as_str)
        .map(String::from);
    let normalized = severity.get("Normalized").and_then(Value::as_i64);
    match (label, normalized) {
        (Some(l), None) => severity["Normalized"] = json!(normalized_for(&l)),
        (None, Some(n)) => severity["Label"] = json!(label_for(n)),
        _ => {}
    }
}

/// The fields Security Hub fills in on import.
fn complete_import(finding: &mut Value, region: &str, now: i64) {
    let obj = finding.as_object_mut().expect("checked object");
    obj.entry("Region").or_insert_with(|| json!(region));
    let partner = obj["ProductArn"]
        .as_str()
        .and_then(|arn| super::products::product(arn, region));
    if let Some(p) = partner {
        obj.entry("ProductName").or_insert_with(|| json!(p.name));
        obj.entry("CompanyName").or_insert_with(|| json!(p.company));
    }
    if !obj.contains_key("ProductName") {
        let is_default = obj["ProductArn"]
            .as_str()
            .is_some_and(|a| a.ends_with("/default"));
        obj.insert(
            "ProductName".into(),
            json!(if is_default { "Default" } else { "Unknown" }),
        );
        obj.insert(
            "CompanyName".into(),
            json!(if is_default { "Personal" } else { "Unknown" }),
        );
    }
    obj.entry("RecordState").or_insert_with(|| json!("ACTIVE"));
    obj.entry("WorkflowState").or_insert_with(|| json!("NEW"));
    obj.entry("Workflow")
        .or_insert_with(|| json!({"Status": "NEW"}));
    let mut provider = obj
        .get("FindingProviderFields")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if !obj.contains_key("Severity") {
        if let Some(s) = provider.get("Severity") {
            obj.insert("Severity".into(), s.clone());
        }
    }
    if !obj.contains_key("Types") {
        if let Some(t) = provider.get("Types") {
            obj.insert("Types".into(), t.clone());
        }
    }
    if let Some(severity) = obj.get_mut("Severity") {
        complete_severity(severity);
    }
    for field in [
        "Severity",
        "Types",
        "Confidence",
        "Criticality",
        "RelatedFindings",
    ] {
        if provider.get(field).is_none() {
            if let Some(v) = obj.get(field) {
                provider[field] = v.clone();
            }
        }
    }
    obj.insert("FindingProviderFields".into(), provider);
    obj.insert("ProcessedAt".into(), json!(iso8601(now)));
    let id = format!(
        "{}/{}",
        obj["ProductArn"].as_str().unwrap_or_default(),
        obj["Id"].as_str().unwrap_or_default()
    );
    let product = obj["ProductName"].clone();
    let company = obj["CompanyName"].clone();
    let fields = obj.entry("ProductFields").or_insert_with(|| json!({}));
    fields["aws/securityhub/FindingId"] = json!(id);
    fields["aws/securityhub/ProductName"] = product;
    fields["aws/securityhub/CompanyName"] = company;
}

fn shown(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Top-level fields that differ, timestamps aside (as GetFindingHistory reports).
fn changes(old: Option<&Value>, new: &Value) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let old = old.and_then(Value::as_object).unwrap_or(&empty);
    let new = new.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| !matches!(k.as_str(), "CreatedAt" | "UpdatedAt" | "ProcessedAt"))
        .filter(|k| old.get(*k) != new.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            old: shown(old.get(k)),
            new: shown(new.get(k)),
        })
        .collect()
}

/// Stores an imported finding (from `BatchImportFindings` or an integrated AWS
/// service) in `account`'s hub. The customer's fields survive re-import; AWS's
/// workflow rules apply (archived → active, passed → failed reopen it).
pub fn store_imported(
    world: &mut World,
    region: &str,
    account: &str,
    mut finding: Value,
    identity: &str,
) {
    let now = world.clock.now_ms();
    let rules = super::automation_rules::rules_for(world, region, account);
    complete_import(&mut finding, region, now);
    let key = finding_key(
        finding["ProductArn"].as_str().unwrap_or_default(),
        finding["Id"].as_str().unwrap_or_default(),
    );
    let hub = world.securityhub.hub_mut(region, account);
    let previous = hub.findings.get(&key).cloned();
    if let Some(old) = previous.as_ref().map(|p| &p.finding) {
        for field in [
            "Note",
            "UserDefinedFields",
            "VerificationState",
            "Workflow",
            "WorkflowState",
        ] {
            match old.get(field) {
                Some(v) => finding[field] = v.clone(),
                None => {
                    finding.as_object_mut().expect("object").remove(field);
                }
            }
        }
        // Fields a customer changed with BatchUpdateFindings are the customer's
        // from then on; the provider's values go to FindingProviderFields only.
        let history = previous
            .as_ref()
            .map(|p| p.history.as_slice())
            .unwrap_or_default();
        for field in [
            "Confidence",
            "Criticality",
            "RelatedFindings",
            "Severity",
            "Types",
        ] {
            let customer_set = history.iter().any(|r| {
                r.source_type == "BATCH_UPDATE_FINDINGS"
                    && r.updates.iter().any(|u| u.field == field)
            });
            if customer_set {
                finding[field] = old[field].clone();
            }
        }
        let reopened = (old["RecordState"] == "ARCHIVED" && finding["RecordState"] == "ACTIVE")
            || (old["Compliance"]["Status"] == "PASSED"
                && finding["Compliance"]["Status"] == "FAILED");
        if reopened
            && matches!(
                old["Workflow"]["Status"].as_str(),
                Some("NOTIFIED" | "RESOLVED")
            )
        {
            finding["Workflow"] = json!({"Status": "NEW"});
        }
        finding["CreatedAt"] = old["CreatedAt"].clone();
    }
    let record = HistoryRecord {
        update_ms: now,
        created: previous.is_none(),
        source_type: "BATCH_IMPORT_FINDINGS".to_string(),
        identity: identity.to_string(),
        updates: changes(previous.as_ref().map(|p| &p.finding), &finding),
    };
    let mut history = previous.map(|p| p.history).unwrap_or_default();
    history.push(record);
    super::automation_rules::apply_rules(&rules, &mut finding, &mut history, now);
    hub.findings.insert(key, StoredFinding { finding, history });
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchImportFindingsInput {
    pub findings: Vec<Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImportFindingsError {
    pub id: String,
    pub error_code: String,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchImportFindingsOutput {
    pub failed_count: usize,
    pub success_count: usize,
    pub failed_findings: Vec<ImportFindingsError>,
}

fn non_empty<'v>(f: &'v Value, field: &str) -> Result<&'v str, String> {
    f.get(field)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| format!("Finding is missing the required field {field}"))
}

/// Why a finding can't be imported by `caller`: (error code, message).
fn import_problem(world: &World, f: &Value, caller: &Caller) -> Result<(), (&'static str, String)> {
    let invalid = |m: String| ("InvalidInput", m);
    if !f.is_object() {
        return Err(invalid("Finding must be an object".into()));
    }
    if f.to_string().len() > MAX_FINDING_BYTES {
        return Err((
            "FindingSizeExceeded",
            "The finding is larger than 240 KB".into(),
        ));
    }
    for field in [
        "SchemaVersion",
        "Id",
        "ProductArn",
        "GeneratorId",
        "AwsAccountId",
        "CreatedAt",
        "UpdatedAt",
        "Title",
        "Description",
    ] {
        non_empty(f, field).map_err(invalid)?;
    }
    if f["SchemaVersion"] != SCHEMA_VERSION {
        return Err(invalid(format!("SchemaVersion must be {SCHEMA_VERSION}")));
    }
    for field in [
        "CreatedAt",
        "UpdatedAt",
        "FirstObservedAt",
        "LastObservedAt",
    ] {
        if let Some(t) = f.get(field).and_then(Value::as_str) {
            parse_time(t)
                .ok_or_else(|| invalid(format!("{field} is not an ISO 8601 timestamp: {t}")))?;
        }
    }
    if f["Title"].as_str().is_some_and(|t| t.chars().count() > 256) {
        return Err(invalid("Title is longer than 256 characters".into()));
    }
    if f["Description"]
        .as_str()
        .is_some_and(|t| t.chars().count() > 1024)
    {
        return Err(invalid("Description is longer than 1024 characters".into()));
    }
    let resources = f["Resources"]
        .as_array()
        .filter(|r| !r.is_empty() && r.len() <= 32);
    let resources_ok = resources.is_some_and(|r| {
        r.iter()
            .all(|r| non_empty(r, "Type").is_ok() && non_empty(r, "Id").is_ok())
    });
    if !resources_ok {
        return Err(invalid(
            "Resources must list 1 to 32 resources, each with Type and Id".into(),
        ));
    }
    let types = f
        .get("Types")
        .or_else(|| f["FindingProviderFields"].get("Types"));
    if types.and_then(Value::as_array).is_none_or(|t| t.is_empty()) {
        return Err(invalid(
            "Finding is missing the required field Types".into(),
        ));
    }
    let severity = f
        .get("Severity")
        .or_else(|| f["FindingProviderFields"].get("Severity"));
    let label = severity
        .and_then(|s| s.get("Label"))
        .and_then(Value::as_str);
    let normalized = severity
        .and_then(|s| s.get("Normalized"))
        .and_then(Value::as_i64);
    if label.is_none() && normalized.is_none() {
        return Err(invalid(
            "Finding is missing the required field Severity".into(),
        ));
    }
    if label.is_some_and(|l| !SEVERITY_LABELS.contains(&l))
        || normalized.is_some_and(|n| !(0..=100).contains(&n))
    {
        return Err(invalid(
            "Severity has an invalid Label or Normalized value".into(),
        ));
    }
    let default_product = format!(
        "arn:aws:securityhub:{}:{}:product/{}/default",
        caller.region, caller.account_id, caller.account_id
    );
    let product_arn = f["ProductArn"].as_str().unwrap_or_default();
    // A partner product the account subscribed to imports in the account, like its own.
    let subscribed_partner = super::products::product(product_arn, &caller.region)
        .is_some_and(|p| !p.is_aws())
        && super::products::imports(world, &caller.region, &caller.account_id, product_arn);
    if product_arn != default_product && !subscribed_partner {
        return Err((
            "AccessDeniedException",
            format!(
                "Account {} is not allowed to import findings for product {}",
                caller.account_id,
                f["ProductArn"].as_str().unwrap_or_default()
            ),
        ));
    }
    if f["AwsAccountId"] != caller.account_id.as_str() {
        return Err((
            "AccessDeniedException",
            format!(
                "With the default or a partner product, AwsAccountId must be the calling account {}",
                caller.account_id
            ),
        ));
    }
    Ok(())
}

pub fn batch_import_findings(
    world: &mut World,
    caller: &Caller,
    input: BatchImportFindingsInput,
) -> Result<BatchImportFindingsOutput, ShError> {
    if input.findings.is_empty() || input.findings.len() > 100 {
        return Err(ShError::invalid(
            "Findings must contain between 1 and 100 findings",
        ));
    }
    own_hub(world, caller)?;
    let mut failed = Vec::new();
    let mut accepted = Vec::new();
    for f in input.findings {
        match import_problem(world, &f, caller) {
            Ok(()) => accepted.push(f),
            Err((code, message)) => failed.push(ImportFindingsError {
                id: f
                    .get("Id")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                error_code: code.to_string(),
                error_message: message,
            }),
        }
    }
    let success = accepted.len();
    for f in accepted {
        let identity = f["ProductArn"].as_str().unwrap_or_default().to_string();
        store_imported(world, &caller.region, &caller.account_id, f, &identity);
    }
    Ok(BatchImportFindingsOutput {
        failed_count: failed.len(),
        success_count: success,
        failed_findings: failed,
    })
}

/// Every finding the caller sees that the filters match, unsorted.
pub fn matching_findings(world: &World, caller: &Caller, filters: &FindingFilters) -> Vec<Value> {
    visible_scopes(world, caller)
        .iter()
        .filter_map(|(region, account)| world.securityhub.hub(region, account))
        .flat_map(|h| h.findings.values())
        .filter(|f| filters.matches(&f.finding))
        .map(|f| f.finding.clone())
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingsInput {
    #[serde(default)]
    pub filters: Value,
    #[serde(default)]
    pub sort_criteria: Value,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingsOutput {
    pub findings: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_findings(
    world: &mut World,
    caller: &Caller,
    input: GetFindingsInput,
) -> Result<GetFindingsOutput, ShError> {
    let filters = FindingFilters::parse(&input.filters, world.clock.now_ms())?;
    let keys = parse_sort(&input.sort_criteria)?;
    own_hub(world, caller)?;
    // The token keeps the position; the filters and sort are the caller's to repeat.
    let listing = format!("GetFindings {} {}", caller.account_id, caller.region);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = match after {
        None => 0,
        Some(k) => k
            .parse()
            .map_err(|_| ShError::invalid("The NextToken is invalid."))?,
    };
    let mut findings = matching_findings(world, caller, &filters);
    sort(&mut findings, &keys);
    let items = findings.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(GetFindingsOutput {
        findings: items.into_iter().map(|(_, f)| f).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
