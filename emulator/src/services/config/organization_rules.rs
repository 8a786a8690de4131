//! Organization rules: created by the management account or the delegated
//! administrator for `config-multiaccountsetup.amazonaws.com`, in force in every member
//! of the organization (joiners included, the excluded left out) that has a
//! configuration recorder in the region. Membership is read when asked, so an
//! account that joins later gets the rule with no other call.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::OrganizationRule;
use super::rules::ActiveRule;
use super::{is_account_id, organization_authority, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

pub const SERVICE_PRINCIPAL: &str = "config-multiaccountsetup.amazonaws.com";

/// Organization rules per organization (AWS default quota).
pub const MAX_ORGANIZATION_RULES: usize = 150;

pub const NO_RECORDER: &str = "NoAvailableConfigurationRecorderException";

fn source_of(rule: &OrganizationRule) -> Value {
    if let Some(identifier) = rule.rule_identifier() {
        return json!({"Owner": "AWS", "SourceIdentifier": identifier});
    }
    if let Some(custom) = &rule.custom {
        return json!({"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": custom.get("LambdaFunctionArn")});
    }
    json!({"Owner": "CUSTOM_POLICY"})
}

/// Whether the rule is in force in `account` (a member of its organization).
pub fn lands_in(world: &World, rule: &OrganizationRule, account: &str, region: &str) -> bool {
    deploys_to(world, &rule.excluded_accounts, account, region)
}

/// Whether an organization deployment (rule or conformance pack) excluding `excluded`
/// is in force in `account`: not excluded, and recording in the region.
pub fn deploys_to(world: &World, excluded: &[String], account: &str, region: &str) -> bool {
    !excluded.iter().any(|a| a == account) && world.config.recorder(region, account).is_some()
}

/// The organization rules in force in (`account`, `region`), as the member sees them.
pub fn deployed_rules(world: &World, account: &str, region: &str) -> Vec<ActiveRule> {
    let Some(org) = world.organizations.organization_of(account) else {
        return Vec::new();
    };
    let Some(rules) = world.config.organization_rules(region, &org.id) else {
        return Vec::new();
    };
    rules
        .values()
        .filter(|r| lands_in(world, r, account, region))
        .map(|r| {
            let metadata = r.managed.as_ref().or(r.custom.as_ref()).or(r.custom_policy.as_ref());
            let text = |key: &str| metadata.and_then(|m| m.get(key)).and_then(Value::as_str).map(String::from);
            ActiveRule {
                name: r.member_rule_name.clone(),
                arn: format!(
                    "arn:aws:config:{region}:{account}:config-rule/aws-service-rule/{SERVICE_PRINCIPAL}/{}",
                    r.member_rule_id
                ),
                id: r.member_rule_id.clone(),
                description: text("Description"),
                source: source_of(r),
                scope: None,
                input_parameters: r.input_parameters().map(String::from),
                maximum_execution_frequency: text("MaximumExecutionFrequency"),
                created_ms: r.created_ms,
                created_by: Some(SERVICE_PRINCIPAL.to_string()),
                evaluations: imbl::OrdMap::new(),
                last_run_requested_ms: None,
            }
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutOrganizationRuleInput {
    pub organization_config_rule_name: String,
    pub organization_managed_rule_metadata: Option<Value>,
    pub organization_custom_rule_metadata: Option<Value>,
    pub organization_custom_policy_rule_metadata: Option<Value>,
    #[serde(default)]
    pub excluded_accounts: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutOrganizationRuleOutput {
    pub organization_config_rule_arn: String,
}

fn check_input(input: &PutOrganizationRuleInput) -> Result<(), ConfigError> {
    let name = &input.organization_config_rule_name;
    let name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !name_ok {
        return Err(ConfigError::constraint(
            "organizationConfigRuleName",
            name,
            "Member must satisfy regular expression pattern: [A-Za-z0-9-_]+",
        ));
    }
    let given = [
        input.organization_managed_rule_metadata.is_some(),
        input.organization_custom_rule_metadata.is_some(),
        input.organization_custom_policy_rule_metadata.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(ConfigError::Validation(
            "Specify exactly one of OrganizationManagedRuleMetadata, OrganizationCustomRuleMetadata or OrganizationCustomPolicyRuleMetadata.".to_string(),
        ));
    }
    if let Some(managed) = &input.organization_managed_rule_metadata {
        let identifier = managed
            .get("RuleIdentifier")
            .and_then(Value::as_str)
            .unwrap_or("");
        if identifier.is_empty() {
            return Err(ConfigError::Validation(
                "1 validation error detected: Value null at 'organizationManagedRuleMetadata.ruleIdentifier' failed to satisfy constraint: Member must not be null".to_string(),
            ));
        }
    }
    if input.excluded_accounts.len() > 1000
        || !input.excluded_accounts.iter().all(|a| is_account_id(a))
    {
        return Err(ConfigError::InvalidParameterValue(
            "ExcludedAccounts must list at most 1000 12-digit account IDs.".to_string(),
        ));
    }
    Ok(())
}

pub fn put_organization_config_rule(
    world: &mut World,
    caller: &Caller,
    input: PutOrganizationRuleInput,
) -> Result<PutOrganizationRuleOutput, ConfigError> {
    check_input(&input)?;
    let (org_id, management) = organization_authority(world, caller, SERVICE_PRINCIPAL)?;
    let name = input.organization_config_rule_name;
    let rules = world.config.organization_rules(&caller.region, &org_id);
    let existing = rules.and_then(|r| r.get(&name)).cloned();
    if existing.is_none() && rules.map_or(0, |r| r.len()) >= MAX_ORGANIZATION_RULES {
        return Err(ConfigError::MaxNumberOfOrganizationConfigRulesExceeded(format!(
            "Failed to put organization config rule '{name}': the maximum of {MAX_ORGANIZATION_RULES} is reached."
        )));
    }
    let now = world.clock.now_ms();
    let rule = match existing {
        Some(rule) => OrganizationRule {
            managed: input.organization_managed_rule_metadata,
            custom: input.organization_custom_rule_metadata,
            custom_policy: input.organization_custom_policy_rule_metadata,
            excluded_accounts: input.excluded_accounts,
            updated_ms: now,
            ..rule
        },
        None => {
            let suffix = world.ids.lower_alnum(8);
            OrganizationRule {
                arn: format!(
                    "arn:aws:config:{}:{}:organization-config-rule/{name}-{suffix}",
                    caller.region, caller.account_id
                ),
                // AWS names member rules OrgConfigRule-<name>-<random>.
                member_rule_name: format!("OrgConfigRule-{name}-{}", world.ids.lower_alnum(8)),
                member_rule_id: format!("config-rule-{}", world.ids.lower_alnum(6)),
                name: name.clone(),
                managed: input.organization_managed_rule_metadata,
                custom: input.organization_custom_rule_metadata,
                custom_policy: input.organization_custom_policy_rule_metadata,
                excluded_accounts: input.excluded_accounts,
                created_ms: now,
                updated_ms: now,
            }
        }
    };
    let arn = rule.arn.clone();
    if management {
        delegation::ensure_service_access(world, &org_id, SERVICE_PRINCIPAL, now);
    }
    world
        .config
        .organization_rules_mut(&caller.region, &org_id)
        .insert(name, rule);
    Ok(PutOrganizationRuleOutput {
        organization_config_rule_arn: arn,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationRulesInput {
    #[serde(default)]
    pub organization_config_rule_names: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

/// The organization's rules the caller may see, the names checked to exist.
pub fn visible_rules(
    world: &World,
    caller: &Caller,
    names: &[String],
) -> Result<(String, Vec<OrganizationRule>), ConfigError> {
    let (org_id, _) = organization_authority(world, caller, SERVICE_PRINCIPAL)?;
    let all: Vec<OrganizationRule> = world
        .config
        .organization_rules(&caller.region, &org_id)
        .map(|r| r.values().cloned().collect())
        .unwrap_or_default();
    if let Some(missing) = names.iter().find(|n| !all.iter().any(|r| &r.name == *n)) {
        return Err(ConfigError::NoSuchOrganizationConfigRule(format!(
            "The organization config rule '{missing}' does not exist."
        )));
    }
    let rules = all
        .into_iter()
        .filter(|r| names.is_empty() || names.contains(&r.name))
        .collect();
    Ok((org_id, rules))
}

fn rule_wire(r: &OrganizationRule) -> Value {
    let mut out = json!({
        "OrganizationConfigRuleName": r.name,
        "OrganizationConfigRuleArn": r.arn,
        "ExcludedAccounts": r.excluded_accounts,
        "LastUpdateTime": epoch_seconds(r.updated_ms),
    });
    let metadata = [
        ("OrganizationManagedRuleMetadata", &r.managed),
        ("OrganizationCustomRuleMetadata", &r.custom),
        ("OrganizationCustomPolicyRuleMetadata", &r.custom_policy),
    ];
    for (key, value) in metadata {
        if let Some(value) = value {
            out[key] = value.clone();
        }
    }
    out
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationRulesOutput {
    pub organization_config_rules: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_organization_config_rules(
    world: &mut World,
    caller: &Caller,
    input: DescribeOrganizationRulesInput,
) -> Result<DescribeOrganizationRulesOutput, ConfigError> {
    let listing = format!("DescribeOrganizationConfigRules {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let (_, rules) = visible_rules(world, caller, &input.organization_config_rule_names)?;
    let rest = rules
        .into_iter()
        .filter(|r| after.as_ref().is_none_or(|a| r.name > *a));
    let (rows, next) = take_page(rest, size, |r| r.name.clone());
    Ok(DescribeOrganizationRulesOutput {
        organization_config_rules: rows.iter().map(rule_wire).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteOrganizationRuleInput {
    pub organization_config_rule_name: String,
}

pub fn delete_organization_config_rule(
    world: &mut World,
    caller: &Caller,
    input: DeleteOrganizationRuleInput,
) -> Result<Empty, ConfigError> {
    let name = input.organization_config_rule_name;
    let (org_id, _) = visible_rules(world, caller, std::slice::from_ref(&name))?;
    world
        .config
        .organization_rules_mut(&caller.region, &org_id)
        .remove(&name);
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::services::guardduty::test_support::create_org_account;
    use crate::world::World;
    use serde_json::{json, Value};

    fn put_gd_org_rule(
        w: &mut World,
        caller: &str,
        excluded: &[&str],
    ) -> Result<Value, crate::api::ApiError> {
        run(
            w,
            &root_caller(caller),
            "PutOrganizationConfigRule",
            json!({
                "OrganizationConfigRuleName": "gd-enabled",
                "OrganizationManagedRuleMetadata": {"RuleIdentifier": "GUARDDUTY_ENABLED_CENTRALIZED"},
                "ExcludedAccounts": excluded,
            }),
        )
    }

    fn statuses(w: &mut World, caller: &str) -> Vec<(String, String)> {
        let out = run_ok(
            w,
            caller,
            "GetOrganizationConfigRuleDetailedStatus",
            json!({"OrganizationConfigRuleName": "gd-enabled"}),
        );
        out["OrganizationConfigRuleDetailedStatus"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["AccountId"].as_str().unwrap().to_string(),
                    s["MemberAccountRuleStatus"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn delegated_admin_deploys_to_members_and_later_joiners() {
        let mut w = world();
        let accounts = org_with_accounts(&mut w, 3);
        let (security, dev, excluded) = (&accounts[0], &accounts[1], &accounts[2]);
        assert_eq!(
            put_gd_org_rule(&mut w, security, &[]).unwrap_err().code,
            "OrganizationAccessDeniedException"
        );
        org_call(
            &mut w,
            MANAGEMENT,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": super::SERVICE_PRINCIPAL}),
        );
        org_call(
            &mut w,
            MANAGEMENT,
            "RegisterDelegatedAdministrator",
            json!({"AccountId": security, "ServicePrincipal": super::SERVICE_PRINCIPAL}),
        );
        for a in [security, dev, excluded] {
            start_recording(&mut w, a);
        }
        let arn = put_gd_org_rule(&mut w, security, &[excluded.as_str()]).unwrap()
            ["OrganizationConfigRuleArn"]
            .clone();
        assert!(arn
            .as_str()
            .unwrap()
            .contains(":organization-config-rule/gd-enabled-"));
        let got = statuses(&mut w, security);
        assert!(got.contains(&(dev.clone(), "CREATE_SUCCESSFUL".to_string())));
        assert!(
            got.contains(&(MANAGEMENT.to_string(), "CREATE_FAILED".to_string())),
            "no recorder there"
        );
        assert!(!got.iter().any(|(a, _)| a == excluded));
        let rules = run_ok(&mut w, dev, "DescribeConfigRules", json!({}));
        let member_rule = &rules["ConfigRules"][0];
        assert!(member_rule["ConfigRuleName"]
            .as_str()
            .unwrap()
            .starts_with("OrgConfigRule-gd-enabled-"));
        assert_eq!(member_rule["CreatedBy"], super::SERVICE_PRINCIPAL);
        assert_eq!(
            run_ok(&mut w, excluded, "DescribeConfigRules", json!({}))["ConfigRules"],
            json!([])
        );

        let newcomer = create_org_account(&mut w, 9);
        start_recording(&mut w, &newcomer);
        assert!(statuses(&mut w, security)
            .contains(&(newcomer.clone(), "CREATE_SUCCESSFUL".to_string())));
        let compliance = run_ok(
            &mut w,
            &newcomer,
            "DescribeComplianceByConfigRule",
            json!({}),
        );
        assert_eq!(
            compliance["ComplianceByConfigRules"][0]["Compliance"]["ComplianceType"],
            "NON_COMPLIANT"
        );

        let status = run_ok(
            &mut w,
            MANAGEMENT,
            "DescribeOrganizationConfigRuleStatuses",
            json!({}),
        );
        assert_eq!(
            status["OrganizationConfigRuleStatuses"][0]["OrganizationRuleStatus"],
            "CREATE_FAILED"
        );
        run_ok(
            &mut w,
            security,
            "DeleteOrganizationConfigRule",
            json!({"OrganizationConfigRuleName": "gd-enabled"}),
        );
        assert_eq!(
            run_ok(&mut w, dev, "DescribeConfigRules", json!({}))["ConfigRules"],
            json!([])
        );
        assert_eq!(
            error_code(
                &mut w,
                security,
                "DeleteOrganizationConfigRule",
                json!({"OrganizationConfigRuleName": "gd-enabled"})
            ),
            "NoSuchOrganizationConfigRuleException"
        );
    }

    #[test]
    fn management_enables_trusted_access_and_outsiders_are_refused() {
        let mut w = world();
        org_with_accounts(&mut w, 1);
        put_gd_org_rule(&mut w, MANAGEMENT, &[]).unwrap();
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.enabled_services.contains_key(super::SERVICE_PRINCIPAL));
        assert_eq!(
            put_gd_org_rule(&mut w, "999999999999", &[])
                .unwrap_err()
                .code,
            "NoAvailableOrganizationException"
        );
        let both = run(
            &mut w,
            &root_caller(MANAGEMENT),
            "PutOrganizationConfigRule",
            json!({"OrganizationConfigRuleName": "x", "OrganizationManagedRuleMetadata": {"RuleIdentifier": "A"}, "OrganizationCustomPolicyRuleMetadata": {"PolicyRuntime": "guard-2.x.x", "PolicyText": "t"}}),
        );
        assert_eq!(both.unwrap_err().code, "ValidationException");
    }
}
