//! Issue 12, through the router without a socket: hostile input that once crashed the
//! process or stored what a snapshot could not load, overlapping saves, snapshots
//! larger than 2 MiB, keys from before a reset, cross-site and DNS-rebound requests,
//! and clock moves past what AWS's timestamps can say.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use orgsim::server::{router, Access, AppState};
use orgsim::world::World;
use orgsim::Settings;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;
use tower::ServiceExt;

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const AMZ_JSON: &str = "application/x-amz-json-1.1";

fn settings() -> Settings {
    Settings {
        seed: Some(7),
        ..Default::default()
    }
}

fn app() -> Router {
    router(AppState::new(settings()))
}

/// An app that saves to `state_file` and checks hosts as a loopback-bound server does.
fn app_with(state_file: Option<PathBuf>) -> (Router, Arc<AppState>) {
    app_with_settings(state_file, settings())
}

fn app_with_settings(state_file: Option<PathBuf>, settings: Settings) -> (Router, Arc<AppState>) {
    let access = Access::for_bind("127.0.0.1".parse().unwrap(), vec!["orgsim".into()]);
    let state = AppState::with_world(settings.clone(), World::new(settings), state_file, access);
    (router(state.clone()), state)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Answer {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(!body.is_empty(), "{uri}: {status} with an empty body");
    Answer {
        status,
        content_type,
        body,
    }
}

fn signed(key: &str, service: &str) -> String {
    format!("AWS4-HMAC-SHA256 Credential={key}/20250101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=abc")
}

async fn json_call(app: &Router, key: &str, service: &str, target: &str, body: Value) -> Answer {
    let auth = signed(key, service);
    send(
        app,
        Method::POST,
        "/",
        &[
            ("content-type", AMZ_JSON),
            ("x-amz-target", target),
            ("authorization", &auth),
        ],
        body.to_string(),
    )
    .await
}

async fn org(app: &Router, key: &str, operation: &str, body: Value) -> Answer {
    let target = format!("AWSOrganizationsV20161128.{operation}");
    json_call(app, key, "organizations", &target, body).await
}

async fn sts(app: &Router, key: &str, form: &str) -> Answer {
    let auth = signed(key, "sts");
    send(
        app,
        Method::POST,
        "/",
        &[("content-type", FORM), ("authorization", &auth)],
        form.to_string(),
    )
    .await
}

fn xml_text(body: &str, tag: &str) -> String {
    let start = body
        .find(&format!("<{tag}>"))
        .unwrap_or_else(|| panic!("no <{tag}> in {body}"))
        + tag.len()
        + 2;
    let end = body[start..].find(&format!("</{tag}>")).unwrap() + start;
    body[start..end].to_string()
}

fn nested(levels: usize) -> Value {
    (0..levels).fold(json!(true), |inner, _| json!({ "a": inner }))
}

/// A 2 KB unsigned awsQuery request 1,200 levels deep overflowed a worker's stack and
/// killed the process; it is a validation error, in the body and in the query string.
#[tokio::test]
async fn a_deeply_nested_query_parameter_is_a_validation_error() {
    let app = app();
    let deep = vec!["a"; 1200].join(".");
    let form = format!("Action=GetCallerIdentity&Version=2011-06-15&{deep}=1");
    let answer = send(
        &app,
        Method::POST,
        "/",
        &[("content-type", FORM)],
        form.clone(),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.body);
    assert_eq!(answer.content_type, "text/xml");
    assert_eq!(xml_text(&answer.body, "Code"), "ValidationError");
    let answer = send(&app, Method::GET, &format!("/?{form}"), &[], "").await;
    assert_eq!(xml_text(&answer.body, "Code"), "ValidationError");
}

/// A 119-level object inside a Config recorder's `recordingGroup` was stored, and then
/// the snapshot could not be loaded. It is refused; what the limit lets in reloads.
#[tokio::test]
async fn what_a_call_can_store_a_snapshot_reloads() {
    let app = app();
    let recorder = |group: Value| {
        json!({"ConfigurationRecorder": {"name": "default",
            "roleARN": "arn:aws:iam::111111111111:role/config", "recordingGroup": group}})
    };
    let put = |body| {
        json_call(
            &app,
            "111111111111",
            "config",
            "StarlingDoveService.PutConfigurationRecorder",
            body,
        )
    };
    let refused = put(recorder(nested(119))).await;
    assert_eq!(refused.status, 400, "{}", refused.body);
    assert_eq!(refused.json()["__type"], "ValidationException");
    assert!(refused.body.contains("deeper than 32"), "{}", refused.body);
    let too_deep_org = org(
        &app,
        "111111111111",
        "CreateOrganization",
        json!({"FeatureSet": nested(40)}),
    )
    .await;
    assert_eq!(too_deep_org.status, 400, "{}", too_deep_org.body);

    // The deepest group the limit lets in: the input object, ConfigurationRecorder,
    // recordingGroup and 29 more levels.
    let stored = put(recorder(nested(30))).await;
    assert_eq!(stored.status, 200, "{}", stored.body);
    let snapshot = send(&app, Method::GET, "/_orgsim/state", &[], "").await;
    let loaded = send(
        &app,
        Method::PUT,
        "/_orgsim/state",
        &[],
        snapshot.body.clone(),
    )
    .await;
    assert_eq!(loaded.status, 200, "{}", loaded.body);
    let again = send(&app, Method::GET, "/_orgsim/state", &[], "").await;
    assert_eq!(
        again.json()["world"]["config"],
        snapshot.json()["world"]["config"]
    );
}

/// `PUT /_orgsim/state` refused anything over 2 MiB; a 1,400-account world is 2.2 MB.
#[tokio::test]
async fn a_snapshot_of_several_megabytes_loads() {
    let app = app();
    org(&app, "111111111111", "CreateOrganization", json!({})).await;
    let snapshot = send(&app, Method::GET, "/_orgsim/state", &[], "").await;
    // Whitespace keeps it the same document at 3 MB.
    let padded = format!("{}{}", snapshot.body, " ".repeat(3 * 1024 * 1024));
    let loaded = send(&app, Method::PUT, "/_orgsim/state", &[], padded).await;
    assert_eq!(loaded.status, 200, "{}", loaded.body);
    let described = org(&app, "111111111111", "DescribeOrganization", json!({})).await;
    assert_eq!(described.status, 200, "{}", described.body);
}

/// Overlapping `POST /_orgsim/state/save` shared one temporary file: a quarter answered
/// 500 and the file could end up cut or interleaved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_saves_all_succeed_and_leave_a_whole_file() {
    let dir = std::env::temp_dir().join(format!("orgsim-saves-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("state.json");
    let (app, _) = app_with(Some(path.clone()));
    org(&app, "111111111111", "CreateOrganization", json!({})).await;
    let saves: Vec<_> = (0..32)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(
                async move { send(&app, Method::POST, "/_orgsim/state/save", &[], "").await },
            )
        })
        .collect();
    for save in saves {
        let answer = save.await.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    let world = orgsim::snapshot::load(&path)
        .unwrap()
        .expect("a whole snapshot");
    assert_eq!(world.organizations.organizations.len(), 1);
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .collect();
    assert_eq!(files.len(), 1, "no temporary file left");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With `--seed`, a reset restarted the ID stream, so a member's old key was minted
/// again for another organization's management role. Old keys stay refused; the same
/// calls still give the same organization and account IDs.
#[tokio::test]
async fn keys_from_before_a_reset_stay_refused() {
    // The role is invented (`--lenient-roles`): the test is about keys, not roles.
    let lenient = Settings {
        lenient_roles: true,
        ..settings()
    };
    let (app, _) = app_with_settings(None, lenient);
    let assume = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FAdmin&RoleSessionName=s1";
    let run = || async {
        let organization = org(&app, "111111111111", "CreateOrganization", json!({}))
            .await
            .json();
        let answer = sts(&app, "111111111111", assume).await;
        assert_eq!(answer.status, 200, "{}", answer.body);
        (
            organization["Organization"]["Id"].clone(),
            xml_text(&answer.body, "AccessKeyId"),
        )
    };
    let (first_org, old_key) = run().await;
    let reset = send(&app, Method::POST, "/_orgsim/reset", &[], "").await;
    assert_eq!(reset.status, 200);
    let refused = sts(
        &app,
        &old_key,
        "Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(xml_text(&refused.body, "Code"), "InvalidClientTokenId");
    let (second_org, new_key) = run().await;
    assert_eq!(
        first_org, second_org,
        "the same seeded calls give the same IDs"
    );
    assert_ne!(old_key, new_key);
    let refused = sts(
        &app,
        &old_key,
        "Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(xml_text(&refused.body, "Code"), "InvalidClientTokenId");
    // Loading a snapshot is a new world too.
    let snapshot = send(&app, Method::GET, "/_orgsim/state", &[], "").await;
    send(&app, Method::PUT, "/_orgsim/state", &[], snapshot.body).await;
    let after_load = sts(&app, "111111111111", assume).await;
    let loaded_key = xml_text(&after_load.body, "AccessKeyId");
    assert!(
        loaded_key != old_key && loaded_key != new_key,
        "{loaded_key}"
    );
    let still_valid = sts(
        &app,
        &new_key,
        "Action=GetCallerIdentity&Version=2011-06-15",
    )
    .await;
    assert_eq!(
        still_valid.status, 200,
        "keys the snapshot holds stay valid"
    );
}

/// A page in the user's browser could reset the world, move the clock, create a
/// detector or assume a role with "simple" cross-site requests.
#[tokio::test]
async fn cross_site_requests_are_refused_before_anything_runs() {
    let (app, state) = app_with(None);
    org(&app, "111111111111", "CreateOrganization", json!({})).await;
    let evil = [
        ("host", "127.0.0.1:4566"),
        ("origin", "https://evil.example"),
    ];
    let text = [("content-type", "text/plain")];
    for (method, uri) in [
        (Method::POST, "/_orgsim/reset"),
        (Method::POST, "/_orgsim/clock"),
        (Method::GET, "/_orgsim/state"),
    ] {
        let answer = send(
            &app,
            method,
            uri,
            &[evil[0], evil[1], text[0]],
            "{\"advance_seconds\": 99999}",
        )
        .await;
        assert_eq!(answer.status, 403, "{uri}: {}", answer.body);
        assert!(answer.json()["error"]
            .as_str()
            .unwrap()
            .contains("cross-site"));
    }
    let gd_auth = signed("111111111111", "guardduty");
    let detector = send(
        &app,
        Method::POST,
        "/detector",
        &[evil[0], evil[1], text[0], ("authorization", &gd_auth)],
        "{\"enable\":true}",
    )
    .await;
    assert_eq!(detector.status, 403, "{}", detector.body);
    assert_eq!(detector.json()["__type"], "AccessDeniedException");
    let form = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2FX&RoleSessionName=s1";
    let assume = send(
        &app,
        Method::POST,
        "/",
        &[evil[0], evil[1], ("content-type", FORM)],
        form,
    )
    .await;
    assert_eq!(assume.status, 403);
    assert_eq!(xml_text(&assume.body, "Code"), "AccessDenied");
    {
        let w = state.world();
        assert_eq!(w.organizations.organizations.len(), 1, "not reset");
        assert!(w.sts.credentials.is_empty(), "no role assumed");
        assert_eq!(w.clock.offset_ms, 0, "the clock did not move");
    }
    // DNS rebinding: the page's own name resolved to 127.0.0.1, "same-origin".
    let rebound = [
        ("host", "evil.example:4566"),
        ("origin", "http://evil.example:4566"),
    ];
    let answer = send(&app, Method::GET, "/_orgsim/state", &rebound, "").await;
    assert_eq!(answer.status, 403, "{}", answer.body);
    let answer = send(
        &app,
        Method::GET,
        "/_orgsim/health",
        &[("host", "evil.example:4566")],
        "",
    )
    .await;
    assert_eq!(answer.status, 403);
    // SDKs, the CLI and the server's own pages pass.
    for headers in [
        vec![("host", "127.0.0.1:4566")],
        vec![
            ("host", "localhost:4566"),
            ("origin", "http://localhost:4566"),
        ],
        vec![("host", "orgsim:4566")],
    ] {
        let answer = send(&app, Method::GET, "/_orgsim/health", &headers, "").await;
        assert_eq!(answer.status, 200, "{headers:?}: {}", answer.body);
    }
}

/// `advance_seconds` 1e308 or a year-9999 instant were accepted, and then clients could
/// not parse timestamps. Such moves are refused and change nothing.
#[tokio::test]
async fn the_clock_stays_within_aws_timestamps() {
    let app = app();
    let before = send(&app, Method::GET, "/_orgsim/clock", &[], "")
        .await
        .json();
    for change in [
        json!({"advance_seconds": 1e308}),
        json!({"advance_seconds": 2.6e11}),
        json!({"set": "9999-06-01T00:00:00Z"}),
        json!({"set": "1969-12-31T23:59:59Z"}),
        json!({"set": "9998-12-31T00:00:00Z", "advance_seconds": 86400 * 2}),
    ] {
        let answer = send(
            &app,
            Method::POST,
            "/_orgsim/clock",
            &[],
            change.to_string(),
        )
        .await;
        assert_eq!(answer.status, 400, "{change}: {}", answer.body);
        assert!(
            answer.json()["error"]
                .as_str()
                .unwrap()
                .contains("9999-01-01"),
            "{}",
            answer.body
        );
    }
    let after = send(&app, Method::GET, "/_orgsim/clock", &[], "")
        .await
        .json();
    assert_eq!(after["offset_ms"], before["offset_ms"]);
    let late = send(
        &app,
        Method::POST,
        "/_orgsim/clock",
        &[],
        json!({"set": "9998-12-31T00:00:00Z", "pinned": true}).to_string(),
    )
    .await;
    assert_eq!(late.status, 200, "{}", late.body);
    assert_eq!(late.json()["now"], "9998-12-31T00:00:00.000Z");
}

/// Admin routes called with the wrong method answer JSON, not an empty 405.
#[tokio::test]
async fn wrong_methods_on_admin_routes_answer_json() {
    let app = app();
    let answer = send(&app, Method::GET, "/_orgsim/reset", &[], "").await;
    assert_eq!(answer.status, 405);
    assert!(answer.json()["error"].as_str().unwrap().contains("GET"));
}
