//! A parameter example as the value it puts on the wire, read back by its schema.
//!
//! A parameter travels as text shaped by its `style` and `explode`, so its example is
//! judged in that form, not as JSON: `100` for a string query parameter sends `100`, and
//! `"1,2,3"` for a `style: form, explode: false` array sends the same three items as
//! `[1, 2, 3]`. The example is written the way the parameter sends it, then read back as
//! the schema's type; only a value the parameter could not send then fails to decode.
//! Objects and shapes with no text form are left as they are.

use serde_json::{Map, Value};

use crate::spec::schema::flatten;

/// `example` of `param` (a parameter object, references followed) as the JSON value
/// its wire form stands for under the parameter's schema in `doc`.
pub fn travelled(doc: &Value, param: &Value, example: &Value) -> Value {
    let Some(schema) = param.get("schema").map(|s| flatten(doc, s)) else {
        return example.clone();
    };
    let place = param.get("in").and_then(Value::as_str).unwrap_or("query");
    let style = param
        .get("style")
        .and_then(Value::as_str)
        .unwrap_or(match place {
            "path" | "header" => "simple",
            _ => "form",
        });
    let explode = param
        .get("explode")
        .and_then(Value::as_bool)
        .unwrap_or(style == "form");
    match type_of(&schema) {
        Some("array") => {
            let items = schema
                .get("items")
                .map(|i| flatten(doc, i))
                .unwrap_or_default();
            let parts: Option<Vec<String>> = match example {
                Value::Array(values) => values.iter().map(text).collect(),
                // Exploded form sends each item as its own `name=value`: one string is
                // one item. Otherwise the items travel joined by the style's delimiter.
                Value::String(joined) if !(style == "form" && explode) => {
                    Some(joined.split(delimiter(style)).map(str::to_owned).collect())
                }
                other => text(other).map(|t| vec![t]),
            };
            match parts {
                Some(parts) => Value::Array(parts.iter().map(|p| read(p, &items)).collect()),
                None => example.clone(),
            }
        }
        Some("object") | None => example.clone(),
        Some(_) => match example {
            Value::Null => example.clone(),
            // A list given for a scalar travels joined (as an unexploded array would).
            Value::Array(values) if !(style == "form" && explode) => {
                match values.iter().map(text).collect::<Option<Vec<_>>>() {
                    Some(parts) => read(&parts.join(&delimiter(style).to_string()), &schema),
                    None => example.clone(),
                }
            }
            other => text(other).map_or_else(|| example.clone(), |t| read(&t, &schema)),
        },
    }
}

/// The schema's type, the first that is not `null` when it lists several (3.1).
fn type_of(schema: &Map<String, Value>) -> Option<&str> {
    match schema.get("type")? {
        Value::String(t) => Some(t),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null"),
        _ => None,
    }
}

fn delimiter(style: &str) -> char {
    match style {
        "spaceDelimited" => ' ',
        "pipeDelimited" => '|',
        _ => ',',
    }
}

/// A scalar as the text it travels as; `None` for arrays and objects.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some(String::new()),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// `text` read as the schema's type; left a string when it is not one (so it fails to
/// decode, as it would fail on the server).
fn read(text: &str, schema: &Map<String, Value>) -> Value {
    let number = || serde_json::from_str::<serde_json::Number>(text).ok();
    match type_of(schema) {
        Some("integer") if number().is_some_and(|n| n.is_i64() || n.is_u64()) => {
            Value::Number(number().expect("checked"))
        }
        Some("number") if number().is_some() => Value::Number(number().expect("checked")),
        Some("boolean") if matches!(text, "true" | "false") => Value::Bool(text == "true"),
        _ => Value::String(text.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_travel_as_text_and_are_read_as_their_type() {
        let doc = json!({});
        let string = json!({ "in": "query", "schema": { "type": "string" } });
        assert_eq!(travelled(&doc, &string, &json!(100)), json!("100"));
        assert_eq!(travelled(&doc, &string, &json!(true)), json!("true"));
        let int = json!({ "in": "path", "schema": { "type": ["integer", "null"] } });
        assert_eq!(travelled(&doc, &int, &json!("42")), json!(42));
        assert_eq!(travelled(&doc, &int, &json!("4.5")), json!("4.5"));
        assert_eq!(travelled(&doc, &int, &json!("abc")), json!("abc"));
        let flag = json!({ "in": "header", "schema": { "type": "boolean" } });
        assert_eq!(travelled(&doc, &flag, &json!("true")), json!(true));
        assert_eq!(travelled(&doc, &flag, &json!("yes")), json!("yes"));
    }

    #[test]
    fn arrays_travel_joined_or_exploded_by_style() {
        let doc = json!({ "components": { "schemas": { "Id": { "type": "integer" } } } });
        let items = json!({ "$ref": "#/components/schemas/Id" });
        let joined = json!({
            "in": "query", "style": "form", "explode": false,
            "schema": { "type": "array", "items": items }
        });
        assert_eq!(travelled(&doc, &joined, &json!("1,2,3")), json!([1, 2, 3]));
        assert_eq!(travelled(&doc, &joined, &json!([1, "2"])), json!([1, 2]));
        let exploded = json!({ "in": "query", "schema": { "type": "array", "items": items } });
        assert_eq!(
            travelled(&doc, &exploded, &json!("1,2,3")),
            json!(["1,2,3"])
        );
        assert_eq!(travelled(&doc, &exploded, &json!(7)), json!([7]));
        let piped = json!({
            "in": "query", "style": "pipeDelimited", "explode": false,
            "schema": { "type": "array", "items": { "type": "string" } }
        });
        assert_eq!(travelled(&doc, &piped, &json!("a|b")), json!(["a", "b"]));
        let simple = json!({ "in": "path", "schema": { "type": "array", "items": items } });
        assert_eq!(travelled(&doc, &simple, &json!("5,6")), json!([5, 6]));
    }

    #[test]
    fn objects_and_untyped_schemas_are_left_alone() {
        let doc = json!({});
        let object =
            json!({ "in": "query", "style": "deepObject", "schema": { "type": "object" } });
        assert_eq!(
            travelled(&doc, &object, &json!({ "a": 1 })),
            json!({ "a": 1 })
        );
        let untyped = json!({ "in": "query", "schema": {} });
        assert_eq!(travelled(&doc, &untyped, &json!(3)), json!(3));
        let nested = json!({ "in": "query", "schema": { "type": "array", "items": {} } });
        assert_eq!(travelled(&doc, &nested, &json!([[1]])), json!([[1]]));
        let joined = json!({ "in": "query", "explode": false, "schema": { "type": "string" } });
        assert_eq!(travelled(&doc, &joined, &json!([1, 2])), json!("1,2"));
        let none = json!({ "in": "query", "content": {} });
        assert_eq!(travelled(&doc, &none, &json!("x")), json!("x"));
    }
}
