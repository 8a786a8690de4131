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

// --- StackSets ----------------------------------------------------------------------

const SET_TEMPLATE: &str = r#"
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: true}
  Audit:
    Type: AWS::IAM::Role
    Properties:
      RoleName: stackset-audit
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: "sts:AssumeRole"}
"#;

async fn detectors(emulator: &Emulator, account: &str) -> usize {
    guardduty(emulator, account)
        .list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()
        .len()
}

async fn instance_accounts(cfn: &aws_sdk_cloudformation::Client, set: &str) -> Vec<String> {
    let mut accounts: Vec<String> = cfn
        .list_stack_instances()
        .stack_set_name(set)
        .send()
        .await
        .unwrap()
        .summaries()
        .iter()
        .filter_map(|s| s.account().map(String::from))
        .collect();
    accounts.sort();
    accounts
}

#[tokio::test]
async fn a_service_managed_stack_set_reaches_the_ou_and_follows_accounts_moved_in_and_out() {
    use aws_sdk_cloudformation::types::{
        AutoDeployment, DeploymentTargets, PermissionModels, StackInstanceDetailedStatus,
        StackSetOperationStatus,
    };
    let emulator = Emulator::start();
    let org = crate::common::organization(&emulator)
        .ou("Workloads")
        .account_in("Dev", "Workloads")
        .account_in("Prod", "Workloads")
        .account("Sandbox")
        .build()
        .await;
    let cfn = cloudformation(&emulator, ACCOUNT);
    let (workloads, dev, prod, sandbox) = (
        org.ou("Workloads"),
        org.account("Dev"),
        org.account("Prod"),
        org.account("Sandbox"),
    );

    let refused = cfn
        .create_stack_set()
        .stack_set_name("baseline")
        .template_body(SET_TEMPLATE)
        .permission_model(PermissionModels::ServiceManaged)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refused.as_service_error().and_then(|e| e.meta().code()),
        Some("ValidationError")
    );

    cfn.activate_organizations_access().send().await.unwrap();
    cfn.create_stack_set()
        .stack_set_name("baseline")
        .template_body(SET_TEMPLATE)
        .permission_model(PermissionModels::ServiceManaged)
        .capabilities(Capability::CapabilityNamedIam)
        .auto_deployment(
            AutoDeployment::builder()
                .enabled(true)
                .retain_stacks_on_account_removal(false)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let again = cfn
        .create_stack_set()
        .stack_set_name("baseline")
        .template_body(SET_TEMPLATE)
        .permission_model(PermissionModels::ServiceManaged)
        .send()
        .await
        .unwrap_err();
    assert!(again
        .into_service_error()
        .is_name_already_exists_exception());

    let operation = cfn
        .create_stack_instances()
        .stack_set_name("baseline")
        .deployment_targets(
            DeploymentTargets::builder()
                .organizational_unit_ids(&workloads)
                .build(),
        )
        .regions("us-east-1")
        .send()
        .await
        .unwrap()
        .operation_id
        .unwrap();
    let described = cfn
        .describe_stack_set_operation()
        .stack_set_name("baseline")
        .operation_id(&operation)
        .send()
        .await
        .unwrap();
    assert_eq!(
        described.stack_set_operation().and_then(|o| o.status()),
        Some(&StackSetOperationStatus::Succeeded)
    );
    let mut expected = vec![dev.clone(), prod.clone()];
    expected.sort();
    assert_eq!(instance_accounts(&cfn, "baseline").await, expected);
    assert_eq!(detectors(&emulator, &dev).await, 1);
    assert_eq!(detectors(&emulator, &prod).await, 1);
    assert_eq!(detectors(&emulator, &sandbox).await, 0);
    assert_eq!(detectors(&emulator, ACCOUNT).await, 0);
    iam(&emulator, &dev)
        .get_role()
        .role_name("stackset-audit")
        .send()
        .await
        .unwrap();
    let instance = cfn
        .describe_stack_instance()
        .stack_set_name("baseline")
        .stack_instance_account(&dev)
        .stack_instance_region("us-east-1")
        .send()
        .await
        .unwrap()
        .stack_instance
        .unwrap();
    assert_eq!(
        instance
            .stack_instance_status()
            .and_then(|s| s.detailed_status()),
        Some(&StackInstanceDetailedStatus::Succeeded)
    );
    assert_eq!(instance.organizational_unit_id(), Some(workloads.as_str()));

    // Moved in: the sandbox account gets the baseline in the MoveAccount call.
    org.mgmt
        .move_account()
        .account_id(&sandbox)
        .source_parent_id(&org.root)
        .destination_parent_id(&workloads)
        .send()
        .await
        .unwrap();
    assert_eq!(detectors(&emulator, &sandbox).await, 1);
    assert_eq!(instance_accounts(&cfn, "baseline").await.len(), 3);

    // Moved out: Dev loses it, stack and resources.
    org.mgmt
        .move_account()
        .account_id(&dev)
        .source_parent_id(&workloads)
        .destination_parent_id(&org.root)
        .send()
        .await
        .unwrap();
    assert_eq!(detectors(&emulator, &dev).await, 0);
    assert!(iam(&emulator, &dev)
        .get_role()
        .role_name("stackset-audit")
        .send()
        .await
        .is_err());
    assert!(!instance_accounts(&cfn, "baseline").await.contains(&dev));
    let missing = cfn
        .describe_stack_instance()
        .stack_set_name("baseline")
        .stack_instance_account(&dev)
        .stack_instance_region("us-east-1")
        .send()
        .await
        .unwrap_err();
    assert!(missing
        .into_service_error()
        .is_stack_instance_not_found_exception());

    let not_empty = cfn
        .delete_stack_set()
        .stack_set_name("baseline")
        .send()
        .await
        .unwrap_err();
    assert!(not_empty
        .into_service_error()
        .is_stack_set_not_empty_exception());
}

#[tokio::test]
async fn a_self_managed_stack_set_needs_the_execution_role_in_each_target() {
    use aws_sdk_cloudformation::types::StackInstanceDetailedStatus;
    let emulator = Emulator::start();
    let (with_role, without) = ("222222222222", "333333333333");
    let cfn = cloudformation(&emulator, ACCOUNT);
    let refused = cfn
        .create_stack_set()
        .stack_set_name("own")
        .template_body(SET_TEMPLATE)
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap_err();
    let message = refused
        .as_service_error()
        .and_then(|e| e.meta().message())
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("AWSCloudFormationStackSetAdministrationRole"),
        "{message}"
    );

    let admin = iam(&emulator, ACCOUNT);
    admin
        .create_role()
        .role_name("AWSCloudFormationStackSetAdministrationRole")
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    admin
        .put_role_policy()
        .role_name("AWSCloudFormationStackSetAdministrationRole")
        .policy_name("AssumeExecution")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole"}]}"#)
        .send()
        .await
        .unwrap();
    let target = iam(&emulator, with_role);
    target
        .create_role()
        .role_name("AWSCloudFormationStackSetExecutionRole")
        .assume_role_policy_document(format!(r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:role/AWSCloudFormationStackSetAdministrationRole"}},"Action":"sts:AssumeRole"}}]}}"#))
        .send()
        .await
        .unwrap();
    target
        .attach_role_policy()
        .role_name("AWSCloudFormationStackSetExecutionRole")
        .policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
        .send()
        .await
        .unwrap();
    cfn.create_stack_set()
        .stack_set_name("own")
        .template_body(SET_TEMPLATE)
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();
    cfn.create_stack_instances()
        .stack_set_name("own")
        .accounts(with_role)
        .accounts(without)
        .regions("us-east-1")
        .operation_preferences(
            aws_sdk_cloudformation::types::StackSetOperationPreferences::builder()
                .failure_tolerance_count(1)
                .max_concurrent_count(1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(detectors(&emulator, with_role).await, 1);
    assert_eq!(detectors(&emulator, without).await, 0);
    let failed = cfn
        .describe_stack_instance()
        .stack_set_name("own")
        .stack_instance_account(without)
        .stack_instance_region("us-east-1")
        .send()
        .await
        .unwrap()
        .stack_instance
        .unwrap();
    assert_eq!(
        failed
            .stack_instance_status()
            .and_then(|s| s.detailed_status()),
        Some(&StackInstanceDetailedStatus::Failed)
    );
    assert_eq!(
        failed.status_reason(),
        Some(format!("Account {without} should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.").as_str())
    );
}

#[tokio::test]
async fn the_iac_generator_scans_resources_into_a_template_that_deploys() {
    use aws_sdk_cloudformation::types::{
        GeneratedTemplateStatus, ResourceDefinition, ResourceScanStatus, ScannedResourceIdentifier,
        TemplateFormat,
    };
    let emulator = Emulator::start();
    let cf = cloudformation(&emulator, ACCOUNT);
    let s3 = crate::common::s3(&emulator, ACCOUNT);
    let iam = iam(&emulator, ACCOUNT);
    s3.create_bucket()
        .bucket("scanned-logs")
        .send()
        .await
        .unwrap();
    iam.create_role()
        .role_name("scanned-role")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap();

    let scan_id = cf
        .start_resource_scan()
        .send()
        .await
        .unwrap()
        .resource_scan_id()
        .unwrap()
        .to_string();
    let scan = cf
        .describe_resource_scan()
        .resource_scan_id(&scan_id)
        .send()
        .await
        .unwrap();
    assert_eq!(scan.status(), Some(&ResourceScanStatus::Complete));
    let buckets = cf
        .list_resource_scan_resources()
        .resource_scan_id(&scan_id)
        .resource_type_prefix("AWS::S3::")
        .send()
        .await
        .unwrap();
    let bucket = &buckets.resources()[0];
    assert_eq!(bucket.resource_type(), Some("AWS::S3::Bucket"));
    assert_eq!(
        bucket.resource_identifier().unwrap()["BucketName"],
        "scanned-logs"
    );
    assert_eq!(bucket.managed_by_stack(), Some(false));
    let related = cf
        .list_resource_scan_related_resources()
        .resource_scan_id(&scan_id)
        .resources(
            ScannedResourceIdentifier::builder()
                .resource_type("AWS::S3::Bucket")
                .resource_identifier("BucketName", "scanned-logs")
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(related.related_resources().is_empty(), "no policy yet");
    let missing = cf
        .describe_resource_scan()
        .resource_scan_id(format!("{scan_id}0"))
        .send()
        .await
        .expect_err("unknown scan");
    assert!(missing
        .as_service_error()
        .unwrap()
        .is_resource_scan_not_found_exception());

    cf.create_generated_template()
        .generated_template_name("scanned")
        .resources(
            ResourceDefinition::builder()
                .resource_type("AWS::S3::Bucket")
                .resource_identifier("BucketName", "scanned-logs")
                .build(),
        )
        .resources(
            ResourceDefinition::builder()
                .resource_type("AWS::IAM::Role")
                .logical_resource_id("Worker")
                .resource_identifier("RoleName", "scanned-role")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let described = cf
        .describe_generated_template()
        .generated_template_name("scanned")
        .send()
        .await
        .unwrap();
    assert_eq!(described.status(), Some(&GeneratedTemplateStatus::Complete));
    assert_eq!(described.resources().len(), 2);
    let body = cf
        .get_generated_template()
        .generated_template_name("scanned")
        .format(TemplateFormat::Yaml)
        .send()
        .await
        .unwrap()
        .template_body()
        .unwrap()
        .to_string();
    assert!(body.contains("Worker:"), "{body}");

    // The originals go; the template makes them again.
    s3.delete_bucket()
        .bucket("scanned-logs")
        .send()
        .await
        .unwrap();
    iam.delete_role()
        .role_name("scanned-role")
        .send()
        .await
        .unwrap();
    cf.create_stack()
        .stack_name("regenerated")
        .template_body(&body)
        .capabilities(Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();
    cf.wait_until_stack_create_complete()
        .stack_name("regenerated")
        .wait(std::time::Duration::from_secs(10))
        .await
        .unwrap();
    s3.head_bucket()
        .bucket("scanned-logs")
        .send()
        .await
        .unwrap();
    iam.get_role()
        .role_name("scanned-role")
        .send()
        .await
        .unwrap();

    cf.delete_generated_template()
        .generated_template_name("scanned")
        .send()
        .await
        .unwrap();
    let gone = cf
        .describe_generated_template()
        .generated_template_name("scanned")
        .send()
        .await
        .expect_err("deleted");
    assert!(gone
        .as_service_error()
        .unwrap()
        .is_generated_template_not_found_exception());
}
