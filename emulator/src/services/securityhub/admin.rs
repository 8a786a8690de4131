//! The organization's Security Hub administrator, per region:
//! EnableOrganizationAdminAccount, DisableOrganizationAdminAccount,
//! ListOrganizationAdminAccounts (management account only; Security Hub need not be
//! on in the management account).

use serde::{Deserialize, Serialize};

use super::errors::ShError;
use super::organizations_link::SecurityHub;
use super::{is_account_id, page, Empty};
use crate::api::ApiError;
use crate::auth::Caller;
use crate::services::org_integration::{self, AdminRefusal};
use crate::world::World;

/// The organization `account` administers for Security Hub in `region`, if any.
pub fn administered_org(world: &World, region: &str, account: &str) -> Option<String> {
    org_integration::administered_org::<SecurityHub>(world, region, account)
}

/// Security Hub's words and codes for the shared designation refusals.
fn refused(refusal: AdminRefusal, caller: &Caller) -> ShError {
    let caller_account = &caller.account_id;
    match refusal {
        AdminRefusal::NotInOrganization => ShError::invalid(format!(
            "Account {caller_account} is not part of an AWS organization"
        )),
        AdminRefusal::NotManagementAccount { org_id } => ShError::AccessDenied(format!(
            "Account {caller_account} is not the management account of organization {org_id}"
        )),
        AdminRefusal::NotMember { account, org_id } => ShError::invalid(format!(
            "Account {account} is not a member of organization {org_id}"
        )),
        AdminRefusal::OtherAdminInRegion { current } => ShError::invalid(format!(
            "Account {current} is already the Security Hub administrator account for the organization in this Region"
        )),
        // Not reached (Security Hub leaves this rule to Organizations), worded like
        // Organizations' own refusal.
        AdminRefusal::OtherAdminRegistered { registered } => ShError::invalid(format!(
            "Account {registered} is already the delegated administrator for Security Hub in AWS Organizations"
        )),
        AdminRefusal::Organizations(e) => ShError::invalid(ApiError::from(e).message),
        AdminRefusal::NotAdmin { account } => ShError::invalid(format!(
            "Account {account} is not the Security Hub administrator account of the organization in this Region"
        )),
    }
}

fn check_feature(feature: &Option<String>) -> Result<(), ShError> {
    match feature.as_deref() {
        None | Some("SecurityHub") => Ok(()),
        // Security Hub (v2) is not emulated; orgsim refuses its feature name.
        Some(other) => Err(ShError::invalid(format!("Unsupported Feature {other}"))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminAccountInput {
    pub admin_account_id: String,
    pub feature: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableOrganizationAdminAccountOutput {
    pub admin_account_id: String,
    pub feature: &'static str,
}

pub fn enable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    input: AdminAccountInput,
) -> Result<EnableOrganizationAdminAccountOutput, ShError> {
    let admin = input.admin_account_id;
    if !is_account_id(&admin) {
        return Err(ShError::invalid(format!("Invalid AdminAccountId {admin}")));
    }
    check_feature(&input.feature)?;
    org_integration::enable_organization_admin::<SecurityHub>(world, caller, &admin)
        .map_err(|r| refused(r, caller))?;
    Ok(EnableOrganizationAdminAccountOutput {
        admin_account_id: admin,
        feature: "SecurityHub",
    })
}

pub fn disable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    input: AdminAccountInput,
) -> Result<Empty, ShError> {
    let admin = input.admin_account_id;
    if !is_account_id(&admin) {
        return Err(ShError::invalid(format!("Invalid AdminAccountId {admin}")));
    }
    check_feature(&input.feature)?;
    org_integration::disable_organization_admin::<SecurityHub>(world, caller, &admin)
        .map_err(|r| refused(r, caller))?;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOrganizationAdminAccountsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub feature: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdminAccount {
    pub account_id: String,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOrganizationAdminAccountsOutput {
    pub admin_accounts: Vec<AdminAccount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub feature: &'static str,
}

pub fn list_organization_admin_accounts(
    world: &mut World,
    caller: &Caller,
    input: ListOrganizationAdminAccountsInput,
) -> Result<ListOrganizationAdminAccountsOutput, ShError> {
    check_feature(&input.feature)?;
    let (admins, next_token) = org_integration::organization_admins::<SecurityHub, _>(
        world,
        caller,
        |r| refused(r, caller),
        |listing| page(listing, input.max_results, &input.next_token, 10, 10),
    )?;
    Ok(ListOrganizationAdminAccountsOutput {
        admin_accounts: admins
            .into_iter()
            .map(|account_id| AdminAccount {
                account_id,
                status: "ENABLED",
            })
            .collect(),
        next_token,
        feature: "SecurityHub",
    })
}

#[cfg(test)]
mod tests {
    use super::super::organizations_link::SERVICE_PRINCIPAL;
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn designating_registers_in_organizations() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        let security = &accounts[0];
        let out = run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        assert_eq!(out["AdminAccountId"], security.as_str());
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.enabled_services.contains_key(SERVICE_PRINCIPAL));
        assert!(org.delegated_admins[security].contains_key(SERVICE_PRINCIPAL));
        let listed = run_ok(
            &mut w,
            MANAGEMENT,
            "ListOrganizationAdminAccounts",
            json!({}),
        );
        assert_eq!(
            listed["AdminAccounts"],
            json!([{"AccountId": security, "Status": "ENABLED"}])
        );
        // idempotent for the same account; another account is refused, here and
        // (through Organizations' single delegated administrator) in other regions
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        let other = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[1]}),
        );
        assert_eq!(error_of(other).0, "InvalidInputException");
        let mut eu = root_caller(MANAGEMENT);
        eu.region = "eu-west-1".into();
        let elsewhere = run(
            &mut w,
            &eu,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[1]}),
        );
        assert_eq!(error_of(elsewhere).0, "InvalidInputException");
        run_in(
            &mut w,
            MANAGEMENT,
            "eu-west-1",
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        // disabling in one region keeps the Organizations registration for the other
        run_ok(
            &mut w,
            MANAGEMENT,
            "DisableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.delegated_admins.contains_key(security));
        run_in(
            &mut w,
            MANAGEMENT,
            "eu-west-1",
            "DisableOrganizationAdminAccount",
            json!({"AdminAccountId": security}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(!org.delegated_admins.contains_key(security));
        assert!(
            org.enabled_services.contains_key(SERVICE_PRINCIPAL),
            "trusted access stays on"
        );
    }

    #[test]
    fn only_the_management_account_and_only_members() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let by_member = run(
            &mut w,
            &root_caller(&accounts[0]),
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[0]}),
        );
        assert_eq!(error_of(by_member).0, "AccessDeniedException");
        let outsider = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": "999999999999"}),
        );
        assert_eq!(error_of(outsider).0, "InvalidInputException");
        let malformed = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": "12"}),
        );
        assert_eq!(error_of(malformed).0, "InvalidInputException");
        let listed = run(
            &mut w,
            &root_caller(&accounts[0]),
            "ListOrganizationAdminAccounts",
            json!({}),
        );
        assert_eq!(error_of(listed).0, "AccessDeniedException");
        let not_admin = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "DisableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[0]}),
        );
        assert_eq!(error_of(not_admin).0, "InvalidInputException");
        // the management account may administer itself; Organizations does not record it
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": MANAGEMENT}),
        );
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.delegated_admins.is_empty());
    }
}
