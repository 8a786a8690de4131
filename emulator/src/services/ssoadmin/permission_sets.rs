//! Permission sets: Create/Describe/Update/Delete/ListPermissionSets (session
//! duration, relay state) and the tags of permission sets, instances, applications and
//! trusted token issuers.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{instance, may_change_permission_set, organization_instance, permission_set};
use super::errors::SsoError;
use super::model::{PermissionSet, Tag};
use super::{check_length, page, token, Empty};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

/// Permission sets per instance (AWS's default quota).
const PERMISSION_SETS_PER_INSTANCE: usize = 2000;
/// Tags per resource.
const TAGS_PER_RESOURCE: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    pub key: String,
    pub value: String,
}

/// Tags as the model allows them.
pub fn check_tags(tags: Vec<TagInput>) -> Result<Vec<Tag>, SsoError> {
    if tags.len() > TAGS_PER_RESOURCE {
        return Err(SsoError::ServiceQuotaExceeded(format!(
            "A resource can have at most {TAGS_PER_RESOURCE} tags."
        )));
    }
    let mut out: Vec<Tag> = Vec::new();
    for tag in tags {
        check_length("Tags.Key", &tag.key, 1, 128)?;
        check_length("Tags.Value", &tag.value, 0, 256)?;
        if tag.key.starts_with("aws:") {
            return Err(SsoError::Validation(
                "Tag keys starting with 'aws:' are reserved.".into(),
            ));
        }
        out.retain(|t| t.key != tag.key);
        out.push(Tag {
            key: tag.key,
            value: tag.value,
        });
    }
    Ok(out)
}

fn tags_json(tags: &[Tag]) -> Vec<Value> {
    tags.iter()
        .map(|t| json!({"Key": t.key, "Value": t.value}))
        .collect()
}

/// Seconds of an ISO 8601 duration (`PT1H`, `PT90M`, `PT1H30M`), 1 to 12 hours.
pub fn session_seconds(duration: &str) -> Result<u32, SsoError> {
    let invalid = || {
        SsoError::Validation(format!(
            "The session duration {duration} is not valid: it must be an ISO-8601 duration between PT1H and PT12H."
        ))
    };
    let rest = duration.strip_prefix("PT").ok_or_else(invalid)?;
    let (mut seconds, mut number) = (0u64, String::new());
    for c in rest.chars() {
        match c {
            '0'..='9' => number.push(c),
            'H' | 'M' | 'S' => {
                let n: u64 = number.parse().map_err(|_| invalid())?;
                number.clear();
                seconds += n * match c {
                    'H' => 3600,
                    'M' => 60,
                    _ => 1,
                };
            }
            _ => return Err(invalid()),
        }
    }
    if !number.is_empty() || !(3600..=43200).contains(&seconds) {
        return Err(invalid());
    }
    Ok(seconds as u32)
}

fn check_name(name: &str) -> Result<(), SsoError> {
    check_length("Name", name, 1, 32)?;
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Err(SsoError::constraint(
            "Name",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ));
    }
    Ok(())
}

fn check_description(description: &Option<String>) -> Result<(), SsoError> {
    if let Some(d) = description {
        check_length("Description", d, 1, 700)?;
    }
    Ok(())
}

fn check_relay_state(relay: &Option<String>) -> Result<(), SsoError> {
    if let Some(r) = relay {
        check_length("RelayState", r, 1, 240)?;
    }
    Ok(())
}

pub fn permission_set_json(ps: &PermissionSet) -> Value {
    let mut out = json!({
        "Name": ps.name,
        "PermissionSetArn": ps.arn,
        "CreatedDate": epoch_seconds(ps.created_ms),
        "SessionDuration": ps.session_duration,
    });
    if let Some(d) = &ps.description {
        out["Description"] = json!(d);
    }
    if let Some(r) = &ps.relay_state {
        out["RelayState"] = json!(r);
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePermissionSetInput {
    pub name: String,
    pub instance_arn: String,
    pub description: Option<String>,
    pub session_duration: Option<String>,
    pub relay_state: Option<String>,
    pub tags: Option<Vec<TagInput>>,
}

pub fn create_permission_set(
    world: &mut World,
    caller: &Caller,
    input: CreatePermissionSetInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "CreatePermissionSet", &input.instance_arn)?;
    organization_instance(&access)?;
    check_name(&input.name)?;
    check_description(&input.description)?;
    check_relay_state(&input.relay_state)?;
    let session_duration = input.session_duration.unwrap_or_else(|| "PT1H".into());
    session_seconds(&session_duration)?;
    let tags = check_tags(input.tags.unwrap_or_default())?;
    let existing = world
        .ssoadmin
        .permission_sets
        .values()
        .filter(|ps| ps.instance_arn == input.instance_arn);
    let mut count = 0;
    for ps in existing {
        if ps.name.eq_ignore_ascii_case(&input.name) {
            return Err(SsoError::Conflict(format!(
                "A permission set with the name {} already exists.",
                input.name
            )));
        }
        count += 1;
    }
    if count >= PERMISSION_SETS_PER_INSTANCE {
        return Err(SsoError::ServiceQuotaExceeded(
            "The number of permission sets in the instance exceeds the quota.".into(),
        ));
    }
    let instance_id = input
        .instance_arn
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let arn = format!(
        "arn:aws:sso:::permissionSet/{instance_id}/ps-{}",
        world.ids.hex(16)
    );
    let ps = PermissionSet {
        arn: arn.clone(),
        instance_arn: input.instance_arn,
        name: input.name,
        description: input.description,
        session_duration,
        relay_state: input.relay_state,
        created_ms: world.clock.now_ms(),
        tags,
        managed_policies: Vec::new(),
        inline_policy: None,
        customer_managed: Vec::new(),
        boundary: None,
        revision: 1,
    };
    let out = permission_set_json(&ps);
    world.ssoadmin.permission_sets.insert(arn, ps);
    Ok(json!({ "PermissionSet": out }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSetRef {
    pub instance_arn: String,
    pub permission_set_arn: String,
}

pub fn describe_permission_set(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "DescribePermissionSet", &input.instance_arn)?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?;
    Ok(json!({ "PermissionSet": permission_set_json(ps) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdatePermissionSetInput {
    pub instance_arn: String,
    pub permission_set_arn: String,
    pub description: Option<String>,
    pub session_duration: Option<String>,
    pub relay_state: Option<String>,
}

/// Changes reach provisioned roles with the next ProvisionPermissionSet, as in AWS.
pub fn update_permission_set(
    world: &mut World,
    caller: &Caller,
    input: UpdatePermissionSetInput,
) -> Result<Empty, SsoError> {
    let access = instance(world, caller, "UpdatePermissionSet", &input.instance_arn)?;
    permission_set(world, &access, &input.permission_set_arn)?;
    may_change_permission_set(world, &access, &input.permission_set_arn)?;
    check_description(&input.description)?;
    check_relay_state(&input.relay_state)?;
    if let Some(d) = &input.session_duration {
        session_seconds(d)?;
    }
    let ps = world
        .ssoadmin
        .permission_sets
        .get_mut(&input.permission_set_arn)
        .expect("checked");
    if input.description.is_some() {
        ps.description = input.description;
    }
    if let Some(d) = input.session_duration {
        ps.session_duration = d;
    }
    if input.relay_state.is_some() {
        ps.relay_state = input.relay_state;
    }
    ps.revision += 1;
    Ok(Empty {})
}

/// A permission set still assigned in an account cannot be deleted.
pub fn delete_permission_set(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Empty, SsoError> {
    let access = instance(world, caller, "DeletePermissionSet", &input.instance_arn)?;
    permission_set(world, &access, &input.permission_set_arn)?;
    may_change_permission_set(world, &access, &input.permission_set_arn)?;
    let assigned = world
        .ssoadmin
        .assignments
        .values()
        .any(|a| a.permission_set_arn == input.permission_set_arn);
    if assigned {
        return Err(SsoError::Conflict(
            "The permission set is provisioned to one or more accounts; delete its account assignments first.".into(),
        ));
    }
    world
        .ssoadmin
        .permission_sets
        .remove(&input.permission_set_arn);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPermissionSetsInput {
    pub instance_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_permission_sets(
    world: &mut World,
    caller: &Caller,
    input: ListPermissionSetsInput,
) -> Result<Value, SsoError> {
    instance(world, caller, "ListPermissionSets", &input.instance_arn)?;
    let listing = format!("ListPermissionSets {}", input.instance_arn);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let arns = world
        .ssoadmin
        .permission_sets
        .values()
        .filter(|ps| ps.instance_arn == input.instance_arn)
        .map(|ps| ps.arn.clone())
        .filter(|arn| after.as_deref().is_none_or(|a| arn.as_str() > a));
    let (arns, next) = take_page(arns, max, String::clone);
    let mut out = json!({ "PermissionSets": arns });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

// ---- Tags ---------------------------------------------------------------------------

/// The tags of a taggable resource of `instance_arn` (or of the caller's instances
/// when the request names none), to read or replace.
fn resource_tags(
    world: &World,
    caller: &Caller,
    operation: &str,
    instance_arn: Option<&str>,
    resource: &str,
) -> Result<Vec<Tag>, SsoError> {
    let not_found = || SsoError::NotFound(format!("Could not find resource {resource}"));
    if let Some(i) = world.ssoadmin.instances.get(resource) {
        instance(world, caller, operation, &i.arn)?;
        return Ok(i.tags.clone());
    }
    if let Some(ps) = world.ssoadmin.permission_sets.get(resource) {
        let access = instance(world, caller, operation, &ps.instance_arn)?;
        if instance_arn.is_some_and(|arn| arn != access.instance.arn) {
            return Err(not_found());
        }
        return Ok(ps.tags.clone());
    }
    let other = world
        .ssoadmin
        .applications
        .get(resource)
        .or_else(|| world.ssoadmin.trusted_token_issuers.get(resource))
        .ok_or_else(not_found)?;
    let owner = other["InstanceArn"].as_str().unwrap_or_default();
    instance(world, caller, operation, owner)?;
    let tags = other["Tags"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| {
            Some(Tag {
                key: t["Key"].as_str()?.to_string(),
                value: t["Value"].as_str()?.to_string(),
            })
        })
        .collect();
    Ok(tags)
}

fn set_tags(world: &mut World, resource: &str, tags: Vec<Tag>) {
    if let Some(i) = world.ssoadmin.instances.get_mut(resource) {
        i.tags = tags;
    } else if let Some(ps) = world.ssoadmin.permission_sets.get_mut(resource) {
        ps.tags = tags;
    } else if let Some(v) = world.ssoadmin.applications.get_mut(resource) {
        v["Tags"] = json!(tags_json(&tags));
    } else if let Some(v) = world.ssoadmin.trusted_token_issuers.get_mut(resource) {
        v["Tags"] = json!(tags_json(&tags));
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub instance_arn: Option<String>,
    pub resource_arn: String,
    pub tags: Vec<TagInput>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, SsoError> {
    let mut tags = resource_tags(
        world,
        caller,
        "TagResource",
        input.instance_arn.as_deref(),
        &input.resource_arn,
    )?;
    for tag in check_tags(input.tags)? {
        tags.retain(|t| t.key != tag.key);
        tags.push(tag);
    }
    if tags.len() > TAGS_PER_RESOURCE {
        return Err(SsoError::ServiceQuotaExceeded(format!(
            "A resource can have at most {TAGS_PER_RESOURCE} tags."
        )));
    }
    set_tags(world, &input.resource_arn, tags);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub instance_arn: Option<String>,
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, SsoError> {
    if input.tag_keys.is_empty() || input.tag_keys.len() > 75 {
        return Err(SsoError::Validation(
            "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length between 1 and 75".into(),
        ));
    }
    let mut tags = resource_tags(
        world,
        caller,
        "UntagResource",
        input.instance_arn.as_deref(),
        &input.resource_arn,
    )?;
    tags.retain(|t| !input.tag_keys.contains(&t.key));
    set_tags(world, &input.resource_arn, tags);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    pub instance_arn: Option<String>,
    pub resource_arn: String,
    pub next_token: Option<String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsInput,
) -> Result<Value, SsoError> {
    let tags = resource_tags(
        world,
        caller,
        "ListTagsForResource",
        input.instance_arn.as_deref(),
        &input.resource_arn,
    )?;
    let listing = format!("ListTagsForResource {}", input.resource_arn);
    let (max, after) = page(&listing, None, 50, &input.next_token)?;
    let tags = tags
        .into_iter()
        .skip_while(|t| after.as_deref().is_some_and(|a| t.key != a))
        .skip(usize::from(after.is_some()));
    let (tags, next) = take_page(tags, max, |t| t.key.clone());
    let mut out = json!({ "Tags": tags_json(&tags) });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
