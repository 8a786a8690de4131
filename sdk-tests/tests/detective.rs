//! Amazon Detective through `aws-sdk-detective`: GuardDuty's 48 hours first, the
//! organization's Detective administrator, organization accounts enabled without
//! invitations, AutoEnable for joiners, an invited outside account, data source
//! packages, investigations and AWS's errors.

use aws_sdk_detective::primitives::DateTime;
use aws_sdk_detective::types::{
    Account, DatasourcePackage, DatasourcePackageIngestState, InvitationType, MemberDisabledReason,
    MemberStatus, State,
};
use orgsim::Emulator;

use crate::common::{detective, guardduty, new_account, organization, MANAGEMENT};

const OUTSIDER: &str = "222222222222";
const TWO_DAYS_MS: i64 = 48 * 3600 * 1000;

fn pass_two_days(emulator: &Emulator) {
    emulator.with_world(|w| w.clock.advance(TWO_DAYS_MS));
}

async fn turn_on_guardduty(emulator: &Emulator, account: &str) {
    guardduty(emulator, account)
        .create_detector()
        .enable(true)
        .send()
        .await
        .expect("CreateDetector");
}

fn account(id: &str, email: &str) -> Account {
    Account::builder()
        .account_id(id)
        .email_address(email)
        .build()
        .expect("account")
}

async fn status_of(
    admin: &aws_sdk_detective::Client,
    graph: &str,
    account: &str,
) -> (Option<MemberStatus>, Option<MemberDisabledReason>) {
    let got = admin
        .get_members()
        .graph_arn(graph)
        .account_ids(account)
        .send()
        .await
        .expect("GetMembers");
    let member = got.member_details().first().expect("a member");
    (member.status().cloned(), member.disabled_reason().cloned())
}

#[tokio::test]
async fn create_graph_waits_for_48_hours_of_guardduty() {
    let emulator = Emulator::start();
    let admin = detective(&emulator, "123456789012");
    let refused = admin.create_graph().send().await.unwrap_err();
    assert!(
        refused
            .as_service_error()
            .unwrap()
            .is_service_quota_exceeded_exception(),
        "{refused:?}"
    );
    turn_on_guardduty(&emulator, "123456789012").await;
    let too_soon = admin.create_graph().send().await.unwrap_err();
    assert!(too_soon
        .as_service_error()
        .unwrap()
        .is_service_quota_exceeded_exception());
    pass_two_days(&emulator);
    let arn = admin
        .create_graph()
        .tags("team", "security")
        .send()
        .await
        .expect("CreateGraph")
        .graph_arn
        .expect("arn");
    assert!(
        arn.starts_with("arn:aws:detective:us-east-1:123456789012:graph:"),
        "{arn}"
    );
    let again = admin
        .create_graph()
        .send()
        .await
        .expect("CreateGraph again");
    assert_eq!(
        again.graph_arn(),
        Some(arn.as_str()),
        "one graph per account and region"
    );
    let graphs = admin.list_graphs().send().await.expect("ListGraphs");
    assert_eq!(graphs.graph_list().len(), 1);
    assert_eq!(graphs.graph_list()[0].arn(), Some(arn.as_str()));
    assert!(graphs.graph_list()[0].created_time().is_some());

    // Tags, on the path GuardDuty and Security Hub share (the signing name decides).
    admin
        .tag_resource()
        .resource_arn(&arn)
        .tags("env", "prod")
        .send()
        .await
        .expect("TagResource");
    admin
        .untag_resource()
        .resource_arn(&arn)
        .tag_keys("team")
        .send()
        .await
        .expect("UntagResource");
    let tags = admin
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .expect("ListTagsForResource");
    assert_eq!(tags.tags().unwrap().len(), 1);
    assert_eq!(
        tags.tags().unwrap().get("env").map(String::as_str),
        Some("prod")
    );

    admin
        .delete_graph()
        .graph_arn(&arn)
        .send()
        .await
        .expect("DeleteGraph");
    let gone = admin
        .list_members()
        .graph_arn(&arn)
        .send()
        .await
        .unwrap_err();
    assert!(gone
        .as_service_error()
        .unwrap()
        .is_resource_not_found_exception());
}

#[tokio::test]
async fn an_organization_graph_with_auto_enable_and_an_invited_outsider() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["Security", "Dev"])
        .guardduty_admin("Security")
        .build()
        .await;
    let security = org.account("Security");
    let dev = org.account("Dev");
    turn_on_guardduty(&emulator, &dev).await;
    let mgmt = detective(&emulator, MANAGEMENT);

    // Designation creates the administrator's graph, which needs GuardDuty's 48 hours.
    let early = mgmt
        .enable_organization_admin_account()
        .account_id(&security)
        .send()
        .await
        .unwrap_err();
    assert!(
        early.as_service_error().unwrap().is_validation_exception(),
        "{early:?}"
    );
    pass_two_days(&emulator);
    let by_member = detective(&emulator, &dev)
        .enable_organization_admin_account()
        .account_id(&dev)
        .send()
        .await
        .unwrap_err();
    assert!(by_member
        .as_service_error()
        .unwrap()
        .is_access_denied_exception());
    mgmt.enable_organization_admin_account()
        .account_id(&security)
        .send()
        .await
        .expect("EnableOrganizationAdminAccount");
    let delegated = org
        .mgmt
        .list_delegated_administrators()
        .service_principal("detective.amazonaws.com")
        .send()
        .await
        .expect("ListDelegatedAdministrators");
    assert_eq!(
        delegated.delegated_administrators()[0].id(),
        Some(security.as_str())
    );
    let admins = mgmt
        .list_organization_admin_accounts()
        .send()
        .await
        .expect("ListOrganizationAdminAccounts");
    let administrator = &admins.administrators()[0];
    assert_eq!(administrator.account_id(), Some(security.as_str()));
    assert!(administrator.delegation_time().is_some());
    let graph = administrator.graph_arn().expect("graph").to_string();

    // An organization account is enabled at once, without an invitation.
    let admin = detective(&emulator, &security);
    let created = admin
        .create_members()
        .graph_arn(&graph)
        .accounts(account(&dev, "dev@example.com"))
        .send()
        .await
        .expect("CreateMembers");
    let member = &created.members()[0];
    assert_eq!(member.status(), Some(&MemberStatus::Enabled));
    assert_eq!(
        member.invitation_type(),
        Some(&InvitationType::Organization)
    );
    assert_eq!(member.administrator_id(), Some(security.as_str()));
    let dev_invitations = detective(&emulator, &dev)
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations");
    assert!(dev_invitations.invitations().is_empty());

    // AutoEnable: an account that joins is a member by the time it exists.
    admin
        .update_organization_configuration()
        .graph_arn(&graph)
        .auto_enable(true)
        .send()
        .await
        .expect("UpdateOrganizationConfiguration");
    let config = admin
        .describe_organization_configuration()
        .graph_arn(&graph)
        .send()
        .await
        .expect("DescribeOrganizationConfiguration");
    assert!(config.auto_enable());
    let joiner = new_account(&org.mgmt, "Sandbox").await;
    let listed = admin
        .list_members()
        .graph_arn(&graph)
        .send()
        .await
        .expect("ListMembers");
    let sandbox = listed
        .member_details()
        .iter()
        .find(|m| m.account_id() == Some(joiner.as_str()))
        .expect("the joiner is a member");
    assert_eq!(
        sandbox.invitation_type(),
        Some(&InvitationType::Organization)
    );
    // GuardDuty's administrator did not auto-enable, so Detective cannot measure it.
    assert_eq!(sandbox.status(), Some(&MemberStatus::AcceptedButDisabled));
    assert_eq!(
        sandbox.disabled_reason(),
        Some(&MemberDisabledReason::VolumeUnknown)
    );

    // An outside account is invited, verified, and accepts.
    let invited = admin
        .create_members()
        .graph_arn(&graph)
        .message("Please join our behavior graph")
        .accounts(account(OUTSIDER, "outsider@example.com"))
        .send()
        .await
        .expect("CreateMembers (invitation)");
    assert_eq!(
        invited.members()[0].status(),
        Some(&MemberStatus::VerificationInProgress)
    );
    assert_eq!(
        status_of(&admin, &graph, OUTSIDER).await.0,
        Some(MemberStatus::Invited)
    );
    let outsider = detective(&emulator, OUTSIDER);
    let invitations = outsider
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations");
    assert_eq!(
        invitations.invitations()[0].graph_arn(),
        Some(graph.as_str())
    );
    outsider
        .accept_invitation()
        .graph_arn(&graph)
        .send()
        .await
        .expect("AcceptInvitation");
    assert_eq!(
        status_of(&admin, &graph, OUTSIDER).await,
        (
            Some(MemberStatus::AcceptedButDisabled),
            Some(MemberDisabledReason::VolumeUnknown)
        )
    );
    let unmeasured = admin
        .start_monitoring_member()
        .graph_arn(&graph)
        .account_id(OUTSIDER)
        .send()
        .await
        .unwrap_err();
    assert!(unmeasured
        .as_service_error()
        .unwrap()
        .is_service_quota_exceeded_exception());
    turn_on_guardduty(&emulator, OUTSIDER).await;
    admin
        .start_monitoring_member()
        .graph_arn(&graph)
        .account_id(OUTSIDER)
        .send()
        .await
        .expect("StartMonitoringMember");
    assert_eq!(
        status_of(&admin, &graph, OUTSIDER).await,
        (Some(MemberStatus::Enabled), None)
    );

    // A member cannot manage the organization configuration.
    let refused = detective(&emulator, &dev)
        .describe_organization_configuration()
        .graph_arn(&graph)
        .send()
        .await
        .unwrap_err();
    assert!(refused
        .as_service_error()
        .unwrap()
        .is_access_denied_exception());

    // Ending the administration releases the organization accounts, not the invited one.
    mgmt.disable_organization_admin_account()
        .send()
        .await
        .expect("DisableOrganizationAdminAccount");
    let listed = admin
        .list_members()
        .graph_arn(&graph)
        .send()
        .await
        .expect("ListMembers");
    let ids: Vec<_> = listed
        .member_details()
        .iter()
        .filter_map(|m| m.account_id())
        .collect();
    assert_eq!(ids, vec![OUTSIDER]);
    outsider
        .disassociate_membership()
        .graph_arn(&graph)
        .send()
        .await
        .expect("DisassociateMembership");
    assert!(outsider
        .list_invitations()
        .send()
        .await
        .expect("ListInvitations")
        .invitations()
        .is_empty());
}

/// A graph of `admin` with GuardDuty on for two days, and an accepted outsider.
async fn graph_with_member(emulator: &Emulator, admin: &str) -> String {
    turn_on_guardduty(emulator, admin).await;
    turn_on_guardduty(emulator, OUTSIDER).await;
    pass_two_days(emulator);
    let client = detective(emulator, admin);
    let graph = client
        .create_graph()
        .send()
        .await
        .expect("CreateGraph")
        .graph_arn
        .expect("arn");
    client
        .create_members()
        .graph_arn(&graph)
        .accounts(account(OUTSIDER, "outsider@example.com"))
        .disable_email_notification(true)
        .send()
        .await
        .expect("CreateMembers");
    detective(emulator, OUTSIDER)
        .accept_invitation()
        .graph_arn(&graph)
        .send()
        .await
        .expect("AcceptInvitation");
    graph
}

#[tokio::test]
async fn datasource_packages_start_for_graph_and_members() {
    let emulator = Emulator::start();
    let admin_id = "123456789012";
    let graph = graph_with_member(&emulator, admin_id).await;
    let admin = detective(&emulator, admin_id);
    let listed = admin
        .list_datasource_packages()
        .graph_arn(&graph)
        .send()
        .await
        .expect("ListDatasourcePackages");
    let packages = listed.datasource_packages().expect("packages");
    let state = |p: DatasourcePackage| {
        packages
            .get(&p)
            .and_then(|d| d.datasource_package_ingest_state())
            .cloned()
    };
    assert_eq!(
        state(DatasourcePackage::DetectiveCore),
        Some(DatasourcePackageIngestState::Started)
    );
    assert_eq!(
        state(DatasourcePackage::AsffSecurityhubFinding),
        Some(DatasourcePackageIngestState::Disabled)
    );
    admin
        .update_datasource_packages()
        .graph_arn(&graph)
        .datasource_packages(DatasourcePackage::AsffSecurityhubFinding)
        .send()
        .await
        .expect("UpdateDatasourcePackages");
    let members = admin
        .batch_get_graph_member_datasources()
        .graph_arn(&graph)
        .account_ids(OUTSIDER)
        .account_ids("333333333333")
        .send()
        .await
        .expect("BatchGetGraphMemberDatasources");
    let history = members.member_datasources()[0]
        .datasource_package_ingest_history()
        .expect("history");
    let asff = &history[&DatasourcePackage::AsffSecurityhubFinding];
    assert!(asff[&DatasourcePackageIngestState::Started]
        .timestamp()
        .is_some());
    assert_eq!(
        members.unprocessed_accounts()[0].account_id(),
        Some("333333333333")
    );
    let own = detective(&emulator, OUTSIDER)
        .batch_get_membership_datasources()
        .graph_arns(&graph)
        .send()
        .await
        .expect("BatchGetMembershipDatasources");
    assert_eq!(own.membership_datasources()[0].account_id(), Some(OUTSIDER));
    let bad = admin
        .update_datasource_packages()
        .graph_arn("arn:aws:detective:us-east-1:123456789012:graph:nothex")
        .datasource_packages(DatasourcePackage::EksAudit)
        .send()
        .await
        .unwrap_err();
    assert!(bad.as_service_error().unwrap().is_validation_exception());
}

#[tokio::test]
async fn the_member_quota_and_membership_errors() {
    let emulator = Emulator::start();
    emulator.with_world(|w| w.settings.quotas.detective_members_per_graph = 1);
    let admin_id = "123456789012";
    let graph = graph_with_member(&emulator, admin_id).await;
    let admin = detective(&emulator, admin_id);
    let over = admin
        .create_members()
        .graph_arn(&graph)
        .accounts(account("333333333333", "third@example.com"))
        .send()
        .await
        .unwrap_err();
    assert!(over
        .as_service_error()
        .unwrap()
        .is_service_quota_exceeded_exception());
    let reject = detective(&emulator, OUTSIDER)
        .reject_invitation()
        .graph_arn(&graph)
        .send()
        .await
        .unwrap_err();
    assert!(
        reject.as_service_error().unwrap().is_conflict_exception(),
        "already accepted"
    );
    let deleted = admin
        .delete_members()
        .graph_arn(&graph)
        .account_ids(OUTSIDER)
        .account_ids(admin_id)
        .send()
        .await
        .expect("DeleteMembers");
    assert_eq!(deleted.account_ids(), [OUTSIDER.to_string()]);
    assert_eq!(
        deleted.unprocessed_accounts()[0].account_id(),
        Some(admin_id)
    );
    let accept = detective(&emulator, OUTSIDER)
        .accept_invitation()
        .graph_arn(&graph)
        .send()
        .await
        .unwrap_err();
    assert!(accept
        .as_service_error()
        .unwrap()
        .is_resource_not_found_exception());
}

#[tokio::test]
async fn investigations_of_an_iam_user() {
    let emulator = Emulator::start();
    let admin_id = "123456789012";
    let graph = graph_with_member(&emulator, admin_id).await;
    aws_sdk_iam::Client::new(&crate::common::config(&emulator, admin_id))
        .create_user()
        .user_name("alice")
        .send()
        .await
        .expect("CreateUser");
    let admin = detective(&emulator, admin_id);
    let started = admin
        .start_investigation()
        .graph_arn(&graph)
        .entity_arn(format!("arn:aws:iam::{admin_id}:user/alice"))
        .scope_start_time(DateTime::from_secs(1_764_547_200))
        .scope_end_time(DateTime::from_secs(1_893_456_000))
        .send()
        .await
        .expect("StartInvestigation");
    let id = started.investigation_id().expect("id").to_string();
    assert_eq!(id.len(), 21);
    let got = admin
        .get_investigation()
        .graph_arn(&graph)
        .investigation_id(&id)
        .send()
        .await
        .expect("GetInvestigation");
    assert_eq!(got.status().map(|s| s.as_str()), Some("SUCCESSFUL"));
    assert_eq!(got.entity_type().map(|t| t.as_str()), Some("IAM_USER"));
    assert_eq!(got.state(), Some(&State::Active));
    admin
        .update_investigation_state()
        .graph_arn(&graph)
        .investigation_id(&id)
        .state(State::Archived)
        .send()
        .await
        .expect("UpdateInvestigationState");
    let listed = admin
        .list_investigations()
        .graph_arn(&graph)
        .send()
        .await
        .expect("ListInvestigations");
    assert_eq!(
        listed.investigation_details()[0].state(),
        Some(&State::Archived)
    );
    let indicators = admin
        .list_indicators()
        .graph_arn(&graph)
        .investigation_id(&id)
        .send()
        .await
        .expect("ListIndicators");
    assert_eq!(indicators.investigation_id(), Some(id.as_str()));
    let missing = admin
        .get_investigation()
        .graph_arn(&graph)
        .investigation_id("000000000000000000001")
        .send()
        .await
        .unwrap_err();
    assert!(missing
        .as_service_error()
        .unwrap()
        .is_resource_not_found_exception());
}
