//! Tags on Config's taggable resources (rules, organization rules, aggregators,
//! aggregation authorizations, conformance packs and organization packs, stored
//! queries), with AWS's limits: 50 tags a resource, keys of 1–128 and values of up to
//! 256 characters, no `aws:` keys.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::{page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

pub const MAX_TAGS: usize = 50;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// Tags as given, checked against AWS's constraints.
pub fn checked_tags(tags: &[Tag]) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out = Vec::new();
    for (i, tag) in tags.iter().enumerate() {
        let key = tag.key.clone().unwrap_or_default();
        let value = tag.value.clone().unwrap_or_default();
        let n = i + 1;
        if key.is_empty() || key.chars().count() > 128 {
            return Err(ConfigError::constraint(
                &format!("tags.{n}.member.key"),
                &key,
                "Member must have length between 1 and 128",
            ));
        }
        if value.chars().count() > 256 {
            return Err(ConfigError::constraint(
                &format!("tags.{n}.member.value"),
                &value,
                "Member must have length less than or equal to 256",
            ));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(ConfigError::Validation(format!(
                "Tag key '{key}' is invalid: keys starting with 'aws:' are reserved for AWS use."
            )));
        }
        out.push((key, value));
    }
    Ok(out)
}

/// The tags `arn` would hold with `added` merged in, refused past 50.
pub fn merged(
    world: &World,
    arn: &str,
    added: &[(String, String)],
) -> Result<OrdMap<String, String>, ConfigError> {
    let mut tags = world.config.tags.get(arn).cloned().unwrap_or_default();
    for (k, v) in added {
        tags.insert(k.clone(), v.clone());
    }
    if tags.len() > MAX_TAGS {
        return Err(ConfigError::TooManyTags(format!(
            "The number of tags for resource {arn} exceeds the maximum of {MAX_TAGS}."
        )));
    }
    Ok(tags)
}

/// Applies tags given at creation (checked first by the caller with [`merged`]).
pub fn store(world: &mut World, arn: &str, tags: OrdMap<String, String>) {
    if tags.is_empty() {
        world.config.tags.remove(arn);
    } else {
        world.config.tags.insert(arn.to_string(), tags);
    }
}

/// Tags given to a Put operation, checked before anything changes: AWS's length
/// limits, and at most 50 (the member's length constraint).
pub fn creation_tags(tags: &[Tag]) -> Result<Vec<(String, String)>, ConfigError> {
    if tags.len() > MAX_TAGS {
        return Err(ConfigError::Validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        )));
    }
    checked_tags(tags)
}

/// Adds creation-time tags (checked with [`creation_tags`]) to the resource's tags,
/// keeping at most 50 (a tag given again replaces its value).
pub fn add_created(world: &mut World, arn: &str, tags: &[(String, String)]) {
    let mut held = world.config.tags.get(arn).cloned().unwrap_or_default();
    for (k, v) in tags {
        if held.len() < MAX_TAGS || held.contains_key(k) {
            held.insert(k.clone(), v.clone());
        }
    }
    store(world, arn, held);
}

/// Checks and stores creation-time tags in one step (callers validate everything else
/// before, so a refusal here still changes nothing).
pub fn tag_on_create(world: &mut World, arn: &str, tags: &[Tag]) -> Result<(), ConfigError> {
    let tags = merged(world, arn, &checked_tags(tags)?)?;
    store(world, arn, tags);
    Ok(())
}

/// Whether `arn` names a taggable Config resource that exists.
fn exists(world: &World, arn: &str) -> bool {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_), Some("config"), Some(region), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    let Some(state) = world.config.regions.get(region) else {
        return false;
    };
    if resource.starts_with("organization-config-rule/")
        || resource.starts_with("organization-conformance-pack/")
    {
        return state
            .organization_rules
            .values()
            .flat_map(|r| r.values())
            .any(|r| r.arn == arn)
            || state
                .organization_conformance_packs
                .values()
                .flat_map(|p| p.values())
                .any(|p| p.arn == arn);
    }
    let Some(a) = state.accounts.get(account) else {
        return false;
    };
    a.rules.values().any(|r| r.arn == arn)
        || a.aggregators.values().any(|g| g.arn == arn)
        || a.authorizations.values().any(|x| x.arn == arn)
        || a.conformance_packs.values().any(|p| p.arn == arn)
        || a.stored_queries.values().any(|q| q.arn == arn)
}

fn check_arn(world: &World, arn: &str) -> Result<(), ConfigError> {
    if arn.is_empty() || arn.len() > 1000 {
        return Err(ConfigError::constraint(
            "resourceArn",
            arn,
            "Member must have length between 1 and 1000",
        ));
    }
    if !exists(world, arn) {
        return Err(ConfigError::ResourceNotFound(format!(
            "ResourceArn:{arn} does not exist."
        )));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_arn: String,
    pub tags: Vec<Tag>,
}

pub fn tag_resource(
    world: &mut World,
    _caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, ConfigError> {
    let added = checked_tags(&input.tags)?;
    check_arn(world, &input.resource_arn)?;
    let tags = merged(world, &input.resource_arn, &added)?;
    store(world, &input.resource_arn, tags);
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
    _caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, ConfigError> {
    if input.tag_keys.is_empty() || input.tag_keys.len() > MAX_TAGS {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and 50".to_string(),
        ));
    }
    check_arn(world, &input.resource_arn)?;
    let mut tags = world
        .config
        .tags
        .get(&input.resource_arn)
        .cloned()
        .unwrap_or_default();
    for key in &input.tag_keys {
        tags.remove(key);
    }
    store(world, &input.resource_arn, tags);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    pub resource_arn: String,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    pub tags: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    _caller: &Caller,
    input: ListTagsInput,
) -> Result<ListTagsOutput, ConfigError> {
    let listing = format!("ListTagsForResource {}", input.resource_arn);
    let (size, after) = page(&listing, input.limit, 50, &input.next_token)?;
    check_arn(world, &input.resource_arn)?;
    let tags = world
        .config
        .tags
        .get(&input.resource_arn)
        .cloned()
        .unwrap_or_default();
    let rest = tags
        .into_iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a));
    let (rows, next) = take_page(rest, size, |(k, _)| k.clone());
    Ok(ListTagsOutput {
        tags: rows
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
