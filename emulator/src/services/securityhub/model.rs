//! Security Hub state: per region, per account — the hub with its standards,
//! members, findings, insights, product subscriptions and finding aggregator;
//! invitations received; and each organization's administrator per region.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Every region's Security Hub.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SecurityHubState {
    pub regions: OrdMap<String, RegionState>,
}

/// Security Hub in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionState {
    pub accounts: OrdMap<String, AccountState>,
    /// The Security Hub administrator of each organization here: org id → account.
    pub org_admins: OrdMap<String, String>,
}

/// One account in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountState {
    pub hub: Option<Hub>,
    /// The administrator this account is an associated member of.
    pub administrator: Option<String>,
    /// Invitations received and not yet answered, by inviting administrator.
    pub invitations: OrdMap<String, ReceivedInvitation>,
    /// Security Hub (the V2 service, OCSF findings) turned on here.
    #[serde(default)]
    pub hub_v2: Option<HubV2>,
    /// Free trials started here: `FreeTrialType` → start (ms). Kept after the
    /// feature is turned off, as AWS keeps reporting them.
    #[serde(default)]
    pub free_trials: BTreeMap<String, i64>,
}

/// The V2 Security Hub of one account and region.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HubV2 {
    pub arn: String,
    pub subscribed_ms: i64,
    pub tags: BTreeMap<String, String>,
    /// The V2 aggregator, when this is its aggregation Region.
    pub aggregator: Option<AggregatorV2>,
    /// Automation rules V2 by id.
    pub rules: OrdMap<String, AutomationRuleV2>,
    /// Ticketing connectors by id.
    pub connectors: OrdMap<String, Connector>,
    /// Opt-in features switched on (`FeatureName`).
    #[serde(default)]
    pub features: std::collections::BTreeSet<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AggregatorV2 {
    pub arn: String,
    pub mode: String,
    pub regions: Vec<String>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReceivedInvitation {
    pub invitation_id: String,
    pub invited_ms: i64,
}

/// Security Hub turned on in one account and region.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Hub {
    pub account_id: String,
    pub region: String,
    pub subscribed_ms: i64,
    pub auto_enable_controls: bool,
    /// `SECURITY_CONTROL` or `STANDARD_CONTROL`.
    pub control_finding_generator: String,
    pub tags: BTreeMap<String, String>,
    /// Enabled standards by standards ARN.
    pub standards: OrdMap<String, Subscription>,
    /// Accounts this hub administers.
    pub members: OrdMap<String, MemberRecord>,
    pub org_config: OrgConfig,
    /// Findings by [`finding_key`].
    pub findings: OrdMap<String, StoredFinding>,
    pub insights: OrdMap<String, Insight>,
    /// Products whose findings are imported: product ARN → since (ms).
    pub products: OrdMap<String, i64>,
    /// The cross-region finding aggregator, when this is its home region.
    pub aggregator: Option<Aggregator>,
    /// Automation rules by ARN.
    #[serde(default)]
    pub automation_rules: OrdMap<String, AutomationRule>,
    /// Custom actions by ARN.
    #[serde(default)]
    pub action_targets: OrdMap<String, ActionTarget>,
    /// Central configuration policies by id (the delegated administrator's home region).
    #[serde(default)]
    pub policies: OrdMap<String, ConfigPolicy>,
    /// Associations applied directly by the delegated administrator: target id → it.
    #[serde(default)]
    pub associations: OrdMap<String, AppliedAssociation>,
    /// Custom control parameters by security control id.
    #[serde(default)]
    pub control_parameters: OrdMap<String, ControlParameters>,
    /// Connectors to third-party clouds (Azure, GCP) by id.
    #[serde(default)]
    pub cspm_connectors: OrdMap<String, CspmConnector>,
}

/// A connector to a third-party cloud provider.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CspmConnector {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: Option<String>,
    /// `AZURE` or `GCP`.
    pub provider_name: String,
    /// `CspmProviderDetail` in wire form.
    pub provider: Value,
    pub tags: BTreeMap<String, String>,
    pub client_token: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// Parameters a customer set on a security control (`Parameters` in wire form).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ControlParameters {
    pub parameters: Value,
    pub reason: Option<String>,
    pub updated_ms: i64,
}

impl Hub {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:securityhub:{}:{}:hub/default",
            self.region, self.account_id
        )
    }
}

/// One enabled standard.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Subscription {
    pub standards_arn: String,
    pub subscription_arn: String,
    pub input: BTreeMap<String, String>,
    /// The request that enabled it: `PENDING` during it, `READY` after.
    pub requested_at: u64,
    pub enabled_ms: i64,
    /// Controls switched off, by the standard's control id.
    pub disabled_controls: BTreeMap<String, DisabledControl>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DisabledControl {
    pub reason: String,
    pub updated_ms: i64,
}

/// `MemberStatus` values Security Hub reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberStatus {
    Created,
    Invited,
    Enabled,
    Removed,
    Resigned,
}

impl MemberStatus {
    pub fn wire(self) -> &'static str {
        match self {
            MemberStatus::Created => "Created",
            MemberStatus::Invited => "Invited",
            MemberStatus::Enabled => "Enabled",
            MemberStatus::Removed => "Removed",
            MemberStatus::Resigned => "Resigned",
        }
    }
}

/// An account as its administrator records it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MemberRecord {
    pub account_id: String,
    pub email: String,
    pub status: MemberStatus,
    /// Added through the organization (no invitation) rather than invited.
    pub via_organization: bool,
    pub invitation_id: Option<String>,
    pub invited_ms: Option<i64>,
    pub updated_ms: i64,
}

/// The administrator's organization configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrgConfig {
    pub auto_enable: bool,
    /// `DEFAULT` or `NONE`.
    pub auto_enable_standards: String,
    /// `LOCAL` or `CENTRAL`.
    pub configuration_type: String,
}

impl Default for OrgConfig {
    fn default() -> Self {
        OrgConfig {
            auto_enable: false,
            auto_enable_standards: "DEFAULT".to_string(),
            configuration_type: "LOCAL".to_string(),
        }
    }
}

/// A finding in ASFF (wire JSON) and what changed it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredFinding {
    pub finding: Value,
    pub history: Vec<HistoryRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub update_ms: i64,
    pub created: bool,
    /// `BATCH_IMPORT_FINDINGS` or `BATCH_UPDATE_FINDINGS`.
    pub source_type: String,
    pub identity: String,
    pub updates: Vec<FieldChange>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A custom insight; `filters` is `AwsSecurityFindingFilters` in wire form.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Insight {
    pub arn: String,
    pub name: String,
    pub filters: Value,
    pub group_by: String,
}

/// A cross-region finding aggregator (home region = the hub's region).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Aggregator {
    pub arn: String,
    pub mode: String,
    pub regions: Vec<String>,
}

/// Findings are identified by product ARN and id together.
pub fn finding_key(product_arn: &str, id: &str) -> String {
    format!("{product_arn}|{id}")
}

impl SecurityHubState {
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

    pub fn hub(&self, region: &str, account: &str) -> Option<&Hub> {
        self.account(region, account)?.hub.as_ref()
    }

    /// The hub of an account checked to have one.
    pub fn hub_mut(&mut self, region: &str, account: &str) -> &mut Hub {
        self.account_mut(region, account)
            .hub
            .as_mut()
            .expect("hub checked before mutation")
    }

    pub fn administrator_of(&self, region: &str, account: &str) -> Option<&str> {
        self.account(region, account)?.administrator.as_deref()
    }
}

/// An automation rule: `criteria` is `AutomationRulesFindingFilters` and `actions`
/// the `Actions` list, both in wire form and validated when written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AutomationRule {
    pub arn: String,
    pub name: String,
    pub description: String,
    pub order: i64,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    pub is_terminal: bool,
    pub criteria: Value,
    pub actions: Value,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub created_by: String,
    pub tags: BTreeMap<String, String>,
}

/// A V2 automation rule (OCSF `Criteria`), kept as written.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AutomationRuleV2 {
    pub arn: String,
    pub id: String,
    pub name: String,
    pub description: String,
    pub order: f64,
    pub status: String,
    pub criteria: Value,
    pub actions: Value,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub tags: BTreeMap<String, String>,
}

/// A custom action (EventBridge target for findings).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActionTarget {
    pub arn: String,
    pub name: String,
    pub description: String,
}

/// A central configuration policy; `policy` is the `ConfigurationPolicy` union in
/// wire form (`{"SecurityHub": {...}}`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConfigPolicy {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    pub policy: Value,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub tags: BTreeMap<String, String>,
}

/// What an administrator applied to a target: a policy id or
/// `SELF_MANAGED_SECURITY_HUB`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AppliedAssociation {
    pub configuration: String,
    /// `ACCOUNT`, `ORGANIZATIONAL_UNIT` or `ROOT`.
    pub target_type: String,
    pub updated_ms: i64,
    /// The request that made it: `PENDING` during it, `SUCCESS` after.
    pub requested_at: u64,
}

/// A Jira Cloud or ServiceNow connector (V2).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Connector {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    pub provider: Value,
    pub kms_key_arn: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub registered: bool,
    pub tags: BTreeMap<String, String>,
    /// Tickets opened through it: finding metadata uid → ticket id.
    pub tickets: BTreeMap<String, String>,
}
