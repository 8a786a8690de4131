//! The whole simulated AWS: plain data behind one lock (DESIGN §4).
//!
//! Collections are `imbl` persistent maps: ordered like `BTreeMap`, and cloning the
//! world is a handful of reference-count bumps, so the server keeps the world as it was
//! before each call and puts it back if the handler panics.

use serde::{Deserialize, Serialize};
use std::time::{SystemTime, UNIX_EPOCH};

/// Declares [`World`] with one state field per registered service.
macro_rules! define_world {
    ($($variant:ident $folder:ident,)*) => {
        /// Everything orgsim knows: settings, clock, ID generator and every service's
        /// state (one field per API of the registry in `services/mod.rs`).
        #[derive(Clone, Debug, Serialize, Deserialize)]
        pub struct World {
            pub settings: Settings,
            pub clock: Clock,
            pub ids: IdGenerator,
            /// Number of AWS requests handled so far; work that AWS does "later" (account
            /// creation) completes at the start of a later request.
            pub request_count: u64,
            $(
                #[serde(default)]
                pub $folder: crate::services::$folder::State,
            )*
        }

        impl World {
            pub fn new(settings: Settings) -> World {
                let seed = settings.seed.unwrap_or_else(|| {
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .map(|d| d.as_nanos() as u64)
                        .unwrap_or(0x5eed)
                });
                World {
                    settings,
                    clock: Clock::default(),
                    ids: IdGenerator::new(seed),
                    request_count: 0,
                    $($folder: Default::default(),)*
                }
            }
        }
    };
}
crate::for_each_service!(define_world);

impl World {
    /// Called once per AWS request, before the handler: finishes asynchronous work
    /// that is due (DESIGN §6: CreateAccount is IN_PROGRESS, then SUCCEEDED).
    pub fn begin_request(&mut self) {
        self.request_count += 1;
        for service in crate::api::ServiceId::ALL {
            if let Some(hook) = service.description().on_request {
                hook(self);
            }
        }
    }
}

/// What `orgsim serve` was told; kept in the world so a snapshot replays the same way.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Settings {
    /// The account of callers whose access key is neither 12 digits nor minted by STS.
    pub default_account: String,
    /// `--lenient-roles`: `AssumeRole` into a role orgsim does not hold invents it,
    /// trusting its own account and the accounts of its organization (the old
    /// behaviour). Off by default: only roles that exist and trust the caller.
    #[serde(default)]
    pub lenient_roles: bool,
    /// Seed of the ID generator; `None` picks one from the time.
    pub seed: Option<u64>,
    /// Milliseconds of world time a `CreateAccount` stays `IN_PROGRESS` (at least
    /// until the next request in any case).
    pub create_account_delay_ms: i64,
    /// Milliseconds of world time a closed account stays `PENDING_CLOSURE` before it is
    /// `SUSPENDED` (at least until the next request in any case).
    #[serde(default)]
    pub close_account_delay_ms: i64,
    pub quotas: Quotas,
    /// Host names under which S3 buckets are addressed virtual-host style
    /// (`<bucket>.<base>`); `serve --s3-host-base` adds to the defaults.
    #[serde(default = "default_s3_host_bases")]
    pub s3_host_bases: Vec<String>,
    /// `--support-plan`: the AWS Support plan of every account. Health and Trusted
    /// Advisor need Business or higher (basic: `SubscriptionRequiredException`).
    #[serde(default)]
    pub support_plan: SupportPlan,
}

/// An account's AWS Support plan. orgsim defaults to Business so that Health and
/// Trusted Advisor answer (AWS's accounts start on Basic: a documented difference).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SupportPlan {
    Basic,
    #[default]
    Business,
}

impl SupportPlan {
    /// Whether the plan includes the Health API and Trusted Advisor's full checks.
    pub fn includes_health_and_advisor(self) -> bool {
        self == SupportPlan::Business
    }
}

fn default_s3_host_bases() -> Vec<String> {
    crate::protocol::rest_xml::DEFAULT_HOST_BASES
        .iter()
        .map(|s| s.to_string())
        .collect()
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            default_account: "000000000000".to_string(),
            lenient_roles: false,
            seed: None,
            create_account_delay_ms: 0,
            close_account_delay_ms: 0,
            quotas: Quotas::default(),
            s3_host_bases: default_s3_host_bases(),
            support_plan: SupportPlan::default(),
        }
    }
}

/// Service quotas, AWS's defaults except where DESIGN §6 says otherwise.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Quotas {
    /// Accounts per organization (AWS: 10, raised on request; orgsim: 10,000).
    pub accounts_per_organization: usize,
    pub ous_per_organization: usize,
    /// Levels of OUs below the root.
    pub ou_max_depth: usize,
    pub concurrent_account_creations: usize,
    /// Customer SCPs per organization (AWS: 10,000).
    pub scps_per_organization: usize,
    /// Customer policies of each other type per organization (AWS: 1,000).
    pub policies_per_type: usize,
    /// Characters in an SCP (AWS: 10,240 since 15 May 2026, 5,120 before).
    pub scp_content_size: usize,
    /// Characters in an RCP (AWS: 5,120).
    pub rcp_content_size: usize,
    /// Characters in an AI services opt-out policy (AWS: 2,500).
    pub ai_opt_out_content_size: usize,
    /// Characters in any other management policy (AWS: 10,000).
    pub management_policy_content_size: usize,
    /// SCPs directly attached to one root, OU or account (AWS: 10 since 15 May 2026).
    pub scp_attachments_per_target: usize,
    /// RCPs directly attached to one target, `RCPFullAWSAccess` included (AWS: 5).
    pub rcp_attachments_per_target: usize,
    /// AI services opt-out policies directly attached to one target (AWS: 5).
    pub ai_opt_out_attachments_per_target: usize,
    /// Policies of any other management type attached to one target (AWS: 10).
    pub management_policy_attachments_per_target: usize,
    /// Days a created account must wait before it can leave or be removed. AWS's
    /// current quota page says 7; older API text says 4.
    #[serde(default = "default_account_min_age_days")]
    pub account_min_age_days: usize,
    /// Member accounts of one Detective behavior graph (AWS: 1,200).
    pub detective_members_per_graph: usize,
}

fn default_account_min_age_days() -> usize {
    7
}

impl Default for Quotas {
    fn default() -> Self {
        Quotas {
            accounts_per_organization: 10_000,
            ous_per_organization: 1000,
            ou_max_depth: 5,
            concurrent_account_creations: 5,
            scps_per_organization: 10_000,
            policies_per_type: 1000,
            scp_content_size: 10_240,
            rcp_content_size: 5120,
            ai_opt_out_content_size: 2500,
            management_policy_content_size: 10_000,
            scp_attachments_per_target: 10,
            rcp_attachments_per_target: 5,
            ai_opt_out_attachments_per_target: 5,
            management_policy_attachments_per_target: 10,
            account_min_age_days: default_account_min_age_days(),
            detective_members_per_graph: 1200,
        }
    }
}

impl Quotas {
    /// Sets one quota from `NAME=VALUE` (the `--quota` flag).
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("quota '{assignment}' is not NAME=VALUE"))?;
        let value: usize = value
            .trim()
            .parse()
            .map_err(|_| format!("quota {name}: '{value}' is not a whole number"))?;
        let slot = match name.trim() {
            "accounts-per-organization" => &mut self.accounts_per_organization,
            "ous-per-organization" => &mut self.ous_per_organization,
            "ou-max-depth" => &mut self.ou_max_depth,
            "concurrent-account-creations" => &mut self.concurrent_account_creations,
            "scps-per-organization" => &mut self.scps_per_organization,
            "policies-per-type" => &mut self.policies_per_type,
            "scp-content-size" => &mut self.scp_content_size,
            "rcp-content-size" => &mut self.rcp_content_size,
            "ai-opt-out-content-size" => &mut self.ai_opt_out_content_size,
            "management-policy-content-size" => &mut self.management_policy_content_size,
            "scp-attachments-per-target" => &mut self.scp_attachments_per_target,
            "rcp-attachments-per-target" => &mut self.rcp_attachments_per_target,
            "ai-opt-out-attachments-per-target" => &mut self.ai_opt_out_attachments_per_target,
            "management-policy-attachments-per-target" => {
                &mut self.management_policy_attachments_per_target
            }
            "account-min-age-days" => &mut self.account_min_age_days,
            "detective-members-per-graph" => &mut self.detective_members_per_graph,
            other => {
                return Err(format!(
                "unknown quota '{other}' (known: accounts-per-organization, ous-per-organization, ou-max-depth, concurrent-account-creations, \
                 scps-per-organization, policies-per-type, scp-content-size, rcp-content-size, ai-opt-out-content-size, \
                 management-policy-content-size, scp-attachments-per-target, rcp-attachments-per-target, \
                 ai-opt-out-attachments-per-target, management-policy-attachments-per-target, account-min-age-days, \
                 detective-members-per-graph)"
            ))
            }
        };
        *slot = value;
        Ok(())
    }
}

/// World time: the system clock plus an offset, or a pinned instant. Milliseconds
/// since the Unix epoch.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Clock {
    pub offset_ms: i64,
    pub pinned_ms: Option<i64>,
}

impl Clock {
    /// The latest instant world time may reach, 9999-01-01T00:00:00Z: ISO-8601 and the
    /// SDKs' timestamp parsers stop at four-digit years, and orgsim dates things at most
    /// 90 days ahead of now. The earliest is the Unix epoch.
    pub const LATEST_MS: i64 = 253_370_764_800_000;

    /// Whether world time is within what AWS's timestamps can say.
    pub fn in_range(&self) -> bool {
        (0..=Clock::LATEST_MS).contains(&self.now_ms())
    }

    pub fn now_ms(&self) -> i64 {
        match self.pinned_ms {
            Some(ms) => ms,
            None => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)
                .saturating_add(self.offset_ms),
        }
    }

    pub fn advance(&mut self, ms: i64) {
        match &mut self.pinned_ms {
            Some(pinned) => *pinned = pinned.saturating_add(ms),
            None => self.offset_ms = self.offset_ms.saturating_add(ms),
        }
    }
}

/// Seeded ID generator (splitmix64): the same seed and calls give the same IDs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct IdGenerator {
    state: u64,
}

const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const BASE32: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl IdGenerator {
    pub fn new(seed: u64) -> Self {
        IdGenerator { state: seed }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn draw(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next_u64() % alphabet.len() as u64) as usize] as char)
            .collect()
    }

    pub fn digits(&mut self, len: usize) -> String {
        self.draw(b"0123456789", len)
    }

    pub fn lower_alnum(&mut self, len: usize) -> String {
        self.draw(LOWER_ALNUM, len)
    }

    pub fn upper_alnum(&mut self, len: usize) -> String {
        self.draw(UPPER_ALNUM, len)
    }

    pub fn base32(&mut self, len: usize) -> String {
        self.draw(BASE32, len)
    }

    pub fn base64(&mut self, len: usize) -> String {
        self.draw(BASE64, len)
    }

    pub fn hex(&mut self, len: usize) -> String {
        self.draw(b"0123456789abcdef", len)
    }

    /// A random UUID (v4 layout) drawn from the seeded stream.
    pub fn uuid(&mut self) -> String {
        let bytes: [u8; 16] = {
            let a = self.next_u64().to_be_bytes();
            let b = self.next_u64().to_be_bytes();
            let mut out = [0u8; 16];
            out[..8].copy_from_slice(&a);
            out[8..].copy_from_slice(&b);
            out
        };
        uuid::Builder::from_random_bytes(bytes)
            .into_uuid()
            .to_string()
    }
}

/// Epoch seconds as the JSON protocols put timestamps on the wire.
pub fn epoch_seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// ISO-8601 with milliseconds, as the query protocol and REST string fields use.
pub fn iso8601(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    t.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_ids() {
        let mut a = IdGenerator::new(7);
        let mut b = IdGenerator::new(7);
        assert_eq!(a.lower_alnum(10), b.lower_alnum(10));
        assert_eq!(a.digits(12), b.digits(12));
        assert_ne!(a.digits(12), IdGenerator::new(8).digits(12));
    }

    #[test]
    fn iso8601_has_millis() {
        assert_eq!(iso8601(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
        assert_eq!(iso8601(Clock::LATEST_MS), "9999-01-01T00:00:00.000Z");
    }

    #[test]
    fn quota_flag() {
        let mut q = Quotas::default();
        q.set("ou-max-depth=3").unwrap();
        assert_eq!(q.ou_max_depth, 3);
        q.set("scp-content-size=5120").unwrap();
        assert_eq!(q.scp_content_size, 5120);
        assert_eq!(q.account_min_age_days, 7);
        q.set("account-min-age-days=4").unwrap();
        assert_eq!(q.account_min_age_days, 4);
        assert!(q.set("nope=1").is_err());
        assert!(q.set("ou-max-depth=x").is_err());
    }
}
