//! The web view for workshops: `GET /_orgsim/ui/` on the server's own port draws the
//! organization tree with its SCPs and RCPs, the accounts × services matrix, findings
//! and costs per account, the last calls served (denials with their deciding policy
//! and an `explain` link), the world clock and the scenario step being run.
//!
//! - [`view`]: the world → the page's JSON (`GET /_orgsim/ui/data?region=R`);
//! - [`live`]: the version counter the request path bumps, recent denials, the step;
//! - `assets/`: the page, its script and style, compiled into the binary.
//!
//! The page updates itself through server-sent events (`GET /_orgsim/ui/events`): each
//! event carries the world version, and the page fetches the data when it moved. The
//! routes only read, answer GET alone, and sit behind the server's cross-site guard
//! like the other admin routes.

pub mod live;
pub mod view;

#[cfg(test)]
mod tests;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderValue, Method, Response, StatusCode};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use axum::{Json, Router};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

pub use live::{Denied, Live, ScenarioStep, SCENARIO_STEP_HEADER};

use crate::server::AppState;

const PAGE: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/app.js");
const STYLE: &str = include_str!("assets/app.css");

/// Where the view lives.
pub const PATH: &str = "/_orgsim/ui/";

/// The view's routes, for the server's router.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/_orgsim/ui", get(|| async { Redirect::permanent(PATH) }))
        .route(PATH, get(page))
        .route("/_orgsim/ui/app.js", get(script))
        .route("/_orgsim/ui/app.css", get(style))
        .route("/_orgsim/ui/data", get(data))
        .route("/_orgsim/ui/events", get(events))
}

/// Headers every asset carries: no framing by other sites, no script but our own.
fn asset(content_type: &'static str, body: &'static str) -> Response<Body> {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

async fn page() -> Response<Body> {
    asset("text/html; charset=utf-8", PAGE)
}

async fn script() -> Response<Body> {
    asset("text/javascript; charset=utf-8", SCRIPT)
}

async fn style() -> Response<Body> {
    asset("text/css; charset=utf-8", STYLE)
}

#[derive(serde::Deserialize)]
pub struct DataQuery {
    region: Option<String>,
}

/// `GET /_orgsim/ui/data[?region=R]`: the page's data ([`view::View`]).
async fn data(State(state): State<Arc<AppState>>, query: Query<DataQuery>) -> Response<Body> {
    let region = query.region.as_deref().unwrap_or(view::DEFAULT_REGION);
    let shaped = !region.is_empty()
        && region.len() <= 32
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !shaped {
        return crate::server::admin::bad_request(&format!("'{region}' is not a region name"));
    }
    let live = &state.ui;
    let view = {
        let world = state.world();
        view::build(
            &world,
            region,
            live.version(),
            live.scenario_step(),
            &|id| live.denial(id),
        )
    };
    let mut response = Json(view).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /_orgsim/ui/events`: a `version` event now and after every change, coalesced
/// (a burst of requests wakes a slow page once), with a keep-alive comment every 15 s
/// so the server's idle timeout never closes an open page.
async fn events(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    let receiver = state.ui.subscribe();
    let stream = futures_util::stream::unfold((receiver, true), |(mut rx, first)| async move {
        if !first {
            rx.changed().await.ok()?;
            // Let a burst of requests land before the page refetches.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let version = *rx.borrow_and_update();
        let event = Event::default().event("version").data(version.to_string());
        Some((Ok::<_, Infallible>(event), (rx, false)))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Middleware: after a request that may have changed the world, wake the open pages;
/// remember the scenario step a runner announces. The view's own requests and the
/// admin reads change nothing and wake no one.
pub async fn track_changes(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response<Body> {
    let path = request.uri().path();
    let quiet = path.starts_with("/_orgsim/ui")
        || (path.starts_with("/_orgsim/") && request.method() == Method::GET);
    if let Some(step) = request
        .headers()
        .get(SCENARIO_STEP_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(ScenarioStep::from_header_value)
    {
        state.ui.set_scenario_step(step);
    }
    let response = next.run(request).await;
    if !quiet && response.status() != StatusCode::METHOD_NOT_ALLOWED {
        state.ui.changed();
    }
    response
}
