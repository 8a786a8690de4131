//! The HTTP front: `/_orgsim/*` admin routes, and one entry for every AWS request that
//! runs the request path of DESIGN §3 — identify, authenticate, decode, handle under
//! the world lock, encode, log.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use crate::api::{ApiError, ServiceId};
use crate::auth::{self, CodeStyle};
use crate::authorize;
use crate::protocol::{self, Protocol, WireRequest};
use crate::services;
use crate::snapshot;
use crate::world::{Settings, World};

/// Largest request body accepted (AWS's own limit for these APIs).
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
/// Largest S3 request body: a single PutObject or UploadPart (5 GiB), plus room for
/// `aws-chunked` framing.
pub const MAX_S3_BODY_BYTES: usize = 5 * 1024 * 1024 * 1024 + 64 * 1024 * 1024;

/// Operations AWS serves without a signature.
const UNSIGNED_OPERATIONS: &[(ServiceId, &str)] = &[
    (ServiceId::Sts, "AssumeRoleWithSAML"),
    (ServiceId::Sts, "AssumeRoleWithWebIdentity"),
];

/// What every request handler shares: the world behind its one lock.
pub struct AppState {
    world: Mutex<World>,
    /// The settings the server started with; `reset` returns to them.
    settings: Settings,
    /// Where `POST /_orgsim/state/save` (and shutdown) writes the world, if anywhere.
    state_file: Option<PathBuf>,
}

impl AppState {
    pub fn new(settings: Settings) -> Arc<AppState> {
        AppState::with_world(settings.clone(), World::new(settings), None)
    }

    /// Starts from a given world (e.g. loaded from `--state FILE`) and saves to `state_file`.
    pub fn with_world(
        settings: Settings,
        world: World,
        state_file: Option<PathBuf>,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            world: Mutex::new(world),
            settings,
            state_file,
        })
    }

    /// Saves the world to the state file, if the server has one.
    pub fn save(&self) -> Result<Option<PathBuf>, String> {
        let Some(path) = &self.state_file else {
            return Ok(None);
        };
        let world = self.world().clone();
        snapshot::save(path, &world).map_err(|e| format!("cannot save {}: {e}", path.display()))?;
        Ok(Some(path.clone()))
    }

    /// The world, locked. Handlers never panic while holding it (panics are caught
    /// inside), so a poisoned lock still holds a consistent world.
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The whole application as a router, so tests can drive it without a socket.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/_orgsim/health", get(health))
        .route("/_orgsim/reset", post(reset))
        .route("/_orgsim/clock", get(read_clock).post(set_clock))
        .route("/_orgsim/state", get(read_state).put(replace_state))
        .route("/_orgsim/state/save", post(save_state))
        .route("/_orgsim/explain", get(explain))
        .fallback(aws_entry)
        .with_state(state)
}

async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let world = state.world();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "services": ServiceId::ALL.iter().map(|s| s.signing_name()).collect::<Vec<_>>(),
        "organizations": world.organizations.organizations.len(),
    }))
}

/// Empties the world (keeping the server's settings): every organization, account,
/// role and issued credential is gone.
async fn reset(State(state): State<Arc<AppState>>) -> Json<Value> {
    *state.world() = World::new(state.settings.clone());
    tracing::info!("world reset");
    Json(json!({"reset": true}))
}

/// The whole world as a snapshot document.
async fn read_state(State(state): State<Arc<AppState>>) -> Response<Body> {
    let world = state.world().clone();
    let mut response = Response::new(Body::from(snapshot::to_json(&world)));
    response.headers_mut().insert(
        "content-type",
        axum::http::HeaderValue::from_static("application/json"),
    );
    response
}

/// Replaces the world with a snapshot; a snapshot that does not load changes nothing.
async fn replace_state(
    State(state): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Response<Body> {
    match snapshot::from_json(&body) {
        Ok(world) => {
            *state.world() = world;
            tracing::info!("world replaced from a snapshot");
            Json(json!({"loaded": true})).into_response()
        }
        Err(message) => admin_error(&message),
    }
}

async fn save_state(State(state): State<Arc<AppState>>) -> Response<Body> {
    match state.save() {
        Ok(Some(path)) => Json(json!({"saved": path.display().to_string()})).into_response(),
        Ok(None) => {
            admin_error("orgsim was started without --state FILE: there is nowhere to save")
        }
        Err(message) => {
            let mut response = Json(json!({"error": message})).into_response();
            *response.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
            response
        }
    }
}

/// The world's clock as the admin API shows it.
fn clock_json(world: &World) -> Value {
    let now = world.clock.now_ms();
    json!({
        "now": crate::world::iso8601(now),
        "now_ms": now,
        "pinned": world.clock.pinned_ms.is_some(),
        "offset_ms": world.clock.offset_ms,
    })
}

async fn read_clock(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(clock_json(&state.world()))
}

/// `POST /_orgsim/clock` with any of: `{"advance_seconds": N}` (move forward),
/// `{"set": "2030-01-01T00:00:00Z"}` (jump to an instant), `{"pinned": true|false}`
/// (stop or restart time). Applied in that order: set, advance, pin.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockChange {
    advance_seconds: Option<f64>,
    set: Option<String>,
    pinned: Option<bool>,
}

async fn set_clock(State(state): State<Arc<AppState>>, body: axum::body::Bytes) -> Response<Body> {
    let change: ClockChange =
        match serde_json::from_slice(if body.is_empty() { b"{}" } else { &body }) {
            Ok(change) => change,
            Err(e) => {
                return admin_error(&format!(
                    "expected {{\"advance_seconds\"|\"set\"|\"pinned\"}}: {e}"
                ))
            }
        };
    let set_ms = match change.set.as_deref().map(parse_instant) {
        Some(Err(e)) => return admin_error(&e),
        Some(Ok(ms)) => Some(ms),
        None => None,
    };
    if change
        .advance_seconds
        .is_some_and(|s| !s.is_finite() || s < 0.0)
    {
        return admin_error(
            "advance_seconds must be a non-negative number: the clock only moves forward",
        );
    }
    let mut world = state.world();
    let clock = &mut world.clock;
    if let Some(ms) = set_ms {
        match clock.pinned_ms {
            Some(_) => clock.pinned_ms = Some(ms),
            None => clock.offset_ms += ms - clock.now_ms(),
        }
    }
    if let Some(seconds) = change.advance_seconds {
        clock.advance((seconds * 1000.0) as i64);
    }
    match change.pinned {
        Some(true) if clock.pinned_ms.is_none() => clock.pinned_ms = Some(clock.now_ms()),
        Some(false) => {
            if let Some(pinned) = clock.pinned_ms.take() {
                clock.offset_ms = 0;
                clock.offset_ms = pinned - clock.now_ms();
            }
        }
        _ => {}
    }
    let body = clock_json(&world);
    tracing::info!(now = %body["now"], "clock changed");
    Json(body).into_response()
}

fn parse_instant(text: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|e| format!("'{text}' is not an RFC 3339 instant: {e}"))
}

fn admin_error(message: &str) -> Response<Body> {
    let mut response = Json(json!({"error": message})).into_response();
    *response.status_mut() = axum::http::StatusCode::BAD_REQUEST;
    response
}

/// `GET /_orgsim/explain?account=ID&action=svc:Op[&resource=ARN][&region=R][&role=NAME]`:
/// the SCP/RCP decision and its trail (see `authorize::explain`).
async fn explain(
    State(state): State<Arc<AppState>>,
    query: axum::extract::Query<authorize::explain::ExplainQuery>,
) -> Response<Body> {
    match authorize::explain::explain(&state.world(), &query) {
        Ok(report) => Json(report).into_response(),
        Err(message) => admin_error(&message),
    }
}

/// What the request log line needs to know about a request.
struct Outcome {
    service: Option<ServiceId>,
    operation: String,
    account: String,
    region: String,
    /// The policy that refused the call, if one did.
    denied_by: Option<String>,
}

async fn aws_entry(State(state): State<Arc<AppState>>, request: Request) -> Response<Body> {
    let started = Instant::now();
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut outcome = Outcome {
        service: None,
        operation: "-".into(),
        account: "-".into(),
        region: "-".into(),
        denied_by: None,
    };
    let response = handle(&state, request, &request_id, &mut outcome).await;
    tracing::info!(
        target: "orgsim::request",
        service = outcome.service.map(|s| s.signing_name()).unwrap_or("-"),
        operation = %outcome.operation,
        account = %outcome.account,
        region = %outcome.region,
        status = response.status().as_u16(),
        denied_by = outcome.denied_by.as_deref().unwrap_or("-"),
        duration_ms = format!("{:.2}", started.elapsed().as_secs_f64() * 1000.0),
        "request"
    );
    response
}

async fn handle(
    state: &AppState,
    request: Request,
    request_id: &str,
    outcome: &mut Outcome,
) -> Response<Body> {
    let (parts, body) = request.into_parts();
    let query = parts.uri.query().unwrap_or("");
    let guessed = protocol::sniff(&parts.headers, query);
    let limit = if guessed == Protocol::RestXml {
        MAX_S3_BODY_BYTES
    } else {
        MAX_BODY_BYTES
    };
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            let error = if guessed == Protocol::RestXml {
                ApiError::new(
                    "EntityTooLarge",
                    400,
                    "Your proposed upload exceeds the maximum allowed object size.",
                )
            } else {
                ApiError::new(
                    "RequestEntityTooLargeException",
                    413,
                    format!("Request body is larger than the {MAX_BODY_BYTES}-byte limit."),
                )
            };
            return protocol::encode_error(guessed, None, &error, request_id);
        }
        Err(e) => {
            let error = ApiError::new(
                "SerializationException",
                400,
                format!("Could not read the request body: {e}"),
            );
            return protocol::encode_error(guessed, None, &error, request_id);
        }
    };

    let scope = auth::credential_scope(&parts.headers, query);
    let signing_service = scope
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .and_then(|s| ServiceId::from_signing_name(&s.service));
    let wire = WireRequest {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query,
        headers: &parts.headers,
        body: &body,
        virtual_host_bases: &state.settings.s3_host_bases,
    };
    let decoded = match protocol::decode(&wire, signing_service) {
        Ok(decoded) => decoded,
        Err(failure) if failure.protocol == Protocol::RestXml => {
            outcome.service = failure.service;
            let head = parts.method == axum::http::Method::HEAD;
            return protocol::rest_xml::encode_error(&failure.error, request_id, head);
        }
        Err(failure) => {
            outcome.service = failure.service;
            return protocol::encode_error(
                failure.protocol,
                failure.service,
                &failure.error,
                request_id,
            );
        }
    };
    let service = decoded.service;
    outcome.service = Some(service);
    outcome.operation = decoded.operation.clone();
    let proto = service.protocol();
    let style = if proto == Protocol::AwsQuery {
        CodeStyle::Query
    } else {
        CodeStyle::Json
    };
    let head = parts.method == axum::http::Method::HEAD;
    let fail = |error: ApiError| match proto {
        Protocol::RestXml => protocol::rest_xml::encode_error(&error, request_id, head),
        _ => protocol::encode_error(proto, Some(service), &error, request_id),
    };

    let scope = match scope {
        Err(error) => return fail(error),
        Ok(Some(scope)) => scope,
        Ok(None) if UNSIGNED_OPERATIONS.contains(&(service, decoded.operation.as_str())) => {
            return fail(ApiError::not_implemented(service, &decoded.operation));
        }
        // orgsim has no anonymous principal: S3 answers unsigned requests as AWS
        // answers an anonymous caller that no bucket policy lets in.
        Ok(None) if proto == Protocol::RestXml => {
            return fail(ApiError::new("AccessDenied", 403, "Access Denied"));
        }
        Ok(None) => return fail(auth::missing_authentication(style)),
    };

    let result = {
        let mut world = state.world();
        world.begin_request();
        let caller = match auth::resolve_caller(&world, &scope, style) {
            Ok(caller) => caller,
            Err(error) => return fail(error),
        };
        outcome.account = caller.account_id.clone();
        outcome.region = caller.region.clone();
        if let Err(error) = auth::check_presigned_expiry(query, world.clock.now_ms()) {
            return fail(error);
        }
        let (operation, input) = (&decoded.operation, &decoded.input);
        match authorize::authorize(&world, &caller, service, operation, input) {
            Err(denial) => {
                outcome.denied_by = Some(denial.log_summary());
                Err(denial.to_api_error(service))
            }
            Ok(()) => match service.description().payload_dispatch {
                Some(payload_dispatch) => run_atomically(&mut world, |world| {
                    payload_dispatch(world, &caller, operation, decoded.input, decoded.payload)
                })
                .map(Answer::Xml),
                None => run_atomically(&mut world, |world| {
                    services::dispatch(world, &caller, service, operation, decoded.input)
                })
                .map(Answer::Json),
            },
        }
    };
    match result {
        Ok(Answer::Json(output)) => protocol::encode_output(
            service,
            &decoded.operation,
            decoded.success_status,
            &output,
            request_id,
        ),
        Ok(Answer::Xml(output)) => protocol::rest_xml::encode_output(
            service,
            &decoded.operation,
            decoded.success_status,
            output,
            request_id,
        ),
        Err(error) => fail(error.with_message_key(service.error_message_key())),
    }
}

/// A handler's answer: JSON members, or rest-xml members with raw bytes.
enum Answer {
    Json(Value),
    Xml(protocol::rest_xml::XmlOutput),
}

/// Runs a handler so that it changes the world entirely or not at all: on an error or
/// a panic the world goes back to how it was (a cheap clone: the maps are persistent).
pub fn run_atomically<T>(
    world: &mut World,
    handler: impl FnOnce(&mut World) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let before = world.clone();
    match catch_unwind(AssertUnwindSafe(|| handler(world))) {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(error)) => {
            *world = before;
            Err(error)
        }
        Err(panic) => {
            *world = before;
            let detail = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "handler panicked".to_string());
            tracing::error!(%detail, "handler panicked; world left unchanged");
            Err(ApiError::internal_failure(&detail))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{Caller, Principal};

    fn world() -> World {
        World::new(Settings {
            seed: Some(1),
            ..Default::default()
        })
    }

    fn root(account_id: &str) -> Caller {
        Caller {
            account_id: account_id.to_string(),
            principal: Principal::Root,
            access_key_id: account_id.to_string(),
            temporary: false,
            region: "us-east-1".to_string(),
        }
    }

    /// Every change a handler can make: counters, the ID stream and service state.
    fn mutate(world: &mut World) {
        world.request_count += 100;
        world.ids.next_u64();
        let created = services::dispatch(
            world,
            &root("111111111111"),
            ServiceId::Organizations,
            "CreateOrganization",
            json!({}),
        );
        assert!(created.is_ok(), "{created:?}");
        assert_eq!(world.organizations.organizations.len(), 1);
    }

    fn snapshot(world: &World) -> Value {
        serde_json::to_value(world).unwrap()
    }

    #[test]
    fn a_panicking_handler_leaves_the_world_unchanged() {
        let mut world = world();
        let before = snapshot(&world);
        let result: Result<Value, _> = run_atomically(&mut world, |w| {
            mutate(w);
            panic!("boom")
        });
        let error = result.unwrap_err();
        assert_eq!(
            (error.code.as_str(), error.status),
            ("InternalFailure", 500)
        );
        assert!(error.message.contains("boom"), "{}", error.message);
        assert_eq!(snapshot(&world), before);
    }

    #[test]
    fn a_failing_handler_leaves_the_world_unchanged() {
        let mut world = world();
        let before = snapshot(&world);
        let result: Result<Value, _> = run_atomically(&mut world, |w| {
            mutate(w);
            Err(ApiError::new("SomeError", 400, "no"))
        });
        assert_eq!(result.unwrap_err().code, "SomeError");
        assert_eq!(snapshot(&world), before);
    }

    #[test]
    fn a_succeeding_handler_keeps_its_changes() {
        let mut world = world();
        let result = run_atomically(&mut world, |w| {
            mutate(w);
            Ok(json!({"done": true}))
        });
        assert_eq!(result.unwrap(), json!({"done": true}));
        assert_eq!(world.request_count, 100);
        assert_eq!(world.organizations.organizations.len(), 1);
    }
}
