fn main() {
    let path = std::env::args().nth(1).expect("spec path");
    if std::env::var("DUMP").is_ok() {
        dump(&path);
        return;
    }
    match knot_codegen::generate_file(&path) {
        Ok(g) => {
            for n in g.notes.summary() {
                eprintln!("note: {n}");
            }
            print!("{}", g.client);
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
#[allow(dead_code)]
fn dump(path: &str) {
    let mut p = knot_codegen::prepare_file(path).unwrap();
    knot_codegen::adapt::adapt(&mut p.doc, &mut p.notes);
    println!("{}", serde_json::to_string_pretty(&p.doc).unwrap());
}
