//! Security Hub central configuration and automation rules with the real SDK: the
//! delegated administrator aggregates findings, turns CENTRAL on, applies a policy at
//! the root that a member inherits; an automation rule raises a member's imported
//! finding; an invalid enum is refused in AWS's words.

use aws_sdk_securityhub::types::{
    AutomationRulesAction, AutomationRulesActionType, AutomationRulesFindingFieldsUpdate,
    AutomationRulesFindingFilters, OrganizationConfiguration, Policy,
    SecurityControlsConfiguration, SecurityHubPolicy, SeverityLabel, SeverityUpdate, StringFilter,
    StringFilterComparison, Target,
};
use orgsim::Emulator;

use crate::common::{organization, securityhub, MANAGEMENT};

const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";

#[test]
fn central_configuration_and_automation_rules() {
    crate::common::run_on_a_large_stack(flow);
}

async fn flow() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev"])
        .build()
        .await;
    let (security, dev) = (org.account("security"), org.account("dev"));
    securityhub(&emulator, MANAGEMENT)
        .enable_organization_admin_account()
        .admin_account_id(&security)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    let sh = securityhub(&emulator, &security);
    sh.enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    sh.create_finding_aggregator()
        .region_linking_mode("ALL_REGIONS")
        .send()
        .await
        .expect("CreateFindingAggregator");
    sh.update_organization_configuration()
        .auto_enable(false)
        .organization_configuration(
            OrganizationConfiguration::builder()
                .configuration_type("CENTRAL".into())
                .build(),
        )
        .send()
        .await
        .expect("UpdateOrganizationConfiguration CENTRAL");
    let policy = sh
        .create_configuration_policy()
        .name("baseline")
        .configuration_policy(Policy::SecurityHub(
            SecurityHubPolicy::builder()
                .service_enabled(true)
                .enabled_standard_identifiers(FSBP)
                .security_controls_configuration(
                    SecurityControlsConfiguration::builder()
                        .disabled_security_control_identifiers("IAM.1")
                        .build(),
                )
                .build(),
        ))
        .send()
        .await
        .expect("CreateConfigurationPolicy");
    let policy_id = policy.id().expect("Id").to_string();
    let roots = org.mgmt.list_roots().send().await.expect("ListRoots");
    let root = roots.roots()[0].id().expect("root id").to_string();
    sh.start_configuration_policy_association()
        .configuration_policy_identifier(&policy_id)
        .target(Target::RootId(root))
        .send()
        .await
        .expect("StartConfigurationPolicyAssociation");
    let inherited = sh
        .get_configuration_policy_association()
        .target(Target::AccountId(dev.clone()))
        .send()
        .await
        .expect("GetConfigurationPolicyAssociation");
    assert_eq!(
        inherited.configuration_policy_id(),
        Some(policy_id.as_str())
    );
    assert_eq!(
        inherited.association_type().map(|t| t.as_str()),
        Some("INHERITED")
    );
    let dev_sh = securityhub(&emulator, &dev);
    let standards = dev_sh
        .get_enabled_standards()
        .send()
        .await
        .expect("GetEnabledStandards");
    let arns: Vec<&str> = standards
        .standards_subscriptions()
        .iter()
        .filter_map(|s| s.standards_arn())
        .collect();
    assert_eq!(arns, vec![FSBP]);

    // An automation rule raises every imported "Finding…" to CRITICAL.
    let rule = sh
        .create_automation_rule()
        .rule_name("raise")
        .description("raise test findings")
        .rule_order(1)
        .criteria(
            AutomationRulesFindingFilters::builder()
                .title(
                    StringFilter::builder()
                        .value("Finding")
                        .comparison(StringFilterComparison::Prefix)
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
    let rule_arn = rule.rule_arn().expect("RuleArn").to_string();
    let listed = sh
        .list_automation_rules()
        .send()
        .await
        .expect("ListAutomationRules");
    assert_eq!(
        listed.automation_rules_metadata()[0].rule_arn(),
        Some(rule_arn.as_str())
    );
    let got = sh
        .batch_get_automation_rules()
        .automation_rules_arns(&rule_arn)
        .send()
        .await
        .expect("BatchGetAutomationRules");
    assert_eq!(got.rules()[0].rule_name(), Some("raise"));

    // An invalid enum value: AWS's InvalidInputException, not the parser's words.
    let refused = sh
        .batch_update_automation_rules()
        .update_automation_rules_request_items(
            aws_sdk_securityhub::types::UpdateAutomationRulesRequestItem::builder()
                .rule_arn(&rule_arn)
                .rule_status("PAUSED".into())
                .build(),
        )
        .send()
        .await
        .expect_err("PAUSED is no RuleStatus");
    let service = refused.into_service_error();
    let meta = aws_sdk_securityhub::error::ProvideErrorMetadata::meta(&service);
    assert_eq!(meta.code(), Some("InvalidInputException"));
    let message = meta.message().unwrap_or_default();
    assert!(
        message.contains("PAUSED") && !message.contains("variant"),
        "{message}"
    );
    sh.batch_delete_automation_rules()
        .automation_rules_arns(&rule_arn)
        .send()
        .await
        .expect("BatchDeleteAutomationRules");
}
