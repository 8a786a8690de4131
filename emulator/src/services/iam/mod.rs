//! IAM, the part orgsim needs: the roles `AssumeRole` can assume. The IAM API itself is
//! routed (every operation answers 501 `NotImplemented` until built).

pub mod operations;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

/// IAM roles: account id → role name → role. (Nested maps keep snapshot keys strings.)
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IamState {
    pub roles: OrdMap<String, OrdMap<String, Role>>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Role {
    pub role_name: String,
    pub path: String,
    /// `AROA…`, stable for the role's life.
    pub role_id: String,
    /// Accounts whose principals the trust policy lets assume the role.
    pub trusted_accounts: Vec<String>,
    pub max_session_duration: u32,
    pub created_ms: i64,
}

impl IamState {
    pub fn role(&self, account_id: &str, role_name: &str) -> Option<&Role> {
        self.roles.get(account_id)?.get(role_name)
    }

    pub fn put_role(&mut self, account_id: &str, role: Role) {
        self.roles
            .entry(account_id.to_string())
            .or_default()
            .insert(role.role_name.clone(), role);
    }
}
