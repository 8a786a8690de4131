//! The resource types orgsim provides, as the CloudFormation registry lists them:
//! public AWS types (`ListTypes` with `Visibility` PUBLIC, `DescribeType`). No private
//! type can be registered in orgsim (RegisterType is not built), so PRIVATE lists none.

use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::CfnError;
use super::providers::{self, Provider};
use crate::auth::Caller;
use crate::services::iam::dto::de;
use crate::world::World;

fn type_arn(region: &str, type_name: &str) -> String {
    format!(
        "arn:aws:cloudformation:{region}::type/resource/{}",
        type_name.replace("::", "-")
    )
}

/// A type whose every change replaces the resource is IMMUTABLE in the registry.
fn provisioning(p: &Provider) -> &'static str {
    if p.update.is_some() {
        "FULLY_MUTABLE"
    } else {
        "IMMUTABLE"
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TypeFilters {
    pub category: Option<String>,
    pub publisher_id: Option<String>,
    pub type_name_prefix: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTypesInput {
    pub visibility: Option<String>,
    pub provisioning_type: Option<String>,
    pub deprecated_status: Option<String>,
    #[serde(rename = "Type")]
    pub type_kind: Option<String>,
    pub filters: Option<TypeFilters>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
}

fn check_enum(value: Option<&str>, member: &str, allowed: &[&str]) -> Result<(), CfnError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(CfnError::constraint(
            v,
            member,
            &format!(
                "Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

pub fn list_types(
    _world: &mut World,
    caller: &Caller,
    input: ListTypesInput,
) -> Result<Value, CfnError> {
    check_enum(
        input.visibility.as_deref(),
        "visibility",
        &["PUBLIC", "PRIVATE"],
    )?;
    check_enum(
        input.provisioning_type.as_deref(),
        "provisioningType",
        &["NON_PROVISIONABLE", "IMMUTABLE", "FULLY_MUTABLE"],
    )?;
    check_enum(
        input.deprecated_status.as_deref(),
        "deprecatedStatus",
        &["LIVE", "DEPRECATED"],
    )?;
    check_enum(
        input.type_kind.as_deref(),
        "type",
        &["RESOURCE", "MODULE", "HOOK"],
    )?;
    let filters = input.filters.as_ref();
    check_enum(
        filters.and_then(|f| f.category.as_deref()),
        "filters.category",
        &["REGISTERED", "ACTIVATED", "THIRD_PARTY", "AWS_TYPES"],
    )?;
    // AWS's default visibility is PRIVATE: the account's own registered types.
    let public = input.visibility.as_deref() == Some("PUBLIC");
    let aws_types = filters
        .and_then(|f| f.category.as_deref())
        .is_none_or(|c| c == "AWS_TYPES");
    let summaries: Vec<Value> = providers::all()
        .iter()
        .filter(|_| public && aws_types)
        .filter(|_| input.type_kind.as_deref().is_none_or(|t| t == "RESOURCE"))
        .filter(|_| {
            input
                .deprecated_status
                .as_deref()
                .is_none_or(|d| d == "LIVE")
        })
        .filter(|p| {
            input
                .provisioning_type
                .as_deref()
                .is_none_or(|t| t == provisioning(p))
        })
        .filter(|p| {
            filters
                .and_then(|f| f.type_name_prefix.as_deref())
                .is_none_or(|prefix| p.type_name.starts_with(prefix))
        })
        .filter(|_| filters.and_then(|f| f.publisher_id.as_deref()).is_none())
        .map(|p| {
            json!({
                "Type": "RESOURCE",
                "TypeName": p.type_name,
                "TypeArn": type_arn(&caller.region, p.type_name),
                "IsActivated": true,
            })
        })
        .collect();
    let (page, next) = super::stacksets::page(
        summaries,
        "ListTypes",
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"TypeSummaries": page, "NextToken": next}))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTypeInput {
    #[serde(rename = "Type")]
    pub type_kind: Option<String>,
    pub type_name: Option<String>,
    pub arn: Option<String>,
    pub version_id: Option<String>,
    pub publisher_id: Option<String>,
    pub public_version_number: Option<String>,
}

pub fn describe_type(
    _world: &mut World,
    caller: &Caller,
    input: DescribeTypeInput,
) -> Result<Value, CfnError> {
    check_enum(
        input.type_kind.as_deref(),
        "type",
        &["RESOURCE", "MODULE", "HOOK"],
    )?;
    let name = match (&input.arn, &input.type_name) {
        (Some(arn), None) => arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .replace('-', "::"),
        (None, Some(name)) => name.clone(),
        _ => {
            return Err(CfnError::Validation(
                "Specify either TypeName and Type, or Arn".into(),
            ))
        }
    };
    let not_found = || CfnError::TypeNotFound(format!("The type '{name}' cannot be found."));
    if input.type_kind.as_deref().is_some_and(|t| t != "RESOURCE") || input.version_id.is_some() {
        return Err(not_found());
    }
    let p = providers::provider(&name).ok_or_else(not_found)?;
    Ok(json!({
        "Arn": type_arn(&caller.region, p.type_name),
        "Type": "RESOURCE",
        "TypeName": p.type_name,
        "IsDefaultVersion": true,
        "ProvisioningType": provisioning(p),
        "DeprecatedStatus": "LIVE",
        "Visibility": "PUBLIC",
        "IsActivated": true,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListTypeVersionsInput {
    #[serde(rename = "Type")]
    pub type_kind: Option<String>,
    pub type_name: Option<String>,
    pub arn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub max_results: Option<i64>,
    pub next_token: Option<String>,
    pub deprecated_status: Option<String>,
    pub publisher_id: Option<String>,
}

/// The version every provided type has: orgsim's providers are not versioned, so each
/// type has one registered version, its default.
pub const VERSION_ID: &str = "00000001";

pub fn list_type_versions(
    _world: &mut World,
    caller: &Caller,
    input: ListTypeVersionsInput,
) -> Result<Value, CfnError> {
    check_enum(
        input.type_kind.as_deref(),
        "type",
        &["RESOURCE", "MODULE", "HOOK"],
    )?;
    check_enum(
        input.deprecated_status.as_deref(),
        "deprecatedStatus",
        &["LIVE", "DEPRECATED"],
    )?;
    let name = match (&input.arn, &input.type_name) {
        (Some(arn), None) => arn
            .strip_prefix(&format!(
                "arn:aws:cloudformation:{}::type/resource/",
                caller.region
            ))
            .unwrap_or_default()
            .replace('-', "::"),
        (None, Some(name)) if input.type_kind.is_some() => name.clone(),
        _ => {
            return Err(CfnError::Validation(
                "Specify either TypeName and Type, or Arn".into(),
            ))
        }
    };
    let provided = providers::provider(&name)
        .filter(|_| input.type_kind.as_deref().is_none_or(|t| t == "RESOURCE"))
        .ok_or_else(|| CfnError::Registry(format!("The type '{name}' cannot be found.")))?;
    let live = input
        .deprecated_status
        .as_deref()
        .is_none_or(|d| d == "LIVE");
    let versions: Vec<Value> = [provided]
        .iter()
        .filter(|_| live && input.publisher_id.is_none())
        .map(|p| {
            json!({
                "Type": "RESOURCE",
                "TypeName": p.type_name,
                "VersionId": VERSION_ID,
                "IsDefaultVersion": true,
                "Arn": format!("{}/{VERSION_ID}", type_arn(&caller.region, p.type_name)),
            })
        })
        .collect();
    let (page, next) = super::stacksets::page(
        versions,
        &format!("ListTypeVersions {name}"),
        input.next_token.as_deref(),
        input.max_results,
    )?;
    Ok(json!({"TypeVersionSummaries": page, "NextToken": next}))
}
