//! Service-linked roles: CreateServiceLinkedRole, DeleteServiceLinkedRole,
//! GetServiceLinkedRoleDeletionStatus, and [`ensure`], which the emulated services
//! call when AWS would create their role (Organizations for every account of an
//! organization, GuardDuty at CreateDetector, Security Hub at EnableSecurityHub, Config
//! when a recorder uses it).

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::documents::TrustDocument;
use super::errors::IamError;
use super::model::{
    constant, constant_str, entity_key, shared_attachments, DeletionTask, Role, Text,
};
use super::shapes::RoleShape;
use super::{account, managed, new_id, validate};
use crate::auth::Caller;
use crate::world::World;

/// A service that has a service-linked role: its role name and AWS managed policy.
struct LinkedService {
    service: &'static str,
    role_name: &'static str,
    policy: &'static str,
    description: &'static str,
    /// Whether `CustomSuffix` is accepted.
    suffix: bool,
}

const SERVICES: &[LinkedService] = &[
    LinkedService {
        service: "organizations.amazonaws.com",
        role_name: "AWSServiceRoleForOrganizations",
        policy: "AWSOrganizationsServiceTrustPolicy",
        description: "Service-linked role used by AWS Organizations to enable integration of other AWS services with Organizations.",
        suffix: false,
    },
    LinkedService {
        service: "guardduty.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonGuardDuty",
        policy: "AmazonGuardDutyServiceRolePolicy",
        description: "A service-linked role required for Amazon GuardDuty to access your resources. ",
        suffix: false,
    },
    LinkedService {
        service: "malware-protection.guardduty.amazonaws.com",
        role_name: "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
        policy: "AmazonGuardDutyMalwareProtectionServiceRolePolicy",
        description: "A service-linked role required for Malware Protection in Amazon GuardDuty to access your resources.",
        suffix: false,
    },
    LinkedService {
        service: "securityhub.amazonaws.com",
        role_name: "AWSServiceRoleForSecurityHub",
        policy: "AWSSecurityHubServiceRolePolicy",
        description: "A service-linked role required for AWS Security Hub to access your resources.",
        suffix: false,
    },
    LinkedService {
        service: "config.amazonaws.com",
        role_name: "AWSServiceRoleForConfig",
        policy: "AWSConfigServiceRolePolicy",
        description: "",
        suffix: false,
    },
    LinkedService {
        service: "support.amazonaws.com",
        role_name: "AWSServiceRoleForSupport",
        policy: "AWSSupportServiceRolePolicy",
        description: "Enables resource access for AWS to provide billing, administrative and support services",
        suffix: false,
    },
    LinkedService {
        service: "trustedadvisor.amazonaws.com",
        role_name: "AWSServiceRoleForTrustedAdvisor",
        policy: "AWSTrustedAdvisorServiceRolePolicy",
        description: "Access for the AWS Trusted Advisor Service to help reduce cost, increase performance, and improve security of your AWS environment.",
        suffix: false,
    },
    LinkedService {
        service: "access-analyzer.amazonaws.com",
        role_name: "AWSServiceRoleForAccessAnalyzer",
        policy: "AccessAnalyzerServiceRolePolicy",
        description: "",
        suffix: false,
    },
    LinkedService {
        service: "sso.amazonaws.com",
        role_name: "AWSServiceRoleForSSO",
        policy: "AWSSSOServiceRolePolicy",
        description: "Service-linked role used by AWS SSO to manage AWS resources, including IAM roles, policies and SAML IdP on your behalf.",
        suffix: false,
    },
];

fn linked_service(service: &str) -> Option<&'static LinkedService> {
    SERVICES.iter().find(|s| s.service == service)
}

fn trust_text(service: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["{service}"]}},"Action":"sts:AssumeRole"}}]}}"#
    )
}

/// The service-linked role AWS would have made for `service` in `account_id`; made now
/// if missing. Infallible, so services may call it after their own checks.
pub fn ensure(world: &mut World, account_id: &str, service: &str) {
    let Some(linked) = linked_service(service) else {
        return;
    };
    let key = entity_key(account_id, linked.role_name);
    if world.iam.roles.contains_key(&key) {
        return;
    }
    let role = new_role(world, linked, linked.role_name, None);
    world.iam.roles.insert(key, Arc::new(role));
}

fn new_role(
    world: &mut World,
    linked: &LinkedService,
    name: &str,
    description: Option<String>,
) -> Role {
    let policy_arn = managed::arn_of(linked.policy);
    Role {
        // The service's own role name is a constant; a custom suffix is the caller's.
        name: if name == linked.role_name {
            linked.role_name.into()
        } else {
            name.to_string().into()
        },
        path: constant(format!("/aws-service-role/{}/", linked.service)),
        id: new_id(world, "AROA").into(),
        created_ms: world.clock.now_ms(),
        trust_policy: TrustDocument::trusted(&trust_text(linked.service)),
        description: description.map(Text::from).or_else(|| {
            (!linked.description.is_empty()).then_some(Text::Borrowed(linked.description))
        }),
        max_session_duration: 3600,
        permissions_boundary: None,
        tags: Vec::new(),
        inline: Default::default(),
        attached: shared_attachments(constant_str(policy_arn), linked.policy),
        last_used: None,
        service_linked: Some(Text::Borrowed(linked.service)),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateServiceLinkedRoleInput {
    #[serde(rename = "AWSServiceName")]
    pub aws_service_name: String,
    pub description: Option<String>,
    pub custom_suffix: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateServiceLinkedRoleOutput {
    pub role: RoleShape,
}

pub fn create_service_linked_role(
    world: &mut World,
    caller: &Caller,
    input: CreateServiceLinkedRoleInput,
) -> Result<CreateServiceLinkedRoleOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.aws_service_name, "aWSServiceName", 128)?;
    validate::description(input.description.as_deref())?;
    if let Some(s) = &input.custom_suffix {
        validate::name(s, "customSuffix", 64)?;
    }
    let linked = linked_service(&input.aws_service_name).ok_or_else(|| {
        IamError::InvalidInput(format!(
            "Service name {} is not a service that orgsim knows a service-linked role for.",
            input.aws_service_name
        ))
    })?;
    let name = match &input.custom_suffix {
        Some(_) if !linked.suffix => {
            return Err(IamError::InvalidInput(format!(
                "Custom suffix is not allowed for {}",
                input.aws_service_name
            )))
        }
        Some(suffix) => format!("{}_{suffix}", linked.role_name),
        None => linked.role_name.to_string(),
    };
    let key = entity_key(account_id, &name);
    if world.iam.roles.contains_key(&key) {
        return Err(IamError::InvalidInput(format!(
            "Service role name {name} has been taken in this account, please try a different suffix."
        )));
    }
    let role = new_role(world, linked, &name, input.description);
    let shape = RoleShape::of(&role, account_id, false);
    world.iam.roles.insert(key, Arc::new(role));
    Ok(CreateServiceLinkedRoleOutput { role: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteServiceLinkedRoleInput {
    pub role_name: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteServiceLinkedRoleOutput {
    pub deletion_task_id: String,
}

/// Deletes at once; the task reads `SUCCEEDED`.
pub fn delete_service_linked_role(
    world: &mut World,
    caller: &Caller,
    input: DeleteServiceLinkedRoleInput,
) -> Result<DeleteServiceLinkedRoleOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.role_name, "roleName", 64)?;
    let role = super::role(world, account_id, &input.role_name)?;
    let Some(service) = role.service_linked.clone() else {
        return Err(IamError::InvalidInput(format!(
            "Role {} is not a service-linked role.",
            role.name
        )));
    };
    let role_name = role.name.clone();
    let task_id = format!(
        "task/aws-service-role/{service}/{role_name}/{}",
        world.ids.uuid()
    );
    world.iam.deletion_tasks.insert(
        task_id.clone(),
        DeletionTask {
            account_id: account_id.to_string(),
            role_name: role_name.to_string(),
        },
    );
    world
        .iam
        .roles
        .remove(&entity_key(account_id, &input.role_name));
    Ok(DeleteServiceLinkedRoleOutput {
        deletion_task_id: task_id,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletionStatusInput {
    pub deletion_task_id: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeletionStatusOutput {
    pub status: &'static str,
}

pub fn get_service_linked_role_deletion_status(
    world: &mut World,
    caller: &Caller,
    input: DeletionStatusInput,
) -> Result<DeletionStatusOutput, IamError> {
    validate::length(&input.deletion_task_id, "deletionTaskId", 1, 1000)?;
    match world.iam.deletion_tasks.get(&input.deletion_task_id) {
        Some(task) if task.account_id == account(caller) => Ok(DeletionStatusOutput {
            status: "SUCCEEDED",
        }),
        _ => Err(IamError::no_such(format!(
            "Deletion task {} cannot be found.",
            input.deletion_task_id
        ))),
    }
}
