//! The Trusted Advisor API (restJson1, signing name `trustedadvisor`, global): the
//! checks, the caller's recommendations (one per check, from the results
//! [`crate::services::support::checks`] computes) and their resources, and, for the
//! management account once trusted access for `reporting.trustedadvisor.amazonaws.com`
//! is on, the organization's recommendations aggregated over its accounts; resources
//! an account excludes (suppressed in the support API) stop counting. Like the
//! support API it needs a Business support plan or higher.

pub mod errors;
pub mod operations;
pub mod organization;
pub mod recommendations;
#[cfg(test)]
mod tests;

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::api::{ApiResult, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::AdvisorError;

service_operations!(ServiceId::TrustedAdvisor, AdvisorError::from_input, {
    "ListChecks" => recommendations::list_checks,
    "ListRecommendations" => recommendations::list_recommendations,
    "GetRecommendation" => recommendations::get_recommendation,
    "ListRecommendationResources" => recommendations::list_recommendation_resources,
    "BatchUpdateRecommendationResourceExclusion" => recommendations::batch_update_recommendation_resource_exclusion,
    "ListOrganizationRecommendations" => organization::list_organization_recommendations,
    "GetOrganizationRecommendation" => organization::get_organization_recommendation,
    "ListOrganizationRecommendationAccounts" => organization::list_organization_recommendation_accounts,
    "ListOrganizationRecommendationResources" => organization::list_organization_recommendation_resources,
});

/// Recommendations are computed from the world when asked: nothing of their own.
pub type State = ();

/// How orgsim serves the Trusted Advisor API.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "trustedadvisor",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch: dispatch_on_plan,
    error_message_key: "message",
    access_denied: ("AccessDeniedException", 403),
    global: true,
    on_org_event: None,
    on_request: None,
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The service principal of the organization's recommendations.
pub const SERVICE_PRINCIPAL: &str = "reporting.trustedadvisor.amazonaws.com";

fn dispatch_on_plan(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> ApiResult {
    if ServiceId::TrustedAdvisor.is_implemented(operation)
        && !world.settings.support_plan.includes_health_and_advisor()
    {
        return Err(AdvisorError::SubscriptionRequired.into());
    }
    dispatch(world, caller, operation, input)
}

/// A stable id in a UUID's shape, from what it identifies.
pub fn stable_id(parts: &[&str]) -> String {
    let digest = Sha256::digest(parts.join("/").as_bytes());
    let hex = hex::encode(&digest[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A resource id as Trusted Advisor shows them: a SHA-256 in hex.
pub fn resource_hash(parts: &[&str]) -> String {
    hex::encode(Sha256::digest(parts.join("/").as_bytes()))
}

/// Page size (1..=`max`, default `max`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    max: i64,
) -> Result<(usize, Option<String>), AdvisorError> {
    let size = match max_results {
        None => max,
        Some(n) if (1..=max).contains(&n) => n,
        Some(n) => {
            return Err(AdvisorError::constraint(
                "maxResults",
                &n.to_string(),
                &format!("Member must have value between 1 and {max}"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None => None,
        Some(token) => Some(
            decode_token(listing, token)
                .ok_or_else(|| AdvisorError::Validation("Invalid pagination token".into()))?,
        ),
    };
    Ok((size as usize, after))
}

/// A query-string enum member, checked.
pub fn check_enum(
    member: &str,
    value: &Option<String>,
    allowed: &[&str],
) -> Result<(), AdvisorError> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(AdvisorError::constraint(
            member,
            v,
            &format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

pub const PILLARS: &[&str] = &[
    "cost_optimizing",
    "performance",
    "security",
    "service_limits",
    "fault_tolerance",
    "operational_excellence",
];
pub const STATUSES: &[&str] = &["ok", "warning", "error"];

/// A timestamp query member (ISO 8601) in milliseconds.
pub fn parse_time(member: &str, value: &Option<String>) -> Result<Option<i64>, AdvisorError> {
    value
        .as_deref()
        .map(|text| {
            time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
                .map_err(|_| AdvisorError::constraint(member, text, "Member must be a timestamp"))
        })
        .transpose()
}
