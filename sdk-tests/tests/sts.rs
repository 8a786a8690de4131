//! STS through the real SDK: identities, role trust, expiry, session tokens.

use aws_sdk_sts::error::ProvideErrorMetadata;
use orgsim::{Emulator, Settings};

use crate::common::{self, MANAGEMENT};

#[tokio::test]
async fn caller_identity_follows_the_access_key() {
    let emulator = Emulator::start();
    let me = common::sts(&emulator, "123456789012")
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some("123456789012"));
    assert_eq!(me.arn(), Some("arn:aws:iam::123456789012:root"));
    assert_eq!(me.user_id(), Some("123456789012"));
    let default = common::sts(&emulator, "AKIAIOSFODNN7EXAMPLE")
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(default.account(), Some("000000000000"));
}

#[tokio::test]
async fn only_the_management_account_may_assume_the_access_role() {
    let emulator = Emulator::start();
    let member = common::organization(&emulator)
        .account("M")
        .build()
        .await
        .account("M");
    let role_arn = format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole");
    for caller in ["222222222222", member.as_str()] {
        let e = common::sts(&emulator, caller)
            .assume_role()
            .role_arn(&role_arn)
            .role_session_name("nope")
            .send()
            .await
            .unwrap_err();
        assert_eq!(e.code(), Some("AccessDenied"), "{caller}: {e:?}");
        assert!(e
            .message()
            .unwrap_or_default()
            .contains("is not authorized to perform: sts:AssumeRole"));
    }
    let e = common::sts(&emulator, MANAGEMENT)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationError"), "{e:?}");
    let e = common::sts(&emulator, MANAGEMENT)
        .assume_role()
        .role_arn(&role_arn)
        .role_session_name("ok")
        .duration_seconds(100)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("ValidationError"), "{e:?}");
}

#[tokio::test]
async fn roles_orgsim_does_not_hold_are_refused_unless_lenient() {
    let emulator = Emulator::start();
    let e = common::sts(&emulator, MANAGEMENT)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Anything"))
        .role_session_name("s1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
    let lenient = Emulator::start_with(Settings {
        lenient_roles: true,
        ..Settings::default()
    });
    common::sts(&lenient, MANAGEMENT)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Anything"))
        .role_session_name("s1")
        .send()
        .await
        .expect("same-account role");
}

#[tokio::test]
async fn expired_credentials_are_refused() {
    let emulator = Emulator::start();
    emulator.with_world(|w| {
        orgsim::services::iam::put_role_trusting(w, MANAGEMENT, "Short", &[MANAGEMENT])
    });
    let assumed = common::sts(&emulator, MANAGEMENT)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Short"))
        .role_session_name("short")
        .duration_seconds(900)
        .send()
        .await
        .unwrap();
    let role = aws_sdk_sts::Client::new(&common::config_with(
        &emulator,
        common::session(assumed.credentials().unwrap()),
    ));
    role.get_caller_identity()
        .send()
        .await
        .expect("fresh credentials work");
    emulator.with_world(|w| w.clock.advance(901_000));
    let e = role.get_caller_identity().send().await.unwrap_err();
    assert_eq!(e.code(), Some("ExpiredToken"), "{e:?}");
}

#[tokio::test]
async fn session_tokens_and_access_key_info() {
    let emulator = Emulator::start();
    let sts = common::sts(&emulator, MANAGEMENT);
    let session = sts.get_session_token().send().await.unwrap();
    let credentials = session.credentials().unwrap();
    assert!(credentials.access_key_id().starts_with("ASIA"));
    let as_session = aws_sdk_sts::Client::new(&common::config_with(
        &emulator,
        common::session(credentials),
    ));
    let me = as_session.get_caller_identity().send().await.unwrap();
    assert_eq!(me.arn(), Some("arn:aws:iam::111111111111:root"));
    let e = as_session.get_session_token().send().await.unwrap_err();
    assert_eq!(e.code(), Some("AccessDenied"));
    let info = sts
        .get_access_key_info()
        .access_key_id(credentials.access_key_id())
        .send()
        .await
        .unwrap();
    assert_eq!(info.account(), Some(MANAGEMENT));
}

/// A member once assumed any role name in the management account and then acted as
/// management (issue 12): only roles that exist and trust the caller can be assumed.
#[tokio::test]
async fn a_member_cannot_assume_an_invented_role_in_the_management_account() {
    let emulator = Emulator::start();
    let mgmt = common::orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.unwrap();
    let member = common::create_account(&mgmt, "m@example.com", "M")
        .await
        .account_id
        .unwrap();
    let e = common::sts(&emulator, &member)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{MANAGEMENT}:role/Admin"))
        .role_session_name("takeover")
        .send()
        .await
        .expect_err("the management account's roles do not trust members");
    assert_eq!(e.code(), Some("AccessDenied"));
    common::iam(&emulator, &member)
        .create_role()
        .role_name("Admin")
        .assume_role_policy_document(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{member}:root"}},"Action":"sts:AssumeRole"}}]}}"#
        ))
        .send()
        .await
        .unwrap();
    common::sts(&emulator, &member)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{member}:role/Admin"))
        .role_session_name("self")
        .send()
        .await
        .expect("its own account's role");
}
