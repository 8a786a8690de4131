//! CloudFormation's errors: awsQuery codes and statuses from botocore's model, in one
//! exhaustive match.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum CfnError {
    /// `ValidationError` (400): bad input, a template problem, an unknown stack.
    Validation(String),
    AlreadyExists(String),
    InsufficientCapabilities(String),
    LimitExceeded(String),
    ChangeSetNotFound(String),
    InvalidChangeSetStatus(String),
    InvalidOperation(String),
    NameAlreadyExists(String),
    OperationInProgress(String),
    OperationNotFound(String),
    OperationIdAlreadyExists(String),
    StackInstanceNotFound(String),
    StackSetNotEmpty(String),
    StackSetNotFound(String),
    StackNotFound(String),
    TypeNotFound(String),
    AccessDenied(String),
    ResourceScanInProgress(String),
    ResourceScanLimitExceeded(String),
    ResourceScanNotFound(String),
    GeneratedTemplateNotFound(String),
    HookResultNotFound(String),
    Registry(String),
}

impl CfnError {
    pub fn stack_not_found(name: &str) -> Self {
        CfnError::Validation(format!("Stack with id {name} does not exist"))
    }

    pub fn stack_set_not_found(name: &str) -> Self {
        CfnError::StackSetNotFound(format!("StackSet {name} not found"))
    }

    /// The framework's wording for a value that breaks a model constraint.
    pub fn constraint(value: &str, member: &str, constraint: &str) -> Self {
        CfnError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => CfnError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                crate::services::iam::errors::camel(&member)
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                let text = text.split(" at line ").next().unwrap_or_default().to_string();
                CfnError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }
}

impl From<super::template::TemplateError> for CfnError {
    fn from(e: super::template::TemplateError) -> Self {
        CfnError::Validation(e.0)
    }
}

impl From<CfnError> for ApiError {
    fn from(e: CfnError) -> ApiError {
        let (code, status, message) = match e {
            CfnError::Validation(m) => ("ValidationError", 400, m),
            CfnError::AlreadyExists(m) => ("AlreadyExistsException", 400, m),
            CfnError::InsufficientCapabilities(m) => ("InsufficientCapabilitiesException", 400, m),
            CfnError::LimitExceeded(m) => ("LimitExceededException", 400, m),
            CfnError::ChangeSetNotFound(m) => ("ChangeSetNotFound", 404, m),
            CfnError::InvalidChangeSetStatus(m) => ("InvalidChangeSetStatus", 400, m),
            CfnError::InvalidOperation(m) => ("InvalidOperationException", 400, m),
            CfnError::NameAlreadyExists(m) => ("NameAlreadyExistsException", 409, m),
            CfnError::OperationInProgress(m) => ("OperationInProgressException", 409, m),
            CfnError::OperationNotFound(m) => ("OperationNotFoundException", 404, m),
            CfnError::OperationIdAlreadyExists(m) => ("OperationIdAlreadyExistsException", 409, m),
            CfnError::StackInstanceNotFound(m) => ("StackInstanceNotFoundException", 404, m),
            CfnError::StackSetNotEmpty(m) => ("StackSetNotEmptyException", 409, m),
            CfnError::StackSetNotFound(m) => ("StackSetNotFoundException", 404, m),
            CfnError::StackNotFound(m) => ("StackNotFoundException", 404, m),
            CfnError::TypeNotFound(m) => ("TypeNotFoundException", 404, m),
            CfnError::AccessDenied(m) => ("AccessDenied", 403, m),
            CfnError::ResourceScanInProgress(m) => ("ResourceScanInProgress", 400, m),
            CfnError::ResourceScanLimitExceeded(m) => ("ResourceScanLimitExceeded", 400, m),
            CfnError::ResourceScanNotFound(m) => ("ResourceScanNotFound", 400, m),
            CfnError::GeneratedTemplateNotFound(m) => ("GeneratedTemplateNotFound", 404, m),
            CfnError::HookResultNotFound(m) => ("HookResultNotFound", 404, m),
            CfnError::Registry(m) => ("CFNRegistryException", 400, m),
        };
        ApiError::new(code, status, message).with_message_key("Message")
    }
}
