//! Members of an administrator: CreateMembers (organization accounts are enabled
//! at once, others wait for an invitation), GetMembers, ListMembers,
//! DisassociateMembers, DeleteMembers.

use serde::{Deserialize, Serialize};

use super::admin::administered_org;
use super::errors::ShError;
use super::model::{MemberRecord, MemberStatus};
use super::organizations_link::SecurityHub;
use super::{is_account_id, own_hub, page, validate_account_ids, Empty, UnprocessedAccount};
use crate::auth::Caller;
use crate::services::org_integration::{self, Enrollment};
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// A member as the API returns it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Member {
    pub account_id: String,
    pub email: String,
    pub master_id: String,
    pub administrator_id: String,
    pub member_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invited_at: Option<String>,
    pub updated_at: String,
}

pub fn member_wire(administrator: &str, m: &MemberRecord) -> Member {
    Member {
        account_id: m.account_id.clone(),
        email: m.email.clone(),
        master_id: administrator.to_string(),
        administrator_id: administrator.to_string(),
        member_status: m.status.wire(),
        invited_at: m.invited_ms.map(iso8601),
        updated_at: iso8601(m.updated_ms),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountDetails {
    pub account_id: String,
    pub email: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateMembersInput {
    pub account_details: Vec<AccountDetails>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedOutput {
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

enum Plan {
    Organization(String),
    Invitation(String, String),
}

pub fn create_members(
    world: &mut World,
    caller: &Caller,
    input: CreateMembersInput,
) -> Result<UnprocessedOutput, ShError> {
    let details = input.account_details;
    if details.is_empty() || details.len() > 50 {
        return Err(ShError::invalid(
            "AccountDetails must contain between 1 and 50 accounts",
        ));
    }
    let hub = own_hub(world, caller)?;
    let region = &caller.region;
    let org_id = administered_org(world, region, &caller.account_id);
    let org = org_id
        .as_ref()
        .and_then(|id| world.organizations.organizations.get(id));
    let mut unprocessed = Vec::new();
    let mut plans = Vec::new();
    for detail in details {
        let id = detail.account_id;
        let existing = hub.members.get(&id).map(|m| m.status);
        if !is_account_id(&id) {
            unprocessed.push(UnprocessedAccount::new(&id, "Invalid account ID"));
        } else if id == caller.account_id {
            unprocessed.push(UnprocessedAccount::new(
                &id,
                "The administrator account can't be added as a member",
            ));
        } else if matches!(
            existing,
            Some(MemberStatus::Created | MemberStatus::Invited | MemberStatus::Enabled)
        ) {
            // Already a member: nothing to do.
        } else if world
            .securityhub
            .administrator_of(region, &id)
            .is_some_and(|a| a != caller.account_id)
        {
            unprocessed.push(UnprocessedAccount::new(
                &id,
                "Account is already associated with another administrator account",
            ));
        } else if let Some(org) = org.filter(|o| o.members.contains_key(id.as_str())) {
            if id == org.management_account_id && world.securityhub.hub(region, &id).is_none() {
                unprocessed.push(UnprocessedAccount::new(
                    &id,
                    "Security Hub can't be enabled automatically for the organization management account; enable it there first",
                ));
            } else {
                plans.push(Plan::Organization(id));
            }
        } else {
            plans.push(Plan::Invitation(id, detail.email.unwrap_or_default()));
        }
    }
    let now = world.clock.now_ms();
    for plan in plans {
        match plan {
            Plan::Organization(id) => org_integration::enroll::<SecurityHub>(
                world,
                region,
                &caller.account_id,
                &id,
                Enrollment::ByAdministrator,
            ),
            Plan::Invitation(id, email) => {
                world
                    .securityhub
                    .hub_mut(region, &caller.account_id)
                    .members
                    .insert(
                        id.clone(),
                        MemberRecord {
                            account_id: id,
                            email,
                            status: MemberStatus::Created,
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
#[serde(rename_all = "PascalCase")]
pub struct AccountIdsInput {
    pub account_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMembersOutput {
    pub members: Vec<Member>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub fn get_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<GetMembersOutput, ShError> {
    validate_account_ids(&input.account_ids)?;
    let hub = own_hub(world, caller)?;
    let mut members = Vec::new();
    let mut unprocessed = Vec::new();
    for id in &input.account_ids {
        match hub.members.get(id) {
            Some(m) => members.push(member_wire(&caller.account_id, m)),
            None => unprocessed.push(UnprocessedAccount::new(
                id,
                "Account is not a member of this administrator account",
            )),
        }
    }
    Ok(GetMembersOutput {
        members,
        unprocessed_accounts: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMembersInput {
    pub only_associated: Option<bool>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMembersOutput {
    pub members: Vec<Member>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_members(
    world: &mut World,
    caller: &Caller,
    input: ListMembersInput,
) -> Result<ListMembersOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let only_associated = input.only_associated.unwrap_or(true);
    let listing = format!("ListMembers {} {only_associated}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let members = hub
        .members
        .values()
        .filter(|m| !only_associated || m.status == MemberStatus::Enabled)
        .filter(|m| after.as_ref().is_none_or(|a| m.account_id > *a));
    let (members, next) = take_page(members, max, |m| m.account_id.clone());
    Ok(ListMembersOutput {
        members: members
            .into_iter()
            .map(|m| member_wire(&caller.account_id, m))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

pub fn disassociate_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<Empty, ShError> {
    validate_account_ids(&input.account_ids)?;
    let hub = own_hub(world, caller)?;
    if let Some(id) = input
        .account_ids
        .iter()
        .find(|id| !hub.members.contains_key(*id))
    {
        return Err(ShError::invalid(format!(
            "Account {id} is not a member of this administrator account"
        )));
    }
    let now = world.clock.now_ms();
    for id in &input.account_ids {
        let state = world.securityhub.account_mut(&caller.region, id);
        if state.administrator.as_deref() == Some(caller.account_id.as_str()) {
            state.administrator = None;
        }
        let record = world
            .securityhub
            .hub_mut(&caller.region, &caller.account_id)
            .members
            .get_mut(id)
            .expect("checked");
        if record.status == MemberStatus::Enabled {
            record.status = MemberStatus::Removed;
            record.updated_ms = now;
        }
    }
    Ok(Empty {})
}

pub fn delete_members(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<UnprocessedOutput, ShError> {
    validate_account_ids(&input.account_ids)?;
    let hub = own_hub(world, caller)?;
    let mut unprocessed = Vec::new();
    let mut deleted = Vec::new();
    for id in &input.account_ids {
        match hub.members.get(id) {
            None => unprocessed.push(UnprocessedAccount::new(
                id,
                "Account is not a member of this administrator account",
            )),
            Some(m) if m.via_organization => unprocessed.push(UnprocessedAccount::new(
                id,
                "Organization accounts can't be deleted; disassociate them instead",
            )),
            Some(_) => deleted.push(id.clone()),
        }
    }
    for id in deleted {
        let state = world.securityhub.account_mut(&caller.region, &id);
        if state.administrator.as_deref() == Some(caller.account_id.as_str()) {
            state.administrator = None;
        }
        state.invitations.remove(&caller.account_id);
        world
            .securityhub
            .hub_mut(&caller.region, &caller.account_id)
            .members
            .remove(&id);
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn organization_accounts_are_enabled_without_invitation() {
        let mut w = world();
        let (security, others) = org_with_admin(&mut w, 3);
        let details: Vec<_> = others
            .iter()
            .chain(std::iter::once(&MANAGEMENT.to_string()))
            .map(|a| json!({"AccountId": a}))
            .chain([json!({"AccountId": "12"}), json!({"AccountId": security})])
            .collect();
        let out = run_ok(
            &mut w,
            &security,
            "CreateMembers",
            json!({"AccountDetails": details}),
        );
        let unprocessed: Vec<&str> = out["UnprocessedAccounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["AccountId"].as_str().unwrap())
            .collect();
        assert_eq!(unprocessed, vec![MANAGEMENT, "12", security.as_str()]);
        for member in &others {
            assert!(
                w.securityhub.hub("us-east-1", member).is_some(),
                "Security Hub turned on"
            );
            assert_eq!(
                w.securityhub.administrator_of("us-east-1", member),
                Some(security.as_str())
            );
        }
        let got = run_ok(
            &mut w,
            &security,
            "GetMembers",
            json!({"AccountIds": [others[0], "999999999999"]}),
        );
        assert_eq!(got["Members"][0]["MemberStatus"], "Enabled");
        assert_eq!(got["Members"][0]["AdministratorId"], security.as_str());
        assert_eq!(got["UnprocessedAccounts"][0]["AccountId"], "999999999999");
        let page = run_ok(&mut w, &security, "ListMembers", json!({"MaxResults": 1}));
        assert_eq!(page["Members"].as_array().unwrap().len(), 1);
        let rest = run_ok(
            &mut w,
            &security,
            "ListMembers",
            json!({"NextToken": page["NextToken"]}),
        );
        assert_eq!(rest["Members"].as_array().unwrap().len(), 1);
        // disassociated members are listed only when OnlyAssociated is false
        run_ok(
            &mut w,
            &security,
            "DisassociateMembers",
            json!({"AccountIds": [others[0]]}),
        );
        assert_eq!(
            w.securityhub.administrator_of("us-east-1", &others[0]),
            None
        );
        let associated = run_ok(&mut w, &security, "ListMembers", json!({}));
        assert_eq!(associated["Members"].as_array().unwrap().len(), 1);
        let all = run_ok(
            &mut w,
            &security,
            "ListMembers",
            json!({"OnlyAssociated": false}),
        );
        let removed = all["Members"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["AccountId"] == others[0].as_str())
            .unwrap();
        assert_eq!(removed["MemberStatus"], "Removed");
        let deleted = run_ok(
            &mut w,
            &security,
            "DeleteMembers",
            json!({"AccountIds": [others[0]]}),
        );
        assert_eq!(
            deleted["UnprocessedAccounts"][0]["AccountId"],
            others[0].as_str()
        );
        // and re-added with CreateMembers
        run_ok(
            &mut w,
            &security,
            "CreateMembers",
            json!({"AccountDetails": [{"AccountId": others[0]}]}),
        );
        assert_eq!(
            w.securityhub.administrator_of("us-east-1", &others[0]),
            Some(security.as_str())
        );
    }
}
