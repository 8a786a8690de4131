//! ValidatePolicy: the policy checks AWS documents (errors, security warnings,
//! warnings, suggestions, by AWS's issue codes) that orgsim's policy grammar can
//! tell, each located by path and span. Checks that need AWS's catalogue of every
//! service's actions, resources and condition keys are not made.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeSet;

use super::errors::AaError;
use super::page;
use super::validate_rules::{parse_located, Node, Span};
use crate::auth::Caller;
use crate::policy::{self, Dialect};
use crate::services::pagination::encode_token;
use crate::world::World;

const LEARN_MORE: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html";
const POLICY_TYPES: &[&str] = &[
    "IDENTITY_POLICY",
    "RESOURCE_POLICY",
    "SERVICE_CONTROL_POLICY",
    "RESOURCE_CONTROL_POLICY",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatePolicyInput {
    pub locale: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub policy_document: String,
    pub policy_type: String,
    pub validate_policy_resource_type: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidatePolicyOutput {
    pub findings: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// One finding of the validation.
#[derive(Clone, Debug)]
pub struct Issue {
    pub finding_type: &'static str,
    pub issue_code: &'static str,
    pub details: String,
    pub path: Vec<Value>,
    pub span: Span,
}

impl Issue {
    fn wire(&self) -> Value {
        let section = match self.finding_type {
            "ERROR" => "error",
            "SECURITY_WARNING" => "security-warning",
            "WARNING" => "general-warning",
            _ => "suggestion",
        };
        let anchor = self.issue_code.to_ascii_lowercase().replace('_', "-");
        json!({
            "findingDetails": self.details,
            "findingType": self.finding_type,
            "issueCode": self.issue_code,
            "learnMoreLink": format!("{LEARN_MORE}#access-analyzer-reference-policy-checks-{section}-{anchor}"),
            "locations": [{"path": self.path, "span": self.span.wire()}],
        })
    }
}

pub fn validate_policy(
    _world: &mut World,
    _caller: &Caller,
    input: ValidatePolicyInput,
) -> Result<ValidatePolicyOutput, AaError> {
    if !POLICY_TYPES.contains(&input.policy_type.as_str()) {
        return Err(AaError::field(
            "policyType",
            format!("Invalid policyType: {}", input.policy_type),
        ));
    }
    let trust = input.validate_policy_resource_type.as_deref()
        == Some("AWS::IAM::AssumeRolePolicyDocument");
    let issues = check(&input.policy_document, &input.policy_type, trust);
    let listing = format!("ValidatePolicy {}", issues.len());
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let start = after.and_then(|a| a.parse::<usize>().ok()).unwrap_or(0);
    let end = (start + max).min(issues.len());
    Ok(ValidatePolicyOutput {
        findings: issues
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(Issue::wire)
            .collect(),
        next_token: (end < issues.len()).then(|| encode_token(&listing, &end.to_string())),
    })
}

fn key(name: &str) -> Value {
    json!({ "value": name })
}

fn index(i: usize) -> Value {
    json!({ "index": i })
}

/// Every issue of the document, in document order.
pub fn check(text: &str, policy_type: &str, trust_policy: bool) -> Vec<Issue> {
    let mut issues = Vec::new();
    let root = match parse_located(text) {
        Ok(root) => root,
        Err(e) => {
            issues.push(Issue {
                finding_type: "ERROR",
                issue_code: "JSON_SYNTAX_ERROR",
                details: format!("Fix the JSON syntax error in the policy: {}.", e.message),
                path: Vec::new(),
                span: Span {
                    start: e.at,
                    end: e.at,
                },
            });
            return issues;
        }
    };
    let Node::Object(members, span) = &root else {
        issues.push(error(
            "JSON_SYNTAX_ERROR",
            "The policy must be a JSON object.",
            Vec::new(),
            root.span(),
        ));
        return issues;
    };
    for (name, node) in members {
        if !["Version", "Id", "Statement"].contains(&name.as_str()) {
            issues.push(error(
                "INVALID_POLICY_ELEMENT",
                &format!("The policy element {name} is not valid. Use Version, Id or Statement."),
                vec![key(name)],
                node.span(),
            ));
        }
    }
    match root.get("Version") {
        None => issues.push(Issue {
            finding_type: "WARNING",
            issue_code: "MISSING_VERSION",
            details: "We recommend that you specify the Version element to help you with debugging permission issues.".into(),
            path: Vec::new(),
            span: Span { start: span.start, end: span.start },
        }),
        Some(v) if !matches!(v.as_str(), Some("2012-10-17") | Some("2008-10-17")) => {
            issues.push(error(
                "INVALID_VERSION",
                "The policy Version must be 2012-10-17 or 2008-10-17.",
                vec![key("Version")],
                v.span(),
            ))
        }
        Some(_) => {}
    }
    let statements: Vec<(Vec<Value>, &Node)> = match root.get("Statement") {
        None => {
            issues.push(error(
                "MISSING_STATEMENT",
                "Add a Statement element to the policy.",
                Vec::new(),
                *span,
            ));
            return issues;
        }
        Some(Node::Array(items, _)) => items
            .iter()
            .enumerate()
            .map(|(i, s)| (vec![key("Statement"), index(i)], s))
            .collect(),
        Some(one) => vec![(vec![key("Statement")], one)],
    };
    let mut sids = BTreeSet::new();
    let mut seen_statements: Vec<Value> = Vec::new();
    for (path, statement) in statements {
        check_statement(
            statement,
            &path,
            policy_type,
            trust_policy,
            &mut sids,
            &mut issues,
        );
        let value = statement.value();
        if seen_statements.contains(&value) {
            issues.push(suggestion(
                "REDUNDANT_STATEMENT",
                "The statement is a duplicate of another statement in the policy. Remove it.",
                path.clone(),
                statement.span(),
            ));
        }
        seen_statements.push(value);
    }
    issues
}

fn error(code: &'static str, details: &str, path: Vec<Value>, span: Span) -> Issue {
    Issue {
        finding_type: "ERROR",
        issue_code: code,
        details: details.to_string(),
        path,
        span,
    }
}

fn suggestion(code: &'static str, details: &str, path: Vec<Value>, span: Span) -> Issue {
    Issue {
        finding_type: "SUGGESTION",
        issue_code: code,
        details: details.to_string(),
        path,
        span,
    }
}

fn security(code: &'static str, details: &str, path: Vec<Value>, span: Span) -> Issue {
    Issue {
        finding_type: "SECURITY_WARNING",
        issue_code: code,
        details: details.to_string(),
        path,
        span,
    }
}

fn with(path: &[Value], more: Value) -> Vec<Value> {
    let mut p = path.to_vec();
    p.push(more);
    p
}

/// The strings of an element written as one string or an array: (path, value, node).
fn strings<'n>(node: &'n Node, path: &[Value]) -> Vec<(Vec<Value>, &'n Node)> {
    match node {
        Node::Array(items, _) => items
            .iter()
            .enumerate()
            .map(|(i, n)| (with(path, index(i)), n))
            .collect(),
        other => vec![(path.to_vec(), other)],
    }
}

const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

fn check_statement(
    statement: &Node,
    path: &[Value],
    policy_type: &str,
    trust_policy: bool,
    sids: &mut BTreeSet<String>,
    issues: &mut Vec<Issue>,
) {
    let Node::Object(members, span) = statement else {
        issues.push(error(
            "INVALID_POLICY_ELEMENT",
            "A statement must be a JSON object.",
            path.to_vec(),
            statement.span(),
        ));
        return;
    };
    let span = *span;
    for (name, node) in members {
        if !STATEMENT_KEYS.contains(&name.as_str()) {
            issues.push(error(
                "INVALID_POLICY_ELEMENT",
                &format!("The statement element {name} is not valid."),
                with(path, key(name)),
                node.span(),
            ));
        }
    }
    // Sid
    if let Some(sid) = statement.get("Sid") {
        let sid_path = with(path, key("Sid"));
        match sid.as_str() {
            Some("") => issues.push(suggestion("EMPTY_SID_VALUE", "Add a value to the empty string in the Sid element.", sid_path, sid.span())),
            Some(s) if !s.chars().all(|c| c.is_ascii_alphanumeric()) => issues.push(error(
                "UNSUPPORTED_SID",
                "Update the characters in the Sid element to use one of the following character types: [a-z, A-Z, 0-9].",
                sid_path,
                sid.span(),
            )),
            Some(s) => {
                if !sids.insert(s.to_string()) {
                    issues.push(error("UNIQUE_SIDS_REQUIRED", "Duplicate statement IDs (SIDs) are not supported. Use a unique SID in each statement.", sid_path, sid.span()));
                }
            }
            None => issues.push(error("UNSUPPORTED_SID", "The Sid element must be a string.", sid_path, sid.span())),
        }
    }
    // Effect
    let effect = statement.get("Effect");
    match effect.map(|e| (e, e.as_str())) {
        None => issues.push(error(
            "MISSING_EFFECT",
            "Add an Effect element to the policy statement with a value of Allow or Deny.",
            path.to_vec(),
            span,
        )),
        Some((e, value)) if !matches!(value, Some("Allow") | Some("Deny")) => issues.push(error(
            "INVALID_EFFECT",
            "Update the Effect element to use a value of Allow or Deny.",
            with(path, key("Effect")),
            e.span(),
        )),
        _ => {}
    }
    let allows = effect.and_then(Node::as_str) == Some("Allow");
    // Action / NotAction
    match (statement.get("Action"), statement.get("NotAction")) {
        (Some(_), Some(n)) => issues.push(error(
            "UNSUPPORTED_ELEMENT_COMBINATION",
            "The policy elements Action and NotAction can not be used in the same statement.",
            with(path, key("NotAction")),
            n.span(),
        )),
        (None, None) => issues.push(error(
            "MISSING_ACTION",
            "Add an Action or NotAction element to the policy statement.",
            path.to_vec(),
            span,
        )),
        _ => {}
    }
    let mut actions: Vec<String> = Vec::new();
    for element in ["Action", "NotAction"] {
        let Some(node) = statement.get(element) else {
            continue;
        };
        let element_path = with(path, key(element));
        if matches!(node, Node::Array(items, _) if items.is_empty()) {
            issues.push(suggestion("EMPTY_ARRAY_ACTION", "This statement includes no actions and does not affect the policy. Specify actions.", element_path.clone(), node.span()));
        }
        let mut written: Vec<(Vec<Value>, String, Span)> = Vec::new();
        for (p, item) in strings(node, &element_path) {
            let Some(action) = item.as_str() else {
                issues.push(error(
                    "DATA_TYPE_MISMATCH",
                    "The action must be a string.",
                    p,
                    item.span(),
                ));
                continue;
            };
            let valid = action == "*"
                || action.split_once(':').is_some_and(|(service, op)| {
                    !service.is_empty()
                        && service
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && op.chars().all(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '*' | '?' | '_' | '-')
                        })
                });
            if !valid {
                issues.push(error(
                    "INVALID_ACTION",
                    &format!(
                        "The action {action} does not exist. Write actions as service:Action."
                    ),
                    p,
                    item.span(),
                ));
                continue;
            }
            written.push((p, action.to_string(), item.span()));
            if element == "Action" {
                actions.push(action.to_string());
            }
        }
        // An action another one of the list covers (a duplicate: the later one).
        for (i, (p, action, span)) in written.iter().enumerate() {
            let covered = written.iter().enumerate().any(|(j, (_, other, _))| {
                j != i
                    && policy::wildcard_matches(other, action, true)
                    && (other != action || j < i)
            });
            if covered {
                issues.push(suggestion("REDUNDANT_ACTION", &format!("The action {action} is already covered by another action in the statement. Remove it."), p.clone(), *span));
            }
        }
    }
    // Principal / NotPrincipal
    let principal = statement.get("Principal").map(|n| ("Principal", n));
    let not_principal = statement.get("NotPrincipal").map(|n| ("NotPrincipal", n));
    match policy_type {
        "IDENTITY_POLICY" => {
            if let Some((name, node)) = principal.or(not_principal) {
                issues.push(error("UNSUPPORTED_PRINCIPAL", &format!("The {name} element is not supported in identity-based policies. Remove it."), with(path, key(name)), node.span()));
            }
        }
        "SERVICE_CONTROL_POLICY" => {
            if let Some((name, node)) = principal.or(not_principal) {
                issues.push(error(
                    "SCP_SYNTAX_ERROR_PRINCIPAL",
                    &format!("The {name} element is not supported in service control policies."),
                    with(path, key(name)),
                    node.span(),
                ));
            }
        }
        _ => {
            if principal.is_none() && not_principal.is_none() {
                issues.push(error(
                    "MISSING_PRINCIPAL",
                    "Add a Principal element to the policy statement to identify the principal.",
                    path.to_vec(),
                    span,
                ));
            }
        }
    }
    if let Some((_, node)) = principal {
        if matches!(node, Node::Object(m, _) if m.is_empty()) {
            issues.push(suggestion(
                "EMPTY_OBJECT_PRINCIPAL",
                "The Principal element is an empty object. Specify principals.",
                with(path, key("Principal")),
                node.span(),
            ));
        }
        if let Node::Object(kinds, _) = node {
            for (kind, values) in kinds {
                if matches!(values, Node::Array(items, _) if items.is_empty()) {
                    issues.push(suggestion(
                        "EMPTY_ARRAY_PRINCIPAL",
                        "The principal list is empty. Specify principals.",
                        with(&with(path, key("Principal")), key(kind)),
                        values.span(),
                    ));
                }
            }
        }
    }
    if allows && policy_type == "RESOURCE_POLICY" {
        if let Some((name, node)) = not_principal {
            issues.push(security(
                "ALLOW_WITH_NOT_PRINCIPAL",
                "Using Allow with NotPrincipal can be overly permissive. Use Principal instead.",
                with(path, key(name)),
                node.span(),
            ));
        }
    }
    // Resource / NotResource
    let resource = statement
        .get("Resource")
        .or_else(|| statement.get("NotResource"));
    let resource_name = if statement.get("Resource").is_some() {
        "Resource"
    } else {
        "NotResource"
    };
    if statement.get("Resource").is_some() && statement.get("NotResource").is_some() {
        let n = statement.get("NotResource").expect("present");
        issues.push(error(
            "UNSUPPORTED_ELEMENT_COMBINATION",
            "The policy elements Resource and NotResource can not be used in the same statement.",
            with(path, key("NotResource")),
            n.span(),
        ));
    }
    if resource.is_none()
        && (policy_type == "IDENTITY_POLICY" || (policy_type == "RESOURCE_POLICY" && !trust_policy))
    {
        issues.push(error(
            "MISSING_RESOURCE",
            "Add a Resource or NotResource element to the policy statement.",
            path.to_vec(),
            span,
        ));
    }
    if let Some(node) = resource {
        let element_path = with(path, key(resource_name));
        if trust_policy {
            issues.push(error(
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY",
                "The resource element is not supported in role trust policies. Remove it.",
                element_path.clone(),
                node.span(),
            ));
        }
        if matches!(node, Node::Array(items, _) if items.is_empty()) {
            issues.push(suggestion("EMPTY_ARRAY_RESOURCE", "This statement includes no resources and does not affect the policy. Specify resources.", element_path.clone(), node.span()));
        }
        let mut seen: Vec<String> = Vec::new();
        let mut star = false;
        for (p, item) in strings(node, &element_path) {
            let Some(arn) = item.as_str() else {
                issues.push(error(
                    "DATA_TYPE_MISMATCH",
                    "The resource must be a string.",
                    p,
                    item.span(),
                ));
                continue;
            };
            if arn == "*" {
                star = true;
            } else if !arn.starts_with("arn:") {
                issues.push(error(
                    "INVALID_ARN_PREFIX",
                    &format!("Add the required prefix (arn) to the resource ARN {arn}."),
                    p,
                    item.span(),
                ));
                continue;
            } else if arn.split(':').count() < 6 {
                issues.push(error("MISSING_ARN_FIELD", &format!("The resource ARN {arn} is missing a field. Write ARNs as arn:partition:service:region:account:resource."), p, item.span()));
                continue;
            }
            if seen
                .iter()
                .any(|other| other == "*" || policy::arn_matches(other, arn))
            {
                issues.push(suggestion("REDUNDANT_RESOURCE", &format!("The resource {arn} is already covered by another resource in the statement. Remove it."), p, item.span()));
            }
            seen.push(arn.to_string());
        }
        let passes_role = actions
            .iter()
            .any(|a| policy::wildcard_matches(a, "iam:PassRole", true));
        if allows
            && star
            && resource_name == "Resource"
            && passes_role
            && policy_type == "IDENTITY_POLICY"
        {
            issues.push(security("PASS_ROLE_WITH_STAR_IN_RESOURCE", "Using the iam:PassRole action with wildcards (*) in the resource can be overly permissive because it allows iam:PassRole permissions on multiple resources. We recommend that you specify resource ARNs or add the iam:PassedToService condition key to your statement.", element_path, node.span()));
        }
    }
    // Condition: the policy grammar compiles it.
    if let Some(condition) = statement.get("Condition") {
        let probe = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition.value()}]});
        if let Err(e) = policy::parse(&probe.to_string(), Dialect::Identity) {
            issues.push(error(
                "INVALID_CONDITION_OPERATOR",
                &format!("Fix the Condition element: {}", e.message),
                with(path, key("Condition")),
                condition.span(),
            ));
        } else if let Node::Object(operators, _) = condition {
            for (operator, keys) in operators {
                if let Node::Object(keys, _) = keys {
                    for (name, values) in keys {
                        if matches!(values, Node::Array(items, _) if items.is_empty()) {
                            issues.push(suggestion("EMPTY_ARRAY_CONDITION", &format!("There are no values for the condition key {name} and it does not affect the policy. Specify values."), with(&with(&with(path, key("Condition")), key(operator)), key(name)), values.span()));
                        }
                    }
                }
            }
        }
    }
}
