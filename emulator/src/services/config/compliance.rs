//! Compliance of one account and region: by rule, by resource, the results of a rule
//! and the summary — all computed from the rules in force and the world as it is now.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ConfigError;
use super::managed_rules::{evaluate, rule_compliance, RuleResult, COMPLIANT, NON_COMPLIANT};
use super::page;
use super::rules::{active_rules, named_rules};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// `Compliance`: the type and, when non-compliant, how many contributed to it.
pub fn compliance_wire(compliance_type: &str, contributors: usize) -> Value {
    let mut out = json!({"ComplianceType": compliance_type});
    if compliance_type == NON_COMPLIANT {
        out["ComplianceContributorCount"] =
            json!({"CappedCount": contributors.min(100), "CapExceeded": contributors > 100});
    }
    out
}

/// `EvaluationResult` of `rule_name` (AggregateEvaluationResult adds the account and region).
pub fn evaluation_result_wire(rule_name: &str, result: &RuleResult) -> Value {
    let mut out = json!({
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule_name,
                "ResourceType": result.resource_type,
                "ResourceId": result.resource_id,
                "EvaluationMode": "DETECTIVE",
            },
            "OrderingTimestamp": epoch_seconds(result.ordering_ms),
        },
        "ComplianceType": result.compliance_type,
        "ResultRecordedTime": epoch_seconds(result.recorded_ms),
        "ConfigRuleInvokedTime": epoch_seconds(result.recorded_ms),
    });
    if let Some(annotation) = &result.annotation {
        out["Annotation"] = json!(annotation);
    }
    out
}

fn count_wire(n: usize) -> Value {
    json!({"CappedCount": n.min(100), "CapExceeded": n > 100})
}

/// `ComplianceSummary` from counts of compliant and non-compliant rules.
pub fn summary_wire(compliant: usize, non_compliant: usize, now_ms: i64) -> Value {
    json!({
        "CompliantResourceCount": count_wire(compliant),
        "NonCompliantResourceCount": count_wire(non_compliant),
        "ComplianceSummaryTimestamp": epoch_seconds(now_ms),
    })
}

fn check_compliance_types(types: &[String]) -> Result<(), ConfigError> {
    for t in types {
        if !matches!(
            t.as_str(),
            "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE" | "INSUFFICIENT_DATA"
        ) {
            return Err(ConfigError::constraint(
                "complianceTypes",
                t,
                "Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, INSUFFICIENT_DATA]",
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByConfigRuleInput {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
    #[serde(default)]
    pub compliance_types: Vec<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByConfigRuleOutput {
    pub compliance_by_config_rules: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_compliance_by_config_rule(
    world: &mut World,
    caller: &Caller,
    input: ByConfigRuleInput,
) -> Result<ByConfigRuleOutput, ConfigError> {
    check_compliance_types(&input.compliance_types)?;
    let listing = format!("DescribeComplianceByConfigRule {}", caller.region);
    let (size, after) = page(&listing, None, 25, &input.next_token)?;
    let rules = named_rules(world, caller, &input.config_rule_names)?;
    let rows = rules
        .iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a))
        .map(|r| {
            let results = evaluate(world, &caller.account_id, &caller.region, r);
            let (compliance_type, count) = rule_compliance(&results);
            (r.name.clone(), compliance_type, count)
        })
        .filter(|(_, t, _)| {
            input.compliance_types.is_empty() || input.compliance_types.iter().any(|x| x == t)
        });
    let (rows, next) = take_page(rows, size, |(name, _, _)| name.clone());
    Ok(ByConfigRuleOutput {
        compliance_by_config_rules: rows
            .iter()
            .map(|(name, t, n)| json!({"ConfigRuleName": name, "Compliance": compliance_wire(t, *n)}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByResourceInput {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    #[serde(default)]
    pub compliance_types: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByResourceOutput {
    pub compliance_by_resources: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_compliance_by_resource(
    world: &mut World,
    caller: &Caller,
    input: ByResourceInput,
) -> Result<ByResourceOutput, ConfigError> {
    check_compliance_types(&input.compliance_types)?;
    let listing = format!("DescribeComplianceByResource {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    // resource (type, id) → (non-compliant rules, compliant rules)
    let mut resources: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
    for rule in active_rules(world, &caller.account_id, &caller.region) {
        for result in evaluate(world, &caller.account_id, &caller.region, &rule) {
            let entry = resources
                .entry((result.resource_type.clone(), result.resource_id.clone()))
                .or_default();
            match result.compliance_type.as_str() {
                NON_COMPLIANT => entry.0 += 1,
                COMPLIANT => entry.1 += 1,
                _ => {}
            }
        }
    }
    let rows = resources
        .into_iter()
        .filter(|((t, id), _)| {
            input.resource_type.as_ref().is_none_or(|x| x == t)
                && input.resource_id.as_ref().is_none_or(|x| x == id)
        })
        .map(|((t, id), (non, ok))| {
            let compliance_type = if non > 0 {
                NON_COMPLIANT
            } else if ok > 0 {
                COMPLIANT
            } else {
                "NOT_APPLICABLE"
            };
            (format!("{t}/{id}"), t, id, compliance_type, non)
        })
        .filter(|(key, _, _, ct, _)| {
            after.as_ref().is_none_or(|a| key > a)
                && (input.compliance_types.is_empty()
                    || input.compliance_types.iter().any(|x| x == ct))
        });
    let (rows, next) = take_page(rows, size, |(key, ..)| key.clone());
    Ok(ByResourceOutput {
        compliance_by_resources: rows
            .iter()
            .map(|(_, t, id, ct, n)| json!({"ResourceType": t, "ResourceId": id, "Compliance": compliance_wire(ct, *n)}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsByConfigRuleInput {
    pub config_rule_name: String,
    #[serde(default)]
    pub compliance_types: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsByConfigRuleOutput {
    pub evaluation_results: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_compliance_details_by_config_rule(
    world: &mut World,
    caller: &Caller,
    input: DetailsByConfigRuleInput,
) -> Result<DetailsByConfigRuleOutput, ConfigError> {
    check_compliance_types(&input.compliance_types)?;
    let listing = format!(
        "GetComplianceDetailsByConfigRule {} {}",
        caller.region, input.config_rule_name
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let rules = named_rules(world, caller, std::slice::from_ref(&input.config_rule_name))?;
    let mut results = evaluate(world, &caller.account_id, &caller.region, &rules[0]);
    results.sort_by(|a, b| {
        (&a.resource_type, &a.resource_id).cmp(&(&b.resource_type, &b.resource_id))
    });
    let rows = results.into_iter().filter(|r| {
        after
            .as_ref()
            .is_none_or(|a| format!("{}/{}", r.resource_type, r.resource_id) > *a)
            && (input.compliance_types.is_empty()
                || input.compliance_types.contains(&r.compliance_type))
    });
    let (rows, next) = take_page(rows, size, |r| {
        format!("{}/{}", r.resource_type, r.resource_id)
    });
    Ok(DetailsByConfigRuleOutput {
        evaluation_results: rows
            .iter()
            .map(|r| evaluation_result_wire(&input.config_rule_name, r))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NoInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryOutput {
    pub compliance_summary: Value,
}

/// Counts the rules in force (not resources) that are compliant and non-compliant.
pub fn get_compliance_summary_by_config_rule(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<SummaryOutput, ConfigError> {
    let (mut compliant, mut non_compliant) = (0, 0);
    for rule in active_rules(world, &caller.account_id, &caller.region) {
        match rule_compliance(&evaluate(world, &caller.account_id, &caller.region, &rule)).0 {
            COMPLIANT => compliant += 1,
            NON_COMPLIANT => non_compliant += 1,
            _ => {}
        }
    }
    Ok(SummaryOutput {
        compliance_summary: summary_wire(compliant, non_compliant, world.clock.now_ms()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn account_compliance_by_rule_resource_and_summary() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let a = &accounts[0];
        start_recording(&mut w, a);
        for (name, id) in [
            ("gd", "GUARDDUTY_ENABLED_CENTRALIZED"),
            ("org", "ACCOUNT_PART_OF_ORGANIZATIONS"),
        ] {
            run_ok(
                &mut w,
                a,
                "PutConfigRule",
                json!({"ConfigRule": {"ConfigRuleName": name, "Source": {"Owner": "AWS", "SourceIdentifier": id}}}),
            );
        }
        let by_rule = run_ok(
            &mut w,
            a,
            "DescribeComplianceByConfigRule",
            json!({"ComplianceTypes": ["NON_COMPLIANT"]}),
        );
        assert_eq!(
            by_rule["ComplianceByConfigRules"].as_array().unwrap().len(),
            1
        );
        assert_eq!(
            by_rule["ComplianceByConfigRules"][0]["ConfigRuleName"],
            "gd"
        );
        let by_resource = run_ok(&mut w, a, "DescribeComplianceByResource", json!({}));
        assert_eq!(
            by_resource["ComplianceByResources"][0]["ResourceType"],
            "AWS::::Account"
        );
        assert_eq!(
            by_resource["ComplianceByResources"][0]["Compliance"]["ComplianceType"],
            "NON_COMPLIANT"
        );
        let summary = run_ok(&mut w, a, "GetComplianceSummaryByConfigRule", json!({}));
        assert_eq!(
            summary["ComplianceSummary"]["CompliantResourceCount"]["CappedCount"],
            1
        );
        assert_eq!(
            summary["ComplianceSummary"]["NonCompliantResourceCount"]["CappedCount"],
            1
        );
        create_detector(&mut w, a);
        let details = run_ok(
            &mut w,
            a,
            "GetComplianceDetailsByConfigRule",
            json!({"ConfigRuleName": "gd"}),
        );
        assert_eq!(
            details["EvaluationResults"][0]["ComplianceType"],
            "COMPLIANT"
        );
        assert_eq!(
            details["EvaluationResults"][0]["EvaluationResultIdentifier"]
                ["EvaluationResultQualifier"]["ResourceId"],
            a.as_str()
        );
    }
}
