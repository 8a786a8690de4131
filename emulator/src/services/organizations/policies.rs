//! Policies of every type: CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy,
//! ListPolicies. Attachments are in `attachments.rs`, types in `policy_types.rs`.

use serde::{Deserialize, Serialize};

use super::dto::Tag;
use super::errors::OrgError;
use super::inheritance;
use super::model::{FeatureSet, Organization, Policy};
use super::policy_types::{parse_policy_type, ManagedPolicy, PolicyType, MANAGED_POLICIES};
use super::{after_bound, org_mut, policy_writer_org, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::policy::{self, Dialect};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{Quotas, World};

/// A policy as the API sees it: AWS-managed (shared by every organization) or the
/// organization's own.
#[derive(Clone, Copy)]
pub enum PolicyRef<'a> {
    Managed(&'static ManagedPolicy),
    Customer(&'a Policy),
}

impl<'a> PolicyRef<'a> {
    pub fn id(&self) -> &'a str {
        match self {
            PolicyRef::Managed(m) => m.id,
            PolicyRef::Customer(p) => &p.id,
        }
    }

    pub fn policy_type(&self) -> PolicyType {
        match self {
            PolicyRef::Managed(m) => m.policy_type,
            PolicyRef::Customer(p) => {
                PolicyType::from_name(&p.policy_type).expect("stored policies have a valid type")
            }
        }
    }

    pub fn content(&self) -> &'a str {
        match self {
            PolicyRef::Managed(m) => m.content,
            PolicyRef::Customer(p) => &p.content,
        }
    }

    /// When the policy last changed (AWS-managed ones: never, so 0).
    pub fn updated_ms(&self) -> i64 {
        match self {
            PolicyRef::Managed(_) => 0,
            PolicyRef::Customer(p) => p.updated_ms,
        }
    }

    pub fn summary(&self, org: &Organization) -> PolicySummary {
        match self {
            PolicyRef::Managed(m) => PolicySummary {
                id: m.id.to_string(),
                arn: m.arn(),
                name: m.name.to_string(),
                description: m.description.to_string(),
                r#type: m.policy_type.as_str(),
                aws_managed: true,
            },
            PolicyRef::Customer(p) => PolicySummary {
                id: p.id.clone(),
                arn: format!(
                    "arn:aws:organizations::{}:policy/{}/{}/{}",
                    org.management_account_id,
                    org.id,
                    self.policy_type().as_str().to_ascii_lowercase(),
                    p.id
                ),
                name: p.name.clone(),
                description: p.description.clone(),
                r#type: self.policy_type().as_str(),
                aws_managed: false,
            },
        }
    }

    fn wire(&self, org: &Organization) -> PolicyWire {
        PolicyWire {
            policy_summary: self.summary(org),
            content: self.content().to_string(),
        }
    }
}

/// The policy `id` as this organization sees it.
pub fn find_policy<'a>(org: &'a Organization, id: &str) -> Option<PolicyRef<'a>> {
    MANAGED_POLICIES
        .iter()
        .find(|m| m.id == id)
        .map(|m| PolicyRef::Managed(m))
        .or_else(|| org.policies.get(id).map(PolicyRef::Customer))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicySummary {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub description: String,
    pub r#type: &'static str,
    pub aws_managed: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyWire {
    pub policy_summary: PolicySummary,
    pub content: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    pub policy: PolicyWire,
}

/// The content rules of a policy type: its size quota (characters, counted as sent:
/// the API keeps whitespace), then its grammar.
pub fn check_content(
    policy_type: PolicyType,
    content: &str,
    quotas: &Quotas,
) -> Result<(), OrgError> {
    validate::length("Content", content, 1, usize::MAX)?;
    let limit = policy_type.content_limit(quotas);
    if content.chars().count() > limit {
        return Err(OrgError::constraint(
            "POLICY_CONTENT_LIMIT_EXCEEDED",
            format!("You attempted to create a policy that is larger than the maximum size ({limit} characters for this policy type)."),
        ));
    }
    let parsed = match policy_type {
        PolicyType::ServiceControlPolicy => {
            policy::parse(content, Dialect::ServiceControlPolicy).map(|_| ())
        }
        PolicyType::ResourceControlPolicy => {
            policy::parse(content, Dialect::ResourceControlPolicy).map(|_| ())
        }
        _ => inheritance::parse_management_policy(content).map(|_| ()),
    };
    parsed.map_err(|e| OrgError::MalformedPolicyDocument(e.message))
}

fn check_name_and_description(name: &str, description: &str) -> Result<(), OrgError> {
    validate::length("Name", name, 1, 128)?;
    validate::length("Description", description, 0, 512)
}

/// Whether another policy of the same type already has `name` (AWS: exact match).
fn name_taken(
    org: &Organization,
    policy_type: PolicyType,
    name: &str,
    except: Option<&str>,
) -> bool {
    org.policies.values().any(|p| {
        p.name == name && p.policy_type == policy_type.as_str() && Some(p.id.as_str()) != except
    }) || MANAGED_POLICIES
        .iter()
        .any(|m| m.policy_type == policy_type && m.name == name)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyInput {
    pub content: String,
    pub description: String,
    pub name: String,
    pub r#type: String,
    pub tags: Option<Vec<Tag>>,
}

/// Creates a customer policy. A type need not be enabled to hold policies, only to
/// attach them; a consolidated-billing organization can have none.
pub fn create_policy(
    world: &mut World,
    caller: &Caller,
    input: CreatePolicyInput,
) -> Result<PolicyOutput, OrgError> {
    check_name_and_description(&input.name, &input.description)?;
    let policy_type = parse_policy_type("Type", &input.r#type)?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = policy_writer_org(world, caller, "organizations:CreatePolicy")?;
    if org.feature_set == FeatureSet::ConsolidatedBilling {
        return Err(OrgError::PolicyTypeNotAvailableForOrganization);
    }
    let quotas = &world.settings.quotas;
    check_content(policy_type, &input.content, quotas)?;
    if name_taken(org, policy_type, &input.name, None) {
        return Err(OrgError::DuplicatePolicy);
    }
    let count = org
        .policies
        .values()
        .filter(|p| p.policy_type == policy_type.as_str())
        .count();
    if count >= policy_type.policies_per_organization(quotas) {
        return Err(OrgError::constraint(
            "POLICY_NUMBER_LIMIT_EXCEEDED",
            "You have reached the maximum number of policies of this type in your organization.",
        ));
    }
    let org_id = org.id.clone();
    let id = loop {
        let candidate = format!("p-{}", world.ids.lower_alnum(8));
        if find_policy(&world.organizations.organizations[&org_id], &candidate).is_none() {
            break candidate;
        }
    };
    let policy = Policy::new(
        id.clone(),
        input.name,
        input.description,
        policy_type.as_str().to_string(),
        input.content,
        world.clock.now_ms(),
    );
    let org = org_mut(world, &org_id);
    org.policies.insert(id.clone(), policy);
    if !tags.is_empty() {
        org.tags.insert(id.clone(), tags.into_iter().collect());
    }
    let policy = find_policy(org, &id).expect("just inserted");
    Ok(PolicyOutput {
        policy: policy.wire(org),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyIdInput {
    pub policy_id: String,
}

pub fn describe_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyIdInput,
) -> Result<PolicyOutput, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    let org = readable_org(world, caller)?;
    let policy = find_policy(org, &input.policy_id).ok_or(OrgError::PolicyNotFound)?;
    Ok(PolicyOutput {
        policy: policy.wire(org),
    })
}

fn immutable() -> OrgError {
    OrgError::invalid(
        "IMMUTABLE_POLICY",
        "You specified a policy that is managed by AWS and can't be modified.",
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdatePolicyInput {
    pub policy_id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub content: Option<String>,
}

/// Changes a customer policy's name, description or content; what is not given stays.
pub fn update_policy(
    world: &mut World,
    caller: &Caller,
    input: UpdatePolicyInput,
) -> Result<PolicyOutput, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    if let Some(name) = &input.name {
        validate::length("Name", name, 1, 128)?;
    }
    if let Some(description) = &input.description {
        validate::length("Description", description, 0, 512)?;
    }
    let org = policy_writer_org(world, caller, "organizations:UpdatePolicy")?;
    let policy = match find_policy(org, &input.policy_id) {
        None => return Err(OrgError::PolicyNotFound),
        Some(PolicyRef::Managed(_)) => return Err(immutable()),
        Some(PolicyRef::Customer(p)) => p,
    };
    let policy_type = PolicyRef::Customer(policy).policy_type();
    if let Some(content) = &input.content {
        check_content(policy_type, content, &world.settings.quotas)?;
    }
    if let Some(name) = &input.name {
        if name_taken(org, policy_type, name, Some(&policy.id)) {
            return Err(OrgError::DuplicatePolicy);
        }
    }
    let now = world.clock.now_ms();
    let org = org_mut(world, &org.id.clone());
    let policy = org
        .policies
        .get_mut(&input.policy_id)
        .expect("checked above");
    if let Some(name) = input.name {
        policy.name = name;
    }
    if let Some(description) = input.description {
        policy.description = description;
    }
    if let Some(content) = input.content {
        policy.set_content(content);
        policy.updated_ms = now;
    }
    let policy = find_policy(org, &input.policy_id).expect("checked above");
    Ok(PolicyOutput {
        policy: policy.wire(org),
    })
}

/// Deletes a customer policy that is attached nowhere, with its tags.
pub fn delete_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyIdInput,
) -> Result<Empty, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    let org = policy_writer_org(world, caller, "organizations:DeletePolicy")?;
    match find_policy(org, &input.policy_id) {
        None => return Err(OrgError::PolicyNotFound),
        Some(PolicyRef::Managed(_)) => return Err(immutable()),
        Some(PolicyRef::Customer(_)) => {}
    }
    if org
        .policy_targets
        .get(input.policy_id.as_str())
        .is_some_and(|t| !t.is_empty())
    {
        return Err(OrgError::PolicyInUse);
    }
    let org = org_mut(world, &org.id.clone());
    org.policies.remove(&input.policy_id);
    org.policy_targets.remove(input.policy_id.as_str());
    org.tags.remove(&input.policy_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesInput {
    pub filter: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesOutput {
    pub policies: Vec<PolicySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Every policy of one type, AWS-managed ones included, in id order.
pub fn list_policies(
    world: &mut World,
    caller: &Caller,
    input: ListPoliciesInput,
) -> Result<ListPoliciesOutput, OrgError> {
    let policy_type = parse_policy_type("Filter", &input.filter)?;
    let org = readable_org(world, caller)?;
    let listing = format!("ListPolicies {} {}", org.id, policy_type.as_str());
    let (max, after) = input.page.resolve(&listing)?;
    let managed = MANAGED_POLICIES
        .iter()
        .filter(|m| m.policy_type == policy_type)
        .filter(|m| after.as_deref().is_none_or(|a| m.id > a))
        .map(|m| PolicyRef::Managed(m));
    // Policies of other types are skipped here: at most a few thousand per organization.
    let customer = org
        .policies
        .range(after_bound(&after))
        .map(|(_, p)| p)
        .filter(|p| p.policy_type == policy_type.as_str())
        .map(PolicyRef::Customer);
    let (page, next) = take_page(merge_by_id(managed, customer), max, |p| p.id().to_string());
    Ok(ListPoliciesOutput {
        policies: page.iter().map(|p| p.summary(org)).collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

/// Merges two id-ordered policy sequences into one.
fn merge_by_id<'a>(
    a: impl Iterator<Item = PolicyRef<'a>>,
    b: impl Iterator<Item = PolicyRef<'a>>,
) -> impl Iterator<Item = PolicyRef<'a>> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if x.id() <= y.id() => a.next(),
        (Some(_), Some(_)) => b.next(),
        (Some(_), None) => a.next(),
        (None, _) => b.next(),
    })
}

#[cfg(test)]
#[path = "policies_tests.rs"]
mod tests;
