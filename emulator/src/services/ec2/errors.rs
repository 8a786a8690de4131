//! EC2 errors, each mapped to its code and status in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum Ec2Error {
    /// 400 `InvalidParameterValue`.
    InvalidParameterValue(String),
    /// 400 `InvalidParameterCombination`.
    InvalidParameterCombination(String),
    /// 400 `MissingParameter`.
    MissingParameter(String),
    /// 400 `InvalidFilter`.
    InvalidFilter(String),
    /// 412 `DryRunOperation`: the caller could have made the call.
    DryRunOperation,
    /// 401 `AuthFailure`: a Region the account has not enabled.
    AuthFailure,
}

impl Ec2Error {
    /// Decoding failures: EC2 names the member and the value.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => Ec2Error::MissingParameter(format!(
                "The request must contain the parameter {member}"
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                Ec2Error::InvalidParameterValue(format!("Invalid value in the request: {text}"))
            }
        }
    }
}

impl From<Ec2Error> for ApiError {
    fn from(error: Ec2Error) -> ApiError {
        let (code, status, message) = match error {
            Ec2Error::InvalidParameterValue(m) => ("InvalidParameterValue", 400, m),
            Ec2Error::InvalidParameterCombination(m) => ("InvalidParameterCombination", 400, m),
            Ec2Error::MissingParameter(m) => ("MissingParameter", 400, m),
            Ec2Error::InvalidFilter(m) => ("InvalidFilter", 400, m),
            Ec2Error::DryRunOperation => (
                "DryRunOperation",
                412,
                "Request would have succeeded, but DryRun flag is set.".to_string(),
            ),
            Ec2Error::AuthFailure => (
                "AuthFailure",
                401,
                "AWS was not able to validate the provided access credentials".to_string(),
            ),
        };
        ApiError::new(code, status, message)
    }
}
