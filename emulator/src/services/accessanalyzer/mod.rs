//! IAM Access Analyzer (restJson1, camelCase wire names, signing name
//! `access-analyzer`): analyzers of an account or of its organization (the
//! management account or the `access-analyzer.amazonaws.com` delegated
//! administrator, trusted access first), findings computed from the world (role
//! trust policies, bucket policies, unused roles and credentials) that follow every
//! change, archive rules, policy validation and custom policy checks, access
//! previews and policy generation. Operations not listed below answer 501.

pub mod access;
pub mod analyzers;
pub mod archive_rules;
pub mod checks;
pub mod criteria;
pub mod errors;
pub mod findings;
pub mod generation;
pub mod model;
pub mod operations;
pub mod previews;
pub mod resources;
pub mod scan;
pub mod securityhub_export;
pub mod sync;
#[cfg(test)]
mod tests;
pub mod validate_policy;
mod validate_rules;

use serde::Serialize;

use crate::api::{ServiceDescription, ServiceId, Wire};
use crate::auth::Caller;
use crate::services::pagination::decode_token;
use crate::world::World;
use errors::AaError;
use model::Analyzer;

service_operations!(ServiceId::AccessAnalyzer, AaError::from_input, {
    "CreateAnalyzer" => analyzers::create_analyzer,
    "GetAnalyzer" => analyzers::get_analyzer,
    "ListAnalyzers" => analyzers::list_analyzers,
    "UpdateAnalyzer" => analyzers::update_analyzer,
    "DeleteAnalyzer" => analyzers::delete_analyzer,
    "TagResource" => analyzers::tag_resource,
    "UntagResource" => analyzers::untag_resource,
    "ListTagsForResource" => analyzers::list_tags_for_resource,
    "CreateArchiveRule" => archive_rules::create_archive_rule,
    "GetArchiveRule" => archive_rules::get_archive_rule,
    "ListArchiveRules" => archive_rules::list_archive_rules,
    "UpdateArchiveRule" => archive_rules::update_archive_rule,
    "DeleteArchiveRule" => archive_rules::delete_archive_rule,
    "ApplyArchiveRule" => archive_rules::apply_archive_rule,
    "ListFindings" => findings::list_findings,
    "ListFindingsV2" => findings::list_findings_v2,
    "GetFinding" => findings::get_finding,
    "GetFindingV2" => findings::get_finding_v2,
    "UpdateFindings" => findings::update_findings,
    "GetFindingsStatistics" => findings::get_findings_statistics,
    "GetAnalyzedResource" => resources::get_analyzed_resource,
    "ListAnalyzedResources" => resources::list_analyzed_resources,
    "StartResourceScan" => resources::start_resource_scan,
    "ValidatePolicy" => validate_policy::validate_policy,
    "CheckNoNewAccess" => checks::check_no_new_access,
    "CheckAccessNotGranted" => checks::check_access_not_granted,
    "CheckNoPublicAccess" => checks::check_no_public_access,
    "CreateAccessPreview" => previews::create_access_preview,
    "GetAccessPreview" => previews::get_access_preview,
    "ListAccessPreviews" => previews::list_access_previews,
    "ListAccessPreviewFindings" => previews::list_access_preview_findings,
    "StartPolicyGeneration" => generation::start_policy_generation,
    "GetGeneratedPolicy" => generation::get_generated_policy,
    "ListPolicyGenerations" => generation::list_policy_generations,
    "CancelPolicyGeneration" => generation::cancel_policy_generation,
});

pub use model::AccessAnalyzerState;

/// Access Analyzer's state: analyzers, their rules and findings, previews, jobs.
pub type State = AccessAnalyzerState;

/// How orgsim serves IAM Access Analyzer.
pub const SERVICE: ServiceDescription = ServiceDescription {
    signing_name: operations::SIGNING_NAME,
    action_prefix: "access-analyzer",
    wire: Wire::RestJson {
        routes: operations::ROUTES,
    },
    operations: operations::OPERATIONS,
    implemented: IMPLEMENTED,
    dispatch,
    error_message_key: "message",
    access_denied: ("AccessDeniedException", 403),
    global: false,
    on_org_event: Some(sync::on_org_event),
    on_request: Some(sync::refresh),
    resource_arn: Some(resource_arn),
    action_name: None,
    payload_dispatch: None,
    resource_policy: None,
};

/// The analyzer (or its archive rule) a request names, or the tagged resource.
fn resource_arn(
    _world: &World,
    caller: &Caller,
    _operation: &str,
    input: &serde_json::Value,
) -> Option<String> {
    let text = |member: &str| input.get(member).and_then(serde_json::Value::as_str);
    if let Some(arn) = text("resourceArn").filter(|a| a.contains(":access-analyzer:")) {
        return Some(arn.to_string());
    }
    let analyzer = text("analyzerArn").map(String::from).or_else(|| {
        text("analyzerName").map(|name| analyzer_arn(&caller.region, &caller.account_id, name))
    })?;
    match text("ruleName") {
        Some(rule) => Some(format!("{analyzer}/archive-rule/{rule}")),
        None => Some(analyzer),
    }
}

pub fn analyzer_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:access-analyzer:{region}:{account}:analyzer/{name}")
}

/// Operations with no output members answer `{}`.
#[derive(Debug, Default, Serialize)]
pub struct Empty {}

/// The caller's analyzer named `name`.
pub fn own_analyzer<'w>(
    world: &'w World,
    caller: &Caller,
    name: &str,
) -> Result<&'w Analyzer, AaError> {
    world
        .accessanalyzer
        .analyzer(&caller.region, &caller.account_id, name)
        .ok_or_else(|| AaError::analyzer_not_found(name))
}

/// The caller's analyzer with this ARN (another account's is not found, as in AWS).
pub fn analyzer_by_arn<'w>(
    world: &'w World,
    caller: &Caller,
    arn: &str,
) -> Result<&'w Analyzer, AaError> {
    let Some((region, account, name)) = model::parse_analyzer_arn(arn) else {
        return Err(AaError::field(
            "analyzerArn",
            format!("Invalid analyzer ARN: {arn}"),
        ));
    };
    if region != caller.region || account != caller.account_id {
        return Err(AaError::analyzer_not_found(arn));
    }
    world
        .accessanalyzer
        .analyzer(region, account, name)
        .ok_or_else(|| AaError::analyzer_not_found(arn))
}

/// Page size (1..=`limit`, default `default`) and the key to resume after.
pub fn page(
    listing: &str,
    max_results: Option<i64>,
    next_token: &Option<String>,
    default: usize,
    limit: usize,
) -> Result<(usize, Option<String>), AaError> {
    let max = match max_results {
        None => default,
        Some(n) if n >= 1 => (n as usize).min(limit),
        Some(_) => {
            return Err(AaError::field(
                "maxResults",
                "maxResults must be greater than 0.",
            ))
        }
    };
    let after = match next_token.as_deref() {
        None | Some("") => None,
        Some(token) => Some(
            decode_token(listing, token)
                .ok_or_else(|| AaError::field("nextToken", "Invalid pagination token."))?,
        ),
    };
    Ok((max, after))
}

/// `[A-Za-z_][A-Za-z0-9_.-]*`, 1..=255 (analyzer names); rule names start with a letter.
pub fn validate_name(member: &str, name: &str, underscore_first: bool) -> Result<(), AaError> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || (underscore_first && c == '_'));
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !first_ok || !rest_ok || name.len() > 255 {
        return Err(AaError::field(member, format!("Invalid {member}: {name}")));
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::api::ApiError;
    use serde_json::Value;

    pub use crate::services::guardduty::test_support::{org_call, org_with_accounts, MANAGEMENT};
    pub use crate::services::organizations::test_support::{root_caller, world};

    /// Runs an Access Analyzer operation the way the server does.
    pub fn run(
        world: &mut World,
        account: &str,
        op: &str,
        input: Value,
    ) -> Result<Value, ApiError> {
        world.begin_request();
        dispatch(world, &root_caller(account), op, input)
    }

    pub fn run_ok(world: &mut World, account: &str, op: &str, input: Value) -> Value {
        run(world, account, op, input).unwrap_or_else(|e| panic!("{op} as {account}: {e:?}"))
    }

    pub fn iam(world: &mut World, account: &str, op: &str, input: Value) -> Value {
        world.begin_request();
        crate::services::iam::dispatch(world, &root_caller(account), op, input)
            .unwrap_or_else(|e| panic!("{op}: {e:?}"))
    }
}
