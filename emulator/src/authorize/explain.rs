//! `GET /_orgsim/explain` and `orgsim explain`: the decision on an action, and the trail
//! behind it — each level from the root down to the account, the policies attached
//! there, and which statement allowed or denied.

use serde_json::{json, Value};

use super::context::request_context;
use super::resources::{arn_account, is_global};
use super::{denial, is_service_linked_role, levels, restricting_organization_of, PolicyKind};
use crate::auth::{Caller, Principal};
use crate::policy::levels::{evaluate_path, PathOutcome};
use crate::policy::{PolicyDecision, Request};
use crate::services::organizations::model::Organization;
use crate::world::World;

/// What to explain: who, which action, on what, where.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct ExplainQuery {
    pub account: String,
    pub action: String,
    pub resource: Option<String>,
    pub region: Option<String>,
    /// Explain for a session of this role in the account (default: the root user).
    pub role: Option<String>,
    /// Explain for this IAM user of the account.
    pub user: Option<String>,
}

/// The decision and its trail as JSON, with a `text` rendering for terminals.
pub fn explain(world: &World, query: &ExplainQuery) -> Result<Value, String> {
    if query.account.len() != 12 || !query.account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "account '{}' is not a 12-digit account id",
            query.account
        ));
    }
    if query.action != "*" && !query.action.contains(':') {
        return Err(format!(
            "action '{}' is not service:Operation",
            query.action
        ));
    }
    let principal = match (&query.role, &query.user) {
        (Some(_), Some(_)) => return Err("give --role or --user, not both".to_string()),
        (Some(role_name), None) => Principal::AssumedRole {
            role_name: role_name.clone(),
            role_id: world
                .iam
                .role(&query.account, role_name)
                .map(|r| r.id.to_string())
                .unwrap_or_default(),
            session_name: "orgsim-explain".to_string(),
        },
        (None, Some(user_name)) => {
            let user = world
                .iam
                .user(&query.account, user_name)
                .ok_or_else(|| format!("user {user_name} does not exist in {}", query.account))?;
            Principal::User {
                user_name: user.name.clone(),
                user_id: user.id.clone(),
                path: user.path.clone(),
            }
        }
        (None, None) => Principal::Root,
    };
    let caller = Caller {
        account_id: query.account.clone(),
        principal,
        access_key_id: String::new(),
        temporary: query.role.is_some(),
        region: query
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".to_string()),
    };
    let resource = query.resource.clone().unwrap_or_else(|| "*".to_string());
    let context = request_context(world, &caller, &query.action, &resource);
    let request = Request {
        action: &query.action,
        resource: &resource,
        context: &context,
    };

    let never_denied = query.action.eq_ignore_ascii_case("sts:GetCallerIdentity");
    let scp_note = if never_denied {
        Err("sts:GetCallerIdentity is never denied".to_string())
    } else if is_service_linked_role(&caller) {
        Err("service-linked roles are not restricted by SCPs".to_string())
    } else {
        applicable(world, &query.account, "SERVICE_CONTROL_POLICY", "SCPs")
    };
    let role_account = query
        .action
        .eq_ignore_ascii_case("sts:AssumeRole")
        .then(|| arn_account(&resource))
        .flatten();
    let rcp_note = match role_account {
        None => Err(
            "RCPs are evaluated for sts:AssumeRole on a role ARN in a member account".to_string(),
        ),
        Some(account) => applicable(world, account, "RESOURCE_CONTROL_POLICY", "RCPs"),
    };

    let mut message = None;
    let mut sections = Vec::new();
    let mut text = String::new();
    for (kind, note, account) in [
        (PolicyKind::ServiceControl, scp_note, query.account.as_str()),
        (
            PolicyKind::ResourceControl,
            rcp_note,
            role_account.unwrap_or_default(),
        ),
    ] {
        let title = match kind {
            PolicyKind::ServiceControl => "Service control policies",
            _ => "Resource control policies",
        };
        let org = match note {
            Err(why) => {
                text.push_str(&format!("{title}: not applied ({why})\n"));
                sections.push(json!({"applied": false, "note": why}));
                continue;
            }
            Ok(org) => org,
        };
        let path = levels(org, account, kind);
        let evaluation = evaluate_path(&path, &request);
        if message.is_none() {
            if let Err(d) = denial(
                kind,
                evaluation.outcome.clone(),
                &caller,
                &query.action,
                &resource,
            ) {
                message = Some(d.message());
            }
        }
        text.push_str(&format!(
            "{title} of {} (root down to {account}):\n",
            org.id
        ));
        let mut json_levels = Vec::new();
        for level in &evaluation.trail {
            let (what, name) = describe_target(world, org, level.target_id);
            let allows = level.allows();
            text.push_str(&format!(
                "  {what} {}{} — {}\n",
                level.target_id,
                name.as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                if allows {
                    "allowed at this level"
                } else {
                    "nothing allows at this level"
                }
            ));
            if level.verdicts.is_empty() {
                text.push_str("    (no policy of this type attached)\n");
            }
            let mut json_policies = Vec::new();
            for v in &level.verdicts {
                let (decision, statement) = match v.decision {
                    PolicyDecision::Allow(i) => ("ALLOW", Some(statement_label(v.sid, i))),
                    PolicyDecision::Deny(i) => ("DENY", Some(statement_label(v.sid, i))),
                    PolicyDecision::NotApplicable => ("NO_MATCH", None),
                };
                text.push_str(&format!(
                    "    {:<20} {:<28} {}{}\n",
                    v.policy.id,
                    v.policy.name,
                    decision,
                    statement
                        .as_deref()
                        .map(|s| format!(" by statement {s}"))
                        .unwrap_or_default()
                ));
                json_policies.push(json!({
                    "id": v.policy.id, "name": v.policy.name,
                    "decision": decision, "statement": statement,
                }));
            }
            json_levels.push(json!({
                "target": level.target_id, "type": what, "name": name,
                "allows": allows, "policies": json_policies,
            }));
        }
        let outcome = match &evaluation.outcome {
            PathOutcome::Allowed => "ALLOWED".to_string(),
            PathOutcome::ExplicitDeny {
                policy_id,
                target_id,
                ..
            } => {
                format!("DENIED: {policy_id} attached to {target_id} denies explicitly")
            }
            PathOutcome::NoAllow { target_id } => {
                format!("DENIED: no policy attached to {target_id} allows")
            }
        };
        text.push_str(&format!("  => {outcome}\n"));
        sections.push(json!({
            "applied": true, "organization": org.id, "levels": json_levels, "outcome": outcome,
        }));
    }
    let principal_section = principal_layers(world, &caller, &request, &mut message, &mut text);
    let decision = if message.is_some() {
        "DENIED"
    } else {
        "ALLOWED"
    };
    let principal = caller.arn();
    let header = format!(
        "{decision}: {principal} → {} on {resource} in {}\n{}",
        query.action,
        if is_global(&query.action) {
            "us-east-1 (global service)"
        } else {
            caller.region.as_str()
        },
        message
            .as_deref()
            .map(|m| format!("{m}\n"))
            .unwrap_or_default()
    );
    let [scps, rcps]: [Value; 2] = sections.try_into().expect("two sections");
    Ok(json!({
        "decision": decision,
        "message": message,
        "principal": principal,
        "action": query.action,
        "resource": resource,
        "region": caller.region,
        "service_control_policies": scps,
        "resource_control_policies": rcps,
        "principal_policies": principal_section,
        "text": format!("{header}{text}"),
    }))
}

/// The principal's own layers (identity policies, boundary, session policies) and the
/// resource's policy (a role's trust policy on `sts:AssumeRole`): each policy and the
/// statement that decided.
fn principal_layers(
    world: &World,
    caller: &Caller,
    request: &Request,
    message: &mut Option<String>,
    text: &mut String,
) -> Value {
    let governing = if request.action.eq_ignore_ascii_case("sts:AssumeRole") {
        crate::services::sts::SERVICE
            .resource_policy
            .and_then(|f| f(world, "AssumeRole", request.resource).ok().flatten())
    } else {
        None
    };
    if !super::identity::applies(world, caller) && governing.is_none() {
        text.push_str("Identity-based policies: not applied (an account's root user has none)\n");
        return json!({"applied": false, "note": "an account's root user has no identity-based policies"});
    }
    let mut trail = Vec::new();
    let outcome = super::identity::check(world, caller, request, governing.as_ref(), &mut trail);
    let mut layers = Vec::new();
    for layer in &trail {
        text.push_str(&format!(
            "{} of {}:\n",
            capitalized(layer.kind.words()),
            caller.arn()
        ));
        if layer.verdicts.is_empty() {
            text.push_str("    (none)\n");
        }
        let mut policies = Vec::new();
        for v in &layer.verdicts {
            let (decision, statement) = match v.decision {
                PolicyDecision::Allow(i) => ("ALLOW", Some(statement_label(v.sid.as_deref(), i))),
                PolicyDecision::Deny(i) => ("DENY", Some(statement_label(v.sid.as_deref(), i))),
                PolicyDecision::NotApplicable => ("NO_MATCH", None),
            };
            text.push_str(&format!(
                "    {:<60} {}{}\n",
                v.label,
                decision,
                statement
                    .as_deref()
                    .map(|s| format!(" by statement {s}"))
                    .unwrap_or_default()
            ));
            policies.push(json!({"policy": v.label, "decision": decision, "statement": statement}));
        }
        layers.push(json!({"layer": layer.kind.words(), "policies": policies}));
    }
    let verdict = match &outcome {
        Ok(()) => "ALLOWED".to_string(),
        Err(d) => {
            if message.is_none() {
                *message = Some(d.message());
            }
            format!("DENIED by the {}", d.kind.words())
        }
    };
    text.push_str(&format!("  => {verdict}\n"));
    json!({"applied": true, "layers": layers, "outcome": verdict})
}

fn capitalized(words: &str) -> String {
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase())
        .into_iter()
        .chain(chars)
        .collect()
}

/// The organization whose policies of `policy_type` restrict `account`, or why none do.
fn applicable<'w>(
    world: &'w World,
    account: &str,
    policy_type: &str,
    short: &str,
) -> Result<&'w Organization, String> {
    let Some(org) = world.organizations.organization_of(account) else {
        return Err(format!("account {account} is not in an organization"));
    };
    if org.management_account_id == account {
        return Err(format!("{short} never restrict the management account"));
    }
    restricting_organization_of(world, account, policy_type)
        .ok_or_else(|| format!("{policy_type} is not enabled in {}", org.id))
}

fn describe_target(
    world: &World,
    org: &Organization,
    target: &str,
) -> (&'static str, Option<String>) {
    if target == org.root.id {
        ("root", Some(org.root.name.clone()))
    } else if let Some(ou) = org.ous.get(target) {
        ("ou", Some(ou.name.clone()))
    } else {
        let name = world
            .organizations
            .accounts
            .get(target)
            .map(|a| a.name.to_string());
        ("account", name)
    }
}

fn statement_label(sid: Option<&str>, index: usize) -> String {
    sid.map_or_else(|| format!("#{}", index + 1), |s| format!("'{s}'"))
}
