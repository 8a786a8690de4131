//! Effective management policies: DescribeEffectivePolicy,
//! ListAccountsWithInvalidEffectivePolicy, ListEffectivePolicyValidationErrors.
//! The merge itself is `inheritance.rs`.

use serde::{Deserialize, Serialize};

use super::dto;
use super::errors::OrgError;
use super::inheritance::{self, Effective, MergeError};
use super::model::Organization;
use super::policies::find_policy;
use super::policy_types::{parse_policy_type, PolicyType};
use super::{after_bound, member_org, readable_org, validate, Page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// An `EffectivePolicyType` input: a management policy type.
fn effective_type(value: &str) -> Result<PolicyType, OrgError> {
    let policy_type = parse_policy_type("PolicyType", value)?;
    if policy_type.is_authorization() {
        return Err(OrgError::invalid(
            "INVALID_ENUM_POLICY_TYPE",
            format!("You specified an invalid value for PolicyType: {value} has no effective policy (only management policy types do)."),
        ));
    }
    Ok(policy_type)
}

/// The account's effective policy of a type and when its inputs last changed, or
/// `None` if no policy of the type applies to it.
pub fn effective_policy(
    org: &Organization,
    account_id: &str,
    policy_type: PolicyType,
) -> Option<(Effective, i64)> {
    let member = org.members.get(account_id)?;
    let mut last_updated = 0;
    let mut any = false;
    let levels: Vec<Vec<_>> = org
        .lineage(&member.parent_id)
        .iter()
        .map(String::as_str)
        .chain(std::iter::once(account_id))
        .map(|node| {
            org.attachments
                .get(node)
                .into_iter()
                .flat_map(|ids| ids.iter())
                .filter_map(|id| find_policy(org, id))
                .filter(|p| p.policy_type() == policy_type)
                .map(|p| {
                    any = true;
                    last_updated = last_updated.max(p.updated_ms());
                    // Stored content passed the same parser when it was written.
                    let document =
                        inheritance::parse_management_policy(p.content()).unwrap_or_default();
                    (p.id().to_string(), document)
                })
                .collect()
        })
        .collect();
    any.then(|| (inheritance::merge(&levels), last_updated))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEffectivePolicyInput {
    pub policy_type: String,
    pub target_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EffectivePolicyWire {
    pub policy_content: String,
    /// When a policy that shapes it last changed.
    pub last_updated_timestamp: f64,
    pub target_id: String,
    pub policy_type: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeEffectivePolicyOutput {
    pub effective_policy: EffectivePolicyWire,
}

/// Any member may read its own effective policy (no `TargetId`); the management
/// account (and delegated administrators) may read any account's.
pub fn describe_effective_policy(
    world: &mut World,
    caller: &Caller,
    input: DescribeEffectivePolicyInput,
) -> Result<DescribeEffectivePolicyOutput, OrgError> {
    let policy_type = effective_type(&input.policy_type)?;
    if let Some(target) = &input.target_id {
        validate::policy_target_id("TargetId", target)?;
        if !target.chars().all(|c| c.is_ascii_digit()) {
            return Err(OrgError::invalid(
                "TARGET_NOT_SUPPORTED",
                "Effective policies exist only for accounts: specify an account ID, not a root or OU.",
            ));
        }
    }
    let account_id = input.target_id.unwrap_or_else(|| caller.account_id.clone());
    let org = if account_id == caller.account_id {
        member_org(world, caller)?
    } else {
        readable_org(world, caller)?
    };
    if !org.members.contains_key(account_id.as_str()) {
        return Err(OrgError::TargetNotFound);
    }
    if !org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::EffectivePolicyNotFound);
    }
    let (effective, last_updated) =
        effective_policy(org, &account_id, policy_type).ok_or(OrgError::EffectivePolicyNotFound)?;
    Ok(DescribeEffectivePolicyOutput {
        effective_policy: EffectivePolicyWire {
            policy_content: effective.document.to_string(),
            last_updated_timestamp: epoch_seconds(last_updated),
            target_id: account_id,
            policy_type: policy_type.as_str(),
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountsWithInvalidEffectivePolicyInput {
    pub policy_type: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountsWithInvalidEffectivePolicyOutput {
    pub accounts: Vec<dto::Account>,
    pub policy_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn has_errors(org: &Organization, account_id: &str, policy_type: PolicyType) -> bool {
    effective_policy(org, account_id, policy_type).is_some_and(|(e, _)| !e.errors.is_empty())
}

/// Accounts whose effective policy of a type has validation errors. Each page merges
/// policies for the accounts it walks past, which is cheap next to the merge itself.
pub fn list_accounts_with_invalid_effective_policy(
    world: &mut World,
    caller: &Caller,
    input: ListAccountsWithInvalidEffectivePolicyInput,
) -> Result<ListAccountsWithInvalidEffectivePolicyOutput, OrgError> {
    let policy_type = effective_type(&input.policy_type)?;
    let org = readable_org(world, caller)?;
    if !org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::EffectivePolicyNotFound);
    }
    let listing = format!(
        "ListAccountsWithInvalidEffectivePolicy {} {}",
        org.id,
        policy_type.as_str()
    );
    let (max, after) = input.page.resolve(&listing)?;
    let invalid = org
        .members
        .range(after_bound(&after))
        .map(|(id, _)| id)
        .filter(|id| has_errors(org, id, policy_type));
    let (page, next) = take_page(invalid, max, |id| (*id).clone());
    Ok(ListAccountsWithInvalidEffectivePolicyOutput {
        accounts: page
            .into_iter()
            .filter_map(|id| dto::account(&world.organizations, org, id))
            .collect(),
        policy_type: policy_type.as_str(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEffectivePolicyValidationErrorsInput {
    pub account_id: String,
    pub policy_type: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidationErrorWire {
    pub error_code: &'static str,
    pub error_message: String,
    pub path_to_error: String,
    pub contributing_policies: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEffectivePolicyValidationErrorsOutput {
    pub account_id: String,
    pub policy_type: &'static str,
    pub path: String,
    /// orgsim builds effective policies on request, so this is the time of the call.
    pub evaluation_timestamp: f64,
    pub effective_policy_validation_errors: Vec<ValidationErrorWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The validation errors of one account's effective policy. AWS documents only the
/// code `ELEMENTS_TOO_MANY`; orgsim's merge reports `OPERATOR_NOT_ALLOWED` (a child
/// policy used an operator a parent forbade) and `OPERATOR_NOT_APPLICABLE`
/// (`@@append`/`@@remove` on a single value).
pub fn list_effective_policy_validation_errors(
    world: &mut World,
    caller: &Caller,
    input: ListEffectivePolicyValidationErrorsInput,
) -> Result<ListEffectivePolicyValidationErrorsOutput, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let policy_type = effective_type(&input.policy_type)?;
    let org = readable_org(world, caller)?;
    let member = org
        .members
        .get(input.account_id.as_str())
        .ok_or(OrgError::AccountNotFound)?;
    if !org.policy_type_enabled(policy_type.as_str()) {
        return Err(OrgError::EffectivePolicyNotFound);
    }
    let (effective, _) = effective_policy(org, &input.account_id, policy_type)
        .ok_or(OrgError::EffectivePolicyNotFound)?;
    let listing = format!(
        "ListEffectivePolicyValidationErrors {} {} {}",
        org.id,
        input.account_id,
        policy_type.as_str()
    );
    let (max, after) = input.page.resolve(&listing)?;
    // Errors are keyed by position, zero-padded so keys sort as numbers.
    let start = after
        .as_deref()
        .and_then(|k| k.parse::<usize>().ok())
        .map_or(0, |k| k + 1);
    let numbered = effective.errors.iter().enumerate().skip(start);
    let (page, next) = take_page(numbered, max, |(i, _)| format!("{i:08}"));
    Ok(ListEffectivePolicyValidationErrorsOutput {
        account_id: input.account_id.clone(),
        policy_type: policy_type.as_str(),
        path: format!(
            "{}{}/",
            org.path_of_parent(&member.parent_id),
            input.account_id
        ),
        evaluation_timestamp: epoch_seconds(world.clock.now_ms()),
        effective_policy_validation_errors: page.into_iter().map(|(_, e)| wire(e)).collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

fn wire(error: &MergeError) -> ValidationErrorWire {
    ValidationErrorWire {
        error_code: error.code,
        error_message: error.message.clone(),
        path_to_error: error.path.clone(),
        contributing_policies: error.contributing_policies.clone(),
    }
}

#[cfg(test)]
#[path = "effective_tests.rs"]
mod tests;
