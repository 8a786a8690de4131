//! Issue 15 item 4: no parser text reaches a client. For every built operation of every
//! service, each enum member of its input (from botocore's models, written by
//! `tools/gen_enum_probes.py` into `data/enum_probes.json`) gets an invalid value; the
//! answer, when it is an error, is in AWS's words — never serde's "unknown variant",
//! "invalid type", "expected …" or a Rust type name.

use orgsim::api::ServiceId;
use orgsim::auth::{Caller, Principal};
use orgsim::services::{dispatch, implemented};
use orgsim::world::{Settings, World};
use serde_json::Value;

const SERDE_WORDS: &[&str] = &[
    "unknown variant",
    "invalid type",
    "expected one of",
    "expected a ",
    "expected `",
    "missing field",
    "unknown field",
    "struct ",
    "expected enum",
    "variant",
    "Vec<",
    "Option<",
    " at line ",
];

fn caller() -> Caller {
    Caller {
        account_id: "111111111111".to_string(),
        principal: Principal::Root,
        access_key_id: "111111111111".to_string(),
        temporary: false,
        region: "us-east-1".to_string(),
    }
}

#[test]
fn every_invalid_enum_value_is_answered_in_aws_words() {
    let probes: Value =
        serde_json::from_str(include_str!("data/enum_probes.json")).expect("probe file");
    let mut sent = 0;
    let mut enum_answers = 0;
    for (signing_name, operations) in probes.as_object().expect("services") {
        let service = ServiceId::from_signing_name(signing_name)
            .unwrap_or_else(|| panic!("no service signs as {signing_name}"));
        for (operation, cases) in operations.as_object().expect("operations") {
            if !implemented(service).contains(&operation.as_str()) {
                continue;
            }
            for input in cases.as_array().expect("cases") {
                let mut world = World::new(Settings::default());
                world.begin_request();
                sent += 1;
                let Err(error) = dispatch(&mut world, &caller(), service, operation, input.clone())
                else {
                    continue;
                };
                for word in SERDE_WORDS {
                    assert!(
                        !error.message.contains(word),
                        "{signing_name} {operation} {input}: parser text {word:?} in {:?} {:?}",
                        error.code,
                        error.message
                    );
                }
                if error.message.contains("You specified an invalid value") {
                    enum_answers += 1;
                }
            }
        }
    }
    assert!(sent > 400, "only {sent} probes ran");
    assert!(
        enum_answers >= 20,
        "only {enum_answers} answers named the invalid value"
    );
}
