//! AWS CloudTrail (awsJson1.1, `com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Op>`),
//! fed by the real request path: the server records every call it serves — denied
//! ones too — in the event history ([`log`]), which `LookupEvents` reads, Lake's event
//! data stores and queries select from ([`lake`], [`queries`]), and logging trails
//! deliver to S3 as gzipped log files every 5 minutes of world time ([`delivery`]).
//! Trails ([`trails`]) with their selectors ([`selectors`]) and tags ([`tags`]),
//! organization trails and CloudTrail's delegated administrators ([`admin`], on the
//! shared organization integration). Operations not listed below answer 501
//! `NotImplemented`.

pub mod access;
pub mod admin;
pub mod delivery;
pub mod errors;
pub mod lake;
pub mod log;
pub mod lookup;
pub mod model;
pub mod operations;
pub mod queries;
pub mod selectors;
pub mod tags;
#[cfg(test)]
mod tests;
pub mod trails;
pub mod validation;

use serde_json::Value;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::events::OrgEvent;
use crate::services::org_integration;
use crate::world::World;
use errors::CtError;

service_operations!(ServiceId::CloudTrail, CtError::from_input, {
    "CreateTrail" => trails::create_trail,
    "UpdateTrail" => trails::update_trail,
    "DeleteTrail" => trails::delete_trail,
    "GetTrail" => trails::get_trail,
    "DescribeTrails" => trails::describe_trails,
    "ListTrails" => trails::list_trails,
    "StartLogging" => trails::start_logging,
    "StopLogging" => trails::stop_logging,
    "GetTrailStatus" => trails::get_trail_status,
    "PutEventSelectors" => selectors::put_event_selectors,
    "GetEventSelectors" => selectors::get_event_selectors,
    "PutInsightSelectors" => selectors::put_insight_selectors,
    "GetInsightSelectors" => selectors::get_insight_selectors,
    "PutEventConfiguration" => selectors::put_event_configuration,
    "GetEventConfiguration" => selectors::get_event_configuration,
    "AddTags" => tags::add_tags,
    "RemoveTags" => tags::remove_tags,
    "ListTags" => tags::list_tags,
    "RegisterOrganizationDelegatedAdmin" => admin::register_organization_delegated_admin,
    "DeregisterOrganizationDelegatedAdmin" => admin::deregister_organization_delegated_admin,
    "LookupEvents" => lookup::lookup_events,
    "CreateEventDataStore" => lake::create_event_data_store,
    "GetEventDataStore" => lake::get_event_data_store,
    "ListEventDataStores" => lake::list_event_data_stores,
    "UpdateEventDataStore" => lake::update_event_data_store,
    "DeleteEventDataStore" => lake::delete_event_data_store,
    "RestoreEventDataStore" => lake::restore_event_data_store,
    "StartEventDataStoreIngestion" => lake::start_event_data_store_ingestion,
    "StopEventDataStoreIngestion" => lake::stop_event_data_store_ingestion,
    "CreateChannel" => lake::create_channel,
    "GetChannel" => lake::get_channel,
    "ListChannels" => lake::list_channels,
    "UpdateChannel" => lake::update_channel,
    "DeleteChannel" => lake::delete_channel,
    "PutResourcePolicy" => lake::put_resource_policy,
    "GetResourcePolicy" => lake::get_resource_policy,
    "DeleteResourcePolicy" => lake::delete_resource_policy,
    "StartQuery" => queries::start_query,
    "DescribeQuery" => queries::describe_query,
    "GetQueryResults" => queries::get_query_results,
    "ListQueries" => queries::list_queries,
    "CancelQuery" => queries::cancel_query,
});

pub use model::CloudTrailState;

/// CloudTrail's state: trails, Lake, delegated administrators and the event history.
pub type State = CloudTrailState;

fn on_org_event(world: &mut World, event: &OrgEvent) {
    org_integration::on_org_event::<admin::CloudTrail>(world, event);
}

/// The ARN of the trail or event data store a call names, for SCP resource conditions.
fn resource_arn(_world: &World, caller: &Caller, operation: &str, input: &Value) -> Option<String> {
    let member = |name: &str| input.get(name).and_then(Value::as_str);
    let trail = match operation {
        "CreateTrail" | "UpdateTrail" | "DeleteTrail" | "GetTrail" | "StartLogging"
        | "StopLogging" | "GetTrailStatus" => member("Name"),
        "PutEventSelectors"
        | "GetEventSelectors"
        | "PutInsightSelectors"
        | "GetInsightSelectors"
        | "PutEventConfiguration"
        | "GetEventConfiguration" => member("TrailName"),
        "AddTags" | "RemoveTags" => return member("ResourceId").map(String::from),
        _ => None,
    };
    if let Some(name) = trail {
        return Some(if name.starts_with("arn:") {
            name.to_string()
        } else {
            trails::trail_arn(&caller.region, &caller.account_id, name)
        });
    }
    member("EventDataStore")
        .filter(|s| s.starts_with("arn:"))
        .or_else(|| member("Channel").filter(|s| s.starts_with("arn:")))
        .or_else(|| member("ResourceArn"))
        .map(String::from)
}

/// How orgsim serves CloudTrail.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "cloudtrail",
    wire: Wire::AwsJson {
        target_prefix: operations::TARGET_PREFIX,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "Message",
    access_denied: ("AccessDeniedException", 400),
    global: false,
    on_org_event: Some(on_org_event),
    on_request: Some(delivery::deliver_due),
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};
