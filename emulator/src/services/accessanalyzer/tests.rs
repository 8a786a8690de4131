//! Access Analyzer against a world: analyzers, findings that follow the policies,
//! archive rules, policy validation and checks.

use serde_json::{json, Value};

use super::test_support::*;
use crate::world::World;

const OUTSIDE: &str = "999999999999";

fn trust_text(principal: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}]}).to_string()
}

fn create_role(w: &mut World, account: &str, name: &str, principal: &str) {
    iam(
        w,
        account,
        "CreateRole",
        json!({"RoleName": name, "AssumeRolePolicyDocument": trust_text(principal)}),
    );
}

fn findings(w: &mut World, account: &str, analyzer_arn: &str, filter: Value) -> Vec<Value> {
    run_ok(
        w,
        account,
        "ListFindings",
        json!({"analyzerArn": analyzer_arn, "filter": filter}),
    )["findings"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn account_analyzer_finds_a_role_trusting_an_outside_account_and_resolves_it() {
    let mut w = world();
    org_with_accounts(&mut w, 0);
    create_role(
        &mut w,
        MANAGEMENT,
        "Shared",
        &format!("arn:aws:iam::{OUTSIDE}:root"),
    );
    create_role(&mut w, MANAGEMENT, "Internal", MANAGEMENT);
    let arn = run_ok(
        &mut w,
        MANAGEMENT,
        "CreateAnalyzer",
        json!({"analyzerName": "acct", "type": "ACCOUNT"}),
    )["arn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        arn,
        format!("arn:aws:access-analyzer:us-east-1:{MANAGEMENT}:analyzer/acct")
    );
    let found = findings(&mut w, MANAGEMENT, &arn, json!({}));
    assert_eq!(found.len(), 1, "{found:?}");
    let f = &found[0];
    assert_eq!(
        f["resource"],
        format!("arn:aws:iam::{MANAGEMENT}:role/Shared")
    );
    assert_eq!(f["resourceType"], "AWS::IAM::Role");
    assert_eq!(
        f["principal"]["AWS"],
        format!("arn:aws:iam::{OUTSIDE}:root")
    );
    assert_eq!(f["action"], json!(["sts:AssumeRole"]));
    assert_eq!(f["isPublic"], false);
    assert_eq!(f["status"], "ACTIVE");
    assert_eq!(f["resourceOwnerAccount"], MANAGEMENT);
    // The fix: trust the account itself. No other call.
    iam(
        &mut w,
        MANAGEMENT,
        "UpdateAssumeRolePolicy",
        json!({"RoleName": "Shared", "PolicyDocument": trust_text(MANAGEMENT)}),
    );
    let found = findings(&mut w, MANAGEMENT, &arn, json!({}));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["status"], "RESOLVED");
    assert_eq!(found[0]["id"], f["id"]);
    // Access back: the same finding is active again.
    iam(
        &mut w,
        MANAGEMENT,
        "UpdateAssumeRolePolicy",
        json!({"RoleName": "Shared", "PolicyDocument": trust_text("*")}),
    );
    let found = findings(
        &mut w,
        MANAGEMENT,
        &arn,
        json!({"status": {"eq": ["ACTIVE"]}}),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["isPublic"], true);
}

fn s3(w: &mut World, account: &str, op: &str, input: Value) -> Value {
    w.begin_request();
    crate::services::dispatch(
        w,
        &root_caller(account),
        crate::api::ServiceId::S3,
        op,
        input,
    )
    .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn create_analyzer(w: &mut World, account: &str, name: &str, kind: &str) -> String {
    run_ok(
        w,
        account,
        "CreateAnalyzer",
        json!({"analyzerName": name, "type": kind}),
    )["arn"]
        .as_str()
        .unwrap()
        .to_string()
}

fn error_of(result: Result<Value, crate::api::ApiError>) -> (String, u16, String) {
    let e = result.expect_err("expected an error");
    (e.code, e.status, e.message)
}

#[test]
fn organization_analyzer_needs_trusted_access_and_the_delegated_admin() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    let (security, member, other) = (&accounts[0], &accounts[1], &accounts[2]);
    let (code, status, message) = error_of(run(
        &mut w,
        security,
        "CreateAnalyzer",
        json!({"analyzerName": "org", "type": "ORGANIZATION"}),
    ));
    assert_eq!((code.as_str(), status), ("ValidationException", 400));
    assert_eq!(message, "Service not enabled for AWS Organizations");
    org_call(
        &mut w,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "access-analyzer.amazonaws.com"}),
    );
    let (code, status, _) = error_of(run(
        &mut w,
        security,
        "CreateAnalyzer",
        json!({"analyzerName": "org", "type": "ORGANIZATION"}),
    ));
    assert_eq!((code.as_str(), status), ("AccessDeniedException", 403));
    org_call(
        &mut w,
        MANAGEMENT,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": security, "ServicePrincipal": "access-analyzer.amazonaws.com"}),
    );
    create_role(&mut w, member, "Vendor", OUTSIDE);
    create_role(
        &mut w,
        member,
        "FromSecurity",
        &format!("arn:aws:iam::{security}:root"),
    );
    let arn = create_analyzer(&mut w, security, "org", "ORGANIZATION");
    let found = findings(&mut w, security, &arn, json!({}));
    assert_eq!(
        found.len(),
        1,
        "only the outside account is outside the organization: {found:?}"
    );
    assert_eq!(found[0]["resourceOwnerAccount"], member.as_str());
    assert_eq!(found[0]["principal"]["AWS"], OUTSIDE);
    // An account analyzer of the member sees both roles as external, and the
    // OrganizationAccountAccessRole that trusts the management account.
    let account_arn = create_analyzer(&mut w, member, "mine", "ACCOUNT");
    assert_eq!(findings(&mut w, member, &account_arn, json!({})).len(), 3);
    assert_eq!(
        error_of(run(
            &mut w,
            other,
            "CreateAnalyzer",
            json!({"analyzerName": "org", "type": "ORGANIZATION"})
        ))
        .0,
        "AccessDeniedException"
    );
    // Organizations deregisters the administrator: the analyzer is disabled in that call.
    org_call(
        &mut w,
        MANAGEMENT,
        "DeregisterDelegatedAdministrator",
        json!({"AccountId": security, "ServicePrincipal": "access-analyzer.amazonaws.com"}),
    );
    let analyzer = &w
        .accessanalyzer
        .analyzer("us-east-1", security, "org")
        .unwrap();
    assert_eq!(analyzer.status, "DISABLED");
    assert_eq!(
        analyzer.status_reason.as_deref(),
        Some("DELEGATED_ADMINISTRATOR_DEREGISTERED")
    );
    let got = run_ok(
        &mut w,
        security,
        "GetAnalyzer",
        json!({"analyzerName": "org"}),
    );
    assert_eq!(
        got["analyzer"]["statusReason"]["code"],
        "DELEGATED_ADMINISTRATOR_DEREGISTERED"
    );
}

#[test]
fn an_account_joining_the_organization_resolves_the_finding_in_the_same_call() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 1);
    org_call(
        &mut w,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "access-analyzer.amazonaws.com"}),
    );
    create_role(&mut w, &accounts[0], "Partner", OUTSIDE);
    let arn = create_analyzer(&mut w, MANAGEMENT, "org", "ORGANIZATION");
    let id = findings(&mut w, MANAGEMENT, &arn, json!({}))[0]["id"].clone();
    // The outside account comes in by invitation.
    let hs = org_call(
        &mut w,
        MANAGEMENT,
        "InviteAccountToOrganization",
        json!({"Target": {"Id": OUTSIDE, "Type": "ACCOUNT"}}),
    );
    w.begin_request();
    crate::services::organizations::dispatch(
        &mut w,
        &root_caller(OUTSIDE),
        "AcceptHandshake",
        json!({"HandshakeId": hs["Handshake"]["Id"]}),
    )
    .unwrap();
    let analyzer = w
        .accessanalyzer
        .analyzer("us-east-1", MANAGEMENT, "org")
        .unwrap();
    assert_eq!(analyzer.findings[id.as_str().unwrap()].status, "RESOLVED");
}

#[test]
fn archive_rules_archive_new_findings_and_apply_to_existing_ones() {
    let mut w = world();
    org_with_accounts(&mut w, 0);
    create_role(&mut w, MANAGEMENT, "A", OUTSIDE);
    let arn = run_ok(&mut w, MANAGEMENT, "CreateAnalyzer", json!({
        "analyzerName": "acct", "type": "ACCOUNT",
        "archiveRules": [{"ruleName": "trusted-vendor", "filter": {"principal.AWS": {"eq": ["888888888888"]}}}]
    }))["arn"].as_str().unwrap().to_string();
    create_role(&mut w, MANAGEMENT, "B", "888888888888");
    let archived = findings(
        &mut w,
        MANAGEMENT,
        &arn,
        json!({"status": {"eq": ["ARCHIVED"]}}),
    );
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0]["principal"]["AWS"], "888888888888");
    run_ok(
        &mut w,
        MANAGEMENT,
        "CreateArchiveRule",
        json!({"analyzerName": "acct", "ruleName": "all-roles", "filter": {"resourceType": {"eq": ["AWS::IAM::Role"]}}}),
    );
    assert_eq!(
        findings(
            &mut w,
            MANAGEMENT,
            &arn,
            json!({"status": {"eq": ["ACTIVE"]}})
        )
        .len(),
        1,
        "not applied yet"
    );
    run_ok(
        &mut w,
        MANAGEMENT,
        "ApplyArchiveRule",
        json!({"analyzerArn": arn, "ruleName": "all-roles"}),
    );
    assert!(findings(
        &mut w,
        MANAGEMENT,
        &arn,
        json!({"status": {"eq": ["ACTIVE"]}})
    )
    .is_empty());
    let rules = run_ok(
        &mut w,
        MANAGEMENT,
        "ListArchiveRules",
        json!({"analyzerName": "acct", "maxResults": 1}),
    );
    assert_eq!(rules["archiveRules"].as_array().unwrap().len(), 1);
    let next = rules["nextToken"].as_str().unwrap();
    let rest = run_ok(
        &mut w,
        MANAGEMENT,
        "ListArchiveRules",
        json!({"analyzerName": "acct", "nextToken": next}),
    );
    assert_eq!(rest["archiveRules"][0]["ruleName"], "trusted-vendor");
    // UpdateFindings brings them back; filters: neq, contains, exists; sort and pages.
    let ids: Vec<Value> = findings(&mut w, MANAGEMENT, &arn, json!({}))
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    run_ok(
        &mut w,
        MANAGEMENT,
        "UpdateFindings",
        json!({"analyzerArn": arn, "status": "ACTIVE", "ids": ids}),
    );
    assert_eq!(
        findings(
            &mut w,
            MANAGEMENT,
            &arn,
            json!({"status": {"neq": ["ARCHIVED"]}})
        )
        .len(),
        2
    );
    assert_eq!(
        findings(
            &mut w,
            MANAGEMENT,
            &arn,
            json!({"resource": {"contains": ["role/B"]}})
        )
        .len(),
        1
    );
    assert_eq!(
        findings(
            &mut w,
            MANAGEMENT,
            &arn,
            json!({"condition.aws:SourceIp": {"exists": true}})
        )
        .len(),
        0
    );
    let sorted = run_ok(
        &mut w,
        MANAGEMENT,
        "ListFindingsV2",
        json!({"analyzerArn": arn, "sort": {"attributeName": "resource", "orderBy": "DESC"}, "maxResults": 1}),
    );
    assert_eq!(
        sorted["findings"][0]["resource"],
        format!("arn:aws:iam::{MANAGEMENT}:role/B")
    );
    assert_eq!(sorted["findings"][0]["findingType"], "ExternalAccess");
    let second = run_ok(
        &mut w,
        MANAGEMENT,
        "ListFindingsV2",
        json!({"analyzerArn": arn, "sort": {"attributeName": "resource", "orderBy": "DESC"}, "nextToken": sorted["nextToken"]}),
    );
    assert_eq!(
        second["findings"][0]["resource"],
        format!("arn:aws:iam::{MANAGEMENT}:role/A")
    );
    assert!(second.get("nextToken").is_none());
    let (code, _, _) = error_of(run(
        &mut w,
        MANAGEMENT,
        "ListFindingsV2",
        json!({"analyzerArn": arn, "nextToken": "forged"}),
    ));
    assert_eq!(code, "ValidationException");
}

#[test]
fn bucket_policies_granting_other_accounts_give_findings() {
    let mut w = world();
    org_with_accounts(&mut w, 0);
    s3(
        &mut w,
        MANAGEMENT,
        "CreateBucket",
        json!({"Bucket": "shared-data"}),
    );
    let arn = create_analyzer(&mut w, MANAGEMENT, "acct", "ACCOUNT");
    assert!(findings(&mut w, MANAGEMENT, &arn, json!({})).is_empty());
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": OUTSIDE}, "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": ["arn:aws:s3:::shared-data", "arn:aws:s3:::shared-data/*"]}]});
    s3(
        &mut w,
        MANAGEMENT,
        "PutBucketPolicy",
        json!({"Bucket": "shared-data", "Policy": policy.to_string()}),
    );
    let found = findings(
        &mut w,
        MANAGEMENT,
        &arn,
        json!({"resourceType": {"eq": ["AWS::S3::Bucket"]}}),
    );
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["action"], json!(["s3:GetObject", "s3:ListBucket"]));
    assert_eq!(found[0]["sources"][0]["type"], "POLICY");
    let resource = run_ok(
        &mut w,
        MANAGEMENT,
        "GetAnalyzedResource",
        json!({"analyzerArn": arn, "resourceArn": "arn:aws:s3:::shared-data"}),
    );
    assert_eq!(resource["resource"]["sharedVia"], json!(["POLICY"]));
    assert_eq!(resource["resource"]["status"], "ACTIVE");
    let listed = run_ok(
        &mut w,
        MANAGEMENT,
        "ListAnalyzedResources",
        json!({"analyzerArn": arn, "resourceType": "AWS::S3::Bucket"}),
    );
    assert_eq!(listed["analyzedResources"].as_array().unwrap().len(), 1);
    run_ok(
        &mut w,
        MANAGEMENT,
        "StartResourceScan",
        json!({"analyzerArn": arn, "resourceArn": "arn:aws:s3:::shared-data"}),
    );
    s3(
        &mut w,
        MANAGEMENT,
        "DeleteBucketPolicy",
        json!({"Bucket": "shared-data"}),
    );
    assert_eq!(
        findings(&mut w, MANAGEMENT, &arn, json!({}))[0]["status"],
        "RESOLVED"
    );
    let stats = run_ok(
        &mut w,
        MANAGEMENT,
        "GetFindingsStatistics",
        json!({"analyzerArn": arn}),
    );
    assert_eq!(
        stats["findingsStatistics"][0]["externalAccessFindingsStatistics"]["totalResolvedFindings"],
        1
    );
}

#[test]
fn findings_reach_security_hub_as_access_analyzer_findings() {
    let mut w = world();
    org_with_accounts(&mut w, 0);
    w.begin_request();
    crate::services::securityhub::dispatch(
        &mut w,
        &root_caller(MANAGEMENT),
        "EnableSecurityHub",
        json!({}),
    )
    .unwrap();
    create_role(&mut w, MANAGEMENT, "Shared", OUTSIDE);
    create_analyzer(&mut w, MANAGEMENT, "acct", "ACCOUNT");
    let filters =
        json!({"ProductName": [{"Value": "IAM Access Analyzer", "Comparison": "EQUALS"}]});
    w.begin_request();
    let got = crate::services::securityhub::dispatch(
        &mut w,
        &root_caller(MANAGEMENT),
        "GetFindings",
        json!({"Filters": filters}),
    )
    .unwrap();
    let found = got["Findings"].as_array().unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["ProductArn"],
        "arn:aws:securityhub:us-east-1::product/aws/access-analyzer"
    );
    assert_eq!(found[0]["Resources"][0]["Type"], "AwsIamRole");
    assert_eq!(found[0]["RecordState"], "ACTIVE");
    iam(
        &mut w,
        MANAGEMENT,
        "UpdateAssumeRolePolicy",
        json!({"RoleName": "Shared", "PolicyDocument": trust_text(MANAGEMENT)}),
    );
    w.begin_request();
    let got = crate::services::securityhub::dispatch(&mut w, &root_caller(MANAGEMENT), "GetFindings", json!({"Filters": {"ProductName": [{"Value": "IAM Access Analyzer", "Comparison": "EQUALS"}], "RecordState": [{"Value": "ARCHIVED", "Comparison": "EQUALS"}]}})).unwrap();
    assert_eq!(
        got["Findings"].as_array().unwrap().len(),
        1,
        "resolved: archived in Security Hub"
    );
}

#[test]
fn unused_access_analyzers_report_roles_not_used_within_the_age() {
    let mut w = world();
    org_with_accounts(&mut w, 0);
    create_role(&mut w, MANAGEMENT, "Old", MANAGEMENT);
    let arn = run_ok(&mut w, MANAGEMENT, "CreateAnalyzer", json!({"analyzerName": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "configuration": {"unusedAccess": {"unusedAccessAge": 30}}}))["arn"].as_str().unwrap().to_string();
    let list = |w: &mut World| {
        run_ok(w, MANAGEMENT, "ListFindingsV2", json!({"analyzerArn": arn}))["findings"]
            .as_array()
            .unwrap()
            .clone()
    };
    assert!(list(&mut w).is_empty());
    w.clock.advance(31 * 86_400_000);
    let found = list(&mut w);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["findingType"], "UnusedIAMRole");
    let one = run_ok(
        &mut w,
        MANAGEMENT,
        "GetFindingV2",
        json!({"analyzerArn": arn, "id": found[0]["id"]}),
    );
    assert!(one["findingDetails"][0]
        .get("unusedIamRoleDetails")
        .is_some());
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "ListFindings",
            json!({"analyzerArn": arn})
        ))
        .0,
        "ValidationException"
    );
    let (code, _, _) = error_of(run(
        &mut w,
        MANAGEMENT,
        "CreateAnalyzer",
        json!({"analyzerName": "bad", "type": "ACCOUNT", "configuration": {"unusedAccess": {"unusedAccessAge": 30}}}),
    ));
    assert_eq!(code, "ValidationException");
}

#[test]
fn analyzers_names_tags_and_errors() {
    let mut w = world();
    let arn = create_analyzer(&mut w, MANAGEMENT, "acct", "ACCOUNT");
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "CreateAnalyzer",
            json!({"analyzerName": "acct", "type": "ACCOUNT"})
        ))
        .0,
        "ConflictException"
    );
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "CreateAnalyzer",
            json!({"analyzerName": "9bad", "type": "ACCOUNT"})
        ))
        .0,
        "ValidationException"
    );
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "CreateAnalyzer",
            json!({"analyzerName": "x", "type": "NOPE"})
        ))
        .0,
        "ValidationException"
    );
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "GetAnalyzer",
            json!({"analyzerName": "missing"})
        ))
        .1,
        404
    );
    run_ok(
        &mut w,
        MANAGEMENT,
        "TagResource",
        json!({"resourceArn": arn, "tags": {"team": "sec"}}),
    );
    assert_eq!(
        run_ok(
            &mut w,
            MANAGEMENT,
            "ListTagsForResource",
            json!({"resourceArn": arn})
        )["tags"]["team"],
        "sec"
    );
    run_ok(
        &mut w,
        MANAGEMENT,
        "UntagResource",
        json!({"resourceArn": arn, "tagKeys": ["team"]}),
    );
    assert_eq!(
        run_ok(
            &mut w,
            MANAGEMENT,
            "ListTagsForResource",
            json!({"resourceArn": arn})
        )["tags"],
        json!({})
    );
    assert_eq!(
        run_ok(
            &mut w,
            MANAGEMENT,
            "ListAnalyzers",
            json!({"type": "ACCOUNT"})
        )["analyzers"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert!(w
        .iam
        .roles
        .contains_key(&crate::services::iam::model::entity_key(
            MANAGEMENT,
            "AWSServiceRoleForAccessAnalyzer"
        )));
    run_ok(
        &mut w,
        MANAGEMENT,
        "DeleteAnalyzer",
        json!({"analyzerName": "acct"}),
    );
    assert!(
        run_ok(&mut w, MANAGEMENT, "ListAnalyzers", json!({}))["analyzers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn validate_policy_names_aws_issue_codes_with_locations() {
    let mut w = world();
    let policy = r#"{
  "Statement": [
    {"Sid": "", "Effect": "Allow", "Action": ["s3:GetObject", "s3:Get*", "s3:GetObject"], "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*", "Principal": "*"},
    {"Effect": "Permit", "Action": "nonsense", "Resource": "bucket"}
  ]
}"#;
    let out = run_ok(
        &mut w,
        MANAGEMENT,
        "ValidatePolicy",
        json!({"policyDocument": policy, "policyType": "IDENTITY_POLICY"}),
    );
    let codes: Vec<(String, String)> = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["findingType"].as_str().unwrap().to_string(),
                f["issueCode"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for expected in [
        ("WARNING", "MISSING_VERSION"),
        ("SUGGESTION", "EMPTY_SID_VALUE"),
        ("SUGGESTION", "REDUNDANT_ACTION"),
        ("ERROR", "UNSUPPORTED_PRINCIPAL"),
        ("SECURITY_WARNING", "PASS_ROLE_WITH_STAR_IN_RESOURCE"),
        ("ERROR", "INVALID_EFFECT"),
        ("ERROR", "INVALID_ACTION"),
        ("ERROR", "INVALID_ARN_PREFIX"),
    ] {
        assert!(
            codes.contains(&(expected.0.to_string(), expected.1.to_string())),
            "{expected:?} in {codes:?}"
        );
    }
    let invalid_action = out["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["issueCode"] == "INVALID_ACTION")
        .unwrap();
    let location = &invalid_action["locations"][0];
    assert_eq!(
        location["path"],
        json!([{"value": "Statement"}, {"index": 2}, {"value": "Action"}])
    );
    assert_eq!(location["span"]["start"]["line"], 5);
    let start = location["span"]["start"]["offset"].as_u64().unwrap() as usize;
    let end = location["span"]["end"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(&policy[start..end], "\"nonsense\"");
    assert!(invalid_action["learnMoreLink"]
        .as_str()
        .unwrap()
        .ends_with("#access-analyzer-reference-policy-checks-error-invalid-action"));
    let broken = run_ok(
        &mut w,
        MANAGEMENT,
        "ValidatePolicy",
        json!({"policyDocument": "{\"Statement\": [", "policyType": "IDENTITY_POLICY"}),
    );
    assert_eq!(broken["findings"][0]["issueCode"], "JSON_SYNTAX_ERROR");
    let resource = run_ok(
        &mut w,
        MANAGEMENT,
        "ValidatePolicy",
        json!({"policyDocument": r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"111111111111"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#, "policyType": "RESOURCE_POLICY"}),
    );
    assert_eq!(
        resource["findings"][0]["issueCode"],
        "ALLOW_WITH_NOT_PRINCIPAL"
    );
    let clean = run_ok(
        &mut w,
        MANAGEMENT,
        "ValidatePolicy",
        json!({"policyDocument": r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}"#, "policyType": "IDENTITY_POLICY"}),
    );
    assert_eq!(clean["findings"], json!([]));
}

#[test]
fn custom_policy_checks_pass_and_fail_with_reasons() {
    let mut w = world();
    let read = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}"#;
    let narrower = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"}]}"#;
    let wider = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Write","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]}"#;
    let check = |w: &mut World, new: &str| {
        run_ok(
            w,
            MANAGEMENT,
            "CheckNoNewAccess",
            json!({"newPolicyDocument": new, "existingPolicyDocument": read, "policyType": "IDENTITY_POLICY"}),
        )
    };
    assert_eq!(check(&mut w, narrower)["result"], "PASS");
    let fail = check(&mut w, wider);
    assert_eq!(fail["result"], "FAIL");
    assert_eq!(fail["reasons"][0]["statementIndex"], 0);
    assert_eq!(fail["reasons"][0]["statementId"], "Write");
    let not_granted = |w: &mut World, actions: Value| {
        run_ok(
            w,
            MANAGEMENT,
            "CheckAccessNotGranted",
            json!({"policyDocument": wider, "access": [{"actions": actions}], "policyType": "IDENTITY_POLICY"}),
        )
    };
    assert_eq!(
        not_granted(&mut w, json!(["s3:DeleteObject"]))["result"],
        "PASS"
    );
    assert_eq!(
        not_granted(&mut w, json!(["s3:PutObject"]))["result"],
        "FAIL"
    );
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
    let out = run_ok(
        &mut w,
        MANAGEMENT,
        "CheckNoPublicAccess",
        json!({"policyDocument": public, "resourceType": "AWS::S3::Bucket"}),
    );
    assert_eq!(out["result"], "FAIL");
    let org_only = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}]}"#;
    let out = run_ok(
        &mut w,
        MANAGEMENT,
        "CheckNoPublicAccess",
        json!({"policyDocument": org_only, "resourceType": "AWS::S3::Bucket"}),
    );
    assert_eq!(out["result"], "PASS");
    assert_eq!(
        error_of(run(
            &mut w,
            MANAGEMENT,
            "CheckNoPublicAccess",
            json!({"policyDocument": "{", "resourceType": "AWS::S3::Bucket"})
        ))
        .0,
        "InvalidParameterException"
    );
}

#[test]
fn access_previews_compare_proposed_trust_policies_with_findings() {
    let mut w = world();
    create_role(&mut w, MANAGEMENT, "Shared", OUTSIDE);
    let arn = create_analyzer(&mut w, MANAGEMENT, "acct", "ACCOUNT");
    let role_arn = format!("arn:aws:iam::{MANAGEMENT}:role/Shared");
    let id = run_ok(&mut w, MANAGEMENT, "CreateAccessPreview", json!({"analyzerArn": arn, "configurations": {role_arn.clone(): {"iamRole": {"trustPolicy": trust_text("*")}}}}))["id"].clone();
    let got = run_ok(
        &mut w,
        MANAGEMENT,
        "GetAccessPreview",
        json!({"analyzerArn": arn, "accessPreviewId": id}),
    );
    assert_eq!(got["accessPreview"]["status"], "COMPLETED");
    let found = run_ok(
        &mut w,
        MANAGEMENT,
        "ListAccessPreviewFindings",
        json!({"analyzerArn": arn, "accessPreviewId": id}),
    )["findings"]
        .as_array()
        .unwrap()
        .clone();
    let changes: Vec<(&str, &str)> = found
        .iter()
        .map(|f| {
            (
                f["changeType"].as_str().unwrap(),
                f["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(changes.contains(&("NEW", "ACTIVE")), "{changes:?}");
    assert!(changes.contains(&("CHANGED", "RESOLVED")), "{changes:?}");
    assert_eq!(
        run_ok(
            &mut w,
            MANAGEMENT,
            "ListAccessPreviews",
            json!({"analyzerArn": arn})
        )["accessPreviews"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn policy_generation_lists_what_the_principal_is_allowed() {
    let mut w = world();
    create_role(&mut w, MANAGEMENT, "App", MANAGEMENT);
    iam(
        &mut w,
        MANAGEMENT,
        "PutRolePolicy",
        json!({"RoleName": "App", "PolicyName": "p", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:GetObject","sqs:SendMessage"],"Resource":"*"}}"#}),
    );
    let principal = format!("arn:aws:iam::{MANAGEMENT}:role/App");
    let job = run_ok(
        &mut w,
        MANAGEMENT,
        "StartPolicyGeneration",
        json!({"policyGenerationDetails": {"principalArn": principal}}),
    )["jobId"]
        .clone();
    let got = run_ok(
        &mut w,
        MANAGEMENT,
        "GetGeneratedPolicy",
        json!({"jobId": job}),
    );
    assert_eq!(got["jobDetails"]["status"], "SUCCEEDED");
    let policy: Value = serde_json::from_str(
        got["generatedPolicyResult"]["generatedPolicies"][0]["policy"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        policy["Statement"][0]["Action"],
        json!(["s3:GetObject", "sqs:SendMessage"])
    );
    assert_eq!(
        run_ok(&mut w, MANAGEMENT, "ListPolicyGenerations", json!({}))["policyGenerations"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(error_of(run(&mut w, MANAGEMENT, "StartPolicyGeneration", json!({"policyGenerationDetails": {"principalArn": format!("arn:aws:iam::{MANAGEMENT}:role/Nope")}}))).0, "ValidationException");
}
