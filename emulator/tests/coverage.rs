//! COVERAGE.md is generated from the dispatch tables; this keeps it from drifting.

use std::path::PathBuf;

#[test]
fn coverage_file_matches_the_dispatch_tables() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../COVERAGE.md");
    let expected = orgsim::services::coverage_markdown();
    if std::env::var_os("ORGSIM_BLESS").is_some() {
        std::fs::write(&path, &expected).expect("write COVERAGE.md");
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "COVERAGE.md is out of date: run `ORGSIM_BLESS=1 cargo test -p orgsim --test coverage`"
    );
}

#[test]
fn every_implemented_operation_is_a_real_operation() {
    for &service in orgsim::api::ServiceId::ALL {
        for operation in orgsim::services::implemented(service) {
            assert!(
                service.has_operation(operation),
                "{service}:{operation} is not in the API model"
            );
        }
    }
}
