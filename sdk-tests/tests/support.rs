//! Trusted Advisor through the AWS Support API (`aws-sdk-support`): AWS's check ids
//! and names, results computed from real state, summaries, refreshes, and the
//! support plan.

use orgsim::world::{Settings, SupportPlan};
use orgsim::Emulator;

use crate::common::{iam, support, MANAGEMENT};

const ROOT_MFA: &str = "7DAFEmoDos";
const IAM_USE: &str = "zXCkfM1nI3";
const PASSWORD_POLICY: &str = "Yw2K9puPzl";
const KEY_ROTATION: &str = "DqdJqYeRm5";
const CLOUDTRAIL_LOGGING: &str = "vjafUGJ9H0";

#[tokio::test]
async fn checks_are_listed_with_aws_ids_and_names() {
    let emulator = Emulator::start();
    let checks = support(&emulator, MANAGEMENT)
        .describe_trusted_advisor_checks()
        .language("en")
        .send()
        .await
        .unwrap();
    let names: Vec<(&str, &str)> = checks.checks().iter().map(|c| (c.id(), c.name())).collect();
    for expected in [
        (ROOT_MFA, "MFA on Root Account"),
        (IAM_USE, "IAM Use"),
        (PASSWORD_POLICY, "IAM Password Policy"),
        (KEY_ROTATION, "IAM Access Key Rotation"),
        (CLOUDTRAIL_LOGGING, "AWS CloudTrail Logging"),
        ("Pfx0RwqBli", "Amazon S3 Bucket Permissions"),
        ("12Fnkpl8Y5", "Exposed Access Keys"),
    ] {
        assert!(names.contains(&expected), "{expected:?} in {names:?}");
    }
}

#[tokio::test]
async fn results_are_computed_from_the_accounts_state() {
    let emulator = Emulator::start();
    let client = support(&emulator, MANAGEMENT);
    let status = |id: &'static str| {
        let client = client.clone();
        async move {
            client
                .describe_trusted_advisor_check_result()
                .check_id(id)
                .send()
                .await
                .unwrap()
                .result()
                .unwrap()
                .status()
                .to_string()
        }
    };
    assert_eq!(status(ROOT_MFA).await, "error", "the root user has no MFA");
    assert_eq!(status(IAM_USE).await, "warning");
    assert_eq!(status(PASSWORD_POLICY).await, "warning");
    assert_eq!(status(CLOUDTRAIL_LOGGING).await, "error");

    let iam = iam(&emulator, MANAGEMENT);
    iam.create_user().user_name("alice").send().await.unwrap();
    iam.update_account_password_policy()
        .require_uppercase_characters(true)
        .require_lowercase_characters(true)
        .require_numbers(true)
        .require_symbols(true)
        .send()
        .await
        .unwrap();
    iam.create_access_key()
        .user_name("alice")
        .send()
        .await
        .unwrap();
    assert_eq!(status(IAM_USE).await, "ok");
    assert_eq!(status(PASSWORD_POLICY).await, "ok");
    assert_eq!(status(KEY_ROTATION).await, "ok");

    emulator.with_world(|w| w.clock.advance(800 * 24 * 3600 * 1000));
    let rotation = client
        .describe_trusted_advisor_check_result()
        .check_id(KEY_ROTATION)
        .send()
        .await
        .unwrap();
    let result = rotation.result().unwrap();
    assert_eq!(result.status(), "error", "not rotated in two years");
    assert_eq!(
        result.flagged_resources()[0].metadata()[1],
        Some("alice".to_string())
    );

    let summaries = client
        .describe_trusted_advisor_check_summaries()
        .check_ids(Some(ROOT_MFA.to_string()))
        .check_ids(Some(IAM_USE.to_string()))
        .send()
        .await
        .unwrap();
    assert!(summaries.summaries()[0].has_flagged_resources());
    assert_eq!(summaries.summaries()[1].status(), "ok");

    let unknown = client
        .describe_trusted_advisor_check_result()
        .check_id("no-such-check")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_support::error::ProvideErrorMetadata::code(&unknown),
        Some("InvalidParameterValueException")
    );
}

#[tokio::test]
async fn refreshes_are_enqueued_then_wait_five_minutes() {
    let emulator = Emulator::start();
    let client = support(&emulator, MANAGEMENT);
    let refreshed = client
        .refresh_trusted_advisor_check()
        .check_id(ROOT_MFA)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status().unwrap().status(), "enqueued");
    let statuses = client
        .describe_trusted_advisor_check_refresh_statuses()
        .check_ids(Some(ROOT_MFA.to_string()))
        .send()
        .await
        .unwrap();
    let status = &statuses.statuses()[0];
    assert_eq!(status.status(), "success");
    assert!(status.millis_until_next_refreshable() > 0);
}

#[tokio::test]
async fn basic_support_answers_subscription_required() {
    let emulator = Emulator::start_with(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let error = support(&emulator, MANAGEMENT)
        .describe_trusted_advisor_checks()
        .language("en")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_support::error::ProvideErrorMetadata::code(&error),
        Some("SubscriptionRequiredException")
    );
}
