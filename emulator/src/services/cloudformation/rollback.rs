//! RollbackStack: a stack whose creation failed with rollback disabled (`OnFailure`
//! DO_NOTHING) is rolled back on request. orgsim's updates always roll back by
//! themselves, so `CREATE_FAILED` is the one state this applies to here.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CfnError;
use super::stacks::{acting_caller, find, put_back, take};
use super::{engine, template};
use crate::auth::Caller;
use crate::services::iam::dto::de;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RollbackStackInput {
    pub stack_name: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub client_request_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub retain_except_on_create: Option<bool>,
}

pub fn rollback_stack(
    world: &mut World,
    caller: &Caller,
    input: RollbackStackInput,
) -> Result<Value, CfnError> {
    let index = find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let mut stack = take(world, &caller.account_id, &caller.region, index);
    if stack.deleted() {
        return Err(CfnError::stack_not_found(&input.stack_name));
    }
    if stack.status != "CREATE_FAILED" {
        return Err(CfnError::Validation(format!(
            "Stack:{} is in {} state and can not be rolled back.",
            stack.stack_id, stack.status
        )));
    }
    let role = input.role_arn.clone().or_else(|| stack.role_arn.clone());
    let acting = acting_caller(world, caller, role.as_deref())?;
    let t = template::load(&stack.template_body)?;
    engine::roll_back_create(world, &acting, &t, &mut stack);
    let id = stack.stack_id.clone();
    put_back(world, &caller.account_id, &caller.region, index, stack);
    Ok(json!({"StackId": id}))
}
