//! Typed webhook events at run time: builds and runs `tests/webhooks.rs` with the crate
//! generated from `tests/fixtures/good/knot-webhooks.yaml` (Knot-shaped webhooks) through
//! build.rs, `KNOT_OPENAPI_SPEC`, the same way a future spec would arrive. Uses the
//! `target/regeneration` directory of `tests/regeneration_compiles.rs`.

use std::path::PathBuf;
use std::process::Command;

#[test]
#[ignore = "builds the crate again: run by .ci/run"]
fn typed_events_decode_when_the_spec_declares_webhooks() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("regeneration");
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["test", "--quiet", "--test", "webhooks"])
        .env("CARGO_TARGET_DIR", target)
        .env(
            "KNOT_OPENAPI_SPEC",
            "tests/fixtures/good/knot-webhooks.yaml",
        )
        .env("KNOT_TEST_WEBHOOKS_FIXTURE", "1")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tests/webhooks.rs against knot-webhooks.yaml failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("test result: ok"), "{stdout}");
}
