//! Knot's next spec as a release: what `knot-spec-update` decides and writes.
//!
//! From the vendored spec and a candidate: whether there is anything to release, the
//! version the diff's verdict asks for (0.x: breaking → the minor digit, anything else →
//! the patch digit), the changelog entry in words a user acts on, the reviewed API
//! listings, and the pull-request body. The checks that need cargo (the crate builds
//! against the candidate, the candidate's examples decode) and the writing of files are
//! the command's; this module only reads and computes, so it is tested in process.

use std::fmt::Write as _;
use std::path::Path;

use crate::diff::{self, Finding, Report, Semver};
use crate::{SpecError, generate_file, load, surface};

/// Where the reviewed listings live, relative to the crate root.
pub const API_SNAPSHOT: &str = "tests/snapshots/generated-api.txt";
/// progenitor's whole output for the vendored spec, relative to the crate root.
pub const PROGENITOR_SNAPSHOT: &str = "tests/snapshots/progenitor-seed.txt";
/// The vendored spec, relative to the crate root.
pub const VENDORED: &str = "openapi/openapi.yaml";

/// What a candidate spec makes of the crate.
#[derive(Debug, Clone)]
pub struct Release {
    /// The spec diff from the vendored spec to the candidate.
    pub report: Report,
    /// `knot-api`'s version now and after.
    pub version: (String, String),
    /// The API listing for the candidate (`tests/snapshots/generated-api.txt`).
    pub api_snapshot: String,
    /// progenitor's output for the candidate (`tests/snapshots/progenitor-seed.txt`).
    pub progenitor_snapshot: String,
    /// The changelog entry (Markdown, starting with its `##` heading).
    pub changelog: String,
}

/// The candidate is the vendored spec, byte for byte: nothing to release.
pub fn is_identical(root: &Path, candidate: &Path) -> std::io::Result<bool> {
    Ok(std::fs::read(root.join(VENDORED))? == std::fs::read(candidate)?)
}

/// The release `candidate` makes, for a crate at `version`. A candidate the pipeline
/// cannot take is an error naming what is wrong.
pub fn plan(root: &Path, candidate: &Path, version: &str) -> Result<Release, SpecError> {
    let vendored = root.join(VENDORED);
    let old = vendored.to_string_lossy();
    let new = candidate.to_string_lossy();
    let mut report = diff::diff_files(&old, &new)?;
    // Name the files as a reviewer sees them.
    report.old = VENDORED.to_owned();
    report.new = candidate
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| new.to_string());
    let generated = generate_file(&new)?;
    let info = |path: &str| -> Result<(String, String), SpecError> {
        let doc = load::load_file(path)?.doc;
        let text = |key: &str| doc["info"][key].as_str().unwrap_or_default().to_owned();
        Ok((text("title"), text("version")))
    };
    let (title, new_info) = info(&new)?;
    let (_, old_info) = info(&old)?;
    let label = format!("{title} {new_info}");
    let next = bump(version, report.semver);
    let changelog = changelog(&report, &next, (&old_info, &new_info));
    Ok(Release {
        api_snapshot: surface::render(&generated.surface, label.trim()),
        progenitor_snapshot: generated.client,
        version: (version.to_owned(), next),
        report,
        changelog,
    })
}

/// The version after a change of this kind. 0.x (README's policy): a breaking change bumps
/// the minor digit, anything else the patch digit; from 1.0, cargo's usual rules.
pub fn bump(version: &str, semver: Semver) -> String {
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .chain(std::iter::repeat(0))
        .take(3)
        .collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    match (major, semver) {
        (0, Semver::Major) => format!("0.{}.0", minor + 1),
        (0, _) => format!("0.{minor}.{}", patch + 1),
        (_, Semver::Major) => format!("{}.0.0", major + 1),
        (_, Semver::Minor) => format!("{major}.{}.0", minor + 1),
        (_, Semver::Patch) => format!("{major}.{minor}.{}", patch + 1),
    }
}

/// Rules the wire tolerates (a server ignores what it no longer reads) that still take
/// away something generated code offered: the setter, the method.
const BREAKS_RUST_CALLERS: &[&str] = &["request-property-removed", "parameter-removed"];

/// What a user changes in their code when a breaking rule fires.
fn advice(rule: &str) -> &'static str {
    match rule {
        "operation-removed" => "remove the calls to it; Knot no longer offers it",
        "parameter-became-required" | "required-parameter-added" => {
            "set the parameter on every call of the operation"
        }
        "parameter-removed" => "stop setting the parameter",
        "request-became-enum" => "send only the values the spec lists",
        "request-became-not-nullable" => "stop sending `null` for it",
        "request-body-added-required" | "request-body-became-required" => {
            "give the operation a body (`.body(..)`)"
        }
        "request-max-length-decreased" => "send shorter values",
        "request-pattern-added" => "send values that match the pattern",
        "request-property-became-required" | "request-required-property-added" => {
            "set the field with the body's builder on every request"
        }
        "request-property-removed" => "remove the builder call that sets it",
        "response-became-nullable" | "response-property-became-optional" => {
            "handle the field being absent (it is an `Option` now)"
        }
        "response-property-removed" => "stop reading the field",
        "success-status-removed" => "handle the answer the operation gives now",
        _ => "review the calls that use it",
    }
}

fn where_(finding: &Finding) -> String {
    match &finding.operation {
        Some(op) => format!("`{op}`: "),
        None => String::new(),
    }
}

/// The changelog entry for the release.
fn changelog(report: &Report, version: &str, info: (&str, &str)) -> String {
    let mut s = String::new();
    let kind = match report.semver {
        Semver::Major => "breaking: code may need the changes below",
        Semver::Minor => "additive: no code needs to change",
        Semver::Patch => "documentation only",
    };
    let _ = writeln!(s, "## {version}\n");
    let _ = writeln!(
        s,
        "Knot's spec {} → {} ({kind}).\n",
        info.0.trim(),
        info.1.trim()
    );
    // A change the wire tolerates can still remove what callers use in Rust (a setter, a
    // method): that is breaking for them too.
    let breaks = |f: &Finding| f.breaking || BREAKS_RUST_CALLERS.contains(&f.rule);
    let breaking: Vec<&Finding> = report.findings.iter().filter(|f| breaks(f)).collect();
    let added: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !breaks(f) && f.rule.ends_with("-added"))
        .collect();
    let changed: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| !breaks(f) && !f.rule.ends_with("-added"))
        .collect();
    if !breaking.is_empty() {
        let _ = writeln!(s, "### Breaking: what to change\n");
        for f in breaking {
            let _ = writeln!(s, "- {}{}: {}.", where_(f), f.message, advice(f.rule));
        }
        s.push('\n');
    }
    for (heading, findings) in [("Added", added), ("Changed", changed)] {
        if !findings.is_empty() {
            let _ = writeln!(s, "### {heading}\n");
            for f in findings {
                let _ = writeln!(s, "- {}{}.", where_(f), f.message);
            }
            s.push('\n');
        }
    }
    if !report.rust.is_empty() {
        let _ = writeln!(s, "### Generated Rust API\n");
        for c in &report.rust {
            let _ = writeln!(s, "- {}", c.message);
        }
        s.push('\n');
    }
    if report.findings.is_empty() && report.rust.is_empty() {
        let _ = writeln!(s, "Descriptions and examples only.\n");
    }
    s
}

/// The pull-request body: the diff report, the version and the changelog entry.
pub fn pr_body(release: &Release, checks: &[&str]) -> String {
    let mut s = diff::render_markdown(&release.report);
    let _ = writeln!(
        s,
        "\n#### Release\n\nknot-api {} → {}\n",
        release.version.0, release.version.1
    );
    for check in checks {
        let _ = writeln!(s, "- ✅ {check}");
    }
    let _ = writeln!(s, "\n#### Changelog entry\n\n{}", release.changelog);
    s
}

/// `CHANGELOG.md` with `entry` added as the newest release: after the introduction and
/// any `## Unreleased` section, before the releases.
pub fn with_entry(changelog: &str, entry: &str) -> String {
    let at = changelog
        .match_indices("\n## ")
        .map(|(i, _)| i + 1)
        .find(|&i| !changelog[i..].starts_with("## Unreleased"))
        .unwrap_or(changelog.len());
    let (intro, rest) = changelog.split_at(at);
    let intro = if intro.is_empty() {
        "# Changelog\n\n".to_owned()
    } else if intro.ends_with("\n\n") {
        intro.to_owned()
    } else {
        format!("{}\n\n", intro.trim_end())
    };
    format!("{intro}{entry}{rest}")
}

/// `Cargo.toml` text with the `[package]` version set to `version`.
pub fn with_package_version(manifest: &str, version: &str) -> String {
    let mut out = String::with_capacity(manifest.len());
    let mut in_package = false;
    let mut done = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        if in_package && !done && trimmed.starts_with("version") && trimmed.contains('=') {
            out.push_str(&format!("version = \"{version}\"\n"));
            done = true;
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The `[package]` version of a `Cargo.toml`.
pub fn package_version(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package && let Some(rest) = trimmed.strip_prefix("version") {
            return Some(
                rest.trim_start()
                    .strip_prefix('=')?
                    .trim()
                    .trim_matches('"')
                    .to_owned(),
            );
        }
    }
    None
}

/// `Cargo.toml` text with every `knot-codegen = { version = "..", path = "codegen" }`
/// requirement set to `version`.
pub fn with_codegen_requirement(manifest: &str, version: &str) -> String {
    manifest
        .split_inclusive('\n')
        .map(|line| {
            if line.trim_start().starts_with("knot-codegen")
                && let (Some(start), Some(_)) = (line.find("version = \""), line.find("path"))
            {
                let from = start + "version = \"".len();
                let end = from + line[from..].find('"').unwrap_or(0);
                format!("{}{version}{}", &line[..from], &line[end..])
            } else {
                line.to_owned()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_readme_policy() {
        assert_eq!(bump("0.1.0", Semver::Major), "0.2.0");
        assert_eq!(bump("0.1.3", Semver::Minor), "0.1.4");
        assert_eq!(bump("0.1.3", Semver::Patch), "0.1.4");
        assert_eq!(bump("1.2.3", Semver::Major), "2.0.0");
        assert_eq!(bump("1.2.3", Semver::Minor), "1.3.0");
    }

    #[test]
    fn manifests_are_edited_in_place() {
        let manifest = "[workspace]\nmembers = []\n\n[package]\nname = \"knot-api\"\nversion = \"0.1.0\"\n\n[build-dependencies]\nknot-codegen = { version = \"0.1.0\", path = \"codegen\" }\n";
        let bumped = with_package_version(manifest, "0.2.0");
        assert_eq!(package_version(&bumped).as_deref(), Some("0.2.0"));
        assert!(bumped.contains("knot-codegen = { version = \"0.1.0\""));
        let required = with_codegen_requirement(&bumped, "0.1.1");
        assert!(required.contains("knot-codegen = { version = \"0.1.1\", path = \"codegen\" }"));
        let log = with_entry(
            "# Changelog\n\nintro\n\n## 0.1.0\n\nold\n",
            "## 0.2.0\n\nnew\n\n",
        );
        assert_eq!(
            log,
            "# Changelog\n\nintro\n\n## 0.2.0\n\nnew\n\n## 0.1.0\n\nold\n"
        );
        let log = with_entry(
            "# Changelog\n\n## Unreleased\n\nwip\n",
            "## 0.2.0\n\nnew\n\n",
        );
        assert_eq!(
            log,
            "# Changelog\n\n## Unreleased\n\nwip\n\n## 0.2.0\n\nnew\n\n"
        );
    }
}
