//! The `knot-spec-diff` command: formats and exit codes. The rules themselves are covered
//! pair by pair in the workspace's `tests/spec_diff.rs`; this checks the binary's shell.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn workspace_file(path: &str) -> String {
    format!("{}/../{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn formats_and_exit_codes() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("knot-spec-diff-cli");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let old_doc = knot_codegen::load::load_file(&workspace_file("tests/fixtures/diff/base.yaml"))
        .unwrap()
        .doc;
    let mut new_doc = old_doc.clone();
    new_doc
        .pointer_mut(
            "/paths/~1session~1create/post/responses/200/content/application~1json/schema/properties",
        )
        .unwrap()
        .as_object_mut()
        .unwrap()
        .remove("status");
    let (old, new) = (
        dir.join("base-old.json"),
        dir.join("status-removed-new.json"),
    );
    std::fs::write(&old, serde_json::to_string_pretty(&old_doc).unwrap()).unwrap();
    std::fs::write(&new, serde_json::to_string_pretty(&new_doc).unwrap()).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_knot-spec-diff"))
            .args(args)
            .output()
            .unwrap()
    };
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());

    let text = run(&[old, new]);
    assert_eq!(text.status.code(), Some(1));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert!(stdout.contains("BREAKING POST /session/create"), "{stdout}");
    assert!(
        stdout.contains("response property `status` removed [response-property-removed]"),
        "{stdout}"
    );

    let json = run(&[old, new, "--format", "json"]);
    let report: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report["findings"][0]["rule"], "response-property-removed");
    assert_eq!(report["breaking"], true);
    assert_eq!(report["semver"], "major");
    assert!(
        report["findings"][0]["location"]
            .as_str()
            .unwrap()
            .contains("base-old.json")
    );

    let markdown = run(&[old, new, "--format", "markdown"]);
    assert!(
        String::from_utf8(markdown.stdout)
            .unwrap()
            .contains("| ❌ breaking |")
    );

    let same = run(&[old, old]);
    assert_eq!(same.status.code(), Some(0));

    let bad = workspace_file("tests/fixtures/bad/missing-ref.yaml");
    let broken = run(&[old, &bad]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        String::from_utf8(broken.stderr)
            .unwrap()
            .contains("resolves to nothing")
    );

    let usage = run(&["--format", "xml", old, new]);
    assert_eq!(usage.status.code(), Some(2));
}
