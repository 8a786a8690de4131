//! Handshakes, the all-features migration, leaving and closing accounts, through the
//! real SDK: the workshop flow and the documented failures as typed errors.

use aws_sdk_organizations::operation::accept_handshake::AcceptHandshakeError;
use aws_sdk_organizations::operation::close_account::CloseAccountError;
use aws_sdk_organizations::operation::enable_all_features::EnableAllFeaturesError;
use aws_sdk_organizations::operation::invite_account_to_organization::InviteAccountToOrganizationError;
use aws_sdk_organizations::operation::leave_organization::LeaveOrganizationError;
use aws_sdk_organizations::operation::remove_account_from_organization::RemoveAccountFromOrganizationError;
use aws_sdk_organizations::types::{
    AccountJoinedMethod, AccountState, AccountStatus, ActionType,
    ConstraintViolationExceptionReason, Handshake, HandshakeConstraintViolationExceptionReason,
    HandshakeFilter, HandshakeParty, HandshakePartyType, HandshakeResourceType, HandshakeState,
    InvalidInputExceptionReason, OrganizationFeatureSet, PolicyTypeStatus,
};
use aws_sdk_organizations::Client;
use orgsim::{Emulator, Settings};

use crate::common::{create_account, orgs, MANAGEMENT};

const GUEST: &str = "222222222222";
const DAY_MS: i64 = 86_400_000;

fn account(id: &str) -> HandshakeParty {
    HandshakeParty::builder()
        .id(id)
        .r#type(HandshakePartyType::Account)
        .build()
        .expect("party")
}

async fn invite(mgmt: &Client, id: &str) -> Handshake {
    mgmt.invite_account_to_organization()
        .target(account(id))
        .send()
        .await
        .unwrap_or_else(|e| panic!("InviteAccountToOrganization {id}: {e:?}"))
        .handshake
        .expect("handshake")
}

async fn accept(client: &Client, handshake: &Handshake) -> Handshake {
    client
        .accept_handshake()
        .handshake_id(handshake.id().expect("id"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("AcceptHandshake: {e:?}"))
        .handshake
        .expect("handshake")
}

async fn received(client: &Client, action: ActionType) -> Vec<Handshake> {
    client
        .list_handshakes_for_account()
        .filter(HandshakeFilter::builder().action_type(action).build())
        .send()
        .await
        .expect("ListHandshakesForAccount")
        .handshakes
        .unwrap_or_default()
}

fn handshake_reason(
    e: InviteAccountToOrganizationError,
) -> HandshakeConstraintViolationExceptionReason {
    match e {
        InviteAccountToOrganizationError::HandshakeConstraintViolationException(inner) => {
            inner.reason().cloned().expect("reason")
        }
        other => panic!("expected HandshakeConstraintViolationException, got {other:?}"),
    }
}

#[tokio::test]
async fn workshop_invite_accept_and_enable_all_features() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    let org = mgmt
        .create_organization()
        .feature_set(OrganizationFeatureSet::ConsolidatedBilling)
        .send()
        .await
        .expect("CreateOrganization")
        .organization
        .unwrap();
    let org_id = org.id().unwrap().to_string();

    // Invite an existing account by id; it accepts with its own credentials.
    let invitation = invite(&mgmt, GUEST).await;
    assert_eq!(
        invitation.action(),
        Some(&ActionType::InviteAccountToOrganization)
    );
    assert_eq!(invitation.state(), Some(&HandshakeState::Open));
    let id = invitation.id().unwrap();
    assert_eq!(
        invitation.arn(),
        Some(
            format!("arn:aws:organizations::{MANAGEMENT}:handshake/{org_id}/invite/{id}").as_str()
        )
    );
    let parties: Vec<_> = invitation
        .parties()
        .iter()
        .map(|p| (p.id().to_string(), p.r#type().clone()))
        .collect();
    assert_eq!(
        parties,
        [
            (org_id.clone(), HandshakePartyType::Organization),
            (GUEST.to_string(), HandshakePartyType::Account)
        ]
    );
    let resources = invitation.resources();
    assert_eq!(
        resources[0].r#type(),
        Some(&HandshakeResourceType::Organization)
    );
    assert_eq!(
        resources[0].resources()[2].r#type(),
        Some(&HandshakeResourceType::OrganizationFeatureSet)
    );
    let guest = orgs(&emulator, GUEST);
    let waiting = received(&guest, ActionType::InviteAccountToOrganization).await;
    assert_eq!(waiting[0].id(), Some(id));
    let accepted = accept(&guest, &invitation).await;
    assert_eq!(accepted.state(), Some(&HandshakeState::Accepted));
    let member = mgmt
        .describe_account()
        .account_id(GUEST)
        .send()
        .await
        .unwrap()
        .account
        .unwrap();
    assert_eq!(member.joined_method(), Some(&AccountJoinedMethod::Invited));

    // Enable all features: the invited member approves, then the management account.
    let request = mgmt
        .enable_all_features()
        .send()
        .await
        .expect("EnableAllFeatures")
        .handshake
        .unwrap();
    assert_eq!(request.action(), Some(&ActionType::EnableAllFeatures));
    assert_eq!(request.state(), Some(&HandshakeState::Requested));
    assert!(received(&mgmt, ActionType::ApproveAllFeatures)
        .await
        .is_empty());
    let asked = received(&guest, ActionType::EnableAllFeatures).await;
    assert_eq!(asked.len(), 1);
    accept(&guest, &asked[0]).await;
    let approval = received(&mgmt, ActionType::ApproveAllFeatures).await;
    assert_eq!(approval.len(), 1);
    let done = accept(&mgmt, &approval[0]).await;
    assert_eq!(done.state(), Some(&HandshakeState::Accepted));

    let org = mgmt
        .describe_organization()
        .send()
        .await
        .unwrap()
        .organization
        .unwrap();
    assert_eq!(org.feature_set(), Some(&OrganizationFeatureSet::All));
    let roots = mgmt.list_roots().send().await.unwrap();
    let types = roots.roots()[0].policy_types();
    assert_eq!(types.len(), 1);
    assert_eq!(
        types[0].r#type().map(|t| t.as_str()),
        Some("SERVICE_CONTROL_POLICY")
    );
    assert_eq!(types[0].status(), Some(&PolicyTypeStatus::Enabled));
    let request = mgmt
        .describe_handshake()
        .handshake_id(request.id().unwrap())
        .send()
        .await
        .unwrap()
        .handshake
        .unwrap();
    assert_eq!(request.state(), Some(&HandshakeState::Accepted));
}

#[tokio::test]
async fn handshake_errors_are_typed() {
    let emulator = Emulator::start();
    emulator.with_world(|w| w.clock.pinned_ms = Some(1_800_000_000_000));
    let mgmt = orgs(&emulator, MANAGEMENT);
    let guest = orgs(&emulator, GUEST);
    mgmt.create_organization()
        .feature_set(OrganizationFeatureSet::ConsolidatedBilling)
        .send()
        .await
        .unwrap();

    let e = mgmt
        .invite_account_to_organization()
        .target(
            HandshakeParty::builder()
                .id("o-abcdefghij")
                .r#type(HandshakePartyType::Organization)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        InviteAccountToOrganizationError::InvalidInputException(inner) => {
            assert_eq!(
                inner.reason(),
                Some(&InvalidInputExceptionReason::InvalidPartyTypeTarget)
            )
        }
        other => panic!("{other:?}"),
    }
    let e = mgmt
        .invite_account_to_organization()
        .target(account(MANAGEMENT))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        handshake_reason(e),
        HandshakeConstraintViolationExceptionReason::AlreadyInAnOrganization
    );

    let first = invite(&mgmt, GUEST).await;
    let e = mgmt
        .invite_account_to_organization()
        .target(account(GUEST))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_handshake_exception(), "{e:?}");

    // The recipient cannot cancel; the sender cannot accept or decline.
    let e = guest
        .cancel_handshake()
        .handshake_id(first.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let e = mgmt
        .decline_handshake()
        .handshake_id(first.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    // Fifteen days later the invitation has expired, by the world's clock.
    emulator.with_world(|w| w.clock.advance(15 * DAY_MS));
    let expired = guest
        .describe_handshake()
        .handshake_id(first.id().unwrap())
        .send()
        .await
        .unwrap()
        .handshake
        .unwrap();
    assert_eq!(expired.state(), Some(&HandshakeState::Expired));
    let e = guest
        .accept_handshake()
        .handshake_id(first.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_handshake_transition_exception(), "{e:?}");

    // Decline, then the state cannot change again.
    let second = invite(&mgmt, GUEST).await;
    let declined = guest
        .decline_handshake()
        .handshake_id(second.id().unwrap())
        .send()
        .await
        .unwrap()
        .handshake
        .unwrap();
    assert_eq!(declined.state(), Some(&HandshakeState::Declined));
    let e = guest
        .decline_handshake()
        .handshake_id(second.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_handshake_already_in_state_exception(), "{e:?}");
    let e = mgmt
        .cancel_handshake()
        .handshake_id(second.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_handshake_transition_exception(), "{e:?}");

    // Cancel, then accepting is refused.
    let third = invite(&mgmt, GUEST).await;
    let cancelled = mgmt
        .cancel_handshake()
        .handshake_id(third.id().unwrap())
        .send()
        .await
        .unwrap()
        .handshake
        .unwrap();
    assert_eq!(cancelled.state(), Some(&HandshakeState::Canceled));
    let e = guest
        .accept_handshake()
        .handshake_id(third.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            e,
            AcceptHandshakeError::InvalidHandshakeTransitionException(_)
        ),
        "{e:?}"
    );
    let e = orgs(&emulator, "999999999999")
        .describe_handshake()
        .handshake_id(third.id().unwrap())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_handshake_not_found_exception(), "{e:?}");
    let sent = mgmt
        .list_handshakes_for_organization()
        .filter(
            HandshakeFilter::builder()
                .action_type(ActionType::InviteAccountToOrganization)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(sent.handshakes().len(), 3);

    // During the migration invitations are disabled and a second request refused.
    mgmt.enable_all_features().send().await.unwrap();
    let e = mgmt
        .invite_account_to_organization()
        .target(account("333333333333"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        handshake_reason(e),
        HandshakeConstraintViolationExceptionReason::InviteDisabledDuringEnableAllFeatures
    );
    let e = mgmt
        .enable_all_features()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        EnableAllFeaturesError::HandshakeConstraintViolationException(inner) => assert_eq!(
            inner.reason(),
            Some(&HandshakeConstraintViolationExceptionReason::OrganizationIsAlreadyPendingAllFeaturesMigration)
        ),
        other => panic!("{other:?}"),
    }
    let approval = received(&mgmt, ActionType::ApproveAllFeatures).await;
    accept(&mgmt, &approval[0]).await;
    let e = mgmt
        .enable_all_features()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        EnableAllFeaturesError::HandshakeConstraintViolationException(inner) => assert_eq!(
            inner.reason(),
            Some(&HandshakeConstraintViolationExceptionReason::OrganizationAlreadyHasAllFeatures)
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn invitations_count_toward_the_account_quota() {
    let mut settings = Settings::default();
    settings.quotas.accounts_per_organization = 2;
    let emulator = Emulator::start_with(settings);
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.unwrap();
    invite(&mgmt, GUEST).await;
    let e = mgmt
        .invite_account_to_organization()
        .target(account("333333333333"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        handshake_reason(e),
        HandshakeConstraintViolationExceptionReason::AccountNumberLimitExceeded
    );
}

#[tokio::test]
async fn leave_remove_and_close_accounts() {
    let emulator = Emulator::start_with(Settings {
        close_account_delay_ms: 60_000,
        ..Settings::default()
    });
    emulator.with_world(|w| w.clock.pinned_ms = Some(1_800_000_000_000));
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.unwrap();
    let guest = orgs(&emulator, GUEST);
    let invitation = invite(&mgmt, GUEST).await;
    accept(&guest, &invitation).await;

    // The management account can neither leave nor be removed.
    let e = mgmt
        .leave_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_master_cannot_leave_organization_exception(), "{e:?}");
    let e = mgmt
        .remove_account_from_organization()
        .account_id(MANAGEMENT)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_master_cannot_leave_organization_exception(), "{e:?}");

    // A delegated administrator cannot leave.
    let org_id = emulator.with_world(|w| {
        let org_id = w.organizations.membership[GUEST].clone();
        let org = w
            .organizations
            .organizations
            .get_mut(org_id.as_str())
            .unwrap();
        let services = std::iter::once(("config.amazonaws.com".to_string(), 0)).collect();
        org.delegated_admins.insert(GUEST.to_string(), services);
        org_id
    });
    let e = guest
        .leave_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        LeaveOrganizationError::ConstraintViolationException(inner) => assert_eq!(
            inner.reason(),
            Some(&ConstraintViolationExceptionReason::CannotRemoveDelegatedAdministratorFromOrg)
        ),
        other => panic!("{other:?}"),
    }
    emulator.with_world(|w| {
        let org = w
            .organizations
            .organizations
            .get_mut(org_id.as_str())
            .unwrap();
        org.delegated_admins.remove(GUEST);
    });
    guest
        .leave_organization()
        .send()
        .await
        .expect("LeaveOrganization");
    let e = guest
        .describe_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_aws_organizations_not_in_use_exception(), "{e:?}");
    let e = mgmt
        .describe_account()
        .account_id(GUEST)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");

    // A created account waits out its first days before it can be removed.
    let created = create_account(&mgmt, "made@example.com", "Made").await;
    let created = created.account_id().unwrap().to_string();
    let e = mgmt
        .remove_account_from_organization()
        .account_id(&created)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        RemoveAccountFromOrganizationError::ConstraintViolationException(inner) => {
            assert_eq!(
                inner.reason(),
                Some(&ConstraintViolationExceptionReason::WaitPeriodActive)
            )
        }
        other => panic!("{other:?}"),
    }
    let e = mgmt
        .remove_account_from_organization()
        .account_id("999999999999")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");

    // Closing: PENDING_CLOSURE, then SUSPENDED; still listed.
    mgmt.close_account()
        .account_id(&created)
        .send()
        .await
        .expect("CloseAccount");
    let closing = mgmt
        .describe_account()
        .account_id(&created)
        .send()
        .await
        .unwrap()
        .account
        .unwrap();
    assert_eq!(closing.state(), Some(&AccountState::PendingClosure));
    assert_eq!(closing.status(), Some(&AccountStatus::PendingClosure));
    emulator.with_world(|w| w.clock.advance(60_000));
    let closed = mgmt
        .describe_account()
        .account_id(&created)
        .send()
        .await
        .unwrap()
        .account
        .unwrap();
    assert_eq!(closed.state(), Some(&AccountState::Suspended));
    assert_eq!(closed.status(), Some(&AccountStatus::Suspended));
    let e = mgmt
        .close_account()
        .account_id(&created)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_already_closed_exception(), "{e:?}");
    let e = mgmt
        .close_account()
        .account_id(MANAGEMENT)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        CloseAccountError::ConstraintViolationException(inner) => assert_eq!(
            inner.reason(),
            Some(&ConstraintViolationExceptionReason::CannotCloseManagementAccount)
        ),
        other => panic!("{other:?}"),
    }
    let listed = mgmt.list_accounts().send().await.unwrap();
    assert_eq!(listed.accounts().len(), 2);

    // After the wait period the (suspended) created account can be removed.
    emulator.with_world(|w| w.clock.advance(7 * DAY_MS));
    mgmt.remove_account_from_organization()
        .account_id(&created)
        .send()
        .await
        .expect("RemoveAccountFromOrganization");
    let listed = mgmt.list_accounts().send().await.unwrap();
    assert_eq!(listed.accounts().len(), 1);
}
