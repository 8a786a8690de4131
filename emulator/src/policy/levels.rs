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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse, Dialect, RequestContext};

    fn scp(text: &str) -> PolicyDocument {
        parse(text, Dialect::ServiceControlPolicy).unwrap()
    }

    const FULL_AWS_ACCESS: &str =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

    fn level<'a>(target_id: &'a str, policies: &[(&'a str, &'a PolicyDocument)]) -> Level<'a> {
        Level {
            target_id,
            policies: policies
                .iter()
                .map(|(id, doc)| Attached {
                    id,
                    name: id,
                    document: Some(*doc),
                })
                .collect(),
        }
    }

    #[test]
    fn every_level_must_allow_and_no_level_may_deny() {
        let full = scp(FULL_AWS_ACCESS);
        let allow_list = scp(
            r#"{"Statement":{"Effect":"Allow","Action":["guardduty:List*","guardduty:Get*"],"Resource":"*"}}"#,
        );
        let deny_delete = scp(
            r#"{"Statement":{"Sid":"Protect","Effect":"Deny","Action":"guardduty:DeleteDetector"}}"#,
        );
        fn run<'a>(levels: &[Level<'a>], action: &str) -> PathOutcome<'a> {
            let c = RequestContext::default();
            let request = Request {
                action,
                resource: "*",
                context: &c,
            };
            evaluate_path(levels, &request).outcome
        }

        let all_full = [
            level("r-root", &[("p-FullAWSAccess", &full)]),
            level("ou-1", &[("p-FullAWSAccess", &full)]),
            level("111122223333", &[("p-FullAWSAccess", &full)]),
        ];
        assert_eq!(
            run(&all_full, "guardduty:DeleteDetector"),
            PathOutcome::Allowed
        );

        // An allow list replacing FullAWSAccess on the OU: what it does not list is refused
        // there, even though the root and the account allow everything.
        let allow_listed = [
            level("r-root", &[("p-FullAWSAccess", &full)]),
            level("ou-1", &[("p-list", &allow_list)]),
            level("111122223333", &[("p-FullAWSAccess", &full)]),
        ];
        assert_eq!(
            run(&allow_listed, "guardduty:ListDetectors"),
            PathOutcome::Allowed
        );
        assert_eq!(
            run(&allow_listed, "guardduty:DeleteDetector"),
            PathOutcome::NoAllow { target_id: "ou-1" }
        );

        // A deny at the root reaches every account below, whatever else is attached.
        let denied = [
            level(
                "r-root",
                &[("p-FullAWSAccess", &full), ("p-deny", &deny_delete)],
            ),
            level("ou-1", &[("p-FullAWSAccess", &full)]),
            level("111122223333", &[("p-FullAWSAccess", &full)]),
        ];
        assert_eq!(
            run(&denied, "guardduty:DeleteDetector"),
            PathOutcome::ExplicitDeny {
                target_id: "r-root",
                policy_id: "p-deny",
                policy_name: "p-deny",
                sid: Some("Protect")
            }
        );
        assert_eq!(
            run(&denied, "guardduty:CreateDetector"),
            PathOutcome::Allowed
        );

        // An explicit deny is reported even where a level also allows nothing.
        let both = [
            level("r-root", &[("p-FullAWSAccess", &full)]),
            level("ou-1", &[("p-list", &allow_list)]),
            level("111122223333", &[("p-deny", &deny_delete)]),
        ];
        assert!(matches!(
            run(&both, "guardduty:DeleteDetector"),
            PathOutcome::ExplicitDeny {
                target_id: "111122223333",
                ..
            }
        ));

        // A level with nothing attached allows nothing.
        let bare = [
            level("r-root", &[("p-FullAWSAccess", &full)]),
            level("111122223333", &[]),
        ];
        assert_eq!(
            run(&bare, "guardduty:ListDetectors"),
            PathOutcome::NoAllow {
                target_id: "111122223333"
            }
        );
    }
}
