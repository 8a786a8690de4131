//! Aggregation authorizations: a source account allows an aggregator account's region
//! to collect its data; aggregators naming an account that has not allowed it yet are
//! that account's pending requests.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::ConfigError;
use super::model::Authorization;
use super::{is_account_id, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{epoch_seconds, World};

pub fn authorization_key(account: &str, region: &str) -> String {
    format!("{account}/{region}")
}

/// Whether `source` authorized the aggregator account's region to collect from `source_region`.
pub fn authorized(
    world: &World,
    source: &str,
    source_region: &str,
    account: &str,
    region: &str,
) -> bool {
    source == account
        || world
            .config
            .account(source_region, source)
            .is_some_and(|a| {
                a.authorizations
                    .contains_key(&authorization_key(account, region))
            })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AuthorizationInput {
    pub authorized_account_id: String,
    pub authorized_aws_region: String,
    #[serde(default)]
    pub tags: Vec<super::tags::Tag>,
}

fn authorization_wire(a: &Authorization) -> Value {
    json!({
        "AggregationAuthorizationArn": a.arn,
        "AuthorizedAccountId": a.account,
        "AuthorizedAwsRegion": a.region,
        "CreationTime": epoch_seconds(a.created_ms),
    })
}

fn check_account_and_region(account: &str, region: &str) -> Result<(), ConfigError> {
    if !is_account_id(account) {
        return Err(ConfigError::InvalidParameterValue(format!(
            "The account ID {account} is not valid: an account ID has 12 digits."
        )));
    }
    if region.is_empty() || region.len() > 64 {
        return Err(ConfigError::InvalidParameterValue(format!(
            "The region '{region}' is not valid."
        )));
    }
    Ok(())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutAuthorizationOutput {
    pub aggregation_authorization: Value,
}

pub fn put_aggregation_authorization(
    world: &mut World,
    caller: &Caller,
    input: AuthorizationInput,
) -> Result<PutAuthorizationOutput, ConfigError> {
    check_account_and_region(&input.authorized_account_id, &input.authorized_aws_region)?;
    let tags = super::tags::creation_tags(&input.tags)?;
    let key = authorization_key(&input.authorized_account_id, &input.authorized_aws_region);
    let now = world.clock.now_ms();
    let account = world.config.account_mut(&caller.region, &caller.account_id);
    let authorization = account
        .authorizations
        .entry(key)
        .or_insert_with(|| Authorization {
            arn: format!(
                "arn:aws:config:{}:{}:aggregation-authorization/{}/{}",
                caller.region,
                caller.account_id,
                input.authorized_account_id,
                input.authorized_aws_region
            ),
            account: input.authorized_account_id.clone(),
            region: input.authorized_aws_region.clone(),
            created_ms: now,
        });
    let wire = authorization_wire(authorization);
    let arn = authorization.arn.clone();
    super::tags::add_created(world, &arn, &tags);
    Ok(PutAuthorizationOutput {
        aggregation_authorization: wire,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListingInput {
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAuthorizationsOutput {
    pub aggregation_authorizations: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_aggregation_authorizations(
    world: &mut World,
    caller: &Caller,
    input: ListingInput,
) -> Result<DescribeAuthorizationsOutput, ConfigError> {
    let listing = format!("DescribeAggregationAuthorizations {}", caller.region);
    let (size, after) = page(&listing, input.limit, 100, &input.next_token)?;
    let empty = imbl::OrdMap::new();
    let all = world
        .config
        .account(&caller.region, &caller.account_id)
        .map_or(&empty, |a| &a.authorizations);
    let rest = all
        .iter()
        .filter(|(k, _)| after.as_ref().is_none_or(|a| *k > a));
    let (rows, next) = take_page(rest, size, |(k, _)| (*k).clone());
    Ok(DescribeAuthorizationsOutput {
        aggregation_authorizations: rows.iter().map(|(_, a)| authorization_wire(a)).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteAuthorizationInput {
    pub authorized_account_id: String,
    pub authorized_aws_region: String,
}

/// Deleting an authorization that does not exist succeeds, as in AWS.
pub fn delete_aggregation_authorization(
    world: &mut World,
    caller: &Caller,
    input: DeleteAuthorizationInput,
) -> Result<Empty, ConfigError> {
    check_account_and_region(&input.authorized_account_id, &input.authorized_aws_region)?;
    let key = authorization_key(&input.authorized_account_id, &input.authorized_aws_region);
    if world
        .config
        .account(&caller.region, &caller.account_id)
        .is_some()
    {
        world
            .config
            .account_mut(&caller.region, &caller.account_id)
            .authorizations
            .remove(&key);
    }
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PendingRequestsOutput {
    pub pending_aggregation_requests: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Aggregators anywhere that name the caller's account as a source in the caller's
/// region, and that the caller has not authorized yet.
pub fn describe_pending_aggregation_requests(
    world: &mut World,
    caller: &Caller,
    input: ListingInput,
) -> Result<PendingRequestsOutput, ConfigError> {
    let listing = format!("DescribePendingAggregationRequests {}", caller.region);
    let (size, after) = page(&listing, input.limit, 20, &input.next_token)?;
    let me = &caller.account_id;
    let dismissed = world
        .config
        .account(&caller.region, me)
        .map(|a| a.dismissed_requests.clone())
        .unwrap_or_default();
    let mut requesters = Vec::new();
    for (region, state) in &world.config.regions {
        for (owner, account) in &state.accounts {
            let dismissed_ms = dismissed.get(&authorization_key(owner, region)).copied();
            let asks = account.aggregators.values().any(|g| {
                dismissed_ms.is_none_or(|d| g.updated_ms > d)
                    && g.account_sources.iter().any(|s| {
                        s.account_ids.contains(me)
                            && (s.all_regions || s.regions.contains(&caller.region))
                    })
            });
            if asks && !authorized(world, me, &caller.region, owner, region) {
                requesters.push(authorization_key(owner, region));
            }
        }
    }
    requesters.sort();
    let rest = requesters
        .into_iter()
        .filter(|k| after.as_ref().is_none_or(|a| k > a));
    let (rows, next) = take_page(rest, size, |k| k.clone());
    Ok(PendingRequestsOutput {
        pending_aggregation_requests: rows
            .iter()
            .filter_map(|k| k.split_once('/'))
            .map(|(account, region)| json!({"RequesterAccountId": account, "RequesterAwsRegion": region}))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletePendingInput {
    pub requester_account_id: String,
    pub requester_aws_region: String,
}

/// Dismisses a pending request: it no longer shows until the aggregator changes.
pub fn delete_pending_aggregation_request(
    world: &mut World,
    caller: &Caller,
    input: DeletePendingInput,
) -> Result<Empty, ConfigError> {
    if !is_account_id(&input.requester_account_id) {
        return Err(ConfigError::InvalidParameterValue(format!(
            "The requester account ID '{}' is not a 12-digit account ID.",
            input.requester_account_id
        )));
    }
    if input.requester_aws_region.is_empty() || input.requester_aws_region.len() > 64 {
        return Err(ConfigError::InvalidParameterValue(
            "RequesterAwsRegion must be 1 to 64 characters.".to_string(),
        ));
    }
    let now = world.clock.now_ms();
    world
        .config
        .account_mut(&caller.region, &caller.account_id)
        .dismissed_requests
        .insert(
            authorization_key(&input.requester_account_id, &input.requester_aws_region),
            now,
        );
    Ok(Empty {})
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    const SOURCE: &str = "333333333333";

    #[test]
    fn authorizations_are_idempotent_listed_and_deleted() {
        let mut w = world();
        let grant =
            json!({"AuthorizedAccountId": "222222222222", "AuthorizedAwsRegion": "eu-west-1"});
        let first = run_ok(&mut w, SOURCE, "PutAggregationAuthorization", grant.clone());
        let again = run_ok(&mut w, SOURCE, "PutAggregationAuthorization", grant.clone());
        assert_eq!(first, again, "a second put changes nothing");
        assert_eq!(
            first["AggregationAuthorization"]["AggregationAuthorizationArn"],
            "arn:aws:config:us-east-1:333333333333:aggregation-authorization/222222222222/eu-west-1"
        );
        let listed = run_ok(
            &mut w,
            SOURCE,
            "DescribeAggregationAuthorizations",
            json!({}),
        );
        assert_eq!(
            listed["AggregationAuthorizations"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        run_ok(&mut w, SOURCE, "DeleteAggregationAuthorization", grant);
        let listed = run_ok(
            &mut w,
            SOURCE,
            "DescribeAggregationAuthorizations",
            json!({}),
        );
        assert_eq!(listed["AggregationAuthorizations"], json!([]));
        assert_eq!(
            error_code(
                &mut w,
                SOURCE,
                "PutAggregationAuthorization",
                json!({"AuthorizedAccountId": "12", "AuthorizedAwsRegion": "eu-west-1"})
            ),
            "InvalidParameterValueException"
        );
    }
}
