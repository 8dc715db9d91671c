//! Finding the places in a document that hold operations and schemas.
//!
//! Every transformation works on JSON pointers produced here, so the knowledge of where
//! OpenAPI keeps schemas lives in one file.

use serde_json::Value;

use crate::spec::pointer::join;

/// HTTP methods that can carry an operation in a path item.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation: where it is and what it is called.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRef {
    /// The path template, e.g. `/session/create`.
    pub path: String,
    /// Lower-case method.
    pub method: String,
    /// Pointer to the operation object.
    pub pointer: String,
}

impl OperationRef {
    /// `POST /session/create`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method.to_uppercase(), self.path)
    }
}

/// All operations, in document order.
pub fn operations(doc: &Value) -> Vec<OperationRef> {
    let mut out = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return out;
    };
    for (path, item) in paths {
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                out.push(OperationRef {
                    path: path.clone(),
                    method: method.to_owned(),
                    pointer: join(&join("#/paths", path), method),
                });
            }
        }
    }
    out
}

/// Pointers (with `#`) of every schema root: component schemas and the schemas of
/// parameters, headers, request bodies and responses.
pub fn schema_roots(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(Value::Object(components)) = doc.get("components") {
        for (section, map) in components {
            let Value::Object(map) = map else { continue };
            let base = join("#/components", section);
            for (name, value) in map {
                let at = join(&base, name);
                match section.as_str() {
                    "schemas" => out.push(at),
                    "parameters" | "headers" => parameter_like(value, &at, &mut out),
                    "requestBodies" => content(value, &at, &mut out),
                    "responses" => response(value, &at, &mut out),
                    _ => {}
                }
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let item_at = join("#/paths", path);
            if let Some(Value::Array(params)) = item.get("parameters") {
                for (i, p) in params.iter().enumerate() {
                    parameter_like(p, &format!("{item_at}/parameters/{i}"), &mut out);
                }
            }
        }
    }
    for op in operations(doc) {
        let Some(operation) = pointer_get(doc, &op.pointer) else {
            continue;
        };
        if let Some(Value::Array(params)) = operation.get("parameters") {
            for (i, p) in params.iter().enumerate() {
                parameter_like(p, &format!("{}/parameters/{i}", op.pointer), &mut out);
            }
        }
        if let Some(body) = operation.get("requestBody") {
            content(body, &format!("{}/requestBody", op.pointer), &mut out);
        }
        if let Some(Value::Object(responses)) = operation.get("responses") {
            for (code, r) in responses {
                response(
                    r,
                    &join(&format!("{}/responses", op.pointer), code),
                    &mut out,
                );
            }
        }
    }
    out
}

fn parameter_like(value: &Value, at: &str, out: &mut Vec<String>) {
    if value.get("$ref").is_some() {
        return;
    }
    if value.get("schema").is_some() {
        out.push(format!("{at}/schema"));
    }
    content(value, at, out);
}

fn content(value: &Value, at: &str, out: &mut Vec<String>) {
    if value.get("$ref").is_some() {
        return;
    }
    if let Some(Value::Object(content)) = value.get("content") {
        for (media, m) in content {
            if m.get("schema").is_some() {
                out.push(format!("{}/schema", join(&format!("{at}/content"), media)));
            }
        }
    }
}

fn response(value: &Value, at: &str, out: &mut Vec<String>) {
    if value.get("$ref").is_some() {
        return;
    }
    content(value, at, out);
    if let Some(Value::Object(headers)) = value.get("headers") {
        for (name, h) in headers {
            parameter_like(h, &join(&format!("{at}/headers"), name), out);
        }
    }
}

/// `Value::pointer` for pointers written with a leading `#`.
pub fn pointer_get<'a>(doc: &'a Value, at: &str) -> Option<&'a Value> {
    doc.pointer(at.trim_start_matches('#'))
}

/// Mutable [`pointer_get`].
pub fn pointer_get_mut<'a>(doc: &'a mut Value, at: &str) -> Option<&'a mut Value> {
    doc.pointer_mut(at.trim_start_matches('#'))
}

/// Keywords whose values are subschemas (object-valued).
pub const SUBSCHEMA_KEYS: [&str; 10] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
];

/// Keywords whose values are arrays of subschemas.
pub const SUBSCHEMA_LIST_KEYS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// Keywords whose values are maps of subschemas.
pub const SUBSCHEMA_MAP_KEYS: [&str; 4] = [
    "properties",
    "patternProperties",
    "$defs",
    "dependentSchemas",
];

/// Pointers of the direct subschemas of the schema at `at`.
pub fn child_schemas(schema: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Value::Object(map) = schema else {
        return out;
    };
    for key in SUBSCHEMA_KEYS {
        // `additionalProperties: true/false` is valid 3.0 and means what it says; other
        // boolean subschemas are 3.1-only and get converted.
        let boolean_ok = key != "additionalProperties";
        if map
            .get(key)
            .is_some_and(|v| v.is_object() || (boolean_ok && v.is_boolean()))
        {
            out.push(join(at, key));
        }
    }
    for key in SUBSCHEMA_LIST_KEYS {
        if let Some(Value::Array(items)) = map.get(key) {
            for i in 0..items.len() {
                out.push(format!("{}/{i}", join(at, key)));
            }
        }
    }
    for key in SUBSCHEMA_MAP_KEYS {
        if let Some(Value::Object(items)) = map.get(key) {
            for name in items.keys() {
                out.push(join(&join(at, key), name));
            }
        }
    }
    out
}

/// Every `$ref` string in a subtree with the pointer where it sits, skipping literal
/// data (examples, defaults, enum values) and extensions.
pub fn refs(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    refs_in(value, at, false, out);
}

/// `names` is true when the keys of `value` are names (properties, schemas), not keywords.
fn refs_in(value: &Value, at: &str, names: bool, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let child_at = join(at, key);
                if !names {
                    if key == "$ref" {
                        if let Value::String(r) = child {
                            out.push((r.clone(), at.to_owned()));
                        }
                        continue;
                    }
                    if key == "examples" && child.is_object() {
                        // A media type's examples may be `$ref`s to components/examples.
                        for (name, ex) in child.as_object().into_iter().flatten() {
                            if let Some(Value::String(r)) = ex.get("$ref") {
                                out.push((r.clone(), join(&child_at, name)));
                            }
                        }
                        continue;
                    }
                    if matches!(
                        key.as_str(),
                        "example" | "examples" | "default" | "enum" | "const"
                    ) || key.starts_with("x-")
                    {
                        continue;
                    }
                }
                let child_names = !names
                    && matches!(
                        key.as_str(),
                        "properties"
                            | "patternProperties"
                            | "$defs"
                            | "schemas"
                            | "dependentSchemas"
                    );
                refs_in(child, &child_at, child_names, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs_in(child, &format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// Component schema `name` and every component schema it reaches through `$ref`s.
pub fn referenced_schemas(doc: &Value, name: &str) -> std::collections::BTreeSet<String> {
    let mut seen = std::collections::BTreeSet::from([name.to_owned()]);
    let mut queue = vec![name.to_owned()];
    while let Some(next) = queue.pop() {
        let at = join("#/components/schemas", &next);
        let Some(schema) = pointer_get(doc, &at) else {
            continue;
        };
        let mut found = Vec::new();
        refs(schema, &at, &mut found);
        for (reference, _) in found {
            if let Some(target) = reference.strip_prefix("#/components/schemas/") {
                let target = crate::spec::pointer::unescape(target);
                if seen.insert(target.clone()) {
                    queue.push(target);
                }
            }
        }
    }
    seen
}

/// Points every `$ref` (and discriminator mapping value) found in `moved` at where it
/// went, following moves of moves; literal data (examples, defaults, enum values) stays.
pub fn repoint(value: &mut Value, moved: &std::collections::BTreeMap<String, String>) {
    repoint_in(value, moved, false);
}

/// `mapping`: the values of `value` are references (a discriminator's mapping).
fn repoint_in(
    value: &mut Value,
    moved: &std::collections::BTreeMap<String, String>,
    mapping: bool,
) {
    let follow = |reference: &mut String| {
        for _ in 0..moved.len() {
            match moved.get(reference.as_str()) {
                Some(to) if to != reference => *reference = to.clone(),
                _ => break,
            }
        }
    };
    match value {
        Value::String(reference) if mapping => follow(reference),
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                match (key.as_str(), &mut *child) {
                    ("$ref", Value::String(reference)) => follow(reference),
                    ("example" | "examples" | "default" | "enum" | "const", _) if !mapping => {}
                    _ => repoint_in(child, moved, mapping || key == "mapping"),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| repoint_in(v, moved, false)),
        _ => {}
    }
}
