//! AWS Identity Store (awsJson1.1, `AWSIdentityStore.<Op>`): the users, groups and
//! group memberships of an IAM Identity Center instance. A store exists with its
//! instance (`ssoadmin`): the organization instance's store once the management
//! account turns trusted access on for `sso.amazonaws.com`, an account instance's with
//! `CreateInstance`. The instance's owner and, for the organization instance, the
//! `sso.amazonaws.com` delegated administrator may use it.

pub mod errors;
pub mod groups;
pub mod memberships;
pub mod model;
pub mod operations;
#[cfg(test)]
mod tests;
pub mod users;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::World;
use errors::StoreError;
use model::IdentityStore;

pub use model::IdentityStoreState;

/// The Identity Store's state: every store, by id.
pub type State = IdentityStoreState;

service_operations!(ServiceId::IdentityStore, StoreError::from_input, {
    "CreateUser" => users::create_user,
    "DescribeUser" => users::describe_user,
    "UpdateUser" => users::update_user,
    "DeleteUser" => users::delete_user,
    "ListUsers" => users::list_users,
    "GetUserId" => users::get_user_id,
    "CreateGroup" => groups::create_group,
    "DescribeGroup" => groups::describe_group,
    "UpdateGroup" => groups::update_group,
    "DeleteGroup" => groups::delete_group,
    "ListGroups" => groups::list_groups,
    "GetGroupId" => groups::get_group_id,
    "CreateGroupMembership" => memberships::create_group_membership,
    "DescribeGroupMembership" => memberships::describe_group_membership,
    "DeleteGroupMembership" => memberships::delete_group_membership,
    "ListGroupMemberships" => memberships::list_group_memberships,
    "ListGroupMembershipsForMember" => memberships::list_group_memberships_for_member,
    "GetGroupMembershipId" => memberships::get_group_membership_id,
    "IsMemberInGroups" => memberships::is_member_in_groups,
});

/// How orgsim serves the Identity Store. Stores follow their instance; the
/// organization's changes reach them through `ssoadmin`.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "identitystore",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 400),
    global: false,
    on_org_event: None,
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// Identity Store actions act on the store (`arn:aws:identitystore::<account>:identitystore/d-…`).
fn resource_arn(
    world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    let id = input.get("IdentityStoreId")?.as_str()?;
    let store = world.identitystore.stores.get(id)?;
    Some(format!(
        "arn:aws:identitystore::{}:identitystore/{id}",
        store.owner_account
    ))
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// Whether `id` has the shape of an identity store id.
fn is_store_id(id: &str) -> bool {
    let hex = |s: &str, n: usize| {
        s.len() == n
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    };
    if let Some(rest) = id.strip_prefix("d-") {
        return hex(rest, 10);
    }
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12]
            .iter()
            .zip(&parts)
            .all(|(n, part)| hex(part, *n))
}

/// Whether `id` has the shape of a user, group or membership id.
pub fn check_resource_id(member: &str, id: &str) -> Result<(), StoreError> {
    let uuid = |s: &str| {
        let parts: Vec<&str> = s.split('-').collect();
        parts.len() == 5
            && [8, 4, 4, 4, 12]
                .iter()
                .zip(&parts)
                .all(|(n, part)| part.len() == *n && part.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let ok = id.len() <= 47
        && (uuid(id)
            || id.split_once('-').is_some_and(|(prefix, rest)| {
                prefix.len() == 10
                    && prefix
                        .bytes()
                        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                    && uuid(rest)
            }));
    if ok {
        Ok(())
    } else {
        Err(StoreError::constraint(
            member,
            "Member must satisfy regular expression pattern: ([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
        ))
    }
}

/// Whether `caller` may use the store: its instance's owner, or the organization's
/// `sso.amazonaws.com` delegated administrator for the organization instance.
fn may_use(world: &World, caller: &Caller, store: &IdentityStore) -> bool {
    if store.owner_account == caller.account_id {
        return true;
    }
    let Some(org_id) = &store.organization_id else {
        return false;
    };
    world
        .organizations
        .organization_of(&caller.account_id)
        .filter(|org| &org.id == org_id)
        .is_some_and(|org| {
            delegation::is_delegated_admin(org, &caller.account_id, "sso.amazonaws.com")
        })
}

/// The store `id`, if it exists and `caller` may use it.
pub fn store<'w>(
    world: &'w World,
    caller: &Caller,
    operation: &str,
    id: &str,
) -> Result<&'w IdentityStore, StoreError> {
    if id.is_empty() || id.len() > 36 || !is_store_id(id) {
        return Err(StoreError::constraint(
            "IdentityStoreId",
            "Member must satisfy regular expression pattern: d-[0-9a-f]{10}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ));
    }
    let store = world
        .identitystore
        .stores
        .get(id)
        .ok_or_else(|| StoreError::not_found("IDENTITY_STORE", id))?;
    if !may_use(world, caller, store) {
        return Err(StoreError::AccessDenied(format!(
            "User: {} is not authorized to perform: identitystore:{operation} on resource: arn:aws:identitystore::{}:identitystore/{id}",
            caller.arn(),
            store.owner_account
        )));
    }
    Ok(store)
}

/// The store `id` to change; call [`store`] first.
pub fn store_mut<'w>(world: &'w mut World, id: &str) -> &'w mut IdentityStore {
    world
        .identitystore
        .stores
        .get_mut(id)
        .expect("checked by store()")
}

/// Page size (1..=100, default 100) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
) -> Result<(usize, Option<String>), StoreError> {
    let size = match max_results {
        None => 100,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) if n < 1 => {
            return Err(StoreError::constraint(
                "MaxResults",
                &format!("Member must have value greater than or equal to 1 (got {n})"),
            ))
        }
        Some(n) => {
            return Err(StoreError::constraint(
                "MaxResults",
                &format!("Member must have value less than or equal to 100 (got {n})"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(StoreError::bad_token)?),
    };
    Ok((size, after))
}

/// The token that resumes `listing` after `key`.
pub fn token(listing: &str, key: Option<String>) -> Option<String> {
    key.map(|k| encode_token(listing, &k))
}

/// A fresh id in `store`: `<store hex>-<uuid>`.
pub fn new_id(world: &mut World, prefix: &str) -> String {
    format!("{prefix}-{}", world.ids.uuid())
}

/// A text member's length (1..=max) and that it is not only blanks.
pub fn check_text(member: &str, value: &str, max: usize) -> Result<(), StoreError> {
    let len = value.chars().count();
    if len == 0 {
        return Err(StoreError::constraint(
            member,
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > max {
        return Err(StoreError::constraint(
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    if value.trim().is_empty() {
        return Err(StoreError::constraint(
            member,
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\t\\n\\r  　]+",
        ));
    }
    Ok(())
}

/// The caller as the store records who made or changed a resource.
pub fn actor(caller: &Caller) -> String {
    caller.arn()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use serde_json::Value;

    /// Runs an Identity Store operation the way the server does.
    pub fn run(
        world: &mut World,
        caller: &Caller,
        op: &str,
        input: Value,
    ) -> Result<Value, ApiError> {
        world.begin_request();
        dispatch(world, caller, op, input)
    }
}
