//! OpenAPI 3.2 documents, read as 3.1.
//!
//! OpenAPI 3.2 (September 2025) is a compatible superset of 3.1, so a vendor may move to
//! it without changing anything a client generator reads. What 3.1 has no place for:
//!
//! - **`query` operations and `additionalOperations`** (other HTTP methods): not
//!   generated; one note each.
//! - **`in: querystring` parameters** (the whole query string as one value): the
//!   operation is generated without them; one note each. They are taken out of
//!   `components/parameters` too, as the 3.1 reader would refuse them there.
//! - **`itemSchema`** (the schema of each item of a streamed media type such as JSON
//!   Lines): the media type is generated as it would be without a schema; one note.
//!
//! Everything else new in 3.2 is documentation or tooling metadata (tag `summary`,
//! `parent` and `kind`, `$self`, response `summary`, example `dataValue`, a server's
//! `name`, ...) that a 3.1 reader skips, and so does this one. The document then says
//! `openapi: 3.1.1` for the steps that follow.

use serde_json::{Value, json};

use crate::notes::Notes;
use crate::pointer::join;
use crate::walk;

/// Whether `doc` declares OpenAPI 3.2.
pub fn is_3_2(doc: &Value) -> bool {
    doc.get("openapi")
        .and_then(Value::as_str)
        .is_some_and(|v| v == "3.2" || v.starts_with("3.2."))
}

/// Takes what only 3.2 has out of a 3.2 document (see the module docs); other documents
/// are left as they are.
pub fn read_as_3_1(doc: &mut Value, notes: &mut Notes) {
    if !is_3_2(doc) {
        return;
    }
    notes.add("OpenAPI 3.2 document read as 3.1", "#/openapi");
    for list in ["#/paths", "#/webhooks", "#/components/pathItems"] {
        let names: Vec<String> = match walk::pointer_get(doc, list) {
            Some(Value::Object(items)) => items.keys().cloned().collect(),
            _ => continue,
        };
        for name in names {
            path_item(doc, &join(list, &name), notes);
        }
    }
    if let Some(Value::Object(params)) = walk::pointer_get_mut(doc, "#/components/parameters") {
        let querystring: Vec<String> = params
            .iter()
            .filter(|(_, p)| is_querystring(p))
            .map(|(name, _)| name.clone())
            .collect();
        for name in querystring {
            params.remove(&name);
            notes.add(
                "`in: querystring` parameter not generated (OpenAPI 3.2)",
                join("#/components/parameters", &name),
            );
        }
    }
    item_schemas(doc, notes);
    doc["openapi"] = json!("3.1.1");
}

fn path_item(doc: &mut Value, at: &str, notes: &mut Notes) {
    let resolved = resolved_querystring_refs(doc);
    let Some(Value::Object(item)) = walk::pointer_get_mut(doc, at) else {
        return;
    };
    if item.remove("query").is_some() {
        notes.add(
            "QUERY operation not generated (OpenAPI 3.2)",
            join(at, "query"),
        );
    }
    if let Some(Value::Object(more)) = item.remove("additionalOperations") {
        for method in more.keys() {
            notes.add(
                format!("{method} operation not generated (OpenAPI 3.2 additionalOperations)"),
                join(&join(at, "additionalOperations"), method),
            );
        }
    }
    let mut lists = vec![at.to_owned()];
    lists.extend(
        walk::METHODS
            .iter()
            .filter(|m| item.contains_key(**m))
            .map(|m| join(at, m)),
    );
    for owner in lists {
        let Some(Value::Array(params)) =
            walk::pointer_get_mut(doc, &owner).and_then(|o| o.get_mut("parameters"))
        else {
            continue;
        };
        let mut index = 0;
        params.retain(|param| {
            let at = format!("{}/{index}", join(&owner, "parameters"));
            index += 1;
            let reference = param.get("$ref").and_then(Value::as_str);
            let drop =
                is_querystring(param) || reference.is_some_and(|r| resolved.iter().any(|x| x == r));
            if drop {
                notes.add(
                    "`in: querystring` parameter not generated (OpenAPI 3.2)",
                    at,
                );
            }
            !drop
        });
    }
}

/// `$ref` strings of the component parameters that are `in: querystring`.
fn resolved_querystring_refs(doc: &Value) -> Vec<String> {
    match walk::pointer_get(doc, "#/components/parameters") {
        Some(Value::Object(params)) => params
            .iter()
            .filter(|(_, p)| is_querystring(p))
            .map(|(name, _)| join("#/components/parameters", name))
            .collect(),
        _ => Vec::new(),
    }
}

fn is_querystring(param: &Value) -> bool {
    param.get("in").and_then(Value::as_str) == Some("querystring")
}

/// Removes `itemSchema` from every media type of the document's operations, noting each.
fn item_schemas(doc: &mut Value, notes: &mut Notes) {
    let mut stack = vec![(String::from("#"), 0usize)];
    let mut found = Vec::new();
    // Media types sit under `content` maps; look for those, skipping literal data.
    while let Some((at, level)) = stack.pop() {
        let Some(Value::Object(map)) = walk::pointer_get(doc, &at) else {
            continue;
        };
        if level > crate::check::MAX_DEPTH {
            continue;
        }
        for (key, value) in map {
            if matches!(
                key.as_str(),
                "example" | "examples" | "default" | "enum" | "const"
            ) || key.starts_with("x-")
            {
                continue;
            }
            let child = join(&at, key);
            if key == "content"
                && let Value::Object(media) = value
            {
                for (name, media_type) in media {
                    if media_type.get("itemSchema").is_some() {
                        found.push(join(&child, name));
                    }
                }
            }
            if value.is_object() {
                stack.push((child, level + 1));
            }
        }
    }
    for at in found {
        if let Some(Value::Object(media_type)) = walk::pointer_get_mut(doc, &at) {
            media_type.remove("itemSchema");
            notes.add(
                "`itemSchema` of a sequential media type not used (OpenAPI 3.2)",
                at,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_3_2_document_loses_only_what_3_1_cannot_say() {
        let mut doc = json!({
            "openapi": "3.2.0",
            "$self": "https://example.com/api",
            "info": { "title": "t", "version": "1" },
            "tags": [{ "name": "a", "summary": "A", "kind": "nav" }],
            "paths": { "/items": {
                "get": {
                    "parameters": [
                        { "name": "q", "in": "querystring", "content": { "application/x-www-form-urlencoded": { "schema": { "type": "object" } } } },
                        { "$ref": "#/components/parameters/Whole" },
                        { "name": "limit", "in": "query", "schema": { "type": "integer" } }
                    ],
                    "responses": { "200": { "description": "ok", "content": {
                        "application/jsonl": { "itemSchema": { "type": "object" } },
                        "application/json": { "schema": { "type": "array" } }
                    } } }
                },
                "query": { "responses": { "200": { "description": "ok" } } },
                "additionalOperations": { "LINK": { "responses": { "200": { "description": "ok" } } } }
            } },
            "components": { "parameters": {
                "Whole": { "name": "w", "in": "querystring", "content": {} },
                "Limit": { "name": "limit", "in": "query", "schema": { "type": "integer" } }
            } }
        });
        let mut notes = Notes::default();
        read_as_3_1(&mut doc, &mut notes);
        assert_eq!(doc["openapi"], "3.1.1");
        let item = &doc["paths"]["/items"];
        assert!(item.get("query").is_none() && item.get("additionalOperations").is_none());
        let params = item["get"]["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 1);
        assert_eq!(params[0]["name"], "limit");
        assert!(doc["components"]["parameters"].get("Whole").is_none());
        assert!(doc["components"]["parameters"].get("Limit").is_some());
        let content = &item["get"]["responses"]["200"]["content"];
        assert!(content["application/jsonl"].get("itemSchema").is_none());
        let shown = format!("{notes:?}");
        for at in [
            "#/openapi",
            "#/paths/~1items/query",
            "#/paths/~1items/additionalOperations/LINK",
            "#/paths/~1items/get/parameters/0",
            "#/paths/~1items/get/parameters/1",
            "#/components/parameters/Whole",
            "#/paths/~1items/get/responses/200/content/application~1jsonl",
        ] {
            assert!(shown.contains(at), "{at}: {shown}");
        }
        assert!(!shown.contains("parameters/2"), "{shown}");
    }

    #[test]
    fn other_versions_are_left_alone() {
        for version in ["3.1.0", "3.0.3", "3.20.0"] {
            let mut doc = json!({ "openapi": version, "paths": { "/a": { "query": {} } } });
            let before = doc.clone();
            let mut notes = Notes::default();
            read_as_3_1(&mut doc, &mut notes);
            assert_eq!(doc, before);
            assert!(notes.is_empty());
        }
    }
}
