//! SignalResource and EstimateTemplateCost.
//!
//! A signal is recorded as the resource's `SIGNAL_RECEIVED` stack event, as AWS records
//! it. orgsim's walks finish within the call that starts them, so no resource is ever
//! waiting for signals (a `CreationPolicy` count is not awaited): the signal is kept
//! in the stack's events and changes no status.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::CfnError;
use super::stacks::{self, ParameterInput};
use super::template;
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SignalResourceInput {
    pub stack_name: String,
    pub logical_resource_id: String,
    pub unique_id: String,
    pub status: String,
}

pub fn signal_resource(
    world: &mut World,
    caller: &Caller,
    input: SignalResourceInput,
) -> Result<Value, CfnError> {
    if input.status != "SUCCESS" && input.status != "FAILURE" {
        return Err(CfnError::constraint(
            &input.status,
            "status",
            "Member must satisfy enum value set: [SUCCESS, FAILURE]",
        ));
    }
    if input.unique_id.is_empty() || input.unique_id.chars().count() > 64 {
        return Err(CfnError::constraint(
            &input.unique_id,
            "uniqueId",
            "Member must have length between 1 and 64",
        ));
    }
    let index = stacks::find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let mut stack = stacks::take(world, &caller.account_id, &caller.region, index);
    let Some(resource) = stack.resource(&input.logical_resource_id).cloned() else {
        return Err(CfnError::Validation(format!(
            "Resource {} does not exist for stack {}",
            input.logical_resource_id, stack.name
        )));
    };
    super::engine::event(
        world,
        &mut stack,
        &resource.logical_id,
        &resource.physical_id,
        &resource.type_name,
        "SIGNAL_RECEIVED",
        Some(format!(
            "Received {} signal with UniqueId {}",
            input.status, input.unique_id
        )),
    );
    stacks::put_back(world, &caller.account_id, &caller.region, index, stack);
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EstimateTemplateCostInput {
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::list")]
    pub parameters: Vec<ParameterInput>,
}

/// Validates the template as ValidateTemplate does and its parameter values as
/// CreateStack does, and answers with a link to the AWS Simple Monthly Calculator as AWS does (the
/// estimate itself lives at AWS, not in orgsim).
pub fn estimate_template_cost(
    world: &mut World,
    caller: &Caller,
    input: EstimateTemplateCostInput,
) -> Result<Value, CfnError> {
    let body = stacks::body_of(world, caller, input.template_body, input.template_url)?;
    let t = template::load(&body)?;
    template::params::resolve(
        &t.parameters,
        &stacks::given(&input.parameters),
        &BTreeMap::new(),
    )?;
    let key = world.ids.uuid();
    Ok(json!({
        "Url": format!("https://calculator.s3.amazonaws.com/calc5.html?key=cloudformation/{key}")
    }))
}
