//! Policy text → [`PolicyDocument`], with the rules of each [`Dialect`].

use regex::Regex;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::{
    ActionClause, Condition, Dialect, Effect, PolicyDocument, PolicyError, PrincipalClause,
    Principals, ResourceClause, Statement, Version,
};

/// `service:pattern` (the service prefix is letters, digits and hyphens), or `*`.
static ACTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?_-]*)$").expect("valid"));
static SID: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[A-Za-z0-9]*$").expect("valid"));

const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];
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

type Parsed<T> = Result<T, PolicyError>;

/// Parses policy text as a policy of `dialect`.
pub fn parse(text: &str, dialect: Dialect) -> Parsed<PolicyDocument> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| PolicyError::new(format!("The policy is not valid JSON: {e}.")))?;
    let Value::Object(document) = value else {
        return Err(PolicyError::new("The policy must be a JSON object."));
    };
    only_known_keys(&document, DOCUMENT_KEYS, "policy")?;
    let version = match document.get("Version") {
        None if dialect == Dialect::ResourceControlPolicy => {
            return Err(PolicyError::new(
                "The policy must contain a Version element with the value 2012-10-17.",
            ))
        }
        None => None,
        Some(v) => Some(version(v, dialect)?),
    };
    let id = match document.get("Id") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(PolicyError::new("The Id element must be a string.")),
    };
    let statements = match document.get("Statement") {
        None => {
            return Err(PolicyError::new(
                "The policy must contain a Statement element.",
            ))
        }
        Some(Value::Object(one)) => vec![statement(one, dialect)?],
        Some(Value::Array(many)) if !many.is_empty() => many
            .iter()
            .map(|s| match s {
                Value::Object(s) => statement(s, dialect),
                _ => Err(PolicyError::new("Each statement must be a JSON object.")),
            })
            .collect::<Parsed<Vec<_>>>()?,
        Some(_) => {
            return Err(PolicyError::new(
                "The Statement element must be an object or a non-empty array of objects.",
            ))
        }
    };
    Ok(PolicyDocument {
        version,
        id,
        statements,
    })
}

fn only_known_keys(object: &Map<String, Value>, known: &[&str], what: &str) -> Parsed<()> {
    match object.keys().find(|k| !known.contains(&k.as_str())) {
        Some(key) => Err(PolicyError::new(format!(
            "The {what} contains an element that is not supported: {key}."
        ))),
        None => Ok(()),
    }
}

fn version(value: &Value, dialect: Dialect) -> Parsed<Version> {
    match (value.as_str(), dialect) {
        (Some("2012-10-17"), _) => Ok(Version::V2012_10_17),
        (
            Some("2008-10-17"),
            Dialect::Identity
            | Dialect::ServiceControlPolicy
            | Dialect::TrustPolicy
            | Dialect::ResourceBased,
        ) => Ok(Version::V2008_10_17),
        _ => Err(PolicyError::new(format!(
            "The policy version {value} is not supported; use 2012-10-17."
        ))),
    }
}

fn statement(s: &Map<String, Value>, dialect: Dialect) -> Parsed<Statement> {
    only_known_keys(s, STATEMENT_KEYS, "statement")?;
    let sid = match s.get("Sid") {
        None => None,
        Some(Value::String(sid)) if SID.is_match(sid) => Some(sid.clone()),
        // Bucket policies take any string: AWS's own Config set-up script writes
        // `" AWSConfigBucketDelivery"`, with a space, and S3 accepts it.
        Some(Value::String(sid)) if dialect == Dialect::ResourceBased => Some(sid.clone()),
        Some(_) => {
            return Err(PolicyError::new(
                "A statement ID (Sid) must be a string of letters and digits.",
            ))
        }
    };
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") if dialect == Dialect::ResourceControlPolicy => {
            return Err(PolicyError::new(
                "Resource control policies can only deny: the Effect must be Deny.",
            ))
        }
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => {
            return Err(PolicyError::new(format!(
                "The Effect {other} is not valid; use Allow or Deny."
            )))
        }
        None => {
            return Err(PolicyError::new(
                "Each statement must contain an Effect element.",
            ))
        }
    };
    let principal = principal_clause(s, dialect)?;
    let action = action_clause(s, dialect)?;
    let resource = resource_clause(s, dialect)?;
    let condition = s.get("Condition").map(condition).transpose()?;
    Ok(Statement {
        sid,
        effect,
        principal,
        action,
        resource,
        condition,
    })
}

fn principal_clause(s: &Map<String, Value>, dialect: Dialect) -> Parsed<Option<PrincipalClause>> {
    let (principal, not_principal) = (s.get("Principal"), s.get("NotPrincipal"));
    match dialect {
        Dialect::Identity | Dialect::ServiceControlPolicy => {
            if principal.is_some() || not_principal.is_some() {
                let kind = if dialect == Dialect::Identity {
                    "An identity policy"
                } else {
                    "A service control policy"
                };
                return Err(PolicyError::new(format!(
                    "{kind} can't contain a Principal or NotPrincipal element."
                )));
            }
            Ok(None)
        }
        Dialect::ResourceControlPolicy => {
            if not_principal.is_some() {
                return Err(PolicyError::new(
                    "Resource control policies don't support the NotPrincipal element.",
                ));
            }
            match principal {
                Some(Value::String(star)) if star == "*" => {
                    Ok(Some(PrincipalClause::Principal(Principals::Any)))
                }
                Some(_) => Err(PolicyError::new(
                    "In a resource control policy the Principal must be \"*\"; use conditions to narrow it.",
                )),
                None => Err(PolicyError::new(
                    "Each statement of a resource control policy must contain a Principal element.",
                )),
            }
        }
        Dialect::TrustPolicy | Dialect::ResourceBased => match (principal, not_principal) {
            (Some(_), Some(_)) => Err(PolicyError::new(
                "A statement can't contain both Principal and NotPrincipal.",
            )),
            (Some(p), None) => Ok(Some(PrincipalClause::Principal(principals(p)?))),
            (None, Some(p)) => Ok(Some(PrincipalClause::NotPrincipal(principals(p)?))),
            (None, None) => Err(PolicyError::new("Missing required field Principal")),
        },
    }
}

/// `"*"` or `{ "AWS" | "Service" | "Federated" | "CanonicalUser": string | [strings] }`.
fn principals(value: &Value) -> Parsed<Principals> {
    match value {
        Value::String(star) if star == "*" => Ok(Principals::Any),
        Value::Object(kinds) if !kinds.is_empty() => {
            let mut out = BTreeMap::new();
            for (kind, names) in kinds {
                if !["AWS", "Service", "Federated", "CanonicalUser"].contains(&kind.as_str()) {
                    return Err(PolicyError::new(format!(
                        "Invalid principal in policy: \"{kind}\""
                    )));
                }
                out.insert(kind.clone(), string_list(names, "Principal")?);
            }
            Ok(Principals::ByKind(out))
        }
        _ => Err(PolicyError::new("Invalid principal in policy")),
    }
}

/// A string or a non-empty array of strings.
fn string_list(value: &Value, element: &str) -> Parsed<Vec<String>> {
    let bad = || {
        PolicyError::new(format!(
            "The {element} element must be a string or a non-empty array of strings."
        ))
    };
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(|i| i.as_str().map(String::from).ok_or_else(bad))
            .collect(),
        _ => Err(bad()),
    }
}

fn action_clause(s: &Map<String, Value>, dialect: Dialect) -> Parsed<ActionClause> {
    let clause = match (s.get("Action"), s.get("NotAction")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::new(
                "A statement can't contain both Action and NotAction.",
            ))
        }
        (None, None) => {
            return Err(PolicyError::new(
                "Each statement must contain an Action or NotAction element.",
            ))
        }
        (Some(v), None) => ActionClause::Action(string_list(v, "Action")?),
        (None, Some(_)) if dialect == Dialect::ResourceControlPolicy => {
            return Err(PolicyError::new(
                "Resource control policies don't support the NotAction element.",
            ))
        }
        (None, Some(v)) => ActionClause::NotAction(string_list(v, "NotAction")?),
    };
    if let Some(bad) = clause.patterns().iter().find(|a| !ACTION.is_match(a)) {
        return Err(PolicyError::new(format!(
            "The action {bad} is not valid: write it as service:Operation (wildcards * and ? allowed) or *."
        )));
    }
    Ok(clause)
}

fn resource_clause(s: &Map<String, Value>, dialect: Dialect) -> Parsed<Option<ResourceClause>> {
    if dialect == Dialect::TrustPolicy {
        if s.contains_key("Resource") || s.contains_key("NotResource") {
            return Err(PolicyError::new("Has prohibited field Resource"));
        }
        return Ok(None);
    }
    match (s.get("Resource"), s.get("NotResource")) {
        (Some(_), Some(_)) => Err(PolicyError::new(
            "A statement can't contain both Resource and NotResource.",
        )),
        (Some(v), None) => Ok(Some(ResourceClause::Resource(string_list(v, "Resource")?))),
        (None, Some(v)) => Ok(Some(ResourceClause::NotResource(string_list(
            v,
            "NotResource",
        )?))),
        (None, None) if dialect == Dialect::ServiceControlPolicy => Ok(None),
        (None, None) => Err(PolicyError::new(
            "Each statement must contain a Resource or NotResource element.",
        )),
    }
}

/// `{ Operator: { Key: value | [values] } }`, values being strings, numbers or booleans.
fn condition(value: &Value) -> Parsed<Condition> {
    let bad = |why: &str| PolicyError::new(format!("The Condition element is not valid: {why}."));
    let Value::Object(operators) = value else {
        return Err(bad("it must be an object of condition operators"));
    };
    let mut out = BTreeMap::new();
    let mut tests = Vec::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            return Err(bad(&format!(
                "{operator} must map condition keys to values"
            )));
        };
        for (key, values) in keys {
            let scalar =
                |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
            let ok = match values {
                Value::Array(items) => items.iter().all(scalar),
                other => scalar(other),
            };
            if !ok {
                return Err(bad(&format!(
                    "the value of {key} must be a string, number, boolean or an array of them"
                )));
            }
        }
        tests.extend(super::condition::compile(operator, keys)?);
        out.insert(operator.clone(), keys.clone());
    }
    Ok(Condition { blocks: out, tests })
}

#[cfg(test)]
mod tests {
    use super::super::*;

    fn scp(text: &str) -> Result<PolicyDocument, String> {
        parse(text, Dialect::ServiceControlPolicy).map_err(|e| e.message)
    }

    #[test]
    fn bucket_policies_take_any_sid_identity_policies_only_alphanumeric() {
        let text = r#"{"Version":"2012-10-17","Statement":[{"Sid":" AWSConfigBucketDelivery","Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        let doc = parse(text, Dialect::ResourceBased).unwrap();
        assert_eq!(
            doc.statements[0].sid.as_deref(),
            Some(" AWSConfigBucketDelivery")
        );
        let identity = r#"{"Version":"2012-10-17","Statement":[{"Sid":"a b","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#;
        assert!(parse(identity, Dialect::Identity).is_err());
    }

    #[test]
    fn full_aws_access_parses() {
        let doc = scp(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
            .unwrap();
        assert_eq!(doc.version, Some(Version::V2012_10_17));
        assert_eq!(
            doc.statements,
            vec![Statement {
                sid: None,
                effect: Effect::Allow,
                principal: None,
                action: ActionClause::Action(vec!["*".into()]),
                resource: Some(ResourceClause::Resource(vec!["*".into()])),
                condition: None,
            }]
        );
    }

    #[test]
    fn statement_object_not_action_and_conditions() {
        let doc = scp(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"DenyOutsideEU","Effect":"Deny",
            "NotAction":["iam:*","sts:AssumeRole"],
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]},
                         "Bool":{"aws:SecureTransport":false}}}}"#,
        )
        .unwrap();
        let s = &doc.statements[0];
        assert_eq!(s.sid.as_deref(), Some("DenyOutsideEU"));
        assert_eq!(s.effect, Effect::Deny);
        assert_eq!(
            s.action,
            ActionClause::NotAction(vec!["iam:*".into(), "sts:AssumeRole".into()])
        );
        assert_eq!(
            s.resource, None,
            "an SCP statement without Resource covers all"
        );
        let condition = s.condition.as_ref().unwrap();
        assert_eq!(
            condition.blocks["StringNotEquals"]["aws:RequestedRegion"],
            serde_json::json!(["eu-west-1", "eu-central-1"])
        );
    }

    #[test]
    fn scp_errors() {
        let cases = [
            ("not json", "not valid JSON"),
            ("[]", "JSON object"),
            (r#"{"Version":"2012-10-17"}"#, "Statement element"),
            (r#"{"Statement":[]}"#, "non-empty array"),
            (r#"{"Statement":{"Action":"*"}}"#, "Effect element"),
            (
                r#"{"Statement":{"Effect":"allow","Action":"*"}}"#,
                "Effect allow",
            ),
            (r#"{"Statement":{"Effect":"Deny"}}"#, "Action or NotAction"),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","NotAction":"s3:*"}}"#,
                "both Action and NotAction",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}}"#,
                "service control policy can't contain a Principal",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"s3"}}"#,
                "action s3",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":[1]}}"#,
                "Action element",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Sid":"a-b"}}"#,
                "Sid",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Bogus":1}}"#,
                "Bogus",
            ),
            (
                r#"{"Version":"2020-01-01","Statement":{"Effect":"Deny","Action":"*"}}"#,
                "version",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Condition":{"StringEquals":"x"}}}"#,
                "Condition",
            ),
            (
                r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","NotResource":"*"}}"#,
                "both Resource and NotResource",
            ),
        ];
        for (text, expected) in cases {
            let message = scp(text).expect_err(text);
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn rcp_rules() {
        let rcp = |text: &str| parse(text, Dialect::ResourceControlPolicy).map_err(|e| e.message);
        let ok = rcp(r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
            "Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}}"#)
        .unwrap();
        assert_eq!(
            ok.statements[0].principal,
            Some(PrincipalClause::Principal(Principals::Any))
        );
        for (text, expected) in [
            (
                r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
                "Version",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}"#,
                "only deny",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*"}}"#,
                "Principal element",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"s3:*","Resource":"*"}}"#,
                "must be \"*\"",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":"*"}}"#,
                "NotAction",
            ),
            (
                r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*"}}"#,
                "Resource or NotResource",
            ),
        ] {
            let message = rcp(text).expect_err(text);
            assert!(message.contains(expected), "{text}: {message}");
        }
    }

    #[test]
    fn identity_policies_need_resources() {
        let e = parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject"}}"#,
            Dialect::Identity,
        )
        .unwrap_err();
        assert!(e.message.contains("Resource"), "{e}");
    }
}
