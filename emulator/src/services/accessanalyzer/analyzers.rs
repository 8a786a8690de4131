//! CreateAnalyzer, GetAnalyzer, ListAnalyzers, UpdateAnalyzer, DeleteAnalyzer and
//! the analyzer's tags. An organization analyzer needs trusted access for
//! `access-analyzer.amazonaws.com` and a caller that is the management account or
//! that service's delegated administrator in Organizations.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

use super::archive_rules::{new_rule, InlineArchiveRule};
use super::errors::AaError;
use super::model::{analyzer_key, Analyzer};
use super::sync::{self, SERVICE_PRINCIPAL};
use super::{analyzer_arn, own_analyzer, page, validate_name, Empty};
use crate::auth::Caller;
use crate::services::organizations::delegation;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

pub const TYPES: &[&str] = &[
    "ACCOUNT",
    "ORGANIZATION",
    "ACCOUNT_UNUSED_ACCESS",
    "ORGANIZATION_UNUSED_ACCESS",
    "ACCOUNT_INTERNAL_ACCESS",
    "ORGANIZATION_INTERNAL_ACCESS",
];
const MAX_TAGS: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateAnalyzerInput {
    pub analyzer_name: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub archive_rules: Vec<InlineArchiveRule>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    pub client_token: Option<String>,
    pub configuration: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct ArnOutput {
    pub arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerSummary {
    pub arn: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_resource_analyzed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_resource_analyzed_at: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Value>,
}

pub fn summary(a: &Analyzer) -> AnalyzerSummary {
    AnalyzerSummary {
        arn: a.arn.clone(),
        name: a.name.clone(),
        kind: a.kind.clone(),
        created_at: iso8601(a.created_ms),
        last_resource_analyzed: a.last_resource_analyzed.clone(),
        last_resource_analyzed_at: a.last_resource_analyzed_ms.map(iso8601),
        tags: a.tags.clone(),
        status: a.status.clone(),
        status_reason: a
            .status_reason
            .as_ref()
            .map(|code| serde_json::json!({ "code": code })),
        configuration: a.configuration.clone(),
    }
}

fn validate_type(kind: &str) -> Result<(), AaError> {
    if TYPES.contains(&kind) {
        return Ok(());
    }
    Err(AaError::field(
        "type",
        format!(
            "Value '{kind}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [{}]",
            TYPES.join(", ")
        ),
    ))
}

fn validate_tags(tags: &BTreeMap<String, String>) -> Result<(), AaError> {
    if tags.len() > MAX_TAGS {
        return Err(AaError::field(
            "tags",
            "Too many tags: at most 50 per resource.",
        ));
    }
    for (key, value) in tags {
        if key.is_empty() || key.len() > 128 || value.len() > 256 || key.starts_with("aws:") {
            return Err(AaError::field("tags", format!("Invalid tag: {key}")));
        }
    }
    Ok(())
}

/// The configuration an analyzer of `kind` may have: `unusedAccess` for unused-access
/// analyzers (age 1..=365 days), `internalAccess` for internal-access ones.
fn validate_configuration(kind: &str, configuration: Option<&Value>) -> Result<(), AaError> {
    let Some(configuration) = configuration else {
        return Ok(());
    };
    let Some(object) = configuration.as_object().filter(|o| o.len() == 1) else {
        return Err(AaError::field(
            "configuration",
            "The configuration must set exactly one member.",
        ));
    };
    let (member, body) = object.iter().next().expect("one member");
    let fits = match member.as_str() {
        "unusedAccess" => kind.ends_with("_UNUSED_ACCESS"),
        "internalAccess" => kind.ends_with("_INTERNAL_ACCESS"),
        _ => false,
    };
    if !fits {
        return Err(AaError::field(
            "configuration",
            format!("The configuration {member} is not valid for analyzers of type {kind}."),
        ));
    }
    if let Some(age) = body.get("unusedAccessAge") {
        if !age.as_i64().is_some_and(|d| (1..=365).contains(&d)) {
            return Err(AaError::field(
                "configuration.unusedAccess.unusedAccessAge",
                "unusedAccessAge must be between 1 and 365 days.",
            ));
        }
    }
    Ok(())
}

/// An organization analyzer needs the organization's trusted access and a caller
/// that is its management account or the service's delegated administrator.
fn check_organization_caller(world: &World, caller: &Caller) -> Result<(), AaError> {
    let Some(org) = world.organizations.organization_of(&caller.account_id) else {
        return Err(AaError::field(
            "type",
            "You must be a member of an organization in AWS Organizations to create an organization analyzer.",
        ));
    };
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        // Real AWS answers this with reason `FIELD_VALIDATION_FAILED` (upper case,
        // unlike the model's enum), as terraform-aws-secure-baseline#184 records.
        return Err(AaError::Validation {
            message: "Service not enabled for AWS Organizations".to_string(),
            reason: "FIELD_VALIDATION_FAILED",
            field: None,
        });
    }
    if org.management_account_id != caller.account_id
        && !delegation::is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
    {
        return Err(AaError::AccessDenied(format!(
            "Account {} is not the management account or the delegated administrator for {SERVICE_PRINCIPAL} of organization {}.",
            caller.account_id, org.id
        )));
    }
    Ok(())
}

pub fn create_analyzer(
    world: &mut World,
    caller: &Caller,
    input: CreateAnalyzerInput,
) -> Result<ArnOutput, AaError> {
    validate_name("analyzerName", &input.analyzer_name, true)?;
    validate_type(&input.kind)?;
    validate_tags(&input.tags)?;
    validate_configuration(&input.kind, input.configuration.as_ref())?;
    let mut rules = BTreeMap::new();
    let now = world.clock.now_ms();
    for rule in &input.archive_rules {
        let rule = new_rule(&rule.rule_name, rule.filter.clone(), now)?;
        rules.insert(rule.name.clone(), rule);
    }
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    if world.accessanalyzer.analyzers.contains_key(&key) {
        return Err(AaError::conflict(
            "Analyzer",
            &input.analyzer_name,
            format!("Analyzer {} already exists.", input.analyzer_name),
        ));
    }
    if input.kind.starts_with("ORGANIZATION") {
        check_organization_caller(world, caller)?;
    }
    let arn = analyzer_arn(&caller.region, &caller.account_id, &input.analyzer_name);
    let configuration = input.configuration.or_else(|| {
        input
            .kind
            .ends_with("_UNUSED_ACCESS")
            .then(|| serde_json::json!({"unusedAccess": {"unusedAccessAge": 90}}))
    });
    let analyzer = Analyzer {
        name: input.analyzer_name,
        arn: arn.clone(),
        account: caller.account_id.clone(),
        region: caller.region.clone(),
        kind: input.kind,
        created_ms: now,
        tags: input.tags,
        status: "ACTIVE".to_string(),
        status_reason: None,
        configuration,
        last_resource_analyzed: None,
        last_resource_analyzed_ms: None,
        archive_rules: rules,
        findings: Default::default(),
        finding_ids: Default::default(),
    };
    world.accessanalyzer.analyzers.insert(key, analyzer);
    crate::services::iam::service_linked::ensure(world, &caller.account_id, SERVICE_PRINCIPAL);
    // The first scan runs at once: findings are there for the next call.
    sync::refresh(world);
    Ok(ArnOutput { arn })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalyzerNameInput {
    pub analyzer_name: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct GetAnalyzerOutput {
    pub analyzer: AnalyzerSummary,
}

pub fn get_analyzer(
    world: &mut World,
    caller: &Caller,
    input: AnalyzerNameInput,
) -> Result<GetAnalyzerOutput, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    Ok(GetAnalyzerOutput {
        analyzer: summary(analyzer),
    })
}

pub fn delete_analyzer(
    world: &mut World,
    caller: &Caller,
    input: AnalyzerNameInput,
) -> Result<Empty, AaError> {
    own_analyzer(world, caller, &input.analyzer_name)?;
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    world.accessanalyzer.analyzers.remove(&key);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAnalyzersInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ListAnalyzersOutput {
    pub analyzers: Vec<AnalyzerSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_analyzers(
    world: &mut World,
    caller: &Caller,
    input: ListAnalyzersInput,
) -> Result<ListAnalyzersOutput, AaError> {
    if let Some(kind) = &input.kind {
        validate_type(kind)?;
    }
    let listing = format!(
        "ListAnalyzers {} {} {}",
        caller.region,
        caller.account_id,
        input.kind.as_deref().unwrap_or("")
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 1000)?;
    let items = world
        .accessanalyzer
        .analyzers_of(&caller.region, &caller.account_id)
        .filter(|a| input.kind.as_ref().is_none_or(|k| *k == a.kind))
        .filter(|a| after.as_ref().is_none_or(|after| a.name > *after));
    let (page, next) = take_page(items, max, |a| a.name.clone());
    Ok(ListAnalyzersOutput {
        analyzers: page.into_iter().map(summary).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateAnalyzerInput {
    pub analyzer_name: String,
    pub configuration: Option<Value>,
}

#[derive(Debug, Serialize)]
pub struct UpdateAnalyzerOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Value>,
}

pub fn update_analyzer(
    world: &mut World,
    caller: &Caller,
    input: UpdateAnalyzerInput,
) -> Result<UpdateAnalyzerOutput, AaError> {
    let analyzer = own_analyzer(world, caller, &input.analyzer_name)?;
    validate_configuration(&analyzer.kind, input.configuration.as_ref())?;
    let key = analyzer_key(&caller.region, &caller.account_id, &input.analyzer_name);
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    if input.configuration.is_some() {
        analyzer.configuration = input.configuration;
    }
    let configuration = analyzer.configuration.clone();
    sync::refresh(world);
    Ok(UpdateAnalyzerOutput { configuration })
}

/// The key of the caller's analyzer a tagged ARN names.
fn tagged_analyzer(world: &World, caller: &Caller, arn: &str) -> Result<String, AaError> {
    let missing = || AaError::not_found("Analyzer", arn, format!("Resource {arn} not found."));
    let (region, account, name) = super::model::parse_analyzer_arn(arn).ok_or_else(missing)?;
    if region != caller.region || account != caller.account_id {
        return Err(missing());
    }
    let key = analyzer_key(region, account, name);
    world
        .accessanalyzer
        .analyzers
        .contains_key(&key)
        .then_some(key)
        .ok_or_else(missing)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagResourceInput {
    pub resource_arn: String,
    pub tags: BTreeMap<String, String>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, AaError> {
    let key = tagged_analyzer(world, caller, &input.resource_arn)?;
    validate_tags(&input.tags)?;
    let mut tags = world.accessanalyzer.analyzers[&key].tags.clone();
    tags.extend(input.tags);
    validate_tags(&tags)?;
    world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked")
        .tags = tags;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UntagResourceInput {
    pub resource_arn: String,
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, AaError> {
    let key = tagged_analyzer(world, caller, &input.resource_arn)?;
    let analyzer = world
        .accessanalyzer
        .analyzers
        .get_mut(&key)
        .expect("checked");
    for k in &input.tag_keys {
        analyzer.tags.remove(k);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListTagsInput {
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
pub struct ListTagsOutput {
    pub tags: BTreeMap<String, String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsInput,
) -> Result<ListTagsOutput, AaError> {
    let key = tagged_analyzer(world, caller, &input.resource_arn)?;
    Ok(ListTagsOutput {
        tags: world.accessanalyzer.analyzers[&key].tags.clone(),
    })
}
