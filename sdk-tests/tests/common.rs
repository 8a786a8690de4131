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
