//! Budget actions: stored with their definitions and history. orgsim never runs them
//! (README): they stay in `STANDBY`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::BudgetsError;
use super::model::{NotificationType, StoredAction, StoredBudget, Subscriber, Tag, ThresholdType};
use super::notifications::check_subscribers;
use super::records::check_tags;
use super::{budget, budget_mut, check_account, check_name, page_bounds};
use crate::auth::Caller;
use crate::services::pagination::encode_token;
use crate::world::{epoch_seconds, World};

/// Actions per budget (AWS's quota).
const MAX_ACTIONS: usize = 10;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionThreshold {
    pub action_threshold_value: f64,
    pub action_threshold_type: ThresholdType,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBudgetActionInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification_type: NotificationType,
    pub action_type: String,
    pub action_threshold: ActionThreshold,
    pub definition: Value,
    pub execution_role_arn: String,
    pub approval_model: String,
    pub subscribers: Vec<Subscriber>,
    #[serde(default)]
    pub resource_tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateBudgetActionOutput {
    pub account_id: String,
    pub budget_name: String,
    pub action_id: String,
}

fn check_action_id(id: &str) -> Result<(), BudgetsError> {
    let ok = id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if ok {
        Ok(())
    } else {
        Err(BudgetsError::constraint(
            "actionId",
            id,
            "Member must satisfy regular expression pattern: ^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$",
        ))
    }
}

fn check_role_arn(arn: &str) -> Result<(), BudgetsError> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && (32..=618).contains(&arn.len());
    if ok {
        Ok(())
    } else {
        Err(BudgetsError::constraint(
            "executionRoleArn",
            arn,
            "Member must satisfy regular expression pattern: ^arn:aws(-cn|-us-gov|-iso|-iso-[a-z]{1})?:iam::\\d{12}:role(\\u002F[\\u0021-\\u007F]+\\u002F|\\u002F)[\\w+=,.@-]+$",
        ))
    }
}

/// The definition must hold the member its action type needs, with its required fields.
fn check_definition(action_type: &str, definition: &Value) -> Result<(), BudgetsError> {
    let (member, required): (&str, &[&str]) = match action_type {
        "APPLY_IAM_POLICY" => ("IamActionDefinition", &["PolicyArn"]),
        "APPLY_SCP_POLICY" => ("ScpActionDefinition", &["PolicyId", "TargetIds"]),
        "RUN_SSM_DOCUMENTS" => ("SsmActionDefinition", &["ActionSubType", "Region", "InstanceIds"]),
        other => {
            return Err(BudgetsError::constraint(
                "actionType",
                other,
                "Member must satisfy enum value set: [APPLY_IAM_POLICY, APPLY_SCP_POLICY, RUN_SSM_DOCUMENTS]",
            ))
        }
    };
    let body = definition
        .get(member)
        .filter(|v| v.is_object())
        .ok_or_else(|| {
            BudgetsError::invalid(format!(
                "The definition of a {action_type} action must contain {member}"
            ))
        })?;
    if let Some(missing) = required.iter().find(|r| body.get(**r).is_none()) {
        return Err(BudgetsError::invalid(format!(
            "1 validation error detected: Value null at 'definition.{member}.{missing}' failed to satisfy constraint: Member must not be null"
        )));
    }
    if action_type == "APPLY_IAM_POLICY"
        && ["Roles", "Groups", "Users"].iter().all(|k| {
            body.get(*k)
                .and_then(Value::as_array)
                .is_none_or(|a| a.is_empty())
        })
    {
        return Err(BudgetsError::invalid(
            "An IAM action definition must name at least one role, group or user",
        ));
    }
    Ok(())
}

fn check_approval(model: &str) -> Result<(), BudgetsError> {
    if matches!(model, "AUTOMATIC" | "MANUAL") {
        Ok(())
    } else {
        Err(BudgetsError::constraint(
            "approvalModel",
            model,
            "Member must satisfy enum value set: [AUTOMATIC, MANUAL]",
        ))
    }
}

fn history_entry(ms: i64, event: &str, message: &str, action: &Value) -> Value {
    json!({
        "Timestamp": epoch_seconds(ms),
        "Status": action["Status"],
        "EventType": event,
        "ActionHistoryDetails": {"Message": message, "Action": action},
    })
}

pub fn create_budget_action(
    world: &mut World,
    caller: &Caller,
    input: CreateBudgetActionInput,
) -> Result<CreateBudgetActionOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    check_definition(&input.action_type, &input.definition)?;
    check_role_arn(&input.execution_role_arn)?;
    check_approval(&input.approval_model)?;
    check_subscribers(&input.subscribers)?;
    let tags = input.resource_tags.unwrap_or_default();
    check_tags(&tags)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    if stored.actions.len() >= MAX_ACTIONS {
        return Err(BudgetsError::limit());
    }
    let id = world.ids.uuid();
    let now = world.clock.now_ms();
    let action = json!({
        "ActionId": id,
        "BudgetName": input.budget_name,
        "NotificationType": input.notification_type,
        "ActionType": input.action_type,
        "ActionThreshold": input.action_threshold,
        "Definition": input.definition,
        "ExecutionRoleArn": input.execution_role_arn,
        "ApprovalModel": input.approval_model,
        "Status": "STANDBY",
        "Subscribers": input.subscribers,
    });
    let history = vec![history_entry(
        now,
        "CREATE_ACTION",
        "Action created",
        &action,
    )];
    budget_mut(world, &input.account_id, &input.budget_name)
        .actions
        .insert(
            id.clone(),
            StoredAction {
                action,
                history,
                tags,
            },
        );
    Ok(CreateBudgetActionOutput {
        account_id: input.account_id,
        budget_name: input.budget_name,
        action_id: id,
    })
}

fn action<'w>(stored: &'w StoredBudget, id: &str) -> Result<&'w StoredAction, BudgetsError> {
    stored.actions.get(id).ok_or_else(|| {
        BudgetsError::NotFound(format!(
            "Unable to find the action {id} of budget: {}",
            stored.name
        ))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionRef {
    pub account_id: String,
    pub budget_name: String,
    pub action_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionOutput {
    pub account_id: String,
    pub budget_name: String,
    pub action: Value,
}

fn lookup<'w>(
    world: &'w World,
    caller: &Caller,
    r: &ActionRef,
) -> Result<&'w StoredAction, BudgetsError> {
    check_account(caller, &r.account_id)?;
    check_name(&r.budget_name)?;
    check_action_id(&r.action_id)?;
    action(budget(world, &r.account_id, &r.budget_name)?, &r.action_id)
}

pub fn describe_budget_action(
    world: &mut World,
    caller: &Caller,
    input: ActionRef,
) -> Result<ActionOutput, BudgetsError> {
    let found = lookup(world, caller, &input)?.action.clone();
    Ok(ActionOutput {
        account_id: input.account_id,
        budget_name: input.budget_name,
        action: found,
    })
}

pub fn delete_budget_action(
    world: &mut World,
    caller: &Caller,
    input: ActionRef,
) -> Result<ActionOutput, BudgetsError> {
    let found = lookup(world, caller, &input)?.action.clone();
    budget_mut(world, &input.account_id, &input.budget_name)
        .actions
        .remove(&input.action_id);
    Ok(ActionOutput {
        account_id: input.account_id,
        budget_name: input.budget_name,
        action: found,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateBudgetActionInput {
    pub account_id: String,
    pub budget_name: String,
    pub action_id: String,
    #[serde(default)]
    pub notification_type: Option<NotificationType>,
    #[serde(default)]
    pub action_threshold: Option<ActionThreshold>,
    #[serde(default)]
    pub definition: Option<Value>,
    #[serde(default)]
    pub execution_role_arn: Option<String>,
    #[serde(default)]
    pub approval_model: Option<String>,
    #[serde(default)]
    pub subscribers: Option<Vec<Subscriber>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateBudgetActionOutput {
    pub account_id: String,
    pub budget_name: String,
    pub old_action: Value,
    pub new_action: Value,
}

pub fn update_budget_action(
    world: &mut World,
    caller: &Caller,
    input: UpdateBudgetActionInput,
) -> Result<UpdateBudgetActionOutput, BudgetsError> {
    let reference = ActionRef {
        account_id: input.account_id.clone(),
        budget_name: input.budget_name.clone(),
        action_id: input.action_id.clone(),
    };
    let old = lookup(world, caller, &reference)?.action.clone();
    let mut new = old.clone();
    if let Some(kind) = input.notification_type {
        new["NotificationType"] = json!(kind);
    }
    if let Some(threshold) = input.action_threshold {
        new["ActionThreshold"] = json!(threshold);
    }
    if let Some(definition) = input.definition {
        check_definition(new["ActionType"].as_str().unwrap_or_default(), &definition)?;
        new["Definition"] = definition;
    }
    if let Some(role) = input.execution_role_arn {
        check_role_arn(&role)?;
        new["ExecutionRoleArn"] = json!(role);
    }
    if let Some(model) = input.approval_model {
        check_approval(&model)?;
        new["ApprovalModel"] = json!(model);
    }
    if let Some(subscribers) = input.subscribers {
        check_subscribers(&subscribers)?;
        new["Subscribers"] = json!(subscribers);
    }
    let now = world.clock.now_ms();
    let stored = budget_mut(world, &input.account_id, &input.budget_name)
        .actions
        .get_mut(&input.action_id)
        .expect("action checked before mutation");
    stored
        .history
        .push(history_entry(now, "UPDATE_ACTION", "Action updated", &new));
    stored.action = new.clone();
    Ok(UpdateBudgetActionOutput {
        account_id: input.account_id,
        budget_name: input.budget_name,
        old_action: old,
        new_action: new,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListActionsInput {
    pub account_id: String,
    #[serde(default)]
    pub budget_name: Option<String>,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListActionsOutput {
    pub actions: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn list_actions(
    world: &World,
    caller: &Caller,
    input: &ListActionsInput,
    only: Option<&str>,
) -> Result<ListActionsOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    let listing = format!("actions/{}/{}", input.account_id, only.unwrap_or("*"));
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 100)?;
    let empty = imbl::OrdMap::new();
    let budgets = world
        .budgets
        .accounts
        .get(&input.account_id)
        .unwrap_or(&empty);
    let all: Vec<(String, &Value)> = budgets
        .values()
        .filter(|b| only.is_none_or(|name| b.name == name))
        .flat_map(|b| {
            b.actions
                .iter()
                .map(move |(id, a)| (format!("{}/{id}", b.name), &a.action))
        })
        .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
        .take(max + 1)
        .collect();
    let more = all.len() > max;
    let page = &all[..all.len().min(max)];
    Ok(ListActionsOutput {
        actions: page.iter().map(|(_, a)| (*a).clone()).collect(),
        next_token: more
            .then(|| page.last().map(|(key, _)| encode_token(&listing, key)))
            .flatten(),
    })
}

pub fn describe_budget_actions_for_account(
    world: &mut World,
    caller: &Caller,
    input: ListActionsInput,
) -> Result<ListActionsOutput, BudgetsError> {
    list_actions(world, caller, &input, None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetActionsForBudgetInput {
    pub account_id: String,
    pub budget_name: String,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

pub fn describe_budget_actions_for_budget(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetActionsForBudgetInput,
) -> Result<ListActionsOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    budget(world, &input.account_id, &input.budget_name)?;
    let list = ListActionsInput {
        account_id: input.account_id,
        budget_name: None,
        max_results: input.max_results,
        next_token: input.next_token,
    };
    list_actions(world, caller, &list, Some(&input.budget_name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetActionHistoriesInput {
    pub account_id: String,
    pub budget_name: String,
    pub action_id: String,
    #[serde(default)]
    pub time_period: Option<super::records::TimePeriodInput>,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetActionHistoriesOutput {
    pub action_histories: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_budget_action_histories(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetActionHistoriesInput,
) -> Result<DescribeBudgetActionHistoriesOutput, BudgetsError> {
    let reference = ActionRef {
        account_id: input.account_id.clone(),
        budget_name: input.budget_name.clone(),
        action_id: input.action_id.clone(),
    };
    let listing = format!("action-history/{}", input.action_id);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 100)?;
    let stored = lookup(world, caller, &reference)?;
    let period = input.time_period.unwrap_or_default();
    let from = period
        .start
        .as_ref()
        .map(|v| super::parse_timestamp("timePeriod.start", v))
        .transpose()?;
    let to = period
        .end
        .as_ref()
        .map(|v| super::parse_timestamp("timePeriod.end", v))
        .transpose()?;
    let skip = match after {
        None => 0,
        Some(n) => n.parse::<usize>().map_err(|_| BudgetsError::bad_token())?,
    };
    let in_period: Vec<&Value> = stored
        .history
        .iter()
        .filter(|h| {
            let ms = (h["Timestamp"].as_f64().unwrap_or(0.0) * 1000.0) as i64;
            from.is_none_or(|f| ms >= f) && to.is_none_or(|t| ms < t)
        })
        .collect();
    let page: Vec<Value> = in_period
        .iter()
        .skip(skip)
        .take(max)
        .map(|v| (*v).clone())
        .collect();
    let next = skip + page.len();
    Ok(DescribeBudgetActionHistoriesOutput {
        action_histories: page,
        next_token: (next < in_period.len()).then(|| encode_token(&listing, &next.to_string())),
    })
}
