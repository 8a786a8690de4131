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
    /// Malware Protection for S3 plans, by plan id (account-level, not detector-level).
    #[serde(default)]
    pub malware_plans: OrdMap<String, MalwarePlan>,
    /// Malware scans started in or for this account, by scan id.
    #[serde(default)]
    pub scans: OrdMap<String, MalwareScan>,
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
    /// IP sets, threat-intel sets, threat and trusted entity sets, by id.
    #[serde(default)]
    pub lists: OrdMap<String, ThreatList>,
    /// Where findings are exported, by destination id.
    #[serde(default)]
    pub destinations: OrdMap<String, PublishingDestination>,
    #[serde(default)]
    pub scan_settings: ScanSettings,
    /// Investigations this detector ran, by id.
    #[serde(default)]
    pub investigations: OrdMap<String, Investigation>,
    /// Custom detection rules applied to this account, by association id.
    #[serde(default)]
    pub rule_associations: OrdMap<String, RuleAssociation>,
    /// A delegated administrator's organization configurations of custom detection
    /// rules, by `ruleId/MODE`.
    #[serde(default)]
    pub rule_org_configs: OrdMap<String, RuleOrgConfig>,
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

/// The four kinds of list a detector takes: trusted IPs, threat intel, and the
/// newer threat / trusted entity sets (IPs and domains).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ListKind {
    IpSet,
    ThreatIntelSet,
    ThreatEntitySet,
    TrustedEntitySet,
}

impl ListKind {
    /// The resource segment of the list's ARN.
    pub fn arn_segment(self) -> &'static str {
        match self {
            ListKind::IpSet => "ipset",
            ListKind::ThreatIntelSet => "threatintelset",
            ListKind::ThreatEntitySet => "threatentityset",
            ListKind::TrustedEntitySet => "trustedentityset",
        }
    }

    pub fn from_arn_segment(segment: &str) -> Option<Self> {
        [
            ListKind::IpSet,
            ListKind::ThreatIntelSet,
            ListKind::ThreatEntitySet,
            ListKind::TrustedEntitySet,
        ]
        .into_iter()
        .find(|k| k.arn_segment() == segment)
    }

    /// How many lists of this kind one detector may hold (GuardDuty quotas: one
    /// trusted list, six threat lists).
    pub fn quota(self) -> usize {
        match self {
            ListKind::IpSet | ListKind::TrustedEntitySet => 1,
            ListKind::ThreatIntelSet | ListKind::ThreatEntitySet => 6,
        }
    }
}

/// One uploaded list.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ThreatList {
    pub id: String,
    pub kind: ListKind,
    pub name: String,
    pub format: String,
    pub location: String,
    pub expected_bucket_owner: Option<String>,
    /// `ACTIVE`, `INACTIVE` or `ERROR` (the file could not be read).
    pub status: String,
    pub error_details: Option<String>,
    pub tags: OrdMap<String, String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// A findings export destination (an S3 bucket).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PublishingDestination {
    pub id: String,
    pub destination_arn: String,
    pub kms_key_arn: String,
    pub expected_bucket_owner: Option<String>,
    pub tags: OrdMap<String, String>,
}

/// `GetMalwareScanSettings`: which instances GuardDuty-initiated scans cover.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScanSettings {
    /// `ScanResourceCriteria` in wire form, absent until set.
    pub criteria: Option<Value>,
    pub snapshot_preservation: String,
}

impl Default for ScanSettings {
    fn default() -> Self {
        ScanSettings {
            criteria: None,
            snapshot_preservation: "NO_RETENTION".to_string(),
        }
    }
}

/// A Malware Protection for S3 plan on one bucket.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MalwarePlan {
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub role: String,
    pub bucket: String,
    pub prefixes: Vec<String>,
    /// Tag scanned objects with the result (`ENABLED`/`DISABLED`).
    pub tagging: String,
    pub created_ms: i64,
    pub tags: OrdMap<String, String>,
}

impl MalwarePlan {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:guardduty:{}:{}:malware-protection-plan/{}",
            self.region, self.account_id, self.id
        )
    }
}

/// A malware scan: on demand (`StartMalwareScan`) or of an S3 object
/// (`SendObjectMalwareScan`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MalwareScan {
    pub id: String,
    pub detector_id: Option<String>,
    pub resource_arn: String,
    /// `MalwareProtectionResourceType`.
    pub resource_type: String,
    /// `ON_DEMAND` or `GUARDDUTY_INITIATED`.
    pub scan_type: String,
    /// `COMPLETED` or `FAILED`.
    pub status: String,
    pub status_reason: Option<String>,
    /// `NO_THREATS_FOUND` / `THREATS_FOUND` once completed.
    pub result: Option<String>,
    pub threats: Vec<String>,
    pub total_bytes: i64,
    pub role: Option<String>,
    pub started_ms: i64,
    pub completed_ms: i64,
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

/// What an investigation analyzed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum InvestigationScope {
    Finding {
        finding_id: String,
        account_id: String,
    },
    Account {
        account_id: String,
    },
    Organization {
        admin_account_id: String,
    },
}

/// One investigation, analyzed when it was created: its verdict, summary and records.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Investigation {
    pub id: String,
    pub client_token: Option<String>,
    pub trigger_prompt: String,
    pub triggered_by: String,
    /// `COMPLETED` or `FAILED`.
    pub status: String,
    pub error: Option<String>,
    pub scope: Option<InvestigationScope>,
    pub risk_level: Option<String>,
    pub confidence: Option<String>,
    pub title: String,
    pub risk: Option<String>,
    pub summary: Option<String>,
    /// `InvestigationSummaryData` in wire form.
    pub summary_data: Option<Value>,
    pub records: Vec<InvestigationRecord>,
    pub started_ms: i64,
    pub ended_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InvestigationRecord {
    pub id: String,
    /// `RecordType`.
    pub record_type: String,
    pub title: String,
    pub narrative: Option<String>,
    pub created_ms: i64,
    /// `SupportingData` in wire form.
    pub supporting_data: Option<Value>,
}

/// A custom detection rule applied to one account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuleAssociation {
    pub id: String,
    pub rule_id: String,
    pub account_id: String,
    pub region: String,
    /// `LIVE` or `DRY_RUN`.
    pub mode: String,
    pub client_token: Option<String>,
    pub tags: OrdMap<String, String>,
    /// Made by the delegated administrator's organization configuration.
    pub org_managed: bool,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Dry runs end 14 days after they start; live associations do not expire.
    pub expires_ms: Option<i64>,
    /// Recorded events the rule matched (a dry run's only output).
    #[serde(default)]
    pub matches: u64,
}

impl RuleAssociation {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:guardduty:{}:{}:custom-detection-rule/{}/association/{}",
            self.region, self.account_id, self.rule_id, self.id
        )
    }
}

/// A delegated administrator's configuration of one rule in one mode.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RuleOrgConfig {
    pub rule_id: String,
    pub mode: String,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub client_token: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub expires_ms: Option<i64>,
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
