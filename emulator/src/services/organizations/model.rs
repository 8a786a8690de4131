//! Organizations state: organizations, their trees, and the accounts orgsim knows.

use imbl::{OrdMap, OrdSet};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

use compact_str::CompactString;

use crate::policy::{Dialect, PolicyDocument};

/// All organizations of the world and the accounts they hold.
///
/// Ids and names held once per account are `CompactString`s: account, OU, root and
/// policy ids fit inline, so 100,000 accounts do not cost a million small allocations.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct OrganizationsState {
    pub organizations: OrdMap<String, Organization>,
    /// Which organization each member account belongs to.
    pub membership: OrdMap<CompactString, CompactString>,
    /// Every account with a name and an email (created, invited or management).
    /// Add records with `add_account_record`, which keeps `emails` in step.
    pub accounts: OrdMap<CompactString, AccountRecord>,
    /// Lower-cased email → account id, for the uniqueness check.
    pub emails: OrdMap<String, CompactString>,
    /// `CreateAccount` requests by `car-` id (boxed: a map node holds room for many).
    pub create_requests: OrdMap<String, Box<CreateAccountRequest>>,
    /// Requests still `IN_PROGRESS`.
    pub pending_creations: OrdSet<String>,
    /// Every handshake by `h-` id: invitations reach accounts outside any organization,
    /// so handshakes live beside the organizations, not inside one.
    pub handshakes: OrdMap<String, Handshake>,
    /// Handshake ids by sending organization.
    #[serde(default)]
    pub handshakes_by_organization: OrdMap<String, OrdSet<String>>,
    /// Handshake ids by recipient: an account id, or a lower-cased email address.
    #[serde(default)]
    pub handshakes_by_recipient: OrdMap<String, OrdSet<String>>,
    /// Accounts whose `CloseAccount` is still `PENDING_CLOSURE`, with the request
    /// number that asked (they are suspended in a later request).
    #[serde(default)]
    pub pending_closures: OrdMap<String, u64>,
}

impl OrganizationsState {
    /// The organization `account_id` belongs to.
    pub fn organization_of(&self, account_id: &str) -> Option<&Organization> {
        self.membership
            .get(account_id)
            .and_then(|org_id| self.organizations.get(org_id.as_str()))
    }

    pub fn organization_of_mut(&mut self, account_id: &str) -> Option<&mut Organization> {
        let org_id = self.membership.get(account_id)?.clone();
        self.organizations.get_mut(org_id.as_str())
    }

    /// Whether any account orgsim knows already uses `email` (AWS: case-insensitive).
    pub fn email_in_use(&self, email: &str) -> bool {
        self.emails.contains_key(&email.to_ascii_lowercase())
    }

    /// The account that uses `email`, if orgsim knows one.
    pub fn account_with_email(&self, email: &str) -> Option<&CompactString> {
        self.emails.get(&email.to_ascii_lowercase())
    }

    /// Records an account's name and email (keeping the email index in step);
    /// an account orgsim already knows keeps its record.
    pub fn add_account_record(&mut self, record: AccountRecord) {
        if self.accounts.contains_key(&record.id) {
            return;
        }
        self.emails
            .insert(record.email.to_ascii_lowercase(), record.id.clone());
        self.accounts.insert(record.id.clone(), record);
    }
}

/// An AWS account as Organizations records it, in or out of an organization.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountRecord {
    pub id: CompactString,
    pub name: CompactString,
    pub email: String,
    pub created_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum FeatureSet {
    All,
    ConsolidatedBilling,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JoinedMethod {
    Invited,
    Created,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountState {
    PendingActivation,
    Active,
    Suspended,
    PendingClosure,
    Closed,
}

/// One organization: its root, OU tree and member accounts.
///
/// Maps keyed by entity are `imbl` (cheap to clone for atomic operations); the small
/// per-entity collections inside them are `std` ones, since an `imbl` node per account
/// would cost kilobytes at 100,000 accounts.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Organization {
    pub id: String,
    pub management_account_id: String,
    pub feature_set: FeatureSet,
    pub root: Root,
    pub ous: OrdMap<String, OrganizationalUnit>,
    /// `<parent id>/<name>` → OU id: names are unique under a parent, checked in
    /// O(log n) rather than by scanning the siblings.
    #[serde(default)]
    pub ou_names: OrdMap<String, String>,
    /// Children of the root and of every OU, by parent id.
    pub children: OrdMap<CompactString, Children>,
    pub members: OrdMap<CompactString, Member>,
    /// Policies attached to each target (root, OU or account id), sorted; a handful
    /// per target, so a `Vec` (a set per account would cost far more memory).
    pub attachments: OrdMap<CompactString, Vec<CompactString>>,
    pub created_ms: i64,
    /// Customer-managed policies by id (AWS-managed ones are constants in `policies`).
    pub policies: OrdMap<String, Policy>,
    /// Targets each policy is attached to: the reverse of `attachments`.
    pub policy_targets: OrdMap<CompactString, OrdSet<CompactString>>,
    /// Trusted access: service principal → when it was enabled (ms).
    pub enabled_services: OrdMap<String, i64>,
    /// Delegated administrators: account id → service principal → since (ms).
    pub delegated_admins: OrdMap<String, BTreeMap<String, i64>>,
    pub resource_policy: Option<ResourcePolicy>,
    /// Tags by resource id (account, OU, root, policy, resource policy): key → value.
    pub tags: OrdMap<String, BTreeMap<String, String>>,
    /// The `ENABLE_ALL_FEATURES` handshake while a migration to all features runs.
    pub all_features_handshake: Option<String>,
}

/// A customer-managed policy of any type.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "StoredPolicy")]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub description: String,
    /// A `PolicyType` value, e.g. `SERVICE_CONTROL_POLICY`.
    pub policy_type: String,
    /// Change it with [`Policy::set_content`], which keeps `document` in step.
    pub content: String,
    pub updated_ms: i64,
    /// SCPs and RCPs, parsed once when written (and when a snapshot loads), so a request
    /// never parses JSON.
    #[serde(skip)]
    pub document: Option<Arc<PolicyDocument>>,
}

impl Policy {
    pub fn new(
        id: String,
        name: String,
        description: String,
        policy_type: String,
        content: String,
        updated_ms: i64,
    ) -> Policy {
        let document = parse_authorization_policy(&policy_type, &content);
        Policy {
            id,
            name,
            description,
            policy_type,
            content,
            updated_ms,
            document,
        }
    }

    pub fn set_content(&mut self, content: String) {
        self.document = parse_authorization_policy(&self.policy_type, &content);
        self.content = content;
    }
}

/// The parsed form of an SCP or RCP; `None` for other types (and unparsable text).
fn parse_authorization_policy(policy_type: &str, content: &str) -> Option<Arc<PolicyDocument>> {
    let dialect = match policy_type {
        SERVICE_CONTROL_POLICY => Dialect::ServiceControlPolicy,
        RESOURCE_CONTROL_POLICY => Dialect::ResourceControlPolicy,
        _ => return None,
    };
    crate::policy::parse(content, dialect).ok().map(Arc::new)
}

/// A policy as snapshots hold it: without the parsed form, which loading rebuilds.
#[derive(Deserialize)]
struct StoredPolicy {
    id: String,
    name: String,
    description: String,
    policy_type: String,
    content: String,
    updated_ms: i64,
}

impl From<StoredPolicy> for Policy {
    fn from(p: StoredPolicy) -> Policy {
        Policy::new(
            p.id,
            p.name,
            p.description,
            p.policy_type,
            p.content,
            p.updated_ms,
        )
    }
}

/// The organization's resource-based delegation policy.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ResourcePolicy {
    pub id: String,
    pub content: String,
}

/// A handshake (invitation, enable-all-features request or approval). The state is as
/// last written: an `OPEN`/`REQUESTED` one past `expiration_ms` reads as `EXPIRED`
/// (see `handshakes::state_at`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Handshake {
    pub id: String,
    pub organization_id: String,
    pub management_account_id: String,
    pub action: HandshakeAction,
    pub state: HandshakeState,
    /// The organization first, then the recipient (account or email) if there is one.
    pub parties: Vec<HandshakeParty>,
    /// What the handshake showed when sent (the sender's email, name, feature set…).
    pub resources: Vec<HandshakeResource>,
    pub notes: Option<String>,
    pub requested_ms: i64,
    pub expiration_ms: i64,
    /// When it was accepted, declined or cancelled.
    pub responded_ms: Option<i64>,
    pub parent_handshake_id: Option<String>,
    /// Tags to put on the account when an invitation is accepted.
    pub tags: Vec<(String, String)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakeAction {
    Invite,
    EnableAllFeatures,
    ApproveAllFeatures,
    AddOrganizationsServiceLinkedRole,
    TransferResponsibility,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakeState {
    Requested,
    Open,
    Canceled,
    Accepted,
    Declined,
    Expired,
}

impl HandshakeState {
    /// Whether the handshake still waits for an answer.
    pub fn is_pending(self) -> bool {
        matches!(self, HandshakeState::Requested | HandshakeState::Open)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HandshakePartyType {
    Account,
    Organization,
    Email,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeParty {
    pub id: String,
    pub party_type: HandshakePartyType,
}

/// One `HandshakeResource`: a typed value, possibly with nested resources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeResource {
    /// A `HandshakeResourceType` value, e.g. `MASTER_EMAIL`.
    pub resource_type: String,
    pub value: String,
    pub resources: Vec<HandshakeResource>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Root {
    pub id: String,
    pub name: String,
    /// Policy types enabled in the root.
    pub policy_types: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OrganizationalUnit {
    pub id: String,
    pub name: String,
    pub parent_id: String,
}

/// What sits directly under a root or an OU.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Children {
    pub ous: OrdSet<CompactString>,
    pub accounts: OrdSet<CompactString>,
}

/// An account's membership in an organization.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Member {
    pub account_id: CompactString,
    pub parent_id: CompactString,
    pub joined_method: JoinedMethod,
    pub joined_ms: i64,
    pub state: AccountState,
    /// When `CloseAccount` was called, if it was.
    pub closed_ms: Option<i64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreateAccountState {
    InProgress,
    Succeeded,
    Failed,
}

/// A `CreateAccount` request and how it ended (its `car-` id is its key).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CreateAccountRequest {
    pub organization_id: CompactString,
    pub account_name: CompactString,
    /// What only creating the account needs; dropped once the request has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Box<PendingCreation>>,
    pub state: CreateAccountState,
    pub requested_ms: i64,
    /// Request number (world.request_count) that made it; it completes in a later one.
    pub requested_in: u64,
    pub completed_ms: Option<i64>,
    pub account_id: Option<CompactString>,
    pub failure_reason: Option<String>,
}

/// The parts of a `CreateAccount` request the account is made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingCreation {
    pub email: String,
    pub role_name: std::borrow::Cow<'static, str>,
    pub tags: Vec<(String, String)>,
}

pub const FULL_AWS_ACCESS: &str = "p-FullAWSAccess";
pub const SERVICE_CONTROL_POLICY: &str = "SERVICE_CONTROL_POLICY";
pub const RESOURCE_CONTROL_POLICY: &str = "RESOURCE_CONTROL_POLICY";

impl Organization {
    /// Takes `account_id` in as an active member under the root, with the default
    /// policy of every enabled type attached, as AWS does for created and invited
    /// accounts alike.
    pub fn admit(&mut self, account_id: &str, joined_method: JoinedMethod, now: i64) {
        let root_id = CompactString::from(self.root.id.as_str());
        self.members.insert(
            account_id.into(),
            Member {
                account_id: account_id.into(),
                parent_id: root_id.clone(),
                joined_method,
                joined_ms: now,
                state: AccountState::Active,
                closed_ms: None,
            },
        );
        self.children
            .entry(root_id)
            .or_default()
            .accounts
            .insert(account_id.into());
        super::policy_types::attach_default_policies(self, account_id);
    }

    pub fn arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:organization/{}",
            self.management_account_id, self.id
        )
    }

    pub fn root_arn(&self) -> String {
        format!(
            "arn:aws:organizations::{}:root/{}/{}",
            self.management_account_id, self.id, self.root.id
        )
    }

    pub fn ou_arn(&self, ou_id: &str) -> String {
        format!(
            "arn:aws:organizations::{}:ou/{}/{ou_id}",
            self.management_account_id, self.id
        )
    }

    pub fn account_arn(&self, account_id: &str) -> String {
        format!(
            "arn:aws:organizations::{}:account/{}/{account_id}",
            self.management_account_id, self.id
        )
    }

    pub fn is_parent(&self, id: &str) -> bool {
        id == self.root.id || self.ous.contains_key(id)
    }

    /// Ids from the root down to `parent_id`, inclusive.
    pub fn lineage(&self, parent_id: &str) -> Vec<String> {
        let mut chain = vec![parent_id.to_string()];
        let mut current = parent_id;
        while let Some(ou) = self.ous.get(current) {
            chain.push(ou.parent_id.clone());
            current = &ou.parent_id;
        }
        chain.reverse();
        chain
    }

    /// `o-…/r-…/ou-…/` for a container (root or OU).
    pub fn path_of_parent(&self, parent_id: &str) -> String {
        let mut path = format!("{}/", self.id);
        for id in self.lineage(parent_id) {
            path.push_str(&id);
            path.push('/');
        }
        path
    }

    /// Attaches a policy to a target, keeping both directions of the index.
    pub fn attach(&mut self, policy_id: &str, target_id: &str) {
        let attached = self.attachments.entry(target_id.into()).or_default();
        if let Err(at) = attached.binary_search_by(|p| p.as_str().cmp(policy_id)) {
            attached.insert(at, policy_id.into());
        }
        self.policy_targets
            .entry(policy_id.into())
            .or_default()
            .insert(target_id.into());
    }

    pub fn detach(&mut self, policy_id: &str, target_id: &str) {
        if let Some(policies) = self.attachments.get_mut(target_id) {
            policies.retain(|p| p != policy_id);
        }
        if let Some(targets) = self.policy_targets.get_mut(policy_id) {
            targets.remove(target_id);
        }
    }

    /// Removes every attachment of a target that is going away (OU deleted, account left).
    pub fn detach_all_from(&mut self, target_id: &str) {
        if let Some(policies) = self.attachments.remove(target_id) {
            for policy_id in policies.iter() {
                if let Some(targets) = self.policy_targets.get_mut(policy_id) {
                    targets.remove(target_id);
                }
            }
        }
    }

    /// The key of `ou_names` for an OU name under a parent.
    pub fn ou_name_key(parent_id: &str, name: &str) -> String {
        format!("{parent_id}/{name}")
    }

    /// Whether a policy is attached directly to a target.
    pub fn is_attached(&self, policy_id: &str, target_id: &str) -> bool {
        self.attachments
            .get(target_id)
            .is_some_and(|p| p.iter().any(|id| id == policy_id))
    }

    /// Whether a policy type is enabled in the root.
    pub fn policy_type_enabled(&self, policy_type: &str) -> bool {
        self.root.policy_types.iter().any(|t| t == policy_type)
    }

    /// Levels of OUs from the root down to `parent_id` (the root is 0).
    pub fn depth_of(&self, parent_id: &str) -> usize {
        self.lineage(parent_id).len() - 1
    }
}
