//! awsJson1.1: `POST /`, `X-Amz-Target: <Prefix>.<Operation>`, JSON body in member names.

use axum::body::Body;
use axum::http::Response;
use serde_json::Value;

use super::{respond, serialization_error, DecodeFailure, Decoded, Protocol, WireRequest};
use crate::api::{ApiError, ServiceId};

pub fn decode(request: &WireRequest<'_>) -> Result<Decoded, DecodeFailure> {
    let target = request.header("x-amz-target").unwrap_or("");
    let fail = |service, error| DecodeFailure {
        protocol: Protocol::AwsJson,
        service,
        error,
    };
    let (prefix, operation) = target.rsplit_once('.').unwrap_or((target, ""));
    let service = ServiceId::ALL
        .iter()
        .copied()
        .find(|s| {
            // The full Smithy shape id (`com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101`)
            // or its last segment, which AWS's Rust SDK sends for CloudTrail.
            s.json_target_prefix().is_some_and(|p| {
                p == prefix || p.rsplit_once('.').is_some_and(|(_, short)| short == prefix)
            })
        })
        .ok_or_else(|| fail(None, unknown_operation(target)))?;
    if !service.has_operation(operation) {
        return Err(fail(Some(service), unknown_operation(target)));
    }
    let input = parse_body(request.body).map_err(|e| fail(Some(service), e))?;
    Ok(Decoded {
        service,
        operation: operation.to_string(),
        input,
        success_status: 200,
        payload: Default::default(),
    })
}

fn unknown_operation(target: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        400,
        format!("The X-Amz-Target '{target}' does not name an operation of any API orgsim serves."),
    )
}

/// An empty body is an empty input (SDKs send `{}`, some send nothing).
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(Value::Object(map)),
        Ok(_) => Err(serialization_error(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(serialization_error(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

pub fn encode_output(output: &Value, request_id: &str) -> Response<Body> {
    respond(
        200,
        "application/x-amz-json-1.1",
        serde_json::to_vec(output).unwrap_or_default(),
        request_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderMap;
    use serde_json::json;

    fn decode_with(target: &str, body: &str) -> Result<Decoded, DecodeFailure> {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-target", target.parse().unwrap());
        headers.insert(
            "content-type",
            "application/x-amz-json-1.1".parse().unwrap(),
        );
        decode(&WireRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: &bytes::Bytes::copy_from_slice(body.as_bytes()),
            virtual_host_bases: &[],
        })
    }

    /// target, body → service, operation, input.
    type RequestVector = (&'static str, &'static str, ServiceId, &'static str, Value);

    /// Smithy-style vectors: (target, body) → (service, operation, input) or error code.
    #[test]
    fn request_vectors() {
        let ok: &[RequestVector] = &[
            (
                "AWSOrganizationsV20161128.DescribeOrganization",
                "{}",
                ServiceId::Organizations,
                "DescribeOrganization",
                json!({}),
            ),
            (
                "AWSOrganizationsV20161128.DescribeOrganization",
                "",
                ServiceId::Organizations,
                "DescribeOrganization",
                json!({}),
            ),
            (
                "AWSOrganizationsV20161128.CreateAccount",
                r#"{"Email":"a@b.co","AccountName":"x"}"#,
                ServiceId::Organizations,
                "CreateAccount",
                json!({"Email":"a@b.co","AccountName":"x"}),
            ),
            (
                "StarlingDoveService.DescribeConfigRules",
                "{ }",
                ServiceId::Config,
                "DescribeConfigRules",
                json!({}),
            ),
        ];
        for (target, body, service, op, input) in ok {
            let d = decode_with(target, body).unwrap();
            assert_eq!(
                (d.service, d.operation.as_str(), &d.input),
                (*service, *op, input),
                "{target}"
            );
        }
        let bad: &[(&str, &str, &str)] = &[
            (
                "AWSOrganizationsV20161128.NoSuchThing",
                "{}",
                "UnknownOperationException",
            ),
            (
                "NoSuchService.DescribeOrganization",
                "{}",
                "UnknownOperationException",
            ),
            ("", "{}", "UnknownOperationException"),
            (
                "AWSOrganizationsV20161128.DescribeOrganization",
                "{not json",
                "SerializationException",
            ),
            (
                "AWSOrganizationsV20161128.DescribeOrganization",
                "[1,2]",
                "SerializationException",
            ),
        ];
        for (target, body, code) in bad {
            let e = decode_with(target, body).unwrap_err();
            assert_eq!(e.error.code, *code, "{target} {body}");
            assert_eq!(e.error.status, 400);
        }
    }
}
