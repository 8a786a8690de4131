//! Saves alongside a workload (`--with-saves`): `POST /_orgsim/state/save` back to
//! back from one connection, the worst a user's script could do, to see that saves
//! neither fail nor slow the requests served meanwhile.

use std::time::Instant;

use crate::client::Client;

/// How the saves went.
#[derive(Debug, Default)]
pub struct SaveReport {
    pub saves: usize,
    pub failures: usize,
    pub first_error: Option<String>,
    /// Size of the state file after the last save.
    pub megabytes: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// Saves one after the other until `deadline`.
pub async fn save_until(client: Client, deadline: Instant) -> SaveReport {
    let mut report = SaveReport::default();
    let mut latencies = Vec::new();
    let mut file = None;
    while Instant::now() < deadline {
        let started = Instant::now();
        let answer = client.admin_post("/_orgsim/state/save").await;
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
        match answer {
            Ok((200, body)) => {
                report.saves += 1;
                file = body["saved"].as_str().map(str::to_string);
            }
            Ok((status, body)) => {
                report.failures += 1;
                report
                    .first_error
                    .get_or_insert_with(|| format!("{status}: {}", body["error"]));
                if status == 400 {
                    break; // no --state: nothing will change
                }
            }
            Err(e) => {
                report.failures += 1;
                report.first_error.get_or_insert(e);
            }
        }
    }
    latencies.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    report.p50_ms = percentile(0.5);
    report.p99_ms = percentile(0.99);
    report.megabytes = file
        .and_then(|f| std::fs::metadata(f).ok())
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0);
    report
}
