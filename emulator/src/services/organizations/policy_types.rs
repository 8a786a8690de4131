//! Policy types — their limits and AWS-managed default policies — and
//! EnablePolicyType / DisablePolicyType.

use serde::{Deserialize, Serialize};

use super::dto;
use super::errors::OrgError;
use super::model::{FeatureSet, Organization, FULL_AWS_ACCESS};
use super::{org_mut, policy_writer_org, validate};
use crate::auth::Caller;
use crate::world::{Quotas, World};

/// The `PolicyType` enum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum PolicyType {
    ServiceControlPolicy,
    ResourceControlPolicy,
    TagPolicy,
    BackupPolicy,
    AiservicesOptOutPolicy,
    ChatbotPolicy,
    DeclarativePolicyEc2,
    SecurityhubPolicy,
    SecurityhubCspmPolicy,
    InspectorPolicy,
    UpgradeRolloutPolicy,
    BedrockPolicy,
    S3Policy,
    NetworkSecurityDirectorPolicy,
    GuarddutyPolicy,
}

const NAMES: [(PolicyType, &str); 15] = [
    (PolicyType::ServiceControlPolicy, "SERVICE_CONTROL_POLICY"),
    (PolicyType::ResourceControlPolicy, "RESOURCE_CONTROL_POLICY"),
    (PolicyType::TagPolicy, "TAG_POLICY"),
    (PolicyType::BackupPolicy, "BACKUP_POLICY"),
    (
        PolicyType::AiservicesOptOutPolicy,
        "AISERVICES_OPT_OUT_POLICY",
    ),
    (PolicyType::ChatbotPolicy, "CHATBOT_POLICY"),
    (PolicyType::DeclarativePolicyEc2, "DECLARATIVE_POLICY_EC2"),
    (PolicyType::SecurityhubPolicy, "SECURITYHUB_POLICY"),
    (PolicyType::SecurityhubCspmPolicy, "SECURITYHUB_CSPM_POLICY"),
    (PolicyType::InspectorPolicy, "INSPECTOR_POLICY"),
    (PolicyType::UpgradeRolloutPolicy, "UPGRADE_ROLLOUT_POLICY"),
    (PolicyType::BedrockPolicy, "BEDROCK_POLICY"),
    (PolicyType::S3Policy, "S3_POLICY"),
    (
        PolicyType::NetworkSecurityDirectorPolicy,
        "NETWORK_SECURITY_DIRECTOR_POLICY",
    ),
    (PolicyType::GuarddutyPolicy, "GUARDDUTY_POLICY"),
];

impl PolicyType {
    pub fn from_name(name: &str) -> Option<PolicyType> {
        NAMES.iter().find(|(_, n)| *n == name).map(|(t, _)| *t)
    }

    pub fn as_str(self) -> &'static str {
        NAMES
            .iter()
            .find(|(t, _)| *t == self)
            .map(|(_, n)| *n)
            .expect("every type is named")
    }

    /// SCPs and RCPs; every other type is a management policy.
    pub fn is_authorization(self) -> bool {
        matches!(
            self,
            PolicyType::ServiceControlPolicy | PolicyType::ResourceControlPolicy
        )
    }

    /// Most characters a policy of this type may hold.
    pub fn content_limit(self, quotas: &Quotas) -> usize {
        match self {
            PolicyType::ServiceControlPolicy => quotas.scp_content_size,
            PolicyType::ResourceControlPolicy => quotas.rcp_content_size,
            PolicyType::AiservicesOptOutPolicy => quotas.ai_opt_out_content_size,
            _ => quotas.management_policy_content_size,
        }
    }

    /// Most policies of this type directly attached to one root, OU or account.
    pub fn max_attachments(self, quotas: &Quotas) -> usize {
        match self {
            PolicyType::ServiceControlPolicy => quotas.scp_attachments_per_target,
            PolicyType::ResourceControlPolicy => quotas.rcp_attachments_per_target,
            PolicyType::AiservicesOptOutPolicy => quotas.ai_opt_out_attachments_per_target,
            _ => quotas.management_policy_attachments_per_target,
        }
    }

    /// Customer policies of this type one organization may hold.
    pub fn policies_per_organization(self, quotas: &Quotas) -> usize {
        match self {
            PolicyType::ServiceControlPolicy => quotas.scps_per_organization,
            _ => quotas.policies_per_type,
        }
    }

    /// The AWS-managed policy attached everywhere while the type is enabled.
    pub fn default_policy(self) -> Option<&'static ManagedPolicy> {
        match self {
            PolicyType::ServiceControlPolicy => Some(&FULL_AWS_ACCESS_POLICY),
            PolicyType::ResourceControlPolicy => Some(&RCP_FULL_AWS_ACCESS_POLICY),
            _ => None,
        }
    }

    /// The service whose trusted access must be on before the type can be enabled.
    /// AWS documents this for Security Hub and Inspector policies; orgsim also asks it
    /// of GuardDuty policies, which belong to a service that works the same way.
    pub fn required_service(self) -> Option<&'static str> {
        match self {
            PolicyType::SecurityhubPolicy | PolicyType::SecurityhubCspmPolicy => {
                Some("securityhub.amazonaws.com")
            }
            PolicyType::InspectorPolicy => Some("inspector2.amazonaws.com"),
            PolicyType::GuarddutyPolicy => Some("guardduty.amazonaws.com"),
            _ => None,
        }
    }
}

/// The policy types that keep `service_principal`'s trusted access from being turned
/// off while enabled (`POLICY_TYPE_ENABLED_FOR_THIS_SERVICE`).
pub fn policy_types_requiring(org: &Organization, service_principal: &str) -> Vec<PolicyType> {
    NAMES
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| t.required_service() == Some(service_principal))
        .filter(|t| org.policy_type_enabled(t.as_str()))
        .collect()
}

/// A `PolicyType` input value, or AWS's `INVALID_ENUM_POLICY_TYPE`.
pub fn parse_policy_type(field: &str, value: &str) -> Result<PolicyType, OrgError> {
    PolicyType::from_name(value).ok_or_else(|| {
        OrgError::invalid(
            "INVALID_ENUM_POLICY_TYPE",
            format!("You specified an invalid value for {field}: {value} is not a policy type."),
        )
    })
}

/// An AWS-managed policy: the same in every organization, never stored per organization.
pub struct ManagedPolicy {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub policy_type: PolicyType,
    pub content: &'static str,
}

impl ManagedPolicy {
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:organizations::aws:policy/{}/{}",
            self.policy_type.as_str().to_ascii_lowercase(),
            self.id
        )
    }
}

pub const FULL_AWS_ACCESS_POLICY: ManagedPolicy = ManagedPolicy {
    id: FULL_AWS_ACCESS,
    name: "FullAWSAccess",
    description: "Allows access to every operation",
    policy_type: PolicyType::ServiceControlPolicy,
    content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
};

pub const RCP_FULL_AWS_ACCESS: &str = "p-RCPFullAWSAccess";

pub const RCP_FULL_AWS_ACCESS_POLICY: ManagedPolicy = ManagedPolicy {
    id: RCP_FULL_AWS_ACCESS,
    name: "RCPFullAWSAccess",
    // AWS's description text is not in the catalog; this says what the policy does.
    description: "Allows access to every operation",
    policy_type: PolicyType::ResourceControlPolicy,
    content: r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
};

pub const MANAGED_POLICIES: [&ManagedPolicy; 2] =
    [&FULL_AWS_ACCESS_POLICY, &RCP_FULL_AWS_ACCESS_POLICY];

/// Attaches the default policy of every enabled type (FullAWSAccess, RCPFullAWSAccess)
/// to a new OU or account, as AWS does.
pub fn attach_default_policies(org: &mut Organization, target_id: &str) {
    for policy in MANAGED_POLICIES {
        if org.policy_type_enabled(policy.policy_type.as_str()) {
            org.attach(policy.id, target_id);
        }
    }
}

/// Every root, OU and member account of the organization.
fn all_targets(org: &Organization) -> Vec<String> {
    std::iter::once(org.root.id.clone())
        .chain(org.ous.keys().cloned())
        .chain(org.members.keys().map(ToString::to_string))
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyTypeInput {
    pub root_id: String,
    pub policy_type: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootOutput {
    pub root: dto::Root,
}

/// Enables a policy type in the root. AWS passes through `PENDING_ENABLE`; orgsim
/// finishes at once, so the returned root already shows `ENABLED`.
pub fn enable_policy_type(
    world: &mut World,
    caller: &Caller,
    input: PolicyTypeInput,
) -> Result<RootOutput, OrgError> {
    validate::root_id("RootId", &input.root_id)?;
    let policy_type = parse_policy_type("PolicyType", &input.policy_type)?;
    let org = policy_writer_org(world, caller, "organizations:EnablePolicyType")?;
    if org.root.id != input.root_id {
        return Err(OrgError::RootNotFound);
    }
    if org.feature_set == FeatureSet::ConsolidatedBilling {
        return Err(OrgError::PolicyTypeNotAvailableForOrganization);
    }
    if org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::PolicyTypeAlreadyEnabled);
    }
    if let Some(service) = policy_type.required_service() {
        if !org.enabled_services.contains_key(service) {
            return Err(OrgError::constraint(
                "SERVICE_ACCESS_NOT_ENABLED",
                format!("You must enable trusted access for {service} (EnableAWSServiceAccess) before you enable this policy type."),
            ));
        }
    }
    let targets = all_targets(org);
    let org = org_mut(world, &org.id.clone());
    org.root.policy_types.push(policy_type.as_str().to_string());
    if let Some(default) = policy_type.default_policy() {
        for target in &targets {
            org.attach(default.id, target);
        }
    }
    Ok(RootOutput {
        root: dto::root(org),
    })
}

/// Disables a policy type in the root and detaches every policy of that type from
/// every target (re-enabling attaches only the AWS-managed default again).
pub fn disable_policy_type(
    world: &mut World,
    caller: &Caller,
    input: PolicyTypeInput,
) -> Result<RootOutput, OrgError> {
    validate::root_id("RootId", &input.root_id)?;
    let policy_type = parse_policy_type("PolicyType", &input.policy_type)?;
    let org = policy_writer_org(world, caller, "organizations:DisablePolicyType")?;
    if org.root.id != input.root_id {
        return Err(OrgError::RootNotFound);
    }
    if !org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::PolicyTypeNotEnabled);
    }
    let of_type: Vec<String> = org
        .policies
        .values()
        .filter(|p| p.policy_type == policy_type.as_str())
        .map(|p| p.id.clone())
        .chain(policy_type.default_policy().map(|p| p.id.to_string()))
        .collect();
    let org = org_mut(world, &org.id.clone());
    org.root.policy_types.retain(|t| t != policy_type.as_str());
    for policy_id in of_type {
        let targets = org
            .policy_targets
            .remove(policy_id.as_str())
            .unwrap_or_default();
        for target in targets.iter() {
            org.detach(&policy_id, target);
        }
    }
    Ok(RootOutput {
        root: dto::root(org),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use serde_json::json;

    #[test]
    fn names_round_trip_and_limits() {
        for (t, name) in NAMES {
            assert_eq!(PolicyType::from_name(name), Some(t));
            assert_eq!(t.as_str(), name);
        }
        let q = Quotas::default();
        assert_eq!(PolicyType::ServiceControlPolicy.content_limit(&q), 10_240);
        assert_eq!(PolicyType::ResourceControlPolicy.max_attachments(&q), 5);
        assert_eq!(PolicyType::TagPolicy.max_attachments(&q), 10);
        assert_eq!(PolicyType::AiservicesOptOutPolicy.content_limit(&q), 2500);
        assert_eq!(
            FULL_AWS_ACCESS_POLICY.arn(),
            "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
        );
        assert!(matches!(
            parse_policy_type("Filter", "NOPE"),
            Err(OrgError::InvalidInput("INVALID_ENUM_POLICY_TYPE", _))
        ));
    }

    #[test]
    fn enable_and_disable() {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
        let root = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap()["Roots"][0]["Id"]
            .as_str()
            .unwrap()
            .to_string();
        let enable = |t: &str| json!({"RootId": root, "PolicyType": t});
        let out = run(&mut w, &mgmt, "EnablePolicyType", enable("TAG_POLICY")).unwrap();
        assert_eq!(
            out["Root"]["PolicyTypes"],
            json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}, {"Type": "TAG_POLICY", "Status": "ENABLED"}])
        );
        assert_eq!(
            error_code(run(&mut w, &mgmt, "EnablePolicyType", enable("TAG_POLICY"))).0,
            "PolicyTypeAlreadyEnabledException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "EnablePolicyType",
                enable("SECURITYHUB_POLICY")
            )),
            (
                "ConstraintViolationException".into(),
                Some("SERVICE_ACCESS_NOT_ENABLED".into())
            )
        );
        assert_eq!(
            error_code(run(&mut w, &mgmt, "EnablePolicyType", enable("BOGUS"))).1,
            Some("INVALID_ENUM_POLICY_TYPE".into())
        );
        let wrong_root = json!({"RootId": "r-zzzz", "PolicyType": "BACKUP_POLICY"});
        assert_eq!(
            error_code(run(&mut w, &mgmt, "EnablePolicyType", wrong_root)).0,
            "RootNotFoundException"
        );

        // RCPs: RCPFullAWSAccess lands on the root and the management account.
        run(
            &mut w,
            &mgmt,
            "EnablePolicyType",
            enable("RESOURCE_CONTROL_POLICY"),
        )
        .unwrap();
        let org = w.organizations.organization_of("111111111111").unwrap();
        assert!(org.is_attached(RCP_FULL_AWS_ACCESS, &root));
        assert!(org.is_attached(RCP_FULL_AWS_ACCESS, "111111111111"));

        // Disabling SCPs detaches FullAWSAccess everywhere.
        run(
            &mut w,
            &mgmt,
            "DisablePolicyType",
            enable("SERVICE_CONTROL_POLICY"),
        )
        .unwrap();
        let org = w.organizations.organization_of("111111111111").unwrap();
        assert!(!org.is_attached(FULL_AWS_ACCESS, &root));
        assert!(org
            .policy_targets
            .get(FULL_AWS_ACCESS)
            .is_none_or(|t| t.is_empty()));
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "DisablePolicyType",
                enable("SERVICE_CONTROL_POLICY")
            ))
            .0,
            "PolicyTypeNotEnabledException"
        );
        // Members may not change policy types.
        let member = root_caller("222222222222");
        assert_eq!(
            error_code(run(
                &mut w,
                &member,
                "EnablePolicyType",
                enable("BACKUP_POLICY")
            ))
            .0,
            "AWSOrganizationsNotInUseException"
        );
    }

    #[test]
    fn consolidated_billing_has_no_policy_types() {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
        )
        .unwrap();
        let root = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap()["Roots"][0]["Id"].clone();
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "EnablePolicyType",
                json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"})
            ))
            .0,
            "PolicyTypeNotAvailableForOrganizationException"
        );
    }
}
