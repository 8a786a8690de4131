//! Detective investigations of an IAM user or role: StartInvestigation,
//! GetInvestigation, ListInvestigations, ListIndicators, UpdateInvestigationState.
//!
//! An investigation runs during the request that starts it and is done from the next
//! one: SUCCESSFUL when the entity exists in IAM in an account whose data the graph
//! holds, FAILED otherwise. Its indicators are the GuardDuty findings of that
//! account and region about the entity (`accessKeyDetails.userName`) inside the
//! scope; their highest GuardDuty severity gives the investigation's severity.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::DetectiveError;
use super::model::{Graph, Investigation, MemberStatus, Severity};
use super::{own_graph, parse_timestamp, Empty};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartInvestigationInput {
    pub graph_arn: String,
    pub entity_arn: String,
    pub scope_start_time: Value,
    pub scope_end_time: Value,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartInvestigationOutput {
    pub investigation_id: String,
}

/// (account, `IAM_USER`|`IAM_ROLE`, name) of an IAM user or role ARN.
fn iam_entity(arn: &str) -> Option<(&str, &'static str, &str)> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    let (kind, path_and_name) = resource.split_once('/')?;
    let kind = match kind {
        "user" => "IAM_USER",
        "role" => "IAM_ROLE",
        _ => return None,
    };
    let name = path_and_name.rsplit('/').next()?;
    (super::is_account_id(account) && !name.is_empty()).then_some((account, kind, name))
}

fn gd_severity(severity: f64) -> Severity {
    match severity {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        _ => Severity::Low,
    }
}

pub fn start_investigation(
    world: &mut World,
    caller: &Caller,
    input: StartInvestigationInput,
) -> Result<StartInvestigationOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    if !input.entity_arn.starts_with("arn:") {
        return Err(DetectiveError::constraint(
            "entityArn",
            &input.entity_arn,
            "Member must satisfy regular expression pattern: ^arn:.*",
        ));
    }
    let Some((account, entity_type, name)) = iam_entity(&input.entity_arn) else {
        return Err(DetectiveError::validation(
            "The entity ARN must be the ARN of an IAM user or an IAM role.",
        ));
    };
    let start = parse_timestamp("scopeStartTime", &input.scope_start_time)?;
    let end = parse_timestamp("scopeEndTime", &input.scope_end_time)?;
    if start >= end {
        return Err(DetectiveError::validation(
            "The scope start time must be before the scope end time.",
        ));
    }
    let in_graph = account == graph.account_id
        || graph
            .members
            .get(account)
            .is_some_and(|m| m.status == MemberStatus::Enabled);
    let key = format!("{account}/{}", name.to_lowercase());
    let exists = match entity_type {
        "IAM_USER" => world.iam.users.contains_key(&key),
        _ => world.iam.roles.contains_key(&key),
    };
    let related_findings: Vec<(String, String, f64)> =
        match world.guardduty.detector(&graph.region, account) {
            Some(detector) if in_graph && exists => detector
                .findings
                .values()
                .filter(|f| !f.archived && f.created_ms <= end && f.updated_ms >= start)
                .filter(|f| f.resource["accessKeyDetails"]["userName"].as_str() == Some(name))
                .map(|f| {
                    (
                        format!("{}/finding/{}", detector.arn(), f.id),
                        f.finding_type.clone(),
                        f.severity,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
    let severity = related_findings
        .iter()
        .map(|(_, _, s)| gd_severity(*s))
        .max()
        .unwrap_or(Severity::Informational);
    let id = world.ids.digits(21);
    let investigation = Investigation {
        id: id.clone(),
        entity_arn: input.entity_arn,
        entity_type: entity_type.to_string(),
        created_ms: world.clock.now_ms(),
        scope_start_ms: start,
        scope_end_ms: end,
        started_request: world.request_count,
        outcome: if in_graph && exists {
            "SUCCESSFUL"
        } else {
            "FAILED"
        }
        .to_string(),
        severity,
        state: "ACTIVE".to_string(),
        related_findings: related_findings
            .into_iter()
            .map(|(arn, kind, _)| (arn, kind))
            .collect(),
    };
    world
        .detective
        .graph_mut(&caller.region, &caller.account_id)
        .investigations
        .insert(id.clone(), investigation);
    Ok(StartInvestigationOutput {
        investigation_id: id,
    })
}

/// RUNNING during the request that started it.
fn status(world: &World, investigation: &Investigation) -> String {
    if investigation.started_request >= world.request_count {
        "RUNNING".to_string()
    } else {
        investigation.outcome.clone()
    }
}

fn check_investigation_id(id: &str) -> Result<(), DetectiveError> {
    if id.len() == 21 && id.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(DetectiveError::constraint(
            "investigationId",
            id,
            "Member must have length 21 and satisfy regular expression pattern: ^[0-9]+$",
        ))
    }
}

fn investigation<'g>(graph: &'g Graph, id: &str) -> Result<&'g Investigation, DetectiveError> {
    check_investigation_id(id)?;
    graph
        .investigations
        .get(id)
        .ok_or_else(DetectiveError::not_found)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvestigationInput {
    pub graph_arn: String,
    pub investigation_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInvestigationOutput {
    pub graph_arn: String,
    pub investigation_id: String,
    pub entity_arn: String,
    pub entity_type: String,
    pub created_time: String,
    pub scope_start_time: String,
    pub scope_end_time: String,
    pub status: String,
    pub severity: &'static str,
    pub state: String,
}

pub fn get_investigation(
    world: &mut World,
    caller: &Caller,
    input: InvestigationInput,
) -> Result<GetInvestigationOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    let found = investigation(graph, &input.investigation_id)?;
    Ok(GetInvestigationOutput {
        graph_arn: graph.arn(),
        investigation_id: found.id.clone(),
        entity_arn: found.entity_arn.clone(),
        entity_type: found.entity_type.clone(),
        created_time: iso8601(found.created_ms),
        scope_start_time: iso8601(found.scope_start_ms),
        scope_end_time: iso8601(found.scope_end_ms),
        status: status(world, found),
        severity: found.severity.wire(),
        state: found.state.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringFilter {
    pub value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DateFilter {
    pub start_inclusive: Value,
    pub end_inclusive: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterCriteria {
    pub severity: Option<StringFilter>,
    pub status: Option<StringFilter>,
    pub state: Option<StringFilter>,
    pub entity_arn: Option<StringFilter>,
    pub created_time: Option<DateFilter>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SortCriteria {
    pub field: Option<SortField>,
    pub sort_order: Option<SortOrder>,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SortField {
    Severity,
    Status,
    CreatedTime,
}

#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInvestigationsInput {
    pub graph_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub filter_criteria: Option<FilterCriteria>,
    pub sort_criteria: Option<SortCriteria>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InvestigationDetail {
    pub investigation_id: String,
    pub severity: &'static str,
    pub status: String,
    pub state: String,
    pub created_time: String,
    pub entity_arn: String,
    pub entity_type: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInvestigationsOutput {
    pub investigation_details: Vec<InvestigationDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Page size (1..=100, default 50) and the offset a token resumes at.
fn ai_page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
) -> Result<(usize, usize), DetectiveError> {
    let max = match max_results {
        None => 50,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => {
            return Err(DetectiveError::constraint(
                "maxResults",
                &n.to_string(),
                "Member must have value between 1 and 100",
            ))
        }
    };
    let offset = match next_token.as_deref() {
        None | Some("") => 0,
        Some(token) => decode_token(listing, token)
            .and_then(|o| o.parse().ok())
            .ok_or_else(|| {
                DetectiveError::validation("The request provided an invalid pagination token.")
            })?,
    };
    Ok((max, offset))
}

/// One page of `items` from `offset`, and the token of the next.
fn slice<T>(listing: &str, items: Vec<T>, offset: usize, max: usize) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(offset).take(max).collect();
    let next = (offset + max < total).then(|| encode_token(listing, &(offset + max).to_string()));
    (page, next)
}

pub fn list_investigations(
    world: &mut World,
    caller: &Caller,
    input: ListInvestigationsInput,
) -> Result<ListInvestigationsOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    let filter = input.filter_criteria.unwrap_or_default();
    let created = match &filter.created_time {
        Some(range) => Some((
            parse_timestamp(
                "filterCriteria.createdTime.startInclusive",
                &range.start_inclusive,
            )?,
            parse_timestamp(
                "filterCriteria.createdTime.endInclusive",
                &range.end_inclusive,
            )?,
        )),
        None => None,
    };
    let (field, order) = match &input.sort_criteria {
        Some(s) => (
            s.field.unwrap_or(SortField::CreatedTime),
            s.sort_order.unwrap_or(SortOrder::Desc),
        ),
        None => (SortField::CreatedTime, SortOrder::Desc),
    };
    let listing = format!(
        "ListInvestigations {} {:?} {:?} {:?} {:?} {:?} {:?} {created:?}",
        graph.arn(),
        field,
        order,
        filter.severity.as_ref().map(|f| &f.value),
        filter.status.as_ref().map(|f| &f.value),
        filter.state.as_ref().map(|f| &f.value),
        filter.entity_arn.as_ref().map(|f| &f.value),
    );
    let (max, offset) = ai_page(&listing, input.max_results, &input.next_token)?;
    let matches = |wanted: &Option<StringFilter>, value: &str| {
        wanted.as_ref().is_none_or(|f| f.value == value)
    };
    let mut found: Vec<(&Investigation, String)> = graph
        .investigations
        .values()
        .map(|i| (i, status(world, i)))
        .filter(|(i, status)| {
            matches(&filter.severity, i.severity.wire())
                && matches(&filter.status, status)
                && matches(&filter.state, &i.state)
                && matches(&filter.entity_arn, &i.entity_arn)
                && created.is_none_or(|(from, to)| (from..=to).contains(&i.created_ms))
        })
        .collect();
    found.sort_by(|(a, a_status), (b, b_status)| {
        let ordering = match field {
            SortField::Severity => a.severity.cmp(&b.severity),
            SortField::Status => a_status.cmp(b_status),
            SortField::CreatedTime => a.created_ms.cmp(&b.created_ms),
        }
        .then_with(|| a.id.cmp(&b.id));
        if order == SortOrder::Desc {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let (page, next_token) = slice(&listing, found, offset, max);
    Ok(ListInvestigationsOutput {
        investigation_details: page
            .into_iter()
            .map(|(i, status)| InvestigationDetail {
                investigation_id: i.id.clone(),
                severity: i.severity.wire(),
                status,
                state: i.state.clone(),
                created_time: iso8601(i.created_ms),
                entity_arn: i.entity_arn.clone(),
                entity_type: i.entity_type.clone(),
            })
            .collect(),
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIndicatorsInput {
    pub graph_arn: String,
    pub investigation_id: String,
    pub indicator_type: Option<IndicatorType>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// `IndicatorType`.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IndicatorType {
    TtpObserved,
    ImpossibleTravel,
    FlaggedIpAddress,
    NewGeolocation,
    NewAso,
    NewUserAgent,
    RelatedFinding,
    RelatedFindingGroup,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListIndicatorsOutput {
    pub graph_arn: String,
    pub investigation_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
    pub indicators: Vec<Value>,
}

pub fn list_indicators(
    world: &mut World,
    caller: &Caller,
    input: ListIndicatorsInput,
) -> Result<ListIndicatorsOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    let found = investigation(graph, &input.investigation_id)?;
    let listing = format!(
        "ListIndicators {} {} {:?}",
        graph.arn(),
        found.id,
        input.indicator_type
    );
    let (max, offset) = ai_page(&listing, input.max_results, &input.next_token)?;
    let wanted = input
        .indicator_type
        .is_none_or(|t| t == IndicatorType::RelatedFinding);
    let running = status(world, found) == "RUNNING";
    let indicators: Vec<Value> = if wanted && !running {
        found
            .related_findings
            .iter()
            .map(|(arn, kind)| {
                json!({
                    "IndicatorType": "RELATED_FINDING",
                    "IndicatorDetail": {"RelatedFindingDetail": {"Arn": arn, "Type": kind}},
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let (indicators, next_token) = slice(&listing, indicators, offset, max);
    Ok(ListIndicatorsOutput {
        graph_arn: graph.arn(),
        investigation_id: found.id.clone(),
        next_token,
        indicators,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateInvestigationStateInput {
    pub graph_arn: String,
    pub investigation_id: String,
    pub state: InvestigationState,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum InvestigationState {
    Active,
    Archived,
}

pub fn update_investigation_state(
    world: &mut World,
    caller: &Caller,
    input: UpdateInvestigationStateInput,
) -> Result<Empty, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    investigation(graph, &input.investigation_id)?;
    let state = match input.state {
        InvestigationState::Active => "ACTIVE",
        InvestigationState::Archived => "ARCHIVED",
    };
    world
        .detective
        .graph_mut(&caller.region, &caller.account_id)
        .investigations
        .get_mut(&input.investigation_id)
        .expect("checked")
        .state = state.to_string();
    Ok(Empty {})
}
