//! `multipart/form-data` request bodies, which progenitor 0.15 cannot send.
//!
//! Where multipart is the only way to send an operation's body (no JSON or other
//! sendable media type beside it), the body becomes a raw one (`application/octet-stream`
//! to progenitor: a `.body(..)` taking bytes) and the operation's [`crate::fixups`]
//! entry sets `Content-Type: multipart/form-data; boundary=`[`BOUNDARY`]. The bytes are
//! built with `knot_api::multipart::Form`, which uses the same boundary and refuses
//! content that contains it. The parts are not typed from the schema: that is the
//! reduction, and each such operation has a note naming it.
//!
//! The boundary is fixed rather than drawn per request because progenitor sets the
//! content type from a constant; RFC 2046 asks only that it not occur in the parts,
//! which the encoder checks.

use serde_json::{Value, json};

use crate::notes::Notes;
use crate::walk;

/// The multipart boundary of every generated multipart body (also in
/// `knot_api::multipart`; a test checks they agree).
pub const BOUNDARY: &str = "knot-multipart-boundary-7c3e9a15f04b6d28e1";

/// The `Content-Type` sent with a generated multipart body.
pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

const MULTIPART: &str = "multipart/form-data";

/// Turns multipart-only request bodies into raw bodies sent as multipart.
pub fn prepare(doc: &mut Value, notes: &mut Notes) {
    for op in walk::operations(doc) {
        let body_at = format!("{}/requestBody", op.pointer);
        let Some(body) = walk::pointer_get(doc, &body_at) else {
            continue;
        };
        let body = crate::schema::deref(doc, body).clone();
        let Some(Value::Object(content)) = body.get("content") else {
            continue;
        };
        let base = |m: &str| m.split(';').next().unwrap_or(m).trim().to_ascii_lowercase();
        if !content.keys().any(|m| base(m) == MULTIPART)
            || content
                .keys()
                .any(|m| base(m) != MULTIPART && crate::adapt::sendable(m))
        {
            continue;
        }
        let fields: Vec<String> = content
            .iter()
            .find(|(m, _)| base(m) == MULTIPART)
            .and_then(|(_, media)| media.get("schema"))
            .map(|s| crate::schema::flatten(doc, s))
            .and_then(|s| s.get("properties").and_then(Value::as_object).cloned())
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default();
        let mut body = body.clone();
        body["content"] = json!({
            "application/octet-stream": { "schema": { "type": "string", "format": "binary" } }
        });
        if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) {
            operation.insert("requestBody".into(), body);
            crate::fixups::set_header(operation, "content-type", &content_type());
        }
        notes.add(
            format!(
                "{}: multipart/form-data body sent as bytes built with knot_api::multipart::Form; its parts ({}) are not typed",
                op.label(),
                if fields.is_empty() {
                    "none listed".to_owned()
                } else {
                    fields.join(", ")
                }
            ),
            body_at,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_only_bodies_become_raw_with_a_content_type() {
        let mut doc = json!({ "paths": {
            "/up": { "post": { "requestBody": { "content": { "multipart/form-data": {
                "schema": { "type": "object", "properties": { "file": {}, "name": {} } } } } },
                "responses": {} } },
            "/both": { "post": { "requestBody": { "content": {
                "multipart/form-data": {}, "application/json": {} } }, "responses": {} } }
        } });
        let mut notes = Notes::default();
        prepare(&mut doc, &mut notes);
        let up = &doc["paths"]["/up"]["post"];
        assert!(up["requestBody"]["content"]["application/octet-stream"].is_object());
        assert_eq!(
            up[crate::fixups::FIXUP]["headers"]["content-type"],
            content_type()
        );
        assert!(
            doc["paths"]["/both"]["post"]["requestBody"]["content"]["multipart/form-data"]
                .is_object()
        );
        assert_eq!(notes.summary().len(), 1);
        assert!(notes.summary()[0].contains("its parts (file, name) are not typed"));
    }
}
