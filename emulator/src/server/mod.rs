//! The HTTP front: `/_orgsim/*` admin routes ([`admin`]), and one entry for every AWS
//! request that runs the request path of DESIGN §3 — identify, authenticate, decode,
//! handle under the world lock, encode, log. Before either, [`guard`] refuses
//! cross-site and DNS-rebound requests; [`listen`] is the accept loop with its
//! timeouts, and [`http_errors`] answers malformed HTTP in the protocol's format.

pub mod admin;
pub mod guard;
pub mod http_errors;
pub mod listen;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;
use axum::routing::{get, post};
use axum::Router;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

pub use guard::Access;
pub use listen::{serve, Timeouts};

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
    /// One save at a time, each writing the world as it is when its turn comes, so the
    /// file always ends up holding the latest save.
    save_turn: Mutex<()>,
    /// The highest credential epoch this process has used (see [`AppState::start_key_epoch`]).
    key_epochs: AtomicU64,
    /// Which `Origin` and `Host` headers the server answers.
    access: Access,
    /// What the web view follows: the world's version, recent denials, the step.
    pub(crate) ui: crate::ui::Live,
}

impl AppState {
    pub fn new(settings: Settings) -> Arc<AppState> {
        AppState::with_world(
            settings.clone(),
            World::new(settings),
            None,
            Access::default(),
        )
    }

    /// Starts from a given world (e.g. loaded from `--state FILE`), saves to
    /// `state_file` and answers the requests `access` lets through.
    pub fn with_world(
        settings: Settings,
        world: World,
        state_file: Option<PathBuf>,
        access: Access,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            key_epochs: AtomicU64::new(world.sts.key_epoch),
            world: Mutex::new(world),
            settings,
            state_file,
            save_turn: Mutex::new(()),
            access,
            ui: crate::ui::Live::default(),
        })
    }

    /// Saves the world to the state file, if the server has one. The snapshot is
    /// serialized and written on a blocking thread, so request workers go on serving.
    pub async fn save(self: &Arc<Self>) -> Result<Option<PathBuf>, String> {
        let Some(path) = self.state_file.clone() else {
            return Ok(None);
        };
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _turn = state
                .save_turn
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let world = state.world().clone();
            snapshot::save(&path, &world)
                .map_err(|e| format!("cannot save {}: {e}", path.display()))?;
            Ok(Some(path))
        })
        .await
        .map_err(|e| format!("the save failed: {e}"))?
    }

    /// Gives a world that replaces the current one (reset, `PUT /_orgsim/state`) a
    /// credential epoch this process has not used yet. Access keys mix the epoch in,
    /// so a seeded world that replays the same calls after a reset gets the same
    /// account and resource IDs but new keys, and keys issued before stay refused
    /// instead of acting as whoever the replay gives them to.
    pub fn start_key_epoch(&self, world: &mut World) {
        let used = self
            .key_epochs
            .load(Ordering::Relaxed)
            .max(world.sts.key_epoch);
        world.sts.key_epoch = used + 1;
        self.key_epochs.fetch_max(used + 1, Ordering::Relaxed);
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
        .route("/_orgsim/health", get(admin::health))
        .route("/_orgsim/reset", post(admin::reset))
        .route(
            "/_orgsim/clock",
            get(admin::read_clock).post(admin::set_clock),
        )
        .route(
            "/_orgsim/state",
            get(admin::read_state).put(admin::replace_state),
        )
        .route("/_orgsim/state/save", post(admin::save_state))
        .route("/_orgsim/explain", get(admin::explain))
        .route("/_orgsim/health/events", post(admin::publish_health_event))
        .merge(crate::ui::routes())
        .method_not_allowed_fallback(admin::method_not_allowed)
        .fallback(aws_entry)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::ui::track_changes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::refuse_cross_site,
        ))
        .with_state(state)
}

/// What the request log line needs to know about a request.
struct Outcome {
    service: Option<ServiceId>,
    /// A service orgsim does not emulate (botocore's name), answered 501.
    unemulated: Option<&'static str>,
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
        unemulated: None,
        operation: "-".into(),
        account: "-".into(),
        region: "-".into(),
        denied_by: None,
    };
    let response = handle(&state, request, &request_id, &mut outcome).await;
    tracing::info!(
        target: "orgsim::request",
        service = outcome
            .service
            .map(|s| s.signing_name())
            .or(outcome.unemulated)
            .unwrap_or("-"),
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

    let source_ip = source_ip(&parts.headers);
    let user_agent = parts
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
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
    let signing_name = scope
        .as_ref()
        .ok()
        .and_then(Option::as_ref)
        .map(|s| s.service.as_str());
    if let Some(unemulated) = protocol::unemulated::identify(&wire, signing_name) {
        outcome.unemulated = Some(unemulated.service.name.as_str());
        outcome.operation = unemulated.operation.clone().unwrap_or_else(|| "-".into());
        if let Ok(Some(scope)) = &scope {
            outcome.region = scope.region.clone();
        }
        return unemulated.respond(&wire, request_id);
    }
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
    // An API that speaks JSON and CBOR answers in the encoding of the request.
    let proto = if protocol::rpc_v2_cbor::is_request(&wire) {
        Protocol::RpcV2Cbor
    } else {
        service.protocol()
    };
    let style = if matches!(proto, Protocol::AwsQuery | Protocol::Ec2) {
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
        // The token in the request is the credential: nobody signs these.
        Ok(None) if UNSIGNED_OPERATIONS.contains(&(service, decoded.operation.as_str())) => {
            return unsigned_call(state, service, decoded, request_id, outcome);
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
        services::iam::record_key_use(&mut world, &caller, service.signing_name());
        let request_parameters = services::cloudtrail::log::request_parameters(&decoded.input);
        let (operation, input) = (&decoded.operation, &decoded.input);
        let result = match authorize::authorize(&world, &caller, service, operation, input) {
            Err(denial) => {
                outcome.denied_by = Some(denial.log_summary());
                state.ui.record_denial(request_id, &caller, &denial);
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
        };
        // CloudTrail records every call served, denied ones too (DESIGN §3.7).
        let outcome = match &result {
            Ok(Answer::Json(output)) => Ok(Some(output)),
            Ok(Answer::Xml(_)) => Ok(None),
            Err(error) => Err(error),
        };
        services::cloudtrail::log::record(
            &mut world,
            &services::cloudtrail::log::Call {
                caller: &caller,
                service,
                operation: &decoded.operation,
                request_parameters,
                outcome,
                request_id,
                source_ip: &source_ip,
                user_agent: &user_agent,
            },
        );
        // GuardDuty's custom detection rules read the same management events.
        if result.is_ok() {
            let region =
                services::cloudtrail::log::event_region(service, &caller.region).to_string();
            services::guardduty::rule_catalog::observe(
                &mut world,
                &caller,
                &region,
                service.signing_name(),
                &decoded.operation,
            );
        }
        result
    };
    match result {
        Ok(Answer::Json(output)) if proto == Protocol::RpcV2Cbor => {
            protocol::rpc_v2_cbor::encode_output(service, &output, request_id)
        }
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

/// The caller's address as CloudTrail records it: the first `X-Forwarded-For` hop,
/// else loopback (orgsim serves local clients; the socket's peer is not passed down).
fn source_ip(headers: &axum::http::HeaderMap) -> String {
    headers
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("127.0.0.1")
        .to_string()
}

/// A handler's answer: JSON members, or rest-xml members with raw bytes.
enum Answer {
    Json(Value),
    Xml(protocol::rest_xml::XmlOutput),
}

/// AssumeRoleWithWebIdentity / AssumeRoleWithSAML without a signature: no caller to
/// authorize; the handler checks the token and the role's trust policy.
fn unsigned_call(
    state: &AppState,
    service: ServiceId,
    decoded: protocol::Decoded,
    request_id: &str,
    outcome: &mut Outcome,
) -> Response<Body> {
    let result = {
        let mut world = state.world();
        world.begin_request();
        let caller = auth::Caller {
            account_id: world.settings.default_account.clone(),
            principal: auth::Principal::Root,
            access_key_id: String::new(),
            temporary: false,
            region: "us-east-1".to_string(),
        };
        outcome.account = "-".into();
        run_atomically(&mut world, |world| {
            services::dispatch(world, &caller, service, &decoded.operation, decoded.input)
        })
    };
    match result {
        Ok(output) => protocol::encode_output(
            service,
            &decoded.operation,
            decoded.success_status,
            &output,
            request_id,
        ),
        Err(error) => protocol::encode_error(
            service.protocol(),
            Some(service),
            &error.with_message_key(service.error_message_key()),
            request_id,
        ),
    }
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
    use serde_json::json;

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
