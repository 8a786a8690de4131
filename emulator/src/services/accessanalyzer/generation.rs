//! Policy generation: StartPolicyGeneration, GetGeneratedPolicy,
//! ListPolicyGenerations, CancelPolicyGeneration. AWS reads the principal's
//! CloudTrail activity; orgsim keeps no per-principal activity record, so a job
//! completes at once with the actions the principal's own policies allow (inline
//! and attached `Allow` statements), on every resource, marked not complete.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeSet;

use super::errors::AaError;
use super::model::PolicyGeneration;
use super::{page, Empty};
use crate::auth::Caller;
use crate::authorize::identity::managed_document;
use crate::policy::{ActionClause, Effect, PolicyDocument};
use crate::services::iam::model::{entity_key, AttachedPolicy, InlinePolicies};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GenerationDetails {
    pub principal_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailDetails {
    #[serde(default)]
    pub trails: Vec<Value>,
    pub access_role: String,
    pub start_time: Value,
    pub end_time: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartPolicyGenerationInput {
    pub policy_generation_details: GenerationDetails,
    pub cloud_trail_details: Option<CloudTrailDetails>,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JobIdOutput {
    pub job_id: String,
}

fn allowed_actions(docs: &[&PolicyDocument]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for doc in docs {
        for s in &doc.statements {
            if let (Effect::Allow, ActionClause::Action(patterns)) = (s.effect, &s.action) {
                out.extend(patterns.iter().cloned());
            }
        }
    }
    out.into_iter().collect()
}

fn documents<'w>(
    world: &'w World,
    account: &str,
    inline: &'w InlinePolicies,
    attached: &'w [AttachedPolicy],
) -> Vec<&'w PolicyDocument> {
    let mut docs: Vec<&PolicyDocument> = inline
        .values()
        .filter_map(|p| p.document.parsed.as_deref())
        .collect();
    docs.extend(
        attached
            .iter()
            .filter_map(|p| managed_document(world, account, &p.arn)),
    );
    docs
}

/// The actions the role or user at `arn` (of the caller's account) is allowed.
fn principal_actions(world: &World, caller: &Caller, arn: &str) -> Result<Vec<String>, AaError> {
    let invalid = || {
        AaError::field(
            "policyGenerationDetails.principalArn",
            format!("Invalid principal ARN: {arn}"),
        )
    };
    let rest = arn.strip_prefix("arn:aws:iam::").ok_or_else(invalid)?;
    let (account, resource) = rest.split_once(':').ok_or_else(invalid)?;
    if account != caller.account_id {
        return Err(AaError::other(format!(
            "The principal {arn} must belong to the account {}.",
            caller.account_id
        )));
    }
    let name = resource.rsplit('/').next().unwrap_or_default();
    let missing = || AaError::other(format!("The principal {arn} does not exist."));
    if resource.starts_with("role/") {
        let role = world
            .iam
            .roles
            .get(&entity_key(account, name))
            .ok_or_else(missing)?;
        Ok(allowed_actions(&documents(
            world,
            account,
            &role.inline,
            &role.attached,
        )))
    } else if resource.starts_with("user/") {
        let user = world
            .iam
            .users
            .get(&entity_key(account, name))
            .ok_or_else(missing)?;
        Ok(allowed_actions(&documents(
            world,
            account,
            &user.inline,
            &user.attached,
        )))
    } else {
        Err(invalid())
    }
}

pub fn start_policy_generation(
    world: &mut World,
    caller: &Caller,
    input: StartPolicyGenerationInput,
) -> Result<JobIdOutput, AaError> {
    let arn = input.policy_generation_details.principal_arn;
    let actions = principal_actions(world, caller, &arn)?;
    let running = world.accessanalyzer.generations.values().any(|g| {
        g.account == caller.account_id && g.principal_arn == arn && g.status == "IN_PROGRESS"
    });
    if running {
        return Err(AaError::conflict(
            "PolicyGeneration",
            &arn,
            "A policy generation job is already running for this principal.",
        ));
    }
    let trail_arns = input
        .cloud_trail_details
        .map(|c| {
            c.trails
                .iter()
                .filter_map(|t| t.get("cloudTrailArn").and_then(Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let now = world.clock.now_ms();
    let job_id = world.ids.uuid();
    world.accessanalyzer.generations.insert(
        job_id.clone(),
        PolicyGeneration {
            job_id: job_id.clone(),
            account: caller.account_id.clone(),
            principal_arn: arn,
            status: "SUCCEEDED".to_string(),
            started_ms: now,
            completed_ms: Some(now),
            actions,
            trail_arns,
        },
    );
    Ok(JobIdOutput { job_id })
}

fn own_job<'w>(
    world: &'w World,
    caller: &Caller,
    id: &str,
) -> Result<&'w PolicyGeneration, AaError> {
    world
        .accessanalyzer
        .generations
        .get(id)
        .filter(|g| g.account == caller.account_id)
        .ok_or_else(|| AaError::not_found("PolicyGeneration", id, format!("Job {id} not found.")))
}

fn job_wire(g: &PolicyGeneration) -> Value {
    let mut out = json!({
        "jobId": g.job_id,
        "principalArn": g.principal_arn,
        "status": g.status,
        "startedOn": iso8601(g.started_ms),
    });
    if let Some(done) = g.completed_ms {
        out["completedOn"] = json!(iso8601(done));
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobInput {
    pub job_id: String,
    pub include_resource_placeholders: Option<bool>,
    pub include_service_level_template: Option<bool>,
}

pub fn get_generated_policy(
    world: &mut World,
    caller: &Caller,
    input: JobInput,
) -> Result<Value, AaError> {
    let g = own_job(world, caller, &input.job_id)?;
    let mut job = job_wire(g);
    job.as_object_mut().expect("object").remove("principalArn");
    let service_level = input.include_service_level_template.unwrap_or(false);
    let actions: Vec<String> = if service_level {
        g.actions
            .iter()
            .map(|a| match a.split_once(':') {
                Some((service, _)) => format!("{service}:*"),
                None => a.clone(),
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    } else {
        g.actions.clone()
    };
    let mut result = json!({
        "properties": {"isComplete": false, "principalArn": g.principal_arn},
    });
    if !g.trail_arns.is_empty() {
        result["properties"]["cloudTrailProperties"] = json!({
            "trailProperties": g.trail_arns.iter().map(|t| json!({"cloudTrailArn": t, "allRegions": true})).collect::<Vec<_>>(),
            "startTime": iso8601(g.started_ms),
            "endTime": iso8601(g.started_ms),
        });
    }
    if !actions.is_empty() && g.status == "SUCCEEDED" {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}],
        });
        result["generatedPolicies"] = json!([{ "policy": policy.to_string() }]);
    }
    Ok(json!({"jobDetails": job, "generatedPolicyResult": result}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPolicyGenerationsInput {
    pub principal_arn: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListPolicyGenerationsOutput {
    pub policy_generations: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_policy_generations(
    world: &mut World,
    caller: &Caller,
    input: ListPolicyGenerationsInput,
) -> Result<ListPolicyGenerationsOutput, AaError> {
    let listing = format!(
        "ListPolicyGenerations {} {}",
        caller.account_id,
        input.principal_arn.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let items = world
        .accessanalyzer
        .generations
        .values()
        .filter(|g| g.account == caller.account_id)
        .filter(|g| {
            input
                .principal_arn
                .as_ref()
                .is_none_or(|p| *p == g.principal_arn)
        })
        .filter(|g| after.as_ref().is_none_or(|a| g.job_id > *a));
    let (jobs, next) = take_page(items, max, |g| g.job_id.clone());
    Ok(ListPolicyGenerationsOutput {
        policy_generations: jobs.into_iter().map(job_wire).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

pub fn cancel_policy_generation(
    world: &mut World,
    caller: &Caller,
    input: JobInput,
) -> Result<Empty, AaError> {
    let g = own_job(world, caller, &input.job_id)?;
    if g.status == "IN_PROGRESS" {
        let id = g.job_id.clone();
        let now = world.clock.now_ms();
        let g = world
            .accessanalyzer
            .generations
            .get_mut(&id)
            .expect("checked");
        g.status = "CANCELED".to_string();
        g.completed_ms = Some(now);
    }
    Ok(Empty {})
}
