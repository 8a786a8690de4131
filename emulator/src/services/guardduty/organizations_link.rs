//! GuardDuty on the shared organization integration (DESIGN §5): its per-region
//! delegated administrator, auto-enable and organization members, told in terms of
//! detectors. The checks and Organizations' side live in `org_integration`.

use super::detectors::ensure_detector;
use super::model::{AutoEnable, MemberRecord, OrgConfig, Relationship};
use super::organization_config::apply_org_features;
use crate::services::org_integration::{Enrollment, OrgAdmins, OrgIntegrated};
use crate::world::World;

pub const SERVICE_PRINCIPAL: &str = "guardduty.amazonaws.com";

/// GuardDuty as an [`OrgIntegrated`] service.
pub struct GuardDuty;

impl OrgIntegrated for GuardDuty {
    const SERVICE_PRINCIPAL: &'static str = SERVICE_PRINCIPAL;
    const SAME_ADMIN_IN_EVERY_REGION: bool = true;

    fn admins_by_region(world: &World) -> impl Iterator<Item = (&String, &OrgAdmins)> {
        world
            .guardduty
            .regions
            .iter()
            .map(|(region, r)| (region, &r.org_admins))
    }

    fn admins_in_mut<'w>(world: &'w mut World, region: &str) -> &'w mut OrgAdmins {
        &mut world
            .guardduty
            .regions
            .entry(region.to_string())
            .or_default()
            .org_admins
    }

    fn is_on(world: &World, region: &str, account: &str) -> bool {
        world.guardduty.detector(region, account).is_some()
    }

    fn administrator_of<'w>(world: &'w World, region: &str, account: &str) -> Option<&'w str> {
        world.guardduty.administrator_of(region, account)
    }

    fn set_administrator(world: &mut World, region: &str, account: &str, admin: Option<&str>) {
        world.guardduty.account_mut(region, account).administrator = admin.map(String::from);
    }

    /// GuardDuty is turned on in the administrator, in this region only.
    fn designated(world: &mut World, region: &str, admin: &str) {
        ensure_detector(world, admin, region);
    }

    fn auto_enables_joiners(world: &World, region: &str, admin: &str) -> bool {
        world
            .guardduty
            .detector(region, admin)
            .is_some_and(|d| d.org_config.auto_enable != AutoEnable::None)
    }

    /// A detector if the account has none, with the protection plans the
    /// organization configures.
    fn turn_on_member(
        world: &mut World,
        region: &str,
        admin: &str,
        account: &str,
        _enrollment: Enrollment,
        now_ms: i64,
    ) {
        let settings = world
            .guardduty
            .detector(region, admin)
            .map(|d| d.org_config.features.clone())
            .unwrap_or_default();
        let is_new = world.guardduty.detector(region, account).is_none();
        ensure_detector(world, account, region);
        apply_org_features(world, region, account, &settings, is_new, now_ms);
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
            relationship: Relationship::Enabled,
            via_organization: true,
            invitation_id: None,
            invited_ms: None,
            updated_ms: now_ms,
        };
        let detector = world.guardduty.detector_mut(region, admin);
        detector.members.insert(account.to_string(), record);
    }

    fn org_members(world: &World, region: &str, admin: &str) -> Vec<String> {
        let Some(detector) = world.guardduty.detector(region, admin) else {
            return Vec::new();
        };
        detector
            .members
            .values()
            .filter(|m| m.via_organization)
            .map(|m| m.account_id.clone())
            .collect()
    }

    fn remove_member(world: &mut World, region: &str, admin: &str, account: &str) {
        if Self::is_on(world, region, admin) {
            world
                .guardduty
                .detector_mut(region, admin)
                .members
                .remove(account);
        }
    }

    fn reset_org_config(world: &mut World, region: &str, admin: &str) {
        world.guardduty.detector_mut(region, admin).org_config = OrgConfig::default();
    }
}
