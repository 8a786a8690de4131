//! IAM errors: awsQuery codes (which differ from botocore's shape names) and HTTP
//! statuses from the model, in one exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum IamError {
    /// `ValidationError` (400): a member breaks a model constraint.
    Validation(String),
    InvalidInput(String),
    NoSuchEntity(String),
    EntityAlreadyExists(String),
    DeleteConflict(String),
    MalformedPolicyDocument(String),
    LimitExceeded(String),
    UnmodifiableEntity(String),
    PolicyNotAttachable(String),
    EntityTemporarilyUnmodifiable(String),
    InvalidAuthenticationCode(String),
    PasswordPolicyViolation(String),
    ReportNotPresent(String),
    ReportInProgress(String),
    DuplicateSshPublicKey(String),
    InvalidPublicKey(String),
    UnrecognizedPublicKeyEncoding(String),
    MalformedCertificate(String),
    DuplicateCertificate(String),
    NotSupportedService(String),
    InvalidUserType(String),
    ServiceAccessNotEnabled(String),
    AccountNotManagementOrDelegatedAdministrator(String),
    CallerIsNotManagementAccount(String),
    OrganizationNotFound(String),
    OrganizationNotInAllFeaturesMode(String),
    FeatureDisabled(String),
    FeatureEnabled(String),
    AccessDenied(String),
}

impl IamError {
    /// The framework's wording for a value that breaks a model constraint.
    pub fn constraint(value: &str, member: &str, constraint: &str) -> Self {
        IamError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn no_such(message: impl Into<String>) -> Self {
        IamError::NoSuchEntity(message.into())
    }

    /// Decoding failures: a missing member is AWS's "must not be null"; others are
    /// malformed values.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => IamError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                camel(&member)
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                // serde names the expected type, never the caller's secret input.
                IamError::Validation(format!("1 validation error detected: {}", readable(&text)))
            }
        }
    }
}

/// `UserName` → `userName`, as AWS names members in validation messages.
pub fn camel(member: &str) -> String {
    let mut chars = member.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase())
        .into_iter()
        .chain(chars)
        .collect()
}

/// serde's text without its position suffix.
fn readable(text: &str) -> String {
    text.split(" at line ").next().unwrap_or(text).to_string()
}

impl From<IamError> for ApiError {
    fn from(error: IamError) -> ApiError {
        use IamError::*;
        let (code, status, message) = match error {
            Validation(m) => ("ValidationError", 400, m),
            InvalidInput(m) => ("InvalidInput", 400, m),
            NoSuchEntity(m) => ("NoSuchEntity", 404, m),
            EntityAlreadyExists(m) => ("EntityAlreadyExists", 409, m),
            DeleteConflict(m) => ("DeleteConflict", 409, m),
            MalformedPolicyDocument(m) => ("MalformedPolicyDocument", 400, m),
            LimitExceeded(m) => ("LimitExceeded", 409, m),
            UnmodifiableEntity(m) => ("UnmodifiableEntity", 400, m),
            PolicyNotAttachable(m) => ("PolicyNotAttachable", 400, m),
            EntityTemporarilyUnmodifiable(m) => ("EntityTemporarilyUnmodifiable", 409, m),
            InvalidAuthenticationCode(m) => ("InvalidAuthenticationCode", 403, m),
            PasswordPolicyViolation(m) => ("PasswordPolicyViolation", 400, m),
            ReportNotPresent(m) => ("ReportNotPresent", 410, m),
            ReportInProgress(m) => ("ReportInProgress", 404, m),
            DuplicateSshPublicKey(m) => ("DuplicateSSHPublicKey", 400, m),
            InvalidPublicKey(m) => ("InvalidPublicKey", 400, m),
            UnrecognizedPublicKeyEncoding(m) => ("UnrecognizedPublicKeyEncoding", 400, m),
            MalformedCertificate(m) => ("MalformedCertificate", 400, m),
            DuplicateCertificate(m) => ("DuplicateCertificate", 409, m),
            NotSupportedService(m) => ("NotSupportedService", 404, m),
            InvalidUserType(m) => ("InvalidUserType", 400, m),
            ServiceAccessNotEnabled(m) => ("ServiceAccessNotEnabledException", 400, m),
            AccountNotManagementOrDelegatedAdministrator(m) => (
                "AccountNotManagementOrDelegatedAdministratorException",
                400,
                m,
            ),
            CallerIsNotManagementAccount(m) => ("CallerIsNotManagementAccountException", 400, m),
            OrganizationNotFound(m) => ("OrganizationNotFoundException", 400, m),
            OrganizationNotInAllFeaturesMode(m) => {
                ("OrganizationNotInAllFeaturesModeException", 400, m)
            }
            FeatureDisabled(m) => ("FeatureDisabled", 404, m),
            FeatureEnabled(m) => ("FeatureEnabled", 409, m),
            AccessDenied(m) => ("AccessDenied", 403, m),
        };
        ApiError::new(code, status, message)
    }
}
