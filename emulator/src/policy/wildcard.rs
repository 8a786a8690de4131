//! The two wildcards of the policy language — `*` (any run of characters, none
//! included) and `?` (exactly one character) — over action names and ARNs.

/// Whether `text` matches `pattern`, where `*` matches any run and `?` one character.
/// `ignore_case`: ASCII case-insensitive (action names); ARNs and condition strings
/// match case-sensitively.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let same = |a: u8, b: u8| a == b || (ignore_case && a.eq_ignore_ascii_case(&b));
    // Greedy matching with one backtrack point: linear in practice, no allocation.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && (p[pi] == b'?' || same(p[pi], t[ti])) {
            // `?` stands for one character: step over a whole UTF-8 sequence.
            let width = if p[pi] == b'?' { utf8_width(t[ti]) } else { 1 };
            pi += 1;
            ti += width;
        } else if let Some((star_p, star_t)) = star {
            pi = star_p + 1;
            ti = star_t + utf8_width(t[star_t]);
            star = Some((star_p, ti));
        } else {
            return false;
        }
    }
    p[pi.min(p.len())..].iter().all(|&c| c == b'*')
}

fn utf8_width(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// ARN matching as `Resource` and `ArnLike` do it: `*` alone matches every ARN;
/// otherwise each of the six colon-separated parts (`arn:partition:service:region:
/// account:resource`, the last one keeping its own colons) is matched on its own, so a
/// wildcard never spans a colon between parts.
pub fn arn_matches(pattern: &str, arn: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let mut pattern_parts = pattern.splitn(6, ':');
    let mut arn_parts = arn.splitn(6, ':');
    for _ in 0..6 {
        match (pattern_parts.next(), arn_parts.next()) {
            (Some(p), Some(a)) if matches(p, a, false) => {}
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question_mark() {
        assert!(matches("*", "", false));
        assert!(matches("*", "anything", false));
        assert!(matches("guardduty:*", "guardduty:DeleteDetector", false));
        assert!(matches(
            "guardduty:Delete*",
            "guardduty:DeleteDetector",
            false
        ));
        assert!(!matches(
            "guardduty:Delete*",
            "guardduty:CreateDetector",
            false
        ));
        assert!(matches("*Detector", "guardduty:DeleteDetector", false));
        assert!(matches("g?ardduty:*", "guardduty:X", false));
        assert!(!matches("g?ardduty:*", "gardduty:X", false));
        assert!(matches("a*b*c", "aXXbYYbZc", false));
        assert!(!matches("a*b*c", "aXXbYYbZ", false));
        assert!(
            matches("é?", "éü", false),
            "? is one character, not one byte"
        );
        assert!(!matches("abc", "abcd", false));
        assert!(!matches("abcd", "abc", false));
    }

    #[test]
    fn case() {
        assert!(matches(
            "GuardDuty:deletedetector",
            "guardduty:DeleteDetector",
            true
        ));
        assert!(!matches(
            "GuardDuty:deletedetector",
            "guardduty:DeleteDetector",
            false
        ));
    }

    #[test]
    fn arns_match_part_by_part() {
        let role = "arn:aws:iam::111122223333:role/OrganizationAccountAccessRole";
        assert!(arn_matches("*", role));
        assert!(arn_matches("arn:aws:iam::*:role/*", role));
        assert!(arn_matches(
            "arn:aws:iam::111122223333:role/Organization*",
            role
        ));
        assert!(!arn_matches("arn:aws:iam::*:role/Admin*", role));
        assert!(
            !arn_matches("arn:aws:*", role),
            "a wildcard stays in its own part"
        );
        assert!(arn_matches("arn:aws:*:*:*:*", role));
        assert!(!arn_matches(
            "arn:aws:iam::111122223333:role/organization*",
            role
        ));
        assert!(arn_matches(
            "arn:aws:guardduty:*:*:detector/*",
            "arn:aws:guardduty:eu-west-1:111122223333:detector/abc"
        ));
        assert!(arn_matches(
            "arn:aws:s3:::bucket/a:b",
            "arn:aws:s3:::bucket/a:b"
        ));
    }
}
