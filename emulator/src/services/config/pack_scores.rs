//! Conformance pack results across accounts and as scores: the compliance score of
//! each of the caller's packs (compliant rule–resource pairs over all pairs with a
//! verdict, as AWS computes it), and an aggregator's view of the packs in every
//! account and region it covers, per pack or counted per account or region.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::aggregation::{covered, own_aggregator};
use super::conformance_packs::{all_packs, pack_active_rules};
use super::errors::ConfigError;
use super::managed_rules::{
    evaluate, rule_compliance, COMPLIANT, INSUFFICIENT_DATA, NON_COMPLIANT,
};
use super::model::ConformancePack;
use super::page;
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

/// Per pack: (compliant rules, non-compliant rules, total rules, score in percent or
/// `None` with no verdicts at all).
struct PackStanding {
    compliant_rules: usize,
    non_compliant_rules: usize,
    total_rules: usize,
    score: Option<f64>,
}

impl PackStanding {
    fn compliance_type(&self) -> &'static str {
        if self.non_compliant_rules > 0 {
            NON_COMPLIANT
        } else if self.compliant_rules > 0 {
            COMPLIANT
        } else {
            INSUFFICIENT_DATA
        }
    }
}

fn standing(world: &World, pack: &ConformancePack, account: &str, region: &str) -> PackStanding {
    let rules = pack_active_rules(world, pack, account, region);
    let (mut compliant_rules, mut non_compliant_rules) = (0, 0);
    let (mut compliant_pairs, mut judged_pairs) = (0usize, 0usize);
    for rule in &rules {
        let results = evaluate(world, account, region, rule);
        match rule_compliance(&results).0 {
            NON_COMPLIANT => non_compliant_rules += 1,
            COMPLIANT => compliant_rules += 1,
            _ => {}
        }
        for r in &results {
            if r.compliance_type == COMPLIANT || r.compliance_type == NON_COMPLIANT {
                judged_pairs += 1;
                compliant_pairs += usize::from(r.compliance_type == COMPLIANT);
            }
        }
    }
    PackStanding {
        compliant_rules,
        non_compliant_rules,
        total_rules: rules.len(),
        score: (judged_pairs > 0).then(|| 100.0 * compliant_pairs as f64 / judged_pairs as f64),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScoresFilters {
    #[serde(default)]
    pub conformance_pack_names: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScoresInput {
    #[serde(default)]
    pub filters: ScoresFilters,
    pub sort_order: Option<String>,
    pub sort_by: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScoresOutput {
    pub conformance_pack_compliance_scores: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_conformance_pack_compliance_scores(
    world: &mut World,
    caller: &Caller,
    input: ScoresInput,
) -> Result<ScoresOutput, ConfigError> {
    let descending = match input.sort_order.as_deref() {
        None | Some("ASCENDING") => false,
        Some("DESCENDING") => true,
        Some(other) => {
            return Err(ConfigError::InvalidParameterValue(format!(
                "You specified an invalid value '{other}' for SortOrder. Member must satisfy enum value set: [ASCENDING, DESCENDING]"
            )))
        }
    };
    let by_score = match input.sort_by.as_deref() {
        None => false,
        Some("SCORE") => true,
        Some(other) => {
            return Err(ConfigError::InvalidParameterValue(format!(
                "You specified an invalid value '{other}' for SortBy. Member must satisfy enum value set: [SCORE]"
            )))
        }
    };
    if input.filters.conformance_pack_names.len() > 25 {
        return Err(ConfigError::InvalidParameterValue(
            "Filters.ConformancePackNames must list at most 25 names.".to_string(),
        ));
    }
    let listing = format!("ListConformancePackComplianceScores {}", caller.region);
    let (size, after) = page(&listing, input.limit, 20, &input.next_token)?;
    let names = &input.filters.conformance_pack_names;
    let mut rows: Vec<(String, Option<f64>)> = all_packs(world, &caller.account_id, &caller.region)
        .iter()
        .filter(|p| names.is_empty() || names.contains(&p.name))
        .map(|p| {
            let s = standing(world, p, &caller.account_id, &caller.region);
            (p.name.clone(), s.score)
        })
        .collect();
    rows.sort_by(|a, b| {
        let o = if by_score {
            a.1.unwrap_or(-1.0)
                .partial_cmp(&b.1.unwrap_or(-1.0))
                .unwrap_or(std::cmp::Ordering::Equal)
                .then_with(|| a.0.cmp(&b.0))
        } else {
            a.0.cmp(&b.0)
        };
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    // Pages resume after a position: the order is not by name when sorted by score.
    let start = after.and_then(|a| a.parse::<usize>().ok()).unwrap_or(0);
    let now = epoch_seconds(world.clock.now_ms());
    let page_rows: Vec<Value> = rows
        .iter()
        .skip(start)
        .take(size)
        .map(|(name, score)| {
            json!({
                "ConformancePackName": name,
                "Score": score.map_or("N/A".to_string(), |s| format!("{s:.1}")),
                "LastUpdatedTime": now,
            })
        })
        .collect();
    let end = start + page_rows.len();
    Ok(ScoresOutput {
        conformance_pack_compliance_scores: page_rows,
        next_token: (end < rows.len()).then(|| encode_token(&listing, &end.to_string())),
    })
}

/// (account, region, pack, standing) for every pack where the aggregator collects.
fn aggregated_packs(
    world: &World,
    caller: &Caller,
    aggregator_name: &str,
) -> Result<Vec<(String, String, String, PackStanding)>, ConfigError> {
    let aggregator = own_aggregator(world, caller, aggregator_name)?;
    let mut out = Vec::new();
    for (account, region) in covered(world, &caller.account_id, &caller.region, aggregator) {
        for pack in all_packs(world, &account, &region) {
            let s = standing(world, &pack, &account, &region);
            out.push((account.clone(), region.clone(), pack.name.clone(), s));
        }
    }
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePackFilters {
    pub conformance_pack_name: Option<String>,
    pub compliance_type: Option<String>,
    pub account_id: Option<String>,
    pub aws_region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePacksInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub filters: AggregatePackFilters,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePacksOutput {
    pub aggregate_compliance_by_conformance_packs: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_aggregate_compliance_by_conformance_packs(
    world: &mut World,
    caller: &Caller,
    input: AggregatePacksInput,
) -> Result<AggregatePacksOutput, ConfigError> {
    let f = &input.filters;
    if let Some(t) = &f.compliance_type {
        if !matches!(
            t.as_str(),
            "COMPLIANT" | "NON_COMPLIANT" | "INSUFFICIENT_DATA"
        ) {
            return Err(ConfigError::constraint(
                "filters.complianceType",
                t,
                "Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT, INSUFFICIENT_DATA]",
            ));
        }
    }
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "DescribeAggregateComplianceByConformancePacks {} {name}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 5, &input.next_token)?;
    let all = aggregated_packs(world, caller, name)?;
    let key = |(a, r, p, _): &(String, String, String, PackStanding)| format!("{a}/{r}/{p}");
    let rest = all.into_iter().filter(|entry| {
        let (a, r, p, s) = entry;
        f.conformance_pack_name.as_ref().is_none_or(|x| x == p)
            && f.account_id.as_ref().is_none_or(|x| x == a)
            && f.aws_region.as_ref().is_none_or(|x| x == r)
            && f.compliance_type
                .as_deref()
                .is_none_or(|x| x == s.compliance_type())
            && after.as_ref().is_none_or(|k| key(entry) > *k)
    });
    let (rows, next) = take_page(rest, size, key);
    Ok(AggregatePacksOutput {
        aggregate_compliance_by_conformance_packs: rows
            .iter()
            .map(|(a, r, p, s)| {
                json!({
                    "ConformancePackName": p,
                    "AccountId": a,
                    "AwsRegion": r,
                    "Compliance": {
                        "ComplianceType": s.compliance_type(),
                        "CompliantRuleCount": s.compliant_rules,
                        "NonCompliantRuleCount": s.non_compliant_rules,
                        "TotalRuleCount": s.total_rules,
                    },
                })
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePackSummaryFilters {
    pub account_id: Option<String>,
    pub aws_region: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePackSummaryInput {
    pub configuration_aggregator_name: String,
    #[serde(default)]
    pub filters: AggregatePackSummaryFilters,
    pub group_by_key: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AggregatePackSummaryOutput {
    pub aggregate_conformance_pack_compliance_summaries: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_by_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Compliant and non-compliant packs per account (the default) or per region.
pub fn get_aggregate_conformance_pack_compliance_summary(
    world: &mut World,
    caller: &Caller,
    input: AggregatePackSummaryInput,
) -> Result<AggregatePackSummaryOutput, ConfigError> {
    let by_region = match input.group_by_key.as_deref() {
        None | Some("ACCOUNT_ID") => false,
        Some("AWS_REGION") => true,
        Some(other) => {
            return Err(ConfigError::constraint(
                "groupByKey",
                other,
                "Member must satisfy enum value set: [ACCOUNT_ID, AWS_REGION]",
            ))
        }
    };
    let name = &input.configuration_aggregator_name;
    let listing = format!(
        "GetAggregateConformancePackComplianceSummary {} {name} {by_region}",
        caller.region
    );
    let (size, after) = page(&listing, input.limit, 1000, &input.next_token)?;
    let f = &input.filters;
    let mut groups: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (a, r, _, s) in aggregated_packs(world, caller, name)? {
        if f.account_id.as_ref().is_some_and(|x| *x != a)
            || f.aws_region.as_ref().is_some_and(|x| *x != r)
        {
            continue;
        }
        let entry = groups.entry(if by_region { r } else { a }).or_default();
        match s.compliance_type() {
            COMPLIANT => entry.0 += 1,
            NON_COMPLIANT => entry.1 += 1,
            _ => {}
        }
    }
    let rest = groups
        .into_iter()
        .filter(|(g, _)| after.as_ref().is_none_or(|a| g > a));
    let (rows, next) = take_page(rest, size, |(g, _)| g.clone());
    Ok(AggregatePackSummaryOutput {
        aggregate_conformance_pack_compliance_summaries: rows
            .iter()
            .map(|(g, (c, n))| {
                json!({
                    "GroupName": g,
                    "ComplianceSummary": {
                        "CompliantConformancePackCount": c,
                        "NonCompliantConformancePackCount": n,
                    },
                })
            })
            .collect(),
        group_by_key: Some(
            if by_region {
                "AWS_REGION"
            } else {
                "ACCOUNT_ID"
            }
            .to_string(),
        ),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
