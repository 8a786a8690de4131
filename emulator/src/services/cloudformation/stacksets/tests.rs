use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::Caller;
use crate::services::guardduty::test_support::{org_call, org_with_accounts, MANAGEMENT};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

const REGION: &str = "us-east-1";

const BASELINE: &str = r#"
Parameters:
  Team: {Type: String, Default: platform}
Resources:
  Detector:
    Type: AWS::GuardDuty::Detector
    Properties: {Enable: true}
  Audit:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !Sub "audit-${Team}"
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}, Action: sts:AssumeRole}
"#;

fn call(
    world: &mut World,
    caller: &Caller,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    world.begin_request();
    crate::services::dispatch(world, caller, service, op, input)
}

fn cfn(world: &mut World, account: &str, op: &str, input: Value) -> Result<Value, ApiError> {
    call(
        world,
        &root_caller(account),
        ServiceId::CloudFormation,
        op,
        input,
    )
}

fn ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
    cfn(world, account, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

fn iam(world: &mut World, account: &str, op: &str, input: Value) {
    call(world, &root_caller(account), ServiceId::Iam, op, input)
        .unwrap_or_else(|e| panic!("{op}: {e:?}"));
}

fn has_detector(world: &World, account: &str) -> bool {
    world.guardduty.detector(REGION, account).is_some()
}

fn root_id(world: &World) -> String {
    world
        .organizations
        .organization_of(MANAGEMENT)
        .unwrap()
        .root
        .id
        .clone()
}

fn move_to(world: &mut World, account: &str, to: &str) {
    let org = world.organizations.organization_of(MANAGEMENT).unwrap();
    let from = org.members[account].parent_id.clone();
    org_call(
        world,
        MANAGEMENT,
        "MoveAccount",
        json!({"AccountId": account, "SourceParentId": from, "DestinationParentId": to}),
    );
}

/// An organization with a Workloads OU holding the first two of three accounts.
fn organization() -> (World, Vec<String>, String) {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    let root = root_id(&w);
    let ou = org_call(
        &mut w,
        MANAGEMENT,
        "CreateOrganizationalUnit",
        json!({"ParentId": root, "Name": "Workloads"}),
    )["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    move_to(&mut w, &accounts[0], &ou);
    move_to(&mut w, &accounts[1], &ou);
    (w, accounts, ou)
}

fn service_managed_set(w: &mut World, ou: &str, retain: bool) -> String {
    ok(w, MANAGEMENT, "ActivateOrganizationsAccess", json!({}));
    ok(
        w,
        MANAGEMENT,
        "CreateStackSet",
        json!({
            "StackSetName": "baseline",
            "TemplateBody": BASELINE,
            "PermissionModel": "SERVICE_MANAGED",
            "Capabilities": ["CAPABILITY_NAMED_IAM"],
            "AutoDeployment": {"Enabled": true, "RetainStacksOnAccountRemoval": retain},
        }),
    );
    ok(
        w,
        MANAGEMENT,
        "CreateStackInstances",
        json!({
            "StackSetName": "baseline",
            "DeploymentTargets": {"OrganizationalUnitIds": [ou]},
            "Regions": [REGION],
        }),
    )["OperationId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn instance_accounts(w: &mut World) -> Vec<String> {
    let out = ok(
        w,
        MANAGEMENT,
        "ListStackInstances",
        json!({"StackSetName": "baseline"}),
    );
    let mut v: Vec<String> = out["Summaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Account"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn service_managed_sets_need_organizations_access() {
    let (mut w, _, _) = organization();
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "CreateStackSet",
        json!({"StackSetName": "s", "TemplateBody": BASELINE, "PermissionModel": "SERVICE_MANAGED", "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    assert!(
        e.message.contains("enable organizations access"),
        "{}",
        e.message
    );
    assert_eq!(
        ok(&mut w, MANAGEMENT, "DescribeOrganizationsAccess", json!({}))["Status"],
        "DISABLED"
    );
    ok(&mut w, MANAGEMENT, "ActivateOrganizationsAccess", json!({}));
    assert_eq!(
        ok(&mut w, MANAGEMENT, "DescribeOrganizationsAccess", json!({}))["Status"],
        "ENABLED"
    );
}

#[test]
fn a_service_managed_set_reaches_the_ou_and_follows_accounts_in_and_out() {
    let (mut w, accounts, ou) = organization();
    let operation = service_managed_set(&mut w, &ou, false);
    assert!(has_detector(&w, &accounts[0]) && has_detector(&w, &accounts[1]));
    assert!(!has_detector(&w, &accounts[2]) && !has_detector(&w, MANAGEMENT));
    assert!(w.iam.role(&accounts[0], "audit-platform").is_some());
    let op = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackSetOperation",
        json!({"StackSetName": "baseline", "OperationId": operation}),
    );
    assert_eq!(op["StackSetOperation"]["Status"], "SUCCEEDED");
    let results = ok(
        &mut w,
        MANAGEMENT,
        "ListStackSetOperationResults",
        json!({"StackSetName": "baseline", "OperationId": operation}),
    );
    assert_eq!(results["Summaries"].as_array().unwrap().len(), 2);
    assert_eq!(results["Summaries"][0]["Status"], "SUCCEEDED");

    // An account moved in gets the baseline in the same call.
    move_to(&mut w, &accounts[2], &ou);
    assert!(has_detector(&w, &accounts[2]));
    let mut expected = accounts.clone();
    expected.sort();
    assert_eq!(instance_accounts(&mut w), expected);

    // One moved out loses it.
    let root = root_id(&w);
    move_to(&mut w, &accounts[0], &root);
    assert!(!has_detector(&w, &accounts[0]));
    assert!(w.iam.role(&accounts[0], "audit-platform").is_none());
    assert_eq!(instance_accounts(&mut w).len(), 2);
    let targets = ok(
        &mut w,
        MANAGEMENT,
        "ListStackSetAutoDeploymentTargets",
        json!({"StackSetName": "baseline"}),
    );
    assert_eq!(targets["Summaries"][0]["OrganizationalUnitId"], ou.as_str());

    // A set with instances cannot be deleted; without them it can.
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "DeleteStackSet",
        json!({"StackSetName": "baseline"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "StackSetNotEmptyException");
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteStackInstances",
        json!({"StackSetName": "baseline", "DeploymentTargets": {"OrganizationalUnitIds": [ou]}, "Regions": [REGION], "RetainStacks": false}),
    );
    assert!(!has_detector(&w, &accounts[1]));
    ok(
        &mut w,
        MANAGEMENT,
        "DeleteStackSet",
        json!({"StackSetName": "baseline"}),
    );
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "DescribeStackSet",
        json!({"StackSetName": "baseline"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "StackSetNotFoundException");
}

#[test]
fn retained_stacks_stay_detached_when_an_account_leaves_the_targets() {
    let (mut w, accounts, ou) = organization();
    service_managed_set(&mut w, &ou, true);
    let root = root_id(&w);
    move_to(&mut w, &accounts[1], &root);
    assert!(has_detector(&w, &accounts[1]));
    assert_eq!(instance_accounts(&mut w), vec![accounts[0].clone()]);
    let stacks = &w
        .cloudformation
        .regional(&accounts[1], REGION)
        .unwrap()
        .stacks;
    assert!(stacks.iter().all(|s| s.stack_set_id.is_none()));
}

#[test]
fn a_delegated_administrator_creates_sets_in_the_management_account() {
    let (mut w, accounts, ou) = organization();
    ok(&mut w, MANAGEMENT, "ActivateOrganizationsAccess", json!({}));
    let admin = accounts[2].clone();
    let create = json!({
        "StackSetName": "delegated",
        "TemplateBody": BASELINE,
        "PermissionModel": "SERVICE_MANAGED",
        "Capabilities": ["CAPABILITY_NAMED_IAM"],
        "AutoDeployment": {"Enabled": false},
        "CallAs": "DELEGATED_ADMIN",
    });
    let e = cfn(&mut w, &admin, "CreateStackSet", create.clone()).unwrap_err();
    assert_eq!(e.message, "Account used is not a delegated administrator");
    org_call(
        &mut w,
        MANAGEMENT,
        "RegisterDelegatedAdministrator",
        json!({"AccountId": admin, "ServicePrincipal": super::SERVICE_PRINCIPAL}),
    );
    ok(&mut w, &admin, "CreateStackSet", create);
    assert!(cfn(
        &mut w,
        &admin,
        "DescribeStackSet",
        json!({"StackSetName": "delegated"})
    )
    .is_err());
    let set = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackSet",
        json!({"StackSetName": "delegated"}),
    );
    assert!(set["StackSet"]["StackSetARN"]
        .as_str()
        .unwrap()
        .contains(MANAGEMENT));
    let root = root_id(&w);
    ok(
        &mut w,
        &admin,
        "CreateStackInstances",
        json!({"StackSetName": "delegated", "CallAs": "DELEGATED_ADMIN", "DeploymentTargets": {"OrganizationalUnitIds": [root]}, "Regions": [REGION]}),
    );
    // The whole organization but the management account.
    assert!(accounts.iter().all(|a| has_detector(&w, a)));
    assert!(!has_detector(&w, MANAGEMENT));
    let _ = ou;
}

const CLOUDFORMATION_TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

#[test]
fn self_managed_sets_check_the_administration_and_execution_roles() {
    let (mut w, accounts, _) = organization();
    let create = json!({"StackSetName": "own", "TemplateBody": BASELINE, "Capabilities": ["CAPABILITY_NAMED_IAM"]});
    let e = cfn(&mut w, MANAGEMENT, "CreateStackSet", create.clone()).unwrap_err();
    assert_eq!(
        e.message,
        format!("Account {MANAGEMENT} should have 'AWSCloudFormationStackSetAdministrationRole' role with trust relationship to CloudFormation service.")
    );
    iam(
        &mut w,
        MANAGEMENT,
        "CreateRole",
        json!({"RoleName": "AWSCloudFormationStackSetAdministrationRole", "AssumeRolePolicyDocument": CLOUDFORMATION_TRUST}),
    );
    iam(
        &mut w,
        MANAGEMENT,
        "PutRolePolicy",
        json!({"RoleName": "AWSCloudFormationStackSetAdministrationRole", "PolicyName": "assume", "PolicyDocument": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/AWSCloudFormationStackSetExecutionRole"}]}"#}),
    );
    ok(&mut w, MANAGEMENT, "CreateStackSet", create);
    let (with_role, without) = (accounts[0].clone(), accounts[1].clone());
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{MANAGEMENT}:role/AWSCloudFormationStackSetAdministrationRole"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    iam(
        &mut w,
        &with_role,
        "CreateRole",
        json!({"RoleName": "AWSCloudFormationStackSetExecutionRole", "AssumeRolePolicyDocument": trust}),
    );
    iam(
        &mut w,
        &with_role,
        "AttachRolePolicy",
        json!({"RoleName": "AWSCloudFormationStackSetExecutionRole", "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    );
    let op = ok(
        &mut w,
        MANAGEMENT,
        "CreateStackInstances",
        json!({"StackSetName": "own", "Accounts": [with_role, without], "Regions": [REGION], "OperationPreferences": {"FailureToleranceCount": 1, "MaxConcurrentCount": 2}}),
    )["OperationId"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(has_detector(&w, &with_role));
    assert!(!has_detector(&w, &without));
    let failed = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackInstance",
        json!({"StackSetName": "own", "StackInstanceAccount": without, "StackInstanceRegion": REGION}),
    );
    assert_eq!(
        failed["StackInstance"]["StackInstanceStatus"]["DetailedStatus"],
        "FAILED"
    );
    assert_eq!(
        failed["StackInstance"]["StatusReason"],
        format!("Account {without} should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'.")
    );
    let op = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackSetOperation",
        json!({"StackSetName": "own", "OperationId": op}),
    );
    // One failure is within the tolerance of one.
    assert_eq!(op["StackSetOperation"]["Status"], "SUCCEEDED");
    assert_eq!(
        op["StackSetOperation"]["StatusDetails"]["FailedStackInstancesCount"],
        1
    );
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "CreateStackInstances",
        json!({"StackSetName": "own", "Accounts": [with_role], "Regions": [REGION], "OperationPreferences": {"FailureToleranceCount": 1, "FailureTolerancePercentage": 10}}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    // An update with overrides reaches the instance's stack.
    ok(
        &mut w,
        MANAGEMENT,
        "UpdateStackInstances",
        json!({"StackSetName": "own", "Accounts": [with_role], "Regions": [REGION], "ParameterOverrides": [{"ParameterKey": "Team", "ParameterValue": "red"}]}),
    );
    assert!(w.iam.role(&with_role, "audit-red").is_some());
    assert!(w.iam.role(&with_role, "audit-platform").is_none());
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "UpdateStackInstances",
        json!({"StackSetName": "own", "Accounts": [accounts[2]], "Regions": [REGION]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "StackInstanceNotFoundException");
}

#[test]
fn stack_set_drift_finds_a_changed_resource_in_one_instance() {
    let (mut w, accounts, ou) = organization();
    service_managed_set(&mut w, &ou, false);
    let detector = w
        .guardduty
        .detector(REGION, &accounts[0])
        .unwrap()
        .id
        .clone();
    call(
        &mut w,
        &root_caller(&accounts[0]),
        ServiceId::GuardDuty,
        "UpdateDetector",
        json!({"DetectorId": detector, "enable": false}),
    )
    .unwrap();
    let op = ok(
        &mut w,
        MANAGEMENT,
        "DetectStackSetDrift",
        json!({"StackSetName": "baseline"}),
    )["OperationId"]
        .as_str()
        .unwrap()
        .to_string();
    let described = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackSetOperation",
        json!({"StackSetName": "baseline", "OperationId": op}),
    );
    let details = &described["StackSetOperation"]["StackSetDriftDetectionDetails"];
    assert_eq!(details["DriftStatus"], "DRIFTED");
    assert_eq!(details["DriftedStackInstancesCount"], 1);
    assert_eq!(details["InSyncStackInstancesCount"], 1);
    let drifts = ok(
        &mut w,
        MANAGEMENT,
        "ListStackInstanceResourceDrifts",
        json!({"StackSetName": "baseline", "StackInstanceAccount": accounts[0], "StackInstanceRegion": REGION, "OperationId": op, "StackInstanceResourceDriftStatuses": ["MODIFIED"]}),
    );
    let summaries = drifts["Summaries"].as_array().unwrap();
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0]["LogicalResourceId"], "Detector");
    assert_eq!(
        summaries[0]["PropertyDifferences"][0]["PropertyPath"],
        "/Enable"
    );
    assert_eq!(
        summaries[0]["PropertyDifferences"][0]["ActualValue"],
        "false"
    );
    let set = ok(
        &mut w,
        MANAGEMENT,
        "DescribeStackSet",
        json!({"StackSetName": "baseline"}),
    );
    assert_eq!(
        set["StackSet"]["StackSetDriftDetectionDetails"]["DriftStatus"],
        "DRIFTED"
    );
}

#[test]
fn stack_drift_compares_template_properties_with_live_resources() {
    let mut w = world();
    let account = "123456789012";
    ok(
        &mut w,
        account,
        "CreateStack",
        json!({"StackName": "base", "TemplateBody": BASELINE, "Capabilities": ["CAPABILITY_NAMED_IAM"]}),
    );
    let id = ok(
        &mut w,
        account,
        "DetectStackDrift",
        json!({"StackName": "base"}),
    )["StackDriftDetectionId"]
        .as_str()
        .unwrap()
        .to_string();
    let status = ok(
        &mut w,
        account,
        "DescribeStackDriftDetectionStatus",
        json!({"StackDriftDetectionId": id}),
    );
    assert_eq!(status["StackDriftStatus"], "IN_SYNC");
    assert_eq!(status["DetectionStatus"], "DETECTION_COMPLETE");
    // The role goes behind CloudFormation's back.
    iam(
        &mut w,
        account,
        "DeleteRole",
        json!({"RoleName": "audit-platform"}),
    );
    let one = ok(
        &mut w,
        account,
        "DetectStackResourceDrift",
        json!({"StackName": "base", "LogicalResourceId": "Audit"}),
    );
    assert_eq!(
        one["StackResourceDrift"]["StackResourceDriftStatus"],
        "DELETED"
    );
    let id = ok(
        &mut w,
        account,
        "DetectStackDrift",
        json!({"StackName": "base"}),
    )["StackDriftDetectionId"]
        .as_str()
        .unwrap()
        .to_string();
    let status = ok(
        &mut w,
        account,
        "DescribeStackDriftDetectionStatus",
        json!({"StackDriftDetectionId": id}),
    );
    assert_eq!(status["StackDriftStatus"], "DRIFTED");
    assert_eq!(status["DriftedStackResourceCount"], 1);
    let drifts = ok(
        &mut w,
        account,
        "DescribeStackResourceDrifts",
        json!({"StackName": "base", "StackResourceDriftStatusFilters": ["DELETED"]}),
    );
    assert_eq!(
        drifts["StackResourceDrifts"][0]["LogicalResourceId"],
        "Audit"
    );
    let stacks = ok(
        &mut w,
        account,
        "DescribeStacks",
        json!({"StackName": "base"}),
    );
    assert_eq!(
        stacks["Stacks"][0]["DriftInformation"]["StackDriftStatus"],
        "DRIFTED"
    );
    let e = cfn(
        &mut w,
        account,
        "DescribeStackDriftDetectionStatus",
        json!({"StackDriftDetectionId": "nope"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
}

#[test]
fn a_failed_create_without_rollback_is_rolled_back_on_request() {
    let mut w = world();
    let account = "123456789012";
    let body = "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: rollback-taken}\n  B:\n    Type: AWS::S3::Bucket\n    DependsOn: A\n    Properties: {BucketName: rollback-taken}\n";
    ok(
        &mut w,
        account,
        "CreateStack",
        json!({"StackName": "kept", "TemplateBody": body, "OnFailure": "DO_NOTHING"}),
    );
    assert!(w.s3.buckets.contains_key("rollback-taken"));
    let e = cfn(
        &mut w,
        account,
        "RollbackStack",
        json!({"StackName": "nope"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ValidationError");
    ok(
        &mut w,
        account,
        "RollbackStack",
        json!({"StackName": "kept"}),
    );
    let out = ok(
        &mut w,
        account,
        "DescribeStacks",
        json!({"StackName": "kept"}),
    );
    assert_eq!(out["Stacks"][0]["StackStatus"], "ROLLBACK_COMPLETE");
    assert!(!w.s3.buckets.contains_key("rollback-taken"));
    let e = cfn(
        &mut w,
        account,
        "RollbackStack",
        json!({"StackName": "kept"}),
    )
    .unwrap_err();
    assert!(
        e.message.contains("can not be rolled back"),
        "{}",
        e.message
    );
}

#[test]
fn the_registry_lists_the_types_orgsim_provides() {
    let mut w = world();
    let private = ok(&mut w, MANAGEMENT, "ListTypes", json!({}));
    assert_eq!(private["TypeSummaries"].as_array().unwrap().len(), 0);
    let public = ok(
        &mut w,
        MANAGEMENT,
        "ListTypes",
        json!({"Visibility": "PUBLIC", "Filters": {"TypeNamePrefix": "AWS::GuardDuty::"}}),
    );
    assert_eq!(
        public["TypeSummaries"][0]["TypeName"],
        "AWS::GuardDuty::Detector"
    );
    let t = ok(
        &mut w,
        MANAGEMENT,
        "DescribeType",
        json!({"Type": "RESOURCE", "TypeName": "AWS::IAM::Role"}),
    );
    assert_eq!(
        t["Arn"],
        "arn:aws:cloudformation:us-east-1::type/resource/AWS-IAM-Role"
    );
    assert_eq!(t["ProvisioningType"], "FULLY_MUTABLE");
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "DescribeType",
        json!({"Type": "RESOURCE", "TypeName": "AWS::EC2::Instance"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "TypeNotFoundException");
}

#[test]
fn change_sets_have_no_hooks_to_run() {
    let mut w = world();
    ok(
        &mut w,
        MANAGEMENT,
        "CreateChangeSet",
        json!({"StackName": "s", "ChangeSetName": "c", "ChangeSetType": "CREATE", "TemplateBody": "Resources:\n  H:\n    Type: AWS::CloudFormation::WaitConditionHandle\n"}),
    );
    let hooks = ok(
        &mut w,
        MANAGEMENT,
        "DescribeChangeSetHooks",
        json!({"StackName": "s", "ChangeSetName": "c"}),
    );
    assert_eq!(hooks["Hooks"].as_array().unwrap().len(), 0);
    assert_eq!(hooks["ChangeSetName"], "c");
    let e = cfn(
        &mut w,
        MANAGEMENT,
        "DescribeChangeSetHooks",
        json!({"StackName": "s", "ChangeSetName": "x"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "ChangeSetNotFound");
}
