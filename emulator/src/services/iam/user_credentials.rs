//! A user's other credentials: SSH public keys (CodeCommit), signing certificates and
//! service-specific credentials; and the account's server certificates.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::dto::{
    date, de, list_account, paginate_vec, tags_out, Nothing, PageInfo, PageRequest, TagShape,
};
use super::errors::IamError;
use super::model::{
    entity_key, KeyStatus, ServerCertificate, ServiceSpecificCredential, SigningCertificate,
    SshPublicKey, User,
};
use super::shapes::TagsPage;
use super::{account, new_id, user_or_caller, validate};
use crate::auth::Caller;
use crate::world::World;

/// Every member these calls carry.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CredentialInput {
    pub user_name: Option<String>,
    #[serde(rename = "SSHPublicKeyId")]
    pub ssh_public_key_id: Option<String>,
    #[serde(rename = "SSHPublicKeyBody")]
    pub ssh_public_key_body: Option<String>,
    pub encoding: Option<String>,
    pub certificate_id: Option<String>,
    pub certificate_body: Option<String>,
    pub certificate_chain: Option<String>,
    pub private_key: Option<String>,
    pub status: Option<String>,
    pub service_name: Option<String>,
    pub service_specific_credential_id: Option<String>,
    pub server_certificate_name: Option<String>,
    pub new_server_certificate_name: Option<String>,
    pub new_path: Option<String>,
    pub path: Option<String>,
    pub path_prefix: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

fn need<'a>(v: &'a Option<String>, member: &str) -> Result<&'a str, IamError> {
    v.as_deref().ok_or_else(|| IamError::Validation(format!(
        "1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null"
    )))
}

fn status(v: &Option<String>) -> Result<KeyStatus, IamError> {
    match v.as_deref() {
        Some("Active") => Ok(KeyStatus::Active),
        Some("Inactive") => Ok(KeyStatus::Inactive),
        other => Err(IamError::constraint(
            other.unwrap_or("null"),
            "status",
            "Member must satisfy enum value set: [Active, Inactive]",
        )),
    }
}

/// The user named (or the caller) and its key in the user map.
fn owner(
    world: &World,
    caller: &Caller,
    input: &CredentialInput,
) -> Result<(String, User), IamError> {
    let name = user_or_caller(caller, input.user_name.as_deref())?;
    let user = super::user(world, account(caller), &name)?.clone();
    Ok((entity_key(account(caller), &name), user))
}

fn save(world: &mut World, key: String, user: User) {
    world.iam.users.insert(key, user);
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SshKeyShape {
    pub user_name: String,
    #[serde(rename = "SSHPublicKeyId")]
    pub id: String,
    pub fingerprint: String,
    #[serde(rename = "SSHPublicKeyBody", skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub status: &'static str,
    pub upload_date: String,
}

fn ssh_shape(user: &User, k: &SshPublicKey, body: bool) -> SshKeyShape {
    SshKeyShape {
        user_name: user.name.clone(),
        id: k.id.clone(),
        fingerprint: k.fingerprint.clone(),
        body: body.then(|| k.body.clone()),
        status: k.status.as_str(),
        upload_date: date(k.uploaded_ms),
    }
}

#[derive(Debug, Serialize)]
pub struct SshKeyOutput {
    #[serde(rename = "SSHPublicKey")]
    pub key: SshKeyShape,
}

pub fn upload_ssh_public_key(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<SshKeyOutput, IamError> {
    let body = need(&input.ssh_public_key_body, "sSHPublicKeyBody")?
        .trim()
        .to_string();
    if !(body.starts_with("ssh-rsa ")
        || body.starts_with("ssh-ed25519 ")
        || body.starts_with("-----BEGIN"))
    {
        return Err(IamError::UnrecognizedPublicKeyEncoding(
            "The public key encoding format is unsupported or unrecognized.".into(),
        ));
    }
    let (key, mut user) = owner(world, caller, &input)?;
    if user.ssh_keys.iter().any(|k| k.body == body) {
        return Err(IamError::DuplicateSshPublicKey(
            "The public key is already associated with the user.".into(),
        ));
    }
    if user.ssh_keys.len() >= 5 {
        return Err(IamError::LimitExceeded(
            "Cannot exceed quota for PublicKeysPerUser: 5".into(),
        ));
    }
    let digest = Sha256::digest(body.as_bytes());
    let fingerprint = digest
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    let k = SshPublicKey {
        id: new_id(world, "APKA"),
        body,
        fingerprint,
        status: KeyStatus::Active,
        uploaded_ms: world.clock.now_ms(),
    };
    let shape = ssh_shape(&user, &k, true);
    user.ssh_keys.push(k);
    save(world, key, user);
    Ok(SshKeyOutput { key: shape })
}

fn ssh_index(user: &User, id: &str) -> Result<usize, IamError> {
    user.ssh_keys
        .iter()
        .position(|k| k.id == id)
        .ok_or_else(|| IamError::no_such(format!("The Public Key with id {id} cannot be found.")))
}

pub fn get_ssh_public_key(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<SshKeyOutput, IamError> {
    let id = need(&input.ssh_public_key_id, "sSHPublicKeyId")?;
    let (_, user) = owner(world, caller, &input)?;
    let k = &user.ssh_keys[ssh_index(&user, id)?];
    Ok(SshKeyOutput {
        key: ssh_shape(&user, k, true),
    })
}

pub fn update_ssh_public_key(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(&input.ssh_public_key_id, "sSHPublicKeyId")?.to_string();
    let new = status(&input.status)?;
    let (key, mut user) = owner(world, caller, &input)?;
    let i = ssh_index(&user, &id)?;
    user.ssh_keys[i].status = new;
    save(world, key, user);
    Ok(Nothing {})
}

pub fn delete_ssh_public_key(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(&input.ssh_public_key_id, "sSHPublicKeyId")?.to_string();
    let (key, mut user) = owner(world, caller, &input)?;
    let i = ssh_index(&user, &id)?;
    user.ssh_keys.remove(i);
    save(world, key, user);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSshOutput {
    #[serde(rename = "SSHPublicKeys")]
    pub keys: Vec<SshKeyShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_ssh_public_keys(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ListSshOutput, IamError> {
    let (_, user) = owner(world, caller, &input)?;
    let all = user
        .ssh_keys
        .iter()
        .map(|k| ssh_shape(&user, k, false))
        .collect();
    let (keys, page) = paginate_vec(all, &input.page, &format!("ListSSHPublicKeys {}", user.id))?;
    Ok(ListSshOutput { keys, page })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CertificateShape {
    pub user_name: String,
    pub certificate_id: String,
    pub certificate_body: String,
    pub status: &'static str,
    pub upload_date: String,
}

fn cert_shape(user: &User, c: &SigningCertificate) -> CertificateShape {
    CertificateShape {
        user_name: user.name.clone(),
        certificate_id: c.id.clone(),
        certificate_body: c.body.clone(),
        status: c.status.as_str(),
        upload_date: date(c.uploaded_ms),
    }
}

fn pem(body: &str) -> Result<(), IamError> {
    if !body.contains("-----BEGIN CERTIFICATE-----") {
        return Err(IamError::MalformedCertificate(
            "Unable to parse certificate. Please ensure the certificate is in PEM format.".into(),
        ));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadSigningOutput {
    pub certificate: CertificateShape,
}

pub fn upload_signing_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<UploadSigningOutput, IamError> {
    let body = need(&input.certificate_body, "certificateBody")?.to_string();
    pem(&body)?;
    let (key, mut user) = owner(world, caller, &input)?;
    if user.signing_certificates.iter().any(|c| c.body == body) {
        return Err(IamError::DuplicateCertificate(
            "The certificate is already associated with the user.".into(),
        ));
    }
    if user.signing_certificates.len() >= 2 {
        return Err(IamError::LimitExceeded(
            "Cannot exceed quota for SigningCertificatesPerUser: 2".into(),
        ));
    }
    let c = SigningCertificate {
        id: world.ids.upper_alnum(32),
        body,
        status: KeyStatus::Active,
        uploaded_ms: world.clock.now_ms(),
    };
    let shape = cert_shape(&user, &c);
    user.signing_certificates.push(c);
    save(world, key, user);
    Ok(UploadSigningOutput { certificate: shape })
}

fn cert_index(user: &User, id: &str) -> Result<usize, IamError> {
    user.signing_certificates
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| IamError::no_such(format!("The Certificate with id {id} cannot be found.")))
}

pub fn update_signing_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(&input.certificate_id, "certificateId")?.to_string();
    let new = status(&input.status)?;
    let (key, mut user) = owner(world, caller, &input)?;
    let i = cert_index(&user, &id)?;
    user.signing_certificates[i].status = new;
    save(world, key, user);
    Ok(Nothing {})
}

pub fn delete_signing_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(&input.certificate_id, "certificateId")?.to_string();
    let (key, mut user) = owner(world, caller, &input)?;
    let i = cert_index(&user, &id)?;
    user.signing_certificates.remove(i);
    save(world, key, user);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListSigningOutput {
    pub certificates: Vec<CertificateShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_signing_certificates(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ListSigningOutput, IamError> {
    let (_, user) = owner(world, caller, &input)?;
    let all = user
        .signing_certificates
        .iter()
        .map(|c| cert_shape(&user, c))
        .collect();
    let (certificates, page) = paginate_vec(
        all,
        &input.page,
        &format!("ListSigningCertificates {}", user.id),
    )?;
    Ok(ListSigningOutput { certificates, page })
}

const CREDENTIAL_SERVICES: &[&str] = &[
    "codecommit.amazonaws.com",
    "cassandra.amazonaws.com",
    "bedrock.amazonaws.com",
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceCredentialShape {
    pub create_date: String,
    pub service_name: String,
    pub service_user_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_password: Option<String>,
    pub service_specific_credential_id: String,
    pub user_name: String,
    pub status: &'static str,
}

fn credential_shape(
    user: &User,
    c: &ServiceSpecificCredential,
    secret: bool,
) -> ServiceCredentialShape {
    ServiceCredentialShape {
        create_date: date(c.created_ms),
        service_name: c.service_name.clone(),
        service_user_name: c.service_user_name.clone(),
        service_password: secret.then(|| c.password.clone()),
        service_specific_credential_id: c.id.clone(),
        user_name: user.name.clone(),
        status: c.status.as_str(),
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceCredentialOutput {
    pub service_specific_credential: ServiceCredentialShape,
}

pub fn create_service_specific_credential(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ServiceCredentialOutput, IamError> {
    let service = need(&input.service_name, "serviceName")?.to_string();
    if !CREDENTIAL_SERVICES.contains(&service.as_str()) {
        return Err(IamError::NotSupportedService(format!(
            "No such service {service} is supported for Service Specific Credentials"
        )));
    }
    let (key, mut user) = owner(world, caller, &input)?;
    if user
        .service_credentials
        .iter()
        .filter(|c| c.service_name == service)
        .count()
        >= 2
    {
        return Err(IamError::LimitExceeded(
            "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2".into(),
        ));
    }
    let c = ServiceSpecificCredential {
        id: new_id(world, "ACCA"),
        service_user_name: format!("{}-at-{}", user.name, world.ids.digits(6)),
        password: world.ids.base64(44),
        service_name: service,
        status: KeyStatus::Active,
        created_ms: world.clock.now_ms(),
    };
    let shape = credential_shape(&user, &c, true);
    user.service_credentials.push(c);
    save(world, key, user);
    Ok(ServiceCredentialOutput {
        service_specific_credential: shape,
    })
}

fn credential_index(user: &User, id: &str) -> Result<usize, IamError> {
    user.service_credentials
        .iter()
        .position(|c| c.id == id)
        .ok_or_else(|| IamError::no_such(format!("No such credential {id} exists")))
}

pub fn reset_service_specific_credential(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ServiceCredentialOutput, IamError> {
    let id = need(
        &input.service_specific_credential_id,
        "serviceSpecificCredentialId",
    )?
    .to_string();
    let (key, mut user) = owner(world, caller, &input)?;
    let i = credential_index(&user, &id)?;
    user.service_credentials[i].password = world.ids.base64(44);
    let shape = credential_shape(&user, &user.service_credentials[i], true);
    save(world, key, user);
    Ok(ServiceCredentialOutput {
        service_specific_credential: shape,
    })
}

pub fn update_service_specific_credential(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(
        &input.service_specific_credential_id,
        "serviceSpecificCredentialId",
    )?
    .to_string();
    let new = status(&input.status)?;
    let (key, mut user) = owner(world, caller, &input)?;
    let i = credential_index(&user, &id)?;
    user.service_credentials[i].status = new;
    save(world, key, user);
    Ok(Nothing {})
}

pub fn delete_service_specific_credential(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let id = need(
        &input.service_specific_credential_id,
        "serviceSpecificCredentialId",
    )?
    .to_string();
    let (key, mut user) = owner(world, caller, &input)?;
    let i = credential_index(&user, &id)?;
    user.service_credentials.remove(i);
    save(world, key, user);
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListServiceCredentialsOutput {
    pub service_specific_credentials: Vec<ServiceCredentialShape>,
}

pub fn list_service_specific_credentials(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ListServiceCredentialsOutput, IamError> {
    let (_, user) = owner(world, caller, &input)?;
    let service_specific_credentials = user
        .service_credentials
        .iter()
        .filter(|c| {
            input
                .service_name
                .as_ref()
                .is_none_or(|s| *s == c.service_name)
        })
        .map(|c| credential_shape(&user, c, false))
        .collect();
    Ok(ListServiceCredentialsOutput {
        service_specific_credentials,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerCertificateMetadata {
    pub path: String,
    pub server_certificate_name: String,
    pub server_certificate_id: String,
    pub arn: String,
    pub upload_date: String,
    pub expiration: String,
}

fn server_metadata(account_id: &str, c: &ServerCertificate) -> ServerCertificateMetadata {
    ServerCertificateMetadata {
        path: c.path.clone(),
        server_certificate_name: c.name.clone(),
        server_certificate_id: c.id.clone(),
        arn: format!(
            "arn:aws:iam::{account_id}:server-certificate{}{}",
            c.path, c.name
        ),
        upload_date: date(c.uploaded_ms),
        expiration: date(c.expiration_ms),
    }
}

fn server_name(input: &CredentialInput) -> Result<&str, IamError> {
    let n = need(&input.server_certificate_name, "serverCertificateName")?;
    validate::name(n, "serverCertificateName", 128)?;
    Ok(n)
}

fn server<'w>(
    world: &'w World,
    account_id: &str,
    name: &str,
) -> Result<&'w ServerCertificate, IamError> {
    world
        .iam
        .server_certificates
        .get(&entity_key(account_id, name))
        .ok_or_else(|| {
            IamError::no_such(format!(
                "The Server Certificate with name {name} cannot be found."
            ))
        })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UploadServerOutput {
    pub server_certificate_metadata: ServerCertificateMetadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

pub fn upload_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<UploadServerOutput, IamError> {
    let account_id = account(caller);
    let n = server_name(&input)?.to_string();
    let path = validate::path(input.path.as_deref(), "path")?;
    let body = need(&input.certificate_body, "certificateBody")?.to_string();
    pem(&body)?;
    let key_text = need(&input.private_key, "privateKey")?;
    if !key_text.contains("PRIVATE KEY-----") {
        return Err(IamError::MalformedCertificate(
            "Unable to parse the private key.".into(),
        ));
    }
    let tags = validate::tags(&input.tags)?;
    let key = entity_key(account_id, &n);
    if world.iam.server_certificates.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "The Server Certificate with name {n} already exists."
        )));
    }
    let now = world.clock.now_ms();
    let c = ServerCertificate {
        name: n,
        path,
        id: new_id(world, "ASCA"),
        body,
        chain: input.certificate_chain.clone(),
        uploaded_ms: now,
        expiration_ms: now + 365 * 86_400_000,
        tags: tags.clone(),
    };
    let metadata = server_metadata(account_id, &c);
    world.iam.server_certificates.insert(key, c);
    Ok(UploadServerOutput {
        server_certificate_metadata: metadata,
        tags: tags_out(&tags),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerCertificateShape {
    pub server_certificate_metadata: ServerCertificateMetadata,
    pub certificate_body: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_chain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagShape>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetServerOutput {
    pub server_certificate: ServerCertificateShape,
}

pub fn get_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<GetServerOutput, IamError> {
    let account_id = account(caller);
    let c = server(world, account_id, server_name(&input)?)?;
    Ok(GetServerOutput {
        server_certificate: ServerCertificateShape {
            server_certificate_metadata: server_metadata(account_id, c),
            certificate_body: c.body.clone(),
            certificate_chain: c.chain.clone(),
            tags: tags_out(&c.tags),
        },
    })
}

pub fn update_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = server_name(&input)?.to_string();
    let mut c = server(world, account_id, &n)?.clone();
    let new_key = match &input.new_server_certificate_name {
        Some(new) => {
            validate::name(new, "newServerCertificateName", 128)?;
            let k = entity_key(account_id, new);
            if k != entity_key(account_id, &n) && world.iam.server_certificates.contains_key(&k) {
                return Err(IamError::EntityAlreadyExists(format!(
                    "The Server Certificate with name {new} already exists."
                )));
            }
            c.name = new.clone();
            k
        }
        None => entity_key(account_id, &n),
    };
    if let Some(p) = &input.new_path {
        c.path = validate::path(Some(p), "newPath")?;
    }
    world
        .iam
        .server_certificates
        .remove(&entity_key(account_id, &n));
    world.iam.server_certificates.insert(new_key, c);
    Ok(Nothing {})
}

pub fn delete_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = server_name(&input)?;
    server(world, account_id, n)?;
    world
        .iam
        .server_certificates
        .remove(&entity_key(account_id, n));
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListServerOutput {
    pub server_certificate_metadata_list: Vec<ServerCertificateMetadata>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_server_certificates(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<ListServerOutput, IamError> {
    let account_id = account(caller);
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let (server_certificate_metadata_list, page) = list_account(
        &world.iam.server_certificates,
        account_id,
        &format!("ListServerCertificates {account_id} {prefix}"),
        &input.page,
        |c| c.path.starts_with(prefix),
        |c| server_metadata(account_id, c),
    )?;
    Ok(ListServerOutput {
        server_certificate_metadata_list,
        page,
    })
}

pub fn tag_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = server_name(&input)?.to_string();
    let new = validate::tags(&input.tags)?;
    let tags = validate::merge_tags(&server(world, account_id, &n)?.tags, new)?;
    if let Some(c) = world
        .iam
        .server_certificates
        .get_mut(&entity_key(account_id, &n))
    {
        c.tags = tags;
    }
    Ok(Nothing {})
}

pub fn untag_server_certificate(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let n = server_name(&input)?.to_string();
    validate::tag_keys(&input.tag_keys)?;
    server(world, account_id, &n)?;
    if let Some(c) = world
        .iam
        .server_certificates
        .get_mut(&entity_key(account_id, &n))
    {
        c.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        });
    }
    Ok(Nothing {})
}

pub fn list_server_certificate_tags(
    world: &mut World,
    caller: &Caller,
    input: CredentialInput,
) -> Result<TagsPage, IamError> {
    let account_id = account(caller);
    let c = server(world, account_id, server_name(&input)?)?;
    let tags = c.tags.iter().map(TagShape::from).collect();
    let (tags, page) = paginate_vec(
        tags,
        &input.page,
        &format!("ListServerCertificateTags {}", c.id),
    )?;
    Ok(TagsPage { tags, page })
}
