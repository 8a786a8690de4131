//! The delivery channel: one per account and region, only once a recorder exists;
//! the last channel cannot go while the recorder runs (CATALOG §7).

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::Empty;
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutDeliveryChannelInput {
    pub delivery_channel: Value,
}

fn channel_name(channel: &Value) -> &str {
    channel
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("default")
}

pub fn put_delivery_channel(
    world: &mut World,
    caller: &Caller,
    input: PutDeliveryChannelInput,
) -> Result<Empty, ConfigError> {
    let mut channel = input.delivery_channel;
    if !channel.is_object() {
        return Err(ConfigError::constraint(
            "deliveryChannel",
            &channel.to_string(),
            "Member must be a structure",
        ));
    }
    let name = channel_name(&channel).to_string();
    if name.trim().is_empty() || name.len() > 256 {
        return Err(ConfigError::InvalidDeliveryChannelName(format!(
            "The delivery channel name '{name}' is not valid, blank string."
        )));
    }
    let bucket = channel
        .get("s3BucketName")
        .and_then(Value::as_str)
        .unwrap_or("");
    if bucket.is_empty() {
        return Err(ConfigError::NoSuchBucket(
            "Cannot find a S3 bucket with an empty bucket name.".to_string(),
        ));
    }
    let account = world.config.account(&caller.region, &caller.account_id);
    if account.is_none_or(|a| a.recorder.is_none()) {
        return Err(ConfigError::NoAvailableConfigurationRecorder(
            "Configuration recorder is not available to put delivery channel.".to_string(),
        ));
    }
    let existing = account.and_then(|a| a.delivery_channel.as_ref());
    if existing.is_some_and(|c| channel_name(c) != name) {
        return Err(ConfigError::MaxNumberOfDeliveryChannelsExceeded(format!(
            "Failed to put delivery channel '{name}' because the maximum number of delivery channels: 1 is reached."
        )));
    }
    channel["name"] = json!(name);
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .delivery_channel = Some(channel);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDeliveryChannelsInput {
    pub delivery_channel_names: Option<Vec<String>>,
}

fn no_such_channel(name: &str) -> ConfigError {
    ConfigError::NoSuchDeliveryChannel(format!(
        "Cannot find delivery channel with specified name '{name}'."
    ))
}

/// The caller's channel, checked against the names asked for.
fn asked_channel<'w>(
    world: &'w World,
    caller: &Caller,
    names: &Option<Vec<String>>,
) -> Result<Option<&'w Value>, ConfigError> {
    let channel = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.delivery_channel.as_ref());
    for name in names.iter().flatten() {
        if channel.is_none_or(|c| channel_name(c) != name) {
            return Err(no_such_channel(name));
        }
    }
    Ok(channel)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDeliveryChannelsOutput {
    pub delivery_channels: Vec<Value>,
}

pub fn describe_delivery_channels(
    world: &mut World,
    caller: &Caller,
    input: DescribeDeliveryChannelsInput,
) -> Result<DescribeDeliveryChannelsOutput, ConfigError> {
    let channel = asked_channel(world, caller, &input.delivery_channel_names)?;
    Ok(DescribeDeliveryChannelsOutput {
        delivery_channels: channel.cloned().into_iter().collect(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDeliveryChannelStatusOutput {
    pub delivery_channels_status: Vec<Value>,
}

pub fn describe_delivery_channel_status(
    world: &mut World,
    caller: &Caller,
    input: DescribeDeliveryChannelsInput,
) -> Result<DescribeDeliveryChannelStatusOutput, ConfigError> {
    let channel = asked_channel(world, caller, &input.delivery_channel_names)?;
    // orgsim delivers nothing to S3 or SNS: each delivery reports "not applicable".
    let status = channel.map(|c| {
        json!({
            "name": channel_name(c),
            "configSnapshotDeliveryInfo": {"lastStatus": "Not_Applicable"},
            "configHistoryDeliveryInfo": {"lastStatus": "Not_Applicable"},
            "configStreamDeliveryInfo": {"lastStatus": "Not_Applicable"},
        })
    });
    Ok(DescribeDeliveryChannelStatusOutput {
        delivery_channels_status: status.into_iter().collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteDeliveryChannelInput {
    pub delivery_channel_name: String,
}

pub fn delete_delivery_channel(
    world: &mut World,
    caller: &Caller,
    input: DeleteDeliveryChannelInput,
) -> Result<Empty, ConfigError> {
    let name = input.delivery_channel_name;
    asked_channel(world, caller, &Some(vec![name.clone()]))?;
    let recording = world
        .config
        .recorder(&caller.region, &caller.account_id)
        .is_some_and(|r| r.recording);
    if recording {
        return Err(ConfigError::LastDeliveryChannelDeleteFailed(format!(
            "Failed to delete last specified delivery channel with name '{name}', because there is a running configuration recorder."
        )));
    }
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .delivery_channel = None;
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCOUNT: &str = "222222222222";

    #[test]
    fn channel_needs_a_recorder_and_is_one_per_region() {
        let mut w = world();
        let channel = json!({"DeliveryChannel": {"name": "default", "s3BucketName": "b"}});
        assert_eq!(
            error_code(&mut w, ACCOUNT, "PutDeliveryChannel", channel.clone()),
            "NoAvailableConfigurationRecorderException"
        );
        start_recording(&mut w, ACCOUNT);
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "PutDeliveryChannel",
                json!({"DeliveryChannel": {"name": "second", "s3BucketName": "b"}})
            ),
            "MaxNumberOfDeliveryChannelsExceededException"
        );
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "PutDeliveryChannel",
                json!({"DeliveryChannel": {"name": "default"}})
            ),
            "NoSuchBucketException"
        );
        let status = run_ok(&mut w, ACCOUNT, "DescribeDeliveryChannelStatus", json!({}));
        assert_eq!(
            status["DeliveryChannelsStatus"][0]["configStreamDeliveryInfo"]["lastStatus"],
            "Not_Applicable"
        );
        let delete = json!({"DeliveryChannelName": "default"});
        assert_eq!(
            error_code(&mut w, ACCOUNT, "DeleteDeliveryChannel", delete.clone()),
            "LastDeliveryChannelDeleteFailedException"
        );
        run_ok(
            &mut w,
            ACCOUNT,
            "StopConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        );
        run_ok(&mut w, ACCOUNT, "DeleteDeliveryChannel", delete.clone());
        assert_eq!(
            error_code(&mut w, ACCOUNT, "DeleteDeliveryChannel", delete),
            "NoSuchDeliveryChannelException"
        );
    }
}
