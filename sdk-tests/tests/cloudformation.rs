//! CloudFormation with the real SDK: a stack that makes a detector, a role, a bucket
//! with its policy and a Config rule, each checked through its own API, then updated
//! and deleted; a failing resource rolls the stack back; the SDK's waiter returns.

use aws_sdk_cloudformation::client::Waiters;
use aws_sdk_cloudformation::types::{Capability, Parameter, StackStatus};
use orgsim::Emulator;

use crate::common::{cloudformation, config, config_client, guardduty, iam};

const ACCOUNT: &str = "111111111111";

const TEMPLATE: &str = r#"
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
          - {Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: "sts:AssumeRole"}
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
            Action: "s3:*"
            Resource: [!GetAtt Logs.Arn, !Sub "${Logs.Arn}/*"]
            Condition: {Bool: {"aws:SecureTransport": "false"}}
  Recorder:
    Type: AWS::Config::ConfigurationRecorder
    Properties: {RoleARN: !GetAtt AuditRole.Arn}
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
  DetectorId: {Value: !Ref Detector}
  Bucket: {Value: !Ref Logs}
"#;

fn output(stack: &aws_sdk_cloudformation::types::Stack, key: &str) -> String {
    stack
        .outputs()
        .iter()
        .find(|o| o.output_key() == Some(key))
        .and_then(|o| o.output_value())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_stack_deploys_real_resources_updates_and_deletes() {
    let emulator = Emulator::start();
    let cf = cloudformation(&emulator, ACCOUNT);
    let denied = cf
        .create_stack()
        .stack_name("baseline")
        .template_body(TEMPLATE)
        .send()
        .await
        .expect_err("a named role needs CAPABILITY_NAMED_IAM");
    assert_eq!(
        denied.into_service_error().meta().code(),
        Some("InsufficientCapabilitiesException")
    );
    cf.create_stack()
        .stack_name("baseline")
        .template_body(TEMPLATE)
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await
        .expect("CreateStack");
    cf.wait_until_stack_create_complete()
        .stack_name("baseline")
        .wait(std::time::Duration::from_secs(30))
        .await
        .expect("the create waiter returns");
    let described = cf
        .describe_stacks()
        .stack_name("baseline")
        .send()
        .await
        .expect("DescribeStacks");
    let stack = &described.stacks()[0];
    assert_eq!(stack.stack_status(), Some(&StackStatus::CreateComplete));
    let detector = output(stack, "DetectorId");
    let bucket = output(stack, "Bucket");

    let gd = guardduty(&emulator, ACCOUNT);
    let d = gd
        .get_detector()
        .detector_id(&detector)
        .send()
        .await
        .expect("GetDetector");
    assert_eq!(d.status().map(|s| s.as_str()), Some("ENABLED"));
    let role = iam(&emulator, ACCOUNT)
        .get_role()
        .role_name("audit-dev")
        .send()
        .await
        .expect("GetRole");
    assert_eq!(
        role.role().map(|r| r.arn()),
        Some("arn:aws:iam::111111111111:role/audit-dev")
    );
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config(&emulator, ACCOUNT))
            .force_path_style(true)
            .build(),
    );
    let policy = s3
        .get_bucket_policy()
        .bucket(&bucket)
        .send()
        .await
        .expect("GetBucketPolicy");
    assert!(policy
        .policy()
        .unwrap_or_default()
        .contains("aws:SecureTransport"));
    let cfg = config_client(&emulator, ACCOUNT);
    let rules = cfg
        .describe_config_rules()
        .config_rule_names("guardduty-enabled-dev")
        .send()
        .await
        .expect("DescribeConfigRules");
    assert_eq!(rules.config_rules().len(), 1);

    cf.update_stack()
        .stack_name("baseline")
        .use_previous_template(true)
        .parameters(
            Parameter::builder()
                .parameter_key("Env")
                .parameter_value("prod")
                .build(),
        )
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await
        .expect("UpdateStack");
    cf.wait_until_stack_update_complete()
        .stack_name("baseline")
        .wait(std::time::Duration::from_secs(30))
        .await
        .expect("the update waiter returns");
    assert!(iam(&emulator, ACCOUNT)
        .get_role()
        .role_name("audit-prod")
        .send()
        .await
        .is_ok());
    assert!(iam(&emulator, ACCOUNT)
        .get_role()
        .role_name("audit-dev")
        .send()
        .await
        .is_err());
    let rules = cfg
        .describe_config_rules()
        .config_rule_names("guardduty-enabled-prod")
        .send()
        .await;
    assert!(rules.is_ok());

    cf.delete_stack()
        .stack_name("baseline")
        .send()
        .await
        .expect("DeleteStack");
    cf.wait_until_stack_delete_complete()
        .stack_name("baseline")
        .wait(std::time::Duration::from_secs(30))
        .await
        .expect("the delete waiter returns");
    assert!(gd
        .get_detector()
        .detector_id(&detector)
        .send()
        .await
        .is_err());
    assert!(s3.head_bucket().bucket(&bucket).send().await.is_err());
    assert!(iam(&emulator, ACCOUNT)
        .get_role()
        .role_name("audit-prod")
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn a_failing_resource_rolls_the_stack_back() {
    let emulator = Emulator::start();
    let cf = cloudformation(&emulator, ACCOUNT);
    let body = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: one-name}\n  B:\n    Type: AWS::S3::Bucket\n    DependsOn: A\n    Properties: {BucketName: one-name}\n";
    cf.create_stack()
        .stack_name("broken")
        .template_body(body)
        .send()
        .await
        .expect("CreateStack");
    let described = cf
        .describe_stacks()
        .stack_name("broken")
        .send()
        .await
        .expect("DescribeStacks");
    assert_eq!(
        described.stacks()[0].stack_status(),
        Some(&StackStatus::RollbackComplete)
    );
    let events = cf
        .describe_stack_events()
        .stack_name("broken")
        .send()
        .await
        .expect("events");
    let failed = events
        .stack_events()
        .iter()
        .find(|e| e.resource_status().map(|s| s.as_str()) == Some("CREATE_FAILED"))
        .expect("a CREATE_FAILED event");
    assert_eq!(failed.logical_resource_id(), Some("B"));
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&config(&emulator, ACCOUNT))
            .force_path_style(true)
            .build(),
    );
    assert!(
        s3.head_bucket().bucket("one-name").send().await.is_err(),
        "nothing left behind"
    );
    let err = cf
        .create_stack()
        .stack_name("unknown")
        .template_body("Resources:\n  X: {Type: AWS::Foo::Bar}\n")
        .send()
        .await
        .expect_err("unknown type");
    let message = err
        .into_service_error()
        .meta()
        .message()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        message,
        "Template format error: Unrecognized resource types: [AWS::Foo::Bar]"
    );
}
