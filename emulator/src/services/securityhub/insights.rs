//! Custom insights — saved filters grouped by one attribute: CreateInsight,
//! GetInsights, GetInsightResults, UpdateInsight, DeleteInsight.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::errors::ShError;
use super::filters::{attribute, text, values_at, FindingFilters, Kind};
use super::findings::matching_findings;
use super::model::Insight;
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Custom insights per account and region (AWS: 100).
const MAX_INSIGHTS: usize = 100;
/// Groups GetInsightResults returns at most (AWS: 100).
const MAX_GROUPS: usize = 100;

fn check_group_by(name: &str) -> Result<(), ShError> {
    attribute(name)
        .filter(|a| a.kind == Kind::Str)
        .map(|_| ())
        .ok_or_else(|| ShError::invalid(format!("Invalid GroupByAttribute {name}")))
}

fn check_name(name: &str) -> Result<(), ShError> {
    if name.trim().is_empty() || name.chars().count() > 128 {
        return Err(ShError::invalid("Name must have 1 to 128 characters"));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateInsightInput {
    pub name: String,
    pub filters: Value,
    pub group_by_attribute: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InsightArnOutput {
    pub insight_arn: String,
}

pub fn create_insight(
    world: &mut World,
    caller: &Caller,
    input: CreateInsightInput,
) -> Result<InsightArnOutput, ShError> {
    check_name(&input.name)?;
    FindingFilters::parse(&input.filters, world.clock.now_ms())?;
    check_group_by(&input.group_by_attribute)?;
    let hub = own_hub(world, caller)?;
    if hub.insights.values().any(|i| i.name == input.name) {
        return Err(ShError::Conflict(format!(
            "An insight named {} already exists",
            input.name
        )));
    }
    if hub.insights.len() >= MAX_INSIGHTS {
        return Err(ShError::LimitExceeded(format!(
            "You can have at most {MAX_INSIGHTS} custom insights"
        )));
    }
    let arn = format!(
        "arn:aws:securityhub:{}:{}:insight/{}/custom/{}",
        caller.region,
        caller.account_id,
        caller.account_id,
        world.ids.uuid()
    );
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .insights
        .insert(
            arn.clone(),
            Insight {
                arn: arn.clone(),
                name: input.name,
                filters: input.filters,
                group_by: input.group_by_attribute,
            },
        );
    Ok(InsightArnOutput { insight_arn: arn })
}

fn own_insight<'w>(world: &'w World, caller: &Caller, arn: &str) -> Result<&'w Insight, ShError> {
    own_hub(world, caller)?
        .insights
        .get(arn)
        .ok_or_else(|| ShError::not_found(format!("Insight {arn} not found")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInsightsInput {
    pub insight_arns: Option<Vec<String>>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InsightWire {
    pub insight_arn: String,
    pub name: String,
    pub filters: Value,
    pub group_by_attribute: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInsightsOutput {
    pub insights: Vec<InsightWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_insights(
    world: &mut World,
    caller: &Caller,
    input: GetInsightsInput,
) -> Result<GetInsightsOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let wanted = input.insight_arns.filter(|a| !a.is_empty());
    if let Some(missing) = wanted
        .iter()
        .flatten()
        .find(|a| !hub.insights.contains_key(*a))
    {
        return Err(ShError::not_found(format!("Insight {missing} not found")));
    }
    let listing = format!("GetInsights {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let items = hub
        .insights
        .values()
        .filter(|i| wanted.as_ref().is_none_or(|w| w.contains(&i.arn)))
        .filter(|i| after.as_ref().is_none_or(|a| i.arn > *a));
    let (items, next) = take_page(items, max, |i| i.arn.clone());
    Ok(GetInsightsOutput {
        insights: items
            .into_iter()
            .map(|i| InsightWire {
                insight_arn: i.arn.clone(),
                name: i.name.clone(),
                filters: i.filters.clone(),
                group_by_attribute: i.group_by.clone(),
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InsightArnInput {
    pub insight_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultValue {
    pub group_by_attribute_value: String,
    pub count: usize,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InsightResults {
    pub insight_arn: String,
    pub group_by_attribute: String,
    pub result_values: Vec<ResultValue>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInsightResultsOutput {
    pub insight_results: InsightResults,
}

/// Counts of matching findings per value of the insight's attribute, largest first.
pub fn get_insight_results(
    world: &mut World,
    caller: &Caller,
    input: InsightArnInput,
) -> Result<GetInsightResultsOutput, ShError> {
    let insight = own_insight(world, caller, &input.insight_arn)?;
    let filters = FindingFilters::parse(&insight.filters, world.clock.now_ms())?;
    let path = attribute(&insight.group_by)
        .expect("checked at creation")
        .path;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for finding in matching_findings(world, caller, &filters) {
        let mut values: Vec<String> = values_at(&finding, path)
            .into_iter()
            .filter_map(text)
            .collect();
        values.sort();
        values.dedup();
        for v in values {
            *counts.entry(v).or_default() += 1;
        }
    }
    let mut values: Vec<ResultValue> = counts
        .into_iter()
        .map(|(v, count)| ResultValue {
            group_by_attribute_value: v,
            count,
        })
        .collect();
    values.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.group_by_attribute_value.cmp(&b.group_by_attribute_value))
    });
    values.truncate(MAX_GROUPS);
    Ok(GetInsightResultsOutput {
        insight_results: InsightResults {
            insight_arn: insight.arn.clone(),
            group_by_attribute: insight.group_by.clone(),
            result_values: values,
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateInsightInput {
    pub insight_arn: String,
    pub name: Option<String>,
    pub filters: Option<Value>,
    pub group_by_attribute: Option<String>,
}

pub fn update_insight(
    world: &mut World,
    caller: &Caller,
    input: UpdateInsightInput,
) -> Result<Empty, ShError> {
    if let Some(name) = &input.name {
        check_name(name)?;
    }
    if let Some(filters) = &input.filters {
        FindingFilters::parse(filters, world.clock.now_ms())?;
    }
    if let Some(g) = &input.group_by_attribute {
        check_group_by(g)?;
    }
    own_insight(world, caller, &input.insight_arn)?;
    let insight = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .insights
        .get_mut(&input.insight_arn)
        .expect("checked");
    if let Some(name) = input.name {
        insight.name = name;
    }
    if let Some(filters) = input.filters {
        insight.filters = filters;
    }
    if let Some(g) = input.group_by_attribute {
        insight.group_by = g;
    }
    Ok(Empty {})
}

pub fn delete_insight(
    world: &mut World,
    caller: &Caller,
    input: InsightArnInput,
) -> Result<InsightArnOutput, ShError> {
    own_insight(world, caller, &input.insight_arn)?;
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .insights
        .remove(&input.insight_arn);
    Ok(InsightArnOutput {
        insight_arn: input.insight_arn,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn grouped_counts_of_matching_findings() {
        let mut w = world();
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let mut findings: Vec<_> = (0..3).map(|i| asff(ACCT, &format!("f{i}"))).collect();
        findings[2]["Severity"] = json!({"Label": "LOW"});
        findings[1]["Resources"][0]["Type"] = json!("AwsS3Bucket");
        run_ok(
            &mut w,
            ACCT,
            "BatchImportFindings",
            json!({"Findings": findings}),
        );
        let bad = run(
            &mut w,
            &root_caller(ACCT),
            "CreateInsight",
            json!({"Name": "x", "Filters": {}, "GroupByAttribute": "NotAnAttribute"}),
        );
        assert_eq!(error_of(bad).0, "InvalidInputException");
        let arn = run_ok(
            &mut w,
            ACCT,
            "CreateInsight",
            json!({"Name": "high by type", "Filters": {"SeverityLabel": [{"Value": "HIGH", "Comparison": "EQUALS"}]}, "GroupByAttribute": "ResourceType"}),
        )["InsightArn"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(arn.starts_with(&format!(
            "arn:aws:securityhub:us-east-1:{ACCT}:insight/{ACCT}/custom/"
        )));
        let dup = run(
            &mut w,
            &root_caller(ACCT),
            "CreateInsight",
            json!({"Name": "high by type", "Filters": {}, "GroupByAttribute": "ResourceType"}),
        );
        assert_eq!(error_of(dup).0, "ResourceConflictException");
        let results = run_ok(
            &mut w,
            ACCT,
            "GetInsightResults",
            json!({"InsightArn": arn}),
        );
        assert_eq!(
            results["InsightResults"]["ResultValues"],
            json!([{"GroupByAttributeValue": "AwsEc2Instance", "Count": 1}, {"GroupByAttributeValue": "AwsS3Bucket", "Count": 1}])
        );
        run_ok(
            &mut w,
            ACCT,
            "UpdateInsight",
            json!({"InsightArn": arn, "Filters": {}, "GroupByAttribute": "SeverityLabel"}),
        );
        let results = run_ok(
            &mut w,
            ACCT,
            "GetInsightResults",
            json!({"InsightArn": arn}),
        );
        assert_eq!(
            results["InsightResults"]["ResultValues"],
            json!([{"GroupByAttributeValue": "HIGH", "Count": 2}, {"GroupByAttributeValue": "LOW", "Count": 1}])
        );
        let listed = run_ok(&mut w, ACCT, "GetInsights", json!({}));
        assert_eq!(listed["Insights"][0]["Name"], "high by type");
        run_ok(&mut w, ACCT, "DeleteInsight", json!({"InsightArn": arn}));
        let gone = run(
            &mut w,
            &root_caller(ACCT),
            "GetInsightResults",
            json!({"InsightArn": arn}),
        );
        assert_eq!(error_of(gone).0, "ResourceNotFoundException");
    }
}
