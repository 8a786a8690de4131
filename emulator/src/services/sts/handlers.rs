//! GetCallerIdentity, AssumeRole, GetSessionToken, GetAccessKeyInfo.
//!
//! awsQuery carries every input member as text, so numbers are parsed here with the
//! model's constraints.

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

use super::errors::StsError;
use super::IssuedCredentials;
use crate::auth::{Caller, Principal};
use crate::services::organizations::accounts::DEFAULT_ACCESS_ROLE;
use crate::world::{iso8601, World};

static ROLE_ARN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^arn:aws:iam::(\d{12}):role/((?:[\x21-\x7E]+/)*)([\w+=,.@-]{1,64})$")
        .expect("valid")
});
static SESSION_NAME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w+=,.@-]*$").expect("valid"));
static SOURCE_IDENTITY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w+=,.@-]*$").expect("valid"));
static EXTERNAL_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w+=,.@:/-]*$").expect("valid"));
static ACCESS_KEY_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\w{16,128}$").expect("valid"));

#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetCallerIdentityOutput {
    pub user_id: String,
    pub account: String,
    pub arn: String,
}

/// Never denied: any valid credentials may ask who they are.
pub fn get_caller_identity(
    _world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<GetCallerIdentityOutput, StsError> {
    Ok(GetCallerIdentityOutput {
        user_id: caller.user_id(),
        account: caller.account_id.clone(),
        arn: caller.arn(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleInput {
    pub role_arn: String,
    pub role_session_name: String,
    pub duration_seconds: Option<String>,
    pub external_id: Option<String>,
    pub policy: Option<String>,
    pub source_identity: Option<String>,
    pub tags: Option<Vec<Value>>,
    pub policy_arns: Option<Vec<Value>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Credentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumedRoleUser {
    pub assumed_role_id: String,
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssumeRoleOutput {
    pub credentials: Credentials,
    pub assumed_role_user: AssumedRoleUser,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub packed_policy_size: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// A role orgsim is asked to assume, as the trust decision needs it.
struct TargetRole {
    account_id: String,
    name: String,
    role_id: String,
    max_session_duration: i64,
}

pub fn assume_role(
    world: &mut World,
    caller: &Caller,
    input: AssumeRoleInput,
) -> Result<AssumeRoleOutput, StsError> {
    let (role_account, role_name) = parse_role_arn(&input.role_arn)?;
    check_text(
        &input.role_session_name,
        "roleSessionName",
        2,
        64,
        &SESSION_NAME,
        r"[\w+=,.@-]*",
    )?;
    if let Some(id) = &input.external_id {
        check_text(id, "externalId", 2, 1224, &EXTERNAL_ID, r"[\w+=,.@:\/-]*")?;
    }
    if let Some(id) = &input.source_identity {
        check_text(
            id,
            "sourceIdentity",
            2,
            256,
            &SOURCE_IDENTITY,
            r"[\w+=,.@-]*",
        )?;
    }
    let duration = parse_duration(input.duration_seconds.as_deref(), 900, 43200, 3600)?;
    let packed_policy_size = check_session_policy(input.policy.as_deref())?;
    if input.tags.as_ref().is_some_and(|t| t.len() > 50) {
        return Err(StsError::constraint(
            "[…]",
            "tags",
            "Member must have length less than or equal to 50",
        ));
    }
    if input.policy_arns.as_ref().is_some_and(|p| p.len() > 10) {
        return Err(StsError::constraint(
            "[…]",
            "policyArns",
            "Member must have length less than or equal to 10",
        ));
    }

    let role = trusted_role(world, caller, &role_account, &role_name).ok_or_else(|| {
        StsError::AccessDenied(format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {}",
            caller.arn(),
            input.role_arn
        ))
    })?;
    // orgsim's convention for acting as an IAM Identity Center user (ssoadmin::sessions):
    // a reserved SSO role's session must be named after a user assigned there.
    if let Some(Err(why)) = crate::services::ssoadmin::sessions::check_user_session(
        world,
        &role.account_id,
        &role.name,
        &input.role_session_name,
    ) {
        return Err(StsError::AccessDenied(format!(
            "User: {} is not authorized to perform: sts:AssumeRole on resource: {} ({why})",
            caller.arn(),
            input.role_arn
        )));
    }
    let chained = matches!(caller.principal, Principal::AssumedRole { .. });
    if chained && duration > 3600 {
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.".into(),
        ));
    }
    if duration > role.max_session_duration {
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .into(),
        ));
    }

    let principal = Principal::AssumedRole {
        role_name: role.name.to_string(),
        role_id: role.role_id.clone(),
        session_name: input.role_session_name.clone(),
    };
    let issued = issue(world, &role.account_id, principal, duration);
    // What later calls of the session show to policies as aws:SourceIdentity and
    // aws:PrincipalTag/*; a chained session keeps the source identity it came with.
    let source_identity = input.source_identity.clone().or_else(|| {
        world
            .sts
            .credentials
            .get(&caller.access_key_id)
            .and_then(|c| c.source_identity.clone())
    });
    let session_tags = session_tags(input.tags.as_deref());
    let session_policy = input
        .policy
        .as_deref()
        .and_then(|p| crate::services::iam::documents::IdentityDocument::parse(p).ok());
    let policy_arns = policy_arns(input.policy_arns.as_deref());
    if let Some(session) = world.sts.credentials.get_mut(&issued.access_key_id) {
        session.source_identity = source_identity;
        session.session_tags = session_tags;
        session.session_policy = session_policy;
        session.session_policy_arns = policy_arns;
    }
    let now = world.clock.now_ms();
    if let Some(r) = world
        .iam
        .roles
        .get_mut(&crate::services::iam::model::entity_key(
            &role.account_id,
            &role.name,
        ))
    {
        std::sync::Arc::make_mut(r).last_used =
            Some(Box::new(crate::services::iam::model::RoleLastUsed {
                at_ms: now,
                region: caller.region.clone(),
            }));
    }
    Ok(AssumeRoleOutput {
        assumed_role_user: AssumedRoleUser {
            assumed_role_id: format!("{}:{}", role.role_id, input.role_session_name),
            arn: format!(
                "arn:aws:sts::{}:assumed-role/{}/{}",
                role.account_id, role.name, input.role_session_name
            ),
        },
        credentials: issued,
        packed_policy_size,
        source_identity: input.source_identity,
    })
}

/// The role `caller` is assuming (DESIGN §3.2). Whether its trust policy lets the
/// caller in is authorization's to decide (the role's trust policy is the resource
/// policy of `sts:AssumeRole`); here the role must exist:
/// - a role orgsim holds (e.g. `OrganizationAccountAccessRole` of a created account);
/// - under `--lenient-roles`, any other name but `OrganizationAccountAccessRole` is
///   invented, trusting its own account and the accounts of the same organization.
fn trusted_role(
    world: &World,
    caller: &Caller,
    account_id: &str,
    name: &str,
) -> Option<TargetRole> {
    if let Some(role) = world.iam.role(account_id, name) {
        return Some(TargetRole {
            account_id: account_id.to_string(),
            name: role.name.to_string(),
            role_id: role.id.to_string(),
            max_session_duration: i64::from(role.max_session_duration),
        });
    }
    if name == DEFAULT_ACCESS_ROLE || !world.settings.lenient_roles {
        return None;
    }
    (account_id == caller.account_id).then(|| TargetRole {
        account_id: account_id.to_string(),
        name: name.to_string(),
        role_id: implicit_role_id(account_id, name),
        max_session_duration: 3600,
    })
}

/// `(account, role name)` of a role ARN, if it is one.
pub fn role_arn_parts(arn: &str) -> Option<(String, String)> {
    let captures = ROLE_ARN.captures(arn)?;
    Some((captures[1].to_string(), captures[3].to_string()))
}

/// `PolicyArns.member.N.arn` as ARNs.
pub fn policy_arns(arns: Option<&[Value]>) -> Vec<String> {
    arns.unwrap_or_default()
        .iter()
        .filter_map(|p| p["arn"].as_str().map(str::to_string))
        .collect()
}

/// `Tags.member.N` of `AssumeRole` as (key, value) pairs.
fn session_tags(tags: Option<&[Value]>) -> Vec<(String, String)> {
    tags.unwrap_or_default()
        .iter()
        .filter_map(|t| {
            Some((
                t["Key"].as_str()?.to_string(),
                t["Value"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// A stable `AROA…` id for a role orgsim does not hold, derived from its name.
fn implicit_role_id(account_id: &str, name: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let digest = Sha256::digest(format!("{account_id}/{name}").as_bytes());
    let suffix: String = digest
        .iter()
        .take(17)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    format!("AROA{suffix}")
}

fn parse_role_arn(arn: &str) -> Result<(String, String), StsError> {
    if arn.len() < 20 {
        return Err(StsError::constraint(
            arn,
            "roleArn",
            "Member must have length greater than or equal to 20",
        ));
    }
    if arn.len() > 2048 {
        return Err(StsError::constraint(
            arn,
            "roleArn",
            "Member must have length less than or equal to 2048",
        ));
    }
    let captures = ROLE_ARN
        .captures(arn)
        .ok_or_else(|| StsError::Validation(format!("{arn} is invalid")))?;
    Ok((captures[1].to_string(), captures[3].to_string()))
}

pub fn check_text(
    value: &str,
    member: &str,
    min: usize,
    max: usize,
    re: &Regex,
    shown: &str,
) -> Result<(), StsError> {
    let n = value.chars().count();
    if n < min {
        return Err(StsError::constraint(
            value,
            member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        return Err(StsError::constraint(
            value,
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    if !re.is_match(value) {
        return Err(StsError::constraint(
            value,
            member,
            &format!("Member must satisfy regular expression pattern: {shown}"),
        ));
    }
    Ok(())
}

pub fn parse_duration(
    value: Option<&str>,
    min: i64,
    max: i64,
    default: i64,
) -> Result<i64, StsError> {
    let Some(text) = value else {
        return Ok(default);
    };
    let seconds: i64 = text.trim().parse().map_err(|_| {
        StsError::Validation(format!(
            "Invalid value '{text}' for DurationSeconds: not an integer"
        ))
    })?;
    if seconds < min {
        return Err(StsError::constraint(
            text,
            "durationSeconds",
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if seconds > max {
        return Err(StsError::constraint(
            text,
            "durationSeconds",
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(seconds)
}

/// Session policies: at most 2,048 characters of JSON. Returns `PackedPolicySize`
/// (percent of the packed limit used) when a policy is given.
pub fn check_session_policy(policy: Option<&str>) -> Result<Option<u32>, StsError> {
    let Some(policy) = policy else {
        return Ok(None);
    };
    if policy.is_empty() || policy.chars().count() > 2048 {
        return Err(StsError::constraint(
            "…",
            "policy",
            "Member must have length less than or equal to 2048",
        ));
    }
    match serde_json::from_str::<Value>(policy) {
        Ok(Value::Object(_)) => {}
        _ => {
            return Err(StsError::MalformedPolicyDocument(
                "The policy is not in the valid JSON format.".into(),
            ))
        }
    }
    let compact: usize = policy.chars().filter(|c| !c.is_whitespace()).count();
    Ok(Some(((compact * 100) / 2048).max(1) as u32))
}

/// Mints `ASIA…` credentials for `principal` in `account_id`, valid `seconds`.
pub fn issue(
    world: &mut World,
    account_id: &str,
    principal: Principal,
    seconds: i64,
) -> Credentials {
    let access_key_id = loop {
        let drawn = world.ids.base32(16);
        let candidate = format!("ASIA{}", with_epoch(&drawn, world.sts.key_epoch));
        if !world.sts.credentials.contains_key(&candidate) {
            break candidate;
        }
    };
    let secret_access_key = world.ids.base64(40);
    let session_token = format!("IQoJb3JpZ2luX2VjE{}", world.ids.base64(340));
    let expiration_ms = world.clock.now_ms() + seconds * 1000;
    world.sts.credentials.insert(
        access_key_id.clone(),
        IssuedCredentials {
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.clone(),
            session_token: session_token.clone(),
            account_id: account_id.to_string(),
            principal,
            expiration_ms,
            source_identity: None,
            session_tags: Vec::new(),
            session_policy: None,
            session_policy_arns: Vec::new(),
            task_policy_arn: None,
            source_user: None,
            scoped_policies: Vec::new(),
        },
    );
    Credentials {
        access_key_id,
        secret_access_key,
        session_token,
        expiration: iso8601(expiration_ms),
    }
}

/// Adds the credential epoch, five bits per character, to the first 13 characters of
/// a drawn base32 key: epoch 0 leaves the key as drawn, and two different epochs never
/// turn the same draw into the same key.
fn with_epoch(drawn: &str, epoch: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    drawn
        .bytes()
        .enumerate()
        .map(|(i, c)| {
            let digit = ALPHABET.iter().position(|a| *a == c).unwrap_or(0) as u64;
            let shift = (5 * i) as u32;
            let add = epoch.checked_shr(shift).unwrap_or(0) & 31;
            ALPHABET[((digit + add) % 32) as usize] as char
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSessionTokenInput {
    pub duration_seconds: Option<String>,
    pub serial_number: Option<String>,
    pub token_code: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSessionTokenOutput {
    pub credentials: Credentials,
}

/// Session credentials for the caller itself; root may ask for at most an hour.
pub fn get_session_token(
    world: &mut World,
    caller: &Caller,
    input: GetSessionTokenInput,
) -> Result<GetSessionTokenOutput, StsError> {
    if caller.temporary {
        return Err(StsError::AccessDenied(
            "Cannot call GetSessionToken with session credentials".into(),
        ));
    }
    let (max, default) = if caller.is_root() {
        (3600, 3600)
    } else {
        (129_600, 43_200)
    };
    let duration = parse_duration(input.duration_seconds.as_deref(), 900, 129_600, default)?;
    if duration > max {
        return Err(StsError::Validation(format!(
            "The requested DurationSeconds exceeds the {max} second limit for root credentials."
        )));
    }
    if let Some(code) = &input.token_code {
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(StsError::constraint(
                code,
                "tokenCode",
                "Member must satisfy regular expression pattern: [\\d]*",
            ));
        }
    }
    let credentials = issue(
        world,
        &caller.account_id.clone(),
        caller.principal.clone(),
        duration,
    );
    Ok(GetSessionTokenOutput { credentials })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyInfoInput {
    pub access_key_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccessKeyInfoOutput {
    pub account: String,
}

/// The account an access key belongs to, by the same rules that identify callers.
pub fn get_access_key_info(
    world: &mut World,
    _caller: &Caller,
    input: GetAccessKeyInfoInput,
) -> Result<GetAccessKeyInfoOutput, StsError> {
    let key = &input.access_key_id;
    if !ACCESS_KEY_ID.is_match(key) {
        return Err(StsError::constraint(
            key,
            "accessKeyId",
            "Member must have length greater than or equal to 16 and satisfy regular expression pattern: [\\w]*",
        ));
    }
    let account = match world.sts.credentials.get(key) {
        Some(issued) => issued.account_id.clone(),
        None => world.settings.default_account.clone(),
    };
    Ok(GetAccessKeyInfoOutput { account })
}

#[cfg(test)]
#[path = "handlers_tests.rs"]
mod tests;
