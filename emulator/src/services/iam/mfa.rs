//! Virtual MFA devices with real TOTP: CreateVirtualMFADevice returns a Base32 seed;
//! EnableMFADevice and ResyncMFADevice check two consecutive codes computed from it
//! (RFC 6238) against the world's clock.

use base64::Engine;
use serde::{Deserialize, Serialize};

use super::dto::{date, de, paginate_vec, tags_out, Nothing, PageInfo, PageRequest, TagShape};
use super::errors::IamError;
use super::model::{entity_key, EnabledMfa, VirtualMfaDevice};
use super::shapes::{TagsPage, UserShape};
use super::{account, settings_mut, totp, user_or_root, validate};
use crate::auth::Caller;
use crate::world::World;

/// Steps either side of now within which codes are accepted (AWS allows for drift).
const DRIFT_STEPS: i64 = 4;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVirtualMfaDeviceInput {
    pub path: Option<String>,
    #[serde(rename = "VirtualMFADeviceName")]
    pub virtual_mfa_device_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VirtualMfaShape {
    pub serial_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base32_string_seed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<UserShape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

#[derive(Debug, Serialize)]
pub struct CreateVirtualMfaDeviceOutput {
    #[serde(rename = "VirtualMFADevice")]
    pub device: VirtualMfaShape,
}

pub fn create_virtual_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: CreateVirtualMfaDeviceInput,
) -> Result<CreateVirtualMfaDeviceOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.virtual_mfa_device_name, "virtualMFADeviceName", 226)?;
    let path = validate::path(input.path.as_deref(), "path")?;
    let tags = validate::tags(&input.tags)?;
    let serial = format!(
        "arn:aws:iam::{account_id}:mfa{path}{}",
        input.virtual_mfa_device_name
    );
    if world.iam.mfa_devices.contains_key(&serial) {
        return Err(IamError::EntityAlreadyExists(
            "MFADevice entity at the same path and name already exists.".into(),
        ));
    }
    let secret: Vec<u8> = (0..20)
        .map(|_| (world.ids.next_u64() & 0xFF) as u8)
        .collect();
    let seed = totp::base32_encode(&secret);
    world.iam.mfa_devices.insert(
        serial.clone(),
        VirtualMfaDevice {
            serial_number: serial.clone(),
            account_id: account_id.to_string(),
            seed_base32: seed.clone(),
            assigned: None,
            last_step: None,
            tags: tags.clone(),
        },
    );
    Ok(CreateVirtualMfaDeviceOutput {
        device: VirtualMfaShape {
            serial_number: serial,
            // A blob on the wire: the Base32 text, base64-encoded.
            base32_string_seed: Some(base64::engine::general_purpose::STANDARD.encode(seed)),
            user: None,
            enable_date: None,
            tags: tags_out(&tags),
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableMfaInput {
    pub user_name: Option<String>,
    pub serial_number: String,
    pub authentication_code1: Option<String>,
    pub authentication_code2: Option<String>,
}

fn code(value: &Option<String>, member: &str) -> Result<String, IamError> {
    let v = value.clone().ok_or_else(|| {
        IamError::Validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))
    })?;
    if v.len() != 6 || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IamError::constraint(
            &v,
            member,
            "Member must satisfy regular expression pattern: [\\d]+",
        ));
    }
    Ok(v)
}

/// The step of the second of two consecutive valid codes, if they are.
fn consecutive(seed: &str, c1: &str, c2: &str, now_ms: i64, window: i64) -> Option<i64> {
    let now = totp::step(now_ms);
    (now - window..=now + window).find_map(|s| {
        (totp::code_at(seed, s).as_deref() == Some(c1)
            && totp::code_at(seed, s + 1).as_deref() == Some(c2))
        .then_some(s + 1)
    })
}

pub fn enable_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: EnableMfaInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller).to_string();
    validate::length(&input.serial_number, "serialNumber", 9, 256)?;
    let (c1, c2) = (
        code(&input.authentication_code1, "authenticationCode1")?,
        code(&input.authentication_code2, "authenticationCode2")?,
    );
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    let device = world
        .iam
        .mfa_devices
        .get(&input.serial_number)
        .filter(|d| d.account_id == account_id)
        .ok_or_else(|| {
            IamError::no_such(format!(
                "VirtualMFADevice with serial number {} doesn't exist.",
                input.serial_number
            ))
        })?;
    if device.assigned.is_some() {
        return Err(IamError::EntityAlreadyExists(
            "MFA Device is already in use.".into(),
        ));
    }
    let now = world.clock.now_ms();
    let step = consecutive(&device.seed_base32, &c1, &c2, now, DRIFT_STEPS).ok_or_else(|| {
        IamError::InvalidAuthenticationCode("Authentication code for device is not valid.".into())
    })?;
    if let Some(d) = world.iam.mfa_devices.get_mut(&input.serial_number) {
        d.assigned = Some((owner.clone(), now));
        d.last_step = Some(step);
    }
    match owner {
        Some(name) => {
            if let Some(u) = world.iam.users.get_mut(&entity_key(&account_id, &name)) {
                u.mfa_devices.push(EnabledMfa {
                    serial_number: input.serial_number,
                    enabled_ms: now,
                });
            }
        }
        None => settings_mut(world, &account_id).root_mfa = Some(input.serial_number),
    }
    Ok(Nothing {})
}

pub fn resync_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: EnableMfaInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let (c1, c2) = (
        code(&input.authentication_code1, "authenticationCode1")?,
        code(&input.authentication_code2, "authenticationCode2")?,
    );
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    let device = world
        .iam
        .mfa_devices
        .get(&input.serial_number)
        .filter(|d| d.account_id == account_id && d.assigned.as_ref().map(|a| &a.0) == Some(&owner))
        .ok_or_else(|| {
            IamError::no_such(format!(
                "MFA Device with serial number {} does not exist.",
                input.serial_number
            ))
        })?;
    let step =
        consecutive(&device.seed_base32, &c1, &c2, world.clock.now_ms(), 40).ok_or_else(|| {
            IamError::InvalidAuthenticationCode(
                "Authentication code for device is not valid.".into(),
            )
        })?;
    if let Some(d) = world.iam.mfa_devices.get_mut(&input.serial_number) {
        d.last_step = Some(step);
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeactivateMfaInput {
    pub user_name: Option<String>,
    pub serial_number: String,
}

pub fn deactivate_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: DeactivateMfaInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller).to_string();
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    let assigned_here = world
        .iam
        .mfa_devices
        .get(&input.serial_number)
        .is_some_and(|d| {
            d.account_id == account_id && d.assigned.as_ref().map(|a| &a.0) == Some(&owner)
        });
    if !assigned_here {
        return Err(IamError::no_such(format!(
            "MFA Device with serial number {} does not exist.",
            input.serial_number
        )));
    }
    if let Some(d) = world.iam.mfa_devices.get_mut(&input.serial_number) {
        d.assigned = None;
    }
    match owner {
        Some(name) => {
            if let Some(u) = world.iam.users.get_mut(&entity_key(&account_id, &name)) {
                u.mfa_devices
                    .retain(|m| m.serial_number != input.serial_number);
            }
        }
        None => settings_mut(world, &account_id).root_mfa = None,
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SerialInput {
    pub serial_number: String,
}

pub fn delete_virtual_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: SerialInput,
) -> Result<Nothing, IamError> {
    let device = world
        .iam
        .mfa_devices
        .get(&input.serial_number)
        .filter(|d| d.account_id == account(caller))
        .ok_or_else(|| {
            IamError::no_such(format!(
                "VirtualMFADevice with serial number {} doesn't exist.",
                input.serial_number
            ))
        })?;
    if device.assigned.is_some() {
        return Err(IamError::DeleteConflict(
            "MFA device is already in use.".into(),
        ));
    }
    world.iam.mfa_devices.remove(&input.serial_number);
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListVirtualMfaDevicesInput {
    pub assignment_status: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListVirtualMfaDevicesOutput {
    #[serde(rename = "VirtualMFADevices")]
    pub devices: Vec<VirtualMfaShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_virtual_mfa_devices(
    world: &mut World,
    caller: &Caller,
    input: ListVirtualMfaDevicesInput,
) -> Result<ListVirtualMfaDevicesOutput, IamError> {
    let account_id = account(caller);
    let status = input.assignment_status.as_deref().unwrap_or("Any");
    if !["Assigned", "Unassigned", "Any"].contains(&status) {
        return Err(IamError::constraint(
            status,
            "assignmentStatus",
            "Member must satisfy enum value set: [Unassigned, Any, Assigned]",
        ));
    }
    let prefix = format!("arn:aws:iam::{account_id}:mfa");
    let devices: Vec<VirtualMfaShape> = world
        .iam
        .mfa_devices
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(_, d)| d)
        .filter(|d| match status {
            "Assigned" => d.assigned.is_some(),
            "Unassigned" => d.assigned.is_none(),
            _ => true,
        })
        .map(|d| VirtualMfaShape {
            serial_number: d.serial_number.clone(),
            base32_string_seed: None,
            user: d.assigned.as_ref().and_then(|(user, _)| match user {
                Some(name) => super::user(world, account_id, name)
                    .ok()
                    .map(|u| UserShape::of(u, account_id, false)),
                None => Some(super::root_user_shape(world, account_id)),
            }),
            enable_date: d.assigned.as_ref().map(|(_, at)| date(*at)),
            tags: tags_out(&d.tags),
        })
        .collect();
    let (devices, page) = paginate_vec(
        devices,
        &input.page,
        &format!("ListVirtualMFADevices {account_id} {status}"),
    )?;
    Ok(ListVirtualMfaDevicesOutput { devices, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMfaDevicesInput {
    pub user_name: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MfaDeviceShape {
    pub user_name: String,
    pub serial_number: String,
    pub enable_date: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListMfaDevicesOutput {
    #[serde(rename = "MFADevices")]
    pub devices: Vec<MfaDeviceShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_mfa_devices(
    world: &mut World,
    caller: &Caller,
    input: ListMfaDevicesInput,
) -> Result<ListMfaDevicesOutput, IamError> {
    let account_id = account(caller);
    let owner = user_or_root(world, caller, input.user_name.as_deref())?;
    let devices: Vec<MfaDeviceShape> = world
        .iam
        .mfa_devices
        .values()
        .filter(|d| d.account_id == account_id)
        .filter_map(|d| {
            let (user, at) = d.assigned.as_ref()?;
            let same = user.as_ref().map(|u| u.to_ascii_lowercase())
                == owner.as_ref().map(|u| u.to_ascii_lowercase());
            same.then(|| MfaDeviceShape {
                user_name: user.clone().unwrap_or_default(),
                serial_number: d.serial_number.clone(),
                enable_date: date(*at),
            })
        })
        .collect();
    let (devices, page) = paginate_vec(
        devices,
        &input.page,
        &format!("ListMFADevices {account_id} {owner:?}"),
    )?;
    Ok(ListMfaDevicesOutput { devices, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMfaDeviceInput {
    pub serial_number: String,
    pub user_name: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetMfaDeviceOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    pub serial_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_date: Option<String>,
}

pub fn get_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: GetMfaDeviceInput,
) -> Result<GetMfaDeviceOutput, IamError> {
    let device = world
        .iam
        .mfa_devices
        .get(&input.serial_number)
        .filter(|d| d.account_id == account(caller) && d.assigned.is_some())
        .ok_or_else(|| {
            IamError::no_such(format!(
                "MFA Device with serial number {} does not exist.",
                input.serial_number
            ))
        })?;
    let (user, at) = device.assigned.clone().unwrap_or((None, 0));
    Ok(GetMfaDeviceOutput {
        user_name: user,
        serial_number: device.serial_number.clone(),
        enable_date: Some(date(at)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagMfaInput {
    pub serial_number: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

fn device_tags(
    world: &World,
    caller: &Caller,
    serial: &str,
) -> Result<Vec<super::model::Tag>, IamError> {
    world
        .iam
        .mfa_devices
        .get(serial)
        .filter(|d| d.account_id == account(caller))
        .map(|d| d.tags.clone())
        .ok_or_else(|| IamError::no_such(format!("MFA device {serial} cannot be found.")))
}

pub fn tag_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: TagMfaInput,
) -> Result<Nothing, IamError> {
    let new = validate::tags(&input.tags)?;
    let tags = validate::merge_tags(&device_tags(world, caller, &input.serial_number)?, new)?;
    if let Some(d) = world.iam.mfa_devices.get_mut(&input.serial_number) {
        d.tags = tags;
    }
    Ok(Nothing {})
}

pub fn untag_mfa_device(
    world: &mut World,
    caller: &Caller,
    input: TagMfaInput,
) -> Result<Nothing, IamError> {
    validate::tag_keys(&input.tag_keys)?;
    device_tags(world, caller, &input.serial_number)?;
    if let Some(d) = world.iam.mfa_devices.get_mut(&input.serial_number) {
        d.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        });
    }
    Ok(Nothing {})
}

pub fn list_mfa_device_tags(
    world: &mut World,
    caller: &Caller,
    input: TagMfaInput,
) -> Result<TagsPage, IamError> {
    let tags = device_tags(world, caller, &input.serial_number)?
        .iter()
        .map(TagShape::from)
        .collect();
    let (tags, page) = paginate_vec(
        tags,
        &input.page,
        &format!("ListMFADeviceTags {}", input.serial_number),
    )?;
    Ok(TagsPage { tags, page })
}
