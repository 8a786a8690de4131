//! Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, membership.

use serde::{Deserialize, Serialize};

use super::dto::{list_account, paginate_vec, Nothing, PageInfo, PageRequest};
use super::errors::IamError;
use super::model::{account_range, entity_key, Group};
use super::shapes::{GroupShape, UserShape};
use super::users::ListByPathInput;
use super::{account, new_id, quotas, validate};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupInput {
    pub group_name: String,
    pub path: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupOutput {
    pub group: GroupShape,
}

pub fn create_group(
    world: &mut World,
    caller: &Caller,
    input: CreateGroupInput,
) -> Result<GroupOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.group_name, "groupName", 128)?;
    let path = validate::path(input.path.as_deref(), "path")?;
    let key = entity_key(account_id, &input.group_name);
    if world.iam.groups.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "Group with name {} already exists.",
            input.group_name
        )));
    }
    let (from, to) = account_range(account_id);
    if world.iam.groups.range(from..to).count() >= quotas::GROUPS {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for GroupsPerAccount: {}",
            quotas::GROUPS
        )));
    }
    let group = Group {
        name: input.group_name,
        path,
        id: new_id(world, "AGPA"),
        created_ms: world.clock.now_ms(),
        inline: Default::default(),
        attached: Vec::new(),
        members: Vec::new(),
    };
    let shape = GroupShape::of(&group, account_id);
    world.iam.groups.insert(key, group);
    Ok(GroupOutput { group: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupInput {
    pub group_name: String,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGroupOutput {
    pub group: GroupShape,
    pub users: Vec<UserShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

/// The group and a page of its members.
pub fn get_group(
    world: &mut World,
    caller: &Caller,
    input: GetGroupInput,
) -> Result<GetGroupOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.group_name, "groupName", 128)?;
    let group = super::group(world, account_id, &input.group_name)?;
    let members: Vec<UserShape> = group
        .members
        .iter()
        .filter_map(|m| world.iam.users.get(&format!("{account_id}/{m}")))
        .map(|u| UserShape::of(u, account_id, false))
        .collect();
    let (users, page) = paginate_vec(
        members,
        &input.page,
        &format!("GetGroup {account_id} {}", group.id),
    )?;
    Ok(GetGroupOutput {
        group: GroupShape::of(group, account_id),
        users,
        page,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGroupInput {
    pub group_name: String,
    pub new_path: Option<String>,
    pub new_group_name: Option<String>,
}

pub fn update_group(
    world: &mut World,
    caller: &Caller,
    input: UpdateGroupInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.group_name, "groupName", 128)?;
    if let Some(n) = &input.new_group_name {
        validate::name(n, "newGroupName", 128)?;
    }
    let new_path = match &input.new_path {
        Some(p) => Some(validate::path(Some(p), "newPath")?),
        None => None,
    };
    let old_key = entity_key(account_id, &input.group_name);
    let mut group = super::group(world, account_id, &input.group_name)?.clone();
    let new_key = match &input.new_group_name {
        Some(new) => {
            let key = entity_key(account_id, new);
            if key != old_key && world.iam.groups.contains_key(&key) {
                return Err(IamError::EntityAlreadyExists(format!(
                    "Group with name {new} already exists."
                )));
            }
            group.name = new.clone();
            key
        }
        None => old_key.clone(),
    };
    if let Some(path) = new_path {
        group.path = path;
    }
    let (old_lower, new_lower) = (
        input.group_name.to_ascii_lowercase(),
        group.name.to_ascii_lowercase(),
    );
    for member in &group.members {
        if let Some(user) = world.iam.users.get_mut(&format!("{account_id}/{member}")) {
            for g in user.groups.iter_mut().filter(|g| **g == old_lower) {
                g.clone_from(&new_lower);
            }
        }
    }
    world.iam.groups.remove(&old_key);
    world.iam.groups.insert(new_key, group);
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupNameInput {
    pub group_name: String,
}

pub fn delete_group(
    world: &mut World,
    caller: &Caller,
    input: GroupNameInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.group_name, "groupName", 128)?;
    let group = super::group(world, account_id, &input.group_name)?;
    if !group.members.is_empty() {
        return Err(IamError::DeleteConflict(
            "Cannot delete entity, must remove users from group first.".into(),
        ));
    }
    if !group.inline.is_empty() || !group.attached.is_empty() {
        return Err(IamError::DeleteConflict(
            "Cannot delete entity, must delete policies first.".into(),
        ));
    }
    world
        .iam
        .groups
        .remove(&entity_key(account_id, &input.group_name));
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsOutput {
    pub groups: Vec<GroupShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_groups(
    world: &mut World,
    caller: &Caller,
    input: ListByPathInput,
) -> Result<ListGroupsOutput, IamError> {
    let account_id = account(caller);
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let listing = format!("ListGroups {account_id} {prefix}");
    let (groups, page) = list_account(
        &world.iam.groups,
        account_id,
        &listing,
        &input.page,
        |g| g.path.starts_with(prefix),
        |g| GroupShape::of(g, account_id),
    )?;
    Ok(ListGroupsOutput { groups, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipInput {
    pub group_name: String,
    pub user_name: String,
}

pub fn add_user_to_group(
    world: &mut World,
    caller: &Caller,
    input: MembershipInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::name(&input.group_name, "groupName", 128)?;
    validate::name(&input.user_name, "userName", 128)?;
    super::group(world, account_id, &input.group_name)?;
    let user = super::user(world, account_id, &input.user_name)?;
    let (group_lower, user_lower) = (
        input.group_name.to_ascii_lowercase(),
        input.user_name.to_ascii_lowercase(),
    );
    if user.groups.contains(&group_lower) {
        return Ok(Nothing {});
    }
    if user.groups.len() >= quotas::GROUPS_PER_USER {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for GroupsPerUser: {}",
            quotas::GROUPS_PER_USER
        )));
    }
    let iam = &mut world.iam;
    if let Some(user) = iam.users.get_mut(&format!("{account_id}/{user_lower}")) {
        user.groups.push(group_lower.clone());
    }
    if let Some(group) = iam.groups.get_mut(&format!("{account_id}/{group_lower}")) {
        group.members.push(user_lower);
    }
    Ok(Nothing {})
}

pub fn remove_user_from_group(
    world: &mut World,
    caller: &Caller,
    input: MembershipInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    super::group(world, account_id, &input.group_name)?;
    let user = super::user(world, account_id, &input.user_name)?;
    let (group_lower, user_lower) = (
        input.group_name.to_ascii_lowercase(),
        input.user_name.to_ascii_lowercase(),
    );
    if !user.groups.contains(&group_lower) {
        return Err(IamError::no_such(format!(
            "The user with name {} cannot be found in group {}.",
            input.user_name, input.group_name
        )));
    }
    let iam = &mut world.iam;
    if let Some(user) = iam.users.get_mut(&format!("{account_id}/{user_lower}")) {
        user.groups.retain(|g| *g != group_lower);
    }
    if let Some(group) = iam.groups.get_mut(&format!("{account_id}/{group_lower}")) {
        group.members.retain(|m| *m != user_lower);
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsForUserInput {
    pub user_name: String,
    #[serde(flatten)]
    pub page: PageRequest,
}

pub fn list_groups_for_user(
    world: &mut World,
    caller: &Caller,
    input: ListGroupsForUserInput,
) -> Result<ListGroupsOutput, IamError> {
    let account_id = account(caller);
    let user = super::user(world, account_id, &input.user_name)?;
    let groups: Vec<GroupShape> = user
        .groups
        .iter()
        .filter_map(|g| world.iam.groups.get(&format!("{account_id}/{g}")))
        .map(|g| GroupShape::of(g, account_id))
        .collect();
    let (groups, page) = paginate_vec(
        groups,
        &input.page,
        &format!("ListGroupsForUser {account_id} {}", user.id),
    )?;
    Ok(ListGroupsOutput { groups, page })
}
