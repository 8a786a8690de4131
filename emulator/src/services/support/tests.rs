use serde_json::{json, Value};

use super::checks::{
    CLOUDTRAIL_LOGGING, IAM_USE, KEY_ROTATION, PASSWORD_POLICY, ROOT_MFA, S3_PERMISSIONS,
};
use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::dispatch;
use crate::world::{Settings, SupportPlan, World};

fn world() -> World {
    World::new(Settings {
        seed: Some(5),
        ..Default::default()
    })
}

fn root(account: &str) -> Caller {
    Caller {
        account_id: account.into(),
        principal: Principal::Root,
        access_key_id: account.into(),
        temporary: false,
        region: "us-east-1".into(),
    }
}

const ACCOUNT: &str = "222222222222";

fn call(world: &mut World, service: ServiceId, op: &str, input: Value) -> Result<Value, ApiError> {
    dispatch(world, &root(ACCOUNT), service, op, input)
}

fn result(world: &mut World, check: &str) -> Value {
    call(
        world,
        ServiceId::Support,
        "DescribeTrustedAdvisorCheckResult",
        json!({"checkId": check}),
    )
    .unwrap()["result"]
        .clone()
}

#[test]
fn checks_carry_aws_ids_and_names() {
    let mut world = world();
    let checks = call(
        &mut world,
        ServiceId::Support,
        "DescribeTrustedAdvisorChecks",
        json!({"language": "en"}),
    )
    .unwrap();
    let root_mfa = checks["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == ROOT_MFA)
        .unwrap();
    assert_eq!(root_mfa["name"], "MFA on Root Account");
    assert_eq!(root_mfa["category"], "security");
    let bad = call(
        &mut world,
        ServiceId::Support,
        "DescribeTrustedAdvisorCheckResult",
        json!({"checkId": "nope"}),
    )
    .unwrap_err();
    assert_eq!(
        (bad.code.as_str(), bad.status),
        ("InvalidParameterValueException", 400)
    );
}

#[test]
fn results_follow_the_accounts_state() {
    let mut world = world();
    assert_eq!(result(&mut world, ROOT_MFA)["status"], "error");
    assert_eq!(result(&mut world, IAM_USE)["status"], "warning");
    assert_eq!(result(&mut world, PASSWORD_POLICY)["status"], "warning");
    let trail = result(&mut world, CLOUDTRAIL_LOGGING);
    assert_eq!(trail["status"], "error");
    assert!(
        trail["resourcesSummary"]["resourcesFlagged"]
            .as_i64()
            .unwrap()
            > 10
    );

    call(
        &mut world,
        ServiceId::Iam,
        "CreateUser",
        json!({"UserName": "alice"}),
    )
    .unwrap();
    call(
        &mut world,
        ServiceId::Iam,
        "CreateAccessKey",
        json!({"UserName": "alice"}),
    )
    .unwrap();
    call(
        &mut world,
        ServiceId::Iam,
        "UpdateAccountPasswordPolicy",
        json!({"RequireUppercaseCharacters": true, "RequireLowercaseCharacters": true, "RequireNumbers": true, "RequireSymbols": true}),
    )
    .unwrap();
    assert_eq!(result(&mut world, IAM_USE)["status"], "ok");
    assert_eq!(result(&mut world, PASSWORD_POLICY)["status"], "ok");
    assert_eq!(result(&mut world, KEY_ROTATION)["status"], "ok");
    world.clock.advance(100 * 24 * 3600 * 1000);
    let rotation = result(&mut world, KEY_ROTATION);
    assert_eq!(rotation["status"], "warning");
    assert_eq!(rotation["flaggedResources"][0]["metadata"][1], "alice");
}

#[test]
fn refreshes_wait_five_minutes() {
    let mut world = world();
    let statuses = call(
        &mut world,
        ServiceId::Support,
        "DescribeTrustedAdvisorCheckRefreshStatuses",
        json!({"checkIds": [ROOT_MFA]}),
    )
    .unwrap();
    assert_eq!(statuses["statuses"][0]["status"], "none");
    let first = call(
        &mut world,
        ServiceId::Support,
        "RefreshTrustedAdvisorCheck",
        json!({"checkId": ROOT_MFA}),
    )
    .unwrap();
    assert_eq!(first["status"]["status"], "enqueued");
    let again = call(
        &mut world,
        ServiceId::Support,
        "RefreshTrustedAdvisorCheck",
        json!({"checkId": ROOT_MFA}),
    )
    .unwrap();
    assert_eq!(again["status"]["status"], "success");
    assert!(
        again["status"]["millisUntilNextRefreshable"]
            .as_i64()
            .unwrap()
            > 0
    );
    world.clock.advance(5 * 60 * 1000);
    let later = call(
        &mut world,
        ServiceId::Support,
        "RefreshTrustedAdvisorCheck",
        json!({"checkId": ROOT_MFA}),
    )
    .unwrap();
    assert_eq!(later["status"]["status"], "enqueued");
    let summaries = call(
        &mut world,
        ServiceId::Support,
        "DescribeTrustedAdvisorCheckSummaries",
        json!({"checkIds": [ROOT_MFA]}),
    )
    .unwrap();
    assert_eq!(summaries["summaries"][0]["hasFlaggedResources"], true);
}

#[test]
fn basic_support_answers_subscription_required() {
    let mut world = World::new(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let error = call(
        &mut world,
        ServiceId::Support,
        "DescribeTrustedAdvisorChecks",
        json!({"language": "en"}),
    )
    .unwrap_err();
    assert_eq!(error.code, "SubscriptionRequiredException");
}

fn s3(world: &mut World, op: &str, input: Value) {
    call(world, ServiceId::S3, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"));
}

#[test]
fn cloudtrail_and_s3_checks_read_their_services() {
    let mut world = world();
    // A bucket CloudTrail may write to, and a multi-region trail that logs.
    s3(&mut world, "CreateBucket", json!({"Bucket": "trail-logs"}));
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::trail-logs"},
            {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::trail-logs/AWSLogs/{ACCOUNT}/*"),
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
        ]
    });
    s3(
        &mut world,
        "PutBucketPolicy",
        json!({"Bucket": "trail-logs", "Policy": policy.to_string()}),
    );
    call(
        &mut world,
        ServiceId::CloudTrail,
        "CreateTrail",
        json!({"Name": "everything", "S3BucketName": "trail-logs", "IsMultiRegionTrail": true}),
    )
    .unwrap();
    assert_eq!(
        result(&mut world, CLOUDTRAIL_LOGGING)["status"],
        "error",
        "created, not logging"
    );
    call(
        &mut world,
        ServiceId::CloudTrail,
        "StartLogging",
        json!({"Name": "everything"}),
    )
    .unwrap();
    let logging = result(&mut world, CLOUDTRAIL_LOGGING);
    assert_eq!(logging["status"], "ok");
    assert_eq!(logging["resourcesSummary"]["resourcesFlagged"], 0);
    assert_eq!(result(&mut world, S3_PERMISSIONS)["status"], "ok");

    // A bucket anyone may read, once its public access block is gone.
    s3(&mut world, "CreateBucket", json!({"Bucket": "open-data"}));
    s3(
        &mut world,
        "DeletePublicAccessBlock",
        json!({"Bucket": "open-data"}),
    );
    let public = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::open-data/*"}]});
    s3(
        &mut world,
        "PutBucketPolicy",
        json!({"Bucket": "open-data", "Policy": public.to_string()}),
    );
    let buckets = result(&mut world, S3_PERMISSIONS);
    assert_eq!(buckets["status"], "error");
    assert_eq!(buckets["flaggedResources"][0]["resourceId"], "open-data");
    assert_eq!(buckets["resourcesSummary"]["resourcesProcessed"], 2);
}
