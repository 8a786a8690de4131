//! AcceptHandshake, DeclineHandshake, CancelHandshake: the recipient accepts or
//! declines, the sender cancels, each only while the handshake waits for an answer.

use super::all_features;
use super::errors::OrgError;
use super::handshakes::{
    answer, check_transition, is_recipient, is_sender, party_handshake, set_state, state_at,
    HandshakeIdInput, HandshakeOutput,
};
use super::invitations::join;
use super::model::{HandshakeAction, HandshakeState};
use crate::auth::Caller;
use crate::world::World;

/// Accepts a handshake: an invitation (the account joins), a member's approval of all
/// features, or the management account's final approval.
pub fn accept_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    let recipient = is_recipient(&world.organizations, &handshake, &caller.account_id);
    let is_parent_request = handshake.action == HandshakeAction::EnableAllFeatures
        && handshake.parent_handshake_id.is_none();
    if is_parent_request {
        // The API text of EnableAllFeatures has the management account accept this one
        // to finish; once every member approved, that works like APPROVE_ALL_FEATURES.
        if !is_sender(world, caller, &handshake) {
            return Err(OrgError::AccessDenied);
        }
        let state = state_at(&handshake, now);
        check_transition(state, HandshakeState::Accepted)?;
        if state == HandshakeState::Requested {
            return Err(OrgError::InvalidHandshakeTransition);
        }
        all_features::finish(world, &handshake.organization_id, now);
        return Ok(answer(world, &handshake.id));
    }
    if !recipient {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Accepted)?;
    match handshake.action {
        HandshakeAction::Invite => join(world, &caller.account_id, &handshake, now)?,
        HandshakeAction::EnableAllFeatures => {
            set_state(world, &handshake.id, HandshakeState::Accepted, now);
            all_features::advance(world, &handshake.organization_id, now);
        }
        HandshakeAction::ApproveAllFeatures => {
            all_features::finish(world, &handshake.organization_id, now)
        }
        HandshakeAction::AddOrganizationsServiceLinkedRole
        | HandshakeAction::TransferResponsibility => {
            return Err(OrgError::InvalidHandshakeTransition)
        }
    }
    Ok(answer(world, &handshake.id))
}
/// Declines a handshake sent to the caller.
pub fn decline_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    if !is_recipient(&world.organizations, &handshake, &caller.account_id) {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Declined)?;
    set_state(world, &handshake.id, HandshakeState::Declined, now);
    if handshake.action != HandshakeAction::Invite {
        // One refusal ends the migration: it can never finish.
        all_features::abandon(
            world,
            &handshake.organization_id,
            HandshakeState::Declined,
            now,
        );
    }
    Ok(answer(world, &handshake.id))
}

/// Cancels a handshake the caller's organization sent and that is still unanswered.
pub fn cancel_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    // APPROVE_ALL_FEATURES comes from AWS to the management account: it can decline it.
    let sent = is_sender(world, caller, &handshake)
        && handshake.action != HandshakeAction::ApproveAllFeatures;
    if !sent {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Canceled)?;
    set_state(world, &handshake.id, HandshakeState::Canceled, now);
    if handshake.action == HandshakeAction::EnableAllFeatures {
        // Cancelling the request or any member's part of it ends the whole migration.
        all_features::abandon(
            world,
            &handshake.organization_id,
            HandshakeState::Canceled,
            now,
        );
    }
    Ok(answer(world, &handshake.id))
}
#[cfg(test)]
mod tests {
    use super::super::handshakes::testing::*;
    use serde_json::json;

    #[test]
    fn invite_by_account_id_and_accept() {
        let (mut w, mgmt) = org("ALL");
        let out = run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}, "Notes": "welcome",
                   "Tags": [{"Key": "team", "Value": "blue"}]}),
        )
        .unwrap();
        let h = &out["Handshake"];
        let id = h["Id"].as_str().unwrap();
        assert!(regex::Regex::new(r"^h-[0-9a-z]{10}$").unwrap().is_match(id));
        let org_id = w.organizations.organization_of(MGMT).unwrap().id.clone();
        assert_eq!(
            h["Arn"],
            format!("arn:aws:organizations::{MGMT}:handshake/{org_id}/invite/{id}")
        );
        assert_eq!(
            (h["Action"].as_str(), h["State"].as_str()),
            (Some("INVITE"), Some("OPEN"))
        );
        assert_eq!(
            h["Parties"],
            json!([{"Id": org_id, "Type": "ORGANIZATION"}, {"Id": GUEST, "Type": "ACCOUNT"}])
        );
        assert_eq!(
            h["ExpirationTimestamp"].as_f64().unwrap() - h["RequestedTimestamp"].as_f64().unwrap(),
            15.0 * 86_400.0
        );
        let resources = &h["Resources"];
        assert_eq!(resources[0]["Type"], "ORGANIZATION");
        assert_eq!(
            resources[0]["Resources"],
            json!([
                {"Type": "MASTER_EMAIL", "Value": format!("account-{MGMT}@example.com")},
                {"Type": "MASTER_NAME", "Value": format!("account-{MGMT}")},
                {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"},
            ])
        );
        assert_eq!(resources[1], json!({"Type": "ACCOUNT", "Value": GUEST}));
        assert_eq!(resources[2], json!({"Type": "NOTES", "Value": "welcome"}));

        let guest = root_caller(GUEST);
        // A standalone account sees its invitation.
        let listed = run(&mut w, &guest, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"][0]["Id"], id);
        // Only the recipient accepts.
        assert_eq!(
            act(&mut w, &mgmt, "AcceptHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        let accepted = act(&mut w, &guest, "AcceptHandshake", &h["Id"]).unwrap();
        assert_eq!(accepted["State"], "ACCEPTED");
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        let account = run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": GUEST}),
        )
        .unwrap();
        assert_eq!(account["Account"]["JoinedMethod"], "INVITED");
        assert_eq!(account["Account"]["Name"], format!("account-{GUEST}"));
        let org = w.organizations.organization_of(GUEST).unwrap();
        assert!(org.is_attached(super::super::model::FULL_AWS_ACCESS, GUEST));
        assert_eq!(org.tags[GUEST]["team"], "blue");
        assert!(w.iam.role(GUEST, "OrganizationAccountAccessRole").is_none());
        // The member now reads its organization.
        run(&mut w, &guest, "DescribeOrganization", json!({})).unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, GUEST, "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            ))
        );
    }

    #[test]
    fn decline_and_cancel() {
        let (mut w, mgmt) = org("CONSOLIDATED_BILLING");
        let guest = root_caller(GUEST);
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            act(&mut w, &guest, "CancelHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        assert_eq!(
            act(&mut w, &mgmt, "DeclineHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        assert_eq!(
            act(&mut w, &guest, "DeclineHandshake", &h["Id"]).unwrap()["State"],
            "DECLINED"
        );
        assert_eq!(
            act(&mut w, &guest, "DeclineHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            h["Resources"][0]["Resources"][2]["Value"],
            "CONSOLIDATED_BILLING"
        );
        assert_eq!(
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap()["State"],
            "CANCELED"
        );
        assert_eq!(
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        // Answered handshakes stay listed (30 days), with their final state.
        let listed = run(&mut w, &guest, "ListHandshakesForAccount", json!({})).unwrap();
        let mut states: Vec<&str> = listed["Handshakes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["State"].as_str().unwrap())
            .collect();
        states.sort();
        assert_eq!(states, ["CANCELED", "DECLINED"]);
    }
}
