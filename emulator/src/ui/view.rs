//! The page's data: the world as the web view draws it, built under the world lock in
//! one pass (a few milliseconds at 1,000 accounts) and sent as one JSON document.
//!
//! Everything is read from the services' own state, never through their handlers, so
//! building the view records no CloudTrail event and changes nothing.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

use super::live::{Denied, ScenarioStep};
use crate::api::ServiceId;
use crate::services::cloudtrail::log::EventView;
use crate::services::organizations::model::{
    AccountState, Organization, RESOURCE_CONTROL_POLICY, SERVICE_CONTROL_POLICY,
};
use crate::services::organizations::policies::find_policy;
use crate::world::{iso8601, World};

/// How many of the latest calls the page lists.
pub const RECENT_CALLS: usize = 50;

/// The region the matrix shows when the page names none.
pub const DEFAULT_REGION: &str = "us-east-1";

#[derive(Debug, Serialize)]
pub struct View {
    /// Bumped after every request that may have changed the world.
    pub version: u64,
    pub clock: Clock,
    /// The scenario step that last sent a request, when a runner drives the server.
    pub scenario: Option<ScenarioStep>,
    pub region: String,
    /// Regions where any matrix service holds state (and the default one).
    pub regions: Vec<String>,
    pub services: Vec<ServiceColumn>,
    pub organizations: Vec<OrgView>,
    /// Accounts in no organization that orgsim knows (standalone, or left).
    pub standalone: Vec<AccountView>,
    pub calls: Vec<CallView>,
}

#[derive(Debug, Serialize)]
pub struct Clock {
    pub now: String,
    pub now_ms: i64,
    pub pinned: bool,
}

/// One column of the accounts × services matrix.
#[derive(Debug, Serialize)]
pub struct ServiceColumn {
    pub key: &'static str,
    pub name: &'static str,
    pub principal: &'static str,
}

/// The services of the matrix, in column order.
pub const SERVICES: [ServiceColumn; 7] = [
    ServiceColumn {
        key: "guardduty",
        name: "GuardDuty",
        principal: "guardduty.amazonaws.com",
    },
    ServiceColumn {
        key: "securityhub",
        name: "Security Hub",
        principal: "securityhub.amazonaws.com",
    },
    ServiceColumn {
        key: "config",
        name: "Config",
        principal: "config.amazonaws.com",
    },
    ServiceColumn {
        key: "cloudtrail",
        name: "CloudTrail",
        principal: "cloudtrail.amazonaws.com",
    },
    ServiceColumn {
        key: "accessanalyzer",
        name: "Access Analyzer",
        principal: "access-analyzer.amazonaws.com",
    },
    ServiceColumn {
        key: "detective",
        name: "Detective",
        principal: "detective.amazonaws.com",
    },
    ServiceColumn {
        key: "identitycenter",
        name: "Identity Center",
        principal: "sso.amazonaws.com",
    },
];

#[derive(Debug, Serialize)]
pub struct OrgView {
    pub id: String,
    pub feature_set: String,
    pub management_account_id: String,
    /// The root, its OUs and accounts, as a tree.
    pub root: Node,
    /// Every member account, in tree order (root's first, then depth-first).
    pub accounts: Vec<AccountView>,
    /// Trusted access: the service principals enabled in the organization.
    pub trusted_services: Vec<String>,
}

/// A root or an OU, with what sits under it.
#[derive(Debug, Serialize)]
pub struct Node {
    pub kind: &'static str,
    pub id: String,
    pub name: String,
    pub policies: Vec<PolicyView>,
    pub ous: Vec<Node>,
    /// Account ids directly under this node (their details are in `accounts`).
    pub accounts: Vec<String>,
    /// Accounts in this node's whole subtree.
    pub total_accounts: usize,
}

#[derive(Debug, Serialize)]
pub struct PolicyView {
    pub id: String,
    pub name: String,
    /// `SCP` or `RCP`.
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct AccountView {
    pub id: String,
    pub name: String,
    pub email: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, … (`STANDALONE` outside an organization).
    pub status: String,
    pub parent: Option<String>,
    pub management: bool,
    /// The account's path from the root, by node names, for search and tooltips.
    pub path: String,
    /// The SCPs and RCPs attached to the account itself.
    pub policies: Vec<PolicyView>,
    /// Per matrix service key.
    pub services: BTreeMap<&'static str, ServiceCell>,
    pub findings: Findings,
    /// The account's cost from the cost model, when one is wired in; the page shows
    /// "—" for `None`.
    pub cost: Option<Cost>,
}

/// An amount of money as the cost model states it.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    /// Decimal text, e.g. `"12.34"`, so no float rounding reaches the page.
    pub amount: String,
    pub currency: String,
    /// What the amount covers, e.g. `"month to date"`.
    pub period: String,
}

/// One cell of the matrix.
#[derive(Debug, Serialize)]
pub struct ServiceCell {
    /// The service is on in the account (in the region shown).
    pub on: bool,
    /// The administrator account the account is a member of, if it is one.
    pub member_of: Option<String>,
    /// Organizations records the account as the service's delegated administrator.
    pub delegated_admin: bool,
    /// The account administers the service for others (delegated admin in the region,
    /// an aggregator, an organization trail or analyzer, the Identity Center instance).
    pub administers: bool,
    /// A short detail for the cell's tooltip.
    pub detail: String,
}

impl Default for ServiceCell {
    fn default() -> Self {
        ServiceCell {
            on: false,
            member_of: None,
            delegated_admin: false,
            administers: false,
            detail: "off".into(),
        }
    }
}

#[derive(Debug, Default, Serialize)]
pub struct Findings {
    /// GuardDuty's unarchived findings by severity band (`high` ≥ 7, `medium` ≥ 4).
    pub guardduty: Severities,
    /// Security Hub's active findings by `Severity.Label`.
    pub securityhub: Severities,
    /// Access Analyzer's active findings: `high` public, `medium` cross-account.
    pub accessanalyzer: Severities,
}

#[derive(Debug, Default, Serialize)]
pub struct Severities {
    pub critical: u32,
    pub high: u32,
    pub medium: u32,
    pub low: u32,
    pub informational: u32,
}

impl Severities {
    fn add_label(&mut self, label: &str) {
        match label {
            "CRITICAL" => self.critical += 1,
            "HIGH" => self.high += 1,
            "MEDIUM" => self.medium += 1,
            "LOW" => self.low += 1,
            _ => self.informational += 1,
        }
    }
}

/// One call of the event history.
#[derive(Debug, Serialize)]
pub struct CallView {
    pub time: String,
    pub account: String,
    pub region: String,
    pub service: &'static str,
    pub operation: &'static str,
    pub principal: String,
    pub error_code: Option<String>,
    /// Set when an authorization policy refused the call.
    pub denied: Option<Denied>,
}

/// The world as the page shows it, with `region` in the matrix.
pub fn build(
    world: &World,
    region: &str,
    version: u64,
    scenario: Option<ScenarioStep>,
    denials: &dyn Fn(u128) -> Option<Denied>,
) -> View {
    let orgs = &world.organizations;
    let mut in_org = BTreeSet::new();
    let mut organizations: Vec<OrgView> = orgs
        .organizations
        .values()
        .map(|org| {
            let view = org_view(world, org, region);
            in_org.extend(view.accounts.iter().map(|a| a.id.clone()));
            view
        })
        .collect();
    let mut standalone: Vec<AccountView> = orgs
        .accounts
        .values()
        .filter(|record| !in_org.contains(record.id.as_str()))
        .map(|record| {
            account_view(
                world,
                None,
                region,
                &record.id,
                "STANDALONE".into(),
                String::new(),
            )
        })
        .collect();
    fill_costs(world, &mut organizations, &mut standalone);
    View {
        version,
        clock: Clock {
            now: iso8601(world.clock.now_ms()),
            now_ms: world.clock.now_ms(),
            pinned: world.clock.pinned_ms.is_some(),
        },
        scenario,
        region: region.to_string(),
        regions: regions(world),
        services: SERVICES.iter().map(|s| ServiceColumn { ..*s }).collect(),
        organizations,
        standalone,
        calls: recent_calls(world, denials),
    }
}

fn regions(world: &World) -> Vec<String> {
    let mut regions: BTreeSet<String> = BTreeSet::new();
    regions.insert(DEFAULT_REGION.to_string());
    regions.extend(world.guardduty.regions.keys().cloned());
    regions.extend(world.securityhub.regions.keys().cloned());
    regions.extend(world.config.regions.keys().cloned());
    regions.extend(world.detective.regions.keys().cloned());
    regions.extend(
        world
            .accessanalyzer
            .analyzers
            .values()
            .map(|a| a.region.clone()),
    );
    regions.into_iter().collect()
}

fn org_view(world: &World, org: &Organization, region: &str) -> OrgView {
    let mut accounts = Vec::new();
    let root = node(
        world,
        org,
        region,
        "root",
        &org.root.id,
        &org.root.name,
        &org.root.name,
        &mut accounts,
    );
    OrgView {
        id: org.id.clone(),
        feature_set: match org.feature_set {
            crate::services::organizations::model::FeatureSet::All => "ALL".into(),
            crate::services::organizations::model::FeatureSet::ConsolidatedBilling => {
                "CONSOLIDATED_BILLING".into()
            }
        },
        management_account_id: org.management_account_id.clone(),
        root,
        accounts,
        trusted_services: org.enabled_services.keys().cloned().collect(),
    }
}

#[allow(clippy::too_many_arguments)]
fn node(
    world: &World,
    org: &Organization,
    region: &str,
    kind: &'static str,
    id: &str,
    name: &str,
    path: &str,
    accounts: &mut Vec<AccountView>,
) -> Node {
    let children = org.children.get(id);
    let mut direct = Vec::new();
    for account_id in children.iter().flat_map(|c| c.accounts.iter()) {
        let status = org
            .members
            .get(account_id)
            .map_or("ACTIVE".to_string(), |m| account_state(m.state).to_string());
        let mut view = account_view(
            world,
            Some(org),
            region,
            account_id,
            status,
            path.to_string(),
        );
        view.parent = Some(id.to_string());
        accounts.push(view);
        direct.push(account_id.to_string());
    }
    let mut ous = Vec::new();
    for ou_id in children.iter().flat_map(|c| c.ous.iter()) {
        let Some(ou) = org.ous.get(ou_id.as_str()) else {
            continue;
        };
        let child_path = format!("{path} / {}", ou.name);
        ous.push(node(
            world,
            org,
            region,
            "ou",
            ou_id,
            &ou.name,
            &child_path,
            accounts,
        ));
    }
    // OUs by name, as the console lists them; the tree order above stays by id.
    ous.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    let total_accounts = direct.len() + ous.iter().map(|o| o.total_accounts).sum::<usize>();
    Node {
        kind,
        id: id.to_string(),
        name: name.to_string(),
        policies: attached(org, id),
        ous,
        accounts: direct,
        total_accounts,
    }
}

fn account_state(state: AccountState) -> &'static str {
    match state {
        AccountState::PendingActivation => "PENDING_ACTIVATION",
        AccountState::Active => "ACTIVE",
        AccountState::Suspended => "SUSPENDED",
        AccountState::PendingClosure => "PENDING_CLOSURE",
        AccountState::Closed => "CLOSED",
    }
}

/// The SCPs and RCPs attached to a target (other policy types do not decide calls).
fn attached(org: &Organization, target: &str) -> Vec<PolicyView> {
    org.attachments
        .get(target)
        .into_iter()
        .flatten()
        .filter_map(|policy_id| {
            let policy = find_policy(org, policy_id)?;
            let kind = match policy.policy_type().as_str() {
                SERVICE_CONTROL_POLICY => "SCP",
                RESOURCE_CONTROL_POLICY => "RCP",
                _ => return None,
            };
            Some(PolicyView {
                id: policy_id.to_string(),
                name: policy.summary(org).name,
                kind,
            })
        })
        .collect()
}

fn account_view(
    world: &World,
    org: Option<&Organization>,
    region: &str,
    account_id: &str,
    status: String,
    path: String,
) -> AccountView {
    let record = world.organizations.accounts.get(account_id);
    AccountView {
        id: account_id.to_string(),
        name: (record.map(|r| r.name.clone()).unwrap_or_default()).to_string(),
        email: record.map(|r| r.email.clone()).unwrap_or_default(),
        status,
        parent: None,
        management: org.is_some_and(|o| o.management_account_id == account_id),
        path,
        policies: org.map(|o| attached(o, account_id)).unwrap_or_default(),
        services: SERVICES
            .iter()
            .map(|s| (s.key, cell(world, org, region, s, account_id)))
            .collect(),
        findings: findings(world, region, account_id),
        cost: None,
    }
}

/// Sets each account's month-to-date cost from the cost model, computed once for the
/// whole world (reading the meters per account would be quadratic in accounts).
fn fill_costs(world: &World, organizations: &mut [OrgView], standalone: &mut [AccountView]) {
    let totals = crate::cost::month_to_date_by_account(world);
    let accounts = organizations
        .iter_mut()
        .flat_map(|org| org.accounts.iter_mut())
        .chain(standalone.iter_mut());
    for account in accounts {
        let usd = totals.get(&account.id).copied().unwrap_or(0.0);
        account.cost = Some(Cost {
            amount: format!("{usd:.2}"),
            currency: "USD".into(),
            period: "month to date".into(),
        });
    }
}

fn cell(
    world: &World,
    org: Option<&Organization>,
    region: &str,
    service: &ServiceColumn,
    account: &str,
) -> ServiceCell {
    let delegated_admin = org.is_some_and(|o| {
        o.delegated_admins
            .get(account)
            .is_some_and(|principals| principals.contains_key(service.principal))
    });
    let mut cell = match service.key {
        "guardduty" => guardduty_cell(world, region, account),
        "securityhub" => securityhub_cell(world, region, account),
        "config" => config_cell(world, org, region, account),
        "cloudtrail" => cloudtrail_cell(world, org, region, account),
        "accessanalyzer" => accessanalyzer_cell(world, org, region, account),
        "detective" => detective_cell(world, region, account),
        _ => identity_center_cell(world, org, account),
    };
    cell.delegated_admin = delegated_admin;
    cell
}

fn guardduty_cell(world: &World, region: &str, account: &str) -> ServiceCell {
    let Some(state) = world.guardduty.regions.get(region) else {
        return ServiceCell::default();
    };
    let here = state.accounts.get(account);
    let detector = here.and_then(|a| a.detector.as_ref());
    let members = detector.map_or(0, |d| d.members.len());
    ServiceCell {
        on: detector.is_some_and(|d| d.enabled),
        member_of: here.and_then(|a| a.administrator.clone()),
        delegated_admin: false,
        administers: state.org_admins.values().any(|a| a == account) || members > 0,
        detail: match detector {
            Some(d) if members > 0 => format!("detector {}, {members} member(s)", d.id),
            Some(d) => format!("detector {}", d.id),
            None => "no detector".into(),
        },
    }
}

fn securityhub_cell(world: &World, region: &str, account: &str) -> ServiceCell {
    let Some(state) = world.securityhub.regions.get(region) else {
        return ServiceCell::default();
    };
    let here = state.accounts.get(account);
    let hub = here.and_then(|a| a.hub.as_ref());
    let members = hub.map_or(0, |h| h.members.len());
    ServiceCell {
        on: hub.is_some(),
        member_of: here.and_then(|a| a.administrator.clone()),
        delegated_admin: false,
        administers: state.org_admins.values().any(|a| a == account) || members > 0,
        detail: match hub {
            Some(h) => format!(
                "hub on, {} standard(s), {members} member(s)",
                h.standards.len()
            ),
            None => "not subscribed".into(),
        },
    }
}

fn config_cell(
    world: &World,
    org: Option<&Organization>,
    region: &str,
    account: &str,
) -> ServiceCell {
    let Some(state) = world.config.regions.get(region) else {
        return ServiceCell::default();
    };
    let here = state.accounts.get(account);
    let recorder = here.and_then(|a| a.recorder.as_ref());
    let org_members: BTreeSet<&str> = org
        .map(|o| o.members.keys().map(|id| id.as_str()).collect())
        .unwrap_or_default();
    // The account whose aggregator gathers this account's data, by organization or by
    // an account source naming it.
    let aggregated_by = state.accounts.iter().find_map(|(owner, owner_state)| {
        let gathers = owner_state.aggregators.values().any(|agg| {
            (agg.organization_source.is_some()
                && org_members.contains(owner.as_str())
                && org_members.contains(account))
                || agg
                    .account_sources
                    .iter()
                    .any(|s| s.account_ids.iter().any(|id| id == account))
        });
        (gathers && owner != account).then(|| owner.clone())
    });
    let aggregators = here.map_or(0, |a| a.aggregators.len());
    ServiceCell {
        on: recorder.is_some_and(|r| r.recording),
        member_of: aggregated_by,
        delegated_admin: false,
        administers: aggregators > 0,
        detail: match recorder {
            Some(r) if r.recording => format!(
                "recorder {} recording, {} rule(s)",
                r.name,
                here.map_or(0, |a| a.rules.len())
            ),
            Some(r) => format!("recorder {} stopped", r.name),
            None => "no recorder".into(),
        },
    }
}

fn cloudtrail_cell(
    world: &World,
    org: Option<&Organization>,
    region: &str,
    account: &str,
) -> ServiceCell {
    let covers_region = |home: &str, multi: bool| multi || home == region;
    let own = world.cloudtrail.trails.values().filter(|t| {
        t.account_id == account
            && t.status.is_logging
            && covers_region(&t.home_region, t.is_multi_region_trail)
    });
    let own: Vec<_> = own.collect();
    let org_trail = org.and_then(|o| {
        world.cloudtrail.trails.values().find(|t| {
            t.is_organization_trail
                && t.status.is_logging
                && t.organization_id.as_deref() == Some(o.id.as_str())
                && covers_region(&t.home_region, t.is_multi_region_trail)
        })
    });
    let admin = world
        .cloudtrail
        .org_admins
        .values()
        .any(|slot| slot.values().any(|a| a == account));
    ServiceCell {
        on: !own.is_empty() || org_trail.is_some(),
        member_of: org_trail
            .filter(|t| t.account_id != account)
            .map(|t| t.account_id.clone()),
        delegated_admin: false,
        administers: admin || own.iter().any(|t| t.is_organization_trail),
        detail: match (own.first(), org_trail) {
            (Some(t), _) => format!("trail {} logging", t.name),
            (None, Some(t)) => format!("organization trail {}", t.name),
            (None, None) => "no trail logging".into(),
        },
    }
}

fn accessanalyzer_cell(
    world: &World,
    org: Option<&Organization>,
    region: &str,
    account: &str,
) -> ServiceCell {
    let in_region = || {
        world
            .accessanalyzer
            .analyzers
            .values()
            .filter(move |a| a.region == region && a.status == "ACTIVE")
    };
    let own: Vec<_> = in_region().filter(|a| a.account == account).collect();
    // An organization analyzer in the management or delegated admin account covers
    // every member of its organization.
    let org_analyzer = org.and_then(|o| {
        in_region().find(|a| {
            a.kind.starts_with("ORGANIZATION")
                && a.account != account
                && o.members.contains_key(a.account.as_str())
        })
    });
    ServiceCell {
        on: !own.is_empty() || org_analyzer.is_some(),
        member_of: org_analyzer.map(|a| a.account.clone()),
        delegated_admin: false,
        administers: own.iter().any(|a| a.kind.starts_with("ORGANIZATION")),
        detail: match (own.first(), org_analyzer) {
            (Some(a), _) => format!("analyzer {} ({})", a.name, a.kind),
            (None, Some(a)) => format!("in organization analyzer {}", a.name),
            (None, None) => "no analyzer".into(),
        },
    }
}

fn detective_cell(world: &World, region: &str, account: &str) -> ServiceCell {
    use crate::services::detective::model::MemberStatus;
    let Some(state) = world.detective.regions.get(region) else {
        return ServiceCell::default();
    };
    let own = state.graphs.values().find(|g| g.account_id == account);
    let member_of = state.graphs.values().find_map(|g| {
        g.members
            .get(account)
            .filter(|m| m.status == MemberStatus::Enabled && g.account_id != account)
            .map(|_| g.account_id.clone())
    });
    ServiceCell {
        on: own.is_some() || member_of.is_some(),
        member_of,
        delegated_admin: false,
        administers: own.is_some() || state.org_admins.values().any(|a| a == account),
        detail: match own {
            Some(g) => format!("behavior graph {}, {} member(s)", g.id, g.members.len()),
            None => "no behavior graph".into(),
        },
    }
}

fn identity_center_cell(world: &World, org: Option<&Organization>, account: &str) -> ServiceCell {
    let sso = &world.ssoadmin;
    let instance = org
        .and_then(|o| sso.org_instances.get(&o.id))
        .and_then(|arn| sso.instances.get(arn));
    let own = sso.instances.values().find(|i| i.owner_account == account);
    let assignments = sso
        .assignments
        .values()
        .filter(|a| a.account_id == account)
        .count();
    ServiceCell {
        on: own.is_some() || (instance.is_some() && assignments > 0),
        member_of: instance
            .filter(|i| i.owner_account != account && assignments > 0)
            .map(|i| i.owner_account.clone()),
        delegated_admin: false,
        administers: own.is_some(),
        detail: match own {
            Some(i) => format!("instance {}", i.arn),
            None if assignments > 0 => format!("{assignments} assignment(s)"),
            None => "no assignment".into(),
        },
    }
}

fn findings(world: &World, region: &str, account: &str) -> Findings {
    let mut out = Findings::default();
    if let Some(detector) = world
        .guardduty
        .regions
        .get(region)
        .and_then(|r| r.accounts.get(account))
        .and_then(|a| a.detector.as_ref())
    {
        for finding in detector.findings.values().filter(|f| !f.archived) {
            // GuardDuty's bands: 7.0–8.9 high, 4.0–6.9 medium, 1.0–3.9 low.
            match finding.severity {
                s if s >= 9.0 => out.guardduty.critical += 1,
                s if s >= 7.0 => out.guardduty.high += 1,
                s if s >= 4.0 => out.guardduty.medium += 1,
                _ => out.guardduty.low += 1,
            }
        }
    }
    // Security Hub: findings about the account wherever they are stored (an
    // administrator's hub may hold its members' too), each finding once, active and
    // neither resolved nor suppressed.
    if let Some(state) = world.securityhub.regions.get(region) {
        let mut seen = BTreeSet::new();
        for hub in state.accounts.values().filter_map(|a| a.hub.as_ref()) {
            for stored in hub.findings.values() {
                let f = &stored.finding;
                if f["AwsAccountId"].as_str() != Some(account)
                    || !seen.insert(f["Id"].as_str().unwrap_or_default())
                {
                    continue;
                }
                let active = f["RecordState"].as_str().unwrap_or("ACTIVE") == "ACTIVE";
                let closed = matches!(
                    f["Workflow"]["Status"].as_str(),
                    Some("RESOLVED" | "SUPPRESSED")
                );
                if active && !closed {
                    out.securityhub
                        .add_label(f["Severity"]["Label"].as_str().unwrap_or("INFORMATIONAL"));
                }
            }
        }
    }
    for analyzer in world
        .accessanalyzer
        .analyzers
        .values()
        .filter(|a| a.region == region)
    {
        for finding in analyzer.findings.values() {
            if finding.resource_owner_account != account || finding.status != "ACTIVE" {
                continue;
            }
            if finding.is_public {
                out.accessanalyzer.high += 1;
            } else {
                out.accessanalyzer.medium += 1;
            }
        }
    }
    out
}

fn recent_calls(world: &World, denials: &dyn Fn(u128) -> Option<Denied>) -> Vec<CallView> {
    let log = &world.cloudtrail.log;
    let end = log.next_seq();
    let start = end.saturating_sub(RECENT_CALLS as u64);
    let mut calls: Vec<CallView> = log
        .range(start, end)
        .map(|(seq, event)| {
            let view = EventView { seq, event, log };
            CallView {
                time: iso8601(event.time_ms),
                account: view.account(),
                region: view.region().to_string(),
                service: service_name(view.service()),
                operation: view.event_name(),
                principal: view.identity().map(|i| i.arn.clone()).unwrap_or_default(),
                error_code: view.error_code().map(str::to_string),
                denied: denials(event.request_id),
            }
        })
        .collect();
    calls.reverse();
    calls
}

fn service_name(service: ServiceId) -> &'static str {
    service.signing_name()
}
