//! Organizations wire shapes (member names as in the API), built from the model.

use serde::{Deserialize, Serialize};

use super::model::OrganizationsState;
use super::model::{
    AccountState, CreateAccountRequest, CreateAccountState, FeatureSet, JoinedMethod,
    Organization as OrgModel,
};
use super::model::{
    Handshake as HandshakeModel, HandshakeAction, HandshakePartyType,
    HandshakeResource as HandshakeResourceModel, HandshakeState,
};
use crate::world::epoch_seconds;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Organization {
    pub id: String,
    pub arn: String,
    pub feature_set: FeatureSet,
    pub master_account_arn: String,
    pub master_account_id: String,
    pub master_account_email: String,
    /// Deprecated in AWS: only the SCP type is ever listed here.
    pub available_policy_types: Vec<PolicyTypeSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyTypeSummary {
    pub r#type: String,
    pub status: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Root {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub policy_types: Vec<PolicyTypeSummary>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Account {
    pub id: String,
    pub arn: String,
    pub email: String,
    pub name: String,
    /// Retiring in AWS in favour of `State`; still sent.
    pub status: &'static str,
    pub state: AccountState,
    pub paths: Vec<String>,
    pub joined_method: JoinedMethod,
    pub joined_timestamp: f64,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OrganizationalUnit {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub path: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateAccountStatus {
    pub id: String,
    pub account_name: String,
    pub state: CreateAccountState,
    pub requested_timestamp: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_timestamp: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Child {
    pub id: String,
    pub r#type: ChildType,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parent {
    pub id: String,
    pub r#type: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChildType {
    Account,
    OrganizationalUnit,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    pub key: String,
    pub value: String,
}

pub fn organization(state: &OrganizationsState, org: &OrgModel) -> Organization {
    let email = state
        .accounts
        .get(org.management_account_id.as_str())
        .map(|a| a.email.clone())
        .unwrap_or_default();
    Organization {
        id: org.id.clone(),
        arn: org.arn(),
        feature_set: org.feature_set,
        master_account_arn: org.account_arn(&org.management_account_id),
        master_account_id: org.management_account_id.clone(),
        master_account_email: email,
        available_policy_types: match org.feature_set {
            FeatureSet::All => vec![PolicyTypeSummary {
                r#type: "SERVICE_CONTROL_POLICY".into(),
                status: "ENABLED".into(),
            }],
            FeatureSet::ConsolidatedBilling => vec![],
        },
    }
}

pub fn root(org: &OrgModel) -> Root {
    Root {
        id: org.root.id.clone(),
        arn: org.root_arn(),
        name: org.root.name.clone(),
        policy_types: org
            .root
            .policy_types
            .iter()
            .map(|t| PolicyTypeSummary {
                r#type: t.clone(),
                status: "ENABLED".into(),
            })
            .collect(),
    }
}

/// The account as `DescribeAccount` shows it; `None` if it is not a member.
pub fn account(state: &OrganizationsState, org: &OrgModel, account_id: &str) -> Option<Account> {
    let member = org.members.get(account_id)?;
    let record = state.accounts.get(account_id)?;
    Some(Account {
        id: account_id.to_string(),
        arn: org.account_arn(account_id),
        email: record.email.clone(),
        name: record.name.to_string(),
        status: match member.state {
            AccountState::Suspended | AccountState::Closed => "SUSPENDED",
            AccountState::PendingClosure => "PENDING_CLOSURE",
            AccountState::Active | AccountState::PendingActivation => "ACTIVE",
        },
        state: member.state,
        paths: vec![format!(
            "{}{account_id}/",
            org.path_of_parent(&member.parent_id)
        )],
        joined_method: member.joined_method,
        joined_timestamp: epoch_seconds(member.joined_ms),
    })
}

pub fn organizational_unit(org: &OrgModel, ou_id: &str) -> Option<OrganizationalUnit> {
    let ou = org.ous.get(ou_id)?;
    Some(OrganizationalUnit {
        id: ou.id.clone(),
        arn: org.ou_arn(&ou.id),
        name: ou.name.clone(),
        path: org.path_of_parent(&ou.id),
    })
}

pub fn create_account_status(id: &str, request: &CreateAccountRequest) -> CreateAccountStatus {
    CreateAccountStatus {
        id: id.to_string(),
        account_name: request.account_name.to_string(),
        state: request.state,
        requested_timestamp: epoch_seconds(request.requested_ms),
        completed_timestamp: request.completed_ms.map(epoch_seconds),
        account_id: request.account_id.as_ref().map(ToString::to_string),
        failure_reason: request.failure_reason.clone(),
    }
}

pub fn parent_type(id: &str) -> &'static str {
    if id.starts_with("r-") {
        "ROOT"
    } else {
        "ORGANIZATIONAL_UNIT"
    }
}

// Handshakes.

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Handshake {
    pub id: String,
    pub arn: String,
    pub parties: Vec<HandshakeParty>,
    pub state: HandshakeState,
    pub requested_timestamp: f64,
    pub expiration_timestamp: f64,
    pub action: HandshakeAction,
    pub resources: Vec<HandshakeResource>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeParty {
    pub id: String,
    pub r#type: HandshakePartyType,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HandshakeResource {
    pub value: String,
    pub r#type: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<HandshakeResource>,
}

/// The handshake as its parties see it, in `state` (which accounts for expiry).
pub fn handshake(handshake: &HandshakeModel, state: HandshakeState) -> Handshake {
    fn resource(r: &HandshakeResourceModel) -> HandshakeResource {
        HandshakeResource {
            value: r.value.clone(),
            r#type: r.resource_type.clone(),
            resources: r.resources.iter().map(resource).collect(),
        }
    }
    let action = serde_json::to_value(handshake.action)
        .ok()
        .and_then(|v| v.as_str().map(str::to_lowercase))
        .unwrap_or_default();
    Handshake {
        id: handshake.id.clone(),
        arn: format!(
            "arn:aws:organizations::{}:handshake/{}/{action}/{}",
            handshake.management_account_id, handshake.organization_id, handshake.id
        ),
        parties: handshake
            .parties
            .iter()
            .map(|p| HandshakeParty {
                id: p.id.clone(),
                r#type: p.party_type,
            })
            .collect(),
        state,
        requested_timestamp: epoch_seconds(handshake.requested_ms),
        expiration_timestamp: epoch_seconds(handshake.expiration_ms),
        action: handshake.action,
        resources: handshake.resources.iter().map(resource).collect(),
    }
}
