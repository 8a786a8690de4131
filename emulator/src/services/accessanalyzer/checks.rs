//! Custom policy checks: CheckNoNewAccess, CheckAccessNotGranted, CheckNoPublicAccess,
//! answered by statement with orgsim's policy grammar. Where AWS reasons about every
//! request a policy could allow, orgsim compares patterns: a new statement is
//! covered when an existing `Allow` statement's patterns match its own (and it has no
//! other condition), so a FAIL here is one AWS would give, and a policy that grants
//! the same access written very differently may FAIL where AWS says PASS.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::access::{action_covers, statement_is_public};
use super::errors::AaError;
use crate::auth::Caller;
use crate::policy::{
    arn_matches, parse, wildcard_matches, ActionClause, Dialect, Effect, PolicyDocument,
    PrincipalClause, Principals, ResourceClause, Statement,
};
use crate::world::World;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckOutput {
    pub result: &'static str,
    pub message: &'static str,
    pub reasons: Vec<Value>,
}

fn reason(description: String, index: usize, statement: &Statement) -> Value {
    let mut r = json!({"description": description, "statementIndex": index});
    if let Some(sid) = &statement.sid {
        r["statementId"] = json!(sid);
    }
    r
}

fn parse_policy(text: &str, policy_type: &str, member: &str) -> Result<PolicyDocument, AaError> {
    let dialect = match policy_type {
        "IDENTITY_POLICY" => Dialect::Identity,
        "RESOURCE_POLICY" => Dialect::ResourceBased,
        other => {
            return Err(AaError::field(
                "policyType",
                format!("Invalid policyType: {other}"),
            ))
        }
    };
    parse(text, dialect)
        .or_else(|e| {
            // A role trust policy is a resource policy without `Resource`.
            if dialect == Dialect::ResourceBased {
                parse(text, Dialect::TrustPolicy).map_err(|_| e)
            } else {
                Err(e)
            }
        })
        .map_err(|e| AaError::InvalidParameter(format!("Invalid {member}: {}", e.message)))
}

/// Every pattern of `new` is matched by one of `old`'s.
fn patterns_covered(old: &[String], new: &[String], arns: bool) -> bool {
    new.iter().all(|n| {
        old.iter().any(|o| {
            o == "*"
                || o == n
                || if arns {
                    arn_matches(o, n)
                } else {
                    wildcard_matches(o, n, true)
                }
        })
    })
}

fn actions_covered(old: &ActionClause, new: &ActionClause) -> bool {
    match (old, new) {
        (ActionClause::Action(o), ActionClause::Action(n)) => patterns_covered(o, n, false),
        (ActionClause::Action(o), ActionClause::NotAction(_)) => o.iter().any(|p| p == "*"),
        // Excluding fewer actions than before grants more.
        (ActionClause::NotAction(o), ActionClause::NotAction(n)) => patterns_covered(n, o, false),
        (ActionClause::NotAction(o), ActionClause::Action(n)) => n.iter().all(|a| {
            !o.iter()
                .any(|p| wildcard_matches(p, a, true) || wildcard_matches(a, p, true))
        }),
    }
}

fn resources_covered(old: Option<&ResourceClause>, new: Option<&ResourceClause>) -> bool {
    match (old, new) {
        (None, _) => true,
        (Some(ResourceClause::Resource(o)), Some(ResourceClause::Resource(n))) => {
            patterns_covered(o, n, true)
        }
        (Some(ResourceClause::Resource(o)), _) => o.iter().any(|p| p == "*"),
        (Some(ResourceClause::NotResource(o)), Some(ResourceClause::NotResource(n))) => {
            patterns_covered(n, o, true)
        }
        (Some(ResourceClause::NotResource(o)), Some(ResourceClause::Resource(n))) => n
            .iter()
            .all(|r| !o.iter().any(|p| arn_matches(p, r) || arn_matches(r, p))),
        (Some(ResourceClause::NotResource(_)), None) => false,
    }
}

fn principal_values(clause: Option<&PrincipalClause>) -> Option<Vec<(String, String)>> {
    match clause {
        None => Some(Vec::new()),
        Some(PrincipalClause::Principal(Principals::Any)) => {
            Some(vec![("AWS".to_string(), "*".to_string())])
        }
        Some(PrincipalClause::Principal(Principals::ByKind(kinds))) => Some(
            kinds
                .iter()
                .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
                .collect(),
        ),
        Some(PrincipalClause::NotPrincipal(_)) => None,
    }
}

fn principals_covered(old: Option<&PrincipalClause>, new: Option<&PrincipalClause>) -> bool {
    if old == new {
        return true;
    }
    let (Some(o), Some(n)) = (principal_values(old), principal_values(new)) else {
        return false;
    };
    n.iter()
        .all(|(kind, value)| o.iter().any(|(k, v)| v == "*" || (k == kind && v == value)))
}

fn statement_covered(old: &Statement, new: &Statement) -> bool {
    old.effect == Effect::Allow
        && (old.condition.is_none() || old.condition == new.condition)
        && actions_covered(&old.action, &new.action)
        && resources_covered(old.resource.as_ref(), new.resource.as_ref())
        && principals_covered(old.principal.as_ref(), new.principal.as_ref())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckNoNewAccessInput {
    pub new_policy_document: String,
    pub existing_policy_document: String,
    pub policy_type: String,
}

pub fn check_no_new_access(
    _world: &mut World,
    _caller: &Caller,
    input: CheckNoNewAccessInput,
) -> Result<CheckOutput, AaError> {
    let new = parse_policy(
        &input.new_policy_document,
        &input.policy_type,
        "newPolicyDocument",
    )?;
    let old = parse_policy(
        &input.existing_policy_document,
        &input.policy_type,
        "existingPolicyDocument",
    )?;
    let mut reasons = Vec::new();
    for (i, statement) in new.statements.iter().enumerate() {
        if statement.effect == Effect::Allow
            && !old
                .statements
                .iter()
                .any(|o| statement_covered(o, statement))
        {
            reasons.push(reason(
                format!("New access in the statement with index: {i}. Review the new access."),
                i,
                statement,
            ));
        }
    }
    for (i, statement) in old.statements.iter().enumerate() {
        if statement.effect == Effect::Deny && !new.statements.contains(statement) {
            reasons.push(reason(
                format!("The Deny statement with index: {i} of the existing policy is gone. Review the new access."),
                i,
                statement,
            ));
        }
    }
    Ok(if reasons.is_empty() {
        CheckOutput {
            result: "PASS",
            message:
                "The modified permissions do not grant new access compared to your existing policy.",
            reasons,
        }
    } else {
        CheckOutput {
            result: "FAIL",
            message: "The modified permissions grant new access compared to your existing policy.",
            reasons,
        }
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessInput {
    #[serde(default)]
    pub actions: Vec<String>,
    #[serde(default)]
    pub resources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckAccessNotGrantedInput {
    pub policy_document: String,
    pub access: Vec<AccessInput>,
    pub policy_type: String,
}

fn resource_granted(clause: Option<&ResourceClause>, resource: Option<&str>) -> bool {
    match (clause, resource) {
        (None, _) | (_, None) => true,
        (Some(ResourceClause::Resource(p)), Some(r)) => {
            p.iter().any(|p| p == "*" || arn_matches(p, r))
        }
        (Some(ResourceClause::NotResource(p)), Some(r)) => {
            !p.iter().any(|p| p == "*" || arn_matches(p, r))
        }
    }
}

pub fn check_access_not_granted(
    _world: &mut World,
    _caller: &Caller,
    input: CheckAccessNotGrantedInput,
) -> Result<CheckOutput, AaError> {
    if input.access.len() != 1 {
        return Err(AaError::field(
            "access",
            "access must contain exactly one item.",
        ));
    }
    let access = &input.access[0];
    if access.actions.is_empty() && access.resources.is_empty() {
        return Err(AaError::InvalidParameter(
            "Specify at least one action or resource in access.".into(),
        ));
    }
    if access.actions.len() > 100 || access.resources.len() > 100 {
        return Err(AaError::field(
            "access",
            "At most 100 actions and 100 resources.",
        ));
    }
    for action in &access.actions {
        if !action
            .split_once(':')
            .is_some_and(|(s, a)| !s.is_empty() && !a.is_empty())
        {
            return Err(AaError::InvalidParameter(format!(
                "Invalid action: {action}"
            )));
        }
    }
    let doc = parse_policy(&input.policy_document, &input.policy_type, "policyDocument")?;
    let actions: Vec<Option<&str>> = if access.actions.is_empty() {
        vec![None]
    } else {
        access.actions.iter().map(|a| Some(a.as_str())).collect()
    };
    let resources: Vec<Option<&str>> = if access.resources.is_empty() {
        vec![None]
    } else {
        access.resources.iter().map(|r| Some(r.as_str())).collect()
    };
    let denied = |action: Option<&str>, resource: Option<&str>| {
        doc.statements.iter().any(|s| {
            s.effect == Effect::Deny
                && s.condition.is_none()
                && action.is_some_and(|a| action_covers(&s.action, a))
                && resource.is_some()
                && resource_granted(s.resource.as_ref(), resource)
        })
    };
    let mut reasons = Vec::new();
    for (i, statement) in doc.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let grants = actions.iter().any(|&action| {
            resources.iter().any(|&resource| {
                action.is_none_or(|a| action_covers(&statement.action, a))
                    && resource_granted(statement.resource.as_ref(), resource)
                    && !denied(action, resource)
            })
        });
        if grants {
            reasons.push(reason(
                format!("One or more of the listed actions or resources in the statement with index: {i}."),
                i,
                statement,
            ));
        }
    }
    Ok(if reasons.is_empty() {
        CheckOutput {
            result: "PASS",
            message: "The policy document does not grant access to perform one or more of the listed actions or resources.",
            reasons,
        }
    } else {
        CheckOutput {
            result: "FAIL",
            message: "The policy document grants access to perform one or more of the listed actions or resources.",
            reasons,
        }
    })
}

const PUBLIC_CHECK_TYPES: &[&str] = &[
    "AWS::DynamoDB::Table",
    "AWS::DynamoDB::Stream",
    "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain",
    "AWS::Kinesis::Stream",
    "AWS::Kinesis::StreamConsumer",
    "AWS::KMS::Key",
    "AWS::Lambda::Function",
    "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",
    "AWS::S3Express::DirectoryBucket",
    "AWS::S3::Glacier",
    "AWS::S3Outposts::Bucket",
    "AWS::S3Outposts::AccessPoint",
    "AWS::SecretsManager::Secret",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::S3Tables::TableBucket",
    "AWS::ApiGateway::RestApi",
    "AWS::CodeArtifact::Domain",
    "AWS::Backup::BackupVault",
    "AWS::CloudTrail::Dashboard",
    "AWS::CloudTrail::EventDataStore",
    "AWS::S3Tables::Table",
    "AWS::S3Express::AccessPoint",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckNoPublicAccessInput {
    pub policy_document: String,
    pub resource_type: String,
}

pub fn check_no_public_access(
    _world: &mut World,
    _caller: &Caller,
    input: CheckNoPublicAccessInput,
) -> Result<CheckOutput, AaError> {
    if !PUBLIC_CHECK_TYPES.contains(&input.resource_type.as_str()) {
        return Err(AaError::field(
            "resourceType",
            format!("Invalid resourceType: {}", input.resource_type),
        ));
    }
    let doc = parse_policy(&input.policy_document, "RESOURCE_POLICY", "policyDocument")?;
    let reasons: Vec<Value> = doc
        .statements
        .iter()
        .enumerate()
        .filter(|(_, s)| statement_is_public(s))
        .map(|(i, s)| {
            reason(
                format!("Public access granted in the following statement with index: {i}."),
                i,
                s,
            )
        })
        .collect();
    Ok(if reasons.is_empty() {
        CheckOutput {
            result: "PASS",
            message:
                "The resource policy does not grant public access for the given resource type.",
            reasons,
        }
    } else {
        CheckOutput {
            result: "FAIL",
            message: "The resource policy grants public access for the given resource type.",
            reasons,
        }
    })
}
