//! Who may act on an instance: its owner (the management account for the
//! organization instance, the creating account for an account instance) and, for the
//! organization instance, the `sso.amazonaws.com` delegated administrator — who may not
//! touch what is provisioned to the management account (AWS's AccessDeniedException).

use super::errors::SsoError;
use super::model::{Instance, PermissionSet, Provisioned};
use super::SERVICE_PRINCIPAL;
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::world::World;

/// An instance as the caller reaches it.
pub struct Access<'w> {
    pub instance: &'w Instance,
    /// The caller is the organization's delegated administrator, not the owner.
    pub delegated: bool,
}

fn check_instance_arn(arn: &str) -> Result<(), SsoError> {
    let ok = arn
        .strip_prefix("arn:aws:sso:::instance/")
        .and_then(|id| {
            id.strip_prefix("ssoins-")
                .or_else(|| id.strip_prefix("ins-"))
        })
        .is_some_and(|hex| {
            hex.len() == 16
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        });
    if ok {
        Ok(())
    } else {
        Err(SsoError::constraint(
            "InstanceArn",
            arn,
            "Member must satisfy regular expression pattern: arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::instance/(sso)?ins-[a-zA-Z0-9-.]{16}",
        ))
    }
}

/// Whether `caller` is the `sso.amazonaws.com` delegated administrator of `org_id`.
pub fn is_delegated_admin(world: &World, caller: &Caller, org_id: &str) -> bool {
    world
        .organizations
        .organization_of(&caller.account_id)
        .filter(|org| org.id == org_id)
        .is_some_and(|org| {
            delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
        })
}

/// The instance `arn`, if `caller` may act on it.
pub fn instance<'w>(
    world: &'w World,
    caller: &Caller,
    operation: &str,
    arn: &str,
) -> Result<Access<'w>, SsoError> {
    check_instance_arn(arn)?;
    let instance = world.ssoadmin.instances.get(arn).ok_or_else(|| {
        SsoError::NotFound(format!(
            "Could not find Identity Center instance with InstanceArn {arn}"
        ))
    })?;
    if instance.owner_account == caller.account_id {
        return Ok(Access {
            instance,
            delegated: false,
        });
    }
    if let Some(org_id) = &instance.organization_id {
        if is_delegated_admin(world, caller, org_id) {
            return Ok(Access {
                instance,
                delegated: true,
            });
        }
    }
    Err(SsoError::AccessDenied(format!(
        "User: {} is not authorized to perform: sso:{operation} on resource: {arn}",
        caller.arn()
    )))
}

/// Permission sets belong to the organization instance only: account instances do
/// not support them (AWS's ValidationException).
pub fn organization_instance(access: &Access) -> Result<(), SsoError> {
    if access.instance.organization_id.is_none() {
        return Err(SsoError::Validation(
            "Permission sets and account assignments are not supported for account instances of IAM Identity Center.".into(),
        ));
    }
    Ok(())
}

fn check_permission_set_arn(arn: &str) -> Result<(), SsoError> {
    let ok = arn
        .strip_prefix("arn:aws:sso:::permissionSet/")
        .and_then(|rest| rest.split_once('/'))
        .is_some_and(|(instance, ps)| {
            instance.contains("ins-")
                && ps.strip_prefix("ps-").is_some_and(|hex| {
                    hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_alphanumeric())
                })
        });
    if ok {
        Ok(())
    } else {
        Err(SsoError::constraint(
            "PermissionSetArn",
            arn,
            "Member must satisfy regular expression pattern: arn:(aws|aws-us-gov|aws-cn|aws-iso|aws-iso-b):sso:::permissionSet/(sso)?ins-[a-zA-Z0-9-.]{16}/ps-[a-zA-Z0-9-./]{16}",
        ))
    }
}

/// The permission set `arn` of the instance.
pub fn permission_set<'w>(
    world: &'w World,
    access: &Access,
    arn: &str,
) -> Result<&'w PermissionSet, SsoError> {
    check_permission_set_arn(arn)?;
    world
        .ssoadmin
        .permission_sets
        .get(arn)
        .filter(|ps| ps.instance_arn == access.instance.arn)
        .ok_or_else(|| {
            SsoError::NotFound(format!(
                "Could not find PermissionSet with PermissionSetArn {arn}"
            ))
        })
}

/// The organization's management account, for the organization instance.
pub fn management_account(world: &World, instance: &Instance) -> Option<String> {
    let org_id = instance.organization_id.as_ref()?;
    world
        .organizations
        .organizations
        .get(org_id)
        .map(|org| org.management_account_id.clone())
}

/// The delegated administrator may not change a permission set provisioned to the
/// management account.
pub fn may_change_permission_set(
    world: &World,
    access: &Access,
    permission_set: &str,
) -> Result<(), SsoError> {
    if !access.delegated {
        return Ok(());
    }
    let Some(management) = management_account(world, access.instance) else {
        return Ok(());
    };
    if world
        .ssoadmin
        .provisioned
        .contains_key(&Provisioned::key(permission_set, &management))
    {
        return Err(SsoError::AccessDenied(
            "The delegated administrator cannot perform this operation on a permission set that is provisioned in the management account.".into(),
        ));
    }
    Ok(())
}

/// The delegated administrator may not assign or provision in the management account.
pub fn may_target_account(world: &World, access: &Access, account: &str) -> Result<(), SsoError> {
    if access.delegated && management_account(world, access.instance).as_deref() == Some(account) {
        return Err(SsoError::AccessDenied(
            "The delegated administrator cannot perform this operation on the management account."
                .into(),
        ));
    }
    Ok(())
}
