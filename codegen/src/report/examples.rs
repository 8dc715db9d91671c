//! The spec's own examples, each paired with the Rust type generated for its place, as
//! a table the example-conformance test (`tests/spec_examples.rs`) includes from
//! `OUT_DIR/knot_examples.rs`. The test names no operation, so it runs unchanged on
//! any candidate spec (`KNOT_OPENAPI_SPEC=SPEC cargo test --test spec_examples`).
//!
//! Places and their types, read from the generated client itself (so the table says
//! what the client really does, not what we expect progenitor to do):
//!
//! - request body (JSON media type): the operation builder's `body` type;
//! - parameter: the builder field of the same (sanitized) name, the example taken in
//!   the form the parameter travels in ([`super::wire`]);
//! - response under a 2xx status with the generated content: the `ResponseValue<T>` of
//!   the operation's request function; under any other status, or a component schema's
//!   own `example`: the component's generated type when the schema is a `$ref`.
//!
//! An example with no type to check against is listed as skipped with the reason
//! (non-JSON media, raw bodies, inline error schemas, which `knot_api::Error` reads
//! untyped). One whose place should have a type that cannot be found is listed as
//! missing, and the test fails on it: that is a mismatch between this table and the
//! generator, never to be hidden.
//!
//! For request examples the table also lists which fields of the example the schema
//! declares (JSON pointers inside the example), so the round trip can tell a field the
//! generated type drops because the spec does not list it (reported) from one it loses
//! (a failure).

use std::collections::{BTreeMap, BTreeSet};

use quote::quote;
use serde_json::Value;

use crate::spec::pointer::join;
use crate::spec::walk;

/// Which side of the wire an example is on: requests are also round-tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client (request bodies, parameters).
    Request,
    /// Received by it (responses, component schema examples).
    Response,
}

/// What an example is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The generated Rust type, as a path valid where `types` is `knot_api::types`.
    Type(String),
    /// Nothing generated to check against, and why (expected; reported).
    Skipped(String),
    /// A type should exist for this place but was not found (the test fails).
    Missing(String),
}

/// One example of the spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// JSON pointer of the example value in the spec.
    pub pointer: String,
    /// The example.
    pub value: Value,
    /// Request or response side.
    pub direction: Direction,
    /// What it decodes into.
    pub target: Target,
    /// Pointers (inside the example) of the fields the schema declares.
    pub declared: Vec<String>,
}

/// Every example of `original` (the spec as loaded), typed from `client` (the generated
/// source); schemas are read from `prepared` (the converted document, same pointers).
/// Examples of what [`crate::generate::salvage`] gave up (`lost`) are skipped, not missing.
pub fn extract(
    original: &Value,
    prepared: &Value,
    adapted: &Value,
    output: &crate::generate::Output,
) -> Vec<Case> {
    let lost = &output.lost;
    let given_up = Target::Skipped("not generated (see the build notes)".into());
    let generated = Generated::read(output, adapted);
    let mut cases = Vec::new();
    for op in walk::operations(prepared) {
        let Some(operation) = walk::pointer_get(prepared, &op.pointer) else {
            continue;
        };
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let builder = generated
            .operations
            .get(&crate::generate::names::progenitor_snake(id));
        let missing = || Target::Missing(format!("no generated operation for `{id}`"));
        // Request body.
        let body_at = resolved_at(original, &format!("{}/requestBody", op.pointer));
        if let Some(body) = operation.get("requestBody") {
            let body = crate::spec::schema::deref(prepared, body);
            for (media, media_at, schema) in media_types(body, &body_at) {
                let target = if lost.covers(id, "request body") {
                    given_up.clone()
                } else if !crate::adapt::tolerant::is_json(&media) {
                    Target::Skipped(format!("request media type `{media}` is not JSON"))
                } else {
                    match builder {
                        None => missing(),
                        Some(b) => match b.fields.get("body") {
                            Some(ty) if !is_raw(ty) => Target::Type(ty.clone()),
                            Some(_) => Target::Skipped("raw request body".into()),
                            None => Target::Skipped(format!(
                                "request media type `{media}` not generated (see the build notes)"
                            )),
                        },
                    }
                };
                for (at, value) in media_examples(original, &media_at) {
                    let declared = declared(prepared, schema, &value);
                    cases.push(case(
                        at,
                        value,
                        Direction::Request,
                        target.clone(),
                        declared,
                    ));
                }
            }
        }
        // Parameters (the path item's, then the operation's), as the spec lists them:
        // a parameter the pipeline did not generate (see the build notes) is skipped.
        let kept = parameters(adapted, &op);
        let item_at = join("#/paths", &op.path);
        for holder in [item_at, op.pointer.clone()] {
            let list_at = format!("{holder}/parameters");
            let Some(Value::Array(params)) = walk::pointer_get(original, &list_at) else {
                continue;
            };
            for (i, param) in params.iter().enumerate() {
                // Where the parameter really is: an alias of an alias is followed to the end.
                let param_at = resolved_at(original, &format!("{list_at}/{i}"));
                let param = crate::spec::schema::deref(original, param);
                let name = param.get("name").and_then(Value::as_str).unwrap_or("");
                let place = param.get("in").and_then(Value::as_str).unwrap_or("");
                let target = if lost.covers(id, &format!("parameter {name}")) {
                    given_up.clone()
                } else if !kept.contains(&(name.to_ascii_lowercase(), place.to_owned())) {
                    Target::Skipped(format!(
                        "parameter `{name}` is not generated (see the build notes)"
                    ))
                } else {
                    match builder {
                        None => missing(),
                        Some(b) => match b
                            .fields
                            .get(&crate::generate::names::progenitor_snake(name))
                        {
                            Some(ty) => Target::Type(ty.clone()),
                            None => Target::Missing(format!(
                                "no builder field for parameter `{name}` of `{id}`"
                            )),
                        },
                    }
                };
                // Judged as the generated parameter travels (adapt may have changed it).
                let (doc, param) = adapted_parameter(adapted, &op, name, place)
                    .map_or((original, param), |p| (adapted, p));
                for (at, value) in media_examples(original, &param_at) {
                    let value = super::wire::travelled(doc, param, &value);
                    cases.push(case(at, value, Direction::Request, target.clone(), vec![]));
                }
            }
        }
        // Responses, each under its status.
        let responses_at = format!("{}/responses", op.pointer);
        let Some(Value::Object(responses)) = operation.get("responses") else {
            continue;
        };
        let first_success = responses
            .keys()
            .find(|c| c.starts_with('2'))
            .map(|c| crate::spec::schema::deref(prepared, &responses[c]).get("content"));
        for (code, response) in responses {
            let response = crate::spec::schema::deref(prepared, response);
            let at = resolved_at(original, &join(&responses_at, code));
            let generated_success = code.starts_with('2')
                && first_success == Some(response.get("content"))
                && builder.is_some();
            for (media, media_at, schema) in media_types(response, &at) {
                let target = if lost.covers(id, &format!("response {code} body")) {
                    given_up.clone()
                } else if !crate::adapt::tolerant::is_json(&media) {
                    Target::Skipped(format!("response media type `{media}` is not JSON"))
                } else if generated_success {
                    match builder.and_then(|b| b.success.clone()) {
                        Some(ty) if !is_raw(&ty) => Target::Type(ty),
                        _ => Target::Skipped(format!(
                            "status {code} is not decoded into a type by the generated client"
                        )),
                    }
                } else {
                    component_target(&generated, schema, code)
                };
                for (at, value) in media_examples(original, &media_at) {
                    cases.push(case(at, value, Direction::Response, target.clone(), vec![]));
                }
            }
        }
    }
    // Component schemas' own examples.
    if let Some(Value::Object(schemas)) = prepared.pointer("/components/schemas") {
        for name in schemas.keys() {
            let at = join("#/components/schemas", name);
            let ty = crate::generate::names::component_type(name);
            let target = if generated.types.contains(&ty) {
                Target::Type(format!("types::{ty}"))
            } else {
                Target::Skipped(format!("component `{name}` has no type of its own"))
            };
            for (at, value) in schema_examples(original, &at) {
                cases.push(case(at, value, Direction::Response, target.clone(), vec![]));
            }
        }
    }
    cases
}

/// Parameter `name` in `place` of `op` as the adapted document has it (the operation's
/// own over the path item's).
fn adapted_parameter<'a>(
    adapted: &'a Value,
    op: &walk::OperationRef,
    name: &str,
    place: &str,
) -> Option<&'a Value> {
    parameter_objects(adapted, op)
        .filter(|p| {
            p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("in").and_then(Value::as_str) == Some(place)
        })
        .last()
}

/// The parameter objects of `op` in `doc`, references followed: the path item's, then
/// the operation's.
fn parameter_objects<'a>(
    doc: &'a Value,
    op: &walk::OperationRef,
) -> impl Iterator<Item = &'a Value> {
    [join("#/paths", &op.path), op.pointer.clone()]
        .into_iter()
        .filter_map(|holder| walk::pointer_get(doc, &format!("{holder}/parameters")))
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| crate::spec::schema::deref(doc, p))
}

/// `(lower-case name, location)` of the parameters `op` has in `doc`.
fn parameters(doc: &Value, op: &walk::OperationRef) -> BTreeSet<(String, String)> {
    parameter_objects(doc, op)
        .filter_map(|p| {
            Some((
                p.get("name")?.as_str()?.to_ascii_lowercase(),
                p.get("in")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Where the object at `at` really is: its `$ref`s (to `components/requestBodies`,
/// `components/responses`, ...) followed in `doc`.
fn resolved_at(doc: &Value, at: &str) -> String {
    let mut at = at.to_owned();
    for _ in 0..16 {
        let next = walk::pointer_get(doc, &at)
            .and_then(|v| v.get("$ref"))
            .and_then(Value::as_str)
            .and_then(crate::spec::pointer::canonical);
        match next {
            Some(next) if next != at => at = next,
            _ => break,
        }
    }
    at
}

fn case(
    pointer: String,
    value: Value,
    direction: Direction,
    target: Target,
    declared: Vec<String>,
) -> Case {
    Case {
        pointer,
        value,
        direction,
        target,
        declared,
    }
}

fn component_target(generated: &Generated, schema: Option<&Value>, code: &str) -> Target {
    match schema
        .and_then(|s| s.get("$ref"))
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) => {
            let ty = crate::generate::names::component_type(&crate::spec::pointer::unescape(name));
            if generated.types.contains(&ty) {
                Target::Type(format!("types::{ty}"))
            } else {
                Target::Missing(format!("component type `{ty}` not found"))
            }
        }
        None => Target::Skipped(format!(
            "status {code} has an inline schema; only success bodies and component schemas are generated as types"
        )),
    }
}

/// `(media type, pointer of the media type object, schema)` of a body or response.
fn media_types<'a>(holder: &'a Value, at: &str) -> Vec<(String, String, Option<&'a Value>)> {
    let Some(Value::Object(content)) = holder.get("content") else {
        return Vec::new();
    };
    content
        .iter()
        .map(|(media, m)| {
            (
                media.clone(),
                join(&format!("{at}/content"), media),
                m.get("schema"),
            )
        })
        .collect()
}

/// The `example` and each `examples/{name}/value` at `at` (a media type or parameter
/// object) in the original spec; `$ref`s to `components/examples` are followed.
fn media_examples(original: &Value, at: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(holder) = walk::pointer_get(original, at) else {
        return out;
    };
    if let Some(value) = holder.get("example") {
        out.push((format!("{at}/example"), value.clone()));
    }
    if let Some(Value::Object(examples)) = holder.get("examples") {
        for (name, example) in examples {
            let (example, example_at) = match example.get("$ref").and_then(Value::as_str) {
                Some(reference) => (
                    crate::spec::pointer::resolve(original, reference).unwrap_or(example),
                    crate::spec::pointer::canonical(reference).unwrap_or_default(),
                ),
                None => (example, join(&format!("{at}/examples"), name)),
            };
            if let Some(value) = example.get("value") {
                out.push((format!("{example_at}/value"), value.clone()));
            }
        }
    }
    out
}

/// A schema's own `example` and (3.1) each item of its `examples`.
fn schema_examples(original: &Value, at: &str) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let Some(schema) = walk::pointer_get(original, at) else {
        return out;
    };
    if let Some(value) = schema.get("example") {
        out.push((format!("{at}/example"), value.clone()));
    }
    if let Some(Value::Array(examples)) = schema.get("examples") {
        for (i, value) in examples.iter().enumerate() {
            out.push((format!("{at}/examples/{i}"), value.clone()));
        }
    }
    out
}

fn is_raw(ty: &str) -> bool {
    ty.contains("ByteStream") || ty.contains("reqwest") || ty == "()"
}

/// Pointers (inside `value`) of the object fields `schema` declares, as deep as the
/// schema describes them: properties (through `$ref`, `allOf` and every branch of
/// `oneOf`/`anyOf`), array items and map values.
fn declared(doc: &Value, schema: Option<&Value>, value: &Value) -> Vec<String> {
    let mut out = BTreeSet::new();
    if let Some(schema) = schema {
        declared_at(doc, schema, value, "", &mut out, 0);
    }
    out.into_iter().collect()
}

fn declared_at(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    out: &mut BTreeSet<String>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let flat = crate::spec::schema::flatten(doc, schema);
    let mut properties: BTreeMap<String, Value> = BTreeMap::new();
    let mut items: Vec<Value> = Vec::new();
    let mut maps: Vec<Value> = Vec::new();
    let mut collect = |flat: &serde_json::Map<String, Value>| {
        for (name, property) in flat
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            properties
                .entry(name.clone())
                .or_insert_with(|| property.clone());
        }
        if let Some(item) = flat.get("items") {
            items.push(item.clone());
        }
        if let Some(extra) = flat.get("additionalProperties").filter(|v| v.is_object()) {
            maps.push(extra.clone());
        }
    };
    collect(&flat);
    for key in ["oneOf", "anyOf"] {
        for branch in flat
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            collect(&crate::spec::schema::flatten(doc, branch));
        }
    }
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                let field_at = join(at, name);
                if let Some(property) = properties.get(name) {
                    out.insert(field_at.clone());
                    declared_at(doc, property, field, &field_at, out, depth + 1);
                } else if let Some(extra) = maps.first() {
                    out.insert(field_at.clone());
                    declared_at(doc, extra, field, &field_at, out, depth + 1);
                }
            }
        }
        Value::Array(elements) => {
            if let Some(item) = items.first() {
                for (i, element) in elements.iter().enumerate() {
                    declared_at(doc, item, element, &format!("{at}/{i}"), out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// What the generated client says about its operations and types.
#[derive(Debug, Default)]
struct Generated {
    /// By progenitor's operation id (snake case).
    operations: BTreeMap<String, Builder>,
    /// Names of the types in `types`.
    types: BTreeSet<String>,
}

#[derive(Debug, Default, Clone)]
struct Builder {
    /// Field name → the type it holds (`Result<T, String>` unwrapped, `Option` too).
    fields: BTreeMap<String, String>,
    /// `T` of the request function's `ResponseValue<T>`.
    success: Option<String>,
}

impl Generated {
    /// What generation produced, by operationId: the builder's parameters (by name, the
    /// type it holds) and the success type; and every generated type's name.
    fn read(output: &crate::generate::Output, adapted: &Value) -> Self {
        let mut generated = Self::default();
        for method in &output.methods {
            let fields = method
                .params
                .iter()
                .map(|p| {
                    let ty = if p.owned == "reqwest::Body" {
                        "reqwest::Body".to_owned()
                    } else {
                        p.owned.clone()
                    };
                    (p.name.clone(), ty)
                })
                .collect();
            generated.operations.insert(
                method.name.clone(),
                Builder {
                    fields,
                    success: Some(method.success.clone()),
                },
            );
        }
        generated.types.extend(output.facts.named.keys().cloned());
        let schemas = adapted
            .pointer("/components/schemas")
            .and_then(Value::as_object);
        for (key, schema) in schemas.into_iter().flatten() {
            if schema.get(crate::markers::OPEN_ENUM) == Some(&Value::Bool(true)) {
                generated
                    .types
                    .insert(crate::generate::names::component_type(key));
            }
        }
        generated
    }
}

/// The table as Rust source: `fn knot_examples() -> Vec<ExampleCase>`, built with
/// constructors the including test defines (`ExampleCase::typed::<T>`,
/// `ExampleCase::skipped`, `ExampleCase::missing`), with `types` in scope.
pub fn to_rust(cases: &[Case], spec_name: &str) -> String {
    let entries = cases.iter().map(|case| {
        let pointer = &case.pointer;
        let json = serde_json::to_string(&case.value).expect("JSON serializes");
        let request = case.direction == Direction::Request;
        let declared = &case.declared;
        match &case.target {
            Target::Type(ty) => match syn::parse_str::<syn::Type>(ty) {
                Ok(ty) => quote! {
                    ExampleCase::typed::<#ty>(#pointer, #json, #request, &[#(#declared),*])
                },
                Err(_) => {
                    let reason = format!("type `{ty}` is not a Rust type");
                    quote! { ExampleCase::missing(#pointer, #json, #reason) }
                }
            },
            Target::Skipped(reason) => quote! { ExampleCase::skipped(#pointer, #json, #reason) },
            Target::Missing(reason) => quote! { ExampleCase::missing(#pointer, #json, #reason) },
        }
    });
    let file: syn::File = syn::parse_quote! {
        /// Every example of the spec with the generated type for its place.
        fn knot_examples() -> ::std::vec::Vec<ExampleCase> {
            ::std::vec::Vec::from([#(#entries),*])
        }
    };
    format!(
        "// @generated by knot-codegen from {spec_name}: the spec's examples and their types.\n{}",
        prettyplease::unparse(&file)
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn declared_fields_follow_refs_unions_and_items() {
        let doc = json!({ "components": { "schemas": {
            "Cat": { "properties": { "name": {}, "toys": { "items": { "properties": { "id": {} } } } } },
            "Dog": { "properties": { "bark": {} } }
        } } });
        let schema = json!({ "oneOf": [
            { "$ref": "#/components/schemas/Cat" }, { "$ref": "#/components/schemas/Dog" } ] });
        let value =
            json!({ "name": "Tom", "merchant_id": 1, "toys": [{ "id": 1, "x": 2 }], "bark": true });
        assert_eq!(
            declared(&doc, Some(&schema), &value),
            vec!["/bark", "/name", "/toys", "/toys/0/id"]
        );
    }

    /// A parameter reached through a chain of `$ref`s (an alias of an alias) has its
    /// example checked where it really is, not at the first hop.
    #[test]
    fn parameter_examples_behind_alias_chains_are_found() {
        let spec = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": { "/items": { "get": {
                "operationId": "list_items",
                "parameters": [{ "$ref": "#/components/parameters/Alias" }],
                "responses": { "204": { "description": "none" } }
            } } },
            "components": { "parameters": {
                "Alias": { "$ref": "#/components/parameters/Limit" },
                "Limit": { "name": "limit", "in": "query",
                    "schema": { "type": "integer" }, "example": 25 }
            } }
        });
        let path =
            std::env::temp_dir().join(format!("knot-examples-alias-{}.json", std::process::id()));
        std::fs::write(&path, spec.to_string()).unwrap();
        let generated = crate::generate_file(path.to_str().unwrap());
        std::fs::remove_file(&path).unwrap();
        let examples = generated.unwrap().examples;
        assert!(
            examples.contains("#/components/parameters/Limit/example"),
            "{examples}"
        );
    }
}
