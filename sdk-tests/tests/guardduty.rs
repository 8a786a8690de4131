//! The GuardDuty chapter end to end with the real SDKs: the management account
//! designates the security account, which auto-enables ALL accounts; members'
//! sample findings reach the administrator, who alone archives them. Then the error
//! cases of CATALOG §5 through the SDK's typed errors.

use aws_sdk_guardduty::types::{
    AccountDetail, AutoEnableMembers, Condition, FindingCriteria, OrderBy, SortCriteria,
};
use aws_sdk_guardduty::Client;
use orgsim::Emulator;

use crate::common::{guardduty, member_status, new_account, organization, MANAGEMENT};

async fn only_detector(gd: &Client) -> String {
    let listed = gd.list_detectors().send().await.expect("ListDetectors");
    assert_eq!(
        listed.detector_ids().len(),
        1,
        "one detector per account and region"
    );
    listed.detector_ids()[0].clone()
}

#[tokio::test]
async fn organization_wide_guardduty_chapter() {
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

    // Management designates the security account, in this region.
    let mgmt_gd = guardduty(&emulator, MANAGEMENT);
    mgmt_gd
        .enable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    let admins = mgmt_gd
        .list_organization_admin_accounts()
        .send()
        .await
        .expect("ListOrganizationAdminAccounts");
    assert_eq!(admins.admin_accounts().len(), 1);
    assert_eq!(
        admins.admin_accounts()[0].admin_account_id(),
        Some(security.as_str())
    );

    // ... which Organizations shows as delegation and trusted access.
    let delegated = emulator.with_world(|w| {
        let org = w.organizations.organization_of(MANAGEMENT).unwrap().clone();
        (
            org.delegated_admins
                .get(&security)
                .is_some_and(|s| s.contains_key("guardduty.amazonaws.com")),
            org.enabled_services.contains_key("guardduty.amazonaws.com"),
        )
    });
    assert_eq!(delegated, (true, true));

    // The security account has a detector and turns on ALL.
    let sec_gd = guardduty(&emulator, &security);
    let admin_detector = only_detector(&sec_gd).await;
    assert_eq!(admin_detector.len(), 32);
    sec_gd
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
    let described = sec_gd
        .describe_organization_configuration()
        .detector_id(&admin_detector)
        .send()
        .await
        .expect("DescribeOrganizationConfiguration");
    assert_eq!(
        described.auto_enable_organization_members(),
        Some(&AutoEnableMembers::All)
    );

    // Every organization account has a detector and is an enabled member.
    for account in [MANAGEMENT, dev.as_str(), prod.as_str()] {
        only_detector(&guardduty(&emulator, account)).await;
        assert_eq!(
            member_status(&sec_gd, &admin_detector, account)
                .await
                .as_deref(),
            Some("Enabled"),
            "{account}"
        );
    }
    let associated = sec_gd
        .list_members()
        .detector_id(&admin_detector)
        .only_associated("true")
        .send()
        .await
        .expect("ListMembers");
    assert_eq!(associated.members().len(), 3);

    // An account created afterwards is a member at once.
    let late = new_account(&org.mgmt, "late").await;
    assert_eq!(
        member_status(&sec_gd, &admin_detector, &late)
            .await
            .as_deref(),
        Some("Enabled")
    );
    let stats = sec_gd
        .get_organization_statistics()
        .send()
        .await
        .expect("GetOrganizationStatistics");
    let counts = stats
        .organization_details()
        .and_then(|d| d.organization_statistics())
        .expect("statistics");
    assert_eq!(counts.total_accounts_count(), Some(5));
    assert_eq!(counts.enabled_accounts_count(), Some(4));

    // A member makes sample findings; the administrator lists and reads them.
    let dev_gd = guardduty(&emulator, &dev);
    let dev_detector = only_detector(&dev_gd).await;
    let administrator = dev_gd
        .get_administrator_account()
        .detector_id(&dev_detector)
        .send()
        .await
        .expect("GetAdministratorAccount");
    assert_eq!(
        administrator.administrator().and_then(|a| a.account_id()),
        Some(security.as_str())
    );
    dev_gd
        .create_sample_findings()
        .detector_id(&dev_detector)
        .send()
        .await
        .expect("CreateSampleFindings");
    let from_dev = FindingCriteria::builder()
        .criterion("accountId", Condition::builder().equals(&dev).build())
        .criterion(
            "severity",
            Condition::builder().greater_than_or_equal(7).build(),
        )
        .build();
    let listed = sec_gd
        .list_findings()
        .detector_id(&admin_detector)
        .finding_criteria(from_dev.clone())
        .sort_criteria(
            SortCriteria::builder()
                .attribute_name("type")
                .order_by(OrderBy::Asc)
                .build(),
        )
        .send()
        .await
        .expect("ListFindings");
    let ids = listed.finding_ids().to_vec();
    assert!(!ids.is_empty());
    let findings = sec_gd
        .get_findings()
        .detector_id(&admin_detector)
        .set_finding_ids(Some(ids.clone()))
        .send()
        .await
        .expect("GetFindings");
    assert_eq!(findings.findings().len(), ids.len());
    for f in findings.findings() {
        assert_eq!(f.account_id(), Some(dev.as_str()));
        assert!(f.title().unwrap_or_default().starts_with("[SAMPLE]"));
        assert!(f.severity().unwrap_or_default() >= 7.0);
        assert!(f
            .arn()
            .unwrap_or_default()
            .contains(&format!(":detector/{dev_detector}/finding/")));
    }

    // The member cannot archive; the administrator can.
    let refused = dev_gd
        .archive_findings()
        .detector_id(&dev_detector)
        .finding_ids(&ids[0])
        .send()
        .await
        .expect_err("a member cannot archive");
    assert!(refused.into_service_error().is_bad_request_exception());
    sec_gd
        .archive_findings()
        .detector_id(&admin_detector)
        .finding_ids(&ids[0])
        .send()
        .await
        .expect("ArchiveFindings");
    let archived = dev_gd
        .list_findings()
        .detector_id(&dev_detector)
        .finding_criteria(
            FindingCriteria::builder()
                .criterion(
                    "service.archived",
                    Condition::builder().equals("true").build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("ListFindings archived");
    assert_eq!(archived.finding_ids(), &ids[..1]);
}

#[tokio::test]
async fn guardduty_errors_are_typed() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev"])
        .build()
        .await;
    let (security, dev) = (org.account("security"), org.account("dev"));

    // One detector per account and region.
    let dev_gd = guardduty(&emulator, &dev);
    let dev_detector = dev_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector")
        .detector_id()
        .expect("id")
        .to_string();
    let again = dev_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap_err();
    assert!(again.into_service_error().is_bad_request_exception());

    // A detector id that is not the caller's.
    let sec_gd = guardduty(&emulator, &security);
    let foreign = sec_gd
        .get_detector()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(foreign.is_bad_request_exception());
    assert!(
        foreign
            .meta()
            .message()
            .unwrap_or_default()
            .contains("not owned by the current account"),
        "{foreign:?}"
    );

    // Only the management account designates the administrator.
    let by_member = sec_gd
        .enable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .unwrap_err();
    assert!(by_member.into_service_error().is_bad_request_exception());
    let mgmt_gd = guardduty(&emulator, MANAGEMENT);
    mgmt_gd
        .enable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    let admin_detector = only_detector(&sec_gd).await;

    // Exactly one of autoEnable / autoEnableOrganizationMembers.
    #[allow(deprecated)] // autoEnable is the legacy switch the rule is about
    let both = sec_gd
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable(true)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .send()
        .await
        .unwrap_err();
    assert!(both.into_service_error().is_bad_request_exception());

    // Organization accounts are added without invitation; failures are partial.
    let created = sec_gd
        .create_members()
        .detector_id(&admin_detector)
        .account_details(
            AccountDetail::builder()
                .account_id(&dev)
                .email("dev@example.com")
                .build(),
        )
        .account_details(
            AccountDetail::builder()
                .account_id(&security)
                .email("s@example.com")
                .build(),
        )
        .send()
        .await
        .expect("CreateMembers");
    assert_eq!(created.unprocessed_accounts().len(), 1);
    assert_eq!(
        created.unprocessed_accounts()[0].account_id(),
        Some(security.as_str())
    );
    assert_eq!(
        member_status(&sec_gd, &admin_detector, &dev)
            .await
            .as_deref(),
        Some("Enabled")
    );

    // With ALL, organization members cannot be let go.
    sec_gd
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .send()
        .await
        .expect("ALL");
    let disassociate = sec_gd
        .disassociate_members()
        .detector_id(&admin_detector)
        .account_ids(&dev)
        .send()
        .await
        .unwrap_err();
    assert!(disassociate.into_service_error().is_bad_request_exception());
    let resign = dev_gd
        .disassociate_from_administrator_account()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap_err();
    assert!(resign.into_service_error().is_bad_request_exception());

    // A detector with members cannot be deleted.
    let delete = sec_gd
        .delete_detector()
        .detector_id(&admin_detector)
        .send()
        .await
        .unwrap_err();
    assert!(delete.into_service_error().is_bad_request_exception());

    // Administrators and standalone accounts have no administrator: 200, empty.
    let none = sec_gd
        .get_administrator_account()
        .detector_id(&admin_detector)
        .send()
        .await
        .expect("GetAdministratorAccount");
    // (the SDK fills the absent required member with an empty Administrator)
    assert_eq!(none.administrator().and_then(|a| a.account_id()), None);

    // Tags: on the caller's detector; another account's is refused.
    let arn = format!("arn:aws:guardduty:us-east-1:{dev}:detector/{dev_detector}");
    dev_gd
        .tag_resource()
        .resource_arn(&arn)
        .tags("team", "dev")
        .send()
        .await
        .expect("TagResource");
    let tags = dev_gd
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(
        tags.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("dev")
    );
    let denied = sec_gd
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert!(denied.into_service_error().is_access_denied_exception());
}

#[tokio::test]
async fn invitations_for_accounts_outside_the_organization() {
    let emulator = Emulator::start();
    let admin = "222222222222";
    let outsider = "333333333333";
    let admin_gd = guardduty(&emulator, admin);
    let out_gd = guardduty(&emulator, outsider);
    let admin_detector = admin_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    let out_detector = out_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    admin_gd
        .create_members()
        .detector_id(&admin_detector)
        .account_details(
            AccountDetail::builder()
                .account_id(outsider)
                .email("o@example.com")
                .build(),
        )
        .send()
        .await
        .expect("CreateMembers");
    assert_eq!(
        member_status(&admin_gd, &admin_detector, outsider)
            .await
            .as_deref(),
        Some("Created")
    );
    admin_gd
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(outsider)
        .send()
        .await
        .expect("InviteMembers");
    let count = out_gd
        .get_invitations_count()
        .send()
        .await
        .expect("GetInvitationsCount");
    assert_eq!(count.invitations_count(), Some(1));
    let invitations = out_gd
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations");
    let invitation = &invitations.invitations()[0];
    assert_eq!(invitation.account_id(), Some(admin));
    let wrong = out_gd
        .accept_administrator_invitation()
        .detector_id(&out_detector)
        .administrator_id(admin)
        .invitation_id("0000")
        .send()
        .await
        .unwrap_err();
    assert!(wrong.into_service_error().is_bad_request_exception());
    out_gd
        .accept_administrator_invitation()
        .detector_id(&out_detector)
        .administrator_id(admin)
        .invitation_id(invitation.invitation_id().unwrap())
        .send()
        .await
        .expect("AcceptAdministratorInvitation");
    assert_eq!(
        member_status(&admin_gd, &admin_detector, outsider)
            .await
            .as_deref(),
        Some("Enabled")
    );
    out_gd
        .disassociate_from_administrator_account()
        .detector_id(&out_detector)
        .send()
        .await
        .expect("DisassociateFromAdministratorAccount");
    assert_eq!(
        member_status(&admin_gd, &admin_detector, outsider)
            .await
            .as_deref(),
        Some("Resigned")
    );
    let all = admin_gd
        .list_members()
        .detector_id(&admin_detector)
        .only_associated("false")
        .send()
        .await
        .expect("ListMembers");
    assert_eq!(all.members().len(), 1);
}
