//! AWS IAM (awsQuery, global): users, groups, roles with trust policies, managed and
//! inline policies, permissions boundaries, access keys that authenticate, login
//! profiles, virtual MFA with real TOTP, account settings, the credential report,
//! service-linked roles, identity providers, and centralized root access. The
//! identities' policies are what `authorize` evaluates on every call.
//!
//! awsQuery carries every input member as text: the input structs parse numbers and
//! booleans through [`dto::de`]. Policy documents come back URL-encoded, as AWS sends
//! them.

pub mod access_advisor;
pub mod access_keys;
pub mod account;
pub mod credential_report;
pub mod documents;
pub mod dto;
pub mod errors;
pub mod groups;
pub mod identities;
pub mod instance_profiles;
pub mod login;
pub mod managed;
pub mod mfa;
pub mod model;
pub mod operations;
pub mod policies;
pub mod policy_entities;
pub mod providers;
pub mod roles;
pub mod root_access;
pub mod service_linked;
pub mod shapes;
pub mod simulate;
pub mod totp;
pub mod user_credentials;
pub mod users;
pub mod validate;

use serde_json::Value;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::{Caller, Principal};
use crate::world::World;
use errors::IamError;
use model::{entity_key, AccountSettings, Group, Role, User};

pub use model::IamState;

/// IAM's state.
pub type State = IamState;

service_operations!(ServiceId::Iam, IamError::from_input, {
    "CreateUser" => users::create_user,
    "GetUser" => users::get_user,
    "UpdateUser" => users::update_user,
    "DeleteUser" => users::delete_user,
    "ListUsers" => users::list_users,
    "TagUser" => users::tag_user,
    "UntagUser" => users::untag_user,
    "ListUserTags" => users::list_user_tags,
    "PutUserPermissionsBoundary" => users::put_user_permissions_boundary,
    "DeleteUserPermissionsBoundary" => users::delete_user_permissions_boundary,
    "CreateGroup" => groups::create_group,
    "GetGroup" => groups::get_group,
    "UpdateGroup" => groups::update_group,
    "DeleteGroup" => groups::delete_group,
    "ListGroups" => groups::list_groups,
    "AddUserToGroup" => groups::add_user_to_group,
    "RemoveUserFromGroup" => groups::remove_user_from_group,
    "ListGroupsForUser" => groups::list_groups_for_user,
    "CreateRole" => roles::create_role,
    "GetRole" => roles::get_role,
    "UpdateRole" => roles::update_role,
    "UpdateRoleDescription" => roles::update_role_description,
    "UpdateAssumeRolePolicy" => roles::update_assume_role_policy,
    "DeleteRole" => roles::delete_role,
    "ListRoles" => roles::list_roles,
    "TagRole" => roles::tag_role,
    "UntagRole" => roles::untag_role,
    "ListRoleTags" => roles::list_role_tags,
    "PutRolePermissionsBoundary" => roles::put_role_permissions_boundary,
    "DeleteRolePermissionsBoundary" => roles::delete_role_permissions_boundary,
    "CreateServiceLinkedRole" => service_linked::create_service_linked_role,
    "DeleteServiceLinkedRole" => service_linked::delete_service_linked_role,
    "GetServiceLinkedRoleDeletionStatus" => service_linked::get_service_linked_role_deletion_status,
    "PutUserPolicy" => identities::put_user_policy,
    "PutGroupPolicy" => identities::put_group_policy,
    "PutRolePolicy" => identities::put_role_policy,
    "GetUserPolicy" => identities::get_user_policy,
    "GetGroupPolicy" => identities::get_group_policy,
    "GetRolePolicy" => identities::get_role_policy,
    "DeleteUserPolicy" => identities::delete_user_policy,
    "DeleteGroupPolicy" => identities::delete_group_policy,
    "DeleteRolePolicy" => identities::delete_role_policy,
    "ListUserPolicies" => identities::list_user_policies,
    "ListGroupPolicies" => identities::list_group_policies,
    "ListRolePolicies" => identities::list_role_policies,
    "AttachUserPolicy" => identities::attach_user_policy,
    "AttachGroupPolicy" => identities::attach_group_policy,
    "AttachRolePolicy" => identities::attach_role_policy,
    "DetachUserPolicy" => identities::detach_user_policy,
    "DetachGroupPolicy" => identities::detach_group_policy,
    "DetachRolePolicy" => identities::detach_role_policy,
    "ListAttachedUserPolicies" => identities::list_attached_user_policies,
    "ListAttachedGroupPolicies" => identities::list_attached_group_policies,
    "ListAttachedRolePolicies" => identities::list_attached_role_policies,
    "CreatePolicy" => policies::create_policy,
    "GetPolicy" => policies::get_policy,
    "DeletePolicy" => policies::delete_policy,
    "ListPolicies" => policies::list_policies,
    "CreatePolicyVersion" => policies::create_policy_version,
    "GetPolicyVersion" => policies::get_policy_version,
    "DeletePolicyVersion" => policies::delete_policy_version,
    "ListPolicyVersions" => policies::list_policy_versions,
    "SetDefaultPolicyVersion" => policies::set_default_policy_version,
    "TagPolicy" => policies::tag_policy,
    "UntagPolicy" => policies::untag_policy,
    "ListPolicyTags" => policies::list_policy_tags,
    "ListEntitiesForPolicy" => policy_entities::list_entities_for_policy,
    "CreateAccessKey" => access_keys::create_access_key,
    "UpdateAccessKey" => access_keys::update_access_key,
    "DeleteAccessKey" => access_keys::delete_access_key,
    "ListAccessKeys" => access_keys::list_access_keys,
    "GetAccessKeyLastUsed" => access_keys::get_access_key_last_used,
    "CreateLoginProfile" => login::create_login_profile,
    "GetLoginProfile" => login::get_login_profile,
    "UpdateLoginProfile" => login::update_login_profile,
    "DeleteLoginProfile" => login::delete_login_profile,
    "ChangePassword" => login::change_password,
    "UpdateAccountPasswordPolicy" => login::update_account_password_policy,
    "GetAccountPasswordPolicy" => login::get_account_password_policy,
    "DeleteAccountPasswordPolicy" => login::delete_account_password_policy,
    "CreateVirtualMFADevice" => mfa::create_virtual_mfa_device,
    "DeleteVirtualMFADevice" => mfa::delete_virtual_mfa_device,
    "ListVirtualMFADevices" => mfa::list_virtual_mfa_devices,
    "EnableMFADevice" => mfa::enable_mfa_device,
    "DeactivateMFADevice" => mfa::deactivate_mfa_device,
    "ResyncMFADevice" => mfa::resync_mfa_device,
    "ListMFADevices" => mfa::list_mfa_devices,
    "GetMFADevice" => mfa::get_mfa_device,
    "TagMFADevice" => mfa::tag_mfa_device,
    "UntagMFADevice" => mfa::untag_mfa_device,
    "ListMFADeviceTags" => mfa::list_mfa_device_tags,
    "CreateAccountAlias" => account::create_account_alias,
    "DeleteAccountAlias" => account::delete_account_alias,
    "ListAccountAliases" => account::list_account_aliases,
    "GetAccountSummary" => account::get_account_summary,
    "GetAccountAuthorizationDetails" => account::get_account_authorization_details,
    "SetSecurityTokenServicePreferences" => account::set_security_token_service_preferences,
    "GenerateCredentialReport" => credential_report::generate_credential_report,
    "GetCredentialReport" => credential_report::get_credential_report,
    "ListOrganizationsFeatures" => root_access::list_organizations_features,
    "EnableOrganizationsRootCredentialsManagement" => root_access::enable_organizations_root_credentials_management,
    "DisableOrganizationsRootCredentialsManagement" => root_access::disable_organizations_root_credentials_management,
    "EnableOrganizationsRootSessions" => root_access::enable_organizations_root_sessions,
    "DisableOrganizationsRootSessions" => root_access::disable_organizations_root_sessions,
    "CreateOpenIDConnectProvider" => providers::create_open_id_connect_provider,
    "GetOpenIDConnectProvider" => providers::get_open_id_connect_provider,
    "DeleteOpenIDConnectProvider" => providers::delete_open_id_connect_provider,
    "ListOpenIDConnectProviders" => providers::list_open_id_connect_providers,
    "AddClientIDToOpenIDConnectProvider" => providers::add_client_id_to_open_id_connect_provider,
    "RemoveClientIDFromOpenIDConnectProvider" => providers::remove_client_id_from_open_id_connect_provider,
    "UpdateOpenIDConnectProviderThumbprint" => providers::update_open_id_connect_provider_thumbprint,
    "TagOpenIDConnectProvider" => providers::tag_provider,
    "UntagOpenIDConnectProvider" => providers::untag_provider,
    "ListOpenIDConnectProviderTags" => providers::list_provider_tags,
    "CreateSAMLProvider" => providers::create_saml_provider,
    "GetSAMLProvider" => providers::get_saml_provider,
    "UpdateSAMLProvider" => providers::update_saml_provider,
    "DeleteSAMLProvider" => providers::delete_saml_provider,
    "ListSAMLProviders" => providers::list_saml_providers,
    "TagSAMLProvider" => providers::tag_provider,
    "UntagSAMLProvider" => providers::untag_provider,
    "ListSAMLProviderTags" => providers::list_provider_tags,
    "CreateInstanceProfile" => instance_profiles::create_instance_profile,
    "GetInstanceProfile" => instance_profiles::get_instance_profile,
    "DeleteInstanceProfile" => instance_profiles::delete_instance_profile,
    "ListInstanceProfiles" => instance_profiles::list_instance_profiles,
    "ListInstanceProfilesForRole" => instance_profiles::list_instance_profiles_for_role,
    "AddRoleToInstanceProfile" => instance_profiles::add_role_to_instance_profile,
    "RemoveRoleFromInstanceProfile" => instance_profiles::remove_role_from_instance_profile,
    "TagInstanceProfile" => instance_profiles::tag_instance_profile,
    "UntagInstanceProfile" => instance_profiles::untag_instance_profile,
    "ListInstanceProfileTags" => instance_profiles::list_instance_profile_tags,
    "UploadSSHPublicKey" => user_credentials::upload_ssh_public_key,
    "GetSSHPublicKey" => user_credentials::get_ssh_public_key,
    "UpdateSSHPublicKey" => user_credentials::update_ssh_public_key,
    "DeleteSSHPublicKey" => user_credentials::delete_ssh_public_key,
    "ListSSHPublicKeys" => user_credentials::list_ssh_public_keys,
    "UploadSigningCertificate" => user_credentials::upload_signing_certificate,
    "UpdateSigningCertificate" => user_credentials::update_signing_certificate,
    "DeleteSigningCertificate" => user_credentials::delete_signing_certificate,
    "ListSigningCertificates" => user_credentials::list_signing_certificates,
    "CreateServiceSpecificCredential" => user_credentials::create_service_specific_credential,
    "ResetServiceSpecificCredential" => user_credentials::reset_service_specific_credential,
    "UpdateServiceSpecificCredential" => user_credentials::update_service_specific_credential,
    "DeleteServiceSpecificCredential" => user_credentials::delete_service_specific_credential,
    "ListServiceSpecificCredentials" => user_credentials::list_service_specific_credentials,
    "UploadServerCertificate" => user_credentials::upload_server_certificate,
    "GetServerCertificate" => user_credentials::get_server_certificate,
    "UpdateServerCertificate" => user_credentials::update_server_certificate,
    "DeleteServerCertificate" => user_credentials::delete_server_certificate,
    "ListServerCertificates" => user_credentials::list_server_certificates,
    "TagServerCertificate" => user_credentials::tag_server_certificate,
    "UntagServerCertificate" => user_credentials::untag_server_certificate,
    "ListServerCertificateTags" => user_credentials::list_server_certificate_tags,
    "SimulatePrincipalPolicy" => simulate::simulate_principal_policy,
    "SimulateCustomPolicy" => simulate::simulate_custom_policy,
    "GetContextKeysForPrincipalPolicy" => simulate::get_context_keys_for_principal_policy,
    "GetContextKeysForCustomPolicy" => simulate::get_context_keys_for_custom_policy,
    "GenerateServiceLastAccessedDetails" => access_advisor::generate_service_last_accessed_details,
    "GetServiceLastAccessedDetails" => access_advisor::get_service_last_accessed_details,
    "GetServiceLastAccessedDetailsWithEntities" => access_advisor::get_service_last_accessed_details_with_entities,
    "ListPoliciesGrantingServiceAccess" => access_advisor::list_policies_granting_service_access,
});

/// How orgsim serves AWS IAM.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "iam",
    wire: Wire::AwsQuery {
        version: operations::API_VERSION,
        namespace: operations::XML_NAMESPACE,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDenied", 403),
    global: true,
    on_org_event: Some(on_org_event),
    on_request: None,
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// IAM's quotas (IAM User Guide, "IAM and AWS STS quotas"): AWS's defaults.
pub mod quotas {
    pub const USERS: usize = 5000;
    pub const GROUPS: usize = 300;
    pub const ROLES: usize = 1000;
    pub const MANAGED_POLICIES: usize = 1500;
    pub const GROUPS_PER_USER: usize = 10;
    /// Managed policies attached to one user, group or role (AWS: 10, up to 20).
    pub const ATTACHED_PER_IDENTITY: usize = 10;
    pub const ACCESS_KEYS_PER_USER: usize = 2;
    pub const POLICY_VERSIONS: usize = 5;
    pub const USER_POLICY_SIZE: usize = 2048;
    pub const GROUP_POLICY_SIZE: usize = 5120;
    pub const ROLE_POLICY_SIZE: usize = 10240;
    pub const MANAGED_POLICY_SIZE: usize = 6144;
}

/// Organizations' service-linked role lands in every account that joins (AWS creates
/// it in created and invited accounts alike).
fn on_org_event(world: &mut World, event: &crate::events::OrgEvent) {
    if let crate::events::OrgEvent::AccountJoined { account_id, .. } = event {
        service_linked::ensure(world, account_id, "organizations.amazonaws.com");
    }
}

/// The ARN an IAM operation acts on (Service Authorization Reference resource types).
fn resource_arn(_world: &World, caller: &Caller, operation: &str, input: &Value) -> Option<String> {
    let account_id = &caller.account_id;
    let text = |key: &str| input.get(key).and_then(Value::as_str);
    if let Some(arn) = text("PolicyArn")
        .or_else(|| text("OpenIDConnectProviderArn"))
        .or_else(|| text("SAMLProviderArn"))
    {
        return Some(arn.to_string());
    }
    if operation.contains("MFADevice") {
        if let Some(serial) = text("SerialNumber") {
            return Some(serial.to_string());
        }
    }
    if let Some(name) = text("RoleName") {
        return Some(format!("arn:aws:iam::{account_id}:role/{name}"));
    }
    if let Some(name) = text("GroupName") {
        return Some(format!("arn:aws:iam::{account_id}:group/{name}"));
    }
    if let Some(name) = text("UserName") {
        return Some(format!("arn:aws:iam::{account_id}:user/{name}"));
    }
    if let Some(name) = text("InstanceProfileName") {
        return Some(format!("arn:aws:iam::{account_id}:instance-profile/{name}"));
    }
    match operation {
        "CreateAccessKey" | "ListAccessKeys" | "GetUser" | "CreateLoginProfile"
        | "GetLoginProfile" | "DeleteLoginProfile" | "ListMFADevices" | "ChangePassword" => {
            Some(match &caller.principal {
                Principal::User { user_name, .. } => {
                    format!("arn:aws:iam::{account_id}:user/{user_name}")
                }
                _ => format!("arn:aws:iam::{account_id}:root"),
            })
        }
        _ => None,
    }
}

/// The account an IAM call acts in: the caller's.
pub fn account(caller: &Caller) -> &str {
    &caller.account_id
}

/// A fresh IAM unique id: a four-letter prefix and 17 characters, as AWS's.
pub fn new_id(world: &mut World, prefix: &str) -> String {
    format!("{prefix}{}", world.ids.upper_alnum(17))
}

/// The account's settings, created on first change.
pub fn settings_mut<'w>(world: &'w mut World, account_id: &str) -> &'w mut AccountSettings {
    world
        .iam
        .accounts
        .entry(account_id.to_string())
        .or_default()
}

pub fn user<'w>(world: &'w World, account_id: &str, name: &str) -> Result<&'w User, IamError> {
    world
        .iam
        .users
        .get(&entity_key(account_id, name))
        .ok_or_else(|| IamError::no_such(format!("The user with name {name} cannot be found.")))
}

pub fn group<'w>(world: &'w World, account_id: &str, name: &str) -> Result<&'w Group, IamError> {
    world
        .iam
        .groups
        .get(&entity_key(account_id, name))
        .ok_or_else(|| IamError::no_such(format!("The group with name {name} cannot be found.")))
}

pub fn role<'w>(world: &'w World, account_id: &str, name: &str) -> Result<&'w Role, IamError> {
    world
        .iam
        .roles
        .get(&entity_key(account_id, name))
        .map(|role| &**role)
        .ok_or_else(|| IamError::no_such(format!("The role with name {name} cannot be found.")))
}

/// `UserName`, or the calling IAM user when it is omitted.
pub fn user_or_caller(caller: &Caller, name: Option<&str>) -> Result<String, IamError> {
    match (name, &caller.principal) {
        (Some(name), _) => Ok(name.to_string()),
        (None, Principal::User { user_name, .. }) => Ok(user_name.clone()),
        _ => Err(IamError::Validation(
            "Must specify userName when calling with non-User credentials".into(),
        )),
    }
}

/// The user named, the calling user, or (`None`) the account's root user when the
/// root calls without `UserName`.
pub fn user_or_root(
    world: &World,
    caller: &Caller,
    name: Option<&str>,
) -> Result<Option<String>, IamError> {
    let account_id = account(caller);
    match (name, &caller.principal) {
        (Some(name), _) => Ok(Some(user(world, account_id, name)?.name.clone())),
        (None, Principal::User { user_name, .. }) => {
            Ok(Some(user(world, account_id, user_name)?.name.clone()))
        }
        (None, Principal::Root) => Ok(None),
        (None, _) => Err(IamError::Validation(
            "Must specify userName when calling with non-User credentials".into(),
        )),
    }
}

/// The managed policy an ARN names, for use as a permissions boundary.
pub fn boundary_policy(world: &World, account_id: &str, arn: &str) -> Result<(), IamError> {
    attachable_policy(world, account_id, arn)
        .map(|_| ())
        .map_err(|_| {
            IamError::InvalidInput(format!(
                "ARN {arn} is not valid for use as a permissions boundary."
            ))
        })
}

/// The name of the managed policy an ARN names (AWS managed, or the account's own).
pub fn attachable_policy(world: &World, account_id: &str, arn: &str) -> Result<String, IamError> {
    if let Some(m) = managed::by_arn(arn) {
        return Ok(m.policy.name.to_string());
    }
    let name = arn
        .strip_prefix(&format!("arn:aws:iam::{account_id}:policy/"))
        .and_then(|rest| rest.rsplit('/').next());
    match name.and_then(|n| world.iam.policies.get(&entity_key(account_id, n))) {
        Some(p) if p.arn(account_id) == arn => Ok(p.name.clone()),
        _ => Err(IamError::no_such(format!(
            "Policy {arn} does not exist or is not attachable."
        ))),
    }
}

/// When an account came to be, as far as orgsim knows (its record, else the epoch of
/// the world's first request is unknown: a fixed date).
pub fn account_created_ms(world: &World, account_id: &str) -> i64 {
    world
        .organizations
        .accounts
        .get(account_id)
        .map_or(1_577_836_800_000, |a| a.created_ms)
}

/// Accounts made by Organizations' CreateAccount have no root password until someone
/// recovers it; every other account's root signed up with one.
pub fn root_has_password_by_default(world: &World, account_id: &str) -> bool {
    !world
        .organizations
        .organization_of(account_id)
        .and_then(|o| o.members.get(account_id))
        .is_some_and(|m| {
            m.joined_method == crate::services::organizations::model::JoinedMethod::Created
        })
}

/// The root user as IAM shows it in listings.
pub fn root_user_shape(world: &World, account_id: &str) -> shapes::UserShape {
    shapes::UserShape {
        path: "/".into(),
        user_name: String::new(),
        user_id: account_id.to_string(),
        arn: format!("arn:aws:iam::{account_id}:root"),
        create_date: dto::date(account_created_ms(world, account_id)),
        password_last_used: None,
        permissions_boundary: None,
        tags: None,
    }
}

impl IamState {
    /// The role `role_name` of `account_id`.
    pub fn role(&self, account_id: &str, role_name: &str) -> Option<&Role> {
        self.roles
            .get(&entity_key(account_id, role_name))
            .map(|role| &**role)
    }

    /// The user `user_name` of `account_id`.
    pub fn user(&self, account_id: &str, user_name: &str) -> Option<&User> {
        self.users.get(&entity_key(account_id, user_name))
    }
}

/// A role trusting the roots of `trusted` accounts, with AdministratorAccess (for
/// fixtures and benchmarks that need a role without a CreateRole call).
pub fn put_role_trusting(world: &mut World, account_id: &str, role_name: &str, trusted: &[&str]) {
    let principals: Vec<String> = trusted
        .iter()
        .map(|a| format!("\"arn:aws:iam::{a}:root\""))
        .collect();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":[{}]}},"Action":"sts:AssumeRole"}}]}}"#,
        principals.join(",")
    );
    create_account_access_role(
        world,
        account_id,
        role_name.to_string().into(),
        "000000000000",
    );
    if let Some(role) = world.iam.roles.get_mut(&entity_key(account_id, role_name)) {
        std::sync::Arc::make_mut(role).trust_policy = documents::TrustDocument::trusted(&trust);
    }
}

/// Records that an IAM access key signed a request (GetAccessKeyLastUsed, the
/// credential report), as AWS does for every authenticated call.
pub fn record_key_use(world: &mut World, caller: &Caller, service: &str) {
    if caller.temporary || !world.iam.access_keys.contains_key(&caller.access_key_id) {
        return;
    }
    let at_ms = world.clock.now_ms();
    if let Some(key) = world.iam.access_keys.get_mut(&caller.access_key_id) {
        key.last_used = Some(model::KeyLastUsed {
            at_ms,
            service: service.to_string(),
            region: caller.region.clone(),
        });
    }
}

/// Creates the role Organizations' CreateAccount leaves in a new account: trusted by
/// the management account, with AdministratorAccess.
pub fn create_account_access_role(
    world: &mut World,
    account_id: &str,
    role_name: model::Text,
    management_account_id: &str,
) {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{management_account_id}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = Role {
        name: role_name.clone(),
        path: "/".into(),
        id: new_id(world, "AROA").into(),
        created_ms: world.clock.now_ms(),
        trust_policy: documents::TrustDocument::trusted(&trust),
        description: None,
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Vec::new(),
        inline: Default::default(),
        attached: model::shared_attachments(
            "arn:aws:iam::aws:policy/AdministratorAccess",
            "AdministratorAccess",
        ),
        last_used: None,
        service_linked: None,
    };
    world.iam.roles.insert(
        entity_key(account_id, &role_name),
        std::sync::Arc::new(role),
    );
}

#[cfg(test)]
mod tests;
