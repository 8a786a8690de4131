//! Lake queries: StartQuery runs a statement to completion at once (orgsim has no
//! queue), over the events the named store holds; DescribeQuery, GetQueryResults,
//! ListQueries and CancelQuery read or refuse it afterwards. The SQL orgsim
//! understands is a subset of Lake's:
//! `SELECT <*|column, …> FROM <store id> [WHERE column <=|!=|<>|LIKE> 'text' [AND …]]
//! [ORDER BY column [ASC|DESC]] [LIMIT n]`, columns being record fields with dots
//! (`userIdentity.arn`). Anything else is `InvalidQueryStatementException`.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CtError;
use super::lake::{find_event_data_store, store_events};
use super::model::Query;
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::{epoch_seconds, World};

/// A parsed statement.
#[derive(Debug, PartialEq)]
struct Statement {
    columns: Option<Vec<String>>,
    store: String,
    conditions: Vec<(String, String, String)>,
    order: Option<(String, bool)>,
    limit: Option<usize>,
}

fn tokens(sql: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = sql.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut text = String::from("'");
            loop {
                match chars.next() {
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        text.push('\'');
                    }
                    Some('\'') => break,
                    Some(c) => text.push(c),
                    None => return Err("unterminated string literal".into()),
                }
            }
            out.push(text);
        } else if c == ',' || c == '*' || c == '=' {
            chars.next();
            out.push(c.to_string());
        } else if c == '!' || c == '<' || c == '>' {
            chars.next();
            let mut op = c.to_string();
            if let Some(&n) = chars.peek() {
                if n == '=' || n == '>' {
                    op.push(n);
                    chars.next();
                }
            }
            out.push(op);
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || ",*=!<>'".contains(c) {
                    break;
                }
                word.push(c);
                chars.next();
            }
            out.push(word);
        }
    }
    Ok(out)
}

fn parse(sql: &str) -> Result<Statement, String> {
    let tokens = tokens(sql.trim().trim_end_matches(';'))?;
    let mut at = 0;
    let keyword =
        |at: usize, word: &str| tokens.get(at).is_some_and(|t| t.eq_ignore_ascii_case(word));
    if !keyword(at, "SELECT") {
        return Err("a query starts with SELECT".into());
    }
    at += 1;
    let columns = if tokens.get(at).map(String::as_str) == Some("*") {
        at += 1;
        None
    } else {
        let mut columns = Vec::new();
        loop {
            let column = tokens.get(at).ok_or("expected a column")?;
            if column.starts_with('\'') || keyword(at, "FROM") {
                return Err(format!("unexpected {column}"));
            }
            columns.push(column.clone());
            at += 1;
            if tokens.get(at).map(String::as_str) == Some(",") {
                at += 1;
            } else {
                break;
            }
        }
        Some(columns)
    };
    if !keyword(at, "FROM") {
        return Err("expected FROM".into());
    }
    let store = tokens
        .get(at + 1)
        .ok_or("expected an event data store id after FROM")?
        .clone();
    at += 2;
    let mut conditions = Vec::new();
    if keyword(at, "WHERE") {
        at += 1;
        loop {
            let column = tokens.get(at).ok_or("expected a column in WHERE")?.clone();
            let op = tokens
                .get(at + 1)
                .ok_or("expected an operator")?
                .to_ascii_uppercase();
            let value = tokens.get(at + 2).ok_or("expected a value")?;
            if !["=", "!=", "<>", "LIKE"].contains(&op.as_str()) {
                return Err(format!("unsupported operator {op}"));
            }
            let value = value
                .strip_prefix('\'')
                .map(String::from)
                .or_else(|| value.parse::<f64>().ok().map(|_| value.clone()))
                .or_else(|| {
                    ["true", "false"]
                        .contains(&value.as_str())
                        .then(|| value.clone())
                })
                .ok_or_else(|| format!("expected a literal, found {value}"))?;
            conditions.push((column, op, value));
            at += 3;
            if keyword(at, "AND") {
                at += 1;
            } else {
                break;
            }
        }
    }
    let mut order = None;
    if keyword(at, "ORDER") && keyword(at + 1, "BY") {
        let column = tokens
            .get(at + 2)
            .ok_or("expected a column after ORDER BY")?
            .clone();
        at += 3;
        let mut descending = false;
        if keyword(at, "DESC") {
            descending = true;
            at += 1;
        } else if keyword(at, "ASC") {
            at += 1;
        }
        order = Some((column, descending));
    }
    let mut limit = None;
    if keyword(at, "LIMIT") {
        limit = Some(
            tokens
                .get(at + 1)
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or("LIMIT needs a number")?,
        );
        at += 2;
    }
    if let Some(extra) = tokens.get(at) {
        return Err(format!("unexpected {extra}"));
    }
    Ok(Statement {
        columns,
        store,
        conditions,
        order,
        limit,
    })
}

/// A record field as the query sees it (`userIdentity.arn`), as text.
fn field(record: &Value, path: &str) -> Option<String> {
    let mut value = record;
    for part in path.split('.') {
        let map = value.as_object()?;
        value = map.get(part).or_else(|| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(part))
                .map(|(_, v)| v)
        })?;
    }
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn like(value: &str, pattern: &str) -> bool {
    let regex = format!(
        "^{}$",
        regex::escape(pattern).replace('%', ".*").replace('_', ".")
    );
    regex::Regex::new(&regex).is_ok_and(|r| r.is_match(value))
}

fn holds(record: &Value, (column, op, literal): &(String, String, String)) -> bool {
    let value = field(record, column);
    match op.as_str() {
        "=" => value.as_deref() == Some(literal),
        "!=" | "<>" => value.is_some_and(|v| v != *literal),
        _ => value.is_some_and(|v| like(&v, literal)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StartQueryInput {
    pub query_statement: Option<String>,
    pub delivery_s3_uri: Option<String>,
    pub query_alias: Option<String>,
    #[allow(dead_code)]
    pub query_parameters: Option<Vec<String>>,
    pub event_data_store_owner_account_id: Option<String>,
}

fn invalid(message: impl std::fmt::Display) -> CtError {
    CtError::InvalidQueryStatement(format!("Your query statement is not valid: {message}"))
}

pub fn start_query(
    world: &mut World,
    caller: &Caller,
    input: StartQueryInput,
) -> Result<Value, CtError> {
    let sql = input
        .query_statement
        .ok_or_else(|| invalid("QueryStatement is required"))?;
    if sql.is_empty() || sql.len() > 10_000 {
        return Err(invalid("the statement must be 1 to 10000 characters"));
    }
    if input.query_alias.is_some() {
        return Err(CtError::UnsupportedOperation(
            "Query aliases of CloudTrail Lake dashboards are not emulated.".to_string(),
        ));
    }
    let statement = parse(&sql).map_err(invalid)?;
    let store = find_event_data_store(world, caller, &statement.store)?;
    if store.status == "PENDING_DELETION" {
        return Err(CtError::InactiveEventDataStore(format!(
            "Event data store {} is pending deletion.",
            store.arn
        )));
    }
    let store_arn = store.arn.clone();
    let mut scanned = 0u64;
    let mut bytes = 0u64;
    let mut matched: Vec<Value> = Vec::new();
    for view in store_events(world, store) {
        let record = view.render();
        scanned += 1;
        bytes += record.to_string().len() as u64;
        if statement.conditions.iter().all(|c| holds(&record, c)) {
            matched.push(record);
        }
    }
    if let Some((column, descending)) = &statement.order {
        matched.sort_by_key(|record| field(record, column));
        if *descending {
            matched.reverse();
        }
    }
    if let Some(limit) = statement.limit {
        matched.truncate(limit);
    }
    let rows = matched
        .iter()
        .map(|record| match &statement.columns {
            Some(columns) => columns
                .iter()
                .map(|c| (c.clone(), field(record, c).unwrap_or_default()))
                .collect(),
            None => record
                .as_object()
                .map(|m| {
                    m.iter()
                        .map(|(k, v)| {
                            let text = match v {
                                Value::String(s) => s.clone(),
                                Value::Null => String::new(),
                                other => other.to_string(),
                            };
                            (k.clone(), text)
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let id = world.ids.uuid();
    let query = Query {
        id: id.clone(),
        account_id: caller.account_id.clone(),
        event_data_store_arn: store_arn,
        statement: sql,
        alias: None,
        status: "FINISHED".to_string(),
        error_message: None,
        created_ms: world.clock.now_ms(),
        delivery_s3_uri: input.delivery_s3_uri,
        rows,
        events_scanned: scanned,
        bytes_scanned: bytes,
    };
    world.cloudtrail.queries.insert(id.clone(), query);
    let mut out = json!({ "QueryId": id });
    if let Some(owner) = input.event_data_store_owner_account_id {
        out["EventDataStoreOwnerAccountId"] = json!(owner);
    }
    Ok(out)
}

fn find_query<'w>(world: &'w World, caller: &Caller, id: &str) -> Result<&'w Query, CtError> {
    world
        .cloudtrail
        .queries
        .get(id)
        .filter(|q| q.account_id == caller.account_id)
        .ok_or_else(|| {
            CtError::QueryIdNotFound(
                "The query ID does not exist or does not map to a query.".to_string(),
            )
        })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeQueryInput {
    #[allow(dead_code)]
    pub event_data_store: Option<String>,
    pub query_id: Option<String>,
    pub query_alias: Option<String>,
}

pub fn describe_query(
    world: &mut World,
    caller: &Caller,
    input: DescribeQueryInput,
) -> Result<Value, CtError> {
    let id = match (input.query_id, input.query_alias) {
        (Some(id), _) => id,
        (None, Some(_)) => {
            return Err(CtError::UnsupportedOperation(
                "Query aliases of CloudTrail Lake dashboards are not emulated.".to_string(),
            ))
        }
        (None, None) => {
            return Err(CtError::InvalidParameter(
                "QueryId or QueryAlias is required.".to_string(),
            ))
        }
    };
    let query = find_query(world, caller, &id)?;
    let mut out = json!({
        "QueryId": query.id,
        "QueryString": query.statement,
        "QueryStatus": query.status,
        "QueryStatistics": {
            "EventsMatched": query.rows.len(),
            "EventsScanned": query.events_scanned,
            "BytesScanned": query.bytes_scanned,
            "ExecutionTimeInMillis": 0,
            "CreationTime": epoch_seconds(query.created_ms),
        },
    });
    if let Some(uri) = &query.delivery_s3_uri {
        out["DeliveryS3Uri"] = json!(uri);
    }
    if let Some(message) = &query.error_message {
        out["ErrorMessage"] = json!(message);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetQueryResultsInput {
    #[allow(dead_code)]
    pub event_data_store: Option<String>,
    pub query_id: String,
    pub next_token: Option<String>,
    pub max_query_results: Option<i64>,
}

pub fn get_query_results(
    world: &mut World,
    caller: &Caller,
    input: GetQueryResultsInput,
) -> Result<Value, CtError> {
    let query = find_query(world, caller, &input.query_id)?;
    let size = match input.max_query_results {
        None => 1000,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(CtError::constraint(
                "maxQueryResults",
                &n.to_string(),
                "Member must have value less than or equal to 1000",
            ))
        }
    };
    let listing = format!("GetQueryResults {}", query.id);
    let start = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => decode_token(&listing, token)
            .and_then(|s| s.parse::<usize>().ok())
            .ok_or_else(|| {
                CtError::InvalidNextToken("A token you provided is not valid.".to_string())
            })?,
        None => 0,
    };
    let page: Vec<Value> = query
        .rows
        .iter()
        .skip(start)
        .take(size)
        .map(|row| Value::Array(row.iter().map(|(k, v)| json!({ k: v })).collect()))
        .collect();
    let mut out = json!({
        "QueryStatus": query.status,
        "QueryStatistics": {
            "ResultsCount": page.len(),
            "TotalResultsCount": query.rows.len(),
            "BytesScanned": query.bytes_scanned,
        },
        "QueryResultRows": page,
    });
    if start + size < query.rows.len() {
        out["NextToken"] = json!(encode_token(&listing, &(start + size).to_string()));
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListQueriesInput {
    pub event_data_store: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub start_time: Option<f64>,
    pub end_time: Option<f64>,
    pub query_status: Option<String>,
}

pub fn list_queries(
    world: &mut World,
    caller: &Caller,
    input: ListQueriesInput,
) -> Result<Value, CtError> {
    let store = find_event_data_store(world, caller, &input.event_data_store)?;
    let size = match input.max_results {
        None => 1000,
        Some(n) if (1..=1000).contains(&n) => n as usize,
        Some(n) => {
            return Err(CtError::constraint(
                "maxResults",
                &n.to_string(),
                "Member must have value less than or equal to 1000",
            ))
        }
    };
    let (start, end) = (
        input.start_time.map(|s| (s * 1000.0) as i64),
        input.end_time.map(|s| (s * 1000.0) as i64),
    );
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(CtError::InvalidTimeRange(
                "Start time must be earlier than end time.".to_string(),
            ));
        }
    }
    let listing = format!("ListQueries {}", store.arn);
    let after = match input.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => Some(decode_token(&listing, token).ok_or_else(|| {
            CtError::InvalidNextToken("A token you provided is not valid.".to_string())
        })?),
        None => None,
    };
    let mut queries: Vec<&Query> = world
        .cloudtrail
        .queries
        .values()
        .filter(|q| q.event_data_store_arn == store.arn && q.account_id == caller.account_id)
        .filter(|q| {
            start.is_none_or(|s| q.created_ms >= s) && end.is_none_or(|e| q.created_ms <= e)
        })
        .filter(|q| input.query_status.as_deref().is_none_or(|s| q.status == s))
        .filter(|q| after.as_deref().is_none_or(|a| q.id.as_str() > a))
        .take(size + 1)
        .collect();
    let next = (queries.len() > size).then(|| {
        queries.truncate(size);
        encode_token(&listing, &queries[size - 1].id)
    });
    let mut out = json!({
        "Queries": queries
            .iter()
            .map(|q| json!({"QueryId": q.id, "QueryStatus": q.status, "CreationTime": epoch_seconds(q.created_ms)}))
            .collect::<Vec<_>>()
    });
    if let Some(next) = next {
        out["NextToken"] = json!(next);
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CancelQueryInput {
    #[allow(dead_code)]
    pub event_data_store: Option<String>,
    pub query_id: String,
    #[allow(dead_code)]
    pub event_data_store_owner_account_id: Option<String>,
}

pub fn cancel_query(
    world: &mut World,
    caller: &Caller,
    input: CancelQueryInput,
) -> Result<Value, CtError> {
    let query = find_query(world, caller, &input.query_id)?;
    // Queries finish as they start: there is never one left to cancel.
    Err(CtError::InactiveQuery(format!(
        "The query {} is {} and cannot be cancelled.",
        query.id, query.status
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_subset() {
        let s = parse("SELECT eventName, userIdentity.arn FROM abc WHERE errorCode = 'AccessDenied' AND eventSource LIKE 'iam%' ORDER BY eventTime DESC LIMIT 5").unwrap();
        assert_eq!(s.columns.unwrap(), vec!["eventName", "userIdentity.arn"]);
        assert_eq!(s.store, "abc");
        assert_eq!(s.conditions.len(), 2);
        assert_eq!(s.order, Some(("eventTime".into(), true)));
        assert_eq!(s.limit, Some(5));
        assert!(parse("DELETE FROM abc").is_err());
        assert!(parse("SELECT * FROM abc WHERE x = ").is_err());
        assert!(parse("SELECT * FROM abc GROUP BY x").is_err());
        assert!(like("iam.amazonaws.com", "iam%"));
        assert!(!like("sts.amazonaws.com", "iam%"));
    }
}
