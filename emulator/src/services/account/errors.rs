//! Account API errors (restJson1, body key `message`), each mapped to its code and
//! status in one exhaustive match.

use serde_json::json;

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum AccountError {
    /// 403.
    AccessDenied(String),
    /// 400, with the reason (`fieldValidationFailed`, `invalidRegionOptTarget`) and the
    /// offending fields.
    Validation {
        message: String,
        reason: &'static str,
        fields: Vec<(String, String)>,
    },
    /// 404.
    NotFound(String),
    /// 409.
    Conflict(String),
}

impl AccountError {
    /// A member that breaks its constraint.
    pub fn field(member: &str, problem: &str) -> Self {
        AccountError::Validation {
            message: format!("Invalid input: {member} {problem}"),
            reason: "fieldValidationFailed",
            fields: vec![(member.to_string(), problem.to_string())],
        }
    }

    /// A Region that cannot be enabled or disabled.
    pub fn region_target(message: impl Into<String>) -> Self {
        AccountError::Validation {
            message: message.into(),
            reason: "invalidRegionOptTarget",
            fields: Vec::new(),
        }
    }

    /// Decoding failures are `ValidationException`, naming the member.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => AccountError::field(&member, "must not be null"),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                AccountError::Validation {
                    message: format!("Invalid input: {text}"),
                    reason: "fieldValidationFailed",
                    fields: Vec::new(),
                }
            }
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> ApiError {
        match error {
            AccountError::AccessDenied(m) => ApiError::new("AccessDeniedException", 403, m),
            AccountError::NotFound(m) => ApiError::new("ResourceNotFoundException", 404, m),
            AccountError::Conflict(m) => ApiError::new("ConflictException", 409, m),
            AccountError::Validation {
                message,
                reason,
                fields,
            } => {
                let error =
                    ApiError::new("ValidationException", 400, message).with_field("reason", reason);
                if fields.is_empty() {
                    return error;
                }
                let list: Vec<_> = fields
                    .into_iter()
                    .map(|(name, message)| json!({"name": name, "message": message}))
                    .collect();
                error.with_field("fieldList", list)
            }
        }
    }
}
