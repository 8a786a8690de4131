//! AWS Config in depth with the real SDK (issue 15 item 3, issue 14 item 5): advanced
//! queries over what the other services hold, retention, stored queries and tags with
//! AWS's limits, remediation, delivery into orgsim's S3 (bucket, policy, snapshot), a
//! conformance pack template read from S3, moto's error codes; and (item 4) an invalid
//! enum answered in AWS's words.

use std::io::Read;

use aws_sdk_config::error::ProvideErrorMetadata;
use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{
    AccountAggregationSource, ConfigRule, ConfigurationRecorder, DeliveryChannel,
    RemediationConfiguration, RemediationExceptionResourceKey, RemediationTargetType, ResourceKey,
    ResourceType, Source, StoredQuery, Tag,
};
use orgsim::Emulator;

use crate::common::{config_client, orgs, s3, MANAGEMENT};

const ACCOUNT: &str = "222222222222";

async fn record_into_own_bucket(emulator: &Emulator, account: &str, bucket: &str) {
    s3(emulator, account)
        .create_bucket()
        .bucket(bucket)
        .send()
        .await
        .expect("CreateBucket");
    let cfg = config_client(emulator, account);
    cfg.put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{account}:role/config-recorder"))
                .build(),
        )
        .send()
        .await
        .expect("PutConfigurationRecorder");
    cfg.put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(bucket)
                .build(),
        )
        .send()
        .await
        .expect("PutDeliveryChannel");
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("StartConfigurationRecorder");
}

#[tokio::test]
async fn advanced_queries_see_buckets_and_group_counts() {
    let emulator = Emulator::start();
    let s3c = s3(&emulator, ACCOUNT);
    for bucket in ["data-alpha", "data-beta"] {
        s3c.create_bucket()
            .bucket(bucket)
            .send()
            .await
            .expect("CreateBucket");
    }
    record_into_own_bucket(&emulator, ACCOUNT, "config-222222222222").await;
    let cfg = config_client(&emulator, ACCOUNT);
    let out = cfg
        .select_resource_config()
        .expression("SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket' AND resourceId LIKE 'data-%' ORDER BY resourceId DESC")
        .send()
        .await
        .expect("SelectResourceConfig");
    assert_eq!(
        out.results(),
        [
            r#"{"resourceId":"data-beta"}"#,
            r#"{"resourceId":"data-alpha"}"#
        ]
    );
    assert_eq!(
        out.query_info().unwrap().select_fields()[0].name(),
        Some("resourceId")
    );
    let counts = cfg
        .select_resource_config()
        .expression("SELECT resourceType, COUNT(*) GROUP BY resourceType")
        .send()
        .await
        .expect("SelectResourceConfig COUNT");
    assert!(
        counts
            .results()
            .iter()
            .any(|r| r == r#"{"resourceType":"AWS::S3::Bucket","COUNT(*)":3}"#),
        "{:?}",
        counts.results()
    );
    let e = cfg
        .select_resource_config()
        .expression("SELECT * FROM resources")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_expression_exception(), "{e:?}");
}

#[tokio::test]
async fn retention_stored_queries_and_tag_limits() {
    let emulator = Emulator::start();
    let cfg = config_client(&emulator, ACCOUNT);
    let put = cfg
        .put_retention_configuration()
        .retention_period_in_days(90)
        .send()
        .await
        .expect("PutRetentionConfiguration");
    assert_eq!(put.retention_configuration().unwrap().name(), "default");
    let e = cfg
        .put_retention_configuration()
        .retention_period_in_days(10)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationException"));
    let listed = cfg
        .describe_retention_configurations()
        .send()
        .await
        .expect("DescribeRetentionConfigurations");
    assert_eq!(
        listed.retention_configurations()[0].retention_period_in_days(),
        90
    );
    cfg.delete_retention_configuration()
        .retention_configuration_name("default")
        .send()
        .await
        .expect("DeleteRetentionConfiguration");

    let arn = cfg
        .put_stored_query()
        .stored_query(
            StoredQuery::builder()
                .query_name("all-buckets")
                .expression("SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'")
                .build()
                .unwrap(),
        )
        .tags(Tag::builder().key("team").value("security").build())
        .send()
        .await
        .expect("PutStoredQuery")
        .query_arn()
        .unwrap()
        .to_string();
    let got = cfg
        .get_stored_query()
        .query_name("all-buckets")
        .send()
        .await
        .expect("GetStoredQuery");
    assert_eq!(got.stored_query().unwrap().query_arn(), Some(arn.as_str()));
    let listed = cfg
        .list_stored_queries()
        .send()
        .await
        .expect("ListStoredQueries");
    assert_eq!(listed.stored_query_metadata().len(), 1);

    let e = cfg
        .tag_resource()
        .resource_arn(&arn)
        .tags(Tag::builder().key("k".repeat(129)).value("v").build())
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationException"));
    let mut too_many = cfg.tag_resource().resource_arn(&arn);
    for i in 0..50 {
        too_many = too_many.tags(
            Tag::builder()
                .key(format!("t{i}"))
                .value("v".repeat(256))
                .build(),
        );
    }
    let e = too_many.send().await.unwrap_err().into_service_error();
    assert!(e.is_too_many_tags_exception(), "{e:?}");
    cfg.untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .expect("UntagResource");
    let tags = cfg
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert!(tags.tags().is_empty());
    cfg.delete_stored_query()
        .query_name("all-buckets")
        .send()
        .await
        .expect("DeleteStoredQuery");
    let e = cfg
        .get_stored_query()
        .query_name("all-buckets")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
}

#[tokio::test]
async fn remediation_with_an_exception() {
    let emulator = Emulator::start();
    record_into_own_bucket(&emulator, ACCOUNT, "config-222222222222").await;
    let cfg = config_client(&emulator, ACCOUNT);
    cfg.put_config_rule()
        .config_rule(
            ConfigRule::builder()
                .config_rule_name("s3-public-read")
                .source(
                    Source::builder()
                        .owner(aws_sdk_config::types::Owner::Aws)
                        .source_identifier("S3_BUCKET_PUBLIC_READ_PROHIBITED")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutConfigRule");
    let put = cfg
        .put_remediation_configurations()
        .remediation_configurations(
            RemediationConfiguration::builder()
                .config_rule_name("s3-public-read")
                .target_type(RemediationTargetType::SsmDocument)
                .target_id("AWS-DisableS3BucketPublicReadWrite")
                .automatic(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("PutRemediationConfigurations");
    assert!(put.failed_batches().is_empty());
    let described = cfg
        .describe_remediation_configurations()
        .config_rule_names("s3-public-read")
        .send()
        .await
        .expect("DescribeRemediationConfigurations");
    assert_eq!(described.remediation_configurations().len(), 1);
    cfg.put_remediation_exceptions()
        .config_rule_name("s3-public-read")
        .resource_keys(
            RemediationExceptionResourceKey::builder()
                .resource_type("AWS::S3::Bucket")
                .resource_id("public-site")
                .build(),
        )
        .message("a public website")
        .expiration_time(DateTime::from_secs(4_102_444_800))
        .send()
        .await
        .expect("PutRemediationExceptions");
    let started = cfg
        .start_remediation_execution()
        .config_rule_name("s3-public-read")
        .resource_keys(
            ResourceKey::builder()
                .resource_type(ResourceType::Bucket)
                .resource_id("public-site")
                .build()
                .unwrap(),
        )
        .resource_keys(
            ResourceKey::builder()
                .resource_type(ResourceType::Bucket)
                .resource_id("leaky")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("StartRemediationExecution");
    assert_eq!(
        started.failed_items().len(),
        1,
        "the excepted bucket is not remediated"
    );
    let status = cfg
        .describe_remediation_execution_status()
        .config_rule_name("s3-public-read")
        .send()
        .await
        .expect("DescribeRemediationExecutionStatus");
    let statuses = status.remediation_execution_statuses();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0].state().map(|s| s.as_str()), Some("SUCCEEDED"));
    let e = cfg
        .delete_config_rule()
        .config_rule_name("s3-public-read")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_in_use_exception(), "{e:?}");
    cfg.delete_remediation_configuration()
        .config_rule_name("s3-public-read")
        .send()
        .await
        .expect("DeleteRemediationConfiguration");
    let e = cfg
        .delete_remediation_configuration()
        .config_rule_name("s3-public-read")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_such_remediation_configuration_exception(), "{e:?}");
}

#[tokio::test]
async fn delivery_into_another_accounts_bucket_and_a_snapshot() {
    let emulator = Emulator::start();
    let cfg = config_client(&emulator, ACCOUNT);
    cfg.put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("default")
                .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/config-recorder"))
                .build(),
        )
        .send()
        .await
        .expect("PutConfigurationRecorder");
    let channel = DeliveryChannel::builder()
        .name("default")
        .s3_bucket_name("log-archive-config")
        .build();
    let e = cfg
        .put_delivery_channel()
        .delivery_channel(channel.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_such_bucket_exception(), "{e:?}");

    let archive = s3(&emulator, MANAGEMENT);
    archive
        .create_bucket()
        .bucket("log-archive-config")
        .send()
        .await
        .expect("CreateBucket");
    let e = cfg
        .put_delivery_channel()
        .delivery_channel(channel.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_insufficient_delivery_policy_exception(), "{e:?}");
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
        {{"Effect":"Allow","Principal":{{"Service":"config.amazonaws.com"}},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::log-archive-config"}},
        {{"Effect":"Allow","Principal":{{"Service":"config.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::log-archive-config/AWSLogs/{ACCOUNT}/Config/*"}}]}}"#
    );
    archive
        .put_bucket_policy()
        .bucket("log-archive-config")
        .policy(policy)
        .send()
        .await
        .expect("PutBucketPolicy");
    cfg.put_delivery_channel()
        .delivery_channel(channel)
        .send()
        .await
        .expect("PutDeliveryChannel");
    let e = cfg
        .deliver_config_snapshot()
        .delivery_channel_name("default")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_running_configuration_recorder_exception(), "{e:?}");
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("StartConfigurationRecorder");
    let id = cfg
        .deliver_config_snapshot()
        .delivery_channel_name("default")
        .send()
        .await
        .expect("DeliverConfigSnapshot")
        .config_snapshot_id()
        .unwrap()
        .to_string();
    let listed = archive
        .list_objects_v2()
        .bucket("log-archive-config")
        .prefix(format!("AWSLogs/{ACCOUNT}/Config/us-east-1/"))
        .send()
        .await
        .expect("ListObjectsV2");
    let key = listed.contents()[0].key().unwrap().to_string();
    assert!(
        key.contains("/ConfigSnapshot/222222222222_Config_us-east-1_ConfigSnapshot_"),
        "{key}"
    );
    let object = archive
        .get_object()
        .bucket("log-archive-config")
        .key(&key)
        .send()
        .await
        .expect("GetObject");
    let bytes = object.body.collect().await.unwrap().into_bytes();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .expect("gzip");
    let snapshot: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(snapshot["configSnapshotId"], id.as_str());
    let status = cfg
        .describe_delivery_channel_status()
        .send()
        .await
        .expect("DescribeDeliveryChannelStatus");
    let info = status.delivery_channels_status()[0]
        .config_snapshot_delivery_info()
        .unwrap();
    assert_eq!(info.last_status().map(|s| s.as_str()), Some("Success"));
}

#[tokio::test]
async fn templates_from_s3_and_moto_error_codes() {
    let emulator = Emulator::start();
    record_into_own_bucket(&emulator, ACCOUNT, "config-222222222222").await;
    let template = "Resources:\n  Gd:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: guardduty-enabled-centralized\n      Source:\n        Owner: AWS\n        SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED\n";
    s3(&emulator, ACCOUNT)
        .put_object()
        .bucket("config-222222222222")
        .key("packs/gd.yaml")
        .body(template.as_bytes().to_vec().into())
        .send()
        .await
        .expect("PutObject");
    let cfg = config_client(&emulator, ACCOUNT);
    cfg.put_conformance_pack()
        .conformance_pack_name("from-s3")
        .template_s3_uri("s3://config-222222222222/packs/gd.yaml")
        .send()
        .await
        .expect("PutConformancePack from S3");
    let e = cfg
        .put_conformance_pack()
        .conformance_pack_name("missing")
        .template_s3_uri("s3://config-222222222222/packs/none.yaml")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameterValueException"));

    let source = |account: &str| {
        AccountAggregationSource::builder()
            .account_ids(account)
            .all_aws_regions(true)
            .build()
            .unwrap()
    };
    let e = cfg
        .put_configuration_aggregator()
        .configuration_aggregator_name("two")
        .account_aggregation_sources(source("333333333333"))
        .account_aggregation_sources(source("444444444444"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationException"));
}

#[tokio::test]
async fn an_invalid_enum_is_answered_in_aws_words() {
    let emulator = Emulator::start();
    let e = orgs(&emulator, MANAGEMENT)
        .create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::from(
            "EVERYTHING",
        ))
        .send()
        .await
        .unwrap_err();
    let message = aws_sdk_organizations::error::ProvideErrorMetadata::message(&e)
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        aws_sdk_organizations::error::ProvideErrorMetadata::code(&e),
        Some("InvalidInputException")
    );
    assert!(
        message.contains("You specified an invalid value 'EVERYTHING'"),
        "{message}"
    );
    assert!(!message.contains("unknown variant"), "{message}");
}

#[tokio::test]
async fn organization_queries_packs_and_periodic_snapshots() {
    use aws_sdk_config::types::{
        ConfigSnapshotDeliveryProperties, MaximumExecutionFrequency, OrganizationAggregationSource,
    };
    let emulator = Emulator::start();
    let org = crate::common::organization(&emulator)
        .accounts(&["security", "dev"])
        .delegated_admin("config.amazonaws.com", "security")
        .delegated_admin("config-multiaccountsetup.amazonaws.com", "security")
        .build()
        .await;
    let (security, dev) = (org.account("security"), org.account("dev"));
    record_into_own_bucket(&emulator, &dev, &format!("config-{dev}")).await;
    s3(&emulator, &dev)
        .create_bucket()
        .bucket("dev-data")
        .send()
        .await
        .expect("CreateBucket dev-data");

    let sec = config_client(&emulator, &security);
    sec.put_configuration_aggregator()
        .configuration_aggregator_name("organization")
        .organization_aggregation_source(
            OrganizationAggregationSource::builder()
                .role_arn(format!("arn:aws:iam::{security}:role/ConfigAggregator"))
                .aws_regions("us-east-1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("PutConfigurationAggregator");
    let found = sec
        .select_aggregate_resource_config()
        .configuration_aggregator_name("organization")
        .expression("SELECT accountId, resourceId WHERE resourceType = 'AWS::S3::Bucket' ORDER BY resourceId")
        .send()
        .await
        .expect("SelectAggregateResourceConfig");
    assert_eq!(
        found.results(),
        [
            format!(r#"{{"accountId":"{dev}","resourceId":"config-{dev}"}}"#),
            format!(r#"{{"accountId":"{dev}","resourceId":"dev-data"}}"#),
        ]
    );

    // Organization packs declare ValidationException for a missing template source.
    let e = sec
        .put_organization_conformance_pack()
        .organization_conformance_pack_name("no-template")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationException"));

    // A channel asking for hourly snapshots gets one per hour of world time.
    let dev_cfg = config_client(&emulator, &dev);
    dev_cfg
        .put_delivery_channel()
        .delivery_channel(
            DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name(format!("config-{dev}"))
                .config_snapshot_delivery_properties(
                    ConfigSnapshotDeliveryProperties::builder()
                        .delivery_frequency(MaximumExecutionFrequency::OneHour)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutDeliveryChannel hourly");
    emulator.with_world(|w| w.clock.advance(2 * 3_600_000 + 1));
    let listed = s3(&emulator, &dev)
        .list_objects_v2()
        .bucket(format!("config-{dev}"))
        .prefix(format!("AWSLogs/{dev}/Config/us-east-1/"))
        .send()
        .await
        .expect("ListObjectsV2");
    assert!(
        !listed.contents().is_empty(),
        "the periodic snapshot is delivered on the world clock"
    );
}
