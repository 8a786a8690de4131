//! Evaluation results beyond the rule listings: external evaluations (for process
//! check rules), clearing a rule's results, the results and summary per resource, and
//! the Guard policy of custom policy rules.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::compliance::{evaluation_result_wire, summary_wire};
use super::errors::ConfigError;
use super::managed_rules::{evaluate, COMPLIANT, NON_COMPLIANT};
use super::model::StoredEvaluation;
use super::rules::active_rules;
use super::{organization_authority, Empty};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::World;

const COMPLIANCE_TYPES: &str = "[COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA]";

fn check_compliance_type(member: &str, t: &str) -> Result<(), ConfigError> {
    if matches!(
        t,
        "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE" | "INSUFFICIENT_DATA"
    ) {
        Ok(())
    } else {
        Err(ConfigError::constraint(
            member,
            t,
            &format!("Member must satisfy enum value set: {COMPLIANCE_TYPES}"),
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalEvaluation {
    pub compliance_resource_type: String,
    pub compliance_resource_id: String,
    pub compliance_type: String,
    pub annotation: Option<String>,
    pub ordering_timestamp: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutExternalEvaluationInput {
    pub config_rule_name: String,
    pub external_evaluation: ExternalEvaluation,
}

/// Results of a rule whose results come from outside (a process check): stored on the
/// caller's own rule like `PutEvaluations`' results.
pub fn put_external_evaluation(
    world: &mut World,
    caller: &Caller,
    input: PutExternalEvaluationInput,
) -> Result<Empty, ConfigError> {
    let e = input.external_evaluation;
    check_compliance_type("externalEvaluation.complianceType", &e.compliance_type)?;
    if e.compliance_type == "INSUFFICIENT_DATA" {
        return Err(ConfigError::InvalidParameterValue(
            "The compliance type INSUFFICIENT_DATA is not valid for an external evaluation."
                .to_string(),
        ));
    }
    let name = input.config_rule_name;
    let own = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.rules.contains_key(&name));
    if !own {
        return Err(ConfigError::no_such_rule(&name));
    }
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    account.results_deleted_ms.remove(&name);
    if let Some(rule) = account.rules.get_mut(&name) {
        rule.evaluations.insert(
            format!(
                "{}/{}",
                e.compliance_resource_type, e.compliance_resource_id
            ),
            StoredEvaluation {
                resource_type: e.compliance_resource_type,
                resource_id: e.compliance_resource_id,
                compliance_type: e.compliance_type,
                annotation: e.annotation,
                ordering_ms: (e.ordering_timestamp * 1000.0) as i64,
                recorded_ms: now,
            },
        );
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteEvaluationResultsInput {
    pub config_rule_name: String,
}

/// Clears a rule's results until it is evaluated again (`StartConfigRulesEvaluation`).
pub fn delete_evaluation_results(
    world: &mut World,
    caller: &Caller,
    input: DeleteEvaluationResultsInput,
) -> Result<Empty, ConfigError> {
    let name = input.config_rule_name;
    let exists = active_rules(world, &caller.account_id, &caller.region)
        .iter()
        .any(|r| r.name == name);
    if !exists {
        return Err(ConfigError::no_such_rule(&name));
    }
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    if let Some(rule) = account.rules.get_mut(&name) {
        rule.evaluations.clear();
    }
    account.results_deleted_ms.insert(name, now);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsByResourceInput {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    #[serde(default)]
    pub compliance_types: Vec<String>,
    pub next_token: Option<String>,
    pub resource_evaluation_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsByResourceOutput {
    pub evaluation_results: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_compliance_details_by_resource(
    world: &mut World,
    caller: &Caller,
    input: DetailsByResourceInput,
) -> Result<DetailsByResourceOutput, ConfigError> {
    for t in &input.compliance_types {
        check_compliance_type("complianceTypes", t)?;
    }
    if input.resource_evaluation_id.is_some() {
        // orgsim runs no proactive evaluations, so no evaluation id names one.
        return Err(ConfigError::InvalidParameterValue(
            "The ResourceEvaluationId does not name a resource evaluation.".to_string(),
        ));
    }
    let (Some(resource_type), Some(resource_id)) = (&input.resource_type, &input.resource_id)
    else {
        return Err(ConfigError::InvalidParameterValue(
            "ResourceType and ResourceId are required when ResourceEvaluationId is absent."
                .to_string(),
        ));
    };
    let listing = format!(
        "GetComplianceDetailsByResource {} {resource_type} {resource_id}",
        caller.region
    );
    let after = match input.next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(decode_token(&listing, t).ok_or_else(ConfigError::bad_token)?),
    };
    let mut rows = Vec::new();
    for rule in active_rules(world, &caller.account_id, &caller.region) {
        for result in evaluate(world, &caller.account_id, &caller.region, &rule) {
            let wanted = input.compliance_types.is_empty()
                || input.compliance_types.contains(&result.compliance_type);
            if &result.resource_type == resource_type
                && &result.resource_id == resource_id
                && wanted
                && after.as_ref().is_none_or(|a| &rule.name > a)
            {
                rows.push((
                    rule.name.clone(),
                    evaluation_result_wire(&rule.name, &result),
                ));
            }
        }
    }
    let next = (rows.len() > 100).then(|| encode_token(&listing, &rows[99].0));
    rows.truncate(100);
    Ok(DetailsByResourceOutput {
        evaluation_results: rows.into_iter().map(|(_, r)| r).collect(),
        next_token: next,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryByResourceTypeInput {
    #[serde(default)]
    pub resource_types: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryByResourceTypeOutput {
    pub compliance_summaries_by_resource_type: Vec<Value>,
}

/// Compliant and non-compliant resources per type (a resource with any non-compliant
/// result is non-compliant); without types asked, one summary over every type.
pub fn get_compliance_summary_by_resource_type(
    world: &mut World,
    caller: &Caller,
    input: SummaryByResourceTypeInput,
) -> Result<SummaryByResourceTypeOutput, ConfigError> {
    if input.resource_types.len() > 100 {
        return Err(ConfigError::InvalidParameterValue(
            "ResourceTypes must list at most 100 types.".to_string(),
        ));
    }
    // (type, id) → any non-compliant, any compliant
    let mut resources: BTreeMap<(String, String), (bool, bool)> = BTreeMap::new();
    for rule in active_rules(world, &caller.account_id, &caller.region) {
        for result in evaluate(world, &caller.account_id, &caller.region, &rule) {
            let entry = resources
                .entry((result.resource_type.clone(), result.resource_id.clone()))
                .or_default();
            entry.0 |= result.compliance_type == NON_COMPLIANT;
            entry.1 |= result.compliance_type == COMPLIANT;
        }
    }
    let count = |filter: &dyn Fn(&str) -> bool| {
        let mut compliant = 0;
        let mut non_compliant = 0;
        for ((t, _), (non, ok)) in &resources {
            if filter(t) {
                if *non {
                    non_compliant += 1;
                } else if *ok {
                    compliant += 1;
                }
            }
        }
        (compliant, non_compliant)
    };
    let now = world.clock.now_ms();
    let summaries = if input.resource_types.is_empty() {
        let (c, n) = count(&|_| true);
        vec![json!({"ComplianceSummary": summary_wire(c, n, now)})]
    } else {
        input
            .resource_types
            .iter()
            .map(|t| {
                let (c, n) = count(&|x| x == t);
                json!({"ResourceType": t, "ComplianceSummary": summary_wire(c, n, now)})
            })
            .collect()
    };
    Ok(SummaryByResourceTypeOutput {
        compliance_summaries_by_resource_type: summaries,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomRulePolicyInput {
    pub config_rule_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyTextOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_text: Option<String>,
}

pub fn get_custom_rule_policy(
    world: &mut World,
    caller: &Caller,
    input: CustomRulePolicyInput,
) -> Result<PolicyTextOutput, ConfigError> {
    let name = input.config_rule_name.unwrap_or_default();
    let rule = active_rules(world, &caller.account_id, &caller.region)
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| ConfigError::no_such_rule(&name))?;
    let text = rule
        .source
        .pointer("/CustomPolicyDetails/PolicyText")
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(PolicyTextOutput { policy_text: text })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationCustomRulePolicyInput {
    pub organization_config_rule_name: String,
}

pub fn get_organization_custom_rule_policy(
    world: &mut World,
    caller: &Caller,
    input: OrganizationCustomRulePolicyInput,
) -> Result<PolicyTextOutput, ConfigError> {
    let name = input.organization_config_rule_name;
    let (org_id, _) =
        organization_authority(world, caller, super::organization_rules::SERVICE_PRINCIPAL)?;
    let rule = world
        .config
        .organization_rules(&caller.region, &org_id)
        .and_then(|rules| rules.get(&name))
        .ok_or_else(|| {
            ConfigError::NoSuchOrganizationConfigRule(format!(
                "The organization config rule '{name}' does not exist."
            ))
        })?;
    let text = rule
        .custom_policy
        .as_ref()
        .and_then(|p| p.get("PolicyText"))
        .and_then(Value::as_str)
        .map(str::to_string);
    Ok(PolicyTextOutput { policy_text: text })
}
