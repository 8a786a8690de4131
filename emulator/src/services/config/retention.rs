//! The retention configuration: one per account and region, always named `default`,
//! keeping configuration items 30 to 2557 days (AWS's range).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::Empty;
use crate::auth::Caller;
use crate::world::World;

const NAME: &str = "default";

fn no_such(name: &str) -> ConfigError {
    ConfigError::NoSuchRetentionConfiguration(format!(
        "Cannot find retention configuration with the specified name '{name}'."
    ))
}

fn wire(days: i64) -> Value {
    json!({"Name": NAME, "RetentionPeriodInDays": days})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRetentionInput {
    pub retention_period_in_days: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRetentionOutput {
    pub retention_configuration: Value,
}

pub fn put_retention_configuration(
    world: &mut World,
    caller: &Caller,
    input: PutRetentionInput,
) -> Result<PutRetentionOutput, ConfigError> {
    let days = input.retention_period_in_days;
    if days < 30 {
        return Err(ConfigError::constraint(
            "retentionPeriodInDays",
            &days.to_string(),
            "Member must have value greater than or equal to 30",
        ));
    }
    if days > 2557 {
        return Err(ConfigError::constraint(
            "retentionPeriodInDays",
            &days.to_string(),
            "Member must have value less than or equal to 2557",
        ));
    }
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .retention_days = Some(days);
    Ok(PutRetentionOutput {
        retention_configuration: wire(days),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRetentionInput {
    #[serde(default)]
    pub retention_configuration_names: Vec<String>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRetentionOutput {
    pub retention_configurations: Vec<Value>,
}

pub fn describe_retention_configurations(
    world: &mut World,
    caller: &Caller,
    input: DescribeRetentionInput,
) -> Result<DescribeRetentionOutput, ConfigError> {
    if input.retention_configuration_names.len() > 1 {
        return Err(ConfigError::InvalidParameterValue(
            "Value '[...]' at 'retentionConfigurationNames' failed to satisfy constraint: Member must have length less than or equal to 1".to_string(),
        ));
    }
    if input.next_token.as_deref().is_some_and(|t| !t.is_empty()) {
        return Err(ConfigError::bad_token());
    }
    let days = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.retention_days);
    if let Some(name) = input.retention_configuration_names.first() {
        if name != NAME || days.is_none() {
            return Err(no_such(name));
        }
    }
    Ok(DescribeRetentionOutput {
        retention_configurations: days.map(wire).into_iter().collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteRetentionInput {
    pub retention_configuration_name: String,
}

pub fn delete_retention_configuration(
    world: &mut World,
    caller: &Caller,
    input: DeleteRetentionInput,
) -> Result<Empty, ConfigError> {
    let name = input.retention_configuration_name;
    let days = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.retention_days);
    if name != NAME || days.is_none() {
        return Err(no_such(&name));
    }
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .retention_days = None;
    Ok(Empty {})
}
