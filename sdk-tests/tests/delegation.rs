//! Trusted access, delegated administrators, the resource policy, tags, and the
//! GovCloud / responsibility-transfer operations, through aws-sdk-organizations.

use aws_sdk_organizations::primitives::DateTime;
use aws_sdk_organizations::types::{
    ConstraintViolationExceptionReason as Cv, HandshakeParty, HandshakePartyType,
    InvalidInputExceptionReason as Ii, ResponsibilityTransferType, Tag,
};
use aws_sdk_organizations::Client;
use orgsim::Emulator;

use crate::common::{self, orgs, root_id, MANAGEMENT};

/// The `Reason` of an error the operation must answer with `$variant`.
macro_rules! reason {
    ($result:expr, $op:ident :: $error:ident :: $variant:ident) => {
        match $result.unwrap_err().into_service_error() {
            aws_sdk_organizations::operation::$op::$error::$variant(inner) => {
                inner.reason().cloned()
            }
            other => panic!("expected {}, got {other:?}", stringify!($variant)),
        }
    };
}

const GUARDDUTY: &str = "guardduty.amazonaws.com";
const CONFIG: &str = "config.amazonaws.com";

/// An organization with `n` created member accounts.
async fn organization(emulator: &Emulator, n: usize) -> (Client, Vec<String>) {
    let names: Vec<String> = (0..n).map(|i| format!("member{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let org = common::organization(emulator)
        .accounts(&names)
        .build()
        .await;
    let members = names.iter().map(|name| org.account(name)).collect();
    (org.mgmt, members)
}

fn tag(key: &str, value: &str) -> Tag {
    Tag::builder().key(key).value(value).build().unwrap()
}

#[tokio::test]
async fn trusted_access_and_delegated_administrators() {
    let emulator = Emulator::start();
    let (mgmt, m) = organization(&emulator, 5).await;

    let r = mgmt
        .register_delegated_administrator()
        .account_id(&m[0])
        .service_principal(GUARDDUTY)
        .send()
        .await;
    assert_eq!(
        reason!(r, register_delegated_administrator::RegisterDelegatedAdministratorError::ConstraintViolationException),
        Some(Cv::ServiceAccessNotEnabled)
    );
    let r = mgmt
        .enable_aws_service_access()
        .service_principal("unknown.amazonaws.com")
        .send()
        .await;
    assert_eq!(
        reason!(
            r,
            enable_aws_service_access::EnableAWSServiceAccessError::InvalidInputException
        ),
        Some(Ii::UnrecognizedServicePrincipal)
    );
    for principal in [GUARDDUTY, CONFIG] {
        mgmt.enable_aws_service_access()
            .service_principal(principal)
            .send()
            .await
            .expect("EnableAWSServiceAccess");
    }
    let enabled = mgmt
        .list_aws_service_access_for_organization()
        .send()
        .await
        .expect("ListAWSServiceAccessForOrganization");
    let principals: Vec<_> = enabled
        .enabled_service_principals()
        .iter()
        .map(|p| p.service_principal().unwrap())
        .collect();
    assert_eq!(principals, [CONFIG, GUARDDUTY]);
    assert!(enabled.enabled_service_principals()[0]
        .date_enabled()
        .is_some());

    let member = orgs(&emulator, &m[0]);
    let e = member
        .enable_aws_service_access()
        .service_principal(CONFIG)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let e = member
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    let register = |account: &str, principal: &str| {
        mgmt.register_delegated_administrator()
            .account_id(account)
            .service_principal(principal)
            .send()
    };
    let r = register(MANAGEMENT, GUARDDUTY).await;
    assert_eq!(
        reason!(r, register_delegated_administrator::RegisterDelegatedAdministratorError::ConstraintViolationException),
        Some(Cv::CannotRegisterMasterAsDelegatedAdministrator)
    );
    let e = register("999999999999", GUARDDUTY)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");
    register(&m[0], GUARDDUTY)
        .await
        .expect("register GuardDuty admin");
    let e = register(&m[0], GUARDDUTY)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_already_registered_exception(), "{e:?}");
    let r = register(&m[1], GUARDDUTY).await;
    assert_eq!(
        reason!(r, register_delegated_administrator::RegisterDelegatedAdministratorError::ConstraintViolationException),
        Some(Cv::DelegatedAdministratorExistsForThisService)
    );
    for account in &m[1..4] {
        register(account, CONFIG)
            .await
            .expect("register Config admin");
    }
    let r = register(&m[4], CONFIG).await;
    assert_eq!(
        reason!(r, register_delegated_administrator::RegisterDelegatedAdministratorError::ConstraintViolationException),
        Some(Cv::MaxDelegatedAdministratorsForServiceLimitExceeded)
    );

    // The GuardDuty administrator now reads the organization, and the delegation lists.
    let admin = orgs(&emulator, &m[0]);
    assert_eq!(
        admin
            .list_accounts()
            .send()
            .await
            .expect("DA ListAccounts")
            .accounts()
            .len(),
        6
    );
    admin
        .describe_account()
        .account_id(MANAGEMENT)
        .send()
        .await
        .expect("DA DescribeAccount");
    let roots = admin.list_roots().send().await.expect("DA ListRoots");
    let root = roots.roots()[0].id().unwrap().to_string();
    let gd_admins = admin
        .list_delegated_administrators()
        .service_principal(GUARDDUTY)
        .send()
        .await
        .expect("ListDelegatedAdministrators");
    let only = &gd_admins.delegated_administrators()[0];
    assert_eq!(gd_admins.delegated_administrators().len(), 1);
    assert_eq!(only.id(), Some(m[0].as_str()));
    assert!(only.delegation_enabled_date().is_some());
    assert!(only.arn().unwrap().ends_with(&m[0]));
    let all = mgmt
        .list_delegated_administrators()
        .max_results(2)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginated ListDelegatedAdministrators");
    assert_eq!(all.len(), 4);
    let services = admin
        .list_delegated_services_for_account()
        .account_id(&m[1])
        .send()
        .await
        .expect("ListDelegatedServicesForAccount");
    assert_eq!(
        services.delegated_services()[0].service_principal(),
        Some(CONFIG)
    );
    let e = mgmt
        .list_delegated_services_for_account()
        .account_id(&m[4])
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_registered_exception(), "{e:?}");
    // Read-only: writing the tree is still the management account's.
    let e = admin
        .create_organizational_unit()
        .parent_id(&root)
        .name("Nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    let deregister = |account: &str, principal: &str| {
        mgmt.deregister_delegated_administrator()
            .account_id(account)
            .service_principal(principal)
            .send()
    };
    deregister(&m[1], CONFIG)
        .await
        .expect("DeregisterDelegatedAdministrator");
    let e = deregister(&m[1], CONFIG)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_registered_exception(), "{e:?}");
    let e = deregister("999999999999", CONFIG)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");

    // Disabling trusted access removes the service's administrators with it.
    mgmt.disable_aws_service_access()
        .service_principal(CONFIG)
        .send()
        .await
        .expect("DisableAWSServiceAccess");
    let left = mgmt.list_delegated_administrators().send().await.unwrap();
    let ids: Vec<_> = left
        .delegated_administrators()
        .iter()
        .map(|a| a.id().unwrap())
        .collect();
    assert_eq!(ids, [m[0].as_str()]);
    let e = orgs(&emulator, &m[2])
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}

#[tokio::test]
async fn resource_policy_delegates_to_member_accounts() {
    let emulator = Emulator::start();
    let (mgmt, m) = organization(&emulator, 2).await;
    let e = mgmt
        .describe_resource_policy()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_policy_not_found_exception(), "{e:?}");
    let e = mgmt
        .delete_resource_policy()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_resource_policy_not_found_exception(), "{e:?}");

    let put = |content: String| mgmt.put_resource_policy().content(content).send();
    let invalid = [
        ("{ not json".to_string(), Ii::InvalidResourcePolicyJson),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"organizations:ListRoots"}]}"#.to_string(),
            Ii::InvalidPrincipal,
        ),
        (
            format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{}"}},"Action":"organizations:CreateAccount"}}]}}"#, m[0]),
            Ii::UnsupportedActionInResourcePolicy,
        ),
    ];
    for (content, expected) in invalid {
        let r = put(content.clone()).await;
        assert_eq!(
            reason!(
                r,
                put_resource_policy::PutResourcePolicyError::InvalidInputException
            ),
            Some(expected),
            "{content}"
        );
    }

    let content = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"Tagging","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":["organizations:TagResource","organizations:UntagResource","organizations:Describe*","organizations:List*"],"Resource":"*"}}]}}"#,
        m[0]
    );
    let created = mgmt
        .put_resource_policy()
        .content(&content)
        .tags(tag("owner", "platform"))
        .send()
        .await
        .expect("PutResourcePolicy")
        .resource_policy
        .unwrap();
    let summary = created.resource_policy_summary().unwrap();
    let id = summary.id().unwrap().to_string();
    assert!(id.starts_with("rp-"), "{id}");
    assert!(
        summary.arn().unwrap().starts_with(&format!(
            "arn:aws:organizations::{MANAGEMENT}:resourcepolicy/o-"
        )),
        "{:?}",
        summary.arn()
    );
    assert_eq!(created.content(), Some(content.as_str()));
    let policy_tags = mgmt
        .list_tags_for_resource()
        .resource_id(&id)
        .send()
        .await
        .expect("ListTagsForResource on the resource policy");
    assert_eq!(policy_tags.tags(), [tag("owner", "platform")]);
    // Tags are for creation only.
    let r = mgmt
        .put_resource_policy()
        .content(&content)
        .tags(tag("late", "x"))
        .send()
        .await;
    let got = reason!(
        r,
        put_resource_policy::PutResourcePolicyError::InvalidInputException
    );
    assert_eq!(
        got.as_ref().map(|r| r.as_str()),
        Some("UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED")
    );

    // The named member reads the organization and the policy, and may tag.
    let delegate = orgs(&emulator, &m[0]);
    let read = delegate
        .describe_resource_policy()
        .send()
        .await
        .expect("delegate DescribeResourcePolicy")
        .resource_policy
        .unwrap();
    assert_eq!(
        read.resource_policy_summary().unwrap().id(),
        Some(id.as_str())
    );
    delegate
        .list_accounts()
        .send()
        .await
        .expect("delegate ListAccounts");
    delegate
        .tag_resource()
        .resource_id(&m[1])
        .tags(tag("cost-center", "42"))
        .send()
        .await
        .expect("delegate TagResource");
    let e = delegate
        .put_resource_policy()
        .content(&content)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    // The other member is not named.
    let other = orgs(&emulator, &m[1]);
    let e = other
        .tag_resource()
        .resource_id(&m[1])
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let e = other
        .describe_resource_policy()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");

    let e = delegate
        .delete_resource_policy()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    mgmt.delete_resource_policy()
        .send()
        .await
        .expect("DeleteResourcePolicy");
    let e = delegate
        .tag_resource()
        .resource_id(&m[1])
        .tags(tag("k", "v"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}

#[tokio::test]
async fn tags_on_accounts_ous_and_roots() {
    let emulator = Emulator::start();
    let (mgmt, m) = organization(&emulator, 1).await;
    let root = root_id(&mgmt).await;
    let ou = mgmt
        .create_organizational_unit()
        .parent_id(&root)
        .name("Security")
        .tags(tag("created", "with-ou"))
        .send()
        .await
        .expect("CreateOrganizationalUnit")
        .organizational_unit
        .unwrap()
        .id
        .unwrap();
    let list = |id: String| {
        let mgmt = mgmt.clone();
        async move {
            mgmt.list_tags_for_resource()
                .resource_id(id)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .expect("ListTagsForResource")
        }
    };
    assert_eq!(list(ou.clone()).await, vec![tag("created", "with-ou")]);
    for id in [&root, &ou, &m[0]] {
        mgmt.tag_resource()
            .resource_id(id)
            .tags(tag("env", "prod"))
            .tags(tag("blank", ""))
            .send()
            .await
            .expect("TagResource");
        assert!(list(id.clone()).await.contains(&tag("env", "prod")), "{id}");
    }
    mgmt.untag_resource()
        .resource_id(&m[0])
        .tag_keys("blank")
        .tag_keys("never-set")
        .send()
        .await
        .expect("UntagResource");
    assert_eq!(list(m[0].clone()).await, vec![tag("env", "prod")]);

    // 50 tags per resource, counted after the merge; the listing pages through them.
    let mut many = mgmt.tag_resource().resource_id(&m[0]);
    for i in 0..49 {
        many = many.tags(tag(&format!("k{i:02}"), "v"));
    }
    many.send().await.expect("49 more tags");
    assert_eq!(list(m[0].clone()).await.len(), 50);
    let first_page = mgmt
        .list_tags_for_resource()
        .resource_id(&m[0])
        .send()
        .await
        .unwrap();
    assert!(first_page.next_token().is_some());
    let r = mgmt
        .tag_resource()
        .resource_id(&m[0])
        .tags(tag("one-too-many", "v"))
        .send()
        .await;
    assert_eq!(
        reason!(
            r,
            tag_resource::TagResourceError::ConstraintViolationException
        ),
        Some(Cv::MaxTagLimitExceeded)
    );

    let r = mgmt
        .tag_resource()
        .resource_id(&m[0])
        .tags(tag("aws:reserved", "v"))
        .send()
        .await;
    assert_eq!(
        reason!(r, tag_resource::TagResourceError::InvalidInputException),
        Some(Ii::InvalidSystemTagsParameter)
    );
    let r = mgmt
        .tag_resource()
        .resource_id("not-a-resource")
        .tags(tag("k", "v"))
        .send()
        .await;
    assert_eq!(
        reason!(r, tag_resource::TagResourceError::InvalidInputException),
        Some(Ii::InvalidPattern)
    );
    for id in ["999999999999", "ou-zzzz-zzzzzzzz", "p-zzzzzzzzzz"] {
        let e = mgmt
            .tag_resource()
            .resource_id(id)
            .tags(tag("k", "v"))
            .send()
            .await
            .unwrap_err()
            .into_service_error();
        assert!(e.is_target_not_found_exception(), "{id}: {e:?}");
    }
    let e = mgmt
        .list_tags_for_resource()
        .resource_id("rp-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_not_found_exception(), "{e:?}");
    let e = mgmt
        .untag_resource()
        .resource_id("r-zzzz")
        .tag_keys("k")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_not_found_exception(), "{e:?}");
    let e = orgs(&emulator, &m[0])
        .list_tags_for_resource()
        .resource_id(&m[0])
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}

#[tokio::test]
async fn gov_cloud_and_responsibility_transfers_answer_like_an_unpaired_organization() {
    let emulator = Emulator::start();
    let (mgmt, m) = organization(&emulator, 1).await;

    let r = mgmt
        .create_gov_cloud_account()
        .email("gov@example.com")
        .account_name("Gov")
        .send()
        .await;
    assert_eq!(
        reason!(
            r,
            create_gov_cloud_account::CreateGovCloudAccountError::ConstraintViolationException
        ),
        Some(Cv::MasterAccountNotGovcloudEnabled)
    );

    let target = HandshakeParty::builder()
        .id("222222222222")
        .r#type(HandshakePartyType::Account)
        .build()
        .unwrap();
    let invite = |start: i64| {
        mgmt.invite_organization_to_transfer_responsibility()
            .r#type(ResponsibilityTransferType::Billing)
            .target(target.clone())
            .source_name("Billing partner")
            .start_timestamp(DateTime::from_secs(start))
            .send()
    };
    // 2030-01-02: not the first day of a month.
    let r = invite(1_893_542_400).await;
    assert_eq!(
        reason!(r, invite_organization_to_transfer_responsibility::InviteOrganizationToTransferResponsibilityError::InvalidInputException),
        Some(Ii::StartDateNotBeginningOfMonth)
    );
    // 2030-01-01.
    let r = invite(1_893_456_000).await;
    assert_eq!(
        reason!(r, invite_organization_to_transfer_responsibility::InviteOrganizationToTransferResponsibilityError::ConstraintViolationException),
        Some(Cv::UnmetBillingPrerequisite)
    );

    let inbound = mgmt
        .list_inbound_responsibility_transfers()
        .r#type(ResponsibilityTransferType::Billing)
        .send()
        .await
        .expect("ListInboundResponsibilityTransfers");
    assert!(inbound.responsibility_transfers().is_empty());
    assert!(inbound.next_token().is_none());
    let outbound = mgmt
        .list_outbound_responsibility_transfers()
        .r#type(ResponsibilityTransferType::Billing)
        .send()
        .await
        .expect("ListOutboundResponsibilityTransfers");
    assert!(outbound.responsibility_transfers().is_empty());

    let e = mgmt
        .describe_responsibility_transfer()
        .id("rt-abcdefgh")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_responsibility_transfer_not_found_exception(), "{e:?}");
    let e = mgmt
        .terminate_responsibility_transfer()
        .id("rt-abcdefgh")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_responsibility_transfer_not_found_exception(), "{e:?}");
    let e = mgmt
        .update_responsibility_transfer()
        .id("rt-abcdefgh")
        .name("Renamed")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_responsibility_transfer_not_found_exception(), "{e:?}");
    let r = mgmt
        .describe_responsibility_transfer()
        .id("transfer-1")
        .send()
        .await;
    assert_eq!(
        reason!(r, describe_responsibility_transfer::DescribeResponsibilityTransferError::InvalidInputException),
        Some(Ii::InvalidPattern)
    );
    let e = orgs(&emulator, &m[0])
        .list_outbound_responsibility_transfers()
        .r#type(ResponsibilityTransferType::Billing)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}
