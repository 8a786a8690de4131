//! Integrated products: DescribeProducts, EnableImportFindingsForProduct,
//! ListEnabledProductsForImport, DisableImportFindingsForProduct. AWS's own
//! integrations (GuardDuty among them) are subscribed when a hub is enabled.

use imbl::OrdMap;
use serde::{Deserialize, Serialize};

use super::errors::ShError;
use super::{own_hub, page, Empty};
use crate::auth::Caller;
use crate::services::pagination::{encode_token, take_page};
use crate::world::World;

/// One product: AWS's service integrations, which send findings as soon as the hub is on,
/// and the partner products that run in the customer's account and import findings there
/// once the account has subscribed (`EnableImportFindingsForProduct`), as Prowler does.
pub struct ProductInfo {
    /// `<company>/<product>` after `product/` (`aws/guardduty`, `prowler/prowler`).
    pub path: &'static str,
    pub name: &'static str,
    pub company: &'static str,
    pub description: &'static str,
    pub categories: &'static [&'static str],
    pub integration_types: &'static [&'static str],
}

pub const PRODUCTS: &[ProductInfo] = &[
    ProductInfo {
        path: "aws/access-analyzer",
        name: "IAM Access Analyzer",
        description: "AWS IAM Access Analyzer helps you identify resources shared with an external entity.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "aws/config",
        name: "Config",
        description: "AWS Config evaluates the configuration of your AWS resources against rules.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "aws/guardduty",
        name: "GuardDuty",
        description: "Amazon GuardDuty is a threat detection service that continuously monitors for malicious activity and unauthorized behavior.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "aws/inspector",
        name: "Inspector",
        description: "Amazon Inspector scans workloads for software vulnerabilities and unintended network exposure.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "aws/macie",
        name: "Macie",
        description: "Amazon Macie discovers sensitive data and assesses the security of Amazon S3 buckets.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "aws/securityhub",
        name: "Security Hub",
        description: "AWS Security Hub runs automated security checks (controls) against your resources.",
        company: "Amazon",
        categories: &["AWS Service"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB", "UPDATE_FINDINGS_IN_SECURITY_HUB"],
    },
    ProductInfo {
        path: "cloud-custodian/cloud-custodian",
        name: "Cloud Custodian",
        description: "Cloud Custodian is an open source rules engine for managing cloud resources against policies; it sends the resources a policy matches as findings.",
        company: "Cloud Custodian",
        categories: &["Management Tools"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
    ProductInfo {
        path: "prowler/prowler",
        name: "Prowler",
        description: "Prowler is an open source security tool that runs AWS security best practices assessments and sends its findings to Security Hub.",
        company: "Prowler",
        categories: &["Compliance"],
        integration_types: &["SEND_FINDINGS_TO_SECURITY_HUB"],
    },
];

pub fn product_arn(region: &str, path: &str) -> String {
    format!("arn:aws:securityhub:{region}::product/{path}")
}

pub fn subscription_arn(region: &str, account: &str, path: &str) -> String {
    format!("arn:aws:securityhub:{region}:{account}:product-subscription/{path}")
}

/// The product an ARN names in `region`.
impl ProductInfo {
    pub fn is_aws(&self) -> bool {
        self.path.starts_with("aws/")
    }
}

pub fn product(arn: &str, region: &str) -> Option<&'static ProductInfo> {
    PRODUCTS.iter().find(|p| product_arn(region, p.path) == arn)
}

/// AWS integrations send findings as soon as Security Hub is on; partners wait for a
/// subscription.
pub fn default_product_subscriptions(region: &str, now: i64) -> OrdMap<String, i64> {
    PRODUCTS
        .iter()
        .filter(|p| p.is_aws())
        .map(|p| (product_arn(region, p.path), now))
        .collect()
}

/// Whether `account`'s hub in `region` imports findings of `product_arn`.
pub fn imports(world: &World, region: &str, account: &str, product_arn: &str) -> bool {
    world
        .securityhub
        .hub(region, account)
        .is_some_and(|h| h.products.contains_key(product_arn))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductsInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
    pub product_arn: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Product {
    pub product_arn: String,
    pub product_name: String,
    pub company_name: String,
    pub description: String,
    pub categories: Vec<String>,
    pub integration_types: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeProductsOutput {
    pub products: Vec<Product>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn describe_products(
    world: &mut World,
    caller: &Caller,
    input: DescribeProductsInput,
) -> Result<DescribeProductsOutput, ShError> {
    own_hub(world, caller)?;
    let listing = format!("DescribeProducts {}", caller.region);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let region = &caller.region;
    let products = PRODUCTS
        .iter()
        .filter(|p| {
            input
                .product_arn
                .as_ref()
                .is_none_or(|arn| *arn == product_arn(region, p.path))
        })
        .filter(|p| after.as_deref().is_none_or(|a| p.path > a));
    let (products, next) = take_page(products, max, |p| p.path);
    Ok(DescribeProductsOutput {
        products: products
            .into_iter()
            .map(|p| Product {
                product_arn: product_arn(region, p.path),
                product_name: p.name.to_string(),
                company_name: p.company.to_string(),
                description: p.description.to_string(),
                categories: p.categories.iter().map(|c| c.to_string()).collect(),
                integration_types: p.integration_types.iter().map(|c| c.to_string()).collect(),
            })
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableImportFindingsForProductInput {
    pub product_arn: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnableImportFindingsForProductOutput {
    pub product_subscription_arn: String,
}

pub fn enable_import_findings_for_product(
    world: &mut World,
    caller: &Caller,
    input: EnableImportFindingsForProductInput,
) -> Result<EnableImportFindingsForProductOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let product = product(&input.product_arn, &caller.region)
        .ok_or_else(|| ShError::invalid(format!("Invalid product ARN {}", input.product_arn)))?;
    if hub.products.contains_key(&input.product_arn) {
        return Err(ShError::Conflict(format!(
            "The product subscription for {} already exists",
            input.product_arn
        )));
    }
    let now = world.clock.now_ms();
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .products
        .insert(input.product_arn, now);
    Ok(EnableImportFindingsForProductOutput {
        product_subscription_arn: subscription_arn(
            &caller.region,
            &caller.account_id,
            product.path,
        ),
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DisableImportFindingsForProductInput {
    pub product_subscription_arn: String,
}

pub fn disable_import_findings_for_product(
    world: &mut World,
    caller: &Caller,
    input: DisableImportFindingsForProductInput,
) -> Result<Empty, ShError> {
    let hub = own_hub(world, caller)?;
    let product = PRODUCTS
        .iter()
        .find(|p| {
            subscription_arn(&caller.region, &caller.account_id, p.path)
                == input.product_subscription_arn
        })
        .map(|p| product_arn(&caller.region, p.path))
        .filter(|arn| hub.products.contains_key(arn))
        .ok_or_else(|| {
            ShError::not_found(format!(
                "The product subscription {} does not exist",
                input.product_subscription_arn
            ))
        })?;
    world
        .securityhub
        .hub_mut(&caller.region, &caller.account_id)
        .products
        .remove(&product);
    Ok(Empty {})
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEnabledProductsForImportInput {
    pub next_token: Option<String>,
    pub max_results: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListEnabledProductsForImportOutput {
    pub product_subscriptions: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

pub fn list_enabled_products_for_import(
    world: &mut World,
    caller: &Caller,
    input: ListEnabledProductsForImportInput,
) -> Result<ListEnabledProductsForImportOutput, ShError> {
    let hub = own_hub(world, caller)?;
    let listing = format!("ListEnabledProductsForImport {}", caller.account_id);
    let (max, after) = page(&listing, input.max_results, &input.next_token, 100, 100)?;
    let subscribed = PRODUCTS
        .iter()
        .filter(|p| {
            hub.products
                .contains_key(&product_arn(&caller.region, p.path))
        })
        .filter(|p| after.as_deref().is_none_or(|a| p.path > a));
    let (subscribed, next) = take_page(subscribed, max, |p| p.path);
    Ok(ListEnabledProductsForImportOutput {
        product_subscriptions: subscribed
            .into_iter()
            .map(|p| subscription_arn(&caller.region, &caller.account_id, p.path))
            .collect(),
        next_token: next.map(|k| encode_token(&listing, &k)),
    })
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use serde_json::json;

    #[test]
    fn guardduty_integration_is_listed_and_can_be_switched() {
        let mut w = world();
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let gd = "arn:aws:securityhub:us-east-1::product/aws/guardduty";
        let products = run_ok(&mut w, ACCT, "DescribeProducts", json!({"ProductArn": gd}));
        assert_eq!(products["Products"][0]["ProductName"], "GuardDuty");
        assert_eq!(products["Products"][0]["CompanyName"], "Amazon");
        let sub =
            format!("arn:aws:securityhub:us-east-1:{ACCT}:product-subscription/aws/guardduty");
        let enabled = run_ok(&mut w, ACCT, "ListEnabledProductsForImport", json!({}));
        assert!(enabled["ProductSubscriptions"]
            .as_array()
            .unwrap()
            .contains(&json!(sub)));
        let dup = run(
            &mut w,
            &root_caller(ACCT),
            "EnableImportFindingsForProduct",
            json!({"ProductArn": gd}),
        );
        assert_eq!(error_of(dup).0, "ResourceConflictException");
        run_ok(
            &mut w,
            ACCT,
            "DisableImportFindingsForProduct",
            json!({"ProductSubscriptionArn": sub}),
        );
        let enabled = run_ok(&mut w, ACCT, "ListEnabledProductsForImport", json!({}));
        assert!(!enabled["ProductSubscriptions"]
            .as_array()
            .unwrap()
            .contains(&json!(sub)));
        let again = run_ok(
            &mut w,
            ACCT,
            "EnableImportFindingsForProduct",
            json!({"ProductArn": gd}),
        );
        assert_eq!(again["ProductSubscriptionArn"], sub);
        let paged = run_ok(&mut w, ACCT, "DescribeProducts", json!({"MaxResults": 2}));
        assert_eq!(paged["Products"].as_array().unwrap().len(), 2);
        let rest = run_ok(
            &mut w,
            ACCT,
            "DescribeProducts",
            json!({"MaxResults": 100, "NextToken": paged["NextToken"]}),
        );
        assert_eq!(
            rest["Products"].as_array().unwrap().len(),
            super::PRODUCTS.len() - 2
        );
    }

    #[test]
    fn a_partner_product_imports_only_after_the_account_subscribes() {
        let mut w = world();
        run_ok(&mut w, ACCT, "EnableSecurityHub", json!({}));
        let prowler = "arn:aws:securityhub:us-east-1::product/prowler/prowler";
        let listed = run_ok(
            &mut w,
            ACCT,
            "DescribeProducts",
            json!({"ProductArn": prowler}),
        );
        assert_eq!(listed["Products"][0]["CompanyName"], "Prowler");
        let sub =
            format!("arn:aws:securityhub:us-east-1:{ACCT}:product-subscription/prowler/prowler");
        let enabled = run_ok(&mut w, ACCT, "ListEnabledProductsForImport", json!({}));
        assert!(!enabled["ProductSubscriptions"]
            .as_array()
            .unwrap()
            .contains(&json!(sub)));
        let finding = json!({
            "SchemaVersion": "2018-10-08",
            "Id": "prowler-iam_root_mfa_enabled-111111111111-us-east-1",
            "ProductArn": prowler,
            "GeneratorId": "prowler-iam_root_mfa_enabled",
            "AwsAccountId": ACCT,
            "Types": ["Software and Configuration Checks"],
            "CreatedAt": "2026-01-01T00:00:00Z",
            "UpdatedAt": "2026-01-01T00:00:00Z",
            "Severity": {"Label": "CRITICAL"},
            "Title": "Ensure MFA is enabled for the root account",
            "Description": "Root MFA",
            "Resources": [{"Type": "AwsAccount", "Id": format!("AWS::::Account:{ACCT}")}]
        });
        let refused = run_ok(
            &mut w,
            ACCT,
            "BatchImportFindings",
            json!({"Findings": [finding]}),
        );
        assert_eq!(refused["FailedCount"], 1);
        assert_eq!(
            refused["FailedFindings"][0]["ErrorCode"],
            "AccessDeniedException"
        );
        let made = run_ok(
            &mut w,
            ACCT,
            "EnableImportFindingsForProduct",
            json!({"ProductArn": prowler}),
        );
        assert_eq!(made["ProductSubscriptionArn"], sub);
        let imported = run_ok(
            &mut w,
            ACCT,
            "BatchImportFindings",
            json!({"Findings": [finding]}),
        );
        assert_eq!(imported["SuccessCount"], 1, "{imported}");
        let found = run_ok(&mut w, ACCT, "GetFindings", json!({}));
        let f = &found["Findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["ProductArn"] == prowler)
            .unwrap()
            .clone();
        assert_eq!(f["CompanyName"], "Prowler");
        assert_eq!(f["ProductName"], "Prowler");
    }
}
