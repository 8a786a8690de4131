//! Deleting objects: one key or version (a delete marker when the bucket is versioned)
//! and batches of up to 1,000 keys.

use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::errors::S3Error;
use super::model::{Object, ObjectData};
use super::{bucket, bucket_mut};
use crate::auth::Caller;
use crate::protocol::rest_xml::xml::one_or_many;
use crate::world::World;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectInput {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub version_id: Option<String>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

/// Deletes one key (or one version); `(version id, delete marker)` of what was removed
/// or added.
fn delete_one(
    world: &mut World,
    bucket_name: &str,
    key: &str,
    version_id: Option<&str>,
) -> Result<(Option<String>, bool), S3Error> {
    let versioning = bucket(world, bucket_name)?.versioning.clone();
    let marker_id = world.ids.lower_alnum(32);
    let now = world.clock.now_ms();
    let found = bucket_mut(world, bucket_name)?;
    match version_id {
        Some(id) => {
            let mut was_marker = false;
            if found.objects.get(key).is_some_and(|o| o.version_id == id) {
                found.objects.remove(key);
            }
            if let Some(history) = found.history.get_mut(key) {
                if let Some(i) = history.iter().position(|o| o.version_id == id) {
                    was_marker = history.remove(i).delete_marker;
                }
                if history.is_empty() {
                    found.history.remove(key);
                }
            }
            Ok((Some(id.to_string()), was_marker))
        }
        None if versioning.is_some() => {
            let marker = Object {
                key: key.to_string(),
                version_id: if versioning.as_deref() == Some("Enabled") {
                    marker_id
                } else {
                    "null".into()
                },
                delete_marker: true,
                data: ObjectData::default(),
                etag: String::new(),
                last_modified_ms: now,
                content_type: String::new(),
                headers: Vec::new(),
                metadata: Vec::new(),
                checksum: None,
                tags: Vec::new(),
                parts: None,
                storage_class: "STANDARD".into(),
            };
            let id = marker.version_id.clone();
            let history = found.history.entry(key.to_string()).or_default();
            if let Some(current) = found.objects.remove(key) {
                if current.version_id != "null" || id != "null" {
                    history.push(current);
                }
            }
            history.retain(|o| !(o.version_id == "null" && id == "null"));
            history.push(marker);
            Ok((Some(id), true))
        }
        None => {
            found.objects.remove(key);
            Ok((None, false))
        }
    }
}

pub fn delete_object(
    world: &mut World,
    _caller: &Caller,
    input: DeleteObjectInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let (version_id, marker) = delete_one(
        world,
        &input.bucket,
        &input.key,
        input.version_id.as_deref(),
    )?;
    let mut out = Map::new();
    if marker {
        out.insert("DeleteMarker".into(), json!(true));
    }
    if let Some(id) = version_id.filter(|id| id != "null") {
        out.insert("VersionId".into(), json!(id));
    }
    Ok(Value::Object(out))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteObjectsInput {
    pub bucket: String,
    #[serde(default)]
    pub delete: Option<Value>,
    #[serde(default)]
    pub expected_bucket_owner: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DeleteXml {
    #[serde(rename = "Object", default, deserialize_with = "one_or_many")]
    objects: Vec<ObjectIdXml>,
    #[serde(rename = "Quiet", default)]
    quiet: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ObjectIdXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId", default)]
    version_id: Option<String>,
}

pub fn delete_objects(
    world: &mut World,
    _caller: &Caller,
    input: DeleteObjectsInput,
) -> Result<Value, S3Error> {
    let found = bucket(world, &input.bucket)?;
    super::buckets::check_expected_owner(found, input.expected_bucket_owner.as_deref())?;
    let request: DeleteXml = input
        .delete
        .map(serde_json::from_value)
        .transpose()
        .map_err(|_| S3Error::MalformedXml)?
        .ok_or(S3Error::MalformedXml)?;
    if request.objects.is_empty() || request.objects.len() > 1000 {
        return Err(S3Error::MalformedXml);
    }
    let quiet = request.quiet.as_deref() == Some("true");
    let mut deleted = Vec::new();
    for object in &request.objects {
        let (version_id, marker) = delete_one(
            world,
            &input.bucket,
            &object.key,
            object.version_id.as_deref(),
        )?;
        if quiet {
            continue;
        }
        let mut entry = Map::new();
        entry.insert("Key".into(), json!(object.key));
        if let Some(id) = &object.version_id {
            entry.insert("VersionId".into(), json!(id));
        }
        if marker {
            entry.insert("DeleteMarker".into(), json!(true));
            if object.version_id.is_none() {
                entry.insert("DeleteMarkerVersionId".into(), json!(version_id));
            }
        }
        deleted.push(Value::Object(entry));
    }
    Ok(if deleted.is_empty() {
        json!({})
    } else {
        json!({ "Deleted": deleted })
    })
}
