//! Trails: CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails,
//! StartLogging, StopLogging, GetTrailStatus. A multi-region trail shows in every
//! region as a shadow trail; an organization trail belongs to the management account
//! (also when its delegated administrator creates it), shows to every member and is
//! changed only by the management account or the delegated administrator.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::access::{find_trail, organization_trail_authority, writable_trail};
use super::delivery::{reschedule, window_end_after};
use super::errors::CtError;
use super::model::{Tag, Trail, TrailStatus};
use super::validation::{
    check_bucket_name, check_cloud_watch, check_kms_key, check_prefix, check_sns_topic, check_tags,
    check_trail_name,
};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::services::s3::access::ServicePrincipal;
use crate::services::s3::delivery::{may_deliver, DeliveryRefusal};
use crate::world::{epoch_seconds, World};

/// Trails per account per region (AWS's quota).
pub const MAX_TRAILS_PER_REGION: usize = 5;
pub const SERVICE_PRINCIPAL: &str = "cloudtrail.amazonaws.com";

pub fn trail_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}")
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTrailInput {
    pub name: String,
    pub s3_bucket_name: String,
    pub s3_key_prefix: Option<String>,
    pub sns_topic_name: Option<String>,
    pub include_global_service_events: Option<bool>,
    pub is_multi_region_trail: Option<bool>,
    pub enable_log_file_validation: Option<bool>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub cloud_watch_logs_role_arn: Option<String>,
    pub kms_key_id: Option<String>,
    pub is_organization_trail: Option<bool>,
    pub tags_list: Option<Vec<Tag>>,
}

/// The trail's members as CreateTrail and UpdateTrail answer them.
fn trail_summary(trail: &Trail) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("Name".into(), json!(trail.name));
    out.insert("S3BucketName".into(), json!(trail.s3_bucket_name));
    if let Some(prefix) = &trail.s3_key_prefix {
        out.insert("S3KeyPrefix".into(), json!(prefix));
    }
    if let Some(topic) = &trail.sns_topic_name {
        out.insert("SnsTopicName".into(), json!(topic));
    }
    if let Some(arn) = &trail.sns_topic_arn {
        out.insert("SnsTopicARN".into(), json!(arn));
    }
    out.insert(
        "IncludeGlobalServiceEvents".into(),
        json!(trail.include_global_service_events),
    );
    out.insert(
        "IsMultiRegionTrail".into(),
        json!(trail.is_multi_region_trail),
    );
    out
}

fn with_tail(trail: &Trail, mut out: Map<String, Value>) -> Map<String, Value> {
    out.insert("TrailARN".into(), json!(trail.arn));
    out.insert(
        "LogFileValidationEnabled".into(),
        json!(trail.log_file_validation_enabled),
    );
    if let Some(group) = &trail.cloud_watch_logs_log_group_arn {
        out.insert("CloudWatchLogsLogGroupArn".into(), json!(group));
    }
    if let Some(role) = &trail.cloud_watch_logs_role_arn {
        out.insert("CloudWatchLogsRoleArn".into(), json!(role));
    }
    if let Some(key) = &trail.kms_key_id {
        out.insert("KmsKeyId".into(), json!(key));
    }
    out
}

/// CreateTrail's and UpdateTrail's answer.
fn trail_response(trail: &Trail) -> Value {
    let mut out = with_tail(trail, trail_summary(trail));
    out.insert(
        "IsOrganizationTrail".into(),
        json!(trail.is_organization_trail),
    );
    Value::Object(out)
}

/// The `Trail` shape (GetTrail, DescribeTrails).
pub fn trail_json(trail: &Trail) -> Value {
    let mut out = trail_summary(trail);
    out.insert("HomeRegion".into(), json!(trail.home_region));
    let mut out = with_tail(trail, out);
    out.insert(
        "HasCustomEventSelectors".into(),
        json!(trail.has_custom_event_selectors),
    );
    out.insert(
        "HasInsightSelectors".into(),
        json!(!trail.insight_selectors.is_empty()),
    );
    out.insert(
        "IsOrganizationTrail".into(),
        json!(trail.is_organization_trail),
    );
    Value::Object(out)
}

/// Whether CloudTrail, writing for `trail`, may use `bucket`: read its ACL and put
/// objects under the trail's log prefix (what CreateTrail checks before it succeeds).
fn check_bucket(world: &World, trail: &Trail) -> Result<(), CtError> {
    let bucket = &trail.s3_bucket_name;
    let principal = delivery_principal(trail);
    let refused = |refusal: DeliveryRefusal| match refusal {
        DeliveryRefusal::NoSuchBucket => {
            CtError::S3BucketDoesNotExist(format!("S3 bucket does not exist: {bucket}"))
        }
        DeliveryRefusal::AccessDenied { .. } => CtError::InsufficientS3BucketPolicy(format!(
            "Incorrect S3 bucket policy is detected for bucket: {bucket}"
        )),
    };
    may_deliver(world, bucket, None, "s3:GetBucketAcl", &principal).map_err(refused)?;
    let key = format!("{}CloudTrail/", log_prefix(trail, &trail.account_id));
    may_deliver(world, bucket, Some(&key), "s3:PutObject", &principal).map_err(refused)
}

/// `[prefix/]AWSLogs/[o-id/]<account>/`: where a trail's files for `account` go.
pub fn log_prefix(trail: &Trail, account: &str) -> String {
    let mut key = String::new();
    if let Some(prefix) = trail.s3_key_prefix.as_deref().filter(|p| !p.is_empty()) {
        key.push_str(prefix);
        key.push('/');
    }
    key.push_str("AWSLogs/");
    if let Some(org) = &trail.organization_id {
        key.push_str(org);
        key.push('/');
    }
    key.push_str(account);
    key.push('/');
    key
}

/// CloudTrail as it writes for `trail`, with the source context AWS sends.
pub fn delivery_principal(trail: &Trail) -> ServicePrincipal {
    ServicePrincipal {
        service: SERVICE_PRINCIPAL.to_string(),
        source_arn: Some(trail.arn.clone()),
        source_account: Some(trail.account_id.clone()),
        source_org_id: trail.organization_id.clone(),
    }
}

/// The settings CreateTrail and UpdateTrail share, checked.
struct Settings {
    s3_key_prefix: Option<Option<String>>,
    sns_topic: Option<Option<(String, String)>>,
    kms_key_id: Option<Option<String>>,
    cloud_watch: Option<Option<(String, String)>>,
}

fn check_settings(
    caller: &Caller,
    account: &str,
    s3_key_prefix: Option<String>,
    sns_topic_name: Option<String>,
    kms_key_id: Option<String>,
    group: Option<String>,
    role: Option<String>,
) -> Result<Settings, CtError> {
    let empty_is_none = |v: Option<String>| v.map(|s| Some(s).filter(|s| !s.is_empty()));
    let s3_key_prefix = empty_is_none(s3_key_prefix);
    if let Some(Some(prefix)) = &s3_key_prefix {
        check_prefix(prefix)?;
    }
    let sns_topic = match empty_is_none(sns_topic_name) {
        Some(Some(topic)) => Some(Some(check_sns_topic(&topic, &caller.region, account)?)),
        Some(None) => Some(None),
        None => None,
    };
    let kms_key_id = match empty_is_none(kms_key_id) {
        Some(Some(key)) => Some(Some(check_kms_key(&key, &caller.region, account)?)),
        Some(None) => Some(None),
        None => None,
    };
    let cloud_watch = match (empty_is_none(group), empty_is_none(role)) {
        (None, None) => None,
        (Some(None), _) | (_, Some(None)) => Some(None),
        (Some(Some(group)), Some(Some(role))) => Some(Some(check_cloud_watch(&group, &role)?)),
        _ => {
            return Err(CtError::InvalidCloudWatchLogsLogGroupArn(
                "You must specify a log group and a role ARN together.".to_string(),
            ))
        }
    };
    Ok(Settings {
        s3_key_prefix,
        sns_topic,
        kms_key_id,
        cloud_watch,
    })
}

fn apply_settings(trail: &mut Trail, settings: Settings) {
    if let Some(prefix) = settings.s3_key_prefix {
        trail.s3_key_prefix = prefix;
    }
    if let Some(topic) = settings.sns_topic {
        trail.sns_topic_name = topic.as_ref().map(|(name, _)| name.clone());
        trail.sns_topic_arn = topic.map(|(_, arn)| arn);
    }
    if let Some(key) = settings.kms_key_id {
        trail.kms_key_id = key;
    }
    if let Some(cloud_watch) = settings.cloud_watch {
        trail.cloud_watch_logs_log_group_arn = cloud_watch.as_ref().map(|(g, _)| g.clone());
        trail.cloud_watch_logs_role_arn = cloud_watch.map(|(_, r)| r);
    }
}

fn multi_region_needs_global(multi: bool, global: bool) -> Result<(), CtError> {
    if multi && !global {
        return Err(CtError::InvalidParameterCombination(
            "Multi-Region trail must include global service events.".to_string(),
        ));
    }
    Ok(())
}

/// Another trail of `account` holding `name` where the new one would live.
fn name_taken(
    world: &World,
    account: &str,
    region: &str,
    name: &str,
    multi: bool,
    except: &str,
) -> bool {
    world.cloudtrail.trails.values().any(|t| {
        t.account_id == account
            && t.name == name
            && t.arn != except
            && (t.home_region == region || t.is_multi_region_trail || multi)
    })
}

pub fn create_trail(
    world: &mut World,
    caller: &Caller,
    input: CreateTrailInput,
) -> Result<Value, CtError> {
    check_trail_name(&input.name)?;
    check_bucket_name(&input.s3_bucket_name)?;
    let tags = input.tags_list.unwrap_or_default();
    check_tags(&tags, 0)?;
    let global = input.include_global_service_events.unwrap_or(true);
    let multi = input.is_multi_region_trail.unwrap_or(false);
    multi_region_needs_global(multi, global)?;
    let organization = input.is_organization_trail.unwrap_or(false);
    let (owner, organization_id) = if organization {
        let (org_id, management) = organization_trail_authority(world, caller)?;
        (management, Some(org_id))
    } else {
        (caller.account_id.clone(), None)
    };
    let settings = check_settings(
        caller,
        &owner,
        input.s3_key_prefix,
        input.sns_topic_name,
        input.kms_key_id,
        input.cloud_watch_logs_log_group_arn,
        input.cloud_watch_logs_role_arn,
    )?;
    let region = caller.region.clone();
    let arn = trail_arn(&region, &owner, &input.name);
    if name_taken(world, &owner, &region, &input.name, multi, "") {
        return Err(CtError::TrailAlreadyExists(format!(
            "Trail {} already exists for customer: {owner}",
            input.name
        )));
    }
    let in_region = world
        .cloudtrail
        .trails
        .values()
        .filter(|t| t.account_id == owner && t.home_region == region)
        .count();
    if in_region >= MAX_TRAILS_PER_REGION {
        return Err(CtError::MaximumNumberOfTrailsExceeded(format!(
            "User: {owner} already has {MAX_TRAILS_PER_REGION} trails in {region}."
        )));
    }
    let mut trail = Trail {
        name: input.name,
        arn: arn.clone(),
        account_id: owner,
        home_region: region,
        s3_bucket_name: input.s3_bucket_name,
        s3_key_prefix: None,
        sns_topic_name: None,
        sns_topic_arn: None,
        include_global_service_events: global,
        is_multi_region_trail: multi,
        log_file_validation_enabled: input.enable_log_file_validation.unwrap_or(false),
        cloud_watch_logs_log_group_arn: None,
        cloud_watch_logs_role_arn: None,
        kms_key_id: None,
        is_organization_trail: organization,
        organization_id,
        selectors: Default::default(),
        has_custom_event_selectors: false,
        insight_selectors: Vec::new(),
        event_configuration: Default::default(),
        tags,
        status: TrailStatus::default(),
    };
    apply_settings(&mut trail, settings);
    check_bucket(world, &trail)?;
    let out = trail_response(&trail);
    world.cloudtrail.trails.insert(arn, trail);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTrailInput {
    pub name: String,
    pub s3_bucket_name: Option<String>,
    pub s3_key_prefix: Option<String>,
    pub sns_topic_name: Option<String>,
    pub include_global_service_events: Option<bool>,
    pub is_multi_region_trail: Option<bool>,
    pub enable_log_file_validation: Option<bool>,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub cloud_watch_logs_role_arn: Option<String>,
    pub kms_key_id: Option<String>,
    pub is_organization_trail: Option<bool>,
}

pub fn update_trail(
    world: &mut World,
    caller: &Caller,
    input: UpdateTrailInput,
) -> Result<Value, CtError> {
    let mut trail = writable_trail(world, caller, &input.name)?.clone();
    if let Some(bucket) = input.s3_bucket_name.filter(|b| !b.is_empty()) {
        check_bucket_name(&bucket)?;
        trail.s3_bucket_name = bucket;
    }
    if let Some(global) = input.include_global_service_events {
        trail.include_global_service_events = global;
    }
    if let Some(multi) = input.is_multi_region_trail {
        if multi
            && !trail.is_multi_region_trail
            && name_taken(
                world,
                &trail.account_id,
                &trail.home_region,
                &trail.name,
                true,
                &trail.arn,
            )
        {
            return Err(CtError::TrailAlreadyExists(format!(
                "Trail {} already exists for customer: {}",
                trail.name, trail.account_id
            )));
        }
        trail.is_multi_region_trail = multi;
    }
    multi_region_needs_global(
        trail.is_multi_region_trail,
        trail.include_global_service_events,
    )?;
    if let Some(validation) = input.enable_log_file_validation {
        trail.log_file_validation_enabled = validation;
    }
    match input.is_organization_trail {
        Some(true) if !trail.is_organization_trail => {
            let (org_id, management) = organization_trail_authority(world, caller)?;
            if management != trail.account_id {
                return Err(CtError::NotOrganizationMasterAccount(format!(
                    "The request was rejected because account {} is not the management account of organization {org_id}.",
                    caller.account_id
                )));
            }
            trail.is_organization_trail = true;
            trail.organization_id = Some(org_id);
        }
        Some(false) if trail.is_organization_trail => {
            organization_trail_authority(world, caller)?;
            trail.is_organization_trail = false;
            trail.organization_id = None;
        }
        _ => {}
    }
    let account = trail.account_id.clone();
    let settings = check_settings(
        caller,
        &account,
        input.s3_key_prefix,
        input.sns_topic_name,
        input.kms_key_id,
        input.cloud_watch_logs_log_group_arn,
        input.cloud_watch_logs_role_arn,
    )?;
    apply_settings(&mut trail, settings);
    check_bucket(world, &trail)?;
    let out = trail_response(&trail);
    world.cloudtrail.trails.insert(trail.arn.clone(), trail);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameInput {
    pub name: String,
}

pub fn delete_trail(
    world: &mut World,
    caller: &Caller,
    input: NameInput,
) -> Result<Value, CtError> {
    let arn = writable_trail(world, caller, &input.name)?.arn.clone();
    world.cloudtrail.trails.remove(&arn);
    world.cloudtrail.resource_policies.remove(&arn);
    reschedule(world);
    Ok(json!({}))
}

pub fn get_trail(world: &mut World, caller: &Caller, input: NameInput) -> Result<Value, CtError> {
    let trail = find_trail(world, caller, &input.name)?;
    Ok(json!({ "Trail": trail_json(trail) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeTrailsInput {
    pub trail_name_list: Option<Vec<String>>,
    pub include_shadow_trails: Option<bool>,
}

/// The trails the caller sees in its region: its own (home here, or multi-region),
/// and its organization's organization trails.
pub fn visible_trails<'w>(
    world: &'w World,
    caller: &Caller,
) -> impl Iterator<Item = &'w Trail> + 'w {
    let org_id = world
        .organizations
        .organization_of(&caller.account_id)
        .map(|o| o.id.clone());
    let account = caller.account_id.clone();
    let region = caller.region.clone();
    world.cloudtrail.trails.values().filter(move |t| {
        let here = t.home_region == region || t.is_multi_region_trail;
        let mine = t.account_id == account;
        let organization =
            t.is_organization_trail && t.organization_id.is_some() && t.organization_id == org_id;
        here && (mine || organization)
    })
}

/// A trail that lives elsewhere: another region's multi-region trail, or another
/// account's organization trail.
fn is_shadow(trail: &Trail, caller: &Caller) -> bool {
    trail.home_region != caller.region || trail.account_id != caller.account_id
}

pub fn describe_trails(
    world: &mut World,
    caller: &Caller,
    input: DescribeTrailsInput,
) -> Result<Value, CtError> {
    let shadows = input.include_shadow_trails.unwrap_or(true);
    let names = input.trail_name_list.unwrap_or_default();
    let trails: Vec<Value> = if names.is_empty() {
        visible_trails(world, caller)
            .filter(|t| shadows || !is_shadow(t, caller))
            .map(trail_json)
            .collect()
    } else {
        let mut found = Vec::new();
        for name in &names {
            // DescribeTrails skips names it does not know, as AWS does.
            if let Ok(trail) = find_trail(world, caller, name) {
                if (shadows || !is_shadow(trail, caller)) && !found.contains(&trail.arn) {
                    found.push(trail.arn.clone());
                }
            }
        }
        found
            .iter()
            .filter_map(|arn| world.cloudtrail.trails.get(arn))
            .map(trail_json)
            .collect()
    };
    Ok(json!({ "trailList": trails }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTrailsInput {
    pub next_token: Option<String>,
}

pub fn list_trails(
    world: &mut World,
    caller: &Caller,
    input: ListTrailsInput,
) -> Result<Value, CtError> {
    let listing = format!("ListTrails {} {}", caller.account_id, caller.region);
    let after = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => Some(decode_token(&listing, token).ok_or_else(CtError::bad_token)?),
        None => None,
    };
    const PAGE: usize = 50;
    let mut trails: Vec<&Trail> = visible_trails(world, caller)
        .filter(|t| after.as_deref().is_none_or(|a| t.arn.as_str() > a))
        .take(PAGE + 1)
        .collect();
    let next = (trails.len() > PAGE).then(|| {
        trails.truncate(PAGE);
        encode_token(&listing, &trails[PAGE - 1].arn)
    });
    let mut out = json!({
        "Trails": trails
            .iter()
            .map(|t| json!({"TrailARN": t.arn, "Name": t.name, "HomeRegion": t.home_region}))
            .collect::<Vec<_>>()
    });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

pub fn start_logging(
    world: &mut World,
    caller: &Caller,
    input: NameInput,
) -> Result<Value, CtError> {
    let arn = writable_trail(world, caller, &input.name)?.arn.clone();
    let now = world.clock.now_ms();
    let next_seq = world.cloudtrail.log.next_seq();
    if let Some(trail) = world.cloudtrail.trails.get_mut(&arn) {
        let status = &mut trail.status;
        if !status.is_logging {
            status.is_logging = true;
            status.start_logging_ms = Some(now);
            // Events from this call on are logged (StartLogging's own included).
            if status
                .until_seq
                .is_none_or(|until| status.next_seq >= until)
            {
                status.next_seq = next_seq;
            }
            status.until_seq = None;
            status.window_end_ms = window_end_after(now);
        }
    }
    reschedule(world);
    Ok(json!({}))
}

pub fn stop_logging(
    world: &mut World,
    caller: &Caller,
    input: NameInput,
) -> Result<Value, CtError> {
    let arn = writable_trail(world, caller, &input.name)?.arn.clone();
    let now = world.clock.now_ms();
    // StopLogging's own event (recorded once this call is answered) is the last logged.
    let until = world.cloudtrail.log.next_seq() + 1;
    if let Some(trail) = world.cloudtrail.trails.get_mut(&arn) {
        let status = &mut trail.status;
        if status.is_logging {
            status.is_logging = false;
            status.stop_logging_ms = Some(now);
            status.until_seq = Some(until);
        }
    }
    Ok(json!({}))
}

pub fn get_trail_status(
    world: &mut World,
    caller: &Caller,
    input: NameInput,
) -> Result<Value, CtError> {
    let trail = find_trail(world, caller, &input.name)?;
    let status = &trail.status;
    let mut out = Map::new();
    out.insert("IsLogging".into(), json!(status.is_logging));
    let time = |ms: Option<i64>| ms.map(|ms| json!(epoch_seconds(ms)));
    let text = |ms: Option<i64>| json!(ms.map(super::log::event_time).unwrap_or_default());
    if let Some(error) = &status.latest_delivery_error {
        out.insert("LatestDeliveryError".into(), json!(error));
    }
    if let Some(t) = time(status.latest_delivery_ms) {
        out.insert("LatestDeliveryTime".into(), t);
    }
    if let Some(t) = time(status.start_logging_ms) {
        out.insert("StartLoggingTime".into(), t);
    }
    if let Some(t) = time(status.stop_logging_ms) {
        out.insert("StopLoggingTime".into(), t);
    }
    out.insert(
        "LatestDeliveryAttemptTime".into(),
        text(status.latest_delivery_attempt_ms),
    );
    out.insert("LatestNotificationAttemptTime".into(), json!(""));
    out.insert("LatestNotificationAttemptSucceeded".into(), json!(""));
    out.insert(
        "LatestDeliveryAttemptSucceeded".into(),
        text(status.latest_delivery_attempt_succeeded_ms),
    );
    out.insert("TimeLoggingStarted".into(), text(status.start_logging_ms));
    out.insert("TimeLoggingStopped".into(), text(status.stop_logging_ms));
    Ok(Value::Object(out))
}
