//! The `orgsim` command line.

#![forbid(unsafe_code)]

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

use orgsim::server::{router, Access, AppState, Timeouts};
use orgsim::world::{SupportPlan, World};
use orgsim::{scenario, snapshot, Quotas, Settings};

/// Offline emulator of AWS Organizations, GuardDuty, Security Hub, Config and STS.
#[derive(Parser)]
#[command(name = "orgsim", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no subcommand, orgsim serves.
    #[command(flatten)]
    serve: ServeArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the AWS APIs on one port (the default command).
    Serve(ServeArgs),
    /// Measure a server: seed an organization, then drive it with signed requests.
    Bench(BenchArgs),
    /// Scenario files: the walkthrough as replayable, checkable steps.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Explain whether the organization's SCPs (and, for sts:AssumeRole, RCPs) let an
    /// account perform an action: the decision and each level's policies.
    Explain(ExplainArgs),
}

#[derive(Subcommand)]
enum ScenarioCommand {
    /// Run scenario files, each against a fresh in-process emulator (or --endpoint).
    /// Exits 0 when every step passes, 1 when one fails, 2 when a file is malformed.
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Scenario files (YAML or JSON).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Run against a running server instead, one file after the other.
    #[arg(long)]
    endpoint: Option<String>,
    /// With --endpoint: empty the server's world (POST /_orgsim/reset) before each file.
    #[arg(long, requires = "endpoint")]
    reset: bool,
    /// Stop after this step (its name or number); later files do not run.
    #[arg(long, value_name = "STEP")]
    until: Option<String>,
    /// Print one machine-readable JSON report at the end instead of the steps.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Clone)]
struct ExplainArgs {
    /// The account that calls.
    #[arg(long, value_parser = parse_account_id)]
    account: String,
    /// The action, e.g. guardduty:DeleteDetector.
    #[arg(long)]
    action: String,
    /// The resource's ARN (default: *).
    #[arg(long)]
    resource: Option<String>,
    /// The region the call is made in (default: us-east-1).
    #[arg(long)]
    region: Option<String>,
    /// Explain for a session of this role in the account, not its root user.
    #[arg(long)]
    role: Option<String>,
    /// Explain for this IAM user of the account.
    #[arg(long)]
    user: Option<String>,
    /// The running orgsim to ask.
    #[arg(
        long,
        default_value = "http://127.0.0.1:4566",
        env = "AWS_ENDPOINT_URL"
    )]
    endpoint: String,
    /// Print the JSON answer instead of the text.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Clone)]
struct BenchArgs {
    /// A running orgsim to measure; without it, one is started from this executable.
    #[arg(long)]
    endpoint: Option<String>,
    /// PID of the server at --endpoint, for its CPU time and memory (read from /proc).
    #[arg(long)]
    server_pid: Option<u32>,
    /// Core to pin a started server to (with taskset, when installed).
    #[arg(long, default_value_t = 0)]
    cpu: usize,
    /// Accounts to create through CreateAccount before measuring.
    #[arg(long, default_value_t = 1000)]
    accounts: usize,
    /// OUs under the root (every tenth account is moved into one).
    #[arg(long, default_value_t = 10)]
    ous: usize,
    /// Connections sending requests at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Seconds each workload runs.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Workloads to run (repeatable; default: all). One of: describe-organization,
    /// list-accounts, list-parents, create-organizational-unit, get-caller-identity,
    /// list-detectors, scp-checked (a member call through 5 SCPs), s3-put-object-1mib,
    /// s3-get-object-1mib, iam-principal (a role with 3 managed policies under 5 SCPs),
    /// event-recording (CloudTrail's record of a call, in process), cost-and-usage
    /// (GetCostAndUsage over 1,000 accounts × 90 days).
    #[arg(long = "workload")]
    workloads: Vec<String>,
    /// Run each workload a second time while state saves run back to back (a started
    /// server gets a --state file in a temporary directory).
    #[arg(long)]
    with_saves: bool,
}

#[derive(Args, Clone)]
struct ServeArgs {
    /// Address to bind (the Docker image uses 0.0.0.0).
    #[arg(long, default_value = "127.0.0.1", env = "ORGSIM_HOST")]
    host: String,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = 4566, env = "ORGSIM_PORT")]
    port: u16,
    /// Account of callers whose access key is neither 12 digits nor issued by orgsim's STS.
    #[arg(long, default_value = "000000000000", value_parser = parse_account_id)]
    default_account: String,
    /// Log level: error, warn, info (one line per request), debug, trace.
    #[arg(long, default_value = "info", env = "ORGSIM_LOG_LEVEL")]
    log_level: String,
    /// Seed for generated IDs: the same calls then give the same IDs.
    #[arg(long)]
    seed: Option<u64>,
    /// AssumeRole into a role orgsim does not hold invents it, trusting its own account
    /// and its organization (by default only roles that exist and trust the caller).
    #[arg(long)]
    lenient_roles: bool,
    /// A host name under which S3 buckets are addressed virtual-host style
    /// (`<bucket>.NAME`), besides `s3.orgsim.localhost` and `localhost`. Repeatable.
    #[arg(long = "s3-host-base", value_name = "NAME")]
    s3_host_bases: Vec<String>,
    /// Every account's AWS Support plan: business (Health and Trusted Advisor answer) or
    /// basic (they answer SubscriptionRequiredException, as AWS does).
    #[arg(long, value_enum, default_value = "business")]
    support_plan: SupportPlanArg,
    /// Milliseconds a CreateAccount stays IN_PROGRESS (it always lasts until the next request).
    #[arg(long, default_value_t = 0)]
    create_account_delay_ms: u32,
    /// Milliseconds a closed account stays PENDING_CLOSURE before SUSPENDED (it always
    /// lasts until the next request).
    #[arg(long, default_value_t = 0)]
    close_account_delay_ms: u32,
    /// Override a quota: NAME=VALUE (accounts-per-organization, ous-per-organization,
    /// ou-max-depth, concurrent-account-creations, account-min-age-days). Repeatable.
    #[arg(long = "quota", value_name = "NAME=VALUE")]
    quotas: Vec<String>,
    /// Load the world from FILE at start (if it exists) and save it there on shutdown
    /// and on `POST /_orgsim/state/save`.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Also answer requests whose Host is NAME (repeatable). A loopback-bound server
    /// otherwise answers only loopback names (localhost, 127.0.0.1, [::1]), against DNS
    /// rebinding; with a non-loopback --host, naming hosts turns that check on.
    #[arg(long = "allow-host", value_name = "NAME")]
    allow_hosts: Vec<String>,
    /// Seconds a client may take to send a request's headers (and a kept-alive
    /// connection may wait for its next request).
    #[arg(long, default_value_t = 30.0, value_name = "SECONDS", value_parser = parse_seconds)]
    header_read_timeout: f64,
    /// Seconds a connection may stay silent, in either direction, before it is closed.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS", value_parser = parse_seconds)]
    idle_timeout: f64,
    /// Run these scenario files before listening, so a class starts from a chapter.
    /// With --state, only when the state file does not exist yet.
    #[arg(long = "scenario", value_name = "FILE", num_args = 1..)]
    scenarios: Vec<PathBuf>,
}

fn parse_seconds(value: &str) -> Result<f64, String> {
    match value.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86_400.0 => Ok(s),
        _ => Err(format!(
            "'{value}' is not a number of seconds between 0 and 86400"
        )),
    }
}

fn parse_account_id(value: &str) -> Result<String, String> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_string())
    } else {
        Err(format!("'{value}' is not a 12-digit account id"))
    }
}

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Serve(args)) => serve(args),
        Some(Command::Bench(args)) => bench(args),
        Some(Command::Scenario(ScenarioCommand::Run(args))) => {
            std::process::exit(run_scenarios(args))
        }
        Some(Command::Explain(args)) => explain(args),
        None => serve(cli.serve),
    };
    if let Err(message) = result {
        eprintln!("orgsim: {message}");
        std::process::exit(1);
    }
}

/// Loads every file, reporting every malformed one with file and line.
fn load_scenarios(files: &[PathBuf]) -> Result<Vec<scenario::Scenario>, String> {
    let mut loaded = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match scenario::load(file) {
            Ok(s) => loaded.push(s),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if errors.is_empty() {
        Ok(loaded)
    } else {
        Err(errors.join("\n"))
    }
}

/// `orgsim scenario run`: the exit code.
fn run_scenarios(args: RunArgs) -> i32 {
    let scenarios = match load_scenarios(&args.files) {
        Ok(s) => s,
        Err(errors) => {
            eprintln!("{errors}");
            return 2;
        }
    };
    let stop_after = scenario::StopAfter(args.until.clone());
    if let Some(step) = &args.until {
        if !scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .any(|s| stop_after.matches(s))
        {
            eprintln!("orgsim: --until {step}: no step has that name or number");
            return 2;
        }
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("orgsim: cannot start the runtime: {e}");
            return 1;
        }
    };
    let reports = runtime.block_on(async {
        let mut reporter: Box<dyn scenario::Reporter> = if args.json {
            Box::new(scenario::Quiet)
        } else {
            Box::new(scenario::Console::new(std::io::stdout()))
        };
        let client = args.endpoint.as_deref().map(orgsim::client::Client::new);
        let mut reports = Vec::new();
        for s in &scenarios {
            let report = match (&client, &args.endpoint) {
                (Some(client), Some(endpoint)) => {
                    if args.reset {
                        scenario::local::reset_endpoint(endpoint).await?;
                    }
                    scenario::run_scenario(s, client, &stop_after, reporter.as_mut()).await
                }
                _ => {
                    scenario::local::run_in_process(s, &stop_after, reporter.as_mut())
                        .await
                        .0
                }
            };
            let stop = report.stopped_after.is_some();
            reports.push(report);
            if stop {
                break;
            }
        }
        Ok::<_, String>(reports)
    });
    let reports = match reports {
        Ok(r) => r,
        Err(message) => {
            eprintln!("orgsim: {message}");
            return 1;
        }
    };
    let passed = reports.iter().all(|r| r.passed);
    if args.json {
        let report = scenario::report::json_report(&reports);
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    } else {
        let failed = reports.iter().filter(|r| !r.passed).count();
        println!(
            "{} scenario(s): {} passed, {failed} failed",
            reports.len(),
            reports.len() - failed
        );
    }
    if passed {
        0
    } else {
        1
    }
}

/// `--support-plan` as clap reads it.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum SupportPlanArg {
    Basic,
    Business,
}

fn serve(args: ServeArgs) -> Result<(), String> {
    let filter = EnvFilter::try_new(&args.log_level)
        .map_err(|e| format!("--log-level '{}': {e}", args.log_level))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()))
        .init();
    let mut quotas = Quotas::default();
    for assignment in &args.quotas {
        quotas.set(assignment)?;
    }
    let settings = Settings {
        default_account: args.default_account.clone(),
        lenient_roles: args.lenient_roles,
        seed: args.seed,
        create_account_delay_ms: i64::from(args.create_account_delay_ms),
        close_account_delay_ms: i64::from(args.close_account_delay_ms),
        quotas,
        s3_host_bases: {
            let mut bases = args.s3_host_bases.clone();
            bases.extend(Settings::default().s3_host_bases);
            bases
        },
        support_plan: match args.support_plan {
            SupportPlanArg::Basic => SupportPlan::Basic,
            SupportPlanArg::Business => SupportPlan::Business,
        },
    };
    let scenarios = load_scenarios(&args.scenarios)?;
    let address: SocketAddr = format!("{}:{}", args.host, args.port)
        .parse()
        .map_err(|e| format!("--host/--port '{}:{}': {e}", args.host, args.port))?;
    if let Some(path) = &args.state {
        // An unwritable place is reported now, not at shutdown when every change is lost.
        let removed = snapshot::prepare(path)?;
        if removed > 0 {
            tracing::info!(file = %path.display(), removed, "removed temporary files an interrupted save left");
        }
    }
    let mut loaded_state = false;
    let world = match &args.state {
        Some(path) => match snapshot::load(path)? {
            Some(mut loaded) => {
                // The flags of this run win over the settings saved with the world.
                loaded.settings = settings.clone();
                // Keys the last run issued after its last save are not in the file; a
                // new credential epoch keeps the replayed ID stream from minting them
                // again for someone else.
                loaded.sts.key_epoch += 1;
                tracing::info!(file = %path.display(), "state loaded");
                loaded_state = true;
                loaded
            }
            None => World::new(settings.clone()),
        },
        None => World::new(settings.clone()),
    };
    let access = Access::for_bind(address.ip(), args.allow_hosts.clone());
    let timeouts = Timeouts {
        header_read: Duration::from_secs_f64(args.header_read_timeout),
        idle: Duration::from_secs_f64(args.idle_timeout),
    };
    let app_state = AppState::with_world(settings, world, args.state.clone(), access);
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async move {
        if loaded_state && !scenarios.is_empty() {
            // The saved world already holds what the scenarios built the first time.
            tracing::info!("state file loaded: --scenario files not run again");
        } else if !scenarios.is_empty() {
            let mut console = scenario::Console::new(std::io::stdout());
            scenario::local::preload(app_state.clone(), &scenarios, &mut console).await?;
        }
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .map_err(|e| format!("cannot bind {address}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        print_banner(bound, &args.default_account);
        let app = router(app_state.clone());
        orgsim::server::serve(listener, app, timeouts, shutdown_signal()).await;
        if let Some(path) = app_state.save().await? {
            tracing::info!(file = %path.display(), "state saved");
        }
        tracing::info!("orgsim stopped");
        Ok(())
    })
}

fn bench(args: BenchArgs) -> Result<(), String> {
    for workload in &args.workloads {
        if !orgsim::bench::WORKLOADS.contains(&workload.as_str()) {
            return Err(format!(
                "unknown workload '{workload}' (known: {})",
                orgsim::bench::WORKLOADS.join(", ")
            ));
        }
    }
    let options = orgsim::bench::BenchOptions {
        endpoint: args.endpoint,
        server_pid: args.server_pid,
        cpu: Some(args.cpu),
        accounts: args.accounts,
        ous: args.ous,
        concurrency: args.concurrency,
        seconds: args.seconds,
        workloads: args.workloads,
        with_saves: args.with_saves,
    };
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(orgsim::bench::run(options))
}

fn explain(args: ExplainArgs) -> Result<(), String> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("account", &args.account);
    query.append_pair("action", &args.action);
    for (name, value) in [
        ("resource", &args.resource),
        ("region", &args.region),
        ("role", &args.role),
        ("user", &args.user),
    ] {
        if let Some(value) = value {
            query.append_pair(name, value);
        }
    }
    let path = format!("/_orgsim/explain?{}", query.finish());
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| format!("cannot start the runtime: {e}"))?;
    let client = orgsim::client::Client::new(&args.endpoint);
    let (status, answer) = runtime.block_on(client.admin_get(&path))?;
    if status != 200 {
        return Err(answer["error"]
            .as_str()
            .unwrap_or("explain failed")
            .to_string());
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&answer).unwrap_or_default()
        );
    } else {
        print!("{}", answer["text"].as_str().unwrap_or_default());
    }
    Ok(())
}

fn print_banner(bound: SocketAddr, default_account: &str) {
    let host = if bound.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        bound.ip().to_string()
    };
    let url = format!("http://{host}:{}", bound.port());
    println!(
        "orgsim {} listening on {url}\n\n\
         Point an AWS SDK or the AWS CLI at it:\n  \
           export AWS_ENDPOINT_URL={url}\n  \
           export AWS_ACCESS_KEY_ID=111111111111      # a 12-digit key acts as that account's root\n  \
           export AWS_SECRET_ACCESS_KEY=orgsim        # any secret; signatures are not checked\n  \
           export AWS_REGION=us-east-1\n\n\
         Any other access key acts as the default account {default_account}.\n\
         Admin: {url}/_orgsim/health, POST {url}/_orgsim/reset, {url}/_orgsim/state, {url}/_orgsim/clock, {url}/_orgsim/explain. Ctrl-C stops.\n",
        env!("CARGO_PKG_VERSION")
    );
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
