//! Reading schemas through their references: one place that follows `$ref`s and merges
//! `allOf`, for the contract extraction and the spec diff alike.

use serde_json::{Map, Value};

use crate::pointer;

/// How many `$ref` hops are followed before giving up (cycles, long chains).
const MAX_HOPS: usize = 16;
/// How deep nested `allOf`s are merged.
const MAX_ALL_OF_DEPTH: usize = 8;

/// `value` with local `$ref`s followed; a reference that resolves to nothing stays as is
/// (the pipeline's check has already reported it).
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..MAX_HOPS {
        let Some(target) = current
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| pointer::resolve(doc, r))
        else {
            break;
        };
        current = target;
    }
    current
}

/// A schema with `$ref`s followed and `allOf` parts merged into it: properties are
/// united (first definition wins), `required` lists joined, other keywords taken from the
/// first part that has them.
pub fn flatten(doc: &Value, schema: &Value) -> Map<String, Value> {
    flatten_at(doc, schema, 0)
}

fn flatten_at(doc: &Value, schema: &Value, depth: usize) -> Map<String, Value> {
    let mut map = deref(doc, schema).as_object().cloned().unwrap_or_default();
    let Some(Value::Array(parts)) = map.remove("allOf") else {
        return map;
    };
    if depth >= MAX_ALL_OF_DEPTH {
        return map;
    }
    for part in &parts {
        for (key, value) in flatten_at(doc, part, depth + 1) {
            match (key.as_str(), map.get_mut(&key), value) {
                ("properties", Some(Value::Object(existing)), Value::Object(more)) => {
                    for (name, property) in more {
                        existing.entry(name).or_insert(property);
                    }
                }
                ("required", Some(Value::Array(existing)), Value::Array(more)) => {
                    existing.extend(more);
                }
                (_, Some(_), _) => {}
                (_, None, value) => {
                    map.insert(key, value);
                }
            }
        }
    }
    map
}

/// The strings of an array keyword such as `required` or `enum` (non-strings skipped).
pub fn strings<'a>(schema: &'a Map<String, Value>, keyword: &str) -> Vec<&'a str> {
    schema
        .get(keyword)
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}
