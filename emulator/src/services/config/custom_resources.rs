//! Third-party resources recorded with `PutResourceConfig` (types outside the `AWS::`,
//! `Alexa::` and `Custom::` namespaces), listed and queried like the others while the
//! recorder runs; `DeleteResourceConfig` removes one.

use imbl::OrdMap;
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

use super::errors::ConfigError;
use super::model::CustomResource;
use super::Empty;
use crate::auth::Caller;
use crate::world::World;

const RESERVED: &[&str] = &["AWS::", "Alexa::", "Custom::", "Amazon::"];

fn check_type(resource_type: &str) -> Result<(), ConfigError> {
    if resource_type.is_empty() || resource_type.len() > 196 {
        return Err(ConfigError::constraint(
            "resourceType",
            resource_type,
            "Member must have length between 1 and 196",
        ));
    }
    if RESERVED.iter().any(|p| resource_type.starts_with(p)) {
        return Err(ConfigError::Validation(format!(
            "The resource type {resource_type} is not a third-party resource type: AWS::, Alexa:: and Custom:: are reserved."
        )));
    }
    Ok(())
}

fn check_id(resource_id: &str) -> Result<(), ConfigError> {
    if resource_id.is_empty() || resource_id.len() > 768 {
        return Err(ConfigError::constraint(
            "resourceId",
            resource_id,
            "Member must have length between 1 and 768",
        ));
    }
    Ok(())
}

fn require_running(world: &World, caller: &Caller) -> Result<(), ConfigError> {
    let running = world
        .config
        .recorder(&caller.region, &caller.account_id)
        .is_some_and(|r| r.recording);
    if running {
        Ok(())
    } else {
        Err(ConfigError::NoRunningConfigurationRecorder(
            "There is no configuration recorder running.".to_string(),
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourceConfigInput {
    pub resource_type: String,
    pub schema_version_id: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub configuration: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

pub fn put_resource_config(
    world: &mut World,
    caller: &Caller,
    input: PutResourceConfigInput,
) -> Result<Empty, ConfigError> {
    check_type(&input.resource_type)?;
    check_id(&input.resource_id)?;
    if input.schema_version_id.is_empty() || input.schema_version_id.len() > 128 {
        return Err(ConfigError::constraint(
            "schemaVersionId",
            &input.schema_version_id,
            "Member must have length between 1 and 128",
        ));
    }
    if serde_json::from_str::<Value>(&input.configuration).is_err() {
        return Err(ConfigError::Validation(
            "The configuration is not a valid JSON document.".to_string(),
        ));
    }
    if input.tags.len() > 50 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50".to_string(),
        ));
    }
    for (k, v) in &input.tags {
        if k.is_empty() || k.chars().count() > 128 || v.chars().count() > 256 {
            return Err(ConfigError::Validation(format!(
                "The tag '{k}' breaks the limits: keys of 1 to 128 and values of up to 256 characters."
            )));
        }
    }
    require_running(world, caller)?;
    let resource = CustomResource {
        resource_type: input.resource_type.clone(),
        resource_id: input.resource_id.clone(),
        resource_name: input.resource_name,
        schema_version_id: input.schema_version_id,
        configuration: input.configuration,
        tags: input.tags.into_iter().collect::<OrdMap<_, _>>(),
        recorded_ms: world.clock.now_ms(),
    };
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .custom_resources
        .insert(
            format!("{}/{}", input.resource_type, input.resource_id),
            resource,
        );
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteResourceConfigInput {
    pub resource_type: String,
    pub resource_id: String,
}

pub fn delete_resource_config(
    world: &mut World,
    caller: &Caller,
    input: DeleteResourceConfigInput,
) -> Result<Empty, ConfigError> {
    check_type(&input.resource_type)?;
    check_id(&input.resource_id)?;
    require_running(world, caller)?;
    let key = format!("{}/{}", input.resource_type, input.resource_id);
    let known = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.custom_resources.contains_key(&key));
    if !known {
        return Err(ConfigError::Validation(format!(
            "The resource {} of type {} was not recorded with PutResourceConfig.",
            input.resource_id, input.resource_type
        )));
    }
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .custom_resources
        .remove(&key);
    Ok(Empty {})
}
