//! What a permission set grants: AWS managed policies, one inline policy, customer
//! managed policy references (by name and path, resolved in each account when
//! provisioned) and a permissions boundary. Each change reaches the accounts with the
//! next provisioning.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{instance, may_change_permission_set, permission_set, Access};
use super::errors::SsoError;
use super::model::{Boundary, PermissionSet};
use super::permission_sets::PermissionSetRef;
use super::{check_length, page, token, Empty};
use crate::auth::Caller;
use crate::services::iam::documents::IdentityDocument;
use crate::services::iam::managed;
use crate::services::pagination::take_page;
use crate::world::World;

/// AWS managed and customer managed policies attached to one permission set.
const POLICIES_PER_PERMISSION_SET: usize = 20;
/// Characters of an inline policy.
const INLINE_POLICY_SIZE: usize = 32_768;

/// The permission set to change, once the caller may change it.
fn changeable<'w>(
    world: &'w World,
    caller: &Caller,
    operation: &str,
    input: &PermissionSetRef,
) -> Result<(Access<'w>, &'w PermissionSet), SsoError> {
    let access = instance(world, caller, operation, &input.instance_arn)?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?;
    may_change_permission_set(world, &access, &input.permission_set_arn)?;
    Ok((access, ps))
}

fn change(world: &mut World, arn: &str, edit: impl FnOnce(&mut PermissionSet)) {
    if let Some(ps) = world.ssoadmin.permission_sets.get_mut(arn) {
        edit(ps);
        ps.revision += 1;
    }
}

fn check_managed_arn(arn: &str) -> Result<&'static managed::Managed, SsoError> {
    if !arn.starts_with("arn:aws:iam::aws:policy/") {
        return Err(SsoError::constraint(
            "ManagedPolicyArn",
            arn,
            "Member must satisfy regular expression pattern: arn:aws(-[a-z]{1,5}){0,3}:iam::aws:policy((/[A-Za-z0-9\\.,\\+@=_-]+)*)/([A-Za-z0-9\\.,\\+=@_-]+)",
        ));
    }
    managed::by_arn(arn)
        .ok_or_else(|| SsoError::Validation(format!("The managed policy {arn} does not exist.")))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicyInput {
    #[serde(flatten)]
    pub target: PermissionSetRef,
    pub managed_policy_arn: String,
}

pub fn attach_managed_policy(
    world: &mut World,
    caller: &Caller,
    input: ManagedPolicyInput,
) -> Result<Empty, SsoError> {
    let (_, ps) = changeable(
        world,
        caller,
        "AttachManagedPolicyToPermissionSet",
        &input.target,
    )?;
    check_managed_arn(&input.managed_policy_arn)?;
    if ps.managed_policies.contains(&input.managed_policy_arn) {
        return Err(SsoError::Conflict(format!(
            "The managed policy {} is already attached to the permission set.",
            input.managed_policy_arn
        )));
    }
    if ps.managed_policies.len() + ps.customer_managed.len() >= POLICIES_PER_PERMISSION_SET {
        return Err(SsoError::ServiceQuotaExceeded(format!(
            "A permission set can have at most {POLICIES_PER_PERMISSION_SET} managed policies attached."
        )));
    }
    change(world, &input.target.permission_set_arn, |ps| {
        ps.managed_policies.push(input.managed_policy_arn)
    });
    Ok(Empty {})
}

pub fn detach_managed_policy(
    world: &mut World,
    caller: &Caller,
    input: ManagedPolicyInput,
) -> Result<Empty, SsoError> {
    let (_, ps) = changeable(
        world,
        caller,
        "DetachManagedPolicyFromPermissionSet",
        &input.target,
    )?;
    if !ps.managed_policies.contains(&input.managed_policy_arn) {
        return Err(SsoError::NotFound(format!(
            "The managed policy {} is not attached to the permission set.",
            input.managed_policy_arn
        )));
    }
    change(world, &input.target.permission_set_arn, |ps| {
        ps.managed_policies
            .retain(|a| a != &input.managed_policy_arn)
    });
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesInput {
    #[serde(flatten)]
    pub target: PermissionSetRef,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_managed_policies(
    world: &mut World,
    caller: &Caller,
    input: ListPoliciesInput,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "ListManagedPoliciesInPermissionSet",
        &input.target.instance_arn,
    )?;
    let ps = permission_set(world, &access, &input.target.permission_set_arn)?;
    let listing = format!("ListManagedPoliciesInPermissionSet {}", ps.arn);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = ps
        .managed_policies
        .iter()
        .skip_while(|a| after.as_deref().is_some_and(|after| a.as_str() != after))
        .skip(usize::from(after.is_some()));
    let (items, next) = take_page(items, max, |a| a.to_string());
    let items: Vec<Value> = items
        .into_iter()
        .map(|arn| {
            let name = arn.rsplit('/').next().unwrap_or_default();
            json!({"Name": name, "Arn": arn})
        })
        .collect();
    let mut out = json!({ "AttachedManagedPolicies": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutInlineInput {
    #[serde(flatten)]
    pub target: PermissionSetRef,
    pub inline_policy: String,
}

pub fn put_inline_policy(
    world: &mut World,
    caller: &Caller,
    input: PutInlineInput,
) -> Result<Empty, SsoError> {
    changeable(
        world,
        caller,
        "PutInlinePolicyToPermissionSet",
        &input.target,
    )?;
    let size = input.inline_policy.chars().count();
    if size == 0 || size > INLINE_POLICY_SIZE {
        return Err(SsoError::Validation(format!(
            "1 validation error detected: Value at 'inlinePolicy' failed to satisfy constraint: Member must have length between 1 and {INLINE_POLICY_SIZE}"
        )));
    }
    IdentityDocument::parse(&input.inline_policy).map_err(|e| {
        SsoError::Validation(format!(
            "The inline policy is not a valid policy document: {e}"
        ))
    })?;
    change(world, &input.target.permission_set_arn, |ps| {
        ps.inline_policy = Some(input.inline_policy)
    });
    Ok(Empty {})
}

/// An empty string when the permission set has no inline policy, as AWS answers.
pub fn get_inline_policy(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "GetInlinePolicyForPermissionSet",
        &input.instance_arn,
    )?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?;
    Ok(json!({ "InlinePolicy": ps.inline_policy.clone().unwrap_or_default() }))
}

pub fn delete_inline_policy(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Empty, SsoError> {
    changeable(world, caller, "DeleteInlinePolicyFromPermissionSet", &input)?;
    change(world, &input.permission_set_arn, |ps| {
        ps.inline_policy = None
    });
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerManagedReference {
    pub name: String,
    pub path: Option<String>,
}

impl CustomerManagedReference {
    /// (name, path) once both are valid; the path defaults to `/`.
    fn checked(self) -> Result<(String, String), SsoError> {
        check_length("CustomerManagedPolicyReference.Name", &self.name, 1, 128)?;
        if !self
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c))
        {
            return Err(SsoError::constraint(
                "CustomerManagedPolicyReference.Name",
                &self.name,
                "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
            ));
        }
        let path = self.path.unwrap_or_else(|| "/".into());
        check_length("CustomerManagedPolicyReference.Path", &path, 1, 512)?;
        if !path.starts_with('/') || !path.ends_with('/') {
            return Err(SsoError::constraint(
                "CustomerManagedPolicyReference.Path",
                &path,
                "Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/",
            ));
        }
        Ok((self.name, path))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerManagedInput {
    #[serde(flatten)]
    pub target: PermissionSetRef,
    pub customer_managed_policy_reference: CustomerManagedReference,
}

pub fn attach_customer_managed(
    world: &mut World,
    caller: &Caller,
    input: CustomerManagedInput,
) -> Result<Empty, SsoError> {
    let (_, ps) = changeable(
        world,
        caller,
        "AttachCustomerManagedPolicyReferenceToPermissionSet",
        &input.target,
    )?;
    let reference = input.customer_managed_policy_reference.checked()?;
    if ps.customer_managed.contains(&reference) {
        return Err(SsoError::Conflict(format!(
            "The customer managed policy reference {}{} is already attached to the permission set.",
            reference.1, reference.0
        )));
    }
    if ps.managed_policies.len() + ps.customer_managed.len() >= POLICIES_PER_PERMISSION_SET {
        return Err(SsoError::ServiceQuotaExceeded(format!(
            "A permission set can have at most {POLICIES_PER_PERMISSION_SET} managed policies attached."
        )));
    }
    change(world, &input.target.permission_set_arn, |ps| {
        ps.customer_managed.push(reference)
    });
    Ok(Empty {})
}

pub fn detach_customer_managed(
    world: &mut World,
    caller: &Caller,
    input: CustomerManagedInput,
) -> Result<Empty, SsoError> {
    let (_, ps) = changeable(
        world,
        caller,
        "DetachCustomerManagedPolicyReferenceFromPermissionSet",
        &input.target,
    )?;
    let reference = input.customer_managed_policy_reference.checked()?;
    if !ps.customer_managed.contains(&reference) {
        return Err(SsoError::NotFound(format!(
            "The customer managed policy reference {}{} is not attached to the permission set.",
            reference.1, reference.0
        )));
    }
    change(world, &input.target.permission_set_arn, |ps| {
        ps.customer_managed.retain(|r| r != &reference)
    });
    Ok(Empty {})
}

pub fn list_customer_managed(
    world: &mut World,
    caller: &Caller,
    input: ListPoliciesInput,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "ListCustomerManagedPolicyReferencesInPermissionSet",
        &input.target.instance_arn,
    )?;
    let ps = permission_set(world, &access, &input.target.permission_set_arn)?;
    let listing = format!(
        "ListCustomerManagedPolicyReferencesInPermissionSet {}",
        ps.arn
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let key = |r: &(String, String)| format!("{}{}", r.1, r.0);
    let items = ps
        .customer_managed
        .iter()
        .skip_while(|r| after.as_deref().is_some_and(|a| key(r) != a))
        .skip(usize::from(after.is_some()));
    let (items, next) = take_page(items, max, |r| key(r));
    let items: Vec<Value> = items
        .into_iter()
        .map(|(name, path)| json!({"Name": name, "Path": path}))
        .collect();
    let mut out = json!({ "CustomerManagedPolicyReferences": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoundaryShape {
    pub customer_managed_policy_reference: Option<CustomerManagedReference>,
    pub managed_policy_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutBoundaryInput {
    #[serde(flatten)]
    pub target: PermissionSetRef,
    pub permissions_boundary: BoundaryShape,
}

pub fn put_boundary(
    world: &mut World,
    caller: &Caller,
    input: PutBoundaryInput,
) -> Result<Empty, SsoError> {
    changeable(
        world,
        caller,
        "PutPermissionsBoundaryToPermissionSet",
        &input.target,
    )?;
    let boundary = match (
        input.permissions_boundary.customer_managed_policy_reference,
        input.permissions_boundary.managed_policy_arn,
    ) {
        (Some(reference), None) => {
            let (name, path) = reference.checked()?;
            Boundary::CustomerManaged { name, path }
        }
        (None, Some(arn)) => {
            check_managed_arn(&arn)?;
            Boundary::ManagedPolicyArn(arn)
        }
        _ => {
            return Err(SsoError::Validation(
                "A permissions boundary is either a customer managed policy reference or a managed policy ARN.".into(),
            ))
        }
    };
    change(world, &input.target.permission_set_arn, |ps| {
        ps.boundary = Some(boundary)
    });
    Ok(Empty {})
}

pub fn get_boundary(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "GetPermissionsBoundaryForPermissionSet",
        &input.instance_arn,
    )?;
    let ps = permission_set(world, &access, &input.permission_set_arn)?;
    let boundary = match &ps.boundary {
        Some(Boundary::ManagedPolicyArn(arn)) => json!({"ManagedPolicyArn": arn}),
        Some(Boundary::CustomerManaged { name, path }) => {
            json!({"CustomerManagedPolicyReference": {"Name": name, "Path": path}})
        }
        None => {
            return Err(SsoError::NotFound(
                "The permission set has no permissions boundary.".into(),
            ))
        }
    };
    Ok(json!({ "PermissionsBoundary": boundary }))
}

pub fn delete_boundary(
    world: &mut World,
    caller: &Caller,
    input: PermissionSetRef,
) -> Result<Empty, SsoError> {
    let (_, ps) = changeable(
        world,
        caller,
        "DeletePermissionsBoundaryFromPermissionSet",
        &input,
    )?;
    if ps.boundary.is_none() {
        return Err(SsoError::NotFound(
            "The permission set has no permissions boundary.".into(),
        ));
    }
    change(world, &input.permission_set_arn, |ps| ps.boundary = None);
    Ok(Empty {})
}
