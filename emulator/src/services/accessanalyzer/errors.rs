//! Access Analyzer errors, each mapped to its code and status in one exhaustive match.
//! Body key `message`; `ValidationException` carries `reason` (and `fieldList`), the
//! resource errors `resourceId` and `resourceType`.

use serde_json::json;

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum AaError {
    /// 400 `ValidationException` with its `reason` and the member at fault.
    Validation {
        message: String,
        reason: &'static str,
        field: Option<String>,
    },
    /// 403.
    AccessDenied(String),
    /// 409 `ConflictException`.
    Conflict {
        message: String,
        resource_id: String,
        resource_type: &'static str,
    },
    /// 404 `ResourceNotFoundException`.
    NotFound {
        message: String,
        resource_id: String,
        resource_type: &'static str,
    },
    /// 402 `ServiceQuotaExceededException`.
    QuotaExceeded {
        message: String,
        resource_id: String,
        resource_type: &'static str,
    },
    /// 400 `InvalidParameterException` (custom policy checks).
    InvalidParameter(String),
    /// 500.
    Internal(String),
}

impl AaError {
    /// A member that breaks its constraints (`fieldValidationFailed`).
    pub fn field(member: &str, message: impl Into<String>) -> Self {
        AaError::Validation {
            message: message.into(),
            reason: "fieldValidationFailed",
            field: Some(member.to_string()),
        }
    }

    pub fn other(message: impl Into<String>) -> Self {
        AaError::Validation {
            message: message.into(),
            reason: "other",
            field: None,
        }
    }

    pub fn not_found(resource_type: &'static str, id: &str, message: impl Into<String>) -> Self {
        AaError::NotFound {
            message: message.into(),
            resource_id: id.to_string(),
            resource_type,
        }
    }

    pub fn analyzer_not_found(name: &str) -> Self {
        AaError::not_found("Analyzer", name, format!("Analyzer {name} not found."))
    }

    pub fn conflict(resource_type: &'static str, id: &str, message: impl Into<String>) -> Self {
        AaError::Conflict {
            message: message.into(),
            resource_id: id.to_string(),
            resource_type,
        }
    }

    /// Decoding failures: a missing required member, a bad enum value, a wrong type.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => AaError::field(
                &member,
                format!("{member} is required but was not provided."),
            ),
            InputProblem::UnknownVariant(text) => AaError::Validation {
                message: format!("Invalid enum value: {text}"),
                reason: "fieldValidationFailed",
                field: None,
            },
            InputProblem::Malformed(text) => AaError::Validation {
                message: format!("Unable to parse the request: {text}"),
                reason: "cannotParse",
                field: None,
            },
        }
    }
}

impl From<AaError> for ApiError {
    fn from(error: AaError) -> ApiError {
        match error {
            AaError::Validation {
                message,
                reason,
                field,
            } => {
                let e = ApiError::new("ValidationException", 400, message.clone())
                    .with_field("reason", reason);
                match field {
                    Some(name) => {
                        e.with_field("fieldList", json!([{"name": name, "message": message}]))
                    }
                    None => e,
                }
            }
            AaError::AccessDenied(m) => ApiError::new("AccessDeniedException", 403, m),
            AaError::Conflict {
                message,
                resource_id,
                resource_type,
            } => ApiError::new("ConflictException", 409, message)
                .with_field("resourceId", resource_id)
                .with_field("resourceType", resource_type),
            AaError::NotFound {
                message,
                resource_id,
                resource_type,
            } => ApiError::new("ResourceNotFoundException", 404, message)
                .with_field("resourceId", resource_id)
                .with_field("resourceType", resource_type),
            AaError::QuotaExceeded {
                message,
                resource_id,
                resource_type,
            } => ApiError::new("ServiceQuotaExceededException", 402, message)
                .with_field("resourceId", resource_id)
                .with_field("resourceType", resource_type),
            AaError::InvalidParameter(m) => ApiError::new("InvalidParameterException", 400, m),
            AaError::Internal(m) => ApiError::new("InternalServerException", 500, m),
        }
    }
}
