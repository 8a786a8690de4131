//! The price table and the fixed workload: every amount, unit and source the cost model
//! uses, in one place. Prices are AWS's published on-demand list prices for US East
//! (N. Virginia), first tier, as the pages below gave them in 2026; orgsim applies them
//! in every region and ignores tiers and free trials (README, "Cost model").

/// One priced usage: what a meter measures and what one unit of it costs.
#[derive(Debug)]
pub struct Price {
    /// The `SERVICE` dimension value Cost Explorer shows.
    pub service: &'static str,
    /// The `SERVICE_CODE` of the price list.
    pub service_code: &'static str,
    /// The usage type after the region prefix (`USE1-<this>`).
    pub usage_type: &'static str,
    /// The `OPERATION` dimension value.
    pub operation: &'static str,
    /// The unit `UsageQuantity` is counted in.
    pub unit: &'static str,
    /// US dollars per unit.
    pub usd_per_unit: f64,
    /// Units of the fixed workload per hour while the thing is on (S3 storage: per GB
    /// actually stored, see [`S3_STORAGE`]).
    pub units_per_hour: f64,
    /// Where the price comes from.
    pub source: &'static str,
}

/// Hours in the month AWS prorates monthly prices over.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// GuardDuty, per account and region with a detector on: 1,000 CloudTrail management
/// events analysed an hour at $4.00 per million.
pub const GUARDDUTY_EVENTS: Price = Price {
    service: "Amazon GuardDuty",
    service_code: "AmazonGuardDuty",
    usage_type: "PaidEventsAnalyzed",
    operation: "CloudTrailManagementEventAnalysis",
    unit: "Events",
    usd_per_unit: 4.00 / 1_000_000.0,
    units_per_hour: 1_000.0,
    source: "https://aws.amazon.com/guardduty/pricing/",
};

/// GuardDuty, per account and region with a detector on: 0.01 GB of VPC flow and DNS
/// logs analysed an hour at $1.00 per GB.
pub const GUARDDUTY_LOGS: Price = Price {
    service: "Amazon GuardDuty",
    service_code: "AmazonGuardDuty",
    usage_type: "PaidLogsAnalyzed",
    operation: "VPCFlowAndDNSLogAnalysis",
    unit: "GB",
    usd_per_unit: 1.00,
    units_per_hour: 0.01,
    source: "https://aws.amazon.com/guardduty/pricing/",
};

/// Security Hub, per enabled standard: 10 security checks an hour at $0.0010 each.
pub const SECURITYHUB_CHECKS: Price = Price {
    service: "AWS Security Hub",
    service_code: "AWSSecurityHub",
    usage_type: "PaidComplianceCheck",
    operation: "ComplianceCheck",
    unit: "Checks",
    usd_per_unit: 0.0010,
    units_per_hour: 10.0,
    source: "https://aws.amazon.com/security-hub/pricing/",
};

/// Config, per recording recorder: 10 configuration items recorded an hour at $0.003.
pub const CONFIG_ITEMS: Price = Price {
    service: "AWS Config",
    service_code: "AWSConfig",
    usage_type: "ConfigurationItemRecorded",
    operation: "RecordConfigurationItem",
    unit: "ConfigurationItem",
    usd_per_unit: 0.003,
    units_per_hour: 10.0,
    source: "https://aws.amazon.com/config/pricing/",
};

/// Config, per rule in the account (its own and the organization's): 10 rule
/// evaluations an hour at $0.001.
pub const CONFIG_EVALUATIONS: Price = Price {
    service: "AWS Config",
    service_code: "AWSConfig",
    usage_type: "ConfigRuleEvaluations",
    operation: "EvaluateConfigRule",
    unit: "Evaluations",
    usd_per_unit: 0.001,
    units_per_hour: 10.0,
    source: "https://aws.amazon.com/config/pricing/",
};

/// CloudTrail, per logging trail that is an additional copy of an account's
/// management events: 1,000 events an hour at $2.00 per 100,000 (the first copy is free).
pub const CLOUDTRAIL_EXTRA_COPY: Price = Price {
    service: "AWS CloudTrail",
    service_code: "AWSCloudTrail",
    usage_type: "PaidEventsRecorded",
    operation: "ManagementEventsRecorded",
    unit: "Events",
    usd_per_unit: 2.00 / 100_000.0,
    units_per_hour: 1_000.0,
    source: "https://aws.amazon.com/cloudtrail/pricing/",
};

/// S3 Standard storage at $0.023 per GB-month, for the bytes each object version holds
/// (so `units_per_hour` is per GB stored: one hour is 1/730 of a GB-month).
pub const S3_STORAGE: Price = Price {
    service: "Amazon Simple Storage Service",
    service_code: "AmazonS3",
    usage_type: "TimedStorage-ByteHrs",
    operation: "StandardStorage",
    unit: "GB-Mo",
    usd_per_unit: 0.023,
    units_per_hour: 1.0 / HOURS_PER_MONTH,
    source: "https://aws.amazon.com/s3/pricing/",
};

/// S3, per bucket: 10 PUT, COPY, POST or LIST requests an hour at $0.005 per 1,000.
pub const S3_TIER1_REQUESTS: Price = Price {
    service: "Amazon Simple Storage Service",
    service_code: "AmazonS3",
    usage_type: "Requests-Tier1",
    operation: "PutObject",
    unit: "Requests",
    usd_per_unit: 0.005 / 1_000.0,
    units_per_hour: 10.0,
    source: "https://aws.amazon.com/s3/pricing/",
};

/// S3, per bucket: 100 GET and other requests an hour at $0.0004 per 1,000.
pub const S3_TIER2_REQUESTS: Price = Price {
    service: "Amazon Simple Storage Service",
    service_code: "AmazonS3",
    usage_type: "Requests-Tier2",
    operation: "GetObject",
    unit: "Requests",
    usd_per_unit: 0.0004 / 1_000.0,
    units_per_hour: 100.0,
    source: "https://aws.amazon.com/s3/pricing/",
};

/// Every price, for `GetDimensionValues` and the documentation.
pub const ALL: &[&Price] = &[
    &GUARDDUTY_EVENTS,
    &GUARDDUTY_LOGS,
    &SECURITYHUB_CHECKS,
    &CONFIG_ITEMS,
    &CONFIG_EVALUATIONS,
    &CLOUDTRAIL_EXTRA_COPY,
    &S3_STORAGE,
    &S3_TIER1_REQUESTS,
    &S3_TIER2_REQUESTS,
];

/// The prefix AWS puts before a usage type for a region (`USE1-`).
pub fn region_prefix(region: &str) -> String {
    let known = match region {
        "us-east-1" => "USE1",
        "us-east-2" => "USE2",
        "us-west-1" => "USW1",
        "us-west-2" => "USW2",
        "ca-central-1" => "CAN1",
        "eu-west-1" => "EU",
        "eu-west-2" => "EUW2",
        "eu-west-3" => "EUW3",
        "eu-central-1" => "EUC1",
        "eu-north-1" => "EUN1",
        "eu-south-1" => "EUS1",
        "ap-northeast-1" => "APN1",
        "ap-northeast-2" => "APN2",
        "ap-northeast-3" => "APN3",
        "ap-southeast-1" => "APS1",
        "ap-southeast-2" => "APS2",
        "ap-south-1" => "APS3",
        "sa-east-1" => "SAE1",
        _ => "",
    };
    if known.is_empty() {
        region.to_ascii_uppercase()
    } else {
        known.to_string()
    }
}
