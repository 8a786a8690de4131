//! CreateStackSet, UpdateStackSet, DeleteStackSet, DescribeStackSet, ListStackSets.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

use super::deploy::{self, administration_role_arn, trusts_service, Request, Work};
use super::instances::{self, DeploymentTargetsInput, PreferencesInput};
use super::model::{AutoDeployment, StackSet, SELF_MANAGED, SERVICE_MANAGED};
use super::{
    admin_of, check_service_managed, find, get, index_of, page, parameters_shape, set_mut, time,
    Admin,
};
use crate::auth::Caller;
use crate::services::cloudformation::errors::CfnError;
use crate::services::cloudformation::quotas;
use crate::services::cloudformation::stacks::{self, ParameterInput, TagInput};
use crate::services::cloudformation::template::{self, Template};
use crate::services::iam::dto::de;
use crate::world::World;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutoDeploymentInput {
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub retain_stacks_on_account_removal: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedExecutionInput {
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateStackSetInput {
    pub stack_set_name: String,
    pub description: Option<String>,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    pub stack_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub parameters: Vec<ParameterInput>,
    #[serde(default, deserialize_with = "de::list")]
    pub capabilities: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagInput>,
    #[serde(rename = "AdministrationRoleARN")]
    pub administration_role_arn: Option<String>,
    pub execution_role_name: Option<String>,
    pub permission_model: Option<String>,
    pub auto_deployment: Option<AutoDeploymentInput>,
    pub call_as: Option<String>,
    pub client_request_token: Option<String>,
    pub managed_execution: Option<ManagedExecutionInput>,
}

fn check_name(name: &str) -> Result<(), CfnError> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CfnError::constraint(
            name,
            "stackSetName",
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
        ))
    }
}

fn permission_model(value: Option<&str>) -> Result<&'static str, CfnError> {
    match value {
        None | Some("SELF_MANAGED") => Ok(SELF_MANAGED),
        Some("SERVICE_MANAGED") => Ok(SERVICE_MANAGED),
        Some(other) => Err(CfnError::constraint(
            other,
            "permissionModel",
            "Member must satisfy enum value set: [SERVICE_MANAGED, SELF_MANAGED]",
        )),
    }
}

fn auto_deployment(
    input: Option<&AutoDeploymentInput>,
    model: &str,
    previous: Option<&AutoDeployment>,
) -> Result<Option<AutoDeployment>, CfnError> {
    let Some(a) = input else {
        return Ok(previous.cloned());
    };
    if model != SERVICE_MANAGED {
        return Err(CfnError::Validation(
            "AutoDeployment is only supported for stack sets with SERVICE_MANAGED permission model"
                .into(),
        ));
    }
    let enabled = a.enabled.or(previous.map(|p| p.enabled)).unwrap_or(false);
    let retain = a
        .retain_stacks_on_account_removal
        .or(previous.map(|p| p.retain_stacks_on_account_removal));
    if enabled && retain.is_none() {
        return Err(CfnError::Validation(
            "RetainStacksOnAccountRemoval must be set when AutoDeployment is enabled".into(),
        ));
    }
    Ok(Some(AutoDeployment {
        enabled,
        retain_stacks_on_account_removal: retain.unwrap_or(false),
    }))
}

/// The set's template must load, use only types orgsim provides, and be granted the
/// IAM capabilities it needs — checked when the set is made, as AWS does.
fn check_template(body: &str, capabilities: &[String]) -> Result<Template, CfnError> {
    let t = template::load(body)?;
    stacks::check_types(&t)?;
    stacks::check_capabilities(&t, capabilities)?;
    Ok(t)
}

fn set_parameters(
    t: &Template,
    given: &[ParameterInput],
    previous: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, CfnError> {
    let declared: BTreeSet<&str> = t.parameters.iter().map(|p| p.name.as_str()).collect();
    let unknown: Vec<String> = given
        .iter()
        .filter_map(|p| p.parameter_key.clone())
        .filter(|k| !declared.contains(k.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(CfnError::Validation(format!(
            "Parameters: [{}] do not exist in the template",
            unknown.join(", ")
        )));
    }
    let mut out = BTreeMap::new();
    for p in given {
        let Some(key) = p.parameter_key.clone() else {
            continue;
        };
        if p.use_previous_value == Some(true) {
            if let Some(v) = previous.get(&key) {
                out.insert(key, v.clone());
            }
        } else if let Some(v) = p.parameter_value.clone() {
            out.insert(key, v);
        }
    }
    Ok(out)
}

/// A self-managed set's administration role must exist and trust CloudFormation.
fn check_administration_role(world: &World, arn: &str) -> Result<(), CfnError> {
    let account = arn.split(':').nth(4).unwrap_or_default();
    let name = arn.rsplit('/').next().unwrap_or_default();
    if trusts_service(world, account, name, "cloudformation.amazonaws.com") {
        Ok(())
    } else {
        Err(CfnError::Validation(format!(
            "Account {account} should have '{name}' role with trust relationship to CloudFormation service."
        )))
    }
}

pub fn create_stack_set(
    world: &mut World,
    caller: &Caller,
    input: CreateStackSetInput,
) -> Result<Value, CfnError> {
    check_name(&input.stack_set_name)?;
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let model = permission_model(input.permission_model.as_deref())?;
    if model == SERVICE_MANAGED {
        check_service_managed(world, caller, &admin)?;
    } else if admin.delegated {
        return Err(CfnError::Validation(
            "CallAs DELEGATED_ADMIN is only supported for stack sets with SERVICE_MANAGED permission model".into(),
        ));
    }
    if find(world, &admin, &input.stack_set_name).is_some() {
        return Err(CfnError::NameAlreadyExists(format!(
            "StackSet {} already exists",
            input.stack_set_name
        )));
    }
    let body = match (&input.stack_id, &input.template_body, &input.template_url) {
        (Some(stack), None, None) => stacks::get(world, caller, stack)?.template_body.clone(),
        (Some(_), _, _) => {
            return Err(CfnError::Validation(
                "Specify exactly one of TemplateBody, TemplateURL or StackId.".into(),
            ))
        }
        _ => stacks::body_of(
            world,
            caller,
            input.template_body.clone(),
            input.template_url.clone(),
        )?,
    };
    let t = check_template(&body, &input.capabilities)?;
    let parameters = set_parameters(&t, &input.parameters, &BTreeMap::new())?;
    let tags = stacks::tags_of(&input.tags)?;
    let auto = auto_deployment(input.auto_deployment.as_ref(), model, None)?;
    if model == SELF_MANAGED {
        let arn = input.administration_role_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:iam::{}:role/{}",
                admin.account,
                super::DEFAULT_ADMIN_ROLE
            )
        });
        check_administration_role(world, &arn)?;
    } else if input.administration_role_arn.is_some() || input.execution_role_name.is_some() {
        return Err(CfnError::Validation(
            "AdministrationRoleARN and ExecutionRoleName are not supported for stack sets with SERVICE_MANAGED permission model".into(),
        ));
    }
    let live = world
        .cloudformation
        .regional(&admin.account, &admin.region)
        .map_or(0, |r| {
            r.stack_sets.iter().filter(|s| s.status == "ACTIVE").count()
        });
    if live >= quotas::STACK_SETS {
        return Err(CfnError::LimitExceeded(format!(
            "Limit of {} stack sets exceeded",
            quotas::STACK_SETS
        )));
    }
    let uuid = world.ids.uuid();
    let id = format!("{}:{uuid}", input.stack_set_name);
    let set = StackSet {
        arn: format!(
            "arn:aws:cloudformation:{}:{}:stackset/{id}",
            admin.region, admin.account
        ),
        id: id.clone(),
        name: input.stack_set_name.clone(),
        description: input.description.clone().or(t.description.clone()),
        status: "ACTIVE".into(),
        template_body: body,
        parameters,
        capabilities: input.capabilities.clone(),
        tags,
        permission_model: model.into(),
        administration_role_arn: (model == SELF_MANAGED)
            .then(|| input.administration_role_arn.clone())
            .flatten(),
        execution_role_name: (model == SELF_MANAGED)
            .then(|| input.execution_role_name.clone())
            .flatten(),
        auto_deployment: auto,
        managed_execution: input
            .managed_execution
            .and_then(|m| m.active)
            .unwrap_or(false),
        created_ms: world.clock.now_ms(),
        instances: Vec::new(),
        operations: Vec::new(),
        targets: BTreeMap::new(),
        drift_status: "NOT_CHECKED".into(),
        drift_checked_ms: None,
    };
    world
        .cloudformation
        .regional_mut(&admin.account, &admin.region)
        .stack_sets
        .push(set);
    Ok(json!({"StackSetId": id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateStackSetInput {
    pub stack_set_name: String,
    pub description: Option<String>,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub use_previous_template: Option<bool>,
    #[serde(default, deserialize_with = "de::list")]
    pub parameters: Vec<ParameterInput>,
    #[serde(default, deserialize_with = "super::opt_list")]
    pub capabilities: Option<Vec<String>>,
    #[serde(default, deserialize_with = "super::opt_list")]
    pub tags: Option<Vec<TagInput>>,
    pub operation_preferences: Option<PreferencesInput>,
    #[serde(rename = "AdministrationRoleARN")]
    pub administration_role_arn: Option<String>,
    pub execution_role_name: Option<String>,
    pub deployment_targets: Option<DeploymentTargetsInput>,
    pub permission_model: Option<String>,
    pub auto_deployment: Option<AutoDeploymentInput>,
    pub operation_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub accounts: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub regions: Vec<String>,
    pub call_as: Option<String>,
    pub managed_execution: Option<ManagedExecutionInput>,
}

pub fn update_stack_set(
    world: &mut World,
    caller: &Caller,
    input: UpdateStackSetInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    let set = get(world, &admin, &input.stack_set_name)?.clone();
    let model = match input.permission_model.as_deref() {
        None => {
            if set.service_managed() {
                SERVICE_MANAGED
            } else {
                SELF_MANAGED
            }
        }
        some => permission_model(some)?,
    };
    if model != set.permission_model && !set.instances.is_empty() {
        return Err(CfnError::Validation(
            "PermissionModel cannot be changed for a stack set with stack instances".into(),
        ));
    }
    if model == SERVICE_MANAGED {
        check_service_managed(world, caller, &admin)?;
    }
    let body = match (
        input.use_previous_template == Some(true),
        &input.template_body,
        &input.template_url,
    ) {
        (true, None, None) => set.template_body.clone(),
        (true, _, _) => {
            return Err(CfnError::Validation(
                "Specify exactly one of TemplateBody, TemplateURL or UsePreviousTemplate.".into(),
            ))
        }
        _ => stacks::body_of(
            world,
            caller,
            input.template_body.clone(),
            input.template_url.clone(),
        )?,
    };
    let capabilities = input
        .capabilities
        .clone()
        .unwrap_or_else(|| set.capabilities.clone());
    let t = check_template(&body, &capabilities)?;
    let parameters = set_parameters(&t, &input.parameters, &set.parameters)?;
    let tags = match &input.tags {
        Some(tags) => stacks::tags_of(tags)?,
        None => set.tags.clone(),
    };
    let auto = auto_deployment(
        input.auto_deployment.as_ref(),
        model,
        set.auto_deployment.as_ref(),
    )?;
    let administration_role_arn = input
        .administration_role_arn
        .clone()
        .or(set.administration_role_arn.clone());
    if model == SELF_MANAGED {
        let mut probe = set.clone();
        probe.administration_role_arn = administration_role_arn.clone();
        check_administration_role(world, &administration_role_arn_of(&probe, &admin))?;
    }
    let preferences = instances::preferences(input.operation_preferences.as_ref())?;
    let operation_id = instances::operation_id(world, &set, input.operation_id.clone())?;
    // Which instances the update reaches: all of them, or those named.
    let named = !input.accounts.is_empty()
        || !input.regions.is_empty()
        || input.deployment_targets.is_some();
    let targets: Vec<deploy::Target> = if named {
        if input.regions.is_empty() {
            return Err(CfnError::Validation(
                "Regions must be specified together with Accounts or DeploymentTargets".into(),
            ));
        }
        let wanted = instances::resolve(
            world,
            &admin,
            &set,
            &input.accounts,
            input.deployment_targets.as_ref(),
            &input.regions,
        )?;
        wanted
            .into_iter()
            .filter(|t| set.instance(&t.account, &t.region).is_some())
            .collect()
    } else {
        set.instances
            .iter()
            .map(|i| deploy::Target {
                account: i.account.clone(),
                region: i.region.clone(),
                ou_id: i.ou_id.clone(),
            })
            .collect()
    };
    let stored = set_mut(world, &admin, index);
    stored.template_body = body;
    stored.parameters = parameters;
    stored.capabilities = capabilities;
    stored.tags = tags;
    stored.permission_model = model.into();
    stored.auto_deployment = auto;
    if let Some(d) = input.description {
        stored.description = Some(d);
    }
    if model == SELF_MANAGED {
        stored.administration_role_arn = administration_role_arn;
        if let Some(e) = input.execution_role_name {
            stored.execution_role_name = Some(e);
        }
    }
    if let Some(active) = input.managed_execution.and_then(|m| m.active) {
        stored.managed_execution = active;
    }
    // Instances the update does not reach no longer match the set.
    let reached: Vec<(String, String)> = targets
        .iter()
        .map(|t: &deploy::Target| (t.account.clone(), t.region.clone()))
        .collect();
    for i in stored.instances.iter_mut() {
        if !reached.contains(&(i.account.clone(), i.region.clone())) {
            i.status = "OUTDATED".into();
        }
    }
    let request = Request {
        id: operation_id.clone(),
        action: "UPDATE",
        preferences,
        deployment_targets: input
            .deployment_targets
            .as_ref()
            .map(instances::targets_record),
        work: Work::Deploy { overrides: None },
        targets,
    };
    deploy::run(world, &admin, index, request);
    Ok(json!({"OperationId": operation_id}))
}

fn administration_role_arn_of(set: &StackSet, admin: &Admin) -> String {
    administration_role_arn(set, &admin.account)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackSetNameInput {
    pub stack_set_name: String,
    pub call_as: Option<String>,
}

pub fn delete_stack_set(
    world: &mut World,
    caller: &Caller,
    input: StackSetNameInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let index = index_of(world, &admin, &input.stack_set_name)?;
    if !set_mut(world, &admin, index).instances.is_empty() {
        return Err(CfnError::StackSetNotEmpty("StackSet is not empty".into()));
    }
    set_mut(world, &admin, index).status = "DELETED".into();
    Ok(json!({}))
}

fn auto_shape(set: &StackSet) -> Option<Value> {
    set.auto_deployment.as_ref().map(|a| {
        json!({"Enabled": a.enabled, "RetainStacksOnAccountRemoval": a.retain_stacks_on_account_removal})
    })
}

fn drift_details(set: &StackSet) -> Value {
    let count = |status: &str| {
        set.instances
            .iter()
            .filter(|i| i.drift_status == status)
            .count()
    };
    let mut v = json!({
        "DriftStatus": set.drift_status,
        "TotalStackInstancesCount": set.instances.len(),
        "DriftedStackInstancesCount": count("DRIFTED"),
        "InSyncStackInstancesCount": count("IN_SYNC"),
        "InProgressStackInstancesCount": 0,
        "FailedStackInstancesCount": 0,
    });
    if let Some(ms) = set.drift_checked_ms {
        v["LastDriftCheckTimestamp"] = time(ms);
        v["DriftDetectionStatus"] = json!("COMPLETED");
    }
    v
}

pub fn stack_set_shape(set: &StackSet) -> Value {
    json!({
        "StackSetName": set.name,
        "StackSetId": set.id,
        "Description": set.description,
        "Status": set.status,
        "TemplateBody": set.template_body,
        "Parameters": parameters_shape(&set.parameters),
        "Capabilities": set.capabilities,
        "Tags": set.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
        "StackSetARN": set.arn,
        "AdministrationRoleARN": (!set.service_managed()).then(|| set.administration_role_arn.clone().unwrap_or_else(|| {
            let account = set.arn.split(':').nth(4).unwrap_or_default();
            format!("arn:aws:iam::{account}:role/{}", super::DEFAULT_ADMIN_ROLE)
        })),
        "ExecutionRoleName": (!set.service_managed()).then(|| set.execution_role_name.clone().unwrap_or_else(|| super::DEFAULT_EXECUTION_ROLE.to_string())),
        "StackSetDriftDetectionDetails": drift_details(set),
        "AutoDeployment": auto_shape(set),
        "PermissionModel": set.permission_model,
        "OrganizationalUnitIds": set.targets.keys().cloned().collect::<Vec<_>>(),
        "ManagedExecution": {"Active": set.managed_execution},
        "Regions": set.regions(),
    })
}

pub fn describe_stack_set(
    world: &mut World,
    caller: &Caller,
    input: StackSetNameInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    let set = get(world, &admin, &input.stack_set_name)?;
    Ok(json!({"StackSet": stack_set_shape(set)}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStackSetsInput {
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    pub status: Option<String>,
    pub call_as: Option<String>,
}

pub fn list_stack_sets(
    world: &mut World,
    caller: &Caller,
    input: ListStackSetsInput,
) -> Result<Value, CfnError> {
    let admin = admin_of(world, caller, input.call_as.as_deref())?;
    if let Some(s) = input.status.as_deref() {
        if s != "ACTIVE" && s != "DELETED" {
            return Err(CfnError::constraint(
                s,
                "status",
                "Member must satisfy enum value set: [ACTIVE, DELETED]",
            ));
        }
    }
    let summaries: Vec<Value> = world
        .cloudformation
        .regional(&admin.account, &admin.region)
        .map(|r| {
            r.stack_sets
                .iter()
                .filter(|s| !admin.delegated || s.service_managed())
                .filter(|s| input.status.as_ref().is_none_or(|st| &s.status == st))
                .map(|s| {
                    json!({
                        "StackSetName": s.name,
                        "StackSetId": s.id,
                        "Description": s.description,
                        "Status": s.status,
                        "AutoDeployment": auto_shape(s),
                        "PermissionModel": s.permission_model,
                        "DriftStatus": s.drift_status,
                        "LastDriftCheckTimestamp": s.drift_checked_ms.map(time),
                        "ManagedExecution": {"Active": s.managed_execution},
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let (page, next) = page(
        summaries,
        "ListStackSets",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}
