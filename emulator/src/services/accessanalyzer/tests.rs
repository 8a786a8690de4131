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
