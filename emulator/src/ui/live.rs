//! What the web view knows besides the world: a version that moves after every request
//! that may have changed it (the page's live updates wait on it), the policy that
//! decided each recent denial, and the scenario step a runner last announced.
//!
//! None of it is in the world: it describes the server's traffic, not AWS's state, so
//! snapshots and resets leave it alone.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Mutex;
use tokio::sync::watch;

use crate::auth::{Caller, Principal};
use crate::authorize::{Denial, DenialReason};

/// Denials remembered for the page (it lists the last [`super::view::RECENT_CALLS`]).
const KEPT_DENIALS: usize = 256;

/// The header a scenario runner sends with each request: the step as JSON,
/// percent-encoded (step names are free text; header values are ASCII).
pub const SCENARIO_STEP_HEADER: &str = "x-orgsim-scenario-step";

/// The step a scenario runner is running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioStep {
    pub scenario: String,
    pub file: String,
    pub step: usize,
    pub of: usize,
    pub name: String,
}

impl ScenarioStep {
    /// The header value that announces this step.
    pub fn header_value(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        percent_encoding::utf8_percent_encode(&json, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    /// Reads a header value; anything malformed is ignored (it only labels the page).
    pub fn from_header_value(value: &str) -> Option<ScenarioStep> {
        let json = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .ok()?;
        serde_json::from_str(&json).ok()
    }
}

/// Why a call was refused, as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Denied {
    /// The layer: "service control policy", "resource control policy", …
    pub layer: &'static str,
    /// The deciding policy and where it is attached, as the request log says it.
    pub by: String,
    /// The policy id, when one statement denied explicitly.
    pub policy_id: Option<String>,
    pub action: String,
    pub resource: String,
    /// `/_orgsim/explain?…` for the same caller, action, resource and region.
    pub explain: String,
}

impl Denied {
    pub fn new(caller: &Caller, denial: &Denial) -> Denied {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("account", &caller.account_id);
        query.append_pair("action", &denial.action);
        if denial.resource != "*" {
            query.append_pair("resource", &denial.resource);
        }
        query.append_pair("region", &caller.region);
        match &caller.principal {
            Principal::AssumedRole { role_name, .. } => {
                query.append_pair("role", role_name);
            }
            Principal::User { user_name, .. } => {
                query.append_pair("user", user_name);
            }
            Principal::Root | Principal::FederatedUser { .. } => {}
        }
        Denied {
            layer: denial.kind.words(),
            by: denial.log_summary(),
            policy_id: match &denial.reason {
                DenialReason::ExplicitDeny { policy_id, .. } => Some(policy_id.clone()),
                DenialReason::NoAllow { .. } => None,
            },
            action: denial.action.clone(),
            resource: denial.resource.clone(),
            explain: format!("/_orgsim/explain?{}", query.finish()),
        }
    }
}

pub struct Live {
    version: watch::Sender<u64>,
    /// (request id as CloudTrail stores it, why it was refused), oldest first.
    denials: Mutex<VecDeque<(u128, Denied)>>,
    scenario: Mutex<Option<ScenarioStep>>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            version: watch::Sender::new(0),
            denials: Mutex::new(VecDeque::new()),
            scenario: Mutex::new(None),
        }
    }
}

impl Live {
    pub fn version(&self) -> u64 {
        *self.version.borrow()
    }

    /// Wakes every open page: the world may have changed.
    pub fn changed(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    pub fn record_denial(&self, request_id: &str, caller: &Caller, denial: &Denial) {
        let Ok(id) = uuid::Uuid::parse_str(request_id) else {
            return;
        };
        let mut denials = lock(&self.denials);
        if denials.len() >= KEPT_DENIALS {
            denials.pop_front();
        }
        denials.push_back((id.as_u128(), Denied::new(caller, denial)));
    }

    pub fn denial(&self, request_id: u128) -> Option<Denied> {
        lock(&self.denials)
            .iter()
            .rev()
            .find(|(id, _)| *id == request_id)
            .map(|(_, d)| d.clone())
    }

    pub fn set_scenario_step(&self, step: ScenarioStep) {
        *lock(&self.scenario) = Some(step);
    }

    pub fn scenario_step(&self) -> Option<ScenarioStep> {
        lock(&self.scenario).clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
