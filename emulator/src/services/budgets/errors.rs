//! Budgets errors (awsJson1.1, message under `Message`), each mapped to its code in one
//! exhaustive match. All are HTTP 400.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum BudgetsError {
    InvalidParameter(String),
    NotFound(String),
    DuplicateRecord(String),
    CreationLimitExceeded(String),
    AccessDenied(String),
    InvalidNextToken(String),
}

impl BudgetsError {
    pub fn invalid(message: impl Into<String>) -> Self {
        BudgetsError::InvalidParameter(message.into())
    }

    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => BudgetsError::InvalidParameter(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                BudgetsError::InvalidParameter(format!("1 validation error detected: {text}"))
            }
        }
    }

    /// A member that breaks its length, range or pattern constraint.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        BudgetsError::InvalidParameter(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn no_budget(name: &str) -> Self {
        BudgetsError::NotFound(format!(
            "Unable to get budget: {name} - the budget doesn't exist."
        ))
    }

    pub fn no_notification(name: &str) -> Self {
        BudgetsError::NotFound(format!(
            "Unable to find the notification for budget: {name} - the notification doesn't exist."
        ))
    }

    pub fn limit() -> Self {
        BudgetsError::CreationLimitExceeded(
            "You've exceeded the notification or subscriber limit.".to_string(),
        )
    }

    pub fn bad_token() -> Self {
        BudgetsError::InvalidNextToken("The pagination token is invalid.".to_string())
    }
}

impl From<BudgetsError> for ApiError {
    fn from(error: BudgetsError) -> ApiError {
        let (code, message) = match error {
            BudgetsError::InvalidParameter(m) => ("InvalidParameterException", m),
            BudgetsError::NotFound(m) => ("NotFoundException", m),
            BudgetsError::DuplicateRecord(m) => ("DuplicateRecordException", m),
            BudgetsError::CreationLimitExceeded(m) => ("CreationLimitExceededException", m),
            BudgetsError::AccessDenied(m) => ("AccessDeniedException", m),
            BudgetsError::InvalidNextToken(m) => ("InvalidNextTokenException", m),
        };
        ApiError::new(code, 400, message).with_message_key("Message")
    }
}
