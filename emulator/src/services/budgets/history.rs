//! `DescribeBudgetPerformanceHistory`: budgeted and actual amounts per period.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::BudgetsError;
use super::model::TimeUnit;
use super::records::TimePeriodInput;
use super::spend;
use super::{budget, check_account, check_name, page_bounds, parse_timestamp};
use crate::auth::Caller;
use crate::cost::format_amount;
use crate::services::pagination::encode_token;
use crate::world::{epoch_seconds, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetPerformanceHistoryInput {
    pub account_id: String,
    pub budget_name: String,
    #[serde(default)]
    pub time_period: Option<TimePeriodInput>,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetPerformanceHistoryOutput {
    pub budget_performance_history: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_budget_performance_history(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetPerformanceHistoryInput,
) -> Result<DescribeBudgetPerformanceHistoryOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let listing = format!("performance/{}/{}", input.account_id, input.budget_name);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 100)?;
    let skip = match after {
        None => 0,
        Some(n) => n.parse::<usize>().map_err(|_| BudgetsError::bad_token())?,
    };
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let requested = input.time_period.unwrap_or_default();
    let from = match &requested.start {
        Some(v) => parse_timestamp("timePeriod.start", v)?.max(stored.start_ms),
        None => stored.start_ms,
    };
    let now = world.clock.now_ms();
    let (_, current_end) =
        spend::period_containing(stored.time_unit, now, stored.start_ms, stored.end_ms);
    let to = match &requested.end {
        Some(v) => parse_timestamp("timePeriod.end", v)?,
        None => current_end,
    }
    .min(stored.end_ms)
    .min(current_end);

    let meters = spend::budget_meters(world, &input.account_id, stored);
    let unit = stored
        .limit
        .as_ref()
        .map_or("USD".to_string(), |l| l.unit.clone());
    let mut periods = Vec::new();
    let mut at = from;
    while at < to && periods.len() < skip + max + 1 {
        let (start, end) =
            spend::period_containing(stored.time_unit, at, stored.start_ms, stored.end_ms);
        let end = end.min(to);
        if end <= at {
            break;
        }
        periods.push((start.max(at), end));
        if stored.time_unit == TimeUnit::Custom {
            break;
        }
        at = end;
    }
    let more = periods.len() > skip + max;
    let amounts: Vec<Value> = periods
        .iter()
        .skip(skip)
        .take(max)
        .map(|&(start, end)| {
            let budgeted = spend::limit_for(stored, start).unwrap_or(0.0);
            json!({
                "BudgetedAmount": {"Amount": format_amount(budgeted), "Unit": unit},
                "ActualAmount": {
                    "Amount": format_amount(spend::actual(stored, &meters, start, end, now)),
                    "Unit": unit,
                },
                "TimePeriod": {"Start": epoch_seconds(start), "End": epoch_seconds(end)},
            })
        })
        .collect();
    let returned = amounts.len();
    Ok(DescribeBudgetPerformanceHistoryOutput {
        budget_performance_history: json!({
            "BudgetName": stored.name,
            "BudgetType": stored.budget_type,
            "CostFilters": stored.cost_filters,
            "CostTypes": stored.cost_types,
            "TimeUnit": stored.time_unit,
            "BudgetedAndActualAmountsList": amounts,
        }),
        next_token: more.then(|| encode_token(&listing, &(skip + returned).to_string())),
    })
}
