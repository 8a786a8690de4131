//! Accounts: CreateAccount (asynchronous), its status, DescribeAccount, ListAccounts,
//! ListAccountsForParent, MoveAccount.

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::dto::{self, Tag};
use super::errors::OrgError;
use super::model::{
    AccountRecord, CreateAccountRequest, CreateAccountState, JoinedMethod, PendingCreation,
};
use super::{after_bound, managed_org, org_mut, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::events::{self, OrgEvent};
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

pub const DEFAULT_ACCESS_ROLE: &str = "OrganizationAccountAccessRole";

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IamUserAccessToBilling {
    Allow,
    Deny,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountInput {
    pub email: String,
    pub account_name: String,
    pub role_name: Option<String>,
    /// Accepted and validated; orgsim has no billing console to apply it to.
    pub iam_user_access_to_billing: Option<IamUserAccessToBilling>,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountStatusOutput {
    pub create_account_status: dto::CreateAccountStatus,
}

/// Starts creating an account: the answer is `IN_PROGRESS`; the account exists from a
/// later request on (see [`complete_due_account_creations`]), as in AWS.
pub fn create_account(
    world: &mut World,
    caller: &Caller,
    input: CreateAccountInput,
) -> Result<CreateAccountStatusOutput, OrgError> {
    validate::email(&input.email)?;
    validate::create_account_name(&input.account_name)?;
    // The default name is borrowed: one allocation fewer in each of 100,000 accounts.
    let role_name: std::borrow::Cow<'static, str> = input
        .role_name
        .map_or(DEFAULT_ACCESS_ROLE.into(), Into::into);
    validate::role_name(&role_name)?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = managed_org(world, caller)?;
    let requests = &world.organizations.create_requests;
    let in_progress = world
        .organizations
        .pending_creations
        .iter()
        .filter(|id| {
            requests
                .get(*id)
                .is_some_and(|r| r.organization_id == org.id)
        })
        .count();
    if in_progress >= world.settings.quotas.concurrent_account_creations {
        return Err(OrgError::constraint(
            "ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED",
            "You have too many account creation requests in progress. Wait for one to complete and try again.",
        ));
    }
    let org_id = org.id.clone();
    let request_id = format!("car-{}", world.ids.lower_alnum(32));
    let request = CreateAccountRequest {
        organization_id: org_id.into(),
        account_name: input.account_name.into(),
        pending: Some(Box::new(PendingCreation {
            email: input.email,
            role_name,
            tags,
        })),
        state: CreateAccountState::InProgress,
        requested_ms: world.clock.now_ms(),
        requested_in: world.request_count,
        completed_ms: None,
        account_id: None,
        failure_reason: None,
    };
    let status = dto::create_account_status(&request_id, &request);
    let state = &mut world.organizations;
    state.pending_creations.insert(request_id.clone());
    state.create_requests.insert(request_id, Box::new(request));
    Ok(CreateAccountStatusOutput {
        create_account_status: status,
    })
}

/// Finishes the `CreateAccount` requests made in earlier requests whose delay has
/// passed, oldest first: each either creates the account in the root or fails with
/// AWS's reason.
pub fn complete_due_account_creations(world: &mut World) {
    if world.organizations.pending_creations.is_empty() {
        return;
    }
    let now = world.clock.now_ms();
    let delay = world.settings.create_account_delay_ms;
    let mut due: Vec<(u64, String)> = world
        .organizations
        .pending_creations
        .iter()
        .filter_map(|id| Some((id, world.organizations.create_requests.get(id)?)))
        .filter(|(_, r)| r.requested_in < world.request_count && r.requested_ms + delay <= now)
        .map(|(id, r)| (r.requested_in, id.clone()))
        .collect();
    due.sort();
    for (_, request_id) in due {
        complete_account_creation(world, &request_id, now);
    }
}

fn complete_account_creation(world: &mut World, request_id: &str, now: i64) {
    let state = &world.organizations;
    let Some(mut finished) = state.create_requests.get(request_id).cloned() else {
        return;
    };
    // Only creating the account needs these; the ended request is kept without them.
    let pending = finished.pending.take();
    let request = &*finished;
    let org = state.organizations.get(request.organization_id.as_str());
    // Invitations still waiting for an answer count toward the account quota.
    let invited = super::handshakes::open_invitations(world, &request.organization_id);
    let failure = match (org, &pending) {
        (None, _) | (_, None) => Some("INTERNAL_FAILURE"),
        (_, Some(p)) if state.email_in_use(&p.email) => Some("EMAIL_ALREADY_EXISTS"),
        (Some(org), _)
            if org.members.len() + invited >= world.settings.quotas.accounts_per_organization =>
        {
            Some("ACCOUNT_LIMIT_EXCEEDED")
        }
        _ => None,
    };
    let organization_id = request.organization_id.clone();
    let account_name = request.account_name.clone();
    finished.completed_ms = Some(now);
    match (failure, pending) {
        (None, Some(pending)) => {
            let account_id = new_account_id(world);
            let org = org_mut(world, &organization_id);
            org.admit(&account_id, JoinedMethod::Created, now);
            if !pending.tags.is_empty() {
                org.tags
                    .insert(account_id.clone(), pending.tags.into_iter().collect());
            }
            let management = org.management_account_id.clone();
            world.organizations.add_account_record(AccountRecord {
                id: account_id.as_str().into(),
                name: account_name,
                email: pending.email,
                created_ms: now,
            });
            world
                .organizations
                .membership
                .insert(account_id.as_str().into(), organization_id.clone());
            // The access role trusts the management account, with administrator rights.
            crate::services::iam::create_account_access_role(
                world,
                &account_id,
                pending.role_name,
                &management,
            );
            finished.state = CreateAccountState::Succeeded;
            finished.account_id = Some(account_id.as_str().into());
            let joined = OrgEvent::AccountJoined {
                organization_id: organization_id.to_string(),
                account_id,
            };
            events::publish(world, &joined);
        }
        (reason, _) => {
            finished.state = CreateAccountState::Failed;
            finished.failure_reason = Some(reason.unwrap_or("INTERNAL_FAILURE").to_string());
        }
    }
    let state = &mut world.organizations;
    state.pending_creations.remove(request_id);
    state
        .create_requests
        .insert(request_id.to_string(), finished);
}

/// A fresh 12-digit account id that no known account or caller key uses.
fn new_account_id(world: &mut World) -> String {
    loop {
        let id = world.ids.digits(12);
        let taken = world.organizations.accounts.contains_key(id.as_str())
            || world.organizations.membership.contains_key(id.as_str())
            || id == world.settings.default_account;
        if !taken && !id.starts_with('0') {
            return id;
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeCreateAccountStatusInput {
    pub create_account_request_id: String,
}

pub fn describe_create_account_status(
    world: &mut World,
    caller: &Caller,
    input: DescribeCreateAccountStatusInput,
) -> Result<CreateAccountStatusOutput, OrgError> {
    validate::create_account_request_id(&input.create_account_request_id)?;
    let org = readable_org(world, caller)?;
    let request = world
        .organizations
        .create_requests
        .get(&input.create_account_request_id)
        .filter(|r| r.organization_id == org.id)
        .ok_or(OrgError::CreateAccountStatusNotFound)?;
    Ok(CreateAccountStatusOutput {
        create_account_status: dto::create_account_status(
            &input.create_account_request_id,
            request,
        ),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListCreateAccountStatusInput {
    pub states: Option<Vec<CreateAccountState>>,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListCreateAccountStatusOutput {
    pub create_account_statuses: Vec<dto::CreateAccountStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_create_account_status(
    world: &mut World,
    caller: &Caller,
    input: ListCreateAccountStatusInput,
) -> Result<ListCreateAccountStatusOutput, OrgError> {
    let org = readable_org(world, caller)?;
    let states = input.states.unwrap_or_default();
    let listing = format!("ListCreateAccountStatus {} {states:?}", org.id);
    let (max, after) = input.page.resolve(&listing)?;
    // One organization's requests among the world's (they are few organizations).
    let matching = world
        .organizations
        .create_requests
        .range(after_bound(&after))
        .filter(|(_, r)| r.organization_id == org.id)
        .filter(|(_, r)| states.is_empty() || states.contains(&r.state));
    let (page, next) = take_page(matching, max, |(id, _)| (*id).clone());
    Ok(ListCreateAccountStatusOutput {
        create_account_statuses: page
            .into_iter()
            .map(|(id, r)| dto::create_account_status(id, r))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAccountInput {
    pub account_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAccountOutput {
    pub account: dto::Account,
}

pub fn describe_account(
    world: &mut World,
    caller: &Caller,
    input: DescribeAccountInput,
) -> Result<DescribeAccountOutput, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    let org = readable_org(world, caller)?;
    let account = dto::account(&world.organizations, org, &input.account_id)
        .ok_or(OrgError::AccountNotFound)?;
    Ok(DescribeAccountOutput { account })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountsOutput {
    pub accounts: Vec<dto::Account>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_accounts(
    world: &mut World,
    caller: &Caller,
    input: Page,
) -> Result<ListAccountsOutput, OrgError> {
    let org = readable_org(world, caller)?;
    let listing = format!("ListAccounts {}", org.id);
    let (max, after) = input.resolve(&listing)?;
    let ids = org.members.range(after_bound(&after)).map(|(id, _)| id);
    let (page, next) = take_page(ids, max, |id| (*id).clone());
    Ok(ListAccountsOutput {
        accounts: page
            .into_iter()
            .filter_map(|id| dto::account(&world.organizations, org, id))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountsForParentInput {
    pub parent_id: String,
    #[serde(flatten)]
    pub page: Page,
}

pub fn list_accounts_for_parent(
    world: &mut World,
    caller: &Caller,
    input: ListAccountsForParentInput,
) -> Result<ListAccountsOutput, OrgError> {
    validate::parent_id("ParentId", &input.parent_id)?;
    let org = readable_org(world, caller)?;
    if !org.is_parent(&input.parent_id) {
        return Err(OrgError::ParentNotFound);
    }
    let listing = format!("ListAccountsForParent {} {}", org.id, input.parent_id);
    let (max, after) = input.page.resolve(&listing)?;
    let empty = OrdSet::new();
    let children = org
        .children
        .get(input.parent_id.as_str())
        .map(|c| &c.accounts)
        .unwrap_or(&empty);
    let (page, next) = take_page(children.range(after_bound(&after)), max, |id| (*id).clone());
    Ok(ListAccountsOutput {
        accounts: page
            .into_iter()
            .filter_map(|id| dto::account(&world.organizations, org, id))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MoveAccountInput {
    pub account_id: String,
    pub source_parent_id: String,
    pub destination_parent_id: String,
}

/// Moves an account between containers of one organization, all at once.
pub fn move_account(
    world: &mut World,
    caller: &Caller,
    input: MoveAccountInput,
) -> Result<Empty, OrgError> {
    validate::account_id("AccountId", &input.account_id)?;
    validate::parent_id("SourceParentId", &input.source_parent_id)?;
    validate::parent_id("DestinationParentId", &input.destination_parent_id)?;
    let org = managed_org(world, caller)?;
    let member = org
        .members
        .get(input.account_id.as_str())
        .ok_or(OrgError::AccountNotFound)?;
    if !org.is_parent(&input.source_parent_id) {
        return Err(OrgError::SourceParentNotFound);
    }
    if !org.is_parent(&input.destination_parent_id) {
        return Err(OrgError::DestinationParentNotFound);
    }
    if member.parent_id == input.destination_parent_id {
        return Err(OrgError::DuplicateAccount);
    }
    if member.parent_id != input.source_parent_id {
        return Err(OrgError::SourceParentNotFound);
    }
    let org = org_mut(world, &org.id.clone());
    if let Some(children) = org.children.get_mut(input.source_parent_id.as_str()) {
        children.accounts.remove(input.account_id.as_str());
    }
    org.children
        .entry(input.destination_parent_id.as_str().into())
        .or_default()
        .accounts
        .insert(input.account_id.as_str().into());
    if let Some(member) = org.members.get_mut(input.account_id.as_str()) {
        member.parent_id = input.destination_parent_id.into();
    }
    let moved = OrgEvent::AccountMoved {
        organization_id: org.id.clone(),
        account_id: input.account_id,
    };
    crate::events::publish(world, &moved);
    Ok(Empty {})
}

#[cfg(test)]
#[path = "accounts_tests.rs"]
mod tests;
