//! `ListRegions`, `GetRegionOptStatus`, `EnableRegion`, `DisableRegion`: the opt-in
//! status of AWS's Regions for an account, which EC2's `DescribeRegions` shows too.

use serde::{Deserialize, Serialize};

use super::errors::AccountError;
use super::model::RegionOptStatus;
use super::target::target_account;
use super::Empty;
use crate::auth::Caller;
use crate::regions::{region, AwsRegion, REGIONS};
use crate::services::pagination::{decode_token, encode_token, take_page};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRegionsInput {
    pub account_id: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    #[serde(default)]
    pub region_opt_status_contains: Vec<RegionOptStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionOpt {
    pub region_name: String,
    pub region_opt_status: RegionOptStatus,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRegionsOutput {
    pub regions: Vec<RegionOpt>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_regions(
    world: &mut World,
    caller: &Caller,
    input: ListRegionsInput,
) -> Result<ListRegionsOutput, AccountError> {
    let account = target_account(world, caller, "ListRegions", input.account_id.as_deref())?;
    let max = match input.max_results {
        None => 20,
        Some(n @ 1..=50) => n as usize,
        Some(_) => {
            return Err(AccountError::field(
                "MaxResults",
                "must be between 1 and 50",
            ))
        }
    };
    let listing = format!("ListRegions {account}");
    let after =
        match input.next_token.as_deref().filter(|t| !t.is_empty()) {
            None => None,
            Some(token) => Some(decode_token(&listing, token).ok_or_else(|| {
                AccountError::field("NextToken", "is not a valid pagination token")
            })?),
        };
    let now = world.clock.now_ms();
    let wanted = &input.region_opt_status_contains;
    let statuses = REGIONS
        .iter()
        .filter(|r| after.as_deref().is_none_or(|a| r.name > a))
        .map(|r| RegionOpt {
            region_name: r.name.to_string(),
            region_opt_status: world.account.region_status(&account, r, now),
        })
        .filter(|r| wanted.is_empty() || wanted.contains(&r.region_opt_status));
    let (regions, last) = take_page(statuses, max, |r| r.region_name.clone());
    Ok(ListRegionsOutput {
        regions,
        next_token: last.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegionInput {
    pub account_id: Option<String>,
    pub region_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetRegionOptStatusOutput {
    pub region_name: String,
    pub region_opt_status: RegionOptStatus,
}

fn known_region(name: &str) -> Result<&'static AwsRegion, AccountError> {
    if name.is_empty() || name.len() > 50 {
        return Err(AccountError::field(
            "RegionName",
            "must be 1 to 50 characters",
        ));
    }
    region(name)
        .ok_or_else(|| AccountError::region_target(format!("{name} is not a valid Region.")))
}

pub fn get_region_opt_status(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<GetRegionOptStatusOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "GetRegionOptStatus",
        input.account_id.as_deref(),
    )?;
    let region = known_region(&input.region_name)?;
    Ok(GetRegionOptStatusOutput {
        region_name: region.name.to_string(),
        region_opt_status: world
            .account
            .region_status(&account, region, world.clock.now_ms()),
    })
}

/// Checks that `region` can change for `account`: an opt-in Region, not in the middle
/// of the opposite change. `Ok(false)`: it already is (or is becoming) what was asked.
fn check_change(
    world: &World,
    account: &str,
    region: &AwsRegion,
    enable: bool,
) -> Result<bool, AccountError> {
    if !region.opt_in {
        return Err(AccountError::region_target(format!(
            "{} is enabled by default and can't be enabled or disabled.",
            region.name
        )));
    }
    let status = world
        .account
        .region_status(account, region, world.clock.now_ms());
    use RegionOptStatus::*;
    match (enable, status) {
        (true, Disabling) => Err(AccountError::Conflict(format!(
            "{} is being disabled (DISABLING); enable it once it is DISABLED.",
            region.name
        ))),
        (false, Enabling) => Err(AccountError::Conflict(format!(
            "{} is being enabled (ENABLING); disable it once it is ENABLED.",
            region.name
        ))),
        (true, Enabled | Enabling) | (false, Disabled | Disabling) => Ok(false),
        _ => Ok(true),
    }
}

fn change_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
    enable: bool,
) -> Result<Empty, AccountError> {
    let operation = if enable {
        "EnableRegion"
    } else {
        "DisableRegion"
    };
    let account = target_account(world, caller, operation, input.account_id.as_deref())?;
    let region = known_region(&input.region_name)?;
    if check_change(world, &account, region, enable)? {
        let at_ms = world.clock.now_ms();
        world.account.settings_mut(&account).regions.insert(
            region.name.to_string(),
            super::model::RegionChange { enable, at_ms },
        );
    }
    Ok(Empty {})
}

/// Starts enabling an opt-in Region: `ENABLING`, then `ENABLED` after a minute of
/// world time.
pub fn enable_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<Empty, AccountError> {
    change_region(world, caller, input, true)
}

/// Starts disabling an opt-in Region: `DISABLING`, then `DISABLED`.
pub fn disable_region(
    world: &mut World,
    caller: &Caller,
    input: RegionInput,
) -> Result<Empty, AccountError> {
    change_region(world, caller, input, false)
}
