use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::dispatch;
use crate::services::support::checks::ROOT_MFA;
use crate::world::{Settings, World};

const MANAGEMENT: &str = "111111111111";

fn root(account: &str) -> Caller {
    Caller {
        account_id: account.into(),
        principal: Principal::Root,
        access_key_id: account.into(),
        temporary: false,
        region: "us-east-1".into(),
    }
}

fn call(
    world: &mut World,
    account: &str,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    dispatch(world, &root(account), service, op, input)
}

fn advisor(world: &mut World, op: &str, input: Value) -> Result<Value, ApiError> {
    call(world, MANAGEMENT, ServiceId::TrustedAdvisor, op, input)
}

#[test]
fn recommendations_follow_the_checks() {
    let mut world = World::new(Settings::default());
    let checks = advisor(&mut world, "ListChecks", json!({"pillar": "security"})).unwrap();
    assert!(checks["checkSummaries"].as_array().unwrap().len() >= 7);
    let check_arn = format!("arn:aws:trustedadvisor:::check/{ROOT_MFA}");
    let listed = advisor(
        &mut world,
        "ListRecommendations",
        json!({"checkIdentifier": check_arn}),
    )
    .unwrap();
    let root_mfa = &listed["recommendationSummaries"][0];
    assert_eq!(root_mfa["name"], "MFA on Root Account");
    assert_eq!(root_mfa["status"], "error");
    let arn = root_mfa["arn"].as_str().unwrap().to_string();
    let got = advisor(
        &mut world,
        "GetRecommendation",
        json!({"recommendationIdentifier": arn}),
    )
    .unwrap();
    assert!(got["recommendation"]["description"]
        .as_str()
        .unwrap()
        .contains("MFA"));
    let resources = advisor(
        &mut world,
        "ListRecommendationResources",
        json!({"recommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(
        resources["recommendationResourceSummaries"][0]["awsResourceId"],
        MANAGEMENT
    );
    let missing = advisor(
        &mut world,
        "GetRecommendation",
        json!({"recommendationIdentifier": "arn:aws:trustedadvisor::111111111111:recommendation/nope"}),
    )
    .unwrap_err();
    assert_eq!(
        (missing.code.as_str(), missing.status),
        ("ResourceNotFoundException", 404)
    );
}

#[test]
fn the_organization_needs_trusted_access() {
    let mut world = World::new(Settings::default());
    call(
        &mut world,
        MANAGEMENT,
        ServiceId::Organizations,
        "CreateOrganization",
        json!({"FeatureSet": "ALL"}),
    )
    .unwrap();
    let refused = advisor(&mut world, "ListOrganizationRecommendations", json!({})).unwrap_err();
    assert_eq!(refused.code, "AccessDeniedException");
    call(
        &mut world,
        MANAGEMENT,
        ServiceId::Organizations,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "reporting.trustedadvisor.amazonaws.com"}),
    )
    .unwrap();
    let listed = advisor(
        &mut world,
        "ListOrganizationRecommendations",
        json!({"status": "error"}),
    )
    .unwrap();
    let root_mfa = listed["organizationRecommendationSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "MFA on Root Account")
        .unwrap()
        .clone();
    let arn = root_mfa["arn"].as_str().unwrap().to_string();
    let accounts = advisor(
        &mut world,
        "ListOrganizationRecommendationAccounts",
        json!({"organizationRecommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(
        accounts["accountRecommendationLifecycleSummaries"][0]["accountId"],
        MANAGEMENT
    );
    let resources = advisor(
        &mut world,
        "ListOrganizationRecommendationResources",
        json!({"organizationRecommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(
        resources["organizationRecommendationResourceSummaries"][0]["accountId"],
        MANAGEMENT
    );
    let got = advisor(
        &mut world,
        "GetOrganizationRecommendation",
        json!({"organizationRecommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(got["organizationRecommendation"]["status"], "error");
}

#[test]
fn excluded_resources_stop_counting_in_both_apis() {
    let mut world = World::new(Settings::default());
    let check_arn = format!("arn:aws:trustedadvisor:::check/{ROOT_MFA}");
    let listed = advisor(
        &mut world,
        "ListRecommendations",
        json!({"checkIdentifier": check_arn}),
    )
    .unwrap();
    let arn = listed["recommendationSummaries"][0]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let resources = advisor(
        &mut world,
        "ListRecommendationResources",
        json!({"recommendationIdentifier": arn}),
    )
    .unwrap();
    let resource = resources["recommendationResourceSummaries"][0]["arn"]
        .as_str()
        .unwrap()
        .to_string();
    let foreign = resource.replace(MANAGEMENT, "999999999999");

    let answer = advisor(
        &mut world,
        "BatchUpdateRecommendationResourceExclusion",
        json!({"recommendationResourceExclusions": [{"arn": resource, "isExcluded": true}, {"arn": foreign, "isExcluded": true}]}),
    )
    .unwrap();
    let errors = &answer["batchUpdateRecommendationResourceExclusionErrors"];
    assert_eq!(errors.as_array().unwrap().len(), 1);
    assert_eq!(errors[0]["arn"], json!(foreign));

    let got = advisor(
        &mut world,
        "GetRecommendation",
        json!({"recommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(got["recommendation"]["status"], "ok");
    assert_eq!(
        got["recommendation"]["resourcesAggregates"]["excludedCount"],
        1
    );
    let excluded = advisor(
        &mut world,
        "ListRecommendationResources",
        json!({"recommendationIdentifier": arn, "exclusionStatus": "excluded"}),
    )
    .unwrap();
    assert_eq!(
        excluded["recommendationResourceSummaries"][0]["exclusionStatus"],
        "excluded"
    );
    let support = call(
        &mut world,
        MANAGEMENT,
        ServiceId::Support,
        "DescribeTrustedAdvisorCheckResult",
        json!({"checkId": ROOT_MFA}),
    )
    .unwrap();
    assert_eq!(support["result"]["status"], "ok");
    assert_eq!(
        support["result"]["resourcesSummary"]["resourcesSuppressed"],
        1
    );
    assert_eq!(
        support["result"]["flaggedResources"][0]["isSuppressed"],
        true
    );

    advisor(
        &mut world,
        "BatchUpdateRecommendationResourceExclusion",
        json!({"recommendationResourceExclusions": [{"arn": resource, "isExcluded": false}]}),
    )
    .unwrap();
    let got = advisor(
        &mut world,
        "GetRecommendation",
        json!({"recommendationIdentifier": arn}),
    )
    .unwrap();
    assert_eq!(got["recommendation"]["status"], "error");
    let empty = advisor(
        &mut world,
        "BatchUpdateRecommendationResourceExclusion",
        json!({"recommendationResourceExclusions": []}),
    )
    .unwrap_err();
    assert_eq!(empty.code, "ValidationException");
}
