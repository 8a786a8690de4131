//! GuardDuty state: per region, per account — detectors with their members, findings
//! and filters, invitations received, and each organization's delegated administrator.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every region's GuardDuty.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GuardDutyState {
    pub regions: OrdMap<String, RegionState>,
}

/// GuardDuty in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionState {
    pub accounts: OrdMap<String, AccountState>,
    /// Delegated administrator of each organization in this region: org id → account.
    pub org_admins: OrdMap<String, String>,
}

/// One account in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountState {
    pub detector: Option<Detector>,
    /// The account whose member this account is (association accepted or made by
    /// the organization's delegated administrator).
    pub administrator: Option<String>,
    /// Invitations received and not yet answered, by inviting administrator.
    pub invitations: OrdMap<String, ReceivedInvitation>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReceivedInvitation {
    pub invitation_id: String,
    pub invited_ms: i64,
}

/// GuardDuty turned on in one account and region.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Detector {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub enabled: bool,
    pub finding_publishing_frequency: String,
    /// Protection plans by `DetectorFeatureResult` name.
    pub features: OrdMap<String, FeatureState>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub tags: OrdMap<String, String>,
    /// Accounts this detector administers, by account id.
    pub members: OrdMap<String, MemberRecord>,
    pub findings: OrdMap<String, Finding>,
    pub filters: OrdMap<String, Filter>,
    /// What an organization's delegated administrator applies to the organization.
    pub org_config: OrgConfig,
}

impl Detector {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:guardduty:{}:{}:detector/{}",
            self.region, self.account_id, self.id
        )
    }

    pub fn feature_enabled(&self, name: &str) -> bool {
        self.features.get(name).is_some_and(|f| f.enabled)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FeatureState {
    pub enabled: bool,
    pub updated_ms: i64,
    /// Additional configuration (agent management) by name → enabled.
    pub additional: OrdMap<String, bool>,
}

/// `relationshipStatus` values GuardDuty reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relationship {
    Created,
    Invited,
    Enabled,
    Disabled,
    Removed,
    Resigned,
}

impl Relationship {
    pub fn wire(self) -> &'static str {
        match self {
            Relationship::Created => "Created",
            Relationship::Invited => "Invited",
            Relationship::Enabled => "Enabled",
            Relationship::Disabled => "Disabled",
            Relationship::Removed => "Removed",
            Relationship::Resigned => "Resigned",
        }
    }

    /// Associated with the administrator (monitored or paused).
    pub fn associated(self) -> bool {
        matches!(self, Relationship::Enabled | Relationship::Disabled)
    }
}

/// An account as its administrator records it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemberRecord {
    pub account_id: String,
    pub email: String,
    pub relationship: Relationship,
    /// Added through the organization (no invitation) rather than invited.
    pub via_organization: bool,
    pub invitation_id: Option<String>,
    pub invited_ms: Option<i64>,
    pub updated_ms: i64,
}

/// `autoEnableOrganizationMembers`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AutoEnable {
    New,
    All,
    #[default]
    None,
}

/// The delegated administrator's organization configuration.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OrgConfig {
    pub auto_enable: AutoEnable,
    /// Org feature name → auto-enable, with additional configuration name → auto-enable.
    pub features: OrdMap<String, OrgFeatureSetting>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgFeatureSetting {
    pub auto_enable: AutoEnable,
    pub additional: OrdMap<String, AutoEnable>,
}

/// A finding as GuardDuty stores it; `resource` and `action` hold the wire JSON of
/// the `Resource` and `Action` structures.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub detector_id: String,
    pub finding_type: String,
    pub title: String,
    pub description: String,
    pub severity: f64,
    pub confidence: f64,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub archived: bool,
    pub feedback: Option<String>,
    pub count: i64,
    pub sample: bool,
    pub resource_role: String,
    pub feature_name: String,
    pub resource: Value,
    pub action: Value,
}

/// A saved filter (suppression rule when its action is ARCHIVE).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Filter {
    pub name: String,
    pub description: String,
    /// `NOOP` or `ARCHIVE`.
    pub action: String,
    pub rank: i64,
    /// `FindingCriteria` as given, in wire form.
    pub criteria: Value,
    pub tags: OrdMap<String, String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub version: i64,
}

impl GuardDutyState {
    pub fn account(&self, region: &str, account: &str) -> Option<&AccountState> {
        self.regions.get(region)?.accounts.get(account)
    }

    pub fn account_mut(&mut self, region: &str, account: &str) -> &mut AccountState {
        self.regions
            .entry(region.to_string())
            .or_default()
            .accounts
            .entry(account.to_string())
            .or_default()
    }

    pub fn detector(&self, region: &str, account: &str) -> Option<&Detector> {
        self.account(region, account)?.detector.as_ref()
    }

    /// The detector of an account checked to have one.
    pub fn detector_mut(&mut self, region: &str, account: &str) -> &mut Detector {
        self.account_mut(region, account)
            .detector
            .as_mut()
            .expect("detector checked before mutation")
    }

    pub fn administrator_of(&self, region: &str, account: &str) -> Option<&str> {
        self.account(region, account)?.administrator.as_deref()
    }
}
