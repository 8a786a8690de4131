//! Evaluation tests, many on the example SCPs of AWS's Organizations User Guide.

use super::*;

fn scp(text: &str) -> PolicyDocument {
    parse(text, Dialect::ServiceControlPolicy).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn context(pairs: &[(&str, &str)]) -> RequestContext {
    let mut c = RequestContext::default();
    for (k, v) in pairs {
        c.set(k, *v);
    }
    c
}

fn decide(
    doc: &PolicyDocument,
    action: &str,
    resource: &str,
    c: &RequestContext,
) -> PolicyDecision {
    doc.decide(&Request {
        action,
        resource,
        context: c,
    })
}

/// Whether a one-statement Deny policy with `condition` applies under `c`.
fn condition_holds(condition: &str, c: &RequestContext) -> bool {
    let doc = scp(&format!(
        r#"{{"Statement":{{"Effect":"Deny","Action":"*","Resource":"*","Condition":{condition}}}}}"#
    ));
    decide(&doc, "guardduty:ListDetectors", "*", c) == PolicyDecision::Deny(0)
}

#[test]
fn actions_match_with_wildcards_and_ignore_case() {
    let doc = scp(
        r#"{"Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":["guardduty:Delete*","organizations:LeaveOrganization"]},
                         {"Effect":"Allow","Action":"guardduty:???tDetectors"}]}"#,
    );
    let c = RequestContext::default();
    assert_eq!(
        decide(&doc, "guardduty:DeleteDetector", "*", &c),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, "GuardDuty:deletedetector", "*", &c),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, "organizations:leaveorganization", "*", &c),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, "guardduty:ListDetectors", "*", &c),
        PolicyDecision::Allow(1)
    );
    assert_eq!(
        decide(&doc, "guardduty:GetDetector", "*", &c),
        PolicyDecision::NotApplicable
    );
}

#[test]
fn not_action_covers_everything_else() {
    let doc =
        scp(r#"{"Statement":{"Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"]}}"#);
    let c = RequestContext::default();
    assert_eq!(
        decide(&doc, "guardduty:CreateDetector", "*", &c),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, "sts:AssumeRole", "*", &c),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        decide(&doc, "IAM:CreateRole", "*", &c),
        PolicyDecision::NotApplicable
    );
}

#[test]
fn resources_and_not_resources() {
    let doc = scp(
        r#"{"Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/Admin*"},
                         {"Effect":"Deny","Action":"guardduty:*","NotResource":"arn:aws:guardduty:*:*:detector/keep*"}]}"#,
    );
    let c = RequestContext::default();
    let d = |a: &str, r: &str| decide(&doc, a, r, &c);
    assert_eq!(
        d("sts:AssumeRole", "arn:aws:iam::111122223333:role/AdminRole"),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        d("sts:AssumeRole", "arn:aws:iam::111122223333:role/Reader"),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        d("sts:AssumeRole", "arn:aws:iam::111122223333:role/adminrole"),
        PolicyDecision::NotApplicable,
        "ARNs match case-sensitively"
    );
    assert_eq!(
        d(
            "guardduty:DeleteDetector",
            "arn:aws:guardduty:eu-west-1:111122223333:detector/keep1"
        ),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        d(
            "guardduty:DeleteDetector",
            "arn:aws:guardduty:eu-west-1:111122223333:detector/abc"
        ),
        PolicyDecision::Deny(1)
    );
    assert_eq!(
        d("guardduty:ListDetectors", "*"),
        PolicyDecision::Deny(1),
        "* is not a detector ARN"
    );
}

#[test]
fn deny_wins_over_allow_in_one_policy() {
    let doc = scp(
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"guardduty:DeleteDetector"}]}"#,
    );
    let c = RequestContext::default();
    assert_eq!(
        decide(&doc, "guardduty:DeleteDetector", "*", &c),
        PolicyDecision::Deny(1)
    );
    assert_eq!(
        decide(&doc, "guardduty:CreateDetector", "*", &c),
        PolicyDecision::Allow(0)
    );
}

/// AWS's example "Deny access to AWS based on the requested AWS Region", trimmed.
const REGION_DENY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOutsideEU","Effect":"Deny",
  "NotAction":["iam:*","organizations:*","route53:*","support:*","sts:*"],"Resource":"*",
  "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]},
               "ArnNotLike":{"aws:PrincipalARN":["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"]}}}]}"#;

#[test]
fn region_deny_with_not_action_and_admin_exemption() {
    let doc = scp(REGION_DENY);
    let member = |region: &str, principal: &str| {
        context(&[
            ("aws:RequestedRegion", region),
            ("aws:PrincipalArn", principal),
        ])
    };
    let user = "arn:aws:iam::111122223333:role/Developer";
    let admin = "arn:aws:iam::111122223333:role/Role1AllowedToBypassThisSCP";
    let gd = "guardduty:CreateDetector";
    assert_eq!(
        decide(&doc, gd, "*", &member("us-east-1", user)),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, gd, "*", &member("eu-west-1", user)),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        decide(&doc, gd, "*", &member("us-east-1", admin)),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        decide(
            &doc,
            "organizations:DescribeOrganization",
            "*",
            &member("us-east-1", user)
        ),
        PolicyDecision::NotApplicable,
        "global services are exempted by NotAction"
    );
}

/// AWS's example "Prevent IAM users and roles from making certain changes, with an
/// exception for a specified admin role".
#[test]
fn arn_not_like_exempts_an_admin_role() {
    let doc = scp(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyAccessWithException","Effect":"Deny",
        "Action":["guardduty:DeleteDetector","guardduty:DisassociateFromMasterAccount","guardduty:UpdateDetector"],
        "Resource":["*"],"Condition":{"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/SecurityAdmin"}}}]}"#,
    );
    let as_ = |arn: &str| context(&[("aws:PrincipalArn", arn)]);
    let a = "guardduty:DeleteDetector";
    assert_eq!(
        decide(
            &doc,
            a,
            "*",
            &as_("arn:aws:iam::111122223333:role/SecurityAdmin")
        ),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        decide(&doc, a, "*", &as_("arn:aws:iam::111122223333:role/Other")),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&doc, a, "*", &as_("arn:aws:iam::111122223333:root")),
        PolicyDecision::Deny(0)
    );
}

#[test]
fn string_operators() {
    let c = context(&[
        ("aws:PrincipalAccount", "111122223333"),
        ("aws:userid", "AROAEXAMPLE:Alice"),
    ]);
    assert!(condition_holds(
        r#"{"StringEquals":{"aws:PrincipalAccount":["999999999999","111122223333"]}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"StringEquals":{"aws:PrincipalAccount":"999999999999"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"StringNotEquals":{"aws:PrincipalAccount":["1","2"]}}"#,
        &c
    ));
    assert!(
        !condition_holds(
            r#"{"StringNotEquals":{"aws:PrincipalAccount":["1","111122223333"]}}"#,
            &c
        ),
        "NotEquals: none may match"
    );
    assert!(condition_holds(
        r#"{"StringEqualsIgnoreCase":{"aws:userid":"aroaexample:alice"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"StringEquals":{"aws:userid":"aroaexample:alice"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"StringNotEqualsIgnoreCase":{"aws:userid":"x"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"StringLike":{"aws:userid":"AROA*:Al?ce"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"StringLike":{"aws:userid":"AROA*:Bob"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"StringNotLike":{"aws:userid":"*:Bob"}}"#,
        &c
    ));
    assert!(
        condition_holds(
            r#"{"StringEquals":{"AWS:PRINCIPALACCOUNT":"111122223333"}}"#,
            &c
        ),
        "keys ignore case"
    );
}

#[test]
fn missing_keys() {
    let c = RequestContext::default();
    assert!(!condition_holds(
        r#"{"StringEquals":{"aws:SourceIdentity":"x"}}"#,
        &c
    ));
    assert!(
        condition_holds(r#"{"StringNotEquals":{"aws:SourceIdentity":"x"}}"#, &c),
        "a negated operator holds"
    );
    assert!(condition_holds(
        r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"StringEqualsIfExists":{"aws:SourceIdentity":"x"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NumericLessThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}"#,
        &c
    ));
    let present = context(&[("aws:SourceIdentity", "y")]);
    assert!(!condition_holds(
        r#"{"StringEqualsIfExists":{"aws:SourceIdentity":"x"}}"#,
        &present
    ));
}

#[test]
fn null_tests_presence() {
    let with = context(&[("aws:SourceIdentity", "alice")]);
    let without = RequestContext::default();
    let absent = r#"{"Null":{"aws:SourceIdentity":"true"}}"#;
    let present = r#"{"Null":{"aws:SourceIdentity":false}}"#;
    assert!(condition_holds(absent, &without));
    assert!(!condition_holds(absent, &with));
    assert!(condition_holds(present, &with));
    assert!(!condition_holds(present, &without));
}

#[test]
fn numeric_date_bool_binary_ip() {
    let c = context(&[
        ("aws:MultiFactorAuthAge", "120"),
        ("aws:CurrentTime", "2026-03-01T12:00:00.000Z"),
        ("aws:EpochTime", "1772366400"),
        ("aws:SecureTransport", "true"),
        ("aws:SourceIp", "10.1.2.3"),
        ("s3:x-amz-content", "QmluYXJ5"),
    ]);
    assert!(condition_holds(
        r#"{"NumericLessThan":{"aws:MultiFactorAuthAge":3600}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NumericLessThanEquals":{"aws:MultiFactorAuthAge":"120"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"120"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"120.0"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NumericEquals":{"aws:MultiFactorAuthAge":["1","120"]}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NumericNotEquals":{"aws:MultiFactorAuthAge":"121"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"DateLessThanEquals":{"aws:CurrentTime":"2026-03-02"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"DateGreaterThanEquals":{"aws:EpochTime":"1772366400"}}"#,
        &c
    ));
    assert!(
        condition_holds(r#"{"DateEquals":{"aws:CurrentTime":"1772366400"}}"#, &c),
        "epoch seconds"
    );
    assert!(condition_holds(
        r#"{"DateNotEquals":{"aws:CurrentTime":"2026-03-01T12:00:01Z"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"Bool":{"aws:SecureTransport":true}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"Bool":{"aws:SecureTransport":"false"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"BinaryEquals":{"s3:x-amz-content":"QmluYXJ5"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"IpAddress":{"aws:SourceIp":["192.168.0.0/16","10.1.2.4"]}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}}"#,
        &c
    ));
}

#[test]
fn arn_operators() {
    let c = context(&[(
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:role/Ops/Admin",
    )]);
    assert!(condition_holds(
        r#"{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Ops/Admin"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Ops/*"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Dev/*"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Other"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Ops/*"}}"#,
        &c
    ));
}

#[test]
fn set_qualifiers() {
    let mut c = RequestContext::default();
    c.set_all(
        "aws:PrincipalOrgPaths",
        vec![
            "o-a/r-ab12/ou-ab12-11111111/".into(),
            "o-a/r-ab12/ou-ab12-22222222/".into(),
        ],
    );
    let any =
        r#"{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-ab12/ou-ab12-11111111/*"}}"#;
    let all =
        r#"{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-a/r-ab12/ou-ab12-11111111/*"}}"#;
    assert!(condition_holds(any, &c));
    assert!(!condition_holds(all, &c));
    assert!(condition_holds(
        r#"{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":"o-a/*"}}"#,
        &c
    ));
    assert!(condition_holds(
        r#"{"ForAnyValue:StringNotLike":{"aws:PrincipalOrgPaths":"o-a/r-ab12/ou-ab12-11111111/*"}}"#,
        &c
    ));
    let empty = RequestContext::default();
    assert!(
        !condition_holds(any, &empty),
        "ForAnyValue: a missing key is false"
    );
    assert!(
        condition_holds(all, &empty),
        "ForAllValues: a missing key is true"
    );
    assert!(condition_holds(
        r#"{"ForAnyValue:StringLikeIfExists":{"aws:PrincipalOrgPaths":"x"}}"#,
        &empty
    ));
}

#[test]
fn operators_and_keys_are_and_values_are_or() {
    let c = context(&[
        ("aws:RequestedRegion", "eu-west-1"),
        ("aws:PrincipalAccount", "111122223333"),
    ]);
    assert!(condition_holds(
        r#"{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"],"aws:PrincipalAccount":"111122223333"}}"#,
        &c
    ));
    assert!(!condition_holds(
        r#"{"StringEquals":{"aws:RequestedRegion":"eu-west-1"},"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
        &c
    ));
}

#[test]
fn bad_conditions_are_refused_at_parse() {
    for (condition, expected) in [
        (r#"{"StringEqualz":{"aws:x":"1"}}"#, "StringEqualz"),
        (
            r#"{"ForSomeValues:StringEquals":{"aws:x":"1"}}"#,
            "ForSomeValues",
        ),
        (r#"{"NullIfExists":{"aws:x":"true"}}"#, "NullIfExists"),
        (r#"{"NumericLessThan":{"aws:x":"ten"}}"#, "ten"),
        (r#"{"DateLessThan":{"aws:x":"yesterday"}}"#, "yesterday"),
        (r#"{"Bool":{"aws:x":"yes"}}"#, "yes"),
        (
            r#"{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}"#,
            "10.0.0.0/33",
        ),
        (r#"{"Null":{"aws:x":"maybe"}}"#, "maybe"),
    ] {
        let text =
            format!(r#"{{"Statement":{{"Effect":"Deny","Action":"*","Condition":{condition}}}}}"#);
        let e = parse(&text, Dialect::ServiceControlPolicy).expect_err(condition);
        assert!(e.message.contains(expected), "{condition}: {e}");
    }
}

#[test]
fn rcp_principal_star_and_conditions() {
    let rcp = parse(
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*",
        "Action":"sts:AssumeRole","Resource":"*",
        "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abcdefghij"},
                     "BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#,
        Dialect::ResourceControlPolicy,
    )
    .unwrap();
    let role = "arn:aws:iam::222233334444:role/Deploy";
    let inside = context(&[
        ("aws:PrincipalOrgID", "o-abcdefghij"),
        ("aws:PrincipalIsAWSService", "false"),
    ]);
    let outside = context(&[("aws:PrincipalIsAWSService", "false")]);
    let service = context(&[("aws:PrincipalIsAWSService", "true")]);
    assert_eq!(
        decide(&rcp, "sts:AssumeRole", role, &inside),
        PolicyDecision::NotApplicable
    );
    assert_eq!(
        decide(&rcp, "sts:AssumeRole", role, &outside),
        PolicyDecision::Deny(0)
    );
    assert_eq!(
        decide(&rcp, "sts:AssumeRole", role, &service),
        PolicyDecision::NotApplicable
    );
}
