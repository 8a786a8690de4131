//! EnableAllFeatures: moving a consolidated-billing organization to all features.
//!
//! The request is a parent `ENABLE_ALL_FEATURES` handshake (`REQUESTED`, 90 days). Every
//! invited member gets its own `ENABLE_ALL_FEATURES` handshake (created accounts need no
//! approval). Once none is left waiting, the parent turns `OPEN` and the management
//! account gets an `APPROVE_ALL_FEATURES` handshake; accepting it finishes the change:
//! feature set ALL, SCPs enabled in the root, `FullAWSAccess` on every target.

use super::dto;
use super::errors::OrgError;
use super::handshakes::{
    leaf_resource, new_handshake_id, organization_resource, record, sent_by, set_state, state_at,
    HandshakeOutput, DAY_MS,
};
use super::model::{
    FeatureSet, Handshake, HandshakeAction, HandshakeParty, HandshakePartyType, HandshakeState,
    JoinedMethod, Organization, FULL_AWS_ACCESS, SERVICE_CONTROL_POLICY,
};
use super::{managed_org, org_mut, Empty};
use crate::auth::Caller;
use crate::world::World;

/// A request to enable all features lasts 90 days.
pub const REQUEST_LIFETIME_MS: i64 = 90 * DAY_MS;
/// Larger organizations need AWS's assisted migration.
const MAX_MIGRATION_ACCOUNTS: usize = 5000;

/// The organization's `ENABLE_ALL_FEATURES` request while it is still pending.
pub fn pending_migration<'w>(world: &'w World, org: &Organization) -> Option<&'w Handshake> {
    let id = org.all_features_handshake.as_ref()?;
    let handshake = world.organizations.handshakes.get(id)?;
    state_at(handshake, world.clock.now_ms())
        .is_pending()
        .then_some(handshake)
}

/// Starts the migration to all features (management account only).
pub fn enable_all_features(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<HandshakeOutput, OrgError> {
    let org = managed_org(world, caller)?;
    if org.feature_set == FeatureSet::All {
        return Err(OrgError::handshake_constraint(
            "ORGANIZATION_ALREADY_HAS_ALL_FEATURES",
            "The handshake request is invalid because the organization has already enabled all features.",
        ));
    }
    if pending_migration(world, org).is_some() {
        return Err(OrgError::handshake_constraint(
            "ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION",
            "The handshake request is invalid because the organization has already started the process to enable all features.",
        ));
    }
    if org.members.len() > MAX_MIGRATION_ACCOUNTS {
        return Err(OrgError::constraint(
            "ALL_FEATURES_MIGRATION_ORGANIZATION_SIZE_LIMIT_EXCEEDED",
            "Your organization has more than 5000 accounts: use the assisted migration process to enable all features.",
        ));
    }
    let now = world.clock.now_ms();
    let (org_id, management) = (org.id.clone(), org.management_account_id.clone());
    let invited: Vec<String> = org
        .members
        .values()
        .filter(|m| {
            m.joined_method == JoinedMethod::Invited && m.account_id != org.management_account_id
        })
        .map(|m| m.account_id.to_string())
        .collect();
    let parent = Handshake {
        id: new_handshake_id(world),
        organization_id: org_id.clone(),
        management_account_id: management,
        action: HandshakeAction::EnableAllFeatures,
        state: HandshakeState::Requested,
        parties: vec![organization_party(&org_id)],
        resources: vec![leaf_resource("ORGANIZATION", &org_id)],
        notes: None,
        requested_ms: now,
        expiration_ms: now + REQUEST_LIFETIME_MS,
        responded_ms: None,
        parent_handshake_id: None,
        tags: vec![],
    };
    let parent_id = parent.id.clone();
    record(world, parent);
    org_mut(world, &org_id).all_features_handshake = Some(parent_id.clone());
    for account in invited {
        request_approval(world, &org_id, &account, now);
    }
    // With no invited member to ask, the final approval is due at once.
    advance(world, &org_id, now);
    let parent = &world.organizations.handshakes[&parent_id];
    Ok(HandshakeOutput {
        handshake: dto::handshake(parent, state_at(parent, now)),
    })
}

fn organization_party(org_id: &str) -> HandshakeParty {
    HandshakeParty {
        id: org_id.to_string(),
        party_type: HandshakePartyType::Organization,
    }
}

/// A handshake of the running migration, sent to `account_id`.
fn migration_handshake(
    world: &mut World,
    org_id: &str,
    account_id: &str,
    action: HandshakeAction,
    now: i64,
) -> Option<Handshake> {
    let org = world.organizations.organizations.get(org_id)?;
    let parent = pending_migration(world, org)?;
    let resources = vec![
        organization_resource(&world.organizations, org),
        leaf_resource("ACCOUNT", account_id),
        leaf_resource("PARENT_HANDSHAKE", &parent.id),
    ];
    let (parent_id, expiration_ms) = (parent.id.clone(), parent.expiration_ms);
    let management = org.management_account_id.clone();
    Some(Handshake {
        id: new_handshake_id(world),
        organization_id: org_id.to_string(),
        management_account_id: management,
        action,
        state: HandshakeState::Open,
        parties: vec![
            organization_party(org_id),
            HandshakeParty {
                id: account_id.to_string(),
                party_type: HandshakePartyType::Account,
            },
        ],
        resources,
        notes: None,
        requested_ms: now,
        expiration_ms,
        responded_ms: None,
        parent_handshake_id: Some(parent_id),
        tags: vec![],
    })
}

/// Asks an invited member to approve the running migration, if approvals are still
/// being collected (an account that joins after they are all in is not asked).
pub fn request_approval(world: &mut World, org_id: &str, account_id: &str, now: i64) {
    let collecting = world
        .organizations
        .organizations
        .get(org_id)
        .and_then(|org| pending_migration(world, org))
        .is_some_and(|p| state_at(p, now) == HandshakeState::Requested);
    if !collecting {
        return;
    }
    if let Some(handshake) = migration_handshake(
        world,
        org_id,
        account_id,
        HandshakeAction::EnableAllFeatures,
        now,
    ) {
        record(world, handshake);
    }
}

/// The migration's handshakes other than the parent request.
fn family(world: &World, org_id: &str, parent_id: &str) -> Vec<Handshake> {
    sent_by(world, org_id)
        .filter(|h| h.parent_handshake_id.as_deref() == Some(parent_id))
        .cloned()
        .collect()
}

/// Once no member's approval is still awaited, opens the request and sends the
/// management account its `APPROVE_ALL_FEATURES` handshake.
pub fn advance(world: &mut World, org_id: &str, now: i64) {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return;
    };
    let Some(parent) = pending_migration(world, org) else {
        return;
    };
    if parent.state != HandshakeState::Requested {
        return;
    }
    let (parent_id, management) = (parent.id.clone(), org.management_account_id.clone());
    let waiting = family(world, org_id, &parent_id)
        .iter()
        .any(|h| state_at(h, now).is_pending());
    if waiting {
        return;
    }
    if let Some(approval) = migration_handshake(
        world,
        org_id,
        &management,
        HandshakeAction::ApproveAllFeatures,
        now,
    ) {
        record(world, approval);
    }
    set_state(world, &parent_id, HandshakeState::Open, now);
}

/// Finishes the migration: the organization gets all features and SCPs, with
/// `FullAWSAccess` on the root, every OU and every account.
pub fn finish(world: &mut World, org_id: &str, now: i64) {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return;
    };
    let Some(parent_id) = pending_migration(world, org).map(|p| p.id.clone()) else {
        return;
    };
    for handshake in family(world, org_id, &parent_id) {
        if handshake.action == HandshakeAction::ApproveAllFeatures
            && state_at(&handshake, now).is_pending()
        {
            set_state(world, &handshake.id, HandshakeState::Accepted, now);
        }
    }
    set_state(world, &parent_id, HandshakeState::Accepted, now);
    let org = org_mut(world, org_id);
    org.all_features_handshake = None;
    org.feature_set = FeatureSet::All;
    if !org.policy_type_enabled(SERVICE_CONTROL_POLICY) {
        org.root
            .policy_types
            .push(SERVICE_CONTROL_POLICY.to_string());
    }
    let targets: Vec<String> = std::iter::once(org.root.id.clone())
        .chain(org.ous.keys().cloned())
        .chain(org.members.keys().map(ToString::to_string))
        .collect();
    for target in targets {
        org.attach(FULL_AWS_ACCESS, &target);
    }
}

/// Ends the migration unfinished: the request takes `outcome` (declined or cancelled)
/// and every handshake of it still waiting is cancelled.
pub fn abandon(world: &mut World, org_id: &str, outcome: HandshakeState, now: i64) {
    // Not `pending_migration`: the request itself may be what was just cancelled.
    let Some(parent_id) = world
        .organizations
        .organizations
        .get(org_id)
        .and_then(|org| org.all_features_handshake.clone())
    else {
        return;
    };
    for handshake in family(world, org_id, &parent_id) {
        if state_at(&handshake, now).is_pending() {
            set_state(world, &handshake.id, HandshakeState::Canceled, now);
        }
    }
    let parent_pending = world
        .organizations
        .handshakes
        .get(&parent_id)
        .is_some_and(|p| state_at(p, now).is_pending());
    if parent_pending {
        set_state(world, &parent_id, outcome, now);
    }
    org_mut(world, org_id).all_features_handshake = None;
}

/// A member left: its approval is no longer awaited, which may complete the approvals.
pub fn member_left(world: &mut World, org_id: &str, account_id: &str, now: i64) {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return;
    };
    let Some(parent_id) = pending_migration(world, org).map(|p| p.id.clone()) else {
        return;
    };
    for handshake in family(world, org_id, &parent_id) {
        let theirs = handshake.action == HandshakeAction::EnableAllFeatures
            && handshake.parties.iter().any(|p| p.id == account_id);
        if theirs && state_at(&handshake, now).is_pending() {
            set_state(world, &handshake.id, HandshakeState::Canceled, now);
        }
    }
    advance(world, org_id, now);
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::auth::Caller;
    use crate::world::World;
    use serde_json::{json, Value};

    const MGMT: &str = "111111111111";

    /// A consolidated-billing organization with two invited members, one created
    /// member and an OU.
    fn billing_org() -> (World, Caller, Vec<Caller>, String) {
        let mut w = world();
        w.clock.pinned_ms = Some(1_700_000_000_000);
        let mgmt = root_caller(MGMT);
        run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
        )
        .unwrap();
        let mut invited = vec![];
        for id in ["222222222222", "333333333333"] {
            let h = run(
                &mut w,
                &mgmt,
                "InviteAccountToOrganization",
                json!({"Target": {"Id": id, "Type": "ACCOUNT"}}),
            )
            .unwrap();
            let member = root_caller(id);
            run(
                &mut w,
                &member,
                "AcceptHandshake",
                json!({"HandshakeId": h["Handshake"]["Id"]}),
            )
            .unwrap();
            invited.push(member);
        }
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
        let created = status["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_string();
        let root = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap()["Roots"][0]["Id"].clone();
        run(
            &mut w,
            &mgmt,
            "CreateOrganizationalUnit",
            json!({"ParentId": root, "Name": "Apps"}),
        )
        .unwrap();
        (w, mgmt, invited, created)
    }

    fn received(w: &mut World, caller: &Caller, action: &str) -> Vec<Value> {
        let out = run(
            w,
            caller,
            "ListHandshakesForAccount",
            json!({"Filter": {"ActionType": action}}),
        )
        .unwrap();
        out["Handshakes"].as_array().unwrap().clone()
    }

    fn accept(
        w: &mut World,
        caller: &Caller,
        handshake: &Value,
    ) -> Result<Value, (String, Option<String>)> {
        run(
            w,
            caller,
            "AcceptHandshake",
            json!({"HandshakeId": handshake["Id"]}),
        )
        .map(|out| out["Handshake"].clone())
        .map_err(|e| error_code(Err(e)))
    }

    #[test]
    fn invited_members_approve_then_the_management_account() {
        let (mut w, mgmt, invited, created) = billing_org();
        let out = run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap();
        let request = &out["Handshake"];
        let org_id = w.organizations.organization_of(MGMT).unwrap().id.clone();
        assert_eq!(
            (request["Action"].as_str(), request["State"].as_str()),
            (Some("ENABLE_ALL_FEATURES"), Some("REQUESTED"))
        );
        assert_eq!(
            request["Parties"],
            json!([{"Id": org_id, "Type": "ORGANIZATION"}])
        );
        assert!(request["Arn"]
            .as_str()
            .unwrap()
            .contains("/enable_all_features/h-"));
        assert_eq!(
            request["ExpirationTimestamp"].as_f64().unwrap()
                - request["RequestedTimestamp"].as_f64().unwrap(),
            90.0 * 86_400.0
        );
        // Invited members are asked; the created one and the management account are not.
        assert!(received(&mut w, &root_caller(&created), "ENABLE_ALL_FEATURES").is_empty());
        assert!(received(&mut w, &mgmt, "APPROVE_ALL_FEATURES").is_empty());
        let children = run(
            &mut w,
            &mgmt,
            "ListHandshakesForOrganization",
            json!({"Filter": {"ParentHandshakeId": request["Id"]}}),
        )
        .unwrap();
        assert_eq!(children["Handshakes"].as_array().unwrap().len(), 2);
        // Meanwhile: no invitations, no second request, no early finish.
        let e = error_code(run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": "444444444444", "Type": "ACCOUNT"}}),
        ));
        assert_eq!(
            e,
            (
                "HandshakeConstraintViolationException".into(),
                Some("INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES".into())
            )
        );
        let e = error_code(run(&mut w, &mgmt, "EnableAllFeatures", json!({})));
        assert_eq!(
            e,
            (
                "HandshakeConstraintViolationException".into(),
                Some("ORGANIZATION_IS_ALREADY_PENDING_ALL_FEATURES_MIGRATION".into())
            )
        );
        assert_eq!(
            accept(&mut w, &mgmt, request),
            Err(("InvalidHandshakeTransitionException".into(), None))
        );

        for member in &invited {
            let mine = received(&mut w, member, "ENABLE_ALL_FEATURES");
            assert_eq!(mine.len(), 1);
            assert_eq!(mine[0]["State"], "OPEN");
            assert_eq!(
                accept(&mut w, member, &mine[0]).unwrap()["State"],
                "ACCEPTED"
            );
        }
        let parent = run(
            &mut w,
            &mgmt,
            "DescribeHandshake",
            json!({"HandshakeId": request["Id"]}),
        )
        .unwrap();
        assert_eq!(parent["Handshake"]["State"], "OPEN");
        let approval = received(&mut w, &mgmt, "APPROVE_ALL_FEATURES");
        assert_eq!(approval.len(), 1);
        // Only the management account gives the final approval.
        assert_eq!(
            accept(&mut w, &invited[0], &approval[0]),
            Err(("HandshakeNotFoundException".into(), None))
        );
        assert_eq!(
            accept(&mut w, &mgmt, &approval[0]).unwrap()["State"],
            "ACCEPTED"
        );

        let org = run(&mut w, &mgmt, "DescribeOrganization", json!({})).unwrap();
        assert_eq!(org["Organization"]["FeatureSet"], "ALL");
        let roots = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap();
        assert_eq!(
            roots["Roots"][0]["PolicyTypes"],
            json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
        );
        let org = w.organizations.organization_of(MGMT).unwrap();
        assert_eq!(
            org.attachments.len(),
            1 + 1 + 4,
            "root, the OU, four accounts"
        );
        assert!(org
            .attachments
            .values()
            .all(|p| p.iter().any(|id| id == super::FULL_AWS_ACCESS)));
        assert_eq!(org.policy_targets[super::FULL_AWS_ACCESS].len(), 6);
        let parent = run(
            &mut w,
            &mgmt,
            "DescribeHandshake",
            json!({"HandshakeId": request["Id"]}),
        )
        .unwrap();
        assert_eq!(parent["Handshake"]["State"], "ACCEPTED");
        let e = error_code(run(&mut w, &mgmt, "EnableAllFeatures", json!({})));
        assert_eq!(
            e,
            (
                "HandshakeConstraintViolationException".into(),
                Some("ORGANIZATION_ALREADY_HAS_ALL_FEATURES".into())
            )
        );
    }

    #[test]
    fn without_invited_members_the_approval_is_due_at_once() {
        let mut w = world();
        let mgmt = root_caller(MGMT);
        run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
        )
        .unwrap();
        let out = run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap();
        assert_eq!(out["Handshake"]["State"], "OPEN");
        // The API text's variant: accepting the request itself finishes it too.
        accept(&mut w, &mgmt, &out["Handshake"]).unwrap();
        let approval = received(&mut w, &mgmt, "APPROVE_ALL_FEATURES");
        assert_eq!(approval[0]["State"], "ACCEPTED");
        let org = run(&mut w, &mgmt, "DescribeOrganization", json!({})).unwrap();
        assert_eq!(org["Organization"]["FeatureSet"], "ALL");
    }

    #[test]
    fn a_refusal_or_a_cancellation_ends_the_migration() {
        let (mut w, mgmt, invited, _) = billing_org();
        let request =
            run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap()["Handshake"].clone();
        let theirs = received(&mut w, &invited[0], "ENABLE_ALL_FEATURES");
        run(
            &mut w,
            &invited[0],
            "DeclineHandshake",
            json!({"HandshakeId": theirs[0]["Id"]}),
        )
        .unwrap();
        let parent = run(
            &mut w,
            &mgmt,
            "DescribeHandshake",
            json!({"HandshakeId": request["Id"]}),
        )
        .unwrap();
        assert_eq!(parent["Handshake"]["State"], "DECLINED");
        assert_eq!(
            received(&mut w, &invited[1], "ENABLE_ALL_FEATURES")[0]["State"],
            "CANCELED"
        );
        // A new request may start; the management account cancels it.
        let request =
            run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap()["Handshake"].clone();
        let cancelled = run(
            &mut w,
            &mgmt,
            "CancelHandshake",
            json!({"HandshakeId": request["Id"]}),
        )
        .unwrap();
        assert_eq!(cancelled["Handshake"]["State"], "CANCELED");
        let open: Vec<Value> = received(&mut w, &invited[1], "ENABLE_ALL_FEATURES")
            .into_iter()
            .filter(|h| h["State"] == "OPEN")
            .collect();
        assert!(open.is_empty());
        let org = run(&mut w, &mgmt, "DescribeOrganization", json!({})).unwrap();
        assert_eq!(org["Organization"]["FeatureSet"], "CONSOLIDATED_BILLING");
        // Invitations are possible again.
        run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": "444444444444", "Type": "ACCOUNT"}}),
        )
        .unwrap();
    }

    #[test]
    fn a_member_leaving_completes_the_approvals_and_requests_expire() {
        let (mut w, mgmt, invited, _) = billing_org();
        run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap();
        let first = received(&mut w, &invited[0], "ENABLE_ALL_FEATURES");
        accept(&mut w, &invited[0], &first[0]).unwrap();
        assert!(received(&mut w, &mgmt, "APPROVE_ALL_FEATURES").is_empty());
        run(&mut w, &invited[1], "LeaveOrganization", json!({})).unwrap();
        let approval = received(&mut w, &mgmt, "APPROVE_ALL_FEATURES");
        assert_eq!(approval[0]["State"], "OPEN");
        // Ninety days later the whole request has expired and may start again.
        w.clock.advance(90 * super::DAY_MS);
        assert_eq!(
            accept(&mut w, &mgmt, &approval[0]),
            Err(("InvalidHandshakeTransitionException".into(), None))
        );
        let again = run(&mut w, &mgmt, "EnableAllFeatures", json!({})).unwrap();
        assert_eq!(again["Handshake"]["State"], "REQUESTED");
    }
}
