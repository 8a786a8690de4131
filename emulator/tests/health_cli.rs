//! AWS Health through the AWS CLI (botocore's serializers and parsers), in both of
//! Health's protocols: awsJson1.1 (`X-Amz-Target: AWSHealth_20160804.…`), which
//! `aws-sdk-health` does not speak, and Smithy RPC v2 CBOR. botocore picks the protocol
//! from the service model, so each run points `AWS_DATA_PATH` at a copy of the
//! installed model that lists only one protocol, and `--debug` shows what was sent.
//! The CLI is what `.ci/run` installs; where it is absent locally the test says so and
//! passes, but under CI (`CI` set) a missing CLI fails it.

use orgsim::services::health::inject::{publish_event, NewEvent};
use orgsim::world::{Settings, SupportPlan};
use orgsim::Emulator;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `aws <args> --output json --debug` as `account`; the answer, and the debug log.
fn aws(
    emulator: &Emulator,
    account: &str,
    data_path: Option<&Path>,
    args: &[&str],
) -> (Result<Value, String>, String) {
    let mut command = Command::new("aws");
    command
        .args(args)
        .args([
            "--output",
            "json",
            "--debug",
            "--endpoint-url",
            &emulator.url(),
        ])
        .env("AWS_ACCESS_KEY_ID", account)
        .env("AWS_SECRET_ACCESS_KEY", "orgsim")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    if let Some(path) = data_path {
        command.env("AWS_DATA_PATH", path);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(e) => return (Err(format!("cannot run aws: {e}")), String::new()),
    };
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    if !output.status.success() {
        return (Err(stderr.clone()), stderr);
    }
    if stdout.trim().is_empty() {
        return (Ok(Value::Null), stderr);
    }
    let answer = serde_json::from_str(&stdout).map_err(|e| format!("not JSON ({e}): {stdout}"));
    (answer, stderr)
}

fn cli_present() -> bool {
    let present = Command::new("aws")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "the AWS CLI must be installed in CI (.ci/run installs it)"
        );
        eprintln!(
            "SKIPPED: the AWS CLI (`aws`) is not installed; `pip install awscli` to run this test"
        );
    }
    present
}

/// A data path holding botocore's Health model with `protocol` as its only protocol,
/// or `None` where botocore is not importable by `python3` (then the CLI's own
/// choice is tested).
fn model_with_only(protocol: &str) -> Option<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "orgsim-health-cli-{}-{protocol}",
        std::process::id()
    ));
    let script = r#"
import glob, gzip, json, os, sys
import botocore
protocol, out = sys.argv[1], sys.argv[2]
base = os.path.join(os.path.dirname(botocore.__file__), "data", "health")
path = sorted(glob.glob(os.path.join(base, "*", "service-2.json*")))[-1]
opener = gzip.open if path.endswith(".gz") else open
with opener(path, "rt") as f:
    model = json.load(f)
model["metadata"]["protocol"] = protocol
model["metadata"]["protocols"] = [protocol]
version = os.path.basename(os.path.dirname(path))
target = os.path.join(out, "health", version)
os.makedirs(target, exist_ok=True)
with open(os.path.join(target, "service-2.json"), "w") as f:
    json.dump(model, f)
"#;
    let status = Command::new("python3")
        .args(["-c", script, protocol])
        .arg(&dir)
        .status()
        .ok()?;
    status.success().then_some(dir)
}

fn ec2_issue(accounts: &[&str]) -> NewEvent {
    serde_json::from_value(json!({
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": "us-east-1",
        "affectedAccounts": accounts,
    }))
    .unwrap()
}

/// What the debug log shows of the protocol a request went out in.
fn sent_in(log: &str) -> &'static str {
    if log.contains("AWSHealth_20160804.DescribeEvents") {
        "json"
    } else if log.contains("rpc-v2-cbor") {
        "smithy-rpc-v2-cbor"
    } else {
        "unknown"
    }
}

#[test]
fn health_answers_the_cli_in_both_protocols() {
    if !cli_present() {
        return;
    }
    let emulator = Emulator::start();
    let arn = emulator.with_world(|w| publish_event(w, ec2_issue(&["222222222222"])).unwrap());
    for protocol in ["json", "smithy-rpc-v2-cbor"] {
        let data_path = model_with_only(protocol);
        let (answer, log) = aws(
            &emulator,
            "222222222222",
            data_path.as_deref(),
            &["health", "describe-events"],
        );
        let answer = answer.unwrap();
        assert_eq!(answer["events"][0]["arn"], json!(arn), "{protocol}");
        assert_eq!(answer["events"][0]["statusCode"], "open");
        // The CLI prints timestamps as botocore parsed them (v1: as sent, v2: ISO).
        let start = &answer["events"][0]["startTime"];
        assert!(
            start.is_number() || start.is_string(),
            "{protocol}: {start}"
        );
        if data_path.is_some() {
            assert_eq!(sent_in(&log), protocol, "botocore sent what its model says");
        }

        let (details, _) = aws(
            &emulator,
            "222222222222",
            data_path.as_deref(),
            &["health", "describe-event-details", "--event-arns", &arn],
        );
        assert_eq!(
            details.unwrap()["successfulSet"][0]["event"]["arn"],
            json!(arn)
        );

        let (forged, _) = aws(
            &emulator,
            "222222222222",
            data_path.as_deref(),
            &["health", "describe-events", "--next-token", "forged-token"],
        );
        let error = forged.unwrap_err();
        assert!(
            error.contains("InvalidPaginationToken"),
            "{protocol}: {error}"
        );
        if let Some(dir) = data_path {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

#[test]
fn basic_support_is_refused_over_json() {
    if !cli_present() {
        return;
    }
    let emulator = Emulator::start_with(Settings {
        support_plan: SupportPlan::Basic,
        ..Default::default()
    });
    let data_path = model_with_only("json");
    let (answer, _) = aws(
        &emulator,
        "222222222222",
        data_path.as_deref(),
        &["health", "describe-events"],
    );
    let error = answer.unwrap_err();
    assert!(error.contains("SubscriptionRequiredException"), "{error}");
    if let Some(dir) = data_path {
        let _ = std::fs::remove_dir_all(dir);
    }
}
