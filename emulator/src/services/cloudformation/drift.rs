//! Drift detection: each resource's template properties against the live resource,
//! read back through its provider from the owning service (as the caller, or the
//! stack's service role). A type without a reader is `NOT_CHECKED`, as AWS leaves
//! types that do not support drift detection. Detection finishes within the call.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CfnError;
use super::model::{DriftDetection, ResourceDrift, Stack, StackResource};
use super::providers::{self, Ctx};
use super::stacks::{self, acting_caller, stack_account, stack_region};
use crate::auth::Caller;
use crate::services::iam::dto::de;
use crate::world::{iso8601, World};

/// `(property path, expected, actual, difference type)`.
type Difference = (String, Value, Value, String);

/// The differences between what the template says and what is live. Only what the
/// template sets is compared (a live resource has many defaults it never named);
/// list items are compared in order, extra live items are `ADD`, missing ones `REMOVE`.
pub fn differences(expected: &Value, actual: &Value) -> Vec<Difference> {
    let mut out = Vec::new();
    diff_at("", expected, actual, &mut out);
    out
}

fn diff_at(path: &str, expected: &Value, actual: &Value, out: &mut Vec<Difference>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let p = format!("{path}/{k}");
                match a.get(k) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push((p, ev.clone(), Value::Null, "REMOVE".into())),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, ev) in e.iter().enumerate() {
                let p = format!("{path}/{i}");
                match a.get(i) {
                    Some(av) => diff_at(&p, ev, av, out),
                    None => out.push((p, ev.clone(), Value::Null, "REMOVE".into())),
                }
            }
            for (i, av) in a.iter().enumerate().skip(e.len()) {
                out.push((format!("{path}/{i}"), Value::Null, av.clone(), "ADD".into()));
            }
        }
        (e, a) if same_scalar(e, a) => {}
        (e, a) => out.push((path.to_string(), e.clone(), a.clone(), "NOT_EQUAL".into())),
    }
}

/// Templates write `true` and `"true"`, `5` and `"5"` alike.
fn same_scalar(e: &Value, a: &Value) -> bool {
    if e == a {
        return true;
    }
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    matches!((text(e), text(a)), (Some(x), Some(y)) if x == y)
}

/// Checks one resource against the live world.
fn check(world: &mut World, caller: &Caller, stack: &Stack, r: &StackResource) -> ResourceDrift {
    let now = world.clock.now_ms();
    let mut drift = ResourceDrift {
        logical_id: r.logical_id.clone(),
        physical_id: r.physical_id.clone(),
        type_name: r.type_name.clone(),
        status: "NOT_CHECKED".into(),
        expected: r.properties.clone(),
        actual: Value::Null,
        differences: Vec::new(),
        timestamp_ms: now,
    };
    let Some(read) = providers::provider(&r.type_name).and_then(|p| p.read) else {
        return drift;
    };
    let ctx = Ctx {
        caller,
        stack_name: &stack.name,
        logical_id: &r.logical_id,
    };
    match read(world, &ctx, r) {
        None => drift.status = "DELETED".into(),
        Some(actual) => {
            drift.differences = differences(&r.properties, &actual);
            drift.status = if drift.differences.is_empty() {
                "IN_SYNC"
            } else {
                "MODIFIED"
            }
            .into();
            drift.actual = actual;
        }
    }
    drift
}

/// The caller that reads a stack's resources, in the stack's own account and region.
fn reader(world: &World, caller: &Caller, stack: &Stack) -> Result<Caller, CfnError> {
    let mut acting = acting_caller(world, caller, stack.role_arn.as_deref())?;
    acting.region = stack_region(stack).to_string();
    Ok(acting)
}

/// Runs a detection on the stack at `index` of the caller's region: the detection
/// is recorded on the stack, and each checked resource's drift status is updated.
pub fn detect(
    world: &mut World,
    caller: &Caller,
    index: usize,
    only: &[String],
) -> Result<DriftDetection, CfnError> {
    let (account, region) = (caller.account_id.clone(), caller.region.clone());
    let mut stack = stacks::take(world, &account, &region, index);
    let acting = reader(world, caller, &stack)?;
    let mut results = Vec::new();
    for r in stack.resources.iter().filter(|r| super::engine::live(r)) {
        if only.is_empty() || only.contains(&r.logical_id) {
            results.push(check(world, &acting, &stack, r));
        }
    }
    for d in &results {
        if let Some(r) = stack
            .resources
            .iter_mut()
            .find(|r| r.logical_id == d.logical_id)
        {
            r.drift_status = d.status.clone();
        }
    }
    let drifted = results
        .iter()
        .filter(|d| d.status == "MODIFIED" || d.status == "DELETED")
        .count();
    let now = world.clock.now_ms();
    let detection = DriftDetection {
        id: world.ids.uuid(),
        status: "DETECTION_COMPLETE".into(),
        drift_status: if drifted > 0 { "DRIFTED" } else { "IN_SYNC" }.into(),
        drifted_count: drifted,
        timestamp_ms: now,
        results,
    };
    stack.drift_status = detection.drift_status.clone();
    stack.drift_checked_ms = Some(now);
    stack.drift_detections.push(detection.clone());
    stacks::put_back(world, &account, &region, index, stack);
    Ok(detection)
}

/// Detection needs a stack in a stable state, as AWS requires.
fn check_detectable(stack: &Stack) -> Result<(), CfnError> {
    const STABLE: &[&str] = &[
        "CREATE_COMPLETE",
        "UPDATE_COMPLETE",
        "UPDATE_ROLLBACK_COMPLETE",
        "UPDATE_ROLLBACK_FAILED",
        "DELETE_FAILED",
        "IMPORT_COMPLETE",
        "IMPORT_ROLLBACK_COMPLETE",
    ];
    if STABLE.contains(&stack.status.as_str()) {
        Ok(())
    } else {
        Err(CfnError::Validation(format!(
            "Stack {} is in {} state and drift detection cannot be performed",
            stack.stack_id, stack.status
        )))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectStackDriftInput {
    pub stack_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub logical_resource_ids: Vec<String>,
}

pub fn detect_stack_drift(
    world: &mut World,
    caller: &Caller,
    input: DetectStackDriftInput,
) -> Result<Value, CfnError> {
    let index = stacks::find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let stack = stacks::get(world, caller, &input.stack_name)?;
    check_detectable(stack)?;
    if let Some(unknown) = input
        .logical_resource_ids
        .iter()
        .find(|id| stack.resource(id).is_none())
    {
        return Err(CfnError::Validation(format!(
            "Resource {unknown} does not exist for stack {}",
            stack.name
        )));
    }
    let detection = detect(world, caller, index, &input.logical_resource_ids)?;
    Ok(json!({"StackDriftDetectionId": detection.id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DriftStatusInput {
    pub stack_drift_detection_id: String,
}

pub fn describe_stack_drift_detection_status(
    world: &mut World,
    caller: &Caller,
    input: DriftStatusInput,
) -> Result<Value, CfnError> {
    let id = &input.stack_drift_detection_id;
    let found = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .and_then(|r| {
            r.stacks.iter().find_map(|s| {
                s.drift_detections
                    .iter()
                    .find(|d| &d.id == id)
                    .map(|d| (s.stack_id.clone(), d.clone()))
            })
        });
    let (stack_id, d) = found
        .ok_or_else(|| CfnError::Validation(format!("Drift detection {id} does not exist")))?;
    Ok(json!({
        "StackId": stack_id,
        "StackDriftDetectionId": d.id,
        "StackDriftStatus": d.drift_status,
        "DetectionStatus": d.status,
        "DriftedStackResourceCount": d.drifted_count,
        "Timestamp": iso8601(d.timestamp_ms),
    }))
}

pub fn drift_shape(stack: &Stack, d: &ResourceDrift) -> Value {
    let text = |v: &Value| (!v.is_null()).then(|| v.to_string());
    json!({
        "StackId": stack.stack_id,
        "LogicalResourceId": d.logical_id,
        "PhysicalResourceId": d.physical_id,
        "ResourceType": d.type_name,
        "ExpectedProperties": text(&d.expected),
        "ActualProperties": text(&d.actual),
        "PropertyDifferences": d.differences.iter().map(|(path, e, a, kind)| json!({
            "PropertyPath": path,
            "ExpectedValue": scalar_text(e),
            "ActualValue": scalar_text(a),
            "DifferenceType": kind,
        })).collect::<Vec<_>>(),
        "StackResourceDriftStatus": d.status,
        "Timestamp": iso8601(d.timestamp_ms),
    })
}

/// A value as PropertyDifferences write it: strings bare, anything else as JSON.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStackResourceDriftsInput {
    pub stack_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub stack_resource_drift_status_filters: Vec<String>,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
}

const DRIFT_STATUSES: &[&str] = &[
    "IN_SYNC",
    "MODIFIED",
    "DELETED",
    "NOT_CHECKED",
    "UNKNOWN",
    "UNSUPPORTED",
];

/// The latest check of each resource, from the detections newest first.
pub fn latest_drifts(stack: &Stack) -> Vec<ResourceDrift> {
    let mut out: Vec<ResourceDrift> = Vec::new();
    for d in stack.drift_detections.iter().rev() {
        for r in &d.results {
            if !out.iter().any(|o| o.logical_id == r.logical_id) {
                out.push(r.clone());
            }
        }
    }
    out.sort_by_key(|d| {
        stack
            .resources
            .iter()
            .position(|r| r.logical_id == d.logical_id)
            .unwrap_or(usize::MAX)
    });
    out
}

pub fn describe_stack_resource_drifts(
    world: &mut World,
    caller: &Caller,
    input: DescribeStackResourceDriftsInput,
) -> Result<Value, CfnError> {
    for f in &input.stack_resource_drift_status_filters {
        if !DRIFT_STATUSES.contains(&f.as_str()) {
            return Err(CfnError::constraint(
                f,
                "stackResourceDriftStatusFilters",
                "Member must satisfy enum value set: [IN_SYNC, MODIFIED, DELETED, NOT_CHECKED, UNKNOWN, UNSUPPORTED]",
            ));
        }
    }
    let stack = stacks::get(world, caller, &input.stack_name)?;
    let drifts: Vec<Value> = latest_drifts(stack)
        .iter()
        .filter(|d| {
            input.stack_resource_drift_status_filters.is_empty()
                || input
                    .stack_resource_drift_status_filters
                    .contains(&d.status)
        })
        .map(|d| drift_shape(stack, d))
        .collect();
    let listing = format!("DescribeStackResourceDrifts {}", stack.stack_id);
    let (page, next) = super::stacksets::page(
        drifts,
        &listing,
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"StackResourceDrifts": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DetectStackResourceDriftInput {
    pub stack_name: String,
    pub logical_resource_id: String,
}

pub fn detect_stack_resource_drift(
    world: &mut World,
    caller: &Caller,
    input: DetectStackResourceDriftInput,
) -> Result<Value, CfnError> {
    let stack = stacks::get(world, caller, &input.stack_name)?.clone();
    check_detectable(&stack)?;
    let r = stack
        .resource(&input.logical_resource_id)
        .filter(|r| super::engine::live(r))
        .cloned()
        .ok_or_else(|| {
            CfnError::Validation(format!(
                "Resource {} does not exist for stack {}",
                input.logical_resource_id, stack.name
            ))
        })?;
    let acting = reader(world, caller, &stack)?;
    let drift = check(world, &acting, &stack, &r);
    // The single check updates the resource's status but no stack-level detection.
    let index = stacks::find(world, caller, &input.stack_name).expect("found");
    let stored = &mut world
        .cloudformation
        .regional_mut(stack_account(&stack), stack_region(&stack))
        .stacks[index];
    if let Some(res) = stored
        .resources
        .iter_mut()
        .find(|x| x.logical_id == r.logical_id)
    {
        res.drift_status = drift.status.clone();
    }
    Ok(json!({"StackResourceDrift": drift_shape(&stack, &drift)}))
}
