//! The global condition keys a request carries (IAM User Guide, "AWS global condition
//! context keys"), from the caller, the world and the resource.

use crate::auth::{Caller, Principal};
use crate::policy::RequestContext;
use crate::world::{iso8601, World};

use super::resources::{arn_account, is_global};

/// The principal's ARN as `aws:PrincipalArn` gives it: for a role session, the role
/// (not the session).
pub fn principal_arn(world: &World, caller: &Caller) -> String {
    match &caller.principal {
        Principal::Root => format!("arn:aws:iam::{}:root", caller.account_id),
        Principal::AssumedRole { role_name, .. } => {
            let path = world
                .iam
                .role(&caller.account_id, role_name)
                .map_or("/", |r| &*r.path);
            format!("arn:aws:iam::{}:role{path}{role_name}", caller.account_id)
        }
        Principal::User { .. } | Principal::FederatedUser { .. } => caller.arn(),
    }
}

/// The condition keys of `caller` asking for `action` on `resource`.
pub fn request_context(
    world: &World,
    caller: &Caller,
    action: &str,
    resource: &str,
) -> RequestContext {
    let mut context = RequestContext::default();
    let region = if is_global(action) {
        "us-east-1"
    } else {
        caller.region.as_str()
    };
    context.set("aws:RequestedRegion", region);
    context.set("aws:PrincipalArn", principal_arn(world, caller));
    context.set("aws:PrincipalAccount", caller.account_id.as_str());
    context.set("aws:userid", caller.user_id());
    let principal_type = match caller.principal {
        Principal::Root => "Account",
        Principal::AssumedRole { .. } => "AssumedRole",
        Principal::User { .. } => "User",
        Principal::FederatedUser { .. } => "FederatedUser",
    };
    // The principal's own tags: an IAM user's or a role's (session tags override).
    let own_tags = match &caller.principal {
        Principal::User { user_name, .. } => world
            .iam
            .user(&caller.account_id, user_name)
            .map(|u| u.tags.as_slice()),
        Principal::AssumedRole { role_name, .. } => world
            .iam
            .role(&caller.account_id, role_name)
            .map(|r| r.tags.as_slice()),
        _ => None,
    };
    for tag in own_tags.unwrap_or_default() {
        context.set(&format!("aws:PrincipalTag/{}", tag.key), tag.value.as_str());
    }
    context.set("aws:PrincipalType", principal_type);
    context.set("aws:PrincipalIsAWSService", "false");
    context.set("aws:ViaAWSService", "false");
    // orgsim speaks plain HTTP on loopback; requests are treated as AWS would see an
    // SDK's, which always uses TLS, so "deny unless SecureTransport" policies work.
    context.set("aws:SecureTransport", "true");
    let now = world.clock.now_ms();
    context.set("aws:CurrentTime", iso8601(now));
    context.set("aws:EpochTime", (now / 1000).to_string());
    if let Some((org_id, path)) = organization_path(world, &caller.account_id) {
        context.set("aws:PrincipalOrgID", org_id);
        context.set_all("aws:PrincipalOrgPaths", vec![path]);
    }
    if let Some(session) = world.sts.credentials.get(&caller.access_key_id) {
        if let Some(source) = &session.source_identity {
            context.set("aws:SourceIdentity", source.as_str());
        }
        for (key, value) in &session.session_tags {
            context.set(&format!("aws:PrincipalTag/{key}"), value.as_str());
        }
    }
    let resource_account = arn_account(resource).unwrap_or(&caller.account_id);
    context.set("aws:ResourceAccount", resource_account);
    if let Some((org_id, path)) = organization_path(world, resource_account) {
        context.set("aws:ResourceOrgID", org_id);
        context.set_all("aws:ResourceOrgPaths", vec![path]);
    }
    context
}

/// An account's organization id and its `o-…/r-…/ou-…/` path, if it is a member.
fn organization_path(world: &World, account_id: &str) -> Option<(String, String)> {
    let org = world.organizations.organization_of(account_id)?;
    let member = org.members.get(account_id)?;
    Some((org.id.clone(), org.path_of_parent(&member.parent_id)))
}
