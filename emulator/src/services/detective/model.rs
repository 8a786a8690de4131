//! Detective state: per region, each account's behavior graph (an account administers
//! at most one per region) with its members, data source packages and investigations,
//! and each organization's Detective administrator.

use imbl::{OrdMap, OrdSet};
use serde::{Deserialize, Serialize};

use crate::services::org_integration::OrgAdmins;

/// Every region's Detective.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DetectiveState {
    pub regions: OrdMap<String, RegionState>,
    /// Invited members whose email verification finishes at a later request:
    /// (region, administrator, member).
    pub verifying: OrdSet<(String, String, String)>,
}

/// Detective in one region.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RegionState {
    /// Behavior graphs by administrator account.
    pub graphs: OrdMap<String, Graph>,
    /// Detective administrator of each organization: org id → account.
    pub org_admins: OrgAdmins,
    /// When each organization's administrator was designated: org id → ms.
    pub delegated_ms: OrdMap<String, i64>,
}

/// A behavior graph.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Graph {
    /// 32 lower-case hex digits.
    pub id: String,
    pub account_id: String,
    pub region: String,
    pub created_ms: i64,
    pub tags: OrdMap<String, String>,
    /// `AutoEnable` of the organization configuration (organization graphs only).
    pub auto_enable: bool,
    /// Data source packages the graph ingests, with their state history.
    pub packages: OrdMap<Package, PackageHistory>,
    /// Member accounts by id (the administrator itself is not one).
    pub members: OrdMap<String, Member>,
    pub investigations: OrdMap<String, Investigation>,
}

impl Graph {
    pub fn arn(&self) -> String {
        graph_arn(&self.region, &self.account_id, &self.id)
    }

    /// Whether the graph ingests `package`.
    pub fn started(&self, package: Package) -> bool {
        self.packages
            .get(&package)
            .is_some_and(|p| p.state == IngestState::Started)
    }
}

pub fn graph_arn(region: &str, account: &str, id: &str) -> String {
    format!("arn:aws:detective:{region}:{account}:graph:{id}")
}

/// `DatasourcePackage`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Package {
    #[serde(rename = "DETECTIVE_CORE")]
    DetectiveCore,
    #[serde(rename = "EKS_AUDIT")]
    EksAudit,
    #[serde(rename = "ASFF_SECURITYHUB_FINDING")]
    AsffSecurityHubFinding,
}

impl Package {
    pub const ALL: [Package; 3] = [
        Package::DetectiveCore,
        Package::EksAudit,
        Package::AsffSecurityHubFinding,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            Package::DetectiveCore => "DETECTIVE_CORE",
            Package::EksAudit => "EKS_AUDIT",
            Package::AsffSecurityHubFinding => "ASFF_SECURITYHUB_FINDING",
        }
    }
}

/// `DatasourcePackageIngestState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IngestState {
    #[serde(rename = "STARTED")]
    Started,
    #[serde(rename = "STOPPED")]
    Stopped,
    #[serde(rename = "DISABLED")]
    Disabled,
}

impl IngestState {
    pub fn wire(self) -> &'static str {
        match self {
            IngestState::Started => "STARTED",
            IngestState::Stopped => "STOPPED",
            IngestState::Disabled => "DISABLED",
        }
    }
}

/// A package's current state and when it last entered each state.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PackageHistory {
    pub state: IngestState,
    pub changed_ms: OrdMap<IngestState, i64>,
}

impl PackageHistory {
    pub fn started(now_ms: i64) -> Self {
        PackageHistory {
            state: IngestState::Started,
            changed_ms: OrdMap::unit(IngestState::Started, now_ms),
        }
    }
}

/// `MemberStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberStatus {
    #[serde(rename = "INVITED")]
    Invited,
    #[serde(rename = "VERIFICATION_IN_PROGRESS")]
    VerificationInProgress,
    #[serde(rename = "VERIFICATION_FAILED")]
    VerificationFailed,
    #[serde(rename = "ENABLED")]
    Enabled,
    #[serde(rename = "ACCEPTED_BUT_DISABLED")]
    AcceptedButDisabled,
}

impl MemberStatus {
    pub fn wire(self) -> &'static str {
        match self {
            MemberStatus::Invited => "INVITED",
            MemberStatus::VerificationInProgress => "VERIFICATION_IN_PROGRESS",
            MemberStatus::VerificationFailed => "VERIFICATION_FAILED",
            MemberStatus::Enabled => "ENABLED",
            MemberStatus::AcceptedButDisabled => "ACCEPTED_BUT_DISABLED",
        }
    }

    /// Accepted (or enabled by the organization): contributing or held back.
    pub fn accepted(self) -> bool {
        matches!(
            self,
            MemberStatus::Enabled | MemberStatus::AcceptedButDisabled
        )
    }
}

/// `MemberDisabledReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisabledReason {
    #[serde(rename = "VOLUME_TOO_HIGH")]
    VolumeTooHigh,
    #[serde(rename = "VOLUME_UNKNOWN")]
    VolumeUnknown,
}

impl DisabledReason {
    pub fn wire(self) -> &'static str {
        match self {
            DisabledReason::VolumeTooHigh => "VOLUME_TOO_HIGH",
            DisabledReason::VolumeUnknown => "VOLUME_UNKNOWN",
        }
    }
}

/// `InvitationType`: invited, or an organization account enabled by the
/// organization's Detective administrator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationType {
    #[serde(rename = "INVITATION")]
    Invitation,
    #[serde(rename = "ORGANIZATION")]
    Organization,
}

impl InvitationType {
    pub fn wire(self) -> &'static str {
        match self {
            InvitationType::Invitation => "INVITATION",
            InvitationType::Organization => "ORGANIZATION",
        }
    }
}

/// An account as the graph's administrator records it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    pub account_id: String,
    pub email: String,
    pub status: MemberStatus,
    pub disabled_reason: Option<DisabledReason>,
    pub invitation_type: InvitationType,
    pub invited_ms: i64,
    pub updated_ms: i64,
    /// The request after which an invitation's email verification ends.
    pub verify_after_request: u64,
    /// When the member's data began or stopped flowing into each package.
    pub packages: OrdMap<Package, PackageHistory>,
}

/// `Severity` of an investigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    #[serde(rename = "INFORMATIONAL")]
    Informational,
    #[serde(rename = "LOW")]
    Low,
    #[serde(rename = "MEDIUM")]
    Medium,
    #[serde(rename = "HIGH")]
    High,
    #[serde(rename = "CRITICAL")]
    Critical,
}

impl Severity {
    pub fn wire(self) -> &'static str {
        match self {
            Severity::Informational => "INFORMATIONAL",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// A Detective investigation of an IAM user or role.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Investigation {
    /// 21 digits.
    pub id: String,
    pub entity_arn: String,
    /// `IAM_ROLE` or `IAM_USER`.
    pub entity_type: String,
    pub created_ms: i64,
    pub scope_start_ms: i64,
    pub scope_end_ms: i64,
    /// The request that started it: `RUNNING` during it, then done.
    pub started_request: u64,
    /// `SUCCESSFUL`, or `FAILED` when the entity does not exist.
    pub outcome: String,
    pub severity: Severity,
    /// `ACTIVE` or `ARCHIVED`.
    pub state: String,
    /// `RELATED_FINDING` indicators: (finding ARN, finding type).
    pub related_findings: Vec<(String, String)>,
}

impl DetectiveState {
    pub fn region(&self, region: &str) -> Option<&RegionState> {
        self.regions.get(region)
    }

    pub fn region_mut(&mut self, region: &str) -> &mut RegionState {
        self.regions.entry(region.to_string()).or_default()
    }

    /// The graph `account` administers in `region`.
    pub fn graph(&self, region: &str, account: &str) -> Option<&Graph> {
        self.region(region)?.graphs.get(account)
    }

    /// The graph of an administrator checked to have one.
    pub fn graph_mut(&mut self, region: &str, account: &str) -> &mut Graph {
        self.region_mut(region)
            .graphs
            .get_mut(account)
            .expect("graph checked before mutation")
    }
}
