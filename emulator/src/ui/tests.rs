use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::live::{Live, ScenarioStep, SCENARIO_STEP_HEADER};
use super::view;
use crate::api::ServiceId;
use crate::auth::{Caller, Principal};
use crate::server::{router, AppState};
use crate::services::dispatch;
use crate::world::{Settings, World};

const MANAGEMENT: &str = "111111111111";
/// 2026-01-10T00:00:00Z.
const JAN_10_2026: i64 = 1_768_003_200_000;

fn root(account: &str) -> Caller {
    Caller {
        account_id: account.to_string(),
        principal: Principal::Root,
        access_key_id: account.to_string(),
        temporary: false,
        region: "us-east-1".to_string(),
    }
}

fn call(world: &mut World, caller: &Caller, service: ServiceId, op: &str, input: Value) -> Value {
    world.begin_request();
    dispatch(world, caller, service, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

/// An organization with an OU holding one created account, an SCP on the OU, and
/// GuardDuty on in the management account.
fn small_world() -> (World, String, String, String) {
    let mut world = World::new(Settings {
        seed: Some(3),
        ..Settings::default()
    });
    // Mid-month, so the month-to-date costs below cannot straddle a month's start.
    world.clock.pinned_ms = Some(JAN_10_2026);
    let m = root(MANAGEMENT);
    let org = ServiceId::Organizations;
    call(&mut world, &m, org, "CreateOrganization", json!({}));
    let root_id = call(&mut world, &m, org, "ListRoots", json!({}))["Roots"][0]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let ou = call(
        &mut world,
        &m,
        org,
        "CreateOrganizationalUnit",
        json!({"ParentId": root_id, "Name": "Workloads"}),
    )["OrganizationalUnit"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let request = call(
        &mut world,
        &m,
        org,
        "CreateAccount",
        json!({"AccountName": "Dev", "Email": "dev@example.com"}),
    )["CreateAccountStatus"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let dev = call(
        &mut world,
        &m,
        org,
        "DescribeCreateAccountStatus",
        json!({"CreateAccountRequestId": request}),
    )["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        &mut world,
        &m,
        org,
        "MoveAccount",
        json!({"AccountId": dev, "SourceParentId": root_id, "DestinationParentId": ou}),
    );
    call(
        &mut world,
        &m,
        org,
        "EnablePolicyType",
        json!({"RootId": root_id, "PolicyType": "RESOURCE_CONTROL_POLICY"}),
    );
    let scp = call(
        &mut world,
        &m,
        org,
        "CreatePolicy",
        json!({"Name": "Guardrail", "Description": "d", "Type": "SERVICE_CONTROL_POLICY",
               "Content": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}"#}),
    )["Policy"]["PolicySummary"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    call(
        &mut world,
        &m,
        org,
        "AttachPolicy",
        json!({"PolicyId": scp, "TargetId": ou}),
    );
    call(
        &mut world,
        &m,
        ServiceId::GuardDuty,
        "CreateDetector",
        json!({"enable": true}),
    );
    (world, ou, dev, scp)
}

fn build(world: &World) -> Value {
    serde_json::to_value(view::build(world, "us-east-1", 7, None, &|_| None)).unwrap()
}

#[test]
fn the_view_draws_the_tree_with_its_policies() {
    let (world, ou, dev, scp) = small_world();
    let v = build(&world);
    assert_eq!(v["version"], 7);
    let org = &v["organizations"][0];
    assert_eq!(org["management_account_id"], MANAGEMENT);
    let root = &org["root"];
    assert_eq!(root["kind"], "root");
    assert_eq!(root["total_accounts"], 2);
    assert_eq!(root["accounts"], json!([MANAGEMENT]));
    assert_eq!(root["policies"][0]["id"], "p-FullAWSAccess");
    assert_eq!(root["policies"][0]["kind"], "SCP");
    let workloads = &root["ous"][0];
    assert_eq!(workloads["id"], json!(ou));
    assert_eq!(workloads["name"], "Workloads");
    assert_eq!(workloads["accounts"], json!([dev]));
    let names: Vec<&str> = workloads["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["FullAWSAccess", "RCPFullAWSAccess", "Guardrail"],
        "{}",
        workloads["policies"]
    );
    assert_eq!(workloads["policies"][2]["id"], json!(scp));
    let accounts = org["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 2);
    let dev_view = accounts.iter().find(|a| a["id"] == json!(dev)).unwrap();
    assert_eq!(dev_view["name"], "Dev");
    assert_eq!(dev_view["status"], "ACTIVE");
    assert_eq!(dev_view["parent"], json!(ou));
    assert_eq!(dev_view["path"], "Root / Workloads");
    assert_eq!(dev_view["management"], false);
    assert_eq!(
        dev_view["cost"],
        json!({"amount": "0.00", "currency": "USD", "period": "month to date"}),
        "nothing is on in Dev"
    );
}

#[test]
fn each_account_shows_its_month_to_date_cost_from_the_cost_model() {
    let (mut world, _ou, _dev, _scp) = small_world();
    // The management account's detector has been on for 30 whole hours.
    world.clock.advance(30 * crate::cost::HOUR_MS + 1);
    let hourly: f64 = crate::cost::meters::meters(&world, &[MANAGEMENT.to_string()])
        .iter()
        .map(|m| m.usd_per_hour())
        .sum();
    assert!(hourly > 0.0, "GuardDuty has a price");
    let v = build(&world);
    let accounts = v["organizations"][0]["accounts"].as_array().unwrap();
    let management = accounts.iter().find(|a| a["id"] == MANAGEMENT).unwrap();
    assert_eq!(
        management["cost"]["amount"],
        format!("{:.2}", hourly * 30.0)
    );
    assert_eq!(management["cost"]["currency"], "USD");
    // Costs restart with the month.
    world.clock.pinned_ms = Some(JAN_10_2026 + 22 * 24 * crate::cost::HOUR_MS + 1);
    let february = build(&world);
    let management = &february["organizations"][0]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == MANAGEMENT)
        .unwrap()["cost"]["amount"];
    assert_eq!(
        management, "0.00",
        "1 February, first instant: no whole hour yet"
    );
}

#[test]
fn the_matrix_shows_services_admins_and_findings() {
    let (mut world, _ou, dev, _scp) = small_world();
    let m = root(MANAGEMENT);
    call(
        &mut world,
        &m,
        ServiceId::Organizations,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "guardduty.amazonaws.com"}),
    );
    call(
        &mut world,
        &m,
        ServiceId::GuardDuty,
        "EnableOrganizationAdminAccount",
        json!({"adminAccountId": dev}),
    );
    let detector = call(
        &mut world,
        &m,
        ServiceId::GuardDuty,
        "ListDetectors",
        json!({}),
    )["detectorIds"][0]
        .as_str()
        .unwrap()
        .to_string();
    call(
        &mut world,
        &m,
        ServiceId::GuardDuty,
        "CreateSampleFindings",
        json!({"DetectorId": detector, "findingTypes": ["Recon:EC2/PortProbeUnprotectedPort"]}),
    );
    let v = build(&world);
    let accounts = v["organizations"][0]["accounts"].as_array().unwrap();
    let of = |id: &str| accounts.iter().find(|a| a["id"] == json!(id)).unwrap();
    let mgmt = of(MANAGEMENT);
    assert_eq!(mgmt["management"], true);
    assert_eq!(mgmt["services"]["guardduty"]["on"], true);
    assert_eq!(mgmt["services"]["securityhub"]["on"], false);
    let found = &mgmt["findings"]["guardduty"];
    let total: u64 = ["critical", "high", "medium", "low"]
        .iter()
        .map(|k| found[k].as_u64().unwrap())
        .sum();
    assert_eq!(total, 1, "{found}");
    let dev = of(&dev);
    assert_eq!(dev["services"]["guardduty"]["delegated_admin"], true);
    assert_eq!(dev["services"]["guardduty"]["administers"], true);
    assert_eq!(
        dev["services"]["guardduty"]["on"], true,
        "designation turns it on"
    );
    assert_eq!(dev["services"]["securityhub"]["delegated_admin"], false);
    let columns: Vec<&str> = v["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        [
            "guardduty",
            "securityhub",
            "config",
            "cloudtrail",
            "accessanalyzer",
            "detective",
            "identitycenter"
        ]
    );
}

#[test]
fn a_scenario_step_travels_in_a_header() {
    let step = ScenarioStep {
        scenario: "07 · SCP enforcement".into(),
        file: "scenarios/07.yaml".into(),
        step: 3,
        of: 18,
        name: "Dev may not leave — « quoted »".into(),
    };
    let value = step.header_value();
    assert!(value.is_ascii());
    assert_eq!(ScenarioStep::from_header_value(&value), Some(step));
    assert_eq!(ScenarioStep::from_header_value("%7Bnot json"), None);
}

#[test]
fn the_version_moves_and_denials_are_remembered() {
    let live = Live::default();
    let mut rx = live.subscribe();
    assert_eq!(live.version(), 0);
    live.changed();
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), 1);
    assert_eq!(live.denial(5), None);
}

async fn get(app: &axum::Router, uri: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn the_routes_serve_the_page_and_its_data_read_only() {
    let state = AppState::new(Settings::default());
    let app = router(state.clone());
    let (status, page) = get(&app, "/_orgsim/ui/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<script src=\"app.js\""), "{page}");
    let (status, script) = get(&app, "/_orgsim/ui/app.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(script.contains("EventSource"));
    let (status, _) = get(&app, "/_orgsim/ui/app.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, data) = get(&app, "/_orgsim/ui/data?region=eu-west-1", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let data: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(data["region"], "eu-west-1");
    assert_eq!(data["organizations"], json!([]));
    let (status, _) = get(&app, "/_orgsim/ui/data?region=../../x", &[]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Read-only: no other method.
    let response = app
        .clone()
        .oneshot(
            Request::post("/_orgsim/ui/data")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);

    // Cross-site pages are refused, as on every admin route.
    let (status, body) = get(
        &app,
        "/_orgsim/ui/data",
        &[
            ("host", "127.0.0.1:4566"),
            ("origin", "https://evil.example"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = get(
        &app,
        "/_orgsim/ui/events",
        &[
            ("host", "127.0.0.1:4566"),
            ("origin", "https://evil.example"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The view's own reads do not move the version; a world change does, and a
    // runner's step header is remembered.
    let before = state.ui.version();
    get(&app, "/_orgsim/ui/data", &[]).await;
    get(&app, "/_orgsim/health", &[]).await;
    assert_eq!(state.ui.version(), before);
    let step = ScenarioStep {
        scenario: "s".into(),
        file: "f".into(),
        step: 1,
        of: 2,
        name: "n".into(),
    };
    let response = app
        .clone()
        .oneshot(
            Request::post("/_orgsim/reset")
                .header(SCENARIO_STEP_HEADER, step.header_value())
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(state.ui.version() > before);
    assert_eq!(state.ui.scenario_step(), Some(step));
}

#[tokio::test]
async fn the_event_stream_announces_the_version() {
    let state = AppState::new(Settings::default());
    let app = router(state.clone());
    let response = app
        .oneshot(
            Request::get("/_orgsim/ui/events")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/event-stream",
        "server-sent events"
    );
    let mut body = response.into_body();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&first),
        "event: version\ndata: 0\n\n"
    );
    state.ui.changed();
    let next = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&next),
        "event: version\ndata: 1\n\n"
    );
}
