//! Amazon GuardDuty (restJson1, camelCase wire names): detectors per account and
//! region, the organization's delegated administrator, auto-enable, members (by
//! organization or by invitation, with the deprecated `Master` forms), findings and
//! filters, trusted/threat lists, publishing destinations, Malware Protection, coverage
//! and usage, investigations, and custom detection rules. Operations not listed below
//! answer 501 `NotImplemented`.

pub mod admin;
pub mod criteria;
pub mod destinations;
pub mod detection_rules;
pub mod detectors;
pub mod errors;
pub mod features;
pub mod filters;
pub mod findings;
pub mod investigations;
pub mod invitations;
pub mod malware;
pub mod member_detectors;
pub mod members;
pub mod model;
pub mod operations;
pub mod organization_config;
pub mod organizations_link;
pub mod rule_catalog;
pub mod sample_findings;
pub mod statistics;
pub mod threat_lists;
pub mod usage;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::GdError;
use model::Detector;

service_operations!(ServiceId::GuardDuty, GdError::from_input, {
    "CreateDetector" => detectors::create_detector,
    "GetDetector" => detectors::get_detector,
    "UpdateDetector" => detectors::update_detector,
    "DeleteDetector" => detectors::delete_detector,
    "ListDetectors" => detectors::list_detectors,
    "TagResource" => detectors::tag_resource,
    "UntagResource" => detectors::untag_resource,
    "ListTagsForResource" => detectors::list_tags_for_resource,
    "EnableOrganizationAdminAccount" => admin::enable_organization_admin_account,
    "DisableOrganizationAdminAccount" => admin::disable_organization_admin_account,
    "ListOrganizationAdminAccounts" => admin::list_organization_admin_accounts,
    "UpdateOrganizationConfiguration" => organization_config::update_organization_configuration,
    "DescribeOrganizationConfiguration" => organization_config::describe_organization_configuration,
    "GetOrganizationStatistics" => organization_config::get_organization_statistics,
    "CreateMembers" => members::create_members,
    "GetMembers" => members::get_members,
    "ListMembers" => members::list_members,
    "DeleteMembers" => members::delete_members,
    "DisassociateMembers" => members::disassociate_members,
    "StartMonitoringMembers" => members::start_monitoring_members,
    "StopMonitoringMembers" => members::stop_monitoring_members,
    "GetMemberDetectors" => member_detectors::get_member_detectors,
    "UpdateMemberDetectors" => member_detectors::update_member_detectors,
    "InviteMembers" => invitations::invite_members,
    "AcceptAdministratorInvitation" => invitations::accept_administrator_invitation,
    "DeclineInvitations" => invitations::decline_invitations,
    "DeleteInvitations" => invitations::delete_invitations,
    "ListInvitations" => invitations::list_invitations,
    "GetInvitationsCount" => invitations::get_invitations_count,
    "GetAdministratorAccount" => invitations::get_administrator_account,
    "DisassociateFromAdministratorAccount" => invitations::disassociate_from_administrator_account,
    "CreateSampleFindings" => findings::create_sample_findings,
    "ListFindings" => findings::list_findings,
    "GetFindings" => findings::get_findings,
    "GetFindingsStatistics" => statistics::get_findings_statistics,
    "ArchiveFindings" => findings::archive_findings,
    "UnarchiveFindings" => findings::unarchive_findings,
    "UpdateFindingsFeedback" => findings::update_findings_feedback,
    "CreateFilter" => filters::create_filter,
    "GetFilter" => filters::get_filter,
    "UpdateFilter" => filters::update_filter,
    "DeleteFilter" => filters::delete_filter,
    "ListFilters" => filters::list_filters,
    "AcceptInvitation" => invitations::accept_invitation,
    "GetMasterAccount" => invitations::get_master_account,
    "DisassociateFromMasterAccount" => invitations::disassociate_from_master_account,
    "CreateIPSet" => threat_lists::create_ip_set,
    "GetIPSet" => threat_lists::get_ip_set,
    "UpdateIPSet" => threat_lists::update_ip_set,
    "DeleteIPSet" => threat_lists::delete_ip_set,
    "ListIPSets" => threat_lists::list_ip_sets,
    "CreateThreatIntelSet" => threat_lists::create_threat_intel_set,
    "GetThreatIntelSet" => threat_lists::get_threat_intel_set,
    "UpdateThreatIntelSet" => threat_lists::update_threat_intel_set,
    "DeleteThreatIntelSet" => threat_lists::delete_threat_intel_set,
    "ListThreatIntelSets" => threat_lists::list_threat_intel_sets,
    "CreateThreatEntitySet" => threat_lists::create_threat_entity_set,
    "GetThreatEntitySet" => threat_lists::get_threat_entity_set,
    "UpdateThreatEntitySet" => threat_lists::update_threat_entity_set,
    "DeleteThreatEntitySet" => threat_lists::delete_threat_entity_set,
    "ListThreatEntitySets" => threat_lists::list_threat_entity_sets,
    "CreateTrustedEntitySet" => threat_lists::create_trusted_entity_set,
    "GetTrustedEntitySet" => threat_lists::get_trusted_entity_set,
    "UpdateTrustedEntitySet" => threat_lists::update_trusted_entity_set,
    "DeleteTrustedEntitySet" => threat_lists::delete_trusted_entity_set,
    "ListTrustedEntitySets" => threat_lists::list_trusted_entity_sets,
    "CreatePublishingDestination" => destinations::create_publishing_destination,
    "DescribePublishingDestination" => destinations::describe_publishing_destination,
    "UpdatePublishingDestination" => destinations::update_publishing_destination,
    "DeletePublishingDestination" => destinations::delete_publishing_destination,
    "ListPublishingDestinations" => destinations::list_publishing_destinations,
    "CreateMalwareProtectionPlan" => malware::create_malware_protection_plan,
    "GetMalwareProtectionPlan" => malware::get_malware_protection_plan,
    "UpdateMalwareProtectionPlan" => malware::update_malware_protection_plan,
    "DeleteMalwareProtectionPlan" => malware::delete_malware_protection_plan,
    "ListMalwareProtectionPlans" => malware::list_malware_protection_plans,
    "SendObjectMalwareScan" => malware::send_object_malware_scan,
    "StartMalwareScan" => malware::start_malware_scan,
    "DescribeMalwareScans" => malware::describe_malware_scans,
    "ListMalwareScans" => malware::list_malware_scans,
    "GetMalwareScan" => malware::get_malware_scan,
    "GetMalwareScanSettings" => malware::get_malware_scan_settings,
    "UpdateMalwareScanSettings" => malware::update_malware_scan_settings,
    "ListCoverage" => usage::list_coverage,
    "GetCoverageStatistics" => usage::get_coverage_statistics,
    "GetUsageStatistics" => usage::get_usage_statistics,
    "GetRemainingFreeTrialDays" => usage::get_remaining_free_trial_days,
    "CreateInvestigation" => investigations::create_investigation,
    "GetInvestigation" => investigations::get_investigation,
    "ListInvestigations" => investigations::list_investigations,
    "ListInvestigationRecords" => investigations::list_investigation_records,
    "GetCustomDetectionRule" => detection_rules::get_custom_detection_rule,
    "ListCustomDetectionRules" => detection_rules::list_custom_detection_rules,
    "CreateCustomDetectionRuleAssociation" => detection_rules::create_custom_detection_rule_association,
    "GetCustomDetectionRuleAssociation" => detection_rules::get_custom_detection_rule_association,
    "UpdateCustomDetectionRuleAssociation" => detection_rules::update_custom_detection_rule_association,
    "DeleteCustomDetectionRuleAssociation" => detection_rules::delete_custom_detection_rule_association,
    "ListCustomDetectionRuleAssociations" => detection_rules::list_custom_detection_rule_associations,
    "CreateCustomDetectionRuleOrgConfiguration" => detection_rules::create_custom_detection_rule_org_configuration,
    "GetCustomDetectionRuleOrgConfiguration" => detection_rules::get_custom_detection_rule_org_configuration,
    "UpdateCustomDetectionRuleOrgConfiguration" => detection_rules::update_custom_detection_rule_org_configuration,
    "DeleteCustomDetectionRuleOrgConfiguration" => detection_rules::delete_custom_detection_rule_org_configuration,
    "ListCustomDetectionRuleOrgConfigurations" => detection_rules::list_custom_detection_rule_org_configurations,
});

pub use model::GuardDutyState;

/// GuardDuty's state: detectors, administrators and members per region.
pub type State = GuardDutyState;

/// How orgsim serves Amazon GuardDuty.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "guardduty",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDeniedException", 403),
    global: false,
    on_org_event: Some(org_integration::on_org_event::<organizations_link::GuardDuty>),
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The detector (or its filter) a request names, or the tagged resource.
fn resource_arn(
    _world: &World,
    caller: &Caller,
    _operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    let text = |member: &str| input.get(member).and_then(serde_json::Value::as_str);
    if let Some(arn) = text("ResourceArn") {
        return Some(arn.to_string());
    }
    if let Some(plan) = text("MalwareProtectionPlanId") {
        return Some(format!(
            "arn:aws:guardduty:{}:{}:malware-protection-plan/{plan}",
            caller.region, caller.account_id
        ));
    }
    text("DetectorId").map(|detector| {
        let detector = format!(
            "arn:aws:guardduty:{}:{}:detector/{detector}",
            caller.region, caller.account_id
        );
        match text("FilterName") {
            Some(filter) => format!("{detector}/filter/{filter}"),
            None => detector,
        }
    })
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// The caller's detector, if `detector_id` names it (AWS's two messages: a malformed
/// id, an id that is not the caller's).
pub fn own_detector<'w>(
    world: &'w World,
    caller: &Caller,
    detector_id: &str,
) -> Result<&'w Detector, GdError> {
    if detector_id.is_empty() || detector_id.len() > 300 {
        return Err(GdError::invalid_parameter("detectorId"));
    }
    world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .filter(|d| d.id == detector_id)
        .ok_or_else(GdError::detector_not_owned)
}

/// Page size (1..=`limit`, default `default`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    default: usize,
    limit: usize,
) -> Result<(usize, Option<String>), GdError> {
    let max = match max_results {
        None => default,
        Some(n) if n >= 1 && n as usize <= limit => n as usize,
        Some(_) => return Err(GdError::invalid_parameter("maxResults")),
    };
    let after = match next_token {
        None => None,
        Some(t) if t.is_empty() => None,
        Some(token) => Some(
            decode_token(listing, token).ok_or_else(|| GdError::invalid_parameter("nextToken"))?,
        ),
    };
    Ok((max, after))
}

/// 1..=50 account ids, each 12 digits (`AccountIds`).
pub fn validate_account_ids(ids: &[String]) -> Result<(), GdError> {
    if ids.is_empty() || ids.len() > 50 {
        return Err(GdError::invalid_parameter("accountIds"));
    }
    Ok(())
}

/// The bucket and key an S3 URL names: `s3://b/k`, `https://s3[.-]region.amazonaws.com/b/k`
/// (path style) or `https://b.s3[.-region].amazonaws.com/k` (virtual-hosted style).
pub fn s3_location(url: &str) -> Option<(String, String)> {
    let (bucket, key) = if let Some(rest) = url.strip_prefix("s3://") {
        rest.split_once('/')?
    } else {
        let rest = url.strip_prefix("https://")?;
        let (host, path) = rest.split_once('/')?;
        let host = host.strip_suffix(".amazonaws.com")?;
        let is_s3 = |h: &str| h == "s3" || h.starts_with("s3.") || h.starts_with("s3-");
        if is_s3(host) {
            path.split_once('/')?
        } else {
            let at = host.rfind(".s3")?;
            let (bucket, endpoint) = (&host[..at], &host[at + 1..]);
            if !is_s3(endpoint) {
                return None;
            }
            (bucket, path)
        }
    };
    if bucket.is_empty() || key.is_empty() {
        return None;
    }
    Some((bucket.to_string(), key.to_string()))
}

pub fn is_account_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())
}

/// One `UnprocessedAccount`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnprocessedAccount {
    pub account_id: String,
    pub result: String,
}

impl UnprocessedAccount {
    pub fn new(account_id: &str, result: impl Into<String>) -> Self {
        UnprocessedAccount {
            account_id: account_id.to_string(),
            result: result.into(),
        }
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use crate::services::organizations;
    use serde_json::{json, Value};

    pub use crate::services::organizations::test_support::{root_caller, world};

    pub const MANAGEMENT: &str = "111111111111";

    /// Runs a GuardDuty operation the way the server does.
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

    pub fn error_of(result: Result<Value, ApiError>) -> (String, String) {
        let e = result.expect_err("expected an error");
        (e.code, e.message)
    }

    pub fn org_call(world: &mut World, account: &str, op: &str, input: Value) -> Value {
        world.begin_request();
        organizations::dispatch(world, &root_caller(account), op, input)
            .unwrap_or_else(|e| panic!("{op}: {e:?}"))
    }

    /// An organization of MANAGEMENT with `n` created member accounts (their ids).
    pub fn org_with_accounts(world: &mut World, n: usize) -> Vec<String> {
        org_call(world, MANAGEMENT, "CreateOrganization", json!({}));
        (0..n).map(|i| create_org_account(world, i)).collect()
    }

    pub fn create_org_account(world: &mut World, i: usize) -> String {
        let out = org_call(
            world,
            MANAGEMENT,
            "CreateAccount",
            json!({"Email": format!("acct{i}-{}@example.com", world.request_count), "AccountName": format!("a{i}")}),
        );
        let id = out["CreateAccountStatus"]["Id"]
            .as_str()
            .unwrap()
            .to_string();
        let status = org_call(
            world,
            MANAGEMENT,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": id}),
        );
        status["CreateAccountStatus"]["AccountId"]
            .as_str()
            .expect("account created")
            .to_string()
    }

    pub fn create_detector(world: &mut World, account: &str) -> String {
        run_ok(world, account, "CreateDetector", json!({"enable": true}))["detectorId"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn detector_id(world: &World, account: &str) -> String {
        world
            .guardduty
            .detector("us-east-1", account)
            .expect("detector")
            .id
            .clone()
    }

    /// An organization of `n` created accounts whose first is GuardDuty's delegated
    /// administrator: (world, accounts, admin account, admin detector id).
    pub fn organization_with_admin(n: usize) -> (crate::world::World, Vec<String>, String, String) {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, n);
        let security = accounts[0].clone();
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let detector = detector_id(&w, &security);
        (w, accounts, security, detector)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod rules_tests;
