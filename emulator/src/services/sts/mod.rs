//! AWS STS (awsQuery): who am I, and role sessions that make later calls act as
//! another account's role.

pub mod errors;
pub mod federation;
pub mod handlers;
pub mod operations;
pub mod sessions;

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
    "GetFederationToken" => sessions::get_federation_token,
    "AssumeRoot" => sessions::assume_root,
    "DecodeAuthorizationMessage" => sessions::decode_authorization_message,
    "AssumeRoleWithWebIdentity" => federation::assume_role_with_web_identity,
    "AssumeRoleWithSAML" => federation::assume_role_with_saml,
    "GetScopedCredentials" => sessions::get_scoped_credentials,
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
    resource_policy: Some(trust_policy),
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

/// On `AssumeRole`, the role's trust policy governs the role ARN. A role that does not
/// exist is refused like an untrusted one — unless `--lenient-roles` invents it.
fn trust_policy<'w>(
    world: &'w crate::world::World,
    operation: &str,
    resource: &str,
) -> Result<Option<crate::api::ResourcePolicy<'w>>, ()> {
    if operation != "AssumeRole" {
        return Ok(None);
    }
    let Some((account_id, name)) = handlers::role_arn_parts(resource) else {
        return Ok(None);
    };
    match world.iam.role(&account_id, &name) {
        Some(role) => {
            Ok(role
                .trust_policy
                .parsed
                .as_deref()
                .map(|document| crate::api::ResourcePolicy {
                    document,
                    account_id: account_id.clone(),
                    required: true,
                    label: format!("trust policy of {}", role.arn(&account_id)),
                }))
        }
        None if world.settings.lenient_roles
            && name != crate::services::organizations::accounts::DEFAULT_ACCESS_ROLE =>
        {
            Ok(None)
        }
        None => Err(()),
    }
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
    /// The inline session policy (`Policy`) the session was given.
    #[serde(default)]
    pub session_policy: Option<crate::services::iam::documents::IdentityDocument>,
    /// Managed session policies (`PolicyArns`).
    #[serde(default)]
    pub session_policy_arns: Vec<String>,
    /// `AssumeRoot`: the root-task policy that limits the session.
    #[serde(default)]
    pub task_policy_arn: Option<String>,
    /// `GetFederationToken`: the IAM user whose permissions the session narrows.
    #[serde(default)]
    pub source_user: Option<String>,
    /// `GetScopedCredentials`: further session policies, each of which must allow.
    #[serde(default)]
    pub scoped_policies: Vec<crate::services::iam::documents::IdentityDocument>,
}

impl IssuedCredentials {
    /// The session policies that must each allow a call of this session.
    pub fn session_policies(
        &self,
        world: &crate::world::World,
        account_id: &str,
    ) -> Vec<(String, std::sync::Arc<crate::policy::PolicyDocument>)> {
        let mut out = Vec::new();
        if let Some(doc) = self.session_policy.as_ref().and_then(|d| d.parsed.clone()) {
            out.push(("session policy".to_string(), doc));
        }
        for (i, doc) in self.scoped_policies.iter().enumerate() {
            if let Some(parsed) = doc.parsed.clone() {
                out.push((format!("scoped session policy #{}", i + 1), parsed));
            }
        }
        // Several managed session policies act together as one session policy.
        let managed: Vec<_> = self
            .session_policy_arns
            .iter()
            .chain(self.task_policy_arn.iter())
            .filter_map(|arn| {
                crate::authorize::identity::managed_document(world, account_id, arn)
                    .map(|d| (arn.clone(), std::sync::Arc::new(d.clone())))
            })
            .collect();
        if managed.len() <= 1 {
            out.extend(managed);
        } else {
            let label = managed
                .iter()
                .map(|(l, _)| l.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let statements = managed
                .into_iter()
                .flat_map(|(_, d)| d.statements.clone())
                .collect();
            out.push((
                label,
                std::sync::Arc::new(crate::policy::PolicyDocument {
                    version: None,
                    id: None,
                    statements,
                }),
            ));
        }
        out
    }
}
