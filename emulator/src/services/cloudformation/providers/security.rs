//! The security services' types: GuardDuty's detector, Config's rule, recorder and
//! delivery channel, CloudTrail's trail, Security Hub's hub, Access Analyzer's analyzer.

use serde_json::{json, Map, Value};

use super::{
    at, call, call_absent_ok, flag, generated_name, lower_camel, made, required, tag_list, tag_map,
    text, Capability, Ctx, Provider,
};
use crate::api::ServiceId;
use crate::auth::Caller;
use crate::services::cloudformation::model::StackResource;
use crate::services::cloudformation::template::eval::Made;
use crate::world::World;

fn keep(old: &StackResource) -> Made {
    Made {
        ref_value: old.physical_id.clone(),
        attributes: old.attributes.clone(),
    }
}

// --- GuardDuty -----------------------------------------------------------------------

fn detector_input(props: &Value) -> Map<String, Value> {
    let mut input = Map::new();
    if let Some(f) = text(props, "FindingPublishingFrequency") {
        input.insert("findingPublishingFrequency".into(), Value::String(f));
    }
    if let Some(d) = props.get("DataSources") {
        input.insert("dataSources".into(), lower_camel(d));
    }
    if let Some(f) = props.get("Features") {
        input.insert("features".into(), lower_camel(f));
    }
    input
}

fn create_detector(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let enable = flag(props, "Enable").ok_or_else(|| {
        "Properties validation failed for resource of type AWS::GuardDuty::Detector: #: required key [Enable] not found".to_string()
    })?;
    let mut input = detector_input(props);
    input.insert("enable".into(), Value::Bool(enable));
    let tags = tag_map(props);
    if !tags.is_empty() {
        input.insert("tags".into(), Value::Object(tags));
    }
    let out = call(
        world,
        ctx.caller,
        ServiceId::GuardDuty,
        "CreateDetector",
        Value::Object(input),
    )?;
    let id = at(&out, "/detectorId");
    Ok(made(id.clone(), &[("Id", Value::String(id))]))
}

fn read_detector(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    let out = call(
        world,
        ctx.caller,
        ServiceId::GuardDuty,
        "GetDetector",
        json!({"DetectorId": r.physical_id}),
    )
    .ok()?;
    let mut live = r.properties.clone();
    live["Enable"] = Value::Bool(out.get("status").and_then(Value::as_str) == Some("ENABLED"));
    if let Some(f) = out.get("findingPublishingFrequency") {
        if r.properties.get("FindingPublishingFrequency").is_some() {
            live["FindingPublishingFrequency"] = f.clone();
        }
    }
    Some(live)
}

pub const DETECTOR: Provider = Provider {
    type_name: "AWS::GuardDuty::Detector",
    create: create_detector,
    update: Some(|world, ctx, old, props| {
        let mut input = detector_input(props);
        input.insert("DetectorId".into(), Value::String(old.physical_id.clone()));
        input.insert(
            "enable".into(),
            Value::Bool(flag(props, "Enable").unwrap_or(true)),
        );
        call(
            world,
            ctx.caller,
            ServiceId::GuardDuty,
            "UpdateDetector",
            Value::Object(input),
        )?;
        Ok(keep(old))
    }),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::GuardDuty,
            "DeleteDetector",
            json!({"DetectorId": r.physical_id}),
        )
    },
    replace_on: &[],
    name_property: None,
    read: Some(read_detector),
    capability: Capability::None,
};

// --- Config --------------------------------------------------------------------------

fn config(world: &mut World, caller: &Caller, op: &str, input: Value) -> Result<Value, String> {
    call(world, caller, ServiceId::Config, op, input)
}

fn put_rule(world: &mut World, ctx: &Ctx, name: &str, props: &Value) -> Result<Made, String> {
    let mut rule = Map::new();
    rule.insert("ConfigRuleName".into(), Value::String(name.to_string()));
    for key in [
        "Description",
        "Scope",
        "Source",
        "MaximumExecutionFrequency",
        "EvaluationModes",
    ] {
        if let Some(v) = props.get(key) {
            rule.insert(key.into(), v.clone());
        }
    }
    if props.get("Source").is_none() {
        return Err("Properties validation failed for resource of type AWS::Config::ConfigRule: #: required key [Source] not found".into());
    }
    if let Some(p) = props.get("InputParameters") {
        let text = match p {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        rule.insert("InputParameters".into(), Value::String(text));
    }
    config(
        world,
        ctx.caller,
        "PutConfigRule",
        json!({"ConfigRule": rule}),
    )?;
    let out = config(
        world,
        ctx.caller,
        "DescribeConfigRules",
        json!({"ConfigRuleNames": [name]}),
    )?;
    Ok(made(
        name,
        &[
            (
                "Arn",
                out.pointer("/ConfigRules/0/ConfigRuleArn")
                    .cloned()
                    .unwrap_or_default(),
            ),
            (
                "ConfigRuleId",
                out.pointer("/ConfigRules/0/ConfigRuleId")
                    .cloned()
                    .unwrap_or_default(),
            ),
            ("Compliance.Type", Value::String("INSUFFICIENT_DATA".into())),
        ],
    ))
}

fn read_rule(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    let out = config(
        world,
        ctx.caller,
        "DescribeConfigRules",
        json!({"ConfigRuleNames": [r.physical_id]}),
    )
    .ok()?;
    let rule = out.pointer("/ConfigRules/0")?;
    let mut live = r.properties.clone();
    if let Some(s) = rule.get("Source") {
        let mut source = r.properties.get("Source").cloned().unwrap_or(json!({}));
        for key in ["Owner", "SourceIdentifier"] {
            if let Some(v) = s.get(key) {
                source[key] = v.clone();
            }
        }
        live["Source"] = source;
    }
    if let Some(d) = rule.get("Description") {
        if r.properties.get("Description").is_some() {
            live["Description"] = d.clone();
        }
    }
    Some(live)
}

pub const CONFIG_RULE: Provider = Provider {
    type_name: "AWS::Config::ConfigRule",
    create: |world, ctx, props| {
        let name =
            text(props, "ConfigRuleName").unwrap_or_else(|| generated_name(world, ctx, 128, false));
        put_rule(world, ctx, &name, props)
    },
    update: Some(|world, ctx, old, props| put_rule(world, ctx, &old.physical_id, props)),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::Config,
            "DeleteConfigRule",
            json!({"ConfigRuleName": r.physical_id}),
        )
    },
    replace_on: &["ConfigRuleName"],
    name_property: Some("ConfigRuleName"),
    read: Some(read_rule),
    capability: Capability::None,
};

/// CloudFormation starts the recorder once a delivery channel exists (AWS documents
/// this for `AWS::Config::ConfigurationRecorder`).
fn start_recorder_when_ready(world: &mut World, caller: &Caller) -> Result<(), String> {
    let recorders = config(world, caller, "DescribeConfigurationRecorders", json!({}))?;
    let channels = config(world, caller, "DescribeDeliveryChannels", json!({}))?;
    let recorder = at(&recorders, "/ConfigurationRecorders/0/name");
    if recorder.is_empty() || channels.pointer("/DeliveryChannels/0").is_none() {
        return Ok(());
    }
    config(
        world,
        caller,
        "StartConfigurationRecorder",
        json!({"ConfigurationRecorderName": recorder}),
    )
    .map(|_| ())
}

fn put_recorder(world: &mut World, ctx: &Ctx, name: &str, props: &Value) -> Result<Made, String> {
    let role = required(props, "RoleARN", "AWS::Config::ConfigurationRecorder")?;
    let mut recorder = json!({"name": name, "roleARN": role});
    if let Some(g) = props.get("RecordingGroup") {
        recorder["recordingGroup"] = lower_camel(g);
    }
    if let Some(m) = props.get("RecordingMode") {
        recorder["recordingMode"] = lower_camel(m);
    }
    config(
        world,
        ctx.caller,
        "PutConfigurationRecorder",
        json!({"ConfigurationRecorder": recorder}),
    )?;
    start_recorder_when_ready(world, ctx.caller)?;
    Ok(made(name, &[]))
}

pub const CONFIGURATION_RECORDER: Provider = Provider {
    type_name: "AWS::Config::ConfigurationRecorder",
    create: |world, ctx, props| {
        let name = text(props, "Name").unwrap_or_else(|| "default".to_string());
        put_recorder(world, ctx, &name, props)
    },
    update: Some(|world, ctx, old, props| put_recorder(world, ctx, &old.physical_id, props)),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::Config,
            "DeleteConfigurationRecorder",
            json!({"ConfigurationRecorderName": r.physical_id}),
        )
    },
    replace_on: &["Name"],
    name_property: Some("Name"),
    read: None,
    capability: Capability::None,
};

fn put_channel(world: &mut World, ctx: &Ctx, name: &str, props: &Value) -> Result<Made, String> {
    let bucket = required(props, "S3BucketName", "AWS::Config::DeliveryChannel")?;
    let mut channel = json!({"name": name, "s3BucketName": bucket});
    for (key, wire) in [
        ("S3KeyPrefix", "s3KeyPrefix"),
        ("SnsTopicARN", "snsTopicARN"),
        ("S3KmsKeyArn", "s3KmsKeyArn"),
    ] {
        if let Some(v) = text(props, key) {
            channel[wire] = Value::String(v);
        }
    }
    if let Some(p) = props.get("ConfigSnapshotDeliveryProperties") {
        channel["configSnapshotDeliveryProperties"] = lower_camel(p);
    }
    config(
        world,
        ctx.caller,
        "PutDeliveryChannel",
        json!({"DeliveryChannel": channel}),
    )?;
    start_recorder_when_ready(world, ctx.caller)?;
    Ok(made(name, &[]))
}

pub const DELIVERY_CHANNEL: Provider = Provider {
    type_name: "AWS::Config::DeliveryChannel",
    create: |world, ctx, props| {
        let name = text(props, "Name").unwrap_or_else(|| "default".to_string());
        put_channel(world, ctx, &name, props)
    },
    update: Some(|world, ctx, old, props| put_channel(world, ctx, &old.physical_id, props)),
    delete: |world, ctx, r| {
        // AWS refuses to delete the channel of a running recorder: stop it first.
        if let Ok(recorders) = config(
            world,
            ctx.caller,
            "DescribeConfigurationRecorders",
            json!({}),
        ) {
            let name = at(&recorders, "/ConfigurationRecorders/0/name");
            if !name.is_empty() {
                let _ = config(
                    world,
                    ctx.caller,
                    "StopConfigurationRecorder",
                    json!({"ConfigurationRecorderName": name}),
                );
            }
        }
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::Config,
            "DeleteDeliveryChannel",
            json!({"DeliveryChannelName": r.physical_id}),
        )
    },
    replace_on: &["Name"],
    name_property: Some("Name"),
    read: None,
    capability: Capability::None,
};

// --- CloudTrail ----------------------------------------------------------------------

const TRAIL_FLAGS: &[&str] = &[
    "IncludeGlobalServiceEvents",
    "IsMultiRegionTrail",
    "EnableLogFileValidation",
    "IsOrganizationTrail",
];

fn trail_input(name: &str, props: &Value) -> Map<String, Value> {
    let mut input = Map::new();
    input.insert("Name".into(), Value::String(name.to_string()));
    for key in [
        "S3BucketName",
        "S3KeyPrefix",
        "SnsTopicName",
        "KMSKeyId",
        "CloudWatchLogsLogGroupArn",
        "CloudWatchLogsRoleArn",
    ] {
        if let Some(v) = text(props, key) {
            let wire = if key == "KMSKeyId" { "KmsKeyId" } else { key };
            input.insert(wire.into(), Value::String(v));
        }
    }
    for key in TRAIL_FLAGS {
        if let Some(b) = flag(props, key) {
            input.insert((*key).into(), Value::Bool(b));
        }
    }
    input
}

fn set_logging(world: &mut World, caller: &Caller, name: &str, on: bool) -> Result<(), String> {
    let op = if on { "StartLogging" } else { "StopLogging" };
    call(
        world,
        caller,
        ServiceId::CloudTrail,
        op,
        json!({"Name": name}),
    )
    .map(|_| ())
}

fn create_trail(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    required(props, "S3BucketName", "AWS::CloudTrail::Trail")?;
    let logging = flag(props, "IsLogging").ok_or_else(|| {
        "Properties validation failed for resource of type AWS::CloudTrail::Trail: #: required key [IsLogging] not found".to_string()
    })?;
    let name = text(props, "TrailName").unwrap_or_else(|| generated_name(world, ctx, 128, false));
    let mut input = trail_input(&name, props);
    let tags = tag_list(props);
    if !tags.is_empty() {
        input.insert("TagsList".into(), Value::Array(tags));
    }
    let out = call(
        world,
        ctx.caller,
        ServiceId::CloudTrail,
        "CreateTrail",
        Value::Object(input),
    )?;
    if logging {
        if let Err(e) = set_logging(world, ctx.caller, &name, true) {
            let _ = call_absent_ok(
                world,
                ctx.caller,
                ServiceId::CloudTrail,
                "DeleteTrail",
                json!({"Name": name}),
            );
            return Err(e);
        }
    }
    Ok(made(
        name,
        &[
            ("Arn", out.get("TrailARN").cloned().unwrap_or_default()),
            (
                "SnsTopicArn",
                out.get("SnsTopicARN").cloned().unwrap_or_default(),
            ),
        ],
    ))
}

fn read_trail(world: &mut World, ctx: &Ctx, r: &StackResource) -> Option<Value> {
    let status = call(
        world,
        ctx.caller,
        ServiceId::CloudTrail,
        "GetTrailStatus",
        json!({"Name": r.physical_id}),
    )
    .ok()?;
    let mut live = r.properties.clone();
    live["IsLogging"] = status
        .get("IsLogging")
        .cloned()
        .unwrap_or(Value::Bool(false));
    Some(live)
}

pub const TRAIL: Provider = Provider {
    type_name: "AWS::CloudTrail::Trail",
    create: create_trail,
    update: Some(|world, ctx, old, props| {
        let name = old.physical_id.clone();
        let mut input = trail_input(&name, props);
        input
            .remove("IsOrganizationTrail")
            .map(|v| input.insert("IsOrganizationTrail".into(), v));
        call(
            world,
            ctx.caller,
            ServiceId::CloudTrail,
            "UpdateTrail",
            Value::Object(input),
        )?;
        let (was, now) = (flag(&old.properties, "IsLogging"), flag(props, "IsLogging"));
        if was != now {
            set_logging(world, ctx.caller, &name, now.unwrap_or(false))?;
        }
        Ok(keep(old))
    }),
    delete: |world, ctx, r| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::CloudTrail,
            "DeleteTrail",
            json!({"Name": r.physical_id}),
        )
    },
    replace_on: &["TrailName"],
    name_property: Some("TrailName"),
    read: Some(read_trail),
    capability: Capability::None,
};

// --- Security Hub --------------------------------------------------------------------

fn create_hub(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let mut input =
        json!({"EnableDefaultStandards": flag(props, "EnableDefaultStandards").unwrap_or(true)});
    if let Some(g) = text(props, "ControlFindingGenerator") {
        input["ControlFindingGenerator"] = Value::String(g);
    }
    let tags = tag_map(props);
    if !tags.is_empty() {
        input["Tags"] = Value::Object(tags);
    }
    call(
        world,
        ctx.caller,
        ServiceId::SecurityHub,
        "EnableSecurityHub",
        input,
    )?;
    let hub = call(
        world,
        ctx.caller,
        ServiceId::SecurityHub,
        "DescribeHub",
        json!({}),
    )?;
    let arn = at(&hub, "/HubArn");
    Ok(made(
        arn.clone(),
        &[
            ("ARN", Value::String(arn)),
            (
                "SubscribedAt",
                hub.get("SubscribedAt").cloned().unwrap_or_default(),
            ),
            (
                "AutoEnableControls",
                hub.get("AutoEnableControls").cloned().unwrap_or_default(),
            ),
        ],
    ))
}

pub const HUB: Provider = Provider {
    type_name: "AWS::SecurityHub::Hub",
    create: create_hub,
    update: Some(|world, ctx, old, props| {
        if let Some(auto) = flag(props, "AutoEnableControls") {
            let mut input = json!({"AutoEnableControls": auto});
            if let Some(g) = text(props, "ControlFindingGenerator") {
                input["ControlFindingGenerator"] = Value::String(g);
            }
            call(
                world,
                ctx.caller,
                ServiceId::SecurityHub,
                "UpdateSecurityHubConfiguration",
                input,
            )?;
        }
        Ok(keep(old))
    }),
    delete: |world, ctx, _| {
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::SecurityHub,
            "DisableSecurityHub",
            json!({}),
        )
    },
    replace_on: &[],
    name_property: None,
    read: None,
    capability: Capability::None,
};

// --- Access Analyzer -----------------------------------------------------------------

fn create_analyzer(world: &mut World, ctx: &Ctx, props: &Value) -> Result<Made, String> {
    let kind = required(props, "Type", "AWS::AccessAnalyzer::Analyzer")?;
    let name =
        text(props, "AnalyzerName").unwrap_or_else(|| generated_name(world, ctx, 255, false));
    let mut input = json!({"analyzerName": name, "type": kind});
    let tags = tag_map(props);
    if !tags.is_empty() {
        input["tags"] = Value::Object(tags);
    }
    if let Some(rules) = props.get("ArchiveRules").and_then(Value::as_array) {
        let rules: Vec<Value> = rules
            .iter()
            .map(|r| {
                let mut filter = Map::new();
                for f in r
                    .get("Filter")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                {
                    let property = at(&f, "/Property");
                    let mut criteria = lower_camel(&f);
                    if let Some(m) = criteria.as_object_mut() {
                        m.remove("property");
                    }
                    filter.insert(property, criteria);
                }
                json!({"ruleName": at(r, "/RuleName"), "filter": filter})
            })
            .collect();
        input["archiveRules"] = Value::Array(rules);
    }
    let out = call(
        world,
        ctx.caller,
        ServiceId::AccessAnalyzer,
        "CreateAnalyzer",
        input,
    )?;
    let arn = at(&out, "/arn");
    Ok(made(arn.clone(), &[("Arn", Value::String(arn))]))
}

pub const ANALYZER: Provider = Provider {
    type_name: "AWS::AccessAnalyzer::Analyzer",
    create: create_analyzer,
    update: None,
    delete: |world, ctx, r| {
        let name = r
            .physical_id
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        call_absent_ok(
            world,
            ctx.caller,
            ServiceId::AccessAnalyzer,
            "DeleteAnalyzer",
            json!({"analyzerName": name}),
        )
    },
    replace_on: &["AnalyzerName", "Type"],
    name_property: Some("AnalyzerName"),
    read: None,
    capability: Capability::None,
};
