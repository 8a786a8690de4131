//! InviteAccountToOrganization, and what accepting an invitation does: the account
//! joins the root (leaving its current organization first, if any).

use serde::Deserialize;

use super::dto::{self, Tag};
use super::errors::OrgError;
use super::handshakes::{
    account_for_email, is_recipient, leaf_resource, new_handshake_id, open_invitations,
    organization_resource, recipient_key, recipient_party, record, sent_by, set_state, state_at,
    HandshakeOutput, DAY_MS, INVITATION_LIFETIME_MS,
};
use super::model::{
    AccountRecord, Handshake, HandshakeAction, HandshakeParty, HandshakePartyType, HandshakeState,
    JoinedMethod,
};
use super::{all_features, managed_org, org_mut, validate};
use crate::auth::Caller;
use crate::events::{self, OrgEvent};
use crate::world::World;

/// AWS lets an organization send at least this many invitations a day.
const MIN_DAILY_INVITATIONS: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakePartyInput {
    pub id: String,
    pub r#type: HandshakePartyType,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InviteAccountToOrganizationInput {
    pub target: HandshakePartyInput,
    pub notes: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

/// Invites an account (by id or by email) to join the caller's organization. An
/// account in another organization may be invited: accepting moves it (AWS's direct
/// transfer between organizations).
pub fn invite_account_to_organization(
    world: &mut World,
    caller: &Caller,
    input: InviteAccountToOrganizationInput,
) -> Result<HandshakeOutput, OrgError> {
    let target = input.target;
    validate::length("Target.Id", &target.id, 1, 64)?;
    match target.r#type {
        HandshakePartyType::Account => validate::account_id("Target.Id", &target.id)?,
        HandshakePartyType::Email => validate::email(&target.id).map_err(|_| {
            OrgError::invalid(
                "INVALID_EMAIL_ADDRESS_TARGET",
                "You specified an invalid email address for the invited account owner.",
            )
        })?,
        HandshakePartyType::Organization => return Err(OrgError::invalid(
            "INVALID_PARTY_TYPE_TARGET",
            "You specified the wrong type of entity (account, organization, or email) as a party.",
        )),
    }
    if let Some(notes) = &input.notes {
        validate::length("Notes", notes, 0, 1024)?;
    }
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = managed_org(world, caller)?;
    let now = world.clock.now_ms();
    if all_features::pending_migration(world, org).is_some() {
        return Err(OrgError::handshake_constraint(
            "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
            "You can't issue new invitations to join an organization while it's in the process of enabling all features.",
        ));
    }
    let state = &world.organizations;
    let invited_account = match target.r#type {
        HandshakePartyType::Account => Some(target.id.clone()),
        _ => account_for_email(state, &target.id),
    };
    // CATALOG §4.4: an account in any organization must leave it before it can be invited.
    if invited_account
        .as_ref()
        .is_some_and(|a| state.membership.contains_key(a.as_str()))
    {
        return Err(OrgError::handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            "The handshake request is invalid because the invited account is already a member of an organization.",
        ));
    }
    let party = HandshakeParty {
        id: target.id.clone(),
        party_type: target.r#type,
    };
    let duplicate = sent_by(world, &org.id).any(|h| {
        h.action == HandshakeAction::Invite
            && state_at(h, now).is_pending()
            && recipient_party(h).is_some_and(|p| {
                recipient_key(p) == recipient_key(&party)
                    || invited_account
                        .as_ref()
                        .is_some_and(|a| is_recipient(state, h, a))
            })
    });
    if duplicate {
        return Err(OrgError::DuplicateHandshake);
    }
    let quota = world.settings.quotas.accounts_per_organization;
    let sent_today = sent_by(world, &org.id)
        .filter(|h| {
            h.action == HandshakeAction::Invite
                && h.requested_ms > now - DAY_MS
                && h.state != HandshakeState::Accepted
        })
        .count();
    if sent_today >= quota.max(MIN_DAILY_INVITATIONS) {
        return Err(OrgError::handshake_constraint(
            "HANDSHAKE_RATE_LIMIT_EXCEEDED",
            "You attempted to exceed the number of handshakes that you can send in one day.",
        ));
    }
    if org.members.len() + open_invitations(world, &org.id) >= quota {
        return Err(OrgError::handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the limit on the number of accounts in an organization.",
        ));
    }
    let mut resources = vec![
        organization_resource(state, org),
        leaf_resource(
            match target.r#type {
                HandshakePartyType::Email => "EMAIL",
                _ => "ACCOUNT",
            },
            &target.id,
        ),
    ];
    if let Some(notes) = &input.notes {
        resources.push(leaf_resource("NOTES", notes));
    }
    let (org_id, management) = (org.id.clone(), org.management_account_id.clone());
    let handshake = Handshake {
        id: new_handshake_id(world),
        organization_id: org_id.clone(),
        management_account_id: management,
        action: HandshakeAction::Invite,
        // AWS shows invitations waiting for an answer as OPEN (API examples).
        state: HandshakeState::Open,
        parties: vec![
            HandshakeParty {
                id: org_id,
                party_type: HandshakePartyType::Organization,
            },
            party,
        ],
        resources,
        notes: input.notes,
        requested_ms: now,
        expiration_ms: now + INVITATION_LIFETIME_MS,
        responded_ms: None,
        parent_handshake_id: None,
        tags,
    };
    let output = dto::handshake(&handshake, handshake.state);
    record(world, handshake);
    Ok(HandshakeOutput { handshake: output })
}

/// The invited account joins the root of the inviting organization, leaving its
/// current organization first if it is in one (subject to the rules of leaving).
pub(super) fn join(
    world: &mut World,
    account_id: &str,
    invite: &Handshake,
    now: i64,
) -> Result<(), OrgError> {
    let org = world
        .organizations
        .organizations
        .get(&invite.organization_id)
        .ok_or(OrgError::InvalidHandshakeTransition)?;
    // It may have joined another organization since it was invited.
    if world.organizations.membership.contains_key(account_id) {
        return Err(OrgError::handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            "The handshake request is invalid because the invited account is already a member of an organization.",
        ));
    }
    if org.members.len() >= world.settings.quotas.accounts_per_organization {
        return Err(OrgError::handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the limit on the number of accounts in an organization.",
        ));
    }
    let org_id = org.id.clone();
    set_state(world, &invite.id, HandshakeState::Accepted, now);
    let state = &mut world.organizations;
    state.add_account_record(AccountRecord {
        id: account_id.into(),
        name: compact_str::format_compact!("account-{account_id}"),
        email: format!("account-{account_id}@example.com"),
        created_ms: now,
    });
    state
        .membership
        .insert(account_id.into(), org_id.as_str().into());
    let org = org_mut(world, &org_id);
    org.admit(account_id, JoinedMethod::Invited, now);
    if !invite.tags.is_empty() {
        org.tags.insert(
            account_id.to_string(),
            invite.tags.iter().cloned().collect(),
        );
    }
    all_features::request_approval(world, &org_id, account_id, now);
    let joined = OrgEvent::AccountJoined {
        organization_id: org_id,
        account_id: account_id.to_string(),
    };
    events::publish(world, &joined);
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::super::handshakes::testing::*;
    use serde_json::json;

    #[test]
    fn invite_input_and_caller_errors() {
        let (mut w, mgmt) = org("ALL");
        let cases = [
            (
                json!({"Target": {"Id": "o-abcdefghij", "Type": "ORGANIZATION"}}),
                "INVALID_PARTY_TYPE_TARGET",
            ),
            (
                json!({"Target": {"Id": "nobody", "Type": "EMAIL"}}),
                "INVALID_EMAIL_ADDRESS_TARGET",
            ),
            (
                json!({"Target": {"Id": "12345", "Type": "ACCOUNT"}}),
                "INVALID_PATTERN",
            ),
            (
                json!({"Target": {"Id": "", "Type": "ACCOUNT"}}),
                "MIN_LENGTH_EXCEEDED",
            ),
            (
                json!({"Target": {"Id": GUEST, "Type": "PERSON"}}),
                "INVALID_ENUM",
            ),
            (json!({"Target": {"Id": GUEST}}), "INPUT_REQUIRED"),
            (
                json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}, "Notes": "x".repeat(1025)}),
                "MAX_LENGTH_EXCEEDED",
            ),
        ];
        for (input, expected) in cases {
            let e = error_code(run(
                &mut w,
                &mgmt,
                "InviteAccountToOrganization",
                input.clone(),
            ));
            assert_eq!(e, reason("InvalidInputException", expected), "{input}");
        }
        assert_eq!(
            invite(&mut w, &mgmt, MGMT, "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            ))
        );
        invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, GUEST, "ACCOUNT"),
            Err(code("DuplicateHandshakeException"))
        );
        // The same account by its email is a duplicate too.
        assert_eq!(
            invite(
                &mut w,
                &mgmt,
                &format!("ACCOUNT-{GUEST}@example.com"),
                "EMAIL"
            ),
            Err(code("DuplicateHandshakeException"))
        );
        let outsider = root_caller("333333333333");
        assert_eq!(
            invite(&mut w, &outsider, GUEST, "ACCOUNT"),
            Err(code("AWSOrganizationsNotInUseException"))
        );
        // Outsiders see nothing of other accounts' handshakes.
        let listed = run(&mut w, &outsider, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"], json!([]));
        let h = run(&mut w, &mgmt, "ListHandshakesForOrganization", json!({})).unwrap()
            ["Handshakes"][0]["Id"]
            .clone();
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &h),
            Err(code("HandshakeNotFoundException"))
        );
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &json!("h-nothere1")),
            Err(code("HandshakeNotFoundException"))
        );
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &json!("x-1")),
            Err(reason("InvalidInputException", "INVALID_PATTERN"))
        );
    }

    #[test]
    fn invite_by_email() {
        let (mut w, mgmt) = org("ALL");
        // A known account: created in the organization, then gone standalone.
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "Dev@Example.org", "AccountName": "dev"}),
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
        let dev = status["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_string();
        w.clock.advance(7 * DAY_MS);
        run(&mut w, &root_caller(&dev), "LeaveOrganization", json!({})).unwrap();
        let h = invite(&mut w, &mgmt, "dev@example.org", "EMAIL").unwrap();
        assert_eq!(
            h["Parties"][1],
            json!({"Id": "dev@example.org", "Type": "EMAIL"})
        );
        assert_eq!(
            h["Resources"][1],
            json!({"Type": "EMAIL", "Value": "dev@example.org"})
        );
        // Another account cannot answer it.
        assert_eq!(
            act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]),
            Err(code("HandshakeNotFoundException"))
        );
        let dev = root_caller(&dev);
        let listed = run(&mut w, &dev, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"][0]["Id"], h["Id"]);
        act(&mut w, &dev, "AcceptHandshake", &h["Id"]).unwrap();
        let account = run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": dev.account_id}),
        )
        .unwrap();
        assert_eq!(account["Account"]["JoinedMethod"], "INVITED");
        // An account orgsim never saw answers to the address orgsim invents for it.
        let h = invite(
            &mut w,
            &mgmt,
            &format!("account-{GUEST}@example.com"),
            "EMAIL",
        )
        .unwrap();
        act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]).unwrap();
        assert!(w.organizations.organization_of(GUEST).is_some());
    }

    #[test]
    fn quotas_count_open_invitations_and_daily_sends() {
        let (mut w, mgmt) = org("ALL");
        w.settings.quotas.accounts_per_organization = 2;
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, "333333333333", "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
            ))
        );
        // The open invitation holds the last seat: account creation fails too.
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "c@example.org", "AccountName": "c"}),
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
        assert_eq!(
            status["CreateAccountStatus"]["FailureReason"],
            "ACCOUNT_LIMIT_EXCEEDED"
        );
        act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap();
        // Twenty unanswered sends a day at least (max(20, account quota)).
        for i in 1..20 {
            let h = invite(&mut w, &mgmt, &format!("4444444444{i:02}"), "ACCOUNT").unwrap();
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap();
        }
        assert_eq!(
            invite(&mut w, &mgmt, "555555555555", "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "HANDSHAKE_RATE_LIMIT_EXCEEDED"
            ))
        );
        w.clock.advance(DAY_MS);
        invite(&mut w, &mgmt, "555555555555", "ACCOUNT").unwrap();
    }

    #[test]
    fn accounts_in_another_organization_are_refused() {
        let (mut w, mgmt) = org("ALL");
        let other = root_caller("333333333333");
        run(&mut w, &other, "CreateOrganization", json!({})).unwrap();
        let refused = invite(&mut w, &mgmt, "333333333333", "ACCOUNT").unwrap_err();
        assert_eq!(
            refused,
            reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            )
        );
        // Invited while free, then it joins another organization: accepting is refused.
        let mine = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        let theirs = invite(&mut w, &other, GUEST, "ACCOUNT").unwrap();
        act(
            &mut w,
            &root_caller(GUEST),
            "AcceptHandshake",
            &theirs["Id"],
        )
        .unwrap();
        let e = act(&mut w, &root_caller(GUEST), "AcceptHandshake", &mine["Id"]).unwrap_err();
        assert_eq!(
            e,
            reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            )
        );
        let other_org = w
            .organizations
            .organization_of("333333333333")
            .unwrap()
            .id
            .clone();
        assert_eq!(w.organizations.membership[GUEST], other_org);
    }

    #[test]
    fn deleting_the_organization_cancels_its_invitations() {
        let (mut w, mgmt) = org("ALL");
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        run(&mut w, &mgmt, "DeleteOrganization", json!({})).unwrap();
        let guest = root_caller(GUEST);
        let seen = act(&mut w, &guest, "DescribeHandshake", &h["Id"]).unwrap();
        assert_eq!(seen["State"], "CANCELED");
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
    }
}
