//! AWS's multi-account GuardDuty scripts (amazon-guardduty-multiaccount-scripts:
//! enableguardduty.py, updatefeatures.py, disableguardduty.py) as their call sequence
//! with the real SDK, the way tools/run_guardduty_scripts.sh runs them: an organization
//! of created accounts, no GuardDuty delegated administrator, each account reached by
//! assuming OrganizationAccountAccessRole, two Regions; after each script the state it
//! is for.

use aws_config::Region;
use aws_sdk_guardduty::types::{
    AccountDetail, DataSourceConfigurations, DataSourceStatus, DetectorFeatureResult,
    FeatureStatus, MalwareProtectionConfiguration, S3LogsConfiguration,
    ScanEc2InstanceWithFindings,
};
use aws_sdk_guardduty::Client;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use orgsim::Emulator;

use crate::common::{config_with, detector_of, member_status, organization, session, sts};

const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];

/// An account's session as the scripts make it: AssumeRole into its
/// OrganizationAccountAccessRole from the management account.
async fn assume(emulator: &Emulator, account: &str) -> aws_config::SdkConfig {
    let assumed = sts(emulator, crate::common::MANAGEMENT)
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("EnableGuardDuty")
        .send()
        .await
        .unwrap_or_else(|e| panic!("AssumeRole into {account}: {e:?}"));
    config_with(
        emulator,
        session(assumed.credentials().expect("credentials")),
    )
}

fn gd_in(config: &aws_config::SdkConfig, region: &str) -> Client {
    Client::new(
        &config
            .to_builder()
            .region(Region::new(region.to_string()))
            .build(),
    )
}

fn data_sources(enable: bool) -> DataSourceConfigurations {
    DataSourceConfigurations::builder()
        .s3_logs(S3LogsConfiguration::builder().enable(enable).build())
        .malware_protection(
            MalwareProtectionConfiguration::builder()
                .scan_ec2_instance_with_findings(
                    ScanEc2InstanceWithFindings::builder()
                        .ebs_volumes(enable)
                        .build(),
                )
                .build(),
        )
        .build()
}

/// The malware protection service-linked role, created as updatefeatures.py does: a
/// second call must fail in the words the script tolerates.
async fn malware_role(config: &aws_config::SdkConfig, first: bool) {
    let created = aws_sdk_iam::Client::new(config)
        .create_service_linked_role()
        .aws_service_name("malware-protection.guardduty.amazonaws.com")
        .send()
        .await;
    if first {
        let role = created
            .expect("CreateServiceLinkedRole")
            .role
            .expect("role");
        assert_eq!(
            role.role_name(),
            "AWSServiceRoleForAmazonGuardDutyMalwareProtection"
        );
    } else {
        let err = created.expect_err("a second CreateServiceLinkedRole fails");
        assert_eq!(err.code(), Some("InvalidInput"), "{err:?}");
        assert!(
            err.message()
                .unwrap_or_default()
                .contains("has been taken in this account"),
            "{err:?}"
        );
    }
}

/// updatefeatures.py --enable_/--disable_malware --enable_/--disable_s3, then its check.
#[allow(deprecated)] // DataSources, the form updatefeatures.py sends.
async fn update_features(
    master: &aws_config::SdkConfig,
    members: &[(String, aws_config::SdkConfig)],
    enable: bool,
    first_enable: bool,
) {
    if enable {
        malware_role(master, first_enable).await;
    }
    for region in REGIONS {
        let master_gd = gd_in(master, region);
        let master_detector = detector_of(&master_gd).await.expect("master detector");
        for (account, config) in members {
            let member_gd = gd_in(config, region);
            let member_detector = detector_of(&member_gd).await.expect("member detector");
            let listed = master_gd
                .list_members()
                .detector_id(&master_detector)
                .only_associated("false")
                .send()
                .await
                .expect("ListMembers");
            assert!(listed
                .members()
                .iter()
                .any(|m| m.account_id() == Some(account.as_str())));
            if enable {
                // The role is per account: created in the first Region, taken in the second.
                malware_role(config, first_enable && region == REGIONS[0]).await;
            }
            let updated = master_gd
                .update_member_detectors()
                .detector_id(&master_detector)
                .account_ids(account)
                .data_sources(data_sources(enable))
                .send()
                .await
                .expect("UpdateMemberDetectors");
            assert!(updated.unprocessed_accounts().is_empty(), "{updated:?}");

            let want = if enable {
                DataSourceStatus::Enabled
            } else {
                DataSourceStatus::Disabled
            };
            let got = master_gd
                .get_member_detectors()
                .detector_id(&master_detector)
                .account_ids(account)
                .send()
                .await
                .expect("GetMemberDetectors");
            assert!(got.unprocessed_accounts().is_empty(), "{got:?}");
            let sources = got.member_data_source_configurations()[0]
                .data_sources()
                .expect("data sources");
            let ebs = sources
                .malware_protection()
                .and_then(|m| m.scan_ec2_instance_with_findings())
                .and_then(|s| s.ebs_volumes())
                .and_then(|e| e.status());
            assert_eq!(
                ebs,
                Some(&want),
                "malware protection for {account} in {region}"
            );
            assert_eq!(
                sources.s3_logs().and_then(|s| s.status()),
                Some(&want),
                "S3 protection for {account} in {region}"
            );

            let own = member_gd
                .get_detector()
                .detector_id(&member_detector)
                .send()
                .await
                .expect("GetDetector");
            let want = if enable {
                FeatureStatus::Enabled
            } else {
                FeatureStatus::Disabled
            };
            for name in [
                DetectorFeatureResult::EbsMalwareProtection,
                DetectorFeatureResult::S3DataEvents,
            ] {
                let status = own
                    .features()
                    .iter()
                    .find(|f| f.name() == Some(&name))
                    .and_then(|f| f.status());
                assert_eq!(status, Some(&want), "{account}'s own {name} in {region}");
            }
        }
    }
}

#[tokio::test]
async fn enable_update_features_and_disable_as_the_scripts_do() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["M1", "M2", "M3"])
        .build()
        .await;
    let master_id = org.account("M1");
    let master = assume(&emulator, &master_id).await;
    let mut members = Vec::new();
    for name in ["M2", "M3"] {
        let id = org.account(name);
        let config = assume(&emulator, &id).await;
        members.push((id, config));
    }

    // enableguardduty.py: detectors everywhere, then members invited and accepting.
    for region in REGIONS {
        let master_gd = gd_in(&master, region);
        assert_eq!(detector_of(&master_gd).await, None);
        let master_detector = master_gd
            .create_detector()
            .enable(true)
            .send()
            .await
            .expect("CreateDetector master")
            .detector_id
            .expect("detector id");
        for (n, (account, config)) in members.iter().enumerate() {
            let member_gd = gd_in(config, region);
            let member_detector = member_gd
                .create_detector()
                .enable(true)
                .send()
                .await
                .expect("CreateDetector member")
                .detector_id
                .expect("detector id");
            let created = master_gd
                .create_members()
                .detector_id(&master_detector)
                .account_details(
                    AccountDetail::builder()
                        .account_id(account)
                        .email(format!("m{}@example.com", n + 2))
                        .build(),
                )
                .send()
                .await
                .expect("CreateMembers");
            assert!(created.unprocessed_accounts().is_empty(), "{created:?}");
            assert_eq!(
                member_status(&master_gd, &master_detector, account)
                    .await
                    .as_deref(),
                Some("Created")
            );
            let invited = master_gd
                .invite_members()
                .detector_id(&master_detector)
                .account_ids(account)
                .message(format!(
                    "Account {master_id} invites you to join GuardDuty."
                ))
                .send()
                .await
                .expect("InviteMembers");
            assert!(invited.unprocessed_accounts().is_empty(), "{invited:?}");
            assert_eq!(
                member_status(&master_gd, &master_detector, account)
                    .await
                    .as_deref(),
                Some("Invited")
            );
            let invitations = member_gd
                .list_invitations()
                .send()
                .await
                .expect("ListInvitations");
            let invitation = invitations
                .invitations()
                .iter()
                .find(|i| i.account_id() == Some(master_id.as_str()))
                .and_then(|i| i.invitation_id())
                .expect("an invitation from the master")
                .to_string();
            #[allow(deprecated)]
            member_gd
                .accept_invitation()
                .detector_id(&member_detector)
                .master_id(&master_id)
                .invitation_id(&invitation)
                .send()
                .await
                .expect("AcceptInvitation");
        }
    }
    for region in REGIONS {
        let master_gd = gd_in(&master, region);
        let master_detector = detector_of(&master_gd).await.expect("master detector");
        for (account, config) in &members {
            assert_eq!(
                member_status(&master_gd, &master_detector, account)
                    .await
                    .as_deref(),
                Some("Enabled"),
                "{account} in {region}"
            );
            let member_gd = gd_in(config, region);
            let member_detector = detector_of(&member_gd).await.expect("member detector");
            let administrator = member_gd
                .get_administrator_account()
                .detector_id(&member_detector)
                .send()
                .await
                .expect("GetAdministratorAccount");
            let administrator = administrator.administrator().expect("administrator");
            assert_eq!(administrator.account_id(), Some(master_id.as_str()));
            assert_eq!(administrator.relationship_status(), Some("Enabled"));
        }
    }

    // updatefeatures.py: off, then on (creating the service-linked roles), then on again.
    update_features(&master, &members, false, false).await;
    update_features(&master, &members, true, true).await;
    update_features(&master, &members, true, false).await;
    for config in std::iter::once(&master).chain(members.iter().map(|(_, c)| c)) {
        aws_sdk_iam::Client::new(config)
            .get_role()
            .role_name("AWSServiceRoleForAmazonGuardDutyMalwareProtection")
            .send()
            .await
            .expect("the malware protection service-linked role");
    }

    // disableguardduty.py: the members unlinked and deleted, their detectors deleted.
    let accounts: Vec<String> = members.iter().map(|(a, _)| a.clone()).collect();
    for region in REGIONS {
        let master_gd = gd_in(&master, region);
        let master_detector = detector_of(&master_gd).await.expect("master detector");
        let disassociated = master_gd
            .disassociate_members()
            .detector_id(&master_detector)
            .set_account_ids(Some(accounts.clone()))
            .send()
            .await
            .expect("DisassociateMembers");
        assert!(
            disassociated.unprocessed_accounts().is_empty(),
            "{disassociated:?}"
        );
        let deleted = master_gd
            .delete_members()
            .detector_id(&master_detector)
            .set_account_ids(Some(accounts.clone()))
            .send()
            .await
            .expect("DeleteMembers");
        assert!(deleted.unprocessed_accounts().is_empty(), "{deleted:?}");
        for (_, config) in &members {
            let member_gd = gd_in(config, region);
            let member_detector = detector_of(&member_gd).await.expect("member detector");
            member_gd
                .delete_detector()
                .detector_id(&member_detector)
                .send()
                .await
                .expect("DeleteDetector member");
        }
    }
    for region in REGIONS {
        let master_gd = gd_in(&master, region);
        let master_detector = detector_of(&master_gd)
            .await
            .expect("the master keeps its detector");
        let listed = master_gd
            .list_members()
            .detector_id(&master_detector)
            .only_associated("false")
            .send()
            .await
            .expect("ListMembers");
        assert!(listed.members().is_empty(), "{listed:?}");
        for (account, config) in &members {
            assert_eq!(
                detector_of(&gd_in(config, region)).await,
                None,
                "{account} in {region}"
            );
        }
        // disableguardduty.py --delete_master.
        master_gd
            .delete_detector()
            .detector_id(&master_detector)
            .send()
            .await
            .expect("DeleteDetector master");
        assert_eq!(detector_of(&master_gd).await, None);
    }
}
