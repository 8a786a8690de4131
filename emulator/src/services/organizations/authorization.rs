//! The Organizations resource a request acts on, for authorization (the Service
//! Authorization Reference's resource types: policy, account, OU, root, handshake).

use serde_json::Value;

use super::dto;
use super::policies::find_policy;
use crate::auth::Caller;
use crate::world::World;

/// The resource an operation names: its handshake, policy, account, OU or root (in that
/// order, so `AttachPolicy` is about the policy).
pub fn resource_arn(
    world: &World,
    caller: &Caller,
    _operation: &str,
    input: &Value,
) -> Option<String> {
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    if let Some(handshake) =
        text("HandshakeId").and_then(|id| world.organizations.handshakes.get(id))
    {
        // The recipient of an invitation is not in the organization yet.
        let state = handshake.state;
        return Some(dto::handshake(handshake, state).arn);
    }
    let org = world.organizations.organization_of(&caller.account_id)?;
    if let Some(id) = text("PolicyId") {
        return find_policy(org, id).map(|p| p.summary(org).arn);
    }
    if let Some(id) = text("AccountId") {
        return Some(org.account_arn(id));
    }
    if let Some(id) = text("OrganizationalUnitId") {
        return Some(org.ou_arn(id));
    }
    text("RootId").map(|id| {
        format!(
            "arn:aws:organizations::{}:root/{}/{id}",
            org.management_account_id, org.id
        )
    })
}
