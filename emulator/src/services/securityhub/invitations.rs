//! Invitations for accounts outside the organization: InviteMembers,
//! AcceptAdministratorInvitation (and the deprecated AcceptInvitation),
//! DeclineInvitations, DeleteInvitations, ListInvitations, GetInvitationsCount; and
//! the member's side: GetAdministratorAccount (GetMasterAccount),
//! DisassociateFromAdministratorAccount (DisassociateFromMasterAccount).
//! Invitees may list, count, decline and delete invitations before they turn
//! Security Hub on; accepting needs it on.

use serde::{Deserialize, Serialize};

use super::errors::ShError;
use super::members::{AccountIdsInput, UnprocessedOutput};
use super::model::{MemberStatus, ReceivedInvitation};
use super::{is_account_id, own_hub, page, validate_account_ids, Empty, UnprocessedAccount};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

pub fn invite_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, ShError> {
    validate_account_ids(&input.account_ids)?;
    let hub = own_hub(world, caller)?;
    let mut unprocessed = Vec::new();
    let mut invited = Vec::new();
    let org_of = |account: &str| {
        world
            .organizations
            .organization_of(account)
            .map(|o| o.id.clone())
    };
    // AWS: accounts of an organization with a Security Hub administrator receive no
    // invitation; without one, an account may invite the others (AWS's
    // enablesecurityhub.py does).
    let caller_org = org_of(&caller.account_id).filter(|org| {
        crate::services::org_integration::org_admin::<super::organizations_link::SecurityHub>(
            world,
            &caller.region,
            org,
        )
        .is_some()
    });
    for id in &input.account_ids {
        let same_org = caller_org.is_some() && org_of(id) == caller_org;
        match hub.members.get(id) {
            Some(_) if same_org => unprocessed.push(UnprocessedAccount::new(
                id,
                "Organization accounts don't receive invitations; they become members through the organization",
            )),
            None => unprocessed.push(UnprocessedAccount::new(
                id,
                "Account is not a member; call CreateMembers first",
            )),
            Some(m) if m.via_organization => unprocessed.push(UnprocessedAccount::new(
                id,
                "Organization accounts become members without an invitation",
            )),
            Some(m) if m.status == MemberStatus::Enabled => unprocessed.push(
                UnprocessedAccount::new(id, "Account is already an associated member"),
            ),
            Some(_) => invited.push(id.clone()),
        }
    }
    let now = world.clock.now_ms();
    for id in invited {
        let invitation_id = world.ids.hex(32);
        world
            .securityhub
            .account_mut(&caller.region, &id)
            .invitations
            .insert(
                caller.account_id.clone(),
                ReceivedInvitation {
                    invitation_id: invitation_id.clone(),
                    invited_ms: now,
                },
            );
        let record = world
            .securityhub
            .hub_mut(&caller.region, &caller.account_id)
            .members
            .get_mut(&id)
            .expect("checked");
        record.status = MemberStatus::Invited;
        record.invitation_id = Some(invitation_id);
        record.invited_ms = Some(now);
        record.updated_ms = now;
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

fn accept(
    world: &mut World,
    caller: &Caller,
    admin: &str,
    invitation_id: &str,
) -> Result<Empty, ShError> {
    if !is_account_id(admin) {
        return Err(ShError::invalid(format!("Invalid AdministratorId {admin}")));
    }
    own_hub(world, caller)?;
    let region = &caller.region;
    let matches = world
        .securityhub
        .account(region, &caller.account_id)
        .and_then(|a| a.invitations.get(admin))
        .is_some_and(|i| i.invitation_id == invitation_id);
    if !matches {
        return Err(ShError::not_found(format!(
            "Invitation {invitation_id} from account {admin} not found"
        )));
    }
    if let Some(current) = world
        .securityhub
        .administrator_of(region, &caller.account_id)
    {
        return Err(ShError::invalid(format!(
            "Account {} is already associated with administrator account {current}",
            caller.account_id
        )));
    }
    let admin_has_record = world.securityhub.hub(region, admin).is_some_and(|h| {
        h.members
            .get(&caller.account_id)
            .is_some_and(|m| m.status == MemberStatus::Invited)
    });
    if !admin_has_record {
        return Err(ShError::invalid(
            "The administrator account no longer invites this account",
        ));
    }
    let now = world.clock.now_ms();
    let state = world.securityhub.account_mut(region, &caller.account_id);
    state.invitations.remove(admin);
    state.administrator = Some(admin.to_string());
    let record = world
        .securityhub
        .hub_mut(region, admin)
        .members
        .get_mut(&caller.account_id)
        .expect("checked");
    record.status = MemberStatus::Enabled;
    record.updated_ms = now;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcceptAdministratorInvitationInput {
    pub administrator_id: String,
    pub invitation_id: String,
}

pub fn accept_administrator_invitation(
    world: &mut World,
    caller: &Caller,
    input: AcceptAdministratorInvitationInput,
) -> Result<Empty, ShError> {
    accept(world, caller, &input.administrator_id, &input.invitation_id)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcceptInvitationInput {
    pub master_id: String,
    pub invitation_id: String,
}

pub fn accept_invitation(
    world: &mut World,
    caller: &Caller,
    input: AcceptInvitationInput,
) -> Result<Empty, ShError> {
    accept(world, caller, &input.master_id, &input.invitation_id)
}

/// Removes invitations received from `input.account_ids`; the administrator may
/// invite again (its record goes back to `Created`).
fn drop_invitations(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, ShError> {
    validate_account_ids(&input.account_ids)?;
    let region = &caller.region;
    let received = world.securityhub.account(region, &caller.account_id);
    let mut unprocessed = Vec::new();
    let mut dropped = Vec::new();
    for admin in &input.account_ids {
        if received.is_some_and(|a| a.invitations.contains_key(admin)) {
            dropped.push(admin.clone());
        } else {
            unprocessed.push(UnprocessedAccount::new(
                admin,
                "No invitation from this account",
            ));
        }
    }
    for admin in dropped {
        world
            .securityhub
            .account_mut(region, &caller.account_id)
            .invitations
            .remove(&admin);
        if world.securityhub.hub(region, &admin).is_some() {
            if let Some(record) = world
                .securityhub
                .hub_mut(region, &admin)
                .members
                .get_mut(&caller.account_id)
            {
                if record.status == MemberStatus::Invited {
                    record.status = MemberStatus::Created;
                }
            }
        }
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

pub fn decline_invitations(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, ShError> {
    drop_invitations(world, caller, input)
}

pub fn delete_invitations(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, ShError> {
    drop_invitations(world, caller, input)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Invitation {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<String>,
    pub member_status: &'static str,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInvitationsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInvitationsOutput {
    pub invitations: Vec<Invitation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_invitations(
    world: &mut World,
    caller: &Caller,
    input: ListInvitationsInput,
) -> Result<ListInvitationsOutput, ShError> {
    let listing = format!("ListInvitations {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let received = world
        .securityhub
        .account(&caller.region, &caller.account_id)
        .map(|a| a.invitations.clone())
        .unwrap_or_default();
    let items = received
        .iter()
        .filter(|(admin, _)| after.as_ref().is_none_or(|a| *admin > a));
    let (items, next) = take_page(items, max, |(admin, _)| admin.to_string());
    Ok(ListInvitationsOutput {
        invitations: items
            .into_iter()
            .map(|(admin, i)| Invitation {
                account_id: admin.clone(),
                invitation_id: Some(i.invitation_id.clone()),
                invited_at: Some(iso8601(i.invited_ms)),
                member_status: "Invited",
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
pub struct NoInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInvitationsCountOutput {
    pub invitations_count: usize,
}

pub fn get_invitations_count(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<GetInvitationsCountOutput, ShError> {
    Ok(GetInvitationsCountOutput {
        invitations_count: world
            .securityhub
            .account(&caller.region, &caller.account_id)
            .map_or(0, |a| a.invitations.len()),
    })
}

/// The caller's administrator as an `Invitation`, if it has one.
fn administrator(world: &World, caller: &Caller) -> Result<Option<Invitation>, ShError> {
    own_hub(world, caller)?;
    let Some(admin) = world
        .securityhub
        .administrator_of(&caller.region, &caller.account_id)
    else {
        return Ok(None);
    };
    let record = world
        .securityhub
        .hub(&caller.region, admin)
        .and_then(|h| h.members.get(&caller.account_id));
    Ok(Some(Invitation {
        account_id: admin.to_string(),
        invitation_id: record.and_then(|r| r.invitation_id.clone()),
        invited_at: record.and_then(|r| r.invited_ms).map(iso8601),
        member_status: "Enabled",
    }))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAdministratorAccountOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrator: Option<Invitation>,
}

pub fn get_administrator_account(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<GetAdministratorAccountOutput, ShError> {
    Ok(GetAdministratorAccountOutput {
        administrator: administrator(world, caller)?,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMasterAccountOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<Invitation>,
}

pub fn get_master_account(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<GetMasterAccountOutput, ShError> {
    Ok(GetMasterAccountOutput {
        master: administrator(world, caller)?,
    })
}

pub fn disassociate_from_administrator_account(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<Empty, ShError> {
    own_hub(world, caller)?;
    let region = &caller.region;
    let admin = world
        .securityhub
        .administrator_of(region, &caller.account_id)
        .map(String::from)
        .ok_or_else(|| {
            ShError::invalid("The account is not associated with an administrator account")
        })?;
    let via_organization = world
        .securityhub
        .hub(region, &admin)
        .and_then(|h| h.members.get(&caller.account_id))
        .is_some_and(|m| m.via_organization);
    if via_organization {
        return Err(ShError::invalid(
            "Organization member accounts can't disassociate from their administrator; the administrator disassociates them",
        ));
    }
    let now = world.clock.now_ms();
    world
        .securityhub
        .account_mut(region, &caller.account_id)
        .administrator = None;
    if world.securityhub.hub(region, &admin).is_some() {
        if let Some(record) = world
            .securityhub
            .hub_mut(region, &admin)
            .members
            .get_mut(&caller.account_id)
        {
            record.status = MemberStatus::Resigned;
            record.updated_ms = now;
        }
    }
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ADMIN: &str = "333333333333";

    #[test]
    fn organization_accounts_are_invited_only_while_it_has_no_administrator() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 3);
        let (master, member) = (&accounts[0], &accounts[1]);
        run_ok(&mut w, master, "EnableSecurityHub", json!({}));
        run_ok(
            &mut w,
            master,
            "CreateMembers",
            json!({"AccountDetails": [{"AccountId": member, "Email": "m@example.com"}]}),
        );
        let sent = run_ok(
            &mut w,
            master,
            "InviteMembers",
            json!({"AccountIds": [member]}),
        );
        assert_eq!(sent["UnprocessedAccounts"], json!([]));
        let members = run_ok(
            &mut w,
            master,
            "GetMembers",
            json!({"AccountIds": [member]}),
        );
        assert_eq!(members["Members"][0]["MemberStatus"], "Invited");
        // Once the organization has an administrator, its accounts get no invitation.
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"AdminAccountId": accounts[2]}),
        );
        run_ok(
            &mut w,
            master,
            "DeleteMembers",
            json!({"AccountIds": [member]}),
        );
        run_ok(
            &mut w,
            master,
            "CreateMembers",
            json!({"AccountDetails": [{"AccountId": member, "Email": "m@example.com"}]}),
        );
        let refused = run_ok(
            &mut w,
            master,
            "InviteMembers",
            json!({"AccountIds": [member]}),
        );
        assert_eq!(refused["UnprocessedAccounts"][0]["AccountId"], *member);
    }

    #[test]
    fn invite_accept_disassociate() {
        let mut w = world();
        run_ok(&mut w, ADMIN, "EnableSecurityHub", json!({}));
        let not_created = run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"AccountIds": [ACCT]}),
        );
        assert_eq!(not_created["UnprocessedAccounts"][0]["AccountId"], ACCT);
        run_ok(
            &mut w,
            ADMIN,
            "CreateMembers",
            json!({"AccountDetails": [{"AccountId": ACCT, "Email": "a@example.com"}]}),
        );
        let created = run_ok(&mut w, ADMIN, "GetMembers", json!({"AccountIds": [ACCT]}));
        assert_eq!(created["Members"][0]["MemberStatus"], "Created");
        run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"AccountIds": [ACCT]}),
        );
        // the invitee sees it before turning Security Hub on
        assert_eq!(
            run_ok(&mut w, ACCT, "GetInvitationsCount", json!({}))["InvitationsCount"],
            1
        );
        let listed = run_ok(&mut w, ACCT, "ListInvitations", json!({}));
        let invitation = listed["Invitations"][0].clone();
        assert_eq!(invitation["AccountId"], ADMIN);
        let id = invitation["InvitationId"].as_str().unwrap().to_string();
        let off = run(
            &mut w,
            &root_caller(ACCT),
            "AcceptAdministratorInvitation",
            json!({"AdministratorId": ADMIN, "InvitationId": id}),
        );
        assert_eq!(error_of(off).0, "InvalidAccessException");
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let wrong = run(
            &mut w,
            &root_caller(ACCT),
            "AcceptAdministratorInvitation",
            json!({"AdministratorId": ADMIN, "InvitationId": "nope"}),
        );
        assert_eq!(error_of(wrong).0, "ResourceNotFoundException");
        run_ok(
            &mut w,
            ACCT,
            "AcceptAdministratorInvitation",
            json!({"AdministratorId": ADMIN, "InvitationId": id}),
        );
        let admin = run_ok(&mut w, ACCT, "GetAdministratorAccount", json!({}));
        assert_eq!(admin["Administrator"]["AccountId"], ADMIN);
        assert_eq!(admin["Administrator"]["MemberStatus"], "Enabled");
        assert_eq!(
            run_ok(&mut w, ACCT, "GetMasterAccount", json!({}))["Master"]["AccountId"],
            ADMIN
        );
        let members = run_ok(&mut w, ADMIN, "ListMembers", json!({}));
        assert_eq!(members["Members"][0]["MemberStatus"], "Enabled");
        let busy = run(&mut w, &root_caller(ACCT), "DisableSecurityHub", json!({}));
        assert_eq!(error_of(busy).0, "InvalidInputException");
        run_ok(
            &mut w,
            ACCT,
            "DisassociateFromAdministratorAccount",
            json!({}),
        );
        assert_eq!(
            run_ok(&mut w, ACCT, "GetAdministratorAccount", json!({})),
            json!({})
        );
        let members = run_ok(
            &mut w,
            ADMIN,
            "ListMembers",
            json!({"OnlyAssociated": false}),
        );
        assert_eq!(members["Members"][0]["MemberStatus"], "Resigned");
        run_ok(
            &mut w,
            ADMIN,
            "DeleteMembers",
            json!({"AccountIds": [ACCT]}),
        );
        assert_eq!(
            run_ok(
                &mut w,
                ADMIN,
                "ListMembers",
                json!({"OnlyAssociated": false})
            )["Members"],
            json!([])
        );
    }

    #[test]
    fn decline_and_delete() {
        let mut w = world();
        run_ok(&mut w, ADMIN, "EnableSecurityHub", json!({}));
        run_ok(
            &mut w,
            ADMIN,
            "CreateMembers",
            json!({"AccountDetails": [{"AccountId": ACCT}]}),
        );
        run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"AccountIds": [ACCT]}),
        );
        let out = run_ok(
            &mut w,
            ACCT,
            "DeclineInvitations",
            json!({"AccountIds": [ADMIN, "444444444444"]}),
        );
        assert_eq!(out["UnprocessedAccounts"][0]["AccountId"], "444444444444");
        assert_eq!(
            run_ok(&mut w, ACCT, "GetInvitationsCount", json!({}))["InvitationsCount"],
            0
        );
        let members = run_ok(&mut w, ADMIN, "GetMembers", json!({"AccountIds": [ACCT]}));
        assert_eq!(members["Members"][0]["MemberStatus"], "Created");
        run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"AccountIds": [ACCT]}),
        );
        run_ok(
            &mut w,
            ACCT,
            "DeleteInvitations",
            json!({"AccountIds": [ADMIN]}),
        );
        assert_eq!(
            run_ok(&mut w, ACCT, "ListInvitations", json!({}))["Invitations"],
            json!([])
        );
    }
}
