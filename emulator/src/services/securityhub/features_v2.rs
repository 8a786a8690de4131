//! Security Hub's opt-in features (Enable/DisableSecurityHubFeatureV2) and free trials
//! (ListFreeTrialStatusesV2). A trial starts when its feature is first turned on in
//! the account and Region: Security Hub itself (`EnableSecurityHubV2`) and Azure
//! coverage (the first Azure connector); it runs 30 days, AWS's trial length for
//! Security Hub, and its status stays listed after the feature is turned off.

use serde::Deserialize;
use serde_json::{json, Value};

use super::admin::administered_org;
use super::errors::ShError;
use super::{page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

const FEATURES: &[&str] = &["NETWORK_SCANNING"];
const TRIAL_MS: i64 = 30 * 24 * 3600 * 1000;

/// Starts `trial` for the caller's account and Region unless it already started.
pub fn start_trial(world: &mut World, caller: &Caller, trial: &str, now: i64) {
    world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .free_trials
        .entry(trial.to_string())
        .or_insert(now);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeatureNameInput {
    pub feature_name: String,
}

fn check_feature(world: &World, caller: &Caller, name: &str) -> Result<(), ShError> {
    if !FEATURES.contains(&name) {
        return Err(ShError::Validation(format!(
            "You specified an invalid value '{name}' for FeatureName. Member must satisfy enum value set: [{}]",
            FEATURES.join(", ")
        )));
    }
    let enabled = world
        .securityhub
        .account(&caller.region, &caller.account_id)
        .is_some_and(|a| a.hub_v2.is_some());
    if !enabled {
        return Err(ShError::not_found(format!(
            "Security Hub is not enabled for account {} in {}",
            caller.account_id, caller.region
        )));
    }
    Ok(())
}

fn set_feature(world: &mut World, caller: &Caller, name: String, on: bool) {
    let hub = world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .hub_v2
        .as_mut()
        .expect("V2 hub checked");
    if on {
        hub.features.insert(name);
    } else {
        hub.features.remove(&name);
    }
}

/// Idempotent: a feature already on stays on.
pub fn enable_security_hub_feature_v2(
    world: &mut World,
    caller: &Caller,
    input: FeatureNameInput,
) -> Result<Empty, ShError> {
    check_feature(world, caller, &input.feature_name)?;
    set_feature(world, caller, input.feature_name, true);
    Ok(Empty {})
}

/// Idempotent: a feature already off stays off.
pub fn disable_security_hub_feature_v2(
    world: &mut World,
    caller: &Caller,
    input: FeatureNameInput,
) -> Result<Empty, ShError> {
    check_feature(world, caller, &input.feature_name)?;
    set_feature(world, caller, input.feature_name, false);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListFreeTrialStatusesV2Input {
    pub account_ids: Option<Vec<String>>,
    pub statuses: Option<Vec<String>>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_free_trial_statuses_v2(
    world: &mut World,
    caller: &Caller,
    input: ListFreeTrialStatusesV2Input,
) -> Result<Value, ShError> {
    let statuses = input.statuses.unwrap_or_default();
    if statuses.len() > 10 {
        return Err(ShError::Validation(
            "Statuses must have 1 to 10 items".to_string(),
        ));
    }
    if let Some(bad) = statuses
        .iter()
        .find(|s| !["ACTIVE", "INACTIVE"].contains(&s.as_str()))
    {
        return Err(ShError::Validation(format!(
            "You specified an invalid value '{bad}' for Statuses. Member must satisfy enum value set: [ACTIVE, INACTIVE]"
        )));
    }
    let mut accounts = input
        .account_ids
        .unwrap_or_else(|| vec![caller.account_id.clone()]);
    if accounts.is_empty() || accounts.len() > 50 {
        return Err(ShError::Validation(
            "AccountIds must have 1 to 50 items".to_string(),
        ));
    }
    if let Some(bad) = accounts
        .iter()
        .find(|a| a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(ShError::Validation(format!(
            "AccountIds contains an invalid account id {bad}"
        )));
    }
    accounts.sort();
    accounts.dedup();
    // Only the delegated administrator may ask about other accounts, of its organization.
    let admin_org = administered_org(world, &caller.region, &caller.account_id);
    for account in accounts.iter().filter(|a| **a != caller.account_id) {
        let member_org = world
            .organizations
            .organization_of(account)
            .map(|o| o.id.clone());
        if admin_org.is_none() || member_org != admin_org {
            return Err(ShError::AccessDenied(format!(
                "Account {} is not authorized to list the free trial status of account {account}",
                caller.account_id
            )));
        }
    }
    let listing = format!("ListFreeTrialStatusesV2 {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let now = world.clock.now_ms();
    let items = accounts
        .iter()
        .filter(|a| after.as_ref().is_none_or(|after| *a > after));
    let (items, next) = take_page(items, max, |a| (*a).clone());
    let statuses_of = |account: &str| -> Vec<Value> {
        world
            .securityhub
            .account(&caller.region, account)
            .map(|a| &a.free_trials)
            .into_iter()
            .flatten()
            .map(|(trial, started)| {
                let status = if now < started + TRIAL_MS {
                    "ACTIVE"
                } else {
                    "INACTIVE"
                };
                json!({
                    "FeatureType": trial,
                    "Status": status,
                    "StartedAt": iso8601(*started),
                    "ExpiresAt": iso8601(started + TRIAL_MS),
                })
            })
            .filter(|t| statuses.is_empty() || statuses.iter().any(|s| t["Status"] == *s))
            .collect()
    };
    let mut out = json!({
        "AccountFreeTrialStatuses": items
            .iter()
            .map(|a| json!({
                "AccountId": a,
                "EvaluatedAt": iso8601(now),
                "FreeTrialStatuses": statuses_of(a),
            }))
            .collect::<Vec<_>>(),
    });
    if let Some(key) = next {
        out["NextToken"] = json!(encode_token(&listing, &key));
    }
    Ok(out)
}
