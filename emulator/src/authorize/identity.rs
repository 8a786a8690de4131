//! The principal's own layers of AWS's policy evaluation: identity-based policies
//! (a user's inline and attached policies and its groups'; a role's), the permissions
//! boundary, session policies (AssumeRole's `Policy`/`PolicyArns`, GetFederationToken's,
//! AssumeRoot's task policy), and the resource-based policy governing the resource (a
//! role's trust policy on AssumeRole).
//!
//! AWS's rules (IAM User Guide, "Policy evaluation logic"): an explicit deny in any of
//! them wins; otherwise the identity policies must allow, and so must the boundary and
//! the session policies where they exist. A resource-based policy of the same account
//! that names the principal itself allows on its own; a required one (a trust policy)
//! must allow in any case, and when it names only the principal's account, or the
//! call crosses accounts, the identity policies must allow too. An account's root user
//! has no identity policies: it is allowed unless a root session's task policy says
//! otherwise.

use std::sync::Arc;

use crate::api::ResourcePolicy;
use crate::auth::{Caller, Principal};
use crate::policy::{PolicyDecision, PolicyDocument, Request};
use crate::services::iam::{managed, model::AttachedPolicy, model::InlinePolicies};
use crate::world::World;

use super::{Denial, DenialReason, PolicyKind};

/// One policy of a layer, with what it said.
#[derive(Clone, Debug)]
pub struct Verdict {
    /// The policy's ARN, or `<identity ARN>#<inline name>` for an inline policy.
    pub label: String,
    pub decision: PolicyDecision,
    pub sid: Option<String>,
}

/// One layer as the explanation shows it.
#[derive(Clone, Debug)]
pub struct Layer {
    pub kind: PolicyKind,
    pub verdicts: Vec<Verdict>,
}

impl Layer {
    fn allows(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| matches!(v.decision, PolicyDecision::Allow(_)))
    }

    fn deny(&self) -> Option<&Verdict> {
        self.verdicts
            .iter()
            .find(|v| matches!(v.decision, PolicyDecision::Deny(_)))
    }
}

/// The documents of the principal's layers, gathered once per request.
#[derive(Default)]
struct Gathered<'w> {
    /// `None`: the principal has no identity policies to evaluate (a root user).
    identity: Option<Vec<(String, &'w PolicyDocument)>>,
    boundary: Option<(String, &'w PolicyDocument)>,
    /// Each session policy must allow (AWS intersects them with the identity's).
    session: Vec<(String, Arc<PolicyDocument>)>,
}

fn inline<'w>(
    owner_arn: &str,
    policies: &'w InlinePolicies,
    out: &mut Vec<(String, &'w PolicyDocument)>,
) {
    for p in policies.values() {
        if let Some(doc) = p.document.parsed.as_deref() {
            out.push((format!("{owner_arn}#{}", p.name), doc));
        }
    }
}

/// The parsed default version of a managed policy.
pub fn managed_document<'w>(
    world: &'w World,
    account_id: &str,
    arn: &str,
) -> Option<&'w PolicyDocument> {
    if let Some(m) = managed::by_arn(arn) {
        return m.parsed().map(|d| d.as_ref());
    }
    let name = arn.rsplit('/').next()?;
    let policy = world
        .iam
        .policies
        .get(&crate::services::iam::model::entity_key(account_id, name))?;
    policy.default_document().and_then(|d| d.parsed.as_deref())
}

fn attached<'w>(
    world: &'w World,
    account_id: &str,
    policies: &'w [AttachedPolicy],
    out: &mut Vec<(String, &'w PolicyDocument)>,
) {
    for a in policies {
        if let Some(doc) = managed_document(world, account_id, &a.arn) {
            out.push((a.arn.to_string(), doc));
        }
    }
}

fn gather<'w>(world: &'w World, caller: &Caller) -> Gathered<'w> {
    let account_id = caller.account_id.as_str();
    let mut out = Gathered::default();
    let session = world.sts.credentials.get(&caller.access_key_id);
    if let Some(s) = session {
        out.session = s.session_policies(world, account_id);
    }
    let user_layers = |name: &str, out: &mut Gathered<'w>| {
        let Some(user) = world.iam.user(account_id, name) else {
            out.identity = Some(Vec::new());
            return;
        };
        let arn = user.arn(account_id);
        let mut docs = Vec::new();
        inline(&arn, &user.inline, &mut docs);
        attached(world, account_id, &user.attached, &mut docs);
        for g in &user.groups {
            if let Some(group) = world.iam.groups.get(&format!("{account_id}/{g}")) {
                inline(&group.arn(account_id), &group.inline, &mut docs);
                attached(world, account_id, &group.attached, &mut docs);
            }
        }
        out.identity = Some(docs);
        if let Some(b) = &user.permissions_boundary {
            out.boundary = managed_document(world, account_id, b).map(|d| (b.clone(), d));
        }
    };
    match &caller.principal {
        Principal::Root => {}
        Principal::User { user_name, .. } => user_layers(user_name, &mut out),
        Principal::FederatedUser { .. } => {
            if let Some(source) = session.and_then(|s| s.source_user.as_deref()) {
                user_layers(source, &mut out);
            }
        }
        Principal::AssumedRole { role_name, .. } => {
            // A role orgsim invented under --lenient-roles has no policies to weigh.
            if let Some(role) = world.iam.role(account_id, role_name) {
                let arn = role.arn(account_id);
                let mut docs = Vec::new();
                inline(&arn, &role.inline, &mut docs);
                attached(world, account_id, &role.attached, &mut docs);
                out.identity = Some(docs);
                if let Some(b) = &role.permissions_boundary {
                    out.boundary = managed_document(world, account_id, b).map(|d| (b.clone(), d));
                }
            }
        }
    }
    out
}

fn layer(kind: PolicyKind, docs: &[(String, &PolicyDocument)], request: &Request) -> Layer {
    Layer {
        kind,
        verdicts: docs
            .iter()
            .map(|(label, doc)| {
                let decision = doc.decide(request);
                let sid = match decision {
                    PolicyDecision::Allow(i) | PolicyDecision::Deny(i) => {
                        doc.statements[i].sid.clone()
                    }
                    PolicyDecision::NotApplicable => None,
                };
                Verdict {
                    label: label.clone(),
                    decision,
                    sid,
                }
            })
            .collect(),
    }
}

/// Whether anything of the principal's own needs evaluating at all (the fast path of a
/// root caller with no root-task session and no resource policy skips it).
pub fn applies(world: &World, caller: &Caller) -> bool {
    !matches!(caller.principal, Principal::Root)
        || (caller.temporary
            && world
                .sts
                .credentials
                .get(&caller.access_key_id)
                .is_some_and(|s| s.task_policy_arn.is_some()))
}

/// Evaluates the principal's layers and the resource policy; `trail` receives each
/// layer for the explanation.
pub fn check(
    world: &World,
    caller: &Caller,
    request: &Request,
    resource_policy: Option<&ResourcePolicy>,
    trail: &mut Vec<Layer>,
) -> Result<(), Box<Denial>> {
    let gathered = gather(world, caller);
    let deny = |kind: PolicyKind, reason: DenialReason| {
        Err(Box::new(Denial {
            kind,
            reason,
            principal_arn: caller.arn(),
            action: request.action.to_string(),
            resource: request.resource.to_string(),
        }))
    };
    let principal = caller.arn();
    let identity = gathered
        .identity
        .as_ref()
        .map(|docs| layer(PolicyKind::Identity, docs, request));
    let boundary = gathered.boundary.as_ref().map(|b| {
        layer(
            PolicyKind::PermissionsBoundary,
            std::slice::from_ref(b),
            request,
        )
    });
    let session_docs: Vec<(String, &PolicyDocument)> = gathered
        .session
        .iter()
        .map(|(l, d)| (l.clone(), d.as_ref()))
        .collect();
    let sessions: Vec<Layer> = session_docs
        .iter()
        .map(|d| layer(PolicyKind::Session, std::slice::from_ref(d), request))
        .collect();
    let resource = resource_policy.map(|rp| {
        let decision = rp.document.decide(request);
        let named = match decision {
            PolicyDecision::Allow(_) => rp.document.statements.iter().any(|s| {
                s.effect == crate::policy::Effect::Allow
                    && s.applies_to(request)
                    && s.names_principal(request)
            }),
            _ => false,
        };
        let sid = match decision {
            PolicyDecision::Allow(i) | PolicyDecision::Deny(i) => {
                rp.document.statements[i].sid.clone()
            }
            PolicyDecision::NotApplicable => None,
        };
        (
            Layer {
                kind: PolicyKind::ResourceBased,
                verdicts: vec![Verdict {
                    label: rp.label.clone(),
                    decision,
                    sid,
                }],
            },
            named,
        )
    });
    trail.extend(identity.iter().cloned());
    trail.extend(boundary.iter().cloned());
    trail.extend(sessions.iter().cloned());
    trail.extend(resource.iter().map(|(l, _)| l.clone()));

    // 1. An explicit deny anywhere wins.
    let all = identity
        .iter()
        .chain(boundary.iter())
        .chain(sessions.iter())
        .chain(resource.iter().map(|(l, _)| l));
    for l in all {
        if let Some(v) = l.deny() {
            return deny(
                l.kind,
                DenialReason::ExplicitDeny {
                    policy_id: v.label.clone(),
                    target_id: principal.clone(),
                    sid: v.sid.clone(),
                },
            );
        }
    }
    let no_allow = |kind| {
        deny(
            kind,
            DenialReason::NoAllow {
                target_id: principal.clone(),
            },
        )
    };
    // 2. A required resource policy (trust policy) must allow.
    let same_account = resource_policy.is_none_or(|rp| rp.account_id == caller.account_id);
    if let (Some(rp), Some((l, named))) = (resource_policy, &resource) {
        if rp.required && !l.allows() {
            return no_allow(PolicyKind::ResourceBased);
        }
        // 3. Same account, the principal itself named: allowed by the resource policy.
        if l.allows() && *named && same_account {
            return Ok(());
        }
    }
    // 4. The identity policies (if the principal has any), boundary and sessions.
    if let Some(identity) = &identity {
        let resource_allows_alone = resource.as_ref().is_some_and(|(l, _)| l.allows())
            && same_account
            && resource_policy.is_some_and(|rp| !rp.required);
        if !identity.allows() && !resource_allows_alone {
            return no_allow(PolicyKind::Identity);
        }
    }
    if let Some(b) = &boundary {
        if !b.allows() {
            return no_allow(PolicyKind::PermissionsBoundary);
        }
    }
    if sessions.iter().any(|s| !s.allows()) {
        return no_allow(PolicyKind::Session);
    }
    Ok(())
}
