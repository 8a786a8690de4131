//! Tags on accounts, roots, OUs, policies and the resource policy: TagResource,
//! UntagResource, ListTagsForResource. Tags live in `Organization::tags` by resource id;
//! CreateAccount, CreateOrganizationalUnit, CreatePolicy, PutResourcePolicy and accepted
//! invitations write the tags given at creation there too.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::dto::Tag;
use super::errors::OrgError;
use super::model::{Organization, FULL_AWS_ACCESS};
use super::{after_bound, org_mut, policy_writer_org, readable_org, validate, Empty, Page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// Tags per resource (Organizations quotas: 50 for accounts, OUs, roots and policies).
pub const MAX_TAGS_PER_RESOURCE: usize = 50;

/// AWS-managed policies exist in every organization but belong to AWS.
const AWS_MANAGED_POLICIES: &[&str] = &[FULL_AWS_ACCESS, "p-RCPFullAWSAccess"];

/// Checks that `resource_id` names a taggable resource of this organization.
fn check_taggable(org: &Organization, resource_id: &str) -> Result<(), OrgError> {
    let exists = if resource_id.starts_with("r-") {
        resource_id == org.root.id
    } else if resource_id.starts_with("ou-") {
        org.ous.contains_key(resource_id)
    } else if resource_id.starts_with("rp-") {
        org.resource_policy
            .as_ref()
            .is_some_and(|p| p.id == resource_id)
    } else if resource_id.starts_with("rt-") {
        // orgsim's organizations take part in no responsibility transfer (unsupported.rs).
        false
    } else if resource_id.starts_with("p-") {
        if AWS_MANAGED_POLICIES.contains(&resource_id) {
            // AWS does not document this case; orgsim refuses to tag AWS's own policies.
            return Err(OrgError::invalid(
                "TARGET_NOT_SUPPORTED",
                "You can't tag a policy that is managed by AWS.",
            ));
        }
        org.policies.contains_key(resource_id)
    } else {
        org.members.contains_key(resource_id)
    };
    if exists {
        Ok(())
    } else {
        Err(OrgError::TargetNotFound)
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_id: String,
    pub tags: Vec<Tag>,
}

/// Adds or overwrites tags; the 50-tag quota counts the tags after the merge.
pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    let tags: Vec<(String, String)> = input.tags.into_iter().map(|t| (t.key, t.value)).collect();
    validate::tags(&tags)?;
    let org = policy_writer_org(world, caller, "organizations:TagResource")?;
    check_taggable(org, &input.resource_id)?;
    let mut merged = org
        .tags
        .get(&input.resource_id)
        .cloned()
        .unwrap_or_default();
    merged.extend(tags);
    if merged.len() > MAX_TAGS_PER_RESOURCE {
        return Err(OrgError::constraint(
            "MAX_TAG_LIMIT_EXCEEDED",
            "You have exceeded the number of tags allowed on this resource.",
        ));
    }
    let org_id = org.id.clone();
    org_mut(world, &org_id)
        .tags
        .insert(input.resource_id, merged);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub resource_id: String,
    pub tag_keys: Vec<String>,
}

/// Removes the given keys; keys the resource does not have are ignored.
pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    validate::tag_keys(&input.tag_keys)?;
    let org = policy_writer_org(world, caller, "organizations:UntagResource")?;
    check_taggable(org, &input.resource_id)?;
    let org_id = org.id.clone();
    let org = org_mut(world, &org_id);
    let emptied = match org.tags.get_mut(&input.resource_id) {
        Some(tags) => {
            for key in &input.tag_keys {
                tags.remove(key);
            }
            tags.is_empty()
        }
        None => false,
    };
    if emptied {
        org.tags.remove(&input.resource_id);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceInput {
    pub resource_id: String,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub tags: Vec<Tag>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Tags by key, 20 a page (the API takes no `MaxResults`; orgsim uses the size of
/// the other listings).
pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, OrgError> {
    validate::taggable_resource_id(&input.resource_id)?;
    let org = readable_org(world, caller)?;
    check_taggable(org, &input.resource_id)?;
    let listing = format!("ListTagsForResource {} {}", org.id, input.resource_id);
    let page = Page {
        next_token: input.next_token,
        max_results: None,
    };
    let (max, after) = page.resolve(&listing)?;
    let empty = OrdMap::new();
    let tags = org.tags.get(&input.resource_id).unwrap_or(&empty);
    let (page, next) = take_page(tags.range(after_bound(&after)), max, |(key, _)| {
        (*key).clone()
    });
    Ok(ListTagsForResourceOutput {
        tags: page
            .into_iter()
            .map(|(key, value)| Tag {
                key: key.clone(),
                value: value.clone(),
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}
