//! Every file in `scenarios/` replayed: in-process, against a spawned `orgsim serve`
//! over HTTP, twice with the same seed (byte-for-byte the same world), preloaded with
//! `serve --scenario`, and surviving SIGTERM with `--state`. Plus how failures read:
//! a wrong expectation (a diff, exit 1) and a malformed file (file:line, exit 2).

use orgsim::api::ServiceId;
use orgsim::client::{Client, Signer};
use orgsim::scenario::{self, local, Quiet, StopAfter};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const ORGSIM: &str = env!("CARGO_BIN_EXE_orgsim");

fn scenario_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("scenarios/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the chapters are missing: {files:?}");
    files
}

fn chapter(prefix: &str) -> PathBuf {
    scenario_files()
        .into_iter()
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .unwrap_or_else(|| panic!("no chapter {prefix}"))
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("orgsim-scenarios-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An `orgsim serve` child; killed if a test ends without stopping it.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    fn spawn(args: &[&str]) -> Server {
        let mut child = Command::new(ORGSIM)
            .args(["serve", "--port", "0", "--log-level", "warn"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn orgsim serve");
        let stdout = child.stdout.take().unwrap();
        let (found, url) = mpsc::channel();
        // Reads the banner for the URL, then keeps draining so the server never blocks.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.find("listening on ") {
                    let _ = found.send(line[at + "listening on ".len()..].trim().to_string());
                }
            }
        });
        let url = url
            .recv_timeout(Duration::from_secs(60))
            .expect("orgsim serve printed its URL");
        Server { child, url }
    }

    /// SIGTERM, then wait: the server saves its state and exits 0.
    fn terminate(mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(status.success());
        let exit = self.child.wait().expect("wait for orgsim");
        assert!(exit.success(), "orgsim exited with {exit}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn run_cli(args: &[&str]) -> Output {
    Command::new(ORGSIM)
        .args(args)
        .output()
        .expect("run orgsim")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn http_get(url: &str) -> Value {
    use http_body_util::{BodyExt, Empty};
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Empty<bytes::Bytes>>();
    let response = http.get(url.parse().unwrap()).await.expect(url);
    assert!(
        response.status().is_success(),
        "{url}: {}",
        response.status()
    );
    let body = response.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&body).expect("JSON")
}

#[tokio::test]
async fn every_chapter_passes_in_process() {
    for file in scenario_files() {
        let scenario = scenario::load(&file).unwrap_or_else(|e| panic!("{e}"));
        let mut console = scenario::Console::new(Vec::new());
        let (report, _emulator) =
            local::run_in_process(&scenario, &StopAfter::default(), &mut console).await;
        assert!(
            report.passed,
            "{}",
            String::from_utf8_lossy(&console.into_inner())
        );
        assert!(
            report.steps.len() >= 10,
            "{}: a chapter, not a stub",
            file.display()
        );
    }
}

#[tokio::test]
async fn the_readme_example_runs() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/README.md"),
    )
    .unwrap();
    let example = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a YAML example in scenarios/README.md");
    let scenario = scenario::parse("README.md", example).unwrap_or_else(|e| panic!("{e}"));
    assert!(scenario.steps.len() >= 5);
    let mut console = scenario::Console::new(Vec::new());
    let (report, _emulator) =
        local::run_in_process(&scenario, &StopAfter::default(), &mut console).await;
    assert!(
        report.passed,
        "{}",
        String::from_utf8_lossy(&console.into_inner())
    );
}

#[test]
fn every_chapter_passes_against_a_spawned_server() {
    let server = Server::spawn(&[]);
    let files: Vec<String> = scenario_files()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let mut args = vec![
        "scenario",
        "run",
        "--endpoint",
        &server.url,
        "--reset",
        "--json",
    ];
    args.extend(files.iter().map(String::as_str));
    let out = run_cli(&args);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&out.stdout), text(&out.stderr)));
    assert!(out.status.success(), "{report:#}");
    assert_eq!(report["passed"], true);
    assert_eq!(report["summary"]["scenarios"], files.len());
    assert_eq!(report["summary"]["steps_failed"], 0);
}

/// The whole world of one in-process run of `file`, as a snapshot document.
async fn world_after(file: &Path) -> (Vec<u8>, Value) {
    let scenario = scenario::load(file).unwrap();
    let (report, emulator) =
        local::run_in_process(&scenario, &StopAfter::default(), &mut Quiet).await;
    assert!(report.passed);
    let bytes = emulator.with_world(|w| orgsim::snapshot::to_json(w));
    let value: Value = serde_json::from_slice(&bytes).unwrap();
    (bytes, value)
}

#[tokio::test]
async fn the_same_seed_gives_the_same_world_byte_for_byte() {
    let file = chapter("04");
    let (first, first_world) = world_after(&file).await;
    let (second, _) = world_after(&file).await;
    assert!(first == second, "two runs of {} differ", file.display());
    // Not trivially equal: it holds an organization, detectors and findings, at the
    // pinned instant.
    let world = &first_world["world"];
    assert_eq!(
        world["organizations"]["organizations"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
    assert!(text(&first).contains("\"title\": \"[SAMPLE]"));
    assert_eq!(
        world["clock"]["pinned_ms"], 1_767_225_600_000i64,
        "2026-01-01T00:00:00Z"
    );

    // Another seed gives other IDs.
    let source = std::fs::read_to_string(&file).unwrap();
    assert!(source.contains("seed: 20260104"));
    let dir = temp_dir("reseeded");
    let reseeded = dir.join("04-reseeded.yaml");
    std::fs::write(&reseeded, source.replace("seed: 20260104", "seed: 7")).unwrap();
    let (other, other_world) = world_after(&reseeded).await;
    assert_ne!(first, other);
    assert_ne!(
        world["organizations"]["organizations"],
        other_world["world"]["organizations"]["organizations"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn serve_scenario_preloads_the_world_scenario_run_builds() {
    let file = chapter("01");
    let (_, expected) = world_after(&file).await;
    let server = Server::spawn(&["--scenario", &file.display().to_string()]);
    let served = http_get(&format!("{}/_orgsim/state", server.url)).await;
    assert_eq!(
        served["world"]["organizations"], expected["world"]["organizations"],
        "the preloaded organization is the one `scenario run` builds"
    );
    assert_eq!(served["world"]["ids"], expected["world"]["ids"]);
    // Time runs again once the class starts.
    let clock = http_get(&format!("{}/_orgsim/clock", server.url)).await;
    assert_eq!(clock["pinned"], false);
    // And the class picks up from there.
    let client = Client::new(&server.url);
    let management = Signer::new("111111111111", "us-east-1");
    let accounts = client
        .call(
            &management,
            ServiceId::Organizations,
            "ListAccounts",
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(accounts["Accounts"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn state_survives_sigterm_and_restart() {
    let dir = temp_dir("state");
    let state = dir.join("state.json");
    let state_arg = state.display().to_string();
    let server = Server::spawn(&["--state", &state_arg]);
    let out = run_cli(&[
        "scenario",
        "run",
        "--endpoint",
        &server.url,
        &chapter("04").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let before = http_get(&format!("{}/_orgsim/state", server.url)).await;
    server.terminate();
    assert!(state.exists(), "SIGTERM saved the state");

    let server = Server::spawn(&["--state", &state_arg]);
    let after = http_get(&format!("{}/_orgsim/state", server.url)).await;
    for part in ["organizations", "guardduty", "iam", "ids"] {
        assert_eq!(after["world"][part], before["world"][part], "{part}");
    }
    let sts = |world: &Value| world["world"]["sts"].clone();
    assert_eq!(sts(&after)["credentials"], sts(&before)["credentials"]);
    // Keys issued after the last save are not in the file: the restart mints in a new
    // credential epoch so the replayed ID stream never hands them out again.
    assert_eq!(
        sts(&after)["key_epoch"],
        sts(&before)["key_epoch"].as_u64().unwrap() + 1
    );
    // Through the API: the organization, the administrator's detector and its findings.
    let client = Client::new(&server.url);
    let management = Signer::new("111111111111", "us-east-1");
    let call = |signer: Signer, service, operation: &'static str, input: Value| {
        let client = client.clone();
        async move {
            client
                .call(&signer, service, operation, &input)
                .await
                .unwrap()
        }
    };
    let org = call(
        management.clone(),
        ServiceId::Organizations,
        "DescribeOrganization",
        json!({}),
    )
    .await;
    assert_eq!(org["Organization"]["FeatureSet"], "ALL");
    let accounts = call(
        management.clone(),
        ServiceId::Organizations,
        "ListAccounts",
        json!({}),
    )
    .await;
    let security = accounts["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "Security")
        .expect("the security account")["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let admin = Signer::new(&security, "us-east-1");
    let detectors = call(
        admin.clone(),
        ServiceId::GuardDuty,
        "ListDetectors",
        json!({}),
    )
    .await;
    let detector = detectors["detectorIds"][0].as_str().unwrap().to_string();
    let config = call(
        admin.clone(),
        ServiceId::GuardDuty,
        "DescribeOrganizationConfiguration",
        json!({"DetectorId": detector}),
    )
    .await;
    assert_eq!(config["autoEnableOrganizationMembers"], "ALL");
    let findings = call(
        admin,
        ServiceId::GuardDuty,
        "ListFindings",
        json!({"DetectorId": detector}),
    )
    .await;
    assert!(!findings["findingIds"].as_array().unwrap().is_empty());
    drop(server);

    // A --scenario with an existing state file does not run again over it.
    let server = Server::spawn(&[
        "--state",
        &state_arg,
        "--scenario",
        &chapter("04").display().to_string(),
    ]);
    let again = http_get(&format!("{}/_orgsim/state", server.url)).await;
    assert_eq!(
        again["world"]["organizations"],
        before["world"]["organizations"]
    );
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn config_rules_and_security_hub_survive_sigterm_and_restart() {
    let dir = temp_dir("config-state");
    let state = dir.join("state.json");
    let state_arg = state.display().to_string();
    let server = Server::spawn(&["--state", &state_arg]);
    let out = run_cli(&[
        "scenario",
        "run",
        "--endpoint",
        &server.url,
        &chapter("06").display().to_string(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stdout));
    let before = http_get(&format!("{}/_orgsim/state", server.url)).await;
    server.terminate();

    let server = Server::spawn(&["--state", &state_arg]);
    let after = http_get(&format!("{}/_orgsim/state", server.url)).await;
    for part in ["organizations", "guardduty", "securityhub", "config"] {
        assert_eq!(after["world"][part], before["world"][part], "{part}");
    }
    // Through the API: the organization rules are still deployed and still evaluated.
    let client = Client::new(&server.url);
    let management = Signer::new("111111111111", "us-east-1");
    let rules = client
        .call(
            &management,
            ServiceId::Config,
            "DescribeOrganizationConfigRules",
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(
        rules["OrganizationConfigRules"].as_array().unwrap().len(),
        2,
        "{rules}"
    );
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

const WRONG: &str = "\
name: A wrong expectation
seed: 1
steps:
  - name: Create the organization
    call: organizations.CreateOrganization
    input: { FeatureSet: CONSOLIDATED_BILLING }
    expect:
      Organization.FeatureSet: ALL
  - name: Never reached
    call: organizations.ListRoots
";

#[test]
fn a_wrong_expectation_fails_with_a_readable_diff() {
    let dir = temp_dir("wrong");
    let file = dir.join("wrong.yaml");
    std::fs::write(&file, WRONG).unwrap();
    let path = file.display().to_string();

    let out = run_cli(&["scenario", "run", &path]);
    assert_eq!(out.status.code(), Some(1));
    let printed = text(&out.stdout);
    for line in [
        "✗  1. Create the organization",
        "organizations.CreateOrganization (line 4)",
        "Organization.FeatureSet",
        "expected: \"ALL\"",
        "actual:   \"CONSOLIDATED_BILLING\"",
        "1 later step(s) not run after the failure",
        "FAILED: 0 passed, 1 failed",
    ] {
        assert!(printed.contains(line), "missing {line:?} in:\n{printed}");
    }

    let out = run_cli(&["scenario", "run", "--json", &path]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let steps = &report["scenarios"][0]["steps"];
    assert_eq!(steps[0]["status"], "failed");
    assert_eq!(
        steps[0]["mismatches"],
        json!([{"path": "Organization.FeatureSet", "expected": "\"ALL\"", "actual": "CONSOLIDATED_BILLING"}])
    );
    assert_eq!(steps[1]["status"], "skipped");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn until_stops_after_the_named_step() {
    let out = run_cli(&[
        "scenario",
        "run",
        "--until",
        "Find the root",
        &chapter("01").display().to_string(),
    ]);
    assert!(out.status.success());
    let printed = text(&out.stdout);
    assert_eq!(printed.matches('✓').count(), 3, "{printed}");
    assert!(
        printed.contains("stopped after 'Find the root'"),
        "{printed}"
    );
    let out = run_cli(&[
        "scenario",
        "run",
        "--until",
        "No such step",
        &chapter("01").display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_malformed_file_is_reported_with_file_and_line() {
    let dir = temp_dir("malformed");
    let yaml_error = dir.join("syntax.yaml");
    std::fs::write(
        &yaml_error,
        "name: x\nsteps:\n  - name: a\n    call: organizations.ListRoots\n    expects: {}\n",
    )
    .unwrap();
    let checks = dir.join("checks.yaml");
    std::fs::write(
        &checks,
        "name: x\nsteps:\n  - name: a\n    call: orgs.ListRoots\n  - name: b\n    as: nobody\n    call: organizations.ListRoots\n    input: { ParentId: \"${root}\" }\n",
    )
    .unwrap();
    let out = run_cli(&[
        "scenario",
        "run",
        &yaml_error.display().to_string(),
        &checks.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let errors = text(&out.stderr);
    for expected in [
        format!("{}:5:5: unknown field `expects`", yaml_error.display()),
        format!("{}:4:11: call: unknown service 'orgs'", checks.display()),
        format!(
            "{}:6:9: as: 'nobody' is neither an account alias",
            checks.display()
        ),
        format!("{}:8:12: ${{root}} is not defined", checks.display()),
    ] {
        assert!(
            errors.contains(&expected),
            "missing {expected:?} in:\n{errors}"
        );
    }
    assert!(
        text(&out.stdout).is_empty(),
        "nothing runs when a file is malformed"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
