//! Managed policies: customer managed (CreatePolicy, versions, tags, DeletePolicy) and
//! AWS managed (read-only), ListPolicies, ListEntitiesForPolicy.

use serde::{Deserialize, Serialize};

use super::dto::{date, de, paginate, paginate_vec, Nothing, PageInfo, PageRequest, TagShape};
use super::errors::IamError;
use super::managed::{self, Managed};
use super::model::{account_range, entity_key, ManagedPolicy, PolicyVersion};
use super::shapes::{PolicyShape, PolicyVersionShape, TagsPage};
use super::{account, new_id, quotas, validate};
use crate::auth::Caller;
use crate::world::World;

/// A policy ARN of the caller's account: its key in `world.iam.policies`.
fn customer_key(account_id: &str, arn: &str) -> Option<String> {
    let rest = arn.strip_prefix(&format!("arn:aws:iam::{account_id}:policy/"))?;
    let name = rest.rsplit('/').next()?;
    Some(entity_key(account_id, name))
}

fn not_found(arn: &str) -> IamError {
    IamError::no_such(format!("Policy {arn} does not exist or is not attachable."))
}

pub(super) fn customer<'w>(
    world: &'w World,
    account_id: &str,
    arn: &str,
) -> Result<&'w ManagedPolicy, IamError> {
    customer_key(account_id, arn)
        .and_then(|k| world.iam.policies.get(&k))
        .filter(|p| p.arn(account_id) == arn)
        .ok_or_else(|| not_found(arn))
}

fn customer_mut<'w>(
    world: &'w mut World,
    account_id: &str,
    arn: &str,
) -> Option<&'w mut ManagedPolicy> {
    customer_key(account_id, arn).and_then(|k| world.iam.policies.get_mut(&k))
}

/// How many identities of the account attach `arn`, and use it as a boundary.
pub fn usage(world: &World, account_id: &str, arn: &str) -> (usize, usize) {
    let (from, to) = account_range(account_id);
    let iam = &world.iam;
    let attached = iam
        .users
        .range(from.clone()..to.clone())
        .filter(|(_, u)| u.attached.iter().any(|a| a.arn == arn))
        .count()
        + iam
            .groups
            .range(from.clone()..to.clone())
            .filter(|(_, g)| g.attached.iter().any(|a| a.arn == arn))
            .count()
        + iam
            .roles
            .range(from.clone()..to.clone())
            .filter(|(_, r)| r.attached.iter().any(|a| a.arn == arn))
            .count();
    let boundaries = iam
        .users
        .range(from.clone()..to.clone())
        .filter(|(_, u)| u.permissions_boundary.as_deref() == Some(arn))
        .count()
        + iam
            .roles
            .range(from..to)
            .filter(|(_, r)| r.permissions_boundary.as_deref() == Some(arn))
            .count();
    (attached, boundaries)
}

fn aws_shape(world: &World, account_id: &str, arn: &str, m: &Managed) -> PolicyShape {
    let counts = usage(world, account_id, arn);
    PolicyShape {
        policy_name: m.policy.name.to_string(),
        policy_id: m.policy.id.to_string(),
        arn: arn.to_string(),
        path: m.policy.path.to_string(),
        default_version_id: m.policy.version.to_string(),
        attachment_count: counts.0,
        permissions_boundary_usage_count: counts.1,
        is_attachable: true,
        description: None,
        create_date: date(1_423_000_000_000),
        update_date: date(1_700_000_000_000),
        tags: None,
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyInput {
    pub policy_name: String,
    pub path: Option<String>,
    pub policy_document: String,
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyOutput {
    pub policy: PolicyShape,
}

pub fn create_policy(
    world: &mut World,
    caller: &Caller,
    input: CreatePolicyInput,
) -> Result<PolicyOutput, IamError> {
    let account_id = account(caller);
    validate::name(&input.policy_name, "policyName", 128)?;
    let path = validate::policy_path(input.path.as_deref())?;
    validate::description(input.description.as_deref())?;
    let tags = validate::tags(&input.tags)?;
    let document = validate::identity_document(
        &input.policy_document,
        "policyDocument",
        quotas::MANAGED_POLICY_SIZE,
    )?;
    let key = entity_key(account_id, &input.policy_name);
    if world.iam.policies.contains_key(&key) {
        return Err(IamError::EntityAlreadyExists(format!(
            "A policy called {} already exists. Duplicate names are not allowed.",
            input.policy_name
        )));
    }
    let (from, to) = account_range(account_id);
    if world.iam.policies.range(from..to).count() >= quotas::MANAGED_POLICIES {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for PoliciesPerAccount: {}",
            quotas::MANAGED_POLICIES
        )));
    }
    let now = world.clock.now_ms();
    let policy = ManagedPolicy {
        name: input.policy_name,
        path,
        id: new_id(world, "ANPA"),
        description: input.description,
        created_ms: now,
        updated_ms: now,
        versions: vec![PolicyVersion {
            id: "v1".into(),
            document,
            created_ms: now,
        }],
        default_version: "v1".into(),
        next_version: 2,
        tags,
    };
    let shape = PolicyShape::of(&policy, account_id, (0, 0), true);
    world.iam.policies.insert(key, policy);
    Ok(PolicyOutput { policy: shape })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyArnInput {
    pub policy_arn: String,
}

pub fn get_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyArnInput,
) -> Result<PolicyOutput, IamError> {
    let account_id = account(caller);
    validate::arn(&input.policy_arn, "policyArn")?;
    if let Some(m) = managed::by_arn(&input.policy_arn) {
        let mut shape = aws_shape(world, account_id, &input.policy_arn, m);
        shape.description = Some(m.policy.description.to_string());
        return Ok(PolicyOutput { policy: shape });
    }
    let policy = customer(world, account_id, &input.policy_arn)
        .map_err(|_| IamError::no_such(format!("Policy {} was not found.", input.policy_arn)))?;
    let counts = usage(world, account_id, &input.policy_arn);
    Ok(PolicyOutput {
        policy: PolicyShape::of(policy, account_id, counts, true),
    })
}

fn aws_read_only(arn: &str) -> Result<(), IamError> {
    if managed::is_aws_managed_arn(arn) {
        return Err(IamError::InvalidInput(format!(
            "ARN {arn} is not valid for this operation: AWS managed policies can't be changed."
        )));
    }
    Ok(())
}

pub fn delete_policy(
    world: &mut World,
    caller: &Caller,
    input: PolicyArnInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::arn(&input.policy_arn, "policyArn")?;
    aws_read_only(&input.policy_arn)?;
    customer(world, account_id, &input.policy_arn)?;
    let (attached, boundaries) = usage(world, account_id, &input.policy_arn);
    if attached + boundaries > 0 {
        return Err(IamError::DeleteConflict(
            "Cannot delete a policy attached to entities.".into(),
        ));
    }
    let policy = customer(world, account_id, &input.policy_arn)?;
    if policy.versions.len() > 1 {
        return Err(IamError::DeleteConflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.".into(),
        ));
    }
    if let Some(key) = customer_key(account_id, &input.policy_arn) {
        world.iam.policies.remove(&key);
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesInput {
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub only_attached: Option<bool>,
    pub path_prefix: Option<String>,
    pub policy_usage_filter: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPoliciesOutput {
    pub policies: Vec<PolicyShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

/// AWS managed policies first (by ARN), then the account's own (by name).
pub fn list_policies(
    world: &mut World,
    caller: &Caller,
    input: ListPoliciesInput,
) -> Result<ListPoliciesOutput, IamError> {
    let account_id = account(caller);
    let scope = input.scope.as_deref().unwrap_or("All");
    if !["All", "AWS", "Local"].contains(&scope) {
        return Err(IamError::constraint(
            scope,
            "scope",
            "Member must satisfy enum value set: [All, AWS, Local]",
        ));
    }
    let usage_filter = input.policy_usage_filter.as_deref();
    if let Some(f) = usage_filter {
        if !["PermissionsPolicy", "PermissionsBoundary"].contains(&f) {
            return Err(IamError::constraint(
                f,
                "policyUsageFilter",
                "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]",
            ));
        }
    }
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let only_attached = input.only_attached.unwrap_or(false);
    let listing = format!("ListPolicies {account_id} {scope} {only_attached} {prefix}");
    let (max, after) = input.page.resolve(&listing)?;
    let keep = |counts: (usize, usize)| {
        !only_attached
            || match usage_filter {
                Some("PermissionsBoundary") => counts.1 > 0,
                Some(_) => counts.0 > 0,
                None => counts.0 + counts.1 > 0,
            }
    };
    let aws = managed::all()
        .filter(|_| scope != "Local")
        .filter(|(_, m)| m.policy.path.starts_with(prefix))
        .map(|(arn, m)| (format!("0{arn}"), aws_shape(world, account_id, arn, m)));
    let (from, to) = account_range(account_id);
    let local = world
        .iam
        .policies
        .range(from..to)
        .filter(|_| scope != "AWS")
        .filter(|(_, p)| p.path.starts_with(prefix))
        .map(|(k, p)| {
            let counts = usage(world, account_id, &p.arn(account_id));
            (
                format!("1{k}"),
                PolicyShape::of(p, account_id, counts, false),
            )
        });
    let items = aws
        .chain(local)
        .filter(|(_, s)| keep((s.attachment_count, s.permissions_boundary_usage_count)))
        .filter(|(k, _)| after.as_ref().is_none_or(|a| k > a));
    let (policies, page) = paginate(items, max, &listing);
    Ok(ListPoliciesOutput { policies, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreatePolicyVersionInput {
    pub policy_arn: String,
    pub policy_document: String,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub set_as_default: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionOutput {
    pub policy_version: PolicyVersionShape,
}

pub fn create_policy_version(
    world: &mut World,
    caller: &Caller,
    input: CreatePolicyVersionInput,
) -> Result<PolicyVersionOutput, IamError> {
    let account_id = account(caller);
    validate::arn(&input.policy_arn, "policyArn")?;
    aws_read_only(&input.policy_arn)?;
    let document = validate::identity_document(
        &input.policy_document,
        "policyDocument",
        quotas::MANAGED_POLICY_SIZE,
    )?;
    let policy = customer(world, account_id, &input.policy_arn)?;
    if policy.versions.len() >= quotas::POLICY_VERSIONS {
        return Err(IamError::LimitExceeded(format!(
            "A managed policy can have up to {} versions. Before you create a new version, you must delete an existing version.",
            quotas::POLICY_VERSIONS
        )));
    }
    let now = world.clock.now_ms();
    let default = input.set_as_default.unwrap_or(false);
    let Some(policy) = customer_mut(world, account_id, &input.policy_arn) else {
        return Err(not_found(&input.policy_arn));
    };
    let id = format!("v{}", policy.next_version);
    policy.next_version += 1;
    policy.versions.push(PolicyVersion {
        id: id.clone(),
        document,
        created_ms: now,
    });
    policy.updated_ms = now;
    if default {
        policy.default_version.clone_from(&id);
    }
    Ok(PolicyVersionOutput {
        policy_version: PolicyVersionShape {
            document: None,
            version_id: id,
            is_default_version: default,
            create_date: date(now),
        },
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyVersionInput {
    pub policy_arn: String,
    pub version_id: String,
}

pub fn get_policy_version(
    world: &mut World,
    caller: &Caller,
    input: PolicyVersionInput,
) -> Result<PolicyVersionOutput, IamError> {
    let account_id = account(caller);
    validate::arn(&input.policy_arn, "policyArn")?;
    if let Some(m) = managed::by_arn(&input.policy_arn) {
        if input.version_id != m.policy.version {
            return Err(IamError::no_such(format!(
                "Policy {} version {} does not exist or is not attachable.",
                input.policy_arn, input.version_id
            )));
        }
        return Ok(PolicyVersionOutput {
            policy_version: PolicyVersionShape {
                document: Some(m.document.encoded()),
                version_id: input.version_id,
                is_default_version: true,
                create_date: date(1_700_000_000_000),
            },
        });
    }
    let policy = customer(world, account_id, &input.policy_arn)?;
    let version = policy
        .versions
        .iter()
        .find(|v| v.id == input.version_id)
        .ok_or_else(|| {
            IamError::no_such(format!(
                "Policy {} version {} does not exist or is not attachable.",
                input.policy_arn, input.version_id
            ))
        })?;
    Ok(PolicyVersionOutput {
        policy_version: PolicyVersionShape {
            document: Some(version.document.encoded()),
            version_id: version.id.clone(),
            is_default_version: version.id == policy.default_version,
            create_date: date(version.created_ms),
        },
    })
}

pub fn delete_policy_version(
    world: &mut World,
    caller: &Caller,
    input: PolicyVersionInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    aws_read_only(&input.policy_arn)?;
    let policy = customer(world, account_id, &input.policy_arn)?;
    if !policy.versions.iter().any(|v| v.id == input.version_id) {
        return Err(IamError::no_such(format!(
            "Policy {} version {} does not exist or is not deletable.",
            input.policy_arn, input.version_id
        )));
    }
    if policy.default_version == input.version_id {
        return Err(IamError::DeleteConflict(
            "Cannot delete the default version of a policy.".into(),
        ));
    }
    if let Some(policy) = customer_mut(world, account_id, &input.policy_arn) {
        policy.versions.retain(|v| v.id != input.version_id);
    }
    Ok(Nothing {})
}

pub fn set_default_policy_version(
    world: &mut World,
    caller: &Caller,
    input: PolicyVersionInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    aws_read_only(&input.policy_arn)?;
    let policy = customer(world, account_id, &input.policy_arn)?;
    if !policy.versions.iter().any(|v| v.id == input.version_id) {
        return Err(IamError::no_such(format!(
            "Policy {} version {} does not exist.",
            input.policy_arn, input.version_id
        )));
    }
    let now = world.clock.now_ms();
    if let Some(policy) = customer_mut(world, account_id, &input.policy_arn) {
        policy.default_version = input.version_id;
        policy.updated_ms = now;
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsInput {
    pub policy_arn: String,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyVersionsOutput {
    pub versions: Vec<PolicyVersionShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

/// Newest first, as AWS lists them.
pub fn list_policy_versions(
    world: &mut World,
    caller: &Caller,
    input: ListPolicyVersionsInput,
) -> Result<ListPolicyVersionsOutput, IamError> {
    let account_id = account(caller);
    let listing = format!("ListPolicyVersions {}", input.policy_arn);
    if let Some(m) = managed::by_arn(&input.policy_arn) {
        let one = vec![PolicyVersionShape {
            document: None,
            version_id: m.policy.version.to_string(),
            is_default_version: true,
            create_date: date(1_700_000_000_000),
        }];
        let (versions, page) = paginate_vec(one, &input.page, &listing)?;
        return Ok(ListPolicyVersionsOutput { versions, page });
    }
    let policy = customer(world, account_id, &input.policy_arn)?;
    let all = policy
        .versions
        .iter()
        .rev()
        .map(|v| PolicyVersionShape {
            document: None,
            version_id: v.id.clone(),
            is_default_version: v.id == policy.default_version,
            create_date: date(v.created_ms),
        })
        .collect();
    let (versions, page) = paginate_vec(all, &input.page, &listing)?;
    Ok(ListPolicyVersionsOutput { versions, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagPolicyInput {
    pub policy_arn: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tags: Vec<TagShape>,
}

pub fn tag_policy(
    world: &mut World,
    caller: &Caller,
    input: TagPolicyInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let new = validate::tags(&input.tags)?;
    aws_read_only(&input.policy_arn)?;
    let policy = customer(world, account_id, &input.policy_arn)?;
    let tags = validate::merge_tags(&policy.tags, new)?;
    if let Some(policy) = customer_mut(world, account_id, &input.policy_arn) {
        policy.tags = tags;
    }
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UntagPolicyInput {
    pub policy_arn: String,
    #[serde(default, deserialize_with = "de::list")]
    pub tag_keys: Vec<String>,
}

pub fn untag_policy(
    world: &mut World,
    caller: &Caller,
    input: UntagPolicyInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    validate::tag_keys(&input.tag_keys)?;
    customer(world, account_id, &input.policy_arn)?;
    if let Some(policy) = customer_mut(world, account_id, &input.policy_arn) {
        policy.tags.retain(|t| {
            !input
                .tag_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&t.key))
        });
    }
    Ok(Nothing {})
}

pub fn list_policy_tags(
    world: &mut World,
    caller: &Caller,
    input: ListPolicyVersionsInput,
) -> Result<TagsPage, IamError> {
    let account_id = account(caller);
    let tags = match managed::by_arn(&input.policy_arn) {
        Some(_) => Vec::new(),
        None => customer(world, account_id, &input.policy_arn)?
            .tags
            .iter()
            .map(TagShape::from)
            .collect(),
    };
    let (tags, page) = paginate_vec(
        tags,
        &input.page,
        &format!("ListPolicyTags {}", input.policy_arn),
    )?;
    Ok(TagsPage { tags, page })
}
