//! A budget's spend from the cost model: the same meters and accrual Cost Explorer sums,
//! so a budget and `GetCostAndUsage` over the same period and filter agree.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::model::{
    BudgetType, ComparisonOperator, Notification, NotificationType, StoredBudget, ThresholdType,
    TimeUnit,
};
use crate::cost::expression::dimension_value;
use crate::cost::{self, meters, Meter};
use crate::services::costexplorer::periods::{day_start, month_start, next_month};
use crate::world::World;

const DAY_MS: i64 = 24 * cost::HOUR_MS;

/// Legacy `CostFilters` keys and the dimension each filters on.
pub const COST_FILTER_KEYS: &[(&str, &str)] = &[
    ("AZ", "AZ"),
    ("BillingEntity", "BILLING_ENTITY"),
    ("InstanceType", "INSTANCE_TYPE"),
    ("InvoicingEntity", "INVOICING_ENTITY"),
    ("LegalEntityName", "LEGAL_ENTITY_NAME"),
    ("LinkedAccount", "LINKED_ACCOUNT"),
    ("Operation", "OPERATION"),
    ("PurchaseType", "PURCHASE_TYPE"),
    ("RecordType", "RECORD_TYPE"),
    ("Region", "REGION"),
    ("Service", "SERVICE"),
    ("UsageType", "USAGE_TYPE"),
    ("UsageTypeGroup", "USAGE_TYPE_GROUP"),
    ("TagKeyValue", ""),
    ("CostCategory", ""),
];

fn matches(world: &World, budget: &StoredBudget, meter: &Meter) -> bool {
    let filters_pass = budget.cost_filters.iter().all(|(key, values)| {
        let dimension = COST_FILTER_KEYS
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, d)| *d);
        // Meters carry no tags or cost categories: such filters match nothing.
        dimension_value(world, meter, dimension).is_some_and(|value| values.contains(&value))
    });
    filters_pass
        && budget
            .filter_expression
            .as_ref()
            .is_none_or(|e| e.matches(world, meter))
}

/// The meters a budget of `account` counts.
pub fn budget_meters(world: &World, account: &str, budget: &StoredBudget) -> Vec<Meter> {
    let accounts = cost::visible_accounts(world, account);
    let mut all = meters::meters(world, &accounts);
    all.retain(|m| matches(world, budget, m));
    all
}

/// What the meters add up to in the budget's measure: dollars for cost budgets, usage
/// for usage budgets, and nothing for reservation and Savings Plans budgets (all of
/// orgsim's usage is on demand).
fn measure(budget: &StoredBudget, meter: &Meter, hours: i64) -> f64 {
    match budget.budget_type {
        BudgetType::Cost => meter.usd_per_hour() * hours as f64,
        BudgetType::Usage => meter.units_per_hour * hours as f64,
        _ => 0.0,
    }
}

/// Accrued in `[from, to)`.
pub fn actual(budget: &StoredBudget, meters: &[Meter], from: i64, to: i64, now: i64) -> f64 {
    meters
        .iter()
        .map(|m| measure(budget, m, m.accrued_hours(from, to, now)))
        .sum()
}

/// Accrued plus what stays on will add by the end of `[from, to)`.
pub fn forecast(budget: &StoredBudget, meters: &[Meter], from: i64, to: i64, now: i64) -> f64 {
    actual(budget, meters, from, to, now)
        + meters
            .iter()
            .map(|m| measure(budget, m, m.projected_hours(from, to, now)))
            .sum::<f64>()
}

fn ms_of(date: Date) -> i64 {
    (PrimitiveDateTime::new(date, Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp_nanos()
        / 1_000_000) as i64
}

fn date_of(ms: i64) -> Date {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .date()
}

/// The calendar period of `unit` that `t` falls in (`CUSTOM`: the budget's own).
pub fn period_containing(unit: TimeUnit, t: i64, budget_start: i64, budget_end: i64) -> (i64, i64) {
    let (from, to) = match unit {
        TimeUnit::Daily => (day_start(t), day_start(t) + DAY_MS),
        TimeUnit::Monthly => (month_start(t), next_month(t)),
        TimeUnit::Quarterly => {
            let date = date_of(t);
            let first = ((date.month() as u8 - 1) / 3) * 3 + 1;
            let start = Date::from_calendar_date(
                date.year(),
                Month::try_from(first).unwrap_or(Month::January),
                1,
            )
            .map(ms_of)
            .unwrap_or(0);
            let end = next_month(next_month(next_month(start)));
            (start, end)
        }
        TimeUnit::Annually => {
            let year = date_of(t).year();
            let start = Date::from_calendar_date(year, Month::January, 1)
                .map(ms_of)
                .unwrap_or(0);
            let end = Date::from_calendar_date(year + 1, Month::January, 1)
                .map(ms_of)
                .unwrap_or(i64::MAX);
            (start, end)
        }
        TimeUnit::Custom => (budget_start, budget_end),
    };
    (from.max(budget_start), to.min(budget_end))
}

/// The start of the period of `unit` that `t` falls in, for a budget's default start.
pub fn period_start(unit: TimeUnit, t: i64) -> i64 {
    period_containing(unit, t, i64::MIN, i64::MAX).0
}

/// The limit in force for the period starting at `from` (planned limits are keyed by
/// the period's start in epoch seconds).
pub fn limit_for(budget: &StoredBudget, from: i64) -> Option<f64> {
    let planned = budget
        .planned_limits
        .as_ref()
        .and_then(|p| p.get(&(from / 1000).to_string()));
    planned
        .or(budget.limit.as_ref())
        .and_then(|s| s.amount.parse::<f64>().ok())
}

/// Current period's actual and forecasted spend.
pub fn current(world: &World, account: &str, budget: &StoredBudget) -> (f64, f64, i64) {
    let now = world.clock.now_ms();
    let (from, to) = period_containing(budget.time_unit, now, budget.start_ms, budget.end_ms);
    let meters = budget_meters(world, account, budget);
    (
        actual(budget, &meters, from, to, now),
        forecast(budget, &meters, from, to, now),
        from,
    )
}

/// `OK` or `ALARM`: whether the notification's condition holds now.
pub fn notification_state(
    budget: &StoredBudget,
    notification: &Notification,
    actual: f64,
    forecast: f64,
    period_start: i64,
) -> &'static str {
    let spend = match notification.notification_type {
        NotificationType::Actual => actual,
        NotificationType::Forecasted => forecast,
    };
    let threshold = match notification.threshold_type.unwrap_or_default() {
        ThresholdType::AbsoluteValue => notification.threshold,
        ThresholdType::Percentage => match limit_for(budget, period_start) {
            Some(limit) => limit * notification.threshold / 100.0,
            None => return "OK",
        },
    };
    let crossed = match notification.comparison_operator {
        ComparisonOperator::GreaterThan => spend > threshold,
        ComparisonOperator::LessThan => spend < threshold,
        ComparisonOperator::EqualTo => (spend - threshold).abs() < 1e-9,
    };
    if crossed {
        "ALARM"
    } else {
        "OK"
    }
}
