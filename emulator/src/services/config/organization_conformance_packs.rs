//! Organization conformance packs: created by the management account or the delegated
//! administrator for `config-multiaccountsetup.amazonaws.com`, and in force, as
//! `OrgConformsPack-<name>-<suffix>`, in every member (joiners included, the excluded
//! left out) that records in the region — read from membership when asked, as
//! organization rules are.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::conformance_packs::{deploy_rules, deploying, id_suffix};
use super::conformance_template::{check_pack_name, check_template};
use super::errors::ConfigError;
use super::model::{ConformancePack, OrganizationConformancePack};
use super::organization_rules::{deploys_to, SERVICE_PRINCIPAL};
use super::{is_account_id, organization_authority, page, Empty};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Organization conformance packs per organization (AWS default quota).
pub const MAX_ORGANIZATION_PACKS: usize = 50;

/// Where the member pack's ARN names its account.
const ACCOUNT_PLACEHOLDER: &str = "{account}";

/// The organization conformance packs in force in (`account`, `region`), as the
/// member sees them.
pub fn deployed_packs(world: &World, account: &str, region: &str) -> Vec<ConformancePack> {
    let Some(org) = world.organizations.organization_of(account) else {
        return Vec::new();
    };
    let Some(packs) = world.config.organization_conformance_packs(region, &org.id) else {
        return Vec::new();
    };
    packs
        .values()
        .filter(|p| deploys_to(world, &p.excluded_accounts, account, region))
        .map(|p| ConformancePack {
            arn: p.member_pack.arn.replace(ACCOUNT_PLACEHOLDER, account),
            ..p.member_pack.clone()
        })
        .collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutOrganizationPackInput {
    pub organization_conformance_pack_name: String,
    pub template_s3_uri: Option<String>,
    pub template_body: Option<String>,
    pub delivery_s3_bucket: Option<String>,
    pub delivery_s3_key_prefix: Option<String>,
    #[serde(default)]
    pub conformance_pack_input_parameters: Vec<Value>,
    #[serde(default)]
    pub excluded_accounts: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Value>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutOrganizationPackOutput {
    pub organization_conformance_pack_arn: String,
}

pub fn put_organization_conformance_pack(
    world: &mut World,
    caller: &Caller,
    input: PutOrganizationPackInput,
) -> Result<PutOrganizationPackOutput, ConfigError> {
    let name = input.organization_conformance_pack_name;
    check_pack_name("organizationConformancePackName", &name, 128)?;
    if let Some(bucket) = &input.delivery_s3_bucket {
        if bucket.len() > 63 || !bucket.starts_with("awsconfigconforms") {
            return Err(ConfigError::Validation(format!(
                "The delivery bucket '{bucket}' must be 63 characters or fewer and its name must start with awsconfigconforms."
            )));
        }
    }
    if input.excluded_accounts.len() > 1000
        || !input.excluded_accounts.iter().all(|a| is_account_id(a))
    {
        return Err(ConfigError::Validation(
            "ExcludedAccounts must list at most 1000 12-digit account IDs.".to_string(),
        ));
    }
    // PutOrganizationConformancePack declares ValidationException, not
    // InvalidParameterValueException, for the template source.
    let template = check_template(
        world,
        &input.template_body,
        &input.template_s3_uri,
        false,
        &input.conformance_pack_input_parameters,
    )
    .map_err(|e| match e {
        ConfigError::InvalidParameterValue(m) => ConfigError::Validation(m),
        other => other,
    })?
    .map_err(ConfigError::OrganizationConformancePackTemplateValidation)?;
    let (org_id, management) = organization_authority(world, caller, SERVICE_PRINCIPAL)?;
    let packs = world
        .config
        .organization_conformance_packs(&caller.region, &org_id);
    let existing = packs.and_then(|p| p.get(&name)).cloned();
    if let Some(pack) = &existing {
        if deploying(world, pack.member_pack.requested_in) {
            return Err(ConfigError::ResourceInUse(format!(
                "The organization conformance pack '{name}' is being deployed. Try again later."
            )));
        }
    }
    if existing.is_none() && packs.map_or(0, |p| p.len()) >= MAX_ORGANIZATION_PACKS {
        return Err(ConfigError::MaxNumberOfOrganizationConformancePacksExceeded(format!(
            "Failed to put organization conformance pack '{name}': the maximum of {MAX_ORGANIZATION_PACKS} is reached."
        )));
    }
    let now = world.clock.now_ms();
    let (arn, member_name, member_id, created_ms, previous) = match &existing {
        Some(p) => (
            p.arn.clone(),
            p.member_pack.name.clone(),
            p.member_pack.id.clone(),
            p.created_ms,
            p.member_pack.rules.clone(),
        ),
        None => (
            format!(
                "arn:aws:config:{}:{}:organization-conformance-pack/{name}-{}",
                caller.region,
                caller.account_id,
                world.ids.lower_alnum(8)
            ),
            // AWS names member packs OrgConformsPack-<name>-<random>.
            format!("OrgConformsPack-{name}-{}", world.ids.lower_alnum(8)),
            format!("conformance-pack-{}", world.ids.lower_alnum(9)),
            now,
            Vec::new(),
        ),
    };
    let rules = deploy_rules(world, template, id_suffix(&member_id), &previous);
    let member_pack = ConformancePack {
        arn: format!(
            "arn:aws:config:{}:{ACCOUNT_PLACEHOLDER}:conformance-pack/{member_name}/{member_id}",
            caller.region
        ),
        name: member_name,
        id: member_id,
        rules,
        delivery_s3_bucket: input.delivery_s3_bucket.clone(),
        delivery_s3_key_prefix: input.delivery_s3_key_prefix.clone(),
        input_parameters: input.conformance_pack_input_parameters,
        created_by: Some(SERVICE_PRINCIPAL.to_string()),
        requested_ms: now,
        requested_in: world.request_count,
        updated: existing.is_some(),
    };
    let pack = OrganizationConformancePack {
        name: name.clone(),
        arn: arn.clone(),
        excluded_accounts: input.excluded_accounts,
        member_pack,
        created_ms,
        updated_ms: now,
    };
    if management {
        delegation::ensure_service_access(world, &org_id, SERVICE_PRINCIPAL, now);
    }
    world
        .config
        .organization_conformance_packs_mut(&caller.region, &org_id)
        .insert(name, pack);
    Ok(PutOrganizationPackOutput {
        organization_conformance_pack_arn: arn,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationPacksInput {
    #[serde(default)]
    pub organization_conformance_pack_names: Vec<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

/// The organization's packs the caller may see, the names checked to exist.
pub fn visible_packs(
    world: &World,
    caller: &Caller,
    names: &[String],
) -> Result<(String, Vec<OrganizationConformancePack>), ConfigError> {
    if names.len() > 25 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'organizationConformancePackNames' failed to satisfy constraint: Member must have length less than or equal to 25".to_string(),
        ));
    }
    let (org_id, _) = organization_authority(world, caller, SERVICE_PRINCIPAL)?;
    let all: Vec<OrganizationConformancePack> = world
        .config
        .organization_conformance_packs(&caller.region, &org_id)
        .map(|p| p.values().cloned().collect())
        .unwrap_or_default();
    if let Some(missing) = names.iter().find(|n| !all.iter().any(|p| &p.name == *n)) {
        return Err(ConfigError::NoSuchOrganizationConformancePack(format!(
            "The organization conformance pack '{missing}' does not exist."
        )));
    }
    let packs = all
        .into_iter()
        .filter(|p| names.is_empty() || names.contains(&p.name))
        .collect();
    Ok((org_id, packs))
}

/// A page of the visible packs, for the describe and status listings.
pub fn packs_page(
    world: &World,
    caller: &Caller,
    listing: &str,
    input: &DescribeOrganizationPacksInput,
) -> Result<(String, Vec<OrganizationConformancePack>, Option<String>), ConfigError> {
    let (size, after) = page(listing, input.limit, 100, &input.next_token)?;
    let (org_id, packs) = visible_packs(world, caller, &input.organization_conformance_pack_names)?;
    let rest = packs
        .into_iter()
        .filter(|p| after.as_ref().is_none_or(|a| p.name > *a));
    let (rows, next) = take_page(rest, size, |p| p.name.clone());
    Ok((org_id, rows, next.map(|k| encode_token(listing, &k))))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeOrganizationPacksOutput {
    pub organization_conformance_packs: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_organization_conformance_packs(
    world: &mut World,
    caller: &Caller,
    input: DescribeOrganizationPacksInput,
) -> Result<DescribeOrganizationPacksOutput, ConfigError> {
    let listing = format!("DescribeOrganizationConformancePacks {}", caller.region);
    let (_, rows, next_token) = packs_page(world, caller, &listing, &input)?;
    let packs = rows
        .iter()
        .map(|p| {
            let mut out = json!({
                "OrganizationConformancePackName": p.name,
                "OrganizationConformancePackArn": p.arn,
                "ConformancePackInputParameters": p.member_pack.input_parameters,
                "ExcludedAccounts": p.excluded_accounts,
                "LastUpdateTime": epoch_seconds(p.updated_ms),
            });
            if let Some(bucket) = &p.member_pack.delivery_s3_bucket {
                out["DeliveryS3Bucket"] = json!(bucket);
            }
            if let Some(prefix) = &p.member_pack.delivery_s3_key_prefix {
                out["DeliveryS3KeyPrefix"] = json!(prefix);
            }
            out
        })
        .collect();
    Ok(DescribeOrganizationPacksOutput {
        organization_conformance_packs: packs,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteOrganizationPackInput {
    pub organization_conformance_pack_name: String,
}

pub fn delete_organization_conformance_pack(
    world: &mut World,
    caller: &Caller,
    input: DeleteOrganizationPackInput,
) -> Result<Empty, ConfigError> {
    let name = input.organization_conformance_pack_name;
    let (org_id, packs) = visible_packs(world, caller, std::slice::from_ref(&name))?;
    if deploying(world, packs[0].member_pack.requested_in) {
        return Err(ConfigError::ResourceInUse(format!(
            "The organization conformance pack '{name}' is being deployed. Try again later."
        )));
    }
    world
        .config
        .organization_conformance_packs_mut(&caller.region, &org_id)
        .remove(&name);
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use crate::services::guardduty::test_support::create_org_account;
    use crate::world::World;
    use serde_json::{json, Value};

    const TEMPLATE: &str = "Resources:\n  Hub:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: securityhub-enabled\n      Source:\n        Owner: AWS\n        SourceIdentifier: SECURITYHUB_ENABLED\n";

    fn put(w: &mut World, caller: &str, extra: Value) -> Result<Value, crate::api::ApiError> {
        let mut input =
            json!({"OrganizationConformancePackName": "baseline", "TemplateBody": TEMPLATE});
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        run(
            w,
            &root_caller(caller),
            "PutOrganizationConformancePack",
            input,
        )
    }

    fn detailed(w: &mut World, caller: &str) -> Vec<(String, String)> {
        let out = run_ok(
            w,
            caller,
            "GetOrganizationConformancePackDetailedStatus",
            json!({"OrganizationConformancePackName": "baseline"}),
        );
        out["OrganizationConformancePackDetailedStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["AccountId"].as_str().unwrap().to_string(),
                    s["Status"].as_str().unwrap().to_string(),
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
            put(&mut w, security, json!({})).unwrap_err().code,
            "OrganizationAccessDeniedException"
        );
        let principal = super::SERVICE_PRINCIPAL;
        org_call(
            &mut w,
            MANAGEMENT,
            "EnableAWSServiceAccess",
            json!({"ServicePrincipal": principal}),
        );
        org_call(
            &mut w,
            MANAGEMENT,
            "RegisterDelegatedAdministrator",
            json!({"AccountId": security, "ServicePrincipal": principal}),
        );
        for a in [security, dev, excluded] {
            start_recording(&mut w, a);
        }
        let arn = put(&mut w, security, json!({"ExcludedAccounts": [excluded]})).unwrap()
            ["OrganizationConformancePackArn"]
            .clone();
        assert!(arn
            .as_str()
            .unwrap()
            .contains(":organization-conformance-pack/baseline-"));
        assert!(
            detailed(&mut w, security).contains(&(dev.clone(), "CREATE_IN_PROGRESS".to_string()))
        );
        let got = detailed(&mut w, security);
        assert!(got.contains(&(dev.clone(), "CREATE_SUCCESSFUL".to_string())));
        assert!(
            got.contains(&(MANAGEMENT.to_string(), "CREATE_FAILED".to_string())),
            "no recorder there"
        );
        assert!(!got.iter().any(|(a, _)| a == excluded));

        let packs = run_ok(&mut w, dev, "DescribeConformancePacks", json!({}));
        let pack = &packs["ConformancePackDetails"][0];
        assert!(pack["ConformancePackName"]
            .as_str()
            .unwrap()
            .starts_with("OrgConformsPack-baseline-"));
        assert!(pack["ConformancePackArn"]
            .as_str()
            .unwrap()
            .contains(&format!(
                ":{dev}:conformance-pack/OrgConformsPack-baseline-"
            )));
        assert_eq!(pack["CreatedBy"], principal);
        assert_eq!(
            run_ok(&mut w, excluded, "DescribeConformancePacks", json!({}))
                ["ConformancePackDetails"],
            json!([])
        );
        let name = pack["ConformancePackName"].as_str().unwrap().to_string();
        assert_eq!(
            error_code(
                &mut w,
                dev,
                "DeleteConformancePack",
                json!({"ConformancePackName": name})
            ),
            "NoSuchConformancePackException",
            "members cannot delete what the organization deployed"
        );

        let newcomer = create_org_account(&mut w, 9);
        start_recording(&mut w, &newcomer);
        assert!(detailed(&mut w, security)
            .contains(&(newcomer.clone(), "CREATE_SUCCESSFUL".to_string())));
        let summary = run_ok(
            &mut w,
            &newcomer,
            "GetConformancePackComplianceSummary",
            json!({"ConformancePackNames": [name]}),
        );
        assert_eq!(
            summary["ConformancePackComplianceSummaryList"][0]["ConformancePackComplianceStatus"],
            "NON_COMPLIANT"
        );

        let statuses = run_ok(
            &mut w,
            MANAGEMENT,
            "DescribeOrganizationConformancePackStatuses",
            json!({}),
        );
        assert_eq!(
            statuses["OrganizationConformancePackStatuses"][0]["Status"],
            "CREATE_FAILED"
        );
        let described = run_ok(
            &mut w,
            security,
            "DescribeOrganizationConformancePacks",
            json!({}),
        );
        assert_eq!(
            described["OrganizationConformancePacks"][0]["ExcludedAccounts"],
            json!([excluded])
        );
        run_ok(
            &mut w,
            security,
            "DeleteOrganizationConformancePack",
            json!({"OrganizationConformancePackName": "baseline"}),
        );
        assert_eq!(
            run_ok(&mut w, dev, "DescribeConfigRules", json!({}))["ConfigRules"],
            json!([])
        );
        assert_eq!(
            error_code(
                &mut w,
                security,
                "DeleteOrganizationConformancePack",
                json!({"OrganizationConformancePackName": "baseline"})
            ),
            "NoSuchOrganizationConformancePackException"
        );
    }

    #[test]
    fn refusals() {
        let mut w = world();
        org_with_accounts(&mut w, 1);
        assert_eq!(
            put(&mut w, "999999999999", json!({})).unwrap_err().code,
            "NoAvailableOrganizationException"
        );
        assert_eq!(
            put(&mut w, MANAGEMENT, json!({"DeliveryS3Bucket": "my-bucket"}))
                .unwrap_err()
                .code,
            "ValidationException"
        );
        assert_eq!(
            put(&mut w, MANAGEMENT, json!({"TemplateBody": "Resources: 3"}))
                .unwrap_err()
                .code,
            "OrganizationConformancePackTemplateValidationException"
        );
        put(
            &mut w,
            MANAGEMENT,
            json!({"DeliveryS3Bucket": "awsconfigconforms-org"}),
        )
        .unwrap();
        let org = w.organizations.organization_of(MANAGEMENT).unwrap();
        assert!(org.enabled_services.contains_key(super::SERVICE_PRINCIPAL));
        assert_eq!(
            put(&mut w, MANAGEMENT, json!({})).unwrap_err().code,
            "ResourceInUseException"
        );
    }
}
