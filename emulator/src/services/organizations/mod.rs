//! AWS Organizations (awsJson1.1, `AWSOrganizationsV20161128.<Op>`): the directory every
//! other service consults. State is global (not per region).

pub mod accounts;
pub mod all_features;
pub mod attachments;
pub mod authorization;
pub mod delegation;
pub mod dto;
pub mod effective;
pub mod errors;
pub mod handshake_answers;
pub mod handshakes;
pub mod inheritance;
pub mod invitations;
pub mod membership;
pub mod model;
pub mod operations;
pub mod organization;
pub mod ous;
pub mod policies;
pub mod policy_types;
pub mod resource_policy;
pub mod service_principals;
pub mod tags;
pub mod unsupported;
pub mod validate;

use serde::{Deserialize, Serialize};
use std::ops::Bound;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::OrgError;
use model::Organization;

service_operations!(ServiceId::Organizations, OrgError::from_input, {
    "CreateOrganization" => organization::create_organization,
    "DescribeOrganization" => organization::describe_organization,
    "DeleteOrganization" => organization::delete_organization,
    "ListRoots" => organization::list_roots,
    "CreateAccount" => accounts::create_account,
    "DescribeCreateAccountStatus" => accounts::describe_create_account_status,
    "ListCreateAccountStatus" => accounts::list_create_account_status,
    "DescribeAccount" => accounts::describe_account,
    "ListAccounts" => accounts::list_accounts,
    "ListAccountsForParent" => accounts::list_accounts_for_parent,
    "MoveAccount" => accounts::move_account,
    "CreateOrganizationalUnit" => ous::create_organizational_unit,
    "DescribeOrganizationalUnit" => ous::describe_organizational_unit,
    "UpdateOrganizationalUnit" => ous::update_organizational_unit,
    "DeleteOrganizationalUnit" => ous::delete_organizational_unit,
    "ListOrganizationalUnitsForParent" => ous::list_organizational_units_for_parent,
    "ListChildren" => ous::list_children,
    "ListParents" => ous::list_parents,
    // Policies of every type, and effective policies.
    "CreatePolicy" => policies::create_policy,
    "DescribePolicy" => policies::describe_policy,
    "UpdatePolicy" => policies::update_policy,
    "DeletePolicy" => policies::delete_policy,
    "ListPolicies" => policies::list_policies,
    "AttachPolicy" => attachments::attach_policy,
    "DetachPolicy" => attachments::detach_policy,
    "ListPoliciesForTarget" => attachments::list_policies_for_target,
    "ListTargetsForPolicy" => attachments::list_targets_for_policy,
    "EnablePolicyType" => policy_types::enable_policy_type,
    "DisablePolicyType" => policy_types::disable_policy_type,
    "DescribeEffectivePolicy" => effective::describe_effective_policy,
    "ListAccountsWithInvalidEffectivePolicy" => effective::list_accounts_with_invalid_effective_policy,
    "ListEffectivePolicyValidationErrors" => effective::list_effective_policy_validation_errors,
    // Trusted access, delegated administrators, the resource policy, tags, and the
    // GovCloud / responsibility-transfer operations.
    "EnableAWSServiceAccess" => delegation::enable_aws_service_access,
    "DisableAWSServiceAccess" => delegation::disable_aws_service_access,
    "ListAWSServiceAccessForOrganization" => delegation::list_aws_service_access_for_organization,
    "RegisterDelegatedAdministrator" => delegation::register_delegated_administrator_op,
    "DeregisterDelegatedAdministrator" => delegation::deregister_delegated_administrator,
    "ListDelegatedAdministrators" => delegation::list_delegated_administrators,
    "ListDelegatedServicesForAccount" => delegation::list_delegated_services_for_account,
    "PutResourcePolicy" => resource_policy::put_resource_policy,
    "DescribeResourcePolicy" => resource_policy::describe_resource_policy,
    "DeleteResourcePolicy" => resource_policy::delete_resource_policy,
    "TagResource" => tags::tag_resource,
    "UntagResource" => tags::untag_resource,
    "ListTagsForResource" => tags::list_tags_for_resource,
    "CreateGovCloudAccount" => unsupported::create_gov_cloud_account,
    "InviteOrganizationToTransferResponsibility" => unsupported::invite_organization_to_transfer_responsibility,
    "DescribeResponsibilityTransfer" => unsupported::describe_responsibility_transfer,
    "ListInboundResponsibilityTransfers" => unsupported::list_inbound_responsibility_transfers,
    "ListOutboundResponsibilityTransfers" => unsupported::list_outbound_responsibility_transfers,
    "TerminateResponsibilityTransfer" => unsupported::terminate_responsibility_transfer,
    "UpdateResponsibilityTransfer" => unsupported::update_responsibility_transfer,
    // Handshakes, all-features migration, leaving and closing accounts.
    "InviteAccountToOrganization" => invitations::invite_account_to_organization,
    "AcceptHandshake" => handshake_answers::accept_handshake,
    "DeclineHandshake" => handshake_answers::decline_handshake,
    "CancelHandshake" => handshake_answers::cancel_handshake,
    "DescribeHandshake" => handshakes::describe_handshake,
    "ListHandshakesForAccount" => handshakes::list_handshakes_for_account,
    "ListHandshakesForOrganization" => handshakes::list_handshakes_for_organization,
    "EnableAllFeatures" => all_features::enable_all_features,
    "LeaveOrganization" => membership::leave_organization,
    "RemoveAccountFromOrganization" => membership::remove_account_from_organization,
    "CloseAccount" => membership::close_account,
});

/// Organizations' state: every organization, handshake and pending account creation.
pub type State = model::OrganizationsState;

/// How orgsim serves AWS Organizations: the directory every other service consults.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "organizations",
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
    on_request: Some(complete_due_work),
    resource_arn: Some(authorization::resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// Account creations and closures that AWS finishes later complete at the start of a
/// later request (DESIGN §6).
fn complete_due_work(world: &mut World) {
    accounts::complete_due_account_creations(world);
    membership::complete_due_closures(world);
}

/// Operations that take no input still accept (and ignore) an empty object.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct Empty {}

/// `NextToken` + `MaxResults`, shared by every `List*` operation.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Page {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

impl Page {
    /// Page size and the key to resume after, for the listing named `listing`.
    pub fn resolve(&self, listing: &str) -> Result<(usize, Option<String>), OrgError> {
        let max = validate::max_results(self.max_results)?;
        let after = match &self.next_token {
            None => None,
            Some(token) => Some(decode_token(listing, token).ok_or_else(|| {
                OrgError::invalid("INVALID_NEXT_TOKEN", "The specified token is invalid.")
            })?),
        };
        Ok((max, after))
    }
}

/// The range bound that resumes a listing after `after`: a range of `str`, so it
/// serves maps keyed by `String` and by `CompactString` alike.
pub fn after_bound(after: &Option<String>) -> After<'_> {
    After(after.as_deref())
}

/// Keys after the one given (all keys if none).
pub struct After<'a>(Option<&'a str>);

impl std::ops::RangeBounds<str> for After<'_> {
    fn start_bound(&self) -> Bound<&str> {
        self.0.map_or(Bound::Unbounded, Bound::Excluded)
    }

    fn end_bound(&self) -> Bound<&str> {
        Bound::Unbounded
    }
}

/// The caller's organization (any member may ask).
pub fn member_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, OrgError> {
    world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or(OrgError::NotInUse)
}

/// The caller's organization, if the caller is its management account.
pub fn managed_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, OrgError> {
    let org = member_org(world, caller)?;
    if org.management_account_id == caller.account_id {
        Ok(org)
    } else {
        Err(OrgError::AccessDenied)
    }
}

/// The caller's organization for reading its structure: the management account, a
/// delegated administrator for any service (AWS grants them read-only access to
/// Organizations), or an account the resource policy delegates to.
pub fn readable_org<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, OrgError> {
    let org = member_org(world, caller)?;
    if org.management_account_id == caller.account_id
        || delegation::is_any_delegated_admin(org, &caller.account_id)
        || resource_policy::names_caller(org, caller)
    {
        Ok(org)
    } else {
        Err(OrgError::AccessDenied)
    }
}

/// The caller's organization for changing policies (`action` is the Organizations
/// action, e.g. `organizations:CreatePolicy`): the management account, or a member
/// account whom the organization's resource policy allows that action.
pub fn policy_writer_org<'w>(
    world: &'w World,
    caller: &Caller,
    action: &str,
) -> Result<&'w Organization, OrgError> {
    let org = member_org(world, caller)?;
    if org.management_account_id == caller.account_id
        || resource_policy::allows(org, caller, action)
    {
        Ok(org)
    } else {
        Err(OrgError::AccessDenied)
    }
}

/// Mutable access to an organization already checked by one of the functions above.
pub fn org_mut<'w>(world: &'w mut World, org_id: &str) -> &'w mut Organization {
    world
        .organizations
        .organizations
        .get_mut(org_id)
        .expect("organization checked before mutation")
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use crate::auth::Principal;
    use crate::world::Settings;
    use serde_json::Value;

    pub fn world() -> World {
        World::new(Settings {
            seed: Some(42),
            ..Settings::default()
        })
    }

    pub fn root_caller(account: &str) -> Caller {
        Caller {
            account_id: account.to_string(),
            principal: Principal::Root,
            access_key_id: account.to_string(),
            temporary: false,
            region: "us-east-1".to_string(),
        }
    }

    /// Runs an operation the way the server does: a new request, then the handler.
    pub fn run(
        world: &mut World,
        caller: &Caller,
        op: &str,
        input: Value,
    ) -> Result<Value, ApiError> {
        world.begin_request();
        dispatch(world, caller, op, input)
    }

    pub fn error_code(result: Result<Value, ApiError>) -> (String, Option<String>) {
        let e = result.expect_err("expected an error");
        (
            e.code,
            e.extra
                .get("Reason")
                .and_then(|r| r.as_str())
                .map(String::from),
        )
    }
}
