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

pub fn iam(emulator: &Emulator, access_key: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config(emulator, access_key))
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

pub fn detective(emulator: &Emulator, access_key: &str) -> aws_sdk_detective::Client {
    aws_sdk_detective::Client::new(&config(emulator, access_key))
}

pub fn securityhub(emulator: &Emulator, access_key: &str) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&config(emulator, access_key))
}

pub fn config_client(emulator: &Emulator, access_key: &str) -> aws_sdk_config::Client {
    aws_sdk_config::Client::new(&config(emulator, access_key))
}

/// Config's recorder (with its service-linked role) in `account`, a delivery channel,
/// and recording started.
pub async fn start_config_recording(cfg: &aws_sdk_config::Client, account: &str) {
    use aws_sdk_config::types::{ConfigurationRecorder, DeliveryChannel};
    let recorder = ConfigurationRecorder::builder()
        .name("default")
        .role_arn(format!("arn:aws:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"))
        .build();
    cfg.put_configuration_recorder()
        .configuration_recorder(recorder)
        .send()
        .await
        .expect("PutConfigurationRecorder");
    let channel = DeliveryChannel::builder()
        .name("default")
        .s3_bucket_name("config")
        .build();
    cfg.put_delivery_channel()
        .delivery_channel(channel)
        .send()
        .await
        .expect("PutDeliveryChannel");
    cfg.start_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .expect("StartConfigurationRecorder");
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

/// An organization built for a test: its management account's client, its root, and
/// the ids of the OUs and accounts it was built with, by name.
pub struct Org {
    pub mgmt: aws_sdk_organizations::Client,
    pub root: String,
    ous: Vec<(String, String)>,
    accounts: Vec<(String, String)>,
}

impl Org {
    /// The id of the OU built as `name`.
    pub fn ou(&self, name: &str) -> String {
        lookup(&self.ous, name, "OU")
    }

    /// The id of the account built as `name`.
    pub fn account(&self, name: &str) -> String {
        lookup(&self.accounts, name, "account")
    }
}

fn lookup(built: &[(String, String)], name: &str, what: &str) -> String {
    built
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, id)| id.clone())
        .unwrap_or_else(|| panic!("no {what} {name} was built"))
}

/// What [`organization`] builds, in this order: the organization, its OUs, its
/// accounts (each created, then moved into its OU), trusted access with delegated
/// administrators, then GuardDuty's administrator.
pub struct OrgBuilder<'e> {
    emulator: &'e Emulator,
    management: String,
    consolidated_billing: bool,
    ous: Vec<(String, Option<String>)>,
    accounts: Vec<(String, Option<String>)>,
    delegated_admins: Vec<(String, String)>,
    guardduty_admin: Option<String>,
}

/// An organization of [`MANAGEMENT`] (all features) to describe, then `build()`.
pub fn organization(emulator: &Emulator) -> OrgBuilder<'_> {
    OrgBuilder {
        emulator,
        management: MANAGEMENT.to_string(),
        consolidated_billing: false,
        ous: Vec::new(),
        accounts: Vec::new(),
        delegated_admins: Vec::new(),
        guardduty_admin: None,
    }
}

impl OrgBuilder<'_> {
    /// Another management account than [`MANAGEMENT`].
    pub fn managed_by(mut self, account: &str) -> Self {
        self.management = account.to_string();
        self
    }

    /// Consolidated billing only, not all features.
    pub fn consolidated_billing(mut self) -> Self {
        self.consolidated_billing = true;
        self
    }

    /// An OU under the root.
    pub fn ou(mut self, name: &str) -> Self {
        self.ous.push((name.to_string(), None));
        self
    }

    /// An OU under an OU named before.
    pub fn ou_in(mut self, name: &str, parent: &str) -> Self {
        self.ous.push((name.to_string(), Some(parent.to_string())));
        self
    }

    /// A created account in the root, named `name`, email `<name in lower case>@example.com`.
    pub fn account(mut self, name: &str) -> Self {
        self.accounts.push((name.to_string(), None));
        self
    }

    /// Created accounts in the root, as [`OrgBuilder::account`].
    pub fn accounts(self, names: &[&str]) -> Self {
        names
            .iter()
            .fold(self, |builder, name| builder.account(name))
    }

    /// A created account moved into the OU named `ou`.
    pub fn account_in(mut self, name: &str, ou: &str) -> Self {
        self.accounts.push((name.to_string(), Some(ou.to_string())));
        self
    }

    /// Trusted access for `principal` and the account named `account` registered as its
    /// delegated administrator.
    pub fn delegated_admin(mut self, principal: &str, account: &str) -> Self {
        self.delegated_admins
            .push((principal.to_string(), account.to_string()));
        self
    }

    /// The account named `account` designated GuardDuty's administrator (us-east-1).
    pub fn guardduty_admin(mut self, account: &str) -> Self {
        self.guardduty_admin = Some(account.to_string());
        self
    }

    pub async fn build(self) -> Org {
        use aws_sdk_organizations::types::OrganizationFeatureSet;
        let mgmt = orgs(self.emulator, &self.management);
        let feature_set = if self.consolidated_billing {
            OrganizationFeatureSet::ConsolidatedBilling
        } else {
            OrganizationFeatureSet::All
        };
        mgmt.create_organization()
            .feature_set(feature_set)
            .send()
            .await
            .expect("CreateOrganization");
        let root = root_id(&mgmt).await;
        let mut org = Org {
            mgmt,
            root,
            ous: Vec::new(),
            accounts: Vec::new(),
        };
        for (name, parent) in &self.ous {
            let parent = parent.as_ref().map_or(org.root.clone(), |p| org.ou(p));
            let id = create_ou(&org.mgmt, &parent, name).await;
            org.ous.push((name.clone(), id));
        }
        for (name, ou) in &self.accounts {
            let email = format!("{}@example.com", name.to_lowercase());
            let id = create_account(&org.mgmt, &email, name)
                .await
                .account_id()
                .unwrap_or_else(|| panic!("account {name} created"))
                .to_string();
            if let Some(ou) = ou {
                org.mgmt
                    .move_account()
                    .account_id(&id)
                    .source_parent_id(&org.root)
                    .destination_parent_id(org.ou(ou))
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("MoveAccount {name}: {e:?}"));
            }
            org.accounts.push((name.clone(), id));
        }
        for (principal, account) in &self.delegated_admins {
            org.mgmt
                .enable_aws_service_access()
                .service_principal(principal)
                .send()
                .await
                .expect("EnableAWSServiceAccess");
            org.mgmt
                .register_delegated_administrator()
                .account_id(org.account(account))
                .service_principal(principal)
                .send()
                .await
                .expect("RegisterDelegatedAdministrator");
        }
        if let Some(admin) = &self.guardduty_admin {
            guardduty(self.emulator, &self.management)
                .enable_organization_admin_account()
                .admin_account_id(org.account(admin))
                .send()
                .await
                .expect("GuardDuty EnableOrganizationAdminAccount");
        }
        org
    }
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

/// The bucket `start_config_recording` delivers to (`config`, the management
/// account's), with the bucket policy that lets Config write for every account.
pub async fn config_delivery_bucket(emulator: &Emulator) {
    let s3 = s3(emulator, MANAGEMENT);
    s3.create_bucket()
        .bucket("config")
        .send()
        .await
        .expect("CreateBucket config");
    let policy = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"AWSConfigBucketPermissionsCheck","Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::config"},
        {"Sid":"AWSConfigBucketDelivery","Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::config/AWSLogs/*"}]}"#;
    s3.put_bucket_policy()
        .bucket("config")
        .policy(policy)
        .send()
        .await
        .expect("PutBucketPolicy config");
}

pub fn health(emulator: &Emulator, access_key: &str) -> aws_sdk_health::Client {
    aws_sdk_health::Client::new(&config(emulator, access_key))
}

/// AWS Health publishes an event (`POST /_orgsim/health/events`); answers its ARN.
pub async fn publish_health_event(emulator: &Emulator, event: serde_json::Value) -> String {
    let (status, answer) = orgsim::client::Client::new(&emulator.url())
        .admin_post_json("/_orgsim/health/events", &event)
        .await
        .expect("the admin route answers");
    assert_eq!(status, 200, "{answer}");
    answer["eventArn"].as_str().expect("eventArn").to_string()
}

pub fn support(emulator: &Emulator, access_key: &str) -> aws_sdk_support::Client {
    aws_sdk_support::Client::new(&config(emulator, access_key))
}

pub fn trustedadvisor(emulator: &Emulator, access_key: &str) -> aws_sdk_trustedadvisor::Client {
    aws_sdk_trustedadvisor::Client::new(&config(emulator, access_key))
}

pub fn costexplorer(emulator: &Emulator, access_key: &str) -> aws_sdk_costexplorer::Client {
    aws_sdk_costexplorer::Client::new(&config(emulator, access_key))
}

pub fn budgets(emulator: &Emulator, access_key: &str) -> aws_sdk_budgets::Client {
    aws_sdk_budgets::Client::new(&config(emulator, access_key))
}

pub fn cloudformation(emulator: &Emulator, access_key: &str) -> aws_sdk_cloudformation::Client {
    aws_sdk_cloudformation::Client::new(&config(emulator, access_key))
}

/// Runs a long SDK flow on its own runtime in a thread with a 64 MiB stack: the futures
/// of a flow with dozens of awaited SDK calls outgrow a test thread's default stack in
/// debug builds.
pub fn run_on_a_large_stack<F, Fut>(flow: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(|| {
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("runtime")
                .block_on(flow())
        })
        .expect("thread")
        .join()
        .expect("the flow passes");
}
