//! Scenario files → checked [`Scenario`]s. Everything that can be known before a run is
//! reported with file, line and column: YAML syntax and unknown keys here (the YAML
//! parser's own locations), everything else in [`super::check`].

use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path as FsPath;

use super::check;
use super::path::Path;
use crate::api::ServiceId;

/// The instant a scenario's world clock is pinned at when the file names none.
pub const DEFAULT_CLOCK: &str = "2026-01-01T00:00:00Z";
/// The management account when the file's `accounts` does not name one.
pub const DEFAULT_MANAGEMENT: &str = "111111111111";
pub const DEFAULT_REGION: &str = "us-east-1";

/// A checked scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file as given on the command line.
    pub file: String,
    pub name: String,
    pub description: String,
    pub seed: Option<u64>,
    /// Milliseconds since the epoch the world clock is pinned at for the run.
    pub clock_ms: i64,
    pub region: String,
    /// Alias → account id; always has `management`.
    pub accounts: BTreeMap<String, String>,
    pub steps: Vec<Step>,
}

/// One call and what must come back.
#[derive(Clone, Debug)]
pub struct Step {
    /// 1-based position in the file.
    pub number: usize,
    pub name: String,
    pub line: u64,
    /// `management`, an alias, an account id, or a `${variable}`.
    pub caller: String,
    pub region: Option<String>,
    /// What the step does: an AWS call, or world time moving forward.
    pub action: Action,
    pub input: Value,
    pub expect: Map<String, Value>,
    pub expect_error: Option<ErrorExpectation>,
    /// Variable name → path into the answer.
    pub save: Vec<(String, Path)>,
    pub until: Option<Map<String, Value>>,
    pub poll: Poll,
}

/// What a step does.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// `call: <service>.<Operation>`.
    Call {
        service: ServiceId,
        operation: String,
    },
    /// `clock: {advance_seconds: N}`: world time moves forward by N seconds
    /// (`POST /_orgsim/clock`), for what AWS measures in time (Detective's 48 hours of
    /// GuardDuty, an account's first week in its organization).
    AdvanceClock { seconds: f64 },
    /// `health_event: {service, eventTypeCode, …}`: AWS Health publishes an event
    /// (`POST /_orgsim/health/events`); the answer is `{eventArn}`.
    HealthEvent { event: Value },
}

impl Step {
    /// `organizations.CreateAccount`, or `clock +172800 s`.
    pub fn call(&self) -> String {
        match &self.action {
            Action::Call { service, operation } => format!("{service}.{operation}"),
            Action::AdvanceClock { seconds } => format!("clock +{seconds} s"),
            Action::HealthEvent { event } => format!(
                "health event {}",
                event
                    .get("eventTypeCode")
                    .and_then(Value::as_str)
                    .unwrap_or("?")
            ),
        }
    }
}

/// `clock:` of a step.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockStep {
    pub advance_seconds: f64,
}

/// `expect_error: Code` or `expect_error: {code: Code, message: …}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorExpectation {
    pub code: String,
    /// An expectation on the message (text it contains, or a check mapping).
    #[serde(default)]
    pub message: Option<Value>,
}

/// How `until` polls: like an SDK waiter, a bounded number of attempts.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    #[serde(default = "default_attempts")]
    pub attempts: u32,
    /// Seconds between attempts.
    #[serde(default = "default_delay")]
    pub delay: f64,
}

fn default_attempts() -> u32 {
    30
}

fn default_delay() -> f64 {
    1.0
}

impl Default for Poll {
    fn default() -> Self {
        Poll {
            attempts: default_attempts(),
            delay: default_delay(),
        }
    }
}

/// Something wrong in a file, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct FileError {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
    /// The offending line of the file (or the YAML parser's own rendering).
    pub excerpt: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if !self.excerpt.is_empty() {
            write!(f, "\n{}", self.excerpt)?;
        }
        Ok(())
    }
}

/// Every problem found in one file.
#[derive(Clone, Debug)]
pub struct FileErrors(pub Vec<FileError>);

impl fmt::Display for FileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

/// Reads and checks a scenario file (YAML; JSON is YAML too).
pub fn load(path: &FsPath) -> Result<Scenario, FileErrors> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        FileErrors(vec![FileError {
            file: file.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the file: {e}"),
            excerpt: String::new(),
        }])
    })?;
    parse(&file, &text)
}

/// Parses and checks scenario text; `file` names it in messages.
pub fn parse(file: &str, text: &str) -> Result<Scenario, FileErrors> {
    let options = serde_saphyr::options! {
        // `0123` stays text: account ids may start with zeros.
        leading_zero_numbers_as_strings: true,
    };
    let raw: check::RawScenario =
        serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            let location = e.location();
            let rendered = e.render_with_options(serde_saphyr::render_options! {
                source_name: Some(file),
            });
            // The rendering repeats the position; keep only its snippet.
            let excerpt = rendered
                .split_once('\n')
                .map(|(_, snippet)| snippet.to_string())
                .unwrap_or_default();
            let message = rendered.lines().next().unwrap_or_default();
            let message = message.strip_prefix("error: ").unwrap_or(message);
            let message = message
                .split_once(": ")
                .filter(|(position, _)| position.starts_with("line "))
                .map(|(_, m)| m)
                .unwrap_or(message);
            FileErrors(vec![FileError {
                file: file.to_string(),
                line: location.map(|l| l.line()).unwrap_or(0),
                column: location.map(|l| l.column()).unwrap_or(0),
                message: message.to_string(),
                excerpt,
            }])
        })?;
    check::check(file, text, raw)
}

pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// RFC 3339 → milliseconds since the epoch.
pub fn parse_instant(text: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|e| format!("'{text}' is not an RFC 3339 instant such as {DEFAULT_CLOCK}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXAMPLE: &str = r#"
name: Example
description: Two steps
seed: 7
clock: 2030-05-01T12:00:00Z
region: eu-west-1
accounts:
  security: "000000000222"
steps:
  - name: Create
    call: organizations.CreateOrganization
    input: { FeatureSet: ALL }
    expect:
      Organization.FeatureSet: ALL
    save:
      org: Organization.Id
  - name: Wait
    as: security
    region: us-east-2
    call: organizations.DescribeOrganization
    until:
      Organization.Id: ${org}
    poll: { attempts: 3, delay: 0 }
  - name: Refused
    as: ${org}
    call: sts.AssumeRole
    input: { RoleArn: "arn:aws:iam::${security}:role/R", RoleSessionName: s }
    expect_error: { code: AccessDenied, message: not authorized }
"#;

    #[test]
    fn a_scenario_with_every_field() {
        let s = parse("example.yaml", EXAMPLE).unwrap();
        assert_eq!((s.name.as_str(), s.seed), ("Example", Some(7)));
        assert_eq!(s.clock_ms, parse_instant("2030-05-01T12:00:00Z").unwrap());
        assert_eq!(s.region, "eu-west-1");
        assert_eq!(s.accounts["security"], "000000000222", "leading zeros kept");
        assert_eq!(s.accounts["management"], DEFAULT_MANAGEMENT);
        let [create, wait, refused] = &s.steps[..] else {
            panic!("three steps")
        };
        assert_eq!((create.number, create.line), (1, 10));
        assert_eq!(create.caller, "management");
        assert_eq!(create.call(), "organizations.CreateOrganization");
        assert_eq!(create.input, json!({"FeatureSet": "ALL"}));
        assert_eq!(create.save[0].0, "org");
        assert_eq!(wait.region.as_deref(), Some("us-east-2"));
        assert_eq!(wait.poll.attempts, 3);
        assert!(wait.until.is_some());
        let error = refused.expect_error.as_ref().unwrap();
        assert_eq!(error.code, "AccessDenied");
        assert_eq!(error.message, Some(json!("not authorized")));
    }

    #[test]
    fn a_health_event_step_publishes_an_event() {
        let s = parse(
            "h.yaml",
            "name: h\nsteps:\n  - name: An issue\n    health_event: { service: EC2, eventTypeCode: AWS_EC2_OPERATIONAL_ISSUE, eventTypeCategory: issue }\n    save: { arn: eventArn }\n",
        )
        .unwrap();
        assert!(
            matches!(&s.steps[0].action, Action::HealthEvent { event } if event["service"] == "EC2")
        );
        assert_eq!(s.steps[0].call(), "health event AWS_EC2_OPERATIONAL_ISSUE");
        let got = errors(
            "name: h
steps:
  - name: incomplete
    health_event: { service: EC2 }
  - name: as someone
    as: management
    health_event: { service: EC2, eventTypeCode: X_Y_Z, eventTypeCategory: issue }
  - name: not a mapping
    health_event: [1, 2]
",
        );
        for want in [
            "4:19: health_event: needs eventTypeCode",
            "7:19: health_event: a Health event step has no as",
            "9:19: health_event: must be a mapping",
        ] {
            assert!(
                got.iter().any(|g| g.starts_with(want)),
                "{want:?} not in {got:#?}"
            );
        }
    }

    #[test]
    fn a_clock_step_moves_world_time() {
        let s = parse(
            "c.yaml",
            "name: c\nsteps:\n  - name: Two days pass\n    clock: { advance_seconds: 172800 }\n",
        )
        .unwrap();
        assert_eq!(
            s.steps[0].action,
            Action::AdvanceClock { seconds: 172800.0 }
        );
        assert_eq!(s.steps[0].call(), "clock +172800 s");
        let got = errors(
            "name: c
steps:
  - name: back
    clock: { advance_seconds: -1 }
  - name: both
    call: sts.GetCallerIdentity
    clock: { advance_seconds: 1 }
  - name: neither
    input: {}
  - name: expecting
    clock: { advance_seconds: 1 }
    expect: { now: x }
",
        );
        let expected = [
            "4:12: clock: advance_seconds must be a number of seconds",
            "6:11: a step either calls (call:), moves the clock (clock:) or publishes a Health event (health_event:), not more than one",
            "8:5: a step needs call:",
            "11:12: clock: a clock step has no expect",
        ];
        assert!(got.len() >= expected.len(), "{got:#?}");
        for want in expected {
            assert!(
                got.iter().any(|g| g.starts_with(want)),
                "{want:?} not in {got:#?}"
            );
        }
        let typo = parse(
            "c.yaml",
            "name: c\nsteps:\n  - name: t\n    clock: { seconds: 1 }\n",
        )
        .unwrap_err();
        assert!(typo.to_string().contains("seconds"), "{typo}");
    }

    #[test]
    fn json_files_are_scenarios_too() {
        let json = r#"{
  "name": "JSON",
  "steps": [
    {"name": "Roots", "call": "organizations.ListRoots", "expect": {"Roots": {"length": 1}}}
  ]
}"#;
        let s = parse("x.json", json).unwrap();
        assert_eq!(s.steps[0].line, 4);
        assert_eq!(s.clock_ms, parse_instant(DEFAULT_CLOCK).unwrap());
    }

    fn errors(text: &str) -> Vec<String> {
        parse("f.yaml", text)
            .unwrap_err()
            .0
            .iter()
            .map(|e| format!("{}:{}: {}", e.line, e.column, e.message))
            .collect()
    }

    #[test]
    fn every_problem_is_reported_with_its_line() {
        let got = errors(
            "name: x
clock: yesterday
accounts:
  dev: 12345
steps:
  - name: a
    call: organizations
  - name: b
    call: guardduty.listdetectors
  - name: c
    call: sts.GetCallerIdentity
    expect:
      A..B: 1
      C: { matches: \"(\" }
    save:
      later: Account
      dev: Account
  - name: d
    call: sts.GetCallerIdentity
    expect: { Account: x }
    expect_error: AccessDenied
  - name: e
    call: sts.GetCallerIdentity
    poll: { attempts: 2 }
    input: { X: \"${unknown} ${later}\" }
",
        );
        let expected = [
            "2:8: clock: 'yesterday' is not an RFC 3339 instant",
            "4:8: account 'dev': '12345' is not a 12-digit account id",
            "7:11: call: 'organizations' is not <service>.<Operation>",
            "9:11: call: guardduty has no operation 'listdetectors' (did you mean ListDetectors?)",
            "13:7: expect: path 'A..B'",
            "13:7: expect C: 'matches'",
            "16:7: save: 'dev' would hide the account alias",
            "21:19: expect_error cannot be combined with expect",
            "24:11: poll: only means something with until",
            "25:12: ${unknown} is not defined",
        ];
        assert_eq!(got.len(), expected.len(), "{got:#?}");
        for (got, want) in got.iter().zip(expected) {
            assert!(
                got.starts_with(want),
                "{got:?} does not start with {want:?}"
            );
        }
    }

    #[test]
    fn yaml_errors_carry_the_file_and_a_snippet() {
        let e = parse("class.yaml", "name: x\nsteps:\n  - name: a\n    call: [\n").unwrap_err();
        let shown = e.to_string();
        assert!(shown.starts_with("class.yaml:"), "{shown}");
        assert!(e.0[0].line >= 4, "{shown}");
        let e = parse("class.yaml", "name: x\nsteps: []\n").unwrap_err();
        assert!(e.to_string().contains("at least one step"), "{e}");
        let e = parse(
            "class.yaml",
            "steps:\n  - name: a\n    call: sts.GetCallerIdentity\n",
        )
        .unwrap_err();
        assert!(e.to_string().contains("name"), "{e}");
    }
}
