//! AWS Security Hub (restJson1, PascalCase wire names, ISO-8601 timestamps): the hub
//! per account and region, standards and controls, the organization's delegated
//! administrator, auto-enable, members, findings in ASFF (GuardDuty's included),
//! insights and cross-region aggregation. Operations not listed below answer 501
//! `NotImplemented`.

pub mod action_targets;
pub mod admin;
pub mod aggregators;
pub mod automation_rules;
#[cfg(test)]
mod central_tests;
pub mod config_policies;
pub mod controls_catalog;
pub mod cspm_connectors;
pub mod errors;
pub mod features_v2;
pub mod filter_attributes;
pub mod filters;
#[cfg(test)]
mod filters_tests;
pub mod finding_updates;
pub mod findings;
#[cfg(test)]
mod findings_tests;
pub mod guardduty_import;
pub mod hub;
pub mod insights;
pub mod invitations;
pub mod members;
pub mod model;
pub mod operations;
pub mod organization_config;
pub mod organizations_link;
pub mod products;
pub mod security_controls;
pub mod standards;
pub mod tags;
pub mod v2;
#[cfg(test)]
mod v2_extra_tests;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::ShError;
use model::Hub;

service_operations!(ServiceId::SecurityHub, ShError::from_input, {
    "EnableSecurityHub" => hub::enable_security_hub,
    "DisableSecurityHub" => hub::disable_security_hub,
    "DescribeHub" => hub::describe_hub,
    "UpdateSecurityHubConfiguration" => hub::update_security_hub_configuration,
    "DescribeStandards" => standards::describe_standards,
    "BatchEnableStandards" => standards::batch_enable_standards,
    "BatchDisableStandards" => standards::batch_disable_standards,
    "GetEnabledStandards" => standards::get_enabled_standards,
    "DescribeStandardsControls" => standards::describe_standards_controls,
    "UpdateStandardsControl" => standards::update_standards_control,
    "ListSecurityControlDefinitions" => standards::list_security_control_definitions,
    "EnableOrganizationAdminAccount" => admin::enable_organization_admin_account,
    "DisableOrganizationAdminAccount" => admin::disable_organization_admin_account,
    "ListOrganizationAdminAccounts" => admin::list_organization_admin_accounts,
    "UpdateOrganizationConfiguration" => organization_config::update_organization_configuration,
    "DescribeOrganizationConfiguration" => organization_config::describe_organization_configuration,
    "CreateMembers" => members::create_members,
    "GetMembers" => members::get_members,
    "ListMembers" => members::list_members,
    "DisassociateMembers" => members::disassociate_members,
    "DeleteMembers" => members::delete_members,
    "InviteMembers" => invitations::invite_members,
    "AcceptAdministratorInvitation" => invitations::accept_administrator_invitation,
    "AcceptInvitation" => invitations::accept_invitation,
    "DeclineInvitations" => invitations::decline_invitations,
    "DeleteInvitations" => invitations::delete_invitations,
    "ListInvitations" => invitations::list_invitations,
    "GetInvitationsCount" => invitations::get_invitations_count,
    "GetAdministratorAccount" => invitations::get_administrator_account,
    "GetMasterAccount" => invitations::get_master_account,
    "DisassociateFromAdministratorAccount" => invitations::disassociate_from_administrator_account,
    "DisassociateFromMasterAccount" => invitations::disassociate_from_administrator_account,
    "BatchImportFindings" => findings::batch_import_findings,
    "GetFindings" => findings::get_findings,
    "BatchUpdateFindings" => finding_updates::batch_update_findings,
    "GetFindingHistory" => finding_updates::get_finding_history,
    "CreateInsight" => insights::create_insight,
    "GetInsights" => insights::get_insights,
    "GetInsightResults" => insights::get_insight_results,
    "UpdateInsight" => insights::update_insight,
    "DeleteInsight" => insights::delete_insight,
    "DescribeProducts" => products::describe_products,
    "EnableImportFindingsForProduct" => products::enable_import_findings_for_product,
    "DisableImportFindingsForProduct" => products::disable_import_findings_for_product,
    "ListEnabledProductsForImport" => products::list_enabled_products_for_import,
    "CreateFindingAggregator" => aggregators::create_finding_aggregator,
    "GetFindingAggregator" => aggregators::get_finding_aggregator,
    "UpdateFindingAggregator" => aggregators::update_finding_aggregator,
    "DeleteFindingAggregator" => aggregators::delete_finding_aggregator,
    "ListFindingAggregators" => aggregators::list_finding_aggregators,
    "CreateAutomationRule" => automation_rules::create_automation_rule,
    "ListAutomationRules" => automation_rules::list_automation_rules,
    "BatchGetAutomationRules" => automation_rules::batch_get_automation_rules,
    "BatchUpdateAutomationRules" => automation_rules::batch_update_automation_rules,
    "BatchDeleteAutomationRules" => automation_rules::batch_delete_automation_rules,
    "TagResource" => tags::tag_resource,
    "UntagResource" => tags::untag_resource,
    "ListTagsForResource" => tags::list_tags_for_resource,
    "CreateActionTarget" => action_targets::create_action_target,
    "DescribeActionTargets" => action_targets::describe_action_targets,
    "UpdateActionTarget" => action_targets::update_action_target,
    "DeleteActionTarget" => action_targets::delete_action_target,
    "UpdateFindings" => action_targets::update_findings,
    "BatchGetSecurityControls" => security_controls::batch_get_security_controls,
    "GetSecurityControlDefinition" => security_controls::get_security_control_definition,
    "UpdateSecurityControl" => security_controls::update_security_control,
    "BatchGetStandardsControlAssociations" => security_controls::batch_get_standards_control_associations,
    "BatchUpdateStandardsControlAssociations" => security_controls::batch_update_standards_control_associations,
    "ListStandardsControlAssociations" => security_controls::list_standards_control_associations,
    "CreateConfigurationPolicy" => config_policies::create_configuration_policy,
    "GetConfigurationPolicy" => config_policies::get_configuration_policy,
    "UpdateConfigurationPolicy" => config_policies::update_configuration_policy,
    "DeleteConfigurationPolicy" => config_policies::delete_configuration_policy,
    "ListConfigurationPolicies" => config_policies::list_configuration_policies,
    "StartConfigurationPolicyAssociation" => config_policies::start_configuration_policy_association,
    "StartConfigurationPolicyDisassociation" => config_policies::start_configuration_policy_disassociation,
    "GetConfigurationPolicyAssociation" => config_policies::get_configuration_policy_association,
    "BatchGetConfigurationPolicyAssociations" => config_policies::batch_get_configuration_policy_associations,
    "ListConfigurationPolicyAssociations" => config_policies::list_configuration_policy_associations,
    "EnableSecurityHubV2" => v2::enable_security_hub_v2,
    "DescribeSecurityHubV2" => v2::describe_security_hub_v2,
    "DisableSecurityHubV2" => v2::disable_security_hub_v2,
    "CreateAggregatorV2" => v2::create_aggregator_v2,
    "GetAggregatorV2" => v2::get_aggregator_v2,
    "UpdateAggregatorV2" => v2::update_aggregator_v2,
    "DeleteAggregatorV2" => v2::delete_aggregator_v2,
    "ListAggregatorsV2" => v2::list_aggregators_v2,
    "DescribeProductsV2" => v2::describe_products_v2,
    "GetFindingsV2" => v2::get_findings_v2,
    "GetFindingStatisticsV2" => v2::get_finding_statistics_v2,
    "BatchUpdateFindingsV2" => v2::batch_update_findings_v2,
    "CreateAutomationRuleV2" => v2::create_automation_rule_v2,
    "GetAutomationRuleV2" => v2::get_automation_rule_v2,
    "UpdateAutomationRuleV2" => v2::update_automation_rule_v2,
    "DeleteAutomationRuleV2" => v2::delete_automation_rule_v2,
    "ListAutomationRulesV2" => v2::list_automation_rules_v2,
    "CreateConnectorV2" => v2::create_connector_v2,
    "GetConnectorV2" => v2::get_connector_v2,
    "UpdateConnectorV2" => v2::update_connector_v2,
    "DeleteConnectorV2" => v2::delete_connector_v2,
    "ListConnectorsV2" => v2::list_connectors_v2,
    "CreateConnector" => cspm_connectors::create_connector,
    "GetConnector" => cspm_connectors::get_connector,
    "UpdateConnector" => cspm_connectors::update_connector,
    "DeleteConnector" => cspm_connectors::delete_connector,
    "ListConnectors" => cspm_connectors::list_connectors,
    "EnableSecurityHubFeatureV2" => features_v2::enable_security_hub_feature_v2,
    "DisableSecurityHubFeatureV2" => features_v2::disable_security_hub_feature_v2,
    "ListFreeTrialStatusesV2" => features_v2::list_free_trial_statuses_v2,
    "RegisterConnectorV2" => v2::register_connector_v2,
    "CreateTicketV2" => v2::create_ticket_v2,
});

pub use model::SecurityHubState;

/// Security Hub's state: hubs, administrators, members and findings per region.
pub type State = SecurityHubState;

/// How orgsim serves AWS Security Hub.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "securityhub",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 403),
    global: false,
    on_org_event: Some(on_org_event),
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The shared organization reactions, then central configuration for joiners.
fn on_org_event(world: &mut World, event: &crate::events::OrgEvent) {
    org_integration::on_org_event::<organizations_link::SecurityHub>(world, event);
    if let crate::events::OrgEvent::AccountJoined {
        organization_id, ..
    } = event
    {
        config_policies::on_account_joined(world, organization_id);
    }
}

/// The tagged resource or the hub a request names.
fn resource_arn(
    _world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    let text = |member: &str| input.get(member).and_then(serde_json::Value::as_str);
    text("ResourceArn").or(text("HubArn")).map(str::to_string)
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// The caller's hub in its region, or AWS's 401 when Security Hub is off.
pub fn own_hub<'w>(world: &'w World, caller: &Caller) -> Result<&'w Hub, ShError> {
    world
        .securityhub
        .hub(&caller.region, &caller.account_id)
        .ok_or_else(|| ShError::not_subscribed(&caller.account_id))
}

/// Page size (1..=`limit`, default `default`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    default: usize,
    limit: usize,
) -> Result<(usize, Option<String>), ShError> {
    let max = match max_results {
        None => default,
        Some(n) if n >= 1 && n as usize <= limit => n as usize,
        Some(n) => {
            return Err(ShError::invalid(format!(
                "MaxResults {n} is outside 1..{limit}"
            )))
        }
    };
    let after = match next_token {
        None => None,
        Some(t) if t.is_empty() => None,
        Some(token) => Some(
            decode_token(listing, token)
                .ok_or_else(|| ShError::invalid("The NextToken is invalid."))?,
        ),
    };
    Ok((max, after))
}

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// 1..=50 account ids (`AccountIds`).
pub fn validate_account_ids(ids: &[String]) -> Result<(), ShError> {
    if ids.is_empty() || ids.len() > 50 {
        return Err(ShError::invalid(
            "AccountIds must contain between 1 and 50 account ids",
        ));
    }
    Ok(())
}

/// One `Result` of `UnprocessedAccounts`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedAccount {
    pub account_id: String,
    pub processing_result: String,
}

impl UnprocessedAccount {
    pub fn new(account_id: &str, result: impl Into<String>) -> Self {
        UnprocessedAccount {
            account_id: account_id.to_string(),
            processing_result: result.into(),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use serde_json::{json, Value};

    pub use crate::services::guardduty::test_support::{
        create_org_account, org_call, org_with_accounts, MANAGEMENT,
    };
    pub use crate::services::organizations::test_support::{root_caller, world};

    pub const ACCT: &str = "222222222222";

    /// Runs a Security Hub operation the way the server does.
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

    pub fn run_in(world: &mut World, account: &str, region: &str, op: &str, input: Value) -> Value {
        let mut caller = root_caller(account);
        caller.region = region.to_string();
        run(world, &caller, op, input).unwrap_or_else(|e| panic!("{op} as {account}: {e:?}"))
    }

    pub fn error_of(result: Result<Value, ApiError>) -> (String, String) {
        let e = result.expect_err("expected an error");
        (e.code, e.message)
    }

    /// An organization with `n` accounts whose first account is the Security Hub
    /// administrator with Security Hub on: (security, the others).
    pub fn org_with_admin(world: &mut World, n: usize) -> (String, Vec<String>) {
        let accounts = org_with_accounts(world, n);
        run_ok(
            world,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[0]}),
        );
        run_ok(world, &accounts[0], "EnableSecurityHub", json!({}));
        (accounts[0].clone(), accounts[1..].to_vec())
    }

    /// A minimal valid ASFF finding of `account` from its default product.
    pub fn asff(account: &str, id: &str) -> Value {
        json!({
            "SchemaVersion": "2018-10-08",
            "Id": id,
            "ProductArn": format!("arn:aws:securityhub:us-east-1:{account}:product/{account}/default"),
            "GeneratorId": "test-generator",
            "AwsAccountId": account,
            "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
            "CreatedAt": "2024-01-01T00:00:00Z",
            "UpdatedAt": "2024-01-01T00:00:00Z",
            "Severity": {"Label": "HIGH"},
            "Title": format!("Finding {id}"),
            "Description": "A test finding",
            "Resources": [{"Type": "AwsEc2Instance", "Id": "arn:aws:ec2:us-east-1:111111111111:instance/i-1"}],
        })
    }
}
