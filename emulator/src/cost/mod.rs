//! The cost model (README, "Cost model"): what every account's emulated services cost,
//! as a pure function of the world's state and its clock. Cost Explorer and Budgets read
//! it; nothing here is stored.
//!
//! Each thing that is on in an account — a GuardDuty detector, a Security Hub standard,
//! a Config recorder or rule, an extra CloudTrail copy, an S3 bucket and its objects — is
//! a [`Meter`]: an account, a region, a [`prices::Price`] with its fixed hourly workload,
//! and the world-time interval it has been on, read from the timestamps the services
//! already keep (detector `createdAt`, standard `enabled`, recorder last start/stop,
//! trail `StartLogging`, bucket and object times). A meter accrues its hourly cost at the
//! end of every whole hour it has been on, and each hour belongs to the period its start
//! falls in, so the same history always gives the same bill.

pub mod expression;
pub mod meters;
pub mod prices;

use prices::Price;

use crate::world::World;

/// One hour of world time.
pub const HOUR_MS: i64 = 3_600_000;

/// Something that is on in an account and costs money by the hour.
#[derive(Clone, Debug)]
pub struct Meter {
    /// The account that pays (the trail's owner for an extra CloudTrail copy).
    pub account: String,
    pub region: String,
    pub price: &'static Price,
    /// The usage type with its region prefix (`USE1-PaidEventsAnalyzed`).
    pub usage_type: String,
    /// Units of usage an hour (the price's workload, times the GB stored for S3).
    pub units_per_hour: f64,
    /// When it was turned on (world ms).
    pub start_ms: i64,
    /// When it was turned off, if it was.
    pub end_ms: Option<i64>,
}

/// `ceil(a / b)` for `b > 0`.
fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

impl Meter {
    pub fn new(
        account: &str,
        region: &str,
        price: &'static Price,
        quantity: f64,
        start_ms: i64,
        end_ms: Option<i64>,
    ) -> Meter {
        Meter {
            account: account.to_string(),
            region: region.to_string(),
            price,
            usage_type: format!("{}-{}", prices::region_prefix(region), price.usage_type),
            units_per_hour: price.units_per_hour * quantity,
            start_ms,
            end_ms,
        }
    }

    /// Cost of one hour on, in USD.
    pub fn usd_per_hour(&self) -> f64 {
        self.units_per_hour * self.price.usd_per_unit
    }

    /// The hours numbered `lowest..=highest` (hour k runs from `start + (k-1)h`) whose
    /// start lies in `[from, to)`.
    fn hours_starting_in(&self, lowest: i64, highest: i64, from: i64, to: i64) -> i64 {
        let first = lowest.max(1 + ceil_div(from - self.start_ms, HOUR_MS));
        let last = highest.min(ceil_div(to - self.start_ms, HOUR_MS));
        (last - first + 1).max(0)
    }

    /// Whole hours completed by `now` (and before the meter stopped).
    fn completed_hours(&self, now: i64) -> i64 {
        let until = self.end_ms.map_or(now, |end| end.min(now));
        (until - self.start_ms).div_euclid(HOUR_MS).max(0)
    }

    /// Hours accrued by `now` that belong to `[from, to)`.
    pub fn accrued_hours(&self, from: i64, to: i64, now: i64) -> i64 {
        self.hours_starting_in(1, self.completed_hours(now), from, to)
    }

    /// Hours not accrued yet at `now` that will belong to `[from, to)` if the meter
    /// stays on: what a forecast adds.
    pub fn projected_hours(&self, from: i64, to: i64, now: i64) -> i64 {
        if self.end_ms.is_some() {
            return 0;
        }
        self.hours_starting_in(self.completed_hours(now) + 1, i64::MAX, from, to)
    }
}

/// The accounts whose costs `account` sees: the management account of an organization
/// sees every member (consolidated billing), any other account only itself.
pub fn visible_accounts(world: &World, account: &str) -> Vec<String> {
    match world.organizations.organization_of(account) {
        Some(org) if org.management_account_id == account => {
            org.members.keys().map(ToString::to_string).collect()
        }
        _ => vec![account.to_string()],
    }
}

/// An account's name, as the `LINKED_ACCOUNT` dimension describes it.
pub fn account_name(world: &World, account: &str) -> String {
    world
        .organizations
        .accounts
        .get(account)
        .map(|record| record.name.to_string())
        .unwrap_or_else(|| account.to_string())
}

/// An amount as Cost Explorer and Budgets write it: up to 10 decimals, no trailing zeros.
pub fn format_amount(value: f64) -> String {
    let text = format!("{:.10}", value);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text.is_empty() || text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests;

/// Every account's cost from the first instant of the current month (UTC, world clock)
/// until now, in USD, across all regions: what the web view shows per account. Accounts
/// with nothing on are absent.
pub fn month_to_date_by_account(world: &World) -> std::collections::BTreeMap<String, f64> {
    let now = world.clock.now_ms();
    let from = crate::services::costexplorer::periods::month_start(now);
    let accounts: Vec<String> = world
        .organizations
        .accounts
        .keys()
        .map(ToString::to_string)
        .collect();
    let mut totals = std::collections::BTreeMap::new();
    for meter in meters::meters(world, &accounts) {
        let hours = meter.accrued_hours(from, now + 1, now);
        if hours > 0 {
            *totals.entry(meter.account.clone()).or_insert(0.0) +=
                meter.usd_per_hour() * hours as f64;
        }
    }
    totals
}
