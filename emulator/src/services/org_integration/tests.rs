//! The shared mechanics, through the two services built on them: what one service's
//! tests already show for it is shown here for the other, and the rules where the
//! services are configured differently.

use serde_json::{json, Value};

use super::{admins_of, enroll, Enrollment, OrgIntegrated};
use crate::api::ApiError;
use crate::auth::Caller;
use crate::events::{self, OrgEvent};
use crate::services::guardduty::model::AutoEnable;
use crate::services::guardduty::organizations_link::GuardDuty;
use crate::services::guardduty::test_support::{
    create_org_account, detector_id, org_call, org_with_accounts, MANAGEMENT,
};
use crate::services::organizations::test_support::{root_caller, world};
use crate::services::securityhub::organizations_link::SecurityHub;
use crate::services::{guardduty, securityhub};
use crate::world::World;

const EU: &str = "eu-west-1";
const US: &str = "us-east-1";

fn caller_in(account: &str, region: &str) -> Caller {
    let mut caller = root_caller(account);
    caller.region = region.to_string();
    caller
}

fn gd(world: &mut World, account: &str, region: &str, op: &str, input: Value) -> Value {
    gd_try(world, account, region, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn gd_try(
    world: &mut World,
    account: &str,
    region: &str,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    guardduty::test_support::run(world, &caller_in(account, region), op, input)
}

fn sh(world: &mut World, account: &str, region: &str, op: &str, input: Value) -> Value {
    securityhub::test_support::run(world, &caller_in(account, region), op, input)
        .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn org_id(world: &World) -> String {
    world
        .organizations
        .organization_of(MANAGEMENT)
        .unwrap()
        .id
        .clone()
}

/// GuardDuty's administrator `security` in both regions, enrolling ALL accounts.
fn guardduty_in_two_regions(world: &mut World, security: &str) {
    for region in [US, EU] {
        gd(
            world,
            MANAGEMENT,
            region,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let detector = world
            .guardduty
            .detector(region, security)
            .unwrap()
            .id
            .clone();
        gd(
            world,
            security,
            region,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "ALL"}),
        );
    }
}

/// Security Hub's administrator `security` in both regions, with AutoEnable on.
fn security_hub_in_two_regions(world: &mut World, security: &str) {
    for region in [US, EU] {
        sh(
            world,
            MANAGEMENT,
            region,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        sh(world, security, region, "EnableSecurityHub", json!({}));
        sh(
            world,
            security,
            region,
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": true}),
        );
    }
}

#[test]
fn deregistering_in_organizations_ends_the_administration_in_every_region() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 2);
    let (security, dev) = (&accounts[0], &accounts[1]);
    guardduty_in_two_regions(&mut w, security);
    security_hub_in_two_regions(&mut w, security);
    let joiner = create_org_account(&mut w, 5);
    for region in [US, EU] {
        assert_eq!(
            w.guardduty.administrator_of(region, dev),
            Some(security.as_str())
        );
        assert_eq!(
            w.securityhub.administrator_of(region, &joiner),
            Some(security.as_str())
        );
    }
    for principal in [GuardDuty::SERVICE_PRINCIPAL, SecurityHub::SERVICE_PRINCIPAL] {
        org_call(
            &mut w,
            MANAGEMENT,
            "DeregisterDelegatedAdministrator",
            json!({"AccountId": security, "ServicePrincipal": principal}),
        );
    }
    let org = org_id(&w);
    assert_eq!(admins_of::<GuardDuty>(&w, &org), vec![]);
    assert_eq!(admins_of::<SecurityHub>(&w, &org), vec![]);
    for region in [US, EU] {
        assert_eq!(w.guardduty.administrator_of(region, dev), None);
        assert!(
            w.guardduty.detector(region, dev).is_some(),
            "keeps GuardDuty"
        );
        let admin_detector = w.guardduty.detector(region, security).unwrap();
        assert!(admin_detector.members.is_empty());
        assert_eq!(admin_detector.org_config.auto_enable, AutoEnable::None);
        assert_eq!(w.securityhub.administrator_of(region, &joiner), None);
        assert!(
            w.securityhub.hub(region, &joiner).is_some(),
            "keeps Security Hub"
        );
        assert!(
            !w.securityhub
                .hub(region, security)
                .unwrap()
                .org_config
                .auto_enable
        );
    }
}

#[test]
fn an_administrator_that_leaves_stops_administering_and_leavers_stop_being_members() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    let (security, dev, prod) = (&accounts[0], &accounts[1], &accounts[2]);
    security_hub_in_two_regions(&mut w, security);
    let joiner = create_org_account(&mut w, 5);
    let org = org_id(&w);
    events::publish(
        &mut w,
        &OrgEvent::AccountLeft {
            organization_id: org.clone(),
            account_id: joiner.clone(),
        },
    );
    for region in [US, EU] {
        assert_eq!(w.securityhub.administrator_of(region, &joiner), None);
        assert!(!w
            .securityhub
            .hub(region, security)
            .unwrap()
            .members
            .contains_key(&joiner));
    }
    // The administrator itself leaving (Organizations refuses to remove a registered
    // one, so the event is published directly).
    guardduty_in_two_regions(&mut w, security);
    assert_eq!(
        w.guardduty.administrator_of(EU, prod),
        Some(security.as_str())
    );
    events::publish(
        &mut w,
        &OrgEvent::AccountLeft {
            organization_id: org.clone(),
            account_id: security.clone(),
        },
    );
    assert_eq!(admins_of::<GuardDuty>(&w, &org), vec![]);
    assert_eq!(admins_of::<SecurityHub>(&w, &org), vec![]);
    assert_eq!(w.guardduty.administrator_of(EU, prod), None);
    assert_eq!(w.guardduty.administrator_of(US, dev), None);
}

#[test]
fn guardduty_designation_needs_all_features_as_organizations_does() {
    let mut w = world();
    org_call(
        &mut w,
        MANAGEMENT,
        "CreateOrganization",
        json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
    );
    let security = create_org_account(&mut w, 1);
    let refused = gd_try(
        &mut w,
        MANAGEMENT,
        US,
        "EnableOrganizationAdminAccount",
        json!({"adminAccountId": security}),
    )
    .expect_err("consolidated billing only");
    assert_eq!(refused.code, "BadRequestException");
    assert!(
        refused.message.contains("all features"),
        "{}",
        refused.message
    );
    let org = w.organizations.organization_of(MANAGEMENT).unwrap();
    assert!(org.enabled_services.is_empty() && org.delegated_admins.is_empty());
    assert!(w.guardduty.detector(US, &security).is_none());
}

#[test]
fn the_management_account_serves_another_region_only_where_the_service_allows() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 1);
    let security = &accounts[0];
    gd(
        &mut w,
        MANAGEMENT,
        US,
        "EnableOrganizationAdminAccount",
        json!({"adminAccountId": security}),
    );
    let refused = gd_try(
        &mut w,
        MANAGEMENT,
        EU,
        "EnableOrganizationAdminAccount",
        json!({"adminAccountId": MANAGEMENT}),
    )
    .expect_err("GuardDuty: the same account in every region");
    assert!(refused.message.contains("same account in every Region"));
    sh(
        &mut w,
        MANAGEMENT,
        US,
        "EnableOrganizationAdminAccount",
        json!({"AdminAccountId": security}),
    );
    sh(
        &mut w,
        MANAGEMENT,
        EU,
        "EnableOrganizationAdminAccount",
        json!({"AdminAccountId": MANAGEMENT}),
    );
    let org = org_id(&w);
    assert_eq!(
        admins_of::<SecurityHub>(&w, &org),
        vec![
            (EU.to_string(), MANAGEMENT.to_string()),
            (US.to_string(), security.clone())
        ]
    );
}

#[test]
fn enrollment_skips_other_administrators_members_and_keeps_invited_ones() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    let (security, dev, prod) = (&accounts[0], &accounts[1], &accounts[2]);
    gd(
        &mut w,
        MANAGEMENT,
        US,
        "EnableOrganizationAdminAccount",
        json!({"adminAccountId": security}),
    );
    GuardDuty::set_administrator(&mut w, US, prod, Some("999999999999"));
    enroll::<GuardDuty>(&mut w, US, security, prod, Enrollment::AutoEnable);
    enroll::<GuardDuty>(&mut w, US, security, dev, Enrollment::AutoEnable);
    assert_eq!(w.guardduty.administrator_of(US, prod), Some("999999999999"));
    assert!(w.guardduty.detector(US, prod).is_none(), "left alone");
    assert_eq!(
        w.guardduty.administrator_of(US, dev),
        Some(security.as_str())
    );
    // An outside account added by the administrator is invited, not enrolled, and
    // stays a member when the organization's administration ends.
    let detector = detector_id(&w, security);
    gd(
        &mut w,
        security,
        US,
        "CreateMembers",
        json!({"DetectorId": detector, "accountDetails": [{"accountId": "444455556666", "email": "o@example.com"}]}),
    );
    gd(
        &mut w,
        MANAGEMENT,
        US,
        "DisableOrganizationAdminAccount",
        json!({"adminAccountId": security}),
    );
    let members = &w.guardduty.detector(US, security).unwrap().members;
    assert_eq!(members.keys().collect::<Vec<_>>(), vec!["444455556666"]);
    assert_eq!(w.guardduty.administrator_of(US, dev), None);
}
