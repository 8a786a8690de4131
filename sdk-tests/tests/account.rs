//! The Account API through aws-sdk-account: Region opt-in over world time (and what
//! EC2 then shows is covered by the CLI test), alternate contacts, contact information,
//! and acting on members with `AccountId` from the management account or the
//! `account.amazonaws.com` delegated administrator with trusted access on.

use aws_sdk_account::error::ProvideErrorMetadata;
use aws_sdk_account::types::{AlternateContactType, ContactInformation, RegionOptStatus};
use aws_sdk_account::Client;
use orgsim::services::account::model::REGION_OPT_DELAY_MS;
use orgsim::Emulator;

use crate::common::{config, new_account, orgs, MANAGEMENT};

const ACCOUNT_SERVICE: &str = "account.amazonaws.com";

fn account(emulator: &Emulator, access_key: &str) -> Client {
    Client::new(&config(emulator, access_key))
}

async fn opt_status(client: &Client, region: &str, member: Option<&str>) -> RegionOptStatus {
    client
        .get_region_opt_status()
        .region_name(region)
        .set_account_id(member.map(str::to_string))
        .send()
        .await
        .expect("GetRegionOptStatus")
        .region_opt_status
        .expect("status")
}

#[tokio::test]
async fn regions_are_enabled_over_world_time() {
    let emulator = Emulator::start();
    let me = account(&emulator, "123456789012");
    assert_eq!(
        opt_status(&me, "us-east-1", None).await,
        RegionOptStatus::EnabledByDefault
    );
    assert_eq!(
        opt_status(&me, "il-central-1", None).await,
        RegionOptStatus::Disabled
    );

    me.enable_region()
        .region_name("il-central-1")
        .send()
        .await
        .expect("EnableRegion");
    assert_eq!(
        opt_status(&me, "il-central-1", None).await,
        RegionOptStatus::Enabling
    );
    let conflict = me
        .disable_region()
        .region_name("il-central-1")
        .send()
        .await
        .unwrap_err();
    assert!(conflict.into_service_error().is_conflict_exception());
    emulator.with_world(|w| w.clock.advance(REGION_OPT_DELAY_MS));
    assert_eq!(
        opt_status(&me, "il-central-1", None).await,
        RegionOptStatus::Enabled
    );

    let refused = me
        .enable_region()
        .region_name("eu-west-1")
        .send()
        .await
        .unwrap_err();
    match refused.into_service_error() {
        aws_sdk_account::operation::enable_region::EnableRegionError::ValidationException(e) => {
            assert_eq!(
                e.reason().map(|r| r.as_str()),
                Some("invalidRegionOptTarget")
            );
        }
        other => panic!("expected ValidationException, got {other:?}"),
    }

    // Every Region, three to a page, with the paginator.
    let pages: Vec<_> = me
        .list_regions()
        .max_results(3)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("ListRegions pages");
    let regions: Vec<_> = pages.iter().flat_map(|p| p.regions().to_vec()).collect();
    assert_eq!(regions.len(), orgsim::regions::REGIONS.len());
    assert!(pages.len() > 10);
    let enabled = me
        .list_regions()
        .region_opt_status_contains(RegionOptStatus::Enabled)
        .send()
        .await
        .expect("ListRegions");
    let names: Vec<_> = enabled
        .regions()
        .iter()
        .filter_map(|r| r.region_name())
        .collect();
    assert_eq!(names, ["il-central-1"]);
}

#[tokio::test]
async fn alternate_contacts_and_contact_information() {
    let emulator = Emulator::start();
    let me = account(&emulator, "123456789012");
    let missing = me
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
        .unwrap_err();
    assert!(missing
        .into_service_error()
        .is_resource_not_found_exception());
    me.put_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .name("Security Team")
        .title("CISO")
        .email_address("security@example.com")
        .phone_number("+1-555-0100")
        .send()
        .await
        .expect("PutAlternateContact");
    let got = me
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Security)
        .send()
        .await
        .expect("GetAlternateContact")
        .alternate_contact
        .expect("contact");
    assert_eq!(got.email_address(), Some("security@example.com"));
    assert_eq!(
        got.alternate_contact_type(),
        Some(&AlternateContactType::Security)
    );
    let invalid = me
        .put_alternate_contact()
        .alternate_contact_type(AlternateContactType::Billing)
        .name("B")
        .title("T")
        .email_address("nobody")
        .phone_number("+1-555-0100")
        .send()
        .await
        .unwrap_err();
    assert_eq!(invalid.code(), Some("ValidationException"));

    let info = ContactInformation::builder()
        .full_name("Jane Doe")
        .address_line1("1 Main St")
        .city("Seattle")
        .postal_code("98101")
        .country_code("US")
        .phone_number("+1 206 555 0100")
        .company_name("Example")
        .build()
        .unwrap();
    me.put_contact_information()
        .contact_information(info.clone())
        .send()
        .await
        .expect("PutContactInformation");
    let got = me
        .get_contact_information()
        .send()
        .await
        .expect("GetContactInformation");
    assert_eq!(got.contact_information(), Some(&info));
}

#[tokio::test]
async fn members_through_trusted_access_and_the_delegated_administrator() {
    let emulator = Emulator::start();
    let org = orgs(&emulator, MANAGEMENT);
    org.create_organization()
        .send()
        .await
        .expect("CreateOrganization");
    let member = new_account(&org, "member").await;
    let admin = new_account(&org, "admin").await;
    let mgmt = account(&emulator, MANAGEMENT);

    let denied = mgmt
        .enable_region()
        .account_id(&member)
        .region_name("ap-south-2")
        .send()
        .await
        .unwrap_err();
    assert!(denied.into_service_error().is_access_denied_exception());

    org.enable_aws_service_access()
        .service_principal(ACCOUNT_SERVICE)
        .send()
        .await
        .expect("EnableAWSServiceAccess");
    mgmt.enable_region()
        .account_id(&member)
        .region_name("ap-south-2")
        .send()
        .await
        .expect("EnableRegion for a member");
    assert_eq!(
        opt_status(&mgmt, "ap-south-2", Some(&member)).await,
        RegionOptStatus::Enabling
    );
    // The member itself sees the change; the management account's own Region is untouched.
    assert_eq!(
        opt_status(&account(&emulator, &member), "ap-south-2", None).await,
        RegionOptStatus::Enabling
    );
    assert_eq!(
        opt_status(&mgmt, "ap-south-2", None).await,
        RegionOptStatus::Disabled
    );

    // The management account names itself only by leaving AccountId out.
    let own = mgmt
        .get_region_opt_status()
        .account_id(MANAGEMENT)
        .region_name("ap-south-2")
        .send()
        .await
        .unwrap_err();
    assert_eq!(own.code(), Some("ValidationException"));

    let delegated = account(&emulator, &admin);
    let before = delegated
        .put_alternate_contact()
        .account_id(&member)
        .alternate_contact_type(AlternateContactType::Operations)
        .name("Ops")
        .title("On call")
        .email_address("ops@example.com")
        .phone_number("+44 20 7946 0000");
    assert!(before
        .clone()
        .send()
        .await
        .unwrap_err()
        .into_service_error()
        .is_access_denied_exception());
    org.register_delegated_administrator()
        .account_id(&admin)
        .service_principal(ACCOUNT_SERVICE)
        .send()
        .await
        .expect("RegisterDelegatedAdministrator");
    before
        .send()
        .await
        .expect("PutAlternateContact as the delegated administrator");
    let seen = account(&emulator, &member)
        .get_alternate_contact()
        .alternate_contact_type(AlternateContactType::Operations)
        .send()
        .await
        .expect("the member's own contact");
    assert_eq!(seen.alternate_contact().and_then(|c| c.name()), Some("Ops"));

    // Account name: the Account API and Organizations share the record.
    mgmt.put_account_name()
        .account_id(&member)
        .account_name("Payments")
        .send()
        .await
        .expect("PutAccountName");
    let described = org
        .describe_account()
        .account_id(&member)
        .send()
        .await
        .expect("DescribeAccount");
    assert_eq!(described.account().and_then(|a| a.name()), Some("Payments"));
    let info = mgmt
        .get_account_information()
        .account_id(&member)
        .send()
        .await
        .expect("GetAccountInformation");
    assert_eq!(info.account_name(), Some("Payments"));
    assert_eq!(info.account_state().map(|s| s.as_str()), Some("ACTIVE"));
    let email = mgmt
        .get_primary_email()
        .account_id(&member)
        .send()
        .await
        .expect("GetPrimaryEmail");
    assert_eq!(email.primary_email(), Some("member@example.com"));
}
