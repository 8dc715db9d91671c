//! A bad spec gets a clear error, never a panic or an abort: random damage to the vendored
//! spec (values of the wrong kind, removed keys, dangling references, references to any
//! place including the one they sit in or its ancestors, 3.1 constructs in odd places) goes through the whole pipeline, which
//! must return `Ok` or a one-line `SpecError` naming the file.
//!
//! Runs are reproducible. By default (CI) the cases saved in
//! `spec_robustness.proptest-regressions` run first, then 500 cases drawn from a fixed
//! seed. Two variables widen it locally:
//!
//! - `KNOT_DAMAGE_CASES=20000`: that many cases instead of 500;
//! - `KNOT_DAMAGE_SEED=random`: a fresh seed, printed on stderr (shown with
//!   `--nocapture`, and in the failure message), so a failure replays with
//!   `KNOT_DAMAGE_SEED=<that number>`; `KNOT_DAMAGE_SEED=<n>` uses seed `n`.
//!
//! A long run: `KNOT_DAMAGE_SEED=random KNOT_DAMAGE_CASES=20000 cargo test --release
//! --test codegen spec_robustness -- --nocapture`. Each shape a run has found is also a fixture
//! in `tests/fixtures/bad/` with its exact message (`tests/regeneration.rs`).

use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngAlgorithm, RngSeed};
use serde_json::{Value, json};

/// The seed CI uses.
const DEFAULT_SEED: u64 = 0x6b6e_6f74;
/// Cases per run in CI.
const DEFAULT_CASES: u32 = 500;

/// The seed of this run (`KNOT_DAMAGE_SEED`), chosen once.
fn run_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let seed = match std::env::var("KNOT_DAMAGE_SEED")
            .ok()
            .as_deref()
            .map(str::trim)
        {
            None | Some("") => DEFAULT_SEED,
            Some("random") => fastrand::u64(..),
            Some(n) => n.parse().unwrap_or_else(|_| {
                panic!("KNOT_DAMAGE_SEED must be a number or `random`, got `{n}`")
            }),
        };
        eprintln!("spec_robustness: KNOT_DAMAGE_SEED={seed}");
        seed
    })
}

fn config() -> ProptestConfig {
    let cases = std::env::var("KNOT_DAMAGE_CASES")
        .ok()
        .map(|n| {
            n.trim()
                .parse()
                .unwrap_or_else(|_| panic!("KNOT_DAMAGE_CASES must be a number, got `{n}`"))
        })
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        rng_algorithm: RngAlgorithm::ChaCha,
        rng_seed: RngSeed::Fixed(run_seed()),
        // `tests/codegen/spec_robustness.proptest-regressions`, replayed before new cases.
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

fn seed() -> Value {
    knot_codegen::load::load_file(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.yaml"))
        .unwrap()
        .doc
}

/// Every pointer in the document, so damage can land anywhere.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                pointers(
                    v,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        Just(json!(true)),
        Just(json!(42)),
        Just(json!("text")),
        Just(json!([])),
        Just(json!({})),
        Just(json!({ "$ref": "#/components/schemas/Missing" })),
        Just(json!({ "type": ["string", "null"] })),
        Just(json!({ "anyOf": [{ "type": "string" }, { "type": "null" }] })),
        Just(json!({ "oneOf": [{ "const": "a", "title": "A" }, { "const": "b" }] })),
        Just(json!({ "allOf": [{ "$ref": "#/components/schemas/Error" }, { "type": "object" }] })),
        Just(json!({ "type": "array", "prefixItems": [{ "type": "string" }] })),
        Just(json!({ "type": "integer", "exclusiveMinimum": 0, "examples": [1, 2] })),
        Just(json!({ "type": "string", "format": "date-time", "const": "x" })),
        Just(json!({ "type": "null" })),
        Just(json!(false)),
        // References to what is there: a cycle when they land in what they point to.
        Just(json!({ "$ref": "#/components/schemas/Error" })),
        Just(json!({ "oneOf": [{ "$ref": "#/components/schemas/Error" }, { "type": "string" }] })),
        Just(json!({ "anyOf": [{ "$ref": "#/components/schemas/Error" }, { "type": "null" }] })),
        Just(json!({ "type": "array", "items": { "$ref": "#/components/schemas/Error" } })),
        Just(
            json!({ "$ref": "#/paths/~1session~1create/post/requestBody/content/application~1json/schema" })
        ),
    ]
}

#[derive(Debug, Clone)]
enum Damage {
    Replace(usize, Value),
    Remove(usize),
    /// A reference at place `.0` to place `.1`, wrapped as `.2` says. When `.3`, the
    /// target is `.0` itself or one of its ancestors: a cycle, through whatever lies
    /// between (references only, or properties and items).
    Refer(usize, usize, Wrap, bool),
}

#[derive(Debug, Clone, Copy)]
enum Wrap {
    Ref,
    AllOf,
    OneOf,
    AnyOfNull,
    Items,
}

fn damage() -> impl Strategy<Value = Vec<Damage>> {
    let wrap = prop_oneof![
        Just(Wrap::Ref),
        Just(Wrap::AllOf),
        Just(Wrap::OneOf),
        Just(Wrap::AnyOfNull),
        Just(Wrap::Items),
    ];
    prop::collection::vec(
        prop_oneof![
            3 => (any::<usize>(), replacement()).prop_map(|(i, v)| Damage::Replace(i, v)),
            2 => any::<usize>().prop_map(Damage::Remove),
            1 => (any::<usize>(), any::<usize>(), wrap, any::<bool>())
                .prop_map(|(i, j, w, up)| Damage::Refer(i, j, w, up)),
        ],
        1..4,
    )
}

fn reference(target: &str, wrap: Wrap) -> Value {
    let r = json!({ "$ref": format!("#{target}") });
    match wrap {
        Wrap::Ref => r,
        Wrap::AllOf => json!({ "allOf": [r, { "type": "object" }] }),
        Wrap::OneOf => json!({ "oneOf": [{ "type": "string" }, r] }),
        Wrap::AnyOfNull => json!({ "anyOf": [r, { "type": "null" }] }),
        Wrap::Items => json!({ "type": "array", "items": r }),
    }
}

/// Prints each kind of refusal that used to abort the process (reference cycles, depth)
/// the first time a run meets it, so a long run shows which shapes it found. The kind of
/// a cycle is its chain of keywords, and whether it starts at a component schema.
fn first_sighting(message: &str) {
    static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let kind = if let Some((start, chain)) = message.split_once(" reaches itself") {
        let keywords: Vec<&str> = chain
            .split(": ")
            .nth(1)
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .split(" -> ")
            .map(|t| match t {
                "$ref" | "allOf" | "anyOf" | "oneOf" => t,
                _ => "_",
            })
            .collect();
        let place = if start.contains(": schema #/components/schemas/") {
            "component schema"
        } else {
            "other place"
        };
        format!("{place}: {}", keywords.join(" -> "))
    } else if message.contains("nests deeper") {
        "depth".to_owned()
    } else {
        return;
    };
    if SEEN.lock().unwrap().insert(kind.clone()) {
        eprintln!("spec_robustness: refused ({kind}): {message}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn damaged_specs_never_panic(damages in damage()) {
        let mut doc = seed();
        for d in damages {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            match d {
                Damage::Refer(i, j, wrap, up) => {
                    let at = all[i % all.len()].clone();
                    let target = if up {
                        // `at` itself or an ancestor (a prefix ending at a token boundary).
                        let mut ancestors: Vec<&str> = vec![at.as_str()];
                        ancestors.extend(at.match_indices('/').map(|(k, _)| &at[..k]));
                        ancestors[j % ancestors.len()].to_owned()
                    } else {
                        all[j % all.len()].clone()
                    };
                    let value = reference(&target, wrap);
                    if at.is_empty() { doc = value; } else if let Some(slot) = doc.pointer_mut(&at) { *slot = value; }
                }
                Damage::Replace(i, value) => {
                    let at = &all[i % all.len()];
                    if at.is_empty() { doc = value; } else if let Some(slot) = doc.pointer_mut(at) { *slot = value; }
                }
                Damage::Remove(i) => {
                    let at = all[i % all.len()].clone();
                    if let Some((parent, key)) = at.rsplit_once('/') {
                        let key = key.replace("~1", "/").replace("~0", "~");
                        match doc.pointer_mut(parent) {
                            Some(Value::Object(map)) => { map.remove(&key); }
                            Some(Value::Array(items)) => {
                                if let Ok(i) = key.parse::<usize>() && i < items.len() { items.remove(i); }
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        let text = serde_json::to_string(&doc).unwrap();
        let outcome = knot_codegen::load::load_str("damaged.json", &text)
            .and_then(knot_codegen::prepare)
            .and_then(knot_codegen::generate_prepared);
        if let Err(error) = outcome {
            let message = error.to_string();
            first_sighting(&message);
            let seed = run_seed();
            prop_assert!(message.starts_with("damaged.json: "), "KNOT_DAMAGE_SEED={}: {}", seed, message);
            prop_assert!(!message.contains('\n'), "KNOT_DAMAGE_SEED={}: {}", seed, message);
        }
    }
}
