//! AWS Support (awsJson1.1, signing name `support`, global): the Trusted Advisor part
//! of the API. Its security checks are computed from real state ([`checks`]), which the
//! `trustedadvisor` API's recommendations read too. The API needs a Business support
//! plan or higher: under `serve --support-plan basic` it answers
//! `SubscriptionRequiredException`, as AWS does.

pub mod advisor;
pub mod checks;
pub mod errors;
pub mod operations;
#[cfg(test)]
mod tests;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{ApiResult, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::world::World;
use errors::SupportError;

service_operations!(ServiceId::Support, SupportError::from_input, {
    "DescribeTrustedAdvisorChecks" => advisor::describe_checks,
    "DescribeTrustedAdvisorCheckResult" => advisor::describe_check_result,
    "DescribeTrustedAdvisorCheckSummaries" => advisor::describe_check_summaries,
    "RefreshTrustedAdvisorCheck" => advisor::refresh_check,
    "DescribeTrustedAdvisorCheckRefreshStatuses" => advisor::describe_refresh_statuses,
});

/// What AWS Support keeps: when each account last asked for a check's refresh, and
/// the resources accounts excluded from their checks.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SupportState {
    /// `<account>/<check id>` → when the refresh was asked for.
    pub refreshes: OrdMap<String, i64>,
    /// [`checks::suppression_key`]s of excluded resources.
    #[serde(default)]
    pub suppressed: imbl::OrdSet<String>,
}

pub type State = SupportState;

/// How orgsim serves AWS Support.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "support",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
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

/// Every operation needs a support plan that includes the AWS Support API.
fn dispatch_on_plan(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> ApiResult {
    if ServiceId::Support.is_implemented(operation)
        && !world.settings.support_plan.includes_health_and_advisor()
    {
        return Err(SupportError::SubscriptionRequired.into());
    }
    dispatch(world, caller, operation, input)
}
