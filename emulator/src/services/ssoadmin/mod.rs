//! AWS IAM Identity Center administration (`sso-admin`, awsJson1.1,
//! `SWBExternalService.<Op>`, signing name `sso`): instances, permission sets with
//! managed, inline and customer managed policies and boundaries, account assignments
//! (asynchronous, with their status), provisioning into the accounts as IAM roles
//! `AWSReservedSSO_<PermissionSet>_<hex>`, attribute-based access control, trusted
//! token issuers, applications and Regions.
//!
//! The organization instance exists once the management account has turned on trusted
//! access for `sso.amazonaws.com` (a documented difference: AWS does it from its
//! console): the first sso-admin call after that creates it, in the caller's Region,
//! with its identity store, `AWSServiceRoleForSSO` in every account, and from then on in
//! every account that joins. The `sso.amazonaws.com` delegated administrator manages
//! it too, except what is provisioned to the management account.

pub mod access;
pub mod applications;
pub mod assignments;
pub mod errors;
pub mod instances;
pub mod model;
pub mod operations;
pub mod permission_sets;
pub mod policies;
pub mod provisioning;
pub mod sessions;
#[cfg(test)]
mod tests;

use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiResult, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::events::OrgEvent;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::World;
use errors::SsoError;

pub use model::SsoAdminState;

/// sso-admin's state.
pub type State = SsoAdminState;

/// The service principal Organizations knows Identity Center by.
pub const SERVICE_PRINCIPAL: &str = "sso.amazonaws.com";

service_operations!(ServiceId::SsoAdmin, SsoError::from_input, {
    "CreateInstance" => instances::create_instance,
    "DescribeInstance" => instances::describe_instance,
    "ListInstances" => instances::list_instances,
    "UpdateInstance" => instances::update_instance,
    "DeleteInstance" => instances::delete_instance,
    "CreateInstanceAccessControlAttributeConfiguration" => instances::create_access_control_attributes,
    "DescribeInstanceAccessControlAttributeConfiguration" => instances::describe_access_control_attributes,
    "UpdateInstanceAccessControlAttributeConfiguration" => instances::update_access_control_attributes,
    "DeleteInstanceAccessControlAttributeConfiguration" => instances::delete_access_control_attributes,
    "AddRegion" => instances::add_region,
    "RemoveRegion" => instances::remove_region,
    "DescribeRegion" => instances::describe_region,
    "ListRegions" => instances::list_regions,
    "CreatePermissionSet" => permission_sets::create_permission_set,
    "DescribePermissionSet" => permission_sets::describe_permission_set,
    "UpdatePermissionSet" => permission_sets::update_permission_set,
    "DeletePermissionSet" => permission_sets::delete_permission_set,
    "ListPermissionSets" => permission_sets::list_permission_sets,
    "TagResource" => permission_sets::tag_resource,
    "UntagResource" => permission_sets::untag_resource,
    "ListTagsForResource" => permission_sets::list_tags_for_resource,
    "AttachManagedPolicyToPermissionSet" => policies::attach_managed_policy,
    "DetachManagedPolicyFromPermissionSet" => policies::detach_managed_policy,
    "ListManagedPoliciesInPermissionSet" => policies::list_managed_policies,
    "PutInlinePolicyToPermissionSet" => policies::put_inline_policy,
    "GetInlinePolicyForPermissionSet" => policies::get_inline_policy,
    "DeleteInlinePolicyFromPermissionSet" => policies::delete_inline_policy,
    "AttachCustomerManagedPolicyReferenceToPermissionSet" => policies::attach_customer_managed,
    "DetachCustomerManagedPolicyReferenceFromPermissionSet" => policies::detach_customer_managed,
    "ListCustomerManagedPolicyReferencesInPermissionSet" => policies::list_customer_managed,
    "PutPermissionsBoundaryToPermissionSet" => policies::put_boundary,
    "GetPermissionsBoundaryForPermissionSet" => policies::get_boundary,
    "DeletePermissionsBoundaryFromPermissionSet" => policies::delete_boundary,
    "CreateAccountAssignment" => assignments::create_account_assignment,
    "DeleteAccountAssignment" => assignments::delete_account_assignment,
    "DescribeAccountAssignmentCreationStatus" => assignments::describe_creation_status,
    "DescribeAccountAssignmentDeletionStatus" => assignments::describe_deletion_status,
    "ListAccountAssignmentCreationStatus" => assignments::list_creation_status,
    "ListAccountAssignmentDeletionStatus" => assignments::list_deletion_status,
    "ListAccountAssignments" => assignments::list_account_assignments,
    "ListAccountAssignmentsForPrincipal" => assignments::list_account_assignments_for_principal,
    "ProvisionPermissionSet" => provisioning::provision_permission_set,
    "DescribePermissionSetProvisioningStatus" => provisioning::describe_provisioning_status,
    "ListPermissionSetProvisioningStatus" => provisioning::list_provisioning_status,
    "ListAccountsForProvisionedPermissionSet" => provisioning::list_accounts_for_provisioned_permission_set,
    "ListPermissionSetsProvisionedToAccount" => provisioning::list_permission_sets_provisioned_to_account,
    "CreateTrustedTokenIssuer" => applications::create_trusted_token_issuer,
    "DescribeTrustedTokenIssuer" => applications::describe_trusted_token_issuer,
    "UpdateTrustedTokenIssuer" => applications::update_trusted_token_issuer,
    "DeleteTrustedTokenIssuer" => applications::delete_trusted_token_issuer,
    "ListTrustedTokenIssuers" => applications::list_trusted_token_issuers,
    "ListApplicationProviders" => applications::list_application_providers,
    "DescribeApplicationProvider" => applications::describe_application_provider,
    "CreateApplication" => applications::create_application,
    "DescribeApplication" => applications::describe_application,
    "UpdateApplication" => applications::update_application,
    "DeleteApplication" => applications::delete_application,
    "ListApplications" => applications::list_applications,
    "CreateApplicationAssignment" => applications::create_application_assignment,
    "DescribeApplicationAssignment" => applications::describe_application_assignment,
    "DeleteApplicationAssignment" => applications::delete_application_assignment,
    "ListApplicationAssignments" => applications::list_application_assignments,
    "ListApplicationAssignmentsForPrincipal" => applications::list_application_assignments_for_principal,
});

/// How orgsim serves IAM Identity Center's administration API.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "sso",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch: dispatch_with_instance,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 400),
    global: false,
    on_org_event: Some(on_org_event),
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// Every call first brings the organization instance into being when trusted access
/// has been turned on since the last call (DESIGN §6).
fn dispatch_with_instance(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> ApiResult {
    instances::ensure_org_instance(world, caller);
    dispatch(world, caller, operation, input)
}

/// Joiners get `AWSServiceRoleForSSO` when their organization has an instance;
/// leavers lose their account assignments and the roles provisioned for them.
fn on_org_event(world: &mut World, event: &OrgEvent) {
    match event {
        OrgEvent::AccountJoined {
            organization_id,
            account_id,
        } if world.ssoadmin.org_instances.contains_key(organization_id) => {
            crate::services::iam::service_linked::ensure(world, account_id, SERVICE_PRINCIPAL);
        }
        OrgEvent::AccountLeft {
            organization_id,
            account_id,
        } => {
            if let Some(instance) = world.ssoadmin.org_instances.get(organization_id).cloned() {
                provisioning::forget_account(world, &instance, account_id);
            }
        }
        _ => {}
    }
}

/// sso-admin actions act on the permission set, else the instance (Service
/// Authorization Reference: `arn:aws:sso:::permissionSet/…`, `arn:aws:sso:::instance/…`).
fn resource_arn(
    _world: &World,
    _caller: &Caller,
    _operation: &str,
    input: &Value,
) -> Option<String> {
    let text = |key: &str| input.get(key).and_then(Value::as_str).map(str::to_string);
    text("PermissionSetArn")
        .or_else(|| text("ResourceArn"))
        .or_else(|| text("ApplicationArn"))
        .or_else(|| text("InstanceArn"))
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// Page size (1..=max, default `max`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    max: usize,
    next_token: &Option<String>,
) -> Result<(usize, Option<String>), SsoError> {
    let size = match max_results {
        None => max,
        Some(n) if n >= 1 && n as usize <= max => n as usize,
        Some(n) => {
            return Err(SsoError::constraint(
                "MaxResults",
                &n.to_string(),
                &format!("Member must have value between 1 and {max}"),
            ))
        }
    };
    let after = match next_token.as_deref() {
        None => None,
        Some(token) => Some(decode_token(listing, token).ok_or_else(SsoError::bad_token)?),
    };
    Ok((size, after))
}

/// The token that resumes `listing` after `key`.
pub fn token(listing: &str, key: Option<String>) -> Option<String> {
    key.map(|k| encode_token(listing, &k))
}

/// A 12-digit account id.
pub fn check_account_id(member: &str, id: &str) -> Result<(), SsoError> {
    if id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(SsoError::constraint(
            member,
            id,
            "Member must satisfy regular expression pattern: \\d{12}",
        ))
    }
}

/// A text member's length.
pub fn check_length(member: &str, value: &str, min: usize, max: usize) -> Result<(), SsoError> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(SsoError::constraint(
            member,
            value,
            &format!("Member must have length between {min} and {max}"),
        ));
    }
    Ok(())
}

/// The organization instance's identity store id after `ListInstances` (tests of
/// other folders build their world with it).
#[cfg(test)]
pub(crate) fn dispatch_for_tests(world: &mut World, caller: &Caller) -> String {
    let out = dispatch_with_instance(world, caller, "ListInstances", serde_json::json!({}))
        .expect("ListInstances");
    out["Instances"][0]["IdentityStoreId"]
        .as_str()
        .expect("an instance")
        .to_string()
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;

    /// Runs an sso-admin operation the way the server does.
    pub fn run(
        world: &mut World,
        caller: &Caller,
        op: &str,
        input: Value,
    ) -> Result<Value, ApiError> {
        world.begin_request();
        dispatch_with_instance(world, caller, op, input)
    }
}
