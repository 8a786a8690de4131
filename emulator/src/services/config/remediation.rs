//! Remediation: per rule, one `RemediationConfiguration` (an SSM document to run on
//! non-compliant resources), resources excepted from it, and executions started by
//! `StartRemediationExecution`. orgsim runs no Systems Manager automation: an execution
//! is QUEUED in the request that starts it and SUCCEEDED from the next request on.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::{RemediationException, RemediationExecution};
use super::page;
use super::rules::active_rules;
use super::Empty;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

fn no_such_configuration(rule: &str) -> ConfigError {
    ConfigError::NoSuchRemediationConfiguration(format!(
        "No RemediationConfiguration for rule exists: {rule}."
    ))
}

fn key(rule: &str, resource_type: &str, resource_id: &str) -> String {
    format!("{rule}/{resource_type}/{resource_id}")
}

fn rule_exists(world: &World, caller: &Caller, rule: &str) -> bool {
    active_rules(world, &caller.account_id, &caller.region)
        .iter()
        .any(|r| r.name == rule)
}

fn check_rule_name(name: &str) -> Result<(), ConfigError> {
    if name.is_empty() || name.len() > 128 {
        return Err(ConfigError::constraint(
            "configRuleName",
            name,
            "Member must have length between 1 and 128",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRemediationsInput {
    pub remediation_configurations: Vec<Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRemediationsOutput {
    pub failed_batches: Vec<Value>,
}

/// One configuration checked: the rule name, or AWS's refusal.
fn check_configuration(c: &Value) -> Result<String, ConfigError> {
    let rule = c
        .get("ConfigRuleName")
        .and_then(Value::as_str)
        .unwrap_or("");
    check_rule_name(rule)?;
    match c.get("TargetType").and_then(Value::as_str) {
        Some("SSM_DOCUMENT") => {}
        Some(other) => {
            return Err(ConfigError::InvalidParameterValue(format!(
                "You specified an invalid value '{other}' for TargetType. Member must satisfy enum value set: [SSM_DOCUMENT]"
            )))
        }
        None => {
            return Err(ConfigError::InvalidParameterValue(
                "TargetType is required.".to_string(),
            ))
        }
    }
    let target = c.get("TargetId").and_then(Value::as_str).unwrap_or("");
    if target.is_empty() || target.len() > 256 {
        return Err(ConfigError::InvalidParameterValue(
            "TargetId is required and must be 1 to 256 characters.".to_string(),
        ));
    }
    if let Some(n) = c.get("MaximumAutomaticAttempts") {
        if !n.as_i64().is_some_and(|n| (1..=25).contains(&n)) {
            return Err(ConfigError::InvalidParameterValue(
                "MaximumAutomaticAttempts must be between 1 and 25.".to_string(),
            ));
        }
    }
    if let Some(n) = c.get("RetryAttemptSeconds") {
        if !n.as_i64().is_some_and(|n| (1..=2_678_000).contains(&n)) {
            return Err(ConfigError::InvalidParameterValue(
                "RetryAttemptSeconds must be between 1 and 2678000.".to_string(),
            ));
        }
    }
    let automatic = c.get("Automatic").and_then(Value::as_bool).unwrap_or(false);
    if automatic && c.get("MaximumAutomaticAttempts").is_none() {
        return Err(ConfigError::InvalidParameterValue(
            "MaximumAutomaticAttempts is required for automatic remediation.".to_string(),
        ));
    }
    if c.get("Parameters").is_some_and(|p| !p.is_object()) {
        return Err(ConfigError::InvalidParameterValue(
            "Parameters must be a map of parameter names to values.".to_string(),
        ));
    }
    Ok(rule.to_string())
}

pub fn put_remediation_configurations(
    world: &mut World,
    caller: &Caller,
    input: PutRemediationsInput,
) -> Result<PutRemediationsOutput, ConfigError> {
    let given = input.remediation_configurations;
    if given.is_empty() || given.len() > 25 {
        return Err(ConfigError::InvalidParameterValue(
            "RemediationConfigurations must list 1 to 25 configurations.".to_string(),
        ));
    }
    let mut accepted = Vec::new();
    let mut failed = Vec::new();
    for c in given {
        if !c.is_object() {
            return Err(ConfigError::InvalidParameterValue(
                "Each remediation configuration must be a structure.".to_string(),
            ));
        }
        let rule = check_configuration(&c)?;
        if rule_exists(world, caller, &rule) {
            accepted.push((rule, c));
        } else {
            failed.push((rule, c));
        }
    }
    let mut batches = Vec::new();
    if !failed.is_empty() {
        batches.push(json!({
            "FailureMessage": format!(
                "The Config rule {} does not exist.",
                failed.iter().map(|(r, _)| r.as_str()).collect::<Vec<_>>().join(", ")
            ),
            "FailedItems": failed.into_iter().map(|(_, c)| c).collect::<Vec<_>>(),
        }));
    }
    for (rule, mut c) in accepted {
        let existing_arn = world
            .config
            .account(&caller.region, &caller.account_id)
            .and_then(|a| a.remediations.get(&rule))
            .and_then(|r| r.get("Arn").cloned());
        let arn = match existing_arn {
            Some(arn) => arn,
            None => json!(format!(
                "arn:aws:config:{}:{}:remediation-configuration/{rule}/{}",
                caller.region,
                caller.account_id,
                world.ids.uuid()
            )),
        };
        c["Arn"] = arn;
        c.as_object_mut().map(|o| o.remove("CreatedByService"));
        world
            .config
            .account_mut(&caller.region, &caller.account_id)
            .remediations
            .insert(rule, c);
    }
    Ok(PutRemediationsOutput {
        failed_batches: batches,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRemediationsInput {
    pub config_rule_names: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRemediationsOutput {
    pub remediation_configurations: Vec<Value>,
}

pub fn describe_remediation_configurations(
    world: &mut World,
    caller: &Caller,
    input: DescribeRemediationsInput,
) -> Result<DescribeRemediationsOutput, ConfigError> {
    if input.config_rule_names.len() > 25 {
        return Err(ConfigError::InvalidParameterValue(
            "ConfigRuleNames must list at most 25 rule names.".to_string(),
        ));
    }
    let account = world.config.account(&caller.region, &caller.account_id);
    let found = input
        .config_rule_names
        .iter()
        .filter_map(|n| account.and_then(|a| a.remediations.get(n)).cloned())
        .collect();
    Ok(DescribeRemediationsOutput {
        remediation_configurations: found,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteRemediationInput {
    pub config_rule_name: String,
    pub resource_type: Option<String>,
}

pub fn delete_remediation_configuration(
    world: &mut World,
    caller: &Caller,
    input: DeleteRemediationInput,
) -> Result<Empty, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    let account = world.config.account(&caller.region, &caller.account_id);
    let Some(configuration) = account.and_then(|a| a.remediations.get(&rule)) else {
        return Err(no_such_configuration(&rule));
    };
    if let Some(t) = &input.resource_type {
        if configuration.get("ResourceType").and_then(Value::as_str) != Some(t) {
            return Err(no_such_configuration(&rule));
        }
    }
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    account.remediations.remove(&rule);
    let prefix = format!("{rule}/");
    let done: Vec<String> = account
        .remediation_executions
        .keys()
        .filter(|k| k.starts_with(&prefix))
        .cloned()
        .collect();
    for k in done {
        account.remediation_executions.remove(&k);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct ExecutionKey {
    #[serde(rename = "resourceType")]
    pub resource_type: String,
    #[serde(rename = "resourceId")]
    pub resource_id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartExecutionInput {
    pub config_rule_name: String,
    pub resource_keys: Vec<ExecutionKey>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartExecutionOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_message: Option<String>,
    pub failed_items: Vec<Value>,
}

/// Whether a live (unexpired) exception covers the resource.
fn excepted(world: &World, caller: &Caller, rule: &str, t: &str, id: &str) -> bool {
    let now = epoch_seconds(world.clock.now_ms());
    world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.remediation_exceptions.get(&key(rule, t, id)))
        .is_some_and(|e| e.expiration.is_none_or(|x| x > now))
}

pub fn start_remediation_execution(
    world: &mut World,
    caller: &Caller,
    input: StartExecutionInput,
) -> Result<StartExecutionOutput, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    if input.resource_keys.is_empty() || input.resource_keys.len() > 100 {
        return Err(ConfigError::InvalidParameterValue(
            "ResourceKeys must list 1 to 100 resources.".to_string(),
        ));
    }
    let configured = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.remediations.contains_key(&rule));
    if !configured {
        return Err(no_such_configuration(&rule));
    }
    let now = world.clock.now_ms();
    let request = world.request_count;
    let mut failed = Vec::new();
    for k in &input.resource_keys {
        if excepted(world, caller, &rule, &k.resource_type, &k.resource_id) {
            failed.push(json!({"resourceType": k.resource_type, "resourceId": k.resource_id}));
            continue;
        }
        let execution = RemediationExecution {
            rule: rule.clone(),
            resource_type: k.resource_type.clone(),
            resource_id: k.resource_id.clone(),
            invoked_ms: now,
            requested_in: request,
        };
        world
            .config
            .account_mut(&caller.region, &caller.account_id)
            .remediation_executions
            .insert(key(&rule, &k.resource_type, &k.resource_id), execution);
    }
    Ok(StartExecutionOutput {
        failure_message: (!failed.is_empty())
            .then(|| "The resources have remediation exceptions.".to_string()),
        failed_items: failed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionStatusInput {
    pub config_rule_name: String,
    #[serde(default)]
    pub resource_keys: Vec<ExecutionKey>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecutionStatusOutput {
    pub remediation_execution_statuses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_remediation_execution_status(
    world: &mut World,
    caller: &Caller,
    input: ExecutionStatusInput,
) -> Result<ExecutionStatusOutput, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    let listing = format!(
        "DescribeRemediationExecutionStatus {} {rule}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let account = world.config.account(&caller.region, &caller.account_id);
    let Some(configuration) = account.and_then(|a| a.remediations.get(&rule)) else {
        return Err(no_such_configuration(&rule));
    };
    let document = configuration
        .get("TargetId")
        .cloned()
        .unwrap_or(Value::Null);
    let prefix = format!("{rule}/");
    let executions: Vec<(String, RemediationExecution)> = account
        .map(|a| {
            a.remediation_executions
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .map(|(k, e)| (k.clone(), e.clone()))
                .collect()
        })
        .unwrap_or_default();
    let current = world.request_count;
    let rest = executions.into_iter().filter(|(k, e)| {
        after.as_ref().is_none_or(|a| k > a)
            && (input.resource_keys.is_empty()
                || input
                    .resource_keys
                    .iter()
                    .any(|x| x.resource_type == e.resource_type && x.resource_id == e.resource_id))
    });
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    let statuses = rows
        .iter()
        .map(|(_, e)| {
            let invoked = epoch_seconds(e.invoked_ms);
            let queued = e.requested_in >= current;
            let mut status = json!({
                "ResourceKey": {"resourceType": e.resource_type, "resourceId": e.resource_id},
                "State": if queued { "QUEUED" } else { "SUCCEEDED" },
                "InvocationTime": invoked,
                "LastUpdatedTime": invoked,
                "StepDetails": [],
            });
            if !queued {
                status["StepDetails"] = json!([{
                    "Name": document,
                    "State": "SUCCEEDED",
                    "StartTime": invoked,
                    "StopTime": invoked,
                }]);
            }
            status
        })
        .collect();
    Ok(ExecutionStatusOutput {
        remediation_execution_statuses: statuses,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExceptionKey {
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
}

impl ExceptionKey {
    fn parts(&self) -> Result<(String, String), ConfigError> {
        let t = self.resource_type.clone().unwrap_or_default();
        let id = self.resource_id.clone().unwrap_or_default();
        if t.is_empty() || t.len() > 256 || id.is_empty() || id.len() > 1024 {
            return Err(ConfigError::InvalidParameterValue(
                "Each resource key needs a ResourceType (1 to 256 characters) and a ResourceId (1 to 1024 characters).".to_string(),
            ));
        }
        Ok((t, id))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutExceptionsInput {
    pub config_rule_name: String,
    pub resource_keys: Vec<ExceptionKey>,
    pub message: Option<String>,
    pub expiration_time: Option<f64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FailedBatchesOutput {
    pub failed_batches: Vec<Value>,
}

fn exception_wire(e: &RemediationException) -> Value {
    let mut out = json!({
        "ConfigRuleName": e.rule,
        "ResourceType": e.resource_type,
        "ResourceId": e.resource_id,
    });
    if let Some(m) = &e.message {
        out["Message"] = json!(m);
    }
    if let Some(x) = e.expiration {
        out["ExpirationTime"] = json!(x);
    }
    out
}

fn checked_keys(keys: &[ExceptionKey]) -> Result<Vec<(String, String)>, ConfigError> {
    if keys.is_empty() || keys.len() > 100 {
        return Err(ConfigError::InvalidParameterValue(
            "ResourceKeys must list 1 to 100 resources.".to_string(),
        ));
    }
    keys.iter().map(ExceptionKey::parts).collect()
}

pub fn put_remediation_exceptions(
    world: &mut World,
    caller: &Caller,
    input: PutExceptionsInput,
) -> Result<FailedBatchesOutput, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    let keys = checked_keys(&input.resource_keys)?;
    if input
        .message
        .as_ref()
        .is_some_and(|m| m.is_empty() || m.len() > 1024)
    {
        return Err(ConfigError::InvalidParameterValue(
            "Message must be 1 to 1024 characters.".to_string(),
        ));
    }
    let exceptions: Vec<RemediationException> = keys
        .into_iter()
        .map(|(t, id)| RemediationException {
            rule: rule.clone(),
            resource_type: t,
            resource_id: id,
            message: input.message.clone(),
            expiration: input.expiration_time,
        })
        .collect();
    if !rule_exists(world, caller, &rule) {
        return Ok(FailedBatchesOutput {
            failed_batches: vec![json!({
                "FailureMessage": format!("The Config rule {rule} does not exist."),
                "FailedItems": exceptions.iter().map(exception_wire).collect::<Vec<_>>(),
            })],
        });
    }
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    for e in exceptions {
        account
            .remediation_exceptions
            .insert(key(&rule, &e.resource_type, &e.resource_id), e);
    }
    Ok(FailedBatchesOutput {
        failed_batches: vec![],
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeExceptionsInput {
    pub config_rule_name: String,
    #[serde(default)]
    pub resource_keys: Vec<ExceptionKey>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeExceptionsOutput {
    pub remediation_exceptions: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_remediation_exceptions(
    world: &mut World,
    caller: &Caller,
    input: DescribeExceptionsInput,
) -> Result<DescribeExceptionsOutput, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    let listing = format!("DescribeRemediationExceptions {} {rule}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let keys: Vec<(String, String)> = input
        .resource_keys
        .iter()
        .map(ExceptionKey::parts)
        .collect::<Result<_, _>>()?;
    let prefix = format!("{rule}/");
    let all: Vec<(String, RemediationException)> = world
        .config
        .account(&caller.region, &caller.account_id)
        .map(|a| {
            a.remediation_exceptions
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix))
                .map(|(k, e)| (k.clone(), e.clone()))
                .collect()
        })
        .unwrap_or_default();
    let rest = all.into_iter().filter(|(k, e)| {
        after.as_ref().is_none_or(|a| k > a)
            && (keys.is_empty()
                || keys
                    .iter()
                    .any(|(t, id)| *t == e.resource_type && *id == e.resource_id))
    });
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    Ok(DescribeExceptionsOutput {
        remediation_exceptions: rows.iter().map(|(_, e)| exception_wire(e)).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteExceptionsInput {
    pub config_rule_name: String,
    pub resource_keys: Vec<ExceptionKey>,
}

pub fn delete_remediation_exceptions(
    world: &mut World,
    caller: &Caller,
    input: DeleteExceptionsInput,
) -> Result<FailedBatchesOutput, ConfigError> {
    let rule = input.config_rule_name;
    check_rule_name(&rule)?;
    let keys = checked_keys(&input.resource_keys)?;
    let account = world.config.account(&caller.region, &caller.account_id);
    let (present, missing): (Vec<_>, Vec<_>) = keys.into_iter().partition(|(t, id)| {
        account.is_some_and(|a| a.remediation_exceptions.contains_key(&key(&rule, t, id)))
    });
    if present.is_empty() {
        return Err(ConfigError::NoSuchRemediationException(format!(
            "No RemediationException for rule {rule} exists for the resources given."
        )));
    }
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    for (t, id) in &present {
        account.remediation_exceptions.remove(&key(&rule, t, id));
    }
    let failed_batches = if missing.is_empty() {
        vec![]
    } else {
        vec![json!({
            "FailureMessage": "No RemediationException exists for these resources.",
            "FailedItems": missing
                .iter()
                .map(|(t, id)| json!({"ResourceType": t, "ResourceId": id}))
                .collect::<Vec<_>>(),
        })]
    };
    Ok(FailedBatchesOutput { failed_batches })
}
