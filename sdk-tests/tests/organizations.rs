//! The Organizations walkthrough so far, and every error of the core operations,
//! asserted through the SDK's typed errors.

use aws_sdk_organizations::types::{
    ChildType, ConstraintViolationExceptionReason, CreateAccountFailureReason, CreateAccountState,
    InvalidInputExceptionReason, OrganizationFeatureSet, ParentType,
};
use aws_sdk_organizations::Client;
use orgsim::{Emulator, Settings};

use crate::common::{self, create_account, create_ou, organization, orgs, root_id, MANAGEMENT};

#[tokio::test]
async fn walkthrough_org_ous_accounts_and_assume_role() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);

    let org = mgmt
        .create_organization()
        .send()
        .await
        .expect("CreateOrganization")
        .organization
        .unwrap();
    assert_eq!(org.feature_set(), Some(&OrganizationFeatureSet::All));
    assert_eq!(org.master_account_id(), Some(MANAGEMENT));
    let org_id = org.id().unwrap().to_string();

    let root = root_id(&mgmt).await;
    let security = create_ou(&mgmt, &root, "Security").await;
    let workloads = create_ou(&mgmt, &root, "Workloads").await;
    let prod = create_ou(&mgmt, &workloads, "Prod").await;

    let mut accounts = vec![];
    for (name, email, ou) in [
        ("Security", "security@example.com", &security),
        ("Dev", "dev@example.com", &workloads),
        ("Prod", "prod@example.com", &prod),
    ] {
        let status = create_account(&mgmt, email, name).await;
        assert_eq!(
            status.state(),
            Some(&CreateAccountState::Succeeded),
            "{name}"
        );
        let id = status.account_id().expect("account id").to_string();
        assert_eq!(id.len(), 12);
        mgmt.move_account()
            .account_id(&id)
            .source_parent_id(&root)
            .destination_parent_id(ou.as_str())
            .send()
            .await
            .expect("MoveAccount");
        accounts.push((name, id, ou.clone()));
    }

    let listed = mgmt.list_accounts().send().await.expect("ListAccounts");
    assert_eq!(listed.accounts().len(), 4);

    let (_, prod_account, _) = &accounts[2];
    let in_prod = mgmt
        .list_accounts_for_parent()
        .parent_id(&prod)
        .send()
        .await
        .expect("ListAccountsForParent");
    assert_eq!(in_prod.accounts()[0].id(), Some(prod_account.as_str()));
    let described = mgmt
        .describe_account()
        .account_id(prod_account)
        .send()
        .await
        .unwrap()
        .account
        .unwrap();
    assert_eq!(described.name(), Some("Prod"));
    assert_eq!(
        described.paths(),
        [format!(
            "{org_id}/{root}/{workloads}/{prod}/{prod_account}/"
        )]
    );

    let ous = mgmt
        .list_organizational_units_for_parent()
        .parent_id(&root)
        .send()
        .await
        .unwrap();
    let mut names: Vec<_> = ous
        .organizational_units()
        .iter()
        .filter_map(|ou| ou.name())
        .collect();
    names.sort();
    assert_eq!(names, ["Security", "Workloads"]);
    let children = mgmt
        .list_children()
        .parent_id(&workloads)
        .child_type(ChildType::OrganizationalUnit)
        .send()
        .await
        .unwrap();
    assert_eq!(children.children()[0].id(), Some(prod.as_str()));
    let parents = mgmt.list_parents().child_id(&prod).send().await.unwrap();
    assert_eq!(parents.parents()[0].id(), Some(workloads.as_str()));
    assert_eq!(
        parents.parents()[0].r#type(),
        Some(&ParentType::OrganizationalUnit)
    );
    let ou = mgmt
        .describe_organizational_unit()
        .organizational_unit_id(&prod)
        .send()
        .await
        .unwrap()
        .organizational_unit
        .unwrap();
    assert_eq!(
        ou.path(),
        Some(format!("{org_id}/{root}/{workloads}/{prod}/").as_str())
    );

    // Assume the member's access role and act as the member.
    let sts = common::sts(&emulator, MANAGEMENT);
    let assumed = sts
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{prod_account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("walkthrough")
        .send()
        .await
        .expect("AssumeRole");
    let credentials = assumed.credentials().expect("credentials");
    assert!(credentials.access_key_id().starts_with("ASIA"));
    let member_config = common::config_with(&emulator, common::session(credentials));
    let me = aws_sdk_sts::Client::new(&member_config)
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.account(), Some(prod_account.as_str()));
    assert_eq!(
        me.arn(),
        Some(format!("arn:aws:sts::{prod_account}:assumed-role/OrganizationAccountAccessRole/walkthrough").as_str())
    );

    // The member sees its organization but may not list its accounts.
    let member_orgs = Client::new(&member_config);
    let seen = member_orgs
        .describe_organization()
        .send()
        .await
        .expect("member DescribeOrganization");
    assert_eq!(
        seen.organization().and_then(|o| o.id()),
        Some(org_id.as_str())
    );
    let denied = member_orgs
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(denied.is_access_denied_exception(), "{denied:?}");
}

#[tokio::test]
async fn organization_errors_are_typed() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    let outsider = orgs(&emulator, "999999999999");

    let e = outsider
        .describe_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_aws_organizations_not_in_use_exception(), "{e:?}");
    let e = outsider
        .list_accounts()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_aws_organizations_not_in_use_exception(), "{e:?}");

    mgmt.create_organization().send().await.unwrap();
    let e = mgmt
        .create_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_already_in_organization_exception(), "{e:?}");

    let member = create_account(&mgmt, "member@example.com", "Member").await;
    let member_id = member.account_id().unwrap().to_string();
    let member_orgs = orgs(&emulator, &member_id);
    let e = member_orgs
        .create_account()
        .email("x@example.com")
        .account_name("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_access_denied_exception(), "{e:?}");
    let e = member_orgs
        .create_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_already_in_organization_exception(), "{e:?}");

    let e = mgmt
        .delete_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_organization_not_empty_exception(), "{e:?}");

    // The same email again fails the request, not the call.
    let again = create_account(&mgmt, "member@example.com", "Again").await;
    assert_eq!(again.state(), Some(&CreateAccountState::Failed));
    assert_eq!(
        again.failure_reason(),
        Some(&CreateAccountFailureReason::EmailAlreadyExists)
    );

    let e = mgmt
        .create_account()
        .email("not-an-email")
        .account_name("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        aws_sdk_organizations::operation::create_account::CreateAccountError::InvalidInputException(inner) => {
            assert_eq!(inner.reason(), Some(&InvalidInputExceptionReason::InvalidPattern))
        }
        other => panic!("expected InvalidInputException, got {other:?}"),
    }
    let e = mgmt
        .describe_create_account_status()
        .create_account_request_id("car-0000000000")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_create_account_status_not_found_exception(), "{e:?}");
    let e = mgmt
        .describe_account()
        .account_id("123456789012")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");
    let e = mgmt
        .describe_account()
        .account_id("12345")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_input_exception(), "{e:?}");

    // OUs.
    let root = root_id(&mgmt).await;
    let security = create_ou(&mgmt, &root, "Security").await;
    let e = mgmt
        .create_organizational_unit()
        .parent_id(&root)
        .name("Security")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_organizational_unit_exception(), "{e:?}");
    let e = mgmt
        .create_organizational_unit()
        .parent_id("ou-zzzz-zzzzzzzz")
        .name("X")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_parent_not_found_exception(), "{e:?}");
    let other = create_ou(&mgmt, &root, "Other").await;
    let e = mgmt
        .update_organizational_unit()
        .organizational_unit_id(&other)
        .name("Security")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_organizational_unit_exception(), "{e:?}");
    let e = mgmt
        .describe_organizational_unit()
        .organizational_unit_id("ou-zzzz-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_organizational_unit_not_found_exception(), "{e:?}");

    let mut parent = security.clone();
    for level in 2..=5 {
        parent = create_ou(&mgmt, &parent, &format!("Level{level}")).await;
    }
    let e = mgmt
        .create_organizational_unit()
        .parent_id(&parent)
        .name("TooDeep")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        aws_sdk_organizations::operation::create_organizational_unit::CreateOrganizationalUnitError::ConstraintViolationException(inner) => {
            assert_eq!(inner.reason(), Some(&ConstraintViolationExceptionReason::OuDepthLimitExceeded))
        }
        other => panic!("expected ConstraintViolationException, got {other:?}"),
    }

    // Moving accounts.
    let move_account = |source: &str, destination: &str, account: &str| {
        mgmt.move_account()
            .account_id(account)
            .source_parent_id(source)
            .destination_parent_id(destination)
            .send()
    };
    move_account(&root, &security, &member_id)
        .await
        .expect("MoveAccount");
    let e = move_account(&root, &security, &member_id)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_duplicate_account_exception(), "{e:?}");
    let e = move_account(&security, "ou-zzzz-zzzzzzzz", &member_id)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_destination_parent_not_found_exception(), "{e:?}");
    let e = move_account("ou-zzzz-zzzzzzzz", &root, &member_id)
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_source_parent_not_found_exception(), "{e:?}");
    let e = move_account(&security, &root, "123456789012")
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_account_not_found_exception(), "{e:?}");

    let e = mgmt
        .delete_organizational_unit()
        .organizational_unit_id(&security)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_organizational_unit_not_empty_exception(), "{e:?}");
    mgmt.delete_organizational_unit()
        .organizational_unit_id(&other)
        .send()
        .await
        .expect("delete empty OU");

    let e = mgmt
        .list_children()
        .parent_id("ou-zzzz-zzzzzzzz")
        .child_type(ChildType::Account)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_parent_not_found_exception(), "{e:?}");
    let e = mgmt
        .list_accounts_for_parent()
        .parent_id("ou-zzzz-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_parent_not_found_exception(), "{e:?}");
    let e = mgmt
        .list_organizational_units_for_parent()
        .parent_id("ou-zzzz-zzzzzzzz")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_parent_not_found_exception(), "{e:?}");
    let e = mgmt
        .list_parents()
        .child_id("123456789012")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_child_not_found_exception(), "{e:?}");
}

#[tokio::test]
async fn pagination_and_bad_tokens() {
    let emulator = Emulator::start();
    let org = organization(&emulator)
        .accounts(&["A0", "A1", "A2", "A3", "A4"])
        .build()
        .await;
    let mgmt = &org.mgmt;
    let first = mgmt.list_accounts().max_results(2).send().await.unwrap();
    assert_eq!(first.accounts().len(), 2);
    assert!(first.next_token().is_some());
    let pages: Vec<_> = mgmt
        .list_accounts()
        .max_results(2)
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .expect("paginate ListAccounts");
    assert_eq!(pages.len(), 3);
    let all: Vec<_> = pages.iter().flat_map(|p| p.accounts().iter()).collect();
    assert_eq!(all.len(), 6);
    let mut ids: Vec<_> = all.iter().filter_map(|a| a.id()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 6, "no account twice");

    let e = mgmt
        .list_accounts()
        .next_token("forged-token")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        aws_sdk_organizations::operation::list_accounts::ListAccountsError::InvalidInputException(inner) => {
            assert_eq!(inner.reason(), Some(&InvalidInputExceptionReason::InvalidPaginationToken))
        }
        other => panic!("expected InvalidInputException, got {other:?}"),
    }
    // A token from one listing is refused by another.
    let root = org.root.clone();
    let token = first.next_token().unwrap();
    let e = mgmt
        .list_accounts_for_parent()
        .parent_id(&root)
        .next_token(token)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_input_exception(), "{e:?}");
    let e = mgmt
        .list_accounts()
        .max_results(21)
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_invalid_input_exception(), "{e:?}");
}

#[tokio::test]
async fn create_account_is_asynchronous_and_rate_limited() {
    let emulator = Emulator::start_with(Settings {
        create_account_delay_ms: 60_000,
        ..Settings::default()
    });
    emulator.with_world(|w| w.clock.pinned_ms = Some(1_800_000_000_000));
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.unwrap();
    let mut ids = vec![];
    for i in 0..5 {
        let status = mgmt
            .create_account()
            .email(format!("r{i}@example.com"))
            .account_name("R")
            .send()
            .await
            .unwrap();
        ids.push(status.create_account_status.unwrap().id.unwrap());
    }
    let e = mgmt
        .create_account()
        .email("r9@example.com")
        .account_name("R")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    match e {
        aws_sdk_organizations::operation::create_account::CreateAccountError::ConstraintViolationException(inner) => {
            assert_eq!(inner.reason(), Some(&ConstraintViolationExceptionReason::AccountCreationRateLimitExceeded))
        }
        other => panic!("expected ConstraintViolationException, got {other:?}"),
    }
    let pending = mgmt
        .describe_create_account_status()
        .create_account_request_id(&ids[0])
        .send()
        .await
        .unwrap();
    assert_eq!(
        pending.create_account_status.unwrap().state(),
        Some(&CreateAccountState::InProgress)
    );
    emulator.with_world(|w| w.clock.advance(60_000));
    let done = mgmt
        .list_create_account_status()
        .states(CreateAccountState::Succeeded)
        .send()
        .await
        .unwrap();
    assert_eq!(done.create_account_statuses().len(), 5);
}

#[tokio::test]
async fn an_empty_organization_can_be_deleted() {
    let emulator = Emulator::start();
    let mgmt = orgs(&emulator, MANAGEMENT);
    mgmt.create_organization()
        .feature_set(OrganizationFeatureSet::ConsolidatedBilling)
        .send()
        .await
        .unwrap();
    let roots = mgmt.list_roots().send().await.unwrap();
    assert!(roots.roots()[0].policy_types().is_empty());
    mgmt.delete_organization()
        .send()
        .await
        .expect("DeleteOrganization");
    let e = mgmt
        .describe_organization()
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(e.is_aws_organizations_not_in_use_exception(), "{e:?}");
}
