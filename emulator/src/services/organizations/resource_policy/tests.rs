//! Unit tests of the resource policy and the delegation it grants.

use super::super::delegation::tests::org_with_members;
use super::super::test_support::*;
use super::super::{policy_writer_org, readable_org};
use crate::auth::{Caller, Principal};
use serde_json::{json, Value};

fn pair(code: &str, reason: &str) -> (String, Option<String>) {
    (code.to_string(), Some(reason.to_string()))
}

fn policy(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn role_caller(account: &str, role: &str) -> Caller {
    Caller {
        principal: Principal::AssumedRole {
            role_name: role.to_string(),
            role_id: "AROAEXAMPLE".to_string(),
            session_name: "s".to_string(),
        },
        ..root_caller(account)
    }
}

#[test]
fn put_describe_delete() {
    let (mut w, mgmt, m) = org_with_members(1);
    assert_eq!(
        error_code(run(&mut w, &mgmt, "DescribeResourcePolicy", json!({}))).0,
        "ResourcePolicyNotFoundException"
    );
    assert_eq!(
        error_code(run(&mut w, &mgmt, "DeleteResourcePolicy", json!({}))).0,
        "ResourcePolicyNotFoundException"
    );
    let content = policy(json!([{
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{}:root", m[0])},
        "Action": ["organizations:Describe*", "organizations:List*"],
        "Resource": "*"
    }]));
    let out = run(
        &mut w,
        &mgmt,
        "PutResourcePolicy",
        json!({"Content": content, "Tags": [{"Key": "team", "Value": "sec"}]}),
    )
    .unwrap();
    let summary = &out["ResourcePolicy"]["ResourcePolicySummary"];
    let id = summary["Id"].as_str().unwrap().to_string();
    assert!(regex::Regex::new(r"^rp-[0-9a-z]{8}$")
        .unwrap()
        .is_match(&id));
    let org_id = w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .id
        .clone();
    assert_eq!(
        summary["Arn"],
        format!("arn:aws:organizations::111111111111:resourcepolicy/{org_id}/{id}")
    );
    assert_eq!(out["ResourcePolicy"]["Content"], content);
    let tags = run(
        &mut w,
        &mgmt,
        "ListTagsForResource",
        json!({ "ResourceId": id }),
    )
    .unwrap();
    assert_eq!(tags["Tags"], json!([{"Key": "team", "Value": "sec"}]));

    // The member it names may now read it; an update keeps the id.
    let member = root_caller(&m[0]);
    let read = run(&mut w, &member, "DescribeResourcePolicy", json!({})).unwrap();
    assert_eq!(read["ResourcePolicy"]["ResourcePolicySummary"]["Id"], id);
    let updated = policy(json!({
        "Effect": "Allow",
        "Principal": {"AWS": m[0]},
        "Action": "organizations:DescribeOrganization",
    }));
    let out = run(
        &mut w,
        &mgmt,
        "PutResourcePolicy",
        json!({ "Content": updated }),
    )
    .unwrap();
    assert_eq!(out["ResourcePolicy"]["ResourcePolicySummary"]["Id"], id);
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "PutResourcePolicy",
            json!({"Content": updated, "Tags": [{"Key": "k", "Value": "v"}]})
        )),
        pair(
            "InvalidInputException",
            "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED"
        )
    );
    // Only the management account writes or deletes it.
    assert_eq!(
        error_code(run(
            &mut w,
            &member,
            "PutResourcePolicy",
            json!({ "Content": updated })
        ))
        .0,
        "AccessDeniedException"
    );
    assert_eq!(
        error_code(run(&mut w, &member, "DeleteResourcePolicy", json!({}))).0,
        "AccessDeniedException"
    );
    run(&mut w, &mgmt, "DeleteResourcePolicy", json!({})).unwrap();
    assert!(!w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .tags
        .contains_key(&id));
    assert_eq!(
        error_code(run(&mut w, &member, "DescribeResourcePolicy", json!({}))).0,
        "AccessDeniedException"
    );
}

#[test]
fn content_validation() {
    let (mut w, mgmt, m) = org_with_members(1);
    let allow = |principal: Value, action: Value| {
        policy(json!([{"Effect": "Allow", "Principal": principal, "Action": action}]))
    };
    let member = json!({ "AWS": m[0] });
    let cases = [
        ("".to_string(), "MIN_LENGTH_EXCEEDED"),
        ("x".repeat(40_001), "MAX_LENGTH_EXCEEDED"),
        ("{not json".to_string(), "INVALID_RESOURCE_POLICY_JSON"),
        (
            json!({"Version": "2012-10-17"}).to_string(),
            "INVALID_RESOURCE_POLICY_JSON",
        ),
        (
            policy(
                json!([{"Effect": "Maybe", "Principal": member, "Action": "organizations:ListRoots"}]),
            ),
            "INVALID_RESOURCE_POLICY_JSON",
        ),
        (
            allow(json!("*"), json!("organizations:ListRoots")),
            "INVALID_PRINCIPAL",
        ),
        (
            allow(
                json!({"AWS": "222222222222"}),
                json!("organizations:ListRoots"),
            ),
            "INVALID_PRINCIPAL",
        ),
        (
            allow(
                json!({"Service": "guardduty.amazonaws.com"}),
                json!("organizations:ListRoots"),
            ),
            "INVALID_PRINCIPAL",
        ),
        (
            allow(member.clone(), json!("organizations:CreateAccount")),
            "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
        ),
        (
            allow(member.clone(), json!("s3:GetObject")),
            "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
        ),
        (
            policy(
                json!([{"Effect": "Allow", "Principal": member, "Action": "organizations:ListRoots", "Resource": "arn:aws:s3:::bucket"}]),
            ),
            "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY",
        ),
        (
            policy(
                json!([{"Effect": "Allow", "Principal": member, "Action": "organizations:CreatePolicy",
                "Condition": {"StringEquals": {"organizations:PolicyType": "NOT_A_TYPE"}}}]),
            ),
            "UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY",
        ),
    ];
    for (content, reason) in cases {
        let e = error_code(run(
            &mut w,
            &mgmt,
            "PutResourcePolicy",
            json!({ "Content": content }),
        ));
        assert_eq!(e, pair("InvalidInputException", reason), "{content:.200}");
    }
    // Wildcards that reach delegable actions, and conditions on real types, pass.
    let ok = policy(
        json!([{"Effect": "Allow", "Principal": member, "Action": "organizations:*Policy*",
        "Resource": "arn:aws:organizations::111111111111:policy/*",
        "Condition": {"StringLikeIfExists": {"organizations:PolicyType": ["BACKUP_POLICY", "TAG_*"]}}}]),
    );
    run(&mut w, &mgmt, "PutResourcePolicy", json!({ "Content": ok })).unwrap();
    assert_eq!(
        error_code(run(
            &mut w,
            &root_caller("222222222222"),
            "PutResourcePolicy",
            json!({ "Content": ok })
        ))
        .0,
        "AWSOrganizationsNotInUseException"
    );
}

#[test]
fn policy_writers_follow_the_resource_policy() {
    let (mut w, mgmt, m) = org_with_members(3);
    let (a, b, c) = (root_caller(&m[0]), root_caller(&m[1]), root_caller(&m[2]));
    let writer = |w: &crate::world::World, caller: &Caller, action: &str| {
        policy_writer_org(w, caller, action).map(|_| ())
    };
    assert!(writer(&w, &mgmt, "organizations:CreatePolicy").is_ok());
    assert!(writer(&w, &a, "organizations:CreatePolicy").is_err());
    let content = policy(json!([
        {"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{}:root", m[0])},
         "Action": ["organizations:*Policy*", "organizations:Describe*"]},
        {"Effect": "Allow", "Principal": {"AWS": [m[1].clone(), format!("arn:aws:iam::{}:role/Admins", m[2])]},
         "Action": "organizations:*"},
        {"Effect": "Deny", "Principal": {"AWS": m[1].clone()}, "Action": "organizations:DeletePolicy"},
    ]));
    run(
        &mut w,
        &mgmt,
        "PutResourcePolicy",
        json!({ "Content": content }),
    )
    .unwrap();

    assert!(writer(&w, &a, "organizations:CreatePolicy").is_ok());
    assert!(writer(&w, &a, "organizations:UpdatePolicy").is_ok());
    assert!(
        writer(&w, &a, "organizations:createpolicy").is_ok(),
        "case-insensitive"
    );
    assert!(writer(&w, &a, "organizations:TagResource").is_err());
    assert!(writer(&w, &b, "organizations:TagResource").is_ok());
    assert!(
        writer(&w, &b, "organizations:DeletePolicy").is_err(),
        "explicit deny"
    );
    // The role principal names one role, not the account.
    assert!(writer(&w, &c, "organizations:CreatePolicy").is_err());
    assert!(writer(
        &w,
        &role_caller(&m[2], "Admins"),
        "organizations:CreatePolicy"
    )
    .is_ok());
    assert!(writer(
        &w,
        &role_caller(&m[2], "Other"),
        "organizations:CreatePolicy"
    )
    .is_err());

    // Accounts the policy names may read the organization; others may not.
    assert!(readable_org(&w, &a).is_ok());
    assert!(readable_org(&w, &c).is_err());
    run(&mut w, &a, "ListAccounts", json!({})).unwrap();
    run(&mut w, &a, "DescribeOrganization", json!({})).unwrap();
    assert_eq!(
        error_code(run(&mut w, &c, "ListAccounts", json!({}))).0,
        "AccessDeniedException"
    );
    // Deleting the policy takes the delegation away.
    run(&mut w, &mgmt, "DeleteResourcePolicy", json!({})).unwrap();
    assert!(writer(&w, &a, "organizations:CreatePolicy").is_err());
    assert!(readable_org(&w, &a).is_err());
}
