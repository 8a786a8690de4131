//! The standards Security Hub offers (every one `DescribeStandards` lists) and their
//! controls: which security control each standard includes, under which id, as
//! AWS's standards reference documents them. CIS v1.2.0, v1.4.0, v3.0.0 and PCI DSS
//! v3.2.1 name controls by requirement (`2.7`, `PCI.IAM.1`); the others by the
//! security control id. NIST SP 800-53, NIST SP 800-171, PCI DSS v4.0.1 and the
//! tagging and Control Tower standards carry the controls of this catalog that AWS
//! maps to them, not AWS's full list.

/// A security standard.
pub struct Standard {
    /// Path after `standards/` (or `ruleset/` for CIS 1.2.0).
    pub path: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub enabled_by_default: bool,
    /// CIS 1.2.0 predates regional standard ARNs (`arn:aws:securityhub:::ruleset/…`).
    pub ruleset: bool,
    /// How DescribeStandardsControls names its controls: `CIS.` + requirement for
    /// CIS 1.2.0; the control ARN never carries it.
    pub control_prefix: &'static str,
    /// Controls included by security control id (the standard's id is the same).
    pub includes: &'static [&'static str],
    /// `StandardsManagedBy.Product`.
    pub managed_by: &'static str,
    /// How `RelatedRequirements` cite this standard.
    pub requirement_prefix: &'static str,
}

pub const FSBP: &str = "aws-foundational-security-best-practices/v/1.0.0";
pub const CIS_1_2: &str = "cis-aws-foundations-benchmark/v/1.2.0";
pub const CIS_1_4: &str = "cis-aws-foundations-benchmark/v/1.4.0";
pub const CIS_3_0: &str = "cis-aws-foundations-benchmark/v/3.0.0";
pub const PCI_3_2_1: &str = "pci-dss/v/3.2.1";
pub const PCI_4_0_1: &str = "pci-dss/v/4.0.1";
pub const NIST_800_53: &str = "nist-800-53/v/5.0.0";
pub const NIST_800_171: &str = "nist-800-171/v/2.0.0";
pub const TAGGING: &str = "aws-resource-tagging-standard/v/1.0.0";
pub const CONTROL_TOWER: &str = "service-managed-aws-control-tower/v/1.0.0";

const fn standard(
    path: &'static str,
    name: &'static str,
    description: &'static str,
    requirement_prefix: &'static str,
) -> Standard {
    Standard {
        path,
        name,
        description,
        enabled_by_default: false,
        ruleset: false,
        control_prefix: "",
        includes: &[],
        managed_by: "Security Hub",
        requirement_prefix,
    }
}

/// Security controls AWS maps to NIST SP 800-53 Rev. 5 (of this catalog).
const NIST_800_53_CONTROLS: &[&str] = &[
    "Account.1",
    "ACM.1",
    "AutoScaling.1",
    "CloudTrail.1",
    "CloudTrail.2",
    "CloudTrail.4",
    "CloudTrail.5",
    "CodeBuild.1",
    "CodeBuild.2",
    "Config.1",
    "DMS.1",
    "EC2.1",
    "EC2.2",
    "EC2.6",
    "EC2.7",
    "EC2.8",
    "EC2.12",
    "EC2.13",
    "EC2.14",
    "EC2.21",
    "EFS.1",
    "ELB.1",
    "ES.1",
    "ES.2",
    "GuardDuty.1",
    "IAM.1",
    "IAM.2",
    "IAM.3",
    "IAM.4",
    "IAM.5",
    "IAM.6",
    "IAM.7",
    "IAM.8",
    "IAM.9",
    "IAM.19",
    "IAM.21",
    "KMS.4",
    "Lambda.1",
    "Lambda.3",
    "Opensearch.1",
    "Opensearch.2",
    "RDS.1",
    "RDS.2",
    "RDS.3",
    "RDS.13",
    "Redshift.1",
    "S3.1",
    "S3.2",
    "S3.3",
    "S3.4",
    "S3.5",
    "S3.7",
    "S3.8",
    "S3.20",
    "S3.22",
    "S3.23",
    "SageMaker.1",
    "SecretsManager.1",
    "SSM.1",
    "SSM.2",
    "SSM.3",
];

/// Security controls AWS maps to NIST SP 800-171 Rev. 2 (of this catalog).
const NIST_800_171_CONTROLS: &[&str] = &[
    "ACM.1",
    "CloudTrail.1",
    "CloudTrail.2",
    "CloudTrail.4",
    "CloudTrail.5",
    "CloudWatch.1",
    "CloudWatch.4",
    "CloudWatch.5",
    "CloudWatch.6",
    "CloudWatch.7",
    "CloudWatch.8",
    "CloudWatch.9",
    "CloudWatch.10",
    "CloudWatch.11",
    "CloudWatch.12",
    "CloudWatch.13",
    "CloudWatch.14",
    "Config.1",
    "EC2.2",
    "EC2.6",
    "EC2.13",
    "EC2.21",
    "GuardDuty.1",
    "IAM.1",
    "IAM.2",
    "IAM.3",
    "IAM.4",
    "IAM.5",
    "IAM.6",
    "IAM.8",
    "IAM.9",
    "IAM.15",
    "IAM.16",
    "IAM.18",
    "KMS.4",
    "S3.5",
    "S3.8",
    "SSM.1",
];

/// Security controls AWS maps to PCI DSS v4.0.1 (of this catalog).
const PCI_4_0_1_CONTROLS: &[&str] = &[
    "ACM.1",
    "AutoScaling.1",
    "CloudTrail.2",
    "CloudTrail.3",
    "CloudTrail.4",
    "CloudTrail.6",
    "CloudTrail.7",
    "CodeBuild.1",
    "CodeBuild.2",
    "DMS.1",
    "EC2.2",
    "EC2.8",
    "EC2.13",
    "EC2.14",
    "EC2.21",
    "EC2.53",
    "EC2.54",
    "EFS.1",
    "ELB.1",
    "ES.1",
    "ES.2",
    "GuardDuty.1",
    "IAM.3",
    "IAM.4",
    "IAM.5",
    "IAM.6",
    "IAM.8",
    "IAM.9",
    "IAM.10",
    "IAM.11",
    "IAM.12",
    "IAM.13",
    "IAM.14",
    "IAM.15",
    "IAM.16",
    "IAM.17",
    "IAM.19",
    "KMS.4",
    "Lambda.1",
    "Opensearch.1",
    "Opensearch.2",
    "RDS.1",
    "RDS.2",
    "Redshift.1",
    "S3.1",
    "S3.5",
    "S3.8",
    "S3.22",
    "S3.23",
    "SageMaker.1",
    "SSM.2",
    "SSM.3",
];

/// The tagging standard's controls: one per resource type, "should be tagged".
const TAGGING_CONTROLS: &[&str] = &[
    "ACM.3",
    "CloudTrail.9",
    "Detective.1",
    "DynamoDB.5",
    "GuardDuty.2",
    "GuardDuty.4",
    "IAM.23",
    "IAM.24",
    "IAM.25",
    "SecretsManager.5",
    "SNS.3",
    "SQS.2",
];

/// Controls Security Hub runs for AWS Control Tower's service-managed standard.
const CONTROL_TOWER_CONTROLS: &[&str] = &[
    "Account.1",
    "CloudTrail.1",
    "CloudTrail.2",
    "CloudTrail.4",
    "CloudTrail.5",
    "Config.1",
    "EC2.2",
    "EC2.6",
    "EC2.7",
    "EC2.8",
    "EC2.21",
    "GuardDuty.1",
    "IAM.1",
    "IAM.2",
    "IAM.3",
    "IAM.4",
    "IAM.5",
    "IAM.6",
    "IAM.8",
    "IAM.9",
    "KMS.4",
    "Lambda.1",
    "RDS.1",
    "RDS.3",
    "S3.1",
    "S3.5",
    "S3.8",
    "SecretsManager.1",
    "SSM.1",
];

pub const STANDARDS: &[Standard] = &[
    Standard {
        enabled_by_default: true,
        ..standard(
            FSBP,
            "AWS Foundational Security Best Practices v1.0.0",
            "The AWS Foundational Security Best Practices standard is a set of automated security checks that detect when AWS accounts and deployed resources do not align to security best practices. The standard is defined by AWS security experts. This curated set of controls helps improve your security posture in AWS, and covers AWS's most popular and foundational services.",
            "",
        )
    },
    Standard {
        enabled_by_default: true,
        ruleset: true,
        control_prefix: "CIS.",
        ..standard(
            CIS_1_2,
            "CIS AWS Foundations Benchmark v1.2.0",
            "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.2.0 is a set of security configuration best practices for AWS. This Security Hub standard automatically checks for your compliance readiness against a subset of CIS requirements.",
            "CIS AWS Foundations ",
        )
    },
    standard(
        CIS_1_4,
        "CIS AWS Foundations Benchmark v1.4.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v1.4.0 is a set of security configuration best practices for AWS. This Security Hub standard automatically checks for your compliance readiness against a subset of CIS requirements.",
        "CIS AWS Foundations Benchmark v1.4.0/",
    ),
    standard(
        CIS_3_0,
        "CIS AWS Foundations Benchmark v3.0.0",
        "The Center for Internet Security (CIS) AWS Foundations Benchmark v3.0.0 is a set of security configuration best practices for AWS. This Security Hub standard automatically checks for your compliance readiness against a subset of CIS requirements.",
        "CIS AWS Foundations Benchmark v3.0.0/",
    ),
    standard(
        PCI_3_2_1,
        "PCI DSS v3.2.1",
        "The Payment Card Industry Data Security Standard (PCI DSS) v3.2.1 is an information security standard for entities that store, process, and/or transmit cardholder data. This Security Hub standard automatically checks for your compliance readiness against a subset of PCI DSS requirements.",
        "PCI DSS ",
    ),
    Standard {
        includes: PCI_4_0_1_CONTROLS,
        ..standard(
            PCI_4_0_1,
            "PCI DSS v4.0.1",
            "The Payment Card Industry Data Security Standard (PCI DSS) v4.0.1 is an information security standard for entities that store, process, and/or transmit cardholder data. This Security Hub standard automatically checks for your compliance readiness against a subset of PCI DSS requirements.",
            "PCI DSS v4.0.1/",
        )
    },
    Standard {
        includes: NIST_800_53_CONTROLS,
        ..standard(
            NIST_800_53,
            "NIST Special Publication 800-53 Revision 5",
            "National Institute of Standards and Technology (NIST) Special Publication 800-53 Revision 5 provides a catalog of security and privacy controls for information systems and organizations.",
            "NIST.800-53.r5 ",
        )
    },
    Standard {
        includes: NIST_800_171_CONTROLS,
        ..standard(
            NIST_800_171,
            "NIST SP 800-171 Revision 2",
            "National Institute of Standards and Technology (NIST) Special Publication 800-171 Revision 2 provides security recommendations for protecting the confidentiality of controlled unclassified information (CUI) in nonfederal systems and organizations.",
            "NIST.800-171.r2 ",
        )
    },
    Standard {
        includes: TAGGING_CONTROLS,
        ..standard(
            TAGGING,
            "AWS Resource Tagging Standard",
            "The AWS Resource Tagging Standard helps you determine whether your AWS resources are missing tags, and provides controls to check that resources have the tag keys you require.",
            "",
        )
    },
    Standard {
        includes: CONTROL_TOWER_CONTROLS,
        managed_by: "AWS Control Tower",
        ..standard(
            CONTROL_TOWER,
            "Service-Managed Standard: AWS Control Tower",
            "This standard is managed by AWS Control Tower. You can enable and disable its controls from the AWS Control Tower console or APIs.",
            "",
        )
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

    /// `…:control/<standard>/<id>`, the id without the `CIS.` of CIS 1.2.0.
    pub fn control_arn(&self, region: &str, account: &str, control_id: &str) -> String {
        format!(
            "arn:aws:securityhub:{region}:{account}:control/{}/{}",
            self.path,
            control_id.trim_start_matches(self.control_prefix)
        )
    }

    /// This standard's controls: (its control id, the security control).
    pub fn controls(&self) -> impl Iterator<Item = (String, &'static SecurityControl)> + '_ {
        let mapped = SECURITY_CONTROLS.iter().flat_map(move |c| {
            c.in_standards
                .iter()
                .filter(move |(path, _)| *path == self.path)
                .map(move |(_, id)| {
                    let id = if id.is_empty() { c.id } else { id };
                    (format!("{}{id}", self.control_prefix), c)
                })
        });
        let included = self
            .includes
            .iter()
            .filter_map(|id| security_control(id))
            .map(|c| (c.id.to_string(), c));
        mapped.chain(included)
    }

    /// `RelatedRequirements` of one of its controls.
    pub fn related_requirements(&self, control_id: &str) -> Vec<String> {
        if self.requirement_prefix.is_empty() {
            return Vec::new();
        }
        vec![format!(
            "{}{}",
            self.requirement_prefix,
            control_id.trim_start_matches(self.control_prefix)
        )]
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

/// The security control `id` (`IAM.1`).
pub fn security_control(id: &str) -> Option<&'static SecurityControl> {
    SECURITY_CONTROLS.iter().find(|c| c.id == id)
}

/// One customizable integer parameter of a security control.
pub struct ParameterDefinition {
    pub name: &'static str,
    pub description: &'static str,
    /// The `ParameterValue` member it is given in.
    pub kind: &'static str,
    pub default: i64,
    pub min: i64,
    pub max: i64,
}

const fn p(
    name: &'static str,
    description: &'static str,
    default: i64,
    min: i64,
    max: i64,
) -> ParameterDefinition {
    ParameterDefinition {
        name,
        description,
        kind: "Integer",
        default,
        min,
        max,
    }
}

/// The parameters AWS lets customers set on `control_id` (of this catalog).
pub fn parameter_definitions(control_id: &str) -> Vec<&'static ParameterDefinition> {
    const ACM_1: &[ParameterDefinition] = &[p(
        "daysToExpiration",
        "Number of days within which the ACM certificate must be renewed",
        30,
        14,
        365,
    )];
    const IAM_8: &[ParameterDefinition] = &[p(
        "maxCredentialUsageAge",
        "Number of days within which the credentials must be used",
        90,
        1,
        365,
    )];
    const SECRETS_MANAGER_1: &[ParameterDefinition] = &[p(
        "maximumAllowedRotationFrequency",
        "Maximum allowed number of days between secret rotations",
        90,
        1,
        365,
    )];
    const IAM_7: &[ParameterDefinition] = &[
        p(
            "MinimumPasswordLength",
            "Minimum number of characters in password",
            8,
            8,
            128,
        ),
        p(
            "MaxPasswordAge",
            "Number of days before password expiration",
            90,
            1,
            1095,
        ),
        p(
            "PasswordReusePrevention",
            "Number of password versions before a password can be reused",
            24,
            1,
            24,
        ),
    ];
    let list: &'static [ParameterDefinition] = match control_id {
        "ACM.1" => ACM_1,
        "IAM.7" => IAM_7,
        "IAM.8" => IAM_8,
        "SecretsManager.1" => SECRETS_MANAGER_1,
        _ => &[],
    };
    list.iter().collect()
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

#[rustfmt::skip]
pub const SECURITY_CONTROLS: &[SecurityControl] = &[
    c("Account.1", "Security contact information should be provided for an AWS account", "MEDIUM", &[(FSBP, "")]),
    c("ACM.1", "Imported and ACM-issued certificates should be renewed after a specified time period", "MEDIUM", &[(FSBP, "")]),
    c("ACM.3", "ACM certificates should be tagged", "LOW", &[]),
    c("AutoScaling.1", "Auto Scaling groups associated with a load balancer should use ELB health checks", "LOW", &[(FSBP, ""), (PCI_3_2_1, "PCI.AutoScaling.1")]),
    c("CloudTrail.1", "CloudTrail should be enabled and configured with at least one multi-Region trail that includes read and write management events", "HIGH", &[(FSBP, ""), (CIS_1_2, "2.1"), (CIS_1_4, "3.1"), (CIS_3_0, "3.1")]),
    c("CloudTrail.2", "CloudTrail should have encryption at-rest enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.7"), (CIS_1_4, "3.7"), (CIS_3_0, "3.5"), (PCI_3_2_1, "PCI.CloudTrail.1")]),
    c("CloudTrail.3", "At least one CloudTrail trail should be enabled", "HIGH", &[(PCI_3_2_1, "PCI.CloudTrail.2")]),
    c("CloudTrail.4", "CloudTrail log file validation should be enabled", "LOW", &[(FSBP, ""), (CIS_1_2, "2.2"), (CIS_1_4, "3.2"), (CIS_3_0, "3.2"), (PCI_3_2_1, "PCI.CloudTrail.3")]),
    c("CloudTrail.5", "CloudTrail trails should be integrated with Amazon CloudWatch Logs", "LOW", &[(FSBP, ""), (CIS_1_2, "2.4"), (CIS_1_4, "3.4"), (PCI_3_2_1, "PCI.CloudTrail.4")]),
    c("CloudTrail.6", "Ensure the S3 bucket used to store CloudTrail logs is not publicly accessible", "CRITICAL", &[(CIS_1_2, "2.3"), (CIS_1_4, "3.3")]),
    c("CloudTrail.7", "Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket", "LOW", &[(CIS_1_2, "2.6"), (CIS_1_4, "3.6"), (CIS_3_0, "3.4")]),
    c("CloudTrail.9", "CloudTrail trails should be tagged", "LOW", &[]),
    c("CloudWatch.1", "A log metric filter and alarm should exist for usage of the \"root\" user", "LOW", &[(CIS_1_2, "1.1"), (CIS_1_2, "3.3"), (CIS_1_4, "1.7"), (CIS_1_4, "4.3"), (PCI_3_2_1, "PCI.CW.1")]),
    c("CloudWatch.2", "Ensure a log metric filter and alarm exist for unauthorized API calls", "LOW", &[(CIS_1_2, "3.1")]),
    c("CloudWatch.3", "Ensure a log metric filter and alarm exist for Management Console sign-in without MFA", "LOW", &[(CIS_1_2, "3.2")]),
    c("CloudWatch.4", "Ensure a log metric filter and alarm exist for IAM policy changes", "LOW", &[(CIS_1_2, "3.4"), (CIS_1_4, "4.4")]),
    c("CloudWatch.5", "Ensure a log metric filter and alarm exist for CloudTrail configuration changes", "LOW", &[(CIS_1_2, "3.5"), (CIS_1_4, "4.5")]),
    c("CloudWatch.6", "Ensure a log metric filter and alarm exist for AWS Management Console authentication failures", "LOW", &[(CIS_1_2, "3.6"), (CIS_1_4, "4.6")]),
    c("CloudWatch.7", "Ensure a log metric filter and alarm exist for disabling or scheduled deletion of customer created CMKs", "LOW", &[(CIS_1_2, "3.7"), (CIS_1_4, "4.7")]),
    c("CloudWatch.8", "Ensure a log metric filter and alarm exist for S3 bucket policy changes", "LOW", &[(CIS_1_2, "3.8"), (CIS_1_4, "4.8")]),
    c("CloudWatch.9", "Ensure a log metric filter and alarm exist for AWS Config configuration changes", "LOW", &[(CIS_1_2, "3.9"), (CIS_1_4, "4.9")]),
    c("CloudWatch.10", "Ensure a log metric filter and alarm exist for security group changes", "LOW", &[(CIS_1_2, "3.10"), (CIS_1_4, "4.10")]),
    c("CloudWatch.11", "Ensure a log metric filter and alarm exist for changes to Network Access Control Lists (NACL)", "LOW", &[(CIS_1_2, "3.11"), (CIS_1_4, "4.11")]),
    c("CloudWatch.12", "Ensure a log metric filter and alarm exist for changes to network gateways", "LOW", &[(CIS_1_2, "3.12"), (CIS_1_4, "4.12")]),
    c("CloudWatch.13", "Ensure a log metric filter and alarm exist for route table changes", "LOW", &[(CIS_1_2, "3.13"), (CIS_1_4, "4.13")]),
    c("CloudWatch.14", "Ensure a log metric filter and alarm exist for VPC changes", "LOW", &[(CIS_1_2, "3.14"), (CIS_1_4, "4.14")]),
    c("CodeBuild.1", "CodeBuild Bitbucket source repository URLs should not contain sensitive credentials", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.CodeBuild.1")]),
    c("CodeBuild.2", "CodeBuild project environment variables should not contain clear text credentials", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.CodeBuild.2")]),
    c("Config.1", "AWS Config should be enabled and use the service-linked role for resource recording", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.5"), (CIS_1_4, "3.5"), (CIS_3_0, "3.3"), (PCI_3_2_1, "PCI.Config.1")]),
    c("Detective.1", "Detective behavior graphs should be tagged", "LOW", &[]),
    c("DMS.1", "Database Migration Service replication instances should not be public", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.DMS.1")]),
    c("DynamoDB.5", "DynamoDB tables should be tagged", "LOW", &[]),
    c("EC2.1", "Amazon EBS snapshots should not be publicly restorable", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.EC2.1")]),
    c("EC2.2", "VPC default security groups should not allow inbound or outbound traffic", "HIGH", &[(FSBP, ""), (CIS_1_2, "4.3"), (CIS_1_4, "5.3"), (CIS_3_0, "5.4"), (PCI_3_2_1, "PCI.EC2.2")]),
    c("EC2.6", "VPC flow logging should be enabled in all VPCs", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "2.9"), (CIS_1_4, "3.9"), (CIS_3_0, "3.7"), (PCI_3_2_1, "PCI.EC2.6")]),
    c("EC2.7", "EBS default encryption should be enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.2.1"), (CIS_3_0, "2.2.1")]),
    c("EC2.8", "EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)", "HIGH", &[(FSBP, ""), (CIS_3_0, "5.6")]),
    c("EC2.12", "Unused Amazon EC2 EIPs should be removed", "LOW", &[(PCI_3_2_1, "PCI.EC2.4")]),
    c("EC2.13", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 22", "HIGH", &[(CIS_1_2, "4.1"), (PCI_3_2_1, "PCI.EC2.5")]),
    c("EC2.14", "Security groups should not allow ingress from 0.0.0.0/0 or ::/0 to port 3389", "HIGH", &[(CIS_1_2, "4.2")]),
    c("EC2.21", "Network ACLs should not allow ingress from 0.0.0.0/0 to port 22 or port 3389", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "5.1"), (CIS_3_0, "5.1")]),
    c("EC2.53", "EC2 security groups should not allow ingress from 0.0.0.0/0 to remote server administration ports", "HIGH", &[(FSBP, ""), (CIS_3_0, "5.2")]),
    c("EC2.54", "EC2 security groups should not allow ingress from ::/0 to remote server administration ports", "HIGH", &[(FSBP, ""), (CIS_3_0, "5.3")]),
    c("EFS.1", "Elastic File System should be configured to encrypt file data at-rest using AWS KMS", "MEDIUM", &[(FSBP, ""), (CIS_3_0, "2.4.1")]),
    c("ELB.1", "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS", "MEDIUM", &[(PCI_3_2_1, "PCI.ELBV2.1")]),
    c("ES.1", "Elasticsearch domains should have encryption at-rest enabled", "MEDIUM", &[(FSBP, ""), (PCI_3_2_1, "PCI.ES.2")]),
    c("ES.2", "Elasticsearch domains should not be publicly accessible", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.ES.1")]),
    c("GuardDuty.1", "GuardDuty should be enabled", "HIGH", &[(FSBP, ""), (PCI_3_2_1, "PCI.GuardDuty.1")]),
    c("GuardDuty.2", "GuardDuty filters should be tagged", "LOW", &[]),
    c("GuardDuty.4", "GuardDuty detectors should be tagged", "LOW", &[]),
    c("IAM.1", "IAM policies should not allow full \"*\" administrative privileges", "HIGH", &[(FSBP, ""), (CIS_1_2, "1.22"), (CIS_1_4, "1.16"), (PCI_3_2_1, "PCI.IAM.3")]),
    c("IAM.2", "IAM users should not have IAM policies attached", "LOW", &[(FSBP, ""), (CIS_1_2, "1.16"), (CIS_3_0, "1.15"), (PCI_3_2_1, "PCI.IAM.2")]),
    c("IAM.3", "IAM users' access keys should be rotated every 90 days or less", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.4"), (CIS_1_4, "1.14"), (CIS_3_0, "1.14")]),
    c("IAM.4", "IAM root user access key should not exist", "CRITICAL", &[(FSBP, ""), (CIS_1_2, "1.12"), (CIS_1_4, "1.4"), (CIS_3_0, "1.4"), (PCI_3_2_1, "PCI.IAM.1")]),
    c("IAM.5", "MFA should be enabled for all IAM users that have a console password", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.2"), (CIS_1_4, "1.10"), (CIS_3_0, "1.10")]),
    c("IAM.6", "Hardware MFA should be enabled for the root user", "CRITICAL", &[(FSBP, ""), (CIS_1_2, "1.14"), (CIS_1_4, "1.6"), (CIS_3_0, "1.6"), (PCI_3_2_1, "PCI.IAM.4")]),
    c("IAM.7", "Password policies for IAM users should have strong configurations", "MEDIUM", &[(FSBP, "")]),
    c("IAM.8", "Unused IAM user credentials should be removed", "MEDIUM", &[(FSBP, ""), (CIS_1_2, "1.3"), (PCI_3_2_1, "PCI.IAM.7")]),
    c("IAM.9", "MFA should be enabled for the root user", "CRITICAL", &[(CIS_1_2, "1.13"), (CIS_1_4, "1.5"), (CIS_3_0, "1.5"), (PCI_3_2_1, "PCI.IAM.5")]),
    c("IAM.10", "Password policies for IAM users should have strong AWS Configurations", "MEDIUM", &[(PCI_3_2_1, "PCI.IAM.8")]),
    c("IAM.11", "Ensure IAM password policy requires at least one uppercase letter", "MEDIUM", &[(CIS_1_2, "1.5")]),
    c("IAM.12", "Ensure IAM password policy requires at least one lowercase letter", "MEDIUM", &[(CIS_1_2, "1.6")]),
    c("IAM.13", "Ensure IAM password policy requires at least one symbol", "MEDIUM", &[(CIS_1_2, "1.7")]),
    c("IAM.14", "Ensure IAM password policy requires at least one number", "MEDIUM", &[(CIS_1_2, "1.8")]),
    c("IAM.15", "Ensure IAM password policy requires minimum password length of 14 or greater", "MEDIUM", &[(CIS_1_2, "1.9"), (CIS_1_4, "1.8"), (CIS_3_0, "1.8")]),
    c("IAM.16", "Ensure IAM password policy prevents password reuse", "LOW", &[(CIS_1_2, "1.10"), (CIS_1_4, "1.9"), (CIS_3_0, "1.9")]),
    c("IAM.17", "Ensure IAM password policy expires passwords within 90 days or less", "LOW", &[(CIS_1_2, "1.11")]),
    c("IAM.18", "Ensure a support role has been created to manage incidents with AWS Support", "LOW", &[(CIS_1_2, "1.20"), (CIS_1_4, "1.17"), (CIS_3_0, "1.17")]),
    c("IAM.19", "MFA should be enabled for all IAM users", "MEDIUM", &[(PCI_3_2_1, "PCI.IAM.6")]),
    c("IAM.21", "IAM customer managed policies that you create should not allow wildcard actions for services", "LOW", &[(FSBP, "")]),
    c("IAM.22", "IAM user credentials unused for 45 days should be removed", "MEDIUM", &[(CIS_1_4, "1.12"), (CIS_3_0, "1.12")]),
    c("IAM.23", "IAM Access Analyzer analyzers should be tagged", "LOW", &[]),
    c("IAM.24", "IAM roles should be tagged", "LOW", &[]),
    c("IAM.25", "IAM users should be tagged", "LOW", &[]),
    c("IAM.26", "Expired SSL/TLS certificates managed in IAM should be removed", "MEDIUM", &[(CIS_3_0, "1.19")]),
    c("IAM.27", "IAM identities should not have the AWSCloudShellFullAccess policy attached", "MEDIUM", &[(CIS_3_0, "1.22")]),
    c("IAM.28", "IAM Access Analyzer external access analyzer should be enabled", "HIGH", &[(CIS_3_0, "1.20")]),
    c("KMS.4", "AWS KMS key rotation should be enabled", "MEDIUM", &[(CIS_1_2, "2.8"), (CIS_1_4, "3.8"), (CIS_3_0, "3.6"), (PCI_3_2_1, "PCI.KMS.1")]),
    c("Lambda.1", "Lambda function policies should prohibit public access", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.Lambda.1")]),
    c("Lambda.3", "Lambda functions should be in a VPC", "LOW", &[(PCI_3_2_1, "PCI.Lambda.2")]),
    c("Opensearch.1", "OpenSearch domains should have encryption at rest enabled", "MEDIUM", &[(FSBP, ""), (PCI_3_2_1, "PCI.Opensearch.2")]),
    c("Opensearch.2", "OpenSearch domains should not be publicly accessible", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.Opensearch.1")]),
    c("RDS.1", "RDS snapshot should be private", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.RDS.1")]),
    c("RDS.2", "RDS DB instances should prohibit public access, as determined by the PubliclyAccessible configuration", "CRITICAL", &[(FSBP, ""), (CIS_3_0, "2.3.3"), (PCI_3_2_1, "PCI.RDS.2")]),
    c("RDS.3", "RDS DB instances should have encryption at-rest enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.3.1"), (CIS_3_0, "2.3.1")]),
    c("RDS.13", "RDS automatic minor version upgrades should be enabled", "HIGH", &[(FSBP, ""), (CIS_3_0, "2.3.2")]),
    c("Redshift.1", "Amazon Redshift clusters should prohibit public access", "CRITICAL", &[(FSBP, ""), (PCI_3_2_1, "PCI.Redshift.1")]),
    c("S3.1", "S3 general purpose buckets should have block public access settings enabled", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.1.5.1"), (PCI_3_2_1, "PCI.S3.6")]),
    c("S3.2", "S3 general purpose buckets should block public read access", "CRITICAL", &[(PCI_3_2_1, "PCI.S3.2")]),
    c("S3.3", "S3 general purpose buckets should block public write access", "CRITICAL", &[(PCI_3_2_1, "PCI.S3.1")]),
    c("S3.4", "S3 general purpose buckets should have server-side encryption enabled", "MEDIUM", &[(PCI_3_2_1, "PCI.S3.4")]),
    c("S3.5", "S3 general purpose buckets should require requests to use SSL", "MEDIUM", &[(FSBP, ""), (CIS_1_4, "2.1.2"), (CIS_3_0, "2.1.1"), (PCI_3_2_1, "PCI.S3.5")]),
    c("S3.7", "S3 general purpose buckets should use cross-Region replication", "LOW", &[(PCI_3_2_1, "PCI.S3.3")]),
    c("S3.8", "S3 general purpose buckets should block public access", "HIGH", &[(FSBP, ""), (CIS_1_4, "2.1.5.2"), (CIS_3_0, "2.1.4")]),
    c("S3.20", "S3 general purpose buckets should have MFA delete enabled", "LOW", &[(CIS_1_4, "2.1.3"), (CIS_3_0, "2.1.2")]),
    c("S3.22", "S3 general purpose buckets should log object-level write events", "MEDIUM", &[(CIS_3_0, "3.8")]),
    c("S3.23", "S3 general purpose buckets should log object-level read events", "MEDIUM", &[(CIS_3_0, "3.9")]),
    c("SageMaker.1", "Amazon SageMaker notebook instances should not have direct internet access", "HIGH", &[(FSBP, ""), (PCI_3_2_1, "PCI.SageMaker.1")]),
    c("SecretsManager.1", "Secrets Manager secrets should have automatic rotation enabled", "MEDIUM", &[(FSBP, "")]),
    c("SecretsManager.5", "Secrets Manager secrets should be tagged", "LOW", &[]),
    c("SNS.3", "SNS topics should be tagged", "LOW", &[]),
    c("SQS.2", "SQS queues should be tagged", "LOW", &[]),
    c("SSM.1", "EC2 instances should be managed by AWS Systems Manager", "MEDIUM", &[(FSBP, ""), (PCI_3_2_1, "PCI.SSM.3")]),
    c("SSM.2", "Amazon EC2 instances managed by Systems Manager should have a patch compliance status of COMPLIANT after a patch installation", "HIGH", &[(FSBP, ""), (PCI_3_2_1, "PCI.SSM.1")]),
    c("SSM.3", "Amazon EC2 instances managed by Systems Manager should have an association compliance status of COMPLIANT", "LOW", &[(FSBP, ""), (PCI_3_2_1, "PCI.SSM.2")]),
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
