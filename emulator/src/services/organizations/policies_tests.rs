use super::super::test_support::*;
use serde_json::{json, Value};

pub const DENY_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;

fn setup() -> (crate::world::World, crate::auth::Caller) {
    let mut w = world();
    let mgmt = root_caller("111111111111");
    run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
    (w, mgmt)
}

fn create(
    w: &mut crate::world::World,
    mgmt: &crate::auth::Caller,
    input: Value,
) -> Result<Value, crate::api::ApiError> {
    run(w, mgmt, "CreatePolicy", input).map(|o| o["Policy"].clone())
}

fn scp(name: &str, content: &str) -> Value {
    json!({"Name": name, "Description": "d", "Type": "SERVICE_CONTROL_POLICY", "Content": content})
}

#[test]
fn create_describe_update_delete() {
    let (mut w, mgmt) = setup();
    let p = create(
        &mut w,
        &mgmt,
        json!({"Name": "DenyS3", "Description": "no S3", "Type": "SERVICE_CONTROL_POLICY",
               "Content": DENY_S3, "Tags": [{"Key": "team", "Value": "sec"}]}),
    )
    .unwrap();
    let id = p["PolicySummary"]["Id"].as_str().unwrap().to_string();
    assert!(
        regex::Regex::new(r"^p-[0-9a-z]{8}$").unwrap().is_match(&id),
        "{id}"
    );
    let org = w.organizations.organization_of("111111111111").unwrap();
    assert_eq!(
        p["PolicySummary"]["Arn"],
        format!(
            "arn:aws:organizations::111111111111:policy/{}/service_control_policy/{id}",
            org.id
        )
    );
    assert_eq!(p["PolicySummary"]["AwsManaged"], false);
    assert_eq!(p["Content"], DENY_S3);
    assert_eq!(org.tags[&id]["team"], "sec");

    let described = run(&mut w, &mgmt, "DescribePolicy", json!({"PolicyId": id})).unwrap();
    assert_eq!(described["Policy"]["PolicySummary"]["Name"], "DenyS3");

    assert_eq!(
        error_code(create(&mut w, &mgmt, scp("DenyS3", DENY_S3))).0,
        "DuplicatePolicyException"
    );
    // Same name, other type: fine.
    create(
        &mut w,
        &mgmt,
        json!({"Name": "DenyS3", "Description": "", "Type": "TAG_POLICY", "Content": "{}"}),
    )
    .unwrap();

    let updated = run(
        &mut w,
        &mgmt,
        "UpdatePolicy",
        json!({"PolicyId": id, "Name": "NoS3"}),
    )
    .unwrap();
    assert_eq!(updated["Policy"]["PolicySummary"]["Name"], "NoS3");
    assert_eq!(updated["Policy"]["Content"], DENY_S3, "content unchanged");
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "UpdatePolicy",
            json!({"PolicyId": id, "Content": "{"})
        ))
        .0,
        "MalformedPolicyDocumentException"
    );
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "UpdatePolicy",
            json!({"PolicyId": "p-FullAWSAccess", "Name": "x"})
        ))
        .1,
        Some("IMMUTABLE_POLICY".into())
    );
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "DeletePolicy",
            json!({"PolicyId": "p-FullAWSAccess"})
        ))
        .1,
        Some("IMMUTABLE_POLICY".into())
    );
    run(&mut w, &mgmt, "DeletePolicy", json!({"PolicyId": id})).unwrap();
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "DescribePolicy",
            json!({"PolicyId": id})
        ))
        .0,
        "PolicyNotFoundException"
    );
    assert!(!w
        .organizations
        .organization_of("111111111111")
        .unwrap()
        .tags
        .contains_key(&id));
    assert_eq!(
        error_code(run(
            &mut w,
            &mgmt,
            "DescribePolicy",
            json!({"PolicyId": "nope"})
        ))
        .1,
        Some("INVALID_SYNTAX_POLICY_ID".into())
    );
}

#[test]
fn content_rules() {
    let (mut w, mgmt) = setup();
    let e = error_code(create(
        &mut w,
        &mgmt,
        scp(
            "P",
            r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}}"#,
        ),
    ));
    assert_eq!(e.0, "MalformedPolicyDocumentException");
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Sid":"{}","Effect":"Deny","Action":"*"}}}}"#,
        "a".repeat(10_240)
    );
    assert_eq!(
        error_code(create(&mut w, &mgmt, scp("Big", &big))),
        (
            "ConstraintViolationException".into(),
            Some("POLICY_CONTENT_LIMIT_EXCEEDED".into())
        )
    );
    w.settings.quotas.scp_content_size = 20_000;
    create(&mut w, &mgmt, scp("Big", &big)).unwrap();
    let rcp = |content: &str| json!({"Name": "R", "Description": "", "Type": "RESOURCE_CONTROL_POLICY", "Content": content});
    assert_eq!(
        error_code(create(&mut w, &mgmt, rcp(DENY_S3))).0,
        "MalformedPolicyDocumentException",
        "an RCP needs a Principal"
    );
    let tag = |content: &str| json!({"Name": "T", "Description": "", "Type": "TAG_POLICY", "Content": content});
    assert_eq!(
        error_code(create(&mut w, &mgmt, tag("[1]"))).0,
        "MalformedPolicyDocumentException"
    );
    assert_eq!(
        error_code(create(
            &mut w,
            &mgmt,
            tag(r#"{"tags":{"x":{"tag_key":{"@@bogus":"X"}}}}"#)
        ))
        .0,
        "MalformedPolicyDocumentException"
    );
    let ai = json!({"Name": "A", "Description": "", "Type": "AISERVICES_OPT_OUT_POLICY",
                    "Content": format!(r#"{{"services":{{"x":"{}"}}}}"#, "y".repeat(2500))});
    assert_eq!(
        error_code(create(&mut w, &mgmt, ai)).1,
        Some("POLICY_CONTENT_LIMIT_EXCEEDED".into())
    );
    assert_eq!(
        error_code(create(
            &mut w,
            &mgmt,
            json!({"Name": "x", "Description": "", "Type": "NOPE", "Content": "{}"})
        ))
        .1,
        Some("INVALID_ENUM_POLICY_TYPE".into())
    );
    assert_eq!(
        error_code(create(
            &mut w,
            &mgmt,
            json!({"Name": "", "Description": "", "Type": "TAG_POLICY", "Content": "{}"})
        ))
        .1,
        Some("MIN_LENGTH_EXCEEDED".into())
    );
    assert_eq!(
        error_code(create(
            &mut w,
            &mgmt,
            json!({"Name": "x", "Type": "TAG_POLICY", "Content": "{}"})
        ))
        .1,
        Some("INPUT_REQUIRED".into())
    );
    w.settings.quotas.policies_per_type = 1;
    create(&mut w, &mgmt, tag("{}")).unwrap();
    assert_eq!(
        error_code(create(
            &mut w,
            &mgmt,
            json!({"Name": "T2", "Description": "", "Type": "TAG_POLICY", "Content": "{}"})
        ))
        .1,
        Some("POLICY_NUMBER_LIMIT_EXCEEDED".into())
    );
}

#[test]
fn list_policies_pages_with_the_managed_policy_in_order() {
    let (mut w, mgmt) = setup();
    for n in 0..4 {
        create(&mut w, &mgmt, scp(&format!("P{n}"), DENY_S3)).unwrap();
    }
    let mut seen = vec![];
    let mut token: Option<String> = None;
    loop {
        let mut input = json!({"Filter": "SERVICE_CONTROL_POLICY", "MaxResults": 2});
        if let Some(t) = &token {
            input["NextToken"] = json!(t);
        }
        let out = run(&mut w, &mgmt, "ListPolicies", input).unwrap();
        seen.extend(
            out["Policies"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["Id"].as_str().unwrap().to_string()),
        );
        match out["NextToken"].as_str() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert!(seen.contains(&"p-FullAWSAccess".to_string()));
    let tags = run(
        &mut w,
        &mgmt,
        "ListPolicies",
        json!({"Filter": "TAG_POLICY"}),
    )
    .unwrap();
    assert_eq!(tags["Policies"], json!([]));
    let rcps = run(
        &mut w,
        &mgmt,
        "ListPolicies",
        json!({"Filter": "RESOURCE_CONTROL_POLICY"}),
    )
    .unwrap();
    assert_eq!(rcps["Policies"][0]["Id"], "p-RCPFullAWSAccess");
    assert_eq!(rcps["Policies"][0]["AwsManaged"], true);
    let bad = json!({"Filter": "TAG_POLICY", "NextToken": token.unwrap_or_else(|| "x".into())});
    assert_eq!(
        error_code(run(&mut w, &mgmt, "ListPolicies", bad)).1,
        Some("INVALID_NEXT_TOKEN".into())
    );
}

#[test]
fn only_writers_write() {
    let (mut w, _) = setup();
    let outsider = root_caller("999999999999");
    assert_eq!(
        error_code(create(&mut w, &outsider, scp("x", DENY_S3))).0,
        "AWSOrganizationsNotInUseException"
    );
}
