//! Budgets themselves: create, describe, update, delete, with their spend computed.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use super::errors::BudgetsError;
use super::model::{
    BudgetType, Notification, Spend, StoredBudget, StoredNotification, Subscriber, Tag, TimeUnit,
};
use super::notifications::check_subscribers;
use super::spend::{self, COST_FILTER_KEYS};
use super::{budget, check_account, check_name, page_bounds, parse_timestamp, Empty};
use crate::auth::Caller;
use crate::cost::expression::Expression;
use crate::cost::format_amount;
use crate::services::pagination::encode_token;
use crate::world::{epoch_seconds, World};

/// AWS's default end of a budget: 2087-06-15T00:00:00Z.
pub const DEFAULT_END_MS: i64 = 3_706_473_600_000;

/// Notifications per budget, and subscribers per notification (AWS's quotas).
pub const MAX_NOTIFICATIONS: usize = 10;

/// `Budget` as a request carries it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BudgetInput {
    pub budget_name: String,
    #[serde(default)]
    pub budget_limit: Option<Spend>,
    #[serde(default)]
    pub planned_budget_limits: Option<BTreeMap<String, Spend>>,
    #[serde(default)]
    pub cost_filters: Option<BTreeMap<String, Vec<String>>>,
    #[serde(default)]
    pub cost_types: Option<Map<String, Value>>,
    pub time_unit: TimeUnit,
    #[serde(default)]
    pub time_period: Option<TimePeriodInput>,
    #[serde(default)]
    pub calculated_spend: Option<Value>,
    pub budget_type: BudgetType,
    #[serde(default)]
    pub last_updated_time: Option<Value>,
    #[serde(default)]
    pub auto_adjust_data: Option<Value>,
    #[serde(default)]
    pub filter_expression: Option<Expression>,
    #[serde(default)]
    pub metrics: Option<Vec<String>>,
    #[serde(default)]
    pub billing_view_arn: Option<String>,
    #[serde(default)]
    pub health_status: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimePeriodInput {
    #[serde(default)]
    pub start: Option<Value>,
    #[serde(default)]
    pub end: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotificationWithSubscribers {
    pub notification: Notification,
    pub subscribers: Vec<Subscriber>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBudgetInput {
    pub account_id: String,
    pub budget: BudgetInput,
    #[serde(default)]
    pub notifications_with_subscribers: Option<Vec<NotificationWithSubscribers>>,
    #[serde(default)]
    pub resource_tags: Option<Vec<Tag>>,
}

const DEFAULT_COST_TYPES: &[(&str, bool)] = &[
    ("IncludeTax", true),
    ("IncludeSubscription", true),
    ("UseBlended", false),
    ("IncludeRefund", true),
    ("IncludeCredit", true),
    ("IncludeUpfront", true),
    ("IncludeRecurring", true),
    ("IncludeOtherSubscription", true),
    ("IncludeSupport", true),
    ("IncludeDiscount", true),
    ("UseAmortized", false),
];

const METRICS: &[&str] = &[
    "BlendedCost",
    "UnblendedCost",
    "AmortizedCost",
    "NetUnblendedCost",
    "NetAmortizedCost",
    "UsageQuantity",
    "NormalizedUsageAmount",
    "Hours",
];

fn check_spend(member: &str, spend: &Spend) -> Result<(), BudgetsError> {
    let numeric = !spend.amount.is_empty()
        && spend
            .amount
            .parse::<f64>()
            .is_ok_and(|a| a.is_finite() && a >= 0.0)
        && spend
            .amount
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.');
    if !numeric {
        return Err(BudgetsError::constraint(
            &format!("{member}.amount"),
            &spend.amount,
            "Member must satisfy regular expression pattern: ([0-9]*\\.)?[0-9]+",
        ));
    }
    if spend.unit.is_empty() {
        return Err(BudgetsError::constraint(
            &format!("{member}.unit"),
            "",
            "Member must have length greater than or equal to 1",
        ));
    }
    Ok(())
}

/// Validates a requested budget and builds what is stored (no notifications yet).
pub fn build_budget(
    world: &World,
    input: BudgetInput,
    previous: Option<&StoredBudget>,
) -> Result<StoredBudget, BudgetsError> {
    check_name(&input.budget_name)?;
    if let Some(limit) = &input.budget_limit {
        check_spend("budget.budgetLimit", limit)?;
    }
    for spend in input.planned_budget_limits.iter().flat_map(|p| p.values()) {
        check_spend("budget.plannedBudgetLimits", spend)?;
    }
    let spend_budget = matches!(input.budget_type, BudgetType::Cost | BudgetType::Usage);
    if spend_budget
        && input.budget_limit.is_none()
        && input.planned_budget_limits.is_none()
        && input.auto_adjust_data.is_none()
    {
        return Err(BudgetsError::invalid(
            "A budget of type COST or USAGE must have a BudgetLimit, PlannedBudgetLimits or AutoAdjustData",
        ));
    }
    let cost_filters = input.cost_filters.unwrap_or_default();
    for (key, values) in &cost_filters {
        if !COST_FILTER_KEYS.iter().any(|(k, _)| k == key) {
            return Err(BudgetsError::invalid(format!(
                "Cost filter key {key} is not valid. Valid keys are {}",
                COST_FILTER_KEYS
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if values.is_empty() {
            return Err(BudgetsError::invalid(format!(
                "Cost filter {key} must have at least one value"
            )));
        }
    }
    if let Some(expression) = &input.filter_expression {
        expression.validate().map_err(BudgetsError::invalid)?;
        if !cost_filters.is_empty() {
            return Err(BudgetsError::invalid(
                "A budget can have CostFilters or FilterExpression, not both",
            ));
        }
    }
    if let Some(metrics) = &input.metrics {
        if metrics.len() > 1 || metrics.iter().any(|m| !METRICS.contains(&m.as_str())) {
            return Err(BudgetsError::constraint(
                "budget.metrics",
                &metrics.join(","),
                "Member must have length less than or equal to 1 and contain valid metrics",
            ));
        }
    }
    let mut cost_types: Map<String, Value> = DEFAULT_COST_TYPES
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Bool(*v)))
        .collect();
    for (key, value) in input.cost_types.unwrap_or_default() {
        if !cost_types.contains_key(&key) {
            return Err(BudgetsError::invalid(format!(
                "CostTypes has no member {key}"
            )));
        }
        if let Some(b) = value.as_bool() {
            cost_types.insert(key, Value::Bool(b));
        }
    }
    let now = world.clock.now_ms();
    let period = input.time_period.unwrap_or_default();
    let start = match &period.start {
        Some(v) => parse_timestamp("budget.timePeriod.start", v)?,
        None => previous.map_or_else(|| spend::period_start(input.time_unit, now), |p| p.start_ms),
    };
    let end = match &period.end {
        Some(v) => parse_timestamp("budget.timePeriod.end", v)?,
        None => previous.map_or(DEFAULT_END_MS, |p| p.end_ms),
    };
    if input.time_unit == TimeUnit::Custom
        && (period.start.is_none() || period.end.is_none())
        && previous.is_none()
    {
        return Err(BudgetsError::invalid(
            "A budget with TimeUnit CUSTOM must have a TimePeriod with Start and End",
        ));
    }
    if end <= start {
        return Err(BudgetsError::invalid(
            "The budget's TimePeriod End must be after its Start",
        ));
    }
    Ok(StoredBudget {
        name: input.budget_name,
        limit: input.budget_limit,
        planned_limits: input.planned_budget_limits,
        cost_filters,
        cost_types: Value::Object(cost_types),
        time_unit: input.time_unit,
        start_ms: start,
        end_ms: end,
        budget_type: input.budget_type,
        last_updated_ms: now,
        auto_adjust_data: input.auto_adjust_data,
        filter_expression: input.filter_expression,
        metrics: input.metrics,
        notifications: previous
            .map(|p| p.notifications.clone())
            .unwrap_or_default(),
        actions: previous.map(|p| p.actions.clone()).unwrap_or_default(),
        tags: previous.map(|p| p.tags.clone()).unwrap_or_default(),
    })
}

/// Checks a tag list (at most 200, keys 1..=128 and values up to 256 characters).
pub fn check_tags(tags: &[Tag]) -> Result<(), BudgetsError> {
    if tags.len() > 200 {
        return Err(BudgetsError::constraint(
            "resourceTags",
            &format!("{} tags", tags.len()),
            "Member must have length less than or equal to 200",
        ));
    }
    for tag in tags {
        if tag.key.is_empty() || tag.key.chars().count() > 128 || tag.key.starts_with("aws:") {
            return Err(BudgetsError::constraint(
                "resourceTags.member.key",
                &tag.key,
                "Member must have length between 1 and 128 and not start with aws:",
            ));
        }
        if tag.value.chars().count() > 256 {
            return Err(BudgetsError::constraint(
                "resourceTags.member.value",
                &tag.value,
                "Member must have length less than or equal to 256",
            ));
        }
    }
    Ok(())
}

pub fn create_budget(
    world: &mut World,
    caller: &Caller,
    input: CreateBudgetInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    let mut stored = build_budget(world, input.budget, None)?;
    let notifications = input.notifications_with_subscribers.unwrap_or_default();
    if notifications.len() > MAX_NOTIFICATIONS {
        return Err(BudgetsError::limit());
    }
    for (i, entry) in notifications.iter().enumerate() {
        super::notifications::check_notification(&entry.notification)?;
        check_subscribers(&entry.subscribers)?;
        if notifications[..i]
            .iter()
            .any(|other| other.notification.same_as(&entry.notification))
        {
            return Err(BudgetsError::DuplicateRecord(format!(
                "Error creating notification for budget: {} - the notification already exists.",
                stored.name
            )));
        }
    }
    let tags = input.resource_tags.unwrap_or_default();
    check_tags(&tags)?;
    let account = world.budgets.accounts.get(&input.account_id);
    if account.is_some_and(|a| a.contains_key(&stored.name)) {
        return Err(BudgetsError::DuplicateRecord(format!(
            "Error creating budget: {} - the budget already exists.",
            stored.name
        )));
    }
    stored.notifications = notifications
        .into_iter()
        .map(|entry| StoredNotification {
            notification: entry.notification,
            subscribers: entry.subscribers,
        })
        .collect();
    stored.tags = tags;
    world
        .budgets
        .accounts
        .entry(input.account_id)
        .or_default()
        .insert(stored.name.clone(), stored);
    Ok(Empty {})
}

/// A budget in wire form, its spend computed now.
pub fn render(world: &World, account: &str, budget: &StoredBudget, show_expression: bool) -> Value {
    let (actual, forecast, _) = spend::current(world, account, budget);
    let unit = budget
        .limit
        .as_ref()
        .map_or("USD".to_string(), |l| l.unit.clone());
    let mut out = json!({
        "BudgetName": budget.name,
        "CostFilters": budget.cost_filters,
        "CostTypes": budget.cost_types,
        "TimeUnit": budget.time_unit,
        "TimePeriod": {
            "Start": epoch_seconds(budget.start_ms),
            "End": epoch_seconds(budget.end_ms),
        },
        "CalculatedSpend": {
            "ActualSpend": {"Amount": format_amount(actual), "Unit": unit},
            "ForecastedSpend": {"Amount": format_amount(forecast), "Unit": unit},
        },
        "BudgetType": budget.budget_type,
        "LastUpdatedTime": epoch_seconds(budget.last_updated_ms),
        "HealthStatus": {"Status": "HEALTHY", "LastUpdatedTime": epoch_seconds(budget.last_updated_ms)},
    });
    let object = out.as_object_mut().expect("a budget renders as an object");
    if let Some(limit) = &budget.limit {
        object.insert("BudgetLimit".into(), json!(limit));
    }
    if let Some(planned) = &budget.planned_limits {
        object.insert("PlannedBudgetLimits".into(), json!(planned));
    }
    if let Some(auto) = &budget.auto_adjust_data {
        object.insert("AutoAdjustData".into(), auto.clone());
    }
    if let Some(metrics) = &budget.metrics {
        object.insert("Metrics".into(), json!(metrics));
    }
    if show_expression {
        if let Some(expression) = &budget.filter_expression {
            object.insert("FilterExpression".into(), json!(expression));
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetInput {
    pub account_id: String,
    pub budget_name: String,
    #[serde(default)]
    pub show_filter_expression: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetOutput {
    pub budget: Value,
}

pub fn describe_budget(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetInput,
) -> Result<DescribeBudgetOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    Ok(DescribeBudgetOutput {
        budget: render(
            world,
            &input.account_id,
            stored,
            input.show_filter_expression.unwrap_or(false),
        ),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetsInput {
    pub account_id: String,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
    #[serde(default)]
    pub show_filter_expression: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetsOutput {
    pub budgets: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_budgets(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetsInput,
) -> Result<DescribeBudgetsOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    let listing = format!("budgets/{}", input.account_id);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 1000)?;
    let empty = imbl::OrdMap::new();
    let budgets = world
        .budgets
        .accounts
        .get(&input.account_id)
        .unwrap_or(&empty);
    let page: Vec<&StoredBudget> = budgets
        .values()
        .filter(|b| after.as_ref().is_none_or(|a| &b.name > a))
        .take(max + 1)
        .collect();
    let more = page.len() > max;
    let page = &page[..page.len().min(max)];
    let show = input.show_filter_expression.unwrap_or(false);
    Ok(DescribeBudgetsOutput {
        budgets: page
            .iter()
            .map(|b| render(world, &input.account_id, b, show))
            .collect(),
        next_token: more
            .then(|| page.last().map(|b| encode_token(&listing, &b.name)))
            .flatten(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateBudgetInput {
    pub account_id: String,
    pub new_budget: BudgetInput,
}

pub fn update_budget(
    world: &mut World,
    caller: &Caller,
    input: UpdateBudgetInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.new_budget.budget_name)?;
    let previous = budget(world, &input.account_id, &input.new_budget.budget_name)?;
    let updated = build_budget(world, input.new_budget, Some(previous))?;
    world
        .budgets
        .accounts
        .entry(input.account_id)
        .or_default()
        .insert(updated.name.clone(), updated);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteBudgetInput {
    pub account_id: String,
    pub budget_name: String,
}

pub fn delete_budget(
    world: &mut World,
    caller: &Caller,
    input: DeleteBudgetInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    budget(world, &input.account_id, &input.budget_name)?;
    if let Some(budgets) = world.budgets.accounts.get_mut(&input.account_id) {
        budgets.remove(&input.budget_name);
    }
    Ok(Empty {})
}
