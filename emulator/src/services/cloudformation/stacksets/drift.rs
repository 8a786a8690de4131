//! DetectStackSetDrift and ListStackInstanceResourceDrifts: drift detection on every
//! instance's stack, run as the role the set deploys with, recorded as a
//! `DETECT_DRIFT` operation.

use serde::Deserialize;
use serde_json::{json, Value};

use super::deploy::executor;
use super::instances::{self, PreferencesInput};
use super::model::{Operation, OperationResult};
use super::{admin_of, get, index_of, page, set_mut};
use crate::auth::Caller;
use crate::services::cloudformation::drift::{self, latest_drifts};
use crate::services::cloudformation::errors::CfnError;
use crate::services::iam::dto::de;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectStackSetDriftInput {
    pub stack_set_name: String,
    pub operation_preferences: Option<PreferencesInput>,
    pub operation_id: Option<String>,
    pub call_as: Option<String>,
}

pub fn detect_stack_set_drift(
    world: &mut World,
    caller: &Caller,
    input: DetectStackSetDriftInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    let mut set = get(world, &admin, &input.stack_set_name)?.clone();
    let preferences = instances::preferences(input.operation_preferences.as_ref())?;
    let id = instances::operation_id(world, &set, input.operation_id.clone())?;
    let created_ms = world.clock.now_ms();
    let (mut drifted, mut in_sync, mut failed) = (0, 0, 0);
    let mut results = Vec::new();
    let snapshot = set.clone();
    for instance in set.instances.iter_mut() {
        let stack_index = instance.stack_id.as_deref().and_then(|sid| {
            world
                .cloudformation
                .regional(&instance.account, &instance.region)?
                .stacks
                .iter()
                .position(|s| s.stack_id == sid && !s.deleted())
        });
        let outcome = match stack_index {
            None => Err("Stack instance has no stack to check".to_string()),
            Some(stack_index) => executor(
                world,
                &admin,
                &snapshot,
                &instance.account,
                &instance.region,
            )
            .and_then(|acting| {
                drift::detect(world, &acting, stack_index, &[])
                    .map_err(|e| crate::api::ApiError::from(e).message)
            }),
        };
        let (status, reason) = match outcome {
            Ok(d) => {
                instance.drift_status = d.drift_status.clone();
                instance.drift_checked_ms = Some(d.timestamp_ms);
                if d.drift_status == "DRIFTED" {
                    drifted += 1;
                } else {
                    in_sync += 1;
                }
                ("SUCCEEDED", None)
            }
            Err(reason) => {
                failed += 1;
                instance.drift_status = "UNKNOWN".into();
                ("FAILED", Some(reason))
            }
        };
        results.push(OperationResult {
            account: instance.account.clone(),
            region: instance.region.clone(),
            status: status.into(),
            status_reason: reason,
            ou_id: instance.ou_id.clone(),
        });
    }
    let status = if drifted > 0 { "DRIFTED" } else { "IN_SYNC" };
    let now = world.clock.now_ms();
    set.drift_status = status.into();
    set.drift_checked_ms = Some(now);
    set.operations.push(Operation {
        id: id.clone(),
        action: "DETECT_DRIFT".into(),
        status: "SUCCEEDED".into(),
        status_reason: None,
        preferences,
        retain_stacks: None,
        administration_role_arn: set.administration_role_arn.clone(),
        execution_role_name: set.execution_role_name.clone(),
        created_ms,
        ended_ms: now,
        deployment_targets: None,
        results,
        drift: Some((status.into(), drifted, in_sync, failed)),
    });
    *set_mut(world, &admin, index) = set;
    Ok(json!({"OperationId": id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStackInstanceResourceDriftsInput {
    pub stack_set_name: String,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::list")]
    pub stack_instance_resource_drift_statuses: Vec<String>,
    pub stack_instance_account: String,
    pub stack_instance_region: String,
    pub operation_id: String,
    pub call_as: Option<String>,
}

pub fn list_stack_instance_resource_drifts(
    world: &mut World,
    caller: &Caller,
    input: ListStackInstanceResourceDriftsInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    if !set
        .operations
        .iter()
        .any(|o| o.id == input.operation_id && o.action == "DETECT_DRIFT")
    {
        return Err(CfnError::OperationNotFound(format!(
            "Operation {} not found",
            input.operation_id
        )));
    }
    let instance = set
        .instance(&input.stack_instance_account, &input.stack_instance_region)
        .ok_or_else(|| {
            instances::instance_not_found(
                set,
                &input.stack_instance_account,
                &input.stack_instance_region,
            )
        })?;
    let stack = instance.stack_id.as_deref().and_then(|sid| {
        world
            .cloudformation
            .regional(&instance.account, &instance.region)?
            .stacks
            .iter()
            .find(|s| s.stack_id == sid)
    });
    let summaries: Vec<Value> = stack
        .map(|stack| {
            latest_drifts(stack)
                .iter()
                .filter(|d| {
                    input.stack_instance_resource_drift_statuses.is_empty()
                        || input
                            .stack_instance_resource_drift_statuses
                            .contains(&d.status)
                })
                .map(|d| {
                    let mut v = drift::drift_shape(stack, d);
                    if let Some(m) = v.as_object_mut() {
                        m.remove("ExpectedProperties");
                        m.remove("ActualProperties");
                    }
                    v
                })
                .collect()
        })
        .unwrap_or_default();
    let (page, next) = page(
        summaries,
        "ListStackInstanceResourceDrifts",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}
