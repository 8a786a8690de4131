//! Automatic deployment (DESIGN §5): a service-managed set with AutoDeployment on
//! follows the organization inside the Organizations call that changes it — an
//! account that joins or moves under a target OU gets the set's instances in the
//! target's regions; one that leaves the targets loses them, or keeps the stacks
//! (detached from the set) under RetainStacksOnAccountRemoval.

use super::deploy::{self, Request, Target, Work};
use super::model::Preferences;
use super::{Admin, SERVICE_PRINCIPAL};
use crate::events::OrgEvent;
use crate::services::organizations::delegation;
use crate::world::World;

pub fn on_org_event(world: &mut World, event: &OrgEvent) {
    match event {
        OrgEvent::AccountJoined {
            organization_id,
            account_id,
        }
        | OrgEvent::AccountLeft {
            organization_id,
            account_id,
        }
        | OrgEvent::AccountMoved {
            organization_id,
            account_id,
        } => follow(world, organization_id, account_id),
        OrgEvent::DelegatedAdminRegistered { .. } | OrgEvent::DelegatedAdminDeregistered { .. } => {
        }
    }
}

/// Brings one account's instances of every auto-deploying set in line with where
/// the account now is in the organization.
fn follow(world: &mut World, org_id: &str, account: &str) {
    let Some(org) = world.organizations.organizations.get(org_id) else {
        return;
    };
    let management = org.management_account_id.clone();
    if account == management || !delegation::service_access_enabled(org, SERVICE_PRINCIPAL) {
        return;
    }
    // Nearest container first, so an instance records the closest target OU.
    let lineage: Vec<String> = org
        .members
        .get(account)
        .map(|m| org.lineage(&m.parent_id).into_iter().rev().collect())
        .unwrap_or_default();
    let regions: Vec<String> = world
        .cloudformation
        .accounts
        .get(&management)
        .map(|r| r.keys().cloned().collect())
        .unwrap_or_default();
    for region in regions {
        let admin = Admin {
            account: management.clone(),
            region: region.clone(),
            delegated: false,
        };
        let count = world
            .cloudformation
            .regional(&management, &region)
            .map_or(0, |r| r.stack_sets.len());
        for index in 0..count {
            let set = &world
                .cloudformation
                .regional(&management, &region)
                .expect("region")
                .stack_sets[index];
            let Some(auto) = set.auto_deployment.clone() else {
                continue;
            };
            if set.status != "ACTIVE" || !set.service_managed() || !auto.enabled {
                continue;
            }
            let mut wanted: Vec<Target> = Vec::new();
            for ou in &lineage {
                for r in set.targets.get(ou).into_iter().flatten() {
                    if !wanted.iter().any(|t| &t.region == r) {
                        wanted.push(Target {
                            account: account.to_string(),
                            region: r.clone(),
                            ou_id: Some(ou.clone()),
                        });
                    }
                }
            }
            let missing: Vec<Target> = wanted
                .iter()
                .filter(|t| set.instance(account, &t.region).is_none())
                .cloned()
                .collect();
            let extra: Vec<Target> = set
                .instances
                .iter()
                .filter(|i| i.account == account && i.ou_id.is_some())
                .filter(|i| !wanted.iter().any(|t| t.region == i.region))
                .map(|i| Target {
                    account: i.account.clone(),
                    region: i.region.clone(),
                    ou_id: i.ou_id.clone(),
                })
                .collect();
            if !missing.is_empty() {
                let id = world.ids.uuid();
                let request = Request {
                    id,
                    action: "CREATE",
                    preferences: Preferences::default(),
                    deployment_targets: None,
                    work: Work::Deploy { overrides: None },
                    targets: missing,
                };
                deploy::run(world, &admin, index, request);
            }
            if !extra.is_empty() {
                let id = world.ids.uuid();
                let request = Request {
                    id,
                    action: "DELETE",
                    preferences: Preferences::default(),
                    deployment_targets: None,
                    work: Work::Remove {
                        retain: auto.retain_stacks_on_account_removal,
                    },
                    targets: extra,
                };
                deploy::run(world, &admin, index, request);
            }
        }
    }
}
