//! IaC generator (resource scans, generated templates), signals, cost estimates, hook
//! results and type versions.

use serde_json::{json, Value};

use super::tests::{root, run, world};
use crate::api::{ApiError, ServiceId};
use crate::auth::Caller;
use crate::world::World;

const ACCOUNT: &str = "111111111111";

fn cfn(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    run(world, caller, ServiceId::CloudFormation, op, input)
}

fn ok(world: &mut World, caller: &Caller, op: &str, input: Value) -> Value {
    cfn(world, caller, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn call(world: &mut World, caller: &Caller, service: ServiceId, op: &str, input: Value) -> Value {
    run(world, caller, service, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

/// A bucket with a tag and a policy, a role with a customer managed policy, and a
/// stack with a GuardDuty detector.
fn estate(w: &mut World, c: &Caller) -> String {
    call(
        w,
        c,
        ServiceId::S3,
        "CreateBucket",
        json!({"Bucket": "audit-logs", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}),
    );
    call(
        w,
        c,
        ServiceId::S3,
        "PutBucketTagging",
        json!({"Bucket": "audit-logs", "Tagging": {"TagSet": [{"Key": "team", "Value": "security"}]}}),
    );
    call(
        w,
        c,
        ServiceId::S3,
        "PutBucketPolicy",
        json!({"Bucket": "audit-logs", "Policy": format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::audit-logs/*","Condition":{{"Bool":{{"aws:SecureTransport":"false"}}}}}}]}}"#)}),
    );
    call(
        w,
        c,
        ServiceId::Iam,
        "CreateRole",
        json!({"RoleName": "worker", "AssumeRolePolicyDocument": TRUST, "Description": "runs jobs"}),
    );
    let policy = call(
        w,
        c,
        ServiceId::Iam,
        "CreatePolicy",
        json!({"PolicyName": "read-only", "PolicyDocument": READ_ONLY}),
    );
    let policy_arn = format!("arn:aws:iam::{ACCOUNT}:policy/read-only");
    assert!(policy.to_string().contains(&policy_arn), "{policy}");
    call(
        w,
        c,
        ServiceId::Iam,
        "AttachRolePolicy",
        json!({"RoleName": "worker", "PolicyArn": policy_arn}),
    );
    ok(
        w,
        c,
        "CreateStack",
        json!({"StackName": "guard", "TemplateBody": "Resources:\n  Detector:\n    Type: AWS::GuardDuty::Detector\n    Properties: {Enable: true}\n"}),
    );
    policy_arn
}

fn identifier(resource: &Value) -> Vec<(String, String)> {
    resource["ResourceIdentifier"]["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["key"].as_str().unwrap().to_string(),
                e["value"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn find<'a>(resources: &'a Value, type_name: &str) -> Vec<&'a Value> {
    resources
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ResourceType"] == type_name)
        .collect()
}

#[test]
fn a_scan_lists_the_accounts_resources_with_their_identifiers() {
    let mut w = world();
    let c = root(ACCOUNT);
    let policy_arn = estate(&mut w, &c);
    let id = ok(&mut w, &c, "StartResourceScan", json!({}))["ResourceScanId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("arn:aws:cloudformation:eu-west-1:111111111111:resourceScan/"));

    let scan = ok(
        &mut w,
        &c,
        "DescribeResourceScan",
        json!({"ResourceScanId": id}),
    );
    assert_eq!(scan["Status"], "COMPLETE");
    assert_eq!(scan["PercentageCompleted"], 100.0);
    assert_eq!(scan["ResourcesScanned"], 5, "{scan}");
    assert!(scan["ResourceTypes"]
        .as_array()
        .unwrap()
        .contains(&json!("AWS::S3::Bucket")));

    let all = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id}),
    );
    let resources = &all["Resources"];
    let buckets = find(resources, "AWS::S3::Bucket");
    assert_eq!(
        identifier(buckets[0]),
        [("BucketName".into(), "audit-logs".into())]
    );
    assert_eq!(buckets[0]["ManagedByStack"], false);
    assert_eq!(
        identifier(find(resources, "AWS::S3::BucketPolicy")[0]),
        [("Bucket".into(), "audit-logs".into())]
    );
    assert_eq!(
        identifier(find(resources, "AWS::IAM::Role")[0]),
        [("RoleName".into(), "worker".into())]
    );
    assert_eq!(
        identifier(find(resources, "AWS::IAM::ManagedPolicy")[0]),
        [("PolicyArn".into(), policy_arn.clone())]
    );
    let detector = find(resources, "AWS::GuardDuty::Detector")[0];
    assert_eq!(detector["ManagedByStack"], true, "the stack made it");
    assert_eq!(identifier(detector)[0].0, "Id");

    // Filters.
    let s3 = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id, "ResourceTypePrefix": "AWS::S3::"}),
    );
    assert_eq!(s3["Resources"].as_array().unwrap().len(), 2);
    let tagged = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id, "TagKey": "team", "TagValue": "security"}),
    );
    assert_eq!(find(&tagged["Resources"], "AWS::S3::Bucket").len(), 1);
    assert_eq!(tagged["Resources"].as_array().unwrap().len(), 1);
    let wrong_value = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id, "TagKey": "team", "TagValue": "other"}),
    );
    assert!(wrong_value["Resources"].as_array().unwrap().is_empty());
    let by_id = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id, "ResourceIdentifier": "worker"}),
    );
    assert_eq!(by_id["Resources"].as_array().unwrap().len(), 1);

    // Pages.
    let first = ok(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id, "MaxResults": 2}),
    );
    assert_eq!(first["Resources"].as_array().unwrap().len(), 2);
    let token = first["NextToken"].as_str().unwrap().to_string();
    let mut seen = first["Resources"].as_array().unwrap().clone();
    let mut token = Some(token);
    while let Some(t) = token {
        let page = ok(
            &mut w,
            &c,
            "ListResourceScanResources",
            json!({"ResourceScanId": id, "MaxResults": 2, "NextToken": t}),
        );
        seen.extend(page["Resources"].as_array().unwrap().iter().cloned());
        token = page["NextToken"].as_str().map(str::to_string);
    }
    assert_eq!(&Value::Array(seen), resources);

    // Related resources, both ways.
    let related = ok(
        &mut w,
        &c,
        "ListResourceScanRelatedResources",
        json!({"ResourceScanId": id, "Resources": [
            {"ResourceType": "AWS::IAM::Role", "ResourceIdentifier": {"RoleName": "worker"}},
            {"ResourceType": "AWS::S3::BucketPolicy", "ResourceIdentifier": {"Bucket": "audit-logs"}},
        ]}),
    );
    let types: Vec<&str> = related["RelatedResources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ResourceType"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["AWS::IAM::ManagedPolicy", "AWS::S3::Bucket"]);
    let back = ok(
        &mut w,
        &c,
        "ListResourceScanRelatedResources",
        json!({"ResourceScanId": id, "Resources": [
            {"ResourceType": "AWS::IAM::ManagedPolicy", "ResourceIdentifier": {"PolicyArn": policy_arn}},
        ]}),
    );
    assert_eq!(
        identifier(&back["RelatedResources"][0]),
        [("RoleName".into(), "worker".into())]
    );

    // Another account sees none of it.
    let other = root("222222222222");
    let e = cfn(
        &mut w,
        &other,
        "DescribeResourceScan",
        json!({"ResourceScanId": id}),
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("ResourceScanNotFound", 400));
    let e = cfn(
        &mut w,
        &c,
        "ListResourceScanResources",
        json!({"ResourceScanId": format!("{id}x")}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ResourceScanNotFound");
}

#[test]
fn partial_scans_quotas_tokens_and_listing() {
    let mut w = world();
    let c = root(ACCOUNT);
    estate(&mut w, &c);
    let partial = ok(
        &mut w,
        &c,
        "StartResourceScan",
        json!({"ScanFilters": [{"Types": ["AWS::IAM::*"]}], "ClientRequestToken": "token-1"}),
    )["ResourceScanId"]
        .clone();
    let again = ok(
        &mut w,
        &c,
        "StartResourceScan",
        json!({"ScanFilters": [{"Types": ["AWS::IAM::*"]}], "ClientRequestToken": "token-1"}),
    )["ResourceScanId"]
        .clone();
    assert_eq!(partial, again, "the same token answers the same scan");
    let scan = ok(
        &mut w,
        &c,
        "DescribeResourceScan",
        json!({"ResourceScanId": partial}),
    );
    assert_eq!(scan["ScanFilters"], json!([{"Types": ["AWS::IAM::*"]}]));
    assert_eq!(
        scan["ResourcesScanned"], 2,
        "role and managed policy: {scan}"
    );
    assert!(scan["ResourceTypes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t.as_str().unwrap().starts_with("AWS::IAM::")));

    for _ in 0..3 {
        ok(&mut w, &c, "StartResourceScan", json!({}));
    }
    let e = cfn(&mut w, &c, "StartResourceScan", json!({})).unwrap_err();
    assert_eq!(e.code, "ResourceScanLimitExceeded");
    // Partial scans have their own quota.
    ok(
        &mut w,
        &c,
        "StartResourceScan",
        json!({"ScanFilters": [{"Types": ["AWS::S3::Bucket"]}]}),
    );

    let listed = ok(&mut w, &c, "ListResourceScans", json!({}));
    let summaries = listed["ResourceScanSummaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 5);
    assert_eq!(summaries[4]["ResourceScanId"], partial, "newest first");
    let full = ok(
        &mut w,
        &c,
        "ListResourceScans",
        json!({"ScanTypeFilter": "FULL"}),
    );
    assert_eq!(full["ResourceScanSummaries"].as_array().unwrap().len(), 3);
    assert!(full["ResourceScanSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["ScanType"] == "FULL" && s["Status"] == "COMPLETE"));

    // A day later the quota allows another; a month later the old ones expired.
    w.clock.advance(24 * 3600 * 1000);
    ok(&mut w, &c, "StartResourceScan", json!({}));
    w.clock.advance(31 * 24 * 3600 * 1000);
    let scan = ok(
        &mut w,
        &c,
        "DescribeResourceScan",
        json!({"ResourceScanId": partial}),
    );
    assert_eq!(scan["Status"], "EXPIRED");

    let e = cfn(
        &mut w,
        &c,
        "StartResourceScan",
        json!({"ScanFilters": [{"Types": ["AWS::IAM::*"]}, {"Types": ["AWS::S3::*"]}]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

fn scan_definitions(w: &mut World, c: &Caller) -> Value {
    let id = ok(w, c, "StartResourceScan", json!({}))["ResourceScanId"].clone();
    let listed = ok(
        w,
        c,
        "ListResourceScanResources",
        json!({"ResourceScanId": id}),
    );
    Value::Array(
        listed["Resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["ManagedByStack"] == false)
            .map(|r| {
                let ident: serde_json::Map<String, Value> = identifier(r)
                    .into_iter()
                    .map(|(k, v)| (k, Value::String(v)))
                    .collect();
                json!({"ResourceType": r["ResourceType"], "ResourceIdentifier": ident})
            })
            .collect(),
    )
}

#[test]
fn a_generated_template_declares_the_scanned_resources_and_deploys_as_a_stack() {
    let mut w = world();
    let c = root(ACCOUNT);
    let policy_arn = estate(&mut w, &c);
    let resources = scan_definitions(&mut w, &c);
    assert_eq!(resources.as_array().unwrap().len(), 4);
    let id = ok(
        &mut w,
        &c,
        "CreateGeneratedTemplate",
        json!({"GeneratedTemplateName": "estate", "Resources": resources,
               "TemplateConfiguration": {"DeletionPolicy": "DELETE"}}),
    )["GeneratedTemplateId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(id.starts_with("arn:aws:cloudformation:eu-west-1:111111111111:generatedTemplate/"));
    let e = cfn(
        &mut w,
        &c,
        "CreateGeneratedTemplate",
        json!({"GeneratedTemplateName": "estate"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "AlreadyExistsException");

    let described = ok(
        &mut w,
        &c,
        "DescribeGeneratedTemplate",
        json!({"GeneratedTemplateName": "estate"}),
    );
    assert_eq!(described["Status"], "COMPLETE");
    assert_eq!(described["Progress"]["ResourcesSucceeded"], 4);
    assert_eq!(
        described["TemplateConfiguration"]["DeletionPolicy"],
        "DELETE"
    );
    assert_eq!(
        described["TemplateConfiguration"]["UpdateReplacePolicy"],
        "RETAIN"
    );
    let logical: Vec<&str> = described["Resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["LogicalResourceId"].as_str().unwrap())
        .collect();
    assert!(logical.contains(&"S3BucketAuditLogs"), "{logical:?}");
    assert!(logical.contains(&"IAMRoleWorker"), "{logical:?}");

    let json_body = ok(
        &mut w,
        &c,
        "GetGeneratedTemplate",
        json!({"GeneratedTemplateName": id}),
    )["TemplateBody"]
        .as_str()
        .unwrap()
        .to_string();
    let doc: Value = serde_json::from_str(&json_body).unwrap();
    assert_eq!(doc["Metadata"]["TemplateId"], id.as_str());
    let bucket = &doc["Resources"]["S3BucketAuditLogs"];
    assert_eq!(bucket["DeletionPolicy"], "Delete");
    assert_eq!(bucket["UpdateReplacePolicy"], "Retain");
    assert_eq!(bucket["Properties"]["BucketName"], "audit-logs");
    assert_eq!(
        bucket["Properties"]["Tags"],
        json!([{"Key": "team", "Value": "security"}])
    );
    assert_eq!(
        doc["Resources"]["S3BucketPolicyAuditLogs"]["Properties"]["Bucket"],
        json!({"Ref": "S3BucketAuditLogs"}),
        "related resources refer to each other"
    );
    let role = &doc["Resources"]["IAMRoleWorker"]["Properties"];
    assert_eq!(role["Description"], "runs jobs");
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Ref": "IAMManagedPolicyReadOnly"}])
    );
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        "lambda.amazonaws.com"
    );
    let yaml = ok(
        &mut w,
        &c,
        "GetGeneratedTemplate",
        json!({"GeneratedTemplateName": "estate", "Format": "YAML"}),
    )["TemplateBody"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(yaml.contains("S3BucketAuditLogs:"), "{yaml}");
    assert_eq!(
        super::template::parse_body(&yaml).unwrap(),
        doc,
        "the YAML says the same"
    );

    // The originals go; the generated template makes them again as a stack.
    call(
        &mut w,
        &c,
        ServiceId::S3,
        "DeleteBucketPolicy",
        json!({"Bucket": "audit-logs"}),
    );
    call(
        &mut w,
        &c,
        ServiceId::S3,
        "DeleteBucket",
        json!({"Bucket": "audit-logs"}),
    );
    call(
        &mut w,
        &c,
        ServiceId::Iam,
        "DetachRolePolicy",
        json!({"RoleName": "worker", "PolicyArn": policy_arn}),
    );
    call(
        &mut w,
        &c,
        ServiceId::Iam,
        "DeleteRole",
        json!({"RoleName": "worker"}),
    );
    call(
        &mut w,
        &c,
        ServiceId::Iam,
        "DeletePolicy",
        json!({"PolicyArn": policy_arn}),
    );
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "estate", "TemplateBody": yaml, "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    );
    let stack = ok(&mut w, &c, "DescribeStacks", json!({"StackName": "estate"}));
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "estate"}),
    );
    assert_eq!(
        stack["Stacks"][0]["StackStatus"], "CREATE_COMPLETE",
        "{events}"
    );
    let tags = call(
        &mut w,
        &c,
        ServiceId::S3,
        "GetBucketTagging",
        json!({"Bucket": "audit-logs"}),
    );
    assert!(tags.to_string().contains("security"), "{tags}");
    let role = call(
        &mut w,
        &c,
        ServiceId::Iam,
        "GetRole",
        json!({"RoleName": "worker"}),
    );
    assert!(role.to_string().contains("runs jobs"));
    call(
        &mut w,
        &c,
        ServiceId::S3,
        "GetBucketPolicy",
        json!({"Bucket": "audit-logs"}),
    );
}

#[test]
fn generated_templates_update_list_and_delete() {
    let mut w = world();
    let c = root(ACCOUNT);
    estate(&mut w, &c);
    ok(
        &mut w,
        &c,
        "CreateGeneratedTemplate",
        json!({"GeneratedTemplateName": "one", "StackName": "guard", "Resources": [
            {"ResourceType": "AWS::S3::Bucket", "LogicalResourceId": "Logs", "ResourceIdentifier": {"BucketName": "audit-logs"}},
            {"ResourceType": "AWS::S3::Bucket", "ResourceIdentifier": {"BucketName": "nowhere"}},
            {"ResourceType": "AWS::EC2::VPC", "ResourceIdentifier": {"VpcId": "vpc-1"}},
        ]}),
    );
    ok(
        &mut w,
        &c,
        "CreateGeneratedTemplate",
        json!({"GeneratedTemplateName": "two"}),
    );
    let d = ok(
        &mut w,
        &c,
        "DescribeGeneratedTemplate",
        json!({"GeneratedTemplateName": "one"}),
    );
    assert_eq!(d["Progress"]["ResourcesSucceeded"], 1);
    assert_eq!(d["Progress"]["ResourcesFailed"], 2);
    assert_eq!(d["Resources"][1]["ResourceStatus"], "FAILED");
    assert!(d["StackId"].as_str().unwrap().contains(":stack/guard/"));
    let body = ok(
        &mut w,
        &c,
        "GetGeneratedTemplate",
        json!({"GeneratedTemplateName": "one"}),
    );
    let doc: Value = serde_json::from_str(body["TemplateBody"].as_str().unwrap()).unwrap();
    assert_eq!(
        doc["Resources"].as_object().unwrap().len(),
        1,
        "only what was read"
    );
    assert!(doc["Resources"].get("Logs").is_some());

    // Duplicates and clashes.
    let e = cfn(
        &mut w,
        &c,
        "UpdateGeneratedTemplate",
        json!({"GeneratedTemplateName": "one", "AddResources": [
            {"ResourceType": "AWS::S3::Bucket", "ResourceIdentifier": {"BucketName": "audit-logs"}}]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    let e = cfn(
        &mut w,
        &c,
        "UpdateGeneratedTemplate",
        json!({"GeneratedTemplateName": "one", "NewGeneratedTemplateName": "two"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "AlreadyExistsException");

    // Change the bucket, then refresh, rename, add and remove.
    call(
        &mut w,
        &c,
        ServiceId::S3,
        "PutBucketVersioning",
        json!({"Bucket": "audit-logs", "VersioningConfiguration": {"Status": "Enabled"}}),
    );
    ok(
        &mut w,
        &c,
        "UpdateGeneratedTemplate",
        json!({"GeneratedTemplateName": "one", "NewGeneratedTemplateName": "renamed",
               "RefreshAllResources": true,
               "RemoveResources": ["S3BucketNowhere"],
               "AddResources": [{"ResourceType": "AWS::IAM::Role", "ResourceIdentifier": {"RoleName": "worker"}}],
               "TemplateConfiguration": {"UpdateReplacePolicy": "DELETE"}}),
    );
    let e = cfn(
        &mut w,
        &c,
        "DescribeGeneratedTemplate",
        json!({"GeneratedTemplateName": "one"}),
    )
    .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.status),
        ("GeneratedTemplateNotFound", 404)
    );
    let body = ok(
        &mut w,
        &c,
        "GetGeneratedTemplate",
        json!({"GeneratedTemplateName": "renamed"}),
    );
    let doc: Value = serde_json::from_str(body["TemplateBody"].as_str().unwrap()).unwrap();
    assert_eq!(
        doc["Resources"]["Logs"]["Properties"]["VersioningConfiguration"],
        json!({"Status": "Enabled"})
    );
    assert_eq!(doc["Resources"]["Logs"]["UpdateReplacePolicy"], "Delete");
    assert!(doc["Resources"].get("IAMRoleWorker").is_some());
    let e = cfn(
        &mut w,
        &c,
        "UpdateGeneratedTemplate",
        json!({"GeneratedTemplateName": "renamed", "RemoveResources": ["Missing"]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");

    let listed = ok(
        &mut w,
        &c,
        "ListGeneratedTemplates",
        json!({"MaxResults": 1}),
    );
    assert_eq!(listed["Summaries"][0]["GeneratedTemplateName"], "renamed");
    assert_eq!(listed["Summaries"][0]["NumberOfResources"], 3);
    let next = ok(
        &mut w,
        &c,
        "ListGeneratedTemplates",
        json!({"NextToken": listed["NextToken"]}),
    );
    assert_eq!(next["Summaries"][0]["GeneratedTemplateName"], "two");
    assert!(next["NextToken"].is_null());

    ok(
        &mut w,
        &c,
        "DeleteGeneratedTemplate",
        json!({"GeneratedTemplateName": "renamed"}),
    );
    let e = cfn(
        &mut w,
        &c,
        "DeleteGeneratedTemplate",
        json!({"GeneratedTemplateName": "renamed"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "GeneratedTemplateNotFound");
    let listed = ok(&mut w, &c, "ListGeneratedTemplates", json!({}));
    assert_eq!(listed["Summaries"].as_array().unwrap().len(), 1);
}

#[test]
fn a_signal_is_recorded_as_the_resources_event() {
    let mut w = world();
    let c = root(ACCOUNT);
    estate(&mut w, &c);
    ok(
        &mut w,
        &c,
        "SignalResource",
        json!({"StackName": "guard", "LogicalResourceId": "Detector", "UniqueId": "i-0abc", "Status": "FAILURE"}),
    );
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "guard"}),
    );
    let newest = &events["StackEvents"][0];
    assert_eq!(newest["LogicalResourceId"], "Detector");
    assert_eq!(newest["ResourceStatus"], "SIGNAL_RECEIVED");
    assert_eq!(
        newest["ResourceStatusReason"],
        "Received FAILURE signal with UniqueId i-0abc"
    );
    assert_eq!(newest["ResourceType"], "AWS::GuardDuty::Detector");
    let stack = ok(&mut w, &c, "DescribeStacks", json!({"StackName": "guard"}));
    assert_eq!(stack["Stacks"][0]["StackStatus"], "CREATE_COMPLETE");

    let e = cfn(
        &mut w,
        &c,
        "SignalResource",
        json!({"StackName": "guard", "LogicalResourceId": "Nope", "UniqueId": "i-1", "Status": "SUCCESS"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    let e = cfn(
        &mut w,
        &c,
        "SignalResource",
        json!({"StackName": "absent", "LogicalResourceId": "Detector", "UniqueId": "i-1", "Status": "SUCCESS"}),
    )
    .unwrap_err();
    assert_eq!(e.message, "Stack with id absent does not exist");
    let e = cfn(
        &mut w,
        &c,
        "SignalResource",
        json!({"StackName": "guard", "LogicalResourceId": "Detector", "UniqueId": "i-1", "Status": "MAYBE"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

#[test]
fn estimate_template_cost_validates_the_template() {
    let mut w = world();
    let c = root(ACCOUNT);
    let template = "Parameters:\n  Name: {Type: String}\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !Ref Name}\n";
    let out = ok(
        &mut w,
        &c,
        "EstimateTemplateCost",
        json!({"TemplateBody": template, "Parameters": [{"ParameterKey": "Name", "ParameterValue": "x"}]}),
    );
    assert!(out["Url"]
        .as_str()
        .unwrap()
        .starts_with("https://calculator.s3.amazonaws.com/calc5.html?key=cloudformation/"));
    let e = cfn(
        &mut w,
        &c,
        "EstimateTemplateCost",
        json!({"TemplateBody": template}),
    )
    .unwrap_err();
    assert_eq!(e.message, "Parameters: [Name] must have values");
    let e = cfn(
        &mut w,
        &c,
        "EstimateTemplateCost",
        json!({"TemplateBody": template, "Parameters": [
            {"ParameterKey": "Name", "ParameterValue": "x"},
            {"ParameterKey": "Other", "ParameterValue": "y"}]}),
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "Parameters: [Other] do not exist in the template"
    );
    let e = cfn(
        &mut w,
        &c,
        "EstimateTemplateCost",
        json!({"TemplateBody": "Resources: 5"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

#[test]
fn hook_results_do_not_exist_and_provided_types_have_one_version() {
    let mut w = world();
    let c = root(ACCOUNT);
    let e = cfn(
        &mut w,
        &c,
        "GetHookResult",
        json!({"HookResultId": "0a1b2c3d-0000-4000-8000-123456789abc"}),
    )
    .unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("HookResultNotFound", 404));
    let e = cfn(&mut w, &c, "GetHookResult", json!({"HookResultId": "nope"})).unwrap_err();
    assert_eq!(e.code, "ValidationError");

    let out = ok(
        &mut w,
        &c,
        "ListTypeVersions",
        json!({"Type": "RESOURCE", "TypeName": "AWS::S3::Bucket"}),
    );
    let versions = out["TypeVersionSummaries"].as_array().unwrap();
    assert_eq!(versions.len(), 1);
    assert_eq!(versions[0]["IsDefaultVersion"], true);
    let arn = "arn:aws:cloudformation:eu-west-1::type/resource/AWS-IAM-Role";
    let by_arn = ok(&mut w, &c, "ListTypeVersions", json!({"Arn": arn}));
    assert_eq!(
        by_arn["TypeVersionSummaries"][0]["TypeName"],
        "AWS::IAM::Role"
    );
    let deprecated = ok(
        &mut w,
        &c,
        "ListTypeVersions",
        json!({"Arn": arn, "DeprecatedStatus": "DEPRECATED"}),
    );
    assert!(deprecated["TypeVersionSummaries"]
        .as_array()
        .unwrap()
        .is_empty());
    let e = cfn(
        &mut w,
        &c,
        "ListTypeVersions",
        json!({"Type": "RESOURCE", "TypeName": "AWS::EC2::Instance"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "CFNRegistryException");
}
