//! Cargo run against another spec (`KNOT_OPENAPI_SPEC`), in `target/regeneration` so the
//! main build's artifacts are never disturbed. Shared by `tests/regeneration_compiles.rs`
//! and `tests/spec_examples_fixtures.rs`.

use std::path::PathBuf;
use std::process::{Command, Output};

/// `cargo ARGS` with the crate built from `spec`.
pub fn cargo_with_spec(spec: &str, args: &[&str]) -> Output {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("regeneration");
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env("KNOT_OPENAPI_SPEC", spec)
        .env("RUST_BACKTRACE", "0")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs")
}
