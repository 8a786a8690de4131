//! The one place GuardDuty changes Organizations: trusted access and the delegated
//! administrator for `guardduty.amazonaws.com`, through the Organizations module's
//! own functions, inside the GuardDuty operation (DESIGN §5).

use crate::services::organizations::delegation;
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// The account Organizations records as GuardDuty's delegated administrator, if any.
pub fn registered_admin(world: &World, org_id: &str) -> Option<String> {
    let org = world.organizations.organizations.get(org_id)?;
    delegation::service_admin(org, SERVICE_PRINCIPAL)
}

/// Turns trusted access on and registers `account` as GuardDuty's delegated
/// administrator (each only if not already so); registering tells the subscribers.
pub fn register_admin(world: &mut World, org_id: &str, account: &str, now: i64) {
    delegation::adopt_service_admin(world, org_id, account, SERVICE_PRINCIPAL, now);
}

/// Deregisters `account` as GuardDuty's delegated administrator.
pub fn deregister_admin(world: &mut World, org_id: &str, account: &str) {
    delegation::release_service_admin(world, org_id, account, SERVICE_PRINCIPAL);
}
