//! The AWS services that integrate with Organizations, by service principal: whether
//! they accept delegated administrators, how many, and which policy types need their
//! trusted access. Source: the Organizations User Guide's "AWS services that you can
//! use with AWS Organizations" and each service's own "… and AWS Organizations" page.

/// How a service takes delegated administrators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delegation {
    /// Trusted access only: `RegisterDelegatedAdministrator` refuses the principal.
    Unsupported,
    /// At most this many delegated administrators per organization.
    AtMost(usize),
    /// Supported, with no maximum documented by the service.
    Unlimited,
}

/// One service principal orgsim recognizes.
#[derive(Debug)]
pub struct TrustedService {
    pub principal: &'static str,
    pub delegation: Delegation,
    /// Policy types that need this service's trusted access while enabled in the root.
    pub policy_types: &'static [&'static str],
}

use Delegation::{AtMost, Unlimited, Unsupported};

const fn service(
    principal: &'static str,
    delegation: Delegation,
    policy_types: &'static [&'static str],
) -> TrustedService {
    TrustedService {
        principal,
        delegation,
        policy_types,
    }
}

/// Every recognized principal, sorted by name.
pub const TRUSTED_SERVICES: &[TrustedService] = &[
    service("access-analyzer.amazonaws.com", AtMost(1), &[]),
    service("account.amazonaws.com", AtMost(1), &[]),
    service("auditmanager.amazonaws.com", AtMost(1), &[]),
    service("aws-artifact-account-sync.amazonaws.com", Unsupported, &[]),
    service("backup.amazonaws.com", Unlimited, &[]),
    service("cloudtrail.amazonaws.com", AtMost(3), &[]),
    service("compute-optimizer.amazonaws.com", AtMost(1), &[]),
    service("config-multiaccountsetup.amazonaws.com", AtMost(3), &[]),
    service("config.amazonaws.com", AtMost(3), &[]),
    service("controltower.amazonaws.com", Unsupported, &[]),
    service("cost-optimization-hub.bcm.amazonaws.com", AtMost(1), &[]),
    service("detective.amazonaws.com", AtMost(1), &[]),
    service("devops-guru.amazonaws.com", AtMost(1), &[]),
    service("ds.amazonaws.com", Unsupported, &[]),
    service("fms.amazonaws.com", AtMost(1), &[]),
    service("guardduty.amazonaws.com", AtMost(1), &["GUARDDUTY_POLICY"]),
    service("health.amazonaws.com", AtMost(5), &[]),
    service("iam.amazonaws.com", AtMost(1), &[]),
    service("inspector2.amazonaws.com", AtMost(1), &["INSPECTOR_POLICY"]),
    service("ipam.amazonaws.com", AtMost(1), &[]),
    service(
        "license-management.marketplace.amazonaws.com",
        Unsupported,
        &[],
    ),
    service("license-manager.amazonaws.com", AtMost(1), &[]),
    service("macie.amazonaws.com", AtMost(1), &[]),
    service(
        "malware-protection.guardduty.amazonaws.com",
        Unsupported,
        &[],
    ),
    service(
        "member.org.stacksets.cloudformation.amazonaws.com",
        AtMost(5),
        &[],
    ),
    service("networkmanager.amazonaws.com", Unlimited, &[]),
    service("ram.amazonaws.com", Unsupported, &[]),
    service("reporting.trustedadvisor.amazonaws.com", AtMost(5), &[]),
    service("resource-explorer-2.amazonaws.com", AtMost(1), &[]),
    service(
        "securityhub.amazonaws.com",
        AtMost(1),
        &["SECURITYHUB_POLICY", "SECURITYHUB_CSPM_POLICY"],
    ),
    service("securitylake.amazonaws.com", AtMost(1), &[]),
    service("servicecatalog.amazonaws.com", Unlimited, &[]),
    service("servicequotas.amazonaws.com", Unsupported, &[]),
    service("ssm.amazonaws.com", Unlimited, &[]),
    service("sso.amazonaws.com", AtMost(1), &[]),
    service("storage-lens.s3.amazonaws.com", AtMost(5), &[]),
    service("tagpolicies.tag.amazonaws.com", Unsupported, &[]),
];

/// The service behind a principal, if orgsim recognizes it (exact, case-sensitive).
pub fn trusted_service(principal: &str) -> Option<&'static TrustedService> {
    TRUSTED_SERVICES
        .binary_search_by(|s| s.principal.cmp(principal))
        .ok()
        .map(|i| &TRUSTED_SERVICES[i])
}

/// The principal whose trusted access a policy type needs, if any (for
/// `EnablePolicyType`'s `SERVICE_ACCESS_NOT_ENABLED`).
pub fn principal_for_policy_type(policy_type: &str) -> Option<&'static str> {
    TRUSTED_SERVICES
        .iter()
        .find(|s| s.policy_types.contains(&policy_type))
        .map(|s| s.principal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_finds_principals() {
        assert!(TRUSTED_SERVICES
            .windows(2)
            .all(|w| w[0].principal < w[1].principal));
        for principal in [
            "guardduty.amazonaws.com",
            "malware-protection.guardduty.amazonaws.com",
            "securityhub.amazonaws.com",
            "config.amazonaws.com",
            "config-multiaccountsetup.amazonaws.com",
            "access-analyzer.amazonaws.com",
            "detective.amazonaws.com",
            "cloudtrail.amazonaws.com",
        ] {
            assert!(trusted_service(principal).is_some(), "{principal}");
        }
        assert!(trusted_service("GuardDuty.amazonaws.com").is_none());
        assert!(trusted_service("nothing.amazonaws.com").is_none());
        assert_eq!(
            trusted_service("guardduty.amazonaws.com")
                .unwrap()
                .delegation,
            AtMost(1)
        );
        assert_eq!(
            trusted_service("config.amazonaws.com").unwrap().delegation,
            AtMost(3)
        );
        assert_eq!(
            principal_for_policy_type("SECURITYHUB_POLICY"),
            Some("securityhub.amazonaws.com")
        );
        assert_eq!(principal_for_policy_type("SERVICE_CONTROL_POLICY"), None);
    }
}
