//! GuardDuty in depth with the real SDK (issue 15): the deprecated `Master` forms as
//! their replacements, invitations inside one organization with no delegated admin,
//! the CLI's TorRelay sample, a new detector's features, IP and threat lists,
//! publishing destinations, Malware Protection plans, coverage, investigations and
//! custom detection rules (a live rule turning a recorded call into a finding).

use aws_sdk_guardduty::types::{
    AccountDetail, AssociationMode, AutoEnableMembers, CoverageStatisticsType,
    CreateProtectedResource, CreateS3BucketResource, DestinationProperties, DestinationType,
    DetectionRuleFilter, DetectorFeature, DetectorFeatureConfiguration, FeatureStatus,
    FilterFieldName, IpSetFormat, MalwareProtectionPlanActions, MalwareProtectionPlanTaggingAction,
    MalwareProtectionPlanTaggingActionStatus, ThreatIntelSetFormat,
};
use aws_sdk_guardduty::Client;
use orgsim::Emulator;

use crate::common::{guardduty, organization, s3};

async fn new_detector(gd: &Client) -> String {
    gd.create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector")
        .detector_id()
        .expect("detector id")
        .to_string()
}

#[tokio::test]
async fn deprecated_forms_and_invitations_inside_one_organization() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["audit", "workload"])
        .build()
        .await;
    let (audit, workload) = (org.account("audit"), org.account("workload"));
    let (admin_gd, member_gd) = (
        guardduty(&emulator, &audit),
        guardduty(&emulator, &workload),
    );
    let admin_detector = new_detector(&admin_gd).await;
    let member_detector = new_detector(&member_gd).await;
    // No delegated administrator: AWS's multi-account script invites organization accounts.
    let created = admin_gd
        .create_members()
        .detector_id(&admin_detector)
        .account_details(
            AccountDetail::builder()
                .account_id(&workload)
                .email("workload@example.com")
                .build(),
        )
        .send()
        .await
        .expect("CreateMembers");
    assert!(created.unprocessed_accounts().is_empty());
    admin_gd
        .invite_members()
        .detector_id(&admin_detector)
        .account_ids(&workload)
        .send()
        .await
        .expect("InviteMembers");
    let invitations = member_gd
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations");
    let invitation = invitations.invitations()[0]
        .invitation_id()
        .expect("invitation id")
        .to_string();
    #[allow(deprecated)]
    member_gd
        .accept_invitation()
        .detector_id(&member_detector)
        .master_id(&audit)
        .invitation_id(&invitation)
        .send()
        .await
        .expect("AcceptInvitation");
    #[allow(deprecated)]
    let master = member_gd
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("GetMasterAccount");
    let master = master.master().expect("master");
    assert_eq!(master.account_id(), Some(audit.as_str()));
    assert_eq!(master.relationship_status(), Some("Enabled"));
    let administrator = member_gd
        .get_administrator_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("GetAdministratorAccount");
    assert_eq!(
        administrator.administrator().and_then(|a| a.account_id()),
        Some(audit.as_str())
    );
    #[allow(deprecated)]
    member_gd
        .disassociate_from_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("DisassociateFromMasterAccount");
    let members = admin_gd
        .get_members()
        .detector_id(&admin_detector)
        .account_ids(&workload)
        .send()
        .await
        .expect("GetMembers");
    assert_eq!(members.members()[0].relationship_status(), Some("Resigned"));
    #[allow(deprecated)]
    let master = member_gd
        .get_master_account()
        .detector_id(&member_detector)
        .send()
        .await
        .expect("GetMasterAccount after leaving");
    // The SDK fills the required `master` with an empty structure when it is absent.
    assert!(master.master().and_then(|m| m.account_id()).is_none());
}

#[tokio::test]
async fn a_new_detector_reports_its_features_and_takes_the_tor_relay_sample() {
    let emulator = Emulator::start();
    let gd = guardduty(&emulator, "222222222222");
    let detector = new_detector(&gd).await;
    let got = gd
        .get_detector()
        .detector_id(&detector)
        .send()
        .await
        .expect("GetDetector");
    let status = |name: DetectorFeature| {
        got.features()
            .iter()
            .find(|f| f.name().map(|n| n.as_str()) == Some(name.as_str()))
            .and_then(|f| f.status().cloned())
    };
    assert_eq!(
        status(DetectorFeature::AiProtection),
        Some(FeatureStatus::Enabled)
    );
    assert_eq!(
        status(DetectorFeature::S3DataEvents),
        Some(FeatureStatus::Enabled)
    );
    assert_eq!(
        status(DetectorFeature::RuntimeMonitoring),
        Some(FeatureStatus::Disabled)
    );
    // The AWS CLI's own example.
    gd.create_sample_findings()
        .detector_id(&detector)
        .finding_types("UnauthorizedAccess:EC2/TorRelay")
        .send()
        .await
        .expect("CreateSampleFindings TorRelay");
    let ids = gd
        .list_findings()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListFindings")
        .finding_ids()
        .to_vec();
    let findings = gd
        .get_findings()
        .detector_id(&detector)
        .set_finding_ids(Some(ids))
        .send()
        .await
        .expect("GetFindings");
    assert_eq!(findings.findings().len(), 1);
    assert_eq!(
        findings.findings()[0].r#type(),
        Some("UnauthorizedAccess:EC2/TorRelay")
    );
}

#[tokio::test]
async fn lists_destinations_malware_plans_and_coverage() {
    let emulator = Emulator::start();
    let account = "222222222222";
    let (gd, bucket) = (guardduty(&emulator, account), s3(&emulator, account));
    for name in ["lists", "export", "uploads"] {
        bucket
            .create_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateBucket {name}: {e:?}"));
    }
    for (key, body) in [
        ("trusted.txt", "10.0.0.0/8\n"),
        ("threats.txt", "198.51.100.7\n"),
    ] {
        bucket
            .put_object()
            .bucket("lists")
            .key(key)
            .body(body.as_bytes().to_vec().into())
            .send()
            .await
            .expect("PutObject");
    }
    let detector = new_detector(&gd).await;
    let ip_set = gd
        .create_ip_set()
        .detector_id(&detector)
        .name("office")
        .format(IpSetFormat::Txt)
        .location("https://s3.amazonaws.com/lists/trusted.txt")
        .activate(true)
        .send()
        .await
        .expect("CreateIPSet")
        .ip_set_id()
        .expect("ip_set_id")
        .to_string();
    let got = gd
        .get_ip_set()
        .detector_id(&detector)
        .ip_set_id(&ip_set)
        .send()
        .await
        .expect("GetIPSet");
    assert_eq!(got.status().map(|s| s.as_str()), Some("ACTIVE"));
    let threats = gd
        .create_threat_intel_set()
        .detector_id(&detector)
        .name("bad-hosts")
        .format(ThreatIntelSetFormat::Txt)
        .location("s3://lists/threats.txt")
        .activate(true)
        .send()
        .await
        .expect("CreateThreatIntelSet")
        .threat_intel_set_id()
        .expect("threat_intel_set_id")
        .to_string();
    let listed = gd
        .list_threat_intel_sets()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListThreatIntelSets");
    assert_eq!(
        listed.threat_intel_set_ids(),
        std::slice::from_ref(&threats)
    );
    let missing = gd
        .create_threat_intel_set()
        .detector_id(&detector)
        .name("absent")
        .format(ThreatIntelSetFormat::Txt)
        .location("s3://lists/absent.txt")
        .activate(true)
        .send()
        .await
        .expect("a list that cannot be read is stored in ERROR")
        .threat_intel_set_id()
        .expect("threat_intel_set_id")
        .to_string();
    let got = gd
        .get_threat_intel_set()
        .detector_id(&detector)
        .threat_intel_set_id(&missing)
        .send()
        .await
        .expect("GetThreatIntelSet");
    assert_eq!(got.status().map(|s| s.as_str()), Some("ERROR"));

    let destination = gd
        .create_publishing_destination()
        .detector_id(&detector)
        .destination_type(DestinationType::S3)
        .destination_properties(
            DestinationProperties::builder()
                .destination_arn("arn:aws:s3:::export/findings")
                .kms_key_arn(format!("arn:aws:kms:us-east-1:{account}:key/1234abcd"))
                .build(),
        )
        .send()
        .await
        .expect("CreatePublishingDestination")
        .destination_id()
        .expect("destination_id")
        .to_string();
    let described = gd
        .describe_publishing_destination()
        .detector_id(&detector)
        .destination_id(&destination)
        .send()
        .await
        .expect("DescribePublishingDestination");
    assert_eq!(
        described
            .destination_properties()
            .and_then(|p| p.destination_arn()),
        Some("arn:aws:s3:::export/findings")
    );
    let no_bucket = gd
        .create_publishing_destination()
        .detector_id(&detector)
        .destination_type(DestinationType::S3)
        .destination_properties(
            DestinationProperties::builder()
                .destination_arn("arn:aws:s3:::nowhere")
                .kms_key_arn(format!("arn:aws:kms:us-east-1:{account}:key/1234abcd"))
                .build(),
        )
        .send()
        .await
        .expect_err("a destination bucket must exist");
    assert!(no_bucket
        .as_service_error()
        .is_some_and(|e| e.is_bad_request_exception()));

    let plan = gd
        .create_malware_protection_plan()
        .role(format!("arn:aws:iam::{account}:role/malware-scan"))
        .protected_resource(
            CreateProtectedResource::builder()
                .s3_bucket(
                    CreateS3BucketResource::builder()
                        .bucket_name("uploads")
                        .build(),
                )
                .build(),
        )
        .actions(
            MalwareProtectionPlanActions::builder()
                .tagging(
                    MalwareProtectionPlanTaggingAction::builder()
                        .status(MalwareProtectionPlanTaggingActionStatus::Enabled)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("CreateMalwareProtectionPlan")
        .malware_protection_plan_id()
        .expect("plan id")
        .to_string();
    let got = gd
        .get_malware_protection_plan()
        .malware_protection_plan_id(&plan)
        .send()
        .await
        .expect("GetMalwareProtectionPlan");
    assert_eq!(
        got.protected_resource()
            .and_then(|r| r.s3_bucket())
            .and_then(|b| b.bucket_name()),
        Some("uploads")
    );
    let plans = gd
        .list_malware_protection_plans()
        .send()
        .await
        .expect("ListMalwareProtectionPlans");
    assert_eq!(plans.malware_protection_plans().len(), 1);

    let coverage = gd
        .list_coverage()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListCoverage");
    assert!(
        coverage.resources().is_empty(),
        "orgsim runs no EKS, ECS or EC2 workloads"
    );
    gd.get_coverage_statistics()
        .detector_id(&detector)
        .statistics_type(CoverageStatisticsType::CountByCoverageStatus)
        .send()
        .await
        .expect("GetCoverageStatistics");
}

#[tokio::test]
async fn investigations_analyze_the_detectors_findings() {
    let emulator = Emulator::start();
    let gd = guardduty(&emulator, "222222222222");
    let detector = new_detector(&gd).await;
    let refused = gd
        .create_investigation()
        .detector_id(&detector)
        .trigger_prompt("Analyze findings in my account")
        .send()
        .await
        .expect_err("AI_ANALYST is off");
    assert!(refused
        .as_service_error()
        .is_some_and(|e| e.is_bad_request_exception()));
    gd.update_detector()
        .detector_id(&detector)
        .features(
            DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::AiAnalyst)
                .status(FeatureStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("UpdateDetector AI_ANALYST");
    gd.create_sample_findings()
        .detector_id(&detector)
        .finding_types("UnauthorizedAccess:EC2/TorRelay")
        .send()
        .await
        .expect("CreateSampleFindings");
    let finding = gd
        .list_findings()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListFindings")
        .finding_ids()[0]
        .clone();
    let id = gd
        .create_investigation()
        .detector_id(&detector)
        .trigger_prompt(format!(
            "Investigate finding {finding} in account 222222222222"
        ))
        .send()
        .await
        .expect("CreateInvestigation")
        .investigation_id()
        .expect("investigation_id")
        .to_string();
    let got = gd
        .get_investigation()
        .detector_id(&detector)
        .investigation_id(&id)
        .send()
        .await
        .expect("GetInvestigation");
    let investigation = got.investigation().expect("investigation");
    assert_eq!(
        investigation.status().map(|s| s.as_str()),
        Some("COMPLETED")
    );
    assert_eq!(
        investigation.confidence().map(|c| c.as_str()),
        Some("Low"),
        "a sample finding is no observed activity"
    );
    let summary = investigation.summary().expect("summary");
    assert!(summary.contains(&finding) && summary.contains("UnauthorizedAccess:EC2/TorRelay"));
    let account = gd
        .create_investigation()
        .detector_id(&detector)
        .trigger_prompt("Analyze findings in account with id 222222222222")
        .send()
        .await
        .expect("CreateInvestigation ACCOUNT")
        .investigation_id()
        .expect("investigation_id")
        .to_string();
    let listed = gd
        .list_investigations()
        .detector_id(&detector)
        .send()
        .await
        .expect("ListInvestigations");
    let ids: Vec<&str> = listed
        .investigations()
        .iter()
        .filter_map(|i| i.investigation_id())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&account.as_str()) && ids.contains(&id.as_str()));
    let missing = gd
        .get_investigation()
        .detector_id(&detector)
        .investigation_id("0123abcd")
        .send()
        .await
        .expect_err("no such investigation");
    assert!(missing
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
}

#[tokio::test]
async fn custom_detection_rules_associate_and_a_live_rule_raises_findings() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev"])
        .guardduty_admin("security")
        .build()
        .await;
    let (security, dev) = (org.account("security"), org.account("dev"));
    let admin_gd = guardduty(&emulator, &security);
    let admin_detector = admin_gd
        .list_detectors()
        .send()
        .await
        .expect("ListDetectors")
        .detector_ids()[0]
        .clone();
    admin_gd
        .update_organization_configuration()
        .detector_id(&admin_detector)
        .auto_enable_organization_members(AutoEnableMembers::All)
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");

    let high = admin_gd
        .list_custom_detection_rules()
        .filters(
            DetectionRuleFilter::builder()
                .name(FilterFieldName::Severity)
                .values("HIGH")
                .build(),
        )
        .send()
        .await
        .expect("ListCustomDetectionRules");
    assert!(high
        .rules()
        .iter()
        .all(|r| r.severity().map(|s| s.as_str()) == Some("HIGH")));
    assert!(high
        .rules()
        .iter()
        .any(|r| r.rule_id() == Some("securityhub-disabled")));
    let rule = admin_gd
        .get_custom_detection_rule()
        .rule_id("securityhub-disabled")
        .send()
        .await
        .expect("GetCustomDetectionRule");
    assert!(rule.rule().and_then(|r| r.definition()).is_some_and(|d| d
        .expression()
        .is_some_and(|e| e.contains("DisableSecurityHub"))));

    // The administrator runs the rule live across the organization.
    admin_gd
        .create_custom_detection_rule_org_configuration()
        .rule_id("securityhub-disabled")
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect("CreateCustomDetectionRuleOrgConfiguration");
    let configured = admin_gd
        .get_custom_detection_rule_org_configuration()
        .rule_id("securityhub-disabled")
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect("GetCustomDetectionRuleOrgConfiguration");
    assert_eq!(
        configured
            .configuration()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("ACTIVE")
    );
    let dev_gd = guardduty(&emulator, &dev);
    let dev_rules = dev_gd
        .list_custom_detection_rule_associations()
        .send()
        .await
        .expect("ListCustomDetectionRuleAssociations");
    assert_eq!(dev_rules.rule_associations().len(), 1);
    assert_eq!(
        dev_rules.rule_associations()[0].mode().map(|m| m.as_str()),
        Some("LIVE")
    );
    let listed = admin_gd
        .list_custom_detection_rule_org_configurations()
        .send()
        .await
        .expect("ListCustomDetectionRuleOrgConfigurations");
    assert_eq!(listed.configurations().len(), 1);

    // dev turns Security Hub on and off: the recorded DisableSecurityHub matches.
    let dev_hub = crate::common::securityhub(&emulator, &dev);
    dev_hub
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    dev_hub
        .disable_security_hub()
        .send()
        .await
        .expect("DisableSecurityHub");
    let dev_detector = dev_gd
        .list_detectors()
        .send()
        .await
        .expect("ListDetectors")
        .detector_ids()[0]
        .clone();
    let ids = dev_gd
        .list_findings()
        .detector_id(&dev_detector)
        .send()
        .await
        .expect("ListFindings")
        .finding_ids()
        .to_vec();
    let findings = dev_gd
        .get_findings()
        .detector_id(&dev_detector)
        .set_finding_ids(Some(ids))
        .send()
        .await
        .expect("GetFindings");
    assert_eq!(
        findings
            .findings()
            .iter()
            .filter_map(|f| f.r#type())
            .collect::<Vec<_>>(),
        ["DefenseEvasion:SecurityHub/ImpairDefenses"]
    );

    // An account's own association, in dry run, then live, then gone.
    let made = admin_gd
        .create_custom_detection_rule_association()
        .rule_id("cloudtrail-logging-stopped")
        .mode(AssociationMode::DryRun)
        .send()
        .await
        .expect("CreateCustomDetectionRuleAssociation");
    let association = made.rule_association().expect("association");
    assert!(association.expires_at().is_some(), "a dry run expires");
    let id = association
        .association_id()
        .expect("association id")
        .to_string();
    let conflict = admin_gd
        .create_custom_detection_rule_association()
        .rule_id("cloudtrail-logging-stopped")
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect_err("one association per rule");
    assert!(conflict
        .as_service_error()
        .is_some_and(|e| e.is_conflict_exception()));
    admin_gd
        .update_custom_detection_rule_association()
        .rule_id("cloudtrail-logging-stopped")
        .association_id(&id)
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect("UpdateCustomDetectionRuleAssociation");
    let got = admin_gd
        .get_custom_detection_rule_association()
        .rule_id("cloudtrail-logging-stopped")
        .association_id(&id)
        .send()
        .await
        .expect("GetCustomDetectionRuleAssociation");
    assert_eq!(
        got.rule_association()
            .and_then(|a| a.mode())
            .map(|m| m.as_str()),
        Some("LIVE")
    );
    admin_gd
        .delete_custom_detection_rule_association()
        .rule_id("cloudtrail-logging-stopped")
        .association_id(&id)
        .send()
        .await
        .expect("DeleteCustomDetectionRuleAssociation");
    admin_gd
        .update_custom_detection_rule_org_configuration()
        .rule_id("securityhub-disabled")
        .mode(AssociationMode::Live)
        .exclude_account_ids(&dev)
        .send()
        .await
        .expect("UpdateCustomDetectionRuleOrgConfiguration");
    let dev_rules = dev_gd
        .list_custom_detection_rule_associations()
        .send()
        .await
        .expect("ListCustomDetectionRuleAssociations");
    assert!(dev_rules.rule_associations().is_empty());
    admin_gd
        .delete_custom_detection_rule_org_configuration()
        .rule_id("securityhub-disabled")
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect("DeleteCustomDetectionRuleOrgConfiguration");
    let refused = dev_gd
        .create_custom_detection_rule_org_configuration()
        .rule_id("securityhub-disabled")
        .mode(AssociationMode::Live)
        .send()
        .await
        .expect_err("only the delegated administrator");
    assert!(refused
        .as_service_error()
        .is_some_and(|e| e.is_access_denied_exception()));
}
