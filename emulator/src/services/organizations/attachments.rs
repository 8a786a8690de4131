//! Which policies sit on which roots, OUs and accounts: AttachPolicy, DetachPolicy,
//! ListPoliciesForTarget, ListTargetsForPolicy.

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::errors::OrgError;
use super::model::Organization;
use super::policies::{find_policy, PolicySummary};
use super::policy_types::{parse_policy_type, PolicyType, RCP_FULL_AWS_ACCESS};
use super::{after_bound, org_mut, policy_writer_org, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::services::organizations::model::OrganizationsState;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Whether `id` is this organization's root, one of its OUs or a member account.
pub fn target_exists(org: &Organization, id: &str) -> bool {
    org.is_parent(id) || org.members.contains_key(id)
}

/// How many policies of `policy_type` are attached directly to `target_id`.
fn attached_of_type(org: &Organization, target_id: &str, policy_type: PolicyType) -> usize {
    org.attachments
        .get(target_id)
        .map(|ids| {
            ids.iter()
                .filter_map(|id| find_policy(org, id))
                .filter(|p| p.policy_type() == policy_type)
                .count()
        })
        .unwrap_or(0)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyAttachmentInput {
    pub policy_id: String,
    pub target_id: String,
}

pub fn attach_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyAttachmentInput,
) -> Result<Empty, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    validate::policy_target_id("TargetId", &input.target_id)?;
    let org = policy_writer_org(world, caller, "organizations:AttachPolicy")?;
    let policy = find_policy(org, &input.policy_id).ok_or(OrgError::PolicyNotFound)?;
    if !target_exists(org, &input.target_id) {
        return Err(OrgError::TargetNotFound);
    }
    let policy_type = policy.policy_type();
    if !org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::PolicyTypeNotEnabled);
    }
    if org
        .attachments
        .get(input.target_id.as_str())
        .is_some_and(|ids| ids.iter().any(|id| *id == input.policy_id))
    {
        return Err(OrgError::DuplicatePolicyAttachment);
    }
    if attached_of_type(org, &input.target_id, policy_type)
        >= policy_type.max_attachments(&world.settings.quotas)
    {
        return Err(OrgError::constraint(
            "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You have attached the maximum number of policies to the specified target.",
        ));
    }
    org_mut(world, &org.id.clone()).attach(&input.policy_id, &input.target_id);
    Ok(Empty {})
}

/// Detaches a policy. Every target keeps at least one SCP while SCPs are enabled, and
/// `RCPFullAWSAccess` never comes off.
pub fn detach_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyAttachmentInput,
) -> Result<Empty, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    validate::policy_target_id("TargetId", &input.target_id)?;
    let org = policy_writer_org(world, caller, "organizations:DetachPolicy")?;
    let policy = find_policy(org, &input.policy_id).ok_or(OrgError::PolicyNotFound)?;
    if !target_exists(org, &input.target_id) {
        return Err(OrgError::TargetNotFound);
    }
    if input.policy_id == RCP_FULL_AWS_ACCESS {
        return Err(OrgError::invalid(
            "NON_DETACHABLE_POLICY",
            "You can't detach the RCPFullAWSAccess policy: it stays attached while resource control policies are enabled.",
        ));
    }
    if !org
        .attachments
        .get(input.target_id.as_str())
        .is_some_and(|ids| ids.iter().any(|id| *id == input.policy_id))
    {
        return Err(OrgError::PolicyNotAttached);
    }
    let policy_type = policy.policy_type();
    if policy_type == PolicyType::ServiceControlPolicy
        && attached_of_type(org, &input.target_id, policy_type) <= 1
    {
        return Err(OrgError::constraint(
            "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED",
            "You can't detach the last service control policy from a root, OU or account: attach another one first.",
        ));
    }
    org_mut(world, &org.id.clone()).detach(&input.policy_id, &input.target_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesForTargetInput {
    pub target_id: String,
    pub filter: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesForTargetOutput {
    pub policies: Vec<PolicySummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The policies of one type attached directly to a target (not inherited ones).
pub fn list_policies_for_target(
    world: &mut World,
    caller: &Caller,
    input: ListPoliciesForTargetInput,
) -> Result<ListPoliciesForTargetOutput, OrgError> {
    validate::policy_target_id("TargetId", &input.target_id)?;
    let policy_type = parse_policy_type("Filter", &input.filter)?;
    let org = readable_org(world, caller)?;
    if !target_exists(org, &input.target_id) {
        return Err(OrgError::TargetNotFound);
    }
    let listing = format!(
        "ListPoliciesForTarget {} {} {}",
        org.id,
        input.target_id,
        policy_type.as_str()
    );
    let (max, after) = input.page.resolve(&listing)?;
    let attached = org
        .attachments
        .get(input.target_id.as_str())
        .map(Vec::as_slice)
        .unwrap_or_default();
    // Attachments are kept sorted: resume after the last id returned.
    let start = match &after {
        Some(last) => attached.partition_point(|id| id.as_str() <= last.as_str()),
        None => 0,
    };
    let of_type = attached[start..]
        .iter()
        .filter_map(|id| find_policy(org, id))
        .filter(|p| p.policy_type() == policy_type);
    let (page, next) = take_page(of_type, max, |p| p.id().to_string());
    Ok(ListPoliciesForTargetOutput {
        policies: page.iter().map(|p| p.summary(org)).collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTargetsForPolicyInput {
    pub policy_id: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyTargetSummary {
    pub target_id: String,
    pub arn: String,
    pub name: String,
    pub r#type: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTargetsForPolicyOutput {
    pub targets: Vec<PolicyTargetSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn target_summary(state: &OrganizationsState, org: &Organization, id: &str) -> PolicyTargetSummary {
    let (arn, name, r#type) = if id == org.root.id {
        (org.root_arn(), org.root.name.clone(), "ROOT")
    } else if let Some(ou) = org.ous.get(id) {
        (org.ou_arn(id), ou.name.clone(), "ORGANIZATIONAL_UNIT")
    } else {
        let name = state
            .accounts
            .get(id)
            .map(|a| a.name.to_string())
            .unwrap_or_default();
        (org.account_arn(id), name, "ACCOUNT")
    };
    PolicyTargetSummary {
        target_id: id.to_string(),
        arn,
        name,
        r#type,
    }
}

/// The roots, OUs and accounts a policy is attached to.
pub fn list_targets_for_policy(
    world: &mut World,
    caller: &Caller,
    input: ListTargetsForPolicyInput,
) -> Result<ListTargetsForPolicyOutput, OrgError> {
    validate::policy_id("PolicyId", &input.policy_id)?;
    let org = readable_org(world, caller)?;
    find_policy(org, &input.policy_id).ok_or(OrgError::PolicyNotFound)?;
    let listing = format!("ListTargetsForPolicy {} {}", org.id, input.policy_id);
    let (max, after) = input.page.resolve(&listing)?;
    let empty = OrdSet::new();
    let targets = org
        .policy_targets
        .get(input.policy_id.as_str())
        .unwrap_or(&empty);
    let (page, next) = take_page(targets.range(after_bound(&after)), max, |id| (*id).clone());
    Ok(ListTargetsForPolicyOutput {
        targets: page
            .into_iter()
            .map(|id| target_summary(&world.organizations, org, id))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[cfg(test)]
#[path = "attachments_tests.rs"]
mod tests;
