//! AddTags, RemoveTags, ListTags on trails, event data stores and channels (by ARN).

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{find_trail, writable_trail};
use super::errors::CtError;
use super::lake::{find_channel, find_event_data_store};
use super::model::Tag;
use super::validation::check_tags;
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagsInput {
    pub resource_id: String,
    pub tags_list: Vec<Tag>,
}

/// Which kind of resource an ARN names.
enum Tagged {
    Trail(String),
    EventDataStore(String),
    Channel(String),
}

fn resolve(world: &World, caller: &Caller, arn: &str, write: bool) -> Result<Tagged, CtError> {
    if !arn.starts_with("arn:aws:cloudtrail:") {
        return Err(CtError::CloudTrailArnInvalid(format!(
            "ARN {arn} is not valid."
        )));
    }
    let resource = arn.splitn(6, ':').nth(5).unwrap_or_default();
    if resource.starts_with("trail/") {
        let trail = if write {
            writable_trail(world, caller, arn)?
        } else {
            find_trail(world, caller, arn)?
        };
        return Ok(Tagged::Trail(trail.arn.clone()));
    }
    if resource.starts_with("eventdatastore/") {
        return Ok(Tagged::EventDataStore(
            find_event_data_store(world, caller, arn)?.arn.clone(),
        ));
    }
    if resource.starts_with("channel/") {
        return Ok(Tagged::Channel(
            find_channel(world, caller, arn)?.arn.clone(),
        ));
    }
    Err(CtError::ResourceTypeNotSupported(format!(
        "Resource type is not supported: {arn}"
    )))
}

fn tags_of<'w>(world: &'w World, tagged: &Tagged) -> &'w [Tag] {
    let c = &world.cloudtrail;
    match tagged {
        Tagged::Trail(arn) => c.trails.get(arn).map(|t| t.tags.as_slice()),
        Tagged::EventDataStore(arn) => c.event_data_stores.get(arn).map(|t| t.tags.as_slice()),
        Tagged::Channel(arn) => c.channels.get(arn).map(|t| t.tags.as_slice()),
    }
    .unwrap_or_default()
}

fn tags_mut<'w>(world: &'w mut World, tagged: &Tagged) -> Option<&'w mut Vec<Tag>> {
    let c = &mut world.cloudtrail;
    match tagged {
        Tagged::Trail(arn) => c.trails.get_mut(arn).map(|t| &mut t.tags),
        Tagged::EventDataStore(arn) => c.event_data_stores.get_mut(arn).map(|t| &mut t.tags),
        Tagged::Channel(arn) => c.channels.get_mut(arn).map(|t| &mut t.tags),
    }
}

pub fn add_tags(world: &mut World, caller: &Caller, input: TagsInput) -> Result<Value, CtError> {
    let tagged = resolve(world, caller, &input.resource_id, true)?;
    let existing = tags_of(world, &tagged);
    let new = input
        .tags_list
        .iter()
        .filter(|t| !existing.iter().any(|e| e.key == t.key))
        .count();
    check_tags(
        &input.tags_list,
        existing.len() + new - input.tags_list.len().min(new),
    )?;
    if existing.len() + new > super::validation::MAX_TAGS {
        return Err(CtError::TagsLimitExceeded(format!(
            "The number of tags on the resource would exceed {}.",
            super::validation::MAX_TAGS
        )));
    }
    if let Some(tags) = tags_mut(world, &tagged) {
        for tag in input.tags_list {
            match tags.iter_mut().find(|t| t.key == tag.key) {
                Some(existing) => existing.value = tag.value,
                None => tags.push(tag),
            }
        }
    }
    Ok(json!({}))
}

pub fn remove_tags(world: &mut World, caller: &Caller, input: TagsInput) -> Result<Value, CtError> {
    let tagged = resolve(world, caller, &input.resource_id, true)?;
    if let Some(tags) = tags_mut(world, &tagged) {
        tags.retain(|t| {
            !input
                .tags_list
                .iter()
                .any(|r| r.key == t.key && (r.value.is_none() || r.value == t.value))
        });
    }
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    pub resource_id_list: Vec<String>,
    #[allow(dead_code)]
    pub next_token: Option<String>,
}

pub fn list_tags(
    world: &mut World,
    caller: &Caller,
    input: ListTagsInput,
) -> Result<Value, CtError> {
    if input.resource_id_list.len() > 20 {
        return Err(CtError::InvalidParameter(
            "ResourceIdList can contain at most 20 resources.".to_string(),
        ));
    }
    let mut out = Vec::new();
    for arn in &input.resource_id_list {
        let tagged = resolve(world, caller, arn, false)?;
        out.push(json!({"ResourceId": arn, "TagsList": tags_of(world, &tagged)}));
    }
    Ok(json!({ "ResourceTagList": out }))
}
