//! AWS Budgets through `aws-sdk-budgets`: a budget whose spend agrees with Cost
//! Explorer, its ACTUAL notification turning to ALARM after a clock step, subscribers,
//! performance history, a stored budget action, and AWS's errors.

use aws_sdk_budgets::operation::create_budget::CreateBudgetError;
use aws_sdk_budgets::operation::describe_budget::DescribeBudgetError;
use aws_sdk_budgets::types::{
    ActionThreshold, ActionType, ApprovalModel, Budget, BudgetType, ComparisonOperator, Definition,
    Notification, NotificationState, NotificationType, NotificationWithSubscribers,
    ScpActionDefinition, Spend, Subscriber, SubscriptionType, ThresholdType, TimeUnit,
};
use aws_sdk_costexplorer::types::Granularity;
use orgsim::Emulator;

use crate::common::{budgets, costexplorer, MANAGEMENT};
use crate::costexplorer::{guardduty_in_security_for_two_days, interval};

fn monthly(name: &str, limit: &str) -> Budget {
    Budget::builder()
        .budget_name(name)
        .budget_limit(Spend::builder().amount(limit).unit("USD").build().unwrap())
        .time_unit(TimeUnit::Monthly)
        .budget_type(BudgetType::Cost)
        .build()
        .expect("budget")
}

fn over_80_percent() -> Notification {
    Notification::builder()
        .notification_type(NotificationType::Actual)
        .comparison_operator(ComparisonOperator::GreaterThan)
        .threshold(80.0)
        .threshold_type(ThresholdType::Percentage)
        .build()
        .expect("notification")
}

fn email(address: &str) -> Subscriber {
    Subscriber::builder()
        .subscription_type(SubscriptionType::Email)
        .address(address)
        .build()
        .expect("subscriber")
}

#[tokio::test]
async fn budget_agrees_with_cost_explorer_and_alerts_after_a_clock_step() {
    let emulator = Emulator::start();
    guardduty_in_security_for_two_days(&emulator).await;
    let client = budgets(&emulator, MANAGEMENT);
    client
        .create_budget()
        .account_id(MANAGEMENT)
        .budget(monthly("security-baseline", "1"))
        .notifications_with_subscribers(
            NotificationWithSubscribers::builder()
                .notification(over_80_percent())
                .subscribers(email("sec@example.com"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("CreateBudget");
    let budget = client
        .describe_budget()
        .account_id(MANAGEMENT)
        .budget_name("security-baseline")
        .send()
        .await
        .expect("DescribeBudget")
        .budget
        .expect("budget");
    let actual = budget
        .calculated_spend()
        .unwrap()
        .actual_spend()
        .unwrap()
        .amount()
        .to_string();
    let ce = costexplorer(&emulator, MANAGEMENT)
        .get_cost_and_usage()
        .time_period(interval("2026-01-01", "2026-02-01"))
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .send()
        .await
        .expect("GetCostAndUsage");
    assert_eq!(actual, "0.672");
    assert_eq!(
        ce.results_by_time()[0].total().unwrap()["UnblendedCost"].amount(),
        Some(actual.as_str())
    );

    let state = || async {
        client
            .describe_notifications_for_budget()
            .account_id(MANAGEMENT)
            .budget_name("security-baseline")
            .send()
            .await
            .expect("DescribeNotificationsForBudget")
            .notifications()[0]
            .notification_state()
            .cloned()
    };
    assert_eq!(state().await, Some(NotificationState::Ok));
    emulator.with_world(|w| w.clock.advance(10 * 3_600_000));
    assert_eq!(state().await, Some(NotificationState::Alarm));

    client
        .create_subscriber()
        .account_id(MANAGEMENT)
        .budget_name("security-baseline")
        .notification(over_80_percent())
        .subscriber(email("finance@example.com"))
        .send()
        .await
        .expect("CreateSubscriber");
    let subscribers = client
        .describe_subscribers_for_notification()
        .account_id(MANAGEMENT)
        .budget_name("security-baseline")
        .notification(over_80_percent())
        .send()
        .await
        .expect("DescribeSubscribersForNotification");
    assert_eq!(subscribers.subscribers().len(), 2);

    let history = client
        .describe_budget_performance_history()
        .account_id(MANAGEMENT)
        .budget_name("security-baseline")
        .send()
        .await
        .expect("DescribeBudgetPerformanceHistory")
        .budget_performance_history
        .expect("history");
    let periods = history.budgeted_and_actual_amounts_list();
    assert_eq!(periods.len(), 1);
    assert_eq!(periods[0].actual_amount().unwrap().amount(), "0.812");
    assert_eq!(periods[0].budgeted_amount().unwrap().amount(), "1");
}

#[tokio::test]
async fn budget_actions_are_stored_and_errors_are_aws_s() {
    let emulator = Emulator::start();
    guardduty_in_security_for_two_days(&emulator).await;
    let client = budgets(&emulator, MANAGEMENT);
    client
        .create_budget()
        .account_id(MANAGEMENT)
        .budget(monthly("guardrail", "10"))
        .send()
        .await
        .expect("CreateBudget");
    let duplicate = client
        .create_budget()
        .account_id(MANAGEMENT)
        .budget(monthly("guardrail", "10"))
        .send()
        .await
        .expect_err("duplicate");
    assert!(matches!(
        duplicate.as_service_error(),
        Some(CreateBudgetError::DuplicateRecordException(_))
    ));
    let missing = client
        .describe_budget()
        .account_id(MANAGEMENT)
        .budget_name("nope")
        .send()
        .await
        .expect_err("missing");
    assert!(matches!(
        missing.as_service_error(),
        Some(DescribeBudgetError::NotFoundException(_))
    ));

    let action = client
        .create_budget_action()
        .account_id(MANAGEMENT)
        .budget_name("guardrail")
        .notification_type(NotificationType::Actual)
        .action_type(ActionType::Scp)
        .action_threshold(
            ActionThreshold::builder()
                .action_threshold_value(100.0)
                .action_threshold_type(ThresholdType::Percentage)
                .build()
                .unwrap(),
        )
        .definition(
            Definition::builder()
                .scp_action_definition(
                    ScpActionDefinition::builder()
                        .policy_id("p-12345678")
                        .target_ids("ou-abcd-12345678")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .execution_role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/BudgetsActions"))
        .approval_model(ApprovalModel::Manual)
        .subscribers(email("sec@example.com"))
        .send()
        .await
        .expect("CreateBudgetAction");
    let described = client
        .describe_budget_action()
        .account_id(MANAGEMENT)
        .budget_name("guardrail")
        .action_id(action.action_id())
        .send()
        .await
        .expect("DescribeBudgetAction");
    let stored = described.action().unwrap();
    assert_eq!(stored.action_type(), &ActionType::Scp);
    assert_eq!(stored.status().as_str(), "STANDBY");
    let listed = client
        .describe_budget_actions_for_account()
        .account_id(MANAGEMENT)
        .send()
        .await
        .expect("DescribeBudgetActionsForAccount");
    assert_eq!(listed.actions().len(), 1);
}
