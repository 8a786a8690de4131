//! AWS STS (awsQuery): who am I, and role sessions that make later calls act as
//! another account's role.

pub mod errors;
pub mod handlers;
pub mod operations;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Principal;
use errors::StsError;

service_operations!(ServiceId::Sts, StsError::from_input, {
    "GetCallerIdentity" => handlers::get_caller_identity,
    "AssumeRole" => handlers::assume_role,
    "GetSessionToken" => handlers::get_session_token,
    "GetAccessKeyInfo" => handlers::get_access_key_info,
});

/// STS's state: the temporary credentials it has issued.
pub type State = StsState;

/// How orgsim serves AWS STS.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "sts",
    wire: Wire::AwsQuery {
        version: operations::API_VERSION,
        namespace: operations::XML_NAMESPACE,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDenied", 403),
    global: false,
    on_org_event: None,
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
};

/// `AssumeRole` acts on the role it names.
fn resource_arn(
    _world: &crate::world::World,
    _caller: &crate::auth::Caller,
    operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    (operation == "AssumeRole")
        .then(|| input.get("RoleArn").and_then(serde_json::Value::as_str))
        .flatten()
        .map(str::to_string)
}

/// Temporary credentials orgsim has issued, by access key id.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StsState {
    pub credentials: OrdMap<String, IssuedCredentials>,
    /// Mixed into every access key id minted: each world that replaces another in the
    /// same process (reset, a loaded snapshot) gets a new epoch, so the same seeded
    /// calls never mint a key that an earlier world already handed out.
    #[serde(default)]
    pub key_epoch: u64,
}

/// One set of temporary credentials and the principal they act as.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IssuedCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub account_id: String,
    pub principal: Principal,
    pub expiration_ms: i64,
    /// `SourceIdentity` set when the role was assumed (kept through role chaining):
    /// the session's `aws:SourceIdentity`.
    #[serde(default)]
    pub source_identity: Option<String>,
    /// Session tags passed to `AssumeRole`: the session's `aws:PrincipalTag/*`.
    #[serde(default)]
    pub session_tags: Vec<(String, String)>,
}
