//! Organization accounts becoming, and ceasing to be, members of the administrator:
//! enrolled without an invitation, released when they leave, all released when the
//! administration ends.

use super::OrgIntegrated;
use crate::world::World;

/// Why an organization account is enrolled: services may turn themselves on
/// differently (Security Hub's default standards follow `AutoEnableStandards` only
/// for auto-enabled accounts).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enrollment {
    /// The organization configuration: an account that joins, or every account.
    AutoEnable,
    /// The administrator named the account (`CreateMembers`).
    ByAdministrator,
}

/// Makes `account` an enabled member of `admin` through the organization: the
/// service turned on in it if it is not yet, no invitation. Skips the administrator
/// itself, accounts another administrator holds, and administrators that have the
/// service off.
pub fn enroll<S: OrgIntegrated>(
    world: &mut World,
    region: &str,
    admin: &str,
    account: &str,
    enrollment: Enrollment,
) {
    if account == admin
        || S::administrator_of(world, region, account).is_some_and(|a| a != admin)
        || !S::is_on(world, region, admin)
    {
        return;
    }
    let now = world.clock.now_ms();
    S::turn_on_member(world, region, admin, account, enrollment, now);
    let email = world
        .organizations
        .accounts
        .get(account)
        .map(|a| a.email.clone())
        .unwrap_or_default();
    S::set_administrator(world, region, account, Some(admin));
    S::add_org_member(world, region, admin, account, email, now);
}

/// Ends `account`'s membership of `admin` in `region` (the service stays on in it).
pub fn release_member<S: OrgIntegrated>(
    world: &mut World,
    region: &str,
    admin: &str,
    account: &str,
) {
    S::remove_member(world, region, admin, account);
    if S::administrator_of(world, region, account) == Some(admin) {
        S::set_administrator(world, region, account, None);
    }
}

/// Ends `org_id`'s administration in `region`: the members the organization gave
/// the administrator are released (they keep the service) and its organization
/// configuration goes back to the defaults.
pub fn end_administration<S: OrgIntegrated>(world: &mut World, region: &str, org_id: &str) {
    let Some(admin) = S::admins_in_mut(world, region).remove(org_id) else {
        return;
    };
    if !S::is_on(world, region, &admin) {
        return;
    }
    for member in S::org_members(world, region, &admin) {
        release_member::<S>(world, region, &admin, &member);
    }
    S::reset_org_config(world, region, &admin);
}
