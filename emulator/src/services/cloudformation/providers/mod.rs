//! Resource providers: each resource type is a thin adapter that calls the owning
//! service's own operations in the same world, as the stack's caller (or its service
//! role), so a resource is exactly what the API would make and the caller's identity
//! policies, boundaries and SCPs apply to every call, as they do when CloudFormation
//! calls AWS with the caller's credentials (forward access sessions).

pub mod iam;
pub mod inventory;
pub mod organizations;
pub mod s3;
pub mod security;

use serde_json::{json, Map, Value};

use super::model::StackResource;
use super::template::eval::Made;
use crate::api::{ApiError, ServiceId};
use crate::auth::Caller;
use crate::world::World;

/// Where a resource is being made.
pub struct Ctx<'a> {
    pub caller: &'a Caller,
    pub stack_name: &'a str,
    pub logical_id: &'a str,
}

/// IAM capability a resource type needs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    None,
    /// `CAPABILITY_IAM`, or `CAPABILITY_NAMED_IAM` when the named property is set.
    Iam(&'static str),
}

pub type CreateFn = fn(&mut World, &Ctx, &Value) -> Result<Made, String>;
pub type UpdateFn = fn(&mut World, &Ctx, &StackResource, &Value) -> Result<Made, String>;
pub type DeleteFn = fn(&mut World, &Ctx, &StackResource) -> Result<(), String>;
/// The live resource's properties in the template's terms (for drift), `None`: gone.
pub type ReadFn = fn(&mut World, &Ctx, &StackResource) -> Option<Value>;

pub struct Provider {
    pub type_name: &'static str,
    pub create: CreateFn,
    /// In-place update; `None`: every change replaces the resource.
    pub update: Option<UpdateFn>,
    pub delete: DeleteFn,
    /// Properties whose change needs a new physical resource.
    pub replace_on: &'static [&'static str],
    /// The property that names the resource (a custom name cannot be replaced in place).
    pub name_property: Option<&'static str>,
    pub read: Option<ReadFn>,
    pub capability: Capability,
}

/// Every type orgsim provides, sorted by name.
pub fn all() -> &'static [Provider] {
    PROVIDERS
}

pub fn provider(type_name: &str) -> Option<&'static Provider> {
    PROVIDERS.iter().find(|p| p.type_name == type_name)
}

static PROVIDERS: &[Provider] = &[
    security::ANALYZER,
    WAIT_CONDITION_HANDLE,
    security::TRAIL,
    security::CONFIG_RULE,
    security::CONFIGURATION_RECORDER,
    security::DELIVERY_CHANNEL,
    security::DETECTOR,
    iam::GROUP,
    iam::MANAGED_POLICY,
    iam::POLICY,
    iam::ROLE,
    iam::USER,
    organizations::ORGANIZATIONAL_UNIT,
    organizations::POLICY,
    s3::BUCKET,
    s3::BUCKET_POLICY,
    security::HUB,
];

/// `AWS::CloudFormation::WaitConditionHandle`: a presigned URL, nothing in any service.
const WAIT_CONDITION_HANDLE: Provider = Provider {
    type_name: "AWS::CloudFormation::WaitConditionHandle",
    create: |world, ctx, _| {
        let id = world.ids.uuid();
        Ok(Made {
            ref_value: format!(
                "https://cloudformation-waitcondition-{}.s3.amazonaws.com/{}/{}",
                ctx.caller.region, ctx.stack_name, id
            ),
            attributes: Map::new(),
        })
    },
    update: Some(|_, _, old, _| {
        Ok(Made {
            ref_value: old.physical_id.clone(),
            attributes: old.attributes.clone(),
        })
    }),
    delete: |_, _, _| Ok(()),
    replace_on: &[],
    name_property: None,
    read: None,
    capability: Capability::None,
};

/// Calls one operation of a service as the stack's caller: AWS's authorization first,
/// then the service's own handler. A failure reads as CloudFormation's handler message.
pub fn call(
    world: &mut World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: Value,
) -> Result<Value, String> {
    if let Err(denial) = crate::authorize::authorize(world, caller, service, operation, &input) {
        return Err(handler_message(
            world,
            service,
            &denial.to_api_error(service),
        ));
    }
    crate::services::dispatch(world, caller, service, operation, input)
        .map_err(|e| handler_message(world, service, &e))
}

/// Like [`call`], but "not found" is success (deleting what is already gone).
pub fn call_absent_ok(
    world: &mut World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: Value,
) -> Result<(), String> {
    match call(world, caller, service, operation, input) {
        Ok(_) => Ok(()),
        Err(m) if m.contains("HandlerErrorCode: NotFound") => Ok(()),
        Err(m) => Err(m),
    }
}

fn handler_message(world: &mut World, service: ServiceId, e: &ApiError) -> String {
    let code = match (e.status, e.code.as_str()) {
        (_, c)
            if c.contains("AlreadyExists")
                || c.contains("AlreadyOwned")
                || c.contains("Conflict") =>
        {
            "AlreadyExists"
        }
        (404, _) => "NotFound",
        (_, c) if c.contains("NoSuch") || c.contains("NotFound") => "NotFound",
        (403, _) => "AccessDenied",
        (400, _) => "InvalidRequest",
        (409, _) => "ResourceConflict",
        _ => "GeneralServiceException",
    };
    let request_id = world.ids.uuid();
    format!(
        "Resource handler returned message: \"{} (Service: {}, Status Code: {}, Request ID: {request_id})\" (HandlerErrorCode: {code})",
        e.message,
        service_label(service),
        e.status
    )
}

fn service_label(service: ServiceId) -> &'static str {
    match service {
        ServiceId::Iam => "Iam",
        ServiceId::S3 => "S3",
        ServiceId::GuardDuty => "GuardDuty",
        ServiceId::Config => "Config",
        ServiceId::CloudTrail => "CloudTrail",
        ServiceId::SecurityHub => "SecurityHub",
        ServiceId::AccessAnalyzer => "AccessAnalyzer",
        ServiceId::Organizations => "Organizations",
        _ => "CloudFormation",
    }
}

/// A name for a resource the template leaves unnamed: `stack-Logical-RANDOM`, cut to
/// fit, as CloudFormation makes them.
pub fn generated_name(world: &mut World, ctx: &Ctx, max: usize, lowercase: bool) -> String {
    let suffix = if lowercase {
        world.ids.lower_alnum(12)
    } else {
        world.ids.upper_alnum(12)
    };
    let room = max.saturating_sub(suffix.len() + 2);
    let stack_room = room.saturating_sub(room / 3).min(ctx.stack_name.len());
    let logical_room = room.saturating_sub(stack_room);
    let stack: String = ctx.stack_name.chars().take(stack_room).collect();
    let logical: String = ctx.logical_id.chars().take(logical_room).collect();
    let name = format!("{stack}-{logical}-{suffix}");
    if lowercase {
        name.to_ascii_lowercase()
    } else {
        name
    }
}

/// A property as text.
pub fn text(props: &Value, key: &str) -> Option<String> {
    props.get(key).and_then(super::template::eval::as_text)
}

/// A required property, with CloudFormation's validation message.
pub fn required(props: &Value, key: &str, type_name: &str) -> Result<String, String> {
    text(props, key).ok_or_else(|| {
        format!("Properties validation failed for resource of type {type_name}: #: required key [{key}] not found")
    })
}

/// A property as a boolean (`true`, `"true"`).
pub fn flag(props: &Value, key: &str) -> Option<bool> {
    match props.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => Some(s.eq_ignore_ascii_case("true")),
        _ => None,
    }
}

/// A policy document property: an object written as JSON text, or text as given.
pub fn document(props: &Value, key: &str) -> Option<String> {
    match props.get(key)? {
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A list of text items.
pub fn strings(props: &Value, key: &str) -> Vec<String> {
    props
        .get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(super::template::eval::as_text)
                .collect()
        })
        .unwrap_or_default()
}

/// `Tags: [{Key, Value}]` as given.
pub fn tag_list(props: &Value) -> Vec<Value> {
    props
        .get("Tags")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .map(|t| {
                    json!({
                        "Key": t.get("Key").and_then(super::template::eval::as_text).unwrap_or_default(),
                        "Value": t.get("Value").and_then(super::template::eval::as_text).unwrap_or_default(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// `Tags` as a `{key: value}` map (the restJson services' form), from a list or a map.
pub fn tag_map(props: &Value) -> Map<String, Value> {
    match props.get("Tags") {
        Some(Value::Object(m)) => m.clone(),
        Some(Value::Array(_)) => tag_list(props)
            .into_iter()
            .filter_map(|t| Some((t.get("Key")?.as_str()?.to_string(), t.get("Value")?.clone())))
            .collect(),
        _ => Map::new(),
    }
}

/// Template property names (`RoleARN`, `RecordingGroup`) in the lower-camel wire form
/// (`roleARN`, `recordingGroup`) of the services that use it, recursively.
pub fn lower_camel(value: &Value) -> Value {
    match value {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (crate::services::iam::errors::camel(k), lower_camel(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(lower_camel).collect()),
        other => other.clone(),
    }
}

/// A value at a JSON pointer as text.
pub fn at(value: &Value, pointer: &str) -> String {
    value
        .pointer(pointer)
        .and_then(super::template::eval::as_text)
        .unwrap_or_default()
}

/// `Made` from a ref value and attribute pairs.
pub fn made(ref_value: impl Into<String>, attributes: &[(&str, Value)]) -> Made {
    Made {
        ref_value: ref_value.into(),
        attributes: attributes
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    }
}
