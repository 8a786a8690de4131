//! What Config's managed rules ask of the other emulated services: each question in one
//! function, so rule evaluation never reaches into another service's state directly.

use crate::world::World;

/// Whether a GuardDuty detector is enabled in (`account`, `region`).
pub fn guardduty_enabled(world: &World, account: &str, region: &str) -> bool {
    world
        .guardduty
        .detector(region, account)
        .is_some_and(|d| d.enabled)
}

/// The GuardDuty administrator of `account` in `region`, if it is a member.
pub fn guardduty_administrator<'w>(
    world: &'w World,
    account: &str,
    region: &str,
) -> Option<&'w str> {
    world.guardduty.administrator_of(region, account)
}

/// Whether Security Hub is enabled in (`account`, `region`).
pub fn securityhub_enabled(world: &World, account: &str, region: &str) -> bool {
    // An account has a hub exactly while Security Hub is enabled there.
    world.securityhub.hub(region, account).is_some()
}

/// The management account of the organization `account` belongs to, if any.
pub fn organization_management_account<'w>(world: &'w World, account: &str) -> Option<&'w str> {
    world
        .organizations
        .organization_of(account)
        .map(|org| org.management_account_id.as_str())
}
