//! sso-admin unit tests: the organization instance, permission sets, assignments and
//! the roles they provision, the delegated administrator's limits, the session
//! convention, and the organization's events.

use serde_json::{json, Value};

use super::test_support::run;
use crate::api::ApiError;
use crate::auth::Caller;
use crate::services::guardduty::test_support::{org_call, org_with_accounts, MANAGEMENT};
use crate::services::identitystore;
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

fn ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
    run(world, &root_caller(account), op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn err(world: &mut World, account: &str, op: &str, input: Value) -> ApiError {
    run(world, &root_caller(account), op, input).expect_err("expected an error")
}

fn store_ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
    identitystore::test_support::run(world, &root_caller(account), op, input)
        .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

/// An organization with `n` members and Identity Center on: (members, instance ARN,
/// identity store id).
fn identity_center(world: &mut World, n: usize) -> (Vec<String>, String, String) {
    let members = org_with_accounts(world, n);
    org_call(
        world,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "sso.amazonaws.com"}),
    );
    let out = ok(world, MANAGEMENT, "ListInstances", json!({}));
    let instance = out["Instances"][0]["InstanceArn"]
        .as_str()
        .unwrap()
        .to_string();
    let store = out["Instances"][0]["IdentityStoreId"]
        .as_str()
        .unwrap()
        .to_string();
    (members, instance, store)
}

fn permission_set(world: &mut World, instance: &str, name: &str) -> String {
    let out = ok(
        world,
        MANAGEMENT,
        "CreatePermissionSet",
        json!({"InstanceArn": instance, "Name": name, "SessionDuration": "PT4H"}),
    );
    out["PermissionSet"]["PermissionSetArn"]
        .as_str()
        .unwrap()
        .to_string()
}

fn user(world: &mut World, store: &str, name: &str) -> String {
    let out = store_ok(
        world,
        MANAGEMENT,
        "CreateUser",
        json!({"IdentityStoreId": store, "UserName": name, "DisplayName": name,
               "Name": {"GivenName": name, "FamilyName": "Doe"}}),
    );
    out["UserId"].as_str().unwrap().to_string()
}

fn assign(world: &mut World, instance: &str, account: &str, ps: &str, principal: &str) -> Value {
    ok(
        world,
        MANAGEMENT,
        "CreateAccountAssignment",
        json!({"InstanceArn": instance, "TargetId": account, "TargetType": "AWS_ACCOUNT",
               "PermissionSetArn": ps, "PrincipalType": "USER", "PrincipalId": principal}),
    )
}

fn reserved_roles(world: &World, account: &str) -> Vec<crate::services::iam::model::Role> {
    let prefix = format!("{account}/awsreservedsso_");
    world
        .iam
        .roles
        .iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .map(|(_, role)| (**role).clone())
        .collect()
}

#[test]
fn the_organization_instance_exists_once_trusted_access_is_on() {
    let mut w = world();
    let members = org_with_accounts(&mut w, 2);
    let out = ok(&mut w, MANAGEMENT, "ListInstances", json!({}));
    assert_eq!(out["Instances"], json!([]));
    org_call(
        &mut w,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "sso.amazonaws.com"}),
    );
    let out = ok(&mut w, MANAGEMENT, "ListInstances", json!({}));
    let instance = &out["Instances"][0];
    let arn = instance["InstanceArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:sso:::instance/ssoins-") && arn.len() == 46,
        "{arn}"
    );
    let store = instance["IdentityStoreId"].as_str().unwrap();
    assert!(store.starts_with("d-") && store.len() == 12, "{store}");
    assert_eq!(instance["OwnerAccountId"], MANAGEMENT);
    assert_eq!(instance["Status"], "ACTIVE");
    for account in members.iter().map(String::as_str).chain([MANAGEMENT]) {
        assert!(
            w.iam.role(account, "AWSServiceRoleForSSO").is_some(),
            "SLR in {account}"
        );
    }
    // A joiner gets the service-linked role too.
    let joiner = crate::services::guardduty::test_support::create_org_account(&mut w, 9);
    assert!(w.iam.role(&joiner, "AWSServiceRoleForSSO").is_some());
    // Members see no instance; the management account cannot make an account instance.
    let out = ok(&mut w, &members[0], "ListInstances", json!({}));
    assert_eq!(out["Instances"], json!([]));
    let e = err(&mut w, MANAGEMENT, "CreateInstance", json!({}));
    assert_eq!(e.code, "ValidationException");
}

#[test]
fn account_instances_are_one_per_account_and_have_no_permission_sets() {
    let mut w = world();
    let out = ok(
        &mut w,
        "222222222222",
        "CreateInstance",
        json!({"Name": "standalone"}),
    );
    let arn = out["InstanceArn"].as_str().unwrap().to_string();
    let e = err(&mut w, "222222222222", "CreateInstance", json!({}));
    assert_eq!(e.code, "ConflictException");
    let out = ok(
        &mut w,
        "222222222222",
        "DescribeInstance",
        json!({"InstanceArn": arn}),
    );
    assert_eq!(out["Name"], "standalone");
    let e = err(
        &mut w,
        "222222222222",
        "CreatePermissionSet",
        json!({"InstanceArn": arn, "Name": "Admin"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        "333333333333",
        "DescribeInstance",
        json!({"InstanceArn": arn}),
    );
    assert_eq!(e.code, "AccessDeniedException");
    ok(
        &mut w,
        "222222222222",
        "DeleteInstance",
        json!({"InstanceArn": arn}),
    );
    let out = ok(&mut w, "222222222222", "ListInstances", json!({}));
    assert_eq!(out["Instances"], json!([]));
}

#[test]
fn permission_sets_validate_and_are_unique_by_name() {
    let mut w = world();
    let (_, instance, _) = identity_center(&mut w, 0);
    let ps = permission_set(&mut w, &instance, "ReadOnly");
    assert!(ps.contains("/ps-"), "{ps}");
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreatePermissionSet",
        json!({"InstanceArn": instance, "Name": "readonly"}),
    );
    assert_eq!(e.code, "ConflictException");
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreatePermissionSet",
        json!({"InstanceArn": instance, "Name": "Long", "SessionDuration": "PT13H"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreatePermissionSet",
        json!({"InstanceArn": instance, "Name": "bad name"}),
    );
    assert_eq!(e.code, "ValidationException");
    ok(
        &mut w,
        MANAGEMENT,
        "UpdatePermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps, "RelayState": "https://console.aws.amazon.com/", "Description": "read"}),
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribePermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps}),
    );
    assert_eq!(out["PermissionSet"]["SessionDuration"], "PT4H");
    assert_eq!(out["PermissionSet"]["Description"], "read");
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListPermissionSets",
        json!({"InstanceArn": instance}),
    );
    assert_eq!(out["PermissionSets"], json!([ps]));
    let input = json!({"InstanceArn": instance, "PermissionSetArn": ps,
                       "ManagedPolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"});
    ok(
        &mut w,
        MANAGEMENT,
        "AttachManagedPolicyToPermissionSet",
        input.clone(),
    );
    assert_eq!(
        err(
            &mut w,
            MANAGEMENT,
            "AttachManagedPolicyToPermissionSet",
            input
        )
        .code,
        "ConflictException"
    );
    let e = err(
        &mut w,
        MANAGEMENT,
        "PutInlinePolicyToPermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps, "InlinePolicy": "{not json"}),
    );
    assert_eq!(e.code, "ValidationException");
    ok(
        &mut w,
        MANAGEMENT,
        "TagResource",
        json!({"InstanceArn": instance, "ResourceArn": ps, "Tags": [{"Key": "team", "Value": "sec"}]}),
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListTagsForResource",
        json!({"InstanceArn": instance, "ResourceArn": ps}),
    );
    assert_eq!(out["Tags"], json!([{"Key": "team", "Value": "sec"}]));
    ok(
        &mut w,
        MANAGEMENT,
        "DeletePermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps}),
    );
}

#[test]
fn an_assignment_provisions_the_reserved_role_and_its_removal_removes_it() {
    let mut w = world();
    let (members, instance, store) = identity_center(&mut w, 2);
    let dev = members[0].clone();
    let ps = permission_set(&mut w, &instance, "ReadOnly");
    let target = json!({"InstanceArn": instance, "PermissionSetArn": ps});
    let mut attach = target.clone();
    attach["ManagedPolicyArn"] = json!("arn:aws:iam::aws:policy/ReadOnlyAccess");
    ok(
        &mut w,
        MANAGEMENT,
        "AttachManagedPolicyToPermissionSet",
        attach,
    );
    let mut inline = target.clone();
    inline["InlinePolicy"] = json!(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#
    );
    ok(&mut w, MANAGEMENT, "PutInlinePolicyToPermissionSet", inline);
    let alice = user(&mut w, &store, "alice");

    let out = assign(&mut w, &instance, &dev, &ps, &alice);
    let status = &out["AccountAssignmentCreationStatus"];
    assert_eq!(status["Status"], "IN_PROGRESS");
    let request = status["RequestId"].as_str().unwrap().to_string();
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeAccountAssignmentCreationStatus",
        json!({"InstanceArn": instance, "AccountAssignmentCreationRequestId": request}),
    );
    assert_eq!(
        out["AccountAssignmentCreationStatus"]["Status"],
        "SUCCEEDED"
    );

    let roles = reserved_roles(&w, &dev);
    assert_eq!(roles.len(), 1);
    let role = &roles[0];
    let suffix = role.name.strip_prefix("AWSReservedSSO_ReadOnly_").unwrap();
    assert_eq!(suffix.len(), 16);
    assert!(suffix.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(role.path, "/aws-reserved/sso.amazonaws.com/");
    assert_eq!(role.max_session_duration, 4 * 3600);
    assert_eq!(
        role.attached[0].arn,
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
    assert!(role.inline.contains_key("awsssoinlinepolicy"));
    assert!(role.trust_policy.text.contains(":saml-provider/AWSSSO_"));
    assert!(role.trust_policy.text.contains("_DO_NOT_DELETE"));
    assert!(w
        .iam
        .saml_providers
        .values()
        .any(|p| p.account_id == dev && p.name.starts_with("AWSSSO_")));
    assert!(reserved_roles(&w, &members[1]).is_empty());

    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListAccountsForProvisionedPermissionSet",
        target.clone(),
    );
    assert_eq!(out["AccountIds"], json!([dev]));
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListPermissionSetsProvisionedToAccount",
        json!({"InstanceArn": instance, "AccountId": dev}),
    );
    assert_eq!(out["PermissionSets"], json!([ps]));
    let mut list = target.clone();
    list["AccountId"] = json!(dev);
    let out = ok(&mut w, MANAGEMENT, "ListAccountAssignments", list);
    assert_eq!(out["AccountAssignments"][0]["PrincipalId"], json!(alice));

    // A change is not provisioned until ProvisionPermissionSet.
    let mut attach = target.clone();
    attach["ManagedPolicyArn"] = json!("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess");
    ok(
        &mut w,
        MANAGEMENT,
        "AttachManagedPolicyToPermissionSet",
        attach,
    );
    let mut stale = target.clone();
    stale["ProvisioningStatus"] = json!("LATEST_PERMISSION_SET_NOT_PROVISIONED");
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListAccountsForProvisionedPermissionSet",
        stale.clone(),
    );
    assert_eq!(out["AccountIds"], json!([dev]));
    let mut provision = target.clone();
    provision["TargetType"] = json!("ALL_PROVISIONED_ACCOUNTS");
    let out = ok(&mut w, MANAGEMENT, "ProvisionPermissionSet", provision);
    assert_eq!(
        out["PermissionSetProvisioningStatus"]["Status"],
        "IN_PROGRESS"
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListAccountsForProvisionedPermissionSet",
        stale,
    );
    assert_eq!(out["AccountIds"], json!([]));
    assert_eq!(reserved_roles(&w, &dev)[0].attached.len(), 2);

    // A permission set still assigned cannot be deleted.
    assert_eq!(
        err(&mut w, MANAGEMENT, "DeletePermissionSet", target.clone()).code,
        "ConflictException"
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DeleteAccountAssignment",
        json!({"InstanceArn": instance, "TargetId": dev, "TargetType": "AWS_ACCOUNT",
               "PermissionSetArn": ps, "PrincipalType": "USER", "PrincipalId": alice}),
    );
    assert_eq!(
        out["AccountAssignmentDeletionStatus"]["Status"],
        "IN_PROGRESS"
    );
    assert!(reserved_roles(&w, &dev).is_empty());
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListAccountAssignmentDeletionStatus",
        json!({"InstanceArn": instance, "Filter": {"Status": "SUCCEEDED"}}),
    );
    assert_eq!(
        out["AccountAssignmentsDeletionStatus"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_missing_customer_managed_policy_fails_the_assignment() {
    let mut w = world();
    let (members, instance, store) = identity_center(&mut w, 1);
    let ps = permission_set(&mut w, &instance, "Custom");
    ok(
        &mut w,
        MANAGEMENT,
        "AttachCustomerManagedPolicyReferenceToPermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps,
               "CustomerManagedPolicyReference": {"Name": "TeamPolicy"}}),
    );
    let alice = user(&mut w, &store, "alice");
    let out = assign(&mut w, &instance, &members[0], &ps, &alice);
    let request = out["AccountAssignmentCreationStatus"]["RequestId"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeAccountAssignmentCreationStatus",
        json!({"InstanceArn": instance, "AccountAssignmentCreationRequestId": request}),
    );
    assert_eq!(out["AccountAssignmentCreationStatus"]["Status"], "FAILED");
    assert!(out["AccountAssignmentCreationStatus"]["FailureReason"]
        .as_str()
        .unwrap()
        .contains("TeamPolicy"));
    assert!(reserved_roles(&w, &members[0]).is_empty());
}

#[test]
fn roles_outside_us_east_1_carry_the_region_in_their_path() {
    let mut w = world();
    let members = org_with_accounts(&mut w, 1);
    org_call(
        &mut w,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "sso.amazonaws.com"}),
    );
    let mut caller = root_caller(MANAGEMENT);
    caller.region = "eu-west-1".into();
    let out = run(&mut w, &caller, "ListInstances", json!({})).unwrap();
    let instance = out["Instances"][0]["InstanceArn"]
        .as_str()
        .unwrap()
        .to_string();
    let store = out["Instances"][0]["IdentityStoreId"]
        .as_str()
        .unwrap()
        .to_string();
    let ps = permission_set(&mut w, &instance, "Ops");
    let bob = user(&mut w, &store, "bob");
    assign(&mut w, &instance, &members[0], &ps, &bob);
    assert_eq!(
        reserved_roles(&w, &members[0])[0].path,
        "/aws-reserved/sso.amazonaws.com/eu-west-1/"
    );
}

#[test]
fn the_delegated_administrator_may_not_touch_the_management_account() {
    let mut w = world();
    let (members, instance, store) = identity_center(&mut w, 2);
    let admin = members[0].clone();
    org_call(
        &mut w,
        MANAGEMENT,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": admin, "ServicePrincipal": "sso.amazonaws.com"}),
    );
    let out = ok(&mut w, &admin, "ListInstances", json!({}));
    assert_eq!(out["Instances"][0]["InstanceArn"], json!(instance));
    let ps = permission_set(&mut w, &instance, "Admin");
    let alice = user(&mut w, &store, "alice");
    assign(&mut w, &instance, MANAGEMENT, &ps, &alice);
    // The delegated admin cannot change what is provisioned to the management account…
    let e = err(
        &mut w,
        &admin,
        "UpdatePermissionSet",
        json!({"InstanceArn": instance, "PermissionSetArn": ps, "Description": "x"}),
    );
    assert_eq!(e.code, "AccessDeniedException");
    // …nor assign in it, but manages everything else.
    let other = ok(
        &mut w,
        &admin,
        "CreatePermissionSet",
        json!({"InstanceArn": instance, "Name": "Dev"}),
    )["PermissionSet"]["PermissionSetArn"]
        .as_str()
        .unwrap()
        .to_string();
    let input = json!({"InstanceArn": instance, "TargetId": MANAGEMENT, "TargetType": "AWS_ACCOUNT",
                       "PermissionSetArn": other, "PrincipalType": "USER", "PrincipalId": alice});
    assert_eq!(
        err(&mut w, &admin, "CreateAccountAssignment", input).code,
        "AccessDeniedException"
    );
    let input = json!({"InstanceArn": instance, "TargetId": members[1], "TargetType": "AWS_ACCOUNT",
                       "PermissionSetArn": other, "PrincipalType": "USER", "PrincipalId": alice});
    ok(&mut w, &admin, "CreateAccountAssignment", input);
    // An account that is neither is refused.
    let e = err(
        &mut w,
        &members[1],
        "ListPermissionSets",
        json!({"InstanceArn": instance}),
    );
    assert_eq!(e.code, "AccessDeniedException");
}

#[test]
fn a_leaver_loses_its_assignments_and_roles() {
    let mut w = world();
    let (members, instance, store) = identity_center(&mut w, 1);
    let ps = permission_set(&mut w, &instance, "ReadOnly");
    let alice = user(&mut w, &store, "alice");
    assign(&mut w, &instance, &members[0], &ps, &alice);
    assert_eq!(reserved_roles(&w, &members[0]).len(), 1);
    // Removing an account needs it to be old enough and standalone-capable.
    w.clock.advance(8 * 86_400_000);
    w.begin_request();
    let removed = crate::services::organizations::dispatch(
        &mut w,
        &root_caller(MANAGEMENT),
        "RemoveAccountFromOrganization",
        json!({"AccountId": members[0]}),
    );
    if removed.is_err() {
        // The account is not standalone-capable in orgsim's model: drive the event.
        let organization_id = w.ssoadmin.org_instances.keys().next().unwrap().clone();
        crate::events::publish(
            &mut w,
            &crate::events::OrgEvent::AccountLeft {
                organization_id,
                account_id: members[0].clone(),
            },
        );
    }
    assert!(reserved_roles(&w, &members[0]).is_empty());
    assert!(w.ssoadmin.assignments.is_empty());
}

fn assume(
    world: &mut World,
    caller: &Caller,
    role_arn: &str,
    session: &str,
) -> Result<Value, ApiError> {
    world.begin_request();
    crate::services::sts::dispatch(
        world,
        caller,
        "AssumeRole",
        json!({"RoleArn": role_arn, "RoleSessionName": session}),
    )
}

#[test]
fn a_user_session_needs_an_assignment_of_that_user() {
    let mut w = world();
    let (members, instance, store) = identity_center(&mut w, 1);
    let dev = members[0].clone();
    let ps = permission_set(&mut w, &instance, "ReadOnly");
    let alice = user(&mut w, &store, "alice");
    user(&mut w, &store, "mallory");
    // Bob gets the permission set through a group.
    let bob = user(&mut w, &store, "bob");
    let group = store_ok(
        &mut w,
        MANAGEMENT,
        "CreateGroup",
        json!({"IdentityStoreId": store, "DisplayName": "Readers"}),
    )["GroupId"]
        .as_str()
        .unwrap()
        .to_string();
    store_ok(
        &mut w,
        MANAGEMENT,
        "CreateGroupMembership",
        json!({"IdentityStoreId": store, "GroupId": group, "MemberId": {"UserId": bob}}),
    );
    assign(&mut w, &instance, &dev, &ps, &alice);
    ok(
        &mut w,
        MANAGEMENT,
        "CreateAccountAssignment",
        json!({"InstanceArn": instance, "TargetId": dev, "TargetType": "AWS_ACCOUNT",
               "PermissionSetArn": ps, "PrincipalType": "GROUP", "PrincipalId": group}),
    );
    let role = reserved_roles(&w, &dev)[0].clone();
    let arn = role.arn(&dev);
    let management = root_caller(MANAGEMENT);
    let out = assume(&mut w, &management, &arn, "alice").expect("alice is assigned");
    assert!(out["AssumedRoleUser"]["Arn"]
        .as_str()
        .unwrap()
        .ends_with(&format!("{}/alice", role.name)));
    assume(&mut w, &management, &arn, "bob").expect("bob is assigned through his group");
    let e = assume(&mut w, &management, &arn, "mallory").unwrap_err();
    assert_eq!(e.code, "AccessDenied");
    let e = assume(&mut w, &management, &arn, "nobody").unwrap_err();
    assert_eq!(e.code, "AccessDenied");
}

#[test]
fn bad_input_is_a_validation_error() {
    let mut w = world();
    let (_, instance, _) = identity_center(&mut w, 0);
    for (op, input) in [
        (
            "DescribeInstance",
            json!({"InstanceArn": "arn:aws:sso:::instance/nope"}),
        ),
        ("ListPermissionSets", json!({})),
        (
            "ListPermissionSets",
            json!({"InstanceArn": instance, "MaxResults": 0}),
        ),
        (
            "ListPermissionSets",
            json!({"InstanceArn": instance, "NextToken": "forged"}),
        ),
        (
            "DescribePermissionSet",
            json!({"InstanceArn": instance, "PermissionSetArn": "arn:aws:sso:::permissionSet/x"}),
        ),
        (
            "CreateAccountAssignment",
            json!({"InstanceArn": instance, "TargetId": "1", "TargetType": "AWS_ACCOUNT",
            "PermissionSetArn": "p", "PrincipalType": "USER", "PrincipalId": "x"}),
        ),
        (
            "AddRegion",
            json!({"InstanceArn": instance, "RegionName": "mars-1"}),
        ),
    ] {
        let e = err(&mut w, MANAGEMENT, op, input);
        assert_eq!(e.code, "ValidationException", "{op}: {e:?}");
        assert_eq!(e.message_key, "Message");
    }
}

#[test]
fn regions_access_control_and_applications() {
    let mut w = world();
    let (_, instance, store) = identity_center(&mut w, 0);
    let out = ok(
        &mut w,
        MANAGEMENT,
        "AddRegion",
        json!({"InstanceArn": instance, "RegionName": "eu-west-1"}),
    );
    assert_eq!(out["Status"], "ACTIVE");
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListRegions",
        json!({"InstanceArn": instance}),
    );
    assert_eq!(out["Regions"].as_array().unwrap().len(), 2);
    let e = err(
        &mut w,
        MANAGEMENT,
        "RemoveRegion",
        json!({"InstanceArn": instance, "RegionName": "us-east-1"}),
    );
    assert_eq!(e.code, "ValidationException");

    let config = json!({"AccessControlAttributes": [{"Key": "team", "Value": {"Source": ["${path:enterprise.department}"]}}]});
    ok(
        &mut w,
        MANAGEMENT,
        "CreateInstanceAccessControlAttributeConfiguration",
        json!({"InstanceArn": instance, "InstanceAccessControlAttributeConfiguration": config}),
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeInstanceAccessControlAttributeConfiguration",
        json!({"InstanceArn": instance}),
    );
    assert_eq!(out["Status"], "ENABLED");

    let out = ok(
        &mut w,
        MANAGEMENT,
        "CreateApplication",
        json!({"InstanceArn": instance, "Name": "wiki",
        "ApplicationProviderArn": "arn:aws:sso::aws:applicationProvider/custom"}),
    );
    let app = out["ApplicationArn"].as_str().unwrap().to_string();
    assert!(app.starts_with(&format!("arn:aws:sso::{MANAGEMENT}:application/ssoins-")));
    let alice = user(&mut w, &store, "alice");
    ok(
        &mut w,
        MANAGEMENT,
        "CreateApplicationAssignment",
        json!({"ApplicationArn": app, "PrincipalId": alice, "PrincipalType": "USER"}),
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListApplicationAssignmentsForPrincipal",
        json!({"InstanceArn": instance, "PrincipalId": alice, "PrincipalType": "USER"}),
    );
    assert_eq!(
        out["ApplicationAssignments"][0]["ApplicationArn"],
        json!(app)
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "CreateTrustedTokenIssuer",
        json!({"InstanceArn": instance, "Name": "okta",
        "TrustedTokenIssuerType": "OIDC_JWT", "TrustedTokenIssuerConfiguration": {"OidcJwtConfiguration": {
            "IssuerUrl": "https://example.okta.com", "ClaimAttributePath": "email",
            "IdentityStoreAttributePath": "emails.value", "JwksRetrievalOption": "OPEN_ID_DISCOVERY"}}}),
    );
    let tti = out["TrustedTokenIssuerArn"].as_str().unwrap().to_string();
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeTrustedTokenIssuer",
        json!({"TrustedTokenIssuerArn": tti}),
    );
    assert_eq!(out["Name"], "okta");
}
