//! What Health knows: the events orgsim was told of (`POST /_orgsim/health/events`, a
//! scenario's `health_event:` step), each with the accounts and entities it affects.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct HealthState {
    /// Event ARN → event.
    pub events: OrdMap<String, Event>,
}

/// One AWS Health event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub arn: String,
    pub service: String,
    pub event_type_code: String,
    /// `issue`, `accountNotification`, `scheduledChange` or `investigation`.
    pub event_type_category: String,
    pub region: String,
    /// `open`, `closed` or `upcoming`.
    pub status_code: String,
    pub start_ms: i64,
    pub end_ms: Option<i64>,
    pub last_updated_ms: i64,
    /// When orgsim learned of it: an organization sees events from after its
    /// organizational view was turned on.
    pub created_ms: i64,
    pub description: String,
    /// The accounts it affects; empty: a public event, which every account sees.
    pub affected_accounts: Vec<String>,
    pub entities: Vec<Entity>,
}

/// A resource an event affects, in one account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub arn: String,
    pub value: String,
    pub account_id: String,
    /// `IMPAIRED`, `UNIMPAIRED`, `UNKNOWN`, `PENDING` or `RESOLVED`.
    pub status_code: String,
    pub last_updated_ms: i64,
}

impl Event {
    pub fn is_public(&self) -> bool {
        self.affected_accounts.is_empty()
    }

    /// `PUBLIC` or `ACCOUNT_SPECIFIC`.
    pub fn scope_code(&self) -> &'static str {
        if self.is_public() {
            "PUBLIC"
        } else {
            "ACCOUNT_SPECIFIC"
        }
    }

    /// Whether `account` sees the event in its own (account) view.
    pub fn visible_to(&self, account: &str) -> bool {
        self.is_public() || self.affected_accounts.iter().any(|a| a == account)
    }

    /// AWS's actionability, from the category: scheduled changes need action, issues
    /// may, the rest inform.
    pub fn actionability(&self) -> &'static str {
        match self.event_type_category.as_str() {
            "scheduledChange" => "ACTION_REQUIRED",
            "issue" | "investigation" => "ACTION_MAY_BE_REQUIRED",
            _ => "INFORMATIONAL",
        }
    }
}

pub const CATEGORIES: &[&str] = &[
    "issue",
    "accountNotification",
    "scheduledChange",
    "investigation",
];
pub const EVENT_STATUS_CODES: &[&str] = &["open", "closed", "upcoming"];
pub const ENTITY_STATUS_CODES: &[&str] =
    &["IMPAIRED", "UNIMPAIRED", "UNKNOWN", "PENDING", "RESOLVED"];
