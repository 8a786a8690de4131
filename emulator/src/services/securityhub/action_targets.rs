//! Custom actions (the EventBridge targets of "send findings"): CreateActionTarget,
//! DescribeActionTargets, UpdateActionTarget, DeleteActionTarget. And the deprecated
//! UpdateFindings, which sets the note and record state of the caller's findings
//! that match a filter.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ShError;
use super::filters::FindingFilters;
use super::finding_updates::NoteUpdate;
use super::findings::visible_scopes;
use super::model::{ActionTarget, FieldChange, HistoryRecord};
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// Custom actions one account may have per region (AWS quota).
const ACTION_TARGET_LIMIT: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateActionTargetInput {
    pub name: String,
    pub description: String,
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionTargetArnOutput {
    pub action_target_arn: String,
}

fn check_name(name: &str) -> Result<(), ShError> {
    if name.trim().is_empty() || name.chars().count() > 20 {
        return Err(ShError::invalid("Name must be between 1 and 20 characters"));
    }
    Ok(())
}

fn check_description(description: &str) -> Result<(), ShError> {
    if description.trim().is_empty() || description.chars().count() > 256 {
        return Err(ShError::invalid(
            "Description must be between 1 and 256 characters",
        ));
    }
    Ok(())
}

pub fn create_action_target(
    world: &mut World,
    caller: &Caller,
    input: CreateActionTargetInput,
) -> Result<ActionTargetArnOutput, ShError> {
    check_name(&input.name)?;
    check_description(&input.description)?;
    if input.id.is_empty()
        || input.id.len() > 20
        || !input.id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(ShError::invalid(
            "Id must be 1 to 20 alphanumeric characters",
        ));
    }
    let hub = own_hub(world, caller)?;
    let arn = format!(
        "arn:aws:securityhub:{}:{}:action/custom/{}",
        caller.region, caller.account_id, input.id
    );
    if hub.action_targets.contains_key(&arn) {
        return Err(ShError::Conflict(format!(
            "Action target {arn} already exists"
        )));
    }
    if hub.action_targets.len() >= ACTION_TARGET_LIMIT {
        return Err(ShError::LimitExceeded(format!(
            "You can have up to {ACTION_TARGET_LIMIT} custom actions"
        )));
    }
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .action_targets
        .insert(
            arn.clone(),
            ActionTarget {
                arn: arn.clone(),
                name: input.name,
                description: input.description,
            },
        );
    Ok(ActionTargetArnOutput {
        action_target_arn: arn,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeActionTargetsInput {
    pub action_target_arns: Option<Vec<String>>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionTargetWire {
    pub action_target_arn: String,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeActionTargetsOutput {
    pub action_targets: Vec<ActionTargetWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_action_targets(
    world: &mut World,
    caller: &Caller,
    input: DescribeActionTargetsInput,
) -> Result<DescribeActionTargetsOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let wanted = input.action_target_arns.filter(|a| !a.is_empty());
    if let Some(arns) = &wanted {
        if let Some(missing) = arns.iter().find(|a| !hub.action_targets.contains_key(*a)) {
            return Err(ShError::not_found(format!(
                "Action target {missing} not found"
            )));
        }
    }
    let listing = format!("DescribeActionTargets {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let items = hub
        .action_targets
        .values()
        .filter(|t| wanted.as_ref().is_none_or(|w| w.contains(&t.arn)))
        .filter(|t| after.as_ref().is_none_or(|a| t.arn > *a));
    let (items, next) = take_page(items, max, |t| t.arn.clone());
    Ok(DescribeActionTargetsOutput {
        action_targets: items
            .into_iter()
            .map(|t| ActionTargetWire {
                action_target_arn: t.arn.clone(),
                name: t.name.clone(),
                description: t.description.clone(),
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateActionTargetInput {
    pub action_target_arn: String,
    pub name: Option<String>,
    pub description: Option<String>,
}

pub fn update_action_target(
    world: &mut World,
    caller: &Caller,
    input: UpdateActionTargetInput,
) -> Result<Empty, ShError> {
    if let Some(n) = &input.name {
        check_name(n)?;
    }
    if let Some(d) = &input.description {
        check_description(d)?;
    }
    let arn = &input.action_target_arn;
    if !own_hub(world, caller)?.action_targets.contains_key(arn) {
        return Err(ShError::not_found(format!("Action target {arn} not found")));
    }
    let target = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .action_targets
        .get_mut(arn)
        .expect("checked");
    if let Some(n) = input.name {
        target.name = n;
    }
    if let Some(d) = input.description {
        target.description = d;
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteActionTargetInput {
    pub action_target_arn: String,
}

pub fn delete_action_target(
    world: &mut World,
    caller: &Caller,
    input: DeleteActionTargetInput,
) -> Result<ActionTargetArnOutput, ShError> {
    let arn = input.action_target_arn;
    if !own_hub(world, caller)?.action_targets.contains_key(&arn) {
        return Err(ShError::not_found(format!("Action target {arn} not found")));
    }
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .action_targets
        .remove(&arn);
    Ok(ActionTargetArnOutput {
        action_target_arn: arn,
    })
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RecordState {
    Active,
    Archived,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateFindingsInput {
    pub filters: Value,
    pub note: Option<NoteUpdate>,
    pub record_state: Option<RecordState>,
}

pub fn update_findings(
    world: &mut World,
    caller: &Caller,
    input: UpdateFindingsInput,
) -> Result<Empty, ShError> {
    let now = world.clock.now_ms();
    let filters = FindingFilters::parse(&input.filters, now)?;
    if let Some(note) = &input.note {
        if note.text.trim().is_empty() || note.updated_by.trim().is_empty() {
            return Err(ShError::invalid("Note needs Text and UpdatedBy"));
        }
    }
    if input.note.is_none() && input.record_state.is_none() {
        return Err(ShError::invalid(
            "The request must update Note or RecordState",
        ));
    }
    own_hub(world, caller)?;
    let mut writes = Vec::new();
    for (region, account) in visible_scopes(world, caller) {
        let Some(hub) = world.securityhub.hub(&region, &account) else {
            continue;
        };
        for (key, stored) in hub.findings.iter() {
            if filters.matches(&stored.finding) {
                writes.push((region.clone(), account.clone(), key.clone()));
            }
        }
    }
    for (region, account, key) in writes {
        let stored = world
            .securityhub
            .hub_mut(&region, &account)
            .findings
            .get_mut(&key)
            .expect("located");
        let mut changes = Vec::new();
        if let Some(note) = &input.note {
            let new =
                json!({"Text": note.text, "UpdatedBy": note.updated_by, "UpdatedAt": iso8601(now)});
            changes.push(FieldChange {
                field: "Note".to_string(),
                old: stored
                    .finding
                    .get("Note")
                    .map(Value::to_string)
                    .unwrap_or_default(),
                new: new.to_string(),
            });
            stored.finding["Note"] = new;
        }
        if let Some(state) = input.record_state {
            let state = match state {
                RecordState::Active => "ACTIVE",
                RecordState::Archived => "ARCHIVED",
            };
            changes.push(FieldChange {
                field: "RecordState".to_string(),
                old: stored.finding["RecordState"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                new: state.to_string(),
            });
            stored.finding["RecordState"] = json!(state);
        }
        stored.finding["UpdatedAt"] = json!(iso8601(now));
        stored.history.push(HistoryRecord {
            update_ms: now,
            created: false,
            source_type: "BATCH_UPDATE_FINDINGS".to_string(),
            identity: caller.arn(),
            updates: changes,
        });
    }
    Ok(Empty {})
}
