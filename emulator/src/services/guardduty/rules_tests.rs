//! Tests of investigations and custom detection rules.

use serde_json::{json, Value};

use super::test_support::*;
use crate::world::World;

const STANDALONE: &str = "222222222222";

fn error(world: &mut World, account: &str, op: &str, input: Value) -> (String, String) {
    error_of(run(world, &root_caller(account), op, input))
}

fn enable_analyst(world: &mut World, account: &str, detector: &str) {
    run_ok(
        world,
        account,
        "UpdateDetector",
        json!({"DetectorId": detector, "features": [{"name": "AI_ANALYST", "status": "ENABLED"}]}),
    );
}

fn finding_ids(world: &mut World, account: &str, detector: &str) -> Vec<String> {
    run_ok(
        world,
        account,
        "ListFindings",
        json!({"DetectorId": detector}),
    )["findingIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_investigation_needs_ai_analyst_and_analyzes_the_named_finding() {
    let mut w = world();
    let detector = create_detector(&mut w, STANDALONE);
    let prompt = json!({"DetectorId": detector, "triggerPrompt": "Analyze findings in my account"});
    let (code, message) = error(&mut w, STANDALONE, "CreateInvestigation", prompt.clone());
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("AI_ANALYST"), "{message}");
    enable_analyst(&mut w, STANDALONE, &detector);
    run_ok(
        &mut w,
        STANDALONE,
        "CreateSampleFindings",
        json!({"DetectorId": detector, "findingTypes": ["UnauthorizedAccess:EC2/TorRelay"]}),
    );
    let finding = finding_ids(&mut w, STANDALONE, &detector).remove(0);
    let id = run_ok(
        &mut w,
        STANDALONE,
        "CreateInvestigation",
        json!({"DetectorId": detector, "triggerPrompt": format!("Investigate finding {finding} in account {STANDALONE}"), "clientToken": "t1"}),
    )["investigationId"]
        .as_str()
        .unwrap()
        .to_string();
    // The same client token answers the same investigation.
    let again = run_ok(
        &mut w,
        STANDALONE,
        "CreateInvestigation",
        json!({"DetectorId": detector, "triggerPrompt": "anything", "clientToken": "t1"}),
    );
    assert_eq!(again["investigationId"], id.as_str());
    let got = run_ok(
        &mut w,
        STANDALONE,
        "GetInvestigation",
        json!({"DetectorId": detector, "InvestigationId": id}),
    )["investigation"]
        .clone();
    assert_eq!(got["status"], "COMPLETED");
    assert_eq!(got["scope"]["investigationType"], "FINDING");
    assert_eq!(got["scope"]["findingId"], finding.as_str());
    assert_eq!(
        got["confidence"], "Low",
        "a sample finding is no real activity"
    );
    assert!(got["summary"]
        .as_str()
        .unwrap()
        .contains("UnauthorizedAccess:EC2/TorRelay"));
    let structured = run_ok(
        &mut w,
        STANDALONE,
        "GetInvestigation",
        json!({"DetectorId": detector, "InvestigationId": id, "summaryFormat": "STRUCTURED"}),
    )["investigation"]
        .clone();
    assert_eq!(
        structured["summaryData"]["findingType"],
        "UnauthorizedAccess:EC2/TorRelay"
    );
    assert!(structured.get("summary").is_none());

    let records = run_ok(
        &mut w,
        STANDALONE,
        "ListInvestigationRecords",
        json!({"DetectorId": detector, "investigationId": id, "recordTypes": ["FETCH"]}),
    );
    let fetches: Vec<&str> = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["supportingData"]["fetch"]["fetchType"].as_str().unwrap())
        .collect();
    assert_eq!(fetches, ["DETECTOR", "FINDINGS"]);
    let listed = run_ok(
        &mut w,
        STANDALONE,
        "ListInvestigations",
        json!({"DetectorId": detector, "filterCriteria": {"criterion": {"INVESTIGATION_TYPE": {"equals": ["FINDING"]}}}}),
    );
    assert_eq!(listed["investigations"].as_array().unwrap().len(), 1);
    assert_eq!(listed["investigations"][0]["findingId"], finding.as_str());
    let (code, _) = error(
        &mut w,
        STANDALONE,
        "GetInvestigation",
        json!({"DetectorId": detector, "InvestigationId": "0123abcd"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn an_unknown_finding_fails_the_investigation_and_members_may_not_start_one() {
    let (mut w, accounts, security, admin_detector) = organization_with_admin(2);
    run_ok(
        &mut w,
        &security,
        "UpdateOrganizationConfiguration",
        json!({"DetectorId": admin_detector, "autoEnableOrganizationMembers": "ALL"}),
    );
    enable_analyst(&mut w, &security, &admin_detector);
    let member = accounts[1].clone();
    let member_detector = detector_id(&w, &member);
    run_ok(
        &mut w,
        &member,
        "CreateSampleFindings",
        json!({"DetectorId": member_detector, "findingTypes": ["Recon:EC2/PortProbeUnprotectedPort"]}),
    );
    let (code, _) = error(
        &mut w,
        &member,
        "CreateInvestigation",
        json!({"DetectorId": member_detector, "triggerPrompt": "Analyze findings in my account"}),
    );
    assert_eq!(code, "AccessDeniedException");
    let failed = run_ok(
        &mut w,
        &security,
        "CreateInvestigation",
        json!({"DetectorId": admin_detector, "triggerPrompt": "Investigate finding 0123456789abcdef0123456789abcdef"}),
    )["investigationId"]
        .clone();
    let got = run_ok(
        &mut w,
        &security,
        "GetInvestigation",
        json!({"DetectorId": admin_detector, "InvestigationId": failed}),
    );
    assert_eq!(got["investigation"]["status"], "FAILED");
    let org = run_ok(
        &mut w,
        &security,
        "CreateInvestigation",
        json!({"DetectorId": admin_detector, "triggerPrompt": "Analyze findings in my organization"}),
    )["investigationId"]
        .clone();
    let got = run_ok(
        &mut w,
        &security,
        "GetInvestigation",
        json!({"DetectorId": admin_detector, "InvestigationId": org, "summaryFormat": "STRUCTURED"}),
    )["investigation"]
        .clone();
    let summary = &got["summaryData"]["organizationAnalysis"]["findingsSummary"];
    assert_eq!(summary["totalFindings"], 1);
    assert_eq!(summary["affectedAccountCount"], 1);
    assert_eq!(
        got["summaryData"]["organizationAnalysis"]["accountBreakdown"][0]["accountId"],
        member.as_str()
    );
    let account = run_ok(
        &mut w,
        &security,
        "CreateInvestigation",
        json!({"DetectorId": admin_detector, "triggerPrompt": format!("Analyze findings in account with id {member}")}),
    )["investigationId"]
        .clone();
    // The member reads the investigation about itself, not the organization's.
    let mine = run_ok(
        &mut w,
        &member,
        "ListInvestigations",
        json!({"DetectorId": member_detector}),
    );
    let ids: Vec<&Value> = mine["investigations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| &i["investigationId"])
        .collect();
    assert_eq!(ids, [&account]);
}

#[test]
fn rule_associations_follow_their_mode_and_expire_as_dry_runs() {
    let mut w = world();
    let (code, _) = error(
        &mut w,
        STANDALONE,
        "CreateCustomDetectionRuleAssociation",
        json!({"ruleId": "cloudtrail-logging-stopped", "mode": "LIVE"}),
    );
    assert_eq!(code, "BadRequestException", "no detector yet");
    create_detector(&mut w, STANDALONE);
    let rules = run_ok(
        &mut w,
        STANDALONE,
        "ListCustomDetectionRules",
        json!({"filters": [{"name": "severity", "values": ["CRITICAL"]}]}),
    );
    assert_eq!(rules["rules"][0]["ruleId"], "iam-root-access-key-created");
    let rule = run_ok(
        &mut w,
        STANDALONE,
        "GetCustomDetectionRule",
        json!({"RuleId": "cloudtrail-logging-stopped"}),
    );
    assert!(rule["rule"]["definition"]["expression"]
        .as_str()
        .unwrap()
        .contains("StopLogging"));
    let (code, _) = error(
        &mut w,
        STANDALONE,
        "GetCustomDetectionRule",
        json!({"RuleId": "no-such-rule"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
    let made = run_ok(
        &mut w,
        STANDALONE,
        "CreateCustomDetectionRuleAssociation",
        json!({"ruleId": "cloudtrail-logging-stopped", "mode": "DRY_RUN", "tags": {"team": "sec"}}),
    )["ruleAssociation"]
        .clone();
    assert!(made["expiresAt"].is_number());
    let id = made["associationId"].as_str().unwrap().to_string();
    let (code, _) = error(
        &mut w,
        STANDALONE,
        "CreateCustomDetectionRuleAssociation",
        json!({"ruleId": "cloudtrail-logging-stopped", "mode": "LIVE"}),
    );
    assert_eq!(code, "ConflictException");
    let key = json!({"RuleId": "cloudtrail-logging-stopped", "AssociationId": id});
    let got = run_ok(
        &mut w,
        STANDALONE,
        "GetCustomDetectionRuleAssociation",
        key.clone(),
    );
    assert_eq!(got["tags"]["team"], "sec");
    let mut update = key.clone();
    update["mode"] = json!("LIVE");
    run_ok(
        &mut w,
        STANDALONE,
        "UpdateCustomDetectionRuleAssociation",
        update,
    );
    let got = run_ok(
        &mut w,
        STANDALONE,
        "GetCustomDetectionRuleAssociation",
        key.clone(),
    );
    assert_eq!(got["ruleAssociation"]["mode"], "LIVE");
    assert!(got["ruleAssociation"].get("expiresAt").is_none());
    run_ok(
        &mut w,
        STANDALONE,
        "DeleteCustomDetectionRuleAssociation",
        key.clone(),
    );
    // Deleting again is not an error (AWS: idempotent).
    run_ok(
        &mut w,
        STANDALONE,
        "DeleteCustomDetectionRuleAssociation",
        key.clone(),
    );
    let (code, _) = error(&mut w, STANDALONE, "GetCustomDetectionRuleAssociation", key);
    assert_eq!(code, "ResourceNotFoundException");

    run_ok(
        &mut w,
        STANDALONE,
        "CreateCustomDetectionRuleAssociation",
        json!({"ruleId": "securityhub-disabled", "mode": "DRY_RUN"}),
    );
    let listed = run_ok(
        &mut w,
        STANDALONE,
        "ListCustomDetectionRuleAssociations",
        json!({}),
    );
    assert_eq!(listed["ruleAssociations"].as_array().unwrap().len(), 1);
    w.clock.advance(15 * 24 * 3600 * 1000);
    let listed = run_ok(
        &mut w,
        STANDALONE,
        "ListCustomDetectionRuleAssociations",
        json!({}),
    );
    assert_eq!(listed["ruleAssociations"], json!([]), "the dry run expired");
}

#[test]
fn org_configurations_associate_members_and_only_the_delegated_admin_makes_them() {
    let (mut w, accounts, security, admin_detector) = organization_with_admin(3);
    run_ok(
        &mut w,
        &security,
        "UpdateOrganizationConfiguration",
        json!({"DetectorId": admin_detector, "autoEnableOrganizationMembers": "ALL"}),
    );
    let (included, excluded) = (accounts[1].clone(), accounts[2].clone());
    let create = json!({"ruleId": "organizations-account-left", "mode": "LIVE", "excludeAccountIds": [excluded]});
    let (code, _) = error(
        &mut w,
        &included,
        "CreateCustomDetectionRuleOrgConfiguration",
        create.clone(),
    );
    assert_eq!(code, "AccessDeniedException");
    let (code, _) = error(
        &mut w,
        &security,
        "CreateCustomDetectionRuleOrgConfiguration",
        json!({"ruleId": "organizations-account-left", "mode": "LIVE", "excludeAccountIds": [excluded], "includeAccountIds": [included]}),
    );
    assert_eq!(code, "BadRequestException");
    run_ok(
        &mut w,
        &security,
        "CreateCustomDetectionRuleOrgConfiguration",
        create.clone(),
    );
    let (code, _) = error(
        &mut w,
        &security,
        "CreateCustomDetectionRuleOrgConfiguration",
        create,
    );
    assert_eq!(code, "ConflictException");
    let associations = |w: &mut World, account: &str| {
        run_ok(w, account, "ListCustomDetectionRuleAssociations", json!({}))["ruleAssociations"]
            .as_array()
            .unwrap()
            .clone()
    };
    let mine = associations(&mut w, &included);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["mode"], "LIVE");
    assert!(associations(&mut w, &excluded).is_empty());
    // The member cannot remove what the administrator applied.
    let key =
        json!({"RuleId": "organizations-account-left", "AssociationId": mine[0]["associationId"]});
    let (code, _) = error(
        &mut w,
        &included,
        "DeleteCustomDetectionRuleAssociation",
        key,
    );
    assert_eq!(code, "AccessDeniedException");

    run_ok(
        &mut w,
        &security,
        "UpdateCustomDetectionRuleOrgConfiguration",
        json!({"RuleId": "organizations-account-left", "mode": "LIVE", "includeAccountIds": [excluded]}),
    );
    assert!(associations(&mut w, &included).is_empty());
    assert_eq!(associations(&mut w, &excluded).len(), 1);
    let got = run_ok(
        &mut w,
        &security,
        "GetCustomDetectionRuleOrgConfiguration",
        json!({"RuleId": "organizations-account-left", "mode": "LIVE"}),
    );
    assert_eq!(got["configuration"]["status"], "ACTIVE");
    assert_eq!(got["configuration"]["includeAccountIds"], json!([excluded]));
    let listed = run_ok(
        &mut w,
        &security,
        "ListCustomDetectionRuleOrgConfigurations",
        json!({"status": "ACTIVE"}),
    );
    assert_eq!(listed["configurations"].as_array().unwrap().len(), 1);
    run_ok(
        &mut w,
        &security,
        "DeleteCustomDetectionRuleOrgConfiguration",
        json!({"RuleId": "organizations-account-left", "mode": "LIVE"}),
    );
    assert!(associations(&mut w, &excluded).is_empty());
    let (code, _) = error(
        &mut w,
        &security,
        "GetCustomDetectionRuleOrgConfiguration",
        json!({"RuleId": "organizations-account-left", "mode": "LIVE"}),
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn a_live_rule_turns_matching_calls_into_one_aggregated_finding() {
    let mut w = world();
    let detector = create_detector(&mut w, STANDALONE);
    run_ok(
        &mut w,
        STANDALONE,
        "CreateCustomDetectionRuleAssociation",
        json!({"ruleId": "securityhub-disabled", "mode": "LIVE"}),
    );
    let caller = root_caller(STANDALONE);
    for _ in 0..2 {
        super::rule_catalog::observe(
            &mut w,
            &caller,
            "us-east-1",
            "securityhub",
            "DisableSecurityHub",
        );
    }
    super::rule_catalog::observe(
        &mut w,
        &caller,
        "us-east-1",
        "securityhub",
        "EnableSecurityHub",
    );
    let ids = finding_ids(&mut w, STANDALONE, &detector);
    assert_eq!(ids.len(), 1);
    let found = run_ok(
        &mut w,
        STANDALONE,
        "GetFindings",
        json!({"DetectorId": detector, "findingIds": ids}),
    );
    let f = &found["findings"][0];
    assert_eq!(f["type"], "DefenseEvasion:SecurityHub/ImpairDefenses");
    assert_eq!(f["service"]["count"], 2);
    assert_eq!(f["severity"], 8.0);
}
