//! Organizational units and the tree: create/describe/update/delete OUs,
//! ListOrganizationalUnitsForParent, ListChildren, ListParents.

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::dto::{self, ChildType, Tag};
use super::errors::OrgError;
use super::model::{Children, Organization, OrganizationalUnit};
use super::policy_types::attach_default_policies;
use super::{after_bound, managed_org, org_mut, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOrganizationalUnitInput {
    pub parent_id: String,
    pub name: String,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationalUnitOutput {
    pub organizational_unit: dto::OrganizationalUnit,
}

pub fn create_organizational_unit(
    world: &mut World,
    caller: &Caller,
    input: CreateOrganizationalUnitInput,
) -> Result<OrganizationalUnitOutput, OrgError> {
    validate::parent_id("ParentId", &input.parent_id)?;
    validate::ou_name(&input.name)?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = managed_org(world, caller)?;
    if !org.is_parent(&input.parent_id) {
        return Err(OrgError::ParentNotFound);
    }
    if name_taken(org, &input.parent_id, &input.name, None) {
        return Err(OrgError::DuplicateOrganizationalUnit);
    }
    let quotas = &world.settings.quotas;
    if org.depth_of(&input.parent_id) >= quotas.ou_max_depth {
        return Err(OrgError::constraint(
            "OU_DEPTH_LIMIT_EXCEEDED",
            format!("You attempted to create an OU tree that is too many levels deep: OUs can be nested at most {} levels below the root.", quotas.ou_max_depth),
        ));
    }
    if org.ous.len() >= quotas.ous_per_organization {
        return Err(OrgError::constraint(
            "OU_NUMBER_LIMIT_EXCEEDED",
            "You have reached the maximum number of OUs in your organization.",
        ));
    }
    let root_suffix = org.root.id.trim_start_matches("r-").to_string();
    let org_id = org.id.clone();
    let ou_id = loop {
        let candidate = format!("ou-{root_suffix}-{}", world.ids.lower_alnum(8));
        if !world.organizations.organizations[&org_id]
            .ous
            .contains_key(&candidate)
        {
            break candidate;
        }
    };
    let org = org_mut(world, &org_id);
    org.ou_names.insert(
        Organization::ou_name_key(&input.parent_id, &input.name),
        ou_id.clone(),
    );
    org.ous.insert(
        ou_id.clone(),
        OrganizationalUnit {
            id: ou_id.clone(),
            name: input.name,
            parent_id: input.parent_id.clone(),
        },
    );
    org.children
        .insert(ou_id.as_str().into(), Children::default());
    org.children
        .entry(input.parent_id.into())
        .or_default()
        .ous
        .insert(ou_id.as_str().into());
    attach_default_policies(org, &ou_id);
    if !tags.is_empty() {
        org.tags.insert(ou_id.clone(), tags.into_iter().collect());
    }
    Ok(OrganizationalUnitOutput {
        organizational_unit: dto::organizational_unit(org, &ou_id).expect("just inserted"),
    })
}

/// Whether another OU under `parent_id` already has `name` (AWS compares exactly).
fn name_taken(
    org: &super::model::Organization,
    parent_id: &str,
    name: &str,
    except: Option<&str>,
) -> bool {
    org.ou_names
        .get(&Organization::ou_name_key(parent_id, name))
        .is_some_and(|id| Some(id.as_str()) != except)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationalUnitIdInput {
    pub organizational_unit_id: String,
}

pub fn describe_organizational_unit(
    world: &mut World,
    caller: &Caller,
    input: OrganizationalUnitIdInput,
) -> Result<OrganizationalUnitOutput, OrgError> {
    validate::ou_id("OrganizationalUnitId", &input.organizational_unit_id)?;
    let org = readable_org(world, caller)?;
    let ou = dto::organizational_unit(org, &input.organizational_unit_id)
        .ok_or(OrgError::OrganizationalUnitNotFound)?;
    Ok(OrganizationalUnitOutput {
        organizational_unit: ou,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateOrganizationalUnitInput {
    pub organizational_unit_id: String,
    pub name: Option<String>,
}

pub fn update_organizational_unit(
    world: &mut World,
    caller: &Caller,
    input: UpdateOrganizationalUnitInput,
) -> Result<OrganizationalUnitOutput, OrgError> {
    validate::ou_id("OrganizationalUnitId", &input.organizational_unit_id)?;
    if let Some(name) = &input.name {
        validate::ou_name(name)?;
    }
    let org = managed_org(world, caller)?;
    let ou = org
        .ous
        .get(&input.organizational_unit_id)
        .ok_or(OrgError::OrganizationalUnitNotFound)?;
    if let Some(name) = &input.name {
        if name_taken(org, &ou.parent_id, name, Some(&ou.id)) {
            return Err(OrgError::DuplicateOrganizationalUnit);
        }
    }
    let org = org_mut(world, &org.id.clone());
    if let (Some(name), Some(ou)) = (input.name, org.ous.get_mut(&input.organizational_unit_id)) {
        org.ou_names
            .remove(&Organization::ou_name_key(&ou.parent_id, &ou.name));
        org.ou_names.insert(
            Organization::ou_name_key(&ou.parent_id, &name),
            ou.id.clone(),
        );
        ou.name = name;
    }
    Ok(OrganizationalUnitOutput {
        organizational_unit: dto::organizational_unit(org, &input.organizational_unit_id)
            .expect("checked above"),
    })
}

/// Deletes an empty OU (no accounts, no child OUs) and its policy attachments.
pub fn delete_organizational_unit(
    world: &mut World,
    caller: &Caller,
    input: OrganizationalUnitIdInput,
) -> Result<Empty, OrgError> {
    validate::ou_id("OrganizationalUnitId", &input.organizational_unit_id)?;
    let org = managed_org(world, caller)?;
    let ou = org
        .ous
        .get(&input.organizational_unit_id)
        .ok_or(OrgError::OrganizationalUnitNotFound)?;
    let not_empty = org
        .children
        .get(ou.id.as_str())
        .is_some_and(|c| !c.ous.is_empty() || !c.accounts.is_empty());
    if not_empty {
        return Err(OrgError::OrganizationalUnitNotEmpty);
    }
    let parent_id = ou.parent_id.clone();
    let org = org_mut(world, &org.id.clone());
    let ou_id = &input.organizational_unit_id;
    if let Some(ou) = org.ous.remove(ou_id) {
        org.ou_names
            .remove(&Organization::ou_name_key(&ou.parent_id, &ou.name));
    }
    org.children.remove(ou_id.as_str());
    org.detach_all_from(ou_id);
    org.tags.remove(ou_id);
    if let Some(children) = org.children.get_mut(parent_id.as_str()) {
        children.ous.remove(ou_id.as_str());
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParentInput {
    pub parent_id: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOrganizationalUnitsOutput {
    pub organizational_units: Vec<dto::OrganizationalUnit>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_organizational_units_for_parent(
    world: &mut World,
    caller: &Caller,
    input: ParentInput,
) -> Result<ListOrganizationalUnitsOutput, OrgError> {
    validate::parent_id("ParentId", &input.parent_id)?;
    let org = readable_org(world, caller)?;
    if !org.is_parent(&input.parent_id) {
        return Err(OrgError::ParentNotFound);
    }
    let listing = format!(
        "ListOrganizationalUnitsForParent {} {}",
        org.id, input.parent_id
    );
    let (max, after) = input.page.resolve(&listing)?;
    let empty = OrdSet::new();
    let ous = org
        .children
        .get(input.parent_id.as_str())
        .map(|c| &c.ous)
        .unwrap_or(&empty);
    let (page, next) = take_page(ous.range(after_bound(&after)), max, |id| (*id).clone());
    Ok(ListOrganizationalUnitsOutput {
        organizational_units: page
            .into_iter()
            .filter_map(|id| dto::organizational_unit(org, id))
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChildrenInput {
    pub parent_id: String,
    pub child_type: ChildType,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListChildrenOutput {
    pub children: Vec<dto::Child>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_children(
    world: &mut World,
    caller: &Caller,
    input: ListChildrenInput,
) -> Result<ListChildrenOutput, OrgError> {
    validate::parent_id("ParentId", &input.parent_id)?;
    let org = readable_org(world, caller)?;
    if !org.is_parent(&input.parent_id) {
        return Err(OrgError::ParentNotFound);
    }
    let listing = format!(
        "ListChildren {} {} {:?}",
        org.id, input.parent_id, input.child_type
    );
    let (max, after) = input.page.resolve(&listing)?;
    let empty = Children::default();
    let children = org.children.get(input.parent_id.as_str()).unwrap_or(&empty);
    let set = match input.child_type {
        ChildType::Account => &children.accounts,
        ChildType::OrganizationalUnit => &children.ous,
    };
    let (page, next) = take_page(set.range(after_bound(&after)), max, |id| (*id).clone());
    Ok(ListChildrenOutput {
        children: page
            .into_iter()
            .map(|id| dto::Child {
                id: id.to_string(),
                r#type: input.child_type,
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListParentsInput {
    pub child_id: String,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListParentsOutput {
    pub parents: Vec<dto::Parent>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The one parent (root or OU) of an account or OU.
pub fn list_parents(
    world: &mut World,
    caller: &Caller,
    input: ListParentsInput,
) -> Result<ListParentsOutput, OrgError> {
    validate::child_id("ChildId", &input.child_id)?;
    let org = readable_org(world, caller)?;
    let parent_id = org
        .members
        .get(input.child_id.as_str())
        .map(|m| m.parent_id.to_string())
        .or_else(|| org.ous.get(&input.child_id).map(|ou| ou.parent_id.clone()))
        .ok_or(OrgError::ChildNotFound)?;
    let listing = format!("ListParents {} {}", org.id, input.child_id);
    let (_, after) = input.page.resolve(&listing)?;
    let parents = if after.is_some() {
        vec![]
    } else {
        vec![dto::Parent {
            r#type: dto::parent_type(&parent_id),
            id: parent_id.to_string(),
        }]
    };
    Ok(ListParentsOutput {
        parents,
        next_token: None,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::{json, Value};

    fn setup() -> (crate::world::World, crate::auth::Caller, String) {
        let mut w = world();
        let mgmt = root_caller("111111111111");
        run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
        let roots = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap();
        let root = roots["Roots"][0]["Id"].as_str().unwrap().to_string();
        (w, mgmt, root)
    }

    fn create_ou(
        w: &mut crate::world::World,
        mgmt: &crate::auth::Caller,
        parent: &str,
        name: &str,
    ) -> Result<Value, crate::api::ApiError> {
        run(
            w,
            mgmt,
            "CreateOrganizationalUnit",
            json!({"ParentId": parent, "Name": name}),
        )
        .map(|o| o["OrganizationalUnit"].clone())
    }

    #[test]
    fn tree_operations() {
        let (mut w, mgmt, root) = setup();
        let workloads = create_ou(&mut w, &mgmt, &root, "Workloads").unwrap();
        let wid = workloads["Id"].as_str().unwrap().to_string();
        assert!(wid.starts_with(&format!("ou-{}-", root.trim_start_matches("r-"))));
        let prod = create_ou(&mut w, &mgmt, &wid, "Prod").unwrap();
        let org_id = w
            .organizations
            .organization_of("111111111111")
            .unwrap()
            .id
            .clone();
        assert_eq!(
            prod["Path"],
            format!("{org_id}/{root}/{wid}/{}/", prod["Id"].as_str().unwrap())
        );
        assert_eq!(
            error_code(create_ou(&mut w, &mgmt, &root, "Workloads")).0,
            "DuplicateOrganizationalUnitException"
        );
        // Same name under a different parent is fine.
        create_ou(&mut w, &mgmt, &wid, "Workloads").unwrap();
        assert_eq!(
            error_code(create_ou(&mut w, &mgmt, "ou-zzzz-zzzzzzzz", "X")).0,
            "ParentNotFoundException"
        );
        assert_eq!(
            error_code(create_ou(&mut w, &mgmt, "bogus", "X"))
                .1
                .as_deref(),
            Some("INVALID_PATTERN")
        );

        let children = run(
            &mut w,
            &mgmt,
            "ListChildren",
            json!({"ParentId": root, "ChildType": "ORGANIZATIONAL_UNIT"}),
        )
        .unwrap();
        assert_eq!(
            children["Children"],
            json!([{"Id": wid, "Type": "ORGANIZATIONAL_UNIT"}])
        );
        let accounts = run(
            &mut w,
            &mgmt,
            "ListChildren",
            json!({"ParentId": root, "ChildType": "ACCOUNT"}),
        )
        .unwrap();
        assert_eq!(
            accounts["Children"],
            json!([{"Id": "111111111111", "Type": "ACCOUNT"}])
        );
        let parents = run(&mut w, &mgmt, "ListParents", json!({"ChildId": prod["Id"]})).unwrap();
        assert_eq!(
            parents["Parents"],
            json!([{"Id": wid, "Type": "ORGANIZATIONAL_UNIT"}])
        );
        let parents = run(
            &mut w,
            &mgmt,
            "ListParents",
            json!({"ChildId": "111111111111"}),
        )
        .unwrap();
        assert_eq!(parents["Parents"], json!([{"Id": root, "Type": "ROOT"}]));
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "ListParents",
                json!({"ChildId": "999999999999"})
            ))
            .0,
            "ChildNotFoundException"
        );

        // Rename, then the old name is free and the new one is taken.
        let renamed = run(
            &mut w,
            &mgmt,
            "UpdateOrganizationalUnit",
            json!({"OrganizationalUnitId": wid, "Name": "Apps"}),
        )
        .unwrap();
        assert_eq!(renamed["OrganizationalUnit"]["Name"], "Apps");
        assert_eq!(
            error_code(create_ou(&mut w, &mgmt, &root, "Apps")).0,
            "DuplicateOrganizationalUnitException"
        );

        // A non-empty OU cannot be deleted; an empty one can.
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "DeleteOrganizationalUnit",
                json!({"OrganizationalUnitId": wid})
            ))
            .0,
            "OrganizationalUnitNotEmptyException"
        );
        run(
            &mut w,
            &mgmt,
            "DeleteOrganizationalUnit",
            json!({"OrganizationalUnitId": prod["Id"]}),
        )
        .unwrap();
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "DescribeOrganizationalUnit",
                json!({"OrganizationalUnitId": prod["Id"]})
            ))
            .0,
            "OrganizationalUnitNotFoundException"
        );
    }

    #[test]
    fn depth_limit_is_five_levels() {
        let (mut w, mgmt, root) = setup();
        let mut parent = root;
        for level in 1..=5 {
            parent = create_ou(&mut w, &mgmt, &parent, &format!("L{level}")).unwrap()["Id"]
                .as_str()
                .unwrap()
                .to_string();
        }
        let e = error_code(create_ou(&mut w, &mgmt, &parent, "L6"));
        assert_eq!(
            e,
            (
                "ConstraintViolationException".into(),
                Some("OU_DEPTH_LIMIT_EXCEEDED".into())
            )
        );
    }

    #[test]
    fn move_account_between_ous() {
        let (mut w, mgmt, root) = setup();
        let sec = create_ou(&mut w, &mgmt, &root, "Security").unwrap()["Id"]
            .as_str()
            .unwrap()
            .to_string();
        let mv = |src: &str, dst: &str| json!({"AccountId": "111111111111", "SourceParentId": src, "DestinationParentId": dst});
        run(&mut w, &mgmt, "MoveAccount", mv(&root, &sec)).unwrap();
        let listed = run(
            &mut w,
            &mgmt,
            "ListAccountsForParent",
            json!({"ParentId": sec}),
        )
        .unwrap();
        assert_eq!(listed["Accounts"][0]["Id"], "111111111111");
        assert_eq!(
            run(
                &mut w,
                &mgmt,
                "ListAccountsForParent",
                json!({"ParentId": root})
            )
            .unwrap()["Accounts"],
            json!([])
        );
        assert_eq!(
            error_code(run(&mut w, &mgmt, "MoveAccount", mv(&root, &sec))).0,
            "DuplicateAccountException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "MoveAccount",
                mv(&root, "ou-zzzz-zzzzzzzz")
            ))
            .0,
            "DestinationParentNotFoundException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "MoveAccount",
                mv("ou-zzzz-zzzzzzzz", &root)
            ))
            .0,
            "SourceParentNotFoundException"
        );
        let other = json!({"AccountId": "999999999999", "SourceParentId": sec, "DestinationParentId": root});
        assert_eq!(
            error_code(run(&mut w, &mgmt, "MoveAccount", other)).0,
            "AccountNotFoundException"
        );
    }
}
