//! What the layers hand each other: which AWS API a request is for, and the
//! wire-neutral error every service error becomes before a protocol renders it.

use serde_json::{Map, Value};
use std::fmt;

/// One of the AWS APIs served on the single port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ServiceId {
    Organizations,
    GuardDuty,
    SecurityHub,
    Config,
    Sts,
    Iam,
}

impl ServiceId {
    pub const ALL: [ServiceId; 6] = [
        ServiceId::Organizations,
        ServiceId::GuardDuty,
        ServiceId::SecurityHub,
        ServiceId::Config,
        ServiceId::Sts,
        ServiceId::Iam,
    ];

    /// The SigV4 signing name (credential scope service).
    pub fn signing_name(self) -> &'static str {
        match self {
            ServiceId::Organizations => "organizations",
            ServiceId::GuardDuty => "guardduty",
            ServiceId::SecurityHub => "securityhub",
            ServiceId::Config => "config",
            ServiceId::Sts => "sts",
            ServiceId::Iam => "iam",
        }
    }

    pub fn from_signing_name(name: &str) -> Option<ServiceId> {
        ServiceId::ALL
            .into_iter()
            .find(|s| s.signing_name() == name)
    }

    /// Every operation of the real API (built or not), from the generated tables.
    pub fn operations(self) -> &'static [&'static str] {
        use crate::services::*;
        match self {
            ServiceId::Organizations => organizations::operations::OPERATIONS,
            ServiceId::GuardDuty => guardduty::operations::OPERATIONS,
            ServiceId::SecurityHub => securityhub::operations::OPERATIONS,
            ServiceId::Config => config::operations::OPERATIONS,
            ServiceId::Sts => sts::operations::OPERATIONS,
            ServiceId::Iam => iam::operations::OPERATIONS,
        }
    }

    /// The wire protocol the API speaks.
    pub fn protocol(self) -> crate::protocol::Protocol {
        use crate::protocol::Protocol;
        match self {
            ServiceId::Organizations | ServiceId::Config => Protocol::AwsJson,
            ServiceId::GuardDuty | ServiceId::SecurityHub => Protocol::RestJson,
            ServiceId::Sts | ServiceId::Iam => Protocol::AwsQuery,
        }
    }

    /// awsJson1.1 `X-Amz-Target` prefix.
    pub fn json_target_prefix(self) -> Option<&'static str> {
        match self {
            ServiceId::Organizations => Some("AWSOrganizationsV20161128"),
            ServiceId::Config => Some("StarlingDoveService"),
            _ => None,
        }
    }

    /// awsQuery `Version` and XML namespace.
    pub fn query_version(self) -> Option<(&'static str, &'static str)> {
        match self {
            ServiceId::Sts => Some(("2011-06-15", "https://sts.amazonaws.com/doc/2011-06-15/")),
            ServiceId::Iam => Some(("2010-05-08", "https://iam.amazonaws.com/doc/2010-05-08/")),
            _ => None,
        }
    }

    /// restJson1 method + path table.
    pub fn rest_routes(self) -> &'static [crate::protocol::rest_json::RestRoute] {
        use crate::services::*;
        match self {
            ServiceId::GuardDuty => guardduty::operations::ROUTES,
            ServiceId::SecurityHub => securityhub::operations::ROUTES,
            _ => &[],
        }
    }

    /// The wire key of error messages (`Message` or `message`).
    pub fn error_message_key(self) -> &'static str {
        match self {
            ServiceId::Organizations | ServiceId::SecurityHub => "Message",
            _ => "message",
        }
    }

    pub fn has_operation(self, operation: &str) -> bool {
        self.operations().binary_search(&operation).is_ok()
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
