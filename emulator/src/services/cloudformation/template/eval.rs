//! Intrinsic functions and conditions: a template value resolved against a stack's
//! parameters, pseudo parameters, conditions, the resources made so far and the
//! region's exports.

use base64::Engine;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::{params, Result, Template, TemplateError};

/// The pseudo parameters of one stack.
#[derive(Clone, Debug)]
pub struct Pseudo {
    pub account_id: String,
    pub region: String,
    pub stack_name: String,
    pub stack_id: String,
    pub notification_arns: Vec<String>,
}

impl Pseudo {
    pub fn partition(&self) -> &'static str {
        partition(&self.region)
    }

    pub fn url_suffix(&self) -> &'static str {
        if self.region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        }
    }
}

/// The partition of a region.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// A resource as the rest of the template sees it once it is made.
#[derive(Clone, Debug, Default)]
pub struct Made {
    /// What `Ref` returns.
    pub ref_value: String,
    /// What `Fn::GetAtt` returns, by attribute name.
    pub attributes: Map<String, Value>,
}

/// Everything a value may be resolved against.
pub struct Scope<'a> {
    pub template: &'a Template,
    pub parameters: &'a BTreeMap<String, String>,
    pub pseudo: &'a Pseudo,
    pub conditions: &'a BTreeMap<String, bool>,
    pub resources: &'a BTreeMap<String, Made>,
    pub exports: &'a BTreeMap<String, String>,
}

fn err(message: impl Into<String>) -> TemplateError {
    TemplateError(message.into())
}

/// The `${Name}` and `${Res.Attr}` names of an `Fn::Sub` string (`${!Literal}` is none).
pub fn sub_names(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        let name = &after[..end];
        if !name.starts_with('!') {
            names.push(name.trim().to_string());
        }
        rest = &after[end + 1..];
    }
    names
}

/// Text of a scalar result (numbers and booleans as CloudFormation writes them).
pub fn as_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Scope<'_> {
    /// A value with every intrinsic function resolved. `None`: `AWS::NoValue`, the
    /// property is left out.
    pub fn resolve(&self, value: &Value) -> Result<Option<Value>> {
        match value {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    if let Some(v) = self.resolve(item)? {
                        out.push(v);
                    }
                }
                Ok(Some(Value::Array(out)))
            }
            Value::Object(fields) => {
                if fields.len() == 1 {
                    let (key, arg) = fields.iter().next().expect("one field");
                    if key == "Ref" || key.starts_with("Fn::") {
                        return self.function(key, arg);
                    }
                }
                let mut out = Map::new();
                for (k, v) in fields {
                    if let Some(v) = self.resolve(v)? {
                        out.insert(k.clone(), v);
                    }
                }
                Ok(Some(Value::Object(out)))
            }
            other => Ok(Some(other.clone())),
        }
    }

    /// A value that must be present (not `AWS::NoValue`).
    fn value(&self, value: &Value, function: &str) -> Result<Value> {
        self.resolve(value)?.ok_or_else(|| {
            err(format!(
                "Template error: AWS::NoValue is not allowed in {function}"
            ))
        })
    }

    fn text(&self, value: &Value, function: &str) -> Result<String> {
        as_text(&self.value(value, function)?).ok_or_else(|| {
            err(format!(
                "Template error: every {function} argument must be a string"
            ))
        })
    }

    fn list(&self, value: &Value, function: &str) -> Result<Vec<Value>> {
        match self.value(value, function)? {
            Value::Array(items) => Ok(items),
            _ => Err(err(format!(
                "Template error: {function} requires a list of values"
            ))),
        }
    }

    fn args<'v>(&self, arg: &'v Value, n: usize, function: &str) -> Result<&'v [Value]> {
        match arg.as_array() {
            Some(items) if items.len() == n => Ok(items),
            _ => Err(err(format!(
                "Template error: {function} requires {n} arguments"
            ))),
        }
    }

    fn function(&self, key: &str, arg: &Value) -> Result<Option<Value>> {
        let v = match key {
            "Ref" => {
                let name = arg
                    .as_str()
                    .ok_or_else(|| err("Template format error: Every Ref object must have a single String value."))?;
                return self.reference(name);
            }
            "Fn::GetAtt" => self.get_att(arg)?,
            "Fn::Sub" => Value::String(self.sub(arg)?),
            "Fn::Join" => {
                let items = self.args(arg, 2, "Fn::Join")?;
                let delimiter = self.text(&items[0], "Fn::Join")?;
                let parts = self.list(&items[1], "Fn::Join")?;
                let texts: Vec<String> = parts
                    .iter()
                    .map(|p| {
                        as_text(p).ok_or_else(|| {
                            err("Template error: every Fn::Join object requires two parameters, (1) a string delimiter and (2) a list of strings to be joined or a function that returns a list of strings (such as Fn::GetAZs) to be joined.")
                        })
                    })
                    .collect::<Result<_>>()?;
                Value::String(texts.join(&delimiter))
            }
            "Fn::Select" => {
                let items = self.args(arg, 2, "Fn::Select")?;
                let index = self.text(&items[0], "Fn::Select")?;
                let list = self.list(&items[1], "Fn::Select")?;
                let i: usize = index.trim().parse().map_err(|_| {
                    err("Template error: Fn::Select requires a list and a numeric index")
                })?;
                list.get(i).cloned().ok_or_else(|| {
                    err(format!(
                        "Template error: Fn::Select cannot select nonexistent value at index {i}"
                    ))
                })?
            }
            "Fn::Split" => {
                let items = self.args(arg, 2, "Fn::Split")?;
                let delimiter = self.text(&items[0], "Fn::Split")?;
                let source = self.text(&items[1], "Fn::Split")?;
                if delimiter.is_empty() {
                    return Err(err("Template error: Fn::Split requires a non-empty delimiter"));
                }
                Value::Array(source.split(delimiter.as_str()).map(Value::from).collect())
            }
            "Fn::FindInMap" => self.find_in_map(arg)?,
            "Fn::Base64" => {
                let text = self.text(arg, "Fn::Base64")?;
                Value::String(base64::engine::general_purpose::STANDARD.encode(text))
            }
            "Fn::GetAZs" => {
                let region = self.text(arg, "Fn::GetAZs")?;
                let region = if region.is_empty() {
                    self.pseudo.region.clone()
                } else {
                    region
                };
                let zones = crate::regions::region(&region)
                    .map(|r| {
                        r.zones
                            .iter()
                            .map(|(letter, _)| Value::String(format!("{region}{letter}")))
                            .collect()
                    })
                    .unwrap_or_default();
                Value::Array(zones)
            }
            "Fn::Cidr" => {
                let items = self.args(arg, 3, "Fn::Cidr")?;
                let block = self.text(&items[0], "Fn::Cidr")?;
                let count = self.text(&items[1], "Fn::Cidr")?;
                let bits = self.text(&items[2], "Fn::Cidr")?;
                Value::Array(cidr(&block, &count, &bits)?.into_iter().map(Value::from).collect())
            }
            "Fn::ImportValue" => {
                let name = self.text(arg, "Fn::ImportValue")?;
                Value::String(
                    self.exports
                        .get(&name)
                        .cloned()
                        .ok_or_else(|| err(format!("No export named {name} found.")))?,
                )
            }
            "Fn::If" => {
                let items = self.args(arg, 3, "Fn::If")?;
                let name = items[0]
                    .as_str()
                    .ok_or_else(|| err("Template error: Fn::If requires a condition name"))?;
                let chosen = if self.condition(name)? {
                    &items[1]
                } else {
                    &items[2]
                };
                return self.resolve(chosen);
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let mut single = Map::new();
                single.insert(key.to_string(), arg.clone());
                Value::Bool(self.truth(&Value::Object(single), 0)?)
            }
            other => {
                return Err(err(format!(
                    "Template format error: Encountered unsupported function: {other} Supported functions are: [Fn::Base64, Fn::GetAtt, Fn::GetAZs, Fn::ImportValue, Fn::Join, Fn::Split, Fn::FindInMap, Fn::Select, Ref, Fn::Equals, Fn::If, Fn::Not, Condition, Fn::And, Fn::Or, Fn::Contains, Fn::EachMemberEquals, Fn::EachMemberIn, Fn::ValueOf, Fn::ValueOfAll, Fn::RefAll, Fn::Sub, Fn::Cidr]"
                )))
            }
        };
        Ok(Some(v))
    }

    /// `Ref`: a parameter, a pseudo parameter or a made resource.
    pub fn reference(&self, name: &str) -> Result<Option<Value>> {
        let p = self.pseudo;
        let v = match name {
            "AWS::NoValue" => return Ok(None),
            "AWS::AccountId" => Value::String(p.account_id.clone()),
            "AWS::Region" => Value::String(p.region.clone()),
            "AWS::StackName" => Value::String(p.stack_name.clone()),
            "AWS::StackId" => Value::String(p.stack_id.clone()),
            "AWS::Partition" => Value::String(p.partition().into()),
            "AWS::URLSuffix" => Value::String(p.url_suffix().into()),
            "AWS::NotificationARNs" => Value::Array(
                p.notification_arns
                    .iter()
                    .cloned()
                    .map(Value::from)
                    .collect(),
            ),
            _ => {
                if let Some(declared) = self.template.parameter(name) {
                    let value = self.parameters.get(name).cloned().unwrap_or_default();
                    return Ok(Some(params::ref_value(declared, &value)));
                }
                match self.resources.get(name) {
                    Some(made) => Value::String(made.ref_value.clone()),
                    None => {
                        return Err(err(format!(
                            "Template format error: Unresolved resource dependencies [{name}] in the Resources block of the template"
                        )))
                    }
                }
            }
        };
        Ok(Some(v))
    }

    fn attribute(&self, resource: &str, attribute: &str) -> Result<Value> {
        let made = self.resources.get(resource).ok_or_else(|| {
            err(format!(
                "Template error: instance of Fn::GetAtt references undefined resource {resource}"
            ))
        })?;
        made.attributes.get(attribute).cloned().ok_or_else(|| {
            let type_name = self
                .template
                .resource(resource)
                .map(|r| r.type_name.as_str())
                .unwrap_or_default();
            err(format!(
                "Template error: resource {resource} does not support attribute type {attribute} in Fn::GetAtt ({type_name})"
            ))
        })
    }

    fn get_att(&self, arg: &Value) -> Result<Value> {
        let (resource, attribute) = match arg {
            Value::String(s) => s
                .split_once('.')
                .map(|(r, a)| (r.to_string(), a.to_string()))
                .ok_or_else(|| {
                    err("Template error: every Fn::GetAtt object requires two non-empty parameters")
                })?,
            Value::Array(items) if items.len() == 2 => {
                let resource = items[0].as_str().unwrap_or_default().to_string();
                let attribute = self.text(&items[1], "Fn::GetAtt")?;
                (resource, attribute)
            }
            _ => {
                return Err(err(
                    "Template error: every Fn::GetAtt object requires two non-empty parameters",
                ))
            }
        };
        self.attribute(&resource, &attribute)
    }

    fn sub(&self, arg: &Value) -> Result<String> {
        let (text, vars) = match arg {
            Value::String(s) => (s.clone(), Map::new()),
            Value::Array(items) if items.len() == 2 => {
                let text = items[0]
                    .as_str()
                    .ok_or_else(|| {
                        err("Template error: Fn::Sub requires a string as its first argument")
                    })?
                    .to_string();
                let vars =
                    match self.value(&items[1], "Fn::Sub")? {
                        Value::Object(m) => m,
                        _ => return Err(err(
                            "Template error: Fn::Sub's second argument must be a map of variables",
                        )),
                    };
                (text, vars)
            }
            _ => {
                return Err(err(
                    "Template error: Fn::Sub requires a string or a list of a string and a map",
                ))
            }
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let name = name.trim();
                let value = if let Some(v) = vars.get(name) {
                    v.clone()
                } else if let (Some((resource, attribute)), false) =
                    (name.split_once('.'), name.starts_with("AWS::"))
                {
                    self.attribute(resource, attribute)?
                } else {
                    self.reference(name)?
                        .unwrap_or(Value::String(String::new()))
                };
                let text = match &value {
                    Value::Array(items) => items
                        .iter()
                        .filter_map(as_text)
                        .collect::<Vec<_>>()
                        .join(","),
                    other => as_text(other).ok_or_else(|| {
                        err(format!(
                            "Template error: variable {name} in Fn::Sub must resolve to a string"
                        ))
                    })?,
                };
                out.push_str(&text);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn find_in_map(&self, arg: &Value) -> Result<Value> {
        let items = match arg.as_array() {
            Some(items) if items.len() == 3 => items,
            _ => {
                return Err(err(
                    "Template error: every Fn::FindInMap object requires three parameters, the map name, map key and the attribute for return value",
                ))
            }
        };
        let map = self.text(&items[0], "Fn::FindInMap")?;
        let top = self.text(&items[1], "Fn::FindInMap")?;
        let second = self.text(&items[2], "Fn::FindInMap")?;
        let mapping = self
            .template
            .mappings
            .get(&map)
            .ok_or_else(|| err(format!("Template error: Mapping named '{map}' is not present in the 'Mappings' section of template.")))?;
        mapping
            .get(&top)
            .and_then(|m| m.get(&second))
            .cloned()
            .ok_or_else(|| {
                err(format!(
                    "Template error: Unable to get mapping for {map}::{top}::{second}"
                ))
            })
    }

    /// A named condition's truth, from the evaluated conditions.
    pub fn condition(&self, name: &str) -> Result<bool> {
        self.conditions.get(name).copied().ok_or_else(|| {
            err(format!(
                "Template error: unresolved condition dependency {name} in Fn::If"
            ))
        })
    }

    /// A condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`, `Condition`).
    fn truth(&self, value: &Value, depth: usize) -> Result<bool> {
        if depth > 64 {
            return Err(err("Template error: conditions are nested too deeply"));
        }
        let Some((key, arg)) = value
            .as_object()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.iter().next())
        else {
            return match value {
                Value::Bool(b) => Ok(*b),
                Value::String(s) if s == "true" => Ok(true),
                Value::String(s) if s == "false" => Ok(false),
                _ => Err(err(
                    "Template error: every condition must be a condition function",
                )),
            };
        };
        match key.as_str() {
            "Condition" => {
                let name = arg
                    .as_str()
                    .ok_or_else(|| err("Template error: Condition requires a condition name"))?;
                self.condition(name)
            }
            "Fn::Equals" => {
                let items = self.args(arg, 2, "Fn::Equals")?;
                let a = self.resolve(&items[0])?;
                let b = self.resolve(&items[1])?;
                Ok(
                    match (a.as_ref().and_then(as_text), b.as_ref().and_then(as_text)) {
                        (Some(a), Some(b)) => a == b,
                        _ => a == b,
                    },
                )
            }
            "Fn::Not" => {
                let items = self.args(arg, 1, "Fn::Not")?;
                Ok(!self.truth(&items[0], depth + 1)?)
            }
            "Fn::And" | "Fn::Or" => {
                let items = arg.as_array().filter(|i| (2..=10).contains(&i.len())).ok_or_else(|| {
                    err(format!(
                        "Template error: every {key} object requires a list of at least 2 and at most 10 conditions"
                    ))
                })?;
                let mut values = Vec::new();
                for item in items {
                    values.push(self.truth(item, depth + 1)?);
                }
                Ok(if key == "Fn::And" {
                    values.iter().all(|v| *v)
                } else {
                    values.iter().any(|v| *v)
                })
            }
            other => Err(err(format!(
                "Template error: {other} is not a condition function"
            ))),
        }
    }
}

/// Every condition of the template, evaluated (conditions may name each other; a
/// cycle is refused).
pub fn conditions(
    template: &Template,
    parameters: &BTreeMap<String, String>,
    pseudo: &Pseudo,
    exports: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, bool>> {
    let mut done: BTreeMap<String, bool> = BTreeMap::new();
    let none = BTreeMap::new();
    // Evaluate in rounds: a condition whose named conditions are all known is ready.
    let mut pending: Vec<&String> = template.conditions.keys().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut still = Vec::new();
        for name in pending {
            let expr = &template.conditions[name];
            let needs = super::References::of(expr).conditions;
            if needs.iter().all(|n| done.contains_key(n)) {
                let scope = Scope {
                    template,
                    parameters,
                    pseudo,
                    conditions: &done,
                    resources: &none,
                    exports,
                };
                let value = scope.truth(expr, 0)?;
                done.insert(name.clone(), value);
            } else {
                still.push(name);
            }
        }
        if still.len() == before {
            let names: Vec<&str> = still.iter().map(|s| s.as_str()).collect();
            return Err(err(format!(
                "Template error: circular condition dependency between conditions [{}]",
                names.join(", ")
            )));
        }
        pending = still;
    }
    Ok(done)
}

/// `Fn::Cidr`: `count` IPv4 blocks of `bits` host bits, from the start of `block`.
pub fn cidr(block: &str, count: &str, bits: &str) -> Result<Vec<String>> {
    let bad = || {
        err(format!(
            "Template error: Fn::Cidr cannot split {block} into {count} blocks of {bits} bits"
        ))
    };
    let (address, prefix) = block.split_once('/').ok_or_else(bad)?;
    let address: std::net::Ipv4Addr = address.parse().map_err(|_| bad())?;
    let prefix: u32 = prefix.parse().map_err(|_| bad())?;
    let count: u32 = count.trim().parse().map_err(|_| bad())?;
    let bits: u32 = bits.trim().parse().map_err(|_| bad())?;
    if prefix > 32 || bits == 0 || bits > 32 - prefix || !(1..=256).contains(&count) {
        return Err(bad());
    }
    let available = 1u64 << (32 - prefix - bits);
    if u64::from(count) > available {
        return Err(bad());
    }
    let base = u32::from(address) & (u32::MAX.checked_shl(32 - prefix).unwrap_or(0));
    Ok((0..count)
        .map(|i| {
            let start = base + (i << bits);
            format!("{}/{}", std::net::Ipv4Addr::from(start), 32 - bits)
        })
        .collect())
}
