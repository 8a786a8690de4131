//! GuardDuty errors: five shapes (CATALOG §5), each mapped to its code and status in
//! one exhaustive match. Body key `message`; the protocol adds `X-Amzn-ErrorType`.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum GdError {
    /// 400: bad input or a request the current state refuses.
    BadRequest(String),
    /// 403.
    AccessDenied(String),
    /// 409.
    Conflict(String),
    /// 404.
    NotFound(String),
    /// 500.
    Internal(String),
}

impl GdError {
    pub fn bad(message: impl Into<String>) -> Self {
        GdError::BadRequest(message.into())
    }

    /// AWS's answer for a detector id the caller does not own.
    pub fn detector_not_owned() -> Self {
        GdError::bad(
            "The request is rejected because the input detectorId is not owned by the current account.",
        )
    }

    /// AWS's wording for a member that breaks its constraints.
    pub fn invalid_parameter(member: &str) -> Self {
        GdError::bad(format!(
            "The request is rejected because the parameter {member} has an invalid value."
        ))
    }

    /// Decoding failures become `BadRequestException`, as GuardDuty answers them.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => GdError::bad(format!(
                "The request is rejected because the parameter {member} is missing."
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                GdError::bad(format!(
                    "The request is rejected because an invalid or out-of-range value is specified as an input parameter ({text})."
                ))
            }
        }
    }
}

impl From<GdError> for ApiError {
    fn from(error: GdError) -> ApiError {
        let (code, status, message) = match error {
            GdError::BadRequest(m) => ("BadRequestException", 400, m),
            GdError::AccessDenied(m) => ("AccessDeniedException", 403, m),
            GdError::Conflict(m) => ("ConflictException", 409, m),
            GdError::NotFound(m) => ("ResourceNotFoundException", 404, m),
            GdError::Internal(m) => ("InternalServerErrorException", 500, m),
        };
        let error = ApiError::new(code, status, message);
        if code == "BadRequestException" {
            // Real GuardDuty puts a sub-type in the body's `__type`; SDKs read the
            // modelled error from the `X-Amzn-ErrorType` header (CATALOG §2.2).
            error.with_field("__type", "InvalidInputException")
        } else {
            error
        }
    }
}
