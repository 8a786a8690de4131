//! `AWS::Organizations::OrganizationalUnit` and `AWS::Organizations::Policy` over
//! Organizations' own handlers (the management account's stacks make them).

use serde_json::{json, Value};

use super::{
    call, call_absent_ok, document, made, required, strings, tag_list, text, Capability, Provider,
};
use crate::api::ServiceId;
use crate::auth::Caller;
use crate::services::cloudformation::model::StackResource;
use crate::services::cloudformation::template::eval::Made;
use crate::world::World;

fn org(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, String> {
    call(world, caller, ServiceId::Organizations, op, input)
}

pub const ORGANIZATIONAL_UNIT: Provider = Provider {
    type_name: "AWS::Organizations::OrganizationalUnit",
    create: |world, ctx, props| {
        let name = required(props, "Name", "AWS::Organizations::OrganizationalUnit")?;
        let parent = required(props, "ParentId", "AWS::Organizations::OrganizationalUnit")?;
        let mut input = json!({"Name": name, "ParentId": parent});
        let tags = tag_list(props);
        if !tags.is_empty() {
            input["Tags"] = Value::Array(tags);
        }
        let out = org(world, ctx.caller, "CreateOrganizationalUnit", input)?;
        let id = super::at(&out, "/OrganizationalUnit/Id");
        Ok(made(
            id.clone(),
            &[
                ("Id", Value::String(id)),
                (
                    "Arn",
                    out.pointer("/OrganizationalUnit/Arn")
                        .cloned()
                        .unwrap_or_default(),
                ),
            ],
        ))
    },
    update: Some(|world, ctx, old, props| {
        if text(&old.properties, "Name") != text(props, "Name") {
            org(
                world,
                ctx.caller,
                "UpdateOrganizationalUnit",
                json!({"OrganizationalUnitId": old.physical_id, "Name": text(props, "Name")}),
            )?;
        }
        Ok(Made {
            ref_value: old.physical_id.clone(),
            attributes: old.attributes.clone(),
        })
    }),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::Organizations,
            "DeleteOrganizationalUnit",
            json!({"OrganizationalUnitId": r.physical_id}),
        )
    },
    replace_on: &["ParentId"],
    name_property: None,
    read: None,
    capability: Capability::None,
};

fn attach(
    world: &mut World,
    caller: &Caller,
    id: &str,
    old: &Value,
    new: &Value,
) -> Result<(), String> {
    let (before, after) = (strings(old, "TargetIds"), strings(new, "TargetIds"));
    for t in after.iter().filter(|t| !before.contains(t)) {
        org(
            world,
            caller,
            "AttachPolicy",
            json!({"PolicyId": id, "TargetId": t}),
        )?;
    }
    for t in before.iter().filter(|t| !after.contains(t)) {
        call_absent_ok(
            world,
            caller,
            ServiceId::Organizations,
            "DetachPolicy",
            json!({"PolicyId": id, "TargetId": t}),
        )?;
    }
    Ok(())
}

fn delete_policy(
    world: &mut World,
    caller: &Caller,
    id: &str,
    props: &Value,
) -> Result<(), String> {
    attach(world, caller, id, props, &json!({}))?;
    call_absent_ok(
        world,
        caller,
        ServiceId::Organizations,
        "DeletePolicy",
        json!({"PolicyId": id}),
    )
}

pub const POLICY: Provider = Provider {
    type_name: "AWS::Organizations::Policy",
    create: |world, ctx, props| {
        let name = required(props, "Name", "AWS::Organizations::Policy")?;
        let kind = required(props, "Type", "AWS::Organizations::Policy")?;
        let content = document(props, "Content").ok_or_else(|| {
            "Properties validation failed for resource of type AWS::Organizations::Policy: #: required key [Content] not found".to_string()
        })?;
        let mut input = json!({
            "Name": name,
            "Type": kind,
            "Content": content,
            "Description": text(props, "Description").unwrap_or_default(),
        });
        let tags = tag_list(props);
        if !tags.is_empty() {
            input["Tags"] = Value::Array(tags);
        }
        let out = org(world, ctx.caller, "CreatePolicy", input)?;
        let id = super::at(&out, "/Policy/PolicySummary/Id");
        if let Err(e) = attach(world, ctx.caller, &id, &json!({}), props) {
            let _ = delete_policy(world, ctx.caller, &id, props);
            return Err(e);
        }
        Ok(made(
            id.clone(),
            &[
                ("Id", Value::String(id)),
                (
                    "Arn",
                    out.pointer("/Policy/PolicySummary/Arn")
                        .cloned()
                        .unwrap_or_default(),
                ),
                ("AwsManaged", Value::Bool(false)),
            ],
        ))
    },
    update: Some(|world, ctx, old: &StackResource, props| {
        let mut input = json!({"PolicyId": old.physical_id});
        for key in ["Name", "Description"] {
            if let Some(v) = text(props, key) {
                input[key] = Value::String(v);
            }
        }
        if let Some(c) = document(props, "Content") {
            input["Content"] = Value::String(c);
        }
        org(world, ctx.caller, "UpdatePolicy", input)?;
        attach(world, ctx.caller, &old.physical_id, &old.properties, props)?;
        Ok(Made {
            ref_value: old.physical_id.clone(),
            attributes: old.attributes.clone(),
        })
    }),
    delete: |world, ctx, r| delete_policy(world, ctx.caller, &r.physical_id, &r.properties),
    replace_on: &["Type"],
    name_property: None,
    read: None,
    capability: Capability::None,
};
