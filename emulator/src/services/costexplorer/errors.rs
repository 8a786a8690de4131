//! Cost Explorer errors (awsJson1.1, message under `Message`), each mapped to its code
//! in one exhaustive match. Every one is HTTP 400.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum CostExplorerError {
    Validation(String),
    DataUnavailable(String),
    BillExpiration(String),
    InvalidNextToken(String),
}

impl CostExplorerError {
    pub fn validation(message: impl Into<String>) -> Self {
        CostExplorerError::Validation(message.into())
    }

    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => CostExplorerError::Validation(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                CostExplorerError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }

    pub fn bad_token() -> Self {
        CostExplorerError::InvalidNextToken("Invalid NextPageToken".to_string())
    }
}

impl From<CostExplorerError> for ApiError {
    fn from(error: CostExplorerError) -> ApiError {
        let (code, message) = match error {
            CostExplorerError::Validation(m) => ("ValidationException", m),
            CostExplorerError::DataUnavailable(m) => ("DataUnavailableException", m),
            CostExplorerError::BillExpiration(m) => ("BillExpirationException", m),
            CostExplorerError::InvalidNextToken(m) => ("InvalidNextTokenException", m),
        };
        ApiError::new(code, 400, message).with_message_key("Message")
    }
}
