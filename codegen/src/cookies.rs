//! Cookie parameters, which progenitor 0.15 refuses (the whole document with them).
//!
//! Each `in: cookie` parameter becomes an `in: header` parameter of the same name, so
//! progenitor generates the same builder method (`.session_token(..)`), typed from its
//! schema; the operation's [`crate::fixups`] entry then turns the generated
//! `header_map.append("session_token", ..)` into an entry of the request's one
//! `Cookie` header. A cookie whose name a `Cookie` header cannot carry, or that clashes
//! with a header parameter of the same name, is not generated, with a note.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::notes::Notes;
use crate::pointer::join;
use crate::walk;

/// Converts the cookie parameters of every operation (its own and its path item's).
pub fn prepare(doc: &mut Value, notes: &mut Notes) {
    let operations = walk::operations(doc);
    for op in &operations {
        let item_at = join("#/paths", &op.path);
        let mut params: Vec<(String, Value)> = Vec::new();
        for holder in [&item_at, &op.pointer] {
            if let Some(Value::Array(list)) =
                walk::pointer_get(doc, &format!("{holder}/parameters"))
            {
                for (i, p) in list.iter().enumerate() {
                    params.push((
                        format!("{holder}/parameters/{i}"),
                        crate::schema::deref(doc, p).clone(),
                    ));
                }
            }
        }
        // Operation parameters override path-item ones with the same name and location.
        let mut effective: Vec<(String, Value)> = Vec::new();
        for (at, p) in params {
            let key = (p.get("name").cloned(), p.get("in").cloned());
            effective.retain(|(_, q)| (q.get("name").cloned(), q.get("in").cloned()) != key);
            effective.push((at, p));
        }
        let cookies: Vec<(String, Value)> = effective
            .iter()
            .filter(|(_, p)| p.get("in").and_then(Value::as_str) == Some("cookie"))
            .cloned()
            .collect();
        if cookies.is_empty() {
            continue;
        }
        let mut converted = Vec::new();
        for (at, mut param) in cookies {
            let name = param
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let clash = effective.iter().any(|(_, p)| {
                p.get("in").and_then(Value::as_str) == Some("header")
                    && p.get("name")
                        .and_then(Value::as_str)
                        .is_some_and(|n| n.eq_ignore_ascii_case(&name))
            });
            if !is_token(&name) || clash {
                notes.add(
                    format!(
                        "{}: cookie parameter `{name}` not generated ({})",
                        op.label(),
                        if clash {
                            "a header parameter has the same name"
                        } else {
                            "its name cannot be sent in a Cookie header"
                        }
                    ),
                    at,
                );
                continue;
            }
            param["in"] = Value::String("header".into());
            for key in ["style", "explode", "allowEmptyValue"] {
                if let Value::Object(p) = &mut param {
                    p.remove(key);
                }
            }
            converted.push(param);
        }
        // Cookies (inline or `$ref`'d) leave the operation's list; the converted ones join it.
        let own: Vec<usize> = cookie_positions(doc, &op.pointer);
        let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) else {
            continue;
        };
        let list = operation
            .entry("parameters")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list {
            let mut index = 0;
            list.retain(|_| {
                index += 1;
                !own.contains(&(index - 1))
            });
            list.extend(converted.iter().cloned());
        }
        for param in &converted {
            if let Some(name) = param.get("name").and_then(Value::as_str) {
                crate::fixups::add_cookie(operation, name);
            }
        }
    }
    // A path item's cookies leave it only now: every operation on the path took them.
    let items: BTreeSet<String> = operations
        .iter()
        .map(|op| join("#/paths", &op.path))
        .collect();
    for item_at in items {
        let cookies = cookie_positions(doc, &item_at);
        if let Some(Value::Array(list)) =
            walk::pointer_get_mut(doc, &format!("{item_at}/parameters"))
        {
            let mut index = 0;
            list.retain(|_| {
                index += 1;
                !cookies.contains(&(index - 1))
            });
        }
    }
}

/// Positions of the cookie parameters (inline or behind a `$ref`) in the `parameters`
/// list of the object at `holder`.
fn cookie_positions(doc: &Value, holder: &str) -> Vec<usize> {
    let Some(Value::Array(list)) = walk::pointer_get(doc, &format!("{holder}/parameters")) else {
        return Vec::new();
    };
    list.iter()
        .enumerate()
        .filter(|(_, p)| {
            crate::schema::deref(doc, p)
                .get("in")
                .and_then(Value::as_str)
                == Some("cookie")
        })
        .map(|(i, _)| i)
        .collect()
}

/// An RFC 6265 cookie name: an HTTP token.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn cookies_become_marked_header_parameters() {
        let mut doc = json!({ "paths": { "/a": {
            "parameters": [{ "name": "sid", "in": "cookie", "schema": { "type": "string" } }],
            "get": { "parameters": [
                { "name": "bad name", "in": "cookie", "schema": { "type": "string" } },
                { "$ref": "#/components/parameters/Theme" }
            ], "responses": {} }
        } }, "components": { "parameters": {
            "Theme": { "name": "theme", "in": "cookie", "schema": { "type": "string" } }
        } } });
        let mut notes = Notes::default();
        prepare(&mut doc, &mut notes);
        let op = &doc["paths"]["/a"]["get"];
        let names: Vec<(&str, &str)> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].as_str().unwrap(), p["in"].as_str().unwrap()))
            .collect();
        assert_eq!(names, vec![("sid", "header"), ("theme", "header")]);
        assert_eq!(op[crate::fixups::FIXUP]["cookies"], json!(["sid", "theme"]));
        assert_eq!(doc["paths"]["/a"]["parameters"], json!([]));
        assert_eq!(
            notes.summary(),
            vec![
                "GET /a: cookie parameter `bad name` not generated (its name cannot be sent in a Cookie header) at #/paths/~1a/get/parameters/0"
            ]
        );
    }
}
