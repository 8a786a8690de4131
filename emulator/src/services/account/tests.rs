//! Unit tests of the Account API on a world: Region opt-in over world time, contacts,
//! and who may act on a member with `AccountId`.

use serde_json::{json, Value};

use super::model::REGION_OPT_DELAY_MS;
use crate::api::ApiError;
use crate::auth::Caller;
use crate::services::organizations;
use crate::services::organizations::delegation::tests::org_with_members;
use crate::services::organizations::test_support::root_caller;
use crate::world::World;

fn call(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    world.begin_request();
    super::dispatch(world, caller, op, input)
}

fn ok(world: &mut World, caller: &Caller, op: &str, input: Value) -> Value {
    call(world, caller, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn code(result: Result<Value, ApiError>) -> String {
    result.expect_err("expected an error").code
}

fn org(world: &mut World, caller: &Caller, op: &str, input: Value) -> Value {
    world.begin_request();
    organizations::dispatch(world, caller, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn status(world: &mut World, caller: &Caller, region: &str) -> Value {
    ok(
        world,
        caller,
        "GetRegionOptStatus",
        json!({"RegionName": region}),
    )["RegionOptStatus"]
        .clone()
}

#[test]
fn opt_in_regions_enable_and_disable_over_world_time() {
    let mut w = crate::services::organizations::test_support::world();
    let me = root_caller("123456789012");
    assert_eq!(status(&mut w, &me, "us-east-1"), "ENABLED_BY_DEFAULT");
    assert_eq!(status(&mut w, &me, "af-south-1"), "DISABLED");

    ok(
        &mut w,
        &me,
        "EnableRegion",
        json!({"RegionName": "af-south-1"}),
    );
    assert_eq!(status(&mut w, &me, "af-south-1"), "ENABLING");
    // Disabling a Region that is still being enabled is a conflict; nothing changes.
    let result = call(
        &mut w,
        &me,
        "DisableRegion",
        json!({"RegionName": "af-south-1"}),
    );
    assert_eq!(code(result), "ConflictException");
    w.clock.advance(REGION_OPT_DELAY_MS);
    assert_eq!(status(&mut w, &me, "af-south-1"), "ENABLED");

    ok(
        &mut w,
        &me,
        "DisableRegion",
        json!({"RegionName": "af-south-1"}),
    );
    assert_eq!(status(&mut w, &me, "af-south-1"), "DISABLING");
    assert_eq!(
        code(call(
            &mut w,
            &me,
            "EnableRegion",
            json!({"RegionName": "af-south-1"})
        )),
        "ConflictException"
    );
    w.clock.advance(REGION_OPT_DELAY_MS);
    assert_eq!(status(&mut w, &me, "af-south-1"), "DISABLED");

    // Regions enabled by default cannot be switched; unknown ones do not exist.
    let e = call(
        &mut w,
        &me,
        "EnableRegion",
        json!({"RegionName": "us-east-1"}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.extra["reason"].as_str()),
        ("ValidationException", Some("invalidRegionOptTarget"))
    );
    assert_eq!(
        code(call(
            &mut w,
            &me,
            "GetRegionOptStatus",
            json!({"RegionName": "moon-1"})
        )),
        "ValidationException"
    );
    assert_eq!(
        code(call(&mut w, &me, "EnableRegion", json!({}))),
        "ValidationException"
    );
}

#[test]
fn list_regions_filters_and_pages() {
    let mut w = crate::services::organizations::test_support::world();
    let me = root_caller("123456789012");
    let all = ok(&mut w, &me, "ListRegions", json!({"MaxResults": 50}));
    assert_eq!(
        all["Regions"].as_array().unwrap().len(),
        crate::regions::REGIONS.len()
    );
    assert!(all.get("NextToken").is_none());

    ok(
        &mut w,
        &me,
        "EnableRegion",
        json!({"RegionName": "me-south-1"}),
    );
    let enabling = ok(
        &mut w,
        &me,
        "ListRegions",
        json!({"RegionOptStatusContains": ["ENABLING"]}),
    );
    assert_eq!(
        enabling["Regions"],
        json!([{"RegionName": "me-south-1", "RegionOptStatus": "ENABLING"}])
    );

    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"MaxResults": 7});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let page = ok(&mut w, &me, "ListRegions", input);
        seen.extend(
            page["Regions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["RegionName"].clone()),
        );
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), crate::regions::REGIONS.len());
    assert_eq!(
        code(call(
            &mut w,
            &me,
            "ListRegions",
            json!({"NextToken": "forged"})
        )),
        "ValidationException"
    );
    assert_eq!(
        code(call(&mut w, &me, "ListRegions", json!({"MaxResults": 51}))),
        "ValidationException"
    );
}

#[test]
fn alternate_contacts_and_contact_information() {
    let mut w = crate::services::organizations::test_support::world();
    let me = root_caller("123456789012");
    let security = json!({"AlternateContactType": "SECURITY"});
    assert_eq!(
        code(call(&mut w, &me, "GetAlternateContact", security.clone())),
        "ResourceNotFoundException"
    );
    let contact = json!({"AlternateContactType": "SECURITY", "Name": "Sec Team", "Title": "CISO",
                         "EmailAddress": "sec@example.com", "PhoneNumber": "+1 (555) 010-0000"});
    ok(&mut w, &me, "PutAlternateContact", contact.clone());
    let got = ok(&mut w, &me, "GetAlternateContact", security.clone());
    assert_eq!(got["AlternateContact"], contact);
    let mut bad = contact.clone();
    bad["EmailAddress"] = json!("not-an-email");
    assert_eq!(
        code(call(&mut w, &me, "PutAlternateContact", bad)),
        "ValidationException"
    );
    let mut bad = contact;
    bad["AlternateContactType"] = json!("LEGAL");
    assert_eq!(
        code(call(&mut w, &me, "PutAlternateContact", bad)),
        "ValidationException"
    );
    ok(&mut w, &me, "DeleteAlternateContact", security.clone());
    assert_eq!(
        code(call(&mut w, &me, "DeleteAlternateContact", security)),
        "ResourceNotFoundException"
    );

    assert_eq!(
        code(call(&mut w, &me, "GetContactInformation", json!({}))),
        "ResourceNotFoundException"
    );
    let info = json!({"FullName": "Jane Doe", "AddressLine1": "1 Main St", "City": "Seattle",
                      "PostalCode": "98101", "CountryCode": "US", "PhoneNumber": "+1 206 555 0100"});
    ok(
        &mut w,
        &me,
        "PutContactInformation",
        json!({"ContactInformation": info}),
    );
    let got = ok(&mut w, &me, "GetContactInformation", json!({}));
    assert_eq!(got["ContactInformation"], info);
    let mut bad = info;
    bad["CountryCode"] = json!("USA");
    assert_eq!(
        code(call(
            &mut w,
            &me,
            "PutContactInformation",
            json!({"ContactInformation": bad})
        )),
        "ValidationException"
    );
}

#[test]
fn members_are_reached_with_trusted_access_from_management_or_delegated_admin() {
    let (mut w, mgmt, members) = org_with_members(3);
    let (member, admin, other) = (members[0].clone(), members[1].clone(), members[2].clone());
    let on_member = json!({"AccountId": member, "RegionName": "eu-south-1"});

    // Trusted access off: refused.
    let e = call(&mut w, &mgmt, "EnableRegion", on_member.clone()).unwrap_err();
    assert_eq!(e.code, "AccessDeniedException");
    org(
        &mut w,
        &mgmt,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "account.amazonaws.com"}),
    );
    ok(&mut w, &mgmt, "EnableRegion", on_member.clone());
    assert_eq!(
        ok(&mut w, &mgmt, "GetRegionOptStatus", on_member.clone())["RegionOptStatus"],
        "ENABLING"
    );
    // The member sees its own Region change; the management account's is untouched.
    assert_eq!(
        status(&mut w, &root_caller(&member), "eu-south-1"),
        "ENABLING"
    );
    assert_eq!(status(&mut w, &mgmt, "eu-south-1"), "DISABLED");

    // The management account may not name itself; a plain member may not name others.
    let own = json!({"AccountId": mgmt.account_id, "RegionName": "eu-south-1"});
    assert_eq!(
        code(call(&mut w, &mgmt, "GetRegionOptStatus", own)),
        "ValidationException"
    );
    let as_admin = root_caller(&admin);
    let on_other = json!({"AccountId": other, "AlternateContactType": "BILLING"});
    assert_eq!(
        code(call(
            &mut w,
            &as_admin,
            "GetAlternateContact",
            on_other.clone()
        )),
        "AccessDeniedException"
    );

    // The delegated administrator for account.amazonaws.com may, except on the management account.
    org(
        &mut w,
        &mgmt,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": admin, "ServicePrincipal": "account.amazonaws.com"}),
    );
    assert_eq!(
        code(call(&mut w, &as_admin, "GetAlternateContact", on_other)),
        "ResourceNotFoundException"
    );
    let on_mgmt = json!({"AccountId": mgmt.account_id, "AlternateContactType": "BILLING"});
    assert_eq!(
        code(call(&mut w, &as_admin, "GetAlternateContact", on_mgmt)),
        "AccessDeniedException"
    );
    // Accounts outside the organization are refused.
    let outside = json!({"AccountId": "999999999999", "RegionName": "eu-south-1"});
    assert_eq!(
        code(call(&mut w, &mgmt, "GetRegionOptStatus", outside)),
        "AccessDeniedException"
    );
}

#[test]
fn account_name_and_primary_email_are_organizations_records() {
    let (mut w, mgmt, members) = org_with_members(1);
    let member = members[0].clone();
    org(
        &mut w,
        &mgmt,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "account.amazonaws.com"}),
    );
    let info = ok(
        &mut w,
        &mgmt,
        "GetAccountInformation",
        json!({"AccountId": member}),
    );
    assert_eq!(
        (info["AccountName"].as_str(), info["AccountState"].as_str()),
        (Some("m0"), Some("ACTIVE"))
    );
    assert!(info["AccountCreatedDate"].as_str().unwrap().ends_with('Z'));
    ok(
        &mut w,
        &mgmt,
        "PutAccountName",
        json!({"AccountId": member, "AccountName": "Renamed"}),
    );
    let described = org(
        &mut w,
        &mgmt,
        "DescribeAccount",
        json!({"AccountId": member}),
    );
    assert_eq!(described["Account"]["Name"], "Renamed");

    let email = ok(
        &mut w,
        &mgmt,
        "GetPrimaryEmail",
        json!({"AccountId": member}),
    );
    assert_eq!(email["PrimaryEmail"], "m0@example.org");
    let started = ok(
        &mut w,
        &mgmt,
        "StartPrimaryEmailUpdate",
        json!({"AccountId": member, "PrimaryEmail": "new@example.org"}),
    );
    assert_eq!(started["Status"], "PENDING");
    let bad_otp = json!({"AccountId": member, "PrimaryEmail": "new@example.org", "Otp": "12"});
    assert_eq!(
        code(call(&mut w, &mgmt, "AcceptPrimaryEmailUpdate", bad_otp)),
        "ValidationException"
    );
    let accepted = ok(
        &mut w,
        &mgmt,
        "AcceptPrimaryEmailUpdate",
        json!({"AccountId": member, "PrimaryEmail": "new@example.org", "Otp": "123456"}),
    );
    assert_eq!(accepted["Status"], "ACCEPTED");
    let described = org(
        &mut w,
        &mgmt,
        "DescribeAccount",
        json!({"AccountId": member}),
    );
    assert_eq!(described["Account"]["Email"], "new@example.org");
    // The old address is free again, the new one taken.
    assert!(!w.organizations.email_in_use("m0@example.org"));
    assert!(w.organizations.email_in_use("NEW@example.org"));
}
