//! Generates the typed Knot client from the vendored OpenAPI spec at compile time.
//!
//! The spec is `openapi/openapi.yaml`, or the file named by `KNOT_OPENAPI_SPEC` (to try a
//! candidate spec without touching the tree). All the work happens in `knot-codegen`;
//! this file only wires it to Cargo: what to watch, where to write, how to fail.

use std::path::{Path, PathBuf};

const DEFAULT_SPEC: &str = "openapi/openapi.yaml";
const SPEC_ENV: &str = "KNOT_OPENAPI_SPEC";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed={SPEC_ENV}");
    let spec = std::env::var(SPEC_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SPEC.to_owned());
    println!("cargo::rerun-if-changed={spec}");
    // Tests that exercise one fixture spec on the wire compile only in a crate built
    // from it: `cfg(knot_fixture = "<file stem>")` names the spec when it is not the
    // vendored one (tests/fixture_transport.rs).
    println!("cargo::rustc-check-cfg=cfg(knot_fixture, values(any()))");
    println!("cargo::rustc-check-cfg=cfg(knot_other_spec)");
    if spec != DEFAULT_SPEC {
        // Parts of the hand-written layer another spec's operations may not use.
        println!("cargo::rustc-cfg=knot_other_spec");
        if let Some(stem) = Path::new(&spec).file_stem().and_then(|s| s.to_str()) {
            println!("cargo::rustc-cfg=knot_fixture=\"{stem}\"");
        }
    }

    // Relative paths are relative to the crate root, which is the build script's cwd.
    // The crate's `schemars` feature decides whether the types derive `JsonSchema`.
    let options = knot_codegen::Options::default()
        .json_schema(std::env::var_os("CARGO_FEATURE_SCHEMARS").is_some());
    let generated = match knot_codegen::generate_file_with(&spec, &options) {
        Ok(generated) => generated,
        Err(error) => fail(&error.to_string()),
    };
    if !generated.notes.is_empty() {
        let summary = generated.notes.summary();
        build_print::warn!(
            "{spec}: {} conversion(s) lost information: {}",
            summary.len(),
            summary.join("; ")
        );
    }
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out_dir.join("knot_client.rs"), &generated.client);
    write(&out_dir.join("knot.rs"), &generated.knot);
    write(&out_dir.join("knot_contract.rs"), &generated.contract);
    write(&out_dir.join("knot_webhooks.rs"), &generated.webhooks);
    // The spec's examples with their generated types (tests/spec_examples.rs).
    write(&out_dir.join("knot_examples.rs"), &generated.examples);
}

/// Writes only when the content changed, so an unchanged spec does not touch mtimes.
fn write(path: &Path, content: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return;
    }
    if let Err(e) = std::fs::write(path, content) {
        fail(&format!("cannot write {}: {e}", path.display()));
    }
}

/// One clear message and a failed build; no panic, no backtrace.
///
/// `cargo::error` alone fails the build; exiting 0 keeps Cargo from also dumping the
/// script's whole stdout under "failed to run custom build command".
fn fail(message: &str) -> ! {
    println!("cargo::error={message}");
    std::process::exit(0)
}
