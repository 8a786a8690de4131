//! AWS's commercial Regions and their Availability Zones: the one list that EC2
//! (`DescribeRegions`, `DescribeAvailabilityZones`) and the Account API (`ListRegions`,
//! `EnableRegion`) share.
//!
//! Regions launched before 20 March 2019 are enabled in every account; the later ones
//! are opt-in (AWS's "Regions" page). AWS maps zone names (`us-east-1a`) to zone IDs
//! (`use1-az1`) differently per account for the older Regions; orgsim uses one fixed
//! mapping, the same for every account.

/// One Region.
#[derive(Debug)]
pub struct AwsRegion {
    /// `us-east-1`.
    pub name: &'static str,
    /// `US East (N. Virginia)`.
    pub description: &'static str,
    /// An account must enable it (Account `EnableRegion`) before using it.
    pub opt_in: bool,
    /// Zone-ID prefix (`use1` in `use1-az1`).
    pub zone_prefix: &'static str,
    /// The zones: name suffix letter and ID number (`('a', 1)` is `us-east-1a`, `use1-az1`).
    pub zones: &'static [(char, u8)],
}

impl AwsRegion {
    /// EC2's endpoint in this Region.
    pub fn ec2_endpoint(&self) -> String {
        format!("ec2.{}.amazonaws.com", self.name)
    }
}

const THREE: &[(char, u8)] = &[('a', 1), ('b', 2), ('c', 3)];

macro_rules! regions {
    ($($name:literal, $description:literal, $opt_in:literal, $prefix:literal, $zones:expr;)*) => {
        /// Every commercial Region, sorted by name.
        pub const REGIONS: &[AwsRegion] = &[
            $(AwsRegion { name: $name, description: $description, opt_in: $opt_in, zone_prefix: $prefix, zones: $zones },)*
        ];
    };
}

regions! {
    "af-south-1", "Africa (Cape Town)", true, "afs1", THREE;
    "ap-east-1", "Asia Pacific (Hong Kong)", true, "ape1", THREE;
    "ap-east-2", "Asia Pacific (Taipei)", true, "ape2", THREE;
    "ap-northeast-1", "Asia Pacific (Tokyo)", false, "apne1", &[('a', 4), ('c', 1), ('d', 2)];
    "ap-northeast-2", "Asia Pacific (Seoul)", false, "apne2", &[('a', 1), ('b', 2), ('c', 3), ('d', 4)];
    "ap-northeast-3", "Asia Pacific (Osaka)", false, "apne3", THREE;
    "ap-south-1", "Asia Pacific (Mumbai)", false, "aps1", THREE;
    "ap-south-2", "Asia Pacific (Hyderabad)", true, "aps2", THREE;
    "ap-southeast-1", "Asia Pacific (Singapore)", false, "apse1", THREE;
    "ap-southeast-2", "Asia Pacific (Sydney)", false, "apse2", THREE;
    "ap-southeast-3", "Asia Pacific (Jakarta)", true, "apse3", THREE;
    "ap-southeast-4", "Asia Pacific (Melbourne)", true, "apse4", THREE;
    "ap-southeast-5", "Asia Pacific (Malaysia)", true, "apse5", THREE;
    "ap-southeast-6", "Asia Pacific (New Zealand)", true, "apse6", THREE;
    "ap-southeast-7", "Asia Pacific (Thailand)", true, "apse7", THREE;
    "ca-central-1", "Canada (Central)", false, "cac1", &[('a', 1), ('b', 2), ('d', 4)];
    "ca-west-1", "Canada West (Calgary)", true, "caw1", THREE;
    "eu-central-1", "Europe (Frankfurt)", false, "euc1", THREE;
    "eu-central-2", "Europe (Zurich)", true, "euc2", THREE;
    "eu-north-1", "Europe (Stockholm)", false, "eun1", THREE;
    "eu-south-1", "Europe (Milan)", true, "eus1", THREE;
    "eu-south-2", "Europe (Spain)", true, "eus2", THREE;
    "eu-west-1", "Europe (Ireland)", false, "euw1", THREE;
    "eu-west-2", "Europe (London)", false, "euw2", THREE;
    "eu-west-3", "Europe (Paris)", false, "euw3", THREE;
    "il-central-1", "Israel (Tel Aviv)", true, "ilc1", THREE;
    "me-central-1", "Middle East (UAE)", true, "mec1", THREE;
    "me-south-1", "Middle East (Bahrain)", true, "mes1", THREE;
    "mx-central-1", "Mexico (Central)", true, "mxc1", THREE;
    "sa-east-1", "South America (Sao Paulo)", false, "sae1", THREE;
    "us-east-1", "US East (N. Virginia)", false, "use1", &[('a', 1), ('b', 2), ('c', 3), ('d', 4), ('e', 5), ('f', 6)];
    "us-east-2", "US East (Ohio)", false, "use2", THREE;
    "us-west-1", "US West (N. California)", false, "usw1", &[('a', 1), ('b', 3)];
    "us-west-2", "US West (Oregon)", false, "usw2", &[('a', 1), ('b', 2), ('c', 3), ('d', 4)];
}

/// The Region named `name`, if AWS has it.
pub fn region(name: &str) -> Option<&'static AwsRegion> {
    REGIONS.iter().find(|r| r.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_and_has_aws_opt_in_regions() {
        assert!(REGIONS.windows(2).all(|w| w[0].name < w[1].name));
        let opt_in: Vec<&str> = REGIONS
            .iter()
            .filter(|r| r.opt_in)
            .map(|r| r.name)
            .collect();
        for name in [
            "af-south-1",
            "ap-east-1",
            "me-south-1",
            "eu-south-1",
            "il-central-1",
        ] {
            assert!(opt_in.contains(&name), "{name}");
        }
        assert_eq!(REGIONS.len(), 34);
        assert_eq!(opt_in.len(), 17);
        assert!(!region("us-east-1").unwrap().opt_in);
        assert_eq!(region("us-east-1").unwrap().zones.len(), 6);
        assert!(region("moon-east-1").is_none());
    }
}
