//! When progenitor fails on a construct nothing before it knows about, the document is
//! not refused for one operation's sake.
//!
//! Only on failure: if the component schemas alone generate, each operation is tried on
//! its own (with every component); for one that fails, its parts are taken away one at
//! a time (each operation-level parameter, the request body, each response's content)
//! until it generates. The part is then not generated and one note names it by JSON
//! pointer with progenitor's reason; an operation no single part explains is not
//! generated at all, with a note. A failure in the component schemas is still the
//! document's error (every operation depends on them), and so are a document that is
//! not valid OpenAPI and anything left failing after the salvage.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::progenitor::probe;
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
pub fn salvage(doc: &mut Value, notes: &mut Notes) -> Result<Lost, String> {
    let mut lost = Lost::default();
    let first = match probe(doc) {
        Ok(()) => return Ok(lost),
        Err(e) => e,
    };
    // A document that is not valid OpenAPI is refused as it is: that is the spec's
    // error, not a generator limit to work around.
    if first.starts_with("not a valid OpenAPI document") {
        return Err(first);
    }
    let mut bare = doc.clone();
    bare["paths"] = json!({});
    if probe(&bare).is_err() {
        return Err(first);
    }
    let mut salvaged = false;
    for op in walk::operations(doc) {
        let Err(reason) = probe(&alone(doc, &op)) else {
            continue;
        };
        salvaged = true;
        let id = walk::pointer_get(doc, &op.pointer)
            .and_then(|o| o.get("operationId"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let reason = short_reason(&reason);
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
    if !salvaged {
        return Err(first);
    }
    probe(doc).map(|()| lost).map_err(|_| first)
}

/// progenitor's complaint without the location (the note has it).
fn short_reason(message: &str) -> String {
    if let Some((_, rest)) = message.split_once("(it panicked: ") {
        let what = rest
            .strip_suffix("); simplify that construct")
            .unwrap_or(rest);
        return format!("progenitor panics: {what}");
    }
    if let Some((_, rest)) = message.split_once("progenitor rejected the spec") {
        let what = rest.split_once(": ").map_or(rest, |(_, w)| w);
        return format!("progenitor rejects it: {what}");
    }
    message.to_owned()
}

/// The document with `op` as its only operation.
fn alone(doc: &Value, op: &walk::OperationRef) -> Value {
    let mut candidate = doc.clone();
    let item = &doc["paths"][&op.path];
    let mut single = Map::new();
    for (key, value) in item.as_object().into_iter().flatten() {
        if !walk::METHODS.contains(&key.as_str()) || *key == op.method {
            single.insert(key.clone(), value.clone());
        }
    }
    candidate["paths"] = json!({ op.path.clone(): Value::Object(single) });
    candidate
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
    let single = alone(doc, op);
    parts.into_iter().find(|(_, at)| {
        let mut candidate = single.clone();
        remove(&mut candidate, at).is_some() && probe(&candidate).is_ok()
    })
}

/// Removes the value at `at` (an object member or array element).
fn remove(doc: &mut Value, at: &str) -> Option<Value> {
    let (parent, last) = at.rsplit_once('/')?;
    let key = last.replace("~1", "/").replace("~0", "~");
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
    use super::*;

    #[test]
    fn reasons_lose_their_location() {
        assert_eq!(
            short_reason(
                "progenitor cannot generate this spec at #/paths/~1a/get (GET /a) (it panicked: boom); simplify that construct"
            ),
            "progenitor panics: boom"
        );
        assert_eq!(
            short_reason("progenitor rejected the spec at #/x: bad thing"),
            "progenitor rejects it: bad thing"
        );
    }

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
