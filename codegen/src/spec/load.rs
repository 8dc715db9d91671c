//! Reading a spec file into a JSON value.
//!
//! A document that starts with `{` is read as JSON first (`serde_json`): JSON allows what
//! YAML does not, such as an emoji written as a surrogate pair (`\ud83d\udc4d`) or a C1
//! control character in a string. Anything else, and JSON that `serde_json` refuses, is
//! read as YAML with `serde_yaml_ng`, a maintained fork of the
//! deprecated `serde_yaml`, straight into a JSON value: scalar keys become
//! strings (`200:` for a response code is an integer in YAML), tags are dropped, and an
//! integer outside i64/u64 (`minimum: -9223372036854776000`, valid YAML) is read as the
//! number it is (a float), where YAML's own value type refuses it.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use crate::error::SpecError;

/// Which OpenAPI line a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenApiVersion {
    /// `3.0.x`: already what progenitor reads.
    V30,
    /// `3.1.x`, and `3.2.x` read as 3.1 ([`crate::adapt::newer`]): converted by [`crate::adapt::upgrade`].
    V31,
}

/// A parsed spec: its path (for messages), its source text (for line numbers) and value.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// Path as given.
    pub path: String,
    /// The file's text.
    pub text: String,
    /// The document as JSON.
    pub doc: Value,
    /// Declared version line.
    pub version: OpenApiVersion,
}

/// Reads and parses the file at `path`.
pub fn load_file(path: &str) -> Result<LoadedSpec, SpecError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(path, format!("cannot read the spec: {e}")))?;
    load_str(path, &text)
}

/// Parses `text` as a spec; `path` is only used in messages.
pub fn load_str(path: &str, text: &str) -> Result<LoadedSpec, SpecError> {
    let json = text
        .trim_start()
        .starts_with('{')
        .then(|| serde_json::from_str::<Json>(text).ok())
        .flatten();
    let parsed = json.map_or_else(|| serde_yaml_ng::from_str(text), Ok);
    let Json(doc) = parsed.map_err(|e| {
        let location = e
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        let reason = e.to_string();
        // serde_yaml_ng appends " at line X column Y" itself; keep our form only.
        let reason = reason
            .split(" at line ")
            .next()
            .unwrap_or(&reason)
            .to_owned();
        SpecError::new(path, format!("invalid YAML{location}: {reason}"))
    })?;
    let Value::Object(root) = &doc else {
        return Err(SpecError::new(
            path,
            "not an OpenAPI document: the top level is not a mapping",
        ));
    };
    let version = match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0.") || v == "3.0" => OpenApiVersion::V30,
        Some(Value::String(v)) if v.starts_with("3.1.") || v == "3.1" => OpenApiVersion::V31,
        // 3.2 is a compatible superset of 3.1: read as 3.1 (see `crate::adapt::newer`).
        Some(Value::String(v)) if v.starts_with("3.2.") || v == "3.2" => OpenApiVersion::V31,
        Some(Value::String(v)) => {
            return Err(SpecError::new(
                path,
                format!(
                    "unsupported OpenAPI version `{v}` at #/openapi (expected 3.0.x, 3.1.x or 3.2.x)"
                ),
            ));
        }
        Some(other) => {
            return Err(SpecError::new(
                path,
                format!("#/openapi must be a version string such as \"3.1.0\", found {other}"),
            ));
        }
        None if root.contains_key("swagger") => {
            return Err(SpecError::new(
                path,
                "Swagger 2.0 documents are not supported; convert the spec to OpenAPI 3.x",
            ));
        }
        None => {
            return Err(SpecError::new(
                path,
                "not an OpenAPI document: the `openapi` version field is missing",
            ));
        }
    };
    Ok(LoadedSpec {
        path: path.to_owned(),
        text: text.to_owned(),
        doc,
        version,
    })
}

/// A YAML document read as a JSON value (see the module docs).
struct Json(Value);

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(JsonVisitor).map(Json)
    }
}

struct JsonVisitor;

fn float<E: de::Error>(f: f64) -> Result<Value, E> {
    Number::from_f64(f)
        .map(Value::Number)
        .ok_or_else(|| E::custom(format!("number {f} is not representable in JSON")))
}

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        float(v as f64)
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        float(v as f64)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        float(v)
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Json::deserialize(d).map(|j| j.0)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Json(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(Json(key)) = map.next_key()? {
            let key = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => "null".to_owned(),
                _ => return Err(de::Error::custom("keys must be scalars")),
            };
            let Json(value) = map.next_value()?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        // A tagged value (`!Tag value`): the tag is dropped.
        let (_, variant) = data.variant::<de::IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<Json>(variant).map(|j| j.0)
    }
}

/// Best-effort line number (1-based) of the YAML key at the end of `pointer`.
///
/// Walks the pointer's tokens down the indentation structure of the text. Good enough for
/// block-style YAML as published by Knot; `None` where the layout is not recognised.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let tokens: Vec<String> = pointer
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(crate::spec::pointer::unescape)
        .collect();
    let lines: Vec<&str> = text.lines().collect();
    let mut start = 0usize;
    let mut end = lines.len();
    let mut min_indent: isize = -1;
    let mut found = None;
    for token in &tokens {
        let mut hit = None;
        for (i, line) in lines.iter().enumerate().take(end).skip(start) {
            let trimmed = line.trim_start();
            let indent = (line.len() - trimmed.len()) as isize;
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            if indent <= min_indent && i > start {
                break;
            }
            let key = trimmed.trim_start_matches("- ");
            let candidates = [
                format!("{token}:"),
                format!("'{token}':"),
                format!("\"{token}\":"),
            ];
            if indent > min_indent && candidates.iter().any(|c| key.starts_with(c.as_str())) {
                hit = Some((i, indent));
                break;
            }
        }
        let Some((line, indent)) = hit else {
            if token.parse::<usize>().is_ok() {
                // A sequence index, not a key: keep searching below the parent.
                continue;
            }
            return None;
        };
        found = Some(line + 1);
        start = line + 1;
        min_indent = indent;
        end = lines.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "openapi: 3.1.0\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\ncomponents:\n  schemas:\n    A:\n      type: object\n";

    /// Integers beyond i64/u64 are valid YAML (a published spec has
    /// `minimum: -9223372036854776000`): read as the numbers they are. Keys that are
    /// numbers become strings, tags are dropped.
    #[test]
    fn json_that_yaml_refuses_is_read_as_json() {
        let text = "{\"openapi\": \"3.0.3\", \"info\": {\"title\": \"\\ud83d\\udc4d \u{9f}\", \"version\": \"1\"}, \"paths\": {}, \"x-big\": 18446744073709551616}";
        assert!(
            serde_yaml_ng::from_str::<Json>(text).is_err(),
            "YAML refuses it"
        );
        let loaded = load_str("x.json", text).unwrap();
        assert_eq!(loaded.doc["info"]["title"], "\u{1f44d} \u{9f}");
        assert_eq!(
            loaded.doc["x-big"],
            serde_json::json!(18446744073709551616.0)
        );
    }

    #[test]
    fn any_yaml_number_and_scalar_key_is_read() {
        let text = "openapi: 3.0.3\nx-big: -9223372036854776000\nx-huge: 18446744073709551616\nx-codes: {200: ok, true: yes}\nx-tagged: !Thing 5\n";
        let doc = load_str("big.yaml", text).unwrap().doc;
        assert_eq!(doc["x-big"].as_f64(), Some(-9223372036854776000.0));
        assert_eq!(doc["x-huge"].as_f64(), Some(18446744073709551616.0));
        assert_eq!(doc["x-codes"]["200"], "ok");
        assert_eq!(doc["x-codes"]["true"], "yes");
        assert_eq!(doc["x-tagged"], 5);
    }

    #[test]
    fn line_of_follows_the_pointer_down_the_indentation() {
        assert_eq!(line_of(TEXT, "#/paths/~1a/get"), Some(4));
        assert_eq!(line_of(TEXT, "#/paths/~1a/get/responses/200"), Some(6));
        assert_eq!(line_of(TEXT, "#/components/schemas/A"), Some(10));
        assert_eq!(line_of(TEXT, "#/components/schemas/B"), None);
    }

    #[test]
    fn integer_keys_become_strings_and_versions_are_read() {
        let spec = load_str("x.yaml", TEXT).unwrap();
        assert_eq!(spec.version, OpenApiVersion::V31);
        assert!(
            spec.doc["paths"]["/a"]["get"]["responses"]
                .get("200")
                .is_some()
        );
        let spec = load_str("x.yaml", "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n").unwrap();
        assert_eq!(spec.version, OpenApiVersion::V30);
        assert!(
            spec.doc["paths"]["/a"]["get"]["responses"]
                .get("200")
                .is_some()
        );
        let error = load_str("x.yaml", "openapi: 4.0.0\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "x.yaml: unsupported OpenAPI version `4.0.0` at #/openapi (expected 3.0.x, 3.1.x or 3.2.x)"
        );
    }
}
