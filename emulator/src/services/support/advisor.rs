//! `DescribeTrustedAdvisorChecks`, check results and summaries, refreshes.

use serde::{Deserialize, Serialize};

use super::checks::{check, evaluate, Check, Evaluation, Status, CHECKS};
use super::errors::SupportError;
use crate::auth::Caller;
use crate::world::{iso8601, World};

/// AWS refuses a new refresh of a check within five minutes of the last.
pub const REFRESH_INTERVAL_MS: i64 = 5 * 60 * 1000;

/// The languages Trusted Advisor describes its checks in.
const LANGUAGES: &[&str] = &[
    "en", "ja", "fr", "zh", "ko", "zh_TW", "de", "es", "it", "pt_BR", "id",
];

fn check_language(language: Option<&str>) -> Result<(), SupportError> {
    match language {
        Some(l) if !LANGUAGES.contains(&l) => Err(SupportError::InvalidParameterValue(format!(
            "Invalid language: {l}"
        ))),
        _ => Ok(()),
    }
}

fn known(id: &str) -> Result<&'static Check, SupportError> {
    check(id).ok_or_else(|| SupportError::InvalidParameterValue(format!("Invalid check id: {id}")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeChecksInput {
    pub language: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckDescription {
    pub id: String,
    pub name: String,
    pub description: String,
    pub category: String,
    pub metadata: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeChecksOutput {
    pub checks: Vec<CheckDescription>,
}

pub fn describe_checks(
    _world: &mut World,
    _caller: &Caller,
    input: DescribeChecksInput,
) -> Result<DescribeChecksOutput, SupportError> {
    check_language(Some(&input.language))?;
    Ok(DescribeChecksOutput {
        checks: CHECKS
            .iter()
            .map(|c| CheckDescription {
                id: c.id.into(),
                name: c.name.into(),
                description: c.description.into(),
                category: c.category.into(),
                metadata: c.metadata.iter().map(|m| m.to_string()).collect(),
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesSummary {
    pub resources_processed: i64,
    pub resources_flagged: i64,
    pub resources_ignored: i64,
    pub resources_suppressed: i64,
}

/// Security checks carry no cost-optimizing summary: the member is an empty structure.
#[derive(Debug, Serialize)]
pub struct CategorySpecificSummary {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlaggedResource {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub resource_id: String,
    pub is_suppressed: bool,
    pub metadata: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub check_id: String,
    pub timestamp: String,
    pub status: String,
    pub resources_summary: ResourcesSummary,
    pub category_specific_summary: CategorySpecificSummary,
    pub flagged_resources: Vec<FlaggedResource>,
}

fn summary(evaluation: &Evaluation) -> ResourcesSummary {
    ResourcesSummary {
        resources_processed: evaluation.resources.len() as i64,
        resources_flagged: evaluation.flagged().count() as i64,
        resources_ignored: 0,
        resources_suppressed: evaluation.suppressed().count() as i64,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeCheckResultInput {
    pub check_id: String,
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeCheckResultOutput {
    pub result: CheckResult,
}

pub fn describe_check_result(
    world: &mut World,
    caller: &Caller,
    input: DescribeCheckResultInput,
) -> Result<DescribeCheckResultOutput, SupportError> {
    check_language(input.language.as_deref())?;
    let check = known(&input.check_id)?;
    let evaluation = evaluate(world, &caller.account_id, check);
    Ok(DescribeCheckResultOutput {
        result: CheckResult {
            check_id: check.id.into(),
            timestamp: iso8601(world.clock.now_ms()),
            status: evaluation.status.support_name().into(),
            resources_summary: summary(&evaluation),
            category_specific_summary: CategorySpecificSummary {},
            // Flagged resources, and those the account suppressed, marked so.
            flagged_resources: evaluation
                .resources
                .iter()
                .filter(|r| r.status != Status::Ok)
                .map(|r| FlaggedResource {
                    status: r.status.support_name().into(),
                    region: r.region.clone(),
                    resource_id: r.resource_id.clone(),
                    is_suppressed: r.suppressed,
                    metadata: r.metadata.clone(),
                })
                .collect(),
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeCheckSummariesInput {
    pub check_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    pub check_id: String,
    pub timestamp: String,
    pub status: String,
    pub has_flagged_resources: bool,
    pub resources_summary: ResourcesSummary,
    pub category_specific_summary: CategorySpecificSummary,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeCheckSummariesOutput {
    pub summaries: Vec<CheckSummary>,
}

pub fn describe_check_summaries(
    world: &mut World,
    caller: &Caller,
    input: DescribeCheckSummariesInput,
) -> Result<DescribeCheckSummariesOutput, SupportError> {
    let checks = input
        .check_ids
        .iter()
        .map(|id| known(id))
        .collect::<Result<Vec<_>, _>>()?;
    let now = iso8601(world.clock.now_ms());
    Ok(DescribeCheckSummariesOutput {
        summaries: checks
            .into_iter()
            .map(|check| {
                let evaluation = evaluate(world, &caller.account_id, check);
                let has_flagged_resources = evaluation.flagged().next().is_some();
                CheckSummary {
                    check_id: check.id.into(),
                    timestamp: now.clone(),
                    status: evaluation.status.support_name().into(),
                    has_flagged_resources,
                    resources_summary: summary(&evaluation),
                    category_specific_summary: CategorySpecificSummary {},
                }
            })
            .collect(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshStatus {
    pub check_id: String,
    pub status: String,
    pub millis_until_next_refreshable: i64,
}

fn refresh_key(account: &str, check: &str) -> String {
    format!("{account}/{check}")
}

/// A check's refresh as it stands: `none` before any, `success` once asked for (the
/// result is computed from the world at once), and how long until the next.
fn refresh_status(world: &World, account: &str, check: &Check) -> RefreshStatus {
    let now = world.clock.now_ms();
    match world.support.refreshes.get(&refresh_key(account, check.id)) {
        None => RefreshStatus {
            check_id: check.id.into(),
            status: "none".into(),
            millis_until_next_refreshable: 0,
        },
        Some(asked) => RefreshStatus {
            check_id: check.id.into(),
            status: "success".into(),
            millis_until_next_refreshable: (asked + REFRESH_INTERVAL_MS - now).max(0),
        },
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshCheckInput {
    pub check_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RefreshCheckOutput {
    pub status: RefreshStatus,
}

/// Asks for a refresh: `enqueued`, unless the last one was under five minutes ago
/// (then the status as it stands, with the time left).
pub fn refresh_check(
    world: &mut World,
    caller: &Caller,
    input: RefreshCheckInput,
) -> Result<RefreshCheckOutput, SupportError> {
    let check = known(&input.check_id)?;
    let current = refresh_status(world, &caller.account_id, check);
    if current.millis_until_next_refreshable > 0 {
        return Ok(RefreshCheckOutput { status: current });
    }
    let now = world.clock.now_ms();
    world
        .support
        .refreshes
        .insert(refresh_key(&caller.account_id, check.id), now);
    Ok(RefreshCheckOutput {
        status: RefreshStatus {
            check_id: check.id.into(),
            status: "enqueued".into(),
            millis_until_next_refreshable: REFRESH_INTERVAL_MS,
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeRefreshStatusesInput {
    pub check_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeRefreshStatusesOutput {
    pub statuses: Vec<RefreshStatus>,
}

pub fn describe_refresh_statuses(
    world: &mut World,
    caller: &Caller,
    input: DescribeRefreshStatusesInput,
) -> Result<DescribeRefreshStatusesOutput, SupportError> {
    let checks = input
        .check_ids
        .iter()
        .map(|id| known(id))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DescribeRefreshStatusesOutput {
        statuses: checks
            .into_iter()
            .map(|c| refresh_status(world, &caller.account_id, c))
            .collect(),
    })
}
