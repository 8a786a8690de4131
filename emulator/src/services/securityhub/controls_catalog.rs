//! The standards orgsim offers and a realistic subset of their controls: AWS
//! Foundational Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark
//! v1.2.0 (both enabled by default) and v1.4.0. Not every AWS control is here.

/// A security standard.
pub struct Standard {
    /// Path after `standards/` (or `ruleset/` for CIS 1.2.0).
    pub path: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub enabled_by_default: bool,
    /// CIS 1.2.0 predates regional standard ARNs (`arn:aws:securityhub:::ruleset/…`).
    pub ruleset: bool,
    /// How the standard names its controls: `CIS.1.1` for CIS 1.2.0, `IAM.1` otherwise.
    pub control_prefix: &'static str,
}

pub const FSBP: &str = "aws-foundational-security-best-practices/v/1.0.0";
pub const CIS_1_2: &str = "cis-aws-foundations-benchmark/v/1.2.0";
pub const CIS_1_4: &str = "cis-aws-foundations-benchmark/v/1.4.0";

pub const STANDARDS: &[Standard] = &[
    Standard {
        path: FSBP,
        name: "AWS Foundational Security Best Practices v1.0.0",
        description: "The AWS Foundational Security Best Practices standard is a set of automated security checks that detect when AWS accounts and deployed resources do not align to security best practices.",
        enabled_by_default: true,
        ruleset: false,
        control_prefix: "",
    },
    Standard {
        path: CIS_1_2,
        name: "CIS AWS Foundations Benchmark v1.2.0",
        description: "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0 is a set of security configuration best practices for AWS.",
        enabled_by_default: true,
        ruleset: true,
        control_prefix: "CIS.",
    },
    Standard {
        path: CIS_1_4,
        name: "CIS AWS Foundations Benchmark v1.4.0",
        description: "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0 is a set of security configuration best practices for AWS.",
        enabled_by_default: false,
        ruleset: false,
        control_prefix: "",
    },
];

impl Standard {
    pub fn arn(&self, region: &str) -> String {
        if self.ruleset {
            format!("arn:aws:securityhub:::ruleset/{}", self.path)
        } else {
            format!("arn:aws:securityhub:{region}::standards/{}", self.path)
        }
    }

    pub fn subscription_arn(&self, region: &str, account: &str) -> String {
        format!(
            "arn:aws:securityhub:{region}:{account}:subscription/{}",
            self.path
        )
    }

    pub fn control_arn(&self, region: &str, account: &str, control_id: &str) -> String {
        format!(
            "arn:aws:securityhub:{region}:{account}:control/{}/{control_id}",
            self.path
        )
    }

    /// This standard's controls: (its control id, the security control).
    pub fn controls(&self) -> impl Iterator<Item = (String, &'static SecurityControl)> + '_ {
        SECURITY_CONTROLS.iter().flat_map(move |c| {
            c.in_standards
                .iter()
                .filter(move |(path, _)| *path == self.path)
                .map(move |(_, id)| {
                    let id = if id.is_empty() { c.id } else { id };
                    (format!("{}{id}", self.control_prefix), c)
                })
        })
    }
}

/// The standard whose ARN (in `region`) is `arn`.
pub fn standard_by_arn(arn: &str, region: &str) -> Option<&'static Standard> {
    STANDARDS.iter().find(|s| s.arn(region) == arn)
}

/// The standard whose subscription ARN (of this account and region) is `arn`.
pub fn standard_by_subscription(
    arn: &str,
    region: &str,
    account: &str,
) -> Option<&'static Standard> {
    STANDARDS
        .iter()
        .find(|s| s.subscription_arn(region, account) == arn)
}

/// One security control; `in_standards` lists (standard path, control id there —
/// empty when it is the security control id).
pub struct SecurityControl {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: &'static str,
    pub in_standards: &'static [(&'static str, &'static str)],
}

impl SecurityControl {
    pub fn remediation_url(&self) -> String {
        let service = self.id.split('.').next().unwrap_or_default().to_lowercase();
        let anchor = self.id.to_lowercase().replace('.', "-");
        format!("https://docs.aws.amazon.com/console/securityhub/{service}-controls/remediation#{anchor}")
    }

    pub fn description(&self) -> String {
        format!("This control checks that {}", lower_first(self.title))
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

const fn c(
    id: &'static str,
    title: &'static str,
    severity: &'static str,
    in_standards: &'static [(&'static str, &'static str)],
) -> SecurityControl {
    SecurityControl {
        id,
        title,
        severity,
        in_standards,
    }
}

pub const SECURITY_CONTROLS: &[SecurityControl] = &[
    c("Account.1", "Security contact information should be provided for an AWS account", "MEDIUM", &[(FSBP, "")]),
    c("ACM.1", "Imported and ACM-issued certificates should be renewed after a specified time period", "MEDIUM", &[(FSBP, "")]),
    c("CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", "HIGH", &[(FSBP, ""), (CIS_1_2, "2.1"), (CIS_1_4, "3.1")]),
    c("CloudTrail.2", "CloudTrail should have encryption at-rest enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.7"), (CIS_1_4, "3.7")]),
    c("CloudTrail.4", "CloudTrail log file validation should be enabled", "LOW", &[(FSBP, ""), (CIS_1_2, "2.2"), (CIS_1_4, "3.2")]),
    c("CloudTrail.5", "CloudTrail trails should be integrated with Amazon CloudWatch Logs", "LOW", &[(FSBP, ""), (CIS_1_2, "2.4"), (CIS_1_4, "3.4")]),
    c("CloudTrail.6", "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", "CRITICAL", &[(CIS_1_2, "2.3"), (CIS_1_4, "3.3")]),
    c("CloudTrail.7", "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", "LOW", &[(CIS_1_2, "2.6"), (CIS_1_4, "3.6")]),
    c("CloudWatch.1", "A log metric filter and alarm should exist for usage of the root user", "LOW", &[(CIS_1_2, "1.1"), (CIS_1_4, "4.3")]),
    c("CloudWatch.2", "Ensure a log metric filter and alarm exist for unauthorized API calls", "LOW", &[(CIS_1_2, "3.1")]),
    c("CloudWatch.3", "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA", "LOW", &[(CIS_1_2, "3.2")]),
    c("Config.1", "AWS Config should be enabled and use the service-linked role for resource recording", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.5"), (CIS_1_4, "3.5")]),
    c("EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "HIGH", &[(FSBP, ""), (CIS_1_2, "4.3"), (CIS_1_4, "5.3")]),
    c("EC2.6", "VPC flow logging should be enabled in all VPCs", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.9"), (CIS_1_4, "3.9")]),
    c("EC2.7", "EBS default encryption should be enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.2.1")]),
    c("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "HIGH", &[(FSBP, "")]),
    c("EC2.13", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", "HIGH", &[(CIS_1_2, "4.1")]),
    c("EC2.14", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389", "HIGH", &[(CIS_1_2, "4.2")]),
    c("EC2.21", "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "5.1")]),
    c("GuardDuty.1", "GuardDuty should be enabled", "HIGH", &[(FSBP, "")]),
    c("IAM.1", "IAM policies should not allow full \"*\" administrative privileges", "HIGH", &[(FSBP, ""), (CIS_1_2, "1.22"), (CIS_1_4, "1.16")]),
    c("IAM.2", "IAM users should not have IAM policies attached", "LOW", &[(FSBP, ""), (CIS_1_2, "1.16")]),
    c("IAM.3", "IAM users' access keys should be rotated every 90 days or less", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.4"), (CIS_1_4, "1.14")]),
    c("IAM.4", "IAM root user access key should not exist", "CRITICAL", &[(FSBP, ""), (CIS_1_2, "1.12"), (CIS_1_4, "1.4")]),
    c("IAM.5", "MFA should be enabled for all IAM users that have a console password", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.2"), (CIS_1_4, "1.10")]),
    c("IAM.6", "Hardware MFA should be enabled for the root user", "CRITICAL", &[(FSBP, ""), (CIS_1_2, "1.14"), (CIS_1_4, "1.6")]),
    c("IAM.8", "Unused IAM user credentials should be removed", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.3")]),
    c("IAM.9", "MFA should be enabled for the root user", "CRITICAL", &[(CIS_1_2, "1.13"), (CIS_1_4, "1.5")]),
    c("IAM.15", "Ensure IAM password policy requires minimum password length of 14 or greater", "MEDIUM", &[(CIS_1_2, "1.9"), (CIS_1_4, "1.8")]),
    c("IAM.16", "Ensure IAM password policy prevents password reuse", "LOW", &[(CIS_1_2, "1.10"), (CIS_1_4, "1.9")]),
    c("IAM.18", "Ensure a support role has been created to manage incidents with AWS Support", "LOW", &[(CIS_1_2, "1.20"), (CIS_1_4, "1.17")]),
    c("KMS.4", "AWS KMS key rotation should be enabled", "MEDIUM", &[(CIS_1_2, "2.8"), (CIS_1_4, "3.8")]),
    c("Lambda.1", "Lambda function policies should prohibit public access", "CRITICAL", &[(FSBP, "")]),
    c("RDS.1", "RDS snapshot should be private", "CRITICAL", &[(FSBP, "")]),
    c("RDS.3", "RDS DB instances should have encryption at-rest enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.3.1")]),
    c("S3.1", "S3 general purpose buckets should have block public access settings enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.1.5.1")]),
    c("S3.5", "S3 general purpose buckets should require requests to use SSL", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.1.2")]),
    c("S3.8", "S3 general purpose buckets should block public access", "HIGH", &[(FSBP, ""), (CIS_1_4, "2.1.5.2")]),
    c("SecretsManager.1", "Secrets Manager secrets should have automatic rotation enabled", "MEDIUM", &[(FSBP, "")]),
    c("SSM.1", "EC2 instances should be managed by AWS Systems Manager", "MEDIUM", &[(FSBP, "")]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_has_controls_with_unique_ids() {
        for standard in STANDARDS {
            let mut ids: Vec<String> = standard.controls().map(|(id, _)| id).collect();
            assert!(ids.len() >= 10, "{}", standard.name);
            ids.sort();
            let n = ids.len();
            ids.dedup();
            assert_eq!(ids.len(), n, "{}", standard.name);
        }
        let cis: Vec<String> = STANDARDS[1].controls().map(|(id, _)| id).collect();
        assert!(cis.contains(&"CIS.1.1".to_string()));
        assert_eq!(
            STANDARDS[1].arn("us-east-1"),
            "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0"
        );
        assert_eq!(
            standard_by_arn(
                "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                "eu-west-1"
            )
            .map(|s| s.path),
            Some(FSBP)
        );
    }
}
