//! Where organization rules stand: per rule (DescribeOrganizationConfigRuleStatuses)
//! and per member account (GetOrganizationConfigRuleDetailedStatus), read from the
//! organization's membership and each member's recorder as they are now.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::OrganizationRule;
use super::organization_rules::{
    lands_in, visible_rules, DescribeOrganizationRulesInput, NO_RECORDER,
};
use super::page;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Each member account's deployment status of `rule`: (account, status, error code).
fn member_statuses(
    world: &World,
    org_id: &str,
    rule: &OrganizationRule,
    region: &str,
) -> Vec<(String, &'static str, Option<&'static str>)> {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return Vec::new();
    };
    let success = if rule.updated_ms > rule.created_ms {
        "UPDATE_SUCCESSFUL"
    } else {
        "CREATE_SUCCESSFUL"
    };
    let failed = if rule.updated_ms > rule.created_ms {
        "UPDATE_FAILED"
    } else {
        "CREATE_FAILED"
    };
    org.members
        .keys()
        .filter(|a| !rule.excluded_accounts.iter().any(|x| x == *a))
        .map(|a| {
            if lands_in(world, rule, a, region) {
                (a.to_string(), success, None)
            } else {
                (a.to_string(), failed, Some(NO_RECORDER))
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusesOutput {
    pub organization_config_rule_statuses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// A rule is CREATE_FAILED (UPDATE_FAILED) while any member lacks it, as in AWS.
pub fn describe_organization_config_rule_statuses(
    world: &mut World,
    caller: &Caller,
    input: DescribeOrganizationRulesInput,
) -> Result<StatusesOutput, ConfigError> {
    let listing = format!("DescribeOrganizationConfigRuleStatuses {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let (org_id, rules) = visible_rules(world, caller, &input.organization_config_rule_names)?;
    let rest = rules
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a));
    let (rows, next) = take_page(rest, size, |r| r.name.clone());
    let statuses = rows
        .iter()
        .map(|r| {
            let members = member_statuses(world, &org_id, r, &caller.region);
            let failed = members.iter().any(|(_, _, e)| e.is_some());
            let updated = r.updated_ms > r.created_ms;
            let status = match (updated, failed) {
                (false, false) => "CREATE_SUCCESSFUL",
                (false, true) => "CREATE_FAILED",
                (true, false) => "UPDATE_SUCCESSFUL",
                (true, true) => "UPDATE_FAILED",
            };
            let mut out = json!({
                "OrganizationConfigRuleName": r.name,
                "OrganizationRuleStatus": status,
                "LastUpdateTime": epoch_seconds(r.updated_ms),
            });
            if failed {
                out["ErrorCode"] = json!("ERROR_IN_MEMBER_ACCOUNTS");
                out["ErrorMessage"] =
                    json!("The rule could not be deployed in one or more member accounts.");
            }
            out
        })
        .collect();
    Ok(StatusesOutput {
        organization_config_rule_statuses: statuses,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusDetailFilters {
    pub account_id: Option<String>,
    pub member_account_rule_status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailedStatusInput {
    pub organization_config_rule_name: String,
    #[serde(default)]
    pub filters: StatusDetailFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailedStatusOutput {
    pub organization_config_rule_detailed_status: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_organization_config_rule_detailed_status(
    world: &mut World,
    caller: &Caller,
    input: DetailedStatusInput,
) -> Result<DetailedStatusOutput, ConfigError> {
    let name = &input.organization_config_rule_name;
    let listing = format!(
        "GetOrganizationConfigRuleDetailedStatus {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let (org_id, rules) = visible_rules(world, caller, std::slice::from_ref(name))?;
    let rule = &rules[0];
    let f = &input.filters;
    let rest = member_statuses(world, &org_id, rule, &caller.region)
        .into_iter()
        .filter(|(a, s, _)| {
            after.as_ref().is_none_or(|x| a > x)
                && f.account_id.as_ref().is_none_or(|x| x == a)
                && f.member_account_rule_status.as_ref().is_none_or(|x| x == s)
        });
    let (rows, next) = take_page(rest, size, |(a, _, _)| a.clone());
    let updated = epoch_seconds(rule.updated_ms);
    Ok(DetailedStatusOutput {
        organization_config_rule_detailed_status: rows
            .iter()
            .map(|(account, status, error)| {
                let mut out = json!({
                    "AccountId": account,
                    "ConfigRuleName": rule.member_rule_name,
                    "MemberAccountRuleStatus": status,
                    "LastUpdateTime": updated,
                });
                if let Some(code) = error {
                    out["ErrorCode"] = json!(code);
                    out["ErrorMessage"] =
                        json!("The member account has no configuration recorder in this region.");
                }
                out
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
