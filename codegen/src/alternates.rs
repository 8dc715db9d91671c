//! A success response offered in several media types (JSON and a stream such as
//! `application/x-ndjson` or `text/event-stream`, say).
//!
//! progenitor generates one media type per response and always asks for JSON. The
//! preferred one (as [`crate::adapt`] chooses: JSON first) stays on the operation; each
//! other one becomes a variant operation, `{operationId}_{media}` (e.g.
//! `generate_x_ndjson`), with the same parameters and body, whose success response is
//! that media type alone: progenitor returns it as bytes (`ByteStream`, readable as a
//! stream), and the variant's [`crate::fixups`] entry sends `Accept: {media}`. Nothing
//! offered vanishes; each variant is listed in the build notes.
//!
//! [`stash`] runs before [`crate::adapt`] (which would drop the other media types),
//! [`add_variants`] after it, so variants share the adapted operation's hoisted body type.

use serde_json::{Map, Value, json};

use crate::notes::Notes;
use crate::pointer::join;
use crate::walk;

/// Operation extension holding the media types taken off its success response:
/// `[{ "code": "200", "media": "application/x-ndjson", "description": ".." }]`.
const STASH: &str = "x-knot-alternates";

/// Takes the non-preferred media types off each operation's first success response.
pub fn stash(doc: &mut Value) {
    // Only the pipeline writes the stash, never a spec.
    for op in walk::operations(doc) {
        if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) {
            operation.remove(STASH);
        }
    }
    for op in walk::operations(doc) {
        let responses_at = format!("{}/responses", op.pointer);
        let Some(Value::Object(responses)) = walk::pointer_get(doc, &responses_at) else {
            continue;
        };
        let Some(code) = responses.keys().find(|c| c.starts_with('2')).cloned() else {
            continue;
        };
        let response = crate::schema::deref(doc, &responses[&code]).clone();
        let Some(Value::Object(content)) = response.get("content") else {
            continue;
        };
        if content.len() < 2 {
            continue;
        }
        let Some(preferred) = crate::adapt::preferred_media_type(content) else {
            continue;
        };
        let others: Vec<Value> = content
            .keys()
            .filter(|m| **m != preferred)
            .map(|m| {
                json!({
                    "code": code,
                    "media": m,
                    "description": response.get("description").cloned().unwrap_or(json!("")),
                })
            })
            .collect();
        let mut kept = response.clone();
        kept["content"] = json!({ preferred.clone(): content[&preferred].clone() });
        // A `$ref`'d response is shared; the operation gets its own copy.
        if let Some(Value::Object(responses)) = walk::pointer_get_mut(doc, &responses_at) {
            responses.insert(code, kept);
        }
        if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) {
            operation.insert(STASH.into(), Value::Array(others));
        }
    }
}

/// Adds one variant operation per stashed media type (on an adapted document) and
/// returns `(operationId, variant operationId)` for each.
pub fn add_variants(doc: &mut Value, notes: &mut Notes) -> Vec<(String, String)> {
    let mut added = Vec::new();
    for op in walk::operations(doc) {
        let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) else {
            continue;
        };
        let Some(Value::Array(stashed)) = operation.remove(STASH) else {
            continue;
        };
        let original = operation.clone();
        let id = original
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let parameters = walk::pointer_get(doc, &join("#/paths", &op.path))
            .and_then(|item| item.get("parameters"))
            .cloned();
        for alternate in stashed {
            let (Some(code), Some(media)) = (
                alternate.get("code").and_then(Value::as_str),
                alternate.get("media").and_then(Value::as_str),
            ) else {
                continue;
            };
            let Ok(accept) = reqwest_header_value(media) else {
                notes.add(
                    format!(
                        "{}: success media type `{media}` not generated (not a valid Accept value)",
                        op.label()
                    ),
                    join(&format!("{}/responses/{code}/content", op.pointer), media),
                );
                continue;
            };
            let variant_id = unique_id(doc, &format!("{id}_{}", suffix(media)));
            let mut variant: Map<String, Value> = original.clone();
            variant.insert("operationId".into(), Value::String(variant_id.clone()));
            variant.insert(
                "responses".into(),
                json!({ code: {
                    "description": alternate.get("description").cloned().unwrap_or(json!("")),
                    "content": { media: {} }
                } }),
            );
            crate::fixups::set_header(&mut variant, "accept", &accept);
            notes.add(
                format!(
                    "{}: success media type `{media}` generated as bytes by the variant operation `{variant_id}`",
                    op.label()
                ),
                join(&format!("{}/responses/{code}/content", op.pointer), media),
            );
            crate::fixups::add_operation(
                doc,
                &op.path,
                &op.method,
                Value::Object(variant),
                parameters.clone(),
            );
            added.push((id.clone(), variant_id));
        }
    }
    added
}

/// A media type usable as a static header value (visible ASCII and spaces).
fn reqwest_header_value(media: &str) -> Result<String, ()> {
    if !media.is_empty() && media.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        Ok(media.to_owned())
    } else {
        Err(())
    }
}

/// `application/x-ndjson` → `x_ndjson`; `text/event-stream` → `event_stream`.
fn suffix(media: &str) -> String {
    let base = media.split(';').next().unwrap_or(media).trim();
    let subtype = base.rsplit('/').next().unwrap_or(base);
    let words: Vec<String> = subtype
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "alternate".into()
    } else {
        words.join("_")
    }
}

fn unique_id(doc: &Value, wanted: &str) -> String {
    let taken = |id: &str| {
        walk::operations(doc).iter().any(|op| {
            walk::pointer_get(doc, &op.pointer)
                .and_then(|o| o.get("operationId"))
                .and_then(Value::as_str)
                == Some(id)
        })
    };
    if !taken(wanted) {
        return wanted.to_owned();
    }
    (2..)
        .map(|i| format!("{wanted}_{i}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_media_types_become_variants_that_ask_for_them() {
        let mut doc = json!({ "paths": { "/g": { "post": {
            "operationId": "generate",
            "responses": { "200": { "description": "ok", "content": {
                "application/x-ndjson": { "schema": { "type": "string" } },
                "application/json": { "schema": { "type": "object" } }
            } } }
        } } } });
        stash(&mut doc);
        let kept = &doc["paths"]["/g"]["post"]["responses"]["200"]["content"];
        assert_eq!(kept.as_object().unwrap().len(), 1);
        assert!(kept["application/json"].is_object());
        let mut notes = Notes::default();
        assert_eq!(
            add_variants(&mut doc, &mut notes),
            vec![("generate".to_owned(), "generate_x_ndjson".to_owned())]
        );
        let variant = &doc["paths"]["/g/x-knot-fixup-0"]["post"];
        assert_eq!(variant["operationId"], "generate_x_ndjson");
        assert_eq!(
            variant["responses"]["200"]["content"],
            json!({ "application/x-ndjson": {} })
        );
        assert_eq!(
            variant[crate::fixups::FIXUP]["headers"]["accept"],
            "application/x-ndjson"
        );
        assert!(doc["paths"]["/g"]["post"].get(STASH).is_none());
        assert_eq!(notes.summary().len(), 1);
        assert_eq!(suffix("text/event-stream; charset=utf-8"), "event_stream");
    }
}
