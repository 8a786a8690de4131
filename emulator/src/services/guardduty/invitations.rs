//! Invitations for accounts outside the organization, and the member's side of the
//! relationship: InviteMembers, AcceptAdministratorInvitation, DeclineInvitations,
//! DeleteInvitations, ListInvitations, GetInvitationsCount, GetAdministratorAccount,
//! DisassociateFromAdministratorAccount.

use serde::{Deserialize, Serialize};

use super::errors::GdError;
use super::members::UnprocessedOutput;
use super::model::{AutoEnable, ReceivedInvitation, Relationship};
use super::{own_detector, page, validate_account_ids, Empty, UnprocessedAccount};
use crate::auth::Caller;
use crate::services::organizations::after_bound;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteMembersInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub account_ids: Vec<String>,
    /// Accepted; orgsim sends no email either way.
    pub disable_email_notification: Option<bool>,
    pub message: Option<String>,
}

pub fn invite_members(
    world: &mut World,
    caller: &Caller,
    input: InviteMembersInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let region = caller.region.clone();
    let admin = caller.account_id.clone();
    let org = world.organizations.organization_of(&admin);
    let mut unprocessed = Vec::new();
    let mut invitees = Vec::new();
    for account in &input.account_ids {
        let problem = match detector.members.get(account) {
            None => Some("The request is rejected because the account is not a member of the current account; add it with CreateMembers first."),
            Some(m) if m.via_organization && org.is_some_and(|o| o.members.contains_key(account.as_str())) => {
                Some("The request is rejected because the account belongs to the organization and is managed without invitations.")
            }
            Some(m) if m.relationship.associated() => {
                Some("The request is rejected because the account is already associated with the current account.")
            }
            Some(_) if world.guardduty.administrator_of(&region, account).is_some_and(|a| a != admin) => {
                Some("The request is rejected because the account already has an administrator account.")
            }
            Some(_) if invitees.contains(account) => None,
            Some(_) => {
                invitees.push(account.clone());
                None
            }
        };
        if let Some(result) = problem {
            unprocessed.push(UnprocessedAccount::new(account, result));
        }
    }
    let now = world.clock.now_ms();
    for account in invitees {
        let invitation_id = world.ids.hex(32);
        let record = world
            .guardduty
            .detector_mut(&region, &admin)
            .members
            .get_mut(&account)
            .expect("member checked before mutation");
        record.relationship = Relationship::Invited;
        record.invitation_id = Some(invitation_id.clone());
        record.invited_ms = Some(now);
        record.updated_ms = now;
        world
            .guardduty
            .account_mut(&region, &account)
            .invitations
            .insert(
                admin.clone(),
                ReceivedInvitation {
                    invitation_id,
                    invited_ms: now,
                },
            );
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptAdministratorInvitationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub administrator_id: String,
    pub invitation_id: String,
}

pub fn accept_administrator_invitation(
    world: &mut World,
    caller: &Caller,
    input: AcceptAdministratorInvitationInput,
) -> Result<Empty, GdError> {
    own_detector(world, caller, &input.detector_id)?;
    let region = caller.region.clone();
    let member = caller.account_id.clone();
    if world.guardduty.administrator_of(&region, &member).is_some() {
        return Err(GdError::bad(
            "The request is rejected because the current account is already associated with an administrator account.",
        ));
    }
    let valid = world
        .guardduty
        .account(&region, &member)
        .and_then(|a| a.invitations.get(&input.administrator_id))
        .is_some_and(|i| i.invitation_id == input.invitation_id)
        && world
            .guardduty
            .detector(&region, &input.administrator_id)
            .and_then(|d| d.members.get(&member))
            .is_some_and(|m| m.relationship == Relationship::Invited);
    if !valid {
        return Err(GdError::bad(
            "The request is rejected because the input invitationId or administratorId is not valid.",
        ));
    }
    let now = world.clock.now_ms();
    let record = world
        .guardduty
        .detector_mut(&region, &input.administrator_id)
        .members
        .get_mut(&member)
        .expect("invitation checked before mutation");
    record.relationship = Relationship::Enabled;
    record.updated_ms = now;
    let state = world.guardduty.account_mut(&region, &member);
    state.administrator = Some(input.administrator_id.clone());
    state.invitations.remove(&input.administrator_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AcceptInvitationInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub master_id: String,
    pub invitation_id: String,
}

/// The deprecated form AWS's own multi-account scripts still call: the same as
/// `AcceptAdministratorInvitation` with `masterId` for `administratorId`.
pub fn accept_invitation(
    world: &mut World,
    caller: &Caller,
    input: AcceptInvitationInput,
) -> Result<Empty, GdError> {
    accept_administrator_invitation(
        world,
        caller,
        AcceptAdministratorInvitationInput {
            detector_id: input.detector_id,
            administrator_id: input.master_id,
            invitation_id: input.invitation_id,
        },
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationAccountsInput {
    pub account_ids: Vec<String>,
}

/// Drops the invitations from the listed administrators. The administrator then
/// sees the member as `Removed` (AWS does not document the status it shows).
fn drop_invitations(
    world: &mut World,
    caller: &Caller,
    admins: &[String],
) -> Vec<UnprocessedAccount> {
    let region = caller.region.clone();
    let member = caller.account_id.clone();
    let now = world.clock.now_ms();
    let mut unprocessed = Vec::new();
    for admin in admins {
        let removed = world
            .guardduty
            .account_mut(&region, &member)
            .invitations
            .remove(admin);
        let Some(invitation) = removed else {
            unprocessed.push(UnprocessedAccount::new(
                admin,
                "The request is rejected because there is no invitation from the input account ID.",
            ));
            continue;
        };
        if world.guardduty.detector(&region, admin).is_some() {
            if let Some(record) = world
                .guardduty
                .detector_mut(&region, admin)
                .members
                .get_mut(&member)
            {
                if record.invitation_id.as_deref() == Some(invitation.invitation_id.as_str())
                    && record.relationship == Relationship::Invited
                {
                    record.relationship = Relationship::Removed;
                    record.updated_ms = now;
                }
            }
        }
    }
    unprocessed
}

pub fn decline_invitations(
    world: &mut World,
    caller: &Caller,
    input: InvitationAccountsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    Ok(UnprocessedOutput {
        unprocessed_accounts: drop_invitations(world, caller, &input.account_ids),
    })
}

pub fn delete_invitations(
    world: &mut World,
    caller: &Caller,
    input: InvitationAccountsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    Ok(UnprocessedOutput {
        unprocessed_accounts: drop_invitations(world, caller, &input.account_ids),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInvitationsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub account_id: String,
    pub invitation_id: String,
    pub relationship_status: &'static str,
    pub invited_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListInvitationsOutput {
    pub invitations: Vec<Invitation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_invitations(
    world: &mut World,
    caller: &Caller,
    input: ListInvitationsInput,
) -> Result<ListInvitationsOutput, GdError> {
    let listing = "ListInvitations";
    let (max, after) = page(listing, input.max_results, &input.next_token, 50, 50)?;
    let Some(state) = world.guardduty.account(&caller.region, &caller.account_id) else {
        return Ok(ListInvitationsOutput {
            invitations: vec![],
            next_token: None,
        });
    };
    let (page, next) = take_page(
        state.invitations.range(after_bound(&after)),
        max,
        |(admin, _)| (*admin).clone(),
    );
    Ok(ListInvitationsOutput {
        invitations: page
            .into_iter()
            .map(|(admin, i)| Invitation {
                account_id: admin.clone(),
                invitation_id: i.invitation_id.clone(),
                relationship_status: Relationship::Invited.wire(),
                invited_at: iso8601(i.invited_ms),
            })
            .collect(),
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
pub struct NoInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetInvitationsCountOutput {
    pub invitations_count: usize,
}

pub fn get_invitations_count(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<GetInvitationsCountOutput, GdError> {
    Ok(GetInvitationsCountOutput {
        invitations_count: world
            .guardduty
            .account(&caller.region, &caller.account_id)
            .map_or(0, |a| a.invitations.len()),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Administrator {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invitation_id: Option<String>,
    pub relationship_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GetAdministratorAccountOutput {
    /// Absent for administrators and standalone accounts: AWS answers 200 with `{}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administrator: Option<Administrator>,
}

pub fn get_administrator_account(
    world: &mut World,
    caller: &Caller,
    input: super::detectors::DetectorIdInput,
) -> Result<GetAdministratorAccountOutput, GdError> {
    own_detector(world, caller, &input.detector_id)?;
    let gd = &world.guardduty;
    let administrator = gd
        .administrator_of(&caller.region, &caller.account_id)
        .and_then(|admin| {
            let record = gd
                .detector(&caller.region, admin)?
                .members
                .get(&caller.account_id)?;
            Some(Administrator {
                account_id: admin.to_string(),
                invitation_id: record.invitation_id.clone(),
                relationship_status: record.relationship.wire(),
                invited_at: record.invited_ms.map(iso8601),
            })
        });
    Ok(GetAdministratorAccountOutput { administrator })
}

#[derive(Debug, Serialize)]
pub struct GetMasterAccountOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub master: Option<Administrator>,
}

/// The deprecated form of `GetAdministratorAccount` (`master` for `administrator`).
pub fn get_master_account(
    world: &mut World,
    caller: &Caller,
    input: super::detectors::DetectorIdInput,
) -> Result<GetMasterAccountOutput, GdError> {
    let out = get_administrator_account(world, caller, input)?;
    Ok(GetMasterAccountOutput {
        master: out.administrator,
    })
}

/// The deprecated form of `DisassociateFromAdministratorAccount`.
pub fn disassociate_from_master_account(
    world: &mut World,
    caller: &Caller,
    input: super::detectors::DetectorIdInput,
) -> Result<Empty, GdError> {
    disassociate_from_administrator_account(world, caller, input)
}

pub fn disassociate_from_administrator_account(
    world: &mut World,
    caller: &Caller,
    input: super::detectors::DetectorIdInput,
) -> Result<Empty, GdError> {
    own_detector(world, caller, &input.detector_id)?;
    let region = caller.region.clone();
    let member = caller.account_id.clone();
    // Without an administrator there is nothing to leave: AWS answers 200.
    let Some(admin) = world
        .guardduty
        .administrator_of(&region, &member)
        .map(String::from)
    else {
        return Ok(Empty {});
    };
    let admin_detector = world.guardduty.detector(&region, &admin);
    let bound_by_all = admin_detector.is_some_and(|d| {
        d.org_config.auto_enable == AutoEnable::All
            && d.members.get(&member).is_some_and(|m| m.via_organization)
    });
    if bound_by_all {
        return Err(GdError::bad(
            "The request is rejected because the organization's autoEnableOrganizationMembers is ALL; the member account cannot disassociate from its administrator account.",
        ));
    }
    let now = world.clock.now_ms();
    if admin_detector.is_some() {
        if let Some(record) = world
            .guardduty
            .detector_mut(&region, &admin)
            .members
            .get_mut(&member)
        {
            record.relationship = Relationship::Resigned;
            record.updated_ms = now;
        }
    }
    world.guardduty.account_mut(&region, &member).administrator = None;
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ADMIN: &str = "222222222222";
    const OUTSIDER: &str = "333333333333";

    #[test]
    fn invite_accept_and_resign() {
        let mut w = world();
        let detector = create_detector(&mut w, ADMIN);
        let member_detector = create_detector(&mut w, OUTSIDER);
        run_ok(
            &mut w,
            ADMIN,
            "CreateMembers",
            json!({"DetectorId": detector, "accountDetails": [{"accountId": OUTSIDER, "email": "o@example.com"}]}),
        );
        let not_created = run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"DetectorId": detector, "accountIds": ["444444444444"]}),
        );
        assert_eq!(
            not_created["unprocessedAccounts"][0]["accountId"],
            "444444444444"
        );
        run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"DetectorId": detector, "accountIds": [OUTSIDER]}),
        );
        assert_eq!(
            run_ok(&mut w, OUTSIDER, "GetInvitationsCount", json!({}))["invitationsCount"],
            1
        );
        let invitations = run_ok(&mut w, OUTSIDER, "ListInvitations", json!({}));
        let invitation_id = invitations["invitations"][0]["invitationId"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(invitations["invitations"][0]["accountId"], ADMIN);
        assert_eq!(
            run_ok(
                &mut w,
                OUTSIDER,
                "GetAdministratorAccount",
                json!({"DetectorId": member_detector})
            ),
            json!({})
        );

        let wrong = run(
            &mut w,
            &root_caller(OUTSIDER),
            "AcceptAdministratorInvitation",
            json!({"DetectorId": member_detector, "administratorId": ADMIN, "invitationId": "nope"}),
        );
        assert_eq!(error_of(wrong).0, "BadRequestException");
        run_ok(
            &mut w,
            OUTSIDER,
            "AcceptAdministratorInvitation",
            json!({"DetectorId": member_detector, "administratorId": ADMIN, "invitationId": invitation_id}),
        );
        let admin = run_ok(
            &mut w,
            OUTSIDER,
            "GetAdministratorAccount",
            json!({"DetectorId": member_detector}),
        );
        assert_eq!(admin["administrator"]["accountId"], ADMIN);
        assert_eq!(admin["administrator"]["relationshipStatus"], "Enabled");
        assert_eq!(
            run_ok(&mut w, OUTSIDER, "GetInvitationsCount", json!({}))["invitationsCount"],
            0
        );
        let delete = run(
            &mut w,
            &root_caller(ADMIN),
            "DeleteDetector",
            json!({"DetectorId": detector}),
        );
        assert_eq!(
            error_of(delete).0,
            "BadRequestException",
            "refused while it has members"
        );

        run_ok(
            &mut w,
            OUTSIDER,
            "DisassociateFromAdministratorAccount",
            json!({"DetectorId": member_detector}),
        );
        let m = run_ok(
            &mut w,
            ADMIN,
            "GetMembers",
            json!({"DetectorId": detector, "accountIds": [OUTSIDER]}),
        );
        assert_eq!(m["members"][0]["relationshipStatus"], "Resigned");
        run_ok(
            &mut w,
            ADMIN,
            "DeleteDetector",
            json!({"DetectorId": detector}),
        );
    }

    #[test]
    fn declined_invitations_disappear() {
        let mut w = world();
        let detector = create_detector(&mut w, ADMIN);
        run_ok(
            &mut w,
            ADMIN,
            "CreateMembers",
            json!({"DetectorId": detector, "accountDetails": [{"accountId": OUTSIDER, "email": "o@example.com"}]}),
        );
        run_ok(
            &mut w,
            ADMIN,
            "InviteMembers",
            json!({"DetectorId": detector, "accountIds": [OUTSIDER]}),
        );
        let out = run_ok(
            &mut w,
            OUTSIDER,
            "DeclineInvitations",
            json!({"accountIds": [ADMIN, "555555555555"]}),
        );
        assert_eq!(out["unprocessedAccounts"][0]["accountId"], "555555555555");
        assert_eq!(
            run_ok(&mut w, OUTSIDER, "GetInvitationsCount", json!({}))["invitationsCount"],
            0
        );
        let m = run_ok(
            &mut w,
            ADMIN,
            "GetMembers",
            json!({"DetectorId": detector, "accountIds": [OUTSIDER]}),
        );
        assert_eq!(m["members"][0]["relationshipStatus"], "Removed");
    }
}
