//! BatchImportFindings, GetFindings, BatchUpdateFindings and GetFindingHistory
//! against a world, including an administrator with members.

use serde_json::{json, Value};

use super::test_support::*;

fn ids(out: &Value) -> Vec<String> {
    out["Findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["Id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn import_reports_failures_per_finding() {
    let mut w = world();
    run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
    let mut no_title = asff(ACCT, "no-title");
    no_title.as_object_mut().unwrap().remove("Title");
    let mut other_account = asff(ACCT, "other");
    other_account["AwsAccountId"] = json!("999999999999");
    let mut foreign_product = asff(ACCT, "foreign");
    foreign_product["ProductArn"] = json!("arn:aws:securityhub:us-east-1::product/aws/guardduty");
    let mut bad_time = asff(ACCT, "time");
    bad_time["CreatedAt"] = json!("yesterday");
    let mut old_schema = asff(ACCT, "schema");
    old_schema["SchemaVersion"] = json!("2017-01-01");
    let mut huge = asff(ACCT, "huge");
    huge["Description"] = json!("x".repeat(250 * 1024));
    let out = run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [asff(ACCT, "ok"), no_title, other_account, foreign_product, bad_time, old_schema, huge]}),
    );
    assert_eq!(out["SuccessCount"], 1);
    assert_eq!(out["FailedCount"], 6);
    let codes: Vec<(&str, &str)> = out["FailedFindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["Id"].as_str().unwrap(), f["ErrorCode"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [
            ("no-title", "InvalidInput"),
            ("other", "AccessDeniedException"),
            ("foreign", "AccessDeniedException"),
            ("time", "InvalidInput"),
            ("schema", "InvalidInput"),
            ("huge", "FindingSizeExceeded"),
        ]
    );
    let empty = run(
        &mut w,
        &root_caller(ACCT),
        "BatchImportFindings",
        json!({"Findings": []}),
    );
    assert_eq!(error_of(empty).0, "InvalidInputException");
    let stored = &run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"][0];
    assert_eq!(
        stored["Severity"]["Normalized"], 70,
        "completed from the label"
    );
    assert_eq!(stored["Workflow"]["Status"], "NEW");
    assert_eq!(stored["RecordState"], "ACTIVE");
    assert_eq!(stored["ProductName"], "Default");
    assert_eq!(stored["Region"], "us-east-1");
}

#[test]
fn pages_and_limits() {
    let mut w = world();
    run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
    let findings: Vec<Value> = (0..5).map(|i| asff(ACCT, &format!("f{i}"))).collect();
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": findings}),
    );
    let sort = json!([{"Field": "Id", "SortOrder": "asc"}]);
    let first = run_ok(
        &mut w,
        ACCT,
        "GetFindings",
        json!({"SortCriteria": sort, "MaxResults": 2}),
    );
    assert_eq!(ids(&first), ["f0", "f1"]);
    let second = run_ok(
        &mut w,
        ACCT,
        "GetFindings",
        json!({"SortCriteria": sort, "MaxResults": 2, "NextToken": first["NextToken"]}),
    );
    assert_eq!(ids(&second), ["f2", "f3"]);
    let last = run_ok(
        &mut w,
        ACCT,
        "GetFindings",
        json!({"SortCriteria": sort, "MaxResults": 2, "NextToken": second["NextToken"]}),
    );
    assert_eq!(ids(&last), ["f4"]);
    assert!(last.get("NextToken").is_none());
    for bad in [
        json!({"MaxResults": 0}),
        json!({"MaxResults": 101}),
        json!({"NextToken": "forged"}),
    ] {
        assert_eq!(
            error_of(run(&mut w, &root_caller(ACCT), "GetFindings", bad)).0,
            "InvalidInputException"
        );
    }
}

#[test]
fn administrator_sees_and_updates_member_findings() {
    let mut w = world();
    let (security, others) = org_with_admin(&mut w, 3);
    let (member, outsider) = (others[0].clone(), others[1].clone());
    run_ok(
        &mut w,
        &security,
        "CreateMembers",
        json!({"AccountDetails": [{"AccountId": member}]}),
    );
    run_ok(&mut w, &outsider, "EnableSecurityHub", json!({}));
    for account in [&security, &member, &outsider] {
        run_ok(
            &mut w,
            account,
            "BatchImportFindings",
            json!({"Findings": [asff(account, &format!("of-{account}"))]}),
        );
    }
    let mut seen = ids(&run_ok(&mut w, &security, "GetFindings", json!({})));
    seen.sort();
    let mut expected = vec![format!("of-{security}"), format!("of-{member}")];
    expected.sort();
    assert_eq!(
        seen, expected,
        "own and members' findings, not other accounts'"
    );
    assert_eq!(
        ids(&run_ok(&mut w, &member, "GetFindings", json!({}))),
        [format!("of-{member}")]
    );
    let product = format!("arn:aws:securityhub:us-east-1:{member}:product/{member}/default");
    let before = run_ok(&mut w, &member, "GetFindings", json!({}))["Findings"][0].clone();
    let out = run_ok(
        &mut w,
        &security,
        "BatchUpdateFindings",
        json!({
            "FindingIdentifiers": [{"Id": format!("of-{member}"), "ProductArn": product}, {"Id": "nope", "ProductArn": product}],
            "Workflow": {"Status": "NOTIFIED"},
            "Note": {"Text": "looking", "UpdatedBy": "soc"},
            "Severity": {"Label": "CRITICAL"},
            "VerificationState": "TRUE_POSITIVE",
            "Confidence": 80,
        }),
    );
    assert_eq!(out["ProcessedFindings"].as_array().unwrap().len(), 1);
    assert_eq!(
        out["UnprocessedFindings"][0]["ErrorCode"],
        "FindingNotFound"
    );
    let after = run_ok(&mut w, &member, "GetFindings", json!({}))["Findings"][0].clone();
    assert_eq!(after["Workflow"]["Status"], "NOTIFIED");
    assert_eq!(after["Note"]["Text"], "looking");
    assert_eq!(after["Severity"]["Label"], "CRITICAL");
    assert_eq!(after["Severity"]["Normalized"], 90);
    assert_eq!(after["VerificationState"], "TRUE_POSITIVE");
    assert_eq!(after["Confidence"], 80);
    assert_eq!(
        after["UpdatedAt"], before["UpdatedAt"],
        "UpdatedAt is left alone"
    );
    // a member can't update the administrator's findings
    let admin_product =
        format!("arn:aws:securityhub:us-east-1:{security}:product/{security}/default");
    let out = run_ok(
        &mut w,
        &member,
        "BatchUpdateFindings",
        json!({"FindingIdentifiers": [{"Id": format!("of-{security}"), "ProductArn": admin_product}], "Workflow": {"Status": "RESOLVED"}}),
    );
    assert_eq!(out["UnprocessedFindings"].as_array().unwrap().len(), 1);
    let nothing = run(
        &mut w,
        &root_caller(&member),
        "BatchUpdateFindings",
        json!({"FindingIdentifiers": [{"Id": "x", "ProductArn": product}]}),
    );
    assert_eq!(error_of(nothing).0, "InvalidInputException");
    let bad_status = run(
        &mut w,
        &root_caller(&member),
        "BatchUpdateFindings",
        json!({"FindingIdentifiers": [{"Id": "x", "ProductArn": product}], "Workflow": {"Status": "DONE"}}),
    );
    assert_eq!(error_of(bad_status).0, "InvalidInputException");
    // re-import keeps the customer's fields
    let mut again = asff(&member, &format!("of-{member}"));
    again["Title"] = json!("renamed");
    run_ok(
        &mut w,
        &member,
        "BatchImportFindings",
        json!({"Findings": [again]}),
    );
    let reimported = run_ok(&mut w, &member, "GetFindings", json!({}))["Findings"][0].clone();
    assert_eq!(reimported["Title"], "renamed");
    assert_eq!(reimported["Workflow"]["Status"], "NOTIFIED");
    assert_eq!(reimported["Note"]["Text"], "looking");
    assert_eq!(
        reimported["Severity"]["Label"], "CRITICAL",
        "the customer's severity stays"
    );
    assert_eq!(
        reimported["FindingProviderFields"]["Severity"]["Label"],
        "HIGH"
    );
    let history = run_ok(
        &mut w,
        &security,
        "GetFindingHistory",
        json!({"FindingIdentifier": {"Id": format!("of-{member}"), "ProductArn": product}}),
    );
    let records = history["Records"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["FindingCreated"], true);
    assert_eq!(records[1]["UpdateSource"]["Type"], "BATCH_UPDATE_FINDINGS");
    let fields: Vec<&str> = records[1]["Updates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["UpdatedField"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"Workflow") && fields.contains(&"Note"),
        "{fields:?}"
    );
    assert_eq!(records[2]["Updates"][0]["UpdatedField"], "Title");
}

#[test]
fn archived_then_active_reopens_notified_findings() {
    let mut w = world();
    run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
    let mut f = asff(ACCT, "x");
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [f.clone()]}),
    );
    let product = f["ProductArn"].clone();
    run_ok(
        &mut w,
        ACCT,
        "BatchUpdateFindings",
        json!({"FindingIdentifiers": [{"Id": "x", "ProductArn": product}], "Workflow": {"Status": "RESOLVED"}}),
    );
    f["RecordState"] = json!("ARCHIVED");
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [f.clone()]}),
    );
    assert_eq!(
        run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"][0]["Workflow"]["Status"],
        "RESOLVED"
    );
    f["RecordState"] = json!("ACTIVE");
    run_ok(
        &mut w,
        ACCT,
        "BatchImportFindings",
        json!({"Findings": [f]}),
    );
    assert_eq!(
        run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"][0]["Workflow"]["Status"],
        "NEW"
    );
}
