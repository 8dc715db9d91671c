//! OpenAPI 3.1 → 3.0.3, the dialect progenitor 0.15 reads.
//!
//! Pure OpenAPI semantics, nothing generator-specific (that is [`crate::adapt`]), so the
//! spec diff can read 3.1 documents through the same code. Each schema keeps its meaning
//! where 3.0 can say it; where it cannot, the construct is dropped and recorded in
//! [`Notes`], or, where dropping would change the shape of the data, refused with its
//! JSON pointer.

use serde_json::{Map, Value, json};

use crate::notes::Notes;
use crate::spec::load::OpenApiVersion;
use crate::spec::walk;

/// Keywords 3.0 lacks that only validate or annotate: dropping them keeps every type.
const DROPPED_KEYWORDS: [(&str, &str); 14] = [
    ("$defs", "`$defs` (not OpenAPI 3.0)"),
    ("contentEncoding", "`contentEncoding` not enforced"),
    ("contentMediaType", "`contentMediaType` not enforced"),
    ("contentSchema", "`contentSchema` not enforced"),
    (
        "unevaluatedProperties",
        "`unevaluatedProperties` not enforced",
    ),
    ("unevaluatedItems", "`unevaluatedItems` not enforced"),
    ("dependentRequired", "`dependentRequired` not enforced"),
    ("dependentSchemas", "`dependentSchemas` not enforced"),
    ("propertyNames", "`propertyNames` not enforced"),
    ("contains", "`contains` not enforced"),
    ("minContains", "`minContains` not enforced"),
    ("maxContains", "`maxContains` not enforced"),
    ("if", "`if`/`then`/`else` not enforced"),
    ("$dynamicAnchor", "`$dynamicAnchor` dropped"),
];

/// Keywords dropped silently: identifiers and comments with no effect on data.
const SILENT_KEYWORDS: [&str; 6] = ["$schema", "$id", "$anchor", "$comment", "then", "else"];

/// Keywords that change the shape of data and have no 3.0 form: the schema holding one
/// is replaced ([`without_3_0_form`]).
const RECURSIVE_REFS: [&str; 2] = ["$recursiveRef", "$dynamicRef"];

/// Converts `doc` in place to OpenAPI 3.0.3. A 3.0 document passes through unchanged
/// except for the same normalisations (harmless there).
pub fn upgrade(doc: &mut Value, version: OpenApiVersion, notes: &mut Notes) -> Result<(), String> {
    let Value::Object(root) = doc else {
        return Err("the top level is not a mapping".into());
    };
    if version == OpenApiVersion::V31 {
        root.insert("openapi".into(), json!("3.0.3"));
    }
    if let Some(Value::Object(webhooks)) = root.remove("webhooks")
        && !webhooks.is_empty()
    {
        notes.add(
                format!(
                    "webhooks section ({} webhook(s)) not generated: they are requests Knot sends, not client operations",
                    webhooks.len()
                ),
                "#/webhooks",
            );
    }
    root.remove("jsonSchemaDialect");
    if let Some(Value::Object(info)) = root.get_mut("info") {
        info.remove("summary");
        if let Some(Value::Object(license)) = info.get_mut("license") {
            license.remove("identifier");
        }
    }
    if let Some(Value::Object(components)) = root.get_mut("components") {
        components.remove("pathItems");
    }
    if !root.contains_key("paths") {
        root.insert("paths".into(), json!({}));
    }
    for op in walk::operations(doc) {
        if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer) {
            operation.entry("responses").or_insert_with(|| json!({}));
        }
    }
    for root_at in walk::schema_roots(doc) {
        upgrade_schema_tree(doc, &root_at, notes)?;
    }
    Ok(())
}

fn upgrade_schema_tree(doc: &mut Value, at: &str, notes: &mut Notes) -> Result<(), String> {
    let Some(schema) = walk::pointer_get_mut(doc, at) else {
        return Ok(());
    };
    upgrade_node(schema, at, notes)?;
    let children = walk::child_schemas(schema, at);
    for child in children {
        upgrade_schema_tree(doc, &child, notes)?;
    }
    Ok(())
}

/// What replaces a schema whose shape has no 3.0 form, noted: a recursive or dynamic
/// reference becomes a reference to the component schema it sits in (what the anchor
/// of a component names; anywhere else, any JSON value), and a tuple array a list of
/// JSON values.
fn without_3_0_form(schema: &Value, at: &str, notes: &mut Notes) -> Option<Value> {
    let map = schema.as_object()?;
    if let Some(key) = RECURSIVE_REFS.into_iter().find(|k| map.contains_key(*k)) {
        let component = at
            .strip_prefix("#/components/schemas/")
            .and_then(|rest| rest.split('/').next());
        return Some(match component {
            Some(name) => {
                notes.add(
                    format!("`{key}` read as a reference to the component schema it is in"),
                    at,
                );
                json!({ "$ref": format!("#/components/schemas/{name}") })
            }
            None => {
                notes.add(
                    format!("`{key}` outside a component schema generated as any JSON value"),
                    at,
                );
                json!({})
            }
        });
    }
    if map.contains_key("prefixItems") {
        notes.add(
            "tuple array (`prefixItems`) generated as a list of JSON values",
            at,
        );
        let mut list = json!({ "type": "array" });
        if let Some(description) = map.get("description") {
            list["description"] = description.clone();
        }
        return Some(list);
    }
    None
}

/// Converts one schema node; its subschemas are visited afterwards by the caller.
pub fn upgrade_node(schema: &mut Value, at: &str, notes: &mut Notes) -> Result<(), String> {
    match schema {
        Value::Bool(true) => {
            *schema = json!({});
            return Ok(());
        }
        Value::Bool(false) => {
            *schema = json!({ "not": {} });
            return Ok(());
        }
        Value::Object(_) => {}
        other => {
            return Err(format!(
                "schema at {at} must be a mapping or a boolean, found {}",
                crate::spec::check::kind(other)
            ));
        }
    }
    if let Some(replacement) = without_3_0_form(schema, at, notes) {
        *schema = replacement;
    }
    let Value::Object(map) = schema else {
        return Ok(());
    };
    ref_siblings(map);
    type_array(map, at, notes);
    null_in_enum(map);
    const_to_enum(map);
    titled_const_union(map);
    null_branches(map);
    exclusive_bounds(map);
    examples_array(map, at, notes);
    pattern_properties(map, at, notes);
    for (key, what) in DROPPED_KEYWORDS {
        if map.remove(key).is_some() {
            notes.add(what, at);
        }
    }
    for key in SILENT_KEYWORDS {
        map.remove(key);
    }
    // Boolean subschemas (`additionalProperties: true` stays: 3.0 allows it there).
    for key in ["items", "not"] {
        if let Some(Value::Bool(b)) = map.get(key) {
            let replacement = if *b { json!({}) } else { json!({ "not": {} }) };
            map.insert(key.into(), replacement);
        }
    }
    Ok(())
}

/// 3.1 lets `$ref` carry sibling keywords; 3.0 ignores them. Wrapping in a one-item
/// `allOf` keeps them meaningful (nullable, description, ...).
fn ref_siblings(map: &mut Map<String, Value>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let reference = map.remove("$ref").expect("checked above");
    prepend_all_of(map, json!({ "$ref": reference }));
}

/// Puts `part` first in the schema's `allOf`, creating it if needed: how a `$ref` is
/// given company (siblings, nullability) in 3.0.
fn prepend_all_of(map: &mut Map<String, Value>, part: Value) {
    match map.get_mut("allOf") {
        Some(Value::Array(items)) => items.insert(0, part),
        _ => {
            map.insert("allOf".into(), json!([part]));
        }
    }
}

/// `type: [T, 'null']` → `type: T, nullable: true`; several non-null types → `anyOf`.
fn type_array(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|t| t.as_str().map(str::to_owned))
            .collect(),
        Some(Value::String(t)) if t == "null" => vec!["null".into()],
        _ => return,
    };
    map.remove("type");
    let nullable = types.iter().any(|t| t == "null");
    let others: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    match others.as_slice() {
        [] => notes.add(
            "`type: 'null'` alone has no 3.0 form; kept as any value",
            at,
        ),
        [single] => {
            map.insert("type".into(), Value::String((*single).clone()));
        }
        many => {
            let branches: Vec<Value> = many.iter().map(|t| json!({ "type": t })).collect();
            map.insert("anyOf".into(), Value::Array(branches));
        }
    }
    if nullable {
        map.insert("nullable".into(), Value::Bool(true));
    }
}

/// Takes `null` out of an enum's values and says `nullable: true` instead (the enum goes
/// when nothing else is left).
pub(crate) fn null_in_enum(map: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = map.get_mut("enum") else {
        return;
    };
    let before = values.len();
    values.retain(|v| !v.is_null());
    if values.len() != before {
        let empty = values.is_empty();
        map.insert("nullable".into(), Value::Bool(true));
        if empty {
            map.remove("enum");
        }
    }
}

fn const_to_enum(map: &mut Map<String, Value>) {
    let Some(value) = map.remove("const") else {
        return;
    };
    if value.is_null() {
        map.insert("nullable".into(), Value::Bool(true));
        return;
    }
    if !map.contains_key("type")
        && let Some(t) = json_type(&value)
    {
        map.insert("type".into(), json!(t));
    }
    map.insert("enum".into(), json!([value]));
}

fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

/// `oneOf` of single-value schemas with titles (how Knot documents enum values) → an
/// `enum`, with each value's title and description kept in the description.
fn titled_const_union(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        let mut values = Vec::new();
        let mut docs = Vec::new();
        for branch in branches {
            let Value::Object(b) = branch else { return };
            let allowed = [
                "const",
                "enum",
                "title",
                "description",
                "type",
                "deprecated",
            ];
            if b.keys().any(|k| !allowed.contains(&k.as_str())) {
                return;
            }
            let value = match (b.get("const"), b.get("enum")) {
                (Some(v), None) => v.clone(),
                (None, Some(Value::Array(vs))) if vs.len() == 1 => vs[0].clone(),
                _ => return,
            };
            if value.is_null() {
                return;
            }
            let label = [b.get("title"), b.get("description")]
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(": ");
            let shown = value
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| value.to_string());
            docs.push(if label.is_empty() {
                format!("- `{shown}`")
            } else {
                format!("- `{shown}`: {label}")
            });
            values.push(value);
        }
        if values.is_empty() {
            return;
        }
        let types: Vec<_> = values.iter().map(json_type).collect();
        let Some(first) = types[0] else { return };
        let ty = if types.iter().all(|t| *t == Some(first)) {
            first
        } else if types
            .iter()
            .all(|t| matches!(t, Some("integer") | Some("number")))
        {
            "number"
        } else {
            return;
        };
        map.remove(key);
        map.entry("type").or_insert_with(|| json!(ty));
        map.insert("enum".into(), Value::Array(values));
        let mut description = map
            .get("description")
            .and_then(Value::as_str)
            .map(|d| format!("{d}\n\n"))
            .unwrap_or_default();
        description.push_str(&docs.join("\n"));
        map.insert("description".into(), Value::String(description));
        return;
    }
}

fn is_null_schema(value: &Value) -> bool {
    let Value::Object(b) = value else {
        return false;
    };
    let doc_only = b.keys().all(|k| {
        matches!(
            k.as_str(),
            "type" | "enum" | "const" | "description" | "title"
        )
    });
    if !doc_only {
        return false;
    }
    match (b.get("type"), b.get("enum"), b.get("const")) {
        (Some(Value::String(t)), None, None) => t == "null",
        (Some(Value::Array(ts)), None, None) => ts.iter().all(|t| t == "null") && !ts.is_empty(),
        (None, Some(Value::Array(vs)), None) => vs.iter().all(Value::is_null) && !vs.is_empty(),
        (None, None, Some(Value::Null)) => true,
        _ => false,
    }
}

/// `anyOf`/`oneOf` with a `null` branch → the other branch(es) plus `nullable: true`.
fn null_branches(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        let rest: Vec<Value> = branches
            .iter()
            .filter(|b| !is_null_schema(b))
            .cloned()
            .collect();
        map.insert("nullable".into(), Value::Bool(true));
        map.remove(key);
        match rest.len() {
            0 => {}
            1 => {
                let branch = rest.into_iter().next().expect("one branch");
                match branch {
                    Value::Object(b) if b.contains_key("$ref") => {
                        prepend_all_of(map, Value::Object(b));
                    }
                    Value::Object(b) => {
                        for (k, v) in b {
                            if k == "nullable" {
                                continue;
                            }
                            map.entry(k).or_insert(v);
                        }
                    }
                    _ => {}
                }
            }
            _ => {
                map.insert(key.into(), Value::Array(rest));
            }
        }
    }
}

/// Numeric `exclusiveMinimum: n` (3.1) → `minimum: n, exclusiveMinimum: true` (3.0).
fn exclusive_bounds(map: &mut Map<String, Value>) {
    for (exclusive, inclusive, stricter) in [
        ("exclusiveMinimum", "minimum", std::cmp::Ordering::Greater),
        ("exclusiveMaximum", "maximum", std::cmp::Ordering::Less),
    ] {
        let Some(Value::Number(bound)) = map.get(exclusive).cloned() else {
            continue;
        };
        let b = bound.as_f64().unwrap_or(0.0);
        let keep_inclusive = map
            .get(inclusive)
            .and_then(Value::as_f64)
            .is_some_and(|i| i.partial_cmp(&b) == Some(stricter));
        if keep_inclusive {
            map.remove(exclusive);
        } else {
            map.insert(inclusive.into(), Value::Number(bound));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

/// Schema-level `examples: [..]` (3.1) → `example: first` (3.0).
fn examples_array(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let Some(Value::Array(examples)) = map.get("examples") else {
        return;
    };
    let examples = examples.clone();
    map.remove("examples");
    if examples.len() > 1 {
        notes.add("schema `examples` beyond the first dropped", at);
    }
    if let Some(first) = examples.into_iter().next() {
        map.entry("example").or_insert(first);
    }
}

/// `patternProperties` with one pattern and no `additionalProperties` → a map of that
/// schema (the pattern itself is not enforced).
fn pattern_properties(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let Some(Value::Object(patterns)) = map.remove("patternProperties") else {
        return;
    };
    if patterns.len() == 1 && !map.contains_key("additionalProperties") {
        let (_, schema) = patterns.into_iter().next().expect("one pattern");
        map.insert("additionalProperties".into(), schema);
        notes.add("`patternProperties` key pattern not enforced", at);
    } else {
        notes.add("`patternProperties` dropped", at);
    }
}
