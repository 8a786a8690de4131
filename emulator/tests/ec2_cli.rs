//! EC2's Regions slice through the AWS CLI (botocore's EC2 serializer and parser), with
//! the opt-in status set through the Account API. The CLI is what `.ci/run` installs;
//! where it is absent locally the test says so and passes, but under CI (`CI` set) a
//! missing CLI fails it.

use orgsim::Emulator;
use serde_json::Value;
use std::process::Command;

/// Runs `aws <args> --output json` against the emulator as account 111111111111.
fn aws(emulator: &Emulator, args: &[&str]) -> Result<Value, String> {
    let output = Command::new("aws")
        .args(args)
        .args(["--output", "json", "--endpoint-url", &emulator.url()])
        .env("AWS_ACCESS_KEY_ID", "111111111111")
        .env("AWS_SECRET_ACCESS_KEY", "orgsim")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .map_err(|e| format!("cannot run aws: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    if stdout.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&stdout).map_err(|e| format!("not JSON ({e}): {stdout}"))
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

fn region_names(answer: &Value) -> Vec<String> {
    answer["Regions"]
        .as_array()
        .expect("Regions")
        .iter()
        .map(|r| r["RegionName"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn describe_regions_follows_the_accounts_opt_in() {
    if !cli_present() {
        return;
    }
    let emulator = Emulator::start();
    let enabled = aws(&emulator, &["ec2", "describe-regions"]).unwrap();
    let names = region_names(&enabled);
    assert!(
        names.contains(&"us-east-1".into()) && !names.contains(&"af-south-1".into()),
        "{names:?}"
    );
    assert_eq!(enabled["Regions"][0]["OptInStatus"], "opt-in-not-required");

    let all = aws(&emulator, &["ec2", "describe-regions", "--all-regions"]).unwrap();
    assert_eq!(region_names(&all).len(), 34);
    let not_opted = aws(
        &emulator,
        &[
            "ec2",
            "describe-regions",
            "--all-regions",
            "--filters",
            "Name=opt-in-status,Values=not-opted-in",
        ],
    )
    .unwrap();
    assert!(region_names(&not_opted).contains(&"af-south-1".into()));

    aws(
        &emulator,
        &["account", "enable-region", "--region-name", "af-south-1"],
    )
    .unwrap();
    emulator.with_world(|w| {
        w.clock
            .advance(orgsim::services::account::model::REGION_OPT_DELAY_MS)
    });
    let opted = aws(
        &emulator,
        &[
            "ec2",
            "describe-regions",
            "--filters",
            "Name=opt-in-status,Values=opted-in",
        ],
    )
    .unwrap();
    assert_eq!(region_names(&opted), ["af-south-1"]);
    assert_eq!(
        opted["Regions"][0]["Endpoint"],
        "ec2.af-south-1.amazonaws.com"
    );

    let zones = aws(
        &emulator,
        &[
            "ec2",
            "describe-availability-zones",
            "--region",
            "us-west-2",
        ],
    )
    .unwrap();
    let ids: Vec<&str> = zones["AvailabilityZones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["ZoneId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"]);

    let error = aws(
        &emulator,
        &["ec2", "describe-regions", "--region-names", "moon-east-1"],
    )
    .unwrap_err();
    assert!(error.contains("InvalidParameterValue"), "{error}");
    let error = aws(&emulator, &["ec2", "describe-instances"]).unwrap_err();
    assert!(
        error.contains("(NotImplemented)") && error.contains("DescribeInstances"),
        "{error}"
    );
}
