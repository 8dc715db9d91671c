//! Generation catches progenitor's panics without losing anyone else's: a hook the
//! program installed still sees every panic outside generation, also after generations
//! on several threads at once. (Its own test binary: the panic hook is process-wide.)

use std::sync::atomic::{AtomicUsize, Ordering};

static SEEN: AtomicUsize = AtomicUsize::new(0);

/// A spec on which progenitor panics (a `not` schema), salvaged with a note.
const PANICKING: &str = r#"
openapi: 3.0.3
info: {title: x, version: 1.0.0}
paths:
  /a:
    get:
      operationId: a
      parameters:
        - {name: q, in: query, schema: {not: {type: string}}}
      responses:
        '200': {description: ok}
"#;

fn generate() {
    let loaded = knot_codegen::load::load_str("panicking.yaml", PANICKING).unwrap();
    let generated = knot_codegen::generate_prepared(knot_codegen::prepare(loaded).unwrap())
        .expect("the salvage leaves the parameter out");
    assert!(!generated.notes.is_empty());
}

fn panic_elsewhere() {
    std::thread::spawn(|| panic!("a panic outside generation"))
        .join()
        .expect_err("it panicked");
}

#[test]
fn the_programs_panic_hook_sees_every_panic_outside_generation() {
    std::panic::set_hook(Box::new(|_| {
        SEEN.fetch_add(1, Ordering::SeqCst);
    }));
    generate();
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        0,
        "generation's panics stay quiet"
    );
    panic_elsewhere();
    assert_eq!(SEEN.load(Ordering::SeqCst), 1);

    let threads: Vec<_> = (0..4).map(|_| std::thread::spawn(generate)).collect();
    for thread in threads {
        thread.join().unwrap();
    }
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        1,
        "still quiet on four threads"
    );
    panic_elsewhere();
    assert_eq!(
        SEEN.load(Ordering::SeqCst),
        2,
        "and the hook is still there"
    );
}
