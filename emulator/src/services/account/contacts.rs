//! Alternate contacts (`BILLING`, `OPERATIONS`, `SECURITY`) and the account's contact
//! information, validated against the model's lengths and patterns.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

use super::errors::AccountError;
use super::model::{AlternateContact, ContactInformation};
use super::target::target_account;
use super::Empty;
use crate::auth::Caller;
use crate::world::World;

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\s]*[\w+=.#|!&-]+@[\w.-]+\.[\w]+[\s]*$").unwrap());
static PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\s0-9()+-]+$").unwrap());
static CONTACT_PHONE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[+][\s0-9()-]+$").unwrap());

/// `BILLING` | `OPERATIONS` | `SECURITY`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AlternateContactType {
    Billing,
    Operations,
    Security,
}

impl AlternateContactType {
    fn as_str(self) -> &'static str {
        match self {
            AlternateContactType::Billing => "BILLING",
            AlternateContactType::Operations => "OPERATIONS",
            AlternateContactType::Security => "SECURITY",
        }
    }
}

fn check_length(member: &str, value: &str, max: usize) -> Result<(), AccountError> {
    let len = value.chars().count();
    if len == 0 || len > max {
        return Err(AccountError::field(
            member,
            &format!("must be 1 to {max} characters"),
        ));
    }
    Ok(())
}

fn check_pattern(member: &str, value: &str, pattern: &Regex) -> Result<(), AccountError> {
    if pattern.is_match(value) {
        Ok(())
    } else {
        Err(AccountError::field(
            member,
            "does not match the required pattern",
        ))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactTypeInput {
    pub account_id: Option<String>,
    pub alternate_contact_type: AlternateContactType,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAlternateContactOutput {
    pub alternate_contact: AlternateContact,
}

fn no_contact() -> AccountError {
    AccountError::NotFound("No contact of the inputted alternate contact type found.".into())
}

pub fn get_alternate_contact(
    world: &mut World,
    caller: &Caller,
    input: ContactTypeInput,
) -> Result<GetAlternateContactOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "GetAlternateContact",
        input.account_id.as_deref(),
    )?;
    let contact = world
        .account
        .settings(&account)
        .and_then(|s| {
            s.alternate_contacts
                .get(input.alternate_contact_type.as_str())
        })
        .cloned()
        .ok_or_else(no_contact)?;
    Ok(GetAlternateContactOutput {
        alternate_contact: contact,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutAlternateContactInput {
    pub account_id: Option<String>,
    pub alternate_contact_type: AlternateContactType,
    pub email_address: String,
    pub name: String,
    pub phone_number: String,
    pub title: String,
}

pub fn put_alternate_contact(
    world: &mut World,
    caller: &Caller,
    input: PutAlternateContactInput,
) -> Result<Empty, AccountError> {
    let account = target_account(
        world,
        caller,
        "PutAlternateContact",
        input.account_id.as_deref(),
    )?;
    check_length("Name", &input.name, 64)?;
    check_length("Title", &input.title, 50)?;
    check_length("EmailAddress", &input.email_address, 254)?;
    check_pattern("EmailAddress", &input.email_address, &EMAIL)?;
    check_length("PhoneNumber", &input.phone_number, 25)?;
    check_pattern("PhoneNumber", &input.phone_number, &PHONE)?;
    let kind = input.alternate_contact_type.as_str();
    let contact = AlternateContact {
        alternate_contact_type: kind.to_string(),
        email_address: input.email_address,
        name: input.name,
        phone_number: input.phone_number,
        title: input.title,
    };
    world
        .account
        .settings_mut(&account)
        .alternate_contacts
        .insert(kind.to_string(), contact);
    Ok(Empty {})
}

pub fn delete_alternate_contact(
    world: &mut World,
    caller: &Caller,
    input: ContactTypeInput,
) -> Result<Empty, AccountError> {
    let account = target_account(
        world,
        caller,
        "DeleteAlternateContact",
        input.account_id.as_deref(),
    )?;
    let kind = input.alternate_contact_type.as_str();
    let exists = world
        .account
        .settings(&account)
        .is_some_and(|s| s.alternate_contacts.contains_key(kind));
    if !exists {
        return Err(no_contact());
    }
    world
        .account
        .settings_mut(&account)
        .alternate_contacts
        .remove(kind);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountIdInput {
    pub account_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetContactInformationOutput {
    pub contact_information: ContactInformation,
}

pub fn get_contact_information(
    world: &mut World,
    caller: &Caller,
    input: AccountIdInput,
) -> Result<GetContactInformationOutput, AccountError> {
    let account = target_account(
        world,
        caller,
        "GetContactInformation",
        input.account_id.as_deref(),
    )?;
    // orgsim never saw the account sign up, so it has no contact information until
    // `PutContactInformation` sets it.
    let info = world
        .account
        .settings(&account)
        .and_then(|s| s.contact_information.clone())
        .ok_or_else(|| {
            AccountError::NotFound("No contact information found for this account.".into())
        })?;
    Ok(GetContactInformationOutput {
        contact_information: info,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutContactInformationInput {
    pub account_id: Option<String>,
    pub contact_information: ContactInformation,
}

fn check_contact_information(info: &ContactInformation) -> Result<(), AccountError> {
    let prefix = |m: &str| format!("ContactInformation.{m}");
    check_length(&prefix("FullName"), &info.full_name, 50)?;
    check_length(&prefix("AddressLine1"), &info.address_line1, 60)?;
    for (member, value) in [
        ("AddressLine2", &info.address_line2),
        ("AddressLine3", &info.address_line3),
    ] {
        if let Some(v) = value {
            check_length(&prefix(member), v, 60)?;
        }
    }
    check_length(&prefix("City"), &info.city, 50)?;
    for (member, value, max) in [
        ("StateOrRegion", &info.state_or_region, 50),
        ("DistrictOrCounty", &info.district_or_county, 50),
        ("CompanyName", &info.company_name, 50),
        ("WebsiteUrl", &info.website_url, 256),
    ] {
        if let Some(v) = value {
            check_length(&prefix(member), v, max)?;
        }
    }
    check_length(&prefix("PostalCode"), &info.postal_code, 20)?;
    if info.country_code.chars().count() != 2 {
        return Err(AccountError::field(
            &prefix("CountryCode"),
            "must be 2 characters",
        ));
    }
    check_length(&prefix("PhoneNumber"), &info.phone_number, 20)?;
    check_pattern(&prefix("PhoneNumber"), &info.phone_number, &CONTACT_PHONE)
}

pub fn put_contact_information(
    world: &mut World,
    caller: &Caller,
    input: PutContactInformationInput,
) -> Result<Empty, AccountError> {
    let account = target_account(
        world,
        caller,
        "PutContactInformation",
        input.account_id.as_deref(),
    )?;
    check_contact_information(&input.contact_information)?;
    world.account.settings_mut(&account).contact_information = Some(input.contact_information);
    Ok(Empty {})
}
