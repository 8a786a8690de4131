//! sso-admin errors (awsJson1.1, message under `Message`), each mapped to its code
//! in one exhaustive match. All are HTTP 400, as botocore models them.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum SsoError {
    Validation(String),
    AccessDenied(String),
    NotFound(String),
    Conflict(String),
    ServiceQuotaExceeded(String),
}

impl SsoError {
    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => SsoError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(&member)
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                SsoError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }

    /// A member that breaks its constraint.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        SsoError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{}' failed to satisfy constraint: {constraint}",
            lower_first(member)
        ))
    }

    pub fn bad_token() -> Self {
        SsoError::Validation("The pagination token is invalid.".to_string())
    }
}

fn lower_first(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

impl From<SsoError> for ApiError {
    fn from(error: SsoError) -> ApiError {
        let (code, message) = match error {
            SsoError::Validation(m) => ("ValidationException", m),
            SsoError::AccessDenied(m) => ("AccessDeniedException", m),
            SsoError::NotFound(m) => ("ResourceNotFoundException", m),
            SsoError::Conflict(m) => ("ConflictException", m),
            SsoError::ServiceQuotaExceeded(m) => ("ServiceQuotaExceededException", m),
        };
        ApiError::new(code, 400, message).with_message_key("Message")
    }
}
