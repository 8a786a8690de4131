//! Account-level IAM: aliases, GetAccountSummary, GetAccountAuthorizationDetails,
//! SetSecurityTokenServicePreferences.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::LazyLock;

use super::dto::{date, de, paginate_vec, Empty, Nothing, PageInfo, PageRequest};
use super::errors::IamError;
use super::model::account_range;
use super::shapes::{AttachedPolicyShape, PolicyVersionShape};
use super::{account, quotas, settings_mut};
use crate::auth::Caller;
use crate::world::World;

static ALIAS: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"^[a-z0-9]([a-z0-9]|-[a-z0-9])*$").expect("valid"));

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountAliasInput {
    pub account_alias: String,
}

fn check_alias(alias: &str) -> Result<(), IamError> {
    super::validate::length(alias, "accountAlias", 3, 63)?;
    if !ALIAS.is_match(alias) {
        return Err(IamError::constraint(
            alias,
            "accountAlias",
            "Member must satisfy regular expression pattern: ^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$",
        ));
    }
    Ok(())
}

/// An account has at most one alias, unique across AWS.
pub fn create_account_alias(
    world: &mut World,
    caller: &Caller,
    input: AccountAliasInput,
) -> Result<Nothing, IamError> {
    check_alias(&input.account_alias)?;
    let account_id = account(caller).to_string();
    let taken = world
        .iam
        .accounts
        .iter()
        .any(|(id, s)| *id != account_id && s.aliases.contains(&input.account_alias));
    if taken {
        return Err(IamError::EntityAlreadyExists(format!(
            "The account alias {} already exists.",
            input.account_alias
        )));
    }
    let settings = settings_mut(world, &account_id);
    if settings.aliases.contains(&input.account_alias) {
        return Ok(Nothing {});
    }
    // AWS replaces the existing alias (an account has one).
    settings.aliases = vec![input.account_alias];
    Ok(Nothing {})
}

pub fn delete_account_alias(
    world: &mut World,
    caller: &Caller,
    input: AccountAliasInput,
) -> Result<Nothing, IamError> {
    check_alias(&input.account_alias)?;
    let account_id = account(caller).to_string();
    let has = world
        .iam
        .accounts
        .get(&account_id)
        .is_some_and(|s| s.aliases.contains(&input.account_alias));
    if !has {
        return Err(IamError::no_such(format!(
            "The account alias {} cannot be found.",
            input.account_alias
        )));
    }
    settings_mut(world, &account_id)
        .aliases
        .retain(|a| *a != input.account_alias);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAccountAliasesOutput {
    pub account_aliases: Vec<String>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_account_aliases(
    world: &mut World,
    caller: &Caller,
    input: PageRequest,
) -> Result<ListAccountAliasesOutput, IamError> {
    let account_id = account(caller);
    let aliases = world
        .iam
        .accounts
        .get(account_id)
        .map(|s| s.aliases.clone())
        .unwrap_or_default();
    let (account_aliases, page) =
        paginate_vec(aliases, &input, &format!("ListAccountAliases {account_id}"))?;
    Ok(ListAccountAliasesOutput {
        account_aliases,
        page,
    })
}

/// `SummaryMap` is a map: `<entry><key/><value/></entry>` on the wire.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetAccountSummaryOutput {
    pub summary_map: Value,
}

pub fn get_account_summary(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<GetAccountSummaryOutput, IamError> {
    let account_id = account(caller);
    let (from, to) = account_range(account_id);
    let iam = &world.iam;
    let users = iam.users.range(from.clone()..to.clone()).count();
    let groups = iam.groups.range(from.clone()..to.clone()).count();
    let roles = iam.roles.range(from.clone()..to.clone()).count();
    let policies: Vec<_> = iam.policies.range(from.clone()..to.clone()).collect();
    let profiles = iam
        .instance_profiles
        .range(from.clone()..to.clone())
        .count();
    let certificates = iam.server_certificates.range(from..to).count();
    let devices = iam
        .mfa_devices
        .values()
        .filter(|d| d.account_id == account_id)
        .count();
    let in_use = iam
        .mfa_devices
        .values()
        .filter(|d| d.account_id == account_id && d.assigned.is_some())
        .count();
    let settings = iam.accounts.get(account_id);
    let root_keys = iam
        .access_keys
        .values()
        .any(|k| k.account_id == account_id && k.user_name.is_none());
    let providers = iam
        .oidc_providers
        .values()
        .filter(|p| p.account_id == account_id)
        .count()
        + iam
            .saml_providers
            .values()
            .filter(|p| p.account_id == account_id)
            .count();
    let versions: usize = policies.iter().map(|(_, p)| p.versions.len()).sum();
    let entries: Vec<(&str, usize)> = vec![
        ("Users", users),
        ("UsersQuota", quotas::USERS),
        ("Groups", groups),
        ("GroupsQuota", quotas::GROUPS),
        ("ServerCertificates", certificates),
        ("ServerCertificatesQuota", 20),
        ("UserPolicySizeQuota", quotas::USER_POLICY_SIZE),
        ("GroupPolicySizeQuota", quotas::GROUP_POLICY_SIZE),
        ("GroupsPerUserQuota", quotas::GROUPS_PER_USER),
        ("SigningCertificatesPerUserQuota", 2),
        ("AccessKeysPerUserQuota", quotas::ACCESS_KEYS_PER_USER),
        ("MFADevices", devices),
        ("MFADevicesInUse", in_use),
        (
            "AccountMFAEnabled",
            usize::from(settings.is_some_and(|s| s.root_mfa.is_some())),
        ),
        ("AccountAccessKeysPresent", usize::from(root_keys)),
        (
            "AccountPasswordPresent",
            usize::from(
                settings
                    .and_then(|s| s.root_password)
                    .unwrap_or_else(|| super::root_has_password_by_default(world, account_id)),
            ),
        ),
        ("AccountSigningCertificatesPresent", 0),
        (
            "AttachedPoliciesPerGroupQuota",
            quotas::ATTACHED_PER_IDENTITY,
        ),
        (
            "AttachedPoliciesPerRoleQuota",
            quotas::ATTACHED_PER_IDENTITY,
        ),
        (
            "AttachedPoliciesPerUserQuota",
            quotas::ATTACHED_PER_IDENTITY,
        ),
        ("Policies", policies.len()),
        ("PoliciesQuota", quotas::MANAGED_POLICIES),
        ("PolicySizeQuota", quotas::MANAGED_POLICY_SIZE),
        ("PolicyVersionsInUse", versions),
        ("PolicyVersionsInUseQuota", 10_000),
        ("VersionsPerPolicyQuota", quotas::POLICY_VERSIONS),
        (
            "GlobalEndpointTokenVersion",
            usize::from(
                settings.and_then(|s| s.global_endpoint_token_version.as_deref())
                    == Some("v2Token"),
            ) + 1,
        ),
        ("AssumeRolePolicySizeQuota", 2048),
        ("InstanceProfiles", profiles),
        ("InstanceProfilesQuota", 1000),
        ("Providers", providers),
        ("RolePolicySizeQuota", quotas::ROLE_POLICY_SIZE),
        ("Roles", roles),
        ("RolesQuota", quotas::ROLES),
    ];
    Ok(GetAccountSummaryOutput {
        summary_map: map_entries(entries.into_iter().map(|(k, v)| (k.to_string(), json!(v)))),
    })
}

/// A map member as the awsQuery encoder writes it: `{"entry": [{key, value}…]}`.
pub fn map_entries(entries: impl Iterator<Item = (String, Value)>) -> Value {
    json!({"entry": entries.map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>()})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetStsPreferencesInput {
    pub global_endpoint_token_version: String,
}

pub fn set_security_token_service_preferences(
    world: &mut World,
    caller: &Caller,
    input: SetStsPreferencesInput,
) -> Result<Nothing, IamError> {
    let version = input.global_endpoint_token_version;
    if version != "v1Token" && version != "v2Token" {
        return Err(IamError::constraint(
            &version,
            "globalEndpointTokenVersion",
            "Member must satisfy enum value set: [v1Token, v2Token]",
        ));
    }
    let account_id = account(caller).to_string();
    settings_mut(world, &account_id).global_endpoint_token_version = Some(version);
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetailsInput {
    #[serde(default, deserialize_with = "de::list")]
    pub filter: Vec<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDetail {
    pub policy_name: String,
    pub policy_document: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationDetailsOutput {
    pub user_detail_list: Vec<Value>,
    pub group_detail_list: Vec<Value>,
    pub role_detail_list: Vec<Value>,
    pub policies: Vec<Value>,
    #[serde(flatten)]
    pub page: PageInfo,
}

fn inline_details(inline: &super::model::InlinePolicies) -> Vec<PolicyDetail> {
    inline
        .values()
        .map(|p| PolicyDetail {
            policy_name: p.name.clone(),
            policy_document: p.document.encoded(),
        })
        .collect()
}

fn attached_details(attached: &[super::model::AttachedPolicy]) -> Vec<AttachedPolicyShape> {
    attached
        .iter()
        .map(|a| AttachedPolicyShape {
            policy_name: a.name.to_string(),
            policy_arn: a.arn.to_string(),
        })
        .collect()
}

/// Every user, group, role and customer managed policy of the account with their
/// policies, as auditing tools read them; paged over all entities together.
pub fn get_account_authorization_details(
    world: &mut World,
    caller: &Caller,
    input: AuthorizationDetailsInput,
) -> Result<AuthorizationDetailsOutput, IamError> {
    let account_id = account(caller);
    let wants = |kind: &str| input.filter.is_empty() || input.filter.iter().any(|f| f == kind);
    let (from, to) = account_range(account_id);
    let iam = &world.iam;
    let mut all: Vec<(u8, Value)> = Vec::new();
    if wants("User") {
        for (_, u) in iam.users.range(from.clone()..to.clone()) {
            let groups: Vec<String> = u
                .groups
                .iter()
                .filter_map(|g| {
                    iam.groups
                        .get(&format!("{account_id}/{g}"))
                        .map(|g| g.name.clone())
                })
                .collect();
            all.push((
                0,
                json!({
                    "Path": u.path, "UserName": u.name, "UserId": u.id, "Arn": u.arn(account_id),
                    "CreateDate": date(u.created_ms),
                    "UserPolicyList": inline_details(&u.inline),
                    "GroupList": groups,
                    "AttachedManagedPolicies": attached_details(&u.attached),
                    "PermissionsBoundary": super::dto::boundary_out(&u.permissions_boundary),
                    "Tags": super::dto::tags_out(&u.tags),
                }),
            ));
        }
    }
    if wants("Group") {
        for (_, g) in iam.groups.range(from.clone()..to.clone()) {
            all.push((
                1,
                json!({
                    "Path": g.path, "GroupName": g.name, "GroupId": g.id, "Arn": g.arn(account_id),
                    "CreateDate": date(g.created_ms),
                    "GroupPolicyList": inline_details(&g.inline),
                    "AttachedManagedPolicies": attached_details(&g.attached),
                }),
            ));
        }
    }
    if wants("Role") {
        for (_, r) in iam.roles.range(from.clone()..to.clone()) {
            all.push((
                2,
                json!({
                    "Path": r.path, "RoleName": r.name, "RoleId": r.id, "Arn": r.arn(account_id),
                    "CreateDate": date(r.created_ms),
                    "AssumeRolePolicyDocument": r.trust_policy.encoded(),
                    "InstanceProfileList": Vec::<Value>::new(),
                    "RolePolicyList": inline_details(&r.inline),
                    "AttachedManagedPolicies": attached_details(&r.attached),
                    "PermissionsBoundary": super::dto::boundary_out(&r.permissions_boundary),
                    "Tags": super::dto::tags_out(&r.tags),
                }),
            ));
        }
    }
    if wants("LocalManagedPolicy") {
        for (_, p) in iam.policies.range(from..to) {
            let arn = p.arn(account_id);
            let counts = super::policies::usage(world, account_id, &arn);
            let versions: Vec<PolicyVersionShape> = p
                .versions
                .iter()
                .map(|v| PolicyVersionShape {
                    document: Some(v.document.encoded()),
                    version_id: v.id.clone(),
                    is_default_version: v.id == p.default_version,
                    create_date: date(v.created_ms),
                })
                .collect();
            all.push((
                3,
                json!({
                    "PolicyName": p.name, "PolicyId": p.id, "Arn": arn, "Path": p.path,
                    "DefaultVersionId": p.default_version, "AttachmentCount": counts.0,
                    "PermissionsBoundaryUsageCount": counts.1, "IsAttachable": true,
                    "Description": p.description,
                    "CreateDate": date(p.created_ms), "UpdateDate": date(p.updated_ms),
                    "PolicyVersionList": versions,
                }),
            ));
        }
    }
    let (items, page) = paginate_vec(
        all,
        &input.page,
        &format!(
            "GetAccountAuthorizationDetails {account_id} {:?}",
            input.filter
        ),
    )?;
    let mut out = AuthorizationDetailsOutput {
        user_detail_list: Vec::new(),
        group_detail_list: Vec::new(),
        role_detail_list: Vec::new(),
        policies: Vec::new(),
        page,
    };
    for (kind, value) in items {
        match kind {
            0 => out.user_detail_list.push(value),
            1 => out.group_detail_list.push(value),
            2 => out.role_detail_list.push(value),
            _ => out.policies.push(value),
        }
    }
    Ok(out)
}
