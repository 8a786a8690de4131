//! Tags on budgets and budget actions, by ARN
//! (`arn:aws:budgets::<account>:budget/<name>[/action/<id>]`).

use serde::{Deserialize, Serialize};

use super::errors::BudgetsError;
use super::model::Tag;
use super::records::check_tags;
use super::{budget, budget_mut, check_account, Empty};
use crate::auth::Caller;
use crate::world::World;

/// The account, budget name and action id an ARN names.
fn parse_arn(arn: &str) -> Result<(String, String, Option<String>), BudgetsError> {
    let bad = || BudgetsError::invalid(format!("Invalid ResourceARN: {arn}"));
    let rest = arn.strip_prefix("arn:aws:budgets::").ok_or_else(bad)?;
    let (account, resource) = rest.split_once(':').ok_or_else(bad)?;
    let path = resource.strip_prefix("budget/").ok_or_else(bad)?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) || path.is_empty() {
        return Err(bad());
    }
    match path.split_once("/action/") {
        Some((name, id)) => Ok((account.into(), name.into(), Some(id.into()))),
        None => Ok((account.into(), path.into(), None)),
    }
}

fn tags_of<'w>(world: &'w World, caller: &Caller, arn: &str) -> Result<&'w [Tag], BudgetsError> {
    let (account, name, action) = parse_arn(arn)?;
    check_account(caller, &account)?;
    let stored = budget(world, &account, &name)?;
    match action {
        None => Ok(&stored.tags),
        Some(id) => stored
            .actions
            .get(&id)
            .map(|a| a.tags.as_slice())
            .ok_or_else(|| BudgetsError::NotFound(format!("Unable to find the resource {arn}"))),
    }
}

fn tags_of_mut<'w>(world: &'w mut World, arn: &str) -> &'w mut Vec<Tag> {
    let (account, name, action) = parse_arn(arn).expect("ARN checked before mutation");
    let stored = budget_mut(world, &account, &name);
    match action {
        None => &mut stored.tags,
        Some(id) => {
            &mut stored
                .actions
                .get_mut(&id)
                .expect("action checked before mutation")
                .tags
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: String,
    pub resource_tags: Vec<Tag>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, BudgetsError> {
    let mut tags = tags_of(world, caller, &input.resource_arn)?.to_vec();
    for tag in input.resource_tags {
        match tags.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value,
            None => tags.push(tag),
        }
    }
    check_tags(&tags)?;
    *tags_of_mut(world, &input.resource_arn) = tags;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: String,
    pub resource_tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, BudgetsError> {
    let mut tags = tags_of(world, caller, &input.resource_arn)?.to_vec();
    tags.retain(|t| !input.resource_tag_keys.contains(&t.key));
    *tags_of_mut(world, &input.resource_arn) = tags;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceInput {
    #[serde(rename = "ResourceARN")]
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsForResourceOutput {
    pub resource_tags: Vec<Tag>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsForResourceInput,
) -> Result<ListTagsForResourceOutput, BudgetsError> {
    Ok(ListTagsForResourceOutput {
        resource_tags: tags_of(world, caller, &input.resource_arn)?.to_vec(),
    })
}
