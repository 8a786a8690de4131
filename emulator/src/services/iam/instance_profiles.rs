//! Instance profiles: Create/Get/Delete/List, ListInstanceProfilesForRole, roles in
//! and out (at most one), tags.

use serde::{Deserialize, Serialize};

use super::dto::{
    date, de, list_account, paginate_vec, tags_out, Nothing, PageInfo, PageRequest, TagShape,
};
use super::errors::IamError;
use super::model::{account_range, entity_key, InstanceProfile};
use super::shapes::{RoleShape, TagsPage};
use super::{account, new_id, validate};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileInput {
    pub instance_profile_name: Option<String>,
    pub role_name: Option<String>,
    pub path: Option<String>,
    pub path_prefix: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

fn name(input: &ProfileInput) -> Result<&str, IamError> {
    let n = input.instance_profile_name.as_deref().ok_or_else(|| {
        IamError::Validation("1 validation error detected: Value null at 'instanceProfileName' failed to satisfy constraint: Member must not be null".into())
    })?;
    validate::name(n, "instanceProfileName", 128)?;
    Ok(n)
}

fn profile<'w>(
    world: &'w World,
    account_id: &str,
    name: &str,
) -> Result<&'w InstanceProfile, IamError> {
    world
        .iam
        .instance_profiles
        .get(&entity_key(account_id, name))
        .ok_or_else(|| IamError::no_such(format!("Instance Profile {name} cannot be found.")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileShape {
    pub path: String,
    pub instance_profile_name: String,
    pub instance_profile_id: String,
    pub arn: String,
    pub create_date: String,
    pub roles: Vec<RoleShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

fn shape(world: &World, account_id: &str, p: &InstanceProfile) -> ProfileShape {
    ProfileShape {
        path: p.path.clone(),
        instance_profile_name: p.name.clone(),
        instance_profile_id: p.id.clone(),
        arn: format!(
            "arn:aws:iam::{account_id}:instance-profile{}{}",
            p.path, p.name
        ),
        create_date: date(p.created_ms),
        roles: p
            .roles
            .iter()
            .filter_map(|r| world.iam.roles.get(&format!("{account_id}/{r}")))
            .map(|r| RoleShape::of(r, account_id, false))
            .collect(),
        tags: tags_out(&p.tags),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileOutput {
    pub instance_profile: ProfileShape,
}

pub fn create_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<ProfileOutput, IamError> {
    let account_id = account(caller);
    let n = name(&input)?.to_string();
    let path = validate::path(input.path.as_deref(), "path")?;
    let tags = validate::tags(&input.tags)?;
    let key = entity_key(account_id, &n);
    if world.iam.instance_profiles.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "Instance Profile {n} already exists."
        )));
    }
    let p = InstanceProfile {
        name: n,
        path,
        id: new_id(world, "AIPA"),
        created_ms: world.clock.now_ms(),
        roles: Vec::new(),
        tags,
    };
    let out = shape(world, account_id, &p);
    world.iam.instance_profiles.insert(key, p);
    Ok(ProfileOutput {
        instance_profile: out,
    })
}

pub fn get_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<ProfileOutput, IamError> {
    let account_id = account(caller);
    let p = profile(world, account_id, name(&input)?)?;
    Ok(ProfileOutput {
        instance_profile: shape(world, account_id, p),
    })
}

pub fn delete_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = name(&input)?;
    if !profile(world, account_id, n)?.roles.is_empty() {
        return Err(IamError::DeleteConflict(
            "Cannot delete entity, must remove roles from instance profile first.".into(),
        ));
    }
    world
        .iam
        .instance_profiles
        .remove(&entity_key(account_id, n));
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListProfilesOutput {
    pub instance_profiles: Vec<ProfileShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_instance_profiles(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<ListProfilesOutput, IamError> {
    let account_id = account(caller);
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let listing = format!("ListInstanceProfiles {account_id} {prefix}");
    let (instance_profiles, page) = list_account(
        &world.iam.instance_profiles,
        account_id,
        &listing,
        &input.page,
        |p| p.path.starts_with(prefix),
        |p| shape(world, account_id, p),
    )?;
    Ok(ListProfilesOutput {
        instance_profiles,
        page,
    })
}

pub fn list_instance_profiles_for_role(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<ListProfilesOutput, IamError> {
    let account_id = account(caller);
    let role_name = input.role_name.clone().unwrap_or_default();
    let role = super::role(world, account_id, &role_name)?;
    let lower = role.name.to_ascii_lowercase();
    let (from, to) = account_range(account_id);
    let all: Vec<ProfileShape> = world
        .iam
        .instance_profiles
        .range(from..to)
        .filter(|(_, p)| p.roles.contains(&lower))
        .map(|(_, p)| shape(world, account_id, p))
        .collect();
    let (instance_profiles, page) = paginate_vec(
        all,
        &input.page,
        &format!("ListInstanceProfilesForRole {account_id} {lower}"),
    )?;
    Ok(ListProfilesOutput {
        instance_profiles,
        page,
    })
}

pub fn add_role_to_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = name(&input)?.to_string();
    let role_name = input.role_name.clone().unwrap_or_default();
    let role = super::role(world, account_id, &role_name)?
        .name
        .to_ascii_lowercase();
    let p = profile(world, account_id, &n)?;
    if p.roles.contains(&role) {
        return Err(IamError::EntityAlreadyExists(format!(
            "The role {role_name} is already associated with this instance profile."
        )));
    }
    if !p.roles.is_empty() {
        return Err(IamError::LimitExceeded(
            "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1".into(),
        ));
    }
    if let Some(p) = world
        .iam
        .instance_profiles
        .get_mut(&entity_key(account_id, &n))
    {
        p.roles.push(role);
    }
    Ok(Nothing {})
}

pub fn remove_role_from_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = name(&input)?.to_string();
    let role_name = input
        .role_name
        .clone()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !profile(world, account_id, &n)?.roles.contains(&role_name) {
        return Err(IamError::no_such(format!(
            "The role {role_name} is not associated with instance profile {n}."
        )));
    }
    if let Some(p) = world
        .iam
        .instance_profiles
        .get_mut(&entity_key(account_id, &n))
    {
        p.roles.retain(|r| *r != role_name);
    }
    Ok(Nothing {})
}

pub fn tag_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = name(&input)?.to_string();
    let new = validate::tags(&input.tags)?;
    let tags = validate::merge_tags(&profile(world, account_id, &n)?.tags, new)?;
    if let Some(p) = world
        .iam
        .instance_profiles
        .get_mut(&entity_key(account_id, &n))
    {
        p.tags = tags;
    }
    Ok(Nothing {})
}

pub fn untag_instance_profile(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = name(&input)?.to_string();
    validate::tag_keys(&input.tag_keys)?;
    profile(world, account_id, &n)?;
    if let Some(p) = world
        .iam
        .instance_profiles
        .get_mut(&entity_key(account_id, &n))
    {
        p.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        });
    }
    Ok(Nothing {})
}

pub fn list_instance_profile_tags(
    world: &mut World,
    caller: &Caller,
    input: ProfileInput,
) -> Result<TagsPage, IamError> {
    let account_id = account(caller);
    let p = profile(world, account_id, name(&input)?)?;
    let tags = p.tags.iter().map(TagShape::from).collect();
    let (tags, page) = paginate_vec(
        tags,
        &input.page,
        &format!("ListInstanceProfileTags {}", p.id),
    )?;
    Ok(TagsPage { tags, page })
}
