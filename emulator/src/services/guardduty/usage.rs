//! Runtime coverage, usage statistics and free-trial days. orgsim runs no EKS, ECS
//! or EC2 workloads, so coverage lists nothing, and it meters nothing, so usage costs
//! are 0 USD; the accounts and protection plans they are reported for are real. Free
//! trial days count down 30 days from when each plan was turned on.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::GdError;
use super::members::NOT_A_MEMBER;
use super::model::Detector;
use super::{own_detector, page, validate_account_ids, UnprocessedAccount};
use crate::auth::Caller;
use crate::world::World;

const COVERAGE_KEYS: &[&str] = &[
    "ACCOUNT_ID",
    "RESOURCE_TYPE",
    "COVERAGE_STATUS",
    "ADDON_VERSION",
    "CLUSTER_NAME",
    "ECS_CLUSTER_NAME",
    "MANAGEMENT_TYPE",
    "EKS_CLUSTER_NAME",
    "AGENT_VERSION",
    "INSTANCE_ID",
    "CLUSTER_ARN",
];
const COVERAGE_SORT_KEYS: &[&str] = &[
    "ACCOUNT_ID",
    "COVERAGE_STATUS",
    "ISSUE",
    "ADDON_VERSION",
    "UPDATED_AT",
    "CLUSTER_NAME",
    "EKS_CLUSTER_NAME",
    "ECS_CLUSTER_NAME",
    "INSTANCE_ID",
];
const STATISTICS_TYPES: &[&str] = &["COUNT_BY_RESOURCE_TYPE", "COUNT_BY_COVERAGE_STATUS"];
const USAGE_TYPES: &[&str] = &[
    "SUM_BY_ACCOUNT",
    "SUM_BY_DATA_SOURCE",
    "SUM_BY_RESOURCE",
    "TOP_RESOURCES",
    "SUM_BY_FEATURES",
    "TOP_ACCOUNTS_BY_FEATURE",
];
const DATA_SOURCES: &[&str] = &[
    "FLOW_LOGS",
    "CLOUD_TRAIL",
    "DNS_LOGS",
    "S3_LOGS",
    "KUBERNETES_AUDIT_LOGS",
    "EC2_MALWARE_SCAN",
];
/// `UsageFeature`.
const USAGE_FEATURES: &[&str] = &[
    "FLOW_LOGS",
    "CLOUD_TRAIL",
    "DNS_LOGS",
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "EC2_RUNTIME_MONITORING",
    "FARGATE_RUNTIME_MONITORING",
    "RDS_DBI_PROTECTION_PROVISIONED",
    "RDS_DBI_PROTECTION_SERVERLESS",
    "RDS_DBI_PROTECTION_LIMITLESS",
    "RDS_DATA_ACTIVITY_DBI_PROTECTION_PROVISIONED",
    "RDS_DATA_ACTIVITY_DBI_PROTECTION_SERVERLESS",
    "RDS_DATA_ACTIVITY_DBI_PROTECTION_LIMITLESS",
    "AI_PROTECTION",
];
const TRIAL_DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageCondition {
    /// Nothing is covered in orgsim, so the values never need comparing.
    pub equals: Option<Vec<String>>,
    pub not_equals: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageCriterion {
    pub criterion_key: Option<String>,
    pub filter_condition: Option<CoverageCondition>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageCriteria {
    pub filter_criterion: Option<Vec<CoverageCriterion>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageSort {
    pub attribute_name: Option<String>,
    pub order_by: Option<String>,
}

fn check_coverage_criteria(criteria: &Option<CoverageCriteria>) -> Result<(), GdError> {
    let list: Vec<&CoverageCriterion> = criteria
        .iter()
        .flat_map(|c| c.filter_criterion.iter().flatten())
        .collect();
    if list.len() > 50 {
        return Err(GdError::invalid_parameter("filterCriteria.filterCriterion"));
    }
    for criterion in list {
        if !criterion
            .criterion_key
            .as_deref()
            .is_some_and(|k| COVERAGE_KEYS.contains(&k))
        {
            return Err(GdError::invalid_parameter("filterCriterion.criterionKey"));
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListCoverageInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub filter_criteria: Option<CoverageCriteria>,
    pub sort_criteria: Option<CoverageSort>,
}

pub fn list_coverage(
    world: &mut World,
    caller: &Caller,
    input: ListCoverageInput,
) -> Result<Value, GdError> {
    page("ListCoverage", input.max_results, &input.next_token, 50, 50)?;
    check_coverage_criteria(&input.filter_criteria)?;
    if let Some(sort) = &input.sort_criteria {
        if sort
            .attribute_name
            .as_deref()
            .is_some_and(|a| !COVERAGE_SORT_KEYS.contains(&a))
        {
            return Err(GdError::invalid_parameter("sortCriteria.attributeName"));
        }
        if sort
            .order_by
            .as_deref()
            .is_some_and(|o| o != "ASC" && o != "DESC")
        {
            return Err(GdError::invalid_parameter("sortCriteria.orderBy"));
        }
    }
    own_detector(world, caller, &input.detector_id)?;
    Ok(json!({"resources": []}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CoverageStatisticsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub filter_criteria: Option<CoverageCriteria>,
    pub statistics_type: Vec<String>,
}

pub fn get_coverage_statistics(
    world: &mut World,
    caller: &Caller,
    input: CoverageStatisticsInput,
) -> Result<Value, GdError> {
    check_coverage_criteria(&input.filter_criteria)?;
    if input.statistics_type.is_empty()
        || input
            .statistics_type
            .iter()
            .any(|t| !STATISTICS_TYPES.contains(&t.as_str()))
    {
        return Err(GdError::invalid_parameter("statisticsType"));
    }
    own_detector(world, caller, &input.detector_id)?;
    let mut statistics = json!({});
    for kind in &input.statistics_type {
        let member = match kind.as_str() {
            "COUNT_BY_RESOURCE_TYPE" => "countByResourceType",
            _ => "countByCoverageStatus",
        };
        statistics[member] = json!({});
    }
    Ok(json!({"coverageStatistics": statistics}))
}

/// The caller and the accounts associated with it, with their detectors.
fn managed_accounts<'w>(
    world: &'w World,
    caller: &Caller,
    own: &'w Detector,
) -> Vec<(String, &'w Detector)> {
    let mut accounts = vec![(caller.account_id.clone(), own)];
    for (account, record) in own.members.iter() {
        if record.relationship.associated() {
            if let Some(d) = world.guardduty.detector(&caller.region, account) {
                accounts.push((account.clone(), d));
            }
        }
    }
    accounts
}

/// The usage features a detector runs, as `UsageFeature` names.
fn usage_features(detector: &Detector) -> Vec<&'static str> {
    let mut out = Vec::new();
    for (name, _) in detector.features.iter().filter(|(_, s)| s.enabled) {
        match name.as_str() {
            "RUNTIME_MONITORING" => out.extend([
                "EKS_RUNTIME_MONITORING",
                "EC2_RUNTIME_MONITORING",
                "FARGATE_RUNTIME_MONITORING",
            ]),
            other => {
                if let Some(f) = USAGE_FEATURES.iter().find(|f| **f == other) {
                    out.push(*f);
                }
            }
        }
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageCriteria {
    pub account_ids: Option<Vec<String>>,
    pub data_sources: Option<Vec<String>>,
    pub resources: Option<Vec<String>>,
    pub features: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageStatisticsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "usageStatisticsType")]
    pub usage_statistic_type: String,
    pub usage_criteria: UsageCriteria,
    pub unit: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

fn zero(unit: &str) -> Value {
    json!({"amount": "0", "unit": unit})
}

pub fn get_usage_statistics(
    world: &mut World,
    caller: &Caller,
    input: UsageStatisticsInput,
) -> Result<Value, GdError> {
    let kind = input.usage_statistic_type.as_str();
    if !USAGE_TYPES.contains(&kind) {
        return Err(GdError::invalid_parameter("usageStatisticsType"));
    }
    let criteria = &input.usage_criteria;
    if let Some(ids) = &criteria.account_ids {
        validate_account_ids(ids)?;
    }
    if criteria
        .data_sources
        .iter()
        .flatten()
        .any(|d| !DATA_SOURCES.contains(&d.as_str()))
    {
        return Err(GdError::invalid_parameter("usageCriteria.dataSources"));
    }
    if criteria
        .features
        .iter()
        .flatten()
        .any(|f| !USAGE_FEATURES.contains(&f.as_str()))
    {
        return Err(GdError::invalid_parameter("usageCriteria.features"));
    }
    page(
        "GetUsageStatistics",
        input.max_results,
        &input.next_token,
        50,
        50,
    )?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let unit = input.unit.clone().unwrap_or_else(|| "USD".to_string());
    let accounts: Vec<(String, &Detector)> = managed_accounts(world, caller, detector)
        .into_iter()
        .filter(|(a, _)| {
            criteria
                .account_ids
                .as_ref()
                .is_none_or(|ids| ids.contains(a))
        })
        .collect();
    let wanted = |f: &str| {
        criteria
            .features
            .as_ref()
            .is_none_or(|fs| fs.iter().any(|x| x == f))
    };
    let statistics = match kind {
        "SUM_BY_ACCOUNT" => json!({"sumByAccount": accounts
            .iter()
            .map(|(a, _)| json!({"accountId": a, "total": zero(&unit)}))
            .collect::<Vec<_>>()}),
        "SUM_BY_DATA_SOURCE" => json!({"sumByDataSource": criteria
            .data_sources
            .iter()
            .flatten()
            .map(|d| json!({"dataSource": d, "total": zero(&unit)}))
            .collect::<Vec<_>>()}),
        "SUM_BY_FEATURES" => {
            let mut features: Vec<&str> = accounts
                .iter()
                .flat_map(|(_, d)| usage_features(d))
                .filter(|f| wanted(f))
                .collect();
            features.sort();
            features.dedup();
            json!({"sumByFeature": features
                .iter()
                .map(|f| json!({"feature": f, "total": zero(&unit)}))
                .collect::<Vec<_>>()})
        }
        "TOP_ACCOUNTS_BY_FEATURE" => {
            let mut features: Vec<&str> = accounts
                .iter()
                .flat_map(|(_, d)| usage_features(d))
                .filter(|f| wanted(f))
                .collect();
            features.sort();
            features.dedup();
            json!({"topAccountsByFeature": features
                .iter()
                .map(|f| json!({
                    "feature": f,
                    "accounts": accounts
                        .iter()
                        .filter(|(_, d)| usage_features(d).contains(f))
                        .map(|(a, _)| json!({"accountId": a, "total": zero(&unit)}))
                        .collect::<Vec<_>>(),
                }))
                .collect::<Vec<_>>()})
        }
        // No resource is metered in orgsim.
        "SUM_BY_RESOURCE" => json!({"sumByResource": []}),
        _ => json!({"topResources": []}),
    };
    Ok(json!({"usageStatistics": statistics}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FreeTrialInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub account_ids: Vec<String>,
}

fn days_left(now: i64, since: i64) -> i64 {
    (TRIAL_DAYS - (now - since).max(0) / DAY_MS).max(0)
}

/// One account's trial days: each plan it runs, from when it was turned on.
fn trial_of(detector: &Detector, now: i64) -> Value {
    let mut features = Vec::new();
    for (name, state) in detector.features.iter().filter(|(_, s)| s.enabled) {
        let left = days_left(now, state.updated_ms.min(now));
        let names: Vec<&str> = match name.as_str() {
            "RUNTIME_MONITORING" => vec![
                "EKS_RUNTIME_MONITORING",
                "EC2_RUNTIME_MONITORING",
                "FARGATE_RUNTIME_MONITORING",
            ],
            "AI_ANALYST" => vec![],
            other => vec![other],
        };
        for n in names {
            let n = n.to_string();
            features.push(json!({"name": n, "freeTrialDaysRemaining": left}));
        }
    }
    let day = |feature: &str| {
        let left = detector
            .features
            .get(feature)
            .filter(|s| s.enabled)
            .map_or(0, |s| days_left(now, s.updated_ms));
        json!({"freeTrialDaysRemaining": left})
    };
    json!({
        "accountId": detector.account_id,
        "dataSources": {
            "cloudTrail": day("CLOUD_TRAIL"),
            "dnsLogs": day("DNS_LOGS"),
            "flowLogs": day("FLOW_LOGS"),
            "s3Logs": day("S3_DATA_EVENTS"),
            "kubernetes": {"auditLogs": day("EKS_AUDIT_LOGS")},
            "malwareProtection": {"scanEc2InstanceWithFindings": day("EBS_MALWARE_PROTECTION")},
        },
        "features": features,
    })
}

pub fn get_remaining_free_trial_days(
    world: &mut World,
    caller: &Caller,
    input: FreeTrialInput,
) -> Result<Value, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let now = world.clock.now_ms();
    let managed = managed_accounts(world, caller, detector);
    let mut accounts = Vec::new();
    let mut unprocessed = Vec::new();
    for id in &input.account_ids {
        match managed.iter().find(|(a, _)| a == id) {
            Some((_, d)) => accounts.push(trial_of(d, now)),
            None => unprocessed.push(UnprocessedAccount::new(id, NOT_A_MEMBER)),
        }
    }
    Ok(json!({"accounts": accounts, "unprocessedAccounts": unprocessed}))
}
