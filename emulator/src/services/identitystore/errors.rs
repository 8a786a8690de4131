//! Identity Store errors (awsJson1.1, message under `Message`), each mapped to its
//! code in one exhaustive match. All are HTTP 400, as botocore models them.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum StoreError {
    Validation(String),
    AccessDenied(String),
    /// A resource that does not exist: its type (`IDENTITY_STORE`, `USER`, `GROUP`,
    /// `GROUP_MEMBERSHIP`), its id and the message.
    NotFound {
        resource_type: &'static str,
        resource_id: String,
        message: String,
    },
    /// `UNIQUENESS_CONSTRAINT_VIOLATION` or `CONCURRENT_MODIFICATION`.
    Conflict {
        reason: &'static str,
        message: String,
    },
    ServiceQuotaExceeded(String),
}

impl StoreError {
    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => StoreError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(&member)
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                StoreError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }

    /// A member that breaks its constraint.
    pub fn constraint(member: &str, constraint: &str) -> Self {
        StoreError::Validation(format!(
            "1 validation error detected: Value at '{}' failed to satisfy constraint: {constraint}",
            lower_first(member)
        ))
    }

    pub fn not_found(resource_type: &'static str, id: &str) -> Self {
        let what = match resource_type {
            "IDENTITY_STORE" => "Identity store",
            "USER" => "User",
            "GROUP" => "Group",
            _ => "GroupMembership",
        };
        StoreError::NotFound {
            resource_type,
            resource_id: id.to_string(),
            message: format!("{what} with id {id} not found"),
        }
    }

    pub fn duplicate(message: impl Into<String>) -> Self {
        StoreError::Conflict {
            reason: "UNIQUENESS_CONSTRAINT_VIOLATION",
            message: message.into(),
        }
    }

    pub fn bad_token() -> Self {
        StoreError::Validation("The pagination token is invalid.".to_string())
    }
}

/// `userName` from `UserName`: AWS's validation messages name members camelCase.
pub fn lower_first(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        let error = match error {
            StoreError::Validation(m) => ApiError::new("ValidationException", 400, m),
            StoreError::AccessDenied(m) => ApiError::new("AccessDeniedException", 400, m),
            StoreError::NotFound {
                resource_type,
                resource_id,
                message,
            } => ApiError::new("ResourceNotFoundException", 400, message)
                .with_field("ResourceType", resource_type)
                .with_field("ResourceId", resource_id),
            StoreError::Conflict { reason, message } => {
                ApiError::new("ConflictException", 400, message).with_field("Reason", reason)
            }
            StoreError::ServiceQuotaExceeded(m) => {
                ApiError::new("ServiceQuotaExceededException", 400, m)
            }
        };
        error.with_message_key("Message")
    }
}
