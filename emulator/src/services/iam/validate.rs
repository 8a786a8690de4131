//! IAM's model constraints (lengths, patterns, ranges), checked before any handler
//! looks at the world, with the framework's `ValidationError` wording.

use regex::Regex;
use std::sync::LazyLock;

use super::documents::{policy_size, IdentityDocument, TrustDocument};
use super::dto::TagShape;
use super::errors::IamError;
use super::model::Tag;

static NAME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[\w+=,.@-]+$").expect("valid"));
static PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(/|/[\x21-\x7E]+/)$").expect("valid"));
static POLICY_PATH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^((/[A-Za-z0-9.,+@=_-]+)*)/$").expect("valid"));
static PATH_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^/[\x21-\x7F]*$").expect("valid"));
static TAG_KEY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$").expect("valid"));
static TAG_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$").expect("valid"));
static DOCUMENT_CHARS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\x09\x0A\x0D\x20-\xFF]+$").expect("valid"));

/// Length (in characters) between `min` and `max`.
pub fn length(value: &str, member: &str, min: usize, max: usize) -> Result<(), IamError> {
    let n = value.chars().count();
    if n < min {
        return Err(IamError::constraint(
            value,
            member,
            &format!("Member must have length greater than or equal to {min}"),
        ));
    }
    if n > max {
        return Err(IamError::constraint(
            value,
            member,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

fn pattern(value: &str, member: &str, re: &Regex, shown: &str) -> Result<(), IamError> {
    if re.is_match(value) {
        Ok(())
    } else {
        Err(IamError::constraint(
            value,
            member,
            &format!("Member must satisfy regular expression pattern: {shown}"),
        ))
    }
}

/// User, role, group, policy, instance profile names: `[\w+=,.@-]+`, 1–`max`.
pub fn name(value: &str, member: &str, max: usize) -> Result<(), IamError> {
    length(value, member, 1, max)?;
    pattern(value, member, &NAME, r"[\w+=,.@-]+")
}

/// `Path`: `/` or `/…/`, 1–512.
pub fn path(value: Option<&str>, member: &str) -> Result<String, IamError> {
    let Some(value) = value else {
        return Ok("/".to_string());
    };
    length(value, member, 1, 512)?;
    pattern(
        value,
        member,
        &PATH,
        r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)",
    )?;
    Ok(value.to_string())
}

/// A managed policy's `Path`.
pub fn policy_path(value: Option<&str>) -> Result<String, IamError> {
    let Some(value) = value else {
        return Ok("/".to_string());
    };
    length(value, "path", 1, 512)?;
    pattern(value, "path", &POLICY_PATH, r"((/[A-Za-z0-9\.,\+@=_-]+)*)/")?;
    Ok(value.to_string())
}

/// `PathPrefix` of listings.
pub fn path_prefix(value: Option<&str>) -> Result<&str, IamError> {
    let Some(value) = value else {
        return Ok("/");
    };
    length(value, "pathPrefix", 1, 512)?;
    pattern(value, "pathPrefix", &PATH_PREFIX, r"\u002F[\u0021-\u007F]*")?;
    Ok(value)
}

/// An ARN member: 20–2048 characters.
pub fn arn(value: &str, member: &str) -> Result<(), IamError> {
    length(value, member, 20, 2048)
}

/// `Description`: up to 1000 characters.
pub fn description(value: Option<&str>) -> Result<(), IamError> {
    match value {
        Some(d) => length(d, "description", 0, 1000),
        None => Ok(()),
    }
}

/// Tags: at most 50, keys unique regardless of case, AWS's character sets.
pub fn tags(input: &[TagShape]) -> Result<Vec<Tag>, IamError> {
    if input.len() > 50 {
        return Err(IamError::LimitExceeded(
            "The number of tags has reached the maximum limit.".into(),
        ));
    }
    let mut out: Vec<Tag> = Vec::new();
    for t in input {
        length(&t.key, "tags.member.key", 1, 128)?;
        pattern(
            &t.key,
            "tags.member.key",
            &TAG_KEY,
            r"[\p{L}\p{Z}\p{N}_.:/=+\-@]+",
        )?;
        length(&t.value, "tags.member.value", 0, 256)?;
        pattern(
            &t.value,
            "tags.member.value",
            &TAG_VALUE,
            r"[\p{L}\p{Z}\p{N}_.:/=+\-@]*",
        )?;
        if out.iter().any(|o| o.key.eq_ignore_ascii_case(&t.key)) {
            return Err(IamError::InvalidInput(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.".into(),
            ));
        }
        out.push(Tag {
            key: t.key.clone(),
            value: t.value.clone(),
        });
    }
    Ok(out)
}

/// Merges `new` into `existing` (a key's case as first written is kept), refusing more
/// than 50 in all.
pub fn merge_tags(existing: &[Tag], new: Vec<Tag>) -> Result<Vec<Tag>, IamError> {
    let mut out = existing.to_vec();
    for tag in new {
        match out
            .iter_mut()
            .find(|o| o.key.eq_ignore_ascii_case(&tag.key))
        {
            Some(o) => o.value = tag.value,
            None => out.push(tag),
        }
    }
    if out.len() > 50 {
        return Err(IamError::LimitExceeded(
            "The number of tags has reached the maximum limit.".into(),
        ));
    }
    Ok(out)
}

/// `TagKeys` of an untag call.
pub fn tag_keys(keys: &[String]) -> Result<(), IamError> {
    if keys.len() > 50 {
        return Err(IamError::constraint(
            "[…]",
            "tagKeys",
            "Member must have length less than or equal to 50",
        ));
    }
    for k in keys {
        length(k, "tagKeys.member", 1, 128)?;
    }
    Ok(())
}

fn document_text(text: &str, member: &str) -> Result<(), IamError> {
    length(text, member, 1, 131_072)?;
    pattern(
        text,
        member,
        &DOCUMENT_CHARS,
        r"[\u0009\u000A\u000D\u0020-\u00FF]+",
    )
}

/// An identity policy document, at most `max_size` characters (whitespace not counted).
pub fn identity_document(
    text: &str,
    member: &str,
    max_size: usize,
) -> Result<IdentityDocument, IamError> {
    document_text(text, member)?;
    if policy_size(text) > max_size {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for PolicySize: {max_size}"
        )));
    }
    IdentityDocument::parse(text).map_err(|e| IamError::MalformedPolicyDocument(e.message))
}

/// A trust policy: at most 2,048 characters by default (AWS's quota, raisable to 4,096).
pub fn trust_document(text: &str, member: &str) -> Result<TrustDocument, IamError> {
    document_text(text, member)?;
    if policy_size(text) > 2048 {
        return Err(IamError::LimitExceeded(
            "Cannot exceed quota for ACLSizePerRole: 2048".into(),
        ));
    }
    let document =
        TrustDocument::parse(text).map_err(|e| IamError::MalformedPolicyDocument(e.message))?;
    if let Some(parsed) = &document.parsed {
        for statement in &parsed.statements {
            let allowed = statement.action.patterns().iter().all(|a| {
                let a = a.to_ascii_lowercase();
                a == "*" || a.starts_with("sts:")
            });
            if !allowed {
                return Err(IamError::MalformedPolicyDocument(
                    "AssumeRole policy may only specify STS AssumeRole actions.".into(),
                ));
            }
        }
    }
    Ok(document)
}

/// `MaxSessionDuration`: 3600–43200 seconds.
pub fn max_session_duration(value: Option<i64>) -> Result<u32, IamError> {
    match value {
        None => Ok(3600),
        Some(n) if n < 3600 => Err(IamError::constraint(
            &n.to_string(),
            "maxSessionDuration",
            "Member must have value greater than or equal to 3600",
        )),
        Some(n) if n > 43200 => Err(IamError::constraint(
            &n.to_string(),
            "maxSessionDuration",
            "Member must have value less than or equal to 43200",
        )),
        Some(n) => Ok(n as u32),
    }
}

/// An integer within `min..=max`.
pub fn range(value: i64, member: &str, min: i64, max: i64) -> Result<i64, IamError> {
    if value < min {
        return Err(IamError::constraint(
            &value.to_string(),
            member,
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if value > max {
        return Err(IamError::constraint(
            &value.to_string(),
            member,
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_tags() {
        assert!(name("alice+ops@x", "userName", 64).is_ok());
        let e = name("bad name", "userName", 64).unwrap_err();
        assert!(matches!(&e, IamError::Validation(m) if m.contains("'bad name' at 'userName'")));
        assert!(name(&"a".repeat(65), "userName", 64).is_err());
        assert_eq!(path(None, "path").unwrap(), "/");
        assert!(path(Some("/team/"), "path").is_ok());
        assert!(path(Some("team"), "path").is_err());
        let dup = [
            TagShape {
                key: "Env".into(),
                value: "a".into(),
            },
            TagShape {
                key: "env".into(),
                value: "b".into(),
            },
        ];
        assert!(matches!(tags(&dup), Err(IamError::InvalidInput(_))));
    }

    #[test]
    fn trust_policies_only_name_sts_actions() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(trust_document(ok, "assumeRolePolicyDocument").is_ok());
        let bad = ok.replace("sts:AssumeRole", "s3:GetObject");
        assert!(matches!(
            trust_document(&bad, "assumeRolePolicyDocument"),
            Err(IamError::MalformedPolicyDocument(_))
        ));
    }
}
