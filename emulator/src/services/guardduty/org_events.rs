//! How Organizations events act on GuardDuty (DESIGN §5): applied inside the
//! Organizations operation that caused them, under the same lock.

use super::admin::remove_org_admin;
use super::model::AutoEnable;
use super::organization_config::enroll_org_member;
use super::organizations_link::SERVICE_PRINCIPAL;
use crate::events::OrgEvent;
use crate::world::World;

/// Every (region, administrator) of an organization.
fn admins_of(world: &World, org_id: &str) -> Vec<(String, String)> {
    world
        .guardduty
        .regions
        .iter()
        .filter_map(|(region, r)| {
            r.org_admins
                .get(org_id)
                .map(|a| (region.clone(), a.clone()))
        })
        .collect()
}

/// Applies an Organizations event: joiners are enrolled where auto-enable is on,
/// leavers stop being members, a deregistered administrator stops administering.
pub fn on_org_event(world: &mut World, event: &OrgEvent) {
    match event {
        OrgEvent::AccountJoined {
            organization_id,
            account_id,
        } => {
            for (region, admin) in admins_of(world, organization_id) {
                let auto = world
                    .guardduty
                    .detector(&region, &admin)
                    .map(|d| d.org_config.auto_enable)
                    .unwrap_or_default();
                if auto != AutoEnable::None {
                    enroll_org_member(world, &region, &admin, account_id);
                }
            }
        }
        OrgEvent::AccountLeft {
            organization_id,
            account_id,
        } => {
            for (region, admin) in admins_of(world, organization_id) {
                if admin == *account_id {
                    remove_org_admin(world, &region, organization_id);
                    continue;
                }
                if world.guardduty.detector(&region, &admin).is_some() {
                    world
                        .guardduty
                        .detector_mut(&region, &admin)
                        .members
                        .remove(account_id);
                }
                let state = world.guardduty.account_mut(&region, account_id);
                if state.administrator.as_deref() == Some(admin.as_str()) {
                    state.administrator = None;
                }
            }
        }
        OrgEvent::DelegatedAdminDeregistered {
            organization_id,
            account_id,
            service_principal,
        } if service_principal == SERVICE_PRINCIPAL => {
            for (region, admin) in admins_of(world, organization_id) {
                if admin == *account_id {
                    remove_org_admin(world, &region, organization_id);
                }
            }
        }
        OrgEvent::DelegatedAdminRegistered { .. } | OrgEvent::DelegatedAdminDeregistered { .. } => {
        }
    }
}
