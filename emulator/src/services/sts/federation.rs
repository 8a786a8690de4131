//! AssumeRoleWithWebIdentity and AssumeRoleWithSAML: unsigned calls that present an
//! identity provider's token, checked against the IAM provider of the role's account
//! and then against the role's trust policy (`Federated` principal = the provider ARN).
//!
//! What is checked offline: for OIDC the token's issuer (an IAM OIDC provider of the
//! role's account), audience (one of its client IDs), expiry, and that the provider has
//! thumbprints; the token's signature cannot be verified without fetching the issuer's
//! keys, so it is not. For SAML the issuer, audience, `NotOnOrAfter`, the role/provider
//! pair, and that the assertion is signed with a certificate of the provider's metadata
//! (the `X509Certificate` it carries must be one the metadata lists); the XML signature's
//! digest is not recomputed.

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::StsError;
use super::handlers::{issue, parse_duration, role_arn_parts, AssumedRoleUser, Credentials};
use crate::auth::{Caller, Principal};
use crate::policy::{PolicyDecision, Request, RequestContext};
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebIdentityInput {
    pub role_arn: String,
    pub role_session_name: String,
    pub web_identity_token: String,
    pub duration_seconds: Option<String>,
    pub provider_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WebIdentityOutput {
    pub credentials: Credentials,
    pub subject_from_web_identity_token: String,
    pub assumed_role_user: AssumedRoleUser,
    pub provider: String,
    pub audience: String,
}

fn invalid_token(message: &str) -> StsError {
    StsError::InvalidIdentityToken(message.to_string())
}

/// Whether the role's trust policy allows `action` for a federated principal.
fn trusts(
    world: &World,
    account_id: &str,
    role_name: &str,
    action: &str,
    context: &RequestContext,
) -> Result<(), StsError> {
    let role = world
        .iam
        .role(account_id, role_name)
        .ok_or_else(|| StsError::AccessDenied(format!("Not authorized to perform {action}")))?;
    let arn = role.arn(account_id);
    let request = Request {
        action,
        resource: &arn,
        context,
    };
    match role
        .trust_policy
        .parsed
        .as_ref()
        .map(|d| d.decide(&request))
    {
        Some(PolicyDecision::Allow(_)) => Ok(()),
        _ => Err(StsError::AccessDenied(format!(
            "Not authorized to perform {action}"
        ))),
    }
}

fn session(
    world: &mut World,
    account_id: &str,
    role_name: &str,
    session_name: &str,
    duration: i64,
) -> Result<(Credentials, AssumedRoleUser), StsError> {
    let role = world
        .iam
        .role(account_id, role_name)
        .ok_or_else(|| StsError::AccessDenied("Not authorized".into()))?;
    if duration > i64::from(role.max_session_duration) {
        return Err(StsError::Validation(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
                .into(),
        ));
    }
    let (name, id) = (role.name.to_string(), role.id.to_string());
    let principal = Principal::AssumedRole {
        role_name: name.clone(),
        role_id: id.clone(),
        session_name: session_name.to_string(),
    };
    let credentials = issue(world, account_id, principal, duration);
    Ok((
        credentials,
        AssumedRoleUser {
            assumed_role_id: format!("{id}:{session_name}"),
            arn: format!("arn:aws:sts::{account_id}:assumed-role/{name}/{session_name}"),
        },
    ))
}

pub fn assume_role_with_web_identity(
    world: &mut World,
    _caller: &Caller,
    input: WebIdentityInput,
) -> Result<WebIdentityOutput, StsError> {
    let (account_id, role_name) = role_arn_parts(&input.role_arn)
        .ok_or_else(|| StsError::Validation(format!("{} is invalid", input.role_arn)))?;
    let duration = parse_duration(input.duration_seconds.as_deref(), 900, 43200, 3600)?;
    let parts: Vec<&str> = input.web_identity_token.split('.').collect();
    if parts.len() != 3 {
        return Err(invalid_token("The web identity token is not a valid JWT."));
    }
    let claims: Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1].trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| invalid_token("The web identity token is not a valid JWT."))?;
    let issuer = claims["iss"].as_str().unwrap_or_default();
    let host = issuer.trim_start_matches("https://").trim_end_matches('/');
    let provider_arn = format!("arn:aws:iam::{account_id}:oidc-provider/{host}");
    let provider = world.iam.oidc_providers.get(&provider_arn).ok_or_else(|| {
        invalid_token(&format!(
            "No OpenIDConnect provider found in your account for {issuer}"
        ))
    })?;
    let audiences: Vec<String> = match &claims["aud"] {
        Value::String(a) => vec![a.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    };
    let audience = audiences
        .iter()
        .find(|a| provider.client_ids.contains(a))
        .cloned()
        .ok_or_else(|| invalid_token("Incorrect token audience"))?;
    let now_s = world.clock.now_ms() / 1000;
    if claims["exp"].as_i64().is_none_or(|exp| exp <= now_s) {
        return Err(StsError::ExpiredToken("Token is expired".into()));
    }
    if provider.thumbprints.is_empty() && !host.ends_with("amazonaws.com") {
        return Err(StsError::IdpCommunicationError(
            "The provider has no thumbprint to trust its certificate with.".into(),
        ));
    }
    let subject = claims["sub"].as_str().unwrap_or_default().to_string();
    let mut context = RequestContext::default();
    context.set("aws:FederatedProvider", provider_arn.as_str());
    context.set("aws:PrincipalAccount", account_id.as_str());
    context.set(&format!("{host}:aud"), audience.as_str());
    context.set(&format!("{host}:sub"), subject.as_str());
    trusts(
        world,
        &account_id,
        &role_name,
        "sts:AssumeRoleWithWebIdentity",
        &context,
    )?;
    let (credentials, user) = session(
        world,
        &account_id,
        &role_name,
        &input.role_session_name,
        duration,
    )?;
    Ok(WebIdentityOutput {
        credentials,
        subject_from_web_identity_token: subject,
        assumed_role_user: user,
        provider: input.provider_id.unwrap_or_else(|| host.to_string()),
        audience,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlInput {
    pub role_arn: String,
    pub principal_arn: String,
    #[serde(rename = "SAMLAssertion")]
    pub saml_assertion: String,
    pub duration_seconds: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlOutput {
    pub credentials: Credentials,
    pub assumed_role_user: AssumedRoleUser,
    pub subject: String,
    pub subject_type: String,
    pub issuer: String,
    pub audience: String,
    pub name_qualifier: String,
}

/// The text of the first element whose local name is `name`.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = xml;
    loop {
        let start = rest.find('<')?;
        rest = &rest[start + 1..];
        let tag_end = rest.find('>')?;
        let tag = &rest[..tag_end];
        let local = tag
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .rsplit(':')
            .next()
            .unwrap_or_default();
        if local == name && !tag.starts_with('/') {
            let body = &rest[tag_end + 1..];
            let close = body.find("</")?;
            return Some(body[..close].trim());
        }
        rest = &rest[tag_end..];
    }
}

fn attribute<'a>(xml: &'a str, element_name: &str, attr: &str) -> Option<&'a str> {
    let at = xml
        .find(&format!(":{element_name} "))
        .or_else(|| xml.find(&format!("<{element_name} ")))?;
    let tag = &xml[at..at + xml[at..].find('>')?];
    let key = format!("{attr}=\"");
    let start = tag.find(&key)? + key.len();
    Some(&tag[start..start + tag[start..].find('"')?])
}

pub fn assume_role_with_saml(
    world: &mut World,
    _caller: &Caller,
    input: SamlInput,
) -> Result<SamlOutput, StsError> {
    let (account_id, role_name) = role_arn_parts(&input.role_arn)
        .ok_or_else(|| StsError::Validation(format!("{} is invalid", input.role_arn)))?;
    let duration = parse_duration(input.duration_seconds.as_deref(), 900, 43200, 3600)?;
    let bad = |m: &str| StsError::InvalidIdentityToken(m.to_string());
    let xml = base64::engine::general_purpose::STANDARD
        .decode(input.saml_assertion.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| bad("Invalid base64 SAMLResponse"))?;
    let provider = world
        .iam
        .saml_providers
        .get(&input.principal_arn)
        .filter(|p| p.account_id == account_id)
        .ok_or_else(|| bad("The SAML provider does not exist in the role's account."))?;
    let issuer = element(&xml, "Issuer").unwrap_or_default().to_string();
    let entity = attribute(&provider.metadata, "EntityDescriptor", "entityID").unwrap_or_default();
    if issuer != entity {
        return Err(bad(
            "Issuer of the assertion does not match the provider's metadata.",
        ));
    }
    let certificate =
        element(&xml, "X509Certificate").map(|c| c.split_whitespace().collect::<String>());
    let trusted = certificate.is_some_and(|c| {
        provider.metadata.split("X509Certificate>").any(|chunk| {
            chunk
                .trim_end_matches("</ds:")
                .trim_end_matches("</")
                .split_whitespace()
                .collect::<String>()
                == c
        })
    });
    if !trusted {
        return Err(bad(
            "Unable to validate the assertion's signature with the provider's metadata.",
        ));
    }
    let audience = element(&xml, "Audience").unwrap_or_default().to_string();
    if let Some(not_after) = attribute(&xml, "SubjectConfirmationData", "NotOnOrAfter")
        .or_else(|| attribute(&xml, "Conditions", "NotOnOrAfter"))
    {
        let expires = crate::policy::parse_date(not_after).unwrap_or(0);
        if expires <= world.clock.now_ms() {
            return Err(StsError::ExpiredToken(
                "The SAML assertion has expired.".into(),
            ));
        }
    }
    let role_pair = format!("{},{}", input.role_arn, input.principal_arn);
    let reversed = format!("{},{}", input.principal_arn, input.role_arn);
    if !xml.contains(&role_pair) && !xml.contains(&reversed) {
        return Err(bad("The assertion does not name this role and provider."));
    }
    let subject = element(&xml, "NameID").unwrap_or_default().to_string();
    let mut context = RequestContext::default();
    context.set("aws:FederatedProvider", input.principal_arn.as_str());
    context.set("SAML:aud", audience.as_str());
    context.set("SAML:sub", subject.as_str());
    context.set("SAML:iss", issuer.as_str());
    trusts(
        world,
        &account_id,
        &role_name,
        "sts:AssumeRoleWithSAML",
        &context,
    )?;
    let session_name: String = subject
        .chars()
        .filter(|c| c.is_alphanumeric() || "+=,.@-_".contains(*c))
        .take(64)
        .collect();
    let session_name = if session_name.len() < 2 {
        "saml-session".to_string()
    } else {
        session_name
    };
    let (credentials, user) = session(world, &account_id, &role_name, &session_name, duration)?;
    Ok(SamlOutput {
        credentials,
        assumed_role_user: user,
        subject,
        subject_type: "persistent".into(),
        name_qualifier: format!("{issuer}{account_id}"),
        issuer,
        audience,
    })
}
