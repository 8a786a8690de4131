//! Security Hub on and off in one account and region: EnableSecurityHub,
//! DisableSecurityHub, DescribeHub, UpdateSecurityHubConfiguration.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::controls_catalog::STANDARDS;
use super::errors::ShError;
use super::model::{Hub, OrgConfig, Subscription};
use super::organizations_link::SecurityHub;
use super::products::default_product_subscriptions;
use super::{own_hub, Empty};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::world::{iso8601, World};

const GENERATORS: [&str; 2] = ["SECURITY_CONTROL", "STANDARD_CONTROL"];

/// A new hub; with `default_standards`, the standards AWS enables by default.
fn new_hub(
    world: &World,
    account: &str,
    region: &str,
    default_standards: bool,
    generator: &str,
) -> Hub {
    let now = world.clock.now_ms();
    let standards = STANDARDS
        .iter()
        .filter(|s| default_standards && s.enabled_by_default)
        .map(|s| {
            (
                s.arn(region),
                Subscription {
                    standards_arn: s.arn(region),
                    subscription_arn: s.subscription_arn(region, account),
                    input: BTreeMap::new(),
                    requested_at: world.request_count,
                    enabled_ms: now,
                    disabled_controls: BTreeMap::new(),
                },
            )
        })
        .collect();
    Hub {
        account_id: account.to_string(),
        region: region.to_string(),
        subscribed_ms: now,
        auto_enable_controls: true,
        control_finding_generator: generator.to_string(),
        tags: BTreeMap::new(),
        standards,
        members: Default::default(),
        org_config: OrgConfig::default(),
        findings: Default::default(),
        insights: Default::default(),
        products: default_product_subscriptions(region, now),
        aggregator: None,
        automation_rules: Default::default(),
        action_targets: Default::default(),
        policies: Default::default(),
        associations: Default::default(),
        control_parameters: Default::default(),
        cspm_connectors: Default::default(),
    }
}

/// Turns Security Hub on in `account` unless it is on (organization auto-enable and
/// `CreateMembers`); never fails.
pub fn ensure_hub(world: &mut World, account: &str, region: &str, default_standards: bool) {
    if world.securityhub.hub(region, account).is_some() {
        return;
    }
    let hub = new_hub(
        world,
        account,
        region,
        default_standards,
        "SECURITY_CONTROL",
    );
    world.securityhub.account_mut(region, account).hub = Some(hub);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableSecurityHubInput {
    pub tags: Option<BTreeMap<String, String>>,
    pub enable_default_standards: Option<bool>,
    pub control_finding_generator: Option<String>,
}

pub fn enable_security_hub(
    world: &mut World,
    caller: &Caller,
    input: EnableSecurityHubInput,
) -> Result<Empty, ShError> {
    let generator = input
        .control_finding_generator
        .unwrap_or_else(|| "SECURITY_CONTROL".to_string());
    if !GENERATORS.contains(&generator.as_str()) {
        return Err(ShError::invalid(format!(
            "Invalid ControlFindingGenerator: {generator}"
        )));
    }
    let tags = input.tags.unwrap_or_default();
    if tags.len() > 50 || tags.keys().any(|k| k.is_empty() || k.starts_with("aws:")) {
        return Err(ShError::invalid("Invalid Tags"));
    }
    if world
        .securityhub
        .hub(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(ShError::Conflict(
            "Account is already subscribed to Security Hub".to_string(),
        ));
    }
    let mut hub = new_hub(
        world,
        &caller.account_id,
        &caller.region,
        input.enable_default_standards.unwrap_or(true),
        &generator,
    );
    hub.tags = tags;
    world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .hub = Some(hub);
    // AWS creates Security Hub's service-linked role when the hub is enabled.
    crate::services::iam::service_linked::ensure(
        world,
        &caller.account_id,
        "securityhub.amazonaws.com",
    );
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct DisableSecurityHubInput {}

pub fn disable_security_hub(
    world: &mut World,
    caller: &Caller,
    _input: DisableSecurityHubInput,
) -> Result<Empty, ShError> {
    let hub = own_hub(world, caller)?;
    let region = caller.region.clone();
    if org_integration::administers_in::<SecurityHub>(world, &region, &caller.account_id) {
        return Err(ShError::invalid(
            "You can't disable Security Hub in an account that is currently the Security Hub administrator account. Remove the administrator account first.",
        ));
    }
    if let Some(admin) = world
        .securityhub
        .administrator_of(&region, &caller.account_id)
    {
        return Err(ShError::invalid(format!(
            "Account {} is a member of administrator account {admin}. Disassociate from the administrator account before you disable Security Hub.",
            caller.account_id
        )));
    }
    let members: Vec<String> = hub.members.keys().map(ToString::to_string).collect();
    for member in members {
        let state = world.securityhub.account_mut(&region, &member);
        if state.administrator.as_deref() == Some(caller.account_id.as_str()) {
            state.administrator = None;
        }
        state.invitations.remove(&caller.account_id);
    }
    world
        .securityhub
        .account_mut(&region, &caller.account_id)
        .hub = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeHubInput {
    pub hub_arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeHubOutput {
    pub hub_arn: String,
    pub subscribed_at: String,
    pub auto_enable_controls: bool,
    pub control_finding_generator: String,
}

pub fn describe_hub(
    world: &mut World,
    caller: &Caller,
    input: DescribeHubInput,
) -> Result<DescribeHubOutput, ShError> {
    let hub = own_hub(world, caller)?;
    if let Some(arn) = input.hub_arn.filter(|a| !a.is_empty()) {
        if arn != hub.arn() {
            return Err(ShError::invalid(format!("Invalid hub ARN {arn}")));
        }
    }
    Ok(DescribeHubOutput {
        hub_arn: hub.arn(),
        subscribed_at: iso8601(hub.subscribed_ms),
        auto_enable_controls: hub.auto_enable_controls,
        control_finding_generator: hub.control_finding_generator.clone(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecurityHubConfigurationInput {
    pub auto_enable_controls: Option<bool>,
    pub control_finding_generator: Option<String>,
}

pub fn update_security_hub_configuration(
    world: &mut World,
    caller: &Caller,
    input: UpdateSecurityHubConfigurationInput,
) -> Result<Empty, ShError> {
    if let Some(g) = &input.control_finding_generator {
        if !GENERATORS.contains(&g.as_str()) {
            return Err(ShError::invalid(format!(
                "Invalid ControlFindingGenerator: {g}"
            )));
        }
    }
    own_hub(world, caller)?;
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    if let Some(auto) = input.auto_enable_controls {
        hub.auto_enable_controls = auto;
    }
    if let Some(g) = input.control_finding_generator {
        hub.control_finding_generator = g;
    }
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn enable_describe_update_disable() {
        let mut w = world();
        let (code, message) = error_of(run(&mut w, &root_caller(ACCT), "DescribeHub", json!({})));
        assert_eq!(code, "InvalidAccessException");
        assert!(message.contains("not subscribed"), "{message}");
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let hub = run_ok(&mut w, ACCT, "DescribeHub", json!({}));
        assert_eq!(
            hub["HubArn"],
            format!("arn:aws:securityhub:us-east-1:{ACCT}:hub/default")
        );
        assert_eq!(hub["ControlFindingGenerator"], "SECURITY_CONTROL");
        assert_eq!(hub["AutoEnableControls"], true);
        assert!(hub["SubscribedAt"].as_str().unwrap().ends_with('Z'));
        let again = run(&mut w, &root_caller(ACCT), "EnableSecurityHub", json!({}));
        assert_eq!(error_of(again).0, "ResourceConflictException");
        run_ok(
            &mut w,
            ACCT,
            "UpdateSecurityHubConfiguration",
            json!({"AutoEnableControls": false, "ControlFindingGenerator": "STANDARD_CONTROL"}),
        );
        let hub = run_ok(&mut w, ACCT, "DescribeHub", json!({}));
        assert_eq!(hub["AutoEnableControls"], false);
        assert_eq!(hub["ControlFindingGenerator"], "STANDARD_CONTROL");
        let standards = run_ok(&mut w, ACCT, "GetEnabledStandards", json!({}));
        assert_eq!(
            standards["StandardsSubscriptions"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        run_ok(&mut w, ACCT, "DisableSecurityHub", json!({}));
        let gone = run(&mut w, &root_caller(ACCT), "GetFindings", json!({}));
        assert_eq!(error_of(gone).0, "InvalidAccessException");
    }

    #[test]
    fn default_standards_can_be_declined() {
        let mut w = world();
        run_ok(
            &mut w,
            ACCT,
            "EnableSecurityHub",
            json!({"EnableDefaultStandards": false}),
        );
        let standards = run_ok(&mut w, ACCT, "GetEnabledStandards", json!({}));
        assert_eq!(standards["StandardsSubscriptions"], json!([]));
        let bad = run(
            &mut w,
            &root_caller("333333333333"),
            "EnableSecurityHub",
            json!({"ControlFindingGenerator": "NOPE"}),
        );
        assert_eq!(error_of(bad).0, "InvalidInputException");
    }
}
