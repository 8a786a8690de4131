//! orgsim's catalog of Custom Detection Rules (AWS's own catalog is not part of the
//! API model) and how a recorded call meets them: each rule matches CloudTrail
//! management events by event source and name, as its SQL definition says.

use serde_json::json;

use super::findings::add_findings;
use super::model::Finding;
use crate::auth::{Caller, Principal};
use crate::world::World;

/// One rule of the catalog.
pub struct CatalogRule {
    pub id: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    /// `DetectionRuleSeverity`.
    pub severity: &'static str,
    pub tactic: &'static str,
    pub technique: &'static str,
    pub service: &'static str,
    /// Signing name of the service whose events the rule reads.
    pub source: &'static str,
    pub events: &'static [&'static str],
    /// Only calls of the account's root user match.
    pub root_only: bool,
    pub expression: &'static str,
    /// When the rule entered the catalog (orgsim's first release of it).
    pub created_ms: i64,
}

impl CatalogRule {
    /// Rules are GuardDuty's, so their ARNs name no customer account.
    pub fn arn(&self, region: &str) -> String {
        format!(
            "arn:aws:guardduty:{region}:aws:custom-detection-rule/{}",
            self.id
        )
    }

    /// The finding type a live match produces: `Tactic:Service/Technique`.
    pub fn finding_type(&self) -> String {
        format!("{}:{}/{}", self.tactic, self.service, self.technique)
    }

    fn matches(&self, caller: &Caller, source: &str, operation: &str) -> bool {
        self.source == source
            && self.events.contains(&operation)
            && (!self.root_only || matches!(caller.principal, Principal::Root))
    }

    fn severity_score(&self) -> f64 {
        match self.severity {
            "CRITICAL" => 9.0,
            "HIGH" => 8.0,
            "MEDIUM" => 5.0,
            _ => 2.0,
        }
    }
}

const RELEASED_MS: i64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/// The catalog, sorted by id (listings page by id).
pub const CATALOG: &[CatalogRule] = &[
    CatalogRule {
        id: "cloudtrail-logging-stopped",
        name: "CloudTrail logging stopped or trail deleted",
        description: "A trail stopped logging or was deleted, which removes the record of later activity.",
        severity: "HIGH",
        tactic: "DefenseEvasion",
        technique: "ImpairDefenses",
        service: "CloudTrail",
        source: "cloudtrail",
        events: &["StopLogging", "DeleteTrail"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'cloudtrail.amazonaws.com' AND eventname IN ('StopLogging', 'DeleteTrail') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "guardduty-detector-deleted",
        name: "GuardDuty detector deleted or disabled",
        description: "A GuardDuty detector was deleted or disabled, ending threat detection in the Region.",
        severity: "HIGH",
        tactic: "DefenseEvasion",
        technique: "ImpairDefenses",
        service: "GuardDuty",
        source: "guardduty",
        events: &["DeleteDetector", "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'guardduty.amazonaws.com' AND eventname IN ('DeleteDetector', 'DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "iam-root-access-key-created",
        name: "Access key created for the root user",
        description: "The root user created an access key, giving long-term credentials with unrestricted access.",
        severity: "CRITICAL",
        tactic: "Persistence",
        technique: "AccountManipulation",
        service: "IAM",
        source: "iam",
        events: &["CreateAccessKey"],
        root_only: true,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com' AND eventname = 'CreateAccessKey' AND useridentity.type = 'Root' AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "iam-policy-attached-to-user",
        name: "Managed policy attached to an IAM user",
        description: "A managed policy was attached to an IAM user directly rather than through a group or role.",
        severity: "MEDIUM",
        tactic: "PrivilegeEscalation",
        technique: "AccountManipulation",
        service: "IAM",
        source: "iam",
        events: &["AttachUserPolicy", "PutUserPolicy"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'iam.amazonaws.com' AND eventname IN ('AttachUserPolicy', 'PutUserPolicy') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "organizations-account-left",
        name: "Account left or was removed from the organization",
        description: "An account left the organization or was removed from it, escaping its service control policies.",
        severity: "HIGH",
        tactic: "DefenseEvasion",
        technique: "LeaveOrganization",
        service: "Organizations",
        source: "organizations",
        events: &["LeaveOrganization", "RemoveAccountFromOrganization"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'organizations.amazonaws.com' AND eventname IN ('LeaveOrganization', 'RemoveAccountFromOrganization') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "organizations-policy-detached",
        name: "Organization policy detached",
        description: "A service control policy or other organization policy was detached from a root, OU or account.",
        severity: "MEDIUM",
        tactic: "DefenseEvasion",
        technique: "ImpairDefenses",
        service: "Organizations",
        source: "organizations",
        events: &["DetachPolicy", "DisablePolicyType"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'organizations.amazonaws.com' AND eventname IN ('DetachPolicy', 'DisablePolicyType') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "s3-bucket-public-access-changed",
        name: "S3 bucket policy or public access block changed",
        description: "A bucket policy was written or a bucket's public access block was removed, which can expose its objects.",
        severity: "MEDIUM",
        tactic: "Exfiltration",
        technique: "TransferDataToCloudAccount",
        service: "S3",
        source: "s3",
        events: &["PutBucketPolicy", "DeletePublicAccessBlock", "DeleteBucketPolicy"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 's3.amazonaws.com' AND eventname IN ('PutBucketPolicy', 'DeleteBucketPolicy', 'DeletePublicAccessBlock') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
    CatalogRule {
        id: "securityhub-disabled",
        name: "Security Hub disabled",
        description: "Security Hub was disabled in the account, ending its checks and finding aggregation in the Region.",
        severity: "HIGH",
        tactic: "DefenseEvasion",
        technique: "ImpairDefenses",
        service: "SecurityHub",
        source: "securityhub",
        events: &["DisableSecurityHub", "DisassociateFromAdministratorAccount", "DisassociateFromMasterAccount"],
        root_only: false,
        expression: "SELECT * FROM cloudtrail WHERE eventsource = 'securityhub.amazonaws.com' AND eventname IN ('DisableSecurityHub', 'DisassociateFromAdministratorAccount', 'DisassociateFromMasterAccount') AND errorcode IS NULL",
        created_ms: RELEASED_MS,
    },
];

pub fn rule(id: &str) -> Option<&'static CatalogRule> {
    CATALOG.iter().find(|r| r.id == id)
}

/// A successful call recorded in `region` meets the caller's rule associations there:
/// a live one raises (or adds to) its finding, a dry run counts the match. Called by
/// CloudTrail's recorder, inside the same operation.
pub fn observe(world: &mut World, caller: &Caller, region: &str, source: &str, operation: &str) {
    let now = world.clock.now_ms();
    let Some(detector) = world.guardduty.detector(region, &caller.account_id) else {
        return;
    };
    if !detector.enabled {
        return;
    }
    let hits: Vec<(String, &'static CatalogRule, bool)> = detector
        .rule_associations
        .values()
        .filter(|a| a.expires_ms.is_none_or(|end| end > now))
        .filter_map(|a| {
            let r = rule(&a.rule_id)?;
            r.matches(caller, source, operation)
                .then(|| (a.id.clone(), r, a.mode == "LIVE"))
        })
        .collect();
    if hits.is_empty() {
        return;
    }
    let detector_id = detector.id.clone();
    let mut new_findings = Vec::new();
    for (association_id, r, live) in hits {
        let detector = world.guardduty.detector_mut(region, &caller.account_id);
        if let Some(a) = detector.rule_associations.get_mut(&association_id) {
            a.matches += 1;
        }
        if !live {
            continue;
        }
        let finding_type = r.finding_type();
        // Signals of one tactic, service and technique aggregate into one finding.
        let aggregate = detector
            .findings
            .values()
            .find(|f| !f.archived && !f.sample && f.finding_type == finding_type)
            .map(|f| f.id.clone());
        if let Some(f) = aggregate.and_then(|id| detector.findings.get_mut(&id)) {
            f.count += 1;
            f.updated_ms = now;
            continue;
        }
        let id = world.ids.hex(32);
        new_findings.push(Finding {
            id,
            account_id: caller.account_id.clone(),
            region: region.to_string(),
            detector_id: detector_id.clone(),
            finding_type,
            title: r.name.to_string(),
            description: format!(
                "{} Custom detection rule {} matched {operation} ({source}.amazonaws.com) called by {}.",
                r.description,
                r.id,
                caller.arn()
            ),
            severity: r.severity_score(),
            confidence: 5.0,
            created_ms: now,
            updated_ms: now,
            archived: false,
            feedback: None,
            count: 1,
            sample: false,
            resource_role: "ACTOR".to_string(),
            feature_name: "CloudTrail".to_string(),
            resource: json!({
                "resourceType": "AccessKey",
                "accessKeyDetails": {
                    "accessKeyId": caller.access_key_id,
                    "principalId": caller.account_id,
                    "userType": if matches!(caller.principal, Principal::Root) { "Root" } else { "IAMUser" },
                },
            }),
            action: json!({
                "actionType": "AWS_API_CALL",
                "awsApiCallAction": {
                    "api": operation,
                    "serviceName": format!("{source}.amazonaws.com"),
                    "callerType": "Remote IP",
                },
            }),
        });
    }
    if !new_findings.is_empty() {
        add_findings(world, region, &caller.account_id, new_findings);
    }
}
