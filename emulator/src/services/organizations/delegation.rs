//! Trusted access and delegated administrators (CATALOG §4.5): Enable/Disable/List
//! AWSServiceAccess, Register/Deregister/ListDelegatedAdministrators,
//! ListDelegatedServicesForAccount — and the plain functions other services use to do
//! the same inside their own operations (GuardDuty's `EnableOrganizationAdminAccount`
//! enables trusted access and registers its administrator in one call).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::dto;
use super::errors::OrgError;
use super::model::{AccountState, FeatureSet, Organization};
use super::service_principals::{trusted_service, Delegation, TrustedService};
use super::{after_bound, managed_org, org_mut, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::events::{self, OrgEvent};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

// ---- The directory other services consult -------------------------------------------

/// Whether trusted access is on for `principal`.
pub fn service_access_enabled(org: &Organization, principal: &str) -> bool {
    org.enabled_services.contains_key(principal)
}

/// Whether `account_id` is a delegated administrator for `principal`.
pub fn is_delegated_admin(org: &Organization, account_id: &str, principal: &str) -> bool {
    org.delegated_admins
        .get(account_id)
        .is_some_and(|services| services.contains_key(principal))
}

/// Whether `account_id` is a delegated administrator for any service.
pub fn is_any_delegated_admin(org: &Organization, account_id: &str) -> bool {
    org.delegated_admins
        .get(account_id)
        .is_some_and(|services| !services.is_empty())
}

/// The delegated administrators for `principal`, by account id.
pub fn delegated_admins_for<'o>(
    org: &'o Organization,
    principal: &'o str,
) -> impl Iterator<Item = &'o String> + 'o {
    org.delegated_admins
        .iter()
        .filter(move |(_, services)| services.contains_key(principal))
        .map(|(account, _)| account)
}

/// A recognized service principal, or AWS's `UNRECOGNIZED_SERVICE_PRINCIPAL`.
pub fn recognized_service(principal: &str) -> Result<&'static TrustedService, OrgError> {
    validate::service_principal(principal)?;
    trusted_service(principal).ok_or_else(|| {
        OrgError::invalid(
            "UNRECOGNIZED_SERVICE_PRINCIPAL",
            format!("You specified a service principal that isn't recognized: {principal}."),
        )
    })
}

/// Trusted access needs an organization with all features.
pub fn check_enable_service_access(org: &Organization) -> Result<(), OrgError> {
    if org.feature_set != FeatureSet::All {
        return Err(OrgError::constraint(
            "ORGANIZATION_NOT_IN_ALL_FEATURES_MODE",
            "You attempted to perform an operation that requires the organization to be configured to support all features.",
        ));
    }
    Ok(())
}

/// Turns trusted access on; enabling it again keeps the first date, as AWS does.
pub fn enable_service_access(org: &mut Organization, principal: &str, now_ms: i64) {
    if !org.enabled_services.contains_key(principal) {
        org.enabled_services.insert(principal.to_string(), now_ms);
    }
}

/// Disabling is refused while a policy type that needs the service is enabled.
pub fn check_disable_service_access(
    org: &Organization,
    service: &TrustedService,
) -> Result<(), OrgError> {
    if let Some(policy_type) = service
        .policy_types
        .iter()
        .find(|t| org.policy_type_enabled(t))
    {
        return Err(OrgError::constraint(
            "POLICY_TYPE_ENABLED_FOR_THIS_SERVICE",
            format!("You attempted to disable service access before you disabled the policy type {policy_type}. Disable the policy type first."),
        ));
    }
    Ok(())
}

/// Turns trusted access off and, like AWS, deregisters the service's delegated
/// administrators with it.
pub fn disable_service_access(org: &mut Organization, principal: &str) {
    org.enabled_services.remove(principal);
    let admins: Vec<String> = delegated_admins_for(org, principal).cloned().collect();
    for account in admins {
        forget_delegated_admin(org, &account, principal);
    }
}

/// Every rule `RegisterDelegatedAdministrator` checks except trusted access, which a
/// caller that enables it in the same operation (GuardDuty) has not switched on yet.
pub fn check_register_delegated_administrator(
    org: &Organization,
    account_id: &str,
    service: &TrustedService,
) -> Result<(), OrgError> {
    let max = match service.delegation {
        Delegation::Unsupported => {
            // AWS refuses principals outside its "Supports Delegated Administrator"
            // column; orgsim names them unrecognized for this operation.
            return Err(OrgError::invalid(
                "UNRECOGNIZED_SERVICE_PRINCIPAL",
                format!(
                    "The service principal {} doesn't support delegated administrators.",
                    service.principal
                ),
            ));
        }
        Delegation::AtMost(n) => n,
        Delegation::Unlimited => usize::MAX,
    };
    let member = org
        .members
        .get(account_id)
        .ok_or(OrgError::AccountNotFound)?;
    if account_id == org.management_account_id {
        return Err(OrgError::constraint(
            "CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR",
            "You attempted to register the management account of the organization as a delegated administrator. You can designate only a member account as a delegated administrator.",
        ));
    }
    if member.state != AccountState::Active {
        return Err(OrgError::constraint(
            "CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR",
            "You cannot register a suspended account as a delegated administrator.",
        ));
    }
    if is_delegated_admin(org, account_id, service.principal) {
        return Err(OrgError::AccountAlreadyRegistered);
    }
    let registered = delegated_admins_for(org, service.principal).count();
    if registered >= max {
        return Err(if max == 1 {
            OrgError::constraint(
                "DELEGATED_ADMINISTRATOR_EXISTS_FOR_THIS_SERVICE",
                "This service already has a delegated administrator. Deregister it before you register another account.",
            )
        } else {
            OrgError::constraint(
                "MAX_DELEGATED_ADMINISTRATORS_FOR_SERVICE_LIMIT_EXCEEDED",
                format!("You attempted to register more delegated administrators than allowed for the service principal ({max})."),
            )
        });
    }
    Ok(())
}

/// Records a delegated administrator (after the checks above).
pub fn register_delegated_administrator(
    org: &mut Organization,
    account_id: &str,
    principal: &str,
    now_ms: i64,
) {
    org.delegated_admins
        .entry(account_id.to_string())
        .or_default()
        .insert(principal.to_string(), now_ms);
}

/// Registers a delegated administrator (after the checks above) and tells the services
/// that react (DESIGN §5), inside the calling operation.
pub fn register_delegated_admin_in(
    world: &mut World,
    org_id: &str,
    account_id: &str,
    principal: &str,
    now_ms: i64,
) {
    register_delegated_administrator(org_mut(world, org_id), account_id, principal, now_ms);
    let registered = OrgEvent::DelegatedAdminRegistered {
        organization_id: org_id.to_string(),
        account_id: account_id.to_string(),
        service_principal: principal.to_string(),
    };
    events::publish(world, &registered);
}

/// Deregisters a delegated administrator and tells the services that react.
pub fn deregister_delegated_admin_in(
    world: &mut World,
    org_id: &str,
    account_id: &str,
    principal: &str,
) {
    forget_delegated_admin(org_mut(world, org_id), account_id, principal);
    let deregistered = OrgEvent::DelegatedAdminDeregistered {
        organization_id: org_id.to_string(),
        account_id: account_id.to_string(),
        service_principal: principal.to_string(),
    };
    events::publish(world, &deregistered);
}

// ---- For services that act on Organizations themselves (DESIGN §5) --------------------

/// Turns trusted access for `principal` on, as a service does itself when its own
/// call needs it (Config aggregators and organization rules, GuardDuty and Security
/// Hub designating their administrator). Enabling again keeps the first date.
pub fn ensure_service_access(world: &mut World, org_id: &str, principal: &str, now_ms: i64) {
    if let Some(org) = world.organizations.organizations.get_mut(org_id) {
        enable_service_access(org, principal, now_ms);
    }
}

/// The account Organizations records as delegated administrator for `principal`, for
/// services that allow only one (GuardDuty, Security Hub).
pub fn service_admin(org: &Organization, principal: &str) -> Option<String> {
    delegated_admins_for(org, principal).next().cloned()
}

/// What a service's `EnableOrganizationAdminAccount` does in Organizations: trusted
/// access on, and `account` registered as delegated administrator unless it already
/// is. The management account is not registered: services may designate it, but
/// Organizations cannot delegate to it.
pub fn adopt_service_admin(
    world: &mut World,
    org_id: &str,
    account: &str,
    principal: &str,
    now_ms: i64,
) {
    ensure_service_access(world, org_id, principal, now_ms);
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return;
    };
    if account == org.management_account_id || is_delegated_admin(org, account, principal) {
        return;
    }
    register_delegated_admin_in(world, org_id, account, principal, now_ms);
}

/// What a service's `DisableOrganizationAdminAccount` does in Organizations: the
/// registration goes (if there is one); trusted access stays on, as in AWS.
pub fn release_service_admin(world: &mut World, org_id: &str, account: &str, principal: &str) {
    let registered = world
        .organizations
        .organizations
        .get(org_id)
        .is_some_and(|org| is_delegated_admin(org, account, principal));
    if registered {
        deregister_delegated_admin_in(world, org_id, account, principal);
    }
}

/// Removes one registration; an account with none left is no delegated admin at all.
pub fn forget_delegated_admin(org: &mut Organization, account_id: &str, principal: &str) {
    let emptied = match org.delegated_admins.get_mut(account_id) {
        Some(services) => {
            services.remove(principal);
            services.is_empty()
        }
        None => false,
    };
    if emptied {
        org.delegated_admins.remove(account_id);
    }
}

// ---- Trusted access ------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServicePrincipalInput {
    pub service_principal: String,
}

pub fn enable_aws_service_access(
    world: &mut World,
    caller: &Caller,
    input: ServicePrincipalInput,
) -> Result<Empty, OrgError> {
    let service = recognized_service(&input.service_principal)?;
    let org = managed_org(world, caller)?;
    check_enable_service_access(org)?;
    let (org_id, now) = (org.id.clone(), world.clock.now_ms());
    enable_service_access(org_mut(world, &org_id), service.principal, now);
    Ok(Empty {})
}

/// Disabling a service whose access is already off succeeds, as in AWS.
pub fn disable_aws_service_access(
    world: &mut World,
    caller: &Caller,
    input: ServicePrincipalInput,
) -> Result<Empty, OrgError> {
    let service = recognized_service(&input.service_principal)?;
    let org = managed_org(world, caller)?;
    check_disable_service_access(org, service)?;
    let org_id = org.id.clone();
    let admins: Vec<String> = delegated_admins_for(org, service.principal)
        .cloned()
        .collect();
    // Deregistering first lets every reacting service hear of each admin it loses.
    for account in admins {
        deregister_delegated_admin_in(world, &org_id, &account, service.principal);
    }
    disable_service_access(org_mut(world, &org_id), service.principal);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnabledServicePrincipal {
    pub service_principal: String,
    pub date_enabled: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAwsServiceAccessOutput {
    pub enabled_service_principals: Vec<EnabledServicePrincipal>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_aws_service_access_for_organization(
    world: &mut World,
    caller: &Caller,
    input: Page,
) -> Result<ListAwsServiceAccessOutput, OrgError> {
    let org = readable_org(world, caller)?;
    let listing = format!("ListAWSServiceAccessForOrganization {}", org.id);
    let (max, after) = input.resolve(&listing)?;
    let enabled = org.enabled_services.range(after_bound(&after));
    let (page, next) = take_page(enabled, max, |(principal, _)| (*principal).clone());
    Ok(ListAwsServiceAccessOutput {
        enabled_service_principals: page
            .into_iter()
            .map(|(principal, ms)| EnabledServicePrincipal {
                service_principal: principal.clone(),
                date_enabled: epoch_seconds(*ms),
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

// ---- Delegated administrators --------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelegatedAdministratorInput {
    pub account_id: String,
    pub service_principal: String,
}

pub fn register_delegated_administrator_op(
    world: &mut World,
    caller: &Caller,
    input: DelegatedAdministratorInput,
) -> Result<Empty, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let service = recognized_service(&input.service_principal)?;
    let org = managed_org(world, caller)?;
    check_register_delegated_administrator(org, &input.account_id, service)?;
    if !service_access_enabled(org, service.principal) {
        return Err(OrgError::constraint(
            "SERVICE_ACCESS_NOT_ENABLED",
            "You attempted to register a delegated administrator before you enabled service access. Call the EnableAWSServiceAccess API first.",
        ));
    }
    let (org_id, now) = (org.id.clone(), world.clock.now_ms());
    register_delegated_admin_in(world, &org_id, &input.account_id, service.principal, now);
    Ok(Empty {})
}

pub fn deregister_delegated_administrator(
    world: &mut World,
    caller: &Caller,
    input: DelegatedAdministratorInput,
) -> Result<Empty, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let service = recognized_service(&input.service_principal)?;
    let org = managed_org(world, caller)?;
    if !org.members.contains_key(input.account_id.as_str()) {
        return Err(OrgError::AccountNotFound);
    }
    if !is_delegated_admin(org, &input.account_id, service.principal) {
        return Err(OrgError::AccountNotRegistered);
    }
    let org_id = org.id.clone();
    deregister_delegated_admin_in(world, &org_id, &input.account_id, service.principal);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelegatedAdministrator {
    #[serde(flatten)]
    pub account: dto::Account,
    pub delegation_enabled_date: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDelegatedAdministratorsInput {
    pub service_principal: Option<String>,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDelegatedAdministratorsOutput {
    pub delegated_administrators: Vec<DelegatedAdministrator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_delegated_administrators(
    world: &mut World,
    caller: &Caller,
    input: ListDelegatedAdministratorsInput,
) -> Result<ListDelegatedAdministratorsOutput, OrgError> {
    let filter = match &input.service_principal {
        Some(principal) => Some(recognized_service(principal)?.principal),
        None => None,
    };
    let org = readable_org(world, caller)?;
    let listing = format!("ListDelegatedAdministrators {} {filter:?}", org.id);
    let (max, after) = input.page.resolve(&listing)?;
    // The date shown is the registration for the filtered service, or without a
    // filter the account's first registration (AWS does not say which it shows).
    let since = |services: &BTreeMap<String, i64>| match filter {
        Some(principal) => services.get(principal).copied(),
        None => services.values().min().copied(),
    };
    let admins = org
        .delegated_admins
        .range(after_bound(&after))
        .filter_map(|(account, services)| since(services).map(|ms| (account, ms)));
    let (page, next) = take_page(admins, max, |(account, _)| (*account).clone());
    Ok(ListDelegatedAdministratorsOutput {
        delegated_administrators: page
            .into_iter()
            .filter_map(|(account, ms)| {
                Some(DelegatedAdministrator {
                    account: dto::account(&world.organizations, org, account)?,
                    delegation_enabled_date: epoch_seconds(ms),
                })
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDelegatedServicesForAccountInput {
    pub account_id: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DelegatedService {
    pub service_principal: String,
    pub delegation_enabled_date: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDelegatedServicesForAccountOutput {
    pub delegated_services: Vec<DelegatedService>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_delegated_services_for_account(
    world: &mut World,
    caller: &Caller,
    input: ListDelegatedServicesForAccountInput,
) -> Result<ListDelegatedServicesForAccountOutput, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let org = readable_org(world, caller)?;
    if !org.members.contains_key(input.account_id.as_str()) {
        return Err(OrgError::AccountNotFound);
    }
    let services = org
        .delegated_admins
        .get(&input.account_id)
        .ok_or(OrgError::AccountNotRegistered)?;
    let listing = format!(
        "ListDelegatedServicesForAccount {} {}",
        org.id, input.account_id
    );
    let (max, after) = input.page.resolve(&listing)?;
    let (page, next) = take_page(services.range(after_bound(&after)), max, |(p, _)| {
        (*p).clone()
    });
    Ok(ListDelegatedServicesForAccountOutput {
        delegated_services: page
            .into_iter()
            .map(|(principal, ms)| DelegatedService {
                service_principal: principal.clone(),
                delegation_enabled_date: epoch_seconds(*ms),
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[cfg(test)]
pub(crate) mod tests;
