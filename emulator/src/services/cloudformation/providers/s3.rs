//! `AWS::S3::Bucket` and `AWS::S3::BucketPolicy` over S3's own handlers.

use serde_json::{json, Value};

use super::{
    call, call_absent_ok, document, generated_name, made, required, tag_list, text, Capability,
    Ctx, Provider,
};
use crate::api::ServiceId;
use crate::auth::Caller;
use crate::services::cloudformation::model::StackResource;
use crate::services::cloudformation::template::eval::Made;
use crate::world::World;

fn s3(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, String> {
    call(world, caller, ServiceId::S3, op, input)
}

/// The bucket's settings other than its name, applied after CreateBucket or an update.
fn configure(
    world: &mut World,
    caller: &Caller,
    bucket: &str,
    old: &Value,
    props: &Value,
) -> Result<(), String> {
    let changed = |key: &str| old.get(key) != props.get(key);
    if changed("Tags") {
        let tags = tag_list(props);
        if tags.is_empty() {
            call_absent_ok(
                world,
                caller,
                ServiceId::S3,
                "DeleteBucketTagging",
                json!({"Bucket": bucket}),
            )?;
        } else {
            s3(
                world,
                caller,
                "PutBucketTagging",
                json!({"Bucket": bucket, "Tagging": {"TagSet": tags}}),
            )?;
        }
    }
    if changed("VersioningConfiguration") {
        if let Some(status) = props
            .pointer("/VersioningConfiguration/Status")
            .and_then(Value::as_str)
        {
            s3(
                world,
                caller,
                "PutBucketVersioning",
                json!({"Bucket": bucket, "VersioningConfiguration": {"Status": status}}),
            )?;
        }
    }
    if changed("PublicAccessBlockConfiguration") {
        match props.get("PublicAccessBlockConfiguration") {
            Some(block) => {
                let flag = |k: &str| json!(super::flag(block, k).unwrap_or(false));
                s3(
                    world,
                    caller,
                    "PutPublicAccessBlock",
                    json!({"Bucket": bucket, "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": flag("BlockPublicAcls"),
                        "IgnorePublicAcls": flag("IgnorePublicAcls"),
                        "BlockPublicPolicy": flag("BlockPublicPolicy"),
                        "RestrictPublicBuckets": flag("RestrictPublicBuckets"),
                    }}),
                )?;
            }
            None => call_absent_ok(
                world,
                caller,
                ServiceId::S3,
                "DeletePublicAccessBlock",
                json!({"Bucket": bucket}),
            )?,
        }
    }
    if changed("BucketEncryption") {
        if let Some(rules) = props.pointer("/BucketEncryption/ServerSideEncryptionConfiguration") {
            s3(
                world,
                caller,
                "PutBucketEncryption",
                json!({"Bucket": bucket, "ServerSideEncryptionConfiguration": {"Rule": rules}}),
            )?;
        }
    }
    Ok(())
}

fn bucket_made(ctx: &Ctx, name: &str) -> Made {
    let region = &ctx.caller.region;
    made(
        name,
        &[
            ("Arn", Value::String(format!("arn:aws:s3:::{name}"))),
            (
                "DomainName",
                Value::String(format!("{name}.s3.amazonaws.com")),
            ),
            (
                "RegionalDomainName",
                Value::String(format!("{name}.s3.{region}.amazonaws.com")),
            ),
            (
                "DualStackDomainName",
                Value::String(format!("{name}.s3.dualstack.{region}.amazonaws.com")),
            ),
            (
                "WebsiteURL",
                Value::String(format!("http://{name}.s3-website-{region}.amazonaws.com")),
            ),
        ],
    )
}

fn create_bucket(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let name = text(props, "BucketName").unwrap_or_else(|| generated_name(world, ctx, 63, true));
    let mut input = json!({"Bucket": name});
    if ctx.caller.region != "us-east-1" {
        input["CreateBucketConfiguration"] = json!({"LocationConstraint": ctx.caller.region});
    }
    if let Some(ownership) = props
        .pointer("/OwnershipControls/Rules/0/ObjectOwnership")
        .and_then(Value::as_str)
    {
        input["ObjectOwnership"] = Value::String(ownership.to_string());
    }
    // CloudFormation refuses a name that is taken even by the caller's own bucket, where
    // CreateBucket in us-east-1 would answer 200; deleting it on rollback would lose data.
    if s3(world, ctx.caller, "HeadBucket", json!({"Bucket": name})).is_ok() {
        let token = world.ids.uuid();
        return Err(format!(
            "Resource handler returned message: \"{name} already exists\" (RequestToken: {token}, HandlerErrorCode: AlreadyExists)"
        ));
    }
    s3(world, ctx.caller, "CreateBucket", input)?;
    if let Err(e) = configure(world, ctx.caller, &name, &json!({}), props) {
        let _ = call_absent_ok(
            world,
            ctx.caller,
            ServiceId::S3,
            "DeleteBucket",
            json!({"Bucket": name}),
        );
        return Err(e);
    }
    Ok(bucket_made(ctx, &name))
}

fn read_bucket(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    s3(
        world,
        ctx.caller,
        "HeadBucket",
        json!({"Bucket": r.physical_id}),
    )
    .ok()?;
    let mut live = r.properties.clone();
    if r.properties.get("VersioningConfiguration").is_some() {
        let v = s3(
            world,
            ctx.caller,
            "GetBucketVersioning",
            json!({"Bucket": r.physical_id}),
        )
        .ok()?;
        let status = v
            .get("Status")
            .cloned()
            .unwrap_or(Value::String("Suspended".into()));
        live["VersioningConfiguration"] = json!({"Status": status});
    }
    Some(live)
}

pub const BUCKET: Provider = Provider {
    type_name: "AWS::S3::Bucket",
    create: create_bucket,
    update: Some(|world, ctx, old, props| {
        configure(world, ctx.caller, &old.physical_id, &old.properties, props)?;
        Ok(bucket_made(ctx, &old.physical_id))
    }),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::S3,
            "DeleteBucket",
            json!({"Bucket": r.physical_id}),
        )
    },
    replace_on: &["BucketName"],
    name_property: Some("BucketName"),
    read: Some(read_bucket),
    capability: Capability::None,
};

fn put_policy(world: &mut World, ctx: &Ctx, props: &Value) -> Result<String, String> {
    let bucket = required(props, "Bucket", "AWS::S3::BucketPolicy")?;
    let policy = document(props, "PolicyDocument").ok_or_else(|| {
        "Properties validation failed for resource of type AWS::S3::BucketPolicy: #: required key [PolicyDocument] not found".to_string()
    })?;
    s3(
        world,
        ctx.caller,
        "PutBucketPolicy",
        json!({"Bucket": bucket, "Policy": policy}),
    )?;
    Ok(bucket)
}

fn read_policy(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    let out = s3(
        world,
        ctx.caller,
        "GetBucketPolicy",
        json!({"Bucket": r.physical_id}),
    )
    .ok()?;
    let text = out.get("Policy")?.as_str()?;
    let mut live = r.properties.clone();
    live["PolicyDocument"] = serde_json::from_str(text).ok()?;
    Some(live)
}

pub const BUCKET_POLICY: Provider = Provider {
    type_name: "AWS::S3::BucketPolicy",
    create: |world, ctx, props| {
        let bucket = put_policy(world, ctx, props)?;
        Ok(made(bucket, &[]))
    },
    update: Some(|world, ctx, old, props| {
        let bucket = put_policy(world, ctx, props)?;
        Ok(Made {
            ref_value: bucket,
            attributes: old.attributes.clone(),
        })
    }),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::S3,
            "DeleteBucketPolicy",
            json!({"Bucket": r.physical_id}),
        )
    },
    replace_on: &["Bucket"],
    name_property: None,
    read: Some(read_policy),
    capability: Capability::None,
};
