//! Activate/Deactivate/DescribeOrganizationsAccess: StackSets' trusted access in
//! Organizations (`member.org.stacksets.cloudformation.amazonaws.com`).

use serde::Deserialize;
use serde_json::{json, Value};

use super::{admin_of, SERVICE_PRINCIPAL};
use crate::auth::Caller;
use crate::services::cloudformation::errors::CfnError;
use crate::services::organizations::delegation;
use crate::world::World;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationsAccessInput {
    pub call_as: Option<String>,
}

/// The organization the caller administers StackSets for (as management account or,
/// with `CallAs=DELEGATED_ADMIN`, as delegated administrator).
fn organization_id(
    world: &World,
    caller: &Caller,
    call_as: Option<&str>,
) -> Result<String, CfnError> {
    let admin = admin_of(world, caller, call_as)?;
    world
        .organizations
        .organization_of(&caller.account_id)
        .filter(|org| admin.delegated || org.management_account_id == caller.account_id)
        .map(|org| org.id.clone())
        .ok_or_else(|| {
            CfnError::InvalidOperation(
                "You must be the management account or delegated admin account of an organization to operate on organizations access".into(),
            )
        })
}

pub fn activate_organizations_access(
    world: &mut World,
    caller: &Caller,
    input: OrganizationsAccessInput,
) -> Result<Value, CfnError> {
    let org_id = organization_id(world, caller, input.call_as.as_deref())?;
    let org = &world.organizations.organizations[&org_id];
    delegation::check_enable_service_access(org).map_err(|_| {
        CfnError::InvalidOperation("Organization is not in all features mode".into())
    })?;
    let now = world.clock.now_ms();
    delegation::ensure_service_access(world, &org_id, SERVICE_PRINCIPAL, now);
    Ok(json!({}))
}

pub fn deactivate_organizations_access(
    world: &mut World,
    caller: &Caller,
    input: OrganizationsAccessInput,
) -> Result<Value, CfnError> {
    let org_id = organization_id(world, caller, input.call_as.as_deref())?;
    // As Organizations' DisableAWSServiceAccess does, StackSets' delegated
    // administrators are deregistered too (each an event the services hear).
    let admins: Vec<String> = delegation::delegated_admins_for(
        &world.organizations.organizations[&org_id],
        SERVICE_PRINCIPAL,
    )
    .cloned()
    .collect();
    for account in admins {
        delegation::deregister_delegated_admin_in(world, &org_id, &account, SERVICE_PRINCIPAL);
    }
    if let Some(org) = world.organizations.organizations.get_mut(&org_id) {
        delegation::disable_service_access(org, SERVICE_PRINCIPAL);
    }
    Ok(json!({}))
}

pub fn describe_organizations_access(
    world: &mut World,
    caller: &Caller,
    input: OrganizationsAccessInput,
) -> Result<Value, CfnError> {
    let org_id = organization_id(world, caller, input.call_as.as_deref())?;
    let on = delegation::service_access_enabled(
        &world.organizations.organizations[&org_id],
        SERVICE_PRINCIPAL,
    );
    Ok(json!({"Status": if on { "ENABLED" } else { "DISABLED" }}))
}
