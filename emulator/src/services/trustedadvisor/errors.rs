//! Trusted Advisor API errors (restJson1, body key `message`), each mapped to its code
//! and status in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum AdvisorError {
    /// 400.
    Validation(String),
    /// 403: the organization's recommendations are not the caller's to read.
    AccessDenied(String),
    /// 404.
    NotFound(String),
    /// 400: the account's support plan does not include Trusted Advisor's API.
    SubscriptionRequired,
}

impl AdvisorError {
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        AdvisorError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn from_input(error: serde_json::Error) -> Self {
        AdvisorError::Validation(match classify_input_error(&error) {
            InputProblem::Missing(member) => format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => text,
        })
    }
}

impl From<AdvisorError> for ApiError {
    fn from(error: AdvisorError) -> ApiError {
        match error {
            AdvisorError::Validation(m) => ApiError::new("ValidationException", 400, m),
            AdvisorError::AccessDenied(m) => ApiError::new("AccessDeniedException", 403, m),
            AdvisorError::NotFound(m) => ApiError::new("ResourceNotFoundException", 404, m),
            AdvisorError::SubscriptionRequired => ApiError::new(
                "SubscriptionRequiredException",
                400,
                "AWS Premium Support Subscription is required to use this service.",
            ),
        }
        .with_message_key("message")
    }
}
