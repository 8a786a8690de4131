//! Policies of every type and effective policies, through aws-sdk-organizations:
//! the workshop step "attach a tag policy to an OU and read the account's effective
//! tag policy", then each operation's documented failures as typed SDK errors.

use aws_sdk_organizations::types::{
    ConstraintViolationExceptionReason as Cv, EffectivePolicyType,
    InvalidInputExceptionReason as Ii, PolicyType, PolicyTypeStatus, TargetType,
};
use aws_sdk_organizations::Client;
use orgsim::Emulator;

use crate::common::{create_account, organization, orgs, MANAGEMENT};

/// The `Reason` of a modelled error variant, e.g.
/// `reason!(e, create_policy::CreatePolicyError::ConstraintViolationException)`.
macro_rules! reason {
    ($err:expr, $($path:ident)::+) => {
        match $err {
            aws_sdk_organizations::operation::$($path)::+(inner) => inner.reason().cloned(),
            other => panic!("expected {}, got {other:?}", stringify!($($path)::+)),
        }
    };
}

const DENY_S3: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#;

async fn create_policy(
    orgs: &Client,
    name: &str,
    policy_type: PolicyType,
    content: &str,
) -> String {
    orgs.create_policy()
        .name(name)
        .description(format!("{name} policy"))
        .r#type(policy_type)
        .content(content)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreatePolicy {name}: {e:?}"))
        .policy
        .and_then(|p| p.policy_summary)
        .and_then(|s| s.id)
        .expect("policy id")
}

async fn attached(orgs: &Client, target: &str, filter: PolicyType) -> Vec<String> {
    orgs.list_policies_for_target()
        .target_id(target)
        .filter(filter)
        .send()
        .await
        .expect("ListPoliciesForTarget")
        .policies()
        .iter()
        .filter_map(|p| p.id().map(String::from))
        .collect()
}

#[tokio::test]
async fn workshop_tag_policy_on_an_ou_shapes_the_accounts_effective_policy() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .ou("Workloads")
        .account_in("Dev", "Workloads")
        .build()
        .await;
    let (workloads, dev_id) = (org.ou("Workloads"), org.account("Dev"));
    let (mgmt, root) = (org.mgmt, org.root);

    let enabled = mgmt
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::TagPolicy)
        .send()
        .await
        .expect("EnablePolicyType")
        .root
        .unwrap();
    let tag_type = enabled
        .policy_types()
        .iter()
        .find(|t| t.r#type() == Some(&PolicyType::TagPolicy))
        .expect("TAG_POLICY listed on the root");
    assert_eq!(tag_type.status(), Some(&PolicyTypeStatus::Enabled));

    let root_policy = create_policy(
        &mgmt,
        "CostCenterValues",
        PolicyType::TagPolicy,
        r#"{"tags":{"costcenter":{"tag_key":{"@@assign":"CostCenter"},"tag_value":{"@@assign":["Development","Support"]}}}}"#,
    )
    .await;
    let ou_policy = create_policy(
        &mgmt,
        "WorkloadsSandbox",
        PolicyType::TagPolicy,
        r#"{"tags":{"costcenter":{"tag_value":{"@@append":["Sandbox"]},"enforced_for":{"@@assign":["ec2:instance"]}}}}"#,
    )
    .await;
    mgmt.attach_policy()
        .policy_id(&root_policy)
        .target_id(&root)
        .send()
        .await
        .unwrap();
    mgmt.attach_policy()
        .policy_id(&ou_policy)
        .target_id(&workloads)
        .send()
        .await
        .unwrap();

    let effective = mgmt
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .target_id(&dev_id)
        .send()
        .await
        .expect("DescribeEffectivePolicy")
        .effective_policy
        .unwrap();
    assert_eq!(effective.target_id(), Some(dev_id.as_str()));
    assert_eq!(
        effective.policy_type(),
        Some(&EffectivePolicyType::TagPolicy)
    );
    assert!(effective.last_updated_timestamp().is_some());
    // orgsim writes the merged policy compactly, elements in first-seen order.
    assert_eq!(
        effective.policy_content(),
        Some(
            r#"{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["Development","Support","Sandbox"],"enforced_for":["ec2:instance"]}}}"#
        )
    );

    // The account itself reads the same policy without naming a target.
    let dev_orgs = orgs(&emulator, &dev_id);
    let own = dev_orgs
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .expect("member DescribeEffectivePolicy")
        .effective_policy
        .unwrap();
    assert_eq!(own.policy_content(), effective.policy_content());
    // …but not another account's.
    let e = dev_orgs
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .target_id(MANAGEMENT)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}

#[tokio::test]
async fn scp_lifecycle_and_its_errors() {
    let emulator = Emulator::start();
    let org = organization(&emulator).ou("Sandbox").build().await;
    let ou = org.ou("Sandbox");
    let (mgmt, root) = (org.mgmt, org.root);

    // FullAWSAccess: AWS-managed, on the root and new OUs.
    let listed = mgmt
        .list_policies()
        .filter(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap();
    let full = &listed.policies()[0];
    assert_eq!(full.id(), Some("p-FullAWSAccess"));
    assert_eq!(full.name(), Some("FullAWSAccess"));
    assert!(full.aws_managed());
    assert_eq!(
        full.arn(),
        Some("arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess")
    );
    assert_eq!(
        attached(&mgmt, &ou, PolicyType::ServiceControlPolicy).await,
        ["p-FullAWSAccess"]
    );

    let deny = create_policy(&mgmt, "DenyS3", PolicyType::ServiceControlPolicy, DENY_S3).await;
    let described = mgmt
        .describe_policy()
        .policy_id(&deny)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(described.content(), Some(DENY_S3));
    assert!(!described.policy_summary().unwrap().aws_managed());
    let updated = mgmt
        .update_policy()
        .policy_id(&deny)
        .description("no S3 at all")
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert_eq!(
        updated.policy_summary().unwrap().description(),
        Some("no S3 at all")
    );
    assert_eq!(updated.policy_summary().unwrap().name(), Some("DenyS3"));

    mgmt.attach_policy()
        .policy_id(&deny)
        .target_id(&ou)
        .send()
        .await
        .unwrap();
    let targets = mgmt
        .list_targets_for_policy()
        .policy_id(&deny)
        .send()
        .await
        .unwrap();
    assert_eq!(targets.targets().len(), 1);
    assert_eq!(
        targets.targets()[0].r#type(),
        Some(&TargetType::OrganizationalUnit)
    );
    assert_eq!(targets.targets()[0].name(), Some("Sandbox"));

    // Errors, each as the SDK types it.
    let e = mgmt
        .create_policy()
        .name("DenyS3")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(DENY_S3)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_policy_exception(), "{e:?}");
    let e = mgmt
        .create_policy()
        .name("Bad")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"*"}}"#)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_malformed_policy_document_exception(), "{e:?}");
    let huge = format!(
        r#"{{"Statement":{{"Sid":"{}","Effect":"Deny","Action":"*"}}}}"#,
        "a".repeat(10_240)
    );
    let e = mgmt
        .create_policy()
        .name("Huge")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(huge)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            create_policy::CreatePolicyError::ConstraintViolationException
        ),
        Some(Cv::PolicyContentLimitExceeded)
    );
    let e = mgmt
        .update_policy()
        .policy_id("p-FullAWSAccess")
        .name("Mine")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(e, update_policy::UpdatePolicyError::InvalidInputException),
        Some(Ii::ImmutablePolicy)
    );
    let e = mgmt
        .delete_policy()
        .policy_id(&deny)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_in_use_exception(), "{e:?}");
    let e = mgmt
        .attach_policy()
        .policy_id(&deny)
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_policy_attachment_exception(), "{e:?}");
    let e = mgmt
        .attach_policy()
        .policy_id(&deny)
        .target_id("ou-zzzz-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_not_found_exception(), "{e:?}");
    let e = mgmt
        .attach_policy()
        .policy_id("p-zzzzzzzz")
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_not_found_exception(), "{e:?}");
    let e = mgmt
        .describe_policy()
        .policy_id("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            describe_policy::DescribePolicyError::InvalidInputException
        ),
        Some(Ii::InvalidSyntaxPolicy)
    );
    let e = mgmt
        .detach_policy()
        .policy_id("p-FullAWSAccess")
        .target_id(&root)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            detach_policy::DetachPolicyError::ConstraintViolationException
        ),
        Some(Cv::MinPolicyTypeAttachmentLimitExceeded)
    );
    let e = mgmt
        .detach_policy()
        .policy_id(&deny)
        .target_id(&root)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_not_attached_exception(), "{e:?}");
    let e = mgmt
        .list_policies_for_target()
        .target_id("ou-zzzz-zzzzzzzz")
        .filter(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_not_found_exception(), "{e:?}");
    let e = mgmt
        .list_targets_for_policy()
        .policy_id("p-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_not_found_exception(), "{e:?}");

    // Detach, delete, gone.
    mgmt.detach_policy()
        .policy_id(&deny)
        .target_id(&ou)
        .send()
        .await
        .unwrap();
    mgmt.delete_policy().policy_id(&deny).send().await.unwrap();
    let e = mgmt
        .describe_policy()
        .policy_id(&deny)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_not_found_exception(), "{e:?}");

    // A member account can't write policies.
    let member = create_account(&mgmt, "m@example.com", "M").await;
    let e = orgs(&emulator, member.account_id().unwrap())
        .create_policy()
        .name("x")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(DENY_S3)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
}

#[tokio::test]
async fn policy_types_rcps_and_attachment_limits() {
    let emulator = Emulator::start();
    let org = organization(&emulator).ou("Data").build().await;
    let ou = org.ou("Data");
    let (mgmt, root) = (org.mgmt, org.root);

    let e = mgmt
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ServiceControlPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_type_already_enabled_exception(), "{e:?}");
    let e = mgmt
        .disable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::BackupPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_type_not_enabled_exception(), "{e:?}");
    let e = mgmt
        .enable_policy_type()
        .root_id("r-zzzz")
        .policy_type(PolicyType::BackupPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_root_not_found_exception(), "{e:?}");
    let e = mgmt
        .enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::SecurityhubPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            enable_policy_type::EnablePolicyTypeError::ConstraintViolationException
        ),
        Some(Cv::ServiceAccessNotEnabled)
    );
    let backup = create_policy(
        &mgmt,
        "Backups",
        PolicyType::BackupPolicy,
        r#"{"plans":{}}"#,
    )
    .await;
    let e = mgmt
        .attach_policy()
        .policy_id(&backup)
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_policy_type_not_enabled_exception(), "{e:?}");

    // RCPs: RCPFullAWSAccess everywhere, never detachable, counts toward the limit of 5.
    mgmt.enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ResourceControlPolicy)
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached(&mgmt, &ou, PolicyType::ResourceControlPolicy).await,
        ["p-RCPFullAWSAccess"]
    );
    let e = mgmt
        .detach_policy()
        .policy_id("p-RCPFullAWSAccess")
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(e, detach_policy::DetachPolicyError::InvalidInputException),
        Some(Ii::NonDetachablePolicy)
    );
    let rcp = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}]}"#;
    for n in 0..4 {
        let p = create_policy(
            &mgmt,
            &format!("Rcp{n}"),
            PolicyType::ResourceControlPolicy,
            rcp,
        )
        .await;
        mgmt.attach_policy()
            .policy_id(&p)
            .target_id(&ou)
            .send()
            .await
            .unwrap();
    }
    let sixth = create_policy(&mgmt, "Rcp5", PolicyType::ResourceControlPolicy, rcp).await;
    let e = mgmt
        .attach_policy()
        .policy_id(&sixth)
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            attach_policy::AttachPolicyError::ConstraintViolationException
        ),
        Some(Cv::MaxPolicyTypeAttachmentLimitExceeded)
    );
    // Disabling detaches every RCP.
    let root_after = mgmt
        .disable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::ResourceControlPolicy)
        .send()
        .await
        .unwrap()
        .root
        .unwrap();
    assert!(root_after
        .policy_types()
        .iter()
        .all(|t| t.r#type() != Some(&PolicyType::ResourceControlPolicy)));
    assert!(attached(&mgmt, &ou, PolicyType::ResourceControlPolicy)
        .await
        .is_empty());

    // A consolidated-billing organization has no policy types at all.
    let other = organization(&emulator)
        .managed_by("222222222222")
        .consolidated_billing()
        .build()
        .await;
    let (other, other_root) = (other.mgmt, other.root);
    let e = other
        .enable_policy_type()
        .root_id(&other_root)
        .policy_type(PolicyType::TagPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_policy_type_not_available_for_organization_exception(),
        "{e:?}"
    );
    let e = other
        .create_policy()
        .name("x")
        .description("")
        .r#type(PolicyType::TagPolicy)
        .content("{}")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        e.is_policy_type_not_available_for_organization_exception(),
        "{e:?}"
    );
}

#[tokio::test]
async fn effective_policy_errors_and_validation_reports() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .ou("Teams")
        .account_in("Team", "Teams")
        .build()
        .await;
    let (ou, member_id) = (org.ou("Teams"), org.account("Team"));
    let (mgmt, root) = (org.mgmt, org.root);

    let e = mgmt
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_effective_policy_not_found_exception(), "{e:?}");
    let e = mgmt
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .target_id(&ou)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(
        reason!(
            e,
            describe_effective_policy::DescribeEffectivePolicyError::InvalidInputException
        ),
        Some(Ii::TargetNotSupported)
    );
    let e = mgmt
        .describe_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .target_id("999999999999")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_target_not_found_exception(), "{e:?}");

    mgmt.enable_policy_type()
        .root_id(&root)
        .policy_type(PolicyType::TagPolicy)
        .send()
        .await
        .unwrap();
    let locked = create_policy(
        &mgmt,
        "Locked",
        PolicyType::TagPolicy,
        r#"{"tags":{"owner":{"tag_key":{"@@operators_allowed_for_child_policies":["@@none"],"@@assign":"Owner"}}}}"#,
    )
    .await;
    let rebel = create_policy(
        &mgmt,
        "Rebel",
        PolicyType::TagPolicy,
        r#"{"tags":{"owner":{"tag_key":{"@@assign":"OWNER"}}}}"#,
    )
    .await;
    mgmt.attach_policy()
        .policy_id(&locked)
        .target_id(&root)
        .send()
        .await
        .unwrap();
    mgmt.attach_policy()
        .policy_id(&rebel)
        .target_id(&ou)
        .send()
        .await
        .unwrap();

    let invalid = mgmt
        .list_accounts_with_invalid_effective_policy()
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .expect("ListAccountsWithInvalidEffectivePolicy");
    assert_eq!(invalid.policy_type(), Some(&EffectivePolicyType::TagPolicy));
    let ids: Vec<_> = invalid.accounts().iter().filter_map(|a| a.id()).collect();
    assert_eq!(ids, [member_id.as_str()]);

    let report = mgmt
        .list_effective_policy_validation_errors()
        .account_id(&member_id)
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .expect("ListEffectivePolicyValidationErrors");
    assert_eq!(report.account_id(), Some(member_id.as_str()));
    assert!(report
        .path()
        .unwrap()
        .ends_with(&format!("/{ou}/{member_id}/")));
    assert!(report.evaluation_timestamp().is_some());
    let error = &report.effective_policy_validation_errors()[0];
    assert_eq!(error.path_to_error(), Some("tags.owner.tag_key"));
    assert_eq!(
        error.contributing_policies(),
        [locked.clone(), rebel.clone()]
    );

    let e = mgmt
        .list_effective_policy_validation_errors()
        .account_id("999999999999")
        .policy_type(EffectivePolicyType::TagPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");
    let e = mgmt
        .list_accounts_with_invalid_effective_policy()
        .policy_type(EffectivePolicyType::BackupPolicy)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_effective_policy_not_found_exception(), "{e:?}");
}
