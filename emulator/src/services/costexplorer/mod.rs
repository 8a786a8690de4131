//! AWS Cost Explorer (awsJson1.1, `AWSInsightsIndexService.<Op>`, global endpoint):
//! `GetCostAndUsage`, `GetDimensionValues` and `GetCostForecast` over orgsim's cost model
//! ([`crate::cost`]). The management account of an organization sees every member's
//! costs (consolidated billing), any other account only its own.

pub mod cost_and_usage;
pub mod dimension_values;
pub mod errors;
pub mod forecast;
pub mod operations;
pub mod periods;
#[cfg(test)]
mod tests;

use crate::api::{ServiceDescription, ServiceId, Wire};
use errors::CostExplorerError;

service_operations!(ServiceId::CostExplorer, CostExplorerError::from_input, {
    "GetCostAndUsage" => cost_and_usage::get_cost_and_usage,
    "GetDimensionValues" => dimension_values::get_dimension_values,
    "GetCostForecast" => forecast::get_cost_forecast,
});

/// Cost Explorer keeps no state: every answer is computed from the world.
pub type State = ();

/// How orgsim serves AWS Cost Explorer.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "ce",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 400),
    global: true,
    on_org_event: None,
    on_request: None,
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};
