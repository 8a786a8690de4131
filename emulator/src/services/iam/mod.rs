//! IAM, the part orgsim needs: the roles `AssumeRole` can assume. The IAM API itself is
//! routed (every operation answers 501 `NotImplemented` until built).

pub mod operations;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{ApiError, ApiResult, ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::world::World;

/// IAM's state: roles.
pub type State = IamState;

/// How orgsim serves AWS IAM (routed; no operation built yet).
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "iam",
    wire: Wire::AwsQuery {
        version: operations::API_VERSION,
        namespace: operations::XML_NAMESPACE,
    },
    operations: operations::OPERATIONS,
    implemented: &[],
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDenied", 403),
    global: true,
    on_org_event: None,
    on_request: None,
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
};

fn dispatch(_world: &mut World, _caller: &Caller, operation: &str, _input: Value) -> ApiResult {
    Err(ApiError::not_implemented(ServiceId::Iam, operation))
}

/// IAM roles by `<account id>/<role name>`: one flat map, because a map per account
/// would cost kilobytes each at 100,000 accounts (and snapshot keys must be strings).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct IamState {
    pub roles: OrdMap<String, Role>,
}

fn role_key(account_id: &str, role_name: &str) -> String {
    format!("{account_id}/{role_name}")
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
        self.roles.get(&role_key(account_id, role_name))
    }

    pub fn put_role(&mut self, account_id: &str, role: Role) {
        self.roles
            .insert(role_key(account_id, &role.role_name), role);
    }
}
