//! The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy (with the
//! Organizations decision from the SCPs on the account's path and the permissions
//! boundary's), GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy.
//!
//! Decisions use the same evaluation as the request path. `MatchedStatements` name the
//! deciding policy; orgsim does not track character positions in documents, so
//! `StartPosition`/`EndPosition` are left out.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::Arc;

use super::account::map_entries;
use super::dto::{de, paginate_vec, PageInfo, PageRequest};
use super::errors::IamError;
use super::{account, managed, validate};
use crate::auth::Caller;
use crate::policy::{self, Dialect, PolicyDecision, PolicyDocument, Request, RequestContext};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextEntryInput {
    pub context_key_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub context_key_values: Vec<String>,
    pub context_key_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulateInput {
    pub policy_source_arn: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub policy_input_list: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub permissions_boundary_policy_input_list: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub action_names: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub resource_arns: Vec<String>,
    pub resource_policy: Option<String>,
    pub caller_arn: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub context_entries: Vec<ContextEntryInput>,
    #[serde(flatten)]
    pub page: PageRequest,
}

/// A policy taking part, with the `SourcePolicyType` AWS reports for it.
struct Source {
    id: String,
    kind: &'static str,
    document: Arc<PolicyDocument>,
}

fn parse_inputs(
    texts: &[String],
    kind: &'static str,
    prefix: &str,
) -> Result<Vec<Source>, IamError> {
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let document = policy::parse(text, Dialect::Identity)
                .map_err(|e| IamError::MalformedPolicyDocument(e.message))?;
            Ok(Source {
                id: format!("{prefix}{}", i + 1),
                kind,
                document: Arc::new(document),
            })
        })
        .collect()
}

fn managed_sources(
    world: &World,
    account_id: &str,
    attached: &[super::model::AttachedPolicy],
) -> Vec<Source> {
    attached
        .iter()
        .filter_map(|a| {
            let doc = crate::authorize::identity::managed_document(world, account_id, &a.arn)?;
            Some(Source {
                id: a.arn.to_string(),
                kind: if managed::is_aws_managed_arn(&a.arn) {
                    "aws-managed"
                } else {
                    "user-managed"
                },
                document: Arc::new(doc.clone()),
            })
        })
        .collect()
}

fn inline_sources(inline: &super::model::InlinePolicies, kind: &'static str) -> Vec<Source> {
    inline
        .values()
        .filter_map(|p| {
            Some(Source {
                id: p.name.clone(),
                kind,
                document: p.document.parsed.clone()?,
            })
        })
        .collect()
}

/// The principal's policies and boundary, from its ARN.
fn principal_sources(
    world: &World,
    account_id: &str,
    arn: &str,
) -> Result<(Vec<Source>, Option<Source>), IamError> {
    let missing = || IamError::no_such(format!("The principal {arn} cannot be found."));
    let rest = arn
        .strip_prefix(&format!("arn:aws:iam::{account_id}:"))
        .ok_or_else(|| IamError::InvalidInput(format!("Invalid ARN {arn} for this account.")))?;
    let name = rest.rsplit('/').next().unwrap_or_default();
    let boundary = |b: &Option<String>| {
        b.as_ref().and_then(|b| {
            crate::authorize::identity::managed_document(world, account_id, b).map(|d| Source {
                id: b.clone(),
                kind: "user-managed",
                document: Arc::new(d.clone()),
            })
        })
    };
    if rest.starts_with("user/") {
        let user = super::user(world, account_id, name).map_err(|_| missing())?;
        let mut sources = inline_sources(&user.inline, "user");
        sources.extend(managed_sources(world, account_id, &user.attached));
        for g in &user.groups {
            if let Some(group) = world.iam.groups.get(&format!("{account_id}/{g}")) {
                sources.extend(inline_sources(&group.inline, "group"));
                sources.extend(managed_sources(world, account_id, &group.attached));
            }
        }
        return Ok((sources, boundary(&user.permissions_boundary)));
    }
    if rest.starts_with("role/") {
        let role = super::role(world, account_id, name).map_err(|_| missing())?;
        let mut sources = inline_sources(&role.inline, "role");
        sources.extend(managed_sources(world, account_id, &role.attached));
        return Ok((sources, boundary(&role.permissions_boundary)));
    }
    if rest.starts_with("group/") {
        let group = super::group(world, account_id, name).map_err(|_| missing())?;
        let mut sources = inline_sources(&group.inline, "group");
        sources.extend(managed_sources(world, account_id, &group.attached));
        return Ok((sources, None));
    }
    Err(IamError::InvalidInput(format!(
        "Invalid ARN {arn}: the policy source must be a user, group or role."
    )))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MatchedStatement {
    pub source_policy_id: String,
    pub source_policy_type: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EvaluationResult {
    pub eval_action_name: String,
    pub eval_resource_name: String,
    pub eval_decision: &'static str,
    pub matched_statements: Vec<MatchedStatement>,
    pub missing_context_values: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organizations_decision_detail: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permissions_boundary_decision_detail: Option<Value>,
    pub eval_decision_details: Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SimulateOutput {
    pub evaluation_results: Vec<EvaluationResult>,
    #[serde(flatten)]
    pub page: PageInfo,
}

fn context_for(
    world: &World,
    caller_arn: &str,
    account_id: &str,
    entries: &[ContextEntryInput],
) -> RequestContext {
    let mut context = RequestContext::default();
    context.set("aws:PrincipalArn", caller_arn);
    context.set("aws:PrincipalAccount", account_id);
    context.set("aws:SecureTransport", "true");
    context.set(
        "aws:CurrentTime",
        crate::world::iso8601(world.clock.now_ms()),
    );
    for e in entries {
        context.set_all(&e.context_key_name, e.context_key_values.clone());
    }
    context
}

fn evaluate(
    world: &World,
    account_id: &str,
    sources: &[Source],
    boundary: Option<&Source>,
    resource_policy: Option<&PolicyDocument>,
    input: &SimulateInput,
    caller_arn: &str,
) -> Result<Vec<EvaluationResult>, IamError> {
    if input.action_names.is_empty() {
        return Err(IamError::Validation(
            "1 validation error detected: Value null at 'actionNames' failed to satisfy constraint: Member must not be null".into(),
        ));
    }
    let context = context_for(world, caller_arn, account_id, &input.context_entries);
    let resources: Vec<String> = if input.resource_arns.is_empty() {
        vec!["*".to_string()]
    } else {
        input.resource_arns.clone()
    };
    let mut results = Vec::new();
    for action in &input.action_names {
        validate::length(action, "actionNames.member", 3, 128)?;
        for resource in &resources {
            let request = Request {
                action,
                resource,
                context: &context,
            };
            let mut matched = Vec::new();
            let mut denied = false;
            let mut allowed = false;
            for source in sources {
                match source.document.decide(&request) {
                    PolicyDecision::Deny(_) => {
                        denied = true;
                        matched.push(MatchedStatement {
                            source_policy_id: source.id.clone(),
                            source_policy_type: source.kind,
                        });
                    }
                    PolicyDecision::Allow(_) => {
                        allowed = true;
                        matched.push(MatchedStatement {
                            source_policy_id: source.id.clone(),
                            source_policy_type: source.kind,
                        });
                    }
                    PolicyDecision::NotApplicable => {}
                }
            }
            if let Some(rp) = resource_policy {
                match rp.decide(&request) {
                    PolicyDecision::Deny(_) => denied = true,
                    PolicyDecision::Allow(_) => allowed = true,
                    PolicyDecision::NotApplicable => {}
                }
            }
            let organizations = crate::authorize::scps_allow(world, account_id, &request);
            let by_boundary =
                boundary.map(|b| matches!(b.document.decide(&request), PolicyDecision::Allow(_)));
            let decision = if denied {
                "explicitDeny"
            } else if allowed && organizations != Some(false) && by_boundary != Some(false) {
                "allowed"
            } else {
                "implicitDeny"
            };
            let missing: Vec<String> = sources
                .iter()
                .flat_map(|s| s.document.statements.iter())
                .flat_map(|st| st.condition.iter().flat_map(|c| c.tests.iter()))
                .map(|t| t.key.clone())
                .filter(|k| context.get(&k.to_ascii_lowercase()).is_none())
                .collect();
            results.push(EvaluationResult {
                eval_action_name: action.clone(),
                eval_resource_name: resource.clone(),
                eval_decision: decision,
                matched_statements: matched,
                missing_context_values: missing,
                organizations_decision_detail: organizations
                    .map(|a| json!({"AllowedByOrganizations": a})),
                permissions_boundary_decision_detail: by_boundary
                    .map(|a| json!({"AllowedByPermissionsBoundary": a})),
                eval_decision_details: map_entries(std::iter::once((
                    "IAM Policy".to_string(),
                    json!(decision),
                ))),
            });
        }
    }
    Ok(results)
}

fn resource_policy(input: &SimulateInput) -> Result<Option<PolicyDocument>, IamError> {
    input
        .resource_policy
        .as_deref()
        .map(|t| {
            policy::parse(t, Dialect::ResourceBased)
                .map_err(|e| IamError::MalformedPolicyDocument(e.message))
        })
        .transpose()
}

pub fn simulate_principal_policy(
    world: &mut World,
    caller: &Caller,
    input: SimulateInput,
) -> Result<SimulateOutput, IamError> {
    let account_id = account(caller);
    let source_arn = input.policy_source_arn.clone().ok_or_else(|| {
        IamError::Validation("1 validation error detected: Value null at 'policySourceArn' failed to satisfy constraint: Member must not be null".into())
    })?;
    validate::arn(&source_arn, "policySourceArn")?;
    let (mut sources, principal_boundary) = principal_sources(world, account_id, &source_arn)?;
    sources.extend(parse_inputs(
        &input.policy_input_list,
        "none",
        "PolicyInputList.",
    )?);
    let boundary = parse_inputs(
        &input.permissions_boundary_policy_input_list,
        "none",
        "PermissionsBoundaryPolicyInputList.",
    )?
    .into_iter()
    .next()
    .or(principal_boundary);
    let rp = resource_policy(&input)?;
    let caller_arn = input
        .caller_arn
        .clone()
        .unwrap_or_else(|| source_arn.clone());
    let results = evaluate(
        world,
        account_id,
        &sources,
        boundary.as_ref(),
        rp.as_ref(),
        &input,
        &caller_arn,
    )?;
    let (evaluation_results, page) = paginate_vec(
        results,
        &input.page,
        &format!("SimulatePrincipalPolicy {source_arn}"),
    )?;
    Ok(SimulateOutput {
        evaluation_results,
        page,
    })
}

pub fn simulate_custom_policy(
    world: &mut World,
    caller: &Caller,
    input: SimulateInput,
) -> Result<SimulateOutput, IamError> {
    let account_id = account(caller);
    if input.policy_input_list.is_empty() {
        return Err(IamError::Validation("1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null".into()));
    }
    let sources = parse_inputs(&input.policy_input_list, "none", "PolicyInputList.")?;
    let boundary = parse_inputs(
        &input.permissions_boundary_policy_input_list,
        "none",
        "PermissionsBoundaryPolicyInputList.",
    )?
    .into_iter()
    .next();
    let rp = resource_policy(&input)?;
    let caller_arn = input
        .caller_arn
        .clone()
        .unwrap_or_else(|| format!("arn:aws:iam::{account_id}:user/simulated"));
    let results = evaluate(
        world,
        account_id,
        &sources,
        boundary.as_ref(),
        rp.as_ref(),
        &input,
        &caller_arn,
    )?;
    let (evaluation_results, page) = paginate_vec(results, &input.page, "SimulateCustomPolicy")?;
    Ok(SimulateOutput {
        evaluation_results,
        page,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContextKeysOutput {
    pub context_key_names: Vec<String>,
}

fn context_keys(sources: &[Source]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for test in sources
        .iter()
        .flat_map(|s| s.document.statements.iter())
        .flat_map(|st| st.condition.iter().flat_map(|c| c.tests.iter()))
    {
        if !keys.iter().any(|k| k.eq_ignore_ascii_case(&test.key)) {
            keys.push(test.key.clone());
        }
    }
    keys
}

pub fn get_context_keys_for_custom_policy(
    _world: &mut World,
    _caller: &Caller,
    input: SimulateInput,
) -> Result<ContextKeysOutput, IamError> {
    let sources = parse_inputs(&input.policy_input_list, "none", "")?;
    Ok(ContextKeysOutput {
        context_key_names: context_keys(&sources),
    })
}

pub fn get_context_keys_for_principal_policy(
    world: &mut World,
    caller: &Caller,
    input: SimulateInput,
) -> Result<ContextKeysOutput, IamError> {
    let arn = input.policy_source_arn.clone().unwrap_or_default();
    let (mut sources, _) = principal_sources(world, account(caller), &arn)?;
    sources.extend(parse_inputs(&input.policy_input_list, "none", "")?);
    Ok(ContextKeysOutput {
        context_key_names: context_keys(&sources),
    })
}
