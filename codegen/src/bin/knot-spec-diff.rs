//! `knot-spec-diff OLD NEW [--format text|json|markdown]`
//!
//! Compares two Knot spec files through the same loader and 3.1 handling as build.rs and
//! reports each change: where (method, path, JSON pointer, file:line), whether it breaks
//! existing clients at the OpenAPI level, what it does to the generated Rust API, and the
//! semver bump the crate needs.
//!
//! Exit code: 0 when nothing breaks, 1 when something breaks (an OpenAPI-level breaking
//! change, or a Rust API item removed or changed), 2 when a spec cannot be loaded or the
//! arguments are wrong.
//!
//! Maintainers run it from the workspace with `cargo run -p knot-codegen --bin knot-spec-diff -- OLD NEW`,
//! or install it with `cargo install knot-codegen --bin knot-spec-diff` (or `--path codegen`).

use std::process::ExitCode;

use knot_codegen::diff;

const USAGE: &str = "usage: knot-spec-diff OLD NEW [--format text|json|markdown]";

fn main() -> ExitCode {
    let mut paths = Vec::new();
    let mut format = "text".to_owned();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next() {
                Some(f) => format = f,
                None => return usage("--format needs a value"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other if other.starts_with("--format=") => {
                format = other["--format=".len()..].to_owned()
            }
            other if other.starts_with('-') => return usage(&format!("unknown option `{other}`")),
            path => paths.push(path.to_owned()),
        }
    }
    let [old, new] = paths.as_slice() else {
        return usage("expected two spec files");
    };
    if !matches!(format.as_str(), "text" | "json" | "markdown") {
        return usage(&format!("unknown format `{format}`"));
    }
    let report = match diff::diff_files(old, new) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::from(2);
        }
    };
    match format.as_str() {
        "json" => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("report serializes")
        ),
        "markdown" => print!("{}", diff::render_markdown(&report)),
        _ => print!("{}", diff::render_text(&report)),
    }
    if report.breaking {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("error: {problem}\n{USAGE}");
    ExitCode::from(2)
}
