//! STS errors with their awsQuery codes (which differ from shape names) and statuses.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum StsError {
    /// Constraint failures: `ValidationError`, "1 validation error detected: …".
    Validation(String),
    AccessDenied(String),
    MalformedPolicyDocument(String),
    InvalidAuthorizationMessage(String),
    InvalidIdentityToken(String),
    ExpiredToken(String),
    IdpCommunicationError(String),
    InvalidSubjectCredentials(String),
    InsufficientSessionLifetime(String),
}

impl StsError {
    /// The framework's wording for a value that breaks a model constraint.
    pub fn constraint(value: &str, member: &str, constraint: &str) -> Self {
        StsError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => {
                let mut chars = member.chars();
                let camel: String = chars
                    .next()
                    .map(|c| c.to_ascii_lowercase())
                    .into_iter()
                    .chain(chars)
                    .collect();
                StsError::Validation(format!(
                    "1 validation error detected: Value null at '{camel}' failed to satisfy constraint: Member must not be null"
                ))
            }
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                StsError::Validation(format!("Invalid input: {text}"))
            }
        }
    }
}

impl From<StsError> for ApiError {
    fn from(error: StsError) -> ApiError {
        let (code, status, message) = match error {
            StsError::Validation(m) => ("ValidationError", 400, m),
            StsError::AccessDenied(m) => ("AccessDenied", 403, m),
            StsError::MalformedPolicyDocument(m) => ("MalformedPolicyDocument", 400, m),
            StsError::InvalidAuthorizationMessage(m) => {
                ("InvalidAuthorizationMessageException", 400, m)
            }
            StsError::InvalidIdentityToken(m) => ("InvalidIdentityToken", 400, m),
            StsError::ExpiredToken(m) => ("ExpiredTokenException", 400, m),
            StsError::IdpCommunicationError(m) => ("IDPCommunicationError", 400, m),
            StsError::InvalidSubjectCredentials(m) => ("InvalidSubjectCredentials", 400, m),
            StsError::InsufficientSessionLifetime(m) => ("InsufficientSessionLifetime", 400, m),
        };
        ApiError::new(code, status, message)
    }
}
