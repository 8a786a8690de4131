//! Acting as an Identity Center user in an account (orgsim's key convention; AWS does
//! it through the access portal, which orgsim does not emulate).
//!
//! The instance owner — the management account for the organization instance — calls
//! `sts:AssumeRole` on the reserved role `AWSReservedSSO_<PermissionSet>_<hex>` of the
//! account with `RoleSessionName` set to the user's `UserName`. The role's trust policy
//! lets the owner ask (its `OrgsimIdentityCenterUserSessions` statement); STS then
//! refuses unless that user is assigned the permission set in that account, directly
//! or through a group. The session is `assumed-role/AWSReservedSSO_…/<UserName>`, as a
//! portal session is in AWS, and every later call is authorized with the role's
//! policies: what the user may and may not do.

use super::model::Provisioned;
use crate::world::World;

/// For a reserved role of Identity Center: whether a session named `session_name`
/// stands for a user assigned there (`Err` says why not). `None`: not a reserved role.
pub fn check_user_session(
    world: &World,
    account: &str,
    role_name: &str,
    session_name: &str,
) -> Option<Result<(), String>> {
    let provisioned: &Provisioned = world
        .ssoadmin
        .provisioned
        .values()
        .find(|p| p.account_id == account && p.role_name.eq_ignore_ascii_case(role_name))?;
    let refused = || {
        Err(format!(
            "{session_name} is not an IAM Identity Center user assigned {role_name} in account {account}"
        ))
    };
    let Some(ps) = world
        .ssoadmin
        .permission_sets
        .get(&provisioned.permission_set_arn)
    else {
        return Some(refused());
    };
    let Some(store) = world
        .ssoadmin
        .instances
        .get(&ps.instance_arn)
        .and_then(|i| world.identitystore.stores.get(&i.identity_store_id))
    else {
        return Some(refused());
    };
    let Some(user) = store.user_named(session_name) else {
        return Some(refused());
    };
    let assigned = |principal_type: &str, id: &str| {
        world
            .ssoadmin
            .assignments
            .get(&super::model::Assignment::key(
                account,
                &ps.arn,
                principal_type,
                id,
            ))
            .is_some()
    };
    if assigned("USER", &user.id)
        || store
            .groups_of(&user.id)
            .iter()
            .any(|g| assigned("GROUP", g))
    {
        Some(Ok(()))
    } else {
        Some(refused())
    }
}
