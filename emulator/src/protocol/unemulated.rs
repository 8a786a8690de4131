//! Every AWS service orgsim does not emulate answers HTTP 501 `NotImplemented`, naming
//! the service and the operation, in that service's own wire format — so an SDK raises
//! its typed error with code `NotImplemented` (and does not retry: SDKs retry 500, 502,
//! 503 and 504, not 501).
//!
//! The service is told by the SigV4 signing name; unsigned requests by the
//! `X-Amz-Target` prefix, the RPC v2 path, `Action` + `Version`, or the `Host` prefix.
//! The operation comes from the request itself, or for the REST protocols from the
//! method and URI templates of [`crate::catalog`].

use axum::body::Body;
use axum::http::Response;

use super::rest_xml::ErrorStyle;
use super::{aws_query, ec2, json_error, rest_xml, rpc_v2_cbor, WireRequest};
use crate::api::{ApiError, ServiceId};
use crate::catalog::{catalog, ModelProtocol, ModelService, RestRequest};

/// A request for a service orgsim does not emulate.
#[derive(Debug)]
pub struct Unemulated {
    pub service: &'static ModelService,
    /// The operation, when the request names one (REST: when a template matches).
    pub operation: Option<String>,
    /// The protocol the answer is written in.
    pub protocol: ModelProtocol,
}

/// What the request's own shape says about its protocol.
enum Shape {
    /// `/service/<Service>/operation/<Operation>` with `smithy-protocol: rpc-v2-cbor`.
    Cbor { service: String, operation: String },
    /// `X-Amz-Target: <prefix>.<Operation>`.
    Json { prefix: String, operation: String },
    /// A form with `Action` (and usually `Version`).
    Query {
        action: String,
        version: Option<String>,
    },
    /// Anything else: a REST request.
    Rest,
}

impl Shape {
    fn of(request: &WireRequest<'_>) -> Shape {
        if request.header("smithy-protocol") == Some("rpc-v2-cbor") {
            if let Some((service, operation)) = rpc_v2_cbor::path_names(request.path) {
                return Shape::Cbor {
                    service: service.to_string(),
                    operation: operation.to_string(),
                };
            }
        }
        if let Some(target) = request.header("x-amz-target") {
            let (prefix, operation) = target.rsplit_once('.').unwrap_or((target, ""));
            return Shape::Json {
                prefix: prefix.to_string(),
                operation: operation.to_string(),
            };
        }
        if super::sniff(request.headers, request.query) == super::Protocol::AwsQuery {
            let mut pairs: Vec<(String, String)> = form_urlencoded::parse(request.query.as_bytes())
                .into_owned()
                .collect();
            pairs.extend(form_urlencoded::parse(request.body).into_owned());
            let field = |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.clone())
            };
            if let Some(action) = field("Action") {
                return Shape::Query {
                    action,
                    version: field("Version"),
                };
            }
        }
        Shape::Rest
    }
}

/// The unemulated service a request is for, or `None` when it is for a service orgsim
/// emulates (or for nothing the catalog knows: the emulated path answers those).
pub fn identify(request: &WireRequest<'_>, signing_name: Option<&str>) -> Option<Unemulated> {
    let emulated_signing = |name: &str| ServiceId::from_signing_name(name).is_some();
    // S3 Control signs as `s3` too; its paths are versioned (`/v20180820/...`).
    let s3_control = signing_name == Some("s3") && request.path.starts_with("/v20180820/");
    // The emulated services' requests (nearly all) leave here, before any parsing.
    if signing_name.is_some_and(emulated_signing) && !s3_control {
        return None;
    }
    let shape = Shape::of(request);
    let candidates: Vec<&'static ModelService> = match (signing_name, &shape) {
        (Some(name), _) if s3_control => catalog()
            .by_signing_name(name)
            .into_iter()
            .filter(|s| s.name == "s3control")
            .collect(),
        (Some(name), _) => catalog().by_signing_name(name),
        (None, Shape::Cbor { service, .. }) => {
            if ServiceId::ALL.iter().any(|s| {
                s.cbor_timestamp_members().is_some()
                    && s.json_target_prefix()
                        .is_some_and(|p| p.rsplit('.').next() == Some(service.as_str()))
            }) {
                return None;
            }
            catalog().by_target_prefix(service).into_iter().collect()
        }
        (None, Shape::Json { prefix, .. }) => {
            if ServiceId::ALL
                .iter()
                .any(|s| s.json_target_prefix() == Some(prefix.as_str()))
            {
                return None;
            }
            catalog().by_target_prefix(prefix).into_iter().collect()
        }
        (None, Shape::Query { version, .. }) => {
            let version = version.as_deref()?;
            if ServiceId::ALL.iter().any(|s| {
                s.query_version().map(|(v, _)| v) == Some(version)
                    || s.ec2_version().map(|(v, _)| v) == Some(version)
            }) {
                return None;
            }
            catalog().by_api_version(version)
        }
        (None, Shape::Rest) => {
            let host = request.header("host").unwrap_or("");
            let prefix = host.split(['.', ':']).next().unwrap_or("");
            if prefix.is_empty() || emulated_signing(prefix) {
                return None;
            }
            catalog().by_endpoint_prefix(prefix)
        }
    };
    let first = *candidates.first()?;
    Some(match shape {
        Shape::Cbor { service, operation } => {
            let chosen = candidates
                .iter()
                .copied()
                .find(|s| {
                    s.target_prefix
                        .as_deref()
                        .is_some_and(|t| t.rsplit('.').next() == Some(service.as_str()))
                })
                .unwrap_or(first);
            Unemulated {
                service: chosen,
                operation: Some(operation),
                protocol: ModelProtocol::RpcV2Cbor,
            }
        }
        Shape::Json { prefix, operation } => {
            let chosen = candidates
                .iter()
                .copied()
                .find(|s| s.target_prefix.as_deref() == Some(prefix.as_str()))
                .or_else(|| {
                    candidates
                        .iter()
                        .copied()
                        .find(|s| s.speaks(ModelProtocol::Json))
                })
                .unwrap_or(first);
            // The client spoke awsJson: it reads an awsJson answer.
            Unemulated {
                service: chosen,
                operation: Some(operation),
                protocol: ModelProtocol::Json,
            }
        }
        Shape::Query { action, version } => {
            let chosen = candidates
                .iter()
                .copied()
                .find(|s| s.api_version.is_some() && s.api_version == version)
                .or_else(|| candidates.iter().copied().find(|s| s.api_version.is_some()))
                .unwrap_or(first);
            // A query-shaped request reads a query answer, even from a service whose
            // current model lists only awsJson (SQS still takes both).
            let protocol = if chosen.speaks(ModelProtocol::Ec2) {
                ModelProtocol::Ec2
            } else {
                ModelProtocol::Query
            };
            Unemulated {
                service: chosen,
                operation: Some(action),
                protocol,
            }
        }
        Shape::Rest => rest(request, &candidates, first),
    })
}

/// The REST candidate whose templates match best (S3 Control's `/v20180820/…` beats
/// S3's `/{Bucket}/{Key+}`; both sign as `s3`).
fn rest(
    request: &WireRequest<'_>,
    candidates: &[&'static ModelService],
    first: &'static ModelService,
) -> Unemulated {
    let has_header = |name: &str| request.headers.contains_key(name);
    let rest_request = RestRequest {
        method: request.method,
        path: request.path,
        query: request.query,
        has_header: &has_header,
    };
    let best = candidates
        .iter()
        .copied()
        .filter(|s| s.speaks(ModelProtocol::RestJson) || s.speaks(ModelProtocol::RestXml))
        .filter_map(|s| s.rest_match(&rest_request).map(|(score, o)| (score, s, o)))
        .max_by_key(|(score, _, _)| *score);
    let (service, operation) = match best {
        Some((_, service, operation)) => (service, Some(operation.name.clone())),
        None => (first, None),
    };
    let protocol = if service.speaks(ModelProtocol::RestJson) {
        ModelProtocol::RestJson
    } else if service.speaks(ModelProtocol::RestXml) {
        ModelProtocol::RestXml
    } else {
        service.preferred_protocol()
    };
    Unemulated {
        service,
        operation,
        protocol,
    }
}

impl Unemulated {
    /// `NotImplemented` (501), naming the service and the operation (or the request
    /// line, when no operation's template matches it).
    pub fn error(&self, request: &WireRequest<'_>) -> ApiError {
        let what = match &self.operation {
            Some(operation) => operation.clone(),
            None => format!("{} {}", request.method, request.path),
        };
        ApiError::new(
            "NotImplemented",
            501,
            format!(
                "orgsim does not emulate {} ({}): {what} is not implemented",
                self.service.full_name, self.service.name
            ),
        )
    }

    /// The 501 in the service's wire format.
    pub fn respond(&self, request: &WireRequest<'_>, request_id: &str) -> Response<Body> {
        let error = self.error(request);
        let service = self.service;
        match self.protocol {
            ModelProtocol::Json => {
                let content_type = match service.json_version.as_deref() {
                    Some("1.0") => "application/x-amz-json-1.0",
                    _ => "application/x-amz-json-1.1",
                };
                json_error(&error, request_id, content_type)
            }
            ModelProtocol::RestJson | ModelProtocol::Unknown => {
                json_error(&error, request_id, "application/json")
            }
            ModelProtocol::Query => aws_query::encode_error_in(
                service.xml_namespace.as_deref().unwrap_or_default(),
                &error,
                request_id,
            ),
            ModelProtocol::Ec2 => ec2::encode_error(&error, request_id),
            ModelProtocol::RestXml => {
                let style = if service.name == "s3" {
                    ErrorStyle::S3
                } else {
                    ErrorStyle::ErrorResponse
                };
                rest_xml::encode_error_document(style, &error, request_id)
            }
            ModelProtocol::RpcV2Cbor => rpc_v2_cbor::encode_error(&error, request_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;

    fn identify_with(
        signing: Option<&str>,
        headers: &[(&'static str, &str)],
        method: &str,
        path_and_query: &str,
        body: &str,
    ) -> Option<(String, Option<String>, ModelProtocol)> {
        let mut map = HeaderMap::new();
        for (k, v) in headers {
            map.insert(*k, v.parse().unwrap());
        }
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        identify(
            &WireRequest {
                method,
                path,
                query,
                headers: &map,
                body: &bytes::Bytes::copy_from_slice(body.as_bytes()),
                virtual_host_bases: &[],
            },
            signing,
        )
        .map(|u| (u.service.name.clone(), u.operation, u.protocol))
    }

    const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded");

    /// signing name, headers, method, path, body → (service, operation, answer protocol).
    type Vector = (
        Option<&'static str>,
        Vec<(&'static str, &'static str)>,
        &'static str,
        &'static str,
        &'static str,
        (&'static str, Option<&'static str>, ModelProtocol),
    );

    #[test]
    fn services_and_operations_are_named() {
        use ModelProtocol::*;
        let cases: Vec<Vector> = vec![
            (
                Some("dynamodb"),
                vec![("x-amz-target", "DynamoDB_20120810.PutItem")],
                "POST",
                "/",
                "{}",
                ("dynamodb", Some("PutItem"), Json),
            ),
            (
                Some("sqs"),
                vec![("x-amz-target", "AmazonSQS.SendMessage")],
                "POST",
                "/",
                "{}",
                ("sqs", Some("SendMessage"), Json),
            ),
            (
                Some("sqs"),
                vec![FORM],
                "POST",
                "/",
                "Action=SendMessage&Version=2012-11-05",
                ("sqs", Some("SendMessage"), Query),
            ),
            (
                Some("sns"),
                vec![FORM],
                "POST",
                "/",
                "Action=Publish&Version=2010-03-31",
                ("sns", Some("Publish"), Query),
            ),
            (
                Some("rds"),
                vec![FORM],
                "POST",
                "/",
                "Action=DescribeDBInstances&Version=2014-10-31",
                ("rds", Some("DescribeDBInstances"), Query),
            ),
            (
                Some("monitoring"),
                vec![("smithy-protocol", "rpc-v2-cbor")],
                "POST",
                "/service/GraniteServiceVersion20100801/operation/ListMetrics",
                "",
                ("cloudwatch", Some("ListMetrics"), RpcV2Cbor),
            ),
            (
                Some("lambda"),
                vec![],
                "GET",
                "/2015-03-31/functions",
                "",
                ("lambda", Some("ListFunctions"), RestJson),
            ),
            (
                Some("s3"),
                vec![("x-amz-account-id", "111111111111")],
                "GET",
                "/v20180820/configuration/publicAccessBlock",
                "",
                ("s3control", Some("GetPublicAccessBlock"), RestXml),
            ),
            (
                Some("route53"),
                vec![],
                "GET",
                "/2013-04-01/hostedzone",
                "",
                ("route53", Some("ListHostedZones"), RestXml),
            ),
            (
                Some("lambda"),
                vec![],
                "PATCH",
                "/nowhere",
                "",
                ("lambda", None, RestJson),
            ),
            // unsigned: the routing keys
            (
                None,
                vec![("x-amz-target", "DynamoDB_20120810.GetItem")],
                "POST",
                "/",
                "{}",
                ("dynamodb", Some("GetItem"), Json),
            ),
            (
                None,
                vec![FORM],
                "POST",
                "/",
                "Action=Publish&Version=2010-03-31",
                ("sns", Some("Publish"), Query),
            ),
            (
                None,
                vec![("host", "lambda.us-east-1.amazonaws.com")],
                "GET",
                "/2015-03-31/functions",
                "",
                ("lambda", Some("ListFunctions"), RestJson),
            ),
        ];
        for (signing, headers, method, path, body, (service, operation, protocol)) in cases {
            assert_eq!(
                identify_with(signing, &headers, method, path, body),
                Some((service.to_string(), operation.map(str::to_string), protocol)),
                "{signing:?} {method} {path} {body}"
            );
        }
    }

    #[test]
    fn emulated_and_unknown_services_are_left_to_the_emulated_path() {
        let json = [("x-amz-target", "AWSOrganizationsV20161128.ListRoots")];
        assert_eq!(
            identify_with(Some("organizations"), &json, "POST", "/", "{}"),
            None
        );
        assert_eq!(identify_with(None, &json, "POST", "/", "{}"), None);
        let form = [FORM];
        let sts = "Action=GetCallerIdentity&Version=2011-06-15";
        assert_eq!(identify_with(None, &form, "POST", "/", sts), None);
        assert_eq!(
            identify_with(Some("no-such-service"), &[], "GET", "/", ""),
            None
        );
        assert_eq!(
            identify_with(None, &[("host", "127.0.0.1:4566")], "GET", "/x", ""),
            None
        );
    }
}
