//! sso-admin state: instances, permission sets with their policies, account
//! assignments and the asynchronous requests that made them, the roles provisioned
//! into accounts, and the smaller configuration objects (access control attributes,
//! trusted token issuers, applications, Regions).

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// sso-admin's state.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SsoAdminState {
    /// Instances by ARN.
    pub instances: OrdMap<String, Instance>,
    /// The organization instance of each organization, by organization id.
    pub org_instances: OrdMap<String, String>,
    /// Permission sets by ARN.
    pub permission_sets: OrdMap<String, PermissionSet>,
    /// Account assignments by [`Assignment::key`].
    pub assignments: OrdMap<String, Assignment>,
    /// CreateAccountAssignment / DeleteAccountAssignment requests by request id.
    pub assignment_requests: OrdMap<String, AssignmentRequest>,
    /// ProvisionPermissionSet requests by request id.
    pub provisioning_requests: OrdMap<String, ProvisioningRequest>,
    /// Roles provisioned into accounts, by `<permission set ARN>|<account>`.
    pub provisioned: OrdMap<String, Provisioned>,
    /// Trusted token issuers by ARN.
    pub trusted_token_issuers: OrdMap<String, Value>,
    /// Applications by ARN.
    pub applications: OrdMap<String, Value>,
    /// Application assignments by `<application ARN>|<type>|<principal id>`.
    pub application_assignments: OrdMap<String, Value>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Instance {
    pub arn: String,
    pub identity_store_id: String,
    pub owner_account: String,
    pub name: Option<String>,
    pub created_ms: i64,
    /// The organization of the organization instance; `None` for an account instance.
    pub organization_id: Option<String>,
    /// The Region the instance lives in.
    pub region: String,
    /// The hex of the SAML provider `AWSSSO_<hex>_DO_NOT_DELETE` in each account.
    pub saml_hex: String,
    pub tags: Vec<Tag>,
    /// Attribute-based access control: `InstanceAccessControlAttributeConfiguration`.
    pub access_control_attributes: Option<Value>,
    pub access_control_created_ms: i64,
    /// Regions added with `AddRegion` (the primary Region is `region`).
    pub added_regions: OrdMap<String, i64>,
}

/// A permissions boundary: an AWS managed policy or a customer managed one by name.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Boundary {
    ManagedPolicyArn(String),
    CustomerManaged { name: String, path: String },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PermissionSet {
    pub arn: String,
    pub instance_arn: String,
    pub name: String,
    pub description: Option<String>,
    /// ISO 8601 duration (`PT1H`).
    pub session_duration: String,
    pub relay_state: Option<String>,
    pub created_ms: i64,
    pub tags: Vec<Tag>,
    /// AWS managed policy ARNs, in the order attached.
    pub managed_policies: Vec<String>,
    pub inline_policy: Option<String>,
    /// Customer managed policy references (name, path).
    pub customer_managed: Vec<(String, String)>,
    pub boundary: Option<Boundary>,
    /// Bumped by every change that provisioning must carry to the accounts.
    pub revision: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Assignment {
    pub instance_arn: String,
    pub account_id: String,
    pub permission_set_arn: String,
    /// `USER` or `GROUP`.
    pub principal_type: String,
    pub principal_id: String,
    pub created_ms: i64,
}

impl Assignment {
    pub fn key(
        account: &str,
        permission_set: &str,
        principal_type: &str,
        principal: &str,
    ) -> String {
        format!("{account}|{permission_set}|{principal_type}|{principal}")
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AssignmentRequest {
    pub id: String,
    pub instance_arn: String,
    pub deletion: bool,
    /// `FAILED` with this reason, or `SUCCEEDED` once the request is no longer the
    /// one being answered.
    pub failure_reason: Option<String>,
    pub account_id: String,
    pub permission_set_arn: String,
    pub principal_type: String,
    pub principal_id: String,
    pub created_ms: i64,
    /// The request number that made it: it reads `IN_PROGRESS` in that answer only.
    pub request_number: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProvisioningRequest {
    pub id: String,
    pub instance_arn: String,
    pub permission_set_arn: String,
    pub account_id: Option<String>,
    pub failure_reason: Option<String>,
    pub created_ms: i64,
    pub request_number: u64,
}

/// A permission set's role in one account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Provisioned {
    pub permission_set_arn: String,
    pub account_id: String,
    pub role_name: String,
    /// The permission set revision the role carries.
    pub revision: u64,
}

impl Provisioned {
    pub fn key(permission_set: &str, account: &str) -> String {
        format!("{permission_set}|{account}")
    }
}
