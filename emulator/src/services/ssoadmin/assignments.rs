//! Account assignments: a user or group of the identity store gets a permission set
//! in an account. Creation and deletion are asynchronous as in AWS: the request reads
//! `IN_PROGRESS` in its own answer and `SUCCEEDED` (or `FAILED`, with AWS's reason)
//! from the next request on; the role is provisioned or removed in the same call.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{instance, may_target_account, organization_instance, permission_set};
use super::errors::SsoError;
use super::model::{Assignment, AssignmentRequest};
use super::provisioning::{apply, provisioning_problem, remove_role, status, ListStatusInput};
use super::{check_account_id, page, token};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssignmentInput {
    pub instance_arn: String,
    pub target_id: String,
    pub target_type: String,
    pub permission_set_arn: String,
    pub principal_type: String,
    pub principal_id: String,
}

fn check_principal_type(value: &str) -> Result<(), SsoError> {
    if value == "USER" || value == "GROUP" {
        Ok(())
    } else {
        Err(SsoError::constraint(
            "PrincipalType",
            value,
            "Member must satisfy enum value set: [USER, GROUP]",
        ))
    }
}

fn request_json(world: &World, r: &AssignmentRequest) -> Value {
    let status = status(world, r.request_number, &r.failure_reason);
    let mut out = json!({
        "Status": status,
        "RequestId": r.id,
        "TargetId": r.account_id,
        "TargetType": "AWS_ACCOUNT",
        "PermissionSetArn": r.permission_set_arn,
        "PrincipalType": r.principal_type,
        "PrincipalId": r.principal_id,
        "CreatedDate": epoch_seconds(r.created_ms),
    });
    if status == "FAILED" {
        out["FailureReason"] = json!(r.failure_reason);
    }
    out
}

/// Checks what both Create and Delete check; gives the instance's identity store.
fn check_assignment(
    world: &World,
    caller: &Caller,
    operation: &str,
    input: &AssignmentInput,
) -> Result<(), SsoError> {
    let access = instance(world, caller, operation, &input.instance_arn)?;
    organization_instance(&access)?;
    check_account_id("TargetId", &input.target_id)?;
    if input.target_type != "AWS_ACCOUNT" {
        return Err(SsoError::constraint(
            "TargetType",
            &input.target_type,
            "Member must satisfy enum value set: [AWS_ACCOUNT]",
        ));
    }
    check_principal_type(&input.principal_type)?;
    crate::services::identitystore::check_resource_id("PrincipalId", &input.principal_id)
        .map_err(|_| {
            SsoError::constraint(
                "PrincipalId",
                &input.principal_id,
                "Member must satisfy regular expression pattern: ([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}",
            )
        })?;
    permission_set(world, &access, &input.permission_set_arn)?;
    may_target_account(world, &access, &input.target_id)?;
    let org_id = access.instance.organization_id.as_deref();
    if world
        .organizations
        .membership
        .get(input.target_id.as_str())
        .map(|id| id.as_str())
        != org_id
    {
        return Err(SsoError::Validation(format!(
            "The target account {} is not a member of the organization.",
            input.target_id
        )));
    }
    Ok(())
}

fn new_request(
    world: &mut World,
    input: &AssignmentInput,
    deletion: bool,
    failure_reason: Option<String>,
) -> AssignmentRequest {
    AssignmentRequest {
        id: world.ids.uuid(),
        instance_arn: input.instance_arn.clone(),
        deletion,
        failure_reason,
        account_id: input.target_id.clone(),
        permission_set_arn: input.permission_set_arn.clone(),
        principal_type: input.principal_type.clone(),
        principal_id: input.principal_id.clone(),
        created_ms: world.clock.now_ms(),
        request_number: world.request_count,
    }
}

pub fn create_account_assignment(
    world: &mut World,
    caller: &Caller,
    input: AssignmentInput,
) -> Result<Value, SsoError> {
    check_assignment(world, caller, "CreateAccountAssignment", &input)?;
    let instance = world.ssoadmin.instances[&input.instance_arn].clone();
    let store = world.identitystore.stores.get(&instance.identity_store_id);
    let principal_exists = store.is_some_and(|s| match input.principal_type.as_str() {
        "USER" => s.users.contains_key(&input.principal_id),
        _ => s.groups.contains_key(&input.principal_id),
    });
    if !principal_exists {
        return Err(SsoError::NotFound(format!(
            "Could not find {} with id {} in the identity store {}",
            input.principal_type, input.principal_id, instance.identity_store_id
        )));
    }
    let ps = world.ssoadmin.permission_sets[&input.permission_set_arn].clone();
    let failure = provisioning_problem(world, &ps, &input.target_id);
    if failure.is_none() {
        let key = Assignment::key(
            &input.target_id,
            &input.permission_set_arn,
            &input.principal_type,
            &input.principal_id,
        );
        if !world.ssoadmin.assignments.contains_key(&key) {
            let assignment = Assignment {
                instance_arn: input.instance_arn.clone(),
                account_id: input.target_id.clone(),
                permission_set_arn: input.permission_set_arn.clone(),
                principal_type: input.principal_type.clone(),
                principal_id: input.principal_id.clone(),
                created_ms: world.clock.now_ms(),
            };
            world.ssoadmin.assignments.insert(key, assignment);
        }
        apply(world, &instance, &ps, &input.target_id);
    }
    let request = new_request(world, &input, false, failure);
    let out = request_json(world, &request);
    world
        .ssoadmin
        .assignment_requests
        .insert(request.id.clone(), request);
    Ok(json!({ "AccountAssignmentCreationStatus": out }))
}

/// Removing the last assignment of a permission set in an account removes its role.
pub fn delete_account_assignment(
    world: &mut World,
    caller: &Caller,
    input: AssignmentInput,
) -> Result<Value, SsoError> {
    check_assignment(world, caller, "DeleteAccountAssignment", &input)?;
    let key = Assignment::key(
        &input.target_id,
        &input.permission_set_arn,
        &input.principal_type,
        &input.principal_id,
    );
    if !world.ssoadmin.assignments.contains_key(&key) {
        return Err(SsoError::NotFound(
            "The account assignment does not exist.".into(),
        ));
    }
    world.ssoadmin.assignments.remove(&key);
    let prefix = format!("{}|{}|", input.target_id, input.permission_set_arn);
    let others = world
        .ssoadmin
        .assignments
        .range(prefix.clone()..)
        .next()
        .is_some_and(|(k, _)| k.starts_with(&prefix));
    if !others {
        remove_role(world, &input.permission_set_arn, &input.target_id);
    }
    let request = new_request(world, &input, true, None);
    let out = request_json(world, &request);
    world
        .ssoadmin
        .assignment_requests
        .insert(request.id.clone(), request);
    Ok(json!({ "AccountAssignmentDeletionStatus": out }))
}

fn check_request_id(member: &str, id: &str) -> Result<(), SsoError> {
    let parts: Vec<&str> = id.split('-').collect();
    let ok = parts.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(n, p)| {
            p.len() == *n
                && p.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        });
    if ok {
        Ok(())
    } else {
        Err(SsoError::constraint(
            member,
            id,
            "Member must satisfy regular expression pattern: \\b[0-9a-f]{8}\\b-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-\\b[0-9a-f]{12}\\b",
        ))
    }
}

fn describe(
    world: &World,
    caller: &Caller,
    operation: &str,
    instance_arn: &str,
    request_id: &str,
    deletion: bool,
) -> Result<Value, SsoError> {
    instance(world, caller, operation, instance_arn)?;
    let member = if deletion {
        "AccountAssignmentDeletionRequestId"
    } else {
        "AccountAssignmentCreationRequestId"
    };
    check_request_id(member, request_id)?;
    let request = world
        .ssoadmin
        .assignment_requests
        .get(request_id)
        .filter(|r| r.instance_arn == instance_arn && r.deletion == deletion)
        .ok_or_else(|| {
            SsoError::NotFound(format!("Could not find the request with id {request_id}"))
        })?;
    Ok(request_json(world, request))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreationStatusInput {
    pub instance_arn: String,
    pub account_assignment_creation_request_id: String,
}

pub fn describe_creation_status(
    world: &mut World,
    caller: &Caller,
    input: CreationStatusInput,
) -> Result<Value, SsoError> {
    let out = describe(
        world,
        caller,
        "DescribeAccountAssignmentCreationStatus",
        &input.instance_arn,
        &input.account_assignment_creation_request_id,
        false,
    )?;
    Ok(json!({ "AccountAssignmentCreationStatus": out }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletionStatusInput {
    pub instance_arn: String,
    pub account_assignment_deletion_request_id: String,
}

pub fn describe_deletion_status(
    world: &mut World,
    caller: &Caller,
    input: DeletionStatusInput,
) -> Result<Value, SsoError> {
    let out = describe(
        world,
        caller,
        "DescribeAccountAssignmentDeletionStatus",
        &input.instance_arn,
        &input.account_assignment_deletion_request_id,
        true,
    )?;
    Ok(json!({ "AccountAssignmentDeletionStatus": out }))
}

fn list_status(
    world: &World,
    caller: &Caller,
    operation: &str,
    input: ListStatusInput,
    deletion: bool,
) -> Result<(Vec<Value>, Option<String>), SsoError> {
    instance(world, caller, operation, &input.instance_arn)?;
    let wanted = input.filter.and_then(|f| f.status);
    let listing = format!(
        "{operation} {} {}",
        input.instance_arn,
        wanted.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = world
        .ssoadmin
        .assignment_requests
        .values()
        .filter(|r| r.instance_arn == input.instance_arn && r.deletion == deletion)
        .filter(|r| after.as_deref().is_none_or(|a| r.id.as_str() > a))
        .filter(|r| {
            wanted
                .as_deref()
                .is_none_or(|s| status(world, r.request_number, &r.failure_reason) == s)
        });
    let (items, next) = take_page(items, max, |r| r.id.clone());
    let items = items
        .into_iter()
        .map(|r| {
            json!({
                "Status": status(world, r.request_number, &r.failure_reason),
                "RequestId": r.id,
                "CreatedDate": epoch_seconds(r.created_ms),
            })
        })
        .collect();
    Ok((items, token(&listing, next)))
}

pub fn list_creation_status(
    world: &mut World,
    caller: &Caller,
    input: ListStatusInput,
) -> Result<Value, SsoError> {
    let (items, next) = list_status(
        world,
        caller,
        "ListAccountAssignmentCreationStatus",
        input,
        false,
    )?;
    let mut out = json!({ "AccountAssignmentsCreationStatus": items });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

pub fn list_deletion_status(
    world: &mut World,
    caller: &Caller,
    input: ListStatusInput,
) -> Result<Value, SsoError> {
    let (items, next) = list_status(
        world,
        caller,
        "ListAccountAssignmentDeletionStatus",
        input,
        true,
    )?;
    let mut out = json!({ "AccountAssignmentsDeletionStatus": items });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssignmentsInput {
    pub instance_arn: String,
    pub account_id: String,
    pub permission_set_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_account_assignments(
    world: &mut World,
    caller: &Caller,
    input: ListAssignmentsInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "ListAccountAssignments", &input.instance_arn)?;
    check_account_id("AccountId", &input.account_id)?;
    permission_set(world, &access, &input.permission_set_arn)?;
    let listing = format!(
        "ListAccountAssignments {} {}",
        input.account_id, input.permission_set_arn
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let prefix = format!("{}|{}|", input.account_id, input.permission_set_arn);
    let start = after.clone().unwrap_or_else(|| prefix.clone());
    let items = world
        .ssoadmin
        .assignments
        .range(start..)
        .filter(|(k, _)| after.as_deref() != Some(k.as_str()))
        .take_while(|(k, _)| k.starts_with(&prefix));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items
        .into_iter()
        .map(|(_, a)| {
            json!({
                "AccountId": a.account_id,
                "PermissionSetArn": a.permission_set_arn,
                "PrincipalType": a.principal_type,
                "PrincipalId": a.principal_id,
            })
        })
        .collect();
    let mut out = json!({ "AccountAssignments": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountFilter {
    pub account_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForPrincipalInput {
    pub instance_arn: String,
    pub principal_id: String,
    pub principal_type: String,
    pub filter: Option<AccountFilter>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_account_assignments_for_principal(
    world: &mut World,
    caller: &Caller,
    input: ForPrincipalInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "ListAccountAssignmentsForPrincipal",
        &input.instance_arn,
    )?;
    check_principal_type(&input.principal_type)?;
    let account = input.filter.and_then(|f| f.account_id);
    if let Some(account) = &account {
        check_account_id("Filter.AccountId", account)?;
    }
    let listing = format!(
        "ListAccountAssignmentsForPrincipal {} {} {}",
        input.principal_type,
        input.principal_id,
        account.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = world
        .ssoadmin
        .assignments
        .iter()
        .filter(|(_, a)| {
            a.instance_arn == input.instance_arn
                && a.principal_type == input.principal_type
                && a.principal_id == input.principal_id
                && account.as_deref().is_none_or(|id| a.account_id == id)
        })
        .filter(|(k, _)| after.as_deref().is_none_or(|after| k.as_str() > after));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items
        .into_iter()
        .map(|(_, a)| {
            json!({
                "AccountId": a.account_id,
                "PermissionSetArn": a.permission_set_arn,
                "PrincipalType": a.principal_type,
                "PrincipalId": a.principal_id,
            })
        })
        .collect();
    let mut out = json!({ "AccountAssignments": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
