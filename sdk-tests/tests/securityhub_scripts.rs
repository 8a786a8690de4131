//! AWS's Security Hub scripts (aws-securityhub-multiaccount-scripts: enablesecurityhub.py,
//! enablecis14.py, automation-rules-create.py, disablesecurityhub.py) as their call
//! sequence with the real SDK, the way tools/run_securityhub_scripts.sh runs them:
//! invitations inside an organization with no Security Hub delegated administrator,
//! two Regions; after each script the state it is for.

use aws_config::Region;
use aws_sdk_securityhub::types::{
    AccountDetails, AutomationRulesAction, AutomationRulesActionType,
    AutomationRulesFindingFieldsUpdate, AutomationRulesFindingFilters, ControlStatus, RuleStatus,
    SeverityLabel, SeverityUpdate, StandardsStatus, StandardsSubscriptionRequest, StringFilter,
    StringFilterComparison,
};
use aws_sdk_securityhub::Client;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use orgsim::Emulator;

use crate::common::{config, organization};

const REGIONS: [&str; 2] = ["us-east-1", "us-west-2"];
/// CIS 1.2 is a global ruleset, not a Regional standard.
const CIS12: &str = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0";
const CIS14: &str = "standards/cis-aws-foundations-benchmark/v/1.4.0";

fn sh_in(emulator: &Emulator, account: &str, region: &str) -> Client {
    let config = config(emulator, account)
        .to_builder()
        .region(Region::new(region.to_string()))
        .build();
    Client::new(&config)
}

/// `account`'s subscription status to the standard ending in `standard`, if subscribed.
async fn standard_status(sh: &Client, standard: &str) -> Option<StandardsStatus> {
    let enabled = sh
        .get_enabled_standards()
        .send()
        .await
        .expect("GetEnabledStandards");
    enabled
        .standards_subscriptions()
        .iter()
        .find(|s| s.standards_arn().is_some_and(|a| a.ends_with(standard)))
        .and_then(|s| s.standards_status().cloned())
}

/// The status of control `control` in `account`'s subscription to CIS `version`.
async fn control_status(
    sh: &Client,
    region: &str,
    account: &str,
    version: &str,
    control: &str,
) -> Option<ControlStatus> {
    let subscription = format!(
        "arn:aws:securityhub:{region}:{account}:subscription/cis-aws-foundations-benchmark/v/{version}"
    );
    let controls = sh
        .describe_standards_controls()
        .standards_subscription_arn(&subscription)
        .max_results(100)
        .send()
        .await
        .expect("DescribeStandardsControls");
    let suffix = format!("/v/{version}/{control}");
    controls
        .controls()
        .iter()
        .find(|c| {
            c.standards_control_arn()
                .is_some_and(|a| a.ends_with(&suffix))
        })
        .and_then(|c| c.control_status().cloned())
}

#[test]
fn enable_cis14_automation_rules_and_disable_as_the_scripts_do() {
    crate::common::run_on_a_large_stack(flow);
}

async fn flow() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["M1", "M2"])
        .build()
        .await;
    let (master, member) = (org.account("M1"), org.account("M2"));

    // enablesecurityhub.py --enable_standards ruleset/cis-aws-foundations-benchmark/v/1.2.0
    for region in REGIONS {
        let (master_sh, member_sh) = (
            sh_in(&emulator, &master, region),
            sh_in(&emulator, &member, region),
        );
        for sh in [&master_sh, &member_sh] {
            sh.enable_security_hub()
                .enable_default_standards(false)
                .send()
                .await
                .expect("EnableSecurityHub");
            sh.batch_enable_standards()
                .standards_subscription_requests(
                    StandardsSubscriptionRequest::builder()
                        .standards_arn(CIS12)
                        .build(),
                )
                .send()
                .await
                .expect("BatchEnableStandards CIS 1.2");
        }
        let created = master_sh
            .create_members()
            .account_details(
                AccountDetails::builder()
                    .account_id(&member)
                    .email("m2@example.com")
                    .build(),
            )
            .send()
            .await
            .expect("CreateMembers");
        assert!(created.unprocessed_accounts().is_empty(), "{created:?}");
        let invited = master_sh
            .invite_members()
            .account_ids(&member)
            .send()
            .await
            .expect("InviteMembers");
        assert!(invited.unprocessed_accounts().is_empty(), "{invited:?}");
        let invitations = member_sh
            .list_invitations()
            .send()
            .await
            .expect("ListInvitations");
        let invitation = invitations
            .invitations()
            .iter()
            .find(|i| i.account_id() == Some(master.as_str()))
            .and_then(|i| i.invitation_id())
            .expect("an invitation from the master")
            .to_string();
        member_sh
            .accept_administrator_invitation()
            .administrator_id(&master)
            .invitation_id(&invitation)
            .send()
            .await
            .expect("AcceptAdministratorInvitation");

        let members = master_sh
            .get_members()
            .account_ids(&member)
            .send()
            .await
            .expect("GetMembers");
        assert_eq!(members.members()[0].member_status(), Some("Enabled"));
        let administrator = member_sh
            .get_administrator_account()
            .send()
            .await
            .expect("GetAdministratorAccount");
        assert_eq!(
            administrator.administrator().and_then(|a| a.account_id()),
            Some(master.as_str())
        );
        for sh in [&master_sh, &member_sh] {
            assert_eq!(
                standard_status(sh, "cis-aws-foundations-benchmark/v/1.2.0").await,
                Some(StandardsStatus::Ready)
            );
        }
        // The member turned CIS 1.2's 1.1 (root use) off.
        member_sh
            .update_standards_control()
            .standards_control_arn(format!(
                "arn:aws:securityhub:{region}:{member}:control/cis-aws-foundations-benchmark/v/1.2.0/1.1"
            ))
            .control_status(ControlStatus::Disabled)
            .disabled_reason("root is monitored elsewhere")
            .send()
            .await
            .expect("UpdateStandardsControl CIS 1.2 1.1");
    }

    // enablecis14.py --map_cis12_disabled_controls Yes --disable_cis12 Yes
    for region in REGIONS {
        for account in [&master, &member] {
            let sh = sh_in(&emulator, account, region);
            sh.batch_enable_standards()
                .standards_subscription_requests(
                    StandardsSubscriptionRequest::builder()
                        .standards_arn(format!("arn:aws:securityhub:{region}::{CIS14}"))
                        .build(),
                )
                .send()
                .await
                .expect("BatchEnableStandards CIS 1.4");
            assert_eq!(
                standard_status(&sh, "cis-aws-foundations-benchmark/v/1.4.0").await,
                Some(StandardsStatus::Ready)
            );
            // CIS 1.2's 1.1 maps to CIS 1.4's 1.7; the script carries a disabled one over.
            if control_status(&sh, region, account, "1.2.0", "1.1").await
                == Some(ControlStatus::Disabled)
            {
                sh.update_standards_control()
                    .standards_control_arn(format!(
                        "arn:aws:securityhub:{region}:{account}:control/cis-aws-foundations-benchmark/v/1.4.0/1.7"
                    ))
                    .control_status(ControlStatus::Disabled)
                    .disabled_reason("Mapped from CIS 1.2 control 1.1")
                    .send()
                    .await
                    .expect("UpdateStandardsControl CIS 1.4 1.7");
            }
            sh.batch_disable_standards()
                .standards_subscription_arns(format!(
                    "arn:aws:securityhub:{region}:{account}:subscription/cis-aws-foundations-benchmark/v/1.2.0"
                ))
                .send()
                .await
                .expect("BatchDisableStandards CIS 1.2");
        }
    }
    for region in REGIONS {
        for (account, want) in [
            (&member, ControlStatus::Disabled),
            (&master, ControlStatus::Enabled),
        ] {
            let sh = sh_in(&emulator, account, region);
            assert_eq!(
                standard_status(&sh, "cis-aws-foundations-benchmark/v/1.4.0").await,
                Some(StandardsStatus::Ready),
                "CIS 1.4 for {account} in {region}"
            );
            assert_eq!(
                standard_status(&sh, "cis-aws-foundations-benchmark/v/1.2.0").await,
                None,
                "CIS 1.2 for {account} in {region}"
            );
            assert_eq!(
                control_status(&sh, region, account, "1.4.0", "1.7").await,
                Some(want),
                "CIS 1.4 1.7 for {account} in {region}"
            );
        }
    }

    // automation-rules-create.py as the master, two rules per Region.
    for region in REGIONS {
        let sh = sh_in(&emulator, &master, region);
        for (order, name) in [(2, "sample-rule-critical-B"), (1, "sample-rule-critical-A")] {
            sh.create_automation_rule()
                .rule_name(name)
                .rule_order(order)
                .rule_status(RuleStatus::Enabled)
                .description("Elevate findings of a critical resource")
                .criteria(
                    AutomationRulesFindingFilters::builder()
                        .resource_id(
                            StringFilter::builder()
                                .value("arn:aws:s3:::critical-bucket")
                                .comparison(StringFilterComparison::Equals)
                                .build(),
                        )
                        .build(),
                )
                .actions(
                    AutomationRulesAction::builder()
                        .r#type(AutomationRulesActionType::FindingFieldsUpdate)
                        .finding_fields_update(
                            AutomationRulesFindingFieldsUpdate::builder()
                                .severity(
                                    SeverityUpdate::builder()
                                        .label(SeverityLabel::Critical)
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .send()
                .await
                .expect("CreateAutomationRule");
        }
        let listed = sh
            .list_automation_rules()
            .send()
            .await
            .expect("ListAutomationRules");
        let rules: Vec<(Option<&str>, Option<i32>, Option<&RuleStatus>)> = listed
            .automation_rules_metadata()
            .iter()
            .map(|r| (r.rule_name(), r.rule_order(), r.rule_status()))
            .collect();
        assert_eq!(
            rules,
            vec![
                (
                    Some("sample-rule-critical-A"),
                    Some(1),
                    Some(&RuleStatus::Enabled)
                ),
                (
                    Some("sample-rule-critical-B"),
                    Some(2),
                    Some(&RuleStatus::Enabled)
                ),
            ],
            "{region}"
        );
    }

    // disablesecurityhub.py for the member, then --delete_master.
    for region in REGIONS {
        let (master_sh, member_sh) = (
            sh_in(&emulator, &master, region),
            sh_in(&emulator, &member, region),
        );
        master_sh
            .disassociate_members()
            .account_ids(&member)
            .send()
            .await
            .expect("DisassociateMembers");
        let deleted = master_sh
            .delete_members()
            .account_ids(&member)
            .send()
            .await
            .expect("DeleteMembers");
        assert!(deleted.unprocessed_accounts().is_empty(), "{deleted:?}");
        member_sh
            .disable_security_hub()
            .send()
            .await
            .expect("DisableSecurityHub member");
        let listed = master_sh
            .list_members()
            .only_associated(false)
            .send()
            .await
            .expect("ListMembers");
        assert!(listed.members().is_empty(), "{listed:?}");
        let err = member_sh
            .describe_hub()
            .send()
            .await
            .expect_err("the member's hub is off");
        assert_eq!(err.code(), Some("InvalidAccessException"), "{err:?}");
        master_sh
            .describe_hub()
            .send()
            .await
            .expect("the master keeps its hub");
        master_sh
            .disable_security_hub()
            .send()
            .await
            .expect("DisableSecurityHub master");
        let err = master_sh
            .describe_hub()
            .send()
            .await
            .expect_err("the master's hub is off");
        assert_eq!(err.code(), Some("InvalidAccessException"), "{err:?}");
    }
}
