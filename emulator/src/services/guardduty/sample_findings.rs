//! Real GuardDuty finding types with their usual severity and the resource they are
//! about, and the sample findings `CreateSampleFindings` makes from them.

use serde_json::{json, Value};

use super::model::Finding;

/// What a finding type is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Instance,
    AccessKey,
    S3Bucket,
    EksCluster,
    Lambda,
    RdsDbInstance,
}

/// One finding type: name, severity, resource, title and the protection plan
/// (feature) that produces it.
pub struct FindingType {
    pub name: &'static str,
    pub severity: f64,
    pub kind: ResourceKind,
    pub title: &'static str,
    pub feature: &'static str,
}

const fn t(
    name: &'static str,
    severity: f64,
    kind: ResourceKind,
    title: &'static str,
    feature: &'static str,
) -> FindingType {
    FindingType {
        name,
        severity,
        kind,
        title,
        feature,
    }
}

use ResourceKind::*;

const FLOW: &str = "FlowLogs";
const DNS: &str = "DnsLogs";
const TRAIL: &str = "CloudTrail";
const S3: &str = "S3DataEvents";
const EKS: &str = "Kubernetes";
const LAMBDA: &str = "LambdaNetworkLogs";
const RDS: &str = "RdsLoginEvents";
const RUNTIME: &str = "RuntimeMonitoring";

/// Every finding type orgsim knows, in the order samples are made.
pub const FINDING_TYPES: &[FindingType] = &[
    t("Backdoor:EC2/C&CActivity.B!DNS", 8.0, Instance, "Command and Control server domain name queried by EC2 instance i-99999999.", DNS),
    t("Backdoor:EC2/DenialOfService.Tcp", 8.0, Instance, "EC2 instance i-99999999 is behaving in a manner that may indicate it is being used to perform a Denial of Service (DoS) attack using the TCP protocol.", FLOW),
    t("Backdoor:EC2/Spambot", 5.0, Instance, "EC2 instance i-99999999 is behaving in a manner that may indicate it is being used to send spam.", FLOW),
    t("Behavior:EC2/NetworkPortUnusual", 5.0, Instance, "Unusual outbound communication seen from EC2 instance i-99999999 on server port 22.", FLOW),
    t("Behavior:EC2/TrafficVolumeUnusual", 5.0, Instance, "Unusual amount of network traffic sent from EC2 instance i-99999999 to a remote host.", FLOW),
    t("CryptoCurrency:EC2/BitcoinTool.B!DNS", 8.0, Instance, "EC2 instance i-99999999 is querying a domain name that is associated with Bitcoin-related activity.", DNS),
    t("Impact:EC2/PortSweep", 8.0, Instance, "EC2 instance i-99999999 is probing a port on a large number of IP addresses.", FLOW),
    t("Impact:EC2/WinRMBruteForce", 8.0, Instance, "EC2 instance i-99999999 is performing outbound Windows Remote Management brute force attacks.", FLOW),
    t("Recon:EC2/PortProbeUnprotectedPort", 2.0, Instance, "Unprotected port on EC2 instance i-99999999 is being probed.", FLOW),
    t("Recon:EC2/Portscan", 5.0, Instance, "EC2 instance i-99999999 is performing outbound port scans against remote hosts.", FLOW),
    t("Trojan:EC2/DNSDataExfiltration", 8.0, Instance, "Data exfiltration through DNS queries from EC2 instance i-99999999.", DNS),
    t("UnauthorizedAccess:EC2/MaliciousIPCaller.Custom", 5.0, Instance, "EC2 instance i-99999999 is communicating with a disallowed IP address.", FLOW),
    t("UnauthorizedAccess:EC2/MetadataDNSRebind", 8.0, Instance, "EC2 instance i-99999999 is performing DNS lookups that resolve to the instance metadata service.", DNS),
    t("UnauthorizedAccess:EC2/RDPBruteForce", 2.0, Instance, "198.51.100.0 is performing RDP brute force attacks against i-99999999.", FLOW),
    t("UnauthorizedAccess:EC2/SSHBruteForce", 2.0, Instance, "198.51.100.0 is performing SSH brute force attacks against i-99999999.", FLOW),
    t("UnauthorizedAccess:EC2/TorClient", 8.0, Instance, "EC2 instance i-99999999 is communicating with Tor Entry node.", FLOW),
    t("Execution:EC2/MaliciousFile", 8.0, Instance, "Malicious file detected on EC2 instance i-99999999.", "EbsMalwareProtection"),
    t("CryptoCurrency:Runtime/BitcoinTool.B!DNS", 8.0, Instance, "A process on EC2 instance i-99999999 queried a domain associated with Bitcoin-related activity.", RUNTIME),
    t("Execution:Runtime/NewBinaryExecuted", 5.0, Instance, "A newly created or recently modified binary file was executed on EC2 instance i-99999999.", RUNTIME),
    t("CredentialAccess:IAMUser/AnomalousBehavior", 5.0, AccessKey, "The API GetPasswordData was invoked using GeneratedFindingUserName credentials in an unusual way.", TRAIL),
    t("Discovery:IAMUser/AnomalousBehavior", 2.0, AccessKey, "The API DescribeInstances was invoked using GeneratedFindingUserName credentials in an unusual way.", TRAIL),
    t("Impact:IAMUser/AnomalousBehavior", 5.0, AccessKey, "The API DeleteSecurityGroup was invoked using GeneratedFindingUserName credentials in an unusual way.", TRAIL),
    t("InitialAccess:IAMUser/AnomalousBehavior", 5.0, AccessKey, "The API StartSession was invoked using GeneratedFindingUserName credentials in an unusual way.", TRAIL),
    t("PenTest:IAMUser/KaliLinux", 5.0, AccessKey, "API ListBuckets was invoked from a Kali Linux computer.", TRAIL),
    t("Persistence:IAMUser/AnomalousBehavior", 5.0, AccessKey, "The API CreateAccessKey was invoked using GeneratedFindingUserName credentials in an unusual way.", TRAIL),
    t("Policy:IAMUser/RootCredentialUsage", 2.0, AccessKey, "API DescribeInstances was invoked using root credentials.", TRAIL),
    t("Recon:IAMUser/MaliciousIPCaller", 5.0, AccessKey, "API GetBucketPolicy was invoked from a known malicious IP address.", TRAIL),
    t("Stealth:IAMUser/CloudTrailLoggingDisabled", 2.0, AccessKey, "AWS CloudTrail trail GeneratedFindingTrailName was disabled.", TRAIL),
    t("UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B", 5.0, AccessKey, "Multiple worldwide successful console logins for GeneratedFindingUserName.", TRAIL),
    t("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS", 8.0, AccessKey, "Credentials for instance role GeneratedFindingUserName used from external IP address.", TRAIL),
    t("UnauthorizedAccess:IAMUser/MaliciousIPCaller", 5.0, AccessKey, "API GetObject was invoked from a known malicious IP address.", TRAIL),
    t("Discovery:S3/MaliciousIPCaller", 8.0, S3Bucket, "S3 API GetBucketLocation was invoked from a known malicious IP address.", S3),
    t("Exfiltration:S3/AnomalousBehavior", 8.0, S3Bucket, "An IAM entity invoked S3 GetObject API calls in an unusual way.", S3),
    t("Impact:S3/AnomalousBehavior.Delete", 8.0, S3Bucket, "An IAM entity invoked S3 DeleteObject API calls in an unusual way.", S3),
    t("PenTest:S3/KaliLinux", 5.0, S3Bucket, "S3 API ListObjects was invoked from a Kali Linux computer.", S3),
    t("Policy:S3/BucketAnonymousAccessGranted", 8.0, S3Bucket, "Amazon S3 Public Anonymous Access was granted for the S3 bucket bucketName.", TRAIL),
    t("Policy:S3/BucketBlockPublicAccessDisabled", 2.0, S3Bucket, "Amazon S3 Block Public Access was disabled for S3 bucket bucketName.", TRAIL),
    t("Stealth:S3/ServerAccessLoggingDisabled", 2.0, S3Bucket, "Amazon S3 server access logging was disabled for S3 bucket bucketName.", TRAIL),
    t("UnauthorizedAccess:S3/TorIPCaller", 5.0, S3Bucket, "S3 API GetObject was invoked from a Tor exit node IP address.", S3),
    t("Discovery:Kubernetes/SuccessfulAnonymousAccess", 5.0, EksCluster, "Kubernetes API commonly used in Discovery tactics was invoked by an unauthenticated user.", EKS),
    t("Execution:Kubernetes/ExecInKubeSystemPod", 5.0, EksCluster, "Command executed inside a pod within the kube-system namespace.", EKS),
    t("Persistence:Kubernetes/ContainerWithSensitiveMount", 5.0, EksCluster, "Container launched with a sensitive external host path mounted inside.", EKS),
    t("Policy:Kubernetes/AnonymousAccessGranted", 8.0, EksCluster, "The system:anonymous user was granted API permissions on a Kubernetes cluster.", EKS),
    t("PrivilegeEscalation:Kubernetes/PrivilegedContainer", 5.0, EksCluster, "Privileged container with root level access launched on the EKS cluster.", EKS),
    t("Backdoor:Lambda/C&CActivity.B", 8.0, Lambda, "Lambda function GeneratedFindingFunctionName is querying an IP address associated with a known command and control server.", LAMBDA),
    t("CryptoCurrency:Lambda/BitcoinTool.B", 8.0, Lambda, "Lambda function GeneratedFindingFunctionName is querying an IP address associated with cryptocurrency-related activity.", LAMBDA),
    t("CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin", 5.0, RdsDbInstance, "A user logged in to database instance GeneratedFindingDBInstanceId in an unusual way.", RDS),
    t("CredentialAccess:RDS/MaliciousIPCaller.SuccessfulLogin", 8.0, RdsDbInstance, "A known malicious IP address successfully logged in to database instance GeneratedFindingDBInstanceId.", RDS),
    t("Discovery:RDS/MaliciousIPCaller", 5.0, RdsDbInstance, "A known malicious IP address probed database instance GeneratedFindingDBInstanceId.", RDS),
];

pub fn finding_type(name: &str) -> Option<&'static FindingType> {
    FINDING_TYPES.iter().find(|t| t.name == name)
}

fn remote_ip() -> Value {
    json!({
        "ipAddressV4": "198.51.100.0",
        "organization": {"asn": "-1", "asnOrg": "GeneratedFindingASNOrg", "isp": "GeneratedFindingISP", "org": "GeneratedFindingORG"},
        "country": {"countryName": "GeneratedFindingCountryName"},
        "city": {"cityName": "GeneratedFindingCityName"},
        "geoLocation": {"lat": 0, "lon": 0},
    })
}

fn resource(kind: ResourceKind, account: &str, region: &str) -> Value {
    match kind {
        Instance => json!({
            "resourceType": "Instance",
            "instanceDetails": {
                "instanceId": "i-99999999",
                "instanceType": "m3.xlarge",
                "instanceState": "running",
                "availabilityZone": format!("{region}a"),
                "imageId": "ami-99999999",
                "imageDescription": "GeneratedFindingInstanceImageDescription",
                "launchTime": "2016-08-02T02:05:06.000Z",
                "platform": null,
                "iamInstanceProfile": {"arn": format!("arn:aws:iam::{account}:example/instance/profile"), "id": "GeneratedFindingInstanceProfileId"},
                "networkInterfaces": [{
                    "networkInterfaceId": "eni-abcdef00",
                    "privateIpAddress": "10.0.0.1",
                    "privateDnsName": "GeneratedFindingPrivateDnsName",
                    "publicIp": "198.51.100.0",
                    "publicDnsName": "GeneratedFindingPublicDNSName",
                    "subnetId": "GeneratedFindingSubnetId",
                    "vpcId": "GeneratedFindingVPCId",
                    "securityGroups": [{"groupId": "GeneratedFindingSecurityId", "groupName": "GeneratedFindingSecurityGroupName"}],
                }],
                "productCodes": [],
                "tags": [{"key": "GeneratedFindingInstaceTag1", "value": "GeneratedFindingInstaceValue1"}],
            },
        }),
        AccessKey => json!({
            "resourceType": "AccessKey",
            "accessKeyDetails": {
                "accessKeyId": "ASIASZYRDUYQEXAMPLE",
                "principalId": "GeneratedFindingPrincipalId",
                "userName": "GeneratedFindingUserName",
                "userType": "IAMUser",
            },
        }),
        S3Bucket => json!({
            "resourceType": "S3Bucket",
            "accessKeyDetails": {
                "accessKeyId": "ASIASZYRDUYQEXAMPLE",
                "principalId": "GeneratedFindingPrincipalId",
                "userName": "GeneratedFindingUserName",
                "userType": "IAMUser",
            },
            "s3BucketDetails": [{
                "arn": "arn:aws:s3:::bucketName",
                "name": "bucketName",
                "type": "Destination",
                "owner": {"id": "CanonicalId of Owner"},
                "defaultServerSideEncryption": {"encryptionType": "SSEAlgorithm", "kmsMasterKeyArn": "arn:aws:kms:region:123456789012:key/key-id"},
                "tags": [{"key": "foo", "value": "bar"}],
            }],
        }),
        EksCluster => json!({
            "resourceType": "EKSCluster",
            "eksClusterDetails": {
                "name": "GeneratedFindingEKSClusterName",
                "arn": format!("arn:aws:eks:{region}:{account}:cluster/GeneratedFindingEKSClusterName"),
                "vpcId": "GeneratedFindingVPCId",
                "status": "ACTIVE",
                "tags": [],
            },
            "kubernetesDetails": {
                "kubernetesUserDetails": {"username": "system:anonymous", "uid": "", "groups": ["system:unauthenticated"]},
                "kubernetesWorkloadDetails": {"name": "GeneratedFindingWorkloadName", "type": "pods", "namespace": "kube-system"},
            },
        }),
        Lambda => json!({
            "resourceType": "Lambda",
            "lambdaDetails": {
                "functionName": "GeneratedFindingFunctionName",
                "functionArn": format!("arn:aws:lambda:{region}:{account}:function:GeneratedFindingFunctionName"),
                "functionVersion": "$LATEST",
                "role": format!("arn:aws:iam::{account}:role/GeneratedFindingLambdaRole"),
                "vpcConfig": {"vpcId": "GeneratedFindingVPCId", "subnetIds": ["GeneratedFindingSubnetId"], "securityGroups": []},
                "tags": [],
            },
        }),
        RdsDbInstance => json!({
            "resourceType": "RDSDBInstance",
            "rdsDbInstanceDetails": {
                "dbInstanceIdentifier": "GeneratedFindingDBInstanceId",
                "engine": "aurora-postgresql",
                "engineVersion": "15.2",
                "dbClusterIdentifier": "GeneratedFindingDBClusterId",
                "dbInstanceArn": format!("arn:aws:rds:{region}:{account}:db:GeneratedFindingDBInstanceId"),
                "tags": [],
            },
            "rdsDbUserDetails": {"user": "GeneratedFindingDBUser", "application": "psql", "database": "postgres", "ssl": "yes", "authMethod": "PASSWORD"},
        }),
    }
}

fn action(finding_type: &FindingType) -> Value {
    let name = finding_type.name;
    match finding_type.kind {
        Instance | Lambda if name.contains("DNS") => json!({
            "actionType": "DNS_REQUEST",
            "dnsRequestAction": {"domain": "GeneratedFindingDomainName", "protocol": "UDP", "blocked": false},
        }),
        Instance if name.contains("PortProbe") => json!({
            "actionType": "PORT_PROBE",
            "portProbeAction": {"blocked": false, "portProbeDetails": [{
                "localPortDetails": {"port": 80, "portName": "HTTP"},
                "localIpDetails": {"ipAddressV4": "10.0.0.23"},
                "remoteIpDetails": remote_ip(),
            }]},
        }),
        Instance | Lambda => json!({
            "actionType": "NETWORK_CONNECTION",
            "networkConnectionAction": {
                "connectionDirection": "OUTBOUND",
                "protocol": "TCP",
                "blocked": false,
                "localPortDetails": {"port": 39677, "portName": "Unknown"},
                "remotePortDetails": {"port": 22, "portName": "SSH"},
                "localIpDetails": {"ipAddressV4": "10.0.0.23"},
                "remoteIpDetails": remote_ip(),
            },
        }),
        AccessKey | S3Bucket => json!({
            "actionType": "AWS_API_CALL",
            "awsApiCallAction": {
                "api": "GeneratedFindingAPIName",
                "serviceName": "GeneratedFindingAPIServiceName",
                "callerType": "Remote IP",
                "remoteIpDetails": remote_ip(),
            },
        }),
        EksCluster => json!({
            "actionType": "KUBERNETES_API_CALL",
            "kubernetesApiCallAction": {"requestUri": "GeneratedFindingRequestURI", "verb": "get", "statusCode": 200, "remoteIpDetails": remote_ip()},
        }),
        RdsDbInstance => json!({
            "actionType": "RDS_LOGIN_ATTEMPT",
            "rdsLoginAttemptAction": {"remoteIpDetails": remote_ip(), "loginAttributes": [{"user": "GeneratedFindingDBUser", "application": "psql", "successfulLoginAttempts": 1, "failedLoginAttempts": 0}]},
        }),
    }
}

/// A sample finding of `finding_type` in the detector's account and region.
pub fn sample(
    finding_type: &FindingType,
    id: String,
    account: &str,
    region: &str,
    detector_id: &str,
    now: i64,
) -> Finding {
    Finding {
        id,
        account_id: account.to_string(),
        region: region.to_string(),
        detector_id: detector_id.to_string(),
        finding_type: finding_type.name.to_string(),
        title: format!("[SAMPLE] {}", finding_type.title),
        description: format!(
            "This is a sample finding of type {}. {}",
            finding_type.name, finding_type.title
        ),
        severity: finding_type.severity,
        confidence: 5.0,
        created_ms: now,
        updated_ms: now,
        archived: false,
        feedback: None,
        count: 1,
        sample: true,
        resource_role: if matches!(finding_type.kind, Instance)
            && finding_type.name.contains("BruteForce")
            && finding_type.name.starts_with("UnauthorizedAccess")
        {
            "TARGET".to_string()
        } else {
            "ACTOR".to_string()
        },
        feature_name: finding_type.feature.to_string(),
        resource: resource(finding_type.kind, account, region),
        action: action(finding_type),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_unique_and_well_formed() {
        let mut names: Vec<&str> = FINDING_TYPES.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), FINDING_TYPES.len());
        for t in FINDING_TYPES {
            assert!(t.name.contains(':') && t.name.contains('/'), "{}", t.name);
            assert!([2.0, 5.0, 8.0].contains(&t.severity));
        }
        let f = sample(
            finding_type("Recon:EC2/PortProbeUnprotectedPort").unwrap(),
            "x".into(),
            "1",
            "r",
            "d",
            0,
        );
        assert!(f.title.starts_with("[SAMPLE] "));
        assert_eq!(f.action["actionType"], "PORT_PROBE");
    }
}
