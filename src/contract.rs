//! What the spec says about each operation, as data: method, path, request body fields
//! and their limits, and the spec's example bodies.
//!
//! build.rs extracts this table from the spec (`OUT_DIR/knot_contract.rs`). The
//! hand-written layer reads fields and operations by name at run time, so a spec that
//! renames or drops a field or an operation changes behaviour (a rule about a missing field
//! no longer applies) but never breaks compilation of this crate.

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationContract {
    /// The spec's `operationId` (or the name derived for it at build time).
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template, e.g. `/session/create`.
    pub path: &'static str,
    /// Properties of the JSON request body, if it has one.
    pub body_fields: &'static [FieldContract],
    /// The first success status the spec documents (`200` when it names none).
    pub success_status: u16,
    /// A success body assembled from the spec's examples (JSON text).
    pub success_example: Option<&'static str>,
    /// The spec's named error examples.
    pub error_examples: &'static [ErrorExample],
}

/// One property of a request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldContract {
    /// Property name as sent on the wire.
    pub name: &'static str,
    /// Listed in the schema's `required`.
    pub required: bool,
    /// Accepts `null`.
    pub nullable: bool,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `maxProperties`.
    pub max_properties: Option<u64>,
    /// `maxLength` of each value of a map.
    pub value_max_length: Option<u64>,
    /// Allowed string values (`enum`); empty when unrestricted.
    pub allowed: &'static [&'static str],
    /// JSON type named by the schema (`string`, `object`, `integer`, ...).
    pub json_type: Option<&'static str>,
}

/// A named example body of an error response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorExample {
    /// HTTP status it is documented under.
    pub status: u16,
    /// The example's name in the spec (e.g. `CardIdRequired`).
    pub name: &'static str,
    /// The body, as JSON text.
    pub body: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/knot_contract.rs"));

/// The operation with this `operationId`, if the spec has it.
pub fn operation(operation_id: &str) -> Option<&'static OperationContract> {
    // The table is sorted by operationId (see knot-codegen's contract module).
    OPERATIONS
        .binary_search_by(|op| op.operation_id.cmp(operation_id))
        .ok()
        .map(|i| &OPERATIONS[i])
}

impl OperationContract {
    /// The error example with this name, if the spec has it.
    pub fn error_example(&self, name: &str) -> Option<&'static ErrorExample> {
        self.error_examples.iter().find(|e| e.name == name)
    }

    /// The `error_message` of a named error example.
    pub fn example_message(&self, name: &str) -> Option<String> {
        let example = self.error_example(name)?;
        let body: serde_json::Value = serde_json::from_str(example.body).ok()?;
        body.get("error_message")?.as_str().map(str::to_owned)
    }
}
