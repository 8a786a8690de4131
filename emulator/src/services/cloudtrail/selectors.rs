//! Which events a trail logs: PutEventSelectors / GetEventSelectors (basic or advanced
//! selectors, never both), PutInsightSelectors / GetInsightSelectors, and
//! PutEventConfiguration / GetEventConfiguration; and how a recorded event is matched
//! against them ([`selects`]).

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::{find_trail, writable_trail};
use super::errors::CtError;
use super::lake::{find_event_data_store, writable_event_data_store};
use super::log::EventView;
use super::model::{
    AdvancedEventSelector, AdvancedFieldSelector, EventConfiguration, EventSelector,
    InsightSelector, Selectors,
};
use crate::auth::Caller;
use crate::world::World;

/// Basic selectors per trail, data resources across them, conditions across advanced
/// selectors (AWS's quotas).
const MAX_SELECTORS: usize = 5;
const MAX_DATA_RESOURCE_VALUES: usize = 250;
const MAX_ADVANCED_CONDITIONS: usize = 500;

const DATA_RESOURCE_TYPES: &[&str] = &[
    "AWS::S3::Object",
    "AWS::Lambda::Function",
    "AWS::DynamoDB::Table",
];

/// The fields an advanced selector may name.
const ADVANCED_FIELDS: &[&str] = &[
    "eventCategory",
    "eventSource",
    "eventName",
    "eventType",
    "readOnly",
    "resources.type",
    "resources.ARN",
    "errorCode",
    "userIdentity.arn",
    "sessionCredentialFromConsole",
    "vpcEndpointId",
    "eventTypeName",
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEventSelectorsInput {
    pub trail_name: String,
    pub event_selectors: Option<Vec<EventSelector>>,
    pub advanced_event_selectors: Option<Vec<AdvancedEventSelector>>,
}

fn invalid(message: impl Into<String>) -> CtError {
    CtError::InvalidEventSelectors(message.into())
}

fn check_basic(selectors: &[EventSelector]) -> Result<(), CtError> {
    if selectors.is_empty() || selectors.len() > MAX_SELECTORS {
        return Err(invalid(format!(
            "A trail can have between 1 and {MAX_SELECTORS} event selectors."
        )));
    }
    let mut values = 0;
    for selector in selectors {
        if !["ReadOnly", "WriteOnly", "All"].contains(&selector.read_write_type.as_str()) {
            return Err(invalid(format!(
                "Invalid ReadWriteType: {}",
                selector.read_write_type
            )));
        }
        for resource in &selector.data_resources {
            let kind = resource.r#type.as_deref().unwrap_or_default();
            if !DATA_RESOURCE_TYPES.contains(&kind) {
                return Err(invalid(format!("Invalid DataResource type: {kind}")));
            }
            if kind == "AWS::S3::Object" {
                if let Some(bad) = resource
                    .values
                    .iter()
                    .find(|v| !v.starts_with("arn:aws:s3") && !v.starts_with("arn:aws:s3:::"))
                {
                    return Err(invalid(format!(
                        "Value {bad} for DataResources.Values is invalid."
                    )));
                }
            }
            values += resource.values.len();
        }
        for source in &selector.exclude_management_event_sources {
            if !["kms.amazonaws.com", "rdsdata.amazonaws.com"].contains(&source.as_str()) {
                return Err(invalid(format!(
                    "Invalid ExcludeManagementEventSources value: {source}"
                )));
            }
        }
    }
    if values > MAX_DATA_RESOURCE_VALUES {
        return Err(invalid(format!(
            "A trail can have at most {MAX_DATA_RESOURCE_VALUES} data resource values across all event selectors."
        )));
    }
    Ok(())
}

pub fn check_advanced(selectors: &[AdvancedEventSelector]) -> Result<(), CtError> {
    if selectors.is_empty() {
        return Err(invalid("At least one advanced event selector is required."));
    }
    let mut conditions = 0;
    for selector in selectors {
        if selector.field_selectors.is_empty() {
            return Err(invalid(
                "Each advanced event selector needs field selectors.",
            ));
        }
        if !selector
            .field_selectors
            .iter()
            .any(|f| f.field == "eventCategory")
        {
            return Err(invalid(
                "Each advanced event selector must include a field selector for eventCategory.",
            ));
        }
        for field in &selector.field_selectors {
            if !ADVANCED_FIELDS.contains(&field.field.as_str()) {
                return Err(invalid(format!("Invalid field name: {}", field.field)));
            }
            let lists = operator_lists(field);
            if lists.iter().all(|(_, l)| l.is_none()) {
                return Err(invalid(format!(
                    "Field selector {} must have at least one operator.",
                    field.field
                )));
            }
            for (_, list) in lists {
                if let Some(list) = list {
                    if list.is_empty() {
                        return Err(invalid(format!(
                            "Operator lists of field {} must not be empty.",
                            field.field
                        )));
                    }
                    conditions += list.len();
                }
            }
            if field.field == "eventCategory" {
                for value in field.equals.iter().flatten() {
                    if ![
                        "Management",
                        "Data",
                        "NetworkActivity",
                        "Insight",
                        "ConfigurationItem",
                        "ActivityAuditLog",
                    ]
                    .contains(&value.as_str())
                    {
                        return Err(invalid(format!("Invalid eventCategory value: {value}")));
                    }
                }
            }
        }
    }
    if conditions > MAX_ADVANCED_CONDITIONS {
        return Err(invalid(format!(
            "Advanced event selectors can have at most {MAX_ADVANCED_CONDITIONS} conditions."
        )));
    }
    Ok(())
}

fn operator_lists(field: &AdvancedFieldSelector) -> [(&'static str, &Option<Vec<String>>); 6] {
    [
        ("Equals", &field.equals),
        ("StartsWith", &field.starts_with),
        ("EndsWith", &field.ends_with),
        ("NotEquals", &field.not_equals),
        ("NotStartsWith", &field.not_starts_with),
        ("NotEndsWith", &field.not_ends_with),
    ]
}

fn selectors_json(arn: &str, selectors: &Selectors) -> Value {
    match selectors {
        Selectors::Basic(basic) => json!({"TrailARN": arn, "EventSelectors": basic}),
        Selectors::Advanced(advanced) => {
            json!({"TrailARN": arn, "AdvancedEventSelectors": advanced})
        }
    }
}

pub fn put_event_selectors(
    world: &mut World,
    caller: &Caller,
    input: PutEventSelectorsInput,
) -> Result<Value, CtError> {
    let arn = writable_trail(world, caller, &input.trail_name)?
        .arn
        .clone();
    let selectors = match (input.event_selectors, input.advanced_event_selectors) {
        (Some(_), Some(_)) => {
            return Err(CtError::InvalidParameterCombination(
                "You cannot use EventSelectors and AdvancedEventSelectors in the same request."
                    .to_string(),
            ))
        }
        (None, None) => {
            return Err(CtError::InvalidParameterCombination(
                "Either EventSelectors or AdvancedEventSelectors must be specified.".to_string(),
            ))
        }
        (Some(basic), None) => {
            check_basic(&basic)?;
            Selectors::Basic(basic)
        }
        (None, Some(advanced)) => {
            check_advanced(&advanced)?;
            Selectors::Advanced(advanced)
        }
    };
    let out = selectors_json(&arn, &selectors);
    if let Some(trail) = world.cloudtrail.trails.get_mut(&arn) {
        trail.selectors = selectors;
        trail.has_custom_event_selectors = true;
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEventSelectorsInput {
    pub trail_name: String,
}

pub fn get_event_selectors(
    world: &mut World,
    caller: &Caller,
    input: GetEventSelectorsInput,
) -> Result<Value, CtError> {
    let trail = find_trail(world, caller, &input.trail_name)?;
    Ok(selectors_json(&trail.arn, &trail.selectors))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutInsightSelectorsInput {
    pub trail_name: Option<String>,
    pub insight_selectors: Vec<InsightSelector>,
    pub event_data_store: Option<String>,
    pub insights_destination: Option<String>,
}

fn check_insights(selectors: &[InsightSelector]) -> Result<(), CtError> {
    let mut seen = Vec::new();
    for selector in selectors {
        let kind = selector.insight_type.as_deref().unwrap_or_default();
        if !["ApiCallRateInsight", "ApiErrorRateInsight"].contains(&kind) || seen.contains(&kind) {
            return Err(CtError::InvalidInsightSelectors(format!(
                "Invalid InsightType: {kind}"
            )));
        }
        seen.push(kind);
        for category in selector.event_categories.iter().flatten() {
            if category != "Management" && category != "Data" {
                return Err(CtError::InvalidInsightSelectors(format!(
                    "Invalid event category: {category}"
                )));
            }
        }
    }
    Ok(())
}

pub fn put_insight_selectors(
    world: &mut World,
    caller: &Caller,
    input: PutInsightSelectorsInput,
) -> Result<Value, CtError> {
    check_insights(&input.insight_selectors)?;
    match (input.trail_name, input.event_data_store) {
        (Some(name), None) => {
            if input.insights_destination.is_some() {
                return Err(CtError::InvalidParameterCombination(
                    "InsightsDestination can only be used with EventDataStore.".to_string(),
                ));
            }
            let arn = writable_trail(world, caller, &name)?.arn.clone();
            if let Some(trail) = world.cloudtrail.trails.get_mut(&arn) {
                trail.insight_selectors = input.insight_selectors.clone();
            }
            Ok(json!({"TrailARN": arn, "InsightSelectors": input.insight_selectors}))
        }
        (None, Some(store)) => {
            let store = writable_event_data_store(world, caller, &store)?
                .arn
                .clone();
            let destination = input.insights_destination.ok_or_else(|| {
                CtError::InvalidParameterCombination(
                    "InsightsDestination is required with EventDataStore.".to_string(),
                )
            })?;
            find_event_data_store(world, caller, &destination)?;
            Ok(json!({
                "EventDataStoreArn": store,
                "InsightsDestination": destination,
                "InsightSelectors": input.insight_selectors,
            }))
        }
        _ => Err(CtError::InvalidParameterCombination(
            "Specify either TrailName or EventDataStore.".to_string(),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetInsightSelectorsInput {
    pub trail_name: Option<String>,
    pub event_data_store: Option<String>,
}

pub fn get_insight_selectors(
    world: &mut World,
    caller: &Caller,
    input: GetInsightSelectorsInput,
) -> Result<Value, CtError> {
    let name = match (input.trail_name, input.event_data_store) {
        (Some(name), None) => name,
        (None, Some(store)) => {
            let store = find_event_data_store(world, caller, &store)?;
            return Err(CtError::InsightNotEnabled(format!(
                "Insights are not enabled on event data store {}",
                store.arn
            )));
        }
        _ => {
            return Err(CtError::InvalidParameterCombination(
                "Specify either TrailName or EventDataStore.".to_string(),
            ))
        }
    };
    let trail = find_trail(world, caller, &name)?;
    if trail.insight_selectors.is_empty() {
        return Err(CtError::InsightNotEnabled(format!(
            "Trail {} does not have Insights enabled. Use PutInsightSelectors to enable Insights on the trail.",
            trail.name
        )));
    }
    Ok(json!({"TrailARN": trail.arn, "InsightSelectors": trail.insight_selectors}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutEventConfigurationInput {
    pub trail_name: Option<String>,
    pub event_data_store: Option<String>,
    pub max_event_size: Option<String>,
    pub context_key_selectors: Option<Value>,
    pub aggregation_configurations: Option<Value>,
}

fn configuration_json(target: (&str, &str), configuration: &EventConfiguration) -> Value {
    let mut out = json!({ target.0: target.1 });
    if let Some(size) = &configuration.max_event_size {
        out["MaxEventSize"] = json!(size);
    }
    out["ContextKeySelectors"] = configuration
        .context_key_selectors
        .clone()
        .unwrap_or_else(|| json!([]));
    if let Some(aggregations) = &configuration.aggregation_configurations {
        out["AggregationConfigurations"] = aggregations.clone();
    }
    out
}

pub fn put_event_configuration(
    world: &mut World,
    caller: &Caller,
    input: PutEventConfigurationInput,
) -> Result<Value, CtError> {
    if let Some(size) = &input.max_event_size {
        if size != "Standard" && size != "Large" {
            return Err(CtError::constraint(
                "maxEventSize",
                size,
                "Member must satisfy enum value set: [Standard, Large]",
            ));
        }
    }
    if let Some(selectors) = input
        .context_key_selectors
        .as_ref()
        .and_then(Value::as_array)
    {
        if selectors.len() > 2 {
            return Err(CtError::InvalidParameter(
                "At most 2 context key selectors are allowed.".to_string(),
            ));
        }
    }
    let configuration = EventConfiguration {
        max_event_size: input.max_event_size,
        context_key_selectors: input.context_key_selectors,
        aggregation_configurations: input.aggregation_configurations,
    };
    match (input.trail_name, input.event_data_store) {
        (Some(name), None) => {
            let arn = writable_trail(world, caller, &name)?.arn.clone();
            let out = configuration_json(("TrailARN", &arn), &configuration);
            if let Some(trail) = world.cloudtrail.trails.get_mut(&arn) {
                trail.event_configuration = configuration;
            }
            Ok(out)
        }
        (None, Some(store)) => {
            let arn = writable_event_data_store(world, caller, &store)?
                .arn
                .clone();
            let out = configuration_json(("EventDataStoreArn", &arn), &configuration);
            if let Some(store) = world.cloudtrail.event_data_stores.get_mut(&arn) {
                store.event_configuration = configuration;
            }
            Ok(out)
        }
        _ => Err(CtError::InvalidParameterCombination(
            "Specify either TrailName or EventDataStore.".to_string(),
        )),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetEventConfigurationInput {
    pub trail_name: Option<String>,
    pub event_data_store: Option<String>,
}

pub fn get_event_configuration(
    world: &mut World,
    caller: &Caller,
    input: GetEventConfigurationInput,
) -> Result<Value, CtError> {
    match (input.trail_name, input.event_data_store) {
        (Some(name), None) => {
            let trail = find_trail(world, caller, &name)?;
            let mut configuration = trail.event_configuration.clone();
            configuration
                .max_event_size
                .get_or_insert_with(|| "Standard".into());
            Ok(configuration_json(("TrailARN", &trail.arn), &configuration))
        }
        (None, Some(store)) => {
            let store = find_event_data_store(world, caller, &store)?;
            let mut configuration = store.event_configuration.clone();
            configuration
                .max_event_size
                .get_or_insert_with(|| "Standard".into());
            Ok(configuration_json(
                ("EventDataStoreArn", &store.arn),
                &configuration,
            ))
        }
        _ => Err(CtError::InvalidParameterCombination(
            "Specify either TrailName or EventDataStore.".to_string(),
        )),
    }
}

/// Whether `selectors` select the event (management events by read/write type and
/// source, S3 data events by bucket/object ARN prefix; advanced: every field selector
/// of some selector matches).
pub fn selects(selectors: &Selectors, event: &EventView<'_>) -> bool {
    match selectors {
        Selectors::Basic(basic) => basic.iter().any(|s| basic_selects(s, event)),
        Selectors::Advanced(advanced) => advanced_selects(advanced, event),
    }
}

/// Whether advanced selectors select the event.
pub fn advanced_selects(selectors: &[AdvancedEventSelector], event: &EventView<'_>) -> bool {
    selectors.iter().any(|s| {
        s.field_selectors
            .iter()
            .all(|f| field_matches(f, &field_value(&f.field, event)))
    })
}

fn basic_selects(selector: &EventSelector, event: &EventView<'_>) -> bool {
    let rw = match selector.read_write_type.as_str() {
        "ReadOnly" => event.read_only(),
        "WriteOnly" => !event.read_only(),
        _ => true,
    };
    if !rw {
        return false;
    }
    if !event.is_data() {
        return selector.include_management_events
            && !selector
                .exclude_management_event_sources
                .contains(&event.event_source());
    }
    let arn = object_arn(event);
    selector.data_resources.iter().any(|r| {
        r.r#type.as_deref() == Some("AWS::S3::Object")
            && r.values
                .iter()
                .any(|v| v == "arn:aws:s3" || arn.starts_with(v.as_str()))
    })
}

fn object_arn(event: &EventView<'_>) -> String {
    let params = event.request_parameters();
    format!(
        "arn:aws:s3:::{}/{}",
        params["bucketName"].as_str().unwrap_or_default(),
        params["key"].as_str().unwrap_or_default()
    )
}

fn field_value(field: &str, event: &EventView<'_>) -> Vec<String> {
    match field {
        "eventCategory" => vec![if event.is_data() {
            "Data"
        } else {
            "Management"
        }
        .to_string()],
        "eventSource" => vec![event.event_source()],
        "eventName" => vec![event.event_name().to_string()],
        "eventType" => vec!["AwsApiCall".to_string()],
        "readOnly" => vec![event.read_only().to_string()],
        "errorCode" => event.error_code().map(String::from).into_iter().collect(),
        "userIdentity.arn" => event
            .identity()
            .map(|i| i.arn.clone())
            .into_iter()
            .collect(),
        "resources.type" if event.is_data() => vec!["AWS::S3::Object".to_string()],
        "resources.ARN" if event.is_data() => vec![object_arn(event)],
        "sessionCredentialFromConsole" => vec!["false".to_string()],
        _ => Vec::new(),
    }
}

fn field_matches(field: &AdvancedFieldSelector, values: &[String]) -> bool {
    let any = |list: &Option<Vec<String>>, test: &dyn Fn(&str, &str) -> bool| {
        list.as_ref()
            .is_none_or(|l| values.iter().any(|v| l.iter().any(|x| test(v, x))))
    };
    let none = |list: &Option<Vec<String>>, test: &dyn Fn(&str, &str) -> bool| {
        list.as_ref()
            .is_none_or(|l| !values.iter().any(|v| l.iter().any(|x| test(v, x))))
    };
    any(&field.equals, &|v, x| v == x)
        && any(&field.starts_with, &|v, x| v.starts_with(x))
        && any(&field.ends_with, &|v, x| v.ends_with(x))
        && none(&field.not_equals, &|v, x| v == x)
        && none(&field.not_starts_with, &|v, x| v.starts_with(x))
        && none(&field.not_ends_with, &|v, x| v.ends_with(x))
}
