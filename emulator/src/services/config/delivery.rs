//! The delivery channel: one per account and region, only once a recorder exists;
//! the last channel cannot go while the recorder runs (CATALOG §7). Its bucket must
//! exist in orgsim's S3; when Config writes as its service principal (a recorder with
//! the service-linked role, or a bucket of another account) the bucket policy must let
//! `config.amazonaws.com` read the ACL and put objects under
//! `[prefix/]AWSLogs/<account>/Config/`. Snapshots (`DeliverConfigSnapshot`, and every
//! `deliveryFrequency` of world time while recording) are gzipped JSON objects under
//! AWS's key layout `…/Config/<region>/<YYYY>/<M>/<D>/ConfigSnapshot/
//! <account>_Config_<region>_ConfigSnapshot_<YYYYMMDDTHHmmssZ>_<id>.json.gz`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use std::io::Write;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;

use super::errors::ConfigError;
use super::resources::{configuration_item, discovered};
use super::Empty;
use crate::auth::Caller;
use crate::services::s3::access::ServicePrincipal;
use crate::services::s3::delivery::{deliver_object, may_deliver, store_as_owner, DeliveryRefusal};
use crate::world::{epoch_seconds, World};

const CONFIG_PRINCIPAL: &str = "config.amazonaws.com";

/// Where Config writes for `account`: `[prefix/]AWSLogs/<account>/Config/`.
fn log_root(channel: &Value, account: &str) -> String {
    match channel.get("s3KeyPrefix").and_then(Value::as_str) {
        Some(p) if !p.is_empty() => format!("{p}/AWSLogs/{account}/Config/"),
        _ => format!("AWSLogs/{account}/Config/"),
    }
}

fn principal(account: &str) -> ServicePrincipal {
    ServicePrincipal {
        service: CONFIG_PRINCIPAL.to_string(),
        source_arn: None,
        source_account: Some(account.to_string()),
        source_org_id: None,
    }
}

/// Whether Config writes as its service principal (checked against the bucket policy)
/// rather than with the customer's role into the customer's own bucket.
fn writes_as_service(world: &World, account: &str, region: &str, bucket: &str) -> bool {
    let service_linked = world.config.recorder(region, account).is_some_and(|r| {
        r.role_arn.contains("/aws-service-role/")
            || r.role_arn.ends_with("/AWSServiceRoleForConfig")
    });
    let foreign = world
        .s3
        .buckets
        .get(bucket)
        .is_some_and(|b| b.owner != account);
    service_linked || foreign
}

fn insufficient_policy(bucket: &str, prefix: Option<&str>) -> ConfigError {
    ConfigError::InsufficientDeliveryPolicy(format!(
        "Insufficient delivery policy to s3 bucket: {bucket}, unable to write to bucket, provided s3 key prefix is '{}'.",
        prefix.unwrap_or("null")
    ))
}

const FREQUENCIES: &[(&str, i64)] = &[
    ("One_Hour", 1),
    ("Three_Hours", 3),
    ("Six_Hours", 6),
    ("Twelve_Hours", 12),
    ("TwentyFour_Hours", 24),
];

/// The snapshot period of a channel, if it asks for periodic snapshots.
fn period_ms(channel: &Value) -> Option<i64> {
    let f = channel
        .pointer("/configSnapshotDeliveryProperties/deliveryFrequency")?
        .as_str()?;
    FREQUENCIES
        .iter()
        .find(|(name, _)| *name == f)
        .map(|(_, hours)| hours * 3_600_000)
}

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
    let prefix = channel.get("s3KeyPrefix").and_then(Value::as_str);
    if prefix.is_some_and(|p| p.starts_with('/') || p.contains("AWSLogs") || p.len() > 256) {
        return Err(ConfigError::InvalidS3KeyPrefix(
            "The s3 key prefix must not start with '/', contain 'AWSLogs' or exceed 256 characters.".to_string(),
        ));
    }
    if let Some(f) = channel.pointer("/configSnapshotDeliveryProperties/deliveryFrequency") {
        if period_ms(&channel).is_none() {
            return Err(ConfigError::Validation(format!(
                "1 validation error detected: Value {f} at 'deliveryChannel.configSnapshotDeliveryProperties.deliveryFrequency' failed to satisfy constraint: Member must satisfy enum value set: [One_Hour, TwentyFour_Hours, Six_Hours, Three_Hours, Twelve_Hours]"
            )));
        }
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
    if !world.s3.buckets.contains_key(bucket) {
        return Err(ConfigError::NoSuchBucket(format!(
            "Cannot find a S3 bucket with name {bucket}."
        )));
    }
    if writes_as_service(world, &caller.account_id, &caller.region, bucket) {
        let who = principal(&caller.account_id);
        let probe = format!(
            "{}ConfigWritabilityCheckFile",
            log_root(&channel, &caller.account_id)
        );
        let allowed = may_deliver(world, bucket, None, "s3:GetBucketAcl", &who).is_ok()
            && may_deliver(world, bucket, Some(&probe), "s3:PutObject", &who).is_ok();
        if !allowed {
            return Err(insufficient_policy(bucket, prefix));
        }
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
    let account = world.config.account(&caller.region, &caller.account_id);
    // Snapshots are written to S3; history files and the SNS stream are not.
    let snapshot = match account.and_then(|a| a.last_snapshot_ms.map(|ms| (a, ms))) {
        None => json!({"lastStatus": "Not_Applicable"}),
        Some((a, ms)) => match &a.last_snapshot_error {
            None => json!({
                "lastStatus": "Success",
                "lastAttemptTime": epoch_seconds(ms),
                "lastSuccessfulTime": epoch_seconds(ms),
            }),
            Some((code, message)) => json!({
                "lastStatus": "Failure",
                "lastErrorCode": code,
                "lastErrorMessage": message,
                "lastAttemptTime": epoch_seconds(ms),
            }),
        },
    };
    let status = channel.map(|c| {
        json!({
            "name": channel_name(c),
            "configSnapshotDeliveryInfo": snapshot,
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

/// Writes one snapshot of (`account`, `region`) into the channel's bucket and records
/// the outcome for DescribeDeliveryChannelStatus. Returns the snapshot id.
fn write_snapshot(world: &mut World, account: &str, region: &str, now: i64) -> Option<String> {
    let channel = world
        .config
        .account(region, account)?
        .delivery_channel
        .clone()?;
    let bucket = channel.get("s3BucketName")?.as_str()?.to_string();
    let id = world.ids.uuid();
    let items: Vec<Value> = discovered(world, account, region)
        .iter()
        .map(|r| configuration_item(account, region, r))
        .collect();
    let document =
        json!({"fileVersion": "1.0", "configSnapshotId": id, "configurationItems": items});
    let t = time::OffsetDateTime::from_unix_timestamp(now.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    );
    let key = format!(
        "{}{region}/{}/{}/{}/ConfigSnapshot/{account}_Config_{region}_ConfigSnapshot_{stamp}_{id}.json.gz",
        log_root(&channel, account),
        t.year(),
        u8::from(t.month()),
        t.day(),
    );
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    let written = gz
        .write_all(document.to_string().as_bytes())
        .and_then(|()| gz.finish());
    let outcome = match written {
        Err(e) => Err(("InternalError".to_string(), e.to_string())),
        Ok(bytes) => {
            let who = principal(account);
            let as_service = writes_as_service(world, account, region, &bucket);
            let result = if as_service {
                deliver_object(
                    world,
                    &bucket,
                    &key,
                    Bytes::from(bytes),
                    "application/x-gzip",
                    &who,
                )
            } else {
                // The customer's role writes into the customer's own bucket: the bucket
                // policy is not consulted (orgsim does not evaluate the role's policies).
                store_as_owner(
                    world,
                    &bucket,
                    &key,
                    Bytes::from(bytes),
                    "application/x-gzip",
                )
            };
            result.map_err(|refusal| match refusal {
                DeliveryRefusal::NoSuchBucket => (
                    "NoSuchBucket".to_string(),
                    "The specified bucket does not exist".to_string(),
                ),
                DeliveryRefusal::AccessDenied { .. } => {
                    ("AccessDenied".to_string(), "Access Denied".to_string())
                }
            })
        }
    };
    let state = world.config.account_mut(region, account);
    state.last_snapshot_ms = Some(now);
    match outcome {
        Ok(()) => {
            state.last_snapshot_error = None;
            state.snapshots_delivered += 1;
        }
        Err(error) => state.last_snapshot_error = Some(error),
    }
    Some(id)
}

#[derive(Debug, Deserialize)]
pub struct DeliverSnapshotInput {
    #[serde(rename = "deliveryChannelName")]
    pub delivery_channel_name: String,
}

#[derive(Debug, Serialize)]
pub struct DeliverSnapshotOutput {
    #[serde(rename = "configSnapshotId")]
    pub config_snapshot_id: String,
}

pub fn deliver_config_snapshot(
    world: &mut World,
    caller: &Caller,
    input: DeliverSnapshotInput,
) -> Result<DeliverSnapshotOutput, ConfigError> {
    let name = input.delivery_channel_name;
    asked_channel(world, caller, &Some(vec![name.clone()]))?;
    let recorder = world.config.recorder(&caller.region, &caller.account_id);
    match recorder {
        None => {
            return Err(ConfigError::NoAvailableConfigurationRecorder(
                "There are no configuration recorders available to provide the snapshot."
                    .to_string(),
            ))
        }
        Some(r) if !r.recording => {
            return Err(ConfigError::NoRunningConfigurationRecorder(
                "There is no configuration recorder running to provide the snapshot.".to_string(),
            ))
        }
        Some(_) => {}
    }
    let now = world.clock.now_ms();
    let id = write_snapshot(world, &caller.account_id, &caller.region, now)
        .ok_or_else(|| no_such_channel(&name))?;
    Ok(DeliverSnapshotOutput {
        config_snapshot_id: id,
    })
}

/// The `on_request` hook: every recording account whose channel asks for periodic
/// snapshots gets one each `deliveryFrequency` of world time since recording started.
pub fn deliver_due_snapshots(world: &mut World) {
    let now = world.clock.now_ms();
    let mut due = Vec::new();
    for (region, state) in &world.config.regions {
        for (account, a) in &state.accounts {
            let (Some(channel), Some(recorder)) = (&a.delivery_channel, &a.recorder) else {
                continue;
            };
            let (Some(period), Some(started)) = (period_ms(channel), recorder.last_start_ms) else {
                continue;
            };
            if !recorder.recording {
                continue;
            }
            let last = a.last_snapshot_ms.unwrap_or(started).max(started);
            if now >= last + period {
                due.push((account.clone(), region.clone(), last + period));
            }
        }
    }
    for (account, region, at) in due {
        write_snapshot(world, &account, &region, at);
    }
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
