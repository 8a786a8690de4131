//! Authorization in the request path (DESIGN §3 step 4): AWS's policy evaluation. The
//! service control policies on the caller's path, the resource control policies on a
//! role's path for `sts:AssumeRole`, then the principal's own layers and the resource's
//! policy ([`identity`]). The server calls [`authorize`] under the world lock before the
//! handler; a denial is answered like AWS's, naming the layer, and the handler never runs.
//!
//! AWS's rules for SCPs and RCPs: at every level from the root down to the account, some
//! attached policy must allow, and no policy on the path may deny. The management account is never
//! restricted by SCPs, nor are its resources by RCPs; service-linked roles are not
//! restricted; an organization whose root has not enabled the policy type restricts
//! nothing.

mod context;
pub mod explain;
pub mod identity;
mod resources;

use serde_json::Value;
use std::sync::LazyLock;

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::policy::levels::{evaluate_path, Attached, Level, PathEvaluation, PathOutcome};
use crate::policy::{self, Dialect, PolicyDocument, Request};
use crate::services::organizations::model::{
    Organization, RESOURCE_CONTROL_POLICY, SERVICE_CONTROL_POLICY,
};
use crate::services::organizations::policy_types::{
    FULL_AWS_ACCESS_POLICY, RCP_FULL_AWS_ACCESS_POLICY,
};
use crate::world::World;

pub use context::{principal_arn, request_context};
pub use resources::{action, resource_arn};

/// The layer of AWS's evaluation that refused a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKind {
    ServiceControl,
    ResourceControl,
    Identity,
    PermissionsBoundary,
    Session,
    ResourceBased,
}

impl PolicyKind {
    fn type_name(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => SERVICE_CONTROL_POLICY,
            PolicyKind::ResourceControl => RESOURCE_CONTROL_POLICY,
            PolicyKind::Identity => "IDENTITY_POLICY",
            PolicyKind::PermissionsBoundary => "PERMISSIONS_BOUNDARY",
            PolicyKind::Session => "SESSION_POLICY",
            PolicyKind::ResourceBased => "RESOURCE_POLICY",
        }
    }

    /// The layer as AWS's messages name it.
    pub fn words(self) -> &'static str {
        match self {
            PolicyKind::ServiceControl => "service control policy",
            PolicyKind::ResourceControl => "resource control policy",
            PolicyKind::Identity => "identity-based policy",
            PolicyKind::PermissionsBoundary => "permissions boundary",
            PolicyKind::Session => "session policy",
            PolicyKind::ResourceBased => "resource-based policy",
        }
    }

    fn article(self) -> &'static str {
        match self {
            PolicyKind::Identity => "an",
            _ => "a",
        }
    }
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DenialReason {
    /// A statement of `policy_id` (attached at `target_id`) denies.
    ExplicitDeny {
        policy_id: String,
        target_id: String,
        sid: Option<String>,
    },
    /// No policy attached at `target_id` allows.
    NoAllow { target_id: String },
}

/// A refused request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    pub kind: PolicyKind,
    pub reason: DenialReason,
    /// The caller's ARN as AWS's message shows it (a role session's ARN).
    pub principal_arn: String,
    pub action: String,
    pub resource: String,
}

impl Denial {
    /// AWS's message for the denial.
    pub fn message(&self) -> String {
        let head = format!(
            "User: {} is not authorized to perform: {} on resource: {}",
            self.principal_arn, self.action, self.resource
        );
        match &self.reason {
            DenialReason::ExplicitDeny { .. } => format!(
                "{head} with an explicit deny in {} {}",
                self.kind.article(),
                self.kind.words()
            ),
            DenialReason::NoAllow { .. } => format!(
                "{head} because no {} allows the {} action",
                self.kind.words(),
                self.action
            ),
        }
    }

    /// What the request log says: which policy denied, where.
    pub fn log_summary(&self) -> String {
        match &self.reason {
            DenialReason::ExplicitDeny {
                policy_id,
                target_id,
                sid,
            } => format!(
                "{policy_id}{} attached to {target_id}",
                sid.as_deref()
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default()
            ),
            DenialReason::NoAllow { target_id } => format!(
                "no {} attached to {target_id} allows",
                self.kind.type_name()
            ),
        }
    }

    /// The error the API answers with: `AccessDenied` on the query APIs, otherwise
    /// `AccessDeniedException`, with the status each API documents (CATALOG §2.2).
    pub fn to_api_error(&self, service: ServiceId) -> ApiError {
        let (code, status) = service.description().access_denied;
        ApiError::new(code, status, self.message())
    }
}

/// Checks every layer of AWS's evaluation that governs a request. `Ok` lets it through.
pub fn authorize(
    world: &World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: &Value,
) -> Result<(), Box<Denial>> {
    decide(world, caller, service, operation, input, &mut Vec::new())
}

/// [`authorize`], keeping the principal's layers for the explanation.
pub fn decide(
    world: &World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: &Value,
    trail: &mut Vec<identity::Layer>,
) -> Result<(), Box<Denial>> {
    // AWS: GetCallerIdentity needs no permission and is never denied. GetSessionToken
    // needs no permission either (SCPs still apply), and the federation calls are
    // authorized by the token they carry and the role's trust policy, not by the caller.
    if service == ServiceId::Sts && operation == "GetCallerIdentity" {
        return Ok(());
    }
    let needs_permission = !(service == ServiceId::Sts
        && matches!(
            operation,
            "GetSessionToken" | "AssumeRoleWithWebIdentity" | "AssumeRoleWithSAML"
        ));
    let scp_org = restricting_organization(world, caller, SERVICE_CONTROL_POLICY);
    let role_account = match (service, operation) {
        (ServiceId::Sts, "AssumeRole") => input
            .get("RoleArn")
            .and_then(Value::as_str)
            .and_then(resources::arn_account),
        _ => None,
    };
    let rcp_org = role_account
        .and_then(|account| restricting_organization_of(world, account, RESOURCE_CONTROL_POLICY));
    let principal_layers = needs_permission && identity::applies(world, caller);
    let has_resource_policy = service.description().resource_policy.is_some();
    if scp_org.is_none() && rcp_org.is_none() && !principal_layers && !has_resource_policy {
        return Ok(());
    }
    let action = resources::action(service, operation);
    let resource = resources::resource_arn(world, caller, service, operation, input);
    let governing = match service.description().resource_policy {
        Some(policy_of) => policy_of(world, operation, &resource),
        None => Ok(None),
    };
    if scp_org.is_none() && rcp_org.is_none() && !principal_layers && matches!(governing, Ok(None))
    {
        return Ok(());
    }
    let context = request_context(world, caller, &action, &resource);
    let request = Request {
        action: &action,
        resource: &resource,
        context: &context,
    };
    let deny = |kind, evaluation: PathEvaluation| {
        denial(kind, evaluation.outcome, caller, &action, &resource)
    };
    if let Some(org) = scp_org {
        let levels = levels(org, &caller.account_id, PolicyKind::ServiceControl);
        deny(PolicyKind::ServiceControl, evaluate_path(&levels, &request))?;
    }
    if let (Some(org), Some(account)) = (rcp_org, role_account) {
        let levels = levels(org, account, PolicyKind::ResourceControl);
        deny(
            PolicyKind::ResourceControl,
            evaluate_path(&levels, &request),
        )?;
    }
    let governing = match governing {
        Ok(policy) => policy,
        // The resource does not exist: AWS refuses as if nothing allowed it.
        Err(()) => {
            return Err(Box::new(Denial {
                kind: PolicyKind::ResourceBased,
                reason: DenialReason::NoAllow {
                    target_id: resource.clone(),
                },
                principal_arn: caller.arn(),
                action: action.clone(),
                resource: resource.clone(),
            }))
        }
    };
    if principal_layers || governing.is_some() {
        identity::check(world, caller, &request, governing.as_ref(), trail)?;
    }
    Ok(())
}

fn denial(
    kind: PolicyKind,
    outcome: PathOutcome,
    caller: &Caller,
    action: &str,
    resource: &str,
) -> Result<(), Box<Denial>> {
    let reason = match outcome {
        PathOutcome::Allowed => return Ok(()),
        PathOutcome::ExplicitDeny {
            target_id,
            policy_id,
            sid,
            ..
        } => DenialReason::ExplicitDeny {
            policy_id: policy_id.to_string(),
            target_id: target_id.to_string(),
            sid: sid.map(str::to_string),
        },
        PathOutcome::NoAllow { target_id } => DenialReason::NoAllow {
            target_id: target_id.to_string(),
        },
    };
    Err(Box::new(Denial {
        kind,
        reason,
        principal_arn: caller.arn(),
        action: action.to_string(),
        resource: resource.to_string(),
    }))
}

/// Whether the SCPs on `account_id`'s path allow `request`: `None` when no SCPs restrict
/// the account (no organization, the management account, SCPs not enabled).
pub fn scps_allow(world: &World, account_id: &str, request: &Request) -> Option<bool> {
    let org = restricting_organization_of(world, account_id, SERVICE_CONTROL_POLICY)?;
    let levels = levels(org, account_id, PolicyKind::ServiceControl);
    Some(evaluate_path(&levels, request).outcome == PathOutcome::Allowed)
}

/// The caller's organization, if its SCPs restrict the caller at all.
fn restricting_organization<'w>(
    world: &'w World,
    caller: &Caller,
    policy_type: &str,
) -> Option<&'w Organization> {
    if is_service_linked_role(caller) {
        return None;
    }
    restricting_organization_of(world, &caller.account_id, policy_type)
}

/// `account`'s organization, if `policy_type` is enabled there and the account is not
/// its management account.
fn restricting_organization_of<'w>(
    world: &'w World,
    account: &str,
    policy_type: &str,
) -> Option<&'w Organization> {
    let org = world.organizations.organization_of(account)?;
    (org.management_account_id != account
        && org.policy_type_enabled(policy_type)
        && org.members.contains_key(account))
    .then_some(org)
}

/// Service-linked roles (`AWSServiceRoleFor…`) are outside SCPs' reach.
fn is_service_linked_role(caller: &Caller) -> bool {
    matches!(&caller.principal, Principal::AssumedRole { role_name, .. }
        if role_name.starts_with("AWSServiceRoleFor"))
}

/// FullAWSAccess and RCPFullAWSAccess, parsed once for the whole process.
static FULL_AWS_ACCESS_DOCUMENT: LazyLock<PolicyDocument> = LazyLock::new(|| {
    policy::parse(
        FULL_AWS_ACCESS_POLICY.content,
        Dialect::ServiceControlPolicy,
    )
    .expect("FullAWSAccess parses")
});
/// `RCP_FULL_AWS_ACCESS_POLICY.content` as a document: the one RCP that allows, which
/// the grammar of customer RCPs (deny only) would refuse.
static RCP_FULL_AWS_ACCESS_DOCUMENT: LazyLock<PolicyDocument> = LazyLock::new(|| PolicyDocument {
    version: Some(policy::Version::V2012_10_17),
    id: None,
    statements: vec![policy::Statement {
        sid: None,
        effect: policy::Effect::Allow,
        principal: Some(policy::PrincipalClause::Principal(policy::Principals::Any)),
        action: policy::ActionClause::Action(vec!["*".into()]),
        resource: Some(policy::ResourceClause::Resource(vec!["*".into()])),
        condition: None,
    }],
});

/// The path from the root down to `account` with the policies of `kind` attached at
/// each level, in attachment (id) order.
pub fn levels<'o>(org: &'o Organization, account: &'o str, kind: PolicyKind) -> Vec<Level<'o>> {
    let Some(member) = org.members.get(account) else {
        return Vec::new();
    };
    let containers = org.lineage(&member.parent_id);
    let targets = containers
        .iter()
        .filter_map(|id| match org.ous.get_key_value(id) {
            Some((ou_id, _)) => Some(ou_id.as_str()),
            None => (*id == org.root.id).then_some(org.root.id.as_str()),
        })
        .chain([account]);
    targets
        .map(|target_id| Level {
            target_id,
            // A level with nothing attached allows nothing.
            policies: org
                .attachments
                .get(target_id)
                .into_iter()
                .flatten()
                .filter_map(|id| attached(org, id, kind))
                .collect(),
        })
        .collect()
}

fn attached<'o>(org: &'o Organization, id: &'o str, kind: PolicyKind) -> Option<Attached<'o>> {
    let managed = match kind {
        PolicyKind::ServiceControl => (&FULL_AWS_ACCESS_POLICY, &*FULL_AWS_ACCESS_DOCUMENT),
        PolicyKind::ResourceControl => {
            (&RCP_FULL_AWS_ACCESS_POLICY, &*RCP_FULL_AWS_ACCESS_DOCUMENT)
        }
        _ => return None,
    };
    if id == managed.0.id {
        return Some(Attached {
            id,
            name: managed.0.name,
            document: Some(managed.1),
        });
    }
    let policy = org.policies.get(id)?;
    (policy.policy_type == kind.type_name()).then(|| Attached {
        id,
        name: &policy.name,
        document: policy.document.as_deref(),
    })
}

#[cfg(test)]
mod tests;
