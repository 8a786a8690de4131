//! AWS managed policies (`arn:aws:iam::aws:policy/…`): the ones multi-account
//! walkthroughs attach, the service-linked roles' policies and the `root-task/*`
//! policies of centralized root access.
//!
//! `AdministratorAccess`, `ViewOnlyAccess`-style one-liners and the root-task policies
//! are AWS's documents. `ReadOnlyAccess`, `SecurityAudit` and `ViewOnlyAccess` are
//! tens of kilobytes in AWS, listing every service's read actions: here they are a
//! faithful summary — the same read-only verbs (`Get*`, `List*`, `Describe*`, …) over
//! the services orgsim emulates and the common others.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use super::documents::IdentityDocument;
use crate::policy::PolicyDocument;

/// One AWS managed policy.
pub struct AwsManagedPolicy {
    pub name: &'static str,
    pub path: &'static str,
    /// `ANPA…`, fixed like AWS's.
    pub id: &'static str,
    pub description: &'static str,
    pub document: &'static str,
    /// `v<N>` of the current version.
    pub version: &'static str,
}

impl AwsManagedPolicy {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::aws:policy{}{}", self.path, self.name)
    }
}

const READ_SERVICES: &[&str] = &[
    "access-analyzer",
    "account",
    "budgets",
    "ce",
    "cloudformation",
    "cloudtrail",
    "cloudwatch",
    "config",
    "detective",
    "ec2",
    "guardduty",
    "health",
    "iam",
    "identitystore",
    "inspector2",
    "kms",
    "lambda",
    "logs",
    "macie2",
    "organizations",
    "s3",
    "securityhub",
    "sns",
    "sqs",
    "sso",
    "support",
    "trustedadvisor",
];

fn read_only_document(verbs: &[&str], extra: &[&str]) -> String {
    let mut actions: Vec<String> = READ_SERVICES
        .iter()
        .flat_map(|s| verbs.iter().map(move |v| format!("\"{s}:{v}\"")))
        .collect();
    actions.extend(extra.iter().map(|a| format!("\"{a}\"")));
    format!(
        "{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Action\":[{}],\"Resource\":\"*\"}}]}}",
        actions.join(",")
    )
}

static READ_ONLY: LazyLock<String> = LazyLock::new(|| {
    read_only_document(
        &[
            "Get*",
            "List*",
            "Describe*",
            "BatchGet*",
            "Search*",
            "Lookup*",
            "Select*",
        ],
        &[
            "iam:GenerateCredentialReport",
            "iam:GenerateServiceLastAccessedDetails",
            "iam:Simulate*",
            "sts:GetCallerIdentity",
        ],
    )
});
static SECURITY_AUDIT: LazyLock<String> = LazyLock::new(|| {
    read_only_document(
        &["Get*", "List*", "Describe*", "BatchGet*", "Lookup*"],
        &[
            "iam:GenerateCredentialReport",
            "iam:GenerateServiceLastAccessedDetails",
            "iam:SimulateCustomPolicy",
            "iam:SimulatePrincipalPolicy",
        ],
    )
});
static VIEW_ONLY: LazyLock<String> =
    LazyLock::new(|| read_only_document(&["List*", "Describe*"], &["iam:GetAccountSummary"]));

const ADMINISTRATOR: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

const ORGANIZATIONS_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AllowDeletionOfServiceLinkedRoleForOrganizations","Effect":"Allow","Action":["iam:DeleteRole"],"Resource":["arn:aws:iam::*:role/aws-service-role/organizations.amazonaws.com/*"]},{"Sid":"AllowCreationOfServiceLinkedRoles","Effect":"Allow","Action":["iam:CreateServiceLinkedRole"],"Resource":"*"}]}"#;
const GUARDDUTY_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"GuardDutyGetDescribeListPolicy","Effect":"Allow","Action":["ec2:Describe*","ec2:GetTransitGatewayAttachmentPropagations","ec2:SearchTransitGatewayRoutes","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:ListAccounts","iam:GetRole","s3:GetBucketPublicAccessBlock","s3:GetEncryptionConfiguration","s3:GetBucketTagging","s3:GetAccountPublicAccessBlock","s3:ListAllMyBuckets","s3:GetBucketAcl","s3:GetBucketPolicy","s3:GetBucketPolicyStatus","lambda:GetFunctionConfiguration","lambda:ListTags","eks:ListClusters","eks:DescribeCluster"],"Resource":"*"},{"Sid":"GuardDutyCreateSLRPolicy","Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*","Condition":{"StringEquals":{"iam:AWSServiceName":"malware-protection.guardduty.amazonaws.com"}}}]}"#;
/// The snapshot and scan actions of AWS's policy, not its every condition.
const GUARDDUTY_MALWARE_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DescribeAndListPermissions","Effect":"Allow","Action":["ec2:DescribeInstances","ec2:DescribeVolumes","ec2:DescribeSnapshots","ecs:ListClusters","ecs:ListContainerInstances","ecs:ListTasks","ecs:DescribeTasks","eks:DescribeCluster"],"Resource":"*"},{"Sid":"CreateSnapshotVolumeConditionalStatement","Effect":"Allow","Action":"ec2:CreateSnapshot","Resource":"arn:aws:ec2:*:*:volume/*","Condition":{"Null":{"aws:ResourceTag/GuardDutyExcluded":"true"}}},{"Sid":"CreateTagsPermission","Effect":"Allow","Action":"ec2:CreateTags","Resource":"arn:aws:ec2:*:*:*/*","Condition":{"StringEquals":{"ec2:CreateAction":"CreateSnapshot"}}},{"Sid":"DeleteSnapshotPermission","Effect":"Allow","Action":["ec2:DeleteSnapshot","ec2:ModifySnapshotAttribute"],"Resource":"arn:aws:ec2:*:*:snapshot/*","Condition":{"StringLike":{"aws:ResourceTag/GuardDutyScanId":"*"}}}]}"#;
const SECURITYHUB_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"SecurityHubServiceRolePermissions","Effect":"Allow","Action":["cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus","cloudtrail:GetEventSelectors","cloudwatch:DescribeAlarms","config:DescribeConfigurationRecorders","config:DescribeConfigurationRecorderStatus","config:DescribeConfigRules","config:BatchGetResourceConfig","config:SelectResourceConfig","iam:GenerateCredentialReport","iam:GetCredentialReport","iam:ListUsers","iam:ListAttachedUserPolicies","organizations:ListAccounts","organizations:DescribeAccount","organizations:DescribeOrganization","s3:GetBucketLogging","s3:ListAllMyBuckets"],"Resource":"*"},{"Sid":"SecurityHubServiceRoleConfigPermissions","Effect":"Allow","Action":["config:PutConfigRule","config:DeleteConfigRule","config:GetComplianceDetailsByConfigRule"],"Resource":"arn:aws:config:*:*:config-rule/aws-service-rule/*securityhub*"}]}"#;
const CONFIG_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSConfigServiceRolePolicyStatementID","Effect":"Allow","Action":["cloudtrail:DescribeTrails","ec2:Describe*","guardduty:GetDetector","guardduty:ListDetectors","iam:GetAccountAuthorizationDetails","iam:GetAccountPasswordPolicy","iam:GetAccountSummary","iam:GetGroup","iam:GetPolicy","iam:GetPolicyVersion","iam:GetRole","iam:GetUser","iam:ListAttachedRolePolicies","iam:ListRoles","iam:ListUsers","organizations:DescribeOrganization","organizations:ListAccounts","s3:GetBucketPolicy","s3:ListAllMyBuckets","securityhub:DescribeHub"],"Resource":"*"}]}"#;
const CONFIG_ROLE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:DescribeTrails","config:Put*","config:Get*","config:List*","config:Describe*","config:BatchGet*","config:Select*","ec2:Describe*","guardduty:Get*","guardduty:List*","iam:Get*","iam:List*","organizations:Describe*","organizations:List*","s3:GetBucket*","s3:ListAllMyBuckets","securityhub:Describe*"],"Resource":"*"}]}"#;
const SUPPORT_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AWSSupportAPIAccess","Effect":"Allow","Action":["support:*","trustedadvisor:Describe*","iam:GetRole","iam:ListRoles","organizations:DescribeOrganization","organizations:ListAccounts"],"Resource":"*"}]}"#;
const TRUSTED_ADVISOR_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TrustedAdvisorServiceRolePermissions","Effect":"Allow","Action":["ec2:Describe*","iam:GenerateCredentialReport","iam:GetAccountPasswordPolicy","iam:GetAccountSummary","iam:GetCredentialReport","iam:ListRoles","iam:ListUsers","organizations:DescribeOrganization","organizations:ListAccounts","s3:GetBucketPolicy","s3:ListAllMyBuckets","cloudtrail:DescribeTrails","cloudtrail:GetTrailStatus"],"Resource":"*"}]}"#;
const ACCESS_ANALYZER_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GetRole","iam:ListRoles","iam:GetPolicy","iam:GetPolicyVersion","kms:DescribeKey","kms:GetKeyPolicy","kms:ListKeys","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:ListAccounts","organizations:ListAWSServiceAccessForOrganization","organizations:ListDelegatedAdministrators","s3:GetBucketPolicy","s3:GetBucketPolicyStatus","s3:ListAllMyBuckets","sqs:GetQueueAttributes","sqs:ListQueues"],"Resource":"*"}]}"#;
const SSO_SLR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"IAMRoleProvisioningActions","Effect":"Allow","Action":["iam:AttachRolePolicy","iam:CreateRole","iam:DeleteRole","iam:DeleteRolePolicy","iam:DetachRolePolicy","iam:GetRole","iam:ListRolePolicies","iam:PutRolePolicy","iam:ListAttachedRolePolicies","iam:PutRolePermissionsBoundary","iam:DeleteRolePermissionsBoundary","iam:UpdateRole","iam:UpdateRoleDescription","iam:UpdateAssumeRolePolicy"],"Resource":["arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*"]},{"Sid":"IAMSLRManagementActions","Effect":"Allow","Action":["iam:DeleteServiceLinkedRole","iam:GetServiceLinkedRoleDeletionStatus","iam:DeleteRole","iam:GetRole"],"Resource":["arn:aws:iam::*:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"]},{"Sid":"AllowListActions","Effect":"Allow","Action":["iam:ListRoles","organizations:ListAccounts","organizations:DescribeOrganization","organizations:ListAWSServiceAccessForOrganization","organizations:ListDelegatedAdministrators"],"Resource":"*"}]}"#;

const ROOT_AUDIT: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"AuditRootUserCredentials","Effect":"Allow","Action":["iam:GetAccountSummary","iam:GetLoginProfile","iam:GetUser","iam:ListAccessKeys","iam:ListMFADevices","iam:ListSigningCertificates","iam:GetAccessKeyLastUsed","iam:GetMFADevice"],"Resource":"*"}]}"#;
const ROOT_CREATE_PASSWORD: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CreateRootUserPassword","Effect":"Allow","Action":["iam:CreateLoginProfile","iam:GetLoginProfile","iam:GetUser"],"Resource":"*"}]}"#;
const ROOT_DELETE_CREDENTIALS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DeleteRootUserCredentials","Effect":"Allow","Action":["iam:DeleteAccessKey","iam:DeleteLoginProfile","iam:DeactivateMFADevice","iam:DeleteVirtualMFADevice","iam:DeleteSigningCertificate","iam:GetAccessKeyLastUsed","iam:GetLoginProfile","iam:GetUser","iam:ListAccessKeys","iam:ListMFADevices","iam:ListSigningCertificates"],"Resource":"*"}]}"#;
const ROOT_S3_UNLOCK: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"UnlockBucketPolicy","Effect":"Allow","Action":["s3:DeleteBucketPolicy","s3:GetBucketPolicy","s3:ListAllMyBuckets"],"Resource":"*"}]}"#;
const ROOT_SQS_UNLOCK: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"UnlockQueuePolicy","Effect":"Allow","Action":["sqs:SetQueueAttributes","sqs:GetQueueAttributes","sqs:ListQueues","sqs:GetQueueUrl"],"Resource":"*"}]}"#;

macro_rules! policy {
    ($name:literal, $path:literal, $id:literal, $version:literal, $description:literal, $document:expr) => {
        (
            $name,
            $path,
            $id,
            $version,
            $description,
            $document as fn() -> String,
        )
    };
}

type Entry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    fn() -> String,
);

const CATALOG: &[Entry] = &[
    policy!("AdministratorAccess", "/", "ANPAIWMBCKSKIEE64ZLYK", "v1", "Provides full access to AWS services and resources.", || ADMINISTRATOR.to_string()),
    policy!("ReadOnlyAccess", "/", "ANPAILL3HVNFSB6DCOWYQ", "v118", "Provides read-only access to AWS services and resources.", || READ_ONLY.clone()),
    policy!("SecurityAudit", "/", "ANPAIX2T3QCXHR2OGGCTO", "v45", "The security audit template grants access to read security configuration metadata. It is useful for software that audits the configuration of an AWS account.", || SECURITY_AUDIT.clone()),
    policy!("ViewOnlyAccess", "/job-function/", "ANPAID22R6XPJATWOFDK6", "v20", "This policy grants permissions to view resources and basic metadata across all AWS services", || VIEW_ONLY.clone()),
    policy!("AWSOrganizationsServiceTrustPolicy", "/aws-service-role/", "ANPAIQH6ROMVVECFVRJPK", "v3", "Policy to enable AWS Organizations to share trust with other AWS services, and to manage the Organizations service-linked roles.", || ORGANIZATIONS_SLR.to_string()),
    policy!("AmazonGuardDutyServiceRolePolicy", "/aws-service-role/", "ANPAIHZREZOWNSSA6FWQO", "v12", "Enables access to AWS Resources used or managed by Amazon GuardDuty", || GUARDDUTY_SLR.to_string()),
    policy!("AmazonGuardDutyMalwareProtectionServiceRolePolicy", "/aws-service-role/", "ANPAZKAPJZG4MWPGDSLR1", "v4", "Amazon GuardDuty Malware Protection service-linked role policy", || GUARDDUTY_MALWARE_SLR.to_string()),
    policy!("AWSSecurityHubServiceRolePolicy", "/aws-service-role/", "ANPAJQPCJY2HBF5A5ABJU", "v18", "Service-Linked role policy for AWS Security Hub", || SECURITYHUB_SLR.to_string()),
    policy!("AWSConfigServiceRolePolicy", "/aws-service-role/", "ANPAJUCWFHNZER665LLQQ", "v60", "Enables AWS Config to call AWS services and collect configurations on your behalf.", || CONFIG_SLR.to_string()),
    policy!("AWS_ConfigRole", "/service-role/", "ANPAIQRXRDRGJUA33ELIO", "v60", "Provides permissions to get configuration details for supported AWS resources.", || CONFIG_ROLE.to_string()),
    policy!("AWSSupportServiceRolePolicy", "/aws-service-role/", "ANPAJ7W6266ELXF5MISDS", "v30", "Enables resource access for AWS to provide billing, administrative and support services", || SUPPORT_SLR.to_string()),
    policy!("AWSTrustedAdvisorServiceRolePolicy", "/aws-service-role/", "ANPAJH4QJ2WMHBOB47BUE", "v12", "Access policy for the Trusted Advisor Service Linked Role", || TRUSTED_ADVISOR_SLR.to_string()),
    policy!("AccessAnalyzerServiceRolePolicy", "/service-role/", "ANPAZKAPJZG4PJVJVG5CO", "v10", "Allow Access Analyzer to analyze resource metadata", || ACCESS_ANALYZER_SLR.to_string()),
    policy!("AWSSSOServiceRolePolicy", "/aws-service-role/", "ANPAJ3DXEWUN2BAS6I6Y2", "v25", "Grants AWS SSO permissions to AWS resources and settings", || SSO_SLR.to_string()),
    policy!("IAMAuditRootUserCredentials", "/root-task/", "ANPAZKAPJZG4ONJGRZ6YZ", "v1", "Provides access to audit the root user credentials of a member account.", || ROOT_AUDIT.to_string()),
    policy!("IAMCreateRootUserPassword", "/root-task/", "ANPAZKAPJZG4L5UNS4F7Y", "v1", "Provides access to allow password recovery for the root user of a member account.", || ROOT_CREATE_PASSWORD.to_string()),
    policy!("IAMDeleteRootUserCredentials", "/root-task/", "ANPAZKAPJZG4DLW2ZTDMH", "v1", "Provides access to delete the root user credentials of a member account.", || ROOT_DELETE_CREDENTIALS.to_string()),
    policy!("S3UnlockBucketPolicy", "/root-task/", "ANPAZKAPJZG4FO7HTVB3P", "v1", "Provides access to delete a misconfigured bucket policy that denies all principals access to an Amazon S3 bucket.", || ROOT_S3_UNLOCK.to_string()),
    policy!("SQSUnlockQueuePolicy", "/root-task/", "ANPAZKAPJZG4B2QYMCPCG", "v1", "Provides access to delete a misconfigured queue policy that denies all principals access to an Amazon SQS queue.", || ROOT_SQS_UNLOCK.to_string()),
];

/// A managed policy and its parsed document.
pub struct Managed {
    pub policy: AwsManagedPolicy,
    pub document: IdentityDocument,
}

impl Managed {
    pub fn parsed(&self) -> Option<&Arc<PolicyDocument>> {
        self.document.parsed.as_ref()
    }
}

static BY_ARN: LazyLock<BTreeMap<String, Managed>> = LazyLock::new(|| {
    CATALOG
        .iter()
        .map(|(name, path, id, version, description, document)| {
            let text: &'static str = Box::leak(document().into_boxed_str());
            let policy = AwsManagedPolicy {
                name,
                path,
                id,
                description,
                document: text,
                version,
            };
            (
                policy.arn(),
                Managed {
                    document: IdentityDocument::trusted(text),
                    policy,
                },
            )
        })
        .collect()
});

/// The AWS managed policy with this ARN.
pub fn by_arn(arn: &str) -> Option<&'static Managed> {
    BY_ARN.get(arn)
}

/// Every AWS managed policy, by ARN.
pub fn all() -> impl Iterator<Item = (&'static String, &'static Managed)> {
    BY_ARN.iter()
}

/// Whether an ARN names an AWS managed policy (known to orgsim or not).
pub fn is_aws_managed_arn(arn: &str) -> bool {
    arn.starts_with("arn:aws:iam::aws:policy/")
}

/// The ARN of an AWS managed policy by name, for services that attach one.
pub fn arn_of(name: &str) -> String {
    BY_ARN
        .iter()
        .find(|(_, m)| m.policy.name == name)
        .map(|(arn, _)| arn.clone())
        .unwrap_or_else(|| format!("arn:aws:iam::aws:policy/{name}"))
}

/// The five `root-task/*` policies `AssumeRoot` accepts.
pub fn is_root_task_policy(arn: &str) -> bool {
    arn.starts_with("arn:aws:iam::aws:policy/root-task/") && by_arn(arn).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_managed_policy_parses() {
        for (arn, managed) in all() {
            assert!(managed.parsed().is_some(), "{arn} parses");
        }
        assert!(by_arn("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        assert!(by_arn("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess").is_some());
        assert!(is_root_task_policy(
            "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"
        ));
        assert!(!is_root_task_policy(
            "arn:aws:iam::aws:policy/AdministratorAccess"
        ));
    }
}
