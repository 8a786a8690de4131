//! What an analyzer sees in the world right now: the resources in its scope and the
//! findings they give. External access: IAM role trust policies and S3 bucket
//! policies of the accounts in the zone of trust (the analyzer's account, or every
//! account of its organization). Unused access: roles, passwords and access keys
//! not used within the analyzer's `unusedAccessAge` (world clock).

use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

use super::access::{bucket_targets, external_access, role_targets, Zone};
use super::model::{Analyzer, Finding};
use crate::services::iam::model::account_range;
use crate::world::{iso8601, World};

pub const ROLE: &str = "AWS::IAM::Role";
pub const BUCKET: &str = "AWS::S3::Bucket";
pub const USER: &str = "AWS::IAM::User";
const DAY_MS: i64 = 86_400_000;

/// A finding as the world gives it now, before the analyzer's bookkeeping (id,
/// status, times).
#[derive(Clone, Debug, PartialEq)]
pub struct Observed {
    /// What makes it the same finding from one scan to the next.
    pub key: String,
    pub resource: String,
    pub resource_type: &'static str,
    pub owner: String,
    pub finding_type: &'static str,
    pub principal: BTreeMap<String, String>,
    pub action: Vec<String>,
    pub condition: BTreeMap<String, String>,
    pub is_public: bool,
    pub details: Option<Value>,
}

impl Observed {
    /// Whether a stored finding already says what this observation says.
    pub fn same_as(&self, f: &Finding) -> bool {
        self.principal == f.principal
            && self.action == f.action
            && self.condition == f.condition
            && self.is_public == f.is_public
            && self.details == f.details
    }
}

/// A resource an analyzer covers.
#[derive(Clone, Debug)]
pub struct Resource {
    pub arn: String,
    pub resource_type: &'static str,
    pub owner: String,
    pub created_ms: i64,
}

/// The accounts an analyzer covers and trusts, or `None` if it covers nothing now
/// (an organization analyzer whose account has left its organization).
pub fn zone_of(world: &World, analyzer: &Analyzer) -> Option<Zone> {
    if !analyzer.is_organization() {
        return Some(Zone::account(&analyzer.account));
    }
    let org = world.organizations.organization_of(&analyzer.account)?;
    Some(Zone {
        accounts: org.members.keys().map(ToString::to_string).collect(),
        org_id: Some(org.id.clone()),
    })
}

/// The resources in the analyzer's scope, roles first then buckets.
pub fn resources(world: &World, analyzer: &Analyzer, zone: &Zone) -> Vec<Resource> {
    let mut out = Vec::new();
    for account in &zone.accounts {
        let (from, to) = account_range(account);
        for role in world.iam.roles.range(from..to).map(|(_, r)| r) {
            out.push(Resource {
                arn: role.arn(account),
                resource_type: ROLE,
                owner: account.clone(),
                created_ms: role.created_ms,
            });
        }
    }
    if analyzer.is_external_access() {
        for bucket in world.s3.buckets.values() {
            if bucket.region == analyzer.region && zone.contains_account(&bucket.owner) {
                out.push(Resource {
                    arn: bucket.arn(),
                    resource_type: BUCKET,
                    owner: bucket.owner.clone(),
                    created_ms: bucket.created_ms,
                });
            }
        }
    } else {
        for account in &zone.accounts {
            let (from, to) = account_range(account);
            for user in world.iam.users.range(from..to).map(|(_, u)| u) {
                out.push(Resource {
                    arn: user.arn(account),
                    resource_type: USER,
                    owner: account.clone(),
                    created_ms: user.created_ms,
                });
            }
        }
    }
    out
}

/// Every finding the analyzer's scope gives now.
pub fn observe(world: &World, analyzer: &Analyzer) -> Vec<Observed> {
    let Some(zone) = zone_of(world, analyzer) else {
        return Vec::new();
    };
    if analyzer.is_external_access() {
        external_findings(world, &zone, &analyzer.region)
    } else if analyzer.is_unused_access() {
        unused_findings(world, analyzer, &zone)
    } else {
        // Internal-access analyzers are accepted but report nothing (README).
        Vec::new()
    }
}

/// External access of one resource's policy, as findings.
pub fn findings_of_policy(
    doc: &crate::policy::PolicyDocument,
    resource_type: &'static str,
    arn: &str,
    owner: &str,
    zone: &Zone,
    restrict_public: bool,
) -> Vec<Observed> {
    let targets = if resource_type == ROLE {
        role_targets(arn)
    } else {
        bucket_targets(arn)
    };
    external_access(doc, &targets, zone)
        .into_iter()
        .filter(|a| !(restrict_public && a.is_public))
        .map(|a| {
            let principal = BTreeMap::from([a.principal.clone()]);
            let key = format!(
                "{arn}|{}|{}",
                serde_json::to_string(&principal).unwrap_or_default(),
                serde_json::to_string(&a.condition).unwrap_or_default()
            );
            Observed {
                key,
                resource: arn.to_string(),
                resource_type,
                owner: owner.to_string(),
                finding_type: "ExternalAccess",
                principal,
                action: a.actions.into_iter().collect(),
                condition: a.condition,
                is_public: a.is_public,
                details: None,
            }
        })
        .collect()
}

fn external_findings(world: &World, zone: &Zone, region: &str) -> Vec<Observed> {
    let mut out = Vec::new();
    for account in &zone.accounts {
        let (from, to) = account_range(account);
        for role in world.iam.roles.range(from..to).map(|(_, r)| r) {
            let Some(doc) = role.trust_policy.parsed.as_deref() else {
                continue;
            };
            out.extend(findings_of_policy(
                doc,
                ROLE,
                &role.arn(account),
                account,
                zone,
                false,
            ));
        }
    }
    for bucket in world.s3.buckets.values() {
        if bucket.region != region || !zone.contains_account(&bucket.owner) {
            continue;
        }
        let Some(policy) = &bucket.policy else {
            continue;
        };
        // A bucket whose public access block restricts public buckets cannot be
        // reached by everyone, whatever its policy says.
        let restrict = bucket
            .public_access_block
            .is_some_and(|b| b.restrict_public_buckets);
        out.extend(findings_of_policy(
            &policy.document,
            BUCKET,
            &bucket.arn(),
            &bucket.owner,
            zone,
            restrict,
        ));
    }
    out
}

/// `unusedAccessAge` (days, default 90) and the exclusions of an unused-access analyzer.
fn unused_settings(analyzer: &Analyzer) -> (i64, BTreeSet<String>, Vec<BTreeMap<String, String>>) {
    let unused = analyzer
        .configuration
        .as_ref()
        .and_then(|c| c.get("unusedAccess"));
    let age = unused
        .and_then(|u| u.get("unusedAccessAge"))
        .and_then(Value::as_i64)
        .unwrap_or(90);
    let mut accounts = BTreeSet::new();
    let mut tag_sets = Vec::new();
    let exclusions = unused
        .and_then(|u| u.pointer("/analysisRule/exclusions"))
        .and_then(Value::as_array);
    for exclusion in exclusions.into_iter().flatten() {
        for id in exclusion["accountIds"].as_array().into_iter().flatten() {
            if let Some(id) = id.as_str() {
                accounts.insert(id.to_string());
            }
        }
        for tags in exclusion["resourceTags"].as_array().into_iter().flatten() {
            if let Some(map) = tags.as_object() {
                tag_sets.push(
                    map.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect(),
                );
            }
        }
    }
    (age, accounts, tag_sets)
}

fn excluded_by_tags(
    tags: &[crate::services::iam::model::Tag],
    sets: &[BTreeMap<String, String>],
) -> bool {
    sets.iter().any(|set| {
        !set.is_empty()
            && set
                .iter()
                .all(|(k, v)| tags.iter().any(|t| &t.key == k && &t.value == v))
    })
}

fn unused_findings(world: &World, analyzer: &Analyzer, zone: &Zone) -> Vec<Observed> {
    let (age_days, excluded_accounts, tag_sets) = unused_settings(analyzer);
    let now = world.clock.now_ms();
    let unused_since = |last: i64| now - last > age_days * DAY_MS;
    let last_accessed = |ms: Option<i64>| ms.map(|m| json!(iso8601(m)));
    let mut out = Vec::new();
    let observed = |arn: String,
                    ty: &'static str,
                    owner: &str,
                    finding_type: &'static str,
                    suffix: &str,
                    details: Value| Observed {
        key: format!("{arn}|{finding_type}{suffix}"),
        resource: arn,
        resource_type: ty,
        owner: owner.to_string(),
        finding_type,
        principal: BTreeMap::new(),
        action: Vec::new(),
        condition: BTreeMap::new(),
        is_public: false,
        details: Some(details),
    };
    for account in zone
        .accounts
        .iter()
        .filter(|a| !excluded_accounts.contains(*a))
    {
        let (from, to) = account_range(account);
        for role in world
            .iam
            .roles
            .range(from.clone()..to.clone())
            .map(|(_, r)| r)
        {
            if role.service_linked.is_some() || excluded_by_tags(&role.tags, &tag_sets) {
                continue;
            }
            let last = role.last_used.as_ref().map(|u| u.at_ms);
            if unused_since(last.unwrap_or(role.created_ms)) {
                let mut details = json!({});
                if let Some(at) = last_accessed(last) {
                    details["lastAccessed"] = at;
                }
                out.push(observed(
                    role.arn(account),
                    ROLE,
                    account,
                    "UnusedIAMRole",
                    "",
                    json!({"unusedIamRoleDetails": details}),
                ));
            }
        }
        for user in world.iam.users.range(from..to).map(|(_, u)| u) {
            if excluded_by_tags(&user.tags, &tag_sets) {
                continue;
            }
            if let Some(profile) = &user.login_profile {
                let last = user.password_last_used_ms;
                if unused_since(last.unwrap_or(profile.created_ms)) {
                    let mut details = json!({});
                    if let Some(at) = last_accessed(last) {
                        details["lastAccessed"] = at;
                    }
                    out.push(observed(
                        user.arn(account),
                        USER,
                        account,
                        "UnusedIAMUserPassword",
                        "",
                        json!({"unusedIamUserPasswordDetails": details}),
                    ));
                }
            }
        }
    }
    for key in world.iam.access_keys.values() {
        let Some(user_name) = &key.user_name else {
            continue;
        };
        if !zone.contains_account(&key.account_id) || excluded_accounts.contains(&key.account_id) {
            continue;
        }
        let Some(user) = world
            .iam
            .users
            .get(&crate::services::iam::model::entity_key(
                &key.account_id,
                user_name,
            ))
        else {
            continue;
        };
        if excluded_by_tags(&user.tags, &tag_sets) {
            continue;
        }
        let last = key.last_used.as_ref().map(|u| u.at_ms);
        if unused_since(last.unwrap_or(key.created_ms)) {
            let mut details = json!({"accessKeyId": key.id});
            if let Some(at) = last_accessed(last) {
                details["lastAccessed"] = at;
            }
            out.push(observed(
                user.arn(&key.account_id),
                USER,
                &key.account_id,
                "UnusedIAMUserAccessKey",
                &format!("|{}", key.id),
                json!({"unusedIamUserAccessKeyDetails": details}),
            ));
        }
    }
    out
}
