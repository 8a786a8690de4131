//! The management account designates, ends and lists the service's administrator
//! in the caller's region: what every `EnableOrganizationAdminAccount`,
//! `DisableOrganizationAdminAccount` and `ListOrganizationAdminAccounts` checks and
//! does, Organizations' side included.

use super::enrollment::end_administration;
use super::{org_admin, OrgIntegrated};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::organizations::errors::OrgError;
use crate::services::organizations::model::Organization;
use crate::services::organizations::service_principals::trusted_service;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Why a designation call is refused; each service words it as AWS does for it.
#[derive(Clone, Debug, PartialEq)]
pub enum AdminRefusal {
    /// The caller's account is in no organization.
    NotInOrganization,
    /// The caller is a member, not the management account, of `org_id`.
    NotManagementAccount { org_id: String },
    /// `account` is not a member of the caller's organization `org_id`.
    NotMember { account: String, org_id: String },
    /// Another account, `current`, is the administrator in this region.
    OtherAdminInRegion { current: String },
    /// Organizations records another account as the service's administrator, and
    /// the service wants the same one in every region.
    OtherAdminRegistered { registered: String },
    /// Organizations would refuse the registration (features, account state, limits).
    Organizations(OrgError),
    /// `account` is not the administrator in this region.
    NotAdmin { account: String },
}

/// The caller's organization, if the caller is its management account.
fn managed_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, AdminRefusal> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or(AdminRefusal::NotInOrganization)?;
    if org.management_account_id != caller.account_id {
        return Err(AdminRefusal::NotManagementAccount {
            org_id: org.id.clone(),
        });
    }
    Ok(org)
}

/// What Organizations would refuse about recording `admin` for the service. The
/// management account is not recorded: services may designate it, but
/// Organizations cannot delegate to it.
fn check_registration<S: OrgIntegrated>(
    org: &Organization,
    admin: &str,
) -> Result<(), AdminRefusal> {
    if S::SAME_ADMIN_IN_EVERY_REGION {
        if let Some(registered) =
            delegation::service_admin(org, S::SERVICE_PRINCIPAL).filter(|r| r != admin)
        {
            return Err(AdminRefusal::OtherAdminRegistered { registered });
        }
    }
    delegation::check_enable_service_access(org).map_err(AdminRefusal::Organizations)?;
    if admin == org.management_account_id
        || delegation::is_delegated_admin(org, admin, S::SERVICE_PRINCIPAL)
    {
        return Ok(());
    }
    let service = trusted_service(S::SERVICE_PRINCIPAL).expect("a known service principal");
    delegation::check_register_delegated_administrator(org, admin, service)
        .map_err(AdminRefusal::Organizations)
}

/// Designates `admin` (a well-formed account id) in the caller's region: trusted
/// access on, `admin` registered in Organizations, the service's own start in it.
/// Designating the current administrator again succeeds and changes nothing.
pub fn enable_organization_admin<S: OrgIntegrated>(
    world: &mut World,
    caller: &Caller,
    admin: &str,
) -> Result<(), AdminRefusal> {
    let org = managed_org(world, caller)?;
    if !org.members.contains_key(admin) {
        return Err(AdminRefusal::NotMember {
            account: admin.to_string(),
            org_id: org.id.clone(),
        });
    }
    match org_admin::<S>(world, &caller.region, &org.id) {
        Some(current) if current == admin => return Ok(()),
        Some(current) => {
            return Err(AdminRefusal::OtherAdminInRegion {
                current: current.to_string(),
            })
        }
        None => {}
    }
    check_registration::<S>(org, admin)?;
    let org_id = org.id.clone();
    let now = world.clock.now_ms();
    delegation::adopt_service_admin(world, &org_id, admin, S::SERVICE_PRINCIPAL, now);
    S::admins_in_mut(world, &caller.region).insert(org_id, admin.to_string());
    S::designated(world, &caller.region, admin);
    Ok(())
}

/// Ends `admin`'s administration in the caller's region; Organizations' registration
/// goes with its last region (trusted access stays on, as in AWS).
pub fn disable_organization_admin<S: OrgIntegrated>(
    world: &mut World,
    caller: &Caller,
    admin: &str,
) -> Result<(), AdminRefusal> {
    let org_id = managed_org(world, caller)?.id.clone();
    if org_admin::<S>(world, &caller.region, &org_id) != Some(admin) {
        return Err(AdminRefusal::NotAdmin {
            account: admin.to_string(),
        });
    }
    end_administration::<S>(world, &caller.region, &org_id);
    let admin_elsewhere = S::admins_by_region(world)
        .any(|(_, admins)| admins.get(&org_id).map(String::as_str) == Some(admin));
    if !admin_elsewhere {
        delegation::release_service_admin(world, &org_id, admin, S::SERVICE_PRINCIPAL);
    }
    Ok(())
}

/// One page of `ListOrganizationAdminAccounts` for the management account: the
/// administrator in the caller's region (there is at most one) and the next token.
/// `refused` words a refusal; `resolve` checks the service's paging input against
/// the listing's name and gives (page size, last key of the previous page).
pub fn organization_admins<S: OrgIntegrated, E>(
    world: &World,
    caller: &Caller,
    refused: impl FnOnce(AdminRefusal) -> E,
    resolve: impl FnOnce(&str) -> Result<(usize, Option<String>), E>,
) -> Result<(Vec<String>, Option<String>), E> {
    let org_id = managed_org(world, caller).map_err(refused)?.id.clone();
    let listing = format!("ListOrganizationAdminAccounts {org_id}");
    let (max, after) = resolve(&listing)?;
    let admins = org_admin::<S>(world, &caller.region, &org_id)
        .filter(|admin| after.as_deref().is_none_or(|after| *admin > after))
        .map(String::from)
        .into_iter();
    let (admins, next) = take_page(admins, max, String::clone);
    Ok((admins, next.map(|key| encode_token(&listing, &key))))
}
