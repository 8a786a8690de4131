//! CloudFormation's state: per account and region, the stacks (deleted ones are kept
//! for ListStacks, as AWS keeps them for 90 days) with their resources, events and
//! change sets; the stack sets an account administers and their operations.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CfnState {
    /// account → region → the region's CloudFormation.
    pub accounts: BTreeMap<String, BTreeMap<String, Regional>>,
    /// Accounts (management or delegated admin) that called ActivateOrganizationsAccess.
    pub organizations_access: BTreeMap<String, bool>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Regional {
    /// In creation order.
    pub stacks: Vec<Stack>,
    /// Stack sets this account administers from this region, in creation order.
    pub stack_sets: Vec<super::stacksets::model::StackSet>,
    /// IaC generator resource scans, oldest first.
    #[serde(default)]
    pub resource_scans: Vec<super::scans::ResourceScan>,
    /// IaC generator templates, in creation order.
    #[serde(default)]
    pub generated_templates: Vec<super::generated::GeneratedTemplate>,
}

impl CfnState {
    pub fn regional(&self, account: &str, region: &str) -> Option<&Regional> {
        self.accounts.get(account).and_then(|r| r.get(region))
    }

    pub fn regional_mut(&mut self, account: &str, region: &str) -> &mut Regional {
        self.accounts
            .entry(account.to_string())
            .or_default()
            .entry(region.to_string())
            .or_default()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Stack {
    pub stack_id: String,
    pub name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub description: Option<String>,
    pub created_ms: i64,
    pub updated_ms: Option<i64>,
    pub deleted_ms: Option<i64>,
    pub template_body: String,
    /// Resolved parameter values.
    pub parameters: BTreeMap<String, String>,
    /// Parameters declared NoEcho (shown as `****`).
    pub no_echo: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub capabilities: Vec<String>,
    pub notification_arns: Vec<String>,
    pub role_arn: Option<String>,
    pub disable_rollback: bool,
    pub termination_protection: bool,
    pub stack_policy: Option<String>,
    pub outputs: Vec<StackOutput>,
    /// In the order they were made.
    pub resources: Vec<StackResource>,
    /// Oldest first.
    pub events: Vec<StackEvent>,
    pub change_sets: Vec<ChangeSet>,
    /// Drift detections, newest last.
    pub drift_detections: Vec<DriftDetection>,
    /// The stack set this stack is an instance of.
    pub stack_set_id: Option<String>,
    /// The last drift status (`NOT_CHECKED` until detected).
    pub drift_status: String,
    pub drift_checked_ms: Option<i64>,
}

impl Stack {
    pub fn deleted(&self) -> bool {
        self.status == "DELETE_COMPLETE"
    }

    pub fn resource(&self, logical_id: &str) -> Option<&StackResource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackOutput {
    pub key: String,
    pub value: String,
    pub description: Option<String>,
    pub export_name: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackResource {
    pub logical_id: String,
    pub physical_id: String,
    pub type_name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub updated_ms: i64,
    /// `Fn::GetAtt` values.
    pub attributes: Map<String, Value>,
    /// The properties it was made with (resolved), for updates and drift.
    pub properties: Value,
    /// DeletionPolicy says keep it when the stack deletes it.
    pub retain: bool,
    pub drift_status: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackEvent {
    pub event_id: String,
    pub logical_id: String,
    pub physical_id: String,
    pub type_name: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub timestamp_ms: i64,
    pub properties: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ChangeSet {
    pub id: String,
    pub name: String,
    /// `CREATE` (the stack was made for it, `REVIEW_IN_PROGRESS`) or `UPDATE`.
    pub change_set_type: String,
    pub status: String,
    pub status_reason: Option<String>,
    pub execution_status: String,
    pub created_ms: i64,
    pub description: Option<String>,
    pub template_body: String,
    pub parameters: BTreeMap<String, String>,
    pub tags: Vec<(String, String)>,
    pub capabilities: Vec<String>,
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    /// `Add`, `Modify`, `Remove`.
    pub action: String,
    pub logical_id: String,
    pub physical_id: Option<String>,
    pub type_name: String,
    /// `True`, `False`, `Conditional` (Modify only).
    pub replacement: Option<String>,
    /// Changed top-level properties.
    pub scope: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DriftDetection {
    pub id: String,
    pub status: String,
    pub drift_status: String,
    pub drifted_count: usize,
    pub timestamp_ms: i64,
    /// Per resource: (logical id, status, expected, actual, differences).
    pub results: Vec<ResourceDrift>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResourceDrift {
    pub logical_id: String,
    pub physical_id: String,
    pub type_name: String,
    pub status: String,
    pub expected: Value,
    pub actual: Value,
    /// (property path, expected, actual, `NOT_EQUAL`/`ADD`/`REMOVE`).
    pub differences: Vec<(String, Value, Value, String)>,
    pub timestamp_ms: i64,
}
