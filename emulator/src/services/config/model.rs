//! AWS Config state: per region, per account — the recorder, the delivery channel, the
//! account's own rules, aggregators and the authorizations it granted — and, per region,
//! each organization's organization rules. Compliance is not stored: it is computed
//! from the world when asked (`managed_rules`), so it is always current.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Every region's Config.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ConfigState {
    pub regions: OrdMap<String, RegionState>,
    /// Tags of every taggable Config resource, by ARN.
    #[serde(default)]
    pub tags: OrdMap<String, OrdMap<String, String>>,
}

/// Config in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionState {
    pub accounts: OrdMap<String, AccountState>,
    /// Organization rules by organization id, then by rule name.
    pub organization_rules: OrdMap<String, OrdMap<String, OrganizationRule>>,
    /// Organization conformance packs by organization id, then by pack name.
    #[serde(default)]
    pub organization_conformance_packs: OrdMap<String, OrdMap<String, OrganizationConformancePack>>,
}

/// One account in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountState {
    pub recorder: Option<Recorder>,
    pub delivery_channel: Option<Value>,
    pub rules: OrdMap<String, ConfigRule>,
    pub aggregators: OrdMap<String, Aggregator>,
    /// Authorizations this account granted, keyed `account/region` of the aggregator.
    pub authorizations: OrdMap<String, Authorization>,
    #[serde(default)]
    pub conformance_packs: OrdMap<String, ConformancePack>,
    /// `RetentionPeriodInDays` of the one retention configuration, `default`.
    #[serde(default)]
    pub retention_days: Option<i64>,
    #[serde(default)]
    pub stored_queries: OrdMap<String, StoredQuery>,
    /// `RemediationConfiguration`s in wire form, by rule name.
    #[serde(default)]
    pub remediations: OrdMap<String, Value>,
    /// Remediation exceptions keyed `rule/resourceType/resourceId`.
    #[serde(default)]
    pub remediation_exceptions: OrdMap<String, RemediationException>,
    /// Remediation executions keyed `rule/resourceType/resourceId` (the latest one).
    #[serde(default)]
    pub remediation_executions: OrdMap<String, RemediationExecution>,
    /// Third-party resources recorded with `PutResourceConfig`, keyed `type/id`.
    #[serde(default)]
    pub custom_resources: OrdMap<String, CustomResource>,
    /// Rules whose evaluation results `DeleteEvaluationResults` cleared, and when: their
    /// results before that are gone until the rule is evaluated again.
    #[serde(default)]
    pub results_deleted_ms: OrdMap<String, i64>,
    /// When the delivery channel last delivered a snapshot, and the snapshot count.
    #[serde(default)]
    pub last_snapshot_ms: Option<i64>,
    #[serde(default)]
    pub snapshots_delivered: u64,
    /// Why the last snapshot could not be written, if it could not.
    #[serde(default)]
    pub last_snapshot_error: Option<(String, String)>,
    /// Aggregation requests this account dismissed (`DeletePendingAggregationRequest`),
    /// keyed `requester/region`, and when: an aggregator updated later asks again.
    #[serde(default)]
    pub dismissed_requests: OrdMap<String, i64>,
}

/// A saved advanced query.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredQuery {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: Option<String>,
    pub expression: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemediationException {
    pub rule: String,
    pub resource_type: String,
    pub resource_id: String,
    pub message: Option<String>,
    /// Epoch seconds, as given.
    pub expiration: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RemediationExecution {
    pub rule: String,
    pub resource_type: String,
    pub resource_id: String,
    pub invoked_ms: i64,
    /// The request that started it: it is QUEUED until a later request.
    pub requested_in: u64,
}

/// A resource `PutResourceConfig` recorded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CustomResource {
    pub resource_type: String,
    pub resource_id: String,
    pub resource_name: Option<String>,
    pub schema_version_id: String,
    pub configuration: String,
    pub tags: OrdMap<String, String>,
    pub recorded_ms: i64,
}

/// The customer-managed configuration recorder.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recorder {
    pub name: String,
    pub role_arn: String,
    /// `recordingGroup` and `recordingMode` in wire form, as given (or AWS's default).
    pub recording_group: Value,
    pub recording_mode: Option<Value>,
    pub recording: bool,
    pub last_start_ms: Option<i64>,
    pub last_stop_ms: Option<i64>,
}

/// A rule the account created itself.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConfigRule {
    pub name: String,
    pub id: String,
    pub arn: String,
    pub description: Option<String>,
    /// `Source` (Owner, SourceIdentifier, …) and `Scope` in wire form.
    pub source: Value,
    pub scope: Option<Value>,
    pub input_parameters: Option<String>,
    pub maximum_execution_frequency: Option<String>,
    pub created_ms: i64,
    /// Results sent with `PutEvaluations`, keyed `resourceType/resourceId`.
    pub evaluations: OrdMap<String, StoredEvaluation>,
    /// When `StartConfigRulesEvaluation` last asked for a run.
    pub last_run_requested_ms: Option<i64>,
}

/// One `Evaluation` as `PutEvaluations` delivered it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StoredEvaluation {
    pub resource_type: String,
    pub resource_id: String,
    pub compliance_type: String,
    pub annotation: Option<String>,
    pub ordering_ms: i64,
    pub recorded_ms: i64,
}

/// A configuration aggregator.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Aggregator {
    pub name: String,
    pub arn: String,
    pub account_sources: Vec<AccountSource>,
    pub organization_source: Option<OrganizationSource>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountSource {
    pub account_ids: Vec<String>,
    pub all_regions: bool,
    pub regions: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrganizationSource {
    pub role_arn: String,
    pub all_regions: bool,
    pub regions: Vec<String>,
}

/// Permission for an aggregator in (`account`, `region`) to collect this account's data.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Authorization {
    pub arn: String,
    pub account: String,
    pub region: String,
    pub created_ms: i64,
}

/// A rule the organization's management account or delegated administrator deploys to
/// every member; member accounts see it as `member_rule_name`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrganizationRule {
    pub name: String,
    pub arn: String,
    /// `OrganizationManagedRuleMetadata` (or the custom variants) in wire form.
    pub managed: Option<Value>,
    pub custom: Option<Value>,
    pub custom_policy: Option<Value>,
    pub excluded_accounts: Vec<String>,
    pub member_rule_name: String,
    /// `ConfigRuleId` of the rule in every member (one id for all: orgsim's choice).
    pub member_rule_id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl OrganizationRule {
    /// The managed rule identifier, for managed organization rules.
    pub fn rule_identifier(&self) -> Option<&str> {
        self.managed.as_ref()?.get("RuleIdentifier")?.as_str()
    }

    pub fn input_parameters(&self) -> Option<&str> {
        let metadata = self.managed.as_ref().or(self.custom.as_ref())?;
        metadata.get("InputParameters")?.as_str()
    }
}

/// A conformance pack: managed rules deployed together from one template.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ConformancePack {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub rules: Vec<PackRule>,
    pub delivery_s3_bucket: Option<String>,
    pub delivery_s3_key_prefix: Option<String>,
    /// `ConformancePackInputParameters` in wire form.
    pub input_parameters: Vec<Value>,
    /// `config-multiaccountsetup.amazonaws.com` for packs an organization pack deploys.
    pub created_by: Option<String>,
    pub requested_ms: i64,
    /// The request that created or updated it: the pack is in progress until a later one.
    pub requested_in: u64,
    pub updated: bool,
}

/// A rule of a conformance pack as it is deployed (`<rule>-conformance-pack-<suffix>`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PackRule {
    /// The `ConfigRuleName` the template gave.
    pub template_name: String,
    pub name: String,
    pub id: String,
    pub description: Option<String>,
    pub source: Value,
    pub scope: Option<Value>,
    pub input_parameters: Option<String>,
    pub maximum_execution_frequency: Option<String>,
}

/// A conformance pack the organization's management account or delegated administrator
/// deploys to every member; members see it as `member_pack` (under their own ARN).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrganizationConformancePack {
    pub name: String,
    pub arn: String,
    pub excluded_accounts: Vec<String>,
    /// The pack as every member holds it; its `arn` names the account as `{account}`.
    pub member_pack: ConformancePack,
    pub created_ms: i64,
    pub updated_ms: i64,
}

impl ConfigState {
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

    pub fn recorder(&self, region: &str, account: &str) -> Option<&Recorder> {
        self.account(region, account)?.recorder.as_ref()
    }

    pub fn organization_rules(
        &self,
        region: &str,
        org_id: &str,
    ) -> Option<&OrdMap<String, OrganizationRule>> {
        self.regions.get(region)?.organization_rules.get(org_id)
    }

    pub fn organization_conformance_packs(
        &self,
        region: &str,
        org_id: &str,
    ) -> Option<&OrdMap<String, OrganizationConformancePack>> {
        self.regions
            .get(region)?
            .organization_conformance_packs
            .get(org_id)
    }

    pub fn organization_conformance_packs_mut(
        &mut self,
        region: &str,
        org_id: &str,
    ) -> &mut OrdMap<String, OrganizationConformancePack> {
        self.regions
            .entry(region.to_string())
            .or_default()
            .organization_conformance_packs
            .entry(org_id.to_string())
            .or_default()
    }

    pub fn organization_rules_mut(
        &mut self,
        region: &str,
        org_id: &str,
    ) -> &mut OrdMap<String, OrganizationRule> {
        self.regions
            .entry(region.to_string())
            .or_default()
            .organization_rules
            .entry(org_id.to_string())
            .or_default()
    }
}
