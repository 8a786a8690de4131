//! AWS Budgets (awsJson1.1, `AWSBudgetServiceGateway.<Op>`, global endpoint): budgets
//! with cost filters, notifications and subscribers, actual and forecasted spend and
//! performance history from the cost model ([`crate::cost`], the same sums Cost
//! Explorer shows), budget actions stored with their history, and tags.

pub mod actions;
pub mod errors;
pub mod history;
pub mod model;
pub mod notifications;
pub mod operations;
pub mod records;
pub mod spend;
pub mod tags;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::Value;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::BudgetsError;
use model::StoredBudget;

service_operations!(ServiceId::Budgets, BudgetsError::from_input, {
    "CreateBudget" => records::create_budget,
    "DescribeBudget" => records::describe_budget,
    "DescribeBudgets" => records::describe_budgets,
    "UpdateBudget" => records::update_budget,
    "DeleteBudget" => records::delete_budget,
    "CreateNotification" => notifications::create_notification,
    "DescribeNotificationsForBudget" => notifications::describe_notifications_for_budget,
    "UpdateNotification" => notifications::update_notification,
    "DeleteNotification" => notifications::delete_notification,
    "CreateSubscriber" => notifications::create_subscriber,
    "DescribeSubscribersForNotification" => notifications::describe_subscribers_for_notification,
    "UpdateSubscriber" => notifications::update_subscriber,
    "DeleteSubscriber" => notifications::delete_subscriber,
    "DescribeBudgetNotificationsForAccount" => notifications::describe_budget_notifications_for_account,
    "DescribeBudgetPerformanceHistory" => history::describe_budget_performance_history,
    "CreateBudgetAction" => actions::create_budget_action,
    "DescribeBudgetAction" => actions::describe_budget_action,
    "UpdateBudgetAction" => actions::update_budget_action,
    "DeleteBudgetAction" => actions::delete_budget_action,
    "DescribeBudgetActionsForAccount" => actions::describe_budget_actions_for_account,
    "DescribeBudgetActionsForBudget" => actions::describe_budget_actions_for_budget,
    "DescribeBudgetActionHistories" => actions::describe_budget_action_histories,
    "TagResource" => tags::tag_resource,
    "UntagResource" => tags::untag_resource,
    "ListTagsForResource" => tags::list_tags_for_resource,
});

/// Budgets' state: every account's budgets.
pub type State = model::BudgetsState;

/// How orgsim serves AWS Budgets.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "budgets",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 400),
    global: true,
    on_org_event: None,
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: Some(action_name),
    payload_dispatch: None,
    resource_policy: None,
};

/// Budgets' IAM actions: reads are `ViewBudget`, budget, notification and subscriber
/// changes `ModifyBudget`; actions and tags have their own.
fn action_name(operation: &str) -> &str {
    match operation {
        "DescribeBudget"
        | "DescribeBudgets"
        | "DescribeNotificationsForBudget"
        | "DescribeSubscribersForNotification"
        | "DescribeBudgetPerformanceHistory"
        | "DescribeBudgetNotificationsForAccount" => "ViewBudget",
        "CreateBudget" | "UpdateBudget" | "DeleteBudget" | "CreateNotification"
        | "UpdateNotification" | "DeleteNotification" | "CreateSubscriber" | "UpdateSubscriber"
        | "DeleteSubscriber" => "ModifyBudget",
        other => other,
    }
}

/// The budget a request names.
fn resource_arn(
    _world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &Value,
) -> Option<String> {
    if let Some(arn) = input.get("ResourceARN").and_then(Value::as_str) {
        return Some(arn.to_string());
    }
    let account = input.get("AccountId")?.as_str()?;
    let name = input
        .get("BudgetName")
        .or_else(|| input.get("NewBudget").and_then(|b| b.get("BudgetName")))
        .or_else(|| input.get("Budget").and_then(|b| b.get("BudgetName")))?
        .as_str()?;
    Some(format!("arn:aws:budgets::{account}:budget/{name}"))
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// Budgets live in the caller's own account: another account's id is refused.
pub fn check_account(caller: &Caller, account: &str) -> Result<(), BudgetsError> {
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BudgetsError::constraint(
            "accountId",
            account,
            "Member must satisfy regular expression pattern: \\d{12}",
        ));
    }
    if account != caller.account_id {
        return Err(BudgetsError::AccessDenied(format!(
            "User: {} is not authorized to access the budgets of account {account}",
            caller.arn()
        )));
    }
    Ok(())
}

/// `BudgetName`: 1..=100 characters, no `:` or `\`, no `/action/`.
pub fn check_name(name: &str) -> Result<(), BudgetsError> {
    let lower = name.to_lowercase();
    let forbidden = name.contains(':')
        || name.contains('\\')
        || name.contains("/action/")
        || (lower.contains("<script>") && lower.contains("</script>"));
    let ok = (1..=100).contains(&name.chars().count()) && !forbidden;
    if ok {
        Ok(())
    } else {
        Err(BudgetsError::constraint(
            "budgetName",
            name,
            "Member must satisfy regular expression pattern: ^(?![^:\\\\]*/action/|(?i).*<script>.*</script>.*)[^:\\\\]+$",
        ))
    }
}

pub fn budget<'w>(
    world: &'w World,
    account: &str,
    name: &str,
) -> Result<&'w StoredBudget, BudgetsError> {
    world
        .budgets
        .accounts
        .get(account)
        .and_then(|b| b.get(name))
        .ok_or_else(|| BudgetsError::no_budget(name))
}

/// A budget checked to exist.
pub fn budget_mut<'w>(world: &'w mut World, account: &str, name: &str) -> &'w mut StoredBudget {
    world
        .budgets
        .accounts
        .get_mut(account)
        .and_then(|b| b.get_mut(name))
        .expect("budget checked before mutation")
}

/// Page size (1..=`limit`, default `limit`) and the key to resume after.
pub fn page_bounds(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    limit: usize,
) -> Result<(usize, Option<String>), BudgetsError> {
    let max = match max_results {
        None => limit,
        Some(n) if n >= 1 && n as usize <= limit => n as usize,
        Some(n) => {
            return Err(BudgetsError::constraint(
                "maxResults",
                &n.to_string(),
                &format!("Member must have value between 1 and {limit}"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None | Some("") => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(BudgetsError::bad_token)?),
    };
    Ok((max, after))
}

/// Milliseconds of a timestamp input (epoch seconds, or ISO 8601 text).
pub fn parse_timestamp(member: &str, value: &Value) -> Result<i64, BudgetsError> {
    let bad = || BudgetsError::constraint(member, &value.to_string(), "Member must be a timestamp");
    match value {
        Value::Number(n) => n
            .as_f64()
            .filter(|s| s.is_finite() && s.abs() < 1e13)
            .map(|s| (s * 1000.0).round() as i64)
            .ok_or_else(bad),
        Value::String(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}
