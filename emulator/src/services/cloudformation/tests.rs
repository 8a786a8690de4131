use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::world::{Settings, World};

pub fn world() -> World {
    World::new(Settings {
        seed: Some(7),
        ..Settings::default()
    })
}

pub fn root(account: &str) -> Caller {
    Caller {
        account_id: account.to_string(),
        principal: Principal::Root,
        access_key_id: account.to_string(),
        temporary: false,
        region: "eu-west-1".to_string(),
    }
}

pub fn run(
    world: &mut World,
    caller: &Caller,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    world.begin_request();
    crate::services::dispatch(world, caller, service, op, input)
}

fn cfn(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    run(world, caller, ServiceId::CloudFormation, op, input)
}

fn ok(world: &mut World, caller: &Caller, op: &str, input: Value) -> Value {
    cfn(world, caller, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

const BASELINE: &str = r#"
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: true}
  AuditRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "audit-${Env}"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: sts:AssumeRole
      ManagedPolicyArns: [arn:aws:iam::aws:policy/SecurityAudit]
  Logs:
    Type: AWS::S3::Bucket
  LogsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Logs
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Deny
            Principal: "*"
            Action: s3:*
            Resource: [!GetAtt Logs.Arn, !Sub "${Logs.Arn}/*"]
            Condition: {Bool: {aws:SecureTransport: "false"}}
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties:
      RoleARN: !GetAtt AuditRole.Arn
      RecordingGroup: {AllSupported: true, IncludeGlobalResourceTypes: true}
  Channel:
    Type: AWS::Config::DeliveryChannel
    Properties: {S3BucketName: !Ref Logs}
  Rule:
    Type: AWS::Config::ConfigRule
    DependsOn: [Recorder, Channel]
    Properties:
      ConfigRuleName: !Sub "guardduty-enabled-${Env}"
      Source: {Owner: AWS, SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED}
Outputs:
  DetectorId:
    Value: !Ref Detector
    Export: {Name: !Sub "${AWS::StackName}-detector"}
  RoleArn:
    Value: !GetAtt AuditRole.Arn
"#;

fn status(world: &mut World, caller: &Caller, name: &str) -> String {
    let out = ok(world, caller, "DescribeStacks", json!({"StackName": name}));
    out["Stacks"][0]["StackStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_stack_makes_real_resources_and_deleting_it_removes_them() {
    let mut w = world();
    let c = root("111111111111");
    let e = cfn(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "base", "TemplateBody": BASELINE}),
    )
    .unwrap_err();
    assert_eq!(e.code, "InsufficientCapabilitiesException");
    assert_eq!(e.message, "Requires capabilities : [CAPABILITY_NAMED_IAM]");
    let out = ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "base", "TemplateBody": BASELINE, "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    );
    assert!(out["StackId"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:cloudformation:eu-west-1:111111111111:stack/base/"));
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "base"}),
    );
    assert_eq!(status(&mut w, &c, "base"), "CREATE_COMPLETE", "{events}");
    let stack = ok(&mut w, &c, "DescribeStacks", json!({"StackName": "base"}));
    let outputs = stack["Stacks"][0]["Outputs"].as_array().unwrap().clone();
    let detector = outputs
        .iter()
        .find(|o| o["OutputKey"] == "DetectorId")
        .unwrap()["OutputValue"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(detector.len(), 32);
    // Each resource through its own API.
    let d = run(
        &mut w,
        &c,
        ServiceId::GuardDuty,
        "GetDetector",
        json!({"DetectorId": detector}),
    )
    .unwrap();
    assert_eq!(d["status"], "ENABLED");
    let role = run(
        &mut w,
        &c,
        ServiceId::Iam,
        "GetRole",
        json!({"RoleName": "audit-dev"}),
    )
    .unwrap();
    assert_eq!(
        role["Role"]["Arn"],
        "arn:aws:iam::111111111111:role/audit-dev"
    );
    let attached = run(
        &mut w,
        &c,
        ServiceId::Iam,
        "ListAttachedRolePolicies",
        json!({"RoleName": "audit-dev"}),
    )
    .unwrap();
    assert_eq!(
        attached["AttachedPolicies"][0]["PolicyName"],
        "SecurityAudit"
    );
    let resources = ok(
        &mut w,
        &c,
        "DescribeStackResources",
        json!({"StackName": "base"}),
    );
    let bucket = resources["StackResources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["LogicalResourceId"] == "Logs")
        .unwrap()["PhysicalResourceId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(bucket.starts_with("base-logs-"), "{bucket}");
    let policy = run(
        &mut w,
        &c,
        ServiceId::S3,
        "GetBucketPolicy",
        json!({"Bucket": bucket}),
    )
    .unwrap();
    assert!(policy["Policy"]
        .as_str()
        .unwrap()
        .contains("aws:SecureTransport"));
    let rules = run(
        &mut w,
        &c,
        ServiceId::Config,
        "DescribeConfigRules",
        json!({"ConfigRuleNames": ["guardduty-enabled-dev"]}),
    )
    .unwrap();
    assert_eq!(
        rules["ConfigRules"][0]["Source"]["SourceIdentifier"],
        "GUARDDUTY_ENABLED_CENTRALIZED"
    );
    let exports = ok(&mut w, &c, "ListExports", json!({}));
    assert_eq!(exports["Exports"][0]["Name"], "base-detector");
    // Events: newest first, the stack's own last.
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "base"}),
    );
    assert_eq!(
        events["StackEvents"][0]["ResourceStatus"],
        "CREATE_COMPLETE"
    );
    assert_eq!(
        events["StackEvents"][0]["ResourceType"],
        "AWS::CloudFormation::Stack"
    );

    // Update: the parameter renames the role (a replacement) and the rule.
    ok(
        &mut w,
        &c,
        "UpdateStack",
        json!({"StackName": "base", "UsePreviousTemplate": "true", "Parameters": [{"ParameterKey": "Env", "ParameterValue": "prod"}], "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    );
    assert_eq!(status(&mut w, &c, "base"), "UPDATE_COMPLETE");
    assert!(run(
        &mut w,
        &c,
        ServiceId::Iam,
        "GetRole",
        json!({"RoleName": "audit-prod"})
    )
    .is_ok());
    assert_eq!(
        run(
            &mut w,
            &c,
            ServiceId::Iam,
            "GetRole",
            json!({"RoleName": "audit-dev"})
        )
        .unwrap_err()
        .code,
        "NoSuchEntity"
    );
    let e = cfn(
        &mut w,
        &c,
        "UpdateStack",
        json!({"StackName": "base", "UsePreviousTemplate": "true", "Parameters": [{"ParameterKey": "Env", "UsePreviousValue": "true"}], "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    )
    .unwrap_err();
    assert_eq!(e.message, "No updates are to be performed.");

    // Termination protection, then delete.
    ok(
        &mut w,
        &c,
        "UpdateTerminationProtection",
        json!({"StackName": "base", "EnableTerminationProtection": "true"}),
    );
    let e = cfn(&mut w, &c, "DeleteStack", json!({"StackName": "base"})).unwrap_err();
    assert_eq!(
        e.message,
        "Stack [base] cannot be deleted while TerminationProtection is enabled"
    );
    ok(
        &mut w,
        &c,
        "UpdateTerminationProtection",
        json!({"StackName": "base", "EnableTerminationProtection": "false"}),
    );
    ok(&mut w, &c, "DeleteStack", json!({"StackName": "base"}));
    let e = cfn(&mut w, &c, "DescribeStacks", json!({"StackName": "base"})).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("ValidationError", "Stack with id base does not exist")
    );
    assert_eq!(
        run(
            &mut w,
            &c,
            ServiceId::GuardDuty,
            "GetDetector",
            json!({"DetectorId": detector})
        )
        .unwrap_err()
        .status,
        400
    );
    assert!(run(
        &mut w,
        &c,
        ServiceId::Iam,
        "GetRole",
        json!({"RoleName": "audit-prod"})
    )
    .is_err());
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": bucket})
    )
    .is_err());
    let listed = ok(
        &mut w,
        &c,
        "ListStacks",
        json!({"StackStatusFilter": ["DELETE_COMPLETE"]}),
    );
    assert_eq!(listed["StackSummaries"][0]["StackName"], "base");
}

#[test]
fn a_failing_resource_rolls_back_what_was_made_before_it() {
    let mut w = world();
    let c = root("111111111111");
    // The second bucket's name is taken by the first: its create fails.
    let body = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: taken-name}\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]}\n  B:\n    Type: AWS::S3::Bucket\n    DependsOn: [A, R]\n    Properties: {BucketName: taken-name}\n";
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "bad", "TemplateBody": body, "Capabilities": ["CAPABILITY_IAM"]}),
    );
    assert_eq!(status(&mut w, &c, "bad"), "ROLLBACK_COMPLETE");
    let out = ok(&mut w, &c, "DescribeStacks", json!({"StackName": "bad"}));
    assert_eq!(
        out["Stacks"][0]["StackStatusReason"]
            .as_str()
            .unwrap_or_default(),
        ""
    );
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "bad"}),
    );
    let events = events["StackEvents"].as_array().unwrap();
    let failed = events
        .iter()
        .find(|e| e["ResourceStatus"] == "CREATE_FAILED")
        .unwrap();
    assert_eq!(failed["LogicalResourceId"], "B");
    assert!(
        failed["ResourceStatusReason"]
            .as_str()
            .unwrap()
            .contains("HandlerErrorCode: AlreadyExists"),
        "{failed}"
    );
    let rolling = events
        .iter()
        .find(|e| e["ResourceStatus"] == "ROLLBACK_IN_PROGRESS")
        .unwrap();
    assert_eq!(
        rolling["ResourceStatusReason"],
        "The following resource(s) failed to create: [B]. Rollback requested by user."
    );
    // Nothing is left behind.
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "taken-name"})
    )
    .is_err());
    let roles = run(&mut w, &c, ServiceId::Iam, "ListRoles", json!({})).unwrap();
    assert!(!roles.to_string().contains("bad-R-"), "{roles}");
    // A rolled-back stack cannot be updated, only deleted.
    let e = cfn(
        &mut w,
        &c,
        "UpdateStack",
        json!({"StackName": "bad", "UsePreviousTemplate": "true"}),
    )
    .unwrap_err();
    assert!(
        e.message
            .contains("is in ROLLBACK_COMPLETE state and can not be updated."),
        "{}",
        e.message
    );
    ok(&mut w, &c, "DeleteStack", json!({"StackName": "bad"}));
    // DO_NOTHING keeps what was made.
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "keep", "TemplateBody": body, "Capabilities": ["CAPABILITY_IAM"], "OnFailure": "DO_NOTHING"}),
    );
    assert_eq!(status(&mut w, &c, "keep"), "CREATE_FAILED");
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "taken-name"})
    )
    .is_ok());
}

#[test]
fn template_problems_are_validation_errors_before_anything_is_made() {
    let mut w = world();
    let c = root("111111111111");
    let e = cfn(&mut w, &c, "CreateStack", json!({"StackName": "x", "TemplateBody": "Resources:\n  Q: {Type: AWS::SQS::Queue}\n  F: {Type: AWS::Foo::Bar}\n"})).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "ValidationError",
            "Template format error: Unrecognized resource types: [AWS::Foo::Bar, AWS::SQS::Queue]"
        )
    );
    let e = cfn(&mut w, &c, "CreateStack", json!({"StackName": "x", "TemplateBody": "Resources:\n  A: {Type: AWS::S3::Bucket, DependsOn: B}\n  B: {Type: AWS::S3::Bucket, DependsOn: A}\n"})).unwrap_err();
    assert_eq!(e.message, "Circular dependency between resources: [A, B]");
    let e = cfn(&mut w, &c, "CreateStack", json!({"StackName": "x", "TemplateBody": "Parameters: {P: {Type: String}}\nResources:\n  A: {Type: AWS::S3::Bucket}\n"})).unwrap_err();
    assert_eq!(e.message, "Parameters: [P] must have values");
    let e = cfn(&mut w, &c, "CreateStack", json!({"StackName": "x", "TemplateBody": "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !ImportValue nope}\n"})).unwrap_err();
    assert_eq!(e.message, "No export named nope found.");
    let e = cfn(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "1x", "TemplateBody": "x"}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("failed to satisfy constraint"),
        "{}",
        e.message
    );
    assert!(
        cfn(&mut w, &c, "DescribeStacks", json!({})).unwrap()["Stacks"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let v = ok(
        &mut w,
        &c,
        "ValidateTemplate",
        json!({"TemplateBody": BASELINE}),
    );
    assert_eq!(v["Capabilities"], json!(["CAPABILITY_NAMED_IAM"]));
    assert_eq!(v["Parameters"][0]["ParameterKey"], "Env");
    let s = ok(
        &mut w,
        &c,
        "GetTemplateSummary",
        json!({"TemplateBody": BASELINE}),
    );
    assert!(s["ResourceTypes"]
        .as_array()
        .unwrap()
        .contains(&json!("AWS::GuardDuty::Detector")));
}

#[test]
fn exports_are_imported_and_protected() {
    let mut w = world();
    let c = root("111111111111");
    let producer = "Resources:\n  H: {Type: AWS::CloudFormation::WaitConditionHandle}\nOutputs:\n  O:\n    Value: shared-value\n    Export: {Name: SharedThing}\n";
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "producer", "TemplateBody": producer}),
    );
    let consumer = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: !ImportValue SharedThing}\n";
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "consumer", "TemplateBody": consumer}),
    );
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "shared-value"})
    )
    .is_ok());
    assert_eq!(
        ok(
            &mut w,
            &c,
            "ListImports",
            json!({"ExportName": "SharedThing"})
        )["Imports"],
        json!(["consumer"])
    );
    let e = cfn(&mut w, &c, "DeleteStack", json!({"StackName": "producer"})).unwrap_err();
    assert_eq!(
        e.message,
        "Export SharedThing cannot be deleted as it is in use by consumer"
    );
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "dup", "TemplateBody": producer}),
    );
    assert_eq!(status(&mut w, &c, "dup"), "ROLLBACK_COMPLETE");
    let events = ok(
        &mut w,
        &c,
        "DescribeStackEvents",
        json!({"StackName": "dup"}),
    );
    assert!(events
        .to_string()
        .contains("Export with name SharedThing is already exported by stack producer"));
    ok(&mut w, &c, "DeleteStack", json!({"StackName": "consumer"}));
    ok(&mut w, &c, "DeleteStack", json!({"StackName": "producer"}));
}

#[test]
fn change_sets_create_then_update_and_report_no_changes() {
    let mut w = world();
    let c = root("111111111111");
    let body =
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: cs-bucket}\n";
    let out = ok(
        &mut w,
        &c,
        "CreateChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "one", "ChangeSetType": "CREATE", "TemplateBody": body}),
    );
    assert!(out["Id"].as_str().unwrap().contains(":changeSet/one/"));
    assert_eq!(status(&mut w, &c, "cs"), "REVIEW_IN_PROGRESS");
    let d = ok(
        &mut w,
        &c,
        "DescribeChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "one"}),
    );
    assert_eq!(
        (d["Status"].as_str(), d["ExecutionStatus"].as_str()),
        (Some("CREATE_COMPLETE"), Some("AVAILABLE"))
    );
    assert_eq!(d["Changes"][0]["ResourceChange"]["Action"], "Add");
    ok(
        &mut w,
        &c,
        "ExecuteChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "one"}),
    );
    assert_eq!(status(&mut w, &c, "cs"), "CREATE_COMPLETE");
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "cs-bucket"})
    )
    .is_ok());
    let out = ok(
        &mut w,
        &c,
        "CreateChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "same", "TemplateBody": body}),
    );
    let d = ok(
        &mut w,
        &c,
        "DescribeChangeSet",
        json!({"ChangeSetName": out["Id"]}),
    );
    assert_eq!(d["Status"], "FAILED");
    assert_eq!(d["StatusReason"], "The submitted information didn't contain changes. Submit different information to create a change set.");
    let e = cfn(
        &mut w,
        &c,
        "ExecuteChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "same"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidChangeSetStatus");
    ok(
        &mut w,
        &c,
        "DeleteChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "same"}),
    );
    let body2 =
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: cs-bucket-2}\n";
    ok(
        &mut w,
        &c,
        "CreateChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "two", "TemplateBody": body2}),
    );
    let d = ok(
        &mut w,
        &c,
        "DescribeChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "two"}),
    );
    assert_eq!(d["Changes"][0]["ResourceChange"]["Replacement"], "True");
    assert_eq!(
        ok(&mut w, &c, "ListChangeSets", json!({"StackName": "cs"}))["Summaries"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    ok(
        &mut w,
        &c,
        "ExecuteChangeSet",
        json!({"StackName": "cs", "ChangeSetName": "two"}),
    );
    assert_eq!(status(&mut w, &c, "cs"), "UPDATE_COMPLETE");
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "cs-bucket-2"})
    )
    .is_ok());
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "cs-bucket"})
    )
    .is_err());
}

#[test]
fn retained_resources_outlive_their_stack_and_stack_policies_guard_updates() {
    let mut w = world();
    let c = root("111111111111");
    let body = "Resources:\n  B:\n    Type: AWS::S3::Bucket\n    DeletionPolicy: Retain\n    Properties: {BucketName: kept-bucket, Tags: [{Key: a, Value: '1'}]}\n";
    let policy = r#"{"Statement":[{"Effect":"Allow","Action":"Update:*","Principal":"*","Resource":"*"},{"Effect":"Deny","Action":"Update:*","Principal":"*","Resource":"LogicalResourceId/B"}]}"#;
    ok(
        &mut w,
        &c,
        "CreateStack",
        json!({"StackName": "r", "TemplateBody": body, "StackPolicyBody": policy}),
    );
    let changed = body.replace("'1'", "'2'");
    ok(
        &mut w,
        &c,
        "UpdateStack",
        json!({"StackName": "r", "TemplateBody": changed}),
    );
    assert_eq!(status(&mut w, &c, "r"), "UPDATE_ROLLBACK_COMPLETE");
    assert!(
        ok(&mut w, &c, "GetStackPolicy", json!({"StackName": "r"}))["StackPolicyBody"]
            .as_str()
            .unwrap()
            .contains("Deny")
    );
    ok(&mut w, &c, "DeleteStack", json!({"StackName": "r"}));
    assert!(run(
        &mut w,
        &c,
        ServiceId::S3,
        "HeadBucket",
        json!({"Bucket": "kept-bucket"})
    )
    .is_ok());
}
