//! Connectors from Security Hub CSPM to third-party clouds: CreateConnector,
//! GetConnector, UpdateConnector, DeleteConnector, ListConnectors (Azure and GCP).
//!
//! orgsim reaches no other cloud, so a connector is stored and enabled but never
//! connects: its status is `UNKNOWN` with the health issue `NO_HEALTH_DATA`, saying so.

use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ShError;
use super::features_v2::start_trial;
use super::model::CspmConnector;
use super::tags::check_tags;
use super::{own_hub, page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// Connectors one account may hold in a Region (orgsim's quota; AWS publishes none).
const MAX_CONNECTORS: usize = 100;
const STATUS: &str = "UNKNOWN";
const NO_HEALTH: &str =
    "orgsim does not connect to third-party clouds, so no health data is collected.";

fn invalid(message: impl Into<String>) -> ShError {
    ShError::Validation(message.into())
}

fn non_empty(value: &str, member: &str) -> Result<(), ShError> {
    if value.trim().is_empty() {
        return Err(invalid(format!("{member} must not be empty")));
    }
    Ok(())
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScopeInput {
    pub scope_type: String,
    pub scope_values: Option<Vec<String>>,
}

/// `AzureProviderConfiguration`, `GcpProviderConfiguration` and their update forms.
#[derive(Clone, Debug, Deserialize)]
pub struct CloudInput {
    #[serde(rename = "AWSConfigConnectorArn")]
    pub config_connector_arn: Option<String>,
    #[serde(rename = "ScopeConfiguration")]
    pub scope_configuration: ScopeInput,
    #[serde(rename = "AzureRegions")]
    pub azure_regions: Option<Vec<String>>,
    #[serde(rename = "GCPRegions")]
    pub gcp_regions: Option<Vec<String>>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ProviderInput {
    #[serde(rename = "Azure")]
    pub azure: Option<CloudInput>,
    #[serde(rename = "GCP")]
    pub gcp: Option<CloudInput>,
}

/// Checks one provider's configuration; answers (provider name, wire detail).
/// `arn` is the configuration connector kept from creation on update.
fn provider_detail(
    provider: &ProviderInput,
    arn: Option<&str>,
) -> Result<(&'static str, Value), ShError> {
    let (name, member, scopes, regions_member, cloud) = match (&provider.azure, &provider.gcp) {
        (Some(c), None) => (
            "AZURE",
            "Azure",
            ["TENANT", "SUBSCRIPTION"],
            "AzureRegions",
            c,
        ),
        (None, Some(c)) => ("GCP", "GCP", ["PROJECT", "ORGANIZATION"], "GCPRegions", c),
        _ => {
            return Err(invalid(
                "Provider must specify exactly one of Azure and GCP",
            ))
        }
    };
    let scope = &cloud.scope_configuration;
    if !scopes.contains(&scope.scope_type.as_str()) {
        return Err(invalid(format!(
            "You specified an invalid value '{}' for ScopeType. Member must satisfy enum value set: [{}]",
            scope.scope_type,
            scopes.join(", ")
        )));
    }
    let values = scope.scope_values.clone().unwrap_or_default();
    if values.len() > 100 {
        return Err(invalid("ScopeValues can have up to 100 values"));
    }
    for v in &values {
        non_empty(v, "ScopeValues")?;
    }
    let regions = if name == "AZURE" {
        cloud.azure_regions.clone()
    } else {
        cloud.gcp_regions.clone()
    }
    .ok_or_else(|| invalid(format!("Missing required parameter: {regions_member}")))?;
    let limit = if name == "AZURE" { 100 } else { 256 };
    if regions.is_empty() || regions.len() > limit {
        return Err(invalid(format!(
            "{regions_member} must have 1 to {limit} items"
        )));
    }
    for r in &regions {
        non_empty(r, regions_member)?;
    }
    let arn = match (arn, &cloud.config_connector_arn) {
        (Some(kept), _) => kept.to_string(),
        (None, Some(given)) if given.starts_with("arn:") => given.clone(),
        (None, Some(given)) => {
            return Err(invalid(format!(
                "AWSConfigConnectorArn {given} is not a valid ARN"
            )))
        }
        (None, None) => return Err(invalid("Missing required parameter: AWSConfigConnectorArn")),
    };
    let mut scope_wire = json!({"ScopeType": scope.scope_type});
    if !values.is_empty() {
        scope_wire["ScopeValues"] = json!(values);
    }
    Ok((
        name,
        json!({member: {
            "AWSConfigConnectorArn": arn,
            "ScopeConfiguration": scope_wire,
            regions_member: regions,
        }}),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConnectorInput {
    pub name: String,
    pub description: Option<String>,
    pub provider: ProviderInput,
    pub tags: Option<BTreeMap<String, String>>,
    pub client_token: Option<String>,
}

pub fn create_connector(
    world: &mut World,
    caller: &Caller,
    input: CreateConnectorInput,
) -> Result<Value, ShError> {
    non_empty(&input.name, "Name")?;
    if let Some(d) = &input.description {
        non_empty(d, "Description")?;
    }
    if let Some(t) = &input.client_token {
        if t.is_empty() || t.len() > 63 || !t.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
            return Err(invalid("ClientToken must be 1 to 63 printable characters"));
        }
    }
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags).map_err(|e| match e {
        ShError::InvalidInput(m) => ShError::Validation(m),
        other => other,
    })?;
    let (provider_name, detail) = provider_detail(&input.provider, None)?;
    let hub = own_hub(world, caller)?;
    if let Some(same) = hub
        .cspm_connectors
        .values()
        .find(|c| input.client_token.is_some() && c.client_token == input.client_token)
    {
        return Ok(created(same));
    }
    if hub.cspm_connectors.values().any(|c| c.name == input.name) {
        return Err(ShError::ConflictV2(format!(
            "A connector named {} already exists",
            input.name
        )));
    }
    if hub.cspm_connectors.len() >= MAX_CONNECTORS {
        return Err(ShError::QuotaV2(format!(
            "The account can have up to {MAX_CONNECTORS} connectors"
        )));
    }
    let id = world.ids.uuid();
    let now = world.clock.now_ms();
    let connector = CspmConnector {
        arn: format!(
            "arn:aws:securityhub:{}:{}:connector/{id}",
            caller.region, caller.account_id
        ),
        id: id.clone(),
        name: input.name,
        description: input.description,
        provider_name: provider_name.to_string(),
        provider: detail,
        tags,
        client_token: input.client_token,
        created_ms: now,
        updated_ms: now,
    };
    let out = created(&connector);
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .cspm_connectors
        .insert(id, connector);
    if provider_name == "AZURE" {
        start_trial(world, caller, "SECURITY_HUB_V2_MULTI_CLOUD_AZURE", now);
    }
    Ok(out)
}

fn created(c: &CspmConnector) -> Value {
    json!({
        "ConnectorArn": c.arn,
        "ConnectorId": c.id,
        "ConnectorStatus": STATUS,
        "EnablementStatus": "ENABLED",
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectorIdInput {
    pub connector_id: String,
}

/// The connector an id or ARN names.
fn locate<'w>(world: &'w World, caller: &Caller, id: &str) -> Result<&'w CspmConnector, ShError> {
    non_empty(id, "ConnectorId")?;
    own_hub(world, caller)?
        .cspm_connectors
        .values()
        .find(|c| c.id == id || c.arn == id)
        .ok_or_else(|| ShError::not_found(format!("Connector {id} not found")))
}

pub fn get_connector(
    world: &mut World,
    caller: &Caller,
    input: ConnectorIdInput,
) -> Result<Value, ShError> {
    let c = locate(world, caller, &input.connector_id)?;
    let mut out = json!({
        "ConnectorArn": c.arn,
        "ConnectorId": c.id,
        "Name": c.name,
        "CreatedAt": iso8601(c.created_ms),
        "LastUpdatedAt": iso8601(c.updated_ms),
        "Health": {
            "ConnectorStatus": STATUS,
            "Message": NO_HEALTH,
            "LastCheckedAt": iso8601(world.clock.now_ms()),
            "Issues": [{"Code": "NO_HEALTH_DATA", "Message": NO_HEALTH}],
        },
        "ProviderDetail": c.provider,
        "EnablementStatus": "ENABLED",
    });
    if let Some(d) = &c.description {
        out["Description"] = json!(d);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateConnectorInput {
    pub connector_id: String,
    pub description: Option<String>,
    pub provider: Option<ProviderInput>,
}

pub fn update_connector(
    world: &mut World,
    caller: &Caller,
    input: UpdateConnectorInput,
) -> Result<Value, ShError> {
    if let Some(d) = &input.description {
        non_empty(d, "Description")?;
    }
    let c = locate(world, caller, &input.connector_id)?;
    let detail = match &input.provider {
        None => None,
        Some(p) => {
            let kept = c
                .provider
                .as_object()
                .and_then(|m| m.values().next())
                .and_then(|d| d["AWSConfigConnectorArn"].as_str())
                .map(str::to_string);
            let (name, detail) = provider_detail(p, kept.as_deref())?;
            if name != c.provider_name {
                return Err(invalid(format!(
                    "The connector's provider is {}; it cannot change",
                    c.provider_name
                )));
            }
            Some(detail)
        }
    };
    let id = c.id.clone();
    let now = world.clock.now_ms();
    let c = world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .cspm_connectors
        .get_mut(&id)
        .expect("connector located");
    if let Some(d) = input.description {
        c.description = Some(d);
    }
    if let Some(detail) = detail {
        c.provider = detail;
    }
    c.updated_ms = now;
    Ok(json!({"ConnectorStatus": STATUS, "EnablementStatus": "ENABLED"}))
}

/// Deletion takes effect at once (AWS reports `PENDING_DELETION` while it stops).
pub fn delete_connector(
    world: &mut World,
    caller: &Caller,
    input: ConnectorIdInput,
) -> Result<Value, ShError> {
    let id = locate(world, caller, &input.connector_id)?.id.clone();
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .cspm_connectors
        .remove(&id);
    Ok(json!({"EnablementStatus": "PENDING_DELETION"}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConnectorsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub provider_name: Option<String>,
    pub connector_status: Option<String>,
    pub enablement_status: Option<String>,
}

fn check_enum(value: &Option<String>, member: &str, allowed: &[&str]) -> Result<(), ShError> {
    match value {
        Some(v) if !allowed.contains(&v.as_str()) => Err(invalid(format!(
            "You specified an invalid value '{v}' for {member}. Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        ))),
        _ => Ok(()),
    }
}

pub fn list_connectors(
    world: &mut World,
    caller: &Caller,
    input: ListConnectorsInput,
) -> Result<Value, ShError> {
    check_enum(&input.provider_name, "ProviderName", &["AZURE", "GCP"])?;
    check_enum(
        &input.connector_status,
        "ConnectorStatus",
        &["CONNECTED", "DEGRADED", "FAILED_TO_CONNECT", "UNKNOWN"],
    )?;
    check_enum(
        &input.enablement_status,
        "EnablementStatus",
        &[
            "ENABLED",
            "PENDING_ENABLEMENT",
            "PENDING_UPDATE",
            "PENDING_DELETION",
        ],
    )?;
    let listing = format!("ListConnectors {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let hub = own_hub(world, caller)?;
    let items = hub
        .cspm_connectors
        .values()
        .filter(|c| after.as_ref().is_none_or(|a| c.id > *a))
        .filter(|c| {
            input
                .provider_name
                .as_ref()
                .is_none_or(|p| *p == c.provider_name)
        })
        .filter(|_| {
            input
                .connector_status
                .as_deref()
                .is_none_or(|s| s == STATUS)
        })
        .filter(|_| {
            input
                .enablement_status
                .as_deref()
                .is_none_or(|s| s == "ENABLED")
        });
    let (items, next) = take_page(items, max, |c| c.id.clone());
    let connectors: Vec<Value> = items
        .into_iter()
        .map(|c| {
            let mut s = json!({
                "ConnectorArn": c.arn,
                "ConnectorId": c.id,
                "Name": c.name,
                "ProviderSummary": {
                    "ProviderName": c.provider_name,
                    "ConnectorStatus": STATUS,
                    "ProviderConfiguration": c.provider,
                },
                "CreatedAt": iso8601(c.created_ms),
                "EnablementStatus": "ENABLED",
            });
            if let Some(d) = &c.description {
                s["Description"] = json!(d);
            }
            s
        })
        .collect();
    let mut out = json!({"Connectors": connectors});
    if let Some(key) = next {
        out["NextToken"] = json!(encode_token(&listing, &key));
    }
    Ok(out)
}
