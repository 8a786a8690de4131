//! Operations orgsim answers as AWS answers an organization that is not set up for
//! them, rather than with `NotImplemented`:
//!
//! - `CreateGovCloudAccount` needs a management account paired with an account in the
//!   AWS GovCloud (US) partition. orgsim emulates the commercial partition only, so no
//!   management account is paired, and AWS's answer to such an organization is
//!   `ConstraintViolationException` `MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED`.
//! - Responsibility (billing) transfers need AWS billing, which orgsim does not
//!   emulate. No organization takes part in a transfer: listings are empty, a transfer
//!   id is never found, and an invitation is refused with `ConstraintViolationException`
//!   `UNMET_BILLING_PREREQUISITE` ("your current billing configuration is
//!   unsupported") after its input is checked like AWS checks it.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::accounts::{CreateAccountInput, CreateAccountStatusOutput, DEFAULT_ACCESS_ROLE};
use super::dto::Tag;
use super::errors::OrgError;
use super::{managed_org, validate, Page};
use crate::auth::Caller;
use crate::world::World;

/// The output of an operation that cannot succeed in orgsim.
#[derive(Debug, Serialize)]
pub enum Never {}

pub fn create_gov_cloud_account(
    world: &mut World,
    caller: &Caller,
    input: CreateAccountInput,
) -> Result<CreateAccountStatusOutput, OrgError> {
    validate::email(&input.email)?;
    validate::create_account_name(&input.account_name)?;
    validate::role_name(input.role_name.as_deref().unwrap_or(DEFAULT_ACCESS_ROLE))?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    managed_org(world, caller)?;
    Err(OrgError::constraint(
        "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED",
        "To complete this operation, the management account must have an associated account in the AWS GovCloud (US-West) Region.",
    ))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResponsibilityTransferType {
    Billing,
}

#[derive(Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartyType {
    Account,
    Organization,
    Email,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Party {
    pub id: String,
    pub r#type: PartyType,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct InviteOrganizationToTransferResponsibilityInput {
    pub r#type: ResponsibilityTransferType,
    pub target: Party,
    pub notes: Option<String>,
    /// Epoch seconds, as awsJson sends timestamps.
    pub start_timestamp: f64,
    pub source_name: String,
    pub tags: Option<Vec<Tag>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeOutput {
    pub handshake: Never,
}

pub fn invite_organization_to_transfer_responsibility(
    world: &mut World,
    caller: &Caller,
    input: InviteOrganizationToTransferResponsibilityInput,
) -> Result<HandshakeOutput, OrgError> {
    let _ = input.r#type;
    check_transfer_target(&input.target)?;
    if let Some(notes) = &input.notes {
        validate::length("Notes", notes, 0, 1024)?;
    }
    validate::responsibility_transfer_name("SourceName", &input.source_name)?;
    let tags: Vec<(String, String)> = input
        .tags
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value))
        .collect();
    validate::tags(&tags)?;
    managed_org(world, caller)?;
    check_start(input.start_timestamp, world.clock.now_ms())?;
    Err(OrgError::constraint(
        "UNMET_BILLING_PREREQUISITE",
        "Your current billing configuration is unsupported: orgsim does not emulate AWS billing, so no organization can transfer billing responsibility.",
    ))
}

/// The target is an account or an email address (ORGANIZATION is for answers only).
fn check_transfer_target(target: &Party) -> Result<(), OrgError> {
    validate::length("Target.Id", &target.id, 1, 64)?;
    match target.r#type {
        PartyType::Organization => Err(OrgError::invalid(
            "INVALID_PARTY_TYPE_TARGET",
            "You specified the wrong type of entity as a party: the target must be an ACCOUNT or an EMAIL.",
        )),
        PartyType::Account => validate::account_id("Target.Id", &target.id),
        PartyType::Email => validate::email(&target.id).map_err(|_| {
            OrgError::invalid(
                "INVALID_EMAIL_ADDRESS_TARGET",
                "You specified an invalid email address for the invited account owner.",
            )
        }),
    }
}

/// A transfer starts at midnight UTC on the first day of a month, not in the past.
fn check_start(start_seconds: f64, now_ms: i64) -> Result<(), OrgError> {
    let start =
        OffsetDateTime::from_unix_timestamp_nanos((start_seconds * 1e9) as i128).map_err(|_| {
            OrgError::invalid(
                "INVALID_START_DATE",
                "The start date doesn't meet the minimum requirements.",
            )
        })?;
    if start.time() != time::Time::MIDNIGHT {
        return Err(OrgError::invalid(
            "START_DATE_NOT_BEGINNING_OF_DAY",
            "You provided an invalid start date. The start date must be the beginning of the day (00:00:00.000).",
        ));
    }
    if start.day() != 1 {
        return Err(OrgError::invalid(
            "START_DATE_NOT_BEGINNING_OF_MONTH",
            "You provided an invalid start date. The start date must be the first day of the month.",
        ));
    }
    if (start_seconds * 1000.0) < now_ms as f64 {
        return Err(OrgError::invalid(
            "START_DATE_TOO_EARLY",
            "You provided an invalid start date. The start date is too early.",
        ));
    }
    Ok(())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TransferIdInput {
    pub id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResponsibilityTransferOutput {
    pub responsibility_transfer: Never,
}

pub fn describe_responsibility_transfer(
    world: &mut World,
    caller: &Caller,
    input: TransferIdInput,
) -> Result<ResponsibilityTransferOutput, OrgError> {
    validate::responsibility_transfer_id(&input.id)?;
    managed_org(world, caller)?;
    Err(OrgError::ResponsibilityTransferNotFound)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TerminateResponsibilityTransferInput {
    pub id: String,
    pub end_timestamp: Option<f64>,
}

pub fn terminate_responsibility_transfer(
    world: &mut World,
    caller: &Caller,
    input: TerminateResponsibilityTransferInput,
) -> Result<ResponsibilityTransferOutput, OrgError> {
    validate::responsibility_transfer_id(&input.id)?;
    let _ = input.end_timestamp;
    managed_org(world, caller)?;
    Err(OrgError::ResponsibilityTransferNotFound)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateResponsibilityTransferInput {
    pub id: String,
    pub name: String,
}

pub fn update_responsibility_transfer(
    world: &mut World,
    caller: &Caller,
    input: UpdateResponsibilityTransferInput,
) -> Result<ResponsibilityTransferOutput, OrgError> {
    validate::responsibility_transfer_id(&input.id)?;
    validate::responsibility_transfer_name("Name", &input.name)?;
    managed_org(world, caller)?;
    Err(OrgError::ResponsibilityTransferNotFound)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInboundResponsibilityTransfersInput {
    pub r#type: ResponsibilityTransferType,
    pub id: Option<String>,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListOutboundResponsibilityTransfersInput {
    pub r#type: ResponsibilityTransferType,
    #[serde(flatten)]
    pub page: Page,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListResponsibilityTransfersOutput {
    pub responsibility_transfers: Vec<Never>,
}

pub fn list_inbound_responsibility_transfers(
    world: &mut World,
    caller: &Caller,
    input: ListInboundResponsibilityTransfersInput,
) -> Result<ListResponsibilityTransfersOutput, OrgError> {
    let _ = input.r#type;
    if let Some(id) = &input.id {
        validate::responsibility_transfer_id(id)?;
    }
    let org = managed_org(world, caller)?;
    input
        .page
        .resolve(&format!("ListInboundResponsibilityTransfers {}", org.id))?;
    if input.id.is_some() {
        return Err(OrgError::ResponsibilityTransferNotFound);
    }
    Ok(ListResponsibilityTransfersOutput {
        responsibility_transfers: vec![],
    })
}

pub fn list_outbound_responsibility_transfers(
    world: &mut World,
    caller: &Caller,
    input: ListOutboundResponsibilityTransfersInput,
) -> Result<ListResponsibilityTransfersOutput, OrgError> {
    let _ = input.r#type;
    let org = managed_org(world, caller)?;
    input
        .page
        .resolve(&format!("ListOutboundResponsibilityTransfers {}", org.id))?;
    Ok(ListResponsibilityTransfersOutput {
        responsibility_transfers: vec![],
    })
}

#[cfg(test)]
mod tests {
    use super::super::delegation::tests::org_with_members;
    use super::super::test_support::*;
    use serde_json::json;

    fn pair(code: &str, reason: &str) -> (String, Option<String>) {
        (code.to_string(), Some(reason.to_string()))
    }

    /// 2030-01-01T00:00:00Z.
    const FIRST_OF_MONTH: f64 = 1_893_456_000.0;

    #[test]
    fn gov_cloud_needs_a_paired_management_account() {
        let (mut w, mgmt, m) = org_with_members(1);
        let input = json!({"Email": "gov@example.org", "AccountName": "gov"});
        assert_eq!(
            error_code(run(&mut w, &mgmt, "CreateGovCloudAccount", input.clone())),
            pair(
                "ConstraintViolationException",
                "MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED"
            )
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "CreateGovCloudAccount",
                json!({"Email": "x", "AccountName": "gov"})
            )),
            pair("InvalidInputException", "MIN_LENGTH_EXCEEDED")
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &root_caller(&m[0]),
                "CreateGovCloudAccount",
                input.clone()
            ))
            .0,
            "AccessDeniedException"
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &root_caller("222222222222"),
                "CreateGovCloudAccount",
                input
            ))
            .0,
            "AWSOrganizationsNotInUseException"
        );
    }

    #[test]
    fn transfer_invitations_are_checked_then_refused() {
        let (mut w, mgmt, m) = org_with_members(1);
        w.clock.pinned_ms = Some(1_700_000_000_000);
        let invite = |start: f64, target: serde_json::Value| json!({"Type": "BILLING", "Target": target, "StartTimestamp": start, "SourceName": "Partner billing"});
        let account = json!({"Id": "222222222222", "Type": "ACCOUNT"});
        let cases = [
            (
                invite(
                    FIRST_OF_MONTH,
                    json!({"Id": "o-abcdefghij", "Type": "ORGANIZATION"}),
                ),
                "INVALID_PARTY_TYPE_TARGET",
            ),
            (
                invite(FIRST_OF_MONTH, json!({"Id": "nope", "Type": "EMAIL"})),
                "INVALID_EMAIL_ADDRESS_TARGET",
            ),
            (
                invite(FIRST_OF_MONTH, json!({"Id": "12", "Type": "ACCOUNT"})),
                "INVALID_PATTERN",
            ),
            (
                invite(FIRST_OF_MONTH + 3600.0, account.clone()),
                "START_DATE_NOT_BEGINNING_OF_DAY",
            ),
            (
                invite(FIRST_OF_MONTH + 86_400.0, account.clone()),
                "START_DATE_NOT_BEGINNING_OF_MONTH",
            ),
            // 2023-11-01, before the pinned clock.
            (
                invite(1_698_796_800.0, account.clone()),
                "START_DATE_TOO_EARLY",
            ),
            (
                json!({"Type": "SHIPPING", "Target": account, "StartTimestamp": FIRST_OF_MONTH, "SourceName": "x"}),
                "INVALID_ENUM",
            ),
            (
                json!({"Type": "BILLING", "Target": account, "StartTimestamp": FIRST_OF_MONTH, "SourceName": "caf\u{e9}"}),
                "INVALID_PATTERN",
            ),
        ];
        for (input, reason) in cases {
            assert_eq!(
                error_code(run(
                    &mut w,
                    &mgmt,
                    "InviteOrganizationToTransferResponsibility",
                    input.clone()
                )),
                pair("InvalidInputException", reason),
                "{input}"
            );
        }
        let good = invite(FIRST_OF_MONTH, account);
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "InviteOrganizationToTransferResponsibility",
                good.clone()
            )),
            pair("ConstraintViolationException", "UNMET_BILLING_PREREQUISITE")
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &root_caller(&m[0]),
                "InviteOrganizationToTransferResponsibility",
                good
            ))
            .0,
            "AccessDeniedException"
        );
    }

    #[test]
    fn no_transfer_exists() {
        let (mut w, mgmt, m) = org_with_members(1);
        for op in [
            "ListInboundResponsibilityTransfers",
            "ListOutboundResponsibilityTransfers",
        ] {
            let out = run(&mut w, &mgmt, op, json!({"Type": "BILLING"})).unwrap();
            assert_eq!(out, json!({"ResponsibilityTransfers": []}), "{op}");
            assert_eq!(
                error_code(run(
                    &mut w,
                    &mgmt,
                    op,
                    json!({"Type": "BILLING", "NextToken": "forged"})
                )),
                pair("InvalidInputException", "INVALID_NEXT_TOKEN")
            );
            assert_eq!(
                error_code(run(&mut w, &mgmt, op, json!({}))),
                pair("InvalidInputException", "INPUT_REQUIRED")
            );
            assert_eq!(
                error_code(run(
                    &mut w,
                    &root_caller(&m[0]),
                    op,
                    json!({"Type": "BILLING"})
                ))
                .0,
                "AccessDeniedException"
            );
        }
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "ListInboundResponsibilityTransfers",
                json!({"Type": "BILLING", "Id": "rt-abcdefgh"})
            ))
            .0,
            "ResponsibilityTransferNotFoundException"
        );
        let id = json!({"Id": "rt-abcdefgh"});
        for (op, input) in [
            ("DescribeResponsibilityTransfer", id.clone()),
            (
                "TerminateResponsibilityTransfer",
                json!({"Id": "rt-abcdefgh", "EndTimestamp": 1_900_000_000.0}),
            ),
            (
                "UpdateResponsibilityTransfer",
                json!({"Id": "rt-abcdefgh", "Name": "renamed"}),
            ),
        ] {
            assert_eq!(
                error_code(run(&mut w, &mgmt, op, input)).0,
                "ResponsibilityTransferNotFoundException",
                "{op}"
            );
            assert_eq!(
                error_code(run(&mut w, &mgmt, op, json!({"Id": "rt-X", "Name": "n"}))),
                pair("InvalidInputException", "INVALID_PATTERN"),
                "{op}"
            );
        }
        assert_eq!(
            error_code(run(
                &mut w,
                &mgmt,
                "UpdateResponsibilityTransfer",
                json!({"Id": "rt-abcdefgh", "Name": ""})
            )),
            pair("InvalidInputException", "MIN_LENGTH_EXCEEDED")
        );
        assert_eq!(
            error_code(run(
                &mut w,
                &root_caller("222222222222"),
                "DescribeResponsibilityTransfer",
                id
            ))
            .0,
            "AWSOrganizationsNotInUseException"
        );
    }
}
