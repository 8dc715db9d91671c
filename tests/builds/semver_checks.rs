//! An independent oracle for knot-spec-diff's Rust verdict: cargo-semver-checks reads the
//! real API of the crate generated from two specs (rustdoc JSON, its own lints) and must
//! reach the same verdict as our surface comparison: minor for the additive fixture,
//! major for removals.
//!
//! Mechanics: two copies of the crate (build.rs, src, codegen, manifests) under
//! `target/semver-oracle/`, one with each spec as `openapi/openapi.yaml`, both at version
//! 1.0.0; then `cargo semver-checks check-release -p knot-api --baseline-root OLD
//! --release-type minor` in the new one: success means "a minor release is enough".
//! About two minutes per pair on 2 cores (two rustdoc builds and the lints); the
//! dependencies are shared through one target directory.
//!
//! Skips, saying so, when cargo-semver-checks is not installed (`cargo install
//! cargo-semver-checks --locked`); under `CI` it fails instead (.ci/run installs it).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use knot_codegen::diff::{self, Semver};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn installed() -> bool {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let meta = std::fs::metadata(entry.path()).unwrap();
        if meta.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of the workspace's crates with `spec` as the vendored spec, at version 1.0.0.
fn crate_with_spec(dir: &Path, spec: &str) {
    let _ = std::fs::remove_dir_all(dir);
    for sub in ["src", "codegen/src", "examples", "benches"] {
        copy_dir(&root().join(sub), &dir.join(sub));
    }
    for file in [
        "build.rs",
        "Cargo.lock",
        "README.md",
        "codegen/Cargo.toml",
        "codegen/README.md",
    ] {
        std::fs::copy(root().join(file), dir.join(file)).unwrap();
    }
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .unwrap()
        .replacen(
            "name = \"knot-api\"\nversion = \"0.1.0\"",
            "name = \"knot-api\"\nversion = \"1.0.0\"",
            1,
        );
    assert!(manifest.contains("version = \"1.0.0\""));
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    std::fs::write(dir.join("openapi/openapi.yaml"), spec).unwrap();
}

/// cargo-semver-checks' verdict for `old` → `new`, with its report.
fn semver_checks(name: &str, old: &str, new: &str) -> (Semver, String) {
    let base = root().join("target/semver-oracle");
    let (old_dir, new_dir) = (
        base.join(format!("{name}-old")),
        base.join(format!("{name}-new")),
    );
    crate_with_spec(&old_dir, old);
    crate_with_spec(&new_dir, new);
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&new_dir)
        .args([
            "semver-checks",
            "check-release",
            "-p",
            "knot-api",
            "--baseline-root",
        ])
        .arg(&old_dir)
        .args(["--release-type", "minor", "--default-features"])
        .env("CARGO_TARGET_DIR", base.join("target"))
        .env_remove("RUSTFLAGS")
        .env_remove("KNOT_OPENAPI_SPEC")
        .output()
        .expect("cargo semver-checks runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let verdict = if output.status.success() {
        Semver::Minor
    } else {
        assert!(
            report.contains("requires new major version"),
            "cargo-semver-checks failed for another reason:\n{report}"
        );
        Semver::Major
    };
    (verdict, report)
}

/// knot-spec-diff's verdict for the same pair.
fn ours(name: &str, old: &str, new: &str) -> Semver {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("semver-oracle");
    std::fs::create_dir_all(&dir).unwrap();
    let (old_path, new_path) = (
        dir.join(format!("{name}-old.yaml")),
        dir.join(format!("{name}-new.yaml")),
    );
    std::fs::write(&old_path, old).unwrap();
    std::fs::write(&new_path, new).unwrap();
    diff::diff_files(old_path.to_str().unwrap(), new_path.to_str().unwrap())
        .unwrap()
        .semver
}

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn cargo_semver_checks_agrees_with_our_rust_verdict() {
    if !installed() {
        common::skip_without(
            "cargo-semver-checks",
            "run `cargo install cargo-semver-checks --locked`",
        );
        return;
    }
    let vendored = std::fs::read_to_string(root().join("openapi/openapi.yaml")).unwrap();
    let additive =
        std::fs::read_to_string(root().join("tests/fixtures/good/knot-additive.yaml")).unwrap();
    // Removals: an error code and an optional request property.
    let removal = vendored
        .replacen("            - INVALID_JWE\n", "", 1)
        .replacen(
            "                processor_token:\n                  type:\n                    - string\n                    - 'null'\n",
            "                processor_token_removed_marker:\n                  type:\n                    - string\n                    - 'null'\n",
            1,
        );
    assert_ne!(removal, vendored);
    for (name, new, expected) in [
        ("additive", &additive, Semver::Minor),
        ("removal", &removal, Semver::Major),
    ] {
        let started = std::time::Instant::now();
        let (theirs, report) = semver_checks(name, &vendored, new);
        let ours = ours(name, &vendored, new);
        eprintln!(
            "{name}: cargo-semver-checks {theirs:?}, knot-spec-diff {ours:?} ({:.0?})",
            started.elapsed()
        );
        assert_eq!(
            theirs, expected,
            "{name}: cargo-semver-checks says\n{report}"
        );
        assert_eq!(
            ours, theirs,
            "{name}: knot-spec-diff disagrees with\n{report}"
        );
    }
}
