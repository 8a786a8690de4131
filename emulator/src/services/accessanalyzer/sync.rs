//! Findings follow the world (DESIGN §5): at the start of every request, and inside
//! every Organizations operation, each analyzer's status is checked against
//! Organizations and its findings against what the world gives now — new access
//! becomes an `ACTIVE` finding (or `ARCHIVED` by an archive rule), access that is
//! gone becomes `RESOLVED`, access that comes back is `ACTIVE` again. Changed
//! findings go to Security Hub.

use std::collections::BTreeSet;

use super::criteria::matches_filter;
use super::model::{Analyzer, Finding};
use super::scan::{observe, Observed};
use super::securityhub_export::export;
use crate::events::OrgEvent;
use crate::services::organizations::delegation;
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "access-analyzer.amazonaws.com";

/// `on_request`: brings every analyzer up to date.
pub fn refresh(world: &mut World) {
    if world.accessanalyzer.analyzers.is_empty() {
        return;
    }
    let keys: Vec<String> = world.accessanalyzer.analyzers.keys().cloned().collect();
    for key in keys {
        refresh_analyzer(world, &key);
    }
}

/// `on_org_event`: joiners, leavers and delegated-administrator changes act on
/// organization analyzers in the same call.
pub fn on_org_event(world: &mut World, _event: &OrgEvent) {
    refresh(world);
}

/// Why an organization analyzer cannot run now (`StatusReason.code`), if it cannot.
pub fn disabled_reason(world: &World, analyzer: &Analyzer) -> Option<&'static str> {
    if !analyzer.is_organization() {
        return None;
    }
    let Some(org) = world.organizations.organization_of(&analyzer.account) else {
        return Some("ORGANIZATION_DELETED");
    };
    if !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        return Some("AWS_SERVICE_ACCESS_DISABLED");
    }
    if org.management_account_id != analyzer.account
        && !delegation::is_delegated_admin(org, &analyzer.account, SERVICE_PRINCIPAL)
    {
        return Some("DELEGATED_ADMINISTRATOR_DEREGISTERED");
    }
    None
}

fn refresh_analyzer(world: &mut World, key: &str) {
    let Some(analyzer) = world.accessanalyzer.analyzers.get(key) else {
        return;
    };
    let reason = disabled_reason(world, analyzer);
    let status = if reason.is_some() {
        "DISABLED"
    } else {
        "ACTIVE"
    };
    if analyzer.status != status || analyzer.status_reason.as_deref() != reason {
        let a = world
            .accessanalyzer
            .analyzers
            .get_mut(key)
            .expect("analyzer");
        a.status = status.to_string();
        a.status_reason = reason.map(String::from);
    }
    if reason.is_some() {
        return;
    }
    let analyzer = world.accessanalyzer.analyzers.get(key).expect("analyzer");
    let observed = observe(world, analyzer);
    let changes = plan(analyzer, observed);
    if changes.is_empty() {
        return;
    }
    let now = world.clock.now_ms();
    let mut changed = Vec::new();
    for change in changes {
        let id = match change {
            Change::New(o) => {
                let id = world.ids.uuid();
                let finding_key = o.key.clone();
                let mut finding = new_finding(&id, o, now);
                let a = world.accessanalyzer.analyzers.get(key).expect("analyzer");
                if a.archive_rules
                    .values()
                    .any(|r| matches_filter(&finding, &r.filter))
                {
                    finding.status = "ARCHIVED".to_string();
                }
                let a = world
                    .accessanalyzer
                    .analyzers
                    .get_mut(key)
                    .expect("analyzer");
                a.finding_ids.insert(finding_key, id.clone());
                a.findings.insert(id.clone(), finding);
                id
            }
            Change::Update(id, o) => {
                let a = world
                    .accessanalyzer
                    .analyzers
                    .get_mut(key)
                    .expect("analyzer");
                let rules: Vec<_> = a.archive_rules.values().cloned().collect();
                let f = a.findings.get_mut(&id).expect("finding");
                let reopened = f.status == "RESOLVED";
                f.principal = o.principal;
                f.action = o.action;
                f.condition = o.condition;
                f.is_public = o.is_public;
                f.details = o.details;
                f.updated_ms = now;
                f.analyzed_ms = now;
                if reopened {
                    f.status = if rules.iter().any(|r| matches_filter(f, &r.filter)) {
                        "ARCHIVED".to_string()
                    } else {
                        "ACTIVE".to_string()
                    };
                }
                id
            }
            Change::Resolve(id) => {
                let a = world
                    .accessanalyzer
                    .analyzers
                    .get_mut(key)
                    .expect("analyzer");
                let f = a.findings.get_mut(&id).expect("finding");
                f.status = "RESOLVED".to_string();
                f.updated_ms = now;
                f.analyzed_ms = now;
                id
            }
        };
        changed.push(id);
    }
    let a = world
        .accessanalyzer
        .analyzers
        .get_mut(key)
        .expect("analyzer");
    if let Some(last) = changed.last().and_then(|id| a.findings.get(id)) {
        a.last_resource_analyzed = Some(last.resource.clone());
        a.last_resource_analyzed_ms = Some(now);
    }
    export(world, key, &changed);
}

enum Change {
    New(Observed),
    Update(String, Observed),
    Resolve(String),
}

/// What must change for the analyzer's findings to say what the world says.
fn plan(analyzer: &Analyzer, observed: Vec<Observed>) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for o in observed {
        if !seen.insert(o.key.clone()) {
            continue;
        }
        match analyzer.finding_ids.get(&o.key) {
            None => changes.push(Change::New(o)),
            Some(id) => {
                let f = &analyzer.findings[id];
                if f.status == "RESOLVED" || !o.same_as(f) {
                    changes.push(Change::Update(id.clone(), o));
                }
            }
        }
    }
    for (key, id) in analyzer.finding_ids.iter() {
        if seen.contains(key) {
            continue;
        }
        if analyzer.findings[id].status != "RESOLVED" {
            changes.push(Change::Resolve(id.clone()));
        }
    }
    changes
}

fn new_finding(id: &str, o: Observed, now: i64) -> Finding {
    Finding {
        id: id.to_string(),
        resource: o.resource,
        resource_type: o.resource_type.to_string(),
        resource_owner_account: o.owner,
        finding_type: o.finding_type.to_string(),
        principal: o.principal,
        action: o.action,
        condition: o.condition,
        is_public: o.is_public,
        sources: if o.finding_type == "ExternalAccess" {
            vec!["POLICY".to_string()]
        } else {
            Vec::new()
        },
        details: o.details,
        status: "ACTIVE".to_string(),
        created_ms: now,
        updated_ms: now,
        analyzed_ms: now,
    }
}
