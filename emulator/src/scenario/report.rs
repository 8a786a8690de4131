//! What a run reports: each step as it finishes (✓ / ✗, duration, the differences on
//! failure) for people, and the same as one JSON document for machines.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;

use super::expect::{compact, Mismatch};
use super::parse::{Scenario, Step};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Passed,
    Failed,
    /// Not run: an earlier step failed.
    Skipped,
}

/// One step's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct StepReport {
    pub number: usize,
    pub name: String,
    pub line: u64,
    pub call: String,
    pub status: StepStatus,
    pub duration_ms: f64,
    /// Calls made (more than one when the step polls with `until`).
    pub attempts: u32,
    /// Why the step could not be checked: the call failed, a variable is missing…
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mismatches: Vec<Mismatch>,
}

impl StepReport {
    pub fn skipped(step: &Step) -> StepReport {
        StepReport {
            number: step.number,
            name: step.name.clone(),
            line: step.line,
            call: step.call(),
            status: StepStatus::Skipped,
            duration_ms: 0.0,
            attempts: 0,
            error: None,
            mismatches: vec![],
        }
    }
}

/// One file's outcome.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioReport {
    pub file: String,
    pub name: String,
    pub passed: bool,
    pub duration_ms: f64,
    pub steps: Vec<StepReport>,
    /// The step `--until` stopped after, if it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped_after: Option<String>,
}

impl ScenarioReport {
    pub fn count(&self, status: StepStatus) -> usize {
        self.steps.iter().filter(|s| s.status == status).count()
    }
}

/// The whole run as `--json` prints it.
pub fn json_report(scenarios: &[ScenarioReport]) -> Value {
    let steps = |status| scenarios.iter().map(|s| s.count(status)).sum::<usize>();
    serde_json::json!({
        "passed": scenarios.iter().all(|s| s.passed),
        "summary": {
            "scenarios": scenarios.len(),
            "steps_passed": steps(StepStatus::Passed),
            "steps_failed": steps(StepStatus::Failed),
            "steps_skipped": steps(StepStatus::Skipped),
        },
        "scenarios": scenarios,
    })
}

/// Told about a run as it goes.
pub trait Reporter: Send {
    fn scenario_started(&mut self, _scenario: &Scenario) {}
    fn step_finished(&mut self, _step: &StepReport) {}
    fn scenario_finished(&mut self, _report: &ScenarioReport) {}
}

/// Reports nothing (for `--json`, which prints at the end).
pub struct Quiet;

impl Reporter for Quiet {}

/// Prints each step as it finishes.
pub struct Console<W: Write + Send> {
    out: W,
    /// Width of the step-name column: the longest name of the current file.
    name_width: usize,
}

impl<W: Write + Send> Console<W> {
    pub fn new(out: W) -> Self {
        Console {
            out,
            name_width: 40,
        }
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

impl<W: Write + Send> Reporter for Console<W> {
    fn scenario_started(&mut self, scenario: &Scenario) {
        self.name_width = scenario
            .steps
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(20, 80);
        let _ = writeln!(self.out, "{}  ({})", scenario.name, scenario.file);
    }

    fn step_finished(&mut self, step: &StepReport) {
        if step.status == StepStatus::Skipped {
            return;
        }
        let mark = if step.status == StepStatus::Passed {
            "✓"
        } else {
            "✗"
        };
        let polls = if step.attempts > 1 {
            format!(", {} attempts", step.attempts)
        } else {
            String::new()
        };
        let _ = writeln!(
            self.out,
            "  {mark} {:>2}. {:<width$} {:>8.1} ms{polls}",
            step.number,
            step.name,
            step.duration_ms,
            width = self.name_width
        );
        if step.status == StepStatus::Failed {
            let _ = writeln!(self.out, "       {} (line {})", step.call, step.line);
            if let Some(error) = &step.error {
                for line in error.lines() {
                    let _ = writeln!(self.out, "       {line}");
                }
            }
            for mismatch in &step.mismatches {
                let actual = match &mismatch.actual {
                    Some(value) => shorten(&compact(value), 300),
                    None => "(nothing there)".to_string(),
                };
                let _ = writeln!(
                    self.out,
                    "       {}\n         expected: {}\n         actual:   {actual}",
                    mismatch.path, mismatch.expected
                );
            }
        }
        let _ = self.out.flush();
    }

    fn scenario_finished(&mut self, report: &ScenarioReport) {
        let skipped = report.count(StepStatus::Skipped);
        if skipped > 0 {
            let _ = writeln!(
                self.out,
                "  – {skipped} later step(s) not run after the failure"
            );
        }
        if let Some(step) = &report.stopped_after {
            let _ = writeln!(self.out, "  ■ stopped after '{step}' (--until)");
        }
        let _ = writeln!(
            self.out,
            "  {}: {} passed, {} failed in {:.0} ms\n",
            if report.passed { "PASSED" } else { "FAILED" },
            report.count(StepStatus::Passed),
            report.count(StepStatus::Failed),
            report.duration_ms
        );
        let _ = self.out.flush();
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}… ({} characters)", text.chars().count())
}
