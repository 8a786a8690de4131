//! Authorization over a real organization: who is restricted, the errors and messages
//! each API answers with, RCPs on role assumption, and the explain trail.

use serde_json::{json, Value};

use super::explain::{explain, ExplainQuery};
use super::*;
use crate::auth::Principal;
use crate::services::organizations::test_support::{root_caller, run, world};

const MGMT: &str = "111111111111";

struct Org {
    world: World,
    mgmt: Caller,
    root: String,
    ou: String,
    /// A member in `ou`.
    member: String,
}

impl Org {
    fn call(&mut self, op: &str, input: Value) -> Value {
        let mgmt = self.mgmt.clone();
        run(&mut self.world, &mgmt, op, input.clone())
            .unwrap_or_else(|e| panic!("{op} {input}: {e:?}"))
    }

    fn policy(&mut self, name: &str, policy_type: &str, content: &str) -> String {
        let out = self.call(
            "CreatePolicy",
            json!({"Name": name, "Description": "", "Type": policy_type, "Content": content}),
        );
        out["Policy"]["PolicySummary"]["Id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn attach(&mut self, policy: &str, target: &str) {
        self.call(
            "AttachPolicy",
            json!({"PolicyId": policy, "TargetId": target}),
        );
    }

    fn detach(&mut self, policy: &str, target: &str) {
        self.call(
            "DetachPolicy",
            json!({"PolicyId": policy, "TargetId": target}),
        );
    }

    fn check(
        &self,
        caller: &Caller,
        service: ServiceId,
        op: &str,
        input: Value,
    ) -> Result<(), Box<Denial>> {
        authorize(&self.world, caller, service, op, &input)
    }
}

/// An organization with SCPs enabled: root → OU "Workloads" → one created member.
fn organization() -> Org {
    let mut w = world();
    let mgmt = root_caller(MGMT);
    let mut org = Org {
        world: w.clone(),
        mgmt,
        root: String::new(),
        ou: String::new(),
        member: String::new(),
    };
    org.world = {
        run(&mut w, &org.mgmt, "CreateOrganization", json!({})).unwrap();
        w
    };
    org.root = org.call("ListRoots", json!({}))["Roots"][0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let enabled = &org
        .world
        .organizations
        .organization_of(MGMT)
        .unwrap()
        .root
        .policy_types;
    assert!(
        enabled.iter().any(|t| t == "SERVICE_CONTROL_POLICY"),
        "SCPs are on in a new organization"
    );
    let created = org.call(
        "CreateAccount",
        json!({"Email": "dev@example.org", "AccountName": "dev"}),
    );
    let request = created["CreateAccountStatus"]["Id"].clone();
    let status = org.call(
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": request}),
    );
    org.member = status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();
    let ou = org.call(
        "CreateOrganizationalUnit",
        json!({"ParentId": org.root, "Name": "Workloads"}),
    );
    org.ou = ou["OrganizationalUnit"]["Id"].as_str().unwrap().to_string();
    org.call(
        "MoveAccount",
        json!({"AccountId": org.member, "SourceParentId": org.root, "DestinationParentId": org.ou}),
    );
    org
}

fn role_session(account: &str, role: &str) -> Caller {
    Caller {
        account_id: account.to_string(),
        principal: Principal::AssumedRole {
            role_name: role.to_string(),
            role_id: "AROAEXAMPLE".to_string(),
            session_name: "s".to_string(),
        },
        access_key_id: "ASIAEXAMPLE".to_string(),
        temporary: true,
        region: "us-east-1".to_string(),
    }
}

const DENY_GUARDDUTY_CHANGES: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ProtectGuardDuty","Effect":"Deny",
  "Action":["guardduty:DeleteDetector","guardduty:UpdateDetector","organizations:LeaveOrganization","sts:AssumeRole"],"Resource":"*"}]}"#;

#[test]
fn a_deny_on_the_ou_refuses_members_with_each_apis_error() {
    let mut org = organization();
    let deny = org.policy("deny", "SERVICE_CONTROL_POLICY", DENY_GUARDDUTY_CHANGES);
    org.attach(&deny, &org.ou.clone());
    let member = role_session(&org.member, "OrganizationAccountAccessRole");

    let denial = org
        .check(
            &member,
            ServiceId::GuardDuty,
            "DeleteDetector",
            json!({"DetectorId": "abc"}),
        )
        .unwrap_err();
    let arn = format!("arn:aws:guardduty:us-east-1:{}:detector/abc", org.member);
    assert_eq!(
        denial.message(),
        format!(
            "User: arn:aws:sts::{}:assumed-role/OrganizationAccountAccessRole/s is not authorized to perform: guardduty:DeleteDetector on resource: {arn} with an explicit deny in a service control policy",
            org.member
        )
    );
    let e = denial.to_api_error(ServiceId::GuardDuty);
    assert_eq!((e.code.as_str(), e.status), ("AccessDeniedException", 403));
    assert_eq!(
        denial.reason,
        DenialReason::ExplicitDeny {
            policy_id: deny.clone(),
            target_id: org.ou.clone(),
            sid: Some("ProtectGuardDuty".into())
        }
    );
    assert!(
        denial.log_summary().contains(&deny),
        "{}",
        denial.log_summary()
    );

    let e = org
        .check(
            &member,
            ServiceId::Organizations,
            "LeaveOrganization",
            json!({}),
        )
        .unwrap_err()
        .to_api_error(ServiceId::Organizations);
    assert_eq!((e.code.as_str(), e.status), ("AccessDeniedException", 400));
    let role = format!("arn:aws:iam::{MGMT}:role/Audit");
    let e = org
        .check(
            &member,
            ServiceId::Sts,
            "AssumeRole",
            json!({"RoleArn": role, "RoleSessionName": "x"}),
        )
        .unwrap_err();
    assert_eq!(e.resource, role, "AssumeRole is about the role");
    let e = e.to_api_error(ServiceId::Sts);
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
    let e = org
        .check(&member, ServiceId::Config, "PutConfigRule", json!({}))
        .map_err(|d| d.to_api_error(ServiceId::Config));
    assert_eq!(e, Ok(()), "an action the SCP does not name is allowed");

    // The same member's other calls, and the management account's, go through.
    assert_eq!(
        org.check(&member, ServiceId::GuardDuty, "ListDetectors", json!({})),
        Ok(())
    );
    let mgmt = org.mgmt.clone();
    assert_eq!(
        org.check(
            &mgmt,
            ServiceId::GuardDuty,
            "DeleteDetector",
            json!({"DetectorId": "abc"})
        ),
        Ok(())
    );
    assert_eq!(
        org.check(&member, ServiceId::Sts, "GetCallerIdentity", json!({})),
        Ok(())
    );
    let linked = role_session(&org.member, "AWSServiceRoleForAmazonGuardDuty");
    assert_eq!(
        org.check(
            &linked,
            ServiceId::GuardDuty,
            "DeleteDetector",
            json!({"DetectorId": "abc"})
        ),
        Ok(())
    );

    org.detach(&deny, &org.ou.clone());
    assert_eq!(
        org.check(
            &member,
            ServiceId::GuardDuty,
            "DeleteDetector",
            json!({"DetectorId": "abc"})
        ),
        Ok(())
    );
}

#[test]
fn denies_are_inherited_and_apply_on_the_account_itself() {
    let mut org = organization();
    let deny = org.policy("deny", "SERVICE_CONTROL_POLICY", DENY_GUARDDUTY_CHANGES);
    let member = root_caller(&org.member);
    let delete = |org: &Org| org.check(&member, ServiceId::GuardDuty, "DeleteDetector", json!({}));
    for target in [org.root.clone(), org.member.clone()] {
        org.attach(&deny, &target);
        let denial = delete(&org).unwrap_err();
        assert!(
            matches!(&denial.reason, DenialReason::ExplicitDeny { target_id, .. } if *target_id == target)
        );
        assert!(denial
            .message()
            .starts_with(&format!("User: arn:aws:iam::{}:root is not", org.member)));
        org.detach(&deny, &target);
        assert_eq!(delete(&org), Ok(()));
    }
}

#[test]
fn an_allow_list_without_the_action_denies_it() {
    let mut org = organization();
    let list = org.policy(
        "read-only",
        "SERVICE_CONTROL_POLICY",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["guardduty:List*","guardduty:Get*","sts:*"],"Resource":"*"}]}"#,
    );
    let ou = org.ou.clone();
    org.attach(&list, &ou);
    org.detach("p-FullAWSAccess", &ou);
    let member = root_caller(&org.member);
    assert_eq!(
        org.check(&member, ServiceId::GuardDuty, "ListDetectors", json!({})),
        Ok(())
    );
    let denial = org
        .check(&member, ServiceId::GuardDuty, "CreateDetector", json!({}))
        .unwrap_err();
    assert_eq!(denial.reason, DenialReason::NoAllow { target_id: ou });
    assert_eq!(
        denial.message(),
        format!(
            "User: arn:aws:iam::{}:root is not authorized to perform: guardduty:CreateDetector on resource: * because no service control policy allows the guardduty:CreateDetector action",
            org.member
        )
    );
}

#[test]
fn region_conditions_use_the_request_region_and_global_services_use_us_east_1() {
    let mut org = organization();
    let deny = org.policy(
        "eu-only",
        "SERVICE_CONTROL_POLICY",
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":["sts:*"],"Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}}]}"#,
    );
    org.attach(&deny, &org.root.clone());
    let mut member = root_caller(&org.member);
    member.region = "eu-west-1".into();
    assert_eq!(
        org.check(&member, ServiceId::GuardDuty, "CreateDetector", json!({})),
        Ok(())
    );
    member.region = "ap-south-1".into();
    assert!(org
        .check(&member, ServiceId::GuardDuty, "CreateDetector", json!({}))
        .is_err());
    assert_eq!(
        org.check(
            &member,
            ServiceId::Organizations,
            "DescribeOrganization",
            json!({})
        ),
        Ok(()),
        "Organizations answers from us-east-1 whatever the client's region"
    );
}

#[test]
fn nothing_is_restricted_until_the_scp_type_is_enabled() {
    let mut org = organization();
    let deny = org.policy("deny", "SERVICE_CONTROL_POLICY", DENY_GUARDDUTY_CHANGES);
    org.attach(&deny, &org.ou.clone());
    let member = root_caller(&org.member);
    assert!(org
        .check(&member, ServiceId::GuardDuty, "DeleteDetector", json!({}))
        .is_err());
    let root = org.root.clone();
    org.call(
        "DisablePolicyType",
        json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
    );
    assert_eq!(
        org.check(&member, ServiceId::GuardDuty, "DeleteDetector", json!({})),
        Ok(())
    );
    let outsider = root_caller("999999999999");
    assert_eq!(
        org.check(&outsider, ServiceId::GuardDuty, "DeleteDetector", json!({})),
        Ok(())
    );
}

#[test]
fn an_updated_policy_is_evaluated_as_updated() {
    let mut org = organization();
    let deny = org.policy("deny", "SERVICE_CONTROL_POLICY", DENY_GUARDDUTY_CHANGES);
    org.attach(&deny, &org.ou.clone());
    let member = root_caller(&org.member);
    assert!(org
        .check(&member, ServiceId::GuardDuty, "DeleteDetector", json!({}))
        .is_err());
    org.call(
        "UpdatePolicy",
        json!({"PolicyId": deny, "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"config:*","Resource":"*"}]}"#}),
    );
    assert_eq!(
        org.check(&member, ServiceId::GuardDuty, "DeleteDetector", json!({})),
        Ok(())
    );
    assert!(org
        .check(&member, ServiceId::Config, "PutConfigRule", json!({}))
        .is_err());
    // A snapshot round trip rebuilds the parsed form.
    let reloaded: World =
        serde_json::from_value(serde_json::to_value(&org.world).unwrap()).unwrap();
    assert!(authorize(
        &reloaded,
        &member,
        ServiceId::Config,
        "PutConfigRule",
        &json!({})
    )
    .is_err());
}

const RCP_ORG_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Principal":"*",
  "Action":"sts:AssumeRole","Resource":"*",
  "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"ORG"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;

#[test]
fn an_rcp_refuses_role_assumption_from_outside_the_organization() {
    let mut org = organization();
    let root = org.root.clone();
    org.call(
        "EnablePolicyType",
        json!({"RootId": root, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    );
    let org_id = org
        .world
        .organizations
        .organization_of(MGMT)
        .unwrap()
        .id
        .clone();
    let rcp = org.policy(
        "org-only",
        "RESOURCE_CONTROL_POLICY",
        &RCP_ORG_ONLY.replace("ORG", &org_id),
    );
    org.attach(&rcp, &root);
    let role = format!("arn:aws:iam::{}:role/Deploy", org.member);
    let assume = json!({"RoleArn": role, "RoleSessionName": "x"});
    // Roles that trust the management account and the outsider alike: the RCP decides.
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["111111111111","999999999999"]},"Action":"sts:AssumeRole"}]}"#;
    for account in [org.member.clone(), MGMT.to_string()] {
        crate::services::dispatch(
            &mut org.world,
            &root_caller(&account),
            ServiceId::Iam,
            "CreateRole",
            json!({"RoleName": "Deploy", "AssumeRolePolicyDocument": trust}),
        )
        .unwrap();
    }

    let outsider = root_caller("999999999999");
    let denial = org
        .check(&outsider, ServiceId::Sts, "AssumeRole", assume.clone())
        .unwrap_err();
    assert_eq!(denial.kind, PolicyKind::ResourceControl);
    assert_eq!(
        denial.message(),
        format!("User: arn:aws:iam::999999999999:root is not authorized to perform: sts:AssumeRole on resource: {role} with an explicit deny in a resource control policy")
    );
    assert_eq!(
        org.check(
            &org.mgmt.clone(),
            ServiceId::Sts,
            "AssumeRole",
            assume.clone()
        ),
        Ok(())
    );
    // The management account's own roles are outside RCPs.
    let mgmt_role =
        json!({"RoleArn": format!("arn:aws:iam::{MGMT}:role/Deploy"), "RoleSessionName": "x"});
    assert_eq!(
        org.check(&outsider, ServiceId::Sts, "AssumeRole", mgmt_role),
        Ok(())
    );
}

#[test]
fn explain_shows_each_level_and_the_deciding_statement() {
    let mut org = organization();
    let deny = org.policy(
        "ProtectGD",
        "SERVICE_CONTROL_POLICY",
        DENY_GUARDDUTY_CHANGES,
    );
    org.attach(&deny, &org.ou.clone());
    let query = |action: &str, account: &str| ExplainQuery {
        account: account.to_string(),
        action: action.to_string(),
        resource: None,
        region: Some("eu-west-1".into()),
        role: Some("OrganizationAccountAccessRole".into()),
        user: None,
    };
    let report = explain(&org.world, &query("guardduty:DeleteDetector", &org.member)).unwrap();
    assert_eq!(report["decision"], "DENIED");
    let levels = report["service_control_policies"]["levels"]
        .as_array()
        .unwrap();
    let targets: Vec<&str> = levels
        .iter()
        .map(|l| l["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [org.root.as_str(), org.ou.as_str(), org.member.as_str()]
    );
    let ou_policies = levels[1]["policies"].as_array().unwrap();
    assert!(ou_policies.iter().any(|p| p["id"] == deny
        && p["decision"] == "DENY"
        && p["statement"] == "'ProtectGuardDuty'"));
    let text = report["text"].as_str().unwrap();
    assert!(
        text.contains("Workloads") && text.contains("DENY by statement 'ProtectGuardDuty'"),
        "{text}"
    );
    assert!(
        text.contains("with an explicit deny in a service control policy"),
        "{text}"
    );

    let allowed = explain(&org.world, &query("guardduty:ListDetectors", &org.member)).unwrap();
    assert_eq!(allowed["decision"], "ALLOWED");
    let mgmt = explain(&org.world, &query("guardduty:DeleteDetector", MGMT)).unwrap();
    assert_eq!(mgmt["decision"], "ALLOWED");
    assert!(mgmt["text"]
        .as_str()
        .unwrap()
        .contains("never restrict the management account"));
    assert!(explain(&org.world, &query("DeleteDetector", MGMT)).is_err());
}
