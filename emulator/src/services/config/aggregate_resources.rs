//! Resource queries over an aggregator: the resources discovered in every account and
//! region it covers, counted, listed and read.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::aggregation::{covered, own_aggregator};
use super::errors::ConfigError;
use super::page;
use super::resources::{configuration_item, discovered, Resource};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Every resource discovered where the aggregator collects, with its account and region.
pub fn aggregated(
    world: &World,
    caller: &Caller,
    aggregator_name: &str,
    account: Option<&str>,
    region: Option<&str>,
) -> Result<Vec<(String, String, Resource)>, ConfigError> {
    let aggregator = own_aggregator(world, caller, aggregator_name)?;
    let mut out = Vec::new();
    for (a, r) in covered(world, &caller.account_id, &caller.region, aggregator) {
        if account.is_some_and(|x| x != a) || region.is_some_and(|x| x != r) {
            continue;
        }
        for resource in discovered(world, &a, &r) {
            out.push((a.clone(), r.clone(), resource));
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CountFilters {
    pub resource_type: Option<String>,
    pub account_id: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CountsInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub filters: CountFilters,
    pub group_by_key: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CountsOutput {
    pub total_discovered_resources: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by_key: Option<String>,
    pub grouped_resource_counts: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_aggregate_discovered_resource_counts(
    world: &mut World,
    caller: &Caller,
    input: CountsInput,
) -> Result<CountsOutput, ConfigError> {
    let group = input.group_by_key.as_deref();
    if group.is_some_and(|g| !matches!(g, "RESOURCE_TYPE" | "ACCOUNT_ID" | "AWS_REGION")) {
        return Err(ConfigError::constraint(
            "groupByKey",
            group.unwrap_or_default(),
            "Member must satisfy enum value set: [RESOURCE_TYPE, ACCOUNT_ID, AWS_REGION]",
        ));
    }
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "GetAggregateDiscoveredResourceCounts {} {name} {group:?}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 1000, &input.next_token)?;
    let f = &input.filters;
    let all = aggregated(
        world,
        caller,
        name,
        f.account_id.as_deref(),
        f.region.as_deref(),
    )?;
    let matching: Vec<_> = all
        .into_iter()
        .filter(|(_, _, r)| {
            f.resource_type
                .as_ref()
                .is_none_or(|t| *t == r.resource_type)
        })
        .collect();
    let total = matching.len();
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    if let Some(group) = group {
        for (account, region, resource) in &matching {
            let key = match group {
                "RESOURCE_TYPE" => &resource.resource_type,
                "ACCOUNT_ID" => account,
                _ => region,
            };
            *groups.entry(key.clone()).or_default() += 1;
        }
    }
    let rest = groups
        .into_iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a));
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    Ok(CountsOutput {
        total_discovered_resources: total,
        group_by_key: input.group_by_key.clone(),
        grouped_resource_counts: rows
            .iter()
            .map(|(k, n)| json!({"GroupName": k, "ResourceCount": n}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceFilters {
    pub account_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    pub region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub configuration_aggregator_name: String,
    pub resource_type: String,
    #[serde(default)]
    pub filters: ResourceFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOutput {
    pub resource_identifiers: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn identifier(account: &str, region: &str, r: &Resource) -> Value {
    let mut id = json!({
        "SourceAccountId": account,
        "SourceRegion": region,
        "ResourceId": r.resource_id,
        "ResourceType": r.resource_type,
    });
    if let Some(name) = &r.resource_name {
        id["ResourceName"] = json!(name);
    }
    id
}

pub fn list_aggregate_discovered_resources(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<ListOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "ListAggregateDiscoveredResources {} {name} {}",
        caller.region, input.resource_type
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let f = &input.filters;
    let all = aggregated(
        world,
        caller,
        name,
        f.account_id.as_deref(),
        f.region.as_deref(),
    )?;
    let key = |(a, r, res): &(String, String, Resource)| format!("{a}/{r}/{}", res.resource_id);
    let rest = all.into_iter().filter(|entry| {
        let resource = &entry.2;
        resource.resource_type == input.resource_type
            && f.resource_id
                .as_ref()
                .is_none_or(|x| *x == resource.resource_id)
            && f.resource_name
                .as_ref()
                .is_none_or(|x| resource.resource_name.as_ref() == Some(x))
            && after.as_ref().is_none_or(|a| key(entry) > *a)
    });
    let (rows, next) = take_page(rest, size, key);
    Ok(ListOutput {
        resource_identifiers: rows
            .iter()
            .map(|(a, r, res)| identifier(a, r, res))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregateResourceIdentifier {
    pub source_account_id: String,
    pub source_region: String,
    pub resource_id: String,
    pub resource_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetConfigInput {
    pub configuration_aggregator_name: String,
    pub resource_identifier: AggregateResourceIdentifier,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetConfigOutput {
    pub configuration_item: Value,
}

pub fn get_aggregate_resource_config(
    world: &mut World,
    caller: &Caller,
    input: GetConfigInput,
) -> Result<GetConfigOutput, ConfigError> {
    let id = &input.resource_identifier;
    let all = aggregated(
        world,
        caller,
        &input.configuration_aggregator_name,
        Some(&id.source_account_id),
        Some(&id.source_region),
    )?;
    let (account, region, resource) = all
        .into_iter()
        .find(|(_, _, r)| r.resource_type == id.resource_type && r.resource_id == id.resource_id)
        .ok_or_else(|| {
            ConfigError::ResourceNotDiscovered(format!(
                "Resource {} of resourceType:{} is unknown or has not been discovered",
                id.resource_id, id.resource_type
            ))
        })?;
    Ok(GetConfigOutput {
        configuration_item: configuration_item(&account, &region, &resource),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchIdentifier {
    pub source_account_id: String,
    pub source_region: String,
    pub resource_id: String,
    pub resource_type: String,
    pub resource_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetInput {
    pub configuration_aggregator_name: String,
    pub resource_identifiers: Vec<BatchIdentifier>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetOutput {
    pub base_configuration_items: Vec<Value>,
    pub unprocessed_resource_identifiers: Vec<Value>,
}

/// Identifiers of resources not discovered where the aggregator collects are left out
/// of both lists, as `BatchGetResourceConfig` does.
pub fn batch_get_aggregate_resource_config(
    world: &mut World,
    caller: &Caller,
    input: BatchGetInput,
) -> Result<BatchGetOutput, ConfigError> {
    if input.resource_identifiers.is_empty() || input.resource_identifiers.len() > 100 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'resourceIdentifiers' failed to satisfy constraint: Member must have length between 1 and 100".to_string(),
        ));
    }
    let all = aggregated(
        world,
        caller,
        &input.configuration_aggregator_name,
        None,
        None,
    )?;
    let items = input
        .resource_identifiers
        .iter()
        .filter_map(|id| {
            all.iter().find(|(a, r, res)| {
                *a == id.source_account_id
                    && *r == id.source_region
                    && res.resource_type == id.resource_type
                    && res.resource_id == id.resource_id
            })
        })
        .map(|(a, r, res)| configuration_item(a, r, res))
        .collect();
    Ok(BatchGetOutput {
        base_configuration_items: items,
        unprocessed_resource_identifiers: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn organization_aggregator_sees_every_member_detector() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        run_ok(
            &mut w,
            MANAGEMENT,
            "PutConfigurationAggregator",
            json!({"ConfigurationAggregatorName": "agg", "OrganizationAggregationSource": {"RoleArn": "arn:aws:iam::111111111111:role/r", "AwsRegions": ["us-east-1"]}}),
        );
        let mut detectors = Vec::new();
        for a in &accounts {
            start_recording(&mut w, a);
            detectors.push(create_detector(&mut w, a));
        }
        let counts = run_ok(
            &mut w,
            MANAGEMENT,
            "GetAggregateDiscoveredResourceCounts",
            json!({"ConfigurationAggregatorName": "agg", "GroupByKey": "ACCOUNT_ID", "Filters": {"ResourceType": "AWS::GuardDuty::Detector"}}),
        );
        assert_eq!(counts["TotalDiscoveredResources"], 2);
        assert_eq!(counts["GroupedResourceCounts"].as_array().unwrap().len(), 2);
        let listed = run_ok(
            &mut w,
            MANAGEMENT,
            "ListAggregateDiscoveredResources",
            json!({"ConfigurationAggregatorName": "agg", "ResourceType": "AWS::GuardDuty::Detector", "Filters": {"AccountId": accounts[1]}}),
        );
        assert_eq!(
            listed["ResourceIdentifiers"][0]["ResourceId"],
            detectors[1].as_str()
        );
        let item = run_ok(
            &mut w,
            MANAGEMENT,
            "GetAggregateResourceConfig",
            json!({"ConfigurationAggregatorName": "agg", "ResourceIdentifier": {
                "SourceAccountId": accounts[0], "SourceRegion": "us-east-1",
                "ResourceId": detectors[0], "ResourceType": "AWS::GuardDuty::Detector"}}),
        );
        assert_eq!(item["ConfigurationItem"]["accountId"], accounts[0].as_str());
        assert_eq!(
            error_code(
                &mut w,
                MANAGEMENT,
                "GetAggregateResourceConfig",
                json!({"ConfigurationAggregatorName": "agg", "ResourceIdentifier": {
                    "SourceAccountId": accounts[0], "SourceRegion": "eu-west-1",
                    "ResourceId": detectors[0], "ResourceType": "AWS::GuardDuty::Detector"}})
            ),
            "ResourceNotDiscoveredException"
        );
    }
}
