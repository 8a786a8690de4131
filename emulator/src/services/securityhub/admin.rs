//! The organization's Security Hub administrator, per region:
//! EnableOrganizationAdminAccount, DisableOrganizationAdminAccount,
//! ListOrganizationAdminAccounts (management account only; Security Hub need not be
//! on in the management account).

use serde::{Deserialize, Serialize};

use super::errors::ShError;
use super::model::OrgConfig;
use super::organizations_link::{check_register, deregister_admin, register_admin};
use super::{is_account_id, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::model::Organization;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// The organization `account` administers for Security Hub in `region`, if any.
pub fn administered_org(world: &World, region: &str, account: &str) -> Option<String> {
    let org = world.organizations.organization_of(account)?;
    (world.securityhub.org_admin(region, &org.id) == Some(account)).then(|| org.id.clone())
}

/// The caller's organization, if the caller is its management account.
fn managed_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, ShError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            ShError::invalid(format!(
                "Account {} is not part of an AWS organization",
                caller.account_id
            ))
        })?;
    if org.management_account_id != caller.account_id {
        return Err(ShError::AccessDenied(format!(
            "Account {} is not the management account of organization {}",
            caller.account_id, org.id
        )));
    }
    Ok(org)
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
    let org = managed_org(world, caller)?;
    if !org.members.contains_key(&admin) {
        return Err(ShError::invalid(format!(
            "Account {admin} is not a member of organization {}",
            org.id
        )));
    }
    let org_id = org.id.clone();
    let output = EnableOrganizationAdminAccountOutput {
        admin_account_id: admin.clone(),
        feature: "SecurityHub",
    };
    match world.securityhub.org_admin(&caller.region, &org_id) {
        Some(current) if current == admin => return Ok(output),
        Some(current) => {
            return Err(ShError::invalid(format!(
                "Account {current} is already the Security Hub administrator account for the organization in this Region"
            )))
        }
        None => {}
    }
    check_register(org, &admin)?;
    let now = world.clock.now_ms();
    register_admin(world, &org_id, &admin, now);
    world
        .securityhub
        .regions
        .entry(caller.region.clone())
        .or_default()
        .org_admins
        .insert(org_id, admin);
    Ok(output)
}

/// Ends `org_id`'s administrator in `region`: the organization's members are no
/// longer associated (they keep Security Hub) and the configuration is reset.
pub fn remove_org_admin(world: &mut World, region: &str, org_id: &str) {
    let Some(admin) = world
        .securityhub
        .regions
        .get_mut(region)
        .and_then(|r| r.org_admins.remove(org_id))
    else {
        return;
    };
    let Some(hub) = world.securityhub.hub(region, &admin) else {
        return;
    };
    let org_members: Vec<String> = hub
        .members
        .values()
        .filter(|m| m.via_organization)
        .map(|m| m.account_id.clone())
        .collect();
    for member in &org_members {
        let state = world.securityhub.account_mut(region, member);
        if state.administrator.as_deref() == Some(admin.as_str()) {
            state.administrator = None;
        }
    }
    let hub = world.securityhub.hub_mut(region, &admin);
    for member in &org_members {
        hub.members.remove(member);
    }
    hub.org_config = OrgConfig::default();
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
    let org_id = managed_org(world, caller)?.id.clone();
    if world.securityhub.org_admin(&caller.region, &org_id) != Some(admin.as_str()) {
        return Err(ShError::invalid(format!(
            "Account {admin} is not the Security Hub administrator account of the organization in this Region"
        )));
    }
    remove_org_admin(world, &caller.region, &org_id);
    let admin_elsewhere = world
        .securityhub
        .regions
        .values()
        .any(|r| r.org_admins.get(&org_id) == Some(&admin));
    if !admin_elsewhere {
        deregister_admin(world, &org_id, &admin);
    }
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
    let org_id = managed_org(world, caller)?.id.clone();
    let listing = format!("ListOrganizationAdminAccounts {org_id}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 10, 10)?;
    let admins = world
        .securityhub
        .org_admin(&caller.region, &org_id)
        .map(String::from)
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|after| a > after));
    let (admins, next) = take_page(admins, max, |a| a.clone());
    Ok(ListOrganizationAdminAccountsOutput {
        admin_accounts: admins
            .into_iter()
            .map(|account_id| AdminAccount {
                account_id,
                status: "ENABLED",
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
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
