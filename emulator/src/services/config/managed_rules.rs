//! Evaluation of the managed rules whose subject orgsim emulates, from the world as it
//! is now: nothing is stored, so a change anywhere (a detector created, an account
//! leaving its organization) shows in the next compliance query with no other call.
//! Other rules report what `PutEvaluations` delivered, and AWS managed rules orgsim
//! cannot evaluate report nothing, as AWS does with no resources in scope.

use serde_json::Value;

use super::rules::ActiveRule;
use super::subjects;
use crate::world::World;

pub const COMPLIANT: &str = "COMPLIANT";
pub const NON_COMPLIANT: &str = "NON_COMPLIANT";
pub const NOT_APPLICABLE: &str = "NOT_APPLICABLE";
pub const INSUFFICIENT_DATA: &str = "INSUFFICIENT_DATA";

/// The resource type these account-level rules evaluate.
pub const ACCOUNT_RESOURCE_TYPE: &str = "AWS::::Account";

/// One evaluation result of a rule on one resource.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleResult {
    pub resource_type: String,
    pub resource_id: String,
    pub compliance_type: String,
    pub annotation: Option<String>,
    pub ordering_ms: i64,
    pub recorded_ms: i64,
}

/// Whether orgsim evaluates `identifier` from its own state.
pub fn is_emulated(identifier: &str) -> bool {
    matches!(
        identifier,
        "GUARDDUTY_ENABLED_CENTRALIZED" | "SECURITYHUB_ENABLED" | "ACCOUNT_PART_OF_ORGANIZATIONS"
    )
}

fn parameter(rule: &ActiveRule, name: &str) -> Option<String> {
    let parameters: Value = serde_json::from_str(rule.input_parameters.as_deref()?).ok()?;
    let value = parameters.get(name)?.as_str()?.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// The account-level verdict of an emulated rule, with AWS-style annotation when not met.
fn verdict(
    world: &World,
    account: &str,
    region: &str,
    rule: &ActiveRule,
) -> Option<(bool, Option<String>)> {
    let identifier = rule.managed_identifier()?;
    let verdict = match identifier {
        "GUARDDUTY_ENABLED_CENTRALIZED" => {
            if !subjects::guardduty_enabled(world, account, region) {
                (
                    false,
                    Some("GuardDuty is not enabled in this account and region.".to_string()),
                )
            } else {
                // `CentralMonitoringAccount` is a comma-separated list of the accounts
                // allowed to hold the results: an account in it, or administered by one
                // of them, complies.
                let central: Vec<String> = parameter(rule, "CentralMonitoringAccount")
                    .map(|list| {
                        list.split(',')
                            .map(|a| a.trim().to_string())
                            .filter(|a| !a.is_empty())
                            .collect()
                    })
                    .unwrap_or_default();
                let admin = subjects::guardduty_administrator(world, account, region);
                if central.is_empty()
                    || central
                        .iter()
                        .any(|c| c == account || Some(c.as_str()) == admin)
                {
                    (true, None)
                } else {
                    (
                        false,
                        Some(format!(
                            "GuardDuty results are not centralized in {}.",
                            central.join(", ")
                        )),
                    )
                }
            }
        }
        "SECURITYHUB_ENABLED" => {
            if subjects::securityhub_enabled(world, account, region) {
                (true, None)
            } else {
                (
                    false,
                    Some("Security Hub is not enabled in this account and region.".to_string()),
                )
            }
        }
        "ACCOUNT_PART_OF_ORGANIZATIONS" => {
            match subjects::organization_management_account(world, account) {
                None => (false, Some("The account is not part of an organization.".to_string())),
                Some(management) => match parameter(rule, "MasterAccountId") {
                    Some(expected) if expected != management => (
                        false,
                        Some(format!("The account's organization is managed by {management}, not {expected}.")),
                    ),
                    _ => (true, None),
                },
            }
        }
        _ => return None,
    };
    Some(verdict)
}

/// Every current result of `rule` in (`account`, `region`).
pub fn evaluate(world: &World, account: &str, region: &str, rule: &ActiveRule) -> Vec<RuleResult> {
    let now = world.clock.now_ms();
    let cleared = world
        .config
        .account(region, account)
        .is_some_and(|a| a.results_deleted_ms.contains_key(&rule.name));
    if cleared {
        return Vec::new();
    }
    if let Some((compliant, annotation)) = verdict(world, account, region, rule) {
        return vec![RuleResult {
            resource_type: ACCOUNT_RESOURCE_TYPE.to_string(),
            resource_id: account.to_string(),
            compliance_type: if compliant { COMPLIANT } else { NON_COMPLIANT }.to_string(),
            annotation,
            ordering_ms: now,
            recorded_ms: now,
        }];
    }
    rule.evaluations
        .values()
        .map(|e| RuleResult {
            resource_type: e.resource_type.clone(),
            resource_id: e.resource_id.clone(),
            compliance_type: e.compliance_type.clone(),
            annotation: e.annotation.clone(),
            ordering_ms: e.ordering_ms,
            recorded_ms: e.recorded_ms,
        })
        .collect()
}

/// A rule's overall compliance and how many resources are non-compliant (or
/// compliant, when none is not): any non-compliant resource makes the rule
/// NON_COMPLIANT; no results at all is INSUFFICIENT_DATA.
pub fn rule_compliance(results: &[RuleResult]) -> (&'static str, usize) {
    let non_compliant = results
        .iter()
        .filter(|r| r.compliance_type == NON_COMPLIANT)
        .count();
    let compliant = results
        .iter()
        .filter(|r| r.compliance_type == COMPLIANT)
        .count();
    if non_compliant > 0 {
        (NON_COMPLIANT, non_compliant)
    } else if compliant > 0 {
        (COMPLIANT, 0)
    } else if results.is_empty() {
        (INSUFFICIENT_DATA, 0)
    } else {
        (NOT_APPLICABLE, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::services::config::rules::active_rules;
    use serde_json::json;

    fn put_rule(w: &mut World, account: &str, identifier: &str, parameters: Option<&str>) {
        let mut rule = json!({"ConfigRuleName": identifier.to_lowercase(), "Source": {"Owner": "AWS", "SourceIdentifier": identifier}});
        if let Some(p) = parameters {
            rule["InputParameters"] = json!(p);
        }
        run_ok(w, account, "PutConfigRule", json!({"ConfigRule": rule}));
    }

    fn verdicts(w: &World, account: &str) -> Vec<(String, String)> {
        active_rules(w, account, "us-east-1")
            .iter()
            .map(|r| {
                let results = evaluate(w, account, "us-east-1", r);
                (r.name.clone(), rule_compliance(&results).0.to_string())
            })
            .collect()
    }

    #[test]
    fn guardduty_rule_follows_the_detector() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let member = &accounts[0];
        start_recording(&mut w, member);
        put_rule(&mut w, member, "GUARDDUTY_ENABLED_CENTRALIZED", None);
        assert_eq!(verdicts(&w, member)[0].1, NON_COMPLIANT);
        create_detector(&mut w, member);
        assert_eq!(verdicts(&w, member)[0].1, COMPLIANT);
    }

    #[test]
    fn central_accounts_are_the_account_itself_or_its_administrator() {
        let (mut w, accounts, security, _) =
            crate::services::guardduty::test_support::organization_with_admin(2);
        let member = &accounts[1];
        start_recording(&mut w, member);
        create_detector(&mut w, member);
        let central = format!("{{\"CentralMonitoringAccount\":\"{MANAGEMENT}, {security}\"}}");
        put_rule(
            &mut w,
            member,
            "GUARDDUTY_ENABLED_CENTRALIZED",
            Some(&central),
        );
        assert_eq!(
            verdicts(&w, member)[0].1,
            NON_COMPLIANT,
            "not administered yet"
        );
        crate::services::org_integration::enroll::<
            crate::services::guardduty::organizations_link::GuardDuty,
        >(
            &mut w,
            "us-east-1",
            &security,
            member,
            crate::services::org_integration::Enrollment::ByAdministrator,
        );
        assert_eq!(verdicts(&w, member)[0].1, COMPLIANT);
        start_recording(&mut w, &security);
        put_rule(
            &mut w,
            &security,
            "GUARDDUTY_ENABLED_CENTRALIZED",
            Some(&central),
        );
        assert_eq!(
            verdicts(&w, &security)[0].1,
            COMPLIANT,
            "a central account itself"
        );
    }

    #[test]
    fn organization_membership_and_security_hub() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 1);
        let member = &accounts[0];
        start_recording(&mut w, member);
        put_rule(
            &mut w,
            member,
            "ACCOUNT_PART_OF_ORGANIZATIONS",
            Some(&format!("{{\"MasterAccountId\":\"{MANAGEMENT}\"}}")),
        );
        put_rule(&mut w, member, "SECURITYHUB_ENABLED", None);
        put_rule(&mut w, member, "S3_BUCKET_VERSIONING_ENABLED", None);
        let got = verdicts(&w, member);
        assert_eq!(
            got,
            vec![
                (
                    "account_part_of_organizations".to_string(),
                    COMPLIANT.to_string()
                ),
                (
                    "s3_bucket_versioning_enabled".to_string(),
                    INSUFFICIENT_DATA.to_string()
                ),
                ("securityhub_enabled".to_string(), NON_COMPLIANT.to_string()),
            ]
        );
        let outsider = "999999999999";
        start_recording(&mut w, outsider);
        put_rule(&mut w, outsider, "ACCOUNT_PART_OF_ORGANIZATIONS", None);
        assert_eq!(verdicts(&w, outsider)[0].1, NON_COMPLIANT);
    }
}
