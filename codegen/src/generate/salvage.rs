//! When progenitor fails on a construct nothing before it knows about, the document is
//! not refused for one schema's or one operation's sake.
//!
//! Only on failure, in two steps, each place left out with one note naming its JSON
//! pointer and progenitor's reason:
//! 1. A component schema that fails (tried with the schemas it references, and found at
//!    fault when it generates once it is made a JSON value) becomes a JSON value: an
//!    empty schema, which typify writes as a newtype over `serde_json::Value`.
//! 2. Each operation is tried on its own (with every component); for one that fails, its
//!    parts are taken away one at a time (each operation-level parameter, the request
//!    body, each response's content) until it generates. An operation no single part
//!    explains is not generated at all.
//!
//! A document that is not valid OpenAPI is refused as it is, and so is anything left
//! failing after the salvage.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::locate;
use super::progenitor::{Failure, probe};
use crate::markers::ORIGIN;
use crate::notes::Notes;
use crate::spec::pointer::join;
use crate::spec::walk;

/// What the salvage did not generate, by `operationId` (for the example table, which
/// skips the examples of these places instead of failing on them).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Lost {
    /// Operations not generated at all.
    pub operations: BTreeSet<String>,
    /// `(operationId, place)`: `parameter NAME`, `request body`, `response CODE body`.
    pub parts: BTreeSet<(String, String)>,
}

impl Lost {
    /// True when `place` of `operation_id` (or the whole operation) was not generated.
    pub fn covers(&self, operation_id: &str, place: &str) -> bool {
        self.operations.contains(operation_id)
            || self
                .parts
                .contains(&(operation_id.to_owned(), place.to_owned()))
    }
}

/// Makes `doc` generate when an operation fails: leaves out the part at fault, or the
/// operation, with a note each. Returns what was left out; a failure no operation
/// explains is returned as progenitor's message.
///
/// Also returns the type names progenitor's first run gave the generated document.
pub fn salvage(doc: &mut Value, notes: &mut Notes) -> Result<(Lost, Vec<String>), String> {
    let mut lost = Lost::default();
    let first = match probe(doc) {
        Ok(names) => return Ok((lost, names)),
        // A document that is not valid OpenAPI is refused as it is: that is the spec's
        // error, not a generator limit to work around.
        Err(Failure::Invalid(message)) => return Err(message),
        Err(failure) => failure,
    };
    let original = doc.clone();
    let refused = |doc: &Value| locate::message(doc, first.clone());
    schemas_as_values(doc, notes);
    if probe(&locate::schemas_only(doc, &locate::component_names(doc))).is_err() {
        return Err(refused(&original));
    }
    for (op, failure) in locate::failing_operations(doc, &walk::operations(doc)) {
        let id = walk::pointer_get(doc, &op.pointer)
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let reason = failure.reason();
        match without_one_part(doc, &op) {
            Some((part, at)) => {
                remove(doc, &at);
                lost.parts.insert((id, part.replace('`', "")));
                let kind = part.split(" `").next().unwrap_or(&part);
                notes.add(format!("{kind} not generated ({reason})"), at);
            }
            None => {
                if let Some(Value::Object(item)) =
                    walk::pointer_get_mut(doc, &join("#/paths", &op.path))
                {
                    item.remove(&op.method);
                }
                lost.operations.insert(id);
                notes.add(
                    format!("operation not generated ({reason})"),
                    op.pointer.clone(),
                );
            }
        }
    }
    match probe(doc) {
        Ok(names) => Ok((lost, names)),
        Err(_) => Err(refused(&original)),
    }
}

/// Makes each component schema progenitor cannot take a JSON value, with a note. Each
/// round replaces at least one schema (which then cannot fail), so it ends; it stops
/// when the schemas generate or no single schema explains the failure.
fn schemas_as_values(doc: &mut Value, notes: &mut Notes) {
    loop {
        let all = locate::component_names(doc);
        if all.is_empty() || probe(&locate::schemas_only(doc, &all)).is_ok() {
            return;
        }
        let culprits: Vec<(String, Failure)> = all
            .iter()
            .filter_map(|name| {
                let mut candidate = locate::schemas_only(doc, &walk::referenced_schemas(doc, name));
                let failure = probe(&candidate).err()?;
                let slot = candidate.pointer_mut(&format!(
                    "/components/schemas/{}",
                    crate::spec::pointer::escape(name)
                ))?;
                *slot = as_value(slot);
                probe(&candidate).is_ok().then(|| (name.clone(), failure))
            })
            .collect();
        if culprits.is_empty() {
            return;
        }
        for (name, failure) in culprits {
            let place = locate::schema_place(doc, &name);
            let at = join("#/components/schemas", &name);
            if let Some(schema) = walk::pointer_get_mut(doc, &at) {
                *schema = as_value(schema);
                notes.add(
                    format!(
                        "schema generated as a JSON value, serde_json::Value ({})",
                        failure.reason()
                    ),
                    place,
                );
            }
        }
    }
}

/// `schema` as an empty schema (any JSON value), keeping its description and origin.
fn as_value(schema: &Value) -> Value {
    let mut kept = Map::new();
    for key in ["description", ORIGIN] {
        if let Some(value) = schema.get(key) {
            kept.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(kept)
}

/// The first part of `op` whose removal lets it generate: `(what, pointer)`.
fn without_one_part(doc: &Value, op: &walk::OperationRef) -> Option<(String, String)> {
    let operation = walk::pointer_get(doc, &op.pointer)?;
    let mut parts: Vec<(String, String)> = Vec::new();
    if let Some(Value::Array(params)) = operation.get("parameters") {
        for (i, p) in params.iter().enumerate() {
            let p = crate::spec::schema::deref(doc, p);
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            // A path parameter cannot go: the path template needs it.
            if p.get("in").and_then(Value::as_str) != Some("path") {
                parts.push((
                    format!("parameter `{name}`"),
                    format!("{}/parameters/{i}", op.pointer),
                ));
            }
        }
    }
    if operation.get("requestBody").is_some() {
        parts.push(("request body".into(), format!("{}/requestBody", op.pointer)));
    }
    if let Some(Value::Object(responses)) = operation.get("responses") {
        for code in responses.keys() {
            parts.push((
                format!("response {code} body"),
                format!(
                    "{}/content",
                    join(&format!("{}/responses", op.pointer), code)
                ),
            ));
        }
    }
    // Lean (only the schemas the operation reaches): the final probe of the whole
    // document checks the result.
    let single = locate::with_operations(doc, std::slice::from_ref(op), true);
    parts.into_iter().find(|(_, at)| {
        let mut candidate = single.clone();
        remove(&mut candidate, at).is_some() && probe(&candidate).is_ok()
    })
}

/// Removes the value at `at` (an object member or array element).
fn remove(doc: &mut Value, at: &str) -> Option<Value> {
    let (parent, last) = at.rsplit_once('/')?;
    let key = crate::spec::pointer::unescape(last);
    match walk::pointer_get_mut(doc, parent)? {
        Value::Object(map) => map.remove(&key),
        Value::Array(items) => {
            let i: usize = key.parse().ok()?;
            (i < items.len()).then(|| items.remove(i))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn removes_members_and_elements_by_pointer() {
        let mut doc = json!({ "paths": { "/a": { "get": { "parameters": [1, 2] } } } });
        assert_eq!(
            remove(&mut doc, "#/paths/~1a/get/parameters/0"),
            Some(json!(1))
        );
        assert_eq!(doc["paths"]["/a"]["get"]["parameters"], json!([2]));
        assert_eq!(remove(&mut doc, "#/paths/~1a/get/parameters/5"), None);
        assert!(remove(&mut doc, "#/paths/~1a/get").is_some());
    }
}
