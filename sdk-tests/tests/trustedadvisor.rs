//! The Trusted Advisor API (`aws-sdk-trustedadvisor`): checks, the account's
//! recommendations and their resources, the organization's recommendations behind
//! trusted access for `reporting.trustedadvisor.amazonaws.com`, and the support plan.

use aws_sdk_trustedadvisor::types::{RecommendationPillar, RecommendationStatus};
use orgsim::world::{Settings, SupportPlan};
use orgsim::Emulator;

use crate::common::{organization, orgs, trustedadvisor, MANAGEMENT};

const ROOT_MFA_ARN: &str = "arn:aws:trustedadvisor:::check/7DAFEmoDos";

#[tokio::test]
async fn the_accounts_recommendations_follow_its_checks() {
    let emulator = Emulator::start();
    let client = trustedadvisor(&emulator, MANAGEMENT);
    let checks = client
        .list_checks()
        .pillar(RecommendationPillar::Security)
        .send()
        .await
        .unwrap();
    assert!(checks
        .check_summaries()
        .iter()
        .any(|c| c.arn() == ROOT_MFA_ARN && c.name() == "MFA on Root Account"));

    let listed = client
        .list_recommendations()
        .check_identifier(ROOT_MFA_ARN)
        .send()
        .await
        .unwrap();
    let root_mfa = &listed.recommendation_summaries()[0];
    assert_eq!(root_mfa.status(), &RecommendationStatus::Error);
    assert_eq!(root_mfa.resources_aggregates().unwrap().error_count(), 1);

    let got = client
        .get_recommendation()
        .recommendation_identifier(root_mfa.arn())
        .send()
        .await
        .unwrap();
    assert_eq!(got.recommendation().unwrap().name(), "MFA on Root Account");
    let resources = client
        .list_recommendation_resources()
        .recommendation_identifier(root_mfa.arn())
        .send()
        .await
        .unwrap();
    assert_eq!(
        resources.recommendation_resource_summaries()[0].aws_resource_id(),
        MANAGEMENT
    );

    let errors = client
        .list_recommendations()
        .status(RecommendationStatus::Error)
        .send()
        .await
        .unwrap();
    assert!(errors
        .recommendation_summaries()
        .iter()
        .all(|r| r.status() == &RecommendationStatus::Error));
}

#[tokio::test]
async fn the_organizations_recommendations_need_trusted_access() {
    let emulator = Emulator::start();
    let org = organization(&emulator).account("workloads").build().await;
    let client = trustedadvisor(&emulator, MANAGEMENT);
    let refused = client
        .list_organization_recommendations()
        .send()
        .await
        .unwrap_err();
    assert!(refused.into_service_error().is_access_denied_exception());

    orgs(&emulator, MANAGEMENT)
        .enable_aws_service_access()
        .service_principal("reporting.trustedadvisor.amazonaws.com")
        .send()
        .await
        .unwrap();
    let listed = client
        .list_organization_recommendations()
        .check_identifier(ROOT_MFA_ARN)
        .send()
        .await
        .unwrap();
    let root_mfa = &listed.organization_recommendation_summaries()[0];
    assert_eq!(root_mfa.status(), &RecommendationStatus::Error);
    assert_eq!(
        root_mfa.resources_aggregates().unwrap().error_count(),
        2,
        "both accounts' roots lack MFA"
    );

    let got = client
        .get_organization_recommendation()
        .organization_recommendation_identifier(root_mfa.arn())
        .send()
        .await
        .unwrap();
    assert!(got
        .organization_recommendation()
        .unwrap()
        .description()
        .contains("MFA"));
    let accounts = client
        .list_organization_recommendation_accounts()
        .organization_recommendation_identifier(root_mfa.arn())
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = accounts
        .account_recommendation_lifecycle_summaries()
        .iter()
        .filter_map(|a| a.account_id())
        .collect();
    assert!(ids.contains(&MANAGEMENT) && ids.contains(&org.account("workloads").as_str()));
    let resources = client
        .list_organization_recommendation_resources()
        .organization_recommendation_identifier(root_mfa.arn())
        .affected_account_id(org.account("workloads"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resources
            .organization_recommendation_resource_summaries()
            .len(),
        1
    );
}

#[tokio::test]
async fn an_excluded_resource_stops_counting() {
    use aws_sdk_trustedadvisor::types::{ExclusionStatus, RecommendationResourceExclusion};
    let emulator = Emulator::start();
    let client = trustedadvisor(&emulator, MANAGEMENT);
    let listed = client
        .list_recommendations()
        .check_identifier(ROOT_MFA_ARN)
        .send()
        .await
        .unwrap();
    let arn = listed.recommendation_summaries()[0].arn().to_string();
    let resources = client
        .list_recommendation_resources()
        .recommendation_identifier(&arn)
        .send()
        .await
        .unwrap();
    let resource = resources.recommendation_resource_summaries()[0]
        .arn()
        .to_string();
    let answer = client
        .batch_update_recommendation_resource_exclusion()
        .recommendation_resource_exclusions(
            RecommendationResourceExclusion::builder()
                .arn(&resource)
                .is_excluded(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(answer
        .batch_update_recommendation_resource_exclusion_errors()
        .is_empty());
    let got = client
        .get_recommendation()
        .recommendation_identifier(&arn)
        .send()
        .await
        .unwrap();
    let recommendation = got.recommendation().unwrap();
    assert_eq!(recommendation.status(), &RecommendationStatus::Ok);
    assert_eq!(
        recommendation
            .resources_aggregates()
            .unwrap()
            .excluded_count(),
        Some(1)
    );
    let excluded = client
        .list_recommendation_resources()
        .recommendation_identifier(&arn)
        .exclusion_status(ExclusionStatus::Excluded)
        .send()
        .await
        .unwrap();
    assert_eq!(excluded.recommendation_resource_summaries().len(), 1);
    // The support API shows it as suppressed.
    let result = crate::common::support(&emulator, MANAGEMENT)
        .describe_trusted_advisor_check_result()
        .check_id("7DAFEmoDos")
        .send()
        .await
        .unwrap();
    let result = result.result().unwrap();
    assert_eq!(result.status(), "ok");
    assert_eq!(
        result.resources_summary().unwrap().resources_suppressed(),
        1
    );
}

#[tokio::test]
async fn basic_support_answers_subscription_required() {
    let emulator = Emulator::start_with(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let error = trustedadvisor(&emulator, MANAGEMENT)
        .list_checks()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_trustedadvisor::error::ProvideErrorMetadata::code(&error),
        Some("SubscriptionRequiredException")
    );
}
