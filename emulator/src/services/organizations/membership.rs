//! Leaving and closing: LeaveOrganization, RemoveAccountFromOrganization, CloseAccount
//! (asynchronous: `PENDING_CLOSURE`, then `SUSPENDED`).

use serde::Deserialize;

use super::errors::OrgError;
use super::handshakes::DAY_MS;
use super::model::{AccountState, FeatureSet, JoinedMethod, Organization};
use super::{all_features, managed_org, member_org, org_mut, validate, Empty};
use crate::auth::Caller;
use crate::events::{self, OrgEvent};
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
    let left = OrgEvent::AccountLeft {
        organization_id: org_id.to_string(),
        account_id: account_id.to_string(),
    };
    events::publish(world, &left);
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
    if !org.members.contains_key(input.account_id.as_str()) {
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
        .get(input.account_id.as_str())
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
    if let Some(member) = org_mut(world, &org_id)
        .members
        .get_mut(input.account_id.as_str())
    {
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
            let closed = org.members.get(account.as_str())?.closed_ms?;
            (closed + delay <= now).then(|| (org.id.clone(), account.clone()))
        })
        .collect();
    for (org_id, account) in due {
        if let Some(member) = org_mut(world, &org_id).members.get_mut(account.as_str()) {
            member.state = AccountState::Suspended;
        }
        world.organizations.pending_closures.remove(&account);
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::DAY_MS;
    use crate::auth::Caller;
    use crate::world::World;
    use serde_json::json;

    const MGMT: &str = "111111111111";
    const GUEST: &str = "222222222222";

    fn org_with_members() -> (World, Caller, Caller, Caller) {
        let mut w = world();
        w.clock.pinned_ms = Some(1_700_000_000_000);
        let mgmt = root_caller(MGMT);
        run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
        let h = run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}, "Tags": [{"Key": "k", "Value": "v"}]}),
        )
        .unwrap();
        let guest = root_caller(GUEST);
        run(
            &mut w,
            &guest,
            "AcceptHandshake",
            json!({"HandshakeId": h["Handshake"]["Id"]}),
        )
        .unwrap();
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "made@example.org", "AccountName": "made"}),
        )
        .unwrap();
        let car = out["CreateAccountStatus"]["Id"].clone();
        let status = run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": car}),
        )
        .unwrap();
        let created = root_caller(status["CreateAccountStatus"]["AccountId"].as_str().unwrap());
        (w, mgmt, guest, created)
    }

    fn fails(w: &mut World, caller: &Caller, op: &str, account: &str) -> (String, Option<String>) {
        error_code(run(w, caller, op, json!({"AccountId": account})))
    }

    fn pair(code: &str, reason: Option<&str>) -> (String, Option<String>) {
        (code.to_string(), reason.map(String::from))
    }

    #[test]
    fn leaving_leaves_no_trace() {
        let (mut w, mgmt, guest, _) = org_with_members();
        let org_id = w.organizations.membership[GUEST].clone();
        run(&mut w, &guest, "LeaveOrganization", json!({})).unwrap();
        let org = &w.organizations.organizations[org_id.as_str()];
        assert!(!org.members.contains_key(GUEST));
        assert!(!org.attachments.contains_key(GUEST));
        assert!(!org.policy_targets[super::super::model::FULL_AWS_ACCESS].contains(GUEST));
        assert!(!org.tags.contains_key(GUEST));
        assert!(org.children.values().all(|c| !c.accounts.contains(GUEST)));
        assert!(!w.organizations.membership.contains_key(GUEST));
        assert_eq!(
            fails(&mut w, &mgmt, "DescribeAccount", GUEST).0,
            "AccountNotFoundException"
        );
        assert_eq!(
            error_code(run(&mut w, &guest, "DescribeOrganization", json!({}))).0,
            "AWSOrganizationsNotInUseException"
        );
        assert_eq!(
            error_code(run(&mut w, &guest, "LeaveOrganization", json!({}))).0,
            "AWSOrganizationsNotInUseException"
        );
        // Gone standalone, it can be invited again.
        run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}}),
        )
        .unwrap();
    }

    #[test]
    fn who_cannot_leave() {
        let (mut w, mgmt, guest, created) = org_with_members();
        assert_eq!(
            error_code(run(&mut w, &mgmt, "LeaveOrganization", json!({}))),
            pair("MasterCannotLeaveOrganizationException", None)
        );
        assert_eq!(
            fails(&mut w, &mgmt, "RemoveAccountFromOrganization", MGMT),
            pair("MasterCannotLeaveOrganizationException", None)
        );
        // A created account waits out its first week, by the world's clock.
        assert_eq!(
            error_code(run(&mut w, &created, "LeaveOrganization", json!({}))),
            pair("ConstraintViolationException", Some("WAIT_PERIOD_ACTIVE"))
        );
        w.clock.advance(7 * DAY_MS - 1);
        assert_eq!(
            fails(
                &mut w,
                &mgmt,
                "RemoveAccountFromOrganization",
                &created.account_id
            ),
            pair("ConstraintViolationException", Some("WAIT_PERIOD_ACTIVE"))
        );
        w.clock.advance(1);
        run(
            &mut w,
            &mgmt,
            "RemoveAccountFromOrganization",
            json!({"AccountId": created.account_id}),
        )
        .unwrap();
        // A delegated administrator must be deregistered first.
        let org_id = w.organizations.membership[GUEST].clone();
        w.organizations
            .organizations
            .get_mut(org_id.as_str())
            .unwrap()
            .delegated_admins
            .insert(
                GUEST.to_string(),
                std::collections::BTreeMap::from([("guardduty.amazonaws.com".to_string(), 0)]),
            );
        let refused = pair(
            "ConstraintViolationException",
            Some("CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG"),
        );
        assert_eq!(
            error_code(run(&mut w, &guest, "LeaveOrganization", json!({}))),
            refused
        );
        assert_eq!(
            fails(&mut w, &mgmt, "RemoveAccountFromOrganization", GUEST),
            refused
        );
        // Only the management account removes; unknown accounts are not found.
        assert_eq!(
            fails(&mut w, &guest, "RemoveAccountFromOrganization", GUEST).0,
            "AccessDeniedException"
        );
        assert_eq!(
            fails(
                &mut w,
                &mgmt,
                "RemoveAccountFromOrganization",
                "999999999999"
            )
            .0,
            "AccountNotFoundException"
        );
        assert_eq!(
            fails(&mut w, &mgmt, "RemoveAccountFromOrganization", "12"),
            pair("InvalidInputException", Some("INVALID_PATTERN"))
        );
    }

    #[test]
    fn the_wait_period_is_a_quota() {
        let (mut w, mgmt, _, created) = org_with_members();
        w.settings.quotas.account_min_age_days = 0;
        run(
            &mut w,
            &mgmt,
            "RemoveAccountFromOrganization",
            json!({"AccountId": created.account_id}),
        )
        .unwrap();
    }

    #[test]
    fn closing_an_account() {
        let (mut w, mgmt, guest, created) = org_with_members();
        w.settings.close_account_delay_ms = 60_000;
        run(&mut w, &mgmt, "CloseAccount", json!({"AccountId": GUEST})).unwrap();
        let describe = |w: &mut World| {
            run(w, &mgmt, "DescribeAccount", json!({"AccountId": GUEST})).unwrap()["Account"]
                .clone()
        };
        let account = describe(&mut w);
        assert_eq!(
            (account["State"].as_str(), account["Status"].as_str()),
            (Some("PENDING_CLOSURE"), Some("PENDING_CLOSURE"))
        );
        assert_eq!(
            fails(&mut w, &mgmt, "CloseAccount", GUEST),
            pair("AccountAlreadyClosedException", None)
        );
        w.clock.advance(60_000);
        let account = describe(&mut w);
        assert_eq!(
            (account["State"].as_str(), account["Status"].as_str()),
            (Some("SUSPENDED"), Some("SUSPENDED"))
        );
        assert_eq!(
            fails(&mut w, &mgmt, "CloseAccount", GUEST),
            pair("AccountAlreadyClosedException", None)
        );
        // Still listed, as in AWS.
        let listed = run(&mut w, &mgmt, "ListAccounts", json!({})).unwrap();
        assert_eq!(listed["Accounts"].as_array().unwrap().len(), 3);
        assert_eq!(
            fails(&mut w, &mgmt, "CloseAccount", MGMT),
            pair(
                "ConstraintViolationException",
                Some("CANNOT_CLOSE_MANAGEMENT_ACCOUNT")
            )
        );
        assert_eq!(
            fails(&mut w, &mgmt, "CloseAccount", "999999999999").0,
            "AccountNotFoundException"
        );
        assert_eq!(
            fails(&mut w, &guest, "CloseAccount", &created.account_id).0,
            "AccessDeniedException"
        );
        // Without a delay, the next request finds it suspended.
        w.settings.close_account_delay_ms = 0;
        run(
            &mut w,
            &mgmt,
            "CloseAccount",
            json!({"AccountId": created.account_id}),
        )
        .unwrap();
        let state = &w.organizations.organization_of(MGMT).unwrap().members
            [created.account_id.as_str()]
        .state;
        assert_eq!(*state, super::AccountState::PendingClosure);
        let account = run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": created.account_id}),
        )
        .unwrap();
        assert_eq!(account["Account"]["State"], "SUSPENDED");
    }

    #[test]
    fn closing_needs_all_features() {
        let mut w = world();
        let mgmt = root_caller(MGMT);
        run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
        )
        .unwrap();
        assert_eq!(
            fails(&mut w, &mgmt, "CloseAccount", GUEST),
            pair(
                "ConstraintViolationException",
                Some("ORGANIZATION_NOT_IN_ALL_FEATURES_MODE")
            )
        );
    }
}
