//! The example-conformance test (`tests/spec_examples.rs`) and the wire tests of
//! `tests/fixture_transport.rs`, run against every fixture spec under
//! `tests/fixtures/good/`: for each, the crate is built from the fixture through build.rs
//! (`KNOT_OPENAPI_SPEC`), as a candidate spec would arrive, and both tests must pass.
//! `tests/fixtures/examples/nonconforming.yaml` must fail, naming each bad example.
//!
//! Uses the `target/regeneration` directory of `tests/regeneration_compiles.rs`: after
//! the first build, each fixture costs a rebuild of this crate (5-10 s on 2 cores).

use crate::common;

use std::path::Path;
use std::process::Output;

fn run(spec: &str) -> Output {
    common::regeneration::cargo_with_spec(
        spec,
        &[
            "test",
            "--quiet",
            "--test",
            "spec_examples",
            "--test",
            "fixture_transport",
        ],
    )
}

fn fixtures() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/good");
    let mut specs: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".json"))
        .map(|n| format!("tests/fixtures/good/{n}"))
        .collect();
    specs.sort();
    specs
}

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn every_fixture_spec_passes_example_conformance_and_its_wire_tests() {
    let specs = fixtures();
    assert!(specs.len() >= 10, "{specs:?}");
    let mut failed = Vec::new();
    for spec in &specs {
        let output = run(spec);
        let stdout = String::from_utf8_lossy(&output.stdout);
        if !output.status.success() || !stdout.contains("test result: ok") {
            failed.push(format!(
                "{spec}:\n{stdout}\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn nonconforming_examples_fail_the_test_each_named_by_its_pointer() {
    let output = run("tests/fixtures/examples/nonconforming.yaml");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "{stdout}");
    for expected in [
        "4 example(s) do not conform",
        "#/paths/~1things/post/parameters/1/example: does not decode into",
        "#/paths/~1things/post/parameters/0/example: does not decode into i64",
        "#/paths/~1things/post/requestBody/content/application~1json/example: does not decode into knot_api::generated::types::CreateThingBody: invalid type: integer `5`, expected a string",
        "#/paths/~1things/post/responses/201/content/application~1json/examples/NoId/value: does not decode into knot_api::generated::types::Thing: missing field `id`",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(
        !stdout.contains("examples/Good/value: does not decode"),
        "{stdout}"
    );
}
