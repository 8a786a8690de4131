//! `AwsSecurityFindingFilters` as the API Reference defines them: where each
//! attribute lives in an ASFF finding, what each filter kind means, how filters on
//! one attribute combine, and `SortCriteria`. Shared by GetFindings and insights.

use serde_json::Value;
use std::cmp::Ordering;
use std::net::IpAddr;

use super::errors::ShError;

pub use super::filter_attributes::{attribute, Attribute, Kind, ATTRIBUTES};
use Kind::*;

/// The values at `path` (lists fanned out, a final list flattened).
pub fn values_at<'v>(finding: &'v Value, path: &str) -> Vec<&'v Value> {
    let mut current = vec![finding];
    for segment in path.split('.') {
        let (name, fan_out) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        let mut next = Vec::new();
        for v in current {
            match v.get(name) {
                Some(Value::Array(items)) if fan_out => next.extend(items.iter()),
                Some(Value::Null) | None => {}
                Some(found) => next.push(found),
            }
        }
        current = next;
    }
    current
}

/// A scalar as the text string filters compare.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// ISO-8601 / RFC 3339 text as epoch milliseconds.
pub fn parse_time(text: &str) -> Option<i64> {
    let t =
        time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).ok()?;
    Some((t.unix_timestamp_nanos() / 1_000_000) as i64)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Comparison {
    Equals,
    Prefix,
    Contains,
    NotEquals,
    PrefixNotEquals,
    NotContains,
}

impl Comparison {
    fn parse(name: &str, allowed_prefix: bool) -> Result<Comparison, ShError> {
        Ok(match name {
            "EQUALS" => Comparison::Equals,
            "CONTAINS" => Comparison::Contains,
            "NOT_EQUALS" => Comparison::NotEquals,
            "NOT_CONTAINS" => Comparison::NotContains,
            "PREFIX" if allowed_prefix => Comparison::Prefix,
            "PREFIX_NOT_EQUALS" if allowed_prefix => Comparison::PrefixNotEquals,
            "CONTAINS_WORD" => {
                return Err(ShError::invalid(
                    "The CONTAINS_WORD comparison is only supported by GetFindingsV2 and the other V2 operations",
                ))
            }
            other => return Err(ShError::invalid(format!("Invalid Comparison {other}"))),
        })
    }

    fn negative(self) -> bool {
        matches!(
            self,
            Comparison::NotEquals | Comparison::PrefixNotEquals | Comparison::NotContains
        )
    }

    /// Whether `value` satisfies the comparison's positive form (for negative
    /// comparisons: whether it is what they exclude).
    fn hits(self, value: &str, wanted: &str) -> bool {
        match self {
            Comparison::Equals | Comparison::NotEquals => value == wanted,
            Comparison::Prefix | Comparison::PrefixNotEquals => value.starts_with(wanted),
            Comparison::Contains | Comparison::NotContains => value.contains(wanted),
        }
    }
}

/// The combinations the API Reference forbids on one field.
fn check_combination(name: &str, comparisons: &[Comparison]) -> Result<(), ShError> {
    let has = |c| comparisons.contains(&c);
    let only = |c| comparisons.iter().all(|x| *x == c);
    let bad = (has(Comparison::Contains) && !only(Comparison::Contains))
        || (has(Comparison::NotContains) && !only(Comparison::NotContains))
        || (has(Comparison::Equals)
            && (has(Comparison::NotEquals) || has(Comparison::PrefixNotEquals)));
    if bad {
        return Err(ShError::invalid(format!(
            "The filters on {name} combine comparisons that can't be used together"
        )));
    }
    Ok(())
}

/// Positive comparisons are joined by OR, negative ones by AND; a finding with no
/// value fails the positive ones and passes the negative ones.
fn string_match(values: &[String], filters: &[(Comparison, String)]) -> bool {
    let (negative, positive): (Vec<_>, Vec<_>) = filters.iter().partition(|(c, _)| c.negative());
    let positive_ok = positive.is_empty()
        || positive
            .iter()
            .any(|(c, w)| values.iter().any(|v| c.hits(v, w)));
    positive_ok
        && negative
            .iter()
            .all(|(c, w)| !values.iter().any(|v| c.hits(v, w)))
}

#[derive(Debug, Default)]
struct NumRange {
    eq: Option<f64>,
    gt: Option<f64>,
    gte: Option<f64>,
    lt: Option<f64>,
    lte: Option<f64>,
}

impl NumRange {
    fn contains(&self, v: f64) -> bool {
        self.eq.is_none_or(|x| v == x)
            && self.gt.is_none_or(|x| v > x)
            && self.gte.is_none_or(|x| v >= x)
            && self.lt.is_none_or(|x| v < x)
            && self.lte.is_none_or(|x| v <= x)
    }
}

/// A CIDR block (a bare address is a /32 or /128).
#[derive(Debug)]
struct Cidr {
    v6: bool,
    bits: u128,
    prefix: u32,
}

impl Cidr {
    fn parse(text: &str) -> Option<Cidr> {
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u32>().ok()?)),
            None => (text, None),
        };
        let (v6, bits, width) = to_bits(addr.parse().ok()?);
        let prefix = prefix.unwrap_or(width);
        (prefix <= width).then_some(Cidr { v6, bits, prefix })
    }

    fn contains(&self, addr: IpAddr) -> bool {
        let (v6, bits, _) = to_bits(addr);
        if v6 != self.v6 {
            return false;
        }
        let mask = if self.prefix == 0 {
            0
        } else {
            u128::MAX << (128 - self.prefix)
        };
        bits & mask == self.bits & mask
    }
}

/// An address as bits aligned to the top of a u128, and its family's width.
fn to_bits(addr: IpAddr) -> (bool, u128, u32) {
    match addr {
        IpAddr::V4(a) => (false, (u32::from(a) as u128) << 96, 32),
        IpAddr::V6(a) => (true, u128::from(a), 128),
    }
}

#[derive(Debug)]
enum Criterion {
    Str(&'static str, Vec<(Comparison, String)>),
    Num(&'static str, Vec<NumRange>),
    /// Inclusive ranges of epoch ms.
    Date(&'static str, Vec<(i64, i64)>),
    /// Filters grouped by map key.
    Map(&'static str, Vec<(String, Vec<(Comparison, String)>)>),
    Ip(&'static str, Vec<Cidr>),
    Bool(&'static str, Vec<bool>),
    Keyword(Vec<String>),
}

/// Parsed, validated `AwsSecurityFindingFilters`.
#[derive(Debug, Default)]
pub struct FindingFilters {
    criteria: Vec<Criterion>,
}

const MAX_ATTRIBUTES: usize = 10;
const MAX_VALUES: usize = 20;
const DAY_MS: i64 = 86_400_000;

fn field<'v>(filter: &'v Value, name: &str, attr: &str) -> Result<&'v str, ShError> {
    filter
        .get(name)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ShError::invalid(format!("A filter on {attr} needs a non-empty {name}")))
}

fn number(filter: &Value, name: &str, attr: &str) -> Result<Option<f64>, ShError> {
    match filter.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or_else(|| {
            ShError::invalid(format!("{name} of a filter on {attr} must be a number"))
        }),
    }
}

fn date_range(filter: &Value, attr: &str, now_ms: i64) -> Result<(i64, i64), ShError> {
    let bad = |what: &str| ShError::invalid(format!("Invalid date filter on {attr}: {what}"));
    let start = filter.get("Start").and_then(Value::as_str);
    let end = filter.get("End").and_then(Value::as_str);
    if let Some(range) = filter.get("DateRange").filter(|r| !r.is_null()) {
        if start.is_some() || end.is_some() {
            return Err(bad("use either Start and End or DateRange"));
        }
        let days = range
            .get("Value")
            .and_then(Value::as_i64)
            .filter(|d| *d >= 0)
            .ok_or_else(|| bad("DateRange.Value"))?;
        if range.get("Unit").and_then(Value::as_str).unwrap_or("DAYS") != "DAYS" {
            return Err(bad("DateRange.Unit must be DAYS"));
        }
        let edge = now_ms - days * DAY_MS;
        return match range
            .get("Comparison")
            .and_then(Value::as_str)
            .unwrap_or("WITHIN")
        {
            "WITHIN" => Ok((edge, i64::MAX)),
            "OLDER_THAN" => Ok((i64::MIN, edge - 1)),
            other => Err(bad(&format!("DateRange.Comparison {other}"))),
        };
    }
    if start.is_none() && end.is_none() {
        return Err(bad("Start, End or DateRange is required"));
    }
    let parse = |t: Option<&str>, default| match t {
        None => Ok(default),
        Some(t) => parse_time(t).ok_or_else(|| bad(&format!("{t} is not an ISO 8601 timestamp"))),
    };
    Ok((parse(start, i64::MIN)?, parse(end, i64::MAX)?))
}

impl FindingFilters {
    /// Parses the wire form (a JSON object, or null for none) against the clock.
    pub fn parse(filters: &Value, now_ms: i64) -> Result<FindingFilters, ShError> {
        let map = match filters {
            Value::Null => return Ok(FindingFilters::default()),
            Value::Object(map) => map,
            _ => return Err(ShError::invalid("Filters must be an object")),
        };
        let used: Vec<_> = map
            .iter()
            .filter(|(_, v)| v.as_array().is_some_and(|a| !a.is_empty()))
            .collect();
        if used.len() > MAX_ATTRIBUTES {
            return Err(ShError::invalid(format!(
                "You can filter by up to {MAX_ATTRIBUTES} finding attributes"
            )));
        }
        let mut criteria = Vec::new();
        for (name, list) in used {
            let attr = attribute(name)
                .ok_or_else(|| ShError::invalid(format!("Unknown filter attribute {name}")))?;
            let list = list.as_array().expect("filtered");
            if list.len() > MAX_VALUES {
                return Err(ShError::invalid(format!(
                    "You can provide up to {MAX_VALUES} filter values for {name}"
                )));
            }
            criteria.push(Self::criterion(attr, list, now_ms)?);
        }
        Ok(FindingFilters { criteria })
    }

    fn criterion(
        attr: &'static Attribute,
        list: &[Value],
        now_ms: i64,
    ) -> Result<Criterion, ShError> {
        let name = attr.name;
        Ok(match attr.kind {
            Str => {
                let filters = list
                    .iter()
                    .map(|f| {
                        Ok((
                            Comparison::parse(field(f, "Comparison", name)?, true)?,
                            field(f, "Value", name)?.to_string(),
                        ))
                    })
                    .collect::<Result<Vec<_>, ShError>>()?;
                check_combination(name, &filters.iter().map(|(c, _)| *c).collect::<Vec<_>>())?;
                Criterion::Str(attr.path, filters)
            }
            Map => {
                let mut by_key: Vec<(String, Vec<(Comparison, String)>)> = Vec::new();
                for f in list {
                    let key = field(f, "Key", name)?.to_string();
                    let entry = (
                        Comparison::parse(field(f, "Comparison", name)?, false)?,
                        field(f, "Value", name)?.to_string(),
                    );
                    match by_key.iter_mut().find(|(k, _)| *k == key) {
                        Some((_, filters)) => filters.push(entry),
                        None => by_key.push((key, vec![entry])),
                    }
                }
                for (_, filters) in &by_key {
                    check_combination(name, &filters.iter().map(|(c, _)| *c).collect::<Vec<_>>())?;
                }
                Criterion::Map(attr.path, by_key)
            }
            Num => Criterion::Num(
                attr.path,
                list.iter()
                    .map(|f| {
                        let range = NumRange {
                            eq: number(f, "Eq", name)?,
                            gt: number(f, "Gt", name)?,
                            gte: number(f, "Gte", name)?,
                            lt: number(f, "Lt", name)?,
                            lte: number(f, "Lte", name)?,
                        };
                        let empty = range.eq.is_none()
                            && range.gt.is_none()
                            && range.gte.is_none()
                            && range.lt.is_none()
                            && range.lte.is_none();
                        if empty {
                            return Err(ShError::invalid(format!(
                                "A number filter on {name} needs Eq, Gt, Gte, Lt or Lte"
                            )));
                        }
                        Ok(range)
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Date => Criterion::Date(
                attr.path,
                list.iter()
                    .map(|f| date_range(f, name, now_ms))
                    .collect::<Result<_, _>>()?,
            ),
            Ip => Criterion::Ip(
                attr.path,
                list.iter()
                    .map(|f| {
                        let cidr = field(f, "Cidr", name)?;
                        Cidr::parse(cidr).ok_or_else(|| {
                            ShError::invalid(format!("Invalid Cidr {cidr} for {name}"))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Bool => Criterion::Bool(
                attr.path,
                list.iter()
                    .map(|f| {
                        f.get("Value").and_then(Value::as_bool).ok_or_else(|| {
                            ShError::invalid(format!("A boolean filter on {name} needs Value"))
                        })
                    })
                    .collect::<Result<_, _>>()?,
            ),
            Keyword => Criterion::Keyword(
                list.iter()
                    .map(|f| field(f, "Value", name).map(String::from))
                    .collect::<Result<_, _>>()?,
            ),
        })
    }

    /// Whether a finding (ASFF wire JSON) passes every attribute's filters.
    pub fn matches(&self, finding: &Value) -> bool {
        self.criteria.iter().all(|c| criterion_matches(c, finding))
    }
}

fn criterion_matches(criterion: &Criterion, finding: &Value) -> bool {
    match criterion {
        Criterion::Str(path, filters) => {
            let values: Vec<String> = values_at(finding, path)
                .into_iter()
                .filter_map(text)
                .collect();
            string_match(&values, filters)
        }
        Criterion::Map(path, by_key) => {
            let maps = values_at(finding, path);
            by_key.iter().all(|(key, filters)| {
                let values: Vec<String> = maps
                    .iter()
                    .filter_map(|m| m.get(key))
                    .filter_map(text)
                    .collect();
                string_match(&values, filters)
            })
        }
        Criterion::Num(path, ranges) => values_at(finding, path)
            .into_iter()
            .filter_map(Value::as_f64)
            .any(|v| ranges.iter().any(|r| r.contains(v))),
        Criterion::Date(path, ranges) => values_at(finding, path)
            .into_iter()
            .filter_map(Value::as_str)
            .filter_map(parse_time)
            .any(|t| ranges.iter().any(|(start, end)| *start <= t && t <= *end)),
        Criterion::Ip(path, cidrs) => values_at(finding, path)
            .into_iter()
            .filter_map(Value::as_str)
            .filter_map(|s| s.parse::<IpAddr>().ok())
            .any(|ip| cidrs.iter().any(|c| c.contains(ip))),
        Criterion::Bool(path, wanted) => {
            // A finding without the field counts as false (AWS's default for Sample).
            let value = values_at(finding, path)
                .first()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            wanted.contains(&value)
        }
        // The deprecated keyword filter: orgsim matches any text anywhere in the finding.
        Criterion::Keyword(words) => words.iter().any(|w| any_text_contains(finding, w)),
    }
}

fn any_text_contains(v: &Value, word: &str) -> bool {
    match v {
        Value::String(s) => s.contains(word),
        Value::Array(items) => items.iter().any(|i| any_text_contains(i, word)),
        Value::Object(map) => map.values().any(|i| any_text_contains(i, word)),
        _ => false,
    }
}

/// One parsed `SortCriterion`.
#[derive(Debug)]
pub struct SortKey {
    attr: &'static Attribute,
    descending: bool,
}

/// `SortCriteria`; with none, newest `UpdatedAt` first.
pub fn parse_sort(criteria: &Value) -> Result<Vec<SortKey>, ShError> {
    let list = match criteria {
        Value::Null => {
            return Ok(vec![SortKey {
                attr: attribute("UpdatedAt").expect("known"),
                descending: true,
            }])
        }
        Value::Array(list) => list,
        _ => return Err(ShError::invalid("SortCriteria must be a list")),
    };
    list.iter()
        .map(|c| {
            let field = c.get("Field").and_then(Value::as_str).unwrap_or("");
            let attr = attribute(field)
                .filter(|a| matches!(a.kind, Str | Num | Date | Bool))
                .ok_or_else(|| ShError::invalid(format!("Invalid sort field {field}")))?;
            let descending = match c.get("SortOrder").and_then(Value::as_str).unwrap_or("asc") {
                "asc" => false,
                "desc" => true,
                other => return Err(ShError::invalid(format!("Invalid SortOrder {other}"))),
            };
            Ok(SortKey { attr, descending })
        })
        .collect()
}

fn compare_by(key: &SortKey, a: &Value, b: &Value) -> Ordering {
    let first = |f: &Value| values_at(f, key.attr.path).first().cloned().cloned();
    let (x, y) = (first(a), first(b));
    let ordering = match (&x, &y) {
        (None, None) => Ordering::Equal,
        // Findings without the field come last either way.
        (None, Some(_)) => return Ordering::Greater,
        (Some(_), None) => return Ordering::Less,
        (Some(x), Some(y)) => match key.attr.kind {
            Num => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(Ordering::Equal),
            Date => x
                .as_str()
                .and_then(parse_time)
                .cmp(&y.as_str().and_then(parse_time)),
            _ => text(x).cmp(&text(y)),
        },
    };
    if key.descending {
        ordering.reverse()
    } else {
        ordering
    }
}

/// Sorts findings by the keys, then by id so pages are stable.
pub fn sort(findings: &mut [Value], keys: &[SortKey]) {
    findings.sort_by(|a, b| {
        keys.iter()
            .map(|k| compare_by(k, a, b))
            .find(|o| *o != Ordering::Equal)
            .unwrap_or_else(|| {
                text(&a["Id"])
                    .cmp(&text(&b["Id"]))
                    .then_with(|| text(&a["ProductArn"]).cmp(&text(&b["ProductArn"])))
            })
    });
}
