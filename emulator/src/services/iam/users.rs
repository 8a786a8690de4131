//! Users: CreateUser, GetUser, UpdateUser, DeleteUser, ListUsers, tags and
//! permissions boundaries.

use serde::{Deserialize, Serialize};

use super::dto::{de, PageInfo, PageRequest, TagShape};
use super::errors::IamError;
use super::model::{account_range, entity_key, User};
use super::shapes::{TagsPage, UserShape};
use super::{account, boundary_policy, new_id, quotas, user_or_caller, validate};
use crate::auth::{Caller, Principal};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserInput {
    pub user_name: String,
    pub path: Option<String>,
    pub permissions_boundary: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserOutput {
    pub user: UserShape,
}

pub fn create_user(
    world: &mut World,
    caller: &Caller,
    input: CreateUserInput,
) -> Result<UserOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.user_name, "userName", 64)?;
    let path = validate::path(input.path.as_deref(), "path")?;
    let tags = validate::tags(&input.tags)?;
    if let Some(arn) = &input.permissions_boundary {
        boundary_policy(world, account_id, arn)?;
    }
    let key = entity_key(account_id, &input.user_name);
    if world.iam.users.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "User with name {} already exists.",
            input.user_name
        )));
    }
    let (from, to) = account_range(account_id);
    if world.iam.users.range(from..to).count() >= quotas::USERS {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for UsersPerAccount: {}",
            quotas::USERS
        )));
    }
    let user = User {
        name: input.user_name,
        path,
        id: new_id(world, "AIDA"),
        created_ms: world.clock.now_ms(),
        permissions_boundary: input.permissions_boundary,
        tags,
        inline: Default::default(),
        attached: Vec::new(),
        groups: Vec::new(),
        login_profile: None,
        password_last_used_ms: None,
        mfa_devices: Vec::new(),
        ssh_keys: Vec::new(),
        signing_certificates: Vec::new(),
        service_credentials: Vec::new(),
    };
    let shape = UserShape::of(&user, account_id, true);
    world.iam.users.insert(key, user);
    Ok(UserOutput { user: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetUserInput {
    pub user_name: Option<String>,
}

/// The named user, or the caller itself; an account's root user is shown as AWS shows
/// it (ARN `…:root`, id = the account id).
pub fn get_user(
    world: &mut World,
    caller: &Caller,
    input: GetUserInput,
) -> Result<UserOutput, IamError> {
    let account_id = account(caller);
    if let Some(name) = &input.user_name {
        validate::name(name, "userName", 128)?;
    }
    if input.user_name.is_none() && matches!(caller.principal, Principal::Root) {
        return Ok(UserOutput {
            user: UserShape {
                path: "/".into(),
                user_name: String::new(),
                user_id: account_id.to_string(),
                arn: format!("arn:aws:iam::{account_id}:root"),
                create_date: super::dto::date(super::account_created_ms(world, account_id)),
                password_last_used: None,
                permissions_boundary: None,
                tags: None,
            },
        });
    }
    let name = user_or_caller(caller, input.user_name.as_deref())?;
    let user = super::user(world, account_id, &name)?;
    Ok(UserOutput {
        user: UserShape::of(user, account_id, true),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserInput {
    pub user_name: String,
    pub new_path: Option<String>,
    pub new_user_name: Option<String>,
}

/// Renames or moves a user; its groups, keys and devices follow.
pub fn update_user(
    world: &mut World,
    caller: &Caller,
    input: UpdateUserInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.user_name, "userName", 128)?;
    if let Some(n) = &input.new_user_name {
        validate::name(n, "newUserName", 64)?;
    }
    let new_path = match &input.new_path {
        Some(p) => Some(validate::path(Some(p), "newPath")?),
        None => None,
    };
    let old_key = entity_key(account_id, &input.user_name);
    let mut user = super::user(world, account_id, &input.user_name)?.clone();
    let new_key = match &input.new_user_name {
        Some(new) => {
            let key = entity_key(account_id, new);
            if key != old_key && world.iam.users.contains_key(&key) {
                return Err(IamError::EntityAlreadyExists(format!(
                    "User with name {new} already exists."
                )));
            }
            user.name = new.clone();
            key
        }
        None => old_key.clone(),
    };
    if let Some(path) = new_path {
        user.path = path;
    }
    let old_lower = input.user_name.to_ascii_lowercase();
    let new_lower = user.name.to_ascii_lowercase();
    for group_name in user.groups.clone() {
        if let Some(group) = world
            .iam
            .groups
            .get_mut(&format!("{account_id}/{group_name}"))
        {
            for member in group.members.iter_mut().filter(|m| **m == old_lower) {
                member.clone_from(&new_lower);
            }
        }
    }
    let key_ids: Vec<String> = world
        .iam
        .access_keys
        .iter()
        .filter(|(_, k)| {
            k.account_id == account_id
                && k.user_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&input.user_name))
        })
        .map(|(id, _)| id.clone())
        .collect();
    for id in key_ids {
        if let Some(key) = world.iam.access_keys.get_mut(&id) {
            key.user_name = Some(user.name.clone());
        }
    }
    world.iam.users.remove(&old_key);
    world.iam.users.insert(new_key, user);
    Ok(super::dto::Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserNameInput {
    pub user_name: String,
}

/// AWS refuses to delete a user that still has anything attached to it.
pub fn delete_user(
    world: &mut World,
    caller: &Caller,
    input: UserNameInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.user_name, "userName", 128)?;
    let user = super::user(world, account_id, &input.user_name)?;
    let has_keys = world.iam.access_keys.values().any(|k| {
        k.account_id == account_id
            && k.user_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(&user.name))
    });
    let conflict = if user.login_profile.is_some() {
        Some("login profile")
    } else if has_keys {
        Some("access keys")
    } else if !user.mfa_devices.is_empty() {
        Some("MFA devices")
    } else if !user.groups.is_empty() {
        Some("groups")
    } else if !user.inline.is_empty() || !user.attached.is_empty() {
        Some("policies")
    } else if !user.ssh_keys.is_empty()
        || !user.signing_certificates.is_empty()
        || !user.service_credentials.is_empty()
    {
        Some("credentials")
    } else {
        None
    };
    if let Some(what) = conflict {
        return Err(IamError::DeleteConflict(format!(
            "Cannot delete entity, must remove {what} first."
        )));
    }
    world
        .iam
        .users
        .remove(&entity_key(account_id, &input.user_name));
    Ok(super::dto::Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListByPathInput {
    pub path_prefix: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersOutput {
    pub users: Vec<UserShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_users(
    world: &mut World,
    caller: &Caller,
    input: ListByPathInput,
) -> Result<ListUsersOutput, IamError> {
    let account_id = account(caller);
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let listing = format!("ListUsers {account_id} {prefix}");
    let (users, page) = super::dto::list_account(
        &world.iam.users,
        account_id,
        &listing,
        &input.page,
        |u| u.path.starts_with(prefix),
        |u| UserShape::of(u, account_id, false),
    )?;
    Ok(ListUsersOutput { users, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagUserInput {
    pub user_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

pub fn tag_user(
    world: &mut World,
    caller: &Caller,
    input: TagUserInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.user_name, "userName", 128)?;
    let new = validate::tags(&input.tags)?;
    let user = super::user(world, account_id, &input.user_name)?;
    let tags = validate::merge_tags(&user.tags, new)?;
    if let Some(user) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, &input.user_name))
    {
        user.tags = tags;
    }
    Ok(super::dto::Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagUserInput {
    pub user_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
}

pub fn untag_user(
    world: &mut World,
    caller: &Caller,
    input: UntagUserInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    validate::tag_keys(&input.tag_keys)?;
    super::user(world, account_id, &input.user_name)?;
    if let Some(user) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, &input.user_name))
    {
        user.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        });
    }
    Ok(super::dto::Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUserTagsInput {
    pub user_name: String,
    #[serde(flatten)]
    pub page: PageRequest,
}

pub fn list_user_tags(
    world: &mut World,
    caller: &Caller,
    input: ListUserTagsInput,
) -> Result<TagsPage, IamError> {
    let account_id = account(caller);
    let user = super::user(world, account_id, &input.user_name)?;
    let tags = user.tags.iter().map(TagShape::from).collect();
    let (tags, page) = super::dto::paginate_vec(
        tags,
        &input.page,
        &format!("ListUserTags {account_id} {}", user.id),
    )?;
    Ok(TagsPage { tags, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutUserPermissionsBoundaryInput {
    pub user_name: String,
    pub permissions_boundary: String,
}

pub fn put_user_permissions_boundary(
    world: &mut World,
    caller: &Caller,
    input: PutUserPermissionsBoundaryInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    validate::arn(&input.permissions_boundary, "permissionsBoundary")?;
    super::user(world, account_id, &input.user_name)?;
    boundary_policy(world, account_id, &input.permissions_boundary)?;
    if let Some(user) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, &input.user_name))
    {
        user.permissions_boundary = Some(input.permissions_boundary);
    }
    Ok(super::dto::Nothing {})
}

pub fn delete_user_permissions_boundary(
    world: &mut World,
    caller: &Caller,
    input: UserNameInput,
) -> Result<super::dto::Nothing, IamError> {
    let account_id = account(caller);
    super::user(world, account_id, &input.user_name)?;
    if let Some(user) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, &input.user_name))
    {
        user.permissions_boundary = None;
    }
    Ok(super::dto::Nothing {})
}
