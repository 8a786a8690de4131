//! AWS Cost Explorer through `aws-sdk-costexplorer`: GuardDuty turned on in one member
//! and the clock advanced shows its cost in that account and nowhere else; grouping by
//! account, service and region; filters; dimension values; forecasts; AWS's errors.

use aws_sdk_costexplorer::error::ProvideErrorMetadata;
use aws_sdk_costexplorer::operation::get_cost_and_usage::GetCostAndUsageError;
use aws_sdk_costexplorer::operation::get_cost_forecast::GetCostForecastError;
use aws_sdk_costexplorer::types::{
    DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition,
    GroupDefinitionType, Metric,
};
use orgsim::Emulator;

use crate::common::{costexplorer, guardduty, organization, MANAGEMENT};

/// 2026-01-01T00:00:00Z, where the tests pin the world clock.
pub const JAN_1_MS: i64 = 1_767_225_600_000;
const HOUR_MS: i64 = 3_600_000;

pub fn interval(start: &str, end: &str) -> DateInterval {
    DateInterval::builder()
        .start(start)
        .end(end)
        .build()
        .expect("interval")
}

fn by(key: Dimension) -> GroupDefinition {
    GroupDefinition::builder()
        .r#type(GroupDefinitionType::Dimension)
        .key(key.as_str())
        .build()
}

/// An organization with members Security and Workload, GuardDuty on in Security only,
/// 48 hours of world time later.
pub async fn guardduty_in_security_for_two_days(emulator: &Emulator) -> (String, String) {
    emulator.with_world(|w| w.clock.pinned_ms = Some(JAN_1_MS));
    let org = organization(emulator)
        .accounts(&["Security", "Workload"])
        .build()
        .await;
    let (security, workload) = (org.account("Security"), org.account("Workload"));
    guardduty(emulator, &security)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    emulator.with_world(|w| w.clock.advance(48 * HOUR_MS));
    (security, workload)
}

#[tokio::test]
async fn guardduty_cost_shows_in_its_account_and_nowhere_else() {
    let emulator = Emulator::start();
    let (security, workload) = guardduty_in_security_for_two_days(&emulator).await;
    let ce = costexplorer(&emulator, MANAGEMENT);
    let out = ce
        .get_cost_and_usage()
        .time_period(interval("2026-01-01", "2026-02-01"))
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .metrics("BlendedCost")
        .metrics("UsageQuantity")
        .group_by(by(Dimension::LinkedAccount))
        .send()
        .await
        .expect("GetCostAndUsage");
    let result = &out.results_by_time()[0];
    assert_eq!(result.time_period().unwrap().start(), "2026-01-01");
    let groups = result.groups();
    assert_eq!(groups.len(), 1, "{groups:?}");
    assert_eq!(groups[0].keys(), std::slice::from_ref(&security));
    let metrics = groups[0].metrics().unwrap();
    assert_eq!(metrics["UnblendedCost"].amount(), Some("0.672"));
    assert_eq!(metrics["UnblendedCost"].unit(), Some("USD"));
    assert_eq!(metrics["BlendedCost"].amount(), Some("0.672"));
    assert_eq!(
        out.dimension_value_attributes()[0].attributes().unwrap()["description"],
        "Security"
    );

    // The other member's bill is empty; Security sees its own.
    let total_of = |account: String| {
        let emulator = &emulator;
        async move {
            let out = costexplorer(emulator, &account)
                .get_cost_and_usage()
                .time_period(interval("2026-01-01", "2026-02-01"))
                .granularity(Granularity::Monthly)
                .metrics("UnblendedCost")
                .send()
                .await
                .expect("GetCostAndUsage");
            out.results_by_time()[0].total().unwrap()["UnblendedCost"]
                .amount()
                .unwrap()
                .to_string()
        }
    };
    assert_eq!(total_of(workload.clone()).await, "0");
    assert_eq!(total_of(security.clone()).await, "0.672");
    assert_eq!(total_of(MANAGEMENT.to_string()).await, "0.672");
}

#[tokio::test]
async fn daily_results_grouped_by_service_and_region_and_filtered() {
    let emulator = Emulator::start();
    let (_, workload) = guardduty_in_security_for_two_days(&emulator).await;
    let ce = costexplorer(&emulator, MANAGEMENT);
    let out = ce
        .get_cost_and_usage()
        .time_period(interval("2026-01-01", "2026-01-04"))
        .granularity(Granularity::Daily)
        .metrics("UnblendedCost")
        .group_by(by(Dimension::Service))
        .group_by(by(Dimension::Region))
        .send()
        .await
        .expect("GetCostAndUsage");
    let days = out.results_by_time();
    assert_eq!(days.len(), 3);
    assert_eq!(
        days[0].groups()[0].keys(),
        ["Amazon GuardDuty", "us-east-1"]
    );
    assert_eq!(
        days[1].groups()[0].metrics().unwrap()["UnblendedCost"].amount(),
        Some("0.336")
    );
    assert!(days[2].groups().is_empty());

    let not_workload = Expression::builder()
        .not(
            Expression::builder()
                .dimensions(
                    DimensionValues::builder()
                        .key(Dimension::LinkedAccount)
                        .values(&workload)
                        .build(),
                )
                .build(),
        )
        .build();
    let filtered = ce
        .get_cost_and_usage()
        .time_period(interval("2026-01-01", "2026-01-04"))
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .filter(not_workload)
        .send()
        .await
        .expect("GetCostAndUsage");
    assert_eq!(
        filtered.results_by_time()[0].total().unwrap()["UnblendedCost"].amount(),
        Some("0.672")
    );
}

#[tokio::test]
async fn dimension_values_and_forecast() {
    let emulator = Emulator::start();
    let (security, _) = guardduty_in_security_for_two_days(&emulator).await;
    let ce = costexplorer(&emulator, MANAGEMENT);
    let services = ce
        .get_dimension_values()
        .time_period(interval("2026-01-01", "2026-01-04"))
        .dimension(Dimension::Service)
        .send()
        .await
        .expect("GetDimensionValues");
    let values: Vec<&str> = services
        .dimension_values()
        .iter()
        .filter_map(|v| v.value())
        .collect();
    assert_eq!(values, ["Amazon GuardDuty"]);
    assert_eq!((services.return_size(), services.total_size()), (1, 1));
    let accounts = ce
        .get_dimension_values()
        .time_period(interval("2026-01-01", "2026-01-04"))
        .dimension(Dimension::LinkedAccount)
        .send()
        .await
        .expect("GetDimensionValues");
    assert_eq!(
        accounts.dimension_values()[0].value(),
        Some(security.as_str())
    );

    let forecast = ce
        .get_cost_forecast()
        .time_period(interval("2026-01-03", "2026-02-01"))
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .send()
        .await
        .expect("GetCostForecast");
    // 29 more days at 0.014 USD an hour.
    assert_eq!(forecast.total().unwrap().amount(), Some("9.744"));
    assert_eq!(
        forecast.forecast_results_by_time()[0].mean_value(),
        Some("9.744")
    );
}

#[tokio::test]
async fn cost_explorer_errors_are_aws_s() {
    let emulator = Emulator::start();
    let (_, workload) = guardduty_in_security_for_two_days(&emulator).await;
    let ce = costexplorer(&emulator, MANAGEMENT);
    let backwards = ce
        .get_cost_and_usage()
        .time_period(interval("2026-01-04", "2026-01-01"))
        .granularity(Granularity::Daily)
        .metrics("UnblendedCost")
        .send()
        .await
        .expect_err("end before start");
    assert_eq!(backwards.code(), Some("ValidationException"));
    let expired = ce
        .get_cost_and_usage()
        .time_period(interval("2020-01-01", "2020-02-01"))
        .granularity(Granularity::Monthly)
        .metrics("UnblendedCost")
        .send()
        .await
        .expect_err("too old");
    assert!(
        matches!(
            expired.as_service_error(),
            Some(GetCostAndUsageError::BillExpirationException(_))
        ),
        "{expired:?}"
    );
    let no_history = costexplorer(&emulator, &workload)
        .get_cost_forecast()
        .time_period(interval("2026-01-03", "2026-02-01"))
        .metric(Metric::UnblendedCost)
        .granularity(Granularity::Monthly)
        .send()
        .await
        .expect_err("nothing to forecast from");
    assert!(
        matches!(
            no_history.as_service_error(),
            Some(GetCostForecastError::DataUnavailableException(_))
        ),
        "{no_history:?}"
    );
}
