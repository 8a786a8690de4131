//! AWS Health through `aws-sdk-health`, which speaks Smithy RPC v2 CBOR: the account
//! view, the organizational view (events from after it was turned on), and the
//! support plan. emulator/tests/health_cli.rs covers awsJson1.1 through the AWS CLI.

use aws_sdk_health::types::{
    EventAccountFilter, EventFilter, EventStatusCode, EventTypeCategory, OrganizationEventFilter,
};
use orgsim::world::{Settings, SupportPlan};
use orgsim::Emulator;
use serde_json::json;

use crate::common::{health, organization, orgs, publish_health_event, MANAGEMENT};

fn ec2_issue(accounts: &[&str]) -> serde_json::Value {
    json!({
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": "eu-west-1",
        "statusCode": "open",
        "affectedAccounts": accounts,
    })
}

#[tokio::test]
async fn the_account_view_shows_public_and_own_events() {
    let emulator = Emulator::start();
    let public = publish_health_event(&emulator, ec2_issue(&[])).await;
    let own = publish_health_event(&emulator, ec2_issue(&["222222222222"])).await;
    let other = publish_health_event(&emulator, ec2_issue(&["333333333333"])).await;
    let client = health(&emulator, "222222222222");

    let events = client.describe_events().send().await.unwrap();
    let arns: Vec<&str> = events.events().iter().filter_map(|e| e.arn()).collect();
    assert!(
        arns.contains(&public.as_str()) && arns.contains(&own.as_str()),
        "{arns:?}"
    );
    assert!(!arns.contains(&other.as_str()));
    let first = &events.events()[0];
    assert_eq!(first.event_type_category(), Some(&EventTypeCategory::Issue));
    assert_eq!(first.status_code(), Some(&EventStatusCode::Open));
    assert!(
        first.start_time().is_some(),
        "timestamps arrive as CBOR tags"
    );

    let filtered = client
        .describe_events()
        .filter(EventFilter::builder().regions("us-west-2").build())
        .send()
        .await
        .unwrap();
    assert!(filtered.events().is_empty());

    let details = client
        .describe_event_details()
        .event_arns(&own)
        .event_arns(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(details.successful_set().len(), 1);
    assert_eq!(details.failed_set()[0].event_arn(), Some(other.as_str()));

    let entities = client
        .describe_affected_entities()
        .filter(
            aws_sdk_health::types::EntityFilter::builder()
                .event_arns(&own)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        entities.entities()[0].aws_account_id(),
        Some("222222222222")
    );

    let aggregates = client
        .describe_entity_aggregates()
        .event_arns(&own)
        .send()
        .await
        .unwrap();
    assert_eq!(aggregates.entity_aggregates()[0].count(), 1);

    let by_category = client
        .describe_event_aggregates()
        .aggregate_field(aws_sdk_health::types::EventAggregateField::EventTypeCategory)
        .send()
        .await
        .unwrap();
    assert_eq!(by_category.event_aggregates()[0].count(), 2);

    let types = client.describe_event_types().send().await.unwrap();
    assert_eq!(
        types.event_types()[0].code(),
        Some("AWS_EC2_OPERATIONAL_ISSUE")
    );

    let forged = client
        .describe_events()
        .next_token("not-a-real-token")
        .send()
        .await
        .unwrap_err();
    assert!(forged.into_service_error().is_invalid_pagination_token());
}

#[tokio::test]
async fn the_organization_sees_events_from_after_it_turned_the_view_on() {
    let emulator = Emulator::start();
    let org = organization(&emulator).account("workloads").build().await;
    let workloads = org.account("workloads");
    let management = health(&emulator, MANAGEMENT);

    let before = publish_health_event(&emulator, ec2_issue(&[&workloads])).await;
    emulator.with_world(|w| w.clock.advance(1000));
    let status = management
        .describe_health_service_status_for_organization()
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.health_service_access_status_for_organization(),
        Some("DISABLED")
    );

    // A member cannot turn the view on.
    let refused = health(&emulator, &workloads)
        .enable_health_service_access_for_organization()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_health::error::ProvideErrorMetadata::code(&refused),
        Some("AccessDeniedException")
    );

    management
        .enable_health_service_access_for_organization()
        .send()
        .await
        .unwrap();
    let access = orgs(&emulator, MANAGEMENT)
        .list_aws_service_access_for_organization()
        .send()
        .await
        .unwrap();
    assert!(access
        .enabled_service_principals()
        .iter()
        .any(|p| p.service_principal() == Some("health.amazonaws.com")));
    emulator.with_world(|w| w.clock.advance(60_000));

    let after = publish_health_event(&emulator, ec2_issue(&[&workloads])).await;
    let events = management
        .describe_events_for_organization()
        .filter(OrganizationEventFilter::builder().services("EC2").build())
        .send()
        .await
        .unwrap();
    let arns: Vec<&str> = events.events().iter().filter_map(|e| e.arn()).collect();
    assert_eq!(
        arns,
        [after.as_str()],
        "{before} came before the view was on"
    );

    let accounts = management
        .describe_affected_accounts_for_organization()
        .event_arn(&after)
        .send()
        .await
        .unwrap();
    assert_eq!(
        accounts.affected_accounts(),
        std::slice::from_ref(&workloads)
    );

    let filter = EventAccountFilter::builder()
        .event_arn(&after)
        .aws_account_id(&workloads)
        .build()
        .unwrap();
    let account_filter = aws_sdk_health::types::EntityAccountFilter::builder()
        .event_arn(&after)
        .aws_account_id(&workloads)
        .build()
        .unwrap();
    let entities = management
        .describe_affected_entities_for_organization()
        .organization_entity_account_filters(account_filter)
        .send()
        .await
        .unwrap();
    assert_eq!(
        entities.entities()[0].aws_account_id(),
        Some(workloads.as_str())
    );
    let details = management
        .describe_event_details_for_organization()
        .organization_event_detail_filters(filter)
        .send()
        .await
        .unwrap();
    assert_eq!(
        details.successful_set()[0].aws_account_id(),
        Some(workloads.as_str())
    );
    let aggregates = management
        .describe_entity_aggregates_for_organization()
        .event_arns(&after)
        .send()
        .await
        .unwrap();
    assert_eq!(aggregates.organization_entity_aggregates()[0].count(), 1);

    management
        .disable_health_service_access_for_organization()
        .send()
        .await
        .unwrap();
    let status = management
        .describe_health_service_status_for_organization()
        .send()
        .await
        .unwrap();
    assert_eq!(
        status.health_service_access_status_for_organization(),
        Some("DISABLED")
    );
}

#[tokio::test]
async fn basic_support_answers_subscription_required() {
    let emulator = Emulator::start_with(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let error = health(&emulator, "222222222222")
        .describe_events()
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_health::error::ProvideErrorMetadata::code(&error),
        Some("SubscriptionRequiredException")
    );
}
