//! The organization integration that several services share (DESIGN §5): the
//! management account designates a delegated administrator per region, which
//! Organizations records (trusted access on, `RegisterDelegatedAdministrator`); the
//! administrator's organization configuration enrolls accounts as they join
//! (auto-enable); members follow the organization as accounts leave and as
//! Organizations deregisters the administrator.
//!
//! A service implements [`OrgIntegrated`] over its own state (GuardDuty's detectors,
//! Security Hub's hubs) and calls the functions here from its own handlers and its
//! `on_org_event`. Refusals come back as an [`AdminRefusal`], which each service words
//! and codes as AWS does for it.

mod designation;
mod enrollment;
mod reactions;
#[cfg(test)]
mod tests;

pub use designation::{
    disable_organization_admin, enable_organization_admin, organization_admins, AdminRefusal,
};
pub use enrollment::{end_administration, enroll, release_member, Enrollment};
pub use reactions::on_org_event;

use imbl::OrdMap;

use crate::world::World;

/// One region's administrators of a service: organization id → account.
pub type OrgAdmins = OrdMap<String, String>;

/// What a service tells the shared mechanics about its own state. Every function is
/// a plain read or an infallible write; the checks live in this module.
pub trait OrgIntegrated {
    /// The service principal Organizations knows the service by.
    const SERVICE_PRINCIPAL: &'static str;
    /// Whether an account Organizations records as the service's administrator (from a
    /// designation in another region) rules out designating any other account, the
    /// management account included — which Organizations itself never records, so
    /// its one-administrator rule alone would let it through.
    const SAME_ADMIN_IN_EVERY_REGION: bool;

    /// Every region's administrators: (region, its table).
    fn admins_by_region(world: &World) -> impl Iterator<Item = (&String, &OrgAdmins)>;
    /// One region's administrators, to change.
    fn admins_in_mut<'w>(world: &'w mut World, region: &str) -> &'w mut OrgAdmins;

    /// Whether the service is on in `account` in `region`.
    fn is_on(world: &World, region: &str, account: &str) -> bool;
    /// The administrator `account` is an associated member of in `region`.
    fn administrator_of<'w>(world: &'w World, region: &str, account: &str) -> Option<&'w str>;
    /// Makes `account` a member of `admin`, or of no one.
    fn set_administrator(world: &mut World, region: &str, account: &str, admin: Option<&str>);

    /// What designation turns on in the new administrator, in that region only.
    fn designated(_world: &mut World, _region: &str, _admin: &str) {}
    /// Whether `admin`'s organization configuration enrolls accounts that join.
    fn auto_enables_joiners(world: &World, region: &str, admin: &str) -> bool;
    /// Turns the service on in an account `admin` enrolls (if it is not on yet), as
    /// `admin`'s organization configuration says.
    fn turn_on_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        enrollment: Enrollment,
        now_ms: i64,
    );
    /// Records `account` in `admin`'s members as enabled through the organization.
    fn add_org_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        email: String,
        now_ms: i64,
    );
    /// The members `admin` holds through the organization (not by invitation).
    fn org_members(world: &World, region: &str, admin: &str) -> Vec<String>;
    /// Takes `account` out of `admin`'s members, if `admin` has the service on.
    fn remove_member(world: &mut World, region: &str, admin: &str, account: &str);
    /// Puts `admin`'s organization configuration back to the service's defaults.
    fn reset_org_config(world: &mut World, region: &str, admin: &str);
}

/// The administrator of `org_id` in `region`.
pub fn org_admin<'w, S: OrgIntegrated>(
    world: &'w World,
    region: &str,
    org_id: &str,
) -> Option<&'w str> {
    S::admins_by_region(world)
        .find(|(r, _)| r.as_str() == region)
        .and_then(|(_, admins)| admins.get(org_id))
        .map(String::as_str)
}

/// Every (region, administrator) of `org_id`, in region order.
pub fn admins_of<S: OrgIntegrated>(world: &World, org_id: &str) -> Vec<(String, String)> {
    S::admins_by_region(world)
        .filter_map(|(region, admins)| {
            admins
                .get(org_id)
                .map(|admin| (region.clone(), admin.clone()))
        })
        .collect()
}

/// The organization `account` administers in `region`, if it does.
pub fn administered_org<S: OrgIntegrated>(
    world: &World,
    region: &str,
    account: &str,
) -> Option<String> {
    let org = world.organizations.organization_of(account)?;
    (org_admin::<S>(world, region, &org.id) == Some(account)).then(|| org.id.clone())
}

/// Whether `account` administers any organization in `region` (it may not turn the
/// service off there while it does).
pub fn administers_in<S: OrgIntegrated>(world: &World, region: &str, account: &str) -> bool {
    S::admins_by_region(world)
        .filter(|(r, _)| r.as_str() == region)
        .any(|(_, admins)| admins.values().any(|a| a == account))
}
