//! A downstream crate (`tests/downstream/`, its own workspace) depends on knot-api only
//! through its public API: generated types embedded in its own serde and schemars types,
//! builders, a wildcard arm on an open enum. It must compile, unchanged, against the
//! vendored spec and against an additive one (`tests/fixtures/good/knot-additive.yaml`:
//! one of each change the semver policy calls minor), built through `KNOT_OPENAPI_SPEC`.
//!
//! Uses `target/downstream` so the main build's artifacts are not disturbed; the first run
//! compiles the dependencies once. Its lockfile is not kept in git: each run starts from
//! the workspace's `Cargo.lock` (copied, git-ignored), so the downstream crate resolves to
//! exactly the versions the workspace was tested with and a new knot-api dependency never
//! leaves a stale lockfile behind.

use std::path::PathBuf;
use std::process::{Command, Output};

fn cargo(args: &[&str], spec: Option<&str>) -> Output {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(
        root.join("Cargo.lock"),
        root.join("tests/downstream/Cargo.lock"),
    )
    .expect("the workspace lockfile is copied for the downstream crate");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("downstream");
    let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    command
        .current_dir(root.join("tests/downstream"))
        .args(args)
        .args(["--quiet"])
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .env_remove("KNOT_OPENAPI_SPEC");
    if let Some(spec) = spec {
        command.env("KNOT_OPENAPI_SPEC", root.join(spec));
    }
    command.output().expect("cargo runs")
}

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn a_downstream_crate_survives_an_additive_spec_unchanged() {
    // Today's spec: it compiles and its own test (unknown values round-trip) passes.
    let output = cargo(&["test"], None);
    assert!(
        output.status.success(),
        "downstream against openapi/openapi.yaml:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Knot's next, additive spec: the same code still compiles.
    let output = cargo(
        &["check", "--all-targets"],
        Some("tests/fixtures/good/knot-additive.yaml"),
    );
    assert!(
        output.status.success(),
        "downstream against knot-additive.yaml:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
