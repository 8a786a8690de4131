//! Black-box tests: the real `aws-sdk-*` crates against `orgsim::Emulator::start()`.
//! One test binary, so CI compiles the SDKs once (DESIGN §2).

mod accessanalyzer;
mod account;
mod budgets;
mod cloudformation;
mod cloudtrail;
mod common;
mod config;
mod config_conformance;
mod config_depth;
mod costexplorer;
mod cross_service;
mod delegation;
mod detective;
mod guardduty;
mod guardduty_depth;
mod guardduty_operations;
mod guardduty_scripts;
mod handshakes;
mod health;
mod iam;
mod identitycenter;
mod organizations;
mod policies;
mod s3;
mod s3_access;
mod scp;
mod securityhub;
mod securityhub_central;
mod securityhub_cspm;
mod securityhub_scripts;
mod sts;
mod support;
mod trustedadvisor;
mod ui;
mod workshop;
