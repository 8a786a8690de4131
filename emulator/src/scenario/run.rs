//! Runs a checked scenario against an endpoint, step by step, over the wire with
//! signed requests ([`crate::client`]), so the same file could run against AWS.

use serde_json::{json, Value};
use std::time::{Duration, Instant};

use super::expect::{check_all, Expected, Mismatch};
use super::parse::{is_account_id, Action, Scenario, Step};
use super::report::{Reporter, ScenarioReport, StepReport, StepStatus};
use super::vars::Variables;
use crate::client::{CallError, Client, Signer};

/// Where to stop early: after the step with this name or number (`--until`).
#[derive(Clone, Debug, Default)]
pub struct StopAfter(pub Option<String>);

impl StopAfter {
    pub fn matches(&self, step: &Step) -> bool {
        self.0
            .as_deref()
            .is_some_and(|s| s == step.name || s == step.number.to_string())
    }
}

/// Runs every step in order; the first failure skips the rest.
pub async fn run_scenario(
    scenario: &Scenario,
    client: &Client,
    stop_after: &StopAfter,
    reporter: &mut dyn Reporter,
) -> ScenarioReport {
    let started = Instant::now();
    reporter.scenario_started(scenario);
    let mut variables = Variables::default();
    for (alias, id) in &scenario.accounts {
        variables.set(alias, json!(id));
    }
    variables.set("region", json!(scenario.region));

    let mut steps = Vec::new();
    let mut failed = false;
    let mut stopped_after = None;
    for step in &scenario.steps {
        if failed {
            let skipped = StepReport::skipped(step);
            reporter.step_finished(&skipped);
            steps.push(skipped);
            continue;
        }
        client.announce_step(Some(&crate::ui::ScenarioStep {
            scenario: scenario.name.clone(),
            file: scenario.file.clone(),
            step: step.number,
            of: scenario.steps.len(),
            name: step.name.clone(),
        }));
        let report = run_step(scenario, step, client, &mut variables).await;
        failed = report.status == StepStatus::Failed;
        reporter.step_finished(&report);
        steps.push(report);
        if stop_after.matches(step) {
            stopped_after = Some(step.name.clone());
            break;
        }
    }
    client.announce_step(None);
    let report = ScenarioReport {
        file: scenario.file.clone(),
        name: scenario.name.clone(),
        passed: !failed,
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        steps,
        stopped_after,
    };
    reporter.scenario_finished(&report);
    report
}

/// What one step came to before timing is added.
struct Outcome {
    attempts: u32,
    error: Option<String>,
    mismatches: Vec<Mismatch>,
}

impl Outcome {
    fn error(attempts: u32, error: String) -> Outcome {
        Outcome {
            attempts,
            error: Some(error),
            mismatches: vec![],
        }
    }
}

async fn run_step(
    scenario: &Scenario,
    step: &Step,
    client: &Client,
    variables: &mut Variables,
) -> StepReport {
    let started = Instant::now();
    let outcome = match execute(scenario, step, client, variables).await {
        Ok(outcome) | Err(outcome) => outcome,
    };
    let passed = outcome.error.is_none() && outcome.mismatches.is_empty();
    StepReport {
        number: step.number,
        name: step.name.clone(),
        line: step.line,
        call: step.call(),
        status: if passed {
            StepStatus::Passed
        } else {
            StepStatus::Failed
        },
        duration_ms: started.elapsed().as_secs_f64() * 1000.0,
        attempts: outcome.attempts,
        error: outcome.error,
        mismatches: outcome.mismatches,
    }
}

async fn execute(
    scenario: &Scenario,
    step: &Step,
    client: &Client,
    variables: &mut Variables,
) -> Result<Outcome, Outcome> {
    let (service, operation) = match &step.action {
        Action::Call { service, operation } => (*service, operation),
        Action::AdvanceClock { seconds } => return advance_clock(client, *seconds).await,
        Action::HealthEvent { event } => {
            return publish_health_event(step, client, variables, event).await
        }
    };
    let region = step.region.as_deref().unwrap_or(&scenario.region);
    let signer = signer(scenario, step, variables, region).map_err(|e| Outcome::error(0, e))?;
    let input = variables
        .interpolate(&step.input)
        .map_err(|e| Outcome::error(0, format!("input: {e}")))?;
    let interpolate_map = |map: &serde_json::Map<String, Value>, what: &str| {
        variables
            .interpolate(&Value::Object(map.clone()))
            .map(|v| v.as_object().cloned().unwrap_or_default())
            .map_err(|e| Outcome::error(0, format!("{what}: {e}")))
    };
    let expect = interpolate_map(&step.expect, "expect")?;
    let until = match &step.until {
        Some(until) => Some(interpolate_map(until, "until")?),
        None => None,
    };

    // Call, polling like an SDK waiter while `until` does not hold.
    let mut attempts = 0;
    let result = loop {
        attempts += 1;
        let result = client.call(&signer, service, operation, &input).await;
        let Some(until) = &until else { break result };
        let answer = match result {
            Ok(answer) => answer,
            Err(e) => return Err(Outcome::error(attempts, call_failed(&e))),
        };
        let waiting = check_all(&answer, until).map_err(|e| Outcome::error(attempts, e))?;
        if waiting.is_empty() {
            break Ok(answer);
        }
        if attempts >= step.poll.attempts {
            return Err(Outcome {
                attempts,
                error: Some(format!(
                    "until: still not so after {attempts} attempts {} s apart",
                    step.poll.delay
                )),
                mismatches: waiting,
            });
        }
        tokio::time::sleep(Duration::from_secs_f64(step.poll.delay)).await;
    };

    if let Some(wanted) = &step.expect_error {
        let mismatches = match result {
            Ok(answer) => vec![Mismatch {
                path: "error".into(),
                expected: format!("the error {}", wanted.code),
                actual: Some(json!({"succeeded_with": answer})),
            }],
            Err(e) if e.code != wanted.code => vec![Mismatch {
                path: "error".into(),
                expected: format!("the error {}", wanted.code),
                actual: Some(json!({"code": e.code, "status": e.status, "message": e.message})),
            }],
            Err(e) => match &wanted.message {
                None => vec![],
                Some(message) => {
                    let message = variables
                        .interpolate(message)
                        .map_err(|e| Outcome::error(attempts, format!("expect_error: {e}")))?;
                    message_mismatches(&message, &e)
                        .map_err(|e| Outcome::error(attempts, format!("expect_error: {e}")))?
                }
            },
        };
        return Ok(Outcome {
            attempts,
            error: None,
            mismatches,
        });
    }

    let answer = result.map_err(|e| Outcome::error(attempts, call_failed(&e)))?;
    answered(step, variables, attempts, &answer, &expect)
}

/// Checks an answer against `expect` and, if it holds, saves what the step saves.
fn answered(
    step: &Step,
    variables: &mut Variables,
    attempts: u32,
    answer: &Value,
    expect: &serde_json::Map<String, Value>,
) -> Result<Outcome, Outcome> {
    let mismatches = check_all(answer, expect).map_err(|e| Outcome::error(attempts, e))?;
    if mismatches.is_empty() {
        for (name, path) in &step.save {
            let value = path.lookup(answer).cloned().ok_or_else(|| {
                Outcome::error(
                    attempts,
                    format!(
                        "save {name}: '{}' is not in the answer: {}",
                        path.text,
                        super::expect::compact(answer)
                    ),
                )
            })?;
            variables.set(name, value);
        }
    }
    Ok(Outcome {
        attempts,
        error: None,
        mismatches,
    })
}

/// Publishes a Health event (`POST /_orgsim/health/events`); the answer is `{eventArn}`.
async fn publish_health_event(
    step: &Step,
    client: &Client,
    variables: &mut Variables,
    event: &Value,
) -> Result<Outcome, Outcome> {
    let event = variables
        .interpolate(event)
        .map_err(|e| Outcome::error(0, format!("health_event: {e}")))?;
    let expect = variables
        .interpolate(&Value::Object(step.expect.clone()))
        .map(|v| v.as_object().cloned().unwrap_or_default())
        .map_err(|e| Outcome::error(0, format!("expect: {e}")))?;
    match client
        .admin_post_json("/_orgsim/health/events", &event)
        .await
    {
        Ok((200, answer)) => answered(step, variables, 1, &answer, &expect),
        Ok((status, answer)) => Err(Outcome::error(
            1,
            format!("POST /_orgsim/health/events answered {status}: {answer}"),
        )),
        Err(e) => Err(Outcome::error(1, e)),
    }
}

/// Moves the endpoint's world clock forward (`POST /_orgsim/clock`).
async fn advance_clock(client: &Client, seconds: f64) -> Result<Outcome, Outcome> {
    let body = json!({ "advance_seconds": seconds });
    match client.admin_post_json("/_orgsim/clock", &body).await {
        Ok((200, _)) => Ok(Outcome {
            attempts: 1,
            error: None,
            mismatches: vec![],
        }),
        Ok((status, answer)) => Err(Outcome::error(
            1,
            format!("POST /_orgsim/clock answered {status}: {answer}"),
        )),
        Err(e) => Err(Outcome::error(1, e)),
    }
}

/// A message expectation: plain text is a "contains"; a mapping is a check.
fn message_mismatches(expected: &Value, error: &CallError) -> Result<Vec<Mismatch>, String> {
    let expected = match expected {
        Value::String(text) => json!({"contains": text}),
        other => other.clone(),
    };
    let mut out = Vec::new();
    Expected::compile(&expected)?.check("error.message", Some(&json!(error.message)), &mut out);
    Ok(out)
}

fn call_failed(e: &CallError) -> String {
    format!(
        "the call failed: {} (HTTP {}): {}",
        e.code, e.status, e.message
    )
}

/// Who signs the step's request.
fn signer(
    scenario: &Scenario,
    step: &Step,
    variables: &Variables,
    region: &str,
) -> Result<Signer, String> {
    let caller = variables
        .interpolate_str(&step.caller)
        .map_err(|e| format!("as: {e}"))?;
    match &caller {
        Value::String(text) => {
            let id = scenario.accounts.get(text).unwrap_or(text);
            if is_account_id(id) {
                Ok(Signer::new(id, region))
            } else {
                Err(format!(
                    "as: '{text}' is neither an account alias nor a 12-digit account id"
                ))
            }
        }
        Value::Object(object) => {
            // `Credentials` itself, or a whole AssumeRole answer holding it.
            let credentials = object.get("Credentials").unwrap_or(&caller);
            Signer::from_sts_credentials(credentials, region).ok_or_else(|| {
                format!(
                    "as: '{}' holds neither an account nor STS Credentials (AccessKeyId, SecretAccessKey, SessionToken)",
                    step.caller
                )
            })
        }
        other => Err(format!(
            "as: '{}' is {other}, not an account or STS Credentials",
            step.caller
        )),
    }
}
