//! The checks of a parsed file that YAML alone cannot make: services and operations,
//! callers, paths, checks, and variables used before a step saves them — each reported
//! with its line and column.

use serde::Deserialize;
use serde_json::{Map, Value};
use serde_saphyr::Spanned;
use std::collections::{BTreeMap, BTreeSet};

use super::expect::Expected;
use super::parse::{
    is_account_id, parse_instant, Action, ClockStep, ErrorExpectation, FileError, FileErrors, Poll,
    Scenario, Step, DEFAULT_CLOCK, DEFAULT_MANAGEMENT, DEFAULT_REGION,
};
use super::path::Path;
use super::vars;
use crate::api::ServiceId;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    name: String,
    #[serde(default)]
    description: String,
    seed: Option<u64>,
    clock: Option<Spanned<String>>,
    region: Option<String>,
    #[serde(default)]
    accounts: BTreeMap<String, Spanned<String>>,
    steps: Spanned<Vec<Spanned<RawStep>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    name: String,
    #[serde(rename = "as")]
    caller: Option<Spanned<String>>,
    region: Option<String>,
    call: Option<Spanned<String>>,
    clock: Option<Spanned<ClockStep>>,
    health_event: Option<Spanned<Value>>,
    input: Option<Spanned<Value>>,
    expect: Option<Spanned<Map<String, Value>>>,
    expect_error: Option<Spanned<RawErrorExpectation>>,
    #[serde(default)]
    save: Option<Spanned<BTreeMap<String, String>>>,
    until: Option<Spanned<Map<String, Value>>>,
    poll: Option<Spanned<Poll>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawErrorExpectation {
    Code(String),
    Full(ErrorExpectation),
}

/// Checks `raw` (parsed from `text`) into a scenario, or every problem found.
pub(super) fn check(file: &str, text: &str, raw: RawScenario) -> Result<Scenario, FileErrors> {
    Checker {
        file,
        lines: text.lines().collect(),
        errors: Vec::new(),
    }
    .check(raw)
}

struct Checker<'t> {
    file: &'t str,
    lines: Vec<&'t str>,
    errors: Vec<FileError>,
}

impl Checker<'_> {
    fn error(&mut self, at: &serde_saphyr::Location, message: impl Into<String>) {
        let line = at.line();
        let excerpt = usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(1))
            .and_then(|l| self.lines.get(l))
            .map(|text| format!("{line:>5} | {text}"))
            .unwrap_or_default();
        self.errors.push(FileError {
            file: self.file.to_string(),
            line,
            column: at.column(),
            message: message.into(),
            excerpt,
        });
    }

    fn check(mut self, raw: RawScenario) -> Result<Scenario, FileErrors> {
        let clock_text = raw.clock.as_ref().map(|c| c.value.as_str());
        let clock_ms = match parse_instant(clock_text.unwrap_or(DEFAULT_CLOCK)) {
            Ok(ms) => ms,
            Err(e) => {
                if let Some(clock) = &raw.clock {
                    self.error(&clock.referenced, format!("clock: {e}"));
                }
                0
            }
        };
        let mut accounts = BTreeMap::new();
        for (alias, id) in &raw.accounts {
            if !is_name(alias) {
                self.error(
                    &id.referenced,
                    format!("account alias '{alias}' must be letters, digits and '_'"),
                );
            }
            if !is_account_id(&id.value) {
                self.error(
                    &id.referenced,
                    format!(
                        "account '{alias}': '{}' is not a 12-digit account id (quote it: \"{}\")",
                        id.value, id.value
                    ),
                );
            }
            accounts.insert(alias.clone(), id.value.clone());
        }
        accounts
            .entry("management".to_string())
            .or_insert_with(|| DEFAULT_MANAGEMENT.to_string());
        let region = raw.region.unwrap_or_else(|| DEFAULT_REGION.to_string());

        let mut defined: BTreeSet<String> = accounts.keys().cloned().collect();
        defined.insert("region".into());
        if raw.steps.value.is_empty() {
            self.error(&raw.steps.referenced, "a scenario needs at least one step");
        }
        let mut steps = Vec::new();
        for (i, raw_step) in raw.steps.value.into_iter().enumerate() {
            let at = raw_step.referenced;
            if let Some(step) = self.check_step(i + 1, at, raw_step.value, &accounts, &mut defined)
            {
                steps.push(step);
            }
        }
        if !self.errors.is_empty() {
            self.errors.sort_by_key(|e| (e.line, e.column));
            return Err(FileErrors(self.errors));
        }
        Ok(Scenario {
            file: self.file.to_string(),
            name: raw.name,
            description: raw.description,
            seed: raw.seed,
            clock_ms,
            region,
            accounts,
            steps,
        })
    }

    fn check_step(
        &mut self,
        number: usize,
        at: serde_saphyr::Location,
        raw: RawStep,
        accounts: &BTreeMap<String, String>,
        defined: &mut BTreeSet<String>,
    ) -> Option<Step> {
        let errors_before = self.errors.len();
        let kinds = [
            raw.call.as_ref().map(|c| c.referenced),
            raw.clock.as_ref().map(|c| c.referenced),
            raw.health_event.as_ref().map(|e| e.referenced),
        ];
        let action = match (&raw.call, &raw.clock, &raw.health_event) {
            _ if kinds.iter().flatten().count() > 1 => {
                let first = kinds.iter().flatten().next().copied().unwrap_or(at);
                self.error(
                    &first,
                    "a step either calls (call:), moves the clock (clock:) or publishes a Health event (health_event:), not more than one",
                );
                None
            }
            (Some(call), _, _) => self
                .check_call(call)
                .map(|(service, operation)| Action::Call { service, operation }),
            (_, Some(clock), _) => self.check_clock(&raw, clock),
            (_, _, Some(event)) => self.check_health_event(&raw, event, defined),
            (None, None, None) => {
                self.error(
                    &at,
                    "a step needs call: <service>.<Operation>, clock: {advance_seconds: N} or health_event: {…}",
                );
                None
            }
        };

        let caller = match &raw.caller {
            Some(caller) => {
                let text = caller.value.trim();
                if !text.contains("${") && !accounts.contains_key(text) && !is_account_id(text) {
                    let aliases: Vec<_> = accounts.keys().map(String::as_str).collect();
                    self.error(
                        &caller.referenced,
                        format!("as: '{text}' is neither an account alias ({}), a 12-digit account id, nor a ${{variable}}", aliases.join(", ")),
                    );
                }
                self.check_references(&caller.referenced, &Value::String(text.into()), defined);
                text.to_string()
            }
            None => "management".to_string(),
        };

        let input = match raw.input {
            Some(input) => {
                if !input.value.is_object() && !input.value.is_null() {
                    self.error(
                        &input.referenced,
                        "input must be a mapping of the API's member names",
                    );
                }
                self.check_references(&input.referenced, &input.value, defined);
                if input.value.is_null() {
                    Value::Object(Map::new())
                } else {
                    input.value
                }
            }
            None => Value::Object(Map::new()),
        };

        let expect = match raw.expect {
            Some(expect) => {
                self.check_expectations(&expect.referenced, "expect", &expect.value, defined);
                expect.value
            }
            None => Map::new(),
        };
        let until = raw.until.map(|until| {
            self.check_expectations(&until.referenced, "until", &until.value, defined);
            if until.value.is_empty() {
                self.error(
                    &until.referenced,
                    "until: needs at least one condition to wait for",
                );
            }
            until.value
        });

        let expect_error = raw.expect_error.map(|e| {
            let expectation = match e.value {
                RawErrorExpectation::Code(code) => ErrorExpectation { code, message: None },
                RawErrorExpectation::Full(full) => full,
            };
            if !expect.is_empty() || until.is_some() {
                self.error(&e.referenced, "expect_error cannot be combined with expect or until: a step either fails or answers");
            }
            if expectation.code.trim().is_empty() || expectation.code.contains(char::is_whitespace) {
                self.error(&e.referenced, format!("expect_error: '{}' is not an AWS error code", expectation.code));
            }
            if let Some(message) = &expectation.message {
                self.check_references(&e.referenced, message, defined);
            }
            expectation
        });

        let mut save = Vec::new();
        if let Some(saves) = raw.save {
            if expect_error.is_some() {
                self.error(
                    &saves.referenced,
                    "save: a step that expects an error has no answer to save from",
                );
            }
            for (name, path) in saves.value {
                if !is_name(&name) {
                    self.error(
                        &saves.referenced,
                        format!("save: '{name}' is not a variable name (letters, digits and '_')"),
                    );
                }
                if accounts.contains_key(&name) || name == "region" {
                    self.error(
                        &saves.referenced,
                        format!("save: '{name}' would hide the account alias of the same name"),
                    );
                }
                match Path::parse(&path) {
                    Ok(path) => save.push((name.clone(), path)),
                    Err(e) => self.error(&saves.referenced, format!("save {name}: {e}")),
                }
                // Defined for the steps after this one.
                defined.insert(name);
            }
        }

        let poll_at = raw.poll.as_ref().map_or(at, |p| p.referenced);
        let poll = raw.poll.as_ref().map(|p| p.value).unwrap_or_default();
        if raw.poll.is_some() && until.is_none() {
            self.error(&poll_at, "poll: only means something with until");
        }
        if poll.attempts == 0 || !poll.delay.is_finite() || poll.delay < 0.0 {
            self.error(
                &poll_at,
                "poll: attempts must be at least 1 and delay a number of seconds ≥ 0",
            );
        }
        if raw.name.trim().is_empty() {
            self.error(&at, "a step needs a name");
        }

        let action = action?;
        (self.errors.len() == errors_before).then(|| Step {
            number,
            name: raw.name,
            line: at.line(),
            caller,
            region: raw.region,
            action,
            input,
            expect,
            expect_error,
            save,
            until,
            poll,
        })
    }

    /// A `clock:` step: a forward move in seconds, and nothing of a call.
    fn check_clock(&mut self, raw: &RawStep, clock: &Spanned<ClockStep>) -> Option<Action> {
        let seconds = clock.value.advance_seconds;
        if !seconds.is_finite() || seconds < 0.0 {
            self.error(
                &clock.referenced,
                "clock: advance_seconds must be a number of seconds ≥ 0 (world time only moves forward)",
            );
        }
        let call_keys = [
            ("as", raw.caller.is_some()),
            ("region", raw.region.is_some()),
            ("input", raw.input.is_some()),
            ("expect", raw.expect.is_some()),
            ("expect_error", raw.expect_error.is_some()),
            ("save", raw.save.is_some()),
            ("until", raw.until.is_some()),
            ("poll", raw.poll.is_some()),
        ];
        for (key, present) in call_keys {
            if present {
                self.error(
                    &clock.referenced,
                    format!("clock: a clock step has no {key} (it calls nothing)"),
                );
            }
        }
        Some(Action::AdvanceClock { seconds })
    }

    /// A `health_event:` step: the event document of `POST /_orgsim/health/events`
    /// (checked by the server once its `${variables}` are known); only `expect` and
    /// `save` may look at the answer, `{eventArn}`.
    fn check_health_event(
        &mut self,
        raw: &RawStep,
        event: &Spanned<Value>,
        defined: &BTreeSet<String>,
    ) -> Option<Action> {
        let Some(document) = event.value.as_object() else {
            self.error(
                &event.referenced,
                "health_event: must be a mapping (service, eventTypeCode, eventTypeCategory, region, statusCode, affectedAccounts)",
            );
            return None;
        };
        for required in ["service", "eventTypeCode", "eventTypeCategory"] {
            if !document.contains_key(required) {
                self.error(&event.referenced, format!("health_event: needs {required}"));
            }
        }
        self.check_references(&event.referenced, &event.value, defined);
        let call_keys = [
            ("as", raw.caller.is_some()),
            ("region", raw.region.is_some()),
            ("input", raw.input.is_some()),
            ("expect_error", raw.expect_error.is_some()),
            ("until", raw.until.is_some()),
            ("poll", raw.poll.is_some()),
        ];
        for (key, present) in call_keys {
            if present {
                self.error(
                    &event.referenced,
                    format!("health_event: a Health event step has no {key} (it calls no AWS API)"),
                );
            }
        }
        Some(Action::HealthEvent {
            event: event.value.clone(),
        })
    }

    fn check_call(&mut self, call: &Spanned<String>) -> Option<(ServiceId, String)> {
        let services: Vec<_> = ServiceId::ALL.iter().map(|s| s.signing_name()).collect();
        let Some((service_name, operation)) = call.value.trim().split_once('.') else {
            self.error(
                &call.referenced,
                format!(
                    "call: '{}' is not <service>.<Operation> (services: {})",
                    call.value,
                    services.join(", ")
                ),
            );
            return None;
        };
        let Some(service) = ServiceId::from_signing_name(service_name) else {
            self.error(
                &call.referenced,
                format!(
                    "call: unknown service '{service_name}' (services: {})",
                    services.join(", ")
                ),
            );
            return None;
        };
        if !service.has_operation(operation) {
            let close: Vec<_> = service
                .operations()
                .iter()
                .filter(|o| o.eq_ignore_ascii_case(operation))
                .collect();
            let hint = match close.first() {
                Some(o) => format!(" (did you mean {o}?)"),
                None => String::new(),
            };
            self.error(
                &call.referenced,
                format!("call: {service} has no operation '{operation}'{hint}"),
            );
            return None;
        }
        Some((service, operation.to_string()))
    }

    fn check_expectations(
        &mut self,
        at: &serde_saphyr::Location,
        what: &str,
        expectations: &Map<String, Value>,
        defined: &BTreeSet<String>,
    ) {
        for (path, expected) in expectations {
            if let Err(e) = Path::parse(&without_references(path)) {
                self.error(at, format!("{what}: {e}"));
            }
            let mut names = Vec::new();
            if vars::references(expected, &mut names).is_ok() && names.is_empty() {
                if let Err(e) = Expected::compile(expected) {
                    self.error(at, format!("{what} {path}: {e}"));
                }
            }
            self.check_references(at, &Value::String(path.clone()), defined);
            self.check_references(at, expected, defined);
        }
    }

    fn check_references(
        &mut self,
        at: &serde_saphyr::Location,
        value: &Value,
        defined: &BTreeSet<String>,
    ) {
        let mut names = Vec::new();
        if let Err(e) = vars::references(value, &mut names) {
            self.error(at, e);
            return;
        }
        for name in names {
            if !defined.contains(&name) {
                let known: Vec<_> = defined.iter().map(String::as_str).collect();
                self.error(
                    at,
                    format!("${{{name}}} is not defined by the accounts or an earlier step's save (defined here: {})", known.join(", ")),
                );
            }
        }
    }
}

/// A path with each `${…}` replaced by a placeholder, to check its syntax early.
fn without_references(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        match rest[start..].find('}') {
            Some(end) => {
                out.push('x');
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = &rest[start..];
                break;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
