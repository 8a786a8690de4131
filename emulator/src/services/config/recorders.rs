//! The configuration recorder: one customer-managed recorder per account and region
//! (CATALOG §7), started only once a delivery channel exists.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::Recorder;
use super::Empty;
use crate::auth::Caller;
use crate::world::{epoch_seconds, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigurationRecorderInput {
    pub name: Option<String>,
    #[serde(rename = "roleARN")]
    pub role_arn: Option<String>,
    pub recording_group: Option<Value>,
    pub recording_mode: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutConfigurationRecorderInput {
    pub configuration_recorder: ConfigurationRecorderInput,
    #[serde(default)]
    pub tags: Vec<Value>,
}

/// AWS's default: every supported type except the global IAM ones.
fn default_recording_group() -> Value {
    json!({"allSupported": true, "includeGlobalResourceTypes": false, "resourceTypes": []})
}

fn recorder_arn(caller: &Caller, name: &str) -> String {
    format!(
        "arn:aws:config:{}:{}:configuration-recorder/{name}",
        caller.region, caller.account_id
    )
}

pub fn put_configuration_recorder(
    world: &mut World,
    caller: &Caller,
    input: PutConfigurationRecorderInput,
) -> Result<Empty, ConfigError> {
    let given = input.configuration_recorder;
    let name = given.name.unwrap_or_else(|| "default".to_string());
    if name.is_empty() || name.len() > 256 || name.trim().is_empty() {
        return Err(ConfigError::InvalidConfigurationRecorderName(format!(
            "The configuration recorder name '{name}' is not valid, blank string."
        )));
    }
    let role_arn = match given.role_arn {
        Some(arn) if arn.starts_with("arn:aws") && arn.contains(":iam::") => arn,
        _ => {
            return Err(ConfigError::InvalidRole(
                "The roleARN parameter must be a valid IAM role ARN.".to_string(),
            ))
        }
    };
    let uses_service_linked_role = role_arn.ends_with("/AWSServiceRoleForConfig");
    let existing = world.config.recorder(&caller.region, &caller.account_id);
    if let Some(existing) = existing {
        if existing.name != name {
            return Err(ConfigError::MaxNumberOfConfigurationRecordersExceeded(format!(
                "Failed to put configuration recorder '{name}' because the maximum number of configuration recorders: 1 is reached."
            )));
        }
    }
    let (recording, last_start_ms, last_stop_ms) = existing
        .map(|r| (r.recording, r.last_start_ms, r.last_stop_ms))
        .unwrap_or((false, None, None));
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .recorder = Some(Recorder {
        name,
        role_arn,
        recording_group: given
            .recording_group
            .unwrap_or_else(default_recording_group),
        recording_mode: given.recording_mode,
        recording,
        last_start_ms,
        last_stop_ms,
    });
    // A recorder that uses Config's service-linked role makes AWS create it.
    if uses_service_linked_role {
        crate::services::iam::service_linked::ensure(
            world,
            &caller.account_id,
            "config.amazonaws.com",
        );
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRecordersInput {
    pub configuration_recorder_names: Option<Vec<String>>,
    pub service_principal: Option<String>,
    pub arn: Option<String>,
}

/// The caller's recorder, checked against the names asked for.
fn asked_recorder<'w>(
    world: &'w World,
    caller: &Caller,
    names: &Option<Vec<String>>,
) -> Result<Option<&'w Recorder>, ConfigError> {
    let recorder = world.config.recorder(&caller.region, &caller.account_id);
    for name in names.iter().flatten() {
        if recorder.is_none_or(|r| &r.name != name) {
            return Err(no_such_recorder(name));
        }
    }
    Ok(recorder)
}

fn no_such_recorder(name: &str) -> ConfigError {
    ConfigError::NoSuchConfigurationRecorder(format!(
        "Cannot find configuration recorder with the specified name '{name}'."
    ))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRecordersOutput {
    pub configuration_recorders: Vec<Value>,
}

pub fn describe_configuration_recorders(
    world: &mut World,
    caller: &Caller,
    input: DescribeRecordersInput,
) -> Result<DescribeRecordersOutput, ConfigError> {
    let recorder = asked_recorder(world, caller, &input.configuration_recorder_names)?;
    // Service-linked recorders are not emulated: asking for one finds none.
    let customer = input.service_principal.is_none();
    let by_arn = |r: &Recorder| {
        input
            .arn
            .as_ref()
            .is_none_or(|a| *a == recorder_arn(caller, &r.name))
    };
    let configuration_recorders = recorder
        .filter(|r| customer && by_arn(r))
        .map(|r| recorder_wire(caller, r))
        .into_iter()
        .collect();
    Ok(DescribeRecordersOutput {
        configuration_recorders,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRecorderStatusOutput {
    pub configuration_recorders_status: Vec<Value>,
}

pub fn describe_configuration_recorder_status(
    world: &mut World,
    caller: &Caller,
    input: DescribeRecordersInput,
) -> Result<DescribeRecorderStatusOutput, ConfigError> {
    let recorder = asked_recorder(world, caller, &input.configuration_recorder_names)?;
    let configuration_recorders_status = recorder
        .map(|r| {
            let mut status = json!({
                "arn": recorder_arn(caller, &r.name),
                "name": r.name,
                "recording": r.recording,
            });
            if let Some(ms) = r.last_start_ms {
                status["lastStartTime"] = json!(epoch_seconds(ms));
                // orgsim delivers nothing, so a started recorder never fails.
                status["lastStatus"] = json!("Success");
                status["lastStatusChangeTime"] =
                    json!(epoch_seconds(r.last_stop_ms.unwrap_or(ms).max(ms)));
            }
            if let Some(ms) = r.last_stop_ms {
                status["lastStopTime"] = json!(epoch_seconds(ms));
            }
            status
        })
        .into_iter()
        .collect();
    Ok(DescribeRecorderStatusOutput {
        configuration_recorders_status,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RecorderNameInput {
    pub configuration_recorder_name: String,
}

/// The caller's recorder named `name`.
fn own_recorder<'w>(
    world: &'w World,
    caller: &Caller,
    name: &str,
) -> Result<&'w Recorder, ConfigError> {
    world
        .config
        .recorder(&caller.region, &caller.account_id)
        .filter(|r| r.name == name)
        .ok_or_else(|| no_such_recorder(name))
}

pub fn delete_configuration_recorder(
    world: &mut World,
    caller: &Caller,
    input: RecorderNameInput,
) -> Result<Empty, ConfigError> {
    own_recorder(world, caller, &input.configuration_recorder_name)?;
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .recorder = None;
    Ok(Empty {})
}

pub fn start_configuration_recorder(
    world: &mut World,
    caller: &Caller,
    input: RecorderNameInput,
) -> Result<Empty, ConfigError> {
    own_recorder(world, caller, &input.configuration_recorder_name)?;
    let has_channel = world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.delivery_channel.is_some());
    if !has_channel {
        return Err(ConfigError::NoAvailableDeliveryChannel(
            "Delivery channel is not available to start configuration recorder.".to_string(),
        ));
    }
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    let recorder = account.recorder.as_mut().expect("recorder checked above");
    if !recorder.recording {
        recorder.recording = true;
        recorder.last_start_ms = Some(now);
    }
    Ok(Empty {})
}

pub fn stop_configuration_recorder(
    world: &mut World,
    caller: &Caller,
    input: RecorderNameInput,
) -> Result<Empty, ConfigError> {
    own_recorder(world, caller, &input.configuration_recorder_name)?;
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    let recorder = account.recorder.as_mut().expect("recorder checked above");
    if recorder.recording {
        recorder.recording = false;
        recorder.last_stop_ms = Some(now);
    }
    Ok(Empty {})
}

/// A `ConfigurationRecorder` as Describe and the resource-type operations show it.
fn recorder_wire(caller: &Caller, r: &Recorder) -> Value {
    let mut out = json!({
        "arn": recorder_arn(caller, &r.name),
        "name": r.name,
        "roleARN": r.role_arn,
        "recordingGroup": r.recording_group,
        "recordingScope": "PAID",
    });
    out["recordingMode"] = r.recording_mode.clone().unwrap_or_else(
        || json!({"recordingFrequency": "CONTINUOUS", "recordingModeOverrides": []}),
    );
    out
}

#[derive(Debug, Deserialize)]
pub struct RecorderFilter {
    #[serde(rename = "filterName")]
    pub filter_name: Option<String>,
    #[serde(rename = "filterValue", default)]
    pub filter_value: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRecordersInput {
    #[serde(default)]
    pub filters: Vec<RecorderFilter>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRecordersOutput {
    pub configuration_recorder_summaries: Vec<Value>,
}

/// The caller's recorders (orgsim holds customer-managed ones only: scope PAID).
pub fn list_configuration_recorders(
    world: &mut World,
    caller: &Caller,
    input: ListRecordersInput,
) -> Result<ListRecordersOutput, ConfigError> {
    if input.max_results.is_some_and(|n| !(1..=20).contains(&n)) {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 20".to_string(),
        ));
    }
    if input.next_token.as_deref().is_some_and(|t| !t.is_empty()) {
        return Err(ConfigError::Validation(
            "The nextToken provided is invalid".to_string(),
        ));
    }
    let mut scopes: Vec<&str> = Vec::new();
    for f in &input.filters {
        if f.filter_name.as_deref() != Some("recordingScope") {
            return Err(ConfigError::Validation(
                "You specified an invalid value for filterName. Member must satisfy enum value set: [recordingScope]".to_string(),
            ));
        }
        for v in &f.filter_value {
            if !matches!(v.as_str(), "INTERNAL" | "PAID") {
                return Err(ConfigError::Validation(format!(
                    "You specified an invalid value '{v}' for filterValue. Member must satisfy enum value set: [INTERNAL, PAID]"
                )));
            }
            scopes.push(v);
        }
    }
    let wanted = scopes.is_empty() || scopes.contains(&"PAID");
    let summaries = world
        .config
        .recorder(&caller.region, &caller.account_id)
        .filter(|_| wanted)
        .map(|r| json!({"arn": recorder_arn(caller, &r.name), "name": r.name, "recordingScope": "PAID"}))
        .into_iter()
        .collect();
    Ok(ListRecordersOutput {
        configuration_recorder_summaries: summaries,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceTypesInput {
    pub configuration_recorder_arn: String,
    pub resource_types: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceTypesOutput {
    pub configuration_recorder: Value,
}

/// Adds or removes types of a recorder that records listed types only
/// (`allSupported` false): AWS refuses both for a recorder of all supported types.
fn change_resource_types(
    world: &mut World,
    caller: &Caller,
    input: ResourceTypesInput,
    add: bool,
) -> Result<ResourceTypesOutput, ConfigError> {
    if input.resource_types.is_empty() || input.resource_types.len() > 600 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'resourceTypes' failed to satisfy constraint: Member must have length between 1 and 600".to_string(),
        ));
    }
    let mut recorder = world
        .config
        .recorder(&caller.region, &caller.account_id)
        .filter(|r| recorder_arn(caller, &r.name) == input.configuration_recorder_arn)
        .cloned()
        .ok_or_else(|| {
            ConfigError::NoSuchConfigurationRecorder(format!(
                "Cannot find configuration recorder with the specified ARN '{}'.",
                input.configuration_recorder_arn
            ))
        })?;
    let all = recorder
        .recording_group
        .get("allSupported")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let strategy = recorder
        .recording_group
        .pointer("/recordingStrategy/useOnly")
        .and_then(Value::as_str);
    if all || strategy.is_some_and(|s| s != "INCLUSION_BY_RESOURCE_TYPES") {
        return Err(ConfigError::Conflict(
            "The configuration recorder's recording strategy must be INCLUSION_BY_RESOURCE_TYPES to add or remove resource types.".to_string(),
        ));
    }
    let mut types: Vec<String> = recorder
        .recording_group
        .get("resourceTypes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|t| t.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for t in input.resource_types {
        if add && !types.contains(&t) {
            types.push(t);
        } else if !add {
            types.retain(|x| *x != t);
        }
    }
    recorder.recording_group["resourceTypes"] = json!(types);
    let wire = recorder_wire(caller, &recorder);
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .recorder = Some(recorder);
    Ok(ResourceTypesOutput {
        configuration_recorder: wire,
    })
}

pub fn associate_resource_types(
    world: &mut World,
    caller: &Caller,
    input: ResourceTypesInput,
) -> Result<ResourceTypesOutput, ConfigError> {
    change_resource_types(world, caller, input, true)
}

pub fn disassociate_resource_types(
    world: &mut World,
    caller: &Caller,
    input: ResourceTypesInput,
) -> Result<ResourceTypesOutput, ConfigError> {
    change_resource_types(world, caller, input, false)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCOUNT: &str = "222222222222";

    fn put(
        w: &mut crate::world::World,
        name: &str,
    ) -> Result<serde_json::Value, crate::api::ApiError> {
        run(
            w,
            &root_caller(ACCOUNT),
            "PutConfigurationRecorder",
            json!({"ConfigurationRecorder": {"name": name, "roleARN": "arn:aws:iam::222222222222:role/c"}}),
        )
    }

    #[test]
    fn one_recorder_per_region_and_start_needs_a_channel() {
        let mut w = world();
        put(&mut w, "default").unwrap();
        put(&mut w, "default").expect("same name updates");
        assert_eq!(
            put(&mut w, "other").unwrap_err().code,
            "MaxNumberOfConfigurationRecordersExceededException"
        );
        let start = json!({"ConfigurationRecorderName": "default"});
        assert_eq!(
            error_code(&mut w, ACCOUNT, "StartConfigurationRecorder", start.clone()),
            "NoAvailableDeliveryChannelException"
        );
        create_bucket(&mut w, ACCOUNT, "bucket-b");
        run_ok(
            &mut w,
            ACCOUNT,
            "PutDeliveryChannel",
            json!({"DeliveryChannel": {"s3BucketName": "bucket-b"}}),
        );
        run_ok(&mut w, ACCOUNT, "StartConfigurationRecorder", start);
        let status = run_ok(
            &mut w,
            ACCOUNT,
            "DescribeConfigurationRecorderStatus",
            json!({}),
        );
        assert_eq!(status["ConfigurationRecordersStatus"][0]["recording"], true);
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "DescribeConfigurationRecorders",
                json!({"ConfigurationRecorderNames": ["nope"]})
            ),
            "NoSuchConfigurationRecorderException"
        );
    }

    #[test]
    fn role_is_required_and_stop_records_the_time() {
        let mut w = world();
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "PutConfigurationRecorder",
                json!({"ConfigurationRecorder": {"name": "default"}})
            ),
            "InvalidRoleException"
        );
        start_recording(&mut w, ACCOUNT);
        run_ok(
            &mut w,
            ACCOUNT,
            "StopConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        );
        let status = run_ok(
            &mut w,
            ACCOUNT,
            "DescribeConfigurationRecorderStatus",
            json!({}),
        );
        assert_eq!(
            status["ConfigurationRecordersStatus"][0]["recording"],
            false
        );
        assert!(status["ConfigurationRecordersStatus"][0]["lastStopTime"].is_number());
    }
}
