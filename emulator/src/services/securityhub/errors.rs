//! Security Hub errors (CATALOG §6, Appendix C), each mapped to its code and status in
//! one exhaustive match. Body keys `Code` and `Message`; the protocol adds
//! `X-Amzn-ErrorType`.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum ShError {
    /// 400.
    InvalidInput(String),
    /// 401: Security Hub is off for the caller, or the caller may not do this.
    InvalidAccess(String),
    /// 403.
    AccessDenied(String),
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
    /// 429.
    LimitExceeded(String),
    /// 500.
    Internal(String),
    /// 400, the V2 operations' word for bad input.
    Validation(String),
    /// 409, the V2 operations' conflict.
    ConflictV2(String),
    /// 402, the V2 operations' quota.
    QuotaV2(String),
}

impl ShError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ShError::InvalidInput(message.into())
    }

    pub fn access(message: impl Into<String>) -> Self {
        ShError::InvalidAccess(message.into())
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ShError::NotFound(message.into())
    }

    /// AWS's answer to any call while Security Hub is off.
    pub fn not_subscribed(account: &str) -> Self {
        ShError::access(format!(
            "Account {account} is not subscribed to AWS Security Hub"
        ))
    }

    /// Decoding failures become `InvalidInputException`.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => {
                ShError::invalid(format!("Missing required parameter: {member}"))
            }
            // Already AWS's sentence, with the enum's values.
            InputProblem::UnknownVariant(text) => ShError::invalid(text),
            InputProblem::Malformed(text) => ShError::invalid(format!("Invalid parameter: {text}")),
        }
    }
}

impl From<ShError> for ApiError {
    fn from(error: ShError) -> ApiError {
        let (code, status, message) = match error {
            ShError::InvalidInput(m) => ("InvalidInputException", 400, m),
            ShError::InvalidAccess(m) => ("InvalidAccessException", 401, m),
            ShError::AccessDenied(m) => ("AccessDeniedException", 403, m),
            ShError::NotFound(m) => ("ResourceNotFoundException", 404, m),
            ShError::Conflict(m) => ("ResourceConflictException", 409, m),
            ShError::LimitExceeded(m) => ("LimitExceededException", 429, m),
            ShError::Internal(m) => ("InternalException", 500, m),
            ShError::Validation(m) => ("ValidationException", 400, m),
            ShError::ConflictV2(m) => ("ConflictException", 409, m),
            ShError::QuotaV2(m) => ("ServiceQuotaExceededException", 402, m),
        };
        ApiError::new(code, status, message)
            .with_message_key("Message")
            .with_field("Code", code)
    }
}
