//! What S3 checks in a bucket policy beyond the policy grammar (MalformedPolicy), and
//! when a policy counts as public (S3 User Guide, "The meaning of public").

use std::sync::Arc;

use super::errors::S3Error;
use super::model::BucketPolicy;
use crate::policy::{
    self, wildcard_matches, ActionClause, Dialect, Effect, PolicyDocument, PrincipalClause,
    Principals, ResourceClause,
};

/// Largest bucket policy S3 accepts (20 KB).
pub const MAX_POLICY_BYTES: usize = 20 * 1024;

/// Parses and checks a bucket policy for `bucket`.
pub fn parse_bucket_policy(bucket: &str, text: &str) -> Result<BucketPolicy, S3Error> {
    if text.len() > MAX_POLICY_BYTES {
        return Err(S3Error::MalformedPolicy(
            "Policies cannot exceed 20480 bytes".into(),
        ));
    }
    if !text.trim_start().starts_with('{') {
        return Err(S3Error::MalformedPolicy(
            "Policies must be valid JSON and the first byte must be '{'".into(),
        ));
    }
    let document = policy::parse(text, Dialect::ResourceBased)
        .map_err(|e| S3Error::MalformedPolicy(e.message))?;
    for statement in &document.statements {
        let (ActionClause::Action(actions) | ActionClause::NotAction(actions)) = &statement.action;
        {
            if actions
                .iter()
                .any(|a| a != "*" && !a.to_ascii_lowercase().starts_with("s3:"))
            {
                return Err(S3Error::MalformedPolicy("Policy has invalid action".into()));
            }
        }
        let resources = match &statement.resource {
            Some(ResourceClause::Resource(r) | ResourceClause::NotResource(r)) => r.as_slice(),
            None => &[],
        };
        if resources.iter().any(|r| !names_bucket(r, bucket)) {
            return Err(S3Error::MalformedPolicy(
                "Policy has invalid resource".into(),
            ));
        }
        if let Some(PrincipalClause::Principal(p) | PrincipalClause::NotPrincipal(p)) =
            &statement.principal
        {
            if !valid_principals(p) {
                return Err(S3Error::MalformedPolicy(
                    "Invalid principal in policy".into(),
                ));
            }
        }
    }
    Ok(BucketPolicy {
        text: text.to_string(),
        document: Arc::new(document),
    })
}

/// A resource pattern of this bucket: `arn:aws:s3:::<bucket>` or `…/<key pattern>`.
fn names_bucket(pattern: &str, bucket: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some(rest) = pattern.strip_prefix("arn:aws:s3:::") else {
        return false;
    };
    let bucket_part = rest.split('/').next().unwrap_or_default();
    wildcard_matches(bucket_part, bucket, false)
}

/// `AWS` principals are `*`, account ids or IAM ARNs; services end in `.amazonaws.com`.
fn valid_principals(principals: &Principals) -> bool {
    let Principals::ByKind(kinds) = principals else {
        return true;
    };
    kinds.iter().all(|(kind, names)| {
        names.iter().all(|name| match kind.as_str() {
            "AWS" => {
                name == "*"
                    || (name.len() == 12 && name.bytes().all(|b| b.is_ascii_digit()))
                    || name.starts_with("arn:aws:iam::")
                    || name.starts_with("arn:aws:sts::")
            }
            "Service" => name.ends_with(".amazonaws.com") || name.ends_with(".amazonaws.com.cn"),
            _ => !name.is_empty(),
        })
    })
}

/// Condition keys that pin a statement to known principals or sources, so that a
/// `Principal: "*"` statement using them with fixed values is not public.
const FIXING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
];

/// Whether a policy grants access to anyone: an `Allow` statement for `"*"` (or
/// `{"AWS": "*"}`) whose conditions do not pin it with fixed values.
pub fn is_public(document: &PolicyDocument) -> bool {
    document.statements.iter().any(|statement| {
        let everyone = match &statement.principal {
            Some(PrincipalClause::Principal(Principals::Any)) => true,
            Some(PrincipalClause::Principal(Principals::ByKind(kinds))) => kinds
                .get("AWS")
                .is_some_and(|aws| aws.iter().any(|p| p == "*")),
            Some(PrincipalClause::NotPrincipal(_)) => true,
            None => false,
        };
        let pinned = statement.condition.as_ref().is_some_and(|condition| {
            condition.blocks.iter().any(|(operator, keys)| {
                !operator.starts_with("StringNot")
                    && !operator.starts_with("ArnNot")
                    && keys.iter().any(|(key, values)| {
                        let fixed = |v: &serde_json::Value| {
                            v.as_str().is_some_and(|s| {
                                !s.contains('*') && s != "0.0.0.0/0" && s != "::/0"
                            })
                        };
                        FIXING_KEYS.contains(&key.to_ascii_lowercase().as_str())
                            && match values {
                                serde_json::Value::Array(items) => items.iter().all(fixed),
                                one => fixed(one),
                            }
                    })
            })
        });
        statement.effect == Effect::Allow && everyone && !pinned
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(statement: &str) -> String {
        format!(r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#)
    }

    #[test]
    fn malformed_policies() {
        let ok = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::logs/AWSLogs/*"}"#,
        );
        assert!(parse_bucket_policy("logs", &ok).is_ok());
        for (text, why) in [
            ("not json".to_string(), "first byte"),
            (
                policy(
                    r#"{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}"#,
                ),
                "Principal",
            ),
            (
                policy(
                    r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::other/*"}"#,
                ),
                "invalid resource",
            ),
            (
                policy(
                    r#"{"Effect":"Allow","Principal":"*","Action":"ec2:RunInstances","Resource":"arn:aws:s3:::logs/*"}"#,
                ),
                "invalid action",
            ),
            (
                policy(
                    r#"{"Effect":"Allow","Principal":{"AWS":"bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}"#,
                ),
                "Invalid principal",
            ),
        ] {
            match parse_bucket_policy("logs", &text) {
                Err(S3Error::MalformedPolicy(m)) => assert!(m.contains(why), "{m} / {why}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn public_means_anyone_without_pinning_conditions() {
        let public = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        let pinned = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}"#,
        );
        let wildcard = policy(
            r#"{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}}"#,
        );
        let service = policy(
            r#"{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}"#,
        );
        let doc = |t: &str| parse_bucket_policy("b", t).unwrap().document;
        assert!(is_public(&doc(&public)));
        assert!(!is_public(&doc(&pinned)));
        assert!(is_public(&doc(&wildcard)));
        assert!(!is_public(&doc(&service)));
    }
}
