//! Group memberships: CreateGroupMembership, DescribeGroupMembership,
//! DeleteGroupMembership, ListGroupMemberships, ListGroupMembershipsForMember,
//! GetGroupMembershipId, IsMemberInGroups.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::StoreError;
use super::model::{IdentityStore, Membership};
use super::{actor, check_resource_id, new_id, page, store, store_mut, token, Empty};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemberId {
    pub user_id: Option<String>,
}

impl MemberId {
    fn user(&self) -> Result<&str, StoreError> {
        let id = self
            .user_id
            .as_deref()
            .ok_or_else(|| StoreError::constraint("MemberId.UserId", "Member must not be null"))?;
        check_resource_id("MemberId.UserId", id)?;
        Ok(id)
    }
}

fn membership_json(store_id: &str, m: &Membership) -> Value {
    json!({
        "IdentityStoreId": store_id,
        "MembershipId": m.id,
        "GroupId": m.group_id,
        "MemberId": {"UserId": m.user_id},
        "CreatedAt": epoch_seconds(m.created_ms),
        "CreatedBy": m.created_by,
        "UpdatedAt": epoch_seconds(m.created_ms),
        "UpdatedBy": m.created_by,
    })
}

fn find<'s>(store: &'s IdentityStore, group_id: &str, user_id: &str) -> Option<&'s Membership> {
    store
        .memberships
        .values()
        .find(|m| m.group_id == group_id && m.user_id == user_id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipInput {
    pub identity_store_id: String,
    pub group_id: String,
    pub member_id: MemberId,
}

pub fn create_group_membership(
    world: &mut World,
    caller: &Caller,
    input: MembershipInput,
) -> Result<Value, StoreError> {
    let store_ref = store(
        world,
        caller,
        "CreateGroupMembership",
        &input.identity_store_id,
    )?;
    check_resource_id("GroupId", &input.group_id)?;
    let user_id = input.member_id.user()?.to_string();
    if !store_ref.groups.contains_key(&input.group_id) {
        return Err(StoreError::not_found("GROUP", &input.group_id));
    }
    if !store_ref.users.contains_key(&user_id) {
        return Err(StoreError::not_found("USER", &user_id));
    }
    if find(store_ref, &input.group_id, &user_id).is_some() {
        return Err(StoreError::duplicate(
            "Member and Group relationship already exists.",
        ));
    }
    let prefix = store_ref.id_prefix().to_string();
    let id = new_id(world, &prefix);
    let now = world.clock.now_ms();
    let who = actor(caller);
    store_mut(world, &input.identity_store_id)
        .memberships
        .insert(
            id.clone(),
            Membership {
                id: id.clone(),
                group_id: input.group_id,
                user_id,
                created_ms: now,
                created_by: who,
            },
        );
    Ok(json!({"MembershipId": id, "IdentityStoreId": input.identity_store_id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipRef {
    pub identity_store_id: String,
    pub membership_id: String,
}

pub fn describe_group_membership(
    world: &mut World,
    caller: &Caller,
    input: MembershipRef,
) -> Result<Value, StoreError> {
    let store = store(
        world,
        caller,
        "DescribeGroupMembership",
        &input.identity_store_id,
    )?;
    check_resource_id("MembershipId", &input.membership_id)?;
    let m = store
        .memberships
        .get(&input.membership_id)
        .ok_or_else(|| StoreError::not_found("GROUP_MEMBERSHIP", &input.membership_id))?;
    let mut out = membership_json(&store.id, m);
    let out_map = out.as_object_mut().expect("an object");
    for key in ["CreatedAt", "CreatedBy", "UpdatedAt", "UpdatedBy"] {
        out_map.remove(key);
    }
    Ok(out)
}

pub fn delete_group_membership(
    world: &mut World,
    caller: &Caller,
    input: MembershipRef,
) -> Result<Empty, StoreError> {
    let store = store(
        world,
        caller,
        "DeleteGroupMembership",
        &input.identity_store_id,
    )?;
    check_resource_id("MembershipId", &input.membership_id)?;
    if !store.memberships.contains_key(&input.membership_id) {
        return Err(StoreError::not_found(
            "GROUP_MEMBERSHIP",
            &input.membership_id,
        ));
    }
    store_mut(world, &input.identity_store_id)
        .memberships
        .remove(&input.membership_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGroupMembershipsInput {
    pub identity_store_id: String,
    pub group_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_group_memberships(
    world: &mut World,
    caller: &Caller,
    input: ListGroupMembershipsInput,
) -> Result<Value, StoreError> {
    let store = store(
        world,
        caller,
        "ListGroupMemberships",
        &input.identity_store_id,
    )?;
    check_resource_id("GroupId", &input.group_id)?;
    if !store.groups.contains_key(&input.group_id) {
        return Err(StoreError::not_found("GROUP", &input.group_id));
    }
    let listing = format!("ListGroupMemberships {} {}", store.id, input.group_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token)?;
    let items = store
        .memberships
        .values()
        .filter(|m| m.group_id == input.group_id)
        .filter(|m| after.as_deref().is_none_or(|a| m.id.as_str() > a));
    let (items, next) = take_page(items, max, |m| m.id.clone());
    let items: Vec<Value> = items
        .into_iter()
        .map(|m| membership_json(&store.id, m))
        .collect();
    let mut out = json!({ "GroupMemberships": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListForMemberInput {
    pub identity_store_id: String,
    pub member_id: MemberId,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_group_memberships_for_member(
    world: &mut World,
    caller: &Caller,
    input: ListForMemberInput,
) -> Result<Value, StoreError> {
    let store = store(
        world,
        caller,
        "ListGroupMembershipsForMember",
        &input.identity_store_id,
    )?;
    let user_id = input.member_id.user()?;
    if !store.users.contains_key(user_id) {
        return Err(StoreError::not_found("USER", user_id));
    }
    let listing = format!("ListGroupMembershipsForMember {} {user_id}", store.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token)?;
    let items = store
        .memberships
        .values()
        .filter(|m| m.user_id == user_id)
        .filter(|m| after.as_deref().is_none_or(|a| m.id.as_str() > a));
    let (items, next) = take_page(items, max, |m| m.id.clone());
    let items: Vec<Value> = items
        .into_iter()
        .map(|m| membership_json(&store.id, m))
        .collect();
    let mut out = json!({ "GroupMemberships": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

pub fn get_group_membership_id(
    world: &mut World,
    caller: &Caller,
    input: MembershipInput,
) -> Result<Value, StoreError> {
    let store = store(
        world,
        caller,
        "GetGroupMembershipId",
        &input.identity_store_id,
    )?;
    check_resource_id("GroupId", &input.group_id)?;
    let user_id = input.member_id.user()?;
    let m = find(store, &input.group_id, user_id).ok_or_else(|| StoreError::NotFound {
        resource_type: "GROUP_MEMBERSHIP",
        resource_id: String::new(),
        message: "GROUP_MEMBERSHIP not found.".into(),
    })?;
    Ok(json!({"MembershipId": m.id, "IdentityStoreId": store.id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IsMemberInGroupsInput {
    pub identity_store_id: String,
    pub member_id: MemberId,
    pub group_ids: Vec<String>,
}

pub fn is_member_in_groups(
    world: &mut World,
    caller: &Caller,
    input: IsMemberInGroupsInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "IsMemberInGroups", &input.identity_store_id)?;
    let user_id = input.member_id.user()?;
    if input.group_ids.is_empty() || input.group_ids.len() > 100 {
        return Err(StoreError::constraint(
            "GroupIds",
            "Member must have length between 1 and 100",
        ));
    }
    for id in &input.group_ids {
        check_resource_id("GroupIds", id)?;
    }
    if !store.users.contains_key(user_id) {
        return Err(StoreError::not_found("USER", user_id));
    }
    let results: Vec<Value> = input
        .group_ids
        .iter()
        .map(|group_id| {
            json!({
                "GroupId": group_id,
                "MemberId": {"UserId": user_id},
                "MembershipExists": find(store, group_id, user_id).is_some(),
            })
        })
        .collect();
    Ok(json!({ "Results": results }))
}
