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
const MALWARE: &str = "EbsMalwareProtection";
const S3_MALWARE: &str = "S3MalwareProtection";
const SEQUENCE: &str = "AttackSequence";

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
    // The rest of AWS's active finding types (GuardDuty User Guide, "GuardDuty finding
    // types"), each with its default severity.
    t("Backdoor:EC2/C&CActivity.B", 8.0, Instance, "Backdoor activity (C&CActivity B) detected for EC2 instance i-99999999.", FLOW),
    t("Backdoor:EC2/DenialOfService.Dns", 8.0, Instance, "Backdoor activity (Denial Of Service Dns) detected for EC2 instance i-99999999.", FLOW),
    t("Backdoor:EC2/DenialOfService.Udp", 8.0, Instance, "Backdoor activity (Denial Of Service Udp) detected for EC2 instance i-99999999.", FLOW),
    t("Backdoor:EC2/DenialOfService.UdpOnTcpPorts", 8.0, Instance, "Backdoor activity (Denial Of Service Udp On Tcp Ports) detected for EC2 instance i-99999999.", FLOW),
    t("Backdoor:EC2/DenialOfService.UnusualProtocol", 8.0, Instance, "Backdoor activity (Denial Of Service Unusual Protocol) detected for EC2 instance i-99999999.", FLOW),
    t("CryptoCurrency:EC2/BitcoinTool.B", 8.0, Instance, "Crypto Currency activity (Bitcoin Tool B) detected for EC2 instance i-99999999.", FLOW),
    t("DefenseEvasion:EC2/UnusualDNSResolver", 5.0, Instance, "Defense Evasion activity (Unusual DNSResolver) detected for EC2 instance i-99999999.", FLOW),
    t("DefenseEvasion:EC2/UnusualDoHActivity", 5.0, Instance, "Defense Evasion activity (Unusual Do HActivity) detected for EC2 instance i-99999999.", FLOW),
    t("DefenseEvasion:EC2/UnusualDoTActivity", 5.0, Instance, "Defense Evasion activity (Unusual Do TActivity) detected for EC2 instance i-99999999.", FLOW),
    t("Impact:EC2/AbusedDomainRequest.Reputation", 5.0, Instance, "Impact activity (Abused Domain Request Reputation) detected for EC2 instance i-99999999.", FLOW),
    t("Impact:EC2/BitcoinDomainRequest.Reputation", 8.0, Instance, "Impact activity (Bitcoin Domain Request Reputation) detected for EC2 instance i-99999999.", FLOW),
    t("Impact:EC2/MaliciousDomainRequest.Reputation", 8.0, Instance, "Impact activity (Malicious Domain Request Reputation) detected for EC2 instance i-99999999.", FLOW),
    t("Impact:EC2/SuspiciousDomainRequest.Reputation", 2.0, Instance, "Impact activity (Suspicious Domain Request Reputation) detected for EC2 instance i-99999999.", FLOW),
    t("Recon:EC2/PortProbeEMRUnprotectedPort", 8.0, Instance, "Recon activity (Port Probe EMRUnprotected Port) detected for EC2 instance i-99999999.", FLOW),
    t("Trojan:EC2/BlackholeTraffic", 5.0, Instance, "Trojan activity (Blackhole Traffic) detected for EC2 instance i-99999999.", FLOW),
    t("Trojan:EC2/BlackholeTraffic!DNS", 5.0, Instance, "Trojan activity (Blackhole Traffic (DNS)) detected for EC2 instance i-99999999.", DNS),
    t("Trojan:EC2/DGADomainRequest.B", 8.0, Instance, "Trojan activity (DGADomain Request B) detected for EC2 instance i-99999999.", FLOW),
    t("Trojan:EC2/DGADomainRequest.C!DNS", 8.0, Instance, "Trojan activity (DGADomain Request C (DNS)) detected for EC2 instance i-99999999.", DNS),
    t("Trojan:EC2/DriveBySourceTraffic!DNS", 5.0, Instance, "Trojan activity (Drive By Source Traffic (DNS)) detected for EC2 instance i-99999999.", DNS),
    t("Trojan:EC2/DropPoint", 5.0, Instance, "Trojan activity (Drop Point) detected for EC2 instance i-99999999.", FLOW),
    t("Trojan:EC2/DropPoint!DNS", 8.0, Instance, "Trojan activity (Drop Point (DNS)) detected for EC2 instance i-99999999.", DNS),
    t("Trojan:EC2/PhishingDomainRequest!DNS", 8.0, Instance, "Trojan activity (Phishing Domain Request (DNS)) detected for EC2 instance i-99999999.", DNS),
    t("UnauthorizedAccess:EC2/TorRelay", 8.0, Instance, "Unauthorized Access activity (Tor Relay) detected for EC2 instance i-99999999.", FLOW),
    t("CryptoCurrency:Runtime/BitcoinTool.B", 8.0, Instance, "Crypto Currency activity (Bitcoin Tool B) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Backdoor:Runtime/C&CActivity.B", 8.0, Instance, "Backdoor activity (C&CActivity B) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("UnauthorizedAccess:Runtime/TorRelay", 8.0, Instance, "Unauthorized Access activity (Tor Relay) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("UnauthorizedAccess:Runtime/TorClient", 8.0, Instance, "Unauthorized Access activity (Tor Client) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/BlackholeTraffic", 5.0, Instance, "Trojan activity (Blackhole Traffic) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/DropPoint", 5.0, Instance, "Trojan activity (Drop Point) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Backdoor:Runtime/C&CActivity.B!DNS", 8.0, Instance, "Backdoor activity (C&CActivity B (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/BlackholeTraffic!DNS", 5.0, Instance, "Trojan activity (Blackhole Traffic (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/DropPoint!DNS", 8.0, Instance, "Trojan activity (Drop Point (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/DGADomainRequest.C!DNS", 8.0, Instance, "Trojan activity (DGADomain Request C (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/DriveBySourceTraffic!DNS", 5.0, Instance, "Trojan activity (Drive By Source Traffic (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Trojan:Runtime/PhishingDomainRequest!DNS", 8.0, Instance, "Trojan activity (Phishing Domain Request (DNS)) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Impact:Runtime/AbusedDomainRequest.Reputation", 5.0, Instance, "Impact activity (Abused Domain Request Reputation) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Impact:Runtime/BitcoinDomainRequest.Reputation", 8.0, Instance, "Impact activity (Bitcoin Domain Request Reputation) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Impact:Runtime/MaliciousDomainRequest.Reputation", 8.0, Instance, "Impact activity (Malicious Domain Request Reputation) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Impact:Runtime/SuspiciousDomainRequest.Reputation", 2.0, Instance, "Impact activity (Suspicious Domain Request Reputation) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("UnauthorizedAccess:Runtime/MetadataDNSRebind", 8.0, Instance, "Unauthorized Access activity (Metadata DNSRebind) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/DockerSocketAccessed", 5.0, Instance, "Privilege Escalation activity (Docker Socket Accessed) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/RuncContainerEscape", 8.0, Instance, "Privilege Escalation activity (Runc Container Escape) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/CGroupsReleaseAgentModified", 8.0, Instance, "Privilege Escalation activity (CGroups Release Agent Modified) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/ProcessInjection.Proc", 8.0, Instance, "Defense Evasion activity (Process Injection Proc) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/ProcessInjection.Ptrace", 5.0, Instance, "Defense Evasion activity (Process Injection Ptrace) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/ProcessInjection.VirtualMemoryWrite", 8.0, Instance, "Defense Evasion activity (Process Injection Virtual Memory Write) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/ReverseShell", 8.0, Instance, "Execution activity (Reverse Shell) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/FilelessExecution", 5.0, Instance, "Defense Evasion activity (Fileless Execution) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Impact:Runtime/CryptoMinerExecuted", 8.0, Instance, "Impact activity (Crypto Miner Executed) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/NewLibraryLoaded", 5.0, Instance, "Execution activity (New Library Loaded) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/ContainerMountsHostDirectory", 5.0, Instance, "Privilege Escalation activity (Container Mounts Host Directory) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/UserfaultfdUsage", 5.0, Instance, "Privilege Escalation activity (Userfaultfd Usage) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/SuspiciousTool", 5.0, Instance, "Execution activity (Suspicious Tool) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/SuspiciousCommand", 5.0, Instance, "Execution activity (Suspicious Command) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/SuspiciousCommand", 5.0, Instance, "Defense Evasion activity (Suspicious Command) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:Runtime/PtraceAntiDebugging", 2.0, Instance, "Defense Evasion activity (Ptrace Anti Debugging) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/MaliciousFileExecuted", 8.0, Instance, "Execution activity (Malicious File Executed) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Execution:Runtime/SuspiciousShellCreated", 2.0, Instance, "Execution activity (Suspicious Shell Created) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/ElevationToRoot", 5.0, Instance, "Privilege Escalation activity (Elevation To Root) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Discovery:Runtime/SuspiciousCommand", 2.0, Instance, "Discovery activity (Suspicious Command) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("Persistence:Runtime/SuspiciousCommand", 5.0, Instance, "Persistence activity (Suspicious Command) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("PrivilegeEscalation:Runtime/SuspiciousCommand", 5.0, Instance, "Privilege Escalation activity (Suspicious Command) detected for a process on EC2 instance i-99999999.", RUNTIME),
    t("DefenseEvasion:IAMUser/AnomalousBehavior", 5.0, AccessKey, "Defense Evasion activity (Anomalous Behavior) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("Exfiltration:IAMUser/AnomalousBehavior", 8.0, AccessKey, "Exfiltration activity (Anomalous Behavior) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("PenTest:IAMUser/ParrotLinux", 5.0, AccessKey, "Pen Test activity (Parrot Linux) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("PenTest:IAMUser/PentooLinux", 5.0, AccessKey, "Pen Test activity (Pentoo Linux) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("PrivilegeEscalation:IAMUser/AnomalousBehavior", 5.0, AccessKey, "Privilege Escalation activity (Anomalous Behavior) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("Recon:IAMUser/MaliciousIPCaller.Custom", 5.0, AccessKey, "Recon activity (Malicious IPCaller Custom) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("Recon:IAMUser/TorIPCaller", 5.0, AccessKey, "Recon activity (Tor IPCaller) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("Stealth:IAMUser/PasswordPolicyChange", 2.0, AccessKey, "Stealth activity (Password Policy Change) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS", 8.0, AccessKey, "Unauthorized Access activity (Instance Credential Exfiltration Inside AWS) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom", 5.0, AccessKey, "Unauthorized Access activity (Malicious IPCaller Custom) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("UnauthorizedAccess:IAMUser/TorIPCaller", 5.0, AccessKey, "Unauthorized Access activity (Tor IPCaller) detected for credentials of GeneratedFindingUserName.", TRAIL),
    t("CredentialAccess:Kubernetes/MaliciousIPCaller", 8.0, EksCluster, "Credential Access activity (Malicious IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("CredentialAccess:Kubernetes/MaliciousIPCaller.Custom", 8.0, EksCluster, "Credential Access activity (Malicious IPCaller Custom) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("CredentialAccess:Kubernetes/SuccessfulAnonymousAccess", 5.0, EksCluster, "Credential Access activity (Successful Anonymous Access) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("CredentialAccess:Kubernetes/TorIPCaller", 8.0, EksCluster, "Credential Access activity (Tor IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("DefenseEvasion:Kubernetes/MaliciousIPCaller", 8.0, EksCluster, "Defense Evasion activity (Malicious IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("DefenseEvasion:Kubernetes/MaliciousIPCaller.Custom", 8.0, EksCluster, "Defense Evasion activity (Malicious IPCaller Custom) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("DefenseEvasion:Kubernetes/SuccessfulAnonymousAccess", 2.0, EksCluster, "Defense Evasion activity (Successful Anonymous Access) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("DefenseEvasion:Kubernetes/TorIPCaller", 8.0, EksCluster, "Defense Evasion activity (Tor IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Discovery:Kubernetes/MaliciousIPCaller", 5.0, EksCluster, "Discovery activity (Malicious IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Discovery:Kubernetes/MaliciousIPCaller.Custom", 5.0, EksCluster, "Discovery activity (Malicious IPCaller Custom) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Discovery:Kubernetes/TorIPCaller", 5.0, EksCluster, "Discovery activity (Tor IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Impact:Kubernetes/MaliciousIPCaller", 8.0, EksCluster, "Impact activity (Malicious IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Impact:Kubernetes/MaliciousIPCaller.Custom", 8.0, EksCluster, "Impact activity (Malicious IPCaller Custom) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Impact:Kubernetes/SuccessfulAnonymousAccess", 8.0, EksCluster, "Impact activity (Successful Anonymous Access) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Impact:Kubernetes/TorIPCaller", 8.0, EksCluster, "Impact activity (Tor IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Persistence:Kubernetes/MaliciousIPCaller", 8.0, EksCluster, "Persistence activity (Malicious IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Persistence:Kubernetes/MaliciousIPCaller.Custom", 8.0, EksCluster, "Persistence activity (Malicious IPCaller Custom) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Persistence:Kubernetes/SuccessfulAnonymousAccess", 8.0, EksCluster, "Persistence activity (Successful Anonymous Access) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Persistence:Kubernetes/TorIPCaller", 5.0, EksCluster, "Persistence activity (Tor IPCaller) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Policy:Kubernetes/AdminAccessToDefaultServiceAccount", 8.0, EksCluster, "Policy activity (Admin Access To Default Service Account) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Policy:Kubernetes/ExposedDashboard", 5.0, EksCluster, "Policy activity (Exposed Dashboard) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Policy:Kubernetes/KubeflowDashboardExposed", 5.0, EksCluster, "Policy activity (Kubeflow Dashboard Exposed) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed", 5.0, EksCluster, "Credential Access activity (Anomalous Behavior Secrets Accessed) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated", 5.0, EksCluster, "Privilege Escalation activity (Anomalous Behavior Role Binding Created) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Execution:Kubernetes/AnomalousBehavior.ExecInPod", 5.0, EksCluster, "Execution activity (Anomalous Behavior Exec In Pod) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!PrivilegedContainer", 8.0, EksCluster, "Privilege Escalation activity (Anomalous Behavior Workload Deployed Privileged Container) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount", 8.0, EksCluster, "Privilege Escalation activity (Anomalous Behavior Workload Deployed Container With Sensitive Mount) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed", 2.0, EksCluster, "Execution activity (Anomalous Behavior Workload Deployed) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleCreated", 2.0, EksCluster, "Privilege Escalation activity (Anomalous Behavior Role Created) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Discovery:Kubernetes/AnomalousBehavior.PermissionChecked", 2.0, EksCluster, "Discovery activity (Anomalous Behavior Permission Checked) detected for EKS cluster GeneratedFindingEKSClusterName.", EKS),
    t("Trojan:Lambda/BlackholeTraffic", 5.0, Lambda, "Trojan activity (Blackhole Traffic) detected for Lambda function GeneratedFindingFunctionName.", LAMBDA),
    t("Trojan:Lambda/DropPoint", 5.0, Lambda, "Trojan activity (Drop Point) detected for Lambda function GeneratedFindingFunctionName.", LAMBDA),
    t("UnauthorizedAccess:Lambda/MaliciousIPCaller.Custom", 5.0, Lambda, "Unauthorized Access activity (Malicious IPCaller Custom) detected for Lambda function GeneratedFindingFunctionName.", LAMBDA),
    t("UnauthorizedAccess:Lambda/TorClient", 8.0, Lambda, "Unauthorized Access activity (Tor Client) detected for Lambda function GeneratedFindingFunctionName.", LAMBDA),
    t("UnauthorizedAccess:Lambda/TorRelay", 8.0, Lambda, "Unauthorized Access activity (Tor Relay) detected for Lambda function GeneratedFindingFunctionName.", LAMBDA),
    t("Execution:ECS/MaliciousFile", 8.0, Instance, "Execution activity (Malicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:Kubernetes/MaliciousFile", 8.0, Instance, "Execution activity (Malicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:Container/MaliciousFile", 8.0, Instance, "Execution activity (Malicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:EC2/SuspiciousFile", 5.0, Instance, "Execution activity (Suspicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:ECS/SuspiciousFile", 5.0, Instance, "Execution activity (Suspicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:Kubernetes/SuspiciousFile", 5.0, Instance, "Execution activity (Suspicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:Container/SuspiciousFile", 5.0, Instance, "Execution activity (Suspicious File) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:EC2/MaliciousFile!AMI", 8.0, Instance, "Execution activity (Malicious File AMI) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:EC2/MaliciousFile!Snapshot", 8.0, Instance, "Execution activity (Malicious File Snapshot) detected for EC2 instance i-99999999.", MALWARE),
    t("Execution:EC2/MaliciousFile!RecoveryPoint", 8.0, Instance, "Execution activity (Malicious File Recovery Point) detected for EC2 instance i-99999999.", MALWARE),
    t("Object:S3/MaliciousFile", 8.0, S3Bucket, "Object activity (Malicious File) detected for S3 bucket bucketName.", S3_MALWARE),
    t("Execution:S3/MaliciousFile!RecoveryPoint", 8.0, S3Bucket, "Execution activity (Malicious File Recovery Point) detected for S3 bucket bucketName.", S3_MALWARE),
    t("CredentialAccess:RDS/AnomalousBehavior.FailedLogin", 2.0, RdsDbInstance, "Credential Access activity (Anomalous Behavior Failed Login) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce", 8.0, RdsDbInstance, "Credential Access activity (Anomalous Behavior Successful Brute Force) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("CredentialAccess:RDS/MaliciousIPCaller.FailedLogin", 5.0, RdsDbInstance, "Credential Access activity (Malicious IPCaller Failed Login) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("CredentialAccess:RDS/TorIPCaller.SuccessfulLogin", 8.0, RdsDbInstance, "Credential Access activity (Tor IPCaller Successful Login) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("CredentialAccess:RDS/TorIPCaller.FailedLogin", 5.0, RdsDbInstance, "Credential Access activity (Tor IPCaller Failed Login) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("Discovery:RDS/TorIPCaller", 5.0, RdsDbInstance, "Discovery activity (Tor IPCaller) detected for database instance GeneratedFindingDBInstanceId.", RDS),
    t("Discovery:S3/AnomalousBehavior", 2.0, S3Bucket, "Discovery activity (Anomalous Behavior) detected for S3 bucket bucketName.", S3),
    t("Discovery:S3/MaliciousIPCaller.Custom", 8.0, S3Bucket, "Discovery activity (Malicious IPCaller Custom) detected for S3 bucket bucketName.", S3),
    t("Discovery:S3/TorIPCaller", 5.0, S3Bucket, "Discovery activity (Tor IPCaller) detected for S3 bucket bucketName.", S3),
    t("Exfiltration:S3/MaliciousIPCaller", 8.0, S3Bucket, "Exfiltration activity (Malicious IPCaller) detected for S3 bucket bucketName.", S3),
    t("Impact:S3/AnomalousBehavior.Permission", 8.0, S3Bucket, "Impact activity (Anomalous Behavior Permission) detected for S3 bucket bucketName.", S3),
    t("Impact:S3/AnomalousBehavior.Write", 5.0, S3Bucket, "Impact activity (Anomalous Behavior Write) detected for S3 bucket bucketName.", S3),
    t("Impact:S3/MaliciousIPCaller", 8.0, S3Bucket, "Impact activity (Malicious IPCaller) detected for S3 bucket bucketName.", S3),
    t("PenTest:S3/ParrotLinux", 5.0, S3Bucket, "Pen Test activity (Parrot Linux) detected for S3 bucket bucketName.", S3),
    t("PenTest:S3/PentooLinux", 5.0, S3Bucket, "Pen Test activity (Pentoo Linux) detected for S3 bucket bucketName.", S3),
    t("UnauthorizedAccess:S3/MaliciousIPCaller.Custom", 8.0, S3Bucket, "Unauthorized Access activity (Malicious IPCaller Custom) detected for S3 bucket bucketName.", S3),
    t("Policy:S3/AccountBlockPublicAccessDisabled", 2.0, S3Bucket, "Policy activity (Account Block Public Access Disabled) detected for S3 bucket bucketName.", TRAIL),
    t("Policy:S3/BucketPublicAccessGranted", 8.0, S3Bucket, "Policy activity (Bucket Public Access Granted) detected for S3 bucket bucketName.", TRAIL),
    t("AttackSequence:IAM/CompromisedCredentials", 9.0, AccessKey, "Attack Sequence activity (Compromised Credentials) detected for credentials of GeneratedFindingUserName.", SEQUENCE),
    t("AttackSequence:S3/CompromisedData", 9.0, S3Bucket, "Attack Sequence activity (Compromised Data) detected for S3 bucket bucketName.", SEQUENCE),
    t("AttackSequence:EKS/CompromisedCluster", 9.0, EksCluster, "Attack Sequence activity (Compromised Cluster) detected for EKS cluster GeneratedFindingEKSClusterName.", SEQUENCE),
    t("AttackSequence:ECS/CompromisedCluster", 9.0, Instance, "Attack Sequence activity (Compromised Cluster) detected for ECS cluster GeneratedFindingECSClusterName.", SEQUENCE),
    t("AttackSequence:EC2/CompromisedInstanceGroup", 9.0, Instance, "Attack Sequence activity (Compromised Instance Group) detected for a group of EC2 instances.", SEQUENCE),
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
            // Attack sequences are Critical; the rest Low, Medium or High.
            if t.name.starts_with("AttackSequence:") {
                assert_eq!(t.severity, 9.0, "{}", t.name);
            } else {
                assert!([2.0, 5.0, 8.0].contains(&t.severity), "{}", t.name);
            }
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

    #[test]
    fn every_documented_family_is_known() {
        // The AWS CLI's own CreateSampleFindings example, and one type of each page of
        // the user guide's finding types.
        for name in [
            "UnauthorizedAccess:EC2/TorRelay",
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS",
            "Impact:S3/AnomalousBehavior.Write",
            "Policy:Kubernetes/ExposedDashboard",
            "Execution:Runtime/ReverseShell",
            "Execution:ECS/MaliciousFile",
            "Object:S3/MaliciousFile",
            "Execution:EC2/MaliciousFile!Snapshot",
            "CredentialAccess:RDS/TorIPCaller.FailedLogin",
            "UnauthorizedAccess:Lambda/TorRelay",
            "AttackSequence:S3/CompromisedData",
        ] {
            assert!(finding_type(name).is_some(), "{name}");
        }
        assert!(FINDING_TYPES.len() > 180);
    }
}
