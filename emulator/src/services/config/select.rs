//! Advanced queries (`SelectResourceConfig`, `SelectAggregateResourceConfig`): the SQL
//! subset AWS documents —
//! `SELECT property [, ...] [WHERE condition] [GROUP BY property] [ORDER BY property
//! [ASC|DESC] [, ...]]` — over the configuration items of the discovered resources.
//! Conditions compare with `=`, `!=`, `<`, `<=`, `>`, `>=`, `IN`, `BETWEEN` and `LIKE`
//! (`%` and `_` wildcards), joined by `AND`, `OR`, `NOT` and parentheses. Aggregates are
//! `COUNT(*)`, `COUNT`, `SUM`, `MIN`, `MAX` and `AVG` of a property. A property through
//! a list (`tags.key`) matches when any element does, as AWS's does.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::aggregate_resources::aggregated;
use super::errors::ConfigError;
use super::resources::{discovered, Resource};
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{iso8601, World};

#[derive(Clone, Debug, PartialEq)]
enum Token {
    Word(String),
    Str(String),
    Num(f64),
    Op(&'static str),
}

fn invalid(detail: &str) -> ConfigError {
    ConfigError::InvalidExpression(format!("Invalid query expression: {detail}"))
}

fn tokens(text: &str) -> Result<Vec<Token>, ConfigError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(invalid("a string literal is not closed")),
                    Some(&q) if q == c && chars.get(i + 1) == Some(&c) => {
                        s.push(c);
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        s.push(other);
                        i += 1;
                    }
                }
            }
            out.push(Token::Str(s));
        } else if c.is_ascii_digit()
            || (c == '-' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit()))
        {
            let start = i;
            i += 1;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let n: String = chars[start..i].iter().collect();
            out.push(Token::Num(
                n.parse().map_err(|_| invalid("a number is not valid"))?,
            ));
        } else if c.is_alphabetic() || c == '_' || c == '`' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || matches!(chars[i], '_' | '.' | ':' | '`' | '-'))
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().filter(|c| **c != '`').collect();
            out.push(Token::Word(w));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            let op = match two.as_str() {
                "!=" => Some("!="),
                "<>" => Some("!="),
                "<=" => Some("<="),
                ">=" => Some(">="),
                _ => None,
            };
            if let Some(op) = op {
                out.push(Token::Op(op));
                i += 2;
                continue;
            }
            let op = match c {
                '=' => "=",
                '<' => "<",
                '>' => ">",
                '(' => "(",
                ')' => ")",
                ',' => ",",
                '*' => "*",
                _ => return Err(invalid(&format!("unexpected character '{c}'"))),
            };
            out.push(Token::Op(op));
            i += 1;
        }
    }
    Ok(out)
}

#[derive(Clone, Debug)]
enum Field {
    Property(String),
    /// `COUNT(*)` has no property.
    Aggregate {
        function: String,
        property: Option<String>,
    },
}

impl Field {
    fn name(&self) -> String {
        match self {
            Field::Property(p) => p.clone(),
            Field::Aggregate { function, property } => {
                format!("{function}({})", property.as_deref().unwrap_or("*"))
            }
        }
    }
}

#[derive(Clone, Debug)]
enum Condition {
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Compare(String, &'static str, Literal),
    In(String, Vec<Literal>),
    Between(String, Literal, Literal),
    Like(String, String),
}

#[derive(Clone, Debug)]
enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
}

struct Query {
    fields: Vec<Field>,
    condition: Option<Condition>,
    group_by: Vec<String>,
    order_by: Vec<(String, bool)>,
}

const KEYWORDS: &[&str] = &[
    "SELECT", "WHERE", "AND", "OR", "NOT", "IN", "BETWEEN", "LIKE", "GROUP", "BY", "ORDER", "ASC",
    "DESC",
];
const AGGREGATES: &[&str] = &["COUNT", "SUM", "MIN", "MAX", "AVG"];

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn keyword(&self, k: &str) -> bool {
        matches!(self.peek(), Some(Token::Word(w)) if w.eq_ignore_ascii_case(k))
    }

    fn eat_keyword(&mut self, k: &str) -> bool {
        let found = self.keyword(k);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect_keyword(&mut self, k: &str) -> Result<(), ConfigError> {
        if self.eat_keyword(k) {
            Ok(())
        } else {
            Err(invalid(&format!("expected {k}")))
        }
    }

    fn eat_op(&mut self, op: &str) -> bool {
        let found = matches!(self.peek(), Some(Token::Op(o)) if *o == op);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect_op(&mut self, op: &str) -> Result<(), ConfigError> {
        if self.eat_op(op) {
            Ok(())
        } else {
            Err(invalid(&format!("expected '{op}'")))
        }
    }

    fn property(&mut self) -> Result<String, ConfigError> {
        match self.peek().cloned() {
            Some(Token::Word(w))
                if !KEYWORDS.iter().any(|k| w.eq_ignore_ascii_case(k))
                    && !w.starts_with('.')
                    && !w.ends_with('.') =>
            {
                self.at += 1;
                Ok(w)
            }
            _ => Err(invalid("expected a property")),
        }
    }

    fn field(&mut self) -> Result<Field, ConfigError> {
        if let Some(Token::Word(w)) = self.peek().cloned() {
            let upper = w.to_ascii_uppercase();
            if AGGREGATES.contains(&upper.as_str())
                && self.tokens.get(self.at + 1) == Some(&Token::Op("("))
            {
                self.at += 2;
                let property = if upper == "COUNT" && self.eat_op("*") {
                    None
                } else {
                    Some(self.property()?)
                };
                self.expect_op(")")?;
                return Ok(Field::Aggregate {
                    function: upper,
                    property,
                });
            }
        }
        if matches!(self.peek(), Some(Token::Op("*"))) {
            return Err(invalid("SELECT * is not supported; name the properties"));
        }
        Ok(Field::Property(self.property()?))
    }

    fn literal(&mut self) -> Result<Literal, ConfigError> {
        let literal = match self.peek().cloned() {
            Some(Token::Str(s)) => Literal::Str(s),
            Some(Token::Num(n)) => Literal::Num(n),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("true") => Literal::Bool(true),
            Some(Token::Word(w)) if w.eq_ignore_ascii_case("false") => Literal::Bool(false),
            _ => return Err(invalid("expected a value")),
        };
        self.at += 1;
        Ok(literal)
    }

    fn or(&mut self) -> Result<Condition, ConfigError> {
        let mut left = self.and()?;
        while self.eat_keyword("OR") {
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ConfigError> {
        let mut left = self.not()?;
        while self.eat_keyword("AND") {
            left = Condition::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, ConfigError> {
        if self.eat_keyword("NOT") {
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        if self.eat_op("(") {
            let inner = self.or()?;
            self.expect_op(")")?;
            return Ok(inner);
        }
        let property = self.property()?;
        let negated = self.eat_keyword("NOT");
        let condition = if self.eat_keyword("IN") {
            self.expect_op("(")?;
            let mut values = vec![self.literal()?];
            while self.eat_op(",") {
                values.push(self.literal()?);
            }
            self.expect_op(")")?;
            Condition::In(property, values)
        } else if self.eat_keyword("BETWEEN") {
            let low = self.literal()?;
            self.expect_keyword("AND")?;
            Condition::Between(property, low, self.literal()?)
        } else if self.eat_keyword("LIKE") {
            match self.literal()? {
                Literal::Str(p) => Condition::Like(property, p),
                _ => return Err(invalid("LIKE takes a string pattern")),
            }
        } else if negated {
            return Err(invalid("NOT must precede IN, BETWEEN or LIKE"));
        } else {
            let op = match self.peek() {
                Some(Token::Op(op @ ("=" | "!=" | "<" | "<=" | ">" | ">="))) => *op,
                _ => return Err(invalid("expected a comparison operator")),
            };
            self.at += 1;
            Condition::Compare(property, op, self.literal()?)
        };
        Ok(if negated {
            Condition::Not(Box::new(condition))
        } else {
            condition
        })
    }
}

fn parse(expression: &str) -> Result<Query, ConfigError> {
    let mut p = Parser {
        tokens: tokens(expression)?,
        at: 0,
    };
    p.expect_keyword("SELECT")?;
    let mut fields = vec![p.field()?];
    while p.eat_op(",") {
        fields.push(p.field()?);
    }
    let condition = if p.eat_keyword("WHERE") {
        Some(p.or()?)
    } else {
        None
    };
    let mut group_by = Vec::new();
    if p.eat_keyword("GROUP") {
        p.expect_keyword("BY")?;
        group_by.push(p.property()?);
        while p.eat_op(",") {
            group_by.push(p.property()?);
        }
    }
    let mut order_by = Vec::new();
    if p.eat_keyword("ORDER") {
        p.expect_keyword("BY")?;
        loop {
            let field = p.field()?.name();
            let descending = if p.eat_keyword("DESC") {
                true
            } else {
                p.eat_keyword("ASC");
                false
            };
            order_by.push((field, descending));
            if !p.eat_op(",") {
                break;
            }
        }
    }
    if p.peek().is_some() {
        return Err(invalid("unexpected text after the query"));
    }
    let aggregates = fields.iter().any(|f| matches!(f, Field::Aggregate { .. }));
    if aggregates || !group_by.is_empty() {
        for f in &fields {
            if let Field::Property(name) = f {
                if !group_by.contains(name) {
                    return Err(invalid(&format!(
                        "{name} must appear in the GROUP BY clause or be used in an aggregate function"
                    )));
                }
            }
        }
    }
    Ok(Query {
        fields,
        condition,
        group_by,
        order_by,
    })
}

/// The configuration item as the query engine sees it: JSON, configuration parsed.
fn item(account: &str, region: &str, r: &Resource, tags: &[(String, String)]) -> Value {
    let mut item = json!({
        "accountId": account,
        "awsRegion": region,
        "resourceId": r.resource_id,
        "resourceType": r.resource_type,
        "availabilityZone": "Regional",
        "configurationItemCaptureTime": iso8601(r.captured_ms),
        "configurationItemStatus": "ResourceDiscovered",
        "configuration": r.configuration,
        "supplementaryConfiguration": {},
        "relationships": [],
        "tags": tags.iter().map(|(k, v)| json!({"key": k, "value": v, "tag": format!("{k}={v}")})).collect::<Vec<_>>(),
    });
    if let Some(arn) = &r.arn {
        item["arn"] = json!(arn);
    }
    if let Some(name) = &r.resource_name {
        item["resourceName"] = json!(name);
    }
    if let Some(ms) = r.created_ms {
        item["resourceCreationTime"] = json!(iso8601(ms));
    }
    item
}

/// Every value at `path` (lists fan out).
fn values<'v>(value: &'v Value, path: &[&str], out: &mut Vec<&'v Value>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| values(v, path, out)),
        _ if path.is_empty() => out.push(value),
        Value::Object(map) => {
            if let Some(v) = map.get(path[0]) {
                values(v, &path[1..], out);
            }
        }
        _ => {}
    }
}

fn resolve<'v>(item: &'v Value, property: &str) -> Vec<&'v Value> {
    let path: Vec<&str> = property.split('.').collect();
    let mut out = Vec::new();
    values(item, &path, &mut out);
    out
}

/// The part of `value` at `path`, kept in its nesting.
fn project(value: &Value, path: &[&str]) -> Option<Value> {
    if path.is_empty() {
        return Some(value.clone());
    }
    match value {
        Value::Object(map) => {
            let inner = project(map.get(path[0])?, &path[1..])?;
            let mut out = Map::new();
            out.insert(path[0].to_string(), inner);
            Some(Value::Object(out))
        }
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(|v| project(v, path)).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        _ => None,
    }
}

fn merge(into: &mut Value, from: Value) {
    match (into, from) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                match a.get_mut(&k) {
                    Some(existing) => merge(existing, v),
                    None => {
                        a.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn compare(value: &Value, literal: &Literal) -> Option<Ordering> {
    match (value, literal) {
        (Value::Number(n), Literal::Num(x)) => n.as_f64()?.partial_cmp(x),
        (Value::String(s), Literal::Num(x)) => s.parse::<f64>().ok()?.partial_cmp(x),
        (Value::String(s), Literal::Str(x)) => Some(s.as_str().cmp(x.as_str())),
        (Value::Number(n), Literal::Str(x)) => n.as_f64()?.partial_cmp(&x.parse::<f64>().ok()?),
        (Value::Bool(b), Literal::Bool(x)) => Some(b.cmp(x)),
        (Value::Bool(b), Literal::Str(x)) => Some(b.to_string().as_str().cmp(x.as_str())),
        _ => None,
    }
}

fn like(text: &str, pattern: &str) -> bool {
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    // dp[j]: pattern[..j] matches text[..i]
    let mut dp = vec![false; p.len() + 1];
    dp[0] = true;
    for j in 1..=p.len() {
        dp[j] = dp[j - 1] && p[j - 1] == '%';
    }
    for &c in &t {
        let mut next = vec![false; p.len() + 1];
        for j in 1..=p.len() {
            next[j] = match p[j - 1] {
                '%' => next[j - 1] || dp[j],
                '_' => dp[j - 1],
                x => dp[j - 1] && x == c,
            };
        }
        dp = next;
    }
    dp[p.len()]
}

fn matches(item: &Value, condition: &Condition) -> bool {
    match condition {
        Condition::And(a, b) => matches(item, a) && matches(item, b),
        Condition::Or(a, b) => matches(item, a) || matches(item, b),
        Condition::Not(c) => !matches(item, c),
        Condition::Compare(p, op, lit) => resolve(item, p).iter().any(|v| {
            compare(v, lit).is_some_and(|o| match *op {
                "=" => o == Ordering::Equal,
                "!=" => o != Ordering::Equal,
                "<" => o == Ordering::Less,
                "<=" => o != Ordering::Greater,
                ">" => o == Ordering::Greater,
                _ => o != Ordering::Less,
            })
        }),
        Condition::In(p, lits) => resolve(item, p)
            .iter()
            .any(|v| lits.iter().any(|l| compare(v, l) == Some(Ordering::Equal))),
        Condition::Between(p, low, high) => resolve(item, p).iter().any(|v| {
            compare(v, low).is_some_and(|o| o != Ordering::Less)
                && compare(v, high).is_some_and(|o| o != Ordering::Greater)
        }),
        Condition::Like(p, pattern) => resolve(item, p)
            .iter()
            .any(|v| v.as_str().is_some_and(|s| like(s, pattern))),
    }
}

fn number(v: &Value) -> Option<f64> {
    v.as_f64().or_else(|| v.as_str()?.parse().ok())
}

fn aggregate(function: &str, property: &Option<String>, rows: &[&Value]) -> Value {
    let Some(property) = property else {
        return json!(rows.len());
    };
    let found: Vec<&Value> = rows.iter().flat_map(|r| resolve(r, property)).collect();
    let numbers: Vec<f64> = found.iter().filter_map(|v| number(v)).collect();
    let whole = |x: f64| {
        if x.fract() == 0.0 && x.abs() < 9e15 {
            json!(x as i64)
        } else {
            json!(x)
        }
    };
    match function {
        "COUNT" => json!(found.len()),
        "SUM" => whole(numbers.iter().sum()),
        "AVG" if !numbers.is_empty() => json!(numbers.iter().sum::<f64>() / numbers.len() as f64),
        "MIN" => numbers
            .iter()
            .cloned()
            .reduce(f64::min)
            .map_or(Value::Null, whole),
        "MAX" => numbers
            .iter()
            .cloned()
            .reduce(f64::max)
            .map_or(Value::Null, whole),
        _ => Value::Null,
    }
}

fn sort_key<'v>(row: &'v Value, name: &str) -> Option<&'v Value> {
    row.get(name)
        .or_else(|| resolve(row, name).into_iter().next())
}

fn order(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(x), Some(y)) => x.to_string().cmp(&y.to_string()),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The query's rows, as JSON objects.
fn run(query: &Query, items: &[Value]) -> Vec<Value> {
    let kept: Vec<&Value> = items
        .iter()
        .filter(|i| query.condition.as_ref().is_none_or(|c| matches(i, c)))
        .collect();
    let grouped = !query.group_by.is_empty()
        || query
            .fields
            .iter()
            .any(|f| matches!(f, Field::Aggregate { .. }));
    let mut rows: Vec<Value> = if grouped {
        let mut groups: BTreeMap<Vec<String>, Vec<&Value>> = BTreeMap::new();
        for item in &kept {
            let key = query
                .group_by
                .iter()
                .map(|p| {
                    resolve(item, p)
                        .first()
                        .map_or(String::new(), |v| v.to_string())
                })
                .collect();
            groups.entry(key).or_default().push(item);
        }
        if groups.is_empty() && query.group_by.is_empty() {
            groups.insert(Vec::new(), Vec::new());
        }
        groups
            .values()
            .map(|members| {
                let mut row = json!({});
                for f in &query.fields {
                    match f {
                        Field::Property(p) => {
                            let path: Vec<&str> = p.split('.').collect();
                            if let Some(v) = members.first().and_then(|m| project(m, &path)) {
                                merge(&mut row, v);
                            }
                        }
                        Field::Aggregate { function, property } => {
                            row[f.name()] = aggregate(function, property, members);
                        }
                    }
                }
                row
            })
            .collect()
    } else {
        kept.iter()
            .map(|item| {
                let mut row = json!({});
                for f in &query.fields {
                    let name = f.name();
                    let path: Vec<&str> = name.split('.').collect();
                    if let Some(v) = project(item, &path) {
                        merge(&mut row, v);
                    }
                }
                row
            })
            .collect()
    };
    for (name, descending) in query.order_by.iter().rev() {
        rows.sort_by(|a, b| {
            let o = order(sort_key(a, name), sort_key(b, name));
            if *descending {
                o.reverse()
            } else {
                o
            }
        });
    }
    rows
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelectOutput {
    pub results: Vec<String>,
    pub query_info: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn answer(
    expression: &str,
    items: Vec<Value>,
    limit: Option<i64>,
    next_token: &Option<String>,
    listing: &str,
) -> Result<SelectOutput, ConfigError> {
    if expression.is_empty() || expression.len() > 4096 {
        return Err(ConfigError::constraint(
            "expression",
            expression,
            "Member must have length between 1 and 4096",
        ));
    }
    let size = match limit {
        None | Some(0) => 500,
        Some(n @ 1..=100) => n as usize,
        Some(n) => {
            return Err(ConfigError::InvalidLimit(format!(
                "Value '{n}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 100"
            )))
        }
    };
    let start = match next_token.as_deref() {
        None | Some("") => 0,
        Some(t) => decode_token(listing, t)
            .and_then(|k| k.parse::<usize>().ok())
            .ok_or_else(ConfigError::bad_token)?,
    };
    let query = parse(expression)?;
    let rows = run(&query, &items);
    let end = (start + size).min(rows.len());
    let page = rows.get(start..end).unwrap_or_default();
    Ok(SelectOutput {
        results: page.iter().map(Value::to_string).collect(),
        query_info: json!({
            "SelectFields": query.fields.iter().map(|f| json!({"Name": f.name()})).collect::<Vec<_>>(),
        }),
        next_token: (end < rows.len()).then(|| encode_token(listing, &end.to_string())),
    })
}

/// The resource's own tags, and those Config holds for its ARN.
fn tags_of(world: &World, r: &Resource) -> Vec<(String, String)> {
    let mut tags = r.tags.clone();
    if let Some(held) = r.arn.as_ref().and_then(|arn| world.config.tags.get(arn)) {
        tags.extend(held.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    tags
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelectInput {
    pub expression: String,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

pub fn select_resource_config(
    world: &mut World,
    caller: &Caller,
    input: SelectInput,
) -> Result<SelectOutput, ConfigError> {
    let items = discovered(world, &caller.account_id, &caller.region)
        .iter()
        .map(|r| item(&caller.account_id, &caller.region, r, &tags_of(world, r)))
        .collect();
    let listing = format!(
        "SelectResourceConfig {} {}",
        caller.region, input.expression
    );
    answer(
        &input.expression,
        items,
        input.limit,
        &input.next_token,
        &listing,
    )
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SelectAggregateInput {
    pub expression: String,
    pub configuration_aggregator_name: String,
    pub limit: Option<i64>,
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

pub fn select_aggregate_resource_config(
    world: &mut World,
    caller: &Caller,
    input: SelectAggregateInput,
) -> Result<SelectOutput, ConfigError> {
    let name = &input.configuration_aggregator_name;
    let items = aggregated(world, caller, name, None, None)?
        .iter()
        .map(|(a, r, res)| item(a, r, res, &tags_of(world, res)))
        .collect();
    let listing = format!(
        "SelectAggregateResourceConfig {} {name} {}",
        caller.region, input.expression
    );
    answer(
        &input.expression,
        items,
        input.limit.or(input.max_results),
        &input.next_token,
        &listing,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items() -> Vec<Value> {
        vec![
            json!({"resourceId": "a", "resourceType": "AWS::S3::Bucket", "configuration": {"size": 3}, "tags": [{"key": "env", "value": "prod"}]}),
            json!({"resourceId": "b", "resourceType": "AWS::S3::Bucket", "configuration": {"size": 7}, "tags": []}),
            json!({"resourceId": "c", "resourceType": "AWS::IAM::Role", "configuration": {"size": 5}, "tags": [{"key": "env", "value": "dev"}]}),
        ]
    }

    fn ids(expression: &str) -> Vec<String> {
        run(&parse(expression).unwrap(), &items())
            .iter()
            .map(|r| r["resourceId"].as_str().unwrap_or("").to_string())
            .collect()
    }

    #[test]
    fn conditions_follow_the_documented_subset() {
        assert_eq!(
            ids("SELECT resourceId WHERE resourceType = 'AWS::S3::Bucket'"),
            ["a", "b"]
        );
        assert_eq!(ids("select resourceId where configuration.size > 4 and not resourceType = 'AWS::IAM::Role'"), ["b"]);
        assert_eq!(
            ids("SELECT resourceId WHERE configuration.size BETWEEN 3 AND 5"),
            ["a", "c"]
        );
        assert_eq!(
            ids(
                "SELECT resourceId WHERE resourceType IN ('AWS::IAM::Role') OR tags.value = 'prod'"
            ),
            ["a", "c"]
        );
        assert_eq!(
            ids("SELECT resourceId WHERE resourceType LIKE 'AWS::S3::%'"),
            ["a", "b"]
        );
        assert_eq!(
            ids("SELECT resourceId WHERE resourceId != 'a' ORDER BY resourceId DESC"),
            ["c", "b"]
        );
        assert_eq!(
            ids("SELECT resourceId WHERE resourceType NOT LIKE '%S3%'"),
            ["c"]
        );
    }

    #[test]
    fn aggregates_group_and_order() {
        let rows = run(
            &parse("SELECT resourceType, COUNT(*), SUM(configuration.size) GROUP BY resourceType ORDER BY COUNT(*) DESC").unwrap(),
            &items(),
        );
        assert_eq!(
            rows[0],
            json!({"resourceType": "AWS::S3::Bucket", "COUNT(*)": 2, "SUM(configuration.size)": 10})
        );
        assert_eq!(rows[1]["COUNT(*)"], 1);
        let total = run(&parse("SELECT COUNT(*)").unwrap(), &items());
        assert_eq!(total, vec![json!({"COUNT(*)": 3})]);
    }

    #[test]
    fn projections_keep_their_nesting_and_bad_queries_are_refused() {
        let rows = run(
            &parse("SELECT resourceId, configuration.size, tags.key WHERE resourceId = 'a'")
                .unwrap(),
            &items(),
        );
        assert_eq!(
            rows[0],
            json!({"resourceId": "a", "configuration": {"size": 3}, "tags": [{"key": "env"}]})
        );
        for bad in [
            "SELECT *",
            "SELECT",
            "SELECT resourceId WHERE",
            "SELECT resourceId, COUNT(*)",
            "SELECT resourceId WHERE resourceId = 'x",
            "DELETE resourceId",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
