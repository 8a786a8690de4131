//! `GetDimensionValues`: the values a dimension takes in the caller's costs over a window.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::cost_and_usage::{check_filter, check_retention, visible_meters};
use super::errors::CostExplorerError;
use super::periods::{self, DateInterval};
use crate::auth::Caller;
use crate::cost::expression::{dimension_value, Expression, ALL_DIMENSIONS};
use crate::cost::{self};
use crate::services::pagination::{decode_token, encode_token};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDimensionValuesInput {
    #[serde(default)]
    pub search_string: Option<String>,
    pub time_period: DateInterval,
    pub dimension: String,
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub filter: Option<Expression>,
    #[serde(default)]
    pub sort_by: Option<Vec<SortDefinition>>,
    #[serde(default)]
    pub billing_view_arn: Option<String>,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_page_token: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SortDefinition {
    pub key: String,
    #[serde(default)]
    pub sort_order: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDimensionValuesOutput {
    pub dimension_values: Vec<Value>,
    pub return_size: usize,
    pub total_size: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page_token: Option<String>,
}

/// Values per page when `MaxResults` is not given (AWS: up to 1,000).
const PAGE: usize = 1000;

pub fn get_dimension_values(
    world: &mut World,
    caller: &Caller,
    input: GetDimensionValuesInput,
) -> Result<GetDimensionValuesOutput, CostExplorerError> {
    let (start, end) = periods::window(&input.time_period)?;
    if !ALL_DIMENSIONS.contains(&input.dimension.as_str()) {
        return Err(CostExplorerError::validation(format!(
            "1 validation error detected: Value '{}' at 'dimension' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            input.dimension,
            ALL_DIMENSIONS.join(", ")
        )));
    }
    match input.context.as_deref() {
        None | Some("COST_AND_USAGE") | Some("RESERVATIONS") | Some("SAVINGS_PLANS") => {}
        Some(other) => {
            return Err(CostExplorerError::validation(format!(
                "1 validation error detected: Value '{other}' at 'context' failed to satisfy constraint: Member must satisfy enum value set: [COST_AND_USAGE, RESERVATIONS, SAVINGS_PLANS]"
            )))
        }
    }
    check_filter(&input.filter)?;
    let max = match input.max_results {
        None => PAGE,
        Some(n) if n >= 1 => (n as usize).min(PAGE),
        Some(n) => {
            return Err(CostExplorerError::validation(format!(
                "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
            )))
        }
    };
    let listing = format!("dimension-values/{}", input.dimension);
    let offset = match input.next_page_token.as_deref() {
        None | Some("") => 0,
        Some(token) => decode_token(&listing, token)
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(CostExplorerError::bad_token)?,
    };
    check_retention(world, start)?;

    // Reservations and Savings Plans: orgsim's costs are all on demand.
    let reservations = matches!(
        input.context.as_deref(),
        Some("RESERVATIONS") | Some("SAVINGS_PLANS")
    );
    let now = world.clock.now_ms();
    let mut values: BTreeMap<String, f64> = BTreeMap::new();
    if !reservations {
        for meter in visible_meters(world, caller, &input.filter) {
            let hours = meter.accrued_hours(start, end, now);
            if hours == 0 {
                continue;
            }
            if let Some(value) = dimension_value(world, &meter, &input.dimension) {
                *values.entry(value).or_default() += meter.usd_per_hour() * hours as f64;
            }
        }
    }
    let search = input.search_string.as_deref().map(str::to_lowercase);
    let mut listed: Vec<(String, f64)> = values
        .into_iter()
        .filter(|(v, _)| search.as_ref().is_none_or(|s| v.to_lowercase().contains(s)))
        .collect();
    if let Some(sort) = input.sort_by.as_ref().and_then(|s| s.first()) {
        let descending = sort.sort_order.as_deref() != Some("ASCENDING");
        if sort.key != "DIMENSION_VALUE" {
            listed.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
        }
        if descending {
            listed.reverse();
        }
    }
    let total_size = listed.len();
    let page: Vec<Value> = listed
        .iter()
        .skip(offset)
        .take(max)
        .map(|(value, _)| {
            let attributes = if input.dimension == "LINKED_ACCOUNT" {
                json!({"description": cost::account_name(world, value)})
            } else {
                json!({})
            };
            json!({"Value": value, "Attributes": attributes})
        })
        .collect();
    let next = offset + page.len();
    Ok(GetDimensionValuesOutput {
        return_size: page.len(),
        dimension_values: page,
        total_size,
        next_page_token: (next < total_size).then(|| encode_token(&listing, &next.to_string())),
    })
}
