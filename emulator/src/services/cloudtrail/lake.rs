//! CloudTrail Lake: event data stores (CreateEventDataStore … RestoreEventDataStore,
//! Start/StopEventDataStoreIngestion), channels, and resource policies on them. A
//! store holds the recorded events its selectors match from its creation on (while
//! ingesting), from its account's calls — or its organization's, for an organization
//! store — in its region or every region.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::organization_trail_authority;
use super::errors::CtError;
use super::log::EventView;
use super::model::{
    AdvancedEventSelector, AdvancedFieldSelector, Channel, Destination, EventDataStore, Tag,
};
use super::selectors::{advanced_selects, check_advanced};
use super::trails::SERVICE_PRINCIPAL;
use super::validation::check_tags;
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{epoch_seconds, World};

/// Event data stores and channels per account per region (AWS's quotas).
const MAX_EVENT_DATA_STORES: usize = 10;
const MAX_CHANNELS: usize = 25;

fn check_name(name: &str, member: &str) -> Result<(), CtError> {
    let ok = (3..=128).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(CtError::constraint(
            member,
            name,
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9._\\-]+$",
        ))
    }
}

/// The id part of a Lake ARN, or the id itself.
fn lake_id(arn_or_id: &str) -> &str {
    arn_or_id.rsplit('/').next().unwrap_or(arn_or_id)
}

/// Whether the caller may use a store: its owner, or for an organization store the
/// organization's CloudTrail delegated administrator.
fn may_use(world: &World, caller: &Caller, store: &EventDataStore) -> bool {
    if store.account_id == caller.account_id {
        return true;
    }
    store.organization_enabled
        && store
            .organization_id
            .as_deref()
            .and_then(|id| world.organizations.organizations.get(id))
            .is_some_and(|org| {
                delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
            })
}

/// The store an ARN (or its id) names, if the caller may see it.
pub fn find_event_data_store<'w>(
    world: &'w World,
    caller: &Caller,
    arn_or_id: &str,
) -> Result<&'w EventDataStore, CtError> {
    if arn_or_id.len() < 3 {
        return Err(CtError::EventDataStoreArnInvalid(format!(
            "The specified event data store ARN is not valid: {arn_or_id}"
        )));
    }
    if arn_or_id.starts_with("arn:") && !arn_or_id.contains(":eventdatastore/") {
        return Err(CtError::EventDataStoreArnInvalid(format!(
            "The specified event data store ARN is not valid: {arn_or_id}"
        )));
    }
    let id = lake_id(arn_or_id);
    world
        .cloudtrail
        .event_data_stores
        .values()
        .find(|s| lake_id(&s.arn) == id && s.region == caller.region && may_use(world, caller, s))
        .ok_or_else(|| {
            CtError::EventDataStoreNotFound(format!(
                "The specified event data store {arn_or_id} was not found."
            ))
        })
}

/// A store the caller may change: not pending deletion.
pub fn writable_event_data_store<'w>(
    world: &'w World,
    caller: &Caller,
    arn_or_id: &str,
) -> Result<&'w EventDataStore, CtError> {
    let store = find_event_data_store(world, caller, arn_or_id)?;
    if store.status == "PENDING_DELETION" {
        return Err(CtError::InactiveEventDataStore(format!(
            "Event data store {} is pending deletion.",
            store.arn
        )));
    }
    Ok(store)
}

fn default_selectors() -> Vec<AdvancedEventSelector> {
    vec![AdvancedEventSelector {
        name: Some("Default management events".to_string()),
        field_selectors: vec![AdvancedFieldSelector {
            field: "eventCategory".to_string(),
            equals: Some(vec!["Management".to_string()]),
            starts_with: None,
            ends_with: None,
            not_equals: None,
            not_starts_with: None,
            not_ends_with: None,
        }],
    }]
}

fn store_json(store: &EventDataStore, full: bool) -> Value {
    let mut out = json!({
        "EventDataStoreArn": store.arn,
        "Name": store.name,
        "Status": store.status,
        "AdvancedEventSelectors": store.advanced_event_selectors,
        "MultiRegionEnabled": store.multi_region_enabled,
        "OrganizationEnabled": store.organization_enabled,
        "RetentionPeriod": store.retention_period,
        "TerminationProtectionEnabled": store.termination_protection_enabled,
        "CreatedTimestamp": epoch_seconds(store.created_ms),
        "UpdatedTimestamp": epoch_seconds(store.updated_ms),
    });
    if full {
        out["BillingMode"] = json!(store.billing_mode);
        if let Some(key) = &store.kms_key_id {
            out["KmsKeyId"] = json!(key);
        }
    }
    out
}

fn check_retention(billing: &str, retention: i64) -> Result<(), CtError> {
    let max = if billing == "FIXED_RETENTION_PRICING" {
        2557
    } else {
        3653
    };
    if !(7..=max).contains(&retention) {
        return Err(CtError::InvalidParameter(format!(
            "RetentionPeriod must be between 7 and {max} days for {billing}."
        )));
    }
    Ok(())
}

fn check_billing(billing: &str) -> Result<(), CtError> {
    if billing != "EXTENDABLE_RETENTION_PRICING" && billing != "FIXED_RETENTION_PRICING" {
        return Err(CtError::constraint(
            "billingMode",
            billing,
            "Member must satisfy enum value set: [EXTENDABLE_RETENTION_PRICING, FIXED_RETENTION_PRICING]",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateEventDataStoreInput {
    pub name: String,
    pub advanced_event_selectors: Option<Vec<AdvancedEventSelector>>,
    pub multi_region_enabled: Option<bool>,
    pub organization_enabled: Option<bool>,
    pub retention_period: Option<i64>,
    pub termination_protection_enabled: Option<bool>,
    pub tags_list: Option<Vec<Tag>>,
    pub kms_key_id: Option<String>,
    pub start_ingestion: Option<bool>,
    pub billing_mode: Option<String>,
}

pub fn create_event_data_store(
    world: &mut World,
    caller: &Caller,
    input: CreateEventDataStoreInput,
) -> Result<Value, CtError> {
    check_name(&input.name, "name")?;
    let billing = input
        .billing_mode
        .unwrap_or_else(|| "EXTENDABLE_RETENTION_PRICING".to_string());
    check_billing(&billing)?;
    let default_retention = if billing == "FIXED_RETENTION_PRICING" {
        2557
    } else {
        366
    };
    let retention = input.retention_period.unwrap_or(default_retention);
    check_retention(&billing, retention)?;
    let selectors = match input.advanced_event_selectors {
        Some(selectors) => {
            check_advanced(&selectors)?;
            selectors
        }
        None => default_selectors(),
    };
    let tags = input.tags_list.unwrap_or_default();
    check_tags(&tags, 0)?;
    let organization = input.organization_enabled.unwrap_or(false);
    let (owner, organization_id) = if organization {
        let (org_id, management) = organization_trail_authority(world, caller)?;
        (management, Some(org_id))
    } else {
        (caller.account_id.clone(), None)
    };
    let kms_key_id = match input.kms_key_id {
        Some(key) => Some(super::validation::check_kms_key(
            &key,
            &caller.region,
            &owner,
        )?),
        None => None,
    };
    let mine = world
        .cloudtrail
        .event_data_stores
        .values()
        .filter(|s| s.account_id == owner && s.region == caller.region);
    let mut count = 0;
    for store in mine {
        if store.name == input.name {
            return Err(CtError::EventDataStoreAlreadyExists(format!(
                "An event data store with the name {} already exists.",
                input.name
            )));
        }
        count += 1;
    }
    if count >= MAX_EVENT_DATA_STORES {
        return Err(CtError::EventDataStoreMaxLimitExceeded(format!(
            "Your account has reached the maximum number of event data stores ({MAX_EVENT_DATA_STORES}) in {}.",
            caller.region
        )));
    }
    let now = world.clock.now_ms();
    let id = world.ids.uuid();
    let arn = format!(
        "arn:aws:cloudtrail:{}:{owner}:eventdatastore/{id}",
        caller.region
    );
    let ingesting = input.start_ingestion.unwrap_or(true);
    let next_seq = world.cloudtrail.log.next_seq();
    let store = EventDataStore {
        arn: arn.clone(),
        name: input.name,
        account_id: owner,
        region: caller.region.clone(),
        status: if ingesting {
            "ENABLED"
        } else {
            "STOPPED_INGESTION"
        }
        .to_string(),
        advanced_event_selectors: selectors,
        multi_region_enabled: input.multi_region_enabled.unwrap_or(true),
        organization_enabled: organization,
        organization_id,
        retention_period: retention,
        termination_protection_enabled: input.termination_protection_enabled.unwrap_or(true),
        kms_key_id,
        billing_mode: billing,
        created_ms: now,
        updated_ms: now,
        first_seq: next_seq,
        stopped_seq: (!ingesting).then_some(next_seq),
        event_configuration: Default::default(),
        tags,
    };
    let mut out = store_json(&store, true);
    out["TagsList"] = json!(store.tags);
    world.cloudtrail.event_data_stores.insert(arn, store);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventDataStoreInput {
    pub event_data_store: String,
}

pub fn get_event_data_store(
    world: &mut World,
    caller: &Caller,
    input: EventDataStoreInput,
) -> Result<Value, CtError> {
    let store = find_event_data_store(world, caller, &input.event_data_store)?;
    let mut out = store_json(store, true);
    out["FederationStatus"] = json!("DISABLED");
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

/// Page size and resume key for a Lake listing.
fn lake_page(
    listing: &str,
    input: &ListInput,
    max: i64,
) -> Result<(usize, Option<String>), CtError> {
    let size = match input.max_results {
        None => max as usize,
        Some(n) if (1..=max).contains(&n) => n as usize,
        Some(n) => {
            return Err(CtError::constraint(
                "maxResults",
                &n.to_string(),
                &format!("Member must have value less than or equal to {max}"),
            ))
        }
    };
    let after = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => Some(decode_token(listing, token).ok_or_else(|| {
            CtError::InvalidNextToken("A token you provided is not valid.".to_string())
        })?),
        None => None,
    };
    Ok((size, after))
}

pub fn list_event_data_stores(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<Value, CtError> {
    let listing = format!(
        "ListEventDataStores {} {}",
        caller.account_id, caller.region
    );
    let (size, after) = lake_page(&listing, &input, 1000)?;
    let mut stores: Vec<&EventDataStore> = world
        .cloudtrail
        .event_data_stores
        .values()
        .filter(|s| s.region == caller.region && may_use(world, caller, s))
        .filter(|s| after.as_deref().is_none_or(|a| s.arn.as_str() > a))
        .take(size + 1)
        .collect();
    let next = (stores.len() > size).then(|| {
        stores.truncate(size);
        encode_token(&listing, &stores[size - 1].arn)
    });
    let mut out =
        json!({"EventDataStores": stores.iter().map(|s| store_json(s, false)).collect::<Vec<_>>()});
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateEventDataStoreInput {
    pub event_data_store: String,
    pub name: Option<String>,
    pub advanced_event_selectors: Option<Vec<AdvancedEventSelector>>,
    pub multi_region_enabled: Option<bool>,
    pub organization_enabled: Option<bool>,
    pub retention_period: Option<i64>,
    pub termination_protection_enabled: Option<bool>,
    pub kms_key_id: Option<String>,
    pub billing_mode: Option<String>,
}

pub fn update_event_data_store(
    world: &mut World,
    caller: &Caller,
    input: UpdateEventDataStoreInput,
) -> Result<Value, CtError> {
    let mut store = writable_event_data_store(world, caller, &input.event_data_store)?.clone();
    if let Some(name) = input.name {
        check_name(&name, "name")?;
        let taken = world.cloudtrail.event_data_stores.values().any(|s| {
            s.arn != store.arn
                && s.account_id == store.account_id
                && s.region == store.region
                && s.name == name
        });
        if taken {
            return Err(CtError::EventDataStoreAlreadyExists(format!(
                "An event data store with the name {name} already exists."
            )));
        }
        store.name = name;
    }
    if let Some(selectors) = input.advanced_event_selectors {
        check_advanced(&selectors)?;
        store.advanced_event_selectors = selectors;
    }
    if let Some(multi) = input.multi_region_enabled {
        store.multi_region_enabled = multi;
    }
    match input.organization_enabled {
        Some(true) if !store.organization_enabled => {
            let (org_id, _) = organization_trail_authority(world, caller)?;
            store.organization_enabled = true;
            store.organization_id = Some(org_id);
        }
        Some(false) => {
            store.organization_enabled = false;
            store.organization_id = None;
        }
        _ => {}
    }
    if let Some(billing) = input.billing_mode {
        check_billing(&billing)?;
        if store.billing_mode == "EXTENDABLE_RETENTION_PRICING"
            && billing == "FIXED_RETENTION_PRICING"
        {
            return Err(CtError::InvalidParameter(
                "You cannot change the billing mode from EXTENDABLE_RETENTION_PRICING to FIXED_RETENTION_PRICING.".to_string(),
            ));
        }
        store.billing_mode = billing;
    }
    if let Some(retention) = input.retention_period {
        store.retention_period = retention;
    }
    check_retention(&store.billing_mode, store.retention_period)?;
    if let Some(protection) = input.termination_protection_enabled {
        store.termination_protection_enabled = protection;
    }
    if let Some(key) = input.kms_key_id {
        store.kms_key_id = Some(super::validation::check_kms_key(
            &key,
            &store.region,
            &store.account_id,
        )?);
    }
    store.updated_ms = world.clock.now_ms();
    let out = store_json(&store, true);
    world
        .cloudtrail
        .event_data_stores
        .insert(store.arn.clone(), store);
    Ok(out)
}

pub fn delete_event_data_store(
    world: &mut World,
    caller: &Caller,
    input: EventDataStoreInput,
) -> Result<Value, CtError> {
    let store = writable_event_data_store(world, caller, &input.event_data_store)?;
    if store.termination_protection_enabled {
        return Err(CtError::EventDataStoreTerminationProtected(format!(
            "Event data store {} cannot be deleted because termination protection is enabled.",
            store.arn
        )));
    }
    let arn = store.arn.clone();
    if world
        .cloudtrail
        .channels
        .values()
        .any(|c| c.destinations.iter().any(|d| d.location == arn))
    {
        return Err(CtError::ChannelExistsForEds(format!(
            "A channel delivers to event data store {arn}; delete the channel first."
        )));
    }
    let now = world.clock.now_ms();
    if let Some(store) = world.cloudtrail.event_data_stores.get_mut(&arn) {
        store.status = "PENDING_DELETION".to_string();
        store.updated_ms = now;
    }
    Ok(json!({}))
}

pub fn restore_event_data_store(
    world: &mut World,
    caller: &Caller,
    input: EventDataStoreInput,
) -> Result<Value, CtError> {
    let store = find_event_data_store(world, caller, &input.event_data_store)?;
    if store.status != "PENDING_DELETION" {
        return Err(CtError::InvalidEventDataStoreStatus(format!(
            "Event data store {} is not pending deletion.",
            store.arn
        )));
    }
    let arn = store.arn.clone();
    let now = world.clock.now_ms();
    let store = world
        .cloudtrail
        .event_data_stores
        .get_mut(&arn)
        .expect("found above");
    store.status = if store.stopped_seq.is_some() {
        "STOPPED_INGESTION"
    } else {
        "ENABLED"
    }
    .to_string();
    store.updated_ms = now;
    let out = store_json(store, true);
    Ok(out)
}

pub fn start_event_data_store_ingestion(
    world: &mut World,
    caller: &Caller,
    input: EventDataStoreInput,
) -> Result<Value, CtError> {
    set_ingestion(world, caller, &input.event_data_store, true)
}

pub fn stop_event_data_store_ingestion(
    world: &mut World,
    caller: &Caller,
    input: EventDataStoreInput,
) -> Result<Value, CtError> {
    set_ingestion(world, caller, &input.event_data_store, false)
}

fn set_ingestion(
    world: &mut World,
    caller: &Caller,
    name: &str,
    on: bool,
) -> Result<Value, CtError> {
    let store = writable_event_data_store(world, caller, name)?;
    let expected = if on { "STOPPED_INGESTION" } else { "ENABLED" };
    if store.status != expected {
        return Err(CtError::InvalidEventDataStoreStatus(format!(
            "Event data store {} has status {}; the operation needs {expected}.",
            store.arn, store.status
        )));
    }
    let arn = store.arn.clone();
    let next_seq = world.cloudtrail.log.next_seq();
    let now = world.clock.now_ms();
    if let Some(store) = world.cloudtrail.event_data_stores.get_mut(&arn) {
        store.status = if on { "ENABLED" } else { "STOPPED_INGESTION" }.to_string();
        store.updated_ms = now;
        if on {
            // Events while ingestion was stopped are not in the store.
            store.first_seq = next_seq;
            store.stopped_seq = None;
        } else {
            store.stopped_seq = Some(next_seq);
        }
    }
    Ok(json!({}))
}

/// The events a store holds, oldest first.
pub fn store_events<'w>(
    world: &'w World,
    store: &'w EventDataStore,
) -> impl Iterator<Item = EventView<'w>> + 'w {
    let log = &world.cloudtrail.log;
    let until = store.stopped_seq.unwrap_or_else(|| log.next_seq());
    log.range(store.first_seq, until)
        .map(move |(seq, event)| EventView { seq, event, log })
        .filter(move |view| {
            let account = view.account();
            let in_scope = match &store.organization_id {
                Some(org_id) => world
                    .organizations
                    .organization_of(&account)
                    .is_some_and(|o| &o.id == org_id),
                None => account == store.account_id,
            };
            in_scope
                && (store.multi_region_enabled || view.region() == store.region)
                && advanced_selects(&store.advanced_event_selectors, view)
        })
}

// ---- channels ----

fn channel_json(channel: &Channel) -> Value {
    json!({
        "ChannelArn": channel.arn,
        "Name": channel.name,
        "Source": channel.source,
        "Destinations": channel
            .destinations
            .iter()
            .map(|d| json!({"Type": d.r#type, "Location": d.location}))
            .collect::<Vec<_>>(),
    })
}

pub fn find_channel<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w Channel, CtError> {
    if arn.starts_with("arn:") && !arn.contains(":channel/") {
        return Err(CtError::ChannelArnInvalid(format!(
            "The specified channel ARN is not valid: {arn}"
        )));
    }
    let id = lake_id(arn);
    world
        .cloudtrail
        .channels
        .values()
        .find(|c| {
            lake_id(&c.arn) == id && c.account_id == caller.account_id && c.region == caller.region
        })
        .ok_or_else(|| CtError::ChannelNotFound(format!("The channel {arn} was not found.")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationInput {
    pub r#type: String,
    pub location: String,
}

fn check_destinations(
    world: &World,
    caller: &Caller,
    destinations: Vec<DestinationInput>,
) -> Result<Vec<Destination>, CtError> {
    if destinations.is_empty() || destinations.len() > 200 {
        return Err(CtError::InvalidParameter(
            "A channel needs between 1 and 200 destinations.".to_string(),
        ));
    }
    destinations
        .into_iter()
        .map(|d| match d.r#type.as_str() {
            "EVENT_DATA_STORE" => {
                let store = find_event_data_store(world, caller, &d.location)?;
                Ok(Destination {
                    r#type: d.r#type,
                    location: store.arn.clone(),
                })
            }
            "AWS_SERVICE" => Ok(Destination {
                r#type: d.r#type,
                location: d.location,
            }),
            other => Err(CtError::constraint(
                "destinations.member.type",
                other,
                "Member must satisfy enum value set: [EVENT_DATA_STORE, AWS_SERVICE]",
            )),
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateChannelInput {
    pub name: String,
    pub source: String,
    pub destinations: Vec<DestinationInput>,
    pub tags: Option<Vec<Tag>>,
}

pub fn create_channel(
    world: &mut World,
    caller: &Caller,
    input: CreateChannelInput,
) -> Result<Value, CtError> {
    check_name(&input.name, "name")?;
    if input.source.is_empty() || input.source.len() > 256 {
        return Err(CtError::InvalidSource(format!(
            "Source {} is not valid.",
            input.source
        )));
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags, 0)?;
    let destinations = check_destinations(world, caller, input.destinations)?;
    let mine: Vec<&Channel> = world
        .cloudtrail
        .channels
        .values()
        .filter(|c| c.account_id == caller.account_id && c.region == caller.region)
        .collect();
    if mine.iter().any(|c| c.name == input.name) {
        return Err(CtError::ChannelAlreadyExists(format!(
            "A channel with the name {} already exists.",
            input.name
        )));
    }
    if mine.len() >= MAX_CHANNELS {
        return Err(CtError::ChannelMaxLimitExceeded(format!(
            "Your account has reached the maximum number of channels ({MAX_CHANNELS})."
        )));
    }
    let id = world.ids.uuid();
    let arn = format!(
        "arn:aws:cloudtrail:{}:{}:channel/{id}",
        caller.region, caller.account_id
    );
    let channel = Channel {
        arn: arn.clone(),
        name: input.name,
        account_id: caller.account_id.clone(),
        region: caller.region.clone(),
        source: input.source,
        destinations,
        tags,
    };
    let mut out = channel_json(&channel);
    out["Tags"] = json!(channel.tags);
    world.cloudtrail.channels.insert(arn, channel);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChannelInput {
    pub channel: String,
}

pub fn get_channel(
    world: &mut World,
    caller: &Caller,
    input: ChannelInput,
) -> Result<Value, CtError> {
    let channel = find_channel(world, caller, &input.channel)?;
    let mut out = channel_json(channel);
    out["SourceConfig"] = json!({"ApplyToAllRegions": false, "AdvancedEventSelectors": []});
    out["IngestionStatus"] = json!({});
    Ok(out)
}

pub fn list_channels(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<Value, CtError> {
    let listing = format!("ListChannels {} {}", caller.account_id, caller.region);
    let (size, after) = lake_page(&listing, &input, 1000)?;
    let mut channels: Vec<&Channel> = world
        .cloudtrail
        .channels
        .values()
        .filter(|c| c.account_id == caller.account_id && c.region == caller.region)
        .filter(|c| after.as_deref().is_none_or(|a| c.arn.as_str() > a))
        .take(size + 1)
        .collect();
    let next = (channels.len() > size).then(|| {
        channels.truncate(size);
        encode_token(&listing, &channels[size - 1].arn)
    });
    let mut out = json!({"Channels": channels.iter().map(|c| json!({"ChannelArn": c.arn, "Name": c.name})).collect::<Vec<_>>()});
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateChannelInput {
    pub channel: String,
    pub destinations: Option<Vec<DestinationInput>>,
    pub name: Option<String>,
}

pub fn update_channel(
    world: &mut World,
    caller: &Caller,
    input: UpdateChannelInput,
) -> Result<Value, CtError> {
    let mut channel = find_channel(world, caller, &input.channel)?.clone();
    if let Some(name) = input.name {
        check_name(&name, "name")?;
        let taken = world.cloudtrail.channels.values().any(|c| {
            c.arn != channel.arn
                && c.account_id == channel.account_id
                && c.region == channel.region
                && c.name == name
        });
        if taken {
            return Err(CtError::ChannelAlreadyExists(format!(
                "A channel with the name {name} already exists."
            )));
        }
        channel.name = name;
    }
    if let Some(destinations) = input.destinations {
        channel.destinations = check_destinations(world, caller, destinations)?;
    }
    let out = channel_json(&channel);
    world
        .cloudtrail
        .channels
        .insert(channel.arn.clone(), channel);
    Ok(out)
}

pub fn delete_channel(
    world: &mut World,
    caller: &Caller,
    input: ChannelInput,
) -> Result<Value, CtError> {
    let arn = find_channel(world, caller, &input.channel)?.arn.clone();
    world.cloudtrail.channels.remove(&arn);
    world.cloudtrail.resource_policies.remove(&arn);
    Ok(json!({}))
}

// ---- resource policies ----

/// The ARN of a channel, event data store or dashboard the caller owns.
fn policy_target(world: &World, caller: &Caller, arn: &str) -> Result<String, CtError> {
    let invalid = || {
        CtError::ResourceArnNotValid(format!(
            "Resource ARN {arn} is not valid. Specify the ARN of a channel, event data store or dashboard."
        ))
    };
    if !arn.starts_with("arn:aws:cloudtrail:") {
        return Err(invalid());
    }
    let not_found = || CtError::ResourceNotFound(format!("The resource {arn} was not found."));
    if arn.contains(":channel/") {
        return find_channel(world, caller, arn)
            .map(|c| c.arn.clone())
            .map_err(|_| not_found());
    }
    if arn.contains(":eventdatastore/") {
        return find_event_data_store(world, caller, arn)
            .map(|s| s.arn.clone())
            .map_err(|_| not_found());
    }
    Err(invalid())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyInput {
    pub resource_arn: String,
    pub resource_policy: String,
}

pub fn put_resource_policy(
    world: &mut World,
    caller: &Caller,
    input: PutResourcePolicyInput,
) -> Result<Value, CtError> {
    let arn = policy_target(world, caller, &input.resource_arn)?;
    let parsed: Option<Value> = serde_json::from_str(&input.resource_policy).ok();
    let valid = input.resource_policy.len() <= 8192
        && parsed.as_ref().is_some_and(|p| {
            p.get("Statement")
                .is_some_and(|s| s.is_array() || s.is_object())
        });
    if !valid {
        return Err(CtError::ResourcePolicyNotValid(
            "The resource policy is not valid JSON with a Statement.".to_string(),
        ));
    }
    world
        .cloudtrail
        .resource_policies
        .insert(arn.clone(), input.resource_policy.clone());
    Ok(json!({"ResourceArn": arn, "ResourcePolicy": input.resource_policy}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceArnInput {
    pub resource_arn: String,
}

pub fn get_resource_policy(
    world: &mut World,
    caller: &Caller,
    input: ResourceArnInput,
) -> Result<Value, CtError> {
    let arn = policy_target(world, caller, &input.resource_arn)?;
    let policy = world
        .cloudtrail
        .resource_policies
        .get(&arn)
        .ok_or_else(|| {
            CtError::ResourcePolicyNotFound(format!("The resource {arn} has no resource policy."))
        })?;
    Ok(json!({"ResourceArn": arn, "ResourcePolicy": policy}))
}

pub fn delete_resource_policy(
    world: &mut World,
    caller: &Caller,
    input: ResourceArnInput,
) -> Result<Value, CtError> {
    let arn = policy_target(world, caller, &input.resource_arn)?;
    if world.cloudtrail.resource_policies.remove(&arn).is_none() {
        return Err(CtError::ResourcePolicyNotFound(format!(
            "The resource {arn} has no resource policy."
        )));
    }
    Ok(json!({}))
}
