//! Unit tests of EC2's Regions slice against the Account API's opt-in state.

use serde_json::{json, Value};

use crate::api::ApiError;
use crate::auth::Caller;
use crate::services::account::model::REGION_OPT_DELAY_MS;
use crate::services::organizations::test_support::{root_caller, world};
use crate::world::World;

fn call(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, ApiError> {
    world.begin_request();
    super::super::dispatch(world, caller, op, input)
}

fn names(output: &Value, list: &str, field: &str) -> Vec<String> {
    output[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[field].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn opt_in_regions_show_only_with_all_regions_until_enabled() {
    let mut w = world();
    let me = root_caller("123456789012");
    let enabled = call(&mut w, &me, "DescribeRegions", json!({})).unwrap();
    let listed = names(&enabled, "regionInfo", "regionName");
    assert_eq!(listed.len(), 17);
    assert!(
        listed.contains(&"us-east-1".to_string()) && !listed.contains(&"af-south-1".to_string())
    );
    assert_eq!(
        enabled["regionInfo"][0]["optInStatus"],
        "opt-in-not-required"
    );

    let all = call(
        &mut w,
        &me,
        "DescribeRegions",
        json!({"AllRegions": "true"}),
    )
    .unwrap();
    assert_eq!(names(&all, "regionInfo", "regionName").len(), 34);
    let cape_town = all["regionInfo"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["regionName"] == "af-south-1")
        .unwrap();
    assert_eq!(cape_town["optInStatus"], "not-opted-in");
    assert_eq!(cape_town["regionEndpoint"], "ec2.af-south-1.amazonaws.com");

    // Enabled through the Account API: shown once ENABLED, as opted-in.
    crate::services::account::dispatch(
        &mut w,
        &me,
        "EnableRegion",
        json!({"RegionName": "af-south-1"}),
    )
    .unwrap();
    let during = call(&mut w, &me, "DescribeRegions", json!({})).unwrap();
    assert_eq!(names(&during, "regionInfo", "regionName").len(), 17);
    w.clock.advance(REGION_OPT_DELAY_MS);
    let after = call(
        &mut w,
        &me,
        "DescribeRegions",
        json!({"Filter": [{"Name": "opt-in-status", "Value": ["opted-in"]}]}),
    )
    .unwrap();
    assert_eq!(
        after["regionInfo"],
        json!([{"regionName": "af-south-1", "regionEndpoint": "ec2.af-south-1.amazonaws.com", "optInStatus": "opted-in"}])
    );
    // Another account is not affected.
    let other = call(
        &mut w,
        &root_caller("210987654321"),
        "DescribeRegions",
        json!({}),
    )
    .unwrap();
    assert_eq!(names(&other, "regionInfo", "regionName").len(), 17);
}

#[test]
fn region_names_and_filters() {
    let mut w = world();
    let me = root_caller("123456789012");
    let named = call(
        &mut w,
        &me,
        "DescribeRegions",
        json!({"RegionName": ["eu-west-1", "me-south-1"]}),
    )
    .unwrap();
    assert_eq!(
        names(&named, "regionInfo", "regionName"),
        ["eu-west-1", "me-south-1"]
    );
    let eu = call(
        &mut w,
        &me,
        "DescribeRegions",
        json!({"AllRegions": "true", "Filter": [{"Name": "region-name", "Value": ["eu-*"]}]}),
    )
    .unwrap();
    assert_eq!(names(&eu, "regionInfo", "regionName").len(), 8);
    let by_endpoint = call(
        &mut w,
        &me,
        "DescribeRegions",
        json!({"Filter": [{"Name": "endpoint", "Value": ["ec2.us-west-2.amazonaws.com"]}]}),
    )
    .unwrap();
    assert_eq!(
        names(&by_endpoint, "regionInfo", "regionName"),
        ["us-west-2"]
    );
    let errors = [
        json!({"RegionName": ["moon-east-1"]}),
        json!({"Filter": [{"Name": "colour", "Value": ["red"]}]}),
        json!({"AllRegions": "maybe"}),
    ];
    for input in errors {
        let e = call(&mut w, &me, "DescribeRegions", input.clone()).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue", "{input}");
    }
    let e = call(&mut w, &me, "DescribeRegions", json!({"DryRun": "true"})).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("DryRunOperation", 412));
}

#[test]
fn availability_zones_of_the_callers_region() {
    let mut w = world();
    let mut me = root_caller("123456789012");
    let zones = call(&mut w, &me, "DescribeAvailabilityZones", json!({})).unwrap();
    assert_eq!(
        names(&zones, "availabilityZoneInfo", "zoneName"),
        [
            "us-east-1a",
            "us-east-1b",
            "us-east-1c",
            "us-east-1d",
            "us-east-1e",
            "us-east-1f"
        ]
    );
    assert_eq!(zones["availabilityZoneInfo"][0]["zoneId"], "use1-az1");
    assert_eq!(zones["availabilityZoneInfo"][0]["zoneState"], "available");
    let by_id = call(
        &mut w,
        &me,
        "DescribeAvailabilityZones",
        json!({"ZoneId": ["use1-az3"]}),
    )
    .unwrap();
    assert_eq!(
        names(&by_id, "availabilityZoneInfo", "zoneName"),
        ["us-east-1c"]
    );
    let filtered = call(
        &mut w,
        &me,
        "DescribeAvailabilityZones",
        json!({"Filter": [{"Name": "zone-name", "Value": ["*a", "*b"]}]}),
    )
    .unwrap();
    assert_eq!(
        names(&filtered, "availabilityZoneInfo", "zoneName"),
        ["us-east-1a", "us-east-1b"]
    );
    let e = call(
        &mut w,
        &me,
        "DescribeAvailabilityZones",
        json!({"ZoneName": ["us-east-1z"]}),
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");

    // An opt-in Region the account has not enabled: EC2 there does not know the caller.
    me.region = "ap-east-1".into();
    let e = call(&mut w, &me, "DescribeAvailabilityZones", json!({})).unwrap_err();
    assert_eq!((e.code.as_str(), e.status), ("AuthFailure", 401));
    me.region = "us-west-1".into();
    let west = call(&mut w, &me, "DescribeAvailabilityZones", json!({})).unwrap();
    assert_eq!(
        names(&west, "availabilityZoneInfo", "zoneId"),
        ["usw1-az1", "usw1-az3"]
    );
}
