//! Automation rules: CreateAutomationRule, ListAutomationRules, BatchGetAutomationRules,
//! BatchUpdateAutomationRules, BatchDeleteAutomationRules. The administrator (or a
//! standalone account) writes them; they change the findings of its own and its
//! members' accounts in the region whenever BatchImportFindings (or an integrated
//! service) creates or updates a finding, in ascending `RuleOrder`, stopping after a
//! matching terminal rule.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ShError;
use super::filters::FindingFilters;
use super::finding_updates::{check_fields, field_changes, updated, BatchUpdateFindingsInput};
use super::model::{AutomationRule, HistoryRecord};
use super::tags::check_tags;
use super::{own_hub, page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// Rules one administrator may have per region (AWS quota).
const RULE_LIMIT: usize = 100;

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleStatus {
    Enabled,
    Disabled,
}

impl RuleStatus {
    fn wire(self) -> &'static str {
        match self {
            RuleStatus::Enabled => "ENABLED",
            RuleStatus::Disabled => "DISABLED",
        }
    }
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize)]
pub enum ActionType {
    #[serde(rename = "FINDING_FIELDS_UPDATE")]
    FindingFieldsUpdate,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleAction {
    #[serde(rename = "Type")]
    pub kind: ActionType,
    pub finding_fields_update: Option<Value>,
}

/// The rule's accounts: members may not write rules, their administrator does.
fn rule_owner(world: &World, caller: &Caller) -> Result<(), ShError> {
    own_hub(world, caller)?;
    if world
        .securityhub
        .administrator_of(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(ShError::AccessDenied(format!(
            "Account {} is a member account. Only the Security Hub administrator account can manage automation rules",
            caller.account_id
        )));
    }
    Ok(())
}

/// A field update as BatchUpdateFindings' input (no identifiers).
fn as_update(fields: &Value) -> Result<BatchUpdateFindingsInput, ShError> {
    let mut with_ids = fields.clone();
    if !with_ids.is_object() {
        return Err(ShError::invalid("FindingFieldsUpdate must be an object"));
    }
    with_ids["FindingIdentifiers"] = json!([]);
    serde_json::from_value(with_ids).map_err(ShError::from_input)
}

fn check_actions(actions: &[RuleAction]) -> Result<(), ShError> {
    if actions.len() != 1 {
        return Err(ShError::invalid("Actions must contain exactly 1 action"));
    }
    for action in actions {
        let fields = action.finding_fields_update.as_ref().ok_or_else(|| {
            ShError::invalid("A FINDING_FIELDS_UPDATE action needs FindingFieldsUpdate")
        })?;
        check_fields(&as_update(fields)?)?;
    }
    Ok(())
}

/// Criteria use the `AutomationRulesFindingFilters` attributes, parsed like GetFindings'.
const CRITERIA: &[&str] = &[
    "ProductArn",
    "AwsAccountId",
    "Id",
    "GeneratorId",
    "Type",
    "FirstObservedAt",
    "LastObservedAt",
    "CreatedAt",
    "UpdatedAt",
    "Confidence",
    "Criticality",
    "Title",
    "Description",
    "SourceUrl",
    "ProductName",
    "CompanyName",
    "SeverityLabel",
    "ResourceType",
    "ResourceId",
    "ResourcePartition",
    "ResourceRegion",
    "ResourceTags",
    "ResourceDetailsOther",
    "ComplianceStatus",
    "ComplianceSecurityControlId",
    "ComplianceAssociatedStandardsId",
    "VerificationState",
    "WorkflowStatus",
    "RecordState",
    "RelatedFindingsProductArn",
    "RelatedFindingsId",
    "NoteText",
    "NoteUpdatedAt",
    "NoteUpdatedBy",
    "UserDefinedFields",
    "ResourceApplicationArn",
    "ResourceApplicationName",
    "AwsAccountName",
];

fn check_criteria(criteria: &Value, now: i64) -> Result<(), ShError> {
    if let Some(map) = criteria.as_object() {
        if let Some(name) = map.keys().find(|k| !CRITERIA.contains(&k.as_str())) {
            return Err(ShError::invalid(format!(
                "Criteria has an unknown field {name}"
            )));
        }
    }
    FindingFilters::parse(criteria, now).map(|_| ())
}

fn check_order(order: i64) -> Result<(), ShError> {
    if !(1..=1000).contains(&order) {
        return Err(ShError::invalid("RuleOrder must be between 1 and 1000"));
    }
    Ok(())
}

fn check_text(name: &str, value: &str, max: usize) -> Result<(), ShError> {
    if value.trim().is_empty() || value.chars().count() > max {
        return Err(ShError::invalid(format!(
            "{name} must be between 1 and {max} characters"
        )));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutomationRuleInput {
    pub tags: Option<BTreeMap<String, String>>,
    pub rule_status: Option<RuleStatus>,
    pub rule_order: i64,
    pub rule_name: String,
    pub description: String,
    pub is_terminal: Option<bool>,
    pub criteria: Value,
    pub actions: Vec<RuleAction>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutomationRuleOutput {
    pub rule_arn: String,
}

pub fn create_automation_rule(
    world: &mut World,
    caller: &Caller,
    input: CreateAutomationRuleInput,
) -> Result<CreateAutomationRuleOutput, ShError> {
    let now = world.clock.now_ms();
    check_order(input.rule_order)?;
    check_text("RuleName", &input.rule_name, 256)?;
    check_text("Description", &input.description, 1024)?;
    check_criteria(&input.criteria, now)?;
    check_actions(&input.actions)?;
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    rule_owner(world, caller)?;
    let hub = own_hub(world, caller)?;
    if hub.automation_rules.len() >= RULE_LIMIT {
        return Err(ShError::LimitExceeded(format!(
            "You can have up to {RULE_LIMIT} automation rules"
        )));
    }
    let arn = format!(
        "arn:aws:securityhub:{}:{}:automation-rule/{}",
        caller.region,
        caller.account_id,
        world.ids.uuid()
    );
    let rule = AutomationRule {
        arn: arn.clone(),
        name: input.rule_name,
        description: input.description,
        order: input.rule_order,
        status: input
            .rule_status
            .unwrap_or(RuleStatus::Enabled)
            .wire()
            .to_string(),
        is_terminal: input.is_terminal.unwrap_or(false),
        criteria: input.criteria,
        actions: serde_json::to_value(&input.actions).unwrap_or_default(),
        created_ms: now,
        updated_ms: now,
        created_by: caller.arn(),
        tags,
    };
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .automation_rules
        .insert(arn.clone(), rule);
    Ok(CreateAutomationRuleOutput { rule_arn: arn })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleMetadata {
    pub rule_arn: String,
    pub rule_status: String,
    pub rule_order: i64,
    pub rule_name: String,
    pub description: String,
    pub is_terminal: bool,
    pub created_at: String,
    pub updated_at: String,
    pub created_by: String,
}

impl RuleMetadata {
    fn of(rule: &AutomationRule) -> Self {
        RuleMetadata {
            rule_arn: rule.arn.clone(),
            rule_status: rule.status.clone(),
            rule_order: rule.order,
            rule_name: rule.name.clone(),
            description: rule.description.clone(),
            is_terminal: rule.is_terminal,
            created_at: iso8601(rule.created_ms),
            updated_at: iso8601(rule.updated_ms),
            created_by: rule.created_by.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleDetail {
    #[serde(flatten)]
    pub metadata: RuleMetadata,
    pub criteria: Value,
    pub actions: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAutomationRulesInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAutomationRulesOutput {
    pub automation_rules_metadata: Vec<RuleMetadata>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Rules in the order they run: `RuleOrder`, then creation.
fn in_run_order<'h>(rules: impl Iterator<Item = &'h AutomationRule>) -> Vec<&'h AutomationRule> {
    let mut rules: Vec<_> = rules.collect();
    rules.sort_by(|a, b| (a.order, a.created_ms, &a.arn).cmp(&(b.order, b.created_ms, &b.arn)));
    rules
}

pub fn list_automation_rules(
    world: &mut World,
    caller: &Caller,
    input: ListAutomationRulesInput,
) -> Result<ListAutomationRulesOutput, ShError> {
    rule_owner(world, caller)?;
    let hub = own_hub(world, caller)?;
    let listing = format!("ListAutomationRules {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let rules = in_run_order(hub.automation_rules.values());
    let items = rules.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(ListAutomationRulesOutput {
        automation_rules_metadata: items
            .into_iter()
            .map(|(_, r)| RuleMetadata::of(r))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedRule {
    pub rule_arn: String,
    pub error_code: i64,
    pub error_message: String,
}

impl UnprocessedRule {
    fn not_found(arn: &str) -> Self {
        UnprocessedRule {
            rule_arn: arn.to_string(),
            error_code: 404,
            error_message: "Automation rule not found".to_string(),
        }
    }
}

fn check_arns(arns: &[String]) -> Result<(), ShError> {
    if arns.is_empty() || arns.len() > 100 {
        return Err(ShError::invalid(
            "AutomationRulesArns must contain between 1 and 100 ARNs",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutomationRulesArnsInput {
    pub automation_rules_arns: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetAutomationRulesOutput {
    pub rules: Vec<RuleDetail>,
    pub unprocessed_automation_rules: Vec<UnprocessedRule>,
}

pub fn batch_get_automation_rules(
    world: &mut World,
    caller: &Caller,
    input: AutomationRulesArnsInput,
) -> Result<BatchGetAutomationRulesOutput, ShError> {
    check_arns(&input.automation_rules_arns)?;
    rule_owner(world, caller)?;
    let hub = own_hub(world, caller)?;
    let mut rules = Vec::new();
    let mut unprocessed = Vec::new();
    for arn in &input.automation_rules_arns {
        match hub.automation_rules.get(arn) {
            Some(rule) => rules.push(RuleDetail {
                metadata: RuleMetadata::of(rule),
                criteria: rule.criteria.clone(),
                actions: rule.actions.clone(),
            }),
            None => unprocessed.push(UnprocessedRule::not_found(arn)),
        }
    }
    Ok(BatchGetAutomationRulesOutput {
        rules,
        unprocessed_automation_rules: unprocessed,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessedOutput {
    pub processed_automation_rules: Vec<String>,
    pub unprocessed_automation_rules: Vec<UnprocessedRule>,
}

pub fn batch_delete_automation_rules(
    world: &mut World,
    caller: &Caller,
    input: AutomationRulesArnsInput,
) -> Result<ProcessedOutput, ShError> {
    check_arns(&input.automation_rules_arns)?;
    rule_owner(world, caller)?;
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    for arn in &input.automation_rules_arns {
        match hub.automation_rules.remove(arn) {
            Some(_) => processed.push(arn.clone()),
            None => unprocessed.push(UnprocessedRule::not_found(arn)),
        }
    }
    Ok(ProcessedOutput {
        processed_automation_rules: processed,
        unprocessed_automation_rules: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRuleItem {
    pub rule_arn: String,
    pub rule_status: Option<RuleStatus>,
    pub rule_order: Option<i64>,
    pub description: Option<String>,
    pub rule_name: Option<String>,
    pub is_terminal: Option<bool>,
    pub criteria: Option<Value>,
    pub actions: Option<Vec<RuleAction>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateAutomationRulesInput {
    pub update_automation_rules_request_items: Vec<UpdateRuleItem>,
}

pub fn batch_update_automation_rules(
    world: &mut World,
    caller: &Caller,
    input: BatchUpdateAutomationRulesInput,
) -> Result<ProcessedOutput, ShError> {
    let items = input.update_automation_rules_request_items;
    if items.is_empty() || items.len() > 100 {
        return Err(ShError::invalid(
            "UpdateAutomationRulesRequestItems must contain between 1 and 100 items",
        ));
    }
    let now = world.clock.now_ms();
    for item in &items {
        if let Some(order) = item.rule_order {
            check_order(order)?;
        }
        if let Some(name) = &item.rule_name {
            check_text("RuleName", name, 256)?;
        }
        if let Some(d) = &item.description {
            check_text("Description", d, 1024)?;
        }
        if let Some(c) = &item.criteria {
            check_criteria(c, now)?;
        }
        if let Some(a) = &item.actions {
            check_actions(a)?;
        }
    }
    rule_owner(world, caller)?;
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    for item in items {
        let Some(rule) = hub.automation_rules.get_mut(&item.rule_arn) else {
            unprocessed.push(UnprocessedRule::not_found(&item.rule_arn));
            continue;
        };
        if let Some(s) = item.rule_status {
            rule.status = s.wire().to_string();
        }
        if let Some(o) = item.rule_order {
            rule.order = o;
        }
        if let Some(d) = item.description {
            rule.description = d;
        }
        if let Some(n) = item.rule_name {
            rule.name = n;
        }
        if let Some(t) = item.is_terminal {
            rule.is_terminal = t;
        }
        if let Some(c) = item.criteria {
            rule.criteria = c;
        }
        if let Some(a) = item.actions {
            rule.actions = serde_json::to_value(&a).unwrap_or_default();
        }
        rule.updated_ms = now;
        processed.push(item.rule_arn);
    }
    Ok(ProcessedOutput {
        processed_automation_rules: processed,
        unprocessed_automation_rules: unprocessed,
    })
}

/// The enabled rules that govern `account`'s findings in `region`, in run order:
/// its administrator's, or its own when it has none.
pub fn rules_for(world: &World, region: &str, account: &str) -> Vec<AutomationRule> {
    let owner = world
        .securityhub
        .administrator_of(region, account)
        .unwrap_or(account);
    let Some(hub) = world.securityhub.hub(region, owner) else {
        return Vec::new();
    };
    in_run_order(
        hub.automation_rules
            .values()
            .filter(|r| r.status == "ENABLED"),
    )
    .into_iter()
    .cloned()
    .collect()
}

/// Runs `rules` over a finding just imported: each matching rule's field update is
/// applied and recorded in the history under the rule's ARN.
pub fn apply_rules(
    rules: &[AutomationRule],
    finding: &mut Value,
    history: &mut Vec<HistoryRecord>,
    now: i64,
) {
    for rule in rules {
        let Ok(filters) = FindingFilters::parse(&rule.criteria, now) else {
            continue;
        };
        if !filters.matches(finding) {
            continue;
        }
        for action in rule.actions.as_array().into_iter().flatten() {
            let Some(update) = action
                .get("FindingFieldsUpdate")
                .and_then(|f| as_update(f).ok())
            else {
                continue;
            };
            let new = updated(finding, &update, now);
            let updates = field_changes(finding, &new);
            *finding = new;
            if !updates.is_empty() {
                history.push(HistoryRecord {
                    update_ms: now,
                    created: false,
                    source_type: "BATCH_UPDATE_FINDINGS".to_string(),
                    identity: rule.arn.clone(),
                    updates,
                });
            }
        }
        if rule.is_terminal {
            break;
        }
    }
}
