//! The organizational view: the management account (or a delegated administrator for
//! `health.amazonaws.com`) turns it on, which is trusted access in Organizations, and
//! then sees the events of every account of the organization that orgsim learned of
//! after that moment.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::account_view::{
    details, status_counts, EntityAggregate, EntityOut, EventDescription, EventOut,
};
use super::errors::HealthError;
use super::filters::{check_entity_statuses, EventFilter, OrganizationEventFilter};
use super::model::Event;
use super::{check_event_arn, check_event_arns, check_locale, page, Empty, SERVICE_PRINCIPAL};
use crate::auth::Caller;
use crate::services::organizations::delegation::{
    check_enable_service_access, delegated_admins_for, deregister_delegated_admin_in,
    disable_service_access, enable_service_access, is_delegated_admin, service_access_enabled,
};
use crate::services::organizations::model::Organization;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// The caller's organization, if the caller may use the organizational view's
/// switches: only its management account.
fn managed<'w>(world: &'w World, caller: &Caller) -> Result<&'w Organization, HealthError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or(HealthError::OrganizationsNotInUse)?;
    if org.management_account_id != caller.account_id {
        return Err(HealthError::AccessDenied(
            "Only the management account of the organization can change the organizational view of AWS Health.".into(),
        ));
    }
    Ok(org)
}

/// The caller's organization and when its organizational view was turned on, for the
/// operations that read it: the management account or a delegated administrator.
fn viewing<'w>(world: &'w World, caller: &Caller) -> Result<(&'w Organization, i64), HealthError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or(HealthError::OrganizationsNotInUse)?;
    if org.management_account_id != caller.account_id
        && !is_delegated_admin(org, &caller.account_id, SERVICE_PRINCIPAL)
    {
        return Err(HealthError::AccessDenied(
            "Only the management account or a delegated administrator for AWS Health can use the organizational view.".into(),
        ));
    }
    let enabled_ms = org
        .enabled_services
        .get(SERVICE_PRINCIPAL)
        .copied()
        .ok_or_else(|| {
            HealthError::AccessDenied(
                "The organizational view of AWS Health is not enabled for this organization. Call EnableHealthServiceAccessForOrganization first.".into(),
            )
        })?;
    Ok((org, enabled_ms))
}

fn member_of(world: &World, org: &Organization, account: &str) -> bool {
    world
        .organizations
        .organization_of(account)
        .is_some_and(|o| o.id == org.id)
}

/// The organization's accounts an event affects (none for a public event).
fn affected_in(world: &World, org: &Organization, event: &Event) -> Vec<String> {
    event
        .affected_accounts
        .iter()
        .filter(|a| member_of(world, org, a))
        .cloned()
        .collect()
}

/// Whether the organization sees `event`: learned of after the view was turned on, and
/// public or affecting one of its accounts.
fn org_sees(world: &World, org: &Organization, enabled_ms: i64, event: &Event) -> bool {
    event.created_ms >= enabled_ms
        && (event.is_public() || !affected_in(world, org, event).is_empty())
}

pub fn enable_access(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<Empty, HealthError> {
    let org = managed(world, caller)?;
    check_enable_service_access(org).map_err(|_| {
        HealthError::ConstraintViolation(
            "You attempted to perform an operation that requires the organization to be configured to support all features.".into(),
        )
    })?;
    let (org_id, now) = (org.id.clone(), world.clock.now_ms());
    if let Some(org) = world.organizations.organizations.get_mut(&org_id) {
        enable_service_access(org, SERVICE_PRINCIPAL, now);
    }
    Ok(Empty {})
}

/// Turning the view off is turning trusted access off, which deregisters Health's
/// delegated administrators too, as Organizations does.
pub fn disable_access(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<Empty, HealthError> {
    let org = managed(world, caller)?;
    let org_id = org.id.clone();
    let admins: Vec<String> = delegated_admins_for(org, SERVICE_PRINCIPAL)
        .cloned()
        .collect();
    for account in admins {
        deregister_delegated_admin_in(world, &org_id, &account, SERVICE_PRINCIPAL);
    }
    if let Some(org) = world.organizations.organizations.get_mut(&org_id) {
        disable_service_access(org, SERVICE_PRINCIPAL);
    }
    Ok(Empty {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeStatusOutput {
    pub health_service_access_status_for_organization: String,
}

pub fn describe_status(
    world: &mut World,
    caller: &Caller,
    _input: Empty,
) -> Result<DescribeStatusOutput, HealthError> {
    let org = world
        .organizations
        .organization_of(&caller.account_id)
        .ok_or(HealthError::OrganizationsNotInUse)?;
    let status = if service_access_enabled(org, SERVICE_PRINCIPAL) {
        "ENABLED"
    } else {
        "DISABLED"
    };
    Ok(DescribeStatusOutput {
        health_service_access_status_for_organization: status.into(),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventsForOrganizationInput {
    pub filter: Option<OrganizationEventFilter>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub locale: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventsForOrganizationOutput {
    pub events: Vec<EventOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_events(
    world: &mut World,
    caller: &Caller,
    input: DescribeEventsForOrganizationInput,
) -> Result<DescribeEventsForOrganizationOutput, HealthError> {
    check_locale(&input.locale)?;
    let (org, enabled_ms) = viewing(world, caller)?;
    let org_filter = input.filter.unwrap_or_default();
    if let Some(ids) = &org_filter.aws_account_ids {
        if ids.is_empty() || ids.len() > 50 {
            return Err(HealthError::constraint(
                "filter.awsAccountIds",
                &format!("{} items", ids.len()),
                "Member must have length between 1 and 50",
            ));
        }
    }
    let accounts = org_filter.aws_account_ids.clone();
    let filter: EventFilter = org_filter.into();
    filter.check()?;
    let listing = format!("DescribeEventsForOrganization {}", org.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, (1, 100))?;
    let events = world
        .health
        .events
        .values()
        .filter(|e| after.as_ref().is_none_or(|a| &e.arn > a))
        .filter(|e| org_sees(world, org, enabled_ms, e))
        .filter(|e| {
            accounts
                .as_ref()
                .is_none_or(|ids| e.affected_accounts.iter().any(|a| ids.contains(a)))
        })
        .filter(|e| filter.matches(e, accounts.as_deref()));
    let (page, next) = take_page(events, max, |e| e.arn.clone());
    Ok(DescribeEventsForOrganizationOutput {
        events: page.into_iter().map(EventOut::of).collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

/// The event `arn` names, if the organization sees it.
fn org_event<'w>(
    world: &'w World,
    org: &Organization,
    enabled_ms: i64,
    arn: &str,
) -> Option<&'w Event> {
    world
        .health
        .events
        .get(arn)
        .filter(|e| org_sees(world, org, enabled_ms, e))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedAccountsInput {
    pub event_arn: String,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedAccountsOutput {
    pub affected_accounts: Vec<String>,
    pub event_scope_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_affected_accounts(
    world: &mut World,
    caller: &Caller,
    input: DescribeAffectedAccountsInput,
) -> Result<DescribeAffectedAccountsOutput, HealthError> {
    check_event_arn("eventArn", &input.event_arn)?;
    let (org, enabled_ms) = viewing(world, caller)?;
    let listing = format!(
        "DescribeAffectedAccountsForOrganization {}",
        input.event_arn
    );
    let (max, after) = page(&listing, input.max_results, &input.next_token, (10, 100))?;
    let Some(event) = org_event(world, org, enabled_ms, &input.event_arn) else {
        // AWS answers an event it does not know with no accounts.
        return Ok(DescribeAffectedAccountsOutput {
            affected_accounts: Vec::new(),
            event_scope_code: "NONE".into(),
            next_token: None,
        });
    };
    let mut accounts = affected_in(world, org, event);
    accounts.sort();
    let remaining = accounts
        .into_iter()
        .filter(|a| after.as_ref().is_none_or(|k| a > k));
    let (page, next) = take_page(remaining, max, |a| a.clone());
    Ok(DescribeAffectedAccountsOutput {
        affected_accounts: page,
        event_scope_code: event.scope_code().into(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventAccountFilter {
    pub event_arn: String,
    pub aws_account_id: Option<String>,
    pub status_codes: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedEntitiesForOrganizationInput {
    pub organization_entity_filters: Option<Vec<EventAccountFilter>>,
    pub organization_entity_account_filters: Option<Vec<EventAccountFilter>>,
    pub locale: Option<String>,
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationErrorItem {
    pub aws_account_id: String,
    pub event_arn: String,
    pub error_name: String,
    pub error_message: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeAffectedEntitiesForOrganizationOutput {
    pub entities: Vec<EntityOut>,
    pub failed_set: Vec<OrganizationErrorItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

fn check_account_filters(member: &str, filters: &[EventAccountFilter]) -> Result<(), HealthError> {
    if filters.is_empty() || filters.len() > 10 {
        return Err(HealthError::constraint(
            member,
            &format!("{} items", filters.len()),
            "Member must have length between 1 and 10",
        ));
    }
    for filter in filters {
        check_event_arn(&format!("{member}.eventArn"), &filter.event_arn)?;
        check_entity_statuses(&format!("{member}.statusCodes"), &filter.status_codes)?;
    }
    Ok(())
}

pub fn describe_affected_entities(
    world: &mut World,
    caller: &Caller,
    input: DescribeAffectedEntitiesForOrganizationInput,
) -> Result<DescribeAffectedEntitiesForOrganizationOutput, HealthError> {
    check_locale(&input.locale)?;
    let filters = match (
        input.organization_entity_filters,
        input.organization_entity_account_filters,
    ) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(HealthError::Validation(
                "Specify either organizationEntityFilters or organizationEntityAccountFilters."
                    .into(),
            ))
        }
        (Some(f), None) => {
            check_account_filters("organizationEntityFilters", &f)?;
            f
        }
        (None, Some(f)) => {
            check_account_filters("organizationEntityAccountFilters", &f)?;
            f
        }
    };
    let (org, enabled_ms) = viewing(world, caller)?;
    let listing = format!("DescribeAffectedEntitiesForOrganization {}", org.id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, (1, 100))?;
    let mut failed_set = Vec::new();
    let mut found: Vec<(&Event, &super::model::Entity)> = Vec::new();
    for filter in &filters {
        let Some(event) = org_event(world, org, enabled_ms, &filter.event_arn) else {
            failed_set.push(OrganizationErrorItem {
                aws_account_id: filter.aws_account_id.clone().unwrap_or_default(),
                event_arn: filter.event_arn.clone(),
                error_name: "EventNotFoundException".into(),
                error_message: format!("The event {} was not found.", filter.event_arn),
            });
            continue;
        };
        found.extend(
            event
                .entities
                .iter()
                .filter(|n| {
                    member_of(world, org, &n.account_id)
                        && filter
                            .aws_account_id
                            .as_ref()
                            .is_none_or(|a| *a == n.account_id)
                        && filter
                            .status_codes
                            .as_ref()
                            .is_none_or(|s| s.contains(&n.status_code))
                })
                .map(|n| (event, n)),
        );
    }
    found.sort_by(|a, b| a.1.arn.cmp(&b.1.arn));
    found.dedup_by(|a, b| a.1.arn == b.1.arn);
    let remaining = found
        .into_iter()
        .filter(|(_, n)| after.as_ref().is_none_or(|k| &n.arn > k));
    let (page, next) = take_page(remaining, max, |(_, n)| n.arn.clone());
    Ok(DescribeAffectedEntitiesForOrganizationOutput {
        entities: page.into_iter().map(|(e, n)| EntityOut::of(e, n)).collect(),
        failed_set,
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventDetailsForOrganizationInput {
    pub organization_event_detail_filters: Vec<EventAccountFilter>,
    pub locale: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationEventDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aws_account_id: Option<String>,
    pub event: EventOut,
    pub event_description: EventDescription,
    pub event_metadata: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEventDetailsForOrganizationOutput {
    pub successful_set: Vec<OrganizationEventDetails>,
    pub failed_set: Vec<OrganizationErrorItem>,
}

pub fn describe_event_details(
    world: &mut World,
    caller: &Caller,
    input: DescribeEventDetailsForOrganizationInput,
) -> Result<DescribeEventDetailsForOrganizationOutput, HealthError> {
    check_locale(&input.locale)?;
    check_account_filters(
        "organizationEventDetailFilters",
        &input.organization_event_detail_filters,
    )?;
    let (org, enabled_ms) = viewing(world, caller)?;
    let mut out = DescribeEventDetailsForOrganizationOutput {
        successful_set: Vec::new(),
        failed_set: Vec::new(),
    };
    for filter in &input.organization_event_detail_filters {
        let event = org_event(world, org, enabled_ms, &filter.event_arn).filter(|e| {
            // An account-specific event's details are asked for per affected account.
            match &filter.aws_account_id {
                Some(account) => e.is_public() || affected_in(world, org, e).contains(account),
                None => e.is_public(),
            }
        });
        match event {
            Some(event) => {
                let (event, event_description) = details(event);
                out.successful_set.push(OrganizationEventDetails {
                    aws_account_id: filter.aws_account_id.clone(),
                    event,
                    event_description,
                    event_metadata: BTreeMap::new(),
                });
            }
            None => out.failed_set.push(OrganizationErrorItem {
                aws_account_id: filter.aws_account_id.clone().unwrap_or_default(),
                event_arn: filter.event_arn.clone(),
                error_name: "EventNotFoundException".into(),
                error_message: format!(
                    "The event {} was not found for this account.",
                    filter.event_arn
                ),
            }),
        }
    }
    Ok(out)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEntityAggregatesForOrganizationInput {
    pub event_arns: Vec<String>,
    pub aws_account_ids: Option<Vec<String>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEntityAggregate {
    pub account_id: String,
    pub count: i64,
    pub statuses: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationEntityAggregate {
    #[serde(flatten)]
    pub aggregate: EntityAggregate,
    pub accounts: Vec<AccountEntityAggregate>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DescribeEntityAggregatesForOrganizationOutput {
    pub organization_entity_aggregates: Vec<OrganizationEntityAggregate>,
}

pub fn describe_entity_aggregates(
    world: &mut World,
    caller: &Caller,
    input: DescribeEntityAggregatesForOrganizationInput,
) -> Result<DescribeEntityAggregatesForOrganizationOutput, HealthError> {
    check_event_arns("eventArns", &input.event_arns, 25)?;
    if let Some(ids) = &input.aws_account_ids {
        if ids.is_empty() || ids.len() > 25 {
            return Err(HealthError::constraint(
                "awsAccountIds",
                &format!("{} items", ids.len()),
                "Member must have length between 1 and 25",
            ));
        }
    }
    let (org, enabled_ms) = viewing(world, caller)?;
    let wanted = |account: &str| {
        member_of(world, org, account)
            && input
                .aws_account_ids
                .as_ref()
                .is_none_or(|ids| ids.iter().any(|a| a == account))
    };
    let organization_entity_aggregates = input
        .event_arns
        .iter()
        .filter_map(|arn| org_event(world, org, enabled_ms, arn))
        .map(|event| {
            let entities = || event.entities.iter().filter(|n| wanted(&n.account_id));
            let (count, statuses) = status_counts(entities());
            let mut by_account: BTreeMap<&str, Vec<&super::model::Entity>> = BTreeMap::new();
            for entity in entities() {
                by_account
                    .entry(entity.account_id.as_str())
                    .or_default()
                    .push(entity);
            }
            let accounts = by_account
                .into_iter()
                .map(|(account, list)| {
                    let (count, statuses) = status_counts(list.into_iter());
                    AccountEntityAggregate {
                        account_id: account.to_string(),
                        count,
                        statuses,
                    }
                })
                .collect();
            OrganizationEntityAggregate {
                aggregate: EntityAggregate {
                    event_arn: event.arn.clone(),
                    count,
                    statuses,
                },
                accounts,
            }
        })
        .collect();
    Ok(DescribeEntityAggregatesForOrganizationOutput {
        organization_entity_aggregates,
    })
}
