//! Findings: CreateSampleFindings, ListFindings, GetFindings, GetFindingsStatistics,
//! Archive/UnarchiveFindings (administrator or standalone only),
//! UpdateFindingsFeedback. An administrator sees and manages the findings of its
//! enabled members.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::criteria::{FindingCriteria, SortCriteria};
use super::errors::GdError;
use super::model::{Detector, Finding, Relationship};
use super::sample_findings::{self, FINDING_TYPES};
use super::{own_detector, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::services::securityhub;
use crate::world::{iso8601, World};

/// A finding as the API returns it.
pub fn finding_wire(f: &Finding) -> Value {
    let mut service = json!({
        "action": f.action,
        "archived": f.archived,
        "count": f.count,
        "detectorId": f.detector_id,
        "eventFirstSeen": iso8601(f.created_ms),
        "eventLastSeen": iso8601(f.updated_ms),
        "resourceRole": f.resource_role,
        "serviceName": "guardduty",
        "featureName": f.feature_name,
    });
    if f.sample {
        service["additionalInfo"] = json!({"value": "{\"sample\":true}", "type": "default"});
    }
    if let Some(feedback) = &f.feedback {
        service["userFeedback"] = json!(feedback);
    }
    json!({
        "accountId": f.account_id,
        "arn": format!("arn:aws:guardduty:{}:{}:detector/{}/finding/{}", f.region, f.account_id, f.detector_id, f.id),
        "confidence": f.confidence,
        "createdAt": iso8601(f.created_ms),
        "description": f.description,
        "id": f.id,
        "partition": "aws",
        "region": f.region,
        "resource": f.resource,
        "schemaVersion": "2.0",
        "service": service,
        "severity": f.severity,
        "title": f.title,
        "type": f.finding_type,
        "updatedAt": iso8601(f.updated_ms),
    })
}

/// The accounts whose findings the caller's detector sees: its own, and its enabled
/// members'.
pub(super) fn visible_accounts(world: &World, caller: &Caller, detector: &Detector) -> Vec<String> {
    let mut accounts = vec![caller.account_id.clone()];
    accounts.extend(
        detector
            .members
            .values()
            .filter(|m| m.relationship == Relationship::Enabled)
            .filter(|m| {
                world
                    .guardduty
                    .administrator_of(&caller.region, &m.account_id)
                    == Some(caller.account_id.as_str())
            })
            .map(|m| m.account_id.clone()),
    );
    accounts
}

pub(super) fn visible_findings<'w>(
    world: &'w World,
    caller: &Caller,
    detector: &Detector,
) -> Vec<&'w Finding> {
    visible_accounts(world, caller, detector)
        .iter()
        .filter_map(|a| world.guardduty.detector(&caller.region, a))
        .flat_map(|d| d.findings.values())
        .collect()
}

/// Where each requested finding lives (account), or the ids that are not visible.
fn locate(
    world: &World,
    caller: &Caller,
    detector: &Detector,
    ids: &[String],
) -> Result<Vec<(String, String)>, Vec<String>> {
    let accounts = visible_accounts(world, caller, detector);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        let owner = accounts.iter().find(|a| {
            world
                .guardduty
                .detector(&caller.region, a)
                .is_some_and(|d| d.findings.contains_key(id))
        });
        match owner {
            Some(account) => found.push((account.clone(), id.clone())),
            None => missing.push(id.clone()),
        }
    }
    if missing.is_empty() {
        Ok(found)
    } else {
        Err(missing)
    }
}

fn check_finding_ids(ids: &[String]) -> Result<(), GdError> {
    if ids.len() > 50 || ids.iter().any(|id| id.is_empty() || id.len() > 300) {
        return Err(GdError::invalid_parameter("findingIds"));
    }
    Ok(())
}

fn unknown_ids(missing: Vec<String>) -> GdError {
    GdError::bad(format!(
        "The request is rejected because the input findingIds are not valid: {}.",
        missing.join(", ")
    ))
}

/// Stores new findings in `account`'s detector; those an ARCHIVE filter of the
/// detector or of its administrator matches are archived at once.
pub fn add_findings(world: &mut World, region: &str, account: &str, findings: Vec<Finding>) {
    let mut filters: Vec<FindingCriteria> = Vec::new();
    let owners = std::iter::once(account).chain(world.guardduty.administrator_of(region, account));
    for owner in owners {
        if let Some(d) = world.guardduty.detector(region, owner) {
            let mut archiving: Vec<_> = d
                .filters
                .values()
                .filter(|f| f.action == "ARCHIVE")
                .collect();
            archiving.sort_by_key(|f| f.rank);
            filters.extend(
                archiving
                    .iter()
                    .filter_map(|f| serde_json::from_value(f.criteria.clone()).ok()),
            );
        }
    }
    let created: Vec<(String, String)> = findings
        .iter()
        .map(|f| (account.to_string(), f.id.clone()))
        .collect();
    let detector = world.guardduty.detector_mut(region, account);
    for mut finding in findings {
        let wire = finding_wire(&finding);
        if filters.iter().any(|c| c.matches(&wire)) {
            finding.archived = true;
        }
        detector.findings.insert(finding.id.clone(), finding);
    }
    securityhub::guardduty_import::on_guardduty_findings(world, region, &created);
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSampleFindingsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_types: Option<Vec<String>>,
}

pub fn create_sample_findings(
    world: &mut World,
    caller: &Caller,
    input: CreateSampleFindingsInput,
) -> Result<Empty, GdError> {
    let requested = input.finding_types.unwrap_or_default();
    if requested.len() > 50 {
        return Err(GdError::invalid_parameter("findingTypes"));
    }
    let types: Vec<_> = if requested.is_empty() {
        FINDING_TYPES.iter().collect()
    } else {
        requested
            .iter()
            .map(|name| {
                sample_findings::finding_type(name)
                    .ok_or_else(|| GdError::invalid_parameter("findingTypes"))
            })
            .collect::<Result<_, _>>()?
    };
    let detector_id = own_detector(world, caller, &input.detector_id)?.id.clone();
    let now = world.clock.now_ms();
    let findings = types
        .into_iter()
        .map(|t| {
            let id = world.ids.hex(32);
            sample_findings::sample(t, id, &caller.account_id, &caller.region, &detector_id, now)
        })
        .collect();
    add_findings(world, &caller.region, &caller.account_id, findings);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFindingsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_criteria: Option<FindingCriteria>,
    pub sort_criteria: Option<SortCriteria>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListFindingsOutput {
    pub finding_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The visible findings a criteria matches, in wire form.
pub(super) fn matching(
    world: &World,
    caller: &Caller,
    detector: &Detector,
    criteria: &FindingCriteria,
) -> Vec<Value> {
    visible_findings(world, caller, detector)
        .into_iter()
        .map(finding_wire)
        .filter(|f| criteria.matches(f))
        .collect()
}

pub fn list_findings(
    world: &mut World,
    caller: &Caller,
    input: ListFindingsInput,
) -> Result<ListFindingsOutput, GdError> {
    let criteria = input.finding_criteria.unwrap_or_default();
    criteria.validate()?;
    let sort = input.sort_criteria.unwrap_or_default();
    sort.validate()?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    // The token keeps the position in this detector's listing; criteria are the caller's to repeat.
    let listing = format!("ListFindings {}", detector.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 50, 50)?;
    let start: usize = match after {
        None => 0,
        Some(k) => k
            .parse()
            .map_err(|_| GdError::invalid_parameter("nextToken"))?,
    };
    let mut findings = matching(world, caller, detector, &criteria);
    sort.sort(&mut findings);
    let ids = findings
        .iter()
        .enumerate()
        .skip(start)
        .map(|(i, f)| (i, f["id"].as_str().unwrap_or_default().to_string()));
    let (page, next) = take_page(ids, max, |(i, _)| i + 1);
    Ok(ListFindingsOutput {
        finding_ids: page.into_iter().map(|(_, id)| id).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetFindingsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_ids: Vec<String>,
    pub sort_criteria: Option<SortCriteria>,
}

#[derive(Debug, Serialize)]
pub struct GetFindingsOutput {
    pub findings: Vec<Value>,
}

/// Unknown or invisible ids are left out of the answer (AWS's docs are silent).
pub fn get_findings(
    world: &mut World,
    caller: &Caller,
    input: GetFindingsInput,
) -> Result<GetFindingsOutput, GdError> {
    check_finding_ids(&input.finding_ids)?;
    let sort = input.sort_criteria.unwrap_or_default();
    sort.validate()?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let visible = visible_accounts(world, caller, detector);
    let mut findings: Vec<Value> = input
        .finding_ids
        .iter()
        .filter_map(|id| {
            visible
                .iter()
                .filter_map(|a| world.guardduty.detector(&caller.region, a))
                .find_map(|d| d.findings.get(id))
        })
        .map(finding_wire)
        .collect();
    sort.sort(&mut findings);
    Ok(GetFindingsOutput { findings })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingIdsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_ids: Vec<String>,
}

fn set_archived(
    world: &mut World,
    caller: &Caller,
    input: FindingIdsInput,
    archived: bool,
) -> Result<Empty, GdError> {
    check_finding_ids(&input.finding_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    if world
        .guardduty
        .administrator_of(&caller.region, &caller.account_id)
        .is_some()
    {
        return Err(GdError::bad(
            "The request is rejected because the current account is a member account; only the administrator account can archive or unarchive findings.",
        ));
    }
    let located = locate(world, caller, detector, &input.finding_ids).map_err(unknown_ids)?;
    for (account, id) in &located {
        if let Some(f) = world
            .guardduty
            .detector_mut(&caller.region, account)
            .findings
            .get_mut(id)
        {
            f.archived = archived;
        }
    }
    securityhub::guardduty_import::on_guardduty_findings(world, &caller.region, &located);
    Ok(Empty {})
}

pub fn archive_findings(
    world: &mut World,
    caller: &Caller,
    input: FindingIdsInput,
) -> Result<Empty, GdError> {
    set_archived(world, caller, input, true)
}

pub fn unarchive_findings(
    world: &mut World,
    caller: &Caller,
    input: FindingIdsInput,
) -> Result<Empty, GdError> {
    set_archived(world, caller, input, false)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateFindingsFeedbackInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub finding_ids: Vec<String>,
    pub feedback: String,
    pub comments: Option<String>,
}

pub fn update_findings_feedback(
    world: &mut World,
    caller: &Caller,
    input: UpdateFindingsFeedbackInput,
) -> Result<Empty, GdError> {
    check_finding_ids(&input.finding_ids)?;
    if !matches!(input.feedback.as_str(), "USEFUL" | "NOT_USEFUL") {
        return Err(GdError::invalid_parameter("feedback"));
    }
    let detector = own_detector(world, caller, &input.detector_id)?;
    let located = locate(world, caller, detector, &input.finding_ids).map_err(unknown_ids)?;
    for (account, id) in located {
        if let Some(f) = world
            .guardduty
            .detector_mut(&caller.region, &account)
            .findings
            .get_mut(&id)
        {
            f.feedback = Some(input.feedback.clone());
        }
    }
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    const ACCT: &str = "222222222222";

    fn ids(v: &Value) -> Vec<String> {
        v["findingIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn samples_of_every_type_then_criteria_sort_and_pages() {
        let mut w = world();
        let d = create_detector(&mut w, ACCT);
        run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": d}),
        );
        let all = run_ok(&mut w, ACCT, "ListFindings", json!({"DetectorId": d}));
        assert_eq!(ids(&all).len(), FINDING_TYPES.len().min(50));
        let high = run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d, "findingCriteria": {"criterion": {"severity": {"gte": 7}}}, "sortCriteria": {"attributeName": "type", "orderBy": "ASC"}}),
        );
        let high_ids = ids(&high);
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFindings",
            json!({"DetectorId": d, "findingIds": high_ids, "sortCriteria": {"attributeName": "type", "orderBy": "ASC"}}),
        );
        let findings = got["findings"].as_array().unwrap();
        assert!(findings
            .iter()
            .all(|f| f["severity"].as_f64().unwrap() >= 7.0));
        assert!(findings
            .iter()
            .all(|f| f["title"].as_str().unwrap().starts_with("[SAMPLE]")));
        let types: Vec<&str> = findings
            .iter()
            .map(|f| f["type"].as_str().unwrap())
            .collect();
        let mut sorted = types.clone();
        sorted.sort();
        assert_eq!(types, sorted);
        let first = run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d, "maxResults": 10}),
        );
        let second = run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d, "maxResults": 10, "nextToken": first["nextToken"]}),
        );
        assert_eq!(ids(&first).len(), 10);
        assert!(ids(&second).iter().all(|i| !ids(&first).contains(i)));
        let stats = run_ok(
            &mut w,
            ACCT,
            "GetFindingsStatistics",
            json!({"DetectorId": d, "groupBy": "SEVERITY"}),
        );
        let total: i64 = stats["findingStatistics"]["groupedBySeverity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["totalFindings"].as_i64().unwrap())
            .sum();
        assert_eq!(total as usize, FINDING_TYPES.len());
        let unknown = run(
            &mut w,
            &root_caller(ACCT),
            "CreateSampleFindings",
            json!({"DetectorId": d, "findingTypes": ["Nope:EC2/Nothing"]}),
        );
        assert_eq!(error_of(unknown).0, "BadRequestException");
    }

    #[test]
    fn archive_unarchive_and_feedback() {
        let mut w = world();
        let d = create_detector(&mut w, ACCT);
        run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": d, "findingTypes": ["Recon:EC2/Portscan", "Policy:IAMUser/RootCredentialUsage"]}),
        );
        let listed = ids(&run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d}),
        ));
        run_ok(
            &mut w,
            ACCT,
            "ArchiveFindings",
            json!({"DetectorId": d, "findingIds": [listed[0]]}),
        );
        let archived = run_ok(
            &mut w,
            ACCT,
            "ListFindings",
            json!({"DetectorId": d, "findingCriteria": {"criterion": {"service.archived": {"eq": ["true"]}}}}),
        );
        assert_eq!(ids(&archived), vec![listed[0].clone()]);
        run_ok(
            &mut w,
            ACCT,
            "UnarchiveFindings",
            json!({"DetectorId": d, "findingIds": [listed[0]]}),
        );
        run_ok(
            &mut w,
            ACCT,
            "UpdateFindingsFeedback",
            json!({"DetectorId": d, "findingIds": [listed[1]], "feedback": "USEFUL"}),
        );
        let got = run_ok(
            &mut w,
            ACCT,
            "GetFindings",
            json!({"DetectorId": d, "findingIds": [listed[1]]}),
        );
        assert_eq!(got["findings"][0]["service"]["userFeedback"], "USEFUL");
        let unknown = run(
            &mut w,
            &root_caller(ACCT),
            "ArchiveFindings",
            json!({"DetectorId": d, "findingIds": ["nope"]}),
        );
        assert_eq!(error_of(unknown).0, "BadRequestException");
    }

    #[test]
    fn the_administrator_sees_and_archives_member_findings_the_member_cannot_archive() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 2);
        let (security, member) = (accounts[0].clone(), accounts[1].clone());
        run_ok(
            &mut w,
            MANAGEMENT,
            "EnableOrganizationAdminAccount",
            json!({"adminAccountId": security}),
        );
        let admin_detector = detector_id(&w, &security);
        run_ok(
            &mut w,
            &security,
            "UpdateOrganizationConfiguration",
            json!({"DetectorId": admin_detector, "autoEnableOrganizationMembers": "ALL"}),
        );
        let member_detector = detector_id(&w, &member);
        run_ok(
            &mut w,
            &member,
            "CreateSampleFindings",
            json!({"DetectorId": member_detector, "findingTypes": ["Recon:EC2/Portscan"]}),
        );
        let seen = ids(&run_ok(
            &mut w,
            &security,
            "ListFindings",
            json!({"DetectorId": admin_detector, "findingCriteria": {"criterion": {"accountId": {"eq": [member]}}}}),
        ));
        assert_eq!(seen.len(), 1);
        let got = run_ok(
            &mut w,
            &security,
            "GetFindings",
            json!({"DetectorId": admin_detector, "findingIds": seen}),
        );
        assert_eq!(got["findings"][0]["accountId"], member.as_str());
        let refused = run(
            &mut w,
            &root_caller(&member),
            "ArchiveFindings",
            json!({"DetectorId": member_detector, "findingIds": seen}),
        );
        assert_eq!(error_of(refused).0, "BadRequestException");
        run_ok(
            &mut w,
            &security,
            "ArchiveFindings",
            json!({"DetectorId": admin_detector, "findingIds": seen}),
        );
        let got = run_ok(
            &mut w,
            &member,
            "GetFindings",
            json!({"DetectorId": member_detector, "findingIds": seen}),
        );
        assert_eq!(got["findings"][0]["service"]["archived"], true);
        let mine = run_ok(
            &mut w,
            &member,
            "ListFindings",
            json!({"DetectorId": member_detector}),
        );
        assert_eq!(ids(&mine).len(), 1, "a member sees only its own findings");
    }
}
