//! Custom Detection Rules: the rule catalog (GetCustomDetectionRule,
//! ListCustomDetectionRules), an account's associations (Create/Get/Update/Delete/
//! ListCustomDetectionRuleAssociation(s)) and the delegated administrator's
//! organization configurations (…OrgConfiguration…), which associate a rule with the
//! organization's member accounts. A LIVE association turns every matching CloudTrail
//! management event orgsim records into a finding `Tactic:Service/Technique`; a
//! DRY_RUN association counts its matches instead and expires after 14 days.
//!
//! The catalog is GuardDuty's and AWS does not publish it in the API model: orgsim
//! ships its own rules (`rule_catalog.rs`) over the events its services record.

use imbl::OrdMap;
use serde::Deserialize;
use serde_json::{json, Value};

use super::admin::administered_org;
use super::detectors::check_tags;
use super::errors::GdError;
use super::model::{Relationship, RuleAssociation, RuleOrgConfig};
use super::rule_catalog::{rule, CatalogRule, CATALOG};
use super::{is_account_id, Empty};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Dry runs end 14 days after they start (the user guide's "How it works").
const DRY_RUN_MS: i64 = 14 * 24 * 3600 * 1000;

fn check_rule_id(id: &str) -> Result<(), GdError> {
    let ok = (1..=100).contains(&id.len())
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err(GdError::invalid_parameter("ruleId"))
    }
}

fn check_mode(mode: &str, member: &str) -> Result<(), GdError> {
    match mode {
        "LIVE" | "DRY_RUN" => Ok(()),
        _ => Err(GdError::invalid_parameter(member)),
    }
}

fn check_token(token: &Option<String>) -> Result<(), GdError> {
    match token {
        Some(t) if t.len() > 64 => Err(GdError::invalid_parameter("clientToken")),
        _ => Ok(()),
    }
}

/// The catalog rule `rule_id` names.
fn catalog_rule(rule_id: &str) -> Result<&'static CatalogRule, GdError> {
    check_rule_id(rule_id)?;
    rule(rule_id).ok_or_else(|| {
        GdError::NotFound(format!(
            "The request is rejected because the custom detection rule {rule_id} does not exist."
        ))
    })
}

/// The caller's detector in this region (custom detection rules run on it).
fn require_detector(world: &World, caller: &Caller) -> Result<(), GdError> {
    match world.guardduty.detector(&caller.region, &caller.account_id) {
        Some(_) => Ok(()),
        None => Err(GdError::bad(
            "The request is rejected because the current account has no detector in this Region.",
        )),
    }
}

fn expires(mode: &str, created_ms: i64) -> Option<i64> {
    (mode == "DRY_RUN").then_some(created_ms + DRY_RUN_MS)
}

/// An association still in force at `now` (expired dry runs are gone).
fn live_at(association: &RuleAssociation, now: i64) -> bool {
    association.expires_ms.is_none_or(|end| end > now)
}

fn rule_summary(r: &CatalogRule, region: &str) -> Value {
    json!({
        "ruleId": r.id,
        "arn": r.arn(region),
        "name": r.name,
        "description": r.description,
        "severity": r.severity,
        "dataSource": "CloudTrailManagementEvent",
        "tactic": r.tactic,
        "technique": r.technique,
        "service": r.service,
        "language": "SQL",
        "schema": "CloudTrail",
        "createdAt": epoch_seconds(r.created_ms),
        "updatedAt": epoch_seconds(r.created_ms),
    })
}

#[derive(Debug, Deserialize)]
pub struct RuleIdInput {
    #[serde(rename = "RuleId")]
    pub rule_id: String,
}

pub fn get_custom_detection_rule(
    _world: &mut World,
    caller: &Caller,
    input: RuleIdInput,
) -> Result<Value, GdError> {
    let r = catalog_rule(&input.rule_id)?;
    let mut detail = rule_summary(r, &caller.region);
    detail["definition"] = json!({"expression": r.expression});
    Ok(json!({"rule": detail}))
}

#[derive(Debug, Deserialize)]
pub struct RuleFilter {
    pub name: String,
    pub values: Vec<String>,
    pub condition: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListCustomDetectionRulesInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub filters: Option<Vec<RuleFilter>>,
}

const FILTER_FIELDS: &[&str] = &[
    "name",
    "description",
    "dataSource",
    "severity",
    "tactic",
    "technique",
    "service",
];

fn field<'r>(r: &'r CatalogRule, name: &str) -> &'r str {
    match name {
        "name" => r.name,
        "description" => r.description,
        "dataSource" => "CloudTrailManagementEvent",
        "severity" => r.severity,
        "tactic" => r.tactic,
        "technique" => r.technique,
        _ => r.service,
    }
}

/// Page size 1..=100 (default 100) and where to resume, for the listings keyed by id.
fn page_of(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
) -> Result<(usize, Option<String>), GdError> {
    let max = match max_results {
        None => 100,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(_) => return Err(GdError::invalid_parameter("maxResults")),
    };
    let after = match next_token.as_deref() {
        None | Some("") => None,
        Some(t) => {
            Some(decode_token(listing, t).ok_or_else(|| GdError::invalid_parameter("nextToken"))?)
        }
    };
    Ok((max, after))
}

pub fn list_custom_detection_rules(
    _world: &mut World,
    caller: &Caller,
    input: ListCustomDetectionRulesInput,
) -> Result<Value, GdError> {
    let filters = input.filters.unwrap_or_default();
    if filters.len() > 100 {
        return Err(GdError::invalid_parameter("filters"));
    }
    for f in &filters {
        let values_ok = (1..=50).contains(&f.values.len())
            && f.values.iter().all(|v| {
                (1..=255).contains(&v.len())
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || " _.-:/".contains(c))
            });
        if !FILTER_FIELDS.contains(&f.name.as_str()) || !values_ok {
            return Err(GdError::invalid_parameter("filters"));
        }
        if !matches!(
            f.condition.as_deref(),
            None | Some("EQUALS") | Some("CONTAINS")
        ) {
            return Err(GdError::invalid_parameter("filters.condition"));
        }
    }
    let (max, after) = page_of(
        "ListCustomDetectionRules",
        input.max_results,
        &input.next_token,
    )?;
    let matching = CATALOG
        .iter()
        .filter(|r| after.as_deref().is_none_or(|a| r.id > a))
        .filter(|r| {
            filters.iter().all(|f| {
                let value = field(r, &f.name);
                f.values.iter().any(|v| match f.condition.as_deref() {
                    Some("CONTAINS") => value.to_lowercase().contains(&v.to_lowercase()),
                    _ => value == v,
                })
            })
        });
    let (page, next) = take_page(matching, max, |r| r.id);
    let mut out =
        json!({"rules": page.iter().map(|r| rule_summary(r, &caller.region)).collect::<Vec<_>>()});
    if let Some(key) = next {
        out["nextToken"] = json!(encode_token("ListCustomDetectionRules", &key));
    }
    Ok(out)
}

fn association_detail(a: &RuleAssociation) -> Value {
    let mut out = json!({
        "associationId": a.id,
        "arn": a.arn(),
        "ruleId": a.rule_id,
        "accountId": a.account_id,
        "mode": a.mode,
        "createdAt": epoch_seconds(a.created_ms),
        "updatedAt": epoch_seconds(a.updated_ms),
    });
    if let Some(end) = a.expires_ms {
        out["expiresAt"] = json!(epoch_seconds(end));
    }
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAssociationInput {
    pub rule_id: String,
    pub mode: String,
    pub client_token: Option<String>,
    pub tags: Option<OrdMap<String, String>>,
}

pub fn create_custom_detection_rule_association(
    world: &mut World,
    caller: &Caller,
    input: CreateAssociationInput,
) -> Result<Value, GdError> {
    check_mode(&input.mode, "mode")?;
    check_token(&input.client_token)?;
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags)?;
    catalog_rule(&input.rule_id)?;
    require_detector(world, caller)?;
    let now = world.clock.now_ms();
    let detector = world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .expect("detector checked");
    let current = detector
        .rule_associations
        .values()
        .find(|a| a.rule_id == input.rule_id && live_at(a, now));
    if let Some(existing) = current {
        if input.client_token.is_some() && existing.client_token == input.client_token {
            return Ok(json!({"ruleAssociation": association_detail(existing)}));
        }
        return Err(GdError::Conflict(format!(
            "The request is rejected because the custom detection rule {} is already associated with the account in {} mode.",
            input.rule_id, existing.mode
        )));
    }
    let association = RuleAssociation {
        id: world.ids.hex(32),
        rule_id: input.rule_id,
        account_id: caller.account_id.clone(),
        region: caller.region.clone(),
        expires_ms: expires(&input.mode, now),
        mode: input.mode,
        client_token: input.client_token,
        tags,
        org_managed: false,
        created_ms: now,
        updated_ms: now,
        matches: 0,
    };
    let detail = association_detail(&association);
    let detector = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id);
    // An expired dry run of the same rule gives way to the new association.
    let stale: Vec<String> = detector
        .rule_associations
        .values()
        .filter(|a| a.rule_id == association.rule_id)
        .map(|a| a.id.clone())
        .collect();
    for id in stale {
        detector.rule_associations.remove(&id);
    }
    detector
        .rule_associations
        .insert(association.id.clone(), association);
    Ok(json!({"ruleAssociation": detail}))
}

#[derive(Debug, Deserialize)]
pub struct AssociationIdInput {
    #[serde(rename = "RuleId")]
    pub rule_id: String,
    #[serde(rename = "AssociationId")]
    pub association_id: String,
}

fn check_association_id(id: &str) -> Result<(), GdError> {
    let ok = (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(GdError::invalid_parameter("associationId"))
    }
}

fn association<'w>(
    world: &'w World,
    caller: &Caller,
    rule_id: &str,
    association_id: &str,
) -> Result<Option<&'w RuleAssociation>, GdError> {
    check_association_id(association_id)?;
    catalog_rule(rule_id)?;
    let now = world.clock.now_ms();
    Ok(world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .and_then(|d| d.rule_associations.get(association_id))
        .filter(|a| a.rule_id == rule_id && live_at(a, now)))
}

fn association_not_found(id: &str) -> GdError {
    GdError::NotFound(format!(
        "The request is rejected because the association {id} does not exist."
    ))
}

pub fn get_custom_detection_rule_association(
    world: &mut World,
    caller: &Caller,
    input: AssociationIdInput,
) -> Result<Value, GdError> {
    let a = association(world, caller, &input.rule_id, &input.association_id)?
        .ok_or_else(|| association_not_found(&input.association_id))?;
    let mut out = json!({"ruleAssociation": association_detail(a)});
    if !a.tags.is_empty() {
        out["tags"] = json!(a.tags);
    }
    Ok(out)
}

fn refuse_org_managed(a: &RuleAssociation) -> Result<(), GdError> {
    if a.org_managed {
        return Err(GdError::AccessDenied(
            "The request is rejected because the association is managed by the organization's delegated administrator.".into(),
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
pub struct UpdateAssociationInput {
    #[serde(rename = "RuleId")]
    pub rule_id: String,
    #[serde(rename = "AssociationId")]
    pub association_id: String,
    pub mode: String,
}

pub fn update_custom_detection_rule_association(
    world: &mut World,
    caller: &Caller,
    input: UpdateAssociationInput,
) -> Result<Empty, GdError> {
    check_mode(&input.mode, "mode")?;
    let a = association(world, caller, &input.rule_id, &input.association_id)?
        .ok_or_else(|| association_not_found(&input.association_id))?;
    refuse_org_managed(a)?;
    let now = world.clock.now_ms();
    let a = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .rule_associations
        .get_mut(&input.association_id)
        .expect("association checked");
    if a.mode != input.mode {
        // A new dry run runs its 14 days from the switch.
        a.expires_ms = expires(&input.mode, now);
        a.mode = input.mode;
    }
    a.updated_ms = now;
    Ok(Empty {})
}

/// Idempotent, as AWS documents: an association already gone is not an error.
pub fn delete_custom_detection_rule_association(
    world: &mut World,
    caller: &Caller,
    input: AssociationIdInput,
) -> Result<Empty, GdError> {
    let Some(a) = association(world, caller, &input.rule_id, &input.association_id)? else {
        return Ok(Empty {});
    };
    refuse_org_managed(a)?;
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .rule_associations
        .remove(&input.association_id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAssociationsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub rule_id: Option<String>,
    pub mode: Option<String>,
}

pub fn list_custom_detection_rule_associations(
    world: &mut World,
    caller: &Caller,
    input: ListAssociationsInput,
) -> Result<Value, GdError> {
    if let Some(rule_id) = &input.rule_id {
        check_rule_id(rule_id)?;
    }
    if let Some(mode) = &input.mode {
        check_mode(mode, "mode")?;
    }
    let (max, after) = page_of(
        "ListCustomDetectionRuleAssociations",
        input.max_results,
        &input.next_token,
    )?;
    let now = world.clock.now_ms();
    let empty = OrdMap::new();
    let associations = world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .map(|d| &d.rule_associations)
        .unwrap_or(&empty);
    let matching = associations
        .range(crate::services::organizations::after_bound(&after))
        .map(|(_, a)| a)
        .filter(|a| live_at(a, now))
        .filter(|a| input.rule_id.as_ref().is_none_or(|r| &a.rule_id == r))
        .filter(|a| input.mode.as_ref().is_none_or(|m| &a.mode == m));
    let (page, next) = take_page(matching, max, |a| a.id.clone());
    let summaries: Vec<Value> = page
        .iter()
        .map(|a| {
            let mut s = association_detail(a);
            if let Some(map) = s.as_object_mut() {
                map.remove("accountId");
            }
            s
        })
        .collect();
    let mut out = json!({"ruleAssociations": summaries});
    if let Some(key) = next {
        out["nextToken"] = json!(encode_token("ListCustomDetectionRuleAssociations", &key));
    }
    Ok(out)
}

// ---- organization configurations -------------------------------------------------

fn config_key(rule_id: &str, mode: &str) -> String {
    format!("{rule_id}/{mode}")
}

/// The caller as the organization's delegated administrator (with a detector).
fn require_admin(world: &World, caller: &Caller) -> Result<(), GdError> {
    require_detector(world, caller)?;
    if administered_org(world, &caller.region, &caller.account_id).is_none() {
        return Err(GdError::AccessDenied(
            "The request is rejected because the current account is not the delegated administrator of the organization in this Region.".into(),
        ));
    }
    Ok(())
}

fn check_accounts(include: &[String], exclude: &[String]) -> Result<(), GdError> {
    if !include.is_empty() && !exclude.is_empty() {
        return Err(GdError::bad(
            "The request is rejected because includeAccountIds and excludeAccountIds cannot be specified together.",
        ));
    }
    for (ids, member) in [
        (include, "includeAccountIds"),
        (exclude, "excludeAccountIds"),
    ] {
        if ids.len() > 50_000 || ids.iter().any(|id| !is_account_id(id)) {
            return Err(GdError::invalid_parameter(member));
        }
    }
    Ok(())
}

/// Re-derives the organization-managed associations of every member the caller
/// administers from its configurations: a member in scope of a LIVE configuration of a
/// rule runs it live, else in scope of a DRY_RUN one runs it dry; an association the
/// member made itself is left alone.
fn apply_org_configs(world: &mut World, caller: &Caller, now: i64) {
    let region = caller.region.clone();
    let admin = world.guardduty.detector(&region, &caller.account_id);
    let Some(admin) = admin else { return };
    let configs: Vec<RuleOrgConfig> = admin
        .rule_org_configs
        .values()
        .filter(|c| c.expires_ms.is_none_or(|end| end > now))
        .cloned()
        .collect();
    let members: Vec<String> = admin
        .members
        .values()
        .filter(|m| m.via_organization && m.relationship == Relationship::Enabled)
        .map(|m| m.account_id.clone())
        .collect();
    let in_scope = |c: &RuleOrgConfig, account: &String| {
        if !c.include.is_empty() {
            c.include.contains(account)
        } else {
            !c.exclude.contains(account)
        }
    };
    for member in members {
        if world.guardduty.detector(&region, &member).is_none() {
            continue;
        }
        let mut wanted: OrdMap<String, &RuleOrgConfig> = OrdMap::new();
        for c in configs.iter().filter(|c| in_scope(c, &member)) {
            let keep = wanted.get(&c.rule_id).is_some_and(|w| w.mode == "LIVE");
            if !keep {
                wanted.insert(c.rule_id.clone(), c);
            }
        }
        let mut fresh_ids: Vec<String> = (0..wanted.len()).map(|_| world.ids.hex(32)).collect();
        let detector = world.guardduty.detector_mut(&region, &member);
        let own: Vec<String> = detector
            .rule_associations
            .values()
            .filter(|a| !a.org_managed && live_at(a, now))
            .map(|a| a.rule_id.clone())
            .collect();
        let mut kept = OrdMap::new();
        for (rule_id, config) in wanted.iter() {
            if own.contains(rule_id) {
                continue;
            }
            let existing = detector
                .rule_associations
                .values()
                .find(|a| a.org_managed && &a.rule_id == rule_id)
                .cloned();
            let association = match existing {
                Some(mut a) if a.mode == config.mode => {
                    a.expires_ms = config.expires_ms;
                    a
                }
                Some(mut a) => {
                    a.mode = config.mode.clone();
                    a.expires_ms = config.expires_ms;
                    a.updated_ms = now;
                    a
                }
                None => RuleAssociation {
                    id: fresh_ids.pop().unwrap_or_default(),
                    rule_id: rule_id.clone(),
                    account_id: member.clone(),
                    region: region.clone(),
                    mode: config.mode.clone(),
                    client_token: None,
                    tags: OrdMap::new(),
                    org_managed: true,
                    created_ms: now,
                    updated_ms: now,
                    expires_ms: config.expires_ms,
                    matches: 0,
                },
            };
            kept.insert(association.id.clone(), association);
        }
        let own_only: OrdMap<String, RuleAssociation> = detector
            .rule_associations
            .iter()
            .filter(|(_, a)| !a.org_managed)
            .map(|(k, a)| (k.clone(), a.clone()))
            .collect();
        detector.rule_associations = own_only.union(kept);
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrgConfigInput {
    pub rule_id: String,
    pub mode: String,
    pub include_account_ids: Option<Vec<String>>,
    pub exclude_account_ids: Option<Vec<String>>,
    pub client_token: Option<String>,
}

pub fn create_custom_detection_rule_org_configuration(
    world: &mut World,
    caller: &Caller,
    input: CreateOrgConfigInput,
) -> Result<Empty, GdError> {
    check_mode(&input.mode, "mode")?;
    check_token(&input.client_token)?;
    let include = input.include_account_ids.unwrap_or_default();
    let exclude = input.exclude_account_ids.unwrap_or_default();
    check_accounts(&include, &exclude)?;
    catalog_rule(&input.rule_id)?;
    require_admin(world, caller)?;
    let now = world.clock.now_ms();
    let key = config_key(&input.rule_id, &input.mode);
    let admin = world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .expect("detector checked");
    if let Some(existing) = admin.rule_org_configs.get(&key) {
        if existing.expires_ms.is_none_or(|end| end > now) {
            if input.client_token.is_some() && existing.client_token == input.client_token {
                return Ok(Empty {});
            }
            return Err(GdError::Conflict(format!(
                "The request is rejected because an organization configuration of the custom detection rule {} in {} mode already exists.",
                input.rule_id, input.mode
            )));
        }
    }
    let config = RuleOrgConfig {
        rule_id: input.rule_id,
        expires_ms: expires(&input.mode, now),
        mode: input.mode,
        include,
        exclude,
        client_token: input.client_token,
        created_ms: now,
        updated_ms: now,
    };
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .rule_org_configs
        .insert(key, config);
    apply_org_configs(world, caller, now);
    Ok(Empty {})
}

fn org_config<'w>(
    world: &'w World,
    caller: &Caller,
    rule_id: &str,
    mode: &str,
) -> Result<&'w RuleOrgConfig, GdError> {
    check_mode(mode, "mode")?;
    catalog_rule(rule_id)?;
    require_admin(world, caller)?;
    let now = world.clock.now_ms();
    world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .and_then(|d| d.rule_org_configs.get(&config_key(rule_id, mode)))
        .filter(|c| c.expires_ms.is_none_or(|end| end > now))
        .ok_or_else(|| {
            GdError::NotFound(format!(
                "The request is rejected because no organization configuration of the custom detection rule {rule_id} in {mode} mode exists."
            ))
        })
}

#[derive(Debug, Deserialize)]
pub struct OrgConfigIdInput {
    #[serde(rename = "RuleId")]
    pub rule_id: String,
    #[serde(rename = "mode")]
    pub mode: String,
}

fn org_config_wire(c: &RuleOrgConfig, summary: bool) -> Value {
    let mut out = json!({
        "ruleId": c.rule_id,
        "mode": c.mode,
        // Applied within the call that changes it, so never PROCESSING.
        "status": "ACTIVE",
        "createdAt": epoch_seconds(c.created_ms),
        "updatedAt": epoch_seconds(c.updated_ms),
    });
    if !summary {
        out["includeAccountIds"] = json!(c.include);
        out["excludeAccountIds"] = json!(c.exclude);
    }
    if let Some(end) = c.expires_ms {
        out["expiresAt"] = json!(epoch_seconds(end));
    }
    out
}

pub fn get_custom_detection_rule_org_configuration(
    world: &mut World,
    caller: &Caller,
    input: OrgConfigIdInput,
) -> Result<Value, GdError> {
    let c = org_config(world, caller, &input.rule_id, &input.mode)?;
    Ok(json!({"configuration": org_config_wire(c, false)}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOrgConfigInput {
    #[serde(rename = "RuleId")]
    pub rule_id: String,
    pub mode: String,
    pub include_account_ids: Option<Vec<String>>,
    pub exclude_account_ids: Option<Vec<String>>,
}

pub fn update_custom_detection_rule_org_configuration(
    world: &mut World,
    caller: &Caller,
    input: UpdateOrgConfigInput,
) -> Result<Empty, GdError> {
    let include = input.include_account_ids.unwrap_or_default();
    let exclude = input.exclude_account_ids.unwrap_or_default();
    check_accounts(&include, &exclude)?;
    org_config(world, caller, &input.rule_id, &input.mode)?;
    let now = world.clock.now_ms();
    let c = world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .rule_org_configs
        .get_mut(&config_key(&input.rule_id, &input.mode))
        .expect("configuration checked");
    c.include = include;
    c.exclude = exclude;
    c.updated_ms = now;
    apply_org_configs(world, caller, now);
    Ok(Empty {})
}

pub fn delete_custom_detection_rule_org_configuration(
    world: &mut World,
    caller: &Caller,
    input: OrgConfigIdInput,
) -> Result<Empty, GdError> {
    org_config(world, caller, &input.rule_id, &input.mode)?;
    let now = world.clock.now_ms();
    world
        .guardduty
        .detector_mut(&caller.region, &caller.account_id)
        .rule_org_configs
        .remove(&config_key(&input.rule_id, &input.mode));
    apply_org_configs(world, caller, now);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListOrgConfigsInput {
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub status: Option<String>,
}

pub fn list_custom_detection_rule_org_configurations(
    world: &mut World,
    caller: &Caller,
    input: ListOrgConfigsInput,
) -> Result<Value, GdError> {
    if !matches!(
        input.status.as_deref(),
        None | Some("ACTIVE") | Some("PROCESSING") | Some("FAILED")
    ) {
        return Err(GdError::invalid_parameter("status"));
    }
    let (max, after) = page_of(
        "ListCustomDetectionRuleOrgConfigurations",
        input.max_results,
        &input.next_token,
    )?;
    require_admin(world, caller)?;
    let now = world.clock.now_ms();
    let configs = &world
        .guardduty
        .detector(&caller.region, &caller.account_id)
        .expect("detector checked")
        .rule_org_configs;
    let wants_active = input.status.as_deref().is_none_or(|s| s == "ACTIVE");
    let matching = configs
        .range(crate::services::organizations::after_bound(&after))
        .filter(|(_, c)| wants_active && c.expires_ms.is_none_or(|end| end > now));
    let (page, next) = take_page(matching, max, |(k, _)| (*k).clone());
    let mut out = json!({
        "configurations": page.iter().map(|(_, c)| org_config_wire(c, true)).collect::<Vec<_>>(),
    });
    if let Some(key) = next {
        out["nextToken"] = json!(encode_token(
            "ListCustomDetectionRuleOrgConfigurations",
            &key
        ));
    }
    Ok(out)
}
