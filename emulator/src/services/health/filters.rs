//! The filters of the account and organization views, as AWS applies them: every
//! member given must match (AND); within a list, any value may (OR).

use serde::Deserialize;

use super::check_event_arns;
use super::errors::HealthError;
use super::model::{Event, CATEGORIES, ENTITY_STATUS_CODES, EVENT_STATUS_CODES};

/// `{from, to}` in epoch seconds; either end may be open.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DateTimeRange {
    pub from: Option<f64>,
    pub to: Option<f64>,
}

impl DateTimeRange {
    fn contains(&self, ms: i64) -> bool {
        let seconds = ms as f64 / 1000.0;
        self.from.is_none_or(|f| seconds >= f) && self.to.is_none_or(|t| seconds <= t)
    }
}

/// `EventFilter` (account view) and the members `OrganizationEventFilter` shares.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventFilter {
    pub actionabilities: Option<Vec<String>>,
    pub event_arns: Option<Vec<String>>,
    pub event_type_codes: Option<Vec<String>>,
    pub services: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub availability_zones: Option<Vec<String>>,
    pub start_times: Option<Vec<DateTimeRange>>,
    pub end_times: Option<Vec<DateTimeRange>>,
    pub last_updated_times: Option<Vec<DateTimeRange>>,
    pub entity_arns: Option<Vec<String>>,
    pub entity_values: Option<Vec<String>>,
    pub event_type_categories: Option<Vec<String>>,
    pub tags: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    pub event_status_codes: Option<Vec<String>>,
    pub personas: Option<Vec<String>>,
}

/// `OrganizationEventFilter`: single ranges, and the accounts to look at.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationEventFilter {
    pub actionabilities: Option<Vec<String>>,
    pub event_type_codes: Option<Vec<String>>,
    pub aws_account_ids: Option<Vec<String>>,
    pub services: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub start_time: Option<DateTimeRange>,
    pub end_time: Option<DateTimeRange>,
    pub last_updated_time: Option<DateTimeRange>,
    pub entity_arns: Option<Vec<String>>,
    pub entity_values: Option<Vec<String>>,
    pub event_type_categories: Option<Vec<String>>,
    pub event_status_codes: Option<Vec<String>>,
    pub personas: Option<Vec<String>>,
}

impl From<OrganizationEventFilter> for EventFilter {
    fn from(f: OrganizationEventFilter) -> EventFilter {
        EventFilter {
            actionabilities: f.actionabilities,
            event_type_codes: f.event_type_codes,
            services: f.services,
            regions: f.regions,
            start_times: f.start_time.map(|r| vec![r]),
            end_times: f.end_time.map(|r| vec![r]),
            last_updated_times: f.last_updated_time.map(|r| vec![r]),
            entity_arns: f.entity_arns,
            entity_values: f.entity_values,
            event_type_categories: f.event_type_categories,
            event_status_codes: f.event_status_codes,
            personas: f.personas,
            ..Default::default()
        }
    }
}

fn check_len<T>(member: &str, list: &Option<Vec<T>>, max: usize) -> Result<(), HealthError> {
    match list {
        Some(items) if items.is_empty() || items.len() > max => Err(HealthError::constraint(
            member,
            &format!("{} items", items.len()),
            &format!("Member must have length between 1 and {max}"),
        )),
        _ => Ok(()),
    }
}

fn check_enum(
    member: &str,
    list: &Option<Vec<String>>,
    allowed: &[&str],
) -> Result<(), HealthError> {
    for value in list.iter().flatten() {
        if !allowed.contains(&value.as_str()) {
            return Err(HealthError::constraint(
                member,
                value,
                &format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn any_of(list: &Option<Vec<String>>, value: &str) -> bool {
    list.as_ref().is_none_or(|l| l.iter().any(|v| v == value))
}

fn in_ranges(ranges: &Option<Vec<DateTimeRange>>, ms: Option<i64>) -> bool {
    match (ranges, ms) {
        (None, _) => true,
        (Some(ranges), Some(ms)) => ranges.iter().any(|r| r.contains(ms)),
        (Some(_), None) => false,
    }
}

impl EventFilter {
    /// AWS's constraints on the filter's members.
    pub fn check(&self) -> Result<(), HealthError> {
        if let Some(arns) = &self.event_arns {
            check_event_arns("filter.eventArns", arns, 10)?;
        }
        check_len("filter.eventTypeCodes", &self.event_type_codes, 10)?;
        check_len("filter.services", &self.services, 10)?;
        check_len("filter.regions", &self.regions, 10)?;
        check_len("filter.startTimes", &self.start_times, 10)?;
        check_len("filter.endTimes", &self.end_times, 10)?;
        check_len("filter.lastUpdatedTimes", &self.last_updated_times, 10)?;
        check_len("filter.entityArns", &self.entity_arns, 99)?;
        check_len("filter.entityValues", &self.entity_values, 99)?;
        check_len(
            "filter.eventTypeCategories",
            &self.event_type_categories,
            10,
        )?;
        check_len("filter.eventStatusCodes", &self.event_status_codes, 6)?;
        check_enum(
            "filter.eventTypeCategories",
            &self.event_type_categories,
            CATEGORIES,
        )?;
        check_enum(
            "filter.eventStatusCodes",
            &self.event_status_codes,
            EVENT_STATUS_CODES,
        )?;
        check_enum(
            "filter.actionabilities",
            &self.actionabilities,
            &["ACTION_REQUIRED", "ACTION_MAY_BE_REQUIRED", "INFORMATIONAL"],
        )?;
        check_enum(
            "filter.personas",
            &self.personas,
            &["OPERATIONS", "SECURITY", "BILLING"],
        )?;
        Ok(())
    }

    /// Whether `event` passes, looking at the entities of `accounts` (all: `None`).
    pub fn matches(&self, event: &Event, accounts: Option<&[String]>) -> bool {
        let entities = || {
            event
                .entities
                .iter()
                .filter(move |e| accounts.is_none_or(|a| a.contains(&e.account_id)))
        };
        any_of(&self.event_arns, &event.arn)
            && any_of(&self.event_type_codes, &event.event_type_code)
            && any_of(&self.services, &event.service)
            && any_of(&self.regions, &event.region)
            && any_of(&self.event_type_categories, &event.event_type_category)
            && any_of(&self.event_status_codes, &event.status_code)
            && any_of(&self.actionabilities, event.actionability())
            && any_of(&self.personas, persona(event))
            // orgsim's events name no availability zone and carry no tags.
            && self.availability_zones.is_none()
            && self.tags.as_ref().is_none_or(|t| t.iter().all(|m| m.is_empty()))
            && in_ranges(&self.start_times, Some(event.start_ms))
            && in_ranges(&self.end_times, event.end_ms)
            && in_ranges(&self.last_updated_times, Some(event.last_updated_ms))
            && self
                .entity_arns
                .as_ref()
                .is_none_or(|arns| entities().any(|e| arns.contains(&e.arn)))
            && self
                .entity_values
                .as_ref()
                .is_none_or(|values| entities().any(|e| values.contains(&e.value)))
    }
}

/// Who an event is for: security events (`AWS_SECURITY_…`, `…_SECURITY_…`) concern
/// security teams, billing events billing, the rest operations.
pub fn persona(event: &Event) -> &'static str {
    let code = event.event_type_code.to_ascii_uppercase();
    if code.contains("SECURITY") || code.contains("ABUSE") {
        "SECURITY"
    } else if code.contains("BILLING") {
        "BILLING"
    } else {
        "OPERATIONS"
    }
}

/// Entity status codes, checked.
pub fn check_entity_statuses(member: &str, list: &Option<Vec<String>>) -> Result<(), HealthError> {
    check_len(member, list, 5)?;
    check_enum(member, list, ENTITY_STATUS_CODES)
}
