//! Raw-HTTP tests of the axum app, driven without a socket through
//! `tower::ServiceExt::oneshot`: the framework errors (auth, routing, decoding, body
//! limit), 501s for unbuilt operations, a few success shapes and the admin routes.
//!
//! Every AWS response must carry `x-amzn-requestid`; [`send`] checks it on each one.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use orgsim::server::{router, AppState, MAX_BODY_BYTES};
use orgsim::Settings;
use serde_json::Value;
use tower::ServiceExt;

const ORG_PREFIX: &str = "AWSOrganizationsV20161128";
const AMZ_JSON: &str = "application/x-amz-json-1.1";
const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";
const STS_CALLER_IDENTITY: &str = "Action=GetCallerIdentity&Version=2011-06-15";
/// The access key every signed request uses unless a test says otherwise.
const ACCOUNT: &str = "111111111111";

type Response = (StatusCode, HeaderMap, String);

/// A fresh emulator (one world per test), seeded so IDs are reproducible.
fn app() -> Router {
    router(AppState::new(Settings {
        seed: Some(1),
        ..Default::default()
    }))
}

/// Sends one request and reads the whole response. Every response outside the
/// `/_orgsim/` admin routes must carry a request ID.
async fn send(
    app: &Router,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: impl Into<Body>,
) -> Response {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(body.into()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = String::from_utf8(bytes.to_vec()).unwrap();
    if !path.starts_with("/_orgsim/") {
        let id = headers
            .get("x-amzn-requestid")
            .unwrap_or_else(|| panic!("{path}: no x-amzn-requestid in {headers:?}"));
        assert!(!id.is_empty(), "{path}: empty x-amzn-requestid");
    }
    (status, headers, body)
}

/// A SigV4 `Authorization` header (signatures are not verified, only the scope is read).
fn signed(access_key: &str, service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={access_key}/20250101/us-east-1/{service}/aws4_request, \
         SignedHeaders=host, Signature=abc"
    )
}

/// An awsJson1.1 call (`POST /` with `X-Amz-Target`), signed for `service` if given.
async fn json_call(
    app: &Router,
    target: &str,
    authorization: Option<&str>,
    body: impl Into<Body>,
) -> Response {
    let mut headers = vec![("content-type", AMZ_JSON), ("x-amz-target", target)];
    if let Some(auth) = authorization {
        headers.push(("authorization", auth));
    }
    send(app, Method::POST, "/", &headers, body).await
}

/// A signed Organizations call as the root of account [`ACCOUNT`].
async fn org(app: &Router, operation: &str, body: &str) -> Response {
    let auth = signed(ACCOUNT, "organizations");
    json_call(
        app,
        &format!("{ORG_PREFIX}.{operation}"),
        Some(&auth),
        body.to_string(),
    )
    .await
}

/// An awsQuery form POST, with an optional `Authorization` header.
async fn form_call(app: &Router, authorization: Option<&str>, form: &str) -> Response {
    let mut headers = vec![("content-type", FORM)];
    if let Some(auth) = authorization {
        headers.push(("authorization", auth));
    }
    send(app, Method::POST, "/", &headers, form.to_string()).await
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// Asserts an AWS error in whichever protocol the response speaks: JSON (`__type` and
/// `x-amzn-errortype`) or XML (`<Code>`). Returns the error message.
fn assert_error(response: &Response, status: u16, code: &str) -> String {
    let (actual, headers, body) = response;
    assert_eq!(actual.as_u16(), status, "status; body: {body}");
    let ct = content_type(headers);
    if ct == "text/xml" {
        assert!(
            body.contains(&format!("<Code>{code}</Code>")),
            "expected <Code>{code}</Code> in {body}"
        );
        return xml_text(body, "Message");
    }
    assert!(
        ct == AMZ_JSON || ct == "application/json",
        "content-type {ct}; body: {body}"
    );
    let value = json(body);
    assert_eq!(value["__type"], code, "__type in {body}");
    assert_eq!(
        headers.get("x-amzn-errortype").map(|v| v.to_str().unwrap()),
        Some(code),
        "x-amzn-errortype"
    );
    value
        .get("Message")
        .or_else(|| value.get("message"))
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("no message in {body}"))
        .to_string()
}

/// The text of the first `<tag>` element (enough for the flat documents checked here).
fn xml_text(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {body}"))
        + open.len();
    let end = body[start..].find(&format!("</{tag}>")).unwrap() + start;
    body[start..end].to_string()
}

#[tokio::test]
async fn missing_authorization_is_403() {
    let app = app();
    let target = format!("{ORG_PREFIX}.DescribeOrganization");
    let response = json_call(&app, &target, None, "{}").await;
    assert_error(&response, 403, "MissingAuthenticationTokenException");
    assert_eq!(content_type(&response.1), AMZ_JSON);

    let response = form_call(&app, None, STS_CALLER_IDENTITY).await;
    assert_error(&response, 403, "MissingAuthenticationToken");
    assert_eq!(content_type(&response.1), "text/xml");
}

#[tokio::test]
async fn malformed_authorization_is_incomplete_signature() {
    let app = app();
    let target = format!("{ORG_PREFIX}.DescribeOrganization");
    let cases = [
        "Basic abc",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abc",
        "AWS4-HMAC-SHA256 Credential=111111111111/20250101/us-east-1/organizations, Signature=abc",
    ];
    for authorization in cases {
        let response = json_call(&app, &target, Some(authorization), "{}").await;
        assert_error(&response, 400, "IncompleteSignature");
        let response = form_call(&app, Some(authorization), STS_CALLER_IDENTITY).await;
        assert_error(&response, 400, "IncompleteSignature");
    }
}

#[tokio::test]
async fn unknown_target_is_unknown_operation() {
    let app = app();
    let auth = signed(ACCOUNT, "organizations");
    for target in [
        "NoSuchService.DescribeOrganization",
        "AWSOrganizationsV20161128.NoSuchOperation",
        "StarlingDoveService.NoSuchOperation",
        "",
    ] {
        let response = json_call(&app, target, Some(&auth), "{}").await;
        assert_error(&response, 400, "UnknownOperationException");
        assert_eq!(content_type(&response.1), AMZ_JSON, "{target}");
    }
}

#[tokio::test]
async fn unknown_query_action_is_invalid_action() {
    let app = app();
    let cases = [
        ("sts", "Action=NoSuchAction&Version=2011-06-15"),
        ("sts", "Version=2011-06-15"),
        ("iam", "Action=NoSuchAction&Version=2010-05-08"),
    ];
    for (service, form) in cases {
        let response = form_call(&app, Some(&signed(ACCOUNT, service)), form).await;
        assert_error(&response, 400, "InvalidAction");
        assert_eq!(content_type(&response.1), "text/xml", "{form}");
    }
}

#[tokio::test]
async fn unknown_rest_route_is_404() {
    let app = app();
    let cases = [
        (Method::GET, "/no/such/thing", "guardduty"),
        (Method::DELETE, "/detector", "guardduty"),
        (Method::GET, "/no/such/thing", "securityhub"),
    ];
    for (method, path, service) in cases {
        let auth = signed(ACCOUNT, service);
        let response = send(&app, method, path, &[("authorization", &auth)], "").await;
        assert_error(&response, 404, "UnknownOperationException");
        assert_eq!(content_type(&response.1), "application/json", "{path}");
    }
}

/// Real operations that orgsim has not built answer 501 and name themselves.
#[tokio::test]
async fn unbuilt_operations_are_501() {
    let app = app();
    struct Case {
        service: &'static str,
        method: Method,
        path: &'static str,
        headers: &'static [(&'static str, &'static str)],
        body: &'static str,
        operation: &'static str,
        content_type: &'static str,
    }
    let cases = [
        Case {
            service: "securityhub",
            method: Method::POST,
            path: "/ListExposuresByRemediationV2",
            headers: &[("content-type", "application/json")],
            body: "{}",
            operation: "ListExposuresByRemediationV2",
            content_type: "application/json",
        },
        Case {
            service: "securityhub",
            method: Method::GET,
            path: "/exportjobsv2",
            headers: &[],
            body: "",
            operation: "ListExportJobsV2",
            content_type: "application/json",
        },
        Case {
            service: "config",
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", AMZ_JSON),
                (
                    "x-amz-target",
                    "StarlingDoveService.StartResourceEvaluation",
                ),
            ],
            body: "{}",
            operation: "StartResourceEvaluation",
            content_type: AMZ_JSON,
        },
        Case {
            service: "sts",
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=GetWebIdentityToken&Version=2011-06-15",
            operation: "GetWebIdentityToken",
            content_type: "text/xml",
        },
        Case {
            service: "iam",
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=ListDelegationRequests&Version=2010-05-08",
            operation: "ListDelegationRequests",
            content_type: "text/xml",
        },
    ];
    for case in cases {
        let auth = signed(ACCOUNT, case.service);
        let mut headers = case.headers.to_vec();
        headers.push(("authorization", &auth));
        let response = send(&app, case.method, case.path, &headers, case.body).await;
        let message = assert_error(&response, 501, "NotImplemented");
        assert!(
            message.contains(case.operation),
            "{}: message {message:?} does not name the operation",
            case.operation
        );
        assert_eq!(content_type(&response.1), case.content_type);
    }
}

#[tokio::test]
async fn bad_organizations_input_is_400() {
    let app = app();
    for body in ["{not json", "[1,2]", "\"x\""] {
        let response = org(&app, "CreateOrganization", body).await;
        assert_error(&response, 400, "SerializationException");
    }

    // A member of the wrong type: a modelled 400, never a 500.
    let (status, headers, body) = org(&app, "CreateOrganization", r#"{"FeatureSet": 5}"#).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let code = json(&body)["__type"].as_str().unwrap().to_string();
    assert!(
        ["SerializationException", "InvalidInputException"].contains(&code.as_str()),
        "{body}"
    );
    assert_eq!(headers.get("x-amzn-errortype").unwrap(), code.as_str());

    // A value outside the enum.
    let response = org(&app, "CreateOrganization", r#"{"FeatureSet": "SOME"}"#).await;
    assert_error(&response, 400, "InvalidInputException");
    assert_eq!(json(&response.2)["Reason"], "INVALID_ENUM");

    // The failed calls left no organization behind: this one succeeds.
    let (status, _, body) = org(&app, "CreateOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let response = org(&app, "CreateAccount", "{}").await;
    assert_error(&response, 400, "InvalidInputException");
    assert_eq!(json(&response.2)["Reason"], "INPUT_REQUIRED");
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let app = app();
    let target = format!("{ORG_PREFIX}.DescribeOrganization");
    let auth = signed(ACCOUNT, "organizations");
    let too_big = || vec![b' '; MAX_BODY_BYTES + 1];
    assert_eq!(MAX_BODY_BYTES, 10 * 1024 * 1024);

    let response = json_call(&app, &target, Some(&auth), too_big()).await;
    assert_error(&response, 413, "RequestEntityTooLargeException");
    assert_eq!(content_type(&response.1), AMZ_JSON);

    let headers = [
        ("content-type", FORM),
        ("authorization", &signed(ACCOUNT, "sts")),
    ];
    let response = send(&app, Method::POST, "/", &headers, too_big()).await;
    assert_error(&response, 413, "RequestEntityTooLargeException");
    assert_eq!(content_type(&response.1), "text/xml");

    // Exactly at the limit is read (all whitespace: an empty input).
    let at_limit = vec![b' '; MAX_BODY_BYTES];
    let response = json_call(&app, &target, Some(&auth), at_limit).await;
    assert_error(&response, 400, "AWSOrganizationsNotInUseException");
}

#[tokio::test]
async fn create_organization_succeeds() {
    let app = app();
    let (status, headers, body) = org(&app, "CreateOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(content_type(&headers), AMZ_JSON);
    let value = json(&body);
    let id = value["Organization"]["Id"].as_str().unwrap();
    let pattern = regex::Regex::new("^o-[a-z0-9]{10,32}$").unwrap();
    assert!(pattern.is_match(id), "organization id {id}");
    assert_eq!(value["Organization"]["MasterAccountId"], ACCOUNT, "{body}");

    let response = org(&app, "CreateOrganization", "{}").await;
    assert_error(&response, 400, "AlreadyInOrganizationException");
}

#[tokio::test]
async fn get_caller_identity_maps_access_keys_to_accounts() {
    let app = app();
    let cases = [
        (ACCOUNT, ACCOUNT),
        ("222222222222", "222222222222"),
        ("AKIAIOSFODNN7EXAMPLE", "000000000000"),
        ("1234", "000000000000"),
    ];
    for (access_key, account) in cases {
        let auth = signed(access_key, "sts");
        let (status, headers, body) = form_call(&app, Some(&auth), STS_CALLER_IDENTITY).await;
        assert_eq!(status, StatusCode::OK, "{access_key}: {body}");
        assert_eq!(content_type(&headers), "text/xml");
        assert!(body.contains("<GetCallerIdentityResult>"), "{body}");
        assert_eq!(xml_text(&body, "Account"), account, "{access_key}");
        assert_eq!(
            xml_text(&body, "Arn"),
            format!("arn:aws:iam::{account}:root")
        );
        let request_id = headers.get("x-amzn-requestid").unwrap().to_str().unwrap();
        assert_eq!(xml_text(&body, "RequestId"), request_id);
    }
}

#[tokio::test]
async fn unknown_session_key_is_invalid_client_token_id() {
    let app = app();
    let key = "ASIAUNKNOWNKEY123456";
    let response = form_call(&app, Some(&signed(key, "sts")), STS_CALLER_IDENTITY).await;
    assert_error(&response, 403, "InvalidClientTokenId");

    let target = format!("{ORG_PREFIX}.DescribeOrganization");
    let auth = signed(key, "organizations");
    let response = json_call(&app, &target, Some(&auth), "{}").await;
    assert_error(&response, 403, "InvalidClientTokenId");
}

#[tokio::test]
async fn health_reports_ok() {
    let app = app();
    let (status, headers, body) = send(&app, Method::GET, "/_orgsim/health", &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert!(content_type(&headers).starts_with("application/json"));
    let value = json(&body);
    assert_eq!(value["status"], "ok");
    assert_eq!(value["organizations"], 0);
}

#[tokio::test]
async fn reset_empties_the_world() {
    let app = app();
    let (status, _, body) = org(&app, "CreateOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, _, body) = send(&app, Method::GET, "/_orgsim/health", &[], "").await;
    assert_eq!(json(&body)["organizations"], 1);

    let (status, _, body) = send(&app, Method::POST, "/_orgsim/reset", &[], "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["reset"], true);

    let response = org(&app, "DescribeOrganization", "{}").await;
    assert_error(&response, 400, "AWSOrganizationsNotInUseException");
    let (_, _, body) = send(&app, Method::GET, "/_orgsim/health", &[], "").await;
    assert_eq!(json(&body)["organizations"], 0);
}

#[tokio::test]
async fn clock_can_be_read_set_advanced_and_pinned() {
    let app = app();
    let (status, _, body) = send(&app, Method::GET, "/_orgsim/clock", &[], "").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["pinned"], false);

    let (status, _, body) = send(
        &app,
        Method::POST,
        "/_orgsim/clock",
        &[],
        r#"{"set": "2030-01-01T00:00:00Z", "pinned": true}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["now"], "2030-01-01T00:00:00.000Z");
    let (_, _, body) = send(
        &app,
        Method::POST,
        "/_orgsim/clock",
        &[],
        r#"{"advance_seconds": 1296000}"#,
    )
    .await;
    assert_eq!(
        json(&body)["now"],
        "2030-01-16T00:00:00.000Z",
        "15 days later"
    );

    // What the clock says is what the APIs see.
    let (status, _, body) = org(&app, "CreateOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        json(&body)["Organization"]["Id"]
            .as_str()
            .map(|s| s.starts_with("o-")),
        Some(true)
    );
    let (_, _, body) = org(&app, "ListAccounts", "{}").await;
    assert_eq!(
        json(&body)["Accounts"][0]["JoinedTimestamp"],
        1_894_752_000.0
    );

    for bad in [
        r#"{"advance_seconds": -1}"#,
        r#"{"set": "tomorrow"}"#,
        r#"{"speed": 2}"#,
        "nope",
    ] {
        let (status, _, body) = send(&app, Method::POST, "/_orgsim/clock", &[], bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(json(&body)["error"].is_string(), "{bad}: {body}");
    }
}

#[tokio::test]
async fn state_snapshots_replace_the_world_whole_or_not_at_all() {
    let app = app();
    let (status, _, body) = org(&app, "CreateOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let org_id = json(&body)["Organization"]["Id"].clone();
    let (status, _, snapshot) = send(&app, Method::GET, "/_orgsim/state", &[], "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&snapshot)["format"], "orgsim-state");

    send(&app, Method::POST, "/_orgsim/reset", &[], "").await;
    let response = org(&app, "DescribeOrganization", "{}").await;
    assert_error(&response, 400, "AWSOrganizationsNotInUseException");

    let (status, _, body) = send(&app, Method::PUT, "/_orgsim/state", &[], snapshot.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, body) = org(&app, "DescribeOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["Organization"]["Id"], org_id);

    // A broken snapshot is refused and the world stays as it is.
    let (status, _, body) = send(
        &app,
        Method::PUT,
        "/_orgsim/state",
        &[],
        r#"{"format":"orgsim-state","version":1,"world":{}}"#,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, _, _) = org(&app, "DescribeOrganization", "{}").await;
    assert_eq!(status, StatusCode::OK);

    // Without --state there is nowhere to save.
    let (status, _, body) = send(&app, Method::POST, "/_orgsim/state/save", &[], "").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(json(&body)["error"].as_str().unwrap().contains("--state"));
}

/// S3 on the wire: path-style and virtual-host style reach the same bucket; errors are
/// S3's `<Error>` document (none for HEAD); unsigned requests are refused; unbuilt
/// operations answer 501 in S3's XML.
#[tokio::test]
async fn s3_path_and_virtual_host_style() {
    let app = app();
    let auth = signed(ACCOUNT, "s3");
    let signed_headers =
        |host: &'static str| [("authorization", auth.clone()), ("host", host.to_string())];
    let h = signed_headers("127.0.0.1:4566");
    let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, headers, _) = send(&app, Method::PUT, "/logs-bucket", &h, Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["location"], "/logs-bucket");
    let vh = signed_headers("logs-bucket.s3.orgsim.localhost:4566");
    let vh: Vec<(&str, &str)> = vh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, headers, _) = send(&app, Method::PUT, "/dir/file.txt", &vh, "hello").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["etag"], "\"5d41402abc4b2a76b9719d911017c592\"");
    let (status, _, body) = send(
        &app,
        Method::GET,
        "/logs-bucket/dir/file.txt",
        &h,
        Body::empty(),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "hello"));
    let (status, _, body) = send(
        &app,
        Method::GET,
        "/logs-bucket?list-type=2",
        &h,
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"),
        "{body}"
    );
    assert!(body.contains("<Key>dir/file.txt</Key>"), "{body}");

    let (status, headers, body) =
        send(&app, Method::GET, "/no-such-bucket/k", &h, Body::empty()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["content-type"], "application/xml");
    assert!(
        body.contains("<Code>NoSuchBucket</Code>")
            && body.contains("<BucketName>no-such-bucket</BucketName>"),
        "{body}"
    );
    let (status, _, body) = send(
        &app,
        Method::HEAD,
        "/logs-bucket/missing",
        &h,
        Body::empty(),
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, ""));
    let (status, _, body) =
        send(&app, Method::GET, "/logs-bucket?website", &h, Body::empty()).await;
    assert_eq!(status, StatusCode::NOT_IMPLEMENTED);
    assert!(
        body.contains("<Code>NotImplemented</Code>") && body.contains("GetBucketWebsite"),
        "{body}"
    );
    let (status, _, body) = send(
        &app,
        Method::GET,
        "/",
        &[("host", "logs-bucket.localhost")],
        Body::empty(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("<Code>AccessDenied</Code>"), "{body}");
}
