//! Protection plans (features) and the legacy data sources that mirror them, as
//! detectors take them in and report them.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::errors::GdError;
use super::model::{Detector, FeatureState};
use crate::world::epoch_seconds;

/// `DetectorFeature` values a request may name.
const DETECTOR_FEATURES: &[&str] = &[
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
    "AI_PROTECTION",
    "AI_ANALYST",
];

/// `OrgFeature` values.
pub const ORG_FEATURES: &[&str] = &[
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "LAMBDA_NETWORK_LOGS",
    "EKS_RUNTIME_MONITORING",
    "RUNTIME_MONITORING",
    "AI_PROTECTION",
];

const ADDITIONAL: &[&str] = &[
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
    "RDS_DATA_RISK",
];

/// What a new detector reports: the foundational sources and every optional protection
/// plan on (AI Protection included), except Runtime Monitoring and its EKS-only form
/// (CreateDetector's documentation; CATALOG §5).
const DEFAULTS: &[(&str, bool, &[&str])] = &[
    ("CLOUD_TRAIL", true, &[]),
    ("DNS_LOGS", true, &[]),
    ("FLOW_LOGS", true, &[]),
    ("S3_DATA_EVENTS", true, &[]),
    ("EKS_AUDIT_LOGS", true, &[]),
    ("EBS_MALWARE_PROTECTION", true, &[]),
    ("RDS_LOGIN_EVENTS", true, &[]),
    ("LAMBDA_NETWORK_LOGS", true, &[]),
    ("AI_PROTECTION", true, &[]),
    // The EKS-only predecessor of Runtime Monitoring, still reported, off like it.
    ("EKS_RUNTIME_MONITORING", false, &["EKS_ADDON_MANAGEMENT"]),
    (
        "RUNTIME_MONITORING",
        false,
        &[
            "EKS_ADDON_MANAGEMENT",
            "ECS_FARGATE_AGENT_MANAGEMENT",
            "EC2_AGENT_MANAGEMENT",
        ],
    ),
];

/// Foundational data sources every detector has; they cannot be switched off.
pub const FOUNDATIONAL: &[&str] = &["CLOUD_TRAIL", "DNS_LOGS", "FLOW_LOGS"];

pub fn default_features(now: i64) -> OrdMap<String, FeatureState> {
    DEFAULTS
        .iter()
        .map(|(name, enabled, additional)| {
            (
                name.to_string(),
                FeatureState {
                    enabled: *enabled,
                    updated_ms: now,
                    additional: additional.iter().map(|a| (a.to_string(), false)).collect(),
                },
            )
        })
        .collect()
}

/// `DetectorFeatureConfiguration` / `MemberFeaturesConfiguration`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureInput {
    pub name: Option<String>,
    pub status: Option<String>,
    pub additional_configuration: Option<Vec<AdditionalInput>>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalInput {
    pub name: Option<String>,
    pub status: Option<String>,
}

/// `DataSourceConfigurations` (legacy switches for three protection plans).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSourcesInput {
    pub s3_logs: Option<Enable>,
    pub kubernetes: Option<KubernetesInput>,
    pub malware_protection: Option<MalwareInput>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Enable {
    pub enable: bool,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubernetesInput {
    pub audit_logs: Enable,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MalwareInput {
    pub scan_ec2_instance_with_findings: Option<ScanInput>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanInput {
    pub ebs_volumes: Option<bool>,
}

fn status_enabled(status: &Option<String>, member: &str) -> Result<Option<bool>, GdError> {
    match status.as_deref() {
        None => Ok(None),
        Some("ENABLED") => Ok(Some(true)),
        Some("DISABLED") => Ok(Some(false)),
        Some(_) => Err(GdError::invalid_parameter(member)),
    }
}

/// Feature switches checked against the model: (name, enabled, additional switches).
pub type FeatureChange = (String, Option<bool>, Vec<(String, bool)>);

/// Checks `features` (and `dataSources`) and turns them into switches.
/// `org_only`: member detectors take `OrgFeature` names only.
pub fn parse_changes(
    features: &Option<Vec<FeatureInput>>,
    data_sources: &Option<DataSourcesInput>,
    org_only: bool,
) -> Result<Vec<FeatureChange>, GdError> {
    let allowed = if org_only {
        ORG_FEATURES
    } else {
        DETECTOR_FEATURES
    };
    let mut changes = Vec::new();
    if let Some(ds) = data_sources {
        if let Some(s3) = &ds.s3_logs {
            changes.push(("S3_DATA_EVENTS".to_string(), Some(s3.enable), vec![]));
        }
        if let Some(k8s) = &ds.kubernetes {
            changes.push((
                "EKS_AUDIT_LOGS".to_string(),
                Some(k8s.audit_logs.enable),
                vec![],
            ));
        }
        if let Some(ebs) = ds
            .malware_protection
            .as_ref()
            .and_then(|m| m.scan_ec2_instance_with_findings.as_ref())
            .and_then(|s| s.ebs_volumes)
        {
            changes.push(("EBS_MALWARE_PROTECTION".to_string(), Some(ebs), vec![]));
        }
    }
    let names: Vec<&str> = features
        .iter()
        .flatten()
        .filter_map(|f| f.name.as_deref())
        .collect();
    if names.contains(&"EKS_RUNTIME_MONITORING") && names.contains(&"RUNTIME_MONITORING") {
        return Err(GdError::bad(
            "The request is rejected because EKS_RUNTIME_MONITORING and RUNTIME_MONITORING cannot be specified together.",
        ));
    }
    for feature in features.iter().flatten() {
        let name = feature
            .name
            .as_deref()
            .filter(|n| allowed.contains(n))
            .ok_or_else(|| GdError::invalid_parameter("features.name"))?;
        let enabled = status_enabled(&feature.status, "features.status")?;
        let mut additional = Vec::new();
        for extra in feature.additional_configuration.iter().flatten() {
            let extra_name = extra
                .name
                .as_deref()
                .filter(|n| ADDITIONAL.contains(n))
                .ok_or_else(|| GdError::invalid_parameter("additionalConfiguration.name"))?;
            if let Some(on) = status_enabled(&extra.status, "additionalConfiguration.status")? {
                additional.push((extra_name.to_string(), on));
            }
        }
        changes.push((name.to_string(), enabled, additional));
    }
    Ok(changes)
}

/// Applies checked switches to a detector.
pub fn apply_changes(detector: &mut Detector, changes: &[FeatureChange], now: i64) {
    for (name, enabled, additional) in changes {
        let state = detector
            .features
            .entry(name.clone())
            .or_insert_with(|| FeatureState {
                enabled: false,
                updated_ms: now,
                additional: OrdMap::new(),
            });
        if let Some(on) = enabled {
            state.enabled = *on;
        }
        for (extra, on) in additional {
            state.additional.insert(extra.clone(), *on);
        }
        state.updated_ms = now;
    }
}

fn status(enabled: bool) -> &'static str {
    if enabled {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

/// `DetectorFeatureConfigurationResult` / `MemberFeaturesConfigurationResult`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeatureResult {
    pub name: String,
    pub status: &'static str,
    pub updated_at: f64,
    pub additional_configuration: Vec<AdditionalResult>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalResult {
    pub name: String,
    pub status: &'static str,
    pub updated_at: f64,
}

/// The detector's features as `GetDetector` (all) or `GetMemberDetectors`
/// (`org_only`: organization features) report them.
pub fn feature_results(detector: &Detector, org_only: bool) -> Vec<FeatureResult> {
    detector
        .features
        .iter()
        .filter(|(name, _)| !org_only || ORG_FEATURES.contains(&name.as_str()))
        .map(|(name, state)| FeatureResult {
            name: name.clone(),
            status: status(state.enabled),
            updated_at: epoch_seconds(state.updated_ms),
            additional_configuration: state
                .additional
                .iter()
                .map(|(extra, on)| AdditionalResult {
                    name: extra.clone(),
                    status: status(*on),
                    updated_at: epoch_seconds(state.updated_ms),
                })
                .collect(),
        })
        .collect()
}

/// `DataSourceConfigurationsResult`: the legacy view of the same switches.
pub fn data_sources_result(detector: &Detector) -> serde_json::Value {
    let on = |name: &str| status(detector.enabled && detector.feature_enabled(name));
    serde_json::json!({
        "cloudTrail": {"status": on("CLOUD_TRAIL")},
        "dnsLogs": {"status": on("DNS_LOGS")},
        "flowLogs": {"status": on("FLOW_LOGS")},
        "s3Logs": {"status": on("S3_DATA_EVENTS")},
        "kubernetes": {"auditLogs": {"status": on("EKS_AUDIT_LOGS")}},
        "malwareProtection": {
            "scanEc2InstanceWithFindings": {"ebsVolumes": {"status": on("EBS_MALWARE_PROTECTION")}},
            "serviceRole": format!(
                "arn:aws:iam::{}:role/aws-service-role/malware-protection.guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDutyMalwareProtection",
                detector.account_id
            ),
        },
    })
}
