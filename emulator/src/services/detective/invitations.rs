//! The member account's side: AcceptInvitation, RejectInvitation,
//! DisassociateMembership and ListInvitations. Organization accounts receive no
//! invitations and cannot leave the organization graph on their own.

use serde::Serialize;

use super::errors::{DetectiveError, CONFLICT};
use super::graphs::{GraphInput, ListInput};
use super::members::{enable, MemberDetail};
use super::model::{InvitationType, Member, MemberStatus};
use super::{graph_named, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// The caller's membership of the graph `arn` names.
fn membership<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<(&'w super::model::Graph, &'w Member), DetectiveError> {
    let graph = graph_named(world, caller, "graphArn", arn)?;
    let member = graph
        .members
        .get(&caller.account_id)
        .ok_or_else(DetectiveError::not_found)?;
    Ok((graph, member))
}

fn refuse_organization_account(member: &Member, what: &str) -> Result<(), DetectiveError> {
    if member.invitation_type == InvitationType::Organization {
        return Err(DetectiveError::validation(format!(
            "The account is an organization account in the organization behavior graph: organization accounts do not receive invitations, and only the Detective administrator account can {what}."
        )));
    }
    Ok(())
}

/// Accepts an invitation (status INVITED): the account becomes ENABLED, or
/// ACCEPTED_BUT_DISABLED with VOLUME_UNKNOWN while it has no GuardDuty.
pub fn accept_invitation(
    world: &mut World,
    caller: &Caller,
    input: GraphInput,
) -> Result<Empty, DetectiveError> {
    let (graph, member) = membership(world, caller, &input.graph_arn)?;
    refuse_organization_account(member, "enable it")?;
    if member.status != MemberStatus::Invited {
        return Err(DetectiveError::conflict(CONFLICT));
    }
    let now = world.clock.now_ms();
    let mut member = member.clone();
    enable(world, graph, &mut member, now);
    let (region, admin) = (graph.region.clone(), graph.account_id.clone());
    world
        .detective
        .graph_mut(&region, &admin)
        .members
        .insert(caller.account_id.clone(), member);
    Ok(Empty {})
}

/// Declines an invitation (status INVITED): the account is no longer a member.
pub fn reject_invitation(
    world: &mut World,
    caller: &Caller,
    input: GraphInput,
) -> Result<Empty, DetectiveError> {
    let (graph, member) = membership(world, caller, &input.graph_arn)?;
    refuse_organization_account(member, "remove it")?;
    if member.status != MemberStatus::Invited {
        return Err(DetectiveError::conflict(CONFLICT));
    }
    let (region, admin) = (graph.region.clone(), graph.account_id.clone());
    world
        .detective
        .graph_mut(&region, &admin)
        .members
        .remove(&caller.account_id);
    Ok(Empty {})
}

/// An invited member that accepted leaves the graph.
pub fn disassociate_membership(
    world: &mut World,
    caller: &Caller,
    input: GraphInput,
) -> Result<Empty, DetectiveError> {
    let (graph, member) = membership(world, caller, &input.graph_arn)?;
    refuse_organization_account(member, "remove it")?;
    if !member.status.accepted() {
        return Err(DetectiveError::conflict(CONFLICT));
    }
    let (region, admin) = (graph.region.clone(), graph.account_id.clone());
    world
        .detective
        .graph_mut(&region, &admin)
        .members
        .remove(&caller.account_id);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInvitationsOutput {
    pub invitations: Vec<MemberDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The open and accepted invitations of the caller in the region.
pub fn list_invitations(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<ListInvitationsOutput, DetectiveError> {
    let listing = format!("ListInvitations {} {}", caller.account_id, caller.region);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let graphs = world
        .detective
        .region(&caller.region)
        .into_iter()
        .flat_map(|r| r.graphs.values())
        .filter(|g| {
            after
                .as_deref()
                .is_none_or(|after| g.account_id.as_str() > after)
        })
        .filter_map(|g| {
            g.members
                .get(&caller.account_id)
                .filter(|m| {
                    m.invitation_type == InvitationType::Invitation
                        && (m.status == MemberStatus::Invited || m.status.accepted())
                })
                .map(|m| (g, m))
        });
    let (page, next) = take_page(graphs, max, |(g, _)| g.account_id.clone());
    Ok(ListInvitationsOutput {
        invitations: page
            .into_iter()
            .map(|(g, m)| MemberDetail::of(g, m))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}
