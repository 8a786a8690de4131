//! CloudTrail's state: trails (keyed by ARN), Lake's event data stores, channels and
//! queries, resource policies, the organization's delegated administrators, and the
//! event history every served call is recorded in ([`super::log`]).

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::log::EventLog;
use crate::services::org_integration::OrgAdmins;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CloudTrailState {
    /// Trail ARN → trail.
    pub trails: OrdMap<String, Trail>,
    /// Event data store ARN → store.
    pub event_data_stores: OrdMap<String, EventDataStore>,
    /// Channel ARN → channel.
    pub channels: OrdMap<String, Channel>,
    /// Query id → query.
    pub queries: OrdMap<String, Query>,
    /// Resource ARN (channel, event data store, dashboard) → policy document.
    pub resource_policies: OrdMap<String, String>,
    /// CloudTrail's delegated administrators, one table per slot: AWS allows up to three
    /// per organization, and the shared designation allows one per table.
    pub org_admins: OrdMap<String, OrgAdmins>,
    /// The event history: every call orgsim served, bounded. Not kept in state
    /// snapshots: request ids come from the server, not the seeded generator, and a
    /// snapshot of a seeded run must be the same byte for byte.
    #[serde(skip)]
    pub log: EventLog,
    /// The earliest world time at which a logging trail has a delivery due.
    pub next_delivery_ms: Option<i64>,
}

/// A tag on a trail, event data store or channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// A basic event selector (`PutEventSelectors` `EventSelectors`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EventSelector {
    #[serde(default = "all_read_write")]
    pub read_write_type: String,
    #[serde(default = "yes")]
    pub include_management_events: bool,
    #[serde(default)]
    pub data_resources: Vec<DataResource>,
    #[serde(default)]
    pub exclude_management_event_sources: Vec<String>,
}

fn all_read_write() -> String {
    "All".to_string()
}

fn yes() -> bool {
    true
}

impl Default for EventSelector {
    fn default() -> Self {
        EventSelector {
            read_write_type: all_read_write(),
            include_management_events: true,
            data_resources: Vec::new(),
            exclude_management_event_sources: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataResource {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

/// An advanced event selector: all its field selectors must match.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedEventSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub field_selectors: Vec<AdvancedFieldSelector>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvancedFieldSelector {
    pub field: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starts_with: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_with: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_starts_with: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_ends_with: Option<Vec<String>>,
}

/// What a trail selects: basic or advanced selectors, never both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Selectors {
    Basic(Vec<EventSelector>),
    Advanced(Vec<AdvancedEventSelector>),
}

impl Default for Selectors {
    fn default() -> Self {
        Selectors::Basic(vec![EventSelector::default()])
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InsightSelector {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_categories: Option<Vec<String>>,
}

/// `PutEventConfiguration` settings of a trail or event data store.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventConfiguration {
    pub max_event_size: Option<String>,
    pub context_key_selectors: Option<serde_json::Value>,
    pub aggregation_configurations: Option<serde_json::Value>,
}

/// A trail. An organization trail belongs to the management account even when the
/// delegated administrator created it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Trail {
    pub name: String,
    pub arn: String,
    /// The owning account (the management account for organization trails).
    pub account_id: String,
    pub home_region: String,
    pub s3_bucket_name: String,
    pub s3_key_prefix: Option<String>,
    pub sns_topic_name: Option<String>,
    pub sns_topic_arn: Option<String>,
    pub include_global_service_events: bool,
    pub is_multi_region_trail: bool,
    pub log_file_validation_enabled: bool,
    pub cloud_watch_logs_log_group_arn: Option<String>,
    pub cloud_watch_logs_role_arn: Option<String>,
    pub kms_key_id: Option<String>,
    pub is_organization_trail: bool,
    /// The organization of an organization trail.
    pub organization_id: Option<String>,
    pub selectors: Selectors,
    pub has_custom_event_selectors: bool,
    pub insight_selectors: Vec<InsightSelector>,
    pub event_configuration: EventConfiguration,
    pub tags: Vec<Tag>,
    pub status: TrailStatus,
}

/// What `GetTrailStatus` reports, and where delivery stands.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TrailStatus {
    pub is_logging: bool,
    pub start_logging_ms: Option<i64>,
    pub stop_logging_ms: Option<i64>,
    pub latest_delivery_ms: Option<i64>,
    pub latest_delivery_attempt_ms: Option<i64>,
    pub latest_delivery_error: Option<String>,
    pub latest_delivery_attempt_succeeded_ms: Option<i64>,
    /// The first event (by sequence number) not yet delivered.
    pub next_seq: u64,
    /// Events before this sequence number are due (the log's end while logging; where
    /// it stood at `StopLogging` after).
    pub until_seq: Option<u64>,
    /// The end of the current 5-minute delivery window.
    pub window_end_ms: i64,
}

/// A CloudTrail Lake event data store.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EventDataStore {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    pub status: String,
    pub advanced_event_selectors: Vec<AdvancedEventSelector>,
    pub multi_region_enabled: bool,
    pub organization_enabled: bool,
    pub organization_id: Option<String>,
    pub retention_period: i64,
    pub termination_protection_enabled: bool,
    pub kms_key_id: Option<String>,
    pub billing_mode: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Events from this sequence number on are in the store.
    pub first_seq: u64,
    /// Ingestion stopped here (events after it are not in the store).
    pub stopped_seq: Option<u64>,
    pub event_configuration: EventConfiguration,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Destination {
    pub r#type: String,
    pub location: String,
}

/// A channel for events from outside AWS into an event data store.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Channel {
    pub arn: String,
    pub name: String,
    pub account_id: String,
    pub region: String,
    pub source: String,
    pub destinations: Vec<Destination>,
    pub tags: Vec<Tag>,
}

/// A Lake query, run to completion when it is started.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Query {
    pub id: String,
    pub account_id: String,
    pub event_data_store_arn: String,
    pub statement: String,
    pub alias: Option<String>,
    pub status: String,
    pub error_message: Option<String>,
    pub created_ms: i64,
    pub delivery_s3_uri: Option<String>,
    /// Result rows: each a list of (column, value) pairs.
    pub rows: Vec<Vec<(String, String)>>,
    pub events_scanned: u64,
    pub bytes_scanned: u64,
}
