//! Compliance of conformance packs: per rule of a pack, per pack, and the results of
//! its rules — each rule evaluated from the world as it is now, like every other rule.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::compliance::evaluation_result_wire;
use super::conformance_packs::{named_packs, pack_active_rules};
use super::errors::ConfigError;
use super::managed_rules::{
    evaluate, rule_compliance, RuleResult, COMPLIANT, INSUFFICIENT_DATA, NON_COMPLIANT,
};
use super::page;
use super::rules::ActiveRule;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// A rule's compliance as packs report it: their enum has no NOT_APPLICABLE, so a rule
/// with nothing in scope is INSUFFICIENT_DATA.
fn pack_rule_compliance(results: &[RuleResult]) -> &'static str {
    match rule_compliance(results).0 {
        NON_COMPLIANT => NON_COMPLIANT,
        COMPLIANT => COMPLIANT,
        _ => INSUFFICIENT_DATA,
    }
}

/// A pack is NON_COMPLIANT when any rule is, COMPLIANT when every rule with results is
/// and at least one has, INSUFFICIENT_DATA otherwise.
fn pack_compliance(rule_types: &[&str]) -> &'static str {
    if rule_types.contains(&NON_COMPLIANT) {
        NON_COMPLIANT
    } else if rule_types.contains(&COMPLIANT) {
        COMPLIANT
    } else {
        INSUFFICIENT_DATA
    }
}

fn check_compliance_type(value: &Option<String>) -> Result<(), ConfigError> {
    match value.as_deref() {
        None | Some(COMPLIANT | NON_COMPLIANT | INSUFFICIENT_DATA) => Ok(()),
        Some(other) => Err(ConfigError::constraint(
            "filters.complianceType",
            other,
            "Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA]",
        )),
    }
}

/// The rules of the caller's pack `name`, narrowed to `rule_names` (each checked to
/// belong to the pack).
fn pack_rules(
    world: &World,
    caller: &Caller,
    name: &str,
    rule_names: &[String],
) -> Result<Vec<ActiveRule>, ConfigError> {
    if rule_names.len() > 10 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'filters.configRuleNames' failed to satisfy constraint: Member must have length less than or equal to 10".to_string(),
        ));
    }
    let pack = named_packs(world, caller, &[name.to_string()])?.remove(0);
    let rules = pack_active_rules(world, &pack, &caller.account_id, &caller.region);
    if let Some(missing) = rule_names
        .iter()
        .find(|n| !pack.rules.iter().any(|r| &r.name == *n))
    {
        return Err(ConfigError::NoSuchConfigRuleInConformancePack(format!(
            "The rule '{missing}' is not in the conformance pack '{name}'."
        )));
    }
    let mut rules: Vec<ActiveRule> = rules
        .into_iter()
        .filter(|r| rule_names.is_empty() || rule_names.contains(&r.name))
        .collect();
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(rules)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackComplianceFilters {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
    pub compliance_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePackComplianceInput {
    pub conformance_pack_name: String,
    #[serde(default)]
    pub filters: PackComplianceFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePackComplianceOutput {
    pub conformance_pack_name: String,
    pub conformance_pack_rule_compliance_list: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_conformance_pack_compliance(
    world: &mut World,
    caller: &Caller,
    input: DescribePackComplianceInput,
) -> Result<DescribePackComplianceOutput, ConfigError> {
    check_compliance_type(&input.filters.compliance_type)?;
    let name = input.conformance_pack_name;
    let listing = format!("DescribeConformancePackCompliance {} {name}", caller.region);
    let (size, after) = page(&listing, input.limit, 1000, &input.next_token)?;
    let rules = pack_rules(world, caller, &name, &input.filters.config_rule_names)?;
    let wanted = &input.filters.compliance_type;
    let rows = rules
        .iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a))
        .map(|r| {
            let results = evaluate(world, &caller.account_id, &caller.region, r);
            (r.name.clone(), pack_rule_compliance(&results))
        })
        .filter(|(_, t)| wanted.as_deref().is_none_or(|w| w == *t));
    let (rows, next) = take_page(rows, size, |(n, _)| n.clone());
    Ok(DescribePackComplianceOutput {
        conformance_pack_rule_compliance_list: rows
            .iter()
            .map(|(rule, t)| json!({"ConfigRuleName": rule, "ComplianceType": t, "Controls": []}))
            .collect(),
        conformance_pack_name: name,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackSummaryInput {
    pub conformance_pack_names: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackSummaryOutput {
    pub conformance_pack_compliance_summary_list: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_conformance_pack_compliance_summary(
    world: &mut World,
    caller: &Caller,
    input: PackSummaryInput,
) -> Result<PackSummaryOutput, ConfigError> {
    let names = &input.conformance_pack_names;
    if names.is_empty() || names.len() > 5 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'conformancePackNames' failed to satisfy constraint: Member must have length between 1 and 5".to_string(),
        ));
    }
    let listing = format!("GetConformancePackComplianceSummary {}", caller.region);
    let (size, after) = page(&listing, input.limit, 20, &input.next_token)?;
    let packs = named_packs(world, caller, names)?;
    let rows = packs
        .iter()
        .filter(|p| after.as_ref().is_none_or(|a| p.name > *a))
        .map(|p| {
            let types: Vec<&str> = pack_active_rules(world, p, &caller.account_id, &caller.region)
                .iter()
                .map(|r| {
                    pack_rule_compliance(&evaluate(world, &caller.account_id, &caller.region, r))
                })
                .collect();
            (p.name.clone(), pack_compliance(&types))
        });
    let (rows, next) = take_page(rows, size, |(n, _)| n.clone());
    Ok(PackSummaryOutput {
        conformance_pack_compliance_summary_list: rows
            .iter()
            .map(|(n, t)| json!({"ConformancePackName": n, "ConformancePackComplianceStatus": t}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackEvaluationFilters {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
    pub compliance_type: Option<String>,
    pub resource_type: Option<String>,
    #[serde(default)]
    pub resource_ids: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackDetailsInput {
    pub conformance_pack_name: String,
    #[serde(default)]
    pub filters: PackEvaluationFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackDetailsOutput {
    pub conformance_pack_name: String,
    pub conformance_pack_rule_evaluation_results: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_conformance_pack_compliance_details(
    world: &mut World,
    caller: &Caller,
    input: PackDetailsInput,
) -> Result<PackDetailsOutput, ConfigError> {
    let f = &input.filters;
    check_compliance_type(&f.compliance_type)?;
    if f.resource_ids.len() > 5 || (!f.resource_ids.is_empty() && f.resource_type.is_none()) {
        return Err(ConfigError::InvalidParameterValue(
            "ResourceIds takes at most 5 IDs, and needs ResourceType.".to_string(),
        ));
    }
    let name = input.conformance_pack_name;
    let listing = format!(
        "GetConformancePackComplianceDetails {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let rules = pack_rules(world, caller, &name, &f.config_rule_names)?;
    let rows = rules.iter().flat_map(|r| {
        evaluate(world, &caller.account_id, &caller.region, r)
            .into_iter()
            .filter(|e| e.compliance_type == COMPLIANT || e.compliance_type == NON_COMPLIANT)
            .map(|e| {
                (
                    format!("{}/{}/{}", r.name, e.resource_type, e.resource_id),
                    r.name.clone(),
                    e,
                )
            })
            .collect::<Vec<_>>()
    });
    let rows = rows.filter(|(key, _, e)| {
        after.as_ref().is_none_or(|a| key > a)
            && f.compliance_type
                .as_ref()
                .is_none_or(|t| *t == e.compliance_type)
            && f.resource_type
                .as_ref()
                .is_none_or(|t| *t == e.resource_type)
            && (f.resource_ids.is_empty() || f.resource_ids.contains(&e.resource_id))
    });
    let (rows, next) = take_page(rows, size, |(key, _, _)| key.clone());
    Ok(PackDetailsOutput {
        conformance_pack_rule_evaluation_results: rows
            .iter()
            .map(|(_, rule, e)| evaluation_result_wire(rule, e))
            .collect(),
        conformance_pack_name: name,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCOUNT: &str = "222222222222";
    const TEMPLATE: &str = "Resources:\n  Gd:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: gd\n      Source:\n        Owner: AWS\n        SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED\n  S3:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: s3\n      Source:\n        Owner: AWS\n        SourceIdentifier: S3_BUCKET_VERSIONING_ENABLED\n";

    fn summary(w: &mut crate::world::World) -> String {
        let out = run_ok(
            w,
            ACCOUNT,
            "GetConformancePackComplianceSummary",
            json!({"ConformancePackNames": ["p"]}),
        );
        out["ConformancePackComplianceSummaryList"][0]["ConformancePackComplianceStatus"]
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn pack_compliance_follows_the_detector() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let member = &accounts[0];
        start_recording(&mut w, member);
        run_ok(
            &mut w,
            member,
            "PutConformancePack",
            json!({"ConformancePackName": "p", "TemplateBody": TEMPLATE}),
        );
        let summary = |w: &mut crate::world::World| {
            let out = run_ok(
                w,
                member,
                "GetConformancePackComplianceSummary",
                json!({"ConformancePackNames": ["p"]}),
            );
            out["ConformancePackComplianceSummaryList"][0]["ConformancePackComplianceStatus"]
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(summary(&mut w), "NON_COMPLIANT");
        let by_rule = run_ok(
            &mut w,
            member,
            "DescribeConformancePackCompliance",
            json!({"ConformancePackName": "p"}),
        );
        let list = by_rule["ConformancePackRuleComplianceList"]
            .as_array()
            .unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[0]["ConfigRuleName"]
            .as_str()
            .unwrap()
            .starts_with("gd-conformance-pack-"));
        assert_eq!(list[0]["ComplianceType"], "NON_COMPLIANT");
        assert_eq!(list[1]["ComplianceType"], "INSUFFICIENT_DATA");
        let details = run_ok(
            &mut w,
            member,
            "GetConformancePackComplianceDetails",
            json!({"ConformancePackName": "p"}),
        );
        let results = details["ConformancePackRuleEvaluationResults"]
            .as_array()
            .unwrap();
        assert_eq!(results.len(), 1);
        assert_eq!(
            results[0]["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ResourceId"],
            member.as_str()
        );

        create_detector(&mut w, member);
        assert_eq!(summary(&mut w), "COMPLIANT");
        assert_eq!(
            error_code(
                &mut w,
                member,
                "DescribeConformancePackCompliance",
                json!({"ConformancePackName": "p", "Filters": {"ConfigRuleNames": ["gd"]}})
            ),
            "NoSuchConfigRuleInConformancePackException"
        );
        assert_eq!(
            error_code(
                &mut w,
                member,
                "GetConformancePackComplianceSummary",
                json!({"ConformancePackNames": ["nope"]})
            ),
            "NoSuchConformancePackException"
        );
    }

    #[test]
    fn summary_needs_one_to_five_names() {
        let mut w = world();
        start_recording(&mut w, ACCOUNT);
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "GetConformancePackComplianceSummary",
                json!({"ConformancePackNames": []})
            ),
            "ValidationException"
        );
        run_ok(
            &mut w,
            ACCOUNT,
            "PutConformancePack",
            json!({"ConformancePackName": "p", "TemplateBody": TEMPLATE}),
        );
        assert_eq!(summary(&mut w), "NON_COMPLIANT");
        create_detector(&mut w, ACCOUNT);
        assert_eq!(
            summary(&mut w),
            "COMPLIANT",
            "the S3 rule has no results and does not count"
        );
    }
}
