//! GetFederationToken, AssumeRoot, GetScopedCredentials, web identity and SAML
//! federation, DecodeAuthorizationMessage — through authorization, as the server runs
//! them.

use base64::Engine;
use serde_json::{json, Value};

use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

const MGMT: &str = "111111111111";

fn call(
    w: &mut World,
    caller: &Caller,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    w.begin_request();
    crate::authorize::authorize(w, caller, service, op, &input)
        .map_err(|d| d.to_api_error(service))?;
    crate::services::dispatch(w, caller, service, op, input)
}

fn session_caller(w: &World, out: &Value) -> Caller {
    let key = out["Credentials"]["AccessKeyId"].as_str().unwrap();
    let issued = &w.sts.credentials[key];
    Caller {
        account_id: issued.account_id.clone(),
        principal: issued.principal.clone(),
        access_key_id: key.to_string(),
        temporary: true,
        region: "us-east-1".into(),
    }
}

/// An IAM user of the management account with AdministratorAccess.
fn admin_user(w: &mut World, name: &str) -> Caller {
    let root = root_caller(MGMT);
    call(
        w,
        &root,
        ServiceId::Iam,
        "CreateUser",
        json!({"UserName": name}),
    )
    .unwrap();
    call(
        w,
        &root,
        ServiceId::Iam,
        "AttachUserPolicy",
        json!({"UserName": name, "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}),
    )
    .unwrap();
    let user = w.iam.user(MGMT, name).unwrap();
    Caller {
        account_id: MGMT.into(),
        principal: Principal::User {
            user_name: user.name.clone(),
            user_id: user.id.clone(),
            path: "/".into(),
        },
        access_key_id: format!("AKIA{name}"),
        temporary: false,
        region: "us-east-1".into(),
    }
}

#[test]
fn federation_tokens_narrow_the_users_permissions() {
    let mut w = world();
    let alice = admin_user(&mut w, "alice");
    let out = call(&mut w, &alice, ServiceId::Sts, "GetFederationToken", json!({
        "Name": "contractor",
        "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:List*","sts:GetScopedCredentials"],"Resource":"*"}]}"#,
    })).unwrap();
    assert_eq!(
        out["FederatedUser"]["Arn"],
        "arn:aws:sts::111111111111:federated-user/contractor"
    );
    let fed = session_caller(&w, &out);
    assert_eq!(
        fed.arn(),
        "arn:aws:sts::111111111111:federated-user/contractor"
    );
    call(&mut w, &fed, ServiceId::Iam, "ListUsers", json!({})).expect("the session policy allows");
    let e = call(
        &mut w,
        &fed,
        ServiceId::Iam,
        "CreateUser",
        json!({"UserName": "x"}),
    )
    .unwrap_err();
    assert!(
        e.message
            .contains("because no session policy allows the iam:CreateUser action"),
        "{}",
        e.message
    );
    // Scoping down the session further.
    let scoped = call(&mut w, &fed, ServiceId::Sts, "GetScopedCredentials", json!({
        "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#,
    })).unwrap();
    assert_eq!(scoped["SessionInfo"]["Arn"], fed.arn());
    let narrow = session_caller(&w, &scoped);
    call(&mut w, &narrow, ServiceId::Iam, "ListRoles", json!({})).unwrap();
    assert!(call(&mut w, &narrow, ServiceId::Iam, "ListUsers", json!({})).is_err());
    let e = call(
        &mut w,
        &root_caller(MGMT),
        ServiceId::Sts,
        "GetScopedCredentials",
        json!({}),
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidSubjectCredentials");
}

#[test]
fn assume_root_needs_the_feature_an_iam_principal_and_a_member() {
    let mut w = world();
    let root = root_caller(MGMT);
    call(
        &mut w,
        &root,
        ServiceId::Organizations,
        "CreateOrganization",
        json!({}),
    )
    .unwrap();
    let car = call(
        &mut w,
        &root,
        ServiceId::Organizations,
        "CreateAccount",
        json!({"Email": "m@example.org", "AccountName": "M"}),
    )
    .unwrap();
    let status = call(
        &mut w,
        &root,
        ServiceId::Organizations,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": car["CreateAccountStatus"]["Id"]}),
    )
    .unwrap();
    let member = status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();
    let ops = admin_user(&mut w, "ops");
    let input = json!({"TargetPrincipal": member, "TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"}});
    let e = call(&mut w, &ops, ServiceId::Sts, "AssumeRoot", input.clone()).unwrap_err();
    assert!(e.message.contains("RootSessions"), "{}", e.message);
    call(
        &mut w,
        &root,
        ServiceId::Organizations,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "iam.amazonaws.com"}),
    )
    .unwrap();
    call(
        &mut w,
        &root,
        ServiceId::Iam,
        "EnableOrganizationsRootSessions",
        json!({}),
    )
    .unwrap();
    assert_eq!(
        call(&mut w, &root, ServiceId::Sts, "AssumeRoot", input.clone())
            .unwrap_err()
            .code,
        "AccessDenied"
    );
    let bad_task = json!({"TargetPrincipal": member, "TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}});
    assert_eq!(
        call(&mut w, &ops, ServiceId::Sts, "AssumeRoot", bad_task)
            .unwrap_err()
            .code,
        "ValidationError"
    );
    let to_self = json!({"TargetPrincipal": MGMT, "TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials"}});
    assert_eq!(
        call(&mut w, &ops, ServiceId::Sts, "AssumeRoot", to_self)
            .unwrap_err()
            .code,
        "AccessDenied"
    );
    let out = call(&mut w, &ops, ServiceId::Sts, "AssumeRoot", input).unwrap();
    let session = session_caller(&w, &out);
    assert_eq!(session.arn(), format!("arn:aws:iam::{member}:root"));
    // The member's root has no password (created by Organizations): nothing to delete.
    assert_eq!(
        call(
            &mut w,
            &session,
            ServiceId::Iam,
            "DeleteLoginProfile",
            json!({})
        )
        .unwrap_err()
        .code,
        "NoSuchEntity"
    );
    assert!(call(
        &mut w,
        &session,
        ServiceId::Iam,
        "ListAccessKeys",
        json!({})
    )
    .is_ok());
    assert!(call(&mut w, &session, ServiceId::Iam, "CreateRole", json!({})).is_err());
    assert_eq!(
        call(
            &mut w,
            &session,
            ServiceId::Sts,
            "GetSessionToken",
            json!({})
        )
        .unwrap_err()
        .code,
        "AccessDenied"
    );
}

fn jwt(claims: Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        engine.encode(r#"{"alg":"RS256"}"#),
        engine.encode(claims.to_string()),
        engine.encode("sig")
    )
}

#[test]
fn web_identity_checks_issuer_audience_expiry_and_trust() {
    let mut w = world();
    w.clock.pinned_ms = Some(1_700_000_000_000);
    let root = root_caller(MGMT);
    call(
        &mut w,
        &root,
        ServiceId::Iam,
        "CreateOpenIDConnectProvider",
        json!({
            "Url": "https://token.actions.githubusercontent.com",
            "ClientIDList": ["sts.amazonaws.com"],
            "ThumbprintList": ["6938fd4d98bab03faadb97b34396831e3780aea1"],
        }),
    )
    .unwrap();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]}"#;
    call(
        &mut w,
        &root,
        ServiceId::Iam,
        "CreateRole",
        json!({"RoleName": "ci", "AssumeRolePolicyDocument": trust}),
    )
    .unwrap();
    let claims = |sub: &str, aud: &str, exp: i64| json!({"iss": "https://token.actions.githubusercontent.com", "sub": sub, "aud": aud, "exp": exp});
    let assume = |w: &mut World, token: String| {
        w.begin_request();
        crate::services::dispatch(
            w,
            &root_caller("000000000000"),
            ServiceId::Sts,
            "AssumeRoleWithWebIdentity",
            json!({
            "RoleArn": "arn:aws:iam::111111111111:role/ci", "RoleSessionName": "gha", "WebIdentityToken": token}),
        )
    };
    let now = 1_700_000_000;
    let out = assume(
        &mut w,
        jwt(claims(
            "repo:acme/app:ref:main",
            "sts.amazonaws.com",
            now + 600,
        )),
    )
    .unwrap();
    assert_eq!(out["SubjectFromWebIdentityToken"], "repo:acme/app:ref:main");
    assert_eq!(
        assume(
            &mut w,
            jwt(claims("repo:evil/app", "sts.amazonaws.com", now + 600))
        )
        .unwrap_err()
        .code,
        "AccessDenied"
    );
    assert_eq!(
        assume(&mut w, jwt(claims("repo:acme/app", "other", now + 600)))
            .unwrap_err()
            .code,
        "InvalidIdentityToken"
    );
    assert_eq!(
        assume(
            &mut w,
            jwt(claims("repo:acme/app", "sts.amazonaws.com", now - 1))
        )
        .unwrap_err()
        .code,
        "ExpiredTokenException"
    );
    assert_eq!(
        assume(&mut w, "not-a-jwt".into()).unwrap_err().code,
        "InvalidIdentityToken"
    );
}

#[test]
fn saml_assertions_are_checked_against_the_providers_metadata() {
    let mut w = world();
    w.clock.pinned_ms = Some(1_700_000_000_000);
    let root = root_caller(MGMT);
    let cert = "MIIC8DCCAdigAwIBAgIQexample";
    let metadata = format!(
        r#"<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml"><md:IDPSSODescriptor><md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor></md:IDPSSODescriptor>{}</md:EntityDescriptor>"#,
        "<!-- padding -->".repeat(60)
    );
    let provider = call(
        &mut w,
        &root,
        ServiceId::Iam,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": metadata}),
    )
    .unwrap();
    let provider_arn = provider["SAMLProviderArn"].as_str().unwrap().to_string();
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{provider_arn}"}},"Action":"sts:AssumeRoleWithSAML","Condition":{{"StringEquals":{{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}}}}]}}"#
    );
    call(
        &mut w,
        &root,
        ServiceId::Iam,
        "CreateRole",
        json!({"RoleName": "sso", "AssumeRolePolicyDocument": trust}),
    )
    .unwrap();
    let role_arn = "arn:aws:iam::111111111111:role/sso";
    let assertion = |cert: &str| {
        let xml = format!(
            r#"<samlp:Response><saml:Assertion><saml:Issuer>https://idp.example.com/saml</saml:Issuer><ds:Signature><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature><saml:Subject><saml:NameID>jane@example.com</saml:NameID><saml:SubjectConfirmation><saml:SubjectConfirmationData NotOnOrAfter="2030-01-01T00:00:00Z"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions><saml:AudienceRestriction><saml:Audience>https://signin.aws.amazon.com/saml</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue></saml:Assertion></samlp:Response>"#
        );
        base64::engine::general_purpose::STANDARD.encode(xml)
    };
    let assume = |w: &mut World, saml: String| {
        w.begin_request();
        crate::services::dispatch(
            w,
            &root_caller("000000000000"),
            ServiceId::Sts,
            "AssumeRoleWithSAML",
            json!({
            "RoleArn": role_arn, "PrincipalArn": provider_arn, "SAMLAssertion": saml}),
        )
    };
    let out = assume(&mut w, assertion(cert)).unwrap();
    assert_eq!(out["Subject"], "jane@example.com");
    assert!(out["AssumedRoleUser"]["Arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:sts::111111111111:assumed-role/sso/"));
    assert_eq!(
        assume(&mut w, assertion("MIIforged")).unwrap_err().code,
        "InvalidIdentityToken"
    );
}

#[test]
fn decode_authorization_message_refuses_what_is_not_one() {
    let mut w = world();
    let root = root_caller(MGMT);
    let encoded = base64::engine::general_purpose::STANDARD.encode(r#"{"allowed":false}"#);
    let out = call(
        &mut w,
        &root,
        ServiceId::Sts,
        "DecodeAuthorizationMessage",
        json!({"EncodedMessage": encoded}),
    )
    .unwrap();
    assert_eq!(out["DecodedMessage"], r#"{"allowed":false}"#);
    let e = call(
        &mut w,
        &root,
        ServiceId::Sts,
        "DecodeAuthorizationMessage",
        json!({"EncodedMessage": "garbage!"}),
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidAuthorizationMessageException");
}
