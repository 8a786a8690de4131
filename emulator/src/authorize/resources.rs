//! What a request asks for in IAM terms: the action `<prefix>:<Operation>` and the ARN
//! of the resource it acts on, where AWS's Service Authorization Reference names one
//! (else `*`).

use serde_json::Value;

use crate::api::ServiceId;
use crate::auth::Caller;
use crate::world::World;

/// The IAM action prefix of an API.
pub fn action_prefix(service: ServiceId) -> &'static str {
    service.description().action_prefix
}

/// `<prefix>:<Action>`: the operation's name, or the IAM action the service maps it to
/// (S3's `ListObjectsV2` needs `s3:ListBucket`).
pub fn action(service: ServiceId, operation: &str) -> String {
    let name = service
        .description()
        .action_name
        .map_or(operation, |name_of| name_of(operation));
    format!("{}:{name}", action_prefix(service))
}

/// Whether requests of this action are answered by the global (us-east-1) endpoint, so
/// that `aws:RequestedRegion` is `us-east-1` whatever region the SDK signs with.
pub fn is_global(action: &str) -> bool {
    let prefix = action.split(':').next().unwrap_or_default();
    ServiceId::ALL.iter().any(|s| {
        let description = s.description();
        description.global && description.action_prefix.eq_ignore_ascii_case(prefix)
    })
}

/// The ARN the request acts on (the service's own mapping), or `*` for operations
/// without a resource type.
pub fn resource_arn(
    world: &World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: &Value,
) -> String {
    service
        .description()
        .resource_arn
        .and_then(|arn_of| arn_of(world, caller, operation, input))
        .unwrap_or_else(|| "*".to_string())
}

/// The account an ARN belongs to (its fifth part), if it names one.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}
