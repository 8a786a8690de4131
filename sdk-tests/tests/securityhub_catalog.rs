//! Security Hub's catalogs with the real SDK: every standard AWS lists with AWS's control
//! ARNs, and a partner product (Prowler) that imports findings only after the account
//! subscribes to it, as `prowler aws --security-hub` checks before it sends.

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Resource, Severity, SeverityLabel, StandardsStatus,
    StandardsSubscriptionRequest,
};
use orgsim::Emulator;

use crate::common::securityhub;

const ACCOUNT: &str = "333333333333";
const REGION: &str = "us-east-1";

#[tokio::test]
async fn every_standard_is_listed_and_cis_controls_have_aws_arns() {
    let emulator = Emulator::start();
    let hub = securityhub(&emulator, ACCOUNT);
    hub.enable_security_hub()
        .enable_default_standards(false)
        .send()
        .await
        .expect("EnableSecurityHub");
    let mut listed = Vec::new();
    let mut token = None;
    loop {
        let page = hub
            .describe_standards()
            .max_results(3)
            .set_next_token(token)
            .send()
            .await
            .expect("DescribeStandards");
        listed.extend(
            page.standards()
                .iter()
                .filter_map(|s| s.standards_arn())
                .map(String::from),
        );
        token = page.next_token().map(String::from);
        if token.is_none() {
            break;
        }
    }
    let cis12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0".to_string();
    let regional = |path: &str| format!("arn:aws:securityhub:{REGION}::standards/{path}");
    for wanted in [
        cis12.clone(),
        regional("cis-aws-foundations-benchmark/v/1.4.0"),
        regional("cis-aws-foundations-benchmark/v/3.0.0"),
        regional("aws-foundational-security-best-practices/v/1.0.0"),
        regional("pci-dss/v/3.2.1"),
        regional("pci-dss/v/4.0.1"),
        regional("nist-800-53/v/5.0.0"),
        regional("nist-800-171/v/2.0.0"),
        regional("aws-resource-tagging-standard/v/1.0.0"),
    ] {
        assert!(listed.contains(&wanted), "{wanted} missing from {listed:?}");
    }

    let cis14 = regional("cis-aws-foundations-benchmark/v/1.4.0");
    hub.batch_enable_standards()
        .standards_subscription_requests(
            StandardsSubscriptionRequest::builder()
                .standards_arn(&cis12)
                .build(),
        )
        .standards_subscription_requests(
            StandardsSubscriptionRequest::builder()
                .standards_arn(&cis14)
                .build(),
        )
        .send()
        .await
        .expect("BatchEnableStandards");
    let enabled = hub
        .get_enabled_standards()
        .send()
        .await
        .expect("GetEnabledStandards");
    let subscription = |standard: &str| {
        enabled
            .standards_subscriptions()
            .iter()
            .find(|s| s.standards_arn() == Some(standard))
            .unwrap_or_else(|| panic!("{standard} not enabled"))
    };
    for s in [&cis12, &cis14] {
        assert_eq!(
            subscription(s).standards_status(),
            Some(&StandardsStatus::Ready)
        );
    }
    let controls = |arn: String| {
        let hub = hub.clone();
        async move {
            let mut ids = Vec::new();
            let mut token = None;
            loop {
                let page = hub
                    .describe_standards_controls()
                    .standards_subscription_arn(&arn)
                    .set_next_token(token)
                    .send()
                    .await
                    .expect("DescribeStandardsControls");
                ids.extend(
                    page.controls()
                        .iter()
                        .filter_map(|c| c.standards_control_arn())
                        .map(String::from),
                );
                token = page.next_token().map(String::from);
                if token.is_none() {
                    return ids;
                }
            }
        }
    };
    let cis12_controls = controls(
        subscription(&cis12)
            .standards_subscription_arn()
            .unwrap()
            .to_string(),
    )
    .await;
    let control = |version: &str, id: &str| {
        format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:control/cis-aws-foundations-benchmark/v/{version}/{id}")
    };
    for id in ["1.1", "2.7", "3.3", "3.14", "4.3"] {
        assert!(
            cis12_controls.contains(&control("1.2.0", id)),
            "CIS 1.2.0 {id}: {cis12_controls:?}"
        );
    }
    assert!(cis12_controls.iter().all(|arn| !arn.contains("/CIS.")));
    let cis14_controls = controls(
        subscription(&cis14)
            .standards_subscription_arn()
            .unwrap()
            .to_string(),
    )
    .await;
    for id in ["1.4", "1.7", "4.4", "4.14", "5.3"] {
        assert!(
            cis14_controls.contains(&control("1.4.0", id)),
            "CIS 1.4.0 {id}: {cis14_controls:?}"
        );
    }
}

fn prowler_finding(product_arn: &str) -> AwsSecurityFinding {
    AwsSecurityFinding::builder()
        .schema_version("2018-10-08")
        .id(format!("prowler-iam_root_mfa_enabled-{ACCOUNT}-{REGION}"))
        .product_arn(product_arn)
        .generator_id("prowler-iam_root_mfa_enabled")
        .aws_account_id(ACCOUNT)
        .types("Software and Configuration Checks")
        .created_at("2026-01-01T00:00:00Z")
        .updated_at("2026-01-01T00:00:00Z")
        .severity(Severity::builder().label(SeverityLabel::Critical).build())
        .title("Ensure MFA is enabled for the root account")
        .description("The root account has no MFA device.")
        .resources(
            Resource::builder()
                .r#type("AwsAccount")
                .id(format!("AWS::::Account:{ACCOUNT}"))
                .build(),
        )
        .build()
}

#[tokio::test]
async fn prowler_imports_its_findings_once_the_account_subscribes() {
    let emulator = Emulator::start();
    let hub = securityhub(&emulator, ACCOUNT);
    hub.enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let product = format!("arn:aws:securityhub:{REGION}::product/prowler/prowler");
    let described = hub
        .describe_products()
        .product_arn(&product)
        .send()
        .await
        .expect("DescribeProducts");
    let listed = &described.products()[0];
    assert_eq!(listed.company_name(), Some("Prowler"));
    assert_eq!(listed.product_name(), Some("Prowler"));

    let subscription =
        format!("arn:aws:securityhub:{REGION}:{ACCOUNT}:product-subscription/prowler/prowler");
    let subscribed = || async {
        hub.list_enabled_products_for_import()
            .send()
            .await
            .expect("ListEnabledProductsForImport")
            .product_subscriptions()
            .contains(&subscription)
    };
    // What Prowler checks before it sends: the integration is not on by default.
    assert!(!subscribed().await);
    let refused = hub
        .batch_import_findings()
        .findings(prowler_finding(&product))
        .send()
        .await
        .expect("BatchImportFindings");
    assert_eq!(refused.failed_count(), Some(1));
    assert_eq!(
        refused.failed_findings()[0].error_code(),
        Some("AccessDeniedException")
    );

    let made = hub
        .enable_import_findings_for_product()
        .product_arn(&product)
        .send()
        .await
        .expect("EnableImportFindingsForProduct");
    assert_eq!(made.product_subscription_arn(), Some(subscription.as_str()));
    assert!(subscribed().await);
    let imported = hub
        .batch_import_findings()
        .findings(prowler_finding(&product))
        .send()
        .await
        .expect("BatchImportFindings");
    assert_eq!(imported.success_count(), Some(1));
    let findings = hub.get_findings().send().await.expect("GetFindings");
    let finding = findings
        .findings()
        .iter()
        .find(|f| f.product_arn() == Some(product.as_str()))
        .expect("the Prowler finding");
    assert_eq!(finding.company_name(), Some("Prowler"));
    assert_eq!(finding.product_name(), Some("Prowler"));
}
