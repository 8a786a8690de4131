//! Amazon EC2 (the EC2 protocol), the slice multi-account set-ups read: the Regions
//! (`DescribeRegions`, with each opt-in Region's status from the Account API) and their
//! Availability Zones (`DescribeAvailabilityZones`). Every other EC2 operation answers
//! 501 `NotImplemented`.

pub mod errors;
pub mod operations;
pub mod regions;

use crate::api::{ServiceDescription, ServiceId, Wire};
use errors::Ec2Error;

service_operations!(ServiceId::Ec2, Ec2Error::from_input, {
    "DescribeRegions" => regions::describe_regions,
    "DescribeAvailabilityZones" => regions::describe_availability_zones,
});

/// EC2 keeps no state of its own: Region opt-in lives in the Account API.
pub type State = Ec2State;

/// Nothing yet.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Ec2State {}

/// How orgsim serves Amazon EC2.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "ec2",
    wire: Wire::Ec2 {
        version: operations::API_VERSION,
        namespace: operations::XML_NAMESPACE,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("UnauthorizedOperation", 403),
    global: false,
    on_org_event: None,
    on_request: None,
    resource_arn: None,
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};
