//! IAM Identity Center through the real `aws-sdk-ssoadmin` and `aws-sdk-identitystore`:
//! the organization instance after trusted access, users, groups and memberships,
//! permission sets across OUs, asynchronous account assignments, the reserved role in
//! the account, a user's session allowed in one account and refused in another, and
//! the delegated administrator's limits.

use aws_sdk_identitystore::types::{AlternateIdentifier, MemberId, UniqueAttribute};
use aws_sdk_ssoadmin::error::ProvideErrorMetadata;
use aws_sdk_ssoadmin::types::{PrincipalType, ProvisionTargetType, StatusValues, TargetType};
use aws_smithy_types::Document;
use orgsim::Emulator;

use crate::common::{self, config, config_with, session, MANAGEMENT};

fn sso(emulator: &Emulator, key: &str) -> aws_sdk_ssoadmin::Client {
    aws_sdk_ssoadmin::Client::new(&config(emulator, key))
}

fn store(emulator: &Emulator, key: &str) -> aws_sdk_identitystore::Client {
    aws_sdk_identitystore::Client::new(&config(emulator, key))
}

/// Trusted access on; the organization instance's ARN and identity store id.
async fn instance(emulator: &Emulator, org: &common::Org) -> (String, String) {
    org.mgmt
        .enable_aws_service_access()
        .service_principal("sso.amazonaws.com")
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    let listed = sso(emulator, MANAGEMENT)
        .list_instances()
        .send()
        .await
        .expect("ListInstances");
    let instance = &listed.instances()[0];
    (
        instance.instance_arn().unwrap().to_string(),
        instance.identity_store_id().unwrap().to_string(),
    )
}

async fn create_user(ids: &aws_sdk_identitystore::Client, store: &str, name: &str) -> String {
    ids.create_user()
        .identity_store_id(store)
        .user_name(name)
        .display_name(name)
        .name(
            aws_sdk_identitystore::types::Name::builder()
                .given_name(name)
                .family_name("Example")
                .build(),
        )
        .send()
        .await
        .expect("CreateUser")
        .user_id()
        .to_string()
}

async fn permission_set(
    client: &aws_sdk_ssoadmin::Client,
    instance: &str,
    name: &str,
    policy: &str,
) -> String {
    let arn = client
        .create_permission_set()
        .instance_arn(instance)
        .name(name)
        .session_duration("PT2H")
        .send()
        .await
        .expect("CreatePermissionSet")
        .permission_set()
        .and_then(|ps| ps.permission_set_arn())
        .unwrap()
        .to_string();
    client
        .attach_managed_policy_to_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .managed_policy_arn(policy)
        .send()
        .await
        .expect("AttachManagedPolicyToPermissionSet");
    arn
}

/// Assigns and waits like a waiter until the request is no longer IN_PROGRESS.
async fn assign(
    client: &aws_sdk_ssoadmin::Client,
    instance: &str,
    account: &str,
    ps: &str,
    principal_type: PrincipalType,
    principal: &str,
) -> StatusValues {
    let started = client
        .create_account_assignment()
        .instance_arn(instance)
        .target_id(account)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(ps)
        .principal_type(principal_type)
        .principal_id(principal)
        .send()
        .await
        .expect("CreateAccountAssignment")
        .account_assignment_creation_status
        .expect("status");
    assert_eq!(started.status(), Some(&StatusValues::InProgress));
    let request = started.request_id().unwrap().to_string();
    for _ in 0..10 {
        let status = client
            .describe_account_assignment_creation_status()
            .instance_arn(instance)
            .account_assignment_creation_request_id(&request)
            .send()
            .await
            .expect("DescribeAccountAssignmentCreationStatus")
            .account_assignment_creation_status
            .expect("status");
        if status.status() != Some(&StatusValues::InProgress) {
            return status.status().unwrap().clone();
        }
    }
    panic!("the assignment never finished");
}

/// The reserved role of `permission_set_name` in `account`, if there is one.
async fn reserved_role(
    emulator: &Emulator,
    account: &str,
    permission_set_name: &str,
) -> Option<aws_sdk_iam::types::Role> {
    let iam = aws_sdk_iam::Client::new(&config(emulator, account));
    let roles = iam
        .list_roles()
        .path_prefix("/aws-reserved/sso.amazonaws.com/")
        .send()
        .await
        .expect("ListRoles");
    roles
        .roles()
        .iter()
        .find(|r| {
            r.role_name()
                .starts_with(&format!("AWSReservedSSO_{permission_set_name}_"))
        })
        .cloned()
}

#[tokio::test]
async fn the_instance_appears_with_trusted_access_and_the_store_holds_users_and_groups() {
    let emulator = Emulator::start();
    let org = common::organization(&emulator).account("Dev").build().await;
    let listed = sso(&emulator, MANAGEMENT)
        .list_instances()
        .send()
        .await
        .unwrap();
    assert!(listed.instances().is_empty());
    let (instance, store_id) = instance(&emulator, &org).await;
    assert!(instance.starts_with("arn:aws:sso:::instance/ssoins-"));
    assert!(store_id.starts_with("d-"));
    let iam = aws_sdk_iam::Client::new(&config(&emulator, &org.account("Dev")));
    let slr = iam
        .get_role()
        .role_name("AWSServiceRoleForSSO")
        .send()
        .await
        .expect("SLR");
    assert_eq!(
        slr.role().unwrap().path(),
        "/aws-service-role/sso.amazonaws.com/"
    );

    let ids = store(&emulator, MANAGEMENT);
    let alice = create_user(&ids, &store_id, "alice").await;
    let e = ids
        .create_user()
        .identity_store_id(&store_id)
        .user_name("Alice")
        .display_name("again")
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error()
            .is_some_and(|s| s.is_conflict_exception()),
        "{e:?}"
    );
    let found = ids
        .get_user_id()
        .identity_store_id(&store_id)
        .alternate_identifier(AlternateIdentifier::UniqueAttribute(
            UniqueAttribute::builder()
                .attribute_path("userName")
                .attribute_value(Document::String("alice".into()))
                .build()
                .unwrap(),
        ))
        .send()
        .await
        .expect("GetUserId");
    assert_eq!(found.user_id(), alice);
    let user = ids
        .describe_user()
        .identity_store_id(&store_id)
        .user_id(&alice)
        .send()
        .await
        .expect("DescribeUser");
    assert_eq!(user.user_name(), Some("alice"));
    assert_eq!(user.name().and_then(|n| n.given_name()), Some("alice"));

    let group = ids
        .create_group()
        .identity_store_id(&store_id)
        .display_name("Auditors")
        .send()
        .await
        .expect("CreateGroup")
        .group_id()
        .to_string();
    ids.create_group_membership()
        .identity_store_id(&store_id)
        .group_id(&group)
        .member_id(MemberId::UserId(alice.clone()))
        .send()
        .await
        .expect("CreateGroupMembership");
    let check = ids
        .is_member_in_groups()
        .identity_store_id(&store_id)
        .member_id(MemberId::UserId(alice.clone()))
        .group_ids(&group)
        .send()
        .await
        .expect("IsMemberInGroups");
    assert!(check.results()[0].membership_exists());
    let listed = ids
        .list_users()
        .identity_store_id(&store_id)
        .send()
        .await
        .expect("ListUsers");
    assert_eq!(listed.users().len(), 1);
    let e = ids
        .describe_user()
        .identity_store_id(&store_id)
        .user_id("00000000-0000-0000-0000-000000000000")
        .send()
        .await
        .unwrap_err();
    assert!(e
        .as_service_error()
        .is_some_and(|s| s.is_resource_not_found_exception()));
    // A member account may not read the organization's directory.
    let e = store(&emulator, &org.account("Dev"))
        .list_users()
        .identity_store_id(&store_id)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error()
            .is_some_and(|s| s.is_access_denied_exception()),
        "{e:?}"
    );
}

#[tokio::test]
async fn permission_sets_across_ous_give_a_user_one_account_and_not_another() {
    let emulator = Emulator::start();
    let org = common::organization(&emulator)
        .ou("Workloads")
        .ou("Sandbox")
        .account_in("Dev", "Workloads")
        .account_in("Play", "Sandbox")
        .build()
        .await;
    let (dev, play) = (org.account("Dev"), org.account("Play"));
    let (instance, store_id) = instance(&emulator, &org).await;
    let admin = sso(&emulator, MANAGEMENT);
    let read_only = permission_set(
        &admin,
        &instance,
        "ReadOnly",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .await;
    let full = permission_set(
        &admin,
        &instance,
        "Admin",
        "arn:aws:iam::aws:policy/AdministratorAccess",
    )
    .await;
    let ids = store(&emulator, MANAGEMENT);
    let alice = create_user(&ids, &store_id, "alice").await;
    let bob = create_user(&ids, &store_id, "bob").await;

    assert_eq!(
        assign(
            &admin,
            &instance,
            &dev,
            &read_only,
            PrincipalType::User,
            &alice
        )
        .await,
        StatusValues::Succeeded
    );
    assert_eq!(
        assign(&admin, &instance, &play, &full, PrincipalType::User, &bob).await,
        StatusValues::Succeeded
    );
    let role = reserved_role(&emulator, &dev, "ReadOnly")
        .await
        .expect("the reserved role in Dev");
    assert_eq!(role.max_session_duration(), Some(7200));
    assert!(reserved_role(&emulator, &play, "ReadOnly").await.is_none());
    let provisioned = admin
        .list_permission_sets_provisioned_to_account()
        .instance_arn(&instance)
        .account_id(&dev)
        .send()
        .await
        .unwrap();
    assert_eq!(
        provisioned.permission_sets(),
        std::slice::from_ref(&read_only)
    );

    // Alice's session in Dev (orgsim's convention: the management account assumes the
    // reserved role with her user name as the session name).
    let sts = common::sts(&emulator, MANAGEMENT);
    let creds = sts
        .assume_role()
        .role_arn(role.arn())
        .role_session_name("alice")
        .send()
        .await
        .expect("alice's session in Dev")
        .credentials
        .unwrap();
    let as_alice = config_with(&emulator, session(&creds));
    let me = aws_sdk_sts::Client::new(&as_alice)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert!(me
        .arn()
        .unwrap()
        .ends_with(&format!("assumed-role/{}/alice", role.role_name())));
    let iam = aws_sdk_iam::Client::new(&as_alice);
    iam.list_roles()
        .send()
        .await
        .expect("ReadOnly may list roles");
    let e = iam
        .create_user()
        .user_name("intruder")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_iam::error::ProvideErrorMetadata::code(&e),
        Some("AccessDenied"),
        "{e:?}"
    );
    // Bob is not assigned ReadOnly in Dev; Alice has nothing in Play.
    let e = sts
        .assume_role()
        .role_arn(role.arn())
        .role_session_name("bob")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_sts::error::ProvideErrorMetadata::code(&e),
        Some("AccessDenied")
    );
    let admin_role = reserved_role(&emulator, &play, "Admin").await.unwrap();
    let e = sts
        .assume_role()
        .role_arn(admin_role.arn())
        .role_session_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        aws_sdk_sts::error::ProvideErrorMetadata::code(&e),
        Some("AccessDenied")
    );

    // Removing the last assignment removes the role.
    let deleted = admin
        .delete_account_assignment()
        .instance_arn(&instance)
        .target_id(&dev)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(&read_only)
        .principal_type(PrincipalType::User)
        .principal_id(&alice)
        .send()
        .await
        .expect("DeleteAccountAssignment")
        .account_assignment_deletion_status
        .unwrap();
    let status = admin
        .describe_account_assignment_deletion_status()
        .instance_arn(&instance)
        .account_assignment_deletion_request_id(deleted.request_id().unwrap())
        .send()
        .await
        .unwrap()
        .account_assignment_deletion_status
        .unwrap();
    assert_eq!(status.status(), Some(&StatusValues::Succeeded));
    assert!(reserved_role(&emulator, &dev, "ReadOnly").await.is_none());
}

#[tokio::test]
async fn policies_reach_the_role_with_provisioning() {
    let emulator = Emulator::start();
    let org = common::organization(&emulator).account("Dev").build().await;
    let dev = org.account("Dev");
    let (instance, store_id) = instance(&emulator, &org).await;
    let admin = sso(&emulator, MANAGEMENT);
    let ps = permission_set(
        &admin,
        &instance,
        "Ops",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .await;
    let user = create_user(&store(&emulator, MANAGEMENT), &store_id, "carol").await;
    assign(&admin, &instance, &dev, &ps, PrincipalType::User, &user).await;
    admin
        .put_inline_policy_to_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&ps)
        .inline_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"guardduty:*","Resource":"*"}]}"#)
        .send()
        .await
        .expect("PutInlinePolicyToPermissionSet");
    let iam = aws_sdk_iam::Client::new(&config(&emulator, &dev));
    let role = reserved_role(&emulator, &dev, "Ops").await.unwrap();
    let inline = iam
        .list_role_policies()
        .role_name(role.role_name())
        .send()
        .await
        .unwrap();
    assert!(inline.policy_names().is_empty(), "not provisioned yet");
    let stale = admin
        .list_accounts_for_provisioned_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&ps)
        .provisioning_status(
            aws_sdk_ssoadmin::types::ProvisioningStatus::LatestPermissionSetNotProvisioned,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(stale.account_ids(), std::slice::from_ref(&dev));
    let started = admin
        .provision_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&ps)
        .target_type(ProvisionTargetType::AllProvisionedAccounts)
        .send()
        .await
        .expect("ProvisionPermissionSet")
        .permission_set_provisioning_status
        .unwrap();
    let status = admin
        .describe_permission_set_provisioning_status()
        .instance_arn(&instance)
        .provision_permission_set_request_id(started.request_id().unwrap())
        .send()
        .await
        .unwrap()
        .permission_set_provisioning_status
        .unwrap();
    assert_eq!(status.status(), Some(&StatusValues::Succeeded));
    let inline = iam
        .list_role_policies()
        .role_name(role.role_name())
        .send()
        .await
        .unwrap();
    assert_eq!(inline.policy_names(), ["AwsSSOInlinePolicy"]);
    let attached = iam
        .list_attached_role_policies()
        .role_name(role.role_name())
        .send()
        .await
        .unwrap();
    assert_eq!(
        attached.attached_policies()[0].policy_name(),
        Some("ReadOnlyAccess")
    );
}

#[tokio::test]
async fn the_delegated_administrator_manages_all_but_the_management_account() {
    let emulator = Emulator::start();
    let org = common::organization(&emulator)
        .accounts(&["Identity", "Dev"])
        .delegated_admin("sso.amazonaws.com", "Identity")
        .build()
        .await;
    let (instance, store_id) = instance(&emulator, &org).await;
    let delegated = sso(&emulator, &org.account("Identity"));
    let listed = delegated.list_instances().send().await.unwrap();
    assert_eq!(
        listed.instances()[0].instance_arn(),
        Some(instance.as_str())
    );
    let ps = permission_set(
        &delegated,
        &instance,
        "Dev",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    )
    .await;
    let user = create_user(
        &store(&emulator, &org.account("Identity")),
        &store_id,
        "dana",
    )
    .await;
    assert_eq!(
        assign(
            &delegated,
            &instance,
            &org.account("Dev"),
            &ps,
            PrincipalType::User,
            &user
        )
        .await,
        StatusValues::Succeeded
    );
    let e = delegated
        .create_account_assignment()
        .instance_arn(&instance)
        .target_id(MANAGEMENT)
        .target_type(TargetType::AwsAccount)
        .permission_set_arn(&ps)
        .principal_type(PrincipalType::User)
        .principal_id(&user)
        .send()
        .await
        .unwrap_err();
    assert!(
        e.as_service_error()
            .is_some_and(|s| s.is_access_denied_exception()),
        "{e:?}"
    );
    assert_eq!(e.code(), Some("AccessDeniedException"));
    let e = sso(&emulator, &org.account("Dev"))
        .list_permission_sets()
        .instance_arn(&instance)
        .send()
        .await
        .unwrap_err();
    assert!(e
        .as_service_error()
        .is_some_and(|s| s.is_access_denied_exception()));
}

/// Customer managed policies and boundaries are references: provisioning fails in an
/// account that lacks the policy and succeeds once it exists there. Outside us-east-1
/// the reserved role's path names the instance's Region; a joining account gets
/// `AWSServiceRoleForSSO` in the call that brings it in.
#[tokio::test]
async fn customer_managed_references_regions_and_joiners() {
    let emulator = Emulator::start();
    let org = common::organization(&emulator).account("Dev").build().await;
    let dev = org.account("Dev");
    org.mgmt
        .enable_aws_service_access()
        .service_principal("sso.amazonaws.com")
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    // The instance lives in the Region of the first sso-admin call.
    let regional = aws_sdk_ssoadmin::config::Builder::from(&config(&emulator, MANAGEMENT))
        .region(aws_config::Region::new("eu-west-1"))
        .build();
    let admin = aws_sdk_ssoadmin::Client::from_conf(regional);
    let listed = admin.list_instances().send().await.expect("ListInstances");
    let instance = listed.instances()[0].instance_arn().unwrap().to_string();
    let store_id = listed.instances()[0]
        .identity_store_id()
        .unwrap()
        .to_string();
    let ps = admin
        .create_permission_set()
        .instance_arn(&instance)
        .name("Auditor")
        .send()
        .await
        .expect("CreatePermissionSet")
        .permission_set()
        .and_then(|p| p.permission_set_arn())
        .unwrap()
        .to_string();
    let reference = aws_sdk_ssoadmin::types::CustomerManagedPolicyReference::builder()
        .name("AuditExtras")
        .path("/org/")
        .build()
        .unwrap();
    admin
        .attach_customer_managed_policy_reference_to_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&ps)
        .customer_managed_policy_reference(reference.clone())
        .send()
        .await
        .expect("AttachCustomerManagedPolicyReferenceToPermissionSet");
    admin
        .put_permissions_boundary_to_permission_set()
        .instance_arn(&instance)
        .permission_set_arn(&ps)
        .permissions_boundary(
            aws_sdk_ssoadmin::types::PermissionsBoundary::builder()
                .managed_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build(),
        )
        .send()
        .await
        .expect("PutPermissionsBoundaryToPermissionSet");
    let user = create_user(&store(&emulator, MANAGEMENT), &store_id, "dana").await;

    // Dev has no AuditExtras yet: the assignment fails and no role appears.
    assert_eq!(
        assign(&admin, &instance, &dev, &ps, PrincipalType::User, &user).await,
        StatusValues::Failed
    );
    assert!(reserved_role(&emulator, &dev, "Auditor").await.is_none());

    let dev_iam = common::iam(&emulator, &dev);
    let policy = dev_iam
        .create_policy()
        .policy_name("AuditExtras")
        .path("/org/")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:List*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .expect("CreatePolicy")
        .policy
        .unwrap();
    assert_eq!(
        assign(&admin, &instance, &dev, &ps, PrincipalType::User, &user).await,
        StatusValues::Succeeded
    );
    let role = reserved_role(&emulator, &dev, "Auditor")
        .await
        .expect("the reserved role");
    assert_eq!(role.path(), "/aws-reserved/sso.amazonaws.com/eu-west-1/");
    let role = dev_iam
        .get_role()
        .role_name(role.role_name())
        .send()
        .await
        .expect("GetRole")
        .role
        .unwrap();
    assert_eq!(
        role.permissions_boundary()
            .and_then(|b| b.permissions_boundary_arn()),
        Some("arn:aws:iam::aws:policy/ReadOnlyAccess")
    );
    let attached = dev_iam
        .list_attached_role_policies()
        .role_name(role.role_name())
        .send()
        .await
        .expect("ListAttachedRolePolicies");
    assert_eq!(
        attached
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn())
            .collect::<Vec<_>>(),
        [policy.arn().unwrap()]
    );

    // An account created now has the service-linked role at once.
    let joiner = common::new_account(&org.mgmt, "Joiner").await;
    let slr = common::iam(&emulator, &joiner)
        .get_role()
        .role_name("AWSServiceRoleForSSO")
        .send()
        .await
        .expect("the joiner's AWSServiceRoleForSSO");
    assert_eq!(
        slr.role().unwrap().path(),
        "/aws-service-role/sso.amazonaws.com/"
    );
}
