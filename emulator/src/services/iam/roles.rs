//! Roles: CreateRole, GetRole, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy, DeleteRole, ListRoles, tags and permissions boundaries.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::dto::{de, list_account, paginate_vec, Nothing, PageInfo, PageRequest, TagShape};
use super::errors::IamError;
use super::model::{self, account_range, entity_key, Role};
use super::shapes::{RoleShape, TagsPage};
use super::users::ListByPathInput;
use super::{account, boundary_policy, new_id, quotas, validate};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateRoleInput {
    pub role_name: String,
    pub path: Option<String>,
    pub assume_role_policy_document: String,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_session_duration: Option<i64>,
    pub permissions_boundary: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleOutput {
    pub role: RoleShape,
}

pub fn create_role(
    world: &mut World,
    caller: &Caller,
    input: CreateRoleInput,
) -> Result<RoleOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.role_name, "roleName", 64)?;
    let path = validate::path(input.path.as_deref(), "path")?;
    validate::description(input.description.as_deref())?;
    let max_session_duration = validate::max_session_duration(input.max_session_duration)?;
    let tags = validate::tags(&input.tags)?;
    let trust_policy = validate::trust_document(
        &input.assume_role_policy_document,
        "assumeRolePolicyDocument",
    )?;
    if path.starts_with("/aws-service-role/") {
        return Err(IamError::InvalidInput(
            "The path prefix /aws-service-role/ is reserved for service-linked roles.".into(),
        ));
    }
    if let Some(arn) = &input.permissions_boundary {
        boundary_policy(world, account_id, arn)?;
    }
    let key = entity_key(account_id, &input.role_name);
    if world.iam.roles.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "Role with name {} already exists.",
            input.role_name
        )));
    }
    let (from, to) = account_range(account_id);
    if world.iam.roles.range(from..to).count() >= quotas::ROLES {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for RolesPerAccount: {}",
            quotas::ROLES
        )));
    }
    let role = Role {
        name: input.role_name.into(),
        path: path.into(),
        id: new_id(world, "AROA").into(),
        created_ms: world.clock.now_ms(),
        trust_policy,
        description: input.description.map(Into::into),
        max_session_duration,
        permissions_boundary: input.permissions_boundary,
        tags,
        inline: Default::default(),
        attached: model::no_attachments(),
        last_used: None,
        service_linked: None,
    };
    let mut shape = RoleShape::of(&role, account_id, true);
    shape.role_last_used = None;
    world.iam.roles.insert(key, Arc::new(role));
    Ok(RoleOutput { role: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleNameInput {
    pub role_name: String,
}

pub fn get_role(
    world: &mut World,
    caller: &Caller,
    input: RoleNameInput,
) -> Result<RoleOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.role_name, "roleName", 64)?;
    let role = super::role(world, account_id, &input.role_name)?;
    Ok(RoleOutput {
        role: RoleShape::of(role, account_id, true),
    })
}

/// Service-linked roles belong to their service: only it may change or delete them.
fn modifiable<'w>(world: &'w World, account_id: &str, name: &str) -> Result<&'w Role, IamError> {
    let role = super::role(world, account_id, name)?;
    if role.service_linked.is_some() {
        return Err(IamError::UnmodifiableEntity(format!(
            "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
            role.name
        )));
    }
    Ok(role)
}

fn with_role(world: &mut World, account_id: &str, name: &str, change: impl FnOnce(&mut Role)) {
    if let Some(role) = world.iam.roles.get_mut(&entity_key(account_id, name)) {
        change(Arc::make_mut(role));
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRoleInput {
    pub role_name: String,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_session_duration: Option<i64>,
}

pub fn update_role(
    world: &mut World,
    caller: &Caller,
    input: UpdateRoleInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::description(input.description.as_deref())?;
    let duration = match input.max_session_duration {
        Some(d) => Some(validate::max_session_duration(Some(d))?),
        None => None,
    };
    modifiable(world, account_id, &input.role_name)?;
    with_role(world, account_id, &input.role_name, |role| {
        if let Some(d) = input.description {
            role.description = Some(d.into());
        }
        if let Some(d) = duration {
            role.max_session_duration = d;
        }
    });
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateRoleDescriptionInput {
    pub role_name: String,
    pub description: String,
}

pub fn update_role_description(
    world: &mut World,
    caller: &Caller,
    input: UpdateRoleDescriptionInput,
) -> Result<RoleOutput, IamError> {
    let account_id = account(caller);
    validate::description(Some(&input.description))?;
    modifiable(world, account_id, &input.role_name)?;
    with_role(world, account_id, &input.role_name, |role| {
        role.description = Some(input.description.into());
    });
    let role = super::role(world, account_id, &input.role_name)?;
    Ok(RoleOutput {
        role: RoleShape::of(role, account_id, true),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAssumeRolePolicyInput {
    pub role_name: String,
    pub policy_document: String,
}

pub fn update_assume_role_policy(
    world: &mut World,
    caller: &Caller,
    input: UpdateAssumeRolePolicyInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let document = validate::trust_document(&input.policy_document, "policyDocument")?;
    modifiable(world, account_id, &input.role_name)?;
    with_role(world, account_id, &input.role_name, |role| {
        role.trust_policy = document;
    });
    Ok(Nothing {})
}

pub fn delete_role(
    world: &mut World,
    caller: &Caller,
    input: RoleNameInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.role_name, "roleName", 64)?;
    let role = modifiable(world, account_id, &input.role_name)?;
    if !role.inline.is_empty() || !role.attached.is_empty() {
        return Err(IamError::DeleteConflict(
            "Cannot delete entity, must detach all policies first.".into(),
        ));
    }
    let lower = role.name.to_ascii_lowercase();
    let (from, to) = account_range(account_id);
    if world
        .iam
        .instance_profiles
        .range(from..to)
        .any(|(_, p)| p.roles.contains(&lower))
    {
        return Err(IamError::DeleteConflict(
            "Cannot delete entity, must remove roles from instance profile first.".into(),
        ));
    }
    world
        .iam
        .roles
        .remove(&entity_key(account_id, &input.role_name));
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRolesOutput {
    pub roles: Vec<RoleShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_roles(
    world: &mut World,
    caller: &Caller,
    input: ListByPathInput,
) -> Result<ListRolesOutput, IamError> {
    let account_id = account(caller);
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let listing = format!("ListRoles {account_id} {prefix}");
    let (roles, page) = list_account(
        &world.iam.roles,
        account_id,
        &listing,
        &input.page,
        |r| r.path.starts_with(prefix),
        |r| RoleShape::of(r, account_id, false),
    )?;
    Ok(ListRolesOutput { roles, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagRoleInput {
    pub role_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

pub fn tag_role(
    world: &mut World,
    caller: &Caller,
    input: TagRoleInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let new = validate::tags(&input.tags)?;
    let role = super::role(world, account_id, &input.role_name)?;
    let tags = validate::merge_tags(&role.tags, new)?;
    with_role(world, account_id, &input.role_name, |role| role.tags = tags);
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagRoleInput {
    pub role_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
}

pub fn untag_role(
    world: &mut World,
    caller: &Caller,
    input: UntagRoleInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::tag_keys(&input.tag_keys)?;
    super::role(world, account_id, &input.role_name)?;
    with_role(world, account_id, &input.role_name, |role| {
        role.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        })
    });
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRoleTagsInput {
    pub role_name: String,
    #[serde(flatten)]
    pub page: PageRequest,
}

pub fn list_role_tags(
    world: &mut World,
    caller: &Caller,
    input: ListRoleTagsInput,
) -> Result<TagsPage, IamError> {
    let account_id = account(caller);
    let role = super::role(world, account_id, &input.role_name)?;
    let tags = role.tags.iter().map(TagShape::from).collect();
    let (tags, page) = paginate_vec(
        tags,
        &input.page,
        &format!("ListRoleTags {account_id} {}", role.id),
    )?;
    Ok(TagsPage { tags, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutRolePermissionsBoundaryInput {
    pub role_name: String,
    pub permissions_boundary: String,
}

pub fn put_role_permissions_boundary(
    world: &mut World,
    caller: &Caller,
    input: PutRolePermissionsBoundaryInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::arn(&input.permissions_boundary, "permissionsBoundary")?;
    modifiable(world, account_id, &input.role_name)?;
    boundary_policy(world, account_id, &input.permissions_boundary)?;
    with_role(world, account_id, &input.role_name, |role| {
        role.permissions_boundary = Some(input.permissions_boundary)
    });
    Ok(Nothing {})
}

pub fn delete_role_permissions_boundary(
    world: &mut World,
    caller: &Caller,
    input: RoleNameInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    modifiable(world, account_id, &input.role_name)?;
    with_role(world, account_id, &input.role_name, |role| {
        role.permissions_boundary = None
    });
    Ok(Nothing {})
}
