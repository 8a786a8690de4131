//! AWS Config (awsJson1.1, `StarlingDoveService.<Op>`): the recorder and delivery
//! channel, managed rules evaluated from the state of the other emulated services,
//! aggregators over accounts or the whole organization, organization rules,
//! conformance packs (per account and organization-wide), and the
//! resources orgsim holds as Config resources. Compliance and resources are computed
//! from the world when asked, never stored, so they are always current.
//! Advanced queries, remediation, retention, stored queries and tags too.
//! Operations not listed below answer 501 `NotImplemented`.

pub mod aggregate_queries;
pub mod aggregate_resources;
pub mod aggregation;
pub mod authorizations;
pub mod compliance;
pub mod conformance_pack_compliance;
pub mod conformance_packs;
pub mod conformance_template;
pub mod custom_resources;
pub mod delivery;
pub mod errors;
pub mod evaluations;
pub mod managed_rules;
pub mod model;
pub mod operations;
pub mod organization_conformance_pack_status;
pub mod organization_conformance_packs;
pub mod organization_rule_status;
pub mod organization_rules;
pub mod pack_scores;
pub mod recorders;
pub mod remediation;
pub mod resources;
pub mod retention;
pub mod rules;
pub mod select;
pub mod stored_queries;
pub mod subjects;
pub mod tags;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::organizations::model::FeatureSet;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::ConfigError;

service_operations!(ServiceId::Config, ConfigError::from_input, {
    "PutConfigurationRecorder" => recorders::put_configuration_recorder,
    "DescribeConfigurationRecorders" => recorders::describe_configuration_recorders,
    "DescribeConfigurationRecorderStatus" => recorders::describe_configuration_recorder_status,
    "DeleteConfigurationRecorder" => recorders::delete_configuration_recorder,
    "StartConfigurationRecorder" => recorders::start_configuration_recorder,
    "StopConfigurationRecorder" => recorders::stop_configuration_recorder,
    "PutDeliveryChannel" => delivery::put_delivery_channel,
    "DescribeDeliveryChannels" => delivery::describe_delivery_channels,
    "DescribeDeliveryChannelStatus" => delivery::describe_delivery_channel_status,
    "DeleteDeliveryChannel" => delivery::delete_delivery_channel,
    "PutConfigRule" => rules::put_config_rule,
    "DescribeConfigRules" => rules::describe_config_rules,
    "DeleteConfigRule" => rules::delete_config_rule,
    "DescribeConfigRuleEvaluationStatus" => rules::describe_config_rule_evaluation_status,
    "StartConfigRulesEvaluation" => rules::start_config_rules_evaluation,
    "PutEvaluations" => rules::put_evaluations,
    "DescribeComplianceByConfigRule" => compliance::describe_compliance_by_config_rule,
    "DescribeComplianceByResource" => compliance::describe_compliance_by_resource,
    "GetComplianceDetailsByConfigRule" => compliance::get_compliance_details_by_config_rule,
    "GetComplianceSummaryByConfigRule" => compliance::get_compliance_summary_by_config_rule,
    "PutAggregationAuthorization" => authorizations::put_aggregation_authorization,
    "DescribeAggregationAuthorizations" => authorizations::describe_aggregation_authorizations,
    "DeleteAggregationAuthorization" => authorizations::delete_aggregation_authorization,
    "DescribePendingAggregationRequests" => authorizations::describe_pending_aggregation_requests,
    "PutConfigurationAggregator" => aggregation::put_configuration_aggregator,
    "DescribeConfigurationAggregators" => aggregation::describe_configuration_aggregators,
    "DeleteConfigurationAggregator" => aggregation::delete_configuration_aggregator,
    "DescribeConfigurationAggregatorSourcesStatus" => aggregation::describe_configuration_aggregator_sources_status,
    "DescribeAggregateComplianceByConfigRules" => aggregate_queries::describe_aggregate_compliance_by_config_rules,
    "GetAggregateComplianceDetailsByConfigRule" => aggregate_queries::get_aggregate_compliance_details_by_config_rule,
    "GetAggregateConfigRuleComplianceSummary" => aggregate_queries::get_aggregate_config_rule_compliance_summary,
    "PutOrganizationConfigRule" => organization_rules::put_organization_config_rule,
    "DescribeOrganizationConfigRules" => organization_rules::describe_organization_config_rules,
    "DescribeOrganizationConfigRuleStatuses" => organization_rule_status::describe_organization_config_rule_statuses,
    "GetOrganizationConfigRuleDetailedStatus" => organization_rule_status::get_organization_config_rule_detailed_status,
    "DeleteOrganizationConfigRule" => organization_rules::delete_organization_config_rule,
    "PutConformancePack" => conformance_packs::put_conformance_pack,
    "DescribeConformancePacks" => conformance_packs::describe_conformance_packs,
    "DescribeConformancePackStatus" => conformance_packs::describe_conformance_pack_status,
    "DeleteConformancePack" => conformance_packs::delete_conformance_pack,
    "DescribeConformancePackCompliance" => conformance_pack_compliance::describe_conformance_pack_compliance,
    "GetConformancePackComplianceSummary" => conformance_pack_compliance::get_conformance_pack_compliance_summary,
    "GetConformancePackComplianceDetails" => conformance_pack_compliance::get_conformance_pack_compliance_details,
    "PutOrganizationConformancePack" => organization_conformance_packs::put_organization_conformance_pack,
    "DescribeOrganizationConformancePacks" => organization_conformance_packs::describe_organization_conformance_packs,
    "DescribeOrganizationConformancePackStatuses" => organization_conformance_pack_status::describe_organization_conformance_pack_statuses,
    "GetOrganizationConformancePackDetailedStatus" => organization_conformance_pack_status::get_organization_conformance_pack_detailed_status,
    "DeleteOrganizationConformancePack" => organization_conformance_packs::delete_organization_conformance_pack,
    "ListDiscoveredResources" => resources::list_discovered_resources,
    "GetDiscoveredResourceCounts" => resources::get_discovered_resource_counts,
    "BatchGetResourceConfig" => resources::batch_get_resource_config,
    "GetResourceConfigHistory" => resources::get_resource_config_history,
    "GetAggregateDiscoveredResourceCounts" => aggregate_resources::get_aggregate_discovered_resource_counts,
    "ListAggregateDiscoveredResources" => aggregate_resources::list_aggregate_discovered_resources,
    "GetAggregateResourceConfig" => aggregate_resources::get_aggregate_resource_config,
    "BatchGetAggregateResourceConfig" => aggregate_resources::batch_get_aggregate_resource_config,
    "PutRetentionConfiguration" => retention::put_retention_configuration,
    "DescribeRetentionConfigurations" => retention::describe_retention_configurations,
    "DeleteRetentionConfiguration" => retention::delete_retention_configuration,
    "PutStoredQuery" => stored_queries::put_stored_query,
    "GetStoredQuery" => stored_queries::get_stored_query,
    "DeleteStoredQuery" => stored_queries::delete_stored_query,
    "ListStoredQueries" => stored_queries::list_stored_queries,
    "TagResource" => tags::tag_resource,
    "UntagResource" => tags::untag_resource,
    "ListTagsForResource" => tags::list_tags_for_resource,
    "PutRemediationConfigurations" => remediation::put_remediation_configurations,
    "DescribeRemediationConfigurations" => remediation::describe_remediation_configurations,
    "DeleteRemediationConfiguration" => remediation::delete_remediation_configuration,
    "StartRemediationExecution" => remediation::start_remediation_execution,
    "DescribeRemediationExecutionStatus" => remediation::describe_remediation_execution_status,
    "PutRemediationExceptions" => remediation::put_remediation_exceptions,
    "DescribeRemediationExceptions" => remediation::describe_remediation_exceptions,
    "DeleteRemediationExceptions" => remediation::delete_remediation_exceptions,
    "SelectResourceConfig" => select::select_resource_config,
    "SelectAggregateResourceConfig" => select::select_aggregate_resource_config,
    "DeliverConfigSnapshot" => delivery::deliver_config_snapshot,
    "DeletePendingAggregationRequest" => authorizations::delete_pending_aggregation_request,
    "ListConfigurationRecorders" => recorders::list_configuration_recorders,
    "AssociateResourceTypes" => recorders::associate_resource_types,
    "DisassociateResourceTypes" => recorders::disassociate_resource_types,
    "PutExternalEvaluation" => evaluations::put_external_evaluation,
    "DeleteEvaluationResults" => evaluations::delete_evaluation_results,
    "GetComplianceDetailsByResource" => evaluations::get_compliance_details_by_resource,
    "GetComplianceSummaryByResourceType" => evaluations::get_compliance_summary_by_resource_type,
    "GetCustomRulePolicy" => evaluations::get_custom_rule_policy,
    "GetOrganizationCustomRulePolicy" => evaluations::get_organization_custom_rule_policy,
    "PutResourceConfig" => custom_resources::put_resource_config,
    "DeleteResourceConfig" => custom_resources::delete_resource_config,
    "DescribeAggregateComplianceByConformancePacks" => pack_scores::describe_aggregate_compliance_by_conformance_packs,
    "GetAggregateConformancePackComplianceSummary" => pack_scores::get_aggregate_conformance_pack_compliance_summary,
    "ListConformancePackComplianceScores" => pack_scores::list_conformance_pack_compliance_scores,
});

pub use model::ConfigState;

/// Config's state: recorders, rules, aggregators and packs per region.
pub type State = ConfigState;

/// How orgsim serves AWS Config. It follows no Organizations events: aggregators and
/// organization rules read the organization's membership when they are queried. Its
/// request hook writes the periodic configuration snapshots that are due.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "config",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDeniedException", 400),
    global: false,
    on_org_event: None,
    on_request: Some(delivery::deliver_due_snapshots),
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// The commercial regions an aggregator with `AllAwsRegions` covers.
pub const ALL_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Page size (`limit`, where 0 or absent means `max`) and the key to resume after.
pub fn page(
    listing: &str,
    limit: Option<i64>,
    max: usize,
    next_token: &Option<String>,
) -> Result<(usize, Option<String>), ConfigError> {
    let size = match limit {
        None | Some(0) => max,
        Some(n) if n > 0 && n as usize <= max => n as usize,
        Some(n) => {
            return Err(ConfigError::InvalidLimit(format!(
                "Value '{n}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to {max}"
            )))
        }
    };
    let after = match next_token.as_deref() {
        None | Some("") => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(ConfigError::bad_token)?),
    };
    Ok((size, after))
}

/// A 12-digit account id.
pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The organization `caller` may act for as Config's organization-wide administrator
/// for `principal`: its id, and whether the caller is the management account (AWS's
/// three refusals otherwise, CATALOG §7).
pub fn organization_authority(
    world: &World,
    caller: &Caller,
    principal: &str,
) -> Result<(String, bool), ConfigError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            ConfigError::NoAvailableOrganization(
                "Organization is not available. Either the account is not a member of an organization or the organization is not available.".to_string(),
            )
        })?;
    if org.feature_set != FeatureSet::All {
        return Err(ConfigError::OrganizationAllFeaturesNotEnabled(
            "AWS Config failed because the organization does not have all features enabled."
                .to_string(),
        ));
    }
    let management = org.management_account_id == caller.account_id;
    if !management && !delegation::is_delegated_admin(org, &caller.account_id, principal) {
        return Err(ConfigError::OrganizationAccessDenied(format!(
            "This action can only be performed if you are a registered delegated administrator for AWS Config ({principal}) with permissions to call ListDelegatedAdministrators API, or the management account of the organization."
        )));
    }
    Ok((org.id.clone(), management))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use serde_json::{json, Value};

    pub use crate::services::guardduty::test_support::{
        create_detector, org_call, org_with_accounts, MANAGEMENT,
    };
    pub use crate::services::organizations::test_support::{root_caller, world};

    /// Runs a Config operation the way the server does.
    pub fn run(
        world: &mut World,
        caller: &Caller,
        op: &str,
        input: Value,
    ) -> Result<Value, ApiError> {
        world.begin_request();
        dispatch(world, caller, op, input)
    }

    pub fn run_ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
        run(world, &root_caller(account), op, input)
            .unwrap_or_else(|e| panic!("{op} as {account}: {e:?}"))
    }

    pub fn error_code(world: &mut World, account: &str, op: &str, input: Value) -> String {
        run(world, &root_caller(account), op, input)
            .expect_err("expected an error")
            .code
    }

    /// An S3 bucket of `account` in us-east-1.
    pub fn create_bucket(world: &mut World, account: &str, bucket: &str) {
        world.begin_request();
        crate::services::dispatch(
            world,
            &root_caller(account),
            ServiceId::S3,
            "CreateBucket",
            json!({"Bucket": bucket}),
        )
        .unwrap_or_else(|e| panic!("CreateBucket: {e:?}"));
    }

    /// Runs an S3 operation as `account`.
    pub fn s3_ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
        world.begin_request();
        crate::services::dispatch(world, &root_caller(account), ServiceId::S3, op, input)
            .unwrap_or_else(|e| panic!("{op}: {e:?}"))
    }

    /// A recorder and a delivery channel into the account's own bucket
    /// (`config-bucket-<account>`), recording, in `account`'s us-east-1.
    pub fn start_recording(world: &mut World, account: &str) {
        let bucket = format!("config-bucket-{account}");
        create_bucket(world, account, &bucket);
        run_ok(
            world,
            account,
            "PutConfigurationRecorder",
            json!({"ConfigurationRecorder": {"name": "default", "roleARN": format!("arn:aws:iam::{account}:role/config")}}),
        );
        run_ok(
            world,
            account,
            "PutDeliveryChannel",
            json!({"DeliveryChannel": {"name": "default", "s3BucketName": bucket}}),
        );
        run_ok(
            world,
            account,
            "StartConfigurationRecorder",
            json!({"ConfigurationRecorderName": "default"}),
        );
    }
}
