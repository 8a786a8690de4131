//! LookupEvents: the caller's account's management events in the caller's region
//! (global services' events in us-east-1), newest first, filtered by one lookup
//! attribute and a time range, paged by the event's sequence number.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CtError;
use super::log::{EventView, StoredEvent};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{epoch_seconds, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupAttribute {
    pub attribute_key: String,
    pub attribute_value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct LookupEventsInput {
    pub lookup_attributes: Option<Vec<LookupAttribute>>,
    pub start_time: Option<f64>,
    pub end_time: Option<f64>,
    pub event_category: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

const KEYS: &[&str] = &[
    "EventId",
    "EventName",
    "ReadOnly",
    "Username",
    "ResourceType",
    "ResourceName",
    "EventSource",
    "AccessKeyId",
];

fn matches(attribute: &LookupAttribute, view: &EventView<'_>) -> bool {
    let value = attribute.attribute_value.as_str();
    match attribute.attribute_key.as_str() {
        "EventId" => view.event_id() == value,
        "EventName" => view.event_name() == value,
        "ReadOnly" => view.read_only().to_string() == value,
        "Username" => view.username() == Some(value),
        "EventSource" => view.event_source() == value,
        "AccessKeyId" => view.access_key_id() == Some(value),
        "ResourceType" => view.resources().iter().any(|(t, _)| t == value),
        "ResourceName" => view.resources().iter().any(|(_, n)| n == value),
        _ => false,
    }
}

pub fn lookup_events(
    world: &mut World,
    caller: &Caller,
    input: LookupEventsInput,
) -> Result<Value, CtError> {
    let attributes = input.lookup_attributes.unwrap_or_default();
    if attributes.len() > 1 {
        return Err(CtError::InvalidLookupAttributes(
            "You can specify only one lookup attribute.".to_string(),
        ));
    }
    for attribute in &attributes {
        if !KEYS.contains(&attribute.attribute_key.as_str()) {
            return Err(CtError::constraint(
                "lookupAttributes.1.member.attributeKey",
                &attribute.attribute_key,
                "Member must satisfy enum value set: [EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId]",
            ));
        }
        if attribute.attribute_value.is_empty() || attribute.attribute_value.len() > 2000 {
            return Err(CtError::InvalidLookupAttributes(
                "The attribute value must be between 1 and 2000 characters.".to_string(),
            ));
        }
    }
    if let Some(category) = &input.event_category {
        if category != "insight" {
            return Err(CtError::InvalidEventCategory(format!(
                "Invalid event category: {category}"
            )));
        }
    }
    let max = match input.max_results {
        None => 50,
        Some(n) if (1..=50).contains(&n) => n as usize,
        Some(n) => {
            return Err(CtError::InvalidMaxResults(format!(
                "MaxResults must be between 1 and 50; {n} is not."
            )))
        }
    };
    let to_ms = |s: f64| (s * 1000.0) as i64;
    let start = input.start_time.map(to_ms);
    let end = input.end_time.map(to_ms);
    if let (Some(start), Some(end)) = (start, end) {
        if start > end {
            return Err(CtError::InvalidTimeRange(
                "Start time must be earlier than end time.".to_string(),
            ));
        }
    }
    let listing = format!(
        "LookupEvents {} {} {:?} {:?} {}",
        caller.account_id,
        caller.region,
        start,
        end,
        attributes
            .first()
            .map(|a| format!("{}={}", a.attribute_key, a.attribute_value))
            .unwrap_or_default()
    );
    let log = &world.cloudtrail.log;
    let before = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => decode_token(&listing, token)
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(CtError::bad_token)?,
        None => log.next_seq(),
    };
    // Insight events are not generated.
    if input.event_category.is_some() {
        return Ok(json!({"Events": []}));
    }
    let Ok(account) = caller.account_id.parse::<u64>() else {
        return Ok(json!({"Events": []}));
    };
    let region = caller.region.as_str();
    let in_scope = |seq: u64, event: &StoredEvent| -> Option<u64> {
        let view = EventView { seq, event, log };
        let keep = event.account == account
            && view.region() == region
            && !view.is_data()
            && start.is_none_or(|s| event.time_ms >= s)
            && end.is_none_or(|e| event.time_ms <= e)
            && attributes.first().is_none_or(|a| matches(a, &view));
        keep.then_some(seq)
    };
    let mut found = Vec::new();
    let mut seq = before.min(log.next_seq());
    let mut more = false;
    while seq > log.first_seq {
        seq -= 1;
        let Some(event) = log.get(seq) else { break };
        if start.is_some_and(|s| event.time_ms < s - super::log::RETENTION_MS) {
            break;
        }
        if let Some(s) = in_scope(seq, event) {
            if found.len() == max {
                more = true;
                break;
            }
            found.push(s);
        }
    }
    let events: Vec<Value> = found
        .iter()
        .filter_map(|&seq| log.get(seq).map(|event| EventView { seq, event, log }))
        .map(|view| {
            let mut out = json!({
                "EventId": view.event_id(),
                "EventName": view.event_name(),
                "ReadOnly": view.read_only().to_string(),
            });
            if let Some(key) = view.access_key_id() {
                out["AccessKeyId"] = json!(key);
            }
            out["EventTime"] = json!(epoch_seconds(view.event.time_ms / 1000 * 1000));
            out["EventSource"] = json!(view.event_source());
            if let Some(user) = view.username() {
                out["Username"] = json!(user);
            }
            out["Resources"] = json!(view
                .resources()
                .into_iter()
                .map(|(t, n)| json!({"ResourceType": t, "ResourceName": n}))
                .collect::<Vec<_>>());
            out["CloudTrailEvent"] = json!(view.render().to_string());
            out
        })
        .collect();
    let mut out = json!({ "Events": events });
    if more {
        if let Some(last) = found.last() {
            out["NextToken"] = json!(encode_token(&listing, &last.to_string()));
        }
    }
    Ok(out)
}
