//! Output shapes of IAM's entities (`User`, `Group`, `Role`, `Policy`, …) as
//! botocore's model names their members.

use serde::Serialize;

use super::dto::{boundary_out, date, tags_out, BoundaryShape, TagShape};
use super::model::{Group, ManagedPolicy, Role, User};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserShape {
    pub path: String,
    pub user_name: String,
    pub user_id: String,
    pub arn: String,
    pub create_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_last_used: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

impl UserShape {
    /// `full`: GetUser/CreateUser show the boundary and tags; listings do not.
    pub fn of(user: &User, account_id: &str, full: bool) -> Self {
        UserShape {
            path: user.path.clone(),
            user_name: user.name.clone(),
            user_id: user.id.clone(),
            arn: user.arn(account_id),
            create_date: date(user.created_ms),
            password_last_used: user.password_last_used_ms.map(date),
            permissions_boundary: full
                .then(|| boundary_out(&user.permissions_boundary))
                .flatten(),
            tags: full.then(|| tags_out(&user.tags)).flatten(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupShape {
    pub path: String,
    pub group_name: String,
    pub group_id: String,
    pub arn: String,
    pub create_date: String,
}

impl GroupShape {
    pub fn of(group: &Group, account_id: &str) -> Self {
        GroupShape {
            path: group.path.clone(),
            group_name: group.name.clone(),
            group_id: group.id.clone(),
            arn: group.arn(account_id),
            create_date: date(group.created_ms),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleLastUsedShape {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleShape {
    pub path: String,
    pub role_name: String,
    pub role_id: String,
    pub arn: String,
    pub create_date: String,
    pub assume_role_policy_document: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub max_session_duration: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<BoundaryShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_last_used: Option<RoleLastUsedShape>,
}

impl RoleShape {
    /// `full`: GetRole shows the boundary, tags and last use; ListRoles does not.
    pub fn of(role: &Role, account_id: &str, full: bool) -> Self {
        RoleShape {
            path: role.path.to_string(),
            role_name: role.name.to_string(),
            role_id: role.id.to_string(),
            arn: role.arn(account_id),
            create_date: date(role.created_ms),
            assume_role_policy_document: role.trust_policy.encoded(),
            description: role.description.clone().map(Into::into),
            max_session_duration: role.max_session_duration,
            permissions_boundary: full
                .then(|| boundary_out(&role.permissions_boundary))
                .flatten(),
            tags: full.then(|| tags_out(&role.tags)).flatten(),
            role_last_used: full.then(|| RoleLastUsedShape {
                last_used_date: role.last_used.as_ref().map(|u| date(u.at_ms)),
                region: role.last_used.as_ref().map(|u| u.region.clone()),
            }),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyShape {
    pub policy_name: String,
    pub policy_id: String,
    pub arn: String,
    pub path: String,
    pub default_version_id: String,
    pub attachment_count: usize,
    pub permissions_boundary_usage_count: usize,
    pub is_attachable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub create_date: String,
    pub update_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

impl PolicyShape {
    pub fn of(
        policy: &ManagedPolicy,
        account_id: &str,
        counts: (usize, usize),
        full: bool,
    ) -> Self {
        PolicyShape {
            policy_name: policy.name.clone(),
            policy_id: policy.id.clone(),
            arn: policy.arn(account_id),
            path: policy.path.clone(),
            default_version_id: policy.default_version.clone(),
            attachment_count: counts.0,
            permissions_boundary_usage_count: counts.1,
            is_attachable: true,
            description: full.then(|| policy.description.clone()).flatten(),
            create_date: date(policy.created_ms),
            update_date: date(policy.updated_ms),
            tags: full.then(|| tags_out(&policy.tags)).flatten(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachedPolicyShape {
    pub policy_name: String,
    pub policy_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionShape {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    pub version_id: String,
    pub is_default_version: bool,
    pub create_date: String,
}

/// `Tags` + page of a `List…Tags` call.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsPage {
    pub tags: Vec<TagShape>,
    #[serde(flatten)]
    pub page: super::dto::PageInfo,
}
