//! ListEntitiesForPolicy: the users, groups and roles of the account that attach a
//! managed policy (or use it as their permissions boundary).

use serde::{Deserialize, Serialize};

use super::dto::{paginate_vec, PageInfo, PageRequest};
use super::errors::IamError;
use super::managed;
use super::model::account_range;
use super::policies::customer;
use super::{account, validate};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEntitiesForPolicyInput {
    pub policy_arn: String,
    pub entity_filter: Option<String>,
    pub path_prefix: Option<String>,
    pub policy_usage_filter: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyEntity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEntitiesForPolicyOutput {
    pub policy_groups: Vec<PolicyEntity>,
    pub policy_users: Vec<PolicyEntity>,
    pub policy_roles: Vec<PolicyEntity>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_entities_for_policy(
    world: &mut World,
    caller: &Caller,
    input: ListEntitiesForPolicyInput,
) -> Result<ListEntitiesForPolicyOutput, IamError> {
    let account_id = account(caller);
    validate::arn(&input.policy_arn, "policyArn")?;
    if managed::by_arn(&input.policy_arn).is_none() {
        customer(world, account_id, &input.policy_arn)?;
    }
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let filter = input.entity_filter.as_deref();
    let boundary = input.policy_usage_filter.as_deref() == Some("PermissionsBoundary");
    let arn = input.policy_arn.as_str();
    let wants = |kind: &str| filter.is_none_or(|f| f == kind);
    let (from, to) = account_range(account_id);
    let iam = &world.iam;
    let mut all: Vec<(u8, PolicyEntity)> = Vec::new();
    if wants("Group") && !boundary {
        for (_, g) in iam.groups.range(from.clone()..to.clone()) {
            if g.path.starts_with(prefix) && g.attached.iter().any(|a| a.arn == arn) {
                all.push((
                    0,
                    PolicyEntity {
                        group_name: Some(g.name.clone()),
                        group_id: Some(g.id.clone()),
                        user_name: None,
                        role_name: None,
                        user_id: None,
                        role_id: None,
                    },
                ));
            }
        }
    }
    if wants("User") {
        for (_, u) in iam.users.range(from.clone()..to.clone()) {
            let uses = if boundary {
                u.permissions_boundary.as_deref() == Some(arn)
            } else {
                u.attached.iter().any(|a| a.arn == arn)
            };
            if u.path.starts_with(prefix) && uses {
                all.push((
                    1,
                    PolicyEntity {
                        user_name: Some(u.name.clone()),
                        user_id: Some(u.id.clone()),
                        group_name: None,
                        role_name: None,
                        group_id: None,
                        role_id: None,
                    },
                ));
            }
        }
    }
    if wants("Role") {
        for (_, r) in iam.roles.range(from..to) {
            let uses = if boundary {
                r.permissions_boundary.as_deref() == Some(arn)
            } else {
                r.attached.iter().any(|a| a.arn == arn)
            };
            if r.path.starts_with(prefix) && uses {
                all.push((
                    2,
                    PolicyEntity {
                        role_name: Some(r.name.to_string()),
                        role_id: Some(r.id.to_string()),
                        user_name: None,
                        group_name: None,
                        user_id: None,
                        group_id: None,
                    },
                ));
            }
        }
    }
    let (page_items, page) =
        paginate_vec(all, &input.page, &format!("ListEntitiesForPolicy {arn}"))?;
    let mut out = ListEntitiesForPolicyOutput {
        policy_groups: Vec::new(),
        policy_users: Vec::new(),
        policy_roles: Vec::new(),
        page,
    };
    for (kind, entity) in page_items {
        match kind {
            0 => out.policy_groups.push(entity),
            1 => out.policy_users.push(entity),
            _ => out.policy_roles.push(entity),
        }
    }
    Ok(out)
}
