//! Access advisor: GenerateServiceLastAccessedDetails, GetServiceLastAccessedDetails,
//! GetServiceLastAccessedDetailsWithEntities, ListPoliciesGrantingServiceAccess.
//!
//! A job completes at once. The services listed are those the entity's policies grant
//! (by action prefix); orgsim does not record when each service was last used by an
//! entity, so `LastAuthenticated` is absent ("not accessed in the tracking period").

use serde::{Deserialize, Serialize};

use super::dto::{date, paginate_vec, Nothing, PageInfo, PageRequest};
use super::errors::IamError;
use super::model::AccessReportJob;
use super::{account, validate};
use crate::auth::Caller;
use crate::world::World;

const NAMES: &[(&str, &str)] = &[
    ("iam", "AWS Identity and Access Management"),
    ("sts", "AWS Security Token Service"),
    ("organizations", "AWS Organizations"),
    ("guardduty", "Amazon GuardDuty"),
    ("securityhub", "AWS Security Hub"),
    ("config", "AWS Config"),
    ("s3", "Amazon S3"),
    ("ec2", "Amazon EC2"),
    ("cloudtrail", "AWS CloudTrail"),
];

fn service_name(namespace: &str) -> String {
    NAMES
        .iter()
        .find(|(n, _)| *n == namespace)
        .map_or_else(|| namespace.to_string(), |(_, name)| name.to_string())
}

/// `(policy label, namespaces granted)` for every policy of the entity with `arn`.
fn granting_policies(
    world: &World,
    account_id: &str,
    arn: &str,
) -> Result<Vec<(String, String, Vec<String>)>, IamError> {
    let rest = arn
        .strip_prefix(&format!("arn:aws:iam::{account_id}:"))
        .ok_or_else(|| IamError::InvalidInput(format!("Invalid ARN {arn}.")))?;
    let name = rest.rsplit('/').next().unwrap_or_default();
    let (inline, attached, kind) = if rest.starts_with("user/") {
        let u = super::user(world, account_id, name)?;
        (&u.inline, u.attached.as_slice(), "INLINE")
    } else if rest.starts_with("role/") {
        let r = super::role(world, account_id, name)?;
        (&r.inline, r.attached.as_slice(), "INLINE")
    } else if rest.starts_with("group/") {
        let g = super::group(world, account_id, name)?;
        (&g.inline, g.attached.as_slice(), "INLINE")
    } else if let Some(doc) = crate::authorize::identity::managed_document(world, account_id, arn) {
        return Ok(vec![(arn.to_string(), "MANAGED".into(), namespaces(doc))]);
    } else {
        return Err(IamError::no_such(format!(
            "The entity {arn} cannot be found."
        )));
    };
    let mut out: Vec<(String, String, Vec<String>)> = inline
        .values()
        .filter_map(|p| {
            Some((
                p.name.clone(),
                kind.to_string(),
                namespaces(p.document.parsed.as_deref()?),
            ))
        })
        .collect();
    for a in attached {
        if let Some(doc) = crate::authorize::identity::managed_document(world, account_id, &a.arn) {
            out.push((a.arn.to_string(), "MANAGED".into(), namespaces(doc)));
        }
    }
    Ok(out)
}

/// The service prefixes an allow statement names (`*` counts as the services orgsim serves).
fn namespaces(doc: &crate::policy::PolicyDocument) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in doc
        .statements
        .iter()
        .filter(|s| s.effect == crate::policy::Effect::Allow)
    {
        for pattern in s.action.patterns() {
            let prefixes: Vec<String> = match pattern.split_once(':') {
                Some((p, _)) => vec![p.to_ascii_lowercase()],
                None => NAMES.iter().map(|(n, _)| n.to_string()).collect(),
            };
            for p in prefixes {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AdvisorInput {
    pub arn: Option<String>,
    pub granularity: Option<String>,
    pub job_id: Option<String>,
    pub service_namespace: Option<String>,
    #[serde(default, deserialize_with = "super::dto::de::list")]
    pub service_namespaces: Vec<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobOutput {
    pub job_id: String,
}

pub fn generate_service_last_accessed_details(
    world: &mut World,
    caller: &Caller,
    input: AdvisorInput,
) -> Result<JobOutput, IamError> {
    let account_id = account(caller).to_string();
    let arn = input.arn.clone().unwrap_or_default();
    validate::arn(&arn, "arn")?;
    granting_policies(world, &account_id, &arn)?;
    let granularity = input
        .granularity
        .clone()
        .unwrap_or_else(|| "SERVICE_LEVEL".into());
    if granularity != "SERVICE_LEVEL" && granularity != "ACTION_LEVEL" {
        return Err(IamError::constraint(
            &granularity,
            "granularity",
            "Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]",
        ));
    }
    let job_id = world.ids.uuid();
    world.iam.jobs.insert(
        job_id.clone(),
        AccessReportJob {
            account_id,
            arn,
            granularity,
            created_ms: world.clock.now_ms(),
        },
    );
    Ok(JobOutput { job_id })
}

fn job<'w>(
    world: &'w World,
    caller: &Caller,
    input: &AdvisorInput,
) -> Result<&'w AccessReportJob, IamError> {
    let id = input.job_id.clone().unwrap_or_default();
    validate::length(&id, "jobId", 36, 36)?;
    world
        .iam
        .jobs
        .get(&id)
        .filter(|j| j.account_id == account(caller))
        .ok_or_else(|| IamError::no_such(format!("The job with ID {id} cannot be found.")))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceLastAccessed {
    pub service_name: String,
    pub service_namespace: String,
    pub total_authenticated_entities: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetDetailsOutput {
    pub job_status: &'static str,
    pub job_type: String,
    pub job_creation_date: String,
    pub services_last_accessed: Vec<ServiceLastAccessed>,
    pub job_completion_date: String,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn get_service_last_accessed_details(
    world: &mut World,
    caller: &Caller,
    input: AdvisorInput,
) -> Result<GetDetailsOutput, IamError> {
    let job = job(world, caller, &input)?.clone();
    let mut all: Vec<String> = Vec::new();
    for (_, _, ns) in granting_policies(world, &job.account_id, &job.arn).unwrap_or_default() {
        for n in ns {
            if !all.contains(&n) {
                all.push(n);
            }
        }
    }
    all.sort();
    let services = all
        .into_iter()
        .map(|n| ServiceLastAccessed {
            service_name: service_name(&n),
            service_namespace: n,
            total_authenticated_entities: 0,
        })
        .collect();
    let (services_last_accessed, page) = paginate_vec(
        services,
        &input.page,
        &format!("GetServiceLastAccessedDetails {}", job.arn),
    )?;
    Ok(GetDetailsOutput {
        job_status: "COMPLETED",
        job_type: job.granularity.clone(),
        job_creation_date: date(job.created_ms),
        services_last_accessed,
        job_completion_date: date(job.created_ms),
        page,
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EntitiesOutput {
    pub job_status: &'static str,
    pub job_creation_date: String,
    pub job_completion_date: String,
    pub entity_details_list: Vec<Nothing>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn get_service_last_accessed_details_with_entities(
    world: &mut World,
    caller: &Caller,
    input: AdvisorInput,
) -> Result<EntitiesOutput, IamError> {
    let job = job(world, caller, &input)?;
    if input.service_namespace.is_none() {
        return Err(IamError::Validation("1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null".into()));
    }
    Ok(EntitiesOutput {
        job_status: "COMPLETED",
        job_creation_date: date(job.created_ms),
        job_completion_date: date(job.created_ms),
        entity_details_list: Vec::new(),
        page: PageInfo {
            is_truncated: false,
            marker: None,
        },
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyGrant {
    pub policy_name: String,
    pub policy_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServiceGrants {
    pub service_namespace: String,
    pub policies: Vec<PolicyGrant>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListGrantingOutput {
    pub policies_granting_service_access: Vec<ServiceGrants>,
    pub is_truncated: bool,
}

pub fn list_policies_granting_service_access(
    world: &mut World,
    caller: &Caller,
    input: AdvisorInput,
) -> Result<ListGrantingOutput, IamError> {
    let arn = input.arn.clone().unwrap_or_default();
    let policies = granting_policies(world, account(caller), &arn)?;
    let grants = input
        .service_namespaces
        .iter()
        .map(|ns| ServiceGrants {
            service_namespace: ns.clone(),
            policies: policies
                .iter()
                .filter(|(_, _, granted)| granted.contains(&ns.to_ascii_lowercase()))
                .map(|(label, kind, _)| PolicyGrant {
                    policy_name: label.rsplit('/').next().unwrap_or(label).to_string(),
                    policy_type: kind.clone(),
                    policy_arn: (kind == "MANAGED").then(|| label.clone()),
                })
                .collect(),
        })
        .collect();
    Ok(ListGrantingOutput {
        policies_granting_service_access: grants,
        is_truncated: false,
    })
}
