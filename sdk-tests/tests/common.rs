//! Clients for the real SDKs pointed at an in-process emulator.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use orgsim::Emulator;

/// SDK configuration for `access_key` (a 12-digit key acts as that account's root).
pub fn config(emulator: &Emulator, access_key: &str) -> SdkConfig {
    config_with(
        emulator,
        Credentials::new(access_key, "orgsim-secret", None, None, "orgsim"),
    )
}

pub fn config_with(emulator: &Emulator, credentials: Credentials) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(emulator.url())
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build()
}

pub fn orgs(emulator: &Emulator, access_key: &str) -> aws_sdk_organizations::Client {
    aws_sdk_organizations::Client::new(&config(emulator, access_key))
}

pub fn sts(emulator: &Emulator, access_key: &str) -> aws_sdk_sts::Client {
    aws_sdk_sts::Client::new(&config(emulator, access_key))
}

/// Credentials from an STS answer, as the next client would use them.
pub fn session(credentials: &aws_sdk_sts::types::Credentials) -> Credentials {
    Credentials::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        Some(credentials.session_token().to_string()),
        None,
        "orgsim-assumed-role",
    )
}

pub const MANAGEMENT: &str = "111111111111";

/// Creates an account and polls its request like a waiter until it ends.
pub async fn create_account(
    orgs: &aws_sdk_organizations::Client,
    email: &str,
    name: &str,
) -> aws_sdk_organizations::types::CreateAccountStatus {
    use aws_sdk_organizations::types::CreateAccountState;
    let started = orgs
        .create_account()
        .email(email)
        .account_name(name)
        .send()
        .await
        .expect("CreateAccount")
        .create_account_status
        .expect("status");
    assert_eq!(started.state(), Some(&CreateAccountState::InProgress));
    let id = started.id().expect("request id").to_string();
    for _ in 0..50 {
        let status = orgs
            .describe_create_account_status()
            .create_account_request_id(&id)
            .send()
            .await
            .expect("DescribeCreateAccountStatus")
            .create_account_status
            .expect("status");
        if status.state() != Some(&CreateAccountState::InProgress) {
            return status;
        }
    }
    panic!("CreateAccount {id} never finished");
}

/// Creates an account named `name` (email `<name>@example.com`) and returns its id.
pub async fn new_account(orgs: &aws_sdk_organizations::Client, name: &str) -> String {
    create_account(orgs, &format!("{name}@example.com"), name)
        .await
        .account_id()
        .expect("account id")
        .to_string()
}

pub fn guardduty(emulator: &Emulator, access_key: &str) -> aws_sdk_guardduty::Client {
    aws_sdk_guardduty::Client::new(&config(emulator, access_key))
}

pub fn securityhub(emulator: &Emulator, access_key: &str) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&config(emulator, access_key))
}

pub fn config_client(emulator: &Emulator, access_key: &str) -> aws_sdk_config::Client {
    aws_sdk_config::Client::new(&config(emulator, access_key))
}

/// The account's GuardDuty detector in the client's region, if it has one.
pub async fn detector_of(gd: &aws_sdk_guardduty::Client) -> Option<String> {
    let listed = gd.list_detectors().send().await.expect("ListDetectors");
    listed.detector_ids().first().cloned()
}

/// `account`'s relationship with the administrator's detector, if it is a member.
pub async fn member_status(
    gd: &aws_sdk_guardduty::Client,
    detector: &str,
    account: &str,
) -> Option<String> {
    let got = gd
        .get_members()
        .detector_id(detector)
        .account_ids(account)
        .send()
        .await
        .expect("GetMembers");
    got.members()
        .first()
        .and_then(|m| m.relationship_status())
        .map(String::from)
}

/// The organization's root id.
pub async fn root_id(orgs: &aws_sdk_organizations::Client) -> String {
    let roots = orgs.list_roots().send().await.expect("ListRoots");
    roots.roots()[0].id().expect("root id").to_string()
}

/// Creates an OU under `parent` and returns its id.
pub async fn create_ou(orgs: &aws_sdk_organizations::Client, parent: &str, name: &str) -> String {
    orgs.create_organizational_unit()
        .parent_id(parent)
        .name(name)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateOrganizationalUnit {name}: {e:?}"))
        .organizational_unit
        .and_then(|ou| ou.id)
        .expect("ou id")
}

/// An S3 client for `access_key` in `region` (path-style: the endpoint is an IP address).
pub fn s3_in(emulator: &Emulator, access_key: &str, region: &str) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::config::Builder::from(&config(emulator, access_key))
        .region(Region::new(region.to_string()))
        .force_path_style(true)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

pub fn s3(emulator: &Emulator, access_key: &str) -> aws_sdk_s3::Client {
    s3_in(emulator, access_key, "us-east-1")
}
