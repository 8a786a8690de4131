//! Leaving and closing: LeaveOrganization, RemoveAccountFromOrganization, CloseAccount
//! (asynchronous: `PENDING_CLOSURE`, then `SUSPENDED`).

use serde::Deserialize;

use super::errors::OrgError;
use super::handshakes::DAY_MS;
use super::model::{AccountState, FeatureSet, JoinedMethod, Organization};
use super::{all_features, managed_org, member_org, org_mut, validate, Empty};
use crate::auth::Caller;
use crate::world::World;

/// Closures counted by the rolling 30-day quota.
const CLOSE_QUOTA_WINDOW_MS: i64 = 30 * DAY_MS;

/// Whether `account_id` may leave `org` now: not the management account, not a
/// delegated administrator, and, if the organization created it, old enough.
pub fn check_can_leave(
    world: &World,
    org: &Organization,
    account_id: &str,
) -> Result<(), OrgError> {
    if account_id == org.management_account_id {
        return Err(OrgError::MasterCannotLeaveOrganization);
    }
    if org.delegated_admins.contains_key(account_id) {
        return Err(OrgError::constraint(
            "CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG",
            "You attempted to remove an account that is registered as a delegated administrator for a service integrated with your organization. To complete this operation, you must first deregister this account as a delegated administrator.",
        ));
    }
    let member = org
        .members
        .get(account_id)
        .ok_or(OrgError::AccountNotFound)?;
    let min_age_ms = world.settings.quotas.account_min_age_days as i64 * DAY_MS;
    if member.joined_method == JoinedMethod::Created
        && world.clock.now_ms() < member.joined_ms + min_age_ms
    {
        return Err(OrgError::constraint(
            "WAIT_PERIOD_ACTIVE",
            format!(
                "A newly created account has a waiting period before it can be removed from its organization: wait until {} days after the account was created.",
                world.settings.quotas.account_min_age_days
            ),
        ));
    }
    Ok(())
}

/// Takes an account out of its organization, leaving no trace there: tree position,
/// policy attachments and tags (AWS deletes an account's tags when it leaves). The
/// account itself (name, email, IAM roles) lives on as a standalone account.
pub fn remove_member(world: &mut World, org_id: &str, account_id: &str) {
    let now = world.clock.now_ms();
    let org = org_mut(world, org_id);
    if let Some(member) = org.members.remove(account_id) {
        if let Some(children) = org.children.get_mut(&member.parent_id) {
            children.accounts.remove(account_id);
        }
    }
    org.detach_all_from(account_id);
    org.tags.remove(account_id);
    let state = &mut world.organizations;
    state.membership.remove(account_id);
    state.pending_closures.remove(account_id);
    all_features::member_left(world, org_id, account_id, now);
}

/// A member account leaves its organization by itself.
pub fn leave_organization(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<Empty, OrgError> {
    let org = member_org(world, caller)?;
    check_can_leave(world, org, &caller.account_id)?;
    let org_id = org.id.clone();
    remove_member(world, &org_id, &caller.account_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountIdInput {
    pub account_id: String,
}

/// The management account removes a member.
pub fn remove_account_from_organization(
    world: &mut World,
    caller: &Caller,
    input: AccountIdInput,
) -> Result<Empty, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let org = managed_org(world, caller)?;
    if !org.members.contains_key(&input.account_id) {
        return Err(OrgError::AccountNotFound);
    }
    check_can_leave(world, org, &input.account_id)?;
    let org_id = org.id.clone();
    remove_member(world, &org_id, &input.account_id);
    Ok(Empty {})
}

/// Closes a member account: `PENDING_CLOSURE` now, `SUSPENDED` in a later request
/// (see [`complete_due_closures`]). The account stays listed, as in AWS.
pub fn close_account(
    world: &mut World,
    caller: &Caller,
    input: AccountIdInput,
) -> Result<Empty, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let org = managed_org(world, caller)?;
    if org.feature_set != FeatureSet::All {
        return Err(OrgError::constraint(
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
            "You can close an account only when all features are enabled in the organization.",
        ));
    }
    let member = org
        .members
        .get(&input.account_id)
        .ok_or(OrgError::AccountNotFound)?;
    if input.account_id == org.management_account_id {
        return Err(OrgError::constraint(
            "CANNOT_CLOSE_MANAGEMENT_ACCOUNT",
            "You attempted to close the management account. To close the management account for the organization, you must first either remove or close all member accounts in the organization.",
        ));
    }
    if member.state != AccountState::Active {
        return Err(OrgError::AccountAlreadyClosed);
    }
    let now = world.clock.now_ms();
    let closed_recently = org
        .members
        .values()
        .filter(|m| m.closed_ms.is_some_and(|t| now - t < CLOSE_QUOTA_WINDOW_MS))
        .count();
    // Rolling 30 days: the higher of 250 or 20 % of the members, at most 1,000.
    let quota = (org.members.len() / 5).clamp(250, 1000);
    if closed_recently >= quota {
        return Err(OrgError::constraint(
            "CLOSE_ACCOUNT_QUOTA_EXCEEDED",
            "You have exceeded close account quota for the past 30 days.",
        ));
    }
    let org_id = org.id.clone();
    let request = world.request_count;
    if let Some(member) = org_mut(world, &org_id).members.get_mut(&input.account_id) {
        member.state = AccountState::PendingClosure;
        member.closed_ms = Some(now);
    }
    world
        .organizations
        .pending_closures
        .insert(input.account_id, request);
    Ok(Empty {})
}

/// Suspends the accounts whose closure was asked in an earlier request and whose delay
/// (`close_account_delay_ms`) has passed.
pub fn complete_due_closures(world: &mut World) {
    if world.organizations.pending_closures.is_empty() {
        return;
    }
    let now = world.clock.now_ms();
    let delay = world.settings.close_account_delay_ms;
    let state = &world.organizations;
    let due: Vec<(String, String)> = state
        .pending_closures
        .iter()
        .filter(|(_, asked_in)| **asked_in < world.request_count)
        .filter_map(|(account, _)| {
            let org = state.organization_of(account)?;
            let closed = org.members.get(account)?.closed_ms?;
            (closed + delay <= now).then(|| (org.id.clone(), account.clone()))
        })
        .collect();
    for (org_id, account) in due {
        if let Some(member) = org_mut(world, &org_id).members.get_mut(&account) {
            member.state = AccountState::Suspended;
        }
        world.organizations.pending_closures.remove(&account);
    }
}
