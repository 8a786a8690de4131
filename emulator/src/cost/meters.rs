//! Reading the meters off the world: one function per emulated service, each using the
//! timestamps that service already keeps.

use std::collections::{BTreeMap, BTreeSet};

use super::prices::{self, Price};
use super::Meter;
use crate::world::World;

/// Every meter of the `accounts` (sorted ids), in a fixed order.
pub fn meters(world: &World, accounts: &[String]) -> Vec<Meter> {
    let wanted: BTreeSet<&str> = accounts.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    guardduty(world, &wanted, &mut out);
    securityhub(world, &wanted, &mut out);
    config(world, &wanted, &mut out);
    cloudtrail(world, &wanted, &mut out);
    s3(world, &wanted, &mut out);
    out
}

/// A detector accrues from its creation; a suspended one stopped at its last update.
fn guardduty(world: &World, wanted: &BTreeSet<&str>, out: &mut Vec<Meter>) {
    for (region, state) in world.guardduty.regions.iter() {
        for (account, account_state) in state.accounts.iter() {
            let Some(detector) = &account_state.detector else {
                continue;
            };
            if !wanted.contains(account.as_str()) {
                continue;
            }
            let end = (!detector.enabled).then_some(detector.updated_ms);
            for price in [&prices::GUARDDUTY_EVENTS, &prices::GUARDDUTY_LOGS] {
                out.push(Meter::new(
                    account,
                    region,
                    price,
                    1.0,
                    detector.created_ms,
                    end,
                ));
            }
        }
    }
}

/// Each enabled standard runs its checks from the moment it was enabled.
fn securityhub(world: &World, wanted: &BTreeSet<&str>, out: &mut Vec<Meter>) {
    for (region, state) in world.securityhub.regions.iter() {
        for (account, account_state) in state.accounts.iter() {
            let Some(hub) = &account_state.hub else {
                continue;
            };
            if !wanted.contains(account.as_str()) {
                continue;
            }
            for subscription in hub.standards.values() {
                out.push(Meter::new(
                    account,
                    region,
                    &prices::SECURITYHUB_CHECKS,
                    1.0,
                    subscription.enabled_ms,
                    None,
                ));
            }
        }
    }
}

/// The recorder while it records (its last start to now, or to its stop); every rule
/// of the account and every organization rule deployed to it from its creation.
fn config(world: &World, wanted: &BTreeSet<&str>, out: &mut Vec<Meter>) {
    for (region, state) in world.config.regions.iter() {
        for (account, account_state) in state.accounts.iter() {
            if !wanted.contains(account.as_str()) {
                continue;
            }
            if let Some(recorder) = &account_state.recorder {
                let interval = match (recorder.recording, recorder.last_start_ms) {
                    (true, Some(start)) => Some((start, None)),
                    (false, Some(start)) => recorder
                        .last_stop_ms
                        .filter(|stop| *stop > start)
                        .map(|stop| (start, Some(stop))),
                    (_, None) => None,
                };
                if let Some((start, end)) = interval {
                    out.push(Meter::new(
                        account,
                        region,
                        &prices::CONFIG_ITEMS,
                        1.0,
                        start,
                        end,
                    ));
                }
            }
            for rule in account_state.rules.values() {
                out.push(config_rule(account, region, rule.created_ms));
            }
        }
        for (org_id, rules) in state.organization_rules.iter() {
            let Some(org) = world.organizations.organizations.get(org_id) else {
                continue;
            };
            for rule in rules.values() {
                for (account, member) in org.members.iter() {
                    if wanted.contains(account.as_str())
                        && !rule.excluded_accounts.iter().any(|a| a == account)
                    {
                        let start = rule.created_ms.max(member.joined_ms);
                        out.push(config_rule(account, region, start));
                    }
                }
            }
        }
    }
}

fn config_rule(account: &str, region: &str, start_ms: i64) -> Meter {
    Meter::new(
        account,
        region,
        &prices::CONFIG_EVALUATIONS,
        1.0,
        start_ms,
        None,
    )
}

/// A logging trail: start, end, owner and home region.
type Copy<'w> = (i64, Option<i64>, &'w str, &'w str);

/// The first trail that logs an account's management events is free; each further
/// logging trail covering the account is an extra copy, paid by the trail's owner from
/// when it started logging (or when the first copy did, if later).
fn cloudtrail(world: &World, wanted: &BTreeSet<&str>, out: &mut Vec<Meter>) {
    // Covered account → (start, end, owner, home region) of each trail logging it.
    let mut copies: BTreeMap<&str, Vec<Copy>> = BTreeMap::new();
    for trail in world.cloudtrail.trails.values() {
        let status = &trail.status;
        let Some(start) = status.start_logging_ms else {
            continue;
        };
        let end = if status.is_logging {
            None
        } else {
            match status.stop_logging_ms {
                Some(stop) if stop > start => Some(stop),
                _ => continue,
            }
        };
        let copy = (
            start,
            end,
            trail.account_id.as_str(),
            trail.home_region.as_str(),
        );
        let organization = trail
            .organization_id
            .as_ref()
            .filter(|_| trail.is_organization_trail)
            .and_then(|id| world.organizations.organizations.get(id));
        match organization {
            Some(org) => {
                for account in org.members.keys() {
                    copies.entry(account.as_str()).or_default().push(copy);
                }
            }
            None => copies
                .entry(trail.account_id.as_str())
                .or_default()
                .push(copy),
        }
    }
    for trails in copies.values_mut() {
        trails.sort();
        let Some(&(first_start, ..)) = trails.first() else {
            continue;
        };
        for &(start, end, owner, region) in trails.iter().skip(1) {
            if !wanted.contains(owner) {
                continue;
            }
            out.push(Meter::new(
                owner,
                region,
                &prices::CLOUDTRAIL_EXTRA_COPY,
                1.0,
                start.max(first_start),
                end,
            ));
        }
    }
}

/// Requests of the fixed workload for every bucket from its creation, and storage for
/// the bytes of every object version it holds from when it was written.
fn s3(world: &World, wanted: &BTreeSet<&str>, out: &mut Vec<Meter>) {
    const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
    for bucket in world.s3.buckets.values() {
        let owner = bucket.owner.as_str();
        if !wanted.contains(owner) {
            continue;
        }
        for price in [&prices::S3_TIER1_REQUESTS, &prices::S3_TIER2_REQUESTS] {
            out.push(Meter::new(
                owner,
                &bucket.region,
                price,
                1.0,
                bucket.created_ms,
                None,
            ));
        }
        let versions = bucket
            .objects
            .values()
            .chain(bucket.history.values().flatten());
        for object in versions {
            let bytes = object.data.0.len();
            if bytes > 0 {
                out.push(storage(
                    owner,
                    &bucket.region,
                    &prices::S3_STORAGE,
                    bytes as f64 / GIB,
                    object.last_modified_ms,
                ));
            }
        }
    }
}

fn storage(account: &str, region: &str, price: &'static Price, gb: f64, start_ms: i64) -> Meter {
    Meter::new(account, region, price, gb, start_ms, None)
}
