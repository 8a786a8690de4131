//! Organizations errors: each variant's AWS code in one exhaustive match.
//! Every Organizations error is HTTP 400 except `ServiceException` (CATALOG §4.6).

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum OrgError {
    NotInUse,
    AccessDenied,
    AlreadyInOrganization,
    AccountNotFound,
    ChildNotFound,
    ParentNotFound,
    SourceParentNotFound,
    DestinationParentNotFound,
    OrganizationalUnitNotFound,
    RootNotFound,
    CreateAccountStatusNotFound,
    DuplicateAccount,
    DuplicateOrganizationalUnit,
    OrganizationNotEmpty,
    OrganizationalUnitNotEmpty,
    PolicyNotFound,
    TargetNotFound,
    DuplicatePolicy,
    DuplicatePolicyAttachment,
    PolicyNotAttached,
    PolicyInUse,
    PolicyTypeAlreadyEnabled,
    PolicyTypeNotEnabled,
    PolicyTypeNotAvailableForOrganization,
    EffectivePolicyNotFound,
    /// The policy text breaks its type's grammar (the reason, for the message).
    MalformedPolicyDocument(String),
    AccountAlreadyRegistered,
    AccountNotRegistered,
    ResourcePolicyNotFound,
    ResponsibilityTransferNotFound,
    /// A quota or rule (`Reason` from ConstraintViolationExceptionReason).
    ConstraintViolation(&'static str, String),
    /// Bad input (`Reason` from InvalidInputExceptionReason).
    InvalidInput(&'static str, String),
    /// The request body could not be read as the operation's input.
    Serialization(String),
    // Handshakes, leaving and closing.
    HandshakeNotFound,
    HandshakeAlreadyInState,
    InvalidHandshakeTransition,
    DuplicateHandshake,
    /// A handshake rule (`Reason` from HandshakeConstraintViolationExceptionReason).
    HandshakeConstraintViolation(&'static str, String),
    MasterCannotLeaveOrganization,
    AccountAlreadyClosed,
}

impl OrgError {
    pub fn invalid(reason: &'static str, message: impl Into<String>) -> Self {
        OrgError::InvalidInput(reason, message.into())
    }

    pub fn constraint(reason: &'static str, message: impl Into<String>) -> Self {
        OrgError::ConstraintViolation(reason, message.into())
    }

    pub fn handshake_constraint(reason: &'static str, message: impl Into<String>) -> Self {
        OrgError::HandshakeConstraintViolation(reason, message.into())
    }

    /// Decoding failures become AWS's validation answers.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => OrgError::invalid(
                "INPUT_REQUIRED",
                format!("You must specify a value for {member}."),
            ),
            InputProblem::UnknownVariant(text) => OrgError::invalid("INVALID_ENUM", text),
            InputProblem::Malformed(text) => OrgError::Serialization(text),
        }
    }
}

impl From<OrgError> for ApiError {
    fn from(error: OrgError) -> ApiError {
        use OrgError::*;
        let (code, message, reason): (&str, String, Option<&str>) = match error {
            NotInUse => ("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.".into(), None),
            AccessDenied => ("AccessDeniedException", "You don't have permissions to access this resource.".into(), None),
            AlreadyInOrganization => ("AlreadyInOrganizationException", "The AWS account is already a member of an organization.".into(), None),
            AccountNotFound => ("AccountNotFoundException", "You specified an account that doesn't exist.".into(), None),
            ChildNotFound => ("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.".into(), None),
            ParentNotFound => ("ParentNotFoundException", "We can't find a root or organizational unit (OU) with the ParentId that you specified.".into(), None),
            SourceParentNotFound => ("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.".into(), None),
            DestinationParentNotFound => ("DestinationParentNotFoundException", "We can't find the destination container (a root or OU) with the ParentId that you specified.".into(), None),
            OrganizationalUnitNotFound => ("OrganizationalUnitNotFoundException", "We can't find an organizational unit (OU) with the OrganizationalUnitId that you specified.".into(), None),
            RootNotFound => ("RootNotFoundException", "We can't find a root with the RootId that you specified.".into(), None),
            CreateAccountStatusNotFound => ("CreateAccountStatusNotFoundException", "We can't find a create account request with the CreateAccountRequestId that you specified.".into(), None),
            DuplicateAccount => ("DuplicateAccountException", "That account is already present in the specified destination.".into(), None),
            DuplicateOrganizationalUnit => ("DuplicateOrganizationalUnitException", "An OU with the same name already exists.".into(), None),
            OrganizationNotEmpty => ("OrganizationNotEmptyException", "The organization isn't empty. To delete an organization, you must first remove all member accounts except the management account.".into(), None),
            OrganizationalUnitNotEmpty => ("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.".into(), None),
            PolicyNotFound => ("PolicyNotFoundException", "We can't find a policy with the PolicyId that you specified.".into(), None),
            TargetNotFound => ("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified.".into(), None),
            DuplicatePolicy => ("DuplicatePolicyException", "A policy with the specified name and type already exists.".into(), None),
            DuplicatePolicyAttachment => ("DuplicatePolicyAttachmentException", "The selected policy is already attached to the specified target.".into(), None),
            PolicyNotAttached => ("PolicyNotAttachedException", "The policy isn't attached to the specified target in the specified root.".into(), None),
            PolicyInUse => ("PolicyInUseException", "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.".into(), None),
            PolicyTypeAlreadyEnabled => ("PolicyTypeAlreadyEnabledException", "The specified policy type is already enabled in the specified root.".into(), None),
            PolicyTypeNotEnabled => ("PolicyTypeNotEnabledException", "The specified policy type isn't currently enabled in this root. You can't attach policies of the specified type to entities in a root until you enable that type in the root.".into(), None),
            PolicyTypeNotAvailableForOrganization => ("PolicyTypeNotAvailableForOrganizationException", "You can't use the specified policy type with the feature set currently enabled for this organization.".into(), None),
            EffectivePolicyNotFound => ("EffectivePolicyNotFoundException", "We can't find an effective policy of the specified type for the specified account: the policy type isn't enabled, or no policy of that type applies to the account.".into(), None),
            MalformedPolicyDocument(why) => ("MalformedPolicyDocumentException", format!("The provided policy document doesn't meet the requirements of the specified policy type. {why}"), None),
            AccountAlreadyRegistered => ("AccountAlreadyRegisteredException", "The provided account is already a delegated administrator for your organization.".into(), None),
            AccountNotRegistered => ("AccountNotRegisteredException", "The provided account is not a registered delegated administrator for your organization.".into(), None),
            ResourcePolicyNotFound => ("ResourcePolicyNotFoundException", "We can't find a resource policy request with the parameter that you specified.".into(), None),
            ResponsibilityTransferNotFound => ("ResponsibilityTransferNotFoundException", "We can't find a transfer that you specified.".into(), None),
            ConstraintViolation(reason, message) => ("ConstraintViolationException", message, Some(reason)),
            InvalidInput(reason, message) => ("InvalidInputException", message, Some(reason)),
            Serialization(message) => ("SerializationException", message, None),
            HandshakeNotFound => ("HandshakeNotFoundException", "We can't find a handshake with the HandshakeId that you specified.".into(), None),
            HandshakeAlreadyInState => ("HandshakeAlreadyInStateException", "The specified handshake is already in the requested state.".into(), None),
            InvalidHandshakeTransition => ("InvalidHandshakeTransitionException", "You can't perform the operation on the handshake in its current state.".into(), None),
            DuplicateHandshake => ("DuplicateHandshakeException", "A handshake with the same action and target already exists.".into(), None),
            HandshakeConstraintViolation(reason, message) => ("HandshakeConstraintViolationException", message, Some(reason)),
            MasterCannotLeaveOrganization => ("MasterCannotLeaveOrganizationException", "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.".into(), None),
            AccountAlreadyClosed => ("AccountAlreadyClosedException", "You attempted to close an account that is already closed.".into(), None),
        };
        let error = ApiError::new(code, 400, message).with_message_key("Message");
        match reason {
            Some(reason) => error.with_field("Reason", reason),
            None => error,
        }
    }
}
