//! Members as their administrator manages them: CreateMembers, GetMembers, ListMembers,
//! DeleteMembers, DisassociateMembers, Start/StopMonitoringMembers,
//! GetMemberDetectors, UpdateMemberDetectors.

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::admin::administered_org;
use super::errors::GdError;
use super::model::{AutoEnable, Detector, MemberRecord, Relationship};
use super::organizations_link::GuardDuty;
use super::{is_account_id, own_detector, page, validate_account_ids, UnprocessedAccount};
use crate::auth::Caller;
use crate::services::org_integration::{self, Enrollment};
use crate::services::organizations::after_bound;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

pub(super) const NOT_A_MEMBER: &str =
    "The request is rejected because the input account ID is not a member of the current account.";

/// `Member` on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub account_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detector_id: Option<String>,
    pub master_id: String,
    pub administrator_id: String,
    pub email: String,
    pub relationship_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<String>,
    pub updated_at: String,
}

pub fn member_wire(world: &World, region: &str, admin: &str, record: &MemberRecord) -> Member {
    Member {
        account_id: record.account_id.clone(),
        detector_id: world
            .guardduty
            .detector(region, &record.account_id)
            .map(|d| d.id.clone()),
        master_id: admin.to_string(),
        administrator_id: admin.to_string(),
        email: record.email.clone(),
        relationship_status: record.relationship.wire(),
        invited_at: record.invited_ms.map(iso8601),
        updated_at: iso8601(record.updated_ms),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetail {
    pub account_id: String,
    pub email: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateMembersInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub account_details: Vec<AccountDetail>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UnprocessedOutput {
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

enum Addition {
    /// An account of the administrator's organization: enabled at once.
    Organization(String, String),
    /// Any other account: recorded, to be invited.
    Invitable(String, String),
}

pub fn create_members(
    world: &mut World,
    caller: &Caller,
    input: CreateMembersInput,
) -> Result<UnprocessedOutput, GdError> {
    if input.account_details.is_empty() || input.account_details.len() > 50 {
        return Err(GdError::invalid_parameter("accountDetails"));
    }
    let detector = own_detector(world, caller, &input.detector_id)?;
    let region = &caller.region;
    let admin = &caller.account_id;
    let admin_org = administered_org(world, region, admin);
    // Accounts of the caller's organization that no delegated administrator manages
    // are invited like any other account (GuardDuty's guide allows it).
    let mut unprocessed = Vec::new();
    let mut additions = Vec::new();
    let mut seen = OrdSet::new();
    for detail in input.account_details {
        let account = detail.account_id;
        let target_org = world
            .organizations
            .organization_of(&account)
            .map(|o| o.id.clone());
        let existing = detector.members.get(&account).map(|m| m.relationship);
        let problem = if !is_account_id(&account) {
            Some("The request is rejected because the input account ID is invalid.")
        } else if detail.email.is_empty() || detail.email.len() > 64 {
            Some("The request is rejected because the input email is invalid.")
        } else if account == *admin {
            Some("The request is rejected because the current account cannot add itself as a member.")
        } else if seen.contains(&account) {
            Some("The request is rejected because the account ID appears more than once in the request.")
        } else if existing.is_some_and(|r| r.associated() || r == Relationship::Invited) {
            Some("The request is rejected because the account is already a member of the current account.")
        } else if world
            .guardduty
            .administrator_of(region, &account)
            .is_some_and(|a| a != admin)
        {
            Some(
                "The request is rejected because the account already has an administrator account.",
            )
        } else {
            None
        };
        if let Some(result) = problem {
            unprocessed.push(UnprocessedAccount::new(&account, result));
            continue;
        }
        seen.insert(account.clone());
        if target_org.is_some() && target_org == admin_org {
            additions.push(Addition::Organization(account, detail.email));
        } else {
            additions.push(Addition::Invitable(account, detail.email));
        }
    }
    let now = world.clock.now_ms();
    for addition in additions {
        match addition {
            Addition::Organization(account, email) => {
                org_integration::enroll::<GuardDuty>(
                    world,
                    region,
                    admin,
                    &account,
                    Enrollment::ByAdministrator,
                );
                if let Some(record) = world
                    .guardduty
                    .detector_mut(region, admin)
                    .members
                    .get_mut(&account)
                {
                    record.email = email;
                }
            }
            Addition::Invitable(account, email) => {
                world.guardduty.detector_mut(region, admin).members.insert(
                    account.clone(),
                    MemberRecord {
                        account_id: account,
                        email,
                        relationship: Relationship::Created,
                        via_organization: false,
                        invitation_id: None,
                        invited_ms: None,
                        updated_ms: now,
                    },
                );
            }
        }
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountIdsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub account_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMembersOutput {
    pub members: Vec<Member>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub fn get_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<GetMembersOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let mut members = Vec::new();
    let mut unprocessed = Vec::new();
    for account in &input.account_ids {
        match detector.members.get(account) {
            Some(record) => members.push(member_wire(
                world,
                &caller.region,
                &caller.account_id,
                record,
            )),
            None => unprocessed.push(UnprocessedAccount::new(account, NOT_A_MEMBER)),
        }
    }
    Ok(GetMembersOutput {
        members,
        unprocessed_accounts: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMembersInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    /// `"true"` or `"false"` — a string in the model.
    pub only_associated: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMembersOutput {
    pub members: Vec<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_members(
    world: &mut World,
    caller: &Caller,
    input: ListMembersInput,
) -> Result<ListMembersOutput, GdError> {
    // Absent means associated members only, as AWS's console and CLI show them.
    let only_associated = match input.only_associated.as_deref() {
        None | Some("true") => true,
        Some("false") => false,
        Some(_) => return Err(GdError::invalid_parameter("onlyAssociated")),
    };
    let detector = own_detector(world, caller, &input.detector_id)?;
    let listing = format!("ListMembers {} {only_associated}", detector.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let records = detector
        .members
        .range(after_bound(&after))
        .map(|(_, m)| m)
        .filter(|m| !only_associated || m.relationship.associated());
    let (records, next) = take_page(records, max, |m| m.account_id.clone());
    Ok(ListMembersOutput {
        members: records
            .into_iter()
            .map(|m| member_wire(world, &caller.region, &caller.account_id, m))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

/// Refuses to let organization members go while the organization auto-enables ALL
/// (the documented procedure: switch to NEW or NONE first).
fn refuse_if_all(
    world: &World,
    detector: &Detector,
    accounts: &[String],
    what: &str,
) -> Result<(), GdError> {
    if detector.org_config.auto_enable != AutoEnable::All {
        return Ok(());
    }
    let org = world.organizations.organization_of(&detector.account_id);
    let bound = accounts.iter().any(|a| {
        detector.members.get(a).is_some_and(|m| m.via_organization)
            && org.is_some_and(|o| o.members.contains_key(a.as_str()))
    });
    if bound {
        return Err(GdError::bad(format!(
            "The request is rejected because the organization's autoEnableOrganizationMembers is ALL; set it to NEW or NONE before you {what} organization member accounts."
        )));
    }
    Ok(())
}

/// Applies `change` to each listed member the administrator has (a missing one is
/// unprocessed); `change` answers `Err(result)` to leave a member unprocessed.
fn for_members(
    world: &mut World,
    caller: &Caller,
    accounts: &[String],
    change: impl Fn(&MemberRecord) -> Result<Option<Relationship>, &'static str>,
) -> Vec<UnprocessedAccount> {
    let region = caller.region.clone();
    let admin = caller.account_id.clone();
    let now = world.clock.now_ms();
    let mut unprocessed = Vec::new();
    for account in accounts {
        let detector = world.guardduty.detector_mut(&region, &admin);
        let Some(record) = detector.members.get_mut(account) else {
            unprocessed.push(UnprocessedAccount::new(account, NOT_A_MEMBER));
            continue;
        };
        match change(record) {
            Err(result) => unprocessed.push(UnprocessedAccount::new(account, result)),
            Ok(None) => {}
            Ok(Some(relationship)) => {
                record.relationship = relationship;
                record.updated_ms = now;
                if !relationship.associated() {
                    release(world, &region, &admin, account);
                }
            }
        }
    }
    unprocessed
}

/// The member side of an association that ended: no administrator, no invitation.
fn release(world: &mut World, region: &str, admin: &str, account: &str) {
    let state = world.guardduty.account_mut(region, account);
    if state.administrator.as_deref() == Some(admin) {
        state.administrator = None;
    }
    state.invitations.remove(admin);
}

pub fn delete_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    refuse_if_all(world, detector, &input.account_ids, "delete")?;
    let mut unprocessed = Vec::new();
    for account in &input.account_ids {
        let detector = world
            .guardduty
            .detector_mut(&caller.region, &caller.account_id);
        if detector.members.remove(account).is_none() {
            unprocessed.push(UnprocessedAccount::new(account, NOT_A_MEMBER));
            continue;
        }
        release(world, &caller.region, &caller.account_id, account);
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

pub fn disassociate_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    refuse_if_all(world, detector, &input.account_ids, "disassociate")?;
    let unprocessed = for_members(world, caller, &input.account_ids, |_| {
        Ok(Some(Relationship::Removed))
    });
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

pub fn start_monitoring_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    own_detector(world, caller, &input.detector_id)?;
    let unprocessed = for_members(world, caller, &input.account_ids, |m| {
        match m.relationship {
        Relationship::Disabled => Ok(Some(Relationship::Enabled)),
        Relationship::Enabled => Ok(None),
        _ => Err("The request is rejected because the account is not associated with the current account."),
    }
    });
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

pub fn stop_monitoring_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    refuse_if_all(world, detector, &input.account_ids, "stop monitoring")?;
    let unprocessed = for_members(world, caller, &input.account_ids, |m| {
        match m.relationship {
        Relationship::Enabled => Ok(Some(Relationship::Disabled)),
        Relationship::Disabled => Ok(None),
        _ => Err("The request is rejected because the account is not associated with the current account."),
    }
    });
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn org_accounts_are_enabled_without_invitation_and_failures_are_partial() {
        let (mut w, accounts, security, detector) = organization_with_admin(2);
        let out = run_ok(
            &mut w,
            &security,
            "CreateMembers",
            json!({"DetectorId": detector, "accountDetails": [
                {"accountId": accounts[1], "email": "a1@example.com"},
                {"accountId": security, "email": "self@example.com"},
                {"accountId": "444455556666", "email": "outside@example.com"},
            ]}),
        );
        let unprocessed = out["unprocessedAccounts"].as_array().unwrap();
        assert_eq!(unprocessed.len(), 1);
        assert_eq!(unprocessed[0]["accountId"], security.as_str());
        let got = run_ok(
            &mut w,
            &security,
            "GetMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1], "444455556666", "999999999999"]}),
        );
        let members = got["members"].as_array().unwrap();
        assert_eq!(members[0]["relationshipStatus"], "Enabled");
        assert!(
            members[0]["detectorId"].is_string(),
            "org member got a detector"
        );
        assert_eq!(members[0]["administratorId"], security.as_str());
        assert_eq!(members[1]["relationshipStatus"], "Created");
        assert_eq!(got["unprocessedAccounts"][0]["accountId"], "999999999999");

        let associated = run_ok(
            &mut w,
            &security,
            "ListMembers",
            json!({"DetectorId": detector, "onlyAssociated": "true"}),
        );
        assert_eq!(associated["members"].as_array().unwrap().len(), 1);
        let all = run_ok(
            &mut w,
            &security,
            "ListMembers",
            json!({"DetectorId": detector, "onlyAssociated": "false", "maxResults": 1}),
        );
        assert_eq!(all["members"].as_array().unwrap().len(), 1);
        let token = all["nextToken"].as_str().unwrap();
        let rest = run_ok(
            &mut w,
            &security,
            "ListMembers",
            json!({"DetectorId": detector, "onlyAssociated": "false", "nextToken": token}),
        );
        assert_eq!(rest["members"].as_array().unwrap().len(), 1);
        let bad = run(
            &mut w,
            &root_caller(&security),
            "ListMembers",
            json!({"DetectorId": detector, "onlyAssociated": "yes"}),
        );
        assert_eq!(error_of(bad).0, "BadRequestException");
    }

    #[test]
    fn all_forbids_letting_org_members_go() {
        let (mut w, accounts, security, detector) = organization_with_admin(2);
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "ALL"}),
        );
        for op in [
            "DisassociateMembers",
            "DeleteMembers",
            "StopMonitoringMembers",
        ] {
            let r = run(
                &mut w,
                &root_caller(&security),
                op,
                json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
            );
            assert_eq!(error_of(r).0, "BadRequestException", "{op}");
        }
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": detector, "autoEnableOrganizationMembers": "NEW"}),
        );
        run_ok(
            &mut w,
            &security,
            "StopMonitoringMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
        );
        let m = run_ok(
            &mut w,
            &security,
            "GetMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
        );
        assert_eq!(m["members"][0]["relationshipStatus"], "Disabled");
        run_ok(
            &mut w,
            &security,
            "StartMonitoringMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
        );
        run_ok(
            &mut w,
            &security,
            "DisassociateMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
        );
        let m = run_ok(
            &mut w,
            &security,
            "GetMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1]]}),
        );
        assert_eq!(m["members"][0]["relationshipStatus"], "Removed");
        assert_eq!(
            w.guardduty.administrator_of("us-east-1", &accounts[1]),
            None
        );
        let out = run_ok(
            &mut w,
            &security,
            "DeleteMembers",
            json!({"DetectorId": detector, "accountIds": [accounts[1], "999999999999"]}),
        );
        assert_eq!(out["unprocessedAccounts"][0]["accountId"], "999999999999");
    }
}
