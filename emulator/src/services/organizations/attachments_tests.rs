use super::super::test_support::*;
use crate::auth::Caller;
use crate::world::World;
use serde_json::{json, Value};

const DENY_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;
const DENY_EC2_RCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ec2:*","Resource":"*"}]}"#;

struct Org {
    w: World,
    mgmt: Caller,
    root: String,
    ou: String,
}

fn setup() -> Org {
    let mut w = world();
    let mgmt = root_caller("111111111111");
    run(&mut w, &mgmt, "CreateOrganization", json!({})).unwrap();
    let root = run(&mut w, &mgmt, "ListRoots", json!({})).unwrap()["Roots"][0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let ou = run(
        &mut w,
        &mgmt,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "Workloads"}),
    )
    .unwrap()["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    Org { w, mgmt, root, ou }
}

impl Org {
    fn call(&mut self, op: &str, input: Value) -> Result<Value, crate::api::ApiError> {
        run(&mut self.w, &self.mgmt, op, input)
    }

    fn policy(&mut self, name: &str, policy_type: &str, content: &str) -> String {
        self.call(
            "CreatePolicy",
            json!({"Name": name, "Description": "", "Type": policy_type, "Content": content}),
        )
        .unwrap()["Policy"]["PolicySummary"]["Id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn attach(&mut self, policy: &str, target: &str) -> Result<Value, crate::api::ApiError> {
        self.call(
            "AttachPolicy",
            json!({"PolicyId": policy, "TargetId": target}),
        )
    }

    fn detach(&mut self, policy: &str, target: &str) -> Result<Value, crate::api::ApiError> {
        self.call(
            "DetachPolicy",
            json!({"PolicyId": policy, "TargetId": target}),
        )
    }

    fn ids_for_target(&mut self, target: &str, filter: &str) -> Vec<String> {
        let out = self
            .call(
                "ListPoliciesForTarget",
                json!({"TargetId": target, "Filter": filter}),
            )
            .unwrap();
        out["Policies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["Id"].as_str().unwrap().to_string())
            .collect()
    }
}

#[test]
fn new_ous_and_the_root_carry_full_aws_access() {
    let mut o = setup();
    let (root, ou) = (o.root.clone(), o.ou.clone());
    assert_eq!(
        o.ids_for_target(&root, "SERVICE_CONTROL_POLICY"),
        ["p-FullAWSAccess"]
    );
    assert_eq!(
        o.ids_for_target(&ou, "SERVICE_CONTROL_POLICY"),
        ["p-FullAWSAccess"]
    );
    let targets = o
        .call(
            "ListTargetsForPolicy",
            json!({"PolicyId": "p-FullAWSAccess"}),
        )
        .unwrap();
    let types: Vec<&str> = targets["Targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Type"].as_str().unwrap())
        .collect();
    assert_eq!(types.len(), 3, "{targets}");
    assert!(
        types.contains(&"ROOT")
            && types.contains(&"ORGANIZATIONAL_UNIT")
            && types.contains(&"ACCOUNT")
    );
    let root_entry = targets["Targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["Type"] == "ROOT")
        .unwrap();
    assert_eq!(root_entry["Name"], "Root");
    assert!(root_entry["Arn"].as_str().unwrap().contains(":root/o-"));
}

#[test]
fn attach_and_detach_rules() {
    let mut o = setup();
    let (root, ou) = (o.root.clone(), o.ou.clone());
    let deny = o.policy("DenyS3", "SERVICE_CONTROL_POLICY", DENY_S3);
    o.attach(&deny, &ou).unwrap();
    assert_eq!(
        error_code(o.attach(&deny, &ou)).0,
        "DuplicatePolicyAttachmentException"
    );
    let mut ids = o.ids_for_target(&ou, "SERVICE_CONTROL_POLICY");
    ids.sort();
    let mut expected = vec!["p-FullAWSAccess".to_string(), deny.clone()];
    expected.sort();
    assert_eq!(ids, expected);

    // The last SCP can't come off; with another attached, FullAWSAccess can.
    assert_eq!(
        error_code(o.detach("p-FullAWSAccess", &root)),
        (
            "ConstraintViolationException".into(),
            Some("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED".into())
        )
    );
    o.detach("p-FullAWSAccess", &ou).unwrap();
    assert_eq!(
        error_code(o.detach(&deny, &ou)).1,
        Some("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED".into())
    );
    assert_eq!(
        error_code(o.detach(&deny, &root)).0,
        "PolicyNotAttachedException"
    );
    assert_eq!(
        error_code(o.call("DeletePolicy", json!({"PolicyId": deny}))).0,
        "PolicyInUseException"
    );

    // Not found, bad ids.
    assert_eq!(
        error_code(o.attach("p-zzzzzzzz", &ou)).0,
        "PolicyNotFoundException"
    );
    assert_eq!(
        error_code(o.attach(&deny, "ou-zzzz-zzzzzzzz")).0,
        "TargetNotFoundException"
    );
    assert_eq!(
        error_code(o.attach(&deny, "999999999999")).0,
        "TargetNotFoundException"
    );
    assert_eq!(
        error_code(o.attach(&deny, "x-1")).1,
        Some("INVALID_PATTERN_TARGET_ID".into())
    );

    // A type not enabled can't be attached.
    let tag = o.policy("Tags", "TAG_POLICY", "{}");
    assert_eq!(
        error_code(o.attach(&tag, &ou)).0,
        "PolicyTypeNotEnabledException"
    );
}

#[test]
fn attachment_quota_per_target() {
    let mut o = setup();
    let ou = o.ou.clone();
    o.w.settings.quotas.scp_attachments_per_target = 3;
    for n in 0..2 {
        let p = o.policy(&format!("P{n}"), "SERVICE_CONTROL_POLICY", DENY_S3);
        o.attach(&p, &ou).unwrap();
    }
    let extra = o.policy("Extra", "SERVICE_CONTROL_POLICY", DENY_S3);
    assert_eq!(
        error_code(o.attach(&extra, &ou)),
        (
            "ConstraintViolationException".into(),
            Some("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED".into())
        )
    );
    // The quota counts per type: a tag policy still fits.
    let root = o.root.clone();
    o.call(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "TAG_POLICY"}),
    )
    .unwrap();
    let tag = o.policy("Tags", "TAG_POLICY", "{}");
    o.attach(&tag, &ou).unwrap();
}

#[test]
fn rcps_full_access_is_everywhere_and_stays() {
    let mut o = setup();
    let (root, ou) = (o.root.clone(), o.ou.clone());
    o.call(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    )
    .unwrap();
    assert_eq!(
        o.ids_for_target(&ou, "RESOURCE_CONTROL_POLICY"),
        ["p-RCPFullAWSAccess"]
    );
    assert_eq!(
        error_code(o.detach("p-RCPFullAWSAccess", &ou)),
        (
            "InvalidInputException".into(),
            Some("NON_DETACHABLE_POLICY".into())
        )
    );
    // OUs made later get it too; RCPFullAWSAccess counts toward the quota of 5.
    let later = o
        .call(
            "CreateOrganizationalUnit",
            json!({"ParentId": root, "Name": "Later"}),
        )
        .unwrap()["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        o.ids_for_target(&later, "RESOURCE_CONTROL_POLICY"),
        ["p-RCPFullAWSAccess"]
    );
    for n in 0..4 {
        let p = o.policy(&format!("R{n}"), "RESOURCE_CONTROL_POLICY", DENY_EC2_RCP);
        o.attach(&p, &later).unwrap();
    }
    let sixth = o.policy("R5", "RESOURCE_CONTROL_POLICY", DENY_EC2_RCP);
    assert_eq!(
        error_code(o.attach(&sixth, &later)).1,
        Some("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED".into())
    );
    // Disabling RCPs detaches them all; the customer RCPs can then be deleted.
    o.call(
        "DisablePolicyType",
        json!({"RootId": root, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    )
    .unwrap();
    assert!(o
        .ids_for_target(&later, "RESOURCE_CONTROL_POLICY")
        .is_empty());
    o.call("DeletePolicy", json!({"PolicyId": sixth})).unwrap();
}

#[test]
fn reenabling_scps_reattaches_only_full_aws_access() {
    let mut o = setup();
    let (root, ou) = (o.root.clone(), o.ou.clone());
    let deny = o.policy("DenyS3", "SERVICE_CONTROL_POLICY", DENY_S3);
    o.attach(&deny, &ou).unwrap();
    let scp = json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"});
    o.call("DisablePolicyType", scp.clone()).unwrap();
    assert!(o.ids_for_target(&ou, "SERVICE_CONTROL_POLICY").is_empty());
    let out = o.call("EnablePolicyType", scp).unwrap();
    assert_eq!(
        out["Root"]["PolicyTypes"],
        json!([{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}])
    );
    assert_eq!(
        o.ids_for_target(&ou, "SERVICE_CONTROL_POLICY"),
        ["p-FullAWSAccess"]
    );
    assert_eq!(
        o.ids_for_target("111111111111", "SERVICE_CONTROL_POLICY"),
        ["p-FullAWSAccess"]
    );
}

#[test]
fn listings_page_and_refuse_foreign_tokens() {
    let mut o = setup();
    let ou = o.ou.clone();
    for n in 0..3 {
        let p = o.policy(&format!("P{n}"), "SERVICE_CONTROL_POLICY", DENY_S3);
        o.attach(&p, &ou).unwrap();
    }
    let first = o
        .call(
            "ListPoliciesForTarget",
            json!({"TargetId": ou, "Filter": "SERVICE_CONTROL_POLICY", "MaxResults": 3}),
        )
        .unwrap();
    assert_eq!(first["Policies"].as_array().unwrap().len(), 3);
    let token = first["NextToken"].as_str().unwrap().to_string();
    let second = o
        .call(
            "ListPoliciesForTarget",
            json!({"TargetId": ou, "Filter": "SERVICE_CONTROL_POLICY", "NextToken": token}),
        )
        .unwrap();
    assert_eq!(second["Policies"].as_array().unwrap().len(), 1);
    assert!(second.get("NextToken").is_none());
    assert_eq!(
        error_code(o.call(
            "ListTargetsForPolicy",
            json!({"PolicyId": "p-FullAWSAccess", "NextToken": token})
        ))
        .1,
        Some("INVALID_NEXT_TOKEN".into())
    );
    assert_eq!(
        error_code(o.call("ListTargetsForPolicy", json!({"PolicyId": "p-zzzzzzzz"}))).0,
        "PolicyNotFoundException"
    );
    assert_eq!(
        error_code(o.call(
            "ListPoliciesForTarget",
            json!({"TargetId": "ou-zzzz-zzzzzzzz", "Filter": "SERVICE_CONTROL_POLICY"})
        ))
        .0,
        "TargetNotFoundException"
    );
}
