//! Developer tool: run the pipeline on a spec and print a stage.
//!
//! `cargo run -p knot-codegen --example gen -- [--doc|--surface|--webhooks|--examples] SPEC`
//! prints the generated client (default), the converted 3.0 document, the API surface,
//! the webhook event enum, or the example table.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, path) = match args.as_slice() {
        [path] => ("client", path.as_str()),
        [flag, path] => (flag.trim_start_matches("--"), path.as_str()),
        _ => {
            eprintln!("usage: gen [--doc|--surface|--webhooks|--examples] SPEC");
            std::process::exit(2);
        }
    };
    let result = match mode {
        "doc" => knot_codegen::prepare_file(path).map(|mut p| {
            knot_codegen::adapt::adapt(&mut p.doc, &mut p.notes);
            serde_json::to_string_pretty(&p.doc).expect("JSON serializes")
        }),
        _ => knot_codegen::generate_file(path).map(|g| {
            for note in g.notes.summary() {
                eprintln!("note: {note}");
            }
            if mode == "webhooks" {
                g.webhooks
            } else if mode == "examples" {
                g.examples
            } else if mode == "surface" {
                let surface = knot_codegen::surface::extract(&g.client).expect("parses");
                knot_codegen::surface::render(&surface, path)
            } else {
                g.client
            }
        }),
    };
    match result {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
