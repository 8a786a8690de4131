//! The V2 Security Hub operations the SDKs call: the V2 hub (Enable/Describe/
//! DisableSecurityHubV2), its aggregator (Create/Get/Update/Delete/ListAggregatorsV2),
//! the V2 integrations catalog (DescribeProductsV2), automation rules V2, ticketing
//! connectors (Create/Get/Update/Delete/List/RegisterConnectorV2, CreateTicketV2) and
//! OCSF findings (GetFindingsV2, GetFindingStatisticsV2, BatchUpdateFindingsV2).
//!
//! The V2 findings are the ASFF findings the caller sees, shown in OCSF: V2 and the
//! classic API read and change the same findings.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::errors::ShError;
use super::finding_updates::{field_changes, updated, BatchUpdateFindingsInput};
use super::findings::visible_scopes;
use super::model::{AggregatorV2, AutomationRuleV2, Connector, HistoryRecord, HubV2};
use super::tags::check_tags;
use super::{page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

fn own_hub_v2<'w>(world: &'w World, caller: &Caller) -> Result<&'w HubV2, ShError> {
    world
        .securityhub
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.hub_v2.as_ref())
        .ok_or_else(|| {
            ShError::AccessDenied(format!(
                "Security Hub is not enabled for account {} in {}",
                caller.account_id, caller.region
            ))
        })
}

fn hub_v2_mut<'w>(world: &'w mut World, caller: &Caller) -> &'w mut HubV2 {
    world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .hub_v2
        .as_mut()
        .expect("V2 hub checked before mutation")
}

fn v2_tags(tags: Option<BTreeMap<String, String>>) -> Result<BTreeMap<String, String>, ShError> {
    let tags = tags.unwrap_or_default();
    check_tags(&tags).map_err(|e| match e {
        ShError::InvalidInput(m) => ShError::Validation(m),
        other => other,
    })?;
    Ok(tags)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableSecurityHubV2Input {
    pub tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableSecurityHubV2Output {
    pub hub_v2_arn: String,
}

pub fn enable_security_hub_v2(
    world: &mut World,
    caller: &Caller,
    input: EnableSecurityHubV2Input,
) -> Result<EnableSecurityHubV2Output, ShError> {
    let tags = v2_tags(input.tags)?;
    if let Ok(hub) = own_hub_v2(world, caller) {
        // Enabling again answers the hub that is on.
        return Ok(EnableSecurityHubV2Output {
            hub_v2_arn: hub.arn.clone(),
        });
    }
    let arn = format!(
        "arn:aws:securityhub:{}:{}:hubv2/{}",
        caller.region,
        caller.account_id,
        world.ids.uuid()
    );
    let now = world.clock.now_ms();
    world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .hub_v2 = Some(HubV2 {
        arn: arn.clone(),
        subscribed_ms: now,
        tags,
        aggregator: None,
        rules: Default::default(),
        connectors: Default::default(),
        features: Default::default(),
    });
    super::features_v2::start_trial(world, caller, "SECURITY_HUB_V2", now);
    Ok(EnableSecurityHubV2Output { hub_v2_arn: arn })
}

#[derive(Debug, Deserialize)]
pub struct NoInput {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityHubV2Output {
    pub hub_v2_arn: String,
    pub subscribed_at: String,
}

pub fn describe_security_hub_v2(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<DescribeSecurityHubV2Output, ShError> {
    let hub = own_hub_v2(world, caller).map_err(|_| {
        ShError::not_found("Security Hub is not enabled in this account and Region")
    })?;
    Ok(DescribeSecurityHubV2Output {
        hub_v2_arn: hub.arn.clone(),
        subscribed_at: iso8601(hub.subscribed_ms),
    })
}

pub fn disable_security_hub_v2(
    world: &mut World,
    caller: &Caller,
    _input: NoInput,
) -> Result<Empty, ShError> {
    own_hub_v2(world, caller)?;
    world
        .securityhub
        .account_mut(&caller.region, &caller.account_id)
        .hub_v2 = None;
    Ok(Empty {})
}

const LINKING_MODES: [&str; 3] = [
    "ALL_REGIONS",
    "ALL_REGIONS_EXCEPT_SPECIFIED",
    "SPECIFIED_REGIONS",
];

fn check_linking(mode: &str, regions: &[String], home: &str) -> Result<(), ShError> {
    if !LINKING_MODES.contains(&mode) {
        return Err(ShError::Validation(format!(
            "You specified an invalid value '{mode}' for RegionLinkingMode. Valid values are: {}",
            LINKING_MODES.join(", ")
        )));
    }
    if mode == "ALL_REGIONS" && !regions.is_empty() {
        return Err(ShError::Validation(
            "LinkedRegions must be empty when RegionLinkingMode is ALL_REGIONS".to_string(),
        ));
    }
    if mode == "SPECIFIED_REGIONS" && regions.is_empty() {
        return Err(ShError::Validation(
            "LinkedRegions is required when RegionLinkingMode is SPECIFIED_REGIONS".to_string(),
        ));
    }
    if regions.iter().any(|r| r == home) {
        return Err(ShError::Validation(format!(
            "LinkedRegions can't include the aggregation Region {home}"
        )));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAggregatorV2Input {
    pub region_linking_mode: String,
    pub linked_regions: Option<Vec<String>>,
    pub tags: Option<BTreeMap<String, String>>,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorV2Output {
    pub aggregator_v2_arn: String,
    pub aggregation_region: String,
    pub region_linking_mode: String,
    pub linked_regions: Vec<String>,
}

fn aggregator_output(a: &AggregatorV2, region: &str) -> AggregatorV2Output {
    AggregatorV2Output {
        aggregator_v2_arn: a.arn.clone(),
        aggregation_region: region.to_string(),
        region_linking_mode: a.mode.clone(),
        linked_regions: a.regions.clone(),
    }
}

pub fn create_aggregator_v2(
    world: &mut World,
    caller: &Caller,
    input: CreateAggregatorV2Input,
) -> Result<AggregatorV2Output, ShError> {
    let regions = input.linked_regions.unwrap_or_default();
    check_linking(&input.region_linking_mode, &regions, &caller.region)?;
    let tags = v2_tags(input.tags)?;
    own_hub_v2(world, caller)?;
    let elsewhere = world.securityhub.regions.iter().any(|(_, r)| {
        r.accounts
            .get(&caller.account_id)
            .and_then(|a| a.hub_v2.as_ref())
            .is_some_and(|h| h.aggregator.is_some())
    });
    if elsewhere {
        return Err(ShError::ConflictV2(
            "An aggregator already exists for this account".to_string(),
        ));
    }
    let aggregator = AggregatorV2 {
        arn: format!(
            "arn:aws:securityhub:{}:{}:aggregatorv2/{}",
            caller.region,
            caller.account_id,
            world.ids.uuid()
        ),
        mode: input.region_linking_mode,
        regions,
        tags,
    };
    let out = aggregator_output(&aggregator, &caller.region);
    hub_v2_mut(world, caller).aggregator = Some(aggregator);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorArnInput {
    pub aggregator_v2_arn: String,
}

fn located_aggregator<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w AggregatorV2, ShError> {
    own_hub_v2(world, caller)?
        .aggregator
        .as_ref()
        .filter(|a| a.arn == arn)
        .ok_or_else(|| ShError::not_found(format!("Aggregator {arn} not found")))
}

pub fn get_aggregator_v2(
    world: &mut World,
    caller: &Caller,
    input: AggregatorArnInput,
) -> Result<AggregatorV2Output, ShError> {
    let a = located_aggregator(world, caller, &input.aggregator_v2_arn)?;
    Ok(aggregator_output(a, &caller.region))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAggregatorV2Input {
    pub aggregator_v2_arn: String,
    pub region_linking_mode: String,
    pub linked_regions: Option<Vec<String>>,
}

pub fn update_aggregator_v2(
    world: &mut World,
    caller: &Caller,
    input: UpdateAggregatorV2Input,
) -> Result<AggregatorV2Output, ShError> {
    let regions = input.linked_regions.unwrap_or_default();
    check_linking(&input.region_linking_mode, &regions, &caller.region)?;
    located_aggregator(world, caller, &input.aggregator_v2_arn)?;
    let a = hub_v2_mut(world, caller)
        .aggregator
        .as_mut()
        .expect("located");
    a.mode = input.region_linking_mode;
    a.regions = regions;
    let out = aggregator_output(a, &caller.region);
    Ok(out)
}

pub fn delete_aggregator_v2(
    world: &mut World,
    caller: &Caller,
    input: AggregatorArnInput,
) -> Result<Empty, ShError> {
    located_aggregator(world, caller, &input.aggregator_v2_arn)?;
    hub_v2_mut(world, caller).aggregator = None;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListV2Input {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatorSummary {
    pub aggregator_v2_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAggregatorsV2Output {
    pub aggregators_v2: Vec<AggregatorSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_aggregators_v2(
    world: &mut World,
    caller: &Caller,
    input: ListV2Input,
) -> Result<ListAggregatorsV2Output, ShError> {
    own_hub_v2(world, caller)?;
    let listing = format!("ListAggregatorsV2 {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let all: Vec<String> = world
        .securityhub
        .regions
        .values()
        .filter_map(|r| r.accounts.get(&caller.account_id))
        .filter_map(|a| a.hub_v2.as_ref()?.aggregator.as_ref())
        .map(|a| a.arn.clone())
        .collect();
    let items = all
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|k| a > k));
    let (items, next) = take_page(items, max, |a| a.clone());
    Ok(ListAggregatorsV2Output {
        aggregators_v2: items
            .into_iter()
            .map(|a| AggregatorSummary {
                aggregator_v2_arn: a,
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

/// One V2 integration: (name, company, description, categories, types).
type ProductEntry = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// The V2 integrations catalog.
const PRODUCTS_V2: &[ProductEntry] = &[
    ("Jira Cloud", "Atlassian", "Create Jira Cloud issues from Security Hub findings.", &["Ticketing"], &["RECEIVE_FINDINGS_FROM_SECURITY_HUB", "UPDATE_FINDINGS_IN_SECURITY_HUB"]),
    ("ServiceNow ITSM", "ServiceNow", "Create ServiceNow incidents from Security Hub findings.", &["Ticketing"], &["RECEIVE_FINDINGS_FROM_SECURITY_HUB", "UPDATE_FINDINGS_IN_SECURITY_HUB"]),
    ("Prowler", "Prowler", "Open source security tool that runs AWS security best practices assessments and sends its findings to Security Hub.", &["Compliance"], &["SEND_FINDINGS_TO_SECURITY_HUB"]),
    ("CrowdStrike Falcon", "CrowdStrike", "Endpoint detections from CrowdStrike Falcon.", &["Endpoint Detection and Response (EDR)"], &["SEND_FINDINGS_TO_SECURITY_HUB"]),
    ("Splunk Enterprise", "Splunk", "Send Security Hub findings to Splunk.", &["SIEM"], &["RECEIVE_FINDINGS_FROM_SECURITY_HUB"]),
];

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProductV2 {
    pub product_v2_name: &'static str,
    pub company_name: &'static str,
    pub description: &'static str,
    pub categories: Vec<&'static str>,
    pub integration_v2_types: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductsV2Output {
    pub products_v2: Vec<ProductV2>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_products_v2(
    _world: &mut World,
    _caller: &Caller,
    input: ListV2Input,
) -> Result<DescribeProductsV2Output, ShError> {
    let listing = "DescribeProductsV2";
    let (max, after) = page(listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let items = PRODUCTS_V2.iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(DescribeProductsV2Output {
        products_v2: items
            .into_iter()
            .map(
                |(_, (name, company, description, categories, types))| ProductV2 {
                    product_v2_name: name,
                    company_name: company,
                    description,
                    categories: categories.to_vec(),
                    integration_v2_types: types.to_vec(),
                },
            )
            .collect(),
        next_token: next.map(|k| encode_token(listing, &k)),
    })
}

// --- OCSF findings -------------------------------------------------------------

fn ocsf_severity(label: &str) -> (&'static str, i64) {
    match label {
        "INFORMATIONAL" => ("Informational", 1),
        "LOW" => ("Low", 2),
        "MEDIUM" => ("Medium", 3),
        "HIGH" => ("High", 4),
        "CRITICAL" => ("Critical", 5),
        _ => ("Unknown", 0),
    }
}

fn ocsf_status(workflow: &str) -> (&'static str, i64) {
    match workflow {
        "NEW" => ("New", 1),
        "NOTIFIED" => ("In Progress", 2),
        "SUPPRESSED" => ("Suppressed", 3),
        "RESOLVED" => ("Resolved", 4),
        _ => ("Unknown", 0),
    }
}

/// An ASFF finding in OCSF (the members V2 filters and groups on).
pub fn to_ocsf(f: &Value) -> Value {
    let (severity, severity_id) = ocsf_severity(f["Severity"]["Label"].as_str().unwrap_or(""));
    let (status, status_id) = ocsf_status(f["Workflow"]["Status"].as_str().unwrap_or("NEW"));
    let compliance = f.get("Compliance").is_some();
    let resources: Vec<Value> = f["Resources"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            json!({"type": r["Type"], "uid": r["Id"], "region": r.get("Region").unwrap_or(&f["Region"]), "cloud_partition": r.get("Partition").cloned().unwrap_or(json!("aws"))})
        })
        .collect();
    let mut o = json!({
        "activity_name": "Create",
        "class_name": if compliance { "Compliance Finding" } else { "Detection Finding" },
        "metadata": {
            "uid": f["Id"],
            "version": "1.6.0",
            "product": {"uid": f["ProductArn"], "name": f["ProductName"], "vendor_name": f["CompanyName"]},
        },
        "finding_info": {
            "uid": f["Id"],
            "title": f["Title"],
            "desc": f["Description"],
            "types": f["Types"],
            "created_time_dt": f["CreatedAt"],
            "modified_time_dt": f["UpdatedAt"],
        },
        "cloud": {"provider": "AWS", "region": f["Region"], "account": {"uid": f["AwsAccountId"], "name": f.get("AwsAccountName").cloned().unwrap_or(Value::Null)}},
        "severity": severity,
        "severity_id": severity_id,
        "status": status,
        "status_id": status_id,
        "resources": resources,
    });
    if compliance {
        o["compliance"] = json!({"status": f["Compliance"]["Status"], "control": f["Compliance"]["SecurityControlId"]});
    }
    if let Some(text) = f["Note"]["Text"].as_str() {
        o["comment"] = json!(text);
    }
    o
}

/// The text values at a dotted OCSF path (lists fanned out on the way).
fn ocsf_values(o: &Value, path: &str) -> Vec<String> {
    let mut current = vec![o];
    for segment in path.split('.') {
        let mut next = Vec::new();
        for v in current {
            match v {
                Value::Array(items) => next.extend(items.iter().filter_map(|i| i.get(segment))),
                other => next.extend(other.get(segment)),
            }
        }
        current = next;
    }
    let mut out = Vec::new();
    for v in current {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Number(n) => out.push(n.to_string()),
            Value::Array(items) => {
                out.extend(items.iter().filter_map(|i| i.as_str().map(String::from)))
            }
            _ => {}
        }
    }
    out
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Operator {
    #[default]
    And,
    Or,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StringComparison {
    Equals,
    Prefix,
    NotEquals,
    PrefixNotEquals,
    Contains,
    NotContains,
    ContainsWord,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StringFilterV2 {
    pub value: String,
    pub comparison: StringComparison,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OcsfStringFilter {
    pub field_name: String,
    pub filter: StringFilterV2,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CompositeFilter {
    pub string_filters: Option<Vec<OcsfStringFilter>>,
    pub date_filters: Option<Value>,
    pub boolean_filters: Option<Value>,
    pub number_filters: Option<Value>,
    pub map_filters: Option<Value>,
    pub ip_filters: Option<Value>,
    pub nested_composite_filters: Option<Vec<CompositeFilter>>,
    pub operator: Option<Operator>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct OcsfFilters {
    pub composite_filters: Option<Vec<CompositeFilter>>,
    pub composite_operator: Option<Operator>,
}

fn check_composite(c: &CompositeFilter) -> Result<(), ShError> {
    let unsupported = [
        ("DateFilters", &c.date_filters),
        ("BooleanFilters", &c.boolean_filters),
        ("NumberFilters", &c.number_filters),
        ("MapFilters", &c.map_filters),
        ("IpFilters", &c.ip_filters),
    ];
    if let Some((name, _)) = unsupported.iter().find(|(_, v)| {
        v.as_ref()
            .is_some_and(|v| v.as_array().is_some_and(|a| !a.is_empty()))
    }) {
        return Err(ShError::Validation(format!(
            "orgsim filters V2 findings on StringFilters only; {name} is not supported"
        )));
    }
    for n in c.nested_composite_filters.iter().flatten() {
        check_composite(n)?;
    }
    Ok(())
}

impl OcsfFilters {
    fn check(&self) -> Result<(), ShError> {
        for c in self.composite_filters.iter().flatten() {
            check_composite(c)?;
        }
        Ok(())
    }

    fn matches(&self, o: &Value) -> bool {
        let composites = self.composite_filters.as_deref().unwrap_or_default();
        if composites.is_empty() {
            return true;
        }
        match self.composite_operator.unwrap_or_default() {
            Operator::And => composites.iter().all(|c| composite_matches(c, o)),
            Operator::Or => composites.iter().any(|c| composite_matches(c, o)),
        }
    }
}

fn string_matches(f: &OcsfStringFilter, o: &Value) -> bool {
    let values = ocsf_values(o, &f.field_name);
    let wanted = &f.filter.value;
    use StringComparison::*;
    match f.filter.comparison {
        Equals => values.iter().any(|v| v == wanted),
        Prefix => values.iter().any(|v| v.starts_with(wanted.as_str())),
        Contains => values.iter().any(|v| v.contains(wanted.as_str())),
        ContainsWord => values
            .iter()
            .any(|v| v.split(|c: char| !c.is_alphanumeric()).any(|w| w == wanted)),
        NotEquals => values.iter().all(|v| v != wanted),
        PrefixNotEquals => values.iter().all(|v| !v.starts_with(wanted.as_str())),
        NotContains => values.iter().all(|v| !v.contains(wanted.as_str())),
    }
}

fn composite_matches(c: &CompositeFilter, o: &Value) -> bool {
    let mut results: Vec<bool> = c
        .string_filters
        .iter()
        .flatten()
        .map(|f| string_matches(f, o))
        .collect();
    results.extend(
        c.nested_composite_filters
            .iter()
            .flatten()
            .map(|n| composite_matches(n, o)),
    );
    if results.is_empty() {
        return true;
    }
    match c.operator.unwrap_or_default() {
        Operator::And => results.iter().all(|r| *r),
        Operator::Or => results.iter().any(|r| *r),
    }
}

/// Every finding the caller sees, in OCSF, with where it is stored.
fn ocsf_findings(world: &World, caller: &Caller) -> Vec<(String, String, String, Value)> {
    let mut out = Vec::new();
    for (region, account) in visible_scopes(world, caller) {
        let Some(hub) = world.securityhub.hub(&region, &account) else {
            continue;
        };
        for (key, stored) in hub.findings.iter() {
            out.push((
                region.clone(),
                account.clone(),
                key.clone(),
                to_ocsf(&stored.finding),
            ));
        }
    }
    out
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SortCriterion {
    pub field: Option<String>,
    pub sort_order: Option<SortOrder>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingsV2Input {
    pub filters: Option<OcsfFilters>,
    pub scopes: Option<Value>,
    pub sort_criteria: Option<Vec<SortCriterion>>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingsV2Output {
    pub findings: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn get_findings_v2(
    world: &mut World,
    caller: &Caller,
    input: GetFindingsV2Input,
) -> Result<GetFindingsV2Output, ShError> {
    let filters = input.filters.unwrap_or_default();
    filters.check()?;
    own_hub_v2(world, caller)?;
    let listing = format!("GetFindingsV2 {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let mut found: Vec<Value> = ocsf_findings(world, caller)
        .into_iter()
        .map(|(_, _, _, o)| o)
        .filter(|o| filters.matches(o))
        .collect();
    let sort = input.sort_criteria.unwrap_or_default();
    // Newest first unless told otherwise, as the console lists them.
    found.sort_by(|a, b| {
        for c in &sort {
            let field = c
                .field
                .as_deref()
                .unwrap_or("finding_info.modified_time_dt");
            let (x, y) = (ocsf_values(a, field), ocsf_values(b, field));
            let order = x.cmp(&y);
            let order = if c.sort_order == Some(SortOrder::Desc) {
                order.reverse()
            } else {
                order
            };
            if order.is_ne() {
                return order;
            }
        }
        ocsf_values(b, "finding_info.modified_time_dt")
            .cmp(&ocsf_values(a, "finding_info.modified_time_dt"))
    });
    let items = found.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(GetFindingsV2Output {
        findings: items.into_iter().map(|(_, o)| o).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupByRule {
    pub filters: Option<OcsfFilters>,
    pub group_by_field: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingStatisticsV2Input {
    pub group_by_rules: Vec<GroupByRule>,
    pub scopes: Option<Value>,
    pub sort_order: Option<SortOrder>,
    pub max_statistic_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupByValue {
    pub field_value: String,
    pub count: i64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupByResult {
    pub group_by_field: String,
    pub group_by_values: Vec<GroupByValue>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetFindingStatisticsV2Output {
    pub group_by_results: Vec<GroupByResult>,
}

pub fn get_finding_statistics_v2(
    world: &mut World,
    caller: &Caller,
    input: GetFindingStatisticsV2Input,
) -> Result<GetFindingStatisticsV2Output, ShError> {
    if input.group_by_rules.is_empty() || input.group_by_rules.len() > 5 {
        return Err(ShError::Validation(
            "GroupByRules must contain between 1 and 5 rules".to_string(),
        ));
    }
    let max = input.max_statistic_results.unwrap_or(25);
    if !(1..=400).contains(&max) {
        return Err(ShError::Validation(
            "MaxStatisticResults must be between 1 and 400".to_string(),
        ));
    }
    for rule in &input.group_by_rules {
        if let Some(f) = &rule.filters {
            f.check()?;
        }
    }
    own_hub_v2(world, caller)?;
    let findings = ocsf_findings(world, caller);
    let mut results = Vec::new();
    for rule in input.group_by_rules {
        let filters = rule.filters.unwrap_or_default();
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        for (_, _, _, o) in findings.iter().filter(|(_, _, _, o)| filters.matches(o)) {
            for v in ocsf_values(o, &rule.group_by_field) {
                *counts.entry(v).or_default() += 1;
            }
        }
        let mut values: Vec<GroupByValue> = counts
            .into_iter()
            .map(|(field_value, count)| GroupByValue { field_value, count })
            .collect();
        values.sort_by(|a, b| match input.sort_order {
            Some(SortOrder::Asc) => a.count.cmp(&b.count),
            _ => b.count.cmp(&a.count),
        });
        values.truncate(max as usize);
        results.push(GroupByResult {
            group_by_field: rule.group_by_field,
            group_by_values: values,
        });
    }
    Ok(GetFindingStatisticsV2Output {
        group_by_results: results,
    })
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OcsfFindingIdentifier {
    pub cloud_account_uid: String,
    pub finding_info_uid: String,
    pub metadata_product_uid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateFindingsV2Input {
    pub metadata_uids: Option<Vec<String>>,
    pub finding_identifiers: Option<Vec<OcsfFindingIdentifier>>,
    pub comment: Option<String>,
    pub severity_id: Option<i64>,
    pub status_id: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProcessedFindingV2 {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_identifier: Option<OcsfFindingIdentifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_uid: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedFindingV2 {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_identifier: Option<OcsfFindingIdentifier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_uid: Option<String>,
    pub error_code: &'static str,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchUpdateFindingsV2Output {
    pub processed_findings: Vec<ProcessedFindingV2>,
    pub unprocessed_findings: Vec<UnprocessedFindingV2>,
}

/// OCSF `severity_id` and `status_id` as the ASFF fields they set.
fn asff_update(input: &BatchUpdateFindingsV2Input, caller: &Caller) -> Result<Value, ShError> {
    let mut update = json!({"FindingIdentifiers": []});
    if let Some(c) = &input.comment {
        if c.trim().is_empty() || c.chars().count() > 512 {
            return Err(ShError::Validation(
                "Comment must be 1 to 512 characters".to_string(),
            ));
        }
        update["Note"] = json!({"Text": c, "UpdatedBy": caller.arn()});
    }
    if let Some(s) = input.severity_id {
        let label = match s {
            1 => "INFORMATIONAL",
            2 => "LOW",
            3 => "MEDIUM",
            4 => "HIGH",
            5 | 6 => "CRITICAL",
            _ => {
                return Err(ShError::Validation(format!(
                    "SeverityId {s} is not an OCSF severity (1..6)"
                )))
            }
        };
        update["Severity"] = json!({"Label": label});
    }
    if let Some(s) = input.status_id {
        let status = match s {
            1 => "NEW",
            2 => "NOTIFIED",
            3 => "SUPPRESSED",
            4 => "RESOLVED",
            _ => {
                return Err(ShError::Validation(format!(
                    "StatusId {s} is not an OCSF status (1..4)"
                )))
            }
        };
        update["Workflow"] = json!({"Status": status});
    }
    if input.comment.is_none() && input.severity_id.is_none() && input.status_id.is_none() {
        return Err(ShError::Validation(
            "Specify at least one of Comment, SeverityId and StatusId".to_string(),
        ));
    }
    Ok(update)
}

pub fn batch_update_findings_v2(
    world: &mut World,
    caller: &Caller,
    input: BatchUpdateFindingsV2Input,
) -> Result<BatchUpdateFindingsV2Output, ShError> {
    let uids = input.metadata_uids.clone().unwrap_or_default();
    let ids = input.finding_identifiers.clone().unwrap_or_default();
    if uids.len() + ids.len() == 0 || uids.len() + ids.len() > 100 {
        return Err(ShError::Validation(
            "Specify between 1 and 100 MetadataUids or FindingIdentifiers".to_string(),
        ));
    }
    let update: BatchUpdateFindingsInput =
        serde_json::from_value(asff_update(&input, caller)?).map_err(ShError::from_input)?;
    own_hub_v2(world, caller)?;
    let findings = ocsf_findings(world, caller);
    let now = world.clock.now_ms();
    let mut processed = Vec::new();
    let mut unprocessed = Vec::new();
    let mut writes = Vec::new();
    let targets = uids
        .into_iter()
        .map(|u| (None, Some(u)))
        .chain(ids.into_iter().map(|i| (Some(i), None)));
    for (identifier, uid) in targets {
        let hit = findings
            .iter()
            .find(|(_, _, _, o)| match (&identifier, &uid) {
                (_, Some(u)) => o["metadata"]["uid"] == *u,
                (Some(i), None) => {
                    o["cloud"]["account"]["uid"] == i.cloud_account_uid
                        && o["finding_info"]["uid"] == i.finding_info_uid
                        && o["metadata"]["product"]["uid"] == i.metadata_product_uid
                }
                (None, None) => false,
            });
        match hit {
            Some((region, account, key, _)) => {
                writes.push((region.clone(), account.clone(), key.clone()));
                processed.push(ProcessedFindingV2 {
                    finding_identifier: identifier,
                    metadata_uid: uid,
                });
            }
            None => unprocessed.push(UnprocessedFindingV2 {
                finding_identifier: identifier,
                metadata_uid: uid,
                error_code: "ResourceNotFoundException",
                error_message: "Finding not found".to_string(),
            }),
        }
    }
    for (region, account, key) in writes {
        let stored = world
            .securityhub
            .hub_mut(&region, &account)
            .findings
            .get_mut(&key)
            .expect("located");
        let new = updated(&stored.finding, &update, now);
        let updates = field_changes(&stored.finding, &new);
        stored.finding = new;
        stored.history.push(HistoryRecord {
            update_ms: now,
            created: false,
            source_type: "BATCH_UPDATE_FINDINGS".to_string(),
            identity: caller.arn(),
            updates,
        });
    }
    Ok(BatchUpdateFindingsV2Output {
        processed_findings: processed,
        unprocessed_findings: unprocessed,
    })
}

// --- automation rules V2 ---------------------------------------------------------

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RuleStatusV2 {
    Enabled,
    Disabled,
}

#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActionTypeV2 {
    FindingFieldsUpdate,
    ExternalIntegration,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ActionV2 {
    #[serde(rename = "Type")]
    pub kind: ActionTypeV2,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finding_fields_update: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_integration_configuration: Option<Value>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CriteriaV2 {
    pub ocsf_finding_criteria: Option<OcsfFilters>,
}

fn check_rule_v2(
    hub: &HubV2,
    order: Option<f64>,
    name: Option<&str>,
    description: Option<&str>,
    criteria: Option<&Value>,
    actions: Option<&[ActionV2]>,
) -> Result<(), ShError> {
    if let Some(o) = order {
        if !(1.0..=1000.0).contains(&o) {
            return Err(ShError::Validation(
                "RuleOrder must be between 1.0 and 1000.0".to_string(),
            ));
        }
    }
    for (field, value) in [("RuleName", name), ("Description", description)] {
        if value.is_some_and(|v| v.trim().is_empty() || v.chars().count() > 256) {
            return Err(ShError::Validation(format!(
                "{field} must be 1 to 256 characters"
            )));
        }
    }
    if let Some(c) = criteria {
        let parsed: CriteriaV2 = serde_json::from_value(c.clone()).map_err(ShError::from_input)?;
        parsed.ocsf_finding_criteria.unwrap_or_default().check()?;
    }
    if let Some(actions) = actions {
        if actions.len() != 1 {
            return Err(ShError::Validation(
                "Actions must contain exactly 1 action".to_string(),
            ));
        }
        for a in actions {
            match a.kind {
                ActionTypeV2::FindingFieldsUpdate => {
                    let fields = a.finding_fields_update.as_ref().ok_or_else(|| {
                        ShError::Validation(
                            "FINDING_FIELDS_UPDATE needs FindingFieldsUpdate".to_string(),
                        )
                    })?;
                    let empty = ["SeverityId", "Comment", "StatusId"]
                        .iter()
                        .all(|k| fields.get(k).is_none_or(Value::is_null));
                    if empty {
                        return Err(ShError::Validation(
                            "FindingFieldsUpdate must set SeverityId, Comment or StatusId"
                                .to_string(),
                        ));
                    }
                }
                ActionTypeV2::ExternalIntegration => {
                    let arn = a
                        .external_integration_configuration
                        .as_ref()
                        .and_then(|c| c["ConnectorArn"].as_str())
                        .ok_or_else(|| {
                            ShError::Validation(
                                "EXTERNAL_INTEGRATION needs ConnectorArn".to_string(),
                            )
                        })?;
                    if !hub.connectors.values().any(|c| c.arn == arn) {
                        return Err(ShError::not_found(format!("Connector {arn} not found")));
                    }
                }
            }
        }
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutomationRuleV2Input {
    pub rule_name: String,
    pub rule_status: Option<RuleStatusV2>,
    pub description: String,
    pub rule_order: f64,
    pub criteria: Value,
    pub actions: Vec<ActionV2>,
    pub tags: Option<BTreeMap<String, String>>,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAutomationRuleV2Output {
    pub rule_arn: String,
    pub rule_id: String,
}

fn status_wire(s: RuleStatusV2) -> &'static str {
    match s {
        RuleStatusV2::Enabled => "ENABLED",
        RuleStatusV2::Disabled => "DISABLED",
    }
}

pub fn create_automation_rule_v2(
    world: &mut World,
    caller: &Caller,
    input: CreateAutomationRuleV2Input,
) -> Result<CreateAutomationRuleV2Output, ShError> {
    let tags = v2_tags(input.tags)?;
    let hub = own_hub_v2(world, caller)?;
    check_rule_v2(
        hub,
        Some(input.rule_order),
        Some(&input.rule_name),
        Some(&input.description),
        Some(&input.criteria),
        Some(&input.actions),
    )?;
    if hub.rules.len() >= 100 {
        return Err(ShError::QuotaV2(
            "You can have up to 100 automation rules".to_string(),
        ));
    }
    let id = world.ids.uuid();
    let now = world.clock.now_ms();
    let rule = AutomationRuleV2 {
        arn: format!(
            "arn:aws:securityhub:{}:{}:automation-rulev2/{id}",
            caller.region, caller.account_id
        ),
        id: id.clone(),
        name: input.rule_name,
        description: input.description,
        order: input.rule_order,
        status: status_wire(input.rule_status.unwrap_or(RuleStatusV2::Enabled)).to_string(),
        criteria: input.criteria,
        actions: serde_json::to_value(&input.actions).unwrap_or_default(),
        created_ms: now,
        updated_ms: now,
        tags,
    };
    let out = CreateAutomationRuleV2Output {
        rule_arn: rule.arn.clone(),
        rule_id: id.clone(),
    };
    hub_v2_mut(world, caller).rules.insert(id, rule);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IdentifierInput {
    pub identifier: String,
}

fn rule_id(hub: &HubV2, identifier: &str) -> Result<String, ShError> {
    hub.rules
        .values()
        .find(|r| r.id == identifier || r.arn == identifier)
        .map(|r| r.id.clone())
        .ok_or_else(|| ShError::not_found(format!("Automation rule {identifier} not found")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleV2Wire {
    pub rule_arn: String,
    pub rule_id: String,
    pub rule_order: f64,
    pub rule_name: String,
    pub rule_status: String,
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub criteria: Option<Value>,
    pub actions: Value,
    pub created_at: String,
    pub updated_at: String,
}

fn rule_wire(r: &AutomationRuleV2, full: bool) -> RuleV2Wire {
    RuleV2Wire {
        rule_arn: r.arn.clone(),
        rule_id: r.id.clone(),
        rule_order: r.order,
        rule_name: r.name.clone(),
        rule_status: r.status.clone(),
        description: r.description.clone(),
        criteria: full.then(|| r.criteria.clone()),
        actions: if full {
            r.actions.clone()
        } else {
            // ListAutomationRulesV2 lists the action types only.
            Value::Array(
                r.actions
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| json!({"Type": a["Type"]}))
                    .collect(),
            )
        },
        created_at: iso8601(r.created_ms),
        updated_at: iso8601(r.updated_ms),
    }
}

pub fn get_automation_rule_v2(
    world: &mut World,
    caller: &Caller,
    input: IdentifierInput,
) -> Result<RuleV2Wire, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = rule_id(hub, &input.identifier)?;
    Ok(rule_wire(&hub.rules[&id], true))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateAutomationRuleV2Input {
    pub identifier: String,
    pub rule_status: Option<RuleStatusV2>,
    pub rule_order: Option<f64>,
    pub description: Option<String>,
    pub rule_name: Option<String>,
    pub criteria: Option<Value>,
    pub actions: Option<Vec<ActionV2>>,
}

pub fn update_automation_rule_v2(
    world: &mut World,
    caller: &Caller,
    input: UpdateAutomationRuleV2Input,
) -> Result<Empty, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = rule_id(hub, &input.identifier)?;
    check_rule_v2(
        hub,
        input.rule_order,
        input.rule_name.as_deref(),
        input.description.as_deref(),
        input.criteria.as_ref(),
        input.actions.as_deref(),
    )?;
    let now = world.clock.now_ms();
    let rule = hub_v2_mut(world, caller)
        .rules
        .get_mut(&id)
        .expect("located");
    if let Some(s) = input.rule_status {
        rule.status = status_wire(s).to_string();
    }
    if let Some(o) = input.rule_order {
        rule.order = o;
    }
    if let Some(d) = input.description {
        rule.description = d;
    }
    if let Some(n) = input.rule_name {
        rule.name = n;
    }
    if let Some(c) = input.criteria {
        rule.criteria = c;
    }
    if let Some(a) = input.actions {
        rule.actions = serde_json::to_value(&a).unwrap_or_default();
    }
    rule.updated_ms = now;
    Ok(Empty {})
}

pub fn delete_automation_rule_v2(
    world: &mut World,
    caller: &Caller,
    input: IdentifierInput,
) -> Result<Empty, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = rule_id(hub, &input.identifier)?;
    hub_v2_mut(world, caller).rules.remove(&id);
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAutomationRulesV2Output {
    pub rules: Vec<RuleV2Wire>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_automation_rules_v2(
    world: &mut World,
    caller: &Caller,
    input: ListV2Input,
) -> Result<ListAutomationRulesV2Output, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let listing = format!("ListAutomationRulesV2 {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let start: usize = after.and_then(|k| k.parse().ok()).unwrap_or(0);
    let mut rules: Vec<&AutomationRuleV2> = hub.rules.values().collect();
    rules.sort_by(|a, b| {
        a.order
            .total_cmp(&b.order)
            .then(a.created_ms.cmp(&b.created_ms))
    });
    let items = rules.into_iter().enumerate().skip(start);
    let (items, next) = take_page(items, max, |(i, _)| i + 1);
    Ok(ListAutomationRulesV2Output {
        rules: items
            .into_iter()
            .map(|(_, r)| rule_wire(r, false))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

// --- connectors and tickets ---------------------------------------------------------

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ProviderName {
    JiraCloud,
    Servicenow,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectorStatus {
    Connected,
    FailedToConnect,
    PendingConfiguration,
    PendingAuthorization,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct JiraConfig {
    pub project_key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceNowConfig {
    pub instance_name: Option<String>,
    pub secret_arn: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProviderConfiguration {
    pub jira_cloud: Option<JiraConfig>,
    pub service_now: Option<ServiceNowConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConnectorV2Input {
    pub name: String,
    pub description: Option<String>,
    pub provider: ProviderConfiguration,
    pub kms_key_arn: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub client_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateConnectorV2Output {
    pub connector_arn: String,
    pub connector_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_url: Option<String>,
    pub connector_status: &'static str,
}

fn is_jira(c: &Connector) -> bool {
    c.provider.get("JiraCloud").is_some()
}

/// Jira Cloud waits for the OAuth flow (RegisterConnectorV2); ServiceNow reads its
/// credentials from the secret and connects at once.
fn connector_status(c: &Connector) -> &'static str {
    if !is_jira(c) || c.registered {
        "CONNECTED"
    } else {
        "PENDING_AUTHORIZATION"
    }
}

fn auth_url(c: &Connector) -> Option<String> {
    is_jira(c).then(|| {
        format!(
            "https://auth.atlassian.com/authorize?audience=api.atlassian.com&response_type=code&state={}",
            c.id
        )
    })
}

pub fn create_connector_v2(
    world: &mut World,
    caller: &Caller,
    input: CreateConnectorV2Input,
) -> Result<CreateConnectorV2Output, ShError> {
    if input.name.trim().is_empty() || input.name.chars().count() > 256 {
        return Err(ShError::Validation(
            "Name must be 1 to 256 characters".to_string(),
        ));
    }
    let provider = match (&input.provider.jira_cloud, &input.provider.service_now) {
        (Some(j), None) => {
            let key = j.project_key.clone().ok_or_else(|| {
                ShError::Validation("JiraCloud.ProjectKey is required".to_string())
            })?;
            json!({"JiraCloud": {"ProjectKey": key}})
        }
        (None, Some(s)) => {
            let (Some(instance), Some(secret)) = (&s.instance_name, &s.secret_arn) else {
                return Err(ShError::Validation(
                    "ServiceNow needs InstanceName and SecretArn".to_string(),
                ));
            };
            json!({"ServiceNow": {"InstanceName": instance, "SecretArn": secret}})
        }
        _ => {
            return Err(ShError::Validation(
                "Provider must name exactly one of JiraCloud and ServiceNow".to_string(),
            ))
        }
    };
    let tags = v2_tags(input.tags)?;
    let hub = own_hub_v2(world, caller)?;
    if hub.connectors.values().any(|c| c.name == input.name) {
        return Err(ShError::ConflictV2(format!(
            "A connector named {} already exists",
            input.name
        )));
    }
    let id = world.ids.uuid();
    let now = world.clock.now_ms();
    let connector = Connector {
        arn: format!(
            "arn:aws:securityhub:{}:{}:connectorv2/{id}",
            caller.region, caller.account_id
        ),
        id: id.clone(),
        name: input.name,
        description: input.description.unwrap_or_default(),
        provider,
        kms_key_arn: input.kms_key_arn,
        created_ms: now,
        updated_ms: now,
        registered: false,
        tags,
        tickets: BTreeMap::new(),
    };
    let out = CreateConnectorV2Output {
        connector_arn: connector.arn.clone(),
        connector_id: id.clone(),
        auth_url: auth_url(&connector),
        connector_status: connector_status(&connector),
    };
    hub_v2_mut(world, caller).connectors.insert(id, connector);
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectorIdInput {
    pub connector_id: String,
}

fn connector_id(hub: &HubV2, identifier: &str) -> Result<String, ShError> {
    hub.connectors
        .values()
        .find(|c| c.id == identifier || c.arn == identifier)
        .map(|c| c.id.clone())
        .ok_or_else(|| ShError::not_found(format!("Connector {identifier} not found")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetConnectorV2Output {
    pub connector_arn: String,
    pub connector_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    pub created_at: String,
    pub last_updated_at: String,
    pub health: Value,
    pub provider_detail: Value,
}

pub fn get_connector_v2(
    world: &mut World,
    caller: &Caller,
    input: ConnectorIdInput,
) -> Result<GetConnectorV2Output, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let c = &hub.connectors[&connector_id(hub, &input.connector_id)?];
    let status = connector_status(c);
    let auth = if status == "CONNECTED" {
        "ACTIVE"
    } else {
        "FAILED"
    };
    let mut detail = c.provider.clone();
    for provider in ["JiraCloud", "ServiceNow"] {
        if let Some(d) = detail.get_mut(provider) {
            d["AuthStatus"] = json!(auth);
            if provider == "JiraCloud" {
                if let Some(url) = auth_url(c) {
                    d["AuthUrl"] = json!(url);
                }
            }
        }
    }
    Ok(GetConnectorV2Output {
        connector_arn: c.arn.clone(),
        connector_id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        kms_key_arn: c.kms_key_arn.clone(),
        created_at: iso8601(c.created_ms),
        last_updated_at: iso8601(c.updated_ms),
        health: json!({"ConnectorStatus": status, "LastCheckedAt": iso8601(c.updated_ms)}),
        provider_detail: detail,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateConnectorV2Input {
    pub connector_id: String,
    pub description: Option<String>,
    pub provider: Option<Value>,
}

pub fn update_connector_v2(
    world: &mut World,
    caller: &Caller,
    input: UpdateConnectorV2Input,
) -> Result<Empty, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = connector_id(hub, &input.connector_id)?;
    let current = &hub.connectors[&id];
    let mut provider = current.provider.clone();
    if let Some(p) = &input.provider {
        let name = if is_jira(current) {
            "JiraCloud"
        } else {
            "ServiceNow"
        };
        let given = p.get(name).and_then(Value::as_object).ok_or_else(|| {
            ShError::Validation(format!("This connector's Provider can only update {name}"))
        })?;
        for (k, v) in given {
            provider[name][k] = v.clone();
        }
    }
    let now = world.clock.now_ms();
    let c = hub_v2_mut(world, caller)
        .connectors
        .get_mut(&id)
        .expect("located");
    if let Some(d) = input.description {
        c.description = d;
    }
    c.provider = provider;
    c.updated_ms = now;
    Ok(Empty {})
}

pub fn delete_connector_v2(
    world: &mut World,
    caller: &Caller,
    input: ConnectorIdInput,
) -> Result<Empty, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = connector_id(hub, &input.connector_id)?;
    let arn = hub.connectors[&id].arn.clone();
    let in_use = hub.rules.values().any(|r| {
        r.actions
            .as_array()
            .into_iter()
            .flatten()
            .any(|a| a["ExternalIntegrationConfiguration"]["ConnectorArn"] == arn)
    });
    if in_use {
        return Err(ShError::ConflictV2(format!(
            "Connector {id} is used by an automation rule"
        )));
    }
    hub_v2_mut(world, caller).connectors.remove(&id);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConnectorsV2Input {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub provider_name: Option<ProviderName>,
    pub connector_status: Option<ConnectorStatus>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectorSummary {
    pub connector_arn: String,
    pub connector_id: String,
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    pub provider_summary: Value,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListConnectorsV2Output {
    pub connectors: Vec<ConnectorSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_connectors_v2(
    world: &mut World,
    caller: &Caller,
    input: ListConnectorsV2Input,
) -> Result<ListConnectorsV2Output, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let listing = format!("ListConnectorsV2 {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let wanted_status = input.connector_status.map(|s| match s {
        ConnectorStatus::Connected => "CONNECTED",
        ConnectorStatus::FailedToConnect => "FAILED_TO_CONNECT",
        ConnectorStatus::PendingConfiguration => "PENDING_CONFIGURATION",
        ConnectorStatus::PendingAuthorization => "PENDING_AUTHORIZATION",
    });
    let items = hub
        .connectors
        .values()
        .filter(|c| {
            input
                .provider_name
                .is_none_or(|p| (p == ProviderName::JiraCloud) == is_jira(c))
        })
        .filter(|c| wanted_status.is_none_or(|s| connector_status(c) == s))
        .filter(|c| after.as_ref().is_none_or(|a| c.id > *a));
    let (items, next) = take_page(items, max, |c| c.id.clone());
    Ok(ListConnectorsV2Output {
        connectors: items
            .into_iter()
            .map(|c| ConnectorSummary {
                connector_arn: c.arn.clone(),
                connector_id: c.id.clone(),
                name: c.name.clone(),
                description: c.description.clone(),
                provider_summary: json!({
                    "ProviderName": if is_jira(c) { "JIRA_CLOUD" } else { "SERVICENOW" },
                    "ConnectorStatus": connector_status(c),
                }),
                created_at: iso8601(c.created_ms),
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterConnectorV2Input {
    pub auth_code: String,
    pub auth_state: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegisterConnectorV2Output {
    pub connector_arn: String,
    pub connector_id: String,
}

/// Completes Jira Cloud's OAuth flow: `AuthState` is the `state` of the connector's
/// `AuthUrl`.
pub fn register_connector_v2(
    world: &mut World,
    caller: &Caller,
    input: RegisterConnectorV2Input,
) -> Result<RegisterConnectorV2Output, ShError> {
    if input.auth_code.trim().is_empty() {
        return Err(ShError::Validation("AuthCode is required".to_string()));
    }
    let hub = own_hub_v2(world, caller)?;
    let id = connector_id(hub, &input.auth_state)?;
    if !is_jira(&hub.connectors[&id]) {
        return Err(ShError::Validation(
            "Only Jira Cloud connectors are registered".to_string(),
        ));
    }
    let now = world.clock.now_ms();
    let c = hub_v2_mut(world, caller)
        .connectors
        .get_mut(&id)
        .expect("located");
    c.registered = true;
    c.updated_ms = now;
    Ok(RegisterConnectorV2Output {
        connector_arn: c.arn.clone(),
        connector_id: c.id.clone(),
    })
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketMode {
    Dryrun,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTicketV2Input {
    pub connector_id: String,
    pub finding_metadata_uid: String,
    pub client_token: Option<String>,
    pub mode: Option<TicketMode>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateTicketV2Output {
    pub ticket_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_src_url: Option<String>,
}

pub fn create_ticket_v2(
    world: &mut World,
    caller: &Caller,
    input: CreateTicketV2Input,
) -> Result<CreateTicketV2Output, ShError> {
    let hub = own_hub_v2(world, caller)?;
    let id = connector_id(hub, &input.connector_id)?;
    let connector = &hub.connectors[&id];
    if connector_status(connector) != "CONNECTED" {
        return Err(ShError::ConflictV2(format!(
            "Connector {id} is not connected; complete its authorization first"
        )));
    }
    let exists = ocsf_findings(world, caller)
        .iter()
        .any(|(_, _, _, o)| o["metadata"]["uid"] == input.finding_metadata_uid);
    if !exists {
        return Err(ShError::not_found(format!(
            "Finding {} not found",
            input.finding_metadata_uid
        )));
    }
    if let Some(ticket) = connector.tickets.get(&input.finding_metadata_uid) {
        return Ok(CreateTicketV2Output {
            ticket_id: ticket.clone(),
            ticket_src_url: Some(ticket_url(connector, ticket)),
        });
    }
    let ticket = if is_jira(connector) {
        let key = connector.provider["JiraCloud"]["ProjectKey"]
            .as_str()
            .unwrap_or("SEC");
        format!("{key}-{}", connector.tickets.len() + 1)
    } else {
        format!("INC{:07}", connector.tickets.len() + 1)
    };
    let url = ticket_url(connector, &ticket);
    if input.mode != Some(TicketMode::Dryrun) {
        hub_v2_mut(world, caller)
            .connectors
            .get_mut(&id)
            .expect("located")
            .tickets
            .insert(input.finding_metadata_uid, ticket.clone());
    }
    Ok(CreateTicketV2Output {
        ticket_id: ticket,
        ticket_src_url: Some(url),
    })
}

fn ticket_url(c: &Connector, ticket: &str) -> String {
    if is_jira(c) {
        format!("https://securityhub.atlassian.net/browse/{ticket}")
    } else {
        let instance = c.provider["ServiceNow"]["InstanceName"]
            .as_str()
            .unwrap_or("instance");
        format!("https://{instance}.service-now.com/nav_to.do?uri=incident.do?number={ticket}")
    }
}
