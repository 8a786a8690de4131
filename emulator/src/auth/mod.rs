//! Who is calling: the SigV4 credential scope of a request, and the caller it names
//! (DESIGN §3.2). Signatures are not verified.

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};

use crate::api::ApiError;
use crate::world::World;

/// The `Credential=AKID/date/region/service/aws4_request` part of a SigV4 request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialScope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
}

/// Reads the credential scope from the `Authorization` header or, for presigned
/// requests, the `X-Amz-Credential` query parameter. `Ok(None)`: the request is unsigned.
pub fn credential_scope(
    headers: &HeaderMap,
    query: &str,
) -> Result<Option<CredentialScope>, ApiError> {
    if let Some(value) = headers.get("authorization") {
        let value = value
            .to_str()
            .map_err(|_| incomplete("Authorization header is not ASCII."))?;
        let rest = value.strip_prefix("AWS4-HMAC-SHA256").ok_or_else(|| {
            incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
        })?;
        let credential = rest
            .split(',')
            .map(str::trim)
            .find_map(|part| part.strip_prefix("Credential="))
            .ok_or_else(|| incomplete("Authorization header requires 'Credential' parameter."))?;
        return parse_credential(credential).map(Some);
    }
    if let Some((_, credential)) =
        form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "X-Amz-Credential")
    {
        return parse_credential(&credential).map(Some);
    }
    Ok(None)
}

/// Refuses a presigned request (`X-Amz-Date` + `X-Amz-Expires` in the query) whose
/// validity has passed on the world clock, as S3 does.
pub fn check_presigned_expiry(query: &str, now_ms: i64) -> Result<(), ApiError> {
    let mut date = None;
    let mut expires = None;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        match key.as_ref() {
            "X-Amz-Date" => date = Some(value.into_owned()),
            "X-Amz-Expires" => expires = Some(value.into_owned()),
            _ => {}
        }
    }
    let (Some(date), Some(expires)) = (date, expires) else {
        return Ok(());
    };
    let format = time::macros::format_description!("[year][month][day]T[hour][minute][second]Z");
    let signed = time::PrimitiveDateTime::parse(&date, &format)
        .map_err(|_| {
            ApiError::new(
                "AuthorizationQueryParametersError",
                400,
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
            )
        })?
        .assume_utc();
    let seconds: i64 = expires
        .parse()
        .ok()
        .filter(|s| (1..=604_800).contains(s))
        .ok_or_else(|| {
            ApiError::new(
                "AuthorizationQueryParametersError",
                400,
                "X-Amz-Expires must be less than a week (in seconds) that is 604800",
            )
        })?;
    let expiry_ms = (signed.unix_timestamp() + seconds) * 1000;
    if now_ms > expiry_ms {
        return Err(ApiError::new("AccessDenied", 403, "Request has expired")
            .with_field("X-Amz-Expires", seconds.to_string())
            .with_field("Expires", crate::world::iso8601(expiry_ms))
            .with_field("ServerTime", crate::world::iso8601(now_ms)));
    }
    Ok(())
}

fn parse_credential(credential: &str) -> Result<CredentialScope, ApiError> {
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [key, date, region, service, "aws4_request"] if !key.is_empty() => Ok(CredentialScope {
            access_key_id: key.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
        }),
        _ => Err(incomplete(&format!(
            "Credential should be scoped to a valid region and service: '{credential}'."
        ))),
    }
}

fn incomplete(message: &str) -> ApiError {
    ApiError::new("IncompleteSignature", 400, message)
}

/// The principal making a call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Principal {
    /// The account's root user.
    Root,
    /// A role session from `AssumeRole`.
    AssumedRole {
        role_name: String,
        role_id: String,
        session_name: String,
    },
    /// An IAM user, by an `AKIA…` key from `CreateAccessKey` (or a session of it).
    User {
        user_name: String,
        user_id: String,
        path: String,
    },
    /// A federated user from `GetFederationToken`.
    FederatedUser { name: String },
}

/// The identity and region a request acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub account_id: String,
    pub principal: Principal,
    pub access_key_id: String,
    /// Temporary (STS-minted) credentials.
    pub temporary: bool,
    pub region: String,
}

impl Caller {
    /// The principal's ARN as `GetCallerIdentity` and error messages show it.
    pub fn arn(&self) -> String {
        match &self.principal {
            Principal::Root => format!("arn:aws:iam::{}:root", self.account_id),
            Principal::AssumedRole {
                role_name,
                session_name,
                ..
            } => format!(
                "arn:aws:sts::{}:assumed-role/{role_name}/{session_name}",
                self.account_id
            ),
            Principal::User {
                user_name, path, ..
            } => format!("arn:aws:iam::{}:user{path}{user_name}", self.account_id),
            Principal::FederatedUser { name } => {
                format!("arn:aws:sts::{}:federated-user/{name}", self.account_id)
            }
        }
    }

    /// `GetCallerIdentity`'s `UserId`.
    pub fn user_id(&self) -> String {
        match &self.principal {
            Principal::Root => self.account_id.clone(),
            Principal::AssumedRole {
                role_id,
                session_name,
                ..
            } => format!("{role_id}:{session_name}"),
            Principal::User { user_id, .. } => user_id.clone(),
            Principal::FederatedUser { name } => format!("{}:{name}", self.account_id),
        }
    }

    pub fn is_root(&self) -> bool {
        self.principal == Principal::Root
    }
}

/// Error codes differ per protocol family: awsQuery `ExpiredToken`, JSON `ExpiredTokenException`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CodeStyle {
    Query,
    Json,
}

/// Maps an access key to the caller it stands for (DESIGN §3.2):
/// STS-minted keys → the assumed role (or session) in its account; 12 digits → that
/// account's root; anything else → the default account's root.
pub fn resolve_caller(
    world: &World,
    scope: &CredentialScope,
    style: CodeStyle,
) -> Result<Caller, ApiError> {
    let key = &scope.access_key_id;
    let region = if scope.region.is_empty() {
        "us-east-1".to_string()
    } else {
        scope.region.clone()
    };
    if let Some(issued) = world.sts.credentials.get(key) {
        if issued.expiration_ms <= world.clock.now_ms() {
            let (code, status) = match style {
                CodeStyle::Query => ("ExpiredToken", 400),
                CodeStyle::Json => ("ExpiredTokenException", 403),
            };
            return Err(ApiError::new(
                code,
                status,
                "The security token included in the request is expired",
            ));
        }
        return Ok(Caller {
            account_id: issued.account_id.clone(),
            principal: issued.principal.clone(),
            access_key_id: key.clone(),
            temporary: true,
            region,
        });
    }
    if let Some(access_key) = world.iam.access_keys.get(key) {
        return iam_key_caller(world, access_key, region);
    }
    // A key shaped like an STS key that orgsim never issued (or issued before a reset),
    // or an IAM key deleted since, is refused, so stale credentials never silently act as
    // another account.
    if key.starts_with("ASIA") || world.iam.retired_access_keys.contains(key) {
        return Err(ApiError::new(
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        ));
    }
    let account_id = if key.len() == 12 && key.bytes().all(|b| b.is_ascii_digit()) {
        key.clone()
    } else {
        world.settings.default_account.clone()
    };
    Ok(Caller {
        account_id,
        principal: Principal::Root,
        access_key_id: key.clone(),
        temporary: false,
        region,
    })
}

/// The caller an IAM access key stands for: its user (or the account's root), while
/// the key is active.
fn iam_key_caller(
    world: &World,
    key: &crate::services::iam::model::AccessKey,
    region: String,
) -> Result<Caller, ApiError> {
    let invalid = || {
        ApiError::new(
            "InvalidClientTokenId",
            403,
            "The security token included in the request is invalid.",
        )
    };
    if key.status != crate::services::iam::model::KeyStatus::Active {
        return Err(invalid());
    }
    let principal = match &key.user_name {
        None => Principal::Root,
        Some(name) => {
            let user = world.iam.user(&key.account_id, name).ok_or_else(invalid)?;
            Principal::User {
                user_name: user.name.clone(),
                user_id: user.id.clone(),
                path: user.path.clone(),
            }
        }
    };
    Ok(Caller {
        account_id: key.account_id.clone(),
        principal,
        access_key_id: key.id.clone(),
        temporary: false,
        region,
    })
}

/// The error for a request that carries no credentials at all.
pub fn missing_authentication(style: CodeStyle) -> ApiError {
    let code = match style {
        CodeStyle::Query => "MissingAuthenticationToken",
        CodeStyle::Json => "MissingAuthenticationTokenException",
    };
    ApiError::new(code, 403, "Request is missing Authentication Token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::Settings;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("authorization", auth.parse().unwrap());
        h
    }

    #[test]
    fn parses_the_credential_scope() {
        let h = headers("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79");
        let scope = credential_scope(&h, "").unwrap().unwrap();
        assert_eq!(scope.access_key_id, "AKIDEXAMPLE");
        assert_eq!(scope.region, "eu-west-1");
        assert_eq!(scope.service, "iam");
        assert_eq!(credential_scope(&HeaderMap::new(), "").unwrap(), None);
        let presigned = credential_scope(
            &HeaderMap::new(),
            "X-Amz-Credential=AK%2F20200101%2Fus-east-1%2Fsts%2Faws4_request",
        )
        .unwrap();
        assert_eq!(presigned.unwrap().service, "sts");
    }

    #[test]
    fn malformed_authorization_is_incomplete_signature() {
        for bad in [
            "Basic abc",
            "AWS4-HMAC-SHA256 SignedHeaders=x",
            "AWS4-HMAC-SHA256 Credential=AK/2020/us-east-1/sts",
        ] {
            let e = credential_scope(&headers(bad), "").unwrap_err();
            assert_eq!(
                (e.code.as_str(), e.status),
                ("IncompleteSignature", 400),
                "{bad}"
            );
        }
    }

    #[test]
    fn access_keys_map_to_accounts() {
        let world = World::new(Settings::default());
        let scope = |key: &str| CredentialScope {
            access_key_id: key.into(),
            date: "20240101".into(),
            region: "eu-central-1".into(),
            service: "sts".into(),
        };
        let c = resolve_caller(&world, &scope("123456789012"), CodeStyle::Query).unwrap();
        assert_eq!(
            (c.account_id.as_str(), c.arn().as_str()),
            ("123456789012", "arn:aws:iam::123456789012:root")
        );
        assert_eq!(c.region, "eu-central-1");
        let c = resolve_caller(&world, &scope("AKIAIOSFODNN7EXAMPLE"), CodeStyle::Query).unwrap();
        assert_eq!(c.account_id, "000000000000");
        let e =
            resolve_caller(&world, &scope("ASIAUNKNOWNKEY123456"), CodeStyle::Json).unwrap_err();
        assert_eq!(e.code, "InvalidClientTokenId");
    }
}
