//! The rule of organization policies (SCPs, RCPs) over the path from the root down to
//! an account: every level must have an attached policy that allows, and no policy on
//! the path may deny.

use super::{PolicyDecision, PolicyDocument, Request};

/// One policy attached at a level. `document` is `None` when its text could not be
/// parsed (only possible in a hand-edited snapshot): it then neither allows nor denies.
#[derive(Clone, Copy, Debug)]
pub struct Attached<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub document: Option<&'a PolicyDocument>,
}

/// One level of the path — the root, an OU or the account — and its policies.
#[derive(Clone, Debug)]
pub struct Level<'a> {
    pub target_id: &'a str,
    pub policies: Vec<Attached<'a>>,
}

/// What one attached policy said, with the deciding statement's `Sid` if it has one.
#[derive(Clone, Debug)]
pub struct PolicyVerdict<'a> {
    pub policy: Attached<'a>,
    pub decision: PolicyDecision,
    pub sid: Option<&'a str>,
}

/// One level of the trail.
#[derive(Clone, Debug)]
pub struct LevelTrail<'a> {
    pub target_id: &'a str,
    pub verdicts: Vec<PolicyVerdict<'a>>,
}

impl LevelTrail<'_> {
    pub fn allows(&self) -> bool {
        self.verdicts
            .iter()
            .any(|v| matches!(v.decision, PolicyDecision::Allow(_)))
    }
}

/// The outcome over the whole path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathOutcome<'a> {
    Allowed,
    /// A statement of `policy_id`, attached at `target_id`, denies.
    ExplicitDeny {
        target_id: &'a str,
        policy_id: &'a str,
        policy_name: &'a str,
        sid: Option<&'a str>,
    },
    /// No policy attached at `target_id` allows.
    NoAllow {
        target_id: &'a str,
    },
}

/// The decision and the per-level trail behind it.
#[derive(Clone, Debug)]
pub struct PathEvaluation<'a> {
    pub outcome: PathOutcome<'a>,
    pub trail: Vec<LevelTrail<'a>>,
}

/// Evaluates every policy on the path. An explicit deny anywhere wins over a level
/// that allows nothing (AWS's message then names the deny).
pub fn evaluate_path<'a>(levels: &[Level<'a>], request: &Request) -> PathEvaluation<'a> {
    let trail: Vec<LevelTrail<'a>> = levels
        .iter()
        .map(|level| LevelTrail {
            target_id: level.target_id,
            verdicts: level
                .policies
                .iter()
                .map(|attached| {
                    let decision = attached
                        .document
                        .map_or(PolicyDecision::NotApplicable, |d| d.decide(request));
                    let sid = match decision {
                        PolicyDecision::Deny(i) | PolicyDecision::Allow(i) => attached
                            .document
                            .and_then(|d| d.statements[i].sid.as_deref()),
                        PolicyDecision::NotApplicable => None,
                    };
                    PolicyVerdict {
                        policy: *attached,
                        decision,
                        sid,
                    }
                })
                .collect(),
        })
        .collect();
    let deny = trail.iter().find_map(|level| {
        level
            .verdicts
            .iter()
            .find(|v| matches!(v.decision, PolicyDecision::Deny(_)))
            .map(|v| PathOutcome::ExplicitDeny {
                target_id: level.target_id,
                policy_id: v.policy.id,
                policy_name: v.policy.name,
                sid: v.sid,
            })
    });
    let outcome = deny
        .or_else(|| {
            trail
                .iter()
                .find(|level| !level.allows())
                .map(|level| PathOutcome::NoAllow {
                    target_id: level.target_id,
                })
        })
        .unwrap_or(PathOutcome::Allowed);
    PathEvaluation { outcome, trail }
}
