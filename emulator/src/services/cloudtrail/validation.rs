//! CloudTrail's input rules: trail names, buckets and prefixes, SNS topics, KMS keys,
//! CloudWatch Logs destinations, tags. orgsim emulates no SNS, KMS or CloudWatch Logs:
//! well-formed names and ARNs are accepted and kept.

use super::errors::CtError;
use super::model::Tag;

/// Tags per resource (AWS's quota).
pub const MAX_TAGS: usize = 50;

/// A trail name: 3–128 letters, digits, `.`, `_`, `-`; starting and ending with a
/// letter or digit; no adjacent punctuation; not an IP address.
pub fn check_trail_name(name: &str) -> Result<(), CtError> {
    let invalid = |m: &str| Err(CtError::InvalidTrailName(m.to_string()));
    if name.len() < 3 {
        return invalid(&format!(
            "Trail name too short. Minimum allowed length: 3 characters. Specified name length: {} characters.",
            name.len()
        ));
    }
    if name.len() > 128 {
        return invalid(&format!(
            "Trail name too long. Maximum allowed length: 128 characters. Specified name length: {} characters.",
            name.len()
        ));
    }
    let punctuation = |c: char| matches!(c, '.' | '_' | '-');
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || punctuation(c))
    {
        return invalid("Trail name or ARN can only contain uppercase letters, lowercase letters, numbers, periods (.), hyphens (-), and underscores (_).");
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("Trail name must starts with a letter or number.");
    }
    if !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return invalid("Trail name must ends with a letter or number.");
    }
    let bytes: Vec<char> = name.chars().collect();
    if bytes
        .windows(2)
        .any(|w| punctuation(w[0]) && punctuation(w[1]))
    {
        return invalid("Trail name cannot have adjacent periods, underscores or dashes.");
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return invalid("Trail name cannot be formatted as an IP address.");
    }
    Ok(())
}

pub fn check_bucket_name(bucket: &str) -> Result<(), CtError> {
    crate::services::s3::names::check_bucket_name(bucket)
        .map_err(|_| CtError::InvalidS3BucketName(format!("Bucket name is not valid: {bucket}")))
}

/// An S3 key prefix: at most 200 characters.
pub fn check_prefix(prefix: &str) -> Result<(), CtError> {
    if prefix.len() > 200 || prefix.contains("//") {
        return Err(CtError::InvalidS3Prefix(format!(
            "Prefix is not valid: {prefix}"
        )));
    }
    Ok(())
}

/// An SNS topic name or ARN → (name, ARN).
pub fn check_sns_topic(
    topic: &str,
    region: &str,
    account: &str,
) -> Result<(String, String), CtError> {
    let (name, arn) = match topic.strip_prefix("arn:aws:sns:") {
        Some(rest) => {
            let parts: Vec<&str> = rest.split(':').collect();
            match parts.as_slice() {
                [_, acct, name] if acct.len() == 12 => (name.to_string(), topic.to_string()),
                _ => (String::new(), String::new()),
            }
        }
        None => (
            topic.to_string(),
            format!("arn:aws:sns:{region}:{account}:{topic}"),
        ),
    };
    let valid = !name.is_empty()
        && name.len() <= 256
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !valid {
        return Err(CtError::InvalidSnsTopicName(format!(
            "Topic name is not valid: {topic}"
        )));
    }
    Ok((name, arn))
}

/// A KMS key id, key ARN, alias name or alias ARN → the ARN CloudTrail keeps.
pub fn check_kms_key(key: &str, region: &str, account: &str) -> Result<String, CtError> {
    let invalid = || CtError::InvalidKmsKeyId(format!("KMS key ID is not valid: {key}"));
    let is_key_id = |id: &str| {
        (id.len() == 36 && uuid::Uuid::parse_str(id).is_ok())
            || (id.starts_with("mrk-")
                && id.len() == 36
                && id[4..].bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let is_alias = |a: &str| {
        a.strip_prefix("alias/").is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 250
                && !n.starts_with("aws/")
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "/_-".contains(c))
        })
    };
    if let Some(rest) = key.strip_prefix("arn:aws:kms:") {
        let parts: Vec<&str> = rest.splitn(3, ':').collect();
        return match parts.as_slice() {
            [r, acct, resource]
                if !r.is_empty()
                    && acct.len() == 12
                    && (resource.strip_prefix("key/").is_some_and(is_key_id)
                        || is_alias(resource)) =>
            {
                Ok(key.to_string())
            }
            _ => Err(invalid()),
        };
    }
    if is_key_id(key) {
        return Ok(format!("arn:aws:kms:{region}:{account}:key/{key}"));
    }
    if is_alias(key) {
        return Ok(format!("arn:aws:kms:{region}:{account}:{key}"));
    }
    Err(invalid())
}

/// A CloudWatch Logs log group ARN and the role CloudTrail writes with.
pub fn check_cloud_watch(group: &str, role: &str) -> Result<(String, String), CtError> {
    let group_ok = group
        .strip_prefix("arn:aws:logs:")
        .is_some_and(|rest| rest.split(':').nth(2) == Some("log-group"));
    if !group_ok {
        return Err(CtError::InvalidCloudWatchLogsLogGroupArn(format!(
            "Access denied. Verify in IAM that the role has adequate permissions. Invalid log group ARN: {group}"
        )));
    }
    let role_ok = role.strip_prefix("arn:aws:iam::").is_some_and(|rest| {
        rest.split_once(':')
            .is_some_and(|(acct, res)| acct.len() == 12 && res.starts_with("role/"))
    });
    if !role_ok {
        return Err(CtError::InvalidCloudWatchLogsRoleArn(format!(
            "Invalid role ARN: {role}"
        )));
    }
    Ok((group.to_string(), role.to_string()))
}

/// Tags to add to `existing` tags: keys 1–128, values up to 256, at most 50 in all.
pub fn check_tags(tags: &[Tag], existing: usize) -> Result<(), CtError> {
    for tag in tags {
        if tag.key.is_empty() || tag.key.len() > 128 || tag.key.starts_with("aws:") {
            return Err(CtError::InvalidTagParameter(format!(
                "Tag key is not valid: {}",
                tag.key
            )));
        }
        if tag.value.as_deref().is_some_and(|v| v.len() > 256) {
            return Err(CtError::InvalidTagParameter(format!(
                "Tag value for key {} is longer than 256 characters.",
                tag.key
            )));
        }
    }
    if existing + tags.len() > MAX_TAGS {
        return Err(CtError::TagsLimitExceeded(format!(
            "The number of tags on the resource would exceed {MAX_TAGS}."
        )));
    }
    Ok(())
}
