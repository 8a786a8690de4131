//! CloudFormation through the AWS CLI v1 with the files of `scenarios/`: `aws
//! cloudformation deploy` (a change set, its waiters, the execution) of the baseline
//! template, then `create-stack-set` / `create-stack-instances` rolling the same file
//! out to an OU as a SERVICE_MANAGED StackSet. Where the CLI is absent locally the test
//! says so and passes; under CI (`CI` set) a missing CLI fails it.

use orgsim::Emulator;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const MANAGEMENT: &str = "111111111111";

fn template() -> String {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scenarios/templates/baseline.yaml");
    path.canonicalize()
        .expect("scenarios/templates/baseline.yaml")
        .display()
        .to_string()
}

/// Runs `aws <args> --output json` against the emulator as `account`.
fn aws_as(emulator: &Emulator, account: &str, args: &[&str]) -> Result<Value, String> {
    let output = Command::new("aws")
        .args(args)
        .args(["--output", "json", "--endpoint-url", &emulator.url()])
        .env("AWS_ACCESS_KEY_ID", account)
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
    // `deploy` prints progress text, not JSON.
    Ok(serde_json::from_str(&stdout).unwrap_or(Value::String(stdout.into_owned())))
}

fn aws(emulator: &Emulator, args: &[&str]) -> Value {
    aws_as(emulator, MANAGEMENT, args).unwrap_or_else(|e| panic!("aws {args:?}: {e}"))
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

fn text(v: &Value, pointer: &str) -> String {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{pointer} in {v}"))
        .to_string()
}

#[test]
fn deploy_and_stack_sets_with_the_scenario_template() {
    if !cli_present() {
        return;
    }
    let emulator = Emulator::start();
    let template = template();
    let security = format!("SecurityAccount={MANAGEMENT}");
    let out = aws(
        &emulator,
        &[
            "cloudformation",
            "deploy",
            "--template-file",
            &template,
            "--stack-name",
            "baseline",
            "--parameter-overrides",
            &security,
            "--capabilities",
            "CAPABILITY_NAMED_IAM",
        ],
    );
    assert!(
        out.to_string()
            .contains("Successfully created/updated stack"),
        "{out}"
    );
    let stacks = aws(
        &emulator,
        &[
            "cloudformation",
            "describe-stacks",
            "--stack-name",
            "baseline",
        ],
    );
    assert_eq!(stacks["Stacks"][0]["StackStatus"], "CREATE_COMPLETE");
    let detectors = aws(&emulator, &["guardduty", "list-detectors"]);
    assert_eq!(detectors["DetectorIds"].as_array().unwrap().len(), 1);
    aws(
        &emulator,
        &["iam", "get-role", "--role-name", "security-audit"],
    );
    // Deploying the same file again changes nothing and says so.
    let again = aws(
        &emulator,
        &[
            "cloudformation",
            "deploy",
            "--template-file",
            &template,
            "--stack-name",
            "baseline",
            "--parameter-overrides",
            &security,
            "--capabilities",
            "CAPABILITY_NAMED_IAM",
            "--no-fail-on-empty-changeset",
        ],
    );
    assert!(
        again.to_string().contains("No changes to deploy"),
        "{again}"
    );

    // An organization with a Workloads OU holding one new account.
    aws(
        &emulator,
        &[
            "organizations",
            "create-organization",
            "--feature-set",
            "ALL",
        ],
    );
    let root = text(
        &aws(&emulator, &["organizations", "list-roots"]),
        "/Roots/0/Id",
    );
    let ou = text(
        &aws(
            &emulator,
            &[
                "organizations",
                "create-organizational-unit",
                "--parent-id",
                &root,
                "--name",
                "Workloads",
            ],
        ),
        "/OrganizationalUnit/Id",
    );
    let request = text(
        &aws(
            &emulator,
            &[
                "organizations",
                "create-account",
                "--email",
                "dev@example.com",
                "--account-name",
                "Dev",
            ],
        ),
        "/CreateAccountStatus/Id",
    );
    let mut dev = None;
    for _ in 0..30 {
        let status = aws(
            &emulator,
            &[
                "organizations",
                "describe-create-account-status",
                "--create-account-request-id",
                &request,
            ],
        );
        if status["CreateAccountStatus"]["State"] == "SUCCEEDED" {
            dev = Some(text(&status, "/CreateAccountStatus/AccountId"));
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let dev = dev.expect("the account is created");
    aws(
        &emulator,
        &[
            "organizations",
            "move-account",
            "--account-id",
            &dev,
            "--source-parent-id",
            &root,
            "--destination-parent-id",
            &ou,
        ],
    );

    aws(
        &emulator,
        &["cloudformation", "activate-organizations-access"],
    );
    let body = format!("file://{template}");
    let parameters = format!("ParameterKey=SecurityAccount,ParameterValue={MANAGEMENT}");
    aws(
        &emulator,
        &[
            "cloudformation",
            "create-stack-set",
            "--stack-set-name",
            "security-baseline",
            "--template-body",
            &body,
            "--permission-model",
            "SERVICE_MANAGED",
            "--auto-deployment",
            "Enabled=true,RetainStacksOnAccountRemoval=false",
            "--capabilities",
            "CAPABILITY_NAMED_IAM",
            "--parameters",
            &parameters,
        ],
    );
    let targets = format!("OrganizationalUnitIds={ou}");
    let operation = text(
        &aws(
            &emulator,
            &[
                "cloudformation",
                "create-stack-instances",
                "--stack-set-name",
                "security-baseline",
                "--deployment-targets",
                &targets,
                "--regions",
                "us-east-1",
                "--operation-preferences",
                "FailureToleranceCount=0,MaxConcurrentCount=1",
            ],
        ),
        "/OperationId",
    );
    let described = aws(
        &emulator,
        &[
            "cloudformation",
            "describe-stack-set-operation",
            "--stack-set-name",
            "security-baseline",
            "--operation-id",
            &operation,
        ],
    );
    assert_eq!(
        described["StackSetOperation"]["Status"], "SUCCEEDED",
        "{described}"
    );
    let instances = aws(
        &emulator,
        &[
            "cloudformation",
            "list-stack-instances",
            "--stack-set-name",
            "security-baseline",
        ],
    );
    let summaries = instances["Summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1, "{instances}");
    assert_eq!(summaries[0]["Account"], dev.as_str());
    assert_eq!(summaries[0]["Status"], "CURRENT");
    let member_detectors = aws_as(&emulator, &dev, &["guardduty", "list-detectors"]).unwrap();
    assert_eq!(member_detectors["DetectorIds"].as_array().unwrap().len(), 1);
}
