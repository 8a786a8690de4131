//! Where Health's events come from: AWS publishes them; orgsim is told of them by
//! `POST /_orgsim/health/events` and by a scenario's `health_event:` step, both with
//! the JSON document [`NewEvent`] describes.

use serde::Deserialize;

use super::model::{Entity, Event, CATEGORIES, EVENT_STATUS_CODES};
use crate::world::World;

/// An event to publish, in Health's member names.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewEvent {
    /// The AWS service, as Health names it (`EC2`, `IAM`, `S3`).
    pub service: String,
    pub event_type_code: String,
    pub event_type_category: String,
    /// Default `us-east-1`; `global` for events of global services.
    #[serde(default)]
    pub region: Option<String>,
    /// `open` (default), `closed` or `upcoming`.
    #[serde(default)]
    pub status_code: Option<String>,
    /// The accounts it affects; none: a public event every account sees.
    #[serde(default)]
    pub affected_accounts: Vec<String>,
    /// Resource ids affected in each account (default: the account itself).
    #[serde(default)]
    pub affected_entities: Vec<String>,
    #[serde(default)]
    pub description: Option<String>,
}

fn matches(
    text: &str,
    len: std::ops::RangeInclusive<usize>,
    allowed: impl Fn(char) -> bool,
) -> bool {
    len.contains(&text.chars().count()) && text.chars().all(allowed)
}

/// Publishes an event at the world's present; answers its ARN, or what is wrong.
pub fn publish_event(world: &mut World, new: NewEvent) -> Result<String, String> {
    let region = new.region.clone().unwrap_or_else(|| "us-east-1".into());
    let status = new.status_code.clone().unwrap_or_else(|| "open".into());
    if !matches(&new.service, 2..=30, |c| c != ':' && c != '/') {
        return Err(format!(
            "service '{}' must be 2 to 30 characters without ':' or '/'",
            new.service
        ));
    }
    if !matches(&new.event_type_code, 3..=100, |c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '-'
    }) {
        return Err(format!(
            "eventTypeCode '{}' must be 3 to 100 letters, digits, '_' or '-'",
            new.event_type_code
        ));
    }
    if !CATEGORIES.contains(&new.event_type_category.as_str()) {
        return Err(format!(
            "eventTypeCategory '{}' must be one of {}",
            new.event_type_category,
            CATEGORIES.join(", ")
        ));
    }
    if !matches(&region, 2..=25, |c| c != ':' && c != '/') {
        return Err(format!(
            "region '{region}' must be 2 to 25 characters without ':' or '/'"
        ));
    }
    if !EVENT_STATUS_CODES.contains(&status.as_str()) {
        return Err(format!(
            "statusCode '{status}' must be one of {}",
            EVENT_STATUS_CODES.join(", ")
        ));
    }
    if let Some(bad) = new
        .affected_accounts
        .iter()
        .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(format!(
            "affectedAccounts: '{bad}' is not a 12-digit account id"
        ));
    }
    if let Some(bad) = new
        .affected_entities
        .iter()
        .find(|e| e.is_empty() || e.len() > 1224)
    {
        return Err(format!(
            "affectedEntities: '{bad}' must be 1 to 1224 characters"
        ));
    }
    let now = world.clock.now_ms();
    let suffix = world.ids.hex(16).to_ascii_uppercase();
    let arn = format!(
        "arn:aws:health:{region}::event/{}/{}/{}_{suffix}",
        new.service, new.event_type_code, new.event_type_code
    );
    let entity_status = match status.as_str() {
        "closed" => "RESOLVED",
        "upcoming" => "PENDING",
        _ => "IMPAIRED",
    };
    let mut accounts = new.affected_accounts.clone();
    accounts.sort();
    accounts.dedup();
    let mut entities = Vec::new();
    for account in &accounts {
        let values = if new.affected_entities.is_empty() {
            vec![account.clone()]
        } else {
            new.affected_entities.clone()
        };
        for value in values {
            entities.push(Entity {
                arn: format!(
                    "arn:aws:health:{region}:{account}:entity/{}",
                    world.ids.hex(24)
                ),
                value,
                account_id: account.clone(),
                status_code: entity_status.into(),
                last_updated_ms: now,
            });
        }
    }
    let description = new.description.clone().unwrap_or_else(|| {
        format!(
            "{} {} event for the {} service in {region}.",
            new.event_type_code, new.event_type_category, new.service
        )
    });
    let event = Event {
        arn: arn.clone(),
        service: new.service,
        event_type_code: new.event_type_code,
        event_type_category: new.event_type_category,
        region,
        end_ms: (status == "closed").then_some(now),
        status_code: status,
        start_ms: now,
        last_updated_ms: now,
        created_ms: now,
        description,
        affected_accounts: accounts,
        entities,
    };
    world.health.events.insert(arn.clone(), event);
    Ok(arn)
}
