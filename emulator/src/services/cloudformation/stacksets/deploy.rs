//! Running a stack set operation: for each target account and region, in the
//! preferences' region order, the instance's stack is made, updated or deleted by the
//! stack engine as the role AWS would use there; failures beyond the failure tolerance
//! of a region cancel the regions after it. Everything finishes within the call.

use md5::{Digest, Md5};
use serde_json::Value;
use std::collections::BTreeMap;

use super::model::{Operation, OperationResult, Preferences, StackInstance, StackSet, Targets};
use super::{set_mut, Admin, DEFAULT_ADMIN_ROLE, DEFAULT_EXECUTION_ROLE};
use crate::api::ServiceId;
use crate::auth::{Caller, Principal};
use crate::services::cloudformation::engine::OnFailure;
use crate::services::cloudformation::errors::CfnError;
use crate::services::cloudformation::model::Stack;
use crate::services::cloudformation::stacks::{self, UpdateRequest};
use crate::services::cloudformation::template::params::Given;
use crate::world::World;

/// One (account, region) an operation acts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub account: String,
    pub region: String,
    pub ou_id: Option<String>,
}

/// What an operation does to each target.
#[derive(Clone, Debug)]
pub enum Work {
    /// Create or update the instance; `Some` replaces its parameter overrides.
    Deploy {
        overrides: Option<BTreeMap<String, String>>,
    },
    /// Delete the instance, keeping its stack (detached from the set) when `retain`.
    Remove { retain: bool },
}

pub struct Request {
    pub id: String,
    /// `CREATE`, `UPDATE` or `DELETE`.
    pub action: &'static str,
    pub preferences: Preferences,
    pub deployment_targets: Option<Targets>,
    pub work: Work,
    pub targets: Vec<Target>,
}

const CANCELLED_REASON: &str = "Cancelled since failure tolerance has exceeded";

/// Runs `request` on the set at `index` and records the operation; its id back.
pub fn run(world: &mut World, admin: &Admin, index: usize, request: Request) -> String {
    let mut set = set_mut(world, admin, index).clone();
    let created_ms = world.clock.now_ms();
    let mut results = Vec::new();
    let mut exceeded = false;
    for region in region_order(&request) {
        let in_region: Vec<&Target> = request
            .targets
            .iter()
            .filter(|t| t.region == region)
            .collect();
        let tolerance = tolerance(&request.preferences, in_region.len());
        let mut failures = 0;
        for target in in_region {
            let outcome = if exceeded {
                Err(Outcome::Cancelled)
            } else {
                match &request.work {
                    Work::Deploy { overrides } => deploy(
                        world,
                        admin,
                        &mut set,
                        target,
                        overrides.as_ref(),
                        &request.id,
                    )
                    .map_err(Outcome::Failed),
                    Work::Remove { retain } => {
                        remove(world, admin, &mut set, target, *retain).map_err(Outcome::Failed)
                    }
                }
            };
            let (status, reason) = match outcome {
                Ok(()) => ("SUCCEEDED", None),
                Err(Outcome::Failed(reason)) => {
                    failures += 1;
                    ("FAILED", Some(reason))
                }
                Err(Outcome::Cancelled) => {
                    if let Work::Deploy { .. } = request.work {
                        mark_cancelled(&mut set, target, &request.id);
                    }
                    ("CANCELLED", Some(CANCELLED_REASON.to_string()))
                }
            };
            results.push(OperationResult {
                account: target.account.clone(),
                region: target.region.clone(),
                status: status.into(),
                status_reason: reason,
                ou_id: target.ou_id.clone(),
            });
        }
        if failures > tolerance {
            exceeded = true;
        }
    }
    let operation = Operation {
        id: request.id.clone(),
        action: request.action.into(),
        status: if exceeded { "FAILED" } else { "SUCCEEDED" }.into(),
        status_reason: exceeded
            .then(|| "The Operation failed because the failure tolerance was exceeded.".into()),
        preferences: request.preferences,
        retain_stacks: match request.work {
            Work::Remove { retain } => Some(retain),
            Work::Deploy { .. } => None,
        },
        administration_role_arn: set.administration_role_arn.clone(),
        execution_role_name: set.execution_role_name.clone(),
        created_ms,
        ended_ms: world.clock.now_ms(),
        deployment_targets: request.deployment_targets,
        results,
        drift: None,
    };
    set.operations.push(operation);
    *set_mut(world, admin, index) = set;
    request.id
}

enum Outcome {
    Failed(String),
    Cancelled,
}

/// `RegionOrder` first, then the other regions as the request names them.
fn region_order(request: &Request) -> Vec<String> {
    let mut order: Vec<String> = request
        .preferences
        .region_order
        .iter()
        .filter(|r| request.targets.iter().any(|t| &t.region == *r))
        .cloned()
        .collect();
    for t in &request.targets {
        if !order.contains(&t.region) {
            order.push(t.region.clone());
        }
    }
    order
}

/// How many failures a region may have before the operation stops (default 0).
fn tolerance(p: &Preferences, targets: usize) -> usize {
    match (p.failure_tolerance_count, p.failure_tolerance_percentage) {
        (Some(count), _) => count.max(0) as usize,
        (None, Some(pct)) => (pct.clamp(0, 100) as usize * targets) / 100,
        (None, None) => 0,
    }
}

fn instance_mut<'s>(set: &'s mut StackSet, target: &Target) -> &'s mut StackInstance {
    let pos = match set
        .instances
        .iter()
        .position(|i| i.account == target.account && i.region == target.region)
    {
        Some(pos) => pos,
        None => {
            set.instances.push(StackInstance {
                account: target.account.clone(),
                region: target.region.clone(),
                ou_id: target.ou_id.clone(),
                stack_id: None,
                parameter_overrides: BTreeMap::new(),
                status: "OUTDATED".into(),
                detailed_status: "PENDING".into(),
                status_reason: None,
                last_operation_id: None,
                drift_status: "NOT_CHECKED".into(),
                drift_checked_ms: None,
            });
            set.instances.len() - 1
        }
    };
    &mut set.instances[pos]
}

fn mark_cancelled(set: &mut StackSet, target: &Target, operation_id: &str) {
    let instance = instance_mut(set, target);
    instance.detailed_status = "CANCELLED".into();
    instance.status = "OUTDATED".into();
    instance.status_reason = Some(CANCELLED_REASON.into());
    instance.last_operation_id = Some(operation_id.to_string());
}

/// Creates or updates one instance's stack.
fn deploy(
    world: &mut World,
    admin: &Admin,
    set: &mut StackSet,
    target: &Target,
    overrides: Option<&BTreeMap<String, String>>,
    operation_id: &str,
) -> Result<(), String> {
    let snapshot = set.clone();
    let instance = instance_mut(set, target);
    if let Some(o) = overrides {
        instance.parameter_overrides = o.clone();
    }
    if instance.ou_id.is_none() {
        instance.ou_id = target.ou_id.clone();
    }
    instance.last_operation_id = Some(operation_id.to_string());
    let outcome = executor(world, admin, &snapshot, &target.account, &target.region)
        .and_then(|acting| apply(world, &snapshot, instance, acting));
    match &outcome {
        Ok(()) => {
            instance.status = "CURRENT".into();
            instance.detailed_status = "SUCCEEDED".into();
            instance.status_reason = None;
        }
        Err(reason) => {
            instance.status = "OUTDATED".into();
            instance.detailed_status = "FAILED".into();
            instance.status_reason = Some(reason.clone());
        }
    }
    outcome
}

fn given(set: &StackSet, instance: &StackInstance) -> BTreeMap<String, Given> {
    let mut values = set.parameters.clone();
    values.extend(instance.parameter_overrides.clone());
    values
        .into_iter()
        .map(|(k, v)| {
            (
                k,
                Given {
                    value: Some(v),
                    use_previous: false,
                },
            )
        })
        .collect()
}

/// The live stack of an instance: its index in the target region.
fn stack_index(world: &World, instance: &StackInstance) -> Option<usize> {
    let id = instance.stack_id.as_deref()?;
    world
        .cloudformation
        .regional(&instance.account, &instance.region)?
        .stacks
        .iter()
        .position(|s| s.stack_id == id && !s.deleted())
}

fn apply(
    world: &mut World,
    set: &StackSet,
    instance: &mut StackInstance,
    acting: Caller,
) -> Result<(), String> {
    let (account, region) = (instance.account.clone(), instance.region.clone());
    if let Some(index) = stack_index(world, instance) {
        let stack = stacks::take(world, &account, &region, index);
        if stack.status != "ROLLBACK_COMPLETE" {
            let request = UpdateRequest {
                body: set.template_body.clone(),
                given: given(set, instance),
                capabilities: None,
                tags: set.tags.clone(),
                role_arn: None,
                stack_policy: None,
                during_update_policy: None,
            };
            return match stacks::update_to(world, &acting, index, stack, request) {
                Ok(()) => {
                    let stack = &world
                        .cloudformation
                        .regional(&account, &region)
                        .expect("stack")
                        .stacks[index];
                    if stack.status == "UPDATE_COMPLETE" {
                        Ok(())
                    } else {
                        Err(failure_reason(stack))
                    }
                }
                Err(CfnError::Validation(m)) if m == "No updates are to be performed." => Ok(()),
                Err(e) => Err(message(e)),
            };
        }
        // A stack whose creation rolled back cannot be updated: AWS replaces it.
        stacks::delete_at(world, &acting, index, stack, &[]);
    }
    let name = format!("StackSet-{}-{}", set.name, world.ids.uuid());
    let mut stack = stacks::new_stack(world, &account, &region, &name);
    let prepared = stacks::prepare(
        world,
        &account,
        &region,
        &name,
        &stack.stack_id,
        &set.template_body,
        &given(set, instance),
        &BTreeMap::new(),
        None,
        &[],
    )
    .map_err(message)?;
    stack.template_body = set.template_body.clone();
    stack.description = prepared.template.description.clone();
    stack.parameters = prepared.parameters.clone();
    stack.tags = set.tags.clone();
    stack.capabilities = set.capabilities.clone();
    stack.stack_set_id = Some(set.id.clone());
    instance.stack_id = Some(stack.stack_id.clone());
    let index = stacks::run_create(world, acting, prepared, stack, OnFailure::Rollback);
    let stack = &world
        .cloudformation
        .regional(&account, &region)
        .expect("stack")
        .stacks[index];
    if stack.status == "CREATE_COMPLETE" {
        Ok(())
    } else {
        Err(failure_reason(stack))
    }
}

/// Deletes (or detaches) one instance's stack and drops the instance.
fn remove(
    world: &mut World,
    admin: &Admin,
    set: &mut StackSet,
    target: &Target,
    retain: bool,
) -> Result<(), String> {
    let Some(pos) = set
        .instances
        .iter()
        .position(|i| i.account == target.account && i.region == target.region)
    else {
        return Ok(());
    };
    let instance = set.instances[pos].clone();
    if let Some(index) = stack_index(world, &instance) {
        let (account, region) = (instance.account.clone(), instance.region.clone());
        if retain {
            let r = world.cloudformation.regional_mut(&account, &region);
            r.stacks[index].stack_set_id = None;
        } else {
            let acting = executor(world, admin, set, &account, &region)?;
            let stack = stacks::take(world, &account, &region, index);
            stacks::delete_at(world, &acting, index, stack, &[]);
            let stack = &world
                .cloudformation
                .regional(&account, &region)
                .expect("stack")
                .stacks[index];
            if !stack.deleted() {
                let reason = failure_reason(stack);
                let i = &mut set.instances[pos];
                i.detailed_status = "FAILED".into();
                i.status_reason = Some(reason.clone());
                return Err(reason);
            }
        }
    }
    set.instances.remove(pos);
    Ok(())
}

fn message(e: CfnError) -> String {
    let api: crate::api::ApiError = e.into();
    api.message
}

/// AWS's reason for a failed instance: the first resource that failed, else the stack's.
fn failure_reason(stack: &Stack) -> String {
    stack
        .events
        .iter()
        .find(|e| e.type_name != "AWS::CloudFormation::Stack" && e.status.ends_with("_FAILED"))
        .map(|e| {
            format!(
                "ResourceLogicalId:{}, ResourceType:{}, ResourceStatusReason:{}.",
                e.logical_id,
                e.type_name,
                e.status_reason.clone().unwrap_or_default()
            )
        })
        .or_else(|| stack.status_reason.clone())
        .unwrap_or_else(|| stack.status.clone())
}

/// The role stack instances of a service-managed set run as in a member account:
/// `stacksets-exec-<hash>`, which AWS's service-linked role makes there.
pub fn service_managed_role(management_account: &str) -> String {
    let digest = Md5::digest(format!("stacksets/{management_account}").as_bytes());
    format!("stacksets-exec-{}", hex::encode(digest))
}

/// The administration role's ARN of a self-managed set.
pub fn administration_role_arn(set: &StackSet, admin_account: &str) -> String {
    set.administration_role_arn
        .clone()
        .unwrap_or_else(|| format!("arn:aws:iam::{admin_account}:role/{DEFAULT_ADMIN_ROLE}"))
}

/// Whether a role's trust policy lets `service` assume it.
pub fn trusts_service(world: &World, account: &str, role: &str, service: &str) -> bool {
    let Some(role) = world.iam.role(account, role) else {
        return false;
    };
    let Ok(doc) = serde_json::from_str::<Value>(&role.trust_policy.text) else {
        return false;
    };
    let statements = match &doc["Statement"] {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    };
    let names = |v: &Value| match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    statements.iter().any(|s| {
        s["Effect"] == "Allow"
            && names(&s["Principal"]["Service"])
                .iter()
                .any(|p| p == service)
            && names(&s["Action"])
                .iter()
                .any(|a| a == "sts:AssumeRole" || a == "sts:*" || a == "*")
    })
}

fn role_caller(world: &World, account: &str, role: &str, region: &str) -> Option<Caller> {
    let r = world.iam.role(account, role)?;
    Some(Caller {
        account_id: account.to_string(),
        principal: Principal::AssumedRole {
            role_name: r.name.to_string(),
            role_id: r.id.to_string(),
            session_name: "AWSCloudFormationStackSet".into(),
        },
        access_key_id: String::new(),
        temporary: true,
        region: region.to_string(),
    })
}

/// Who makes an instance's resources, checked as AWS checks it.
pub fn executor(
    world: &mut World,
    admin: &Admin,
    set: &StackSet,
    account: &str,
    region: &str,
) -> Result<Caller, String> {
    if set.service_managed() {
        // The service-linked role of each member makes the execution role there.
        let name = service_managed_role(&admin.account);
        if world.iam.role(account, &name).is_none() {
            crate::services::iam::create_account_access_role(
                world,
                account,
                name.clone().into(),
                &admin.account,
            );
        }
        return role_caller(world, account, &name, region)
            .ok_or_else(|| "Internal failure".to_string());
    }
    let admin_arn = administration_role_arn(set, &admin.account);
    let admin_role = admin_arn.rsplit('/').next().unwrap_or_default().to_string();
    let execution = set
        .execution_role_name
        .clone()
        .unwrap_or_else(|| DEFAULT_EXECUTION_ROLE.to_string());
    let refused = || {
        format!("Account {account} should have '{execution}' role with trust relationship to Role '{admin_role}'.")
    };
    if !trusts_service(
        world,
        &admin.account,
        &admin_role,
        "cloudformation.amazonaws.com",
    ) {
        return Err(format!(
            "Account {} should have '{admin_role}' role with trust relationship to CloudFormation service.",
            admin.account
        ));
    }
    let admin_caller =
        role_caller(world, &admin.account, &admin_role, region).ok_or_else(refused)?;
    let execution_arn = format!("arn:aws:iam::{account}:role/{execution}");
    if world.iam.role(account, &execution).is_none() {
        return Err(refused());
    }
    // The administration role's own policies and the execution role's trust policy
    // decide, as they do for sts:AssumeRole in AWS.
    crate::authorize::authorize(
        world,
        &admin_caller,
        ServiceId::Sts,
        "AssumeRole",
        &serde_json::json!({"RoleArn": execution_arn, "RoleSessionName": "AWSCloudFormationStackSet"}),
    )
    .map_err(|_| refused())?;
    role_caller(world, account, &execution, region).ok_or_else(refused)
}
