//! Central configuration: configuration policies (Create/Get/Update/Delete/List
//! ConfigurationPolicy) and their associations with the organization's root, OUs
//! and accounts (Start/StartConfigurationPolicyDisassociation,
//! GetConfigurationPolicyAssociation, BatchGetConfigurationPolicyAssociations,
//! ListConfigurationPolicyAssociations).
//!
//! Only the delegated administrator (never the management account) calls these, in
//! its home Region (the one with the finding aggregator), once
//! UpdateOrganizationConfiguration set `ConfigurationType: CENTRAL`. A target uses
//! what was applied to it, else what its nearest ancestor has (INHERITED); nothing
//! anywhere means self-managed. Policies take effect in the home Region and every
//! linked Region: Security Hub on or off, exactly the listed standards, controls
//! enabled or disabled as the policy says and its custom parameters.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::admin::administered_org;
use super::controls_catalog::{security_control, standard_by_arn, STANDARDS};
use super::errors::ShError;
use super::findings::linked_regions;
use super::model::{
    AppliedAssociation, ConfigPolicy, ControlParameters, DisabledControl, Subscription,
};
use super::organizations_link::SecurityHub;
use super::security_controls::{check_parameters, ParameterConfiguration};
use super::tags::check_tags;
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::org_integration::{self, Enrollment};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// The configuration that means "the account configures itself".
pub const SELF_MANAGED: &str = "SELF_MANAGED_SECURITY_HUB";
/// Policies one administrator may have (AWS quota).
const POLICY_LIMIT: usize = 20;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PolicyUnion {
    security_hub: Option<SecurityHubPolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SecurityHubPolicy {
    service_enabled: Option<bool>,
    enabled_standard_identifiers: Option<Vec<String>>,
    security_controls_configuration: Option<ControlsConfiguration>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ControlsConfiguration {
    enabled_security_control_identifiers: Option<Vec<String>>,
    disabled_security_control_identifiers: Option<Vec<String>>,
    security_control_custom_parameters: Option<Vec<CustomParameters>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CustomParameters {
    security_control_id: Option<String>,
    parameters: Option<BTreeMap<String, ParameterConfiguration>>,
}

/// What a policy does, once checked.
#[derive(Debug, Default)]
struct Effect {
    service_enabled: bool,
    standards: Vec<String>,
    /// `Some(list)`: only these controls on; otherwise these controls off.
    enabled_only: Option<BTreeSet<String>>,
    disabled: BTreeSet<String>,
    parameters: BTreeMap<String, Value>,
}

fn check_policy(policy: &Value) -> Result<Effect, ShError> {
    let union: PolicyUnion = serde_json::from_value(policy.clone()).map_err(ShError::from_input)?;
    let sh = union
        .security_hub
        .ok_or_else(|| ShError::invalid("ConfigurationPolicy must contain SecurityHub"))?;
    let enabled = sh
        .service_enabled
        .ok_or_else(|| ShError::invalid("SecurityHub.ServiceEnabled is required"))?;
    if !enabled {
        if sh.enabled_standard_identifiers.is_some() || sh.security_controls_configuration.is_some()
        {
            return Err(ShError::invalid(
                "A policy that disables Security Hub can't list standards or controls",
            ));
        }
        return Ok(Effect::default());
    }
    let standards = sh.enabled_standard_identifiers.ok_or_else(|| {
        ShError::invalid("EnabledStandardIdentifiers is required when ServiceEnabled is true")
    })?;
    for arn in &standards {
        if STANDARDS.iter().all(|s| {
            !(arn.ends_with(&format!("/{}", s.path)) && arn.starts_with("arn:aws:securityhub:"))
        }) {
            return Err(ShError::invalid(format!(
                "Invalid standard identifier {arn}"
            )));
        }
    }
    let controls = sh.security_controls_configuration.ok_or_else(|| {
        ShError::invalid("SecurityControlsConfiguration is required when ServiceEnabled is true")
    })?;
    let known = |ids: &[String]| -> Result<BTreeSet<String>, ShError> {
        ids.iter()
            .map(|id| {
                security_control(id)
                    .map(|c| c.id.to_string())
                    .ok_or_else(|| ShError::invalid(format!("Invalid security control id {id}")))
            })
            .collect()
    };
    let (enabled_only, disabled) = match (
        &controls.enabled_security_control_identifiers,
        &controls.disabled_security_control_identifiers,
    ) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(ShError::invalid(
                "Specify exactly one of EnabledSecurityControlIdentifiers and DisabledSecurityControlIdentifiers",
            ))
        }
        (Some(on), None) => (Some(known(on)?), BTreeSet::new()),
        (None, Some(off)) => (None, known(off)?),
    };
    let mut parameters = BTreeMap::new();
    for custom in controls
        .security_control_custom_parameters
        .unwrap_or_default()
    {
        let id = custom.security_control_id.ok_or_else(|| {
            ShError::invalid("SecurityControlCustomParameters need SecurityControlId")
        })?;
        let control = security_control(&id)
            .ok_or_else(|| ShError::invalid(format!("Invalid security control id {id}")))?;
        let wire = check_parameters(control, &custom.parameters.unwrap_or_default())?;
        parameters.insert(control.id.to_string(), wire);
    }
    Ok(Effect {
        service_enabled: true,
        standards,
        enabled_only,
        disabled,
        parameters,
    })
}

/// The caller's organization, checked to be centrally configured from here.
fn central_admin(world: &World, caller: &Caller) -> Result<String, ShError> {
    let hub = own_hub(world, caller)?;
    let org_id = administered_org(world, &caller.region, &caller.account_id).ok_or_else(|| {
        ShError::AccessDenied(format!(
            "Account {} is not the delegated Security Hub administrator of its organization",
            caller.account_id
        ))
    })?;
    if hub.org_config.configuration_type != "CENTRAL" || hub.aggregator.is_none() {
        return Err(ShError::AccessDenied(
            "Central configuration is not turned on: call UpdateOrganizationConfiguration with ConfigurationType CENTRAL from the home Region first"
                .to_string(),
        ));
    }
    Ok(org_id)
}

fn check_name(name: &str) -> Result<(), ShError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "-.!*/ _".contains(c);
    if name.is_empty() || name.chars().count() > 128 || !name.chars().all(allowed) {
        return Err(ShError::invalid(
            "Name must be 1 to 128 alphanumeric characters or - . ! * /",
        ));
    }
    Ok(())
}

/// The policy an identifier (ARN or id) names in the caller's hub.
fn policy_id(world: &World, caller: &Caller, identifier: &str) -> Result<String, ShError> {
    let hub = own_hub(world, caller)?;
    hub.policies
        .values()
        .find(|p| p.id == identifier || p.arn == identifier)
        .map(|p| p.id.clone())
        .ok_or_else(|| ShError::not_found(format!("Configuration policy {identifier} not found")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    pub arn: String,
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub updated_at: String,
    pub created_at: String,
    pub configuration_policy: Value,
}

impl PolicyOutput {
    fn of(p: &ConfigPolicy) -> Self {
        PolicyOutput {
            arn: p.arn.clone(),
            id: p.id.clone(),
            name: p.name.clone(),
            description: p.description.clone(),
            updated_at: iso8601(p.updated_ms),
            created_at: iso8601(p.created_ms),
            configuration_policy: p.policy.clone(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConfigurationPolicyInput {
    pub name: String,
    pub description: Option<String>,
    pub configuration_policy: Value,
    pub tags: Option<BTreeMap<String, String>>,
}

pub fn create_configuration_policy(
    world: &mut World,
    caller: &Caller,
    input: CreateConfigurationPolicyInput,
) -> Result<PolicyOutput, ShError> {
    check_name(&input.name)?;
    let description = input.description.unwrap_or_default();
    if description.chars().count() > 512 {
        return Err(ShError::invalid(
            "Description can have up to 512 characters",
        ));
    }
    check_policy(&input.configuration_policy)?;
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    central_admin(world, caller)?;
    let hub = own_hub(world, caller)?;
    if hub.policies.values().any(|p| p.name == input.name) {
        return Err(ShError::Conflict(format!(
            "A configuration policy named {} already exists",
            input.name
        )));
    }
    if hub.policies.len() >= POLICY_LIMIT {
        return Err(ShError::LimitExceeded(format!(
            "You can have up to {POLICY_LIMIT} configuration policies"
        )));
    }
    let now = world.clock.now_ms();
    let id = world.ids.uuid();
    let policy = ConfigPolicy {
        arn: format!(
            "arn:aws:securityhub:{}:{}:configuration-policy/{id}",
            caller.region, caller.account_id
        ),
        id: id.clone(),
        name: input.name,
        description,
        policy: input.configuration_policy,
        created_ms: now,
        updated_ms: now,
        tags,
    };
    let out = PolicyOutput::of(&policy);
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .policies
        .insert(id, policy);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyIdentifierInput {
    pub identifier: String,
}

pub fn get_configuration_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyIdentifierInput,
) -> Result<PolicyOutput, ShError> {
    central_admin(world, caller)?;
    let id = policy_id(world, caller, &input.identifier)?;
    let hub = own_hub(world, caller)?;
    Ok(PolicyOutput::of(&hub.policies[&id]))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateConfigurationPolicyInput {
    pub identifier: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub updated_reason: Option<String>,
    pub configuration_policy: Option<Value>,
}

pub fn update_configuration_policy(
    world: &mut World,
    caller: &Caller,
    input: UpdateConfigurationPolicyInput,
) -> Result<PolicyOutput, ShError> {
    if let Some(n) = &input.name {
        check_name(n)?;
    }
    if let Some(p) = &input.configuration_policy {
        check_policy(p)?;
    }
    let org_id = central_admin(world, caller)?;
    let id = policy_id(world, caller, &input.identifier)?;
    let hub = own_hub(world, caller)?;
    if let Some(n) = &input.name {
        if hub.policies.values().any(|p| p.name == *n && p.id != id) {
            return Err(ShError::Conflict(format!(
                "A configuration policy named {n} already exists"
            )));
        }
    }
    let now = world.clock.now_ms();
    let policy = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .policies
        .get_mut(&id)
        .expect("located");
    if let Some(n) = input.name {
        policy.name = n;
    }
    if let Some(d) = input.description {
        policy.description = d;
    }
    if let Some(p) = input.configuration_policy {
        policy.policy = p;
    }
    policy.updated_ms = now;
    let out = PolicyOutput::of(policy);
    apply_central_configuration(world, &caller.region, &caller.account_id, &org_id);
    Ok(out)
}

pub fn delete_configuration_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyIdentifierInput,
) -> Result<Empty, ShError> {
    central_admin(world, caller)?;
    let id = policy_id(world, caller, &input.identifier)?;
    let hub = own_hub(world, caller)?;
    if hub.associations.values().any(|a| a.configuration == id) {
        return Err(ShError::Conflict(format!(
            "Configuration policy {id} is associated with targets; disassociate them first"
        )));
    }
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .policies
        .remove(&id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicySummary {
    pub arn: String,
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub updated_at: String,
    pub service_enabled: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConfigurationPoliciesOutput {
    pub configuration_policy_summaries: Vec<PolicySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_configuration_policies(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<ListConfigurationPoliciesOutput, ShError> {
    central_admin(world, caller)?;
    let hub = own_hub(world, caller)?;
    let listing = format!("ListConfigurationPolicies {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let items = hub
        .policies
        .values()
        .filter(|p| after.as_ref().is_none_or(|a| p.id > *a));
    let (items, next) = take_page(items, max, |p| p.id.clone());
    Ok(ListConfigurationPoliciesOutput {
        configuration_policy_summaries: items
            .into_iter()
            .map(|p| PolicySummary {
                arn: p.arn.clone(),
                id: p.id.clone(),
                name: p.name.clone(),
                description: p.description.clone(),
                updated_at: iso8601(p.updated_ms),
                service_enabled: p.policy["SecurityHub"]["ServiceEnabled"] == true,
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

/// A `Target` union: exactly one of its members.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Target {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizational_unit_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_id: Option<String>,
}

/// (target id, `TargetType`) of a target in the organization.
fn resolve_target(
    world: &World,
    org_id: &str,
    target: &Target,
) -> Result<(String, &'static str), ShError> {
    let org = world
        .organizations
        .organizations
        .get(org_id)
        .ok_or_else(|| ShError::invalid("The organization no longer exists"))?;
    match (
        &target.account_id,
        &target.organizational_unit_id,
        &target.root_id,
    ) {
        (Some(a), None, None) => {
            if !org.members.contains_key(a.as_str()) {
                return Err(ShError::not_found(format!(
                    "Account {a} is not a member of organization {org_id}"
                )));
            }
            Ok((a.clone(), "ACCOUNT"))
        }
        (None, Some(ou), None) => {
            if !org.ous.contains_key(ou) {
                return Err(ShError::not_found(format!(
                    "Organizational unit {ou} not found in organization {org_id}"
                )));
            }
            Ok((ou.clone(), "ORGANIZATIONAL_UNIT"))
        }
        (None, None, Some(root)) => {
            if *root != org.root.id {
                return Err(ShError::not_found(format!(
                    "Root {root} not found in organization {org_id}"
                )));
            }
            Ok((root.clone(), "ROOT"))
        }
        _ => Err(ShError::invalid(
            "Target must name exactly one of AccountId, OrganizationalUnitId and RootId",
        )),
    }
}

/// The containers above a target, nearest first (an account's parent OU … root).
fn ancestors(world: &World, org_id: &str, target_id: &str) -> Vec<String> {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return Vec::new();
    };
    let parent = if let Some(member) = org.members.get(target_id) {
        member.parent_id.to_string()
    } else if let Some(ou) = org.ous.get(target_id) {
        ou.parent_id.clone()
    } else {
        return Vec::new();
    };
    let mut chain = org.lineage(&parent);
    chain.reverse();
    chain
}

/// What governs a target: (configuration, `AssociationType`, the association it
/// comes from — none when nothing anywhere was applied).
fn effective<'h>(
    world: &World,
    hub: &'h super::model::Hub,
    org_id: &str,
    target_id: &str,
) -> (String, &'static str, Option<&'h AppliedAssociation>) {
    if let Some(applied) = hub.associations.get(target_id) {
        return (applied.configuration.clone(), "APPLIED", Some(applied));
    }
    for ancestor in ancestors(world, org_id, target_id) {
        if let Some(applied) = hub.associations.get(&ancestor) {
            return (applied.configuration.clone(), "INHERITED", Some(applied));
        }
    }
    (SELF_MANAGED.to_string(), "INHERITED", None)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationWire {
    pub configuration_policy_id: String,
    pub target_id: String,
    pub target_type: &'static str,
    pub association_type: &'static str,
    pub updated_at: String,
    pub association_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub association_status_message: Option<String>,
}

fn association_wire(
    world: &World,
    hub: &super::model::Hub,
    org_id: &str,
    target_id: &str,
    target_type: &'static str,
) -> AssociationWire {
    let (configuration, association_type, source) = effective(world, hub, org_id, target_id);
    let disables = hub
        .policies
        .get(&configuration)
        .is_some_and(|p| p.policy["SecurityHub"]["ServiceEnabled"] == false);
    let (status, message) = if disables && target_id == hub.account_id {
        (
            "FAILED",
            Some(
                "Security Hub can't be disabled in the delegated administrator account".to_string(),
            ),
        )
    } else if source.is_some_and(|s| s.requested_at >= world.request_count) {
        ("PENDING", None)
    } else {
        ("SUCCESS", None)
    };
    AssociationWire {
        configuration_policy_id: configuration,
        target_id: target_id.to_string(),
        target_type,
        association_type,
        updated_at: iso8601(source.map_or(hub.subscribed_ms, |s| s.updated_ms)),
        association_status: status,
        association_status_message: message,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartAssociationInput {
    pub configuration_policy_identifier: String,
    pub target: Target,
}

/// A policy identifier or `SELF_MANAGED_SECURITY_HUB`, as the configuration id.
fn configuration_id(world: &World, caller: &Caller, identifier: &str) -> Result<String, ShError> {
    if identifier == SELF_MANAGED {
        Ok(SELF_MANAGED.to_string())
    } else {
        policy_id(world, caller, identifier)
    }
}

pub fn start_configuration_policy_association(
    world: &mut World,
    caller: &Caller,
    input: StartAssociationInput,
) -> Result<AssociationWire, ShError> {
    let org_id = central_admin(world, caller)?;
    let configuration = configuration_id(world, caller, &input.configuration_policy_identifier)?;
    let (target_id, target_type) = resolve_target(world, &org_id, &input.target)?;
    let now = world.clock.now_ms();
    let request = world.request_count;
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .associations
        .insert(
            target_id.clone(),
            AppliedAssociation {
                configuration,
                target_type: target_type.to_string(),
                updated_ms: now,
                requested_at: request,
            },
        );
    apply_central_configuration(world, &caller.region, &caller.account_id, &org_id);
    let hub = own_hub(world, caller)?;
    Ok(association_wire(
        world,
        hub,
        &org_id,
        &target_id,
        target_type,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartDisassociationInput {
    pub target: Option<Target>,
    pub configuration_policy_identifier: String,
}

pub fn start_configuration_policy_disassociation(
    world: &mut World,
    caller: &Caller,
    input: StartDisassociationInput,
) -> Result<Empty, ShError> {
    let org_id = central_admin(world, caller)?;
    let configuration = configuration_id(world, caller, &input.configuration_policy_identifier)?;
    let target = input
        .target
        .ok_or_else(|| ShError::invalid("Target is required"))?;
    let (target_id, _) = resolve_target(world, &org_id, &target)?;
    let hub = own_hub(world, caller)?;
    if hub
        .associations
        .get(&target_id)
        .is_none_or(|a| a.configuration != configuration)
    {
        return Err(ShError::not_found(format!(
            "Target {target_id} has no association applied with {configuration}"
        )));
    }
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .associations
        .remove(&target_id);
    apply_central_configuration(world, &caller.region, &caller.account_id, &org_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAssociationInput {
    pub target: Target,
}

pub fn get_configuration_policy_association(
    world: &mut World,
    caller: &Caller,
    input: GetAssociationInput,
) -> Result<AssociationWire, ShError> {
    let org_id = central_admin(world, caller)?;
    let (target_id, target_type) = resolve_target(world, &org_id, &input.target)?;
    let hub = own_hub(world, caller)?;
    Ok(association_wire(
        world,
        hub,
        &org_id,
        &target_id,
        target_type,
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationIdentifier {
    pub target: Option<Target>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetAssociationsInput {
    pub configuration_policy_association_identifiers: Vec<AssociationIdentifier>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentifierWire {
    pub target: Target,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedAssociation {
    pub configuration_policy_association_identifiers: IdentifierWire,
    pub error_code: String,
    pub error_reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetAssociationsOutput {
    pub configuration_policy_associations: Vec<AssociationWire>,
    pub unprocessed_configuration_policy_associations: Vec<UnprocessedAssociation>,
}

pub fn batch_get_configuration_policy_associations(
    world: &mut World,
    caller: &Caller,
    input: BatchGetAssociationsInput,
) -> Result<BatchGetAssociationsOutput, ShError> {
    let ids = input.configuration_policy_association_identifiers;
    if ids.is_empty() || ids.len() > 100 {
        return Err(ShError::invalid(
            "ConfigurationPolicyAssociationIdentifiers must contain between 1 and 100 identifiers",
        ));
    }
    let org_id = central_admin(world, caller)?;
    let hub = own_hub(world, caller)?;
    let mut found = Vec::new();
    let mut unprocessed = Vec::new();
    for id in ids {
        let target = id.target.unwrap_or_default();
        match resolve_target(world, &org_id, &target) {
            Ok((target_id, target_type)) => found.push(association_wire(
                world,
                hub,
                &org_id,
                &target_id,
                target_type,
            )),
            Err(e) => {
                let (code, reason) = match e {
                    ShError::NotFound(m) => ("ResourceNotFoundException", m),
                    ShError::InvalidInput(m) => ("InvalidInputException", m),
                    other => ("InternalException", format!("{other:?}")),
                };
                unprocessed.push(UnprocessedAssociation {
                    configuration_policy_association_identifiers: IdentifierWire { target },
                    error_code: code.to_string(),
                    error_reason: reason,
                });
            }
        }
    }
    Ok(BatchGetAssociationsOutput {
        configuration_policy_associations: found,
        unprocessed_configuration_policy_associations: unprocessed,
    })
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationTypeFilter {
    Inherited,
    Applied,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationStatusFilter {
    Pending,
    Success,
    Failed,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationFilters {
    pub configuration_policy_id: Option<String>,
    pub association_type: Option<AssociationTypeFilter>,
    pub association_status: Option<AssociationStatusFilter>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssociationsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub filters: Option<AssociationFilters>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssociationsOutput {
    pub configuration_policy_association_summaries: Vec<AssociationWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Every target of the organization: the root, its OUs, its accounts.
fn all_targets(world: &World, org_id: &str) -> Vec<(String, &'static str)> {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return Vec::new();
    };
    let mut targets = vec![(org.root.id.clone(), "ROOT")];
    targets.extend(org.ous.keys().map(|id| (id.clone(), "ORGANIZATIONAL_UNIT")));
    targets.extend(org.members.keys().map(|id| (id.to_string(), "ACCOUNT")));
    targets
}

pub fn list_configuration_policy_associations(
    world: &mut World,
    caller: &Caller,
    input: ListAssociationsInput,
) -> Result<ListAssociationsOutput, ShError> {
    let org_id = central_admin(world, caller)?;
    let filters = input.filters.unwrap_or_default();
    let wanted_policy = match filters.configuration_policy_id.as_deref() {
        None => None,
        Some(id) => Some(configuration_id(world, caller, id)?),
    };
    let hub = own_hub(world, caller)?;
    let listing = format!("ListConfigurationPolicyAssociations {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let all: Vec<AssociationWire> = all_targets(world, &org_id)
        .into_iter()
        .map(|(id, kind)| association_wire(world, hub, &org_id, &id, kind))
        .filter(|a| {
            wanted_policy
                .as_ref()
                .is_none_or(|p| a.configuration_policy_id == *p)
        })
        .filter(|a| {
            filters.association_type.is_none_or(|t| {
                a.association_type
                    == match t {
                        AssociationTypeFilter::Applied => "APPLIED",
                        AssociationTypeFilter::Inherited => "INHERITED",
                    }
            })
        })
        .filter(|a| {
            filters.association_status.is_none_or(|s| {
                a.association_status
                    == match s {
                        AssociationStatusFilter::Pending => "PENDING",
                        AssociationStatusFilter::Success => "SUCCESS",
                        AssociationStatusFilter::Failed => "FAILED",
                    }
            })
        })
        .collect();
    let items = all.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(ListAssociationsOutput {
        configuration_policy_association_summaries: items.into_iter().map(|(_, a)| a).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

/// Puts every account of the organization in the state its effective configuration
/// asks for, in the administrator's home Region and the Regions linked to it.
/// Self-managed accounts are left as they are.
pub fn apply_central_configuration(world: &mut World, home: &str, admin: &str, org_id: &str) {
    let Some(hub) = world.securityhub.hub(home, admin) else {
        return;
    };
    if hub.org_config.configuration_type != "CENTRAL" {
        return;
    }
    let accounts: Vec<String> = world
        .organizations
        .organizations
        .get(org_id)
        .map(|o| o.members.keys().map(ToString::to_string).collect())
        .unwrap_or_default();
    let mut regions = vec![home.to_string()];
    regions.extend(linked_regions(world, home, admin));
    let mut plan = Vec::new();
    for account in accounts {
        let (configuration, _, _) = effective(world, hub, org_id, &account);
        let Some(policy) = hub.policies.get(&configuration) else {
            continue;
        };
        let Ok(effect) = check_policy(&policy.policy) else {
            continue;
        };
        plan.push((account, effect));
    }
    for (account, effect) in plan {
        for region in &regions {
            apply_effect(world, region, admin, &account, &effect);
        }
    }
}

fn apply_effect(world: &mut World, region: &str, admin: &str, account: &str, effect: &Effect) {
    if !effect.service_enabled {
        // The administrator keeps Security Hub: its association reports FAILED.
        if account == admin {
            return;
        }
        org_integration::release_member::<SecurityHub>(world, region, admin, account);
        world.securityhub.account_mut(region, account).hub = None;
        return;
    }
    if account != admin {
        if world.securityhub.hub(region, admin).is_none() {
            return;
        }
        org_integration::enroll::<SecurityHub>(
            world,
            region,
            admin,
            account,
            Enrollment::AutoEnable,
        );
    }
    if world.securityhub.hub(region, account).is_none() {
        return;
    }
    let now = world.clock.now_ms();
    let request = world.request_count;
    let hub = world.securityhub.hub_mut(region, account);
    let wanted: Vec<&'static super::controls_catalog::Standard> = effect
        .standards
        .iter()
        .filter_map(|arn| {
            STANDARDS
                .iter()
                .find(|s| arn.ends_with(&format!("/{}", s.path)))
                .or_else(|| standard_by_arn(arn, region))
        })
        .collect();
    let keep: BTreeSet<String> = wanted.iter().map(|s| s.arn(region)).collect();
    let stale: Vec<String> = hub
        .standards
        .keys()
        .filter(|arn| !keep.contains(*arn))
        .cloned()
        .collect();
    for arn in stale {
        hub.standards.remove(&arn);
    }
    for standard in &wanted {
        let arn = standard.arn(region);
        if !hub.standards.contains_key(&arn) {
            hub.standards.insert(
                arn.clone(),
                Subscription {
                    standards_arn: arn.clone(),
                    subscription_arn: standard.subscription_arn(region, account),
                    input: BTreeMap::new(),
                    requested_at: request,
                    enabled_ms: now,
                    disabled_controls: BTreeMap::new(),
                },
            );
        }
        let subscription = hub.standards.get_mut(&arn).expect("inserted");
        for (id, control) in standard.controls() {
            let off = match &effect.enabled_only {
                Some(on) => !on.contains(control.id),
                None => effect.disabled.contains(control.id),
            };
            if off {
                subscription
                    .disabled_controls
                    .entry(id)
                    .or_insert_with(|| DisabledControl {
                        reason: "Disabled by the configuration policy".to_string(),
                        updated_ms: now,
                    });
            } else {
                subscription.disabled_controls.remove(&id);
            }
        }
    }
    for (control, parameters) in &effect.parameters {
        hub.control_parameters.insert(
            control.clone(),
            ControlParameters {
                parameters: parameters.clone(),
                reason: Some("Set by the configuration policy".to_string()),
                updated_ms: now,
            },
        );
    }
}

/// An account joined: the central configuration its new place asks for.
pub fn on_account_joined(world: &mut World, org_id: &str) {
    let admins = org_integration::admins_of::<SecurityHub>(world, org_id);
    for (region, admin) in admins {
        apply_central_configuration(world, &region, &admin, org_id);
    }
}
