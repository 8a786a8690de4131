//! Standards and their controls: DescribeStandards, BatchEnableStandards,
//! BatchDisableStandards, GetEnabledStandards, DescribeStandardsControls,
//! UpdateStandardsControl, ListSecurityControlDefinitions. A subscription is
//! `PENDING` in the request that makes it and `READY` from the next one on.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

use super::controls_catalog::{standard_by_arn, standard_by_subscription, Standard, STANDARDS};
use super::errors::ShError;
use super::model::{DisabledControl, Subscription};
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStandardsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StandardWire {
    pub standards_arn: String,
    pub name: String,
    pub description: String,
    pub enabled_by_default: bool,
    pub standards_managed_by: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStandardsOutput {
    pub standards: Vec<StandardWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_standards(
    world: &mut World,
    caller: &Caller,
    input: DescribeStandardsInput,
) -> Result<DescribeStandardsOutput, ShError> {
    own_hub(world, caller)?;
    let listing = "DescribeStandards";
    let (max, after) = page(listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let items = STANDARDS.iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(DescribeStandardsOutput {
        standards: items
            .into_iter()
            .map(|(_, s)| StandardWire {
                standards_arn: s.arn(&caller.region),
                name: s.name.to_string(),
                description: s.description.to_string(),
                enabled_by_default: s.enabled_by_default,
                standards_managed_by: BTreeMap::from([
                    ("Company", "AWS"),
                    ("Product", s.managed_by),
                ]),
            })
            .collect(),
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionWire {
    pub standards_subscription_arn: String,
    pub standards_arn: String,
    pub standards_input: BTreeMap<String, String>,
    pub standards_status: &'static str,
    pub standards_controls_updatable: &'static str,
}

fn ready(world: &World, s: &Subscription) -> bool {
    world.request_count > s.requested_at
}

fn subscription_wire(
    world: &World,
    s: &Subscription,
    status: Option<&'static str>,
) -> SubscriptionWire {
    let ready = ready(world, s);
    SubscriptionWire {
        standards_subscription_arn: s.subscription_arn.clone(),
        standards_arn: s.standards_arn.clone(),
        standards_input: s.input.clone(),
        standards_status: status.unwrap_or(if ready { "READY" } else { "PENDING" }),
        standards_controls_updatable: if ready && status.is_none() {
            "READY_FOR_UPDATES"
        } else {
            "NOT_READY_FOR_UPDATES"
        },
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionRequest {
    pub standards_arn: String,
    pub standards_input: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchEnableStandardsInput {
    pub standards_subscription_requests: Vec<SubscriptionRequest>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionsOutput {
    pub standards_subscriptions: Vec<SubscriptionWire>,
}

pub fn batch_enable_standards(
    world: &mut World,
    caller: &Caller,
    input: BatchEnableStandardsInput,
) -> Result<SubscriptionsOutput, ShError> {
    let requests = input.standards_subscription_requests;
    if requests.is_empty() || requests.len() > 25 {
        return Err(ShError::invalid(
            "StandardsSubscriptionRequests must contain between 1 and 25 requests",
        ));
    }
    let mut seen = BTreeSet::new();
    let mut chosen: Vec<(&'static Standard, BTreeMap<String, String>)> = Vec::new();
    for request in requests {
        let standard =
            standard_by_arn(&request.standards_arn, &caller.region).ok_or_else(|| {
                ShError::invalid(format!("Invalid StandardsArn {}", request.standards_arn))
            })?;
        if !seen.insert(standard.path) {
            return Err(ShError::invalid(format!(
                "Duplicate StandardsArn {}",
                request.standards_arn
            )));
        }
        chosen.push((standard, request.standards_input.unwrap_or_default()));
    }
    own_hub(world, caller)?;
    let now = world.clock.now_ms();
    let request = world.request_count;
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    for (standard, input) in &chosen {
        let arn = standard.arn(&caller.region);
        // Enabling an enabled standard keeps it as it is.
        if !hub.standards.contains_key(&arn) {
            hub.standards.insert(
                arn.clone(),
                Subscription {
                    standards_arn: arn,
                    subscription_arn: standard.subscription_arn(&caller.region, &caller.account_id),
                    input: input.clone(),
                    requested_at: request,
                    enabled_ms: now,
                    disabled_controls: BTreeMap::new(),
                },
            );
        }
    }
    let hub = world
        .securityhub
        .hub(&caller.region, &caller.account_id)
        .expect("hub");
    Ok(SubscriptionsOutput {
        standards_subscriptions: chosen
            .iter()
            .filter_map(|(s, _)| hub.standards.get(&s.arn(&caller.region)))
            .map(|s| subscription_wire(world, s, None))
            .collect(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchDisableStandardsInput {
    pub standards_subscription_arns: Vec<String>,
}

pub fn batch_disable_standards(
    world: &mut World,
    caller: &Caller,
    input: BatchDisableStandardsInput,
) -> Result<SubscriptionsOutput, ShError> {
    let arns = input.standards_subscription_arns;
    if arns.is_empty() || arns.len() > 25 {
        return Err(ShError::invalid(
            "StandardsSubscriptionArns must contain between 1 and 25 ARNs",
        ));
    }
    let hub = own_hub(world, caller)?;
    let mut removed = Vec::new();
    for arn in &arns {
        let subscription = standard_by_subscription(arn, &caller.region, &caller.account_id)
            .and_then(|s| hub.standards.get(&s.arn(&caller.region)))
            .ok_or_else(|| ShError::invalid(format!("Invalid StandardsSubscriptionArn {arn}")))?;
        removed.push(subscription.clone());
    }
    let out = removed
        .iter()
        .map(|s| subscription_wire(world, s, Some("DELETING")))
        .collect();
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    for s in &removed {
        hub.standards.remove(&s.standards_arn);
    }
    Ok(SubscriptionsOutput {
        standards_subscriptions: out,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEnabledStandardsInput {
    pub standards_subscription_arns: Option<Vec<String>>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEnabledStandardsOutput {
    pub standards_subscriptions: Vec<SubscriptionWire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_enabled_standards(
    world: &mut World,
    caller: &Caller,
    input: GetEnabledStandardsInput,
) -> Result<GetEnabledStandardsOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let listing = format!("GetEnabledStandards {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let wanted = input.standards_subscription_arns.filter(|a| !a.is_empty());
    let items = hub
        .standards
        .values()
        .filter(|s| {
            wanted
                .as_ref()
                .is_none_or(|w| w.contains(&s.subscription_arn))
        })
        .filter(|s| after.as_ref().is_none_or(|a| s.standards_arn > *a));
    let (items, next) = take_page(items, max, |s| s.standards_arn.clone());
    Ok(GetEnabledStandardsOutput {
        standards_subscriptions: items
            .into_iter()
            .map(|s| subscription_wire(world, s, None))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStandardsControlsInput {
    pub standards_subscription_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StandardsControl {
    pub standards_control_arn: String,
    pub control_status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled_reason: Option<String>,
    pub control_status_updated_at: String,
    pub control_id: String,
    pub title: String,
    pub description: String,
    pub remediation_url: String,
    pub severity_rating: String,
    pub related_requirements: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStandardsControlsOutput {
    pub controls: Vec<StandardsControl>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_standards_controls(
    world: &mut World,
    caller: &Caller,
    input: DescribeStandardsControlsInput,
) -> Result<DescribeStandardsControlsOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let arn = &input.standards_subscription_arn;
    let standard = standard_by_subscription(arn, &caller.region, &caller.account_id)
        .ok_or_else(|| ShError::invalid(format!("Invalid StandardsSubscriptionArn {arn}")))?;
    let subscription = hub
        .standards
        .get(&standard.arn(&caller.region))
        .ok_or_else(|| ShError::not_found(format!("Standards subscription {arn} not found")))?;
    let listing = format!("DescribeStandardsControls {arn}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    if !ready(world, subscription) {
        // AWS lists nothing while the subscription is not ready for updates.
        return Ok(DescribeStandardsControlsOutput {
            controls: Vec::new(),
            next_token: None,
        });
    }
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let items = standard.controls().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(DescribeStandardsControlsOutput {
        controls: items
            .into_iter()
            .map(|(_, (id, control))| {
                let disabled = subscription.disabled_controls.get(&id);
                StandardsControl {
                    standards_control_arn: standard.control_arn(
                        &caller.region,
                        &caller.account_id,
                        &id,
                    ),
                    control_status: if disabled.is_some() {
                        "DISABLED"
                    } else {
                        "ENABLED"
                    },
                    disabled_reason: disabled.map(|d| d.reason.clone()),
                    control_status_updated_at: iso8601(
                        disabled.map_or(subscription.enabled_ms, |d| d.updated_ms),
                    ),
                    related_requirements: standard.related_requirements(&id),
                    control_id: id,
                    title: control.title.to_string(),
                    description: control.description(),
                    remediation_url: control.remediation_url(),
                    severity_rating: control.severity.to_string(),
                }
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateStandardsControlInput {
    pub standards_control_arn: String,
    pub control_status: Option<String>,
    pub disabled_reason: Option<String>,
}

pub fn update_standards_control(
    world: &mut World,
    caller: &Caller,
    input: UpdateStandardsControlInput,
) -> Result<Empty, ShError> {
    let status = input.control_status.as_deref();
    if !matches!(status, None | Some("ENABLED") | Some("DISABLED")) {
        return Err(ShError::invalid(
            "ControlStatus must be ENABLED or DISABLED",
        ));
    }
    let reason = input.disabled_reason.filter(|r| !r.trim().is_empty());
    if status == Some("DISABLED") && reason.is_none() {
        return Err(ShError::invalid(
            "DisabledReason is required when ControlStatus is DISABLED",
        ));
    }
    let hub = own_hub(world, caller)?;
    let arn = &input.standards_control_arn;
    let not_found = || ShError::not_found(format!("Control {arn} not found"));
    let (standard, control_id) = STANDARDS
        .iter()
        .find_map(|s| {
            s.controls()
                .find(|(id, _)| s.control_arn(&caller.region, &caller.account_id, id) == *arn)
                .map(|(id, _)| (s, id))
        })
        .ok_or_else(not_found)?;
    let subscription = hub
        .standards
        .get(&standard.arn(&caller.region))
        .ok_or_else(not_found)?;
    if !ready(world, subscription) {
        return Err(not_found());
    }
    let now = world.clock.now_ms();
    let standards_arn = subscription.standards_arn.clone();
    let subscription = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .standards
        .get_mut(&standards_arn)
        .expect("checked");
    match status {
        Some("DISABLED") => {
            subscription.disabled_controls.insert(
                control_id,
                DisabledControl {
                    reason: reason.unwrap_or_default(),
                    updated_ms: now,
                },
            );
        }
        Some(_) => {
            subscription.disabled_controls.remove(&control_id);
        }
        None => {
            if let (Some(reason), Some(d)) =
                (reason, subscription.disabled_controls.get_mut(&control_id))
            {
                d.reason = reason;
            }
        }
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecurityControlDefinitionsInput {
    pub standards_arn: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityControlDefinition {
    pub security_control_id: String,
    pub title: String,
    pub description: String,
    pub remediation_url: String,
    pub severity_rating: String,
    pub current_region_availability: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSecurityControlDefinitionsOutput {
    pub security_control_definitions: Vec<SecurityControlDefinition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_security_control_definitions(
    world: &mut World,
    caller: &Caller,
    input: ListSecurityControlDefinitionsInput,
) -> Result<ListSecurityControlDefinitionsOutput, ShError> {
    let standard = match &input.standards_arn {
        None => None,
        Some(arn) => Some(
            standard_by_arn(arn, &caller.region)
                .ok_or_else(|| ShError::invalid(format!("Invalid StandardsArn {arn}")))?,
        ),
    };
    own_hub(world, caller)?;
    let listing = format!("ListSecurityControlDefinitions {:?}", input.standards_arn);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let items = super::controls_catalog::SECURITY_CONTROLS
        .iter()
        .filter(|c| standard.is_none_or(|s| c.in_standards.iter().any(|(p, _)| *p == s.path)))
        .enumerate()
        .skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(ListSecurityControlDefinitionsOutput {
        security_control_definitions: items
            .into_iter()
            .map(|(_, c)| SecurityControlDefinition {
                security_control_id: c.id.to_string(),
                title: c.title.to_string(),
                description: c.description(),
                remediation_url: c.remediation_url(),
                severity_rating: c.severity.to_string(),
                current_region_availability: "AVAILABLE",
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const CIS14: &str =
        "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0";

    #[test]
    fn pending_then_ready_controls_and_disable() {
        let mut w = world();
        run_ok(
            &mut w,
            ACCT,
            "EnableSecurityHub",
            json!({"EnableDefaultStandards": false}),
        );
        let listed = run_ok(&mut w, ACCT, "DescribeStandards", json!({}));
        assert_eq!(listed["Standards"].as_array().unwrap().len(), 10);
        let enabled = run_ok(
            &mut w,
            ACCT,
            "BatchEnableStandards",
            json!({"StandardsSubscriptionRequests": [{"StandardsArn": CIS14}]}),
        );
        let sub = &enabled["StandardsSubscriptions"][0];
        assert_eq!(sub["StandardsStatus"], "PENDING");
        let sub_arn = sub["StandardsSubscriptionArn"]
            .as_str()
            .unwrap()
            .to_string();
        assert_eq!(
            sub_arn,
            format!("arn:aws:securityhub:us-east-1:{ACCT}:subscription/cis-aws-foundations-benchmark/v/1.4.0")
        );
        let got = run_ok(&mut w, ACCT, "GetEnabledStandards", json!({}));
        assert_eq!(got["StandardsSubscriptions"][0]["StandardsStatus"], "READY");
        let controls = run_ok(
            &mut w,
            ACCT,
            "DescribeStandardsControls",
            json!({"StandardsSubscriptionArn": sub_arn, "MaxResults": 5}),
        );
        assert_eq!(controls["Controls"].as_array().unwrap().len(), 5);
        let control = controls["Controls"][0].clone();
        assert_eq!(control["ControlStatus"], "ENABLED");
        let arn = control["StandardsControlArn"].as_str().unwrap().to_string();
        let no_reason = run(
            &mut w,
            &root_caller(ACCT),
            "UpdateStandardsControl",
            json!({"StandardsControlArn": arn, "ControlStatus": "DISABLED"}),
        );
        assert_eq!(error_of(no_reason).0, "InvalidInputException");
        run_ok(
            &mut w,
            ACCT,
            "UpdateStandardsControl",
            json!({"StandardsControlArn": arn, "ControlStatus": "DISABLED", "DisabledReason": "not used"}),
        );
        let controls = run_ok(
            &mut w,
            ACCT,
            "DescribeStandardsControls",
            json!({"StandardsSubscriptionArn": sub_arn, "MaxResults": 5}),
        );
        assert_eq!(controls["Controls"][0]["ControlStatus"], "DISABLED");
        assert_eq!(controls["Controls"][0]["DisabledReason"], "not used");
        let rest = run_ok(
            &mut w,
            ACCT,
            "DescribeStandardsControls",
            json!({"StandardsSubscriptionArn": sub_arn, "NextToken": controls["NextToken"]}),
        );
        assert!(!rest["Controls"].as_array().unwrap().is_empty());
        let unknown = run(
            &mut w,
            &root_caller(ACCT),
            "UpdateStandardsControl",
            json!({"StandardsControlArn": format!("{arn}9"), "ControlStatus": "ENABLED"}),
        );
        assert_eq!(error_of(unknown).0, "ResourceNotFoundException");
        let disabled = run_ok(
            &mut w,
            ACCT,
            "BatchDisableStandards",
            json!({"StandardsSubscriptionArns": [sub_arn]}),
        );
        assert_eq!(
            disabled["StandardsSubscriptions"][0]["StandardsStatus"],
            "DELETING"
        );
        let got = run_ok(&mut w, ACCT, "GetEnabledStandards", json!({}));
        assert_eq!(got["StandardsSubscriptions"], json!([]));
    }

    #[test]
    fn control_definitions_by_standard() {
        let mut w = world();
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let all = run_ok(&mut w, ACCT, "ListSecurityControlDefinitions", json!({}));
        let cis = run_ok(
            &mut w,
            ACCT,
            "ListSecurityControlDefinitions",
            json!({"StandardsArn": CIS14}),
        );
        let n_all = all["SecurityControlDefinitions"].as_array().unwrap().len();
        let n_cis = cis["SecurityControlDefinitions"].as_array().unwrap().len();
        assert!(n_cis > 0 && n_cis < n_all);
        let bad = run(
            &mut w,
            &root_caller(ACCT),
            "BatchEnableStandards",
            json!({"StandardsSubscriptionRequests": [{"StandardsArn": "arn:aws:securityhub:us-east-1::standards/nope"}]}),
        );
        assert_eq!(error_of(bad).0, "InvalidInputException");
    }
}
