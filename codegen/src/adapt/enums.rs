//! String enums whose values cannot all become Rust variant names.
//!
//! typify names a variant after its value (`card_switcher` → `CardSwitcher`) and, when
//! two values give the same name, tries once more with the dropped characters spelled
//! `X`; if the names still collide it panics, and progenitor with it. Published documents
//! do this: the OpenAPI Initiative's own tic-tac-toe example has `enum: [".", "X", "O"]`
//! (`.` becomes `X`). Such an enum is generated as a plain string instead (optional when
//! `null` was one of its values), with one note at its JSON pointer: the document still
//! generates. A top-level request body field keeps its allowed values in the request
//! contract, which is read before this pass, so they are still checked before sending.
//!
//! Not covered: a `oneOf` of single-value string enums whose names collide is named by
//! typify from its branches, and still fails with progenitor's message.
//!
//! Whether typify can name an enum is asked of progenitor itself, on a one-schema
//! document, so the answer follows the generator's real rules rather than a copy of
//! them. Enums whose values are plainly distinct identifiers skip that question.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::notes::Notes;
use crate::spec::walk;

/// Turns every string enum typify cannot name into a plain string, noting each.
pub fn relax_unnameable(doc: &mut Value, notes: &mut Notes) {
    let mut verdicts: BTreeMap<Vec<String>, bool> = BTreeMap::new();
    for root in walk::schema_roots(doc) {
        let mut stack = vec![root];
        while let Some(at) = stack.pop() {
            let Some(schema) = walk::pointer_get_mut(doc, &at) else {
                continue;
            };
            if let Some(values) = string_values(schema) {
                let nameable = *verdicts
                    .entry(values.clone())
                    .or_insert_with(|| plainly_distinct(&values) || typify_names(&values));
                if !nameable && let Value::Object(map) = schema {
                    // Every value is a string (or null): so is the schema without them.
                    crate::adapt::upgrade::null_in_enum(map);
                    map.remove("enum");
                    map.entry("type").or_insert_with(|| json!("string"));
                    notes.add(
                        format!(
                            "string enum whose values cannot all be Rust variant names ({}) generated as String",
                            shown(&values)
                        ),
                        at.clone(),
                    );
                }
            }
            stack.extend(walk::child_schemas(schema, &at));
        }
    }
}

/// The values of a string enum (a `null` entry aside); `None` for anything else.
fn string_values(schema: &Value) -> Option<Vec<String>> {
    let map = schema.as_object()?;
    let only_strings = map
        .get("enum")?
        .as_array()?
        .iter()
        .all(|v| v.is_string() || v.is_null());
    let strings = crate::spec::schema::strings(map, "enum");
    (only_strings && !strings.is_empty()).then(|| strings.into_iter().map(str::to_owned).collect())
}

/// Values that start with an ASCII letter, hold only ASCII letters, digits, `_` and `-`,
/// and stay distinct with those separators removed and case ignored: typify's first
/// naming attempt gives them distinct names.
fn plainly_distinct(values: &[String]) -> bool {
    let mut seen = BTreeSet::new();
    values.iter().all(|value| {
        value.starts_with(|c: char| c.is_ascii_alphabetic())
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            && seen.insert(
                value
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .map(|c| c.to_ascii_lowercase())
                    .collect::<String>(),
            )
    })
}

/// Whether progenitor generates a document whose only schema is this enum.
fn typify_names(values: &[String]) -> bool {
    let probe = json!({
        "openapi": "3.0.3",
        "info": { "title": "enum probe", "version": "0" },
        "paths": {},
        "components": { "schemas": { "Probe": { "type": "string", "enum": values } } }
    });
    crate::generate::progenitor::probe(&probe).is_ok()
}

/// The values as a short list for the note.
fn shown(values: &[String]) -> String {
    let mut out: Vec<String> = values.iter().take(6).map(|v| format!("{v:?}")).collect();
    if values.len() > 6 {
        out.push(format!("and {} more", values.len() - 6));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(values: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": {
                "Mark": { "type": "string", "enum": values },
                "Board": { "type": "object", "properties": {
                    "cell": { "type": "string", "enum": values }
                }}
            }}
        })
    }

    #[test]
    fn an_enum_typify_cannot_name_becomes_a_string_with_a_note() {
        let mut spec = doc(json!([".", "X", "O"]));
        let mut notes = Notes::default();
        relax_unnameable(&mut spec, &mut notes);
        assert!(spec.pointer("/components/schemas/Mark/enum").is_none());
        assert!(
            spec.pointer("/components/schemas/Board/properties/cell/enum")
                .is_none()
        );
        let shown = format!("{notes:?}");
        assert!(shown.contains("#/components/schemas/Mark"), "{shown}");
        assert!(
            shown.contains("#/components/schemas/Board/properties/cell"),
            "{shown}"
        );
        // And the document now generates.
        crate::generate::progenitor::probe(&spec).unwrap();
    }

    #[test]
    fn a_relaxed_enum_is_a_string_and_optional_if_null_was_a_value() {
        let mut spec = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": { "Mark": { "enum": [".", "X", null] } } }
        });
        relax_unnameable(&mut spec, &mut Notes::default());
        assert_eq!(
            spec["components"]["schemas"]["Mark"],
            json!({ "type": "string", "nullable": true })
        );
    }

    #[test]
    fn nameable_enums_are_left_alone() {
        for values in [
            json!(["card_switcher", "vault", "link"]),
            json!(["+1", "-1"]),
            json!(["a b", "c"]),
            json!(["1", "2"]),
            json!(["X", "O", null]),
        ] {
            let mut spec = doc(values.clone());
            let mut notes = Notes::default();
            relax_unnameable(&mut spec, &mut notes);
            assert!(notes.is_empty(), "{values}: {notes:?}");
            assert_eq!(spec["components"]["schemas"]["Mark"]["enum"], values);
        }
    }

    #[test]
    fn examples_and_non_string_enums_are_not_touched() {
        let mut spec = json!({
            "openapi": "3.0.3",
            "info": { "title": "t", "version": "1" },
            "paths": {},
            "components": { "schemas": {
                "Level": { "type": "integer", "enum": [1, 2] },
                "Sample": { "type": "object", "example": { "enum": [".", "X"] } }
            }}
        });
        let before = spec.clone();
        let mut notes = Notes::default();
        relax_unnameable(&mut spec, &mut notes);
        assert_eq!(spec, before);
        assert!(notes.is_empty());
    }
}
