//! Input checks with AWS's patterns, lengths and `InvalidInputException` reasons.

use regex::Regex;
use std::sync::LazyLock;

use super::errors::OrgError;

macro_rules! pattern {
    ($name:ident, $re:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($re).expect("valid pattern"));
    };
}

pattern!(ACCOUNT_ID, r"^\d{12}$");
pattern!(ROOT_ID, r"^r-[0-9a-z]{4,32}$");
pattern!(OU_ID, r"^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$");
pattern!(
    PARENT_ID,
    r"^(r-[0-9a-z]{4,32})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$"
);
pattern!(CHILD_ID, r"^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$");
pattern!(CREATE_ACCOUNT_REQUEST_ID, r"^car-[a-z0-9]{8,32}$");
pattern!(HANDSHAKE_ID, r"^h-[0-9a-z]{8,32}$");
pattern!(EMAIL, r"^[^\s@]+@[^\s@]+\.[^\s@]+$");
pattern!(CREATE_ACCOUNT_NAME, r"^[\x20-\x7E]+$");
pattern!(ROLE_NAME, r"^[\w+=,.@-]{1,64}$");
pattern!(POLICY_ID, r"^p-[0-9a-zA-Z_]{8,128}$");
pattern!(
    POLICY_TARGET_ID,
    r"^(r-[0-9a-z]{4,32})$|^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$"
);
pattern!(TAG_TEXT, r"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$");
pattern!(SERVICE_PRINCIPAL, r"^[\w+=,.@-]*$");
pattern!(
    TAGGABLE_RESOURCE_ID,
    r"^(r-[0-9a-z]{4,32})$|^(\d{12})$|^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$|^(p-[0-9a-zA-Z_]{8,128})$|^(rp-[0-9a-zA-Z_]{4,128})$|^(rt-[0-9a-zA-Z_]{8,32})$"
);
pattern!(RESPONSIBILITY_TRANSFER_ID, r"^rt-[0-9a-z]{8,32}$");
pattern!(RESPONSIBILITY_TRANSFER_NAME, r"^[ -~]+$");

fn pattern(field: &str, value: &str, re: &Regex) -> Result<(), OrgError> {
    if re.is_match(value) {
        Ok(())
    } else {
        Err(OrgError::invalid(
            "INVALID_PATTERN",
            format!("You specified a value for {field} that doesn't match the required pattern."),
        ))
    }
}

pub fn length(field: &str, value: &str, min: usize, max: usize) -> Result<(), OrgError> {
    let n = value.chars().count();
    if n < min {
        return Err(OrgError::invalid(
            "MIN_LENGTH_EXCEEDED",
            format!("You provided a value for {field} that is shorter than the minimum length of {min}."),
        ));
    }
    if n > max {
        return Err(OrgError::invalid(
            "MAX_LENGTH_EXCEEDED",
            format!("You provided a value for {field} that exceeds the maximum length of {max}."),
        ));
    }
    Ok(())
}

pub fn account_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &ACCOUNT_ID)
}

pub fn root_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &ROOT_ID)
}

pub fn ou_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &OU_ID)
}

pub fn parent_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &PARENT_ID)
}

pub fn child_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &CHILD_ID)
}

pub fn create_account_request_id(value: &str) -> Result<(), OrgError> {
    pattern("CreateAccountRequestId", value, &CREATE_ACCOUNT_REQUEST_ID)
}

pub fn handshake_id(field: &str, value: &str) -> Result<(), OrgError> {
    pattern(field, value, &HANDSHAKE_ID)
}

pub fn email(value: &str) -> Result<(), OrgError> {
    length("Email", value, 6, 64)?;
    pattern("Email", value, &EMAIL)
}

pub fn create_account_name(value: &str) -> Result<(), OrgError> {
    length("AccountName", value, 1, 50)?;
    pattern("AccountName", value, &CREATE_ACCOUNT_NAME)
}

pub fn role_name(value: &str) -> Result<(), OrgError> {
    pattern("RoleName", value, &ROLE_NAME)?;
    if value.starts_with("AWSServiceRoleFor") {
        return Err(OrgError::invalid(
            "INVALID_ROLE_NAME",
            "You provided a role name that isn't valid: names that begin with AWSServiceRoleFor are reserved.",
        ));
    }
    Ok(())
}

/// A policy id (`p-…`); AWS answers a bad one with `INVALID_SYNTAX_POLICY_ID`.
pub fn policy_id(field: &str, value: &str) -> Result<(), OrgError> {
    if POLICY_ID.is_match(value) {
        return Ok(());
    }
    Err(OrgError::invalid(
        "INVALID_SYNTAX_POLICY_ID",
        format!("You specified a value for {field} that isn't a valid policy ID: it must be p- followed by 8 to 128 letters, digits or underscores."),
    ))
}

/// A root, OU or account id as a policy target (`INVALID_PATTERN_TARGET_ID`).
pub fn policy_target_id(field: &str, value: &str) -> Result<(), OrgError> {
    if POLICY_TARGET_ID.is_match(value) {
        return Ok(());
    }
    Err(OrgError::invalid(
        "INVALID_PATTERN_TARGET_ID",
        format!("You specified a value for {field} that isn't a root, OU or account ID."),
    ))
}

pub fn ou_name(value: &str) -> Result<(), OrgError> {
    length("Name", value, 1, 128)
}

/// Tags: at most 50, keys 1–128 and values 0–256 of AWS's tag characters, no repeats.
pub fn tags(tags: &[(String, String)]) -> Result<(), OrgError> {
    if tags.len() > 50 {
        return Err(OrgError::constraint(
            "MAX_TAG_LIMIT_EXCEEDED",
            "You have exceeded the number of tags allowed on this resource.",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (key, value) in tags {
        length("Tag Key", key, 1, 128)?;
        length("Tag Value", value, 0, 256)?;
        pattern("Tag Key", key, &TAG_TEXT)?;
        pattern("Tag Value", value, &TAG_TEXT)?;
        if key.starts_with("aws:") {
            return Err(OrgError::invalid(
                "INVALID_SYSTEM_TAGS_PARAMETER",
                "You provided a tag key that begins with the reserved prefix aws:.",
            ));
        }
        if !seen.insert(key.as_str()) {
            return Err(OrgError::invalid(
                "DUPLICATE_TAG_KEY",
                "You provided the same tag key more than once.",
            ));
        }
    }
    Ok(())
}

/// `ServicePrincipal`: 1–128 of `[\w+=,.@-]`.
pub fn service_principal(value: &str) -> Result<(), OrgError> {
    length("ServicePrincipal", value, 1, 128)?;
    pattern("ServicePrincipal", value, &SERVICE_PRINCIPAL)
}

/// `TaggableResourceId`: an account, root, OU, policy, resource policy or transfer id.
pub fn taggable_resource_id(value: &str) -> Result<(), OrgError> {
    length("ResourceId", value, 1, 130)?;
    pattern("ResourceId", value, &TAGGABLE_RESOURCE_ID)
}

/// Tag keys given alone (`UntagResource`): the same rules as keys in `tags`.
pub fn tag_keys(keys: &[String]) -> Result<(), OrgError> {
    for key in keys {
        length("Tag Key", key, 1, 128)?;
        pattern("Tag Key", key, &TAG_TEXT)?;
        if key.starts_with("aws:") {
            return Err(OrgError::invalid(
                "INVALID_SYSTEM_TAGS_PARAMETER",
                "You provided a tag key that begins with the reserved prefix aws:.",
            ));
        }
    }
    Ok(())
}

pub fn responsibility_transfer_id(value: &str) -> Result<(), OrgError> {
    pattern("Id", value, &RESPONSIBILITY_TRANSFER_ID)
}

pub fn responsibility_transfer_name(field: &str, value: &str) -> Result<(), OrgError> {
    length(field, value, 1, 128)?;
    pattern(field, value, &RESPONSIBILITY_TRANSFER_NAME)
}

/// `MaxResults` 1–20 (default 20).
pub fn max_results(value: Option<i64>) -> Result<usize, OrgError> {
    match value {
        None => Ok(20),
        Some(n) if n < 1 => Err(OrgError::invalid(
            "MIN_VALUE_EXCEEDED",
            "You provided a value for MaxResults that is less than the minimum value of 1.",
        )),
        Some(n) if n > 20 => Err(OrgError::invalid(
            "MAX_VALUE_EXCEEDED",
            "You provided a value for MaxResults that exceeds the maximum value of 20.",
        )),
        Some(n) => Ok(n as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(r: Result<(), OrgError>) -> &'static str {
        match r {
            Err(OrgError::InvalidInput(reason, _))
            | Err(OrgError::ConstraintViolation(reason, _)) => reason,
            Err(other) => panic!("unexpected {other:?}"),
            Ok(()) => "ok",
        }
    }

    #[test]
    fn patterns_and_lengths() {
        assert_eq!(reason(account_id("AccountId", "123456789012")), "ok");
        assert_eq!(
            reason(account_id("AccountId", "12345678901")),
            "INVALID_PATTERN"
        );
        assert_eq!(reason(parent_id("ParentId", "r-ab12")), "ok");
        assert_eq!(reason(parent_id("ParentId", "ou-ab12-abcdefgh")), "ok");
        assert_eq!(reason(parent_id("ParentId", "ou-ab12")), "INVALID_PATTERN");
        assert_eq!(reason(email("a@b.c")), "MIN_LENGTH_EXCEEDED");
        assert_eq!(reason(email("not-an-email")), "INVALID_PATTERN");
        assert_eq!(reason(email("alice@example.com")), "ok");
        assert_eq!(
            reason(create_account_name(&"x".repeat(51))),
            "MAX_LENGTH_EXCEEDED"
        );
        assert_eq!(reason(create_account_name("caf\u{e9}")), "INVALID_PATTERN");
        assert_eq!(reason(role_name("AWSServiceRoleForX")), "INVALID_ROLE_NAME");
        assert_eq!(
            reason(tags(&[("a".into(), "1".into()), ("a".into(), "2".into())])),
            "DUPLICATE_TAG_KEY"
        );
        assert_eq!(
            reason(tags(&[("aws:x".into(), "1".into())])),
            "INVALID_SYSTEM_TAGS_PARAMETER"
        );
        assert!(matches!(
            max_results(Some(21)),
            Err(OrgError::InvalidInput("MAX_VALUE_EXCEEDED", _))
        ));
        assert!(matches!(
            max_results(Some(0)),
            Err(OrgError::InvalidInput("MIN_VALUE_EXCEEDED", _))
        ));
        assert_eq!(max_results(None).unwrap(), 20);
        assert_eq!(reason(policy_id("PolicyId", "p-FullAWSAccess")), "ok");
        assert_eq!(
            reason(policy_id("PolicyId", "p-abc")),
            "INVALID_SYNTAX_POLICY_ID"
        );
        assert_eq!(
            reason(policy_target_id("TargetId", "ou-ab12-abcdefgh")),
            "ok"
        );
        assert_eq!(reason(policy_target_id("TargetId", "123456789012")), "ok");
        assert_eq!(
            reason(policy_target_id("TargetId", "p-abcdefgh")),
            "INVALID_PATTERN_TARGET_ID"
        );
    }
}
