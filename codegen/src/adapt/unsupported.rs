//! Constructs progenitor 0.15 refuses (or panics on) inside an operation, handled one by
//! one so that the operation, and the document, are still generated.
//!
//! Where the meaning survives, the construct is rewritten: a JSON media type's
//! `encoding` (meaningless for JSON; progenitor panics on it) is dropped, and so is a
//! form body's (progenitor panics; its fields are sent with the default encoding, a
//! note says so), a JSON body or
//! response without a schema becomes any JSON value. Where it does not, the parameter
//! is not generated, with a note naming it by JSON pointer: a parameter described by
//! `content` instead of `schema`, a path parameter in a style other than `simple`, a
//! query parameter in a style other than `form` (such as `deepObject`). A query array
//! that travels unexploded (`explode: false`, `spaceDelimited`, `pipeDelimited`), or a
//! `form` object with `explode: false`, becomes a string parameter the caller writes
//! joined (`1,2,3`): progenitor would send it exploded (`ids=1&ids=2&ids=3`), which such
//! a server does not read. So does a list in a path or header (`simple`: joined by `,`),
//! which progenitor cannot send at all.
//! Cookie parameters are not sent either (progenitor has no place for them), with a note;
//! multipart bodies are dropped with the other media types progenitor cannot send, and
//! OPTIONS and TRACE operations (reqwest has no method for them). A header or path
//! parameter is never null (`nullable` is left out). An
//! `application/octet-stream` request body is read as `format: binary` (the bytes it is).

use serde_json::{Value, json};

use crate::notes::Notes;
use crate::spec::pointer::join;
use crate::spec::walk;

/// Applies every rewrite in place (on a 3.0 document, before [`crate::adapt`]).
pub fn handle(doc: &mut Value, notes: &mut Notes) {
    for op in walk::operations(doc) {
        let item_at = join("#/paths", &op.path);
        // progenitor writes `reqwest::Client::options`/`trace`, which reqwest does not have.
        if op.method == "options" || op.method == "trace" {
            if let Some(Value::Object(item)) = walk::pointer_get_mut(doc, &item_at) {
                item.remove(&op.method);
            }
            notes.add(
                "operation not generated (progenitor cannot send OPTIONS or TRACE)",
                op.pointer.clone(),
            );
            continue;
        }
        for holder in [item_at, op.pointer.clone()] {
            parameters(doc, &format!("{holder}/parameters"), notes);
        }
        let mut holders = vec![format!("{}/requestBody", op.pointer)];
        if let Some(Value::Object(responses)) =
            walk::pointer_get(doc, &format!("{}/responses", op.pointer))
        {
            holders.extend(
                responses
                    .keys()
                    .map(|code| join(&format!("{}/responses", op.pointer), code)),
            );
        }
        raw_body(doc, &format!("{}/requestBody", op.pointer), notes);
        for holder in holders {
            json_media(doc, &holder, notes);
        }
    }
}

fn parameters(doc: &mut Value, list_at: &str, notes: &mut Notes) {
    let Some(Value::Array(list)) = walk::pointer_get(doc, list_at) else {
        return;
    };
    let mut dropped = Vec::new();
    let mut joined = Vec::new();
    let mut rust_names = std::collections::BTreeSet::new();
    for (i, param) in list.iter().enumerate() {
        let param = crate::spec::schema::deref(doc, param);
        let name = param.get("name").and_then(Value::as_str).unwrap_or("");
        // `EndTime<` and `EndTime>` (Twilio's ranges) are both `end_time` in Rust.
        if !rust_names.insert(crate::generate::names::progenitor_snake(name)) {
            notes.add(
                "parameter not generated (its Rust name is an earlier parameter's)",
                format!("{list_at}/{i}"),
            );
            dropped.push(i);
            continue;
        }
        let place = param.get("in").and_then(Value::as_str).unwrap_or("");
        let nullable = param.pointer("/schema/nullable") == Some(&Value::Bool(true));
        // A header or path segment has no null; progenitor's `Option<Option<&str>>` for
        // an optional nullable header does not compile.
        let stripped = ((place == "header" || place == "path") && nullable).then(|| {
            let mut stripped = param.clone();
            if let Some(Value::Object(schema)) = stripped.get_mut("schema") {
                schema.remove("nullable");
            }
            stripped
        });
        if let Some(stripped) = &stripped {
            joined.push((i, stripped.clone()));
        }
        let param = stripped.as_ref().unwrap_or(param);
        if let Some((rewritten, delimiter)) = unexploded_as_string(doc, param) {
            notes.add(
                format!("list parameter sent unexploded generated as a string: write its items joined by `{delimiter}`"),
                format!("{list_at}/{i}"),
            );
            joined.push((i, rewritten));
            continue;
        }
        let style = param.get("style").and_then(Value::as_str);
        let reason = if place == "cookie" {
            Some("a cookie parameter".to_owned())
        } else if param.get("schema").is_none() && param.get("content").is_some() {
            Some("described by `content`, not `schema`".to_owned())
        } else if place == "path" && style.is_some_and(|s| s != "simple") {
            Some(format!("path style `{}`", style.unwrap_or_default()))
        } else if place == "query" && style.is_some_and(|s| s != "form") {
            Some(format!("query style `{}`", style.unwrap_or_default()))
        } else {
            None
        };
        if let Some(reason) = reason {
            notes.add(
                format!("parameter not generated (progenitor cannot send it: {reason})"),
                format!("{list_at}/{i}"),
            );
            dropped.push(i);
        }
    }
    if let Some(Value::Array(list)) = walk::pointer_get_mut(doc, list_at) {
        for (i, rewritten) in joined {
            list[i] = rewritten;
        }
        let mut i = 0;
        list.retain(|_| {
            let keep = !dropped.contains(&i);
            i += 1;
            keep
        });
    }
}

/// `param` with a string schema, and the delimiter its items are joined by, when it is a
/// query array (or `form` object) that travels unexploded; `None` for every other one.
fn unexploded_as_string(doc: &Value, param: &Value) -> Option<(Value, char)> {
    let place = param.get("in")?;
    if place == "path" || place == "header" {
        // `simple`: a list is its items joined by `,`, exploded or not; progenitor
        // would call `to_string` on it, which a Vec does not have.
        let schema = crate::spec::schema::flatten(doc, param.get("schema")?);
        let simple = param.get("style").is_none_or(|s| s == "simple");
        if !simple || schema.get("type").and_then(Value::as_str) != Some("array") {
            return None;
        }
        return Some((as_string_parameter(param, &schema), ','));
    }
    if place != "query" {
        return None;
    }
    let style = param.get("style").and_then(Value::as_str).unwrap_or("form");
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    let delimiter = match style {
        "form" => ',',
        "spaceDelimited" => ' ',
        "pipeDelimited" => '|',
        _ => return None,
    };
    let schema = crate::spec::schema::flatten(doc, param.get("schema")?);
    let kind = schema.get("type").and_then(Value::as_str)?;
    if explode || !(kind == "array" || kind == "object" && style == "form") {
        return None;
    }
    Some((as_string_parameter(param, &schema), delimiter))
}

/// `param` with a string schema (keeping the description) and no `style`: progenitor
/// sends only the default style, and the joined string is one value either way.
fn as_string_parameter(param: &Value, schema: &serde_json::Map<String, Value>) -> Value {
    let mut rewritten = param.clone();
    let mut string = json!({ "type": "string" });
    if let Some(description) = schema.get("description") {
        string["description"] = description.clone();
    }
    rewritten["schema"] = string;
    if let Some(map) = rewritten.as_object_mut() {
        map.remove("style");
    }
    rewritten
}

/// An `application/octet-stream` request body is bytes whatever its schema says;
/// progenitor sends one only when the schema is `type: string, format: binary`.
fn raw_body(doc: &mut Value, holder: &str, notes: &mut Notes) {
    let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{holder}/content"))
    else {
        return;
    };
    for (media, m) in content.iter_mut() {
        let essence = media.split(';').next().unwrap_or(media).trim();
        let Some(m) = m.as_object_mut() else { continue };
        let binary = json!({ "type": "string", "format": "binary" });
        let schema = m.get("schema");
        let inline_other = schema
            .is_none_or(|s| s.get("$ref").is_none() && s.get("format") != Some(&json!("binary")));
        if essence == "application/octet-stream" && inline_other {
            let mut read = binary;
            if let Some(description) = schema.and_then(|s| s.get("description")) {
                read["description"] = description.clone();
            }
            m.insert("schema".into(), read);
            notes.add(
                "octet-stream request body sent as raw bytes (its schema read as `format: binary`)",
                join(&format!("{holder}/content"), media),
            );
        }
    }
}

fn json_media(doc: &mut Value, holder: &str, notes: &mut Notes) {
    let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{holder}/content"))
    else {
        return;
    };
    for (media, m) in content.iter_mut() {
        let json = crate::adapt::tolerant::is_json(media);
        let form =
            media.split(';').next().unwrap_or(media).trim() == "application/x-www-form-urlencoded";
        if !json && !form {
            continue;
        }
        let Value::Object(m) = m else { continue };
        let at = join(&format!("{holder}/content"), media);
        if m.remove("encoding").is_some() {
            notes.add(
                format!(
                    "`encoding` of a {} media type not applied",
                    if json { "JSON" } else { "form" }
                ),
                join(&at, "encoding"),
            );
        }
        if json && !m.contains_key("schema") {
            m.insert("schema".into(), json!({}));
            notes.add(
                "JSON media type without a schema generated as any JSON value",
                at,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_constructs_are_rewritten_or_dropped_with_a_note() {
        let mut doc = json!({ "paths": { "/a/{id}": { "get": {
            "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "f", "in": "query", "content": { "application/json": {} } },
                { "name": "deep", "in": "query", "style": "deepObject", "schema": { "type": "object" } },
                { "name": "m", "in": "path", "style": "matrix", "required": true, "schema": { "type": "string" } }
            ],
            "requestBody": { "content": { "application/json": {
                "schema": { "type": "object" }, "encoding": { "x": {} } } } },
            "responses": { "200": { "description": "ok", "content": { "application/json": {} } } }
        } } } });
        let mut notes = Notes::default();
        handle(&mut doc, &mut notes);
        let op = &doc["paths"]["/a/{id}"]["get"];
        assert_eq!(op["parameters"].as_array().unwrap().len(), 1);
        assert!(
            op["requestBody"]["content"]["application/json"]
                .get("encoding")
                .is_none()
        );
        assert_eq!(
            op["responses"]["200"]["content"]["application/json"]["schema"],
            json!({})
        );
        assert_eq!(notes.kinds().count(), 5, "{:?}", notes.summary());
    }

    #[test]
    fn octet_stream_bodies_are_bytes() {
        let mut doc = json!({ "paths": { "/a": { "put": { "requestBody": { "content": {
            "application/octet-stream": { "schema": { "type": "string", "format": "byte", "description": "File." } },
            "application/json": { "schema": { "type": "string", "format": "byte" } }
        } } } } } });
        let mut notes = Notes::default();
        handle(&mut doc, &mut notes);
        let content = &doc["paths"]["/a"]["put"]["requestBody"]["content"];
        assert_eq!(
            content["application/octet-stream"]["schema"],
            json!({ "type": "string", "format": "binary", "description": "File." })
        );
        assert_eq!(content["application/json"]["schema"]["format"], "byte");
        assert_eq!(notes.summary().len(), 1);
    }

    #[test]
    fn unexploded_query_arrays_and_objects_become_joined_strings() {
        let array =
            json!({ "type": "array", "items": { "type": "integer" }, "description": "Ids." });
        let mut doc = json!({ "paths": { "/a": { "get": { "parameters": [
            { "name": "ids", "in": "query", "explode": false, "schema": array },
            { "name": "f", "in": "query", "style": "form", "explode": false, "schema": { "type": "object" } },
            { "name": "each", "in": "query", "schema": array },
            { "name": "one", "in": "query", "explode": false, "schema": { "type": "integer" } },
            { "name": "p", "in": "query", "style": "pipeDelimited", "schema": array },
            { "name": "h", "in": "header", "schema": array },
            { "name": "H", "in": "query", "schema": array },
            { "name": "n", "in": "header", "schema": { "type": "string", "nullable": true } }
        ] } } } });
        let mut notes = Notes::default();
        handle(&mut doc, &mut notes);
        let params = &doc["paths"]["/a"]["get"]["parameters"];
        let string = json!({ "type": "string", "description": "Ids." });
        assert_eq!(params[0]["schema"], string);
        assert_eq!(params[0]["explode"], json!(false));
        assert_eq!(params[1]["schema"], json!({ "type": "string" }));
        assert_eq!(params[2]["schema"], array);
        assert_eq!(params[3]["schema"], json!({ "type": "integer" }));
        assert_eq!(params[4]["schema"], string);
        assert_eq!(params[5]["schema"], string);
        assert_eq!(notes.summary().len(), 3, "{:?}", notes.summary());
        assert!(notes.summary()[0].ends_with("at 3 places (first: #/paths/~1a/get/parameters/0)"));
        assert!(notes.summary()[1].contains("joined by `|`"));
        assert_eq!(
            params.as_array().unwrap().len(),
            7,
            "`H` is `h` in Rust: left out"
        );
        assert_eq!(
            params[6]["schema"],
            json!({ "type": "string" }),
            "no null header"
        );
        assert!(notes.summary()[2].starts_with("parameter not generated (its Rust name"));
    }
}
