//! Groups: CreateGroup, DescribeGroup, UpdateGroup, DeleteGroup, ListGroups (with the
//! `DisplayName` filter), GetGroupId (by `displayName` or an external id).

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::StoreError;
use super::model::Group;
use super::users::{member_path, unique_attribute, AttributeOperation, Filter, GetIdInput};
use super::{actor, check_resource_id, check_text, new_id, page, store, store_mut, token, Empty};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

fn group_json(store_id: &str, group: &Group) -> Value {
    let mut out = json!({
        "GroupId": group.id,
        "IdentityStoreId": store_id,
        "DisplayName": group.display_name,
        "CreatedAt": epoch_seconds(group.created_ms),
        "CreatedBy": group.created_by,
        "UpdatedAt": epoch_seconds(group.updated_ms),
        "UpdatedBy": group.updated_by,
    });
    if let Some(description) = &group.description {
        out["Description"] = json!(description);
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGroupInput {
    pub identity_store_id: String,
    pub display_name: Option<String>,
    pub description: Option<String>,
}

pub fn create_group(
    world: &mut World,
    caller: &Caller,
    input: CreateGroupInput,
) -> Result<Value, StoreError> {
    let store_ref = store(world, caller, "CreateGroup", &input.identity_store_id)?;
    let name = input
        .display_name
        .ok_or_else(|| StoreError::constraint("DisplayName", "Member must not be null"))?;
    check_text("DisplayName", &name, 1024)?;
    if let Some(description) = &input.description {
        check_text("Description", description, 1024)?;
    }
    if store_ref.group_names.contains_key(&name.to_lowercase()) {
        return Err(StoreError::duplicate("Duplicate GroupDisplayName"));
    }
    let prefix = store_ref.id_prefix().to_string();
    let id = new_id(world, &prefix);
    let now = world.clock.now_ms();
    let who = actor(caller);
    let store = store_mut(world, &input.identity_store_id);
    store.group_names.insert(name.to_lowercase(), id.clone());
    store.groups.insert(
        id.clone(),
        Group {
            id: id.clone(),
            display_name: name,
            description: input.description,
            created_ms: now,
            updated_ms: now,
            created_by: who.clone(),
            updated_by: who,
        },
    );
    Ok(json!({"GroupId": id, "IdentityStoreId": input.identity_store_id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupRef {
    pub identity_store_id: String,
    pub group_id: String,
}

pub fn describe_group(
    world: &mut World,
    caller: &Caller,
    input: GroupRef,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "DescribeGroup", &input.identity_store_id)?;
    check_resource_id("GroupId", &input.group_id)?;
    let group = store
        .groups
        .get(&input.group_id)
        .ok_or_else(|| StoreError::not_found("GROUP", &input.group_id))?;
    Ok(group_json(&store.id, group))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGroupInput {
    pub identity_store_id: String,
    pub group_id: String,
    pub operations: Vec<AttributeOperation>,
}

pub fn update_group(
    world: &mut World,
    caller: &Caller,
    input: UpdateGroupInput,
) -> Result<Empty, StoreError> {
    let store_ref = store(world, caller, "UpdateGroup", &input.identity_store_id)?;
    check_resource_id("GroupId", &input.group_id)?;
    if input.operations.is_empty() || input.operations.len() > 100 {
        return Err(StoreError::constraint(
            "Operations",
            "Member must have length between 1 and 100",
        ));
    }
    let mut group = store_ref
        .groups
        .get(&input.group_id)
        .ok_or_else(|| StoreError::not_found("GROUP", &input.group_id))?
        .clone();
    let old_name = group.display_name.clone();
    for operation in &input.operations {
        let path = member_path(&operation.attribute_path);
        let value = operation.attribute_value.clone().filter(|v| !v.is_null());
        let text = |member: &str, value: Value| match value {
            Value::String(s) => check_text(member, &s, 1024).map(|_| s),
            _ => Err(StoreError::constraint(member, "Member must be a string")),
        };
        match (path.as_slice(), value) {
            ([member], Some(value)) if member == "DisplayName" => {
                group.display_name = text("DisplayName", value)?;
            }
            ([member], Some(value)) if member == "Description" => {
                group.description = Some(text("Description", value)?);
            }
            ([member], None) if member == "Description" => group.description = None,
            _ => {
                return Err(StoreError::Validation(format!(
                    "1 validation error detected: Invalid attribute path {}",
                    operation.attribute_path
                )))
            }
        }
    }
    let renamed = !old_name.eq_ignore_ascii_case(&group.display_name);
    if renamed
        && store_ref
            .group_names
            .contains_key(&group.display_name.to_lowercase())
    {
        return Err(StoreError::duplicate("Duplicate GroupDisplayName"));
    }
    group.updated_ms = world.clock.now_ms();
    group.updated_by = actor(caller);
    let store = store_mut(world, &input.identity_store_id);
    store.group_names.remove(&old_name.to_lowercase());
    store
        .group_names
        .insert(group.display_name.to_lowercase(), group.id.clone());
    store.groups.insert(group.id.clone(), group);
    Ok(Empty {})
}

/// Deleting a group removes its memberships.
pub fn delete_group(
    world: &mut World,
    caller: &Caller,
    input: GroupRef,
) -> Result<Empty, StoreError> {
    let store_ref = store(world, caller, "DeleteGroup", &input.identity_store_id)?;
    check_resource_id("GroupId", &input.group_id)?;
    let group = store_ref
        .groups
        .get(&input.group_id)
        .ok_or_else(|| StoreError::not_found("GROUP", &input.group_id))?;
    let name = group.display_name.to_lowercase();
    let memberships: Vec<String> = store_ref
        .memberships
        .values()
        .filter(|m| m.group_id == input.group_id)
        .map(|m| m.id.clone())
        .collect();
    let store = store_mut(world, &input.identity_store_id);
    store.groups.remove(&input.group_id);
    store.group_names.remove(&name);
    for id in memberships {
        store.memberships.remove(&id);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupsInput {
    pub identity_store_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filters: Option<Vec<Filter>>,
}

pub fn list_groups(
    world: &mut World,
    caller: &Caller,
    input: ListGroupsInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "ListGroups", &input.identity_store_id)?;
    let filters = input.filters.unwrap_or_default();
    if filters.len() > 1 {
        return Err(StoreError::constraint(
            "Filters",
            "Member must have length less than or equal to 1",
        ));
    }
    let wanted = match filters.first() {
        Some(f) if f.attribute_path.eq_ignore_ascii_case("DisplayName") => {
            Some(f.attribute_value.clone())
        }
        Some(f) => {
            return Err(StoreError::Validation(format!(
                "1 validation error detected: Invalid filter attribute path {}",
                f.attribute_path
            )))
        }
        None => None,
    };
    let listing = format!(
        "ListGroups {} {}",
        store.id,
        wanted.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token)?;
    let groups = store
        .groups
        .values()
        .filter(|g| after.as_deref().is_none_or(|a| g.id.as_str() > a))
        .filter(|g| {
            wanted
                .as_deref()
                .is_none_or(|n| g.display_name.eq_ignore_ascii_case(n))
        });
    let (groups, next) = take_page(groups, max, |g| g.id.clone());
    let groups: Vec<Value> = groups
        .into_iter()
        .map(|g| group_json(&store.id, g))
        .collect();
    let mut out = json!({ "Groups": groups });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

pub fn get_group_id(
    world: &mut World,
    caller: &Caller,
    input: GetIdInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "GetGroupId", &input.identity_store_id)?;
    let group = match unique_attribute(&input.alternate_identifier)? {
        None => None,
        Some((path, value)) if path == "displayname" => store
            .group_names
            .get(&value.to_lowercase())
            .and_then(|id| store.groups.get(id)),
        Some((path, _)) => {
            return Err(StoreError::Validation(format!(
                "1 validation error detected: {path} is not a unique attribute of groups"
            )))
        }
    };
    let group = group.ok_or_else(|| StoreError::NotFound {
        resource_type: "GROUP",
        resource_id: String::new(),
        message: "GROUP not found.".into(),
    })?;
    Ok(json!({"GroupId": group.id, "IdentityStoreId": store.id}))
}
