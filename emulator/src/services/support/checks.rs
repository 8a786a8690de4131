//! Trusted Advisor's security checks that orgsim can answer from real state, with
//! AWS's check ids, names and metadata columns. Both Trusted Advisor APIs read them:
//! the support API's `DescribeTrustedAdvisor…` operations and the `trustedadvisor`
//! API's recommendations. Results are computed from the world when asked (AWS
//! refreshes Business-plan security checks by itself; see the README).

use crate::regions::REGIONS;
use crate::services::iam::model::{account_range, KeyStatus};
use crate::world::World;

/// One check as AWS lists it.
#[derive(Debug)]
pub struct Check {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// The support API's category (`security`); the `trustedadvisor` API's pillar.
    pub category: &'static str,
    /// The AWS service the check looks at, as the `trustedadvisor` API names it.
    pub aws_service: &'static str,
    /// The columns of each flagged resource's `metadata`.
    pub metadata: &'static [&'static str],
}

pub const ROOT_MFA: &str = "7DAFEmoDos";
pub const IAM_USE: &str = "zXCkfM1nI3";
pub const PASSWORD_POLICY: &str = "Yw2K9puPzl";
pub const KEY_ROTATION: &str = "DqdJqYeRm5";
pub const CLOUDTRAIL_LOGGING: &str = "vjafUGJ9H0";
pub const S3_PERMISSIONS: &str = "Pfx0RwqBli";
pub const EXPOSED_KEYS: &str = "12Fnkpl8Y5";

/// The checks, in the order AWS lists its security checks.
pub const CHECKS: &[Check] = &[
    Check {
        id: S3_PERMISSIONS,
        name: "Amazon S3 Bucket Permissions",
        description: "Checks buckets in Amazon Simple Storage Service (Amazon S3) that have open access permissions, or that allow access to any authenticated AWS user.",
        category: "security",
        aws_service: "s3",
        metadata: &["Region Name", "Region API Parameter", "Bucket Name", "ACL Allows List", "ACL Allows Upload/Delete", "Status", "Policy Allows Access"],
    },
    Check {
        id: IAM_USE,
        name: "IAM Use",
        description: "Checks for your use of AWS Identity and Access Management (IAM). You can use IAM to create users, groups, and roles in AWS, and you can use permissions to control access to AWS resources.",
        category: "security",
        aws_service: "iam",
        metadata: &[],
    },
    Check {
        id: ROOT_MFA,
        name: "MFA on Root Account",
        description: "Checks the root account and warns if multi-factor authentication (MFA) is not enabled. For increased security, we recommend that you protect your account by using MFA, which requires a user to enter a unique authentication code from their MFA hardware or virtual device when interacting with the AWS Management Console and associated websites.",
        category: "security",
        aws_service: "iam",
        metadata: &[],
    },
    Check {
        id: PASSWORD_POLICY,
        name: "IAM Password Policy",
        description: "Checks the password policy for your account and warns when a password policy is not enabled, or if password content requirements have not been enabled.",
        category: "security",
        aws_service: "iam",
        metadata: &["Password Policy", "Uppercase", "Lowercase", "Number", "Non-alphanumeric", "Status", "Reason"],
    },
    Check {
        id: KEY_ROTATION,
        name: "IAM Access Key Rotation",
        description: "Checks for active IAM access keys that have not been rotated in 90 days or more.",
        category: "security",
        aws_service: "iam",
        metadata: &["Status", "IAM User", "Access Key", "Key Last Rotated", "Reason"],
    },
    Check {
        id: EXPOSED_KEYS,
        name: "Exposed Access Keys",
        description: "Checks popular code repositories for access keys that have been exposed to the public and for irregular Amazon Elastic Compute Cloud (Amazon EC2) usage that could be the result of a compromised access key.",
        category: "security",
        aws_service: "iam",
        metadata: &["Access Key ID", "User Name (IAM or Root)", "Fraud Type", "Case ID", "Time Updated", "Location", "Deadline", "Usage (USD per Day)"],
    },
    Check {
        id: CLOUDTRAIL_LOGGING,
        name: "AWS CloudTrail Logging",
        description: "Checks for your use of AWS CloudTrail. CloudTrail provides increased visibility into activity in your AWS account by recording information about AWS API calls made on the account.",
        category: "security",
        aws_service: "cloudtrail",
        metadata: &["Region", "Trail Name", "Logging Status", "Bucket Name", "Last Delivery Error", "Status"],
    },
];

pub fn check(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// How a resource (or the whole check) stands, worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Warning,
    Error,
}

impl Status {
    /// The support API's words.
    pub fn support_name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

/// One resource a check looked at.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub resource_id: String,
    /// `None`: a global or account-wide resource.
    pub region: Option<String>,
    pub status: Status,
    pub metadata: Vec<String>,
    /// Excluded by the account (the `trustedadvisor` API's
    /// `BatchUpdateRecommendationResourceExclusion`; "suppressed" in the support API):
    /// shown, but no longer counted in the check's status.
    pub suppressed: bool,
}

/// What a check found in one account.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub status: Status,
    pub resources: Vec<Resource>,
}

impl Evaluation {
    /// The resources the check flags (not the suppressed ones).
    pub fn flagged(&self) -> impl Iterator<Item = &Resource> {
        self.resources
            .iter()
            .filter(|r| r.status != Status::Ok && !r.suppressed)
    }

    pub fn suppressed(&self) -> impl Iterator<Item = &Resource> {
        self.resources.iter().filter(|r| r.suppressed)
    }

    fn of(resources: Vec<Resource>) -> Evaluation {
        let status = resources
            .iter()
            .map(|r| r.status)
            .max()
            .unwrap_or(Status::Ok);
        Evaluation { status, resources }
    }
}

const DAY_MS: i64 = 24 * 3600 * 1000;

fn yes_no(b: bool) -> String {
    if b { "Yes" } else { "No" }.to_string()
}

/// A check's result for `account`, from the world as it is.
pub fn evaluate(world: &World, account: &str, check: &Check) -> Evaluation {
    let mut evaluation = match check.id {
        ROOT_MFA => root_mfa(world, account),
        IAM_USE => iam_use(world, account),
        PASSWORD_POLICY => password_policy(world, account),
        KEY_ROTATION => key_rotation(world, account),
        CLOUDTRAIL_LOGGING => cloudtrail_logging(world, account),
        S3_PERMISSIONS => s3_permissions(world, account),
        _ => exposed_keys(world, account),
    };
    for resource in &mut evaluation.resources {
        resource.suppressed = world.support.suppressed.contains(&suppression_key(
            account,
            check.id,
            &resource.resource_id,
        ));
    }
    evaluation.status = evaluation
        .resources
        .iter()
        .filter(|r| !r.suppressed)
        .map(|r| r.status)
        .max()
        .unwrap_or(Status::Ok);
    evaluation
}

/// The key of a suppressed resource: `<account>/<check id>/<resource id>`.
pub fn suppression_key(account: &str, check: &str, resource_id: &str) -> String {
    format!("{account}/{check}/{resource_id}")
}

fn account_resource(account: &str, status: Status, metadata: Vec<String>) -> Evaluation {
    Evaluation::of(vec![Resource {
        resource_id: account.to_string(),
        suppressed: false,
        region: None,
        status,
        metadata,
    }])
}

/// Red while the root user has no MFA device.
fn root_mfa(world: &World, account: &str) -> Evaluation {
    let on = world
        .iam
        .accounts
        .get(account)
        .is_some_and(|a| a.root_mfa.is_some());
    account_resource(account, if on { Status::Ok } else { Status::Error }, vec![])
}

/// Yellow while the account has no IAM user.
fn iam_use(world: &World, account: &str) -> Evaluation {
    let (from, to) = account_range(account);
    let any = world.iam.users.range(from..to).next().is_some();
    account_resource(
        account,
        if any { Status::Ok } else { Status::Warning },
        vec![],
    )
}

/// Yellow without a password policy, or with one that lacks a content requirement.
fn password_policy(world: &World, account: &str) -> Evaluation {
    let policy = world
        .iam
        .accounts
        .get(account)
        .and_then(|a| a.password_policy.as_ref());
    let Some(policy) = policy else {
        return account_resource(
            account,
            Status::Warning,
            vec![
                "Disabled".into(),
                "No".into(),
                "No".into(),
                "No".into(),
                "No".into(),
                "Yellow".into(),
                "No password policy is enabled".into(),
            ],
        );
    };
    let complete = policy.require_uppercase
        && policy.require_lowercase
        && policy.require_numbers
        && policy.require_symbols;
    let status = if complete {
        Status::Ok
    } else {
        Status::Warning
    };
    account_resource(
        account,
        status,
        vec![
            "Enabled".into(),
            yes_no(policy.require_uppercase),
            yes_no(policy.require_lowercase),
            yes_no(policy.require_numbers),
            yes_no(policy.require_symbols),
            if complete { "Green" } else { "Yellow" }.into(),
            if complete {
                "Every content requirement is enabled"
            } else {
                "At least one content requirement is not enabled"
            }
            .into(),
        ],
    )
}

/// Every active access key of an IAM user: green if rotated in the last 90 days,
/// yellow within two years, red after.
fn key_rotation(world: &World, account: &str) -> Evaluation {
    let now = world.clock.now_ms();
    let resources = world
        .iam
        .access_keys
        .values()
        .filter(|k| k.account_id == account && k.status == KeyStatus::Active)
        .filter_map(|k| k.user_name.as_ref().map(|user| (k, user)))
        .map(|(key, user)| {
            let age = now - key.created_ms;
            let (status, word, reason) = if age > 730 * DAY_MS {
                (Status::Error, "Red", "Key not rotated in the last 2 years")
            } else if age > 90 * DAY_MS {
                (
                    Status::Warning,
                    "Yellow",
                    "Key not rotated in the last 90 days",
                )
            } else {
                (Status::Ok, "Green", "Key rotated in the last 90 days")
            };
            Resource {
                resource_id: key.id.clone(),
                suppressed: false,
                region: None,
                status,
                metadata: vec![
                    word.into(),
                    user.clone(),
                    key.id.clone(),
                    crate::world::iso8601(key.created_ms),
                    reason.into(),
                ],
            }
        })
        .collect();
    Evaluation::of(resources)
}

/// Every default Region: green where a trail that covers the account logs, red where
/// none does.
fn cloudtrail_logging(world: &World, account: &str) -> Evaluation {
    let org = world
        .organizations
        .organization_of(account)
        .map(|o| o.id.clone());
    let covering: Vec<_> = world
        .cloudtrail
        .trails
        .values()
        .filter(|t| {
            t.account_id == account
                || (t.is_organization_trail
                    && t.organization_id.is_some()
                    && t.organization_id == org)
        })
        .collect();
    let resources = REGIONS
        .iter()
        .filter(|r| !r.opt_in)
        .map(|region| {
            let trail = covering
                .iter()
                .filter(|t| t.is_multi_region_trail || t.home_region == region.name)
                .find(|t| t.status.is_logging)
                .or_else(|| {
                    covering
                        .iter()
                        .find(|t| t.is_multi_region_trail || t.home_region == region.name)
                });
            let logging = trail.is_some_and(|t| t.status.is_logging);
            let status = if logging { Status::Ok } else { Status::Error };
            Resource {
                resource_id: format!("{account}-{}", region.name),
                suppressed: false,
                region: Some(region.name.to_string()),
                status,
                metadata: vec![
                    region.name.to_string(),
                    trail.map(|t| t.name.clone()).unwrap_or_default(),
                    if logging { "On" } else { "Off" }.into(),
                    trail.map(|t| t.s3_bucket_name.clone()).unwrap_or_default(),
                    trail
                        .and_then(|t| t.status.latest_delivery_error.clone())
                        .unwrap_or_default(),
                    if logging { "Green" } else { "Red" }.into(),
                ],
            }
        })
        .collect();
    Evaluation::of(resources)
}

/// Every bucket of the account: red when its policy lets anyone in (and no public
/// access block restricts it). orgsim keeps no ACLs beyond the owner's.
fn s3_permissions(world: &World, account: &str) -> Evaluation {
    let resources = world
        .s3
        .buckets
        .values()
        .filter(|b| b.owner == account)
        .map(|bucket| {
            let restricted = bucket
                .public_access_block
                .as_ref()
                .is_some_and(|b| b.restrict_public_buckets);
            let open = !restricted
                && bucket
                    .policy
                    .as_ref()
                    .is_some_and(|p| crate::services::s3::policy_rules::is_public(&p.document));
            let status = if open { Status::Error } else { Status::Ok };
            let description = crate::regions::region(&bucket.region)
                .map(|r| r.description.to_string())
                .unwrap_or_else(|| bucket.region.clone());
            Resource {
                resource_id: bucket.name.clone(),
                suppressed: false,
                region: Some(bucket.region.clone()),
                status,
                metadata: vec![
                    description,
                    bucket.region.clone(),
                    bucket.name.clone(),
                    "No".into(),
                    "No".into(),
                    if open { "Red" } else { "Green" }.into(),
                    yes_no(open),
                ],
            }
        })
        .collect();
    Evaluation::of(resources)
}

/// orgsim is offline: no key of it is ever found in a public repository, so the
/// check looks at every active key and flags none.
fn exposed_keys(world: &World, account: &str) -> Evaluation {
    let resources = world
        .iam
        .access_keys
        .values()
        .filter(|k| k.account_id == account && k.status == KeyStatus::Active)
        .map(|key| Resource {
            resource_id: key.id.clone(),
            suppressed: false,
            region: None,
            status: Status::Ok,
            metadata: vec![
                key.id.clone(),
                key.user_name.clone().unwrap_or_else(|| "root".into()),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
        })
        .collect();
    Evaluation::of(resources)
}
