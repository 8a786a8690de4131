//! `FindingCriteria` and `SortCriteria` evaluated on a finding's wire JSON: a
//! criterion names a dotted field path (`severity`, `service.archived`,
//! `resource.instanceDetails.instanceId`); lists along the path match if any element
//! does. Timestamps compare as epoch milliseconds, as AWS's criteria take them.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::cmp::Ordering;

use super::errors::GdError;

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct FindingCriteria {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub criterion: Option<OrdMap<String, Condition>>,
}

/// One field's condition; every operator given must hold.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neq: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gte: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lt: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lte: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub equals: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_equals: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greater_than: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub greater_than_or_equal: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub less_than: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub less_than_or_equal: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matches: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_matches: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SortCriteria {
    pub attribute_name: Option<String>,
    pub order_by: Option<String>,
}

impl FindingCriteria {
    /// Every criterion names a field and carries at least one operator.
    pub fn validate(&self) -> Result<(), GdError> {
        for (field, condition) in self.criterion.iter().flatten() {
            let c = condition;
            let has_operator = c.eq.is_some()
                || c.neq.is_some()
                || c.gt.is_some()
                || c.gte.is_some()
                || c.lt.is_some()
                || c.lte.is_some()
                || c.equals.is_some()
                || c.not_equals.is_some()
                || c.greater_than.is_some()
                || c.greater_than_or_equal.is_some()
                || c.less_than.is_some()
                || c.less_than_or_equal.is_some()
                || c.matches.is_some()
                || c.not_matches.is_some();
            if field.is_empty() || !has_operator {
                return Err(GdError::invalid_parameter("findingCriteria"));
            }
        }
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.criterion.as_ref().is_none_or(|c| c.is_empty())
    }

    /// Whether a finding (wire JSON) meets every criterion.
    pub fn matches(&self, finding: &Value) -> bool {
        self.criterion
            .iter()
            .flatten()
            .all(|(field, condition)| condition.holds(&values_at(finding, field)))
    }
}

impl SortCriteria {
    pub fn validate(&self) -> Result<(), GdError> {
        match self.order_by.as_deref() {
            None | Some("ASC") | Some("DESC") => Ok(()),
            Some(_) => Err(GdError::invalid_parameter("sortCriteria.orderBy")),
        }
    }

    /// Orders wire findings by the attribute; ties and missing values by id.
    pub fn sort(&self, findings: &mut [Value]) {
        let Some(attribute) = self.attribute_name.as_deref() else {
            return;
        };
        let descending = self.order_by.as_deref() == Some("DESC");
        findings.sort_by(|a, b| {
            let ka = values_at(a, attribute).first().map(|v| (*v).clone());
            let kb = values_at(b, attribute).first().map(|v| (*v).clone());
            let order = match (ka, kb) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) if descending => compare(&a, &b).reverse(),
                (Some(a), Some(b)) => compare(&a, &b),
            };
            order.then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
        });
    }
}

fn compare(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => scalar_text(a).cmp(&scalar_text(b)),
    }
}

/// The values at a dotted path; lists along the way are flattened.
pub fn values_at<'v>(value: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut current = vec![value];
    for key in path.split('.') {
        current = current
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().filter_map(|i| i.get(key)).collect::<Vec<_>>(),
                other => other.get(key).into_iter().collect(),
            })
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect::<Vec<_>>(),
                other => vec![other],
            })
            .collect();
    }
    current
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn equals_text(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Number(n) => text
            .parse::<f64>()
            .is_ok_and(|t| n.as_f64().is_some_and(|v| v == t)),
        Value::Bool(b) => text.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        _ => false,
    }
}

/// A number, or a timestamp string as epoch milliseconds.
fn numeric(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as f64)
                .or_else(|| s.parse().ok())
        }
        _ => None,
    }
}

/// `*` matches any run of characters.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else if let Some(at) = rest.find(part) {
            rest = &rest[at + part.len()..];
        } else {
            return false;
        }
    }
    true
}

impl Condition {
    fn holds(&self, values: &[&Value]) -> bool {
        let any_equal = |list: &Vec<String>| {
            values
                .iter()
                .any(|v| list.iter().any(|t| equals_text(v, t)))
        };
        let bound = |limit: Option<i64>, ok: fn(f64, f64) -> bool| {
            limit.is_none_or(|l| {
                values
                    .iter()
                    .filter_map(|v| numeric(v))
                    .any(|v| ok(v, l as f64))
            })
        };
        let any_glob = |list: &Vec<String>| {
            values
                .iter()
                .any(|v| list.iter().any(|p| glob(p, &scalar_text(v))))
        };
        self.eq.as_ref().is_none_or(any_equal)
            && self.equals.as_ref().is_none_or(any_equal)
            && self.neq.as_ref().is_none_or(|l| !any_equal(l))
            && self.not_equals.as_ref().is_none_or(|l| !any_equal(l))
            && bound(self.gt.or(self.greater_than), |v, l| v > l)
            && bound(self.gte.or(self.greater_than_or_equal), |v, l| v >= l)
            && bound(self.lt.or(self.less_than), |v, l| v < l)
            && bound(self.lte.or(self.less_than_or_equal), |v, l| v <= l)
            && self.matches.as_ref().is_none_or(any_glob)
            && self.not_matches.as_ref().is_none_or(|l| !any_glob(l))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn criteria(value: Value) -> FindingCriteria {
        serde_json::from_value(json!({ "criterion": value })).unwrap()
    }

    #[test]
    fn operators_on_paths_lists_and_timestamps() {
        let finding = json!({
            "id": "f1", "severity": 8.0, "type": "Recon:EC2/Portscan",
            "updatedAt": "2024-01-01T00:00:00.000Z",
            "service": {"archived": false},
            "resource": {"s3BucketDetails": [{"name": "logs"}, {"name": "data"}]},
        });
        let cases = [
            (json!({"severity": {"gte": 7}}), true),
            (json!({"severity": {"lt": 7}}), false),
            (json!({"severity": {"eq": ["8"]}}), true),
            (json!({"service.archived": {"eq": ["false"]}}), true),
            (json!({"service.archived": {"eq": ["true"]}}), false),
            (json!({"type": {"neq": ["Recon:EC2/Portscan"]}}), false),
            (
                json!({"type": {"notEquals": ["Other"]}, "severity": {"greaterThan": 5}}),
                true,
            ),
            (
                json!({"resource.s3BucketDetails.name": {"equals": ["data"]}}),
                true,
            ),
            (json!({"updatedAt": {"gt": 1_704_067_199_000_i64}}), true),
            (json!({"updatedAt": {"lt": 1_704_067_199_000_i64}}), false),
            (json!({"type": {"matches": ["Recon:*"]}}), true),
            (json!({"accountId": {"eq": ["1"]}}), false),
            (json!({"accountId": {"neq": ["1"]}}), true),
        ];
        for (c, expected) in cases {
            assert_eq!(criteria(c.clone()).matches(&finding), expected, "{c}");
        }
        assert!(criteria(json!({"severity": {}})).validate().is_err());
    }

    #[test]
    fn sorting() {
        let mut findings = vec![
            json!({"id": "a", "severity": 2.0}),
            json!({"id": "b", "severity": 8.0}),
            json!({"id": "c"}),
        ];
        SortCriteria {
            attribute_name: Some("severity".into()),
            order_by: Some("DESC".into()),
        }
        .sort(&mut findings);
        let ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["b", "a", "c"]);
    }
}
