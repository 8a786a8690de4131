//! A small AWS client for orgsim's own tools (scenario runner, benchmark): any operation
//! of any API, as JSON in wire member names, sent over the real wire protocol and
//! SigV4-signed with `aws-sigv4`, so the same calls would work against AWS.

pub mod decode;
pub mod encode;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use crate::api::ServiceId;
pub use decode::CallError;

/// Who signs: an access key (a 12-digit key acts as that account in orgsim), its
/// secret, and the session token of temporary credentials.
#[derive(Clone, Debug)]
pub struct Signer {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
    pub region: String,
}

impl Signer {
    /// Long-term credentials for `access_key_id` in `region`.
    pub fn new(access_key_id: &str, region: &str) -> Signer {
        Signer {
            access_key_id: access_key_id.to_string(),
            secret_access_key: "orgsim-secret".to_string(),
            session_token: None,
            region: region.to_string(),
        }
    }

    /// Temporary credentials from an STS answer's `Credentials` member.
    pub fn from_sts_credentials(credentials: &Value, region: &str) -> Option<Signer> {
        Some(Signer {
            access_key_id: credentials["AccessKeyId"].as_str()?.to_string(),
            secret_access_key: credentials["SecretAccessKey"].as_str()?.to_string(),
            session_token: credentials["SessionToken"].as_str().map(str::to_string),
            region: region.to_string(),
        })
    }
}

/// Sends signed calls to one endpoint over a pooled HTTP/1.1 connection set.
#[derive(Clone)]
pub struct Client {
    endpoint: String,
    http: HttpClient<HttpConnector, Full<Bytes>>,
    /// The scenario step this client's requests announce (see [`Client::announce_step`]).
    step: Arc<Mutex<Option<String>>>,
}

impl Client {
    /// A client for `endpoint`, e.g. `http://127.0.0.1:4566`.
    pub fn new(endpoint: &str) -> Client {
        Client {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            http: HttpClient::builder(TokioExecutor::new()).build_http(),
            step: Arc::new(Mutex::new(None)),
        }
    }

    /// Makes every following request name `step` in the header orgsim's web view reads
    /// (AWS ignores a header the signature does not cover), or no step.
    pub fn announce_step(&self, step: Option<&crate::ui::ScenarioStep>) {
        *self.step.lock().unwrap_or_else(|p| p.into_inner()) =
            step.map(crate::ui::ScenarioStep::header_value);
    }

    fn step_header(&self) -> Option<String> {
        self.step.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Calls `operation` of `service` as `signer`; the input and output are JSON
    /// keyed by wire member names.
    pub async fn call(
        &self,
        signer: &Signer,
        service: ServiceId,
        operation: &str,
        input: &Value,
    ) -> Result<Value, CallError> {
        let local = |message: String| CallError {
            status: 0,
            code: "ClientError".into(),
            message,
        };
        let outgoing = encode::encode(service, operation, input).map_err(local)?;
        let uri = format!("{}{}", self.endpoint, outgoing.path_and_query);
        let mut request = axum::http::Request::builder()
            .method(outgoing.method)
            .uri(&uri);
        for (name, value) in &outgoing.headers {
            request = request.header(*name, value);
        }
        if let Some(step) = self.step_header() {
            request = request.header(crate::ui::SCENARIO_STEP_HEADER, step);
        }
        let mut request = request
            .body(Full::new(Bytes::from(outgoing.body.clone())))
            .map_err(|e| local(e.to_string()))?;
        sign_request(&mut request, signer, service, &outgoing).map_err(local)?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| local(format!("cannot reach {}: {e}", self.endpoint)))?;
        let status = response.status().as_u16();
        let error_type = response
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| local(format!("response body: {e}")))?
            .to_bytes();
        decode::decode(
            service.protocol(),
            operation,
            status,
            error_type.as_deref(),
            &body,
        )
    }
}

impl Client {
    /// `GET` an admin route (`/_orgsim/…`): its status and JSON answer.
    pub async fn admin_get(&self, path_and_query: &str) -> Result<(u16, Value), String> {
        self.admin("GET", path_and_query).await
    }

    /// `POST` to an admin route with an empty body: its status and JSON answer.
    pub async fn admin_post(&self, path_and_query: &str) -> Result<(u16, Value), String> {
        self.admin("POST", path_and_query).await
    }

    /// `POST` a JSON body to an admin route (`/_orgsim/clock`): its status and answer.
    pub async fn admin_post_json(
        &self,
        path_and_query: &str,
        body: &Value,
    ) -> Result<(u16, Value), String> {
        self.admin_with_body("POST", path_and_query, Bytes::from(body.to_string()))
            .await
    }

    async fn admin(&self, method: &str, path_and_query: &str) -> Result<(u16, Value), String> {
        self.admin_with_body(method, path_and_query, Bytes::new())
            .await
    }

    async fn admin_with_body(
        &self,
        method: &str,
        path_and_query: &str,
        body: Bytes,
    ) -> Result<(u16, Value), String> {
        let uri = format!("{}{path_and_query}", self.endpoint);
        let mut request = axum::http::Request::builder().method(method).uri(&uri);
        if !body.is_empty() {
            request = request.header("content-type", "application/json");
        }
        if let Some(step) = self.step_header() {
            request = request.header(crate::ui::SCENARIO_STEP_HEADER, step);
        }
        let request = request.body(Full::new(body)).map_err(|e| e.to_string())?;
        let response = self
            .http
            .request(request)
            .await
            .map_err(|e| format!("cannot reach {}: {e}", self.endpoint))?;
        let status = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("response body: {e}"))?
            .to_bytes();
        let value = serde_json::from_slice(&body)
            .map_err(|e| format!("{uri} answered {status} with no JSON: {e}"))?;
        Ok((status, value))
    }
}

fn sign_request(
    request: &mut axum::http::Request<Full<Bytes>>,
    signer: &Signer,
    service: ServiceId,
    outgoing: &encode::Outgoing,
) -> Result<(), String> {
    let identity: Identity = Credentials::new(
        &signer.access_key_id,
        &signer.secret_access_key,
        signer.session_token.clone(),
        None,
        "orgsim",
    )
    .into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(&signer.region)
        .name(service.signing_name())
        .time(SystemTime::now())
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| e.to_string())?
        .into();
    let uri = request.uri().to_string();
    let host = request
        .uri()
        .authority()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let mut headers: Vec<(&str, &str)> = outgoing
        .headers
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    headers.push(("host", &host));
    // S3 bodies are signed as UNSIGNED-PAYLOAD, as the SDKs sign them over TLS.
    let unsigned = service.protocol() == crate::protocol::Protocol::RestXml;
    if unsigned {
        headers.push(("x-amz-content-sha256", "UNSIGNED-PAYLOAD"));
        request.headers_mut().insert(
            "x-amz-content-sha256",
            axum::http::HeaderValue::from_static("UNSIGNED-PAYLOAD"),
        );
    }
    let body = if unsigned {
        SignableBody::UnsignedPayload
    } else {
        SignableBody::Bytes(&outgoing.body)
    };
    let signable = SignableRequest::new(outgoing.method, &uri, headers.into_iter(), body)
        .map_err(|e| e.to_string())?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(|e| e.to_string())?
        .into_parts();
    instructions.apply_to_request_http1x(request);
    Ok(())
}
