//! Generator-specific adaptations of a 3.0 document, applied after [`crate::adapt::upgrade`].
//!
//! These do not change what the API means; they change what progenitor is asked to
//! generate so that the client is robust against what real servers send:
//!
//! - **Error responses are left to the `ext` layer.** progenitor panics when an
//!   operation's error responses use different schemas, decodes error bodies into closed
//!   types (an unknown `error_code` fails) and drops bodies that do not match (Knot's
//!   500 is `{"message": ...}`). Without them, every non-2xx status reaches the caller
//!   as the raw response, which `knot_api::Error` classifies with nothing lost.
//! - **Response enums are open.** A string enum reachable from any response is marked
//!   [`OPEN_ENUM`] and, when it sits inside a component schema, moved to a component of
//!   its own named as typify would name it inline (`{Schema}{Property}`); `generate`
//!   writes it as an open enum (`Unknown(String)` keeps any other value) in typify's place.
//!   An enum inside an inline response schema (no name to give it) becomes a string
//!   whose docs list the known values.
//!   The enum properties that tell a `oneOf`/`anyOf`'s variants apart stay closed, so
//!   each value decodes into the variant it names.
//! - **Responses tolerate unknown fields** (`additionalProperties: false` is dropped
//!   from response schemas).
//! - `format: uuid` stays a `String` (Knot's session ids are not RFC 4122 UUIDs);
//!   `pattern`, `minLength`, `maxLength` and `enum`s of values other than strings are not compiled into
//!   newtypes (the request contract checks them before sending), and `default`s are left
//!   to the server.
//! - One success type per operation, one media type per body (progenitor handles one).
//! - Header parameter names are lower-cased (HTTP header names are case-insensitive;
//!   progenitor writes them with `HeaderName::from_static`, which panics on upper case).

use std::collections::{BTreeSet, VecDeque};

use serde_json::{Map, Value, json};

use crate::markers::{OPEN_ENUM, ORIGIN};
use crate::notes::Notes;
use crate::spec::pointer::join;
use crate::spec::walk;

/// Applies every adaptation in place.
pub fn adapt(doc: &mut Value, notes: &mut Notes) {
    lower_case_header_parameters(doc);
    for op in walk::operations(doc) {
        describe_inline_bodies(doc, &op);
        one_media_type_each(doc, &op, notes);
        hoist_inline_bodies(doc, &op);
    }
    let response_schemas = response_reachable(doc);
    let closed = union_tags(doc);
    for at in &response_schemas {
        open_response_schema(doc, at, &closed);
    }
    for op in walk::operations(doc) {
        single_success(doc, &op, notes);
    }
    for root in walk::schema_roots(doc) {
        strip_runtime_constraints(doc, &root, notes);
    }
}

fn lower_case_header_parameters(doc: &mut Value) {
    let mut lists: Vec<String> = vec!["#/components/parameters".into()];
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for (path, item) in paths {
            let item_at = join("#/paths", path);
            lists.push(format!("{item_at}/parameters"));
            for method in walk::METHODS {
                if item.get(method).is_some() {
                    lists.push(format!("{}/parameters", join(&item_at, method)));
                }
            }
        }
    }
    for at in lists {
        let params: Vec<&mut Value> = match walk::pointer_get_mut(doc, &at) {
            Some(Value::Array(list)) => list.iter_mut().collect(),
            Some(Value::Object(map)) => map.values_mut().collect(),
            _ => continue,
        };
        for param in params {
            if param.get("in").and_then(Value::as_str) == Some("header")
                && let Some(Value::String(name)) = param.get_mut("name")
            {
                *name = name.to_ascii_lowercase();
            }
        }
    }
}

/// Pointers of the bodies an operation's generated code handles: the request body, then
/// each success response.
fn generated_bodies(doc: &Value, op: &walk::OperationRef) -> Vec<String> {
    let responses_at = format!("{}/responses", op.pointer);
    let mut bodies = vec![format!("{}/requestBody", op.pointer)];
    if let Some(Value::Object(responses)) = walk::pointer_get(doc, &responses_at) {
        bodies.extend(
            responses
                .keys()
                .filter(|code| code.starts_with('2'))
                .map(|code| join(&responses_at, code)),
        );
    }
    bodies
}

/// Media types progenitor 0.15 can send.
const SENDABLE: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "application/octet-stream",
    "text/plain",
    "text/x-markdown",
];

/// Leaves the request body and each success response with the one media type that is
/// generated (JSON preferred). Request media types progenitor cannot send are dropped
/// first (it refuses the whole spec otherwise); a body left with none is not generated.
/// Every drop is reported.
fn one_media_type_each(doc: &mut Value, op: &walk::OperationRef, notes: &mut Notes) {
    let body_at = format!("{}/requestBody", op.pointer);
    for at in generated_bodies(doc, op) {
        inline_if_edited(doc, &at, at == body_at, notes);
        let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{at}/content"))
        else {
            continue;
        };
        if at == body_at {
            let unsendable: Vec<String> =
                content.keys().filter(|m| !sendable(m)).cloned().collect();
            if !unsendable.is_empty() {
                content.retain(|m, _| sendable(m));
                let empty = content.is_empty();
                notes.add(
                    format!(
                        "request media type(s) {} not generated{}",
                        unsendable.join(", "),
                        if empty {
                            "; the operation has no body"
                        } else {
                            ""
                        }
                    ),
                    at.clone(),
                );
                if empty {
                    if let Some(Value::Object(operation)) = walk::pointer_get_mut(doc, &op.pointer)
                    {
                        operation.remove("requestBody");
                    }
                    continue;
                }
            }
        }
        keep_preferred_media_type(content, &at, notes);
    }
}

/// Whether progenitor can send a request body of this media type: only the types it
/// names (a `+json` type such as `application/json-patch+json` is refused).
fn sendable(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or(media).trim();
    SENDABLE.contains(&base)
}

/// A request body or response given by `$ref` (`components/requestBodies`,
/// `components/responses`) whose media types are about to be cut down is copied into
/// the operation first, so the edit reaches progenitor and the shared component stays
/// as it is for the operations that use it unchanged. So is one whose `$ref` points
/// into the other section (a response at `components/requestBodies/X`): progenitor
/// looks it up by name in its own section and panics.
fn inline_if_edited(doc: &mut Value, at: &str, request: bool, notes: &mut Notes) {
    let Some(reference) = walk::pointer_get(doc, at)
        .and_then(|holder| holder.get("$ref"))
        .and_then(Value::as_str)
    else {
        return;
    };
    let section = if request {
        "#/components/requestBodies/"
    } else {
        "#/components/responses/"
    };
    let misplaced = !reference.starts_with(section);
    let Some(target) = crate::spec::pointer::resolve(doc, reference) else {
        return;
    };
    let edited = target
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|content| {
            content.len() > 1 || (request && content.keys().any(|m| !sendable(m)))
        });
    if !(edited || misplaced) {
        return;
    }
    let copy = target.clone();
    if let Some(slot) = walk::pointer_get_mut(doc, at) {
        *slot = copy;
    }
    if misplaced {
        notes.add(
            format!(
                "repaired: a {} `$ref` outside `{section}` read as the object it points at",
                if request { "request body" } else { "response" }
            ),
            at,
        );
    }
}

/// Moves inline object schemas of request bodies and success responses into
/// `components/schemas` under the names progenitor would give them
/// (`{OperationId}Body`, `{OperationId}Response`). Same types, same names; but typify
/// keeps the description only for named component schemas.
fn hoist_inline_bodies(doc: &mut Value, op: &walk::OperationRef) {
    let Some(id) = walk::pointer_get(doc, &op.pointer)
        .and_then(|o| o.get("operationId"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    for holder in generated_bodies(doc, op) {
        let suffix = if holder.ends_with("/requestBody") {
            "body"
        } else {
            "response"
        };
        let name = pascal(&format!("{id}-{suffix}"));
        let exists = doc
            .pointer("/components/schemas")
            .and_then(|s| s.get(&name))
            .is_some();
        if exists {
            continue;
        }
        let Some(Value::Object(content)) = walk::pointer_get_mut(doc, &format!("{holder}/content"))
        else {
            continue;
        };
        let Some((media_key, media)) = content.iter_mut().next() else {
            continue;
        };
        let media_key = crate::spec::pointer::escape(media_key);
        let Some(schema) = media.get_mut("schema") else {
            continue;
        };
        let hoistable = schema.get("$ref").is_none()
            && schema.get("type").and_then(Value::as_str) == Some("object")
            && schema.get("properties").is_some();
        if !hoistable {
            continue;
        }
        let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
        let mut moved = std::mem::replace(schema, reference);
        // Where it came from, so a generator failure can be reported against the spec.
        moved[ORIGIN] = Value::String(format!("{holder}/content/{}/schema", media_key));
        let root = doc.as_object_mut().expect("document is a mapping");
        let components = root.entry("components").or_insert_with(|| json!({}));
        if let Value::Object(components) = components {
            let schemas = components.entry("schemas").or_insert_with(|| json!({}));
            if let Value::Object(schemas) = schemas {
                schemas.insert(name, moved);
            }
        }
    }
}

/// Pointers of schema roots whose data appears in some response (success or error),
/// including component schemas reached through `$ref`.
fn response_reachable(doc: &Value) -> Vec<String> {
    let mut roots: Vec<String> = walk::schema_roots(doc)
        .into_iter()
        .filter(|at| at.contains("/responses/"))
        .collect();
    let mut seen: BTreeSet<String> = roots.iter().cloned().collect();
    let mut queue: VecDeque<String> = roots.iter().cloned().collect();
    while let Some(at) = queue.pop_front() {
        let Some(schema) = walk::pointer_get(doc, &at) else {
            continue;
        };
        let mut found = Vec::new();
        walk::refs(schema, &at, &mut found);
        for (reference, _) in found {
            if reference.starts_with("#/components/schemas/") && seen.insert(reference.clone()) {
                roots.push(reference.clone());
                queue.push_back(reference);
            }
        }
    }
    roots
}

/// Pointers of the string enums that tell the variants of a `oneOf`/`anyOf` apart: the
/// discriminator's property, and any property that is an enum in two or more variants
/// with different values (`type: [card]`, `type: [wallet]`), read through `$ref` and the
/// `allOf` parts a variant is made of. They stay closed: the generated union is untagged,
/// so serde takes the first variant that decodes, and a variant whose fields are all
/// optional would take every value through an open tag and drop the fields it does not
/// have (Adyen's Google Pay and SEPA payment methods decoded as `CardDetails`). Other
/// enums in the variants stay open.
fn union_tags(doc: &Value) -> BTreeSet<String> {
    let target = |at: &str, schema: &Value| match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.to_owned(),
        None => at.to_owned(),
    };
    let mut closed = BTreeSet::new();
    let mut stack = walk::schema_roots(doc);
    let mut seen = BTreeSet::new();
    while let Some(at) = stack.pop() {
        let Some(schema) = walk::pointer_get(doc, &at) else {
            continue;
        };
        let discriminator = schema
            .pointer("/discriminator/propertyName")
            .and_then(Value::as_str);
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(branches)) = schema.get(key) else {
                continue;
            };
            // Property name → (pointer of its enum schema, its values), per variant.
            let mut enums: std::collections::BTreeMap<&str, Vec<(String, &Value)>> =
                Default::default();
            for (i, branch) in branches.iter().enumerate() {
                let mut parts = vec![target(&format!("{}/{i}", join(&at, key)), branch)];
                let mut visited = BTreeSet::new();
                while let Some(part_at) = parts.pop() {
                    let Some(part) = walk::pointer_get(doc, &part_at) else {
                        continue;
                    };
                    if !visited.insert(part_at.clone()) {
                        continue;
                    }
                    if let Some(Value::Array(members)) = part.get("allOf") {
                        for (j, member) in members.iter().enumerate() {
                            parts.push(target(&format!("{}/{j}", join(&part_at, "allOf")), member));
                        }
                    }
                    let Some(Value::Object(properties)) = part.get("properties") else {
                        continue;
                    };
                    for (name, property) in properties {
                        let enum_at = target(&join(&join(&part_at, "properties"), name), property);
                        let values = walk::pointer_get(doc, &enum_at)
                            .and_then(Value::as_object)
                            .filter(|map| is_string_enum(map))
                            .and_then(|map| map.get("enum"));
                        if let Some(values) = values {
                            enums.entry(name).or_default().push((enum_at, values));
                        }
                    }
                }
            }
            for (name, found) in enums {
                let distinct: BTreeSet<String> = found.iter().map(|(_, v)| v.to_string()).collect();
                if Some(name) == discriminator || (found.len() >= 2 && distinct.len() >= 2) {
                    closed.extend(found.into_iter().map(|(enum_at, _)| enum_at));
                }
            }
        }
        stack.extend(
            walk::child_schemas(schema, &at)
                .into_iter()
                .filter(|child| seen.insert(child.clone())),
        );
    }
    closed
}

fn open_response_schema(doc: &mut Value, root: &str, closed: &BTreeSet<String>) {
    let mut hoisted: Vec<(String, Value)> = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(at) = stack.pop() {
        // A string enum below the root becomes a named component (so `generate` can have
        // progenitor replace it by its open enum), referenced from where it was.
        let name = walk::pointer_get(doc, &at)
            .and_then(Value::as_object)
            .filter(|map| is_string_enum(map) && at != root)
            .and_then(|_| enum_name(root, &at))
            .map(|name| unique_name(doc, &hoisted, name));
        let origin = spec_place(doc, &at);
        let Some(schema) = walk::pointer_get_mut(doc, &at) else {
            continue;
        };
        if let Value::Object(map) = schema {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            if is_string_enum(map) && !closed.contains(&at) {
                if at == root && root.starts_with("#/components/schemas/") {
                    map.insert(OPEN_ENUM.into(), Value::Bool(true));
                } else if let Some(name) = name {
                    let mut moved = std::mem::take(map);
                    let nullable = moved.remove("nullable") == Some(Value::Bool(true));
                    moved.insert(OPEN_ENUM.into(), Value::Bool(true));
                    moved.insert(ORIGIN.into(), Value::String(origin));
                    let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
                    *map = if nullable {
                        json!({ "allOf": [reference], "nullable": true })
                    } else {
                        reference
                    }
                    .as_object()
                    .cloned()
                    .expect("an object");
                    hoisted.push((name, Value::Object(moved)));
                    continue;
                } else {
                    open_as_string(map);
                }
            }
        }
        stack.extend(walk::child_schemas(schema, &at));
    }
    let Some(Value::Object(components)) = doc.get_mut("components") else {
        return;
    };
    let Some(Value::Object(schemas)) = components.get_mut("schemas") else {
        return;
    };
    for (name, schema) in hoisted {
        schemas.insert(name, schema);
    }
}

fn is_string_enum(map: &Map<String, Value>) -> bool {
    matches!(map.get("enum"), Some(Value::Array(values))
        if !values.is_empty() && values.iter().all(Value::is_string))
}

/// `name`, or `name2`, `name3`... if a component (or an enum hoisted before) has it.
fn unique_name(doc: &Value, hoisted: &[(String, Value)], name: String) -> String {
    let taken = |n: &str| {
        doc.pointer("/components/schemas")
            .and_then(|s| s.get(n))
            .is_some()
            || hoisted.iter().any(|(h, _)| h == n)
    };
    if !taken(&name) {
        return name;
    }
    (2..)
        .map(|i| format!("{name}{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// Where no name can be derived (an enum inside an inline response schema), the enum
/// becomes a string whose docs list the known values.
fn open_as_string(map: &mut Map<String, Value>) {
    let Some(Value::Array(values)) = map.remove("enum") else {
        return;
    };
    map.insert("type".into(), json!("string"));
    let listed = values
        .iter()
        .filter_map(Value::as_str)
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut description = map
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    description.push_str(&format!(
        "Known values: {listed}. Other values are kept as they arrive."
    ));
    map.insert("description".into(), Value::String(description));
}

/// The Rust name of an enum inside a component schema, the one typify would give it
/// inline: `#/components/schemas/Error` + `/properties/error_code` → `ErrorErrorCode`;
/// array items add `Item`, map values `Value`, union branches `Variant{n}`.
fn enum_name(root: &str, at: &str) -> Option<String> {
    let schema = root.strip_prefix("#/components/schemas/")?;
    let rest = at.strip_prefix(root)?;
    let mut name = pascal(&crate::spec::pointer::unescape(schema));
    let mut parts = rest.split('/').filter(|p| !p.is_empty());
    while let Some(keyword) = parts.next() {
        match keyword {
            "properties" => name.push_str(&pascal(&crate::spec::pointer::unescape(parts.next()?))),
            "items" => name.push_str("Item"),
            "additionalProperties" => name.push_str("Value"),
            "allOf" | "anyOf" | "oneOf" => name.push_str(&format!("Variant{}", parts.next()?)),
            _ => return None,
        }
    }
    Some(name)
}

/// `error_code` → `ErrorCode`: names for the component schemas this step creates.
/// (The Rust type typify generates for a schema is `crate::generate::names::component_type`.)
pub fn pascal(name: &str) -> String {
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(chars).collect::<String>()
        })
        .collect()
}

/// Inline body schemas have no description of their own; the request body's or the
/// response's description is the best doc the generated type can get.
fn describe_inline_bodies(doc: &mut Value, op: &walk::OperationRef) {
    for holder in generated_bodies(doc, op) {
        let Some(Value::Object(holder)) = walk::pointer_get_mut(doc, &holder) else {
            continue;
        };
        let Some(description) = holder.get("description").and_then(Value::as_str) else {
            continue;
        };
        let description = description.to_owned();
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            continue;
        };
        for media in content.values_mut() {
            if let Some(Value::Object(schema)) = media.get_mut("schema")
                && !schema.contains_key("$ref")
                && !schema.contains_key("description")
            {
                schema.insert("description".into(), Value::String(description.clone()));
            }
        }
    }
}

fn single_success(doc: &mut Value, op: &walk::OperationRef, notes: &mut Notes) {
    let Some(Value::Object(responses)) =
        walk::pointer_get_mut(doc, &format!("{}/responses", op.pointer))
    else {
        return;
    };
    let codes: Vec<String> = responses.keys().cloned().collect();
    let mut first_success: Option<Value> = None;
    for code in codes {
        let success = code.starts_with('2');
        if !success {
            responses.remove(&code);
            continue;
        }
        let content = responses[&code].get("content").cloned();
        match &first_success {
            None => first_success = Some(content.unwrap_or(Value::Null)),
            Some(first) if *first == content.clone().unwrap_or(Value::Null) => {}
            Some(_) => {
                responses.remove(&code);
                notes.add(
                    "a success response with another type than the first: it arrives as an unexpected response",
                    join(&format!("{}/responses", op.pointer), &code),
                );
            }
        }
    }
}

fn keep_preferred_media_type(content: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    if content.len() <= 1 {
        return;
    }
    let Some(preferred) = preferred_media_type(content) else {
        return;
    };
    let dropped: Vec<String> = content
        .keys()
        .filter(|m| **m != preferred)
        .cloned()
        .collect();
    content.retain(|m, _| *m == preferred);
    notes.add(
        format!(
            "only `{preferred}` is generated (dropped {})",
            dropped.join(", ")
        ),
        at,
    );
}

/// Where the schema at `at` is in the spec as written: inside a component this stage
/// made (it carries its [`ORIGIN`]), under that origin.
fn spec_place(doc: &Value, at: &str) -> String {
    let Some(rest) = at.strip_prefix("#/components/schemas/") else {
        return at.to_owned();
    };
    let (name, inside) = rest
        .split_once('/')
        .map_or((rest, None), |(n, i)| (n, Some(i)));
    let origin = doc
        .pointer(&format!("/components/schemas/{name}/{ORIGIN}"))
        .and_then(Value::as_str);
    match (origin, inside) {
        (Some(origin), Some(inside)) => format!("{origin}/{inside}"),
        (Some(origin), None) => origin.to_owned(),
        (None, _) => at.to_owned(),
    }
}

fn strip_runtime_constraints(doc: &mut Value, root: &str, notes: &mut Notes) {
    let mut stack = vec![root.to_owned()];
    while let Some(at) = stack.pop() {
        let place = spec_place(doc, &at);
        let Some(schema) = walk::pointer_get_mut(doc, &at) else {
            continue;
        };
        if let Value::Object(map) = schema {
            if map.get("format").and_then(Value::as_str) == Some("uuid") {
                map.remove("format");
                notes.add("`format: uuid` generated as String", place.clone());
            }
            // A format names a kind of string or number; on an object, array or boolean
            // (Twilio's `type: object, format: uri-map`) typify refuses the schema.
            let typed = map.get("type").and_then(Value::as_str);
            if matches!(typed, Some("object" | "array" | "boolean"))
                && map.remove("format").is_some()
            {
                notes.add(
                    "`format` of a non-string, non-number schema ignored",
                    place.clone(),
                );
            }
            // A string enum narrowing the schemas it is also `allOf` (Discord's scopes: two
            // of `OAuth2Scopes`' values): its values say it all; typify panics on the pair.
            let string_enum = matches!(map.get("enum"), Some(Value::Array(values))
                if values.iter().all(Value::is_string));
            if string_enum && map.remove("allOf").is_some() {
                notes.add(
                    "`allOf` beside `enum` left out (the values are the enum's)",
                    place.clone(),
                );
            }
            if map.remove("pattern").is_some() {
                notes.add(
                    "`pattern` not enforced by the generated types",
                    place.clone(),
                );
            }
            // Length limits would make constrained newtypes (a map of them is awkward to
            // fill) and a default a value the server applies anyway; the request contract
            // (read before this stage) still checks the limits before sending.
            for keyword in ["minLength", "maxLength", "default"] {
                map.remove(keyword);
            }
            non_string_enum(map, &place, notes);
        }
        stack.extend(walk::child_schemas(schema, &at));
    }
}

/// An enum whose values are not all strings becomes its plain type, whose docs list the
/// values: typify's enum of numbers names a parameter `gen` (a reserved word in the crate's
/// edition), and it refuses values of mixed types (`enum: [4.1, "3_lite"]`).
fn non_string_enum(map: &mut Map<String, Value>, at: &str, notes: &mut Notes) {
    let strings = matches!(map.get("enum"), Some(Value::Array(values))
        if values.iter().all(|v| v.is_string() || v.is_null()));
    if strings {
        return;
    }
    let Some(Value::Array(values)) = map.remove("enum") else {
        return;
    };
    if values.iter().any(Value::is_null) {
        map.insert("nullable".into(), Value::Bool(true));
    }
    let listed: Vec<String> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(Value::to_string)
        .collect();
    let mut description = map
        .get("description")
        .and_then(Value::as_str)
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    description.push_str(&format!("Known values: {}.", listed.join(", ")));
    map.insert("description".into(), Value::String(description));
    // Values of several JSON types fit no one type: any JSON value.
    let kinds: std::collections::BTreeSet<&str> = values
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            _ => "other",
        })
        .collect();
    if kinds.len() > 1 {
        map.remove("type");
        map.remove("format");
    }
    notes.add(
        "`enum` of values that are not all strings generated as a plain value",
        at,
    );
}

/// Whether a media type (parameters such as `; charset=utf-8` aside) is JSON:
/// `application/json` or any `+json` type.
pub(crate) fn is_json(media: &str) -> bool {
    let base = media.split(';').next().unwrap_or(media).trim();
    base == "application/json" || base.ends_with("+json")
}

/// The media type the generated operation keeps when there are several: JSON, then any
/// `+json` type, then the first listed (`None` only for an empty map).
pub fn preferred_media_type(content: &Map<String, Value>) -> Option<String> {
    content
        .keys()
        .find(|m| *m == "application/json")
        .or_else(|| content.keys().find(|m| m.ends_with("+json")))
        .or_else(|| content.keys().next())
        .cloned()
}
