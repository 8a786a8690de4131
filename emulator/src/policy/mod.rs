//! The IAM policy language: the JSON documents of identity policies, service control
//! policies (SCPs) and resource control policies (RCPs).
//!
//! A policy's text is parsed once, by [`parse`], into a typed [`PolicyDocument`]; the
//! rules that differ between kinds of policy (an SCP names no principal, an RCP names
//! `"*"` and only denies) are the [`Dialect`]'s. Conditions are compiled at parse time
//! ([`condition`]), so evaluation ([`evaluate`]: does a policy allow, deny or say nothing
//! about a request; [`levels`]: the root-to-account rule of SCPs and RCPs) never looks
//! at JSON.

mod condition;
mod evaluate;
mod grammar;
pub mod levels;
pub mod wildcard;

pub use condition::{parse_date, ConditionTest};
pub use evaluate::{PolicyDecision, Request, RequestContext};
pub use grammar::parse;
pub use wildcard::{arn_matches, matches as wildcard_matches};

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// Which kind of policy a document is, and so which grammar rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// An IAM identity policy: `Resource` required, no `Principal`.
    Identity,
    /// A service control policy: no `Principal`/`NotPrincipal`; a statement without
    /// `Resource` applies to every resource.
    ServiceControlPolicy,
    /// A resource control policy: `Version` 2012-10-17, `Effect` `Deny`, `Principal`
    /// `"*"`, `Action` (not `NotAction`) and `Resource` or `NotResource`.
    ResourceControlPolicy,
    /// A role's trust policy: `Principal` or `NotPrincipal` required, no `Resource`.
    TrustPolicy,
    /// Any other resource-based policy (bucket policies…): `Principal` and `Resource`.
    ResourceBased,
}

/// A parsed policy.
#[derive(Clone, Debug, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<Version>,
    pub id: Option<String>,
    /// At least one; `Statement` may be written as one object or an array.
    pub statements: Vec<Statement>,
}

/// The `Version` element: the language rules the policy was written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    V2012_10_17,
    V2008_10_17,
}

impl Version {
    pub fn as_str(self) -> &'static str {
        match self {
            Version::V2012_10_17 => "2012-10-17",
            Version::V2008_10_17 => "2008-10-17",
        }
    }
}

/// One statement: who, what, on which resources, when, and whether it allows or denies.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    /// `None` in identity policies and SCPs.
    pub principal: Option<PrincipalClause>,
    pub action: ActionClause,
    /// `None` only in SCPs, where it means every resource.
    pub resource: Option<ResourceClause>,
    pub condition: Option<Condition>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal` or `NotPrincipal`.
#[derive(Clone, Debug, PartialEq)]
pub enum PrincipalClause {
    Principal(Principals),
    NotPrincipal(Principals),
}

/// `"*"`, or principals by kind (`AWS`, `Service`, `Federated`, `CanonicalUser`).
#[derive(Clone, Debug, PartialEq)]
pub enum Principals {
    Any,
    ByKind(BTreeMap<String, Vec<String>>),
}

/// `Action` or `NotAction`: patterns `service:Operation` with `*` and `?`, or `"*"`.
#[derive(Clone, Debug, PartialEq)]
pub enum ActionClause {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

impl ActionClause {
    pub fn patterns(&self) -> &[String] {
        match self {
            ActionClause::Action(p) | ActionClause::NotAction(p) => p,
        }
    }
}

/// `Resource` or `NotResource`: ARN patterns with `*` and `?`, or `"*"`.
#[derive(Clone, Debug, PartialEq)]
pub enum ResourceClause {
    Resource(Vec<String>),
    NotResource(Vec<String>),
}

/// The `Condition` block: operator (`StringEquals`, `ArnLike`, …, with `IfExists` and
/// `ForAnyValue:`/`ForAllValues:` forms) → condition key → value or values, as written,
/// and compiled into one test per (operator, key), all of which must hold.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub blocks: BTreeMap<String, Map<String, Value>>,
    pub tests: Vec<ConditionTest>,
}

/// Why a document is not a valid policy of its dialect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub message: String,
}

impl PolicyError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        PolicyError {
            message: message.into(),
        }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod evaluate_tests;
