//! Unit tests of `accounts.rs`.
use super::super::test_support::*;
use serde_json::{json, Value};

fn org_with_mgmt() -> (crate::world::World, crate::auth::Caller) {
    let mut w = world();
    let mgmt = root_caller("111111111111");
    run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
    (w, mgmt)
}

fn create(w: &mut crate::world::World, mgmt: &crate::auth::Caller, email: &str) -> Value {
    let out = run(
        w,
        mgmt,
        "CreateAccount",
        json!({"Email": email, "AccountName": "Dev"}),
    )
    .unwrap();
    let id = out["CreateAccountStatus"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(out["CreateAccountStatus"]["State"], "IN_PROGRESS");
    run(
        w,
        mgmt,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": id}),
    )
    .unwrap()["CreateAccountStatus"]
        .clone()
}

#[test]
fn create_account_completes_on_a_later_request() {
    let (mut w, mgmt) = org_with_mgmt();
    let status = create(&mut w, &mgmt, "dev@example.org");
    assert_eq!(status["State"], "SUCCEEDED");
    let account_id = status["AccountId"].as_str().unwrap();
    let account = run(
        &mut w,
        &mgmt,
        "DescribeAccount",
        json!({"AccountId": account_id}),
    )
    .unwrap()["Account"]
        .clone();
    assert_eq!(account["JoinedMethod"], "CREATED");
    assert_eq!(account["Email"], "dev@example.org");
    assert_eq!(account["State"], "ACTIVE");
    let org_id = w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .id
        .clone();
    let root_id = w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .root
        .id
        .clone();
    assert_eq!(
        account["Paths"],
        json!([format!("{org_id}/{root_id}/{account_id}/")])
    );
    // The access role exists and trusts the management account.
    let role = w
        .iam
        .role(account_id, "OrganizationAccountAccessRole")
        .unwrap();
    assert!(role
        .trust_policy
        .text
        .contains("arn:aws:iam::111111111111:root"));
    assert_eq!(
        role.attached[0].arn,
        "arn:aws:iam::aws:policy/AdministratorAccess"
    );
    // Same email again: the request fails asynchronously.
    let status = create(&mut w, &mgmt, "DEV@example.org");
    assert_eq!(
        (status["State"].as_str(), status["FailureReason"].as_str()),
        (Some("FAILED"), Some("EMAIL_ALREADY_EXISTS"))
    );
    let failed = run(
        &mut w,
        &mgmt,
        "ListCreateAccountStatus",
        json!({"States": ["FAILED"]}),
    )
    .unwrap();
    assert_eq!(failed["CreateAccountStatuses"].as_array().unwrap().len(), 1);
}

#[test]
fn new_accounts_and_ous_get_tags_and_full_aws_access() {
    let (mut w, mgmt) = org_with_mgmt();
    let out = run(&mut w, &mgmt, "CreateAccount", json!({"Email": "t@example.org", "AccountName": "T", "Tags": [{"Key": "team", "Value": "red"}]})).unwrap();
    let car = out["CreateAccountStatus"]["Id"].clone();
    let status = run(
        &mut w,
        &mgmt,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": car}),
    )
    .unwrap();
    let account = status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();
    let root = w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .root
        .id
        .clone();
    let ou = run(
        &mut w,
        &mgmt,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "Tagged", "Tags": [{"Key": "k", "Value": "v"}]}),
    )
    .unwrap();
    let ou_id = ou["OrganizationalUnit"]["Id"].as_str().unwrap().to_string();
    let org = w.organizations.organization_of("111111111111").unwrap();
    assert_eq!(
        org.tags[&account].get("team").map(String::as_str),
        Some("red")
    );
    assert_eq!(org.tags[&ou_id].get("k").map(String::as_str), Some("v"));
    let targets = &org.policy_targets["p-FullAWSAccess"];
    for target in [&root, &"111111111111".to_string(), &account, &ou_id] {
        assert!(targets.contains(target.as_str()), "{target}");
        assert!(
            org.attachments[target.as_str()]
                .iter()
                .any(|p| p == "p-FullAWSAccess"),
            "{target}"
        );
    }
    assert!(w.organizations.email_in_use("T@EXAMPLE.ORG"));
    run(
        &mut w,
        &mgmt,
        "DeleteOrganizationalUnit",
        json!({"OrganizationalUnitId": ou_id}),
    )
    .unwrap();
    let org = w.organizations.organization_of("111111111111").unwrap();
    assert!(!org.policy_targets["p-FullAWSAccess"].contains(ou_id.as_str()));
    assert!(!org.tags.contains_key(&ou_id));
}

#[test]
fn account_quota_fails_the_request() {
    let (mut w, mgmt) = org_with_mgmt();
    w.settings.quotas.accounts_per_organization = 2;
    assert_eq!(
        create(&mut w, &mgmt, "a1@example.org")["State"],
        "SUCCEEDED"
    );
    let status = create(&mut w, &mgmt, "a2@example.org");
    assert_eq!(status["FailureReason"], "ACCOUNT_LIMIT_EXCEEDED");
}

#[test]
fn concurrent_creation_limit() {
    let (mut w, mgmt) = org_with_mgmt();
    w.settings.create_account_delay_ms = 60_000;
    w.clock.pinned_ms = Some(1_000_000);
    for i in 0..5 {
        run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": format!("c{i}@example.org"), "AccountName": "c"}),
        )
        .unwrap();
    }
    let e = error_code(run(
        &mut w,
        &mgmt,
        "CreateAccount",
        json!({"Email": "c9@example.org", "AccountName": "c"}),
    ));
    assert_eq!(
        e,
        (
            "ConstraintViolationException".into(),
            Some("ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED".into())
        )
    );
    w.clock.advance(60_000);
    let done = run(
        &mut w,
        &mgmt,
        "ListCreateAccountStatus",
        json!({"States": ["SUCCEEDED"]}),
    )
    .unwrap();
    assert_eq!(done["CreateAccountStatuses"].as_array().unwrap().len(), 5);
}

#[test]
fn create_account_validation_and_access() {
    let (mut w, mgmt) = org_with_mgmt();
    let cases = [
        (
            json!({"Email": "bad", "AccountName": "x"}),
            "MIN_LENGTH_EXCEEDED",
        ),
        (
            json!({"Email": "not-an-email", "AccountName": "x"}),
            "INVALID_PATTERN",
        ),
        (
            json!({"Email": "ok@example.org", "AccountName": ""}),
            "MIN_LENGTH_EXCEEDED",
        ),
        (json!({"Email": "ok@example.org"}), "INPUT_REQUIRED"),
        (
            json!({"Email": "ok@example.org", "AccountName": "x", "RoleName": "AWSServiceRoleForX"}),
            "INVALID_ROLE_NAME",
        ),
        (
            json!({"Email": "ok@example.org", "AccountName": "x", "IamUserAccessToBilling": "MAYBE"}),
            "INVALID_ENUM",
        ),
    ];
    for (input, reason) in cases {
        let e = error_code(run(&mut w, &mgmt, "CreateAccount", input.clone()));
        assert_eq!(
            e,
            ("InvalidInputException".into(), Some(reason.into())),
            "{input}"
        );
    }
    let status = create(&mut w, &mgmt, "member@example.org");
    let member = root_caller(status["AccountId"].as_str().unwrap());
    assert_eq!(
        error_code(run(
            &mut w,
            &member,
            "CreateAccount",
            json!({"Email": "x@example.org", "AccountName": "x"})
        ))
        .0,
        "AccessDeniedException"
    );
    assert_eq!(
        error_code(run(&mut w, &member, "ListAccounts", json!({}))).0,
        "AccessDeniedException"
    );
    assert_eq!(
        error_code(run(
            &mut w,
            &root_caller("999999999999"),
            "ListAccounts",
            json!({})
        ))
        .0,
        "AWSOrganizationsNotInUseException"
    );
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": "999999999999"})
        ))
        .0,
        "AccountNotFoundException"
    );
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": "car-00000000"})
        ))
        .0,
        "CreateAccountStatusNotFoundException"
    );
}

#[test]
fn list_accounts_pages_with_opaque_tokens() {
    let (mut w, mgmt) = org_with_mgmt();
    for i in 0..4 {
        create(&mut w, &mgmt, &format!("p{i}@example.org"));
    }
    let mut seen = vec![];
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"MaxResults": 2});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let out = run(&mut w, &mgmt, "ListAccounts", input).unwrap();
        let page = out["Accounts"].as_array().unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.iter().map(|a| a["Id"].as_str().unwrap().to_string()));
        match out.get("NextToken").and_then(Value::as_str) {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let e = error_code(run(
        &mut w,
        &mgmt,
        "ListAccounts",
        json!({"NextToken": "forged"}),
    ));
    assert_eq!(
        e,
        (
            "InvalidInputException".into(),
            Some("INVALID_NEXT_TOKEN".into())
        )
    );
    let e = error_code(run(
        &mut w,
        &mgmt,
        "ListAccounts",
        json!({"MaxResults": 21}),
    ));
    assert_eq!(e.1.as_deref(), Some("MAX_VALUE_EXCEEDED"));
}
