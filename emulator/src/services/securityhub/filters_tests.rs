//! Filter semantics, one by one against the API Reference's definitions of
//! `StringFilter`, `NumberFilter`, `DateFilter`, `MapFilter`, `IpFilter`,
//! `BooleanFilter`, `KeywordFilter` and `SortCriterion`.

use serde_json::{json, Value};

use super::filters::{parse_sort, sort, FindingFilters};

const NOW: i64 = 1_700_000_000_000; // 2023-11-14T22:13:20Z

fn finding(id: &str) -> Value {
    json!({
        "Id": id,
        "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/guardduty",
        "AwsAccountId": "123456789012",
        "Title": "GuardDuty Lambda Protection finding about CloudFront",
        "Types": ["TTPs/Discovery/Recon:EC2-Portscan", "Effects/Data Exposure"],
        "CreatedAt": "2023-11-10T00:00:00Z",
        "UpdatedAt": "2023-11-14T00:00:00.000Z",
        "Severity": {"Label": "HIGH", "Normalized": 70},
        "Confidence": 50,
        "Network": {"SourceIpV4": "10.1.2.3", "SourceIpV6": "2001:db8::1", "DestinationPort": 22},
        "Resources": [
            {"Type": "AwsIamRole", "Id": "r1", "Region": "us-east-1", "Tags": {"Department": "Security team", "Env": "prod"}},
            {"Type": "AwsEc2Instance", "Id": "i-1", "Region": "eu-west-1", "Details": {"AwsEc2Instance": {"IpV4Addresses": ["172.16.0.9"]}}},
        ],
    })
}

fn matches(filters: Value, f: &Value) -> bool {
    FindingFilters::parse(&filters, NOW)
        .expect("valid filters")
        .matches(f)
}

fn s(attr: &str, comparison: &str, value: &str) -> Value {
    json!({attr: [{"Value": value, "Comparison": comparison}]})
}

fn refused(filters: Value) -> bool {
    FindingFilters::parse(&filters, NOW).is_err()
}

#[test]
fn equals_and_not_equals() {
    let f = finding("a");
    assert!(matches(s("AwsAccountId", "EQUALS", "123456789012"), &f));
    assert!(!matches(s("AwsAccountId", "EQUALS", "12345678901"), &f));
    assert!(!matches(
        s("AwsAccountId", "NOT_EQUALS", "123456789012"),
        &f
    ));
    assert!(matches(s("AwsAccountId", "NOT_EQUALS", "999999999999"), &f));
}

#[test]
fn values_are_case_sensitive() {
    let f = json!({"ProductName": "Security Hub"});
    assert!(matches(s("ProductName", "EQUALS", "Security Hub"), &f));
    assert!(!matches(s("ProductName", "EQUALS", "security hub"), &f));
}

#[test]
fn prefix_and_prefix_not_equals() {
    let f = json!({"Resources": [{"Type": "T", "Id": "x", "Region": "us-east-1"}]});
    assert!(matches(s("ResourceRegion", "PREFIX", "us"), &f));
    assert!(!matches(s("ResourceRegion", "PREFIX", "af"), &f));
    assert!(!matches(s("ResourceRegion", "PREFIX_NOT_EQUALS", "us"), &f));
    assert!(matches(s("ResourceRegion", "PREFIX_NOT_EQUALS", "ap"), &f));
}

#[test]
fn contains_filters_are_joined_by_or_not_contains_by_and() {
    let f = finding("a");
    let either = json!({"Title": [
        {"Value": "CloudFront", "Comparison": "CONTAINS"},
        {"Value": "CloudWatch", "Comparison": "CONTAINS"},
    ]});
    assert!(matches(either, &f), "one of the CONTAINS filters is enough");
    let neither = json!({"Title": [
        {"Value": "CloudTrail", "Comparison": "NOT_CONTAINS"},
        {"Value": "CloudWatch", "Comparison": "NOT_CONTAINS"},
    ]});
    assert!(matches(neither, &f));
    let both = json!({"Title": [
        {"Value": "CloudWatch", "Comparison": "NOT_CONTAINS"},
        {"Value": "CloudFront", "Comparison": "NOT_CONTAINS"},
    ]});
    assert!(!matches(both, &f), "every NOT_CONTAINS filter must hold");
}

#[test]
fn prefix_then_not_equals_as_in_the_reference_example() {
    let with = |ty: &str| json!({"Resources": [{"Type": ty, "Id": "x"}]});
    let filters = json!({"ResourceType": [
        {"Value": "AwsIam", "Comparison": "PREFIX"},
        {"Value": "AwsEc2", "Comparison": "PREFIX"},
        {"Value": "AwsIamPolicy", "Comparison": "NOT_EQUALS"},
        {"Value": "AwsEc2NetworkInterface", "Comparison": "NOT_EQUALS"},
    ]});
    assert!(matches(filters.clone(), &with("AwsIamRole")));
    assert!(matches(filters.clone(), &with("AwsEc2Instance")));
    assert!(!matches(filters.clone(), &with("AwsIamPolicy")));
    assert!(!matches(filters.clone(), &with("AwsEc2NetworkInterface")));
    assert!(!matches(filters, &with("AwsS3Bucket")));
}

#[test]
fn forbidden_combinations_and_v2_only_comparisons_are_refused() {
    let pair = |a: &str, b: &str| json!({"Title": [{"Value": "x", "Comparison": a}, {"Value": "y", "Comparison": b}]});
    assert!(refused(pair("CONTAINS", "NOT_CONTAINS")));
    assert!(refused(pair("EQUALS", "NOT_EQUALS")));
    assert!(refused(pair("EQUALS", "PREFIX_NOT_EQUALS")));
    assert!(refused(pair("CONTAINS", "EQUALS")));
    assert!(refused(pair("NOT_CONTAINS", "NOT_EQUALS")));
    assert!(!refused(pair("PREFIX", "NOT_EQUALS")));
    assert!(!refused(pair("EQUALS", "PREFIX")));
    assert!(refused(s("Title", "CONTAINS_WORD", "lambda")));
    assert!(refused(s("Title", "SOUNDS_LIKE", "lambda")));
    assert!(
        refused(json!({"Title": [{"Value": "x"}]})),
        "Comparison is needed"
    );
}

#[test]
fn list_fields_match_when_any_element_matches() {
    let f = finding("a");
    assert!(matches(s("Type", "PREFIX", "Effects/"), &f));
    assert!(matches(s("ResourceType", "EQUALS", "AwsEc2Instance"), &f));
    assert!(!matches(
        s("ResourceType", "NOT_EQUALS", "AwsEc2Instance"),
        &f
    ));
}

#[test]
fn missing_fields_fail_positive_and_pass_negative_filters() {
    let f = json!({"Id": "x"});
    assert!(!matches(s("NoteText", "EQUALS", "x"), &f));
    assert!(matches(s("NoteText", "NOT_EQUALS", "x"), &f));
}

#[test]
fn number_filters_are_ranges_joined_by_or() {
    let f = finding("a");
    let n = |v: Value| json!({"SeverityNormalized": [v]});
    assert!(matches(n(json!({"Gte": 70, "Lte": 70})), &f));
    assert!(!matches(n(json!({"Gt": 70})), &f), "Gt is exclusive");
    assert!(!matches(n(json!({"Lt": 70})), &f), "Lt is exclusive");
    assert!(matches(n(json!({"Eq": 70})), &f));
    assert!(!matches(n(json!({"Eq": 40})), &f));
    let either = json!({"Confidence": [{"Eq": 1}, {"Gte": 40, "Lte": 60}]});
    assert!(matches(either, &f));
    assert!(matches(json!({"NetworkDestinationPort": [{"Eq": 22}]}), &f));
    assert!(refused(n(json!({}))), "a number filter needs a bound");
}

#[test]
fn date_filters_with_start_end_and_date_range() {
    let f = finding("a");
    let d = |v: Value| json!({"CreatedAt": [v]});
    assert!(
        matches(
            d(json!({"Start": "2023-11-10T00:00:00Z", "End": "2023-11-10T00:00:00Z"})),
            &f
        ),
        "inclusive"
    );
    assert!(!matches(
        d(json!({"Start": "2023-11-11T00:00:00Z", "End": "2023-11-12T00:00:00Z"})),
        &f
    ));
    assert!(
        matches(d(json!({"Start": "2023-11-09T23:00:00+02:00"})), &f),
        "offsets are honoured"
    );
    assert!(
        !matches(d(json!({"Start": "2023-11-09T23:00:00-02:00"})), &f),
        "that is 01:00Z on the 10th"
    );
    // CreatedAt is about 5 days before NOW.
    assert!(
        matches(d(json!({"DateRange": {"Value": 7, "Unit": "DAYS"}})), &f),
        "WITHIN is the default"
    );
    assert!(!matches(
        d(json!({"DateRange": {"Value": 3, "Unit": "DAYS", "Comparison": "WITHIN"}})),
        &f
    ));
    assert!(matches(
        d(json!({"DateRange": {"Value": 3, "Unit": "DAYS", "Comparison": "OLDER_THAN"}})),
        &f
    ));
    assert!(!matches(
        d(json!({"DateRange": {"Value": 7, "Unit": "DAYS", "Comparison": "OLDER_THAN"}})),
        &f
    ));
    assert!(refused(d(json!({}))));
    assert!(refused(d(json!({"Start": "yesterday"}))));
    assert!(refused(d(
        json!({"Start": "2023-11-10T00:00:00Z", "DateRange": {"Value": 1, "Unit": "DAYS"}})
    )));
}

#[test]
fn map_filters_by_key() {
    let f = finding("a");
    let m = |key: &str, cmp: &str, value: &str| json!({"ResourceTags": [{"Key": key, "Value": value, "Comparison": cmp}]});
    assert!(matches(m("Env", "EQUALS", "prod"), &f));
    assert!(!matches(m("Env", "EQUALS", "dev"), &f));
    assert!(
        matches(m("Department", "CONTAINS", "Security"), &f),
        "'Security team' contains 'Security'"
    );
    assert!(!matches(m("Department", "EQUALS", "Security"), &f));
    assert!(matches(m("Department", "NOT_EQUALS", "Finance"), &f));
    assert!(!matches(m("Department", "NOT_CONTAINS", "team"), &f));
    assert!(
        matches(m("Owner", "NOT_EQUALS", "x"), &f),
        "a missing key has no value to exclude"
    );
    let either = json!({"ResourceTags": [
        {"Key": "Department", "Value": "Security", "Comparison": "CONTAINS"},
        {"Key": "Department", "Value": "Finance", "Comparison": "CONTAINS"},
    ]});
    assert!(matches(either, &f));
    assert!(refused(json!({"ResourceTags": [
        {"Key": "Env", "Value": "a", "Comparison": "EQUALS"},
        {"Key": "Env", "Value": "b", "Comparison": "NOT_EQUALS"},
    ]})));
    assert!(refused(m("Env", "PREFIX", "p")), "maps have no PREFIX");
}

#[test]
fn ip_filters_by_cidr() {
    let f = finding("a");
    let ip = |attr: &str, cidr: &str| json!({attr: [{"Cidr": cidr}]});
    assert!(matches(ip("NetworkSourceIpV4", "10.0.0.0/8"), &f));
    assert!(matches(ip("NetworkSourceIpV4", "10.1.2.3"), &f));
    assert!(!matches(ip("NetworkSourceIpV4", "10.1.2.4/32"), &f));
    assert!(!matches(ip("NetworkSourceIpV4", "192.168.0.0/16"), &f));
    assert!(matches(ip("NetworkSourceIpV6", "2001:db8::/32"), &f));
    assert!(!matches(ip("NetworkSourceIpV6", "2001:db9::/32"), &f));
    assert!(matches(
        ip("ResourceAwsEc2InstanceIpV4Addresses", "172.16.0.0/12"),
        &f
    ));
    assert!(refused(ip("NetworkSourceIpV4", "10.0.0.0/33")));
    assert!(refused(ip("NetworkSourceIpV4", "not-an-ip")));
}

#[test]
fn boolean_and_keyword_filters() {
    let sample = json!({"Sample": true});
    let plain = json!({"Id": "x"});
    let b = |v: bool| json!({"Sample": [{"Value": v}]});
    assert!(matches(b(true), &sample));
    assert!(!matches(b(false), &sample));
    assert!(matches(b(false), &plain), "no Sample means false");
    let f = finding("a");
    assert!(matches(json!({"Keyword": [{"Value": "Portscan"}]}), &f));
    assert!(!matches(json!({"Keyword": [{"Value": "Bitcoin"}]}), &f));
}

#[test]
fn attributes_ands_and_limits() {
    let f = finding("a");
    let both = json!({
        "AwsAccountId": [{"Value": "123456789012", "Comparison": "EQUALS"}],
        "SeverityLabel": [{"Value": "LOW", "Comparison": "EQUALS"}],
    });
    assert!(!matches(both, &f), "attributes are joined by AND");
    assert!(refused(
        json!({"NoSuchAttribute": [{"Value": "x", "Comparison": "EQUALS"}]})
    ));
    let eleven: serde_json::Map<String, Value> = [
        "Id",
        "Title",
        "Description",
        "Region",
        "GeneratorId",
        "ProductArn",
        "ProductName",
        "CompanyName",
        "AwsAccountId",
        "SeverityLabel",
        "RecordState",
    ]
    .iter()
    .map(|a| {
        (
            a.to_string(),
            json!([{"Value": "x", "Comparison": "EQUALS"}]),
        )
    })
    .collect();
    assert!(refused(Value::Object(eleven)), "at most 10 attributes");
    let values: Vec<Value> = (0..21)
        .map(|i| json!({"Value": format!("v{i}"), "Comparison": "EQUALS"}))
        .collect();
    assert!(refused(json!({"Id": values})), "at most 20 values");
}

#[test]
fn sort_criteria() {
    let mut findings: Vec<Value> = ["b", "a", "c"].iter().map(|id| finding(id)).collect();
    findings[0]["Severity"]["Normalized"] = json!(10);
    findings[1]["Severity"]["Normalized"] = json!(90);
    findings[2]["UpdatedAt"] = json!("2023-11-15T00:00:00Z");
    let ids = |f: &[Value]| {
        f.iter()
            .map(|f| f["Id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    sort(
        &mut findings,
        &parse_sort(&json!([{"Field": "SeverityNormalized", "SortOrder": "desc"}])).unwrap(),
    );
    assert_eq!(ids(&findings), ["a", "c", "b"]);
    sort(
        &mut findings,
        &parse_sort(&json!([{"Field": "Id", "SortOrder": "asc"}])).unwrap(),
    );
    assert_eq!(ids(&findings), ["a", "b", "c"]);
    sort(&mut findings, &parse_sort(&Value::Null).unwrap());
    assert_eq!(
        ids(&findings),
        ["c", "a", "b"],
        "newest UpdatedAt first, then Id"
    );
    assert!(parse_sort(&json!([{"Field": "Nope"}])).is_err());
    assert!(parse_sort(&json!([{"Field": "Id", "SortOrder": "up"}])).is_err());
}
