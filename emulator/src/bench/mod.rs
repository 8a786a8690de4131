//! `orgsim bench`: seeds an organization through the API, then drives a running orgsim
//! over HTTP with SigV4-signed requests and reports throughput, latency, errors, and the
//! server's CPU time per request and memory (issue 9). Run by hand, never by tests.

pub mod process;
mod recording;
mod saves;
mod seed;

use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::api::ServiceId;
use crate::client::{Client, Signer};
use process::{usage, Usage};

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// A running orgsim; `None` spawns one from this executable.
    pub endpoint: Option<String>,
    /// PID of the server at `endpoint`, for CPU and memory figures.
    pub server_pid: Option<u32>,
    /// Core to pin a spawned server to (`taskset`).
    pub cpu: Option<usize>,
    pub accounts: usize,
    pub ous: usize,
    pub concurrency: usize,
    pub seconds: f64,
    /// Workload names; empty = all.
    pub workloads: Vec<String>,
    /// Also run each workload while `POST /_orgsim/state/save` runs back to back (a
    /// spawned server gets a `--state` file in a temporary directory).
    pub with_saves: bool,
}

/// The workloads: name, and the call each request makes.
pub const WORKLOADS: &[&str] = &[
    "describe-organization",
    "list-accounts",
    "list-parents",
    "create-organizational-unit",
    "get-caller-identity",
    "list-detectors",
    "scp-checked",
    "s3-put-object-1mib",
    "s3-get-object-1mib",
    "iam-principal",
    "event-recording",
    "cost-and-usage",
];

/// Accounts the `cost-and-usage` workload turns GuardDuty on in (issue 17's budget is
/// for 1,000 accounts).
const COST_ACCOUNTS: usize = 1_000;
/// Days of history it queries, DAILY.
const COST_DAYS: i64 = 90;

/// Calls the in-process `event-recording` workload records: more than the history
/// keeps, so the memory figure is that of a full history.
const RECORDED_CALLS: usize = 250_000;

/// The object size of the S3 workloads.
const OBJECT_BYTES: usize = 1024 * 1024;
/// The bucket the S3 workloads use.
const BENCH_BUCKET: &str = "orgsim-bench";

/// One workload's figures.
#[derive(Debug)]
pub struct WorkloadReport {
    pub name: String,
    pub requests: usize,
    pub errors: usize,
    pub first_error: Option<String>,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Server CPU per request (ms), when the server's PID is known.
    pub cpu_ms_per_request: Option<f64>,
    pub rss_mib_after: Option<f64>,
    /// Why it did not run, if it did not.
    pub skipped: Option<String>,
    /// The saves that ran alongside, if any.
    pub saves: Option<saves::SaveReport>,
}

pub async fn run(options: BenchOptions) -> Result<(), String> {
    let state_dir = std::env::temp_dir().join(format!("orgsim-bench-{}", std::process::id()));
    let result = measure(options, &state_dir).await;
    let _ = std::fs::remove_dir_all(&state_dir);
    result
}

async fn measure(options: BenchOptions, state_dir: &std::path::Path) -> Result<(), String> {
    let spawned = match &options.endpoint {
        Some(_) => None,
        None => {
            // Room for the seeded accounts beyond the default quota (and for the OUs
            // the create workload makes).
            let quotas = [
                format!(
                    "accounts-per-organization={}",
                    options.accounts.max(10_000) + 1
                ),
                "ous-per-organization=10000000".to_string(),
            ];
            let mut args: Vec<String> = quotas
                .iter()
                .flat_map(|q| ["--quota".to_string(), q.clone()])
                .collect();
            if options.with_saves {
                std::fs::create_dir_all(state_dir)
                    .map_err(|e| format!("{}: {e}", state_dir.display()))?;
                let file = state_dir.join("state.json");
                args.extend(["--state".to_string(), file.display().to_string()]);
            }
            Some(process::spawn_server(options.cpu.or(Some(0)), &args)?)
        }
    };
    let url = options
        .endpoint
        .clone()
        .or_else(|| spawned.as_ref().map(|s| s.url.clone()))
        .unwrap_or_default();
    let pid = options
        .server_pid
        .or_else(|| spawned.as_ref().map(|s| s.child.id()));
    println!("orgsim bench against {url}");
    if let Some(server) = &spawned {
        println!(
            "  cold start (exec → first answer): {:.1} ms",
            server.cold_start.as_secs_f64() * 1000.0
        );
    }
    if let Some(idle) = pid.and_then(usage) {
        println!("  idle RSS: {:.1} MiB", idle.rss_kib as f64 / 1024.0);
    }

    let client = Client::new(&url);
    let seeded = seed::seed(&client, &url, options.accounts, options.ous).await?;
    println!(
        "  seeded {} accounts and {} OUs in {:.2} s ({:.0} CreateAccount/s)",
        options.accounts,
        seeded.ous.len(),
        seeded.elapsed.as_secs_f64(),
        options.accounts as f64 / seeded.elapsed.as_secs_f64().max(1e-9)
    );
    if let Some(after) = pid.and_then(usage) {
        println!(
            "  RSS with {} accounts: {:.1} MiB",
            options.accounts,
            after.rss_kib as f64 / 1024.0
        );
    }
    let selected: Vec<&str> = WORKLOADS
        .iter()
        .copied()
        .filter(|w| options.workloads.is_empty() || options.workloads.iter().any(|x| x == w))
        .collect();
    let mut seeded = seeded;
    if selected.contains(&"scp-checked") || selected.contains(&"iam-principal") {
        let member = seed::seed_scps(&client, &seeded).await?;
        println!(
            "  attached 4 guardrail SCPs (5 with FullAWSAccess) on the path of member {member}"
        );
        seeded.scp_member = Some(Signer::new(&member, "us-east-1"));
        if selected.contains(&"iam-principal") {
            seeded.iam_principal = Some(seed::seed_iam_principal(&client, &seeded, &member).await?);
            println!("  a role with 3 managed policies in {member}, assumed from management");
        }
    }
    if selected.iter().any(|w| w.starts_with("s3-")) {
        seed_bucket(&client, &seeded).await?;
        println!("  created bucket {BENCH_BUCKET} with one {OBJECT_BYTES}-byte object");
    }
    if selected.contains(&"cost-and-usage") {
        let (start, end, accounts) = seed_costs(&client, &seeded).await?;
        println!(
            "  GuardDuty on in {accounts} accounts, clock advanced {} days: \
             GetCostAndUsage DAILY {start} to {end}, UnblendedCost, from the management account",
            COST_DAYS + 1
        );
        seeded.cost_window = Some((start, end));
    }
    let seeded = Arc::new(seeded);

    println!(
        "\n  {:<28} {:>9} {:>10} {:>9} {:>9} {:>7} {:>12} {:>9}",
        "workload", "requests", "req/s", "p50 ms", "p99 ms", "errors", "cpu ms/req", "RSS MiB"
    );
    for name in selected {
        if name == "event-recording" {
            print_recording(recording::run(RECORDED_CALLS));
            continue;
        }
        let report = run_workload(&client, name, &seeded, &options, pid, false).await;
        print_row(&report);
        if options.with_saves && report.skipped.is_none() {
            let report = run_workload(&client, name, &seeded, &options, pid, true).await;
            print_row(&report);
        }
    }
    Ok(())
}

/// The `event-recording` workload's row: in-process, so no requests or latency.
fn print_recording(r: recording::RecordingReport) {
    println!(
        "  {:<28} {:>9} {:>10} {:>9} {:>9} {:>7} {:>12} {:>9}",
        "event-recording",
        r.calls,
        "-",
        "-",
        "-",
        0,
        format!("{:.5}", r.cpu_ms_per_call),
        "-"
    );
    println!(
        "    in-process: CloudTrail's record of each call costs {:.5} ms of CPU; \
         {:.0} bytes per retained event ({} retained)",
        r.cpu_ms_per_call, r.bytes_per_event, r.retained
    );
}

fn print_row(r: &WorkloadReport) {
    if let Some(why) = &r.skipped {
        println!("  {:<28} skipped: {why}", r.name);
        return;
    }
    let cpu = r
        .cpu_ms_per_request
        .map(|c| format!("{c:.4}"))
        .unwrap_or_else(|| "-".into());
    let rss = r
        .rss_mib_after
        .map(|m| format!("{m:.1}"))
        .unwrap_or_else(|| "-".into());
    println!(
        "  {:<28} {:>9} {:>10.0} {:>9.3} {:>9.3} {:>7} {:>12} {:>9}",
        r.name, r.requests, r.per_second, r.p50_ms, r.p99_ms, r.errors, cpu, rss
    );
    if let Some(e) = &r.first_error {
        println!("    first error: {e}");
    }
    if let Some(saves) = &r.saves {
        println!(
            "    alongside: {} saves ({} failed), {:.1} MB each, save p50 {:.1} ms, p99 {:.1} ms",
            saves.saves, saves.failures, saves.megabytes, saves.p50_ms, saves.p99_ms
        );
        if let Some(e) = &saves.first_error {
            println!("    first save error: {e}");
        }
    }
    if let (true, Some(cpu)) = (r.name.starts_with("s3-"), r.cpu_ms_per_request) {
        println!(
            "    {:.0} MB/s on the wire, {:.0} MB/s per server core (1 MiB / server CPU per request)",
            r.per_second * OBJECT_BYTES as f64 / 1e6,
            OBJECT_BYTES as f64 / 1e6 / (cpu / 1000.0).max(1e-9)
        );
    }
}

/// The 1 MiB object both S3 workloads move (printable bytes, so it travels as a JSON
/// string through orgsim's client).
fn object_body() -> Value {
    Value::String("orgsim-b".repeat(OBJECT_BYTES / 8))
}

async fn seed_bucket(client: &Client, seeded: &seed::Seeded) -> Result<(), String> {
    let bucket = json!({"Bucket": BENCH_BUCKET});
    match client
        .call(&seeded.management, ServiceId::S3, "CreateBucket", &bucket)
        .await
    {
        Ok(_) => {}
        Err(e) if e.code == "BucketAlreadyOwnedByYou" => {}
        Err(e) => return Err(format!("CreateBucket: {e}")),
    }
    let put = json!({"Bucket": BENCH_BUCKET, "Key": "seed", "Body": object_body()});
    client
        .call(&seeded.management, ServiceId::S3, "PutObject", &put)
        .await
        .map(|_| ())
        .map_err(|e| format!("PutObject: {e}"))
}

/// Turns GuardDuty on in the management account and up to [`COST_ACCOUNTS`] members,
/// then moves the world clock past [`COST_DAYS`] days, so every day of the window has
/// cost in every one of them. Answers the window and the accounts metered.
async fn seed_costs(
    client: &Client,
    seeded: &seed::Seeded,
) -> Result<(String, String, usize), String> {
    let mut signers = vec![seeded.management.clone()];
    signers.extend(
        seeded
            .accounts
            .iter()
            .take(COST_ACCOUNTS.saturating_sub(1))
            .map(|account| Signer::new(account, "us-east-1")),
    );
    for signer in &signers {
        match client
            .call(
                signer,
                ServiceId::GuardDuty,
                "CreateDetector",
                &json!({"enable": true}),
            )
            .await
        {
            Ok(_) => {}
            // A second run against the same server finds the detectors there.
            Err(e) if e.message.contains("detector already exists") => {}
            Err(e) => return Err(format!("CreateDetector: {e}")),
        }
    }
    let advance = json!({"advance_seconds": (COST_DAYS + 1) * 86_400});
    let (status, clock) = client.admin_post_json("/_orgsim/clock", &advance).await?;
    if status != 200 {
        return Err(format!("POST /_orgsim/clock: {status} {clock}"));
    }
    let now = clock["now_ms"]
        .as_i64()
        .ok_or("the clock answer has no now_ms")?;
    let day = |ms: i64| crate::world::iso8601(ms)[..10].to_string();
    let start = day(now - COST_DAYS * 86_400_000);
    Ok((start, day(now), signers.len()))
}

/// The call a workload makes: (signer, service, operation, input) for request `n`.
fn request_for(
    name: &str,
    n: usize,
    seeded: &seed::Seeded,
) -> (Signer, ServiceId, &'static str, Value) {
    let management = seeded.management.clone();
    match name {
        "describe-organization" => (
            management,
            ServiceId::Organizations,
            "DescribeOrganization",
            json!({}),
        ),
        "list-accounts" => (
            management,
            ServiceId::Organizations,
            "ListAccounts",
            json!({"MaxResults": 20}),
        ),
        "list-parents" => {
            let child = &seeded.accounts[n % seeded.accounts.len().max(1)];
            (
                management,
                ServiceId::Organizations,
                "ListParents",
                json!({"ChildId": child}),
            )
        }
        "create-organizational-unit" => {
            let parent = &seeded.ous[n % seeded.ous.len().max(1)];
            (
                management,
                ServiceId::Organizations,
                "CreateOrganizationalUnit",
                json!({"ParentId": parent, "Name": format!("bench-{n}-{}", seeded.run_id)}),
            )
        }
        "get-caller-identity" => (management, ServiceId::Sts, "GetCallerIdentity", json!({})),
        // A member's call, checked against the SCPs on its path (root, OU, account).
        "scp-checked" => (
            seeded.scp_member.clone().unwrap_or(management),
            ServiceId::GuardDuty,
            "ListDetectors",
            json!({}),
        ),
        // Keys cycle so the bucket holds a bounded set of objects.
        "s3-put-object-1mib" => (
            management,
            ServiceId::S3,
            "PutObject",
            json!({"Bucket": BENCH_BUCKET, "Key": format!("put-{}", n % 64), "Body": object_body()}),
        ),
        "s3-get-object-1mib" => (
            management,
            ServiceId::S3,
            "GetObject",
            json!({"Bucket": BENCH_BUCKET, "Key": "seed"}),
        ),
        // The same call by a role session: identity policies, then the SCPs.
        "iam-principal" => (
            seeded.iam_principal.clone().unwrap_or(management),
            ServiceId::GuardDuty,
            "ListDetectors",
            json!({}),
        ),
        // Every day's total over the organization: the management account sees all.
        "cost-and-usage" => {
            let (start, end) = seeded.cost_window.clone().unwrap_or_default();
            (
                management,
                ServiceId::CostExplorer,
                "GetCostAndUsage",
                json!({
                    "TimePeriod": {"Start": start, "End": end},
                    "Granularity": "DAILY",
                    "Metrics": ["UnblendedCost"],
                }),
            )
        }
        _ => (management, ServiceId::GuardDuty, "ListDetectors", json!({})),
    }
}

async fn run_workload(
    client: &Client,
    name: &str,
    seeded: &Arc<seed::Seeded>,
    options: &BenchOptions,
    pid: Option<u32>,
    with_saves: bool,
) -> WorkloadReport {
    let mut report = WorkloadReport {
        name: if with_saves {
            format!("{name} +saves")
        } else {
            name.to_string()
        },
        requests: 0,
        errors: 0,
        first_error: None,
        per_second: 0.0,
        p50_ms: 0.0,
        p99_ms: 0.0,
        cpu_ms_per_request: None,
        rss_mib_after: None,
        skipped: None,
        saves: None,
    };
    // One probe call: an operation orgsim has not built yet is skipped, not failed.
    let (signer, service, operation, input) = request_for(name, usize::MAX / 2, seeded);
    if let Err(e) = client.call(&signer, service, operation, &input).await {
        if e.code == "NotImplemented" {
            report.skipped = Some(format!("{service}:{operation} is not built yet"));
            return report;
        }
    }
    let before: Option<Usage> = pid.and_then(usage);
    let deadline = Instant::now() + Duration::from_secs_f64(options.seconds);
    let started = Instant::now();
    let saver = with_saves.then(|| tokio::spawn(saves::save_until(client.clone(), deadline)));
    let mut tasks = Vec::new();
    for worker in 0..options.concurrency.max(1) {
        let client = client.clone();
        let seeded = seeded.clone();
        let name = name.to_string();
        let stride = options.concurrency.max(1);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut first_error = None;
            let mut n = worker;
            while Instant::now() < deadline {
                let (signer, service, operation, input) = request_for(&name, n, &seeded);
                let t = Instant::now();
                let result = client.call(&signer, service, operation, &input).await;
                latencies.push(t.elapsed().as_micros() as u32);
                if let Err(e) = result {
                    errors += 1;
                    first_error.get_or_insert_with(|| e.to_string());
                }
                n += stride;
            }
            (latencies, errors, first_error)
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        if let Ok((l, e, first)) = task.await {
            latencies.extend(l);
            report.errors += e;
            if report.first_error.is_none() {
                report.first_error = first;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(saver) = saver {
        report.saves = saver.await.ok();
    }
    let after: Option<Usage> = pid.and_then(usage);
    latencies.sort_unstable();
    report.requests = latencies.len();
    report.per_second = report.requests as f64 / elapsed.max(1e-9);
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies[i] as f64 / 1000.0
    };
    report.p50_ms = percentile(0.50);
    report.p99_ms = percentile(0.99);
    if let (Some(b), Some(a)) = (before, after) {
        report.cpu_ms_per_request = Some((a.cpu_ms - b.cpu_ms) / report.requests.max(1) as f64);
        report.rss_mib_after = Some(a.rss_kib as f64 / 1024.0);
    }
    report
}
