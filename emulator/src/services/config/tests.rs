//! Unit tests of the operations issue 15 added (advanced queries, retention, tags,
//! stored queries, remediation, evaluations) and of delivery into orgsim's S3.

use super::test_support::*;
use crate::services::s3::delivery::{list_keys, read_object, store_as_owner};
use serde_json::{json, Value};
use std::io::Read;

const ACCOUNT: &str = "222222222222";

fn select(w: &mut crate::world::World, expression: &str) -> Vec<Value> {
    let out = run_ok(
        w,
        ACCOUNT,
        "SelectResourceConfig",
        json!({"Expression": expression}),
    );
    out["Results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::from_str(r.as_str().unwrap()).unwrap())
        .collect()
}

#[test]
fn retention_is_one_default_configuration_within_aws_range() {
    let mut w = world();
    for days in [29, 2558] {
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "PutRetentionConfiguration",
                json!({"RetentionPeriodInDays": days})
            ),
            "ValidationException"
        );
    }
    let put = run_ok(
        &mut w,
        ACCOUNT,
        "PutRetentionConfiguration",
        json!({"RetentionPeriodInDays": 365}),
    );
    assert_eq!(
        put["RetentionConfiguration"],
        json!({"Name": "default", "RetentionPeriodInDays": 365})
    );
    let listed = run_ok(
        &mut w,
        ACCOUNT,
        "DescribeRetentionConfigurations",
        json!({}),
    );
    assert_eq!(
        listed["RetentionConfigurations"][0]["RetentionPeriodInDays"],
        365
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DescribeRetentionConfigurations",
            json!({"RetentionConfigurationNames": ["other"]})
        ),
        "NoSuchRetentionConfigurationException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteRetentionConfiguration",
        json!({"RetentionConfigurationName": "default"}),
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DeleteRetentionConfiguration",
            json!({"RetentionConfigurationName": "default"})
        ),
        "NoSuchRetentionConfigurationException"
    );
}

#[test]
fn stored_queries_and_tags_keep_aws_limits() {
    let mut w = world();
    let put = json!({"StoredQuery": {"QueryName": "buckets", "Expression": "SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'"},
                     "Tags": [{"Key": "team", "Value": "sec"}]});
    let arn = run_ok(&mut w, ACCOUNT, "PutStoredQuery", put.clone())["QueryArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        arn.starts_with("arn:aws:config:us-east-1:222222222222:stored-query/buckets/query-"),
        "{arn}"
    );
    assert_eq!(
        run_ok(&mut w, ACCOUNT, "PutStoredQuery", put)["QueryArn"],
        arn.as_str(),
        "same name updates"
    );
    let got = run_ok(
        &mut w,
        ACCOUNT,
        "GetStoredQuery",
        json!({"QueryName": "buckets"}),
    );
    assert!(got["StoredQuery"]["Expression"]
        .as_str()
        .unwrap()
        .contains("AWS::S3::Bucket"));
    let listed = run_ok(&mut w, ACCOUNT, "ListStoredQueries", json!({}));
    assert_eq!(listed["StoredQueryMetadata"].as_array().unwrap().len(), 1);
    assert!(listed["StoredQueryMetadata"][0].get("Expression").is_none());

    let tags = run_ok(
        &mut w,
        ACCOUNT,
        "ListTagsForResource",
        json!({"ResourceArn": arn}),
    );
    assert_eq!(tags["Tags"], json!([{"Key": "team", "Value": "sec"}]));
    let long_key = "k".repeat(129);
    let long_value = "v".repeat(257);
    for bad in [
        json!([{"Key": long_key, "Value": "v"}]),
        json!([{"Key": "k", "Value": long_value}]),
        json!([{"Key": "aws:x", "Value": "v"}]),
    ] {
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "TagResource",
                json!({"ResourceArn": arn, "Tags": bad})
            ),
            "ValidationException"
        );
    }
    let max_key = "k".repeat(128);
    let max_value = "v".repeat(256);
    run_ok(
        &mut w,
        ACCOUNT,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": [{"Key": max_key, "Value": max_value}]}),
    );
    let many: Vec<Value> = (0..49)
        .map(|i| json!({"Key": format!("t{i}"), "Value": ""}))
        .collect();
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "TagResource",
            json!({"ResourceArn": arn, "Tags": many})
        ),
        "TooManyTagsException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["team"]}),
    );
    let tags = run_ok(
        &mut w,
        ACCOUNT,
        "ListTagsForResource",
        json!({"ResourceArn": arn}),
    );
    assert_eq!(tags["Tags"].as_array().unwrap().len(), 1);
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "ListTagsForResource",
            json!({"ResourceArn": "arn:aws:config:us-east-1:222222222222:config-rule/config-rule-nope"})
        ),
        "ResourceNotFoundException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteStoredQuery",
        json!({"QueryName": "buckets"}),
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "GetStoredQuery",
            json!({"QueryName": "buckets"})
        ),
        "ResourceNotFoundException"
    );
}

#[test]
fn select_queries_the_resources_of_other_services() {
    let mut w = world();
    create_bucket(&mut w, ACCOUNT, "data-a");
    create_bucket(&mut w, ACCOUNT, "data-b");
    start_recording(&mut w, ACCOUNT);
    let rows = select(&mut w, "SELECT resourceId, resourceName WHERE resourceType = 'AWS::S3::Bucket' AND resourceName LIKE 'data-%' ORDER BY resourceId DESC");
    assert_eq!(
        rows,
        vec![
            json!({"resourceId": "data-b", "resourceName": "data-b"}),
            json!({"resourceId": "data-a", "resourceName": "data-a"})
        ]
    );
    let counts = select(&mut w, "SELECT resourceType, COUNT(*) WHERE resourceType IN ('AWS::S3::Bucket', 'AWS::IAM::Role') GROUP BY resourceType");
    assert_eq!(
        counts,
        vec![json!({"resourceType": "AWS::S3::Bucket", "COUNT(*)": 3})]
    );
    let out = run_ok(
        &mut w,
        ACCOUNT,
        "SelectResourceConfig",
        json!({"Expression": "SELECT COUNT(*)", "Limit": 1}),
    );
    assert_eq!(
        out["QueryInfo"]["SelectFields"],
        json!([{"Name": "COUNT(*)"}])
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "SelectResourceConfig",
            json!({"Expression": "SELECT * WHERE"})
        ),
        "InvalidExpressionException"
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "SelectAggregateResourceConfig",
            json!({"Expression": "SELECT resourceId", "ConfigurationAggregatorName": "none"})
        ),
        "NoSuchConfigurationAggregatorException"
    );
}

#[test]
fn remediation_configurations_exceptions_and_executions() {
    let mut w = world();
    start_recording(&mut w, ACCOUNT);
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigRule",
        json!({"ConfigRule": {"ConfigRuleName": "s3-public", "Source": {"Owner": "AWS", "SourceIdentifier": "S3_BUCKET_PUBLIC_READ_PROHIBITED"}}}),
    );
    let configuration = json!({"ConfigRuleName": "s3-public", "TargetType": "SSM_DOCUMENT", "TargetId": "AWS-DisableS3BucketPublicReadWrite", "Automatic": false});
    let missing =
        json!({"ConfigRuleName": "nope", "TargetType": "SSM_DOCUMENT", "TargetId": "AWS-X"});
    let put = run_ok(
        &mut w,
        ACCOUNT,
        "PutRemediationConfigurations",
        json!({"RemediationConfigurations": [configuration, missing]}),
    );
    assert_eq!(
        put["FailedBatches"][0]["FailedItems"][0]["ConfigRuleName"],
        "nope"
    );
    let described = run_ok(
        &mut w,
        ACCOUNT,
        "DescribeRemediationConfigurations",
        json!({"ConfigRuleNames": ["s3-public", "nope"]}),
    );
    let configurations = described["RemediationConfigurations"].as_array().unwrap();
    assert_eq!(configurations.len(), 1);
    assert!(configurations[0]["Arn"]
        .as_str()
        .unwrap()
        .contains(":remediation-configuration/s3-public/"));
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DeleteConfigRule",
            json!({"ConfigRuleName": "s3-public"})
        ),
        "ResourceInUseException"
    );

    run_ok(
        &mut w,
        ACCOUNT,
        "PutRemediationExceptions",
        json!({"ConfigRuleName": "s3-public", "ResourceKeys": [{"ResourceType": "AWS::S3::Bucket", "ResourceId": "keep-open"}], "Message": "public website"}),
    );
    let exceptions = run_ok(
        &mut w,
        ACCOUNT,
        "DescribeRemediationExceptions",
        json!({"ConfigRuleName": "s3-public"}),
    );
    assert_eq!(
        exceptions["RemediationExceptions"][0]["Message"],
        "public website"
    );
    let keys = json!([{"resourceType": "AWS::S3::Bucket", "resourceId": "keep-open"}, {"resourceType": "AWS::S3::Bucket", "resourceId": "fix-me"}]);
    let started = run_ok(
        &mut w,
        ACCOUNT,
        "StartRemediationExecution",
        json!({"ConfigRuleName": "s3-public", "ResourceKeys": keys}),
    );
    assert_eq!(
        started["FailedItems"],
        json!([{"resourceType": "AWS::S3::Bucket", "resourceId": "keep-open"}])
    );
    let status = run_ok(
        &mut w,
        ACCOUNT,
        "DescribeRemediationExecutionStatus",
        json!({"ConfigRuleName": "s3-public"}),
    );
    let statuses = status["RemediationExecutionStatuses"].as_array().unwrap();
    assert_eq!(statuses.len(), 1);
    assert_eq!(statuses[0]["State"], "SUCCEEDED");
    assert_eq!(
        statuses[0]["StepDetails"][0]["Name"],
        "AWS-DisableS3BucketPublicReadWrite"
    );

    let deleted = run_ok(
        &mut w,
        ACCOUNT,
        "DeleteRemediationExceptions",
        json!({"ConfigRuleName": "s3-public", "ResourceKeys": [{"ResourceType": "AWS::S3::Bucket", "ResourceId": "keep-open"}, {"ResourceType": "AWS::S3::Bucket", "ResourceId": "other"}]}),
    );
    assert_eq!(
        deleted["FailedBatches"][0]["FailedItems"][0]["ResourceId"],
        "other"
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DeleteRemediationExceptions",
            json!({"ConfigRuleName": "s3-public", "ResourceKeys": [{"ResourceType": "AWS::S3::Bucket", "ResourceId": "other"}]})
        ),
        "NoSuchRemediationExceptionException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteRemediationConfiguration",
        json!({"ConfigRuleName": "s3-public"}),
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "StartRemediationExecution",
            json!({"ConfigRuleName": "s3-public", "ResourceKeys": [{"resourceType": "AWS::S3::Bucket", "resourceId": "x"}]})
        ),
        "NoSuchRemediationConfigurationException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteConfigRule",
        json!({"ConfigRuleName": "s3-public"}),
    );
}

#[test]
fn evaluations_per_resource_and_their_deletion() {
    let mut w = world();
    create_detector(&mut w, ACCOUNT);
    start_recording(&mut w, ACCOUNT);
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigRule",
        json!({"ConfigRule": {"ConfigRuleName": "gd", "Source": {"Owner": "AWS", "SourceIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"}}}),
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigRule",
        json!({"ConfigRule": {"ConfigRuleName": "manual", "Source": {"Owner": "AWS", "SourceIdentifier": "AWS_CONFIG_PROCESS_CHECK"}}}),
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigRule",
        json!({"ConfigRule": {"ConfigRuleName": "guard", "Source": {"Owner": "CUSTOM_POLICY", "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}], "CustomPolicyDetails": {"PolicyRuntime": "guard-2.x.x", "PolicyText": "rule check { true }"}}}}),
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "PutExternalEvaluation",
        json!({"ConfigRuleName": "manual", "ExternalEvaluation": {"ComplianceResourceType": "AWS::::Account", "ComplianceResourceId": ACCOUNT, "ComplianceType": "NON_COMPLIANT", "OrderingTimestamp": 1.0}}),
    );
    let details = run_ok(
        &mut w,
        ACCOUNT,
        "GetComplianceDetailsByResource",
        json!({"ResourceType": "AWS::::Account", "ResourceId": ACCOUNT}),
    );
    let rules: Vec<&str> = details["EvaluationResults"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]["ConfigRuleName"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(rules, ["gd", "manual"]);
    let summary = run_ok(
        &mut w,
        ACCOUNT,
        "GetComplianceSummaryByResourceType",
        json!({"ResourceTypes": ["AWS::::Account"]}),
    );
    assert_eq!(
        summary["ComplianceSummariesByResourceType"][0]["ComplianceSummary"]
            ["NonCompliantResourceCount"]["CappedCount"],
        1
    );
    assert_eq!(
        run_ok(
            &mut w,
            ACCOUNT,
            "GetCustomRulePolicy",
            json!({"ConfigRuleName": "guard"})
        )["PolicyText"],
        "rule check { true }"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteEvaluationResults",
        json!({"ConfigRuleName": "gd"}),
    );
    let details = run_ok(
        &mut w,
        ACCOUNT,
        "GetComplianceDetailsByResource",
        json!({"ResourceType": "AWS::::Account", "ResourceId": ACCOUNT}),
    );
    assert_eq!(
        details["EvaluationResults"].as_array().unwrap().len(),
        1,
        "gd's results are gone"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "StartConfigRulesEvaluation",
        json!({"ConfigRuleNames": ["gd"]}),
    );
    let details = run_ok(
        &mut w,
        ACCOUNT,
        "GetComplianceDetailsByResource",
        json!({"ResourceType": "AWS::::Account", "ResourceId": ACCOUNT}),
    );
    assert_eq!(
        details["EvaluationResults"].as_array().unwrap().len(),
        2,
        "a new evaluation brings them back"
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DeleteEvaluationResults",
            json!({"ConfigRuleName": "nope"})
        ),
        "NoSuchConfigRuleException"
    );
}

fn gunzip(bytes: &[u8]) -> Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn delivery_needs_a_real_bucket_config_may_write_and_snapshots_land_there() {
    let mut w = world();
    let role = json!({"ConfigurationRecorder": {"name": "default", "roleARN": format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")}});
    run_ok(&mut w, ACCOUNT, "PutConfigurationRecorder", role);
    let channel = json!({"DeliveryChannel": {"name": "default", "s3BucketName": "central-config", "configSnapshotDeliveryProperties": {"deliveryFrequency": "One_Hour"}}});
    assert_eq!(
        error_code(&mut w, ACCOUNT, "PutDeliveryChannel", channel.clone()),
        "NoSuchBucketException"
    );
    create_bucket(&mut w, MANAGEMENT, "central-config");
    assert_eq!(
        error_code(&mut w, ACCOUNT, "PutDeliveryChannel", channel.clone()),
        "InsufficientDeliveryPolicyException",
        "the service-linked role writes as config.amazonaws.com"
    );
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "Acl", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::central-config"},
        {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject", "Resource": format!("arn:aws:s3:::central-config/AWSLogs/{ACCOUNT}/Config/*")}]});
    s3_ok(
        &mut w,
        MANAGEMENT,
        "PutBucketPolicy",
        json!({"Bucket": "central-config", "Policy": policy.to_string()}),
    );
    run_ok(&mut w, ACCOUNT, "PutDeliveryChannel", channel);
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "DeliverConfigSnapshot",
            json!({"deliveryChannelName": "default"})
        ),
        "NoRunningConfigurationRecorderException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "StartConfigurationRecorder",
        json!({"ConfigurationRecorderName": "default"}),
    );
    let id = run_ok(
        &mut w,
        ACCOUNT,
        "DeliverConfigSnapshot",
        json!({"deliveryChannelName": "default"}),
    )["configSnapshotId"]
        .clone();
    let prefix = format!("AWSLogs/{ACCOUNT}/Config/us-east-1/");
    let keys = list_keys(&w, "central-config", &prefix);
    assert_eq!(keys.len(), 1);
    assert!(
        keys[0].contains("/ConfigSnapshot/222222222222_Config_us-east-1_ConfigSnapshot_"),
        "{}",
        keys[0]
    );
    let snapshot = gunzip(&read_object(&w, "central-config", &keys[0]).unwrap());
    assert_eq!(snapshot["configSnapshotId"], id);
    assert!(
        !snapshot["configurationItems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["resourceType"] == "AWS::S3::Bucket"),
        "the bucket is the management account's"
    );
    let status = run_ok(&mut w, ACCOUNT, "DescribeDeliveryChannelStatus", json!({}));
    assert_eq!(
        status["DeliveryChannelsStatus"][0]["configSnapshotDeliveryInfo"]["lastStatus"],
        "Success"
    );

    // One_Hour: the next snapshot is written once an hour of world time has passed.
    w.clock.advance(3_600_000);
    run_ok(&mut w, ACCOUNT, "DescribeDeliveryChannels", json!({}));
    assert_eq!(list_keys(&w, "central-config", &prefix).len(), 2);
}

#[test]
fn moto_error_codes_and_templates_from_s3() {
    let mut w = world();
    let two = json!({"ConfigurationAggregatorName": "agg", "AccountAggregationSources": [
        {"AccountIds": ["333333333333"], "AllAwsRegions": true}, {"AccountIds": ["444444444444"], "AllAwsRegions": true}]});
    assert_eq!(
        error_code(&mut w, ACCOUNT, "PutConfigurationAggregator", two),
        "ValidationException"
    );

    start_recording(&mut w, ACCOUNT);
    let uri = format!("s3://config-bucket-{ACCOUNT}/packs/security.yaml");
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "PutConformancePack",
            json!({"ConformancePackName": "p", "TemplateS3Uri": uri})
        ),
        "InvalidParameterValueException"
    );
    store_as_owner(
        &mut w,
        &format!("config-bucket-{ACCOUNT}"),
        "packs/security.yaml",
        bytes::Bytes::from(super::conformance_packs::tests::TEMPLATE),
        "text/yaml",
    )
    .unwrap();
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConformancePack",
        json!({"ConformancePackName": "p", "TemplateS3Uri": uri}),
    );
    let packs = run_ok(&mut w, ACCOUNT, "DescribeConformancePacks", json!({}));
    assert_eq!(
        packs["ConformancePackDetails"][0]["ConformancePackName"],
        "p"
    );

    org_with_accounts(&mut w, 1);
    assert_eq!(
        error_code(
            &mut w,
            MANAGEMENT,
            "PutOrganizationConformancePack",
            json!({"OrganizationConformancePackName": "o"})
        ),
        "ValidationException",
        "no template source: the declared ValidationException"
    );
}

#[test]
fn tags_given_at_creation_are_kept_within_limits() {
    let mut w = world();
    start_recording(&mut w, ACCOUNT);
    let rule = |tags: Value| json!({"ConfigRule": {"ConfigRuleName": "gd", "Source": {"Owner": "AWS", "SourceIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"}}, "Tags": tags});
    let many: Vec<Value> = (0..51)
        .map(|i| json!({"Key": format!("t{i}"), "Value": "v"}))
        .collect();
    assert_eq!(
        error_code(&mut w, ACCOUNT, "PutConfigRule", rule(json!(many))),
        "ValidationException"
    );
    assert_eq!(
        error_code(
            &mut w,
            ACCOUNT,
            "PutConfigRule",
            rule(json!([{"Key": "k".repeat(129), "Value": "v"}]))
        ),
        "ValidationException"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigRule",
        rule(json!([{"Key": "owner", "Value": "security"}])),
    );
    let arn = run_ok(&mut w, ACCOUNT, "DescribeConfigRules", json!({}))["ConfigRules"][0]
        ["ConfigRuleArn"]
        .clone();
    let tags = run_ok(
        &mut w,
        ACCOUNT,
        "ListTagsForResource",
        json!({"ResourceArn": arn}),
    );
    assert_eq!(tags["Tags"], json!([{"Key": "owner", "Value": "security"}]));
    let aggregator = run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigurationAggregator",
        json!({"ConfigurationAggregatorName": "agg",
        "AccountAggregationSources": [{"AccountIds": ["333333333333"], "AllAwsRegions": true}], "Tags": [{"Key": "env", "Value": "prod"}]}),
    );
    let arn = aggregator["ConfigurationAggregator"]["ConfigurationAggregatorArn"].clone();
    let tags = run_ok(
        &mut w,
        ACCOUNT,
        "ListTagsForResource",
        json!({"ResourceArn": arn}),
    );
    assert_eq!(tags["Tags"][0]["Key"], "env");
}

#[test]
fn iam_users_and_roles_are_recorded_with_global_types() {
    let mut w = world();
    w.begin_request();
    crate::services::dispatch(
        &mut w,
        &root_caller(ACCOUNT),
        crate::api::ServiceId::Iam,
        "CreateUser",
        json!({"UserName": "alice"}),
    )
    .expect("CreateUser");
    start_recording(&mut w, ACCOUNT);
    let list = json!({"resourceType": "AWS::IAM::User"});
    let listed = run_ok(&mut w, ACCOUNT, "ListDiscoveredResources", list.clone());
    assert!(
        listed["resourceIdentifiers"].as_array().unwrap().is_empty(),
        "AWS's default recording group leaves the global IAM types out"
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "PutConfigurationRecorder",
        json!({"ConfigurationRecorder": {"name": "default", "roleARN": format!("arn:aws:iam::{ACCOUNT}:role/config"),
               "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}}),
    );
    let listed = run_ok(&mut w, ACCOUNT, "ListDiscoveredResources", list);
    assert_eq!(listed["resourceIdentifiers"][0]["resourceName"], "alice");
    assert!(listed["resourceIdentifiers"][0]["resourceId"]
        .as_str()
        .unwrap()
        .starts_with("AIDA"));
    let rows = select(
        &mut w,
        "SELECT resourceName WHERE resourceType = 'AWS::IAM::User'",
    );
    assert_eq!(rows, vec![json!({"resourceName": "alice"})]);
}
