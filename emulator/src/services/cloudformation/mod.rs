//! AWS CloudFormation (awsQuery, regional): stacks from templates (JSON or YAML with
//! short-form tags) walked in dependency order through resource providers that call
//! the emulated services' own handlers; change sets; drift detection against the real
//! resources; and StackSets rolled out to accounts and OUs, self-managed or through the
//! organization with automatic deployment to accounts that join or move into a target OU.
//!
//! Every walk finishes within the call that starts it: a stack is `CREATE_COMPLETE`
//! (or rolled back) when CreateStack answers, so SDK and CLI waiters succeed on their
//! first poll.

pub mod changesets;
pub mod drift;
pub mod engine;
pub mod errors;
pub mod generated;
#[cfg(test)]
mod generator_tests;
pub mod hooks;
pub mod model;
pub mod operations;
pub mod providers;
pub mod rollback;
pub mod scans;
pub mod signal;
pub mod stacks;
pub mod stacksets;
pub mod template;
#[cfg(test)]
mod tests;
pub mod types;

use crate::api::{ServiceDescription, ServiceId, Wire};
use errors::CfnError;

/// CloudFormation's state.
pub type State = model::CfnState;

/// AWS's default quotas.
pub mod quotas {
    pub const STACKS: usize = 2000;
    pub const STACK_SETS: usize = 1000;
    pub const INSTANCES_PER_SET: usize = 100_000;
}

service_operations!(ServiceId::CloudFormation, CfnError::from_input, {
    "CreateStack" => stacks::create_stack,
    "UpdateStack" => stacks::update_stack,
    "DeleteStack" => stacks::delete_stack,
    "DescribeStacks" => stacks::describe_stacks,
    "ListStacks" => stacks::list_stacks,
    "DescribeStackEvents" => stacks::describe_stack_events,
    "DescribeStackResource" => stacks::describe_stack_resource,
    "DescribeStackResources" => stacks::describe_stack_resources,
    "ListStackResources" => stacks::list_stack_resources,
    "GetTemplate" => stacks::get_template,
    "ValidateTemplate" => stacks::validate_template,
    "GetTemplateSummary" => stacks::get_template_summary,
    "ListExports" => stacks::list_exports,
    "ListImports" => stacks::list_imports,
    "UpdateTerminationProtection" => stacks::update_termination_protection,
    "SetStackPolicy" => stacks::set_stack_policy,
    "GetStackPolicy" => stacks::get_stack_policy,
    "CancelUpdateStack" => stacks::cancel_update_stack,
    "ContinueUpdateRollback" => stacks::continue_update_rollback,
    "DescribeAccountLimits" => stacks::describe_account_limits,
    "CreateChangeSet" => changesets::create_change_set,
    "DescribeChangeSet" => changesets::describe_change_set,
    "ExecuteChangeSet" => changesets::execute_change_set,
    "DeleteChangeSet" => changesets::delete_change_set,
    "ListChangeSets" => changesets::list_change_sets,
    "CreateStackSet" => stacksets::sets::create_stack_set,
    "UpdateStackSet" => stacksets::sets::update_stack_set,
    "DeleteStackSet" => stacksets::sets::delete_stack_set,
    "DescribeStackSet" => stacksets::sets::describe_stack_set,
    "ListStackSets" => stacksets::sets::list_stack_sets,
    "CreateStackInstances" => stacksets::instances::create_stack_instances,
    "UpdateStackInstances" => stacksets::instances::update_stack_instances,
    "DeleteStackInstances" => stacksets::instances::delete_stack_instances,
    "DescribeStackInstance" => stacksets::instances::describe_stack_instance,
    "ListStackInstances" => stacksets::instances::list_stack_instances,
    "DescribeStackSetOperation" => stacksets::operations::describe_stack_set_operation,
    "ListStackSetOperations" => stacksets::operations::list_stack_set_operations,
    "ListStackSetOperationResults" => stacksets::operations::list_stack_set_operation_results,
    "StopStackSetOperation" => stacksets::operations::stop_stack_set_operation,
    "ListStackSetAutoDeploymentTargets" => stacksets::operations::list_stack_set_auto_deployment_targets,
    "ActivateOrganizationsAccess" => stacksets::access::activate_organizations_access,
    "DeactivateOrganizationsAccess" => stacksets::access::deactivate_organizations_access,
    "DescribeOrganizationsAccess" => stacksets::access::describe_organizations_access,
    "DetectStackSetDrift" => stacksets::drift::detect_stack_set_drift,
    "ListStackInstanceResourceDrifts" => stacksets::drift::list_stack_instance_resource_drifts,
    "DetectStackDrift" => drift::detect_stack_drift,
    "DescribeStackDriftDetectionStatus" => drift::describe_stack_drift_detection_status,
    "DescribeStackResourceDrifts" => drift::describe_stack_resource_drifts,
    "DetectStackResourceDrift" => drift::detect_stack_resource_drift,
    "RollbackStack" => rollback::rollback_stack,
    "DescribeChangeSetHooks" => hooks::describe_change_set_hooks,
    "ListHookResults" => hooks::list_hook_results,
    "ListTypes" => types::list_types,
    "DescribeType" => types::describe_type,
    "StartResourceScan" => scans::start_resource_scan,
    "DescribeResourceScan" => scans::describe_resource_scan,
    "ListResourceScans" => scans::list_resource_scans,
    "ListResourceScanResources" => scans::list_resource_scan_resources,
    "ListResourceScanRelatedResources" => scans::list_resource_scan_related_resources,
    "CreateGeneratedTemplate" => generated::create_generated_template,
    "DescribeGeneratedTemplate" => generated::describe_generated_template,
    "GetGeneratedTemplate" => generated::get_generated_template,
    "ListGeneratedTemplates" => generated::list_generated_templates,
    "UpdateGeneratedTemplate" => generated::update_generated_template,
    "DeleteGeneratedTemplate" => generated::delete_generated_template,
    "SignalResource" => signal::signal_resource,
    "EstimateTemplateCost" => signal::estimate_template_cost,
    "GetHookResult" => hooks::get_hook_result,
    "ListTypeVersions" => types::list_type_versions,
});

/// How orgsim serves AWS CloudFormation.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "cloudformation",
    wire: Wire::AwsQuery {
        version: operations::API_VERSION,
        namespace: operations::XML_NAMESPACE,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDenied", 403),
    global: false,
    on_org_event: Some(stacksets::auto::on_org_event),
    on_request: None,
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};
