//! A bad spec gets a clear error, never a panic: random damage to the vendored spec
//! (values of the wrong kind, removed keys, dangling references, 3.1 constructs in odd
//! places) goes through the whole pipeline, which must return `Ok` or a one-line
//! `SpecError` naming the file.

use proptest::prelude::*;
use serde_json::{Value, json};

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
    ]
}

#[derive(Debug, Clone)]
enum Damage {
    Replace(usize, Value),
    Remove(usize),
}

fn damage() -> impl Strategy<Value = Vec<Damage>> {
    prop::collection::vec(
        prop_oneof![
            (any::<usize>(), replacement()).prop_map(|(i, v)| Damage::Replace(i, v)),
            any::<usize>().prop_map(Damage::Remove),
        ],
        1..4,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn damaged_specs_never_panic(damages in damage()) {
        let mut doc = seed();
        for d in damages {
            let mut all = Vec::new();
            pointers(&doc, String::new(), &mut all);
            match d {
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
            prop_assert!(message.starts_with("damaged.json: "), "{}", message);
            prop_assert!(!message.contains('\n'), "{}", message);
        }
    }
}
