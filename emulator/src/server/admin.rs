//! The `/_orgsim/*` admin routes: health, reset, snapshots, the clock, explain, and
//! the events AWS Health publishes.
//! Errors are JSON `{"error": …}` with a 4xx/5xx status, never an empty body.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{json, Value};
use std::sync::Arc;

use super::AppState;
use crate::api::ServiceId;
use crate::authorize;
use crate::snapshot;
use crate::world::{Clock, World};

/// Largest snapshot `PUT /_orgsim/state` takes: far above what a save writes (about
/// 1.6 KB per account, so 16 MB at the default 10,000-account quota and 160 MB at
/// 100,000 accounts).
pub const MAX_SNAPSHOT_BYTES: usize = 1024 * 1024 * 1024;

pub async fn health(State(state): State<Arc<AppState>>) -> Json<Value> {
    let world = state.world();
    Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "services": ServiceId::ALL.iter().map(|s| s.signing_name()).collect::<Vec<_>>(),
        "organizations": world.organizations.organizations.len(),
    }))
}

/// Empties the world (keeping the server's settings): every organization, account,
/// role and issued credential is gone, and keys issued before stay refused.
pub async fn reset(State(state): State<Arc<AppState>>) -> Json<Value> {
    let mut world = state.world();
    *world = World::new(state.settings.clone());
    state.start_key_epoch(&mut world);
    tracing::info!("world reset");
    Json(json!({"reset": true}))
}

/// The whole world as a snapshot document, serialized off the request workers.
pub async fn read_state(State(state): State<Arc<AppState>>) -> Response<Body> {
    let world = state.world().clone();
    let Ok(bytes) = tokio::task::spawn_blocking(move || snapshot::to_json(&world)).await else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "the snapshot failed");
    };
    let mut response = Response::new(Body::from(bytes));
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

/// Replaces the world with a snapshot; a snapshot that does not load changes nothing.
pub async fn replace_state(State(state): State<Arc<AppState>>, request: Request) -> Response<Body> {
    let body = match Limited::new(request.into_body(), MAX_SNAPSHOT_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!("a snapshot may be at most {MAX_SNAPSHOT_BYTES} bytes"),
            )
        }
        Err(e) => return bad_request(&format!("cannot read the snapshot: {e}")),
    };
    let parsed = tokio::task::spawn_blocking(move || snapshot::from_json(&body)).await;
    match parsed {
        Ok(Ok(loaded)) => {
            let mut world = state.world();
            *world = loaded;
            state.start_key_epoch(&mut world);
            tracing::info!("world replaced from a snapshot");
            Json(json!({"loaded": true})).into_response()
        }
        Ok(Err(message)) => bad_request(&message),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the snapshot failed"),
    }
}

pub async fn save_state(State(state): State<Arc<AppState>>) -> Response<Body> {
    match state.save().await {
        Ok(Some(path)) => Json(json!({"saved": path.display().to_string()})).into_response(),
        Ok(None) => {
            bad_request("orgsim was started without --state FILE: there is nowhere to save")
        }
        Err(message) => error(StatusCode::INTERNAL_SERVER_ERROR, &message),
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

pub async fn read_clock(State(state): State<Arc<AppState>>) -> Json<Value> {
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

pub async fn set_clock(
    State(state): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Response<Body> {
    let change: ClockChange =
        match serde_json::from_slice(if body.is_empty() { b"{}" } else { &body }) {
            Ok(change) => change,
            Err(e) => {
                return bad_request(&format!(
                    "expected {{\"advance_seconds\"|\"set\"|\"pinned\"}}: {e}"
                ))
            }
        };
    let set_ms = match change.set.as_deref().map(parse_instant) {
        Some(Err(e)) => return bad_request(&e),
        Some(Ok(ms)) => Some(ms),
        None => None,
    };
    if change
        .advance_seconds
        .is_some_and(|s| !s.is_finite() || s < 0.0)
    {
        return bad_request(
            "advance_seconds must be a non-negative number: the clock only moves forward",
        );
    }
    let mut world = state.world();
    let clock = &mut world.clock;
    // Check the instant the clock would reach before moving it at all.
    let target = set_ms.unwrap_or_else(|| clock.now_ms()) as f64
        + change.advance_seconds.unwrap_or(0.0) * 1000.0;
    if !(0.0..=Clock::LATEST_MS as f64).contains(&target) {
        return bad_request(&format!(
            "the clock must stay between {} and {}: AWS's timestamps and the SDKs that parse them end there",
            crate::world::iso8601(0),
            crate::world::iso8601(Clock::LATEST_MS)
        ));
    }
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

/// `GET /_orgsim/explain?account=ID&action=svc:Op[&resource=ARN][&region=R][&role=NAME]`:
/// the SCP/RCP decision and its trail (see `authorize::explain`).
pub async fn explain(
    State(state): State<Arc<AppState>>,
    query: axum::extract::Query<authorize::explain::ExplainQuery>,
) -> Response<Body> {
    match authorize::explain::explain(&state.world(), &query) {
        Ok(report) => Json(report).into_response(),
        Err(message) => bad_request(&message),
    }
}

/// `POST /_orgsim/health/events` with an event document (see
/// [`NewEvent`](crate::services::health::inject::NewEvent)): AWS Health publishes it at
/// the world's present. Answers `{"eventArn": …}`.
pub async fn publish_health_event(
    State(state): State<Arc<AppState>>,
    body: axum::body::Bytes,
) -> Response<Body> {
    let event: crate::services::health::inject::NewEvent = match serde_json::from_slice(&body) {
        Ok(event) => event,
        Err(e) => {
            return bad_request(&format!(
                "expected {{\"service\", \"eventTypeCode\", \"eventTypeCategory\", \"region\", \"statusCode\", \"affectedAccounts\"}}: {e}"
            ))
        }
    };
    let mut world = state.world();
    match crate::services::health::inject::publish_event(&mut world, event) {
        Ok(arn) => {
            tracing::info!(%arn, "health event published");
            Json(json!({ "eventArn": arn })).into_response()
        }
        Err(message) => bad_request(&message),
    }
}

/// An admin route called with a method it does not take.
pub async fn method_not_allowed(request: Request) -> Response<Body> {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        &format!(
            "{} does not take {}",
            request.uri().path(),
            request.method()
        ),
    )
}

pub fn bad_request(message: &str) -> Response<Body> {
    error(StatusCode::BAD_REQUEST, message)
}

pub fn error(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Json(json!({"error": message})).into_response();
    *response.status_mut() = status;
    response
}
