//! StackSets: one template rolled out as stack instances to accounts and regions.

pub mod model;

use super::errors::CfnError;
use crate::auth::Caller;
use crate::world::World;

/// The template of a stack set the caller may see.
pub fn template_of(
    world: &World,
    caller: &Caller,
    name: &str,
    _call_as: Option<&str>,
) -> Result<String, CfnError> {
    world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .and_then(|r| r.stack_sets.iter().find(|s| s.name == name || s.id == name))
        .map(|s| s.template_body.clone())
        .ok_or_else(|| CfnError::stack_set_not_found(name))
}
