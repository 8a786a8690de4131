//! Queries over an aggregator: the compliance of every rule in every account and region
//! it covers, computed now (an organization aggregator covers the organization as it
//! is now). Rules without results are left out, as AWS does.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::aggregation::{covered, own_aggregator};
use super::compliance::{compliance_wire, evaluation_result_wire, summary_wire};
use super::errors::ConfigError;
use super::managed_rules::{evaluate, rule_compliance, RuleResult, COMPLIANT, NON_COMPLIANT};
use super::page;
use super::rules::active_rules;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// One rule's results in one covered account and region.
struct RuleRow {
    account: String,
    region: String,
    rule: String,
    results: Vec<RuleResult>,
}

/// Every rule with results in the accounts and regions that match the filters.
fn rule_rows(
    world: &World,
    caller: &Caller,
    aggregator_name: &str,
    account_filter: Option<&str>,
    region_filter: Option<&str>,
) -> Result<Vec<RuleRow>, ConfigError> {
    let aggregator = own_aggregator(world, caller, aggregator_name)?;
    let mut rows = Vec::new();
    for (account, region) in covered(world, &caller.account_id, &caller.region, aggregator) {
        if account_filter.is_some_and(|a| a != account)
            || region_filter.is_some_and(|r| r != region)
        {
            continue;
        }
        for rule in active_rules(world, &account, &region) {
            let results = evaluate(world, &account, &region, &rule);
            if !results.is_empty() {
                rows.push(RuleRow {
                    account: account.clone(),
                    region: region.clone(),
                    rule: rule.name,
                    results,
                });
            }
        }
    }
    Ok(rows)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ComplianceFilters {
    pub config_rule_name: Option<String>,
    pub compliance_type: Option<String>,
    pub account_id: Option<String>,
    pub aws_region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByConfigRulesInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub filters: ComplianceFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ByConfigRulesOutput {
    pub aggregate_compliance_by_config_rules: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_aggregate_compliance_by_config_rules(
    world: &mut World,
    caller: &Caller,
    input: ByConfigRulesInput,
) -> Result<ByConfigRulesOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "DescribeAggregateComplianceByConfigRules {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 1000, &input.next_token)?;
    let f = &input.filters;
    let rows = rule_rows(
        world,
        caller,
        name,
        f.account_id.as_deref(),
        f.aws_region.as_deref(),
    )?;
    let rest = rows
        .into_iter()
        .filter(|r| f.config_rule_name.as_ref().is_none_or(|n| *n == r.rule))
        .map(|r| {
            let (compliance_type, count) = rule_compliance(&r.results);
            (
                format!("{}/{}/{}", r.account, r.region, r.rule),
                r,
                compliance_type,
                count,
            )
        })
        .filter(|(key, _, t, _)| {
            after.as_ref().is_none_or(|a| key > a)
                && f.compliance_type.as_ref().is_none_or(|x| x == t)
        });
    let (rows, next) = take_page(rest, size, |(key, ..)| key.clone());
    Ok(ByConfigRulesOutput {
        aggregate_compliance_by_config_rules: rows
            .iter()
            .map(|(_, r, t, n)| {
                json!({
                    "ConfigRuleName": r.rule,
                    "Compliance": compliance_wire(t, *n),
                    "AccountId": r.account,
                    "AwsRegion": r.region,
                })
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsInput {
    pub configuration_aggregator_name: String,
    pub config_rule_name: String,
    pub account_id: String,
    pub aws_region: String,
    pub compliance_type: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailsOutput {
    pub aggregate_evaluation_results: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_aggregate_compliance_details_by_config_rule(
    world: &mut World,
    caller: &Caller,
    input: DetailsInput,
) -> Result<DetailsOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "GetAggregateComplianceDetailsByConfigRule {} {name} {} {} {}",
        caller.region, input.account_id, input.aws_region, input.config_rule_name
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let rows = rule_rows(
        world,
        caller,
        name,
        Some(&input.account_id),
        Some(&input.aws_region),
    )?;
    let mut results: Vec<RuleResult> = rows
        .into_iter()
        .filter(|r| r.rule == input.config_rule_name)
        .flat_map(|r| r.results)
        .filter(|r| {
            input
                .compliance_type
                .as_ref()
                .is_none_or(|t| *t == r.compliance_type)
        })
        .collect();
    results.sort_by(|a, b| {
        (&a.resource_type, &a.resource_id).cmp(&(&b.resource_type, &b.resource_id))
    });
    let key = |r: &RuleResult| format!("{}/{}", r.resource_type, r.resource_id);
    let rest = results
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| key(r) > *a));
    let (rows, next) = take_page(rest, size, key);
    Ok(DetailsOutput {
        aggregate_evaluation_results: rows
            .iter()
            .map(|r| {
                let mut out = evaluation_result_wire(&input.config_rule_name, r);
                out["AccountId"] = json!(input.account_id);
                out["AwsRegion"] = json!(input.aws_region);
                out
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryFilters {
    pub account_id: Option<String>,
    pub aws_region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub filters: SummaryFilters,
    pub group_by_key: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SummaryOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by_key: Option<String>,
    pub aggregate_compliance_counts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Compliant and non-compliant rules, per account or region (or in all, ungrouped).
pub fn get_aggregate_config_rule_compliance_summary(
    world: &mut World,
    caller: &Caller,
    input: SummaryInput,
) -> Result<SummaryOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let group = input.group_by_key.as_deref();
    if group.is_some_and(|g| g != "ACCOUNT_ID" && g != "AWS_REGION") {
        return Err(ConfigError::constraint(
            "groupByKey",
            group.unwrap_or_default(),
            "Member must satisfy enum value set: [ACCOUNT_ID, AWS_REGION]",
        ));
    }
    let listing = format!(
        "GetAggregateConfigRuleComplianceSummary {} {name} {group:?}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 1000, &input.next_token)?;
    let f = &input.filters;
    let rows = rule_rows(
        world,
        caller,
        name,
        f.account_id.as_deref(),
        f.aws_region.as_deref(),
    )?;
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for row in rows {
        let key = match group {
            Some("ACCOUNT_ID") => row.account.clone(),
            Some(_) => row.region.clone(),
            None => String::new(),
        };
        let counts = groups.entry(key).or_default();
        match rule_compliance(&row.results).0 {
            COMPLIANT => counts.0 += 1,
            NON_COMPLIANT => counts.1 += 1,
            _ => {}
        }
    }
    let now = world.clock.now_ms();
    let rest = groups
        .into_iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a));
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    Ok(SummaryOutput {
        group_by_key: input.group_by_key.clone(),
        aggregate_compliance_counts: rows
            .iter()
            .map(|(k, (ok, non))| {
                let mut out = json!({"ComplianceSummary": summary_wire(*ok, *non, now)});
                if group.is_some() {
                    out["GroupName"] = json!(k);
                }
                out
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::{json, Value};

    fn gd_rule(w: &mut crate::world::World, account: &str) {
        run_ok(
            w,
            account,
            "PutConfigRule",
            json!({"ConfigRule": {"ConfigRuleName": "gd", "Source": {"Owner": "AWS", "SourceIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"}}}),
        );
    }

    fn compliance_by_account(
        w: &mut crate::world::World,
        owner: &str,
    ) -> Vec<(String, String, String)> {
        let out = run_ok(
            w,
            owner,
            "DescribeAggregateComplianceByConfigRules",
            json!({"ConfigurationAggregatorName": "agg"}),
        );
        out["AggregateComplianceByConfigRules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r: &Value| {
                (
                    r["AccountId"].as_str().unwrap().to_string(),
                    r["AwsRegion"].as_str().unwrap().to_string(),
                    r["Compliance"]["ComplianceType"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn account_sources_need_authorization() {
        let mut w = world();
        let (owner, source) = ("222222222222", "333333333333");
        for a in [owner, source] {
            start_recording(&mut w, a);
            gd_rule(&mut w, a);
        }
        run_ok(
            &mut w,
            owner,
            "PutConfigurationAggregator",
            json!({"ConfigurationAggregatorName": "agg", "AccountAggregationSources": [{"AccountIds": [owner, source], "AwsRegions": ["us-east-1"]}]}),
        );
        let pending = run_ok(
            &mut w,
            source,
            "DescribePendingAggregationRequests",
            json!({}),
        );
        assert_eq!(
            pending["PendingAggregationRequests"][0]["RequesterAccountId"],
            owner
        );
        assert_eq!(
            compliance_by_account(&mut w, owner).len(),
            1,
            "only the owner's own data"
        );
        let status = run_ok(
            &mut w,
            owner,
            "DescribeConfigurationAggregatorSourcesStatus",
            json!({"ConfigurationAggregatorName": "agg", "UpdateStatus": ["FAILED"]}),
        );
        assert_eq!(status["AggregatedSourceStatusList"][0]["SourceId"], source);
        run_ok(
            &mut w,
            source,
            "PutAggregationAuthorization",
            json!({"AuthorizedAccountId": owner, "AuthorizedAwsRegion": "us-east-1"}),
        );
        assert_eq!(compliance_by_account(&mut w, owner).len(), 2);
        let pending = run_ok(
            &mut w,
            source,
            "DescribePendingAggregationRequests",
            json!({}),
        );
        assert_eq!(pending["PendingAggregationRequests"], json!([]));
        assert_eq!(
            error_code(
                &mut w,
                owner,
                "DescribeAggregateComplianceByConfigRules",
                json!({"ConfigurationAggregatorName": "nope"})
            ),
            "NoSuchConfigurationAggregatorException"
        );
    }

    #[test]
    fn organization_source_rules_and_follows_membership() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        assert_eq!(
            error_code(
                &mut w,
                &accounts[0],
                "PutConfigurationAggregator",
                json!({"ConfigurationAggregatorName": "agg", "OrganizationAggregationSource": {"RoleArn": "arn:aws:iam::1:role/r", "AllAwsRegions": true}})
            ),
            "OrganizationAccessDeniedException"
        );
        assert_eq!(
            error_code(
                &mut w,
                "999999999999",
                "PutConfigurationAggregator",
                json!({"ConfigurationAggregatorName": "agg", "OrganizationAggregationSource": {"RoleArn": "arn:aws:iam::1:role/r", "AllAwsRegions": true}})
            ),
            "NoAvailableOrganizationException"
        );
        run_ok(
            &mut w,
            MANAGEMENT,
            "PutConfigurationAggregator",
            json!({"ConfigurationAggregatorName": "agg", "OrganizationAggregationSource": {"RoleArn": "arn:aws:iam::111111111111:role/r", "AllAwsRegions": true}}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.enabled_services.contains_key("config.amazonaws.com"));
        for a in &accounts {
            start_recording(&mut w, a);
            gd_rule(&mut w, a);
        }
        create_detector(&mut w, &accounts[1]);
        let mut got = compliance_by_account(&mut w, MANAGEMENT);
        got.sort();
        let mut expected = vec![
            (
                accounts[0].clone(),
                "us-east-1".to_string(),
                "NON_COMPLIANT".to_string(),
            ),
            (
                accounts[1].clone(),
                "us-east-1".to_string(),
                "COMPLIANT".to_string(),
            ),
        ];
        expected.sort();
        assert_eq!(got, expected);
        let summary = run_ok(
            &mut w,
            MANAGEMENT,
            "GetAggregateConfigRuleComplianceSummary",
            json!({"ConfigurationAggregatorName": "agg", "GroupByKey": "ACCOUNT_ID"}),
        );
        assert_eq!(
            summary["AggregateComplianceCounts"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let details = run_ok(
            &mut w,
            MANAGEMENT,
            "GetAggregateComplianceDetailsByConfigRule",
            json!({"ConfigurationAggregatorName": "agg", "ConfigRuleName": "gd", "AccountId": accounts[1], "AwsRegion": "us-east-1"}),
        );
        assert_eq!(
            details["AggregateEvaluationResults"][0]["ComplianceType"],
            "COMPLIANT"
        );
        assert_eq!(
            details["AggregateEvaluationResults"][0]["AccountId"],
            accounts[1].as_str()
        );
    }
}
