//! Centralized root access: ListOrganizationsFeatures and Enable/Disable
//! OrganizationsRootCredentialsManagement / OrganizationsRootSessions. The management
//! account (or IAM's delegated administrator, for reading and disabling) switches them
//! on once trusted access for `iam.amazonaws.com` is enabled; STS `AssumeRoot` then
//! opens root sessions in member accounts.

use serde::Serialize;

use super::account;
use super::dto::Empty;
use super::errors::IamError;
use crate::auth::Caller;
use crate::services::organizations::delegation::{is_delegated_admin, service_access_enabled};
use crate::services::organizations::model::{FeatureSet, Organization};
use crate::world::World;

pub const IAM_PRINCIPAL: &str = "iam.amazonaws.com";
pub const ROOT_CREDENTIALS_MANAGEMENT: &str = "RootCredentialsManagement";
pub const ROOT_SESSIONS: &str = "RootSessions";

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeaturesOutput {
    pub organization_id: String,
    pub enabled_features: Vec<String>,
}

/// The caller's organization, if it may manage the features (`enable`: only the
/// management account).
fn organization<'w>(
    world: &'w World,
    caller: &Caller,
    enable: bool,
) -> Result<&'w Organization, IamError> {
    let account_id = account(caller);
    let org = world
        .organizations
        .organization_of(account_id)
        .ok_or_else(|| {
            IamError::OrganizationNotFound(
                "The request failed because AWS Organizations can't find the organization ID."
                    .into(),
            )
        })?;
    if org.feature_set != FeatureSet::All {
        return Err(IamError::OrganizationNotInAllFeaturesMode(
            "The request failed because your organization does not have all features enabled."
                .into(),
        ));
    }
    if !service_access_enabled(org, IAM_PRINCIPAL) {
        return Err(IamError::ServiceAccessNotEnabled(
            "The request failed because trusted access isn't enabled for IAM in AWS Organizations."
                .into(),
        ));
    }
    let management = org.management_account_id == account_id;
    if enable && !management {
        return Err(IamError::CallerIsNotManagementAccount(
            "The request was rejected because the account making the request is not the management account for the organization.".into(),
        ));
    }
    if !management && !is_delegated_admin(org, account_id, IAM_PRINCIPAL) {
        return Err(IamError::AccountNotManagementOrDelegatedAdministrator(
            "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.".into(),
        ));
    }
    Ok(org)
}

fn features(world: &World, org_id: &str) -> Vec<String> {
    world
        .iam
        .organization_features
        .get(org_id)
        .cloned()
        .unwrap_or_default()
}

/// Whether `feature` is on for the organization of `account_id`.
pub fn enabled(world: &World, account_id: &str, feature: &str) -> bool {
    world
        .organizations
        .organization_of(account_id)
        .is_some_and(|org| features(world, &org.id).iter().any(|f| f == feature))
}

fn answer(world: &World, org_id: &str) -> FeaturesOutput {
    FeaturesOutput {
        organization_id: org_id.to_string(),
        enabled_features: features(world, org_id),
    }
}

pub fn list_organizations_features(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<FeaturesOutput, IamError> {
    let org_id = organization(world, caller, false)?.id.clone();
    Ok(answer(world, &org_id))
}

fn switch(
    world: &mut World,
    caller: &Caller,
    feature: &str,
    on: bool,
) -> Result<FeaturesOutput, IamError> {
    let org_id = organization(world, caller, on)?.id.clone();
    let mut list = features(world, &org_id);
    list.retain(|f| f != feature);
    if on {
        list.push(feature.to_string());
        list.sort();
    }
    world.iam.organization_features.insert(org_id.clone(), list);
    Ok(answer(world, &org_id))
}

pub fn enable_organizations_root_credentials_management(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<FeaturesOutput, IamError> {
    switch(world, caller, ROOT_CREDENTIALS_MANAGEMENT, true)
}

pub fn disable_organizations_root_credentials_management(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<FeaturesOutput, IamError> {
    switch(world, caller, ROOT_CREDENTIALS_MANAGEMENT, false)
}

pub fn enable_organizations_root_sessions(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<FeaturesOutput, IamError> {
    switch(world, caller, ROOT_SESSIONS, true)
}

pub fn disable_organizations_root_sessions(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<FeaturesOutput, IamError> {
    switch(world, caller, ROOT_SESSIONS, false)
}
