//! Budgets' state: per account, its budgets with their notifications, subscribers,
//! actions and tags. Spend is never stored: it is computed from the cost model.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use crate::cost::expression::Expression;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BudgetsState {
    /// Account id → budget name → budget.
    pub accounts: OrdMap<String, OrdMap<String, StoredBudget>>,
}

/// `Spend` on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Spend {
    pub amount: String,
    pub unit: String,
}

/// `TimeUnit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimeUnit {
    Daily,
    Monthly,
    Quarterly,
    Annually,
    Custom,
}

/// `BudgetType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BudgetType {
    Usage,
    Cost,
    RiUtilization,
    RiCoverage,
    SavingsPlansUtilization,
    SavingsPlansCoverage,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredBudget {
    pub name: String,
    pub limit: Option<Spend>,
    pub planned_limits: Option<BTreeMap<String, Spend>>,
    /// Legacy filter keys (`Service`, `LinkedAccount`, …) → values.
    pub cost_filters: BTreeMap<String, Vec<String>>,
    /// `CostTypes` in wire form, AWS's defaults filled in.
    pub cost_types: Value,
    pub time_unit: TimeUnit,
    pub start_ms: i64,
    pub end_ms: i64,
    pub budget_type: BudgetType,
    pub last_updated_ms: i64,
    pub auto_adjust_data: Option<Value>,
    pub filter_expression: Option<Expression>,
    pub metrics: Option<Vec<String>>,
    pub notifications: Vec<StoredNotification>,
    /// Budget actions by action id.
    pub actions: OrdMap<String, StoredAction>,
    pub tags: Vec<Tag>,
}

/// `Notification` on the wire (without its computed state).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Notification {
    pub notification_type: NotificationType,
    pub comparison_operator: ComparisonOperator,
    pub threshold: f64,
    #[serde(default)]
    pub threshold_type: Option<ThresholdType>,
    #[serde(default, skip_serializing)]
    pub notification_state: Option<String>,
}

impl Notification {
    /// Notifications are identified by type, operator, threshold and threshold type.
    pub fn same_as(&self, other: &Notification) -> bool {
        self.notification_type == other.notification_type
            && self.comparison_operator == other.comparison_operator
            && self.threshold == other.threshold
            && self.threshold_type.unwrap_or_default() == other.threshold_type.unwrap_or_default()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum NotificationType {
    Actual,
    Forecasted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComparisonOperator {
    GreaterThan,
    LessThan,
    EqualTo,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ThresholdType {
    #[default]
    Percentage,
    AbsoluteValue,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscriber {
    pub subscription_type: SubscriptionType,
    pub address: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SubscriptionType {
    Sns,
    Email,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredNotification {
    pub notification: Notification,
    pub subscribers: Vec<Subscriber>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// A budget action as stored: the wire `Action` plus its history.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredAction {
    /// `Action` in wire form (`Status` included).
    pub action: Value,
    /// `ActionHistory` entries, oldest first.
    pub history: Vec<Value>,
    pub tags: Vec<Tag>,
}

impl StoredBudget {
    pub fn arn(&self, account: &str) -> String {
        format!("arn:aws:budgets::{account}:budget/{}", self.name)
    }
}
