//! Every attribute of `AwsSecurityFindingFilters` (API Reference) and where it lives
//! in an ASFF finding.

/// The shape of an attribute's filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Str,
    Num,
    Date,
    Map,
    Ip,
    Bool,
    Keyword,
}

/// A filterable attribute and where it lives: `.` descends, `[]` fans out over a list.
#[derive(Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub kind: Kind,
    pub path: &'static str,
}

const fn a(name: &'static str, kind: Kind, path: &'static str) -> Attribute {
    Attribute { name, kind, path }
}

use Kind::*;

pub const ATTRIBUTES: &[Attribute] = &[
    a("ProductArn", Str, "ProductArn"),
    a("AwsAccountId", Str, "AwsAccountId"),
    a("Id", Str, "Id"),
    a("GeneratorId", Str, "GeneratorId"),
    a("Region", Str, "Region"),
    a("Type", Str, "Types[]"),
    a("FirstObservedAt", Date, "FirstObservedAt"),
    a("LastObservedAt", Date, "LastObservedAt"),
    a("CreatedAt", Date, "CreatedAt"),
    a("UpdatedAt", Date, "UpdatedAt"),
    a("SeverityProduct", Num, "Severity.Product"),
    a("SeverityNormalized", Num, "Severity.Normalized"),
    a("SeverityLabel", Str, "Severity.Label"),
    a("Confidence", Num, "Confidence"),
    a("Criticality", Num, "Criticality"),
    a("Title", Str, "Title"),
    a("Description", Str, "Description"),
    a("RecommendationText", Str, "Remediation.Recommendation.Text"),
    a("SourceUrl", Str, "SourceUrl"),
    a("ProductFields", Map, "ProductFields"),
    a("ProductName", Str, "ProductName"),
    a("CompanyName", Str, "CompanyName"),
    a("UserDefinedFields", Map, "UserDefinedFields"),
    a("MalwareName", Str, "Malware[].Name"),
    a("MalwareType", Str, "Malware[].Type"),
    a("MalwarePath", Str, "Malware[].Path"),
    a("MalwareState", Str, "Malware[].State"),
    a("NetworkDirection", Str, "Network.Direction"),
    a("NetworkProtocol", Str, "Network.Protocol"),
    a("NetworkSourceIpV4", Ip, "Network.SourceIpV4"),
    a("NetworkSourceIpV6", Ip, "Network.SourceIpV6"),
    a("NetworkSourcePort", Num, "Network.SourcePort"),
    a("NetworkSourceDomain", Str, "Network.SourceDomain"),
    a("NetworkSourceMac", Str, "Network.SourceMac"),
    a("NetworkDestinationIpV4", Ip, "Network.DestinationIpV4"),
    a("NetworkDestinationIpV6", Ip, "Network.DestinationIpV6"),
    a("NetworkDestinationPort", Num, "Network.DestinationPort"),
    a("NetworkDestinationDomain", Str, "Network.DestinationDomain"),
    a("ProcessName", Str, "Process.Name"),
    a("ProcessPath", Str, "Process.Path"),
    a("ProcessPid", Num, "Process.Pid"),
    a("ProcessParentPid", Num, "Process.ParentPid"),
    a("ProcessLaunchedAt", Date, "Process.LaunchedAt"),
    a("ProcessTerminatedAt", Date, "Process.TerminatedAt"),
    a(
        "ThreatIntelIndicatorType",
        Str,
        "ThreatIntelIndicators[].Type",
    ),
    a(
        "ThreatIntelIndicatorValue",
        Str,
        "ThreatIntelIndicators[].Value",
    ),
    a(
        "ThreatIntelIndicatorCategory",
        Str,
        "ThreatIntelIndicators[].Category",
    ),
    a(
        "ThreatIntelIndicatorLastObservedAt",
        Date,
        "ThreatIntelIndicators[].LastObservedAt",
    ),
    a(
        "ThreatIntelIndicatorSource",
        Str,
        "ThreatIntelIndicators[].Source",
    ),
    a(
        "ThreatIntelIndicatorSourceUrl",
        Str,
        "ThreatIntelIndicators[].SourceUrl",
    ),
    a("ResourceType", Str, "Resources[].Type"),
    a("ResourceId", Str, "Resources[].Id"),
    a("ResourcePartition", Str, "Resources[].Partition"),
    a("ResourceRegion", Str, "Resources[].Region"),
    a("ResourceTags", Map, "Resources[].Tags"),
    a(
        "ResourceAwsEc2InstanceType",
        Str,
        "Resources[].Details.AwsEc2Instance.Type",
    ),
    a(
        "ResourceAwsEc2InstanceImageId",
        Str,
        "Resources[].Details.AwsEc2Instance.ImageId",
    ),
    a(
        "ResourceAwsEc2InstanceIpV4Addresses",
        Ip,
        "Resources[].Details.AwsEc2Instance.IpV4Addresses[]",
    ),
    a(
        "ResourceAwsEc2InstanceIpV6Addresses",
        Ip,
        "Resources[].Details.AwsEc2Instance.IpV6Addresses[]",
    ),
    a(
        "ResourceAwsEc2InstanceKeyName",
        Str,
        "Resources[].Details.AwsEc2Instance.KeyName",
    ),
    a(
        "ResourceAwsEc2InstanceIamInstanceProfileArn",
        Str,
        "Resources[].Details.AwsEc2Instance.IamInstanceProfileArn",
    ),
    a(
        "ResourceAwsEc2InstanceVpcId",
        Str,
        "Resources[].Details.AwsEc2Instance.VpcId",
    ),
    a(
        "ResourceAwsEc2InstanceSubnetId",
        Str,
        "Resources[].Details.AwsEc2Instance.SubnetId",
    ),
    a(
        "ResourceAwsEc2InstanceLaunchedAt",
        Date,
        "Resources[].Details.AwsEc2Instance.LaunchedAt",
    ),
    a(
        "ResourceAwsS3BucketOwnerId",
        Str,
        "Resources[].Details.AwsS3Bucket.OwnerId",
    ),
    a(
        "ResourceAwsS3BucketOwnerName",
        Str,
        "Resources[].Details.AwsS3Bucket.OwnerName",
    ),
    a(
        "ResourceAwsIamAccessKeyUserName",
        Str,
        "Resources[].Details.AwsIamAccessKey.UserName",
    ),
    a(
        "ResourceAwsIamAccessKeyPrincipalName",
        Str,
        "Resources[].Details.AwsIamAccessKey.PrincipalName",
    ),
    a(
        "ResourceAwsIamAccessKeyStatus",
        Str,
        "Resources[].Details.AwsIamAccessKey.Status",
    ),
    a(
        "ResourceAwsIamAccessKeyCreatedAt",
        Date,
        "Resources[].Details.AwsIamAccessKey.CreatedAt",
    ),
    a(
        "ResourceAwsIamUserUserName",
        Str,
        "Resources[].Details.AwsIamUser.UserName",
    ),
    a(
        "ResourceContainerName",
        Str,
        "Resources[].Details.Container.Name",
    ),
    a(
        "ResourceContainerImageId",
        Str,
        "Resources[].Details.Container.ImageId",
    ),
    a(
        "ResourceContainerImageName",
        Str,
        "Resources[].Details.Container.ImageName",
    ),
    a(
        "ResourceContainerLaunchedAt",
        Date,
        "Resources[].Details.Container.LaunchedAt",
    ),
    a("ResourceDetailsOther", Map, "Resources[].Details.Other"),
    a("ComplianceStatus", Str, "Compliance.Status"),
    a("VerificationState", Str, "VerificationState"),
    a("WorkflowState", Str, "WorkflowState"),
    a("WorkflowStatus", Str, "Workflow.Status"),
    a("RecordState", Str, "RecordState"),
    a(
        "RelatedFindingsProductArn",
        Str,
        "RelatedFindings[].ProductArn",
    ),
    a("RelatedFindingsId", Str, "RelatedFindings[].Id"),
    a("NoteText", Str, "Note.Text"),
    a("NoteUpdatedAt", Date, "Note.UpdatedAt"),
    a("NoteUpdatedBy", Str, "Note.UpdatedBy"),
    a("Keyword", Keyword, ""),
    a(
        "FindingProviderFieldsConfidence",
        Num,
        "FindingProviderFields.Confidence",
    ),
    a(
        "FindingProviderFieldsCriticality",
        Num,
        "FindingProviderFields.Criticality",
    ),
    a(
        "FindingProviderFieldsRelatedFindingsId",
        Str,
        "FindingProviderFields.RelatedFindings[].Id",
    ),
    a(
        "FindingProviderFieldsRelatedFindingsProductArn",
        Str,
        "FindingProviderFields.RelatedFindings[].ProductArn",
    ),
    a(
        "FindingProviderFieldsSeverityLabel",
        Str,
        "FindingProviderFields.Severity.Label",
    ),
    a(
        "FindingProviderFieldsSeverityOriginal",
        Str,
        "FindingProviderFields.Severity.Original",
    ),
    a(
        "FindingProviderFieldsTypes",
        Str,
        "FindingProviderFields.Types[]",
    ),
    a("Sample", Bool, "Sample"),
    a(
        "ComplianceSecurityControlId",
        Str,
        "Compliance.SecurityControlId",
    ),
    a(
        "ComplianceAssociatedStandardsId",
        Str,
        "Compliance.AssociatedStandards[].StandardsId",
    ),
    a(
        "VulnerabilitiesExploitAvailable",
        Str,
        "Vulnerabilities[].ExploitAvailable",
    ),
    a(
        "VulnerabilitiesFixAvailable",
        Str,
        "Vulnerabilities[].FixAvailable",
    ),
    a(
        "ComplianceSecurityControlParametersName",
        Str,
        "Compliance.SecurityControlParameters[].Name",
    ),
    a(
        "ComplianceSecurityControlParametersValue",
        Str,
        "Compliance.SecurityControlParameters[].Value[]",
    ),
    a("AwsAccountName", Str, "AwsAccountName"),
    a(
        "ResourceApplicationName",
        Str,
        "Resources[].ApplicationName",
    ),
    a("ResourceApplicationArn", Str, "Resources[].ApplicationArn"),
    a(
        "ResourceOwnerAccountId",
        Str,
        "Resources[].Owner.Account.Id",
    ),
    a("ResourceOwnerOrgId", Str, "Resources[].Owner.Org.Id"),
    a("ResourceProvider", Str, "Resources[].Provider"),
];

pub fn attribute(name: &str) -> Option<&'static Attribute> {
    ATTRIBUTES.iter().find(|a| a.name == name)
}
