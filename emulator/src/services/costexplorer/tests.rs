//! Unit tests of Cost Explorer against a world: GuardDuty's cost in the one account
//! that turned it on, grouping, filters, periods, dimension values, forecasts, errors.

use serde_json::{json, Value};

use crate::api::ApiError;
use crate::services::guardduty::test_support::{create_detector, org_with_accounts, MANAGEMENT};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

const JAN_1: i64 = 1_767_225_600_000;
const HOUR_MS: i64 = 3_600_000;

fn run(w: &mut World, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
    w.begin_request();
    super::dispatch(w, &root_caller(account), op, input)
}

fn ok(w: &mut World, account: &str, op: &str, input: Value) -> Value {
    run(w, account, op, input).unwrap_or_else(|e| panic!("{op} as {account}: {e:?}"))
}

fn code(result: Result<Value, ApiError>) -> String {
    result.expect_err("expected an error").code
}

/// An organization of two members; GuardDuty on in the first for 48 hours from Jan 1.
fn two_days_of_guardduty() -> (World, Vec<String>) {
    let mut w = world();
    w.clock.pinned_ms = Some(JAN_1);
    let members = org_with_accounts(&mut w, 2);
    create_detector(&mut w, &members[0]);
    w.clock.advance(48 * HOUR_MS);
    (w, members)
}

fn january(granularity: &str) -> Value {
    json!({
        "TimePeriod": {"Start": "2026-01-01", "End": "2026-01-04"},
        "Granularity": granularity,
        "Metrics": ["UnblendedCost", "BlendedCost", "UsageQuantity"],
    })
}

#[test]
fn guardduty_costs_show_in_its_account_and_nowhere_else() {
    let (mut w, members) = two_days_of_guardduty();
    let mut input = january("MONTHLY");
    input["GroupBy"] = json!([{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]);
    let out = ok(&mut w, MANAGEMENT, "GetCostAndUsage", input.clone());
    let groups = out["ResultsByTime"][0]["Groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{out}");
    assert_eq!(groups[0]["Keys"], json!([members[0]]));
    assert_eq!(
        groups[0]["Metrics"]["UnblendedCost"],
        json!({"Amount": "0.672", "Unit": "USD"})
    );
    assert_eq!(groups[0]["Metrics"]["BlendedCost"]["Amount"], "0.672");
    assert_eq!(out["ResultsByTime"][0]["Total"], json!({}));
    assert_eq!(
        out["DimensionValueAttributes"][0]["Attributes"]["description"],
        "a0"
    );

    // The other member sees nothing; the member itself sees its own bill.
    let other = ok(&mut w, &members[1], "GetCostAndUsage", january("MONTHLY"));
    assert_eq!(
        other["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"],
        "0"
    );
    let own = ok(&mut w, &members[0], "GetCostAndUsage", january("MONTHLY"));
    assert_eq!(
        own["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"],
        "0.672"
    );
    assert_eq!(
        own["ResultsByTime"][0]["Total"]["UsageQuantity"]["Unit"],
        "N/A"
    );
    assert_eq!(own["ResultsByTime"][0]["Estimated"], true);
}

#[test]
fn daily_periods_split_the_hours_by_day() {
    let (mut w, _) = two_days_of_guardduty();
    let out = ok(&mut w, MANAGEMENT, "GetCostAndUsage", january("DAILY"));
    let days: Vec<(&str, &str)> = out["ResultsByTime"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["TimePeriod"]["Start"].as_str().unwrap(),
                r["Total"]["UnblendedCost"]["Amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        days,
        vec![
            ("2026-01-01", "0.336"),
            ("2026-01-02", "0.336"),
            ("2026-01-03", "0")
        ]
    );
    assert_eq!(out["ResultsByTime"][0]["Estimated"], false);
}

#[test]
fn group_by_service_and_region_and_filters() {
    let (mut w, members) = two_days_of_guardduty();
    let mut input = january("MONTHLY");
    input["GroupBy"] = json!([
        {"Type": "DIMENSION", "Key": "SERVICE"},
        {"Type": "DIMENSION", "Key": "REGION"}
    ]);
    let out = ok(&mut w, MANAGEMENT, "GetCostAndUsage", input.clone());
    assert_eq!(
        out["ResultsByTime"][0]["Groups"][0]["Keys"],
        json!(["Amazon GuardDuty", "us-east-1"])
    );

    let mut usage = january("MONTHLY");
    usage["GroupBy"] = json!([{"Type": "DIMENSION", "Key": "USAGE_TYPE"}]);
    let out = ok(&mut w, MANAGEMENT, "GetCostAndUsage", usage);
    let groups = out["ResultsByTime"][0]["Groups"].as_array().unwrap();
    assert_eq!(groups[0]["Keys"], json!(["USE1-PaidEventsAnalyzed"]));
    assert_eq!(
        groups[0]["Metrics"]["UsageQuantity"],
        json!({"Amount": "48000", "Unit": "Events"})
    );
    assert_eq!(groups[0]["Metrics"]["UnblendedCost"]["Amount"], "0.192");

    let filtered = |w: &mut World, filter: Value| {
        let mut input = january("MONTHLY");
        input["Filter"] = filter;
        ok(w, MANAGEMENT, "GetCostAndUsage", input)["ResultsByTime"][0]["Total"]["UnblendedCost"]
            ["Amount"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let only_other = json!({"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [members[1]]}});
    assert_eq!(filtered(&mut w, only_other.clone()), "0");
    assert_eq!(filtered(&mut w, json!({"Not": only_other})), "0.672");
    let both = json!({"And": [
        {"Dimensions": {"Key": "SERVICE", "Values": ["amazon guardduty"], "MatchOptions": ["EQUALS", "CASE_INSENSITIVE"]}},
        {"Dimensions": {"Key": "USAGE_TYPE", "Values": ["Logs"], "MatchOptions": ["CONTAINS"]}}
    ]});
    assert_eq!(filtered(&mut w, both), "0.48");
    let either = json!({"Or": [
        {"Dimensions": {"Key": "REGION", "Values": ["eu-west-1"]}},
        {"Tags": {"Key": "team", "MatchOptions": ["ABSENT"]}}
    ]});
    assert_eq!(filtered(&mut w, either), "0.672");
}

#[test]
fn dimension_values_list_what_was_used() {
    let (mut w, members) = two_days_of_guardduty();
    let services = ok(
        &mut w,
        MANAGEMENT,
        "GetDimensionValues",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-04"}, "Dimension": "SERVICE"}),
    );
    assert_eq!(
        services["DimensionValues"],
        json!([{"Value": "Amazon GuardDuty", "Attributes": {}}])
    );
    assert_eq!(
        (
            services["ReturnSize"].clone(),
            services["TotalSize"].clone()
        ),
        (json!(1), json!(1))
    );
    let accounts = ok(
        &mut w,
        MANAGEMENT,
        "GetDimensionValues",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-04"}, "Dimension": "LINKED_ACCOUNT"}),
    );
    assert_eq!(
        accounts["DimensionValues"],
        json!([{"Value": members[0], "Attributes": {"description": "a0"}}])
    );
    let usage = ok(
        &mut w,
        MANAGEMENT,
        "GetDimensionValues",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-04"}, "Dimension": "USAGE_TYPE", "MaxResults": 1}),
    );
    assert_eq!(usage["TotalSize"], 2);
    let token = usage["NextPageToken"].as_str().unwrap().to_string();
    let rest = ok(
        &mut w,
        MANAGEMENT,
        "GetDimensionValues",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-04"}, "Dimension": "USAGE_TYPE", "MaxResults": 1, "NextPageToken": token}),
    );
    assert_eq!(rest["DimensionValues"][0]["Value"], "USE1-PaidLogsAnalyzed");
    assert!(rest.get("NextPageToken").is_none());
}

#[test]
fn forecast_projects_what_is_on_now() {
    let (mut w, members) = two_days_of_guardduty();
    let out = ok(
        &mut w,
        MANAGEMENT,
        "GetCostForecast",
        json!({"TimePeriod": {"Start": "2026-01-03", "End": "2026-01-05"}, "Metric": "UNBLENDED_COST", "Granularity": "DAILY"}),
    );
    assert_eq!(out["Total"], json!({"Amount": "0.672", "Unit": "USD"}));
    assert_eq!(out["ForecastResultsByTime"][1]["MeanValue"], "0.336");
    let none = run(
        &mut w,
        &members[1],
        "GetCostForecast",
        json!({"TimePeriod": {"Start": "2026-01-03", "End": "2026-01-05"}, "Metric": "UNBLENDED_COST", "Granularity": "DAILY"}),
    );
    assert_eq!(code(none), "DataUnavailableException");
    let past = run(
        &mut w,
        MANAGEMENT,
        "GetCostForecast",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-01-05"}, "Metric": "UNBLENDED_COST", "Granularity": "DAILY"}),
    );
    assert_eq!(code(past), "ValidationException");
}

#[test]
fn errors_are_aws_s() {
    let (mut w, _) = two_days_of_guardduty();
    let mut backwards = january("DAILY");
    backwards["TimePeriod"] = json!({"Start": "2026-01-04", "End": "2026-01-01"});
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", backwards)),
        "ValidationException"
    );
    let mut bad_date = january("DAILY");
    bad_date["TimePeriod"]["Start"] = json!("Jan 1");
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", bad_date)),
        "ValidationException"
    );
    let mut metric = january("DAILY");
    metric["Metrics"] = json!(["Dollars"]);
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", metric)),
        "ValidationException"
    );
    let mut group = january("DAILY");
    group["GroupBy"] = json!([{"Type": "DIMENSION", "Key": "SCOPE"}]);
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", group)),
        "ValidationException"
    );
    let mut two_roots = january("DAILY");
    two_roots["Filter"] = json!({"Dimensions": {"Key": "REGION", "Values": ["us-east-1"]}, "Not": {"Dimensions": {"Key": "REGION", "Values": ["x"]}}});
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", two_roots)),
        "ValidationException"
    );
    let mut old = january("MONTHLY");
    old["TimePeriod"] = json!({"Start": "2020-01-01", "End": "2020-02-01"});
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", old)),
        "BillExpirationException"
    );
    let mut token = january("DAILY");
    token["NextPageToken"] = json!("forged");
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "GetCostAndUsage", token)),
        "InvalidNextTokenException"
    );
    let missing = run(
        &mut w,
        MANAGEMENT,
        "GetCostAndUsage",
        json!({"Granularity": "DAILY"}),
    );
    assert_eq!(code(missing), "ValidationException");
}
