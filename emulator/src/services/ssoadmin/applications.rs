//! Trusted token issuers, application providers, customer managed applications and
//! their user and group assignments: configuration that orgsim stores and shows, with
//! AWS's identifiers and checks; no token is ever exchanged.

use serde::Deserialize;
use serde_json::{json, Value};

use super::access::instance;
use super::errors::SsoError;
use super::permission_sets::{check_tags, TagInput};
use super::{check_length, page, token, Empty};
use crate::auth::Caller;
use crate::services::pagination::take_page;
use crate::world::{epoch_seconds, World};

/// The application providers orgsim knows (AWS's catalog is far larger).
const PROVIDERS: &[(&str, &str, &str)] = &[
    (
        "arn:aws:sso::aws:applicationProvider/custom",
        "OAUTH",
        "Customer managed OAuth 2.0 application",
    ),
    (
        "arn:aws:sso::aws:applicationProvider/custom-saml",
        "SAML",
        "Customer managed SAML 2.0 application",
    ),
];

fn provider_json(p: &(&str, &str, &str)) -> Value {
    json!({
        "ApplicationProviderArn": p.0,
        "FederationProtocol": p.1,
        "DisplayData": {"DisplayName": p.2, "Description": p.2},
    })
}

fn instance_id(instance_arn: &str) -> &str {
    instance_arn.rsplit('/').next().unwrap_or_default()
}

// ---- Trusted token issuers ----------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateIssuerInput {
    pub instance_arn: String,
    pub name: String,
    pub trusted_token_issuer_type: String,
    pub trusted_token_issuer_configuration: Value,
    pub client_token: Option<String>,
    pub tags: Option<Vec<TagInput>>,
}

fn check_issuer_name(name: &str) -> Result<(), SsoError> {
    check_length("Name", name, 1, 255)?;
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Err(SsoError::constraint(
            "Name",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]+",
        ));
    }
    Ok(())
}

pub fn create_trusted_token_issuer(
    world: &mut World,
    caller: &Caller,
    input: CreateIssuerInput,
) -> Result<Value, SsoError> {
    let access = instance(
        world,
        caller,
        "CreateTrustedTokenIssuer",
        &input.instance_arn,
    )?;
    check_issuer_name(&input.name)?;
    if input.trusted_token_issuer_type != "OIDC_JWT" {
        return Err(SsoError::constraint(
            "TrustedTokenIssuerType",
            &input.trusted_token_issuer_type,
            "Member must satisfy enum value set: [OIDC_JWT]",
        ));
    }
    let config = input
        .trusted_token_issuer_configuration
        .get("OidcJwtConfiguration")
        .ok_or_else(|| {
            SsoError::Validation(
                "TrustedTokenIssuerConfiguration must have OidcJwtConfiguration.".into(),
            )
        })?;
    for member in [
        "IssuerUrl",
        "ClaimAttributePath",
        "IdentityStoreAttributePath",
        "JwksRetrievalOption",
    ] {
        if config.get(member).and_then(Value::as_str).is_none() {
            return Err(SsoError::Validation(format!(
                "1 validation error detected: Value null at 'trustedTokenIssuerConfiguration.oidcJwtConfiguration.{}' failed to satisfy constraint: Member must not be null",
                member[..1].to_ascii_lowercase() + &member[1..]
            )));
        }
    }
    let url = config["IssuerUrl"].as_str().unwrap_or_default();
    if !url.starts_with("https://") && !url.starts_with("http://") {
        return Err(SsoError::constraint(
            "IssuerUrl",
            url,
            "Member must satisfy regular expression pattern: https?:\\/\\/[-a-zA-Z0-9+&@\\/%=~_|!:,.;]*[-a-zA-Z0-9+&@\\/%=~_|]",
        ));
    }
    let owner = access.instance.owner_account.clone();
    let duplicate = world.ssoadmin.trusted_token_issuers.values().any(|t| {
        t["InstanceArn"] == json!(input.instance_arn)
            && (t["Name"] == json!(input.name)
                || t.pointer("/TrustedTokenIssuerConfiguration/OidcJwtConfiguration/IssuerUrl")
                    == Some(&json!(url)))
    });
    if duplicate {
        return Err(SsoError::Conflict(
            "A trusted token issuer with this name or issuer URL already exists.".into(),
        ));
    }
    let tags = check_tags(input.tags.unwrap_or_default())?;
    let arn = format!(
        "arn:aws:sso::{owner}:trustedTokenIssuer/{}/tti-{}",
        instance_id(&input.instance_arn),
        world.ids.uuid()
    );
    world.ssoadmin.trusted_token_issuers.insert(
        arn.clone(),
        json!({
            "TrustedTokenIssuerArn": arn,
            "InstanceArn": input.instance_arn,
            "Name": input.name,
            "TrustedTokenIssuerType": "OIDC_JWT",
            "TrustedTokenIssuerConfiguration": {"OidcJwtConfiguration": config},
            "Tags": tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>(),
        }),
    );
    Ok(json!({ "TrustedTokenIssuerArn": arn }))
}

/// The issuer `arn`, once the caller may reach its instance.
fn issuer<'w>(
    world: &'w World,
    caller: &Caller,
    operation: &str,
    arn: &str,
) -> Result<&'w Value, SsoError> {
    let issuer = world
        .ssoadmin
        .trusted_token_issuers
        .get(arn)
        .ok_or_else(|| SsoError::NotFound(format!("Could not find trusted token issuer {arn}")))?;
    instance(
        world,
        caller,
        operation,
        issuer["InstanceArn"].as_str().unwrap_or_default(),
    )?;
    Ok(issuer)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IssuerRef {
    pub trusted_token_issuer_arn: String,
}

pub fn describe_trusted_token_issuer(
    world: &mut World,
    caller: &Caller,
    input: IssuerRef,
) -> Result<Value, SsoError> {
    let issuer = issuer(
        world,
        caller,
        "DescribeTrustedTokenIssuer",
        &input.trusted_token_issuer_arn,
    )?;
    Ok(json!({
        "TrustedTokenIssuerArn": issuer["TrustedTokenIssuerArn"],
        "Name": issuer["Name"],
        "TrustedTokenIssuerType": issuer["TrustedTokenIssuerType"],
        "TrustedTokenIssuerConfiguration": issuer["TrustedTokenIssuerConfiguration"],
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateIssuerInput {
    pub trusted_token_issuer_arn: String,
    pub name: Option<String>,
    pub trusted_token_issuer_configuration: Option<Value>,
}

pub fn update_trusted_token_issuer(
    world: &mut World,
    caller: &Caller,
    input: UpdateIssuerInput,
) -> Result<Empty, SsoError> {
    issuer(
        world,
        caller,
        "UpdateTrustedTokenIssuer",
        &input.trusted_token_issuer_arn,
    )?;
    if let Some(name) = &input.name {
        check_issuer_name(name)?;
    }
    let entry = world
        .ssoadmin
        .trusted_token_issuers
        .get_mut(&input.trusted_token_issuer_arn)
        .expect("checked");
    if let Some(name) = input.name {
        entry["Name"] = json!(name);
    }
    if let Some(update) = input
        .trusted_token_issuer_configuration
        .and_then(|c| c.get("OidcJwtConfiguration").cloned())
        .and_then(|c| c.as_object().cloned())
    {
        for (key, value) in update {
            entry["TrustedTokenIssuerConfiguration"]["OidcJwtConfiguration"][key] = value;
        }
    }
    Ok(Empty {})
}

pub fn delete_trusted_token_issuer(
    world: &mut World,
    caller: &Caller,
    input: IssuerRef,
) -> Result<Empty, SsoError> {
    issuer(
        world,
        caller,
        "DeleteTrustedTokenIssuer",
        &input.trusted_token_issuer_arn,
    )?;
    world
        .ssoadmin
        .trusted_token_issuers
        .remove(&input.trusted_token_issuer_arn);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceListInput {
    pub instance_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filter: Option<Value>,
}

pub fn list_trusted_token_issuers(
    world: &mut World,
    caller: &Caller,
    input: InstanceListInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "ListTrustedTokenIssuers",
        &input.instance_arn,
    )?;
    let listing = format!("ListTrustedTokenIssuers {}", input.instance_arn);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = world
        .ssoadmin
        .trusted_token_issuers
        .iter()
        .filter(|(_, t)| t["InstanceArn"] == json!(input.instance_arn))
        .filter(|(k, _)| after.as_deref().is_none_or(|a| k.as_str() > a));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items
        .into_iter()
        .map(|(_, t)| {
            json!({
                "TrustedTokenIssuerArn": t["TrustedTokenIssuerArn"],
                "Name": t["Name"],
                "TrustedTokenIssuerType": t["TrustedTokenIssuerType"],
            })
        })
        .collect();
    let mut out = json!({ "TrustedTokenIssuers": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

// ---- Application providers ----------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListProvidersInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_application_providers(
    _world: &mut World,
    _caller: &Caller,
    input: ListProvidersInput,
) -> Result<Value, SsoError> {
    let listing = "ListApplicationProviders";
    let (max, after) = page(listing, input.max_results, 100, &input.next_token)?;
    let items = PROVIDERS
        .iter()
        .filter(|p| after.as_deref().is_none_or(|a| p.0 > a));
    let (items, next) = take_page(items, max, |p| p.0.to_string());
    let items: Vec<Value> = items.into_iter().map(provider_json).collect();
    let mut out = json!({ "ApplicationProviders": items });
    if let Some(next) = token(listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderRef {
    pub application_provider_arn: String,
}

pub fn describe_application_provider(
    _world: &mut World,
    _caller: &Caller,
    input: ProviderRef,
) -> Result<Value, SsoError> {
    PROVIDERS
        .iter()
        .find(|p| p.0 == input.application_provider_arn)
        .map(provider_json)
        .ok_or_else(|| {
            SsoError::NotFound(format!(
                "Could not find application provider {}",
                input.application_provider_arn
            ))
        })
}

// ---- Applications -------------------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateApplicationInput {
    pub instance_arn: String,
    pub application_provider_arn: String,
    pub name: String,
    pub description: Option<String>,
    pub portal_options: Option<Value>,
    pub tags: Option<Vec<TagInput>>,
    pub status: Option<String>,
    pub client_token: Option<String>,
}

fn check_status(status: &Option<String>) -> Result<(), SsoError> {
    match status.as_deref() {
        None | Some("ENABLED") | Some("DISABLED") => Ok(()),
        Some(other) => Err(SsoError::constraint(
            "Status",
            other,
            "Member must satisfy enum value set: [ENABLED, DISABLED]",
        )),
    }
}

pub fn create_application(
    world: &mut World,
    caller: &Caller,
    input: CreateApplicationInput,
) -> Result<Value, SsoError> {
    let access = instance(world, caller, "CreateApplication", &input.instance_arn)?;
    check_length("Name", &input.name, 1, 100)?;
    if let Some(d) = &input.description {
        check_length("Description", d, 1, 128)?;
    }
    check_status(&input.status)?;
    if !PROVIDERS
        .iter()
        .any(|p| p.0 == input.application_provider_arn)
    {
        return Err(SsoError::NotFound(format!(
            "Could not find application provider {}",
            input.application_provider_arn
        )));
    }
    let owner = access.instance.owner_account.clone();
    let store_arn = format!(
        "arn:aws:identitystore::{owner}:identitystore/{}",
        access.instance.identity_store_id
    );
    let tags = check_tags(input.tags.unwrap_or_default())?;
    let arn = format!(
        "arn:aws:sso::{owner}:application/{}/apl-{}",
        instance_id(&input.instance_arn),
        world.ids.hex(16)
    );
    let mut application = json!({
        "ApplicationArn": arn,
        "ApplicationProviderArn": input.application_provider_arn,
        "Name": input.name,
        "ApplicationAccount": owner,
        "InstanceArn": input.instance_arn,
        "IdentityStoreArn": store_arn,
        "Status": input.status.unwrap_or_else(|| "ENABLED".into()),
        "PortalOptions": input.portal_options.unwrap_or_else(|| json!({"Visibility": "ENABLED"})),
        "CreatedDate": epoch_seconds(world.clock.now_ms()),
        "CreatedFrom": caller.region,
        "Tags": tags.iter().map(|t| json!({"Key": t.key, "Value": t.value})).collect::<Vec<_>>(),
    });
    if let Some(d) = input.description {
        application["Description"] = json!(d);
    }
    world.ssoadmin.applications.insert(arn.clone(), application);
    Ok(json!({
        "ApplicationArn": arn,
        "InstanceArn": input.instance_arn,
        "IdentityStoreArn": store_arn,
    }))
}

fn application<'w>(
    world: &'w World,
    caller: &Caller,
    operation: &str,
    arn: &str,
) -> Result<&'w Value, SsoError> {
    let app = world
        .ssoadmin
        .applications
        .get(arn)
        .ok_or_else(|| SsoError::NotFound(format!("Could not find application {arn}")))?;
    instance(
        world,
        caller,
        operation,
        app["InstanceArn"].as_str().unwrap_or_default(),
    )?;
    Ok(app)
}

fn application_json(app: &Value) -> Value {
    let mut out = app.clone();
    if let Some(map) = out.as_object_mut() {
        map.remove("Tags");
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationRef {
    pub application_arn: String,
}

pub fn describe_application(
    world: &mut World,
    caller: &Caller,
    input: ApplicationRef,
) -> Result<Value, SsoError> {
    let app = application(world, caller, "DescribeApplication", &input.application_arn)?;
    Ok(application_json(app))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateApplicationInput {
    pub application_arn: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub status: Option<String>,
    pub portal_options: Option<Value>,
}

pub fn update_application(
    world: &mut World,
    caller: &Caller,
    input: UpdateApplicationInput,
) -> Result<Empty, SsoError> {
    application(world, caller, "UpdateApplication", &input.application_arn)?;
    if let Some(n) = &input.name {
        check_length("Name", n, 1, 100)?;
    }
    if let Some(d) = &input.description {
        check_length("Description", d, 1, 128)?;
    }
    check_status(&input.status)?;
    let app = world
        .ssoadmin
        .applications
        .get_mut(&input.application_arn)
        .expect("checked");
    if let Some(n) = input.name {
        app["Name"] = json!(n);
    }
    if let Some(d) = input.description {
        app["Description"] = json!(d);
    }
    if let Some(s) = input.status {
        app["Status"] = json!(s);
    }
    if let Some(sign_in) = input
        .portal_options
        .and_then(|p| p.get("SignInOptions").cloned())
    {
        app["PortalOptions"]["SignInOptions"] = sign_in;
    }
    Ok(Empty {})
}

pub fn delete_application(
    world: &mut World,
    caller: &Caller,
    input: ApplicationRef,
) -> Result<Empty, SsoError> {
    application(world, caller, "DeleteApplication", &input.application_arn)?;
    world.ssoadmin.applications.remove(&input.application_arn);
    let prefix = format!("{}|", input.application_arn);
    let all = std::mem::take(&mut world.ssoadmin.application_assignments);
    world.ssoadmin.application_assignments = all
        .into_iter()
        .filter(|(k, _)| !k.starts_with(&prefix))
        .collect();
    Ok(Empty {})
}

pub fn list_applications(
    world: &mut World,
    caller: &Caller,
    input: InstanceListInput,
) -> Result<Value, SsoError> {
    instance(world, caller, "ListApplications", &input.instance_arn)?;
    let filter = input.filter.unwrap_or(Value::Null);
    let listing = format!("ListApplications {} {filter}", input.instance_arn);
    let (max, after) = page(&listing, input.max_results, 50, &input.next_token)?;
    let items = world
        .ssoadmin
        .applications
        .iter()
        .filter(|(_, a)| a["InstanceArn"] == json!(input.instance_arn))
        .filter(|(_, a)| {
            filter
                .get("ApplicationAccount")
                .is_none_or(|acct| &a["ApplicationAccount"] == acct)
                && filter
                    .get("ApplicationProvider")
                    .is_none_or(|p| &a["ApplicationProviderArn"] == p)
        })
        .filter(|(k, _)| after.as_deref().is_none_or(|after| k.as_str() > after));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items
        .into_iter()
        .map(|(_, a)| application_json(a))
        .collect();
    let mut out = json!({ "Applications": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

// ---- Application assignments --------------------------------------------------------

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ApplicationAssignmentInput {
    pub application_arn: String,
    pub principal_id: String,
    pub principal_type: String,
}

fn assignment_key(app: &str, principal_type: &str, principal_id: &str) -> String {
    format!("{app}|{principal_type}|{principal_id}")
}

pub fn create_application_assignment(
    world: &mut World,
    caller: &Caller,
    input: ApplicationAssignmentInput,
) -> Result<Empty, SsoError> {
    let app = application(
        world,
        caller,
        "CreateApplicationAssignment",
        &input.application_arn,
    )?;
    let instance_arn = app["InstanceArn"].as_str().unwrap_or_default().to_string();
    let store_id = world.ssoadmin.instances[&instance_arn]
        .identity_store_id
        .clone();
    let store = world.identitystore.stores.get(&store_id);
    let exists = store.is_some_and(|s| match input.principal_type.as_str() {
        "USER" => s.users.contains_key(&input.principal_id),
        "GROUP" => s.groups.contains_key(&input.principal_id),
        _ => false,
    });
    if !matches!(input.principal_type.as_str(), "USER" | "GROUP") {
        return Err(SsoError::constraint(
            "PrincipalType",
            &input.principal_type,
            "Member must satisfy enum value set: [USER, GROUP]",
        ));
    }
    if !exists {
        return Err(SsoError::NotFound(format!(
            "Could not find {} with id {} in the identity store {store_id}",
            input.principal_type, input.principal_id
        )));
    }
    let key = assignment_key(
        &input.application_arn,
        &input.principal_type,
        &input.principal_id,
    );
    world.ssoadmin.application_assignments.insert(
        key,
        json!({
            "ApplicationArn": input.application_arn,
            "PrincipalId": input.principal_id,
            "PrincipalType": input.principal_type,
            "InstanceArn": instance_arn,
        }),
    );
    Ok(Empty {})
}

fn assignment_json(a: &Value) -> Value {
    json!({
        "ApplicationArn": a["ApplicationArn"],
        "PrincipalId": a["PrincipalId"],
        "PrincipalType": a["PrincipalType"],
    })
}

pub fn describe_application_assignment(
    world: &mut World,
    caller: &Caller,
    input: ApplicationAssignmentInput,
) -> Result<Value, SsoError> {
    application(
        world,
        caller,
        "DescribeApplicationAssignment",
        &input.application_arn,
    )?;
    let key = assignment_key(
        &input.application_arn,
        &input.principal_type,
        &input.principal_id,
    );
    world
        .ssoadmin
        .application_assignments
        .get(&key)
        .map(assignment_json)
        .ok_or_else(|| SsoError::NotFound("The application assignment does not exist.".into()))
}

pub fn delete_application_assignment(
    world: &mut World,
    caller: &Caller,
    input: ApplicationAssignmentInput,
) -> Result<Empty, SsoError> {
    application(
        world,
        caller,
        "DeleteApplicationAssignment",
        &input.application_arn,
    )?;
    let key = assignment_key(
        &input.application_arn,
        &input.principal_type,
        &input.principal_id,
    );
    if world
        .ssoadmin
        .application_assignments
        .remove(&key)
        .is_none()
    {
        return Err(SsoError::NotFound(
            "The application assignment does not exist.".into(),
        ));
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListApplicationAssignmentsInput {
    pub application_arn: String,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_application_assignments(
    world: &mut World,
    caller: &Caller,
    input: ListApplicationAssignmentsInput,
) -> Result<Value, SsoError> {
    application(
        world,
        caller,
        "ListApplicationAssignments",
        &input.application_arn,
    )?;
    let listing = format!("ListApplicationAssignments {}", input.application_arn);
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let prefix = format!("{}|", input.application_arn);
    let items = world
        .ssoadmin
        .application_assignments
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .filter(|(k, _)| after.as_deref().is_none_or(|a| k.as_str() > a));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items.into_iter().map(|(_, a)| assignment_json(a)).collect();
    let mut out = json!({ "ApplicationAssignments": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ForPrincipalInput {
    pub instance_arn: String,
    pub principal_id: String,
    pub principal_type: String,
    pub filter: Option<Value>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn list_application_assignments_for_principal(
    world: &mut World,
    caller: &Caller,
    input: ForPrincipalInput,
) -> Result<Value, SsoError> {
    instance(
        world,
        caller,
        "ListApplicationAssignmentsForPrincipal",
        &input.instance_arn,
    )?;
    let wanted_app = input
        .filter
        .as_ref()
        .and_then(|f| f.get("ApplicationArn"))
        .cloned();
    let listing = format!(
        "ListApplicationAssignmentsForPrincipal {} {} {}",
        input.instance_arn,
        input.principal_id,
        wanted_app.clone().unwrap_or(Value::Null)
    );
    let (max, after) = page(&listing, input.max_results, 100, &input.next_token)?;
    let items = world
        .ssoadmin
        .application_assignments
        .iter()
        .filter(|(_, a)| {
            a["InstanceArn"] == json!(input.instance_arn)
                && a["PrincipalId"] == json!(input.principal_id)
                && a["PrincipalType"] == json!(input.principal_type)
                && wanted_app
                    .as_ref()
                    .is_none_or(|w| &a["ApplicationArn"] == w)
        })
        .filter(|(k, _)| after.as_deref().is_none_or(|af| k.as_str() > af));
    let (items, next) = take_page(items, max, |(k, _)| k.to_string());
    let items: Vec<Value> = items.into_iter().map(|(_, a)| assignment_json(a)).collect();
    let mut out = json!({ "ApplicationAssignments": items });
    if let Some(next) = token(&listing, next) {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}
