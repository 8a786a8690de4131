//! `DescribeRegions` and `DescribeAvailabilityZones`, from the one Region list
//! ([`crate::regions`]) and the account's opt-in status (Account API). Output members
//! are EC2's wire names (`regionInfo`, `regionName`, …).

use serde::{Deserialize, Serialize};

use super::errors::Ec2Error;
use crate::auth::Caller;
use crate::policy::wildcard;
use crate::regions::{region, AwsRegion, REGIONS};
use crate::services::account::model::RegionOptStatus;
use crate::world::World;

/// `Filter.N.Name` / `Filter.N.Value.M`.
#[derive(Debug, Deserialize)]
pub struct Filter {
    #[serde(rename = "Name")]
    pub name: Option<String>,
    #[serde(rename = "Value", default)]
    pub values: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct DescribeRegionsInput {
    #[serde(rename = "RegionName", default)]
    pub region_names: Vec<String>,
    #[serde(rename = "AllRegions")]
    pub all_regions: Option<String>,
    #[serde(rename = "DryRun")]
    pub dry_run: Option<String>,
    #[serde(rename = "Filter", default)]
    pub filters: Vec<Filter>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionInfo {
    pub region_name: String,
    pub region_endpoint: String,
    pub opt_in_status: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DescribeRegionsOutput {
    #[serde(rename = "regionInfo")]
    pub regions: Vec<RegionInfo>,
}

/// EC2's booleans arrive as text.
fn flag(member: &str, value: &Option<String>) -> Result<bool, Ec2Error> {
    match value.as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(Ec2Error::InvalidParameterValue(format!(
            "Value ({other}) for parameter {member} is invalid. Expected: 'true' or 'false'."
        ))),
    }
}

/// The account's opt-in status as EC2 words it.
fn opt_in_status(status: RegionOptStatus) -> &'static str {
    match status {
        RegionOptStatus::EnabledByDefault => "opt-in-not-required",
        status if status.usable() => "opted-in",
        _ => "not-opted-in",
    }
}

/// A caller in a Region its account has not enabled cannot reach EC2 there at all.
fn check_caller_region(world: &World, caller: &Caller) -> Result<(), Ec2Error> {
    match region(&caller.region) {
        Some(r)
            if !world
                .account
                .region_status(&caller.account_id, r, world.clock.now_ms())
                .usable() =>
        {
            Err(Ec2Error::AuthFailure)
        }
        _ => Ok(()),
    }
}

/// Whether an item passes every filter: each filter's values are ORed (with `*` and
/// `?` wildcards), the filters ANDed.
fn passes(
    filters: &[Filter],
    known: &[&str],
    field: impl Fn(&str) -> Option<String>,
) -> Result<bool, Ec2Error> {
    let mut all = true;
    for filter in filters {
        let name = filter.name.as_deref().unwrap_or_default();
        if !known.contains(&name) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The filter '{name}' is invalid"
            )));
        }
        let value = field(name).unwrap_or_default();
        all &= filter
            .values
            .iter()
            .any(|pattern| wildcard::matches(pattern, &value, false));
    }
    Ok(all)
}

pub fn describe_regions(
    world: &mut World,
    caller: &Caller,
    input: DescribeRegionsInput,
) -> Result<DescribeRegionsOutput, Ec2Error> {
    let all_regions = flag("AllRegions", &input.all_regions)?;
    let dry_run = flag("DryRun", &input.dry_run)?;
    check_caller_region(world, caller)?;
    let unknown: Vec<&str> = input
        .region_names
        .iter()
        .map(String::as_str)
        .filter(|name| region(name).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(Ec2Error::InvalidParameterValue(format!(
            "Invalid region: {}",
            unknown.join(", ")
        )));
    }
    if dry_run {
        return Err(Ec2Error::DryRunOperation);
    }
    let now = world.clock.now_ms();
    let named = !input.region_names.is_empty();
    let mut regions = Vec::new();
    for r in REGIONS {
        if named && !input.region_names.iter().any(|n| n == r.name) {
            continue;
        }
        let status = world.account.region_status(&caller.account_id, r, now);
        // Regions named in `RegionNames` show whether enabled or not (EC2's docs).
        if !(all_regions || named || status.usable()) {
            continue;
        }
        let info = RegionInfo {
            region_name: r.name.to_string(),
            region_endpoint: r.ec2_endpoint(),
            opt_in_status: opt_in_status(status),
        };
        let keep = passes(
            &input.filters,
            &["endpoint", "opt-in-status", "region-name"],
            |name| {
                Some(match name {
                    "endpoint" => info.region_endpoint.clone(),
                    "opt-in-status" => info.opt_in_status.to_string(),
                    _ => info.region_name.clone(),
                })
            },
        )?;
        if keep {
            regions.push(info);
        }
    }
    Ok(DescribeRegionsOutput { regions })
}

#[derive(Debug, Deserialize)]
pub struct DescribeAvailabilityZonesInput {
    #[serde(rename = "ZoneName", default)]
    pub zone_names: Vec<String>,
    #[serde(rename = "ZoneId", default)]
    pub zone_ids: Vec<String>,
    #[serde(rename = "AllAvailabilityZones")]
    pub all_availability_zones: Option<String>,
    #[serde(rename = "DryRun")]
    pub dry_run: Option<String>,
    #[serde(rename = "Filter", default)]
    pub filters: Vec<Filter>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityZone {
    pub zone_name: String,
    pub zone_id: String,
    pub zone_state: &'static str,
    pub region_name: String,
    pub opt_in_status: &'static str,
    pub message_set: Vec<()>,
    pub group_name: String,
    pub group_long_name: String,
    pub network_border_group: String,
    pub zone_type: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DescribeAvailabilityZonesOutput {
    #[serde(rename = "availabilityZoneInfo")]
    pub zones: Vec<AvailabilityZone>,
}

fn zones_of(r: &AwsRegion) -> impl Iterator<Item = AvailabilityZone> + '_ {
    r.zones
        .iter()
        .map(move |(letter, number)| AvailabilityZone {
            zone_name: format!("{}{letter}", r.name),
            zone_id: format!("{}-az{number}", r.zone_prefix),
            zone_state: "available",
            region_name: r.name.to_string(),
            opt_in_status: "opt-in-not-required",
            message_set: Vec::new(),
            group_name: r.name.to_string(),
            group_long_name: r.description.to_string(),
            network_border_group: r.name.to_string(),
            zone_type: "availability-zone",
        })
}

/// The zones of the caller's Region (EC2 answers for the Region it is called in).
pub fn describe_availability_zones(
    world: &mut World,
    caller: &Caller,
    input: DescribeAvailabilityZonesInput,
) -> Result<DescribeAvailabilityZonesOutput, Ec2Error> {
    flag("AllAvailabilityZones", &input.all_availability_zones)?;
    let dry_run = flag("DryRun", &input.dry_run)?;
    check_caller_region(world, caller)?;
    if !input.zone_names.is_empty() && !input.zone_ids.is_empty() {
        return Err(Ec2Error::InvalidParameterCombination(
            "The parameter ZoneNames cannot be used with the parameter ZoneIds".into(),
        ));
    }
    let Some(r) = region(&caller.region) else {
        return Ok(DescribeAvailabilityZonesOutput { zones: Vec::new() });
    };
    let zones: Vec<AvailabilityZone> = zones_of(r).collect();
    for name in &input.zone_names {
        if !zones.iter().any(|z| &z.zone_name == name) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The zone '{name}' does not exist."
            )));
        }
    }
    for id in &input.zone_ids {
        if !zones.iter().any(|z| &z.zone_id == id) {
            return Err(Ec2Error::InvalidParameterValue(format!(
                "The zone ID '{id}' does not exist."
            )));
        }
    }
    if dry_run {
        return Err(Ec2Error::DryRunOperation);
    }
    let known = [
        "group-long-name",
        "group-name",
        "message",
        "opt-in-status",
        "parent-zone-id",
        "parent-zone-name",
        "region-name",
        "state",
        "zone-id",
        "zone-name",
        "zone-type",
    ];
    let mut kept = Vec::new();
    for zone in zones {
        if !input.zone_names.is_empty() && !input.zone_names.contains(&zone.zone_name) {
            continue;
        }
        if !input.zone_ids.is_empty() && !input.zone_ids.contains(&zone.zone_id) {
            continue;
        }
        let keep = passes(&input.filters, &known, |name| match name {
            "group-long-name" => Some(zone.group_long_name.clone()),
            "group-name" => Some(zone.group_name.clone()),
            "opt-in-status" => Some(zone.opt_in_status.to_string()),
            "region-name" => Some(zone.region_name.clone()),
            "state" => Some(zone.zone_state.to_string()),
            "zone-id" => Some(zone.zone_id.clone()),
            "zone-name" => Some(zone.zone_name.clone()),
            "zone-type" => Some(zone.zone_type.to_string()),
            _ => None,
        })?;
        if keep {
            kept.push(zone);
        }
    }
    Ok(DescribeAvailabilityZonesOutput { zones: kept })
}

#[cfg(test)]
mod tests;
