use super::super::test_support::*;
use crate::auth::Caller;
use crate::world::World;
use serde_json::{json, Value};

struct Org {
    w: World,
    mgmt: Caller,
    root: String,
    ou: String,
    account: String,
}

/// An organization with TAG_POLICY enabled and one created account in OU `Workloads`.
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
    let car = run(
        &mut w,
        &mgmt,
        "CreateAccount",
        json!({"Email": "dev@example.com", "AccountName": "Dev"}),
    )
    .unwrap()["CreateAccountStatus"]["Id"]
        .clone();
    let status = run(
        &mut w,
        &mgmt,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": car}),
    )
    .unwrap();
    let account = status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();
    run(
        &mut w,
        &mgmt,
        "MoveAccount",
        json!({"AccountId": account, "SourceParentId": root, "DestinationParentId": ou}),
    )
    .unwrap();
    run(
        &mut w,
        &mgmt,
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "TAG_POLICY"}),
    )
    .unwrap();
    Org {
        w,
        mgmt,
        root,
        ou,
        account,
    }
}

impl Org {
    fn call(&mut self, op: &str, input: Value) -> Result<Value, crate::api::ApiError> {
        run(&mut self.w, &self.mgmt, op, input)
    }

    fn tag_policy(&mut self, name: &str, content: Value, target: &str) -> String {
        let id = self
            .call(
                "CreatePolicy",
                json!({"Name": name, "Description": "", "Type": "TAG_POLICY", "Content": content.to_string()}),
            )
            .unwrap()["Policy"]["PolicySummary"]["Id"]
            .as_str()
            .unwrap()
            .to_string();
        self.call("AttachPolicy", json!({"PolicyId": id, "TargetId": target}))
            .unwrap();
        id
    }
}

fn content(out: &Value) -> Value {
    serde_json::from_str(out["EffectivePolicy"]["PolicyContent"].as_str().unwrap()).unwrap()
}

#[test]
fn tag_policy_on_root_and_ou_merges_for_the_account() {
    let mut o = setup();
    let (root, ou, account) = (o.root.clone(), o.ou.clone(), o.account.clone());
    let describe = json!({"PolicyType": "TAG_POLICY", "TargetId": account});
    assert_eq!(
        error_code(o.call("DescribeEffectivePolicy", describe.clone())).0,
        "EffectivePolicyNotFoundException",
        "no tag policy applies yet"
    );
    o.tag_policy(
        "Root",
        json!({"tags": {"costcenter": {"tag_key": {"@@assign": "CostCenter"},
               "tag_value": {"@@assign": ["Development", "Support"]}}}}),
        &root,
    );
    o.tag_policy(
        "OU",
        json!({"tags": {"costcenter": {"tag_value": {"@@append": ["Sandbox"]}}}}),
        &ou,
    );
    let out = o.call("DescribeEffectivePolicy", describe).unwrap();
    assert_eq!(
        content(&out),
        json!({"tags": {"costcenter": {"tag_key": "CostCenter",
               "tag_value": ["Development", "Support", "Sandbox"]}}})
    );
    assert_eq!(out["EffectivePolicy"]["TargetId"], account.as_str());
    assert_eq!(out["EffectivePolicy"]["PolicyType"], "TAG_POLICY");
    assert!(
        out["EffectivePolicy"]["LastUpdatedTimestamp"]
            .as_f64()
            .unwrap()
            > 0.0
    );

    // The management account sits in the root: it sees only the root's policy.
    let own = o
        .call(
            "DescribeEffectivePolicy",
            json!({"PolicyType": "TAG_POLICY"}),
        )
        .unwrap();
    assert_eq!(
        content(&own)["tags"]["costcenter"]["tag_value"],
        json!(["Development", "Support"])
    );
    // A member reads its own, but not another account's.
    let member = root_caller(&account);
    let mine = run(
        &mut o.w,
        &member,
        "DescribeEffectivePolicy",
        json!({"PolicyType": "TAG_POLICY"}),
    )
    .unwrap();
    assert_eq!(mine["EffectivePolicy"]["TargetId"], account.as_str());
    assert_eq!(
        error_code(run(
            &mut o.w,
            &member,
            "DescribeEffectivePolicy",
            json!({"PolicyType": "TAG_POLICY", "TargetId": "111111111111"})
        ))
        .0,
        "AccessDeniedException"
    );
}

#[test]
fn describe_effective_policy_errors() {
    let mut o = setup();
    let ou = o.ou.clone();
    let cases = [
        (
            json!({"PolicyType": "SERVICE_CONTROL_POLICY"}),
            ("InvalidInputException", Some("INVALID_ENUM_POLICY_TYPE")),
        ),
        (
            json!({"PolicyType": "TAG_POLICY", "TargetId": ou}),
            ("InvalidInputException", Some("TARGET_NOT_SUPPORTED")),
        ),
        (
            json!({"PolicyType": "TAG_POLICY", "TargetId": "999999999999"}),
            ("TargetNotFoundException", None),
        ),
        (
            json!({"PolicyType": "BACKUP_POLICY"}),
            ("EffectivePolicyNotFoundException", None),
        ),
    ];
    for (input, (code, reason)) in cases {
        let e = error_code(o.call("DescribeEffectivePolicy", input.clone()));
        assert_eq!((e.0.as_str(), e.1.as_deref()), (code, reason), "{input}");
    }
    let outsider = root_caller("999999999999");
    assert_eq!(
        error_code(run(
            &mut o.w,
            &outsider,
            "DescribeEffectivePolicy",
            json!({"PolicyType": "TAG_POLICY"})
        ))
        .0,
        "AWSOrganizationsNotInUseException"
    );
}

#[test]
fn invalid_effective_policies_are_listed_with_their_errors() {
    let mut o = setup();
    let (root, ou, account) = (o.root.clone(), o.ou.clone(), o.account.clone());
    let locked = o.tag_policy(
        "Locked",
        json!({"tags": {"costcenter": {"tag_key":
            {"@@operators_allowed_for_child_policies": ["@@none"], "@@assign": "CostCenter"}}}}),
        &root,
    );
    let list = json!({"PolicyType": "TAG_POLICY"});
    let none = o
        .call("ListAccountsWithInvalidEffectivePolicy", list.clone())
        .unwrap();
    assert_eq!(none["Accounts"], json!([]));
    assert_eq!(none["PolicyType"], "TAG_POLICY");

    let rebel = o.tag_policy(
        "Rebel",
        json!({"tags": {"costcenter": {"tag_key": {"@@assign": "costcenter"}}}}),
        &ou,
    );
    let listed = o
        .call("ListAccountsWithInvalidEffectivePolicy", list)
        .unwrap();
    let ids: Vec<&str> = listed["Accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [account.as_str()],
        "the management account is not under the OU"
    );

    let errors = o
        .call(
            "ListEffectivePolicyValidationErrors",
            json!({"AccountId": account, "PolicyType": "TAG_POLICY"}),
        )
        .unwrap();
    assert_eq!(errors["AccountId"], account.as_str());
    assert!(errors["Path"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/{ou}/{account}/")));
    let first = &errors["EffectivePolicyValidationErrors"][0];
    assert_eq!(first["ErrorCode"], "OPERATOR_NOT_ALLOWED");
    assert_eq!(first["PathToError"], "tags.costcenter.tag_key");
    assert_eq!(first["ContributingPolicies"], json!([locked, rebel]));
    // The forbidden change is left out of the effective policy.
    let effective = o
        .call(
            "DescribeEffectivePolicy",
            json!({"PolicyType": "TAG_POLICY", "TargetId": account}),
        )
        .unwrap();
    assert_eq!(
        content(&effective)["tags"]["costcenter"]["tag_key"],
        "CostCenter"
    );

    for (input, code) in [
        (
            json!({"AccountId": "999999999999", "PolicyType": "TAG_POLICY"}),
            "AccountNotFoundException",
        ),
        (
            json!({"AccountId": account, "PolicyType": "BACKUP_POLICY"}),
            "EffectivePolicyNotFoundException",
        ),
    ] {
        assert_eq!(
            error_code(o.call("ListEffectivePolicyValidationErrors", input)).0,
            code
        );
    }
    assert_eq!(
        error_code(o.call(
            "ListAccountsWithInvalidEffectivePolicy",
            json!({"PolicyType": "BACKUP_POLICY"})
        ))
        .0,
        "EffectivePolicyNotFoundException"
    );
    let member = root_caller(&account);
    assert_eq!(
        error_code(run(
            &mut o.w,
            &member,
            "ListAccountsWithInvalidEffectivePolicy",
            json!({"PolicyType": "TAG_POLICY"})
        ))
        .0,
        "AccessDeniedException"
    );
}
