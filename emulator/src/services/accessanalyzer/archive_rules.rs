//! Archive rules: CreateArchiveRule, GetArchiveRule, ListArchiveRules,
//! UpdateArchiveRule, DeleteArchiveRule, ApplyArchiveRule. A rule archives the new
//! findings it matches; ApplyArchiveRule archives the active ones it matches now.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::criteria::{matches_filter, validate_filter};
use super::errors::AaError;
use super::model::{analyzer_key, ArchiveRule, Criterion};
use super::{analyzer_by_arn, own_analyzer, page, validate_name, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// AWS's quota of archive rules per analyzer.
const MAX_RULES: usize = 100;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlineArchiveRule {
    pub rule_name: String,
    pub filter: BTreeMap<String, Criterion>,
}

/// A checked rule.
pub fn new_rule(
    name: &str,
    filter: BTreeMap<String, Criterion>,
    now: i64,
) -> Result<ArchiveRule, AaError> {
    validate_name("ruleName", name, false)?;
    validate_filter(&filter)?;
    Ok(ArchiveRule {
        name: name.to_string(),
        filter,
        created_ms: now,
        updated_ms: now,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveRuleSummary {
    pub rule_name: String,
    pub filter: BTreeMap<String, Criterion>,
    pub created_at: String,
    pub updated_at: String,
}

fn summary(rule: &ArchiveRule) -> ArchiveRuleSummary {
    ArchiveRuleSummary {
        rule_name: rule.name.clone(),
        filter: rule.filter.clone(),
        created_at: iso8601(rule.created_ms),
        updated_at: iso8601(rule.updated_ms),
    }
}

fn rule_not_found(name: &str) -> AaError {
    AaError::not_found(
        "ArchiveRule",
        name,
        format!("Archive rule {name} not found."),
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateArchiveRuleInput {
    pub analyzer_name: String,
    pub rule_name: String,
    pub filter: BTreeMap<String, Criterion>,
    pub client_token: Option<String>,
}

pub fn create_archive_rule(
    world: &mut World,
    caller: &Caller,
    input: CreateArchiveRuleInput,
) -> Result<Empty, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    let rule = new_rule(&input.rule_name, input.filter, world.clock.now_ms())?;
    if analyzer.archive_rules.contains_key(&rule.name) {
        return Err(AaError::conflict(
            "ArchiveRule",
            &rule.name,
            format!("Archive rule {} already exists.", rule.name),
        ));
    }
    if analyzer.archive_rules.len() >= MAX_RULES {
        return Err(AaError::QuotaExceeded {
            message: format!(
                "The analyzer {} already has {MAX_RULES} archive rules.",
                analyzer.name
            ),
            resource_id: rule.name.clone(),
            resource_type: "ArchiveRule",
        });
    }
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    analyzer.archive_rules.insert(rule.name.clone(), rule);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleNameInput {
    pub analyzer_name: String,
    pub rule_name: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetArchiveRuleOutput {
    pub archive_rule: ArchiveRuleSummary,
}

pub fn get_archive_rule(
    world: &mut World,
    caller: &Caller,
    input: RuleNameInput,
) -> Result<GetArchiveRuleOutput, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    let rule = analyzer
        .archive_rules
        .get(&input.rule_name)
        .ok_or_else(|| rule_not_found(&input.rule_name))?;
    Ok(GetArchiveRuleOutput {
        archive_rule: summary(rule),
    })
}

pub fn delete_archive_rule(
    world: &mut World,
    caller: &Caller,
    input: RuleNameInput,
) -> Result<Empty, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    if !analyzer.archive_rules.contains_key(&input.rule_name) {
        return Err(rule_not_found(&input.rule_name));
    }
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    analyzer.archive_rules.remove(&input.rule_name);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateArchiveRuleInput {
    pub analyzer_name: String,
    pub rule_name: String,
    pub filter: BTreeMap<String, Criterion>,
    pub client_token: Option<String>,
}

pub fn update_archive_rule(
    world: &mut World,
    caller: &Caller,
    input: UpdateArchiveRuleInput,
) -> Result<Empty, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    if !analyzer.archive_rules.contains_key(&input.rule_name) {
        return Err(rule_not_found(&input.rule_name));
    }
    validate_filter(&input.filter)?;
    let now = world.clock.now_ms();
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    let rule = analyzer
        .archive_rules
        .get_mut(&input.rule_name)
        .expect("checked");
    rule.filter = input.filter;
    rule.updated_ms = now;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListArchiveRulesInput {
    pub analyzer_name: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListArchiveRulesOutput {
    pub archive_rules: Vec<ArchiveRuleSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_archive_rules(
    world: &mut World,
    caller: &Caller,
    input: ListArchiveRulesInput,
) -> Result<ListArchiveRulesOutput, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    let listing = format!("ListArchiveRules {}", analyzer.arn);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let items = analyzer
        .archive_rules
        .values()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a));
    let (rules, next) = take_page(items, max, |r| r.name.clone());
    Ok(ListArchiveRulesOutput {
        archive_rules: rules.into_iter().map(summary).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplyArchiveRuleInput {
    pub analyzer_arn: String,
    pub rule_name: String,
    pub client_token: Option<String>,
}

pub fn apply_archive_rule(
    world: &mut World,
    caller: &Caller,
    input: ApplyArchiveRuleInput,
) -> Result<Empty, AaError> {
    let analyzer = analyzer_by_arn(world, caller, &input.analyzer_arn)?;
    let rule = analyzer
        .archive_rules
        .get(&input.rule_name)
        .ok_or_else(|| rule_not_found(&input.rule_name))?;
    let ids: Vec<String> = analyzer
        .findings
        .values()
        .filter(|f| f.status == "ACTIVE" && matches_filter(f, &rule.filter))
        .map(|f| f.id.clone())
        .collect();
    let key = analyzer_key(&analyzer.region, &analyzer.account, &analyzer.name);
    let now = world.clock.now_ms();
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    for id in &ids {
        let f = analyzer.findings.get_mut(id).expect("listed");
        f.status = "ARCHIVED".to_string();
        f.updated_ms = now;
    }
    super::securityhub_export::export(world, &key, &ids);
    Ok(Empty {})
}
