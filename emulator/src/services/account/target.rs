//! Which account a call acts on: the caller's own, or — with `AccountId` — a member of
//! its organization, when the caller is the management account or the delegated
//! administrator for `account.amazonaws.com` and trusted access for it is on.

use crate::auth::Caller;
use crate::services::organizations::delegation::{is_delegated_admin, service_access_enabled};
use crate::services::organizations::model::FeatureSet;
use crate::world::World;

use super::errors::AccountError;

/// The service principal of the Account API in Organizations.
pub const SERVICE_PRINCIPAL: &str = "account.amazonaws.com";

/// The account an operation acts on.
pub fn target_account(
    world: &World,
    caller: &Caller,
    operation: &str,
    account_id: Option<&str>,
) -> Result<String, AccountError> {
    let Some(target) = account_id else {
        return Ok(caller.account_id.clone());
    };
    if target.len() != 12 || !target.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AccountError::field(
            "AccountId",
            "must be a 12-digit account ID",
        ));
    }
    let denied = |resource: String| {
        AccountError::AccessDenied(format!(
            "User: {} is not authorized to perform: account:{operation} on resource: {resource}",
            caller.arn()
        ))
    };
    let Some(org) = world.organizations.organization_of(&caller.account_id) else {
        return Err(denied(format!("arn:aws:account::{target}:account")));
    };
    let member_arn = format!(
        "arn:aws:account::{}:account/{}/{target}",
        org.management_account_id, org.id
    );
    let is_management = org.management_account_id == caller.account_id;
    if is_management && target == caller.account_id {
        // AWS: the management account calls for itself without `AccountId`.
        return Err(AccountError::field(
            "AccountId",
            "can't be the management account's own ID: call the operation without AccountId",
        ));
    }
    let delegated = is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL);
    if !(is_management || delegated) {
        return Err(denied(member_arn));
    }
    if org.feature_set != FeatureSet::All || !service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Err(AccountError::AccessDenied(format!(
            "Trusted access for {SERVICE_PRINCIPAL} is not enabled in organization {}: \
             enable it (EnableAWSServiceAccess) before using AccountId.",
            org.id
        )));
    }
    if !org.members.contains_key(target) {
        return Err(denied(member_arn));
    }
    if delegated && target == org.management_account_id {
        return Err(denied(member_arn));
    }
    Ok(target.to_string())
}

/// The ARN authorization sees for a call on `target`: the account itself, or the member
/// form under its organization.
pub fn account_arn(world: &World, caller: &Caller, target: &str) -> String {
    match world.organizations.organization_of(target) {
        Some(org) if target != caller.account_id => format!(
            "arn:aws:account::{}:account/{}/{target}",
            org.management_account_id, org.id
        ),
        _ => format!("arn:aws:account::{target}:account"),
    }
}
