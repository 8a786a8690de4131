//! GetFederationToken, AssumeRoot, GetScopedCredentials and DecodeAuthorizationMessage.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::StsError;
use super::handlers::{check_session_policy, issue, parse_duration, policy_arns, Credentials};
use crate::auth::{Caller, Principal};
use crate::services::iam::{documents::IdentityDocument, managed, root_access};
use crate::services::organizations::delegation::{is_delegated_admin, service_access_enabled};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFederationTokenInput {
    pub name: String,
    pub policy: Option<String>,
    pub policy_arns: Option<Vec<Value>>,
    pub duration_seconds: Option<String>,
    pub tags: Option<Vec<Value>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FederatedUser {
    pub federated_user_id: String,
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFederationTokenOutput {
    pub credentials: Credentials,
    pub federated_user: FederatedUser,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packed_policy_size: Option<u32>,
}

/// A federated user whose permissions are the calling IAM user's narrowed by the
/// session policies; AWS refuses role sessions, and allows root at most an hour.
pub fn get_federation_token(
    world: &mut World,
    caller: &Caller,
    input: GetFederationTokenInput,
) -> Result<GetFederationTokenOutput, StsError> {
    super::handlers::check_text(
        &input.name,
        "name",
        2,
        32,
        &regex::Regex::new(r"^[\w+=,.@-]*$").expect("valid"),
        r"[\w+=,.@-]*",
    )?;
    let packed_policy_size = check_session_policy(input.policy.as_deref())?;
    let source_user = match &caller.principal {
        Principal::User { user_name, .. } if !caller.temporary => Some(user_name.clone()),
        Principal::Root if !caller.temporary => None,
        _ => {
            return Err(StsError::AccessDenied(
                "Cannot call GetFederationToken with session credentials".into(),
            ))
        }
    };
    let max = if source_user.is_none() { 3600 } else { 129_600 };
    let duration = parse_duration(
        input.duration_seconds.as_deref(),
        900,
        129_600,
        43_200.min(max),
    )?;
    if duration > max {
        return Err(StsError::Validation(format!(
            "The requested DurationSeconds exceeds the {max} second limit for root credentials."
        )));
    }
    let account_id = caller.account_id.clone();
    let principal = Principal::FederatedUser {
        name: input.name.clone(),
    };
    let credentials = issue(world, &account_id, principal, duration);
    let session_policy = input
        .policy
        .as_deref()
        .and_then(|p| IdentityDocument::parse(p).ok());
    let arns = policy_arns(input.policy_arns.as_deref());
    if let Some(session) = world.sts.credentials.get_mut(&credentials.access_key_id) {
        session.source_user = source_user;
        // AWS: with no session policy, a federated user can do nothing (but call STS).
        session.session_policy = session_policy.or_else(|| {
            Some(IdentityDocument::trusted(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:GetCallerIdentity","Resource":"*"}]}"#,
            ))
        });
        session.session_policy_arns = arns;
    }
    Ok(GetFederationTokenOutput {
        federated_user: FederatedUser {
            federated_user_id: format!("{account_id}:{}", input.name),
            arn: format!("arn:aws:sts::{account_id}:federated-user/{}", input.name),
        },
        credentials,
        packed_policy_size,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRootInput {
    pub target_principal: String,
    pub task_policy_arn: Value,
    pub duration_seconds: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRootOutput {
    pub credentials: Credentials,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// A privileged root session in a member account (centralized root access): called
/// by an IAM principal of the management account or IAM's delegated administrator,
/// never with root credentials; the session acts as the member's root, only for the
/// root-task policy's actions, for at most 15 minutes.
pub fn assume_root(
    world: &mut World,
    caller: &Caller,
    input: AssumeRootInput,
) -> Result<AssumeRootOutput, StsError> {
    let target = input
        .target_principal
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string();
    let target = if input.target_principal.starts_with("arn:") {
        input
            .target_principal
            .split(':')
            .nth(4)
            .unwrap_or_default()
            .to_string()
    } else {
        target
    };
    if target.len() != 12 || !target.bytes().all(|b| b.is_ascii_digit()) {
        return Err(StsError::constraint(
            &input.target_principal,
            "targetPrincipal",
            "Member must be an account ID or an account principal ARN",
        ));
    }
    let task_arn = input
        .task_policy_arn
        .get("arn")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !managed::is_root_task_policy(&task_arn) {
        return Err(StsError::Validation(format!(
            "The task policy {task_arn} is not a valid root-task policy."
        )));
    }
    let duration = parse_duration(input.duration_seconds.as_deref(), 0, 900, 900)?;
    let denied = |why: &str| {
        StsError::AccessDenied(format!(
            "User: {} is not authorized to perform: sts:AssumeRoot on resource: arn:aws:iam::{target}:root ({why})",
            caller.arn()
        ))
    };
    if caller.is_root() {
        return Err(denied("root user credentials cannot call AssumeRoot"));
    }
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| denied("the caller is not in an organization"))?;
    let allowed_caller = org.management_account_id == caller.account_id
        || is_delegated_admin(org, &caller.account_id, root_access::IAM_PRINCIPAL);
    if !allowed_caller {
        return Err(denied(
            "only the management account or IAM's delegated administrator may",
        ));
    }
    if !service_access_enabled(org, root_access::IAM_PRINCIPAL)
        || !root_access::enabled(world, &caller.account_id, root_access::ROOT_SESSIONS)
    {
        return Err(denied(
            "centralized root access (RootSessions) is not enabled",
        ));
    }
    if !org.members.contains_key(target.as_str()) || org.management_account_id == target {
        return Err(denied(
            "the target is not a member account of the organization",
        ));
    }
    let credentials = issue(world, &target, Principal::Root, duration.max(1));
    if let Some(session) = world.sts.credentials.get_mut(&credentials.access_key_id) {
        session.task_policy_arn = Some(task_arn);
    }
    Ok(AssumeRootOutput {
        credentials,
        source_identity: None,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecodeAuthorizationMessageInput {
    pub encoded_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DecodeAuthorizationMessageOutput {
    pub decoded_message: String,
}

/// orgsim's denials are not encoded, so any message decodes to a document that says
/// so; a message made by orgsim (base64 JSON) decodes to itself.
pub fn decode_authorization_message(
    _world: &mut World,
    _caller: &Caller,
    input: DecodeAuthorizationMessageInput,
) -> Result<DecodeAuthorizationMessageOutput, StsError> {
    use base64::Engine;
    if input.encoded_message.is_empty() || input.encoded_message.len() > 10240 {
        return Err(StsError::constraint(
            "…",
            "encodedMessage",
            "Member must have length between 1 and 10240",
        ));
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(input.encoded_message.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|t| serde_json::from_str::<Value>(t).is_ok())
        .ok_or_else(|| {
            StsError::InvalidAuthorizationMessage(
                "The message is not a valid encoded authorization message.".into(),
            )
        })?;
    Ok(DecodeAuthorizationMessageOutput {
        decoded_message: decoded,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetScopedCredentialsInput {
    pub policy: Option<String>,
    pub duration_seconds: Option<String>,
    pub minimum_session_token_size: Option<String>,
    pub scoped_session_description: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScopedSession {
    pub scoped_session_id: String,
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetScopedCredentialsOutput {
    pub credentials: Credentials,
    pub session_info: ScopedSession,
    pub session_token_size: usize,
    pub scoped_policies_count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// Narrower credentials for the same principal: the calling session's policies stay,
/// the new `Policy` joins them, and the session ends no later than the caller's.
pub fn get_scoped_credentials(
    world: &mut World,
    caller: &Caller,
    input: GetScopedCredentialsInput,
) -> Result<GetScopedCredentialsOutput, StsError> {
    let parent = world
        .sts
        .credentials
        .get(&caller.access_key_id)
        .filter(|_| caller.temporary)
        .cloned()
        .ok_or_else(|| {
            StsError::InvalidSubjectCredentials(
                "GetScopedCredentials requires temporary security credentials.".into(),
            )
        })?;
    if let Some(d) = &input.scoped_session_description {
        if d.chars().count() < 2 || d.chars().count() > 256 {
            return Err(StsError::constraint(
                d,
                "scopedSessionDescription",
                "Member must have length between 2 and 256",
            ));
        }
    }
    check_session_policy(input.policy.as_deref())?;
    let policy = match input.policy.as_deref() {
        Some(text) => Some(
            IdentityDocument::parse(text)
                .map_err(|e| StsError::MalformedPolicyDocument(e.message))?,
        ),
        None => None,
    };
    let remaining = (parent.expiration_ms - world.clock.now_ms()) / 1000;
    let duration = parse_duration(
        input.duration_seconds.as_deref(),
        1,
        129_600,
        remaining.max(1),
    )?;
    if duration > remaining {
        return Err(StsError::InsufficientSessionLifetime(format!(
            "The requested DurationSeconds ({duration}) exceeds the {remaining} seconds left in the calling session."
        )));
    }
    let credentials = issue(
        world,
        &parent.account_id,
        parent.principal.clone(),
        duration,
    );
    let mut scoped = parent.scoped_policies.clone();
    scoped.extend(policy);
    let count = scoped.len()
        + usize::from(parent.session_policy.is_some())
        + parent.session_policy_arns.len();
    if let Some(session) = world.sts.credentials.get_mut(&credentials.access_key_id) {
        session.source_identity.clone_from(&parent.source_identity);
        session.session_tags.clone_from(&parent.session_tags);
        session.session_policy.clone_from(&parent.session_policy);
        session
            .session_policy_arns
            .clone_from(&parent.session_policy_arns);
        session.task_policy_arn.clone_from(&parent.task_policy_arn);
        session.source_user.clone_from(&parent.source_user);
        session.scoped_policies = scoped;
    }
    Ok(GetScopedCredentialsOutput {
        session_token_size: credentials.session_token.len(),
        credentials,
        session_info: ScopedSession {
            scoped_session_id: caller.user_id(),
            arn: caller.arn(),
        },
        scoped_policies_count: count,
        source_identity: parent.source_identity,
    })
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
