//! DescribeStackSetOperation, ListStackSetOperations, ListStackSetOperationResults,
//! StopStackSetOperation, ListStackSetAutoDeploymentTargets.

use serde::Deserialize;
use serde_json::{json, Value};

use super::instances::FilterInput;
use super::model::{Operation, Preferences, StackSet};
use super::{admin_of, get, page, time};
use crate::auth::Caller;
use crate::services::cloudformation::errors::CfnError;
use crate::services::iam::dto::de;
use crate::world::World;

fn preferences_shape(p: &Preferences) -> Value {
    json!({
        "RegionConcurrencyType": p.region_concurrency_type,
        "RegionOrder": p.region_order,
        "FailureToleranceCount": p.failure_tolerance_count,
        "FailureTolerancePercentage": p.failure_tolerance_percentage,
        "MaxConcurrentCount": p.max_concurrent_count,
        "MaxConcurrentPercentage": p.max_concurrent_percentage,
        "ConcurrencyMode": p.concurrency_mode,
    })
}

fn status_details(o: &Operation) -> Value {
    json!({"FailedStackInstancesCount": o.failed_count()})
}

fn operation_shape(set: &StackSet, o: &Operation) -> Value {
    let mut v = json!({
        "OperationId": o.id,
        "StackSetId": set.id,
        "Action": o.action,
        "Status": o.status,
        "OperationPreferences": preferences_shape(&o.preferences),
        "RetainStacks": o.retain_stacks,
        "AdministrationRoleARN": o.administration_role_arn,
        "ExecutionRoleName": o.execution_role_name,
        "CreationTimestamp": time(o.created_ms),
        "EndTimestamp": time(o.ended_ms),
        "StatusReason": o.status_reason,
        "StatusDetails": status_details(o),
    });
    if let Some(t) = &o.deployment_targets {
        v["DeploymentTargets"] = json!({
            "Accounts": t.accounts,
            "OrganizationalUnitIds": t.organizational_unit_ids,
            "AccountFilterType": t.account_filter_type,
        });
    }
    if let Some((status, drifted, in_sync, failed)) = &o.drift {
        v["StackSetDriftDetectionDetails"] = json!({
            "DriftStatus": status,
            "DriftDetectionStatus": if *failed > 0 { "PARTIAL_SUCCESS" } else { "COMPLETED" },
            "LastDriftCheckTimestamp": time(o.ended_ms),
            "TotalStackInstancesCount": drifted + in_sync + failed,
            "DriftedStackInstancesCount": drifted,
            "InSyncStackInstancesCount": in_sync,
            "InProgressStackInstancesCount": 0,
            "FailedStackInstancesCount": failed,
        });
    }
    v
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperationInput {
    pub stack_set_name: String,
    pub operation_id: String,
    pub call_as: Option<String>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::list")]
    pub filters: Vec<FilterInput>,
}

fn operation<'s>(set: &'s StackSet, id: &str) -> Result<&'s Operation, CfnError> {
    set.operations
        .iter()
        .find(|o| o.id == id)
        .ok_or_else(|| CfnError::OperationNotFound(format!("Operation {id} not found")))
}

pub fn describe_stack_set_operation(
    world: &mut World,
    caller: &Caller,
    input: OperationInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let o = operation(set, &input.operation_id)?;
    Ok(json!({"StackSetOperation": operation_shape(set, o)}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStackSetOperationsInput {
    pub stack_set_name: String,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    pub call_as: Option<String>,
}

pub fn list_stack_set_operations(
    world: &mut World,
    caller: &Caller,
    input: ListStackSetOperationsInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    // Newest first, as AWS lists them.
    let summaries: Vec<Value> = set
        .operations
        .iter()
        .rev()
        .map(|o| {
            json!({
                "OperationId": o.id,
                "Action": o.action,
                "Status": o.status,
                "CreationTimestamp": time(o.created_ms),
                "EndTimestamp": time(o.ended_ms),
                "StatusReason": o.status_reason,
                "StatusDetails": status_details(o),
                "OperationPreferences": preferences_shape(&o.preferences),
            })
        })
        .collect();
    let (page, next) = page(
        summaries,
        "ListStackSetOperations",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}

pub fn list_stack_set_operation_results(
    world: &mut World,
    caller: &Caller,
    input: OperationInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let o = operation(set, &input.operation_id)?;
    let mut wanted = Vec::new();
    for f in &input.filters {
        if f.name.as_deref() != Some("OPERATION_RESULT_STATUS") {
            return Err(CfnError::constraint(
                f.name.as_deref().unwrap_or_default(),
                "filters.member.name",
                "Member must satisfy enum value set: [OPERATION_RESULT_STATUS]",
            ));
        }
        wanted.push(f.values.clone().unwrap_or_default());
    }
    // No account gate function exists in orgsim (no Lambda), so AWS's gate is skipped.
    let gate_region = |region: &str| {
        format!(
            "Function not found: arn:aws:lambda:{region}:{}:function:AWSCloudFormationStackSetAccountGate",
            admin.account
        )
    };
    let summaries: Vec<Value> = o
        .results
        .iter()
        .filter(|r| wanted.is_empty() || wanted.contains(&r.status))
        .map(|r| {
            json!({
                "Account": r.account,
                "Region": r.region,
                "Status": r.status,
                "StatusReason": r.status_reason,
                "AccountGateResult": {"Status": "SKIPPED", "StatusReason": gate_region(&r.region)},
                "OrganizationalUnitId": r.ou_id,
            })
        })
        .collect();
    let (page, next) = page(
        summaries,
        "ListStackSetOperationResults",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StopStackSetOperationInput {
    pub stack_set_name: String,
    pub operation_id: String,
    pub call_as: Option<String>,
}

/// Operations finish within their call, so there is never one left to stop: AWS
/// answers InvalidOperationException for an operation that is no longer running.
pub fn stop_stack_set_operation(
    world: &mut World,
    caller: &Caller,
    input: StopStackSetOperationInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let o = operation(set, &input.operation_id)?;
    Err(CfnError::InvalidOperation(format!(
        "Operation {} is in {} state and cannot be stopped",
        o.id, o.status
    )))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAutoDeploymentTargetsInput {
    pub stack_set_name: String,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    pub call_as: Option<String>,
}

pub fn list_stack_set_auto_deployment_targets(
    world: &mut World,
    caller: &Caller,
    input: ListAutoDeploymentTargetsInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let auto = set.auto_deployment.as_ref().is_some_and(|a| a.enabled);
    let summaries: Vec<Value> = if auto {
        set.targets
            .iter()
            .map(|(ou, regions)| json!({"OrganizationalUnitId": ou, "Regions": regions}))
            .collect()
    } else {
        Vec::new()
    };
    let (page, next) = page(
        summaries,
        "ListStackSetAutoDeploymentTargets",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}
