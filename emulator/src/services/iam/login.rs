//! Console passwords: login profiles (Create/Get/Update/DeleteLoginProfile),
//! ChangePassword, and the account password policy that every password meets.

use serde::{Deserialize, Serialize};

use super::dto::{date, de, Nothing};
use super::errors::IamError;
use super::model::{entity_key, LoginProfile, PasswordPolicy};
use super::{account, settings_mut, user_or_caller, validate};
use crate::auth::{Caller, Principal};
use crate::world::World;

/// Checks `password` against the account's policy (AWS's default minimum is 8).
fn meets_policy(world: &World, account_id: &str, password: &str) -> Result<(), IamError> {
    validate::length(password, "password", 1, 128)?;
    let policy = world
        .iam
        .accounts
        .get(account_id)
        .and_then(|s| s.password_policy.clone());
    let violation = |what: &str| {
        IamError::PasswordPolicyViolation(format!(
            "Password does not conform to the account password policy: {what}."
        ))
    };
    let Some(p) = policy else {
        if password.chars().count() < 8 {
            return Err(violation("Password should have at least 8 characters"));
        }
        return Ok(());
    };
    if password.chars().count() < p.minimum_length as usize {
        return Err(violation(&format!(
            "Password should have at least {} characters",
            p.minimum_length
        )));
    }
    if p.require_symbols && !password.chars().any(|c| c.is_ascii_punctuation()) {
        return Err(violation("Password should have at least one symbol"));
    }
    if p.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
        return Err(violation("Password should have at least one number"));
    }
    if p.require_uppercase && !password.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(violation(
            "Password should have at least one uppercase letter",
        ));
    }
    if p.require_lowercase && !password.chars().any(|c| c.is_ascii_lowercase()) {
        return Err(violation(
            "Password should have at least one lowercase letter",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateLoginProfileInput {
    pub user_name: Option<String>,
    pub password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub password_reset_required: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoginProfileShape {
    pub user_name: String,
    pub create_date: String,
    pub password_reset_required: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoginProfileOutput {
    pub login_profile: LoginProfileShape,
}

/// Without `UserName` from a root session of `AssumeRoot` (IAMCreateRootUserPassword):
/// the member's root user gets a password back.
pub fn create_login_profile(
    world: &mut World,
    caller: &Caller,
    input: CreateLoginProfileInput,
) -> Result<LoginProfileOutput, IamError> {
    let account_id = account(caller).to_string();
    let now = world.clock.now_ms();
    if input.user_name.is_none() && caller.principal == Principal::Root {
        let settings = settings_mut(world, &account_id);
        if settings.root_password == Some(true) {
            return Err(IamError::EntityAlreadyExists(
                "Login Profile for the root user already exists.".into(),
            ));
        }
        settings.root_password = Some(true);
        return Ok(LoginProfileOutput {
            login_profile: LoginProfileShape {
                user_name: String::new(),
                create_date: date(now),
                password_reset_required: true,
            },
        });
    }
    let name = user_or_caller(caller, input.user_name.as_deref())?;
    let password = input.password.clone().ok_or_else(|| {
        IamError::Validation(
            "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null".into(),
        )
    })?;
    meets_policy(world, &account_id, &password)?;
    let user = super::user(world, &account_id, &name)?;
    if user.login_profile.is_some() {
        return Err(IamError::EntityAlreadyExists(format!(
            "Login Profile for user {} already exists.",
            user.name
        )));
    }
    let shown = user.name.clone();
    let reset = input.password_reset_required.unwrap_or(false);
    if let Some(user) = world.iam.users.get_mut(&entity_key(&account_id, &name)) {
        user.login_profile = Some(LoginProfile {
            created_ms: now,
            password_reset_required: reset,
            password,
            password_changed_ms: now,
        });
    }
    Ok(LoginProfileOutput {
        login_profile: LoginProfileShape {
            user_name: shown,
            create_date: date(now),
            password_reset_required: reset,
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UserNameOption {
    pub user_name: Option<String>,
}

fn root_profile_missing(account_id: &str) -> IamError {
    IamError::no_such(format!(
        "Login Profile for User {account_id} cannot be found."
    ))
}

pub fn get_login_profile(
    world: &mut World,
    caller: &Caller,
    input: UserNameOption,
) -> Result<LoginProfileOutput, IamError> {
    let account_id = account(caller);
    if input.user_name.is_none() && caller.principal == Principal::Root {
        let has = world
            .iam
            .accounts
            .get(account_id)
            .and_then(|s| s.root_password)
            .unwrap_or_else(|| super::root_has_password_by_default(world, account_id));
        if !has {
            return Err(root_profile_missing(account_id));
        }
        return Ok(LoginProfileOutput {
            login_profile: LoginProfileShape {
                user_name: String::new(),
                create_date: date(super::account_created_ms(world, account_id)),
                password_reset_required: false,
            },
        });
    }
    let name = user_or_caller(caller, input.user_name.as_deref())?;
    let user = super::user(world, account_id, &name)?;
    let profile = user.login_profile.as_ref().ok_or_else(|| {
        IamError::no_such(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        ))
    })?;
    Ok(LoginProfileOutput {
        login_profile: LoginProfileShape {
            user_name: user.name.clone(),
            create_date: date(profile.created_ms),
            password_reset_required: profile.password_reset_required,
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateLoginProfileInput {
    pub user_name: String,
    pub password: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub password_reset_required: Option<bool>,
}

pub fn update_login_profile(
    world: &mut World,
    caller: &Caller,
    input: UpdateLoginProfileInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    if let Some(p) = &input.password {
        meets_policy(world, account_id, p)?;
    }
    let user = super::user(world, account_id, &input.user_name)?;
    if user.login_profile.is_none() {
        return Err(IamError::no_such(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        )));
    }
    let now = world.clock.now_ms();
    if let Some(profile) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, &input.user_name))
        .and_then(|u| u.login_profile.as_mut())
    {
        if let Some(p) = input.password {
            profile.password = p;
            profile.password_changed_ms = now;
        }
        if let Some(r) = input.password_reset_required {
            profile.password_reset_required = r;
        }
    }
    Ok(Nothing {})
}

pub fn delete_login_profile(
    world: &mut World,
    caller: &Caller,
    input: UserNameOption,
) -> Result<Nothing, IamError> {
    let account_id = account(caller).to_string();
    if input.user_name.is_none() && caller.principal == Principal::Root {
        let has = world
            .iam
            .accounts
            .get(&account_id)
            .and_then(|s| s.root_password)
            .unwrap_or_else(|| super::root_has_password_by_default(world, &account_id));
        if !has {
            return Err(root_profile_missing(&account_id));
        }
        settings_mut(world, &account_id).root_password = Some(false);
        return Ok(Nothing {});
    }
    let name = user_or_caller(caller, input.user_name.as_deref())?;
    let user = super::user(world, &account_id, &name)?;
    if user.login_profile.is_none() {
        return Err(IamError::no_such(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        )));
    }
    if let Some(user) = world.iam.users.get_mut(&entity_key(&account_id, &name)) {
        user.login_profile = None;
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ChangePasswordInput {
    pub old_password: String,
    pub new_password: String,
}

/// Only an IAM user changes its own password.
pub fn change_password(
    world: &mut World,
    caller: &Caller,
    input: ChangePasswordInput,
) -> Result<Nothing, IamError> {
    let Principal::User { user_name, .. } = &caller.principal else {
        return Err(IamError::InvalidUserType(
            "Only IAM users can change their own password.".into(),
        ));
    };
    let account_id = account(caller);
    let user = super::user(world, account_id, user_name)?;
    let profile = user.login_profile.as_ref().ok_or_else(|| {
        IamError::no_such(format!(
            "Login Profile for User {} cannot be found.",
            user.name
        ))
    })?;
    if profile.password != input.old_password {
        return Err(IamError::InvalidInput(
            "The old password was incorrect.".into(),
        ));
    }
    meets_policy(world, account_id, &input.new_password)?;
    let now = world.clock.now_ms();
    if let Some(profile) = world
        .iam
        .users
        .get_mut(&entity_key(account_id, user_name))
        .and_then(|u| u.login_profile.as_mut())
    {
        profile.password = input.new_password;
        profile.password_changed_ms = now;
        profile.password_reset_required = false;
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAccountPasswordPolicyInput {
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub minimum_password_length: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub require_symbols: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub require_numbers: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub require_uppercase_characters: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub require_lowercase_characters: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub allow_users_to_change_password: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_password_age: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub password_reuse_prevention: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub hard_expiry: Option<bool>,
}

/// Members left out take AWS's defaults (not the previous values), as AWS documents.
pub fn update_account_password_policy(
    world: &mut World,
    caller: &Caller,
    input: UpdateAccountPasswordPolicyInput,
) -> Result<Nothing, IamError> {
    let minimum = match input.minimum_password_length {
        Some(n) => validate::range(n, "minimumPasswordLength", 6, 128)? as u32,
        None => 6,
    };
    let max_age = match input.max_password_age {
        Some(n) => Some(validate::range(n, "maxPasswordAge", 1, 1095)? as u32),
        None => None,
    };
    let reuse = match input.password_reuse_prevention {
        Some(n) => Some(validate::range(n, "passwordReusePrevention", 1, 24)? as u32),
        None => None,
    };
    let policy = PasswordPolicy {
        minimum_length: minimum,
        require_symbols: input.require_symbols.unwrap_or(false),
        require_numbers: input.require_numbers.unwrap_or(false),
        require_uppercase: input.require_uppercase_characters.unwrap_or(false),
        require_lowercase: input.require_lowercase_characters.unwrap_or(false),
        allow_users_to_change: input.allow_users_to_change_password.unwrap_or(false),
        max_age_days: max_age,
        reuse_prevention: reuse,
        hard_expiry: input.hard_expiry,
    };
    let account_id = account(caller).to_string();
    settings_mut(world, &account_id).password_policy = Some(policy);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PasswordPolicyShape {
    pub minimum_password_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase_characters: bool,
    pub require_lowercase_characters: bool,
    pub allow_users_to_change_password: bool,
    pub expire_passwords: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_password_age: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reuse_prevention: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hard_expiry: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccountPasswordPolicyOutput {
    pub password_policy: PasswordPolicyShape,
}

pub fn get_account_password_policy(
    world: &mut World,
    caller: &Caller,
    _input: super::dto::Empty,
) -> Result<GetAccountPasswordPolicyOutput, IamError> {
    let account_id = account(caller);
    let p = world
        .iam
        .accounts
        .get(account_id)
        .and_then(|s| s.password_policy.clone())
        .ok_or_else(|| {
            IamError::no_such(format!(
                "The Password Policy with domain name {account_id} cannot be found."
            ))
        })?;
    Ok(GetAccountPasswordPolicyOutput {
        password_policy: PasswordPolicyShape {
            minimum_password_length: p.minimum_length,
            require_symbols: p.require_symbols,
            require_numbers: p.require_numbers,
            require_uppercase_characters: p.require_uppercase,
            require_lowercase_characters: p.require_lowercase,
            allow_users_to_change_password: p.allow_users_to_change,
            expire_passwords: p.max_age_days.is_some(),
            max_password_age: p.max_age_days,
            password_reuse_prevention: p.reuse_prevention,
            hard_expiry: p.hard_expiry,
        },
    })
}

pub fn delete_account_password_policy(
    world: &mut World,
    caller: &Caller,
    _input: super::dto::Empty,
) -> Result<Nothing, IamError> {
    let account_id = account(caller).to_string();
    if world
        .iam
        .accounts
        .get(&account_id)
        .and_then(|s| s.password_policy.as_ref())
        .is_none()
    {
        return Err(IamError::no_such(
            "The account policy with name PasswordPolicy cannot be found.",
        ));
    }
    settings_mut(world, &account_id).password_policy = None;
    Ok(Nothing {})
}
