//! What users, groups and roles share: inline policies (`Put`/`Get`/`Delete`/`List`
//! `…Policy`/`…Policies`) and attached managed policies (`Attach`/`Detach`/
//! `ListAttached…Policies`), written once for the three kinds.

use serde::{Deserialize, Serialize};

use super::dto::{paginate_vec, Nothing, PageInfo, PageRequest};
use super::errors::IamError;
use super::model::{entity_key, AttachedPolicy, InlinePolicies, InlinePolicy};
use super::shapes::AttachedPolicyShape;
use super::{account, quotas, validate};
use crate::auth::Caller;
use crate::world::World;

/// User, group or role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    User,
    Group,
    Role,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Group => "group",
            Kind::Role => "role",
        }
    }

    /// AWS's per-identity inline policy size quota (all inline policies together).
    fn inline_quota(self) -> usize {
        match self {
            Kind::User => quotas::USER_POLICY_SIZE,
            Kind::Group => quotas::GROUP_POLICY_SIZE,
            Kind::Role => quotas::ROLE_POLICY_SIZE,
        }
    }

    fn member(self) -> &'static str {
        match self {
            Kind::User => "userName",
            Kind::Group => "groupName",
            Kind::Role => "roleName",
        }
    }
}

/// The inline and attached policies of one identity, read-only.
fn parts<'w>(
    world: &'w World,
    kind: Kind,
    account_id: &str,
    name: &str,
) -> Result<(&'w InlinePolicies, &'w Vec<AttachedPolicy>, String), IamError> {
    Ok(match kind {
        Kind::User => {
            let u = super::user(world, account_id, name)?;
            (&u.inline, &u.attached, u.name.clone())
        }
        Kind::Group => {
            let g = super::group(world, account_id, name)?;
            (&g.inline, &g.attached, g.name.clone())
        }
        Kind::Role => {
            let r = super::role(world, account_id, name)?;
            if r.service_linked.is_some() {
                return Err(IamError::UnmodifiableEntity(format!(
                    "Cannot perform the operation on the protected role '{}' - this role is only modifiable by AWS",
                    r.name
                )));
            }
            (&r.inline, &r.attached, r.name.to_string())
        }
    })
}

/// Read access that service-linked roles allow too.
fn parts_readable<'w>(
    world: &'w World,
    kind: Kind,
    account_id: &str,
    name: &str,
) -> Result<(&'w InlinePolicies, &'w Vec<AttachedPolicy>, String), IamError> {
    if kind == Kind::Role {
        let r = super::role(world, account_id, name)?;
        return Ok((&r.inline, &r.attached, r.name.to_string()));
    }
    parts(world, kind, account_id, name)
}

fn change(
    world: &mut World,
    kind: Kind,
    account_id: &str,
    name: &str,
    f: impl FnOnce(&mut InlinePolicies, &mut Vec<AttachedPolicy>),
) {
    let key = entity_key(account_id, name);
    match kind {
        Kind::User => {
            if let Some(u) = world.iam.users.get_mut(&key) {
                f(&mut u.inline, &mut u.attached)
            }
        }
        Kind::Group => {
            if let Some(g) = world.iam.groups.get_mut(&key) {
                f(&mut g.inline, &mut g.attached)
            }
        }
        Kind::Role => {
            if let Some(r) = world.iam.roles.get_mut(&key) {
                let r = std::sync::Arc::make_mut(r);
                f(&mut r.inline, std::sync::Arc::make_mut(&mut r.attached))
            }
        }
    }
}

/// `{User,Group,Role}Name` of an input, whichever it carries.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Identity {
    pub user_name: Option<String>,
    pub group_name: Option<String>,
    pub role_name: Option<String>,
}

impl Identity {
    fn name(&self, kind: Kind) -> Result<&str, IamError> {
        let name = match kind {
            Kind::User => &self.user_name,
            Kind::Group => &self.group_name,
            Kind::Role => &self.role_name,
        };
        name.as_deref().ok_or_else(|| {
            IamError::Validation(format!(
                "1 validation error detected: Value null at '{}' failed to satisfy constraint: Member must not be null",
                kind.member()
            ))
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PutPolicyInput {
    #[serde(flatten)]
    pub identity: Identity,
    pub policy_name: String,
    pub policy_document: String,
}

pub fn put_policy(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: PutPolicyInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    validate::name(name, kind.member(), 128)?;
    validate::name(&input.policy_name, "policyName", 128)?;
    let document = validate::identity_document(
        &input.policy_document,
        "policyDocument",
        kind.inline_quota(),
    )?;
    let (inline, _, _) = parts(world, kind, account_id, name)?;
    let lower = input.policy_name.to_ascii_lowercase();
    let others: usize = inline
        .iter()
        .filter(|(k, _)| **k != lower)
        .map(|(_, p)| super::documents::policy_size(&p.document.text))
        .sum();
    if others + super::documents::policy_size(&document.text) > kind.inline_quota() {
        return Err(IamError::LimitExceeded(format!(
            "Maximum policy size of {} bytes exceeded for {} {name}",
            kind.inline_quota(),
            kind.word()
        )));
    }
    change(world, kind, account_id, name, |inline, _| {
        inline.insert(
            lower,
            InlinePolicy {
                name: input.policy_name,
                document,
            },
        );
    });
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyNameInput {
    #[serde(flatten)]
    pub identity: Identity,
    pub policy_name: String,
}

/// `GetUserPolicy` / `GetGroupPolicy` / `GetRolePolicy`: the identity's name member
/// is filled by the dispatcher per kind.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetPolicyOutput {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_name: Option<String>,
    pub policy_name: String,
    pub policy_document: String,
}

pub fn get_policy(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: PolicyNameInput,
) -> Result<GetPolicyOutput, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    let (inline, _, shown) = parts_readable(world, kind, account_id, name)?;
    let policy = inline
        .get(&input.policy_name.to_ascii_lowercase())
        .ok_or_else(|| {
            IamError::no_such(format!(
                "The {} policy with name {} cannot be found.",
                kind.word(),
                input.policy_name
            ))
        })?;
    Ok(GetPolicyOutput {
        user_name: (kind == Kind::User).then(|| shown.clone()),
        group_name: (kind == Kind::Group).then(|| shown.clone()),
        role_name: (kind == Kind::Role).then(|| shown.clone()),
        policy_name: policy.name.clone(),
        policy_document: policy.document.encoded(),
    })
}

pub fn delete_policy(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: PolicyNameInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    let (inline, _, _) = parts(world, kind, account_id, name)?;
    let lower = input.policy_name.to_ascii_lowercase();
    if !inline.contains_key(&lower) {
        return Err(IamError::no_such(format!(
            "The {} policy with name {} cannot be found.",
            kind.word(),
            input.policy_name
        )));
    }
    change(world, kind, account_id, name, |inline, _| {
        inline.remove(&lower);
    });
    Ok(Nothing {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListInput {
    #[serde(flatten)]
    pub identity: Identity,
    pub path_prefix: Option<String>,
    #[serde(flatten)]
    pub page: PageRequest,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListPolicyNamesOutput {
    pub policy_names: Vec<String>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_policies(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: ListInput,
) -> Result<ListPolicyNamesOutput, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    let (inline, _, shown) = parts_readable(world, kind, account_id, name)?;
    let names = inline.values().map(|p| p.name.clone()).collect();
    let listing = format!("List{:?}Policies {account_id} {shown}", kind);
    let (policy_names, page) = paginate_vec(names, &input.page, &listing)?;
    Ok(ListPolicyNamesOutput { policy_names, page })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttachInput {
    #[serde(flatten)]
    pub identity: Identity,
    pub policy_arn: String,
}

pub fn attach(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: AttachInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    validate::arn(&input.policy_arn, "policyArn")?;
    let policy_name = super::attachable_policy(world, account_id, &input.policy_arn)?;
    let (_, attached, _) = parts(world, kind, account_id, name)?;
    if attached.iter().any(|a| a.arn == input.policy_arn) {
        return Ok(Nothing {});
    }
    if attached.len() >= quotas::ATTACHED_PER_IDENTITY {
        return Err(IamError::LimitExceeded(format!(
            "Cannot exceed quota for PoliciesPer{:?}: {}",
            kind,
            quotas::ATTACHED_PER_IDENTITY
        )));
    }
    change(world, kind, account_id, name, |_, attached| {
        attached.push(AttachedPolicy {
            arn: input.policy_arn.into(),
            name: policy_name.into(),
        })
    });
    Ok(Nothing {})
}

pub fn detach(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: AttachInput,
) -> Result<Nothing, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    validate::arn(&input.policy_arn, "policyArn")?;
    let (_, attached, _) = parts(world, kind, account_id, name)?;
    if !attached.iter().any(|a| a.arn == input.policy_arn) {
        return Err(IamError::no_such(format!(
            "Policy {} was not found.",
            input.policy_arn
        )));
    }
    change(world, kind, account_id, name, |_, attached| {
        attached.retain(|a| a.arn != input.policy_arn)
    });
    Ok(Nothing {})
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListAttachedOutput {
    pub attached_policies: Vec<AttachedPolicyShape>,
    #[serde(flatten)]
    pub page: PageInfo,
}

pub fn list_attached(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    input: ListInput,
) -> Result<ListAttachedOutput, IamError> {
    let account_id = account(caller);
    let name = input.identity.name(kind)?;
    let prefix = validate::path_prefix(input.path_prefix.as_deref())?;
    let (_, attached, shown) = parts_readable(world, kind, account_id, name)?;
    let items = attached
        .iter()
        .filter(|a| policy_path_of(&a.arn).starts_with(prefix))
        .map(|a| AttachedPolicyShape {
            policy_name: a.name.to_string(),
            policy_arn: a.arn.to_string(),
        })
        .collect();
    let listing = format!("ListAttached{:?}Policies {account_id} {shown}", kind);
    let (attached_policies, page) = paginate_vec(items, &input.page, &listing)?;
    Ok(ListAttachedOutput {
        attached_policies,
        page,
    })
}

/// The path of a policy ARN: `arn:aws:iam::aws:policy/job-function/X` → `/job-function/`.
pub fn policy_path_of(arn: &str) -> &str {
    let rest = arn.split_once(":policy").map_or("/", |(_, r)| r);
    match rest.rfind('/') {
        Some(i) => &rest[..=i],
        None => "/",
    }
}

macro_rules! per_kind {
    ($($fn_name:ident => $generic:ident($kind:expr, $input:ty) -> $output:ty;)*) => {
        $(
            pub fn $fn_name(world: &mut World, caller: &Caller, input: $input) -> Result<$output, IamError> {
                $generic(world, caller, $kind, input)
            }
        )*
    };
}

per_kind! {
    put_user_policy => put_policy(Kind::User, PutPolicyInput) -> Nothing;
    put_group_policy => put_policy(Kind::Group, PutPolicyInput) -> Nothing;
    put_role_policy => put_policy(Kind::Role, PutPolicyInput) -> Nothing;
    get_user_policy => get_policy(Kind::User, PolicyNameInput) -> GetPolicyOutput;
    get_group_policy => get_policy(Kind::Group, PolicyNameInput) -> GetPolicyOutput;
    get_role_policy => get_policy(Kind::Role, PolicyNameInput) -> GetPolicyOutput;
    delete_user_policy => delete_policy(Kind::User, PolicyNameInput) -> Nothing;
    delete_group_policy => delete_policy(Kind::Group, PolicyNameInput) -> Nothing;
    delete_role_policy => delete_policy(Kind::Role, PolicyNameInput) -> Nothing;
    list_user_policies => list_policies(Kind::User, ListInput) -> ListPolicyNamesOutput;
    list_group_policies => list_policies(Kind::Group, ListInput) -> ListPolicyNamesOutput;
    list_role_policies => list_policies(Kind::Role, ListInput) -> ListPolicyNamesOutput;
    attach_user_policy => attach(Kind::User, AttachInput) -> Nothing;
    attach_group_policy => attach(Kind::Group, AttachInput) -> Nothing;
    attach_role_policy => attach(Kind::Role, AttachInput) -> Nothing;
    detach_user_policy => detach(Kind::User, AttachInput) -> Nothing;
    detach_group_policy => detach(Kind::Group, AttachInput) -> Nothing;
    detach_role_policy => detach(Kind::Role, AttachInput) -> Nothing;
    list_attached_user_policies => list_attached(Kind::User, ListInput) -> ListAttachedOutput;
    list_attached_group_policies => list_attached(Kind::Group, ListInput) -> ListAttachedOutput;
    list_attached_role_policies => list_attached(Kind::Role, ListInput) -> ListAttachedOutput;
}
