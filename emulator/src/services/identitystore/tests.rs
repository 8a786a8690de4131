//! Identity Store unit tests: users, groups and memberships of the organization
//! instance's store, uniqueness, alternate identifiers, filters, pages, access.

use serde_json::{json, Value};

use super::test_support::run;
use crate::api::ApiError;
use crate::services::guardduty::test_support::{org_call, org_with_accounts, MANAGEMENT};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

fn ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
    run(world, &root_caller(account), op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn err(world: &mut World, account: &str, op: &str, input: Value) -> ApiError {
    run(world, &root_caller(account), op, input).expect_err("expected an error")
}

/// The organization instance's store, and the member accounts.
fn store(world: &mut World) -> (String, Vec<String>) {
    let members = org_with_accounts(world, 1);
    org_call(
        world,
        MANAGEMENT,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "sso.amazonaws.com"}),
    );
    world.begin_request();
    let out = crate::services::ssoadmin::dispatch_for_tests(world, &root_caller(MANAGEMENT));
    (out, members)
}

#[test]
fn users_are_created_described_updated_and_unique() {
    let mut w = world();
    let (store, _) = store(&mut w);
    let out = ok(
        &mut w,
        MANAGEMENT,
        "CreateUser",
        json!({"IdentityStoreId": store, "UserName": "alice", "DisplayName": "Alice Doe",
               "Name": {"GivenName": "Alice", "FamilyName": "Doe"},
               "Emails": [{"Value": "alice@example.com", "Type": "work", "Primary": true}]}),
    );
    let id = out["UserId"].as_str().unwrap().to_string();
    let prefix = store.strip_prefix("d-").unwrap();
    assert!(
        id.starts_with(&format!("{prefix}-")) && id.len() == 47,
        "{id}"
    );
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreateUser",
        json!({"IdentityStoreId": store, "UserName": "ALICE", "DisplayName": "x"}),
    );
    assert_eq!(e.code, "ConflictException");
    assert_eq!(e.extra["Reason"], "UNIQUENESS_CONSTRAINT_VIOLATION");

    let user = json!({"IdentityStoreId": store, "UserId": id});
    let out = ok(&mut w, MANAGEMENT, "DescribeUser", user.clone());
    assert_eq!(out["UserName"], "alice");
    assert_eq!(out["Name"]["GivenName"], "Alice");
    assert_eq!(out["Emails"][0]["Value"], "alice@example.com");
    assert_eq!(out["UserStatus"], "ENABLED");

    let mut update = user.clone();
    update["Operations"] = json!([
        {"AttributePath": "name.givenName", "AttributeValue": "Alicia"},
        {"AttributePath": "displayName", "AttributeValue": "Alicia Doe"},
        {"AttributePath": "emails"}
    ]);
    ok(&mut w, MANAGEMENT, "UpdateUser", update);
    let out = ok(&mut w, MANAGEMENT, "DescribeUser", user.clone());
    assert_eq!(out["Name"]["GivenName"], "Alicia");
    assert_eq!(out["Name"]["FamilyName"], "Doe");
    assert_eq!(out["DisplayName"], "Alicia Doe");
    assert!(out.get("Emails").is_none());
    let mut bad = user.clone();
    bad["Operations"] = json!([{"AttributePath": "shoeSize", "AttributeValue": "9"}]);
    assert_eq!(
        err(&mut w, MANAGEMENT, "UpdateUser", bad).code,
        "ValidationException"
    );

    let out = ok(
        &mut w,
        MANAGEMENT,
        "GetUserId",
        json!({"IdentityStoreId": store, "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "alice"}}}),
    );
    assert_eq!(out["UserId"], json!(id));
    let e = err(
        &mut w,
        MANAGEMENT,
        "GetUserId",
        json!({"IdentityStoreId": store, "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "userName", "AttributeValue": "zed"}}}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");

    ok(&mut w, MANAGEMENT, "DeleteUser", user.clone());
    let e = err(&mut w, MANAGEMENT, "DescribeUser", user);
    assert_eq!(e.code, "ResourceNotFoundException");
    assert_eq!(e.extra["ResourceType"], "USER");
}

#[test]
fn listings_filter_and_page() {
    let mut w = world();
    let (store, _) = store(&mut w);
    for name in ["ann", "ben", "cid"] {
        ok(
            &mut w,
            MANAGEMENT,
            "CreateUser",
            json!({"IdentityStoreId": store, "UserName": name, "DisplayName": name}),
        );
    }
    let first = ok(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": store, "MaxResults": 2}),
    );
    assert_eq!(first["Users"].as_array().unwrap().len(), 2);
    let token = first["NextToken"].as_str().unwrap();
    let second = ok(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": store, "MaxResults": 2, "NextToken": token}),
    );
    assert_eq!(second["Users"].as_array().unwrap().len(), 1);
    assert!(second.get("NextToken").is_none());
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": store, "Filters": [{"AttributePath": "UserName", "AttributeValue": "ben"}]}),
    );
    assert_eq!(out["Users"][0]["UserName"], "ben");
    assert_eq!(out["Users"].as_array().unwrap().len(), 1);
    let e = err(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": store, "NextToken": "forged"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": store, "MaxResults": 101}),
    );
    assert_eq!(e.code, "ValidationException");
}

#[test]
fn groups_and_memberships() {
    let mut w = world();
    let (store, _) = store(&mut w);
    let user = ok(
        &mut w,
        MANAGEMENT,
        "CreateUser",
        json!({"IdentityStoreId": store, "UserName": "dan", "DisplayName": "Dan"}),
    )["UserId"]
        .as_str()
        .unwrap()
        .to_string();
    let group = ok(
        &mut w,
        MANAGEMENT,
        "CreateGroup",
        json!({"IdentityStoreId": store, "DisplayName": "Admins", "Description": "admins"}),
    )["GroupId"]
        .as_str()
        .unwrap()
        .to_string();
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreateGroup",
        json!({"IdentityStoreId": store, "DisplayName": "admins"}),
    );
    assert_eq!(e.code, "ConflictException");
    let out = ok(
        &mut w,
        MANAGEMENT,
        "GetGroupId",
        json!({"IdentityStoreId": store, "AlternateIdentifier": {"UniqueAttribute": {"AttributePath": "displayName", "AttributeValue": "Admins"}}}),
    );
    assert_eq!(out["GroupId"], json!(group));
    let membership =
        json!({"IdentityStoreId": store, "GroupId": group, "MemberId": {"UserId": user}});
    let id = ok(
        &mut w,
        MANAGEMENT,
        "CreateGroupMembership",
        membership.clone(),
    )["MembershipId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        err(
            &mut w,
            MANAGEMENT,
            "CreateGroupMembership",
            membership.clone()
        )
        .code,
        "ConflictException"
    );
    let out = ok(&mut w, MANAGEMENT, "GetGroupMembershipId", membership);
    assert_eq!(out["MembershipId"], json!(id));
    let out = ok(
        &mut w,
        MANAGEMENT,
        "IsMemberInGroups",
        json!({"IdentityStoreId": store, "MemberId": {"UserId": user}, "GroupIds": [group]}),
    );
    assert_eq!(out["Results"][0]["MembershipExists"], true);
    let out = ok(
        &mut w,
        MANAGEMENT,
        "ListGroupMembershipsForMember",
        json!({"IdentityStoreId": store, "MemberId": {"UserId": user}}),
    );
    assert_eq!(out["GroupMemberships"][0]["GroupId"], json!(group));
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeGroupMembership",
        json!({"IdentityStoreId": store, "MembershipId": id}),
    );
    assert_eq!(out["MemberId"]["UserId"], json!(user));
    ok(
        &mut w,
        MANAGEMENT,
        "UpdateGroup",
        json!({"IdentityStoreId": store, "GroupId": group, "Operations": [{"AttributePath": "description", "AttributeValue": "the admins"}]}),
    );
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeGroup",
        json!({"IdentityStoreId": store, "GroupId": group}),
    );
    assert_eq!(out["Description"], "the admins");
    // Deleting the group removes its memberships.
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteGroup",
        json!({"IdentityStoreId": store, "GroupId": group}),
    );
    let e = err(
        &mut w,
        MANAGEMENT,
        "DescribeGroupMembership",
        json!({"IdentityStoreId": store, "MembershipId": id}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
}

#[test]
fn only_the_owner_and_the_delegated_admin_use_the_store() {
    let mut w = world();
    let (store, members) = store(&mut w);
    let e = err(
        &mut w,
        &members[0],
        "ListUsers",
        json!({"IdentityStoreId": store}),
    );
    assert_eq!(e.code, "AccessDeniedException");
    org_call(
        &mut w,
        MANAGEMENT,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": members[0], "ServicePrincipal": "sso.amazonaws.com"}),
    );
    ok(
        &mut w,
        &members[0],
        "ListUsers",
        json!({"IdentityStoreId": store}),
    );
    let e = err(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": "d-0000000000"}),
    );
    assert_eq!(e.code, "ResourceNotFoundException");
    assert_eq!(e.extra["ResourceType"], "IDENTITY_STORE");
    let e = err(
        &mut w,
        MANAGEMENT,
        "ListUsers",
        json!({"IdentityStoreId": "bad"}),
    );
    assert_eq!(e.code, "ValidationException");
    let e = err(
        &mut w,
        MANAGEMENT,
        "CreateUser",
        json!({"IdentityStoreId": store}),
    );
    assert_eq!(e.code, "ValidationException");
}
