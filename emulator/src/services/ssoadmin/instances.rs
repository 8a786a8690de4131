//! Instances: the organization instance (made once trusted access is on), account
//! instances (CreateInstance), Describe/List/Update/DeleteInstance, attribute-based
//! access control configuration, and the instance's Regions.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{self, instance};
use super::errors::SsoError;
use super::model::{Instance, Tag};
use super::permission_sets::{check_tags, TagInput};
use super::{check_length, page, provisioning, token, Empty, SERVICE_PRINCIPAL};
use crate::auth::Caller;
use crate::services::identitystore::model::IdentityStore;
use crate::services::organizations::delegation;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

/// Creates the organization instance of the caller's organization if the management
/// account has turned on trusted access for `sso.amazonaws.com` and it has none yet.
pub fn ensure_org_instance(world: &mut World, caller: &Caller) {
    let Some(org) = world.organizations.organization_of(&caller.account_id) else {
        return;
    };
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL)
        || world.ssoadmin.org_instances.contains_key(&org.id)
    {
        return;
    }
    let (org_id, management) = (org.id.clone(), org.management_account_id.clone());
    let members: Vec<String> = org.members.keys().map(ToString::to_string).collect();
    let arn = new_instance(
        world,
        &management,
        Some(org_id.clone()),
        None,
        &caller.region,
        Vec::new(),
    );
    world.ssoadmin.org_instances.insert(org_id, arn);
    for account in members {
        crate::services::iam::service_linked::ensure(world, &account, SERVICE_PRINCIPAL);
    }
}

/// Makes an instance and its identity store; returns the instance ARN.
fn new_instance(
    world: &mut World,
    owner: &str,
    organization_id: Option<String>,
    name: Option<String>,
    region: &str,
    tags: Vec<Tag>,
) -> String {
    let arn = format!("arn:aws:sso:::instance/ssoins-{}", world.ids.hex(16));
    let store_id = format!("d-{}", world.ids.hex(10));
    let saml_hex = world.ids.hex(16);
    let now = world.clock.now_ms();
    world.identitystore.stores.insert(
        store_id.clone(),
        IdentityStore::new(&store_id, owner, organization_id.clone()),
    );
    world.ssoadmin.instances.insert(
        arn.clone(),
        Instance {
            arn: arn.clone(),
            identity_store_id: store_id,
            owner_account: owner.to_string(),
            name,
            created_ms: now,
            organization_id,
            region: region.to_string(),
            saml_hex,
            tags,
            access_control_attributes: None,
            access_control_created_ms: 0,
            added_regions: Default::default(),
        },
    );
    arn
}

fn instance_json(instance: &Instance) -> Value {
    let mut out = json!({
        "InstanceArn": instance.arn,
        "IdentityStoreId": instance.identity_store_id,
        "OwnerAccountId": instance.owner_account,
        "CreatedDate": epoch_seconds(instance.created_ms),
        "Status": "ACTIVE",
    });
    if let Some(name) = &instance.name {
        out["Name"] = json!(name);
    }
    out
}

fn check_name(name: &str) -> Result<(), SsoError> {
    check_length("Name", name, 0, 255)?;
    if !name.is_empty()
        && !name
            .chars()
            .all(|c| c.is_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Err(SsoError::constraint(
            "Name",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateInstanceInput {
    pub name: Option<String>,
    pub client_token: Option<String>,
    pub tags: Option<Vec<TagInput>>,
}

/// An account instance, for a standalone account or a member account. The management
/// account's instance is the organization instance, which trusted access brings.
pub fn create_instance(
    world: &mut World,
    caller: &Caller,
    input: CreateInstanceInput,
) -> Result<Value, SsoError> {
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    let tags = check_tags(input.tags.unwrap_or_default())?;
    let org = world.organizations.organization_of(&caller.account_id);
    if org.is_some_and(|o| o.management_account_id == caller.account_id) {
        return Err(SsoError::Validation(
            "The management account of an organization cannot create an account instance of IAM Identity Center; enable the organization instance instead.".into(),
        ));
    }
    let owned = world
        .ssoadmin
        .instances
        .values()
        .any(|i| i.owner_account == caller.account_id);
    if owned {
        return Err(SsoError::Conflict(
            "The account already has an instance of IAM Identity Center.".into(),
        ));
    }
    let arn = new_instance(
        world,
        &caller.account_id,
        None,
        input.name,
        &caller.region,
        tags,
    );
    Ok(json!({ "InstanceArn": arn }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceRef {
    pub instance_arn: String,
}

pub fn describe_instance(
    world: &mut World,
    caller: &Caller,
    input: InstanceRef,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "DescribeInstance", &input.instance_arn)?;
    let mut out = instance_json(access.instance);
    out["EncryptionConfigurationDetails"] = json!({
        "KeyType": "AWS_OWNED_KMS_KEY",
        "EncryptionStatus": "ENABLED",
    });
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

/// The instances the caller owns, and the organization instance for its delegated
/// administrator.
pub fn list_instances(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<Value, SsoError> {
    let listing = format!("ListInstances {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let visible = world.ssoadmin.instances.values().filter(|i| {
        i.owner_account == caller.account_id
            || i.organization_id
                .as_ref()
                .is_some_and(|org| access::is_delegated_admin(world, caller, org))
    });
    let visible = visible.filter(|i| after.as_deref().is_none_or(|a| i.arn.as_str() > a));
    let (items, next) = take_page(visible, max, |i| i.arn.clone());
    let items: Vec<Value> = items.into_iter().map(instance_json).collect();
    let mut out = json!({ "Instances": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateInstanceInput {
    pub instance_arn: String,
    pub name: Option<String>,
    pub encryption_configuration: Option<Value>,
}

pub fn update_instance(
    world: &mut World,
    caller: &Caller,
    input: UpdateInstanceInput,
) -> Result<Empty, SsoError> {
    let access = instance(world, caller, "UpdateInstance", &input.instance_arn)?;
    if access.delegated {
        return Err(SsoError::AccessDenied(
            "Only the account that owns the instance can update it.".into(),
        ));
    }
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    if let Some(instance) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        if input.name.is_some() {
            instance.name = input.name;
        }
    }
    Ok(Empty {})
}

/// Only the owner deletes an instance; its permission sets, assignments, provisioned
/// roles and identity store go with it.
pub fn delete_instance(
    world: &mut World,
    caller: &Caller,
    input: InstanceRef,
) -> Result<Empty, SsoError> {
    let access = instance(world, caller, "DeleteInstance", &input.instance_arn)?;
    if access.delegated {
        return Err(SsoError::AccessDenied(
            "Neither the delegated administrator nor a member account can delete the organization instance.".into(),
        ));
    }
    let instance = access.instance.clone();
    provisioning::forget_instance(world, &instance);
    world
        .identitystore
        .stores
        .remove(&instance.identity_store_id);
    if let Some(org_id) = &instance.organization_id {
        world.ssoadmin.org_instances.remove(org_id);
    }
    world.ssoadmin.instances.remove(&instance.arn);
    Ok(Empty {})
}

// ---- Attribute-based access control -------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessControlInput {
    pub instance_arn: String,
    pub instance_access_control_attribute_configuration: Value,
}

fn check_access_control(config: &Value) -> Result<(), SsoError> {
    let Some(attributes) = config
        .get("AccessControlAttributes")
        .and_then(Value::as_array)
    else {
        return Err(SsoError::Validation(
            "1 validation error detected: Value null at 'instanceAccessControlAttributeConfiguration.accessControlAttributes' failed to satisfy constraint: Member must not be null".into(),
        ));
    };
    if attributes.len() > 50 {
        return Err(SsoError::Validation(
            "1 validation error detected: Value at 'instanceAccessControlAttributeConfiguration.accessControlAttributes' failed to satisfy constraint: Member must have length less than or equal to 50".into(),
        ));
    }
    for attribute in attributes {
        let key = attribute.get("Key").and_then(Value::as_str).unwrap_or("");
        check_length("AccessControlAttributes.Key", key, 1, 128)?;
        let sources = attribute
            .pointer("/Value/Source")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        if sources != 1 {
            return Err(SsoError::Validation(format!(
                "1 validation error detected: Value at 'accessControlAttributes.{key}.value.source' failed to satisfy constraint: Member must have length between 1 and 1"
            )));
        }
    }
    Ok(())
}

pub fn create_access_control_attributes(
    world: &mut World,
    caller: &Caller,
    input: AccessControlInput,
) -> Result<Empty, SsoError> {
    let access = instance(
        world,
        caller,
        "CreateInstanceAccessControlAttributeConfiguration",
        &input.instance_arn,
    )?;
    check_access_control(&input.instance_access_control_attribute_configuration)?;
    if access.instance.access_control_attributes.is_some() {
        return Err(SsoError::Conflict(
            "An attribute-based access control configuration already exists for this instance."
                .into(),
        ));
    }
    let now = world.clock.now_ms();
    if let Some(i) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        i.access_control_attributes = Some(input.instance_access_control_attribute_configuration);
        i.access_control_created_ms = now;
    }
    Ok(Empty {})
}

pub fn describe_access_control_attributes(
    world: &mut World,
    caller: &Caller,
    input: InstanceRef,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "DescribeInstanceAccessControlAttributeConfiguration",
        &input.instance_arn,
    )?;
    let config = access
        .instance
        .access_control_attributes
        .clone()
        .ok_or_else(|| {
            SsoError::NotFound(
                "No attribute-based access control configuration exists for this instance.".into(),
            )
        })?;
    Ok(json!({
        "Status": "ENABLED",
        "InstanceAccessControlAttributeConfiguration": config,
    }))
}

pub fn update_access_control_attributes(
    world: &mut World,
    caller: &Caller,
    input: AccessControlInput,
) -> Result<Empty, SsoError> {
    let access = instance(
        world,
        caller,
        "UpdateInstanceAccessControlAttributeConfiguration",
        &input.instance_arn,
    )?;
    check_access_control(&input.instance_access_control_attribute_configuration)?;
    if access.instance.access_control_attributes.is_none() {
        return Err(SsoError::NotFound(
            "No attribute-based access control configuration exists for this instance.".into(),
        ));
    }
    if let Some(i) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        i.access_control_attributes = Some(input.instance_access_control_attribute_configuration);
    }
    Ok(Empty {})
}

pub fn delete_access_control_attributes(
    world: &mut World,
    caller: &Caller,
    input: InstanceRef,
) -> Result<Empty, SsoError> {
    let access = instance(
        world,
        caller,
        "DeleteInstanceAccessControlAttributeConfiguration",
        &input.instance_arn,
    )?;
    if access.instance.access_control_attributes.is_none() {
        return Err(SsoError::NotFound(
            "No attribute-based access control configuration exists for this instance.".into(),
        ));
    }
    if let Some(i) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        i.access_control_attributes = None;
    }
    Ok(Empty {})
}

// ---- Regions ------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionInput {
    pub instance_arn: String,
    pub region_name: String,
}

fn check_region(name: &str) -> Result<(), SsoError> {
    if !crate::services::config::ALL_REGIONS.contains(&name) {
        return Err(SsoError::Validation(format!(
            "The Region {name} is not a valid commercial AWS Region."
        )));
    }
    Ok(())
}

fn region_json(instance: &Instance, name: &str) -> Option<Value> {
    if name == instance.region {
        return Some(json!({
            "RegionName": name,
            "Status": "ACTIVE",
            "AddedDate": epoch_seconds(instance.created_ms),
            "IsPrimaryRegion": true,
        }));
    }
    instance.added_regions.get(name).map(|added| {
        json!({
            "RegionName": name,
            "Status": "ACTIVE",
            "AddedDate": epoch_seconds(*added),
            "IsPrimaryRegion": false,
        })
    })
}

/// Regions become `ACTIVE` at once (AWS: `ADDING` for a while).
pub fn add_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "AddRegion", &input.instance_arn)?;
    check_region(&input.region_name)?;
    if region_json(access.instance, &input.region_name).is_some() {
        return Err(SsoError::Conflict(format!(
            "The Region {} is already enabled for this instance.",
            input.region_name
        )));
    }
    if access.instance.added_regions.len() >= 16 {
        return Err(SsoError::ServiceQuotaExceeded(
            "The instance has reached the maximum number of Regions.".into(),
        ));
    }
    let now = world.clock.now_ms();
    if let Some(i) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        i.added_regions.insert(input.region_name, now);
    }
    Ok(json!({"Status": "ACTIVE"}))
}

pub fn remove_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "RemoveRegion", &input.instance_arn)?;
    check_region(&input.region_name)?;
    if input.region_name == access.instance.region {
        return Err(SsoError::Validation(
            "The primary Region of an instance cannot be removed.".into(),
        ));
    }
    if !access
        .instance
        .added_regions
        .contains_key(&input.region_name)
    {
        return Err(SsoError::NotFound(format!(
            "The Region {} is not enabled for this instance.",
            input.region_name
        )));
    }
    if let Some(i) = world.ssoadmin.instances.get_mut(&input.instance_arn) {
        i.added_regions.remove(&input.region_name);
    }
    Ok(json!({"Status": "REMOVING"}))
}

pub fn describe_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "DescribeRegion", &input.instance_arn)?;
    region_json(access.instance, &input.region_name).ok_or_else(|| {
        SsoError::NotFound(format!(
            "The Region {} is not enabled for this instance.",
            input.region_name
        ))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRegionsInput {
    pub instance_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_regions(
    world: &mut World,
    caller: &Caller,
    input: ListRegionsInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "ListRegions", &input.instance_arn)?;
    let listing = format!("ListRegions {}", input.instance_arn);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let mut names: Vec<&str> = std::iter::once(access.instance.region.as_str())
        .chain(access.instance.added_regions.keys().map(String::as_str))
        .collect();
    names.sort_unstable();
    let names = names
        .into_iter()
        .filter(|n| after.as_deref().is_none_or(|a| *n > a));
    let (names, next) = take_page(names, max, |n| n.to_string());
    let regions: Vec<Value> = names
        .into_iter()
        .filter_map(|n| region_json(access.instance, n))
        .collect();
    let mut out = json!({ "Regions": regions });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
