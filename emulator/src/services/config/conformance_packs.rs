//! Conformance packs: managed rules deployed together from a template. A pack's rules
//! are Config rules of the account (`<rule>-conformance-pack-<suffix>`, created by
//! `config-conforms.amazonaws.com`), evaluated like any other. The packs in force in an
//! account are its own and those its organization's conformance packs deploy to it.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::conformance_template::{check_pack_name, check_template, TemplateRule};
use super::errors::ConfigError;
use super::model::{ConformancePack, PackRule};
use super::organization_conformance_packs::deployed_packs;
use super::rules::ActiveRule;
use super::{page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// The service that owns the rules of conformance packs.
pub const CONFORMS_PRINCIPAL: &str = "config-conforms.amazonaws.com";

/// Conformance packs per account and region (AWS default quota).
pub const MAX_CONFORMANCE_PACKS: usize = 50;

/// The rules of a pack as deployed, keeping the ids of rules the pack already had.
pub fn deploy_rules(
    world: &mut World,
    template: Vec<TemplateRule>,
    suffix: &str,
    previous: &[PackRule],
) -> Vec<PackRule> {
    template
        .into_iter()
        .map(|t| {
            let id = previous
                .iter()
                .find(|p| p.template_name == t.name)
                .map(|p| p.id.clone())
                .unwrap_or_else(|| format!("config-rule-{}", world.ids.lower_alnum(6)));
            PackRule {
                name: format!("{}-conformance-pack-{suffix}", t.name),
                template_name: t.name,
                id,
                description: t.description,
                source: t.source,
                scope: t.scope,
                input_parameters: t.input_parameters,
                maximum_execution_frequency: t.maximum_execution_frequency,
            }
        })
        .collect()
}

/// The suffix of a pack's id (`conformance-pack-<suffix>`), which its rules' names end in.
pub fn id_suffix(pack_id: &str) -> &str {
    pack_id.strip_prefix("conformance-pack-").unwrap_or(pack_id)
}

/// Every conformance pack in force in (`account`, `region`), sorted by name.
pub fn all_packs(world: &World, account: &str, region: &str) -> Vec<ConformancePack> {
    let mut packs: Vec<ConformancePack> = world
        .config
        .account(region, account)
        .map(|a| a.conformance_packs.values().cloned().collect())
        .unwrap_or_default();
    packs.extend(deployed_packs(world, account, region));
    packs.sort_by(|a, b| a.name.cmp(&b.name));
    packs
}

/// The rules of `pack` as Config rules of (`account`, `region`). Like any rule they
/// need the account's configuration recorder.
pub fn pack_active_rules(
    world: &World,
    pack: &ConformancePack,
    account: &str,
    region: &str,
) -> Vec<ActiveRule> {
    if world.config.recorder(region, account).is_none() {
        return Vec::new();
    }
    pack.rules
        .iter()
        .map(|r| ActiveRule {
            name: r.name.clone(),
            arn: format!("arn:aws:config:{region}:{account}:config-rule/aws-service-rule/{CONFORMS_PRINCIPAL}/{}", r.id),
            id: r.id.clone(),
            description: r.description.clone(),
            source: r.source.clone(),
            scope: r.scope.clone(),
            input_parameters: r.input_parameters.clone(),
            maximum_execution_frequency: r.maximum_execution_frequency.clone(),
            created_ms: pack.requested_ms,
            created_by: Some(CONFORMS_PRINCIPAL.to_string()),
            evaluations: imbl::OrdMap::new(),
            last_run_requested_ms: None,
        })
        .collect()
}

/// The rules of every conformance pack in force in (`account`, `region`).
pub fn conformance_pack_rules(world: &World, account: &str, region: &str) -> Vec<ActiveRule> {
    all_packs(world, account, region)
        .iter()
        .flat_map(|p| pack_active_rules(world, p, account, region))
        .collect()
}

/// Whether a deployment asked for in request `requested_in` is still running: through
/// the next request, so a client polling right after the put sees it in progress once.
pub fn deploying(world: &World, requested_in: u64) -> bool {
    world.request_count <= requested_in + 1
}

/// `ConformancePackState` and its reason: in progress until a later request (as AWS
/// deploys asynchronously), then complete, or failed where no recorder can run the rules.
pub fn pack_state(
    world: &World,
    pack: &ConformancePack,
    account: &str,
    region: &str,
) -> (String, Option<String>) {
    let action = if pack.updated { "UPDATE" } else { "CREATE" };
    if deploying(world, pack.requested_in) {
        return (format!("{action}_IN_PROGRESS"), None);
    }
    if world.config.recorder(region, account).is_none() {
        return (
            format!("{action}_FAILED"),
            Some("Failed to deploy the conformance pack rules: NoAvailableConfigurationRecorderException: there is no configuration recorder in this account and region.".to_string()),
        );
    }
    (format!("{action}_COMPLETE"), None)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutConformancePackInput {
    pub conformance_pack_name: String,
    pub template_s3_uri: Option<String>,
    pub template_body: Option<String>,
    #[serde(rename = "TemplateSSMDocumentDetails")]
    pub template_ssm_document_details: Option<Value>,
    pub delivery_s3_bucket: Option<String>,
    pub delivery_s3_key_prefix: Option<String>,
    #[serde(default)]
    pub conformance_pack_input_parameters: Vec<Value>,
    pub source: Option<Value>,
    #[serde(default)]
    pub tags: Vec<super::tags::Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutConformancePackOutput {
    pub conformance_pack_arn: String,
}

pub fn put_conformance_pack(
    world: &mut World,
    caller: &Caller,
    input: PutConformancePackInput,
) -> Result<PutConformancePackOutput, ConfigError> {
    let name = input.conformance_pack_name;
    check_pack_name("conformancePackName", &name, 256)?;
    if input
        .delivery_s3_bucket
        .as_ref()
        .is_some_and(|b| b.len() > 63)
    {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'deliveryS3Bucket' failed to satisfy constraint: Member must have length less than or equal to 63".to_string(),
        ));
    }
    let tags = super::tags::creation_tags(&input.tags)?;
    let other_source = input.template_ssm_document_details.is_some() || input.source.is_some();
    let template = check_template(
        world,
        &input.template_body,
        &input.template_s3_uri,
        other_source,
        &input.conformance_pack_input_parameters,
    )?
    .map_err(ConfigError::ConformancePackTemplateValidation)?;
    let account = world.config.account(&caller.region, &caller.account_id);
    let existing = account
        .and_then(|a| a.conformance_packs.get(&name))
        .cloned();
    if let Some(pack) = &existing {
        if deploying(world, pack.requested_in) {
            return Err(ConfigError::ResourceInUse(format!(
                "The conformance pack '{name}' is being deployed. Try again later."
            )));
        }
    }
    if existing.is_none()
        && account.map_or(0, |a| a.conformance_packs.len()) >= MAX_CONFORMANCE_PACKS
    {
        return Err(ConfigError::MaxNumberOfConformancePacksExceeded(format!(
            "Failed to put conformance pack '{name}' because the maximum number of conformance packs: {MAX_CONFORMANCE_PACKS} is reached."
        )));
    }
    let (id, arn) = match &existing {
        Some(pack) => (pack.id.clone(), pack.arn.clone()),
        None => {
            let id = format!("conformance-pack-{}", world.ids.lower_alnum(9));
            let arn = format!(
                "arn:aws:config:{}:{}:conformance-pack/{name}/{id}",
                caller.region, caller.account_id
            );
            (id, arn)
        }
    };
    let previous = existing
        .as_ref()
        .map(|p| p.rules.clone())
        .unwrap_or_default();
    let rules = deploy_rules(world, template, id_suffix(&id), &previous);
    let pack = ConformancePack {
        name: name.clone(),
        arn: arn.clone(),
        id,
        rules,
        delivery_s3_bucket: input.delivery_s3_bucket,
        delivery_s3_key_prefix: input.delivery_s3_key_prefix,
        input_parameters: input.conformance_pack_input_parameters,
        created_by: None,
        requested_ms: world.clock.now_ms(),
        requested_in: world.request_count,
        updated: existing.is_some(),
    };
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .conformance_packs
        .insert(name, pack);
    super::tags::add_created(world, &arn, &tags);
    Ok(PutConformancePackOutput {
        conformance_pack_arn: arn,
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackFilters {
    #[serde(default)]
    pub types: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePacksInput {
    #[serde(default)]
    pub conformance_pack_names: Vec<String>,
    #[serde(default)]
    pub filters: PackFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

/// The packs named (all when `names` is empty), each name checked to exist.
pub fn named_packs(
    world: &World,
    caller: &Caller,
    names: &[String],
) -> Result<Vec<ConformancePack>, ConfigError> {
    let packs = all_packs(world, &caller.account_id, &caller.region);
    if let Some(missing) = names.iter().find(|n| !packs.iter().any(|p| &p.name == *n)) {
        return Err(ConfigError::NoSuchConformancePack(format!(
            "One or more conformance packs do not exist: {missing}."
        )));
    }
    Ok(packs
        .into_iter()
        .filter(|p| names.is_empty() || names.contains(&p.name))
        .collect())
}

/// The page of packs a describe call asks for; every pack orgsim holds is `CUSTOM`.
fn packs_page(
    world: &World,
    caller: &Caller,
    listing: &str,
    input: &DescribePacksInput,
) -> Result<(Vec<ConformancePack>, Option<String>), ConfigError> {
    if input.conformance_pack_names.len() > 25 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'conformancePackNames' failed to satisfy constraint: Member must have length less than or equal to 25".to_string(),
        ));
    }
    if let Some(bad) = input
        .filters
        .types
        .iter()
        .find(|t| !matches!(t.as_str(), "CUSTOM" | "MANAGED"))
    {
        return Err(ConfigError::constraint(
            "filters.types",
            bad,
            "Member must satisfy enum value set: [CUSTOM, MANAGED]",
        ));
    }
    let (size, after) = page(listing, input.limit, 20, &input.next_token)?;
    let wants_custom =
        input.filters.types.is_empty() || input.filters.types.iter().any(|t| t == "CUSTOM");
    let rest = named_packs(world, caller, &input.conformance_pack_names)?
        .into_iter()
        .filter(|p| wants_custom && after.as_ref().is_none_or(|a| p.name > *a));
    let (rows, next) = take_page(rest, size, |p| p.name.clone());
    Ok((rows, next.map(|k| encode_token(listing, &k))))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribePacksOutput {
    pub conformance_pack_details: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_conformance_packs(
    world: &mut World,
    caller: &Caller,
    input: DescribePacksInput,
) -> Result<DescribePacksOutput, ConfigError> {
    let listing = format!("DescribeConformancePacks {}", caller.region);
    let (rows, next_token) = packs_page(world, caller, &listing, &input)?;
    let details = rows
        .iter()
        .map(|p| {
            let mut out = json!({
                "ConformancePackName": p.name,
                "ConformancePackArn": p.arn,
                "ConformancePackId": p.id,
                "ConformancePackInputParameters": p.input_parameters,
                "LastUpdateRequestedTime": epoch_seconds(p.requested_ms),
                "Type": "CUSTOM",
            });
            let optional = [
                ("DeliveryS3Bucket", &p.delivery_s3_bucket),
                ("DeliveryS3KeyPrefix", &p.delivery_s3_key_prefix),
                ("CreatedBy", &p.created_by),
            ];
            for (key, value) in optional {
                if let Some(value) = value {
                    out[key] = json!(value);
                }
            }
            out
        })
        .collect();
    Ok(DescribePacksOutput {
        conformance_pack_details: details,
        next_token,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PackStatusOutput {
    pub conformance_pack_status_details: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_conformance_pack_status(
    world: &mut World,
    caller: &Caller,
    input: DescribePacksInput,
) -> Result<PackStatusOutput, ConfigError> {
    let listing = format!("DescribeConformancePackStatus {}", caller.region);
    let (rows, next_token) = packs_page(world, caller, &listing, &input)?;
    let details = rows
        .iter()
        .map(|p| {
            let (state, reason) = pack_state(world, p, &caller.account_id, &caller.region);
            let mut out = json!({
                "ConformancePackName": p.name,
                "ConformancePackId": p.id,
                "ConformancePackArn": p.arn,
                "ConformancePackState": state,
                // AWS deploys a pack as a CloudFormation stack.
                "StackArn": format!("arn:aws:cloudformation:{}:{}:stack/awsconfigconforms-{}/{}", caller.region, caller.account_id, p.name, p.id),
                "LastUpdateRequestedTime": epoch_seconds(p.requested_ms),
                "Type": "CUSTOM",
            });
            if !state.ends_with("IN_PROGRESS") {
                out["LastUpdateCompletedTime"] = json!(epoch_seconds(p.requested_ms));
            }
            if let Some(reason) = reason {
                out["ConformancePackStatusReason"] = json!(reason);
            }
            out
        })
        .collect();
    Ok(PackStatusOutput {
        conformance_pack_status_details: details,
        next_token,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletePackInput {
    pub conformance_pack_name: String,
}

pub fn delete_conformance_pack(
    world: &mut World,
    caller: &Caller,
    input: DeletePackInput,
) -> Result<Empty, ConfigError> {
    let name = input.conformance_pack_name;
    let own = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.conformance_packs.get(&name));
    let Some(pack) = own else {
        // Packs an organization pack deployed are deleted only through it.
        return Err(ConfigError::NoSuchConformancePack(format!(
            "Conformance pack '{name}' does not exist."
        )));
    };
    if deploying(world, pack.requested_in) {
        return Err(ConfigError::ResourceInUse(format!(
            "The conformance pack '{name}' is being deployed. Try again later."
        )));
    }
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .conformance_packs
        .remove(&name);
    Ok(Empty {})
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::test_support::*;
    use serde_json::{json, Value};

    const ACCOUNT: &str = "222222222222";

    pub const TEMPLATE: &str = "Resources:\n  Gd:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: guardduty-enabled-centralized\n      Source:\n        Owner: AWS\n        SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED\n  Hub:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      ConfigRuleName: securityhub-enabled\n      Source:\n        Owner: AWS\n        SourceIdentifier: SECURITYHUB_ENABLED\n";

    fn state(w: &mut crate::world::World, account: &str) -> Value {
        run_ok(w, account, "DescribeConformancePackStatus", json!({}))
            ["ConformancePackStatusDetails"][0]["ConformancePackState"]
            .clone()
    }

    #[test]
    fn a_pack_deploys_its_rules_asynchronously_and_is_deleted() {
        let mut w = world();
        start_recording(&mut w, ACCOUNT);
        let put = json!({"ConformancePackName": "security", "TemplateBody": TEMPLATE});
        let arn = run_ok(&mut w, ACCOUNT, "PutConformancePack", put.clone())["ConformancePackArn"]
            .clone();
        assert!(arn.as_str().unwrap().starts_with(
            "arn:aws:config:us-east-1:222222222222:conformance-pack/security/conformance-pack-"
        ));
        assert_eq!(state(&mut w, ACCOUNT), "CREATE_IN_PROGRESS");
        assert_eq!(state(&mut w, ACCOUNT), "CREATE_COMPLETE");
        let rules = run_ok(&mut w, ACCOUNT, "DescribeConfigRules", json!({}));
        let names: Vec<&str> = rules["ConfigRules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ConfigRuleName"].as_str().unwrap())
            .collect();
        let packs = run_ok(&mut w, ACCOUNT, "DescribeConformancePacks", json!({}));
        let id = packs["ConformancePackDetails"][0]["ConformancePackId"]
            .as_str()
            .unwrap();
        let suffix = id.strip_prefix("conformance-pack-").unwrap();
        assert_eq!(
            names,
            [
                format!("guardduty-enabled-centralized-conformance-pack-{suffix}"),
                format!("securityhub-enabled-conformance-pack-{suffix}")
            ]
        );
        assert_eq!(
            rules["ConfigRules"][0]["CreatedBy"],
            super::CONFORMS_PRINCIPAL
        );

        run_ok(&mut w, ACCOUNT, "PutConformancePack", put);
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "DeleteConformancePack",
                json!({"ConformancePackName": "security"})
            ),
            "ResourceInUseException",
            "the update is still in progress"
        );
        assert_eq!(state(&mut w, ACCOUNT), "UPDATE_COMPLETE");
        run_ok(
            &mut w,
            ACCOUNT,
            "DeleteConformancePack",
            json!({"ConformancePackName": "security"}),
        );
        assert_eq!(
            run_ok(&mut w, ACCOUNT, "DescribeConfigRules", json!({}))["ConfigRules"],
            json!([])
        );
        assert_eq!(
            error_code(
                &mut w,
                ACCOUNT,
                "DescribeConformancePacks",
                json!({"ConformancePackNames": ["security"]})
            ),
            "NoSuchConformancePackException"
        );
    }

    #[test]
    fn bad_templates_and_sources_are_refused() {
        let mut w = world();
        let code = |w: &mut crate::world::World, input: Value| {
            error_code(w, ACCOUNT, "PutConformancePack", input)
        };
        assert_eq!(
            code(
                &mut w,
                json!({"ConformancePackName": "p", "TemplateBody": "Resources: {}"})
            ),
            "ConformancePackTemplateValidationException"
        );
        assert_eq!(
            code(
                &mut w,
                json!({"ConformancePackName": "p", "TemplateS3Uri": "s3://b/t.yaml"})
            ),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(&mut w, json!({"ConformancePackName": "p"})),
            "InvalidParameterValueException"
        );
        assert_eq!(
            code(
                &mut w,
                json!({"ConformancePackName": "1p", "TemplateBody": TEMPLATE})
            ),
            "ValidationException"
        );
        let huge = format!(
            "{TEMPLATE}#{}",
            "x".repeat(super::super::conformance_template::MAX_TEMPLATE_BYTES)
        );
        assert_eq!(
            code(
                &mut w,
                json!({"ConformancePackName": "p", "TemplateBody": huge})
            ),
            "ValidationException"
        );
    }

    #[test]
    fn without_a_recorder_the_pack_fails_and_has_no_rules() {
        let mut w = world();
        run_ok(
            &mut w,
            ACCOUNT,
            "PutConformancePack",
            json!({"ConformancePackName": "p", "TemplateBody": TEMPLATE}),
        );
        state(&mut w, ACCOUNT);
        assert_eq!(state(&mut w, ACCOUNT), "CREATE_FAILED");
        assert_eq!(
            run_ok(&mut w, ACCOUNT, "DescribeConfigRules", json!({}))["ConfigRules"],
            json!([])
        );
    }
}
