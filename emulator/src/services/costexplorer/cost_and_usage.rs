//! `GetCostAndUsage`: the cost model summed per period, filtered and grouped.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::errors::CostExplorerError;
use super::periods::{self, DateInterval, Granularity, Period};
use crate::auth::Caller;
use crate::cost::expression::{dimension_value, Expression};
use crate::cost::{self, meters, Meter};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCostAndUsageInput {
    pub time_period: DateInterval,
    pub granularity: Granularity,
    #[serde(default)]
    pub filter: Option<Expression>,
    pub metrics: Vec<String>,
    #[serde(default)]
    pub group_by: Option<Vec<GroupDefinition>>,
    #[serde(default)]
    pub billing_view_arn: Option<String>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupDefinition {
    #[serde(default)]
    pub r#type: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCostAndUsageOutput {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub group_definitions: Vec<GroupDefinition>,
    pub results_by_time: Vec<ResultByTime>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dimension_value_attributes: Vec<Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultByTime {
    pub time_period: DateInterval,
    pub total: Map<String, Value>,
    pub groups: Vec<Group>,
    pub estimated: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    pub keys: Vec<String>,
    pub metrics: Map<String, Value>,
}

/// The metrics `GetCostAndUsage` accepts.
pub const METRICS: &[&str] = &[
    "AmortizedCost",
    "BlendedCost",
    "NetAmortizedCost",
    "NetUnblendedCost",
    "NormalizedUsageAmount",
    "UnblendedCost",
    "UsageQuantity",
];

/// Dimensions results can be grouped by.
const GROUP_DIMENSIONS: &[&str] = &[
    "AZ",
    "INSTANCE_TYPE",
    "LEGAL_ENTITY_NAME",
    "INVOICING_ENTITY",
    "LINKED_ACCOUNT",
    "OPERATION",
    "PLATFORM",
    "PURCHASE_TYPE",
    "SERVICE",
    "TENANCY",
    "RECORD_TYPE",
    "USAGE_TYPE",
    "REGION",
    "DATABASE_ENGINE",
    "INSTANCE_TYPE_FAMILY",
    "BILLING_ENTITY",
    "RESERVATION_ID",
    "SAVINGS_PLANS_TYPE",
    "SAVINGS_PLAN_ARN",
    "OPERATING_SYSTEM",
];

/// What accrued in one period for one group: cost, usage, and the usage's unit
/// (`None` before any usage; `Some("N/A")` once units are mixed).
#[derive(Clone, Default)]
pub struct Sum {
    pub usd: f64,
    pub units: f64,
    pub unit: Option<&'static str>,
    pub hours: i64,
}

impl Sum {
    pub fn add(&mut self, meter: &Meter, hours: i64) {
        if hours <= 0 {
            return;
        }
        self.hours += hours;
        self.usd += meter.usd_per_hour() * hours as f64;
        self.units += meter.units_per_hour * hours as f64;
        self.unit = match self.unit {
            None => Some(meter.price.unit),
            Some(u) if u == meter.price.unit => Some(u),
            Some(_) => Some("N/A"),
        };
    }

    /// The metrics map of a total or group.
    pub fn metrics(&self, names: &[String]) -> Map<String, Value> {
        names
            .iter()
            .map(|name| {
                let (amount, unit) = match name.as_str() {
                    "UsageQuantity" => {
                        (cost::format_amount(self.units), self.unit.unwrap_or("N/A"))
                    }
                    "NormalizedUsageAmount" => ("0".to_string(), "N/A"),
                    _ => (cost::format_amount(self.usd), "USD"),
                };
                (
                    name.clone(),
                    serde_json::json!({"Amount": amount, "Unit": unit}),
                )
            })
            .collect()
    }
}

/// Checks a filter expression.
pub fn check_filter(filter: &Option<Expression>) -> Result<(), CostExplorerError> {
    match filter {
        Some(expression) => expression.validate().map_err(CostExplorerError::validation),
        None => Ok(()),
    }
}

/// The meters the caller sees that pass the filter.
pub fn visible_meters(world: &World, caller: &Caller, filter: &Option<Expression>) -> Vec<Meter> {
    let accounts = cost::visible_accounts(world, &caller.account_id);
    let mut all = meters::meters(world, &accounts);
    if let Some(expression) = filter {
        all.retain(|m| expression.matches(world, m));
    }
    all
}

/// Refuses windows older than Cost Explorer keeps.
pub fn check_retention(world: &World, start: i64) -> Result<(), CostExplorerError> {
    if start < world.clock.now_ms() - periods::RETENTION_MS {
        return Err(CostExplorerError::BillExpiration(
            "The requested report expired. Cost Explorer keeps 14 months of data; update the date interval and try again.".to_string(),
        ));
    }
    Ok(())
}

fn check_groups(groups: &[GroupDefinition]) -> Result<(), CostExplorerError> {
    if groups.len() > 2 {
        return Err(CostExplorerError::validation(
            "You may only group by up to two different dimensions, tags or cost categories",
        ));
    }
    for group in groups {
        let key = group.key.as_deref().unwrap_or_default();
        match group.r#type.as_deref() {
            Some("DIMENSION") if GROUP_DIMENSIONS.contains(&key) => {}
            Some("DIMENSION") => {
                return Err(CostExplorerError::validation(format!(
                    "Group Definition dimension is invalid. Valid values are {}",
                    GROUP_DIMENSIONS.join(", ")
                )))
            }
            Some("TAG") | Some("COST_CATEGORY") if !key.is_empty() => {}
            _ => return Err(CostExplorerError::validation(
                "Group Definition Type is invalid. Valid values are DIMENSION, TAG, COST_CATEGORY",
            )),
        }
    }
    Ok(())
}

/// A meter's group keys: dimension values, and `key$` for tags and cost categories
/// (orgsim's meters have none).
fn group_keys(world: &World, meter: &Meter, groups: &[GroupDefinition]) -> Vec<String> {
    groups
        .iter()
        .map(|group| {
            let key = group.key.as_deref().unwrap_or_default();
            match group.r#type.as_deref() {
                Some("DIMENSION") => dimension_value(world, meter, key)
                    .unwrap_or_else(|| format!("No{}", title(key))),
                _ => format!("{key}$"),
            }
        })
        .collect()
}

/// `INSTANCE_TYPE` → `InstanceType`, for AWS's "no value" keys (`NoInstanceType`).
fn title(key: &str) -> String {
    key.split('_')
        .map(|word| {
            let lower = word.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

pub fn get_cost_and_usage(
    world: &mut World,
    caller: &Caller,
    input: GetCostAndUsageInput,
) -> Result<GetCostAndUsageOutput, CostExplorerError> {
    let (start, end) = periods::window(&input.time_period)?;
    if input.metrics.is_empty() {
        return Err(CostExplorerError::validation("Metrics must not be empty"));
    }
    for metric in &input.metrics {
        if !METRICS.contains(&metric.as_str()) {
            return Err(CostExplorerError::validation(format!(
                "Metrics {metric} is not supported. Valid values are {}",
                METRICS.join(", ")
            )));
        }
    }
    let groups = input.group_by.clone().unwrap_or_default();
    check_groups(&groups)?;
    check_filter(&input.filter)?;
    if input
        .next_page_token
        .as_deref()
        .is_some_and(|t| !t.is_empty())
    {
        // orgsim answers every request in one page, so no token is ever valid.
        return Err(CostExplorerError::bad_token());
    }
    check_retention(world, start)?;
    let periods = periods::periods(start, end, input.granularity)?;
    let now = world.clock.now_ms();
    let meters = visible_meters(world, caller, &input.filter);

    let mut totals = vec![Sum::default(); periods.len()];
    let mut by_group: BTreeMap<Vec<String>, Vec<Sum>> = BTreeMap::new();
    for meter in &meters {
        let sums = if groups.is_empty() {
            &mut totals
        } else {
            by_group
                .entry(group_keys(world, meter, &groups))
                .or_insert_with(|| vec![Sum::default(); periods.len()])
        };
        add_meter(sums, &periods, meter, now);
    }

    let results_by_time = periods
        .iter()
        .enumerate()
        .map(|(i, period)| ResultByTime {
            time_period: DateInterval {
                start: periods::format_date(period.start_ms, input.granularity),
                end: periods::format_date(period.end_ms, input.granularity),
            },
            total: if groups.is_empty() {
                totals[i].metrics(&input.metrics)
            } else {
                Map::new()
            },
            groups: by_group
                .iter()
                .filter(|(_, sums)| sums[i].hours > 0)
                .map(|(keys, sums)| Group {
                    keys: keys.clone(),
                    metrics: sums[i].metrics(&input.metrics),
                })
                .collect(),
            estimated: period.end_ms > now,
        })
        .collect();

    let account_position = groups.iter().position(|g| {
        g.r#type.as_deref() == Some("DIMENSION") && g.key.as_deref() == Some("LINKED_ACCOUNT")
    });
    let dimension_value_attributes = match account_position {
        Some(position) => {
            let accounts: std::collections::BTreeSet<&String> =
                by_group.keys().map(|keys| &keys[position]).collect();
            accounts
                .into_iter()
                .map(|account| {
                    serde_json::json!({
                        "Value": account,
                        "Attributes": {"description": cost::account_name(world, account)},
                    })
                })
                .collect()
        }
        None => Vec::new(),
    };
    Ok(GetCostAndUsageOutput {
        group_definitions: groups,
        results_by_time,
        dimension_value_attributes,
    })
}

/// Adds what `meter` accrued in each period; periods before it started or after it
/// stopped are skipped without arithmetic.
pub fn add_meter(sums: &mut [Sum], periods: &[Period], meter: &Meter, now: i64) {
    let until = meter.end_ms.map_or(now, |end| end.min(now));
    let first = periods.partition_point(|p| p.end_ms <= meter.start_ms);
    for (sum, period) in sums.iter_mut().zip(periods).skip(first) {
        if period.start_ms >= until {
            break;
        }
        sum.add(
            meter,
            meter.accrued_hours(period.start_ms, period.end_ms, now),
        );
    }
}
