//! What the layers hand each other: which AWS API a request is for, and the
//! wire-neutral error every service error becomes before a protocol renders it.

use serde_json::{Map, Value};
use std::fmt;

use crate::auth::Caller;
use crate::events::OrgEvent;
use crate::protocol::rest_json::RestRoute;
use crate::protocol::rest_xml::routes::XmlRoute;
use crate::protocol::rest_xml::XmlOutput;
use crate::protocol::Protocol;
use crate::world::World;

/// What orgsim must know about one AWS API to serve it: its names on the wire, its
/// protocol tables, its handlers and the Organizations events it follows. Each service
/// folder declares one (`pub const SERVICE`), and `services/mod.rs` lists the folder once.
pub struct ServiceDescription {
    /// The SigV4 signing name (credential scope service).
    pub signing_name: &'static str,
    /// The IAM action prefix (`<prefix>:<Operation>`).
    pub action_prefix: &'static str,
    /// The protocol and the tables it routes by.
    pub wire: Wire,
    /// Every operation of the real API (built or not), sorted, from the generated table.
    pub operations: &'static [&'static str],
    /// The operations orgsim has built.
    pub implemented: &'static [&'static str],
    /// Runs one operation.
    pub dispatch: fn(&mut World, &Caller, &str, Value) -> ApiResult,
    /// The wire key of error messages (`Message` or `message`).
    pub error_message_key: &'static str,
    /// The code and status of the API's access-denied error.
    pub access_denied: (&'static str, u16),
    /// Requests are answered by a global endpoint (`aws:RequestedRegion` is us-east-1).
    pub global: bool,
    /// Applies an Organizations change inside the operation that made it (DESIGN §5).
    pub on_org_event: Option<fn(&mut World, &OrgEvent)>,
    /// Finishes work that AWS does "later", at the start of each request.
    pub on_request: Option<fn(&mut World)>,
    /// The ARN an operation acts on, for authorization (`None`: `*`).
    pub resource_arn: Option<ResourceArnFn>,
    /// The IAM action an operation needs, where it is not `<prefix>:<Operation>`
    /// (S3: `ListObjectsV2` → `ListBucket`, `HeadObject` → `GetObject`).
    pub action_name: Option<fn(&str) -> &str>,
    /// Runs one operation whose request or response body is raw bytes (S3 objects);
    /// such APIs are dispatched here instead of through `dispatch`.
    pub payload_dispatch: Option<PayloadDispatchFn>,
    /// The resource-based policy governing an ARN (a role's trust policy, a bucket
    /// policy), for authorization; `None`: the API has none.
    pub resource_policy: Option<ResourcePolicyFn>,
}

/// `(world, caller, operation, input, raw body) → output` for APIs with byte payloads.
pub type PayloadDispatchFn =
    fn(&mut World, &Caller, &str, Value, crate::protocol::Payload) -> Result<XmlOutput, ApiError>;

/// A resource-based policy as authorization weighs it.
pub struct ResourcePolicy<'w> {
    pub document: &'w crate::policy::PolicyDocument,
    /// The account that owns the resource.
    pub account_id: String,
    /// The policy must allow whatever identity policies say (a role's trust policy on
    /// AssumeRole), rather than being one more way to be allowed.
    pub required: bool,
    /// What the explanation calls it (`trust policy of role R`).
    pub label: String,
}

/// `(world, operation, resource ARN) → the resource policy governing it`. `Err(())`:
/// the resource does not exist (AWS then refuses like an unauthorized request).
pub type ResourcePolicyFn =
    for<'w> fn(&'w World, &str, &str) -> Result<Option<ResourcePolicy<'w>>, ()>;

/// `(world, caller, operation, input) → ARN` of the resource a request acts on.
pub type ResourceArnFn = fn(&World, &Caller, &str, &Value) -> Option<String>;

/// A protocol with the per-API facts it needs to route a request.
pub enum Wire {
    /// awsJson1.1: `X-Amz-Target: <prefix>.<Operation>`.
    AwsJson { target_prefix: &'static str },
    /// awsJson1.1 as above, and Smithy RPC v2 CBOR at
    /// `/service/<last part of the prefix>/operation/<Operation>`, told apart per request
    /// (AWS Health: botocore >= 1.40 and the Rust SDK speak CBOR, older clients JSON).
    /// CBOR tags timestamps, so the encoder is told which output members are timestamps.
    JsonOrCbor {
        target_prefix: &'static str,
        timestamp_members: &'static [&'static str],
    },
    /// restJson1: method + path templates.
    RestJson { routes: &'static [RestRoute] },
    /// awsQuery: `Action=<Operation>&Version=<version>`, XML in `namespace`.
    AwsQuery {
        version: &'static str,
        namespace: &'static str,
    },
    /// EC2: query-style requests with `Version=<version>`, EC2's XML in `namespace`.
    Ec2 {
        version: &'static str,
        namespace: &'static str,
    },
    /// rest-xml: method + path shape + sub-resources; XML in `namespace`, each output
    /// document under its operation's root element (`ListBucketResult`).
    RestXml {
        routes: &'static [XmlRoute],
        namespace: &'static str,
        output_roots: &'static [(&'static str, &'static str)],
    },
}

/// Declares [`ServiceId`] from the registry in `services/mod.rs`.
macro_rules! define_service_ids {
    ($($variant:ident $folder:ident,)*) => {
        /// One of the AWS APIs served on the single port.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ServiceId {
            $($variant,)*
        }

        impl ServiceId {
            /// Every API, in registry order (the order events reach them).
            pub const ALL: &'static [ServiceId] = &[$(ServiceId::$variant,)*];

            /// The API's description, from its folder.
            pub fn description(self) -> &'static ServiceDescription {
                match self {
                    $(ServiceId::$variant => &crate::services::$folder::SERVICE,)*
                }
            }
        }
    };
}
crate::for_each_service!(define_service_ids);

impl ServiceId {
    /// The SigV4 signing name (credential scope service).
    pub fn signing_name(self) -> &'static str {
        self.description().signing_name
    }

    pub fn from_signing_name(name: &str) -> Option<ServiceId> {
        ServiceId::ALL
            .iter()
            .copied()
            .find(|s| s.signing_name() == name)
    }

    /// Every operation of the real API (built or not), from the generated tables.
    pub fn operations(self) -> &'static [&'static str] {
        self.description().operations
    }

    /// The wire protocol the API speaks.
    pub fn protocol(self) -> Protocol {
        match self.description().wire {
            // A CBOR request is answered in CBOR (the server knows it per request).
            Wire::AwsJson { .. } | Wire::JsonOrCbor { .. } => Protocol::AwsJson,
            Wire::RestJson { .. } => Protocol::RestJson,
            Wire::AwsQuery { .. } => Protocol::AwsQuery,
            Wire::Ec2 { .. } => Protocol::Ec2,
            Wire::RestXml { .. } => Protocol::RestXml,
        }
    }

    /// rest-xml routing table.
    pub fn rest_xml_routes(self) -> &'static [XmlRoute] {
        match self.description().wire {
            Wire::RestXml { routes, .. } => routes,
            _ => &[],
        }
    }

    /// rest-xml namespace and the root element of each operation's output document.
    pub fn rest_xml_names(self) -> (&'static str, &'static [(&'static str, &'static str)]) {
        match self.description().wire {
            Wire::RestXml {
                namespace,
                output_roots,
                ..
            } => (namespace, output_roots),
            _ => ("", &[]),
        }
    }

    /// awsJson1.1 `X-Amz-Target` prefix.
    pub fn json_target_prefix(self) -> Option<&'static str> {
        match self.description().wire {
            Wire::AwsJson { target_prefix } | Wire::JsonOrCbor { target_prefix, .. } => {
                Some(target_prefix)
            }
            _ => None,
        }
    }

    /// The output members that are timestamps, for APIs that also speak RPC v2 CBOR;
    /// `None`: the API does not speak it.
    pub fn cbor_timestamp_members(self) -> Option<&'static [&'static str]> {
        match self.description().wire {
            Wire::JsonOrCbor {
                timestamp_members, ..
            } => Some(timestamp_members),
            _ => None,
        }
    }

    /// awsQuery `Version` and XML namespace.
    pub fn query_version(self) -> Option<(&'static str, &'static str)> {
        match self.description().wire {
            Wire::AwsQuery { version, namespace } => Some((version, namespace)),
            _ => None,
        }
    }

    /// EC2 `Version` and XML namespace.
    pub fn ec2_version(self) -> Option<(&'static str, &'static str)> {
        match self.description().wire {
            Wire::Ec2 { version, namespace } => Some((version, namespace)),
            _ => None,
        }
    }

    /// restJson1 method + path table.
    pub fn rest_routes(self) -> &'static [RestRoute] {
        match self.description().wire {
            Wire::RestJson { routes } => routes,
            _ => &[],
        }
    }

    /// The wire key of error messages (`Message` or `message`).
    pub fn error_message_key(self) -> &'static str {
        self.description().error_message_key
    }

    pub fn has_operation(self, operation: &str) -> bool {
        self.operations().binary_search(&operation).is_ok()
    }

    pub fn is_implemented(self, operation: &str) -> bool {
        self.description().implemented.contains(&operation)
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.signing_name())
    }
}

/// Who is at fault, as the query protocol's `<Type>` says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Sender,
    Receiver,
}

/// An error as every protocol needs it: AWS code, HTTP status, message, and the
/// extra modelled members (`Reason`, …) keyed by their wire names.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub status: u16,
    pub message: String,
    /// The wire key of the message member: `Message` or `message`, per API.
    pub message_key: &'static str,
    pub extra: Box<Map<String, Value>>,
    pub fault: Fault,
}

impl ApiError {
    pub fn new(code: impl Into<String>, status: u16, message: impl Into<String>) -> Self {
        ApiError {
            code: code.into(),
            status,
            message: message.into(),
            message_key: "message",
            extra: Box::default(),
            fault: if status >= 500 {
                Fault::Receiver
            } else {
                Fault::Sender
            },
        }
    }

    pub fn with_message_key(mut self, key: &'static str) -> Self {
        self.message_key = key;
        self
    }

    pub fn with_field(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.extra.insert(key.to_string(), value.into());
        self
    }

    /// A real AWS operation that orgsim has not built yet: 501, never a 404 or 500.
    pub fn not_implemented(service: ServiceId, operation: &str) -> Self {
        ApiError::new(
            "NotImplemented",
            501,
            format!(
                "orgsim does not implement {}:{} yet",
                service.signing_name(),
                operation
            ),
        )
    }

    pub fn internal_failure(detail: &str) -> Self {
        ApiError::new(
            "InternalFailure",
            500,
            format!("The request processing has failed because of an unknown error, exception or failure ({detail})."),
        )
    }
}

/// The result of one operation: its output as JSON in wire member names.
pub type ApiResult = Result<Value, ApiError>;
