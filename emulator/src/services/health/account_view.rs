//! The account view: the events that affect the caller's account (public events and
//! its own), their details, affected entities and aggregates, and the event types.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::errors::HealthError;
use super::filters::{check_entity_statuses, persona, DateTimeRange, EventFilter};
use super::model::{Entity, Event, CATEGORIES};
use super::{check_event_arns, check_locale, page, seconds};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// `Event` / `OrganizationEvent` on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventOut {
    pub arn: String,
    pub service: String,
    pub event_type_code: String,
    pub event_type_category: String,
    pub region: String,
    pub start_time: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<f64>,
    pub last_updated_time: f64,
    pub status_code: String,
    pub event_scope_code: String,
    pub actionability: String,
    pub personas: Vec<String>,
}

impl EventOut {
    pub fn of(event: &Event) -> EventOut {
        EventOut {
            arn: event.arn.clone(),
            service: event.service.clone(),
            event_type_code: event.event_type_code.clone(),
            event_type_category: event.event_type_category.clone(),
            region: event.region.clone(),
            start_time: seconds(event.start_ms),
            end_time: event.end_ms.map(seconds),
            last_updated_time: seconds(event.last_updated_ms),
            status_code: event.status_code.clone(),
            event_scope_code: event.scope_code().to_string(),
            actionability: event.actionability().to_string(),
            personas: vec![persona(event).to_string()],
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDescription {
    pub latest_description: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityOut {
    pub entity_arn: String,
    pub event_arn: String,
    pub entity_value: String,
    pub aws_account_id: String,
    pub last_updated_time: f64,
    pub status_code: String,
    pub tags: BTreeMap<String, String>,
}

impl EntityOut {
    pub fn of(event: &Event, entity: &Entity) -> EntityOut {
        EntityOut {
            entity_arn: entity.arn.clone(),
            event_arn: event.arn.clone(),
            entity_value: entity.value.clone(),
            aws_account_id: entity.account_id.clone(),
            last_updated_time: seconds(entity.last_updated_ms),
            status_code: entity.status_code.clone(),
            tags: BTreeMap::new(),
        }
    }
}

/// Per-status counts of entities.
pub fn status_counts<'e>(
    entities: impl Iterator<Item = &'e Entity>,
) -> (i64, BTreeMap<String, i64>) {
    let mut statuses = BTreeMap::new();
    let mut count = 0;
    for entity in entities {
        count += 1;
        *statuses.entry(entity.status_code.clone()).or_insert(0) += 1;
    }
    (count, statuses)
}

/// The events `account` sees, in ARN order.
fn visible<'w>(world: &'w World, account: &'w str) -> impl Iterator<Item = &'w Event> + 'w {
    world
        .health
        .events
        .values()
        .filter(move |e| e.visible_to(account))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventsInput {
    pub filter: Option<EventFilter>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub locale: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventsOutput {
    pub events: Vec<EventOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_events(
    world: &mut World,
    caller: &Caller,
    input: DescribeEventsInput,
) -> Result<DescribeEventsOutput, HealthError> {
    check_locale(&input.locale)?;
    let filter = input.filter.unwrap_or_default();
    filter.check()?;
    let listing = format!("DescribeEvents {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, (1, 100))?;
    let own = [caller.account_id.clone()];
    let events = visible(world, &caller.account_id)
        .filter(|e| after.as_ref().is_none_or(|a| &e.arn > a))
        .filter(|e| filter.matches(e, Some(&own)));
    let (page, next) = take_page(events, max, |e| e.arn.clone());
    Ok(DescribeEventsOutput {
        events: page.into_iter().map(EventOut::of).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventDetailsInput {
    pub event_arns: Vec<String>,
    pub locale: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDetails {
    pub event: EventOut,
    pub event_description: EventDescription,
    pub event_metadata: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventDetailsErrorItem {
    pub event_arn: String,
    pub error_name: String,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventDetailsOutput {
    pub successful_set: Vec<EventDetails>,
    pub failed_set: Vec<EventDetailsErrorItem>,
}

pub fn details(event: &Event) -> (EventOut, EventDescription) {
    (
        EventOut::of(event),
        EventDescription {
            latest_description: event.description.clone(),
        },
    )
}

pub fn describe_event_details(
    world: &mut World,
    caller: &Caller,
    input: DescribeEventDetailsInput,
) -> Result<DescribeEventDetailsOutput, HealthError> {
    check_locale(&input.locale)?;
    check_event_arns("eventArns", &input.event_arns, 10)?;
    let mut out = DescribeEventDetailsOutput {
        successful_set: Vec::new(),
        failed_set: Vec::new(),
    };
    for arn in &input.event_arns {
        match world
            .health
            .events
            .get(arn)
            .filter(|e| e.visible_to(&caller.account_id))
        {
            Some(event) => {
                let (event, event_description) = details(event);
                out.successful_set.push(EventDetails {
                    event,
                    event_description,
                    event_metadata: BTreeMap::new(),
                });
            }
            None => out.failed_set.push(EventDetailsErrorItem {
                event_arn: arn.clone(),
                error_name: "EventNotFoundException".into(),
                error_message: format!("The event {arn} was not found."),
            }),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityFilter {
    pub event_arns: Vec<String>,
    pub entity_arns: Option<Vec<String>>,
    pub entity_values: Option<Vec<String>>,
    pub last_updated_times: Option<Vec<DateTimeRange>>,
    pub tags: Option<Vec<serde_json::Map<String, serde_json::Value>>>,
    pub status_codes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedEntitiesInput {
    pub filter: EntityFilter,
    pub locale: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedEntitiesOutput {
    pub entities: Vec<EntityOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_affected_entities(
    world: &mut World,
    caller: &Caller,
    input: DescribeAffectedEntitiesInput,
) -> Result<DescribeAffectedEntitiesOutput, HealthError> {
    check_locale(&input.locale)?;
    let filter = &input.filter;
    check_event_arns("filter.eventArns", &filter.event_arns, 10)?;
    check_entity_statuses("filter.statusCodes", &filter.status_codes)?;
    let listing = format!("DescribeAffectedEntities {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, (1, 100))?;
    let account = caller.account_id.as_str();
    let entities = filter
        .event_arns
        .iter()
        .filter_map(|arn| world.health.events.get(arn))
        .filter(|e| e.visible_to(account))
        .flat_map(|event| event.entities.iter().map(move |entity| (event, entity)))
        .filter(|(_, entity)| entity.account_id == account)
        .filter(|(_, entity)| {
            filter
                .entity_arns
                .as_ref()
                .is_none_or(|a| a.contains(&entity.arn))
                && filter
                    .entity_values
                    .as_ref()
                    .is_none_or(|v| v.contains(&entity.value))
                && filter
                    .status_codes
                    .as_ref()
                    .is_none_or(|s| s.contains(&entity.status_code))
                && filter.last_updated_times.as_ref().is_none_or(|ranges| {
                    let s = seconds(entity.last_updated_ms);
                    ranges
                        .iter()
                        .any(|r| r.from.is_none_or(|f| s >= f) && r.to.is_none_or(|t| s <= t))
                })
                && filter
                    .tags
                    .as_ref()
                    .is_none_or(|t| t.iter().all(|m| m.is_empty()))
        })
        .filter(|(_, entity)| after.as_ref().is_none_or(|a| &entity.arn > a));
    // Pages resume after an entity ARN, so they walk the entities in ARN order
    // (an event named twice gives its entities once).
    let mut entities: Vec<_> = entities.collect();
    entities.sort_by(|a, b| a.1.arn.cmp(&b.1.arn));
    entities.dedup_by(|a, b| a.1.arn == b.1.arn);
    let (page, next) = take_page(entities.into_iter(), max, |(_, entity)| entity.arn.clone());
    Ok(DescribeAffectedEntitiesOutput {
        entities: page.into_iter().map(|(e, n)| EntityOut::of(e, n)).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEntityAggregatesInput {
    pub event_arns: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityAggregate {
    pub event_arn: String,
    pub count: i64,
    pub statuses: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEntityAggregatesOutput {
    pub entity_aggregates: Vec<EntityAggregate>,
}

pub fn describe_entity_aggregates(
    world: &mut World,
    caller: &Caller,
    input: DescribeEntityAggregatesInput,
) -> Result<DescribeEntityAggregatesOutput, HealthError> {
    let account = caller.account_id.as_str();
    let arns: Vec<String> = match input.event_arns {
        Some(arns) => {
            check_event_arns("eventArns", &arns, 50)?;
            arns
        }
        None => visible(world, account).map(|e| e.arn.clone()).collect(),
    };
    let entity_aggregates = arns
        .iter()
        .filter_map(|arn| world.health.events.get(arn))
        .filter(|e| e.visible_to(account))
        .map(|event| {
            let (count, statuses) =
                status_counts(event.entities.iter().filter(|n| n.account_id == account));
            EntityAggregate {
                event_arn: event.arn.clone(),
                count,
                statuses,
            }
        })
        .collect();
    Ok(DescribeEntityAggregatesOutput { entity_aggregates })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventAggregatesInput {
    pub filter: Option<EventFilter>,
    pub aggregate_field: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventAggregate {
    pub aggregate_value: String,
    pub count: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventAggregatesOutput {
    pub event_aggregates: Vec<EventAggregate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_event_aggregates(
    world: &mut World,
    caller: &Caller,
    input: DescribeEventAggregatesInput,
) -> Result<DescribeEventAggregatesOutput, HealthError> {
    if input.aggregate_field != "eventTypeCategory" {
        return Err(HealthError::constraint(
            "aggregateField",
            &input.aggregate_field,
            "Member must satisfy enum value set: [eventTypeCategory]",
        ));
    }
    let filter = input.filter.unwrap_or_default();
    filter.check()?;
    let listing = format!("DescribeEventAggregates {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, (10, 100))?;
    let own = [caller.account_id.clone()];
    let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
    for event in visible(world, &caller.account_id).filter(|e| filter.matches(e, Some(&own))) {
        *counts
            .entry(event.event_type_category.as_str())
            .or_insert(0) += 1;
    }
    // AWS lists the categories in its own order; there are four, under the smallest
    // page (10), so a listing never needs a second page.
    let aggregates = CATEGORIES
        .iter()
        .filter_map(|c| counts.get(c).map(|n| (*c, *n)))
        .filter(|(c, _)| after.as_deref().is_none_or(|a| *c > a));
    let (page, next) = take_page(aggregates, max, |(c, _)| c.to_string());
    Ok(DescribeEventAggregatesOutput {
        event_aggregates: page
            .into_iter()
            .map(|(c, n)| EventAggregate {
                aggregate_value: c.to_string(),
                count: n,
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeFilter {
    pub event_type_codes: Option<Vec<String>>,
    pub services: Option<Vec<String>>,
    pub event_type_categories: Option<Vec<String>>,
    pub actionabilities: Option<Vec<String>>,
    pub personas: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventTypesInput {
    pub filter: Option<EventTypeFilter>,
    pub locale: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    pub service: String,
    pub code: String,
    pub category: String,
    pub actionability: String,
    pub personas: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventTypesOutput {
    pub event_types: Vec<EventType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The event types orgsim knows: those of the events it was told of, by service and
/// code (AWS's catalogue of event types is not orgsim's to invent).
pub fn describe_event_types(
    world: &mut World,
    _caller: &Caller,
    input: DescribeEventTypesInput,
) -> Result<DescribeEventTypesOutput, HealthError> {
    check_locale(&input.locale)?;
    let filter = input.filter.unwrap_or_default();
    let listing = "DescribeEventTypes";
    let (max, after) = page(listing, input.max_results, &input.next_token, (10, 100))?;
    let mut types: BTreeMap<String, &Event> = BTreeMap::new();
    for event in world.health.events.values() {
        types
            .entry(format!("{}/{}", event.service, event.event_type_code))
            .or_insert(event);
    }
    let any = |list: &Option<Vec<String>>, value: &str| {
        list.as_ref().is_none_or(|l| l.iter().any(|v| v == value))
    };
    let matching = types
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
        .filter(|(_, e)| {
            any(&filter.event_type_codes, &e.event_type_code)
                && any(&filter.services, &e.service)
                && any(&filter.event_type_categories, &e.event_type_category)
                && any(&filter.actionabilities, e.actionability())
                && any(&filter.personas, persona(e))
        });
    let (page, next) = take_page(matching, max, |(key, _)| key.clone());
    Ok(DescribeEventTypesOutput {
        event_types: page
            .into_iter()
            .map(|(_, e)| EventType {
                service: e.service.clone(),
                code: e.event_type_code.clone(),
                category: e.event_type_category.clone(),
                actionability: e.actionability().to_string(),
                personas: vec![persona(e).to_string()],
            })
            .collect(),
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}
