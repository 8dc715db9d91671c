//! Structural checks that must pass before any conversion: the document is not nested
//! absurdly deep, references resolve and never go round in a circle, every operation has
//! a unique name, path items are inline.
//!
//! progenitor and typify panic on some of these (a `$ref` to a missing schema, a path item
//! given by `$ref`) and overflow the stack on others (a schema that reaches itself only
//! through references), so they are caught here and reported with their location instead.
//! [`depth`] and [`cycles`] are also run by [`crate::generate::progenitor`] itself, for documents
//! that reach it without this check.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::notes::Notes;
use crate::spec::pointer::{self, join};
use crate::spec::walk;

/// Checks `doc` in place, deriving missing `operationId`s (recorded in `notes`) and
/// inlining local path-item references. Returns the first problem as a message.
pub fn check(doc: &mut Value, notes: &mut Notes) -> Result<(), String> {
    depth(doc, MAX_DEPTH)?;
    check_paths_shape(doc)?;
    inline_path_item_refs(doc)?;
    check_refs(doc)?;
    cycles(doc)?;
    name_operations(doc, notes)?;
    Ok(())
}

/// How deeply a document may nest mappings and sequences. Every recursive walk of the
/// pipeline (and progenitor's) goes at most this deep into the document, so none can
/// exhaust a thread's stack. Real specs stay far below it (Knot's nests 13 levels); the
/// YAML loader stops at 128.
pub const MAX_DEPTH: usize = 64;

/// What the later steps accept: conversion adds a level or two where it wraps a `$ref`
/// or a type list in `allOf`/`anyOf`, so a document that passed [`check`] always passes.
pub const MAX_CONVERTED_DEPTH: usize = 2 * MAX_DEPTH;

/// Refuses a document nested deeper than `limit` ([`MAX_DEPTH`] for input), naming the
/// first place too deep. Iterative, so it is safe on any input.
pub fn depth(doc: &Value, limit: usize) -> Result<(), String> {
    let mut stack = vec![(doc, String::from("#"), 0usize)];
    while let Some((value, at, level)) = stack.pop() {
        let children: Vec<(&Value, String)> = match value {
            Value::Object(map) => map.iter().map(|(k, v)| (v, join(&at, k))).collect(),
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (v, format!("{at}/{i}")))
                .collect(),
            _ => continue,
        };
        if level >= limit && !children.is_empty() {
            return Err(format!(
                "the document nests deeper than {limit} levels at {at}; flatten it with named component schemas"
            ));
        }
        // Reversed, so the first place reported is the first in document order.
        stack.extend(children.into_iter().rev().map(|(v, at)| (v, at, level + 1)));
    }
    Ok(())
}

/// Keywords that combine schemas without containing them: a schema that reaches itself
/// through these (and `$ref`) alone is an infinite type, not a recursive data structure.
const COMBINATORS: [&str; 3] = ["allOf", "anyOf", "oneOf"];

/// Refuses a schema (or any referenced object) that reaches itself only through `$ref`
/// and `allOf`/`anyOf`/`oneOf`, naming it and the chain: `Error -> allOf -> Error`.
/// Recursion through a property, array items or map values (a tree, a linked list) is
/// fine: the data it describes is finite, and progenitor generates it with a `Box`.
///
/// Every such cycle contains a `$ref` edge, so a depth-first search from each reference
/// target (component schemas first, in document order) finds them all. Iterative, with
/// each place visited once: linear in the number of references.
pub fn cycles(doc: &Value) -> Result<(), String> {
    let mut starts: Vec<String> = Vec::new();
    if let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") {
        starts.extend(
            schemas
                .keys()
                .map(|name| join("#/components/schemas", name)),
        );
    }
    let mut found = Vec::new();
    walk::refs(doc, "#", &mut found);
    starts.extend(
        found
            .iter()
            .filter_map(|(reference, _)| pointer::canonical(reference)),
    );
    // Finished places: every path out of them has been followed and none loops.
    let mut done: HashSet<String> = HashSet::new();
    for start in starts {
        if done.contains(&start) {
            continue;
        }
        let Some(value) = pointer::resolve(doc, &start) else {
            continue;
        };
        if let Some(cycle) = search(doc, start, value, &mut done) {
            return Err(describe_cycle(&cycle));
        }
    }
    Ok(())
}

/// One step of a reference-only path: the keyword taken (`$ref`, `allOf`, ...) and the
/// place it leads to.
type Step = (&'static str, String);

/// The places one reference-only step away from `value` (at `at`).
fn steps<'a>(doc: &'a Value, at: &str, value: &'a Value) -> Vec<(Step, &'a Value)> {
    let mut out = Vec::new();
    let Value::Object(map) = value else {
        return out;
    };
    if let Some(Value::String(reference)) = map.get("$ref")
        && let (Some(target_at), Some(target)) = (
            pointer::canonical(reference),
            pointer::resolve(doc, reference),
        )
    {
        out.push((("$ref", target_at), target));
    }
    for keyword in COMBINATORS {
        if let Some(Value::Array(parts)) = map.get(keyword) {
            for (i, part) in parts.iter().enumerate() {
                out.push(((keyword, format!("{}/{i}", join(at, keyword))), part));
            }
        }
    }
    out
}

/// Depth-first search from `start`; returns the steps of the first cycle found, starting
/// and ending at the same place (the first step's place is where the cycle starts).
fn search(
    doc: &Value,
    start: String,
    value: &Value,
    done: &mut HashSet<String>,
) -> Option<Vec<Step>> {
    // The current path: how each place was entered, and the steps still to take from it.
    let mut path: Vec<(Step, Vec<(Step, &Value)>)> = Vec::new();
    let mut on_path: HashMap<String, usize> = HashMap::new();
    on_path.insert(start.clone(), 0);
    let mut first = steps(doc, &start, value);
    // Taken from the end: reversed, so places are explored in document order.
    first.reverse();
    path.push((("", start), first));
    while let Some((_, pending)) = path.last_mut() {
        let Some(((keyword, next_at), next)) = pending.pop() else {
            let ((_, finished), _) = path.pop().expect("non-empty path");
            on_path.remove(&finished);
            done.insert(finished);
            continue;
        };
        if let Some(&index) = on_path.get(&next_at) {
            // Back to a place on the path: the cycle is the path from there, plus this step.
            let mut cycle: Vec<Step> = path[index..]
                .iter()
                .map(|((keyword, at), _)| (*keyword, at.clone()))
                .collect();
            cycle[0].0 = "";
            cycle.push((keyword, next_at));
            return Some(cycle);
        }
        if done.contains(&next_at) {
            continue;
        }
        let mut onward = steps(doc, &next_at, next);
        onward.reverse();
        on_path.insert(next_at.clone(), path.len());
        path.push(((keyword, next_at), onward));
    }
    None
}

/// `schema #/components/schemas/Error reaches itself only through references: Error ->
/// allOf -> Error; ...`. The cycle is turned to start at a component schema if it has
/// one; places entered by `$ref` are named, inline parts show as the keyword that holds
/// them.
fn describe_cycle(cycle: &[Step]) -> String {
    // cycle[0] and cycle[last] are the same place; rotate over the distinct ones.
    let places = &cycle[1..];
    let is_schema = |at: &str| {
        at.strip_prefix("#/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'))
    };
    let n = places.len();
    // Where the search came in (the last place), else a component schema, else a place
    // entered by `$ref`.
    let start = Some(n - 1)
        .filter(|&i| is_schema(&places[i].1))
        .or_else(|| places.iter().position(|(_, at)| is_schema(at)))
        .or_else(|| places.iter().position(|(keyword, _)| *keyword == "$ref"))
        .unwrap_or(n - 1);
    let order: Vec<&Step> = (0..=n).map(|i| &places[(start + i) % n]).collect();
    let label = |at: &str| {
        if is_schema(at) {
            crate::spec::pointer::unescape(at.rsplit('/').next().unwrap_or(at))
        } else {
            at.to_owned()
        }
    };
    let start_at = &order[0].1;
    let mut chain = vec![label(start_at)];
    let mut previous_named = true;
    for (keyword, at) in &order[1..] {
        let named = *keyword == "$ref" || is_schema(at);
        if *keyword != "$ref" || previous_named {
            chain.push((*keyword).to_owned());
        }
        if named {
            chain.push(label(at));
        }
        previous_named = named;
    }
    let what = if is_schema(start_at) { "schema " } else { "" };
    format!(
        "{what}{start_at} reaches itself only through references: {}; recursion must go through a property or array items",
        chain.join(" -> ")
    )
}

fn check_paths_shape(doc: &Value) -> Result<(), String> {
    match doc.get("paths") {
        None | Some(Value::Object(_)) => {}
        Some(other) => return Err(format!("#/paths must be a mapping, found {}", kind(other))),
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            if !path.starts_with('/') {
                return Err(format!(
                    "path `{path}` at {} must start with `/`",
                    join("#/paths", path)
                ));
            }
            if !item.is_object() {
                return Err(format!(
                    "path item at {} must be a mapping, found {}",
                    join("#/paths", path),
                    kind(item)
                ));
            }
        }
    }
    Ok(())
}

fn inline_path_item_refs(doc: &mut Value) -> Result<(), String> {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return Ok(());
    };
    let mut replacements = Vec::new();
    for (path, item) in paths {
        if let Some(Value::String(r)) = item.get("$ref") {
            let at = join("#/paths", path);
            if !r.starts_with('#') {
                return Err(format!(
                    "external `$ref` `{r}` at {at} is not supported; bundle the spec into one file"
                ));
            }
            let target = pointer::resolve(doc, r)
                .ok_or_else(|| format!("`$ref` `{r}` used at {at} resolves to nothing"))?;
            replacements.push((path.clone(), target.clone()));
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, target) in replacements {
            paths.insert(path, target);
        }
    }
    Ok(())
}

fn check_refs(doc: &Value) -> Result<(), String> {
    let mut found = Vec::new();
    walk::refs(doc, "#", &mut found);
    for (reference, at) in found {
        if !reference.starts_with('#') {
            return Err(format!(
                "external `$ref` `{reference}` at {at} is not supported; bundle the spec into one file"
            ));
        }
        if pointer::resolve(doc, &reference).is_none() {
            return Err(format!(
                "`$ref` `{reference}` used at {at} resolves to nothing"
            ));
        }
    }
    Ok(())
}

fn name_operations(doc: &mut Value, notes: &mut Notes) -> Result<(), String> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let ops = walk::operations(doc);
    // Explicit names first, so a derived name never takes one the spec gave.
    for op in &ops {
        let operation = walk::pointer_get(doc, &op.pointer).expect("listed operation exists");
        match operation.get("operationId") {
            Some(Value::String(id)) if !id.trim().is_empty() => {
                if let Some(other) = seen.insert(id.clone(), op.label()) {
                    return Err(format!(
                        "operationId `{id}` is used by both {other} and {}",
                        op.label()
                    ));
                }
            }
            Some(Value::String(_)) | None => {}
            Some(other) => {
                return Err(format!(
                    "operationId at {}/operationId must be a string, found {}",
                    op.pointer,
                    kind(other)
                ));
            }
        }
    }
    for op in &ops {
        let operation = walk::pointer_get(doc, &op.pointer).expect("listed operation exists");
        let has_id = matches!(operation.get("operationId"), Some(Value::String(id)) if !id.trim().is_empty());
        if has_id {
            continue;
        }
        let derived = derive_operation_id(&op.method, &op.path);
        if let Some(other) = seen.insert(derived.clone(), op.label()) {
            return Err(format!(
                "{} has no operationId and the derived name `{derived}` is taken by {other}; add an operationId",
                op.label()
            ));
        }
        notes.add(
            "operation without an operationId: named after its method and path",
            op.pointer.clone(),
        );
        if let Some(Value::Object(map)) = walk::pointer_get_mut(doc, &op.pointer) {
            map.insert("operationId".into(), Value::String(derived));
        }
    }
    Ok(())
}

/// A stable name for an operation without `operationId`: method and path segments,
/// `{param}` becoming `by_param` (`GET /users/{id}` is `get_users_by_id`).
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let mut parts = vec![method.to_lowercase()];
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (prefix, name) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => ("by_", param),
            None => ("", segment),
        };
        let cleaned: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        let cleaned = cleaned.trim_matches('_').to_owned();
        if !cleaned.is_empty() {
            parts.push(format!("{prefix}{cleaned}"));
        }
    }
    if parts.len() == 1 {
        parts.push("root".into());
    }
    parts.join("_")
}

/// A short word for a JSON value's kind, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle_message(doc: serde_json::Value) -> Option<String> {
        cycles(&doc).err()
    }

    #[test]
    fn reference_only_cycles_are_named_with_their_chain() {
        use serde_json::json;
        let schemas = |s| json!({ "components": { "schemas": s } });
        let r = |name: &str| json!({ "$ref": format!("#/components/schemas/{name}") });
        let tail = "; recursion must go through a property or array items";
        assert_eq!(
            cycle_message(schemas(
                json!({ "Error": { "allOf": [r("Error"), { "type": "object" }] } })
            )),
            Some(format!(
                "schema #/components/schemas/Error reaches itself only through references: Error -> allOf -> Error{tail}"
            ))
        );
        assert_eq!(
            cycle_message(schemas(
                json!({ "A": { "allOf": [r("B")] }, "B": { "allOf": [r("A")] } })
            )),
            Some(format!(
                "schema #/components/schemas/A reaches itself only through references: A -> allOf -> B -> allOf -> A{tail}"
            ))
        );
        assert_eq!(
            cycle_message(schemas(json!({ "A": r("B"), "B": r("A") }))),
            Some(format!(
                "schema #/components/schemas/A reaches itself only through references: A -> $ref -> B -> $ref -> A{tail}"
            ))
        );
        assert_eq!(
            cycle_message(schemas(
                json!({ "A": { "oneOf": [{ "type": "string" }, { "anyOf": [r("A")] }] } })
            )),
            Some(format!(
                "schema #/components/schemas/A reaches itself only through references: A -> oneOf -> anyOf -> A{tail}"
            ))
        );
        // A place that is not a component schema.
        assert_eq!(
            cycle_message(
                json!({ "components": { "responses": { "R": { "$ref": "#/components/responses/R" } } } })
            ),
            Some(format!(
                "#/components/responses/R reaches itself only through references: #/components/responses/R -> $ref -> #/components/responses/R{tail}"
            ))
        );
        // Trees and lists recurse through containers: fine.
        assert_eq!(
            cycle_message(schemas(json!({
                "Node": { "type": "object", "properties": {
                    "children": { "type": "array", "items": r("Node") },
                    "next": { "allOf": [r("Node")] },
                    "labels": { "type": "object", "additionalProperties": r("Node") } } },
                "Uses": { "allOf": [r("Node"), r("Node")] }
            }))),
            None
        );
    }

    #[test]
    fn depth_is_limited_without_recursion() {
        let mut doc = serde_json::json!(1);
        for _ in 0..100_000 {
            doc = Value::Array(vec![doc]);
        }
        let error = depth(&doc, MAX_DEPTH).unwrap_err();
        assert!(
            error.starts_with("the document nests deeper than 64 levels at #/0/0/0/"),
            "{error}"
        );
        // Dropping a value this deep recursively would overflow the test's stack.
        std::mem::forget(doc);
        let mut doc = serde_json::json!(1);
        for _ in 0..MAX_DEPTH {
            doc = Value::Object([("a".to_owned(), doc)].into_iter().collect());
        }
        assert_eq!(depth(&doc, MAX_DEPTH), Ok(()));
    }

    #[test]
    fn derived_operation_ids_are_stable_and_readable() {
        assert_eq!(
            derive_operation_id("post", "/session/create"),
            "post_session_create"
        );
        assert_eq!(
            derive_operation_id("GET", "/users/{id}/cards"),
            "get_users_by_id_cards"
        );
        assert_eq!(derive_operation_id("get", "/"), "get_root");
        assert_eq!(
            derive_operation_id("delete", "/merchant-accounts/{account-id}"),
            "delete_merchant_accounts_by_account_id"
        );
    }
}
