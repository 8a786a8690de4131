//! The organization configuration of the Security Hub administrator:
//! UpdateOrganizationConfiguration, DescribeOrganizationConfiguration. Enrolling
//! accounts and following Organizations events are the shared `org_integration`'s.

use serde::{Deserialize, Serialize};

use super::admin::administered_org;
use super::errors::ShError;
use super::{own_hub, Empty};
use crate::auth::Caller;
use crate::world::World;

/// The caller's organization if the caller is its Security Hub administrator here.
fn administered(world: &World, caller: &Caller) -> Result<String, ShError> {
    administered_org(world, &caller.region, &caller.account_id).ok_or_else(|| {
        ShError::access(format!(
            "Account {} is not an administrator for this organization",
            caller.account_id
        ))
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationConfigurationInput {
    pub configuration_type: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateOrganizationConfigurationInput {
    pub auto_enable: bool,
    pub auto_enable_standards: Option<String>,
    pub organization_configuration: Option<OrganizationConfigurationInput>,
}

pub fn update_organization_configuration(
    world: &mut World,
    caller: &Caller,
    input: UpdateOrganizationConfigurationInput,
) -> Result<Empty, ShError> {
    let standards = input.auto_enable_standards;
    if let Some(s) = &standards {
        if !matches!(s.as_str(), "DEFAULT" | "NONE") {
            return Err(ShError::invalid(format!("Invalid AutoEnableStandards {s}")));
        }
    }
    let configuration_type = input
        .organization_configuration
        .and_then(|c| c.configuration_type);
    if let Some(t) = &configuration_type {
        if !matches!(t.as_str(), "LOCAL" | "CENTRAL") {
            return Err(ShError::invalid(format!("Invalid ConfigurationType {t}")));
        }
    }
    let hub = own_hub(world, caller)?;
    let org_id = administered(world, caller)?;
    if configuration_type.as_deref() == Some("CENTRAL") {
        let management = world
            .organizations
            .organizations
            .get(&org_id)
            .map(|o| o.management_account_id.clone());
        if management.as_deref() == Some(caller.account_id.as_str()) {
            return Err(ShError::invalid(
                "Central configuration isn't available when the organization management account is the delegated administrator",
            ));
        }
        if hub.aggregator.is_none() {
            return Err(ShError::invalid(
                "Central configuration requires a finding aggregator in the home Region; call it from the Region that aggregates findings",
            ));
        }
    }
    let config = &mut world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .org_config;
    if let Some(t) = configuration_type {
        config.configuration_type = t;
    }
    if config.configuration_type == "CENTRAL" {
        // Central configuration takes over: AWS turns both local settings off.
        config.auto_enable = false;
        config.auto_enable_standards = "NONE".to_string();
    } else {
        config.auto_enable = input.auto_enable;
        if let Some(s) = standards {
            config.auto_enable_standards = s;
        }
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
pub struct DescribeOrganizationConfigurationInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationConfiguration {
    pub configuration_type: String,
    pub status: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationConfigurationOutput {
    pub auto_enable: bool,
    pub member_account_limit_reached: bool,
    pub auto_enable_standards: String,
    pub organization_configuration: OrganizationConfiguration,
}

/// Members one administrator may have (AWS: 10,000 for organization members).
const MEMBER_LIMIT: usize = 10_000;

pub fn describe_organization_configuration(
    world: &mut World,
    caller: &Caller,
    _input: DescribeOrganizationConfigurationInput,
) -> Result<DescribeOrganizationConfigurationOutput, ShError> {
    let hub = own_hub(world, caller)?;
    administered(world, caller)?;
    let config = &hub.org_config;
    Ok(DescribeOrganizationConfigurationOutput {
        auto_enable: config.auto_enable,
        member_account_limit_reached: hub.members.len() >= MEMBER_LIMIT,
        auto_enable_standards: config.auto_enable_standards.clone(),
        organization_configuration: OrganizationConfiguration {
            configuration_type: config.configuration_type.clone(),
            status: "ENABLED",
        },
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn only_the_administrator_configures() {
        let mut w = world();
        let (security, others) = org_with_admin(&mut w, 2);
        run_ok(&mut w, &others[0], "EnableSecurityHub", json!({}));
        let refused = run(
            &mut w,
            &root_caller(&others[0]),
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": true}),
        );
        let (code, message) = error_of(refused);
        assert_eq!(code, "InvalidAccessException");
        assert!(message.contains("not an administrator"), "{message}");
        let missing = run(
            &mut w,
            &root_caller(&security),
            "UpdateOrganizationConfiguration",
            json!({}),
        );
        assert_eq!(error_of(missing).0, "InvalidInputException");
        let described = run_ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            json!({}),
        );
        assert_eq!(described["AutoEnable"], false);
        assert_eq!(described["AutoEnableStandards"], "DEFAULT");
        assert_eq!(
            described["OrganizationConfiguration"]["ConfigurationType"],
            "LOCAL"
        );
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": true, "AutoEnableStandards": "NONE"}),
        );
        let described = run_ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            json!({}),
        );
        assert_eq!(described["AutoEnable"], true);
        assert_eq!(described["AutoEnableStandards"], "NONE");
        let central = run(
            &mut w,
            &root_caller(&security),
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": false, "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}),
        );
        assert_eq!(
            error_of(central).0,
            "InvalidInputException",
            "needs an aggregator"
        );
        run_ok(
            &mut w,
            &security,
            "CreateFindingAggregator",
            json!({"RegionLinkingMode": "ALL_REGIONS"}),
        );
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": true, "OrganizationConfiguration": {"ConfigurationType": "CENTRAL"}}),
        );
        let described = run_ok(
            &mut w,
            &security,
            "DescribeOrganizationConfiguration",
            json!({}),
        );
        assert_eq!(described["AutoEnable"], false);
        assert_eq!(described["AutoEnableStandards"], "NONE");
        assert_eq!(
            described["OrganizationConfiguration"]["ConfigurationType"],
            "CENTRAL"
        );
    }

    #[test]
    fn joining_accounts_get_security_hub_at_once() {
        let mut w = world();
        let (security, _) = org_with_admin(&mut w, 1);
        let before = create_org_account(&mut w, 10);
        assert!(
            w.securityhub.hub("us-east-1", &before).is_none(),
            "AutoEnable is off"
        );
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"AutoEnable": true}),
        );
        let joined = create_org_account(&mut w, 11);
        let hub = w
            .securityhub
            .hub("us-east-1", &joined)
            .expect("enabled at once");
        assert_eq!(hub.standards.len(), 2, "default standards");
        assert_eq!(
            w.securityhub.administrator_of("us-east-1", &joined),
            Some(security.as_str())
        );
        let members = run_ok(&mut w, &security, "ListMembers", json!({}));
        let ids: Vec<&str> = members["Members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["AccountId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![joined.as_str()]);
        // leaving the organization ends the membership; the hub stays
        w.clock.advance(8 * 86_400_000);
        org_call(
            &mut w,
            MANAGEMENT,
            "RemoveAccountFromOrganization",
            json!({"AccountId": joined}),
        );
        assert_eq!(w.securityhub.administrator_of("us-east-1", &joined), None);
        assert!(w.securityhub.hub("us-east-1", &joined).is_some());
    }
}
