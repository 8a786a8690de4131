//! restJson1: the operation is the HTTP method + path template; input members come
//! from URI labels, the query string and the JSON body, each under its wire name.

use axum::body::Body;
use axum::http::Response;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

use super::{respond, serialization_error, DecodeFailure, Decoded, Protocol, WireRequest};
use crate::api::{ApiError, ServiceId};

/// One operation's HTTP binding (generated from the API model).
#[derive(Debug)]
pub struct RestRoute {
    pub operation: &'static str,
    pub method: &'static str,
    /// Path template: literal segments, `{Label}` and a final greedy `{Label+}`.
    pub path: &'static str,
    /// Success status code.
    pub status: u16,
    pub query: &'static [QueryParam],
}

/// A member bound to a query-string key.
#[derive(Debug)]
pub struct QueryParam {
    pub key: &'static str,
    pub kind: ParamKind,
}

/// How a query-string value becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    String,
    Integer,
    Double,
    Boolean,
    StringList,
}

/// Label values captured by a template match, plus how specific the match was.
struct RouteMatch<'r> {
    route: &'r RestRoute,
    labels: Vec<(&'static str, String)>,
    literal_segments: usize,
}

/// Matches a raw path against a route's template.
fn match_template<'r>(route: &'r RestRoute, raw_path: &str) -> Option<RouteMatch<'r>> {
    let (labels, literal_segments) = match_path(route.path, raw_path)?;
    Some(RouteMatch {
        route,
        labels,
        literal_segments,
    })
}

/// Matches a raw path against a path template (literal segments, `{Label}`, a final
/// greedy `{Label+}`): the decoded label values and the number of literal segments.
/// Segments are split before decoding so an encoded `/` (`%2F`) inside a label stays
/// in the label.
pub(crate) fn match_path<'t>(
    template: &'t str,
    raw_path: &str,
) -> Option<(Vec<(&'t str, String)>, usize)> {
    let template: Vec<&'t str> = template.trim_start_matches('/').split('/').collect();
    let segments: Vec<&str> = raw_path.trim_start_matches('/').split('/').collect();
    let mut labels = Vec::new();
    let mut literal_segments = 0;
    for (i, part) in template.iter().enumerate() {
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix("+}")) {
            let rest = segments.get(i..)?.join("/");
            if rest.is_empty() {
                return None;
            }
            labels.push((name, decode_segment(&rest)?));
            return Some((labels, literal_segments));
        }
        let segment = segments.get(i)?;
        if let Some(name) = part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            if segment.is_empty() {
                return None;
            }
            labels.push((name, decode_segment(segment)?));
        } else if part == segment {
            literal_segments += 1;
        } else {
            return None;
        }
    }
    (segments.len() == template.len()).then_some((labels, literal_segments))
}

fn decode_segment(raw: &str) -> Option<String> {
    percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The most specific route of `service` for this method and path (literal segments
/// beat labels: `/automationrulesv2/list` over `/automationrulesv2/{Identifier}`).
fn find_route<'r>(service: ServiceId, method: &str, raw_path: &str) -> Option<RouteMatch<'r>> {
    service
        .rest_routes()
        .iter()
        .filter(|r| r.method.eq_ignore_ascii_case(method))
        .filter_map(|r| match_template(r, raw_path))
        .max_by_key(|m| m.literal_segments)
}

pub fn decode(
    request: &WireRequest<'_>,
    signing_service: Option<ServiceId>,
) -> Result<Decoded, DecodeFailure> {
    let path = if request.path.is_empty() {
        "/"
    } else {
        request.path
    };
    let rest_services = ServiceId::ALL
        .iter()
        .copied()
        .filter(|s| s.protocol() == Protocol::RestJson);
    let candidates: Vec<ServiceId> = match signing_service {
        Some(s) if s.protocol() == Protocol::RestJson => vec![s],
        _ => rest_services.collect(),
    };
    let mut matches: Vec<(ServiceId, RouteMatch)> = candidates
        .into_iter()
        .filter_map(|s| find_route(s, request.method, path).map(|m| (s, m)))
        .collect();
    // Unsigned `/tags/{ResourceArn}`: the ARN names the service (CATALOG §3).
    if matches.len() > 1 {
        let decoded_path = decode_segment(path).unwrap_or_default();
        matches.retain(|(s, _)| decoded_path.contains(&format!(":{}:", s.signing_name())));
    }
    let Some((service, found)) = matches.into_iter().next() else {
        return Err(DecodeFailure {
            protocol: Protocol::RestJson,
            service: signing_service,
            error: ApiError::new(
                "UnknownOperationException",
                404,
                format!(
                    "No operation matches {} {}",
                    request.method,
                    decode_segment(path).unwrap_or_else(|| path.to_string())
                ),
            ),
        });
    };
    let fail = |error| DecodeFailure {
        protocol: Protocol::RestJson,
        service: Some(service),
        error,
    };
    let mut input = match super::aws_json::parse_body(request.body) {
        Ok(Value::Object(map)) => map,
        Ok(_) => Map::new(),
        Err(e) => return Err(fail(e)),
    };
    bind_query(found.route, request.query, &mut input).map_err(fail)?;
    for (name, value) in found.labels {
        input.insert(name.to_string(), Value::String(value));
    }
    Ok(Decoded {
        service,
        operation: found.route.operation.to_string(),
        input: Value::Object(input),
        success_status: found.route.status,
        payload: Default::default(),
    })
}

/// Puts the route's query-string members into the input, typed by the model.
fn bind_query(
    route: &RestRoute,
    query: &str,
    input: &mut Map<String, Value>,
) -> Result<(), ApiError> {
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let Some(param) = route.query.iter().find(|p| p.key == key) else {
            continue; // AWS ignores query keys the operation does not bind.
        };
        let bad = || {
            serialization_error(format!(
                "Query parameter '{key}' has an invalid value '{value}'."
            ))
        };
        let json = match param.kind {
            ParamKind::String => Value::String(value.to_string()),
            ParamKind::Integer => Value::from(value.parse::<i64>().map_err(|_| bad())?),
            ParamKind::Double => value
                .parse::<f64>()
                .ok()
                .and_then(|f| serde_json::Number::from_f64(f).map(Value::Number))
                .ok_or_else(bad)?,
            ParamKind::Boolean => Value::Bool(match value.as_ref() {
                "true" => true,
                "false" => false,
                _ => return Err(bad()),
            }),
            ParamKind::StringList => {
                let entry = input
                    .entry(param.key.to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = entry {
                    items.push(Value::String(value.to_string()));
                }
                continue;
            }
        };
        input.insert(param.key.to_string(), json);
    }
    Ok(())
}

pub fn encode_output(status: u16, output: &Value, request_id: &str) -> Response<Body> {
    let empty = matches!(output, Value::Null) || output.as_object().is_some_and(Map::is_empty);
    let body = if empty && status == 204 {
        Vec::new()
    } else {
        serde_json::to_vec(output).unwrap_or_default()
    };
    respond(status, "application/json", body, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn decode_rest(
        method: &str,
        path_and_query: &str,
        body: &str,
        signing: Option<ServiceId>,
    ) -> Result<Decoded, DecodeFailure> {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let headers = HeaderMap::new();
        decode(
            &WireRequest {
                method,
                path,
                query,
                headers: &headers,
                body: &bytes::Bytes::copy_from_slice(body.as_bytes()),
                virtual_host_bases: &[],
            },
            signing,
        )
    }

    /// method, path?query, body, signing service → service, operation, bound input.
    type RequestVector = (
        &'static str,
        &'static str,
        &'static str,
        Option<ServiceId>,
        ServiceId,
        &'static str,
        Value,
    );

    /// Smithy-style vectors: request line + body → operation and bound input.
    #[test]
    fn request_vectors() {
        use ServiceId::*;
        let cases: &[RequestVector] = &[
            ("POST", "/detector", r#"{"enable":true}"#, Some(GuardDuty), GuardDuty, "CreateDetector", json!({"enable": true})),
            ("GET", "/detector/abc123", "", Some(GuardDuty), GuardDuty, "GetDetector", json!({"DetectorId": "abc123"})),
            // query-string members typed by the model; unknown keys ignored
            ("GET", "/detector/d1/member?maxResults=25&onlyAssociated=false&junk=1", "", Some(GuardDuty), GuardDuty, "ListMembers",
             json!({"maxResults": 25, "onlyAssociated": "false", "DetectorId": "d1"})),
            // percent-decoded label: an ARN with an encoded ':' and '/'
            ("GET", "/tags/arn%3Aaws%3Aguardduty%3Aus-east-1%3A111111111111%3Adetector%2Fd1", "", Some(GuardDuty), GuardDuty, "ListTagsForResource",
             json!({"ResourceArn": "arn:aws:guardduty:us-east-1:111111111111:detector/d1"})),
            // unsigned /tags: the ARN picks the service
            ("GET", "/tags/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A111111111111%3Ahub%2Fdefault", "", None, SecurityHub, "ListTagsForResource",
             json!({"ResourceArn": "arn:aws:securityhub:us-east-1:111111111111:hub/default"})),
            // list-valued query member, repeated key
            ("DELETE", "/tags/arn%3Aaws%3Asecurityhub%3Aus-east-1%3A1%3Ahub%2Fdefault?tagKeys=a&tagKeys=b%20c", "", Some(SecurityHub), SecurityHub, "UntagResource",
             json!({"tagKeys": ["a", "b c"], "ResourceArn": "arn:aws:securityhub:us-east-1:1:hub/default"})),
            // greedy label keeps its slashes
            ("GET", "/standards/controls/arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0?MaxResults=5", "", Some(SecurityHub), SecurityHub, "DescribeStandardsControls",
             json!({"MaxResults": 5, "StandardsSubscriptionArn": "arn:aws:securityhub:us-east-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0"})),
            // literal segment beats a label
            ("GET", "/automationrulesv2/list", "", Some(SecurityHub), SecurityHub, "ListAutomationRulesV2", json!({})),
            ("GET", "/automationrulesv2/rule-1", "", Some(SecurityHub), SecurityHub, "GetAutomationRuleV2", json!({"Identifier": "rule-1"})),
            // boolean query member
            ("GET", "/accounts?HubArn=arn%3Ax", "", Some(SecurityHub), SecurityHub, "DescribeHub", json!({"HubArn": "arn:x"})),
        ];
        for (method, path, body, signing, service, op, input) in cases {
            let d = decode_rest(method, path, body, *signing)
                .unwrap_or_else(|e| panic!("{method} {path}: {:?}", e.error));
            assert_eq!(
                (d.service, d.operation.as_str()),
                (*service, *op),
                "{method} {path}"
            );
            assert_eq!(&d.input, input, "{method} {path}");
        }
    }

    #[test]
    fn success_status_comes_from_the_model() {
        let d = decode_rest(
            "POST",
            "/tags/arn%3Aaws%3Aguardduty%3Aus-east-1%3A1%3Adetector%2Fd",
            "{}",
            Some(ServiceId::GuardDuty),
        )
        .unwrap();
        assert_eq!(
            (d.operation.as_str(), d.success_status),
            ("TagResource", 204)
        );
    }

    #[test]
    fn error_vectors() {
        let cases: &[(&str, &str, &str, &str, u16)] = &[
            (
                "GET",
                "/no/such/route",
                "",
                "UnknownOperationException",
                404,
            ),
            ("PATCH", "/detector", "", "UnknownOperationException", 404),
            ("POST", "/detector", "{oops", "SerializationException", 400),
            (
                "GET",
                "/detector/d1/member?maxResults=many",
                "",
                "SerializationException",
                400,
            ),
        ];
        for (method, path, body, code, status) in cases {
            let e = decode_rest(method, path, body, Some(ServiceId::GuardDuty)).unwrap_err();
            assert_eq!(
                (e.error.code.as_str(), e.error.status),
                (*code, *status),
                "{method} {path}"
            );
        }
    }
}
