//! Which trail a name or ARN means to the caller, and who may change it: the owner
//! from the trail's home region; for an organization trail also the organization's
//! CloudTrail delegated administrator. Members see organization trails and are refused
//! any change (`NotOrganizationMasterAccountException`).

use super::errors::CtError;
use super::model::Trail;
use super::trails::{visible_trails, SERVICE_PRINCIPAL};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::organizations::model::FeatureSet;
use crate::world::World;

/// `arn:aws:cloudtrail:<region>:<account>:trail/<name>` → (region, account, name).
pub fn parse_trail_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:cloudtrail:")?;
    let mut parts = rest.splitn(3, ':');
    let region = parts.next()?;
    let account = parts.next()?;
    let name = parts.next()?.strip_prefix("trail/")?;
    (!region.is_empty() && account.len() == 12 && !name.is_empty())
        .then_some((region, account, name))
}

/// The trail `name` (a name or an ARN) means to the caller.
pub fn find_trail<'w>(world: &'w World, caller: &Caller, name: &str) -> Result<&'w Trail, CtError> {
    if name.is_empty() {
        return Err(CtError::TrailNotProvided(
            "Trail name or ARN must be provided.".to_string(),
        ));
    }
    if name.starts_with("arn:") {
        if parse_trail_arn(name).is_none() {
            return Err(CtError::CloudTrailArnInvalid(format!(
                "Invalid trail ARN: {name}"
            )));
        }
        let org_id = world
            .organizations
            .organization_of(&caller.account_id)
            .map(|o| o.id.as_str());
        return world
            .cloudtrail
            .trails
            .get(name)
            .filter(|t| {
                t.account_id == caller.account_id
                    || (t.is_organization_trail
                        && t.organization_id.as_deref() == org_id
                        && org_id.is_some())
            })
            .ok_or_else(|| CtError::unknown_trail(name, &caller.account_id));
    }
    super::validation::check_trail_name(name)?;
    let mut candidates = visible_trails(world, caller).filter(|t| t.name == name);
    let first = candidates.next();
    let own = std::iter::once(first)
        .flatten()
        .chain(candidates)
        .find(|t| t.account_id == caller.account_id);
    own.or(first)
        .ok_or_else(|| CtError::unknown_trail(name, &caller.account_id))
}

/// The trail `name` means, if the caller may change it from here.
pub fn writable_trail<'w>(
    world: &'w World,
    caller: &Caller,
    name: &str,
) -> Result<&'w Trail, CtError> {
    let trail = find_trail(world, caller, name)?;
    if trail.account_id != caller.account_id {
        let org = trail
            .organization_id
            .as_deref()
            .and_then(|id| world.organizations.organizations.get(id));
        let delegated = org.is_some_and(|org| {
            delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
        });
        if !delegated {
            return Err(CtError::NotOrganizationMasterAccount(format!(
                "The request was rejected because account {} is not the management account or a delegated administrator of the organization that owns trail {}.",
                caller.account_id, trail.arn
            )));
        }
    }
    if trail.home_region != caller.region {
        return Err(CtError::InvalidHomeRegion(format!(
            "This operation must be called from the trail's home region, {}.",
            trail.home_region
        )));
    }
    Ok(trail)
}

/// For an organization trail or event data store: the caller's organization and its
/// management account, if the caller is that account or CloudTrail's delegated
/// administrator, all features are on and CloudTrail has trusted access.
pub fn organization_trail_authority(
    world: &World,
    caller: &Caller,
) -> Result<(String, String), CtError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            CtError::OrganizationsNotInUse(
                "This account is not a member of an organization.".to_string(),
            )
        })?;
    if org.feature_set != FeatureSet::All {
        return Err(CtError::OrganizationNotInAllFeaturesMode(
            "This operation requires your organization to have all features enabled.".to_string(),
        ));
    }
    let management = org.management_account_id == caller.account_id;
    if !management && !delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL) {
        return Err(CtError::NotOrganizationMasterAccount(format!(
            "The request was rejected because account {} is not the management account or a delegated administrator of organization {}.",
            caller.account_id, org.id
        )));
    }
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Err(CtError::CloudTrailAccessNotEnabled(
            "CloudTrail trusted access is not enabled for your organization. Enable it with EnableAWSServiceAccess for cloudtrail.amazonaws.com first.".to_string(),
        ));
    }
    Ok((org.id.clone(), org.management_account_id.clone()))
}
