//! The Account API's state: per account, the opt-in Regions it enabled or disabled,
//! its alternate contacts, its contact information and a pending primary-email change.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::regions::AwsRegion;

/// World time an `EnableRegion` stays `ENABLING` (and a `DisableRegion` `DISABLING`).
/// AWS takes minutes to hours; orgsim takes one minute of world time.
pub const REGION_OPT_DELAY_MS: i64 = 60_000;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountApiState {
    /// By account id.
    pub accounts: OrdMap<String, AccountSettings>,
}

/// What one account has set through the Account API.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AccountSettings {
    /// Opt-in Regions enabled or disabled, by Region name.
    #[serde(default)]
    pub regions: BTreeMap<String, RegionChange>,
    /// By `BILLING` / `OPERATIONS` / `SECURITY`.
    #[serde(default)]
    pub alternate_contacts: BTreeMap<String, AlternateContact>,
    #[serde(default)]
    pub contact_information: Option<ContactInformation>,
    /// The account name set by `PutAccountName` for an account Organizations does not
    /// know (Organizations' record is updated when there is one).
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub primary_email_update: Option<PrimaryEmailUpdate>,
}

/// The last `EnableRegion` (`enable`) or `DisableRegion` of a Region, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionChange {
    pub enable: bool,
    pub at_ms: i64,
}

/// `RegionOptStatus`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RegionOptStatus {
    Enabled,
    Enabling,
    Disabling,
    Disabled,
    EnabledByDefault,
}

impl RegionOptStatus {
    /// Whether the account can use the Region now (a Region being disabled still
    /// answers until it is disabled).
    pub fn usable(self) -> bool {
        matches!(
            self,
            RegionOptStatus::Enabled
                | RegionOptStatus::EnabledByDefault
                | RegionOptStatus::Disabling
        )
    }
}

impl AccountApiState {
    /// A Region's status for an account at `now_ms`.
    pub fn region_status(
        &self,
        account_id: &str,
        region: &AwsRegion,
        now_ms: i64,
    ) -> RegionOptStatus {
        if !region.opt_in {
            return RegionOptStatus::EnabledByDefault;
        }
        let change = self
            .accounts
            .get(account_id)
            .and_then(|a| a.regions.get(region.name));
        match change {
            None => RegionOptStatus::Disabled,
            Some(c) => {
                let done = now_ms >= c.at_ms + REGION_OPT_DELAY_MS;
                match (c.enable, done) {
                    (true, true) => RegionOptStatus::Enabled,
                    (true, false) => RegionOptStatus::Enabling,
                    (false, true) => RegionOptStatus::Disabled,
                    (false, false) => RegionOptStatus::Disabling,
                }
            }
        }
    }

    pub fn settings(&self, account_id: &str) -> Option<&AccountSettings> {
        self.accounts.get(account_id)
    }

    pub fn settings_mut(&mut self, account_id: &str) -> &mut AccountSettings {
        self.accounts.entry(account_id.to_string()).or_default()
    }
}

/// One alternate contact, in wire member names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlternateContact {
    pub alternate_contact_type: String,
    pub email_address: String,
    pub name: String,
    pub phone_number: String,
    pub title: String,
}

/// The account's contact information, in wire member names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContactInformation {
    pub full_name: String,
    pub address_line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line3: Option<String>,
    pub city: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_or_region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_or_county: Option<String>,
    pub postal_code: String,
    pub country_code: String,
    pub phone_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub website_url: Option<String>,
}

/// A primary-email change that `StartPrimaryEmailUpdate` began.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrimaryEmailUpdate {
    pub email: String,
    pub started_ms: i64,
    /// `AcceptPrimaryEmailUpdate` completed it.
    pub accepted_ms: Option<i64>,
}
