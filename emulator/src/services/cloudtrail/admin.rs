//! RegisterOrganizationDelegatedAdmin / DeregisterOrganizationDelegatedAdmin through the
//! shared organization integration. CloudTrail's administrator is global and AWS allows
//! up to three per organization; the shared designation keeps one administrator per
//! table, so CloudTrail keeps one table per slot (`slot-1` … `slot-3`) and uses the slot
//! as the designation's "region". Unlike the services that call the designation
//! themselves, CloudTrail refuses when trusted access is not on yet.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CtError;
use super::trails::SERVICE_PRINCIPAL;
use crate::api::ApiError;
use crate::auth::Caller;
use crate::services::org_integration::{self, AdminRefusal, Enrollment, OrgAdmins, OrgIntegrated};
use crate::services::organizations::delegation;
use crate::services::organizations::model::FeatureSet;
use crate::world::World;

const SLOTS: [&str; 3] = ["slot-1", "slot-2", "slot-3"];

/// CloudTrail as an [`OrgIntegrated`] service: it has no members to enroll; its
/// administrators manage the organization's trails and event data stores.
pub struct CloudTrail;

impl OrgIntegrated for CloudTrail {
    const SERVICE_PRINCIPAL: &'static str = SERVICE_PRINCIPAL;
    const SAME_ADMIN_IN_EVERY_REGION: bool = false;

    fn admins_by_region(world: &World) -> impl Iterator<Item = (&String, &OrgAdmins)> {
        world.cloudtrail.org_admins.iter()
    }

    fn admins_in_mut<'w>(world: &'w mut World, region: &str) -> &'w mut OrgAdmins {
        world
            .cloudtrail
            .org_admins
            .entry(region.to_string())
            .or_default()
    }

    fn is_on(_world: &World, _region: &str, _account: &str) -> bool {
        false
    }

    fn administrator_of<'w>(_world: &'w World, _region: &str, _account: &str) -> Option<&'w str> {
        None
    }

    fn set_administrator(_world: &mut World, _region: &str, _account: &str, _admin: Option<&str>) {}

    fn auto_enables_joiners(_world: &World, _region: &str, _admin: &str) -> bool {
        false
    }

    fn turn_on_member(
        _world: &mut World,
        _region: &str,
        _admin: &str,
        _account: &str,
        _enrollment: Enrollment,
        _now_ms: i64,
    ) {
    }

    fn add_org_member(
        _world: &mut World,
        _region: &str,
        _admin: &str,
        _account: &str,
        _email: String,
        _now_ms: i64,
    ) {
    }

    fn org_members(_world: &World, _region: &str, _admin: &str) -> Vec<String> {
        Vec::new()
    }

    fn remove_member(_world: &mut World, _region: &str, _admin: &str, _account: &str) {}

    fn reset_org_config(_world: &mut World, _region: &str, _admin: &str) {}
}

/// The caller acting in a slot.
fn in_slot(caller: &Caller, slot: &str) -> Caller {
    Caller {
        region: slot.to_string(),
        ..caller.clone()
    }
}

fn check_management(world: &World, caller: &Caller) -> Result<(String, String), CtError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            CtError::OrganizationsNotInUse(
                "This account is not a member of an organization.".to_string(),
            )
        })?;
    if org.management_account_id != caller.account_id {
        return Err(CtError::NotOrganizationManagementAccount(format!(
            "Account {} is not the management account of organization {}.",
            caller.account_id, org.id
        )));
    }
    if org.feature_set != FeatureSet::All {
        return Err(CtError::OrganizationNotInAllFeaturesMode(
            "This operation requires your organization to have all features enabled.".to_string(),
        ));
    }
    Ok((org.id.clone(), org.management_account_id.clone()))
}

fn refused(refusal: AdminRefusal, account: &str) -> CtError {
    match refusal {
        AdminRefusal::NotInOrganization => CtError::OrganizationsNotInUse(
            "This account is not a member of an organization.".to_string(),
        ),
        AdminRefusal::NotManagementAccount { org_id } => CtError::NotOrganizationManagementAccount(
            format!("This account is not the management account of organization {org_id}."),
        ),
        AdminRefusal::NotMember { account, org_id } => CtError::AccountNotFound(format!(
            "Account {account} is not a member of organization {org_id}."
        )),
        AdminRefusal::OtherAdminInRegion { .. } | AdminRefusal::OtherAdminRegistered { .. } => {
            CtError::DelegatedAdminAccountLimitExceeded(
                "The organization already has the maximum number of CloudTrail delegated administrators (3).".to_string(),
            )
        }
        AdminRefusal::Organizations(e) => {
            let error = ApiError::from(e);
            match error.code.as_str() {
                "AccountAlreadyRegisteredException" => CtError::AccountRegistered(format!(
                    "Account {account} is already registered as a delegated administrator."
                )),
                "TooManyRequestsException" | "ConstraintViolationException" => {
                    CtError::DelegatedAdminAccountLimitExceeded(error.message)
                }
                _ => CtError::InvalidParameter(error.message),
            }
        }
        AdminRefusal::NotAdmin { account } => CtError::AccountNotRegistered(format!(
            "Account {account} is not registered as a delegated administrator."
        )),
    }
}

fn check_account_id(id: &str) -> Result<(), CtError> {
    if !(12..=16).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CtError::InvalidParameter(format!(
            "Account ID {id} is not valid."
        )));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterInput {
    pub member_account_id: String,
}

pub fn register_organization_delegated_admin(
    world: &mut World,
    caller: &Caller,
    input: RegisterInput,
) -> Result<Value, CtError> {
    let account = input.member_account_id;
    check_account_id(&account)?;
    let (org_id, management) = check_management(world, caller)?;
    let org = &world.organizations.organizations[&org_id];
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Err(CtError::CloudTrailAccessNotEnabled(
            "You must enable trusted access for CloudTrail (cloudtrail.amazonaws.com) in AWS Organizations before registering a delegated administrator.".to_string(),
        ));
    }
    if account == management {
        return Err(CtError::CannotDelegateManagementAccount(
            "You cannot register the management account as a delegated administrator.".to_string(),
        ));
    }
    if !org.members.contains_key(account.as_str()) {
        return Err(CtError::AccountNotFound(format!(
            "Account {account} is not a member of organization {org_id}."
        )));
    }
    if delegation::is_delegated_admin(org, &account, SERVICE_PRINCIPAL)
        || org_integration::admins_of::<CloudTrail>(world, &org_id)
            .iter()
            .any(|(_, a)| *a == account)
    {
        return Err(CtError::AccountRegistered(format!(
            "Account {account} is already registered as a delegated administrator."
        )));
    }
    let slot = SLOTS
        .iter()
        .find(|slot| org_integration::org_admin::<CloudTrail>(world, slot, &org_id).is_none())
        .ok_or_else(|| {
            CtError::DelegatedAdminAccountLimitExceeded(
                "The organization already has the maximum number of CloudTrail delegated administrators (3).".to_string(),
            )
        })?;
    org_integration::enable_organization_admin::<CloudTrail>(
        world,
        &in_slot(caller, slot),
        &account,
    )
    .map_err(|r| refused(r, &account))?;
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeregisterInput {
    pub delegated_admin_account_id: String,
}

pub fn deregister_organization_delegated_admin(
    world: &mut World,
    caller: &Caller,
    input: DeregisterInput,
) -> Result<Value, CtError> {
    let account = input.delegated_admin_account_id;
    check_account_id(&account)?;
    let (org_id, _) = check_management(world, caller)?;
    let slot = org_integration::admins_of::<CloudTrail>(world, &org_id)
        .into_iter()
        .find(|(_, a)| *a == account)
        .map(|(slot, _)| slot);
    let Some(slot) = slot else {
        // Registered through Organizations' RegisterDelegatedAdministrator: the same
        // registration, ended the same way.
        let org = &world.organizations.organizations[&org_id];
        if !delegation::is_delegated_admin(org, &account, SERVICE_PRINCIPAL) {
            return Err(CtError::AccountNotRegistered(format!(
                "Account {account} is not registered as a delegated administrator."
            )));
        }
        delegation::release_service_admin(world, &org_id, &account, SERVICE_PRINCIPAL);
        return Ok(json!({}));
    };
    org_integration::disable_organization_admin::<CloudTrail>(
        world,
        &in_slot(caller, &slot),
        &account,
    )
    .map_err(|r| refused(r, &account))?;
    Ok(json!({}))
}
