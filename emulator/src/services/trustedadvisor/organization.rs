//! The organization's recommendations: each check aggregated over every account of the
//! organization, for its management account (or a delegated administrator for
//! `reporting.trustedadvisor.amazonaws.com`) once trusted access for that principal is on.

use serde::{Deserialize, Serialize};

use super::errors::AdvisorError;
use super::recommendations::{
    check_named, recommendation_arn, resource_summary, resource_wanted, RecommendationFilter,
    RecommendationOut, ResourceSummary, ResourcesAggregates,
};
use super::{check_enum, page, parse_time, stable_id, SERVICE_PRINCIPAL, STATUSES};
use crate::auth::Caller;
use crate::services::organizations::delegation::{is_delegated_admin, service_access_enabled};
use crate::services::pagination::{encode_token, take_page};
use crate::services::support::checks::{evaluate, Check, Evaluation, Status, CHECKS};
use crate::world::{iso8601, World};

/// The organization the caller reads, and its accounts.
fn reading(world: &World, caller: &Caller) -> Result<(String, Vec<String>), AdvisorError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or_else(|| {
            AdvisorError::AccessDenied("Your account is not a member of an organization.".into())
        })?;
    if org.management_account_id != caller.account_id
        && !is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
    {
        return Err(AdvisorError::AccessDenied(
            "Only the management account or a delegated administrator can view the organization's recommendations.".into(),
        ));
    }
    if !service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Err(AdvisorError::AccessDenied(format!(
            "Trusted access for {SERVICE_PRINCIPAL} is not enabled for the organization."
        )));
    }
    Ok((
        org.id.clone(),
        org.members.keys().map(ToString::to_string).collect(),
    ))
}

fn org_recommendation_id(org_id: &str, check: &Check) -> String {
    stable_id(&["organization-recommendation", org_id, check.id])
}

fn org_recommendation_arn(org_id: &str, check: &Check) -> String {
    format!(
        "arn:aws:trustedadvisor:::organization-recommendation/{}",
        org_recommendation_id(org_id, check)
    )
}

/// The check evaluated in every account: the worst status, the summed resources.
fn aggregate(
    world: &World,
    org_id: &str,
    accounts: &[String],
    check: &Check,
) -> (RecommendationOut, Vec<(String, Evaluation)>) {
    let evaluations: Vec<(String, Evaluation)> = accounts
        .iter()
        .map(|a| (a.clone(), evaluate(world, a, check)))
        .collect();
    let mut aggregates = ResourcesAggregates::default();
    for (_, evaluation) in &evaluations {
        aggregates.add(evaluation);
    }
    let status = evaluations
        .iter()
        .map(|(_, e)| e.status)
        .max()
        .unwrap_or(Status::Ok);
    let out = RecommendationOut::new(
        org_recommendation_id(org_id, check),
        org_recommendation_arn(org_id, check),
        check,
        status,
        aggregates,
        world.clock.now_ms(),
    );
    (out, evaluations)
}

fn named(org_id: &str, arn: &str) -> Result<&'static Check, AdvisorError> {
    CHECKS
        .iter()
        .find(|c| org_recommendation_arn(org_id, c) == arn)
        .ok_or_else(|| {
            AdvisorError::NotFound(format!("Organization recommendation {arn} not found"))
        })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationsInput {
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
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationsOutput {
    pub organization_recommendation_summaries: Vec<RecommendationOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_organization_recommendations(
    world: &mut World,
    caller: &Caller,
    input: ListOrganizationRecommendationsInput,
) -> Result<ListOrganizationRecommendationsOutput, AdvisorError> {
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
    let (org_id, accounts) = reading(world, caller)?;
    let listing = format!("ListOrganizationRecommendations {org_id}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let now = world.clock.now_ms();
    let mut found: Vec<RecommendationOut> = CHECKS
        .iter()
        .filter(|c| {
            after
                .as_ref()
                .is_none_or(|a| &org_recommendation_id(&org_id, c) > a)
        })
        .filter_map(|c| {
            let (out, evaluations) = aggregate(world, &org_id, &accounts, c);
            let status = evaluations
                .iter()
                .map(|(_, e)| e.status)
                .max()
                .unwrap_or(Status::Ok);
            filter.matches(c, status, now).then_some(out)
        })
        .collect();
    found.sort_by(|a, b| a.id.cmp(&b.id));
    let (page, next) = take_page(found.into_iter(), max, |r| r.id.clone());
    Ok(ListOrganizationRecommendationsOutput {
        organization_recommendation_summaries: page,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOrganizationRecommendationInput {
    pub organization_recommendation_identifier: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetOrganizationRecommendationOutput {
    pub organization_recommendation: RecommendationOut,
}

pub fn get_organization_recommendation(
    world: &mut World,
    caller: &Caller,
    input: GetOrganizationRecommendationInput,
) -> Result<GetOrganizationRecommendationOutput, AdvisorError> {
    let (org_id, accounts) = reading(world, caller)?;
    let check = named(&org_id, &input.organization_recommendation_identifier)?;
    let (mut out, _) = aggregate(world, &org_id, &accounts, check);
    out.description = Some(check.description.into());
    Ok(GetOrganizationRecommendationOutput {
        organization_recommendation: out,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationAccountsInput {
    pub organization_recommendation_identifier: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub affected_account_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountLifecycleSummary {
    pub account_id: String,
    pub account_recommendation_arn: String,
    pub last_updated_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationAccountsOutput {
    pub account_recommendation_lifecycle_summaries: Vec<AccountLifecycleSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The accounts where the check flags something.
pub fn list_organization_recommendation_accounts(
    world: &mut World,
    caller: &Caller,
    input: ListOrganizationRecommendationAccountsInput,
) -> Result<ListOrganizationRecommendationAccountsOutput, AdvisorError> {
    let (org_id, accounts) = reading(world, caller)?;
    let check = named(&org_id, &input.organization_recommendation_identifier)?;
    let listing = format!(
        "ListOrganizationRecommendationAccounts {}",
        input.organization_recommendation_identifier
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let now = world.clock.now_ms();
    let (_, evaluations) = aggregate(world, &org_id, &accounts, check);
    let rows = evaluations
        .into_iter()
        .filter(|(_, e)| e.status != Status::Ok)
        .filter(|(a, _)| input.affected_account_id.as_ref().is_none_or(|x| x == a))
        .filter(|(a, _)| after.as_ref().is_none_or(|k| a > k))
        .map(|(account, _)| AccountLifecycleSummary {
            account_recommendation_arn: recommendation_arn(&account, check),
            account_id: account,
            last_updated_at: iso8601(now),
        });
    let (page, next) = take_page(rows, max, |r| r.account_id.clone());
    Ok(ListOrganizationRecommendationAccountsOutput {
        account_recommendation_lifecycle_summaries: page,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationResourcesInput {
    pub organization_recommendation_identifier: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub status: Option<String>,
    pub exclusion_status: Option<String>,
    pub region_code: Option<String>,
    pub affected_account_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrganizationRecommendationResourcesOutput {
    pub organization_recommendation_resource_summaries: Vec<ResourceSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_organization_recommendation_resources(
    world: &mut World,
    caller: &Caller,
    input: ListOrganizationRecommendationResourcesInput,
) -> Result<ListOrganizationRecommendationResourcesOutput, AdvisorError> {
    check_enum("status", &input.status, STATUSES)?;
    check_enum(
        "exclusionStatus",
        &input.exclusion_status,
        &["excluded", "included"],
    )?;
    let (org_id, accounts) = reading(world, caller)?;
    let check = named(&org_id, &input.organization_recommendation_identifier)?;
    let arn = input.organization_recommendation_identifier.clone();
    let listing = format!("ListOrganizationRecommendationResources {arn}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let now = world.clock.now_ms();
    let (out, evaluations) = aggregate(world, &org_id, &accounts, check);
    let mut rows: Vec<ResourceSummary> = evaluations
        .iter()
        .filter(|(a, _)| input.affected_account_id.as_ref().is_none_or(|x| x == a))
        .flat_map(|(account, evaluation)| {
            let (out_id, arn) = (&out.id, &arn);
            evaluation.resources.iter().map(move |r| {
                let mut row = resource_summary(account, out_id, arn, r, now);
                row.account_id = Some(account.clone());
                row
            })
        })
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
    Ok(ListOrganizationRecommendationResourcesOutput {
        organization_recommendation_resource_summaries: page,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
