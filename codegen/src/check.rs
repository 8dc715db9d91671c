//! Structural checks that must pass before any conversion: references resolve, every
//! operation has a unique name, path items are inline.
//!
//! progenitor and typify panic on some of these (a `$ref` to a missing schema, a path item
//! given by `$ref`), so they are caught here and reported with their location instead.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::notes::Notes;
use crate::pointer::{self, join};
use crate::walk;

/// Checks `doc` in place, deriving missing `operationId`s (recorded in `notes`) and
/// inlining local path-item references. Returns the first problem as a message.
pub fn check(doc: &mut Value, notes: &mut Notes) -> Result<(), String> {
    check_paths_shape(doc)?;
    inline_path_item_refs(doc)?;
    check_refs(doc)?;
    name_operations(doc, notes)?;
    Ok(())
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
            format!("{} has no operationId; derived `{derived}`", op.label()),
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
