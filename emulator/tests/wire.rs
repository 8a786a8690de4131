//! Raw-HTTP tests of the wire formats beyond the emulated JSON and query APIs: every
//! AWS service orgsim does not emulate answers 501 `NotImplemented` in its own protocol
//! (awsJson 1.0/1.1, restJson1, awsQuery, EC2, restXml in both forms, RPC v2 CBOR),
//! naming service and operation; and the EC2 and Account APIs' own wire shapes.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use orgsim::server::{router, AppState};
use orgsim::Settings;
use serde_json::Value;
use tower::ServiceExt;

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn app() -> Router {
    router(AppState::new(Settings {
        seed: Some(1),
        ..Default::default()
    }))
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn send(
    app: &Router,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    assert!(
        headers.contains_key("x-amzn-requestid"),
        "{path}: no x-amzn-requestid"
    );
    Answer {
        status,
        headers,
        body,
    }
}

fn signed(service: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=111111111111/20250101/us-east-1/{service}/aws4_request, \
         SignedHeaders=host, Signature=abc"
    )
}

/// The text of the first `<tag>` element.
fn xml_text(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {body}"))
        + open.len();
    let end = body[start..].find(&format!("</{tag}>")).unwrap() + start;
    body[start..end].to_string()
}

/// A CBOR map of text keys to text values (what orgsim's CBOR errors are).
fn cbor_text_map(bytes: &[u8]) -> Vec<(String, String)> {
    fn text(bytes: &[u8], at: &mut usize) -> String {
        let head = bytes[*at];
        assert_eq!(head >> 5, 3, "a CBOR text string");
        *at += 1;
        let len = match head & 0x1f {
            n @ 0..=23 => n as usize,
            24 => {
                *at += 1;
                bytes[*at - 1] as usize
            }
            25 => {
                *at += 2;
                u16::from_be_bytes([bytes[*at - 2], bytes[*at - 1]]) as usize
            }
            other => panic!("length form {other}"),
        };
        *at += len;
        String::from_utf8(bytes[*at - len..*at].to_vec()).unwrap()
    }
    assert_eq!(bytes[0] >> 5, 5, "a CBOR map");
    let pairs = (bytes[0] & 0x1f) as usize;
    let mut at = 1;
    (0..pairs)
        .map(|_| {
            let k = text(bytes, &mut at);
            (k, text(bytes, &mut at))
        })
        .collect()
}

/// What an SDK would read from a 501: (error code, message).
fn read_error(answer: &Answer) -> (String, String) {
    let content_type = answer.header("content-type").to_string();
    if content_type == "application/cbor" {
        assert_eq!(answer.header("smithy-protocol"), "rpc-v2-cbor");
        let map = cbor_text_map(&answer.body);
        let get = |k: &str| map.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
        return (get("__type").unwrap(), get("message").unwrap());
    }
    if content_type.contains("xml") {
        let body = answer.text();
        return (xml_text(&body, "Code"), xml_text(&body, "Message"));
    }
    let json: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(answer.header("x-amzn-errortype"), json["__type"]);
    (
        json["__type"].as_str().unwrap().to_string(),
        json["message"].as_str().unwrap().to_string(),
    )
}

struct Case {
    signing: Option<&'static str>,
    method: Method,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
    content_type: &'static str,
    /// The service (botocore name) and operation the message must name.
    names: (&'static str, &'static str),
    /// Whether the XML is S3's bare `<Error>`, EC2's `<Response><Errors>` or
    /// `<ErrorResponse>` (only for XML answers).
    root: Option<&'static str>,
}

#[tokio::test]
async fn unemulated_services_answer_501_in_their_own_protocol() {
    let app = app();
    let json10 = "application/x-amz-json-1.0";
    let json11 = "application/x-amz-json-1.1";
    let cases = [
        // awsJson 1.0 and 1.1
        Case {
            signing: Some("dynamodb"),
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "DynamoDB_20120810.PutItem"),
            ],
            body: "{}",
            content_type: json10,
            names: ("dynamodb", "PutItem"),
            root: None,
        },
        Case {
            signing: Some("sqs"),
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "AmazonSQS.SendMessage"),
            ],
            body: "{}",
            content_type: json10,
            names: ("sqs", "SendMessage"),
            root: None,
        },
        Case {
            signing: Some("kms"),
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", "TrentService.ListKeys"),
            ],
            body: "{}",
            content_type: json11,
            names: ("kms", "ListKeys"),
            root: None,
        },
        Case {
            signing: Some("secretsmanager"),
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.1"),
                ("x-amz-target", "secretsmanager.GetSecretValue"),
            ],
            body: "{}",
            content_type: json11,
            names: ("secretsmanager", "GetSecretValue"),
            root: None,
        },
        // restJson1
        Case {
            signing: Some("lambda"),
            method: Method::GET,
            path: "/2015-03-31/functions/",
            headers: &[],
            body: "",
            content_type: "application/json",
            names: ("lambda", "ListFunctions"),
            root: None,
        },
        Case {
            signing: Some("macie2"),
            method: Method::POST,
            path: "/findings",
            headers: &[("content-type", "application/json")],
            body: "{}",
            content_type: "application/json",
            names: ("macie2", "ListFindings"),
            root: None,
        },
        Case {
            signing: Some("lambda"),
            method: Method::GET,
            path: "/2015-03-31/functions/",
            headers: &[],
            body: "",
            content_type: "application/json",
            names: ("lambda", "ListFunctions"),
            root: None,
        },
        // awsQuery
        Case {
            signing: Some("sns"),
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=Publish&Version=2010-03-31&Message=hi",
            content_type: "text/xml",
            names: ("sns", "Publish"),
            root: Some("ErrorResponse"),
        },
        Case {
            signing: Some("rds"),
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=DescribeDBInstances&Version=2014-10-31",
            content_type: "text/xml",
            names: ("rds", "DescribeDBInstances"),
            root: Some("ErrorResponse"),
        },
        Case {
            signing: Some("elasticloadbalancing"),
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=DescribeLoadBalancers&Version=2015-12-01",
            content_type: "text/xml",
            names: ("elbv2", "DescribeLoadBalancers"),
            root: Some("ErrorResponse"),
        },
        // restXml: the <ErrorResponse> of the restXml services orgsim does not emulate
        // (S3 itself is emulated; S3 Control signs as `s3` too, on versioned paths).
        Case {
            signing: Some("s3"),
            method: Method::GET,
            path: "/v20180820/configuration/publicAccessBlock",
            headers: &[("x-amz-account-id", "111111111111")],
            body: "",
            content_type: "application/xml",
            names: ("s3control", "GetPublicAccessBlock"),
            root: Some("ErrorResponse"),
        },
        Case {
            signing: Some("route53"),
            method: Method::GET,
            path: "/2013-04-01/hostedzone",
            headers: &[],
            body: "",
            content_type: "application/xml",
            names: ("route53", "ListHostedZones"),
            root: Some("ErrorResponse"),
        },
        Case {
            signing: Some("cloudfront"),
            method: Method::GET,
            path: "/2020-05-31/distribution",
            headers: &[],
            body: "",
            content_type: "application/xml",
            names: ("cloudfront", "ListDistributions"),
            root: Some("ErrorResponse"),
        },
        // Smithy RPC v2 CBOR
        Case {
            signing: Some("monitoring"),
            method: Method::POST,
            path: "/service/GraniteServiceVersion20100801/operation/ListMetrics",
            headers: &[
                ("smithy-protocol", "rpc-v2-cbor"),
                ("content-type", "application/cbor"),
            ],
            body: "",
            content_type: "application/cbor",
            names: ("cloudwatch", "ListMetrics"),
            root: None,
        },
        Case {
            signing: Some("codebuild"),
            method: Method::POST,
            path: "/service/CodeBuild_20161006/operation/ListProjects",
            headers: &[
                ("smithy-protocol", "rpc-v2-cbor"),
                ("content-type", "application/cbor"),
            ],
            body: "",
            content_type: "application/cbor",
            names: ("codebuild", "ListProjects"),
            root: None,
        },
        // CloudWatch through awsQuery and awsJson too: the answer follows the request.
        Case {
            signing: Some("monitoring"),
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=ListMetrics&Version=2010-08-01",
            content_type: "text/xml",
            names: ("cloudwatch", "ListMetrics"),
            root: Some("ErrorResponse"),
        },
        // Unsigned: X-Amz-Target prefix, Action+Version, Host prefix
        Case {
            signing: None,
            method: Method::POST,
            path: "/",
            headers: &[
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", "DynamoDB_20120810.GetItem"),
            ],
            body: "{}",
            content_type: json10,
            names: ("dynamodb", "GetItem"),
            root: None,
        },
        Case {
            signing: None,
            method: Method::POST,
            path: "/",
            headers: &[("content-type", FORM)],
            body: "Action=Publish&Version=2010-03-31",
            content_type: "text/xml",
            names: ("sns", "Publish"),
            root: Some("ErrorResponse"),
        },
        Case {
            signing: None,
            method: Method::GET,
            path: "/2015-03-31/functions",
            headers: &[("host", "lambda.eu-west-1.amazonaws.com")],
            body: "",
            content_type: "application/json",
            names: ("lambda", "ListFunctions"),
            root: None,
        },
    ];
    for case in cases {
        let auth = case.signing.map(signed);
        let mut headers = case.headers.to_vec();
        if let Some(auth) = &auth {
            headers.push(("authorization", auth));
        }
        let label = format!(
            "{:?} {} {} {}",
            case.signing, case.method, case.path, case.body
        );
        let answer = send(&app, case.method, case.path, &headers, case.body).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_IMPLEMENTED,
            "{label}: {}",
            answer.text()
        );
        assert_eq!(answer.header("content-type"), case.content_type, "{label}");
        let (code, message) = read_error(&answer);
        assert_eq!(code, "NotImplemented", "{label}");
        let (service, operation) = case.names;
        assert!(
            message.contains(&format!("({service})")) && message.contains(operation),
            "{label}: {message:?} should name {service} and {operation}"
        );
        if let Some(root) = case.root {
            let body = answer.text();
            let start = body.find("?>").map(|i| i + 2).unwrap_or(0);
            assert!(
                body[start..].starts_with(&format!("<{root}")),
                "{label}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn an_unmatched_rest_request_still_names_the_service() {
    let app = app();
    let auth = signed("lambda");
    let answer = send(
        &app,
        Method::PATCH,
        "/nowhere",
        &[("authorization", &auth)],
        "",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED);
    let (code, message) = read_error(&answer);
    assert_eq!(code, "NotImplemented");
    assert!(
        message.contains("AWS Lambda (lambda)") && message.contains("PATCH /nowhere"),
        "{message}"
    );
}

#[tokio::test]
async fn ec2_speaks_its_own_xml() {
    let app = app();
    let auth = signed("ec2");
    let headers = [("content-type", FORM), ("authorization", auth.as_str())];
    let answer = send(
        &app,
        Method::POST,
        "/",
        &headers,
        "Action=DescribeRegions&Version=2016-11-15&RegionName.1=eu-west-1",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let body = answer.text();
    assert!(body.contains("<DescribeRegionsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>"), "{body}");
    assert_eq!(
        xml_text(&body, "requestId"),
        answer.header("x-amzn-requestid")
    );
    assert!(body.contains("<regionInfo><item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo>"), "{body}");

    // An EC2 operation orgsim has not built: 501 in EC2's error document.
    let answer = send(
        &app,
        Method::POST,
        "/",
        &headers,
        "Action=DescribeInstances&Version=2016-11-15",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED);
    let body = answer.text();
    assert!(
        body.contains("<Response><Errors><Error><Code>NotImplemented</Code>"),
        "{body}"
    );
    assert!(xml_text(&body, "Message").contains("DescribeInstances"));
    assert_eq!(
        xml_text(&body, "RequestID"),
        answer.header("x-amzn-requestid")
    );

    // Unknown actions and invalid parameters, EC2's codes.
    let answer = send(
        &app,
        Method::POST,
        "/",
        &headers,
        "Action=Nope&Version=2016-11-15",
    )
    .await;
    assert_eq!(
        (answer.status, read_error(&answer).0.as_str()),
        (StatusCode::BAD_REQUEST, "InvalidAction")
    );
    let answer = send(
        &app,
        Method::POST,
        "/",
        &headers,
        "Action=DescribeRegions&Version=2016-11-15&Filter.1.Name=bogus&Filter.1.Value.1=x",
    )
    .await;
    assert_eq!(
        (answer.status, read_error(&answer).0.as_str()),
        (StatusCode::BAD_REQUEST, "InvalidParameterValue")
    );
    // Unsigned requests are refused the way EC2's query protocol says it.
    let answer = send(
        &app,
        Method::POST,
        "/",
        &[("content-type", FORM)],
        "Action=DescribeRegions&Version=2016-11-15",
    )
    .await;
    assert_eq!(
        (answer.status, read_error(&answer).0.as_str()),
        (StatusCode::FORBIDDEN, "MissingAuthenticationToken")
    );
}

#[tokio::test]
async fn account_api_is_rest_json() {
    let app = app();
    let auth = signed("account");
    let headers = [
        ("content-type", "application/json"),
        ("authorization", auth.as_str()),
    ];
    let answer = send(
        &app,
        Method::POST,
        "/getRegionOptStatus",
        &headers,
        r#"{"RegionName":"af-south-1"}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    let json: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"RegionName": "af-south-1", "RegionOptStatus": "DISABLED"})
    );

    let answer = send(
        &app,
        Method::POST,
        "/enableRegion",
        &headers,
        r#"{"RegionName":"us-east-1"}"#,
    )
    .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let json: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(answer.header("x-amzn-errortype"), "ValidationException");
    assert_eq!(json["reason"], "invalidRegionOptTarget");

    let answer = send(
        &app,
        Method::POST,
        "/sendPhoneNumberVerification",
        &headers,
        "{}",
    )
    .await;
    assert_eq!(answer.status, StatusCode::NOT_IMPLEMENTED);
    assert!(read_error(&answer)
        .1
        .contains("SendPhoneNumberVerification"));
}

/// AWS Health speaks awsJson1.1 and RPC v2 CBOR: each request is answered in its own.
#[tokio::test]
async fn health_answers_each_request_in_its_protocol() {
    let app = app();
    let auth = signed("health");
    let json = send(
        &app,
        Method::POST,
        "/",
        &[
            ("authorization", auth.as_str()),
            ("x-amz-target", "AWSHealth_20160804.DescribeEvents"),
            ("content-type", "application/x-amz-json-1.1"),
        ],
        "{}",
    )
    .await;
    assert_eq!(json.status, StatusCode::OK, "{}", json.text());
    assert_eq!(json.header("content-type"), "application/x-amz-json-1.1");
    assert_eq!(
        serde_json::from_slice::<Value>(&json.body).unwrap(),
        serde_json::json!({"events": []})
    );

    let cbor_headers = [
        ("authorization", auth.as_str()),
        ("smithy-protocol", "rpc-v2-cbor"),
        ("content-type", "application/cbor"),
    ];
    // An empty CBOR map (0xa0) in, an empty event list out: {"events": []}.
    let cbor = send_bytes(
        &app,
        "/service/AWSHealth_20160804/operation/DescribeEvents",
        &cbor_headers,
        b"\xa0",
    )
    .await;
    assert_eq!(cbor.status, StatusCode::OK);
    assert_eq!(cbor.header("smithy-protocol"), "rpc-v2-cbor");
    assert_eq!(cbor.body, b"\xa1\x66events\x80");

    // Errors in CBOR too: a bad token, an unknown operation, a body that is not CBOR.
    let forged = send_bytes(
        &app,
        "/service/AWSHealth_20160804/operation/DescribeEvents",
        &cbor_headers,
        b"\xa1\x69nextToken\x64AAAA",
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    let map = cbor_text_map(&forged.body);
    assert_eq!(map[0], ("__type".into(), "InvalidPaginationToken".into()));
    let unknown = send(
        &app,
        Method::POST,
        "/service/AWSHealth_20160804/operation/NoSuchThing",
        &cbor_headers,
        "",
    )
    .await;
    assert_eq!(
        cbor_text_map(&unknown.body)[0].1,
        "UnknownOperationException"
    );
    let garbage = send(
        &app,
        Method::POST,
        "/service/AWSHealth_20160804/operation/DescribeEvents",
        &cbor_headers,
        "{}",
    )
    .await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(cbor_text_map(&garbage.body)[0].1, "SerializationException");

    // Unsigned: refused as AWS refuses it, in CBOR, not answered as unemulated.
    let unsigned = send(
        &app,
        Method::POST,
        "/service/AWSHealth_20160804/operation/DescribeEvents",
        &cbor_headers[1..],
        "",
    )
    .await;
    assert_eq!(unsigned.status, StatusCode::FORBIDDEN);
    assert_eq!(
        cbor_text_map(&unsigned.body)[0].1,
        "MissingAuthenticationTokenException"
    );
}

/// A POST with a raw (binary) body.
async fn send_bytes(app: &Router, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    let mut request = Request::builder().method(Method::POST).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::from(body.to_vec())).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Answer {
        status,
        headers,
        body,
    }
}
