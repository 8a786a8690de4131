//! What a request asks for in IAM terms: the action `<prefix>:<Operation>` and the ARN
//! of the resource it acts on, where AWS's Service Authorization Reference names one
//! (else `*`).

use serde_json::Value;

use crate::api::ServiceId;
use crate::auth::Caller;
use crate::services::organizations::dto;
use crate::services::organizations::policies::find_policy;
use crate::world::World;

/// The IAM action prefix of each API (the same as the signing name for these five).
pub fn action_prefix(service: ServiceId) -> &'static str {
    service.signing_name()
}

/// `<prefix>:<Operation>`.
pub fn action(service: ServiceId, operation: &str) -> String {
    format!("{}:{operation}", action_prefix(service))
}

/// Whether requests of this action are answered by the global (us-east-1) endpoint, so
/// that `aws:RequestedRegion` is `us-east-1` whatever region the SDK signs with.
pub fn is_global(action: &str) -> bool {
    let prefix = action.split(':').next().unwrap_or_default();
    prefix.eq_ignore_ascii_case("organizations") || prefix.eq_ignore_ascii_case("iam")
}

/// The ARN the request acts on, or `*` for operations without a resource type.
pub fn resource_arn(
    world: &World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: &Value,
) -> String {
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    let (account, region) = (caller.account_id.as_str(), caller.region.as_str());
    let arn = match service {
        ServiceId::Sts if operation == "AssumeRole" => text("RoleArn").map(str::to_string),
        ServiceId::GuardDuty | ServiceId::SecurityHub if text("ResourceArn").is_some() => {
            text("ResourceArn").map(str::to_string)
        }
        ServiceId::GuardDuty => text("DetectorId").map(|detector| {
            let detector = format!("arn:aws:guardduty:{region}:{account}:detector/{detector}");
            match text("FilterName") {
                Some(filter) => format!("{detector}/filter/{filter}"),
                None => detector,
            }
        }),
        ServiceId::SecurityHub => text("HubArn").map(str::to_string),
        ServiceId::Organizations => organizations_arn(world, caller, input),
        ServiceId::Sts | ServiceId::Config | ServiceId::Iam => None,
    };
    arn.unwrap_or_else(|| "*".to_string())
}

/// The Organizations resource an operation names: its policy, account, OU, root or
/// handshake (in that order, so `AttachPolicy` is about the policy).
fn organizations_arn(world: &World, caller: &Caller, input: &Value) -> Option<String> {
    let text = |member: &str| input.get(member).and_then(Value::as_str);
    if let Some(handshake) =
        text("HandshakeId").and_then(|id| world.organizations.handshakes.get(id))
    {
        // The recipient of an invitation is not in the organization yet.
        let state = handshake.state;
        return Some(dto::handshake(handshake, state).arn);
    }
    let org = world.organizations.organization_of(&caller.account_id)?;
    if let Some(id) = text("PolicyId") {
        return find_policy(org, id).map(|p| p.summary(org).arn);
    }
    if let Some(id) = text("AccountId") {
        return Some(org.account_arn(id));
    }
    if let Some(id) = text("OrganizationalUnitId") {
        return Some(org.ou_arn(id));
    }
    text("RootId").map(|id| {
        format!(
            "arn:aws:organizations::{}:root/{}/{id}",
            org.management_account_id, org.id
        )
    })
}

/// The account an ARN belongs to (its fifth part), if it names one.
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':')
        .nth(4)
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))
}
