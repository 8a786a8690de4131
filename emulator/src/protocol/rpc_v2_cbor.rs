//! Smithy RPC v2 CBOR (`POST /service/<Service>/operation/<Operation>`, header
//! `smithy-protocol: rpc-v2-cbor`, bodies in CBOR, RFC 8949). Requests become the same
//! `(service, operation, JSON input)` the JSON protocols produce, so a service's handlers
//! never know which encoding the caller chose: an API whose wire is
//! [`Wire::JsonOrCbor`](crate::api::Wire) answers each request in the encoding it came in.
//!
//! The mapping between CBOR and the JSON value, as awsJson1.1 would carry it:
//! text → string, integer and float → number, byte string → base64 string (a blob),
//! tag 1 (epoch seconds) → number, map → object, array → array, null → null (other
//! tags are refused: no emulated API has a shape that uses them). Output
//! timestamps are numbers in JSON; CBOR tags them, so the encoder is told which member
//! names are timestamps. Errors are a CBOR map with `__type` and `message`, as
//! botocore's `RpcV2CBORParser` and the Rust SDK read them. The services orgsim does not
//! emulate answer 501 in this format too.

use axum::body::Body;
use axum::http::{HeaderValue, Response};
use base64::Engine as _;
use ciborium::value::Value as Cbor;
use serde_json::{Map, Number, Value};

use super::{respond, serialization_error, DecodeFailure, Decoded, Protocol, WireRequest};
use crate::api::{ApiError, ServiceId};

/// CBOR tag 1: a timestamp in epoch seconds.
const EPOCH_SECONDS_TAG: u64 = 1;

/// Whether a request speaks RPC v2 CBOR (the header alone decides, as Smithy says).
pub fn is_request(request: &WireRequest<'_>) -> bool {
    request.header("smithy-protocol") == Some("rpc-v2-cbor")
}

/// Decodes an RPC v2 CBOR request for an emulated API that speaks it.
pub fn decode(
    request: &WireRequest<'_>,
    signing_service: Option<ServiceId>,
) -> Result<Decoded, DecodeFailure> {
    let fail = |service, error| DecodeFailure {
        protocol: Protocol::RpcV2Cbor,
        service,
        error,
    };
    let Some((service_name, operation)) = path_names(request.path) else {
        return Err(fail(signing_service, unknown_operation(request.path)));
    };
    let service = ServiceId::ALL
        .iter()
        .copied()
        .filter(|s| s.cbor_timestamp_members().is_some())
        .find(|s| {
            s.json_target_prefix()
                .is_some_and(|p| p.rsplit('.').next() == Some(service_name))
        })
        .ok_or_else(|| fail(signing_service, unknown_operation(request.path)))?;
    if request.method != "POST" {
        return Err(fail(
            Some(service),
            ApiError::new(
                "UnknownOperationException",
                404,
                "RPC v2 CBOR requests are POSTs.",
            ),
        ));
    }
    if !service.has_operation(operation) {
        return Err(fail(Some(service), unknown_operation(request.path)));
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

fn unknown_operation(path: &str) -> ApiError {
    ApiError::new(
        "UnknownOperationException",
        404,
        format!(
            "The path '{path}' does not name an operation of any API orgsim serves in RPC v2 CBOR."
        ),
    )
}

/// An empty body is an empty input; anything else must be one CBOR map.
pub fn parse_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut reader = body;
    let value: Cbor = ciborium::de::from_reader(&mut reader)
        .map_err(|e| serialization_error(format!("The request body is not valid CBOR: {e}")))?;
    if !reader.is_empty() {
        return Err(serialization_error(
            "The request body has bytes after its CBOR value.",
        ));
    }
    match to_json(value)? {
        Value::Null => Ok(Value::Object(Map::new())),
        object @ Value::Object(_) => Ok(object),
        _ => Err(serialization_error(
            "The request body must be a CBOR map of the operation's members.",
        )),
    }
}

/// A CBOR value as the JSON value awsJson1.1 would have carried.
fn to_json(value: Cbor) -> Result<Value, ApiError> {
    Ok(match value {
        Cbor::Null => Value::Null,
        Cbor::Bool(b) => Value::Bool(b),
        Cbor::Text(text) => Value::String(text),
        Cbor::Integer(i) => {
            let wide = i128::from(i);
            if let Ok(n) = i64::try_from(wide) {
                Value::from(n)
            } else if let Ok(n) = u64::try_from(wide) {
                Value::from(n)
            } else {
                return Err(serialization_error("An integer is out of range."));
            }
        }
        Cbor::Float(f) => Value::Number(
            Number::from_f64(f)
                .ok_or_else(|| serialization_error("NaN and infinities are not accepted."))?,
        ),
        Cbor::Bytes(bytes) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        // Tag 1 is a timestamp in epoch seconds, as awsJson carries it. Smithy's other
        // tags (bignums, decimals) belong to shapes no emulated API has.
        Cbor::Tag(EPOCH_SECONDS_TAG, inner) => to_json(*inner)?,
        Cbor::Tag(tag, _) => {
            return Err(serialization_error(format!("Unsupported CBOR tag {tag}.")))
        }
        Cbor::Array(items) => Value::Array(
            items
                .into_iter()
                .map(to_json)
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Cbor::Map(pairs) => {
            let mut object = Map::new();
            for (key, value) in pairs {
                let Cbor::Text(key) = key else {
                    return Err(serialization_error("Map keys must be text strings."));
                };
                object.insert(key, to_json(value)?);
            }
            Value::Object(object)
        }
        _ => return Err(serialization_error("Unsupported CBOR value.")),
    })
}

/// A JSON output value as CBOR: members named in `timestamps` whose value is a number
/// become tag-1 epoch seconds.
fn to_cbor(value: &Value, timestamps: &[&str]) -> Cbor {
    match value {
        Value::Null => Cbor::Null,
        Value::Bool(b) => Cbor::Bool(*b),
        Value::String(text) => Cbor::Text(text.clone()),
        Value::Number(n) => number(n),
        Value::Array(items) => Cbor::Array(items.iter().map(|v| to_cbor(v, timestamps)).collect()),
        Value::Object(members) => Cbor::Map(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| {
                    let encoded = match v {
                        Value::Number(n) if timestamps.contains(&k.as_str()) => {
                            Cbor::Tag(EPOCH_SECONDS_TAG, Box::new(number(n)))
                        }
                        _ => to_cbor(v, timestamps),
                    };
                    (Cbor::Text(k.clone()), encoded)
                })
                .collect(),
        ),
    }
}

fn number(n: &Number) -> Cbor {
    if let Some(i) = n.as_i64() {
        Cbor::Integer(i.into())
    } else if let Some(u) = n.as_u64() {
        Cbor::Integer(u.into())
    } else {
        Cbor::Float(n.as_f64().unwrap_or_default())
    }
}

fn cbor_bytes(value: &Cbor) -> Vec<u8> {
    let mut body = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = ciborium::ser::into_writer(value, &mut body);
    body
}

fn cbor_response(status: u16, body: Vec<u8>, request_id: &str) -> Response<Body> {
    let mut response = respond(status, "application/cbor", body, request_id);
    response
        .headers_mut()
        .insert("smithy-protocol", HeaderValue::from_static("rpc-v2-cbor"));
    response
}

/// A successful output of `service` as a CBOR map.
pub fn encode_output(service: ServiceId, output: &Value, request_id: &str) -> Response<Body> {
    let timestamps = service.cbor_timestamp_members().unwrap_or_default();
    let output = match output {
        Value::Object(_) => output.clone(),
        _ => Value::Object(Map::new()),
    };
    cbor_response(200, cbor_bytes(&to_cbor(&output, timestamps)), request_id)
}

/// `(service, operation)` of an RPC v2 path, e.g. `/service/GraniteServiceVersion20100801/operation/ListMetrics`.
pub fn path_names(path: &str) -> Option<(&str, &str)> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    // The path may carry a prefix before `service/` (an endpoint with a base path).
    let start = rest.find("service/")?;
    let mut parts = rest[start..].split('/');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some("service"), Some(service), Some("operation"), Some(operation), None)
            if !service.is_empty() && !operation.is_empty() =>
        {
            Some((service, operation))
        }
        _ => None,
    }
}

/// An error as a CBOR map `{"__type": code, "message": message, …extra members}`.
pub fn encode_error(error: &ApiError, request_id: &str) -> Response<Body> {
    let mut pairs = vec![
        (Cbor::Text("__type".into()), Cbor::Text(error.code.clone())),
        (
            Cbor::Text("message".into()),
            Cbor::Text(error.message.clone()),
        ),
    ];
    for (key, value) in error.extra.iter() {
        pairs.push((Cbor::Text(key.clone()), to_cbor(value, &[])));
    }
    cbor_response(error.status, cbor_bytes(&Cbor::Map(pairs)), request_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_path() {
        assert_eq!(
            path_names("/service/GraniteServiceVersion20100801/operation/ListMetrics"),
            Some(("GraniteServiceVersion20100801", "ListMetrics"))
        );
        assert_eq!(path_names("/service/S/operation/"), None);
        assert_eq!(path_names("/"), None);
    }

    fn cbor(value: &Cbor) -> Vec<u8> {
        cbor_bytes(value)
    }

    #[test]
    fn requests_become_the_json_awsjson_would_carry() {
        let body = cbor(&Cbor::Map(vec![
            (Cbor::Text("maxResults".into()), Cbor::Integer(10.into())),
            (
                Cbor::Text("filter".into()),
                Cbor::Map(vec![(
                    Cbor::Text("startTimes".into()),
                    Cbor::Array(vec![Cbor::Map(vec![(
                        Cbor::Text("from".into()),
                        Cbor::Tag(1, Box::new(Cbor::Float(1767225600.5))),
                    )])]),
                )]),
            ),
            (Cbor::Text("blob".into()), Cbor::Bytes(b"hi".to_vec())),
            (Cbor::Text("gone".into()), Cbor::Null),
        ]));
        let value = parse_body(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({
                "maxResults": 10,
                "filter": {"startTimes": [{"from": 1767225600.5}]},
                "blob": "aGk=",
                "gone": null,
            })
        );
        // Indefinite-length maps and strings, as some encoders write them.
        let indefinite = [0xbf, 0x7f, 0x61, b'a', 0x61, b'b', 0xff, 0x01, 0xff];
        assert_eq!(
            parse_body(&indefinite).unwrap(),
            serde_json::json!({"ab": 1})
        );
        assert_eq!(parse_body(&[]).unwrap(), serde_json::json!({}));
    }

    #[test]
    fn malformed_requests_are_serialization_errors() {
        let not_a_map = cbor(&Cbor::Array(vec![]));
        let integer_key = cbor(&Cbor::Map(vec![(Cbor::Integer(1.into()), Cbor::Null)]));
        let mut trailing = cbor(&Cbor::Map(vec![]));
        trailing.push(0x00);
        for body in [
            &not_a_map[..],
            &integer_key[..],
            &trailing[..],
            &[0xff][..],
            &[0xa1][..],
        ] {
            let error = parse_body(body).unwrap_err();
            assert_eq!(
                (error.code.as_str(), error.status),
                ("SerializationException", 400),
                "{body:?}"
            );
        }
    }

    #[test]
    fn output_timestamps_are_tagged() {
        let value = serde_json::json!({
            "events": [{"arn": "a", "startTime": 1767225600.5, "count": 3}],
            "nextToken": null,
        });
        let encoded = to_cbor(&value, &["startTime"]);
        let expected = Cbor::Map(vec![(
            Cbor::Text("events".into()),
            Cbor::Array(vec![Cbor::Map(vec![
                (Cbor::Text("arn".into()), Cbor::Text("a".into())),
                (
                    Cbor::Text("startTime".into()),
                    Cbor::Tag(1, Box::new(Cbor::Float(1767225600.5))),
                ),
                (Cbor::Text("count".into()), Cbor::Integer(3.into())),
            ])]),
        )]);
        assert_eq!(encoded, expected, "timestamps tagged, nulls left out");
    }

    #[test]
    fn error_is_a_cbor_map() {
        let long = "m".repeat(300);
        let response = encode_error(&ApiError::new("NotImplemented", 501, long.clone()), "r");
        assert_eq!(response.headers()["smithy-protocol"], "rpc-v2-cbor");
        assert_eq!(response.headers()["content-type"], "application/cbor");
        let body = crate::protocol::tests::body_bytes(response);
        let mut expected = vec![0xa2, 0x66];
        expected.extend(b"__type");
        expected.push(0x6e);
        expected.extend(b"NotImplemented");
        expected.push(0x67);
        expected.extend(b"message");
        expected.extend([0x79, 0x01, 0x2c]);
        expected.extend(long.as_bytes());
        assert_eq!(body, expected);
    }
}
