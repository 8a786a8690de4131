//! S3's rules for bucket names and location constraints (S3 User Guide, "Bucket
//! naming rules"; CreateBucket's `LocationConstraint`).

use super::errors::S3Error;
use crate::services::config::ALL_REGIONS;

/// Prefixes and suffixes S3 reserves.
const RESERVED_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// A general purpose bucket name: 3–63 lowercase letters, digits, dots and hyphens,
/// starting and ending with a letter or digit, no `..`, not an IP address, no
/// reserved prefix or suffix.
pub fn check_bucket_name(name: &str) -> Result<(), S3Error> {
    let bytes = name.as_bytes();
    let valid_chars = bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-');
    let alnum = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    let ok = (3..=63).contains(&name.len())
        && valid_chars
        && alnum(bytes.first())
        && alnum(bytes.last())
        && !name.contains("..")
        && name.parse::<std::net::Ipv4Addr>().is_err()
        && !RESERVED_PREFIXES.iter().any(|p| name.starts_with(p))
        && !RESERVED_SUFFIXES.iter().any(|s| name.ends_with(s));
    if ok {
        Ok(())
    } else {
        Err(S3Error::InvalidBucketName(name.to_string()))
    }
}

/// The region a bucket is created in, from the endpoint's region and the request's
/// `LocationConstraint`: us-east-1 (the global endpoint) takes any valid constraint
/// and none means us-east-1; any other endpoint needs its own region (or `EU` at
/// eu-west-1). `us-east-1` itself is not a valid constraint.
pub fn bucket_region(endpoint_region: &str, constraint: Option<&str>) -> Result<String, S3Error> {
    let constraint = constraint.filter(|c| !c.is_empty());
    let Some(constraint) = constraint else {
        return if endpoint_region == "us-east-1" {
            Ok("us-east-1".into())
        } else {
            Err(S3Error::IllegalLocationConstraint(
                "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.".into(),
            ))
        };
    };
    let region = if constraint == "EU" {
        "eu-west-1"
    } else {
        constraint
    };
    if constraint == "us-east-1" || !ALL_REGIONS.contains(&region) {
        return Err(S3Error::InvalidLocationConstraint(constraint.to_string()));
    }
    if endpoint_region != "us-east-1" && endpoint_region != region {
        return Err(S3Error::IllegalLocationConstraint(format!(
            "The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to."
        )));
    }
    Ok(region.to_string())
}

/// What GetBucketLocation answers: empty for us-east-1, `EU` never (S3 now answers the
/// region name for buckets created with `EU`, except it keeps `EU`; orgsim answers
/// the region).
pub fn location_constraint(region: &str) -> &str {
    if region == "us-east-1" {
        ""
    } else {
        region
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        for good in ["abc", "my-bucket.logs", "a1b2", "x".repeat(63).as_str()] {
            assert!(check_bucket_name(good).is_ok(), "{good}");
        }
        for bad in [
            "ab",
            "Abc",
            "-abc",
            "abc-",
            "a..b",
            "192.168.5.4",
            "xn--abc",
            "abc-s3alias",
            "a_b",
            &"x".repeat(64),
        ] {
            assert_eq!(
                check_bucket_name(bad),
                Err(S3Error::InvalidBucketName(bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn location_constraints() {
        assert_eq!(bucket_region("us-east-1", None).unwrap(), "us-east-1");
        assert_eq!(
            bucket_region("us-east-1", Some("eu-west-2")).unwrap(),
            "eu-west-2"
        );
        assert_eq!(bucket_region("eu-west-1", Some("EU")).unwrap(), "eu-west-1");
        assert_eq!(
            bucket_region("eu-west-1", Some("eu-west-1")).unwrap(),
            "eu-west-1"
        );
        assert!(matches!(
            bucket_region("eu-west-1", None),
            Err(S3Error::IllegalLocationConstraint(_))
        ));
        assert!(matches!(
            bucket_region("eu-west-1", Some("us-west-2")),
            Err(S3Error::IllegalLocationConstraint(_))
        ));
        assert!(matches!(
            bucket_region("us-east-1", Some("us-east-1")),
            Err(S3Error::InvalidLocationConstraint(_))
        ));
        assert!(matches!(
            bucket_region("us-east-1", Some("mars-1")),
            Err(S3Error::InvalidLocationConstraint(_))
        ));
    }
}
