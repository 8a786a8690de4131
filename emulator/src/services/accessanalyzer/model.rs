//! Access Analyzer's state: analyzers per (region, account), each with its archive
//! rules and the findings it has reported; access previews and policy generations.
//! Findings are not written by hand: `sync` recomputes them from the world.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything Access Analyzer holds.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccessAnalyzerState {
    /// `<region>/<account>/<name>` → analyzer.
    pub analyzers: OrdMap<String, Analyzer>,
    /// Access previews by id.
    pub previews: OrdMap<String, AccessPreview>,
    /// Policy generation jobs by id.
    pub generations: OrdMap<String, PolicyGeneration>,
}

pub fn analyzer_key(region: &str, account: &str, name: &str) -> String {
    format!("{region}/{account}/{name}")
}

impl AccessAnalyzerState {
    pub fn analyzer(&self, region: &str, account: &str, name: &str) -> Option<&Analyzer> {
        self.analyzers.get(&analyzer_key(region, account, name))
    }

    /// The analyzer with this ARN, if it is the caller's.
    pub fn by_arn(&self, arn: &str) -> Option<&Analyzer> {
        let (region, account, name) = parse_analyzer_arn(arn)?;
        self.analyzer(region, account, name)
    }

    /// The caller's analyzers in a region, by name.
    pub fn analyzers_of<'s>(
        &'s self,
        region: &str,
        account: &str,
    ) -> impl Iterator<Item = &'s Analyzer> + 's {
        let prefix = format!("{region}/{account}/");
        self.analyzers
            .range(prefix.clone()..)
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(_, a)| a)
    }
}

/// `arn:aws:access-analyzer:<region>:<account>:analyzer/<name>` → its parts.
pub fn parse_analyzer_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:access-analyzer:")?;
    let mut parts = rest.splitn(3, ':');
    let region = parts.next()?;
    let account = parts.next()?;
    let name = parts.next()?.strip_prefix("analyzer/")?;
    (!region.is_empty() && !account.is_empty() && !name.is_empty())
        .then_some((region, account, name))
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Analyzer {
    pub name: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, …
    pub kind: String,
    pub created_ms: i64,
    pub tags: BTreeMap<String, String>,
    /// `ACTIVE` or `DISABLED` (orgsim creates analyzers at once).
    pub status: String,
    /// Why a `DISABLED` analyzer is: `AWS_SERVICE_ACCESS_DISABLED`, …
    pub status_reason: Option<String>,
    /// `AnalyzerConfiguration` as written (unused-access age and exclusions).
    pub configuration: Option<Value>,
    pub last_resource_analyzed: Option<String>,
    pub last_resource_analyzed_ms: Option<i64>,
    pub archive_rules: BTreeMap<String, ArchiveRule>,
    /// Findings by id.
    pub findings: OrdMap<String, Finding>,
    /// What a finding is about (resource, principal, condition) → its id.
    pub finding_ids: OrdMap<String, String>,
}

impl Analyzer {
    pub fn is_organization(&self) -> bool {
        self.kind.starts_with("ORGANIZATION")
    }

    pub fn is_unused_access(&self) -> bool {
        self.kind.ends_with("_UNUSED_ACCESS")
    }

    pub fn is_external_access(&self) -> bool {
        self.kind == "ACCOUNT" || self.kind == "ORGANIZATION"
    }
}

/// An archive rule: a filter over finding fields.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ArchiveRule {
    pub name: String,
    pub filter: BTreeMap<String, Criterion>,
    pub created_ms: i64,
    pub updated_ms: i64,
}

/// One filter criterion (`eq`, `neq`, `contains`, `exists`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Criterion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contains: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

/// A finding as the analyzer reported it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub id: String,
    pub resource: String,
    /// `AWS::IAM::Role`, `AWS::S3::Bucket`, `AWS::IAM::User`.
    pub resource_type: String,
    pub resource_owner_account: String,
    /// `ExternalAccess`, `UnusedIAMRole`, `UnusedIAMUserPassword`, `UnusedIAMUserAccessKey`.
    pub finding_type: String,
    pub principal: BTreeMap<String, String>,
    pub action: Vec<String>,
    pub condition: BTreeMap<String, String>,
    pub is_public: bool,
    /// `POLICY` for policy-based access.
    pub sources: Vec<String>,
    /// For unused-access findings: the details member as AWS writes it.
    pub details: Option<Value>,
    /// `ACTIVE`, `ARCHIVED` or `RESOLVED`.
    pub status: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub analyzed_ms: i64,
}

/// An access preview: the findings proposed policies would give.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessPreview {
    pub id: String,
    pub analyzer_arn: String,
    pub configurations: Value,
    pub created_ms: i64,
    /// `COMPLETED` or `FAILED`.
    pub status: String,
    pub status_reason: Option<String>,
    pub findings: Vec<PreviewFinding>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PreviewFinding {
    pub id: String,
    pub existing_finding_id: Option<String>,
    pub existing_finding_status: Option<String>,
    pub finding: Finding,
    /// `NEW`, `UNCHANGED` or `CHANGED`.
    pub change_type: String,
}

/// A policy generation job.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PolicyGeneration {
    pub job_id: String,
    pub account: String,
    pub principal_arn: String,
    /// `SUCCEEDED` or `CANCELED`.
    pub status: String,
    pub started_ms: i64,
    pub completed_ms: Option<i64>,
    /// The actions the generated policy grants, by service.
    pub actions: Vec<String>,
    pub trail_arns: Vec<String>,
}
