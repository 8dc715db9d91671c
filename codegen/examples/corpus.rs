//! Developer tool: a folder of OpenAPI documents through the generator, one table row each.
//!
//! `cargo run -p knot-codegen --example corpus -- DIR [--compile|--check] [--oag]`
//!
//! Per document: size, operations, whether it generates (else the first error), the
//! note kinds and places, lines of Rust the library compiles, generation time and
//! seconds per megabyte, and the ratio of that time to progenitor alone: its own
//! build-script recipe (read the text, `generate_tokens`, `syn` and `prettyplease`) on
//! the document as knot-codegen adapts it, timed in the same run and build profile. `--compile` also builds knot-api from each document
//! (`KNOT_OPENAPI_SPEC`, target dir `target/corpus`, warmed once with the vendored spec,
//! so the figure is the crate's own rebuild). `--oag` adds openapi-generator's figures
//! for the same document when `openapi-generator-cli` is on PATH (`-g rust`, lines; with
//! `--compile`, its crate's rebuild with warm dependencies). `--check` runs `cargo check`
//! instead of `cargo build` (whether it compiles, in about half the time). Run it as a release build
//! (`--release`) for the generator's best time, as a debug build for what a default
//! build script gets.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Row {
    name: String,
    kb: u64,
    operations: usize,
    outcome: Result<Generated, String>,
    oag: Option<Result<(usize, Option<f64>), String>>,
}

struct Generated {
    kinds: usize,
    places: usize,
    lines: usize,
    seconds: f64,
    /// progenitor alone on the adapted document, or why it did not generate it.
    alone: Result<f64, String>,
    compile: Option<Result<f64, String>>,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let check = args.iter().any(|a| a == "--check");
    let compile = check || args.iter().any(|a| a == "--compile");
    let verb = if check { "check" } else { "build" };
    let oag = args.iter().any(|a| a == "--oag") && on_path("openapi-generator-cli");
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: corpus DIR [--compile|--check] [--oag]");
        std::process::exit(2);
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut docs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        })
        .collect();
    docs.sort();
    if compile {
        let warm = build_knot(&root, &root.join("openapi/openapi.yaml"), verb);
        eprintln!("warm-up build with the vendored spec: {warm:?}");
    }
    let mut rows = Vec::new();
    for doc in &docs {
        let name = doc.file_name().unwrap().to_string_lossy().into_owned();
        eprintln!("{name} ...");
        let kb = std::fs::metadata(doc).map(|m| m.len() / 1024).unwrap_or(0);
        let operations = knot_codegen::load::load_file(doc.to_str().unwrap())
            .map(|l| knot_codegen::spec::walk::operations(&l.doc).len())
            .unwrap_or(0);
        let start = Instant::now();
        let outcome = knot_codegen::generate_file(doc.to_str().unwrap())
            .map(|g| {
                let seconds = start.elapsed().as_secs_f64();
                let summary = g.notes.summary();
                Generated {
                    kinds: summary.len(),
                    places: summary.iter().map(|l| places(l)).sum(),
                    lines: [&g.client, &g.knot, &g.contract, &g.webhooks]
                        .iter()
                        .map(|s| s.lines().count())
                        .sum(),
                    seconds,
                    alone: progenitor_alone(doc),
                    compile: compile.then(|| build_knot(&root, doc, verb)),
                }
            })
            .map_err(|e| first_line(&e.to_string()));
        let oag = oag.then(|| openapi_generator(&root, doc, &name, compile.then_some(verb)));
        rows.push(Row {
            name,
            kb,
            operations,
            outcome,
            oag,
        });
    }
    print_table(&rows, compile, oag);
}

fn print_table(rows: &[Row], compile: bool, oag: bool) {
    let mut header = vec![
        "document",
        "KB",
        "ops",
        "generated",
        "note kinds",
        "note places",
        "lines",
        "gen s",
        "s/MB",
        "progenitor alone s",
        "gen / alone",
    ];
    if compile {
        header.push("build s");
    }
    if oag {
        header.push("oag lines");
        if compile {
            header.push("oag build s");
        }
    }
    println!("| {} |", header.join(" | "));
    println!("|{}", "---|".repeat(header.len()));
    for row in rows {
        let mut cells = vec![
            row.name.clone(),
            row.kb.to_string(),
            row.operations.to_string(),
        ];
        match &row.outcome {
            Ok(g) => {
                cells.push("yes".into());
                cells.push(g.kinds.to_string());
                cells.push(g.places.to_string());
                cells.push(g.lines.to_string());
                cells.push(format!("{:.1}", g.seconds));
                cells.push(format!(
                    "{:.2}",
                    g.seconds / (row.kb.max(1) as f64 / 1024.0)
                ));
                match g.alone {
                    Ok(alone) => {
                        cells.push(format!("{alone:.1}"));
                        cells.push(format!("{:.1}", g.seconds / alone));
                    }
                    Err(ref e) => cells.extend([format!("fails: {e}"), String::new()]),
                }
                if let Some(build) = &g.compile {
                    cells.push(match build {
                        Ok(s) => format!("{s:.0}"),
                        Err(e) => format!("fails: {e}"),
                    });
                }
            }
            Err(e) => {
                cells.push(format!("no: {}", e.replace('|', "\\|")));
                cells.extend(std::iter::repeat_n(String::new(), 7));
                if compile {
                    cells.push(String::new());
                }
            }
        }
        if let Some(oag) = &row.oag {
            match oag {
                Ok((lines, build)) => {
                    cells.push(lines.to_string());
                    if compile {
                        cells.push(build.map_or("fails".into(), |s| format!("{s:.0}")));
                    }
                }
                Err(e) => {
                    cells.push(format!("no: {e}"));
                    if compile {
                        cells.push(String::new());
                    }
                }
            }
        }
        println!("| {} |", cells.join(" | "));
    }
}

/// Seconds progenitor's own build-script recipe takes for `doc` as knot-codegen adapts
/// it: the adapted document is written in the format the file came in, then read
/// (`serde_yaml_ng` or `serde_json` into `openapiv3`), generated with default settings,
/// parsed by `syn` and printed by `prettyplease`. Only those steps are timed.
fn progenitor_alone(doc: &Path) -> Result<f64, String> {
    let mut prepared = knot_codegen::prepare_file(doc.to_str().unwrap())
        .map_err(|e| first_line(&e.to_string()))?;
    knot_codegen::adapt::adapt(&mut prepared.doc, &mut prepared.notes);
    let json = doc.extension().is_some_and(|e| e == "json");
    let text = if json {
        serde_json::to_string(&prepared.doc).map_err(|e| e.to_string())?
    } else {
        serde_yaml_ng::to_string(&prepared.doc).map_err(|e| e.to_string())?
    };
    knot_codegen::generate::progenitor::on_large_stack(|| {
        let start = Instant::now();
        let spec: openapiv3::OpenAPI = if json {
            serde_json::from_str(&text).map_err(|e| e.to_string())?
        } else {
            serde_yaml_ng::from_str(&text).map_err(|e| e.to_string())?
        };
        let tokens = std::panic::catch_unwind(|| {
            progenitor::Generator::new(&progenitor::GenerationSettings::default())
                .generate_tokens(&spec)
        })
        .map_err(|_| "progenitor panics".to_owned())?
        .map_err(|e| first_line(&e.to_string()))?;
        let file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
        let printed = prettyplease::unparse(&file);
        std::hint::black_box(printed);
        Ok(start.elapsed().as_secs_f64())
    })
}

/// Places a note line stands for: `at N places (first: ...)` or one.
fn places(line: &str) -> usize {
    line.rsplit_once(" at ")
        .and_then(|(_, rest)| rest.split_once(" places (first: "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or(1)
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    line.chars().take(160).collect()
}

/// Seconds to build (or check: `verb`) knot-api's library from `spec` in `target/corpus`.
fn build_knot(root: &Path, spec: &Path, verb: &str) -> Result<f64, String> {
    let start = Instant::now();
    let output = Command::new(cargo())
        .args([verb, "--quiet", "--lib", "-p", "knot-api"])
        .current_dir(root)
        .env("KNOT_OPENAPI_SPEC", spec)
        .env("CARGO_TARGET_DIR", root.join("target/corpus"))
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(start.elapsed().as_secs_f64())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error = stderr
            .lines()
            .find(|l| l.starts_with("error"))
            .unwrap_or("build failed");
        Err(first_line(error))
    }
}

/// openapi-generator's lines for `doc` and, with a cargo `verb`, its crate's rebuild time.
fn openapi_generator(
    root: &Path,
    doc: &Path,
    name: &str,
    verb: Option<&str>,
) -> Result<(usize, Option<f64>), String> {
    let out = root.join("target/corpus-oag").join(name.replace('.', "-"));
    let _ = std::fs::remove_dir_all(&out);
    let output = Command::new("openapi-generator-cli")
        .args(["generate", "-g", "rust", "--skip-validate-spec"])
        // Some documents' `info.version` is no semver version, which cargo refuses.
        .args(["--additional-properties", "packageVersion=0.1.0", "-i"])
        .arg(doc)
        .arg("-o")
        .arg(&out)
        // Large YAML documents exceed its parser's default limit.
        .env("JAVA_OPTS", "-DmaxYamlCodePoints=99999999")
        .output()
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err("generation failed".into());
    }
    let lines = rust_lines(&out.join("src"));
    let build = verb.map(|verb| {
        let cargo = |touch: bool| {
            if touch {
                let lib = out.join("src/lib.rs");
                let text = std::fs::read_to_string(&lib).unwrap_or_default();
                let _ = std::fs::write(&lib, text);
            }
            let start = Instant::now();
            Command::new(cargo())
                .args([verb, "--quiet", "--lib"])
                .current_dir(&out)
                .env("CARGO_TARGET_DIR", root.join("target/corpus-oag/target"))
                .status()
                .ok()
                .filter(|s| s.success())
                .map(|_| start.elapsed().as_secs_f64())
        };
        // The first build brings the dependencies; the second is the crate alone.
        cargo(false).and_then(|_| cargo(true))
    });
    Ok((lines, build.flatten()))
}

fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                rust_lines(&p)
            } else if p.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&p).map_or(0, |t| t.lines().count())
            } else {
                0
            }
        })
        .sum()
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// The cargo that runs this tool (`cargo run`), else the one on `PATH`.
fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}
