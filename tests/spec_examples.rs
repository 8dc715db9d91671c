//! Example conformance, for any spec: every example the spec gives (request bodies,
//! parameters, each response under its status, component schemas) decodes into the
//! Rust type generated for its place, and request examples round-trip.
//!
//! The examples and their types come from `OUT_DIR/knot_examples.rs`, written by
//! knot-codegen from the spec the crate was built from, so this file names no
//! operation and runs unchanged on a candidate:
//! `KNOT_OPENAPI_SPEC=candidate.yaml cargo test --test spec_examples -- --nocapture`.
//!
//! What fails: an example that does not decode; a request example whose round trip
//! changes a value or loses a field the schema declares; a place that should have a
//! generated type and has none. Each failure is named by the example's JSON pointer.
//!
//! What is reported, not failed (decisions, written down here):
//! - a round trip drops fields the schema does not list (Knot's request examples carry
//!   `merchant_id`): the generated types ignore unknown fields when decoding, so a
//!   request built from such an example would not send them; callers who must send
//!   them use `RequestOptions::extra_body`;
//! - `null` on a field whose generated type leaves it out when `None` (absent and null
//!   mean the same to an optional field);
//! - fields the round trip adds (defaults the schema declares, filled in on decoding);
//! - numbers compare by value (`1` and `1.0`), and date-times by instant;
//! - examples with nothing generated to check against (non-JSON media, raw bodies,
//!   inline error schemas: `knot_api::Error` reads error bodies untyped), with the reason.
//!
//! Response examples are decoded, not round-tripped: response types keep unknown enum
//! values and ignore unknown fields by design.
//!
//! Not covered: examples on single properties inside a schema (they are parts of a
//! value, not values of a generated type; `tests/seed_types.rs` checks the seed's),
//! response header examples, and examples inside a parameter's `content`.

use knot_api::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/knot_examples.rs"));

/// One row of the generated table.
struct ExampleCase {
    pointer: &'static str,
    json: &'static str,
    kind: Kind,
}

// Which constructors and kinds a table uses depends on the spec it was generated from.
#[allow(dead_code)]
enum Kind {
    Typed {
        request: bool,
        declared: &'static [&'static str],
        round_trip: fn(&Value) -> Result<Value, String>,
        type_name: &'static str,
    },
    Skipped(&'static str),
    Missing(&'static str),
}

#[allow(dead_code)]
impl ExampleCase {
    fn typed<T: DeserializeOwned + Serialize>(
        pointer: &'static str,
        json: &'static str,
        request: bool,
        declared: &'static [&'static str],
    ) -> Self {
        Self {
            pointer,
            json,
            kind: Kind::Typed {
                request,
                declared,
                round_trip: round_trip::<T>,
                type_name: std::any::type_name::<T>(),
            },
        }
    }

    fn skipped(pointer: &'static str, json: &'static str, reason: &'static str) -> Self {
        Self {
            pointer,
            json,
            kind: Kind::Skipped(reason),
        }
    }

    fn missing(pointer: &'static str, json: &'static str, reason: &'static str) -> Self {
        Self {
            pointer,
            json,
            kind: Kind::Missing(reason),
        }
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let decoded: T = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&decoded).map_err(|e| format!("does not encode back: {e}"))
}

/// What a round trip did to an example.
#[derive(Default, Debug, PartialEq)]
struct Differences {
    /// Fields the schema declares that were lost, or values that changed: failures.
    lost: Vec<String>,
    /// Fields the schema does not list, dropped.
    unlisted: Vec<String>,
    /// Fields added (defaults).
    added: Vec<String>,
}

fn compare(original: &Value, again: &Value, at: &str, declared: &[&str], out: &mut Differences) {
    match (original, again) {
        (Value::Object(before), Value::Object(after)) => {
            for (key, value) in before {
                let field = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match after.get(key) {
                    Some(again) => compare(value, again, &field, declared, out),
                    None if value.is_null() => {}
                    None if declared.contains(&field.as_str()) => {
                        out.lost.push(format!("{field} (declared field dropped)"))
                    }
                    None => out.unlisted.push(field),
                }
            }
            for key in after.keys().filter(|k| !before.contains_key(*k)) {
                out.added.push(format!("{at}/{key}"));
            }
        }
        (Value::Array(before), Value::Array(after)) if before.len() == after.len() => {
            for (i, (b, a)) in before.iter().zip(after).enumerate() {
                compare(b, a, &format!("{at}/{i}"), declared, out);
            }
        }
        (Value::Number(b), Value::Number(a)) if b.as_f64() == a.as_f64() => {}
        (Value::String(b), Value::String(a)) if same_instant(b, a) => {}
        (b, a) if b == a => {}
        (b, a) => out.lost.push(format!(
            "{} changed from {b} to {a}",
            if at.is_empty() { "/" } else { at }
        )),
    }
}

fn same_instant(a: &str, b: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(a),
        chrono::DateTime::parse_from_rfc3339(b),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

#[test]
fn every_example_in_the_spec_decodes_into_its_generated_type() {
    let cases = knot_examples();
    let (mut checked, mut failures, mut notes) = (0, Vec::new(), Vec::new());
    for case in &cases {
        let value: Value = serde_json::from_str(case.json).expect("the table holds JSON");
        match &case.kind {
            Kind::Skipped(reason) => notes.push(format!("skipped {}: {reason}", case.pointer)),
            Kind::Missing(reason) => failures.push(format!("{}: {reason}", case.pointer)),
            Kind::Typed {
                request,
                declared,
                round_trip,
                type_name,
            } => {
                checked += 1;
                let again = match round_trip(&value) {
                    Ok(again) => again,
                    Err(e) => {
                        failures.push(format!(
                            "{}: does not decode into {type_name}: {e}",
                            case.pointer
                        ));
                        continue;
                    }
                };
                if !request {
                    continue;
                }
                let mut differences = Differences::default();
                compare(&value, &again, "", declared, &mut differences);
                for lost in differences.lost {
                    failures.push(format!(
                        "{}: round trip through {type_name}: {lost}",
                        case.pointer
                    ));
                }
                if !differences.unlisted.is_empty() {
                    notes.push(format!(
                        "{}: fields the schema does not list are dropped: {}",
                        case.pointer,
                        differences.unlisted.join(", ")
                    ));
                }
                if !differences.added.is_empty() {
                    notes.push(format!(
                        "{}: defaults filled in: {}",
                        case.pointer,
                        differences.added.join(", ")
                    ));
                }
            }
        }
    }
    println!(
        "{} example(s): {checked} checked against their generated types, {} skipped",
        cases.len(),
        cases
            .iter()
            .filter(|c| matches!(c.kind, Kind::Skipped(_)))
            .count()
    );
    for note in &notes {
        println!("  {note}");
    }
    assert!(
        failures.is_empty(),
        "{} example(s) do not conform:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn the_round_trip_comparison_tells_losses_from_unlisted_fields() {
    let original = serde_json::json!({
        "name": "a", "merchant_id": 45, "note": null, "n": 1,
        "when": "2024-01-01T00:00:00+00:00", "tags": ["x"]
    });
    let again = serde_json::json!({
        "name": "b", "n": 1.0, "when": "2024-01-01T00:00:00Z", "tags": ["x"], "mode": "auto"
    });
    let mut differences = Differences::default();
    compare(
        &original,
        &again,
        "",
        &["/name", "/n", "/when", "/tags"],
        &mut differences,
    );
    assert_eq!(
        differences,
        Differences {
            lost: vec!["/name changed from \"a\" to \"b\"".into()],
            unlisted: vec!["/merchant_id".into()],
            added: vec!["/mode".into()],
        }
    );
    let mut differences = Differences::default();
    compare(
        &original,
        &serde_json::json!({}),
        "",
        &["/name"],
        &mut differences,
    );
    assert!(
        differences
            .lost
            .contains(&"/name (declared field dropped)".to_owned())
    );
}
