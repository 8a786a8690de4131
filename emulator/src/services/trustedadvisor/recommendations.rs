//! The checks and the caller's own recommendations (timestamps are ISO 8601 strings
//! in this API): one per check, whose status and
//! resources are the check's result in the caller's account.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::errors::AdvisorError;
use super::{check_enum, page, parse_time, resource_hash, stable_id, PILLARS, STATUSES};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::services::support::checks::{
    evaluate, suppression_key, Check, Evaluation, Resource, Status, CHECKS,
};
use crate::world::{iso8601, World};

const LANGUAGES: &[&str] = &[
    "en", "ja", "zh", "fr", "de", "ko", "zh_TW", "it", "es", "pt_BR", "id",
];
const SOURCES: &[&str] = &[
    "aws_config",
    "compute_optimizer",
    "cost_explorer",
    "lse",
    "manual",
    "pse",
    "rds",
    "resilience",
    "resilience_hub",
    "security_hub",
    "stir",
    "ta_check",
    "well_architected",
];

pub fn check_arn(check: &Check) -> String {
    format!("arn:aws:trustedadvisor:::check/{}", check.id)
}

/// The new API's words for a status.
pub fn status_name(status: Status) -> &'static str {
    status.support_name()
}

/// The check a `checkIdentifier` (its ARN) names.
pub fn check_named(member: &str, arn: &str) -> Result<&'static Check, AdvisorError> {
    let id = arn.strip_prefix("arn:aws:trustedadvisor:::check/").ok_or_else(|| {
        AdvisorError::constraint(member, arn, "Member must satisfy regular expression pattern: arn:[\\w-]+:trustedadvisor:::check\\/[\\w-]+")
    })?;
    CHECKS
        .iter()
        .find(|c| c.id == id)
        .ok_or_else(|| AdvisorError::NotFound(format!("Check {arn} not found")))
}

/// The filters the recommendation listings share.
pub struct RecommendationFilter<'a> {
    pub kind: &'a Option<String>,
    pub status: &'a Option<String>,
    pub pillar: &'a Option<String>,
    pub aws_service: &'a Option<String>,
    pub source: &'a Option<String>,
    pub check: Option<&'static Check>,
    pub after_ms: Option<i64>,
    pub before_ms: Option<i64>,
}

impl RecommendationFilter<'_> {
    pub fn check(&self) -> Result<(), AdvisorError> {
        check_enum("type", self.kind, &["standard", "priority"])?;
        check_enum("status", self.status, STATUSES)?;
        check_enum("pillar", self.pillar, PILLARS)?;
        check_enum("source", self.source, SOURCES)
    }

    pub fn matches(&self, check: &Check, status: Status, now: i64) -> bool {
        self.kind.as_deref().is_none_or(|k| k == "standard")
            && self
                .status
                .as_deref()
                .is_none_or(|s| s == status_name(status))
            && self.pillar.as_deref().is_none_or(|p| p == check.category)
            && self
                .aws_service
                .as_deref()
                .is_none_or(|s| s == check.aws_service)
            && self.source.as_deref().is_none_or(|s| s == "ta_check")
            && self.check.is_none_or(|c| c.id == check.id)
            && self.after_ms.is_none_or(|t| now >= t)
            && self.before_ms.is_none_or(|t| now <= t)
    }
}

#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourcesAggregates {
    pub ok_count: i64,
    pub warning_count: i64,
    pub error_count: i64,
    pub excluded_count: i64,
}

impl ResourcesAggregates {
    pub fn add(&mut self, evaluation: &Evaluation) {
        for resource in &evaluation.resources {
            if resource.suppressed {
                self.excluded_count += 1;
                continue;
            }
            match resource.status {
                Status::Ok => self.ok_count += 1,
                Status::Warning => self.warning_count += 1,
                Status::Error => self.error_count += 1,
            }
        }
    }
}

/// `RecommendationSummary` / `OrganizationRecommendationSummary` and, with a
/// description, `Recommendation` / `OrganizationRecommendation`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecommendationOut {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub check_arn: String,
    pub status: String,
    pub pillars: Vec<String>,
    pub source: String,
    pub aws_services: Vec<String>,
    pub name: String,
    pub resources_aggregates: ResourcesAggregates,
    pub created_at: String,
    pub last_updated_at: String,
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl RecommendationOut {
    pub fn new(
        id: String,
        arn: String,
        check: &Check,
        status: Status,
        aggregates: ResourcesAggregates,
        now: i64,
    ) -> Self {
        RecommendationOut {
            id,
            kind: "standard".into(),
            check_arn: check_arn(check),
            status: status_name(status).into(),
            pillars: vec![check.category.into()],
            source: "ta_check".into(),
            aws_services: vec![check.aws_service.into()],
            name: check.name.into(),
            resources_aggregates: aggregates,
            created_at: iso8601(now),
            last_updated_at: iso8601(now),
            arn,
            description: None,
        }
    }
}

pub fn recommendation_id(account: &str, check: &Check) -> String {
    stable_id(&["recommendation", account, check.id])
}

pub fn recommendation_arn(account: &str, check: &Check) -> String {
    format!(
        "arn:aws:trustedadvisor::{account}:recommendation/{}",
        recommendation_id(account, check)
    )
}

fn recommendation(world: &World, account: &str, check: &Check) -> (RecommendationOut, Evaluation) {
    let evaluation = evaluate(world, account, check);
    let mut aggregates = ResourcesAggregates::default();
    aggregates.add(&evaluation);
    let out = RecommendationOut::new(
        recommendation_id(account, check),
        recommendation_arn(account, check),
        check,
        evaluation.status,
        aggregates,
        world.clock.now_ms(),
    );
    (out, evaluation)
}

/// The check an account's recommendation ARN names.
fn own_check(caller: &Caller, arn: &str) -> Result<&'static Check, AdvisorError> {
    CHECKS
        .iter()
        .find(|c| recommendation_arn(&caller.account_id, c) == arn)
        .ok_or_else(|| AdvisorError::NotFound(format!("Recommendation {arn} not found")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListChecksInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub pillar: Option<String>,
    pub aws_service: Option<String>,
    pub source: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckSummary {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    pub pillars: Vec<String>,
    pub aws_services: Vec<String>,
    pub source: String,
    pub metadata: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListChecksOutput {
    pub check_summaries: Vec<CheckSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_checks(
    world: &mut World,
    _caller: &Caller,
    input: ListChecksInput,
) -> Result<ListChecksOutput, AdvisorError> {
    let _ = world;
    check_enum("pillar", &input.pillar, PILLARS)?;
    check_enum("source", &input.source, SOURCES)?;
    check_enum("language", &input.language, LANGUAGES)?;
    let (max, after) = page("ListChecks", input.max_results, &input.next_token, 200)?;
    let checks = CHECKS
        .iter()
        .filter(|c| input.pillar.as_deref().is_none_or(|p| p == c.category))
        .filter(|c| {
            input
                .aws_service
                .as_deref()
                .is_none_or(|s| s == c.aws_service)
        })
        .filter(|_| input.source.as_deref().is_none_or(|s| s == "ta_check"))
        .filter(|c| after.as_deref().is_none_or(|a| c.id > a));
    let mut sorted: Vec<&Check> = checks.collect();
    sorted.sort_by_key(|c| c.id);
    let (page, next) = take_page(sorted.into_iter(), max, |c| c.id);
    Ok(ListChecksOutput {
        check_summaries: page
            .into_iter()
            .map(|c| CheckSummary {
                id: c.id.into(),
                arn: check_arn(c),
                name: c.name.into(),
                description: c.description.into(),
                pillars: vec![c.category.into()],
                aws_services: vec![c.aws_service.into()],
                source: "ta_check".into(),
                metadata: c
                    .metadata
                    .iter()
                    .enumerate()
                    .map(|(i, m)| (i.to_string(), m.to_string()))
                    .collect(),
            })
            .collect(),
        next_token: next.map(|k| encode_token("ListChecks", &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRecommendationsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub status: Option<String>,
    pub pillar: Option<String>,
    pub aws_service: Option<String>,
    pub source: Option<String>,
    pub check_identifier: Option<String>,
    pub after_last_updated_at: Option<String>,
    pub before_last_updated_at: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRecommendationsOutput {
    pub recommendation_summaries: Vec<RecommendationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_recommendations(
    world: &mut World,
    caller: &Caller,
    input: ListRecommendationsInput,
) -> Result<ListRecommendationsOutput, AdvisorError> {
    check_enum("language", &input.language, LANGUAGES)?;
    let filter = RecommendationFilter {
        kind: &input.kind,
        status: &input.status,
        pillar: &input.pillar,
        aws_service: &input.aws_service,
        source: &input.source,
        check: input
            .check_identifier
            .as_deref()
            .map(|arn| check_named("checkIdentifier", arn))
            .transpose()?,
        after_ms: parse_time("afterLastUpdatedAt", &input.after_last_updated_at)?,
        before_ms: parse_time("beforeLastUpdatedAt", &input.before_last_updated_at)?,
    };
    filter.check()?;
    let listing = format!("ListRecommendations {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let now = world.clock.now_ms();
    let mut found: Vec<RecommendationOut> = CHECKS
        .iter()
        .map(|c| (c, recommendation(world, &caller.account_id, c).0))
        .filter(|(c, r)| {
            let status = match r.status.as_str() {
                "ok" => Status::Ok,
                "warning" => Status::Warning,
                _ => Status::Error,
            };
            filter.matches(c, status, now)
        })
        .map(|(_, r)| r)
        .filter(|r| after.as_ref().is_none_or(|a| &r.id > a))
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    let (page, next) = take_page(found.into_iter(), max, |r| r.id.clone());
    Ok(ListRecommendationsOutput {
        recommendation_summaries: page,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRecommendationInput {
    pub recommendation_identifier: String,
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetRecommendationOutput {
    pub recommendation: RecommendationOut,
}

pub fn get_recommendation(
    world: &mut World,
    caller: &Caller,
    input: GetRecommendationInput,
) -> Result<GetRecommendationOutput, AdvisorError> {
    check_enum("language", &input.language, LANGUAGES)?;
    let check = own_check(caller, &input.recommendation_identifier)?;
    let (mut out, _) = recommendation(world, &caller.account_id, check);
    out.description = Some(check.description.into());
    Ok(GetRecommendationOutput {
        recommendation: out,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRecommendationResourcesInput {
    pub recommendation_identifier: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub status: Option<String>,
    pub exclusion_status: Option<String>,
    pub region_code: Option<String>,
    pub language: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceSummary {
    pub id: String,
    pub arn: String,
    pub aws_resource_id: String,
    pub region_code: String,
    pub status: String,
    pub metadata: BTreeMap<String, String>,
    pub last_updated_at: String,
    pub exclusion_status: String,
    pub recommendation_arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
}

/// A resource row; account-wide resources are shown in `us-east-1` (the member needs
/// 9 to 20 characters, so not `global`).
pub fn resource_summary(
    account: &str,
    recommendation_id: &str,
    recommendation_arn: &str,
    resource: &Resource,
    now: i64,
) -> ResourceSummary {
    let id = resource_hash(&[account, recommendation_id, &resource.resource_id]);
    ResourceSummary {
        arn: format!(
            "arn:aws:trustedadvisor::{account}:recommendation-resource/{recommendation_id}/{id}"
        ),
        id,
        aws_resource_id: resource.resource_id.clone(),
        region_code: resource
            .region
            .clone()
            .unwrap_or_else(|| "us-east-1".into()),
        status: status_name(resource.status).into(),
        metadata: resource
            .metadata
            .iter()
            .enumerate()
            .map(|(i, m)| (i.to_string(), m.clone()))
            .collect(),
        last_updated_at: iso8601(now),
        exclusion_status: if resource.suppressed {
            "excluded"
        } else {
            "included"
        }
        .into(),
        recommendation_arn: recommendation_arn.into(),
        account_id: None,
    }
}

/// The resource filters both resource listings share.
pub fn resource_wanted(
    summary: &ResourceSummary,
    status: &Option<String>,
    exclusion: &Option<String>,
    region: &Option<String>,
) -> bool {
    status.as_deref().is_none_or(|s| s == summary.status)
        && exclusion
            .as_deref()
            .is_none_or(|e| e == summary.exclusion_status)
        && region.as_deref().is_none_or(|r| r == summary.region_code)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListRecommendationResourcesOutput {
    pub recommendation_resource_summaries: Vec<ResourceSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_recommendation_resources(
    world: &mut World,
    caller: &Caller,
    input: ListRecommendationResourcesInput,
) -> Result<ListRecommendationResourcesOutput, AdvisorError> {
    check_enum("language", &input.language, LANGUAGES)?;
    check_enum("status", &input.status, STATUSES)?;
    check_enum(
        "exclusionStatus",
        &input.exclusion_status,
        &["excluded", "included"],
    )?;
    let check = own_check(caller, &input.recommendation_identifier)?;
    let listing = format!(
        "ListRecommendationResources {}",
        input.recommendation_identifier
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 5000)?;
    let (out, evaluation) = recommendation(world, &caller.account_id, check);
    let now = world.clock.now_ms();
    let mut rows: Vec<ResourceSummary> = evaluation
        .resources
        .iter()
        .map(|r| resource_summary(&caller.account_id, &out.id, &out.arn, r, now))
        .filter(|s| {
            resource_wanted(
                s,
                &input.status,
                &input.exclusion_status,
                &input.region_code,
            )
        })
        .filter(|s| after.as_ref().is_none_or(|a| &s.id > a))
        .collect();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    let (page, next) = take_page(rows.into_iter(), max, |s| s.id.clone());
    Ok(ListRecommendationResourcesOutput {
        recommendation_resource_summaries: page,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceExclusion {
    pub arn: String,
    pub is_excluded: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchUpdateExclusionInput {
    pub recommendation_resource_exclusions: Vec<ResourceExclusion>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExclusionError {
    pub arn: String,
    pub error_code: String,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchUpdateExclusionOutput {
    pub batch_update_recommendation_resource_exclusion_errors: Vec<ExclusionError>,
}

/// The check and resource id a resource ARN of the caller's names, if it does.
fn own_resource(world: &World, caller: &Caller, arn: &str) -> Option<(&'static Check, String)> {
    let account = &caller.account_id;
    let rest = arn.strip_prefix(&format!(
        "arn:aws:trustedadvisor::{account}:recommendation-resource/"
    ))?;
    let (recommendation, hash) = rest.split_once('/')?;
    let check = CHECKS
        .iter()
        .find(|c| recommendation_id(account, c) == recommendation)?;
    evaluate(world, account, check)
        .resources
        .into_iter()
        .find(|r| resource_hash(&[account, recommendation, &r.resource_id]) == hash)
        .map(|r| (check, r.resource_id))
}

/// Excludes resources from (or includes them again in) their recommendations; the
/// support API shows them as suppressed. Each resource that is not the caller's, or
/// not found, is an error item; the others change.
pub fn batch_update_recommendation_resource_exclusion(
    world: &mut World,
    caller: &Caller,
    input: BatchUpdateExclusionInput,
) -> Result<BatchUpdateExclusionOutput, AdvisorError> {
    let exclusions = &input.recommendation_resource_exclusions;
    if exclusions.is_empty() || exclusions.len() > 25 {
        return Err(AdvisorError::constraint(
            "recommendationResourceExclusions",
            &format!("{} items", exclusions.len()),
            "Member must have length between 1 and 25",
        ));
    }
    let mut errors = Vec::new();
    let mut changes = Vec::new();
    for exclusion in exclusions {
        match own_resource(world, caller, &exclusion.arn) {
            Some((check, resource_id)) => changes.push((
                suppression_key(&caller.account_id, check.id, &resource_id),
                exclusion.is_excluded,
            )),
            None => errors.push(ExclusionError {
                arn: exclusion.arn.clone(),
                error_code: "ResourceNotFoundException".into(),
                error_message: format!("Recommendation resource {} not found", exclusion.arn),
            }),
        }
    }
    for (key, excluded) in changes {
        if excluded {
            world.support.suppressed.insert(key);
        } else {
            world.support.suppressed.remove(&key);
        }
    }
    Ok(BatchUpdateExclusionOutput {
        batch_update_recommendation_resource_exclusion_errors: errors,
    })
}
