//! Services acting on each other (DESIGN §5), through the real SDKs: GuardDuty follows
//! what happens in Organizations within the same call.

use aws_sdk_guardduty::types::AutoEnableMembers;
use aws_sdk_organizations::types::{HandshakeParty, HandshakePartyType};
use orgsim::Emulator;

use crate::common::{detector_of, guardduty, member_status, organization, orgs, MANAGEMENT};

const OUTSIDER: &str = "444455556666";
const GUARDDUTY: &str = "guardduty.amazonaws.com";

#[tokio::test]
async fn guardduty_follows_joins_leaves_and_delegation() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["Security", "Dev"])
        .guardduty_admin("Security")
        .build()
        .await;
    let (mgmt, security, dev) = (&org.mgmt, org.account("Security"), org.account("Dev"));

    // GuardDuty's designation is Organizations' delegation and trusted access.
    let admins = mgmt
        .list_delegated_administrators()
        .service_principal(GUARDDUTY)
        .send()
        .await
        .unwrap();
    assert_eq!(
        admins.delegated_administrators()[0].id(),
        Some(security.as_str())
    );
    let access = mgmt
        .list_aws_service_access_for_organization()
        .send()
        .await
        .unwrap();
    assert!(access
        .enabled_service_principals()
        .iter()
        .any(|p| p.service_principal() == Some(GUARDDUTY)));

    let sec_gd = guardduty(&emulator, &security);
    let admin_detector = detector_of(&sec_gd)
        .await
        .expect("the admin has a detector");
    sec_gd
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .send()
        .await
        .unwrap();
    assert!(
        (member_status(&sec_gd, &admin_detector, &dev)
            .await
            .as_deref()
            == Some("Enabled"))
    );

    // An invited account that accepts is enrolled within the AcceptHandshake call.
    let invitation = mgmt
        .invite_account_to_organization()
        .target(
            HandshakeParty::builder()
                .id(OUTSIDER)
                .r#type(HandshakePartyType::Account)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .handshake
        .unwrap();
    assert!(detector_of(&guardduty(&emulator, OUTSIDER)).await.is_none());
    orgs(&emulator, OUTSIDER)
        .accept_handshake()
        .handshake_id(invitation.id().unwrap())
        .send()
        .await
        .expect("AcceptHandshake");
    assert!(detector_of(&guardduty(&emulator, OUTSIDER)).await.is_some());
    assert!(
        (member_status(&sec_gd, &admin_detector, OUTSIDER)
            .await
            .as_deref()
            == Some("Enabled"))
    );

    // An account that leaves stops being a member (created accounts wait 7 days first).
    emulator.with_world(|w| w.clock.advance(8 * 24 * 3600 * 1000));
    mgmt.remove_account_from_organization()
        .account_id(&dev)
        .send()
        .await
        .expect("RemoveAccountFromOrganization");
    assert_ne!(
        member_status(&sec_gd, &admin_detector, &dev)
            .await
            .as_deref(),
        Some("Enabled")
    );

    // The delegated administrator cannot leave; deregistering it in Organizations ends
    // its GuardDuty administration.
    let e = mgmt
        .remove_account_from_organization()
        .account_id(&security)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_constraint_violation_exception(), "{e:?}");
    mgmt.deregister_delegated_administrator()
        .account_id(&security)
        .service_principal(GUARDDUTY)
        .send()
        .await
        .expect("DeregisterDelegatedAdministrator");
    let gd_admins = guardduty(&emulator, MANAGEMENT)
        .list_organization_admin_accounts()
        .send()
        .await
        .unwrap();
    assert!(gd_admins.admin_accounts().is_empty(), "{gd_admins:?}");
}
