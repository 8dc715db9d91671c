//! Nullable component schemas, made nullable where they are used instead.
//!
//! For a component marked `nullable: true`, typify writes an `Option` wrapper named after
//! the component and the object inside it under the same name: the type is defined twice
//! and the crate does not compile (seen in a published 3 MB spec, with 387 such
//! components). The component loses `nullable`, and every reference to it says it
//! instead (`{allOf: [$ref], nullable: true}`): null is accepted exactly where it was.

use std::collections::BTreeSet;

use serde_json::{Value, json};

/// Moves `nullable: true` from component schemas to the references to them.
pub fn lift(doc: &mut Value) {
    let mut lifted = BTreeSet::new();
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            if let Value::Object(map) = schema
                && map.get("nullable") == Some(&Value::Bool(true))
            {
                map.remove("nullable");
                lifted.insert(format!(
                    "#/components/schemas/{}",
                    crate::spec::pointer::escape(name)
                ));
            }
        }
    }
    if lifted.is_empty() {
        return;
    }
    // Iterative: a document is at most 64 levels deep, but no walk here recurses.
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                let target = map.get("$ref").and_then(Value::as_str).map(str::to_owned);
                if let Some(target) = target.filter(|t| lifted.contains(t)) {
                    if map.len() == 1 {
                        *map = json!({ "allOf": [{ "$ref": target }], "nullable": true })
                            .as_object()
                            .cloned()
                            .expect("an object");
                    } else {
                        map.insert("nullable".into(), Value::Bool(true));
                    }
                    continue;
                }
                stack.extend(map.values_mut());
            }
            Value::Array(items) => stack.extend(items.iter_mut()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_carry_what_the_component_said() {
        let mut doc = json!({ "components": { "schemas": {
            "Insights": { "type": "object", "nullable": true, "properties": { "a": { "type": "string" } } },
            "Account": { "type": "object", "properties": {
                "insights": { "$ref": "#/components/schemas/Insights" },
                "items": { "type": "array", "items": { "$ref": "#/components/schemas/Insights" } }
            } }
        } } });
        lift(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["Insights"].get("nullable").is_none());
        let wrapped =
            json!({ "allOf": [{ "$ref": "#/components/schemas/Insights" }], "nullable": true });
        assert_eq!(schemas["Account"]["properties"]["insights"], wrapped);
        assert_eq!(schemas["Account"]["properties"]["items"]["items"], wrapped);
    }
}
