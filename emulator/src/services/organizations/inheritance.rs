//! Management policies (tag, backup, AI opt-out, declarative, …): their JSON grammar
//! with inheritance operators, and how the policies attached from the root down to an
//! account merge into the account's effective policy.
//!
//! Rules (AWS User Guide, "Inheritance operators" and "Inheritance examples"):
//! - `@@assign` replaces the inherited value (a whole array for multi-valued settings);
//!   `@@append` adds values to an inherited array; `@@remove` takes values out of it.
//! - `@@operators_allowed_for_child_policies` (`@@all`, `@@none`, or a list of value
//!   operators) on an element limits what policies attached *lower* in the tree may
//!   do to that element and everything under it. A child can't loosen a limit.
//! - Policies attached to the same root, OU or account are one level: limits they set
//!   apply from the next level down, and combine as the intersection.
//!
//! Where the guide is silent orgsim chooses, and says so: a bare value is an implicit
//! `@@assign`; same-level policies apply in policy-id order (so among conflicting
//! `@@assign`s the greatest id wins); an operation a limit forbids is left out of the
//! effective policy and reported as a validation error.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

use crate::policy::PolicyError;

const ASSIGN: &str = "@@assign";
const APPEND: &str = "@@append";
const REMOVE: &str = "@@remove";
const CHILD_OPERATORS: &str = "@@operators_allowed_for_child_policies";

/// A value-setting operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Operator {
    Assign,
    Append,
    Remove,
}

impl Operator {
    fn from_key(key: &str) -> Option<Operator> {
        match key {
            ASSIGN => Some(Operator::Assign),
            APPEND => Some(Operator::Append),
            REMOVE => Some(Operator::Remove),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Operator::Assign => ASSIGN,
            Operator::Append => APPEND,
            Operator::Remove => REMOVE,
        }
    }
}

type Allowed = BTreeSet<Operator>;

fn all_operators() -> Allowed {
    [Operator::Assign, Operator::Append, Operator::Remove].into()
}

/// Checks a management policy's text: a JSON object whose `@@` keys are known
/// operators used the way the guide describes.
pub fn parse_management_policy(text: &str) -> Result<Map<String, Value>, PolicyError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| PolicyError::new(format!("The policy is not valid JSON: {e}.")))?;
    let Value::Object(document) = value else {
        return Err(PolicyError::new("The policy must be a JSON object."));
    };
    check_element(&document, "")?;
    Ok(document)
}

fn check_element(element: &Map<String, Value>, path: &str) -> Result<(), PolicyError> {
    let has_value_operator = element.keys().any(|k| Operator::from_key(k).is_some());
    for (key, value) in element {
        let here = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if key == CHILD_OPERATORS {
            child_operators(value).map_err(|why| PolicyError::new(format!("{here}: {why}")))?;
        } else if let Some(operator) = Operator::from_key(key) {
            if value.is_object() {
                return Err(PolicyError::new(format!(
                    "{here}: an operator's value must be a value or an array, not an object."
                )));
            }
            if operator != Operator::Assign && !value.is_array() {
                return Err(PolicyError::new(format!(
                    "{here}: {key} applies only to multi-valued settings (JSON arrays)."
                )));
            }
        } else if key.starts_with("@@") {
            return Err(PolicyError::new(format!(
                "{here}: {key} is not an inheritance operator."
            )));
        } else if has_value_operator {
            return Err(PolicyError::new(format!(
                "{here}: an element that sets a value with an operator can't contain other elements."
            )));
        } else if let Value::Object(child) = value {
            check_element(child, &here)?;
        }
    }
    Ok(())
}

/// The operators an `@@operators_allowed_for_child_policies` value allows.
fn child_operators(value: &Value) -> Result<Allowed, String> {
    let Some(items) = value.as_array().filter(|a| !a.is_empty()) else {
        return Err(format!(
            "{CHILD_OPERATORS} must be a non-empty array of operators."
        ));
    };
    let mut allowed = Allowed::new();
    for item in items {
        match item.as_str() {
            Some("@@all") => allowed.extend(all_operators()),
            Some("@@none") => {}
            Some(other) => match Operator::from_key(other) {
                Some(op) => {
                    allowed.insert(op);
                }
                None => return Err(format!("{item} is not an operator a child may be allowed.")),
            },
            None => return Err(format!("{CHILD_OPERATORS} must list operators as strings.")),
        }
    }
    Ok(allowed)
}

/// A problem met while merging (the `EffectivePolicyValidationError` shape).
#[derive(Clone, Debug, PartialEq)]
pub struct MergeError {
    pub code: &'static str,
    pub message: String,
    /// Dotted path of the element in the effective policy.
    pub path: String,
    pub contributing_policies: Vec<String>,
}

/// An account's effective policy and what went wrong building it.
#[derive(Clone, Debug, PartialEq)]
pub struct Effective {
    /// The merged policy, operators removed.
    pub document: Value,
    pub errors: Vec<MergeError>,
}

/// One element of the policy being merged.
#[derive(Default)]
struct Node {
    value: Option<Value>,
    /// In first-seen order, as the effective policy shows them.
    children: Vec<(String, Node)>,
    /// Operators allowed here by levels already merged (`None`: all).
    allowed: Option<Allowed>,
    /// The policies that set `allowed`.
    limited_by: Vec<String>,
    /// Limits set by the level being merged, applied when it is done.
    pending: Option<(Allowed, Vec<String>)>,
}

impl Node {
    fn child(&mut self, key: &str) -> &mut Node {
        let at = match self.children.iter().position(|(k, _)| k == key) {
            Some(at) => at,
            None => {
                self.children.push((key.to_string(), Node::default()));
                self.children.len() - 1
            }
        };
        &mut self.children[at].1
    }

    /// Applies this level's limits, so they bind the levels below.
    fn commit_level(&mut self) {
        if let Some((allowed, by)) = self.pending.take() {
            self.allowed = Some(match self.allowed.take() {
                Some(old) => old.intersection(&allowed).copied().collect(),
                None => allowed,
            });
            self.limited_by.extend(by);
        }
        for (_, child) in &mut self.children {
            child.commit_level();
        }
    }

    fn render(&self) -> Option<Value> {
        if self.children.is_empty() {
            return self.value.clone();
        }
        let object: Map<String, Value> = self
            .children
            .iter()
            .filter_map(|(k, n)| n.render().map(|v| (k.clone(), v)))
            .collect();
        (!object.is_empty()).then_some(Value::Object(object))
    }
}

/// What limits an element inherits from the elements above it.
#[derive(Clone)]
struct Limits {
    allowed: Allowed,
    by: Vec<String>,
}

struct Merger {
    errors: Vec<MergeError>,
}

impl Merger {
    fn apply(
        &mut self,
        node: &mut Node,
        element: &Map<String, Value>,
        limits: &Limits,
        policy: &str,
        path: &str,
    ) {
        let limits = match &node.allowed {
            Some(allowed) => Limits {
                allowed: limits.allowed.intersection(allowed).copied().collect(),
                by: limits.by.iter().chain(&node.limited_by).cloned().collect(),
            },
            None => limits.clone(),
        };
        for (key, value) in element {
            if key == CHILD_OPERATORS {
                let allowed = child_operators(value).unwrap_or_default();
                let pending = node
                    .pending
                    .get_or_insert_with(|| (all_operators(), vec![]));
                pending.0 = pending.0.intersection(&allowed).copied().collect();
                pending.1.push(policy.to_string());
            } else if let Some(operator) = Operator::from_key(key) {
                self.set(node, operator, value, &limits, policy, path);
            } else {
                let here = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let child = node.child(key);
                match value {
                    Value::Object(inner) => self.apply(child, inner, &limits, policy, &here),
                    // A bare value: orgsim reads it as @@assign.
                    bare => {
                        let limits = match &child.allowed {
                            Some(a) => Limits {
                                allowed: limits.allowed.intersection(a).copied().collect(),
                                by: limits.by.iter().chain(&child.limited_by).cloned().collect(),
                            },
                            None => limits.clone(),
                        };
                        self.set(child, Operator::Assign, bare, &limits, policy, &here)
                    }
                }
            }
        }
    }

    fn set(
        &mut self,
        node: &mut Node,
        operator: Operator,
        value: &Value,
        limits: &Limits,
        policy: &str,
        path: &str,
    ) {
        let contributing = || {
            let mut ids = limits.by.clone();
            ids.push(policy.to_string());
            ids.dedup();
            ids
        };
        if !limits.allowed.contains(&operator) {
            self.errors.push(MergeError {
                code: "OPERATOR_NOT_ALLOWED",
                message: format!(
                    "{} isn't allowed at {path}: a parent policy limits what child policies may change there.",
                    operator.key()
                ),
                path: path.to_string(),
                contributing_policies: contributing(),
            });
            return;
        }
        let values = || value.as_array().cloned().unwrap_or_default();
        match (operator, node.value.take()) {
            (Operator::Assign, _) => node.value = Some(value.clone()),
            (Operator::Append, None) => node.value = Some(Value::Array(values())),
            (Operator::Append, Some(Value::Array(mut current))) => {
                for v in values() {
                    if !current.contains(&v) {
                        current.push(v);
                    }
                }
                node.value = Some(Value::Array(current));
            }
            (Operator::Remove, None) => {}
            (Operator::Remove, Some(Value::Array(mut current))) => {
                let gone = values();
                current.retain(|v| !gone.contains(v));
                node.value = Some(Value::Array(current));
            }
            (_, Some(single)) => {
                node.value = Some(single);
                self.errors.push(MergeError {
                    code: "OPERATOR_NOT_APPLICABLE",
                    message: format!(
                        "{} needs a multi-valued (array) setting, but {path} holds a single value.",
                        operator.key()
                    ),
                    path: path.to_string(),
                    contributing_policies: contributing(),
                });
            }
        }
    }
}

/// Merges policies level by level, root first and the account last; each level lists
/// `(policy id, document)` of the policies attached there.
pub fn merge(levels: &[Vec<(String, Map<String, Value>)>]) -> Effective {
    let mut root = Node::default();
    let mut merger = Merger { errors: vec![] };
    let open = Limits {
        allowed: all_operators(),
        by: vec![],
    };
    for level in levels {
        let mut ordered: Vec<&(String, Map<String, Value>)> = level.iter().collect();
        ordered.sort_by(|a, b| a.0.cmp(&b.0));
        for (policy, document) in ordered {
            merger.apply(&mut root, document, &open, policy, "");
        }
        root.commit_level();
    }
    Effective {
        document: root.render().unwrap_or_else(|| Value::Object(Map::new())),
        errors: merger.errors,
    }
}

#[cfg(test)]
#[path = "inheritance_tests.rs"]
mod tests;
