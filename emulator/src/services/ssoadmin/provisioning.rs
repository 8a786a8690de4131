//! Provisioning: a permission set becomes the IAM role
//! `AWSReservedSSO_<PermissionSet>_<16 hex>` under `/aws-reserved/sso.amazonaws.com/`
//! (plus `<region>/` outside us-east-1) in each account it is assigned to, trusting the
//! account's SAML provider `AWSSSO_<hex>_DO_NOT_DELETE`, with the permission set's
//! policies. The last assignment's removal removes the role. ProvisionPermissionSet
//! carries later changes of the permission set to the roles.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{instance, may_change_permission_set, may_target_account, permission_set};
use super::errors::SsoError;
use super::model::{Boundary, Instance, PermissionSet, Provisioned, ProvisioningRequest};
use super::permission_sets::session_seconds;
use super::{check_account_id, page, token};
use crate::auth::Caller;
use crate::services::iam::documents::{IdentityDocument, TrustDocument};
use crate::services::iam::model::{entity_key, AttachedPolicy, InlinePolicy, Role, SamlProvider};
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

/// The name the permission set's inline policy has on the role, as in AWS.
pub const INLINE_POLICY_NAME: &str = "AwsSSOInlinePolicy";

/// The path of the instance's reserved roles.
pub fn role_path(instance: &Instance) -> String {
    if instance.region == "us-east-1" {
        "/aws-reserved/sso.amazonaws.com/".to_string()
    } else {
        format!("/aws-reserved/sso.amazonaws.com/{}/", instance.region)
    }
}

/// The name of the instance's SAML provider in every account.
pub fn saml_provider_name(instance: &Instance) -> String {
    format!("AWSSSO_{}_DO_NOT_DELETE", instance.saml_hex)
}

fn saml_provider_arn(instance: &Instance, account: &str) -> String {
    format!(
        "arn:aws:iam::{account}:saml-provider/{}",
        saml_provider_name(instance)
    )
}

/// The reserved role's trust policy: AWS's statement for the account's SAML provider,
/// and orgsim's statement that lets the instance owner start a user's session with
/// `sts:AssumeRole` (the session name must be an assigned user; see [`super::sessions`]).
fn trust_text(instance: &Instance, account: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{}"}},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}},{{"Sid":"OrgsimIdentityCenterUserSessions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{}:root"}},"Action":"sts:AssumeRole"}}]}}"#,
        saml_provider_arn(instance, account),
        instance.owner_account
    )
}

/// Why provisioning into `account` would fail: a customer managed policy the permission
/// set references that the account does not have (AWS's FAILED status).
pub fn provisioning_problem(world: &World, ps: &PermissionSet, account: &str) -> Option<String> {
    let missing = |name: &str, path: &str| {
        world
            .iam
            .policies
            .get(&entity_key(account, name))
            .is_none_or(|p| p.path != path)
    };
    for (name, path) in &ps.customer_managed {
        if missing(name, path) {
            return Some(format!(
                "Received a 404 status error: Policy arn:aws:iam::{account}:policy{path}{name} does not exist or is not attachable."
            ));
        }
    }
    if let Some(Boundary::CustomerManaged { name, path }) = &ps.boundary {
        if missing(name, path) {
            return Some(format!(
                "Received a 404 status error: Policy arn:aws:iam::{account}:policy{path}{name} does not exist or is not attachable."
            ));
        }
    }
    None
}

/// Creates or refreshes the permission set's role in `account` (check
/// [`provisioning_problem`] first).
pub fn apply(world: &mut World, instance: &Instance, ps: &PermissionSet, account: &str) {
    let provider_arn = saml_provider_arn(instance, account);
    if !world.iam.saml_providers.contains_key(&provider_arn) {
        let now = world.clock.now_ms();
        let uuid = world.ids.uuid();
        world.iam.saml_providers.insert(
            provider_arn,
            SamlProvider {
                account_id: account.to_string(),
                name: saml_provider_name(instance),
                metadata: format!(
                    r#"<?xml version="1.0" encoding="UTF-8"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://portal.sso.{}.amazonaws.com/saml/assertion/{}"></md:EntityDescriptor>"#,
                    instance.region, instance.saml_hex
                ),
                uuid,
                created_ms: now,
                valid_until_ms: now + 100 * 365 * 86_400_000,
                tags: Vec::new(),
            },
        );
    }
    let key = Provisioned::key(&ps.arn, account);
    let role_name = match world.ssoadmin.provisioned.get(&key) {
        Some(p) => p.role_name.clone(),
        None => format!("AWSReservedSSO_{}_{}", ps.name, world.ids.hex(16)),
    };
    let mut attached: Vec<AttachedPolicy> = ps
        .managed_policies
        .iter()
        .map(|arn| AttachedPolicy {
            arn: arn.clone().into(),
            name: arn
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_string()
                .into(),
        })
        .collect();
    attached.extend(
        ps.customer_managed
            .iter()
            .map(|(name, path)| AttachedPolicy {
                arn: format!("arn:aws:iam::{account}:policy{path}{name}").into(),
                name: name.clone().into(),
            }),
    );
    let mut inline = std::collections::BTreeMap::new();
    if let Some(text) = &ps.inline_policy {
        if let Ok(document) = IdentityDocument::parse(text) {
            inline.insert(
                INLINE_POLICY_NAME.to_ascii_lowercase(),
                InlinePolicy {
                    name: INLINE_POLICY_NAME.to_string(),
                    document,
                },
            );
        }
    }
    let boundary = ps.boundary.as_ref().map(|b| match b {
        Boundary::ManagedPolicyArn(arn) => arn.clone(),
        Boundary::CustomerManaged { name, path } => {
            format!("arn:aws:iam::{account}:policy{path}{name}")
        }
    });
    let role_key = entity_key(account, &role_name);
    let existing = world.iam.roles.get(&role_key).cloned();
    let role = Role {
        name: role_name.clone().into(),
        path: role_path(instance).into(),
        id: existing
            .as_ref()
            .map(|r| r.id.clone())
            .unwrap_or_else(|| crate::services::iam::new_id(world, "AROA").into()),
        created_ms: existing
            .as_ref()
            .map_or_else(|| world.clock.now_ms(), |r| r.created_ms),
        trust_policy: TrustDocument::trusted(&trust_text(instance, account)),
        description: None,
        max_session_duration: session_seconds(&ps.session_duration).unwrap_or(3600),
        permissions_boundary: boundary,
        tags: Vec::new(),
        inline,
        attached: std::sync::Arc::new(attached),
        last_used: existing.and_then(|r| r.last_used.clone()),
        service_linked: None,
    };
    world.iam.roles.insert(role_key, std::sync::Arc::new(role));
    world.ssoadmin.provisioned.insert(
        key,
        Provisioned {
            permission_set_arn: ps.arn.clone(),
            account_id: account.to_string(),
            role_name,
            revision: ps.revision,
        },
    );
}

/// Removes the permission set's role from `account`.
pub fn remove_role(world: &mut World, permission_set: &str, account: &str) {
    if let Some(p) = world
        .ssoadmin
        .provisioned
        .remove(&Provisioned::key(permission_set, account))
    {
        world.iam.roles.remove(&entity_key(account, &p.role_name));
    }
}

/// Takes `account` out of the instance: its assignments and roles go.
pub fn forget_account(world: &mut World, instance_arn: &str, account: &str) {
    let keys: Vec<(String, String)> = world
        .ssoadmin
        .assignments
        .iter()
        .filter(|(_, a)| a.instance_arn == instance_arn && a.account_id == account)
        .map(|(k, a)| (k.clone(), a.permission_set_arn.clone()))
        .collect();
    for (key, _) in &keys {
        world.ssoadmin.assignments.remove(key);
    }
    let provisioned: Vec<String> = world
        .ssoadmin
        .provisioned
        .values()
        .filter(|p| p.account_id == account)
        .filter(|p| {
            world
                .ssoadmin
                .permission_sets
                .get(&p.permission_set_arn)
                .is_some_and(|ps| ps.instance_arn == instance_arn)
        })
        .map(|p| p.permission_set_arn.clone())
        .collect();
    for ps in provisioned {
        remove_role(world, &ps, account);
    }
}

/// Everything of a deleted instance: assignments, roles, permission sets, requests.
pub fn forget_instance(world: &mut World, instance: &Instance) {
    let accounts: Vec<String> = world
        .ssoadmin
        .provisioned
        .values()
        .map(|p| p.account_id.clone())
        .collect();
    for account in accounts {
        forget_account(world, &instance.arn, &account);
    }
    let state = &mut world.ssoadmin;
    let arn = instance.arn.as_str();
    retain(&mut state.assignments, |a| a.instance_arn != arn);
    retain(&mut state.permission_sets, |ps| ps.instance_arn != arn);
    retain(&mut state.assignment_requests, |r| r.instance_arn != arn);
    retain(&mut state.provisioning_requests, |r| r.instance_arn != arn);
}

/// Keeps the entries of `map` whose value passes `keep`.
pub fn retain<V: Clone>(map: &mut imbl::OrdMap<String, V>, keep: impl Fn(&V) -> bool) {
    let all = std::mem::take(map);
    *map = all.into_iter().filter(|(_, v)| keep(v)).collect();
}

/// `IN_PROGRESS` in the answer of the request that started it, then `SUCCEEDED` (or
/// `FAILED`).
pub fn status(world: &World, request_number: u64, failure: &Option<String>) -> &'static str {
    if world.request_count <= request_number {
        "IN_PROGRESS"
    } else if failure.is_some() {
        "FAILED"
    } else {
        "SUCCEEDED"
    }
}

fn provisioning_json(world: &World, r: &ProvisioningRequest) -> Value {
    let status = status(world, r.request_number, &r.failure_reason);
    let mut out = json!({
        "Status": status,
        "RequestId": r.id,
        "PermissionSetArn": r.permission_set_arn,
        "CreatedDate": epoch_seconds(r.created_ms),
    });
    if let Some(account) = &r.account_id {
        out["AccountId"] = json!(account);
    }
    if status == "FAILED" {
        out["FailureReason"] = json!(r.failure_reason);
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProvisionInput {
    pub instance_arn: String,
    pub permission_set_arn: String,
    pub target_id: Option<String>,
    pub target_type: String,
}

pub fn provision_permission_set(
    world: &mut World,
    caller: &Caller,
    input: ProvisionInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "ProvisionPermissionSet", &input.instance_arn)?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?.clone();
    let accounts: Vec<String> = match (input.target_type.as_str(), &input.target_id) {
        ("AWS_ACCOUNT", Some(account)) => {
            check_account_id("TargetId", account)?;
            may_target_account(world, &access, account)?;
            let org_id = access.instance.organization_id.as_deref();
            if world
                .organizations
                .membership
                .get(account.as_str())
                .map(|id| id.as_str())
                != org_id
            {
                return Err(SsoError::Validation(format!(
                    "The account {account} is not a member of the organization."
                )));
            }
            vec![account.clone()]
        }
        ("AWS_ACCOUNT", None) => {
            return Err(SsoError::Validation(
                "TargetId is required when TargetType is AWS_ACCOUNT.".into(),
            ))
        }
        ("ALL_PROVISIONED_ACCOUNTS", _) => {
            may_change_permission_set(world, &access, &ps.arn)?;
            world
                .ssoadmin
                .provisioned
                .values()
                .filter(|p| p.permission_set_arn == ps.arn)
                .map(|p| p.account_id.clone())
                .collect()
        }
        (other, _) => {
            return Err(SsoError::constraint(
                "TargetType",
                other,
                "Member must satisfy enum value set: [AWS_ACCOUNT, ALL_PROVISIONED_ACCOUNTS]",
            ))
        }
    };
    let instance = access.instance.clone();
    let failure = accounts
        .iter()
        .find_map(|account| provisioning_problem(world, &ps, account));
    if failure.is_none() {
        for account in &accounts {
            apply(world, &instance, &ps, account);
        }
    }
    let request = ProvisioningRequest {
        id: world.ids.uuid(),
        instance_arn: instance.arn.clone(),
        permission_set_arn: ps.arn.clone(),
        account_id: input
            .target_id
            .filter(|_| input.target_type == "AWS_ACCOUNT"),
        failure_reason: failure,
        created_ms: world.clock.now_ms(),
        request_number: world.request_count,
    };
    let out = provisioning_json(world, &request);
    world
        .ssoadmin
        .provisioning_requests
        .insert(request.id.clone(), request);
    Ok(json!({ "PermissionSetProvisioningStatus": out }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProvisioningInput {
    pub instance_arn: String,
    pub provision_permission_set_request_id: String,
}

pub fn describe_provisioning_status(
    world: &mut World,
    caller: &Caller,
    input: DescribeProvisioningInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "DescribePermissionSetProvisioningStatus",
        &input.instance_arn,
    )?;
    let request = world
        .ssoadmin
        .provisioning_requests
        .get(&input.provision_permission_set_request_id)
        .filter(|r| r.instance_arn == input.instance_arn)
        .ok_or_else(|| {
            SsoError::NotFound(format!(
                "Could not find ProvisionPermissionSet request {}",
                input.provision_permission_set_request_id
            ))
        })?;
    Ok(json!({ "PermissionSetProvisioningStatus": provisioning_json(world, request) }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StatusFilter {
    pub status: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStatusInput {
    pub instance_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filter: Option<StatusFilter>,
}

pub fn list_provisioning_status(
    world: &mut World,
    caller: &Caller,
    input: ListStatusInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "ListPermissionSetProvisioningStatus",
        &input.instance_arn,
    )?;
    let wanted = input.filter.and_then(|f| f.status);
    let listing = format!(
        "ListPermissionSetProvisioningStatus {} {}",
        input.instance_arn,
        wanted.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = world
        .ssoadmin
        .provisioning_requests
        .values()
        .filter(|r| r.instance_arn == input.instance_arn)
        .filter(|r| after.as_deref().is_none_or(|a| r.id.as_str() > a))
        .filter(|r| {
            wanted
                .as_deref()
                .is_none_or(|s| status(world, r.request_number, &r.failure_reason) == s)
        });
    let (items, next) = take_page(items, max, |r| r.id.clone());
    let items: Vec<Value> = items
        .into_iter()
        .map(|r| {
            json!({
                "Status": status(world, r.request_number, &r.failure_reason),
                "RequestId": r.id,
                "CreatedDate": epoch_seconds(r.created_ms),
            })
        })
        .collect();
    let mut out = json!({ "PermissionSetsProvisioningStatus": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

fn matches_status(p: &Provisioned, ps: Option<&PermissionSet>, wanted: Option<&str>) -> bool {
    let latest = ps.is_some_and(|ps| ps.revision == p.revision);
    match wanted {
        Some("LATEST_PERMISSION_SET_PROVISIONED") => latest,
        Some("LATEST_PERMISSION_SET_NOT_PROVISIONED") => !latest,
        _ => true,
    }
}

fn check_provisioning_status(value: &Option<String>) -> Result<(), SsoError> {
    match value.as_deref() {
        None | Some("LATEST_PERMISSION_SET_PROVISIONED") | Some("LATEST_PERMISSION_SET_NOT_PROVISIONED") => Ok(()),
        Some(other) => Err(SsoError::constraint(
            "ProvisioningStatus",
            other,
            "Member must satisfy enum value set: [LATEST_PERMISSION_SET_PROVISIONED, LATEST_PERMISSION_SET_NOT_PROVISIONED]",
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountsForPermissionSetInput {
    pub instance_arn: String,
    pub permission_set_arn: String,
    pub provisioning_status: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_accounts_for_provisioned_permission_set(
    world: &mut World,
    caller: &Caller,
    input: AccountsForPermissionSetInput,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "ListAccountsForProvisionedPermissionSet",
        &input.instance_arn,
    )?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?;
    check_provisioning_status(&input.provisioning_status)?;
    let listing = format!(
        "ListAccountsForProvisionedPermissionSet {} {}",
        ps.arn,
        input.provisioning_status.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let accounts = world
        .ssoadmin
        .provisioned
        .values()
        .filter(|p| p.permission_set_arn == ps.arn)
        .filter(|p| matches_status(p, Some(ps), input.provisioning_status.as_deref()))
        .map(|p| p.account_id.clone())
        .filter(|a| after.as_deref().is_none_or(|after| a.as_str() > after));
    let (accounts, next) = take_page(accounts, max, String::clone);
    let mut out = json!({ "AccountIds": accounts });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PermissionSetsForAccountInput {
    pub instance_arn: String,
    pub account_id: String,
    pub provisioning_status: Option<String>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_permission_sets_provisioned_to_account(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetsForAccountInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "ListPermissionSetsProvisionedToAccount",
        &input.instance_arn,
    )?;
    check_account_id("AccountId", &input.account_id)?;
    check_provisioning_status(&input.provisioning_status)?;
    let listing = format!(
        "ListPermissionSetsProvisionedToAccount {} {} {}",
        input.instance_arn,
        input.account_id,
        input.provisioning_status.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let state = &world.ssoadmin;
    let arns = state
        .provisioned
        .values()
        .filter(|p| p.account_id == input.account_id)
        .filter_map(|p| {
            let ps = state.permission_sets.get(&p.permission_set_arn)?;
            (ps.instance_arn == input.instance_arn
                && matches_status(p, Some(ps), input.provisioning_status.as_deref()))
            .then(|| ps.arn.clone())
        })
        .filter(|a| after.as_deref().is_none_or(|after| a.as_str() > after));
    let mut arns: Vec<String> = arns.collect();
    arns.sort();
    let (arns, next) = take_page(arns.into_iter(), max, String::clone);
    let mut out = json!({ "PermissionSets": arns });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
