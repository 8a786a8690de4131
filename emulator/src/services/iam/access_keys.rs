//! Access keys (`AKIA…`): CreateAccessKey, UpdateAccessKey, DeleteAccessKey,
//! ListAccessKeys, GetAccessKeyLastUsed. An active key authenticates as its user (or
//! the account's root user) — see `auth::resolve_caller`.

use serde::{Deserialize, Serialize};

use super::dto::{date, paginate_vec, Nothing, PageInfo, PageRequest};
use super::errors::IamError;
use super::model::{AccessKey, KeyStatus};
use super::{account, quotas, user_or_root, validate};
use crate::auth::Caller;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserNameOption {
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyShape {
    pub user_name: String,
    pub access_key_id: String,
    pub status: &'static str,
    pub secret_access_key: String,
    pub create_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccessKeyOutput {
    pub access_key: AccessKeyShape,
}

/// The keys of one owner (`None`: the root user), oldest first.
fn keys_of<'w>(
    world: &'w World,
    account_id: &str,
    owner: Option<&str>,
) -> impl Iterator<Item = &'w AccessKey> + 'w {
    let account_id = account_id.to_string();
    let owner = owner.map(str::to_ascii_lowercase);
    world.iam.access_keys.values().filter(move |k| {
        k.account_id == account_id && k.user_name.as_ref().map(|n| n.to_ascii_lowercase()) == owner
    })
}

pub fn create_access_key(
    world: &mut World,
    caller: &Caller,
    input: UserNameOption,
) -> Result<CreateAccessKeyOutput, IamError> {
    let account_id = account(caller);
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    if keys_of(world, account_id, owner.as_deref()).count() >= quotas::ACCESS_KEYS_PER_USER {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for AccessKeysPerUser: {}",
            quotas::ACCESS_KEYS_PER_USER
        )));
    }
    let id = loop {
        let candidate = format!("AKIA{}", world.ids.upper_alnum(16));
        if !world.iam.access_keys.contains_key(&candidate) {
            break candidate;
        }
    };
    let key = AccessKey {
        id: id.clone(),
        secret: world.ids.base64(40),
        account_id: account_id.to_string(),
        user_name: owner.clone(),
        status: KeyStatus::Active,
        created_ms: world.clock.now_ms(),
        last_used: None,
    };
    let shape = AccessKeyShape {
        user_name: owner.unwrap_or_default(),
        access_key_id: id.clone(),
        status: "Active",
        secret_access_key: key.secret.clone(),
        create_date: date(key.created_ms),
    };
    world.iam.access_keys.insert(id, key);
    Ok(CreateAccessKeyOutput { access_key: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyIdInput {
    pub user_name: Option<String>,
    pub access_key_id: String,
    pub status: Option<String>,
}

/// The key, if it belongs to the owner named (or implied).
fn owned_key(world: &World, caller: &Caller, input: &AccessKeyIdInput) -> Result<String, IamError> {
    validate::length(&input.access_key_id, "accessKeyId", 16, 128)?;
    let account_id = account(caller);
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    match world.iam.access_keys.get(&input.access_key_id) {
        Some(k)
            if k.account_id == account_id
                && k.user_name.as_ref().map(|n| n.to_ascii_lowercase())
                    == owner.as_ref().map(|n| n.to_ascii_lowercase()) =>
        {
            Ok(k.id.clone())
        }
        _ => Err(IamError::no_such(format!(
            "The Access Key with id {} cannot be found.",
            input.access_key_id
        ))),
    }
}

pub fn update_access_key(
    world: &mut World,
    caller: &Caller,
    input: AccessKeyIdInput,
) -> Result<Nothing, IamError> {
    let status = match input.status.as_deref() {
        Some("Active") => KeyStatus::Active,
        Some("Inactive") => KeyStatus::Inactive,
        other => {
            return Err(IamError::constraint(
                other.unwrap_or("null"),
                "status",
                "Member must satisfy enum value set: [Active, Inactive]",
            ))
        }
    };
    let id = owned_key(world, caller, &input)?;
    if let Some(k) = world.iam.access_keys.get_mut(&id) {
        k.status = status;
    }
    Ok(Nothing {})
}

pub fn delete_access_key(
    world: &mut World,
    caller: &Caller,
    input: AccessKeyIdInput,
) -> Result<Nothing, IamError> {
    let id = owned_key(world, caller, &input)?;
    world.iam.access_keys.remove(&id);
    world.iam.retired_access_keys.insert(id);
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysInput {
    pub user_name: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessKeyMetadata {
    pub user_name: String,
    pub access_key_id: String,
    pub status: &'static str,
    pub create_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccessKeysOutput {
    pub access_key_metadata: Vec<AccessKeyMetadata>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_access_keys(
    world: &mut World,
    caller: &Caller,
    input: ListAccessKeysInput,
) -> Result<ListAccessKeysOutput, IamError> {
    let account_id = account(caller);
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    let keys: Vec<AccessKeyMetadata> = keys_of(world, account_id, owner.as_deref())
        .map(|k| AccessKeyMetadata {
            user_name: k.user_name.clone().unwrap_or_default(),
            access_key_id: k.id.clone(),
            status: k.status.as_str(),
            create_date: date(k.created_ms),
        })
        .collect();
    let listing = format!(
        "ListAccessKeys {account_id} {}",
        owner.as_deref().unwrap_or("<root>")
    );
    let (access_key_metadata, page) = paginate_vec(keys, &input.page, &listing)?;
    Ok(ListAccessKeysOutput {
        access_key_metadata,
        page,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyLastUsedInput {
    pub access_key_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LastUsedShape {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_date: Option<String>,
    pub service_name: String,
    pub region: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyLastUsedOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub access_key_last_used: LastUsedShape,
}

/// `N/A` until the key is used, as AWS answers.
pub fn get_access_key_last_used(
    world: &mut World,
    caller: &Caller,
    input: GetAccessKeyLastUsedInput,
) -> Result<GetAccessKeyLastUsedOutput, IamError> {
    validate::length(&input.access_key_id, "accessKeyId", 16, 128)?;
    let key = world
        .iam
        .access_keys
        .get(&input.access_key_id)
        .filter(|k| k.account_id == account(caller))
        .ok_or_else(|| {
            IamError::no_such(format!(
                "The Access Key with id {} cannot be found.",
                input.access_key_id
            ))
        })?;
    let used = key.last_used.as_ref();
    Ok(GetAccessKeyLastUsedOutput {
        user_name: Some(key.user_name.clone().unwrap_or_else(|| "root".into())),
        access_key_last_used: LastUsedShape {
            last_used_date: used.map(|u| date(u.at_ms)),
            service_name: used.map_or("N/A".into(), |u| u.service.clone()),
            region: used.map_or("N/A".into(), |u| u.region.clone()),
        },
    })
}
