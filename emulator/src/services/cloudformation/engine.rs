//! Walking a template against the world: create, update and delete a stack's resources
//! through their providers, in dependency order, with AWS's stack and resource events,
//! and a rollback that undoes what the walk did. Every walk finishes within the call
//! (the stack ends `*_COMPLETE`, `*_FAILED` or rolled back), so SDK waiters return on
//! their first poll.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

use super::model::{Stack, StackEvent, StackOutput, StackResource};
use super::providers::{self, Ctx};
use super::template::eval::{as_text, Made, Pseudo, Scope};
use super::template::{Policy, Template};
use crate::auth::Caller;
use crate::world::World;

/// What a walk needs besides the stack.
pub struct Run<'a> {
    /// Who makes the resources: the caller, or the stack's service role.
    pub caller: Caller,
    pub template: &'a Template,
    pub parameters: BTreeMap<String, String>,
    pub pseudo: Pseudo,
    /// The region's exports from other stacks.
    pub exports: BTreeMap<String, String>,
    pub conditions: BTreeMap<String, bool>,
    /// Active resources in walk order.
    pub order: Vec<String>,
}

/// `OnFailure` of CreateStack.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OnFailure {
    Rollback,
    DoNothing,
    Delete,
}

const STACK_TYPE: &str = "AWS::CloudFormation::Stack";

pub fn event(
    world: &mut World,
    stack: &mut Stack,
    logical_id: &str,
    physical_id: &str,
    type_name: &str,
    status: &str,
    reason: Option<String>,
) {
    let event_id = if type_name == STACK_TYPE {
        world.ids.uuid()
    } else {
        format!("{logical_id}-{status}-{}", world.ids.uuid())
    };
    stack.events.push(StackEvent {
        event_id,
        logical_id: logical_id.to_string(),
        physical_id: physical_id.to_string(),
        type_name: type_name.to_string(),
        status: status.to_string(),
        status_reason: reason,
        timestamp_ms: world.clock.now_ms(),
        properties: None,
    });
}

/// Sets the stack's status with its own event.
pub fn stack_status(world: &mut World, stack: &mut Stack, status: &str, reason: Option<String>) {
    stack.status = status.to_string();
    stack.status_reason = reason.clone();
    let (name, id) = (stack.name.clone(), stack.stack_id.clone());
    event(world, stack, &name, &id, STACK_TYPE, status, reason);
}

fn made_map(stack: &Stack) -> BTreeMap<String, Made> {
    stack
        .resources
        .iter()
        .filter(|r| live(r))
        .map(|r| {
            (
                r.logical_id.clone(),
                Made {
                    ref_value: r.physical_id.clone(),
                    attributes: r.attributes.clone(),
                },
            )
        })
        .collect()
}

/// A resource that exists in its service.
pub fn live(r: &StackResource) -> bool {
    !matches!(
        r.status.as_str(),
        "DELETE_COMPLETE" | "CREATE_FAILED" | "DELETE_SKIPPED"
    )
}

impl Run<'_> {
    fn scope<'s>(&'s self, made: &'s BTreeMap<String, Made>) -> Scope<'s> {
        Scope {
            template: self.template,
            parameters: &self.parameters,
            pseudo: &self.pseudo,
            conditions: &self.conditions,
            resources: made,
            exports: &self.exports,
        }
    }

    fn resolve_properties(
        &self,
        made: &BTreeMap<String, Made>,
        logical_id: &str,
    ) -> Result<Value, String> {
        let decl = self
            .template
            .resource(logical_id)
            .ok_or_else(|| format!("{logical_id} is not in the template"))?;
        self.scope(made)
            .resolve(&decl.properties)
            .map(|v| v.unwrap_or(Value::Object(Default::default())))
            .map_err(|e| e.0)
    }

    /// The outputs, resolved.
    pub fn outputs(&self, made: &BTreeMap<String, Made>) -> Result<Vec<StackOutput>, String> {
        let scope = self.scope(made);
        let mut out = Vec::new();
        for o in &self.template.outputs {
            if let Some(c) = &o.condition {
                if !self.conditions.get(c).copied().unwrap_or(false) {
                    continue;
                }
            }
            let value = scope.resolve(&o.value).map_err(|e| e.0)?;
            let value = match value {
                Some(Value::Array(items)) => items
                    .iter()
                    .filter_map(as_text)
                    .collect::<Vec<_>>()
                    .join(","),
                Some(v) => as_text(&v).unwrap_or_else(|| v.to_string()),
                None => continue,
            };
            let export_name = match &o.export_name {
                Some(e) => Some(
                    scope
                        .resolve(e)
                        .map_err(|e| e.0)?
                        .as_ref()
                        .and_then(as_text)
                        .unwrap_or_default(),
                ),
                None => None,
            };
            out.push(StackOutput {
                key: o.name.clone(),
                value,
                description: o.description.clone(),
                export_name,
            });
        }
        Ok(out)
    }

    fn ctx<'c>(&'c self, stack: &'c Stack, logical_id: &'c str) -> Ctx<'c> {
        Ctx {
            caller: &self.caller,
            stack_name: &stack.name,
            logical_id,
        }
    }

    fn retain_flag(&self, logical_id: &str) -> bool {
        self.template
            .resource(logical_id)
            .is_some_and(|r| r.deletion_policy == Policy::Retain)
    }

    /// Makes one resource; records it (made or failed) on the stack.
    fn make(
        &self,
        world: &mut World,
        stack: &mut Stack,
        made: &mut BTreeMap<String, Made>,
        logical_id: &str,
        reason_in_progress: Option<String>,
        replace_index: Option<usize>,
    ) -> Result<(), String> {
        let decl = self.template.resource(logical_id).expect("in the template");
        let type_name = decl.type_name.clone();
        let provider = providers::provider(&type_name).expect("types are checked first");
        let (start, done, failed) = if replace_index.is_some() {
            ("UPDATE_IN_PROGRESS", "UPDATE_COMPLETE", "UPDATE_FAILED")
        } else {
            ("CREATE_IN_PROGRESS", "CREATE_COMPLETE", "CREATE_FAILED")
        };
        event(
            world,
            stack,
            logical_id,
            "",
            &type_name,
            start,
            reason_in_progress,
        );
        let props = match self.resolve_properties(made, logical_id) {
            Ok(p) => p,
            Err(reason) => {
                self.record_failure(
                    world,
                    stack,
                    logical_id,
                    &type_name,
                    failed,
                    reason.clone(),
                    replace_index,
                );
                return Err(reason);
            }
        };
        let outcome = {
            let ctx = self.ctx(stack, logical_id);
            (provider.create)(world, &ctx, &props)
        };
        match outcome {
            Ok(m) => {
                event(
                    world,
                    stack,
                    logical_id,
                    &m.ref_value,
                    &type_name,
                    start,
                    Some("Resource creation Initiated".into()),
                );
                event(
                    world,
                    stack,
                    logical_id,
                    &m.ref_value,
                    &type_name,
                    done,
                    None,
                );
                let resource = StackResource {
                    logical_id: logical_id.to_string(),
                    physical_id: m.ref_value.clone(),
                    type_name,
                    status: done.to_string(),
                    status_reason: None,
                    updated_ms: world.clock.now_ms(),
                    attributes: m.attributes.clone(),
                    properties: props,
                    retain: self.retain_flag(logical_id),
                    drift_status: "NOT_CHECKED".into(),
                };
                match replace_index {
                    Some(i) => stack.resources[i] = resource,
                    None => stack.resources.push(resource),
                }
                made.insert(logical_id.to_string(), m);
                Ok(())
            }
            Err(reason) => {
                self.record_failure(
                    world,
                    stack,
                    logical_id,
                    &type_name,
                    failed,
                    reason.clone(),
                    replace_index,
                );
                Err(reason)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn record_failure(
        &self,
        world: &mut World,
        stack: &mut Stack,
        logical_id: &str,
        type_name: &str,
        status: &str,
        reason: String,
        replace_index: Option<usize>,
    ) {
        event(
            world,
            stack,
            logical_id,
            "",
            type_name,
            status,
            Some(reason.clone()),
        );
        if replace_index.is_none() {
            stack.resources.push(StackResource {
                logical_id: logical_id.to_string(),
                physical_id: String::new(),
                type_name: type_name.to_string(),
                status: status.to_string(),
                status_reason: Some(reason),
                updated_ms: world.clock.now_ms(),
                attributes: Default::default(),
                properties: Value::Null,
                retain: false,
                drift_status: "NOT_CHECKED".into(),
            });
        }
    }
}

/// Deletes one resource through its provider (or skips it when it is retained).
/// `Err`: the reason it could not be deleted.
fn remove(
    world: &mut World,
    caller: &Caller,
    stack: &mut Stack,
    index: usize,
    retain: bool,
) -> Result<(), String> {
    let r = stack.resources[index].clone();
    if !live(&r) {
        return Ok(());
    }
    if retain {
        event(
            world,
            stack,
            &r.logical_id,
            &r.physical_id,
            &r.type_name,
            "DELETE_SKIPPED",
            None,
        );
        stack.resources[index].status = "DELETE_SKIPPED".into();
        return Ok(());
    }
    event(
        world,
        stack,
        &r.logical_id,
        &r.physical_id,
        &r.type_name,
        "DELETE_IN_PROGRESS",
        None,
    );
    let outcome = match providers::provider(&r.type_name) {
        Some(p) => {
            let ctx = Ctx {
                caller,
                stack_name: &stack.name,
                logical_id: &r.logical_id,
            };
            (p.delete)(world, &ctx, &r)
        }
        None => Ok(()),
    };
    match outcome {
        Ok(()) => {
            event(
                world,
                stack,
                &r.logical_id,
                &r.physical_id,
                &r.type_name,
                "DELETE_COMPLETE",
                None,
            );
            stack.resources[index].status = "DELETE_COMPLETE".into();
            stack.resources[index].updated_ms = world.clock.now_ms();
            Ok(())
        }
        Err(reason) => {
            event(
                world,
                stack,
                &r.logical_id,
                &r.physical_id,
                &r.type_name,
                "DELETE_FAILED",
                Some(reason.clone()),
            );
            stack.resources[index].status = "DELETE_FAILED".into();
            stack.resources[index].status_reason = Some(reason.clone());
            Err(reason)
        }
    }
}

/// Creates every resource of a new stack; on a failure, per `on_failure`.
pub fn create(world: &mut World, run: &Run, stack: &mut Stack, on_failure: OnFailure) {
    stack_status(
        world,
        stack,
        "CREATE_IN_PROGRESS",
        Some("User Initiated".into()),
    );
    let mut made = BTreeMap::new();
    let mut failure: Option<String> = None;
    for id in &run.order {
        if run.make(world, stack, &mut made, id, None, None).is_err() {
            failure = Some(format!(
                "The following resource(s) failed to create: [{id}]. "
            ));
            break;
        }
    }
    if failure.is_none() {
        match run
            .outputs(&made)
            .and_then(|o| check_exports(world, stack, &o).map(|_| o))
        {
            Ok(outputs) => stack.outputs = outputs,
            Err(reason) => failure = Some(reason),
        }
    }
    let Some(reason) = failure else {
        stack_status(world, stack, "CREATE_COMPLETE", None);
        return;
    };
    if on_failure == OnFailure::DoNothing {
        stack_status(world, stack, "CREATE_FAILED", Some(reason));
        return;
    }
    let rollback_reason = format!("{reason}Rollback requested by user.");
    stack_status(world, stack, "ROLLBACK_IN_PROGRESS", Some(rollback_reason));
    let failed = rollback_created(world, &run.caller, run.template, stack);
    stack.outputs.clear();
    if !failed.is_empty() {
        stack_status(
            world,
            stack,
            "ROLLBACK_FAILED",
            Some(format!(
                "The following resource(s) failed to delete: [{}]. ",
                failed.join(", ")
            )),
        );
        return;
    }
    stack_status(world, stack, "ROLLBACK_COMPLETE", None);
    if on_failure == OnFailure::Delete {
        stack_status(
            world,
            stack,
            "DELETE_IN_PROGRESS",
            Some("User Initiated".into()),
        );
        stack_status(world, stack, "DELETE_COMPLETE", None);
        stack.deleted_ms = Some(world.clock.now_ms());
    }
}

/// Deletes, newest first, what a failed create made. Returns those that would not go.
fn rollback_created(
    world: &mut World,
    caller: &Caller,
    template: &Template,
    stack: &mut Stack,
) -> Vec<String> {
    let mut failed = Vec::new();
    for index in (0..stack.resources.len()).rev() {
        let r = &stack.resources[index];
        if r.status == "CREATE_FAILED" {
            let (l, t) = (r.logical_id.clone(), r.type_name.clone());
            event(world, stack, &l, "", &t, "DELETE_COMPLETE", None);
            stack.resources[index].status = "DELETE_COMPLETE".into();
            continue;
        }
        let retain = template
            .resource(&r.logical_id)
            .is_some_and(|d| d.deletion_policy.retains(true));
        let logical = r.logical_id.clone();
        if remove(world, caller, stack, index, retain).is_err() {
            failed.push(logical);
        }
    }
    failed
}

/// RollbackStack of a create that failed with rollback disabled: what was made goes.
pub fn roll_back_create(
    world: &mut World,
    caller: &Caller,
    template: &Template,
    stack: &mut Stack,
) {
    stack_status(
        world,
        stack,
        "ROLLBACK_IN_PROGRESS",
        Some("User Initiated".into()),
    );
    let failed = rollback_created(world, caller, template, stack);
    stack.outputs.clear();
    if failed.is_empty() {
        stack_status(world, stack, "ROLLBACK_COMPLETE", None);
    } else {
        stack_status(
            world,
            stack,
            "ROLLBACK_FAILED",
            Some(format!(
                "The following resource(s) failed to delete: [{}]. ",
                failed.join(", ")
            )),
        );
    }
}

/// Export names are unique in an account and region.
fn check_exports(world: &World, stack: &Stack, outputs: &[StackOutput]) -> Result<(), String> {
    let account = super::stacks::stack_account(stack);
    let region = super::stacks::stack_region(stack);
    let Some(regional) = world.cloudformation.regional(account, region) else {
        return Ok(());
    };
    for name in outputs.iter().filter_map(|o| o.export_name.as_ref()) {
        if let Some(other) = regional.stacks.iter().find(|s| {
            !s.deleted()
                && s.stack_id != stack.stack_id
                && s.outputs
                    .iter()
                    .any(|o| o.export_name.as_ref() == Some(name))
        }) {
            return Err(format!(
                "Export with name {name} is already exported by stack {}",
                other.name
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for name in outputs.iter().filter_map(|o| o.export_name.as_ref()) {
        if !seen.insert(name) {
            return Err(format!("Template error: duplicate export name {name}"));
        }
    }
    Ok(())
}

/// An undo record of an update.
enum Step {
    Created(String),
    Updated(StackResource),
    Replaced(StackResource),
}

/// Whether the stack policy lets an update action (`Update:Modify`, `Update:Replace`,
/// `Update:Delete`) touch a resource. No policy: everything is allowed.
pub fn stack_policy_allows(policy: Option<&str>, action: &str, logical_id: &str) -> bool {
    let Some(text) = policy else { return true };
    let Ok(doc) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(s)) => s.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let resource = format!("LogicalResourceId/{logical_id}");
    let listed = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(items)) => items.iter().filter_map(as_text).collect(),
            _ => Vec::new(),
        }
    };
    let matches = |patterns: &[String], value: &str| {
        patterns
            .iter()
            .any(|p| crate::policy::wildcard::matches(p, value, false))
    };
    let mut allowed = false;
    for s in &statements {
        let action_hit = match (s.get("Action"), s.get("NotAction")) {
            (Some(a), _) => matches(&listed(Some(a)), action),
            (None, Some(n)) => !matches(&listed(Some(n)), action),
            _ => false,
        };
        let resource_hit = match (s.get("Resource"), s.get("NotResource")) {
            (Some(r), _) => matches(&listed(Some(r)), &resource),
            (None, Some(n)) => !matches(&listed(Some(n)), &resource),
            _ => false,
        };
        if action_hit && resource_hit {
            match s.get("Effect").and_then(Value::as_str) {
                Some("Deny") => return false,
                Some("Allow") => allowed = true,
                _ => {}
            }
        }
    }
    allowed
}

/// Updates a stack to `run`'s template: changed resources updated or replaced, new
/// ones made, removed ones deleted in the cleanup. A failure rolls back to the
/// previous state (`old_*`).
pub fn update(world: &mut World, run: &Run, stack: &mut Stack, old_template: &Template) {
    stack_status(
        world,
        stack,
        "UPDATE_IN_PROGRESS",
        Some("User Initiated".into()),
    );
    let mut made = made_map(stack);
    let mut journal: Vec<Step> = Vec::new();
    let mut failure: Option<String> = None;
    let policy = stack.stack_policy.clone();
    for id in &run.order {
        let decl = run.template.resource(id).expect("in the template");
        let existing = stack
            .resources
            .iter()
            .position(|r| r.logical_id == *id && live(r));
        let Some(index) = existing else {
            if run.make(world, stack, &mut made, id, None, None).is_err() {
                failure = Some(format!(
                    "The following resource(s) failed to create: [{id}]. "
                ));
                break;
            }
            journal.push(Step::Created(id.clone()));
            continue;
        };
        let old = stack.resources[index].clone();
        let props = match run.resolve_properties(&made, id) {
            Ok(p) => p,
            Err(reason) => {
                event(
                    world,
                    stack,
                    id,
                    &old.physical_id,
                    &old.type_name,
                    "UPDATE_FAILED",
                    Some(reason),
                );
                failure = Some(format!(
                    "The following resource(s) failed to update: [{id}]. "
                ));
                break;
            }
        };
        if old.type_name == decl.type_name && old.properties == props {
            continue;
        }
        let provider = providers::provider(&decl.type_name).expect("types are checked first");
        let replace = old.type_name != decl.type_name
            || provider.update.is_none()
            || provider
                .replace_on
                .iter()
                .any(|k| old.properties.get(*k) != props.get(*k));
        let action = if replace {
            "Update:Replace"
        } else {
            "Update:Modify"
        };
        if !stack_policy_allows(policy.as_deref(), action, id) {
            event(
                world,
                stack,
                id,
                &old.physical_id,
                &old.type_name,
                "UPDATE_FAILED",
                Some(format!(
                    "Action denied by stack policy: {action} on resource {id}"
                )),
            );
            failure = Some(format!(
                "The following resource(s) failed to update: [{id}]. "
            ));
            break;
        }
        if replace {
            let named = provider.name_property.and_then(|k| {
                let (a, b) = (old.properties.get(k), props.get(k));
                (a.is_some() && a == b).then_some(())
            });
            if named.is_some() {
                event(
                    world,
                    stack,
                    id,
                    &old.physical_id,
                    &old.type_name,
                    "UPDATE_FAILED",
                    Some(format!(
                        "CloudFormation cannot update a stack when a custom-named resource requires replacing. Rename {} and update the stack again.",
                        old.physical_id
                    )),
                );
                failure = Some(format!(
                    "The following resource(s) failed to update: [{id}]. "
                ));
                break;
            }
            let reason = Some(
                "Requested update requires the creation of a new physical resource; hence creating one."
                    .to_string(),
            );
            if run
                .make(world, stack, &mut made, id, reason, Some(index))
                .is_err()
            {
                failure = Some(format!(
                    "The following resource(s) failed to update: [{id}]. "
                ));
                break;
            }
            journal.push(Step::Replaced(old));
            continue;
        }
        event(
            world,
            stack,
            id,
            &old.physical_id,
            &old.type_name,
            "UPDATE_IN_PROGRESS",
            None,
        );
        let outcome = {
            let ctx = run.ctx(stack, id);
            (provider.update.expect("checked"))(world, &ctx, &old, &props)
        };
        match outcome {
            Ok(m) => {
                event(
                    world,
                    stack,
                    id,
                    &m.ref_value,
                    &old.type_name,
                    "UPDATE_COMPLETE",
                    None,
                );
                let r = &mut stack.resources[index];
                r.physical_id = m.ref_value.clone();
                r.attributes = m.attributes.clone();
                r.properties = props;
                r.status = "UPDATE_COMPLETE".into();
                r.updated_ms = world.clock.now_ms();
                r.retain = run.retain_flag(id);
                made.insert(id.clone(), m);
                journal.push(Step::Updated(old));
            }
            Err(reason) => {
                event(
                    world,
                    stack,
                    id,
                    &old.physical_id,
                    &old.type_name,
                    "UPDATE_FAILED",
                    Some(reason),
                );
                failure = Some(format!(
                    "The following resource(s) failed to update: [{id}]. "
                ));
                break;
            }
        }
    }
    let mut outputs = None;
    if failure.is_none() {
        match run
            .outputs(&made)
            .and_then(|o| check_exports(world, stack, &o).map(|_| o))
        {
            Ok(o) => outputs = Some(o),
            Err(reason) => failure = Some(reason),
        }
    }
    if let Some(reason) = failure {
        stack_status(world, stack, "UPDATE_ROLLBACK_IN_PROGRESS", Some(reason));
        undo(world, run, stack, journal, old_template);
        stack_status(
            world,
            stack,
            "UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS",
            None,
        );
        stack_status(world, stack, "UPDATE_ROLLBACK_COMPLETE", None);
        return;
    }
    stack.outputs = outputs.unwrap_or_default();
    stack_status(world, stack, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", None);
    // Replaced physical resources, then resources no longer in the template, newest first.
    for step in journal.iter().rev() {
        if let Step::Replaced(old) = step {
            let retain = run
                .template
                .resource(&old.logical_id)
                .is_some_and(|d| d.update_replace_policy.retains(false));
            delete_detached(world, &run.caller, stack, old, retain);
        }
    }
    let active: BTreeSet<&String> = run.order.iter().collect();
    for index in (0..stack.resources.len()).rev() {
        let r = &stack.resources[index];
        if !live(r) || active.contains(&r.logical_id) {
            continue;
        }
        let retain = old_template
            .resource(&r.logical_id)
            .is_some_and(|d| d.deletion_policy.retains(false));
        let _ = remove(world, &run.caller, stack, index, retain);
    }
    stack
        .resources
        .retain(|r| live(r) || r.status == "DELETE_FAILED");
    stack_status(world, stack, "UPDATE_COMPLETE", None);
}

/// Deletes an old physical resource that a replacement took the place of.
fn delete_detached(
    world: &mut World,
    caller: &Caller,
    stack: &mut Stack,
    old: &StackResource,
    retain: bool,
) {
    stack.resources.push(old.clone());
    let index = stack.resources.len() - 1;
    let _ = remove(world, caller, stack, index, retain);
    stack.resources.pop();
}

/// Undoes an update's steps, newest first.
fn undo(
    world: &mut World,
    run: &Run,
    stack: &mut Stack,
    journal: Vec<Step>,
    old_template: &Template,
) {
    let _ = old_template;
    for step in journal.into_iter().rev() {
        match step {
            Step::Created(id) => {
                if let Some(index) = stack
                    .resources
                    .iter()
                    .position(|r| r.logical_id == id && live(r))
                {
                    let _ = remove(world, &run.caller, stack, index, false);
                }
            }
            Step::Replaced(previous) => {
                if let Some(index) = stack
                    .resources
                    .iter()
                    .position(|r| r.logical_id == previous.logical_id && live(r))
                {
                    let _ = remove(world, &run.caller, stack, index, false);
                    stack.resources[index] = previous;
                }
            }
            Step::Updated(previous) => {
                let Some(index) = stack
                    .resources
                    .iter()
                    .position(|r| r.logical_id == previous.logical_id && live(r))
                else {
                    continue;
                };
                let current = stack.resources[index].clone();
                event(
                    world,
                    stack,
                    &current.logical_id,
                    &current.physical_id,
                    &current.type_name,
                    "UPDATE_IN_PROGRESS",
                    None,
                );
                let outcome = providers::provider(&current.type_name)
                    .and_then(|p| p.update)
                    .map(|update| {
                        let ctx = run.ctx(stack, &current.logical_id);
                        update(world, &ctx, &current, &previous.properties)
                    });
                let status = match outcome {
                    Some(Err(reason)) => {
                        event(
                            world,
                            stack,
                            &current.logical_id,
                            &current.physical_id,
                            &current.type_name,
                            "UPDATE_FAILED",
                            Some(reason),
                        );
                        continue;
                    }
                    _ => "UPDATE_COMPLETE",
                };
                event(
                    world,
                    stack,
                    &current.logical_id,
                    &current.physical_id,
                    &current.type_name,
                    status,
                    None,
                );
                stack.resources[index] = previous;
            }
        }
    }
    stack
        .resources
        .retain(|r| live(r) || r.status == "DELETE_FAILED");
}

/// Deletes a stack's resources, newest first. `retain`: logical ids the caller asked to
/// keep (RetainResources).
pub fn delete(world: &mut World, caller: &Caller, stack: &mut Stack, retain: &[String]) {
    stack_status(
        world,
        stack,
        "DELETE_IN_PROGRESS",
        Some("User Initiated".into()),
    );
    let mut failed = Vec::new();
    for index in (0..stack.resources.len()).rev() {
        let r = &stack.resources[index];
        let keep = r.retain || retain.contains(&r.logical_id);
        let logical = r.logical_id.clone();
        if remove(world, caller, stack, index, keep).is_err() {
            failed.push(logical);
        }
    }
    if !failed.is_empty() {
        failed.reverse();
        stack_status(
            world,
            stack,
            "DELETE_FAILED",
            Some(format!(
                "The following resource(s) failed to delete: [{}]. ",
                failed.join(", ")
            )),
        );
        return;
    }
    stack.outputs.clear();
    stack_status(world, stack, "DELETE_COMPLETE", None);
    stack.deleted_ms = Some(world.clock.now_ms());
}
