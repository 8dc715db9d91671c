//! Secret-bearing strings are typed as `knot_api::Secret`, whose `Debug` never shows them.
//!
//! Knot: a session "must not be logged in any internal or 3rd party tooling", yet a
//! response struct that holds it as a `String` prints it in `{:?}`. Every string property
//! whose name says it holds a secret ([`is_sensitive`]) is pointed at one component
//! schema marked [`SECRET`], which progenitor is told to generate as `knot_api::Secret`
//! (a type replacement). The property keeps its description and nullability;
//! serialization is unchanged.

use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

use crate::markers::SECRET;
use crate::spec::walk;

/// Whether a property of this name holds a secret: `session` or `session_id` (Knot's
/// session is the token the SDK opens with), anything ending in `token`, or containing
/// `secret`, `password` or `api_key`.
pub fn is_sensitive(property: &str) -> bool {
    let name = property.to_snake_case();
    name == "session"
        || name == "session_id"
        || name.ends_with("token")
        || name.contains("secret")
        || name.contains("password")
        || name.contains("api_key")
}

/// Points every secret-bearing string property at the [`SECRET`] component.
pub fn mark(doc: &mut Value) {
    let mut found = Vec::new();
    for root in walk::schema_roots(doc) {
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            let Some(schema) = walk::pointer_get(doc, &at) else {
                continue;
            };
            if let Some(Value::Object(properties)) = schema.get("properties") {
                for (name, property) in properties {
                    if is_sensitive(name) && plain_string(property) {
                        found.push(format!(
                            "{at}/properties/{}",
                            crate::spec::pointer::escape(name)
                        ));
                    }
                }
            }
            stack.extend(walk::child_schemas(schema, &at));
        }
    }
    if found.is_empty() {
        return;
    }
    let name = free_name(doc);
    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
    for at in found {
        let Some(Value::Object(property)) = walk::pointer_get_mut(doc, &at) else {
            continue;
        };
        let mut wrapper = Map::new();
        wrapper.insert("allOf".into(), json!([reference.clone()]));
        for keep in ["description", "nullable"] {
            if let Some(value) = property.get(keep) {
                wrapper.insert(keep.into(), value.clone());
            }
        }
        *property = wrapper;
    }
    let root = doc.as_object_mut().expect("document is a mapping");
    let components = root.entry("components").or_insert_with(|| json!({}));
    if let Value::Object(components) = components {
        let schemas = components.entry("schemas").or_insert_with(|| json!({}));
        if let Value::Object(schemas) = schemas {
            schemas.insert(name, json!({ "type": "string", SECRET: true }));
        }
    }
}

/// A string schema with nothing that would make it another type (no enum, format or
/// reference).
fn plain_string(schema: &Value) -> bool {
    schema.get("type").and_then(Value::as_str) == Some("string")
        && schema.get("enum").is_none()
        && schema.get("format").is_none()
        && schema.get("$ref").is_none()
}

fn free_name(doc: &Value) -> String {
    let taken = |n: &str| doc.pointer(&format!("/components/schemas/{n}")).is_some();
    (1..)
        .map(|i| {
            if i == 1 {
                "KnotSecret".to_owned()
            } else {
                format!("KnotSecret{i}")
            }
        })
        .find(|n| !taken(n))
        .expect("some name is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names() {
        for name in [
            "session",
            "sessionId",
            "processor_token",
            "client_secret",
            "password",
        ] {
            assert!(is_sensitive(name), "{name}");
        }
        for name in ["external_user_id", "type", "tokens_left"] {
            assert!(!is_sensitive(name), "{name}");
        }
    }
}
