//! IAM's state: users, groups, roles, managed policies, credentials and the
//! account-level settings, for every account in flat maps keyed `<account>/<name>`.
//!
//! Flat maps rather than one map per account: a map per account would cost kilobytes
//! each at 100,000 accounts, and `<account>/` prefixes give per-account listings as
//! range queries. IAM names are unique regardless of case and found regardless of
//! case, so keys hold the lower-cased name and the entity keeps the name as written.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use super::documents::{IdentityDocument, TrustDocument};
use compact_str::CompactString;

/// IAM's state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct IamState {
    pub users: OrdMap<String, User>,
    pub groups: OrdMap<String, Group>,
    pub roles: OrdMap<String, Arc<Role>>,
    /// Customer managed policies (AWS managed ones are constants in `managed`).
    pub policies: OrdMap<String, ManagedPolicy>,
    /// Access keys by id, users' and account roots' alike.
    pub access_keys: OrdMap<String, AccessKey>,
    /// Ids of deleted access keys (and of keys of deleted users): refused, not taken
    /// for the default account.
    pub retired_access_keys: imbl::OrdSet<String>,
    pub instance_profiles: OrdMap<String, InstanceProfile>,
    /// Virtual MFA devices by serial number (their ARN).
    pub mfa_devices: OrdMap<String, VirtualMfaDevice>,
    /// OIDC providers by ARN.
    pub oidc_providers: OrdMap<String, OidcProvider>,
    /// SAML providers by ARN.
    pub saml_providers: OrdMap<String, SamlProvider>,
    pub server_certificates: OrdMap<String, ServerCertificate>,
    /// Account-level settings, only for accounts that changed one.
    pub accounts: OrdMap<String, AccountSettings>,
    /// Service-linked role deletions by task id.
    pub deletion_tasks: OrdMap<String, DeletionTask>,
    /// Access-advisor report jobs by job id.
    pub jobs: OrdMap<String, AccessReportJob>,
    /// Centralized root access features enabled, by organization id.
    pub organization_features: OrdMap<String, Vec<String>>,
}

/// The key of a named entity of an account.
pub fn entity_key(account_id: &str, name: &str) -> String {
    format!("{account_id}/{}", name.to_ascii_lowercase())
}

/// The range of keys of one account's entities: `<account>/` up to `<account>0`.
pub fn account_range(account_id: &str) -> (String, String) {
    (format!("{account_id}/"), format!("{account_id}0"))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// Text that is usually one of orgsim's constants (a default role's path, description or
/// AWS managed policy ARN): borrowed, it costs no allocation in each of 100,000 accounts.
pub type Text = Cow<'static, str>;

/// `text` as a borrowed [`Text`], made once for the life of the process. Only for text
/// derived from orgsim's own constants (a service's role path, an AWS managed policy's
/// ARN), so what is kept stays bounded whatever clients send.
pub fn constant(text: String) -> Text {
    Cow::Borrowed(constant_str(text))
}

/// [`constant`] as a plain `&'static str`.
pub fn constant_str(text: String) -> &'static str {
    static MADE: std::sync::Mutex<std::collections::BTreeSet<&'static str>> =
        std::sync::Mutex::new(std::collections::BTreeSet::new());
    let mut made = MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(&kept) = made.get(text.as_str()) {
        return kept;
    }
    let kept: &'static str = Box::leak(text.into_boxed_str());
    made.insert(kept);
    kept
}

/// The attachment list `[policy]` shared by every role that starts with it (a
/// default role's one AWS managed policy): one allocation, not one per account. Only
/// for orgsim's constants, so what is kept stays bounded.
pub fn shared_attachments(arn: &'static str, name: &'static str) -> Arc<Vec<AttachedPolicy>> {
    type Shared = std::collections::BTreeMap<&'static str, Arc<Vec<AttachedPolicy>>>;
    static MADE: std::sync::Mutex<Shared> = std::sync::Mutex::new(Shared::new());
    let mut made = MADE.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    made.entry(arn)
        .or_insert_with(|| {
            Arc::new(vec![AttachedPolicy {
                arn: Cow::Borrowed(arn),
                name: Cow::Borrowed(name),
            }])
        })
        .clone()
}

/// The empty attachment list, shared.
pub fn no_attachments() -> Arc<Vec<AttachedPolicy>> {
    static EMPTY: std::sync::LazyLock<Arc<Vec<AttachedPolicy>>> =
        std::sync::LazyLock::new(|| Arc::new(Vec::new()));
    EMPTY.clone()
}

/// A managed policy attached to an identity: its ARN, and its name for listings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachedPolicy {
    pub arn: Text,
    pub name: Text,
}

/// An inline policy: the name as written and the document.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InlinePolicy {
    pub name: String,
    pub document: IdentityDocument,
}

/// Inline policies by lower-cased name.
pub type InlinePolicies = BTreeMap<String, InlinePolicy>;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct User {
    pub name: String,
    pub path: String,
    /// `AIDA…`.
    pub id: String,
    pub created_ms: i64,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
    pub inline: InlinePolicies,
    pub attached: Vec<AttachedPolicy>,
    /// Lower-cased names of the groups the user is in, in the order joined.
    pub groups: Vec<String>,
    pub login_profile: Option<LoginProfile>,
    pub password_last_used_ms: Option<i64>,
    /// Serial numbers of the MFA devices enabled for the user.
    pub mfa_devices: Vec<EnabledMfa>,
    pub ssh_keys: Vec<SshPublicKey>,
    pub signing_certificates: Vec<SigningCertificate>,
    pub service_credentials: Vec<ServiceSpecificCredential>,
}

impl User {
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:user{}{}", self.path, self.name)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginProfile {
    pub created_ms: i64,
    pub password_reset_required: bool,
    /// Kept to check `ChangePassword`'s old password and password reuse.
    pub password: String,
    pub password_changed_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnabledMfa {
    pub serial_number: String,
    pub enabled_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Group {
    pub name: String,
    pub path: String,
    /// `AGPA…`.
    pub id: String,
    pub created_ms: i64,
    pub inline: InlinePolicies,
    pub attached: Vec<AttachedPolicy>,
    /// Lower-cased names of the members, in the order added.
    pub members: Vec<String>,
}

impl Group {
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:group{}{}", self.path, self.name)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Role {
    /// Borrowed for the roles orgsim makes in every account (their names are constants).
    pub name: Text,
    pub path: Text,
    /// `AROA…`, stable for the role's life; short enough to be stored inline.
    pub id: CompactString,
    pub created_ms: i64,
    pub trust_policy: TrustDocument,
    pub description: Option<Text>,
    pub max_session_duration: u32,
    pub permissions_boundary: Option<String>,
    pub tags: Vec<Tag>,
    pub inline: InlinePolicies,
    /// Shared, and copied only when changed: every account's access role and
    /// service-linked roles point at one list.
    pub attached: Arc<Vec<AttachedPolicy>>,
    /// Boxed: most roles are never used, and each of them carries the field.
    pub last_used: Option<Box<RoleLastUsed>>,
    /// For a service-linked role, the service that owns it (`guardduty.amazonaws.com`).
    pub service_linked: Option<Text>,
}

impl Role {
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:role{}{}", self.path, self.name)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RoleLastUsed {
    pub at_ms: i64,
    pub region: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ManagedPolicy {
    pub name: String,
    pub path: String,
    /// `ANPA…`.
    pub id: String,
    pub description: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// Oldest first; at most five.
    pub versions: Vec<PolicyVersion>,
    pub default_version: String,
    /// The number the next version gets (`v<N>`): numbers are never reused.
    pub next_version: u32,
    pub tags: Vec<Tag>,
}

impl ManagedPolicy {
    pub fn arn(&self, account_id: &str) -> String {
        format!("arn:aws:iam::{account_id}:policy{}{}", self.path, self.name)
    }

    pub fn default_document(&self) -> Option<&IdentityDocument> {
        self.versions
            .iter()
            .find(|v| v.id == self.default_version)
            .map(|v| &v.document)
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PolicyVersion {
    pub id: String,
    pub document: IdentityDocument,
    pub created_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessKey {
    pub id: String,
    pub secret: String,
    pub account_id: String,
    /// The owner's name as written; `None` for the account's root user.
    pub user_name: Option<String>,
    pub status: KeyStatus,
    pub created_ms: i64,
    pub last_used: Option<KeyLastUsed>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyLastUsed {
    pub at_ms: i64,
    pub service: String,
    pub region: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct InstanceProfile {
    pub name: String,
    pub path: String,
    pub id: String,
    pub created_ms: i64,
    /// Lower-cased role name (at most one role).
    pub roles: Vec<String>,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct VirtualMfaDevice {
    pub serial_number: String,
    pub account_id: String,
    /// The TOTP secret, as `Base32StringSeed` returns it.
    pub seed_base32: String,
    /// `(user name, enabled at)` once enabled; the root user's name is `None`.
    pub assigned: Option<(Option<String>, i64)>,
    /// The last time step whose code was accepted: a code works once.
    pub last_step: Option<i64>,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OidcProvider {
    pub account_id: String,
    pub url: String,
    pub client_ids: Vec<String>,
    pub thumbprints: Vec<String>,
    pub created_ms: i64,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SamlProvider {
    pub account_id: String,
    pub name: String,
    pub metadata: String,
    pub uuid: String,
    pub created_ms: i64,
    pub valid_until_ms: i64,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServerCertificate {
    pub name: String,
    pub path: String,
    pub id: String,
    pub body: String,
    pub chain: Option<String>,
    pub uploaded_ms: i64,
    pub expiration_ms: i64,
    pub tags: Vec<Tag>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SshPublicKey {
    pub id: String,
    pub body: String,
    pub fingerprint: String,
    pub status: KeyStatus,
    pub uploaded_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SigningCertificate {
    pub id: String,
    pub body: String,
    pub status: KeyStatus,
    pub uploaded_ms: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ServiceSpecificCredential {
    pub id: String,
    pub service_name: String,
    pub service_user_name: String,
    pub password: String,
    pub status: KeyStatus,
    pub created_ms: i64,
}

/// What an account has set at account level.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountSettings {
    pub aliases: Vec<String>,
    pub password_policy: Option<PasswordPolicy>,
    /// When the last credential report was generated, and when it is ready.
    pub credential_report: Option<CredentialReportRun>,
    /// The root user's MFA device serial, once enabled.
    pub root_mfa: Option<String>,
    /// Whether the root user has a password (accounts made by CreateAccount do not).
    pub root_password: Option<bool>,
    /// `v1Token` or `v2Token` (SetSecurityTokenServicePreferences).
    pub global_endpoint_token_version: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PasswordPolicy {
    pub minimum_length: u32,
    pub require_symbols: bool,
    pub require_numbers: bool,
    pub require_uppercase: bool,
    pub require_lowercase: bool,
    pub allow_users_to_change: bool,
    pub max_age_days: Option<u32>,
    pub reuse_prevention: Option<u32>,
    pub hard_expiry: Option<bool>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CredentialReportRun {
    pub generated_ms: i64,
    /// The request count after which the report is `COMPLETE` (AWS takes a moment).
    pub ready_after_request: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeletionTask {
    pub account_id: String,
    pub role_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccessReportJob {
    pub account_id: String,
    pub arn: String,
    pub granularity: String,
    pub created_ms: i64,
}
