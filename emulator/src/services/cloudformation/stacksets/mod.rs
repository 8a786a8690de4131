//! StackSets: one template rolled out as stack instances — real stacks made by the
//! stack engine in each target account and region.
//!
//! - SELF_MANAGED: CloudFormation assumes the administration role of the admin
//!   account, which must be able to assume the execution role of every target; both
//!   are checked against IAM (trust policies and identity policies) as AWS does.
//! - SERVICE_MANAGED: needs trusted access for
//!   `member.org.stacksets.cloudformation.amazonaws.com`; the management account, or a
//!   registered delegated administrator calling with `CallAs=DELEGATED_ADMIN`, targets
//!   OUs; the sets live in the management account; never deploys to the management
//!   account; auto-deployment follows accounts that join, move or leave.
//!
//! Every operation finishes within the call that starts it.

pub mod access;
pub mod auto;
pub mod deploy;
pub mod drift;
pub mod instances;
pub mod model;
pub mod operations;
pub mod sets;

use serde_json::{json, Value};

use super::errors::CfnError;
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::world::{iso8601, World};
use model::StackSet;

/// The service principal of StackSets' trusted access.
pub const SERVICE_PRINCIPAL: &str = "member.org.stacksets.cloudformation.amazonaws.com";
pub const DEFAULT_ADMIN_ROLE: &str = "AWSCloudFormationStackSetAdministrationRole";
pub const DEFAULT_EXECUTION_ROLE: &str = "AWSCloudFormationStackSetExecutionRole";

/// Where the sets a call acts on live, and as whom it acts.
#[derive(Clone, Debug)]
pub struct Admin {
    /// The account holding the sets (the management account for a delegated admin).
    pub account: String,
    pub region: String,
    /// The caller acts as a delegated administrator.
    pub delegated: bool,
}

/// `CallAs`: `SELF` (default) or `DELEGATED_ADMIN`, which must be a registered
/// delegated administrator for StackSets.
pub fn admin_of(world: &World, caller: &Caller, call_as: Option<&str>) -> Result<Admin, CfnError> {
    match call_as {
        None | Some("SELF") => Ok(Admin {
            account: caller.account_id.clone(),
            region: caller.region.clone(),
            delegated: false,
        }),
        Some("DELEGATED_ADMIN") => {
            let org = world
                .organizations
                .organization_of(&caller.account_id)
                .filter(|org| {
                    delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
                })
                .ok_or_else(|| {
                    CfnError::Validation("Account used is not a delegated administrator".into())
                })?;
            Ok(Admin {
                account: org.management_account_id.clone(),
                region: caller.region.clone(),
                delegated: true,
            })
        }
        Some(other) => Err(CfnError::constraint(
            other,
            "callAs",
            "Member must satisfy enum value set: [SELF, DELEGATED_ADMIN]",
        )),
    }
}

/// A service-managed set needs the caller to be the management account (or a
/// delegated administrator calling as one) and trusted access on.
pub fn check_service_managed(
    world: &World,
    caller: &Caller,
    admin: &Admin,
) -> Result<(), CfnError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .filter(|org| admin.delegated || org.management_account_id == caller.account_id)
        .ok_or_else(|| {
            CfnError::Validation(
                "You must be the management account or delegated admin account of an organization before operating a SERVICE_MANAGED stack set".into(),
            )
        })?;
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Err(CfnError::Validation(
            "You must enable organizations access to operate a service managed stack set".into(),
        ));
    }
    Ok(())
}

/// The sets an admin context can see: a delegated administrator sees only the
/// management account's service-managed sets.
fn visible(admin: &Admin, set: &StackSet) -> bool {
    !admin.delegated || set.service_managed()
}

/// Index of the live set named `name` (its name or id).
pub fn find(world: &World, admin: &Admin, name: &str) -> Option<usize> {
    world
        .cloudformation
        .regional(&admin.account, &admin.region)?
        .stack_sets
        .iter()
        .position(|s| s.status == "ACTIVE" && (s.name == name || s.id == name) && visible(admin, s))
}

pub fn index_of(world: &World, admin: &Admin, name: &str) -> Result<usize, CfnError> {
    find(world, admin, name).ok_or_else(|| CfnError::stack_set_not_found(name))
}

pub fn get<'w>(world: &'w World, admin: &Admin, name: &str) -> Result<&'w StackSet, CfnError> {
    let i = index_of(world, admin, name)?;
    Ok(&world
        .cloudformation
        .regional(&admin.account, &admin.region)
        .expect("found")
        .stack_sets[i])
}

pub fn set_mut<'w>(world: &'w mut World, admin: &Admin, index: usize) -> &'w mut StackSet {
    &mut world
        .cloudformation
        .regional_mut(&admin.account, &admin.region)
        .stack_sets[index]
}

/// The template of a stack set the caller may see (GetTemplateSummary).
pub fn template_of(
    world: &World,
    caller: &Caller,
    name: &str,
    call_as: Option<&str>,
) -> Result<String, CfnError> {
    let admin = admin_of(world, caller, call_as)?;
    Ok(get(world, &admin, name)?.template_body.clone())
}

pub fn time(ms: i64) -> Value {
    Value::String(iso8601(ms))
}

/// `Parameters` as AWS lists them.
pub fn parameters_shape(parameters: &std::collections::BTreeMap<String, String>) -> Vec<Value> {
    parameters
        .iter()
        .map(|(k, v)| json!({"ParameterKey": k, "ParameterValue": v}))
        .collect()
}

/// A page of `items` for `listing`, `max` at most (1..=100, default 100).
pub fn page<T: Clone>(
    items: Vec<T>,
    listing: &str,
    token: Option<&str>,
    max: Option<i64>,
) -> Result<(Vec<T>, Option<String>), CfnError> {
    use crate::services::pagination::{decode_token, encode_token};
    let max = match max {
        None => 100,
        Some(m @ 1..=100) => m as usize,
        Some(m) => {
            return Err(CfnError::constraint(
                &m.to_string(),
                "maxResults",
                "Member must have value between 1 and 100",
            ))
        }
    };
    let start = match token {
        Some(t) => decode_token(listing, t)
            .and_then(|k| k.parse::<usize>().ok())
            .ok_or_else(|| CfnError::Validation("Invalid NextToken".into()))?,
        None => 0,
    };
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| encode_token(listing, &end.to_string()));
    Ok((
        items.get(start..end).map(<[T]>::to_vec).unwrap_or_default(),
        next,
    ))
}

/// A list that may be absent (`None`) rather than empty.
pub fn opt_list<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    crate::services::iam::dto::de::list(d).map(Some)
}

#[cfg(test)]
mod tests;
