//! The one place GuardDuty changes Organizations: trusted access and the delegated
//! administrator for `guardduty.amazonaws.com`, through the Organizations module's
//! own functions, inside the GuardDuty operation (DESIGN §5).

use crate::services::organizations::delegation;
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// The account Organizations records as GuardDuty's delegated administrator, if any.
pub fn registered_admin(world: &World, org_id: &str) -> Option<String> {
    let org = world.organizations.organizations.get(org_id)?;
    org.delegated_admins
        .iter()
        .find(|(_, services)| services.contains_key(SERVICE_PRINCIPAL))
        .map(|(account, _)| account.clone())
}

/// Turns trusted access on and registers `account` as delegated administrator for
/// GuardDuty (each only if not already so), then tells the subscribers.
pub fn register_admin(world: &mut World, org_id: &str, account: &str, now: i64) {
    let Some(org) = world.organizations.organizations.get_mut(org_id) else {
        return;
    };
    delegation::enable_service_access(org, SERVICE_PRINCIPAL, now);
    if delegation::is_delegated_admin(org, account, SERVICE_PRINCIPAL) {
        return;
    }
    delegation::register_delegated_admin_in(world, org_id, account, SERVICE_PRINCIPAL, now);
}

/// Deregisters `account` as GuardDuty's delegated administrator. Trusted access
/// stays on, as in AWS.
pub fn deregister_admin(world: &mut World, org_id: &str, account: &str) {
    let registered = world
        .organizations
        .organizations
        .get(org_id)
        .is_some_and(|org| delegation::is_delegated_admin(org, account, SERVICE_PRINCIPAL));
    if registered {
        delegation::deregister_delegated_admin_in(world, org_id, account, SERVICE_PRINCIPAL);
    }
}
