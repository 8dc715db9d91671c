//! Generator-specific adaptations of a 3.0 document, applied after [`crate::upgrade`].
//!
//! These do not change what the API means; they change what progenitor is asked to
//! generate so that the client is robust against what real servers send:
//!
//! - **Error responses are left to the `ext` layer.** progenitor panics when an
//!   operation's error responses use different schemas, decodes error bodies into closed
//!   types (an unknown `error_code` fails) and drops bodies that do not match (Knot's
//!   500 is `{"message": ...}`). Without them, every non-2xx status reaches the caller
//!   as the raw response, which `knot_api::Error` classifies with nothing lost.
//! - **Response enums are open.** A string enum reachable from any response becomes a
//!   string (known values listed in its docs); for a property of a component schema
//!   the closed enum is still generated as a companion type `{Schema}{Property}`.
//! - **Responses tolerate unknown fields** (`additionalProperties: false` is dropped
//!   from response schemas).
//! - `format: uuid` stays a `String` (Knot's session ids are not RFC 4122 UUIDs) and
//!   `pattern` is not compiled into newtypes (it would need a regex engine at run time).
//! - One success type per operation, one media type per body (progenitor handles one).

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::notes::Notes;
use crate::pointer::join;
use crate::walk;

/// Applies every adaptation in place.
pub fn adapt(doc: &mut Value, notes: &mut Notes) {
    for op in walk::operations(doc) {
        describe_inline_bodies(doc, &op);
        one_media_type_each(doc, &op, notes);
        hoist_inline_bodies(doc, &op);
    }
    let response_schemas = response_reachable(doc);
    for at in &response_schemas {
        open_response_schema(doc, at);
    }
    for op in walk::operations(doc) {
        single_success(doc, &op, notes);
    }
    for root in walk::schema_roots(doc) {
        strip_runtime_constraints(doc, &root, notes);
    }
}

/// Pointers of the bodies an operation's generated code handles: the request body, then
/// each success response.
fn generated_bodies(doc: &Value, op: &walk::OperationRef) -> Vec<String> {
    let responses_at = format!("{}/responses", op.pointer);
    let mut bodies = vec![format!("{}/requestBody", op.pointer)];
    if let Some(Value::Object(responses)) = walk::pointer_get(doc, &responses_at) {
        bodies.extend(
            responses
                .keys()
                .filter(|code| code.starts_with('2'))
                .map(|code| join(&responses_at, code)),
        );
    }
    bodies
}

/// Extension recording the original pointer of a schema moved into components.
pub const ORIGIN: &str = "x-knot-origin";

/// Media types progenitor 0.15 can send.
const SENDABLE: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Leaves the request body and each success response with the one media type that is
/// generated (JSON preferred). Request media types progenitor cannot send are dropped
/// first (it refuses the whole spec otherwise); a body left with none is not generated.
/// Every drop is reported.
fn one_media_type_each(doc: &mut Value, op: &walk::OperationRef, notes: &mut Notes) {
    let body_at = format!("{}/requestBody", op.pointer);
    for at in generated_bodies(doc, op) {
        let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{at}/content"))
        else {
            continue;
        };
        if at == body_at {
            let unsendable: Vec<String> =
                content.keys().filter(|m| !sendable(m)).cloned().collect();
            if !unsendable.is_empty() {
                content.retain(|m, _| sendable(m));
                let empty = content.is_empty();
                notes.add(
                    format!(
                        "{}: request media type(s) {} not generated{}",
                        op.label(),
                        unsendable.join(", "),
                        if empty {
                            "; the operation has no body"
                        } else {
                            ""
                        }
                    ),
                    at.clone(),
                );
                if empty {
                    if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer)
                    {
                        operation.remove("requestBody");
                    }
                    continue;
                }
            }
        }
        keep_preferred_media_type(content, op, &at, notes);
    }
}

fn sendable(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or(media).trim();
    SENDABLE.contains(&base) || base.ends_with("+json")
}

/// Moves inline object schemas of request bodies and success responses into
/// `components/schemas` under the names progenitor would give them
/// (`{OperationId}Body`, `{OperationId}Response`). Same types, same names; but typify
/// keeps the description only for named component schemas.
fn hoist_inline_bodies(doc: &mut Value, op: &walk::OperationRef) {
    let Some(id) = walk::pointer_get(doc, &op.pointer)
        .and_then(|o| o.get("operationId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    for holder in generated_bodies(doc, op) {
        let suffix = if holder.ends_with("/requestBody") {
            "body"
        } else {
            "response"
        };
        let name = pascal(&format!("{id}-{suffix}"));
        let exists = doc
            .pointer("/components/schemas")
            .and_then(|s| s.get(&name))
            .is_some();
        if exists {
            continue;
        }
        let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{holder}/content"))
        else {
            continue;
        };
        let Some((media_key, media)) = content.iter_mut().next() else {
            continue;
        };
        let media_key = crate::pointer::escape(media_key);
        let Some(schema) = media.get_mut("schema") else {
            continue;
        };
        let hoistable = schema.get("$ref").is_none()
            && schema.get("type").and_then(Value::as_str) == Some("object")
            && schema.get("properties").is_some();
        if !hoistable {
            continue;
        }
        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut moved = std::mem::replace(schema, reference);
        // Where it came from, so a generator failure can be reported against the spec.
        moved[ORIGIN] = Value::String(format!("{holder}/content/{}/schema", media_key));
        let root = doc.as_object_mut().expect("document is a mapping");
        let components = root.entry("components").or_insert_with(|| json!({}));
        if let Value::Object(components) = components {
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            if let Value::Object(schemas) = schemas {
                schemas.insert(name, moved);
            }
        }
    }
}

/// Pointers of schema roots whose data appears in some response (success or error),
/// including component schemas reached through `$ref`.
fn response_reachable(doc: &Value) -> Vec<String> {
    let mut roots: Vec<String> = walk::schema_roots(doc)
        .into_iter()
        .filter(|at| at.contains("/responses/"))
        .collect();
    let mut seen: BTreeSet<String> = roots.iter().cloned().collect();
    let mut queue: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(at) = queue.pop_front() {
        let Some(schema) = walk::pointer_get(doc, &at) else {
            continue;
        };
        let mut found = Vec::new();
        walk::refs(schema, &at, &mut found);
        for (reference, _) in found {
            if reference.starts_with("#/components/schemas/") && seen.insert(reference.clone()) {
                roots.push(reference.clone());
                queue.push_back(reference);
            }
        }
    }
    roots
}

fn open_response_schema(doc: &mut Value, root: &str) {
    let mut companions = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(at) = stack.pop() {
        let Some(schema) = walk::pointer_get_mut(doc, &at) else {
            continue;
        };
        if let Value::Object(map) = schema {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            if let Some(companion) = open_enum(map)
                && let Some(name) = companion_name(root, &at)
            {
                companions.push((name, companion));
            }
        }
        stack.extend(walk::child_schemas(schema, &at));
    }
    let Some(Value::Object(components)) = doc.get_mut("components") else {
        return;
    };
    let Some(Value::Object(schemas)) = components.get_mut("schemas") else {
        return;
    };
    for (name, schema) in companions {
        schemas.entry(name).or_insert(schema);
    }
}

/// Turns a string enum into an open string; returns the closed enum as a companion.
fn open_enum(map: &mut Map<String, Value>) -> Option<Value> {
    let Some(Value::Array(values)) = map.get("enum") else {
        return None;
    };
    if values.is_empty() || !values.iter().all(Value::is_string) {
        return None;
    }
    let values = values.clone();
    map.remove("enum");
    map.insert("type".into(), json!("string"));
    let listed = values
        .iter()
        .filter_map(Value::as_str)
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut description = map
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    description.push_str(&format!(
        "Known values: {listed}. Other values are kept as they arrive."
    ));
    let companion_doc = map
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d}\n\nThe values known when this crate was generated."))
        .unwrap_or_else(|| "The values known when this crate was generated.".into());
    map.insert("description".into(), Value::String(description));
    Some(json!({ "type": "string", "enum": values, "description": companion_doc }))
}

/// `#/components/schemas/Error` + property `error_code` → `ErrorErrorCode`, the name
/// typify would have given the inline enum, so downstream names stay stable.
fn companion_name(root: &str, at: &str) -> Option<String> {
    let schema = root.strip_prefix("#/components/schemas/")?;
    let rest = at.strip_prefix(root)?;
    let property = rest.strip_prefix("/properties/")?;
    if property.contains('/') {
        return None;
    }
    Some(format!("{}{}", pascal(schema), pascal(property)))
}

/// `error_code` → `ErrorCode`.
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// Inline body schemas have no description of their own; the request body's or the
/// response's description is the best doc the generated type can get.
fn describe_inline_bodies(doc: &mut Value, op: &walk::OperationRef) {
    for holder in generated_bodies(doc, op) {
        let Some(Value::Object(holder)) = walk::pointer_get_mut(doc, &holder) else {
            continue;
        };
        let Some(description) = holder.get("description").and_then(Value::as_str) else {
            continue;
        };
        let description = description.to_owned();
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            continue;
        };
        for media in content.values_mut() {
            if let Some(Value::Object(schema)) = media.get_mut("schema")
                && !schema.contains_key("$ref")
                && !schema.contains_key("description")
            {
                schema.insert("description".into(), Value::String(description.clone()));
            }
        }
    }
}

fn single_success(doc: &mut Value, op: &walk::OperationRef, notes: &mut Notes) {
    let Some(Value::Object(responses)) =
        walk::pointer_get_mut(doc, &format!("{}/responses", op.pointer))
    else {
        return;
    };
    let codes: Vec<String> = responses.keys().cloned().collect();
    let mut first_success: Option<Value> = None;
    for code in codes {
        let success = code.starts_with('2');
        if !success {
            responses.remove(&code);
            continue;
        }
        let content = responses[&code].get("content").cloned();
        match &first_success {
            None => first_success = Some(content.unwrap_or(Value::Null)),
            Some(first) if *first == content.clone().unwrap_or(Value::Null) => {}
            Some(_) => {
                responses.remove(&code);
                notes.add(
                    format!(
                        "{}: success response {code} has another type than the first; it arrives as an unexpected response",
                        op.label()
                    ),
                    join(&format!("{}/responses", op.pointer), &code),
                );
            }
        }
    }
}

fn keep_preferred_media_type(
    content: &mut Map<String, Value>,
    op: &walk::OperationRef,
    at: &str,
    notes: &mut Notes,
) {
    if content.len() <= 1 {
        return;
    }
    let preferred = content
        .keys()
        .find(|m| *m == "application/json")
        .or_else(|| content.keys().find(|m| m.ends_with("+json")))
        .or_else(|| content.keys().next())
        .cloned()
        .expect("non-empty");
    let dropped: Vec<String> = content
        .keys()
        .filter(|m| **m != preferred)
        .cloned()
        .collect();
    content.retain(|m, _| *m == preferred);
    notes.add(
        format!(
            "{}: only `{preferred}` is generated (dropped {})",
            op.label(),
            dropped.join(", ")
        ),
        at,
    );
}

fn strip_runtime_constraints(doc: &mut Value, root: &str, notes: &mut Notes) {
    let mut stack = vec![root.to_owned()];
    while let Some(at) = stack.pop() {
        let Some(schema) = walk::pointer_get_mut(doc, &at) else {
            continue;
        };
        if let Value::Object(map) = schema {
            if map.get("format").and_then(Value::as_str) == Some("uuid") {
                map.remove("format");
                notes.add("`format: uuid` generated as String", at.clone());
            }
            if map.remove("pattern").is_some() {
                notes.add("`pattern` not enforced by the generated types", at.clone());
            }
        }
        stack.extend(walk::child_schemas(schema, &at));
    }
}
