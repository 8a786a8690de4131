//! Health errors (awsJson1.1 / RPC v2 CBOR, body key `message`), each mapped to its
//! code and status in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum HealthError {
    /// 400: a member breaks its constraint, or the input does not decode.
    Validation(String),
    /// 400: a forged, stale or foreign `nextToken`.
    InvalidPaginationToken(String),
    /// 400: a locale other than the ones Health serves.
    UnsupportedLocale(String),
    /// 400: the account's support plan does not include the Health API.
    SubscriptionRequired,
    /// 403: the organizational view is not the caller's to use.
    AccessDenied(String),
    /// 400: the caller's account is not in an organization.
    OrganizationsNotInUse,
    /// 400: the organization cannot turn trusted access on (not all features).
    ConstraintViolation(String),
}

impl HealthError {
    /// A member that breaks its constraint, in AWS's validation wording.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        HealthError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => HealthError::Validation(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                HealthError::Validation(format!("Invalid request body: {text}"))
            }
        }
    }
}

impl From<HealthError> for ApiError {
    fn from(error: HealthError) -> ApiError {
        match error {
            HealthError::Validation(m) => ApiError::new("ValidationException", 400, m),
            HealthError::InvalidPaginationToken(m) => {
                ApiError::new("InvalidPaginationToken", 400, m)
            }
            HealthError::UnsupportedLocale(m) => ApiError::new("UnsupportedLocale", 400, m),
            // AWS answers with no message at all.
            HealthError::SubscriptionRequired => {
                ApiError::new("SubscriptionRequiredException", 400, "")
            }
            HealthError::AccessDenied(m) => ApiError::new("AccessDeniedException", 403, m),
            HealthError::OrganizationsNotInUse => ApiError::new(
                "AWSOrganizationsNotInUseException",
                400,
                "Your account is not a member of an organization.",
            ),
            HealthError::ConstraintViolation(m) => {
                ApiError::new("ConstraintViolationException", 400, m)
            }
        }
        .with_message_key("message")
    }
}
