//! The account's name, creation date and state (`GetAccountInformation`,
//! `PutAccountName`), and its primary email (`GetPrimaryEmail`,
//! `StartPrimaryEmailUpdate`, `AcceptPrimaryEmailUpdate`,
//! `GetPrimaryEmailUpdateStatus`). Names and emails are Organizations' records, so a
//! change shows in `DescribeAccount` too.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use super::errors::AccountError;
use super::model::PrimaryEmailUpdate;
use super::target::target_account;
use super::Empty;
use crate::auth::Caller;
use crate::services::organizations::model::AccountState as OrgAccountState;
use crate::world::{iso8601, World};

static ACCOUNT_NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[ -;=?-~]+$").unwrap());
static OTP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[a-zA-Z0-9]{6}$").unwrap());
static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^\s@]+@[^\s@]+\.[^\s@]+$").unwrap());

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountIdInput {
    pub account_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccountInformationOutput {
    pub account_id: String,
    pub account_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_created_date: Option<String>,
    pub account_state: &'static str,
}

pub fn get_account_information(
    world: &mut World,
    caller: &Caller,
    input: AccountIdInput,
) -> Result<GetAccountInformationOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "GetAccountInformation",
        input.account_id.as_deref(),
    )?;
    let record = world.organizations.accounts.get(account.as_str());
    let name = record
        .map(|r| r.name.to_string())
        .or_else(|| {
            world
                .account
                .settings(&account)
                .and_then(|s| s.name.clone())
        })
        .unwrap_or_else(|| format!("account-{account}"));
    let state = world
        .organizations
        .organization_of(&account)
        .and_then(|org| org.members.get(account.as_str()))
        .map(|member| match member.state {
            OrgAccountState::PendingActivation => "PENDING_ACTIVATION",
            OrgAccountState::Active => "ACTIVE",
            OrgAccountState::Suspended | OrgAccountState::PendingClosure => "SUSPENDED",
            OrgAccountState::Closed => "CLOSED",
        })
        .unwrap_or("ACTIVE");
    Ok(GetAccountInformationOutput {
        account_id: account.clone(),
        account_name: name.to_string(),
        account_created_date: record.map(|r| iso8601(r.created_ms)),
        account_state: state,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutAccountNameInput {
    pub account_id: Option<String>,
    pub account_name: String,
}

pub fn put_account_name(
    world: &mut World,
    caller: &Caller,
    input: PutAccountNameInput,
) -> Result<Empty, AccountError> {
    let account = target_account(world, caller, "PutAccountName", input.account_id.as_deref())?;
    let name = input.account_name;
    if name.is_empty() || name.chars().count() > 50 {
        return Err(AccountError::field(
            "AccountName",
            "must be 1 to 50 characters",
        ));
    }
    if !ACCOUNT_NAME.is_match(&name) {
        return Err(AccountError::field(
            "AccountName",
            "does not match the required pattern",
        ));
    }
    match world.organizations.accounts.get_mut(account.as_str()) {
        Some(record) => record.name = name.into(),
        None => world.account.settings_mut(&account).name = Some(name),
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPrimaryEmailInput {
    pub account_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPrimaryEmailOutput {
    pub primary_email: String,
}

pub fn get_primary_email(
    world: &mut World,
    caller: &Caller,
    input: GetPrimaryEmailInput,
) -> Result<GetPrimaryEmailOutput, AccountError> {
    let account = target_account(world, caller, "GetPrimaryEmail", Some(&input.account_id))?;
    let email = world
        .organizations
        .accounts
        .get(account.as_str())
        .map(|r| r.email.clone())
        .unwrap_or_else(|| format!("account-{account}@example.com"));
    Ok(GetPrimaryEmailOutput {
        primary_email: email,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartPrimaryEmailUpdateInput {
    pub account_id: String,
    pub primary_email: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmailUpdateStatusOutput {
    pub status: &'static str,
}

fn check_email(email: &str) -> Result<(), AccountError> {
    let len = email.chars().count();
    if !(5..=64).contains(&len) {
        return Err(AccountError::field(
            "PrimaryEmail",
            "must be 5 to 64 characters",
        ));
    }
    if !EMAIL.is_match(email) {
        return Err(AccountError::field(
            "PrimaryEmail",
            "is not a valid email address",
        ));
    }
    Ok(())
}

/// Starts the change. AWS mails a one-time password to the new address; orgsim sends no
/// mail, and `AcceptPrimaryEmailUpdate` takes any well-formed one.
pub fn start_primary_email_update(
    world: &mut World,
    caller: &Caller,
    input: StartPrimaryEmailUpdateInput,
) -> Result<EmailUpdateStatusOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "StartPrimaryEmailUpdate",
        Some(&input.account_id),
    )?;
    check_email(&input.primary_email)?;
    if world.organizations.email_in_use(&input.primary_email) {
        return Err(AccountError::Conflict(format!(
            "The email address {} is already in use by another AWS account.",
            input.primary_email
        )));
    }
    let started_ms = world.clock.now_ms();
    world.account.settings_mut(&account).primary_email_update = Some(PrimaryEmailUpdate {
        email: input.primary_email,
        started_ms,
        accepted_ms: None,
    });
    Ok(EmailUpdateStatusOutput { status: "PENDING" })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcceptPrimaryEmailUpdateInput {
    pub account_id: String,
    pub primary_email: String,
    pub otp: String,
}

pub fn accept_primary_email_update(
    world: &mut World,
    caller: &Caller,
    input: AcceptPrimaryEmailUpdateInput,
) -> Result<EmailUpdateStatusOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "AcceptPrimaryEmailUpdate",
        Some(&input.account_id),
    )?;
    if !OTP.is_match(&input.otp) {
        return Err(AccountError::field("Otp", "must be 6 letters or digits"));
    }
    let pending = world
        .account
        .settings(&account)
        .and_then(|s| s.primary_email_update.as_ref())
        .filter(|u| u.accepted_ms.is_none() && u.email.eq_ignore_ascii_case(&input.primary_email));
    if pending.is_none() {
        return Err(AccountError::NotFound(format!(
            "No pending primary email update to {} for account {account}.",
            input.primary_email
        )));
    }
    if world.organizations.email_in_use(&input.primary_email) {
        return Err(AccountError::Conflict(format!(
            "The email address {} is already in use by another AWS account.",
            input.primary_email
        )));
    }
    let now = world.clock.now_ms();
    let orgs = &mut world.organizations;
    if let Some(record) = orgs.accounts.get_mut(account.as_str()) {
        let old = std::mem::replace(&mut record.email, input.primary_email.clone());
        orgs.emails.remove(&old.to_ascii_lowercase());
        orgs.emails.insert(
            input.primary_email.to_ascii_lowercase(),
            account.as_str().into(),
        );
    }
    if let Some(update) = world
        .account
        .settings_mut(&account)
        .primary_email_update
        .as_mut()
    {
        update.accepted_ms = Some(now);
    }
    Ok(EmailUpdateStatusOutput { status: "ACCEPTED" })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPrimaryEmailUpdateStatusOutput {
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<f64>,
}

pub fn get_primary_email_update_status(
    world: &mut World,
    caller: &Caller,
    input: AccountIdInput,
) -> Result<GetPrimaryEmailUpdateStatusOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "GetPrimaryEmailUpdateStatus",
        input.account_id.as_deref(),
    )?;
    let update = world
        .account
        .settings(&account)
        .and_then(|s| s.primary_email_update.as_ref())
        .ok_or_else(|| {
            AccountError::NotFound(format!("No primary email update for account {account}."))
        })?;
    let (status, at) = match update.accepted_ms {
        Some(at) => ("ACCEPTED", at),
        None => ("PENDING", update.started_ms),
    };
    Ok(GetPrimaryEmailUpdateStatusOutput {
        status,
        updated_at: Some(crate::world::epoch_seconds(at)),
    })
}
