//! Amazon Detective (restJson1, signing name `detective`, PascalCase wire names):
//! behavior graphs per account and region, members invited or enabled through the
//! organization, data source packages, the organization's Detective administrator with
//! AutoEnable, and investigations of IAM users and roles built from GuardDuty findings.
//!
//! AWS's prerequisite holds: an account enables Detective (a graph) only once its
//! GuardDuty detector in that region has been on for 48 hours of world time.

pub mod admin;
pub mod datasources;
pub mod errors;
pub mod graphs;
pub mod investigations;
pub mod invitations;
pub mod members;
pub mod model;
pub mod operations;
pub mod organizations_link;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::Value;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::DetectiveError;
use model::Graph;

service_operations!(ServiceId::Detective, DetectiveError::from_input, {
    "CreateGraph" => graphs::create_graph,
    "DeleteGraph" => graphs::delete_graph,
    "ListGraphs" => graphs::list_graphs,
    "TagResource" => graphs::tag_resource,
    "UntagResource" => graphs::untag_resource,
    "ListTagsForResource" => graphs::list_tags_for_resource,
    "CreateMembers" => members::create_members,
    "GetMembers" => members::get_members,
    "ListMembers" => members::list_members,
    "DeleteMembers" => members::delete_members,
    "StartMonitoringMember" => members::start_monitoring_member,
    "AcceptInvitation" => invitations::accept_invitation,
    "RejectInvitation" => invitations::reject_invitation,
    "DisassociateMembership" => invitations::disassociate_membership,
    "ListInvitations" => invitations::list_invitations,
    "ListDatasourcePackages" => datasources::list_datasource_packages,
    "UpdateDatasourcePackages" => datasources::update_datasource_packages,
    "BatchGetGraphMemberDatasources" => datasources::batch_get_graph_member_datasources,
    "BatchGetMembershipDatasources" => datasources::batch_get_membership_datasources,
    "EnableOrganizationAdminAccount" => admin::enable_organization_admin_account,
    "DisableOrganizationAdminAccount" => admin::disable_organization_admin_account,
    "ListOrganizationAdminAccounts" => admin::list_organization_admin_accounts,
    "DescribeOrganizationConfiguration" => admin::describe_organization_configuration,
    "UpdateOrganizationConfiguration" => admin::update_organization_configuration,
    "StartInvestigation" => investigations::start_investigation,
    "GetInvestigation" => investigations::get_investigation,
    "ListInvestigations" => investigations::list_investigations,
    "ListIndicators" => investigations::list_indicators,
    "UpdateInvestigationState" => investigations::update_investigation_state,
});

/// Detective's state: behavior graphs and administrators per region.
pub type State = model::DetectiveState;

/// How orgsim serves Amazon Detective.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "detective",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 403),
    global: false,
    on_org_event: Some(org_integration::on_org_event::<organizations_link::Detective>),
    on_request: Some(members::finish_verifications),
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The behavior graph a request names (`GraphArn`, or `ResourceArn` for tags).
fn resource_arn(
    _world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &Value,
) -> Option<String> {
    ["GraphArn", "ResourceArn"]
        .iter()
        .find_map(|member| input.get(*member).and_then(Value::as_str))
        .map(String::from)
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// 48 hours: how long GuardDuty must have been on before Detective can be.
pub const GUARDDUTY_AGE_MS: i64 = 48 * 3600 * 1000;

/// A graph ARN's parts (region, account, id), if it matches AWS's pattern
/// `^arn:aws[-\w]{0,10}?:detective:[-\w]{2,20}?:\d{12}?:graph:[abcdef\d]{32}?$`.
pub fn parse_graph_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let parts: Vec<&str> = arn.split(':').collect();
    let [scheme, partition, service, region, account, kind, id] = parts[..] else {
        return None;
    };
    let word = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let partition_ok = partition
        .strip_prefix("aws")
        .is_some_and(|rest| rest.len() <= 10 && word(rest));
    let ok = scheme == "arn"
        && partition_ok
        && service == "detective"
        && (2..=20).contains(&region.len())
        && word(region)
        && is_account_id(account)
        && kind == "graph"
        && id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    ok.then_some((region, account, id))
}

/// The graph `arn` names in the caller's region, checked well-formed (`member` names
/// the input member in the error).
pub fn graph_named<'w>(
    world: &'w World,
    caller: &Caller,
    member: &str,
    arn: &str,
) -> Result<&'w Graph, DetectiveError> {
    let (region, account, id) =
        parse_graph_arn(arn).ok_or_else(|| DetectiveError::invalid_graph_arn(member, arn))?;
    if region != caller.region {
        return Err(DetectiveError::not_found());
    }
    world
        .detective
        .graph(region, account)
        .filter(|g| g.id == id)
        .ok_or_else(DetectiveError::not_found)
}

/// The graph `arn` names, which the caller must administer.
pub fn own_graph<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w Graph, DetectiveError> {
    let graph = graph_named(world, caller, "graphArn", arn)?;
    if graph.account_id != caller.account_id {
        return Err(DetectiveError::access_denied());
    }
    Ok(graph)
}

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// An `AccountId` member.
pub fn check_account_id(member: &str, id: &str) -> Result<(), DetectiveError> {
    if is_account_id(id) {
        Ok(())
    } else {
        Err(DetectiveError::constraint(
            member,
            id,
            "Member must have length 12 and satisfy regular expression pattern: ^[0-9]+$",
        ))
    }
}

/// An `AccountIdList` (1..=`max`).
pub fn check_account_ids(member: &str, ids: &[String], max: usize) -> Result<(), DetectiveError> {
    if ids.is_empty() || ids.len() > max {
        return Err(DetectiveError::constraint(
            member,
            &format!("{} items", ids.len()),
            &format!("Member must have length between 1 and {max}"),
        ));
    }
    for id in ids {
        check_account_id(member, id)?;
    }
    Ok(())
}

/// `EmailAddress`: 1..=64 characters, `local@label.tld`.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    let Some((tld, names)) = labels.split_last() else {
        return false;
    };
    !text.is_empty()
        && text.len() <= 64
        && !local.is_empty()
        && !names.is_empty()
        && (2..=63).contains(&tld.len())
        && tld.bytes().all(|b| b.is_ascii_alphabetic())
        && names.iter().all(|l| {
            (1..=63).contains(&l.len())
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Page size (1..=`limit`, default `limit`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    limit: usize,
) -> Result<(usize, Option<String>), DetectiveError> {
    let max = match max_results {
        None => limit,
        Some(n) if n >= 1 && n as usize <= limit => n as usize,
        Some(n) => {
            return Err(DetectiveError::constraint(
                "maxResults",
                &n.to_string(),
                &format!("Member must have value between 1 and {limit}"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None | Some("") => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(|| {
            DetectiveError::validation("The request provided an invalid pagination token.")
        })?),
    };
    Ok((max, after))
}

/// Milliseconds since the epoch of an ISO 8601 timestamp input.
pub fn parse_timestamp(member: &str, value: &Value) -> Result<i64, DetectiveError> {
    let bad =
        || DetectiveError::constraint(member, &value.to_string(), "Member must be a timestamp");
    match value {
        Value::String(text) => {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| bad())
        }
        Value::Number(n) => n.as_f64().map(|s| (s * 1000.0) as i64).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// Whether `account` has had GuardDuty on in `region` for at least 48 hours.
pub fn guardduty_prerequisite_met(world: &World, region: &str, account: &str) -> bool {
    world
        .guardduty
        .detector(region, account)
        .is_some_and(|d| d.enabled && world.clock.now_ms() - d.created_ms >= GUARDDUTY_AGE_MS)
}

/// Whether `account` has GuardDuty on in `region` (Detective can measure its volume).
pub fn guardduty_on(world: &World, region: &str, account: &str) -> bool {
    world
        .guardduty
        .detector(region, account)
        .is_some_and(|d| d.enabled)
}

/// The members quota in force.
pub fn members_quota(world: &World) -> usize {
    world.settings.quotas.detective_members_per_graph
}
