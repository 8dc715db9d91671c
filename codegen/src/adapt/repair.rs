//! Repairs of invalid but unambiguous constructs that published documents carry.
//!
//! A document that breaks the letter of OpenAPI in a way whose meaning is still plain is
//! repaired, never refused, and each repair is recorded in [`Notes`] with its JSON
//! pointer, so the build warning says what was read differently from what was written:
//!
//! - a discriminator `mapping` whose values are objects (`{$ref: ...}`) instead of
//!   reference strings: the `$ref` is taken; an entry with no `$ref` is dropped;
//! - `nullable` (OpenAPI 3.0) in a 3.1 document: `nullable: true` is read as 3.1's
//!   `type: [T, 'null']` (or a `null` branch when there is no single type), `false`
//!   is dropped;
//! - `servers: []`: read as absent (the spec's default server, `/`);
//! - a parameter declared `in: path` that the path template does not contain: it could
//!   never be sent, so it is not generated; one the template does contain but that is
//!   not marked `required` (path parameters always are) is read as required;
//! - a `{name}` in the path template that no parameter declares: declared as a required
//!   string (what a path segment is).
//!
//! Runs after [`crate::spec::check`] (references resolve, nesting is bounded) and before
//! [`crate::adapt::upgrade`]; every walk here follows the tree, never references.

use serde_json::{Map, Value, json};

use crate::notes::Notes;
use crate::spec::load::OpenApiVersion;
use crate::spec::schema;
use crate::spec::walk;

/// Applies every repair in place.
pub fn repair(doc: &mut Value, version: OpenApiVersion, notes: &mut Notes) {
    empty_servers(doc, notes);
    for root in walk::schema_roots(doc) {
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            let Some(schema) = walk::pointer_get_mut(doc, &at) else {
                continue;
            };
            if let Value::Object(map) = schema {
                discriminator_mapping(map, &at, notes);
                if version == OpenApiVersion::V31 {
                    nullable_in_31(map, &at, notes);
                }
            }
            stack.extend(walk::child_schemas(schema, &at));
        }
    }
    for op in walk::operations(doc) {
        path_parameters_not_in_template(doc, &op, notes);
    }
}

fn empty_servers(doc: &mut Value, notes: &mut Notes) {
    let Some(Value::Object(root)) = Some(doc) else {
        return;
    };
    if root.get("servers") == Some(&json!([])) {
        root.remove("servers");
        notes.add(
            "repaired: `servers: []` read as absent (the default server `/`)",
            "#/servers",
        );
    }
}

fn discriminator_mapping(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let Some(Value::Object(mapping)) = map
        .get_mut("discriminator")
        .and_then(|d| d.get_mut("mapping"))
    else {
        return;
    };
    let mapping_at = format!("{at}/discriminator/mapping");
    let keys: Vec<String> = mapping.keys().cloned().collect();
    for key in keys {
        if mapping[&key].is_string() {
            continue;
        }
        let target = mapping[&key]
            .get("$ref")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let entry_at = crate::spec::pointer::join(&mapping_at, &key);
        match target {
            Some(reference) => {
                mapping.insert(key, Value::String(reference));
                notes.add(
                    "repaired: discriminator mapping value given as an object; its `$ref` is used",
                    entry_at,
                );
            }
            None => {
                mapping.remove(&key);
                notes.add(
                    "repaired: discriminator mapping value is neither a reference nor an object with `$ref`; entry dropped",
                    entry_at,
                );
            }
        }
    }
}

fn nullable_in_31(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let Some(nullable) = map.remove("nullable") else {
        return;
    };
    if nullable != Value::Bool(true) {
        notes.add(
            "repaired: `nullable` other than `true` in a 3.1 document dropped",
            at,
        );
        return;
    }
    match map.get_mut("type") {
        Some(Value::String(single)) => {
            let single = single.clone();
            map.insert("type".into(), json!([single, "null"]));
        }
        Some(Value::Array(types)) => {
            if !types.iter().any(|t| t == "null") {
                types.push(json!("null"));
            }
        }
        _ => {
            let rest = std::mem::take(map);
            map.insert(
                "anyOf".into(),
                json!([Value::Object(rest), {"type": "null"}]),
            );
        }
    }
    notes.add(
        "repaired: `nullable: true` (OpenAPI 3.0) in a 3.1 document read as `type: [T, 'null']`",
        at,
    );
}

/// The `{name}`s of a path template.
pub fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .collect()
}

fn path_parameters_not_in_template(doc: &mut Value, op: &walk::OperationRef, notes: &mut Notes) {
    let names: Vec<String> = template_names(&op.path)
        .into_iter()
        .map(str::to_owned)
        .collect();
    let item_at = crate::spec::pointer::join("#/paths", &op.path);
    undeclared_template_names(doc, op, &item_at, &names, notes);
    for holder in [item_at, op.pointer.clone()] {
        let list_at = format!("{holder}/parameters");
        let Some(Value::Array(params)) = walk::pointer_get(doc, &list_at) else {
            continue;
        };
        let optional: Vec<usize> = params
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.get("in").and_then(Value::as_str) == Some("path")
                    && p.get("required") != Some(&Value::Bool(true))
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| names.iter().any(|m| m == n))
            })
            .map(|(i, _)| i)
            .collect();
        if let Some(Value::Array(params)) = walk::pointer_get_mut(doc, &list_at) {
            for &i in &optional {
                params[i]["required"] = Value::Bool(true);
                notes.add(
                    "repaired: path parameter not marked `required` read as required",
                    format!("{list_at}/{i}"),
                );
            }
        }
        let Some(Value::Array(params)) = walk::pointer_get(doc, &list_at) else {
            continue;
        };
        let stray: Vec<(usize, String)> = params
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let p = schema::deref(doc, p);
                let name = p.get("name")?.as_str()?;
                (p.get("in")? == "path" && !names.iter().any(|n| n == name))
                    .then(|| (i, name.to_owned()))
            })
            .collect();
        if stray.is_empty() {
            continue;
        }
        for (i, name) in &stray {
            notes.add(
                format!(
                    "repaired: path parameter `{name}` is not in the template `{}`; not generated",
                    op.path
                ),
                format!("{list_at}/{i}"),
            );
        }
        if let Some(Value::Array(params)) = walk::pointer_get_mut(doc, &list_at) {
            let mut i = 0;
            params.retain(|_| {
                let keep = !stray.iter().any(|(s, _)| *s == i);
                i += 1;
                keep
            });
        }
    }
}

fn undeclared_template_names(
    doc: &mut Value,
    op: &walk::OperationRef,
    item_at: &str,
    names: &[String],
    notes: &mut Notes,
) {
    let declared: Vec<String> = [item_at, op.pointer.as_str()]
        .iter()
        .filter_map(|holder| walk::pointer_get(doc, &format!("{holder}/parameters")))
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| schema::deref(doc, p))
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("path"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let missing: Vec<&String> = names.iter().filter(|n| !declared.contains(n)).collect();
    if missing.is_empty() {
        return;
    }
    let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) else {
        return;
    };
    let list = operation
        .entry("parameters")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !list.is_array() {
        return;
    }
    for name in missing {
        if let Value::Array(list) = list {
            list.push(json!({
                "name": name, "in": "path", "required": true, "schema": { "type": "string" }
            }));
        }
        notes.add(
            format!(
                "repaired: path template `{}` names `{{{name}}}`, which no parameter declares; generated as a required string",
                op.path
            ),
            op.pointer.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_repair_is_applied_and_noted() {
        let mut doc = json!({
            "servers": [],
            "paths": { "/a/{id}": {
                "parameters": [{ "name": "gone", "in": "path", "required": true }],
                "get": { "parameters": [
                    { "name": "id", "in": "path", "required": true },
                    { "name": "stray", "in": "path", "required": true },
                    { "name": "q", "in": "query", "schema": { "type": "integer", "nullable": true } }
                ], "responses": {} }
            }, "/b/{b_id}": { "get": { "responses": {} } } },
            "components": { "schemas": {
                "P": { "oneOf": [{ "$ref": "#/components/schemas/C" }],
                       "discriminator": { "propertyName": "k", "mapping": {
                           "c": { "$ref": "#/components/schemas/C" }, "x": { "y": 1 } } } },
                "C": { "properties": { "n": { "$ref": "#/components/schemas/P", "nullable": true } } }
            } }
        });
        let mut notes = Notes::default();
        repair(&mut doc, OpenApiVersion::V31, &mut notes);
        assert!(doc.get("servers").is_none());
        assert_eq!(
            doc.pointer("/paths/~1b~1{b_id}/get/parameters/0"),
            Some(
                &json!({ "name": "b_id", "in": "path", "required": true, "schema": { "type": "string" } })
            )
        );
        assert_eq!(
            doc.pointer("/components/schemas/P/discriminator/mapping"),
            Some(&json!({ "c": "#/components/schemas/C" }))
        );
        let params = &doc["paths"]["/a/{id}"]["get"]["parameters"];
        assert_eq!(params.as_array().unwrap().len(), 2);
        assert_eq!(params[1]["schema"]["type"], json!(["integer", "null"]));
        assert_eq!(doc["paths"]["/a/{id}"]["parameters"], json!([]));
        assert_eq!(
            doc.pointer("/components/schemas/C/properties/n"),
            Some(&json!({ "anyOf": [{ "$ref": "#/components/schemas/P" }, { "type": "null" }] }))
        );
        assert_eq!(notes.kinds().count(), 7, "{:?}", notes.summary());
    }

    #[test]
    fn a_30_document_keeps_nullable() {
        let mut doc = json!({ "paths": {}, "components": { "schemas": {
            "A": { "type": "string", "nullable": true } } } });
        let mut notes = Notes::default();
        repair(&mut doc, OpenApiVersion::V30, &mut notes);
        assert_eq!(doc["components"]["schemas"]["A"]["nullable"], true);
        assert!(notes.is_empty());
    }
}
