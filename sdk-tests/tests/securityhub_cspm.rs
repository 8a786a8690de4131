//! Security Hub's connectors to third-party clouds, opt-in features and free trials
//! with the real SDK.

use aws_sdk_securityhub::types::{
    AzureProviderConfiguration, AzureScopeConfiguration, AzureUpdateConfiguration,
    CspmConnectorProviderName, CspmProviderConfiguration, CspmProviderUpdateConfiguration,
    FeatureName, FreeTrialStatusValue, FreeTrialType, ScopeType,
};
use orgsim::Emulator;

use crate::common::securityhub;

const ACCOUNT: &str = "222222222222";

fn azure(regions: &[&str]) -> CspmProviderConfiguration {
    let mut config = AzureProviderConfiguration::builder()
        .aws_config_connector_arn(format!(
            "arn:aws:config:us-east-1:{ACCOUNT}:connector/azure-1"
        ))
        .scope_configuration(
            AzureScopeConfiguration::builder()
                .scope_type(ScopeType::Subscription)
                .scope_values("sub-1")
                .build(),
        );
    for r in regions {
        config = config.azure_regions(*r);
    }
    CspmProviderConfiguration::Azure(config.build())
}

#[tokio::test]
async fn azure_connectors_are_kept_and_report_no_health_data() {
    let emulator = Emulator::start();
    let hub = securityhub(&emulator, ACCOUNT);
    let off = hub
        .create_connector()
        .name("azure prod")
        .provider(azure(&["eastus"]))
        .send()
        .await
        .expect_err("Security Hub is off");
    assert!(off
        .as_service_error()
        .is_some_and(|e| e.is_invalid_access_exception()));
    hub.enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let made = hub
        .create_connector()
        .name("azure prod")
        .description("production subscriptions")
        .provider(azure(&["eastus"]))
        .tags("env", "prod")
        .send()
        .await
        .expect("CreateConnector");
    let id = made.connector_id().expect("connector id").to_string();
    assert_eq!(
        made.enablement_status().map(|s| s.as_str()),
        Some("ENABLED")
    );
    let twice = hub
        .create_connector()
        .name("azure prod")
        .provider(azure(&["eastus"]))
        .send()
        .await
        .expect_err("names are unique in the account");
    assert!(twice
        .as_service_error()
        .is_some_and(|e| e.is_conflict_exception()));
    let got = hub
        .get_connector()
        .connector_id(&id)
        .send()
        .await
        .expect("GetConnector");
    let health = got.health().expect("health");
    assert_eq!(
        health.connector_status().map(|s| s.as_str()),
        Some("UNKNOWN")
    );
    assert_eq!(
        health.issues()[0].code().map(|c| c.as_str()),
        Some("NO_HEALTH_DATA")
    );
    let regions = |got: &aws_sdk_securityhub::operation::get_connector::GetConnectorOutput| {
        got.provider_detail()
            .and_then(|d| d.as_azure().ok())
            .map(|a| a.azure_regions().to_vec())
            .unwrap_or_default()
    };
    assert_eq!(regions(&got), ["eastus"]);
    hub.update_connector()
        .connector_id(&id)
        .provider(CspmProviderUpdateConfiguration::Azure(
            AzureUpdateConfiguration::builder()
                .scope_configuration(
                    AzureScopeConfiguration::builder()
                        .scope_type(ScopeType::Tenant)
                        .build(),
                )
                .azure_regions("westeurope")
                .build(),
        ))
        .send()
        .await
        .expect("UpdateConnector");
    let got = hub
        .get_connector()
        .connector_id(&id)
        .send()
        .await
        .expect("GetConnector");
    assert_eq!(regions(&got), ["westeurope"]);
    let listed = hub
        .list_connectors()
        .provider_name(CspmConnectorProviderName::Azure)
        .send()
        .await
        .expect("ListConnectors");
    assert_eq!(listed.connectors().len(), 1);
    assert_eq!(listed.connectors()[0].connector_id(), Some(id.as_str()));
    hub.delete_connector()
        .connector_id(&id)
        .send()
        .await
        .expect("DeleteConnector");
    let gone = hub
        .get_connector()
        .connector_id(&id)
        .send()
        .await
        .expect_err("deleted");
    assert!(gone
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
}

#[tokio::test]
async fn features_and_free_trials_follow_what_is_turned_on() {
    let emulator = Emulator::start();
    let hub = securityhub(&emulator, ACCOUNT);
    let off = hub
        .enable_security_hub_feature_v2()
        .feature_name(FeatureName::NetworkScanning)
        .send()
        .await
        .expect_err("the V2 hub is off");
    assert!(off
        .as_service_error()
        .is_some_and(|e| e.is_resource_not_found_exception()));
    hub.enable_security_hub_v2()
        .send()
        .await
        .expect("EnableSecurityHubV2");
    for _ in 0..2 {
        hub.enable_security_hub_feature_v2()
            .feature_name(FeatureName::NetworkScanning)
            .send()
            .await
            .expect("EnableSecurityHubFeatureV2 (idempotent)");
    }
    hub.disable_security_hub_feature_v2()
        .feature_name(FeatureName::NetworkScanning)
        .send()
        .await
        .expect("DisableSecurityHubFeatureV2");
    let trials = hub
        .list_free_trial_statuses_v2()
        .statuses(FreeTrialStatusValue::Active)
        .send()
        .await
        .expect("ListFreeTrialStatusesV2");
    let mine = &trials.account_free_trial_statuses()[0];
    assert_eq!(mine.account_id(), Some(ACCOUNT));
    let kinds: Vec<_> = mine
        .free_trial_statuses()
        .iter()
        .filter_map(|t| t.feature_type().cloned())
        .collect();
    assert_eq!(kinds, [FreeTrialType::SecurityHubV2]);
    let other = hub
        .list_free_trial_statuses_v2()
        .account_ids("333333333333")
        .send()
        .await
        .expect_err("only a delegated administrator asks about others");
    assert!(other
        .as_service_error()
        .is_some_and(|e| e.is_access_denied_exception()));
}
