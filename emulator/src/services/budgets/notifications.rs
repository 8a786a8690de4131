//! Notifications of a budget and their subscribers. A notification's state (`OK` or
//! `ALARM`) is computed from the budget's spend when it is read.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::BudgetsError;
use super::model::{Notification, StoredBudget, StoredNotification, Subscriber, SubscriptionType};
use super::records::MAX_NOTIFICATIONS;
use super::spend;
use super::{budget, budget_mut, check_account, check_name, page_bounds, Empty};
use crate::auth::Caller;
use crate::services::pagination::encode_token;
use crate::world::World;

/// Subscribers per notification: up to 10 email addresses and 1 SNS topic.
const MAX_SUBSCRIBERS: usize = 11;

pub fn check_notification(notification: &Notification) -> Result<(), BudgetsError> {
    if !(0.0..=15_000_000_000_000.0).contains(&notification.threshold) {
        return Err(BudgetsError::constraint(
            "notification.threshold",
            &notification.threshold.to_string(),
            "Member must have value between 0 and 1.5E13",
        ));
    }
    Ok(())
}

fn check_subscriber(subscriber: &Subscriber) -> Result<(), BudgetsError> {
    let ok = match subscriber.subscription_type {
        SubscriptionType::Email => {
            let address = subscriber.address.as_str();
            address
                .split_once('@')
                .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        }
        SubscriptionType::Sns => {
            let parts: Vec<&str> = subscriber.address.split(':').collect();
            parts.len() == 6
                && parts[0] == "arn"
                && parts[1].starts_with("aws")
                && parts[2] == "sns"
                && parts[4].len() == 12
                && !parts[5].is_empty()
        }
    };
    if ok {
        Ok(())
    } else {
        Err(BudgetsError::invalid(format!(
            "Invalid subscriber address {} for subscription type {}",
            subscriber.address,
            match subscriber.subscription_type {
                SubscriptionType::Email => "EMAIL",
                SubscriptionType::Sns => "SNS",
            }
        )))
    }
}

pub fn check_subscribers(subscribers: &[Subscriber]) -> Result<(), BudgetsError> {
    if subscribers.is_empty() || subscribers.len() > MAX_SUBSCRIBERS {
        return Err(BudgetsError::constraint(
            "subscribers",
            &format!("{} subscribers", subscribers.len()),
            "Member must have length between 1 and 11",
        ));
    }
    subscribers.iter().try_for_each(check_subscriber)?;
    if subscribers
        .iter()
        .filter(|s| s.subscription_type == SubscriptionType::Sns)
        .count()
        > 1
    {
        return Err(BudgetsError::invalid(
            "A notification can have at most one SNS subscriber",
        ));
    }
    for (i, s) in subscribers.iter().enumerate() {
        if subscribers[..i].contains(s) {
            return Err(BudgetsError::DuplicateRecord(format!(
                "Subscriber {} is listed more than once",
                s.address
            )));
        }
    }
    Ok(())
}

/// Notifications in wire form with their state now.
pub fn render_notifications(world: &World, account: &str, budget: &StoredBudget) -> Vec<Value> {
    let (actual, forecast, from) = spend::current(world, account, budget);
    budget
        .notifications
        .iter()
        .map(|n| render_one(budget, &n.notification, actual, forecast, from))
        .collect()
}

fn render_one(
    budget: &StoredBudget,
    notification: &Notification,
    actual: f64,
    forecast: f64,
    from: i64,
) -> Value {
    json!({
        "NotificationType": notification.notification_type,
        "ComparisonOperator": notification.comparison_operator,
        "Threshold": notification.threshold,
        "ThresholdType": notification.threshold_type.unwrap_or_default(),
        "NotificationState": spend::notification_state(budget, notification, actual, forecast, from),
    })
}

fn position(budget: &StoredBudget, notification: &Notification) -> Option<usize> {
    budget
        .notifications
        .iter()
        .position(|n| n.notification.same_as(notification))
}

fn find(budget: &StoredBudget, notification: &Notification) -> Result<usize, BudgetsError> {
    position(budget, notification).ok_or_else(|| BudgetsError::no_notification(&budget.name))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateNotificationInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
    pub subscribers: Vec<Subscriber>,
}

pub fn create_notification(
    world: &mut World,
    caller: &Caller,
    input: CreateNotificationInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    check_notification(&input.notification)?;
    check_subscribers(&input.subscribers)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    if position(stored, &input.notification).is_some() {
        return Err(BudgetsError::DuplicateRecord(format!(
            "Error creating notification for budget: {} - the notification already exists.",
            input.budget_name
        )));
    }
    if stored.notifications.len() >= MAX_NOTIFICATIONS {
        return Err(BudgetsError::limit());
    }
    budget_mut(world, &input.account_id, &input.budget_name)
        .notifications
        .push(StoredNotification {
            notification: input.notification,
            subscribers: input.subscribers,
        });
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNotificationsForBudgetInput {
    pub account_id: String,
    pub budget_name: String,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeNotificationsForBudgetOutput {
    pub notifications: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One page of `items` by position: the page and the token of the next.
fn page_by_index<T: Clone>(
    listing: &str,
    items: &[T],
    max: usize,
    after: Option<String>,
) -> Result<(Vec<T>, Option<String>), BudgetsError> {
    let start = match after {
        None => 0,
        Some(n) => n.parse::<usize>().map_err(|_| BudgetsError::bad_token())?,
    };
    let page: Vec<T> = items.iter().skip(start).take(max).cloned().collect();
    let next = start + page.len();
    let token = (next < items.len()).then(|| encode_token(listing, &next.to_string()));
    Ok((page, token))
}

pub fn describe_notifications_for_budget(
    world: &mut World,
    caller: &Caller,
    input: DescribeNotificationsForBudgetInput,
) -> Result<DescribeNotificationsForBudgetOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let listing = format!("notifications/{}/{}", input.account_id, input.budget_name);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 100)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let all = render_notifications(world, &input.account_id, stored);
    let (notifications, next_token) = page_by_index(&listing, &all, max, after)?;
    Ok(DescribeNotificationsForBudgetOutput {
        notifications,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateNotificationInput {
    pub account_id: String,
    pub budget_name: String,
    pub old_notification: Notification,
    pub new_notification: Notification,
}

pub fn update_notification(
    world: &mut World,
    caller: &Caller,
    input: UpdateNotificationInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    check_notification(&input.new_notification)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let index = find(stored, &input.old_notification)?;
    if position(stored, &input.new_notification).is_some_and(|other| other != index) {
        return Err(BudgetsError::DuplicateRecord(format!(
            "Error updating notification for budget: {} - the notification already exists.",
            input.budget_name
        )));
    }
    budget_mut(world, &input.account_id, &input.budget_name).notifications[index].notification =
        input.new_notification;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteNotificationInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
}

pub fn delete_notification(
    world: &mut World,
    caller: &Caller,
    input: DeleteNotificationInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let index = find(
        budget(world, &input.account_id, &input.budget_name)?,
        &input.notification,
    )?;
    budget_mut(world, &input.account_id, &input.budget_name)
        .notifications
        .remove(index);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSubscriberInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
    pub subscriber: Subscriber,
}

pub fn create_subscriber(
    world: &mut World,
    caller: &Caller,
    input: CreateSubscriberInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    check_subscriber(&input.subscriber)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let index = find(stored, &input.notification)?;
    let mut subscribers = stored.notifications[index].subscribers.clone();
    if subscribers.contains(&input.subscriber) {
        return Err(BudgetsError::DuplicateRecord(format!(
            "Error creating subscriber for budget: {} - the subscriber already exists.",
            input.budget_name
        )));
    }
    if subscribers.len() >= MAX_SUBSCRIBERS {
        return Err(BudgetsError::limit());
    }
    subscribers.push(input.subscriber);
    check_subscribers(&subscribers)?;
    budget_mut(world, &input.account_id, &input.budget_name).notifications[index].subscribers =
        subscribers;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSubscribersForNotificationInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSubscribersForNotificationOutput {
    pub subscribers: Vec<Subscriber>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_subscribers_for_notification(
    world: &mut World,
    caller: &Caller,
    input: DescribeSubscribersForNotificationInput,
) -> Result<DescribeSubscribersForNotificationOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let listing = format!("subscribers/{}/{}", input.account_id, input.budget_name);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 100)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let index = find(stored, &input.notification)?;
    let (subscribers, next_token) = page_by_index(
        &listing,
        &stored.notifications[index].subscribers,
        max,
        after,
    )?;
    Ok(DescribeSubscribersForNotificationOutput {
        subscribers,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSubscriberInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
    pub old_subscriber: Subscriber,
    pub new_subscriber: Subscriber,
}

pub fn update_subscriber(
    world: &mut World,
    caller: &Caller,
    input: UpdateSubscriberInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    check_subscriber(&input.new_subscriber)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let index = find(stored, &input.notification)?;
    let mut subscribers = stored.notifications[index].subscribers.clone();
    let at = subscribers
        .iter()
        .position(|s| *s == input.old_subscriber)
        .ok_or_else(|| {
            BudgetsError::NotFound(format!(
                "Unable to find the subscriber {} of budget: {}",
                input.old_subscriber.address, input.budget_name
            ))
        })?;
    if input.new_subscriber != input.old_subscriber && subscribers.contains(&input.new_subscriber) {
        return Err(BudgetsError::DuplicateRecord(format!(
            "Error updating subscriber for budget: {} - the subscriber already exists.",
            input.budget_name
        )));
    }
    subscribers[at] = input.new_subscriber;
    check_subscribers(&subscribers)?;
    budget_mut(world, &input.account_id, &input.budget_name).notifications[index].subscribers =
        subscribers;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteSubscriberInput {
    pub account_id: String,
    pub budget_name: String,
    pub notification: Notification,
    pub subscriber: Subscriber,
}

pub fn delete_subscriber(
    world: &mut World,
    caller: &Caller,
    input: DeleteSubscriberInput,
) -> Result<Empty, BudgetsError> {
    check_account(caller, &input.account_id)?;
    check_name(&input.budget_name)?;
    let stored = budget(world, &input.account_id, &input.budget_name)?;
    let index = find(stored, &input.notification)?;
    let subscribers = &stored.notifications[index].subscribers;
    let at = subscribers
        .iter()
        .position(|s| *s == input.subscriber)
        .ok_or_else(|| {
            BudgetsError::NotFound(format!(
                "Unable to find the subscriber {} of budget: {}",
                input.subscriber.address, input.budget_name
            ))
        })?;
    budget_mut(world, &input.account_id, &input.budget_name).notifications[index]
        .subscribers
        .remove(at);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetNotificationsForAccountInput {
    pub account_id: String,
    #[serde(default)]
    pub max_results: Option<i64>,
    #[serde(default)]
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeBudgetNotificationsForAccountOutput {
    pub budget_notifications_for_account: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_budget_notifications_for_account(
    world: &mut World,
    caller: &Caller,
    input: DescribeBudgetNotificationsForAccountInput,
) -> Result<DescribeBudgetNotificationsForAccountOutput, BudgetsError> {
    check_account(caller, &input.account_id)?;
    let listing = format!("account-notifications/{}", input.account_id);
    let (max, after) = page_bounds(&listing, input.max_results, &input.next_token, 1000)?;
    let empty = imbl::OrdMap::new();
    let budgets = world
        .budgets
        .accounts
        .get(&input.account_id)
        .unwrap_or(&empty);
    let with_notifications: Vec<&StoredBudget> = budgets
        .values()
        .filter(|b| !b.notifications.is_empty())
        .filter(|b| after.as_ref().is_none_or(|a| &b.name > a))
        .take(max + 1)
        .collect();
    let more = with_notifications.len() > max;
    let page = &with_notifications[..with_notifications.len().min(max)];
    Ok(DescribeBudgetNotificationsForAccountOutput {
        budget_notifications_for_account: page
            .iter()
            .map(|b| {
                json!({
                    "BudgetName": b.name,
                    "Notifications": render_notifications(world, &input.account_id, b),
                })
            })
            .collect(),
        next_token: more
            .then(|| page.last().map(|b| encode_token(&listing, &b.name)))
            .flatten(),
    })
}
