//! Scenario files (DESIGN §8): the multi-account walkthrough as YAML that instructors
//! read and CI replays. A file names who calls what, and what must come back:
//!
//! ```yaml
//! name: The organization
//! seed: 7
//! steps:
//!   - name: Create the organization
//!     as: management
//!     call: organizations.CreateOrganization
//!     input: { FeatureSet: ALL }
//!     expect:
//!       Organization.FeatureSet: ALL
//!     save:
//!       org: Organization.Id
//! ```
//!
//! - [`parse`], [`check`]: file → checked [`Scenario`], errors with file, line and column;
//! - [`path`], [`vars`], [`expect`]: paths into answers, `${variables}`, checks;
//! - [`run`]: the steps over the wire with orgsim's signed [`crate::client`];
//! - [`local`]: fresh in-process emulators, `serve --scenario` preloading, determinism;
//! - [`report`]: ✓ / ✗ lines for people and a JSON report for machines.

pub mod check;
pub mod expect;
pub mod local;
pub mod parse;
pub mod path;
pub mod report;
pub mod run;
pub mod vars;

pub use parse::{load, parse, FileErrors, Scenario, Step};
pub use report::{Console, Quiet, Reporter, ScenarioReport, StepStatus};
pub use run::{run_scenario, StopAfter};
