//! The organization's resource-based delegation policy: PutResourcePolicy,
//! DescribeResourcePolicy, DeleteResourcePolicy, and what it lets member accounts do.
//!
//! The matcher here is deliberately small: it reads `Effect`, `Principal` and `Action`
//! of each statement (an explicit `Deny` wins), and ignores `Resource` and `Condition`
//! beyond validating them. The IAM policy-language module will replace it.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::dto::Tag;
use super::errors::OrgError;
use super::model::{Organization, ResourcePolicy as ResourcePolicyModel};
use super::{managed_org, org_mut, readable_org, validate, Empty};
use crate::auth::{Caller, Principal};
use crate::world::World;

/// The actions a delegation policy may grant (Organizations User Guide, "Delegated
/// administrator for AWS Organizations").
const DELEGABLE_ACTIONS: &[&str] = &[
    "AttachPolicy",
    "CreatePolicy",
    "DeletePolicy",
    "DescribeAccount",
    "DescribeCreateAccountStatus",
    "DescribeEffectivePolicy",
    "DescribeHandshake",
    "DescribeOrganization",
    "DescribeOrganizationalUnit",
    "DescribePolicy",
    "DescribeResourcePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "ListAccounts",
    "ListAccountsForParent",
    "ListAWSServiceAccessForOrganization",
    "ListChildren",
    "ListCreateAccountStatus",
    "ListDelegatedAdministrators",
    "ListDelegatedServicesForAccount",
    "ListHandshakesForAccount",
    "ListHandshakesForOrganization",
    "ListOrganizationalUnitsForParent",
    "ListParents",
    "ListPolicies",
    "ListPoliciesForTarget",
    "ListRoots",
    "ListTagsForResource",
    "ListTargetsForPolicy",
    "TagResource",
    "UntagResource",
    "UpdatePolicy",
];

const POLICY_TYPES: &[&str] = &[
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY",
    "DECLARATIVE_POLICY_EC2",
    "SECURITYHUB_POLICY",
    "SECURITYHUB_CSPM_POLICY",
    "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY",
    "BEDROCK_POLICY",
    "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY",
    "GUARDDUTY_POLICY",
];

const MAX_CONTENT_CHARS: usize = 40_000;

/// Whether the organization's resource policy lets `caller` perform `action`
/// (`organizations:CreatePolicy`): an `Allow` names the caller and no `Deny` does.
pub fn allows(org: &Organization, caller: &Caller, action: &str) -> bool {
    let Some(document) = parsed(org) else {
        return false;
    };
    let mut allowed = false;
    for statement in statements(&document) {
        let applies = principals(statement).any(|p| principal_matches(p, caller))
            && strings(statement.get("Action")).any(|a| action_matches(a, action));
        if applies {
            match statement.get("Effect").and_then(Value::as_str) {
                Some("Deny") => return false,
                Some("Allow") => allowed = true,
                _ => {}
            }
        }
    }
    allowed
}

/// Whether any `Allow` statement names the caller: such an account is a delegated
/// administrator for Organizations itself and may read the organization.
pub fn names_caller(org: &Organization, caller: &Caller) -> bool {
    let Some(document) = parsed(org) else {
        return false;
    };
    let named = statements(&document).any(|statement| {
        statement.get("Effect").and_then(Value::as_str) == Some("Allow")
            && principals(statement).any(|p| principal_matches(p, caller))
    });
    named
}

fn parsed(org: &Organization) -> Option<Value> {
    serde_json::from_str(&org.resource_policy.as_ref()?.content).ok()
}

fn statements(document: &Value) -> Box<dyn Iterator<Item = &Value> + '_> {
    match document.get("Statement") {
        Some(Value::Array(list)) => Box::new(list.iter()),
        Some(single @ Value::Object(_)) => Box::new(std::iter::once(single)),
        _ => Box::new(std::iter::empty()),
    }
}

/// A string or a list of strings, as policy elements are written.
fn strings(value: Option<&Value>) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Some(Value::String(s)) => Box::new(std::iter::once(s.as_str())),
        Some(Value::Array(list)) => Box::new(list.iter().filter_map(Value::as_str)),
        _ => Box::new(std::iter::empty()),
    }
}

/// The `AWS` principals of a statement.
fn principals(statement: &Value) -> Box<dyn Iterator<Item = &str> + '_> {
    strings(statement.get("Principal").and_then(|p| p.get("AWS")))
}

/// Which identity in an account an AWS principal names.
enum Named<'p> {
    /// The account (its id or its root user's ARN).
    Account,
    Role(&'p str),
    /// A user or anything else orgsim's callers never are.
    Other,
}

/// An AWS principal as its account and the identity in it.
fn parse_principal(principal: &str) -> Option<(&str, Named<'_>)> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(principal) {
        return Some((principal, Named::Account));
    }
    let rest = principal.strip_prefix("arn:aws:iam::")?;
    let (account, resource) = rest.split_once(':')?;
    if !is_account(account) {
        return None;
    }
    let named = match resource {
        "root" => Named::Account,
        _ => match resource.strip_prefix("role/") {
            Some(path) => Named::Role(path.rsplit('/').next().unwrap_or(path)),
            None if resource.starts_with("user/") => Named::Other,
            None => return None,
        },
    };
    Some((account, named))
}

fn principal_matches(principal: &str, caller: &Caller) -> bool {
    match parse_principal(principal) {
        Some((account, named)) if account == caller.account_id => match named {
            Named::Account => true,
            Named::Role(role) => {
                matches!(&caller.principal, Principal::AssumedRole { role_name, .. } if role_name == role)
            }
            Named::Other => false,
        },
        _ => false,
    }
}

/// `organizations:*Policy*` against `organizations:CreatePolicy`; IAM matches actions
/// case-insensitively.
fn action_matches(pattern: &str, action: &str) -> bool {
    glob(
        pattern.to_ascii_lowercase().as_bytes(),
        action.to_ascii_lowercase().as_bytes(),
    )
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match pattern.split_first() {
        None => text.is_empty(),
        Some((b'*', rest)) => (0..=text.len()).any(|i| glob(rest, &text[i..])),
        Some((b'?', rest)) => !text.is_empty() && glob(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && glob(rest, &text[1..]),
    }
}

/// Checks a policy document against the API's rules: JSON with statements, each with
/// `Effect`, `Principal` and `Action`; principals are accounts of this organization;
/// actions are delegable Organizations actions; resources are Organizations ARNs;
/// `organizations:PolicyType` conditions name real policy types.
fn check_content(content: &str, org: &Organization) -> Result<(), OrgError> {
    let bad_json = || {
        OrgError::invalid(
            "INVALID_RESOURCE_POLICY_JSON",
            "The provided resource policy is not valid JSON or doesn't follow the policy grammar.",
        )
    };
    let document: Value = serde_json::from_str(content).map_err(|_| bad_json())?;
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list.iter().collect(),
        Some(single @ Value::Object(_)) => vec![single],
        _ => return Err(bad_json()),
    };
    for statement in statements {
        let effect = statement.get("Effect").and_then(Value::as_str);
        if !matches!(effect, Some("Allow" | "Deny"))
            || statement.get("Principal").is_none()
            || statement.get("Action").is_none()
        {
            return Err(bad_json());
        }
        check_principals(statement, org)?;
        check_actions(statement)?;
        check_resources(statement)?;
        check_policy_type_conditions(statement)?;
    }
    Ok(())
}

fn check_principals(statement: &Value, org: &Organization) -> Result<(), OrgError> {
    let invalid = |what: &str| {
        OrgError::invalid(
            "INVALID_PRINCIPAL",
            format!("You specified an invalid principal element in the policy: {what}."),
        )
    };
    let aws = statement
        .get("Principal")
        .and_then(Value::as_object)
        .filter(|p| p.len() == 1)
        .and_then(|p| p.get("AWS"))
        .ok_or_else(|| invalid("use {\"AWS\": account}"))?;
    let listed: Vec<&str> = strings(Some(aws)).collect();
    let count = match aws {
        Value::Array(list) => list.len(),
        _ => 1,
    };
    if listed.is_empty() || listed.len() != count {
        return Err(invalid("principals must be strings"));
    }
    for principal in listed {
        match parse_principal(principal) {
            Some((account, _)) if org.members.contains_key(account) => {}
            _ => return Err(invalid(principal)),
        }
    }
    Ok(())
}

fn check_actions(statement: &Value) -> Result<(), OrgError> {
    let unsupported = |action: &str| {
        OrgError::invalid(
            "UNSUPPORTED_ACTION_IN_RESOURCE_POLICY",
            format!("The resource policy contains an action that you can't delegate: {action}."),
        )
    };
    let action = statement.get("Action").expect("checked by caller");
    if strings(Some(action)).count() == 0 {
        return Err(unsupported(&action.to_string()));
    }
    for pattern in strings(Some(action)) {
        let delegable = DELEGABLE_ACTIONS
            .iter()
            .any(|a| action_matches(pattern, &format!("organizations:{a}")));
        if !delegable {
            return Err(unsupported(pattern));
        }
    }
    Ok(())
}

fn check_resources(statement: &Value) -> Result<(), OrgError> {
    for resource in strings(statement.get("Resource")) {
        if resource != "*" && !resource.starts_with("arn:aws:organizations::") {
            return Err(OrgError::invalid(
                "UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY",
                format!("The resource policy contains a resource that isn't an Organizations resource: {resource}."),
            ));
        }
    }
    Ok(())
}

fn check_policy_type_conditions(statement: &Value) -> Result<(), OrgError> {
    let Some(operators) = statement.get("Condition").and_then(Value::as_object) else {
        return Ok(());
    };
    let values = operators
        .values()
        .filter_map(Value::as_object)
        .flat_map(|keys| keys.iter())
        .filter(|(key, _)| key.eq_ignore_ascii_case("organizations:PolicyType"))
        .flat_map(|(_, values)| strings(Some(values)));
    for value in values {
        let known = POLICY_TYPES
            .iter()
            .any(|t| glob(value.as_bytes(), t.as_bytes()));
        if !known {
            return Err(OrgError::invalid(
                "UNSUPPORTED_POLICY_TYPE_IN_RESOURCE_POLICY",
                format!("The resource policy names a policy type that doesn't exist: {value}."),
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourcePolicySummary {
    pub id: String,
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourcePolicy {
    pub resource_policy_summary: ResourcePolicySummary,
    pub content: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourcePolicyOutput {
    pub resource_policy: ResourcePolicy,
}

/// `arn:aws:organizations::<mgmt>:resourcepolicy/<o-id>/<rp-id>`.
pub fn arn(org: &Organization, policy_id: &str) -> String {
    format!(
        "arn:aws:organizations::{}:resourcepolicy/{}/{policy_id}",
        org.management_account_id, org.id
    )
}

fn output(org: &Organization, policy: &ResourcePolicyModel) -> ResourcePolicyOutput {
    ResourcePolicyOutput {
        resource_policy: ResourcePolicy {
            resource_policy_summary: ResourcePolicySummary {
                id: policy.id.clone(),
                arn: arn(org, &policy.id),
            },
            content: policy.content.clone(),
        },
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutResourcePolicyInput {
    pub content: String,
    pub tags: Option<Vec<Tag>>,
}

/// Creates the policy, or replaces its content (keeping its id).
pub fn put_resource_policy(
    world: &mut World,
    caller: &Caller,
    input: PutResourcePolicyInput,
) -> Result<ResourcePolicyOutput, OrgError> {
    validate::length("Content", &input.content, 1, MAX_CONTENT_CHARS)?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = managed_org(world, caller)?;
    check_content(&input.content, org)?;
    if org.resource_policy.is_some() && !tags.is_empty() {
        // AWS: "Calls with tags apply to the initial creation of the resource policy,
        // otherwise an exception is thrown"; the reason is the one its model names.
        return Err(OrgError::invalid(
            "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED",
            "You can give tags only when you create the resource policy. Use TagResource to tag an existing one.",
        ));
    }
    let org_id = org.id.clone();
    let id = match &org.resource_policy {
        Some(existing) => existing.id.clone(),
        None => format!("rp-{}", world.ids.lower_alnum(8)),
    };
    let org = org_mut(world, &org_id);
    let policy = ResourcePolicyModel {
        id: id.clone(),
        content: input.content,
    };
    org.resource_policy = Some(policy.clone());
    if !tags.is_empty() {
        org.tags.insert(id, tags.into_iter().collect());
    }
    Ok(output(org, &policy))
}

pub fn describe_resource_policy(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<ResourcePolicyOutput, OrgError> {
    let org = readable_org(world, caller)?;
    let policy = org
        .resource_policy
        .as_ref()
        .ok_or(OrgError::ResourcePolicyNotFound)?;
    Ok(output(org, policy))
}

pub fn delete_resource_policy(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<Empty, OrgError> {
    let org = managed_org(world, caller)?;
    let policy = org
        .resource_policy
        .as_ref()
        .ok_or(OrgError::ResourcePolicyNotFound)?;
    let (org_id, policy_id) = (org.id.clone(), policy.id.clone());
    let org = org_mut(world, &org_id);
    org.resource_policy = None;
    org.tags.remove(&policy_id);
    Ok(Empty {})
}

#[cfg(test)]
mod tests;
