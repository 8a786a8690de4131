//! CreateStackInstances, UpdateStackInstances, DeleteStackInstances,
//! DescribeStackInstance, ListStackInstances; and what they share with UpdateStackSet:
//! deployment targets, operation preferences and operation ids.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

use super::deploy::{self, Request, Target, Work};
use super::model::{Preferences, StackInstance, StackSet, Targets};
use super::{admin_of, get, index_of, page, set_mut, time, Admin};
use crate::auth::Caller;
use crate::services::cloudformation::errors::CfnError;
use crate::services::cloudformation::stacks::ParameterInput;
use crate::services::cloudformation::template;
use crate::services::iam::dto::de;
use crate::world::World;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeploymentTargetsInput {
    #[serde(default, deserialize_with = "de::list")]
    pub accounts: Vec<String>,
    pub accounts_url: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub organizational_unit_ids: Vec<String>,
    pub account_filter_type: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PreferencesInput {
    pub region_concurrency_type: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub region_order: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub failure_tolerance_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub failure_tolerance_percentage: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_concurrent_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_concurrent_percentage: Option<i64>,
    pub concurrency_mode: Option<String>,
}

fn check_region(region: &str) -> Result<(), CfnError> {
    if crate::regions::region(region).is_some() {
        Ok(())
    } else {
        Err(CfnError::Validation(format!(
            "The following regions are not supported: [{region}]"
        )))
    }
}

fn check_account(account: &str) -> Result<(), CfnError> {
    if account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(CfnError::constraint(
            account,
            "accounts",
            "Member must satisfy regular expression pattern: ^[0-9]{12}$",
        ))
    }
}

/// Validates operation preferences as the model and the user guide state them.
pub fn preferences(input: Option<&PreferencesInput>) -> Result<Preferences, CfnError> {
    let Some(p) = input else {
        return Ok(Preferences::default());
    };
    if let Some(t) = p.region_concurrency_type.as_deref() {
        if t != "SEQUENTIAL" && t != "PARALLEL" {
            return Err(CfnError::constraint(
                t,
                "operationPreferences.regionConcurrencyType",
                "Member must satisfy enum value set: [SEQUENTIAL, PARALLEL]",
            ));
        }
    }
    if let Some(m) = p.concurrency_mode.as_deref() {
        if m != "STRICT_FAILURE_TOLERANCE" && m != "SOFT_FAILURE_TOLERANCE" {
            return Err(CfnError::constraint(
                m,
                "operationPreferences.concurrencyMode",
                "Member must satisfy enum value set: [STRICT_FAILURE_TOLERANCE, SOFT_FAILURE_TOLERANCE]",
            ));
        }
    }
    for r in &p.region_order {
        check_region(r)?;
    }
    let range = |v: Option<i64>, member: &str, min: i64, max: i64| -> Result<(), CfnError> {
        match v {
            Some(v) if v < min || v > max => Err(CfnError::constraint(
                &v.to_string(),
                member,
                &if max == i64::MAX {
                    format!("Member must have value greater than or equal to {min}")
                } else {
                    format!("Member must have value between {min} and {max}")
                },
            )),
            _ => Ok(()),
        }
    };
    range(
        p.failure_tolerance_count,
        "operationPreferences.failureToleranceCount",
        0,
        i64::MAX,
    )?;
    range(
        p.failure_tolerance_percentage,
        "operationPreferences.failureTolerancePercentage",
        0,
        100,
    )?;
    range(
        p.max_concurrent_count,
        "operationPreferences.maxConcurrentCount",
        1,
        i64::MAX,
    )?;
    range(
        p.max_concurrent_percentage,
        "operationPreferences.maxConcurrentPercentage",
        1,
        100,
    )?;
    if p.failure_tolerance_count.is_some() && p.failure_tolerance_percentage.is_some() {
        return Err(CfnError::Validation(
            "You can specify either FailureToleranceCount or FailureTolerancePercentage, but not both.".into(),
        ));
    }
    if p.max_concurrent_count.is_some() && p.max_concurrent_percentage.is_some() {
        return Err(CfnError::Validation(
            "You can specify either MaxConcurrentCount or MaxConcurrentPercentage, but not both."
                .into(),
        ));
    }
    // Under strict failure tolerance, concurrency is at most one more than the tolerance.
    let strict = p.concurrency_mode.as_deref() != Some("SOFT_FAILURE_TOLERANCE");
    if let (true, Some(max), Some(tolerance)) =
        (strict, p.max_concurrent_count, p.failure_tolerance_count)
    {
        if max > tolerance + 1 {
            return Err(CfnError::Validation(
                "MaxConcurrentCount must be at most one more than FailureToleranceCount with STRICT_FAILURE_TOLERANCE".into(),
            ));
        }
    }
    Ok(Preferences {
        region_concurrency_type: p.region_concurrency_type.clone(),
        region_order: p.region_order.clone(),
        failure_tolerance_count: p.failure_tolerance_count,
        failure_tolerance_percentage: p.failure_tolerance_percentage,
        max_concurrent_count: p.max_concurrent_count,
        max_concurrent_percentage: p.max_concurrent_percentage,
        concurrency_mode: p.concurrency_mode.clone(),
    })
}

/// The operation's id: the caller's (unique within the set) or a new one.
pub fn operation_id(
    world: &mut World,
    set: &StackSet,
    given: Option<String>,
) -> Result<String, CfnError> {
    match given {
        Some(id) => {
            let ok = !id.is_empty()
                && id.len() <= 128
                && id.starts_with(|c: char| c.is_ascii_alphanumeric())
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            if !ok {
                return Err(CfnError::constraint(
                    &id,
                    "operationId",
                    "Member must satisfy regular expression pattern: [a-zA-Z0-9][-a-zA-Z0-9]*",
                ));
            }
            if set.operations.iter().any(|o| o.id == id) {
                return Err(CfnError::OperationIdAlreadyExists(format!(
                    "The operation ID {id} already exists"
                )));
            }
            Ok(id)
        }
        None => Ok(world.ids.uuid()),
    }
}

pub fn targets_record(t: &DeploymentTargetsInput) -> Targets {
    Targets {
        accounts: t.accounts.clone(),
        organizational_unit_ids: t.organizational_unit_ids.clone(),
        account_filter_type: t.account_filter_type.clone(),
    }
}

/// Accounts under an OU (or the root), its sub-OUs included, never the management account.
pub fn accounts_under(world: &World, management: &str, ou: &str) -> Vec<String> {
    let Some(org) = world.organizations.organization_of(management) else {
        return Vec::new();
    };
    org.members
        .values()
        .filter(|m| m.account_id != org.management_account_id)
        .filter(|m| org.lineage(&m.parent_id).iter().any(|p| p == ou))
        .map(|m| m.account_id.to_string())
        .collect()
}

/// The (account, region) pairs a request names, checked as AWS checks them.
pub fn resolve(
    world: &World,
    admin: &Admin,
    set: &StackSet,
    accounts: &[String],
    targets: Option<&DeploymentTargetsInput>,
    regions: &[String],
) -> Result<Vec<Target>, CfnError> {
    if regions.is_empty() {
        return Err(CfnError::Validation(
            "1 validation error detected: Value null at 'regions' failed to satisfy constraint: Member must not be null".into(),
        ));
    }
    for r in regions {
        check_region(r)?;
    }
    let mut picked: Vec<(String, Option<String>)> = Vec::new();
    match (accounts.is_empty(), targets) {
        (false, Some(_)) => {
            return Err(CfnError::Validation(
                "Only one of Accounts or DeploymentTargets can be specified".into(),
            ))
        }
        (true, None) => {
            return Err(CfnError::Validation(
                "Either Accounts or DeploymentTargets must be specified".into(),
            ))
        }
        _ => {}
    }
    if set.service_managed() {
        let t = targets.filter(|t| !t.organizational_unit_ids.is_empty()).ok_or_else(|| {
            CfnError::Validation(
                "StackSets with SERVICE_MANAGED permission model can only have OrganizationalUnit as target".into(),
            )
        })?;
        if t.accounts_url.is_some() {
            return Err(CfnError::Validation(
                "AccountsUrl is not supported for stack sets with SERVICE_MANAGED permission model"
                    .into(),
            ));
        }
        let org = world
            .organizations
            .organization_of(&admin.account)
            .ok_or_else(|| CfnError::Validation("The organization does not exist".into()))?;
        for ou in &t.organizational_unit_ids {
            if !org.is_parent(ou) {
                return Err(CfnError::Validation(format!(
                    "OrganizationalUnitIds [{ou}] not found in the organization"
                )));
            }
        }
        for a in &t.accounts {
            check_account(a)?;
        }
        let filter = t.account_filter_type.as_deref().unwrap_or("NONE");
        if !["NONE", "INTERSECTION", "DIFFERENCE", "UNION"].contains(&filter) {
            return Err(CfnError::constraint(
                filter,
                "deploymentTargets.accountFilterType",
                "Member must satisfy enum value set: [NONE, UNION, INTERSECTION, DIFFERENCE]",
            ));
        }
        if filter == "NONE" && !t.accounts.is_empty() {
            return Err(CfnError::Validation(
                "Accounts can only be specified with AccountFilterType INTERSECTION, DIFFERENCE or UNION".into(),
            ));
        }
        for ou in &t.organizational_unit_ids {
            for account in accounts_under(world, &admin.account, ou) {
                let named = t.accounts.contains(&account);
                let keep = match filter {
                    "INTERSECTION" => named,
                    "DIFFERENCE" => !named,
                    _ => true,
                };
                if keep && !picked.iter().any(|(a, _)| a == &account) {
                    picked.push((account, Some(ou.clone())));
                }
            }
        }
        if filter == "UNION" {
            for a in &t.accounts {
                if a != &org.management_account_id && !picked.iter().any(|(p, _)| p == a) {
                    picked.push((a.clone(), None));
                }
            }
        }
    } else {
        let list: Vec<String> = match targets {
            Some(t) => {
                if !t.organizational_unit_ids.is_empty() {
                    return Err(CfnError::Validation(
                        "OrganizationalUnitIds are not supported for stack sets with SELF_MANAGED permission model".into(),
                    ));
                }
                t.accounts.clone()
            }
            None => accounts.to_vec(),
        };
        if list.is_empty() {
            return Err(CfnError::Validation(
                "Either Accounts or DeploymentTargets must be specified".into(),
            ));
        }
        for a in &list {
            check_account(a)?;
            if !picked.iter().any(|(p, _)| p == a) {
                picked.push((a.clone(), None));
            }
        }
    }
    let mut out = Vec::new();
    for region in regions {
        for (account, ou) in &picked {
            out.push(Target {
                account: account.clone(),
                region: region.clone(),
                ou_id: ou.clone(),
            });
        }
    }
    Ok(out)
}

/// `ParameterOverrides` may only name the set's template parameters.
fn overrides(
    set: &StackSet,
    given: &[ParameterInput],
) -> Result<BTreeMap<String, String>, CfnError> {
    let t = template::load(&set.template_body)?;
    let declared: BTreeSet<&str> = t.parameters.iter().map(|p| p.name.as_str()).collect();
    let mut out = BTreeMap::new();
    for p in given {
        let Some(key) = p.parameter_key.clone() else {
            continue;
        };
        if !declared.contains(key.as_str()) {
            return Err(CfnError::Validation(format!(
                "ParameterOverrides: [{key}] do not exist in the template"
            )));
        }
        if let Some(v) = p.parameter_value.clone() {
            out.insert(key, v);
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackInstancesInput {
    pub stack_set_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub accounts: Vec<String>,
    pub deployment_targets: Option<DeploymentTargetsInput>,
    #[serde(default, deserialize_with = "de::list")]
    pub regions: Vec<String>,
    #[serde(default, deserialize_with = "super::opt_list")]
    pub parameter_overrides: Option<Vec<ParameterInput>>,
    pub operation_preferences: Option<PreferencesInput>,
    pub operation_id: Option<String>,
    pub call_as: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub retain_stacks: Option<bool>,
}

pub fn create_stack_instances(
    world: &mut World,
    caller: &Caller,
    input: StackInstancesInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    let set = get(world, &admin, &input.stack_set_name)?.clone();
    if set.service_managed() {
        super::check_service_managed(world, caller, &admin)?;
    }
    let targets = resolve(
        world,
        &admin,
        &set,
        &input.accounts,
        input.deployment_targets.as_ref(),
        &input.regions,
    )?;
    let overrides = overrides(
        &set,
        input.parameter_overrides.as_deref().unwrap_or_default(),
    )?;
    let preferences = preferences(input.operation_preferences.as_ref())?;
    let id = operation_id(world, &set, input.operation_id.clone())?;
    if set.service_managed() {
        if let Some(t) = &input.deployment_targets {
            let stored = set_mut(world, &admin, index);
            for ou in &t.organizational_unit_ids {
                stored
                    .targets
                    .entry(ou.clone())
                    .or_default()
                    .extend(input.regions.iter().cloned());
            }
        }
    }
    let request = Request {
        id: id.clone(),
        action: "CREATE",
        preferences,
        deployment_targets: input.deployment_targets.as_ref().map(targets_record),
        work: Work::Deploy {
            overrides: input.parameter_overrides.as_ref().map(|_| overrides),
        },
        targets,
    };
    deploy::run(world, &admin, index, request);
    Ok(json!({"OperationId": id}))
}

/// The named targets that have instances; none at all is StackInstanceNotFound.
fn existing(set: &StackSet, targets: Vec<Target>) -> Result<Vec<Target>, CfnError> {
    let (found, missing): (Vec<Target>, Vec<Target>) = targets
        .into_iter()
        .partition(|t| set.instance(&t.account, &t.region).is_some());
    if let (false, Some(m)) = (set.service_managed(), missing.first()) {
        return Err(instance_not_found(set, &m.account, &m.region));
    }
    Ok(found)
}

pub fn instance_not_found(set: &StackSet, account: &str, region: &str) -> CfnError {
    CfnError::StackInstanceNotFound(format!(
        "Stack instance in account {account} and region {region} does not exist in StackSet {}",
        set.name
    ))
}

pub fn update_stack_instances(
    world: &mut World,
    caller: &Caller,
    input: StackInstancesInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    let set = get(world, &admin, &input.stack_set_name)?.clone();
    let targets = resolve(
        world,
        &admin,
        &set,
        &input.accounts,
        input.deployment_targets.as_ref(),
        &input.regions,
    )?;
    let targets = existing(&set, targets)?;
    let given = input.parameter_overrides.clone().unwrap_or_default();
    let new_overrides = overrides(&set, &given)?;
    let preferences = preferences(input.operation_preferences.as_ref())?;
    let id = operation_id(world, &set, input.operation_id.clone())?;
    // Each instance keeps the overrides the request marks UsePreviousValue.
    let stored = set_mut(world, &admin, index);
    for t in &targets {
        if let Some(i) = stored
            .instances
            .iter_mut()
            .find(|i| i.account == t.account && i.region == t.region)
        {
            let mut next = new_overrides.clone();
            for p in given.iter().filter(|p| p.use_previous_value == Some(true)) {
                if let Some(k) = &p.parameter_key {
                    if let Some(v) = i.parameter_overrides.get(k) {
                        next.insert(k.clone(), v.clone());
                    }
                }
            }
            i.parameter_overrides = next;
        }
    }
    let request = Request {
        id: id.clone(),
        action: "UPDATE",
        preferences,
        deployment_targets: input.deployment_targets.as_ref().map(targets_record),
        work: Work::Deploy { overrides: None },
        targets,
    };
    deploy::run(world, &admin, index, request);
    Ok(json!({"OperationId": id}))
}

pub fn delete_stack_instances(
    world: &mut World,
    caller: &Caller,
    input: StackInstancesInput,
) -> Result<Value, CfnError> {
    let retain = input.retain_stacks.ok_or_else(|| {
        CfnError::Validation(
            "1 validation error detected: Value null at 'retainStacks' failed to satisfy constraint: Member must not be null".into(),
        )
    })?;
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    let set = get(world, &admin, &input.stack_set_name)?.clone();
    let targets = resolve(
        world,
        &admin,
        &set,
        &input.accounts,
        input.deployment_targets.as_ref(),
        &input.regions,
    )?;
    let targets: Vec<Target> = targets
        .into_iter()
        .filter(|t| set.instance(&t.account, &t.region).is_some())
        .collect();
    let preferences = preferences(input.operation_preferences.as_ref())?;
    let id = operation_id(world, &set, input.operation_id.clone())?;
    if let Some(t) = &input.deployment_targets {
        let stored = set_mut(world, &admin, index);
        for ou in &t.organizational_unit_ids {
            if let Some(regions) = stored.targets.get_mut(ou) {
                for r in &input.regions {
                    regions.remove(r);
                }
                if regions.is_empty() {
                    stored.targets.remove(ou);
                }
            }
        }
    }
    let request = Request {
        id: id.clone(),
        action: "DELETE",
        preferences,
        deployment_targets: input.deployment_targets.as_ref().map(targets_record),
        work: Work::Remove { retain },
        targets,
    };
    deploy::run(world, &admin, index, request);
    Ok(json!({"OperationId": id}))
}

fn instance_status(i: &StackInstance) -> Value {
    json!({"DetailedStatus": i.detailed_status})
}

pub fn instance_shape(set: &StackSet, i: &StackInstance) -> Value {
    json!({
        "StackSetId": set.id,
        "Region": i.region,
        "Account": i.account,
        "StackId": i.stack_id,
        "ParameterOverrides": super::parameters_shape(&i.parameter_overrides),
        "Status": i.status,
        "StackInstanceStatus": instance_status(i),
        "StatusReason": i.status_reason,
        "OrganizationalUnitId": i.ou_id,
        "DriftStatus": i.drift_status,
        "LastDriftCheckTimestamp": i.drift_checked_ms.map(time),
        "LastOperationId": i.last_operation_id,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStackInstanceInput {
    pub stack_set_name: String,
    pub stack_instance_account: String,
    pub stack_instance_region: String,
    pub call_as: Option<String>,
}

pub fn describe_stack_instance(
    world: &mut World,
    caller: &Caller,
    input: DescribeStackInstanceInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let i = set
        .instance(&input.stack_instance_account, &input.stack_instance_region)
        .ok_or_else(|| {
            instance_not_found(
                set,
                &input.stack_instance_account,
                &input.stack_instance_region,
            )
        })?;
    Ok(json!({"StackInstance": instance_shape(set, i)}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct FilterInput {
    pub name: Option<String>,
    pub values: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStackInstancesInput {
    pub stack_set_name: String,
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    #[serde(default, deserialize_with = "de::list")]
    pub filters: Vec<FilterInput>,
    pub stack_instance_account: Option<String>,
    pub stack_instance_region: Option<String>,
    pub call_as: Option<String>,
}

pub fn list_stack_instances(
    world: &mut World,
    caller: &Caller,
    input: ListStackInstancesInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    let mut filters = Vec::new();
    for f in &input.filters {
        let name = f.name.clone().unwrap_or_default();
        if !["DETAILED_STATUS", "LAST_OPERATION_ID", "DRIFT_STATUS"].contains(&name.as_str()) {
            return Err(CfnError::constraint(
                &name,
                "filters.member.name",
                "Member must satisfy enum value set: [DRIFT_STATUS, LAST_OPERATION_ID, DETAILED_STATUS]",
            ));
        }
        filters.push((name, f.values.clone().unwrap_or_default()));
    }
    let summaries: Vec<Value> = set
        .instances
        .iter()
        .filter(|i| {
            input
                .stack_instance_account
                .as_ref()
                .is_none_or(|a| &i.account == a)
        })
        .filter(|i| {
            input
                .stack_instance_region
                .as_ref()
                .is_none_or(|r| &i.region == r)
        })
        .filter(|i| {
            filters.iter().all(|(name, value)| match name.as_str() {
                "DETAILED_STATUS" => &i.detailed_status == value,
                "LAST_OPERATION_ID" => i.last_operation_id.as_ref() == Some(value),
                _ => &i.drift_status == value,
            })
        })
        .map(|i| {
            json!({
                "StackSetId": set.id,
                "Region": i.region,
                "Account": i.account,
                "StackId": i.stack_id,
                "Status": i.status,
                "StatusReason": i.status_reason,
                "StackInstanceStatus": instance_status(i),
                "OrganizationalUnitId": i.ou_id,
                "DriftStatus": i.drift_status,
                "LastDriftCheckTimestamp": i.drift_checked_ms.map(time),
                "LastOperationId": i.last_operation_id,
            })
        })
        .collect();
    let (page, next) = page(
        summaries,
        "ListStackInstances",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}
