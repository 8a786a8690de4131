//! Unit tests of Detective against a world: the GuardDuty prerequisite, invitations,
//! the organization graph (designation, CreateMembers, AutoEnable, leavers),
//! packages, quotas, validation and investigations.

use serde_json::{json, Value};

use super::GUARDDUTY_AGE_MS;
use crate::api::ApiError;
use crate::services::guardduty::test_support::{
    create_detector, create_org_account, org_call, org_with_accounts, MANAGEMENT,
};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

const OUTSIDER: &str = "999999999999";
const DAY_MS: i64 = 24 * 3600 * 1000;

fn run(world: &mut World, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
    world.begin_request();
    super::dispatch(world, &root_caller(account), op, input)
}

fn ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
    run(world, account, op, input).unwrap_or_else(|e| panic!("{op} as {account}: {e:?}"))
}

fn code(result: Result<Value, ApiError>) -> String {
    result.expect_err("expected an error").code
}

/// A pinned world clock, so timestamps are stable.
fn pinned_world() -> World {
    let mut w = world();
    w.clock.pinned_ms = Some(1_767_225_600_000);
    w
}

/// GuardDuty on in `account` for 48 hours, then its graph.
fn graph_for(w: &mut World, account: &str) -> String {
    create_detector(w, account);
    w.clock.advance(GUARDDUTY_AGE_MS);
    ok(w, account, "CreateGraph", json!({}))["GraphArn"]
        .as_str()
        .unwrap()
        .to_string()
}

fn member<'v>(listed: &'v Value, account: &str) -> &'v Value {
    listed["MemberDetails"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["AccountId"] == account)
        .unwrap_or_else(|| panic!("{account} not in {listed}"))
}

#[test]
fn create_graph_needs_guardduty_on_for_48_hours() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let no_guardduty = run(&mut w, admin, "CreateGraph", json!({}));
    assert_eq!(code(no_guardduty), "ServiceQuotaExceededException");
    create_detector(&mut w, admin);
    w.clock.advance(GUARDDUTY_AGE_MS - 1);
    let too_soon = run(&mut w, admin, "CreateGraph", json!({})).unwrap_err();
    assert_eq!(
        (too_soon.code.as_str(), too_soon.status),
        ("ServiceQuotaExceededException", 402)
    );
    assert!(
        too_soon.message.contains("48 hours"),
        "{}",
        too_soon.message
    );
    w.clock.advance(1);
    let arn = ok(
        &mut w,
        admin,
        "CreateGraph",
        json!({"Tags": {"team": "sec"}}),
    )["GraphArn"]
        .as_str()
        .unwrap()
        .to_string();
    let (region, account, id) = super::parse_graph_arn(&arn).expect("AWS's pattern");
    assert_eq!((region, account, id.len()), ("us-east-1", admin, 32));
    // One graph per administrator and region: the same ARN again.
    let again = ok(&mut w, admin, "CreateGraph", json!({}));
    assert_eq!(again["GraphArn"], arn);
    let listed = ok(&mut w, admin, "ListGraphs", json!({}));
    assert_eq!(listed["GraphList"].as_array().unwrap().len(), 1);
    assert_eq!(listed["GraphList"][0]["Arn"], arn);
    assert_eq!(
        ok(
            &mut w,
            admin,
            "ListTagsForResource",
            json!({"ResourceArn": arn})
        )["Tags"],
        json!({"team": "sec"})
    );
    // Another account sees no graph of its own and cannot use this one.
    assert_eq!(
        ok(&mut w, OUTSIDER, "ListGraphs", json!({}))["GraphList"],
        json!([])
    );
    let foreign = run(&mut w, OUTSIDER, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(code(foreign), "AccessDeniedException");
    ok(&mut w, admin, "DeleteGraph", json!({"GraphArn": arn}));
    let gone = run(&mut w, admin, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(code(gone), "ResourceNotFoundException");
}

#[test]
fn an_invited_account_accepts_and_is_held_back_without_guardduty() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    let created = ok(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Message": "join us", "Accounts": [
            {"AccountId": OUTSIDER, "EmailAddress": "outsider@example.com"},
            {"AccountId": admin, "EmailAddress": "me@example.com"}]}),
    );
    assert_eq!(created["Members"][0]["Status"], "VERIFICATION_IN_PROGRESS");
    assert_eq!(created["Members"][0]["InvitationType"], "INVITATION");
    assert_eq!(created["UnprocessedAccounts"][0]["AccountId"], admin);
    // The verification is over by the next request.
    let listed = ok(&mut w, admin, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(member(&listed, OUTSIDER)["Status"], "INVITED");
    let invitations = ok(&mut w, OUTSIDER, "ListInvitations", json!({}));
    assert_eq!(invitations["Invitations"][0]["GraphArn"], arn);
    assert_eq!(invitations["Invitations"][0]["AdministratorId"], admin);

    ok(
        &mut w,
        OUTSIDER,
        "AcceptInvitation",
        json!({"GraphArn": arn}),
    );
    let got = ok(
        &mut w,
        admin,
        "GetMembers",
        json!({"GraphArn": arn, "AccountIds": [OUTSIDER, "222222222222"]}),
    );
    assert_eq!(member(&got, OUTSIDER)["Status"], "ACCEPTED_BUT_DISABLED");
    assert_eq!(member(&got, OUTSIDER)["DisabledReason"], "VOLUME_UNKNOWN");
    assert_eq!(got["UnprocessedAccounts"][0]["AccountId"], "222222222222");
    let again = run(
        &mut w,
        OUTSIDER,
        "AcceptInvitation",
        json!({"GraphArn": arn}),
    );
    assert_eq!(code(again), "ConflictException");

    let unmeasured = run(
        &mut w,
        admin,
        "StartMonitoringMember",
        json!({"GraphArn": arn, "AccountId": OUTSIDER}),
    );
    assert_eq!(code(unmeasured), "ServiceQuotaExceededException");
    create_detector(&mut w, OUTSIDER);
    ok(
        &mut w,
        admin,
        "StartMonitoringMember",
        json!({"GraphArn": arn, "AccountId": OUTSIDER}),
    );
    let got = ok(
        &mut w,
        admin,
        "GetMembers",
        json!({"GraphArn": arn, "AccountIds": [OUTSIDER]}),
    );
    assert_eq!(member(&got, OUTSIDER)["Status"], "ENABLED");
    assert!(member(&got, OUTSIDER).get("DisabledReason").is_none());
    assert_eq!(
        member(&got, OUTSIDER)["DatasourcePackageIngestStates"]["DETECTIVE_CORE"],
        "STARTED"
    );
    let enabled_again = run(
        &mut w,
        admin,
        "StartMonitoringMember",
        json!({"GraphArn": arn, "AccountId": OUTSIDER}),
    );
    assert_eq!(code(enabled_again), "ConflictException");

    ok(
        &mut w,
        OUTSIDER,
        "DisassociateMembership",
        json!({"GraphArn": arn}),
    );
    let listed = ok(&mut w, admin, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(listed["MemberDetails"], json!([]));
    assert_eq!(
        ok(&mut w, OUTSIDER, "ListInvitations", json!({}))["Invitations"],
        json!([])
    );
}

#[test]
fn a_rejected_invitation_and_a_failed_verification() {
    let mut w = pinned_world();
    let accounts = org_with_accounts(&mut w, 1);
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    // An account orgsim knows, named with another address: the verification fails.
    ok(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": [
            {"AccountId": accounts[0], "EmailAddress": "wrong@example.com"},
            {"AccountId": OUTSIDER, "EmailAddress": "outsider@example.com"}]}),
    );
    let listed = ok(&mut w, admin, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(
        member(&listed, &accounts[0])["Status"],
        "VERIFICATION_FAILED"
    );
    assert_eq!(member(&listed, OUTSIDER)["Status"], "INVITED");
    ok(
        &mut w,
        OUTSIDER,
        "RejectInvitation",
        json!({"GraphArn": arn}),
    );
    let rejected = run(
        &mut w,
        OUTSIDER,
        "RejectInvitation",
        json!({"GraphArn": arn}),
    );
    assert_eq!(code(rejected), "ResourceNotFoundException");
    let deleted = ok(
        &mut w,
        admin,
        "DeleteMembers",
        json!({"GraphArn": arn, "AccountIds": [accounts[0], OUTSIDER]}),
    );
    assert_eq!(deleted["AccountIds"], json!([accounts[0]]));
    assert_eq!(deleted["UnprocessedAccounts"][0]["AccountId"], OUTSIDER);
}

#[test]
fn the_organization_graph_enables_accounts_without_invitations() {
    let mut w = pinned_world();
    let accounts = org_with_accounts(&mut w, 3);
    let security = accounts[0].clone();
    // The administrator's graph is created for it, which needs GuardDuty first.
    let early = run(
        &mut w,
        MANAGEMENT,
        "EnableOrganizationAdminAccount",
        json!({"AccountId": security}),
    );
    assert_eq!(code(early), "ValidationException");
    let by_member = run(
        &mut w,
        &accounts[1],
        "EnableOrganizationAdminAccount",
        json!({"AccountId": security}),
    );
    assert_eq!(code(by_member), "AccessDeniedException");
    create_detector(&mut w, &security);
    create_detector(&mut w, &accounts[1]);
    w.clock.advance(GUARDDUTY_AGE_MS);
    ok(
        &mut w,
        MANAGEMENT,
        "EnableOrganizationAdminAccount",
        json!({"AccountId": security}),
    );
    let org = w.organizations.organization_of(MANAGEMENT).unwrap();
    assert!(org.enabled_services.contains_key("detective.amazonaws.com"));
    assert!(org.delegated_admins[&security].contains_key("detective.amazonaws.com"));
    let admins = ok(
        &mut w,
        MANAGEMENT,
        "ListOrganizationAdminAccounts",
        json!({}),
    );
    let arn = admins["Administrators"][0]["GraphArn"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(admins["Administrators"][0]["AccountId"], security);
    assert_eq!(
        ok(&mut w, &security, "ListGraphs", json!({}))["GraphList"][0]["Arn"],
        arn
    );

    // Existing accounts are enabled with CreateMembers, at once and without invitation.
    let created = ok(
        &mut w,
        &security,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": [
            {"AccountId": accounts[1], "EmailAddress": "a@example.com"},
            {"AccountId": accounts[2], "EmailAddress": "b@example.com"}]}),
    );
    let members = &created["Members"];
    assert_eq!(members[0]["Status"], "ENABLED");
    assert_eq!(members[0]["InvitationType"], "ORGANIZATION");
    assert_eq!(
        members[1]["Status"], "ACCEPTED_BUT_DISABLED",
        "no GuardDuty there"
    );
    assert_eq!(members[1]["DisabledReason"], "VOLUME_UNKNOWN");
    assert_eq!(
        ok(&mut w, &accounts[1], "ListInvitations", json!({}))["Invitations"],
        json!([])
    );
    let leave = run(
        &mut w,
        &accounts[1],
        "DisassociateMembership",
        json!({"GraphArn": arn}),
    );
    assert_eq!(code(leave), "ValidationException");

    // AutoEnable: a joiner becomes a member in the call that brings it in.
    let config = json!({"GraphArn": arn});
    assert_eq!(
        ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            config.clone()
        )["AutoEnable"],
        false
    );
    ok(
        &mut w,
        &security,
        "UpdateOrganizationConfiguration",
        json!({"GraphArn": arn, "AutoEnable": true}),
    );
    assert_eq!(
        ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            config
        )["AutoEnable"],
        true
    );
    let not_admin = run(
        &mut w,
        &accounts[1],
        "DescribeOrganizationConfiguration",
        json!({"GraphArn": arn}),
    );
    assert_eq!(code(not_admin), "AccessDeniedException");
    let joiner = create_org_account(&mut w, 9);
    let listed = ok(&mut w, &security, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(member(&listed, &joiner)["InvitationType"], "ORGANIZATION");
    assert_eq!(member(&listed, &joiner)["Status"], "ACCEPTED_BUT_DISABLED");

    // A leaver stops being a member; an invited outsider stays.
    ok(
        &mut w,
        &security,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": [{"AccountId": OUTSIDER, "EmailAddress": "o@example.com"}]}),
    );
    w.clock.advance(8 * DAY_MS);
    org_call(
        &mut w,
        MANAGEMENT,
        "RemoveAccountFromOrganization",
        json!({"AccountId": accounts[2]}),
    );
    let listed = ok(&mut w, &security, "ListMembers", json!({"GraphArn": arn}));
    let ids: Vec<_> = listed["MemberDetails"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["AccountId"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.contains(&accounts[2]), "{ids:?}");
    assert!(ids.contains(&OUTSIDER.to_string()));

    // The organization graph cannot be deleted while it is one.
    let delete = run(&mut w, &security, "DeleteGraph", json!({"GraphArn": arn}));
    assert_eq!(code(delete), "ValidationException");
    // Removing the administrator releases the organization accounts.
    ok(
        &mut w,
        MANAGEMENT,
        "DisableOrganizationAdminAccount",
        json!({}),
    );
    let listed = ok(&mut w, &security, "ListMembers", json!({"GraphArn": arn}));
    assert_eq!(
        listed["MemberDetails"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
    assert_eq!(listed["MemberDetails"][0]["AccountId"], OUTSIDER);
    let org = w.organizations.organization_of(MANAGEMENT).unwrap();
    assert!(!org.delegated_admins.contains_key(&security));
    assert_eq!(
        ok(
            &mut w,
            MANAGEMENT,
            "ListOrganizationAdminAccounts",
            json!({})
        )["Administrators"],
        json!([])
    );
    ok(&mut w, &security, "DeleteGraph", json!({"GraphArn": arn}));
}

#[test]
fn a_graph_holds_at_most_the_member_quota() {
    let mut w = pinned_world();
    w.settings.quotas.detective_members_per_graph = 2;
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    let accounts = |ids: &[&str]| {
        ids.iter()
            .map(|id| json!({"AccountId": id, "EmailAddress": format!("{id}@example.com")}))
            .collect::<Vec<_>>()
    };
    let over = run(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": accounts(&["100000000001", "100000000002", "100000000003"])}),
    )
    .unwrap_err();
    assert_eq!(
        (over.code.as_str(), over.status),
        ("ServiceQuotaExceededException", 402)
    );
    assert!(
        w.detective
            .graph("us-east-1", admin)
            .unwrap()
            .members
            .is_empty(),
        "nothing added"
    );
    ok(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": accounts(&["100000000001", "100000000002"])}),
    );
    let one_more = run(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": accounts(&["100000000003"])}),
    );
    assert_eq!(code(one_more), "ServiceQuotaExceededException");
    assert_eq!(w.settings.quotas.detective_members_per_graph, 2);
    assert_eq!(
        crate::world::Quotas::default().detective_members_per_graph,
        1200
    );
}

#[test]
fn invalid_input_is_a_validation_exception() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    let bad_arn = run(
        &mut w,
        admin,
        "ListMembers",
        json!({"GraphArn": "arn:aws:detective:us-east-1:123456789012:graph:XYZ"}),
    )
    .unwrap_err();
    assert_eq!(bad_arn.code, "ValidationException");
    assert_eq!(bad_arn.extra["ErrorCode"], "INVALID_GRAPH_ARN");
    assert_eq!(bad_arn.message_key, "Message");
    let missing = run(&mut w, admin, "GetMembers", json!({"GraphArn": arn})).unwrap_err();
    assert_eq!(missing.code, "ValidationException");
    assert!(
        missing.message.contains("AccountIds"),
        "{}",
        missing.message
    );
    let bad_account = run(
        &mut w,
        admin,
        "GetMembers",
        json!({"GraphArn": arn, "AccountIds": ["12"]}),
    );
    assert_eq!(code(bad_account), "ValidationException");
    let bad_email = run(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": [{"AccountId": OUTSIDER, "EmailAddress": "nope"}]}),
    );
    assert_eq!(code(bad_email), "ValidationException");
    let bad_package = run(
        &mut w,
        admin,
        "UpdateDatasourcePackages",
        json!({"GraphArn": arn, "DatasourcePackages": ["VPC_FLOW"]}),
    );
    assert_eq!(code(bad_package), "ValidationException");
    let bad_page = run(
        &mut w,
        admin,
        "ListMembers",
        json!({"GraphArn": arn, "MaxResults": 201}),
    );
    assert_eq!(code(bad_page), "ValidationException");
    let forged = run(
        &mut w,
        admin,
        "ListMembers",
        json!({"GraphArn": arn, "NextToken": "abc"}),
    );
    assert_eq!(code(forged), "ValidationException");
    let aws_tag = run(
        &mut w,
        admin,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"aws:x": "y"}}),
    );
    assert_eq!(code(aws_tag), "ValidationException");
    let other_region = arn.replace("us-east-1", "eu-west-1");
    let elsewhere = run(
        &mut w,
        admin,
        "ListMembers",
        json!({"GraphArn": other_region}),
    );
    assert_eq!(code(elsewhere), "ResourceNotFoundException");
}

#[test]
fn members_are_paged() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    let accounts: Vec<_> = (1..=5)
        .map(|i| json!({"AccountId": format!("10000000000{i}"), "EmailAddress": format!("m{i}@example.com")}))
        .collect();
    ok(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": accounts}),
    );
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"GraphArn": arn, "MaxResults": 2});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let page = ok(&mut w, admin, "ListMembers", input);
        for m in page["MemberDetails"].as_array().unwrap() {
            seen.push(m["AccountId"].as_str().unwrap().to_string());
        }
        match page["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert!(seen.windows(2).all(|p| p[0] < p[1]), "{seen:?}");
}

#[test]
fn datasource_packages_start_for_the_graph_and_its_members() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    create_detector(&mut w, OUTSIDER);
    ok(
        &mut w,
        admin,
        "CreateMembers",
        json!({"GraphArn": arn, "Accounts": [{"AccountId": OUTSIDER, "EmailAddress": "o@example.com"}]}),
    );
    ok(
        &mut w,
        OUTSIDER,
        "AcceptInvitation",
        json!({"GraphArn": arn}),
    );
    let listed = ok(
        &mut w,
        admin,
        "ListDatasourcePackages",
        json!({"GraphArn": arn}),
    );
    let packages = &listed["DatasourcePackages"];
    assert_eq!(
        packages["DETECTIVE_CORE"]["DatasourcePackageIngestState"],
        "STARTED"
    );
    assert_eq!(
        packages["EKS_AUDIT"]["DatasourcePackageIngestState"],
        "STARTED"
    );
    assert_eq!(
        packages["ASFF_SECURITYHUB_FINDING"]["DatasourcePackageIngestState"],
        "DISABLED"
    );
    assert!(
        packages["DETECTIVE_CORE"]["LastIngestStateChange"]["STARTED"]["Timestamp"].is_string()
    );

    w.clock.advance(60_000);
    ok(
        &mut w,
        admin,
        "UpdateDatasourcePackages",
        json!({"GraphArn": arn, "DatasourcePackages": ["ASFF_SECURITYHUB_FINDING"]}),
    );
    let listed = ok(
        &mut w,
        admin,
        "ListDatasourcePackages",
        json!({"GraphArn": arn}),
    );
    assert_eq!(
        listed["DatasourcePackages"]["ASFF_SECURITYHUB_FINDING"]["DatasourcePackageIngestState"],
        "STARTED"
    );
    let members = ok(
        &mut w,
        admin,
        "BatchGetGraphMemberDatasources",
        json!({"GraphArn": arn, "AccountIds": [OUTSIDER, "100000000001"]}),
    );
    let history = &members["MemberDatasources"][0]["DatasourcePackageIngestHistory"];
    assert!(history["ASFF_SECURITYHUB_FINDING"]["STARTED"]["Timestamp"].is_string());
    assert_eq!(
        members["UnprocessedAccounts"][0]["AccountId"],
        "100000000001"
    );
    let own = ok(
        &mut w,
        OUTSIDER,
        "BatchGetMembershipDatasources",
        json!({"GraphArns": [arn, arn.replace(admin, "210987654321")]}),
    );
    assert_eq!(own["MembershipDatasources"][0]["AccountId"], OUTSIDER);
    assert_eq!(own["UnprocessedGraphs"].as_array().unwrap().len(), 1);
}

#[test]
fn investigations_run_then_report() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    crate::services::iam::dispatch(
        &mut w,
        &root_caller(admin),
        "CreateUser",
        json!({"UserName": "alice"}),
    )
    .expect("CreateUser");
    let scope = json!({
        "GraphArn": arn,
        "EntityArn": format!("arn:aws:iam::{admin}:user/alice"),
        "ScopeStartTime": "2025-12-01T00:00:00Z",
        "ScopeEndTime": "2026-01-10T00:00:00Z",
    });
    w.begin_request();
    let started = super::dispatch(
        &mut w,
        &root_caller(admin),
        "StartInvestigation",
        scope.clone(),
    )
    .unwrap();
    let id = started["InvestigationId"].as_str().unwrap().to_string();
    assert_eq!(id.len(), 21);
    let get = json!({"GraphArn": arn, "InvestigationId": id});
    let running =
        super::dispatch(&mut w, &root_caller(admin), "GetInvestigation", get.clone()).unwrap();
    assert_eq!(running["Status"], "RUNNING", "during the starting request");
    let done = ok(&mut w, admin, "GetInvestigation", get);
    assert_eq!(done["Status"], "SUCCESSFUL");
    assert_eq!(done["EntityType"], "IAM_USER");
    assert_eq!(done["Severity"], "INFORMATIONAL");
    assert_eq!(done["State"], "ACTIVE");

    let mut unknown = scope.clone();
    unknown["EntityArn"] = json!(format!("arn:aws:iam::{admin}:role/nobody"));
    ok(&mut w, admin, "StartInvestigation", unknown);
    let failed = ok(
        &mut w,
        admin,
        "ListInvestigations",
        json!({"GraphArn": arn, "FilterCriteria": {"Status": {"Value": "FAILED"}}}),
    );
    assert_eq!(failed["InvestigationDetails"].as_array().unwrap().len(), 1);
    assert_eq!(failed["InvestigationDetails"][0]["EntityType"], "IAM_ROLE");

    ok(
        &mut w,
        admin,
        "UpdateInvestigationState",
        json!({"GraphArn": arn, "InvestigationId": id, "State": "ARCHIVED"}),
    );
    let archived = ok(
        &mut w,
        admin,
        "ListInvestigations",
        json!({"GraphArn": arn, "FilterCriteria": {"State": {"Value": "ARCHIVED"}}}),
    );
    assert_eq!(archived["InvestigationDetails"][0]["InvestigationId"], id);
    let all = ok(
        &mut w,
        admin,
        "ListInvestigations",
        json!({"GraphArn": arn, "MaxResults": 1, "SortCriteria": {"Field": "CREATED_TIME", "SortOrder": "ASC"}}),
    );
    assert_eq!(all["InvestigationDetails"][0]["InvestigationId"], id);
    assert!(all["NextToken"].is_string());
    let indicators = ok(
        &mut w,
        admin,
        "ListIndicators",
        json!({"GraphArn": arn, "InvestigationId": id}),
    );
    assert_eq!(indicators["Indicators"], json!([]));
    let missing = run(
        &mut w,
        admin,
        "GetInvestigation",
        json!({"GraphArn": arn, "InvestigationId": "000000000000000000001"}),
    );
    assert_eq!(code(missing), "ResourceNotFoundException");
    let mut backwards = scope;
    backwards["ScopeEndTime"] = json!("2025-01-01T00:00:00Z");
    assert_eq!(
        code(run(&mut w, admin, "StartInvestigation", backwards)),
        "ValidationException"
    );
}

#[test]
fn tags_on_a_graph() {
    let mut w = pinned_world();
    let admin = "123456789012";
    let arn = graph_for(&mut w, admin);
    ok(
        &mut w,
        admin,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"a": "1", "b": "2"}}),
    );
    ok(
        &mut w,
        admin,
        "UntagResource",
        json!({"ResourceArn": arn, "TagKeys": ["a"]}),
    );
    assert_eq!(
        ok(
            &mut w,
            admin,
            "ListTagsForResource",
            json!({"ResourceArn": arn})
        )["Tags"],
        json!({"b": "2"})
    );
    let foreign = run(
        &mut w,
        OUTSIDER,
        "TagResource",
        json!({"ResourceArn": arn, "Tags": {"a": "1"}}),
    );
    assert_eq!(code(foreign), "AccessDeniedException");
}
