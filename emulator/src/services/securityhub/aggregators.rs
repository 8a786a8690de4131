//! Cross-region aggregation: CreateFindingAggregator, GetFindingAggregator,
//! UpdateFindingAggregator, DeleteFindingAggregator, ListFindingAggregators. One
//! aggregator per account; its region is the home region, whose GetFindings also
//! returns the linked regions' findings.

use serde::{Deserialize, Serialize};

use super::errors::ShError;
use super::model::Aggregator;
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

const MODES: [&str; 4] = [
    "ALL_REGIONS",
    "ALL_REGIONS_EXCEPT_SPECIFIED",
    "SPECIFIED_REGIONS",
    "NO_REGIONS",
];

fn is_region(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
}

/// Checks a linking mode with its regions; returns the regions to store.
fn check_linking(
    mode: &str,
    regions: Option<Vec<String>>,
    home: &str,
) -> Result<Vec<String>, ShError> {
    if !MODES.contains(&mode) {
        return Err(ShError::invalid(format!(
            "Invalid RegionLinkingMode {mode}"
        )));
    }
    let regions = regions.unwrap_or_default();
    let needs_regions = mode.ends_with("SPECIFIED") || mode == "SPECIFIED_REGIONS";
    if needs_regions && regions.is_empty() {
        return Err(ShError::invalid(format!(
            "RegionLinkingMode {mode} requires Regions"
        )));
    }
    if !needs_regions && !regions.is_empty() {
        return Err(ShError::invalid(format!(
            "RegionLinkingMode {mode} does not take Regions"
        )));
    }
    if let Some(bad) = regions.iter().find(|r| !is_region(r) || *r == home) {
        return Err(ShError::invalid(format!(
            "Invalid Region {bad}: it must be a Region name other than the aggregation Region"
        )));
    }
    let mut regions = regions;
    regions.sort();
    regions.dedup();
    Ok(regions)
}

/// The caller's aggregator, wherever it lives: (home region, aggregator).
fn find(world: &World, account: &str) -> Option<(String, Aggregator)> {
    world.securityhub.regions.iter().find_map(|(region, r)| {
        r.accounts
            .get(account)
            .and_then(|a| a.hub.as_ref())
            .and_then(|h| h.aggregator.clone())
            .map(|agg| (region.clone(), agg))
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorOutput {
    pub finding_aggregator_arn: String,
    pub finding_aggregation_region: String,
    pub region_linking_mode: String,
    pub regions: Vec<String>,
}

fn output(region: &str, a: &Aggregator) -> AggregatorOutput {
    AggregatorOutput {
        finding_aggregator_arn: a.arn.clone(),
        finding_aggregation_region: region.to_string(),
        region_linking_mode: a.mode.clone(),
        regions: a.regions.clone(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateFindingAggregatorInput {
    pub region_linking_mode: String,
    pub regions: Option<Vec<String>>,
}

pub fn create_finding_aggregator(
    world: &mut World,
    caller: &Caller,
    input: CreateFindingAggregatorInput,
) -> Result<AggregatorOutput, ShError> {
    let regions = check_linking(&input.region_linking_mode, input.regions, &caller.region)?;
    own_hub(world, caller)?;
    if let Some((home, _)) = find(world, &caller.account_id) {
        return Err(ShError::invalid(format!(
            "The account already has a finding aggregator in {home}; an account can have only one"
        )));
    }
    let aggregator = Aggregator {
        arn: format!(
            "arn:aws:securityhub:{}:{}:finding-aggregator/{}",
            caller.region,
            caller.account_id,
            world.ids.uuid()
        ),
        mode: input.region_linking_mode,
        regions,
    };
    let out = output(&caller.region, &aggregator);
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .aggregator = Some(aggregator);
    Ok(out)
}

/// The caller's aggregator named by `arn`.
fn named(world: &World, caller: &Caller, arn: &str) -> Result<(String, Aggregator), ShError> {
    own_hub(world, caller)?;
    find(world, &caller.account_id)
        .filter(|(_, a)| a.arn == arn)
        .ok_or_else(|| ShError::not_found(format!("Finding aggregator {arn} not found")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FindingAggregatorArnInput {
    pub finding_aggregator_arn: String,
}

pub fn get_finding_aggregator(
    world: &mut World,
    caller: &Caller,
    input: FindingAggregatorArnInput,
) -> Result<AggregatorOutput, ShError> {
    let (home, aggregator) = named(world, caller, &input.finding_aggregator_arn)?;
    Ok(output(&home, &aggregator))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateFindingAggregatorInput {
    pub finding_aggregator_arn: String,
    pub region_linking_mode: String,
    pub regions: Option<Vec<String>>,
}

fn check_home(home: &str, caller: &Caller) -> Result<(), ShError> {
    if home != caller.region {
        return Err(ShError::invalid(format!(
            "Call this operation from the aggregation Region {home}"
        )));
    }
    Ok(())
}

pub fn update_finding_aggregator(
    world: &mut World,
    caller: &Caller,
    input: UpdateFindingAggregatorInput,
) -> Result<AggregatorOutput, ShError> {
    let regions = check_linking(&input.region_linking_mode, input.regions, &caller.region)?;
    let (home, mut aggregator) = named(world, caller, &input.finding_aggregator_arn)?;
    check_home(&home, caller)?;
    aggregator.mode = input.region_linking_mode;
    aggregator.regions = regions;
    let out = output(&home, &aggregator);
    world
        .securityhub
        .hub_mut(&home, &caller.account_id)
        .aggregator = Some(aggregator);
    Ok(out)
}

pub fn delete_finding_aggregator(
    world: &mut World,
    caller: &Caller,
    input: FindingAggregatorArnInput,
) -> Result<Empty, ShError> {
    let (home, _) = named(world, caller, &input.finding_aggregator_arn)?;
    check_home(&home, caller)?;
    world
        .securityhub
        .hub_mut(&home, &caller.account_id)
        .aggregator = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFindingAggregatorsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorArn {
    pub finding_aggregator_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFindingAggregatorsOutput {
    pub finding_aggregators: Vec<AggregatorArn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_finding_aggregators(
    world: &mut World,
    caller: &Caller,
    input: ListFindingAggregatorsInput,
) -> Result<ListFindingAggregatorsOutput, ShError> {
    own_hub(world, caller)?;
    let listing = format!("ListFindingAggregators {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let arns = find(world, &caller.account_id)
        .map(|(_, a)| a.arn)
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|after| a > after));
    let (arns, next) = take_page(arns, max, |a| a.clone());
    Ok(ListFindingAggregatorsOutput {
        finding_aggregators: arns
            .into_iter()
            .map(|finding_aggregator_arn| AggregatorArn {
                finding_aggregator_arn,
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn home_region_sees_linked_regions() {
        let mut w = world();
        for region in ["us-east-1", "eu-west-1", "ap-south-1"] {
            run_in(&mut w, ACCT, region, "EnableSecurityHub", json!({}));
            let mut f = asff(ACCT, &format!("in-{region}"));
            f["ProductArn"] = json!(format!(
                "arn:aws:securityhub:{region}:{ACCT}:product/{ACCT}/default"
            ));
            run_in(
                &mut w,
                ACCT,
                region,
                "BatchImportFindings",
                json!({"Findings": [f]}),
            );
        }
        let count = |w: &mut crate::world::World| {
            run_ok(w, ACCT, "GetFindings", json!({}))["Findings"]
                .as_array()
                .unwrap()
                .len()
        };
        assert_eq!(count(&mut w), 1);
        let bad = run(
            &mut w,
            &root_caller(ACCT),
            "CreateFindingAggregator",
            json!({"RegionLinkingMode": "SPECIFIED_REGIONS"}),
        );
        assert_eq!(error_of(bad).0, "InvalidInputException");
        let created = run_ok(
            &mut w,
            ACCT,
            "CreateFindingAggregator",
            json!({"RegionLinkingMode": "SPECIFIED_REGIONS", "Regions": ["eu-west-1"]}),
        );
        assert_eq!(created["FindingAggregationRegion"], "us-east-1");
        let arn = created["FindingAggregatorArn"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(count(&mut w), 2);
        let eu = run_in(&mut w, ACCT, "eu-west-1", "GetFindings", json!({}));
        assert_eq!(
            eu["Findings"].as_array().unwrap().len(),
            1,
            "linked regions see only their own"
        );
        let second = run(
            &mut w,
            &root_caller(ACCT),
            "CreateFindingAggregator",
            json!({"RegionLinkingMode": "ALL_REGIONS"}),
        );
        assert_eq!(error_of(second).0, "InvalidInputException");
        run_ok(
            &mut w,
            ACCT,
            "UpdateFindingAggregator",
            json!({"FindingAggregatorArn": arn, "RegionLinkingMode": "ALL_REGIONS_EXCEPT_SPECIFIED", "Regions": ["eu-west-1"]}),
        );
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFindingAggregator",
            json!({"FindingAggregatorArn": arn}),
        );
        assert_eq!(got["RegionLinkingMode"], "ALL_REGIONS_EXCEPT_SPECIFIED");
        let regions: Vec<String> = run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["Region"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(regions.len(), 2);
        assert!(regions.contains(&"ap-south-1".to_string()));
        run_ok(
            &mut w,
            ACCT,
            "UpdateFindingAggregator",
            json!({"FindingAggregatorArn": arn, "RegionLinkingMode": "ALL_REGIONS"}),
        );
        assert_eq!(count(&mut w), 3);
        let listed = run_in(
            &mut w,
            ACCT,
            "eu-west-1",
            "ListFindingAggregators",
            json!({}),
        );
        assert_eq!(
            listed["FindingAggregators"][0]["FindingAggregatorArn"],
            arn.as_str()
        );
        let elsewhere = run(
            &mut w,
            &{
                let mut c = root_caller(ACCT);
                c.region = "eu-west-1".into();
                c
            },
            "DeleteFindingAggregator",
            json!({"FindingAggregatorArn": arn}),
        );
        assert_eq!(error_of(elsewhere).0, "InvalidInputException");
        run_ok(
            &mut w,
            ACCT,
            "DeleteFindingAggregator",
            json!({"FindingAggregatorArn": arn}),
        );
        assert_eq!(count(&mut w), 1);
        let gone = run(
            &mut w,
            &root_caller(ACCT),
            "GetFindingAggregator",
            json!({"FindingAggregatorArn": arn}),
        );
        assert_eq!(error_of(gone).0, "ResourceNotFoundException");
    }
}
