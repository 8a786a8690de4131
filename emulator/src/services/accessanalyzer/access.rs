//! What a resource policy lets principals outside a zone of trust do: the reasoning
//! behind external-access findings, access previews and `CheckNoPublicAccess`.
//!
//! Each `Allow` statement is read principal by principal: a principal of an account
//! in the zone gives nothing; `"*"` gives public access unless a condition ties it to
//! accounts, organizations or ARNs (then to those, inside the zone or not); service
//! principals are AWS's own and give nothing. Unconditional `Deny` statements take
//! away what they cover.

use std::collections::{BTreeMap, BTreeSet};

use crate::policy::{
    arn_matches, wildcard_matches, ActionClause, Condition, Effect, PolicyDocument,
    PrincipalClause, Principals, ResourceClause, Statement,
};

/// The accounts (and organization) whose principals are trusted.
#[derive(Clone, Debug, Default)]
pub struct Zone {
    pub accounts: BTreeSet<String>,
    pub org_id: Option<String>,
}

impl Zone {
    pub fn account(account: &str) -> Zone {
        Zone {
            accounts: BTreeSet::from([account.to_string()]),
            org_id: None,
        }
    }

    pub fn contains_account(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }
}

/// The actions one principal (under one condition) is granted.
#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    /// `(kind, value)`: `("AWS", "444455556666")`, `("AWS", "*")`, `("Federated", …)`.
    pub principal: (String, String),
    pub actions: BTreeSet<String>,
    pub condition: BTreeMap<String, String>,
    pub is_public: bool,
    /// Indexes of the statements that grant it.
    pub statements: BTreeSet<usize>,
}

/// What an action acts on: the resource itself or the objects in it (`bucket/*`).
pub struct Target<'a> {
    pub action: &'a str,
    pub arn: String,
}

/// The actions a role's trust policy can grant.
pub const ROLE_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
];

/// The S3 actions a bucket policy is analysed for; object actions act on `bucket/*`.
pub const S3_BUCKET_ACTIONS: &[&str] = &[
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:GetBucketAcl",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:ListBucket",
    "s3:ListBucketMultipartUploads",
    "s3:ListBucketVersions",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutBucketTagging",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:PutLifecycleConfiguration",
];
pub const S3_OBJECT_ACTIONS: &[&str] = &[
    "s3:AbortMultipartUpload",
    "s3:DeleteObject",
    "s3:DeleteObjectTagging",
    "s3:DeleteObjectVersion",
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:GetObjectTagging",
    "s3:GetObjectVersion",
    "s3:ListMultipartUploadParts",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:PutObjectTagging",
];

/// The targets of a role's trust policy.
pub fn role_targets(role_arn: &str) -> Vec<Target<'static>> {
    ROLE_ACTIONS
        .iter()
        .map(|action| Target {
            action,
            arn: role_arn.to_string(),
        })
        .collect()
}

/// The targets of a bucket policy: bucket actions on the bucket, object actions on
/// `bucket/*`.
pub fn bucket_targets(bucket_arn: &str) -> Vec<Target<'static>> {
    let bucket = S3_BUCKET_ACTIONS.iter().map(|action| Target {
        action,
        arn: bucket_arn.to_string(),
    });
    let objects = S3_OBJECT_ACTIONS.iter().map(|action| Target {
        action,
        arn: format!("{bucket_arn}/*"),
    });
    bucket.chain(objects).collect()
}

/// Condition keys that tie a grant to accounts, organizations or principals.
const IDENTITY_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalorgid",
    "aws:sourceorgid",
    "aws:principalorgpaths",
    "aws:sourceorgpaths",
    "aws:principalarn",
    "aws:sourcearn",
    "aws:userid",
];
/// Condition keys that keep `"*"` from being public without naming an account.
const NETWORK_KEYS: &[&str] = &["aws:sourceip", "aws:sourcevpc", "aws:sourcevpce"];
/// Operators that require a value (not `StringNotEquals`, not `…IfExists`).
const BINDING_OPERATORS: &[&str] = &[
    "stringequals",
    "stringequalsignorecase",
    "stringlike",
    "arnequals",
    "arnlike",
    "foranyvalue:stringequals",
    "foranyvalue:stringlike",
    "forallvalues:stringequals",
    "forallvalues:stringlike",
];

/// Every access the policy grants to principals outside `zone` on `targets`.
pub fn external_access(doc: &PolicyDocument, targets: &[Target], zone: &Zone) -> Vec<Access> {
    let mut grouped: BTreeMap<(String, String, String), Access> = BTreeMap::new();
    for (index, statement) in doc.statements.iter().enumerate() {
        if statement.effect != Effect::Allow {
            continue;
        }
        let (condition, restriction) = read_condition(statement.condition.as_ref());
        let restricted_in_zone = match &restriction {
            Restriction::None | Restriction::Network => false,
            Restriction::Identities(values) => values.iter().all(|v| value_in_zone(v, zone)),
        };
        if restricted_in_zone {
            continue;
        }
        for (kind, value) in principals_of(statement) {
            if principal_in_zone(&kind, &value, zone) {
                continue;
            }
            let actions: BTreeSet<String> = targets
                .iter()
                .filter(|t| grants(statement, t) && !denied(doc, &kind, &value, t))
                .map(|t| t.action.to_string())
                .collect();
            if actions.is_empty() {
                continue;
            }
            let is_public = value == "*" && restriction == Restriction::None;
            let key = (
                kind.clone(),
                value.clone(),
                serde_json::to_string(&condition).unwrap_or_default(),
            );
            let entry = grouped.entry(key).or_insert_with(|| Access {
                principal: (kind.clone(), value.clone()),
                actions: BTreeSet::new(),
                condition: condition.clone(),
                is_public,
                statements: BTreeSet::new(),
            });
            entry.actions.extend(actions);
            entry.statements.insert(index);
        }
    }
    grouped.into_values().collect()
}

/// Whether an `Allow` statement reaches everyone: `"*"` (or `NotPrincipal`) with no
/// condition tying it to accounts, organizations, principals or networks.
pub fn statement_is_public(statement: &Statement) -> bool {
    statement.effect == Effect::Allow
        && principals_of(statement)
            .iter()
            .any(|(kind, value)| kind == "AWS" && value == "*")
        && read_condition(statement.condition.as_ref()).1 == Restriction::None
}

/// How a statement's condition limits who may use it.
#[derive(Clone, Debug, PartialEq)]
enum Restriction {
    None,
    /// Only from some networks: not public, but not tied to an account either.
    Network,
    /// Only these accounts, organizations, org paths or ARNs.
    Identities(Vec<String>),
}

/// The condition as findings show it (`key → value`, values joined by `,`) and what
/// it restricts.
fn read_condition(condition: Option<&Condition>) -> (BTreeMap<String, String>, Restriction) {
    let mut shown = BTreeMap::new();
    let mut restriction = Restriction::None;
    let Some(condition) = condition else {
        return (shown, restriction);
    };
    for (operator, keys) in &condition.blocks {
        let operator = operator.to_ascii_lowercase();
        for (key, value) in keys {
            let values: Vec<String> = match value {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
                    .collect(),
                serde_json::Value::String(s) => vec![s.clone()],
                other => vec![other.to_string()],
            };
            shown.insert(key.clone(), values.join(","));
            let key = key.to_ascii_lowercase();
            if !BINDING_OPERATORS.contains(&operator.as_str()) {
                continue;
            }
            if IDENTITY_KEYS.contains(&key.as_str()) {
                match &mut restriction {
                    Restriction::Identities(all) => all.extend(values),
                    _ => restriction = Restriction::Identities(values),
                }
            } else if NETWORK_KEYS.contains(&key.as_str()) && restriction == Restriction::None {
                restriction = Restriction::Network;
            }
        }
    }
    (shown, restriction)
}

/// Whether a condition value (account, organization id, org path or ARN) is inside.
fn value_in_zone(value: &str, zone: &Zone) -> bool {
    if let Some(org) = &zone.org_id {
        if value == org || value.starts_with(&format!("{org}/")) {
            return true;
        }
    }
    account_of(value).is_some_and(|a| zone.contains_account(a))
}

/// The account a principal value names: an account id or the account field of an ARN.
pub fn account_of(value: &str) -> Option<&str> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(value);
    }
    let account = value.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

fn principal_in_zone(kind: &str, value: &str, zone: &Zone) -> bool {
    match kind {
        "AWS" | "Federated" => account_of(value).is_some_and(|a| zone.contains_account(a)),
        _ => false,
    }
}

/// `(kind, value)` of every principal a statement names, service principals left
/// out; `NotPrincipal` (with `Allow`) reaches everyone else, so it is `"*"`.
fn principals_of(statement: &Statement) -> Vec<(String, String)> {
    match &statement.principal {
        None => Vec::new(),
        Some(PrincipalClause::NotPrincipal(_))
        | Some(PrincipalClause::Principal(Principals::Any)) => {
            vec![("AWS".to_string(), "*".to_string())]
        }
        Some(PrincipalClause::Principal(Principals::ByKind(kinds))) => kinds
            .iter()
            .filter(|(kind, _)| kind.as_str() != "Service")
            .flat_map(|(kind, values)| values.iter().map(move |v| (kind.clone(), v.clone())))
            .collect(),
    }
}

/// Whether the statement's `Action` and `Resource` cover the target.
pub fn grants(statement: &Statement, target: &Target) -> bool {
    action_covers(&statement.action, target.action)
        && resource_covers(statement.resource.as_ref(), &target.arn)
}

pub fn action_covers(clause: &ActionClause, action: &str) -> bool {
    let any = |patterns: &[String]| patterns.iter().any(|p| wildcard_matches(p, action, true));
    match clause {
        ActionClause::Action(patterns) => any(patterns),
        ActionClause::NotAction(patterns) => !any(patterns),
    }
}

/// A `Resource` covers `bucket/*` if any of its patterns reaches some object.
fn resource_covers(clause: Option<&ResourceClause>, arn: &str) -> bool {
    let covers = |p: &String| {
        p == "*"
            || arn_matches(p, arn)
            || arn
                .strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with('/') && p.starts_with(prefix))
    };
    match clause {
        None => true,
        Some(ResourceClause::Resource(patterns)) => patterns.iter().any(covers),
        Some(ResourceClause::NotResource(patterns)) => {
            !patterns.iter().any(|p| p == "*" || arn_matches(p, arn))
        }
    }
}

/// Whether an unconditional `Deny` takes the target away from the principal.
fn denied(doc: &PolicyDocument, kind: &str, value: &str, target: &Target) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && s.condition.is_none()
            && grants(s, target)
            && match &s.principal {
                None | Some(PrincipalClause::Principal(Principals::Any)) => true,
                Some(PrincipalClause::Principal(Principals::ByKind(kinds))) => kinds
                    .get(kind)
                    .is_some_and(|values| values.iter().any(|v| v == "*" || v == value)),
                Some(PrincipalClause::NotPrincipal(_)) => false,
            }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{parse, Dialect};

    fn trust(text: &str) -> PolicyDocument {
        parse(text, Dialect::TrustPolicy).unwrap()
    }

    #[test]
    fn outside_accounts_give_access_and_inside_ones_do_not() {
        let zone = Zone::account("111111111111");
        let doc = trust(
            r#"{"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::999999999999:root","111111111111"]},"Action":"sts:AssumeRole"},
              {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        );
        let found = external_access(
            &doc,
            &role_targets("arn:aws:iam::111111111111:role/r"),
            &zone,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].principal.1, "arn:aws:iam::999999999999:root");
        assert_eq!(
            found[0].actions.iter().collect::<Vec<_>>(),
            vec!["sts:AssumeRole"]
        );
        assert!(!found[0].is_public);
    }

    #[test]
    fn star_is_public_unless_a_condition_ties_it_to_the_zone() {
        let mut zone = Zone::account("111111111111");
        zone.org_id = Some("o-abcdefghij".into());
        let open = trust(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:*"}}"#);
        let found = external_access(
            &open,
            &role_targets("arn:aws:iam::111111111111:role/r"),
            &zone,
        );
        assert!(found[0].is_public);
        assert_eq!(found[0].actions.len(), ROLE_ACTIONS.len());
        let org_only = trust(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}}}"#,
        );
        assert!(external_access(
            &org_only,
            &role_targets("arn:aws:iam::111111111111:role/r"),
            &zone
        )
        .is_empty());
        let other_org = trust(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-zzzzzzzzzz"}}}}"#,
        );
        let found = external_access(
            &other_org,
            &role_targets("arn:aws:iam::111111111111:role/r"),
            &zone,
        );
        assert!(!found[0].is_public);
        assert_eq!(found[0].condition["aws:PrincipalOrgID"], "o-zzzzzzzzzz");
    }

    #[test]
    fn bucket_object_actions_and_denies() {
        let zone = Zone::account("111111111111");
        let doc = parse(
            r#"{"Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/public/*"},
              {"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
              {"Effect":"Deny","Principal":"*","Action":"s3:Delete*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}"#,
            Dialect::ResourceBased,
        )
        .unwrap();
        let found = external_access(&doc, &bucket_targets("arn:aws:s3:::b"), &zone);
        assert_eq!(found.len(), 2);
        let public = found.iter().find(|a| a.is_public).unwrap();
        assert_eq!(
            public.actions.iter().collect::<Vec<_>>(),
            vec!["s3:GetObject"]
        );
        let account = found.iter().find(|a| !a.is_public).unwrap();
        assert!(account.actions.contains("s3:ListBucket"));
        assert!(!account.actions.iter().any(|a| a.starts_with("s3:Delete")));
    }
}
