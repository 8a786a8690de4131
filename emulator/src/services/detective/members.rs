//! The administrator's side of membership: CreateMembers (invitations for other
//! accounts, direct enablement for the organization's accounts), GetMembers,
//! ListMembers, DeleteMembers, StartMonitoringMember; and the email verification
//! that turns an invitation from VERIFICATION_IN_PROGRESS into INVITED.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::errors::DetectiveError;
use super::model::{
    DisabledReason, Graph, InvitationType, Member, MemberStatus, Package, PackageHistory,
};
use super::organizations_link::Detective;
use super::{
    check_account_id, check_account_ids, guardduty_on, is_email, members_quota, own_graph, page,
    Empty,
};
use crate::auth::Caller;
use crate::services::org_integration::{self, Enrollment};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// A member as `MemberDetail` shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MemberDetail {
    pub account_id: String,
    pub email_address: String,
    pub graph_arn: String,
    pub master_id: String,
    pub administrator_id: String,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<&'static str>,
    pub invited_time: String,
    pub updated_time: String,
    pub invitation_type: &'static str,
    pub datasource_package_ingest_states: OrdMap<&'static str, &'static str>,
}

impl MemberDetail {
    pub fn of(graph: &Graph, member: &Member) -> MemberDetail {
        let datasource_package_ingest_states = graph
            .packages
            .keys()
            .map(|package| {
                let state = member
                    .packages
                    .get(package)
                    .map_or("DISABLED", |p| p.state.wire());
                (package.wire(), state)
            })
            .collect();
        MemberDetail {
            account_id: member.account_id.clone(),
            email_address: member.email.clone(),
            graph_arn: graph.arn(),
            master_id: graph.account_id.clone(),
            administrator_id: graph.account_id.clone(),
            status: member.status.wire(),
            disabled_reason: member.disabled_reason.map(DisabledReason::wire),
            invited_time: iso8601(member.invited_ms),
            updated_time: iso8601(member.updated_ms),
            invitation_type: member.invitation_type.wire(),
            datasource_package_ingest_states,
        }
    }
}

/// One `UnprocessedAccount`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedAccount {
    pub account_id: String,
    pub reason: String,
}

impl UnprocessedAccount {
    pub fn new(account_id: &str, reason: &str) -> Self {
        UnprocessedAccount {
            account_id: account_id.to_string(),
            reason: reason.to_string(),
        }
    }
}

pub const NOT_A_MEMBER: &str = "The account is not a member of the behavior graph.";

/// What an account that accepted (or that the organization enabled) becomes:
/// ENABLED when Detective can measure its data, which it cannot without GuardDuty.
pub fn enabled_status(
    world: &World,
    region: &str,
    account: &str,
) -> (MemberStatus, Option<DisabledReason>) {
    if guardduty_on(world, region, account) {
        (MemberStatus::Enabled, None)
    } else {
        (
            MemberStatus::AcceptedButDisabled,
            Some(DisabledReason::VolumeUnknown),
        )
    }
}

/// Makes `member` contribute (or be held back): its status, and its data flowing
/// into every package the graph ingests.
pub fn enable(world: &World, graph: &Graph, member: &mut Member, now_ms: i64) {
    let (status, reason) = enabled_status(world, &graph.region, &member.account_id);
    member.status = status;
    member.disabled_reason = reason;
    member.updated_ms = now_ms;
    if status == MemberStatus::Enabled {
        for package in graph.packages.keys().filter(|p| graph.started(**p)) {
            member
                .packages
                .entry(*package)
                .or_insert_with(|| PackageHistory::started(now_ms));
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountInput {
    pub account_id: String,
    pub email_address: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMembersInput {
    pub graph_arn: String,
    pub message: Option<String>,
    pub disable_email_notification: Option<bool>,
    pub accounts: Vec<AccountInput>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMembersOutput {
    pub members: Vec<MemberDetail>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

/// Invites accounts, or — for the organization's Detective administrator — enables
/// the organization's accounts directly (no invitation).
pub fn create_members(
    world: &mut World,
    caller: &Caller,
    input: CreateMembersInput,
) -> Result<CreateMembersOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    if input.accounts.is_empty() || input.accounts.len() > 50 {
        return Err(DetectiveError::constraint(
            "accounts",
            &format!("{} items", input.accounts.len()),
            "Member must have length between 1 and 50",
        ));
    }
    for account in &input.accounts {
        check_account_id("accounts.member.accountId", &account.account_id)?;
        if !is_email(&account.email_address) {
            return Err(DetectiveError::constraint(
                "accounts.member.emailAddress",
                &account.email_address,
                "Member must have length between 1 and 64 and be an email address",
            ));
        }
    }
    if let Some(message) = &input.message {
        let length = message.chars().count();
        if !(1..=1000).contains(&length) {
            return Err(DetectiveError::constraint(
                "message",
                message,
                "Member must have length between 1 and 1000",
            ));
        }
    }
    let _ = input.disable_email_notification;
    let region = caller.region.clone();
    let admin = caller.account_id.clone();
    let org_accounts = org_integration::administered_org::<Detective>(world, &region, &admin)
        .and_then(|_| world.organizations.organization_of(&admin))
        .map(|org| org.members.clone());

    // Decide each account first, then check the quota, then change the world.
    let mut unprocessed = Vec::new();
    let mut to_enable = Vec::new();
    let mut to_invite = Vec::new();
    for account in &input.accounts {
        let id = &account.account_id;
        let seen = to_enable.contains(id) || to_invite.iter().any(|(a, _)| a == id);
        if seen {
            continue;
        }
        if *id == admin {
            unprocessed.push(UnprocessedAccount::new(
                id,
                "The administrator account cannot be a member account of its own behavior graph.",
            ));
            continue;
        }
        if graph
            .members
            .get(id)
            .is_some_and(|m| m.status != MemberStatus::VerificationFailed)
        {
            unprocessed.push(UnprocessedAccount::new(
                id,
                "The account is already a member of the behavior graph.",
            ));
            continue;
        }
        if org_accounts
            .as_ref()
            .is_some_and(|m| m.contains_key(id.as_str()))
        {
            to_enable.push(id.clone());
        } else {
            to_invite.push((id.clone(), account.email_address.clone()));
        }
    }
    let new_members = to_enable.len() + to_invite.len();
    let quota = members_quota(world);
    let counted = graph
        .members
        .keys()
        .filter(|a| !to_enable.contains(a) && !to_invite.iter().any(|(i, _)| i == *a))
        .count();
    if counted + new_members > quota {
        return Err(DetectiveError::QuotaExceeded(
            format!(
                "The request would cause the number of member accounts in the behavior graph to exceed the maximum allowed. A behavior graph cannot have more than {quota} member accounts."
            ),
            vec![input.graph_arn.clone()],
        ));
    }

    let now = world.clock.now_ms();
    for account in &to_enable {
        org_integration::enroll::<Detective>(
            world,
            &region,
            &admin,
            account,
            Enrollment::ByAdministrator,
        );
    }
    let request = world.request_count;
    for (account, email) in &to_invite {
        let member = Member {
            account_id: account.clone(),
            email: email.clone(),
            status: MemberStatus::VerificationInProgress,
            disabled_reason: None,
            invitation_type: InvitationType::Invitation,
            invited_ms: now,
            updated_ms: now,
            verify_after_request: request,
            packages: OrdMap::new(),
        };
        world
            .detective
            .graph_mut(&region, &admin)
            .members
            .insert(account.clone(), member);
        world
            .detective
            .verifying
            .insert((region.clone(), admin.clone(), account.clone()));
    }
    let graph = world
        .detective
        .graph(&region, &admin)
        .expect("the caller's graph");
    let members = input
        .accounts
        .iter()
        .map(|a| &a.account_id)
        .filter(|id| to_enable.contains(id) || to_invite.iter().any(|(a, _)| a == *id))
        .filter_map(|id| graph.members.get(id))
        .map(|m| MemberDetail::of(graph, m))
        .fold(Vec::<MemberDetail>::new(), |mut out, m| {
            if !out.iter().any(|o| o.account_id == m.account_id) {
                out.push(m);
            }
            out
        });
    Ok(CreateMembersOutput {
        members,
        unprocessed_accounts: unprocessed,
    })
}

/// At the start of each request: invitations whose email verification is over are
/// sent (INVITED), or fail when the address is not the account's (VERIFICATION_FAILED).
pub fn finish_verifications(world: &mut World) {
    if world.detective.verifying.is_empty() {
        return;
    }
    let now = world.clock.now_ms();
    let due: Vec<_> = world
        .detective
        .verifying
        .iter()
        .filter(|(region, admin, account)| {
            world
                .detective
                .graph(region, admin)
                .and_then(|g| g.members.get(account))
                .is_none_or(|m| m.verify_after_request < world.request_count)
        })
        .cloned()
        .collect();
    for key in due {
        world.detective.verifying.remove(&key);
        let (region, admin, account) = key;
        let known_email = world
            .organizations
            .accounts
            .get(account.as_str())
            .map(|a| a.email.to_ascii_lowercase());
        let Some(graph) = world
            .detective
            .regions
            .get_mut(&region)
            .and_then(|r| r.graphs.get_mut(&admin))
        else {
            continue;
        };
        let Some(member) = graph.members.get_mut(&account) else {
            continue;
        };
        if member.status != MemberStatus::VerificationInProgress {
            continue;
        }
        let matches = known_email
            .as_deref()
            .is_none_or(|email| email == member.email.to_ascii_lowercase());
        member.status = if matches {
            MemberStatus::Invited
        } else {
            MemberStatus::VerificationFailed
        };
        member.updated_ms = now;
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembersInput {
    pub graph_arn: String,
    pub account_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMembersOutput {
    pub member_details: Vec<MemberDetail>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub fn get_members(
    world: &mut World,
    caller: &Caller,
    input: MembersInput,
) -> Result<GetMembersOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    check_account_ids("accountIds", &input.account_ids, 50)?;
    let mut member_details = Vec::new();
    let mut unprocessed_accounts = Vec::new();
    for id in &input.account_ids {
        match graph.members.get(id) {
            Some(member) => member_details.push(MemberDetail::of(graph, member)),
            None => unprocessed_accounts.push(UnprocessedAccount::new(id, NOT_A_MEMBER)),
        }
    }
    Ok(GetMembersOutput {
        member_details,
        unprocessed_accounts,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMembersInput {
    pub graph_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMembersOutput {
    pub member_details: Vec<MemberDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Invited accounts in every status, and the organization accounts enabled as
/// members (not the organization's other accounts).
pub fn list_members(
    world: &mut World,
    caller: &Caller,
    input: ListMembersInput,
) -> Result<ListMembersOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    let listing = format!("ListMembers {}", graph.arn());
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let members = match &after {
        Some(after) => graph.members.range::<_, String>((
            std::ops::Bound::Excluded(after.clone()),
            std::ops::Bound::Unbounded,
        )),
        None => graph.members.range::<_, String>(..),
    };
    let (page, next) = take_page(members.map(|(_, m)| m), max, |m| m.account_id.clone());
    Ok(ListMembersOutput {
        member_details: page
            .into_iter()
            .map(|m| MemberDetail::of(graph, m))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteMembersOutput {
    pub account_ids: Vec<String>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

/// Removes invited accounts and disables organization accounts (which leave the
/// member list; AutoEnable does not bring them back).
pub fn delete_members(
    world: &mut World,
    caller: &Caller,
    input: MembersInput,
) -> Result<DeleteMembersOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    check_account_ids("accountIds", &input.account_ids, 50)?;
    let mut account_ids = Vec::new();
    let mut unprocessed_accounts = Vec::new();
    for id in &input.account_ids {
        if *id == caller.account_id {
            unprocessed_accounts.push(UnprocessedAccount::new(
                id,
                "The administrator account cannot be removed from its own behavior graph. Use DeleteGraph to disable Detective.",
            ));
        } else if graph.members.contains_key(id) {
            if !account_ids.contains(id) {
                account_ids.push(id.clone());
            }
        } else {
            unprocessed_accounts.push(UnprocessedAccount::new(id, NOT_A_MEMBER));
        }
    }
    let region = caller.region.clone();
    let admin = caller.account_id.clone();
    for id in &account_ids {
        world
            .detective
            .graph_mut(&region, &admin)
            .members
            .remove(id);
        world
            .detective
            .verifying
            .remove(&(region.clone(), admin.clone(), id.clone()));
    }
    Ok(DeleteMembersOutput {
        account_ids,
        unprocessed_accounts,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartMonitoringMemberInput {
    pub graph_arn: String,
    pub account_id: String,
}

/// Enables a member held back as ACCEPTED_BUT_DISABLED, once Detective can measure
/// its data (GuardDuty on in the member).
pub fn start_monitoring_member(
    world: &mut World,
    caller: &Caller,
    input: StartMonitoringMemberInput,
) -> Result<Empty, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    check_account_id("accountId", &input.account_id)?;
    let member = graph
        .members
        .get(&input.account_id)
        .ok_or_else(DetectiveError::not_found)?;
    if member.status != MemberStatus::AcceptedButDisabled {
        return Err(DetectiveError::conflict(super::errors::CONFLICT));
    }
    if !guardduty_on(world, &caller.region, &input.account_id) {
        return Err(DetectiveError::QuotaExceeded(
            "Detective is unable to verify the data rate for the member account. This is usually because the member account is not enrolled in Amazon GuardDuty.".into(),
            vec![input.account_id.clone()],
        ));
    }
    let now = world.clock.now_ms();
    let mut member = member.clone();
    enable(world, graph, &mut member, now);
    world
        .detective
        .graph_mut(&caller.region, &caller.account_id)
        .members
        .insert(input.account_id, member);
    Ok(Empty {})
}

/// The packages as a member's history shows them: each state's last change.
pub fn history_json(
    packages: &OrdMap<Package, PackageHistory>,
) -> OrdMap<&'static str, OrdMap<&'static str, serde_json::Value>> {
    packages
        .iter()
        .map(|(package, history)| {
            let changes: OrdMap<&'static str, serde_json::Value> = history
                .changed_ms
                .iter()
                .map(|(state, ms)| (state.wire(), serde_json::json!({"Timestamp": iso8601(*ms)})))
                .collect();
            (package.wire(), changes)
        })
        .collect()
}
