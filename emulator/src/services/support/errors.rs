//! AWS Support errors (awsJson1.1, body key `message`), each mapped to its code and
//! status in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum SupportError {
    /// 400: a parameter is not valid (an unknown check id, a missing member).
    InvalidParameterValue(String),
    /// 400: the account's support plan does not include the AWS Support API.
    SubscriptionRequired,
}

impl SupportError {
    pub fn from_input(error: serde_json::Error) -> Self {
        SupportError::InvalidParameterValue(match classify_input_error(&error) {
            InputProblem::Missing(member) => format!("1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => text,
        })
    }
}

impl From<SupportError> for ApiError {
    fn from(error: SupportError) -> ApiError {
        match error {
            SupportError::InvalidParameterValue(m) => {
                ApiError::new("InvalidParameterValueException", 400, m)
            }
            SupportError::SubscriptionRequired => ApiError::new(
                "SubscriptionRequiredException",
                400,
                "AWS Premium Support Subscription is required to use this service.",
            ),
        }
        .with_message_key("message")
    }
}
