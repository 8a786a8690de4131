//! CloudTrail handler tests against a World, calls going the server's way: a new
//! request (deliveries due run first), the handler, then the recorder.

use std::io::Read;

use serde_json::{json, Value};

use super::log::{record, request_parameters, Call};
use crate::api::{ApiError, ServiceId};
use crate::auth::{Caller, Principal};
use crate::services;
use crate::services::guardduty::test_support::{org_with_accounts, MANAGEMENT};
use crate::services::organizations::test_support::world;
use crate::services::s3::delivery::{list_keys, read_object};
use crate::world::World;

fn caller(account: &str, region: &str) -> Caller {
    Caller {
        account_id: account.into(),
        principal: Principal::Root,
        access_key_id: account.into(),
        temporary: false,
        region: region.into(),
    }
}

/// One call as the server serves it, recorded.
fn serve(
    w: &mut World,
    who: &Caller,
    service: ServiceId,
    op: &str,
    input: Value,
) -> Result<Value, ApiError> {
    w.begin_request();
    let params = request_parameters(&input);
    let result =
        crate::server::run_atomically(w, |w| services::dispatch(w, who, service, op, input));
    record(
        w,
        &Call {
            caller: who,
            service,
            operation: op,
            request_parameters: params,
            outcome: result.as_ref().map(Some),
            request_id: "6f0b9d2e-1f1a-4a1e-9a57-0c2f2b6f3a10",
            source_ip: "192.0.2.10",
            user_agent: "aws-cli/2.0",
        },
    );
    result
}

fn ct(w: &mut World, who: &Caller, op: &str, input: Value) -> Result<Value, String> {
    serve(w, who, ServiceId::CloudTrail, op, input).map_err(|e| e.code)
}

fn ok(w: &mut World, who: &Caller, op: &str, input: Value) -> Value {
    ct(w, who, op, input.clone()).unwrap_or_else(|e| panic!("{op} {input}: {e}"))
}

fn s3(w: &mut World, who: &Caller, op: &str, input: Value) {
    serve(w, who, ServiceId::S3, op, input).unwrap_or_else(|e| panic!("{op}: {e:?}"));
}

fn org(w: &mut World, op: &str, input: Value) -> Value {
    serve(
        w,
        &caller(MANAGEMENT, "us-east-1"),
        ServiceId::Organizations,
        op,
        input,
    )
    .unwrap_or_else(|e| panic!("{op}: {e:?}"))
}

/// A bucket in `owner` that lets CloudTrail write for `writers` (account ids or o-ids).
fn log_bucket(w: &mut World, owner: &str, bucket: &str, writers: &[&str]) {
    let who = caller(owner, "us-east-1");
    s3(w, &who, "CreateBucket", json!({"Bucket": bucket}));
    let resources: Vec<String> = writers
        .iter()
        .map(|id| match id.contains('/') {
            true => format!("arn:aws:s3:::{bucket}/{id}/*"),
            false => format!("arn:aws:s3:::{bucket}/AWSLogs/{id}/*"),
        })
        .collect();
    let policy = json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:GetBucketAcl", "Resource": format!("arn:aws:s3:::{bucket}")},
            {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
             "Action": "s3:PutObject", "Resource": resources,
             "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}
        ]
    });
    s3(
        w,
        &who,
        "PutBucketPolicy",
        json!({"Bucket": bucket, "Policy": policy.to_string()}),
    );
}

const A: &str = "111111111111";

#[test]
fn create_trail_checks_the_bucket_and_its_policy() {
    let mut w = world();
    let a = caller(A, "us-east-1");
    let input = json!({"Name": "main", "S3BucketName": "logs-a"});
    assert_eq!(
        ct(&mut w, &a, "CreateTrail", input.clone()),
        Err("S3BucketDoesNotExistException".into())
    );
    s3(&mut w, &a, "CreateBucket", json!({"Bucket": "logs-a"}));
    assert_eq!(
        ct(&mut w, &a, "CreateTrail", input.clone()),
        Err("InsufficientS3BucketPolicyException".into())
    );
    log_bucket(&mut w, A, "logs-b", &[A]);
    let created = ok(
        &mut w,
        &a,
        "CreateTrail",
        json!({"Name": "main", "S3BucketName": "logs-b"}),
    );
    assert_eq!(
        created["TrailARN"],
        json!(format!("arn:aws:cloudtrail:us-east-1:{A}:trail/main"))
    );
    assert_eq!(created["IncludeGlobalServiceEvents"], json!(true));
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "main", "S3BucketName": "logs-b"})
        ),
        Err("TrailAlreadyExistsException".into())
    );
    for bad in ["ab", "-abc", "abc-", "a..b", "a b c", "10.0.0.1"] {
        assert_eq!(
            ct(
                &mut w,
                &a,
                "CreateTrail",
                json!({"Name": bad, "S3BucketName": "logs-b"})
            ),
            Err("InvalidTrailNameException".into()),
            "{bad}"
        );
    }
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "x1y", "S3BucketName": "Logs_B"})
        ),
        Err("InvalidS3BucketNameException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "x1y", "S3BucketName": "logs-b", "KmsKeyId": "nope"})
        ),
        Err("InvalidKmsKeyIdException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "x1y", "S3BucketName": "logs-b", "IsMultiRegionTrail": true, "IncludeGlobalServiceEvents": false})
        ),
        Err("InvalidParameterCombinationException".into())
    );
    assert_eq!(
        ct(&mut w, &a, "CreateTrail", json!({"Name": "x1y"})),
        Err("ValidationException".into())
    );
    // A prefix the policy does not cover is refused.
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "x1y", "S3BucketName": "logs-b", "S3KeyPrefix": "other"})
        ),
        Err("InsufficientS3BucketPolicyException".into())
    );
    let key = ok(
        &mut w,
        &a,
        "CreateTrail",
        json!({"Name": "kms", "S3BucketName": "logs-b", "KmsKeyId": "alias/trail"}),
    );
    assert_eq!(
        key["KmsKeyId"],
        json!(format!("arn:aws:kms:us-east-1:{A}:alias/trail"))
    );
    for i in 0..3 {
        ok(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": format!("t{i}x"), "S3BucketName": "logs-b"}),
        );
    }
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateTrail",
            json!({"Name": "sixth", "S3BucketName": "logs-b"})
        ),
        Err("MaximumNumberOfTrailsExceededException".into())
    );
    assert_eq!(
        ok(&mut w, &a, "ListTrails", json!({}))["Trails"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
}

#[test]
fn multi_region_trails_shadow_every_region() {
    let mut w = world();
    let a = caller(A, "us-east-1");
    let eu = caller(A, "eu-west-1");
    log_bucket(&mut w, A, "logs", &[A]);
    ok(
        &mut w,
        &a,
        "CreateTrail",
        json!({"Name": "everywhere", "S3BucketName": "logs", "IsMultiRegionTrail": true}),
    );
    ok(
        &mut w,
        &a,
        "CreateTrail",
        json!({"Name": "here", "S3BucketName": "logs"}),
    );
    let names = |v: &Value| {
        v["trailList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["Name"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&ok(&mut w, &eu, "DescribeTrails", json!({}))),
        ["everywhere"]
    );
    assert!(names(&ok(
        &mut w,
        &eu,
        "DescribeTrails",
        json!({"includeShadowTrails": false})
    ))
    .is_empty());
    assert_eq!(
        names(&ok(
            &mut w,
            &a,
            "DescribeTrails",
            json!({"trailNameList": ["here", "missing"]})
        )),
        ["here"]
    );
    assert_eq!(
        ok(&mut w, &eu, "GetTrail", json!({"Name": "everywhere"}))["Trail"]["HomeRegion"],
        json!("us-east-1")
    );
    // Changes only from the home region.
    assert_eq!(
        ct(&mut w, &eu, "StartLogging", json!({"Name": "everywhere"})),
        Err("InvalidHomeRegionException".into())
    );
    assert_eq!(
        ct(&mut w, &eu, "GetTrail", json!({"Name": "here"})),
        Err("TrailNotFoundException".into())
    );
    ok(
        &mut w,
        &a,
        "UpdateTrail",
        json!({"Name": "here", "IsMultiRegionTrail": true}),
    );
    assert_eq!(
        names(&ok(&mut w, &eu, "DescribeTrails", json!({}))),
        ["everywhere", "here"]
    );
    ok(
        &mut w,
        &a,
        "DeleteTrail",
        json!({"Name": format!("arn:aws:cloudtrail:us-east-1:{A}:trail/here")}),
    );
    assert_eq!(
        names(&ok(&mut w, &a, "DescribeTrails", json!({}))),
        ["everywhere"]
    );
}

#[test]
fn selectors_and_tags() {
    let mut w = world();
    let a = caller(A, "us-east-1");
    log_bucket(&mut w, A, "logs", &[A]);
    let arn = ok(&mut w, &a, "CreateTrail", json!({"Name": "main", "S3BucketName": "logs", "TagsList": [{"Key": "team", "Value": "sec"}]}))["TrailARN"].clone();
    let default = ok(
        &mut w,
        &a,
        "GetEventSelectors",
        json!({"TrailName": "main"}),
    );
    assert_eq!(default["EventSelectors"][0]["ReadWriteType"], json!("All"));
    assert_eq!(
        default["EventSelectors"][0]["IncludeManagementEvents"],
        json!(true)
    );
    ok(
        &mut w,
        &a,
        "PutEventSelectors",
        json!({"TrailName": "main", "EventSelectors": [{"ReadWriteType": "WriteOnly", "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::data/"]}]}]}),
    );
    assert_eq!(
        ok(&mut w, &a, "GetTrail", json!({"Name": "main"}))["Trail"]["HasCustomEventSelectors"],
        json!(true)
    );
    let advanced = json!([{"Name": "mgmt", "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}]);
    let put = ok(
        &mut w,
        &a,
        "PutEventSelectors",
        json!({"TrailName": "main", "AdvancedEventSelectors": advanced}),
    );
    assert_eq!(put["AdvancedEventSelectors"], advanced);
    assert!(ok(
        &mut w,
        &a,
        "GetEventSelectors",
        json!({"TrailName": "main"})
    )
    .get("EventSelectors")
    .is_none());
    assert_eq!(
        ct(
            &mut w,
            &a,
            "PutEventSelectors",
            json!({"TrailName": "main", "AdvancedEventSelectors": [{"FieldSelectors": [{"Field": "readOnly", "Equals": ["true"]}]}]})
        ),
        Err("InvalidEventSelectorsException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "PutEventSelectors",
            json!({"TrailName": "main", "EventSelectors": [{"ReadWriteType": "Sometimes"}]})
        ),
        Err("InvalidEventSelectorsException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "PutEventSelectors",
            json!({"TrailName": "main", "EventSelectors": [], "AdvancedEventSelectors": advanced})
        ),
        Err("InvalidParameterCombinationException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "GetInsightSelectors",
            json!({"TrailName": "main"})
        ),
        Err("InsightNotEnabledException".into())
    );
    ok(
        &mut w,
        &a,
        "PutInsightSelectors",
        json!({"TrailName": "main", "InsightSelectors": [{"InsightType": "ApiCallRateInsight"}]}),
    );
    assert_eq!(
        ok(
            &mut w,
            &a,
            "GetInsightSelectors",
            json!({"TrailName": "main"})
        )["InsightSelectors"][0]["InsightType"],
        json!("ApiCallRateInsight")
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "PutInsightSelectors",
            json!({"TrailName": "main", "InsightSelectors": [{"InsightType": "Other"}]})
        ),
        Err("InvalidInsightSelectorsException".into())
    );
    ok(
        &mut w,
        &a,
        "AddTags",
        json!({"ResourceId": arn, "TagsList": [{"Key": "env", "Value": "prod"}]}),
    );
    ok(
        &mut w,
        &a,
        "RemoveTags",
        json!({"ResourceId": arn, "TagsList": [{"Key": "team"}]}),
    );
    let tags = ok(&mut w, &a, "ListTags", json!({"ResourceIdList": [arn]}));
    assert_eq!(
        tags["ResourceTagList"][0]["TagsList"],
        json!([{"Key": "env", "Value": "prod"}])
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "AddTags",
            json!({"ResourceId": "nope", "TagsList": []})
        ),
        Err("CloudTrailARNInvalidException".into())
    );
    let many: Vec<Value> = (0..51).map(|i| json!({"Key": format!("k{i}")})).collect();
    assert_eq!(
        ct(
            &mut w,
            &a,
            "AddTags",
            json!({"ResourceId": arn, "TagsList": many})
        ),
        Err("TagsLimitExceededException".into())
    );
}

#[test]
fn organization_trails_and_delegated_admins() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 3);
    let (admin, member) = (accounts[0].clone(), accounts[1].clone());
    let management = caller(MANAGEMENT, "us-east-1");
    let org_id = w
        .organizations
        .organization_of(MANAGEMENT)
        .unwrap()
        .id
        .clone();
    log_bucket(&mut w, &accounts[2], "org-logs", &[MANAGEMENT, &org_id]);
    let org_trail = json!({"Name": "org", "S3BucketName": "org-logs", "IsOrganizationTrail": true, "IsMultiRegionTrail": true});
    assert_eq!(
        ct(&mut w, &management, "CreateTrail", org_trail.clone()),
        Err("CloudTrailAccessNotEnabledException".into())
    );
    let register = json!({"MemberAccountId": admin});
    assert_eq!(
        ct(
            &mut w,
            &management,
            "RegisterOrganizationDelegatedAdmin",
            register.clone()
        ),
        Err("CloudTrailAccessNotEnabledException".into())
    );
    org(
        &mut w,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "cloudtrail.amazonaws.com"}),
    );
    assert_eq!(
        ct(
            &mut w,
            &caller(&admin, "us-east-1"),
            "CreateTrail",
            org_trail.clone()
        ),
        Err("NotOrganizationMasterAccountException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &caller(&member, "us-east-1"),
            "RegisterOrganizationDelegatedAdmin",
            register.clone()
        ),
        Err("NotOrganizationManagementAccountException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &management,
            "RegisterOrganizationDelegatedAdmin",
            json!({"MemberAccountId": MANAGEMENT})
        ),
        Err("CannotDelegateManagementAccountException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &management,
            "RegisterOrganizationDelegatedAdmin",
            json!({"MemberAccountId": "999999999999"})
        ),
        Err("AccountNotFoundException".into())
    );
    ok(
        &mut w,
        &management,
        "RegisterOrganizationDelegatedAdmin",
        register.clone(),
    );
    assert_eq!(
        ct(
            &mut w,
            &management,
            "RegisterOrganizationDelegatedAdmin",
            register
        ),
        Err("AccountRegisteredException".into())
    );
    let listed = org(
        &mut w,
        "ListDelegatedAdministrators",
        json!({"ServicePrincipal": "cloudtrail.amazonaws.com"}),
    );
    assert_eq!(listed["DelegatedAdministrators"][0]["Id"], json!(admin));
    // The delegated administrator's organization trail belongs to the management account.
    let created = ok(
        &mut w,
        &caller(&admin, "us-east-1"),
        "CreateTrail",
        org_trail,
    );
    assert_eq!(
        created["TrailARN"],
        json!(format!(
            "arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org"
        ))
    );
    assert_eq!(created["IsOrganizationTrail"], json!(true));
    // Members see it, in any region, and cannot change it.
    let seen = ok(
        &mut w,
        &caller(&member, "eu-west-1"),
        "DescribeTrails",
        json!({}),
    );
    assert_eq!(seen["trailList"][0]["TrailARN"], created["TrailARN"]);
    let arn = created["TrailARN"].as_str().unwrap().to_string();
    assert_eq!(
        ct(
            &mut w,
            &caller(&member, "us-east-1"),
            "StopLogging",
            json!({"Name": arn})
        ),
        Err("NotOrganizationMasterAccountException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &caller(&member, "us-east-1"),
            "DeleteTrail",
            json!({"Name": arn})
        ),
        Err("NotOrganizationMasterAccountException".into())
    );
    ok(
        &mut w,
        &caller(&member, "us-east-1"),
        "GetTrailStatus",
        json!({"Name": arn}),
    );
    ok(
        &mut w,
        &caller(&admin, "us-east-1"),
        "StartLogging",
        json!({"Name": arn}),
    );
    assert_eq!(
        ok(
            &mut w,
            &management,
            "GetTrailStatus",
            json!({"Name": "org"})
        )["IsLogging"],
        json!(true)
    );
    // Outside the organization the trail is unknown.
    assert_eq!(
        ct(
            &mut w,
            &caller("444444444444", "us-east-1"),
            "GetTrail",
            json!({"Name": arn})
        ),
        Err("TrailNotFoundException".into())
    );
    ok(
        &mut w,
        &management,
        "DeregisterOrganizationDelegatedAdmin",
        json!({"DelegatedAdminAccountId": admin}),
    );
    assert_eq!(
        ct(
            &mut w,
            &management,
            "DeregisterOrganizationDelegatedAdmin",
            json!({"DelegatedAdminAccountId": admin})
        ),
        Err("AccountNotRegisteredException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &caller(&admin, "us-east-1"),
            "StopLogging",
            json!({"Name": arn})
        ),
        Err("NotOrganizationMasterAccountException".into())
    );
    let listed = org(
        &mut w,
        "ListDelegatedAdministrators",
        json!({"ServicePrincipal": "cloudtrail.amazonaws.com"}),
    );
    assert_eq!(listed["DelegatedAdministrators"], json!([]));
}

fn lookup(w: &mut World, who: &Caller, input: Value) -> Vec<Value> {
    ok(w, who, "LookupEvents", input)["Events"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_served_call_is_looked_up_newest_first() {
    let mut w = world();
    let a = caller(A, "us-east-1");
    s3(&mut w, &a, "CreateBucket", json!({"Bucket": "some-bucket"}));
    let _ = ct(&mut w, &a, "GetTrail", json!({"Name": "missing"}));
    let events = lookup(&mut w, &a, json!({}));
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["EventName"], json!("GetTrail"));
    assert_eq!(events[1]["EventName"], json!("CreateBucket"));
    assert_eq!(
        events[1]["Resources"],
        json!([{"ResourceType": "AWS::S3::Bucket", "ResourceName": "some-bucket"}])
    );
    let record: Value =
        serde_json::from_str(events[0]["CloudTrailEvent"].as_str().unwrap()).unwrap();
    assert_eq!(record["eventVersion"], json!("1.11"));
    assert_eq!(record["eventSource"], json!("cloudtrail.amazonaws.com"));
    assert_eq!(record["errorCode"], json!("TrailNotFoundException"));
    assert_eq!(record["requestParameters"], json!({"name": "missing"}));
    assert_eq!(record["responseElements"], Value::Null);
    assert_eq!(record["readOnly"], json!(true));
    assert_eq!(record["userIdentity"]["type"], json!("Root"));
    assert_eq!(
        record["userIdentity"]["arn"],
        json!(format!("arn:aws:iam::{A}:root"))
    );
    assert_eq!(record["sourceIPAddress"], json!("192.0.2.10"));
    assert_eq!(record["userAgent"], json!("aws-cli/2.0"));
    assert_eq!(record["recipientAccountId"], json!(A));
    assert_eq!(record["eventCategory"], json!("Management"));
    assert_eq!(
        record["requestID"],
        json!("6f0b9d2e-1f1a-4a1e-9a57-0c2f2b6f3a10")
    );
    // Filters: one attribute, time range, paging; another account and region see nothing.
    let by_name = lookup(
        &mut w,
        &a,
        json!({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "CreateBucket"}]}),
    );
    assert_eq!(by_name.len(), 1);
    let event_id = by_name[0]["EventId"].clone();
    let by_id = lookup(
        &mut w,
        &a,
        json!({"LookupAttributes": [{"AttributeKey": "EventId", "AttributeValue": event_id}]}),
    );
    assert_eq!(by_id[0]["EventName"], json!("CreateBucket"));
    assert_eq!(
        lookup(
            &mut w,
            &a,
            json!({"LookupAttributes": [{"AttributeKey": "ReadOnly", "AttributeValue": "false"}]})
        )
        .len(),
        1
    );
    assert_eq!(
        lookup(
            &mut w,
            &a,
            json!({"LookupAttributes": [{"AttributeKey": "Username", "AttributeValue": "root"}]})
        )
        .len(),
        6
    );
    assert_eq!(lookup(&mut w, &a, json!({"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": "some-bucket"}]})).len(), 1);
    assert!(lookup(&mut w, &caller("222222222222", "us-east-1"), json!({})).is_empty());
    assert!(lookup(&mut w, &caller(A, "eu-west-1"), json!({})).is_empty());
    let page = ok(&mut w, &a, "LookupEvents", json!({"MaxResults": 2}));
    assert_eq!(page["Events"].as_array().unwrap().len(), 2);
    let rest = ok(
        &mut w,
        &a,
        "LookupEvents",
        json!({"MaxResults": 50, "NextToken": page["NextToken"]}),
    );
    assert!(!rest["Events"].as_array().unwrap().is_empty());
    assert_eq!(
        ct(
            &mut w,
            &a,
            "LookupEvents",
            json!({"MaxResults": 2, "NextToken": "forged"})
        ),
        Err("InvalidNextTokenException".into())
    );
    assert_eq!(
        ct(&mut w, &a, "LookupEvents", json!({"MaxResults": 51})),
        Err("InvalidMaxResultsException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "LookupEvents",
            json!({"StartTime": 20, "EndTime": 10})
        ),
        Err("InvalidTimeRangeException".into())
    );
    let two = json!([{"AttributeKey": "EventName", "AttributeValue": "x"}, {"AttributeKey": "ReadOnly", "AttributeValue": "true"}]);
    assert_eq!(
        ct(&mut w, &a, "LookupEvents", json!({"LookupAttributes": two})),
        Err("InvalidLookupAttributesException".into())
    );
    let future = w.clock.now_ms() as f64 / 1000.0 + 3600.0;
    assert!(lookup(&mut w, &a, json!({"StartTime": future})).is_empty());
    // S3 object calls are data events: not in the event history.
    let before = w.cloudtrail.log.events.len();
    let _ = serve(
        &mut w,
        &a,
        ServiceId::S3,
        "HeadObject",
        json!({"Bucket": "some-bucket", "Key": "k"}),
    );
    assert_eq!(w.cloudtrail.log.events.len(), before + 1);
    assert!(lookup(
        &mut w,
        &a,
        json!({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "HeadObject"}]})
    )
    .is_empty());
}

#[test]
fn assumed_roles_and_users_are_identified_as_aws_does() {
    let mut w = world();
    let role = Caller {
        account_id: A.into(),
        principal: Principal::AssumedRole {
            role_name: "Admin".into(),
            role_id: "AROAEXAMPLE".into(),
            session_name: "alice".into(),
        },
        access_key_id: "ASIAEXAMPLE".into(),
        temporary: true,
        region: "us-east-1".into(),
    };
    let _ = ct(&mut w, &role, "ListTrails", json!({}));
    let user = Caller {
        principal: Principal::User {
            user_name: "bob".into(),
            user_id: "AIDAEXAMPLE".into(),
            path: "/".into(),
        },
        access_key_id: "AKIAEXAMPLE".into(),
        temporary: false,
        ..role.clone()
    };
    let _ = ct(&mut w, &user, "ListTrails", json!({}));
    let events = lookup(
        &mut w,
        &user,
        json!({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "ListTrails"}]}),
    );
    let record = |i: usize| -> Value {
        serde_json::from_str(events[i]["CloudTrailEvent"].as_str().unwrap()).unwrap()
    };
    let u = record(0)["userIdentity"].clone();
    assert_eq!(u["type"], json!("IAMUser"));
    assert_eq!(u["userName"], json!("bob"));
    assert_eq!(u["principalId"], json!("AIDAEXAMPLE"));
    assert_eq!(events[0]["Username"], json!("bob"));
    assert_eq!(events[0]["AccessKeyId"], json!("AKIAEXAMPLE"));
    let r = record(1)["userIdentity"].clone();
    assert_eq!(r["type"], json!("AssumedRole"));
    assert_eq!(
        r["arn"],
        json!(format!("arn:aws:sts::{A}:assumed-role/Admin/alice"))
    );
    assert_eq!(r["principalId"], json!("AROAEXAMPLE:alice"));
    assert_eq!(
        r["sessionContext"]["sessionIssuer"]["arn"],
        json!(format!("arn:aws:iam::{A}:role/Admin"))
    );
    assert_eq!(r["sessionContext"]["sessionIssuer"]["type"], json!("Role"));
    assert_eq!(events[1]["Username"], json!("alice"));
}

fn gunzip(bytes: &[u8]) -> Value {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn logging_trails_deliver_after_the_window() {
    let mut w = world();
    w.clock.pinned_ms = Some(1_764_662_400_000); // 2025-12-02T08:00:00Z
    let a = caller(A, "us-east-1");
    log_bucket(&mut w, A, "logs", &[&format!("ct/AWSLogs/{A}")]);
    ok(
        &mut w,
        &a,
        "CreateTrail",
        json!({"Name": "main", "S3BucketName": "logs", "S3KeyPrefix": "ct"}),
    );
    ok(&mut w, &a, "StartLogging", json!({"Name": "main"}));
    w.clock.advance(60_000);
    let _ = ct(&mut w, &a, "GetTrail", json!({"Name": "nope"}));
    assert!(
        list_keys(&w, "logs", "").is_empty(),
        "nothing before the window ends"
    );
    w.clock.advance(5 * 60_000);
    ok(&mut w, &a, "GetTrailStatus", json!({"Name": "main"}));
    let keys = list_keys(&w, "logs", "");
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key = &keys[0];
    let prefix = format!(
        "ct/AWSLogs/{A}/CloudTrail/us-east-1/2025/12/02/{A}_CloudTrail_us-east-1_20251202T0806Z_"
    );
    assert!(
        key.starts_with(&prefix) && key.ends_with(".json.gz"),
        "{key}"
    );
    assert_eq!(key.len(), prefix.len() + 16 + ".json.gz".len());
    let file = gunzip(&read_object(&w, "logs", key).unwrap());
    let names: Vec<&str> = file["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["StartLogging", "GetTrail"]);
    assert_eq!(
        file["Records"][1]["errorCode"],
        json!("TrailNotFoundException")
    );
    let status = ok(&mut w, &a, "GetTrailStatus", json!({"Name": "main"}));
    assert!(status["LatestDeliveryTime"].is_number(), "{status}");
    // A stopped trail delivers what it logged up to StopLogging, then nothing.
    ok(&mut w, &a, "StopLogging", json!({"Name": "main"}));
    let _ = ct(&mut w, &a, "ListTrails", json!({}));
    w.clock.advance(5 * 60_000);
    let _ = ct(&mut w, &a, "ListTrails", json!({}));
    let keys = list_keys(&w, "logs", "");
    assert_eq!(keys.len(), 2, "{keys:?}");
    let last = gunzip(&read_object(&w, "logs", &keys[1]).unwrap());
    let names: Vec<&str> = last["Records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GetTrailStatus", "GetTrailStatus", "StopLogging"]);
    w.clock.advance(5 * 60_000);
    let _ = ct(&mut w, &a, "ListTrails", json!({}));
    assert_eq!(list_keys(&w, "logs", "").len(), 2);
    // A policy that no longer lets CloudTrail write shows in the status.
    ok(&mut w, &a, "StartLogging", json!({"Name": "main"}));
    s3(&mut w, &a, "DeleteBucketPolicy", json!({"Bucket": "logs"}));
    w.clock.advance(5 * 60_000);
    let status = ok(&mut w, &a, "GetTrailStatus", json!({"Name": "main"}));
    assert_eq!(status["LatestDeliveryError"], json!("AccessDenied"));
}

#[test]
fn organization_trails_deliver_every_members_events() {
    let mut w = world();
    w.clock.pinned_ms = Some(1_764_662_400_000);
    let accounts = org_with_accounts(&mut w, 2);
    let org_id = w
        .organizations
        .organization_of(MANAGEMENT)
        .unwrap()
        .id
        .clone();
    let management = caller(MANAGEMENT, "us-east-1");
    org(
        &mut w,
        "EnableAWSServiceAccess",
        json!({"ServicePrincipal": "cloudtrail.amazonaws.com"}),
    );
    log_bucket(&mut w, &accounts[1], "archive", &[MANAGEMENT, &org_id]);
    ok(
        &mut w,
        &management,
        "CreateTrail",
        json!({"Name": "org", "S3BucketName": "archive", "IsOrganizationTrail": true, "IsMultiRegionTrail": true}),
    );
    ok(&mut w, &management, "StartLogging", json!({"Name": "org"}));
    let member = caller(&accounts[0], "eu-west-1");
    let _ = ct(&mut w, &member, "DeleteTrail", json!({"Name": "org"}));
    w.clock.advance(5 * 60_000);
    let _ = ct(&mut w, &management, "ListTrails", json!({}));
    let member_prefix = format!("AWSLogs/{org_id}/{}/CloudTrail/eu-west-1/", accounts[0]);
    let keys = list_keys(&w, "archive", &member_prefix);
    assert_eq!(keys.len(), 1, "{:?}", list_keys(&w, "archive", ""));
    let file = gunzip(&read_object(&w, "archive", &keys[0]).unwrap());
    assert_eq!(file["Records"][0]["eventName"], json!("DeleteTrail"));
    assert_eq!(
        file["Records"][0]["errorCode"],
        json!("NotOrganizationMasterAccountException")
    );
    assert_eq!(
        list_keys(
            &w,
            "archive",
            &format!("AWSLogs/{org_id}/{MANAGEMENT}/CloudTrail/us-east-1/")
        )
        .len(),
        1
    );
}

#[test]
fn event_data_stores_channels_and_queries() {
    let mut w = world();
    let a = caller(A, "us-east-1");
    let store = ok(
        &mut w,
        &a,
        "CreateEventDataStore",
        json!({"Name": "all-mgmt", "TerminationProtectionEnabled": true}),
    );
    let arn = store["EventDataStoreArn"].as_str().unwrap().to_string();
    assert_eq!(store["Status"], json!("ENABLED"));
    assert_eq!(store["RetentionPeriod"], json!(366));
    assert_eq!(
        store["AdvancedEventSelectors"][0]["FieldSelectors"][0]["Equals"],
        json!(["Management"])
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateEventDataStore",
            json!({"Name": "all-mgmt"})
        ),
        Err("EventDataStoreAlreadyExistsException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "CreateEventDataStore",
            json!({"Name": "short", "RetentionPeriod": 3})
        ),
        Err("InvalidParameterException".into())
    );
    let _ = ct(&mut w, &a, "GetTrail", json!({"Name": "missing"}));
    let _ = ct(&mut w, &a, "ListTrails", json!({}));
    let id = arn.rsplit('/').next().unwrap();
    let started = ok(
        &mut w,
        &a,
        "StartQuery",
        json!({"QueryStatement": format!("SELECT eventName, errorCode FROM {id} WHERE errorCode = 'TrailNotFoundException'")}),
    );
    let query_id = started["QueryId"].as_str().unwrap().to_string();
    let results = ok(&mut w, &a, "GetQueryResults", json!({"QueryId": query_id}));
    assert_eq!(results["QueryStatus"], json!("FINISHED"));
    assert_eq!(
        results["QueryResultRows"],
        json!([[{"eventName": "GetTrail"}, {"errorCode": "TrailNotFoundException"}]])
    );
    let described = ok(&mut w, &a, "DescribeQuery", json!({"QueryId": query_id}));
    assert_eq!(described["QueryStatus"], json!("FINISHED"));
    assert_eq!(
        ok(&mut w, &a, "ListQueries", json!({"EventDataStore": arn}))["Queries"][0]["QueryId"],
        json!(query_id)
    );
    assert_eq!(
        ct(&mut w, &a, "CancelQuery", json!({"QueryId": query_id})),
        Err("InactiveQueryException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "StartQuery",
            json!({"QueryStatement": format!("DROP TABLE {id}")})
        ),
        Err("InvalidQueryStatementException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "StartQuery",
            json!({"QueryStatement": "SELECT * FROM 00000000-0000-4000-8000-000000000000"})
        ),
        Err("EventDataStoreNotFoundException".into())
    );
    let count = ok(
        &mut w,
        &a,
        "StartQuery",
        json!({"QueryStatement": format!("SELECT eventName FROM {id} ORDER BY eventTime DESC LIMIT 1")}),
    );
    let one = ok(
        &mut w,
        &a,
        "GetQueryResults",
        json!({"QueryId": count["QueryId"]}),
    );
    assert_eq!(one["QueryResultRows"].as_array().unwrap().len(), 1);
    // Channels deliver into stores; a store with a channel, or protected, stays.
    let channel = ok(
        &mut w,
        &a,
        "CreateChannel",
        json!({"Name": "partner", "Source": "Custom", "Destinations": [{"Type": "EVENT_DATA_STORE", "Location": arn}]}),
    );
    let channel_arn = channel["ChannelArn"].as_str().unwrap().to_string();
    assert_eq!(
        ok(&mut w, &a, "GetChannel", json!({"Channel": channel_arn}))["Name"],
        json!("partner")
    );
    assert_eq!(
        ok(&mut w, &a, "ListChannels", json!({}))["Channels"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    ok(
        &mut w,
        &a,
        "UpdateChannel",
        json!({"Channel": channel_arn, "Name": "partner2"}),
    );
    let policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "cloudtrail-data:PutAuditEvents", "Resource": channel_arn}]}).to_string();
    ok(
        &mut w,
        &a,
        "PutResourcePolicy",
        json!({"ResourceArn": channel_arn, "ResourcePolicy": policy}),
    );
    assert_eq!(
        ok(
            &mut w,
            &a,
            "GetResourcePolicy",
            json!({"ResourceArn": channel_arn})
        )["ResourcePolicy"],
        json!(policy)
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "PutResourcePolicy",
            json!({"ResourceArn": channel_arn, "ResourcePolicy": "{"})
        ),
        Err("ResourcePolicyNotValidException".into())
    );
    ok(
        &mut w,
        &a,
        "DeleteResourcePolicy",
        json!({"ResourceArn": channel_arn}),
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "GetResourcePolicy",
            json!({"ResourceArn": channel_arn})
        ),
        Err("ResourcePolicyNotFoundException".into())
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "DeleteEventDataStore",
            json!({"EventDataStore": arn})
        ),
        Err("EventDataStoreTerminationProtectedException".into())
    );
    ok(
        &mut w,
        &a,
        "UpdateEventDataStore",
        json!({"EventDataStore": arn, "TerminationProtectionEnabled": false}),
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "DeleteEventDataStore",
            json!({"EventDataStore": arn})
        ),
        Err("ChannelExistsForEDSException".into())
    );
    ok(&mut w, &a, "DeleteChannel", json!({"Channel": channel_arn}));
    ok(
        &mut w,
        &a,
        "StopEventDataStoreIngestion",
        json!({"EventDataStore": arn}),
    );
    assert_eq!(
        ok(
            &mut w,
            &a,
            "GetEventDataStore",
            json!({"EventDataStore": arn})
        )["Status"],
        json!("STOPPED_INGESTION")
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "StopEventDataStoreIngestion",
            json!({"EventDataStore": arn})
        ),
        Err("InvalidEventDataStoreStatusException".into())
    );
    ok(
        &mut w,
        &a,
        "StartEventDataStoreIngestion",
        json!({"EventDataStore": arn}),
    );
    ok(
        &mut w,
        &a,
        "DeleteEventDataStore",
        json!({"EventDataStore": arn}),
    );
    assert_eq!(
        ok(
            &mut w,
            &a,
            "GetEventDataStore",
            json!({"EventDataStore": id})
        )["Status"],
        json!("PENDING_DELETION")
    );
    assert_eq!(
        ct(
            &mut w,
            &a,
            "UpdateEventDataStore",
            json!({"EventDataStore": arn, "Name": "other"})
        ),
        Err("InactiveEventDataStoreException".into())
    );
    ok(
        &mut w,
        &a,
        "RestoreEventDataStore",
        json!({"EventDataStore": arn}),
    );
    assert_eq!(
        ok(&mut w, &a, "ListEventDataStores", json!({}))["EventDataStores"][0]["Status"],
        json!("ENABLED")
    );
    ok(
        &mut w,
        &a,
        "PutEventConfiguration",
        json!({"EventDataStore": arn, "MaxEventSize": "Large"}),
    );
    assert_eq!(
        ok(
            &mut w,
            &a,
            "GetEventConfiguration",
            json!({"EventDataStore": arn})
        )["MaxEventSize"],
        json!("Large")
    );
}

#[test]
fn retention_is_bounded_and_events_are_small() {
    let mut w = world();
    w.clock.pinned_ms = Some(1_764_662_400_000);
    let a = caller(A, "us-east-1");
    for _ in 0..1000 {
        let _ = ct(&mut w, &a, "DescribeTrails", json!({}));
    }
    let per_event = w.cloudtrail.log.bytes_per_event();
    assert!(per_event < 400.0, "{per_event} bytes per event");
    w.clock.advance(super::log::RETENTION_MS + 1000);
    let _ = ct(&mut w, &a, "ListTrails", json!({}));
    assert_eq!(w.cloudtrail.log.events.len(), 1);
    assert_eq!(w.cloudtrail.log.first_seq, 1000);
}
