//! IAM Access Analyzer end to end with the real SDKs: the delegated administrator's
//! organization analyzer catches a member role that trusts an outside account, and
//! the fix through `aws-sdk-iam` resolves it with no other call; archive rules,
//! UpdateFindings, filters, sort and pages; bucket policies and Security Hub;
//! ValidatePolicy and the custom policy checks; errors as the SDK's typed errors.

use aws_sdk_accessanalyzer::types::{
    Access, AccessCheckPolicyType, AccessCheckResourceType, CheckAccessNotGrantedResult,
    CheckNoNewAccessResult, CheckNoPublicAccessResult, Criterion, FindingStatus,
    FindingStatusUpdate, FindingType, OrderBy, PolicyType, SortCriteria, Type,
    ValidatePolicyFindingType,
};
use aws_sdk_accessanalyzer::Client;
use orgsim::Emulator;

use crate::common::{config, organization, s3, securityhub, MANAGEMENT};

const OUTSIDE: &str = "999999999999";
const PRINCIPAL: &str = "access-analyzer.amazonaws.com";

fn analyzer_client(emulator: &Emulator, access_key: &str) -> Client {
    Client::new(&config(emulator, access_key))
}

fn iam(emulator: &Emulator, access_key: &str) -> aws_sdk_iam::Client {
    aws_sdk_iam::Client::new(&config(emulator, access_key))
}

fn trust(principal: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

fn active() -> Criterion {
    Criterion::builder().eq("ACTIVE").build()
}

async fn create_analyzer(aa: &Client, name: &str, kind: Type) -> String {
    aa.create_analyzer()
        .analyzer_name(name)
        .r#type(kind)
        .send()
        .await
        .unwrap_or_else(|e| panic!("CreateAnalyzer {name}: {e:?}"))
        .arn()
        .expect("arn")
        .to_string()
}

#[tokio::test]
async fn organization_analyzer_finding_appears_then_resolves_after_the_trust_fix() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "workloads"])
        .delegated_admin(PRINCIPAL, "security")
        .build()
        .await;
    let (security, workloads) = (org.account("security"), org.account("workloads"));
    let member_iam = iam(&emulator, &workloads);
    member_iam
        .create_role()
        .role_name("VendorAudit")
        .assume_role_policy_document(trust(&format!("arn:aws:iam::{OUTSIDE}:root")))
        .send()
        .await
        .expect("CreateRole");
    member_iam
        .create_role()
        .role_name("SecurityAudit")
        .assume_role_policy_document(trust(&security))
        .send()
        .await
        .expect("CreateRole");

    let aa = analyzer_client(&emulator, &security);
    let arn = aa
        .create_analyzer()
        .analyzer_name("organization")
        .r#type(Type::Organization)
        .tags("team", "security")
        .send()
        .await
        .expect("CreateAnalyzer")
        .arn()
        .unwrap()
        .to_string();
    assert_eq!(
        arn,
        format!("arn:aws:access-analyzer:us-east-1:{security}:analyzer/organization")
    );
    let got = aa
        .get_analyzer()
        .analyzer_name("organization")
        .send()
        .await
        .expect("GetAnalyzer");
    let analyzer = got.analyzer().unwrap();
    assert_eq!(analyzer.r#type(), &Type::Organization);
    assert_eq!(analyzer.status().as_str(), "ACTIVE");
    assert_eq!(
        analyzer.tags().unwrap().get("team").map(String::as_str),
        Some("security")
    );

    let listed = aa
        .list_findings()
        .analyzer_arn(&arn)
        .filter("status", active())
        .send()
        .await
        .expect("ListFindings");
    assert_eq!(listed.findings().len(), 1, "{:?}", listed.findings());
    let summary = &listed.findings()[0];
    let role_arn = format!("arn:aws:iam::{workloads}:role/VendorAudit");
    assert_eq!(summary.resource(), Some(role_arn.as_str()));
    assert_eq!(summary.resource_owner_account(), workloads);
    assert_eq!(summary.resource_type().as_str(), "AWS::IAM::Role");
    assert_eq!(summary.action(), ["sts:AssumeRole".to_string()]);
    assert_eq!(summary.is_public(), Some(false));
    assert_eq!(
        summary.principal().unwrap().get("AWS").map(String::as_str),
        Some(format!("arn:aws:iam::{OUTSIDE}:root").as_str())
    );
    let id = summary.id().to_string();

    let v2 = aa
        .get_finding_v2()
        .analyzer_arn(&arn)
        .id(&id)
        .send()
        .await
        .expect("GetFindingV2");
    assert_eq!(v2.finding_type(), Some(&FindingType::ExternalAccess));
    let details = v2.finding_details()[0]
        .as_external_access_details()
        .expect("external access details");
    assert_eq!(details.action(), ["sts:AssumeRole".to_string()]);

    // The fix, through IAM: the role trusts the security account instead.
    member_iam
        .update_assume_role_policy()
        .role_name("VendorAudit")
        .policy_document(trust(&security))
        .send()
        .await
        .expect("UpdateAssumeRolePolicy");
    let finding = aa
        .get_finding()
        .analyzer_arn(&arn)
        .id(&id)
        .send()
        .await
        .expect("GetFinding")
        .finding
        .expect("finding");
    assert_eq!(finding.status(), &FindingStatus::Resolved);
    assert!(finding.updated_at() >= finding.created_at());
    let still_active = aa
        .list_findings_v2()
        .analyzer_arn(&arn)
        .filter("status", active())
        .send()
        .await
        .expect("ListFindingsV2");
    assert!(still_active.findings().is_empty());
}

#[tokio::test]
async fn organization_analyzers_need_trusted_access_and_an_administrator() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security"])
        .build()
        .await;
    let aa = analyzer_client(&emulator, &org.account("security"));
    let err = aa
        .create_analyzer()
        .analyzer_name("organization")
        .r#type(Type::Organization)
        .send()
        .await
        .expect_err("no trusted access")
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
    assert_eq!(
        err.meta().message(),
        Some("Service not enabled for AWS Organizations")
    );
    org.mgmt
        .enable_aws_service_access()
        .service_principal(PRINCIPAL)
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    let err = aa
        .create_analyzer()
        .analyzer_name("organization")
        .r#type(Type::Organization)
        .send()
        .await
        .expect_err("not the administrator")
        .into_service_error();
    assert!(err.is_access_denied_exception(), "{err:?}");
    // The management account itself may.
    let mgmt = analyzer_client(&emulator, MANAGEMENT);
    create_analyzer(&mgmt, "organization", Type::Organization).await;
    let err = mgmt
        .create_analyzer()
        .analyzer_name("organization")
        .r#type(Type::Organization)
        .send()
        .await
        .expect_err("duplicate")
        .into_service_error();
    assert!(err.is_conflict_exception(), "{err:?}");
    let err = mgmt
        .get_analyzer()
        .analyzer_name("missing")
        .send()
        .await
        .expect_err("missing")
        .into_service_error();
    assert!(err.is_resource_not_found_exception(), "{err:?}");
}

#[tokio::test]
async fn archive_rules_update_findings_filters_sort_and_pages() {
    let emulator = Emulator::start();
    let admin = iam(&emulator, MANAGEMENT);
    for (name, principal) in [("A", OUTSIDE), ("B", "888888888888"), ("C", "777777777777")] {
        admin
            .create_role()
            .role_name(name)
            .assume_role_policy_document(trust(principal))
            .send()
            .await
            .expect("CreateRole");
    }
    let aa = analyzer_client(&emulator, MANAGEMENT);
    let arn = create_analyzer(&aa, "account", Type::Account).await;
    aa.create_archive_rule()
        .analyzer_name("account")
        .rule_name("known-vendor")
        .filter(
            "principal.AWS",
            Criterion::builder().eq("888888888888").build(),
        )
        .send()
        .await
        .expect("CreateArchiveRule");
    let rules = aa
        .list_archive_rules()
        .analyzer_name("account")
        .send()
        .await
        .expect("ListArchiveRules");
    assert_eq!(rules.archive_rules()[0].rule_name(), "known-vendor");
    // Existing findings are archived only by ApplyArchiveRule.
    let count = |status: &'static str| {
        let aa = aa.clone();
        let arn = arn.clone();
        async move {
            aa.list_findings()
                .analyzer_arn(arn)
                .filter("status", Criterion::builder().eq(status).build())
                .send()
                .await
                .expect("ListFindings")
                .findings()
                .len()
        }
    };
    assert_eq!(count("ACTIVE").await, 3);
    aa.apply_archive_rule()
        .analyzer_arn(&arn)
        .rule_name("known-vendor")
        .send()
        .await
        .expect("ApplyArchiveRule");
    assert_eq!(count("ARCHIVED").await, 1);

    // Sorted by resource, descending, one per page.
    let first = aa
        .list_findings()
        .analyzer_arn(&arn)
        .sort(
            SortCriteria::builder()
                .attribute_name("resource")
                .order_by(OrderBy::Desc)
                .build(),
        )
        .max_results(1)
        .send()
        .await
        .expect("ListFindings page 1");
    assert_eq!(
        first.findings()[0].resource(),
        Some(format!("arn:aws:iam::{MANAGEMENT}:role/C").as_str())
    );
    let second = aa
        .list_findings()
        .analyzer_arn(&arn)
        .sort(
            SortCriteria::builder()
                .attribute_name("resource")
                .order_by(OrderBy::Desc)
                .build(),
        )
        .max_results(1)
        .next_token(first.next_token().expect("more"))
        .send()
        .await
        .expect("ListFindings page 2");
    assert_eq!(
        second.findings()[0].resource(),
        Some(format!("arn:aws:iam::{MANAGEMENT}:role/B").as_str())
    );
    let contains = aa
        .list_findings_v2()
        .analyzer_arn(&arn)
        .filter("resource", Criterion::builder().contains("role/A").build())
        .send()
        .await
        .expect("contains");
    assert_eq!(contains.findings().len(), 1);
    let a_id = contains.findings()[0].id().to_string();
    let none = aa
        .list_findings_v2()
        .analyzer_arn(&arn)
        .filter(
            "condition.aws:SourceIp",
            Criterion::builder().exists(true).build(),
        )
        .send()
        .await
        .expect("exists");
    assert!(none.findings().is_empty());

    aa.update_findings()
        .analyzer_arn(&arn)
        .status(FindingStatusUpdate::Archived)
        .ids(&a_id)
        .send()
        .await
        .expect("UpdateFindings");
    assert_eq!(count("ARCHIVED").await, 2);
    aa.update_findings()
        .analyzer_arn(&arn)
        .status(FindingStatusUpdate::Active)
        .resource_arn(format!("arn:aws:iam::{MANAGEMENT}:role/A"))
        .send()
        .await
        .expect("UpdateFindings by resource");
    assert_eq!(count("ACTIVE").await, 2);
    let err = aa
        .list_findings()
        .analyzer_arn(&arn)
        .next_token("forged")
        .send()
        .await
        .expect_err("forged token")
        .into_service_error();
    assert!(err.is_validation_exception(), "{err:?}");
}

#[tokio::test]
async fn bucket_policy_findings_reach_security_hub() {
    let emulator = Emulator::start();
    securityhub(&emulator, MANAGEMENT)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    let bucket = s3(&emulator, MANAGEMENT);
    bucket
        .create_bucket()
        .bucket("shared-reports")
        .send()
        .await
        .expect("CreateBucket");
    let aa = analyzer_client(&emulator, MANAGEMENT);
    let arn = create_analyzer(&aa, "account", Type::Account).await;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{OUTSIDE}"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared-reports/*"}}]}}"#
    );
    bucket
        .put_bucket_policy()
        .bucket("shared-reports")
        .policy(policy)
        .send()
        .await
        .expect("PutBucketPolicy");
    let listed = aa
        .list_findings()
        .analyzer_arn(&arn)
        .filter(
            "resourceType",
            Criterion::builder().eq("AWS::S3::Bucket").build(),
        )
        .send()
        .await
        .expect("ListFindings");
    assert_eq!(listed.findings().len(), 1);
    assert_eq!(listed.findings()[0].action(), ["s3:GetObject".to_string()]);
    let resource = aa
        .get_analyzed_resource()
        .analyzer_arn(&arn)
        .resource_arn("arn:aws:s3:::shared-reports")
        .send()
        .await
        .expect("GetAnalyzedResource")
        .resource
        .expect("resource");
    assert_eq!(resource.shared_via(), ["POLICY".to_string()]);

    let hub = securityhub(&emulator, MANAGEMENT);
    let found = hub
        .get_findings()
        .filters(
            aws_sdk_securityhub::types::AwsSecurityFindingFilters::builder()
                .product_name(
                    aws_sdk_securityhub::types::StringFilter::builder()
                        .value("IAM Access Analyzer")
                        .comparison(aws_sdk_securityhub::types::StringFilterComparison::Equals)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .expect("GetFindings");
    assert_eq!(found.findings().len(), 1);
    let asff = &found.findings()[0];
    assert_eq!(
        asff.product_arn(),
        Some("arn:aws:securityhub:us-east-1::product/aws/access-analyzer")
    );
    assert_eq!(asff.resources()[0].r#type(), Some("AwsS3Bucket"));

    bucket
        .delete_bucket_policy()
        .bucket("shared-reports")
        .send()
        .await
        .expect("DeleteBucketPolicy");
    let stats = aa
        .get_findings_statistics()
        .analyzer_arn(&arn)
        .send()
        .await
        .expect("GetFindingsStatistics");
    let external = stats.findings_statistics()[0]
        .as_external_access_findings_statistics()
        .expect("external");
    assert_eq!(external.total_resolved_findings(), Some(1));
    assert_eq!(external.total_active_findings(), Some(0));
}

#[tokio::test]
async fn validate_policy_and_custom_checks() {
    let emulator = Emulator::start();
    let aa = analyzer_client(&emulator, MANAGEMENT);
    let policy = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:Get*"],"Resource":"*"},{"Effect":"Allow","Action":"iam:PassRole","Resource":"*"}]}"#;
    let out = aa
        .validate_policy()
        .policy_document(policy)
        .policy_type(PolicyType::IdentityPolicy)
        .send()
        .await
        .expect("ValidatePolicy");
    let codes: Vec<(&ValidatePolicyFindingType, &str)> = out
        .findings()
        .iter()
        .map(|f| (f.finding_type(), f.issue_code()))
        .collect();
    assert!(codes.contains(&(&ValidatePolicyFindingType::Warning, "MISSING_VERSION")));
    assert!(codes.contains(&(
        &ValidatePolicyFindingType::SecurityWarning,
        "PASS_ROLE_WITH_STAR_IN_RESOURCE"
    )));
    let redundant = out
        .findings()
        .iter()
        .find(|f| f.issue_code() == "REDUNDANT_ACTION")
        .expect("REDUNDANT_ACTION");
    assert_eq!(
        redundant.finding_type(),
        &ValidatePolicyFindingType::Suggestion
    );
    let span = redundant.locations()[0].span().expect("span");
    let (start, end) = (
        span.start().unwrap().offset() as usize,
        span.end().unwrap().offset() as usize,
    );
    assert_eq!(&policy[start..end], "\"s3:GetObject\"");

    let existing = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"arn:aws:s3:::b/*"}]}"#;
    let wider = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}"#;
    let no_new = aa
        .check_no_new_access()
        .existing_policy_document(existing)
        .new_policy_document(wider)
        .policy_type(AccessCheckPolicyType::IdentityPolicy)
        .send()
        .await
        .expect("CheckNoNewAccess");
    assert_eq!(no_new.result(), Some(&CheckNoNewAccessResult::Fail));
    assert_eq!(no_new.reasons()[0].statement_index(), Some(0));
    let same = aa
        .check_no_new_access()
        .existing_policy_document(existing)
        .new_policy_document(existing)
        .policy_type(AccessCheckPolicyType::IdentityPolicy)
        .send()
        .await
        .expect("CheckNoNewAccess");
    assert_eq!(same.result(), Some(&CheckNoNewAccessResult::Pass));
    let not_granted = aa
        .check_access_not_granted()
        .policy_document(existing)
        .access(Access::builder().actions("s3:PutObject").build())
        .policy_type(AccessCheckPolicyType::IdentityPolicy)
        .send()
        .await
        .expect("CheckAccessNotGranted");
    assert_eq!(
        not_granted.result(),
        Some(&CheckAccessNotGrantedResult::Pass)
    );
    let public = aa
        .check_no_public_access()
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#)
        .resource_type(AccessCheckResourceType::S3Bucket)
        .send()
        .await
        .expect("CheckNoPublicAccess");
    assert_eq!(public.result(), Some(&CheckNoPublicAccessResult::Fail));
}
