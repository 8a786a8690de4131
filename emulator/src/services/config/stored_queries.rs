//! Stored queries: named advanced-query expressions (`query-<id>` under
//! `stored-query/<name>/`), at most 300 per account and region. Putting a name again
//! updates it in place.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::StoredQuery;
use super::tags::{checked_tags, merged, store, Tag};
use super::Empty;
use crate::auth::Caller;
use crate::services::pagination::{decode_token, encode_token, take_page};
use crate::world::World;

const MAX_QUERIES: usize = 300;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct StoredQueryInput {
    pub query_name: String,
    pub description: Option<String>,
    pub expression: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutStoredQueryInput {
    pub stored_query: StoredQueryInput,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutStoredQueryOutput {
    pub query_arn: String,
}

fn check_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::constraint(
            "storedQuery.queryName",
            name,
            "Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$",
        ))
    }
}

fn not_found(name: &str) -> ConfigError {
    ConfigError::ResourceNotFound(format!("The stored query '{name}' does not exist."))
}

pub fn put_stored_query(
    world: &mut World,
    caller: &Caller,
    input: PutStoredQueryInput,
) -> Result<PutStoredQueryOutput, ConfigError> {
    let given = input.stored_query;
    check_name(&given.query_name)?;
    if given.description.as_ref().is_some_and(|d| d.len() > 256) {
        return Err(ConfigError::constraint(
            "storedQuery.description",
            "…",
            "Member must have length less than or equal to 256",
        ));
    }
    let expression = given.expression.unwrap_or_default();
    if expression.is_empty() || expression.len() > 4096 {
        return Err(ConfigError::constraint(
            "storedQuery.expression",
            &expression,
            "Member must have length between 1 and 4096",
        ));
    }
    let tags = checked_tags(&input.tags)?;
    let account = world.config.account(&caller.region, &caller.account_id);
    let existing = account.and_then(|a| a.stored_queries.get(&given.query_name).cloned());
    if existing.is_none() && account.map_or(0, |a| a.stored_queries.len()) >= MAX_QUERIES {
        return Err(ConfigError::Validation(format!(
            "Failed to put stored query '{}': the maximum of {MAX_QUERIES} stored queries is reached.",
            given.query_name
        )));
    }
    let (id, arn) = match &existing {
        Some(q) => (q.id.clone(), q.arn.clone()),
        None => {
            let id = format!("query-{}", world.ids.lower_alnum(14));
            let arn = format!(
                "arn:aws:config:{}:{}:stored-query/{}/{id}",
                caller.region, caller.account_id, given.query_name
            );
            (id, arn)
        }
    };
    let tags = merged(world, &arn, &tags)?;
    store(world, &arn, tags);
    let query = StoredQuery {
        id,
        arn: arn.clone(),
        name: given.query_name.clone(),
        description: given.description,
        expression: Some(expression),
    };
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .stored_queries
        .insert(given.query_name, query);
    Ok(PutStoredQueryOutput { query_arn: arn })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueryNameInput {
    pub query_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetStoredQueryOutput {
    pub stored_query: Value,
}

fn wire(q: &StoredQuery, with_expression: bool) -> Value {
    let mut out = json!({"QueryId": q.id, "QueryArn": q.arn, "QueryName": q.name});
    if let Some(d) = &q.description {
        out["Description"] = json!(d);
    }
    if with_expression {
        out["Expression"] = json!(q.expression);
    }
    out
}

pub fn get_stored_query(
    world: &mut World,
    caller: &Caller,
    input: QueryNameInput,
) -> Result<GetStoredQueryOutput, ConfigError> {
    check_name(&input.query_name)?;
    let query = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.stored_queries.get(&input.query_name))
        .ok_or_else(|| not_found(&input.query_name))?;
    Ok(GetStoredQueryOutput {
        stored_query: wire(query, true),
    })
}

pub fn delete_stored_query(
    world: &mut World,
    caller: &Caller,
    input: QueryNameInput,
) -> Result<Empty, ConfigError> {
    check_name(&input.query_name)?;
    let arn = world
        .config
        .account(&caller.region, &caller.account_id)
        .and_then(|a| a.stored_queries.get(&input.query_name))
        .map(|q| q.arn.clone())
        .ok_or_else(|| not_found(&input.query_name))?;
    world.config.tags.remove(&arn);
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .stored_queries
        .remove(&input.query_name);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStoredQueriesInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListStoredQueriesOutput {
    pub stored_query_metadata: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_stored_queries(
    world: &mut World,
    caller: &Caller,
    input: ListStoredQueriesInput,
) -> Result<ListStoredQueriesOutput, ConfigError> {
    let listing = format!("ListStoredQueries {}", caller.region);
    let size = match input.max_results {
        None | Some(0) => 100,
        Some(n @ 1..=100) => n as usize,
        Some(n) => {
            return Err(ConfigError::constraint(
                "maxResults",
                &n.to_string(),
                "Member must have value between 1 and 100",
            ))
        }
    };
    let after = match input.next_token.as_deref() {
        None | Some("") => None,
        Some(t) => Some(decode_token(&listing, t).ok_or_else(ConfigError::bad_token)?),
    };
    let queries: Vec<StoredQuery> = world
        .config
        .account(&caller.region, &caller.account_id)
        .map(|a| a.stored_queries.values().cloned().collect())
        .unwrap_or_default();
    let rest = queries
        .into_iter()
        .filter(|q| after.as_ref().is_none_or(|a| &q.name > a));
    let (rows, next) = take_page(rest, size, |q| q.name.clone());
    Ok(ListStoredQueriesOutput {
        stored_query_metadata: rows.iter().map(|q| wire(q, false)).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}
