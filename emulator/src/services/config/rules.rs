//! Config rules: the account's own (PutConfigRule …) and the organization rules
//! and conformance packs deployed to it, seen together as the rules in force in an
//! account and region.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::conformance_packs::conformance_pack_rules;
use super::errors::ConfigError;
use super::model::{ConfigRule, StoredEvaluation};
use super::organization_rules::deployed_rules;
use super::{page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Config rules per account and region (AWS default quota).
pub const MAX_RULES: usize = 1000;

/// A rule in force in one account and region.
#[derive(Clone, Debug)]
pub struct ActiveRule {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub description: Option<String>,
    /// `Source` in wire form.
    pub source: Value,
    pub scope: Option<Value>,
    pub input_parameters: Option<String>,
    pub maximum_execution_frequency: Option<String>,
    pub created_ms: i64,
    /// `config-multiaccountsetup.amazonaws.com` for organization rules.
    pub created_by: Option<String>,
    pub evaluations: OrdMap<String, StoredEvaluation>,
    pub last_run_requested_ms: Option<i64>,
}

impl ActiveRule {
    /// The AWS managed rule identifier, for managed rules.
    pub fn managed_identifier(&self) -> Option<&str> {
        if self.source.get("Owner")?.as_str()? != "AWS" {
            return None;
        }
        self.source.get("SourceIdentifier")?.as_str()
    }

    fn from_own(rule: &ConfigRule) -> Self {
        ActiveRule {
            name: rule.name.clone(),
            arn: rule.arn.clone(),
            id: rule.id.clone(),
            description: rule.description.clone(),
            source: rule.source.clone(),
            scope: rule.scope.clone(),
            input_parameters: rule.input_parameters.clone(),
            maximum_execution_frequency: rule.maximum_execution_frequency.clone(),
            created_ms: rule.created_ms,
            created_by: None,
            evaluations: rule.evaluations.clone(),
            last_run_requested_ms: rule.last_run_requested_ms,
        }
    }

    fn wire(&self) -> Value {
        let mut out = json!({
            "ConfigRuleName": self.name,
            "ConfigRuleArn": self.arn,
            "ConfigRuleId": self.id,
            "Source": self.source,
            "ConfigRuleState": "ACTIVE",
            "EvaluationModes": [{"Mode": "DETECTIVE"}],
        });
        let optional = [
            ("Description", self.description.clone().map(Value::from)),
            ("Scope", self.scope.clone()),
            (
                "InputParameters",
                self.input_parameters.clone().map(Value::from),
            ),
            (
                "MaximumExecutionFrequency",
                self.maximum_execution_frequency.clone().map(Value::from),
            ),
            ("CreatedBy", self.created_by.clone().map(Value::from)),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                out[key] = value;
            }
        }
        out
    }
}

/// Every rule in force in (`account`, `region`), sorted by name.
pub fn active_rules(world: &World, account: &str, region: &str) -> Vec<ActiveRule> {
    let mut rules: Vec<ActiveRule> = world
        .config
        .account(region, account)
        .map(|a| a.rules.values().map(ActiveRule::from_own).collect())
        .unwrap_or_default();
    rules.extend(deployed_rules(world, account, region));
    rules.extend(conformance_pack_rules(world, account, region));
    rules.sort_by(|a, b| a.name.cmp(&b.name));
    rules
}

/// The rules named (all when `names` is empty), each name checked to exist.
pub fn named_rules(
    world: &World,
    caller: &Caller,
    names: &[String],
) -> Result<Vec<ActiveRule>, ConfigError> {
    let rules = active_rules(world, &caller.account_id, &caller.region);
    if let Some(missing) = names.iter().find(|n| !rules.iter().any(|r| &r.name == *n)) {
        return Err(ConfigError::no_such_rule(missing));
    }
    Ok(rules
        .into_iter()
        .filter(|r| names.is_empty() || names.contains(&r.name))
        .collect())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigRuleInput {
    pub config_rule_name: Option<String>,
    pub description: Option<String>,
    pub scope: Option<Value>,
    pub source: Value,
    pub input_parameters: Option<String>,
    pub maximum_execution_frequency: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutConfigRuleInput {
    pub config_rule: ConfigRuleInput,
    #[serde(default)]
    pub tags: Vec<super::tags::Tag>,
}

fn validate_source(source: &Value) -> Result<(), ConfigError> {
    let owner = source.get("Owner").and_then(Value::as_str).unwrap_or("");
    let identifier = source.get("SourceIdentifier").and_then(Value::as_str);
    match owner {
        "AWS" | "CUSTOM_LAMBDA" if identifier.is_none_or(str::is_empty) => {
            Err(ConfigError::InvalidParameterValue(
                "SourceIdentifier is required for this rule owner.".to_string(),
            ))
        }
        "AWS" | "CUSTOM_LAMBDA" | "CUSTOM_POLICY" => Ok(()),
        other => Err(ConfigError::constraint(
            "configRule.source.owner",
            other,
            "Member must satisfy enum value set: [CUSTOM_LAMBDA, AWS, CUSTOM_POLICY]",
        )),
    }
}

pub fn put_config_rule(
    world: &mut World,
    caller: &Caller,
    input: PutConfigRuleInput,
) -> Result<Empty, ConfigError> {
    let tags = super::tags::creation_tags(&input.tags)?;
    let given = input.config_rule;
    let name = given.config_rule_name.clone().unwrap_or_default();
    if name.trim().is_empty() || name.len() > 128 {
        return Err(ConfigError::InvalidParameterValue(
            "The ConfigRuleName is required and must be 1 to 128 characters.".to_string(),
        ));
    }
    validate_source(&given.source)?;
    if let Some(parameters) = &given.input_parameters {
        if serde_json::from_str::<serde_json::Map<String, Value>>(parameters).is_err() {
            return Err(ConfigError::InvalidParameterValue(format!(
                "Blank or invalid input parameters: {parameters}"
            )));
        }
    }
    let account = world.config.account(&caller.region, &caller.account_id);
    if account.is_none_or(|a| a.recorder.is_none()) {
        return Err(ConfigError::NoAvailableConfigurationRecorder(
            "Configuration recorder is not available to put config rule.".to_string(),
        ));
    }
    let existing = account.and_then(|a| a.rules.get(&name)).cloned();
    let count = account.map_or(0, |a| a.rules.len());
    if existing.is_none() && count >= MAX_RULES {
        return Err(ConfigError::MaxNumberOfConfigRulesExceeded(format!(
            "Failed to put rule '{name}' because the maximum number of config rules: {MAX_RULES} is reached."
        )));
    }
    let now = world.clock.now_ms();
    let rule = match existing {
        Some(mut rule) => {
            rule.description = given.description;
            rule.source = given.source;
            rule.scope = given.scope;
            rule.input_parameters = given.input_parameters;
            rule.maximum_execution_frequency = given.maximum_execution_frequency;
            rule
        }
        None => {
            let id = format!("config-rule-{}", world.ids.lower_alnum(6));
            ConfigRule {
                arn: format!(
                    "arn:aws:config:{}:{}:config-rule/{id}",
                    caller.region, caller.account_id
                ),
                id,
                name: name.clone(),
                description: given.description,
                source: given.source,
                scope: given.scope,
                input_parameters: given.input_parameters,
                maximum_execution_frequency: given.maximum_execution_frequency,
                created_ms: now,
                evaluations: OrdMap::new(),
                last_run_requested_ms: None,
            }
        }
    };
    let arn = rule.arn.clone();
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .rules
        .insert(name, rule);
    super::tags::add_created(world, &arn, &tags);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeConfigRulesInput {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeConfigRulesOutput {
    pub config_rules: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Rules per `DescribeConfigRules` page (AWS's page size).
const RULES_PAGE: usize = 25;

pub fn describe_config_rules(
    world: &mut World,
    caller: &Caller,
    input: DescribeConfigRulesInput,
) -> Result<DescribeConfigRulesOutput, ConfigError> {
    let listing = format!("DescribeConfigRules {}", caller.region);
    let (size, after) = page(&listing, None, RULES_PAGE, &input.next_token)?;
    let rules = named_rules(world, caller, &input.config_rule_names)?;
    let rest = rules
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a));
    let (rules, next) = take_page(rest, size, |r| r.name.clone());
    Ok(DescribeConfigRulesOutput {
        config_rules: rules.iter().map(ActiveRule::wire).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteConfigRuleInput {
    pub config_rule_name: String,
}

pub fn delete_config_rule(
    world: &mut World,
    caller: &Caller,
    input: DeleteConfigRuleInput,
) -> Result<Empty, ConfigError> {
    let name = input.config_rule_name;
    let own = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.rules.contains_key(&name));
    if !own {
        // Rules deployed by an organization rule are deleted only through it.
        return Err(ConfigError::no_such_rule(&name));
    }
    let remediated = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.remediations.contains_key(&name));
    if remediated {
        return Err(ConfigError::ResourceInUse(format!(
            "The rule {name} has a remediation action associated with it. Delete the remediation configuration first."
        )));
    }
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    if let Some(rule) = account.rules.remove(&name) {
        account.results_deleted_ms.remove(&name);
        world.config.tags.remove(&rule.arn);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationStatusInput {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
    pub next_token: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationStatusOutput {
    pub config_rules_evaluation_status: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_config_rule_evaluation_status(
    world: &mut World,
    caller: &Caller,
    input: EvaluationStatusInput,
) -> Result<EvaluationStatusOutput, ConfigError> {
    let listing = format!("DescribeConfigRuleEvaluationStatus {}", caller.region);
    let (size, after) = page(&listing, input.limit, 50, &input.next_token)?;
    let rules = named_rules(world, caller, &input.config_rule_names)?;
    let rest = rules
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a));
    let (rules, next) = take_page(rest, size, |r| r.name.clone());
    // Rules are evaluated whenever asked, so every invocation is "now" and succeeds.
    let now = epoch_seconds(world.clock.now_ms());
    let status = rules
        .iter()
        .map(|r| {
            let s = json!({
                "ConfigRuleName": r.name,
                "ConfigRuleArn": r.arn,
                "ConfigRuleId": r.id,
                "FirstActivatedTime": epoch_seconds(r.created_ms),
                "FirstEvaluationStarted": true,
                "LastSuccessfulInvocationTime": now,
                "LastSuccessfulEvaluationTime": now,
            });
            s
        })
        .collect();
    Ok(EvaluationStatusOutput {
        config_rules_evaluation_status: status,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartEvaluationInput {
    #[serde(default)]
    pub config_rule_names: Vec<String>,
}

pub fn start_config_rules_evaluation(
    world: &mut World,
    caller: &Caller,
    input: StartEvaluationInput,
) -> Result<Empty, ConfigError> {
    if input.config_rule_names.is_empty() || input.config_rule_names.len() > 25 {
        return Err(ConfigError::InvalidParameterValue(
            "ConfigRuleNames must name 1 to 25 rules.".to_string(),
        ));
    }
    named_rules(world, caller, &input.config_rule_names)?;
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    for name in &input.config_rule_names {
        // A new evaluation brings back the results DeleteEvaluationResults cleared.
        account.results_deleted_ms.remove(name);
        if let Some(rule) = account.rules.get_mut(name) {
            rule.last_run_requested_ms = Some(now);
        }
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationInput {
    pub compliance_resource_type: String,
    pub compliance_resource_id: String,
    pub compliance_type: String,
    pub annotation: Option<String>,
    pub ordering_timestamp: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEvaluationsInput {
    pub result_token: String,
    #[serde(default)]
    pub evaluations: Vec<EvaluationInput>,
    #[serde(default)]
    pub test_mode: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEvaluationsOutput {
    pub failed_evaluations: Vec<Value>,
}

/// orgsim runs no Lambda functions to hand out result tokens, so the token of a rule's
/// evaluation is the rule's name (one of the caller's own rules).
pub fn put_evaluations(
    world: &mut World,
    caller: &Caller,
    input: PutEvaluationsInput,
) -> Result<PutEvaluationsOutput, ConfigError> {
    if input.evaluations.len() > 100 {
        return Err(ConfigError::InvalidParameterValue(
            "Evaluations must hold at most 100 evaluations.".to_string(),
        ));
    }
    for e in &input.evaluations {
        if !matches!(
            e.compliance_type.as_str(),
            "COMPLIANT" | "NON_COMPLIANT" | "NOT_APPLICABLE"
        ) {
            return Err(ConfigError::InvalidParameterValue(format!(
                "The compliance type {} is not valid for an evaluation.",
                e.compliance_type
            )));
        }
    }
    let known = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.rules.contains_key(&input.result_token));
    if !known {
        return Err(ConfigError::InvalidResultToken(
            "The result token is invalid.".to_string(),
        ));
    }
    if input.test_mode {
        return Ok(PutEvaluationsOutput {
            failed_evaluations: vec![],
        });
    }
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    let rule = account
        .rules
        .get_mut(&input.result_token)
        .expect("rule checked above");
    for e in input.evaluations {
        let key = format!(
            "{}/{}",
            e.compliance_resource_type, e.compliance_resource_id
        );
        rule.evaluations.insert(
            key,
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
    Ok(PutEvaluationsOutput {
        failed_evaluations: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCOUNT: &str = "222222222222";

    #[test]
    fn rules_need_a_recorder_and_are_described_and_deleted() {
        let mut w = world();
        let rule = json!({"ConfigRule": {"ConfigRuleName": "gd", "Source": {"Owner": "AWS", "SourceIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"}}});
        assert_eq!(
            error_code(&mut w, ACCOUNT, "PutConfigRule", rule.clone()),
            "NoAvailableConfigurationRecorderException"
        );
        start_recording(&mut w, ACCOUNT);
        run_ok(&mut w, ACCOUNT, "PutConfigRule", rule);
        let described = run_ok(&mut w, ACCOUNT, "DescribeConfigRules", json!({}));
        let arn = described["ConfigRules"][0]["ConfigRuleArn"]
            .as_str()
            .unwrap();
        assert!(arn.starts_with("arn:aws:config:us-east-1:222222222222:config-rule/config-rule-"));
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "DescribeConfigRules",
                json!({"ConfigRuleNames": ["nope"]})
            ),
            "NoSuchConfigRuleException"
        );
        run_ok(
            &mut w,
            ACCOUNT,
            "DeleteConfigRule",
            json!({"ConfigRuleName": "gd"}),
        );
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "DeleteConfigRule",
                json!({"ConfigRuleName": "gd"})
            ),
            "NoSuchConfigRuleException"
        );
    }

    #[test]
    fn put_evaluations_feeds_custom_rules() {
        let mut w = world();
        start_recording(&mut w, ACCOUNT);
        run_ok(
            &mut w,
            ACCOUNT,
            "PutConfigRule",
            json!({"ConfigRule": {"ConfigRuleName": "custom", "Source": {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": "arn:aws:lambda:us-east-1:222222222222:function:f"}}}),
        );
        let evaluation = json!({"ComplianceResourceType": "AWS::S3::Bucket", "ComplianceResourceId": "b", "ComplianceType": "NON_COMPLIANT", "OrderingTimestamp": 1.7e9});
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "PutEvaluations",
                json!({"ResultToken": "other", "Evaluations": [evaluation.clone()]})
            ),
            "InvalidResultTokenException"
        );
        run_ok(
            &mut w,
            ACCOUNT,
            "PutEvaluations",
            json!({"ResultToken": "custom", "Evaluations": [evaluation]}),
        );
        let compliance = run_ok(&mut w, ACCOUNT, "DescribeComplianceByConfigRule", json!({}));
        assert_eq!(
            compliance["ComplianceByConfigRules"][0]["Compliance"]["ComplianceType"],
            "NON_COMPLIANT"
        );
    }
}
