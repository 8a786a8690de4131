//! Seeds the benchmark's organization through the API, as a user's script would.

use serde_json::json;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::api::ServiceId;
use crate::client::{Client, Signer};

/// What the workloads need to know about the seeded organization.
pub struct Seeded {
    pub management: Signer,
    pub accounts: Vec<String>,
    pub ous: Vec<String>,
    /// Distinguishes this run's names from an earlier run's on the same server.
    pub run_id: String,
    pub elapsed: Duration,
    /// The member whose calls the `scp-checked` workload makes, once its SCPs are seeded.
    pub scp_member: Option<Signer>,
    /// A role session in that member for the `iam-principal` workload.
    pub iam_principal: Option<Signer>,
    /// The `cost-and-usage` workload's window (start, end dates), once seeded.
    pub cost_window: Option<(String, String)>,
}

/// Workers creating accounts at once: under AWS's limit of 5 creations in progress.
const CREATORS: usize = 4;

pub async fn seed(
    client: &Client,
    url: &str,
    accounts: usize,
    ous: usize,
) -> Result<Seeded, String> {
    let started = Instant::now();
    // A management account of its own, so runs against a shared server never collide.
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let run_id = format!("{:011}", nanos % 100_000_000_000);
    let management = Signer::new(&format!("9{run_id}"), "us-east-1");
    let call = |operation: &'static str, input: serde_json::Value| {
        let management = management.clone();
        async move {
            client
                .call(&management, ServiceId::Organizations, operation, &input)
                .await
                .map_err(|e| format!("seeding {operation} at {url}: {e}"))
        }
    };
    call("CreateOrganization", json!({})).await?;
    let roots = call("ListRoots", json!({})).await?;
    let root = roots["Roots"][0]["Id"]
        .as_str()
        .ok_or("no root")?
        .to_string();
    let mut ou_ids = Vec::new();
    for i in 0..ous.max(1) {
        let ou = call(
            "CreateOrganizationalUnit",
            json!({"ParentId": root, "Name": format!("Workloads-{i}")}),
        )
        .await?;
        ou_ids.push(
            ou["OrganizationalUnit"]["Id"]
                .as_str()
                .ok_or("no OU id")?
                .to_string(),
        );
    }

    let mut workers = Vec::new();
    for worker in 0..CREATORS {
        let client = client.clone();
        let management = management.clone();
        let run_id = run_id.clone();
        let root = root.clone();
        let ou_ids = ou_ids.clone();
        workers.push(tokio::spawn(async move {
            let mut created = Vec::new();
            let mut i = worker;
            while i < accounts {
                let status = client
                    .call(
                        &management,
                        ServiceId::Organizations,
                        "CreateAccount",
                        &json!({"Email": format!("bench-{run_id}-{i}@example.com"), "AccountName": format!("Bench {i}")}),
                    )
                    .await
                    .map_err(|e| format!("CreateAccount: {e}"))?;
                let request = status["CreateAccountStatus"]["Id"].clone();
                let account = loop {
                    let done = client
                        .call(&management, ServiceId::Organizations, "DescribeCreateAccountStatus", &json!({"CreateAccountRequestId": request}))
                        .await
                        .map_err(|e| format!("DescribeCreateAccountStatus: {e}"))?;
                    let status = &done["CreateAccountStatus"];
                    match status["State"].as_str() {
                        Some("SUCCEEDED") => break status["AccountId"].as_str().unwrap_or_default().to_string(),
                        Some("FAILED") => return Err(format!("CreateAccount failed: {}", status["FailureReason"])),
                        _ => tokio::task::yield_now().await,
                    }
                };
                // Every tenth account lives in an OU, so the tree has depth.
                if i % 10 == 0 {
                    let ou = &ou_ids[(i / 10) % ou_ids.len()];
                    client
                        .call(
                            &management,
                            ServiceId::Organizations,
                            "MoveAccount",
                            &json!({"AccountId": account, "SourceParentId": root, "DestinationParentId": ou}),
                        )
                        .await
                        .map_err(|e| format!("MoveAccount: {e}"))?;
                }
                created.push(account);
                i += CREATORS;
            }
            Ok::<_, String>(created)
        }));
    }
    let mut account_ids = Vec::with_capacity(accounts);
    for worker in workers {
        account_ids.extend(worker.await.map_err(|e| e.to_string())??);
    }
    Ok(Seeded {
        management,
        accounts: account_ids,
        ous: ou_ids,
        run_id,
        elapsed: started.elapsed(),
        scp_member: None,
        iam_principal: None,
        cost_window: None,
    })
}

/// SCPs on one member's path for the `scp-checked` workload: five distinct policies
/// (FullAWSAccess and four guardrails with conditions, as a landing zone has them),
/// seven attachments from the root down to the account. Returns the member.
pub async fn seed_scps(client: &Client, seeded: &Seeded) -> Result<String, String> {
    let management = &seeded.management;
    let call = |operation: &'static str, input: serde_json::Value| async move {
        client
            .call(management, ServiceId::Organizations, operation, &input)
            .await
            .map_err(|e| format!("seeding SCPs, {operation}: {e}"))
    };
    let roots = call("ListRoots", json!({})).await?;
    let root = roots["Roots"][0]["Id"]
        .as_str()
        .ok_or("no root")?
        .to_string();
    let enabled = roots["Roots"][0]["PolicyTypes"]
        .as_array()
        .is_some_and(|types| types.iter().any(|t| t["Type"] == "SERVICE_CONTROL_POLICY"));
    if !enabled {
        call(
            "EnablePolicyType",
            json!({"RootId": root, "PolicyType": "SERVICE_CONTROL_POLICY"}),
        )
        .await?;
    }
    let ou = seeded.ous.first().ok_or("no OU")?;
    let in_ou = call("ListAccountsForParent", json!({"ParentId": ou})).await?;
    let member = in_ou["Accounts"][0]["Id"]
        .as_str()
        .ok_or("no account in the first OU (seed at least one account)")?
        .to_string();
    let guardrails = [
        (
            "RegionGuard",
            &root,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideRegions","Effect":"Deny","NotAction":["iam:*","organizations:*","sts:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]},"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/PlatformAdmin"}}}]}"#,
        ),
        (
            "ProtectSecurityServices",
            ou,
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"ProtectSecurity","Effect":"Deny","Action":["guardduty:Delete*","guardduty:Disassociate*","guardduty:UpdateDetector","securityhub:Disable*","config:Delete*","config:Stop*"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/SecurityAdmin","arn:aws:iam::*:role/PlatformAdmin"]}}}]}"#,
        ),
        (
            "StayInOrganization",
            ou,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#,
        ),
        (
            "ProtectAccessRole",
            &member,
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["iam:*Role*","iam:*Policy*"],"Resource":"arn:aws:iam::*:role/OrganizationAccountAccessRole","Condition":{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/PlatformAdmin"}}}]}"#,
        ),
    ];
    for (name, target, content) in guardrails {
        let created = call(
            "CreatePolicy",
            json!({"Name": format!("{name}-{}", seeded.run_id), "Description": "bench guardrail",
                   "Type": "SERVICE_CONTROL_POLICY", "Content": content}),
        )
        .await?;
        let id = created["Policy"]["PolicySummary"]["Id"].clone();
        call("AttachPolicy", json!({"PolicyId": id, "TargetId": target})).await?;
    }
    Ok(member)
}

/// The `iam-principal` workload's caller: in the SCP-guarded member, a role with three
/// managed policies (AWS's ReadOnlyAccess and two customer managed ones, one with a
/// conditional deny), assumed from the management account. Returns its session.
pub async fn seed_iam_principal(
    client: &Client,
    seeded: &Seeded,
    member: &str,
) -> Result<Signer, String> {
    let management = &seeded.management;
    let access = client
        .call(
            management,
            ServiceId::Sts,
            "AssumeRole",
            &json!({"RoleArn": format!("arn:aws:iam::{member}:role/OrganizationAccountAccessRole"),
                    "RoleSessionName": "bench-setup"}),
        )
        .await
        .map_err(|e| format!("seeding the IAM principal, AssumeRole: {e}"))?;
    let admin = Signer::from_sts_credentials(&access["Credentials"], "us-east-1")
        .ok_or("AssumeRole gave no credentials")?;
    let call = |operation: &'static str, input: serde_json::Value| {
        let admin = admin.clone();
        async move {
            client
                .call(&admin, ServiceId::Iam, operation, &input)
                .await
                .map_err(|e| format!("seeding the IAM principal, {operation}: {e}"))
        }
    };
    let role = format!("BenchOperator-{}", seeded.run_id);
    let management_id = management.access_key_id.clone();
    call(
        "CreateRole",
        json!({"RoleName": role, "AssumeRolePolicyDocument": format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{management_id}:root"}},"Action":"sts:AssumeRole"}}]}}"#)}),
    )
    .await?;
    let customer = [
        (
            "GuardDutyOperator",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["guardduty:Get*","guardduty:List*","guardduty:Describe*"],"Resource":"*"},{"Sid":"Findings","Effect":"Allow","Action":["guardduty:ArchiveFindings","guardduty:UnarchiveFindings","guardduty:UpdateFindingsFeedback"],"Resource":"arn:aws:guardduty:*:*:detector/*"}]}"#,
        ),
        (
            "DenyOutsideRegions",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Regions","Effect":"Deny","NotAction":["iam:*","sts:*","organizations:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}},{"Sid":"NoKeys","Effect":"Deny","Action":["iam:CreateAccessKey","iam:CreateLoginProfile"],"Resource":"*"}]}"#,
        ),
    ];
    let mut arns = vec!["arn:aws:iam::aws:policy/ReadOnlyAccess".to_string()];
    for (name, document) in customer {
        let created = call(
            "CreatePolicy",
            json!({"PolicyName": format!("{name}-{}", seeded.run_id), "PolicyDocument": document}),
        )
        .await?;
        arns.push(
            created["Policy"]["Arn"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    for arn in &arns {
        call(
            "AttachRolePolicy",
            json!({"RoleName": role, "PolicyArn": arn}),
        )
        .await?;
    }
    let session = client
        .call(
            management,
            ServiceId::Sts,
            "AssumeRole",
            &json!({"RoleArn": format!("arn:aws:iam::{member}:role/{role}"),
                    "RoleSessionName": "bench"}),
        )
        .await
        .map_err(|e| format!("seeding the IAM principal, AssumeRole: {e}"))?;
    Signer::from_sts_credentials(&session["Credentials"], "us-east-1")
        .ok_or_else(|| "AssumeRole gave no credentials".to_string())
}
