//! Change sets: a proposed create or update, its changes computed against the stack,
//! executed later (what `aws cloudformation deploy` does).

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::CfnError;
use super::model::{Change, ChangeSet, Stack};
use super::providers;
use super::stacks::{self, given, tags_of, ParameterInput, TagInput};
use super::template::{self, Template};
use crate::auth::Caller;
use crate::services::iam::dto::de;
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChangeSetInput {
    pub stack_name: String,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub use_previous_template: Option<bool>,
    #[serde(default, deserialize_with = "de::list")]
    pub parameters: Vec<ParameterInput>,
    #[serde(default, deserialize_with = "de::list")]
    pub capabilities: Vec<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagInput>,
    pub change_set_name: String,
    pub client_token: Option<String>,
    pub description: Option<String>,
    pub change_set_type: Option<String>,
    #[serde(default, rename = "NotificationARNs", deserialize_with = "de::list")]
    pub notification_arns: Vec<String>,
    pub on_stack_failure: Option<String>,
}

fn check_name(name: &str) -> Result<(), CfnError> {
    let ok = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CfnError::constraint(
            name,
            "changeSetName",
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
        ))
    }
}

/// The changes from the stack's resources to the new template's (declarations compared,
/// and resolved parameters for those that use them).
fn changes(
    old: Option<&Template>,
    stack: &Stack,
    new: &Template,
    order: &[String],
    params_changed: &[String],
) -> Vec<Change> {
    let mut out = Vec::new();
    for id in order {
        let decl = new.resource(id).expect("ordered from the template");
        let existing = stack
            .resources
            .iter()
            .find(|r| r.logical_id == *id && super::engine::live(r));
        let Some(existing) = existing else {
            out.push(Change {
                action: "Add".into(),
                logical_id: id.clone(),
                physical_id: None,
                type_name: decl.type_name.clone(),
                replacement: None,
                scope: Vec::new(),
            });
            continue;
        };
        let old_decl = old.and_then(|t| t.resource(id));
        let refs = template::References::of(&decl.properties);
        let uses_changed_param = params_changed.iter().any(|p| refs.refs.contains(p));
        let old_props = old_decl
            .map(|d| d.properties.clone())
            .unwrap_or(Value::Null);
        let type_changed = existing.type_name != decl.type_name;
        if !type_changed && old_props == decl.properties && !uses_changed_param {
            continue;
        }
        let mut scope = Vec::new();
        let mut replacement = "False";
        if let (Some(new_props), Some(provider)) = (
            decl.properties.as_object(),
            providers::provider(&decl.type_name),
        ) {
            let keys: std::collections::BTreeSet<&String> = new_props
                .keys()
                .chain(old_props.as_object().into_iter().flat_map(|m| m.keys()))
                .collect();
            for key in keys {
                let changed = new_props.get(key) != old_props.get(key)
                    || template::References::of(new_props.get(key).unwrap_or(&Value::Null))
                        .refs
                        .iter()
                        .any(|r| params_changed.contains(r));
                if changed {
                    scope.push("Properties".to_string());
                    if provider.replace_on.contains(&key.as_str()) || provider.update.is_none() {
                        replacement = "True";
                    }
                }
            }
        }
        if type_changed {
            replacement = "True";
        }
        scope.dedup();
        out.push(Change {
            action: "Modify".into(),
            logical_id: id.clone(),
            physical_id: Some(existing.physical_id.clone()),
            type_name: decl.type_name.clone(),
            replacement: Some(replacement.into()),
            scope,
        });
    }
    for r in stack
        .resources
        .iter()
        .filter(|r| super::engine::live(r) && !order.contains(&r.logical_id))
    {
        out.push(Change {
            action: "Remove".into(),
            logical_id: r.logical_id.clone(),
            physical_id: Some(r.physical_id.clone()),
            type_name: r.type_name.clone(),
            replacement: None,
            scope: Vec::new(),
        });
    }
    out
}

pub fn create_change_set(
    world: &mut World,
    caller: &Caller,
    input: CreateChangeSetInput,
) -> Result<Value, CfnError> {
    check_name(&input.change_set_name)?;
    let kind = input
        .change_set_type
        .clone()
        .unwrap_or_else(|| "UPDATE".into());
    if !["CREATE", "UPDATE"].contains(&kind.as_str()) {
        return Err(CfnError::Validation(format!(
            "ChangeSetType {kind} is not supported by orgsim (IMPORT needs existing resources to adopt)"
        )));
    }
    let (account, region) = (caller.account_id.clone(), caller.region.clone());
    let existing = stacks::find(world, caller, &input.stack_name);
    let stack = match (kind.as_str(), existing) {
        ("CREATE", Some(i)) => {
            let s = &world
                .cloudformation
                .regional(&account, &region)
                .expect("found")
                .stacks[i];
            if s.status != "REVIEW_IN_PROGRESS" {
                return Err(CfnError::AlreadyExists(format!("Stack [{}] already exists and cannot be created again with the changeSet [{}].", s.name, input.change_set_name)));
            }
            s.clone()
        }
        ("CREATE", None) => {
            if input.stack_name.starts_with("arn:") {
                return Err(CfnError::stack_not_found(&input.stack_name));
            }
            stacks::new_stack(world, &account, &region, &input.stack_name)
        }
        (_, Some(i)) => world
            .cloudformation
            .regional(&account, &region)
            .expect("found")
            .stacks[i]
            .clone(),
        (_, None) => return Err(CfnError::stack_not_found(&input.stack_name)),
    };
    if kind == "UPDATE" && stack.status == "REVIEW_IN_PROGRESS" {
        return Err(CfnError::Validation(format!(
            "Stack [{}] does not exist. Specify CREATE as the ChangeSetType to create a change set for a new stack.",
            stack.name
        )));
    }
    if stack
        .change_sets
        .iter()
        .any(|c| c.name == input.change_set_name)
    {
        return Err(CfnError::AlreadyExists(format!(
            "ChangeSet [{}] already exists",
            input.change_set_name
        )));
    }
    let body = if input.use_previous_template == Some(true) {
        stack.template_body.clone()
    } else {
        stacks::body_of(world, caller, input.template_body, input.template_url)?
    };
    let prepared = stacks::prepare(
        world,
        &account,
        &region,
        &stack.name,
        &stack.stack_id,
        &body,
        &given(&input.parameters),
        &stack.parameters,
        Some(&input.capabilities),
        &input.notification_arns,
    )?;
    let tags = tags_of(&input.tags)?;
    let old = template::load(&stack.template_body).ok();
    let params_changed: Vec<String> = prepared
        .parameters
        .iter()
        .filter(|(k, v)| stack.parameters.get(*k) != Some(*v))
        .map(|(k, _)| k.clone())
        .collect();
    let changes = changes(
        old.as_ref(),
        &stack,
        &prepared.template,
        &prepared.order,
        &params_changed,
    );
    let no_changes =
        kind == "UPDATE" && changes.is_empty() && params_changed.is_empty() && tags == stack.tags;
    let (status, reason, execution) = if no_changes {
        (
            "FAILED",
            Some("The submitted information didn't contain changes. Submit different information to create a change set.".to_string()),
            "UNAVAILABLE",
        )
    } else {
        ("CREATE_COMPLETE", None, "AVAILABLE")
    };
    let id = format!(
        "arn:aws:cloudformation:{region}:{account}:changeSet/{}/{}",
        input.change_set_name,
        world.ids.uuid()
    );
    let change_set = ChangeSet {
        id: id.clone(),
        name: input.change_set_name.clone(),
        change_set_type: kind.clone(),
        status: status.into(),
        status_reason: reason,
        execution_status: execution.into(),
        created_ms: world.clock.now_ms(),
        description: input.description,
        template_body: body,
        parameters: prepared.parameters,
        tags,
        capabilities: input.capabilities,
        changes,
    };
    let stack_id = stack.stack_id.clone();
    match existing {
        Some(i) => world.cloudformation.regional_mut(&account, &region).stacks[i]
            .change_sets
            .push(change_set),
        None => {
            let mut stack = stack;
            stack.role_arn = input.role_arn;
            stack.notification_arns = input.notification_arns;
            super::engine::stack_status(
                world,
                &mut stack,
                "REVIEW_IN_PROGRESS",
                Some("User Initiated".into()),
            );
            stack.change_sets.push(change_set);
            world
                .cloudformation
                .regional_mut(&account, &region)
                .stacks
                .push(stack);
        }
    }
    Ok(json!({"Id": id, "StackId": stack_id}))
}

/// A change set by ARN, or by name within a stack.
pub fn find<'w>(
    world: &'w World,
    caller: &Caller,
    name: &str,
    stack_name: Option<&str>,
) -> Result<(usize, &'w ChangeSet), CfnError> {
    let not_found = || CfnError::ChangeSetNotFound(format!("ChangeSet [{name}] does not exist"));
    let regional = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .ok_or_else(not_found)?;
    if name.starts_with("arn:") {
        for (i, s) in regional.stacks.iter().enumerate() {
            if let Some(c) = s.change_sets.iter().find(|c| c.id == name) {
                return Ok((i, c));
            }
        }
        return Err(not_found());
    }
    let stack_name = stack_name.ok_or_else(|| {
        CfnError::Validation(
            "StackName must be specified if ChangeSetName is not specified as an ARN.".into(),
        )
    })?;
    let i = stacks::find(world, caller, stack_name)
        .ok_or_else(|| CfnError::stack_not_found(stack_name))?;
    let c = regional.stacks[i]
        .change_sets
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(not_found)?;
    Ok((i, c))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangeSetInput {
    pub change_set_name: String,
    pub stack_name: Option<String>,
    pub next_token: Option<String>,
    pub client_request_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub disable_rollback: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub include_property_values: Option<bool>,
}

pub fn describe_change_set(
    world: &mut World,
    caller: &Caller,
    input: ChangeSetInput,
) -> Result<Value, CfnError> {
    let (i, c) = find(
        world,
        caller,
        &input.change_set_name,
        input.stack_name.as_deref(),
    )?;
    let stack = &world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .expect("found")
        .stacks[i];
    let changes: Vec<Value> = c
        .changes
        .iter()
        .map(|ch| {
            json!({"Type": "Resource", "ResourceChange": {
                "Action": ch.action,
                "LogicalResourceId": ch.logical_id,
                "PhysicalResourceId": ch.physical_id,
                "ResourceType": ch.type_name,
                "Replacement": ch.replacement,
                "Scope": ch.scope,
                "Details": [],
            }})
        })
        .collect();
    Ok(json!({
        "ChangeSetName": c.name,
        "ChangeSetId": c.id,
        "StackId": stack.stack_id,
        "StackName": stack.name,
        "Description": c.description,
        "Parameters": c.parameters.iter().map(|(k, v)| json!({"ParameterKey": k, "ParameterValue": v})).collect::<Vec<_>>(),
        "CreationTime": iso8601(c.created_ms),
        "ExecutionStatus": c.execution_status,
        "Status": c.status,
        "StatusReason": c.status_reason,
        "NotificationARNs": stack.notification_arns,
        "Capabilities": c.capabilities,
        "Tags": c.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
        "Changes": changes,
        "IncludeNestedStacks": false,
    }))
}

pub fn execute_change_set(
    world: &mut World,
    caller: &Caller,
    input: ChangeSetInput,
) -> Result<Value, CfnError> {
    let (i, c) = find(
        world,
        caller,
        &input.change_set_name,
        input.stack_name.as_deref(),
    )?;
    let c = c.clone();
    if c.execution_status != "AVAILABLE" {
        return Err(CfnError::InvalidChangeSetStatus(format!(
            "ChangeSet [{}] cannot be executed in its current status of [{}]",
            c.id, c.status
        )));
    }
    let (account, region) = (caller.account_id.clone(), caller.region.clone());
    let mut stack = stacks::take(world, &account, &region, i);
    let given: BTreeMap<String, template::params::Given> = c
        .parameters
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                template::params::Given {
                    value: Some(v.clone()),
                    use_previous: false,
                },
            )
        })
        .collect();
    if c.change_set_type == "CREATE" {
        let acting = stacks::acting_caller(world, caller, stack.role_arn.as_deref())?;
        let prepared = stacks::prepare(
            world,
            &account,
            &region,
            &stack.name,
            &stack.stack_id,
            &c.template_body,
            &given,
            &BTreeMap::new(),
            Some(&c.capabilities),
            &stack.notification_arns,
        )?;
        stack.template_body = c.template_body.clone();
        stack.description = prepared.template.description.clone();
        stack.parameters = prepared.parameters.clone();
        stack.no_echo = prepared
            .template
            .parameters
            .iter()
            .filter(|p| p.no_echo)
            .map(|p| p.name.clone())
            .collect();
        stack.tags = c.tags.clone();
        stack.capabilities = c.capabilities.clone();
        stack.disable_rollback = input.disable_rollback.unwrap_or(false);
        mark_executed(&mut stack, &c.id);
        // The stack record is replaced: take it out and walk it as a new create.
        let on_failure = if stack.disable_rollback {
            super::engine::OnFailure::DoNothing
        } else {
            super::engine::OnFailure::Rollback
        };
        let run = super::engine::Run {
            caller: acting,
            template: &prepared.template,
            parameters: prepared.parameters.clone(),
            pseudo: prepared.pseudo.clone(),
            exports: prepared.exports.clone(),
            conditions: prepared.conditions.clone(),
            order: prepared.order.clone(),
        };
        super::engine::create(world, &run, &mut stack, on_failure);
        stacks::put_back(world, &account, &region, i, stack);
        return Ok(json!({}));
    }
    mark_executed(&mut stack, &c.id);
    let request = stacks::UpdateRequest {
        body: c.template_body.clone(),
        given,
        capabilities: Some(c.capabilities.clone()),
        tags: c.tags.clone(),
        role_arn: None,
        stack_policy: None,
        during_update_policy: None,
    };
    stacks::update_to(world, caller, i, stack, request)?;
    Ok(json!({}))
}

/// After execution AWS keeps only the executed change set's record.
fn mark_executed(stack: &mut Stack, id: &str) {
    stack.change_sets.retain(|c| c.id == id);
    for c in &mut stack.change_sets {
        c.execution_status = "EXECUTE_COMPLETE".into();
    }
}

pub fn delete_change_set(
    world: &mut World,
    caller: &Caller,
    input: ChangeSetInput,
) -> Result<Value, CfnError> {
    let (i, c) = find(
        world,
        caller,
        &input.change_set_name,
        input.stack_name.as_deref(),
    )?;
    let id = c.id.clone();
    if c.execution_status == "EXECUTE_IN_PROGRESS" {
        return Err(CfnError::InvalidChangeSetStatus(format!(
            "Cannot delete ChangeSet in status {}",
            c.execution_status
        )));
    }
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .stacks[i]
        .change_sets
        .retain(|c| c.id != id);
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChangeSetsInput {
    pub stack_name: String,
    pub next_token: Option<String>,
}

pub fn list_change_sets(
    world: &mut World,
    caller: &Caller,
    input: ListChangeSetsInput,
) -> Result<Value, CfnError> {
    let stack = stacks::get(world, caller, &input.stack_name)?;
    let summaries: Vec<Value> = stack
        .change_sets
        .iter()
        .map(|c| {
            json!({
                "StackId": stack.stack_id,
                "StackName": stack.name,
                "ChangeSetId": c.id,
                "ChangeSetName": c.name,
                "ExecutionStatus": c.execution_status,
                "Status": c.status,
                "StatusReason": c.status_reason,
                "CreationTime": iso8601(c.created_ms),
                "Description": c.description,
                "IncludeNestedStacks": false,
            })
        })
        .collect();
    Ok(json!({"Summaries": summaries}))
}
