//! What the IaC generator finds in an account and region: the live resources of the
//! types orgsim provides that can be enumerated from the services' state, each with its
//! primary identifier (as the CloudFormation registry names it), its tags, the resources
//! it is related to, and its properties in the template's terms (what a generated
//! template declares, and what the providers accept to make it again).
//!
//! The inventory reads the services' state directly rather than calling their List
//! operations as the caller: a scan in orgsim is not subject to the caller's read
//! permissions, where AWS's scan skips what the caller cannot read.

use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use crate::world::World;

/// A primary identifier: property name → value.
pub type Identifier = BTreeMap<String, String>;

/// One live resource.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub type_name: &'static str,
    pub identifier: Identifier,
    pub tags: Vec<(String, String)>,
    /// Resources this one refers to (policies attached, groups joined, the bucket of a
    /// bucket policy); [`all`] adds the reverse direction.
    pub related: Vec<(&'static str, Identifier)>,
    pub properties: Value,
}

/// The types a scan can find, sorted by name.
pub const SCANNABLE: &[&str] = &[
    "AWS::Config::ConfigRule",
    "AWS::GuardDuty::Detector",
    "AWS::IAM::Group",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::Role",
    "AWS::IAM::User",
    "AWS::S3::Bucket",
    "AWS::S3::BucketPolicy",
];

fn id(key: &str, value: &str) -> Identifier {
    BTreeMap::from([(key.to_string(), value.to_string())])
}

/// A policy document as the template writes it: the JSON object, or the text as given.
fn document(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

fn tag_list(tags: &[(String, String)]) -> Value {
    Value::Array(
        tags.iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

fn insert_some(props: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        props.insert(key.to_string(), v);
    }
}

/// Every resource in `account`/`region` (IAM's global ones included, as AWS's scans
/// include them in every region), by type then identifier.
pub fn all(world: &World, account: &str, region: &str) -> Vec<Found> {
    let mut found = Vec::new();
    config_rules(world, account, region, &mut found);
    detectors(world, account, region, &mut found);
    iam(world, account, &mut found);
    buckets(world, account, region, &mut found);
    let links: Vec<(usize, &'static str, Identifier)> = found
        .iter()
        .enumerate()
        .flat_map(|(i, f)| {
            f.related
                .iter()
                .map(move |(t, ident)| (i, *t, ident.clone()))
        })
        .collect();
    for (from, type_name, ident) in links {
        let back = (found[from].type_name, found[from].identifier.clone());
        if let Some(to) = found
            .iter_mut()
            .find(|f| f.type_name == type_name && f.identifier == ident)
        {
            if !to.related.contains(&back) {
                to.related.push(back);
            }
        }
    }
    found.sort_by(|a, b| (a.type_name, &a.identifier).cmp(&(b.type_name, &b.identifier)));
    found
}

/// The live resource of `type_name` with `identifier`, if it exists.
pub fn read(
    world: &World,
    account: &str,
    region: &str,
    type_name: &str,
    identifier: &Identifier,
) -> Option<Found> {
    all(world, account, region)
        .into_iter()
        .find(|f| f.type_name == type_name && &f.identifier == identifier)
}

fn config_rules(world: &World, account: &str, region: &str, out: &mut Vec<Found>) {
    let Some(state) = world
        .config
        .regions
        .get(region)
        .and_then(|r| r.accounts.get(account))
    else {
        return;
    };
    for rule in state.rules.values() {
        let mut props = Map::new();
        props.insert("ConfigRuleName".into(), json!(rule.name));
        insert_some(
            &mut props,
            "Description",
            rule.description.clone().map(Value::String),
        );
        props.insert("Source".into(), rule.source.clone());
        insert_some(&mut props, "Scope", rule.scope.clone());
        insert_some(
            &mut props,
            "InputParameters",
            rule.input_parameters.as_deref().map(document),
        );
        insert_some(
            &mut props,
            "MaximumExecutionFrequency",
            rule.maximum_execution_frequency.clone().map(Value::String),
        );
        out.push(Found {
            type_name: "AWS::Config::ConfigRule",
            identifier: id("ConfigRuleName", &rule.name),
            tags: world
                .config
                .tags
                .get(&rule.arn)
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            related: Vec::new(),
            properties: Value::Object(props),
        });
    }
}

fn detectors(world: &World, account: &str, region: &str, out: &mut Vec<Found>) {
    let Some(d) = world
        .guardduty
        .regions
        .get(region)
        .and_then(|r| r.accounts.get(account))
        .and_then(|a| a.detector.as_ref())
    else {
        return;
    };
    let tags: Vec<(String, String)> = d.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut props = Map::new();
    props.insert("Enable".into(), json!(d.enabled));
    props.insert(
        "FindingPublishingFrequency".into(),
        json!(d.finding_publishing_frequency),
    );
    if !tags.is_empty() {
        props.insert("Tags".into(), tag_list(&tags));
    }
    out.push(Found {
        type_name: "AWS::GuardDuty::Detector",
        identifier: id("Id", &d.id),
        tags,
        related: Vec::new(),
        properties: Value::Object(props),
    });
}

fn iam_tags(tags: &[crate::services::iam::model::Tag]) -> Vec<(String, String)> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

/// Attached managed policies: their ARNs, and the customer managed ones as relations.
fn attached(
    list: &[crate::services::iam::model::AttachedPolicy],
    account: &str,
    props: &mut Map<String, Value>,
    related: &mut Vec<(&'static str, Identifier)>,
) {
    if list.is_empty() {
        return;
    }
    props.insert(
        "ManagedPolicyArns".into(),
        Value::Array(list.iter().map(|p| json!(p.arn)).collect()),
    );
    for p in list {
        if p.arn.starts_with(&format!("arn:aws:iam::{account}:")) {
            related.push(("AWS::IAM::ManagedPolicy", id("PolicyArn", &p.arn)));
        }
    }
}

fn inline(policies: &crate::services::iam::model::InlinePolicies, props: &mut Map<String, Value>) {
    if policies.is_empty() {
        return;
    }
    props.insert(
        "Policies".into(),
        Value::Array(
            policies
                .values()
                .map(
                    |p| json!({"PolicyName": p.name, "PolicyDocument": document(&p.document.text)}),
                )
                .collect(),
        ),
    );
}

fn iam(world: &World, account: &str, out: &mut Vec<Found>) {
    let prefix = format!("{account}/");
    let mine = |key: &String| key.starts_with(&prefix);
    for role in world
        .iam
        .roles
        .iter()
        .filter(|(k, _)| mine(k))
        .map(|(_, r)| r)
    {
        // A service-linked role belongs to its service; CloudFormation cannot make one.
        if role.service_linked.is_some() {
            continue;
        }
        let mut props = Map::new();
        let mut related = Vec::new();
        props.insert("RoleName".into(), json!(role.name));
        props.insert("Path".into(), json!(role.path));
        props.insert(
            "AssumeRolePolicyDocument".into(),
            document(&role.trust_policy.text),
        );
        insert_some(
            &mut props,
            "Description",
            role.description
                .as_deref()
                .map(|d| Value::String(d.to_string())),
        );
        props.insert(
            "MaxSessionDuration".into(),
            json!(role.max_session_duration),
        );
        insert_some(
            &mut props,
            "PermissionsBoundary",
            role.permissions_boundary.clone().map(Value::String),
        );
        attached(&role.attached, account, &mut props, &mut related);
        inline(&role.inline, &mut props);
        let tags = iam_tags(&role.tags);
        if !tags.is_empty() {
            props.insert("Tags".into(), tag_list(&tags));
        }
        out.push(Found {
            type_name: "AWS::IAM::Role",
            identifier: id("RoleName", &role.name),
            tags,
            related,
            properties: Value::Object(props),
        });
    }
    for user in world
        .iam
        .users
        .iter()
        .filter(|(k, _)| mine(k))
        .map(|(_, u)| u)
    {
        let mut props = Map::new();
        let mut related = Vec::new();
        props.insert("UserName".into(), json!(user.name));
        props.insert("Path".into(), json!(user.path));
        insert_some(
            &mut props,
            "PermissionsBoundary",
            user.permissions_boundary.clone().map(Value::String),
        );
        if !user.groups.is_empty() {
            props.insert("Groups".into(), json!(user.groups));
            for g in &user.groups {
                related.push(("AWS::IAM::Group", id("GroupName", g)));
            }
        }
        attached(&user.attached, account, &mut props, &mut related);
        inline(&user.inline, &mut props);
        let tags = iam_tags(&user.tags);
        if !tags.is_empty() {
            props.insert("Tags".into(), tag_list(&tags));
        }
        out.push(Found {
            type_name: "AWS::IAM::User",
            identifier: id("UserName", &user.name),
            tags,
            related,
            properties: Value::Object(props),
        });
    }
    for group in world
        .iam
        .groups
        .iter()
        .filter(|(k, _)| mine(k))
        .map(|(_, g)| g)
    {
        let mut props = Map::new();
        let mut related = Vec::new();
        props.insert("GroupName".into(), json!(group.name));
        props.insert("Path".into(), json!(group.path));
        attached(&group.attached, account, &mut props, &mut related);
        inline(&group.inline, &mut props);
        out.push(Found {
            type_name: "AWS::IAM::Group",
            identifier: id("GroupName", &group.name),
            tags: Vec::new(),
            related,
            properties: Value::Object(props),
        });
    }
    for policy in world
        .iam
        .policies
        .iter()
        .filter(|(k, _)| mine(k))
        .map(|(_, p)| p)
    {
        let mut props = Map::new();
        props.insert("ManagedPolicyName".into(), json!(policy.name));
        props.insert("Path".into(), json!(policy.path));
        insert_some(
            &mut props,
            "Description",
            policy.description.clone().map(Value::String),
        );
        if let Some(doc) = policy.default_document() {
            props.insert("PolicyDocument".into(), document(&doc.text));
        }
        out.push(Found {
            type_name: "AWS::IAM::ManagedPolicy",
            identifier: id("PolicyArn", &policy.arn(account)),
            tags: iam_tags(&policy.tags),
            related: Vec::new(),
            properties: Value::Object(props),
        });
    }
}

fn buckets(world: &World, account: &str, region: &str, out: &mut Vec<Found>) {
    for b in world
        .s3
        .buckets
        .values()
        .filter(|b| b.owner == account && b.region == region)
    {
        let mut props = Map::new();
        props.insert("BucketName".into(), json!(b.name));
        if let Some(status) = &b.versioning {
            props.insert("VersioningConfiguration".into(), json!({"Status": status}));
        }
        if let Some(block) = &b.public_access_block {
            props.insert(
                "PublicAccessBlockConfiguration".into(),
                json!({
                    "BlockPublicAcls": block.block_public_acls,
                    "IgnorePublicAcls": block.ignore_public_acls,
                    "BlockPublicPolicy": block.block_public_policy,
                    "RestrictPublicBuckets": block.restrict_public_buckets,
                }),
            );
        }
        if let Some(ownership) = &b.ownership {
            props.insert(
                "OwnershipControls".into(),
                json!({"Rules": [{"ObjectOwnership": ownership}]}),
            );
        }
        if !b.tags.is_empty() {
            props.insert("Tags".into(), tag_list(&b.tags));
        }
        out.push(Found {
            type_name: "AWS::S3::Bucket",
            identifier: id("BucketName", &b.name),
            tags: b.tags.clone(),
            related: Vec::new(),
            properties: Value::Object(props),
        });
        if let Some(policy) = &b.policy {
            out.push(Found {
                type_name: "AWS::S3::BucketPolicy",
                identifier: id("Bucket", &b.name),
                tags: Vec::new(),
                related: vec![("AWS::S3::Bucket", id("BucketName", &b.name))],
                properties: json!({"Bucket": b.name, "PolicyDocument": document(&policy.text)}),
            });
        }
    }
}
