//! AWS Account Management (restJson1, signing name `account`): Region opt-in, alternate
//! contacts, contact information, account name and primary email — for the caller's
//! account, or with `AccountId` for a member of its organization (see [`target`]).
//! The Regions' opt-in status is what EC2's `DescribeRegions` shows for the account.

pub mod contacts;
pub mod errors;
pub mod info;
pub mod model;
pub mod operations;
pub mod regions;
pub mod target;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::world::World;
use errors::AccountError;

service_operations!(ServiceId::Account, AccountError::from_input, {
    "ListRegions" => regions::list_regions,
    "GetRegionOptStatus" => regions::get_region_opt_status,
    "EnableRegion" => regions::enable_region,
    "DisableRegion" => regions::disable_region,
    "GetAlternateContact" => contacts::get_alternate_contact,
    "PutAlternateContact" => contacts::put_alternate_contact,
    "DeleteAlternateContact" => contacts::delete_alternate_contact,
    "GetContactInformation" => contacts::get_contact_information,
    "PutContactInformation" => contacts::put_contact_information,
    "GetAccountInformation" => info::get_account_information,
    "PutAccountName" => info::put_account_name,
    "GetPrimaryEmail" => info::get_primary_email,
    "StartPrimaryEmailUpdate" => info::start_primary_email_update,
    "AcceptPrimaryEmailUpdate" => info::accept_primary_email_update,
    "GetPrimaryEmailUpdateStatus" => info::get_primary_email_update_status,
});

/// The Account API's state: per-account settings.
pub type State = model::AccountApiState;

/// How orgsim serves AWS Account Management.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "account",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDeniedException", 403),
    global: true,
    on_org_event: None,
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The account a request acts on: `arn:aws:account::<id>:account`, or for a member
/// named by `AccountId`, `arn:aws:account::<management>:account/<org>/<member>`.
fn resource_arn(
    world: &World,
    caller: &Caller,
    _operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    let target = input
        .get("AccountId")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(&caller.account_id);
    Some(target::account_arn(world, caller, target))
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

#[cfg(test)]
mod tests;
