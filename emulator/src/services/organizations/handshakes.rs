//! Handshakes: what they are and who sees them (state, expiry, parties, indexes),
//! DescribeHandshake, ListHandshakesForAccount, ListHandshakesForOrganization.
//! Invitations are in `invitations`, answers (accept, decline, cancel) in
//! `handshake_answers`, the all-features migration in `all_features`.
//!
//! Expiry is read lazily: a pending handshake past its expiration reads as `EXPIRED`
//! everywhere ([`state_at`]); answered ones stay visible for 30 days ([`visible_at`]).

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::dto;
use super::errors::OrgError;
use super::model::{
    Handshake, HandshakeAction, HandshakeParty, HandshakePartyType, HandshakeResource,
    HandshakeState, Organization, OrganizationsState,
};
use super::{after_bound, readable_org, validate, Page};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// One day of world time.
pub const DAY_MS: i64 = 86_400_000;
/// Invitations expire after 15 days.
pub const INVITATION_LIFETIME_MS: i64 = 15 * DAY_MS;
/// Answered or expired handshakes stay listed for 30 days, then are gone.
pub const HISTORY_MS: i64 = 30 * DAY_MS;

/// The state of `handshake` at `now`: a pending one past its expiration has expired.
pub fn state_at(handshake: &Handshake, now: i64) -> HandshakeState {
    if handshake.state.is_pending() && now >= handshake.expiration_ms {
        HandshakeState::Expired
    } else {
        handshake.state
    }
}

/// Whether the handshake is still shown at `now` (answered ones for 30 days).
pub fn visible_at(handshake: &Handshake, now: i64) -> bool {
    let since = match state_at(handshake, now) {
        HandshakeState::Requested | HandshakeState::Open => return true,
        HandshakeState::Expired => handshake.expiration_ms,
        _ => handshake.responded_ms.unwrap_or(handshake.requested_ms),
    };
    now < since + HISTORY_MS
}

/// The email orgsim knows for an account; for accounts it never saw sign up, the
/// address it invents for them (as CreateOrganization does).
pub fn email_of(state: &OrganizationsState, account_id: &str) -> String {
    state
        .accounts
        .get(account_id)
        .map(|a| a.email.clone())
        .unwrap_or_else(|| format!("account-{account_id}@example.com"))
}

/// The account an invitation by email is for. AWS sends it to the owner of that
/// address; orgsim picks the account it knows with that email, or, for the address it
/// invents for unknown accounts (`account-<id>@example.com`), that account.
pub fn account_for_email(state: &OrganizationsState, email: &str) -> Option<String> {
    if let Some(account) = state
        .accounts
        .values()
        .find(|a| a.email.eq_ignore_ascii_case(email))
    {
        return Some(account.id.to_string());
    }
    let lower = email.to_ascii_lowercase();
    let id = lower
        .strip_prefix("account-")?
        .strip_suffix("@example.com")?;
    let unknown = !state.accounts.contains_key(id);
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) && unknown).then(|| id.to_string())
}

/// The party that answers a handshake (the account or email it was sent to).
pub(super) fn recipient_party(handshake: &Handshake) -> Option<&HandshakeParty> {
    handshake
        .parties
        .iter()
        .find(|p| p.party_type != HandshakePartyType::Organization)
}

/// Index key of a recipient: the account id, or the email in lower case.
pub(super) fn recipient_key(party: &HandshakeParty) -> String {
    match party.party_type {
        HandshakePartyType::Email => party.id.to_ascii_lowercase(),
        _ => party.id.clone(),
    }
}

/// Whether `account_id` is the one who may accept or decline `handshake`.
pub fn is_recipient(state: &OrganizationsState, handshake: &Handshake, account_id: &str) -> bool {
    match recipient_party(handshake) {
        Some(p) if p.party_type == HandshakePartyType::Account => p.id == account_id,
        Some(p) => account_for_email(state, &p.id).as_deref() == Some(account_id),
        None => false,
    }
}

/// Whether the caller speaks for the organization that sent `handshake`.
pub(super) fn is_sender(world: &World, caller: &Caller, handshake: &Handshake) -> bool {
    readable_org(world, caller).is_ok_and(|org| org.id == handshake.organization_id)
}

/// A fresh `h-` id.
pub(super) fn new_handshake_id(world: &mut World) -> String {
    loop {
        let id = format!("h-{}", world.ids.lower_alnum(10));
        if !world.organizations.handshakes.contains_key(&id) {
            return id;
        }
    }
}

/// Stores a handshake and indexes it by sender and recipient.
pub(super) fn record(world: &mut World, handshake: Handshake) {
    let state = &mut world.organizations;
    state
        .handshakes_by_organization
        .entry(handshake.organization_id.clone())
        .or_default()
        .insert(handshake.id.clone());
    if let Some(party) = recipient_party(&handshake) {
        state
            .handshakes_by_recipient
            .entry(recipient_key(party))
            .or_default()
            .insert(handshake.id.clone());
    }
    state.handshakes.insert(handshake.id.clone(), handshake);
}

/// Sets a handshake's state, noting when it was answered.
pub(super) fn set_state(world: &mut World, id: &str, state: HandshakeState, now: i64) {
    if let Some(h) = world.organizations.handshakes.get_mut(id) {
        h.state = state;
        if !state.is_pending() {
            h.responded_ms = Some(now);
        }
    }
}

/// The organization as a handshake shows it: id, management email and name, feature set.
pub(super) fn organization_resource(
    state: &OrganizationsState,
    org: &Organization,
) -> HandshakeResource {
    let management = state.accounts.get(org.management_account_id.as_str());
    let leaf = |resource_type: &str, value: String| HandshakeResource {
        resource_type: resource_type.to_string(),
        value,
        resources: vec![],
    };
    let feature_set = serde_json::to_value(org.feature_set)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default();
    HandshakeResource {
        resource_type: "ORGANIZATION".to_string(),
        value: org.id.clone(),
        resources: vec![
            leaf(
                "MASTER_EMAIL",
                management.map(|a| a.email.clone()).unwrap_or_default(),
            ),
            leaf(
                "MASTER_NAME",
                (management.map(|a| a.name.clone()).unwrap_or_default()).to_string(),
            ),
            leaf("ORGANIZATION_FEATURE_SET", feature_set),
        ],
    }
}

pub(super) fn leaf_resource(resource_type: &str, value: &str) -> HandshakeResource {
    HandshakeResource {
        resource_type: resource_type.to_string(),
        value: value.to_string(),
        resources: vec![],
    }
}

/// The organization's handshakes, stored state as is.
pub(super) fn sent_by<'w>(world: &'w World, org_id: &str) -> impl Iterator<Item = &'w Handshake> {
    let state = &world.organizations;
    state
        .handshakes_by_organization
        .get(org_id)
        .into_iter()
        .flat_map(|ids| ids.iter())
        .filter_map(|id| state.handshakes.get(id))
}

/// Invitations of the organization still waiting for an answer: they count toward the
/// account quota until answered.
pub fn open_invitations(world: &World, org_id: &str) -> usize {
    let now = world.clock.now_ms();
    sent_by(world, org_id)
        .filter(|h| h.action == HandshakeAction::Invite && state_at(h, now).is_pending())
        .count()
}

/// Cancels the organization's pending handshakes (it is being deleted).
pub fn cancel_pending_of_organization(world: &mut World, org_id: &str) {
    let now = world.clock.now_ms();
    let pending: Vec<String> = sent_by(world, org_id)
        .filter(|h| state_at(h, now).is_pending())
        .map(|h| h.id.clone())
        .collect();
    for id in pending {
        set_state(world, &id, HandshakeState::Canceled, now);
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeOutput {
    pub handshake: dto::Handshake,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeIdInput {
    pub handshake_id: String,
}

/// The handshake `id` if the caller is one of its parties and it is still shown.
pub(super) fn party_handshake(
    world: &World,
    caller: &Caller,
    id: &str,
) -> Result<Handshake, OrgError> {
    validate::handshake_id("HandshakeId", id)?;
    let now = world.clock.now_ms();
    let handshake = world
        .organizations
        .handshakes
        .get(id)
        .filter(|h| visible_at(h, now))
        .ok_or(OrgError::HandshakeNotFound)?;
    let party = is_sender(world, caller, handshake)
        || is_recipient(&world.organizations, handshake, &caller.account_id);
    if party {
        Ok(handshake.clone())
    } else {
        Err(OrgError::HandshakeNotFound)
    }
}

/// Whether a pending handshake may move to `wanted`.
pub(super) fn check_transition(
    current: HandshakeState,
    wanted: HandshakeState,
) -> Result<(), OrgError> {
    if current == wanted {
        Err(OrgError::HandshakeAlreadyInState)
    } else if !current.is_pending() {
        Err(OrgError::InvalidHandshakeTransition)
    } else {
        Ok(())
    }
}

pub(super) fn answer(world: &World, id: &str) -> HandshakeOutput {
    let now = world.clock.now_ms();
    let handshake = &world.organizations.handshakes[id];
    HandshakeOutput {
        handshake: dto::handshake(handshake, state_at(handshake, now)),
    }
}
/// Any party (the sender's management account, the recipient) may read a handshake.
pub fn describe_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    Ok(answer(world, &handshake.id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeFilter {
    pub action_type: Option<HandshakeAction>,
    pub parent_handshake_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHandshakesInput {
    pub filter: Option<HandshakeFilter>,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListHandshakesOutput {
    pub handshakes: Vec<dto::Handshake>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

impl HandshakeFilter {
    fn check(&self) -> Result<(), OrgError> {
        if self.action_type.is_some() && self.parent_handshake_id.is_some() {
            return Err(OrgError::invalid(
                "MAX_LIMIT_EXCEEDED_FILTER",
                "You can specify only one filter parameter for the operation.",
            ));
        }
        if let Some(parent) = &self.parent_handshake_id {
            validate::handshake_id("Filter.ParentHandshakeId", parent)?;
        }
        Ok(())
    }

    fn matches(&self, handshake: &Handshake) -> bool {
        self.action_type.is_none_or(|a| a == handshake.action)
            && self
                .parent_handshake_id
                .as_ref()
                .is_none_or(|p| handshake.parent_handshake_id.as_ref() == Some(p))
    }

    fn describe(&self) -> String {
        format!("{:?} {:?}", self.action_type, self.parent_handshake_id)
    }
}

/// One page of the handshakes named by `ids` that pass `keep`.
fn page_of(
    world: &World,
    ids: &OrdSet<String>,
    listing: &str,
    page: &Page,
    keep: impl Fn(&Handshake) -> bool,
) -> Result<ListHandshakesOutput, OrgError> {
    let (max, after) = page.resolve(listing)?;
    let now = world.clock.now_ms();
    let handshakes = &world.organizations.handshakes;
    let matching = ids
        .range(after_bound(&after))
        .filter_map(|id| handshakes.get(id))
        .filter(|h| visible_at(h, now) && keep(h));
    let (found, next) = take_page(matching, max, |h| h.id.clone());
    Ok(ListHandshakesOutput {
        handshakes: found
            .into_iter()
            .map(|h| dto::handshake(h, state_at(h, now)))
            .collect(),
        next_token: next.map(|key| encode_token(listing, &key)),
    })
}

/// The handshakes the caller has received; any account may ask, in an organization or not.
pub fn list_handshakes_for_account(
    world: &mut World,
    caller: &Caller,
    input: ListHandshakesInput,
) -> Result<ListHandshakesOutput, OrgError> {
    let filter = input.filter.unwrap_or_default();
    filter.check()?;
    let state = &world.organizations;
    let account = &caller.account_id;
    let by_email = email_of(state, account).to_ascii_lowercase();
    let mut ids = state
        .handshakes_by_recipient
        .get(account)
        .cloned()
        .unwrap_or_default();
    if let Some(more) = state.handshakes_by_recipient.get(&by_email) {
        ids = ids.union(more.clone());
    }
    let listing = format!("ListHandshakesForAccount {account} {}", filter.describe());
    page_of(world, &ids, &listing, &input.page, |h| {
        filter.matches(h) && is_recipient(state, h, account)
    })
}

/// The handshakes the caller's organization has sent (management account).
pub fn list_handshakes_for_organization(
    world: &mut World,
    caller: &Caller,
    input: ListHandshakesInput,
) -> Result<ListHandshakesOutput, OrgError> {
    let filter = input.filter.unwrap_or_default();
    filter.check()?;
    let org = readable_org(world, caller)?;
    let ids = world
        .organizations
        .handshakes_by_organization
        .get(&org.id)
        .cloned()
        .unwrap_or_default();
    let listing = format!(
        "ListHandshakesForOrganization {} {}",
        org.id,
        filter.describe()
    );
    page_of(world, &ids, &listing, &input.page, |h| filter.matches(h))
}
#[cfg(test)]
pub(crate) mod testing {
    pub use super::super::test_support::{error_code, root_caller, run, world};
    pub use super::DAY_MS;
    pub use crate::auth::Caller;
    pub use crate::world::World;
    use serde_json::{json, Value};

    pub const MGMT: &str = "111111111111";
    pub const GUEST: &str = "222222222222";

    pub fn org(feature_set: &str) -> (World, Caller) {
        let mut w = world();
        w.clock.pinned_ms = Some(1_700_000_000_000);
        let mgmt = root_caller(MGMT);
        run(
            &mut w,
            &mgmt,
            "CreateOrganization",
            json!({"FeatureSet": feature_set}),
        )
        .unwrap();
        (w, mgmt)
    }

    pub fn invite(
        w: &mut World,
        mgmt: &Caller,
        id: &str,
        kind: &str,
    ) -> Result<Value, (String, Option<String>)> {
        run(
            w,
            mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": id, "Type": kind}}),
        )
        .map(|out| out["Handshake"].clone())
        .map_err(|e| error_code(Err(e)))
    }

    pub fn act(
        w: &mut World,
        caller: &Caller,
        op: &str,
        id: &Value,
    ) -> Result<Value, (String, Option<String>)> {
        run(w, caller, op, json!({"HandshakeId": id}))
            .map(|out| out["Handshake"].clone())
            .map_err(|e| error_code(Err(e)))
    }

    pub fn code(name: &str) -> (String, Option<String>) {
        (name.to_string(), None)
    }

    pub fn reason(name: &str, reason: &str) -> (String, Option<String>) {
        (name.to_string(), Some(reason.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use serde_json::{json, Value};

    #[test]
    fn expiry_by_the_clock_and_history() {
        let (mut w, mgmt) = org("ALL");
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        let guest = root_caller(GUEST);
        w.clock.advance(15 * DAY_MS - 1);
        assert_eq!(
            act(&mut w, &guest, "DescribeHandshake", &h["Id"]).unwrap()["State"],
            "OPEN"
        );
        w.clock.advance(1);
        assert_eq!(
            act(&mut w, &guest, "DescribeHandshake", &h["Id"]).unwrap()["State"],
            "EXPIRED"
        );
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        assert_eq!(
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        // An expired invitation no longer blocks a new one.
        let again = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        w.clock.advance(30 * DAY_MS);
        assert_eq!(
            act(&mut w, &mgmt, "DescribeHandshake", &h["Id"]),
            Err(code("HandshakeNotFoundException"))
        );
        let listed = run(&mut w, &mgmt, "ListHandshakesForOrganization", json!({})).unwrap();
        let ids: Vec<&Value> = listed["Handshakes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| &h["Id"])
            .collect();
        assert_eq!(ids, vec![&again["Id"]]);
    }

    #[test]
    fn lists_filter_and_page() {
        let (mut w, mgmt) = org("ALL");
        for i in 0..3 {
            invite(&mut w, &mgmt, &format!("22222222222{i}"), "ACCOUNT").unwrap();
        }
        let mut seen = vec![];
        let mut token: Option<String> = None;
        loop {
            let mut input = json!({"MaxResults": 2, "Filter": {"ActionType": "INVITE"}});
            if let Some(t) = &token {
                input["NextToken"] = json!(t);
            }
            let out = run(&mut w, &mgmt, "ListHandshakesForOrganization", input).unwrap();
            seen.extend(
                out["Handshakes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|h| h["Id"].clone()),
            );
            match out.get("NextToken").and_then(Value::as_str) {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen.len(), 3);
        let none = run(
            &mut w,
            &mgmt,
            "ListHandshakesForOrganization",
            json!({"Filter": {"ActionType": "ENABLE_ALL_FEATURES"}}),
        )
        .unwrap();
        assert_eq!(none["Handshakes"], json!([]));
        let e = error_code(run(
            &mut w,
            &mgmt,
            "ListHandshakesForOrganization",
            json!({"Filter": {"ActionType": "INVITE", "ParentHandshakeId": "h-abcdefgh"}}),
        ));
        assert_eq!(
            e,
            reason("InvalidInputException", "MAX_LIMIT_EXCEEDED_FILTER")
        );
        let foreign = token_of_other_listing(&mut w, &mgmt);
        let e = error_code(run(
            &mut w,
            &mgmt,
            "ListHandshakesForAccount",
            json!({ "NextToken": foreign }),
        ));
        assert_eq!(e, reason("InvalidInputException", "INVALID_NEXT_TOKEN"));
        let e = error_code(run(
            &mut w,
            &root_caller(GUEST),
            "ListHandshakesForOrganization",
            json!({}),
        ));
        assert_eq!(e, code("AWSOrganizationsNotInUseException"));
    }

    fn token_of_other_listing(w: &mut World, mgmt: &Caller) -> String {
        let out = run(
            w,
            mgmt,
            "ListHandshakesForOrganization",
            json!({"MaxResults": 1}),
        )
        .unwrap();
        out["NextToken"].as_str().unwrap().to_string()
    }
}
