//! Identity Store state: one store per IAM Identity Center instance, with its users,
//! groups and group memberships. Ids are `<store hex>-<uuid>`, as AWS's.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Every identity store, by `d-…` id.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityStoreState {
    pub stores: OrdMap<String, IdentityStore>,
}

/// The directory of one Identity Center instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdentityStore {
    pub id: String,
    /// The account that owns the instance (the management account for the
    /// organization instance).
    pub owner_account: String,
    /// The organization of an organization instance (its `sso.amazonaws.com`
    /// delegated administrator may use the store too).
    pub organization_id: Option<String>,
    pub users: OrdMap<String, User>,
    pub groups: OrdMap<String, Group>,
    pub memberships: OrdMap<String, Membership>,
    /// Lower-cased user name → user id (user names are unique regardless of case).
    pub user_names: OrdMap<String, String>,
    /// Lower-cased display name → group id.
    pub group_names: OrdMap<String, String>,
}

impl IdentityStore {
    pub fn new(id: &str, owner_account: &str, organization_id: Option<String>) -> Self {
        IdentityStore {
            id: id.to_string(),
            owner_account: owner_account.to_string(),
            organization_id,
            users: OrdMap::new(),
            groups: OrdMap::new(),
            memberships: OrdMap::new(),
            user_names: OrdMap::new(),
            group_names: OrdMap::new(),
        }
    }

    /// The hex part of the store id, which prefixes every id in the store.
    pub fn id_prefix(&self) -> &str {
        self.id.strip_prefix("d-").unwrap_or(&self.id)
    }

    /// The groups `user_id` is a direct member of.
    pub fn groups_of(&self, user_id: &str) -> Vec<String> {
        self.memberships
            .values()
            .filter(|m| m.user_id == user_id)
            .map(|m| m.group_id.clone())
            .collect()
    }

    /// The user called `name` (regardless of case).
    pub fn user_named(&self, name: &str) -> Option<&User> {
        self.user_names
            .get(&name.to_lowercase())
            .and_then(|id| self.users.get(id))
    }
}

/// A user: its name and id, and every other attribute as the caller wrote it, in the
/// API's member names (`Name`, `Emails`, `DisplayName`, …).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub id: String,
    pub user_name: String,
    pub attributes: Map<String, Value>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
    pub updated_by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
    pub updated_by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Membership {
    pub id: String,
    pub group_id: String,
    pub user_id: String,
    pub created_ms: i64,
    pub created_by: String,
}
