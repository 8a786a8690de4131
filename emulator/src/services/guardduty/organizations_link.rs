//! The one place GuardDuty changes Organizations: trusted access and the delegated
//! administrator for `guardduty.amazonaws.com`. (To be pointed at the Organizations
//! module's own functions once they exist.)

use crate::events::{self, OrgEvent};
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
    org.enabled_services
        .entry(SERVICE_PRINCIPAL.to_string())
        .or_insert(now);
    let services = org.delegated_admins.entry(account.to_string()).or_default();
    if services.contains_key(SERVICE_PRINCIPAL) {
        return;
    }
    services.insert(SERVICE_PRINCIPAL.to_string(), now);
    events::publish(
        world,
        &OrgEvent::DelegatedAdminRegistered {
            organization_id: org_id.to_string(),
            account_id: account.to_string(),
            service_principal: SERVICE_PRINCIPAL.to_string(),
        },
    );
}

/// Deregisters `account` as GuardDuty's delegated administrator. Trusted access
/// stays on, as in AWS.
pub fn deregister_admin(world: &mut World, org_id: &str, account: &str) {
    let Some(org) = world.organizations.organizations.get_mut(org_id) else {
        return;
    };
    let Some(services) = org.delegated_admins.get_mut(account) else {
        return;
    };
    if services.remove(SERVICE_PRINCIPAL).is_none() {
        return;
    }
    if services.is_empty() {
        org.delegated_admins.remove(account);
    }
    events::publish(
        world,
        &OrgEvent::DelegatedAdminDeregistered {
            organization_id: org_id.to_string(),
            account_id: account.to_string(),
            service_principal: SERVICE_PRINCIPAL.to_string(),
        },
    );
}
