//! Handshakes: InviteAccountToOrganization, AcceptHandshake, DeclineHandshake,
//! CancelHandshake, DescribeHandshake, ListHandshakesForAccount,
//! ListHandshakesForOrganization. The all-features migration is in `all_features`.
//!
//! Expiry is read lazily: a pending handshake past its expiration reads as `EXPIRED`
//! everywhere ([`state_at`]); answered ones stay visible for 30 days ([`visible_at`]).

use imbl::OrdSet;
use serde::{Deserialize, Serialize};

use super::dto::{self, Tag};
use super::errors::OrgError;
use super::model::{
    AccountRecord, AccountState, Handshake, HandshakeAction, HandshakeParty, HandshakePartyType,
    HandshakeResource, HandshakeState, JoinedMethod, Member, Organization, OrganizationsState,
    FULL_AWS_ACCESS, SERVICE_CONTROL_POLICY,
};
use super::{
    after_bound, all_features, managed_org, membership, org_mut, readable_org, validate, Page,
};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

pub const DAY_MS: i64 = 86_400_000;
/// Invitations expire after 15 days.
pub const INVITATION_LIFETIME_MS: i64 = 15 * DAY_MS;
/// Answered or expired handshakes stay listed for 30 days, then are gone.
pub const HISTORY_MS: i64 = 30 * DAY_MS;
/// AWS lets an organization send at least this many invitations a day.
const MIN_DAILY_INVITATIONS: usize = 20;

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
        return Some(account.id.clone());
    }
    let lower = email.to_ascii_lowercase();
    let id = lower
        .strip_prefix("account-")?
        .strip_suffix("@example.com")?;
    let unknown = !state.accounts.contains_key(id);
    (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit()) && unknown).then(|| id.to_string())
}

/// The party that answers a handshake (the account or email it was sent to).
fn recipient_party(handshake: &Handshake) -> Option<&HandshakeParty> {
    handshake
        .parties
        .iter()
        .find(|p| p.party_type != HandshakePartyType::Organization)
}

/// Index key of a recipient: the account id, or the email in lower case.
fn recipient_key(party: &HandshakeParty) -> String {
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
fn is_sender(world: &World, caller: &Caller, handshake: &Handshake) -> bool {
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
    let management = state.accounts.get(&org.management_account_id);
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
                management.map(|a| a.name.clone()).unwrap_or_default(),
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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakePartyInput {
    pub id: String,
    pub r#type: HandshakePartyType,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InviteAccountToOrganizationInput {
    pub target: HandshakePartyInput,
    pub notes: Option<String>,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeOutput {
    pub handshake: dto::Handshake,
}

/// Invites an account (by id or by email) to join the caller's organization. An
/// account in another organization may be invited: accepting moves it (AWS's direct
/// transfer between organizations).
pub fn invite_account_to_organization(
    world: &mut World,
    caller: &Caller,
    input: InviteAccountToOrganizationInput,
) -> Result<HandshakeOutput, OrgError> {
    let target = input.target;
    validate::length("Target.Id", &target.id, 1, 64)?;
    match target.r#type {
        HandshakePartyType::Account => validate::account_id("Target.Id", &target.id)?,
        HandshakePartyType::Email => validate::email(&target.id).map_err(|_| {
            OrgError::invalid(
                "INVALID_EMAIL_ADDRESS_TARGET",
                "You specified an invalid email address for the invited account owner.",
            )
        })?,
        HandshakePartyType::Organization => return Err(OrgError::invalid(
            "INVALID_PARTY_TYPE_TARGET",
            "You specified the wrong type of entity (account, organization, or email) as a party.",
        )),
    }
    if let Some(notes) = &input.notes {
        validate::length("Notes", notes, 0, 1024)?;
    }
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    let org = managed_org(world, caller)?;
    let now = world.clock.now_ms();
    if all_features::pending_migration(world, org).is_some() {
        return Err(OrgError::handshake_constraint(
            "INVITE_DISABLED_DURING_ENABLE_ALL_FEATURES",
            "You can't issue new invitations to join an organization while it's in the process of enabling all features.",
        ));
    }
    let state = &world.organizations;
    let invited_account = match target.r#type {
        HandshakePartyType::Account => Some(target.id.clone()),
        _ => account_for_email(state, &target.id),
    };
    if invited_account
        .as_ref()
        .is_some_and(|a| org.members.contains_key(a))
    {
        return Err(OrgError::handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            "The handshake request is invalid because the invited account is already a member of an organization.",
        ));
    }
    let party = HandshakeParty {
        id: target.id.clone(),
        party_type: target.r#type,
    };
    let duplicate = sent_by(world, &org.id).any(|h| {
        h.action == HandshakeAction::Invite
            && state_at(h, now).is_pending()
            && recipient_party(h).is_some_and(|p| {
                recipient_key(p) == recipient_key(&party)
                    || invited_account
                        .as_ref()
                        .is_some_and(|a| is_recipient(state, h, a))
            })
    });
    if duplicate {
        return Err(OrgError::DuplicateHandshake);
    }
    let quota = world.settings.quotas.accounts_per_organization;
    let sent_today = sent_by(world, &org.id)
        .filter(|h| {
            h.action == HandshakeAction::Invite
                && h.requested_ms > now - DAY_MS
                && h.state != HandshakeState::Accepted
        })
        .count();
    if sent_today >= quota.max(MIN_DAILY_INVITATIONS) {
        return Err(OrgError::handshake_constraint(
            "HANDSHAKE_RATE_LIMIT_EXCEEDED",
            "You attempted to exceed the number of handshakes that you can send in one day.",
        ));
    }
    if org.members.len() + open_invitations(world, &org.id) >= quota {
        return Err(OrgError::handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the limit on the number of accounts in an organization.",
        ));
    }
    let mut resources = vec![
        organization_resource(state, org),
        leaf_resource(
            match target.r#type {
                HandshakePartyType::Email => "EMAIL",
                _ => "ACCOUNT",
            },
            &target.id,
        ),
    ];
    if let Some(notes) = &input.notes {
        resources.push(leaf_resource("NOTES", notes));
    }
    let (org_id, management) = (org.id.clone(), org.management_account_id.clone());
    let handshake = Handshake {
        id: new_handshake_id(world),
        organization_id: org_id.clone(),
        management_account_id: management,
        action: HandshakeAction::Invite,
        // AWS shows invitations waiting for an answer as OPEN (API examples).
        state: HandshakeState::Open,
        parties: vec![
            HandshakeParty {
                id: org_id,
                party_type: HandshakePartyType::Organization,
            },
            party,
        ],
        resources,
        notes: input.notes,
        requested_ms: now,
        expiration_ms: now + INVITATION_LIFETIME_MS,
        responded_ms: None,
        parent_handshake_id: None,
        tags,
    };
    let output = dto::handshake(&handshake, handshake.state);
    record(world, handshake);
    Ok(HandshakeOutput { handshake: output })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeIdInput {
    pub handshake_id: String,
}

/// The handshake `id` if the caller is one of its parties and it is still shown.
fn party_handshake(world: &World, caller: &Caller, id: &str) -> Result<Handshake, OrgError> {
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
fn check_transition(current: HandshakeState, wanted: HandshakeState) -> Result<(), OrgError> {
    if current == wanted {
        Err(OrgError::HandshakeAlreadyInState)
    } else if !current.is_pending() {
        Err(OrgError::InvalidHandshakeTransition)
    } else {
        Ok(())
    }
}

fn answer(world: &World, id: &str) -> HandshakeOutput {
    let now = world.clock.now_ms();
    let handshake = &world.organizations.handshakes[id];
    HandshakeOutput {
        handshake: dto::handshake(handshake, state_at(handshake, now)),
    }
}

/// Accepts a handshake: an invitation (the account joins), a member's approval of all
/// features, or the management account's final approval.
pub fn accept_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    let recipient = is_recipient(&world.organizations, &handshake, &caller.account_id);
    let is_parent_request = handshake.action == HandshakeAction::EnableAllFeatures
        && handshake.parent_handshake_id.is_none();
    if is_parent_request {
        // The API text of EnableAllFeatures has the management account accept this one
        // to finish; once every member approved, that works like APPROVE_ALL_FEATURES.
        if !is_sender(world, caller, &handshake) {
            return Err(OrgError::AccessDenied);
        }
        let state = state_at(&handshake, now);
        check_transition(state, HandshakeState::Accepted)?;
        if state == HandshakeState::Requested {
            return Err(OrgError::InvalidHandshakeTransition);
        }
        all_features::finish(world, &handshake.organization_id, now);
        return Ok(answer(world, &handshake.id));
    }
    if !recipient {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Accepted)?;
    match handshake.action {
        HandshakeAction::Invite => join(world, &caller.account_id, &handshake, now)?,
        HandshakeAction::EnableAllFeatures => {
            set_state(world, &handshake.id, HandshakeState::Accepted, now);
            all_features::advance(world, &handshake.organization_id, now);
        }
        HandshakeAction::ApproveAllFeatures => {
            all_features::finish(world, &handshake.organization_id, now)
        }
        HandshakeAction::AddOrganizationsServiceLinkedRole
        | HandshakeAction::TransferResponsibility => {
            return Err(OrgError::InvalidHandshakeTransition)
        }
    }
    Ok(answer(world, &handshake.id))
}

/// The invited account joins the root of the inviting organization, leaving its
/// current organization first if it is in one (subject to the rules of leaving).
fn join(world: &mut World, account_id: &str, invite: &Handshake, now: i64) -> Result<(), OrgError> {
    let org = world
        .organizations
        .organizations
        .get(&invite.organization_id)
        .ok_or(OrgError::InvalidHandshakeTransition)?;
    if org.members.contains_key(account_id) {
        return Err(OrgError::handshake_constraint(
            "ALREADY_IN_AN_ORGANIZATION",
            "The handshake request is invalid because the invited account is already a member of an organization.",
        ));
    }
    if org.members.len() >= world.settings.quotas.accounts_per_organization {
        return Err(OrgError::handshake_constraint(
            "ACCOUNT_NUMBER_LIMIT_EXCEEDED",
            "You attempted to exceed the limit on the number of accounts in an organization.",
        ));
    }
    let previous = world.organizations.organization_of(account_id);
    if let Some(previous) = previous {
        membership::check_can_leave(world, previous, account_id)?;
    }
    let previous = previous.map(|o| o.id.clone());
    let org_id = org.id.clone();

    if let Some(previous) = previous {
        membership::remove_member(world, &previous, account_id);
    }
    set_state(world, &invite.id, HandshakeState::Accepted, now);
    let state = &mut world.organizations;
    state
        .accounts
        .entry(account_id.to_string())
        .or_insert_with(|| AccountRecord {
            id: account_id.to_string(),
            name: format!("account-{account_id}"),
            email: format!("account-{account_id}@example.com"),
            created_ms: now,
        });
    state
        .membership
        .insert(account_id.to_string(), org_id.clone());
    let org = org_mut(world, &org_id);
    let root_id = org.root.id.clone();
    org.members.insert(
        account_id.to_string(),
        Member {
            account_id: account_id.to_string(),
            parent_id: root_id.clone(),
            joined_method: JoinedMethod::Invited,
            joined_ms: now,
            state: AccountState::Active,
            closed_ms: None,
        },
    );
    org.children
        .entry(root_id)
        .or_default()
        .accounts
        .insert(account_id.to_string());
    if org.policy_type_enabled(SERVICE_CONTROL_POLICY) {
        org.attach(FULL_AWS_ACCESS, account_id);
    }
    if !invite.tags.is_empty() {
        org.tags.insert(
            account_id.to_string(),
            invite.tags.iter().cloned().collect(),
        );
    }
    all_features::request_approval(world, &org_id, account_id, now);
    Ok(())
}

/// Declines a handshake sent to the caller.
pub fn decline_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    if !is_recipient(&world.organizations, &handshake, &caller.account_id) {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Declined)?;
    set_state(world, &handshake.id, HandshakeState::Declined, now);
    if handshake.action != HandshakeAction::Invite {
        // One refusal ends the migration: it can never finish.
        all_features::abandon(
            world,
            &handshake.organization_id,
            HandshakeState::Declined,
            now,
        );
    }
    Ok(answer(world, &handshake.id))
}

/// Cancels a handshake the caller's organization sent and that is still unanswered.
pub fn cancel_handshake(
    world: &mut World,
    caller: &Caller,
    input: HandshakeIdInput,
) -> Result<HandshakeOutput, OrgError> {
    let handshake = party_handshake(world, caller, &input.handshake_id)?;
    let now = world.clock.now_ms();
    // APPROVE_ALL_FEATURES comes from AWS to the management account: it can decline it.
    let sent = is_sender(world, caller, &handshake)
        && handshake.action != HandshakeAction::ApproveAllFeatures;
    if !sent {
        return Err(OrgError::AccessDenied);
    }
    check_transition(state_at(&handshake, now), HandshakeState::Canceled)?;
    set_state(world, &handshake.id, HandshakeState::Canceled, now);
    if handshake.action == HandshakeAction::EnableAllFeatures {
        // Cancelling the request or any member's part of it ends the whole migration.
        all_features::abandon(
            world,
            &handshake.organization_id,
            HandshakeState::Canceled,
            now,
        );
    }
    Ok(answer(world, &handshake.id))
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
mod tests {
    use super::super::test_support::*;
    use super::DAY_MS;
    use crate::auth::Caller;
    use crate::world::World;
    use serde_json::{json, Value};

    const MGMT: &str = "111111111111";
    const GUEST: &str = "222222222222";

    fn org(feature_set: &str) -> (World, Caller) {
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

    fn invite(
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

    fn act(
        w: &mut World,
        caller: &Caller,
        op: &str,
        id: &Value,
    ) -> Result<Value, (String, Option<String>)> {
        run(w, caller, op, json!({"HandshakeId": id}))
            .map(|out| out["Handshake"].clone())
            .map_err(|e| error_code(Err(e)))
    }

    fn code(name: &str) -> (String, Option<String>) {
        (name.to_string(), None)
    }

    fn reason(name: &str, reason: &str) -> (String, Option<String>) {
        (name.to_string(), Some(reason.to_string()))
    }

    #[test]
    fn invite_by_account_id_and_accept() {
        let (mut w, mgmt) = org("ALL");
        let out = run(
            &mut w,
            &mgmt,
            "InviteAccountToOrganization",
            json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}, "Notes": "welcome",
                   "Tags": [{"Key": "team", "Value": "blue"}]}),
        )
        .unwrap();
        let h = &out["Handshake"];
        let id = h["Id"].as_str().unwrap();
        assert!(regex::Regex::new(r"^h-[0-9a-z]{10}$").unwrap().is_match(id));
        let org_id = w.organizations.organization_of(MGMT).unwrap().id.clone();
        assert_eq!(
            h["Arn"],
            format!("arn:aws:organizations::{MGMT}:handshake/{org_id}/invite/{id}")
        );
        assert_eq!(
            (h["Action"].as_str(), h["State"].as_str()),
            (Some("INVITE"), Some("OPEN"))
        );
        assert_eq!(
            h["Parties"],
            json!([{"Id": org_id, "Type": "ORGANIZATION"}, {"Id": GUEST, "Type": "ACCOUNT"}])
        );
        assert_eq!(
            h["ExpirationTimestamp"].as_f64().unwrap() - h["RequestedTimestamp"].as_f64().unwrap(),
            15.0 * 86_400.0
        );
        let resources = &h["Resources"];
        assert_eq!(resources[0]["Type"], "ORGANIZATION");
        assert_eq!(
            resources[0]["Resources"],
            json!([
                {"Type": "MASTER_EMAIL", "Value": format!("account-{MGMT}@example.com")},
                {"Type": "MASTER_NAME", "Value": format!("account-{MGMT}")},
                {"Type": "ORGANIZATION_FEATURE_SET", "Value": "ALL"},
            ])
        );
        assert_eq!(resources[1], json!({"Type": "ACCOUNT", "Value": GUEST}));
        assert_eq!(resources[2], json!({"Type": "NOTES", "Value": "welcome"}));

        let guest = root_caller(GUEST);
        // A standalone account sees its invitation.
        let listed = run(&mut w, &guest, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"][0]["Id"], id);
        // Only the recipient accepts.
        assert_eq!(
            act(&mut w, &mgmt, "AcceptHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        let accepted = act(&mut w, &guest, "AcceptHandshake", &h["Id"]).unwrap();
        assert_eq!(accepted["State"], "ACCEPTED");
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        let account = run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": GUEST}),
        )
        .unwrap();
        assert_eq!(account["Account"]["JoinedMethod"], "INVITED");
        assert_eq!(account["Account"]["Name"], format!("account-{GUEST}"));
        let org = w.organizations.organization_of(GUEST).unwrap();
        assert!(org.attachments[GUEST].contains(super::FULL_AWS_ACCESS));
        assert_eq!(org.tags[GUEST]["team"], "blue");
        assert!(w.iam.role(GUEST, "OrganizationAccountAccessRole").is_none());
        // The member now reads its organization.
        run(&mut w, &guest, "DescribeOrganization", json!({})).unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, GUEST, "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            ))
        );
    }

    #[test]
    fn invite_input_and_caller_errors() {
        let (mut w, mgmt) = org("ALL");
        let cases = [
            (
                json!({"Target": {"Id": "o-abcdefghij", "Type": "ORGANIZATION"}}),
                "INVALID_PARTY_TYPE_TARGET",
            ),
            (
                json!({"Target": {"Id": "nobody", "Type": "EMAIL"}}),
                "INVALID_EMAIL_ADDRESS_TARGET",
            ),
            (
                json!({"Target": {"Id": "12345", "Type": "ACCOUNT"}}),
                "INVALID_PATTERN",
            ),
            (
                json!({"Target": {"Id": "", "Type": "ACCOUNT"}}),
                "MIN_LENGTH_EXCEEDED",
            ),
            (
                json!({"Target": {"Id": GUEST, "Type": "PERSON"}}),
                "INVALID_ENUM",
            ),
            (json!({"Target": {"Id": GUEST}}), "INPUT_REQUIRED"),
            (
                json!({"Target": {"Id": GUEST, "Type": "ACCOUNT"}, "Notes": "x".repeat(1025)}),
                "MAX_LENGTH_EXCEEDED",
            ),
        ];
        for (input, expected) in cases {
            let e = error_code(run(
                &mut w,
                &mgmt,
                "InviteAccountToOrganization",
                input.clone(),
            ));
            assert_eq!(e, reason("InvalidInputException", expected), "{input}");
        }
        assert_eq!(
            invite(&mut w, &mgmt, MGMT, "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ALREADY_IN_AN_ORGANIZATION"
            ))
        );
        invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, GUEST, "ACCOUNT"),
            Err(code("DuplicateHandshakeException"))
        );
        // The same account by its email is a duplicate too.
        assert_eq!(
            invite(
                &mut w,
                &mgmt,
                &format!("ACCOUNT-{GUEST}@example.com"),
                "EMAIL"
            ),
            Err(code("DuplicateHandshakeException"))
        );
        let outsider = root_caller("333333333333");
        assert_eq!(
            invite(&mut w, &outsider, GUEST, "ACCOUNT"),
            Err(code("AWSOrganizationsNotInUseException"))
        );
        // Outsiders see nothing of other accounts' handshakes.
        let listed = run(&mut w, &outsider, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"], json!([]));
        let h = run(&mut w, &mgmt, "ListHandshakesForOrganization", json!({})).unwrap()
            ["Handshakes"][0]["Id"]
            .clone();
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &h),
            Err(code("HandshakeNotFoundException"))
        );
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &json!("h-nothere1")),
            Err(code("HandshakeNotFoundException"))
        );
        assert_eq!(
            act(&mut w, &outsider, "DescribeHandshake", &json!("x-1")),
            Err(reason("InvalidInputException", "INVALID_PATTERN"))
        );
    }

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
    fn decline_and_cancel() {
        let (mut w, mgmt) = org("CONSOLIDATED_BILLING");
        let guest = root_caller(GUEST);
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            act(&mut w, &guest, "CancelHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        assert_eq!(
            act(&mut w, &mgmt, "DeclineHandshake", &h["Id"]),
            Err(code("AccessDeniedException"))
        );
        assert_eq!(
            act(&mut w, &guest, "DeclineHandshake", &h["Id"]).unwrap()["State"],
            "DECLINED"
        );
        assert_eq!(
            act(&mut w, &guest, "DeclineHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            h["Resources"][0]["Resources"][2]["Value"],
            "CONSOLIDATED_BILLING"
        );
        assert_eq!(
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap()["State"],
            "CANCELED"
        );
        assert_eq!(
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]),
            Err(code("HandshakeAlreadyInStateException"))
        );
        assert_eq!(
            act(&mut w, &guest, "AcceptHandshake", &h["Id"]),
            Err(code("InvalidHandshakeTransitionException"))
        );
        // Answered handshakes stay listed (30 days), with their final state.
        let listed = run(&mut w, &guest, "ListHandshakesForAccount", json!({})).unwrap();
        let mut states: Vec<&str> = listed["Handshakes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["State"].as_str().unwrap())
            .collect();
        states.sort();
        assert_eq!(states, ["CANCELED", "DECLINED"]);
    }

    #[test]
    fn invite_by_email() {
        let (mut w, mgmt) = org("ALL");
        // A known account: created in the organization, then gone standalone.
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "Dev@Example.org", "AccountName": "dev"}),
        )
        .unwrap();
        let car = out["CreateAccountStatus"]["Id"].clone();
        let status = run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": car}),
        )
        .unwrap();
        let dev = status["CreateAccountStatus"]["AccountId"]
            .as_str()
            .unwrap()
            .to_string();
        w.clock.advance(7 * DAY_MS);
        run(&mut w, &root_caller(&dev), "LeaveOrganization", json!({})).unwrap();
        let h = invite(&mut w, &mgmt, "dev@example.org", "EMAIL").unwrap();
        assert_eq!(
            h["Parties"][1],
            json!({"Id": "dev@example.org", "Type": "EMAIL"})
        );
        assert_eq!(
            h["Resources"][1],
            json!({"Type": "EMAIL", "Value": "dev@example.org"})
        );
        // Another account cannot answer it.
        assert_eq!(
            act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]),
            Err(code("HandshakeNotFoundException"))
        );
        let dev = root_caller(&dev);
        let listed = run(&mut w, &dev, "ListHandshakesForAccount", json!({})).unwrap();
        assert_eq!(listed["Handshakes"][0]["Id"], h["Id"]);
        act(&mut w, &dev, "AcceptHandshake", &h["Id"]).unwrap();
        let account = run(
            &mut w,
            &mgmt,
            "DescribeAccount",
            json!({"AccountId": dev.account_id}),
        )
        .unwrap();
        assert_eq!(account["Account"]["JoinedMethod"], "INVITED");
        // An account orgsim never saw answers to the address orgsim invents for it.
        let h = invite(
            &mut w,
            &mgmt,
            &format!("account-{GUEST}@example.com"),
            "EMAIL",
        )
        .unwrap();
        act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]).unwrap();
        assert!(w.organizations.organization_of(GUEST).is_some());
    }

    #[test]
    fn quotas_count_open_invitations_and_daily_sends() {
        let (mut w, mgmt) = org("ALL");
        w.settings.quotas.accounts_per_organization = 2;
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        assert_eq!(
            invite(&mut w, &mgmt, "333333333333", "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "ACCOUNT_NUMBER_LIMIT_EXCEEDED"
            ))
        );
        // The open invitation holds the last seat: account creation fails too.
        let out = run(
            &mut w,
            &mgmt,
            "CreateAccount",
            json!({"Email": "c@example.org", "AccountName": "c"}),
        )
        .unwrap();
        let car = out["CreateAccountStatus"]["Id"].clone();
        let status = run(
            &mut w,
            &mgmt,
            "DescribeCreateAccountStatus",
            json!({"CreateAccountRequestId": car}),
        )
        .unwrap();
        assert_eq!(
            status["CreateAccountStatus"]["FailureReason"],
            "ACCOUNT_LIMIT_EXCEEDED"
        );
        act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap();
        // Twenty unanswered sends a day at least (max(20, account quota)).
        for i in 1..20 {
            let h = invite(&mut w, &mgmt, &format!("4444444444{i:02}"), "ACCOUNT").unwrap();
            act(&mut w, &mgmt, "CancelHandshake", &h["Id"]).unwrap();
        }
        assert_eq!(
            invite(&mut w, &mgmt, "555555555555", "ACCOUNT"),
            Err(reason(
                "HandshakeConstraintViolationException",
                "HANDSHAKE_RATE_LIMIT_EXCEEDED"
            ))
        );
        w.clock.advance(DAY_MS);
        invite(&mut w, &mgmt, "555555555555", "ACCOUNT").unwrap();
    }

    #[test]
    fn accepting_moves_an_account_between_organizations() {
        let (mut w, mgmt) = org("ALL");
        let other = root_caller("333333333333");
        run(&mut w, &other, "CreateOrganization", json!({})).unwrap();
        // The other organization's management account cannot leave it.
        let h = invite(&mut w, &mgmt, "333333333333", "ACCOUNT").unwrap();
        assert_eq!(
            act(&mut w, &other, "AcceptHandshake", &h["Id"]),
            Err(code("MasterCannotLeaveOrganizationException"))
        );
        // A member of it moves: it leaves there and joins here.
        let h = invite(&mut w, &other, GUEST, "ACCOUNT").unwrap();
        act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]).unwrap();
        let h = invite(&mut w, &mgmt, GUEST, "ACCOUNT").unwrap();
        act(&mut w, &root_caller(GUEST), "AcceptHandshake", &h["Id"]).unwrap();
        let mine = w.organizations.organization_of(MGMT).unwrap().id.clone();
        assert_eq!(w.organizations.membership[GUEST], mine);
        let theirs = w.organizations.organization_of("333333333333").unwrap();
        assert!(!theirs.members.contains_key(GUEST));
        assert!(!theirs.attachments.contains_key(GUEST));
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
