//! The template engine: a template body (JSON or YAML with short-form tags) read into
//! typed sections, checked as CloudFormation checks it before anything is made, and the
//! resources put in a deterministic walk order over their dependency graph.
//!
//! Pure functions over values: no world, no stack. [`eval`] resolves intrinsic functions.

pub mod eval;
pub mod params;
pub mod yaml;

use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A template problem, in CloudFormation's words (answered as `ValidationError`).
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateError(pub String);

impl TemplateError {
    pub fn format(detail: impl std::fmt::Display) -> Self {
        TemplateError(format!("Template format error: {detail}"))
    }
}

pub type Result<T> = std::result::Result<T, TemplateError>;

/// The top-level sections a template may have.
const SECTIONS: &[&str] = &[
    "AWSTemplateFormatVersion",
    "Description",
    "Metadata",
    "Parameters",
    "Rules",
    "Mappings",
    "Conditions",
    "Transform",
    "Resources",
    "Outputs",
];

/// The attributes a resource declaration may have.
const RESOURCE_ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "Condition",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
];

/// Pseudo parameters (`Ref: AWS::Region`).
pub const PSEUDO_PARAMETERS: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// A template read and checked.
#[derive(Clone, Debug)]
pub struct Template {
    pub description: Option<String>,
    pub parameters: Vec<params::Parameter>,
    pub mappings: Map<String, Value>,
    pub conditions: Map<String, Value>,
    /// In template order.
    pub resources: Vec<Resource>,
    pub outputs: Vec<Output>,
    /// Top-level `Metadata`, as written.
    pub metadata: Option<Value>,
}

/// `DeletionPolicy` / `UpdateReplacePolicy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Delete,
    Retain,
    /// `Snapshot` and `RetainExceptOnCreate` act as `Retain` or `Delete` for the types
    /// orgsim provides; see [`Policy::retains`].
    Snapshot,
    RetainExceptOnCreate,
}

impl Policy {
    fn parse(value: Option<&Value>, attribute: &str, logical_id: &str) -> Result<Policy> {
        match value {
            None => Ok(Policy::Delete),
            Some(Value::String(s)) => match s.as_str() {
                "Delete" => Ok(Policy::Delete),
                "Retain" => Ok(Policy::Retain),
                "Snapshot" => Ok(Policy::Snapshot),
                "RetainExceptOnCreate" => Ok(Policy::RetainExceptOnCreate),
                other => Err(TemplateError::format(format!(
                    "Unrecognized {attribute} {other} for resource {logical_id}"
                ))),
            },
            Some(_) => Err(TemplateError::format(format!(
                "[/Resources/{logical_id}/{attribute}] {attribute} must be a string"
            ))),
        }
    }

    /// Whether the resource stays when its stack deletes it. `Snapshot` on a type that
    /// cannot snapshot deletes it (AWS does the same for such types).
    pub fn retains(self, rolling_back_create: bool) -> bool {
        match self {
            Policy::Retain => true,
            Policy::RetainExceptOnCreate => !rolling_back_create,
            Policy::Delete | Policy::Snapshot => false,
        }
    }
}

/// One resource declaration.
#[derive(Clone, Debug)]
pub struct Resource {
    pub logical_id: String,
    pub type_name: String,
    /// Always an object (an absent `Properties` is `{}`).
    pub properties: Value,
    /// Explicit `DependsOn`.
    pub depends_on: Vec<String>,
    pub condition: Option<String>,
    pub deletion_policy: Policy,
    pub update_replace_policy: Policy,
    pub metadata: Option<Value>,
}

/// One output.
#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub value: Value,
    pub description: Option<String>,
    pub export_name: Option<Value>,
    pub condition: Option<String>,
}

/// Reads a body: JSON when it starts with `{`, YAML otherwise.
pub fn parse_body(body: &str) -> Result<Value> {
    let trimmed = body.trim_start();
    let value = if trimmed.starts_with('{') {
        serde_json::from_str::<Value>(trimmed).map_err(|e| {
            TemplateError::format(format!(
                "JSON not well-formed. (line {}, column {})",
                e.line(),
                e.column()
            ))
        })?
    } else {
        yaml::parse(body)
            .map_err(|e| TemplateError::format(format!("YAML not well-formed. ({e})")))?
    };
    match value {
        Value::Object(_) => Ok(value),
        _ => Err(TemplateError::format("unsupported structure.")),
    }
}

/// Reads and checks a template body.
pub fn load(body: &str) -> Result<Template> {
    check(&parse_body(body)?)
}

/// Checks a parsed template as CloudFormation does before it makes anything.
pub fn check(doc: &Value) -> Result<Template> {
    let root = doc
        .as_object()
        .ok_or_else(|| TemplateError::format("unsupported structure."))?;
    let unknown: Vec<&str> = root
        .keys()
        .map(String::as_str)
        .filter(|k| !SECTIONS.contains(k))
        .collect();
    if !unknown.is_empty() {
        return Err(TemplateError::format(format!(
            "Invalid template property or properties [{}]",
            unknown.join(", ")
        )));
    }
    if let Some(version) = root.get("AWSTemplateFormatVersion") {
        if version.as_str() != Some("2010-09-09") {
            return Err(TemplateError::format(format!(
                "Unsupported template version: {}",
                scalar_text(version).unwrap_or_default()
            )));
        }
    }
    if let Some(transform) = root.get("Transform") {
        return Err(TemplateError(format!(
            "Transform {} is not supported: orgsim does not run template macros",
            scalar_text(transform).unwrap_or_else(|| transform.to_string())
        )));
    }
    let description = match root.get("Description") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(TemplateError::format(
                "Every Description member must be a string.",
            ))
        }
    };
    let section = |name: &str| -> Result<Map<String, Value>> {
        match root.get(name) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m.clone()),
            Some(_) => Err(TemplateError::format(format!(
                "The {name} section must be an object"
            ))),
        }
    };
    let parameters = params::declarations(&section("Parameters")?)?;
    let mappings = section("Mappings")?;
    check_mappings(&mappings)?;
    let conditions = section("Conditions")?;
    let resource_map = section("Resources")?;
    if resource_map.is_empty() {
        return Err(TemplateError::format(
            "At least one Resources member must be defined.",
        ));
    }
    if parameters.len() > 200 {
        return Err(TemplateError::format(
            "Parameter count 201 is greater than max allowed 200",
        ));
    }
    if resource_map.len() > 500 {
        return Err(TemplateError::format(format!(
            "Number of resources, {}, is greater than the maximum allowed, 500",
            resource_map.len()
        )));
    }
    let mut resources = Vec::new();
    for (logical_id, decl) in &resource_map {
        resources.push(resource(logical_id, decl)?);
    }
    let outputs = outputs(&section("Outputs")?)?;
    let template = Template {
        description,
        parameters,
        mappings,
        conditions,
        resources,
        outputs,
        metadata: root.get("Metadata").cloned(),
    };
    check_references(&template)?;
    order(
        &template,
        &template
            .resources
            .iter()
            .map(|r| r.logical_id.clone())
            .collect(),
    )?;
    Ok(template)
}

fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn alphanumeric(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn check_mappings(mappings: &Map<String, Value>) -> Result<()> {
    for (name, map) in mappings {
        let Some(top) = map.as_object() else {
            return Err(TemplateError::format(format!(
                "Mappings attribute {name} must be a JSON object"
            )));
        };
        for (key, second) in top {
            if !second.is_object() {
                return Err(TemplateError::format(format!(
                    "Mapping {name} must use maps for second-level keys (at {key})"
                )));
            }
        }
    }
    Ok(())
}

fn resource(logical_id: &str, decl: &Value) -> Result<Resource> {
    if !alphanumeric(logical_id) {
        return Err(TemplateError::format(format!(
            "Resource name {logical_id} is non alphanumeric."
        )));
    }
    let Some(fields) = decl.as_object() else {
        return Err(TemplateError::format(format!(
            "[/Resources/{logical_id}] Every Resources object must contain a Type member."
        )));
    };
    for key in fields.keys() {
        if !RESOURCE_ATTRIBUTES.contains(&key.as_str()) {
            return Err(TemplateError::format(format!(
                "Invalid template resource property '{key}'"
            )));
        }
    }
    let type_name = match fields.get("Type") {
        Some(Value::String(t)) => t.clone(),
        Some(_) => {
            return Err(TemplateError::format(format!(
                "[/Resources/{logical_id}/Type] Type must be a string"
            )))
        }
        None => {
            return Err(TemplateError::format(format!(
                "[/Resources/{logical_id}] Every Resources object must contain a Type member."
            )))
        }
    };
    let properties = match fields.get("Properties") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p.clone(),
        Some(_) => {
            return Err(TemplateError::format(format!(
                "[/Resources/{logical_id}/Properties] Properties must be an object"
            )))
        }
    };
    let depends_on = match fields.get("DependsOn") {
        None => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str().map(str::to_string).ok_or_else(|| {
                    TemplateError::format(format!(
                        "DependsOn of {logical_id} must be a string or a list of strings"
                    ))
                })
            })
            .collect::<Result<_>>()?,
        Some(_) => {
            return Err(TemplateError::format(format!(
                "DependsOn of {logical_id} must be a string or a list of strings"
            )))
        }
    };
    let condition = match fields.get("Condition") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(TemplateError::format(format!(
                "Condition of {logical_id} must be a string"
            )))
        }
    };
    Ok(Resource {
        logical_id: logical_id.to_string(),
        type_name,
        properties,
        depends_on,
        condition,
        deletion_policy: Policy::parse(fields.get("DeletionPolicy"), "DeletionPolicy", logical_id)?,
        update_replace_policy: Policy::parse(
            fields.get("UpdateReplacePolicy"),
            "UpdateReplacePolicy",
            logical_id,
        )?,
        metadata: fields.get("Metadata").cloned(),
    })
}

fn outputs(section: &Map<String, Value>) -> Result<Vec<Output>> {
    if section.len() > 200 {
        return Err(TemplateError::format(
            "Number of outputs is greater than the maximum allowed, 200",
        ));
    }
    let mut out = Vec::new();
    for (name, decl) in section {
        if !alphanumeric(name) {
            return Err(TemplateError::format(format!(
                "Output name {name} is non alphanumeric."
            )));
        }
        let Some(fields) = decl.as_object() else {
            return Err(TemplateError::format(format!(
                "Every Outputs member must be an object ({name})"
            )));
        };
        let Some(value) = fields.get("Value") else {
            return Err(TemplateError::format(format!(
                "Every Outputs member must contain a Value object ({name})"
            )));
        };
        let export_name = match fields.get("Export") {
            None => None,
            Some(export) => Some(export.get("Name").cloned().ok_or_else(|| {
                TemplateError::format(format!(
                    "Output {name} is malformed. The Name field of every Export member must be specified and consist only of alphanumeric characters, colons, or hyphens."
                ))
            })?),
        };
        out.push(Output {
            name: name.clone(),
            value: value.clone(),
            description: fields
                .get("Description")
                .and_then(Value::as_str)
                .map(str::to_string),
            export_name,
            condition: fields
                .get("Condition")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    Ok(out)
}

/// What a value refers to: resources and parameters by `Ref`, resources by `GetAtt`
/// and `Sub`, conditions by `Fn::If`/`Condition`.
#[derive(Default, Debug)]
pub struct References {
    /// Names used with `Ref` or `${Name}` (parameters, pseudo parameters, resources).
    pub refs: BTreeSet<String>,
    /// Resources used with `Fn::GetAtt` or `${Res.Attr}`.
    pub get_atts: BTreeSet<String>,
    pub conditions: BTreeSet<String>,
}

impl References {
    pub fn of(value: &Value) -> References {
        let mut r = References::default();
        r.walk(value);
        r
    }

    fn walk(&mut self, value: &Value) {
        match value {
            Value::Array(items) => items.iter().for_each(|i| self.walk(i)),
            Value::Object(fields) => {
                if fields.len() == 1 {
                    let (key, arg) = fields.iter().next().expect("one field");
                    match key.as_str() {
                        "Ref" => {
                            if let Some(name) = arg.as_str() {
                                self.refs.insert(name.to_string());
                            }
                            return;
                        }
                        "Fn::GetAtt" => {
                            if let Some(resource) = get_att_target(arg) {
                                self.get_atts.insert(resource);
                            }
                            if let Some(items) = arg.as_array() {
                                items.iter().skip(1).for_each(|i| self.walk(i));
                            }
                            return;
                        }
                        "Fn::Sub" => {
                            let (text, vars) = match arg {
                                Value::String(s) => (Some(s.as_str()), None),
                                Value::Array(items) => {
                                    (items.first().and_then(Value::as_str), items.get(1))
                                }
                                _ => (None, None),
                            };
                            let local: BTreeSet<&str> = vars
                                .and_then(Value::as_object)
                                .map(|m| m.keys().map(String::as_str).collect())
                                .unwrap_or_default();
                            if let Some(text) = text {
                                for name in eval::sub_names(text) {
                                    if local.contains(name.as_str()) {
                                        continue;
                                    }
                                    match name.split_once('.') {
                                        Some((resource, _)) if !name.starts_with("AWS::") => {
                                            self.get_atts.insert(resource.to_string());
                                        }
                                        _ => {
                                            self.refs.insert(name);
                                        }
                                    }
                                }
                            }
                            if let Some(vars) = vars {
                                self.walk(vars);
                            }
                            return;
                        }
                        "Condition" => {
                            if let Some(name) = arg.as_str() {
                                self.conditions.insert(name.to_string());
                            }
                            return;
                        }
                        "Fn::If" => {
                            if let Some(name) = arg.get(0).and_then(Value::as_str) {
                                self.conditions.insert(name.to_string());
                            }
                            if let Some(items) = arg.as_array() {
                                items.iter().skip(1).for_each(|i| self.walk(i));
                            }
                            return;
                        }
                        _ => {}
                    }
                }
                fields.values().for_each(|v| self.walk(v));
            }
            _ => {}
        }
    }

    /// The resources among these references.
    pub fn resources<'t>(&self, template: &'t Template) -> BTreeSet<&'t str> {
        template
            .resources
            .iter()
            .map(|r| r.logical_id.as_str())
            .filter(|id| self.refs.contains(*id) || self.get_atts.contains(*id))
            .collect()
    }
}

/// `Fn::GetAtt: [Res, Attr]` or `"Res.Attr"` → `Res`.
pub fn get_att_target(arg: &Value) -> Option<String> {
    match arg {
        Value::Array(items) => items.first().and_then(Value::as_str).map(str::to_string),
        Value::String(s) => s.split_once('.').map(|(r, _)| r.to_string()),
        _ => None,
    }
}

impl Template {
    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }

    pub fn parameter(&self, name: &str) -> Option<&params::Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The resources `resource` depends on: `DependsOn` and every reference in its
    /// properties (both branches of an `Fn::If` count, as in AWS).
    pub fn dependencies(&self, resource: &Resource) -> BTreeSet<String> {
        let mut deps: BTreeSet<String> = resource.depends_on.iter().cloned().collect();
        let refs = References::of(&resource.properties);
        deps.extend(refs.resources(self).into_iter().map(str::to_string));
        deps
    }

    /// Every logical id, parameter and pseudo parameter a `Ref` may name.
    fn known_name(&self, name: &str) -> bool {
        PSEUDO_PARAMETERS.contains(&name)
            || self.parameter(name).is_some()
            || self.resource(name).is_some()
    }
}

/// Every name a template refers to must exist in it.
fn check_references(t: &Template) -> Result<()> {
    for (name, condition) in &t.conditions {
        let refs = References::of(condition);
        let bad: Vec<&str> = refs
            .refs
            .iter()
            .chain(&refs.get_atts)
            .map(String::as_str)
            .filter(|n| !PSEUDO_PARAMETERS.contains(n) && t.parameter(n).is_none())
            .collect();
        if !bad.is_empty() {
            return Err(TemplateError::format(format!(
                "Unresolved dependencies [{}]. Cannot reference resources in the Conditions block of the template",
                bad.join(", ")
            )));
        }
        if let Some(missing) = refs
            .conditions
            .iter()
            .find(|c| !t.conditions.contains_key(*c))
        {
            return Err(TemplateError(format!(
                "Template error: unresolved condition dependency {missing} in Fn::Condition of {name}"
            )));
        }
    }
    let check_conditions = |refs: &References| -> Result<()> {
        match refs
            .conditions
            .iter()
            .find(|c| !t.conditions.contains_key(*c))
        {
            Some(missing) => Err(TemplateError(format!(
                "Template error: unresolved condition dependency {missing} in Fn::If"
            ))),
            None => Ok(()),
        }
    };
    for resource in &t.resources {
        let refs = References::of(&resource.properties);
        let mut unresolved: BTreeSet<&str> = refs
            .refs
            .iter()
            .map(String::as_str)
            .filter(|n| !t.known_name(n))
            .collect();
        unresolved.extend(
            resource
                .depends_on
                .iter()
                .map(String::as_str)
                .filter(|d| t.resource(d).is_none()),
        );
        if !unresolved.is_empty() {
            return Err(TemplateError::format(format!(
                "Unresolved resource dependencies [{}] in the Resources block of the template",
                unresolved.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
        if let Some(missing) = refs.get_atts.iter().find(|r| t.resource(r).is_none()) {
            return Err(TemplateError(format!(
                "Template error: instance of Fn::GetAtt references undefined resource {missing}"
            )));
        }
        check_conditions(&refs)?;
        if let Some(c) = &resource.condition {
            if !t.conditions.contains_key(c) {
                return Err(TemplateError::format(format!(
                    "Unresolved dependencies [{c}]. Cannot reference conditions that do not exist in the Conditions block of the template"
                )));
            }
        }
    }
    for output in &t.outputs {
        let mut refs = References::of(&output.value);
        if let Some(export) = &output.export_name {
            let more = References::of(export);
            refs.refs.extend(more.refs);
            refs.get_atts.extend(more.get_atts);
        }
        let unresolved: Vec<&str> = refs
            .refs
            .iter()
            .map(String::as_str)
            .filter(|n| !t.known_name(n))
            .collect();
        if !unresolved.is_empty() {
            return Err(TemplateError::format(format!(
                "Unresolved resource dependencies [{}] in the Outputs block of the template",
                unresolved.join(", ")
            )));
        }
        if let Some(missing) = refs.get_atts.iter().find(|r| t.resource(r).is_none()) {
            return Err(TemplateError(format!(
                "Template error: instance of Fn::GetAtt references undefined resource {missing}"
            )));
        }
        check_conditions(&refs)?;
    }
    Ok(())
}

/// The walk order of `active` resources: each after everything it depends on, ties in
/// template order (so the same template always walks the same way). A cycle is refused
/// with AWS's message naming the resources on it.
pub fn order(t: &Template, active: &BTreeSet<String>) -> Result<Vec<String>> {
    let position: BTreeMap<&str, usize> = t
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.logical_id.as_str(), i))
        .collect();
    let mut pending: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for r in t
        .resources
        .iter()
        .filter(|r| active.contains(&r.logical_id))
    {
        let deps = t
            .dependencies(r)
            .into_iter()
            .filter(|d| active.contains(d))
            .collect();
        pending.insert(position[r.logical_id.as_str()], deps);
    }
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut walk = Vec::new();
    while !pending.is_empty() {
        let ready = pending
            .iter()
            .find(|(_, deps)| deps.iter().all(|d| done.contains(d)))
            .map(|(i, _)| *i);
        let Some(index) = ready else {
            // Leave out resources that only wait on a cycle: repeatedly drop those
            // nothing still pending depends on.
            let mut stuck: BTreeMap<usize, BTreeSet<String>> = pending;
            loop {
                let needed: BTreeSet<String> = stuck.values().flatten().cloned().collect();
                let before = stuck.len();
                stuck.retain(|i, _| needed.contains(&t.resources[*i].logical_id));
                if stuck.len() == before {
                    break;
                }
            }
            let names: Vec<&str> = stuck
                .keys()
                .map(|i| t.resources[*i].logical_id.as_str())
                .collect();
            return Err(TemplateError(format!(
                "Circular dependency between resources: [{}]",
                names.join(", ")
            )));
        };
        pending.remove(&index);
        let id = t.resources[index].logical_id.clone();
        done.insert(id.clone());
        walk.push(id);
    }
    Ok(walk)
}

#[cfg(test)]
mod tests;
