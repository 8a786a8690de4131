//! Identity providers: OpenID Connect (Create/Get/Delete/List, client IDs,
//! thumbprints, tags) and SAML (Create/Get/Update/Delete/List, tags). STS's
//! AssumeRoleWithWebIdentity / AssumeRoleWithSAML check tokens against them.

use serde::{Deserialize, Serialize};

use super::dto::{date, de, paginate_vec, tags_out, Nothing, PageRequest, TagShape};
use super::errors::IamError;
use super::model::{OidcProvider, SamlProvider, Tag};
use super::shapes::TagsPage;
use super::{account, validate};
use crate::auth::Caller;
use crate::world::World;

/// What every provider call may carry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderInput {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub oidc_arn: Option<String>,
    #[serde(rename = "SAMLProviderArn")]
    pub saml_arn: Option<String>,
    pub url: Option<String>,
    #[serde(rename = "ClientIDList", default, deserialize_with = "de::list")]
    pub client_id_list: Vec<String>,
    #[serde(rename = "ClientID")]
    pub client_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub thumbprint_list: Vec<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
    #[serde(rename = "SAMLMetadataDocument")]
    pub saml_metadata_document: Option<String>,
    pub name: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

fn required<'a>(value: &'a Option<String>, member: &str) -> Result<&'a str, IamError> {
    value.as_deref().ok_or_else(|| {
        IamError::Validation(format!(
            "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
        ))
    })
}

fn thumbprints(list: &[String]) -> Result<(), IamError> {
    if list.len() > 5 {
        return Err(IamError::LimitExceeded(
            "Thumbprint list must contain fewer than 5 entries.".into(),
        ));
    }
    for t in list {
        if t.len() != 40 || !t.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(IamError::constraint(
                t,
                "thumbprintList.member",
                "Member must have length greater than or equal to 40",
            ));
        }
    }
    Ok(())
}

fn oidc<'w>(world: &'w World, caller: &Caller, arn: &str) -> Result<&'w OidcProvider, IamError> {
    world
        .iam
        .oidc_providers
        .get(arn)
        .filter(|p| p.account_id == account(caller))
        .ok_or_else(|| IamError::no_such(format!("OpenIDConnect Provider not found for arn {arn}")))
}

fn oidc_mut<'w>(world: &'w mut World, arn: &str) -> Option<&'w mut OidcProvider> {
    world.iam.oidc_providers.get_mut(arn)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateOidcOutput {
    #[serde(rename = "OpenIDConnectProviderArn")]
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

pub fn create_open_id_connect_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<CreateOidcOutput, IamError> {
    let url = required(&input.url, "url")?;
    validate::length(url, "url", 1, 255)?;
    if !url.starts_with("https://") {
        return Err(IamError::InvalidInput(
            "Invalid Open ID Connect Provider URL".into(),
        ));
    }
    thumbprints(&input.thumbprint_list)?;
    let tags = validate::tags(&input.tags)?;
    let host = url.trim_start_matches("https://").trim_end_matches('/');
    let arn = format!("arn:aws:iam::{}:oidc-provider/{host}", account(caller));
    if world.iam.oidc_providers.contains_key(&arn) {
        return Err(IamError::EntityAlreadyExists(format!(
            "Provider with url {url} already exists."
        )));
    }
    let provider = OidcProvider {
        account_id: account(caller).to_string(),
        url: host.to_string(),
        client_ids: input.client_id_list.clone(),
        thumbprints: input.thumbprint_list.clone(),
        created_ms: world.clock.now_ms(),
        tags: tags.clone(),
    };
    world.iam.oidc_providers.insert(arn.clone(), provider);
    Ok(CreateOidcOutput {
        arn,
        tags: tags_out(&tags),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetOidcOutput {
    pub url: String,
    #[serde(rename = "ClientIDList")]
    pub client_id_list: Vec<String>,
    pub thumbprint_list: Vec<String>,
    pub create_date: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

pub fn get_open_id_connect_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<GetOidcOutput, IamError> {
    let p = oidc(
        world,
        caller,
        required(&input.oidc_arn, "openIDConnectProviderArn")?,
    )?;
    Ok(GetOidcOutput {
        url: p.url.clone(),
        client_id_list: p.client_ids.clone(),
        thumbprint_list: p.thumbprints.clone(),
        create_date: date(p.created_ms),
        tags: tags_out(&p.tags),
    })
}

pub fn delete_open_id_connect_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let arn = required(&input.oidc_arn, "openIDConnectProviderArn")?;
    oidc(world, caller, arn)?;
    world.iam.oidc_providers.remove(arn);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderEntry {
    pub arn: String,
}

#[derive(Debug, Serialize)]
pub struct ListOidcOutput {
    #[serde(rename = "OpenIDConnectProviderList")]
    pub providers: Vec<ProviderEntry>,
}

pub fn list_open_id_connect_providers(
    world: &mut World,
    caller: &Caller,
    _input: super::dto::Empty,
) -> Result<ListOidcOutput, IamError> {
    let providers = world
        .iam
        .oidc_providers
        .iter()
        .filter(|(_, p)| p.account_id == account(caller))
        .map(|(arn, _)| ProviderEntry { arn: arn.clone() })
        .collect();
    Ok(ListOidcOutput { providers })
}

pub fn add_client_id_to_open_id_connect_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let arn = required(&input.oidc_arn, "openIDConnectProviderArn")?.to_string();
    let id = required(&input.client_id, "clientID")?.to_string();
    validate::length(&id, "clientID", 1, 255)?;
    oidc(world, caller, &arn)?;
    if let Some(p) = oidc_mut(world, &arn) {
        if !p.client_ids.contains(&id) {
            p.client_ids.push(id);
        }
    }
    Ok(Nothing {})
}

pub fn remove_client_id_from_open_id_connect_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let arn = required(&input.oidc_arn, "openIDConnectProviderArn")?.to_string();
    let id = required(&input.client_id, "clientID")?.to_string();
    oidc(world, caller, &arn)?;
    if let Some(p) = oidc_mut(world, &arn) {
        p.client_ids.retain(|c| *c != id);
    }
    Ok(Nothing {})
}

pub fn update_open_id_connect_provider_thumbprint(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let arn = required(&input.oidc_arn, "openIDConnectProviderArn")?.to_string();
    thumbprints(&input.thumbprint_list)?;
    oidc(world, caller, &arn)?;
    if let Some(p) = oidc_mut(world, &arn) {
        p.thumbprints = input.thumbprint_list;
    }
    Ok(Nothing {})
}

fn saml<'w>(world: &'w World, caller: &Caller, arn: &str) -> Result<&'w SamlProvider, IamError> {
    world
        .iam
        .saml_providers
        .get(arn)
        .filter(|p| p.account_id == account(caller))
        .ok_or_else(|| IamError::no_such(format!("Manifest not found for arn {arn}")))
}

fn metadata(text: &str) -> Result<(), IamError> {
    validate::length(text, "sAMLMetadataDocument", 1000, 10_000_000)?;
    if !text.contains("EntityDescriptor") {
        return Err(IamError::InvalidInput("Could not parse metadata".into()));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSamlOutput {
    #[serde(rename = "SAMLProviderArn")]
    pub arn: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

pub fn create_saml_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<CreateSamlOutput, IamError> {
    let name = required(&input.name, "name")?;
    validate::length(name, "name", 1, 128)?;
    let document = required(&input.saml_metadata_document, "sAMLMetadataDocument")?;
    metadata(document)?;
    let tags = validate::tags(&input.tags)?;
    let arn = format!("arn:aws:iam::{}:saml-provider/{name}", account(caller));
    if world.iam.saml_providers.contains_key(&arn) {
        return Err(IamError::EntityAlreadyExists(format!(
            "SAMLProvider {name} already exists"
        )));
    }
    let now = world.clock.now_ms();
    let provider = SamlProvider {
        account_id: account(caller).to_string(),
        name: name.to_string(),
        metadata: document.to_string(),
        uuid: world.ids.uuid(),
        created_ms: now,
        valid_until_ms: now + 100 * 365 * 86_400_000,
        tags: tags.clone(),
    };
    world.iam.saml_providers.insert(arn.clone(), provider);
    Ok(CreateSamlOutput {
        arn,
        tags: tags_out(&tags),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSamlOutput {
    #[serde(rename = "SAMLProviderUUID")]
    pub uuid: String,
    #[serde(rename = "SAMLMetadataDocument")]
    pub metadata: String,
    pub create_date: String,
    pub valid_until: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

pub fn get_saml_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<GetSamlOutput, IamError> {
    let p = saml(world, caller, required(&input.saml_arn, "sAMLProviderArn")?)?;
    Ok(GetSamlOutput {
        uuid: p.uuid.clone(),
        metadata: p.metadata.clone(),
        create_date: date(p.created_ms),
        valid_until: date(p.valid_until_ms),
        tags: tags_out(&p.tags),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSamlOutput {
    #[serde(rename = "SAMLProviderArn")]
    pub arn: String,
}

pub fn update_saml_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<UpdateSamlOutput, IamError> {
    let arn = required(&input.saml_arn, "sAMLProviderArn")?.to_string();
    if let Some(d) = &input.saml_metadata_document {
        metadata(d)?;
    }
    saml(world, caller, &arn)?;
    if let (Some(p), Some(d)) = (
        world.iam.saml_providers.get_mut(&arn),
        input.saml_metadata_document,
    ) {
        p.metadata = d;
    }
    Ok(UpdateSamlOutput { arn })
}

pub fn delete_saml_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let arn = required(&input.saml_arn, "sAMLProviderArn")?;
    saml(world, caller, arn)?;
    world.iam.saml_providers.remove(arn);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SamlEntry {
    pub arn: String,
    pub valid_until: String,
    pub create_date: String,
}

#[derive(Debug, Serialize)]
pub struct ListSamlOutput {
    #[serde(rename = "SAMLProviderList")]
    pub providers: Vec<SamlEntry>,
}

pub fn list_saml_providers(
    world: &mut World,
    caller: &Caller,
    _input: super::dto::Empty,
) -> Result<ListSamlOutput, IamError> {
    let providers = world
        .iam
        .saml_providers
        .iter()
        .filter(|(_, p)| p.account_id == account(caller))
        .map(|(arn, p)| SamlEntry {
            arn: arn.clone(),
            valid_until: date(p.valid_until_ms),
            create_date: date(p.created_ms),
        })
        .collect();
    Ok(ListSamlOutput { providers })
}

/// Tags of either kind of provider: `(tags, is_oidc, arn)`.
fn provider_tags(
    world: &World,
    caller: &Caller,
    input: &ProviderInput,
) -> Result<(Vec<Tag>, bool, String), IamError> {
    if let Some(arn) = &input.oidc_arn {
        return Ok((oidc(world, caller, arn)?.tags.clone(), true, arn.clone()));
    }
    let arn = required(&input.saml_arn, "sAMLProviderArn")?;
    Ok((
        saml(world, caller, arn)?.tags.clone(),
        false,
        arn.to_string(),
    ))
}

fn set_tags(world: &mut World, oidc_kind: bool, arn: &str, tags: Vec<Tag>) {
    if oidc_kind {
        if let Some(p) = world.iam.oidc_providers.get_mut(arn) {
            p.tags = tags;
        }
    } else if let Some(p) = world.iam.saml_providers.get_mut(arn) {
        p.tags = tags;
    }
}

pub fn tag_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    let new = validate::tags(&input.tags)?;
    let (tags, kind, arn) = provider_tags(world, caller, &input)?;
    let merged = validate::merge_tags(&tags, new)?;
    set_tags(world, kind, &arn, merged);
    Ok(Nothing {})
}

pub fn untag_provider(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<Nothing, IamError> {
    validate::tag_keys(&input.tag_keys)?;
    let (mut tags, kind, arn) = provider_tags(world, caller, &input)?;
    tags.retain(|t| {
        !input
            .tag_keys
            .iter()
            .any(|k| k.eq_ignore_ascii_case(&t.key))
    });
    set_tags(world, kind, &arn, tags);
    Ok(Nothing {})
}

pub fn list_provider_tags(
    world: &mut World,
    caller: &Caller,
    input: ProviderInput,
) -> Result<TagsPage, IamError> {
    let (tags, _, arn) = provider_tags(world, caller, &input)?;
    let shapes = tags.iter().map(TagShape::from).collect();
    let (tags, page) = paginate_vec(shapes, &input.page, &format!("ListProviderTags {arn}"))?;
    Ok(TagsPage { tags, page })
}
