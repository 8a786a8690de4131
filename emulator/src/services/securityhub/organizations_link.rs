//! The one place Security Hub changes Organizations: trusted access and the
//! delegated administrator for `securityhub.amazonaws.com`, through the
//! Organizations module's own functions, inside the Security Hub operation
//! (DESIGN §5).

use super::errors::ShError;
use crate::api::ApiError;
use crate::services::organizations::delegation;
use crate::services::organizations::model::Organization;
use crate::services::organizations::service_principals::trusted_service;
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "securityhub.amazonaws.com";

/// The account Organizations records as Security Hub's delegated administrator.
pub fn registered_admin(org: &Organization) -> Option<String> {
    delegation::service_admin(org, SERVICE_PRINCIPAL)
}

/// What Organizations would refuse about making `account` the administrator: the
/// organization's features and `RegisterDelegatedAdministrator`'s own rules. The
/// management account is not registered in Organizations (AWS allows it as
/// Security Hub administrator, but Organizations cannot delegate to it).
pub fn check_register(org: &Organization, account: &str) -> Result<(), ShError> {
    let refuse = |e: crate::services::organizations::errors::OrgError| {
        ShError::invalid(ApiError::from(e).message)
    };
    delegation::check_enable_service_access(org).map_err(refuse)?;
    if account == org.management_account_id
        || delegation::is_delegated_admin(org, account, SERVICE_PRINCIPAL)
    {
        return Ok(());
    }
    let service = trusted_service(SERVICE_PRINCIPAL).expect("known principal");
    delegation::check_register_delegated_administrator(org, account, service).map_err(refuse)
}

/// Turns trusted access on and registers `account` as delegated administrator for
/// Security Hub (each only if not already so); registering tells the subscribers.
pub fn register_admin(world: &mut World, org_id: &str, account: &str, now: i64) {
    delegation::adopt_service_admin(world, org_id, account, SERVICE_PRINCIPAL, now);
}

/// Deregisters `account` as Security Hub's delegated administrator.
pub fn deregister_admin(world: &mut World, org_id: &str, account: &str) {
    delegation::release_service_admin(world, org_id, account, SERVICE_PRINCIPAL);
}
