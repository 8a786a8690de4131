//! IAM through the real `aws-sdk-iam`: the seed's access-key guardrail end to end,
//! identity policies, boundaries and trust policies deciding, centralized root access,
//! the credential report, and the service-linked roles the services create.

use aws_credential_types::Credentials;
use aws_sdk_iam::error::ProvideErrorMetadata;
use aws_sdk_organizations::types::PolicyType;

use crate::common::{
    self, config_with, create_account, create_ou, iam, orgs, root_id, session, MANAGEMENT,
};
use orgsim::Emulator;

const DENY_ACCESS_KEYS: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoAccessKeys","Effect":"Deny","Action":"iam:CreateAccessKey","Resource":"*"}]}"#;

fn iam_as(emulator: &Emulator, credentials: Credentials) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config_with(emulator, credentials))
}

/// An IAM client acting through the member's OrganizationAccountAccessRole.
async fn member_iam(emulator: &Emulator, account: &str) -> aws_sdk_iam::Client {
    let assumed = common::sts(emulator, MANAGEMENT)
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("workshop")
        .send()
        .await
        .expect("AssumeRole");
    iam_as(
        emulator,
        session(assumed.credentials().expect("credentials")),
    )
}

/// A user with an access key in the account `client` acts in.
async fn user_with_key(client: &aws_sdk_iam::Client, name: &str) -> Credentials {
    client
        .create_user()
        .user_name(name)
        .send()
        .await
        .expect("CreateUser");
    let key = client
        .create_access_key()
        .user_name(name)
        .send()
        .await
        .expect("CreateAccessKey")
        .access_key
        .expect("key");
    Credentials::new(
        key.access_key_id(),
        key.secret_access_key(),
        None,
        None,
        "iam-user",
    )
}

#[tokio::test]
async fn the_access_key_guardrail_denies_in_the_guarded_ou_only() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.expect("org");
    let root = root_id(&mgmt).await;
    let guarded_ou = create_ou(&mgmt, &root, "Guarded").await;
    let open_ou = create_ou(&mgmt, &root, "Open").await;
    let guarded = create_account(&mgmt, "g@example.com", "guarded")
        .await
        .account_id
        .expect("id");
    let open = create_account(&mgmt, "o@example.com", "open")
        .await
        .account_id
        .expect("id");
    for (account, ou) in [(&guarded, &guarded_ou), (&open, &open_ou)] {
        mgmt.move_account()
            .account_id(account)
            .source_parent_id(&root)
            .destination_parent_id(ou)
            .send()
            .await
            .expect("MoveAccount");
    }
    // SCPs are enabled in a new organization's root.
    let scp = mgmt
        .create_policy()
        .name("no-access-keys")
        .description("")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(DENY_ACCESS_KEYS)
        .send()
        .await
        .expect("CreatePolicy")
        .policy
        .and_then(|p| p.policy_summary)
        .and_then(|s| s.id)
        .expect("id");
    mgmt.attach_policy()
        .policy_id(&scp)
        .target_id(&guarded_ou)
        .send()
        .await
        .expect("AttachPolicy");

    // The guarded OU: the user is created, its key is not, and nothing is left behind.
    let client = member_iam(&emulator, &guarded).await;
    client
        .create_user()
        .user_name("ci")
        .send()
        .await
        .expect("CreateUser is allowed");
    let err = client
        .create_access_key()
        .user_name("ci")
        .send()
        .await
        .expect_err("the SCP denies CreateAccessKey");
    assert_eq!(err.code(), Some("AccessDenied"));
    let message = err.message().unwrap_or_default();
    assert!(
        message.contains("iam:CreateAccessKey")
            && message.contains("with an explicit deny in a service control policy"),
        "{message}"
    );
    let keys = client
        .list_access_keys()
        .user_name("ci")
        .send()
        .await
        .expect("ListAccessKeys");
    assert!(keys.access_key_metadata().is_empty(), "no key was created");

    // Elsewhere the key is created and authenticates as the user.
    let client = member_iam(&emulator, &open).await;
    let key = user_with_key(&client, "ci").await;
    let me = aws_sdk_sts::Client::new(&config_with(&emulator, key.clone()))
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity with the new key");
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:iam::{open}:user/ci").as_str())
    );
    // The user has no policy: AWS's evaluation refuses it everything else.
    let err = iam_as(&emulator, key.clone())
        .list_users()
        .send()
        .await
        .expect_err("no identity policy");
    assert!(err
        .message()
        .unwrap_or_default()
        .contains("because no identity-based policy allows the iam:ListUsers action"));
    // An inactive key no longer authenticates.
    client
        .update_access_key()
        .user_name("ci")
        .access_key_id(key.access_key_id())
        .status(aws_sdk_iam::types::StatusType::Inactive)
        .send()
        .await
        .expect("UpdateAccessKey");
    let err = aws_sdk_sts::Client::new(&config_with(&emulator, key))
        .get_caller_identity()
        .send()
        .await
        .expect_err("inactive key");
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
}

#[tokio::test]
async fn identity_policies_boundaries_and_trust_policies_decide() {
    let emulator = Emulator::start();
    let admin = iam(&emulator, MANAGEMENT);
    let key = user_with_key(&admin, "alice").await;
    let alice = iam_as(&emulator, key.clone());
    admin
        .attach_user_policy()
        .user_name("alice")
        .policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
        .send()
        .await
        .expect("AttachUserPolicy");
    alice
        .list_users()
        .send()
        .await
        .expect("ReadOnlyAccess allows ListUsers");
    admin
        .put_user_policy()
        .user_name("alice")
        .policy_name("no-roles")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ListRoles","Resource":"*"}]}"#)
        .send()
        .await
        .expect("PutUserPolicy");
    let err = alice.list_roles().send().await.expect_err("explicit deny");
    assert!(err
        .message()
        .unwrap_or_default()
        .contains("with an explicit deny in an identity-based policy"));
    // A boundary that allows only ListUsers: ListGroups is out of bounds.
    let boundary = admin
        .create_policy()
        .policy_name("only-list-users")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}"#)
        .send()
        .await
        .expect("CreatePolicy")
        .policy
        .and_then(|p| p.arn)
        .expect("arn");
    admin
        .put_user_permissions_boundary()
        .user_name("alice")
        .permissions_boundary(&boundary)
        .send()
        .await
        .expect("PutUserPermissionsBoundary");
    alice
        .list_users()
        .send()
        .await
        .expect("inside the boundary");
    let err = alice
        .list_groups()
        .send()
        .await
        .expect_err("outside the boundary");
    assert!(err
        .message()
        .unwrap_or_default()
        .contains("because no permissions boundary allows the iam:ListGroups action"));

    // A role that trusts another account refuses alice; naming alice lets her in.
    let trust_other = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"sts:AssumeRole"}]}"#;
    admin
        .create_role()
        .role_name("Deploy")
        .assume_role_policy_document(trust_other)
        .send()
        .await
        .expect("CreateRole");
    let sts = aws_sdk_sts::Client::new(&config_with(&emulator, key));
    let err = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Deploy"))
        .role_session_name("s1")
        .send()
        .await
        .expect_err("untrusted");
    assert_eq!(err.code(), Some("AccessDenied"));
    let err = common::sts(&emulator, MANAGEMENT)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Missing"))
        .role_session_name("s1")
        .send()
        .await
        .expect_err("a role that does not exist");
    assert_eq!(err.code(), Some("AccessDenied"));
    admin
        .update_assume_role_policy()
        .role_name("Deploy")
        .policy_document(format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MANAGEMENT}:user/alice"}},"Action":"sts:AssumeRole"}}]}}"#))
        .send()
        .await
        .expect("UpdateAssumeRolePolicy");
    sts.assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Deploy"))
        .role_session_name("s1")
        .send()
        .await
        .expect("the trust policy names alice");
    let role = admin
        .get_role()
        .role_name("Deploy")
        .send()
        .await
        .expect("GetRole");
    let document = role
        .role
        .expect("role")
        .assume_role_policy_document
        .expect("doc");
    assert!(
        document.starts_with("%7B"),
        "URL-encoded as AWS: {document}"
    );
}

#[tokio::test]
async fn assume_root_opens_a_task_limited_root_session_and_the_credential_report_lists_users() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.expect("org");
    let member = create_account(&mgmt, "m@example.com", "member")
        .await
        .account_id
        .expect("id");
    mgmt.enable_aws_service_access()
        .service_principal("iam.amazonaws.com")
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    let admin = iam(&emulator, MANAGEMENT);
    let features = admin
        .enable_organizations_root_sessions()
        .send()
        .await
        .expect("EnableOrganizationsRootSessions");
    assert_eq!(features.enabled_features().len(), 1);
    let key = user_with_key(&admin, "ops").await;
    admin
        .attach_user_policy()
        .user_name("ops")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .expect("AttachUserPolicy");
    let task = aws_sdk_sts::types::PolicyDescriptorType::builder()
        .arn("arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials")
        .build();
    let err = common::sts(&emulator, MANAGEMENT)
        .assume_root()
        .target_principal(&member)
        .task_policy_arn(task.clone())
        .send()
        .await
        .expect_err("never with root credentials");
    assert_eq!(err.code(), Some("AccessDenied"));
    let root_session = aws_sdk_sts::Client::new(&config_with(&emulator, key))
        .assume_root()
        .target_principal(&member)
        .task_policy_arn(task)
        .send()
        .await
        .expect("AssumeRoot");
    let credentials = session(root_session.credentials().expect("credentials"));
    let me = aws_sdk_sts::Client::new(&config_with(&emulator, credentials.clone()))
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:iam::{member}:root").as_str())
    );
    let root = iam_as(&emulator, credentials);
    root.list_access_keys()
        .send()
        .await
        .expect("the audit task allows it");
    let err = root
        .create_user()
        .user_name("x")
        .send()
        .await
        .expect_err("outside the task");
    assert!(err
        .message()
        .unwrap_or_default()
        .contains("because no session policy allows the iam:CreateUser action"));

    // Credential report: STARTED, then COMPLETE; the root row first.
    let started = admin
        .generate_credential_report()
        .send()
        .await
        .expect("Generate");
    assert_eq!(started.state().map(|s| s.as_str()), Some("STARTED"));
    let complete = admin
        .generate_credential_report()
        .send()
        .await
        .expect("Generate");
    assert_eq!(complete.state().map(|s| s.as_str()), Some("COMPLETE"));
    let report = admin
        .get_credential_report()
        .send()
        .await
        .expect("GetCredentialReport");
    let csv = String::from_utf8(report.content().expect("content").as_ref().to_vec()).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("user,arn,user_creation_time,password_enabled"));
    assert!(lines[1].starts_with("<root_account>,"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("ops,") && l.contains(",true,")),
        "{csv}"
    );
}

#[tokio::test]
async fn service_linked_roles_appear_as_the_services_are_enabled() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.expect("org");
    let member = create_account(&mgmt, "m@example.com", "member")
        .await
        .account_id
        .expect("id");
    let client = member_iam(&emulator, &member).await;
    let role = |name: &'static str| {
        let client = client.clone();
        async move { client.get_role().role_name(name).send().await }
    };
    let organizations = role("AWSServiceRoleForOrganizations")
        .await
        .expect("joined");
    assert_eq!(
        organizations.role.expect("role").path(),
        "/aws-service-role/organizations.amazonaws.com/"
    );
    let err = role("AWSServiceRoleForAmazonGuardDuty")
        .await
        .expect_err("not yet");
    assert_eq!(err.code(), Some("NoSuchEntity"));
    common::guardduty(&emulator, &member)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    role("AWSServiceRoleForAmazonGuardDuty")
        .await
        .expect("after CreateDetector");
    common::securityhub(&emulator, &member)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    role("AWSServiceRoleForSecurityHub")
        .await
        .expect("after EnableSecurityHub");
    let err = client
        .delete_role()
        .role_name("AWSServiceRoleForSecurityHub")
        .send()
        .await
        .expect_err("service-linked roles are the service's");
    assert_eq!(err.code(), Some("UnmodifiableEntity"));
}
