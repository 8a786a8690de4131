//! Conformance pack templates: the CloudFormation-style YAML or JSON whose `Resources`
//! are `AWS::Config::ConfigRule`s. Parsed into the rules a pack deploys, with `Ref`s to
//! the template's `Parameters` resolved from the pack's input parameters or the
//! parameters' defaults; and the checks a pack request's template members must pass.

use serde_json::{Map, Value};

use super::errors::ConfigError;
use crate::services::s3::delivery::read_object;
use crate::world::World;
use std::collections::BTreeMap;

/// The largest `TemplateBody` AWS accepts, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 51_200;

/// One Config rule a template declares.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateRule {
    pub name: String,
    pub description: Option<String>,
    /// `Source` in wire form (`Owner`, `SourceIdentifier`).
    pub source: Value,
    pub scope: Option<Value>,
    /// `InputParameters` as the JSON string a Config rule holds.
    pub input_parameters: Option<String>,
    pub maximum_execution_frequency: Option<String>,
}

/// Reads the YAML tags CloudFormation templates use for `Ref` (`!Ref Name`) as the
/// long form (`{"Ref": "Name"}`), which the YAML reader does not know.
fn expand_short_refs(body: &str) -> String {
    body.lines()
        .map(|line| match line.find("!Ref ") {
            Some(at) => {
                let target = line[at + 5..]
                    .trim()
                    .trim_matches(|c| c == '"' || c == '\'');
                format!("{}{{\"Ref\": \"{target}\"}}", &line[..at])
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn parse_document(body: &str) -> Result<Value, String> {
    if body.trim_start().starts_with('{') {
        return serde_json::from_str(body)
            .map_err(|e| format!("The template is not valid JSON: {e}"));
    }
    let options = serde_saphyr::options! {
        // Account ids in parameters may start with zeros.
        leading_zero_numbers_as_strings: true,
    };
    serde_saphyr::from_str_with_options(&expand_short_refs(body), options).map_err(|e| {
        format!(
            "The template is not valid YAML: {}",
            e.to_string().lines().next().unwrap_or_default()
        )
    })
}

/// A scalar parameter value as text (`true`, `90`, `abc`).
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The template's parameter values: each declared parameter's default, overridden by
/// the pack's `ConformancePackInputParameters`.
fn parameter_values(
    document: &Value,
    given: &[(String, String)],
) -> Result<BTreeMap<String, String>, String> {
    let mut values = BTreeMap::new();
    if let Some(declared) = document.get("Parameters") {
        let declared = declared.as_object().ok_or("Parameters must be a map.")?;
        for (name, spec) in declared {
            if let Some(default) = spec.get("Default").and_then(scalar_text) {
                values.insert(name.clone(), default);
            }
        }
    }
    for (name, value) in given {
        values.insert(name.clone(), value.clone());
    }
    Ok(values)
}

fn resolve(value: &Value, parameters: &BTreeMap<String, String>) -> Result<String, String> {
    if let Some(target) = value.get("Ref").and_then(Value::as_str) {
        return parameters
            .get(target)
            .cloned()
            .ok_or_else(|| format!("Parameter '{target}' is referenced but has no value."));
    }
    scalar_text(value).ok_or_else(|| "Input parameter values must be scalars or Refs.".to_string())
}

fn text(properties: &Value, key: &str) -> Option<String> {
    properties.get(key).and_then(scalar_text)
}

fn rule_of(
    logical_id: &str,
    properties: &Value,
    parameters: &BTreeMap<String, String>,
) -> Result<TemplateRule, String> {
    let name = text(properties, "ConfigRuleName").unwrap_or_else(|| logical_id.to_string());
    if name.is_empty() || name.len() > 64 {
        return Err(format!(
            "ConfigRuleName of {logical_id} must be 1 to 64 characters."
        ));
    }
    let source = properties
        .get("Source")
        .filter(|s| s.is_object())
        .ok_or_else(|| format!("Resource {logical_id} has no Source."))?;
    let owner = text(source, "Owner").unwrap_or_default();
    let identifier = text(source, "SourceIdentifier").unwrap_or_default();
    if owner != "AWS" {
        // orgsim runs no Lambda functions or Guard policies, so a pack holds managed rules.
        return Err(format!(
            "Resource {logical_id}: Source.Owner must be AWS, not '{owner}'."
        ));
    }
    if identifier.is_empty() {
        return Err(format!(
            "Resource {logical_id} has no Source.SourceIdentifier."
        ));
    }
    let input_parameters = match properties.get("InputParameters") {
        None | Some(Value::Null) => None,
        Some(Value::Object(given)) => {
            let mut resolved = Map::new();
            for (key, value) in given {
                resolved.insert(key.clone(), Value::String(resolve(value, parameters)?));
            }
            Some(Value::Object(resolved).to_string())
        }
        Some(Value::String(json)) => Some(json.clone()),
        Some(_) => return Err(format!("InputParameters of {logical_id} must be a map.")),
    };
    Ok(TemplateRule {
        name,
        description: text(properties, "Description"),
        source: serde_json::json!({"Owner": owner, "SourceIdentifier": identifier}),
        scope: properties.get("Scope").cloned(),
        input_parameters,
        maximum_execution_frequency: text(properties, "MaximumExecutionFrequency"),
    })
}

/// The rules `body` declares, in the order of their logical ids; the message says what is wrong
/// otherwise.
pub fn parse_template(body: &str, given: &[(String, String)]) -> Result<Vec<TemplateRule>, String> {
    let document = parse_document(body)?;
    let parameters = parameter_values(&document, given)?;
    let resources = document
        .get("Resources")
        .and_then(Value::as_object)
        .filter(|r| !r.is_empty())
        .ok_or("The template must declare at least one resource under Resources.")?;
    let mut rules: Vec<TemplateRule> = Vec::new();
    for (logical_id, resource) in resources {
        match resource.get("Type").and_then(Value::as_str) {
            Some("AWS::Config::ConfigRule") => {}
            // Remediation needs Systems Manager, which orgsim does not emulate.
            Some("AWS::Config::RemediationConfiguration") => continue,
            other => {
                return Err(format!(
                    "Resource {logical_id} has type {}; a conformance pack holds AWS::Config::ConfigRule resources.",
                    other.unwrap_or("(none)")
                ))
            }
        }
        let properties = resource.get("Properties").cloned().unwrap_or(Value::Null);
        let rule = rule_of(logical_id, &properties, &parameters)?;
        if rules.iter().any(|r| r.name == rule.name) {
            return Err(format!(
                "The template declares the rule {} twice.",
                rule.name
            ));
        }
        rules.push(rule);
    }
    if rules.is_empty() {
        return Err("The template declares no AWS::Config::ConfigRule.".to_string());
    }
    Ok(rules)
}

/// The pattern AWS gives conformance pack names (and organization pack names).
pub fn check_pack_name(member: &str, name: &str, max: usize) -> Result<(), ConfigError> {
    let mut chars = name.chars();
    let ok = name.len() <= max
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ConfigError::constraint(
            member,
            name,
            "Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*",
        ))
    }
}

/// What the template, parameters and delivery settings of a pack request must satisfy,
/// shared by `PutConformancePack` and `PutOrganizationConformancePack`. Returns the
/// rules of the template, or the template's problem as text (each caller raises its
/// own template exception).
pub fn check_template(
    world: &World,
    template_body: &Option<String>,
    template_s3_uri: &Option<String>,
    other_template_source: bool,
    input_parameters: &[Value],
) -> Result<Result<Vec<TemplateRule>, String>, ConfigError> {
    if input_parameters.len() > 330 {
        return Err(ConfigError::Validation(
            "1 validation error detected: Value at 'conformancePackInputParameters' failed to satisfy constraint: Member must have length less than or equal to 330".to_string(),
        ));
    }
    let mut given = Vec::new();
    for p in input_parameters {
        let name = p.get("ParameterName").and_then(Value::as_str);
        let value = p.get("ParameterValue").and_then(Value::as_str);
        match (name, value) {
            (Some(n), Some(v)) => given.push((n.to_string(), v.to_string())),
            _ => {
                return Err(ConfigError::Validation(
                    "1 validation error detected: Value null at 'conformancePackInputParameters.member.parameterName' failed to satisfy constraint: Member must not be null".to_string(),
                ))
            }
        }
    }
    let sources = [
        template_body.is_some(),
        template_s3_uri.is_some(),
        other_template_source,
    ];
    if sources.iter().filter(|s| **s).count() != 1 {
        return Err(ConfigError::InvalidParameterValue(
            "Specify exactly one of TemplateS3Uri, TemplateBody or TemplateSSMDocumentDetails."
                .to_string(),
        ));
    }
    if let Some(uri) = template_s3_uri {
        if !uri.starts_with("s3://") {
            return Err(ConfigError::constraint(
                "templateS3Uri",
                uri,
                "Member must satisfy regular expression pattern: s3://.*",
            ));
        }
        let template = template_from_s3(world, uri)?;
        return check_body(&template).map(|()| parse_template(&template, &given));
    }
    let Some(body) = template_body else {
        return Err(ConfigError::InvalidParameterValue(
            "orgsim does not emulate Systems Manager and cannot read a template from a document; pass the template in TemplateBody.".to_string(),
        ));
    };
    check_body(body)?;
    Ok(parse_template(body, &given))
}

fn check_body(body: &str) -> Result<(), ConfigError> {
    if body.is_empty() || body.len() > MAX_TEMPLATE_BYTES {
        return Err(ConfigError::Validation(format!(
            "1 validation error detected: Value at 'templateBody' failed to satisfy constraint: Member must have length between 1 and {MAX_TEMPLATE_BYTES}"
        )));
    }
    Ok(())
}

/// The template object `s3://bucket/key` names, read from orgsim's S3.
fn template_from_s3(world: &World, uri: &str) -> Result<String, ConfigError> {
    let path = uri.trim_start_matches("s3://");
    let (bucket, key) = path.split_once('/').unwrap_or((path, ""));
    let unreadable = || {
        ConfigError::InvalidParameterValue(format!(
            "Unable to read the template from TemplateS3Uri '{uri}': the bucket or the object does not exist."
        ))
    };
    if key.is_empty() {
        return Err(unreadable());
    }
    let bytes = read_object(world, bucket, key).ok_or_else(unreadable)?;
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        ConfigError::InvalidParameterValue(format!(
            "The template at TemplateS3Uri '{uri}' is not UTF-8 text."
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"
Parameters:
  MaxAge:
    Type: String
    Default: "90"
Resources:
  GuardDuty:
    Type: AWS::Config::ConfigRule
    Properties:
      ConfigRuleName: guardduty-enabled-centralized
      Source:
        Owner: AWS
        SourceIdentifier: GUARDDUTY_ENABLED_CENTRALIZED
  Keys:
    Type: "AWS::Config::ConfigRule"
    Properties:
      ConfigRuleName: access-keys-rotated
      InputParameters:
        maxAccessKeyAge: !Ref MaxAge
      Source:
        Owner: AWS
        SourceIdentifier: ACCESS_KEYS_ROTATED
"#;

    #[test]
    fn yaml_rules_with_refs_resolved_from_defaults_or_input() {
        let rules = parse_template(YAML, &[]).unwrap();
        assert_eq!(rules.len(), 2);
        assert_eq!(rules[1].name, "access-keys-rotated");
        assert_eq!(
            rules[1].input_parameters.as_deref(),
            Some(r#"{"maxAccessKeyAge":"90"}"#)
        );
        assert_eq!(
            rules[0].source["SourceIdentifier"],
            "GUARDDUTY_ENABLED_CENTRALIZED"
        );
        let given = [("MaxAge".to_string(), "30".to_string())];
        let rules = parse_template(YAML, &given).unwrap();
        assert_eq!(
            rules[1].input_parameters.as_deref(),
            Some(r#"{"maxAccessKeyAge":"30"}"#)
        );
    }

    #[test]
    fn json_templates_and_what_is_refused() {
        let json = r#"{"Resources": {"Hub": {"Type": "AWS::Config::ConfigRule", "Properties": {"ConfigRuleName": "securityhub-enabled", "Source": {"Owner": "AWS", "SourceIdentifier": "SECURITYHUB_ENABLED"}}}}}"#;
        assert_eq!(
            parse_template(json, &[]).unwrap()[0].name,
            "securityhub-enabled"
        );
        for bad in [
            "Resources: [",
            "Resources: {}",
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
            "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      Source:\n        Owner: CUSTOM_LAMBDA\n        SourceIdentifier: arn\n",
            "Resources:\n  R:\n    Type: AWS::Config::ConfigRule\n    Properties:\n      InputParameters:\n        a: !Ref Missing\n      Source:\n        Owner: AWS\n        SourceIdentifier: X\n",
        ] {
            assert!(parse_template(bad, &[]).is_err(), "{bad}");
        }
    }
}
