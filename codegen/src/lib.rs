//! `knot-codegen`: turns Knot's OpenAPI spec into a typed client at build time, as
//! prost-build does for protobuf.
//!
//! One implementation shared by `build.rs` (which writes the client to `OUT_DIR`), the
//! tests (which run fixture specs through it) and `knot-spec-diff` (which compares two
//! specs through the same loader and 3.1 handling). Four stages, one folder each:
//!
//! 1. [`spec`]: read the document and check it (references, depth, operation names).
//! 2. [`adapt`]: 3.2/3.1 to the 3.0.3 progenitor reads, repairs, and what a tolerant
//!    client needs (open response enums, secret types, errors left to knot-api).
//! 3. [`generate`]: progenitor, configured through its public settings only, and
//!    knot-codegen's own code beside its output (operation and body builders, open
//!    enums, the request contract, the webhook event enum).
//! 4. [`report`]: the example table, the API listing, the spec diff.
//!
//! Every loss is recorded in [`Notes`]; a spec that cannot be generated is a
//! [`SpecError`] naming the place.

pub mod adapt;
pub mod error;
pub mod generate;
pub mod markers;
pub mod notes;
pub mod options;
pub mod report;
pub mod spec;

pub use report::{diff, surface};
pub use spec::load;

pub use error::SpecError;
pub use notes::Notes;
pub use options::Options;

use serde_json::Value;

use adapt::{newer, repair, upgrade, webhooks};
use generate::contract;
use spec::check;

/// A spec read, checked and converted to OpenAPI 3.0 (before generator adaptations).
#[derive(Debug, Clone)]
pub struct PreparedSpec {
    /// The loaded file.
    pub loaded: load::LoadedSpec,
    /// The document in OpenAPI 3.0.3 form.
    pub doc: Value,
    /// What the conversion lost.
    pub notes: Notes,
    /// The webhooks to type (their payloads are now component schemas).
    pub webhooks: Vec<webhooks::WebhookType>,
}

/// Everything build.rs writes.
#[derive(Debug, Clone)]
pub struct Generated {
    /// progenitor's client, formatted, as it wrote it.
    pub client: String,
    /// knot-codegen's code beside it: operation and body builders, open enums.
    pub knot: String,
    /// Source of the operation contract table.
    pub contract: String,
    /// Source of the open `WebhookEvent` enum.
    pub webhooks: String,
    /// Source of the example table (`knot_examples()`), for the conformance test.
    pub examples: String,
    /// The generated public API, as a listing.
    pub surface: surface::Surface,
    /// What the conversion lost, for one brief build message.
    pub notes: Notes,
}

/// Loads, checks and converts the spec at `path`.
pub fn prepare_file(path: &str) -> Result<PreparedSpec, SpecError> {
    prepare(load::load_file(path)?)
}

/// Checks and converts an already loaded spec.
pub fn prepare(loaded: load::LoadedSpec) -> Result<PreparedSpec, SpecError> {
    let mut doc = loaded.doc.clone();
    let mut notes = Notes::default();
    let fail = |m: String| SpecError::new(&loaded.path, m);
    check::check(&mut doc, &mut notes).map_err(fail)?;
    newer::read_as_3_1(&mut doc, &mut notes);
    repair::repair(&mut doc, loaded.version, &mut notes);
    let webhooks = webhooks::extract(&mut doc, &mut notes);
    upgrade::upgrade(&mut doc, loaded.version, &mut notes).map_err(fail)?;
    Ok(PreparedSpec {
        loaded,
        doc,
        notes,
        webhooks,
    })
}

/// The whole pipeline for the spec at `path`, with the default [`Options`].
pub fn generate_file(path: &str) -> Result<Generated, SpecError> {
    generate_file_with(path, &Options::default())
}

/// The whole pipeline for the spec at `path`.
pub fn generate_file_with(path: &str, options: &Options) -> Result<Generated, SpecError> {
    generate_prepared_with(prepare_file(path)?, options)
}

/// Generation from a prepared spec, with the default [`Options`].
pub fn generate_prepared(prepared: PreparedSpec) -> Result<Generated, SpecError> {
    generate_prepared_with(prepared, &Options::default())
}

/// Generation from a prepared spec.
pub fn generate_prepared_with(
    prepared: PreparedSpec,
    options: &Options,
) -> Result<Generated, SpecError> {
    let PreparedSpec {
        loaded,
        doc,
        mut notes,
        webhooks,
    } = prepared;
    let fail = |m: String| SpecError::new(&loaded.path, m);
    // A prepared spec may not have come through `prepare`; the walks below and progenitor
    // need a document that is not absurdly deep and has no reference-only cycle.
    check::depth(&doc, check::MAX_CONVERTED_DEPTH)
        .and_then(|()| check::cycles(&doc))
        .map_err(fail)?;
    // The request contract is read from the spec as written, before adaptation.
    let contract = contract::to_rust(&contract::extract(&doc));
    let mut adapted = doc.clone();
    adapt::adapt(&mut adapted, &mut notes);
    let output = generate::generate(&mut adapted, &mut notes, options).map_err(fail)?;
    let file_name = std::path::Path::new(&loaded.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| loaded.path.clone());
    let header = format!(
        "// @generated by knot-codegen from {file_name}. Do not edit: change the spec or the generator.\n"
    );
    let webhooks = generate::webhooks::to_rust(&webhooks, &output.facts, &mut notes);
    let examples = report::examples::to_rust(
        &report::examples::extract(&loaded.doc, &doc, &adapted, &output),
        &file_name,
    );
    Ok(Generated {
        client: format!("{header}{}", output.client),
        knot: format!("{header}{}", output.knot),
        contract,
        webhooks,
        examples,
        surface: output.surface,
        notes,
    })
}
