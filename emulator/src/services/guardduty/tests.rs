//! Tests of the deprecated `Master` forms, invitations inside one organization, lists,
//! publishing destinations, Malware Protection, coverage, usage and enum messages.

use bytes::Bytes;
use serde_json::{json, Value};

use super::test_support::*;
use crate::api::ServiceId;
use crate::services;
use crate::services::s3::objects::{put_object, WriteInput};
use crate::world::World;

const ADMIN: &str = "222222222222";
const MEMBER: &str = "333333333333";
const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

fn bucket(world: &mut World, account: &str, name: &str) {
    world.begin_request();
    services::dispatch(
        world,
        &root_caller(account),
        ServiceId::S3,
        "CreateBucket",
        json!({"Bucket": name}),
    )
    .expect("bucket created");
}

fn object(world: &mut World, account: &str, bucket: &str, key: &str, data: &'static [u8]) {
    let input: WriteInput = serde_json::from_value(json!({"Bucket": bucket, "Key": key})).unwrap();
    world.begin_request();
    put_object(
        world,
        &root_caller(account),
        input,
        crate::protocol::Payload::hashed(Bytes::from_static(data)),
    )
    .expect("object written");
}

fn error(world: &mut World, account: &str, op: &str, input: Value) -> (String, String) {
    error_of(run(world, &root_caller(account), op, input))
}

#[test]
fn deprecated_master_forms_behave_as_their_replacements() {
    let mut w = world();
    let admin = create_detector(&mut w, ADMIN);
    let member = create_detector(&mut w, MEMBER);
    run_ok(
        &mut w,
        ADMIN,
        "CreateMembers",
        json!({"DetectorId": admin, "accountDetails": [{"accountId": MEMBER, "email": "m@example.com"}]}),
    );
    run_ok(
        &mut w,
        ADMIN,
        "InviteMembers",
        json!({"DetectorId": admin, "accountIds": [MEMBER]}),
    );
    let invitation = run_ok(&mut w, MEMBER, "ListInvitations", json!({}))["invitations"][0]
        ["invitationId"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _) = error(
        &mut w,
        MEMBER,
        "AcceptInvitation",
        json!({"DetectorId": member, "masterId": ADMIN, "invitationId": "nope"}),
    );
    assert_eq!(code, "BadRequestException");
    run_ok(
        &mut w,
        MEMBER,
        "AcceptInvitation",
        json!({"DetectorId": member, "masterId": ADMIN, "invitationId": invitation}),
    );
    let master = run_ok(
        &mut w,
        MEMBER,
        "GetMasterAccount",
        json!({"DetectorId": member}),
    );
    assert_eq!(master["master"]["accountId"], ADMIN);
    assert_eq!(master["master"]["relationshipStatus"], "Enabled");
    assert_eq!(
        master["master"],
        run_ok(
            &mut w,
            MEMBER,
            "GetAdministratorAccount",
            json!({"DetectorId": member})
        )["administrator"]
    );
    run_ok(
        &mut w,
        MEMBER,
        "DisassociateFromMasterAccount",
        json!({"DetectorId": member}),
    );
    let listed = run_ok(
        &mut w,
        ADMIN,
        "GetMembers",
        json!({"DetectorId": admin, "accountIds": [MEMBER]}),
    );
    assert_eq!(listed["members"][0]["relationshipStatus"], "Resigned");
    assert_eq!(
        run_ok(
            &mut w,
            MEMBER,
            "GetMasterAccount",
            json!({"DetectorId": member})
        ),
        json!({})
    );
}

#[test]
fn accounts_of_one_organization_invite_each_other_without_a_delegated_admin() {
    let mut w = world();
    let accounts = org_with_accounts(&mut w, 2);
    let (master, member) = (accounts[0].clone(), accounts[1].clone());
    let master_detector = create_detector(&mut w, &master);
    let member_detector = create_detector(&mut w, &member);
    let out = run_ok(
        &mut w,
        &master,
        "CreateMembers",
        json!({"DetectorId": master_detector, "accountDetails": [{"accountId": member, "email": "m@example.com"}]}),
    );
    assert_eq!(out["unprocessedAccounts"], json!([]));
    let status = |w: &mut World| {
        run_ok(
            w,
            &master,
            "ListMembers",
            json!({"DetectorId": master_detector, "onlyAssociated": "false"}),
        )["members"][0]["relationshipStatus"]
            .clone()
    };
    assert_eq!(status(&mut w), "Created");
    run_ok(
        &mut w,
        &master,
        "InviteMembers",
        json!({"DetectorId": master_detector, "accountIds": [member]}),
    );
    assert_eq!(status(&mut w), "Invited");
    let invitation = run_ok(&mut w, &member, "ListInvitations", json!({}))["invitations"][0]
        ["invitationId"]
        .as_str()
        .unwrap()
        .to_string();
    run_ok(
        &mut w,
        &member,
        "AcceptInvitation",
        json!({"DetectorId": member_detector, "masterId": master, "invitationId": invitation}),
    );
    assert_eq!(status(&mut w), "Enabled");
}

#[test]
fn ip_and_threat_lists_read_their_location_from_s3() {
    let mut w = world();
    let detector = create_detector(&mut w, ADMIN);
    bucket(&mut w, ADMIN, "lists");
    object(&mut w, ADMIN, "lists", "trusted.txt", b"10.0.0.0/8\n");
    let created = run_ok(
        &mut w,
        ADMIN,
        "CreateIPSet",
        json!({"DetectorId": detector, "name": "office", "format": "TXT",
               "location": "https://s3.amazonaws.com/lists/trusted.txt", "activate": true,
               "tags": {"team": "sec"}}),
    );
    let ip_set = created["ipSetId"].as_str().unwrap().to_string();
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetIPSet",
        json!({"DetectorId": detector, "IpSetId": ip_set}),
    );
    assert_eq!(got["status"], "ACTIVE");
    assert_eq!(got["tags"]["team"], "sec");
    // One trusted IP list per detector.
    let (code, message) = error(
        &mut w,
        ADMIN,
        "CreateIPSet",
        json!({"DetectorId": detector, "name": "second", "format": "TXT",
               "location": "s3://lists/trusted.txt", "activate": false}),
    );
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("limit"), "{message}");
    // A threat list whose object is missing reports ERROR; up to six of them.
    for i in 0..6 {
        let out = run_ok(
            &mut w,
            ADMIN,
            "CreateThreatIntelSet",
            json!({"DetectorId": detector, "name": format!("t{i}"), "format": "STIX",
                   "location": "https://lists.s3.us-east-1.amazonaws.com/missing.xml", "activate": true}),
        );
        assert!(out["threatIntelSetId"].is_string());
    }
    let listed = run_ok(
        &mut w,
        ADMIN,
        "ListThreatIntelSets",
        json!({"DetectorId": detector, "maxResults": 4}),
    );
    assert_eq!(listed["threatIntelSetIds"].as_array().unwrap().len(), 4);
    assert!(listed["nextToken"].is_string());
    let first = listed["threatIntelSetIds"][0].as_str().unwrap().to_string();
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetThreatIntelSet",
        json!({"DetectorId": detector, "ThreatIntelSetId": first}),
    );
    assert_eq!(got["status"], "ERROR");
    // An IP set id is not a threat-intel set id.
    let (code, _) = error(
        &mut w,
        ADMIN,
        "GetThreatIntelSet",
        json!({"DetectorId": detector, "ThreatIntelSetId": ip_set}),
    );
    assert_eq!(code, "BadRequestException");
    // Updating the location to a readable object activates it.
    object(&mut w, ADMIN, "lists", "bad.xml", b"<stix/>");
    run_ok(
        &mut w,
        ADMIN,
        "UpdateThreatIntelSet",
        json!({"DetectorId": detector, "ThreatIntelSetId": first, "location": "s3://lists/bad.xml", "name": "renamed"}),
    );
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetThreatIntelSet",
        json!({"DetectorId": detector, "ThreatIntelSetId": first}),
    );
    assert_eq!(
        (got["status"].clone(), got["name"].clone()),
        (json!("ACTIVE"), json!("renamed"))
    );
    // Entity sets report timestamps and the reason for an error.
    let entity = run_ok(
        &mut w,
        ADMIN,
        "CreateThreatEntitySet",
        json!({"DetectorId": detector, "name": "domains", "format": "TXT",
               "location": "s3://nobucket/x.txt", "activate": true}),
    )["threatEntitySetId"]
        .as_str()
        .unwrap()
        .to_string();
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetThreatEntitySet",
        json!({"DetectorId": detector, "ThreatEntitySetId": entity}),
    );
    assert_eq!(got["status"], "ERROR");
    assert!(got["errorDetails"].as_str().unwrap().contains("nobucket"));
    assert!(got["createdAt"].is_number());
    // Tags on a list through its ARN.
    let arn =
        format!("arn:aws:guardduty:us-east-1:{ADMIN}:detector/{detector}/threatentityset/{entity}");
    run_ok(
        &mut w,
        ADMIN,
        "TagResource",
        json!({"ResourceArn": arn, "tags": {"k": "v"}}),
    );
    assert_eq!(
        run_ok(
            &mut w,
            ADMIN,
            "ListTagsForResource",
            json!({"ResourceArn": arn})
        )["tags"],
        json!({"k": "v"})
    );
    run_ok(
        &mut w,
        ADMIN,
        "DeleteThreatEntitySet",
        json!({"DetectorId": detector, "ThreatEntitySetId": entity}),
    );
    let (code, _) = error(
        &mut w,
        ADMIN,
        "ListTagsForResource",
        json!({"ResourceArn": arn}),
    );
    assert_eq!(code, "BadRequestException");
    let trusted = run_ok(
        &mut w,
        ADMIN,
        "CreateTrustedEntitySet",
        json!({"DetectorId": detector, "name": "ok", "format": "TXT",
               "location": "s3://lists/trusted.txt", "activate": false}),
    );
    let listed = run_ok(
        &mut w,
        ADMIN,
        "ListTrustedEntitySets",
        json!({"DetectorId": detector}),
    );
    assert_eq!(
        listed["trustedEntitySetIds"],
        json!([trusted["trustedEntitySetId"]])
    );
    // Malformed locations are refused before anything is stored.
    let (code, message) = error(
        &mut w,
        ADMIN,
        "CreateThreatEntitySet",
        json!({"DetectorId": detector, "name": "x", "format": "TXT",
               "location": "ftp://example.com/x", "activate": true}),
    );
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("location"), "{message}");
}

#[test]
fn members_cannot_manage_lists() {
    let mut w = world();
    let admin = create_detector(&mut w, ADMIN);
    let member = create_detector(&mut w, MEMBER);
    run_ok(
        &mut w,
        ADMIN,
        "CreateMembers",
        json!({"DetectorId": admin, "accountDetails": [{"accountId": MEMBER, "email": "m@example.com"}]}),
    );
    run_ok(
        &mut w,
        ADMIN,
        "InviteMembers",
        json!({"DetectorId": admin, "accountIds": [MEMBER]}),
    );
    let invitation = run_ok(&mut w, MEMBER, "ListInvitations", json!({}))["invitations"][0]
        ["invitationId"]
        .clone();
    run_ok(
        &mut w,
        MEMBER,
        "AcceptAdministratorInvitation",
        json!({"DetectorId": member, "administratorId": ADMIN, "invitationId": invitation}),
    );
    let (code, message) = error(
        &mut w,
        MEMBER,
        "CreateIPSet",
        json!({"DetectorId": member, "name": "x", "format": "TXT",
               "location": "s3://b/k", "activate": false}),
    );
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("member account"), "{message}");
}

#[test]
fn publishing_destinations_need_an_existing_bucket() {
    let mut w = world();
    let detector = create_detector(&mut w, ADMIN);
    let props = |bucket: &str| {
        json!({"destinationArn": format!("arn:aws:s3:::{bucket}/findings"),
               "kmsKeyArn": format!("arn:aws:kms:us-east-1:{ADMIN}:key/1234abcd")})
    };
    let (code, message) = error(
        &mut w,
        ADMIN,
        "CreatePublishingDestination",
        json!({"DetectorId": detector, "destinationType": "S3", "destinationProperties": props("export")}),
    );
    assert_eq!(code, "BadRequestException");
    assert!(message.contains("does not exist"), "{message}");
    bucket(&mut w, ADMIN, "export");
    let id = run_ok(
        &mut w,
        ADMIN,
        "CreatePublishingDestination",
        json!({"DetectorId": detector, "destinationType": "S3", "destinationProperties": props("export")}),
    )["destinationId"]
        .as_str()
        .unwrap()
        .to_string();
    let described = run_ok(
        &mut w,
        ADMIN,
        "DescribePublishingDestination",
        json!({"DetectorId": detector, "DestinationId": id}),
    );
    assert_eq!(described["status"], "PUBLISHING");
    assert_eq!(
        described["destinationProperties"]["destinationArn"],
        "arn:aws:s3:::export/findings"
    );
    let (code, _) = error(
        &mut w,
        ADMIN,
        "UpdatePublishingDestination",
        json!({"DetectorId": detector, "DestinationId": id, "destinationProperties": props("elsewhere")}),
    );
    assert_eq!(code, "BadRequestException");
    bucket(&mut w, ADMIN, "elsewhere");
    run_ok(
        &mut w,
        ADMIN,
        "UpdatePublishingDestination",
        json!({"DetectorId": detector, "DestinationId": id, "destinationProperties": props("elsewhere")}),
    );
    let listed = run_ok(
        &mut w,
        ADMIN,
        "ListPublishingDestinations",
        json!({"DetectorId": detector}),
    );
    assert_eq!(
        listed["destinations"],
        json!([{"destinationId": id, "destinationType": "S3", "status": "PUBLISHING"}])
    );
    run_ok(
        &mut w,
        ADMIN,
        "DeletePublishingDestination",
        json!({"DetectorId": detector, "DestinationId": id}),
    );
    let (code, _) = error(
        &mut w,
        ADMIN,
        "DescribePublishingDestination",
        json!({"DetectorId": detector, "DestinationId": id}),
    );
    assert_eq!(code, "BadRequestException");
}

#[test]
fn malware_protection_plans_scan_objects_and_tag_them() {
    let mut w = world();
    bucket(&mut w, ADMIN, "uploads");
    let role = format!("arn:aws:iam::{ADMIN}:role/scanner");
    let plan = run_ok(
        &mut w,
        ADMIN,
        "CreateMalwareProtectionPlan",
        json!({"role": role, "protectedResource": {"s3Bucket": {"bucketName": "uploads"}},
               "actions": {"tagging": {"status": "ENABLED"}}}),
    )["malwareProtectionPlanId"]
        .as_str()
        .unwrap()
        .to_string();
    let (code, _) = error(
        &mut w,
        ADMIN,
        "CreateMalwareProtectionPlan",
        json!({"role": role, "protectedResource": {"s3Bucket": {"bucketName": "uploads"}}}),
    );
    assert_eq!(code, "ConflictException");
    let (code, _) = error(
        &mut w,
        ADMIN,
        "CreateMalwareProtectionPlan",
        json!({"role": role, "protectedResource": {"s3Bucket": {"bucketName": "absent"}}}),
    );
    assert_eq!(code, "BadRequestException");
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetMalwareProtectionPlan",
        json!({"MalwareProtectionPlanId": plan}),
    );
    assert_eq!(got["status"], "ACTIVE");
    assert_eq!(
        got["arn"],
        format!("arn:aws:guardduty:us-east-1:{ADMIN}:malware-protection-plan/{plan}")
    );
    object(&mut w, ADMIN, "uploads", "clean.txt", b"hello");
    object(&mut w, ADMIN, "uploads", "eicar.com", EICAR);
    for key in ["clean.txt", "eicar.com"] {
        run_ok(
            &mut w,
            ADMIN,
            "SendObjectMalwareScan",
            json!({"s3Object": {"bucket": "uploads", "key": key}}),
        );
    }
    let tag = |w: &World, key: &str| {
        w.s3.buckets["uploads"].objects[key]
            .tags
            .iter()
            .find(|(k, _)| k == "GuardDutyMalwareScanStatus")
            .map(|(_, v)| v.clone())
    };
    assert_eq!(tag(&w, "clean.txt").as_deref(), Some("NO_THREATS_FOUND"));
    assert_eq!(tag(&w, "eicar.com").as_deref(), Some("THREATS_FOUND"));
    let scans = run_ok(
        &mut w,
        ADMIN,
        "ListMalwareScans",
        json!({"filterCriteria": {"filterCriterion": [{"criterionKey": "RESOURCE_TYPE", "filterCondition": {"equalsValue": "S3_BUCKET"}}]}}),
    );
    let results: Vec<&str> = scans["scans"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scanResultStatus"].as_str().unwrap())
        .collect();
    assert_eq!(results.len(), 2);
    assert!(results.contains(&"THREATS_FOUND"));
    let scan_id = scans["scans"][0]["scanId"].as_str().unwrap().to_string();
    let scan = run_ok(&mut w, ADMIN, "GetMalwareScan", json!({"ScanId": scan_id}));
    assert_eq!(scan["scanStatus"], "COMPLETED");
    let (code, _) = error(&mut w, ADMIN, "GetMalwareScan", json!({"ScanId": "nope"}));
    assert_eq!(code, "ResourceNotFoundException");
    // An unprotected bucket is refused.
    bucket(&mut w, ADMIN, "other");
    let (code, _) = error(
        &mut w,
        ADMIN,
        "SendObjectMalwareScan",
        json!({"s3Object": {"bucket": "other", "key": "x"}}),
    );
    assert_eq!(code, "BadRequestException");
    run_ok(
        &mut w,
        ADMIN,
        "UpdateMalwareProtectionPlan",
        json!({"MalwareProtectionPlanId": plan, "protectedResource": {"s3Bucket": {"objectPrefixes": ["in/"]}},
               "actions": {"tagging": {"status": "DISABLED"}}}),
    );
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetMalwareProtectionPlan",
        json!({"MalwareProtectionPlanId": plan}),
    );
    assert_eq!(
        got["protectedResource"]["s3Bucket"]["objectPrefixes"],
        json!(["in/"])
    );
    assert_eq!(got["actions"]["tagging"]["status"], "DISABLED");
    assert_eq!(
        run_ok(&mut w, ADMIN, "ListMalwareProtectionPlans", json!({}))["malwareProtectionPlans"],
        json!([{"malwareProtectionPlanId": plan}])
    );
    run_ok(
        &mut w,
        ADMIN,
        "DeleteMalwareProtectionPlan",
        json!({"MalwareProtectionPlanId": plan}),
    );
    let (code, _) = error(
        &mut w,
        ADMIN,
        "GetMalwareProtectionPlan",
        json!({"MalwareProtectionPlanId": plan}),
    );
    assert_eq!(code, "ResourceNotFoundException");
}

#[test]
fn on_demand_scans_and_scan_settings() {
    let mut w = world();
    let detector = create_detector(&mut w, ADMIN);
    let instance = format!("arn:aws:ec2:us-east-1:{ADMIN}:instance/i-0123456789abcdef0");
    let scan = run_ok(
        &mut w,
        ADMIN,
        "StartMalwareScan",
        json!({"resourceArn": instance}),
    )["scanId"]
        .as_str()
        .unwrap()
        .to_string();
    let described = run_ok(
        &mut w,
        ADMIN,
        "DescribeMalwareScans",
        json!({"DetectorId": detector}),
    );
    assert_eq!(described["scans"][0]["scanId"], scan.as_str());
    assert_eq!(described["scans"][0]["scanStatus"], "FAILED");
    assert_eq!(described["scans"][0]["failureReason"], "RESOURCE_NOT_FOUND");
    let (code, _) = error(
        &mut w,
        ADMIN,
        "StartMalwareScan",
        json!({"resourceArn": "arn:aws:ec2:us-east-1:444444444444:instance/i-1"}),
    );
    assert_eq!(code, "BadRequestException");
    assert_eq!(
        run_ok(
            &mut w,
            ADMIN,
            "GetMalwareScanSettings",
            json!({"DetectorId": detector})
        ),
        json!({"ebsSnapshotPreservation": "NO_RETENTION"})
    );
    let criteria =
        json!({"include": {"EC2_INSTANCE_TAG": {"mapEquals": [{"key": "scan", "value": "yes"}]}}});
    run_ok(
        &mut w,
        ADMIN,
        "UpdateMalwareScanSettings",
        json!({"DetectorId": detector, "ebsSnapshotPreservation": "RETENTION_WITH_FINDING", "scanResourceCriteria": criteria}),
    );
    let settings = run_ok(
        &mut w,
        ADMIN,
        "GetMalwareScanSettings",
        json!({"DetectorId": detector}),
    );
    assert_eq!(
        settings["ebsSnapshotPreservation"],
        "RETENTION_WITH_FINDING"
    );
    assert_eq!(settings["scanResourceCriteria"], criteria);
}

#[test]
fn coverage_usage_and_free_trial() {
    let mut w = world();
    w.clock.advance(0);
    let detector = create_detector(&mut w, ADMIN);
    assert_eq!(
        run_ok(
            &mut w,
            ADMIN,
            "ListCoverage",
            json!({"DetectorId": detector})
        ),
        json!({"resources": []})
    );
    assert_eq!(
        run_ok(
            &mut w,
            ADMIN,
            "GetCoverageStatistics",
            json!({"DetectorId": detector, "statisticsType": ["COUNT_BY_COVERAGE_STATUS"]}),
        ),
        json!({"coverageStatistics": {"countByCoverageStatus": {}}})
    );
    let usage = run_ok(
        &mut w,
        ADMIN,
        "GetUsageStatistics",
        json!({"DetectorId": detector, "usageStatisticsType": "SUM_BY_ACCOUNT", "usageCriteria": {}}),
    );
    assert_eq!(
        usage["usageStatistics"]["sumByAccount"],
        json!([{"accountId": ADMIN, "total": {"amount": "0", "unit": "USD"}}])
    );
    let usage = run_ok(
        &mut w,
        ADMIN,
        "GetUsageStatistics",
        json!({"DetectorId": detector, "usageStatisticsType": "SUM_BY_FEATURES", "usageCriteria": {"features": ["AI_PROTECTION", "EKS_RUNTIME_MONITORING"]}}),
    );
    assert_eq!(
        usage["usageStatistics"]["sumByFeature"],
        json!([{"feature": "AI_PROTECTION", "total": {"amount": "0", "unit": "USD"}}])
    );
    w.clock.advance(10 * 86_400_000);
    let trial = run_ok(
        &mut w,
        ADMIN,
        "GetRemainingFreeTrialDays",
        json!({"DetectorId": detector, "accountIds": [ADMIN, MEMBER]}),
    );
    assert_eq!(
        trial["accounts"][0]["dataSources"]["cloudTrail"]["freeTrialDaysRemaining"],
        20
    );
    assert_eq!(trial["unprocessedAccounts"][0]["accountId"], MEMBER);
}

#[test]
fn a_new_detector_reports_every_optional_plan_but_runtime_monitoring() {
    let mut w = world();
    let detector = create_detector(&mut w, ADMIN);
    let got = run_ok(
        &mut w,
        ADMIN,
        "GetDetector",
        json!({"DetectorId": detector}),
    );
    let status = |name: &str| {
        got["features"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .map(|f| f["status"].clone())
    };
    for on in [
        "CLOUD_TRAIL",
        "DNS_LOGS",
        "FLOW_LOGS",
        "S3_DATA_EVENTS",
        "EKS_AUDIT_LOGS",
        "EBS_MALWARE_PROTECTION",
        "RDS_LOGIN_EVENTS",
        "LAMBDA_NETWORK_LOGS",
        "AI_PROTECTION",
    ] {
        assert_eq!(status(on), Some(json!("ENABLED")), "{on}");
    }
    for off in ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"] {
        assert_eq!(status(off), Some(json!("DISABLED")), "{off}");
    }
}

#[test]
fn sample_findings_take_every_documented_type() {
    let mut w = world();
    let detector = create_detector(&mut w, ADMIN);
    run_ok(
        &mut w,
        ADMIN,
        "CreateSampleFindings",
        json!({"DetectorId": detector, "findingTypes": ["UnauthorizedAccess:EC2/TorRelay", "AttackSequence:IAM/CompromisedCredentials"]}),
    );
    let ids = run_ok(
        &mut w,
        ADMIN,
        "ListFindings",
        json!({"DetectorId": detector}),
    )["findingIds"]
        .clone();
    let found = run_ok(
        &mut w,
        ADMIN,
        "GetFindings",
        json!({"DetectorId": detector, "findingIds": ids}),
    );
    let mut types: Vec<&str> = found["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "AttackSequence:IAM/CompromisedCredentials",
            "UnauthorizedAccess:EC2/TorRelay"
        ]
    );
}

/// Every enum-valued member of the operations built here: a value outside the model's
/// enum gets AWS's "invalid value" message naming the member, never a parser's text.
#[test]
fn invalid_enum_values_get_aws_messages() {
    let mut w = world();
    let d = create_detector(&mut w, ADMIN);
    let cases = [
        (
            "CreateDetector",
            json!({"enable": true, "findingPublishingFrequency": "HOURLY"}),
            "findingPublishingFrequency",
        ),
        (
            "UpdateDetector",
            json!({"DetectorId": d, "features": [{"name": "NOPE", "status": "ENABLED"}]}),
            "features.name",
        ),
        (
            "UpdateDetector",
            json!({"DetectorId": d, "features": [{"name": "AI_PROTECTION", "status": "ON"}]}),
            "features.status",
        ),
        (
            "CreateIPSet",
            json!({"DetectorId": d, "name": "n", "format": "CSV", "location": "s3://b/k", "activate": true}),
            "format",
        ),
        (
            "CreateThreatIntelSet",
            json!({"DetectorId": d, "name": "n", "format": "XML", "location": "s3://b/k", "activate": true}),
            "format",
        ),
        (
            "CreateThreatEntitySet",
            json!({"DetectorId": d, "name": "n", "format": "JSON", "location": "s3://b/k", "activate": true}),
            "format",
        ),
        (
            "CreateTrustedEntitySet",
            json!({"DetectorId": d, "name": "n", "format": "YAML", "location": "s3://b/k", "activate": true}),
            "format",
        ),
        (
            "CreatePublishingDestination",
            json!({"DetectorId": d, "destinationType": "SQS", "destinationProperties": {}}),
            "destinationType",
        ),
        (
            "CreateMalwareProtectionPlan",
            json!({"role": format!("arn:aws:iam::{ADMIN}:role/r"), "protectedResource": {"s3Bucket": {"bucketName": "b"}}, "actions": {"tagging": {"status": "MAYBE"}}}),
            "actions.tagging.status",
        ),
        (
            "UpdateMalwareScanSettings",
            json!({"DetectorId": d, "ebsSnapshotPreservation": "FOREVER"}),
            "ebsSnapshotPreservation",
        ),
        (
            "GetCoverageStatistics",
            json!({"DetectorId": d, "statisticsType": ["COUNT_BY_COLOUR"]}),
            "statisticsType",
        ),
        (
            "ListCoverage",
            json!({"DetectorId": d, "filterCriteria": {"filterCriterion": [{"criterionKey": "COLOUR"}]}}),
            "criterionKey",
        ),
        (
            "ListCoverage",
            json!({"DetectorId": d, "sortCriteria": {"orderBy": "UP"}}),
            "orderBy",
        ),
        (
            "GetUsageStatistics",
            json!({"DetectorId": d, "usageStatisticsType": "SUM_BY_MOOD", "usageCriteria": {}}),
            "usageStatisticsType",
        ),
        (
            "GetUsageStatistics",
            json!({"DetectorId": d, "usageStatisticsType": "SUM_BY_FEATURES", "usageCriteria": {"features": ["TELEPATHY"]}}),
            "usageCriteria.features",
        ),
        (
            "GetUsageStatistics",
            json!({"DetectorId": d, "usageStatisticsType": "SUM_BY_DATA_SOURCE", "usageCriteria": {"dataSources": ["CARRIER_PIGEON"]}}),
            "usageCriteria.dataSources",
        ),
        (
            "DescribeMalwareScans",
            json!({"DetectorId": d, "filterCriteria": {"filterCriterion": [{"criterionKey": "COLOUR", "filterCondition": {}}]}}),
            "criterionKey",
        ),
        (
            "ListMalwareScans",
            json!({"sortCriteria": {"orderBy": "SIDEWAYS"}}),
            "orderBy",
        ),
        (
            "CreateSampleFindings",
            json!({"DetectorId": d, "findingTypes": ["Made:Up/Type"]}),
            "findingTypes",
        ),
        (
            "CreateFilter",
            json!({"DetectorId": d, "name": "fff", "action": "DROP", "findingCriteria": {"criterion": {"severity": {"gte": 4}}}}),
            "action",
        ),
    ];
    for (op, input, member) in cases {
        let (code, message) = error(&mut w, ADMIN, op, input);
        assert_eq!(code, "BadRequestException", "{op}");
        assert!(
            message.contains("invalid value") && message.contains(member),
            "{op}: {message}"
        );
        assert!(!message.contains("unknown variant"), "{op}: {message}");
    }
}
