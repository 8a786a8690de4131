//! How Organizations events act on an integrated service (DESIGN §5): applied inside
//! the Organizations operation that caused them, under the same lock.

use super::enrollment::{end_administration, enroll, release_member, Enrollment};
use super::{admins_of, OrgIntegrated};
use crate::events::OrgEvent;
use crate::world::World;

/// Applies an Organizations event to service `S`: joiners are enrolled where
/// auto-enable is on; leavers stop being members, and an administrator that leaves
/// stops administering; so does one Organizations deregisters for the service, in
/// every region. Never fails: the Organizations change has been made.
pub fn on_org_event<S: OrgIntegrated>(world: &mut World, event: &OrgEvent) {
    match event {
        OrgEvent::AccountJoined {
            organization_id,
            account_id,
        } => {
            for (region, admin) in admins_of::<S>(world, organization_id) {
                if S::auto_enables_joiners(world, &region, &admin) {
                    enroll::<S>(world, &region, &admin, account_id, Enrollment::AutoEnable);
                }
            }
        }
        OrgEvent::AccountLeft {
            organization_id,
            account_id,
        } => {
            for (region, admin) in admins_of::<S>(world, organization_id) {
                if admin == *account_id {
                    end_administration::<S>(world, &region, organization_id);
                } else {
                    release_member::<S>(world, &region, &admin, account_id);
                }
            }
        }
        OrgEvent::DelegatedAdminDeregistered {
            organization_id,
            account_id,
            service_principal,
        } if service_principal == S::SERVICE_PRINCIPAL => {
            for (region, admin) in admins_of::<S>(world, organization_id) {
                if admin == *account_id {
                    end_administration::<S>(world, &region, organization_id);
                }
            }
        }
        OrgEvent::DelegatedAdminRegistered { .. }
        | OrgEvent::DelegatedAdminDeregistered { .. }
        | OrgEvent::AccountMoved { .. } => {}
    }
}
