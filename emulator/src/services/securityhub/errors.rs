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
            InputProblem::UnknownVariant(text) => ShError::invalid(invalid_enum_message(&text)),
            InputProblem::Malformed(text) => ShError::invalid(format!("Invalid parameter: {text}")),
        }
    }
}

/// AWS's words for a value outside an enum, from serde's
/// "unknown variant `X`, expected one of `A`, `B` at line …".
fn invalid_enum_message(text: &str) -> String {
    let quoted: Vec<&str> = text.split('`').skip(1).step_by(2).collect();
    match quoted.split_first() {
        Some((value, valid)) if !valid.is_empty() => format!(
            "You specified an invalid value '{value}'. Valid values are: {}",
            valid.join(", ")
        ),
        Some((value, _)) => format!("You specified an invalid value '{value}'"),
        None => "You specified an invalid value".to_string(),
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
