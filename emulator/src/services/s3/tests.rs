//! S3 handler tests against a World.

use bytes::Bytes;
use serde_json::{json, Value};

use super::access::{check_request, ServicePrincipal};
use super::delivery::{list_keys, may_deliver};
use super::objects::{get_object, put_object, GetObjectInput, WriteInput};
use super::*;
use crate::auth::{Caller, Principal};
use crate::services;
use crate::world::{Settings, World};

fn world() -> World {
    World::new(Settings {
        seed: Some(3),
        ..Default::default()
    })
}

fn root(account: &str, region: &str) -> Caller {
    Caller {
        account_id: account.into(),
        principal: Principal::Root,
        access_key_id: account.into(),
        temporary: false,
        region: region.into(),
    }
}

const A: &str = "111111111111";
const B: &str = "222222222222";

fn call(
    world: &mut World,
    caller: &Caller,
    operation: &str,
    input: Value,
) -> Result<Value, String> {
    services::dispatch(world, caller, ServiceId::S3, operation, input).map_err(|e| e.code)
}

fn put(world: &mut World, caller: &Caller, bucket: &str, key: &str, data: &'static [u8]) -> Value {
    let input: WriteInput = serde_json::from_value(json!({"Bucket": bucket, "Key": key})).unwrap();
    put_object(
        world,
        caller,
        input,
        crate::protocol::Payload::hashed(Bytes::from_static(data)),
    )
    .unwrap()
    .output
}

fn get(world: &mut World, caller: &Caller, bucket: &str, key: &str) -> Result<Bytes, S3Error> {
    let input: GetObjectInput =
        serde_json::from_value(json!({"Bucket": bucket, "Key": key})).unwrap();
    get_object(world, caller, input, Default::default()).map(|r| r.body.unwrap())
}

#[test]
fn bucket_namespace_is_global() {
    let mut w = world();
    let a = root(A, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "logs"})).unwrap();
    assert_eq!(
        call(&mut w, &a, "CreateBucket", json!({"Bucket": "logs"})),
        Ok(json!({"Location": "/logs", "BucketArn": "arn:aws:s3:::logs"}))
    );
    assert_eq!(
        call(
            &mut w,
            &root(B, "us-east-1"),
            "CreateBucket",
            json!({"Bucket": "logs"})
        ),
        Err("BucketAlreadyExists".into())
    );
    let eu = root(A, "eu-west-1");
    assert_eq!(
        call(&mut w, &eu, "CreateBucket", json!({"Bucket": "eu-logs"})),
        Err("IllegalLocationConstraintException".into())
    );
    let constrained = json!({"Bucket": "eu-logs", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}});
    call(&mut w, &eu, "CreateBucket", constrained.clone()).unwrap();
    assert_eq!(
        call(&mut w, &eu, "CreateBucket", constrained),
        Err("BucketAlreadyOwnedByYou".into())
    );
    assert_eq!(
        call(
            &mut w,
            &a,
            "CreateBucket",
            json!({"Bucket": "xyz", "ACL": "public-read"})
        ),
        Err("InvalidBucketAclWithObjectOwnership".into())
    );
    assert_eq!(
        call(&mut w, &a, "DeleteBucket", json!({"Bucket": "nope"})),
        Err("NoSuchBucket".into())
    );
}

#[test]
fn object_bytes_are_shared_by_world_clones_and_kept_by_snapshots() {
    let mut w = world();
    let a = root(A, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "bkt"})).unwrap();
    let out = put(&mut w, &a, "bkt", "k", b"payload");
    assert_eq!(out["ETag"], json!(checksums::etag(b"payload")));
    let clone = w.clone();
    let original = &w.s3.buckets["bkt"].objects["k"].data.0;
    assert_eq!(
        original.as_ptr(),
        clone.s3.buckets["bkt"].objects["k"].data.0.as_ptr()
    );
    let text = serde_json::to_string(&w).unwrap();
    let mut loaded: World = serde_json::from_str(&text).unwrap();
    assert_eq!(
        get(&mut loaded, &a, "bkt", "k").unwrap(),
        Bytes::from_static(b"payload")
    );
}

#[test]
fn other_accounts_and_public_policies() {
    let mut w = world();
    let a = root(A, "us-east-1");
    let b = root(B, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "bkt"})).unwrap();
    let read = json!({"Bucket": "bkt", "Key": "k"});
    assert!(check_request(&w, &a, "GetObject", &read));
    assert!(!check_request(&w, &b, "GetObject", &read));
    let public = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"}]}"#;
    assert_eq!(
        call(
            &mut w,
            &a,
            "PutBucketPolicy",
            json!({"Bucket": "bkt", "Policy": public})
        ),
        Err("AccessDenied".into())
    );
    // BlockPublicPolicy off, RestrictPublicBuckets on: the policy is stored but grants
    // nothing outside the owner's account.
    let block = json!({"Bucket": "bkt", "PublicAccessBlockConfiguration": {"BlockPublicPolicy": "false", "RestrictPublicBuckets": "true"}});
    call(&mut w, &a, "PutPublicAccessBlock", block).unwrap();
    call(
        &mut w,
        &a,
        "PutBucketPolicy",
        json!({"Bucket": "bkt", "Policy": public}),
    )
    .unwrap();
    assert!(!check_request(&w, &b, "GetObject", &read));
    call(
        &mut w,
        &a,
        "DeletePublicAccessBlock",
        json!({"Bucket": "bkt"}),
    )
    .unwrap();
    assert!(check_request(&w, &b, "GetObject", &read));
    assert!(!check_request(&w, &b, "PutObject", &read));
}

#[test]
fn service_principals_need_a_matching_source() {
    let mut w = world();
    let a = root(A, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "cfg"})).unwrap();
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"config.amazonaws.com"},"Action":["s3:PutObject","s3:GetBucketAcl"],"Resource":["arn:aws:s3:::cfg","arn:aws:s3:::cfg/*"],"Condition":{"StringEquals":{"aws:SourceAccount":"111111111111"}}}]}"#;
    call(
        &mut w,
        &a,
        "PutBucketPolicy",
        json!({"Bucket": "cfg", "Policy": policy}),
    )
    .unwrap();
    let config = |account: &str| ServicePrincipal {
        service: "config.amazonaws.com".into(),
        source_arn: None,
        source_account: Some(account.into()),
        source_org_id: None,
    };
    assert_eq!(
        may_deliver(&w, "cfg", None, "s3:GetBucketAcl", &config(A)),
        Ok(())
    );
    assert!(may_deliver(&w, "cfg", Some("k"), "s3:PutObject", &config(B)).is_err());
    let trail = ServicePrincipal {
        service: "cloudtrail.amazonaws.com".into(),
        ..config(A)
    };
    assert!(may_deliver(&w, "cfg", Some("k"), "s3:PutObject", &trail).is_err());
    assert_eq!(
        may_deliver(&w, "none", None, "s3:PutObject", &trail),
        Err(DeliveryRefusal::NoSuchBucket)
    );
    deliver_object(
        &mut w,
        "cfg",
        "AWSLogs/1/Config/x.json",
        Bytes::from_static(b"{}"),
        "application/json",
        &config(A),
    )
    .unwrap();
    assert_eq!(
        list_keys(&w, "cfg", "AWSLogs/"),
        ["AWSLogs/1/Config/x.json"]
    );
}

#[test]
fn versioned_deletes_leave_markers() {
    let mut w = world();
    let a = root(A, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "ver"})).unwrap();
    call(
        &mut w,
        &a,
        "PutBucketVersioning",
        json!({"Bucket": "ver", "VersioningConfiguration": {"Status": "Enabled"}}),
    )
    .unwrap();
    let first = put(&mut w, &a, "ver", "k", b"1");
    put(&mut w, &a, "ver", "k", b"2");
    let deleted = call(
        &mut w,
        &a,
        "DeleteObject",
        json!({"Bucket": "ver", "Key": "k"}),
    )
    .unwrap();
    assert_eq!(deleted["DeleteMarker"], json!(true));
    assert!(matches!(
        get(&mut w, &a, "ver", "k"),
        Err(S3Error::NoSuchKey(_))
    ));
    let version = first["VersionId"].as_str().unwrap();
    let input: GetObjectInput =
        serde_json::from_value(json!({"Bucket": "ver", "Key": "k", "VersionId": version})).unwrap();
    assert_eq!(
        get_object(&mut w, &a, input, Default::default())
            .unwrap()
            .body
            .unwrap(),
        Bytes::from_static(b"1")
    );
    assert_eq!(
        call(&mut w, &a, "DeleteBucket", json!({"Bucket": "ver"})),
        Err("BucketNotEmpty".into())
    );
}

#[test]
fn iam_actions_and_resources() {
    assert_eq!(
        crate::authorize::action(ServiceId::S3, "ListObjectsV2"),
        "s3:ListBucket"
    );
    assert_eq!(
        crate::authorize::action(ServiceId::S3, "HeadObject"),
        "s3:GetObject"
    );
    assert_eq!(
        crate::authorize::action(ServiceId::S3, "UploadPart"),
        "s3:PutObject"
    );
    assert_eq!(
        crate::authorize::action(ServiceId::S3, "PutBucketPolicy"),
        "s3:PutBucketPolicy"
    );
    let w = world();
    let a = root(A, "us-east-1");
    let arn =
        |input: Value, op: &str| crate::authorize::resource_arn(&w, &a, ServiceId::S3, op, &input);
    assert_eq!(
        arn(json!({"Bucket": "b", "Key": "x/y"}), "GetObject"),
        "arn:aws:s3:::b/x/y"
    );
    assert_eq!(
        arn(json!({"Bucket": "bkt"}), "ListObjectsV2"),
        "arn:aws:s3:::bkt"
    );
    assert_eq!(arn(json!({}), "ListBuckets"), "*");
}

#[test]
fn every_built_operation_is_routed() {
    for op in IMPLEMENTED {
        assert!(ServiceId::S3.has_operation(op), "{op}");
        assert!(
            crate::protocol::rest_xml::route_of(ServiceId::S3, op).is_some(),
            "{op}"
        );
    }
}

#[test]
fn object_tags_from_the_header_and_the_tagging_calls() {
    let mut w = world();
    let a = root(A, "us-east-1");
    call(&mut w, &a, "CreateBucket", json!({"Bucket": "tagged"})).unwrap();
    let input: WriteInput = serde_json::from_value(
        json!({"Bucket": "tagged", "Key": "k", "Tagging": "team=blue&env=dev"}),
    )
    .unwrap();
    put_object(
        &mut w,
        &a,
        input,
        crate::protocol::Payload::hashed(Bytes::from_static(b"x")),
    )
    .unwrap();
    let got = call(
        &mut w,
        &a,
        "GetObjectTagging",
        json!({"Bucket": "tagged", "Key": "k"}),
    )
    .unwrap();
    assert_eq!(
        got["TagSet"]["Tag"][0],
        json!({"Key": "team", "Value": "blue"})
    );
    let tagging = json!({"TagSet": {"Tag": {"Key": "only", "Value": "1"}}});
    call(
        &mut w,
        &a,
        "PutObjectTagging",
        json!({"Bucket": "tagged", "Key": "k", "Tagging": tagging}),
    )
    .unwrap();
    let got = call(
        &mut w,
        &a,
        "GetObjectTagging",
        json!({"Bucket": "tagged", "Key": "k"}),
    )
    .unwrap();
    assert_eq!(got["TagSet"]["Tag"], json!([{"Key": "only", "Value": "1"}]));
    let duplicate =
        json!({"TagSet": {"Tag": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}});
    assert_eq!(
        call(
            &mut w,
            &a,
            "PutObjectTagging",
            json!({"Bucket": "tagged", "Key": "k", "Tagging": duplicate})
        ),
        Err("InvalidTag".into())
    );
    call(
        &mut w,
        &a,
        "DeleteObjectTagging",
        json!({"Bucket": "tagged", "Key": "k"}),
    )
    .unwrap();
    let got = call(
        &mut w,
        &a,
        "GetObjectTagging",
        json!({"Bucket": "tagged", "Key": "k"}),
    )
    .unwrap();
    assert_eq!(got["TagSet"], json!(""));
    assert_eq!(
        call(
            &mut w,
            &a,
            "GetObjectTagging",
            json!({"Bucket": "tagged", "Key": "nope"})
        ),
        Err("NoSuchKey".into())
    );
}
