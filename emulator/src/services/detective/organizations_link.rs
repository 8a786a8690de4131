//! Detective on the shared organization integration (DESIGN §5): the organization's
//! Detective administrator per region, AutoEnable for accounts that join, and
//! organization accounts as members of the administrator's graph (no invitation).

use imbl::OrdMap;

use super::graphs::new_graph;
use super::members::enabled_status;
use super::model::{InvitationType, Member, MemberStatus, Package, PackageHistory};
use crate::services::org_integration::{Enrollment, OrgAdmins, OrgIntegrated};
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "detective.amazonaws.com";

/// Detective as an [`OrgIntegrated`] service.
pub struct Detective;

impl OrgIntegrated for Detective {
    const SERVICE_PRINCIPAL: &'static str = SERVICE_PRINCIPAL;
    /// Organizations records one Detective administrator for the organization.
    const SAME_ADMIN_IN_EVERY_REGION: bool = true;

    fn admins_by_region(world: &World) -> impl Iterator<Item = (&String, &OrgAdmins)> {
        world
            .detective
            .regions
            .iter()
            .map(|(region, r)| (region, &r.org_admins))
    }

    fn admins_in_mut<'w>(world: &'w mut World, region: &str) -> &'w mut OrgAdmins {
        &mut world.detective.region_mut(region).org_admins
    }

    fn is_on(world: &World, region: &str, account: &str) -> bool {
        world.detective.graph(region, account).is_some()
    }

    /// The administrator whose graph holds `account` as an organization account.
    fn administrator_of<'w>(world: &'w World, region: &str, account: &str) -> Option<&'w str> {
        world
            .detective
            .region(region)?
            .graphs
            .iter()
            .find_map(|(admin, graph)| {
                graph
                    .members
                    .get(account)
                    .filter(|m| m.invitation_type == InvitationType::Organization)
                    .map(|_| admin.as_str())
            })
    }

    /// Organization membership is the member record itself.
    fn set_administrator(_world: &mut World, _region: &str, _account: &str, _admin: Option<&str>) {}

    /// The administrator's graph, if it has none yet (AWS enables Detective for it);
    /// the designation's time is kept for `ListOrganizationAdminAccounts`.
    fn designated(world: &mut World, region: &str, admin: &str) {
        if world.detective.graph(region, admin).is_none() {
            new_graph(world, region, admin, OrdMap::new());
        }
        let now = world.clock.now_ms();
        if let Some(org) = world.organizations.organization_of(admin) {
            let org_id = org.id.clone();
            world
                .detective
                .region_mut(region)
                .delegated_ms
                .insert(org_id, now);
        }
    }

    fn auto_enables_joiners(world: &World, region: &str, admin: &str) -> bool {
        world
            .detective
            .graph(region, admin)
            .is_some_and(|g| g.auto_enable)
    }

    /// Detective has nothing to turn on in a member: its data flows into the graph.
    fn turn_on_member(
        _world: &mut World,
        _region: &str,
        _admin: &str,
        _account: &str,
        _enrollment: Enrollment,
        _now_ms: i64,
    ) {
    }

    fn add_org_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        email: String,
        now_ms: i64,
    ) {
        let (status, disabled_reason) = enabled_status(world, region, account);
        let Some(graph) = world.detective.graph(region, admin) else {
            return;
        };
        let packages = graph
            .packages
            .iter()
            .filter(|(p, _)| graph.started(**p))
            .map(|(p, _)| (*p, PackageHistory::started(now_ms)))
            .collect::<OrdMap<Package, PackageHistory>>();
        let packages = if status == MemberStatus::Enabled {
            packages
        } else {
            OrdMap::new()
        };
        let member = Member {
            account_id: account.to_string(),
            email,
            status,
            disabled_reason,
            invitation_type: InvitationType::Organization,
            invited_ms: now_ms,
            updated_ms: now_ms,
            verify_after_request: 0,
            packages,
        };
        let key = (region.to_string(), admin.to_string(), account.to_string());
        world.detective.verifying.remove(&key);
        world
            .detective
            .graph_mut(region, admin)
            .members
            .insert(account.to_string(), member);
    }

    fn org_members(world: &World, region: &str, admin: &str) -> Vec<String> {
        let Some(graph) = world.detective.graph(region, admin) else {
            return Vec::new();
        };
        graph
            .members
            .values()
            .filter(|m| m.invitation_type == InvitationType::Organization)
            .map(|m| m.account_id.clone())
            .collect()
    }

    /// Only organization accounts: an invited member stays when it leaves.
    fn remove_member(world: &mut World, region: &str, admin: &str, account: &str) {
        if !Self::is_on(world, region, admin) {
            return;
        }
        let members = &mut world.detective.graph_mut(region, admin).members;
        if members
            .get(account)
            .is_some_and(|m| m.invitation_type == InvitationType::Organization)
        {
            members.remove(account);
        }
    }

    fn reset_org_config(world: &mut World, region: &str, admin: &str) {
        world.detective.graph_mut(region, admin).auto_enable = false;
    }
}
