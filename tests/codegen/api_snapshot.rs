//! The generated public API matches the committed snapshot
//! (`tests/snapshots/generated-api.txt`), so spec changes show up in review as a readable
//! diff. Bless a change with `KNOT_BLESS=1 cargo test --test codegen api_snapshot`.
//!
//! Follows `KNOT_OPENAPI_SPEC` like build.rs, so trying a candidate spec in CI shows what
//! it does to the API.
//!
//! progenitor's whole output for the vendored spec is kept too
//! (`tests/snapshots/progenitor-seed.txt`): progenitor and typify are pinned exactly, and
//! raising a pin that changes what they write fails here, in our CI, before any user's
//! build sees it.

use std::path::{Path, PathBuf};

const SNAPSHOT: &str = "tests/snapshots/generated-api.txt";
const PROGENITOR_SNAPSHOT: &str = "tests/snapshots/progenitor-seed.txt";

/// Compares `actual` with the committed file (or writes it, with `KNOT_BLESS`).
fn check(root: &Path, snapshot: &str, actual: &str, what: &str) {
    let path = root.join(snapshot);
    if std::env::var_os("KNOT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        panic!(
            "{what} no longer matches {snapshot}:\n{}\nIf this change is intended, bless it:\n    KNOT_BLESS=1 cargo test --test codegen api_snapshot\n",
            line_diff(&expected, actual)
        );
    }
}

#[test]
fn progenitor_output_for_the_seed_matches_the_snapshot() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = root.join("openapi/openapi.yaml");
    let generated = knot_codegen::generate_file(seed.to_str().unwrap()).unwrap();
    check(
        &root,
        PROGENITOR_SNAPSHOT,
        &generated.client,
        "progenitor's output",
    );
}

#[test]
fn generated_api_matches_the_snapshot() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let spec = std::env::var("KNOT_OPENAPI_SPEC")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "openapi/openapi.yaml".to_owned());
    let spec_path = root.join(&spec);
    let generated = knot_codegen::generate_file(spec_path.to_str().unwrap()).unwrap();
    let surface = generated.surface.clone();
    // Named by the spec's title and version, not its path, so a candidate spec tried from
    // elsewhere shows only real API changes.
    let info = &knot_codegen::load::load_file(spec_path.to_str().unwrap())
        .unwrap()
        .doc["info"];
    let label = format!(
        "{} {}",
        info["title"].as_str().unwrap_or("the spec"),
        info["version"].as_str().unwrap_or("")
    );
    let actual = knot_codegen::surface::render(&surface, label.trim());
    check(&root, SNAPSHOT, &actual, "the generated API");
}

/// A minimal line diff (longest common subsequence), `-` old and `+` new.
fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        } else {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        }
    }
    out
}
