//! AWS STS (awsQuery): who am I, and role sessions that make later calls act as
//! another account's role.

pub mod errors;
pub mod handlers;
pub mod operations;

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::{ApiError, ApiResult, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::call;
use crate::world::World;
use errors::StsError;

pub fn dispatch(world: &mut World, caller: &Caller, operation: &str, input: Value) -> ApiResult {
    let bad = StsError::from_input;
    match operation {
        "GetCallerIdentity" => call(world, caller, input, handlers::get_caller_identity, bad),
        "AssumeRole" => call(world, caller, input, handlers::assume_role, bad),
        "GetSessionToken" => call(world, caller, input, handlers::get_session_token, bad),
        "GetAccessKeyInfo" => call(world, caller, input, handlers::get_access_key_info, bad),
        _ => Err(ApiError::not_implemented(ServiceId::Sts, operation)),
    }
}

/// Temporary credentials orgsim has issued, by access key id.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct StsState {
    pub credentials: OrdMap<String, IssuedCredentials>,
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
}
