//! Member detectors as their administrator reads and changes them:
//! GetMemberDetectors, UpdateMemberDetectors.

use serde::{Deserialize, Serialize};

use super::errors::GdError;
use super::features::{self, DataSourcesInput, FeatureInput, FeatureResult};
use super::members::{AccountIdsInput, UnprocessedOutput, NOT_A_MEMBER};
use super::model::Detector;
use super::{own_detector, validate_account_ids, UnprocessedAccount};
use crate::auth::Caller;
use crate::world::World;
/// Associated members that have a detector; the others are unprocessed.
fn member_detectors(
    world: &World,
    caller: &Caller,
    detector: &Detector,
    accounts: &[String],
) -> (Vec<String>, Vec<UnprocessedAccount>) {
    let mut found = Vec::new();
    let mut unprocessed = Vec::new();
    for account in accounts {
        match detector.members.get(account) {
            Some(m) if m.relationship.associated() => {
                if world.guardduty.detector(&caller.region, account).is_some() {
                    found.push(account.clone());
                } else {
                    unprocessed.push(UnprocessedAccount::new(
                        account,
                        "The request is rejected because the member account has no detector.",
                    ));
                }
            }
            _ => unprocessed.push(UnprocessedAccount::new(account, NOT_A_MEMBER)),
        }
    }
    (found, unprocessed)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberDataSourceConfiguration {
    pub account_id: String,
    pub data_sources: serde_json::Value,
    pub features: Vec<FeatureResult>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GetMemberDetectorsOutput {
    /// `MemberDataSourceConfigurations`, sent as `members`.
    pub members: Vec<MemberDataSourceConfiguration>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

pub fn get_member_detectors(
    world: &mut World,
    caller: &Caller,
    input: AccountIdsInput,
) -> Result<GetMemberDetectorsOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let (found, unprocessed) = member_detectors(world, caller, detector, &input.account_ids);
    let members = found
        .iter()
        .filter_map(|a| world.guardduty.detector(&caller.region, a))
        .map(|d| MemberDataSourceConfiguration {
            account_id: d.account_id.clone(),
            data_sources: features::data_sources_result(d),
            features: features::feature_results(d, true),
        })
        .collect();
    Ok(GetMemberDetectorsOutput {
        members,
        unprocessed_accounts: unprocessed,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateMemberDetectorsInput {
    #[serde(rename = "DetectorId")]
    pub detector_id: String,
    pub account_ids: Vec<String>,
    pub data_sources: Option<DataSourcesInput>,
    pub features: Option<Vec<FeatureInput>>,
}

pub fn update_member_detectors(
    world: &mut World,
    caller: &Caller,
    input: UpdateMemberDetectorsInput,
) -> Result<UnprocessedOutput, GdError> {
    validate_account_ids(&input.account_ids)?;
    let changes = features::parse_changes(&input.features, &input.data_sources, true)?;
    let detector = own_detector(world, caller, &input.detector_id)?;
    let (found, unprocessed) = member_detectors(world, caller, detector, &input.account_ids);
    let now = world.clock.now_ms();
    for account in found {
        let member = world.guardduty.detector_mut(&caller.region, &account);
        features::apply_changes(member, &changes, now);
        member.updated_ms = now;
    }
    Ok(UnprocessedOutput {
        unprocessed_accounts: unprocessed,
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn member_detectors_are_read_and_updated_by_the_administrator() {
        let (mut w, accounts, security, detector) = organization_with_admin(2);
        run_ok(
            &mut w,
            &security,
            "CreateMembers",
            json!({"DetectorId": detector, "accountDetails": [{"accountId": accounts[1], "email": "a@example.com"}]}),
        );
        run_ok(
            &mut w,
            &security,
            "UpdateMemberDetectors",
            json!({"DetectorId": detector, "accountIds": [accounts[1]], "features": [{"name": "RUNTIME_MONITORING", "status": "ENABLED"}]}),
        );
        let got = run_ok(
            &mut w,
            &security,
            "GetMemberDetectors",
            json!({"DetectorId": detector, "accountIds": [accounts[1], "999999999999"]}),
        );
        let features = got["members"][0]["features"].as_array().unwrap();
        assert!(features
            .iter()
            .any(|f| f["name"] == "RUNTIME_MONITORING" && f["status"] == "ENABLED"));
        assert!(
            features.iter().all(|f| f["name"] != "CLOUD_TRAIL"),
            "organization features only"
        );
        assert_eq!(got["unprocessedAccounts"][0]["accountId"], "999999999999");
        let bad = run(
            &mut w,
            &root_caller(&security),
            "UpdateMemberDetectors",
            json!({"DetectorId": detector, "accountIds": [accounts[1]], "features": [{"name": "CLOUD_TRAIL", "status": "ENABLED"}]}),
        );
        assert_eq!(error_of(bad).0, "BadRequestException");
    }
}
