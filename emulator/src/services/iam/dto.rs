//! IAM's wire shapes: typed parsing of awsQuery's all-text input (integers, booleans,
//! lists that an SDK sends as `Member=` when empty), and the output shapes shared by
//! many operations (tags, pages, boundaries).

use serde::de::{DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::IamError;
use super::model::Tag;
use crate::services::pagination::{decode_token, encode_token};
use crate::world::iso8601;

/// Deserializers for awsQuery's text leaves.
pub mod de {
    use super::*;

    /// `"true"` / `"false"` (or a JSON boolean), absent → `None`.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) => match s.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(serde::de::Error::custom(format!(
                    "'{s}' is not a valid boolean"
                ))),
            },
            Some(other) => Err(serde::de::Error::custom(format!(
                "{other} is not a valid boolean"
            ))),
        }
    }

    /// A whole number as text (or JSON), absent → `None`.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a whole number"))),
            Some(Value::String(s)) => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| serde::de::Error::custom(format!("'{s}' is not a valid integer"))),
            Some(other) => Err(serde::de::Error::custom(format!(
                "{other} is not a valid integer"
            ))),
        }
    }

    /// A list (`X.member.N`), or an empty one when the SDK sends `X=`.
    pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
            Some(Value::Object(o)) if o.is_empty() => Ok(Vec::new()),
            Some(v @ Value::Array(_)) => {
                serde_json::from_value(v).map_err(serde::de::Error::custom)
            }
            Some(other) => Err(serde::de::Error::custom(format!("{other} is not a list"))),
        }
    }
}

/// A `Tag` as input and output carry it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagShape {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

impl From<&Tag> for TagShape {
    fn from(t: &Tag) -> Self {
        TagShape {
            key: t.key.clone(),
            value: t.value.clone(),
        }
    }
}

pub fn tags_out(tags: &[Tag]) -> Option<Vec<TagShape>> {
    (!tags.is_empty()).then(|| tags.iter().map(TagShape::from).collect())
}

/// `PermissionsBoundary` in outputs.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BoundaryShape {
    pub permissions_boundary_type: &'static str,
    pub permissions_boundary_arn: String,
}

pub fn boundary_out(arn: &Option<String>) -> Option<BoundaryShape> {
    arn.as_ref().map(|arn| BoundaryShape {
        permissions_boundary_type: "Policy",
        permissions_boundary_arn: arn.clone(),
    })
}

/// `Marker` + `MaxItems` of an IAM listing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PageRequest {
    pub marker: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_items: Option<i64>,
}

/// `IsTruncated` + `Marker` of a listing's answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PageInfo {
    pub is_truncated: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub marker: Option<String>,
}

impl PageRequest {
    /// The page size (1–1000, default 100) and the key to resume after, if any.
    pub fn resolve(&self, listing: &str) -> Result<(usize, Option<String>), IamError> {
        let max = match self.max_items {
            None => 100,
            Some(n) if (1..=1000).contains(&n) => n as usize,
            Some(n) if n < 1 => {
                return Err(IamError::constraint(
                    &n.to_string(),
                    "maxItems",
                    "Member must have value greater than or equal to 1",
                ))
            }
            Some(n) => {
                return Err(IamError::constraint(
                    &n.to_string(),
                    "maxItems",
                    "Member must have value less than or equal to 1000",
                ))
            }
        };
        let after = match &self.marker {
            None => None,
            Some(marker) => Some(
                decode_token(listing, marker)
                    .ok_or_else(|| IamError::InvalidInput("Invalid Marker.".into()))?,
            ),
        };
        Ok((max, after))
    }
}

/// One page of `items` (sorted by key, already after the resume key).
pub fn paginate<T>(
    items: impl Iterator<Item = (String, T)>,
    max: usize,
    listing: &str,
) -> (Vec<T>, PageInfo) {
    let mut items = items.peekable();
    let mut page = Vec::new();
    let mut last = None;
    while page.len() < max {
        match items.next() {
            Some((key, item)) => {
                last = Some(key);
                page.push(item);
            }
            None => break,
        }
    }
    let more = items.peek().is_some();
    let info = PageInfo {
        is_truncated: more,
        marker: more
            .then(|| last.map(|k| encode_token(listing, &k)))
            .flatten(),
    };
    (page, info)
}

/// One page of an account's entities in `map` (keys `<account>/<name>`) that `keep`
/// accepts, rendered by `render`; O(page) whatever the number of accounts.
pub fn list_account<V: Clone, T>(
    map: &imbl::OrdMap<String, V>,
    account_id: &str,
    listing: &str,
    request: &PageRequest,
    keep: impl Fn(&V) -> bool,
    render: impl Fn(&V) -> T,
) -> Result<(Vec<T>, PageInfo), IamError> {
    let (max, after) = request.resolve(listing)?;
    let (from, to) = super::model::account_range(account_id);
    let start = after.clone().unwrap_or(from);
    let items = map
        .range(start..to)
        .filter(|(k, _)| Some(*k) != after.as_ref())
        .filter(|(_, v)| keep(v))
        .map(|(k, v)| (k.clone(), render(v)));
    Ok(paginate(items, max, listing))
}

/// Pages a small in-memory list by position (listings of one entity's members).
pub fn paginate_vec<T>(
    items: Vec<T>,
    request: &PageRequest,
    listing: &str,
) -> Result<(Vec<T>, PageInfo), IamError> {
    let (max, after) = request.resolve(listing)?;
    let start: usize = after.and_then(|a| a.parse().ok()).unwrap_or(0);
    let keyed = items
        .into_iter()
        .enumerate()
        .skip(start)
        .map(|(i, t)| (format!("{}", i + 1), t));
    Ok(paginate(keyed, max, listing))
}

/// ISO-8601 for timestamps.
pub fn date(ms: i64) -> String {
    iso8601(ms)
}

/// Outputs with no members.
#[derive(Debug, Default, Serialize)]
pub struct Nothing {}

/// Inputs with no members.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}
