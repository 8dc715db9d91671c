//! Extensions the adapt stage writes into the document for the generate stage to read.
//!
//! They are the only channel between the two stages besides the document itself, so each
//! is named here once.

/// On a schema moved into `components/schemas`: the JSON pointer it came from, so a
/// generator failure is reported against the spec the user wrote.
pub const ORIGIN: &str = "x-knot-origin";

/// On a component string enum reachable from a response: generated as an open enum (one
/// variant per known value plus `Unknown(String)`) by knot-codegen instead of typify.
pub const OPEN_ENUM: &str = "x-knot-open-enum";

/// On the one component that stands for a secret-bearing string (a session token, a
/// password): generated as `knot_api::Secret`, whose `Debug` never shows the value.
pub const SECRET: &str = "x-knot-secret";
