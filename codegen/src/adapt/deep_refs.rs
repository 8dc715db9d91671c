//! References into the inside of a schema or component
//! (`#/components/schemas/Tag/allOf/0`, `#/components/parameters/state/schema`): valid
//! OpenAPI that typify cannot follow, since it resolves only `#/components/schemas/NAME`.
//! The schema pointed at gets a component of its own, named after its place
//! (`TagAllOf0`); its old place and every such reference refer to that component, so it
//! is one type wherever it is used.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::adapt::tolerant::pascal;
use crate::spec::walk;

/// Gives every schema reached by a reference into another's inside a component of its
/// own, and points the references at it.
pub fn hoist(doc: &mut Value) {
    let mut found = Vec::new();
    walk::refs(doc, "#", &mut found);
    let mut deep: Vec<String> = found
        .into_iter()
        .map(|(reference, _)| reference)
        .filter(|r| is_deep_schema_ref(r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if deep.is_empty() {
        return;
    }
    // Innermost first: hoisting an outer schema moves what lies inside it.
    deep.sort_by_key(|r| std::cmp::Reverse(r.matches('/').count()));
    let mut moved: BTreeMap<String, String> = BTreeMap::new();
    for target in deep {
        let Some(value) = walk::pointer_get(doc, &target).cloned() else {
            continue;
        };
        let replacement = match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_owned(),
            None => {
                let name = free_name(doc, &target);
                let reference = format!("#/components/schemas/{name}");
                if let Some(place) = walk::pointer_get_mut(doc, &target) {
                    *place = json!({ "$ref": reference });
                }
                doc["components"]["schemas"][&name] = value;
                reference
            }
        };
        moved.insert(target, replacement);
    }
    walk::repoint(doc, &moved);
}

/// A reference to a schema inside a component or an operation, not to a component.
fn is_deep_schema_ref(reference: &str) -> bool {
    let Some(path) = reference.strip_prefix("#/") else {
        return false;
    };
    let segments: Vec<&str> = path.split('/').collect();
    let in_schema = path.starts_with("components/schemas/") && segments.len() > 3;
    let a_schema_elsewhere = !path.starts_with("components/schemas/")
        && segments.len() > 3
        && segments.contains(&"schema");
    in_schema || a_schema_elsewhere
}

/// A component name for the schema at `target` that is not taken.
fn free_name(doc: &Value, target: &str) -> String {
    let path = target
        .trim_start_matches("#/components/schemas/")
        .trim_start_matches("#/components/");
    let words: Vec<&str> = path
        .split('/')
        .filter(|s| !s.contains("~1") && *s != "content")
        .collect();
    let base = pascal(&words.join("-"));
    let taken = |name: &str| {
        doc.pointer("/components/schemas")
            .and_then(|s| s.get(name))
            .is_some()
    };
    std::iter::once(base.clone())
        .chain((2..).map(|n| format!("{base}{n}")))
        .find(|name| !taken(name))
        .expect("an unbounded sequence has a free name")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inner_schemas_become_components_and_references_follow() {
        let mut doc = json!({
            "paths": { "/a": { "get": { "parameters": [
                { "name": "s", "in": "query", "schema": { "$ref": "#/components/parameters/state/schema" } }
            ] } } },
            "components": {
                "parameters": { "state": { "name": "state", "in": "query",
                    "schema": { "type": "string", "enum": ["on", "off"] } } },
                "schemas": {
                    "Tag": { "allOf": [ { "type": "object", "properties": { "id": { "type": "string" } } } ] },
                    "User": { "allOf": [ { "$ref": "#/components/schemas/Tag/allOf/0" } ],
                        "example": { "$ref": "#/components/schemas/Tag/allOf/0" } },
                    "TagAllOf0": { "type": "integer" }
                }
            }
        });
        hoist(&mut doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["TagAllOf02"]["properties"]["id"]["type"], "string");
        assert_eq!(schemas["TagAllOf0"], json!({ "type": "integer" }));
        assert_eq!(
            schemas["Tag"]["allOf"][0]["$ref"],
            "#/components/schemas/TagAllOf02"
        );
        assert_eq!(
            schemas["User"]["allOf"][0]["$ref"],
            "#/components/schemas/TagAllOf02"
        );
        assert_eq!(
            schemas["User"]["example"]["$ref"],
            "#/components/schemas/Tag/allOf/0"
        );
        assert_eq!(
            schemas["ParametersStateSchema"]["enum"],
            json!(["on", "off"])
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"]["$ref"],
            "#/components/schemas/ParametersStateSchema"
        );
    }
}
