//! Config errors: one variant per modelled exception orgsim raises, each mapped to its
//! shape name in one exhaustive match. All are HTTP 400 with the message under
//! `message` (CATALOG §7).

use crate::api::ApiError;
use crate::services::{classify_input_error, InputProblem};

#[derive(Clone, Debug, PartialEq)]
pub enum ConfigError {
    Validation(String),
    InvalidParameterValue(String),
    InvalidLimit(String),
    InvalidNextToken(String),
    InvalidRole(String),
    InvalidConfigurationRecorderName(String),
    InvalidDeliveryChannelName(String),
    InvalidResultToken(String),
    NoSuchBucket(String),
    InvalidTimeRange(String),
    ResourceNotDiscovered(String),
    MaxNumberOfConfigurationRecordersExceeded(String),
    MaxNumberOfDeliveryChannelsExceeded(String),
    MaxNumberOfConfigRulesExceeded(String),
    MaxNumberOfOrganizationConfigRulesExceeded(String),
    LimitExceeded(String),
    NoAvailableConfigurationRecorder(String),
    NoAvailableDeliveryChannel(String),
    NoSuchConfigurationRecorder(String),
    NoSuchDeliveryChannel(String),
    LastDeliveryChannelDeleteFailed(String),
    NoSuchConfigRule(String),
    NoSuchConfigurationAggregator(String),
    NoSuchOrganizationConfigRule(String),
    NoAvailableOrganization(String),
    OrganizationAccessDenied(String),
    OrganizationAllFeaturesNotEnabled(String),
    ConformancePackTemplateValidation(String),
    OrganizationConformancePackTemplateValidation(String),
    NoSuchConformancePack(String),
    NoSuchOrganizationConformancePack(String),
    NoSuchConfigRuleInConformancePack(String),
    MaxNumberOfConformancePacksExceeded(String),
    MaxNumberOfOrganizationConformancePacksExceeded(String),
    ResourceInUse(String),
    NoSuchRetentionConfiguration(String),
    ResourceNotFound(String),
    TooManyTags(String),
    NoSuchRemediationConfiguration(String),
    NoSuchRemediationException(String),
    InvalidExpression(String),
    NoRunningConfigurationRecorder(String),
    InsufficientDeliveryPolicy(String),
    InvalidS3KeyPrefix(String),
    Conflict(String),
}

impl ConfigError {
    /// Decoding failures, in the words of AWS's request validation.
    pub fn from_input(error: serde_json::Error) -> Self {
        match classify_input_error(&error) {
            InputProblem::Missing(member) => ConfigError::Validation(format!(
                "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
            )),
            InputProblem::UnknownVariant(text) | InputProblem::Malformed(text) => {
                ConfigError::Validation(format!("1 validation error detected: {text}"))
            }
        }
    }

    /// A member that breaks its length or pattern constraint.
    pub fn constraint(member: &str, value: &str, constraint: &str) -> Self {
        ConfigError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ))
    }

    pub fn no_such_rule(name: &str) -> Self {
        ConfigError::NoSuchConfigRule(format!("The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name."))
    }

    pub fn no_such_aggregator(name: &str) -> Self {
        ConfigError::NoSuchConfigurationAggregator(format!(
            "The configuration aggregator '{name}' does not exist."
        ))
    }

    pub fn bad_token() -> Self {
        ConfigError::InvalidNextToken("The nextToken provided is invalid".to_string())
    }
}

impl From<ConfigError> for ApiError {
    fn from(error: ConfigError) -> ApiError {
        use ConfigError::*;
        let (code, message) = match error {
            Validation(m) => ("ValidationException", m),
            InvalidParameterValue(m) => ("InvalidParameterValueException", m),
            InvalidLimit(m) => ("InvalidLimitException", m),
            InvalidNextToken(m) => ("InvalidNextTokenException", m),
            InvalidRole(m) => ("InvalidRoleException", m),
            InvalidConfigurationRecorderName(m) => ("InvalidConfigurationRecorderNameException", m),
            InvalidDeliveryChannelName(m) => ("InvalidDeliveryChannelNameException", m),
            InvalidResultToken(m) => ("InvalidResultTokenException", m),
            NoSuchBucket(m) => ("NoSuchBucketException", m),
            InvalidTimeRange(m) => ("InvalidTimeRangeException", m),
            ResourceNotDiscovered(m) => ("ResourceNotDiscoveredException", m),
            MaxNumberOfConfigurationRecordersExceeded(m) => {
                ("MaxNumberOfConfigurationRecordersExceededException", m)
            }
            MaxNumberOfDeliveryChannelsExceeded(m) => {
                ("MaxNumberOfDeliveryChannelsExceededException", m)
            }
            MaxNumberOfConfigRulesExceeded(m) => ("MaxNumberOfConfigRulesExceededException", m),
            MaxNumberOfOrganizationConfigRulesExceeded(m) => {
                ("MaxNumberOfOrganizationConfigRulesExceededException", m)
            }
            LimitExceeded(m) => ("LimitExceededException", m),
            NoAvailableConfigurationRecorder(m) => ("NoAvailableConfigurationRecorderException", m),
            NoAvailableDeliveryChannel(m) => ("NoAvailableDeliveryChannelException", m),
            NoSuchConfigurationRecorder(m) => ("NoSuchConfigurationRecorderException", m),
            NoSuchDeliveryChannel(m) => ("NoSuchDeliveryChannelException", m),
            LastDeliveryChannelDeleteFailed(m) => ("LastDeliveryChannelDeleteFailedException", m),
            NoSuchConfigRule(m) => ("NoSuchConfigRuleException", m),
            NoSuchConfigurationAggregator(m) => ("NoSuchConfigurationAggregatorException", m),
            NoSuchOrganizationConfigRule(m) => ("NoSuchOrganizationConfigRuleException", m),
            NoAvailableOrganization(m) => ("NoAvailableOrganizationException", m),
            OrganizationAccessDenied(m) => ("OrganizationAccessDeniedException", m),
            OrganizationAllFeaturesNotEnabled(m) => {
                ("OrganizationAllFeaturesNotEnabledException", m)
            }
            ConformancePackTemplateValidation(m) => {
                ("ConformancePackTemplateValidationException", m)
            }
            OrganizationConformancePackTemplateValidation(m) => {
                ("OrganizationConformancePackTemplateValidationException", m)
            }
            NoSuchConformancePack(m) => ("NoSuchConformancePackException", m),
            NoSuchOrganizationConformancePack(m) => {
                ("NoSuchOrganizationConformancePackException", m)
            }
            NoSuchConfigRuleInConformancePack(m) => {
                ("NoSuchConfigRuleInConformancePackException", m)
            }
            MaxNumberOfConformancePacksExceeded(m) => {
                ("MaxNumberOfConformancePacksExceededException", m)
            }
            MaxNumberOfOrganizationConformancePacksExceeded(m) => (
                "MaxNumberOfOrganizationConformancePacksExceededException",
                m,
            ),
            ResourceInUse(m) => ("ResourceInUseException", m),
            NoSuchRetentionConfiguration(m) => ("NoSuchRetentionConfigurationException", m),
            ResourceNotFound(m) => ("ResourceNotFoundException", m),
            TooManyTags(m) => ("TooManyTagsException", m),
            NoSuchRemediationConfiguration(m) => ("NoSuchRemediationConfigurationException", m),
            NoSuchRemediationException(m) => ("NoSuchRemediationExceptionException", m),
            InvalidExpression(m) => ("InvalidExpressionException", m),
            NoRunningConfigurationRecorder(m) => ("NoRunningConfigurationRecorderException", m),
            InsufficientDeliveryPolicy(m) => ("InsufficientDeliveryPolicyException", m),
            InvalidS3KeyPrefix(m) => ("InvalidS3KeyPrefixException", m),
            Conflict(m) => ("ConflictException", m),
        };
        ApiError::new(code, 400, message)
    }
}
