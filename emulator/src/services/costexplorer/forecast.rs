//! `GetCostForecast`: what the meters that are on now will add if they stay on.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::cost_and_usage::{check_filter, visible_meters, Sum};
use super::errors::CostExplorerError;
use super::periods::{self, DateInterval, Granularity};
use crate::auth::Caller;
use crate::cost::expression::Expression;
use crate::cost::{self};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCostForecastInput {
    pub time_period: DateInterval,
    pub metric: String,
    pub granularity: Granularity,
    #[serde(default)]
    pub filter: Option<Expression>,
    #[serde(default)]
    pub billing_view_arn: Option<String>,
    #[serde(default)]
    pub prediction_interval_level: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCostForecastOutput {
    pub total: Value,
    pub forecast_results_by_time: Vec<Value>,
}

const FORECAST_METRICS: &[&str] = &[
    "BLENDED_COST",
    "UNBLENDED_COST",
    "AMORTIZED_COST",
    "NET_UNBLENDED_COST",
    "NET_AMORTIZED_COST",
    "USAGE_QUANTITY",
    "NORMALIZED_USAGE_AMOUNT",
];

pub fn get_cost_forecast(
    world: &mut World,
    caller: &Caller,
    input: GetCostForecastInput,
) -> Result<GetCostForecastOutput, CostExplorerError> {
    if !FORECAST_METRICS.contains(&input.metric.as_str()) {
        return Err(CostExplorerError::validation(format!(
            "1 validation error detected: Value '{}' at 'metric' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            input.metric,
            FORECAST_METRICS.join(", ")
        )));
    }
    if input.granularity == Granularity::Hourly {
        return Err(CostExplorerError::validation(
            "HOURLY granularity is not supported for cost forecasts",
        ));
    }
    if let Some(level) = input.prediction_interval_level {
        if !(51..=99).contains(&level) {
            return Err(CostExplorerError::validation(format!(
                "1 validation error detected: Value '{level}' at 'predictionIntervalLevel' failed to satisfy constraint: Member must have value between 51 and 99"
            )));
        }
    }
    let (start, end) = periods::window(&input.time_period)?;
    let now = world.clock.now_ms();
    if start < periods::day_start(now) {
        return Err(CostExplorerError::validation(
            "Start date must be equal to or greater than current date",
        ));
    }
    check_filter(&input.filter)?;
    let meters = visible_meters(world, caller, &input.filter);
    // A forecast needs history: at least one hour of cost in the filtered bill.
    if !meters
        .iter()
        .any(|m| m.accrued_hours(i64::MIN / 2, now + 1, now) > 0)
    {
        return Err(CostExplorerError::DataUnavailable(
            "Insufficient amount of historical data to generate forecast.".to_string(),
        ));
    }
    let periods = periods::periods(start, end, input.granularity)?;
    let mut total = Sum::default();
    let mut results = Vec::new();
    for period in &periods {
        let mut sum = Sum::default();
        for meter in &meters {
            sum.add(
                meter,
                meter.projected_hours(period.start_ms, period.end_ms, now),
            );
        }
        // orgsim knows the workload exactly, so the prediction interval is the mean.
        let mean = amount(&sum, &input.metric);
        results.push(json!({
            "TimePeriod": {
                "Start": periods::format_date(period.start_ms, input.granularity),
                "End": periods::format_date(period.end_ms, input.granularity),
            },
            "MeanValue": mean,
            "PredictionIntervalLowerBound": mean,
            "PredictionIntervalUpperBound": mean,
        }));
        total.usd += sum.usd;
        total.units += sum.units;
    }
    let unit = if input.metric.starts_with("USAGE") || input.metric.starts_with("NORMALIZED") {
        "N/A"
    } else {
        "USD"
    };
    Ok(GetCostForecastOutput {
        total: json!({"Amount": amount(&total, &input.metric), "Unit": unit}),
        forecast_results_by_time: results,
    })
}

fn amount(sum: &Sum, metric: &str) -> String {
    match metric {
        "USAGE_QUANTITY" => cost::format_amount(sum.units),
        "NORMALIZED_USAGE_AMOUNT" => "0".to_string(),
        _ => cost::format_amount(sum.usd),
    }
}
