//! Reading schemas through their references: one place that follows `$ref`s and merges
//! `allOf`, for the contract extraction and the spec diff alike.

use serde_json::{Map, Value};

use crate::spec::pointer;

/// How many `$ref` hops are followed before giving up (cycles, long chains).
const MAX_HOPS: usize = 16;
/// How deep nested `allOf`s are merged.
const MAX_ALL_OF_DEPTH: usize = 8;

/// `value` with local `$ref`s followed; a reference that resolves to nothing stays as is
/// (the pipeline's check has already reported it), and so does a chain of references
/// that goes round in a circle (it stops before repeating itself).
pub fn deref<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    follow(doc, value, &[]).0
}

/// Follows `$ref`s from `value`, stopping before a reference in `avoid` or one already
/// followed. Returns where it stopped and the references followed, and whether it
/// stopped because of a cycle.
fn follow<'a>(
    doc: &'a Value,
    value: &'a Value,
    avoid: &[String],
) -> (&'a Value, Vec<String>, bool) {
    let mut current = value;
    let mut followed: Vec<String> = Vec::new();
    while let Some(reference) = current.get("$ref").and_then(Value::as_str) {
        let Some(target) = pointer::resolve(doc, reference) else {
            break;
        };
        let key = pointer::canonical(reference).unwrap_or_else(|| reference.to_owned());
        if followed.contains(&key) || avoid.contains(&key) || followed.len() >= MAX_HOPS {
            return (current, followed, true);
        }
        followed.push(key);
        current = target;
    }
    (current, followed, false)
}

/// A schema with `$ref`s followed and `allOf` parts merged into it: properties are
/// united (first definition wins), `required` lists joined, other keywords taken from the
/// first part that has them. A part that leads back to a schema being merged (a cycle the
/// pipeline's check refuses, but the spec diff may be given) contributes nothing.
pub fn flatten(doc: &Value, schema: &Value) -> Map<String, Value> {
    flatten_at(doc, schema, &mut Vec::new(), 0)
}

/// `merging`: the references being merged on the way here.
fn flatten_at(
    doc: &Value,
    schema: &Value,
    merging: &mut Vec<String>,
    depth: usize,
) -> Map<String, Value> {
    let (target, followed, cyclic) = follow(doc, schema, merging);
    if cyclic {
        return Map::new();
    }
    let mut map = target.as_object().cloned().unwrap_or_default();
    let Some(Value::Array(parts)) = map.remove("allOf") else {
        return map;
    };
    if depth >= MAX_ALL_OF_DEPTH {
        return map;
    }
    let before = merging.len();
    merging.extend(followed);
    for part in &parts {
        for (key, value) in flatten_at(doc, part, merging, depth + 1) {
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
    merging.truncate(before);
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cycles_are_cut_not_followed() {
        let doc = json!({ "components": { "schemas": {
            "Error": { "allOf": [
                { "$ref": "#/components/schemas/Error" },
                { "type": "object", "properties": { "code": { "type": "string" } } }
            ] },
            "A": { "$ref": "#/components/schemas/B" },
            "B": { "$ref": "#/components/schemas/A" },
            "Wide": { "allOf": [
                { "$ref": "#/components/schemas/Wide" }, { "$ref": "#/components/schemas/Wide" },
                { "$ref": "#/components/schemas/Wide" }, { "$ref": "#/components/schemas/Wide" },
                { "$ref": "#/components/schemas/Wide" }, { "$ref": "#/components/schemas/Wide" },
                { "$ref": "#/components/schemas/Wide" }, { "$ref": "#/components/schemas/Wide" },
                { "required": ["x"] }
            ] }
        } } });
        let error = flatten(&doc, &json!({ "$ref": "#/components/schemas/Error" }));
        assert_eq!(error["type"], "object");
        assert!(error["properties"].get("code").is_some());
        let a = json!({ "$ref": "#/components/schemas/A" });
        assert_eq!(
            deref(&doc, &a),
            &json!({ "$ref": "#/components/schemas/A" })
        );
        assert!(flatten(&doc, &a).is_empty());
        // Without the cut this is 8^8 merges.
        let wide = flatten(&doc, &json!({ "$ref": "#/components/schemas/Wide" }));
        assert_eq!(wide["required"], json!(["x"]));
    }
}
