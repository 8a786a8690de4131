//! GuardDuty findings in Security Hub (DESIGN §5). GuardDuty calls
//! [`on_guardduty_findings`] after it creates or archives findings; each finding is
//! mapped to ASFF the way GuardDuty sends it (product `aws/guardduty`) and stored in
//! the hub of the same account and region, if Security Hub is on there and imports
//! GuardDuty's findings. Findings made before Security Hub was on are not sent, as
//! in AWS.

use serde_json::{json, Map, Value};

use super::findings::{store_imported, SCHEMA_VERSION};
use super::products::{imports, product_arn};
use crate::services::guardduty::findings::finding_wire;
use crate::services::guardduty::model::Finding;
use crate::world::{iso8601, World};

pub const PRODUCT_PATH: &str = "aws/guardduty";

/// Sends the named GuardDuty findings — (account, finding id) in `region` — to
/// Security Hub. Never fails.
pub fn on_guardduty_findings(world: &mut World, region: &str, changed: &[(String, String)]) {
    let product = product_arn(region, PRODUCT_PATH);
    for (account, id) in changed {
        if !imports(world, region, account, &product) {
            continue;
        }
        let Some(finding) = world
            .guardduty
            .detector(region, account)
            .and_then(|d| d.findings.get(id))
            .cloned()
        else {
            continue;
        };
        store_imported(world, region, account, to_asff(&finding), &product);
    }
}

/// GuardDuty's severity label: 1.0–3.9 LOW, 4.0–6.9 MEDIUM, 7.0–8.9 HIGH, 9.0+ CRITICAL.
pub fn severity_label(severity: f64) -> &'static str {
    match severity {
        s if s >= 9.0 => "CRITICAL",
        s if s >= 7.0 => "HIGH",
        s if s >= 4.0 => "MEDIUM",
        _ => "LOW",
    }
}

/// The normalized score GuardDuty sends with each label. Published GuardDuty ASFF
/// findings show LOW → 40 and HIGH → 60; MEDIUM and CRITICAL continue that scale.
fn severity_normalized(label: &str) -> i64 {
    match label {
        "LOW" => 40,
        "MEDIUM" => 50,
        "HIGH" => 60,
        _ => 70,
    }
}

/// The ASFF type of a GuardDuty finding type: its threat purpose picks the ASFF
/// namespace and category, and the type follows with `/` written as `-`
/// (`Trojan:EC2/DGADomainRequest.B` → `TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B`;
/// `Policy:…` types carry no category, as GuardDuty sends them).
pub fn asff_type(finding_type: &str) -> String {
    let purpose = finding_type.split(':').next().unwrap_or_default();
    let classifier = finding_type.replace('/', "-");
    let prefix = match purpose {
        "Backdoor" | "Trojan" => "TTPs/Command and Control",
        "Behavior" => "Unusual Behaviors/VM",
        "CredentialAccess" => "TTPs/Credential Access",
        "CryptoCurrency" | "Impact" => "Effects/Resource Consumption",
        "DefenseEvasion" | "Stealth" => "TTPs/Defense Evasion",
        "Discovery" | "Recon" | "PenTest" => "TTPs/Discovery",
        "Execution" => "TTPs/Execution",
        "Exfiltration" => "Effects/Data Exfiltration",
        "InitialAccess" | "UnauthorizedAccess" => "TTPs/Initial Access",
        "Persistence" => "TTPs/Persistence",
        "PrivilegeEscalation" => "TTPs/Privilege Escalation",
        _ => "TTPs",
    };
    format!("{prefix}/{classifier}")
}

/// GuardDuty's camelCase JSON with PascalCase keys, as ASFF writes it.
fn pascal(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key: String = chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default();
                    // GuardDuty's `asn` is text; ASFF's `Asn` is an integer.
                    let value = match (key.as_str(), v) {
                        ("Asn", Value::String(s)) => {
                            s.parse::<i64>().map_or(Value::Null, |n| json!(n))
                        }
                        _ => pascal(v),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(pascal).collect()),
        other => other.clone(),
    }
}

/// `ProductFields`: GuardDuty's `service` block flattened to `aws/guardduty/service/…`
/// keys with text values (list items as `name.N_`).
fn flatten(prefix: &str, v: &Value, out: &mut Map<String, Value>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                flatten(&format!("{prefix}/{k}"), v, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{prefix}.{i}_"), item, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), json!(s));
        }
        Value::Null => {
            out.insert(prefix.to_string(), json!(""));
        }
        other => {
            out.insert(prefix.to_string(), json!(other.to_string()));
        }
    }
}

fn tags(list: &Value) -> Value {
    let map: Map<String, Value> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| Some((t["key"].as_str()?.to_string(), t["value"].clone())))
        .collect();
    Value::Object(map)
}

fn resource(f: &Finding) -> Vec<Value> {
    let (region, account) = (&f.region, &f.account_id);
    let r = &f.resource;
    let base = |ty: &str, id: String, details: Value| json!({"Type": ty, "Id": id, "Partition": "aws", "Region": region, "Details": details});
    let access_key = |k: &Value| {
        base(
            "AwsIamAccessKey",
            format!(
                "AWS::IAM::AccessKey:{}",
                k["accessKeyId"].as_str().unwrap_or_default()
            ),
            json!({"AwsIamAccessKey": {"PrincipalId": k["principalId"], "PrincipalType": k["userType"], "PrincipalName": k["userName"]}}),
        )
    };
    match r["resourceType"].as_str().unwrap_or_default() {
        "Instance" => {
            let i = &r["instanceDetails"];
            let nic = &i["networkInterfaces"][0];
            let mut res = base(
                "AwsEc2Instance",
                format!(
                    "arn:aws:ec2:{region}:{account}:instance/{}",
                    i["instanceId"].as_str().unwrap_or_default()
                ),
                json!({"AwsEc2Instance": {
                    "Type": i["instanceType"],
                    "ImageId": i["imageId"],
                    "IpV4Addresses": [nic["privateIpAddress"], nic["publicIp"]],
                    "VpcId": nic["vpcId"],
                    "SubnetId": nic["subnetId"],
                    "LaunchedAt": i["launchTime"],
                    "IamInstanceProfileArn": i["iamInstanceProfile"]["arn"],
                }}),
            );
            res["Tags"] = tags(&i["tags"]);
            vec![res]
        }
        "AccessKey" => vec![access_key(&r["accessKeyDetails"])],
        "S3Bucket" => {
            let mut out = vec![access_key(&r["accessKeyDetails"])];
            for b in r["s3BucketDetails"].as_array().into_iter().flatten() {
                let mut res = base(
                    "AwsS3Bucket",
                    b["arn"].as_str().unwrap_or_default().to_string(),
                    json!({"AwsS3Bucket": {"OwnerId": b["owner"]["id"]}}),
                );
                res["Tags"] = tags(&b["tags"]);
                out.push(res);
            }
            out
        }
        "EKSCluster" => {
            let c = &r["eksClusterDetails"];
            vec![base(
                "AwsEksCluster",
                c["arn"].as_str().unwrap_or_default().to_string(),
                json!({"AwsEksCluster": {"Name": c["name"], "Arn": c["arn"]}}),
            )]
        }
        "Lambda" => {
            let l = &r["lambdaDetails"];
            vec![base(
                "AwsLambdaFunction",
                l["functionArn"].as_str().unwrap_or_default().to_string(),
                json!({"AwsLambdaFunction": {"FunctionName": l["functionName"], "Role": l["role"], "Version": l["functionVersion"]}}),
            )]
        }
        "RDSDBInstance" => {
            let d = &r["rdsDbInstanceDetails"];
            vec![base(
                "AwsRdsDbInstance",
                d["dbInstanceArn"].as_str().unwrap_or_default().to_string(),
                json!({"AwsRdsDbInstance": {"DBInstanceIdentifier": d["dbInstanceIdentifier"], "Engine": d["engine"], "EngineVersion": d["engineVersion"]}}),
            )]
        }
        other => vec![base(
            "Other",
            format!(
                "arn:aws:guardduty:{region}:{account}:detector/{}/finding/{}",
                f.detector_id, f.id
            ),
            json!({"Other": {"resourceType": other}}),
        )],
    }
}

/// `Network` for connection findings: who talked to whom.
fn network(action: &Value) -> Option<Value> {
    let c = action.get("networkConnectionAction")?;
    let local = c["localIpDetails"]["ipAddressV4"].clone();
    let remote = c["remoteIpDetails"]["ipAddressV4"].clone();
    let outbound = c["connectionDirection"] == "OUTBOUND";
    let (source, destination) = if outbound {
        (local, remote)
    } else {
        (remote, local)
    };
    let (source_port, destination_port) = if outbound {
        (
            c["localPortDetails"]["port"].clone(),
            c["remotePortDetails"]["port"].clone(),
        )
    } else {
        (
            c["remotePortDetails"]["port"].clone(),
            c["localPortDetails"]["port"].clone(),
        )
    };
    Some(json!({
        "Direction": if outbound { "OUT" } else { "IN" },
        "Protocol": c["protocol"],
        "SourceIpV4": source,
        "SourcePort": source_port,
        "DestinationIpV4": destination,
        "DestinationPort": destination_port,
    }))
}

/// A GuardDuty finding as GuardDuty sends it to Security Hub.
pub fn to_asff(f: &Finding) -> Value {
    let wire = finding_wire(f);
    let arn = wire["arn"].as_str().unwrap_or_default().to_string();
    let label = severity_label(f.severity);
    let severity =
        json!({"Product": f.severity, "Label": label, "Normalized": severity_normalized(label)});
    let types = json!([asff_type(&f.finding_type)]);
    let mut fields = Map::new();
    flatten("aws/guardduty/service", &wire["service"], &mut fields);
    let mut finding = json!({
        "SchemaVersion": SCHEMA_VERSION,
        "Id": arn,
        "ProductArn": product_arn(&f.region, PRODUCT_PATH),
        "ProductName": "GuardDuty",
        "CompanyName": "Amazon",
        "Region": f.region,
        "GeneratorId": format!("arn:aws:guardduty:{}:{}:detector/{}", f.region, f.account_id, f.detector_id),
        "AwsAccountId": f.account_id,
        "Types": types,
        "FirstObservedAt": iso8601(f.created_ms),
        "LastObservedAt": iso8601(f.updated_ms),
        "CreatedAt": iso8601(f.created_ms),
        "UpdatedAt": iso8601(f.updated_ms),
        "Severity": severity,
        "Title": f.title,
        "Description": f.description,
        "SourceUrl": format!(
            "https://{0}.console.aws.amazon.com/guardduty/home?region={0}#/findings?macros=current&fId={1}",
            f.region, f.id
        ),
        "ProductFields": fields,
        "Resources": resource(f),
        "RecordState": if f.archived { "ARCHIVED" } else { "ACTIVE" },
        "Action": pascal(&f.action),
        "FindingProviderFields": {"Severity": severity, "Types": types},
        "Sample": f.sample,
    });
    if let Some(network) = network(&f.action) {
        finding["Network"] = network;
    }
    finding
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn types_and_severity_follow_guardduty() {
        assert_eq!(
            asff_type("Trojan:EC2/DGADomainRequest.B"),
            "TTPs/Command and Control/Trojan:EC2-DGADomainRequest.B"
        );
        assert_eq!(
            asff_type("Policy:IAMUser/RootCredentialUsage"),
            "TTPs/Policy:IAMUser-RootCredentialUsage"
        );
        assert_eq!(severity_label(2.0), "LOW");
        assert_eq!(severity_label(5.0), "MEDIUM");
        assert_eq!(severity_label(8.0), "HIGH");
        assert_eq!(severity_label(9.5), "CRITICAL");
    }

    #[test]
    fn samples_reach_security_hub_and_archiving_follows() {
        let mut w = world();
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let detector = crate::services::guardduty::test_support::create_detector(&mut w, ACCT);
        let gd = |w: &mut crate::world::World, op: &str, input: Value| {
            crate::services::guardduty::test_support::run_ok(w, ACCT, op, input)
        };
        gd(
            &mut w,
            "CreateSampleFindings",
            json!({"DetectorId": detector, "findingTypes": ["UnauthorizedAccess:EC2/SSHBruteForce", "Policy:IAMUser/RootCredentialUsage"]}),
        );
        let filters = json!({"ProductName": [{"Value": "GuardDuty", "Comparison": "EQUALS"}]});
        let found = run_ok(&mut w, ACCT, "GetFindings", json!({"Filters": filters}));
        let findings = found["Findings"].as_array().unwrap();
        assert_eq!(findings.len(), 2);
        let ssh = findings
            .iter()
            .find(|f| f["Types"][0].as_str().unwrap().contains("SSHBruteForce"))
            .unwrap();
        assert_eq!(
            ssh["ProductArn"],
            "arn:aws:securityhub:us-east-1::product/aws/guardduty"
        );
        assert_eq!(
            ssh["Types"][0],
            "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce"
        );
        assert_eq!(ssh["Severity"]["Label"], "LOW");
        assert_eq!(ssh["Severity"]["Product"], 2.0);
        assert_eq!(ssh["Resources"][0]["Type"], "AwsEc2Instance");
        assert_eq!(
            ssh["Resources"][0]["Id"],
            format!("arn:aws:ec2:us-east-1:{ACCT}:instance/i-99999999")
        );
        assert_eq!(
            ssh["ProductFields"]["aws/guardduty/service/archived"],
            "false"
        );
        assert_eq!(
            ssh["ProductFields"]["aws/guardduty/service/detectorId"],
            detector.as_str()
        );
        assert_eq!(
            ssh["ProductFields"]["aws/securityhub/ProductName"],
            "GuardDuty"
        );
        assert_eq!(ssh["Sample"], true);
        assert_eq!(ssh["RecordState"], "ACTIVE");
        assert_eq!(ssh["Workflow"]["Status"], "NEW");
        assert!(ssh["Title"].as_str().unwrap().starts_with("[SAMPLE]"));
        let id = ssh["Id"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        gd(
            &mut w,
            "ArchiveFindings",
            json!({"DetectorId": detector, "findingIds": [id]}),
        );
        let archived = json!({"RecordState": [{"Value": "ARCHIVED", "Comparison": "EQUALS"}]});
        let found = run_ok(&mut w, ACCT, "GetFindings", json!({"Filters": archived}));
        assert_eq!(found["Findings"][0]["Id"], ssh["Id"]);
        assert_eq!(
            found["Findings"][0]["ProductFields"]["aws/guardduty/service/archived"],
            "true"
        );
    }

    #[test]
    fn nothing_flows_without_security_hub_or_the_integration() {
        let mut w = world();
        let detector = crate::services::guardduty::test_support::create_detector(&mut w, ACCT);
        crate::services::guardduty::test_support::run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": detector, "findingTypes": ["Recon:EC2/Portscan"]}),
        );
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        assert_eq!(
            run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"],
            json!([]),
            "earlier findings are not sent"
        );
        let sub =
            format!("arn:aws:securityhub:us-east-1:{ACCT}:product-subscription/aws/guardduty");
        run_ok(
            &mut w,
            ACCT,
            "DisableImportFindingsForProduct",
            json!({"ProductSubscriptionArn": sub}),
        );
        crate::services::guardduty::test_support::run_ok(
            &mut w,
            ACCT,
            "CreateSampleFindings",
            json!({"DetectorId": detector, "findingTypes": ["Recon:EC2/Portscan"]}),
        );
        assert_eq!(
            run_ok(&mut w, ACCT, "GetFindings", json!({}))["Findings"],
            json!([])
        );
    }
}
