//! Security Hub on the shared organization integration (DESIGN §5): its per-region
//! administrator, auto-enable and organization members, told in terms of hubs. The
//! checks and Organizations' side live in `org_integration`.

use super::hub::ensure_hub;
use super::model::{MemberRecord, MemberStatus, OrgConfig};
use crate::services::org_integration::{Enrollment, OrgAdmins, OrgIntegrated};
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "securityhub.amazonaws.com";

/// Security Hub as an [`OrgIntegrated`] service.
pub struct SecurityHub;

impl OrgIntegrated for SecurityHub {
    const SERVICE_PRINCIPAL: &'static str = SERVICE_PRINCIPAL;
    // Organizations' one registration keeps member accounts the same in every
    // region; the management account, which it does not record, may serve any.
    const SAME_ADMIN_IN_EVERY_REGION: bool = false;

    fn admins_by_region(world: &World) -> impl Iterator<Item = (&String, &OrgAdmins)> {
        world
            .securityhub
            .regions
            .iter()
            .map(|(region, r)| (region, &r.org_admins))
    }

    fn admins_in_mut<'w>(world: &'w mut World, region: &str) -> &'w mut OrgAdmins {
        &mut world
            .securityhub
            .regions
            .entry(region.to_string())
            .or_default()
            .org_admins
    }

    fn is_on(world: &World, region: &str, account: &str) -> bool {
        world.securityhub.hub(region, account).is_some()
    }

    fn administrator_of<'w>(world: &'w World, region: &str, account: &str) -> Option<&'w str> {
        world.securityhub.administrator_of(region, account)
    }

    fn set_administrator(world: &mut World, region: &str, account: &str, admin: Option<&str>) {
        world.securityhub.account_mut(region, account).administrator = admin.map(String::from);
    }

    fn auto_enables_joiners(world: &World, region: &str, admin: &str) -> bool {
        world
            .securityhub
            .hub(region, admin)
            .is_some_and(|h| h.org_config.auto_enable)
    }

    /// Security Hub on, with the default standards unless the organization
    /// configuration says `AutoEnableStandards: NONE`; a hub that is on already
    /// keeps its standards.
    fn turn_on_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        enrollment: Enrollment,
        _now_ms: i64,
    ) {
        let standards = match enrollment {
            Enrollment::ByAdministrator => true,
            Enrollment::AutoEnable => world
                .securityhub
                .hub(region, admin)
                .is_some_and(|h| h.org_config.auto_enable_standards == "DEFAULT"),
        };
        ensure_hub(world, account, region, standards);
    }

    fn add_org_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        email: String,
        now_ms: i64,
    ) {
        let record = MemberRecord {
            account_id: account.to_string(),
            email,
            status: MemberStatus::Enabled,
            via_organization: true,
            invitation_id: None,
            invited_ms: None,
            updated_ms: now_ms,
        };
        let hub = world.securityhub.hub_mut(region, admin);
        hub.members.insert(account.to_string(), record);
    }

    fn org_members(world: &World, region: &str, admin: &str) -> Vec<String> {
        let Some(hub) = world.securityhub.hub(region, admin) else {
            return Vec::new();
        };
        hub.members
            .values()
            .filter(|m| m.via_organization)
            .map(|m| m.account_id.clone())
            .collect()
    }

    fn remove_member(world: &mut World, region: &str, admin: &str, account: &str) {
        if Self::is_on(world, region, admin) {
            world
                .securityhub
                .hub_mut(region, admin)
                .members
                .remove(account);
        }
    }

    fn reset_org_config(world: &mut World, region: &str, admin: &str) {
        world.securityhub.hub_mut(region, admin).org_config = OrgConfig::default();
    }
}
