//! Data source packages: DETECTIVE_CORE (always), EKS_AUDIT (on for new graphs) and
//! ASFF_SECURITYHUB_FINDING (started with UpdateDatasourcePackages), for the graph and
//! for each member whose data flows into it.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::errors::DetectiveError;
use super::members::{history_json, UnprocessedAccount, NOT_A_MEMBER};
use super::model::{Graph, IngestState, MemberStatus, Package, PackageHistory};
use super::{check_account_ids, own_graph, page, parse_graph_arn, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::{iso8601, World};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDatasourcePackagesInput {
    pub graph_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListDatasourcePackagesOutput {
    pub datasource_packages: OrdMap<&'static str, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Every package with the graph's ingest state (DISABLED: never started).
pub fn list_datasource_packages(
    world: &mut World,
    caller: &Caller,
    input: ListDatasourcePackagesInput,
) -> Result<ListDatasourcePackagesOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    let listing = format!("ListDatasourcePackages {}", graph.arn());
    let (max, after) = page(&listing, input.max_results, &input.next_token, 200)?;
    let packages = Package::ALL
        .into_iter()
        .filter(|p| after.as_deref().is_none_or(|after| p.wire() > after));
    let (packages, next) = take_page(packages, max, |p| p.wire());
    let datasource_packages = packages
        .into_iter()
        .map(|package| {
            let detail = match graph.packages.get(&package) {
                Some(history) => json!({
                    "DatasourcePackageIngestState": history.state.wire(),
                    "LastIngestStateChange": history
                        .changed_ms
                        .iter()
                        .map(|(state, ms)| (state.wire().to_string(), json!({"Timestamp": iso8601(*ms)})))
                        .collect::<serde_json::Map<_, _>>(),
                }),
                None => json!({"DatasourcePackageIngestState": IngestState::Disabled.wire()}),
            };
            (package.wire(), detail)
        })
        .collect();
    Ok(ListDatasourcePackagesOutput {
        datasource_packages,
        next_token: next.map(|key| encode_token(&listing, &key)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDatasourcePackagesInput {
    pub graph_arn: String,
    pub datasource_packages: Vec<Package>,
}

/// Starts packages for the graph and for its enabled members.
pub fn update_datasource_packages(
    world: &mut World,
    caller: &Caller,
    input: UpdateDatasourcePackagesInput,
) -> Result<Empty, DetectiveError> {
    own_graph(world, caller, &input.graph_arn)?;
    if input.datasource_packages.is_empty() || input.datasource_packages.len() > 25 {
        return Err(DetectiveError::constraint(
            "datasourcePackages",
            &format!("{} items", input.datasource_packages.len()),
            "Member must have length between 1 and 25",
        ));
    }
    let now = world.clock.now_ms();
    let graph = world
        .detective
        .graph_mut(&caller.region, &caller.account_id);
    for package in input.datasource_packages {
        start(&mut graph.packages, package, now);
        let enabled: Vec<String> = graph
            .members
            .values()
            .filter(|m| m.status == MemberStatus::Enabled)
            .map(|m| m.account_id.clone())
            .collect();
        for account in enabled {
            if let Some(member) = graph.members.get_mut(&account) {
                start(&mut member.packages, package, now);
            }
        }
    }
    Ok(Empty {})
}

fn start(packages: &mut OrdMap<Package, PackageHistory>, package: Package, now_ms: i64) {
    match packages.get_mut(&package) {
        Some(history) if history.state == IngestState::Started => {}
        Some(history) => {
            history.state = IngestState::Started;
            history.changed_ms.insert(IngestState::Started, now_ms);
        }
        None => {
            packages.insert(package, PackageHistory::started(now_ms));
        }
    }
}

/// One `MembershipDatasources`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MembershipDatasources {
    pub account_id: String,
    pub graph_arn: String,
    pub datasource_package_ingest_history: OrdMap<&'static str, OrdMap<&'static str, Value>>,
}

/// `account`'s package history in `graph`: the administrator's is the graph's own.
fn datasources_of(graph: &Graph, account: &str) -> Option<MembershipDatasources> {
    let packages = if account == graph.account_id {
        &graph.packages
    } else {
        &graph.members.get(account)?.packages
    };
    Some(MembershipDatasources {
        account_id: account.to_string(),
        graph_arn: graph.arn(),
        datasource_package_ingest_history: history_json(packages),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetGraphMemberDatasourcesInput {
    pub graph_arn: String,
    pub account_ids: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetGraphMemberDatasourcesOutput {
    pub member_datasources: Vec<MembershipDatasources>,
    pub unprocessed_accounts: Vec<UnprocessedAccount>,
}

/// The administrator reads its members' package histories.
pub fn batch_get_graph_member_datasources(
    world: &mut World,
    caller: &Caller,
    input: BatchGetGraphMemberDatasourcesInput,
) -> Result<BatchGetGraphMemberDatasourcesOutput, DetectiveError> {
    let graph = own_graph(world, caller, &input.graph_arn)?;
    check_account_ids("accountIds", &input.account_ids, 200)?;
    let mut member_datasources = Vec::new();
    let mut unprocessed_accounts = Vec::new();
    for account in &input.account_ids {
        match datasources_of(graph, account) {
            Some(found) => member_datasources.push(found),
            None => unprocessed_accounts.push(UnprocessedAccount::new(account, NOT_A_MEMBER)),
        }
    }
    Ok(BatchGetGraphMemberDatasourcesOutput {
        member_datasources,
        unprocessed_accounts,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetMembershipDatasourcesInput {
    pub graph_arns: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnprocessedGraph {
    pub graph_arn: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BatchGetMembershipDatasourcesOutput {
    pub membership_datasources: Vec<MembershipDatasources>,
    pub unprocessed_graphs: Vec<UnprocessedGraph>,
}

/// A member reads its own package history in the graphs it belongs to.
pub fn batch_get_membership_datasources(
    world: &mut World,
    caller: &Caller,
    input: BatchGetMembershipDatasourcesInput,
) -> Result<BatchGetMembershipDatasourcesOutput, DetectiveError> {
    if input.graph_arns.is_empty() || input.graph_arns.len() > 50 {
        return Err(DetectiveError::constraint(
            "graphArns",
            &format!("{} items", input.graph_arns.len()),
            "Member must have length between 1 and 50",
        ));
    }
    let mut membership_datasources = Vec::new();
    let mut unprocessed_graphs = Vec::new();
    for arn in &input.graph_arns {
        let Some((region, account, id)) = parse_graph_arn(arn) else {
            return Err(DetectiveError::invalid_graph_arn("graphArns.member", arn));
        };
        let found = (region == caller.region)
            .then(|| world.detective.graph(region, account))
            .flatten()
            .filter(|g| g.id == id)
            .and_then(|g| datasources_of(g, &caller.account_id));
        match found {
            Some(found) => membership_datasources.push(found),
            None => unprocessed_graphs.push(UnprocessedGraph {
                graph_arn: arn.clone(),
                reason: "The account is not a member of the behavior graph, or the behavior graph does not exist.".into(),
            }),
        }
    }
    Ok(BatchGetMembershipDatasourcesOutput {
        membership_datasources,
        unprocessed_graphs,
    })
}
