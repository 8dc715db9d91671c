//! The crate itself (generated client, `ext` layer, mock) compiles against other specs
//! (older, newer, every 3.1 construct, a synthetic 100-operation one),
//! unchanged: each fixture goes through build.rs via `KNOT_OPENAPI_SPEC` and
//! `cargo check`. A broken spec fails the build with the pipeline's one-line message.
//!
//! Uses its own target directory so it never disturbs the main build's artifacts; the
//! first run compiles the dependencies once (about a minute on 2 cores).

use crate::common;

use std::path::PathBuf;
use std::process::Output;

fn cargo_check(spec: &str) -> Output {
    common::regeneration::cargo_with_spec(
        spec,
        &["check", "--lib", "--features", "mock", "--quiet"],
    )
}

/// Without the `schemars` feature the types derive no `JsonSchema` and the crate builds
/// without schemars: for the vendored spec, and for shapes whose `JsonSchema` impl typify
/// writes by hand (an integer enum) or knot-api does (open enums, `Secret`).
#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn the_crate_compiles_without_the_schemars_feature() {
    for spec in [
        "openapi/openapi.yaml",
        "tests/fixtures/good/mixed-enums.yaml",
        "tests/fixtures/good/type-name-clashes.yaml",
    ] {
        let output = common::regeneration::cargo_with_spec(
            spec,
            &[
                "check",
                "--lib",
                "--no-default-features",
                "--features",
                "rustls,mock",
                "--quiet",
            ],
        );
        assert!(
            output.status.success(),
            "{spec} does not compile without `schemars`:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn the_crate_compiles_against_every_good_fixture_and_fails_cleanly_on_a_bad_one() {
    let synthetic = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("synthetic-100.json");
    std::fs::write(&synthetic, knot_codegen::report::synthetic::spec(100)).unwrap();
    for spec in [
        "tests/fixtures/good/constructs-31.yaml",
        "tests/fixtures/good/knot-older.yaml",
        "tests/fixtures/good/knot-next.yaml",
        "tests/fixtures/good/knot-additive.yaml",
        // Knot-shaped webhooks: payload types and the typed event enum compile.
        "tests/fixtures/good/knot-webhooks.yaml",
        // Issue 12: cookies, multipart, a stream beside JSON, repaired constructs.
        "tests/fixtures/good/cookie-params.yaml",
        "tests/fixtures/good/multipart.yaml",
        "tests/fixtures/good/stream-response.yaml",
        "tests/fixtures/good/repairs.yaml",
        "tests/fixtures/good/progenitor-limits.yaml",
        "tests/fixtures/good/salvage.yaml",
        "tests/fixtures/good/name-clashes.yaml",
        // Published shapes: an enum typify cannot name, an OpenAPI 3.2 document.
        "tests/fixtures/good/unnameable-enum.yaml",
        "tests/fixtures/good/mixed-enums.yaml",
        "tests/fixtures/good/nullable-components.yaml",
        "tests/fixtures/good/schema-typify-cannot-take.yaml",
        "tests/fixtures/good/tuples-and-recursive-refs.yaml",
        "tests/fixtures/good/deep-refs-and-raw-bodies.yaml",
        "tests/fixtures/good/json-only-escapes.json",
        "tests/fixtures/good/type-name-clashes.yaml",
        "tests/fixtures/good/media-types.yaml",
        "tests/fixtures/good/openapi-3.2.yaml",
        synthetic.to_str().unwrap(),
        "openapi/openapi.yaml",
    ] {
        let output = cargo_check(spec);
        assert!(
            output.status.success(),
            "{spec} does not compile:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    let output = cargo_check("tests/fixtures/bad/missing-ref.yaml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    let expected = "error: knot-api@0.1.0: tests/fixtures/bad/missing-ref.yaml: `$ref` `#/components/schemas/SessionRequest` used at #/paths/~1session~1create/post/requestBody/content/application~1json/schema resolves to nothing";
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("backtrace"), "{stderr}");
}
