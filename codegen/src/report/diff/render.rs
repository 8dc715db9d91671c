//! Human-readable forms of a [`Report`]: text for terminals, Markdown for PR comments.

use std::fmt::Write as _;

use super::{Report, Semver};

/// Plain text, one line per change.
pub fn render_text(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "knot-spec-diff {} → {}", report.old, report.new);
    let _ = writeln!(s, "\nOpenAPI changes ({}):", report.findings.len());
    for f in &report.findings {
        let tag = if f.breaking { "BREAKING" } else { "ok      " };
        let op = f.operation_prefix();
        let _ = writeln!(
            s,
            "  {tag} {op}{}: {} [{}] ({})",
            f.pointer, f.message, f.rule, f.location
        );
    }
    let _ = writeln!(s, "\nGenerated Rust API ({}):", report.rust.len());
    for c in &report.rust {
        let _ = writeln!(
            s,
            "  {:<5} {}",
            format!("{:?}", c.impact).to_lowercase(),
            c.message
        );
    }
    let _ = writeln!(s, "\n{}", verdict(report));
    s
}

/// Markdown for a pull-request comment.
pub fn render_markdown(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "### Knot spec diff\n\n`{}` → `{}`\n\n**{}**\n",
        report.old,
        report.new,
        verdict(report)
    );
    let _ = writeln!(s, "#### OpenAPI changes\n");
    if report.findings.is_empty() {
        let _ = writeln!(s, "None.\n");
    } else {
        let _ = writeln!(s, "| | where | change | rule |\n|---|---|---|---|");
        for f in &report.findings {
            let icon = if f.breaking { "❌ breaking" } else { "✅" };
            let op = f.operation_prefix();
            let _ = writeln!(
                s,
                "| {icon} | {op}`{}` ({}) | {} | `{}` |",
                f.pointer,
                f.location,
                f.message.replace('|', "\\|"),
                f.rule
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "#### Generated Rust API\n");
    if report.rust.is_empty() {
        let _ = writeln!(s, "No change.");
    } else {
        for c in &report.rust {
            let _ = writeln!(s, "- **{:?}**: {}", c.impact, c.message.replace('|', "\\|"));
        }
    }
    s
}

fn verdict(report: &Report) -> String {
    let bump = match report.semver {
        Semver::Major => "major (0.x: bump the minor version)",
        Semver::Minor => "minor (0.x: bump the patch version)",
        Semver::Patch => "patch",
    };
    format!(
        "{}; semver: {bump}",
        if report.breaking {
            "BREAKING for existing clients"
        } else {
            "nothing breaks"
        }
    )
}
