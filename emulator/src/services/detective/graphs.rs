//! Behavior graphs: CreateGraph (GuardDuty on for 48 hours first), DeleteGraph,
//! ListGraphs, and their tags.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::errors::DetectiveError;
use super::model::{Graph, Package, PackageHistory};
use super::organizations_link::Detective;
use super::{guardduty_prerequisite_met, own_graph, page, Empty};
use crate::auth::Caller;
use crate::services::org_integration;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

/// At most 50 tags on a graph.
const MAX_TAGS: usize = 50;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGraphInput {
    pub tags: Option<OrdMap<String, String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateGraphOutput {
    pub graph_arn: String,
}

/// AWS's refusal when GuardDuty has not been on for 48 hours (CreateGraph answers
/// `ServiceQuotaExceededException`, the error it documents for an account whose
/// GuardDuty enrollment Detective cannot rely on).
pub fn guardduty_prerequisite_error(account: &str) -> DetectiveError {
    DetectiveError::QuotaExceeded(
        guardduty_prerequisite_message(account),
        vec![account.to_string()],
    )
}

pub fn guardduty_prerequisite_message(account: &str) -> String {
    format!(
        "Detective cannot be enabled for account {account}: the account must have been enrolled in Amazon GuardDuty in this Region for at least 48 hours."
    )
}

pub fn create_graph(
    world: &mut World,
    caller: &Caller,
    input: CreateGraphInput,
) -> Result<CreateGraphOutput, DetectiveError> {
    let tags = input.tags.unwrap_or_default();
    check_tags(&tags, "tags")?;
    // One graph per administrator and region: asking again answers the same graph.
    if let Some(graph) = world.detective.graph(&caller.region, &caller.account_id) {
        return Ok(CreateGraphOutput {
            graph_arn: graph.arn(),
        });
    }
    if !guardduty_prerequisite_met(world, &caller.region, &caller.account_id) {
        return Err(guardduty_prerequisite_error(&caller.account_id));
    }
    let graph = new_graph(world, &caller.region, &caller.account_id, tags);
    Ok(CreateGraphOutput {
        graph_arn: graph.arn(),
    })
}

/// Creates `account`'s graph in `region` (checked to have none): DETECTIVE_CORE and
/// EKS_AUDIT ingest from the start, as for graphs AWS creates today.
pub fn new_graph<'w>(
    world: &'w mut World,
    region: &str,
    account: &str,
    tags: OrdMap<String, String>,
) -> &'w Graph {
    let now = world.clock.now_ms();
    let id = world.ids.hex(32);
    let packages = [Package::DetectiveCore, Package::EksAudit]
        .into_iter()
        .map(|p| (p, PackageHistory::started(now)))
        .collect();
    let graph = Graph {
        id,
        account_id: account.to_string(),
        region: region.to_string(),
        created_ms: now,
        tags,
        auto_enable: false,
        packages,
        members: OrdMap::new(),
        investigations: OrdMap::new(),
    };
    let graphs = &mut world.detective.region_mut(region).graphs;
    graphs.insert(account.to_string(), graph);
    &graphs[account]
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphInput {
    pub graph_arn: String,
}

/// Disables Detective for the administrator: the graph goes, with its members.
/// The organization graph stays while its account is the Detective administrator.
pub fn delete_graph(
    world: &mut World,
    caller: &Caller,
    input: GraphInput,
) -> Result<Empty, DetectiveError> {
    own_graph(world, caller, &input.graph_arn)?;
    if org_integration::administers_in::<Detective>(world, &caller.region, &caller.account_id) {
        return Err(DetectiveError::validation(
            "The behavior graph is the organization behavior graph: the organization management account must first remove this account as the Detective administrator account.",
        ));
    }
    let region = world.detective.region_mut(&caller.region);
    region.graphs.remove(&caller.account_id);
    let pending: Vec<_> = world
        .detective
        .verifying
        .iter()
        .filter(|(r, admin, _)| *r == caller.region && *admin == caller.account_id)
        .cloned()
        .collect();
    for key in pending {
        world.detective.verifying.remove(&key);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphSummary {
    pub arn: String,
    pub created_time: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGraphsOutput {
    pub graph_list: Vec<GraphSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The graphs the caller administers in the region (at most one).
pub fn list_graphs(
    world: &mut World,
    caller: &Caller,
    input: ListInput,
) -> Result<ListGraphsOutput, DetectiveError> {
    let listing = format!("ListGraphs {} {}", caller.account_id, caller.region);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let graphs = world
        .detective
        .graph(&caller.region, &caller.account_id)
        .filter(|g| after.as_deref().is_none_or(|after| g.id.as_str() > after))
        .into_iter();
    let (graphs, next) = take_page(graphs, max, |g| g.id.clone());
    Ok(ListGraphsOutput {
        graph_list: graphs
            .into_iter()
            .map(|g| GraphSummary {
                arn: g.arn(),
                created_time: iso8601(g.created_ms),
            })
            .collect(),
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

/// `TagMap`: 1..=50 entries, keys 1..=128 characters of `[a-zA-Z+-=._:/]` not starting
/// with `aws:`, values up to 256 characters.
fn check_tags(tags: &OrdMap<String, String>, member: &str) -> Result<(), DetectiveError> {
    if tags.len() > MAX_TAGS {
        return Err(DetectiveError::constraint(
            member,
            &format!("{} tags", tags.len()),
            "Member must have length less than or equal to 50",
        ));
    }
    for (key, value) in tags {
        check_tag_key(member, key)?;
        if value.chars().count() > 256 {
            return Err(DetectiveError::constraint(
                member,
                value,
                "Member must have length less than or equal to 256",
            ));
        }
    }
    Ok(())
}

fn check_tag_key(member: &str, key: &str) -> Result<(), DetectiveError> {
    let allowed =
        |c: char| c.is_ascii_alphabetic() || ('+'..='=').contains(&c) || "._:/".contains(c);
    let length = key.chars().count();
    if !(1..=128).contains(&length) || key.starts_with("aws:") || !key.chars().all(allowed) {
        return Err(DetectiveError::constraint(
            member,
            key,
            "Member must have length between 1 and 128 and satisfy regular expression pattern: ^(?!aws:)[a-zA-Z+-=._:/]+$",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagResourceInput {
    pub resource_arn: String,
    pub tags: OrdMap<String, String>,
}

pub fn tag_resource(
    world: &mut World,
    caller: &Caller,
    input: TagResourceInput,
) -> Result<Empty, DetectiveError> {
    own_tagged_graph(world, caller, &input.resource_arn)?;
    if input.tags.is_empty() {
        return Err(DetectiveError::constraint(
            "tags",
            "{}",
            "Member must have length greater than or equal to 1",
        ));
    }
    check_tags(&input.tags, "tags")?;
    let graph = world
        .detective
        .graph_mut(&caller.region, &caller.account_id);
    let mut tags = graph.tags.clone();
    tags.extend(input.tags);
    if tags.len() > MAX_TAGS {
        return Err(DetectiveError::validation(
            "The request would cause the behavior graph to have more than 50 tags.",
        ));
    }
    graph.tags = tags;
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagResourceInput {
    pub resource_arn: String,
    #[serde(rename = "tagKeys", alias = "TagKeys")]
    pub tag_keys: Vec<String>,
}

pub fn untag_resource(
    world: &mut World,
    caller: &Caller,
    input: UntagResourceInput,
) -> Result<Empty, DetectiveError> {
    own_tagged_graph(world, caller, &input.resource_arn)?;
    if input.tag_keys.is_empty() || input.tag_keys.len() > MAX_TAGS {
        return Err(DetectiveError::constraint(
            "tagKeys",
            &format!("{} keys", input.tag_keys.len()),
            "Member must have length between 1 and 50",
        ));
    }
    for key in &input.tag_keys {
        check_tag_key("tagKeys", key)?;
    }
    let graph = world
        .detective
        .graph_mut(&caller.region, &caller.account_id);
    for key in &input.tag_keys {
        graph.tags.remove(key);
    }
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsInput {
    pub resource_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTagsOutput {
    pub tags: OrdMap<String, String>,
}

pub fn list_tags_for_resource(
    world: &mut World,
    caller: &Caller,
    input: ListTagsInput,
) -> Result<ListTagsOutput, DetectiveError> {
    let graph = own_tagged_graph(world, caller, &input.resource_arn)?;
    Ok(ListTagsOutput {
        tags: graph.tags.clone(),
    })
}

/// The graph a tagging request names (`ResourceArn`), the caller's own.
fn own_tagged_graph<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w Graph, DetectiveError> {
    let graph = super::graph_named(world, caller, "resourceArn", arn)?;
    if graph.account_id != caller.account_id {
        return Err(DetectiveError::access_denied());
    }
    Ok(graph)
}
