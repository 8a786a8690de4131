//! `AWS::IAM::Role`, `Policy`, `ManagedPolicy`, `User`, `Group` over IAM's own handlers.

use serde_json::{json, Value};
use std::collections::BTreeMap;

use super::{
    call, call_absent_ok, document, generated_name, made, required, strings, tag_list, text,
    Capability, Ctx, Provider,
};
use crate::api::ServiceId;
use crate::auth::Caller;
use crate::services::cloudformation::model::StackResource;
use crate::services::cloudformation::template::eval::Made;
use crate::world::World;

fn iam(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, String> {
    call(world, caller, ServiceId::Iam, op, input)
}

/// Inline `Policies: [{PolicyName, PolicyDocument}]` by name.
fn inline_policies(props: &Value) -> BTreeMap<String, String> {
    props
        .get("Policies")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|p| Some((text(p, "PolicyName")?, document(p, "PolicyDocument")?)))
                .collect()
        })
        .unwrap_or_default()
}

/// The identity kinds (`Role`, `User`, `Group`) as IAM names their operations.
#[derive(Clone, Copy)]
enum Kind {
    Role,
    User,
    Group,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Role => "Role",
            Kind::User => "User",
            Kind::Group => "Group",
        }
    }

    fn name_key(self) -> &'static str {
        match self {
            Kind::Role => "RoleName",
            Kind::User => "UserName",
            Kind::Group => "GroupName",
        }
    }
}

/// Brings an identity's inline and managed policies from `old` to `new` properties.
fn sync_policies(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    name: &str,
    old: &Value,
    new: &Value,
) -> Result<(), String> {
    let (w, key) = (kind.word(), kind.name_key());
    let (old_inline, new_inline) = (inline_policies(old), inline_policies(new));
    for (policy, doc) in &new_inline {
        if old_inline.get(policy) != Some(doc) {
            iam(
                world,
                caller,
                &format!("Put{w}Policy"),
                json!({key: name, "PolicyName": policy, "PolicyDocument": doc}),
            )?;
        }
    }
    for policy in old_inline.keys().filter(|p| !new_inline.contains_key(*p)) {
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Delete{w}Policy"),
            json!({key: name, "PolicyName": policy}),
        )?;
    }
    let (old_managed, new_managed) = (
        strings(old, "ManagedPolicyArns"),
        strings(new, "ManagedPolicyArns"),
    );
    for arn in new_managed.iter().filter(|a| !old_managed.contains(a)) {
        iam(
            world,
            caller,
            &format!("Attach{w}Policy"),
            json!({key: name, "PolicyArn": arn}),
        )?;
    }
    for arn in old_managed.iter().filter(|a| !new_managed.contains(a)) {
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Detach{w}Policy"),
            json!({key: name, "PolicyArn": arn}),
        )?;
    }
    Ok(())
}

/// Removes every policy of an identity, then the identity (what the IAM handlers do).
fn delete_identity(
    world: &mut World,
    caller: &Caller,
    kind: Kind,
    name: &str,
) -> Result<(), String> {
    let (w, key) = (kind.word(), kind.name_key());
    let attached = match iam(
        world,
        caller,
        &format!("ListAttached{w}Policies"),
        json!({key: name}),
    ) {
        Ok(v) => v,
        Err(m) if m.contains("HandlerErrorCode: NotFound") => return Ok(()),
        Err(m) => return Err(m),
    };
    for p in attached["AttachedPolicies"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Detach{w}Policy"),
            json!({key: name, "PolicyArn": p["PolicyArn"]}),
        )?;
    }
    let inline = iam(
        world,
        caller,
        &format!("List{w}Policies"),
        json!({key: name}),
    )?;
    for p in inline["PolicyNames"]
        .as_array()
        .cloned()
        .unwrap_or_default()
    {
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Delete{w}Policy"),
            json!({key: name, "PolicyName": p}),
        )?;
    }
    if let Kind::User = kind {
        let groups = iam(
            world,
            caller,
            "ListGroupsForUser",
            json!({"UserName": name}),
        )?;
        for g in groups["Groups"].as_array().cloned().unwrap_or_default() {
            call_absent_ok(
                world,
                caller,
                ServiceId::Iam,
                "RemoveUserFromGroup",
                json!({"UserName": name, "GroupName": g["GroupName"]}),
            )?;
        }
    }
    call_absent_ok(
        world,
        caller,
        ServiceId::Iam,
        &format!("Delete{w}"),
        json!({key: name}),
    )
}

fn role_made(world: &mut World, caller: &Caller, name: &str) -> Result<Made, String> {
    let role = iam(world, caller, "GetRole", json!({"RoleName": name}))?;
    Ok(made(
        name,
        &[
            (
                "Arn",
                role.pointer("/Role/Arn").cloned().unwrap_or_default(),
            ),
            (
                "RoleId",
                role.pointer("/Role/RoleId").cloned().unwrap_or_default(),
            ),
        ],
    ))
}

fn create_role(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let trust = document(props, "AssumeRolePolicyDocument").ok_or_else(|| {
        "Properties validation failed for resource of type AWS::IAM::Role: #: required key [AssumeRolePolicyDocument] not found".to_string()
    })?;
    let name = text(props, "RoleName").unwrap_or_else(|| generated_name(world, ctx, 64, false));
    let mut input = json!({"RoleName": name, "AssumeRolePolicyDocument": trust});
    for key in [
        "Path",
        "Description",
        "MaxSessionDuration",
        "PermissionsBoundary",
    ] {
        if let Some(v) = text(props, key) {
            input[key] = Value::String(v);
        }
    }
    let tags = tag_list(props);
    if !tags.is_empty() {
        input["Tags"] = Value::Array(tags);
    }
    iam(world, ctx.caller, "CreateRole", input)?;
    if let Err(e) = sync_policies(world, ctx.caller, Kind::Role, &name, &json!({}), props) {
        // A create that fails halfway leaves nothing behind.
        let _ = delete_identity(world, ctx.caller, Kind::Role, &name);
        return Err(e);
    }
    role_made(world, ctx.caller, &name)
}

fn update_role(
    world: &mut World,
    ctx: &Ctx,
    old: &StackResource,
    props: &Value,
) -> Result<Made, String> {
    let name = old.physical_id.clone();
    let trust = document(props, "AssumeRolePolicyDocument").unwrap_or_default();
    if document(&old.properties, "AssumeRolePolicyDocument").as_deref() != Some(trust.as_str()) {
        iam(
            world,
            ctx.caller,
            "UpdateAssumeRolePolicy",
            json!({"RoleName": name, "PolicyDocument": trust}),
        )?;
    }
    let described = |p: &Value| (text(p, "Description"), text(p, "MaxSessionDuration"));
    if described(&old.properties) != described(props) {
        let mut input = json!({"RoleName": name, "Description": text(props, "Description").unwrap_or_default()});
        if let Some(d) = text(props, "MaxSessionDuration") {
            input["MaxSessionDuration"] = Value::String(d);
        }
        iam(world, ctx.caller, "UpdateRole", input)?;
    }
    sync_policies(world, ctx.caller, Kind::Role, &name, &old.properties, props)?;
    role_made(world, ctx.caller, &name)
}

fn read_role(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    let role = iam(
        world,
        ctx.caller,
        "GetRole",
        json!({"RoleName": r.physical_id}),
    )
    .ok()?;
    let trust = role.pointer("/Role/AssumeRolePolicyDocument")?.as_str()?;
    let decoded = percent_encoding::percent_decode_str(trust)
        .decode_utf8()
        .ok()?;
    let mut live = r.properties.clone();
    live["AssumeRolePolicyDocument"] =
        serde_json::from_str(&decoded).unwrap_or(Value::String(decoded.to_string()));
    if let Some(d) = role.pointer("/Role/Description") {
        live["Description"] = d.clone();
    }
    let attached = iam(
        world,
        ctx.caller,
        "ListAttachedRolePolicies",
        json!({"RoleName": r.physical_id}),
    )
    .ok()?;
    let arns: Vec<Value> = attached["AttachedPolicies"]
        .as_array()
        .map(|a| a.iter().map(|p| p["PolicyArn"].clone()).collect())
        .unwrap_or_default();
    if r.properties.get("ManagedPolicyArns").is_some() || !arns.is_empty() {
        live["ManagedPolicyArns"] = Value::Array(arns);
    }
    Some(live)
}

pub const ROLE: Provider = Provider {
    type_name: "AWS::IAM::Role",
    create: create_role,
    update: Some(update_role),
    delete: |world, ctx, r| delete_identity(world, ctx.caller, Kind::Role, &r.physical_id),
    replace_on: &["RoleName", "Path"],
    name_property: Some("RoleName"),
    read: Some(read_role),
    capability: Capability::Iam("RoleName"),
};

fn create_user(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let name = text(props, "UserName").unwrap_or_else(|| generated_name(world, ctx, 64, false));
    let mut input = json!({"UserName": name});
    for key in ["Path", "PermissionsBoundary"] {
        if let Some(v) = text(props, key) {
            input[key] = Value::String(v);
        }
    }
    let tags = tag_list(props);
    if !tags.is_empty() {
        input["Tags"] = Value::Array(tags);
    }
    let user = iam(world, ctx.caller, "CreateUser", input)?;
    let finish = |world: &mut World| -> Result<(), String> {
        sync_policies(world, ctx.caller, Kind::User, &name, &json!({}), props)?;
        for group in strings(props, "Groups") {
            iam(
                world,
                ctx.caller,
                "AddUserToGroup",
                json!({"UserName": name, "GroupName": group}),
            )?;
        }
        Ok(())
    };
    if let Err(e) = finish(world) {
        let _ = delete_identity(world, ctx.caller, Kind::User, &name);
        return Err(e);
    }
    Ok(made(
        name.clone(),
        &[(
            "Arn",
            user.pointer("/User/Arn").cloned().unwrap_or_default(),
        )],
    ))
}

fn update_user(
    world: &mut World,
    ctx: &Ctx,
    old: &StackResource,
    props: &Value,
) -> Result<Made, String> {
    let name = &old.physical_id;
    sync_policies(world, ctx.caller, Kind::User, name, &old.properties, props)?;
    let (before, after) = (strings(&old.properties, "Groups"), strings(props, "Groups"));
    for g in after.iter().filter(|g| !before.contains(g)) {
        iam(
            world,
            ctx.caller,
            "AddUserToGroup",
            json!({"UserName": name, "GroupName": g}),
        )?;
    }
    for g in before.iter().filter(|g| !after.contains(g)) {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::Iam,
            "RemoveUserFromGroup",
            json!({"UserName": name, "GroupName": g}),
        )?;
    }
    Ok(Made {
        ref_value: name.clone(),
        attributes: old.attributes.clone(),
    })
}

pub const USER: Provider = Provider {
    type_name: "AWS::IAM::User",
    create: create_user,
    update: Some(update_user),
    delete: |world, ctx, r| delete_identity(world, ctx.caller, Kind::User, &r.physical_id),
    replace_on: &["UserName", "Path"],
    name_property: Some("UserName"),
    read: None,
    capability: Capability::Iam("UserName"),
};

fn create_group(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let name = text(props, "GroupName").unwrap_or_else(|| generated_name(world, ctx, 128, false));
    let mut input = json!({"GroupName": name});
    if let Some(p) = text(props, "Path") {
        input["Path"] = Value::String(p);
    }
    let group = iam(world, ctx.caller, "CreateGroup", input)?;
    if let Err(e) = sync_policies(world, ctx.caller, Kind::Group, &name, &json!({}), props) {
        let _ = delete_identity(world, ctx.caller, Kind::Group, &name);
        return Err(e);
    }
    Ok(made(
        name.clone(),
        &[(
            "Arn",
            group.pointer("/Group/Arn").cloned().unwrap_or_default(),
        )],
    ))
}

pub const GROUP: Provider = Provider {
    type_name: "AWS::IAM::Group",
    create: create_group,
    update: Some(|world, ctx, old, props| {
        sync_policies(
            world,
            ctx.caller,
            Kind::Group,
            &old.physical_id,
            &old.properties,
            props,
        )?;
        Ok(Made {
            ref_value: old.physical_id.clone(),
            attributes: old.attributes.clone(),
        })
    }),
    delete: |world, ctx, r| delete_identity(world, ctx.caller, Kind::Group, &r.physical_id),
    replace_on: &["GroupName", "Path"],
    name_property: Some("GroupName"),
    read: None,
    capability: Capability::Iam("GroupName"),
};

/// The identities an `AWS::IAM::Policy` or `ManagedPolicy` is on.
fn targets(props: &Value) -> Vec<(Kind, String)> {
    let mut out = Vec::new();
    for (kind, key) in [
        (Kind::Role, "Roles"),
        (Kind::User, "Users"),
        (Kind::Group, "Groups"),
    ] {
        out.extend(strings(props, key).into_iter().map(|n| (kind, n)));
    }
    out
}

fn put_inline(world: &mut World, caller: &Caller, props: &Value) -> Result<(), String> {
    let name = required(props, "PolicyName", "AWS::IAM::Policy")?;
    let doc = document(props, "PolicyDocument").unwrap_or_default();
    let targets = targets(props);
    if targets.is_empty() {
        return Err("At least one of [Roles,Users,Groups] must be non-empty.".into());
    }
    for (kind, identity) in targets {
        iam(
            world,
            caller,
            &format!("Put{}Policy", kind.word()),
            json!({kind.name_key(): identity, "PolicyName": name, "PolicyDocument": doc}),
        )?;
    }
    Ok(())
}

fn delete_inline(
    world: &mut World,
    caller: &Caller,
    props: &Value,
    keep: &[(Kind, String)],
) -> Result<(), String> {
    let name = text(props, "PolicyName").unwrap_or_default();
    for (kind, identity) in targets(props) {
        if keep
            .iter()
            .any(|(k, n)| k.word() == kind.word() && *n == identity)
        {
            continue;
        }
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Delete{}Policy", kind.word()),
            json!({kind.name_key(): identity, "PolicyName": name}),
        )?;
    }
    Ok(())
}

pub const POLICY: Provider = Provider {
    type_name: "AWS::IAM::Policy",
    create: |world, ctx, props| {
        put_inline(world, ctx.caller, props)?;
        let id = format!(
            "{}-{}-{}",
            ctx.stack_name.chars().take(5).collect::<String>(),
            ctx.logical_id.chars().take(5).collect::<String>(),
            world.ids.upper_alnum(12)
        );
        Ok(made(id.clone(), &[("Id", Value::String(id))]))
    },
    update: Some(|world, ctx, old, props| {
        put_inline(world, ctx.caller, props)?;
        let same_name = text(&old.properties, "PolicyName") == text(props, "PolicyName");
        let keep = if same_name {
            targets(props)
        } else {
            Vec::new()
        };
        delete_inline(world, ctx.caller, &old.properties, &keep)?;
        Ok(Made {
            ref_value: old.physical_id.clone(),
            attributes: old.attributes.clone(),
        })
    }),
    delete: |world, ctx, r| delete_inline(world, ctx.caller, &r.properties, &[]),
    replace_on: &[],
    name_property: None,
    read: None,
    capability: Capability::Iam(""),
};

fn managed_attachments(
    world: &mut World,
    caller: &Caller,
    arn: &str,
    old: &Value,
    new: &Value,
) -> Result<(), String> {
    let (before, after) = (targets(old), targets(new));
    let same = |a: &(Kind, String), b: &(Kind, String)| a.0.word() == b.0.word() && a.1 == b.1;
    for t in after.iter().filter(|t| !before.iter().any(|b| same(b, t))) {
        iam(
            world,
            caller,
            &format!("Attach{}Policy", t.0.word()),
            json!({t.0.name_key(): t.1, "PolicyArn": arn}),
        )?;
    }
    for t in before.iter().filter(|t| !after.iter().any(|a| same(a, t))) {
        call_absent_ok(
            world,
            caller,
            ServiceId::Iam,
            &format!("Detach{}Policy", t.0.word()),
            json!({t.0.name_key(): t.1, "PolicyArn": arn}),
        )?;
    }
    Ok(())
}

fn create_managed(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let name =
        text(props, "ManagedPolicyName").unwrap_or_else(|| generated_name(world, ctx, 128, false));
    let mut input = json!({
        "PolicyName": name,
        "PolicyDocument": document(props, "PolicyDocument").unwrap_or_default(),
    });
    for key in ["Path", "Description"] {
        if let Some(v) = text(props, key) {
            input[key] = Value::String(v);
        }
    }
    let out = iam(world, ctx.caller, "CreatePolicy", input)?;
    let arn = super::at(&out, "/Policy/Arn");
    if let Err(e) = managed_attachments(world, ctx.caller, &arn, &json!({}), props) {
        let _ = delete_managed(world, ctx.caller, &arn, props);
        return Err(e);
    }
    Ok(made(
        arn.clone(),
        &[
            ("PolicyArn", Value::String(arn)),
            (
                "PolicyId",
                out.pointer("/Policy/PolicyId").cloned().unwrap_or_default(),
            ),
            ("DefaultVersionId", Value::String("v1".into())),
        ],
    ))
}

fn delete_managed(
    world: &mut World,
    caller: &Caller,
    arn: &str,
    props: &Value,
) -> Result<(), String> {
    managed_attachments(world, caller, arn, props, &json!({}))?;
    call_absent_ok(
        world,
        caller,
        ServiceId::Iam,
        "DeletePolicy",
        json!({"PolicyArn": arn}),
    )
}

pub const MANAGED_POLICY: Provider = Provider {
    type_name: "AWS::IAM::ManagedPolicy",
    create: create_managed,
    update: Some(|world, ctx, old, props| {
        let arn = old.physical_id.clone();
        let mut attributes = old.attributes.clone();
        if document(&old.properties, "PolicyDocument") != document(props, "PolicyDocument") {
            // A new default version; the oldest non-default one goes when five exist.
            let versions = iam(
                world,
                ctx.caller,
                "ListPolicyVersions",
                json!({"PolicyArn": arn}),
            )?;
            let list = versions["Versions"].as_array().cloned().unwrap_or_default();
            if list.len() >= 5 {
                if let Some(oldest) = list.iter().rev().find(|v| {
                    v["IsDefaultVersion"] != json!(true) && v["IsDefaultVersion"] != json!("true")
                }) {
                    iam(
                        world,
                        ctx.caller,
                        "DeletePolicyVersion",
                        json!({"PolicyArn": arn, "VersionId": oldest["VersionId"]}),
                    )?;
                }
            }
            let out = iam(
                world,
                ctx.caller,
                "CreatePolicyVersion",
                json!({"PolicyArn": arn, "PolicyDocument": document(props, "PolicyDocument").unwrap_or_default(), "SetAsDefault": "true"}),
            )?;
            attributes.insert(
                "DefaultVersionId".into(),
                out.pointer("/PolicyVersion/VersionId")
                    .cloned()
                    .unwrap_or_default(),
            );
        }
        managed_attachments(world, ctx.caller, &arn, &old.properties, props)?;
        Ok(Made {
            ref_value: arn,
            attributes,
        })
    }),
    delete: |world, ctx, r| delete_managed(world, ctx.caller, &r.physical_id, &r.properties),
    replace_on: &["ManagedPolicyName", "Path", "Description"],
    name_property: Some("ManagedPolicyName"),
    read: None,
    capability: Capability::Iam("ManagedPolicyName"),
};
