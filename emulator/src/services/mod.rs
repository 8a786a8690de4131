//! One folder per AWS API. A service turns the decoded JSON input into typed input,
//! runs a plain handler `fn(&mut World, &Caller, Input) -> Result<Output, Error>`, and
//! hands back JSON output or an [`ApiError`]. No handler sees HTTP.

/// Declares a service's built operations once: the dispatch `match` and the list of
/// implemented names both come from it, so `COVERAGE.md` cannot drift from the code.
macro_rules! service_operations {
    ($service:expr, $bad_input:expr, { $($name:literal => $handler:path,)* }) => {
        /// The operations this service has built, in dispatch order.
        pub const IMPLEMENTED: &[&str] = &[$($name),*];

        /// Runs one operation of this service.
        pub fn dispatch(
            world: &mut $crate::world::World,
            caller: &$crate::auth::Caller,
            operation: &str,
            input: serde_json::Value,
        ) -> $crate::api::ApiResult {
            match operation {
                $($name => $crate::services::call(world, caller, input, $handler, $bad_input),)*
                _ => Err($crate::api::ApiError::not_implemented($service, operation)),
            }
        }
    };
}

/// The registry: every API orgsim serves, one line each (`ServiceId` variant, folder).
/// A folder declares `pub const SERVICE: ServiceDescription` and `pub type State`; this
/// line makes it a module, a [`ServiceId`], a field of the [`World`] and a target of
/// dispatch and of Organizations events. Registry order is the order events reach them.
#[macro_export]
macro_rules! for_each_service {
    ($callback:ident) => {
        $callback! {
            Organizations organizations,
            Sts sts,
            Iam iam,
            GuardDuty guardduty,
            SecurityHub securityhub,
            Config config,
            Ec2 ec2,
            Account account,
            S3 s3,
            CloudTrail cloudtrail,
            Detective detective,
            AccessAnalyzer accessanalyzer,
            SsoAdmin ssoadmin,
            IdentityStore identitystore,
            Health health,
            Support support,
            TrustedAdvisor trustedadvisor,
            CostExplorer costexplorer,
            Budgets budgets,
            CloudFormation cloudformation,
        }
    };
}

macro_rules! declare_service_modules {
    ($($variant:ident $folder:ident,)*) => {
        $(pub mod $folder;)*
    };
}
crate::for_each_service!(declare_service_modules);

pub mod org_integration;
pub mod pagination;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, ApiResult, ServiceId};
use crate::auth::Caller;
use crate::world::World;

/// Runs one operation of one service against the world.
pub fn dispatch(
    world: &mut World,
    caller: &Caller,
    service: ServiceId,
    operation: &str,
    input: Value,
) -> ApiResult {
    (service.description().dispatch)(world, caller, operation, input)
}

/// The operations a service has built.
pub fn implemented(service: ServiceId) -> &'static [&'static str] {
    service.description().implemented
}

/// A typed handler over the world.
pub type Handler<I, O, E> = fn(&mut World, &Caller, I) -> Result<O, E>;

/// Decodes the input, runs the handler, encodes the output: the one place where a
/// service's typed world meets JSON. `bad_input` maps a decoding failure to the
/// service's own validation error.
pub fn call<I, O, E>(
    world: &mut World,
    caller: &Caller,
    input: Value,
    handler: Handler<I, O, E>,
    bad_input: fn(serde_json::Error) -> E,
) -> ApiResult
where
    I: DeserializeOwned,
    O: Serialize,
    E: Into<ApiError>,
{
    // Whatever a call stores must load again from a snapshot: refuse inputs deeper
    // than any AWS shape with the service's own validation error.
    if crate::protocol::depth(&input) > crate::protocol::MAX_INPUT_DEPTH {
        let too_deep = <serde_json::Error as serde::de::Error>::custom(format!(
            "the input is nested deeper than {} levels",
            crate::protocol::MAX_INPUT_DEPTH
        ));
        return Err(bad_input(too_deep).into());
    }
    let input: I = serde_json::from_value(input).map_err(|e| bad_input(e).into())?;
    let output = handler(world, caller, input).map_err(Into::into)?;
    serde_json::to_value(output).map_err(|e| ApiError::internal_failure(&e.to_string()))
}

/// What a serde decoding failure was about, so services can name AWS's error. The
/// texts are AWS's words, never serde's: no parser text reaches a client.
pub enum InputProblem {
    /// A required member is absent (the member's wire name).
    Missing(String),
    /// A value is not one of the enum's values: "You specified an invalid value …".
    UnknownVariant(String),
    /// Anything else: wrong JSON type, bad number.
    Malformed(String),
}

pub fn classify_input_error(error: &serde_json::Error) -> InputProblem {
    let text = error.to_string();
    if let Some(rest) = text.strip_prefix("missing field `") {
        return InputProblem::Missing(rest.split('`').next().unwrap_or_default().to_string());
    }
    if let Some(rest) = text.strip_prefix("unknown variant `") {
        return InputProblem::UnknownVariant(invalid_enum_message(rest));
    }
    InputProblem::Malformed(malformed_message(&text))
}

/// `X`, expected one of `A`, `B` → AWS's invalid-value sentence with the enum's values.
fn invalid_enum_message(rest: &str) -> String {
    let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
    let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    if allowed.is_empty() {
        format!("You specified an invalid value '{value}'.")
    } else {
        format!(
            "You specified an invalid value '{value}'. Member must satisfy enum value set: [{}]",
            allowed.join(", ")
        )
    }
}

/// serde's other decoding texts, reworded without its type names. Texts a service's
/// own deserializer wrote (no serde prefix) are already in AWS's words and pass as is.
fn malformed_message(text: &str) -> String {
    let expected = text
        .rsplit_once(", expected ")
        .map(|(_, e)| wire_kind(e))
        .unwrap_or("a value of the member's type");
    if let Some(rest) = text.strip_prefix("invalid type: ") {
        let found = rest.split([' ', ',']).next().unwrap_or(rest);
        return format!(
            "You specified an invalid value: {} where the member must be {expected}.",
            found_kind(found)
        );
    }
    if text.starts_with("invalid value: ") {
        // The value itself stays out: it may be a secret the caller sent.
        return format!("You specified an invalid value: the member must be {expected}.");
    }
    if let Some(rest) = text.strip_prefix("invalid length ") {
        let length = rest.split(',').next().unwrap_or(rest);
        return format!("You specified a list of invalid length {length}.");
    }
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("You specified an unknown member '{field}'.");
    }
    if let Some(rest) = text.strip_prefix("duplicate field `") {
        let field = rest.split('`').next().unwrap_or_default();
        return format!("You specified the member '{field}' more than once.");
    }
    if text.starts_with("data did not match any variant") || text.starts_with("invalid ") {
        return "You specified an invalid value.".to_string();
    }
    text.to_string()
}

/// serde's name for the JSON value it found, as a wire kind.
fn found_kind(found: &str) -> &'static str {
    match found {
        "string" | "char" => "a string",
        "integer" => "an integer",
        "floating" => "a number",
        "boolean" => "a boolean",
        "map" => "a structure",
        "sequence" => "a list",
        "null" | "unit" => "null",
        _ => "a value",
    }
}

/// serde's "expected …" phrase as the wire kind AWS documents.
fn wire_kind(expected: &str) -> &'static str {
    let e = expected.trim();
    if e.starts_with("a sequence") || e.starts_with("a list") || e.contains("Vec") {
        "a list"
    } else if e.starts_with("a map") || e.starts_with("struct ") || e.starts_with("a struct") {
        "a structure"
    } else if e.contains("string") || e.starts_with("variant identifier") || e.starts_with("enum ")
    {
        "a string"
    } else if e.contains("bool") {
        "a boolean"
    } else if e.starts_with('i') || e.starts_with('u') || e.contains("integer") {
        "an integer"
    } else if e.starts_with('f') || e.contains("float") || e.contains("number") {
        "a number"
    } else {
        "a value of the member's type"
    }
}

/// `COVERAGE.md`: every operation of every API, built or not. A test keeps the file
/// equal to this (`ORGSIM_BLESS=1 cargo test -p orgsim --test coverage` rewrites it).
pub fn coverage_markdown() -> String {
    let mut out = String::from(
        "# Operation coverage\n\nGenerated from the dispatch tables by `ORGSIM_BLESS=1 cargo test -p orgsim --test coverage`; \
         a test fails when this file and the code disagree. Operations not built answer HTTP 501 `NotImplemented`.\n\n\
         | API | built | of |\n|---|---|---|\n",
    );
    for &service in ServiceId::ALL {
        let built = implemented(service).len();
        out.push_str(&format!(
            "| {} | {built} | {} |\n",
            service.signing_name(),
            service.operations().len()
        ));
    }
    for &service in ServiceId::ALL {
        out.push_str(&format!(
            "\n## {}\n\n| operation | built |\n|---|---|\n",
            service.signing_name()
        ));
        for operation in service.operations() {
            let mark = if implemented(service).contains(operation) {
                "yes"
            } else {
                ""
            };
            out.push_str(&format!("| {operation} | {mark} |\n"));
        }
    }
    out
}
