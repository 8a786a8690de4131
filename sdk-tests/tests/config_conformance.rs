//! AWS Config conformance packs with the real SDK: a pack of GUARDDUTY_ENABLED_CENTRALIZED
//! and SECURITYHUB_ENABLED whose compliance follows GuardDuty's and Security Hub's real
//! state, an organization pack from the delegated administrator landing in members,
//! and the typed errors.

use aws_sdk_config::error::ProvideErrorMetadata;
use aws_sdk_config::operation::delete_conformance_pack::DeleteConformancePackError;
use aws_sdk_config::operation::describe_conformance_packs::DescribeConformancePacksError;
use aws_sdk_config::operation::put_conformance_pack::PutConformancePackError;
use aws_sdk_config::operation::put_organization_conformance_pack::PutOrganizationConformancePackError;
use aws_sdk_config::types::{
    ConformancePackComplianceType, ConformancePackState, OrganizationResourceDetailedStatus,
    OrganizationResourceStatus,
};
use aws_sdk_config::Client;
use orgsim::Emulator;

use crate::common::{
    config_client, config_delivery_bucket, guardduty, organization, securityhub,
    start_config_recording, MANAGEMENT,
};

const MULTI_ACCOUNT: &str = "config-multiaccountsetup.amazonaws.com";

const TEMPLATE: &str = r#"
Parameters:
  CentralAccount:
    Type: String
    Default: ""
Resources:
  GuardDutyEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: guardduty-enabled-centralized
      InputParameters:
        CentralMonitoringAccount: !Ref CentralAccount
      Source:
        Owner: AWS
        SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED
  SecurityHubEnabled:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: securityhub-enabled
      Source:
        Owner: AWS
        SourceIdentifier: SECURITYHUB_ENABLED
"#;

async fn pack_state(cfg: &Client) -> ConformancePackState {
    cfg.describe_conformance_pack_status()
        .conformance_pack_names("security")
        .send()
        .await
        .expect("DescribeConformancePackStatus")
        .conformance_pack_status_details()[0]
        .conformance_pack_state()
        .clone()
}

async fn summary(cfg: &Client, pack: &str) -> ConformancePackComplianceType {
    cfg.get_conformance_pack_compliance_summary()
        .conformance_pack_names(pack)
        .send()
        .await
        .expect("GetConformancePackComplianceSummary")
        .conformance_pack_compliance_summary_list()[0]
        .conformance_pack_compliance_status()
        .clone()
}

/// Rule name prefix → compliance, from DescribeConformancePackCompliance.
async fn by_rule(cfg: &Client, pack: &str) -> Vec<(String, ConformancePackComplianceType)> {
    cfg.describe_conformance_pack_compliance()
        .conformance_pack_name(pack)
        .send()
        .await
        .expect("DescribeConformancePackCompliance")
        .conformance_pack_rule_compliance_list()
        .iter()
        .map(|r| {
            let name = r.config_rule_name().unwrap();
            let prefix = name.split("-conformance-pack-").next().unwrap().to_string();
            (prefix, r.compliance_type().cloned().unwrap())
        })
        .collect()
}

#[tokio::test]
async fn a_pack_follows_guardduty_and_security_hub() {
    let emulator = Emulator::start();
    let account = "222222222222";
    let cfg = config_client(&emulator, account);
    config_delivery_bucket(&emulator).await;
    start_config_recording(&cfg, account).await;
    let arn = cfg
        .put_conformance_pack()
        .conformance_pack_name("security")
        .template_body(TEMPLATE)
        .send()
        .await
        .expect("PutConformancePack")
        .conformance_pack_arn
        .unwrap();
    assert!(
        arn.starts_with(&format!(
            "arn:aws:config:us-east-1:{account}:conformance-pack/security/conformance-pack-"
        )),
        "{arn}"
    );
    assert_eq!(
        pack_state(&cfg).await,
        ConformancePackState::CreateInProgress
    );
    assert_eq!(pack_state(&cfg).await, ConformancePackState::CreateComplete);

    let rules = cfg
        .describe_config_rules()
        .send()
        .await
        .expect("DescribeConfigRules");
    let suffix = arn.rsplit("/conformance-pack-").next().unwrap();
    let names: Vec<&str> = rules
        .config_rules()
        .iter()
        .filter_map(|r| r.config_rule_name())
        .collect();
    assert_eq!(
        names,
        [
            format!("guardduty-enabled-centralized-conformance-pack-{suffix}"),
            format!("securityhub-enabled-conformance-pack-{suffix}")
        ]
    );

    use ConformancePackComplianceType::{Compliant, NonCompliant};
    assert_eq!(summary(&cfg, "security").await, NonCompliant);
    guardduty(&emulator, account)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
    assert_eq!(
        by_rule(&cfg, "security").await,
        [
            ("guardduty-enabled-centralized".to_string(), Compliant),
            ("securityhub-enabled".to_string(), NonCompliant)
        ]
    );
    assert_eq!(summary(&cfg, "security").await, NonCompliant);
    securityhub(&emulator, account)
        .enable_security_hub()
        .send()
        .await
        .expect("EnableSecurityHub");
    assert_eq!(summary(&cfg, "security").await, Compliant);
    let details = cfg
        .get_conformance_pack_compliance_details()
        .conformance_pack_name("security")
        .send()
        .await
        .expect("GetConformancePackComplianceDetails");
    assert_eq!(details.conformance_pack_rule_evaluation_results().len(), 2);

    cfg.delete_conformance_pack()
        .conformance_pack_name("security")
        .send()
        .await
        .expect("DeleteConformancePack");
    assert!(cfg
        .describe_config_rules()
        .send()
        .await
        .unwrap()
        .config_rules()
        .is_empty());
    let err = cfg
        .describe_conformance_packs()
        .conformance_pack_names("security")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            DescribeConformancePacksError::NoSuchConformancePackException(_)
        ),
        "{err:?}"
    );
    let err = cfg
        .delete_conformance_pack()
        .conformance_pack_name("security")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            DeleteConformancePackError::NoSuchConformancePackException(_)
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn templates_are_checked() {
    let emulator = Emulator::start();
    let cfg = config_client(&emulator, "222222222222");
    let put = |body: &str| {
        cfg.put_conformance_pack()
            .conformance_pack_name("p")
            .template_body(body)
            .send()
    };
    let err = put("Resources:\n  B:\n    Type: AWS::S3::Bucket\n")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            PutConformancePackError::ConformancePackTemplateValidationException(_)
        ),
        "{err:?}"
    );
    let err = cfg
        .put_conformance_pack()
        .conformance_pack_name("p")
        .template_s3_uri("s3://bucket/pack.yaml")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            PutConformancePackError::InvalidParameterValueException(_)
        ),
        "{err:?}"
    );
    // The template is read from orgsim's S3: a bucket that does not exist is refused.
    assert!(err.message().unwrap().contains("does not exist"));
}

#[tokio::test]
async fn an_organization_pack_lands_in_members() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["security", "dev", "sandbox"])
        .build()
        .await;
    let mgmt = &org.mgmt;
    let (security, dev, sandbox) = (
        &org.account("security"),
        &org.account("dev"),
        &org.account("sandbox"),
    );
    let sec = config_client(&emulator, security);
    let put = || {
        sec.put_organization_conformance_pack()
            .organization_conformance_pack_name("baseline")
            .template_body(TEMPLATE)
            .delivery_s3_bucket("awsconfigconforms-baseline")
            .excluded_accounts(sandbox)
            .send()
    };
    let err = put().await.unwrap_err().into_service_error();
    assert!(
        matches!(
            err,
            PutOrganizationConformancePackError::OrganizationAccessDeniedException(_)
        ),
        "{err:?}"
    );
    mgmt.enable_aws_service_access()
        .service_principal(MULTI_ACCOUNT)
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    mgmt.register_delegated_administrator()
        .account_id(security)
        .service_principal(MULTI_ACCOUNT)
        .send()
        .await
        .expect("RegisterDelegatedAdministrator");
    config_delivery_bucket(&emulator).await;
    for account in [security, dev, sandbox] {
        start_config_recording(&config_client(&emulator, account), account).await;
    }
    let err = sec
        .put_organization_conformance_pack()
        .organization_conformance_pack_name("baseline")
        .template_body(TEMPLATE)
        .delivery_s3_bucket("my-bucket")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(
            err,
            PutOrganizationConformancePackError::ValidationException(_)
        ),
        "{err:?}"
    );
    put().await.expect("PutOrganizationConformancePack");

    let status = || {
        sec.describe_organization_conformance_pack_statuses()
            .organization_conformance_pack_names("baseline")
            .send()
    };
    let first = status().await.expect("statuses");
    assert_eq!(
        first.organization_conformance_pack_statuses()[0].status(),
        &OrganizationResourceStatus::CreateInProgress
    );
    let second = status().await.expect("statuses");
    // The management account records nothing, so the pack fails there.
    assert_eq!(
        second.organization_conformance_pack_statuses()[0].status(),
        &OrganizationResourceStatus::CreateFailed
    );
    let detailed = sec
        .get_organization_conformance_pack_detailed_status()
        .organization_conformance_pack_name("baseline")
        .send()
        .await
        .expect("GetOrganizationConformancePackDetailedStatus");
    let of = |account: &str| {
        detailed
            .organization_conformance_pack_detailed_statuses()
            .iter()
            .find(|s| s.account_id() == account)
            .map(|s| s.status().clone())
    };
    assert_eq!(
        of(dev),
        Some(OrganizationResourceDetailedStatus::CreateSuccessful)
    );
    assert_eq!(
        of(MANAGEMENT),
        Some(OrganizationResourceDetailedStatus::CreateFailed)
    );
    assert_eq!(of(sandbox), None, "excluded");

    let dev_cfg = config_client(&emulator, dev);
    let packs = dev_cfg
        .describe_conformance_packs()
        .send()
        .await
        .expect("DescribeConformancePacks");
    let pack = &packs.conformance_pack_details()[0];
    assert!(pack
        .conformance_pack_name()
        .starts_with("OrgConformsPack-baseline-"));
    assert_eq!(pack.created_by(), Some(MULTI_ACCOUNT));
    assert_eq!(
        summary(&dev_cfg, pack.conformance_pack_name()).await,
        ConformancePackComplianceType::NonCompliant
    );
    assert!(config_client(&emulator, sandbox)
        .describe_conformance_packs()
        .send()
        .await
        .unwrap()
        .conformance_pack_details()
        .is_empty());

    let described = sec
        .describe_organization_conformance_packs()
        .send()
        .await
        .expect("describe");
    assert_eq!(
        described.organization_conformance_packs()[0].excluded_accounts(),
        std::slice::from_ref(sandbox)
    );
    sec.delete_organization_conformance_pack()
        .organization_conformance_pack_name("baseline")
        .send()
        .await
        .expect("DeleteOrganizationConformancePack");
    assert!(dev_cfg
        .describe_conformance_packs()
        .send()
        .await
        .unwrap()
        .conformance_pack_details()
        .is_empty());
    let err = sec
        .delete_organization_conformance_pack()
        .organization_conformance_pack_name("baseline")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        err.code(),
        Some("NoSuchOrganizationConformancePackException")
    );
}
