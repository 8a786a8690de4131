//! A stack set, its instances and its operations, as the administrator account holds
//! them (a delegated administrator's service-managed sets live in the management
//! account, as AWS keeps them).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

pub const SELF_MANAGED: &str = "SELF_MANAGED";
pub const SERVICE_MANAGED: &str = "SERVICE_MANAGED";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackSet {
    /// `name:uuid`.
    pub id: String,
    pub name: String,
    pub arn: String,
    pub description: Option<String>,
    /// `ACTIVE` or `DELETED`.
    pub status: String,
    pub template_body: String,
    /// The set's parameter values (instances may override them).
    pub parameters: BTreeMap<String, String>,
    pub capabilities: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub permission_model: String,
    pub administration_role_arn: Option<String>,
    pub execution_role_name: Option<String>,
    pub auto_deployment: Option<AutoDeployment>,
    pub managed_execution: bool,
    pub created_ms: i64,
    /// In creation order.
    pub instances: Vec<StackInstance>,
    /// Oldest first.
    pub operations: Vec<Operation>,
    /// Service-managed targets: OU (or root) id → the regions deployed there.
    pub targets: BTreeMap<String, BTreeSet<String>>,
    pub drift_status: String,
    pub drift_checked_ms: Option<i64>,
}

impl StackSet {
    pub fn service_managed(&self) -> bool {
        self.permission_model == SERVICE_MANAGED
    }

    pub fn instance(&self, account: &str, region: &str) -> Option<&StackInstance> {
        self.instances
            .iter()
            .find(|i| i.account == account && i.region == region)
    }

    /// The regions of its instances, in first-deployed order.
    pub fn regions(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for i in &self.instances {
            if !out.contains(&i.region) {
                out.push(i.region.clone());
            }
        }
        out
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AutoDeployment {
    pub enabled: bool,
    pub retain_stacks_on_account_removal: bool,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StackInstance {
    pub account: String,
    pub region: String,
    /// The target OU it was deployed through (service-managed sets).
    pub ou_id: Option<String>,
    /// The stack in the target account and region, once one was made.
    pub stack_id: Option<String>,
    pub parameter_overrides: BTreeMap<String, String>,
    /// `CURRENT`, `OUTDATED` or `INOPERABLE`.
    pub status: String,
    /// `StackInstanceStatus.DetailedStatus`: `SUCCEEDED`, `FAILED`, `CANCELLED`, `INOPERABLE`.
    pub detailed_status: String,
    pub status_reason: Option<String>,
    pub last_operation_id: Option<String>,
    pub drift_status: String,
    pub drift_checked_ms: Option<i64>,
}

/// `StackSetOperationPreferences`, validated and recorded as given.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Preferences {
    pub region_concurrency_type: Option<String>,
    pub region_order: Vec<String>,
    pub failure_tolerance_count: Option<i64>,
    pub failure_tolerance_percentage: Option<i64>,
    pub max_concurrent_count: Option<i64>,
    pub max_concurrent_percentage: Option<i64>,
    pub concurrency_mode: Option<String>,
}

/// `DeploymentTargets` of an operation.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Targets {
    pub accounts: Vec<String>,
    pub organizational_unit_ids: Vec<String>,
    pub account_filter_type: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Operation {
    pub id: String,
    /// `CREATE`, `UPDATE`, `DELETE`, `DETECT_DRIFT`.
    pub action: String,
    /// `SUCCEEDED`, `FAILED` or `STOPPED` (every operation finishes within its call).
    pub status: String,
    pub status_reason: Option<String>,
    pub preferences: Preferences,
    pub retain_stacks: Option<bool>,
    pub administration_role_arn: Option<String>,
    pub execution_role_name: Option<String>,
    pub created_ms: i64,
    pub ended_ms: i64,
    pub deployment_targets: Option<Targets>,
    pub results: Vec<OperationResult>,
    /// For `DETECT_DRIFT`: (drift status, drifted, in sync, failed) instance counts.
    pub drift: Option<(String, usize, usize, usize)>,
}

impl Operation {
    pub fn failed_count(&self) -> usize {
        self.results.iter().filter(|r| r.status == "FAILED").count()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OperationResult {
    pub account: String,
    pub region: String,
    /// `SUCCEEDED`, `FAILED` or `CANCELLED`.
    pub status: String,
    pub status_reason: Option<String>,
    pub ou_id: Option<String>,
}
