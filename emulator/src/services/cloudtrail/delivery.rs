//! Log file delivery: a logging trail writes its events as gzipped
//! `{"Records":[...]}` objects into its bucket, as CloudTrail writes (the bucket policy
//! must let `cloudtrail.amazonaws.com` put them), one object per account and region,
//! under AWS's key layout
//! `[prefix/]AWSLogs/[o-id/]<account>/CloudTrail/<region>/YYYY/MM/DD/
//! <account>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<16 chars>.json.gz`.
//! Deliveries happen once world time passes the end of a 5-minute window, at the start
//! of the next request (the `on_request` hook). Digest files are not written.

use std::collections::BTreeMap;
use std::io::Write;

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::Value;

use super::log::EventView;
use super::model::Trail;
use super::selectors::selects;
use super::trails::{delivery_principal, log_prefix};
use crate::services::s3::delivery::{deliver_object, DeliveryRefusal};
use crate::world::World;

/// CloudTrail delivers about every 5 minutes.
pub const WINDOW_MS: i64 = 5 * 60 * 1000;

/// The end of the 5-minute window `now_ms` falls in.
pub fn window_end_after(now_ms: i64) -> i64 {
    (now_ms.div_euclid(WINDOW_MS) + 1) * WINDOW_MS
}

/// Recomputes when the next delivery is due.
pub fn reschedule(world: &mut World) {
    world.cloudtrail.next_delivery_ms = world
        .cloudtrail
        .trails
        .values()
        .filter(|t| {
            t.status.is_logging || t.status.until_seq.is_some_and(|u| t.status.next_seq < u)
        })
        .map(|t| t.status.window_end_ms)
        .min();
}

/// The `on_request` hook: delivers what is due. Costs one comparison when nothing is.
pub fn deliver_due(world: &mut World) {
    let now = world.clock.now_ms();
    match world.cloudtrail.next_delivery_ms {
        Some(due) if now >= due => {}
        _ => return,
    }
    let due: Vec<String> = world
        .cloudtrail
        .trails
        .values()
        .filter(|t| t.status.window_end_ms <= now)
        .map(|t| t.arn.clone())
        .collect();
    for arn in due {
        deliver_trail(world, &arn, now);
    }
    reschedule(world);
}

/// Whether the trail covers an event: its account (or its organization's accounts),
/// its home region (or every region), and its selectors.
fn covers(world: &World, trail: &Trail, event: &EventView<'_>, account: &str) -> bool {
    let in_scope = match &trail.organization_id {
        Some(org_id) => world
            .organizations
            .organization_of(account)
            .is_some_and(|o| &o.id == org_id),
        None => account == trail.account_id,
    };
    if !in_scope {
        return false;
    }
    let global = event.service().description().global;
    let region_ok = trail.is_multi_region_trail
        || event.region() == trail.home_region
        || (global && trail.include_global_service_events);
    if !region_ok || (global && !trail.include_global_service_events) {
        return false;
    }
    selects(&trail.selectors, event)
}

fn deliver_trail(world: &mut World, arn: &str, now: i64) {
    let Some(trail) = world.cloudtrail.trails.get(arn).cloned() else {
        return;
    };
    let log = &world.cloudtrail.log;
    let until = trail.status.until_seq.unwrap_or_else(|| log.next_seq());
    // (account, region) → records, in order.
    let mut files: BTreeMap<(String, String), Vec<Value>> = BTreeMap::new();
    // A world loaded from a snapshot starts its history afresh.
    let from = trail.status.next_seq.min(log.next_seq());
    let until = until.min(log.next_seq()).max(from);
    for (seq, event) in log.range(from, until) {
        let view = EventView { seq, event, log };
        let account = view.account();
        if covers(world, &trail, &view, &account) {
            files
                .entry((account, view.region().to_string()))
                .or_default()
                .push(view.render());
        }
    }
    let mut error = None;
    let mut delivered = false;
    for ((account, region), records) in files {
        let key = object_key(world, &trail, &account, &region, now);
        let body = gzip_records(records);
        match deliver_object(
            world,
            &trail.s3_bucket_name,
            &key,
            body,
            "application/json",
            &delivery_principal(&trail),
        ) {
            Ok(()) => delivered = true,
            Err(DeliveryRefusal::NoSuchBucket) => error = Some("NoSuchBucket".to_string()),
            Err(DeliveryRefusal::AccessDenied { .. }) => error = Some("AccessDenied".to_string()),
        }
    }
    let window_end = window_end_after(now);
    if let Some(trail) = world.cloudtrail.trails.get_mut(arn) {
        let status = &mut trail.status;
        if delivered || error.is_some() {
            status.latest_delivery_attempt_ms = Some(now);
        }
        if delivered {
            status.latest_delivery_ms = Some(now);
        }
        if error.is_none() && delivered {
            status.latest_delivery_attempt_succeeded_ms = Some(now);
            status.latest_delivery_error = None;
        }
        if error.is_some() {
            status.latest_delivery_error = error;
        }
        status.next_seq = until;
        status.window_end_ms = window_end;
        if !status.is_logging {
            status.until_seq = Some(until);
        }
    }
}

/// The log file's key, with AWS's 16-character unique suffix.
fn object_key(world: &mut World, trail: &Trail, account: &str, region: &str, now: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp(now.div_euclid(1000))
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let day = format!("{:04}/{:02}/{:02}", t.year(), u8::from(t.month()), t.day());
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    );
    let unique = world.ids.base64(16).replace(['+', '/'], "x");
    format!(
        "{}CloudTrail/{region}/{day}/{account}_CloudTrail_{region}_{stamp}_{unique}.json.gz",
        log_prefix(trail, account)
    )
}

fn gzip_records(records: Vec<Value>) -> Bytes {
    let document = serde_json::json!({ "Records": records });
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    // Writing into a Vec cannot fail.
    let _ = encoder.write_all(&serde_json::to_vec(&document).unwrap_or_default());
    Bytes::from(encoder.finish().unwrap_or_default())
}
