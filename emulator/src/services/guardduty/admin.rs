//! The organization's delegated administrator for GuardDuty, per region:
//! EnableOrganizationAdminAccount, DisableOrganizationAdminAccount,
//! ListOrganizationAdminAccounts (management account only).

use serde::{Deserialize, Serialize};

use super::detectors::ensure_detector;
use super::errors::GdError;
use super::model::OrgConfig;
use super::organizations_link::{deregister_admin, register_admin, registered_admin};
use super::{is_account_id, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::model::Organization;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// The organization `account` administers for GuardDuty in `region`, if it does.
pub fn administered_org(world: &World, region: &str, account: &str) -> Option<String> {
    let org = world.organizations.organization_of(account)?;
    (world.guardduty.org_admin(region, &org.id) == Some(account)).then(|| org.id.clone())
}

/// The caller's organization, if the caller is its management account.
fn managed_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, GdError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            GdError::bad("The request is rejected because the current account is not a member of an organization.")
        })?;
    if org.management_account_id != caller.account_id {
        return Err(GdError::bad(
            "The request is rejected because the current account is not the management account of the organization.",
        ));
    }
    Ok(org)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminAccountInput {
    pub admin_account_id: String,
}

pub fn enable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    input: AdminAccountInput,
) -> Result<Empty, GdError> {
    let admin = input.admin_account_id;
    if !is_account_id(&admin) {
        return Err(GdError::invalid_parameter("adminAccountId"));
    }
    let org = managed_org(world, caller)?;
    if !org.members.contains_key(&admin) {
        return Err(GdError::bad(format!(
            "The request is rejected because the account {admin} is not a member of the organization."
        )));
    }
    let org_id = org.id.clone();
    match world.guardduty.org_admin(&caller.region, &org_id) {
        Some(current) if current == admin => return Ok(Empty {}),
        Some(_) => {
            return Err(GdError::bad(
                "The request is rejected because an administrator account is already enabled for the organization in this Region.",
            ))
        }
        None => {}
    }
    if registered_admin(world, &org_id).is_some_and(|a| a != admin) {
        return Err(GdError::bad(
            "The request is rejected because another account is the delegated administrator for GuardDuty in AWS Organizations; use the same account in every Region.",
        ));
    }
    let now = world.clock.now_ms();
    register_admin(world, &org_id, &admin, now);
    world
        .guardduty
        .regions
        .entry(caller.region.clone())
        .or_default()
        .org_admins
        .insert(org_id, admin.clone());
    // GuardDuty is turned on in the administrator, in this region only.
    ensure_detector(world, &admin, &caller.region);
    Ok(Empty {})
}

/// Ends `org_id`'s delegated administrator in `region`: the organization's members
/// are no longer associated (their detectors stay) and the configuration is reset.
pub fn remove_org_admin(world: &mut World, region: &str, org_id: &str) {
    let Some(admin) = world
        .guardduty
        .regions
        .get_mut(region)
        .and_then(|r| r.org_admins.remove(org_id))
    else {
        return;
    };
    let Some(detector) = world
        .guardduty
        .account(region, &admin)
        .and_then(|a| a.detector.as_ref())
    else {
        return;
    };
    let org_members: Vec<String> = detector
        .members
        .values()
        .filter(|m| m.via_organization)
        .map(|m| m.account_id.clone())
        .collect();
    for member in &org_members {
        let state = world.guardduty.account_mut(region, member);
        if state.administrator.as_deref() == Some(admin.as_str()) {
            state.administrator = None;
        }
    }
    let detector = world.guardduty.detector_mut(region, &admin);
    for member in &org_members {
        detector.members.remove(member);
    }
    detector.org_config = OrgConfig::default();
}

pub fn disable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    input: AdminAccountInput,
) -> Result<Empty, GdError> {
    let admin = input.admin_account_id;
    if !is_account_id(&admin) {
        return Err(GdError::invalid_parameter("adminAccountId"));
    }
    let org_id = managed_org(world, caller)?.id.clone();
    if world.guardduty.org_admin(&caller.region, &org_id) != Some(admin.as_str()) {
        return Err(GdError::bad(format!(
            "The request is rejected because the account {admin} is not the administrator account of the organization in this Region."
        )));
    }
    remove_org_admin(world, &caller.region, &org_id);
    let admin_elsewhere = world
        .guardduty
        .regions
        .values()
        .any(|r| r.org_admins.get(&org_id) == Some(&admin));
    if !admin_elsewhere {
        deregister_admin(world, &org_id, &admin);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationAdminAccountsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdminAccount {
    pub admin_account_id: String,
    pub admin_status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationAdminAccountsOutput {
    pub admin_accounts: Vec<AdminAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_organization_admin_accounts(
    world: &mut World,
    caller: &Caller,
    input: ListOrganizationAdminAccountsInput,
) -> Result<ListOrganizationAdminAccountsOutput, GdError> {
    let org_id = managed_org(world, caller)?.id.clone();
    let listing = format!("ListOrganizationAdminAccounts {org_id}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let admins = world
        .guardduty
        .org_admin(&caller.region, &org_id)
        .map(String::from)
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|after| a > after));
    let (admins, next) = take_page(admins, max, |a| a.clone());
    Ok(ListOrganizationAdminAccountsOutput {
        admin_accounts: admins
            .into_iter()
            .map(|admin_account_id| AdminAccount {
                admin_account_id,
                admin_status: "ENABLED",
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::organizations_link::SERVICE_PRINCIPAL;
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn enabling_registers_in_organizations_and_gives_a_detector() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        let security = &accounts[0];
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.enabled_services.contains_key(SERVICE_PRINCIPAL));
        assert!(org.delegated_admins[security].contains_key(SERVICE_PRINCIPAL));
        assert!(w.guardduty.detector("us-east-1", security).is_some());
        assert!(
            w.guardduty.detector("eu-west-1", security).is_none(),
            "this region only"
        );
        let listed = run_ok(
            &mut w,
            MANAGEMENT,
            "ListOrganizationAdminAccounts",
            json!({}),
        );
        assert_eq!(
            listed["adminAccounts"],
            json!([{"adminAccountId": security, "adminStatus": "ENABLED"}])
        );
        // idempotent for the same account, refused for another
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let other = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": accounts[1]}),
        );
        assert_eq!(error_of(other).0, "BadRequestException");
    }

    #[test]
    fn only_the_management_account_and_only_members() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let by_member = run(
            &mut w,
            &root_caller(&accounts[0]),
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": accounts[0]}),
        );
        assert_eq!(error_of(by_member).0, "BadRequestException");
        let outsider = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": "999999999999"}),
        );
        assert_eq!(error_of(outsider).0, "BadRequestException");
        let listed = run(
            &mut w,
            &root_caller(&accounts[0]),
            "ListOrganizationAdminAccounts",
            json!({}),
        );
        assert_eq!(error_of(listed).0, "BadRequestException");
    }

    #[test]
    fn disabling_deregisters_and_releases_members() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        let security = accounts[0].clone();
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let detector = detector_id(&w, &security);
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "ALL"}),
        );
        assert_eq!(
            w.guardduty.administrator_of("us-east-1", &accounts[1]),
            Some(security.as_str())
        );
        let wrong = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "DisableOrganizationAdminAccount",
            json!({"adminAccountId": accounts[1]}),
        );
        assert_eq!(error_of(wrong).0, "BadRequestException");
        run_ok(
            &mut w,
            MANAGEMENT,
            "DisableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(!org.delegated_admins.contains_key(&security));
        assert!(
            org.enabled_services.contains_key(SERVICE_PRINCIPAL),
            "trusted access stays on"
        );
        assert_eq!(
            w.guardduty.administrator_of("us-east-1", &accounts[1]),
            None
        );
        assert!(
            w.guardduty.detector("us-east-1", &accounts[1]).is_some(),
            "member keeps its detector"
        );
        let listed = run_ok(
            &mut w,
            MANAGEMENT,
            "ListOrganizationAdminAccounts",
            json!({}),
        );
        assert_eq!(listed["adminAccounts"], json!([]));
    }
}
