//! Filters over findings (archive rules, `ListFindings`, `ListFindingsV2`): each key
//! names a finding field (`status`, `resourceType`, `principal.AWS`,
//! `condition.aws:SourceIp`, …) and its criterion (`eq`, `neq`, `contains`,
//! `exists`); every criterion must hold.

use std::collections::BTreeMap;

use super::errors::AaError;
use super::model::{Criterion, Finding};

/// The values a finding has for a filter key (`None`: it has none).
pub fn values_of(f: &Finding, key: &str) -> Option<Vec<String>> {
    let one = |s: &str| Some(vec![s.to_string()]);
    match key {
        "id" => one(&f.id),
        "status" => one(&f.status),
        "resource" => one(&f.resource),
        "resourceType" => one(&f.resource_type),
        "resourceOwnerAccount" => one(&f.resource_owner_account),
        "findingType" => one(&f.finding_type),
        "isPublic" => one(if f.is_public { "true" } else { "false" }),
        "action" => (!f.action.is_empty()).then(|| f.action.clone()),
        "error" => None,
        _ => {
            if let Some(kind) = key.strip_prefix("principal.") {
                return f.principal.get(kind).map(|v| vec![v.clone()]);
            }
            if let Some(condition) = key.strip_prefix("condition.") {
                return f.condition.get(condition).map(|v| vec![v.clone()]);
            }
            None
        }
    }
}

pub fn criterion_holds(values: Option<&[String]>, c: &Criterion) -> bool {
    let values = values.unwrap_or_default();
    if let Some(eq) = &c.eq {
        if !values.iter().any(|v| eq.contains(v)) {
            return false;
        }
    }
    if let Some(neq) = &c.neq {
        if values.iter().any(|v| neq.contains(v)) {
            return false;
        }
    }
    if let Some(contains) = &c.contains {
        if !values
            .iter()
            .any(|v| contains.iter().any(|part| v.contains(part.as_str())))
        {
            return false;
        }
    }
    if let Some(exists) = c.exists {
        if exists == values.is_empty() {
            return false;
        }
    }
    true
}

pub fn matches_filter(f: &Finding, filter: &BTreeMap<String, Criterion>) -> bool {
    filter
        .iter()
        .all(|(key, c)| criterion_holds(values_of(f, key).as_deref(), c))
}

/// The model's limits: each list 1..=20 values, at least one operator per criterion.
pub fn validate_filter(filter: &BTreeMap<String, Criterion>) -> Result<(), AaError> {
    for (key, c) in filter {
        for list in [&c.eq, &c.neq, &c.contains].into_iter().flatten() {
            if list.is_empty() || list.len() > 20 {
                return Err(AaError::field(
                    "filter",
                    format!("Invalid filter criteria for {key}: a list takes 1 to 20 values."),
                ));
            }
        }
        if c.eq.is_none() && c.neq.is_none() && c.contains.is_none() && c.exists.is_none() {
            return Err(AaError::field(
                "filter",
                format!("Invalid filter criteria for {key}: no comparison given."),
            ));
        }
    }
    Ok(())
}

/// `SortCriteria`: the attribute and whether ascending. Without one, findings come
/// in the order of their ids.
pub fn sort_findings(
    findings: &mut [&Finding],
    attribute: Option<&str>,
    ascending: bool,
) -> Result<(), AaError> {
    let Some(attribute) = attribute else {
        return Ok(());
    };
    let key = |f: &Finding| -> String {
        match attribute {
            "createdAt" => format!("{:020}", f.created_ms),
            "updatedAt" => format!("{:020}", f.updated_ms),
            "analyzedAt" => format!("{:020}", f.analyzed_ms),
            other => values_of(f, other)
                .and_then(|v| v.into_iter().next())
                .unwrap_or_default(),
        }
    };
    const SORTABLE: &[&str] = &[
        "createdAt",
        "updatedAt",
        "analyzedAt",
        "resource",
        "resourceType",
        "resourceOwnerAccount",
        "status",
        "findingType",
        "isPublic",
        "id",
    ];
    if !SORTABLE.contains(&attribute) {
        return Err(AaError::field(
            "sort.attributeName",
            format!("Invalid sort attribute name: {attribute}"),
        ));
    }
    findings.sort_by(|a, b| {
        let order = key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
    Ok(())
}
