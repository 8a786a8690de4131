//! CloudTrail errors: one variant per modelled exception orgsim raises, each mapped to
//! its shape name in one exhaustive match. CloudTrail models no status codes: every
//! error is HTTP 400, with the message under `Message`.

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum CtError {
    Validation(String),
    InvalidParameter(String),
    InvalidParameterCombination(String),
    InvalidTrailName(String),
    TrailNotFound(String),
    TrailAlreadyExists(String),
    TrailNotProvided(String),
    MaximumNumberOfTrailsExceeded(String),
    S3BucketDoesNotExist(String),
    InsufficientS3BucketPolicy(String),
    InvalidS3BucketName(String),
    InvalidS3Prefix(String),
    InvalidSnsTopicName(String),
    InvalidKmsKeyId(String),
    InvalidCloudWatchLogsLogGroupArn(String),
    InvalidCloudWatchLogsRoleArn(String),
    InvalidHomeRegion(String),
    InvalidEventSelectors(String),
    InvalidInsightSelectors(String),
    InsightNotEnabled(String),
    TagsLimitExceeded(String),
    InvalidTagParameter(String),
    CloudTrailArnInvalid(String),
    ResourceNotFound(String),
    ResourceTypeNotSupported(String),
    InvalidLookupAttributes(String),
    InvalidTimeRange(String),
    InvalidMaxResults(String),
    InvalidNextToken(String),
    InvalidEventCategory(String),
    OrganizationsNotInUse(String),
    OrganizationNotInAllFeaturesMode(String),
    NotOrganizationMasterAccount(String),
    NotOrganizationManagementAccount(String),
    CloudTrailAccessNotEnabled(String),
    CannotDelegateManagementAccount(String),
    AccountNotFound(String),
    AccountRegistered(String),
    AccountNotRegistered(String),
    DelegatedAdminAccountLimitExceeded(String),
    EventDataStoreNotFound(String),
    EventDataStoreAlreadyExists(String),
    EventDataStoreArnInvalid(String),
    EventDataStoreMaxLimitExceeded(String),
    EventDataStoreTerminationProtected(String),
    InvalidEventDataStoreStatus(String),
    InactiveEventDataStore(String),
    ChannelNotFound(String),
    ChannelAlreadyExists(String),
    ChannelArnInvalid(String),
    ChannelMaxLimitExceeded(String),
    ChannelExistsForEds(String),
    InvalidSource(String),
    QueryIdNotFound(String),
    InvalidQueryStatement(String),
    InactiveQuery(String),
    ResourceArnNotValid(String),
    ResourcePolicyNotFound(String),
    ResourcePolicyNotValid(String),
    UnsupportedOperation(String),
}

impl CtError {
    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => CtError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                lower_first(&member)
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                CtError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }

    /// A member that breaks its length or pattern constraint.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        CtError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn unknown_trail(name: &str, account: &str) -> Self {
        CtError::TrailNotFound(format!("Unknown trail: {name} for the user: {account}"))
    }

    pub fn bad_token() -> Self {
        CtError::InvalidNextToken("Invalid NextToken".to_string())
    }
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl From<CtError> for ApiError {
    fn from(error: CtError) -> ApiError {
        use CtError::*;
        let (code, message) = match error {
            Validation(m) => ("ValidationException", m),
            InvalidParameter(m) => ("InvalidParameterException", m),
            InvalidParameterCombination(m) => ("InvalidParameterCombinationException", m),
            InvalidTrailName(m) => ("InvalidTrailNameException", m),
            TrailNotFound(m) => ("TrailNotFoundException", m),
            TrailAlreadyExists(m) => ("TrailAlreadyExistsException", m),
            TrailNotProvided(m) => ("TrailNotProvidedException", m),
            MaximumNumberOfTrailsExceeded(m) => ("MaximumNumberOfTrailsExceededException", m),
            S3BucketDoesNotExist(m) => ("S3BucketDoesNotExistException", m),
            InsufficientS3BucketPolicy(m) => ("InsufficientS3BucketPolicyException", m),
            InvalidS3BucketName(m) => ("InvalidS3BucketNameException", m),
            InvalidS3Prefix(m) => ("InvalidS3PrefixException", m),
            InvalidSnsTopicName(m) => ("InvalidSnsTopicNameException", m),
            InvalidKmsKeyId(m) => ("InvalidKmsKeyIdException", m),
            InvalidCloudWatchLogsLogGroupArn(m) => ("InvalidCloudWatchLogsLogGroupArnException", m),
            InvalidCloudWatchLogsRoleArn(m) => ("InvalidCloudWatchLogsRoleArnException", m),
            InvalidHomeRegion(m) => ("InvalidHomeRegionException", m),
            InvalidEventSelectors(m) => ("InvalidEventSelectorsException", m),
            InvalidInsightSelectors(m) => ("InvalidInsightSelectorsException", m),
            InsightNotEnabled(m) => ("InsightNotEnabledException", m),
            TagsLimitExceeded(m) => ("TagsLimitExceededException", m),
            InvalidTagParameter(m) => ("InvalidTagParameterException", m),
            CloudTrailArnInvalid(m) => ("CloudTrailARNInvalidException", m),
            ResourceNotFound(m) => ("ResourceNotFoundException", m),
            ResourceTypeNotSupported(m) => ("ResourceTypeNotSupportedException", m),
            InvalidLookupAttributes(m) => ("InvalidLookupAttributesException", m),
            InvalidTimeRange(m) => ("InvalidTimeRangeException", m),
            InvalidMaxResults(m) => ("InvalidMaxResultsException", m),
            InvalidNextToken(m) => ("InvalidNextTokenException", m),
            InvalidEventCategory(m) => ("InvalidEventCategoryException", m),
            OrganizationsNotInUse(m) => ("OrganizationsNotInUseException", m),
            OrganizationNotInAllFeaturesMode(m) => ("OrganizationNotInAllFeaturesModeException", m),
            NotOrganizationMasterAccount(m) => ("NotOrganizationMasterAccountException", m),
            NotOrganizationManagementAccount(m) => ("NotOrganizationManagementAccountException", m),
            CloudTrailAccessNotEnabled(m) => ("CloudTrailAccessNotEnabledException", m),
            CannotDelegateManagementAccount(m) => ("CannotDelegateManagementAccountException", m),
            AccountNotFound(m) => ("AccountNotFoundException", m),
            AccountRegistered(m) => ("AccountRegisteredException", m),
            AccountNotRegistered(m) => ("AccountNotRegisteredException", m),
            DelegatedAdminAccountLimitExceeded(m) => {
                ("DelegatedAdminAccountLimitExceededException", m)
            }
            EventDataStoreNotFound(m) => ("EventDataStoreNotFoundException", m),
            EventDataStoreAlreadyExists(m) => ("EventDataStoreAlreadyExistsException", m),
            EventDataStoreArnInvalid(m) => ("EventDataStoreARNInvalidException", m),
            EventDataStoreMaxLimitExceeded(m) => ("EventDataStoreMaxLimitExceededException", m),
            EventDataStoreTerminationProtected(m) => {
                ("EventDataStoreTerminationProtectedException", m)
            }
            InvalidEventDataStoreStatus(m) => ("InvalidEventDataStoreStatusException", m),
            InactiveEventDataStore(m) => ("InactiveEventDataStoreException", m),
            ChannelNotFound(m) => ("ChannelNotFoundException", m),
            ChannelAlreadyExists(m) => ("ChannelAlreadyExistsException", m),
            ChannelArnInvalid(m) => ("ChannelARNInvalidException", m),
            ChannelMaxLimitExceeded(m) => ("ChannelMaxLimitExceededException", m),
            ChannelExistsForEds(m) => ("ChannelExistsForEDSException", m),
            InvalidSource(m) => ("InvalidSourceException", m),
            QueryIdNotFound(m) => ("QueryIdNotFoundException", m),
            InvalidQueryStatement(m) => ("InvalidQueryStatementException", m),
            InactiveQuery(m) => ("InactiveQueryException", m),
            ResourceArnNotValid(m) => ("ResourceARNNotValidException", m),
            ResourcePolicyNotFound(m) => ("ResourcePolicyNotFoundException", m),
            ResourcePolicyNotValid(m) => ("ResourcePolicyNotValidException", m),
            UnsupportedOperation(m) => ("UnsupportedOperationException", m),
        };
        ApiError::new(code, 400, message).with_message_key("Message")
    }
}
