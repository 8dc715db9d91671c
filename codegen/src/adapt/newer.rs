//! OpenAPI 3.2 documents, read as 3.1.
//!
//! OpenAPI 3.2 (September 2025) is a compatible superset of 3.1, so a vendor may move to
//! it without changing anything a client generator reads. What 3.1 says differently or
//! has no place for:
//!
//! - **Reusable media types** (`components/mediaTypes`, referenced from a `content`
//!   map): put in place of their references, as 3.1 would have them written.
//! - **A response without `description`** (optional since 3.2): given an empty one.
//! - **`query` operations and `additionalOperations`** (other HTTP methods): not
//!   generated; one note each.
//! - **`in: querystring` parameters** (the whole query string as one value): the
//!   operation is generated without them; one note each. They are taken out of
//!   `components/parameters` too (with any component that only refers to one), as the
//!   3.1 reader would refuse them there.
//! - **`itemSchema`** (the schema of each item of a streamed media type such as JSON
//!   Lines): the media type is generated as it would be without a schema; one note.
//!
//! Everything else new in 3.2 is documentation or tooling metadata (tag `summary`,
//! `parent` and `kind`, `$self`, response `summary`, example `dataValue`, a server's
//! `name`, ...) that a 3.1 reader skips, and so does this one. The document then says
//! `openapi: 3.1.1` for the steps that follow.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::notes::Notes;
use crate::spec::pointer::join;
use crate::spec::{schema, walk};

const QUERYSTRING_NOTE: &str = "`in: querystring` parameter not generated (OpenAPI 3.2)";

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
    for at in path_items(doc) {
        operations_3_1_lacks(doc, &at, notes);
    }
    let querystring = querystring_components(doc);
    // Replacing media types keeps every place where it was; removing parameters shifts
    // list positions, so it comes last.
    let found = places(doc);
    for at in &found {
        content_in_place(doc, at, notes);
        responses_described(doc, at);
    }
    // Before the components go: references to them are followed to see what they are.
    for at in &found {
        parameters_without_querystring(doc, at, notes);
    }
    if let Some(Value::Object(params)) = walk::pointer_get_mut(doc, "#/components/parameters") {
        for name in &querystring {
            params.remove(name);
            notes.add(QUERYSTRING_NOTE, join("#/components/parameters", name));
        }
    }
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        components.remove("mediaTypes");
    }
    doc["openapi"] = json!("3.1.1");
}

/// Pointers of every path item: under `paths`, `webhooks`, `components/pathItems`,
/// `components/callbacks` and the callbacks of the operations found on the way.
fn path_items(doc: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let mut maps: Vec<String> = vec![
        "#/paths".into(),
        "#/webhooks".into(),
        "#/components/pathItems".into(),
    ];
    if let Some(Value::Object(callbacks)) = walk::pointer_get(doc, "#/components/callbacks") {
        maps.extend(
            callbacks
                .keys()
                .map(|name| join("#/components/callbacks", name)),
        );
    }
    while let Some(map_at) = maps.pop() {
        if found.len() > 10_000 {
            break;
        }
        let Some(Value::Object(items)) = walk::pointer_get(doc, &map_at) else {
            continue;
        };
        for (key, item) in items {
            let item_at = join(&map_at, key);
            let Value::Object(item) = item else { continue };
            for method in walk::METHODS.iter().chain(&["query"]) {
                if let Some(Value::Object(callbacks)) =
                    item.get(*method).and_then(|op| op.get("callbacks"))
                {
                    let at = join(&join(&item_at, method), "callbacks");
                    maps.extend(callbacks.keys().map(|name| join(&at, name)));
                }
            }
            found.push(item_at);
        }
    }
    found
}

/// Removes the `query` operation and `additionalOperations` of the path item at `at`.
fn operations_3_1_lacks(doc: &mut Value, at: &str, notes: &mut Notes) {
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
}

/// Names of the component parameters that are `in: querystring`, directly or through a
/// chain of references.
fn querystring_components(doc: &Value) -> BTreeSet<String> {
    let Some(Value::Object(params)) = walk::pointer_get(doc, "#/components/parameters") else {
        return BTreeSet::new();
    };
    params
        .iter()
        .filter(|(_, param)| is_querystring(doc, param))
        .map(|(name, _)| name.clone())
        .collect()
}

/// Whether a parameter (or the one its `$ref` chain ends at) is `in: querystring`.
fn is_querystring(doc: &Value, param: &Value) -> bool {
    schema::deref(doc, param).get("in").and_then(Value::as_str) == Some("querystring")
}

/// Every place outside schemas and literal data (examples, defaults, extensions) that is
/// an object: where `content`, `parameters` and `responses` of any kind sit.
fn places(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::from("#"), 0usize)];
    while let Some((at, level)) = stack.pop() {
        if level > crate::spec::check::MAX_DEPTH {
            continue;
        }
        let Some(Value::Object(map)) = walk::pointer_get(doc, &at) else {
            continue;
        };
        for (key, value) in map {
            let skipped = matches!(
                key.as_str(),
                "schema" | "schemas" | "itemSchema" | "example" | "examples" | "default"
            ) || key.starts_with("x-");
            match value {
                _ if skipped => {}
                Value::Object(_) => stack.push((join(&at, key), level + 1)),
                // Parameter lists: each entry may carry `content`.
                Value::Array(items) => {
                    let list = join(&at, key);
                    stack.extend(
                        items
                            .iter()
                            .enumerate()
                            .filter(|(_, item)| item.is_object())
                            .map(|(i, _)| (format!("{list}/{i}"), level + 2)),
                    );
                }
                _ => {}
            }
        }
        out.push(at);
    }
    out
}

/// In the `content` map of the object at `at`: reusable media types put in place of
/// their references, and `itemSchema` taken out with a note.
fn content_in_place(doc: &mut Value, at: &str, notes: &mut Notes) {
    let names: Vec<String> = match walk::pointer_get(doc, at).and_then(|o| o.get("content")) {
        Some(Value::Object(media)) => media.keys().cloned().collect(),
        _ => return,
    };
    for name in names {
        let media_at = join(&join(at, "content"), &name);
        let target = walk::pointer_get(doc, &media_at).map(|m| schema::deref(doc, m).clone());
        let Some(Value::Object(mut media_type)) = target else {
            continue;
        };
        if media_type.remove("itemSchema").is_some() {
            notes.add(
                "`itemSchema` of a sequential media type not used (OpenAPI 3.2)",
                media_at.clone(),
            );
        }
        if let Some(slot) = walk::pointer_get_mut(doc, &media_at) {
            *slot = Value::Object(media_type);
        }
    }
}

/// Drops `in: querystring` entries from the `parameters` list of the object at `at`.
fn parameters_without_querystring(doc: &mut Value, at: &str, notes: &mut Notes) {
    let Some(Value::Array(params)) = walk::pointer_get(doc, at).and_then(|o| o.get("parameters"))
    else {
        return;
    };
    let dropped: Vec<usize> = params
        .iter()
        .enumerate()
        .filter(|(_, param)| is_querystring(doc, param))
        .map(|(i, _)| i)
        .collect();
    let list_at = join(at, "parameters");
    for i in &dropped {
        notes.add(QUERYSTRING_NOTE, format!("{list_at}/{i}"));
    }
    if let Some(Value::Array(params)) = walk::pointer_get_mut(doc, &list_at) {
        let mut index = 0;
        params.retain(|_| {
            index += 1;
            !dropped.contains(&(index - 1))
        });
    }
}

/// Gives every response in the `responses` map of the object at `at` a `description`.
fn responses_described(doc: &mut Value, at: &str) {
    let Some(Value::Object(responses)) =
        walk::pointer_get_mut(doc, at).and_then(|o| o.get_mut("responses"))
    else {
        return;
    };
    for response in responses.values_mut() {
        if let Value::Object(response) = response
            && !response.contains_key("$ref")
            && !response.contains_key("description")
        {
            response.insert("description".into(), json!(""));
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
    fn reusable_media_types_callbacks_aliases_and_descriptions() {
        let mut doc = json!({
            "openapi": "3.2.0",
            "info": { "title": "t", "version": "1" },
            "paths": { "/things": { "post": {
                "parameters": [{ "$ref": "#/components/parameters/Alias" }],
                "requestBody": { "content": {
                    "application/json": { "$ref": "#/components/mediaTypes/Thing" }
                } },
                "responses": { "201": {
                    "content": { "application/json": { "$ref": "#/components/mediaTypes/Thing" } }
                } },
                "callbacks": { "done": { "{$request.body#/url}": { "post": {
                    "parameters": [{ "name": "q", "in": "querystring", "content": {} }],
                    "responses": { "200": {} }
                } } } }
            } } },
            "components": {
                "parameters": {
                    "Alias": { "$ref": "#/components/parameters/Whole" },
                    "Whole": { "name": "w", "in": "querystring", "content": {} }
                },
                "mediaTypes": { "Thing": { "schema": { "type": "object", "properties": {
                    "content": { "type": "object", "properties": {
                        "itemSchema": { "type": "string" }
                    } }
                } } } }
            }
        });
        let mut notes = Notes::default();
        read_as_3_1(&mut doc, &mut notes);
        let post = &doc["paths"]["/things"]["post"];
        assert_eq!(post["parameters"], json!([]));
        let body = &post["requestBody"]["content"]["application/json"];
        assert_eq!(body["schema"]["type"], "object");
        // A property that happens to be called `itemSchema` is a property, not 3.2.
        assert_eq!(
            body["schema"]["properties"]["content"]["properties"]["itemSchema"]["type"],
            "string"
        );
        assert_eq!(post["responses"]["201"]["description"], "");
        assert_eq!(
            post["responses"]["201"]["content"]["application/json"],
            *body
        );
        let callback = &post["callbacks"]["done"]["{$request.body#/url}"]["post"];
        assert_eq!(callback["parameters"], json!([]));
        assert_eq!(callback["responses"]["200"]["description"], "");
        assert_eq!(doc["components"]["parameters"], json!({}));
        assert!(doc["components"].get("mediaTypes").is_none());
        let shown = format!("{notes:?}");
        assert!(!shown.contains("itemSchema"), "{shown}");
        for at in [
            "#/components/parameters/Alias",
            "#/components/parameters/Whole",
            "#/paths/~1things/post/parameters/0",
        ] {
            assert!(shown.contains(at), "{at}: {shown}");
        }
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
