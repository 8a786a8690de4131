//! GetFindingsStatistics: counts of the findings a detector sees, by severity or
//! grouped by account, date, finding type, resource or severity.

use imbl::OrdMap;
use serde::Deserialize;
use serde_json::{json, Value};

use super::criteria::FindingCriteria;
use super::errors::GdError;
use super::findings::matching;
use super::own_detector;
use crate::auth::Caller;
use crate::world::{epoch_seconds, World};
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFindingsStatisticsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_statistic_types: Option<Vec<String>>,
    pub finding_criteria: Option<FindingCriteria>,
    pub group_by: Option<String>,
    pub order_by: Option<String>,
    pub max_results: Option<i64>,
}

/// The id of the resource a wire finding is about.
fn resource_id(f: &Value) -> String {
    let r = &f["resource"];
    [
        &r["instanceDetails"]["instanceId"],
        &r["s3BucketDetails"][0]["name"],
        &r["eksClusterDetails"]["name"],
        &r["lambdaDetails"]["functionName"],
        &r["rdsDbInstanceDetails"]["dbInstanceIdentifier"],
        &r["accessKeyDetails"]["accessKeyId"],
    ]
    .into_iter()
    .find_map(|v| v.as_str())
    .unwrap_or_default()
    .to_string()
}

pub fn get_findings_statistics(
    world: &mut World,
    caller: &Caller,
    input: GetFindingsStatisticsInput,
) -> Result<Value, GdError> {
    let criteria = input.finding_criteria.unwrap_or_default();
    criteria.validate()?;
    let by_severity = match input.finding_statistic_types.as_deref() {
        None | Some([]) => false,
        Some(types) if types.iter().all(|t| t == "COUNT_BY_SEVERITY") => true,
        Some(_) => return Err(GdError::invalid_parameter("findingStatisticTypes")),
    };
    let group_by = input.group_by.as_deref();
    if !matches!(
        group_by,
        None | Some("ACCOUNT" | "DATE" | "FINDING_TYPE" | "RESOURCE" | "SEVERITY")
    ) {
        return Err(GdError::invalid_parameter("groupBy"));
    }
    if !by_severity && group_by.is_none() {
        return Err(GdError::bad(
            "The request is rejected because either findingStatisticTypes or groupBy must be specified.",
        ));
    }
    let descending = match input.order_by.as_deref() {
        None | Some("DESC") => true,
        Some("ASC") => false,
        Some(_) => return Err(GdError::invalid_parameter("orderBy")),
    };
    let max = match input.max_results {
        None => 25,
        Some(n @ 1..=100) => n as usize,
        Some(_) => return Err(GdError::invalid_parameter("maxResults")),
    };
    let detector = own_detector(world, caller, &input.detector_id)?;
    let findings = matching(world, caller, detector, &criteria);
    let mut statistics = json!({});
    if by_severity {
        let mut counts: OrdMap<String, i64> = OrdMap::new();
        for f in &findings {
            *counts
                .entry(format!("{:?}", f["severity"].as_f64().unwrap_or(0.0)))
                .or_default() += 1;
        }
        statistics["countBySeverity"] = json!(counts);
    }
    if let Some(group) = group_by {
        // group key → (extra members, total, last generated ms, max severity)
        let mut groups: OrdMap<String, (Value, i64, i64, f64)> = OrdMap::new();
        for f in &findings {
            let updated = f["updatedAt"].as_str().and_then(|s| {
                time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
            });
            let updated_ms = updated.map_or(0, |t| (t.unix_timestamp_nanos() / 1_000_000) as i64);
            let severity = f["severity"].as_f64().unwrap_or(0.0);
            let (key, members) = match group {
                "ACCOUNT" => (
                    f["accountId"].to_string(),
                    json!({"accountId": f["accountId"]}),
                ),
                "DATE" => {
                    let day = updated_ms - updated_ms.rem_euclid(86_400_000);
                    (day.to_string(), json!({"date": epoch_seconds(day)}))
                }
                "FINDING_TYPE" => (f["type"].to_string(), json!({"findingType": f["type"]})),
                "RESOURCE" => {
                    let id = resource_id(f);
                    (
                        format!("{}/{id}", f["accountId"]),
                        json!({"accountId": f["accountId"], "resourceId": id, "resourceType": f["resource"]["resourceType"]}),
                    )
                }
                _ => (format!("{severity:?}"), json!({"severity": severity})),
            };
            let entry = groups.entry(key).or_insert((members, 0, 0, 0.0));
            entry.1 += 1;
            entry.2 = entry.2.max(updated_ms);
            entry.3 = entry.3.max(severity);
        }
        let mut rows: Vec<(Value, i64, i64, f64)> = groups.into_iter().map(|(_, v)| v).collect();
        rows.sort_by_key(|r| if descending { -r.1 } else { r.1 });
        let rows: Vec<Value> = rows
            .into_iter()
            .take(max)
            .map(|(mut members, total, last, severity)| {
                members["totalFindings"] = json!(total);
                members["lastGeneratedAt"] = json!(epoch_seconds(last));
                if group == "DATE" {
                    members["severity"] = json!(severity);
                }
                members
            })
            .collect();
        let key = match group {
            "ACCOUNT" => "groupedByAccount",
            "DATE" => "groupedByDate",
            "FINDING_TYPE" => "groupedByFindingType",
            "RESOURCE" => "groupedByResource",
            _ => "groupedBySeverity",
        };
        statistics[key] = json!(rows);
    }
    Ok(json!({ "findingStatistics": statistics }))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const ACCT: &str = "222222222222";

    #[test]
    fn counts_by_severity_and_groups() {
        let mut w = world();
        let d = create_detector(&mut w, ACCT);
        let types = [
            "Recon:EC2/Portscan",
            "Backdoor:EC2/Spambot",
            "UnauthorizedAccess:EC2/TorClient",
        ];
        run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": d, "findingTypes": types}),
        );
        let by_severity = run_ok(
            &mut w,
            ACCT,
            "GetFindingsStatistics",
            json!({"DetectorId": d, "findingStatisticTypes": ["COUNT_BY_SEVERITY"]}),
        );
        assert_eq!(
            by_severity["findingStatistics"]["countBySeverity"],
            json!({"5.0": 2, "8.0": 1})
        );
        let by_type = run_ok(
            &mut w,
            ACCT,
            "GetFindingsStatistics",
            json!({"DetectorId": d, "groupBy": "FINDING_TYPE", "maxResults": 2}),
        );
        assert_eq!(
            by_type["findingStatistics"]["groupedByFindingType"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        let by_account = run_ok(
            &mut w,
            ACCT,
            "GetFindingsStatistics",
            json!({"DetectorId": d, "groupBy": "ACCOUNT", "findingCriteria": {"criterion": {"severity": {"gte": 7}}}}),
        );
        assert_eq!(
            by_account["findingStatistics"]["groupedByAccount"],
            json!([{"accountId": ACCT, "totalFindings": 1, "lastGeneratedAt": by_account["findingStatistics"]["groupedByAccount"][0]["lastGeneratedAt"]}])
        );
        let neither = run(
            &mut w,
            &root_caller(ACCT),
            "GetFindingsStatistics",
            json!({"DetectorId": d}),
        );
        assert_eq!(error_of(neither).0, "BadRequestException");
    }
}
