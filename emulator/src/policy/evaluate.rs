//! Whether a policy allows, denies or says nothing about one request.

use super::{
    wildcard, ActionClause, Effect, PolicyDocument, PrincipalClause, Principals, ResourceClause,
    Statement,
};

/// The condition keys a request carries: lower-cased key → its values (one for most
/// keys, several for multivalued ones such as `aws:PrincipalOrgPaths`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RequestContext {
    keys: Vec<(String, Vec<String>)>,
}

impl RequestContext {
    /// Sets a key (its name in any case) to one value.
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.set_all(key, vec![value.into()]);
    }

    /// Sets a key to several values.
    pub fn set_all(&mut self, key: &str, values: Vec<String>) {
        let key = key.to_ascii_lowercase();
        match self.keys.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v = values,
            None => self.keys.push((key, values)),
        }
    }

    /// The values of a lower-cased key, if the request has it.
    pub fn get(&self, key_lower: &str) -> Option<&[String]> {
        self.keys
            .iter()
            .find(|(k, _)| k == key_lower)
            .map(|(_, v)| v.as_slice())
    }

    /// Every key and its values, in the order they were set.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &[String])> {
        self.keys.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
}

/// What a policy is asked about: `service:Operation`, the resource's ARN (or `*`), and
/// the condition keys.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    pub context: &'a RequestContext,
}

/// A policy's answer to one request, naming the statement (by index) that decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyDecision {
    /// A `Deny` statement applies (it wins over any `Allow`).
    Deny(usize),
    /// An `Allow` statement applies and no `Deny` does.
    Allow(usize),
    /// No statement applies.
    NotApplicable,
}

impl PolicyDocument {
    /// Evaluates every statement: an applicable `Deny` wins, then an `Allow`.
    pub fn decide(&self, request: &Request) -> PolicyDecision {
        let mut allowed = None;
        for (i, statement) in self.statements.iter().enumerate() {
            if !statement.applies_to(request) {
                continue;
            }
            match statement.effect {
                Effect::Deny => return PolicyDecision::Deny(i),
                Effect::Allow => {
                    allowed.get_or_insert(i);
                }
            }
        }
        allowed.map_or(PolicyDecision::NotApplicable, PolicyDecision::Allow)
    }
}

impl Statement {
    /// Whether the statement covers the request: principal, action, resource and every
    /// condition.
    pub fn applies_to(&self, request: &Request) -> bool {
        self.principal_matches(request)
            && action_matches(&self.action, request.action)
            && resource_matches(self.resource.as_ref(), request.resource)
            && self
                .condition
                .as_ref()
                .is_none_or(|c| c.tests.iter().all(|t| t.holds(request.context)))
    }

    /// `Principal`: `"*"`, accounts / ARNs under `AWS` compared with the request's
    /// `aws:PrincipalArn` and `aws:PrincipalAccount`, `Service` with
    /// `aws:PrincipalServiceName`, `Federated` with `aws:FederatedProvider`. Statements
    /// without one (SCPs, identity policies) apply to the policy's own principals.
    fn principal_matches(&self, request: &Request) -> bool {
        match &self.principal {
            None => true,
            Some(PrincipalClause::Principal(p)) => principal_match(p, request).is_some(),
            Some(PrincipalClause::NotPrincipal(p)) => principal_match(p, request).is_none(),
        }
    }

    /// Whether the statement's `Principal` names the caller itself (its ARN) rather
    /// than its whole account or everyone: within one account, a resource policy that
    /// names the principal allows without an identity policy (IAM User Guide, policy
    /// evaluation logic).
    pub fn names_principal(&self, request: &Request) -> bool {
        match &self.principal {
            Some(PrincipalClause::Principal(p)) => {
                principal_match(p, request) == Some(PrincipalMatch::Named)
            }
            _ => false,
        }
    }
}

/// How a `Principal` element matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PrincipalMatch {
    /// `"*"`, an account id or `arn:aws:iam::<account>:root`.
    Broad,
    /// The caller's own ARN (or a pattern of ARNs), a service or a provider.
    Named,
}

fn principal_match(principals: &Principals, request: &Request) -> Option<PrincipalMatch> {
    let kinds = match principals {
        Principals::Any => return Some(PrincipalMatch::Broad),
        Principals::ByKind(kinds) => kinds,
    };
    let first = |key: &str| {
        request
            .context
            .get(key)
            .and_then(|v| v.first())
            .map(String::as_str)
    };
    if let Some(aws) = kinds.get("AWS") {
        let arn = first("aws:principalarn").unwrap_or_default();
        let account = first("aws:principalaccount").unwrap_or_default();
        let mut found = None;
        for p in aws {
            if p == "*"
                || p == account
                || (p.ends_with(":root") && *p == format!("arn:aws:iam::{account}:root"))
            {
                found = found.or(Some(PrincipalMatch::Broad));
            } else if wildcard::arn_matches(p, arn) {
                return Some(PrincipalMatch::Named);
            }
        }
        if found.is_some() {
            return found;
        }
    }
    let listed = |kind: &str, key: &str| {
        kinds.get(kind).is_some_and(|names| {
            first(key).is_some_and(|value| names.iter().any(|n| n.eq_ignore_ascii_case(value)))
        })
    };
    (listed("Service", "aws:principalservicename") || listed("Federated", "aws:federatedprovider"))
        .then_some(PrincipalMatch::Named)
}

/// `Action` / `NotAction`: wildcard patterns over `service:Operation`, ignoring case.
fn action_matches(clause: &ActionClause, action: &str) -> bool {
    let any = |patterns: &[String]| patterns.iter().any(|p| wildcard::matches(p, action, true));
    match clause {
        ActionClause::Action(patterns) => any(patterns),
        ActionClause::NotAction(patterns) => !any(patterns),
    }
}

/// `Resource` / `NotResource`: ARN patterns; an SCP statement without either covers all.
fn resource_matches(clause: Option<&ResourceClause>, resource: &str) -> bool {
    let any = |patterns: &[String]| {
        patterns
            .iter()
            .any(|p| p == "*" || wildcard::arn_matches(p, resource))
    };
    match clause {
        None => true,
        Some(ResourceClause::Resource(patterns)) => any(patterns),
        Some(ResourceClause::NotResource(patterns)) => !any(patterns),
    }
}
