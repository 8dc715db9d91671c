//! The spec's own examples, each paired with the Rust type generated for its place, as
//! a table the example-conformance test (`tests/spec_examples.rs`) includes from
//! `OUT_DIR/knot_examples.rs`. The test names no operation, so it runs unchanged on
//! any candidate spec (`KNOT_OPENAPI_SPEC=SPEC cargo test --test spec_examples`).
//!
//! Places and their types, read from the generated client itself (so the table says
//! what the client really does, not what we expect progenitor to do):
//!
//! - request body (JSON media type): the operation builder's `body` type;
//! - parameter: the builder field of the same (sanitized) name;
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

use quote::{ToTokens, quote};
use serde_json::Value;
use syn::visit::Visit;

use crate::pointer::join;
use crate::walk;

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
/// Examples of what [`crate::salvage`] gave up (`lost`) are skipped, not missing.
pub fn extract(
    original: &Value,
    prepared: &Value,
    client: &str,
    lost: &crate::salvage::Lost,
) -> Vec<Case> {
    let given_up = Target::Skipped("not generated (see the build notes)".into());
    let generated = match syn::parse_file(client) {
        Ok(file) => Generated::read(&file),
        Err(_) => Generated::default(),
    };
    let mut cases = Vec::new();
    for op in walk::operations(prepared) {
        let Some(operation) = walk::pointer_get(prepared, &op.pointer) else {
            continue;
        };
        let id = operation
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let builder = generated.operations.get(&snake(id));
        let missing = || Target::Missing(format!("no generated operation for `{id}`"));
        // Request body.
        let body_at = resolved_at(original, &format!("{}/requestBody", op.pointer));
        if let Some(body) = operation.get("requestBody") {
            let body = crate::schema::deref(prepared, body);
            for (media, media_at, schema) in media_types(body, &body_at) {
                let target = if lost.covers(id, "request body") {
                    given_up.clone()
                } else if !crate::adapt::is_json(&media) {
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
        let kept = parameters(prepared, &op);
        let item_at = join("#/paths", &op.path);
        for holder in [item_at, op.pointer.clone()] {
            let list_at = format!("{holder}/parameters");
            let Some(Value::Array(params)) = walk::pointer_get(original, &list_at) else {
                continue;
            };
            for (i, param) in params.iter().enumerate() {
                // Where the parameter really is: an alias of an alias is followed to the end.
                let param_at = resolved_at(original, &format!("{list_at}/{i}"));
                let param = crate::schema::deref(original, param);
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
                        Some(b) => match b.fields.get(&snake(name)) {
                            Some(ty) => Target::Type(ty.clone()),
                            None => Target::Missing(format!(
                                "no builder field for parameter `{name}` of `{id}`"
                            )),
                        },
                    }
                };
                for (at, value) in media_examples(original, &param_at) {
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
            .map(|c| crate::schema::deref(prepared, &responses[c]).get("content"));
        for (code, response) in responses {
            let response = crate::schema::deref(prepared, response);
            let at = resolved_at(original, &join(&responses_at, code));
            let generated_success = code.starts_with('2')
                && first_success == Some(response.get("content"))
                && builder.is_some();
            for (media, media_at, schema) in media_types(response, &at) {
                let target = if lost.covers(id, &format!("response {code} body")) {
                    given_up.clone()
                } else if !crate::adapt::is_json(&media) {
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
            let ty = crate::generate::type_name(name);
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

/// `(lower-case name, location)` of the parameters `op` has in `doc`.
fn parameters(doc: &Value, op: &walk::OperationRef) -> BTreeSet<(String, String)> {
    let item_at = join("#/paths", &op.path);
    [item_at, op.pointer.clone()]
        .iter()
        .filter_map(|holder| walk::pointer_get(doc, &format!("{holder}/parameters")))
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| crate::schema::deref(doc, p))
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
            .and_then(crate::pointer::canonical);
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
            let ty = crate::generate::type_name(&name.replace("~1", "/").replace("~0", "~"));
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
                    crate::pointer::resolve(original, reference).unwrap_or(example),
                    crate::pointer::canonical(reference).unwrap_or_default(),
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
    let flat = crate::schema::flatten(doc, schema);
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
            collect(&crate::schema::flatten(doc, branch));
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
    fn read(file: &syn::File) -> Self {
        let mut generated = Self::default();
        let mut structs: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        let mut by_struct: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
        for item in &file.items {
            let syn::Item::Mod(m) = item else { continue };
            let Some((_, items)) = &m.content else {
                continue;
            };
            if m.ident == "types" {
                for item in items {
                    match item {
                        syn::Item::Struct(s) => generated.types.insert(s.ident.to_string()),
                        syn::Item::Enum(e) => generated.types.insert(e.ident.to_string()),
                        syn::Item::Type(t) => generated.types.insert(t.ident.to_string()),
                        _ => false,
                    };
                }
            }
            if m.ident != "builder" {
                continue;
            }
            for item in items {
                match item {
                    syn::Item::Struct(s) => {
                        let fields = s
                            .fields
                            .iter()
                            .filter_map(|f| Some((f.ident.as_ref()?.to_string(), held(&f.ty)?)))
                            .collect();
                        structs.insert(s.ident.to_string(), fields);
                    }
                    syn::Item::Impl(block) => {
                        let syn::Type::Path(self_ty) = &*block.self_ty else {
                            continue;
                        };
                        let Some(name) = self_ty.path.segments.last().map(|s| s.ident.to_string())
                        else {
                            continue;
                        };
                        for item in &block.items {
                            let syn::ImplItem::Fn(f) = item else { continue };
                            let mut finder = OperationId(None);
                            finder.visit_block(&f.block);
                            if let Some(id) = finder.0 {
                                let success = match &f.sig.output {
                                    syn::ReturnType::Type(_, ty) => response_value(ty),
                                    syn::ReturnType::Default => None,
                                };
                                by_struct.insert(name.clone(), (id, success));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        for (name, (id, success)) in by_struct {
            generated.operations.insert(
                id,
                Builder {
                    fields: structs.remove(&name).unwrap_or_default(),
                    success,
                },
            );
        }
        generated
    }
}

/// Finds `OperationInfo { operation_id: "..", .. }`.
struct OperationId(Option<String>);

impl<'ast> Visit<'ast> for OperationId {
    fn visit_expr_struct(&mut self, e: &'ast syn::ExprStruct) {
        if e.path.is_ident("OperationInfo") {
            for field in &e.fields {
                if let syn::Member::Named(name) = &field.member
                    && name == "operation_id"
                    && let syn::Expr::Lit(lit) = &field.expr
                    && let syn::Lit::Str(s) = &lit.lit
                {
                    self.0 = Some(s.value());
                }
            }
        }
        syn::visit::visit_expr_struct(self, e);
    }
}

/// The `T` of a builder field `Result<T, String>` (or `Result<Option<T>, String>`), as
/// a path valid where `types` is the generated types module.
fn held(ty: &syn::Type) -> Option<String> {
    let inner = generic_arg(ty, "Result")?;
    let inner = generic_arg(&inner, "Option").unwrap_or(inner);
    Some(type_text(&inner))
}

/// The `T` in `...ResponseValue<T>...`.
fn response_value(ty: &syn::Type) -> Option<String> {
    struct Find(Option<syn::Type>);
    impl<'ast> Visit<'ast> for Find {
        fn visit_type_path(&mut self, p: &'ast syn::TypePath) {
            if self.0.is_none()
                && let Some(last) = p.path.segments.last()
                && last.ident == "ResponseValue"
                && let syn::PathArguments::AngleBracketed(args) = &last.arguments
                && let Some(syn::GenericArgument::Type(t)) = args.args.first()
            {
                self.0 = Some(t.clone());
            }
            syn::visit::visit_type_path(self, p);
        }
    }
    let mut find = Find(None);
    find.visit_type(ty);
    find.0.map(|t| type_text(&t))
}

fn generic_arg(ty: &syn::Type, name: &str) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

/// A type as text; typify's builder types (`types::builder::X`) become the types they
/// build (`types::X`), and the builder module's `super::X` becomes `types::X`.
fn type_text(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace("types :: builder ::", "types ::")
        .replace("super :: types ::", "types ::")
}

/// progenitor's operation ids and field names: snake case, as its `sanitize` does.
pub fn snake(name: &str) -> String {
    use heck::ToSnakeCase;
    identifier(name, |s| s.to_snake_case())
}

/// typify's type names: Pascal case, as its `sanitize` does.
pub fn pascal(name: &str) -> String {
    use heck::ToPascalCase;
    identifier(name, |s| s.to_pascal_case())
}

fn identifier(name: &str, case: impl Fn(&str) -> String) -> String {
    let cleaned: String = name
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let out = case(&cleaned);
    let out = match out.chars().next() {
        None => case("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{out}", case("x")),
    };
    if syn::parse_str::<syn::Ident>(&out).is_ok() {
        out
    } else {
        format!("{out}_")
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
    fn names_follow_progenitor_and_typify() {
        assert_eq!(snake("sessionCreate"), "session_create");
        assert_eq!(snake("X-Trace"), "x_trace");
        assert_eq!(snake("type"), "type_");
        assert_eq!(pascal("HTTPValidationError"), "HttpValidationError");
        assert_eq!(pascal("session_create-body"), "SessionCreateBody");
    }

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
