//! The Security Hub chapter end to end with the real SDKs: the management account
//! designates the security account, which turns Security Hub and AutoEnable on;
//! organization accounts become enabled members, a new account at once; GuardDuty
//! sample findings of a member reach the member's and the administrator's
//! GetFindings; the administrator's BatchUpdateFindings changes what the member
//! sees. Then typed errors.

use aws_sdk_securityhub::types::{
    AccountDetails, AwsSecurityFinding, AwsSecurityFindingFilters, AwsSecurityFindingIdentifier,
    StringFilter, StringFilterComparison, WorkflowStatus, WorkflowUpdate,
};
use aws_sdk_securityhub::Client;
use orgsim::Emulator;

use crate::common::{guardduty, new_account, organization, securityhub, MANAGEMENT};

fn equals(value: &str) -> StringFilter {
    StringFilter::builder()
        .value(value)
        .comparison(StringFilterComparison::Equals)
        .build()
}

async fn guardduty_findings_of(sh: &Client, account: &str) -> Vec<AwsSecurityFinding> {
    let filters = AwsSecurityFindingFilters::builder()
        .product_name(equals("GuardDuty"))
        .aws_account_id(equals(account))
        .build();
    sh.get_findings()
        .filters(filters)
        .send()
        .await
        .expect("GetFindings")
        .findings()
        .to_vec()
}

async fn associated_members(sh: &Client) -> Vec<String> {
    sh.list_members()
        .send()
        .await
        .expect("ListMembers")
        .members()
        .iter()
        .filter(|m| m.member_status() == Some("Enabled"))
        .filter_map(|m| m.account_id().map(String::from))
        .collect()
}

/// The SDK's debug-build deserializers for ASFF findings need more stack than a test
/// thread has, so the chapter runs on a thread of its own.
#[test]
fn organization_wide_security_hub_chapter() {
    crate::common::run_on_a_large_stack(chapter);
}

async fn chapter() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev", "prod"])
        .build()
        .await;
    let (security, dev, prod) = (
        org.account("security"),
        org.account("dev"),
        org.account("prod"),
    );

    // Management designates the security account.
    let mgmt_sh = securityhub(&emulator, MANAGEMENT);
    let designated = mgmt_sh
        .enable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    assert_eq!(designated.admin_account_id(), Some(security.as_str()));
    let admins = mgmt_sh
        .list_organization_admin_accounts()
        .send()
        .await
        .expect("ListOrganizationAdminAccounts");
    assert_eq!(
        admins.admin_accounts()[0].account_id(),
        Some(security.as_str())
    );
    let delegated = org
        .mgmt
        .list_delegated_administrators()
        .service_principal("securityhub.amazonaws.com")
        .send()
        .await
        .expect("ListDelegatedAdministrators");
    assert_eq!(
        delegated.delegated_administrators()[0].id(),
        Some(security.as_str())
    );

    // The security account turns Security Hub and AutoEnable on.
    let sec_sh = securityhub(&emulator, &security);
    sec_sh
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let hub = sec_sh.describe_hub().send().await.expect("DescribeHub");
    assert_eq!(
        hub.hub_arn(),
        Some(format!("arn:aws:securityhub:us-east-1:{security}:hub/default").as_str())
    );
    sec_sh
        .update_organization_configuration()
        .auto_enable(true)
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
    let org_config = sec_sh
        .describe_organization_configuration()
        .send()
        .await
        .expect("DescribeOrganizationConfiguration");
    assert_eq!(org_config.auto_enable(), Some(true));

    // Existing organization accounts become enabled members without invitation.
    let created = sec_sh
        .create_members()
        .account_details(AccountDetails::builder().account_id(&dev).build())
        .account_details(AccountDetails::builder().account_id(&prod).build())
        .send()
        .await
        .expect("CreateMembers");
    assert!(created.unprocessed_accounts().is_empty());
    let members = associated_members(&sec_sh).await;
    assert!(
        members.contains(&dev) && members.contains(&prod),
        "{members:?}"
    );
    let dev_sh = securityhub(&emulator, &dev);
    let standards = dev_sh
        .get_enabled_standards()
        .send()
        .await
        .expect("GetEnabledStandards");
    assert_eq!(
        standards.standards_subscriptions().len(),
        2,
        "default standards"
    );

    // A new account is enabled at once.
    let newcomer = new_account(&org.mgmt, "newcomer").await;
    assert!(associated_members(&sec_sh).await.contains(&newcomer));
    securityhub(&emulator, &newcomer)
        .describe_hub()
        .send()
        .await
        .expect("Security Hub is on in the new account");

    // GuardDuty sample findings in a member reach the member and the administrator.
    let dev_gd = guardduty(&emulator, &dev);
    let detector = dev_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector")
        .detector_id()
        .expect("detector id")
        .to_string();
    dev_gd
        .create_sample_findings()
        .detector_id(&detector)
        .finding_types("Recon:EC2/PortProbeUnprotectedPort")
        .finding_types("UnauthorizedAccess:EC2/SSHBruteForce")
        .send()
        .await
        .expect("CreateSampleFindings");
    let seen_by_member = guardduty_findings_of(&dev_sh, &dev).await;
    let seen_by_admin = guardduty_findings_of(&sec_sh, &dev).await;
    assert_eq!(seen_by_member.len(), 2);
    assert_eq!(seen_by_admin.len(), 2);
    let finding = &seen_by_admin[0];
    assert_eq!(
        finding.product_arn(),
        Some("arn:aws:securityhub:us-east-1::product/aws/guardduty")
    );
    assert_eq!(finding.aws_account_id(), Some(dev.as_str()));
    assert!(finding.title().unwrap_or_default().starts_with("[SAMPLE]"));
    assert!(guardduty_findings_of(&sec_sh, &prod).await.is_empty());

    // The administrator's workflow change is what the member sees.
    let updated = sec_sh
        .batch_update_findings()
        .finding_identifiers(
            AwsSecurityFindingIdentifier::builder()
                .id(finding.id().expect("id"))
                .product_arn(finding.product_arn().expect("product"))
                .build(),
        )
        .workflow(
            WorkflowUpdate::builder()
                .status(WorkflowStatus::Notified)
                .build(),
        )
        .send()
        .await
        .expect("BatchUpdateFindings");
    assert_eq!(updated.processed_findings().len(), 1);
    let member_view = guardduty_findings_of(&dev_sh, &dev).await;
    let same = member_view
        .iter()
        .find(|f| f.id() == finding.id())
        .expect("the member sees the finding");
    assert_eq!(
        same.workflow().and_then(|w| w.status()),
        Some(&WorkflowStatus::Notified)
    );
    assert_eq!(
        same.updated_at(),
        finding.updated_at(),
        "UpdatedAt unchanged"
    );

    // Every kind of GuardDuty sample reads back through the SDK's ASFF shapes.
    let prod_gd = guardduty(&emulator, &prod);
    let prod_detector = prod_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector")
        .detector_id()
        .expect("detector id")
        .to_string();
    prod_gd
        .create_sample_findings()
        .detector_id(&prod_detector)
        .send()
        .await
        .expect("CreateSampleFindings of every type");
    let listed = prod_gd
        .list_findings()
        .detector_id(&prod_detector)
        .send()
        .await
        .expect("ListFindings");
    let every_type = guardduty_findings_of(&sec_sh, &prod).await;
    assert!(every_type.len() >= listed.finding_ids().len() && every_type.len() > 40);
    assert!(every_type.iter().all(|f| !f.resources().is_empty()));
}

#[tokio::test]
async fn typed_errors() {
    let emulator = Emulator::start();
    let member = organization(&emulator)
        .account("member")
        .build()
        .await
        .account("member");
    let sh = securityhub(&emulator, &member);

    let off = sh.describe_hub().send().await.expect_err("not subscribed");
    assert!(
        off.as_service_error()
            .is_some_and(|e| e.is_invalid_access_exception()),
        "{off:?}"
    );

    sh.enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let again = sh
        .enable_security_hub()
        .send()
        .await
        .expect_err("already on");
    assert!(
        again
            .as_service_error()
            .is_some_and(|e| e.is_resource_conflict_exception()),
        "{again:?}"
    );

    let not_mgmt = sh
        .enable_organization_admin_account()
        .admin_account_id(&member)
        .send()
        .await
        .expect_err("members can't designate");
    assert!(
        not_mgmt
            .as_service_error()
            .is_some_and(|e| e.is_access_denied_exception()),
        "{not_mgmt:?}"
    );

    let not_admin = sh
        .update_organization_configuration()
        .auto_enable(true)
        .send()
        .await
        .expect_err("not the administrator");
    assert!(
        not_admin
            .as_service_error()
            .is_some_and(|e| e.is_invalid_access_exception()),
        "{not_admin:?}"
    );

    let word = StringFilter::builder()
        .value("lambda")
        .comparison(StringFilterComparison::ContainsWord)
        .build();
    let bad_filter = sh
        .get_findings()
        .filters(AwsSecurityFindingFilters::builder().title(word).build())
        .send()
        .await
        .expect_err("CONTAINS_WORD is V2 only");
    assert!(
        bad_filter
            .as_service_error()
            .is_some_and(|e| e.is_invalid_input_exception()),
        "{bad_filter:?}"
    );

    let missing = sh
        .get_insight_results()
        .insight_arn(format!(
            "arn:aws:securityhub:us-east-1:{member}:insight/{member}/custom/nope"
        ))
        .send()
        .await
        .expect_err("no such insight");
    assert!(
        missing
            .as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception()),
        "{missing:?}"
    );

    let big = sh
        .get_findings()
        .max_results(101)
        .send()
        .await
        .expect_err("MaxResults > 100");
    assert!(
        big.as_service_error()
            .is_some_and(|e| e.is_invalid_input_exception()),
        "{big:?}"
    );
}
