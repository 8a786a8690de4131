//! AWS Health (global endpoint, signing name `health`): the events that affect an
//! account (account view) and, once the management account turns the organizational
//! view on (trusted access for `health.amazonaws.com`), the events of every account of
//! the organization. It speaks awsJson1.1 and Smithy RPC v2 CBOR, told apart per
//! request (the Rust SDK and botocore >= 1.40 send CBOR).
//!
//! AWS publishes the events; in orgsim they come from `POST /_orgsim/health/events`
//! and from a scenario's `health_event:` step ([`inject`]). Health needs a Business
//! support plan or higher: under `serve --support-plan basic` every operation answers
//! `SubscriptionRequiredException`, as AWS does.

pub mod account_view;
pub mod errors;
pub mod filters;
pub mod inject;
pub mod model;
pub mod operations;
pub mod organization_view;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{ApiResult, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::HealthError;

service_operations!(ServiceId::Health, HealthError::from_input, {
    "DescribeEvents" => account_view::describe_events,
    "DescribeEventDetails" => account_view::describe_event_details,
    "DescribeAffectedEntities" => account_view::describe_affected_entities,
    "DescribeEntityAggregates" => account_view::describe_entity_aggregates,
    "DescribeEventAggregates" => account_view::describe_event_aggregates,
    "DescribeEventTypes" => account_view::describe_event_types,
    "EnableHealthServiceAccessForOrganization" => organization_view::enable_access,
    "DisableHealthServiceAccessForOrganization" => organization_view::disable_access,
    "DescribeHealthServiceStatusForOrganization" => organization_view::describe_status,
    "DescribeEventsForOrganization" => organization_view::describe_events,
    "DescribeAffectedAccountsForOrganization" => organization_view::describe_affected_accounts,
    "DescribeAffectedEntitiesForOrganization" => organization_view::describe_affected_entities,
    "DescribeEventDetailsForOrganization" => organization_view::describe_event_details,
    "DescribeEntityAggregatesForOrganization" => organization_view::describe_entity_aggregates,
});

/// Health's state: the events orgsim was told of.
pub type State = model::HealthState;

/// The output members that are timestamps (CBOR tags them), from the API model.
pub const TIMESTAMP_MEMBERS: &[&str] = &["startTime", "endTime", "lastUpdatedTime"];

/// How orgsim serves AWS Health.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "health",
    wire: Wire::JsonOrCbor {
        target_prefix: operations::TARGET_PREFIX,
        timestamp_members: TIMESTAMP_MEMBERS,
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

/// The service principal of the organizational view.
pub const SERVICE_PRINCIPAL: &str = "health.amazonaws.com";

/// Every operation needs a support plan that includes the Health API.
fn dispatch_on_plan(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> ApiResult {
    if ServiceId::Health.is_implemented(operation)
        && !world.settings.support_plan.includes_health_and_advisor()
    {
        return Err(HealthError::SubscriptionRequired.into());
    }
    dispatch(world, caller, operation, input)
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Empty {}

/// The locales Health describes events in.
const LOCALES: &[&str] = &[
    "en", "en_US", "ja", "ja_JP", "zh", "zh_CN", "zh_TW", "fr", "de", "ko", "es", "it", "pt_BR",
    "id",
];

pub fn check_locale(locale: &Option<String>) -> Result<(), HealthError> {
    match locale.as_deref() {
        None => Ok(()),
        Some(l) if LOCALES.contains(&l) => Ok(()),
        Some(l) if !(2..=256).contains(&l.len()) => Err(HealthError::constraint(
            "locale",
            l,
            "Member must have length between 2 and 256",
        )),
        Some(l) => Err(HealthError::UnsupportedLocale(format!(
            "The locale '{l}' is not supported."
        ))),
    }
}

/// Page size (`min..=max`, default `max`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    (min, max): (i64, i64),
) -> Result<(usize, Option<String>), HealthError> {
    let size = match max_results {
        None => max,
        Some(n) if (min..=max).contains(&n) => n,
        Some(n) => {
            return Err(HealthError::constraint(
                "maxResults",
                &n.to_string(),
                &format!("Member must have value between {min} and {max}"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(|| {
            HealthError::InvalidPaginationToken(format!("Invalid pagination token: {token}"))
        })?),
    };
    Ok((size as usize, after))
}

/// An event ARN in AWS's pattern
/// `arn:aws(-[a-z]+(-[a-z]+)?)?:health:[^:]*:[^:]*:event(?:/[\w-]+){3}`.
pub fn is_event_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [scheme, partition, service, _region, _account, resource] = parts[..] else {
        return false;
    };
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let segments: Vec<&str> = resource.split('/').collect();
    scheme == "arn"
        && partition.starts_with("aws")
        && service == "health"
        && !_account.contains(':')
        && segments.len() == 4
        && segments[0] == "event"
        && segments[1..].iter().all(|s| word(s))
}

/// A list of event ARNs, `min..=max` long, each well-formed.
pub fn check_event_arns(member: &str, arns: &[String], max: usize) -> Result<(), HealthError> {
    if arns.is_empty() || arns.len() > max {
        return Err(HealthError::constraint(
            member,
            &format!("{} items", arns.len()),
            &format!("Member must have length between 1 and {max}"),
        ));
    }
    for arn in arns {
        check_event_arn(member, arn)?;
    }
    Ok(())
}

pub fn check_event_arn(member: &str, arn: &str) -> Result<(), HealthError> {
    if is_event_arn(arn) {
        Ok(())
    } else {
        Err(HealthError::constraint(
            member,
            arn,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]+(-[a-z]+)?)?:health:[^:]*:[^:]*:event(?:/[\\w-]+){3}",
        ))
    }
}

/// Epoch seconds, as both protocols carry timestamps.
pub fn seconds(ms: i64) -> f64 {
    crate::world::epoch_seconds(ms)
}
