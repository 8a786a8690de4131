//! Hooks: orgsim has no CloudFormation registry, so no hook is ever registered or
//! invoked — a change set has no hooks to run and no target has hook results, which
//! is what these answer (for targets that exist).

use serde::Deserialize;
use serde_json::{json, Value};

use super::changesets;
use super::errors::CfnError;
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeChangeSetHooksInput {
    pub change_set_name: String,
    pub stack_name: Option<String>,
    pub next_token: Option<String>,
    pub logical_resource_id: Option<String>,
}

pub fn describe_change_set_hooks(
    world: &mut World,
    caller: &Caller,
    input: DescribeChangeSetHooksInput,
) -> Result<Value, CfnError> {
    let (index, change_set) = changesets::find(
        world,
        caller,
        &input.change_set_name,
        input.stack_name.as_deref(),
    )?;
    let stack = &world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .expect("found")
        .stacks[index];
    Ok(json!({
        "ChangeSetId": change_set.id,
        "ChangeSetName": change_set.name,
        "Hooks": [],
        "Status": "UNAVAILABLE",
        "StackId": stack.stack_id,
        "StackName": stack.name,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHookResultsInput {
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub type_arn: Option<String>,
    pub status: Option<String>,
    pub next_token: Option<String>,
}

pub fn list_hook_results(
    _world: &mut World,
    _caller: &Caller,
    input: ListHookResultsInput,
) -> Result<Value, CfnError> {
    if let Some(t) = input.target_type.as_deref() {
        if !["CHANGE_SET", "STACK", "RESOURCE", "CLOUD_CONTROL"].contains(&t) {
            return Err(CfnError::constraint(
                t,
                "targetType",
                "Member must satisfy enum value set: [CHANGE_SET, STACK, RESOURCE, CLOUD_CONTROL]",
            ));
        }
    }
    Ok(json!({
        "TargetType": input.target_type,
        "TargetId": input.target_id,
        "HookResults": [],
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetHookResultInput {
    pub hook_result_id: Option<String>,
}

/// No hook is ever invoked in orgsim, so no hook result exists.
pub fn get_hook_result(
    _world: &mut World,
    _caller: &Caller,
    input: GetHookResultInput,
) -> Result<Value, CfnError> {
    let id = input.hook_result_id.unwrap_or_default();
    let uuid_like = id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_digit() || ('a'..='f').contains(&c)
            }
        });
    if !uuid_like {
        return Err(CfnError::constraint(
            &id,
            "hookResultId",
            "Member must satisfy regular expression pattern: ^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$",
        ));
    }
    Err(CfnError::HookResultNotFound(format!(
        "Hook result {id} not found"
    )))
}
