//! CSPM connectors, opt-in features and free trials against a `World`.

use super::test_support::*;
use serde_json::{json, Value};

const ACCOUNT: &str = "222222222222";

fn error(w: &mut crate::world::World, account: &str, op: &str, input: Value) -> (String, String) {
    error_of(run(w, &root_caller(account), op, input))
}

fn azure() -> Value {
    json!({"Azure": {
        "AWSConfigConnectorArn": "arn:aws:config:us-east-1:222222222222:connector/azure-1",
        "ScopeConfiguration": {"ScopeType": "SUBSCRIPTION", "ScopeValues": ["sub-1"]},
        "AzureRegions": ["eastus"],
    }})
}

#[test]
fn connectors_are_stored_per_hub_and_say_they_never_connect() {
    let mut w = world();
    let create = json!({"Name": "azure prod", "Provider": azure(), "Tags": {"env": "prod"}});
    let (code, _) = error(&mut w, ACCOUNT, "CreateConnector", create.clone());
    assert_eq!(code, "InvalidAccessException", "Security Hub is off");
    run_ok(&mut w, ACCOUNT, "EnableSecurityHub", json!({}));
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "CreateConnector",
        json!({"Name": "both", "Provider": {"Azure": azure()["Azure"], "GCP": azure()["Azure"]}}),
    );
    assert_eq!(code, "ValidationException");
    let made = run_ok(&mut w, ACCOUNT, "CreateConnector", create.clone());
    assert_eq!(made["ConnectorStatus"], "UNKNOWN");
    assert_eq!(made["EnablementStatus"], "ENABLED");
    let id = made["ConnectorId"].as_str().unwrap().to_string();
    let (code, _) = error(&mut w, ACCOUNT, "CreateConnector", create);
    assert_eq!(code, "ConflictException");
    let got = run_ok(&mut w, ACCOUNT, "GetConnector", json!({"ConnectorId": id}));
    assert_eq!(got["Health"]["Issues"][0]["Code"], "NO_HEALTH_DATA");
    assert_eq!(
        got["ProviderDetail"]["Azure"]["AzureRegions"],
        json!(["eastus"])
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "UpdateConnector",
        json!({"ConnectorId": id, "Description": "moved", "Provider": {"Azure": {
            "ScopeConfiguration": {"ScopeType": "TENANT"}, "AzureRegions": ["westeurope"]}}}),
    );
    let got = run_ok(&mut w, ACCOUNT, "GetConnector", json!({"ConnectorId": id}));
    assert_eq!(got["Description"], "moved");
    assert_eq!(
        got["ProviderDetail"]["Azure"]["AzureRegions"],
        json!(["westeurope"])
    );
    assert_eq!(
        got["ProviderDetail"]["Azure"]["AWSConfigConnectorArn"],
        "arn:aws:config:us-east-1:222222222222:connector/azure-1",
        "the configuration connector is kept"
    );
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "UpdateConnector",
        json!({"ConnectorId": id, "Provider": {"GCP": {"ScopeConfiguration": {"ScopeType": "PROJECT"}, "GCPRegions": ["us-east1"]}}}),
    );
    assert_eq!(code, "ValidationException");
    let listed = run_ok(
        &mut w,
        ACCOUNT,
        "ListConnectors",
        json!({"ProviderName": "AZURE"}),
    );
    assert_eq!(
        listed["Connectors"][0]["ProviderSummary"]["ProviderName"],
        "AZURE"
    );
    let listed = run_ok(
        &mut w,
        ACCOUNT,
        "ListConnectors",
        json!({"ProviderName": "GCP"}),
    );
    assert_eq!(listed["Connectors"], json!([]));
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "ListConnectors",
        json!({"ProviderName": "AWS"}),
    );
    assert_eq!(code, "ValidationException");
    run_ok(
        &mut w,
        ACCOUNT,
        "DeleteConnector",
        json!({"ConnectorId": id}),
    );
    let (code, _) = error(&mut w, ACCOUNT, "GetConnector", json!({"ConnectorId": id}));
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn features_need_the_v2_hub_and_trials_start_with_what_they_cover() {
    let mut w = world();
    let feature = json!({"FeatureName": "NETWORK_SCANNING"});
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "EnableSecurityHubFeatureV2",
        feature.clone(),
    );
    assert_eq!(code, "ResourceNotFoundException");
    let trials = run_ok(&mut w, ACCOUNT, "ListFreeTrialStatusesV2", json!({}));
    assert_eq!(
        trials["AccountFreeTrialStatuses"][0]["FreeTrialStatuses"],
        json!([])
    );
    run_ok(&mut w, ACCOUNT, "EnableSecurityHubV2", json!({}));
    run_ok(
        &mut w,
        ACCOUNT,
        "EnableSecurityHubFeatureV2",
        feature.clone(),
    );
    run_ok(
        &mut w,
        ACCOUNT,
        "EnableSecurityHubFeatureV2",
        feature.clone(),
    );
    assert!(w
        .securityhub
        .account("us-east-1", ACCOUNT)
        .and_then(|a| a.hub_v2.as_ref())
        .is_some_and(|h| h.features.contains("NETWORK_SCANNING")));
    run_ok(
        &mut w,
        ACCOUNT,
        "DisableSecurityHubFeatureV2",
        feature.clone(),
    );
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "EnableSecurityHubFeatureV2",
        json!({"FeatureName": "TELEPATHY"}),
    );
    assert_eq!(code, "ValidationException");

    run_ok(&mut w, ACCOUNT, "EnableSecurityHub", json!({}));
    run_ok(
        &mut w,
        ACCOUNT,
        "CreateConnector",
        json!({"Name": "azure", "Provider": azure()}),
    );
    let trials = run_ok(&mut w, ACCOUNT, "ListFreeTrialStatusesV2", json!({}));
    let kinds: Vec<&str> = trials["AccountFreeTrialStatuses"][0]["FreeTrialStatuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["FeatureType"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["SECURITY_HUB_V2", "SECURITY_HUB_V2_MULTI_CLOUD_AZURE"]
    );
    w.clock.advance(31 * 24 * 3600 * 1000);
    run_ok(&mut w, ACCOUNT, "DisableSecurityHubV2", json!({}));
    let inactive = run_ok(
        &mut w,
        ACCOUNT,
        "ListFreeTrialStatusesV2",
        json!({"Statuses": ["INACTIVE"]}),
    );
    assert_eq!(
        inactive["AccountFreeTrialStatuses"][0]["FreeTrialStatuses"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "expired trials stay listed after the feature is off"
    );
    let (code, _) = error(
        &mut w,
        ACCOUNT,
        "ListFreeTrialStatusesV2",
        json!({"AccountIds": ["333333333333"]}),
    );
    assert_eq!(code, "AccessDeniedException");
}

#[test]
fn the_delegated_admin_lists_trials_of_its_organization() {
    let mut w = world();
    let (security, members) = org_with_admin(&mut w, 2);
    run_ok(&mut w, &members[0], "EnableSecurityHubV2", json!({}));
    let out = run_ok(
        &mut w,
        &security,
        "ListFreeTrialStatusesV2",
        json!({"AccountIds": [members[0], security]}),
    );
    let listed = out["AccountFreeTrialStatuses"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let member = listed
        .iter()
        .find(|a| a["AccountId"] == members[0].as_str())
        .unwrap();
    assert_eq!(member["FreeTrialStatuses"][0]["Status"], "ACTIVE");
}
