//! Detective errors (restJson1, body key `Message`), each mapped to its code and
//! status in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

/// `ErrorCode` of a `ValidationException`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValidationCode {
    InvalidGraphArn,
    InvalidRequestBody,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DetectiveError {
    /// 400, with AWS's `ErrorCode` where it gives one.
    Validation(String, Option<ValidationCode>),
    /// 403.
    AccessDenied(String),
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
    /// 402, with the resources over their quota.
    QuotaExceeded(String, Vec<String>),
}

/// AWS's words for its errors.
pub const NOT_FOUND: &str = "The request refers to a nonexistent resource.";
pub const CONFLICT: &str = "The request attempted an invalid action.";
pub const ACCESS_DENIED: &str =
    "The request issuer does not have permission to access this resource or perform this operation.";

impl DetectiveError {
    pub fn validation(message: impl Into<String>) -> Self {
        DetectiveError::Validation(message.into(), None)
    }

    pub fn not_found() -> Self {
        DetectiveError::NotFound(NOT_FOUND.to_string())
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        DetectiveError::Conflict(message.into())
    }

    pub fn access_denied() -> Self {
        DetectiveError::AccessDenied(ACCESS_DENIED.to_string())
    }

    /// A member that breaks its constraint, in AWS's validation wording.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        DetectiveError::Validation(
            format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
            ),
            Some(ValidationCode::InvalidRequestBody),
        )
    }

    /// A graph ARN that does not match the pattern.
    pub fn invalid_graph_arn(member: &str, value: &str) -> Self {
        DetectiveError::Validation(
            format!(
                "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ^arn:aws[-\\w]{{0,10}}?:detective:[-\\w]{{2,20}}?:\\d{{12}}?:graph:[abcdef\\d]{{32}}?$"
            ),
            Some(ValidationCode::InvalidGraphArn),
        )
    }

    /// Decoding failures are `ValidationException` with `INVALID_REQUEST_BODY`.
    pub fn from_input(error: serde_json::Error) -> Self {
        let message = match classify_input_error(&error) {
            InputProblem::Missing(member) => format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            ),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                format!("Invalid request body: {text}")
            }
        };
        DetectiveError::Validation(message, Some(ValidationCode::InvalidRequestBody))
    }
}

impl From<DetectiveError> for ApiError {
    fn from(error: DetectiveError) -> ApiError {
        let error = match error {
            DetectiveError::Validation(m, code) => {
                let e = ApiError::new("ValidationException", 400, m);
                match code {
                    Some(ValidationCode::InvalidGraphArn) => {
                        e.with_field("ErrorCode", "INVALID_GRAPH_ARN")
                    }
                    Some(ValidationCode::InvalidRequestBody) => {
                        e.with_field("ErrorCode", "INVALID_REQUEST_BODY")
                    }
                    None => e,
                }
            }
            DetectiveError::AccessDenied(m) => ApiError::new("AccessDeniedException", 403, m),
            DetectiveError::NotFound(m) => ApiError::new("ResourceNotFoundException", 404, m),
            DetectiveError::Conflict(m) => ApiError::new("ConflictException", 409, m),
            DetectiveError::QuotaExceeded(m, resources) => {
                ApiError::new("ServiceQuotaExceededException", 402, m)
                    .with_field("Resources", resources)
            }
        };
        error.with_message_key("Message")
    }
}
