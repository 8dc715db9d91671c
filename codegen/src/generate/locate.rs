//! Where progenitor fails. It does not say, so the place is found by generating parts
//! of the document: a component schema with the schemas it references, and operations
//! halved until one is left (a few dozen runs for hundreds of operations, each with
//! only the schemas its operations reach). The salvage uses these searches to leave the
//! failing part out; a document still refused gets its error message from here.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::progenitor::{Failure, probe};
use crate::markers::ORIGIN;
use crate::spec::pointer::join;
use crate::spec::walk::{self, OperationRef};

/// The error message for `failure` of `doc`, naming the schema or operation at fault
/// when one is found.
pub fn message(doc: &Value, failure: Failure) -> String {
    let at = || {
        locate(doc)
            .map(|at| format!(" at {at}"))
            .unwrap_or_default()
    };
    match failure {
        Failure::Invalid(message) => message,
        Failure::Panicked(first) => format!(
            "progenitor cannot generate this spec{} (it panicked: {first}); simplify that construct",
            at()
        ),
        Failure::Rejected(e) => format!("progenitor rejected the spec{}: {e}", at()),
    }
}

/// The first component schema that fails with the schemas it references, else the
/// first operation that fails on its own.
fn locate(doc: &Value) -> Option<String> {
    let all = component_names(doc);
    if probe(&schemas_only(doc, &all)).is_err() {
        for name in &all {
            if probe(&schemas_only(doc, &walk::referenced_schemas(doc, name))).is_err() {
                return Some(schema_place(doc, name));
            }
        }
    }
    let operations = walk::operations(doc);
    failing_operations(doc, &operations)
        .into_iter()
        .next()
        .map(|(op, _)| format!("{} ({})", op.pointer, op.label()))
}

/// The pointer a note gives for component schema `name`: where it came from when the
/// pipeline moved it there, else its place in the components.
pub fn schema_place(doc: &Value, name: &str) -> String {
    let at = join("#/components/schemas", name);
    walk::pointer_get(doc, &at)
        .and_then(|s| s.get(ORIGIN))
        .and_then(Value::as_str)
        .map_or(at, str::to_owned)
}

/// The names of `doc`'s component schemas.
pub fn component_names(doc: &Value) -> BTreeSet<String> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| schemas.keys().cloned().collect())
        .unwrap_or_default()
}

/// A document of `doc`'s component schemas named in `names`, and nothing else to
/// generate.
pub fn schemas_only(doc: &Value, names: &BTreeSet<String>) -> Value {
    let mut candidate = json!({
        "openapi": doc.get("openapi").cloned().unwrap_or(Value::Null),
        "info": doc.get("info").cloned().unwrap_or(Value::Null),
        "paths": {},
    });
    candidate["components"]["schemas"] = Value::Object(kept_schemas(doc, names));
    candidate
}

fn kept_schemas(doc: &Value, names: &BTreeSet<String>) -> Map<String, Value> {
    doc.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(name, _)| names.contains(*name))
        .map(|(name, schema)| (name.clone(), schema.clone()))
        .collect()
}

/// `doc` with only `ops` as operations and, when `lean`, only the component schemas
/// they reach.
pub fn with_operations(doc: &Value, ops: &[OperationRef], lean: bool) -> Value {
    let mut candidate = doc.clone();
    let mut paths = Map::new();
    for op in ops {
        let Some(Value::Object(item)) = doc["paths"].get(&op.path) else {
            continue;
        };
        let entry = paths.entry(op.path.clone()).or_insert_with(|| {
            let shared = item
                .iter()
                .filter(|(key, _)| !walk::METHODS.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()));
            Value::Object(shared.collect())
        });
        if let Some(operation) = item.get(&op.method) {
            entry[&op.method] = operation.clone();
        }
    }
    candidate["paths"] = Value::Object(paths);
    if lean && candidate.pointer("/components/schemas").is_some() {
        let reached = reachable_schemas(doc, &candidate["paths"]);
        candidate["components"]["schemas"] = Value::Object(kept_schemas(doc, &reached));
    }
    candidate
}

/// The operations of `ops` that fail, each with progenitor's complaint: halves that
/// generate are set aside whole, and a single failing operation is confirmed with every
/// component schema present (so leaving schemas out never blames an operation).
pub fn failing_operations(doc: &Value, ops: &[OperationRef]) -> Vec<(OperationRef, Failure)> {
    if ops.is_empty() {
        return Vec::new();
    }
    let Err(failure) = probe(&with_operations(doc, ops, true)) else {
        return Vec::new();
    };
    if let [op] = ops {
        return match probe(&with_operations(doc, ops, false)) {
            Err(_) => vec![(op.clone(), failure)],
            Ok(_) => Vec::new(),
        };
    }
    let (first, second) = ops.split_at(ops.len() / 2);
    let mut failing = failing_operations(doc, first);
    failing.extend(failing_operations(doc, second));
    failing
}

/// Component schemas reached from `from` through `$ref`s, also through other
/// components (responses, parameters, request bodies) on the way.
fn reachable_schemas(doc: &Value, from: &Value) -> BTreeSet<String> {
    let mut schemas = BTreeSet::new();
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    walk::refs(from, "#/paths", &mut found);
    while let Some((reference, _)) = found.pop() {
        let Some(rest) = reference.strip_prefix("#/components/") else {
            continue;
        };
        let mut segments = rest.splitn(3, '/');
        let (Some(kind), Some(name)) = (segments.next(), segments.next()) else {
            continue;
        };
        let component = format!("#/components/{kind}/{name}");
        if !seen.insert(component.clone()) {
            continue;
        }
        if kind == "schemas" {
            schemas.insert(crate::spec::pointer::unescape(name));
        }
        if let Some(target) = walk::pointer_get(doc, &component) {
            walk::refs(target, &component, &mut found);
        }
    }
    schemas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lean_candidates_keep_the_schemas_their_operations_reach_and_find_the_failing_one() {
        let doc = json!({
            "openapi": "3.0.3", "info": { "title": "x", "version": "1" },
            "paths": {
                "/a": { "parameters": [], "get": { "operationId": "a", "responses": {
                    "200": { "$ref": "#/components/responses/A" } } } },
                "/b": { "get": { "operationId": "b",
                    "parameters": [{ "name": "q", "in": "query", "schema": { "not": { "type": "string" } } }],
                    "responses": { "200": { "description": "b" } } } }
            },
            "components": {
                "responses": { "A": { "description": "a", "content": { "application/json": {
                    "schema": { "$ref": "#/components/schemas/Outer" } } } } },
                "schemas": {
                    "Outer": { "type": "object", "properties": {
                        "inner": { "$ref": "#/components/schemas/In~1ner" } } },
                    "In/ner": { "type": "string" },
                    "Unused": { "type": "string" }
                }
            }
        });
        let ops = walk::operations(&doc);
        let only_a: Vec<_> = ops.iter().filter(|o| o.path == "/a").cloned().collect();
        let lean = with_operations(&doc, &only_a, true);
        assert_eq!(
            lean["paths"],
            json!({ "/a": { "parameters": [], "get": doc["paths"]["/a"]["get"] } })
        );
        let kept: Vec<&String> = lean["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(kept, ["Outer", "In/ner"]);
        let full = with_operations(&doc, &only_a, false);
        assert_eq!(full["components"], doc["components"]);
        let failing = failing_operations(&doc, &ops);
        assert_eq!(failing.len(), 1, "{failing:?}");
        assert_eq!(failing[0].0.path, "/b");
        assert!(matches!(failing[0].1, Failure::Panicked(_)), "{failing:?}");
    }
}
