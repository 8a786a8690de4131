//! Property tests over hostile input (issue 12): each protocol decoder (awsJson1.1,
//! restJson1, awsQuery), the SigV4 credential parser and the policy parser take
//! generated requests — random bytes, near-valid shapes, and nesting thousands of
//! levels deep — and must answer `Ok` or an error, never panic or overflow the stack.
//! Bounded: a fixed number of cases per property, so CI runs them on every
//! `cargo test` (`PROPTEST_CASES` raises the count for a longer hunt by hand).

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use orgsim::api::ServiceId;
use orgsim::auth::credential_scope;
use orgsim::policy::{parse, Dialect};
use orgsim::protocol::{
    aws_json, aws_query, depth, ec2, rest_json, rest_xml, WireRequest, MAX_INPUT_DEPTH,
};
use proptest::prelude::*;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that nests `levels` deep with openers from `kinds`, sometimes closed again.
fn deep_text() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["[", "{\"a\":", "[{\"k\":", "{\"\":["]),
        1usize..5000,
        any::<bool>(),
    )
        .prop_map(|(opener, levels, close)| {
            let mut text = opener.repeat(levels);
            text.push('1');
            if close {
                for _ in 0..levels {
                    text.push_str(match opener {
                        "[" => "]",
                        "{\"a\":" => "}",
                        "[{\"k\":" => "}]",
                        _ => "]}",
                    });
                }
            }
            text
        })
}

/// A JSON document of modest size and any shape.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(serde_json::Value::Number)
            .unwrap_or_default()),
        ".{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Request bodies: random bytes, any JSON, or very deep nesting.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..256),
        json_value().prop_map(|v| v.to_string().into_bytes()),
        deep_text().prop_map(String::into_bytes),
    ]
}

fn headers(pairs: &[(&str, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.append(name, value);
        }
    }
    map
}

/// Operation names, real and not.
fn operation() -> impl Strategy<Value = String> {
    let real: Vec<String> = ServiceId::ALL
        .iter()
        .flat_map(|s| s.operations().iter().map(|o| o.to_string()))
        .collect();
    prop_oneof![prop::sample::select(real), "[A-Za-z.]{0,20}"]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn aws_json_decodes_or_refuses(
        prefix in prop::sample::select(vec!["AWSOrganizationsV20161128", "StarlingDoveService", "Nope", ""]),
        operation in operation(),
        body in body(),
    ) {
        let headers = headers(&[("x-amz-target", format!("{prefix}.{operation}"))]);
        let body = bytes::Bytes::from(body);
        let request = WireRequest { method: "POST", path: "/", query: "", headers: &headers, body: &body, virtual_host_bases: &[] };
        if let Ok(decoded) = aws_json::decode(&request) {
            prop_assert!(decoded.input.is_object());
        }
    }

    #[test]
    fn rest_json_decodes_or_refuses(
        method in prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        segments in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec!["detector", "member", "tags", "filter", "findings", "accounts", "standards", "controls", "automationrulesv2", "%2F", "%ZZ", ""]).prop_map(String::from),
                "[a-z0-9%:]{0,12}",
            ],
            0..6,
        ),
        query in prop::collection::vec(("[a-zA-Z]{0,12}", "[a-z0-9%&=]{0,8}"), 0..5),
        body in body(),
        signed in prop::sample::select(vec![None, Some(ServiceId::GuardDuty), Some(ServiceId::SecurityHub)]),
    ) {
        let path = format!("/{}", segments.join("/"));
        let query: String = query.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
        let headers = HeaderMap::new();
        let body = bytes::Bytes::from(body);
        let request = WireRequest { method, path: &path, query: &query, headers: &headers, body: &body, virtual_host_bases: &[] };
        let _ = rest_json::decode(&request, signed);
        // The same shapes as S3 requests (rest-xml: sub-resources, keys, XML bodies).
        let _ = rest_xml::decode(&request);
    }

    #[test]
    fn aws_query_decodes_or_refuses(
        keys in prop::collection::vec(
            prop_oneof![
                prop::collection::vec(
                    prop::sample::select(vec!["member", "entry", "1", "2", "0", "key", "value", "Tags", "Key", "", "99999999999999999999"]),
                    1..40,
                ).prop_map(|parts| parts.join(".")),
                (1usize..3000).prop_map(|n| vec!["a"; n].join(".")),
                ".{0,30}",
            ],
            0..8,
        ),
        values in prop::collection::vec(".{0,10}", 8),
        action in operation(),
        in_query in any::<bool>(),
    ) {
        let mut form = form_urlencoded::Serializer::new(String::new());
        form.append_pair("Action", &action);
        for (key, value) in keys.iter().zip(values.iter().cycle()) {
            form.append_pair(key, value);
        }
        let form = form.finish();
        let headers = headers(&[("content-type", "application/x-www-form-urlencoded".to_string())]);
        let (query, body) = if in_query { (form.as_str(), "") } else { ("", form.as_str()) };
        let body = bytes::Bytes::copy_from_slice(body.as_bytes());
        let request = WireRequest { method: "POST", path: "/", query, headers: &headers, body: &body, virtual_host_bases: &[] };
        let _ = ec2::decode(&request);
        for signing in [None, Some(ServiceId::Sts), Some(ServiceId::Iam)] {
            if let Ok(decoded) = aws_query::decode(&request, signing) {
                prop_assert!(depth(&decoded.input) <= MAX_INPUT_DEPTH);
            }
        }
    }

    #[test]
    fn the_credential_scope_parses_or_refuses(
        parts in prop::collection::vec(
            prop_oneof![
                prop::sample::select(vec!["AWS4-HMAC-SHA256", " ", "Credential=", "/", ",", "aws4_request", "SignedHeaders=", "111111111111", "us-east-1", "sts", "="]).prop_map(String::from),
                "[ -~]{0,12}",
            ],
            0..20,
        ),
        presigned in "[ -~]{0,60}",
    ) {
        let authorization = parts.concat();
        let with_header = headers(&[("authorization", authorization.clone())]);
        if let Ok(Some(scope)) = credential_scope(&with_header, "") {
            prop_assert!(!scope.access_key_id.is_empty());
        }
        let query = format!("X-Amz-Credential={presigned}");
        let _ = credential_scope(&HeaderMap::new(), &query);
    }

    #[test]
    fn policies_parse_or_refuse(
        document in prop_oneof![
            json_value().prop_map(|v| v.to_string()),
            deep_text(),
            policy_like(),
            ".{0,64}",
        ],
    ) {
        for dialect in [Dialect::Identity, Dialect::ServiceControlPolicy, Dialect::ResourceControlPolicy] {
            let _ = parse(&document, dialect);
        }
    }
}

/// Documents close to real policies, with elements and values picked to hit the
/// grammar's branches (conditions, wildcards, principals, odd types).
fn policy_like() -> impl Strategy<Value = String> {
    let scalar = prop_oneof![
        prop::sample::select(vec![
            "*",
            "s3:*",
            "sts:AssumeRole",
            "arn:aws:iam::*:role/*",
            "Allow",
            "Deny",
            "2012-10-17",
            "aws:PrincipalArn",
            "true",
            ""
        ])
        .prop_map(serde_json::Value::from),
        any::<i32>().prop_map(serde_json::Value::from),
        any::<bool>().prop_map(serde_json::Value::from),
    ];
    let value = prop_oneof![
        scalar.clone(),
        prop::collection::vec(scalar.clone(), 0..3).prop_map(serde_json::Value::from),
        json_value(),
    ];
    let operator = prop::sample::select(vec![
        "StringEquals",
        "StringNotLike",
        "ArnLike",
        "NumericLessThan",
        "DateGreaterThan",
        "Bool",
        "IpAddress",
        "Null",
        "ForAnyValue:StringEquals",
        "ForAllValues:StringLikeIfExists",
        "BinaryEquals",
        "Bogus",
    ]);
    let condition = prop::collection::btree_map(
        operator,
        prop::collection::btree_map(
            prop::sample::select(vec![
                "aws:PrincipalArn",
                "aws:RequestedRegion",
                "aws:SourceIp",
                "aws:CurrentTime",
                "aws:PrincipalTag/team",
            ]),
            value.clone(),
            0..3,
        ),
        0..3,
    );
    let element = prop::sample::select(vec![
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Sid",
        "Bogus",
    ]);
    let statement = (
        prop::collection::btree_map(element, value, 0..6),
        prop::option::of(condition),
    )
        .prop_map(|(elements, condition)| {
            let mut s: serde_json::Map<String, serde_json::Value> = elements
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect();
            if let Some(c) = condition {
                s.insert("Condition".into(), serde_json::to_value(c).unwrap());
            }
            serde_json::Value::Object(s)
        });
    (
        prop::option::of(prop::sample::select(vec!["2012-10-17", "2008-10-17", "1"])),
        prop::collection::vec(statement, 0..4),
        any::<bool>(),
    )
        .prop_map(|(version, statements, as_object)| {
            let mut doc = serde_json::Map::new();
            if let Some(v) = version {
                doc.insert("Version".into(), v.into());
            }
            let statement = match (as_object, statements.first()) {
                (true, Some(first)) => first.clone(),
                _ => serde_json::Value::from(statements),
            };
            doc.insert("Statement".into(), statement);
            serde_json::Value::Object(doc).to_string()
        })
}

/// The two YAML readers (scenario files, Config conformance-pack templates) refuse
/// nesting thousands of levels deep instead of recursing into it.
#[test]
fn deep_yaml_is_refused_not_recursed_into() {
    for levels in [100, 10_000] {
        let flow = format!("{}1{}", "[".repeat(levels), "]".repeat(levels));
        let block: String = (0..levels.min(2000))
            .map(|i| format!("{}a:\n", " ".repeat(i)))
            .collect();
        for text in [format!("name: x\nsteps: {flow}\n"), block.clone()] {
            assert!(orgsim::scenario::parse("deep.yaml", &text).is_err());
        }
        for body in [format!("Resources: {flow}\n"), block] {
            assert!(
                orgsim::services::config::conformance_template::parse_template(&body, &[]).is_err()
            );
        }
    }
}
