//! # orgsim
//!
//! An offline, in-memory emulator of AWS Organizations and the security services that
//! hang off it (GuardDuty, Security Hub, Config) plus STS, EC2's Regions and the Account
//! API. The real AWS SDKs point `endpoint_url` at it.
//!
//! ## A request's path (DESIGN §3)
//!
//! ```text
//! HTTP ─▶ server.rs ──▶ auth/ ─────────▶ protocol/ ─────────▶ services/<svc>/ ─▶ protocol/
//!         admin routes   credential       bytes → (service,     typed handler      output or
//!         or AWS entry   scope, caller    operation, JSON)      over the World     error → bytes
//! ```
//!
//! 1. [`protocol::sniff`] tells the protocol from the headers; the body is read with a
//!    10 MiB limit.
//! 2. [`auth::credential_scope`] reads `Credential=AKID/date/region/service/…`; the
//!    signing name picks between REST APIs that share a path.
//! 3. [`protocol::decode`] finds the service and operation (`X-Amz-Target`, `Action=`,
//!    or method + path from the generated route tables) and the input as JSON keyed
//!    by wire member names.
//! 4. Under the world lock, [`auth::resolve_caller`] maps the access key to a caller
//!    (STS-minted key → assumed role; IAM `AKIA…` key → that user; 12 digits → that
//!    account's root; else the default account), [`authorize::authorize`] runs AWS's
//!    policy evaluation — SCPs on the caller's path, RCPs, the caller's identity
//!    policies, boundary and session policies, and the resource's policy (a role's trust
//!    policy on `sts:AssumeRole`) — a denial is answered at once, nothing runs —
//!    and [`services::dispatch`] runs the typed handler inside
//!    [`server::run_atomically`]: an error or a panic puts the world back as it was.
//! 5. The output or [`api::ApiError`] is encoded in the service's protocol (an API that
//!    speaks both awsJson1.1 and Smithy RPC v2 CBOR, like Health, answers in the
//!    request's); every response carries `x-amzn-RequestId`; one log line per request.
//!
//! ## Layout
//!
//! - [`api`]: what the layers hand each other ([`api::ServiceId`], [`api::ApiError`]).
//! - [`protocol`]: awsJson1.1, restJson1, awsQuery, EC2. Knows bytes, not meanings.
//!   A request for a service orgsim does not emulate is answered 501 `NotImplemented`
//!   in that service's own protocol ([`protocol::unemulated`], with [`catalog`]: every
//!   botocore service's signing name, protocols and operations) before any of this.
//! - [`regions`]: AWS's Regions and zones, shared by EC2 and the Account API.
//! - [`protocol`]: awsJson1.1, restJson1, awsQuery, Smithy RPC v2 CBOR (CBOR ⇄ the JSON
//!   value awsJson would carry, timestamps tagged) and rest-xml (S3: sub-resource
//!   routing, header-bound members, `aws-chunked` bodies, raw object bytes that reach the
//!   handler as shared `Bytes` with their MD5 computed outside the world lock). Knows
//!   bytes, not meanings.
//! - [`auth`]: SigV4 credential scope → [`auth::Caller`].
//! - [`authorize`]: AWS's policy evaluation in the request path: request → action,
//!   resource ARN and condition keys → allow or AWS's denial naming the layer; `explain`
//!   shows the trail.
//! - [`services`]: one folder per API; handlers are `fn(&mut World, &Caller, Input)`.
//!   Each API's `operations.rs` is generated from botocore (`tools/gen_operations.py`),
//!   so every real operation is routed, and the unbuilt ones answer 501 `NotImplemented`.
//!   Each folder describes itself in one [`api::ServiceDescription`] (`SERVICE`: signing
//!   name, protocol tables, dispatch, events it follows, resource ARNs) and declares its
//!   `State`; the registry in `services/mod.rs` lists the folder once, which makes it a
//!   [`api::ServiceId`], a field of [`world::World`] and a subscriber of [`events`].
//!   Adding an API is its folder plus that one line. `services/org_integration/` is
//!   the organization integration services share (per-region delegated administrator
//!   registered in Organizations, auto-enable, members following the organization):
//!   a service implements its `OrgIntegrated` trait over its own state.
//! - [`events`]: Organizations changes other services react to, in the same operation.
//! - [`policy`]: the IAM policy language (identity, trust and resource policies, SCPs,
//!   RCPs): parsed once into a typed tree with
//!   compiled conditions, and evaluated (wildcards, conditions, the root-to-account rule).
//! - [`world`]: the state, its clock and its seeded ID generator.
//! - [`client`]: orgsim's own signed AWS client (scenario runner, benchmark).
//! - [`scenario`]: scenario files: parse, run over the wire, expectations, reports.
//! - [`snapshot`]: the world as a JSON document, saved atomically.
//! - [`server`], [`emulator`]: the HTTP app and the in-process test fixture.
//! - [`ui`]: the web view for workshops at `/_orgsim/ui/`, live over server-sent events.

#![forbid(unsafe_code)]

pub mod api;
pub mod auth;
pub mod authorize;
pub mod bench;
pub mod catalog;
pub mod client;
pub mod cost;
pub mod emulator;
pub mod events;
pub mod policy;
pub mod protocol;
pub mod regions;
pub mod scenario;
pub mod server;
pub mod services;
pub mod snapshot;
pub mod ui;
pub mod world;

pub use emulator::Emulator;
pub use world::{Quotas, Settings};
