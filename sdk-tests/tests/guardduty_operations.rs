//! The GuardDuty operations the chapter does not reach, each through the real SDK:
//! detector updates, member detectors and monitoring, finding statistics, feedback,
//! unarchiving, filters (an ARCHIVE filter suppressing new findings), declined and
//! deleted invitations, deleting members, and removing the administrator.

use aws_sdk_guardduty::types::{
    AccountDetail, AutoEnableMembers, Condition, FeatureStatus, Feedback, FilterAction,
    FindingCriteria, FindingPublishingFrequency, GroupByType, MemberFeaturesConfiguration,
    OrgFeature,
};
use orgsim::Emulator;

use crate::common::{detector_of, guardduty, member_status, organization, MANAGEMENT};

const OUTSIDER: &str = "444455556666";

fn criteria(field: &str, condition: Condition) -> FindingCriteria {
    FindingCriteria::builder()
        .criterion(field, condition)
        .build()
}

#[tokio::test]
async fn every_other_guardduty_operation() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["Security", "Dev"])
        .guardduty_admin("Security")
        .build()
        .await;
    let (security, dev) = (org.account("Security"), org.account("Dev"));
    let admin = guardduty(&emulator, &security);
    let admin_detector = detector_of(&admin).await.expect("a detector");
    // NEW, not ALL: members may then be stopped and deleted.
    admin
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable_organization_members(AutoEnableMembers::New)
        .send()
        .await
        .unwrap();
    let created = admin
        .create_members()
        .detector_id(&admin_detector)
        .account_details(
            AccountDetail::builder()
                .account_id(&dev)
                .email("dev@example.com")
                .build(),
        )
        .send()
        .await
        .expect("CreateMembers");
    assert!(created.unprocessed_accounts().is_empty(), "{created:?}");
    assert_eq!(
        member_status(&admin, &admin_detector, &dev)
            .await
            .as_deref(),
        Some("Enabled")
    );

    // UpdateDetector.
    let dev_gd = guardduty(&emulator, &dev);
    let dev_detector = detector_of(&dev_gd).await.expect("a detector");
    dev_gd
        .update_detector()
        .detector_id(&dev_detector)
        .finding_publishing_frequency(FindingPublishingFrequency::SixHours)
        .send()
        .await
        .expect("UpdateDetector");
    let got = dev_gd
        .get_detector()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.finding_publishing_frequency(),
        Some(&FindingPublishingFrequency::SixHours)
    );

    // Member detectors: read and change the member's protection plans.
    let before = admin
        .get_member_detectors()
        .detector_id(&admin_detector)
        .account_ids(&dev)
        .send()
        .await
        .expect("GetMemberDetectors");
    assert_eq!(before.member_data_source_configurations().len(), 1);
    let updated = admin
        .update_member_detectors()
        .detector_id(&admin_detector)
        .account_ids(&dev)
        .features(
            MemberFeaturesConfiguration::builder()
                .name(OrgFeature::S3DataEvents)
                .status(FeatureStatus::Disabled)
                .build(),
        )
        .send()
        .await
        .expect("UpdateMemberDetectors");
    assert!(updated.unprocessed_accounts().is_empty(), "{updated:?}");
    let after = dev_gd
        .get_detector()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap();
    let s3 = after
        .features()
        .iter()
        .find(|f| f.name().map(|n| n.as_str()) == Some("S3_DATA_EVENTS"));
    assert_eq!(s3.and_then(|f| f.status()), Some(&FeatureStatus::Disabled));

    // Stop and start monitoring.
    let stopped = admin
        .stop_monitoring_members()
        .detector_id(&admin_detector)
        .account_ids(&dev)
        .send()
        .await
        .expect("StopMonitoringMembers");
    assert!(stopped.unprocessed_accounts().is_empty());
    assert_ne!(
        member_status(&admin, &admin_detector, &dev)
            .await
            .as_deref(),
        Some("Enabled")
    );
    let started = admin
        .start_monitoring_members()
        .detector_id(&admin_detector)
        .account_ids(&dev)
        .send()
        .await
        .expect("StartMonitoringMembers");
    assert!(started.unprocessed_accounts().is_empty());
    assert_eq!(
        member_status(&admin, &admin_detector, &dev)
            .await
            .as_deref(),
        Some("Enabled")
    );

    // Findings: statistics, feedback, archive and unarchive.
    dev_gd
        .create_sample_findings()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap();
    let stats = admin
        .get_findings_statistics()
        .detector_id(&admin_detector)
        .group_by(GroupByType::Account)
        .send()
        .await
        .expect("GetFindingsStatistics");
    let by_account = stats
        .finding_statistics()
        .map(|s| s.grouped_by_account())
        .unwrap_or_default();
    assert_eq!(by_account.len(), 1, "{by_account:?}");
    assert_eq!(by_account[0].account_id(), Some(dev.as_str()));
    assert!(by_account[0].total_findings().unwrap_or_default() > 0);
    let ids = admin
        .list_findings()
        .detector_id(&admin_detector)
        .send()
        .await
        .unwrap()
        .finding_ids()
        .to_vec();
    admin
        .update_findings_feedback()
        .detector_id(&admin_detector)
        .finding_ids(&ids[0])
        .feedback(Feedback::Useful)
        .send()
        .await
        .expect("UpdateFindingsFeedback");
    admin
        .archive_findings()
        .detector_id(&admin_detector)
        .finding_ids(&ids[0])
        .send()
        .await
        .unwrap();
    admin
        .unarchive_findings()
        .detector_id(&admin_detector)
        .finding_ids(&ids[0])
        .send()
        .await
        .expect("UnarchiveFindings");
    let archived = admin
        .list_findings()
        .detector_id(&admin_detector)
        .finding_criteria(criteria(
            "service.archived",
            Condition::builder().equals("true").build(),
        ))
        .send()
        .await
        .unwrap();
    assert!(archived.finding_ids().is_empty());

    // Filters: an ARCHIVE filter of the administrator suppresses new low findings.
    let name = admin
        .create_filter()
        .detector_id(&admin_detector)
        .name("suppress-low")
        .action(FilterAction::Archive)
        .finding_criteria(criteria(
            "severity",
            Condition::builder().less_than(4).build(),
        ))
        .send()
        .await
        .expect("CreateFilter")
        .name
        .unwrap();
    let filter = admin
        .get_filter()
        .detector_id(&admin_detector)
        .filter_name(&name)
        .send()
        .await
        .expect("GetFilter");
    assert_eq!(filter.action(), Some(&FilterAction::Archive));
    let listed = admin
        .list_filters()
        .detector_id(&admin_detector)
        .send()
        .await
        .expect("ListFilters");
    assert_eq!(listed.filter_names(), std::slice::from_ref(&name));
    admin
        .update_filter()
        .detector_id(&admin_detector)
        .filter_name(&name)
        .description("low severity is noise here")
        .send()
        .await
        .expect("UpdateFilter");
    let described = admin
        .get_filter()
        .detector_id(&admin_detector)
        .filter_name(&name)
        .send()
        .await
        .unwrap();
    assert_eq!(described.description(), Some("low severity is noise here"));
    dev_gd
        .create_sample_findings()
        .detector_id(&dev_detector)
        .send()
        .await
        .unwrap();
    let suppressed = admin
        .list_findings()
        .detector_id(&admin_detector)
        .finding_criteria(
            FindingCriteria::builder()
                .criterion(
                    "service.archived",
                    Condition::builder().equals("true").build(),
                )
                .criterion("severity", Condition::builder().less_than(4).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(
        !suppressed.finding_ids().is_empty(),
        "new low findings are archived by the filter"
    );
    admin
        .delete_filter()
        .detector_id(&admin_detector)
        .filter_name(&name)
        .send()
        .await
        .expect("DeleteFilter");
    assert!(admin
        .get_filter()
        .detector_id(&admin_detector)
        .filter_name(&name)
        .send()
        .await
        .is_err());

    // An outside account declines, then deletes, its invitation.
    let outsider = guardduty(&emulator, OUTSIDER);
    outsider
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap();
    admin
        .create_members()
        .detector_id(&admin_detector)
        .account_details(
            AccountDetail::builder()
                .account_id(OUTSIDER)
                .email("outsider@example.com")
                .build(),
        )
        .send()
        .await
        .unwrap();
    admin
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(OUTSIDER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        outsider
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        1
    );
    let declined = outsider
        .decline_invitations()
        .account_ids(&security)
        .send()
        .await
        .expect("DeclineInvitations");
    assert!(declined.unprocessed_accounts().is_empty(), "{declined:?}");
    assert!(outsider
        .list_invitations()
        .send()
        .await
        .unwrap()
        .invitations()
        .is_empty());
    // Invited again, it deletes the invitation instead.
    admin
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(OUTSIDER)
        .send()
        .await
        .unwrap();
    assert_eq!(
        outsider
            .list_invitations()
            .send()
            .await
            .unwrap()
            .invitations()
            .len(),
        1
    );
    let deleted = outsider
        .delete_invitations()
        .account_ids(&security)
        .send()
        .await
        .expect("DeleteInvitations");
    assert!(deleted.unprocessed_accounts().is_empty(), "{deleted:?}");
    assert!(outsider
        .list_invitations()
        .send()
        .await
        .unwrap()
        .invitations()
        .is_empty());

    // Deleting members, then removing the administrator.
    let removed = admin
        .delete_members()
        .detector_id(&admin_detector)
        .account_ids(OUTSIDER)
        .send()
        .await
        .expect("DeleteMembers");
    assert!(removed.unprocessed_accounts().is_empty(), "{removed:?}");
    assert_eq!(member_status(&admin, &admin_detector, OUTSIDER).await, None);
    guardduty(&emulator, MANAGEMENT)
        .disable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .expect("DisableOrganizationAdminAccount");
    let admins = guardduty(&emulator, MANAGEMENT)
        .list_organization_admin_accounts()
        .send()
        .await
        .unwrap();
    assert!(admins.admin_accounts().is_empty());
}
