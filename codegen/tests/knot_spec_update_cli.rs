//! `knot-spec-update`: one candidate per class through the command, on a copy of the
//! workspace (a git repository of its own), asserting the version, the changelog entry,
//! the listings and the vendored spec, or the untouched tree where it refuses.
//!
//! The classes that need cargo (the crate built against the candidate, its examples run)
//! are `#[ignore]`d in the quick `cargo test --workspace` and run by `.ci/run`; they share
//! `target/spec-update`, so only the first builds the dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A committed copy of what the command reads and writes, with the test file the
/// example check runs.
fn tree(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("spec-update")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let root = workspace();
    for sub in [
        "src",
        "codegen/src",
        "openapi",
        "examples",
        "benches",
        "tests/snapshots",
    ] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "README.md",
        "CHANGELOG.md",
        "codegen/Cargo.toml",
        "codegen/README.md",
        "tests/spec_examples.rs",
    ] {
        std::fs::copy(root.join(file), dir.join(file)).unwrap();
    }
    git(&dir, &["init", "--quiet"]);
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "--message", "base"]);
    dir
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// The seed with `edit` applied to its text, written beside the tree.
fn candidate(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let seed = std::fs::read_to_string(workspace().join("openapi/openapi.yaml")).unwrap();
    let path = dir.with_extension(format!("{name}.yaml"));
    std::fs::write(&path, edit(seed)).unwrap();
    path
}

fn update(dir: &Path, candidate: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_knot-spec-update"))
        .arg(candidate)
        .args(["--root", dir.to_str().unwrap()])
        .args(extra)
        .env(
            "KNOT_SPEC_UPDATE_TARGET",
            workspace().join("target/spec-update"),
        )
        .output()
        .unwrap()
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

/// Refused: exit 1, the reason, and the tree as committed.
fn assert_refused(dir: &Path, output: &Output, reason: &str) {
    let shown = text(output);
    assert_eq!(output.status.code(), Some(1), "{shown}");
    assert!(shown.contains(reason), "{shown}");
    assert!(shown.contains("nothing was changed"), "{shown}");
    assert_eq!(git(dir, &["status", "--porcelain"]), "", "the tree changed");
}

#[test]
fn identical_and_unreadable_candidates_change_nothing() {
    let dir = tree("identical");
    let same = candidate(&dir, "same", |seed| seed);
    let output = update(&dir, &same, &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        text(&output).contains("nothing to release"),
        "{}",
        text(&output)
    );
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");

    let broken = candidate(&dir, "broken", |seed| {
        seed.replace("openapi: 3.1.0", "openapi: 4.0.0")
    });
    let output = update(&dir, &broken, &[]);
    assert_refused(&dir, &output, "cannot be read");
    assert!(text(&output).contains("unsupported OpenAPI version `4.0.0`"));
}

#[test]
fn a_dirty_tree_is_refused() {
    let dir = tree("dirty");
    std::fs::write(dir.join("README.md"), "changed").unwrap();
    let docs = candidate(&dir, "docs", |seed| {
        seed.replace("Successful request.", "OK.")
    });
    let output = update(&dir, &docs, &[]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(text(&output).contains("uncommitted changes"));
}

#[test]
#[ignore = "builds the crate against each candidate: run by .ci/run"]
fn each_class_of_candidate_becomes_its_release_or_is_refused() {
    // Additive: a new optional request field. knot-api 0.1.0 -> 0.1.1 (patch digit, 0.x).
    let dir = tree("additive");
    let additive = candidate(&dir, "additive", |seed| {
        seed.replace(
            "                external_user_id:\n",
            "                locale:\n                  type: string\n                  description: The user's language.\n                external_user_id:\n",
        )
    });
    let dry = update(&dir, &additive, &["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(
        text(&dry).contains("knot-api 0.1.0 → 0.1.1"),
        "{}",
        text(&dry)
    );
    assert!(text(&dry).contains("### Knot spec diff"), "{}", text(&dry));
    assert_eq!(
        git(&dir, &["status", "--porcelain"]),
        "",
        "a dry run writes nothing"
    );
    let output = update(&dir, &additive, &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        std::fs::read(dir.join("openapi/openapi.yaml")).unwrap(),
        std::fs::read(&additive).unwrap(),
        "vendored byte for byte"
    );
    assert!(read(&dir, "Cargo.toml").contains("name = \"knot-api\"\nversion = \"0.1.1\""));
    let changelog = read(&dir, "CHANGELOG.md");
    assert!(changelog.contains("## 0.1.1\n"), "{changelog}");
    assert!(changelog.contains("### Added\n"), "{changelog}");
    assert!(changelog.contains("`locale`"), "{changelog}");
    assert!(
        read(&dir, "tests/snapshots/generated-api.txt").contains("    locale: Option<String>\n")
    );
    // Again with the same candidate: nothing to release, nothing changes.
    git(&dir, &["add", "--all"]);
    git(&dir, &["commit", "--quiet", "--message", "release"]);
    let again = update(&dir, &additive, &[]);
    assert!(
        text(&again).contains("nothing to release"),
        "{}",
        text(&again)
    );
    assert_eq!(git(&dir, &["status", "--porcelain"]), "");

    // Breaking: a request field is removed. 0.1.0 -> 0.2.0, with what to change.
    let dir = tree("breaking");
    let breaking = candidate(&dir, "breaking", |seed| {
        let start = seed.find("                processor_token:\n").unwrap();
        let end = start + seed[start..].find("                metadata:\n").unwrap();
        format!("{}{}", &seed[..start], &seed[end..])
    });
    let output = update(&dir, &breaking, &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(read(&dir, "Cargo.toml").contains("name = \"knot-api\"\nversion = \"0.2.0\""));
    let changelog = read(&dir, "CHANGELOG.md");
    assert!(changelog.contains("## 0.2.0\n"), "{changelog}");
    assert!(
        changelog.contains("### Breaking: what to change"),
        "{changelog}"
    );
    assert!(
        changelog.contains("`processor_token`")
            && changelog.contains("remove the builder call that sets it"),
        "{changelog}"
    );

    // Documentation only: 0.1.0 -> 0.1.1.
    let dir = tree("docs");
    let docs = candidate(&dir, "docs", |seed| {
        seed.replace(
            "Your unique identifier for the user.",
            "Your identifier for the user.",
        )
    });
    let output = update(&dir, &docs, &[]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(read(&dir, "Cargo.toml").contains("name = \"knot-api\"\nversion = \"0.1.1\""));
    assert!(read(&dir, "CHANGELOG.md").contains("Descriptions and examples only."));

    // Examples that contradict the schema: refused, nothing changed.
    let dir = tree("nonconforming");
    let nonconforming = candidate(&dir, "nonconforming", |seed| {
        seed.replace(
            "external_user_id: abc123\n                  card_id:",
            "external_user_id: 42\n                  card_id:",
        )
    });
    let output = update(&dir, &nonconforming, &[]);
    assert_refused(&dir, &output, "contradicts its own examples");

    // A candidate the crate cannot be built from (a schema that is itself, an infinite
    // type): refused, nothing changed.
    let dir = tree("unbuildable");
    let unbuildable = candidate(&dir, "unbuildable", |seed| {
        seed.replace(
            "components:\n  schemas:\n",
            "components:\n  schemas:\n    Loop:\n      allOf:\n        - $ref: '#/components/schemas/Loop'\n",
        )
    });
    let output = update(&dir, &unbuildable, &[]);
    assert_refused(&dir, &output, "does not build");
}
