//! Users: CreateUser, DescribeUser, UpdateUser (attribute operations), DeleteUser,
//! ListUsers (with the `UserName` filter), GetUserId (by `userName`, `emails.value`
//! or an external id).

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::errors::{lower_first, StoreError};
use super::model::User;
use super::{actor, check_resource_id, check_text, new_id, page, store, store_mut, token, Empty};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

/// Single-valued text attributes of a user.
const TEXT_ATTRIBUTES: &[&str] = &[
    "DisplayName",
    "NickName",
    "ProfileUrl",
    "UserType",
    "Title",
    "PreferredLanguage",
    "Locale",
    "Timezone",
    "Website",
    "Birthdate",
];

/// Multi-valued attributes and how many values each may hold.
const LIST_ATTRIBUTES: &[(&str, usize)] = &[
    ("Emails", 1),
    ("Addresses", 1),
    ("PhoneNumbers", 1),
    ("Photos", 3),
    ("Roles", 1),
];

const NAME_PARTS: &[&str] = &[
    "Formatted",
    "FamilyName",
    "GivenName",
    "MiddleName",
    "HonorificPrefix",
    "HonorificSuffix",
];

/// Checks one attribute's value against the model's shapes.
fn check_attribute(member: &str, value: &Value) -> Result<(), StoreError> {
    let text = |path: &str, v: &Value| match v {
        Value::String(s) => check_text(path, s, 1024),
        _ => Err(StoreError::Validation(format!(
            "1 validation error detected: Value at '{}' must be a string",
            lower_first(path)
        ))),
    };
    if TEXT_ATTRIBUTES.contains(&member) {
        return text(member, value);
    }
    if member == "Name" {
        let Value::Object(parts) = value else {
            return Err(StoreError::Validation(
                "1 validation error detected: Value at 'name' must be a structure".into(),
            ));
        };
        for (part, v) in parts {
            if !NAME_PARTS.contains(&part.as_str()) {
                return Err(StoreError::Validation(format!(
                    "1 validation error detected: 'name.{}' is not an attribute of Name",
                    lower_first(part)
                )));
            }
            text(&format!("Name.{part}"), v)?;
        }
        return Ok(());
    }
    if member == "Extensions" {
        return match value {
            Value::Object(map) if (1..=10).contains(&map.len()) => Ok(()),
            _ => Err(StoreError::constraint(
                "Extensions",
                "Member must have between 1 and 10 entries",
            )),
        };
    }
    if let Some((_, max)) = LIST_ATTRIBUTES.iter().find(|(name, _)| *name == member) {
        let Value::Array(items) = value else {
            return Err(StoreError::Validation(format!(
                "1 validation error detected: Value at '{}' must be a list",
                lower_first(member)
            )));
        };
        if items.is_empty() {
            return Err(StoreError::constraint(
                member,
                "Member must have length greater than or equal to 1",
            ));
        }
        if items.len() > *max {
            return Err(StoreError::constraint(
                member,
                &format!("Member must have length less than or equal to {max}"),
            ));
        }
        for item in items {
            let Value::Object(fields) = item else {
                return Err(StoreError::Validation(format!(
                    "1 validation error detected: Value at '{}' must hold structures",
                    lower_first(member)
                )));
            };
            for (field, v) in fields {
                match v {
                    Value::Bool(_) if field == "Primary" => {}
                    _ => text(&format!("{member}.{field}"), v)?,
                }
            }
            if member == "Photos" && !fields.contains_key("Value") {
                return Err(StoreError::constraint(
                    "Photos.Value",
                    "Member must not be null",
                ));
            }
        }
        return Ok(());
    }
    Err(StoreError::Validation(format!(
        "1 validation error detected: '{}' is not a user attribute",
        lower_first(member)
    )))
}

fn is_attribute(member: &str) -> bool {
    TEXT_ATTRIBUTES.contains(&member)
        || member == "Name"
        || member == "Extensions"
        || LIST_ATTRIBUTES.iter().any(|(name, _)| *name == member)
}

fn check_user_name(name: &str) -> Result<(), StoreError> {
    check_text("UserName", name, 128)?;
    if name.chars().any(char::is_whitespace) {
        return Err(StoreError::constraint(
            "UserName",
            "Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ));
    }
    Ok(())
}

/// A user as `DescribeUser` and `ListUsers` show it; extensions only when asked for.
fn user_json(store_id: &str, user: &User, extensions: Option<&[String]>) -> Value {
    let mut out = Map::new();
    out.insert("IdentityStoreId".into(), json!(store_id));
    out.insert("UserId".into(), json!(user.id));
    out.insert("UserName".into(), json!(user.user_name));
    for (key, value) in &user.attributes {
        if key == "Extensions" {
            let Some(wanted) = extensions else { continue };
            let picked: Map<String, Value> = value
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| wanted.contains(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !picked.is_empty() {
                out.insert(key.clone(), Value::Object(picked));
            }
            continue;
        }
        out.insert(key.clone(), value.clone());
    }
    out.insert("UserStatus".into(), json!("ENABLED"));
    out.insert("CreatedAt".into(), json!(epoch_seconds(user.created_ms)));
    out.insert("CreatedBy".into(), json!(user.created_by));
    out.insert("UpdatedAt".into(), json!(epoch_seconds(user.updated_ms)));
    out.insert("UpdatedBy".into(), json!(user.updated_by));
    Value::Object(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateUserInput {
    pub identity_store_id: String,
    pub user_name: Option<String>,
    #[serde(flatten)]
    pub attributes: Map<String, Value>,
}

pub fn create_user(
    world: &mut World,
    caller: &Caller,
    input: CreateUserInput,
) -> Result<Value, StoreError> {
    let store_id = input.identity_store_id;
    let prefix = store(world, caller, "CreateUser", &store_id)?
        .id_prefix()
        .to_string();
    let name = input
        .user_name
        .ok_or_else(|| StoreError::constraint("UserName", "Member must not be null"))?;
    check_user_name(&name)?;
    let mut attributes = Map::new();
    for (key, value) in input.attributes {
        if !is_attribute(&key) || value.is_null() {
            continue;
        }
        check_attribute(&key, &value)?;
        attributes.insert(key, value);
    }
    let store_ref = store(world, caller, "CreateUser", &store_id)?;
    if store_ref.user_names.contains_key(&name.to_lowercase()) {
        return Err(StoreError::duplicate("Duplicate UserName"));
    }
    if store_ref.users.len() >= 50_000 {
        return Err(StoreError::ServiceQuotaExceeded(
            "The number of users in the identity store exceeds the quota".into(),
        ));
    }
    let id = new_id(world, &prefix);
    let now = world.clock.now_ms();
    let who = actor(caller);
    let store = store_mut(world, &store_id);
    store.user_names.insert(name.to_lowercase(), id.clone());
    store.users.insert(
        id.clone(),
        User {
            id: id.clone(),
            user_name: name,
            attributes,
            created_ms: now,
            updated_ms: now,
            created_by: who.clone(),
            updated_by: who,
        },
    );
    Ok(json!({"UserId": id, "IdentityStoreId": store_id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeUserInput {
    pub identity_store_id: String,
    pub user_id: String,
    pub extensions: Option<Vec<String>>,
}

pub fn describe_user(
    world: &mut World,
    caller: &Caller,
    input: DescribeUserInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "DescribeUser", &input.identity_store_id)?;
    check_resource_id("UserId", &input.user_id)?;
    let user = store
        .users
        .get(&input.user_id)
        .ok_or_else(|| StoreError::not_found("USER", &input.user_id))?;
    Ok(user_json(&store.id, user, input.extensions.as_deref()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeOperation {
    pub attribute_path: String,
    pub attribute_value: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateUserInput {
    pub identity_store_id: String,
    pub user_id: String,
    pub operations: Vec<AttributeOperation>,
}

/// `name.givenName` → `["Name", "GivenName"]`.
pub fn member_path(path: &str) -> Vec<String> {
    path.split('.')
        .map(|segment| {
            let mut chars = segment.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

pub fn update_user(
    world: &mut World,
    caller: &Caller,
    input: UpdateUserInput,
) -> Result<Empty, StoreError> {
    let store_ref = store(world, caller, "UpdateUser", &input.identity_store_id)?;
    check_resource_id("UserId", &input.user_id)?;
    if input.operations.is_empty() || input.operations.len() > 100 {
        return Err(StoreError::constraint(
            "Operations",
            "Member must have length between 1 and 100",
        ));
    }
    let mut user = store_ref
        .users
        .get(&input.user_id)
        .ok_or_else(|| StoreError::not_found("USER", &input.user_id))?
        .clone();
    let old_name = user.user_name.clone();
    for operation in &input.operations {
        let path = member_path(&operation.attribute_path);
        let value = operation.attribute_value.clone().filter(|v| !v.is_null());
        match (path.as_slice(), value) {
            ([single], Some(value)) if single == "UserName" => {
                let Value::String(name) = value else {
                    return Err(StoreError::constraint(
                        "UserName",
                        "Member must be a string",
                    ));
                };
                check_user_name(&name)?;
                user.user_name = name;
            }
            ([single], None) if single == "UserName" => {
                return Err(StoreError::Validation(
                    "1 validation error detected: userName cannot be removed".into(),
                ))
            }
            ([member], value) if is_attribute(member) => match value {
                Some(value) => {
                    check_attribute(member, &value)?;
                    user.attributes.insert(member.clone(), value);
                }
                None => {
                    user.attributes.remove(member);
                }
            },
            ([parent, part], value) if parent == "Name" && NAME_PARTS.contains(&part.as_str()) => {
                let mut name = user
                    .attributes
                    .get("Name")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                match value {
                    Some(value) => {
                        name.insert(part.clone(), value);
                    }
                    None => {
                        name.remove(part);
                    }
                }
                let name = Value::Object(name);
                check_attribute("Name", &name)?;
                if name.as_object().is_some_and(Map::is_empty) {
                    user.attributes.remove("Name");
                } else {
                    user.attributes.insert("Name".into(), name);
                }
            }
            _ => {
                return Err(StoreError::Validation(format!(
                    "1 validation error detected: Invalid attribute path {}",
                    operation.attribute_path
                )))
            }
        }
    }
    let renamed = !old_name.eq_ignore_ascii_case(&user.user_name);
    if renamed
        && store_ref
            .user_names
            .contains_key(&user.user_name.to_lowercase())
    {
        return Err(StoreError::duplicate("Duplicate UserName"));
    }
    user.updated_ms = world.clock.now_ms();
    user.updated_by = actor(caller);
    let store = store_mut(world, &input.identity_store_id);
    store.user_names.remove(&old_name.to_lowercase());
    store
        .user_names
        .insert(user.user_name.to_lowercase(), user.id.clone());
    store.users.insert(user.id.clone(), user);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteUserInput {
    pub identity_store_id: String,
    pub user_id: String,
}

/// Deleting a user removes its group memberships too, as AWS does.
pub fn delete_user(
    world: &mut World,
    caller: &Caller,
    input: DeleteUserInput,
) -> Result<Empty, StoreError> {
    let store_ref = store(world, caller, "DeleteUser", &input.identity_store_id)?;
    check_resource_id("UserId", &input.user_id)?;
    let user = store_ref
        .users
        .get(&input.user_id)
        .ok_or_else(|| StoreError::not_found("USER", &input.user_id))?;
    let name = user.user_name.to_lowercase();
    let memberships: Vec<String> = store_ref
        .memberships
        .values()
        .filter(|m| m.user_id == input.user_id)
        .map(|m| m.id.clone())
        .collect();
    let store = store_mut(world, &input.identity_store_id);
    store.users.remove(&input.user_id);
    store.user_names.remove(&name);
    for id in memberships {
        store.memberships.remove(&id);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Filter {
    pub attribute_path: String,
    pub attribute_value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsersInput {
    pub identity_store_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filters: Option<Vec<Filter>>,
    pub extensions: Option<Vec<String>>,
}

pub fn list_users(
    world: &mut World,
    caller: &Caller,
    input: ListUsersInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "ListUsers", &input.identity_store_id)?;
    let filters = input.filters.unwrap_or_default();
    if filters.len() > 1 {
        return Err(StoreError::constraint(
            "Filters",
            "Member must have length less than or equal to 1",
        ));
    }
    let wanted_name = match filters.first() {
        Some(f) if f.attribute_path.eq_ignore_ascii_case("UserName") => {
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
        "ListUsers {} {}",
        store.id,
        wanted_name.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token)?;
    let users = store
        .users
        .values()
        .filter(|u| after.as_deref().is_none_or(|a| u.id.as_str() > a))
        .filter(|u| {
            wanted_name
                .as_deref()
                .is_none_or(|n| u.user_name.eq_ignore_ascii_case(n))
        });
    let (users, next) = take_page(users, max, |u| u.id.clone());
    let users: Vec<Value> = users
        .into_iter()
        .map(|u| user_json(&store.id, u, input.extensions.as_deref()))
        .collect();
    let mut out = json!({ "Users": users });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExternalIdInput {
    pub issuer: String,
    pub id: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UniqueAttributeInput {
    pub attribute_path: String,
    pub attribute_value: Value,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlternateIdentifier {
    pub external_id: Option<ExternalIdInput>,
    pub unique_attribute: Option<UniqueAttributeInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetIdInput {
    pub identity_store_id: String,
    pub alternate_identifier: AlternateIdentifier,
}

/// The unique attribute the identifier names (lower-cased path, value), or `None` for
/// an external id (orgsim's users come from the API, never from SCIM, so none has one).
pub fn unique_attribute(
    identifier: &AlternateIdentifier,
) -> Result<Option<(String, String)>, StoreError> {
    match (&identifier.external_id, &identifier.unique_attribute) {
        (Some(_), None) => Ok(None),
        (None, Some(attribute)) => {
            let Value::String(value) = &attribute.attribute_value else {
                return Err(StoreError::Validation(
                    "1 validation error detected: AttributeValue must be a string".into(),
                ));
            };
            Ok(Some((attribute.attribute_path.to_lowercase(), value.clone())))
        }
        _ => Err(StoreError::Validation(
            "1 validation error detected: AlternateIdentifier must have exactly one of ExternalId, UniqueAttribute".into(),
        )),
    }
}

pub fn get_user_id(
    world: &mut World,
    caller: &Caller,
    input: GetIdInput,
) -> Result<Value, StoreError> {
    let store = store(world, caller, "GetUserId", &input.identity_store_id)?;
    let not_found = || StoreError::NotFound {
        resource_type: "USER",
        resource_id: String::new(),
        message: "USER not found.".into(),
    };
    let user = match unique_attribute(&input.alternate_identifier)? {
        None => None,
        Some((path, value)) => match path.as_str() {
            "username" => store.user_named(&value),
            "emails.value" => store.users.values().find(|u| {
                u.attributes
                    .get("Emails")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .any(|e| e.get("Value").and_then(Value::as_str) == Some(value.as_str()))
            }),
            _ => {
                return Err(StoreError::Validation(format!(
                    "1 validation error detected: {path} is not a unique attribute of users"
                )))
            }
        },
    };
    let user = user.ok_or_else(not_found)?;
    Ok(json!({"UserId": user.id, "IdentityStoreId": store.id}))
}
