//! Unit tests of Budgets against a world: spend that agrees with Cost Explorer, a
//! notification that turns to ALARM after a clock step, subscribers, performance
//! history, actions, tags and AWS's errors.

use serde_json::{json, Value};

use crate::api::ApiError;
use crate::services::costexplorer;
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

/// Two members; GuardDuty on in the first from Jan 1 (0.014 USD an hour).
fn org_with_guardduty() -> (World, Vec<String>) {
    let mut w = world();
    w.clock.pinned_ms = Some(JAN_1);
    let members = org_with_accounts(&mut w, 2);
    create_detector(&mut w, &members[0]);
    (w, members)
}

fn monthly(name: &str, limit: &str) -> Value {
    json!({
        "BudgetName": name,
        "BudgetLimit": {"Amount": limit, "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
    })
}

fn alert_at(percent: f64) -> Value {
    json!({"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": percent, "ThresholdType": "PERCENTAGE"})
}

fn email(address: &str) -> Value {
    json!({"SubscriptionType": "EMAIL", "Address": address})
}

#[test]
fn spend_agrees_with_cost_explorer_and_a_notification_alarms_after_a_clock_step() {
    let (mut w, members) = org_with_guardduty();
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({
            "AccountId": MANAGEMENT,
            "Budget": monthly("security", "1"),
            "NotificationsWithSubscribers": [{"Notification": alert_at(80.0), "Subscribers": [email("sec@example.com")]}],
        }),
    );
    let state = |w: &mut World| {
        ok(
            w,
            MANAGEMENT,
            "DescribeNotificationsForBudget",
            json!({"AccountId": MANAGEMENT, "BudgetName": "security"}),
        )["Notifications"][0]["NotificationState"]
            .clone()
    };
    assert_eq!(state(&mut w), "OK");
    w.clock.advance(48 * HOUR_MS);
    let budget = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudget",
        json!({"AccountId": MANAGEMENT, "BudgetName": "security"}),
    )["Budget"]
        .clone();
    assert_eq!(
        budget["CalculatedSpend"]["ActualSpend"],
        json!({"Amount": "0.672", "Unit": "USD"})
    );
    // The rest of January at 0.014 an hour: 31 days in all.
    assert_eq!(
        budget["CalculatedSpend"]["ForecastedSpend"]["Amount"],
        "10.416"
    );
    assert_eq!(budget["TimePeriod"]["Start"], json!(1_767_225_600.0));
    assert_eq!(budget["TimePeriod"]["End"], json!(3_706_473_600.0));
    assert_eq!(budget["CostTypes"]["IncludeTax"], true);
    w.begin_request();
    let ce = costexplorer::dispatch(
        &mut w,
        &root_caller(MANAGEMENT),
        "GetCostAndUsage",
        json!({"TimePeriod": {"Start": "2026-01-01", "End": "2026-02-01"}, "Granularity": "MONTHLY", "Metrics": ["UnblendedCost"]}),
    )
    .unwrap();
    assert_eq!(
        ce["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"],
        budget["CalculatedSpend"]["ActualSpend"]["Amount"]
    );
    assert_eq!(state(&mut w), "OK", "0.672 is under 80% of 1 USD");
    w.clock.advance(10 * HOUR_MS);
    assert_eq!(state(&mut w), "ALARM", "0.812 is over 80% of 1 USD");
    let listed = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetNotificationsForAccount",
        json!({"AccountId": MANAGEMENT}),
    );
    assert_eq!(
        listed["BudgetNotificationsForAccount"][0]["BudgetName"],
        "security"
    );

    // A member's budget counts only that member.
    ok(
        &mut w,
        &members[1],
        "CreateBudget",
        json!({"AccountId": members[1], "Budget": monthly("mine", "1")}),
    );
    let theirs = ok(
        &mut w,
        &members[1],
        "DescribeBudget",
        json!({"AccountId": members[1], "BudgetName": "mine"}),
    );
    assert_eq!(
        theirs["Budget"]["CalculatedSpend"]["ActualSpend"]["Amount"],
        "0"
    );
}

#[test]
fn cost_filters_and_filter_expressions_narrow_the_spend() {
    let (mut w, members) = org_with_guardduty();
    w.clock.advance(48 * HOUR_MS);
    let mut filtered = monthly("other-account", "5");
    filtered["CostFilters"] = json!({"LinkedAccount": [members[1]]});
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": MANAGEMENT, "Budget": filtered}),
    );
    let mut by_service = monthly("guardduty", "5");
    by_service["FilterExpression"] =
        json!({"Dimensions": {"Key": "SERVICE", "Values": ["Amazon GuardDuty"]}});
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": MANAGEMENT, "Budget": by_service}),
    );
    let mut usage = monthly("events", "100000");
    usage["BudgetType"] = json!("USAGE");
    usage["BudgetLimit"]["Unit"] = json!("Events");
    usage["CostFilters"] = json!({"UsageType": ["USE1-PaidEventsAnalyzed"]});
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": MANAGEMENT, "Budget": usage}),
    );
    let all = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgets",
        json!({"AccountId": MANAGEMENT, "ShowFilterExpression": true}),
    );
    let spend: Vec<(&str, &str)> = all["Budgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["BudgetName"].as_str().unwrap(),
                b["CalculatedSpend"]["ActualSpend"]["Amount"]
                    .as_str()
                    .unwrap(),
            )
        })
        .collect();
    assert_eq!(
        spend,
        vec![
            ("events", "48000"),
            ("guardduty", "0.672"),
            ("other-account", "0")
        ]
    );
    assert_eq!(
        all["Budgets"][1]["FilterExpression"]["Dimensions"]["Key"],
        "SERVICE"
    );
    let page = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgets",
        json!({"AccountId": MANAGEMENT, "MaxResults": 2}),
    );
    let token = page["NextToken"].as_str().unwrap();
    let rest = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgets",
        json!({"AccountId": MANAGEMENT, "NextToken": token}),
    );
    assert_eq!(rest["Budgets"][0]["BudgetName"], "other-account");
    let mut bad = monthly("bad", "5");
    bad["CostFilters"] = json!({"Colour": ["blue"]});
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "CreateBudget",
            json!({"AccountId": MANAGEMENT, "Budget": bad})
        )),
        "InvalidParameterException"
    );
}

#[test]
fn budgets_errors_are_aws_s() {
    let (mut w, members) = org_with_guardduty();
    let create = json!({"AccountId": MANAGEMENT, "Budget": monthly("b", "10")});
    ok(&mut w, MANAGEMENT, "CreateBudget", create.clone());
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "CreateBudget", create)),
        "DuplicateRecordException"
    );
    let missing = run(
        &mut w,
        MANAGEMENT,
        "DescribeBudget",
        json!({"AccountId": MANAGEMENT, "BudgetName": "nope"}),
    )
    .unwrap_err();
    assert_eq!(
        (missing.code.as_str(), missing.status),
        ("NotFoundException", 400)
    );
    assert_eq!(
        missing.message,
        "Unable to get budget: nope - the budget doesn't exist."
    );
    let other = run(
        &mut w,
        MANAGEMENT,
        "DescribeBudgets",
        json!({"AccountId": members[0]}),
    );
    assert_eq!(code(other), "AccessDeniedException");
    let colon = json!({"AccountId": MANAGEMENT, "Budget": monthly("a:b", "10")});
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "CreateBudget", colon)),
        "InvalidParameterException"
    );
    let mut no_limit = monthly("c", "1");
    no_limit.as_object_mut().unwrap().remove("BudgetLimit");
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "CreateBudget",
            json!({"AccountId": MANAGEMENT, "Budget": no_limit})
        )),
        "InvalidParameterException"
    );
    let mut custom = monthly("d", "1");
    custom["TimeUnit"] = json!("CUSTOM");
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "CreateBudget",
            json!({"AccountId": MANAGEMENT, "Budget": custom})
        )),
        "InvalidParameterException"
    );
    let bad_amount = json!({"AccountId": MANAGEMENT, "Budget": monthly("e", "ten")});
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "CreateBudget", bad_amount)),
        "InvalidParameterException"
    );
    let short = run(
        &mut w,
        MANAGEMENT,
        "DescribeBudgets",
        json!({"AccountId": "123"}),
    );
    assert_eq!(code(short), "InvalidParameterException");
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteBudget",
        json!({"AccountId": MANAGEMENT, "BudgetName": "b"}),
    );
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "DeleteBudget",
            json!({"AccountId": MANAGEMENT, "BudgetName": "b"})
        )),
        "NotFoundException"
    );
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "DescribeBudgets",
            json!({"AccountId": MANAGEMENT, "NextToken": "x"})
        )),
        "InvalidNextTokenException"
    );
}

#[test]
fn notifications_and_subscribers_are_managed() {
    let (mut w, _) = org_with_guardduty();
    let acct = json!(MANAGEMENT);
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": acct, "Budget": monthly("n", "10")}),
    );
    let base = json!({"AccountId": acct, "BudgetName": "n"});
    let with = |extra: Value| {
        let mut v = base.clone();
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    ok(
        &mut w,
        MANAGEMENT,
        "CreateNotification",
        with(json!({"Notification": alert_at(50.0), "Subscribers": [email("a@example.com")]})),
    );
    let again = run(
        &mut w,
        MANAGEMENT,
        "CreateNotification",
        with(json!({"Notification": alert_at(50.0), "Subscribers": [email("a@example.com")]})),
    );
    assert_eq!(code(again), "DuplicateRecordException");
    let bad_email = run(
        &mut w,
        MANAGEMENT,
        "CreateNotification",
        with(json!({"Notification": alert_at(60.0), "Subscribers": [email("nobody")]})),
    );
    assert_eq!(code(bad_email), "InvalidParameterException");
    ok(
        &mut w,
        MANAGEMENT,
        "CreateSubscriber",
        with(
            json!({"Notification": alert_at(50.0), "Subscriber": {"SubscriptionType": "SNS", "Address": "arn:aws:sns:us-east-1:111111111111:alerts"}}),
        ),
    );
    let dup = run(
        &mut w,
        MANAGEMENT,
        "CreateSubscriber",
        with(json!({"Notification": alert_at(50.0), "Subscriber": email("a@example.com")})),
    );
    assert_eq!(code(dup), "DuplicateRecordException");
    ok(
        &mut w,
        MANAGEMENT,
        "UpdateSubscriber",
        with(
            json!({"Notification": alert_at(50.0), "OldSubscriber": email("a@example.com"), "NewSubscriber": email("b@example.com")}),
        ),
    );
    let subs = ok(
        &mut w,
        MANAGEMENT,
        "DescribeSubscribersForNotification",
        with(json!({"Notification": alert_at(50.0)})),
    );
    assert_eq!(subs["Subscribers"][0]["Address"], "b@example.com");
    assert_eq!(subs["Subscribers"].as_array().unwrap().len(), 2);
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteSubscriber",
        with(json!({"Notification": alert_at(50.0), "Subscriber": email("b@example.com")})),
    );
    ok(
        &mut w,
        MANAGEMENT,
        "UpdateNotification",
        with(json!({"OldNotification": alert_at(50.0), "NewNotification": alert_at(90.0)})),
    );
    let gone = run(
        &mut w,
        MANAGEMENT,
        "DescribeSubscribersForNotification",
        with(json!({"Notification": alert_at(50.0)})),
    );
    assert_eq!(code(gone), "NotFoundException");
    let listed = ok(
        &mut w,
        MANAGEMENT,
        "DescribeNotificationsForBudget",
        base.clone(),
    );
    assert_eq!(listed["Notifications"][0]["Threshold"], 90.0);
    for i in 0..9 {
        ok(
            &mut w,
            MANAGEMENT,
            "CreateNotification",
            with(
                json!({"Notification": alert_at(i as f64), "Subscribers": [email("a@example.com")]}),
            ),
        );
    }
    let eleventh = run(
        &mut w,
        MANAGEMENT,
        "CreateNotification",
        with(json!({"Notification": alert_at(99.0), "Subscribers": [email("a@example.com")]})),
    );
    assert_eq!(code(eleventh), "CreationLimitExceededException");
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteNotification",
        with(json!({"Notification": alert_at(90.0)})),
    );
    assert_eq!(
        code(run(
            &mut w,
            MANAGEMENT,
            "DeleteNotification",
            with(json!({"Notification": alert_at(90.0)}))
        )),
        "NotFoundException"
    );
}

#[test]
fn performance_history_has_one_entry_per_period() {
    let (mut w, _) = org_with_guardduty();
    let mut daily = monthly("daily", "0.2");
    daily["TimeUnit"] = json!("DAILY");
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": MANAGEMENT, "Budget": daily}),
    );
    w.clock.advance(60 * HOUR_MS);
    let out = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetPerformanceHistory",
        json!({"AccountId": MANAGEMENT, "BudgetName": "daily"}),
    );
    let list = out["BudgetPerformanceHistory"]["BudgetedAndActualAmountsList"]
        .as_array()
        .unwrap();
    let actual: Vec<&str> = list
        .iter()
        .map(|e| e["ActualAmount"]["Amount"].as_str().unwrap())
        .collect();
    assert_eq!(actual, vec!["0.336", "0.336", "0.168"]);
    assert_eq!(list[0]["BudgetedAmount"]["Amount"], "0.2");
    assert_eq!(list[1]["TimePeriod"]["Start"], json!(1_767_312_000.0));
    let page = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetPerformanceHistory",
        json!({"AccountId": MANAGEMENT, "BudgetName": "daily", "MaxResults": 2}),
    );
    let token = page["NextToken"].as_str().unwrap();
    let rest = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetPerformanceHistory",
        json!({"AccountId": MANAGEMENT, "BudgetName": "daily", "NextToken": token}),
    );
    assert_eq!(
        rest["BudgetPerformanceHistory"]["BudgetedAndActualAmountsList"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn actions_are_stored_with_their_history_and_tags() {
    let (mut w, _) = org_with_guardduty();
    ok(
        &mut w,
        MANAGEMENT,
        "CreateBudget",
        json!({"AccountId": MANAGEMENT, "Budget": monthly("act", "10"), "ResourceTags": [{"Key": "team", "Value": "sec"}]}),
    );
    let create = json!({
        "AccountId": MANAGEMENT,
        "BudgetName": "act",
        "NotificationType": "ACTUAL",
        "ActionType": "APPLY_SCP_POLICY",
        "ActionThreshold": {"ActionThresholdValue": 90.0, "ActionThresholdType": "PERCENTAGE"},
        "Definition": {"ScpActionDefinition": {"PolicyId": "p-12345678", "TargetIds": ["ou-abcd-12345678"]}},
        "ExecutionRoleArn": "arn:aws:iam::111111111111:role/BudgetsActions",
        "ApprovalModel": "MANUAL",
        "Subscribers": [email("sec@example.com")],
    });
    let id = ok(&mut w, MANAGEMENT, "CreateBudgetAction", create.clone())["ActionId"]
        .as_str()
        .unwrap()
        .to_string();
    let reference = json!({"AccountId": MANAGEMENT, "BudgetName": "act", "ActionId": id});
    let described = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetAction",
        reference.clone(),
    );
    assert_eq!(described["Action"]["Status"], "STANDBY");
    let mut wrong = create.clone();
    wrong["ActionType"] = json!("APPLY_IAM_POLICY");
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "CreateBudgetAction", wrong)),
        "InvalidParameterException"
    );
    let mut update = reference.clone();
    update["ApprovalModel"] = json!("AUTOMATIC");
    let updated = ok(&mut w, MANAGEMENT, "UpdateBudgetAction", update);
    assert_eq!(
        (
            updated["OldAction"]["ApprovalModel"].clone(),
            updated["NewAction"]["ApprovalModel"].clone()
        ),
        (json!("MANUAL"), json!("AUTOMATIC"))
    );
    let history = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetActionHistories",
        reference.clone(),
    );
    let events: Vec<&str> = history["ActionHistories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["EventType"].as_str().unwrap())
        .collect();
    assert_eq!(events, vec!["CREATE_ACTION", "UPDATE_ACTION"]);
    let for_account = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetActionsForAccount",
        json!({"AccountId": MANAGEMENT}),
    );
    assert_eq!(for_account["Actions"][0]["ActionId"], id.as_str());
    let for_budget = ok(
        &mut w,
        MANAGEMENT,
        "DescribeBudgetActionsForBudget",
        json!({"AccountId": MANAGEMENT, "BudgetName": "act"}),
    );
    assert_eq!(for_budget["Actions"].as_array().unwrap().len(), 1);

    let arn = format!("arn:aws:budgets::{MANAGEMENT}:budget/act");
    ok(
        &mut w,
        MANAGEMENT,
        "TagResource",
        json!({"ResourceARN": arn, "ResourceTags": [{"Key": "env", "Value": "prod"}]}),
    );
    ok(
        &mut w,
        MANAGEMENT,
        "UntagResource",
        json!({"ResourceARN": arn, "ResourceTagKeys": ["team"]}),
    );
    let tags = ok(
        &mut w,
        MANAGEMENT,
        "ListTagsForResource",
        json!({"ResourceARN": arn}),
    );
    assert_eq!(
        tags["ResourceTags"],
        json!([{"Key": "env", "Value": "prod"}])
    );
    let action_arn = format!("{arn}/action/{id}");
    assert_eq!(
        ok(
            &mut w,
            MANAGEMENT,
            "ListTagsForResource",
            json!({"ResourceARN": action_arn})
        )["ResourceTags"],
        json!([])
    );

    let deleted = ok(&mut w, MANAGEMENT, "DeleteBudgetAction", reference.clone());
    assert_eq!(deleted["Action"]["ActionId"], id.as_str());
    assert_eq!(
        code(run(&mut w, MANAGEMENT, "DescribeBudgetAction", reference)),
        "NotFoundException"
    );
}
