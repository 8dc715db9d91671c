//! The request contract and examples of each operation, extracted from the spec for the
//! hand-written layer: which body fields exist (so a rule about a field the spec dropped
//! no longer applies), their limits, and the spec's example bodies (the messages
//! validation errors reuse, the answers the embedded mock gives).

use serde_json::{Map, Value};

use crate::spec::schema;
use crate::spec::walk;

/// One operation's contract.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// Properties of the JSON request body, in spec order.
    pub body_fields: Vec<Field>,
    /// The first documented success status (`200` when none is a plain number).
    pub success_status: u16,
    /// A success body built from the spec's examples, when it has any.
    pub success_example: Option<Value>,
    /// Named error examples: status, name, body.
    pub error_examples: Vec<(u16, String, Value)>,
}

/// One request body property.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Property name.
    pub name: String,
    /// Listed in `required`.
    pub required: bool,
    /// Accepts `null`.
    pub nullable: bool,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `maxLength` of the values of a map (`additionalProperties`).
    pub value_max_length: Option<u64>,
    /// String `enum` values.
    pub allowed: Vec<String>,
    /// The JSON type (`string`, `object`, ...), when the schema names one.
    pub json_type: Option<String>,
}

/// Extracts the contract of every operation from a (3.0, checked) document.
pub fn extract(doc: &Value) -> Vec<Operation> {
    walk::operations(doc)
        .into_iter()
        .filter_map(|op| {
            let operation = walk::pointer_get(doc, &op.pointer)?;
            let id = operation.get("operationId")?.as_str()?.to_owned();
            let body_schema = operation
                .get("requestBody")
                .map(|b| schema::deref(doc, b))
                .and_then(|b| json_media(b))
                .and_then(|m| m.get("schema"));
            let body_fields = body_schema.map(|s| fields(doc, s)).unwrap_or_default();
            let mut success_example = None;
            let mut error_examples = Vec::new();
            let mut success_status = None;
            if let Some(Value::Object(responses)) = operation.get("responses") {
                for (code, response) in responses {
                    if code.starts_with('2') && success_status.is_none() {
                        success_status = code.parse::<u16>().ok();
                    }
                    let response = schema::deref(doc, response);
                    let Some(media) = json_media(response) else {
                        continue;
                    };
                    if code.starts_with('2') {
                        if success_example.is_none() {
                            success_example = media_example(doc, media);
                        }
                        continue;
                    }
                    let Ok(status) = code.parse::<u16>() else {
                        continue;
                    };
                    if let Some(Value::Object(examples)) = media.get("examples") {
                        for (name, example) in examples {
                            if let Some(value) = schema::deref(doc, example).get("value") {
                                error_examples.push((status, name.clone(), value.clone()));
                            }
                        }
                    } else if let Some(value) = media.get("example") {
                        error_examples.push((status, format!("Status{status}"), value.clone()));
                    }
                }
            }
            Some(Operation {
                id,
                method: op.method.to_uppercase(),
                path: op.path,
                body_fields,
                success_status: success_status.unwrap_or(200),
                success_example,
                error_examples,
            })
        })
        .collect()
}

fn json_media(holder: &Value) -> Option<&Value> {
    let content = holder.get("content")?.as_object()?;
    content.get("application/json").or_else(|| {
        content
            .iter()
            .find(|(m, _)| m.ends_with("+json"))
            .map(|(_, v)| v)
    })
}

fn media_example(doc: &Value, media: &Value) -> Option<Value> {
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    if let Some(Value::Object(examples)) = media.get("examples")
        && let Some((_, first)) = examples.iter().next()
    {
        return schema::deref(doc, first).get("value").cloned();
    }
    schema_example(doc, media.get("schema")?, 0)
}

/// An example assembled from a schema's own and its properties' `example`s. A property
/// that leads back to a schema on the way here (a tree, a linked list) is left out.
fn schema_example(doc: &Value, schema: &Value, depth: usize) -> Option<Value> {
    schema_example_in(doc, schema, depth, &mut Vec::new())
}

/// `inside`: the referenced schemas the example is being assembled in.
fn schema_example_in(
    doc: &Value,
    schema: &Value,
    depth: usize,
    inside: &mut Vec<String>,
) -> Option<Value> {
    let reference = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(crate::spec::pointer::canonical);
    if let Some(reference) = &reference
        && inside.contains(reference)
    {
        return None;
    }
    let schema = schema::deref(doc, schema);
    if let Some(example) = schema.get("example") {
        return Some(example.clone());
    }
    if depth > 8 {
        return None;
    }
    let properties = schema.get("properties")?.as_object()?;
    let before = inside.len();
    inside.extend(reference);
    let mut out = Map::new();
    for (name, property) in properties {
        if let Some(example) = schema_example_in(doc, property, depth + 1, inside) {
            out.insert(name.clone(), example);
        }
    }
    inside.truncate(before);
    (!out.is_empty()).then_some(Value::Object(out))
}

fn fields(doc: &Value, body: &Value) -> Vec<Field> {
    let body = schema::flatten(doc, body);
    let required = schema::strings(&body, "required");
    let Some(Value::Object(properties)) = body.get("properties") else {
        return Vec::new();
    };
    properties
        .iter()
        .map(|(name, property)| {
            let property = schema::flatten(doc, property);
            let number = |key: &str| property.get(key).and_then(Value::as_u64);
            Field {
                name: name.clone(),
                required: required.contains(&name.as_str()),
                nullable: property.get("nullable") == Some(&Value::Bool(true)),
                max_length: number("maxLength"),
                max_properties: number("maxProperties"),
                value_max_length: property
                    .get("additionalProperties")
                    .map(|a| schema::flatten(doc, a))
                    .and_then(|a| a.get("maxLength").and_then(Value::as_u64)),
                allowed: schema::strings(&property, "enum")
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                json_type: property
                    .get("type")
                    .and_then(Value::as_str)
                    .map(str::to_owned),
            }
        })
        .collect()
}

/// Rust source for the contract, as data for `knot_api::contract`.
pub fn to_rust(operations: &[Operation]) -> String {
    // Sorted by operationId, so the crate looks operations up by binary search.
    let mut operations: Vec<&Operation> = operations.iter().collect();
    operations.sort_by(|a, b| a.id.cmp(&b.id));
    let mut s = String::from(
        "// @generated by knot-codegen from the OpenAPI spec. Do not edit.\n\
         /// Every operation of the spec this crate was built from, sorted by operationId.\n\
         pub static OPERATIONS: &[crate::contract::OperationContract] = &[\n",
    );
    for op in operations {
        s.push_str("    crate::contract::OperationContract {\n");
        s.push_str(&format!("        operation_id: {:?},\n", op.id));
        s.push_str(&format!("        method: {:?},\n", op.method));
        s.push_str(&format!("        path: {:?},\n", op.path));
        s.push_str("        body_fields: &[\n");
        for f in &op.body_fields {
            s.push_str(&format!(
                "            crate::contract::FieldContract {{ name: {:?}, required: {}, nullable: {}, max_length: {:?}, max_properties: {:?}, value_max_length: {:?}, allowed: &{:?}, json_type: {:?} }},\n",
                f.name, f.required, f.nullable, f.max_length, f.max_properties, f.value_max_length, f.allowed, f.json_type
            ));
        }
        s.push_str("        ],\n");
        s.push_str(&format!("        success_status: {},\n", op.success_status));
        s.push_str(&format!(
            "        success_example: {:?},\n",
            op.success_example.as_ref().map(Value::to_string)
        ));
        s.push_str("        error_examples: &[\n");
        for (status, name, body) in &op.error_examples {
            s.push_str(&format!(
                "            crate::contract::ErrorExample {{ status: {status}, name: {name:?}, body: {:?} }},\n",
                body.to_string()
            ));
        }
        s.push_str("        ],\n    },\n");
    }
    s.push_str("];\n");
    s
}
