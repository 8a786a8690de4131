use serde_json::{json, Value};

use super::inject::{publish_event, NewEvent};
use crate::api::ServiceId;
use crate::auth::{Caller, Principal};
use crate::services::dispatch;
use crate::world::{Settings, SupportPlan, World};

fn world() -> World {
    World::new(Settings {
        seed: Some(3),
        ..Default::default()
    })
}

fn root(account: &str) -> Caller {
    Caller {
        account_id: account.into(),
        principal: Principal::Root,
        access_key_id: account.into(),
        temporary: false,
        region: "us-east-1".into(),
    }
}

const MANAGEMENT: &str = "111111111111";

fn call(
    world: &mut World,
    account: &str,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, crate::api::ApiError> {
    dispatch(world, &root(account), service, op, input)
}

fn health(
    world: &mut World,
    account: &str,
    op: &str,
    input: Value,
) -> Result<Value, crate::api::ApiError> {
    call(world, account, ServiceId::Health, op, input)
}

/// An organization with one created member; answers the member's id.
fn organization(world: &mut World) -> String {
    call(
        world,
        MANAGEMENT,
        ServiceId::Organizations,
        "CreateOrganization",
        json!({"FeatureSet": "ALL"}),
    )
    .unwrap();
    let created = call(
        world,
        MANAGEMENT,
        ServiceId::Organizations,
        "CreateAccount",
        json!({"Email": "member@example.com", "AccountName": "member"}),
    )
    .unwrap();
    let request = created["CreateAccountStatus"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    world.begin_request();
    let status = call(
        world,
        MANAGEMENT,
        ServiceId::Organizations,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": request}),
    )
    .unwrap();
    status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn event(accounts: &[&str]) -> NewEvent {
    serde_json::from_value(json!({
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": "eu-west-1",
        "affectedAccounts": accounts,
    }))
    .unwrap()
}

#[test]
fn an_account_sees_public_events_and_its_own() {
    let mut world = world();
    let public = publish_event(&mut world, event(&[])).unwrap();
    let mine = publish_event(&mut world, event(&["222222222222"])).unwrap();
    let theirs = publish_event(&mut world, event(&["333333333333"])).unwrap();
    let answer = health(&mut world, "222222222222", "DescribeEvents", json!({})).unwrap();
    let arns: Vec<&str> = answer["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["arn"].as_str().unwrap())
        .collect();
    assert!(arns.contains(&public.as_str()) && arns.contains(&mine.as_str()));
    assert!(!arns.contains(&theirs.as_str()));
    let details = health(
        &mut world,
        "222222222222",
        "DescribeEventDetails",
        json!({"eventArns": [mine, theirs]}),
    )
    .unwrap();
    assert_eq!(details["successfulSet"].as_array().unwrap().len(), 1);
    assert_eq!(
        details["failedSet"][0]["errorName"],
        "EventNotFoundException"
    );
    let entities = health(
        &mut world,
        "222222222222",
        "DescribeAffectedEntities",
        json!({"filter": {"eventArns": [mine]}}),
    )
    .unwrap();
    assert_eq!(entities["entities"][0]["entityValue"], "222222222222");
    assert_eq!(entities["entities"][0]["statusCode"], "IMPAIRED");
    let aggregates = health(
        &mut world,
        "222222222222",
        "DescribeEventAggregates",
        json!({"aggregateField": "eventTypeCategory"}),
    )
    .unwrap();
    assert_eq!(
        aggregates["eventAggregates"],
        json!([{"aggregateValue": "issue", "count": 2}])
    );
    let types = health(&mut world, "222222222222", "DescribeEventTypes", json!({})).unwrap();
    assert_eq!(types["eventTypes"][0]["code"], "AWS_EC2_OPERATIONAL_ISSUE");
}

#[test]
fn filters_and_pages() {
    let mut world = world();
    for _ in 0..3 {
        publish_event(&mut world, event(&[])).unwrap();
    }
    let first = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"maxResults": 2}),
    )
    .unwrap();
    assert_eq!(first["events"].as_array().unwrap().len(), 2);
    let token = first["nextToken"].as_str().unwrap();
    let second = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"maxResults": 2, "nextToken": token}),
    )
    .unwrap();
    assert_eq!(second["events"].as_array().unwrap().len(), 1);
    let forged = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"nextToken": "AAAAAAAA"}),
    )
    .unwrap_err();
    assert_eq!(forged.code, "InvalidPaginationToken");
    let none = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"filter": {"regions": ["us-west-2"]}}),
    )
    .unwrap();
    assert_eq!(none["events"], json!([]));
    let bad = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"filter": {"eventStatusCodes": ["gone"]}}),
    )
    .unwrap_err();
    assert_eq!(
        (bad.code.as_str(), bad.status),
        ("ValidationException", 400)
    );
    let locale = health(
        &mut world,
        "222222222222",
        "DescribeEvents",
        json!({"locale": "xx_YY"}),
    )
    .unwrap_err();
    assert_eq!(locale.code, "UnsupportedLocale");
}

#[test]
fn the_organization_sees_events_from_after_it_turned_the_view_on() {
    let mut world = world();
    let member = organization(&mut world);
    let before = publish_event(&mut world, event(&[&member])).unwrap();
    // The view covers events from the millisecond it is turned on.
    world.clock.advance(1);
    let off = health(
        &mut world,
        MANAGEMENT,
        "DescribeEventsForOrganization",
        json!({}),
    )
    .unwrap_err();
    assert_eq!(off.code, "AccessDeniedException");
    let status = health(
        &mut world,
        MANAGEMENT,
        "DescribeHealthServiceStatusForOrganization",
        json!({}),
    )
    .unwrap();
    assert_eq!(
        status["healthServiceAccessStatusForOrganization"],
        "DISABLED"
    );
    let refused = health(
        &mut world,
        &member,
        "EnableHealthServiceAccessForOrganization",
        json!({}),
    )
    .unwrap_err();
    assert_eq!(refused.code, "AccessDeniedException");

    health(
        &mut world,
        MANAGEMENT,
        "EnableHealthServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    let services = call(
        &mut world,
        MANAGEMENT,
        ServiceId::Organizations,
        "ListAWSServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    assert_eq!(
        services["EnabledServicePrincipals"][0]["ServicePrincipal"],
        "health.amazonaws.com"
    );
    world.clock.advance(1000);
    let after = publish_event(&mut world, event(&[&member, "999999999999"])).unwrap();
    let events = health(
        &mut world,
        MANAGEMENT,
        "DescribeEventsForOrganization",
        json!({}),
    )
    .unwrap();
    let arns: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["arn"].as_str().unwrap())
        .collect();
    assert_eq!(arns, [after.as_str()], "not {before}");
    let accounts = health(
        &mut world,
        MANAGEMENT,
        "DescribeAffectedAccountsForOrganization",
        json!({"eventArn": after}),
    )
    .unwrap();
    assert_eq!(
        accounts["affectedAccounts"],
        json!([member]),
        "accounts outside the organization stay out"
    );
    assert_eq!(accounts["eventScopeCode"], "ACCOUNT_SPECIFIC");
    let entities = health(
        &mut world,
        MANAGEMENT,
        "DescribeAffectedEntitiesForOrganization",
        json!({"organizationEntityFilters": [{"eventArn": after, "awsAccountId": member}]}),
    )
    .unwrap();
    assert_eq!(entities["entities"][0]["awsAccountId"], json!(member));
    let details = health(
        &mut world,
        MANAGEMENT,
        "DescribeEventDetailsForOrganization",
        json!({"organizationEventDetailFilters": [{"eventArn": after, "awsAccountId": member}, {"eventArn": before, "awsAccountId": member}]}),
    )
    .unwrap();
    assert_eq!(details["successfulSet"][0]["event"]["arn"], json!(after));
    assert_eq!(details["failedSet"][0]["eventArn"], json!(before));
    let aggregates = health(
        &mut world,
        MANAGEMENT,
        "DescribeEntityAggregatesForOrganization",
        json!({"eventArns": [after]}),
    )
    .unwrap();
    assert_eq!(aggregates["organizationEntityAggregates"][0]["count"], 1);
    assert_eq!(
        aggregates["organizationEntityAggregates"][0]["accounts"][0]["accountId"],
        json!(member)
    );

    health(
        &mut world,
        MANAGEMENT,
        "DisableHealthServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    let status = health(
        &mut world,
        MANAGEMENT,
        "DescribeHealthServiceStatusForOrganization",
        json!({}),
    )
    .unwrap();
    assert_eq!(
        status["healthServiceAccessStatusForOrganization"],
        "DISABLED"
    );
}

#[test]
fn basic_support_refuses_every_operation() {
    let mut world = World::new(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let refused = health(&mut world, "222222222222", "DescribeEvents", json!({})).unwrap_err();
    assert_eq!(
        (refused.code.as_str(), refused.status),
        ("SubscriptionRequiredException", 400)
    );
}

#[test]
fn bad_events_are_refused_and_change_nothing() {
    let mut world = world();
    let mut bad = event(&["12345"]);
    assert!(publish_event(&mut world, bad.clone())
        .unwrap_err()
        .contains("12-digit"));
    bad.affected_accounts = vec![];
    bad.event_type_category = "outage".into();
    assert!(publish_event(&mut world, bad)
        .unwrap_err()
        .contains("eventTypeCategory"));
    assert!(world.health.events.is_empty());
}

#[test]
fn a_delegated_administrator_reads_the_organizational_view() {
    let mut world = world();
    let member = organization(&mut world);
    health(
        &mut world,
        MANAGEMENT,
        "EnableHealthServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    let refused = health(
        &mut world,
        &member,
        "DescribeEventsForOrganization",
        json!({}),
    )
    .unwrap_err();
    assert_eq!(refused.code, "AccessDeniedException");
    call(
        &mut world,
        MANAGEMENT,
        ServiceId::Organizations,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": member, "ServicePrincipal": "health.amazonaws.com"}),
    )
    .unwrap();
    let arn = publish_event(&mut world, event(&[MANAGEMENT])).unwrap();
    let events = health(
        &mut world,
        &member,
        "DescribeEventsForOrganization",
        json!({}),
    )
    .unwrap();
    assert_eq!(events["events"][0]["arn"], json!(arn));
    // Turning the view off deregisters Health's delegated administrators, as trusted
    // access does in Organizations.
    health(
        &mut world,
        MANAGEMENT,
        "DisableHealthServiceAccessForOrganization",
        json!({}),
    )
    .unwrap();
    let admins = call(
        &mut world,
        MANAGEMENT,
        ServiceId::Organizations,
        "ListDelegatedAdministrators",
        json!({"ServicePrincipal": "health.amazonaws.com"}),
    )
    .unwrap();
    assert_eq!(admins["DelegatedAdministrators"], json!([]));
}

#[test]
fn affected_entities_page_in_arn_order() {
    let mut world = world();
    let mut many = event(&["222222222222"]);
    many.affected_entities = (0..5).map(|i| format!("i-{i}")).collect();
    let first = publish_event(&mut world, many.clone()).unwrap();
    let second = publish_event(&mut world, many).unwrap();
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"filter": {"eventArns": [second, first, second]}, "maxResults": 3});
        if let Some(t) = &token {
            input["nextToken"] = json!(t);
        }
        let page = health(
            &mut world,
            "222222222222",
            "DescribeAffectedEntities",
            input,
        )
        .unwrap();
        for entity in page["entities"].as_array().unwrap() {
            seen.push(entity["entityArn"].as_str().unwrap().to_string());
        }
        match page["nextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "each entity once, in order");
    assert_eq!(seen.len(), 10);
}
