//! Automation rules, central configuration, custom actions, tags and the
//! consolidated controls view against a `World`.

use super::test_support::*;
use serde_json::{json, Value};

const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS14: &str =
    "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0";

fn rule(order: i64, terminal: bool, label: &str, title_prefix: &str) -> Value {
    json!({
        "RuleName": format!("rule {order}"),
        "Description": "raise or lower",
        "RuleOrder": order,
        "IsTerminal": terminal,
        "Criteria": {"Title": [{"Value": title_prefix, "Comparison": "PREFIX"}]},
        "Actions": [{"Type": "FINDING_FIELDS_UPDATE", "FindingFieldsUpdate": {
            "Severity": {"Label": label},
            "Note": {"Text": format!("set by rule {order}"), "UpdatedBy": "automation"},
        }}],
    })
}

fn finding_of(w: &mut crate::world::World, account: &str, id: &str) -> Value {
    let got = run_ok(
        w,
        account,
        "GetFindings",
        json!({"Filters": {"Id": [{"Value": id, "Comparison": "EQUALS"}]}}),
    );
    got["Findings"][0].clone()
}

#[test]
fn automation_rules_change_imported_findings_in_rule_order() {
    let mut w = world();
    let (security, members) = org_with_admin(&mut w, 2);
    run_ok(
        &mut w,
        &security,
        "CreateMembers",
        json!({"AccountDetails": [{"AccountId": members[0]}]}),
    );
    let low = run_ok(
        &mut w,
        &security,
        "CreateAutomationRule",
        rule(2, false, "LOW", "Finding"),
    );
    let low_arn = low["RuleArn"].as_str().unwrap().to_string();
    assert!(low_arn.contains(":automation-rule/"), "{low_arn}");
    run_ok(
        &mut w,
        &security,
        "CreateAutomationRule",
        rule(1, false, "CRITICAL", "Finding"),
    );
    run_ok(
        &mut w,
        &security,
        "CreateAutomationRule",
        rule(5, false, "MEDIUM", "Other"),
    );
    // a member's finding: rule 1 then rule 2 run; the last one wins
    let member = members[0].clone();
    run_ok(
        &mut w,
        &member,
        "BatchImportFindings",
        json!({"Findings": [asff(&member, "f-1")]}),
    );
    let f = finding_of(&mut w, &security, "f-1");
    assert_eq!(f["Severity"]["Label"], "LOW");
    assert_eq!(f["Note"]["Text"], "set by rule 2");
    // rule 1 terminal: rule 2 no longer runs on the next import
    let listed = run_ok(&mut w, &security, "ListAutomationRules", json!({}));
    let first = listed["AutomationRulesMetadata"][0].clone();
    assert_eq!(first["RuleOrder"], 1);
    run_ok(
        &mut w,
        &security,
        "BatchUpdateAutomationRules",
        json!({"UpdateAutomationRulesRequestItems": [{"RuleArn": first["RuleArn"], "IsTerminal": true}]}),
    );
    run_ok(
        &mut w,
        &member,
        "BatchImportFindings",
        json!({"Findings": [asff(&member, "f-2")]}),
    );
    let f = finding_of(&mut w, &security, "f-2");
    assert_eq!(f["Severity"]["Label"], "CRITICAL");
    let history = run_ok(
        &mut w,
        &security,
        "GetFindingHistory",
        json!({"FindingIdentifier": {"Id": "f-2", "ProductArn": f["ProductArn"]}}),
    );
    let sources: Vec<String> = history["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["UpdateSource"]["Identity"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        sources.contains(&first["RuleArn"].as_str().unwrap().to_string()),
        "{sources:?}"
    );
    // disabled rules do nothing
    run_ok(
        &mut w,
        &security,
        "BatchUpdateAutomationRules",
        json!({"UpdateAutomationRulesRequestItems": [{"RuleArn": first["RuleArn"], "RuleStatus": "DISABLED"}, {"RuleArn": low_arn, "RuleStatus": "DISABLED"}]}),
    );
    run_ok(
        &mut w,
        &member,
        "BatchImportFindings",
        json!({"Findings": [asff(&member, "f-3")]}),
    );
    assert_eq!(
        finding_of(&mut w, &security, "f-3")["Severity"]["Label"],
        "HIGH"
    );
    // members may not write rules
    let refused = run(
        &mut w,
        &root_caller(&member),
        "CreateAutomationRule",
        rule(3, false, "LOW", "x"),
    );
    assert_eq!(error_of(refused).0, "AccessDeniedException");
    let got = run_ok(
        &mut w,
        &security,
        "BatchGetAutomationRules",
        json!({"AutomationRulesArns": [low_arn, "arn:aws:securityhub:us-east-1:1:automation-rule/nope"]}),
    );
    assert_eq!(got["Rules"][0]["RuleStatus"], "DISABLED");
    assert_eq!(got["Rules"][0]["Criteria"]["Title"][0]["Value"], "Finding");
    assert_eq!(got["UnprocessedAutomationRules"][0]["ErrorCode"], 404);
    let deleted = run_ok(
        &mut w,
        &security,
        "BatchDeleteAutomationRules",
        json!({"AutomationRulesArns": [low_arn]}),
    );
    assert_eq!(
        deleted["ProcessedAutomationRules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let listed = run_ok(&mut w, &security, "ListAutomationRules", json!({}));
    assert_eq!(
        listed["AutomationRulesMetadata"].as_array().unwrap().len(),
        2
    );
    // bad input: order out of range, an invalid enum in AWS's words
    let bad = run(
        &mut w,
        &root_caller(&security),
        "CreateAutomationRule",
        rule(0, false, "LOW", "x"),
    );
    assert_eq!(error_of(bad).0, "InvalidInputException");
    let mut bad_status = rule(3, false, "LOW", "x");
    bad_status["RuleStatus"] = json!("PAUSED");
    let (code, message) = error_of(run(
        &mut w,
        &root_caller(&security),
        "CreateAutomationRule",
        bad_status,
    ));
    assert_eq!(code, "InvalidInputException");
    assert!(
        message.contains("invalid value 'PAUSED'") && !message.contains("variant"),
        "{message}"
    );
}

/// security administers an organization of `n` more accounts with a finding
/// aggregator and central configuration on.
fn central_org(w: &mut crate::world::World, n: usize) -> (String, Vec<String>) {
    let (security, others) = org_with_admin(w, n + 1);
    run_ok(
        w,
        &security,
        "CreateFindingAggregator",
        json!({"RegionLinkingMode": "ALL_REGIONS"}),
    );
    run_ok(
        w,
        &security,
        "UpdateOrganizationConfiguration",
        json!({"AutoEnable": false, "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}),
    );
    (security, others)
}

fn root_id(w: &mut crate::world::World) -> String {
    let roots = org_call(w, MANAGEMENT, "ListRoots", json!({}));
    roots["Roots"][0]["Id"].as_str().unwrap().to_string()
}

#[test]
fn configuration_policies_apply_down_the_ou_tree() {
    let mut w = world();
    let (security, accounts) = central_org(&mut w, 2);
    let root = root_id(&mut w);
    let ou = org_call(
        &mut w,
        MANAGEMENT,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "Sandbox"}),
    )["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    org_call(
        &mut w,
        MANAGEMENT,
        "MoveAccount",
        json!({"AccountId": accounts[1], "SourceParentId": root, "DestinationParentId": ou}),
    );
    let policy = run_ok(
        &mut w,
        &security,
        "CreateConfigurationPolicy",
        json!({"Name": "baseline", "Description": "FSBP without IAM.1", "ConfigurationPolicy": {"SecurityHub": {
            "ServiceEnabled": true,
            "EnabledStandardIdentifiers": [FSBP],
            "SecurityControlsConfiguration": {
                "DisabledSecurityControlIdentifiers": ["IAM.1"],
                "SecurityControlCustomParameters": [{"SecurityControlId": "ACM.1", "Parameters": {"daysToExpiration": {"ValueType": "CUSTOM", "Value": {"Integer": 20}}}}],
            },
        }}}),
    );
    let policy_id = policy["Id"].as_str().unwrap().to_string();
    assert!(policy["Arn"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":configuration-policy/{policy_id}")));
    let duplicate = run(
        &mut w,
        &root_caller(&security),
        "CreateConfigurationPolicy",
        json!({"Name": "baseline", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": false}}}),
    );
    assert_eq!(error_of(duplicate).0, "ResourceConflictException");
    let started = run_ok(
        &mut w,
        &security,
        "StartConfigurationPolicyAssociation",
        json!({"ConfigurationPolicyIdentifier": policy_id, "Target": {"RootId": root}}),
    );
    assert_eq!(started["AssociationType"], "APPLIED");
    assert_eq!(started["AssociationStatus"], "PENDING");
    // every account gets the policy: Security Hub on, FSBP only, IAM.1 off
    for account in &accounts {
        let hub = w
            .securityhub
            .hub("us-east-1", account)
            .expect("enabled by policy");
        assert_eq!(
            hub.standards.keys().cloned().collect::<Vec<_>>(),
            vec![FSBP.to_string()]
        );
        assert!(hub.standards[FSBP].disabled_controls.contains_key("IAM.1"));
        assert_eq!(
            w.securityhub.administrator_of("us-east-1", account),
            Some(security.as_str())
        );
    }
    let got = run_ok(
        &mut w,
        &security,
        "GetConfigurationPolicyAssociation",
        json!({"Target": {"AccountId": accounts[1]}}),
    );
    assert_eq!(got["ConfigurationPolicyId"], policy_id);
    assert_eq!(got["AssociationType"], "INHERITED");
    assert_eq!(got["AssociationStatus"], "SUCCESS");
    let controls = run_ok(
        &mut w,
        &accounts[0],
        "BatchGetSecurityControls",
        json!({"SecurityControlIds": ["IAM.1", "ACM.1"]}),
    );
    assert_eq!(
        controls["SecurityControls"][0]["SecurityControlStatus"],
        "DISABLED"
    );
    assert_eq!(
        controls["SecurityControls"][1]["Parameters"]["daysToExpiration"]["Value"]["Integer"],
        20
    );
    // the OU goes self-managed; then a policy disabling Security Hub for one account
    run_ok(
        &mut w,
        &security,
        "StartConfigurationPolicyAssociation",
        json!({"ConfigurationPolicyIdentifier": "SELF_MANAGED_SECURITY_HUB", "Target": {"OrganizationalUnitId": ou}}),
    );
    let got = run_ok(
        &mut w,
        &security,
        "GetConfigurationPolicyAssociation",
        json!({"Target": {"AccountId": accounts[1]}}),
    );
    assert_eq!(got["ConfigurationPolicyId"], "SELF_MANAGED_SECURITY_HUB");
    assert_eq!(got["AssociationType"], "INHERITED");
    let off = run_ok(
        &mut w,
        &security,
        "CreateConfigurationPolicy",
        json!({"Name": "off", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": false}}}),
    );
    run_ok(
        &mut w,
        &security,
        "StartConfigurationPolicyAssociation",
        json!({"ConfigurationPolicyIdentifier": off["Arn"], "Target": {"AccountId": accounts[0]}}),
    );
    assert!(w.securityhub.hub("us-east-1", &accounts[0]).is_none());
    let applied = run_ok(
        &mut w,
        &security,
        "ListConfigurationPolicyAssociations",
        json!({"Filters": {"AssociationType": "APPLIED"}}),
    );
    let targets: Vec<&str> = applied["ConfigurationPolicyAssociationSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["TargetId"].as_str().unwrap())
        .collect();
    assert_eq!(targets.len(), 3, "{targets:?}");
    let in_use = run(
        &mut w,
        &root_caller(&security),
        "DeleteConfigurationPolicy",
        json!({"Identifier": policy_id}),
    );
    assert_eq!(error_of(in_use).0, "ResourceConflictException");
    run_ok(
        &mut w,
        &security,
        "StartConfigurationPolicyDisassociation",
        json!({"ConfigurationPolicyIdentifier": policy_id, "Target": {"RootId": root}}),
    );
    run_ok(
        &mut w,
        &security,
        "DeleteConfigurationPolicy",
        json!({"Identifier": policy_id}),
    );
    let listed = run_ok(&mut w, &security, "ListConfigurationPolicies", json!({}));
    assert_eq!(
        listed["ConfigurationPolicySummaries"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        listed["ConfigurationPolicySummaries"][0]["ServiceEnabled"],
        false
    );
    // an account that joins the organization gets the root's policy at once
    let on = run_ok(
        &mut w,
        &security,
        "CreateConfigurationPolicy",
        json!({"Name": "cis", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": true, "EnabledStandardIdentifiers": [CIS14], "SecurityControlsConfiguration": {"EnabledSecurityControlIdentifiers": ["IAM.4"]}}}}),
    );
    run_ok(
        &mut w,
        &security,
        "StartConfigurationPolicyAssociation",
        json!({"ConfigurationPolicyIdentifier": on["Id"], "Target": {"RootId": root}}),
    );
    let joined = create_org_account(&mut w, 40);
    let hub = w
        .securityhub
        .hub("us-east-1", &joined)
        .expect("policy enables it");
    let cis = &hub.standards[CIS14];
    assert!(
        !cis.disabled_controls.contains_key("1.4"),
        "IAM.4 is 1.4 in CIS 1.4.0"
    );
    assert!(cis.disabled_controls.contains_key("1.10"));
}

#[test]
fn central_configuration_needs_its_prerequisites() {
    let mut w = world();
    let (security, _) = org_with_admin(&mut w, 1);
    let policy =
        json!({"Name": "p", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": false}}});
    let (code, _) = error_of(run(
        &mut w,
        &root_caller(&security),
        "CreateConfigurationPolicy",
        policy.clone(),
    ));
    assert_eq!(code, "AccessDeniedException", "LOCAL configuration");
    run_ok(
        &mut w,
        &security,
        "CreateFindingAggregator",
        json!({"RegionLinkingMode": "ALL_REGIONS"}),
    );
    run_ok(
        &mut w,
        &security,
        "UpdateOrganizationConfiguration",
        json!({"AutoEnable": false, "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}),
    );
    run_ok(&mut w, &security, "CreateConfigurationPolicy", policy);
    let both = json!({"Name": "q", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": true, "EnabledStandardIdentifiers": [], "SecurityControlsConfiguration": {"EnabledSecurityControlIdentifiers": [], "DisabledSecurityControlIdentifiers": []}}}});
    assert_eq!(
        error_of(run(
            &mut w,
            &root_caller(&security),
            "CreateConfigurationPolicy",
            both
        ))
        .0,
        "InvalidInputException"
    );
    let unknown = json!({"Name": "r", "ConfigurationPolicy": {"SecurityHub": {"ServiceEnabled": true, "EnabledStandardIdentifiers": [], "SecurityControlsConfiguration": {"DisabledSecurityControlIdentifiers": ["Nope.1"]}}}});
    assert_eq!(
        error_of(run(
            &mut w,
            &root_caller(&security),
            "CreateConfigurationPolicy",
            unknown
        ))
        .0,
        "InvalidInputException"
    );
    let bad_target = run(
        &mut w,
        &root_caller(&security),
        "GetConfigurationPolicyAssociation",
        json!({"Target": {"AccountId": "999999999999"}}),
    );
    assert_eq!(error_of(bad_target).0, "ResourceNotFoundException");
}

#[test]
fn tags_action_targets_and_control_associations() {
    let mut w = world();
    let (security, _) = org_with_admin(&mut w, 1);
    let hub_arn = format!("arn:aws:securityhub:us-east-1:{security}:hub/default");
    run_ok(
        &mut w,
        &security,
        "TagResource",
        json!({"ResourceArn": hub_arn, "Tags": {"team": "sec"}}),
    );
    let rule_arn = run_ok(
        &mut w,
        &security,
        "CreateAutomationRule",
        rule(1, false, "LOW", "x"),
    )["RuleArn"]
        .clone();
    run_ok(
        &mut w,
        &security,
        "TagResource",
        json!({"ResourceArn": rule_arn, "Tags": {"a": "1", "b": "2"}}),
    );
    run_ok(
        &mut w,
        &security,
        "UntagResource",
        json!({"ResourceArn": rule_arn, "TagKeys": ["a"]}),
    );
    let tags = run_ok(
        &mut w,
        &security,
        "ListTagsForResource",
        json!({"ResourceArn": rule_arn}),
    );
    assert_eq!(tags["Tags"], json!({"b": "2"}));
    let tags = run_ok(
        &mut w,
        &security,
        "ListTagsForResource",
        json!({"ResourceArn": hub_arn}),
    );
    assert_eq!(tags["Tags"], json!({"team": "sec"}));
    let missing = run(
        &mut w,
        &root_caller(&security),
        "ListTagsForResource",
        json!({"ResourceArn": format!("arn:aws:securityhub:us-east-1:{security}:automation-rule/none")}),
    );
    assert_eq!(error_of(missing).0, "ResourceNotFoundException");
    let reserved = run(
        &mut w,
        &root_caller(&security),
        "TagResource",
        json!({"ResourceArn": hub_arn, "Tags": {"aws:x": "1"}}),
    );
    assert_eq!(error_of(reserved).0, "InvalidInputException");

    let created = run_ok(
        &mut w,
        &security,
        "CreateActionTarget",
        json!({"Name": "Send to SOC", "Description": "ticket", "Id": "soc1"}),
    );
    let arn = created["ActionTargetArn"].as_str().unwrap().to_string();
    assert_eq!(
        arn,
        format!("arn:aws:securityhub:us-east-1:{security}:action/custom/soc1")
    );
    let again = run(
        &mut w,
        &root_caller(&security),
        "CreateActionTarget",
        json!({"Name": "x", "Description": "y", "Id": "soc1"}),
    );
    assert_eq!(error_of(again).0, "ResourceConflictException");
    run_ok(
        &mut w,
        &security,
        "UpdateActionTarget",
        json!({"ActionTargetArn": arn, "Name": "SOC"}),
    );
    let described = run_ok(&mut w, &security, "DescribeActionTargets", json!({}));
    assert_eq!(described["ActionTargets"][0]["Name"], "SOC");
    run_ok(
        &mut w,
        &security,
        "DeleteActionTarget",
        json!({"ActionTargetArn": arn}),
    );
    let gone = run(
        &mut w,
        &root_caller(&security),
        "DescribeActionTargets",
        json!({"ActionTargetArns": [arn]}),
    );
    assert_eq!(error_of(gone).0, "ResourceNotFoundException");

    // one control, three standards' views of it
    let listed = run_ok(
        &mut w,
        &security,
        "ListStandardsControlAssociations",
        json!({"SecurityControlId": "CloudTrail.2"}),
    );
    let summaries = listed["StandardsControlAssociationSummaries"]
        .as_array()
        .unwrap();
    let statuses: Vec<(&str, &str)> = summaries
        .iter()
        .map(|s| {
            (
                s["StandardsArn"].as_str().unwrap(),
                s["AssociationStatus"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(statuses.contains(&(
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
        "ENABLED"
    )));
    assert!(statuses.contains(&(CIS14, "DISABLED")), "{statuses:?}");
    let cis12 = "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0";
    let updated = run_ok(
        &mut w,
        &security,
        "BatchUpdateStandardsControlAssociations",
        json!({"StandardsControlAssociationUpdates": [
            {"StandardsArn": cis12, "SecurityControlId": "CloudTrail.2", "AssociationStatus": "DISABLED", "UpdatedReason": "covered"},
            {"StandardsArn": CIS14, "SecurityControlId": "CloudTrail.2", "AssociationStatus": "DISABLED", "UpdatedReason": "x"},
        ]}),
    );
    assert_eq!(
        updated["UnprocessedAssociationUpdates"]
            .as_array()
            .unwrap()
            .len(),
        1,
        "CIS 1.4 is not enabled"
    );
    let got = run_ok(
        &mut w,
        &security,
        "BatchGetStandardsControlAssociations",
        json!({"StandardsControlAssociationIds": [{"StandardsArn": cis12, "SecurityControlId": "CloudTrail.2"}]}),
    );
    let detail = &got["StandardsControlAssociationDetails"][0];
    assert_eq!(detail["AssociationStatus"], "DISABLED");
    assert_eq!(detail["UpdatedReason"], "covered");
    assert_eq!(
        detail["StandardsControlArns"][0],
        format!("arn:aws:securityhub:us-east-1:{security}:control/cis-aws-foundations-benchmark/v/1.2.0/2.7")
    );
    let definition = run_ok(
        &mut w,
        &security,
        "GetSecurityControlDefinition",
        json!({"SecurityControlId": "ACM.1"}),
    );
    assert_eq!(
        definition["SecurityControlDefinition"]["CustomizableProperties"],
        json!(["Parameters"])
    );
    run_ok(
        &mut w,
        &security,
        "UpdateSecurityControl",
        json!({"SecurityControlId": "ACM.1", "Parameters": {"daysToExpiration": {"ValueType": "CUSTOM", "Value": {"Integer": 45}}}, "LastUpdateReason": "policy"}),
    );
    let out_of_range = run(
        &mut w,
        &root_caller(&security),
        "UpdateSecurityControl",
        json!({"SecurityControlId": "ACM.1", "Parameters": {"daysToExpiration": {"ValueType": "CUSTOM", "Value": {"Integer": 4000}}}}),
    );
    assert_eq!(error_of(out_of_range).0, "InvalidInputException");
    let controls = run_ok(
        &mut w,
        &security,
        "BatchGetSecurityControls",
        json!({"SecurityControlIds": ["ACM.1", "Nope.9"]}),
    );
    assert_eq!(
        controls["SecurityControls"][0]["Parameters"]["daysToExpiration"]["Value"]["Integer"],
        45
    );
    assert_eq!(controls["UnprocessedIds"][0]["ErrorCode"], "NOT_FOUND");
}

#[test]
fn update_findings_sets_note_and_record_state() {
    let mut w = world();
    run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [asff(ACCT, "u-1"), asff(ACCT, "u-2")]}),
    );
    run_ok(
        &mut w,
        ACCT,
        "UpdateFindings",
        json!({"Filters": {"Id": [{"Value": "u-1", "Comparison": "EQUALS"}]}, "Note": {"Text": "seen", "UpdatedBy": "me"}, "RecordState": "ARCHIVED"}),
    );
    let f = finding_of(&mut w, ACCT, "u-1");
    assert_eq!(f["RecordState"], "ARCHIVED");
    assert_eq!(f["Note"]["Text"], "seen");
    assert_eq!(finding_of(&mut w, ACCT, "u-2")["RecordState"], "ACTIVE");
}

#[test]
fn every_standard_aws_lists_with_its_control_ids() {
    let mut w = world();
    run_ok(
        &mut w,
        ACCT,
        "EnableSecurityHub",
        json!({"EnableDefaultStandards": false}),
    );
    let listed = run_ok(&mut w, ACCT, "DescribeStandards", json!({}));
    let names: Vec<&str> = listed["Standards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Name"].as_str().unwrap())
        .collect();
    for wanted in [
        "PCI DSS v3.2.1",
        "PCI DSS v4.0.1",
        "NIST Special Publication 800-53 Revision 5",
        "NIST SP 800-171 Revision 2",
        "CIS AWS Foundations Benchmark v3.0.0",
        "AWS Resource Tagging Standard",
        "Service-Managed Standard: AWS Control Tower",
    ] {
        assert!(names.contains(&wanted), "{wanted} in {names:?}");
    }
    let ids = |path: &str| -> Vec<String> {
        super::controls_catalog::STANDARDS
            .iter()
            .find(|s| s.path == path)
            .unwrap()
            .controls()
            .map(|(id, _)| id)
            .collect()
    };
    let cis14 = ids(super::controls_catalog::CIS_1_4);
    for id in ["1.7", "4.4", "4.8", "4.14"] {
        assert!(cis14.contains(&id.to_string()), "CIS 1.4.0 {id}");
    }
    let cis12 = ids(super::controls_catalog::CIS_1_2);
    for n in 3..=14 {
        assert!(cis12.contains(&format!("CIS.3.{n}")), "CIS 1.2.0 3.{n}");
    }
    assert!(ids(super::controls_catalog::PCI_3_2_1).contains(&"PCI.IAM.1".to_string()));
}

#[test]
fn organization_accounts_receive_no_invitation() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    run_ok(
        &mut w,
        MANAGEMENT,
        "EnableOrganizationAdminAccount",
        json!({"AdminAccountId": accounts[2]}),
    );
    // a member account (not the delegated administrator) invites a fellow member
    run_ok(&mut w, &accounts[0], "EnableSecurityHub", json!({}));
    run_ok(&mut w, &accounts[1], "EnableSecurityHub", json!({}));
    run_ok(
        &mut w,
        &accounts[0],
        "CreateMembers",
        json!({"AccountDetails": [{"AccountId": accounts[1], "Email": "b@example.com"}]}),
    );
    let out = run_ok(
        &mut w,
        &accounts[0],
        "InviteMembers",
        json!({"AccountIds": [accounts[1]]}),
    );
    assert_eq!(out["UnprocessedAccounts"][0]["AccountId"], accounts[1]);
    let count = run_ok(&mut w, &accounts[1], "GetInvitationsCount", json!({}));
    assert_eq!(count["InvitationsCount"], 0);
}

#[test]
fn v2_hub_aggregator_rules_connectors_and_ocsf_findings() {
    let mut w = world();
    run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
    let denied = run(&mut w, &root_caller(ACCT), "GetFindingsV2", json!({}));
    assert_eq!(error_of(denied).0, "AccessDeniedException");
    let hub = run_ok(
        &mut w,
        ACCT,
        "EnableSecurityHubV2",
        json!({"Tags": {"k": "v"}}),
    );
    let hub_arn = hub["HubV2Arn"].as_str().unwrap().to_string();
    assert_eq!(
        run_ok(&mut w, ACCT, "DescribeSecurityHubV2", json!({}))["HubV2Arn"],
        hub_arn
    );
    assert_eq!(
        run_ok(
            &mut w,
            ACCT,
            "ListTagsForResource",
            json!({"ResourceArn": hub_arn})
        )["Tags"],
        json!({"k": "v"})
    );
    let agg = run_ok(
        &mut w,
        ACCT,
        "CreateAggregatorV2",
        json!({"RegionLinkingMode": "SPECIFIED_REGIONS", "LinkedRegions": ["eu-west-1"]}),
    );
    assert_eq!(agg["AggregationRegion"], "us-east-1");
    let listed = run_ok(&mut w, ACCT, "ListAggregatorsV2", json!({}));
    assert_eq!(
        listed["AggregatorsV2"][0]["AggregatorV2Arn"],
        agg["AggregatorV2Arn"]
    );
    let again = run(
        &mut w,
        &root_caller(ACCT),
        "CreateAggregatorV2",
        json!({"RegionLinkingMode": "ALL_REGIONS"}),
    );
    assert_eq!(error_of(again).0, "ConflictException");
    run_ok(
        &mut w,
        ACCT,
        "DeleteAggregatorV2",
        json!({"AggregatorV2Arn": agg["AggregatorV2Arn"]}),
    );
    // OCSF views of the ASFF findings, filtered, grouped and updated
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [asff(ACCT, "o-1"), asff(ACCT, "o-2")]}),
    );
    let got = run_ok(
        &mut w,
        ACCT,
        "GetFindingsV2",
        json!({"Filters": {"CompositeFilters": [{"StringFilters": [{"FieldName": "finding_info.uid", "Filter": {"Value": "o-1", "Comparison": "EQUALS"}}]}]}}),
    );
    assert_eq!(got["Findings"].as_array().unwrap().len(), 1);
    assert_eq!(got["Findings"][0]["severity"], "High");
    let stats = run_ok(
        &mut w,
        ACCT,
        "GetFindingStatisticsV2",
        json!({"GroupByRules": [{"GroupByField": "severity"}]}),
    );
    assert_eq!(
        stats["GroupByResults"][0]["GroupByValues"][0],
        json!({"FieldValue": "High", "Count": 2})
    );
    let updated = run_ok(
        &mut w,
        ACCT,
        "BatchUpdateFindingsV2",
        json!({"MetadataUids": ["o-2", "nope"], "StatusId": 4, "Comment": "done"}),
    );
    assert_eq!(updated["ProcessedFindings"].as_array().unwrap().len(), 1);
    assert_eq!(
        updated["UnprocessedFindings"][0]["ErrorCode"],
        "ResourceNotFoundException"
    );
    assert_eq!(
        finding_of(&mut w, ACCT, "o-2")["Workflow"]["Status"],
        "RESOLVED"
    );
    // a Jira connector: pending until registered, then tickets
    let jira = run_ok(
        &mut w,
        ACCT,
        "CreateConnectorV2",
        json!({"Name": "jira", "Provider": {"JiraCloud": {"ProjectKey": "SEC"}}}),
    );
    assert_eq!(jira["ConnectorStatus"], "PENDING_AUTHORIZATION");
    let id = jira["ConnectorId"].as_str().unwrap().to_string();
    let early = run(
        &mut w,
        &root_caller(ACCT),
        "CreateTicketV2",
        json!({"ConnectorId": id, "FindingMetadataUid": "o-1"}),
    );
    assert_eq!(error_of(early).0, "ConflictException");
    run_ok(
        &mut w,
        ACCT,
        "RegisterConnectorV2",
        json!({"AuthCode": "code", "AuthState": id}),
    );
    let ticket = run_ok(
        &mut w,
        ACCT,
        "CreateTicketV2",
        json!({"ConnectorId": id, "FindingMetadataUid": "o-1"}),
    );
    assert_eq!(ticket["TicketId"], "SEC-1");
    let connectors = run_ok(
        &mut w,
        ACCT,
        "ListConnectorsV2",
        json!({"ConnectorStatus": "CONNECTED"}),
    );
    assert_eq!(connectors["Connectors"].as_array().unwrap().len(), 1);
    assert_eq!(
        run_ok(&mut w, ACCT, "GetConnectorV2", json!({"ConnectorId": id}))["Health"]
            ["ConnectorStatus"],
        "CONNECTED"
    );
    // a V2 rule that uses the connector keeps it from being deleted
    let rule = run_ok(
        &mut w,
        ACCT,
        "CreateAutomationRuleV2",
        json!({"RuleName": "tickets", "Description": "open", "RuleOrder": 1.0, "Criteria": {"OcsfFindingCriteria": {}}, "Actions": [{"Type": "EXTERNAL_INTEGRATION", "ExternalIntegrationConfiguration": {"ConnectorArn": jira["ConnectorArn"]}}]}),
    );
    let in_use = run(
        &mut w,
        &root_caller(ACCT),
        "DeleteConnectorV2",
        json!({"ConnectorId": id}),
    );
    assert_eq!(error_of(in_use).0, "ConflictException");
    run_ok(
        &mut w,
        ACCT,
        "UpdateAutomationRuleV2",
        json!({"Identifier": rule["RuleId"], "RuleStatus": "DISABLED"}),
    );
    assert_eq!(
        run_ok(
            &mut w,
            ACCT,
            "GetAutomationRuleV2",
            json!({"Identifier": rule["RuleArn"]})
        )["RuleStatus"],
        "DISABLED"
    );
    assert_eq!(
        run_ok(&mut w, ACCT, "ListAutomationRulesV2", json!({}))["Rules"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    run_ok(
        &mut w,
        ACCT,
        "DeleteAutomationRuleV2",
        json!({"Identifier": rule["RuleId"]}),
    );
    run_ok(
        &mut w,
        ACCT,
        "DeleteConnectorV2",
        json!({"ConnectorId": id}),
    );
    assert!(
        !run_ok(&mut w, ACCT, "DescribeProductsV2", json!({}))["ProductsV2"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    run_ok(&mut w, ACCT, "DisableSecurityHubV2", json!({}));
    let gone = run(
        &mut w,
        &root_caller(ACCT),
        "DescribeSecurityHubV2",
        json!({}),
    );
    assert_eq!(error_of(gone).0, "ResourceNotFoundException");
}
