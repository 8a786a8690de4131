//! orgsim's own signed client against a running emulator, over the real wire protocols.

use orgsim::api::ServiceId;
use orgsim::client::{Client, Signer};
use orgsim::Emulator;
use serde_json::json;

#[tokio::test]
async fn signed_calls_over_every_protocol() {
    let emulator = Emulator::start();
    let client = Client::new(&emulator.url());
    let management = Signer::new("111111111111", "eu-west-1");

    let org = client
        .call(
            &management,
            ServiceId::Organizations,
            "CreateOrganization",
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(org["Organization"]["MasterAccountId"], "111111111111");
    let created = client
        .call(
            &management,
            ServiceId::Organizations,
            "CreateAccount",
            &json!({"Email": "c@example.com", "AccountName": "C"}),
        )
        .await
        .unwrap();
    let request_id = created["CreateAccountStatus"]["Id"].clone();
    let status = client
        .call(
            &management,
            ServiceId::Organizations,
            "DescribeCreateAccountStatus",
            &json!({"CreateAccountRequestId": request_id}),
        )
        .await
        .unwrap();
    let member = status["CreateAccountStatus"]["AccountId"]
        .as_str()
        .unwrap()
        .to_string();

    // awsQuery, and credentials from its answer.
    let assumed = client
        .call(
            &management,
            ServiceId::Sts,
            "AssumeRole",
            &json!({"RoleArn": format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole"), "RoleSessionName": "client"}),
        )
        .await
        .unwrap();
    let role = Signer::from_sts_credentials(&assumed["Credentials"], "eu-west-1").unwrap();
    let me = client
        .call(&role, ServiceId::Sts, "GetCallerIdentity", &json!({}))
        .await
        .unwrap();
    assert_eq!(me["Account"], member.as_str());

    // Errors come back with their AWS code, per protocol.
    let e = client
        .call(&role, ServiceId::Organizations, "ListAccounts", &json!({}))
        .await
        .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (400, "AccessDeniedException"));
    let e = client
        .call(&management, ServiceId::Sts, "AssumeRole", &json!({"RoleArn": "arn:aws:iam::222222222222:role/OrganizationAccountAccessRole", "RoleSessionName": "x1"}))
        .await
        .unwrap_err();
    assert_eq!((e.status, e.code.as_str()), (403, "AccessDenied"));
    // restJson1: a route with a label and a query string.
    let e = client
        .call(&management, ServiceId::SecurityHub, "DescribeStandardsControls", &json!({"StandardsSubscriptionArn": "arn:aws:securityhub:eu-west-1:111111111111:subscription/x/v/1", "MaxResults": 5}))
        .await
        .unwrap_err();
    // Routed and decoded: Security Hub answers that it is off for the caller.
    assert_eq!(
        (e.status, e.code.as_str()),
        (401, "InvalidAccessException"),
        "{e}"
    );
    assert!(e.message.contains("not subscribed"));
}

#[tokio::test]
async fn ec2_and_account_through_the_client() {
    let emulator = Emulator::start();
    let client = Client::new(&emulator.url());
    let me = Signer::new("111111111111", "us-east-1");
    client
        .call(
            &me,
            ServiceId::Account,
            "EnableRegion",
            &json!({"RegionName": "ap-east-1"}),
        )
        .await
        .unwrap();
    let status = client
        .call(
            &me,
            ServiceId::Account,
            "GetRegionOptStatus",
            &json!({"RegionName": "ap-east-1"}),
        )
        .await
        .unwrap();
    assert_eq!(status["RegionOptStatus"], "ENABLING");
    let regions = client
        .call(
            &me,
            ServiceId::Ec2,
            "DescribeRegions",
            &json!({"AllRegions": "true", "Filter": [{"Name": "region-name", "Value": ["ap-east-1", "us-east-1"]}]}),
        )
        .await
        .unwrap();
    assert_eq!(
        regions["regionInfo"],
        json!([
            {"regionName": "ap-east-1", "regionEndpoint": "ec2.ap-east-1.amazonaws.com", "optInStatus": "not-opted-in"},
            {"regionName": "us-east-1", "regionEndpoint": "ec2.us-east-1.amazonaws.com", "optInStatus": "opt-in-not-required"},
        ])
    );
    let error = client
        .call(
            &me,
            ServiceId::Ec2,
            "DescribeRegions",
            &json!({"RegionName": ["nowhere-1"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(
        (error.status, error.code.as_str()),
        (400, "InvalidParameterValue")
    );
}

/// rest-xml: a scenario step can create a bucket with a location constraint, put a
/// policy and read both back, with S3's errors as codes.
#[tokio::test]
async fn s3_calls_with_xml_and_text_payloads() {
    let emulator = Emulator::start();
    let client = Client::new(&emulator.url());
    let owner = Signer::new("111111111111", "eu-west-1");
    let create = json!({"Bucket": "scenario-logs", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}});
    client
        .call(&owner, ServiceId::S3, "CreateBucket", &create)
        .await
        .unwrap();
    let location = client
        .call(
            &owner,
            ServiceId::S3,
            "GetBucketLocation",
            &json!({"Bucket": "scenario-logs"}),
        )
        .await
        .unwrap();
    assert_eq!(location, json!({"LocationConstraint": "eu-west-1"}));
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::scenario-logs"}]}"#;
    client
        .call(
            &owner,
            ServiceId::S3,
            "PutBucketPolicy",
            &json!({"Bucket": "scenario-logs", "Policy": policy}),
        )
        .await
        .unwrap();
    let read = client
        .call(
            &owner,
            ServiceId::S3,
            "GetBucketPolicy",
            &json!({"Bucket": "scenario-logs"}),
        )
        .await
        .unwrap();
    assert_eq!(read["Body"], json!(policy));
    let other = Signer::new("222222222222", "eu-west-1");
    let taken = client
        .call(&other, ServiceId::S3, "CreateBucket", &create)
        .await
        .unwrap_err();
    assert_eq!(
        (taken.status, taken.code.as_str()),
        (409, "BucketAlreadyExists")
    );
}
