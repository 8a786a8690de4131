//! Organizations changes that other services react to (DESIGN §5).
//!
//! An Organizations handler that changes membership or delegation calls [`publish`]
//! after its own mutation; every subscribing service applies the event to the world
//! inside the same operation, under the same lock, before the response is sent. So a
//! test that creates an account and then lists GuardDuty members sees it at once.

use crate::world::World;

/// Something that happened to an organization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrgEvent {
    /// An account became a member (created or invited and accepted).
    AccountJoined {
        organization_id: String,
        account_id: String,
    },
    /// An account stopped being a member (left, removed).
    AccountLeft {
        organization_id: String,
        account_id: String,
    },
    /// A member account moved to another parent (root or OU) of its organization.
    AccountMoved {
        organization_id: String,
        account_id: String,
    },
    /// An account became delegated administrator for a service principal.
    DelegatedAdminRegistered {
        organization_id: String,
        account_id: String,
        service_principal: String,
    },
    /// An account stopped being delegated administrator for a service principal.
    DelegatedAdminDeregistered {
        organization_id: String,
        account_id: String,
        service_principal: String,
    },
}

/// Applies an event to every service that subscribes to Organizations.
/// Subscribers must not fail: the Organizations change has already been made.
pub fn publish(world: &mut World, event: &OrgEvent) {
    tracing::debug!(?event, "organizations event");
    for service in crate::api::ServiceId::ALL {
        if let Some(apply) = service.description().on_org_event {
            apply(world, event);
        }
    }
}
