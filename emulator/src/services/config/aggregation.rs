//! Configuration aggregators: account sources collect where the source account's
//! `PutAggregationAuthorization` allows it (`authorizations`); an organization source needs the
//! management account (which turns on trusted access for Config) or Config's delegated
//! administrator, and covers the organization's accounts as they are when asked.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::authorizations::authorized;
use super::errors::ConfigError;
use super::model::{AccountSource, Aggregator, OrganizationSource};
use super::{is_account_id, organization_authority, page, Empty, ALL_REGIONS};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

pub const SERVICE_PRINCIPAL: &str = "config.amazonaws.com";

/// Aggregators per account and region (AWS default quota).
pub const MAX_AGGREGATORS: usize = 50;

fn regions_of(all: bool, regions: &[String]) -> Vec<String> {
    if all {
        ALL_REGIONS.iter().map(|r| r.to_string()).collect()
    } else {
        regions.to_vec()
    }
}

/// Every (account, region) whose data the aggregator of `owner` in `owner_region`
/// collects now, sorted.
pub fn covered(
    world: &World,
    owner: &str,
    owner_region: &str,
    aggregator: &Aggregator,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for source in &aggregator.account_sources {
        for account in &source.account_ids {
            for region in regions_of(source.all_regions, &source.regions) {
                if authorized(world, account, &region, owner, owner_region) {
                    out.push((account.clone(), region));
                }
            }
        }
    }
    if let Some(source) = &aggregator.organization_source {
        if let Some(org) = organization_still_granted(world, owner) {
            for account in org.members.keys() {
                for region in regions_of(source.all_regions, &source.regions) {
                    out.push((account.to_string(), region));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The owner's organization, while the owner may still aggregate it.
fn organization_still_granted<'w>(
    world: &'w World,
    owner: &str,
) -> Option<&'w crate::services::organizations::model::Organization> {
    let org = world.organizations.organization_of(owner)?;
    let granted = org.management_account_id == owner
        || delegation::is_delegated_admin(org, owner, SERVICE_PRINCIPAL);
    granted.then_some(org)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSourceInput {
    #[serde(default)]
    pub account_ids: Vec<String>,
    #[serde(default)]
    pub all_aws_regions: bool,
    #[serde(default)]
    pub aws_regions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationSourceInput {
    pub role_arn: String,
    #[serde(default)]
    pub all_aws_regions: bool,
    #[serde(default)]
    pub aws_regions: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutAggregatorInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub account_aggregation_sources: Vec<AccountSourceInput>,
    pub organization_aggregation_source: Option<OrganizationSourceInput>,
    #[serde(default)]
    pub tags: Vec<super::tags::Tag>,
}

fn check_regions(all: bool, regions: &[String]) -> Result<(), ConfigError> {
    if all != regions.is_empty() {
        return Err(ConfigError::InvalidParameterValue(
            "Your request must specify either AllAwsRegions or AwsRegions, but not both."
                .to_string(),
        ));
    }
    Ok(())
}

fn check_aggregator_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 256
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::constraint(
            "configurationAggregatorName",
            name,
            "Member must satisfy regular expression pattern: [\\w\\-]+",
        ))
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutAggregatorOutput {
    pub configuration_aggregator: Value,
}

pub fn put_configuration_aggregator(
    world: &mut World,
    caller: &Caller,
    input: PutAggregatorInput,
) -> Result<PutAggregatorOutput, ConfigError> {
    let tags = super::tags::creation_tags(&input.tags)?;
    let name = input.configuration_aggregator_name;
    check_aggregator_name(&name)?;
    let accounts = input.account_aggregation_sources;
    let organization = input.organization_aggregation_source;
    if accounts.len() > 1 {
        return Err(ConfigError::Validation(format!(
            "1 validation error detected: Value '{}' at 'accountAggregationSources' failed to satisfy constraint: Member must have length less than or equal to 1",
            accounts.len()
        )));
    }
    if accounts.is_empty() == organization.is_none() {
        return Err(ConfigError::InvalidParameterValue(
            "The configuration aggregator must have one source: AccountAggregationSources (one element) or OrganizationAggregationSource.".to_string(),
        ));
    }
    for source in &accounts {
        check_regions(source.all_aws_regions, &source.aws_regions)?;
        if source.account_ids.is_empty() || !source.account_ids.iter().all(|a| is_account_id(a)) {
            return Err(ConfigError::InvalidParameterValue(
                "AccountIds must list 12-digit account IDs.".to_string(),
            ));
        }
    }
    let mut enable_access_in = None;
    if let Some(source) = &organization {
        check_regions(source.all_aws_regions, &source.aws_regions)?;
        if !source.role_arn.starts_with("arn:aws") || !source.role_arn.contains(":role/") {
            return Err(ConfigError::InvalidRole(
                "The role ARN of the organization aggregation source is not valid.".to_string(),
            ));
        }
        let (org_id, management) = organization_authority(world, caller, SERVICE_PRINCIPAL)?;
        if management {
            enable_access_in = Some(org_id);
        }
    }
    let existing = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.aggregators.get(&name))
        .cloned();
    let count = world
        .config
        .account(&caller.region, &caller.account_id)
        .map_or(0, |a| a.aggregators.len());
    if existing.is_none() && count >= MAX_AGGREGATORS {
        return Err(ConfigError::LimitExceeded(format!(
            "Failed to put configuration aggregator '{name}': the maximum of {MAX_AGGREGATORS} aggregators is reached."
        )));
    }
    let now = world.clock.now_ms();
    let (arn, created_ms) = match &existing {
        Some(g) => (g.arn.clone(), g.created_ms),
        None => (
            format!(
                "arn:aws:config:{}:{}:config-aggregator/config-aggregator-{}",
                caller.region,
                caller.account_id,
                world.ids.lower_alnum(8)
            ),
            now,
        ),
    };
    let aggregator = Aggregator {
        name: name.clone(),
        arn,
        account_sources: accounts
            .into_iter()
            .map(|s| AccountSource {
                account_ids: s.account_ids,
                all_regions: s.all_aws_regions,
                regions: s.aws_regions,
            })
            .collect(),
        organization_source: organization.map(|s| OrganizationSource {
            role_arn: s.role_arn,
            all_regions: s.all_aws_regions,
            regions: s.aws_regions,
        }),
        created_ms,
        updated_ms: now,
    };
    if let Some(org_id) = enable_access_in {
        delegation::ensure_service_access(world, &org_id, SERVICE_PRINCIPAL, now);
    }
    let wire = aggregator_wire(&aggregator);
    let arn = aggregator.arn.clone();
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .aggregators
        .insert(name, aggregator);
    super::tags::add_created(world, &arn, &tags);
    Ok(PutAggregatorOutput {
        configuration_aggregator: wire,
    })
}

fn aggregator_wire(g: &Aggregator) -> Value {
    let mut out = json!({
        "ConfigurationAggregatorName": g.name,
        "ConfigurationAggregatorArn": g.arn,
        "CreationTime": epoch_seconds(g.created_ms),
        "LastUpdatedTime": epoch_seconds(g.updated_ms),
    });
    if !g.account_sources.is_empty() {
        out["AccountAggregationSources"] = g
            .account_sources
            .iter()
            .map(|s| json!({"AccountIds": s.account_ids, "AllAwsRegions": s.all_regions, "AwsRegions": s.regions}))
            .collect();
    }
    if let Some(s) = &g.organization_source {
        out["OrganizationAggregationSource"] =
            json!({"RoleArn": s.role_arn, "AllAwsRegions": s.all_regions, "AwsRegions": s.regions});
    }
    out
}

/// The caller's aggregator named `name`.
pub fn own_aggregator<'w>(
    world: &'w World,
    caller: &Caller,
    name: &str,
) -> Result<&'w Aggregator, ConfigError> {
    world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.aggregators.get(name))
        .ok_or_else(|| ConfigError::no_such_aggregator(name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAggregatorsInput {
    #[serde(default)]
    pub configuration_aggregator_names: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAggregatorsOutput {
    pub configuration_aggregators: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_configuration_aggregators(
    world: &mut World,
    caller: &Caller,
    input: DescribeAggregatorsInput,
) -> Result<DescribeAggregatorsOutput, ConfigError> {
    let listing = format!("DescribeConfigurationAggregators {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    for name in &input.configuration_aggregator_names {
        own_aggregator(world, caller, name)?;
    }
    let empty = imbl::OrdMap::new();
    let all = world
        .config
        .account(&caller.region, &caller.account_id)
        .map_or(&empty, |a| &a.aggregators);
    let names = &input.configuration_aggregator_names;
    let rest = all
        .values()
        .filter(|g| names.is_empty() || names.contains(&g.name))
        .filter(|g| after.as_ref().is_none_or(|a| g.name > *a));
    let (rows, next) = take_page(rest, size, |g| g.name.clone());
    Ok(DescribeAggregatorsOutput {
        configuration_aggregators: rows.into_iter().map(aggregator_wire).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorNameInput {
    pub configuration_aggregator_name: String,
}

pub fn delete_configuration_aggregator(
    world: &mut World,
    caller: &Caller,
    input: AggregatorNameInput,
) -> Result<Empty, ConfigError> {
    own_aggregator(world, caller, &input.configuration_aggregator_name)?;
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .aggregators
        .remove(&input.configuration_aggregator_name);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourcesStatusInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub update_status: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SourcesStatusOutput {
    pub aggregated_source_status_list: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One status per source account (or the organization) and region: SUCCEEDED where
/// the aggregator may collect, FAILED where an authorization or the organization
/// grant is missing.
pub fn describe_configuration_aggregator_sources_status(
    world: &mut World,
    caller: &Caller,
    input: SourcesStatusInput,
) -> Result<SourcesStatusOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "DescribeConfigurationAggregatorSourcesStatus {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let aggregator = own_aggregator(world, caller, name)?;
    let now = epoch_seconds(world.clock.now_ms());
    let mut rows: Vec<(String, Value)> = Vec::new();
    let mut push = |source_id: &str, kind: &str, region: &str, ok: bool, error: &str| {
        let mut status = json!({
            "SourceId": source_id, "SourceType": kind, "AwsRegion": region,
            "LastUpdateStatus": if ok { "SUCCEEDED" } else { "FAILED" }, "LastUpdateTime": now,
        });
        if !ok {
            status["LastErrorCode"] = json!(error);
            status["LastErrorMessage"] =
                json!(format!("The source cannot be aggregated: {error}."));
        }
        rows.push((format!("{kind}/{source_id}/{region}"), status));
    };
    for source in &aggregator.account_sources {
        for account in &source.account_ids {
            for region in regions_of(source.all_regions, &source.regions) {
                let ok = authorized(world, account, &region, &caller.account_id, &caller.region);
                push(account, "ACCOUNT", &region, ok, "AUTHORIZATION_NOT_FOUND");
            }
        }
    }
    if let Some(source) = &aggregator.organization_source {
        let org = world.organizations.organization_of(&caller.account_id);
        let org_id = org.map_or("", |o| o.id.as_str());
        let ok = organization_still_granted(world, &caller.account_id).is_some();
        for region in regions_of(source.all_regions, &source.regions) {
            push(
                org_id,
                "ORGANIZATION",
                &region,
                ok,
                "ORGANIZATION_ACCESS_DENIED",
            );
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let wanted = &input.update_status;
    let rest = rows.into_iter().filter(|(k, s)| {
        after.as_ref().is_none_or(|a| k > a)
            && (wanted.is_empty() || wanted.iter().any(|w| s["LastUpdateStatus"] == w.as_str()))
    });
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    Ok(SourcesStatusOutput {
        aggregated_source_status_list: rows.into_iter().map(|(_, s)| s).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const OWNER: &str = "222222222222";

    #[test]
    fn aggregators_are_updated_in_place_listed_and_deleted() {
        let mut w = world();
        let put = |regions: &[&str]| json!({"ConfigurationAggregatorName": "agg", "AccountAggregationSources": [{"AccountIds": ["333333333333"], "AwsRegions": regions}]});
        let first = run_ok(
            &mut w,
            OWNER,
            "PutConfigurationAggregator",
            put(&["us-east-1"]),
        );
        let second = run_ok(
            &mut w,
            OWNER,
            "PutConfigurationAggregator",
            put(&["eu-west-1"]),
        );
        let arn = &first["ConfigurationAggregator"]["ConfigurationAggregatorArn"];
        assert_eq!(
            &second["ConfigurationAggregator"]["ConfigurationAggregatorArn"],
            arn
        );
        let listed = run_ok(&mut w, OWNER, "DescribeConfigurationAggregators", json!({}));
        let aggregators = listed["ConfigurationAggregators"].as_array().unwrap();
        assert_eq!(aggregators.len(), 1);
        assert_eq!(
            aggregators[0]["AccountAggregationSources"][0]["AwsRegions"],
            json!(["eu-west-1"])
        );
        assert_eq!(
            error_code(
                &mut w,
                OWNER,
                "PutConfigurationAggregator",
                json!({"ConfigurationAggregatorName": "both", "AccountAggregationSources": [{"AccountIds": ["333333333333"], "AllAwsRegions": true, "AwsRegions": ["us-east-1"]}]})
            ),
            "InvalidParameterValueException"
        );
        run_ok(
            &mut w,
            OWNER,
            "DeleteConfigurationAggregator",
            json!({"ConfigurationAggregatorName": "agg"}),
        );
        assert_eq!(
            error_code(
                &mut w,
                OWNER,
                "DescribeConfigurationAggregators",
                json!({"ConfigurationAggregatorNames": ["agg"]})
            ),
            "NoSuchConfigurationAggregatorException"
        );
    }
}
