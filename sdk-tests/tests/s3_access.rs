//! Access to buckets as AWS decides it, through `aws-sdk-s3`: other accounts by the
//! bucket policy, SCPs with S3's action names, presigned URLs on the world clock, and
//! AWS services delivering as their service principal.

use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_s3::primitives::ByteStream;
use orgsim::services::s3::access::ServicePrincipal;
use orgsim::services::s3::{deliver_object, read_object, DeliveryRefusal};
use orgsim::Emulator;

use crate::common::{s3, MANAGEMENT};
use crate::s3::{code, OTHER};

#[tokio::test]
async fn other_accounts_need_the_bucket_policy() {
    let emulator = Emulator::start();
    let owner = s3(&emulator, MANAGEMENT);
    let other = s3(&emulator, OTHER);
    owner
        .create_bucket()
        .bucket("team-share")
        .send()
        .await
        .unwrap();
    owner
        .put_object()
        .bucket("team-share")
        .key("report.csv")
        .body(ByteStream::from_static(b"a,b"))
        .send()
        .await
        .unwrap();
    let denied = other
        .get_object()
        .bucket("team-share")
        .key("report.csv")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&denied), "AccessDenied");
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::team-share","arn:aws:s3:::team-share/*"]}},
            {{"Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::team-share/*"}}]}}"#
    );
    owner
        .put_bucket_policy()
        .bucket("team-share")
        .policy(policy)
        .send()
        .await
        .unwrap();
    let read = other
        .get_object()
        .bucket("team-share")
        .key("report.csv")
        .send()
        .await
        .expect("granted read");
    assert_eq!(
        read.body.collect().await.unwrap().into_bytes().as_ref(),
        b"a,b"
    );
    let listed = other
        .list_objects_v2()
        .bucket("team-share")
        .send()
        .await
        .expect("granted list");
    assert_eq!(listed.key_count(), Some(1));
    let write = other
        .put_object()
        .bucket("team-share")
        .key("x")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&write), "AccessDenied");
    // An explicit deny binds the owner's principals too.
    let delete = owner
        .delete_object()
        .bucket("team-share")
        .key("report.csv")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&delete), "AccessDenied");
    owner
        .delete_bucket_policy()
        .bucket("team-share")
        .send()
        .await
        .expect("the root may always manage the policy");
}

#[tokio::test]
async fn services_deliver_only_where_the_policy_allows() {
    let emulator = Emulator::start();
    let owner = s3(&emulator, MANAGEMENT);
    owner
        .create_bucket()
        .bucket("trail-logs")
        .send()
        .await
        .unwrap();
    let trail = ServicePrincipal {
        service: "cloudtrail.amazonaws.com".into(),
        source_arn: Some(format!(
            "arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org"
        )),
        source_account: Some(MANAGEMENT.into()),
        source_org_id: None,
    };
    let key = format!("AWSLogs/{MANAGEMENT}/CloudTrail/us-east-1/file.json.gz");
    let refused = emulator.with_world(|w| {
        deliver_object(
            w,
            "trail-logs",
            &key,
            "x".into(),
            "application/json",
            &trail,
        )
    });
    assert_eq!(
        refused,
        Err(DeliveryRefusal::AccessDenied {
            action: "s3:PutObject".into()
        })
    );
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"cloudtrail.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::trail-logs/AWSLogs/*","Condition":{{"StringEquals":{{"s3:x-amz-acl":"bucket-owner-full-control","aws:SourceArn":"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org"}}}}}}]}}"#
    );
    owner
        .put_bucket_policy()
        .bucket("trail-logs")
        .policy(policy)
        .send()
        .await
        .expect("a service policy is not public");
    let delivered = emulator.with_world(|w| {
        deliver_object(
            w,
            "trail-logs",
            &key,
            "log".into(),
            "application/json",
            &trail,
        )
    });
    assert_eq!(delivered, Ok(()));
    let other_trail = ServicePrincipal {
        source_arn: Some(format!("arn:aws:cloudtrail:us-east-1:{OTHER}:trail/x")),
        ..trail.clone()
    };
    let wrong_source = emulator.with_world(|w| {
        deliver_object(
            w,
            "trail-logs",
            &key,
            "x".into(),
            "application/json",
            &other_trail,
        )
    });
    assert!(wrong_source.is_err());
    assert_eq!(
        emulator
            .with_world(|w| read_object(w, "trail-logs", &key))
            .as_deref(),
        Some(&b"log"[..])
    );
    let got = owner
        .get_object()
        .bucket("trail-logs")
        .key(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"log"
    );
}

/// A presigned URL works until it expires on the world clock.
#[tokio::test]
async fn presigned_urls_expire_on_the_world_clock() {
    use aws_sdk_s3::presigning::PresigningConfig;
    use std::time::Duration;
    let emulator = Emulator::start();
    let client = s3(&emulator, MANAGEMENT);
    client
        .create_bucket()
        .bucket("shared")
        .send()
        .await
        .unwrap();
    client
        .put_object()
        .bucket("shared")
        .key("f")
        .body(ByteStream::from_static(b"data"))
        .send()
        .await
        .unwrap();
    let presigned = client
        .get_object()
        .bucket("shared")
        .key("f")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(300)).unwrap())
        .await
        .unwrap();
    let (status, body) = raw_request(&emulator, "GET", presigned.uri(), "").await;
    assert_eq!((status, body.as_str()), (200, "data"));
    let upload = client
        .put_object()
        .bucket("shared")
        .key("uploaded")
        .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
        .await
        .unwrap();
    let (status, body) = raw_request(&emulator, "PUT", upload.uri(), "from curl").await;
    assert_eq!(status, 200, "{} {body}", upload.uri());
    let got = client
        .get_object()
        .bucket("shared")
        .key("uploaded")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"from curl"
    );
    emulator.with_world(|w| w.clock.advance(301_000));
    let (status, body) = raw_request(&emulator, "GET", presigned.uri(), "").await;
    assert_eq!(status, 403);
    assert!(body.contains("Request has expired"), "{body}");
}

/// A plain HTTP/1.1 request to `uri` (as curl would send a presigned URL).
async fn raw_request(emulator: &Emulator, method: &str, uri: &str, body: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let path = uri
        .splitn(4, '/')
        .nth(3)
        .map(|p| format!("/{p}"))
        .unwrap_or_default();
    let mut stream = tokio::net::TcpStream::connect(emulator.address())
        .await
        .unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        emulator.address(),
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_string();
    (status, body)
}

/// SCPs govern S3 like any API, with S3's IAM action names (`ListObjectsV2` needs
/// `s3:ListBucket`) and object ARNs as resources.
#[tokio::test]
async fn service_control_policies_apply_to_s3() {
    use aws_sdk_organizations::types::PolicyType;
    let emulator = Emulator::start();
    let mgmt = crate::common::orgs(&emulator, MANAGEMENT);
    mgmt.create_organization().send().await.unwrap();
    let member = crate::common::new_account(&mgmt, "data").await;
    let guardrail = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Deny","Action":"s3:ListBucket","Resource":"*"},
        {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::member-data/secret/*"}]}"#;
    let policy = mgmt
        .create_policy()
        .name("s3-guardrail")
        .description("no listing, no secrets")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(guardrail)
        .send()
        .await
        .unwrap();
    let policy_id = policy
        .policy()
        .unwrap()
        .policy_summary()
        .unwrap()
        .id()
        .unwrap()
        .to_string();
    mgmt.attach_policy()
        .policy_id(&policy_id)
        .target_id(&member)
        .send()
        .await
        .unwrap();

    let client = s3(&emulator, &member);
    client
        .create_bucket()
        .bucket("member-data")
        .send()
        .await
        .expect("CreateBucket is not denied");
    let listed = client
        .list_objects_v2()
        .bucket("member-data")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&listed), "AccessDenied");
    assert!(
        listed
            .message()
            .unwrap_or_default()
            .contains("s3:ListBucket"),
        "{listed:?}"
    );
    client
        .put_object()
        .bucket("member-data")
        .key("open/a")
        .body(ByteStream::from_static(b"a"))
        .send()
        .await
        .expect("outside the denied prefix");
    let secret = client
        .put_object()
        .bucket("member-data")
        .key("secret/a")
        .body(ByteStream::from_static(b"a"))
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(code(&secret), "AccessDenied");
    // The management account is never restricted by SCPs.
    let owner = s3(&emulator, MANAGEMENT);
    owner
        .create_bucket()
        .bucket("mgmt-data")
        .send()
        .await
        .unwrap();
    owner
        .list_objects_v2()
        .bucket("mgmt-data")
        .send()
        .await
        .expect("management lists");
}
