//! The organization's Detective administrator (management account only):
//! EnableOrganizationAdminAccount, DisableOrganizationAdminAccount,
//! ListOrganizationAdminAccounts; and its organization configuration (AutoEnable)
//! with Describe/UpdateOrganizationConfiguration.

use serde::{Deserialize, Serialize};

use super::errors::DetectiveError;
use super::graphs::{guardduty_prerequisite_message, GraphInput, ListInput};
use super::organizations_link::Detective;
use super::{check_account_id, guardduty_prerequisite_met, own_graph, page, Empty};
use crate::auth::Caller;
use crate::services::org_integration::{self, AdminRefusal};
use crate::world::{iso8601, World};

/// Detective's words for the shared designation refusals.
fn refused(refusal: AdminRefusal) -> DetectiveError {
    let message = match refusal {
        AdminRefusal::NotInOrganization => {
            "The account is not a member of an organization.".to_string()
        }
        AdminRefusal::NotManagementAccount { .. } => {
            return DetectiveError::AccessDenied(
                "Only the organization management account can manage the Detective administrator account.".into(),
            )
        }
        AdminRefusal::NotMember { account, .. } => {
            format!("The account {account} is not a member of the organization.")
        }
        AdminRefusal::OtherAdminInRegion { current } => format!(
            "The account {current} is already the Detective administrator account for the organization in this Region."
        ),
        AdminRefusal::OtherAdminRegistered { registered } => format!(
            "The account {registered} is the delegated administrator for Detective in AWS Organizations; use the same account in every Region."
        ),
        AdminRefusal::Organizations(e) => crate::api::ApiError::from(e).message,
        AdminRefusal::NotAdmin { account } => format!(
            "The account {account} is not the Detective administrator account of the organization in this Region."
        ),
    };
    DetectiveError::validation(message)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableOrganizationAdminAccountInput {
    pub account_id: String,
}

/// Designates the organization's Detective administrator in the caller's region:
/// trusted access for `detective.amazonaws.com`, the account registered in
/// Organizations, and Detective enabled for it (a graph) if it was not — which needs
/// GuardDuty on in that account for 48 hours.
pub fn enable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    input: EnableOrganizationAdminAccountInput,
) -> Result<Empty, DetectiveError> {
    check_account_id("accountId", &input.account_id)?;
    let admin = input.account_id;
    let needs_graph = world.detective.graph(&caller.region, &admin).is_none();
    let already =
        org_integration::administered_org::<Detective>(world, &caller.region, &admin).is_some();
    if needs_graph && !already && !guardduty_prerequisite_met(world, &caller.region, &admin) {
        // Refusals about the organization come first, as the designation checks them.
        if let Some(org) = world.organizations.organization_of(&caller.account_id) {
            if org.management_account_id == caller.account_id
                && org.members.contains_key(admin.as_str())
            {
                return Err(DetectiveError::validation(guardduty_prerequisite_message(
                    &admin,
                )));
            }
        }
    }
    org_integration::enable_organization_admin::<Detective>(world, caller, &admin)
        .map_err(refused)?;
    Ok(Empty {})
}

/// Removes the organization's Detective administrator in the caller's region (there
/// is at most one; none is not an error). Its graph stays, without the organization
/// accounts.
pub fn disable_organization_admin_account(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<Empty, DetectiveError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| refused(AdminRefusal::NotInOrganization))?;
    if org.management_account_id != caller.account_id {
        return Err(refused(AdminRefusal::NotManagementAccount {
            org_id: org.id.clone(),
        }));
    }
    let org_id = org.id.clone();
    let Some(admin) =
        org_integration::org_admin::<Detective>(world, &caller.region, &org_id).map(String::from)
    else {
        return Ok(Empty {});
    };
    org_integration::disable_organization_admin::<Detective>(world, caller, &admin)
        .map_err(refused)?;
    world
        .detective
        .region_mut(&caller.region)
        .delegated_ms
        .remove(&org_id);
    Ok(Empty {})
}

/// `DisableOrganizationAdminAccount` has no input members.
#[derive(Debug, Default, Deserialize)]
pub struct NoInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Administrator {
    pub account_id: String,
    pub graph_arn: String,
    pub delegation_time: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOrganizationAdminAccountsOutput {
    pub administrators: Vec<Administrator>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_organization_admin_accounts(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<ListOrganizationAdminAccountsOutput, DetectiveError> {
    let (admins, next_token) =
        org_integration::organization_admins::<Detective, _>(world, caller, refused, |listing| {
            page(listing, input.max_results, &input.next_token, 200)
        })?;
    let region = world.detective.region(&caller.region);
    let org_id = world
        .organizations
        .organization_of(&caller.account_id)
        .map(|o| o.id.clone())
        .unwrap_or_default();
    let delegated = region
        .and_then(|r| r.delegated_ms.get(&org_id))
        .copied()
        .unwrap_or_default();
    let administrators = admins
        .into_iter()
        .filter_map(|account| {
            let graph = world.detective.graph(&caller.region, &account)?;
            Some(Administrator {
                graph_arn: graph.arn(),
                account_id: account,
                delegation_time: iso8601(delegated),
            })
        })
        .collect();
    Ok(ListOrganizationAdminAccountsOutput {
        administrators,
        next_token,
    })
}

/// The organization graph `arn` names, which the caller must administer as the
/// organization's Detective administrator.
fn organization_graph(world: &World, caller: &Caller, arn: &str) -> Result<(), DetectiveError> {
    own_graph(world, caller, arn)?;
    if org_integration::administered_org::<Detective>(world, &caller.region, &caller.account_id)
        .is_none()
    {
        return Err(DetectiveError::validation(
            "The behavior graph is not the organization behavior graph: only the Detective administrator account of the organization can manage the organization configuration.",
        ));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationConfigurationOutput {
    pub auto_enable: bool,
}

pub fn describe_organization_configuration(
    world: &mut World,
    caller: &Caller,
    input: GraphInput,
) -> Result<DescribeOrganizationConfigurationOutput, DetectiveError> {
    organization_graph(world, caller, &input.graph_arn)?;
    let graph = world
        .detective
        .graph(&caller.region, &caller.account_id)
        .expect("checked");
    Ok(DescribeOrganizationConfigurationOutput {
        auto_enable: graph.auto_enable,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateOrganizationConfigurationInput {
    pub graph_arn: String,
    pub auto_enable: Option<bool>,
}

/// AutoEnable: accounts that join the organization become members at once (the
/// accounts already in it are enabled with CreateMembers).
pub fn update_organization_configuration(
    world: &mut World,
    caller: &Caller,
    input: UpdateOrganizationConfigurationInput,
) -> Result<Empty, DetectiveError> {
    organization_graph(world, caller, &input.graph_arn)?;
    world
        .detective
        .graph_mut(&caller.region, &caller.account_id)
        .auto_enable = input.auto_enable.unwrap_or(false);
    Ok(Empty {})
}
