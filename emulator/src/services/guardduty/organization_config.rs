//! Organization configuration of the delegated administrator (auto-enable of
//! accounts and protection plans) and its statistics. Enrolling accounts and
//! following Organizations events are the shared `org_integration`'s.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::admin::administered_org;
use super::errors::GdError;
use super::features::ORG_FEATURES;
use super::model::{AutoEnable, MemberRecord, OrgConfig, OrgFeatureSetting, Relationship};
use super::organizations_link::GuardDuty;
use super::{own_detector, Empty};
use crate::auth::Caller;
use crate::services::org_integration::{self, Enrollment};
use crate::world::{epoch_seconds, World};

const RUNTIME_ADDITIONAL: &[&str] = &[
    "EKS_ADDON_MANAGEMENT",
    "ECS_FARGATE_AGENT_MANAGEMENT",
    "EC2_AGENT_MANAGEMENT",
];

/// The organization the caller administers through `detector_id`.
fn admin_org(world: &World, caller: &Caller, detector_id: &str) -> Result<String, GdError> {
    own_detector(world, caller, detector_id)?;
    administered_org(world, &caller.region, &caller.account_id).ok_or_else(|| {
        GdError::bad(
            "The request is rejected because the current account is not the delegated administrator of the organization in this Region.",
        )
    })
}

/// Organization feature settings on a member's detector: a new detector takes NEW and
/// ALL plans on and NONE plans off; an existing one changes only for ALL. Plans the
/// administrator never configured keep GuardDuty's defaults (AWS's docs are silent).
pub(super) fn apply_org_features(
    world: &mut World,
    region: &str,
    account: &str,
    settings: &OrdMap<String, OrgFeatureSetting>,
    is_new: bool,
    now: i64,
) {
    let detector = world.guardduty.detector_mut(region, account);
    let decide = |mode: AutoEnable| match mode {
        AutoEnable::All => Some(true),
        AutoEnable::New if is_new => Some(true),
        AutoEnable::None if is_new => Some(false),
        _ => None,
    };
    for (name, setting) in settings.iter() {
        let state =
            detector
                .features
                .entry(name.clone())
                .or_insert_with(|| super::model::FeatureState {
                    enabled: false,
                    updated_ms: now,
                    additional: OrdMap::new(),
                });
        if let Some(on) = decide(setting.auto_enable) {
            state.enabled = on;
            state.updated_ms = now;
        }
        for (extra, mode) in setting.additional.iter() {
            if let Some(on) = decide(*mode) {
                state.additional.insert(extra.clone(), on);
            }
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AutoEnableFlag {
    #[serde(rename = "autoEnable")]
    pub auto_enable: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgDataSourcesInput {
    pub s3_logs: Option<AutoEnableFlag>,
    pub kubernetes: Option<OrgKubernetesInput>,
    pub malware_protection: Option<OrgMalwareInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgKubernetesInput {
    pub audit_logs: AutoEnableFlag,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgMalwareInput {
    pub scan_ec2_instance_with_findings: Option<OrgScanInput>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgScanInput {
    pub ebs_volumes: Option<AutoEnableFlag>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgFeatureInput {
    pub name: Option<String>,
    pub auto_enable: Option<AutoEnable>,
    pub additional_configuration: Option<Vec<OrgAdditionalInput>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAdditionalInput {
    pub name: Option<String>,
    pub auto_enable: Option<AutoEnable>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrganizationConfigurationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub auto_enable: Option<bool>,
    pub data_sources: Option<OrgDataSourcesInput>,
    pub features: Option<Vec<OrgFeatureInput>>,
    pub auto_enable_organization_members: Option<AutoEnable>,
}

fn flag(on: bool) -> AutoEnable {
    if on {
        AutoEnable::New
    } else {
        AutoEnable::None
    }
}

/// One organization feature setting: name, auto-enable, additional configuration.
type OrgFeatureChange = (String, Option<AutoEnable>, Vec<(String, AutoEnable)>);

/// The feature settings a request asks for, checked against the model.
fn requested_features(
    input: &UpdateOrganizationConfigurationInput,
) -> Result<Vec<OrgFeatureChange>, GdError> {
    let mut out = Vec::new();
    if let Some(ds) = &input.data_sources {
        if let Some(s3) = &ds.s3_logs {
            out.push((
                "S3_DATA_EVENTS".to_string(),
                Some(flag(s3.auto_enable)),
                vec![],
            ));
        }
        if let Some(k8s) = &ds.kubernetes {
            out.push((
                "EKS_AUDIT_LOGS".to_string(),
                Some(flag(k8s.audit_logs.auto_enable)),
                vec![],
            ));
        }
        if let Some(ebs) = ds
            .malware_protection
            .as_ref()
            .and_then(|m| m.scan_ec2_instance_with_findings.as_ref())
            .and_then(|s| s.ebs_volumes.as_ref())
        {
            out.push((
                "EBS_MALWARE_PROTECTION".to_string(),
                Some(flag(ebs.auto_enable)),
                vec![],
            ));
        }
    }
    for feature in input.features.iter().flatten() {
        let name = feature
            .name
            .as_deref()
            .filter(|n| ORG_FEATURES.contains(n))
            .ok_or_else(|| GdError::invalid_parameter("features.name"))?;
        let mut additional = Vec::new();
        for extra in feature.additional_configuration.iter().flatten() {
            let extra_name = extra
                .name
                .as_deref()
                .filter(|n| RUNTIME_ADDITIONAL.contains(n) || *n == "RDS_DATA_RISK")
                .ok_or_else(|| GdError::invalid_parameter("additionalConfiguration.name"))?;
            if let Some(mode) = extra.auto_enable {
                additional.push((extra_name.to_string(), mode));
            }
        }
        out.push((name.to_string(), feature.auto_enable, additional));
    }
    Ok(out)
}

pub fn update_organization_configuration(
    world: &mut World,
    caller: &Caller,
    input: UpdateOrganizationConfigurationInput,
) -> Result<Empty, GdError> {
    let mode = match (input.auto_enable, input.auto_enable_organization_members) {
        (Some(on), None) => flag(on),
        (None, Some(mode)) => mode,
        _ => {
            return Err(GdError::bad(
                "The request is rejected because exactly one of autoEnable or autoEnableOrganizationMembers must be specified.",
            ))
        }
    };
    let requested = requested_features(&input)?;
    let org_id = admin_org(world, caller, &input.detector_id)?;
    let region = caller.region.clone();
    let admin = caller.account_id.clone();
    let config = &mut world.guardduty.detector_mut(&region, &admin).org_config;
    config.auto_enable = mode;
    for (name, auto_enable, additional) in requested {
        let setting = config
            .features
            .entry(name)
            .or_insert_with(|| OrgFeatureSetting {
                auto_enable: AutoEnable::None,
                additional: OrdMap::new(),
            });
        if let Some(mode) = auto_enable {
            setting.auto_enable = mode;
        }
        for (extra, mode) in additional {
            setting.additional.insert(extra, mode);
        }
    }
    let settings = config.features.clone();
    let accounts: Vec<String> = world
        .organizations
        .organizations
        .get(&org_id)
        .map(|o| o.members.keys().map(ToString::to_string).collect())
        .unwrap_or_default();
    let now = world.clock.now_ms();
    for account in accounts.iter().filter(|a| **a != admin) {
        if mode == AutoEnable::All {
            org_integration::enroll::<GuardDuty>(
                world,
                &region,
                &admin,
                account,
                Enrollment::AutoEnable,
            );
        }
        // Plans set to ALL reach every existing organization member at once.
        if world.guardduty.administrator_of(&region, account) == Some(admin.as_str()) {
            apply_org_features(world, &region, account, &settings, false, now);
        }
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOrganizationConfigurationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgFeatureResult {
    pub name: &'static str,
    pub auto_enable: AutoEnable,
    pub additional_configuration: Vec<OrgAdditionalResult>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrgAdditionalResult {
    pub name: String,
    pub auto_enable: AutoEnable,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeOrganizationConfigurationOutput {
    pub auto_enable: bool,
    pub member_account_limit_reached: bool,
    pub data_sources: serde_json::Value,
    pub features: Vec<OrgFeatureResult>,
    pub auto_enable_organization_members: AutoEnable,
}

fn feature_mode(config: &OrgConfig, name: &str) -> AutoEnable {
    config
        .features
        .get(name)
        .map(|s| s.auto_enable)
        .unwrap_or_default()
}

pub fn describe_organization_configuration(
    world: &mut World,
    caller: &Caller,
    input: DescribeOrganizationConfigurationInput,
) -> Result<DescribeOrganizationConfigurationOutput, GdError> {
    super::page(
        "DescribeOrganizationConfiguration",
        input.max_results,
        &None,
        50,
        50,
    )?;
    admin_org(world, caller, &input.detector_id)?;
    let config = &own_detector(world, caller, &input.detector_id)?.org_config;
    let on = |name: &str| feature_mode(config, name) != AutoEnable::None;
    let features = ORG_FEATURES
        .iter()
        .filter(|n| **n != "EKS_RUNTIME_MONITORING" || config.features.contains_key(**n))
        .map(|name| OrgFeatureResult {
            name,
            auto_enable: feature_mode(config, name),
            additional_configuration: if *name == "RUNTIME_MONITORING" {
                RUNTIME_ADDITIONAL
                    .iter()
                    .map(|extra| OrgAdditionalResult {
                        name: extra.to_string(),
                        auto_enable: config
                            .features
                            .get(*name)
                            .and_then(|s| s.additional.get(*extra).copied())
                            .unwrap_or_default(),
                    })
                    .collect()
            } else {
                vec![]
            },
        })
        .collect();
    Ok(DescribeOrganizationConfigurationOutput {
        auto_enable: config.auto_enable != AutoEnable::None,
        member_account_limit_reached: false,
        data_sources: serde_json::json!({
            "s3Logs": {"autoEnable": on("S3_DATA_EVENTS")},
            "kubernetes": {"auditLogs": {"autoEnable": on("EKS_AUDIT_LOGS")}},
            "malwareProtection": {"scanEc2InstanceWithFindings": {"ebsVolumes": {"autoEnable": on("EBS_MALWARE_PROTECTION")}}},
        }),
        features,
        auto_enable_organization_members: config.auto_enable,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NoInput {}

pub fn get_organization_statistics(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<serde_json::Value, GdError> {
    let org_id = administered_org(world, &caller.region, &caller.account_id).ok_or_else(|| {
        GdError::bad(
            "The request is rejected because the current account is not the delegated administrator of the organization in this Region.",
        )
    })?;
    let org = &world.organizations.organizations[&org_id];
    let gd = &world.guardduty;
    let region = &caller.region;
    let admin_detector = gd.detector(region, &caller.account_id);
    let members: Vec<&MemberRecord> = admin_detector
        .map(|d| {
            d.members
                .values()
                .filter(|m| org.members.contains_key(m.account_id.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let enabled: Vec<&str> = members
        .iter()
        .filter(|m| m.relationship == Relationship::Enabled)
        .map(|m| m.account_id.as_str())
        .filter(|a| gd.detector(region, a).is_some_and(|d| d.enabled))
        .collect();
    let count_by_feature: Vec<serde_json::Value> = ORG_FEATURES
        .iter()
        .map(|name| {
            let count = enabled
                .iter()
                .filter(|a| {
                    gd.detector(region, a)
                        .is_some_and(|d| d.feature_enabled(name))
                })
                .count();
            serde_json::json!({"name": name, "enabledAccountsCount": count})
        })
        .collect();
    Ok(serde_json::json!({
        "organizationDetails": {
            "updatedAt": epoch_seconds(world.clock.now_ms()),
            "organizationStatistics": {
                "totalAccountsCount": org.members.len(),
                "memberAccountsCount": members.len(),
                "activeAccountsCount": members.iter().filter(|m| m.relationship.associated()).count(),
                "enabledAccountsCount": enabled.len(),
                "countByFeature": count_by_feature,
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::events::OrgEvent;
    use serde_json::json;

    fn setup(n: usize) -> (World, Vec<String>, String, String) {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, n);
        let security = accounts[0].clone();
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let detector = detector_id(&w, &security);
        (w, accounts, security, detector)
    }

    fn member_status(w: &World, admin: &str, account: &str) -> Option<Relationship> {
        w.guardduty
            .detector("us-east-1", admin)?
            .members
            .get(account)
            .map(|m| m.relationship)
    }

    #[test]
    fn exactly_one_auto_enable_setting() {
        let (mut w, _, security, detector) = setup(1);
        for body in [
            json!({"DetectorId": detector}),
            json!({"DetectorId": detector, "autoEnable": true, "autoEnableOrganizationMembers": "ALL"}),
        ] {
            let r = run(
                &mut w,
                &root_caller(&security),
                "UpdateOrganizationConfiguration",
                body,
            );
            assert_eq!(error_of(r).0, "BadRequestException");
        }
        let bad_mode = run(
            &mut w,
            &root_caller(&security),
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "SOME"}),
        );
        assert_eq!(error_of(bad_mode).0, "BadRequestException");
    }

    #[test]
    fn all_enrolls_existing_accounts_and_new_ones() {
        let (mut w, accounts, security, detector) = setup(3);
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "ALL", "features": [{"name": "RUNTIME_MONITORING", "autoEnable": "ALL"}]}),
        );
        for account in accounts.iter().skip(1).chain([&MANAGEMENT.to_string()]) {
            assert_eq!(
                member_status(&w, &security, account),
                Some(Relationship::Enabled),
                "{account}"
            );
            let d = w
                .guardduty
                .detector("us-east-1", account)
                .expect("detector");
            assert!(d.feature_enabled("RUNTIME_MONITORING"));
        }
        assert_eq!(
            member_status(&w, &security, &security),
            None,
            "not its own member"
        );
        let newcomer = create_org_account(&mut w, 9);
        assert_eq!(
            member_status(&w, &security, &newcomer),
            Some(Relationship::Enabled)
        );
        let described = run_ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            json!({"DetectorId": detector}),
        );
        assert_eq!(described["autoEnableOrganizationMembers"], "ALL");
        assert_eq!(described["autoEnable"], true);
        let stats = run_ok(&mut w, &security, "GetOrganizationStatistics", json!({}));
        let s = &stats["organizationDetails"]["organizationStatistics"];
        assert_eq!(s["totalAccountsCount"], 5);
        assert_eq!(s["enabledAccountsCount"], 4);
    }

    #[test]
    fn new_covers_only_later_accounts_and_leavers_stop_being_members() {
        let (mut w, accounts, security, detector) = setup(2);
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "NEW"}),
        );
        assert_eq!(member_status(&w, &security, &accounts[1]), None);
        let newcomer = create_org_account(&mut w, 7);
        assert_eq!(
            member_status(&w, &security, &newcomer),
            Some(Relationship::Enabled)
        );
        assert_eq!(
            w.guardduty.administrator_of("us-east-1", &newcomer),
            Some(security.as_str())
        );
        let org_id = w
            .organizations
            .organization_of(MANAGEMENT)
            .unwrap()
            .id
            .clone();
        crate::events::publish(
            &mut w,
            &OrgEvent::AccountLeft {
                organization_id: org_id,
                account_id: newcomer.clone(),
            },
        );
        assert_eq!(member_status(&w, &security, &newcomer), None);
        assert_eq!(w.guardduty.administrator_of("us-east-1", &newcomer), None);
    }

    #[test]
    fn only_the_delegated_administrator_configures() {
        let (mut w, accounts, _, _) = setup(2);
        let other = create_detector(&mut w, &accounts[1]);
        let r = run(
            &mut w,
            &root_caller(&accounts[1]),
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": other, "autoEnable": true}),
        );
        assert_eq!(error_of(r).0, "BadRequestException");
        let r = run(
            &mut w,
            &root_caller(&accounts[1]),
            "GetOrganizationStatistics",
            json!({}),
        );
        assert_eq!(error_of(r).0, "BadRequestException");
    }
}
