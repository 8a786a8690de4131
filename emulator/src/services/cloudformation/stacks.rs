//! Stack operations: create, update, delete, describe and list stacks, their events,
//! resources, templates, exports and imports, termination protection and stack
//! policies; template validation and summaries.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

use super::engine::{self, OnFailure, Run};
use super::errors::CfnError;
use super::model::{Stack, StackResource};
use super::providers::{self, Capability};
use super::template::eval::{Pseudo, Scope};
use super::template::params::Given;
use super::template::{self, Template};
use crate::auth::{Caller, Principal};
use crate::services::iam::dto::de;
use crate::world::{iso8601, World};

/// A `Parameter` of the input.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterInput {
    pub parameter_key: Option<String>,
    pub parameter_value: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub use_previous_value: Option<bool>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagInput {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

/// A list that may be absent (`None`) rather than empty.
fn opt_list<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<Vec<T>>, D::Error> {
    de::list(d).map(Some)
}

pub fn given(parameters: &[ParameterInput]) -> BTreeMap<String, Given> {
    parameters
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_key.clone()?,
                Given {
                    value: p.parameter_value.clone(),
                    use_previous: p.use_previous_value.unwrap_or(false),
                },
            ))
        })
        .collect()
}

pub fn tags_of(tags: &[TagInput]) -> Result<Vec<(String, String)>, CfnError> {
    if tags.len() > 50 {
        return Err(CfnError::Validation(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50".into(),
        ));
    }
    Ok(tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect())
}

pub fn stack_account(stack: &Stack) -> &str {
    stack.stack_id.split(':').nth(4).unwrap_or_default()
}

pub fn stack_region(stack: &Stack) -> &str {
    stack.stack_id.split(':').nth(3).unwrap_or_default()
}

fn check_stack_name(name: &str) -> Result<(), CfnError> {
    let ok = name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(CfnError::constraint(
            name,
            "stackName",
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*",
        ))
    }
}

/// The template body of a request: `TemplateBody`, or `TemplateURL` read from orgsim's S3.
pub fn body_of(
    world: &World,
    caller: &Caller,
    body: Option<String>,
    url: Option<String>,
) -> Result<String, CfnError> {
    match (body, url) {
        (Some(_), Some(_)) | (None, None) => Err(CfnError::Validation(
            "Specify exactly one of TemplateBody or TemplateUrl.".into(),
        )),
        (Some(body), None) => {
            if body.len() > 51_200 {
                return Err(CfnError::constraint(
                    "…",
                    "templateBody",
                    "Member must have length less than or equal to 51200",
                ));
            }
            Ok(body)
        }
        (None, Some(url)) => template_from_s3(world, caller, &url),
    }
}

/// Reads `https://bucket.s3[.region].amazonaws.com/key` or `https://host/bucket/key`.
fn template_from_s3(world: &World, caller: &Caller, url: &str) -> Result<String, CfnError> {
    let bad = || CfnError::Validation(format!("TemplateURL must be a supported URL: {url}"));
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let (host, path) = rest.split_once('/').ok_or_else(bad)?;
    let host = host.split(':').next().unwrap_or_default();
    let (bucket, key) = match host.split_once(".s3") {
        Some((bucket, _)) if !bucket.is_empty() => (bucket.to_string(), path.to_string()),
        _ => {
            let (bucket, key) = path.split_once('/').ok_or_else(bad)?;
            (bucket.to_string(), key.to_string())
        }
    };
    let key = percent_encoding::percent_decode_str(key.split('?').next().unwrap_or_default())
        .decode_utf8_lossy()
        .to_string();
    let input = json!({"Bucket": bucket, "Key": key});
    if crate::authorize::authorize(
        world,
        caller,
        crate::api::ServiceId::S3,
        "GetObject",
        &input,
    )
    .is_err()
    {
        return Err(CfnError::Validation(format!(
            "Access Denied reading the template at {url}"
        )));
    }
    let object = world
        .s3
        .buckets
        .get(&bucket)
        .and_then(|b| b.objects.get(&key))
        .filter(|o| !o.delete_marker)
        .ok_or_else(|| {
            CfnError::Validation(format!(
                "S3 error: The specified key does not exist. ({url})"
            ))
        })?;
    String::from_utf8(object.data.0.to_vec()).map_err(|_| {
        CfnError::Validation("Template format error: the template is not UTF-8 text".into())
    })
}

/// The capability a template needs, as InsufficientCapabilitiesException names it.
pub fn needed_capability(t: &Template) -> Option<&'static str> {
    let mut needed = None;
    for r in &t.resources {
        if let Some(p) = providers::provider(&r.type_name) {
            if let Capability::Iam(name_key) = p.capability {
                if !name_key.is_empty() && r.properties.get(name_key).is_some() {
                    return Some("CAPABILITY_NAMED_IAM");
                }
                needed = Some("CAPABILITY_IAM");
            }
        }
    }
    needed
}

pub fn check_capabilities(t: &Template, given: &[String]) -> Result<(), CfnError> {
    for c in given {
        if ![
            "CAPABILITY_IAM",
            "CAPABILITY_NAMED_IAM",
            "CAPABILITY_AUTO_EXPAND",
        ]
        .contains(&c.as_str())
        {
            return Err(CfnError::constraint(
                c,
                "capabilities",
                "Member must satisfy enum value set: [CAPABILITY_AUTO_EXPAND, CAPABILITY_NAMED_IAM, CAPABILITY_IAM]",
            ));
        }
    }
    match needed_capability(t) {
        Some("CAPABILITY_NAMED_IAM") if !given.iter().any(|c| c == "CAPABILITY_NAMED_IAM") => {
            Err(CfnError::InsufficientCapabilities(
                "Requires capabilities : [CAPABILITY_NAMED_IAM]".into(),
            ))
        }
        Some("CAPABILITY_IAM")
            if !given
                .iter()
                .any(|c| c == "CAPABILITY_IAM" || c == "CAPABILITY_NAMED_IAM") =>
        {
            Err(CfnError::InsufficientCapabilities(
                "Requires capabilities : [CAPABILITY_IAM]".into(),
            ))
        }
        _ => Ok(()),
    }
}

/// Every type in the template must be one orgsim provides.
pub fn check_types(t: &Template) -> Result<(), CfnError> {
    let unknown: BTreeSet<&str> = t
        .resources
        .iter()
        .map(|r| r.type_name.as_str())
        .filter(|ty| providers::provider(ty).is_none())
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(CfnError::Validation(format!(
            "Template format error: Unrecognized resource types: [{}]",
            unknown.into_iter().collect::<Vec<_>>().join(", ")
        )))
    }
}

/// Exports of the account and region, by name, leaving out one stack's own.
pub fn exports(
    world: &World,
    account: &str,
    region: &str,
    except: Option<&str>,
) -> BTreeMap<String, String> {
    world
        .cloudformation
        .regional(account, region)
        .map(|r| {
            r.stacks
                .iter()
                .filter(|s| !s.deleted() && Some(s.stack_id.as_str()) != except)
                .flat_map(|s| s.outputs.iter())
                .filter_map(|o| Some((o.export_name.clone()?, o.value.clone())))
                .collect()
        })
        .unwrap_or_default()
}

/// The caller that makes the resources: the service role when one is given.
pub fn acting_caller(
    world: &World,
    caller: &Caller,
    role_arn: Option<&str>,
) -> Result<Caller, CfnError> {
    let Some(arn) = role_arn else {
        return Ok(caller.clone());
    };
    let invalid = || CfnError::Validation(format!("Role {arn} is invalid or cannot be assumed"));
    let name = arn.rsplit('/').next().ok_or_else(invalid)?;
    let account = arn.split(':').nth(4).ok_or_else(invalid)?;
    if account != caller.account_id {
        return Err(invalid());
    }
    let role = crate::services::iam::role(world, account, name).map_err(|_| invalid())?;
    Ok(Caller {
        account_id: account.to_string(),
        principal: Principal::AssumedRole {
            role_name: role.name.to_string(),
            role_id: role.id.to_string(),
            session_name: "AWSCloudFormation".into(),
        },
        access_key_id: String::new(),
        temporary: true,
        region: caller.region.clone(),
    })
}

/// Everything a walk needs, checked before anything is made.
pub struct Prepared {
    pub template: Template,
    pub parameters: BTreeMap<String, String>,
    pub conditions: BTreeMap<String, bool>,
    pub order: Vec<String>,
    pub pseudo: Pseudo,
    pub exports: BTreeMap<String, String>,
}

#[allow(clippy::too_many_arguments)]
pub fn prepare(
    world: &World,
    account: &str,
    region: &str,
    stack_name: &str,
    stack_id: &str,
    body: &str,
    given: &BTreeMap<String, Given>,
    previous: &BTreeMap<String, String>,
    capabilities: Option<&[String]>,
    notification_arns: &[String],
) -> Result<Prepared, CfnError> {
    let template = template::load(body)?;
    check_types(&template)?;
    if let Some(c) = capabilities {
        check_capabilities(&template, c)?;
    }
    let parameters = template::params::resolve(&template.parameters, given, previous)?;
    let pseudo = Pseudo {
        account_id: account.to_string(),
        region: region.to_string(),
        stack_name: stack_name.to_string(),
        stack_id: stack_id.to_string(),
        notification_arns: notification_arns.to_vec(),
    };
    let exports = exports(world, account, region, Some(stack_id));
    let conditions = template::eval::conditions(&template, &parameters, &pseudo, &exports)?;
    let active: BTreeSet<String> = template
        .resources
        .iter()
        .filter(|r| {
            r.condition
                .as_ref()
                .is_none_or(|c| conditions.get(c).copied().unwrap_or(false))
        })
        .map(|r| r.logical_id.clone())
        .collect();
    for r in template
        .resources
        .iter()
        .filter(|r| active.contains(&r.logical_id))
    {
        let inactive: Vec<String> = template
            .dependencies(r)
            .into_iter()
            .filter(|d| !active.contains(d))
            .collect();
        if !inactive.is_empty() {
            return Err(CfnError::Validation(format!(
                "Template format error: Unresolved resource dependencies [{}] in the Resources block of the template",
                inactive.join(", ")
            )));
        }
    }
    let order = template::order(&template, &active)?;
    // Imports must exist before anything is made (AWS checks them up front).
    let none = BTreeMap::new();
    let scope = Scope {
        template: &template,
        parameters: &parameters,
        pseudo: &pseudo,
        conditions: &conditions,
        resources: &none,
        exports: &exports,
    };
    let mut imports = Vec::new();
    for r in template
        .resources
        .iter()
        .filter(|r| active.contains(&r.logical_id))
    {
        collect_imports(&r.properties, &mut imports);
    }
    for o in &template.outputs {
        collect_imports(&o.value, &mut imports);
    }
    for arg in imports {
        if let Ok(Some(name)) = scope.resolve(&arg) {
            let name = super::template::eval::as_text(&name).unwrap_or_default();
            if !exports.contains_key(&name) {
                return Err(CfnError::Validation(format!(
                    "No export named {name} found."
                )));
            }
        }
    }
    Ok(Prepared {
        template,
        parameters,
        conditions,
        order,
        pseudo,
        exports,
    })
}

fn collect_imports(value: &Value, out: &mut Vec<Value>) {
    match value {
        Value::Object(m) => {
            if let (1, Some(arg)) = (m.len(), m.get("Fn::ImportValue")) {
                out.push(arg.clone());
                return;
            }
            m.values().for_each(|v| collect_imports(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_imports(v, out)),
        _ => {}
    }
}

/// The names a stack imports (for ListImports and export protection).
pub fn imports_of(stack: &Stack) -> Vec<String> {
    let Ok(t) = template::load(&stack.template_body) else {
        return Vec::new();
    };
    let mut args = Vec::new();
    for r in &t.resources {
        collect_imports(&r.properties, &mut args);
    }
    for o in &t.outputs {
        collect_imports(&o.value, &mut args);
    }
    let pseudo = Pseudo {
        account_id: stack_account(stack).to_string(),
        region: stack_region(stack).to_string(),
        stack_name: stack.name.clone(),
        stack_id: stack.stack_id.clone(),
        notification_arns: stack.notification_arns.clone(),
    };
    let (none, conditions, exports) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
    let scope = Scope {
        template: &t,
        parameters: &stack.parameters,
        pseudo: &pseudo,
        conditions: &conditions,
        resources: &none,
        exports: &exports,
    };
    args.iter()
        .filter_map(|a| scope.resolve(a).ok().flatten())
        .filter_map(|v| super::template::eval::as_text(&v))
        .collect()
}

pub fn new_stack(world: &mut World, account: &str, region: &str, name: &str) -> Stack {
    let stack_id = format!(
        "arn:aws:cloudformation:{region}:{account}:stack/{name}/{}",
        world.ids.uuid()
    );
    Stack {
        stack_id,
        name: name.to_string(),
        status: "CREATE_IN_PROGRESS".into(),
        status_reason: None,
        description: None,
        created_ms: world.clock.now_ms(),
        updated_ms: None,
        deleted_ms: None,
        template_body: String::new(),
        parameters: BTreeMap::new(),
        no_echo: Vec::new(),
        tags: Vec::new(),
        capabilities: Vec::new(),
        notification_arns: Vec::new(),
        role_arn: None,
        disable_rollback: false,
        termination_protection: false,
        stack_policy: None,
        outputs: Vec::new(),
        resources: Vec::new(),
        events: Vec::new(),
        change_sets: Vec::new(),
        drift_detections: Vec::new(),
        stack_set_id: None,
        drift_status: "NOT_CHECKED".into(),
        drift_checked_ms: None,
    }
}

/// The live (not deleted) stack named `name` (a name or a stack id), by index.
pub fn find(world: &World, caller: &Caller, name: &str) -> Option<usize> {
    let regional = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)?;
    if name.starts_with("arn:") {
        regional.stacks.iter().position(|s| s.stack_id == name)
    } else {
        regional
            .stacks
            .iter()
            .position(|s| s.name == name && !s.deleted())
    }
}

pub fn get<'w>(world: &'w World, caller: &Caller, name: &str) -> Result<&'w Stack, CfnError> {
    let i = find(world, caller, name).ok_or_else(|| CfnError::stack_not_found(name))?;
    Ok(&world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .expect("found")
        .stacks[i])
}

/// Takes a stack out of the world for a walk (the walk needs the world mutably).
pub fn take(world: &mut World, account: &str, region: &str, index: usize) -> Stack {
    world.cloudformation.regional_mut(account, region).stacks[index].clone()
}

pub fn put_back(world: &mut World, account: &str, region: &str, index: usize, stack: Stack) {
    world.cloudformation.regional_mut(account, region).stacks[index] = stack;
}

fn put_new(world: &mut World, account: &str, region: &str, stack: Stack) -> usize {
    let r = world.cloudformation.regional_mut(account, region);
    r.stacks.push(stack);
    r.stacks.len() - 1
}

fn no_echo(t: &Template) -> Vec<String> {
    t.parameters
        .iter()
        .filter(|p| p.no_echo)
        .map(|p| p.name.clone())
        .collect()
}

// --- CreateStack ---------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateStackInput {
    pub stack_name: String,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub parameters: Vec<ParameterInput>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub disable_rollback: Option<bool>,
    #[serde(default, rename = "NotificationARNs", deserialize_with = "de::list")]
    pub notification_arns: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub capabilities: Vec<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub on_failure: Option<String>,
    pub stack_policy_body: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagInput>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub enable_termination_protection: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub timeout_in_minutes: Option<i64>,
    pub client_request_token: Option<String>,
}

pub fn create_stack(
    world: &mut World,
    caller: &Caller,
    input: CreateStackInput,
) -> Result<Value, CfnError> {
    check_stack_name(&input.stack_name)?;
    if input.disable_rollback.is_some() && input.on_failure.is_some() {
        return Err(CfnError::Validation(
            "You cannot specify both OnFailure and DisableRollback.".into(),
        ));
    }
    let on_failure = match input.on_failure.as_deref() {
        None if input.disable_rollback == Some(true) => OnFailure::DoNothing,
        None | Some("ROLLBACK") => OnFailure::Rollback,
        Some("DO_NOTHING") => OnFailure::DoNothing,
        Some("DELETE") => OnFailure::Delete,
        Some(other) => {
            return Err(CfnError::constraint(
                other,
                "onFailure",
                "Member must satisfy enum value set: [DO_NOTHING, ROLLBACK, DELETE]",
            ))
        }
    };
    let body = body_of(world, caller, input.template_body, input.template_url)?;
    if find(world, caller, &input.stack_name).is_some() {
        return Err(CfnError::AlreadyExists(format!(
            "Stack [{}] already exists",
            input.stack_name
        )));
    }
    let tags = tags_of(&input.tags)?;
    let acting = acting_caller(world, caller, input.role_arn.as_deref())?;
    let mut stack = new_stack(world, &caller.account_id, &caller.region, &input.stack_name);
    let prepared = prepare(
        world,
        &caller.account_id,
        &caller.region,
        &input.stack_name,
        &stack.stack_id,
        &body,
        &given(&input.parameters),
        &BTreeMap::new(),
        Some(&input.capabilities),
        &input.notification_arns,
    )?;
    if let Some(policy) = &input.stack_policy_body {
        check_stack_policy(policy)?;
    }
    stack.template_body = body;
    stack.description = prepared.template.description.clone();
    stack.parameters = prepared.parameters.clone();
    stack.no_echo = no_echo(&prepared.template);
    stack.tags = tags;
    stack.capabilities = input.capabilities.clone();
    stack.notification_arns = input.notification_arns.clone();
    stack.role_arn = input.role_arn.clone();
    stack.disable_rollback = on_failure == OnFailure::DoNothing;
    stack.termination_protection = input.enable_termination_protection.unwrap_or(false);
    stack.stack_policy = input.stack_policy_body.clone();
    let stack_id = stack.stack_id.clone();
    run_create(world, acting, prepared, stack, on_failure);
    Ok(json!({"StackId": stack_id}))
}

/// Walks a prepared create and stores the stack.
pub fn run_create(
    world: &mut World,
    acting: Caller,
    prepared: Prepared,
    mut stack: Stack,
    on_failure: OnFailure,
) -> usize {
    let (account, region) = (
        stack_account(&stack).to_string(),
        stack_region(&stack).to_string(),
    );
    let index = put_new(world, &account, &region, stack.clone());
    let run = Run {
        caller: acting,
        template: &prepared.template,
        parameters: prepared.parameters.clone(),
        pseudo: prepared.pseudo.clone(),
        exports: prepared.exports.clone(),
        conditions: prepared.conditions.clone(),
        order: prepared.order.clone(),
    };
    engine::create(world, &run, &mut stack, on_failure);
    put_back(world, &account, &region, index, stack);
    index
}

pub fn check_stack_policy(policy: &str) -> Result<(), CfnError> {
    match serde_json::from_str::<Value>(policy) {
        Ok(v) if v.get("Statement").is_some() => Ok(()),
        _ => Err(CfnError::Validation(
            "Error validating stack policy: Invalid stack policy".into(),
        )),
    }
}

// --- UpdateStack ---------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateStackInput {
    pub stack_name: String,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub use_previous_template: Option<bool>,
    #[serde(default, deserialize_with = "de::list")]
    pub parameters: Vec<ParameterInput>,
    #[serde(default, deserialize_with = "de::list")]
    pub capabilities: Vec<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub stack_policy_body: Option<String>,
    pub stack_policy_during_update_body: Option<String>,
    #[serde(default, deserialize_with = "opt_list")]
    pub tags: Option<Vec<TagInput>>,
    #[serde(default, rename = "NotificationARNs", deserialize_with = "de::list")]
    pub notification_arns: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub disable_rollback: Option<bool>,
    pub client_request_token: Option<String>,
}

const UPDATABLE: &[&str] = &[
    "CREATE_COMPLETE",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
];

pub fn update_stack(
    world: &mut World,
    caller: &Caller,
    input: UpdateStackInput,
) -> Result<Value, CfnError> {
    let index = find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let current = take(world, &caller.account_id, &caller.region, index);
    let body = if input.use_previous_template == Some(true) {
        if input.template_body.is_some() || input.template_url.is_some() {
            return Err(CfnError::Validation(
                "You cannot specify both usePreviousTemplate and TemplateBody or TemplateUrl."
                    .into(),
            ));
        }
        current.template_body.clone()
    } else {
        body_of(world, caller, input.template_body, input.template_url)?
    };
    let tags = match &input.tags {
        Some(t) => tags_of(t)?,
        None => current.tags.clone(),
    };
    let stack_id = current.stack_id.clone();
    update_to(
        world,
        caller,
        index,
        current,
        UpdateRequest {
            body,
            given: given(&input.parameters),
            capabilities: Some(input.capabilities),
            tags,
            role_arn: input.role_arn,
            stack_policy: input.stack_policy_body,
            during_update_policy: input.stack_policy_during_update_body,
        },
    )?;
    Ok(json!({"StackId": stack_id}))
}

pub struct UpdateRequest {
    pub body: String,
    pub given: BTreeMap<String, Given>,
    /// `None`: not checked (stack set instances, whose set was checked).
    pub capabilities: Option<Vec<String>>,
    pub tags: Vec<(String, String)>,
    pub role_arn: Option<String>,
    pub stack_policy: Option<String>,
    pub during_update_policy: Option<String>,
}

/// Updates the stack at `index` (already taken as `current`).
pub fn update_to(
    world: &mut World,
    caller: &Caller,
    index: usize,
    mut stack: Stack,
    request: UpdateRequest,
) -> Result<(), CfnError> {
    if !UPDATABLE.contains(&stack.status.as_str()) {
        return Err(CfnError::Validation(format!(
            "Stack:{} is in {} state and can not be updated.",
            stack.stack_id, stack.status
        )));
    }
    let (account, region) = (
        stack_account(&stack).to_string(),
        stack_region(&stack).to_string(),
    );
    let old_template = template::load(&stack.template_body)?;
    let role_arn = request.role_arn.clone().or_else(|| stack.role_arn.clone());
    let acting = acting_caller(world, caller, role_arn.as_deref())?;
    let prepared = prepare(
        world,
        &account,
        &region,
        &stack.name,
        &stack.stack_id,
        &request.body,
        &request.given,
        &stack.parameters,
        request.capabilities.as_deref(),
        &stack.notification_arns,
    )?;
    if let Some(p) = request
        .stack_policy
        .as_deref()
        .or(request.during_update_policy.as_deref())
    {
        check_stack_policy(p)?;
    }
    if request.body == stack.template_body
        && prepared.parameters == stack.parameters
        && request.tags == stack.tags
    {
        return Err(CfnError::Validation(
            "No updates are to be performed.".into(),
        ));
    }
    // Exports other stacks import cannot go away.
    let in_use = exports_in_use(world, &stack);
    let new_exports: BTreeSet<String> = {
        let none = BTreeMap::new();
        let scope = Scope {
            template: &prepared.template,
            parameters: &prepared.parameters,
            pseudo: &prepared.pseudo,
            conditions: &prepared.conditions,
            resources: &none,
            exports: &prepared.exports,
        };
        prepared
            .template
            .outputs
            .iter()
            .filter_map(|o| o.export_name.as_ref())
            .filter_map(|e| scope.resolve(e).ok().flatten())
            .filter_map(|v| super::template::eval::as_text(&v))
            .collect()
    };
    if let Some((export, importer)) = in_use.iter().find(|(e, _)| !new_exports.contains(e)) {
        return Err(CfnError::Validation(format!(
            "Export {export} cannot be deleted as it is in use by {importer}"
        )));
    }
    let previous = (
        stack.template_body.clone(),
        stack.parameters.clone(),
        stack.tags.clone(),
        stack.description.clone(),
        stack.no_echo.clone(),
    );
    let lasting_policy = stack.stack_policy.clone();
    if let Some(p) = request.during_update_policy.clone() {
        stack.stack_policy = Some(p);
    } else if let Some(p) = request.stack_policy.clone() {
        stack.stack_policy = Some(p);
    }
    stack.template_body = request.body.clone();
    stack.parameters = prepared.parameters.clone();
    stack.tags = request.tags;
    stack.description = prepared.template.description.clone();
    stack.no_echo = no_echo(&prepared.template);
    stack.role_arn = role_arn;
    if let Some(c) = request.capabilities {
        stack.capabilities = c;
    }
    stack.updated_ms = Some(world.clock.now_ms());
    let run = Run {
        caller: acting,
        template: &prepared.template,
        parameters: prepared.parameters.clone(),
        pseudo: prepared.pseudo.clone(),
        exports: prepared.exports.clone(),
        conditions: prepared.conditions.clone(),
        order: prepared.order.clone(),
    };
    engine::update(world, &run, &mut stack, &old_template);
    // A during-update policy lasts for the update only.
    stack.stack_policy = request.stack_policy.or(lasting_policy);
    if stack.status == "UPDATE_ROLLBACK_COMPLETE" {
        stack.template_body = previous.0;
        stack.parameters = previous.1;
        stack.tags = previous.2;
        stack.description = previous.3;
        stack.no_echo = previous.4;
    }
    put_back(world, &account, &region, index, stack);
    Ok(())
}

/// `(export, importing stack name)` for this stack's exports that others import.
pub fn exports_in_use(world: &World, stack: &Stack) -> Vec<(String, String)> {
    let Some(regional) = world
        .cloudformation
        .regional(stack_account(stack), stack_region(stack))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for export in stack.outputs.iter().filter_map(|o| o.export_name.clone()) {
        for other in regional
            .stacks
            .iter()
            .filter(|s| !s.deleted() && s.stack_id != stack.stack_id)
        {
            if imports_of(other).contains(&export) {
                out.push((export.clone(), other.name.clone()));
            }
        }
    }
    out
}

// --- DeleteStack ---------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteStackInput {
    pub stack_name: String,
    #[serde(default, deserialize_with = "de::list")]
    pub retain_resources: Vec<String>,
    #[serde(rename = "RoleARN")]
    pub role_arn: Option<String>,
    pub client_request_token: Option<String>,
    pub deletion_mode: Option<String>,
}

pub fn delete_stack(
    world: &mut World,
    caller: &Caller,
    input: DeleteStackInput,
) -> Result<Value, CfnError> {
    // AWS answers success for a stack that does not exist (or is already deleted).
    let Some(index) = find(world, caller, &input.stack_name) else {
        return Ok(json!({}));
    };
    let stack = take(world, &caller.account_id, &caller.region, index);
    if stack.deleted() {
        return Ok(json!({}));
    }
    if stack.termination_protection {
        return Err(CfnError::Validation(format!(
            "Stack [{}] cannot be deleted while TerminationProtection is enabled",
            stack.name
        )));
    }
    if !input.retain_resources.is_empty() && stack.status != "DELETE_FAILED" {
        return Err(CfnError::Validation(
            "Invalid operation on stack: RetainResources can only be specified when the stack is in the DELETE_FAILED state".into(),
        ));
    }
    if let Some((export, importer)) = exports_in_use(world, &stack).into_iter().next() {
        return Err(CfnError::Validation(format!(
            "Export {export} cannot be deleted as it is in use by {importer}"
        )));
    }
    let role = input.role_arn.clone().or_else(|| stack.role_arn.clone());
    let acting = acting_caller(world, caller, role.as_deref())?;
    delete_at(world, &acting, index, stack, &input.retain_resources);
    Ok(json!({}))
}

/// Deletes the stack at `index` (already taken).
pub fn delete_at(
    world: &mut World,
    acting: &Caller,
    index: usize,
    mut stack: Stack,
    retain: &[String],
) {
    let (account, region) = (
        stack_account(&stack).to_string(),
        stack_region(&stack).to_string(),
    );
    if stack.status == "REVIEW_IN_PROGRESS" {
        // Nothing was made; the stack and its change sets go.
        engine::stack_status(world, &mut stack, "DELETE_COMPLETE", None);
        stack.deleted_ms = Some(world.clock.now_ms());
        stack.change_sets.clear();
    } else {
        engine::delete(world, acting, &mut stack, retain);
    }
    put_back(world, &account, &region, index, stack);
}

// --- Describing ----------------------------------------------------------------------

fn time(ms: i64) -> Value {
    Value::String(iso8601(ms))
}

pub fn stack_shape(stack: &Stack) -> Value {
    let parameters: Vec<Value> = stack
        .parameters
        .iter()
        .map(|(k, v)| {
            let shown = if stack.no_echo.contains(k) {
                "****"
            } else {
                v.as_str()
            };
            json!({"ParameterKey": k, "ParameterValue": shown})
        })
        .collect();
    let outputs: Vec<Value> = stack
        .outputs
        .iter()
        .map(|o| {
            json!({"OutputKey": o.key, "OutputValue": o.value, "Description": o.description, "ExportName": o.export_name})
        })
        .collect();
    let mut drift = json!({"StackDriftStatus": stack.drift_status});
    if let Some(ms) = stack.drift_checked_ms {
        drift["LastCheckTimestamp"] = time(ms);
    }
    json!({
        "StackId": stack.stack_id,
        "StackName": stack.name,
        "ChangeSetId": stack.change_sets.iter().rev().find(|c| c.execution_status == "EXECUTE_COMPLETE").map(|c| c.id.clone()),
        "Description": stack.description,
        "Parameters": parameters,
        "CreationTime": time(stack.created_ms),
        "LastUpdatedTime": stack.updated_ms.map(time),
        "DeletionTime": stack.deleted_ms.map(time),
        "RollbackConfiguration": {},
        "StackStatus": stack.status,
        "StackStatusReason": stack.status_reason,
        "DisableRollback": stack.disable_rollback,
        "NotificationARNs": stack.notification_arns,
        "Capabilities": stack.capabilities,
        "Outputs": outputs,
        "RoleARN": stack.role_arn,
        "Tags": stack.tags.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect::<Vec<_>>(),
        "EnableTerminationProtection": stack.termination_protection,
        "DriftInformation": drift,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStacksInput {
    pub stack_name: Option<String>,
    pub next_token: Option<String>,
}

fn page<T: Clone>(
    items: Vec<T>,
    listing: &str,
    token: Option<&str>,
    max: usize,
) -> Result<(Vec<T>, Option<String>), CfnError> {
    use crate::services::pagination::{decode_token, encode_token};
    let start = match token {
        Some(t) => decode_token(listing, t)
            .and_then(|k| k.parse::<usize>().ok())
            .ok_or_else(|| CfnError::Validation("Invalid NextToken".into()))?,
        None => 0,
    };
    let end = (start + max).min(items.len());
    let next = (end < items.len()).then(|| encode_token(listing, &end.to_string()));
    Ok((
        items.get(start..end).map(<[T]>::to_vec).unwrap_or_default(),
        next,
    ))
}

pub fn describe_stacks(
    world: &mut World,
    caller: &Caller,
    input: DescribeStacksInput,
) -> Result<Value, CfnError> {
    let stacks: Vec<Value> = match &input.stack_name {
        Some(name) => vec![stack_shape(get(world, caller, name)?)],
        None => world
            .cloudformation
            .regional(&caller.account_id, &caller.region)
            .map(|r| {
                r.stacks
                    .iter()
                    .rev()
                    .filter(|s| !s.deleted())
                    .map(stack_shape)
                    .collect()
            })
            .unwrap_or_default(),
    };
    let (page, next) = page(stacks, "DescribeStacks", input.next_token.as_deref(), 100)?;
    Ok(json!({"Stacks": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStacksInput {
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub stack_status_filter: Vec<String>,
}

pub fn list_stacks(
    world: &mut World,
    caller: &Caller,
    input: ListStacksInput,
) -> Result<Value, CfnError> {
    let summaries: Vec<Value> = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .map(|r| {
            r.stacks
                .iter()
                .rev()
                .filter(|s| {
                    input.stack_status_filter.is_empty()
                        || input.stack_status_filter.contains(&s.status)
                })
                .map(|s| {
                    json!({
                        "StackId": s.stack_id,
                        "StackName": s.name,
                        "TemplateDescription": s.description,
                        "CreationTime": time(s.created_ms),
                        "LastUpdatedTime": s.updated_ms.map(time),
                        "DeletionTime": s.deleted_ms.map(time),
                        "StackStatus": s.status,
                        "StackStatusReason": s.status_reason,
                        "DriftInformation": {"StackDriftStatus": s.drift_status},
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let (page, next) = page(summaries, "ListStacks", input.next_token.as_deref(), 100)?;
    Ok(json!({"StackSummaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StackNameInput {
    pub stack_name: String,
    pub next_token: Option<String>,
}

pub fn describe_stack_events(
    world: &mut World,
    caller: &Caller,
    input: StackNameInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    let events: Vec<Value> = stack
        .events
        .iter()
        .rev()
        .map(|e| {
            json!({
                "StackId": stack.stack_id,
                "EventId": e.event_id,
                "StackName": stack.name,
                "LogicalResourceId": e.logical_id,
                "PhysicalResourceId": e.physical_id,
                "ResourceType": e.type_name,
                "Timestamp": time(e.timestamp_ms),
                "ResourceStatus": e.status,
                "ResourceStatusReason": e.status_reason,
            })
        })
        .collect();
    let listing = format!("DescribeStackEvents {}", stack.stack_id);
    let (page, next) = page(events, &listing, input.next_token.as_deref(), 100)?;
    Ok(json!({"StackEvents": page, "NextToken": next}))
}

fn resource_drift(r: &StackResource) -> Value {
    json!({"StackResourceDriftStatus": r.drift_status})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStackResourcesInput {
    pub stack_name: Option<String>,
    pub logical_resource_id: Option<String>,
    pub physical_resource_id: Option<String>,
}

pub fn describe_stack_resources(
    world: &mut World,
    caller: &Caller,
    input: DescribeStackResourcesInput,
) -> Result<Value, CfnError> {
    let stack = match (&input.stack_name, &input.physical_resource_id) {
        (Some(name), _) => get(world, caller, name)?,
        (None, Some(physical)) => world
            .cloudformation
            .regional(&caller.account_id, &caller.region)
            .and_then(|r| {
                r.stacks.iter().find(|s| {
                    !s.deleted() && s.resources.iter().any(|x| x.physical_id == *physical)
                })
            })
            .ok_or_else(|| CfnError::Validation(format!("Stack for {physical} does not exist")))?,
        (None, None) => {
            return Err(CfnError::Validation(
                "Either StackName or PhysicalResourceId must be specified.".into(),
            ))
        }
    };
    let resources: Vec<Value> = stack
        .resources
        .iter()
        .filter(|r| {
            input
                .logical_resource_id
                .as_ref()
                .is_none_or(|l| *l == r.logical_id)
        })
        .map(|r| {
            json!({
                "StackName": stack.name,
                "StackId": stack.stack_id,
                "LogicalResourceId": r.logical_id,
                "PhysicalResourceId": r.physical_id,
                "ResourceType": r.type_name,
                "Timestamp": time(r.updated_ms),
                "ResourceStatus": r.status,
                "ResourceStatusReason": r.status_reason,
                "DriftInformation": resource_drift(r),
            })
        })
        .collect();
    Ok(json!({"StackResources": resources}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeStackResourceInput {
    pub stack_name: String,
    pub logical_resource_id: String,
}

pub fn describe_stack_resource(
    world: &mut World,
    caller: &Caller,
    input: DescribeStackResourceInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    let r = stack.resource(&input.logical_resource_id).ok_or_else(|| {
        CfnError::Validation(format!(
            "Resource {} does not exist for stack {}",
            input.logical_resource_id, input.stack_name
        ))
    })?;
    let metadata = template::load(&stack.template_body)
        .ok()
        .and_then(|t| t.resource(&r.logical_id).and_then(|d| d.metadata.clone()))
        .map(|m| m.to_string());
    Ok(json!({"StackResourceDetail": {
        "StackName": stack.name,
        "StackId": stack.stack_id,
        "LogicalResourceId": r.logical_id,
        "PhysicalResourceId": r.physical_id,
        "ResourceType": r.type_name,
        "LastUpdatedTimestamp": time(r.updated_ms),
        "ResourceStatus": r.status,
        "ResourceStatusReason": r.status_reason,
        "Metadata": metadata,
        "DriftInformation": resource_drift(r),
    }}))
}

pub fn list_stack_resources(
    world: &mut World,
    caller: &Caller,
    input: StackNameInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    let summaries: Vec<Value> = stack
        .resources
        .iter()
        .map(|r| {
            json!({
                "LogicalResourceId": r.logical_id,
                "PhysicalResourceId": r.physical_id,
                "ResourceType": r.type_name,
                "LastUpdatedTimestamp": time(r.updated_ms),
                "ResourceStatus": r.status,
                "ResourceStatusReason": r.status_reason,
                "DriftInformation": resource_drift(r),
            })
        })
        .collect();
    let listing = format!("ListStackResources {}", stack.stack_id);
    let (page, next) = page(summaries, &listing, input.next_token.as_deref(), 100)?;
    Ok(json!({"StackResourceSummaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTemplateInput {
    pub stack_name: Option<String>,
    pub change_set_name: Option<String>,
    pub template_stage: Option<String>,
}

pub fn get_template(
    world: &mut World,
    caller: &Caller,
    input: GetTemplateInput,
) -> Result<Value, CfnError> {
    let body = match (&input.change_set_name, &input.stack_name) {
        (Some(cs), stack) => {
            let (_, change_set) = super::changesets::find(world, caller, cs, stack.as_deref())?;
            change_set.template_body.clone()
        }
        (None, Some(name)) => get(world, caller, name)?.template_body.clone(),
        (None, None) => {
            return Err(CfnError::Validation(
                "Either StackName or ChangeSetName must be specified.".into(),
            ))
        }
    };
    Ok(json!({"TemplateBody": body, "StagesAvailable": ["Original", "Processed"]}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ValidateTemplateInput {
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
}

fn capabilities_shape(t: &Template) -> (Vec<&'static str>, Option<String>) {
    match needed_capability(t) {
        Some(c) => {
            let names: Vec<&str> = t
                .resources
                .iter()
                .filter(|r| {
                    providers::provider(&r.type_name)
                        .is_some_and(|p| matches!(p.capability, Capability::Iam(_)))
                })
                .map(|r| r.logical_id.as_str())
                .collect();
            (
                vec![c],
                Some(format!(
                    "The following resource(s) require capabilities: [{}]",
                    t.resources
                        .iter()
                        .filter(|r| names.contains(&r.logical_id.as_str()))
                        .map(|r| r.type_name.as_str())
                        .collect::<BTreeSet<_>>()
                        .into_iter()
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            )
        }
        None => (Vec::new(), None),
    }
}

pub fn validate_template(
    world: &mut World,
    caller: &Caller,
    input: ValidateTemplateInput,
) -> Result<Value, CfnError> {
    let body = body_of(world, caller, input.template_body, input.template_url)?;
    let t = template::load(&body)?;
    let parameters: Vec<Value> = t
        .parameters
        .iter()
        .map(|p| {
            json!({"ParameterKey": p.name, "DefaultValue": p.default, "NoEcho": p.no_echo, "Description": p.description})
        })
        .collect();
    let (capabilities, reason) = capabilities_shape(&t);
    Ok(json!({
        "Parameters": parameters,
        "Description": t.description,
        "Capabilities": capabilities,
        "CapabilitiesReason": reason,
        "DeclaredTransforms": [],
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetTemplateSummaryInput {
    pub template_body: Option<String>,
    #[serde(rename = "TemplateURL")]
    pub template_url: Option<String>,
    pub stack_name: Option<String>,
    pub stack_set_name: Option<String>,
    pub call_as: Option<String>,
}

pub fn get_template_summary(
    world: &mut World,
    caller: &Caller,
    input: GetTemplateSummaryInput,
) -> Result<Value, CfnError> {
    let body = match (&input.stack_name, &input.stack_set_name) {
        (Some(name), _) => get(world, caller, name)?.template_body.clone(),
        (None, Some(set)) => {
            super::stacksets::template_of(world, caller, set, input.call_as.as_deref())?
        }
        (None, None) => body_of(world, caller, input.template_body, input.template_url)?,
    };
    let t = template::load(&body)?;
    let parameters: Vec<Value> = t
        .parameters
        .iter()
        .map(|p| {
            let mut v = json!({
                "ParameterKey": p.name,
                "DefaultValue": p.default,
                "ParameterType": p.type_name,
                "NoEcho": p.no_echo,
                "Description": p.description,
                "ParameterConstraints": {},
            });
            if !p.allowed_values.is_empty() {
                v["ParameterConstraints"] = json!({"AllowedValues": p.allowed_values});
            }
            v
        })
        .collect();
    let (capabilities, reason) = capabilities_shape(&t);
    let types: BTreeSet<&str> = t.resources.iter().map(|r| r.type_name.as_str()).collect();
    Ok(json!({
        "Parameters": parameters,
        "Description": t.description,
        "Capabilities": capabilities,
        "CapabilitiesReason": reason,
        "ResourceTypes": types.into_iter().collect::<Vec<_>>(),
        "Version": "2010-09-09",
        "Metadata": t.metadata.map(|m| m.to_string()),
        "DeclaredTransforms": [],
        "ResourceIdentifierSummaries": [],
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct NextTokenInput {
    pub next_token: Option<String>,
}

pub fn list_exports(
    world: &mut World,
    caller: &Caller,
    input: NextTokenInput,
) -> Result<Value, CfnError> {
    let exports: Vec<Value> = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .map(|r| {
            r.stacks
                .iter()
                .filter(|s| !s.deleted())
                .flat_map(|s| {
                    s.outputs.iter().filter_map(move |o| {
                        Some(json!({"ExportingStackId": s.stack_id, "Name": o.export_name.clone()?, "Value": o.value}))
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let (page, next) = page(exports, "ListExports", input.next_token.as_deref(), 100)?;
    Ok(json!({"Exports": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListImportsInput {
    pub export_name: String,
    pub next_token: Option<String>,
}

pub fn list_imports(
    world: &mut World,
    caller: &Caller,
    input: ListImportsInput,
) -> Result<Value, CfnError> {
    let exported = exports(world, &caller.account_id, &caller.region, None);
    if !exported.contains_key(&input.export_name) {
        return Err(CfnError::Validation(format!(
            "Export '{}' does not exist.",
            input.export_name
        )));
    }
    let importers: Vec<String> = world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .map(|r| {
            r.stacks
                .iter()
                .filter(|s| !s.deleted() && imports_of(s).contains(&input.export_name))
                .map(|s| s.name.clone())
                .collect()
        })
        .unwrap_or_default();
    if importers.is_empty() {
        return Err(CfnError::Validation(format!(
            "Export '{}' is not imported by any stack.",
            input.export_name
        )));
    }
    let listing = format!("ListImports {}", input.export_name);
    let (page, next) = page(importers, &listing, input.next_token.as_deref(), 100)?;
    Ok(json!({"Imports": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateTerminationProtectionInput {
    #[serde(deserialize_with = "de::opt_bool")]
    pub enable_termination_protection: Option<bool>,
    pub stack_name: String,
}

pub fn update_termination_protection(
    world: &mut World,
    caller: &Caller,
    input: UpdateTerminationProtectionInput,
) -> Result<Value, CfnError> {
    let index = find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let enable = input.enable_termination_protection.ok_or_else(|| {
        CfnError::Validation("1 validation error detected: Value null at 'enableTerminationProtection' failed to satisfy constraint: Member must not be null".into())
    })?;
    let stack = &mut world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .stacks[index];
    if stack.deleted() {
        return Err(CfnError::stack_not_found(&input.stack_name));
    }
    if stack.stack_set_id.is_some() {
        return Err(CfnError::Validation(
            "Termination protection cannot be updated on stack instances of a StackSet".into(),
        ));
    }
    stack.termination_protection = enable;
    Ok(json!({"StackId": stack.stack_id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SetStackPolicyInput {
    pub stack_name: String,
    pub stack_policy_body: Option<String>,
    #[serde(rename = "StackPolicyURL")]
    pub stack_policy_url: Option<String>,
}

pub fn set_stack_policy(
    world: &mut World,
    caller: &Caller,
    input: SetStackPolicyInput,
) -> Result<Value, CfnError> {
    let index = find(world, caller, &input.stack_name)
        .ok_or_else(|| CfnError::stack_not_found(&input.stack_name))?;
    let body = body_of(
        world,
        caller,
        input.stack_policy_body,
        input.stack_policy_url,
    )
    .map_err(|_| {
        CfnError::Validation("Specify exactly one of StackPolicyBody or StackPolicyURL.".into())
    })?;
    check_stack_policy(&body)?;
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .stacks[index]
        .stack_policy = Some(body);
    Ok(json!({}))
}

pub fn get_stack_policy(
    world: &mut World,
    caller: &Caller,
    input: StackNameInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    Ok(json!({"StackPolicyBody": stack.stack_policy}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelUpdateStackInput {
    pub stack_name: String,
    pub client_request_token: Option<String>,
}

/// Updates finish within their call, so there is never one to cancel.
pub fn cancel_update_stack(
    world: &mut World,
    caller: &Caller,
    input: CancelUpdateStackInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    Err(CfnError::Validation(format!(
        "CancelUpdateStack cannot be called from current stack status: {}",
        stack.status
    )))
}

pub fn continue_update_rollback(
    world: &mut World,
    caller: &Caller,
    input: CancelUpdateStackInput,
) -> Result<Value, CfnError> {
    let stack = get(world, caller, &input.stack_name)?;
    if stack.status != "UPDATE_ROLLBACK_FAILED" {
        return Err(CfnError::Validation(format!(
            "Stack {} is in {} state and can not continue update rollback.",
            stack.stack_id, stack.status
        )));
    }
    let index = find(world, caller, &input.stack_name).expect("found above");
    let mut stack = take(world, &caller.account_id, &caller.region, index);
    engine::stack_status(world, &mut stack, "UPDATE_ROLLBACK_COMPLETE", None);
    put_back(world, &caller.account_id, &caller.region, index, stack);
    Ok(json!({}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAccountLimitsInput {
    pub next_token: Option<String>,
}

pub fn describe_account_limits(
    _world: &mut World,
    _caller: &Caller,
    _input: DescribeAccountLimitsInput,
) -> Result<Value, CfnError> {
    Ok(json!({"AccountLimits": [
        {"Name": "StackLimit", "Value": super::quotas::STACKS},
        {"Name": "StackOutputsLimit", "Value": 200},
        {"Name": "ConcurrentResourcesLimit", "Value": 2500},
    ]}))
}
