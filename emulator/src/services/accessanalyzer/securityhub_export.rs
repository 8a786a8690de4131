//! Access Analyzer findings in Security Hub (DESIGN §5), as GuardDuty's reach it:
//! each new or changed finding is mapped to ASFF (product `aws/access-analyzer`) and
//! stored in the hub of the analyzer's account and region, if Security Hub is on
//! there and imports Access Analyzer's findings. An organization analyzer's
//! findings go to its (administrator) account's hub, naming the resource's account.

use serde_json::{json, Value};

use super::model::{Analyzer, Finding};
use crate::services::securityhub::findings::{store_imported, SCHEMA_VERSION};
use crate::services::securityhub::products::{imports, product_arn};
use crate::world::{iso8601, World};

pub const PRODUCT_PATH: &str = "aws/access-analyzer";

/// Sends the analyzer's findings with these ids to Security Hub. Never fails.
pub fn export(world: &mut World, analyzer_key: &str, ids: &[String]) {
    let Some(analyzer) = world.accessanalyzer.analyzers.get(analyzer_key) else {
        return;
    };
    let (region, account) = (analyzer.region.clone(), analyzer.account.clone());
    let product = product_arn(&region, PRODUCT_PATH);
    if !imports(world, &region, &account, &product) {
        return;
    }
    let asff: Vec<Value> = ids
        .iter()
        .filter_map(|id| analyzer.findings.get(id))
        .map(|f| to_asff(analyzer, f))
        .collect();
    for finding in asff {
        store_imported(world, &region, &account, finding, &product);
    }
}

fn resource_type(f: &Finding) -> &'static str {
    match f.resource_type.as_str() {
        "AWS::IAM::Role" => "AwsIamRole",
        "AWS::S3::Bucket" => "AwsS3Bucket",
        "AWS::IAM::User" => "AwsIamUser",
        _ => "Other",
    }
}

fn title(f: &Finding) -> String {
    let ty = resource_type(f);
    match f.finding_type.as_str() {
        "ExternalAccess" if f.is_public => format!("{ty}/{} allows public access", f.resource),
        "ExternalAccess" => format!("{ty}/{} allows cross-account access", f.resource),
        "UnusedIAMRole" => format!("{ty}/{} is an unused IAM role", f.resource),
        "UnusedIAMUserPassword" => format!("{ty}/{} has an unused password", f.resource),
        "UnusedIAMUserAccessKey" => format!("{ty}/{} has an unused access key", f.resource),
        other => format!("{ty}/{} {other}", f.resource),
    }
}

/// A finding as Access Analyzer sends it to Security Hub.
pub fn to_asff(analyzer: &Analyzer, f: &Finding) -> Value {
    let (label, normalized) = match (f.finding_type.as_str(), f.is_public) {
        ("ExternalAccess", true) => ("HIGH", 70),
        ("ExternalAccess", false) => ("LOW", 30),
        _ => ("LOW", 10),
    };
    let severity = json!({"Label": label, "Normalized": normalized});
    let kind = if f.finding_type == "ExternalAccess" {
        "External Access Granted"
    } else {
        "Unused Access"
    };
    let types = json!([format!(
        "Software and Configuration Checks/AWS Security Best Practices/{kind}"
    )]);
    let mut fields = serde_json::Map::new();
    fields.insert(
        "ResourceOwnerAccount".into(),
        json!(f.resource_owner_account),
    );
    fields.insert("FindingType".into(), json!(f.finding_type));
    if f.finding_type == "ExternalAccess" {
        fields.insert("IsPublic".into(), json!(f.is_public.to_string()));
        fields.insert("Action".into(), json!(f.action.join(",")));
        for (kind, value) in &f.principal {
            fields.insert(format!("Principal.{kind}"), json!(value));
        }
        for (key, value) in &f.condition {
            fields.insert(format!("Condition.{key}"), json!(value));
        }
    }
    let record_state = if f.status == "ACTIVE" {
        "ACTIVE"
    } else {
        "ARCHIVED"
    };
    json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": format!("{}/{}", analyzer.arn, f.id),
        "ProductArn": product_arn(&analyzer.region, PRODUCT_PATH),
        "ProductName": "IAM Access Analyzer",
        "CompanyName": "AWS",
        "Region": analyzer.region,
        "GeneratorId": format!("aws/access-analyzer/{}", analyzer.arn),
        "AwsAccountId": f.resource_owner_account,
        "Types": types,
        "CreatedAt": iso8601(f.created_ms),
        "UpdatedAt": iso8601(f.updated_ms),
        "FirstObservedAt": iso8601(f.created_ms),
        "LastObservedAt": iso8601(f.analyzed_ms),
        "Severity": severity,
        "Title": title(f),
        "Description": format!(
            "IAM Access Analyzer analyzer {} reports finding {} ({}) on {}.",
            analyzer.name, f.id, f.finding_type, f.resource
        ),
        "ProductFields": fields,
        "Resources": [{
            "Type": resource_type(f),
            "Id": f.resource,
            "Partition": "aws",
            "Region": analyzer.region,
        }],
        "RecordState": record_state,
        "FindingProviderFields": {"Severity": severity, "Types": types},
    })
}
