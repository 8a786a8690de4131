//! The organization's delegated administrator for GuardDuty, per region:
//! EnableOrganizationAdminAccount, DisableOrganizationAdminAccount,
//! ListOrganizationAdminAccounts (management account only).

use serde::{Deserialize, Serialize};

use super::errors::GdError;
use super::organizations_link::GuardDuty;
use super::{is_account_id, page, Empty};
use crate::auth::Caller;
use crate::services::org_integration::{self, AdminRefusal};
use crate::world::World;

/// The organization `account` administers for GuardDuty in `region`, if it does.
pub fn administered_org(world: &World, region: &str, account: &str) -> Option<String> {
    org_integration::administered_org::<GuardDuty>(world, region, account)
}

/// GuardDuty's words for the shared designation refusals.
fn refused(refusal: AdminRefusal) -> GdError {
    let reason = match refusal {
        AdminRefusal::NotInOrganization => {
            "the current account is not a member of an organization.".to_string()
        }
        AdminRefusal::NotManagementAccount { .. } => {
            "the current account is not the management account of the organization.".to_string()
        }
        AdminRefusal::NotMember { account, .. } => {
            format!("the account {account} is not a member of the organization.")
        }
        AdminRefusal::OtherAdminInRegion { .. } => {
            "an administrator account is already enabled for the organization in this Region."
                .to_string()
        }
        AdminRefusal::OtherAdminRegistered { .. } => {
            "another account is the delegated administrator for GuardDuty in AWS Organizations; use the same account in every Region.".to_string()
        }
        AdminRefusal::Organizations(e) => {
            // AWS does not document GuardDuty's wording here; Organizations' own
            // reason is the most telling.
            return GdError::bad(crate::api::ApiError::from(e).message);
        }
        AdminRefusal::NotAdmin { account } => format!(
            "the account {account} is not the administrator account of the organization in this Region."
        ),
    };
    GdError::bad(format!("The request is rejected because {reason}"))
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
    org_integration::enable_organization_admin::<GuardDuty>(world, caller, &admin)
        .map_err(refused)?;
    Ok(Empty {})
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
    org_integration::disable_organization_admin::<GuardDuty>(world, caller, &admin)
        .map_err(refused)?;
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
    let (admins, next_token) =
        org_integration::organization_admins::<GuardDuty, _>(world, caller, refused, |listing| {
            page(listing, input.max_results, &input.next_token, 50, 50)
        })?;
    Ok(ListOrganizationAdminAccountsOutput {
        admin_accounts: admins
            .into_iter()
            .map(|admin_account_id| AdminAccount {
                admin_account_id,
                admin_status: "ENABLED",
            })
            .collect(),
        next_token,
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
