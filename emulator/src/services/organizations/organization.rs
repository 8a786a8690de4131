//! CreateOrganization, DescribeOrganization, DeleteOrganization, ListRoots.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::dto;
use super::errors::OrgError;
use super::model::{
    AccountRecord, AccountState, Children, FeatureSet, JoinedMethod, Member, Organization, Root,
    FULL_AWS_ACCESS, SERVICE_CONTROL_POLICY,
};
use super::{managed_org, member_org, readable_org, Empty, Page};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOrganizationInput {
    pub feature_set: Option<FeatureSet>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationOutput {
    pub organization: dto::Organization,
}

/// The caller becomes the management account of a new organization. With all features,
/// SCPs are enabled in the root and `FullAWSAccess` is attached to the root and the
/// management account.
pub fn create_organization(
    world: &mut World,
    caller: &Caller,
    input: CreateOrganizationInput,
) -> Result<OrganizationOutput, OrgError> {
    let management = caller.account_id.clone();
    if world
        .organizations
        .membership
        .contains_key(management.as_str())
    {
        return Err(OrgError::AlreadyInOrganization);
    }
    let feature_set = input.feature_set.unwrap_or(FeatureSet::All);
    let now = world.clock.now_ms();
    let org_id = format!("o-{}", world.ids.lower_alnum(10));
    let root_id = format!("r-{}", world.ids.lower_alnum(4));
    let scp_enabled = feature_set == FeatureSet::All;

    let mut root_children = Children::default();
    root_children.accounts.insert(management.as_str().into());
    let org = Organization {
        id: org_id.clone(),
        management_account_id: management.clone(),
        feature_set,
        root: Root {
            id: root_id.clone(),
            name: "Root".to_string(),
            policy_types: if scp_enabled {
                vec![SERVICE_CONTROL_POLICY.to_string()]
            } else {
                vec![]
            },
        },
        ous: OrdMap::new(),
        ou_names: OrdMap::new(),
        children: OrdMap::unit(root_id.as_str().into(), root_children),
        members: OrdMap::unit(
            management.as_str().into(),
            Member {
                account_id: management.as_str().into(),
                parent_id: root_id.into(),
                // AWS lists the management account as having joined by invitation.
                joined_method: JoinedMethod::Invited,
                joined_ms: now,
                state: AccountState::Active,
                closed_ms: None,
            },
        ),
        attachments: OrdMap::new(),
        created_ms: now,
        policies: OrdMap::new(),
        policy_targets: OrdMap::new(),
        enabled_services: OrdMap::new(),
        delegated_admins: OrdMap::new(),
        resource_policy: None,
        tags: OrdMap::new(),
        all_features_handshake: None,
    };
    let mut org = org;
    if scp_enabled {
        org.attach(FULL_AWS_ACCESS, &org.root.id.clone());
        org.attach(FULL_AWS_ACCESS, &management);
    }
    let state = &mut world.organizations;
    // orgsim never saw this account sign up, so it invents its name and email
    // (a documented difference from AWS).
    state.add_account_record(AccountRecord {
        id: management.as_str().into(),
        name: compact_str::format_compact!("account-{management}"),
        email: format!("account-{management}@example.com"),
        created_ms: now,
    });
    state
        .membership
        .insert(management.as_str().into(), org_id.as_str().into());
    state.organizations.insert(org_id, org.clone());
    let output = OrganizationOutput {
        organization: dto::organization(state, &org),
    };
    // AWS creates Organizations' service-linked role in the management account too.
    crate::services::iam::service_linked::ensure(world, &management, "organizations.amazonaws.com");
    Ok(output)
}

pub fn describe_organization(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<OrganizationOutput, OrgError> {
    let org = member_org(world, caller)?;
    Ok(OrganizationOutput {
        organization: dto::organization(&world.organizations, org),
    })
}

/// Only an organization with no member but the management account can be deleted.
pub fn delete_organization(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<Empty, OrgError> {
    let org = managed_org(world, caller)?;
    if org.members.len() > 1 {
        return Err(OrgError::OrganizationNotEmpty);
    }
    let (org_id, management) = (org.id.clone(), org.management_account_id.clone());
    super::handshakes::cancel_pending_of_organization(world, &org_id);
    let state = &mut world.organizations;
    state.membership.remove(management.as_str());
    state.organizations.remove(&org_id);
    let requests: Vec<String> = state
        .create_requests
        .iter()
        .filter(|(_, r)| r.organization_id == org_id)
        .map(|(id, _)| id.clone())
        .collect();
    for request_id in requests {
        state.create_requests.remove(&request_id);
        state.pending_creations.remove(&request_id);
    }
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListRootsOutput {
    pub roots: Vec<dto::Root>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_roots(
    world: &mut World,
    caller: &Caller,
    input: Page,
) -> Result<ListRootsOutput, OrgError> {
    let org = readable_org(world, caller)?;
    let (_, after) = input.resolve(&format!("ListRoots {}", org.id))?;
    // One root per organization: a token can only point past it.
    let roots = if after.is_some() {
        vec![]
    } else {
        vec![dto::root(org)]
    };
    Ok(ListRootsOutput {
        roots,
        next_token: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn create_describe_delete() {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        let out = run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
        let org = &out["Organization"];
        assert_eq!(org["FeatureSet"], "ALL");
        assert_eq!(org["MasterAccountId"], "111111111111");
        let id = org["Id"].as_str().unwrap();
        assert!(regex::Regex::new(r"^o-[a-z0-9]{10,32}$")
            .unwrap()
            .is_match(id));
        assert_eq!(
            org["Arn"],
            format!("arn:aws:organizations::111111111111:organization/{id}")
        );
        assert_eq!(
            org["AvailablePolicyTypes"],
            json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
        );

        assert_eq!(
            error_code(run(&mut w, &mgmt, "CreateOrganization", json!({}))).0,
            "AlreadyInOrganizationException"
        );
        let roots = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap();
        assert_eq!(roots["Roots"][0]["Name"], "Root");
        assert_eq!(
            roots["Roots"][0]["PolicyTypes"],
            json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
        );

        let outsider = root_caller("222222222222");
        assert_eq!(
            error_code(run(&mut w, &outsider, "DescribeOrganization", json!({}))).0,
            "AWSOrganizationsNotInUseException"
        );
        run(&mut w, &mgmt, "DeleteOrganization", json!({})).unwrap();
        assert_eq!(
            error_code(run(&mut w, &mgmt, "DescribeOrganization", json!({}))).0,
            "AWSOrganizationsNotInUseException"
        );
    }

    #[test]
    fn consolidated_billing_has_no_policy_types() {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        let out = run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": "CONSOLIDATED_BILLING"}),
        )
        .unwrap();
        assert_eq!(out["Organization"]["AvailablePolicyTypes"], json!([]));
        let roots = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap();
        assert_eq!(roots["Roots"][0]["PolicyTypes"], json!([]));
        let e = error_code(run(
            &mut w,
            &root_caller("333333333333"),
            "CreateOrganization",
            json!({"FeatureSet": "HALF"}),
        ));
        assert_eq!(
            e,
            ("InvalidInputException".into(), Some("INVALID_ENUM".into()))
        );
    }
}
