//! Unit tests of `handlers.rs`.
use super::*;
use crate::api::ApiError;
use crate::api::ServiceId;
use crate::services::organizations::test_support::{root_caller, world};
use crate::services::{dispatch, organizations};
use serde_json::json;

/// One STS call as the server runs it: authorization (the trust policy), then the handler.
fn sts(w: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    w.begin_request();
    crate::authorize::authorize(w, caller, ServiceId::Sts, op, &input)
        .map_err(|d| d.to_api_error(ServiceId::Sts))?;
    dispatch(w, caller, ServiceId::Sts, op, input)
}

fn caller_for(w: &World, out: &Value) -> Caller {
    let key = out["Credentials"]["AccessKeyId"].as_str().unwrap();
    let issued = &w.sts.credentials[key];
    Caller {
        account_id: issued.account_id.clone(),
        principal: issued.principal.clone(),
        access_key_id: key.to_string(),
        temporary: true,
        region: "us-east-1".into(),
    }
}

fn org_with_member(w: &mut World) -> (Caller, String) {
    let mgmt = root_caller("111111111111");
    w.begin_request();
    organizations::dispatch(w, &mgmt, "CreateOrganization", json!({})).unwrap();
    w.begin_request();
    let out = organizations::dispatch(
        w,
        &mgmt,
        "CreateAccount",
        json!({"Email": "m@example.org", "AccountName": "M"}),
    )
    .unwrap();
    let car = out["CreateAccountStatus"]["Id"].clone();
    w.begin_request();
    let status = organizations::dispatch(
        w,
        &mgmt,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": car}),
    )
    .unwrap();
    (
        mgmt,
        status["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_string(),
    )
}

#[test]
fn caller_identity_of_root_and_role() {
    let mut w = world();
    let (mgmt, member) = org_with_member(&mut w);
    let me = sts(&mut w, &mgmt, "GetCallerIdentity", json!({})).unwrap();
    assert_eq!(
        me,
        json!({"UserId": "111111111111", "Account": "111111111111", "Arn": "arn:aws:iam::111111111111:root"})
    );
    let arn = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
    let out = sts(
        &mut w,
        &mgmt,
        "AssumeRole",
        json!({"RoleArn": arn, "RoleSessionName": "admin"}),
    )
    .unwrap();
    let key = out["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert!(key.starts_with("ASIA") && key.len() == 20);
    assert_eq!(
        out["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/admin")
    );
    let role_caller = caller_for(&w, &out);
    let me = sts(&mut w, &role_caller, "GetCallerIdentity", json!({})).unwrap();
    assert_eq!(me["Account"], member.as_str());
    assert!(me["UserId"].as_str().unwrap().starts_with("AROA"));
    assert!(me["UserId"].as_str().unwrap().ends_with(":admin"));
}

#[test]
fn access_role_trusts_only_the_management_account() {
    let mut w = world();
    let (_, member) = org_with_member(&mut w);
    let arn = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
    for outsider in ["222222222222", member.as_str()] {
        let e = sts(
            &mut w,
            &root_caller(outsider),
            "AssumeRole",
            json!({"RoleArn": arn, "RoleSessionName": "x1"}),
        )
        .unwrap_err();
        assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
        assert!(
            e.message
                .contains("is not authorized to perform: sts:AssumeRole"),
            "{}",
            e.message
        );
    }
    // An account orgsim never created has no such role.
    let e = sts(&mut w, &root_caller("111111111111"), "AssumeRole", json!({"RoleArn": "arn:aws:iam::333333333333:role/OrganizationAccountAccessRole", "RoleSessionName": "x1"})).unwrap_err();
    assert_eq!(e.code, "AccessDenied");
}

/// Roles orgsim does not hold exist only under `--lenient-roles`; by default a member
/// cannot assume an invented role name anywhere (a member once assumed any role name in
/// the management account and then acted as management: issue 12).
#[test]
fn lenient_roles_invent_roles_of_the_same_account_or_org() {
    let mut w = world();
    let (_mgmt, member) = org_with_member(&mut w);
    let member_root = root_caller(&member);
    let e = sts(
        &mut w,
        &member_root,
        "AssumeRole",
        json!({"RoleArn": "arn:aws:iam::111111111111:role/Admin", "RoleSessionName": "x1"}),
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
    w.settings.lenient_roles = true;
    let arn = format!("arn:aws:iam::{member}:role/Auditor");
    sts(
        &mut w,
        &member_root,
        "AssumeRole",
        json!({"RoleArn": arn, "RoleSessionName": "audit"}),
    )
    .unwrap();
    sts(
        &mut w,
        &root_caller("222222222222"),
        "AssumeRole",
        json!({"RoleArn": "arn:aws:iam::222222222222:role/path/Self", "RoleSessionName": "me"}),
    )
    .unwrap();
    w.settings.lenient_roles = false;
    let e = sts(
        &mut w,
        &member_root,
        "AssumeRole",
        json!({"RoleArn": arn, "RoleSessionName": "audit"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "AccessDenied");
}

/// Keys carry the world's credential epoch: the same draw gives another key in another
/// epoch, and epoch 0 leaves it as drawn.
#[test]
fn access_keys_differ_between_epochs() {
    let mut a = world();
    let mut b = world();
    a.settings.lenient_roles = true;
    b.settings.lenient_roles = true;
    b.sts.key_epoch = 1;
    let mgmt = root_caller("111111111111");
    let input = json!({"RoleArn": "arn:aws:iam::111111111111:role/R", "RoleSessionName": "s1"});
    let key = |w: &mut World| {
        sts(w, &mgmt, "AssumeRole", input.clone()).unwrap()["Credentials"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (ka, kb) = (key(&mut a), key(&mut b));
    assert_ne!(ka, kb);
    assert!(kb.starts_with("ASIA") && kb.len() == 20, "{kb}");
    assert_eq!(with_epoch("ABCDEFGHIJKLMNOP", 0), "ABCDEFGHIJKLMNOP");
    let keys: std::collections::BTreeSet<String> = (0..2000)
        .map(|e| with_epoch("AAAAAAAAAAAAAAAA", e))
        .collect();
    assert_eq!(keys.len(), 2000, "no two epochs give the same key");
}

#[test]
fn assume_role_validation() {
    let mut w = world();
    // Roles invented on demand, so that validation is what answers.
    w.settings.lenient_roles = true;
    let mgmt = root_caller("111111111111");
    let ok_arn = "arn:aws:iam::111111111111:role/R";
    let cases = [
        (
            json!({"RoleArn": "arn:short", "RoleSessionName": "ok"}),
            "ValidationError",
            "length greater than or equal to 20",
        ),
        (
            json!({"RoleArn": "arn:aws:iam::111111111111:user/bob", "RoleSessionName": "ok"}),
            "ValidationError",
            "is invalid",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "x"}),
            "ValidationError",
            "greater than or equal to 2",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "has space"}),
            "ValidationError",
            "regular expression",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "ok", "DurationSeconds": "899"}),
            "ValidationError",
            "greater than or equal to 900",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "ok", "DurationSeconds": "43201"}),
            "ValidationError",
            "less than or equal to 43200",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "ok", "DurationSeconds": "7200"}),
            "ValidationError",
            "MaxSessionDuration",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "ok", "DurationSeconds": "soon"}),
            "ValidationError",
            "not an integer",
        ),
        (
            json!({"RoleArn": ok_arn, "RoleSessionName": "ok", "Policy": "{nope"}),
            "MalformedPolicyDocument",
            "valid JSON",
        ),
        (
            json!({"RoleArn": ok_arn}),
            "ValidationError",
            "Value null at 'roleSessionName'",
        ),
    ];
    for (input, code, text) in cases {
        let e = sts(&mut w, &mgmt, "AssumeRole", input.clone()).unwrap_err();
        assert_eq!(e.code, code, "{input}");
        assert!(e.message.contains(text), "{input}: {}", e.message);
    }
}

#[test]
fn role_chaining_is_limited_to_an_hour_and_session_tokens_need_long_term_keys() {
    let mut w = world();
    w.settings.lenient_roles = true;
    let mgmt = root_caller("111111111111");
    let out = sts(
        &mut w,
        &mgmt,
        "AssumeRole",
        json!({"RoleArn": "arn:aws:iam::111111111111:role/A", "RoleSessionName": "one"}),
    )
    .unwrap();
    let role = caller_for(&w, &out);
    let e = sts(&mut w, &role, "AssumeRole", json!({"RoleArn": "arn:aws:iam::111111111111:role/B", "RoleSessionName": "two", "DurationSeconds": "3601"})).unwrap_err();
    assert!(e.message.contains("role chaining"), "{}", e.message);
    let e = sts(&mut w, &role, "GetSessionToken", json!({})).unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    let out = sts(&mut w, &mgmt, "GetSessionToken", json!({})).unwrap();
    let session = caller_for(&w, &out);
    assert_eq!(session.principal, Principal::Root);
    let e = sts(
        &mut w,
        &mgmt,
        "GetSessionToken",
        json!({"DurationSeconds": "7200"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    let info = sts(
        &mut w,
        &mgmt,
        "GetAccessKeyInfo",
        json!({"AccessKeyId": session.access_key_id}),
    )
    .unwrap();
    assert_eq!(info["Account"], "111111111111");
    let e = sts(
        &mut w,
        &mgmt,
        "GetAccessKeyInfo",
        json!({"AccessKeyId": "short"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}
