//! Developer tool: run the pipeline on a spec and print a stage.
//!
//! `cargo run -p knot-codegen --example gen -- [--doc|--knot|--surface|--webhooks|--examples|--contract] SPEC`
//! prints progenitor's client (default), the adapted 3.0 document, knot-codegen's code
//! beside it, the API surface, the webhook event enum, the example table or the contract.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (mode, path) = match args.as_slice() {
        [path] => ("client", path.as_str()),
        [flag, path] => (flag.trim_start_matches("--"), path.as_str()),
        _ => {
            eprintln!("usage: gen [--doc|--knot|--surface|--webhooks|--examples|--contract] SPEC");
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
            match mode {
                "knot" => g.knot,
                "webhooks" => g.webhooks,
                "examples" => g.examples,
                "contract" => g.contract,
                "surface" => knot_codegen::surface::render(&g.surface, path),
                _ => g.client,
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
