//! Saved filters: CreateFilter, GetFilter, UpdateFilter, DeleteFilter, ListFilters.
//! A filter whose action is ARCHIVE is a suppression rule: matching new findings are
//! archived as they arrive (see `findings::add_findings`).

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::criteria::FindingCriteria;
use super::detectors::check_tags;
use super::errors::GdError;
use super::model::Filter;
use super::{own_detector, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::after_bound;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Saved filters per account and region (AWS's default quota).
const MAX_FILTERS: usize = 100;

fn check_name(name: &str) -> Result<(), GdError> {
    let ok = (3..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(GdError::invalid_parameter("name"))
    }
}

fn check_action(action: &Option<String>) -> Result<(), GdError> {
    match action.as_deref() {
        None | Some("NOOP") | Some("ARCHIVE") => Ok(()),
        Some(_) => Err(GdError::invalid_parameter("action")),
    }
}

fn check_rank(rank: Option<i64>) -> Result<(), GdError> {
    match rank {
        Some(r) if !(1..=100).contains(&r) => Err(GdError::invalid_parameter("rank")),
        _ => Ok(()),
    }
}

fn check_description(description: &Option<String>) -> Result<(), GdError> {
    match description {
        Some(d) if d.len() > 512 => Err(GdError::invalid_parameter("description")),
        _ => Ok(()),
    }
}

fn check_criteria(criteria: &FindingCriteria) -> Result<(), GdError> {
    criteria.validate()?;
    if criteria.is_empty() {
        return Err(GdError::invalid_parameter("findingCriteria"));
    }
    Ok(())
}

fn not_found(name: &str) -> GdError {
    GdError::bad(format!(
        "The request is rejected because the filter {name} does not exist."
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateFilterInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub name: String,
    pub description: Option<String>,
    pub action: Option<String>,
    pub rank: Option<i64>,
    pub finding_criteria: FindingCriteria,
    pub client_token: Option<String>,
    pub tags: Option<OrdMap<String, String>>,
}

#[derive(Debug, Serialize)]
pub struct FilterNameOutput {
    pub name: String,
}

pub fn create_filter(
    world: &mut World,
    caller: &Caller,
    input: CreateFilterInput,
) -> Result<FilterNameOutput, GdError> {
    check_name(&input.name)?;
    check_description(&input.description)?;
    check_action(&input.action)?;
    check_rank(input.rank)?;
    check_criteria(&input.finding_criteria)?;
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    if detector.filters.contains_key(&input.name) {
        return Err(GdError::bad(format!(
            "The request is rejected because a filter named {} already exists.",
            input.name
        )));
    }
    if detector.filters.len() >= MAX_FILTERS {
        return Err(GdError::bad(
            "The request is rejected because the number of filters exceeds the limit of 100.",
        ));
    }
    let rank = input.rank.unwrap_or(detector.filters.len() as i64 + 1);
    let now = world.clock.now_ms();
    let filter = Filter {
        name: input.name.clone(),
        description: input.description.unwrap_or_default(),
        action: input.action.unwrap_or_else(|| "NOOP".to_string()),
        rank,
        criteria: serde_json::to_value(&input.finding_criteria).unwrap_or_default(),
        tags,
        created_ms: now,
        updated_ms: now,
        version: 1,
    };
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .filters
        .insert(input.name.clone(), filter);
    Ok(FilterNameOutput { name: input.name })
}

#[derive(Debug, Deserialize)]
pub struct FilterInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "FilterName")]
    pub filter_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFilterOutput {
    pub name: String,
    pub description: String,
    pub action: String,
    pub rank: i64,
    pub finding_criteria: serde_json::Value,
    pub tags: OrdMap<String, String>,
    pub created_at: f64,
    pub updated_at: f64,
    pub version: i64,
}

pub fn get_filter(
    world: &mut World,
    caller: &Caller,
    input: FilterInput,
) -> Result<GetFilterOutput, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    let f = detector
        .filters
        .get(&input.filter_name)
        .ok_or_else(|| not_found(&input.filter_name))?;
    Ok(GetFilterOutput {
        name: f.name.clone(),
        description: f.description.clone(),
        action: f.action.clone(),
        rank: f.rank,
        finding_criteria: f.criteria.clone(),
        tags: f.tags.clone(),
        created_at: epoch_seconds(f.created_ms),
        updated_at: epoch_seconds(f.updated_ms),
        version: f.version,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFilterInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    #[serde(rename = "FilterName")]
    pub filter_name: String,
    pub description: Option<String>,
    pub action: Option<String>,
    pub rank: Option<i64>,
    pub finding_criteria: Option<FindingCriteria>,
}

pub fn update_filter(
    world: &mut World,
    caller: &Caller,
    input: UpdateFilterInput,
) -> Result<FilterNameOutput, GdError> {
    check_description(&input.description)?;
    check_action(&input.action)?;
    check_rank(input.rank)?;
    if let Some(criteria) = &input.finding_criteria {
        check_criteria(criteria)?;
    }
    let detector = own_detector(world, caller, &input.detector_id)?;
    if !detector.filters.contains_key(&input.filter_name) {
        return Err(not_found(&input.filter_name));
    }
    let now = world.clock.now_ms();
    let filter = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .filters
        .get_mut(&input.filter_name)
        .expect("filter checked before mutation");
    if let Some(description) = input.description {
        filter.description = description;
    }
    if let Some(action) = input.action {
        filter.action = action;
    }
    if let Some(rank) = input.rank {
        filter.rank = rank;
    }
    if let Some(criteria) = input.finding_criteria {
        filter.criteria = serde_json::to_value(&criteria).unwrap_or_default();
    }
    filter.updated_ms = now;
    filter.version += 1;
    Ok(FilterNameOutput {
        name: input.filter_name,
    })
}

pub fn delete_filter(
    world: &mut World,
    caller: &Caller,
    input: FilterInput,
) -> Result<Empty, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    if !detector.filters.contains_key(&input.filter_name) {
        return Err(not_found(&input.filter_name));
    }
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .filters
        .remove(&input.filter_name);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFiltersInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFiltersOutput {
    pub filter_names: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_filters(
    world: &mut World,
    caller: &Caller,
    input: ListFiltersInput,
) -> Result<ListFiltersOutput, GdError> {
    let detector = own_detector(world, caller, &input.detector_id)?;
    let listing = format!("ListFilters {}", detector.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let (names, next) = take_page(
        detector
            .filters
            .range(after_bound(&after))
            .map(|(n, _)| n.clone()),
        max,
        |n| n.clone(),
    );
    Ok(ListFiltersOutput {
        filter_names: names,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCT: &str = "222222222222";

    #[test]
    fn crud_and_listing() {
        let mut w = world();
        let d = create_detector(&mut w, ACCT);
        let criteria = json!({"criterion": {"severity": {"gte": 7}}});
        run_ok(
            &mut w,
            ACCT,
            "CreateFilter",
            json!({"DetectorId": d, "name": "high", "findingCriteria": criteria, "tags": {"k": "v"}}),
        );
        run_ok(
            &mut w,
            ACCT,
            "CreateFilter",
            json!({"DetectorId": d, "name": "low-noise", "action": "ARCHIVE", "rank": 2, "findingCriteria": criteria}),
        );
        let dup = run(
            &mut w,
            &root_caller(ACCT),
            "CreateFilter",
            json!({"DetectorId": d, "name": "high", "findingCriteria": criteria}),
        );
        assert_eq!(error_of(dup).0, "BadRequestException");
        let bad_name = run(
            &mut w,
            &root_caller(ACCT),
            "CreateFilter",
            json!({"DetectorId": d, "name": "a b", "findingCriteria": criteria}),
        );
        assert_eq!(error_of(bad_name).0, "BadRequestException");
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFilter",
            json!({"DetectorId": d, "FilterName": "high"}),
        );
        assert_eq!(
            (got["action"].as_str(), got["rank"].as_i64()),
            (Some("NOOP"), Some(1))
        );
        assert_eq!(got["findingCriteria"], criteria);
        run_ok(
            &mut w,
            ACCT,
            "UpdateFilter",
            json!({"DetectorId": d, "FilterName": "high", "description": "important"}),
        );
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFilter",
            json!({"DetectorId": d, "FilterName": "high"}),
        );
        assert_eq!(
            (got["description"].as_str(), got["version"].as_i64()),
            (Some("important"), Some(2))
        );
        let page = run_ok(
            &mut w,
            ACCT,
            "ListFilters",
            json!({"DetectorId": d, "maxResults": 1}),
        );
        assert_eq!(page["filterNames"], json!(["high"]));
        let rest = run_ok(
            &mut w,
            ACCT,
            "ListFilters",
            json!({"DetectorId": d, "nextToken": page["nextToken"]}),
        );
        assert_eq!(rest["filterNames"], json!(["low-noise"]));
        run_ok(
            &mut w,
            ACCT,
            "DeleteFilter",
            json!({"DetectorId": d, "FilterName": "high"}),
        );
        let gone = run(
            &mut w,
            &root_caller(ACCT),
            "GetFilter",
            json!({"DetectorId": d, "FilterName": "high"}),
        );
        assert_eq!(error_of(gone).0, "BadRequestException");
    }

    #[test]
    fn archive_filters_suppress_new_findings() {
        let mut w = world();
        let d = create_detector(&mut w, ACCT);
        run_ok(
            &mut w,
            ACCT,
            "CreateFilter",
            json!({"DetectorId": d, "name": "quiet-probes", "action": "ARCHIVE", "findingCriteria": {"criterion": {"type": {"eq": ["Recon:EC2/PortProbeUnprotectedPort"]}}}}),
        );
        run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": d, "findingTypes": ["Recon:EC2/PortProbeUnprotectedPort", "Recon:EC2/Portscan"]}),
        );
        let active = run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d, "findingCriteria": {"criterion": {"service.archived": {"eq": ["false"]}}}}),
        );
        let ids = active["findingIds"].as_array().unwrap();
        assert_eq!(ids.len(), 1);
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFindings",
            json!({"DetectorId": d, "findingIds": ids}),
        );
        assert_eq!(got["findings"][0]["type"], "Recon:EC2/Portscan");
    }
}
