//! The AWS Config chapter end to end with the real SDKs: the security account is
//! delegated administrator for both Config principals, aggregates the whole
//! organization in every region and deploys organization rules whose compliance is
//! read from GuardDuty's and Organizations' real state — enabling GuardDuty in an
//! account flips it to COMPLIANT with no other call. Then the error cases of CATALOG
//! §7 through the SDK's typed errors.

use aws_sdk_config::types::{
    ComplianceType, ConfigRuleComplianceFilters, ConfigRuleComplianceSummaryGroupKey,
    ConfigurationRecorder, DeliveryChannel, MemberAccountRuleStatus, OrganizationAggregationSource,
    OrganizationManagedRuleMetadata, ResourceType,
};
use aws_sdk_config::Client;
use orgsim::Emulator;
use std::collections::BTreeMap;

use crate::common::{
    config_client, config_delivery_bucket, guardduty, organization, securityhub,
    start_config_recording, MANAGEMENT,
};

const CONFIG: &str = "config.amazonaws.com";
const MULTI_ACCOUNT: &str = "config-multiaccountsetup.amazonaws.com";

fn recorder(account: &str) -> ConfigurationRecorder {
    ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"))
        .build()
}

async fn put_org_rule(cfg: &Client, name: &str, identifier: &str) {
    let arn = cfg
        .put_organization_config_rule()
        .organization_config_rule_name(name)
        .organization_managed_rule_metadata(
            OrganizationManagedRuleMetadata::builder()
                .rule_identifier(identifier)
                .build()
                .expect("metadata"),
        )
        .send()
        .await
        .expect("PutOrganizationConfigRule")
        .organization_config_rule_arn
        .expect("arn");
    assert!(
        arn.contains(&format!(":organization-config-rule/{name}-")),
        "{arn}"
    );
}

/// Account → compliance of the member-side rule deployed by organization rule `rule`.
async fn aggregated(cfg: &Client, rule_prefix: &str) -> BTreeMap<String, ComplianceType> {
    let out = cfg
        .describe_aggregate_compliance_by_config_rules()
        .configuration_aggregator_name("organization")
        .filters(
            ConfigRuleComplianceFilters::builder()
                .aws_region("us-east-1")
                .build(),
        )
        .send()
        .await
        .expect("DescribeAggregateComplianceByConfigRules");
    out.aggregate_compliance_by_config_rules()
        .iter()
        .filter(|r| {
            r.config_rule_name()
                .unwrap_or_default()
                .starts_with(rule_prefix)
        })
        .map(|r| {
            (
                r.account_id().unwrap().to_string(),
                r.compliance()
                    .and_then(|c| c.compliance_type())
                    .cloned()
                    .unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn organization_wide_config_chapter() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev", "prod"])
        .delegated_admin(CONFIG, "security")
        .delegated_admin(MULTI_ACCOUNT, "security")
        .build()
        .await;
    let (security, dev, prod) = (
        org.account("security"),
        org.account("dev"),
        org.account("prod"),
    );
    config_delivery_bucket(&emulator).await;
    for account in [MANAGEMENT, security.as_str(), dev.as_str(), prod.as_str()] {
        start_config_recording(&config_client(&emulator, account), account).await;
    }

    let sec = config_client(&emulator, &security);
    let aggregator = sec
        .put_configuration_aggregator()
        .configuration_aggregator_name("organization")
        .organization_aggregation_source(
            OrganizationAggregationSource::builder()
                .role_arn(format!("arn:aws:iam::{security}:role/ConfigAggregator"))
                .all_aws_regions(true)
                .build()
                .expect("source"),
        )
        .send()
        .await
        .expect("PutConfigurationAggregator")
        .configuration_aggregator
        .expect("aggregator");
    assert!(aggregator
        .configuration_aggregator_arn()
        .unwrap()
        .starts_with(&format!(
            "arn:aws:config:us-east-1:{security}:config-aggregator/config-aggregator-"
        )));
    put_org_rule(&sec, "guardduty-enabled", "GUARDDUTY_ENABLED_CENTRALIZED").await;
    put_org_rule(&sec, "securityhub-enabled", "SECURITYHUB_ENABLED").await;

    let detailed = sec
        .get_organization_config_rule_detailed_status()
        .organization_config_rule_name("guardduty-enabled")
        .send()
        .await
        .expect("GetOrganizationConfigRuleDetailedStatus");
    assert_eq!(detailed.organization_config_rule_detailed_status().len(), 4);
    assert!(detailed
        .organization_config_rule_detailed_status()
        .iter()
        .all(|s| s.member_account_rule_status() == &MemberAccountRuleStatus::CreateSuccessful));

    let gd = |account: &str| guardduty(&emulator, account);
    for account in [&security, &dev] {
        gd(account)
            .create_detector()
            .enable(true)
            .send()
            .await
            .expect("CreateDetector");
    }
    let expected = |compliant: &[&str]| -> BTreeMap<String, ComplianceType> {
        [MANAGEMENT, security.as_str(), dev.as_str(), prod.as_str()]
            .iter()
            .map(|a| {
                let t = if compliant.contains(a) {
                    ComplianceType::Compliant
                } else {
                    ComplianceType::NonCompliant
                };
                (a.to_string(), t)
            })
            .collect()
    };
    let gd_rule = "OrgConfigRule-guardduty-enabled-";
    assert_eq!(
        aggregated(&sec, gd_rule).await,
        expected(&[&security, &dev])
    );
    // Security Hub is on nowhere yet.
    assert_eq!(
        aggregated(&sec, "OrgConfigRule-securityhub-enabled-").await,
        expected(&[])
    );

    // Enabling GuardDuty in prod is all it takes.
    gd(&prod)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    assert_eq!(
        aggregated(&sec, gd_rule).await,
        expected(&[&security, &dev, &prod])
    );

    // The same for Security Hub: turning it on in dev flips only dev.
    securityhub(&emulator, &dev)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    assert_eq!(
        aggregated(&sec, "OrgConfigRule-securityhub-enabled-").await,
        expected(&[&dev])
    );

    let detectors = sec
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name("organization")
        .resource_type(ResourceType::from("AWS::GuardDuty::Detector"))
        .send()
        .await
        .expect("ListAggregateDiscoveredResources");
    let mut holders: Vec<&str> = detectors
        .resource_identifiers()
        .iter()
        .map(|r| r.source_account_id())
        .collect();
    holders.sort();
    let mut expected_holders = vec![security.as_str(), dev.as_str(), prod.as_str()];
    expected_holders.sort();
    assert_eq!(holders, expected_holders);
    let own = config_client(&emulator, &prod)
        .list_discovered_resources()
        .resource_type(ResourceType::from("AWS::GuardDuty::Detector"))
        .send()
        .await
        .expect("ListDiscoveredResources");
    assert_eq!(own.resource_identifiers().len(), 1);

    let summary = sec
        .get_aggregate_config_rule_compliance_summary()
        .configuration_aggregator_name("organization")
        .group_by_key(ConfigRuleComplianceSummaryGroupKey::AccountId)
        .send()
        .await
        .expect("GetAggregateConfigRuleComplianceSummary");
    let mgmt_counts = summary
        .aggregate_compliance_counts()
        .iter()
        .find(|c| c.group_name() == Some(MANAGEMENT))
        .and_then(|c| c.compliance_summary())
        .expect("management's counts");
    assert_eq!(
        mgmt_counts
            .non_compliant_resource_count()
            .unwrap()
            .capped_count(),
        2
    );
    assert_eq!(
        mgmt_counts
            .compliant_resource_count()
            .unwrap()
            .capped_count(),
        0
    );

    let member_rule = config_client(&emulator, &prod)
        .describe_compliance_by_config_rule()
        .send()
        .await
        .expect("DescribeComplianceByConfigRule");
    let gd_member = member_rule
        .compliance_by_config_rules()
        .iter()
        .find(|r| r.config_rule_name().unwrap().starts_with(gd_rule))
        .expect("rule deployed in prod");
    assert_eq!(
        gd_member.compliance().unwrap().compliance_type(),
        Some(&ComplianceType::Compliant)
    );
    let rule_name = gd_member.config_rule_name().unwrap().to_string();
    let details = sec
        .get_aggregate_compliance_details_by_config_rule()
        .configuration_aggregator_name("organization")
        .config_rule_name(&rule_name)
        .account_id(&prod)
        .aws_region("us-east-1")
        .send()
        .await
        .expect("GetAggregateComplianceDetailsByConfigRule");
    let result = &details.aggregate_evaluation_results()[0];
    let qualifier = result
        .evaluation_result_identifier()
        .and_then(|i| i.evaluation_result_qualifier())
        .unwrap();
    assert_eq!(qualifier.resource_type(), Some("AWS::::Account"));
    assert_eq!(qualifier.resource_id(), Some(prod.as_str()));
}

#[tokio::test]
async fn config_errors_are_typed() {
    let emulator = Emulator::start();
    let dev = organization(&emulator)
        .account("dev")
        .build()
        .await
        .account("dev");
    let cfg = config_client(&emulator, &dev);

    let e = cfg
        .put_delivery_channel()
        .delivery_channel(DeliveryChannel::builder().s3_bucket_name("b").build())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_no_available_configuration_recorder_exception(),
        "{e:?}"
    );
    cfg.put_configuration_recorder()
        .configuration_recorder(recorder(&dev))
        .send()
        .await
        .expect("PutConfigurationRecorder");
    let e = cfg
        .put_configuration_recorder()
        .configuration_recorder(
            ConfigurationRecorder::builder()
                .name("second")
                .role_arn("arn:aws:iam::1:role/r")
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_max_number_of_configuration_recorders_exceeded_exception(),
        "{e:?}"
    );
    let e = cfg
        .start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_available_delivery_channel_exception(), "{e:?}");

    let org_source = OrganizationAggregationSource::builder()
        .role_arn("arn:aws:iam::111111111111:role/ConfigAggregator")
        .all_aws_regions(true)
        .build()
        .unwrap();
    let e = cfg
        .put_configuration_aggregator()
        .configuration_aggregator_name("org")
        .organization_aggregation_source(org_source.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_organization_access_denied_exception(), "{e:?}");
    let e = config_client(&emulator, "999999999999")
        .put_configuration_aggregator()
        .configuration_aggregator_name("org")
        .organization_aggregation_source(org_source.clone())
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_available_organization_exception(), "{e:?}");

    let billing_only = "444444444444";
    organization(&emulator)
        .managed_by(billing_only)
        .consolidated_billing()
        .build()
        .await;
    let e = config_client(&emulator, billing_only)
        .put_configuration_aggregator()
        .configuration_aggregator_name("org")
        .organization_aggregation_source(org_source)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_organization_all_features_not_enabled_exception(),
        "{e:?}"
    );

    let e = cfg
        .describe_aggregate_compliance_by_config_rules()
        .configuration_aggregator_name("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_such_configuration_aggregator_exception(), "{e:?}");
    let e = cfg
        .describe_organization_config_rules()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_organization_access_denied_exception(), "{e:?}");
    let e = cfg
        .describe_config_rules()
        .config_rule_names("missing")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_no_such_config_rule_exception(), "{e:?}");
}
