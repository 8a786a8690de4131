//! Template parameters: their declarations (type and constraints) and the values a
//! stack is given, checked as CloudFormation checks them.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{Result, TemplateError};

/// A parameter's type.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamType {
    String,
    Number,
    NumberList,
    CommaDelimitedList,
    /// An AWS-specific type (`AWS::EC2::VPC::Id`): a string the console would look up.
    AwsSpecific(String),
    /// `List<AWS::EC2::Subnet::Id>`.
    AwsSpecificList(String),
}

impl ParamType {
    pub fn is_list(&self) -> bool {
        matches!(
            self,
            ParamType::NumberList | ParamType::CommaDelimitedList | ParamType::AwsSpecificList(_)
        )
    }
}

/// One declared parameter.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    /// As written (`String`, `List<Number>`).
    pub type_name: String,
    pub kind: ParamType,
    pub default: Option<String>,
    pub allowed_values: Vec<String>,
    pub allowed_pattern: Option<String>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_value: Option<f64>,
    pub max_value: Option<f64>,
    pub no_echo: bool,
    pub description: Option<String>,
    pub constraint_description: Option<String>,
}

/// AWS-specific parameter types CloudFormation knows (values are taken as written).
const AWS_TYPES: &[&str] = &[
    "AWS::EC2::AvailabilityZone::Name",
    "AWS::EC2::Image::Id",
    "AWS::EC2::Instance::Id",
    "AWS::EC2::KeyPair::KeyName",
    "AWS::EC2::SecurityGroup::GroupName",
    "AWS::EC2::SecurityGroup::Id",
    "AWS::EC2::Subnet::Id",
    "AWS::EC2::Volume::Id",
    "AWS::EC2::VPC::Id",
    "AWS::Route53::HostedZone::Id",
];

fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn kind(name: &str, type_name: &str) -> Result<ParamType> {
    if type_name.starts_with("AWS::SSM::Parameter::") {
        return Err(TemplateError(format!(
            "Parameter '{name}' has type {type_name}: Systems Manager parameter types are not supported by orgsim, which does not emulate Parameter Store"
        )));
    }
    Ok(match type_name {
        "String" => ParamType::String,
        "Number" => ParamType::Number,
        "List<Number>" => ParamType::NumberList,
        "CommaDelimitedList" => ParamType::CommaDelimitedList,
        t if AWS_TYPES.contains(&t) => ParamType::AwsSpecific(t.to_string()),
        t => match t
            .strip_prefix("List<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            Some(inner) if AWS_TYPES.contains(&inner) => {
                ParamType::AwsSpecificList(inner.to_string())
            }
            _ => {
                return Err(TemplateError::format(format!(
                    "Unrecognized parameter type: {t}"
                )))
            }
        },
    })
}

/// The `Parameters` section, in template order.
pub fn declarations(section: &Map<String, Value>) -> Result<Vec<Parameter>> {
    let mut out = Vec::new();
    for (name, decl) in section {
        if !super::alphanumeric(name) {
            return Err(TemplateError::format(format!(
                "Parameter name {name} is non alphanumeric."
            )));
        }
        let Some(fields) = decl.as_object() else {
            return Err(TemplateError::format(format!(
                "Every Parameters object must contain a Type member ({name})."
            )));
        };
        let type_name = fields.get("Type").and_then(Value::as_str).ok_or_else(|| {
            TemplateError::format(format!(
                "Every Parameters object must contain a Type member ({name})."
            ))
        })?;
        let number = |key: &str| -> Result<Option<f64>> {
            match fields.get(key) {
                None => Ok(None),
                Some(v) => text(v)
                    .and_then(|t| t.parse::<f64>().ok())
                    .map(Some)
                    .ok_or_else(|| {
                        TemplateError::format(format!("Invalid {key} value for parameter {name}"))
                    }),
            }
        };
        let length = |key: &str| -> Result<Option<u64>> {
            match number(key)? {
                None => Ok(None),
                Some(n) if n >= 0.0 && n.fract() == 0.0 => Ok(Some(n as u64)),
                Some(_) => Err(TemplateError::format(format!(
                    "Invalid {key} value for parameter {name}"
                ))),
            }
        };
        let allowed_values = match fields.get("AllowedValues") {
            None => Vec::new(),
            Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
            Some(_) => {
                return Err(TemplateError::format(format!(
                    "Every AllowedValues member of parameter {name} must be a list"
                )))
            }
        };
        let allowed_pattern = fields.get("AllowedPattern").and_then(text);
        if let Some(pattern) = &allowed_pattern {
            if regex::Regex::new(pattern).is_err() {
                return Err(TemplateError::format(format!(
                    "Invalid AllowedPattern {pattern} for parameter {name}"
                )));
            }
        }
        let no_echo = match fields.get("NoEcho") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            Some(_) => false,
        };
        out.push(Parameter {
            name: name.clone(),
            type_name: type_name.to_string(),
            kind: kind(name, type_name)?,
            default: fields.get("Default").and_then(|d| match d {
                Value::Array(items) => {
                    Some(items.iter().filter_map(text).collect::<Vec<_>>().join(","))
                }
                other => text(other),
            }),
            allowed_values,
            allowed_pattern,
            min_length: length("MinLength")?,
            max_length: length("MaxLength")?,
            min_value: number("MinValue")?,
            max_value: number("MaxValue")?,
            no_echo,
            description: fields.get("Description").and_then(text),
            constraint_description: fields.get("ConstraintDescription").and_then(text),
        });
    }
    Ok(out)
}

/// A value given for a parameter (`ParameterValue` or `UsePreviousValue`).
#[derive(Clone, Debug, Default)]
pub struct Given {
    pub value: Option<String>,
    pub use_previous: bool,
}

/// The parameter values of a stack: given, previous (`UsePreviousValue`), or default,
/// each checked against its declaration. Values are text as the stack keeps them.
pub fn resolve(
    declared: &[Parameter],
    given: &BTreeMap<String, Given>,
    previous: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>> {
    let unknown: Vec<&str> = given
        .keys()
        .map(String::as_str)
        .filter(|k| !declared.iter().any(|p| p.name == *k))
        .collect();
    if !unknown.is_empty() {
        return Err(TemplateError(format!(
            "Parameters: [{}] do not exist in the template",
            unknown.join(", ")
        )));
    }
    let mut values = BTreeMap::new();
    let mut missing = Vec::new();
    for p in declared {
        let value = match given.get(&p.name) {
            Some(g) if g.use_previous => match previous.get(&p.name) {
                Some(v) => Some(v.clone()),
                None => {
                    return Err(TemplateError(format!(
                        "Invalid input for parameter key {}. Cannot specify usePreviousValue as true for a parameter key not in the previous template",
                        p.name
                    )))
                }
            },
            Some(g) => g.value.clone().or_else(|| p.default.clone()),
            None => p.default.clone(),
        };
        match value {
            Some(v) => {
                check_value(p, &v)?;
                values.insert(p.name.clone(), v);
            }
            None => missing.push(p.name.as_str()),
        }
    }
    if !missing.is_empty() {
        return Err(TemplateError(format!(
            "Parameters: [{}] must have values",
            missing.join(", ")
        )));
    }
    Ok(values)
}

fn failed(p: &Parameter, detail: String) -> TemplateError {
    match &p.constraint_description {
        Some(description) => TemplateError(format!(
            "Parameter '{}' failed to satisfy constraint: {description}",
            p.name
        )),
        None => TemplateError(detail),
    }
}

/// A value against its declaration: every list item separately.
pub fn check_value(p: &Parameter, value: &str) -> Result<()> {
    let items: Vec<&str> = if p.kind.is_list() {
        value.split(',').map(str::trim).collect()
    } else {
        vec![value]
    };
    for item in items {
        if matches!(p.kind, ParamType::Number | ParamType::NumberList) {
            let Ok(n) = item.trim().parse::<f64>() else {
                return Err(TemplateError(format!(
                    "Parameter '{}' must be a number.",
                    p.name
                )));
            };
            if p.min_value.is_some_and(|min| n < min) {
                return Err(failed(
                    p,
                    format!(
                        "Parameter '{}' must be a number not less than {}",
                        p.name,
                        trim_number(p.min_value.unwrap_or_default())
                    ),
                ));
            }
            if p.max_value.is_some_and(|max| n > max) {
                return Err(failed(
                    p,
                    format!(
                        "Parameter '{}' must be a number not greater than {}",
                        p.name,
                        trim_number(p.max_value.unwrap_or_default())
                    ),
                ));
            }
        }
        if !p.allowed_values.is_empty() && !p.allowed_values.iter().any(|a| a == item) {
            return Err(failed(
                p,
                format!("Parameter '{}' must be one of AllowedValues", p.name),
            ));
        }
        let length = item.chars().count() as u64;
        if p.min_length.is_some_and(|min| length < min) {
            return Err(failed(
                p,
                format!(
                    "Parameter '{}' must contain at least {} characters",
                    p.name,
                    p.min_length.unwrap_or_default()
                ),
            ));
        }
        if p.max_length.is_some_and(|max| length > max) {
            return Err(failed(
                p,
                format!(
                    "Parameter '{}' must contain at most {} characters",
                    p.name,
                    p.max_length.unwrap_or_default()
                ),
            ));
        }
        if let Some(pattern) = &p.allowed_pattern {
            let anchored = regex::Regex::new(&format!("^(?:{pattern})$"));
            if anchored.is_ok_and(|re| !re.is_match(item)) {
                return Err(failed(
                    p,
                    format!("Parameter '{}' must match pattern {pattern}", p.name),
                ));
            }
        }
    }
    Ok(())
}

fn trim_number(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A parameter's value as `Ref` gives it: a list for list types, else text.
pub fn ref_value(p: &Parameter, value: &str) -> Value {
    if p.kind.is_list() {
        Value::Array(
            value
                .split(',')
                .map(|s| Value::String(s.trim().to_string()))
                .collect(),
        )
    } else {
        Value::String(value.to_string())
    }
}
