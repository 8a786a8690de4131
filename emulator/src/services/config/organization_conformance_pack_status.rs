//! Where organization conformance packs stand: per pack and per member account, read
//! from the organization's membership and each member's recorder as they are now.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::conformance_packs::deploying;
use super::errors::ConfigError;
use super::model::OrganizationConformancePack;
use super::organization_conformance_packs::{
    packs_page, visible_packs, DescribeOrganizationPacksInput,
};
use super::organization_rules::{deploys_to, NO_RECORDER};
use super::page;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// One member's deployment: account, status, error code.
type MemberStatus = (String, String, Option<&'static str>);

fn member_statuses(
    world: &World,
    org_id: &str,
    pack: &OrganizationConformancePack,
    region: &str,
) -> Vec<MemberStatus> {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return Vec::new();
    };
    let action = if pack.member_pack.updated {
        "UPDATE"
    } else {
        "CREATE"
    };
    let in_progress = deploying(world, pack.member_pack.requested_in);
    org.members
        .keys()
        .filter(|a| !pack.excluded_accounts.iter().any(|x| x == *a))
        .map(|a| {
            if in_progress {
                (a.to_string(), format!("{action}_IN_PROGRESS"), None)
            } else if deploys_to(world, &pack.excluded_accounts, a, region) {
                (a.to_string(), format!("{action}_SUCCESSFUL"), None)
            } else {
                (a.to_string(), format!("{action}_FAILED"), Some(NO_RECORDER))
            }
        })
        .collect()
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusesOutput {
    pub organization_conformance_pack_statuses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// A pack is in progress while it deploys, then failed while any member lacks it.
pub fn describe_organization_conformance_pack_statuses(
    world: &mut World,
    caller: &Caller,
    input: DescribeOrganizationPacksInput,
) -> Result<StatusesOutput, ConfigError> {
    let listing = format!(
        "DescribeOrganizationConformancePackStatuses {}",
        caller.region
    );
    let (org_id, rows, next_token) = packs_page(world, caller, &listing, &input)?;
    let statuses = rows
        .iter()
        .map(|p| {
            let action = if p.member_pack.updated {
                "UPDATE"
            } else {
                "CREATE"
            };
            let members = member_statuses(world, &org_id, p, &caller.region);
            let failed = members.iter().any(|(_, _, e)| e.is_some());
            let status = if deploying(world, p.member_pack.requested_in) {
                format!("{action}_IN_PROGRESS")
            } else if failed {
                format!("{action}_FAILED")
            } else {
                format!("{action}_SUCCESSFUL")
            };
            let mut out = json!({
                "OrganizationConformancePackName": p.name,
                "Status": status,
                "LastUpdateTime": epoch_seconds(p.updated_ms),
            });
            if failed {
                out["ErrorCode"] = json!("ERROR_IN_MEMBER_ACCOUNTS");
                out["ErrorMessage"] = json!(
                    "The conformance pack could not be deployed in one or more member accounts."
                );
            }
            out
        })
        .collect();
    Ok(StatusesOutput {
        organization_conformance_pack_statuses: statuses,
        next_token,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailedStatusFilters {
    pub account_id: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailedStatusInput {
    pub organization_conformance_pack_name: String,
    #[serde(default)]
    pub filters: DetailedStatusFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetailedStatusOutput {
    pub organization_conformance_pack_detailed_statuses: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_organization_conformance_pack_detailed_status(
    world: &mut World,
    caller: &Caller,
    input: DetailedStatusInput,
) -> Result<DetailedStatusOutput, ConfigError> {
    let name = &input.organization_conformance_pack_name;
    let listing = format!(
        "GetOrganizationConformancePackDetailedStatus {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let (org_id, packs) = visible_packs(world, caller, std::slice::from_ref(name))?;
    let pack = &packs[0];
    let f = &input.filters;
    let rest = member_statuses(world, &org_id, pack, &caller.region)
        .into_iter()
        .filter(|(a, s, _)| {
            after.as_ref().is_none_or(|x| a > x)
                && f.account_id.as_ref().is_none_or(|x| x == a)
                && f.status.as_ref().is_none_or(|x| x == s)
        });
    let (rows, next) = take_page(rest, size, |(a, _, _)| a.clone());
    let updated = epoch_seconds(pack.updated_ms);
    Ok(DetailedStatusOutput {
        organization_conformance_pack_detailed_statuses: rows
            .iter()
            .map(|(account, status, error)| {
                let mut out = json!({
                    "AccountId": account,
                    "ConformancePackName": pack.member_pack.name,
                    "Status": status,
                    "LastUpdateTime": updated,
                });
                if let Some(code) = error {
                    out["ErrorCode"] = json!(code);
                    out["ErrorMessage"] =
                        json!("The member account has no configuration recorder in this region.");
                }
                out
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
