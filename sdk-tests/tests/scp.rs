//! SCPs and RCPs that really deny, through the real SDKs: a member working through
//! `OrganizationAccountAccessRole` is refused what the policies on its path deny, with
//! each API's error, and nothing changes; the management account never is.

use aws_config::Region;
use aws_sdk_guardduty::error::ProvideErrorMetadata;
use aws_sdk_organizations::types::PolicyType;
use orgsim::client::Client as AdminClient;
use orgsim::Emulator;
use serde_json::Value;

use crate::common::{self, config_with, guardduty, organization, session, MANAGEMENT};

const DENY_DELETE_DETECTOR: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"ProtectGuardDuty","Effect":"Deny","Action":["guardduty:DeleteDetector","organizations:LeaveOrganization","sts:AssumeRole"],"Resource":"*"}]}"#;

/// The organization of the tests: root → Parent → Child → the member `dev`.
struct Setup {
    emulator: Emulator,
    mgmt: aws_sdk_organizations::Client,
    root: String,
    parent: String,
    child: String,
    dev: String,
}

async fn setup() -> Setup {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .ou("Parent")
        .ou_in("Child", "Parent")
        .account_in("dev", "Child")
        .build()
        .await;
    Setup {
        parent: org.ou("Parent"),
        child: org.ou("Child"),
        dev: org.account("dev"),
        root: org.root,
        mgmt: org.mgmt,
        emulator,
    }
}

impl Setup {
    /// Credentials of the member's `OrganizationAccountAccessRole`, from management.
    async fn member_session(&self) -> aws_credential_types::Credentials {
        let assumed = common::sts(&self.emulator, MANAGEMENT)
            .assume_role()
            .role_arn(format!(
                "arn:aws:iam::{}:role/OrganizationAccountAccessRole",
                self.dev
            ))
            .role_session_name("workshop")
            .send()
            .await
            .expect("AssumeRole into the member");
        session(assumed.credentials().unwrap())
    }

    async fn member_guardduty(&self, region: &'static str) -> aws_sdk_guardduty::Client {
        let config = config_with(&self.emulator, self.member_session().await);
        let config = aws_sdk_guardduty::config::Builder::from(&config)
            .region(Region::new(region))
            .build();
        aws_sdk_guardduty::Client::from_conf(config)
    }

    async fn policy(&self, name: &str, policy_type: PolicyType, content: &str) -> String {
        self.mgmt
            .create_policy()
            .name(name)
            .description("")
            .r#type(policy_type)
            .content(content)
            .send()
            .await
            .expect("CreatePolicy")
            .policy
            .unwrap()
            .policy_summary
            .unwrap()
            .id
            .unwrap()
    }

    async fn attach(&self, policy: &str, target: &str) {
        self.mgmt
            .attach_policy()
            .policy_id(policy)
            .target_id(target)
            .send()
            .await
            .expect("AttachPolicy");
    }

    async fn detach(&self, policy: &str, target: &str) {
        self.mgmt
            .detach_policy()
            .policy_id(policy)
            .target_id(target)
            .send()
            .await
            .expect("DetachPolicy");
    }

    async fn explain(&self, query: &str) -> Value {
        let (status, answer) = AdminClient::new(&self.emulator.url())
            .admin_get(&format!("/_orgsim/explain?{query}"))
            .await
            .expect("explain");
        assert_eq!(status, 200, "{answer}");
        answer
    }
}

#[tokio::test]
async fn a_member_is_denied_by_an_scp_on_its_ou_its_parent_ou_and_itself() {
    let s = setup().await;
    let gd = s.member_guardduty("us-east-1").await;
    let detector = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector")
        .detector_id
        .unwrap();
    let deny = s
        .policy(
            "ProtectGuardDuty",
            PolicyType::ServiceControlPolicy,
            DENY_DELETE_DETECTOR,
        )
        .await;
    for target in [s.child.clone(), s.parent.clone(), s.dev.clone()] {
        s.attach(&deny, &target).await;
        let e = gd
            .delete_detector()
            .detector_id(&detector)
            .send()
            .await
            .expect_err("the SCP denies DeleteDetector");
        assert_eq!(e.code(), Some("AccessDeniedException"), "{e:?}");
        assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(403));
        assert_eq!(
            e.message(),
            Some(
                format!(
                    "User: arn:aws:sts::{}:assumed-role/OrganizationAccountAccessRole/workshop is not authorized to perform: guardduty:DeleteDetector on resource: arn:aws:guardduty:us-east-1:{}:detector/{detector} with an explicit deny in a service control policy",
                    s.dev, s.dev
                )
                .as_str()
            )
        );
        // The denied call changed nothing.
        let listed = gd
            .list_detectors()
            .send()
            .await
            .expect("ListDetectors is allowed");
        assert_eq!(listed.detector_ids(), std::slice::from_ref(&detector));
        let trail = s
            .explain(&format!(
                "account={}&action=guardduty:DeleteDetector&role=OrganizationAccountAccessRole",
                s.dev
            ))
            .await;
        assert_eq!(trail["decision"], "DENIED");
        let text = trail["text"].as_str().unwrap();
        assert!(
            text.contains(deny.as_str()) && text.contains("DENY by statement 'ProtectGuardDuty'"),
            "{text}"
        );
        s.detach(&deny, &target).await;
    }
    assert_eq!(
        s.explain(&format!(
            "account={}&action=guardduty:DeleteDetector",
            s.dev
        ))
        .await["decision"],
        "ALLOWED"
    );
    gd.delete_detector()
        .detector_id(&detector)
        .send()
        .await
        .expect("detached: DeleteDetector is allowed again");
}

#[tokio::test]
async fn organizations_and_sts_deny_with_their_own_errors_and_management_is_never_blocked() {
    let s = setup().await;
    let deny = s
        .policy(
            "ProtectGuardDuty",
            PolicyType::ServiceControlPolicy,
            DENY_DELETE_DETECTOR,
        )
        .await;
    s.attach(&deny, &s.root).await;
    let member = config_with(&s.emulator, s.member_session().await);

    let e = aws_sdk_organizations::Client::new(&member)
        .leave_organization()
        .send()
        .await
        .expect_err("LeaveOrganization is denied");
    assert!(
        e.as_service_error()
            .is_some_and(|e| e.is_access_denied_exception()),
        "{e:?}"
    );
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(400));
    assert!(e
        .message()
        .unwrap()
        .ends_with("organizations:LeaveOrganization on resource: * with an explicit deny in a service control policy"));
    let still_member = s
        .mgmt
        .describe_account()
        .account_id(&s.dev)
        .send()
        .await
        .expect("the member is still there");
    assert_eq!(still_member.account().unwrap().id(), Some(s.dev.as_str()));

    let e = aws_sdk_sts::Client::new(&member)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{}:role/Deploy", s.dev))
        .role_session_name("chain")
        .send()
        .await
        .expect_err("AssumeRole is denied");
    assert_eq!(e.code(), Some("AccessDenied"));
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(403));
    assert!(e.message().unwrap().contains(&format!(
        "sts:AssumeRole on resource: arn:aws:iam::{}:role/Deploy with an explicit deny",
        s.dev
    )));
    aws_sdk_sts::Client::new(&member)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity is never denied");

    // The management account does all of it, the same SCP on the root notwithstanding.
    let mgmt_gd = guardduty(&s.emulator, MANAGEMENT);
    let detector = mgmt_gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id
        .unwrap();
    mgmt_gd
        .delete_detector()
        .detector_id(detector)
        .send()
        .await
        .expect("management is never restricted by SCPs");
    s.emulator.with_world(|w| {
        orgsim::services::iam::put_role_trusting(w, MANAGEMENT, "Deploy", &[MANAGEMENT])
    });
    common::sts(&s.emulator, MANAGEMENT)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Deploy"))
        .role_session_name("mgmt")
        .send()
        .await
        .expect("management AssumeRole");
    let trail = s
        .explain(&format!(
            "account={MANAGEMENT}&action=guardduty:DeleteDetector"
        ))
        .await;
    assert_eq!(trail["decision"], "ALLOWED");
    assert_eq!(trail["service_control_policies"]["applied"], false);
}

#[tokio::test]
async fn an_allow_list_replacing_full_aws_access_denies_what_it_does_not_list() {
    let s = setup().await;
    let read_only = s
        .policy(
            "GuardDutyReadOnly",
            PolicyType::ServiceControlPolicy,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["guardduty:List*","guardduty:Get*","sts:*"],"Resource":"*"}]}"#,
        )
        .await;
    s.attach(&read_only, &s.parent).await;
    s.detach("p-FullAWSAccess", &s.parent).await;
    let gd = s.member_guardduty("us-east-1").await;
    gd.list_detectors()
        .send()
        .await
        .expect("listed, so allowed");
    let e = gd
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect_err("not listed, so denied");
    assert_eq!(e.code(), Some("AccessDeniedException"));
    assert!(e.message().unwrap().ends_with(
        "on resource: * because no service control policy allows the guardduty:CreateDetector action"
    ));
    assert!(
        gd.list_detectors()
            .send()
            .await
            .unwrap()
            .detector_ids()
            .is_empty(),
        "nothing was created"
    );
    let trail = s
        .explain(&format!(
            "account={}&action=guardduty:CreateDetector",
            s.dev
        ))
        .await;
    assert_eq!(trail["decision"], "DENIED");
    let parent_level = &trail["service_control_policies"]["levels"][1];
    assert_eq!(parent_level["target"], s.parent.as_str());
    assert_eq!(parent_level["allows"], false);
    s.attach("p-FullAWSAccess", &s.parent).await;
    gd.create_detector()
        .enable(true)
        .send()
        .await
        .expect("allowed again");
}

#[tokio::test]
async fn a_region_deny_blocks_the_call_in_one_region_only() {
    let s = setup().await;
    let eu_only = s
        .policy(
            "EUOnly",
            PolicyType::ServiceControlPolicy,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideEU","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*"],"Resource":"*",
               "Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}}]}"#,
        )
        .await;
    s.attach(&eu_only, &s.child).await;
    let us = s.member_guardduty("us-east-1").await;
    let e = us
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect_err("us-east-1 is denied");
    assert_eq!(e.code(), Some("AccessDeniedException"));
    let eu = s.member_guardduty("eu-west-1").await;
    eu.create_detector()
        .enable(true)
        .send()
        .await
        .expect("eu-west-1 is allowed");
    assert!(
        us.list_detectors().send().await.is_err(),
        "every GuardDuty call in us-east-1 is denied"
    );
    let trail = s
        .explain(&format!(
            "account={}&action=guardduty:CreateDetector&region=us-east-1",
            s.dev
        ))
        .await;
    assert_eq!(trail["decision"], "DENIED");
    let trail = s
        .explain(&format!(
            "account={}&action=guardduty:CreateDetector&region=eu-west-1",
            s.dev
        ))
        .await;
    assert_eq!(trail["decision"], "ALLOWED");
}

#[tokio::test]
async fn an_rcp_denies_role_assumption_from_outside_the_organization() {
    const OUTSIDER: &str = "999999999999";
    let s = setup().await;
    s.mgmt
        .enable_policy_type()
        .root_id(&s.root)
        .policy_type(PolicyType::ResourceControlPolicy)
        .send()
        .await
        .expect("EnablePolicyType RCP");
    let org_id = s
        .mgmt
        .describe_organization()
        .send()
        .await
        .unwrap()
        .organization
        .unwrap()
        .id
        .unwrap();
    // A role in the member that trusts an outside vendor and the management account.
    s.emulator.with_world(|w| {
        orgsim::services::iam::put_role_trusting(w, &s.dev, "Vendor", &[OUTSIDER, MANAGEMENT])
    });
    let role = format!("arn:aws:iam::{}:role/Vendor", s.dev);
    let assume = |who: &'static str| {
        common::sts(&s.emulator, who)
            .assume_role()
            .role_arn(&role)
            .role_session_name("vendor")
            .send()
    };
    assume(OUTSIDER)
        .await
        .expect("no RCP yet: the trust policy decides");

    let rcp = s
        .policy(
            "OrgIdentitiesOnly",
            PolicyType::ResourceControlPolicy,
            &r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":"sts:AssumeRole","Resource":"*",
                "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"ORG"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#
                .replace("ORG", &org_id),
        )
        .await;
    s.attach(&rcp, &s.root).await;
    let e = assume(OUTSIDER)
        .await
        .expect_err("the RCP denies outsiders");
    assert_eq!(e.code(), Some("AccessDenied"));
    assert_eq!(
        e.message(),
        Some(format!("User: arn:aws:iam::{OUTSIDER}:root is not authorized to perform: sts:AssumeRole on resource: {role} with an explicit deny in a resource control policy").as_str())
    );
    assume(MANAGEMENT)
        .await
        .expect("the organization's own principals pass");
    let trail = s
        .explain(&format!(
            "account={OUTSIDER}&action=sts:AssumeRole&resource={role}"
        ))
        .await;
    assert_eq!(trail["decision"], "DENIED");
    assert_eq!(trail["resource_control_policies"]["applied"], true);
    s.detach(&rcp, &s.root).await;
    assume(OUTSIDER).await.expect("detached: allowed again");
}
