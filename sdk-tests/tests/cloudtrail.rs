//! CloudTrail through the real SDK: trails that need a bucket CloudTrail may write to,
//! organization trails by the delegated administrator that members see and cannot
//! change, and the event history fed by every call orgsim serves — a member's call
//! denied by an SCP shows in LookupEvents and in the gzipped log file the organization
//! trail delivers to the log-archive bucket (read back with aws-sdk-s3).

use std::io::Read;

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, EventSelector, LookupAttribute,
    LookupAttributeKey, ReadWriteType, Tag,
};
use aws_sdk_organizations::types::PolicyType;
use orgsim::Emulator;
use serde_json::Value;

use crate::common::{config, organization, s3, MANAGEMENT};

fn cloudtrail(emulator: &Emulator, access_key: &str) -> aws_sdk_cloudtrail::Client {
    aws_sdk_cloudtrail::Client::new(&config(emulator, access_key))
}

/// The bucket policy AWS documents for CloudTrail, for `prefixes` under `AWSLogs/`.
fn trail_bucket_policy(bucket: &str, prefixes: &[&str]) -> String {
    let resources: Vec<String> = prefixes
        .iter()
        .map(|p| format!("arn:aws:s3:::{bucket}/AWSLogs/{p}/*"))
        .collect();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
            {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
             "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": resources,
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
        ]
    })
    .to_string()
}

#[tokio::test]
async fn a_trail_needs_a_bucket_cloudtrail_may_write_to() {
    let emulator = Emulator::start();
    let ct = cloudtrail(&emulator, MANAGEMENT);
    let bucket = s3(&emulator, MANAGEMENT);
    let missing = ct
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-logs")
        .send()
        .await
        .unwrap_err();
    assert!(
        missing
            .as_service_error()
            .unwrap()
            .is_s3_bucket_does_not_exist_exception(),
        "{missing:?}"
    );
    bucket
        .create_bucket()
        .bucket("trail-logs")
        .send()
        .await
        .unwrap();
    let refused = ct
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-logs")
        .send()
        .await
        .unwrap_err();
    assert!(
        refused
            .as_service_error()
            .unwrap()
            .is_insufficient_s3_bucket_policy_exception(),
        "{refused:?}"
    );
    bucket
        .put_bucket_policy()
        .bucket("trail-logs")
        .policy(trail_bucket_policy("trail-logs", &[MANAGEMENT]))
        .send()
        .await
        .unwrap();
    let created = ct
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-logs")
        .is_multi_region_trail(true)
        .tags_list(
            Tag::builder()
                .key("team")
                .value("security")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateTrail");
    let arn = created.trail_arn().unwrap().to_string();
    assert_eq!(
        arn,
        format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/main")
    );
    let duplicate = ct
        .create_trail()
        .name("main")
        .s3_bucket_name("trail-logs")
        .send()
        .await
        .unwrap_err();
    assert!(duplicate
        .as_service_error()
        .unwrap()
        .is_trail_already_exists_exception());

    // The multi-region trail shows in another region as a shadow trail.
    let eu = aws_sdk_cloudtrail::Client::from_conf(
        aws_sdk_cloudtrail::config::Builder::from(&config(&emulator, MANAGEMENT))
            .region(aws_config::Region::new("eu-west-1"))
            .build(),
    );
    let shadows = eu.describe_trails().send().await.unwrap();
    assert_eq!(shadows.trail_list()[0].home_region(), Some("us-east-1"));
    let own = eu
        .describe_trails()
        .include_shadow_trails(false)
        .send()
        .await
        .unwrap();
    assert!(own.trail_list().is_empty());

    ct.start_logging().name("main").send().await.unwrap();
    let status = ct.get_trail_status().name(&arn).send().await.unwrap();
    assert_eq!(status.is_logging(), Some(true));
    assert!(status.start_logging_time().is_some());

    let selectors = ct
        .get_event_selectors()
        .trail_name("main")
        .send()
        .await
        .unwrap();
    assert_eq!(
        selectors.event_selectors()[0].read_write_type(),
        Some(&ReadWriteType::All)
    );
    ct.put_event_selectors()
        .trail_name("main")
        .event_selectors(
            EventSelector::builder()
                .read_write_type(ReadWriteType::WriteOnly)
                .include_management_events(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    ct.put_event_selectors()
        .trail_name("main")
        .advanced_event_selectors(
            AdvancedEventSelector::builder()
                .name("management writes")
                .field_selectors(
                    AdvancedFieldSelector::builder()
                        .field("eventCategory")
                        .equals("Management")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let advanced = ct
        .get_event_selectors()
        .trail_name("main")
        .send()
        .await
        .unwrap();
    assert_eq!(advanced.advanced_event_selectors().len(), 1);
    assert!(advanced.event_selectors().is_empty());

    let tags = ct.list_tags().resource_id_list(&arn).send().await.unwrap();
    assert_eq!(tags.resource_tag_list()[0].tags_list()[0].key(), "team");
    ct.delete_trail().name("main").send().await.unwrap();
    let gone = ct.get_trail().name("main").send().await.unwrap_err();
    assert!(gone
        .as_service_error()
        .unwrap()
        .is_trail_not_found_exception());
}

#[tokio::test]
async fn the_delegated_admins_organization_trail_belongs_to_management() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["Security", "LogArchive", "Dev"])
        .build()
        .await;
    let (security, archive, dev) = (
        org.account("Security"),
        org.account("LogArchive"),
        org.account("Dev"),
    );
    let ct = cloudtrail(&emulator, MANAGEMENT);
    let not_enabled = ct
        .register_organization_delegated_admin()
        .member_account_id(&security)
        .send()
        .await
        .unwrap_err();
    assert!(
        not_enabled
            .as_service_error()
            .unwrap()
            .is_cloud_trail_access_not_enabled_exception(),
        "{not_enabled:?}"
    );
    org.mgmt
        .enable_aws_service_access()
        .service_principal("cloudtrail.amazonaws.com")
        .send()
        .await
        .unwrap();
    ct.register_organization_delegated_admin()
        .member_account_id(&security)
        .send()
        .await
        .expect("RegisterOrganizationDelegatedAdmin");
    let admins = org
        .mgmt
        .list_delegated_administrators()
        .service_principal("cloudtrail.amazonaws.com")
        .send()
        .await
        .unwrap();
    assert_eq!(
        admins.delegated_administrators()[0].id(),
        Some(security.as_str())
    );

    let org_id = emulator.with_world(|w| {
        w.organizations
            .organization_of(MANAGEMENT)
            .unwrap()
            .id
            .clone()
    });
    let logs = s3(&emulator, &archive);
    logs.create_bucket()
        .bucket("org-trail-logs")
        .send()
        .await
        .unwrap();
    logs.put_bucket_policy()
        .bucket("org-trail-logs")
        .policy(trail_bucket_policy(
            "org-trail-logs",
            &[MANAGEMENT, &org_id],
        ))
        .send()
        .await
        .unwrap();
    let created = cloudtrail(&emulator, &security)
        .create_trail()
        .name("organization")
        .s3_bucket_name("org-trail-logs")
        .is_organization_trail(true)
        .is_multi_region_trail(true)
        .send()
        .await
        .expect("the delegated administrator creates the organization trail");
    let arn = created.trail_arn().unwrap().to_string();
    assert_eq!(
        arn,
        format!("arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/organization")
    );
    assert_eq!(created.is_organization_trail(), Some(true));

    let member = cloudtrail(&emulator, &dev);
    let seen = member.describe_trails().send().await.unwrap();
    assert_eq!(seen.trail_list()[0].trail_arn(), Some(arn.as_str()));
    assert_eq!(seen.trail_list()[0].is_organization_trail(), Some(true));
    let refused = member.stop_logging().name(&arn).send().await.unwrap_err();
    assert!(
        refused
            .as_service_error()
            .unwrap()
            .is_not_organization_master_account_exception(),
        "{refused:?}"
    );
    let refused = member.delete_trail().name(&arn).send().await.unwrap_err();
    assert!(refused
        .as_service_error()
        .unwrap()
        .is_not_organization_master_account_exception());
    ct.deregister_organization_delegated_admin()
        .delegated_admin_account_id(&security)
        .send()
        .await
        .unwrap();
    let again = ct
        .deregister_organization_delegated_admin()
        .delegated_admin_account_id(&security)
        .send()
        .await
        .unwrap_err();
    assert!(again
        .as_service_error()
        .unwrap()
        .is_account_not_registered_exception());
}

fn gunzip(bytes: &[u8]) -> Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzipped log file");
    serde_json::from_str(&text).expect("JSON records")
}

#[tokio::test]
async fn a_members_denied_call_is_in_lookup_events_and_the_delivered_log_file() {
    let emulator = Emulator::start();
    emulator.with_world(|w| w.clock.pinned_ms = Some(1_800_000_000_000));
    let org = organization(&emulator)
        .accounts(&["LogArchive", "Dev"])
        .build()
        .await;
    let (archive, dev) = (org.account("LogArchive"), org.account("Dev"));
    let org_id = emulator.with_world(|w| {
        w.organizations
            .organization_of(MANAGEMENT)
            .unwrap()
            .id
            .clone()
    });
    org.mgmt
        .enable_aws_service_access()
        .service_principal("cloudtrail.amazonaws.com")
        .send()
        .await
        .unwrap();
    let logs = s3(&emulator, &archive);
    logs.create_bucket()
        .bucket("log-archive")
        .send()
        .await
        .unwrap();
    logs.put_bucket_policy()
        .bucket("log-archive")
        .policy(trail_bucket_policy("log-archive", &[MANAGEMENT, &org_id]))
        .send()
        .await
        .unwrap();
    let ct = cloudtrail(&emulator, MANAGEMENT);
    ct.create_trail()
        .name("organization")
        .s3_bucket_name("log-archive")
        .is_organization_trail(true)
        .is_multi_region_trail(true)
        .send()
        .await
        .unwrap();
    ct.start_logging()
        .name("organization")
        .send()
        .await
        .unwrap();

    let policy = org
        .mgmt
        .create_policy()
        .name("NoNewUsers")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:CreateUser","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap()
        .policy_summary
        .unwrap()
        .id
        .unwrap();
    org.mgmt
        .attach_policy()
        .policy_id(&policy)
        .target_id(&dev)
        .send()
        .await
        .unwrap();
    let iam = aws_sdk_iam::Client::new(&config(&emulator, &dev));
    let denied = iam
        .create_user()
        .user_name("intruder")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::code(&denied),
        Some("AccessDenied")
    );

    // LookupEvents in the member's account, at once.
    let found = cloudtrail(&emulator, &dev)
        .lookup_events()
        .lookup_attributes(
            LookupAttribute::builder()
                .attribute_key(LookupAttributeKey::EventName)
                .attribute_value("CreateUser")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let event = &found.events()[0];
    assert_eq!(event.event_source(), Some("iam.amazonaws.com"));
    assert_eq!(event.username(), Some("root"));
    let record: Value = serde_json::from_str(event.cloud_trail_event().unwrap()).unwrap();
    assert_eq!(record["errorCode"], "AccessDenied");
    assert!(
        record["errorMessage"]
            .as_str()
            .unwrap()
            .contains("service control policy"),
        "{record}"
    );
    assert_eq!(record["userIdentity"]["type"], "Root");
    assert_eq!(record["recipientAccountId"], dev.as_str());
    assert_eq!(record["awsRegion"], "us-east-1");
    assert_eq!(record["requestParameters"]["userName"], "intruder");
    assert_eq!(record["responseElements"], Value::Null);
    assert!(record["userAgent"]
        .as_str()
        .unwrap()
        .contains("aws-sdk-rust"));

    // Five minutes of world time later, the next request delivers the log file.
    emulator.with_world(|w| w.clock.advance(5 * 60 * 1000));
    let listed = logs
        .list_objects_v2()
        .bucket("log-archive")
        .prefix(format!("AWSLogs/{org_id}/{dev}/CloudTrail/us-east-1/"))
        .send()
        .await
        .unwrap();
    let key = listed.contents()[0].key().unwrap().to_string();
    assert!(key.ends_with(".json.gz"), "{key}");
    assert!(
        key.contains(&format!("/{dev}_CloudTrail_us-east-1_")),
        "{key}"
    );
    let object = logs
        .get_object()
        .bucket("log-archive")
        .key(&key)
        .send()
        .await
        .unwrap();
    let bytes = object.body.collect().await.unwrap().into_bytes();
    let file = gunzip(&bytes);
    let denied = file["Records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["eventName"] == "CreateUser")
        .expect("the denied call is in the log file");
    assert_eq!(denied["errorCode"], "AccessDenied");
    assert_eq!(denied["eventVersion"], "1.11");
    let status = ct
        .get_trail_status()
        .name("organization")
        .send()
        .await
        .unwrap();
    assert!(status.latest_delivery_time().is_some());
}
