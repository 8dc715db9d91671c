//! Reading a spec file into a JSON value.
//!
//! YAML (or JSON, which is YAML) is parsed with `serde_yaml_ng`, a maintained fork of the
//! deprecated `serde_yaml`. Parsing goes through the YAML value type first because YAML
//! allows non-string keys (`200:` for a response code is an integer), which must become
//! strings before the document is a JSON value.

use serde_json::{Map, Number, Value};
use serde_yaml_ng::Value as Yaml;

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
    let yaml: Yaml = serde_yaml_ng::from_str(text).map_err(|e| {
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
    let doc = to_json(yaml, "#").map_err(|m| SpecError::new(path, m))?;
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

fn to_json(yaml: Yaml, at: &str) -> Result<Value, String> {
    Ok(match yaml {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Number(u.into())
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| format!("number {n} at {at} is not representable in JSON"))?
            }
        }
        Yaml::String(s) => Value::String(s),
        Yaml::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{at}/{i}")))
                .collect::<Result<_, _>>()?,
        ),
        Yaml::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Yaml::String(s) => s,
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Null => "null".to_owned(),
                    other => {
                        return Err(format!(
                            "unsupported mapping key {other:?} under {at}: keys must be scalars"
                        ));
                    }
                };
                let child = crate::spec::pointer::join(at, &key);
                let value = to_json(value, &child)?;
                map.insert(key, value);
            }
            Value::Object(map)
        }
        Yaml::Tagged(tagged) => to_json(tagged.value, at)?,
    })
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
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
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
