//! IAM handlers against a world: entities, errors and quotas, pagination, policy
//! versions, TOTP, the credential report, root access, and the authorization layers
//! that IAM's identities feed.

use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

const ACCOUNT: &str = "111111111111";
const ALLOW_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;

fn iam(w: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    w.begin_request();
    crate::services::dispatch(w, caller, ServiceId::Iam, op, input)
}

fn ok(w: &mut World, op: &str, input: Value) -> Value {
    iam(w, &root_caller(ACCOUNT), op, input.clone())
        .unwrap_or_else(|e| panic!("{op} {input}: {e:?}"))
}

fn code(w: &mut World, op: &str, input: Value) -> (String, u16) {
    let e = iam(w, &root_caller(ACCOUNT), op, input).expect_err("expected an error");
    (e.code, e.status)
}

fn user_caller(w: &World, name: &str) -> Caller {
    let user = w.iam.user(ACCOUNT, name).unwrap();
    Caller {
        account_id: ACCOUNT.into(),
        principal: Principal::User {
            user_name: user.name.clone(),
            user_id: user.id.clone(),
            path: user.path.clone(),
        },
        access_key_id: "AKIATEST".into(),
        temporary: false,
        region: "us-east-1".into(),
    }
}

#[test]
fn users_are_unique_and_found_regardless_of_case() {
    let mut w = world();
    let out = ok(
        &mut w,
        "CreateUser",
        json!({"UserName": "Alice", "Path": "/team/", "Tags": [{"Key": "k", "Value": "v"}]}),
    );
    let user = &out["User"];
    assert_eq!(user["Arn"], "arn:aws:iam::111111111111:user/team/Alice");
    assert!(user["UserId"].as_str().unwrap().starts_with("AIDA"));
    assert_eq!(user["UserId"].as_str().unwrap().len(), 21);
    assert_eq!(
        code(&mut w, "CreateUser", json!({"UserName": "alice"})),
        ("EntityAlreadyExists".into(), 409)
    );
    assert_eq!(
        ok(&mut w, "GetUser", json!({"UserName": "ALICE"}))["User"]["UserName"],
        "Alice"
    );
    assert_eq!(
        code(&mut w, "GetUser", json!({"UserName": "bob"})),
        ("NoSuchEntity".into(), 404)
    );
    assert_eq!(
        code(&mut w, "CreateUser", json!({"UserName": "bad name"})).0,
        "ValidationError"
    );
    assert_eq!(code(&mut w, "CreateUser", json!({})).0, "ValidationError");
    // The root user without UserName is shown as AWS shows it.
    assert_eq!(
        ok(&mut w, "GetUser", json!({}))["User"]["Arn"],
        "arn:aws:iam::111111111111:root"
    );
}

#[test]
fn listings_page_with_markers_and_refuse_forged_ones() {
    let mut w = world();
    for i in 0..5 {
        ok(&mut w, "CreateUser", json!({"UserName": format!("u{i}")}));
    }
    let first = ok(&mut w, "ListUsers", json!({"MaxItems": "2"}));
    assert_eq!(first["Users"].as_array().unwrap().len(), 2);
    assert_eq!(first["IsTruncated"], true);
    let marker = first["Marker"].as_str().unwrap().to_string();
    let second = ok(
        &mut w,
        "ListUsers",
        json!({"MaxItems": "2", "Marker": marker}),
    );
    assert_eq!(second["Users"][0]["UserName"], "u2");
    let all = ok(&mut w, "ListUsers", json!({}));
    assert_eq!(all["Users"].as_array().unwrap().len(), 5);
    assert_eq!(all["IsTruncated"], false);
    assert_eq!(
        code(&mut w, "ListUsers", json!({"Marker": "forged"})).0,
        "InvalidInput"
    );
    assert_eq!(
        code(&mut w, "ListUsers", json!({"MaxItems": "0"})).0,
        "ValidationError"
    );
    assert_eq!(
        code(&mut w, "ListUsers", json!({"MaxItems": "x"})).0,
        "ValidationError"
    );
    // Another account sees none of them.
    let other = iam(&mut w, &root_caller("222222222222"), "ListUsers", json!({})).unwrap();
    assert_eq!(other["Users"], json!([]));
}

#[test]
fn deleting_a_user_with_attachments_is_a_delete_conflict() {
    let mut w = world();
    ok(&mut w, "CreateUser", json!({"UserName": "bob"}));
    ok(&mut w, "CreateGroup", json!({"GroupName": "ops"}));
    ok(
        &mut w,
        "AddUserToGroup",
        json!({"GroupName": "ops", "UserName": "bob"}),
    );
    assert_eq!(
        code(&mut w, "DeleteUser", json!({"UserName": "bob"})),
        ("DeleteConflict".into(), 409)
    );
    assert_eq!(
        code(&mut w, "DeleteGroup", json!({"GroupName": "ops"})).0,
        "DeleteConflict"
    );
    let group = ok(&mut w, "GetGroup", json!({"GroupName": "ops"}));
    assert_eq!(group["Users"][0]["UserName"], "bob");
    ok(
        &mut w,
        "RemoveUserFromGroup",
        json!({"GroupName": "ops", "UserName": "bob"}),
    );
    ok(&mut w, "DeleteUser", json!({"UserName": "bob"}));
    ok(&mut w, "DeleteGroup", json!({"GroupName": "ops"}));
}

#[test]
fn access_keys_are_limited_to_two_and_authenticate_while_active() {
    let mut w = world();
    ok(&mut w, "CreateUser", json!({"UserName": "ci"}));
    let key = ok(&mut w, "CreateAccessKey", json!({"UserName": "ci"}));
    let id = key["AccessKey"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("AKIA") && id.len() == 20);
    assert_eq!(
        key["AccessKey"]["SecretAccessKey"].as_str().unwrap().len(),
        40
    );
    ok(&mut w, "CreateAccessKey", json!({"UserName": "ci"}));
    assert_eq!(
        code(&mut w, "CreateAccessKey", json!({"UserName": "ci"})),
        ("LimitExceeded".into(), 409)
    );
    let scope = crate::auth::CredentialScope {
        access_key_id: id.clone(),
        date: "20240101".into(),
        region: "us-east-1".into(),
        service: "iam".into(),
    };
    let caller = crate::auth::resolve_caller(&w, &scope, crate::auth::CodeStyle::Query).unwrap();
    assert_eq!(caller.arn(), "arn:aws:iam::111111111111:user/ci");
    ok(
        &mut w,
        "UpdateAccessKey",
        json!({"UserName": "ci", "AccessKeyId": id, "Status": "Inactive"}),
    );
    let e = crate::auth::resolve_caller(&w, &scope, crate::auth::CodeStyle::Query).unwrap_err();
    assert_eq!(e.code, "InvalidClientTokenId");
    ok(
        &mut w,
        "DeleteAccessKey",
        json!({"UserName": "ci", "AccessKeyId": id}),
    );
    let e = crate::auth::resolve_caller(&w, &scope, crate::auth::CodeStyle::Query).unwrap_err();
    assert_eq!(
        e.code, "InvalidClientTokenId",
        "a deleted key is not the default account"
    );
}

#[test]
fn managed_policies_have_versions_and_documents_come_back_url_encoded() {
    let mut w = world();
    let created = ok(
        &mut w,
        "CreatePolicy",
        json!({"PolicyName": "s3", "PolicyDocument": ALLOW_S3}),
    );
    let arn = created["Policy"]["Arn"].as_str().unwrap().to_string();
    assert_eq!(arn, "arn:aws:iam::111111111111:policy/s3");
    assert_eq!(
        code(
            &mut w,
            "CreatePolicy",
            json!({"PolicyName": "bad", "PolicyDocument": "{"})
        )
        .0,
        "MalformedPolicyDocument"
    );
    for _ in 0..4 {
        ok(
            &mut w,
            "CreatePolicyVersion",
            json!({"PolicyArn": arn, "PolicyDocument": ALLOW_S3, "SetAsDefault": "true"}),
        );
    }
    assert_eq!(
        code(
            &mut w,
            "CreatePolicyVersion",
            json!({"PolicyArn": arn, "PolicyDocument": ALLOW_S3})
        )
        .0,
        "LimitExceeded"
    );
    let version = ok(
        &mut w,
        "GetPolicyVersion",
        json!({"PolicyArn": arn, "VersionId": "v5"}),
    );
    assert_eq!(version["PolicyVersion"]["IsDefaultVersion"], true);
    assert!(version["PolicyVersion"]["Document"]
        .as_str()
        .unwrap()
        .starts_with("%7B%22Version%22"));
    assert_eq!(
        code(
            &mut w,
            "DeletePolicyVersion",
            json!({"PolicyArn": arn, "VersionId": "v5"})
        )
        .0,
        "DeleteConflict"
    );
    ok(&mut w, "CreateUser", json!({"UserName": "u"}));
    ok(
        &mut w,
        "AttachUserPolicy",
        json!({"UserName": "u", "PolicyArn": arn}),
    );
    assert_eq!(
        ok(&mut w, "GetPolicy", json!({"PolicyArn": arn}))["Policy"]["AttachmentCount"],
        1
    );
    assert_eq!(
        code(&mut w, "DeletePolicy", json!({"PolicyArn": arn})).0,
        "DeleteConflict"
    );
    let entities = ok(&mut w, "ListEntitiesForPolicy", json!({"PolicyArn": arn}));
    assert_eq!(entities["PolicyUsers"][0]["UserName"], "u");
    // AWS managed policies are there to attach, and read-only.
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    assert_eq!(
        ok(&mut w, "GetPolicy", json!({"PolicyArn": admin}))["Policy"]["PolicyName"],
        "AdministratorAccess"
    );
    assert_eq!(
        code(&mut w, "DeletePolicy", json!({"PolicyArn": admin})).0,
        "InvalidInput"
    );
    assert_eq!(
        code(
            &mut w,
            "AttachUserPolicy",
            json!({"UserName": "u", "PolicyArn": "arn:aws:iam::aws:policy/Nope"})
        )
        .0,
        "NoSuchEntity"
    );
    let aws_only = ok(
        &mut w,
        "ListPolicies",
        json!({"Scope": "AWS", "MaxItems": "1000"}),
    );
    assert!(aws_only["Policies"].as_array().unwrap().len() >= 15);
}

#[test]
fn inline_policies_and_role_quotas() {
    let mut w = world();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    ok(
        &mut w,
        "CreateRole",
        json!({"RoleName": "app", "AssumeRolePolicyDocument": trust, "MaxSessionDuration": "7200"}),
    );
    assert_eq!(
        code(
            &mut w,
            "CreateRole",
            json!({"RoleName": "x", "AssumeRolePolicyDocument": trust, "MaxSessionDuration": "60"})
        )
        .0,
        "ValidationError"
    );
    assert_eq!(
        code(
            &mut w,
            "CreateRole",
            json!({"RoleName": "y", "AssumeRolePolicyDocument": ALLOW_S3})
        )
        .0,
        "MalformedPolicyDocument"
    );
    ok(
        &mut w,
        "PutRolePolicy",
        json!({"RoleName": "app", "PolicyName": "s3", "PolicyDocument": ALLOW_S3}),
    );
    let got = ok(
        &mut w,
        "GetRolePolicy",
        json!({"RoleName": "app", "PolicyName": "S3"}),
    );
    assert_eq!(
        (got["RoleName"].as_str(), got["PolicyName"].as_str()),
        (Some("app"), Some("s3"))
    );
    assert_eq!(
        ok(&mut w, "ListRolePolicies", json!({"RoleName": "app"}))["PolicyNames"],
        json!(["s3"])
    );
    let huge = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "a".repeat(11_000)
    );
    assert_eq!(
        code(
            &mut w,
            "PutRolePolicy",
            json!({"RoleName": "app", "PolicyName": "big", "PolicyDocument": huge})
        )
        .0,
        "LimitExceeded"
    );
    assert_eq!(
        code(&mut w, "DeleteRole", json!({"RoleName": "app"})).0,
        "DeleteConflict"
    );
    for name in ["AdministratorAccess", "ReadOnlyAccess", "SecurityAudit"] {
        ok(
            &mut w,
            "AttachRolePolicy",
            json!({"RoleName": "app", "PolicyArn": format!("arn:aws:iam::aws:policy/{name}")}),
        );
    }
    let attached = ok(
        &mut w,
        "ListAttachedRolePolicies",
        json!({"RoleName": "app"}),
    );
    assert_eq!(attached["AttachedPolicies"].as_array().unwrap().len(), 3);
    let role = ok(&mut w, "GetRole", json!({"RoleName": "app"}));
    assert_eq!(role["Role"]["MaxSessionDuration"], 7200);
}

#[test]
fn virtual_mfa_enables_with_two_consecutive_totp_codes() {
    use base64::Engine;
    let mut w = world();
    w.clock.pinned_ms = Some(1_700_000_000_000);
    ok(&mut w, "CreateUser", json!({"UserName": "m"}));
    let device = ok(
        &mut w,
        "CreateVirtualMFADevice",
        json!({"VirtualMFADeviceName": "m"}),
    );
    let serial = device["VirtualMFADevice"]["SerialNumber"]
        .as_str()
        .unwrap()
        .to_string();
    let seed_b64 = device["VirtualMFADevice"]["Base32StringSeed"]
        .as_str()
        .unwrap();
    let seed = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(seed_b64)
            .unwrap(),
    )
    .unwrap();
    let step = super::totp::step(1_700_000_000_000);
    let (c1, c2) = (
        super::totp::code_at(&seed, step - 1).unwrap(),
        super::totp::code_at(&seed, step).unwrap(),
    );
    let wrong = if c1 == "000000" { "111111" } else { "000000" };
    let e = iam(&mut w, &root_caller(ACCOUNT), "EnableMFADevice", json!({"UserName": "m", "SerialNumber": serial, "AuthenticationCode1": wrong, "AuthenticationCode2": c2})).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.status),
        ("InvalidAuthenticationCode", 403)
    );
    ok(
        &mut w,
        "EnableMFADevice",
        json!({"UserName": "m", "SerialNumber": serial, "AuthenticationCode1": c1, "AuthenticationCode2": c2}),
    );
    let devices = ok(&mut w, "ListMFADevices", json!({"UserName": "m"}));
    assert_eq!(devices["MFADevices"][0]["SerialNumber"], serial.as_str());
    assert_eq!(
        code(
            &mut w,
            "DeleteVirtualMFADevice",
            json!({"SerialNumber": serial})
        )
        .0,
        "DeleteConflict"
    );
    let assigned = ok(
        &mut w,
        "ListVirtualMFADevices",
        json!({"AssignmentStatus": "Assigned"}),
    );
    assert_eq!(assigned["VirtualMFADevices"][0]["User"]["UserName"], "m");
    ok(
        &mut w,
        "DeactivateMFADevice",
        json!({"UserName": "m", "SerialNumber": serial}),
    );
    ok(
        &mut w,
        "DeleteVirtualMFADevice",
        json!({"SerialNumber": serial}),
    );
}

#[test]
fn account_alias_password_policy_summary_and_report() {
    let mut w = world();
    ok(
        &mut w,
        "CreateAccountAlias",
        json!({"AccountAlias": "acme-prod"}),
    );
    assert_eq!(
        ok(&mut w, "ListAccountAliases", json!({}))["AccountAliases"],
        json!(["acme-prod"])
    );
    let e = iam(
        &mut w,
        &root_caller("222222222222"),
        "CreateAccountAlias",
        json!({"AccountAlias": "acme-prod"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "EntityAlreadyExists");
    assert_eq!(
        code(
            &mut w,
            "CreateAccountAlias",
            json!({"AccountAlias": "Bad--Alias"})
        )
        .0,
        "ValidationError"
    );
    assert_eq!(
        code(&mut w, "GetAccountPasswordPolicy", json!({})),
        ("NoSuchEntity".into(), 404)
    );
    ok(
        &mut w,
        "UpdateAccountPasswordPolicy",
        json!({"MinimumPasswordLength": "12", "RequireNumbers": "true"}),
    );
    ok(&mut w, "CreateUser", json!({"UserName": "p"}));
    assert_eq!(
        code(
            &mut w,
            "CreateLoginProfile",
            json!({"UserName": "p", "Password": "short1"})
        )
        .0,
        "PasswordPolicyViolation"
    );
    assert_eq!(
        code(
            &mut w,
            "CreateLoginProfile",
            json!({"UserName": "p", "Password": "longenoughbutnonumber"})
        )
        .0,
        "PasswordPolicyViolation"
    );
    ok(
        &mut w,
        "CreateLoginProfile",
        json!({"UserName": "p", "Password": "longenough12345"}),
    );
    let summary = ok(&mut w, "GetAccountSummary", json!({}));
    let entries = summary["SummaryMap"]["entry"].as_array().unwrap();
    let users = entries.iter().find(|e| e["key"] == "Users").unwrap();
    assert_eq!(users["value"], 1);
    assert_eq!(
        code(&mut w, "GetCredentialReport", json!({})),
        ("ReportNotPresent".into(), 410)
    );
    assert_eq!(
        ok(&mut w, "GenerateCredentialReport", json!({}))["State"],
        "STARTED"
    );
    assert_eq!(
        ok(&mut w, "GenerateCredentialReport", json!({}))["State"],
        "COMPLETE"
    );
    let report = ok(&mut w, "GetCredentialReport", json!({}));
    use base64::Engine;
    let csv = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(report["Content"].as_str().unwrap())
            .unwrap(),
    )
    .unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[1].starts_with("<root_account>,arn:aws:iam::111111111111:root,"));
    assert!(
        rows[2].starts_with("p,arn:aws:iam::111111111111:user/p,")
            && rows[2].split(',').nth(3) == Some("true")
    );
    assert_eq!(rows[0].split(',').count(), rows[2].split(',').count());
}

#[test]
fn service_linked_roles_belong_to_their_service() {
    let mut w = world();
    let out = ok(
        &mut w,
        "CreateServiceLinkedRole",
        json!({"AWSServiceName": "guardduty.amazonaws.com"}),
    );
    assert_eq!(out["Role"]["RoleName"], "AWSServiceRoleForAmazonGuardDuty");
    assert_eq!(
        code(
            &mut w,
            "CreateServiceLinkedRole",
            json!({"AWSServiceName": "guardduty.amazonaws.com"})
        )
        .0,
        "InvalidInput"
    );
    assert_eq!(
        code(
            &mut w,
            "DeleteRole",
            json!({"RoleName": "AWSServiceRoleForAmazonGuardDuty"})
        )
        .0,
        "UnmodifiableEntity"
    );
    let task = ok(
        &mut w,
        "DeleteServiceLinkedRole",
        json!({"RoleName": "AWSServiceRoleForAmazonGuardDuty"}),
    );
    let id = task["DeletionTaskId"].as_str().unwrap();
    assert_eq!(
        ok(
            &mut w,
            "GetServiceLinkedRoleDeletionStatus",
            json!({"DeletionTaskId": id})
        )["Status"],
        "SUCCEEDED"
    );
}

#[test]
fn guardduty_malware_protection_has_a_service_linked_role() {
    // updatefeatures.py creates it before enabling malware protection, and reads
    // "has been taken in this account" as already done.
    let mut w = world();
    let input = json!({"AWSServiceName": "malware-protection.guardduty.amazonaws.com"});
    let out = ok(&mut w, "CreateServiceLinkedRole", input.clone());
    assert_eq!(
        out["Role"]["RoleName"],
        "AWSServiceRoleForAmazonGuardDutyMalwareProtection"
    );
    assert_eq!(
        out["Role"]["Path"],
        "/aws-service-role/malware-protection.guardduty.amazonaws.com/"
    );
    let attached = ok(
        &mut w,
        "ListAttachedRolePolicies",
        json!({"RoleName": "AWSServiceRoleForAmazonGuardDutyMalwareProtection"}),
    );
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyArn"],
        "arn:aws:iam::aws:policy/aws-service-role/AmazonGuardDutyMalwareProtectionServiceRolePolicy"
    );
    let again = iam(
        &mut w,
        &root_caller(ACCOUNT),
        "CreateServiceLinkedRole",
        input,
    )
    .expect_err("a second role");
    assert_eq!(again.code, "InvalidInput");
    assert!(
        again.message.contains("has been taken in this account"),
        "{}",
        again.message
    );
}

#[test]
fn root_access_features_need_an_organization_with_trusted_access() {
    let mut w = world();
    assert_eq!(
        code(&mut w, "ListOrganizationsFeatures", json!({})).0,
        "OrganizationNotFoundException"
    );
    let mgmt = root_caller(ACCOUNT);
    w.begin_request();
    crate::services::organizations::dispatch(&mut w, &mgmt, "CreateOrganization", json!({}))
        .unwrap();
    assert_eq!(
        code(&mut w, "EnableOrganizationsRootSessions", json!({})).0,
        "ServiceAccessNotEnabledException"
    );
    w.begin_request();
    crate::services::organizations::dispatch(
        &mut w,
        &mgmt,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "iam.amazonaws.com"}),
    )
    .unwrap();
    let out = ok(
        &mut w,
        "EnableOrganizationsRootCredentialsManagement",
        json!({}),
    );
    assert_eq!(out["EnabledFeatures"], json!(["RootCredentialsManagement"]));
    let out = ok(&mut w, "EnableOrganizationsRootSessions", json!({}));
    assert_eq!(
        out["EnabledFeatures"],
        json!(["RootCredentialsManagement", "RootSessions"])
    );
    let out = ok(&mut w, "DisableOrganizationsRootSessions", json!({}));
    assert_eq!(out["EnabledFeatures"], json!(["RootCredentialsManagement"]));
}

#[test]
fn authorization_weighs_identity_policies_boundaries_and_groups() {
    let mut w = world();
    ok(&mut w, "CreateUser", json!({"UserName": "dev"}));
    let dev = user_caller(&w, "dev");
    let check = |w: &World, op: &str| {
        crate::authorize::authorize(w, &dev, ServiceId::Iam, op, &json!({}))
            .map_err(|d| d.message())
    };
    let e = check(&w, "ListUsers").unwrap_err();
    assert!(
        e.ends_with("because no identity-based policy allows the iam:ListUsers action"),
        "{e}"
    );
    // Through a group.
    ok(&mut w, "CreateGroup", json!({"GroupName": "readers"}));
    ok(
        &mut w,
        "AttachGroupPolicy",
        json!({"GroupName": "readers", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    );
    ok(
        &mut w,
        "AddUserToGroup",
        json!({"GroupName": "readers", "UserName": "dev"}),
    );
    assert_eq!(check(&w, "ListUsers"), Ok(()));
    assert!(check(&w, "CreateUser").is_err(), "read-only");
    ok(
        &mut w,
        "PutUserPolicy",
        json!({"UserName": "dev", "PolicyName": "deny", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoUsers","Effect":"Deny","Action":"iam:ListUsers","Resource":"*"}]}"#}),
    );
    let e = check(&w, "ListUsers").unwrap_err();
    assert!(
        e.ends_with("with an explicit deny in an identity-based policy"),
        "{e}"
    );
    ok(
        &mut w,
        "DeleteUserPolicy",
        json!({"UserName": "dev", "PolicyName": "deny"}),
    );
    let boundary = ok(
        &mut w,
        "CreatePolicy",
        json!({"PolicyName": "b", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#}),
    );
    ok(
        &mut w,
        "PutUserPermissionsBoundary",
        json!({"UserName": "dev", "PermissionsBoundary": boundary["Policy"]["Arn"]}),
    );
    assert_eq!(check(&w, "ListRoles"), Ok(()));
    let e = check(&w, "ListUsers").unwrap_err();
    assert!(
        e.ends_with("because no permissions boundary allows the iam:ListUsers action"),
        "{e}"
    );
    // The root user has no identity policies to satisfy.
    assert_eq!(
        crate::authorize::authorize(
            &w,
            &root_caller(ACCOUNT),
            ServiceId::Iam,
            "CreateUser",
            &json!({})
        ),
        Ok(())
    );
}

#[test]
fn unbuilt_operations_answer_not_implemented() {
    let mut w = world();
    let e = iam(
        &mut w,
        &root_caller(ACCOUNT),
        "ListDelegationRequests",
        json!({}),
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("NotImplemented", 501));
    assert!(
        super::IMPLEMENTED.len() >= 150,
        "{}",
        super::IMPLEMENTED.len()
    );
}

#[test]
fn the_simulator_reports_identity_boundary_and_organizations_decisions() {
    let mut w = world();
    ok(&mut w, "CreateUser", json!({"UserName": "sim"}));
    ok(
        &mut w,
        "AttachUserPolicy",
        json!({"UserName": "sim", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}),
    );
    let out = ok(
        &mut w,
        "SimulatePrincipalPolicy",
        json!({
            "PolicySourceArn": "arn:aws:iam::111111111111:user/sim",
            "ActionNames": ["iam:ListUsers", "iam:CreateUser"],
        }),
    );
    let results = out["EvaluationResults"].as_array().unwrap();
    assert_eq!(results[0]["EvalDecision"], "allowed");
    assert_eq!(
        results[0]["MatchedStatements"][0]["SourcePolicyType"],
        "aws-managed"
    );
    assert_eq!(results[1]["EvalDecision"], "implicitDeny");
    let custom = ok(
        &mut w,
        "SimulateCustomPolicy",
        json!({
            "PolicyInputList": [r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#],
            "ActionNames": ["s3:GetObject"],
            "ContextEntries": [{"ContextKeyName": "aws:RequestedRegion", "ContextKeyValues": ["eu-west-1"], "ContextKeyType": "string"}],
        }),
    );
    assert_eq!(
        custom["EvaluationResults"][0]["EvalDecision"],
        "explicitDeny"
    );
    let keys = ok(
        &mut w,
        "GetContextKeysForCustomPolicy",
        json!({
            "PolicyInputList": [r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#],
        }),
    );
    assert_eq!(keys["ContextKeyNames"], json!(["aws:RequestedRegion"]));
    let job = ok(
        &mut w,
        "GenerateServiceLastAccessedDetails",
        json!({"Arn": "arn:aws:iam::111111111111:user/sim"}),
    );
    let details = ok(
        &mut w,
        "GetServiceLastAccessedDetails",
        json!({"JobId": job["JobId"]}),
    );
    assert_eq!(details["JobStatus"], "COMPLETED");
    assert!(details["ServicesLastAccessed"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["ServiceNamespace"] == "iam"));
}

#[test]
fn a_key_records_its_last_use() {
    let mut w = world();
    ok(&mut w, "CreateUser", json!({"UserName": "k"}));
    let key = ok(&mut w, "CreateAccessKey", json!({"UserName": "k"}));
    let id = key["AccessKey"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let unused = ok(&mut w, "GetAccessKeyLastUsed", json!({"AccessKeyId": id}));
    assert_eq!(unused["AccessKeyLastUsed"]["ServiceName"], "N/A");
    let mut caller = user_caller(&w, "k");
    caller.access_key_id = id.clone();
    caller.region = "eu-west-1".into();
    super::record_key_use(&mut w, &caller, "guardduty");
    let used = ok(&mut w, "GetAccessKeyLastUsed", json!({"AccessKeyId": id}));
    assert_eq!(used["UserName"], "k");
    assert_eq!(used["AccessKeyLastUsed"]["ServiceName"], "guardduty");
    assert_eq!(used["AccessKeyLastUsed"]["Region"], "eu-west-1");
}
