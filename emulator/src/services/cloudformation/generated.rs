//! IaC generator templates: a template made from live resources (usually found by a
//! resource scan), each declared with the properties read from its service's state —
//! properties the providers accept, so the template can be deployed as a stack.
//!
//! Generation finishes within the call (status `COMPLETE` at once). A resource that
//! does not exist, or whose type orgsim cannot read, is `FAILED` in the template's
//! resource details and left out of its body, and the template is still `COMPLETE`.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use super::errors::CfnError;
use super::providers::inventory::{self, Identifier};
use super::scans::identifier_shape;
use super::stacksets::page;
use crate::auth::Caller;
use crate::world::{iso8601, World};

/// AWS's quotas: generated templates per account and region, resources per template.
pub const TEMPLATES: usize = 1000;
pub const RESOURCES_PER_TEMPLATE: usize = 500;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GeneratedTemplate {
    pub id: String,
    pub name: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub stack_name: Option<String>,
    /// `DELETE` or `RETAIN` (AWS's default for both).
    pub deletion_policy: String,
    pub update_replace_policy: String,
    /// In the order they were added.
    pub resources: Vec<TemplateResource>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TemplateResource {
    pub type_name: String,
    pub logical_id: String,
    pub identifier: Identifier,
    /// `COMPLETE` or `FAILED`.
    pub status: String,
    pub status_reason: Option<String>,
    /// As read when the resource was added or last refreshed; `None` when it failed.
    pub properties: Option<Value>,
}

impl GeneratedTemplate {
    fn succeeded(&self) -> usize {
        self.resources
            .iter()
            .filter(|r| r.status == "COMPLETE")
            .count()
    }

    fn failed(&self) -> usize {
        self.resources.len() - self.succeeded()
    }

    /// The template: `Metadata.TemplateId` and every resource that was read, where a
    /// property naming another resource of the template refers to it with `Ref` (so
    /// the stack makes them in order).
    fn body(&self) -> Value {
        let policy = |p: &str| if p == "DELETE" { "Delete" } else { "Retain" };
        let refs: Vec<(&str, &str)> = self
            .resources
            .iter()
            .filter(|r| r.properties.is_some() && r.identifier.len() == 1)
            // A bucket policy is identified by its bucket's name: the name is the bucket's.
            .filter(|r| r.type_name != "AWS::S3::BucketPolicy")
            .filter_map(|r| {
                Some((
                    r.identifier.values().next()?.as_str(),
                    r.logical_id.as_str(),
                ))
            })
            .collect();
        let mut resources = Map::new();
        for r in &self.resources {
            let Some(props) = &r.properties else { continue };
            let others: Vec<(&str, &str)> = refs
                .iter()
                .copied()
                .filter(|(_, logical)| *logical != r.logical_id)
                .collect();
            let props = with_refs(props, &others);
            resources.insert(
                r.logical_id.clone(),
                json!({
                    "UpdateReplacePolicy": policy(&self.update_replace_policy),
                    "Type": r.type_name,
                    "DeletionPolicy": policy(&self.deletion_policy),
                    "Properties": props,
                }),
            );
        }
        json!({
            "Metadata": {"TemplateId": self.id},
            "Resources": resources,
        })
    }
}

/// `value` with every text equal to another resource's identifier as a `Ref` to it;
/// policy documents keep their text.
fn with_refs(value: &Value, refs: &[(&str, &str)]) -> Value {
    match value {
        Value::String(s) => match refs.iter().find(|(id, _)| id == s) {
            Some((_, logical)) => json!({"Ref": logical}),
            None => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|v| with_refs(v, refs)).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let v = if k == "PolicyDocument" || k == "AssumeRolePolicyDocument" {
                        v.clone()
                    } else {
                        with_refs(v, refs)
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourceDefinitionInput {
    pub resource_type: String,
    pub logical_resource_id: Option<String>,
    #[serde(default)]
    pub resource_identifier: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TemplateConfigurationInput {
    pub deletion_policy: Option<String>,
    pub update_replace_policy: Option<String>,
}

fn check_policy(value: Option<&str>, member: &str) -> Result<(), CfnError> {
    match value {
        Some(v) if v != "DELETE" && v != "RETAIN" => Err(CfnError::constraint(
            v,
            member,
            "Member must satisfy enum value set: [DELETE, RETAIN]",
        )),
        _ => Ok(()),
    }
}

fn check_name(name: &str, member: &str) -> Result<(), CfnError> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(CfnError::constraint(
            name,
            member,
            "Member must have length between 1 and 128",
        ));
    }
    Ok(())
}

fn templates<'w>(world: &'w World, caller: &Caller) -> &'w [GeneratedTemplate] {
    world
        .cloudformation
        .regional(&caller.account_id, &caller.region)
        .map(|r| r.generated_templates.as_slice())
        .unwrap_or_default()
}

/// The index of the template named `name` (or with that ARN).
fn position(world: &World, caller: &Caller, name: &str) -> Result<usize, CfnError> {
    templates(world, caller)
        .iter()
        .position(|t| t.name == name || t.id == name)
        .ok_or_else(|| {
            CfnError::GeneratedTemplateNotFound(format!("Generated template {name} not found"))
        })
}

fn already_exists(name: &str) -> CfnError {
    CfnError::AlreadyExists(format!("Generated template {name} already exists"))
}

/// `S3Bucket` + the identifier's letters and digits, made unique in the template.
fn logical_id_for(type_name: &str, identifier: &Identifier, taken: &[String]) -> String {
    let mut base: String = type_name
        .split("::")
        .skip(1)
        .collect::<String>()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    for value in identifier.values() {
        let value = value.rsplit(['/', ':']).next().unwrap_or(value);
        let mut upper = true;
        for c in value.chars() {
            if c.is_ascii_alphanumeric() {
                base.push(if upper { c.to_ascii_uppercase() } else { c });
                upper = false;
            } else {
                upper = true;
            }
        }
    }
    base.truncate(240);
    let mut candidate = base.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{base}{n}");
        n += 1;
    }
    candidate
}

/// Reads each definition's resource and gives it a logical id.
fn resolve(
    world: &World,
    caller: &Caller,
    definitions: Vec<ResourceDefinitionInput>,
    existing: &[TemplateResource],
) -> Result<Vec<TemplateResource>, CfnError> {
    let mut taken: Vec<String> = existing.iter().map(|r| r.logical_id.clone()).collect();
    let mut out: Vec<TemplateResource> = Vec::new();
    for d in definitions {
        if d.resource_identifier.is_empty() {
            return Err(CfnError::constraint(
                "{}",
                "resources.member.resourceIdentifier",
                "Member must have length greater than or equal to 1",
            ));
        }
        let duplicate = existing
            .iter()
            .chain(out.iter())
            .any(|r| r.type_name == d.resource_type && r.identifier == d.resource_identifier);
        if duplicate {
            return Err(CfnError::Validation(format!(
                "Resource of type {} with identifier {:?} is already in the template",
                d.resource_type, d.resource_identifier
            )));
        }
        let logical_id = match d.logical_resource_id {
            Some(id) => {
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
                    return Err(CfnError::Validation(format!(
                        "Logical resource id {id} must be alphanumeric"
                    )));
                }
                if taken.contains(&id) {
                    return Err(CfnError::Validation(format!(
                        "Logical resource id {id} is used by more than one resource"
                    )));
                }
                id
            }
            None => logical_id_for(&d.resource_type, &d.resource_identifier, &taken),
        };
        taken.push(logical_id.clone());
        let (status, reason, properties) =
            if !inventory::SCANNABLE.contains(&d.resource_type.as_str()) {
                (
                    "FAILED",
                    Some(format!(
                        "orgsim cannot read resources of type {}",
                        d.resource_type
                    )),
                    None,
                )
            } else {
                match inventory::read(
                    world,
                    &caller.account_id,
                    &caller.region,
                    &d.resource_type,
                    &d.resource_identifier,
                ) {
                    Some(found) => ("COMPLETE", None, Some(found.properties)),
                    None => ("FAILED", Some("Resource not found".to_string()), None),
                }
            };
        out.push(TemplateResource {
            type_name: d.resource_type,
            logical_id,
            identifier: d.resource_identifier,
            status: status.to_string(),
            status_reason: reason,
            properties,
        });
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGeneratedTemplateInput {
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::list")]
    pub resources: Vec<ResourceDefinitionInput>,
    pub generated_template_name: String,
    pub stack_name: Option<String>,
    pub template_configuration: Option<TemplateConfigurationInput>,
}

pub fn create_generated_template(
    world: &mut World,
    caller: &Caller,
    input: CreateGeneratedTemplateInput,
) -> Result<Value, CfnError> {
    check_name(&input.generated_template_name, "generatedTemplateName")?;
    let config = input.template_configuration.as_ref();
    check_policy(
        config.and_then(|c| c.deletion_policy.as_deref()),
        "templateConfiguration.deletionPolicy",
    )?;
    check_policy(
        config.and_then(|c| c.update_replace_policy.as_deref()),
        "templateConfiguration.updateReplacePolicy",
    )?;
    let existing = templates(world, caller);
    if existing
        .iter()
        .any(|t| t.name == input.generated_template_name)
    {
        return Err(already_exists(&input.generated_template_name));
    }
    if existing.len() >= TEMPLATES {
        return Err(CfnError::LimitExceeded(format!(
            "Limit of {TEMPLATES} generated templates exceeded"
        )));
    }
    if input.resources.len() > RESOURCES_PER_TEMPLATE {
        return Err(CfnError::LimitExceeded(format!(
            "A generated template can have at most {RESOURCES_PER_TEMPLATE} resources"
        )));
    }
    let resources = resolve(world, caller, input.resources, &[])?;
    let now = world.clock.now_ms();
    let id = format!(
        "arn:aws:cloudformation:{}:{}:generatedTemplate/{}",
        caller.region,
        caller.account_id,
        world.ids.uuid()
    );
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .generated_templates
        .push(GeneratedTemplate {
            id: id.clone(),
            name: input.generated_template_name,
            created_ms: now,
            updated_ms: now,
            stack_name: input.stack_name,
            deletion_policy: config
                .and_then(|c| c.deletion_policy.clone())
                .unwrap_or_else(|| "RETAIN".into()),
            update_replace_policy: config
                .and_then(|c| c.update_replace_policy.clone())
                .unwrap_or_else(|| "RETAIN".into()),
            resources,
        });
    Ok(json!({"GeneratedTemplateId": id}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GeneratedTemplateNameInput {
    pub generated_template_name: String,
}

pub fn describe_generated_template(
    world: &mut World,
    caller: &Caller,
    input: GeneratedTemplateNameInput,
) -> Result<Value, CfnError> {
    let index = position(world, caller, &input.generated_template_name)?;
    let t = &templates(world, caller)[index];
    let stack_id = t
        .stack_name
        .as_deref()
        .and_then(|name| super::stacks::get(world, caller, name).ok())
        .map(|s| s.stack_id.clone());
    let resources: Vec<Value> = t
        .resources
        .iter()
        .map(|r| {
            json!({
                "ResourceType": r.type_name,
                "LogicalResourceId": r.logical_id,
                "ResourceIdentifier": identifier_shape(&r.identifier),
                "ResourceStatus": r.status,
                "ResourceStatusReason": r.status_reason,
            })
        })
        .collect();
    Ok(json!({
        "GeneratedTemplateId": t.id,
        "GeneratedTemplateName": t.name,
        "Resources": resources,
        "Status": "COMPLETE",
        "CreationTime": iso8601(t.created_ms),
        "LastUpdatedTime": iso8601(t.updated_ms),
        "Progress": {
            "ResourcesSucceeded": t.succeeded(),
            "ResourcesFailed": t.failed(),
            "ResourcesProcessing": 0,
            "ResourcesPending": 0,
        },
        "StackId": stack_id,
        "TemplateConfiguration": {
            "DeletionPolicy": t.deletion_policy,
            "UpdateReplacePolicy": t.update_replace_policy,
        },
        "TotalWarnings": 0,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetGeneratedTemplateInput {
    pub format: Option<String>,
    pub generated_template_name: String,
}

pub fn get_generated_template(
    world: &mut World,
    caller: &Caller,
    input: GetGeneratedTemplateInput,
) -> Result<Value, CfnError> {
    let format = input.format.as_deref().unwrap_or("JSON");
    if format != "JSON" && format != "YAML" {
        return Err(CfnError::constraint(
            format,
            "format",
            "Member must satisfy enum value set: [JSON, YAML]",
        ));
    }
    let index = position(world, caller, &input.generated_template_name)?;
    let body = templates(world, caller)[index].body();
    let text = if format == "YAML" {
        format!(
            "---\n{}",
            serde_saphyr::to_string(&body)
                .map_err(|e| CfnError::Validation(format!("Template cannot be written: {e}")))?
        )
    } else {
        serde_json::to_string_pretty(&body).unwrap_or_default()
    };
    Ok(json!({"Status": "COMPLETE", "TemplateBody": text}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGeneratedTemplatesInput {
    pub next_token: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::opt_i64")]
    pub max_results: Option<i64>,
}

pub fn list_generated_templates(
    world: &mut World,
    caller: &Caller,
    input: ListGeneratedTemplatesInput,
) -> Result<Value, CfnError> {
    let summaries: Vec<Value> = templates(world, caller)
        .iter()
        .map(|t| {
            json!({
                "GeneratedTemplateId": t.id,
                "GeneratedTemplateName": t.name,
                "Status": "COMPLETE",
                "CreationTime": iso8601(t.created_ms),
                "LastUpdatedTime": iso8601(t.updated_ms),
                "NumberOfResources": t.resources.len(),
            })
        })
        .collect();
    let (page, next) = page(
        summaries,
        "ListGeneratedTemplates",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"Summaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateGeneratedTemplateInput {
    pub generated_template_name: String,
    pub new_generated_template_name: Option<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::list")]
    pub add_resources: Vec<ResourceDefinitionInput>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::list")]
    pub remove_resources: Vec<String>,
    #[serde(default, deserialize_with = "crate::services::iam::dto::de::opt_bool")]
    pub refresh_all_resources: Option<bool>,
    pub template_configuration: Option<TemplateConfigurationInput>,
}

pub fn update_generated_template(
    world: &mut World,
    caller: &Caller,
    input: UpdateGeneratedTemplateInput,
) -> Result<Value, CfnError> {
    let index = position(world, caller, &input.generated_template_name)?;
    let config = input.template_configuration.as_ref();
    check_policy(
        config.and_then(|c| c.deletion_policy.as_deref()),
        "templateConfiguration.deletionPolicy",
    )?;
    check_policy(
        config.and_then(|c| c.update_replace_policy.as_deref()),
        "templateConfiguration.updateReplacePolicy",
    )?;
    let mut t = templates(world, caller)[index].clone();
    if let Some(new_name) = &input.new_generated_template_name {
        check_name(new_name, "newGeneratedTemplateName")?;
        if new_name != &t.name && templates(world, caller).iter().any(|o| &o.name == new_name) {
            return Err(already_exists(new_name));
        }
        t.name = new_name.clone();
    }
    for logical_id in &input.remove_resources {
        let before = t.resources.len();
        t.resources.retain(|r| &r.logical_id != logical_id);
        if t.resources.len() == before {
            return Err(CfnError::Validation(format!(
                "Resource {logical_id} is not in the template"
            )));
        }
    }
    if input.refresh_all_resources == Some(true) {
        let definitions: Vec<ResourceDefinitionInput> = t
            .resources
            .iter()
            .map(|r| ResourceDefinitionInput {
                resource_type: r.type_name.clone(),
                logical_resource_id: Some(r.logical_id.clone()),
                resource_identifier: r.identifier.clone(),
            })
            .collect();
        t.resources = resolve(world, caller, definitions, &[])?;
    }
    let added = resolve(world, caller, input.add_resources, &t.resources)?;
    t.resources.extend(added);
    if t.resources.len() > RESOURCES_PER_TEMPLATE {
        return Err(CfnError::LimitExceeded(format!(
            "A generated template can have at most {RESOURCES_PER_TEMPLATE} resources"
        )));
    }
    if let Some(p) = config.and_then(|c| c.deletion_policy.clone()) {
        t.deletion_policy = p;
    }
    if let Some(p) = config.and_then(|c| c.update_replace_policy.clone()) {
        t.update_replace_policy = p;
    }
    t.updated_ms = world.clock.now_ms();
    let id = t.id.clone();
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .generated_templates[index] = t;
    Ok(json!({"GeneratedTemplateId": id}))
}

pub fn delete_generated_template(
    world: &mut World,
    caller: &Caller,
    input: GeneratedTemplateNameInput,
) -> Result<Value, CfnError> {
    let index = position(world, caller, &input.generated_template_name)?;
    world
        .cloudformation
        .regional_mut(&caller.account_id, &caller.region)
        .generated_templates
        .remove(index);
    Ok(json!({}))
}
