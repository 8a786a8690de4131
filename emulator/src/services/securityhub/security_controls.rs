//! The consolidated controls view: BatchGetSecurityControls,
//! GetSecurityControlDefinition, UpdateSecurityControl,
//! BatchGetStandardsControlAssociations, BatchUpdateStandardsControlAssociations,
//! ListStandardsControlAssociations. A control's status in a standard is the same
//! state DescribeStandardsControls and UpdateStandardsControl read and write.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::controls_catalog::{
    parameter_definitions, security_control, SecurityControl, Standard, STANDARDS,
};
use super::errors::ShError;
use super::model::{ControlParameters, DisabledControl, Hub};
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

fn control_arn(caller: &Caller, id: &str) -> String {
    format!(
        "arn:aws:securityhub:{}:{}:security-control/{id}",
        caller.region, caller.account_id
    )
}

/// The standard's own id for `control` (`2.7` in CIS 1.2.0, `IAM.1` elsewhere).
fn id_in(standard: &Standard, control: &SecurityControl) -> Option<String> {
    standard
        .controls()
        .find(|(_, c)| c.id == control.id)
        .map(|(id, _)| id)
}

/// `ENABLED` when the control is on in at least one enabled standard it belongs to.
fn status_in_hub(hub: &Hub, control: &SecurityControl) -> &'static str {
    let on = hub.standards.values().any(|s| {
        STANDARDS
            .iter()
            .find(|st| st.arn(&hub.region) == s.standards_arn)
            .and_then(|st| id_in(st, control))
            .is_some_and(|id| !s.disabled_controls.contains_key(&id))
    });
    if on {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

/// The parameters in effect: the customer's, else each definition's default.
fn parameters_of(hub: &Hub, control: &SecurityControl) -> Value {
    if let Some(custom) = hub.control_parameters.get(control.id) {
        return custom.parameters.clone();
    }
    let mut out = serde_json::Map::new();
    for p in parameter_definitions(control.id) {
        out.insert(
            p.name.to_string(),
            json!({"ValueType": "DEFAULT", "Value": {p.kind: p.default}}),
        );
    }
    Value::Object(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetSecurityControlsInput {
    pub security_control_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityControlWire {
    pub security_control_id: String,
    pub security_control_arn: String,
    pub title: String,
    pub description: String,
    pub remediation_url: String,
    pub severity_rating: String,
    pub security_control_status: &'static str,
    pub update_status: &'static str,
    pub parameters: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_update_reason: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedId {
    pub security_control_id: String,
    pub error_code: &'static str,
    pub error_reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetSecurityControlsOutput {
    pub security_controls: Vec<SecurityControlWire>,
    pub unprocessed_ids: Vec<UnprocessedId>,
}

pub fn batch_get_security_controls(
    world: &mut World,
    caller: &Caller,
    input: BatchGetSecurityControlsInput,
) -> Result<BatchGetSecurityControlsOutput, ShError> {
    let ids = input.security_control_ids;
    if ids.is_empty() || ids.len() > 100 {
        return Err(ShError::invalid(
            "SecurityControlIds must contain between 1 and 100 ids",
        ));
    }
    let hub = own_hub(world, caller)?;
    let mut controls = Vec::new();
    let mut unprocessed = Vec::new();
    for id in ids {
        let Some(control) = security_control(&id) else {
            unprocessed.push(UnprocessedId {
                error_reason: format!("Security control {id} does not exist"),
                security_control_id: id,
                error_code: "NOT_FOUND",
            });
            continue;
        };
        controls.push(SecurityControlWire {
            security_control_id: control.id.to_string(),
            security_control_arn: control_arn(caller, control.id),
            title: control.title.to_string(),
            description: control.description(),
            remediation_url: control.remediation_url(),
            severity_rating: control.severity.to_string(),
            security_control_status: status_in_hub(hub, control),
            update_status: "READY",
            parameters: parameters_of(hub, control),
            last_update_reason: hub
                .control_parameters
                .get(control.id)
                .and_then(|p| p.reason.clone()),
        });
    }
    Ok(BatchGetSecurityControlsOutput {
        security_controls: controls,
        unprocessed_ids: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSecurityControlDefinitionInput {
    pub security_control_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ControlDefinitionWire {
    pub security_control_id: String,
    pub title: String,
    pub description: String,
    pub remediation_url: String,
    pub severity_rating: String,
    pub current_region_availability: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub customizable_properties: Vec<&'static str>,
    #[serde(skip_serializing_if = "serde_json::Map::is_empty")]
    pub parameter_definitions: serde_json::Map<String, Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSecurityControlDefinitionOutput {
    pub security_control_definition: ControlDefinitionWire,
}

pub fn get_security_control_definition(
    world: &mut World,
    caller: &Caller,
    input: GetSecurityControlDefinitionInput,
) -> Result<GetSecurityControlDefinitionOutput, ShError> {
    own_hub(world, caller)?;
    let id = &input.security_control_id;
    let control = security_control(id)
        .ok_or_else(|| ShError::not_found(format!("Security control {id} not found")))?;
    let definitions = parameter_definitions(control.id);
    let mut parameter_definitions = serde_json::Map::new();
    for p in &definitions {
        parameter_definitions.insert(
            p.name.to_string(),
            json!({
                "Description": p.description,
                "ConfigurationOptions": {p.kind: {"DefaultValue": p.default, "Min": p.min, "Max": p.max}},
            }),
        );
    }
    Ok(GetSecurityControlDefinitionOutput {
        security_control_definition: ControlDefinitionWire {
            security_control_id: control.id.to_string(),
            title: control.title.to_string(),
            description: control.description(),
            remediation_url: control.remediation_url(),
            severity_rating: control.severity.to_string(),
            current_region_availability: "AVAILABLE",
            customizable_properties: if definitions.is_empty() {
                Vec::new()
            } else {
                vec!["Parameters"]
            },
            parameter_definitions,
        },
    })
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParameterValueType {
    Default,
    Custom,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ParameterConfiguration {
    pub value_type: ParameterValueType,
    pub value: Option<serde_json::Map<String, Value>>,
}

/// `Parameters` checked against the control's definitions; returns the wire form.
pub fn check_parameters(
    control: &SecurityControl,
    parameters: &std::collections::BTreeMap<String, ParameterConfiguration>,
) -> Result<Value, ShError> {
    let definitions = parameter_definitions(control.id);
    let mut out = serde_json::Map::new();
    for (name, config) in parameters {
        let definition = definitions.iter().find(|d| d.name == name).ok_or_else(|| {
            ShError::invalid(format!(
                "{name} is not a parameter of security control {}",
                control.id
            ))
        })?;
        let value = match config.value_type {
            ParameterValueType::Default => json!({definition.kind: definition.default}),
            ParameterValueType::Custom => {
                let given = config
                    .value
                    .as_ref()
                    .and_then(|v| v.get(definition.kind))
                    .and_then(Value::as_i64)
                    .ok_or_else(|| {
                        ShError::invalid(format!(
                            "A CUSTOM value of {name} needs Value.{}",
                            definition.kind
                        ))
                    })?;
                if given < definition.min || given > definition.max {
                    return Err(ShError::invalid(format!(
                        "{name} must be between {} and {}",
                        definition.min, definition.max
                    )));
                }
                json!({definition.kind: given})
            }
        };
        let value_type = match config.value_type {
            ParameterValueType::Default => "DEFAULT",
            ParameterValueType::Custom => "CUSTOM",
        };
        out.insert(
            name.clone(),
            json!({"ValueType": value_type, "Value": value}),
        );
    }
    Ok(Value::Object(out))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSecurityControlInput {
    pub security_control_id: String,
    pub parameters: std::collections::BTreeMap<String, ParameterConfiguration>,
    pub last_update_reason: Option<String>,
}

pub fn update_security_control(
    world: &mut World,
    caller: &Caller,
    input: UpdateSecurityControlInput,
) -> Result<Empty, ShError> {
    own_hub(world, caller)?;
    let id = &input.security_control_id;
    let control = security_control(id)
        .ok_or_else(|| ShError::not_found(format!("Security control {id} not found")))?;
    if parameter_definitions(control.id).is_empty() {
        return Err(ShError::invalid(format!(
            "Security control {id} has no customizable parameters"
        )));
    }
    let parameters = check_parameters(control, &input.parameters)?;
    let now = world.clock.now_ms();
    let hub = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id);
    let mut merged = parameters_of(hub, control);
    if let (Some(all), Value::Object(new)) = (merged.as_object_mut(), parameters) {
        all.extend(new);
    }
    hub.control_parameters.insert(
        control.id.to_string(),
        ControlParameters {
            parameters: merged,
            reason: input.last_update_reason,
            updated_ms: now,
        },
    );
    Ok(Empty {})
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationId {
    pub security_control_id: String,
    pub standards_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationDetail {
    pub standards_arn: String,
    pub security_control_id: String,
    pub security_control_arn: String,
    pub association_status: &'static str,
    pub related_requirements: Vec<String>,
    pub updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_reason: Option<String>,
    pub standards_control_title: String,
    pub standards_control_description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub standards_control_arns: Option<Vec<String>>,
}

/// The control's association with `standard` in the caller's hub (disabled when the
/// standard is not enabled).
fn association(
    hub: &Hub,
    caller: &Caller,
    standard: &Standard,
    control: &SecurityControl,
    with_arns: bool,
) -> Option<AssociationDetail> {
    let id = id_in(standard, control)?;
    let subscription = hub.standards.get(&standard.arn(&caller.region));
    let disabled = subscription.and_then(|s| s.disabled_controls.get(&id));
    let enabled = subscription.is_some() && disabled.is_none();
    Some(AssociationDetail {
        standards_arn: standard.arn(&caller.region),
        security_control_id: control.id.to_string(),
        security_control_arn: control_arn(caller, control.id),
        association_status: if enabled { "ENABLED" } else { "DISABLED" },
        related_requirements: standard.related_requirements(&id),
        updated_at: iso8601(
            disabled
                .map(|d| d.updated_ms)
                .or(subscription.map(|s| s.enabled_ms))
                .unwrap_or(hub.subscribed_ms),
        ),
        updated_reason: disabled.map(|d| d.reason.clone()),
        standards_control_title: control.title.to_string(),
        standards_control_description: control.description(),
        standards_control_arns: with_arns
            .then(|| vec![standard.control_arn(&caller.region, &caller.account_id, &id)]),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetAssociationsInput {
    pub standards_control_association_ids: Vec<AssociationId>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedAssociation {
    pub standards_control_association_id: AssociationId,
    pub error_code: &'static str,
    pub error_reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetAssociationsOutput {
    pub standards_control_association_details: Vec<AssociationDetail>,
    pub unprocessed_associations: Vec<UnprocessedAssociation>,
}

pub fn batch_get_standards_control_associations(
    world: &mut World,
    caller: &Caller,
    input: BatchGetAssociationsInput,
) -> Result<BatchGetAssociationsOutput, ShError> {
    let ids = input.standards_control_association_ids;
    if ids.is_empty() || ids.len() > 100 {
        return Err(ShError::invalid(
            "StandardsControlAssociationIds must contain between 1 and 100 ids",
        ));
    }
    let hub = own_hub(world, caller)?;
    let mut details = Vec::new();
    let mut unprocessed = Vec::new();
    for id in ids {
        let found = STANDARDS
            .iter()
            .find(|s| s.arn(&caller.region) == id.standards_arn)
            .zip(security_control(&id.security_control_id))
            .and_then(|(s, c)| association(hub, caller, s, c, true));
        match found {
            Some(d) => details.push(d),
            None => unprocessed.push(UnprocessedAssociation {
                error_reason: format!(
                    "Security control {} is not in standard {}",
                    id.security_control_id, id.standards_arn
                ),
                standards_control_association_id: id,
                error_code: "NOT_FOUND",
            }),
        }
    }
    Ok(BatchGetAssociationsOutput {
        standards_control_association_details: details,
        unprocessed_associations: unprocessed,
    })
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssociationStatus {
    Enabled,
    Disabled,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AssociationUpdate {
    pub standards_arn: String,
    pub security_control_id: String,
    pub association_status: AssociationStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateAssociationsInput {
    pub standards_control_association_updates: Vec<AssociationUpdate>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedUpdate {
    pub standards_control_association_update: AssociationUpdate,
    pub error_code: &'static str,
    pub error_reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateAssociationsOutput {
    pub unprocessed_association_updates: Vec<UnprocessedUpdate>,
}

pub fn batch_update_standards_control_associations(
    world: &mut World,
    caller: &Caller,
    input: BatchUpdateAssociationsInput,
) -> Result<BatchUpdateAssociationsOutput, ShError> {
    let updates = input.standards_control_association_updates;
    if updates.is_empty() || updates.len() > 100 {
        return Err(ShError::invalid(
            "StandardsControlAssociationUpdates must contain between 1 and 100 updates",
        ));
    }
    own_hub(world, caller)?;
    let now = world.clock.now_ms();
    let region = caller.region.clone();
    let hub = world.securityhub.hub_mut(&region, &caller.account_id);
    let mut unprocessed = Vec::new();
    for update in updates {
        let reject = |update: AssociationUpdate, code, reason: String| UnprocessedUpdate {
            standards_control_association_update: update,
            error_code: code,
            error_reason: reason,
        };
        let reason = update
            .updated_reason
            .clone()
            .filter(|r| !r.trim().is_empty());
        if update.association_status == AssociationStatus::Disabled && reason.is_none() {
            unprocessed.push(reject(
                update,
                "INVALID_INPUT",
                "UpdatedReason is required to disable a control".to_string(),
            ));
            continue;
        }
        let target = STANDARDS
            .iter()
            .find(|s| s.arn(&region) == update.standards_arn)
            .zip(security_control(&update.security_control_id))
            .and_then(|(s, c)| id_in(s, c).map(|id| (s.arn(&region), id)));
        let Some((standards_arn, id)) = target else {
            let why = format!(
                "Security control {} is not in standard {}",
                update.security_control_id, update.standards_arn
            );
            unprocessed.push(reject(update, "NOT_FOUND", why));
            continue;
        };
        let Some(subscription) = hub.standards.get_mut(&standards_arn) else {
            let why = format!("Standard {standards_arn} is not enabled");
            unprocessed.push(reject(update, "INVALID_INPUT", why));
            continue;
        };
        match update.association_status {
            AssociationStatus::Disabled => {
                subscription.disabled_controls.insert(
                    id,
                    DisabledControl {
                        reason: reason.unwrap_or_default(),
                        updated_ms: now,
                    },
                );
            }
            AssociationStatus::Enabled => {
                subscription.disabled_controls.remove(&id);
            }
        }
    }
    Ok(BatchUpdateAssociationsOutput {
        unprocessed_association_updates: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssociationsInput {
    pub security_control_id: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAssociationsOutput {
    pub standards_control_association_summaries: Vec<AssociationDetail>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_standards_control_associations(
    world: &mut World,
    caller: &Caller,
    input: ListAssociationsInput,
) -> Result<ListAssociationsOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let id = &input.security_control_id;
    let control = security_control(id)
        .ok_or_else(|| ShError::invalid(format!("Security control {id} does not exist")))?;
    let listing = format!("ListStandardsControlAssociations {id}");
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let all: Vec<AssociationDetail> = STANDARDS
        .iter()
        .filter_map(|s| association(hub, caller, s, control, false))
        .collect();
    let items = all.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(ListAssociationsOutput {
        standards_control_association_summaries: items.into_iter().map(|(_, d)| d).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
