//! Cost Explorer's `Expression` (also Budgets' `FilterExpression`): `And`, `Or`, `Not`
//! over `Dimensions`, `Tags` and `CostCategories`, evaluated against one meter.

use serde::{Deserialize, Serialize};

use super::Meter;
use crate::world::World;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Expression {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub or: Option<Vec<Expression>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub and: Option<Vec<Expression>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<Expression>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<ValueMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<ValueMatch>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_categories: Option<ValueMatch>,
}

/// `DimensionValues`, `TagValues` or `CostCategoryValues`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValueMatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_options: Option<Vec<String>>,
}

/// The dimensions a meter has a value for; any other dimension is absent.
pub const DIMENSIONS: &[&str] = &[
    "LINKED_ACCOUNT",
    "LINKED_ACCOUNT_NAME",
    "PAYER_ACCOUNT",
    "SERVICE",
    "SERVICE_CODE",
    "REGION",
    "USAGE_TYPE",
    "OPERATION",
    "RECORD_TYPE",
    "LEGAL_ENTITY_NAME",
    "BILLING_ENTITY",
    "INVOICING_ENTITY",
];

/// Every `Dimension` value of the models.
pub const ALL_DIMENSIONS: &[&str] = &[
    "AZ",
    "INSTANCE_TYPE",
    "LINKED_ACCOUNT",
    "PAYER_ACCOUNT",
    "LINKED_ACCOUNT_NAME",
    "OPERATION",
    "PURCHASE_TYPE",
    "REGION",
    "SERVICE",
    "SERVICE_CODE",
    "USAGE_TYPE",
    "USAGE_TYPE_GROUP",
    "RECORD_TYPE",
    "OPERATING_SYSTEM",
    "TENANCY",
    "SCOPE",
    "PLATFORM",
    "SUBSCRIPTION_ID",
    "LEGAL_ENTITY_NAME",
    "DEPLOYMENT_OPTION",
    "DATABASE_ENGINE",
    "CACHE_ENGINE",
    "INSTANCE_TYPE_FAMILY",
    "BILLING_ENTITY",
    "RESERVATION_ID",
    "RESOURCE_ID",
    "RIGHTSIZING_TYPE",
    "SAVINGS_PLANS_TYPE",
    "SAVINGS_PLAN_ARN",
    "PAYMENT_OPTION",
    "AGREEMENT_END_DATE_TIME_AFTER",
    "AGREEMENT_END_DATE_TIME_BEFORE",
    "INVOICING_ENTITY",
    "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
    "ANOMALY_TOTAL_IMPACT_PERCENTAGE",
    "RESERVATION_MODIFIED",
    "TAG_KEY",
    "COST_CATEGORY_NAME",
];

const MATCH_OPTIONS: &[&str] = &[
    "EQUALS",
    "ABSENT",
    "STARTS_WITH",
    "ENDS_WITH",
    "CONTAINS",
    "GREATER_THAN_OR_EQUAL",
    "CASE_SENSITIVE",
    "CASE_INSENSITIVE",
];

/// A meter's value of a dimension, `None` where it has none.
pub fn dimension_value(world: &World, meter: &Meter, key: &str) -> Option<String> {
    let value = match key {
        "LINKED_ACCOUNT" => meter.account.clone(),
        "LINKED_ACCOUNT_NAME" => super::account_name(world, &meter.account),
        "PAYER_ACCOUNT" => world
            .organizations
            .organization_of(&meter.account)
            .map_or_else(
                || meter.account.clone(),
                |o| o.management_account_id.clone(),
            ),
        "SERVICE" => meter.price.service.to_string(),
        "SERVICE_CODE" => meter.price.service_code.to_string(),
        "REGION" => meter.region.clone(),
        "USAGE_TYPE" => meter.usage_type.clone(),
        "OPERATION" => meter.price.operation.to_string(),
        "RECORD_TYPE" => "Usage".to_string(),
        "LEGAL_ENTITY_NAME" | "INVOICING_ENTITY" => "Amazon Web Services, Inc.".to_string(),
        "BILLING_ENTITY" => "AWS".to_string(),
        _ => return None,
    };
    Some(value)
}

impl Expression {
    /// AWS's structural rules: exactly one operator or leaf per expression, known
    /// dimension keys and match options.
    pub fn validate(&self) -> Result<(), String> {
        let set = [
            self.or.is_some(),
            self.and.is_some(),
            self.not.is_some(),
            self.dimensions.is_some(),
            self.tags.is_some(),
            self.cost_categories.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if set != 1 {
            return Err("Expression has more than one roots. Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories".to_string());
        }
        for list in [&self.or, &self.and].into_iter().flatten() {
            if list.len() < 2 {
                return Err("And and Or expressions need at least 2 operands".to_string());
            }
            list.iter().try_for_each(Expression::validate)?;
        }
        if let Some(not) = &self.not {
            not.validate()?;
        }
        if let Some(dimensions) = &self.dimensions {
            let key = dimensions.key.as_deref().unwrap_or_default();
            if !ALL_DIMENSIONS.contains(&key) {
                return Err(format!(
                    "Dimension {key} is not allowed. Allowed dimension(s): {}",
                    ALL_DIMENSIONS.join(", ")
                ));
            }
        }
        for leaf in [&self.dimensions, &self.tags, &self.cost_categories]
            .into_iter()
            .flatten()
        {
            for option in leaf.match_options.iter().flatten() {
                if !MATCH_OPTIONS.contains(&option.as_str()) {
                    return Err(format!("Match option {option} is not valid"));
                }
            }
            let absent = leaf.options().any(|o| o == "ABSENT");
            if !absent && leaf.values.as_ref().is_none_or(|v| v.is_empty()) {
                return Err(
                    "Values must not be empty unless the match option is ABSENT".to_string()
                );
            }
        }
        Ok(())
    }

    /// Whether the meter's cost passes the filter.
    pub fn matches(&self, world: &World, meter: &Meter) -> bool {
        if let Some(list) = &self.and {
            return list.iter().all(|e| e.matches(world, meter));
        }
        if let Some(list) = &self.or {
            return list.iter().any(|e| e.matches(world, meter));
        }
        if let Some(not) = &self.not {
            return !not.matches(world, meter);
        }
        if let Some(dimensions) = &self.dimensions {
            let key = dimensions.key.as_deref().unwrap_or_default();
            return dimensions.matches(dimension_value(world, meter, key).as_deref());
        }
        // orgsim's meters carry no tags and no cost categories.
        [&self.tags, &self.cost_categories]
            .into_iter()
            .flatten()
            .all(|leaf| leaf.matches(None))
    }
}

impl ValueMatch {
    fn options(&self) -> impl Iterator<Item = &str> {
        self.match_options.iter().flatten().map(String::as_str)
    }

    /// Whether `value` (`None`: absent) satisfies the values and match options.
    pub fn matches(&self, value: Option<&str>) -> bool {
        let absent_wanted = self.options().any(|o| o == "ABSENT");
        let Some(value) = value.filter(|v| !v.is_empty()) else {
            return absent_wanted;
        };
        let insensitive = self.options().any(|o| o == "CASE_INSENSITIVE");
        let fold = |s: &str| {
            if insensitive {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let value = fold(value);
        let mode = self
            .options()
            .find(|o| !matches!(*o, "CASE_SENSITIVE" | "CASE_INSENSITIVE" | "ABSENT"))
            .unwrap_or("EQUALS");
        self.values.iter().flatten().any(|wanted| {
            let wanted = fold(wanted);
            match mode {
                "STARTS_WITH" => value.starts_with(&wanted),
                "ENDS_WITH" => value.ends_with(&wanted),
                "CONTAINS" => value.contains(&wanted),
                "GREATER_THAN_OR_EQUAL" => value >= wanted,
                _ => value == wanted,
            }
        })
    }
}
