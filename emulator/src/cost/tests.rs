//! The cost model: hourly accrual, and meters read from the services' own timestamps.

use super::meters::meters;
use super::prices::{GUARDDUTY_EVENTS, GUARDDUTY_LOGS};
use super::{format_amount, visible_accounts, Meter, HOUR_MS};
use crate::services::guardduty::test_support::{create_detector, org_with_accounts, MANAGEMENT};
use crate::services::organizations::test_support::world;

const JAN_1: i64 = 1_767_225_600_000;

#[test]
fn a_meter_accrues_whole_hours_each_in_the_period_it_started() {
    let m = Meter::new(
        "111111111111",
        "us-east-1",
        &GUARDDUTY_EVENTS,
        1.0,
        JAN_1 + HOUR_MS / 2,
        None,
    );
    let day = 24 * HOUR_MS;
    // 10 hours later, 10 whole hours have accrued; the 11th is still running.
    let now = JAN_1 + HOUR_MS / 2 + 10 * HOUR_MS + 1;
    assert_eq!(m.accrued_hours(JAN_1, JAN_1 + day, now), 10);
    assert_eq!(m.accrued_hours(JAN_1 + day, JAN_1 + 2 * day, now), 0);
    // The hour starting 00:30 belongs to the window that holds 00:30.
    assert_eq!(m.accrued_hours(JAN_1 + HOUR_MS, JAN_1 + day, now), 9);
    // A forecast counts the running hour and the rest of the day: 24 hours in all.
    assert_eq!(m.projected_hours(JAN_1, JAN_1 + day, now), 24 - 10);
    let stopped = Meter {
        end_ms: Some(JAN_1 + HOUR_MS / 2 + 3 * HOUR_MS + 5),
        ..m.clone()
    };
    assert_eq!(stopped.accrued_hours(JAN_1, JAN_1 + day, now), 3);
    assert_eq!(stopped.projected_hours(JAN_1, JAN_1 + day, now), 0);
}

#[test]
fn guardduty_in_one_member_is_metered_in_that_member_only() {
    let mut w = world();
    w.clock.pinned_ms = Some(JAN_1);
    let members = org_with_accounts(&mut w, 2);
    create_detector(&mut w, &members[0]);
    w.clock.advance(48 * HOUR_MS);
    let all = visible_accounts(&w, MANAGEMENT);
    assert_eq!(all.len(), 3, "the management account sees every member");
    let found = meters(&w, &all);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|m| m.account == members[0]));
    let now = w.clock.now_ms();
    let cost: f64 = found
        .iter()
        .map(|m| m.usd_per_hour() * m.accrued_hours(JAN_1, now + 1, now) as f64)
        .sum();
    let hourly = GUARDDUTY_EVENTS.units_per_hour * GUARDDUTY_EVENTS.usd_per_unit
        + GUARDDUTY_LOGS.units_per_hour * GUARDDUTY_LOGS.usd_per_unit;
    assert_eq!(format_amount(cost), format_amount(48.0 * hourly));
    assert_eq!(format_amount(cost), "0.672");
    assert_eq!(visible_accounts(&w, &members[1]), vec![members[1].clone()]);
    assert!(meters(&w, &[members[1].clone()]).is_empty());
}

#[test]
fn amounts_are_written_without_trailing_zeros() {
    assert_eq!(format_amount(0.0), "0");
    assert_eq!(format_amount(1.5), "1.5");
    assert_eq!(format_amount(0.000_000_000_01), "0");
    assert_eq!(format_amount(12.0), "12");
}
