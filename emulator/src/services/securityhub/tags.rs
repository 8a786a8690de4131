//! Tags on Security Hub's taggable resources: the hub, automation rules (both
//! forms), configuration policies and connectors. TagResource, UntagResource,
//! ListTagsForResource.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::errors::ShError;
use super::model::{Hub, HubV2};
use super::Empty;
use crate::auth::Caller;
use crate::world::World;

/// AWS's tag limits: 50 tags, keys 1..128 and values up to 256 characters, no `aws:`.
pub fn check_tags(tags: &BTreeMap<String, String>) -> Result<(), ShError> {
    if tags.len() > 50 {
        return Err(ShError::invalid("A resource can have up to 50 tags"));
    }
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(ShError::invalid(format!(
                "Tag key {key} must be between 1 and 128 characters"
            )));
        }
        if key.to_lowercase().starts_with("aws:") {
            return Err(ShError::invalid(format!(
                "Tag key {key} uses the reserved prefix aws:"
            )));
        }
        if value.chars().count() > 256 {
            return Err(ShError::invalid(format!(
                "The value of tag {key} is longer than 256 characters"
            )));
        }
    }
    Ok(())
}

/// The tags of the resource `arn` names in `hub`, if it is there.
fn tags_mut<'h>(hub: &'h mut Hub, arn: &str) -> Option<&'h mut BTreeMap<String, String>> {
    if arn == hub.arn() {
        return Some(&mut hub.tags);
    }
    if let Some(rule) = hub.automation_rules.get_mut(arn) {
        return Some(&mut rule.tags);
    }
    let id = hub.policies.values().find(|p| p.arn == arn)?.id.clone();
    hub.policies.get_mut(&id).map(|p| &mut p.tags)
}

/// The tags of the V2 resource `arn` names: the V2 hub, its aggregator, rules and
/// connectors.
fn tags_v2_mut<'h>(hub: &'h mut HubV2, arn: &str) -> Option<&'h mut BTreeMap<String, String>> {
    if arn == hub.arn {
        return Some(&mut hub.tags);
    }
    if hub.aggregator.as_ref().is_some_and(|a| a.arn == arn) {
        return hub.aggregator.as_mut().map(|a| &mut a.tags);
    }
    if let Some(id) = hub
        .rules
        .values()
        .find(|r| r.arn == arn)
        .map(|r| r.id.clone())
    {
        return hub.rules.get_mut(&id).map(|r| &mut r.tags);
    }
    let id = hub.connectors.values().find(|c| c.arn == arn)?.id.clone();
    hub.connectors.get_mut(&id).map(|c| &mut c.tags)
}

/// The caller's hub holding `arn`, or AWS's 404.
fn located<'w>(
    world: &'w mut World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w mut BTreeMap<String, String>, ShError> {
    let not_found = || ShError::not_found(format!("Resource {arn} not found"));
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" || parts[2] != "securityhub" {
        return Err(ShError::invalid(format!("Invalid ResourceArn {arn}")));
    }
    let (region, account) = (parts[3], parts[4]);
    if account != caller.account_id {
        return Err(not_found());
    }
    let state = world.securityhub.account_mut(region, account);
    let in_v1 = state.hub.as_ref().is_some_and(|h| {
        arn == h.arn()
            || h.automation_rules.contains_key(arn)
            || h.policies.values().any(|p| p.arn == arn)
    });
    if in_v1 {
        return state
            .hub
            .as_mut()
            .and_then(|h| tags_mut(h, arn))
            .ok_or_else(not_found);
    }
    state
        .hub_v2
        .as_mut()
        .and_then(|h| tags_v2_mut(h, arn))
        .ok_or_else(not_found)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_arn: String,
    pub tags: BTreeMap<String, String>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, ShError> {
    if input.tags.is_empty() {
        return Err(ShError::invalid("Tags must contain at least 1 tag"));
    }
    check_tags(&input.tags)?;
    let tags = located(world, caller, &input.resource_arn)?;
    let mut merged = tags.clone();
    merged.extend(input.tags);
    check_tags(&merged)?;
    *tags = merged;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, ShError> {
    if input.tag_keys.is_empty() || input.tag_keys.len() > 50 {
        return Err(ShError::invalid(
            "TagKeys must contain between 1 and 50 keys",
        ));
    }
    let tags = located(world, caller, &input.resource_arn)?;
    for key in &input.tag_keys {
        tags.remove(key);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceInput {
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub tags: BTreeMap<String, String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, ShError> {
    let tags = located(world, caller, &input.resource_arn)?;
    Ok(ListTagsForResourceOutput { tags: tags.clone() })
}
