//! `knot-codegen`: turns Knot's OpenAPI spec into a typed progenitor client.
//!
//! One implementation shared by `build.rs` (which writes the client to `OUT_DIR`), the
//! tests (which run fixture specs through it) and `knot-spec-diff` (which compares two
//! specs through the same loader and 3.1 handling).
//!
//! The pipeline, one module per step:
//! [`load`] (YAML → JSON, with line/column errors) → [`check`] (references resolve,
//! operations are named) → [`repair`] (invalid but unambiguous constructs) → [`upgrade`] (OpenAPI 3.1 → 3.0.3) → [`adapt`] (what progenitor
//! needs to produce a tolerant client) → [`generate`] (progenitor, then [`stable`]:
//! `#[non_exhaustive]` types and open response enums; [`builders`]: infallible optional
//! setters; [`calls`]: one request path returning the crate's error; then prettyplease).
//! [`contract`] extracts per-operation facts for the hand-written layer; [`webhooks`]
//! turns the 3.1 `webhooks` section into payload types and an open event enum.

pub mod adapt;
pub mod alternates;
pub mod builders;
pub mod calls;
pub mod check;
pub mod contract;
pub mod cookies;
pub mod diff;
pub mod enums;
pub mod error;
pub mod examples;
pub mod fixups;
pub mod generate;
pub mod load;
pub mod multipart;
pub mod newer;
pub mod notes;
pub mod pointer;
pub mod repair;
pub mod salvage;
pub mod schema;
pub mod sensitive;
pub mod stable;
pub mod surface;
pub mod synthetic;
pub mod unsupported;
pub mod upgrade;
pub mod walk;
pub mod webhooks;

pub use error::SpecError;
pub use notes::Notes;

use serde_json::Value;

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
    /// Formatted client source (progenitor's output).
    pub client: String,
    /// Source of the operation contract table.
    pub contract: String,
    /// Source of the open `WebhookEvent` enum.
    pub webhooks: String,
    /// Source of the example table (`knot_examples()`), for the conformance test.
    pub examples: String,
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

/// The whole pipeline for the spec at `path`.
pub fn generate_file(path: &str) -> Result<Generated, SpecError> {
    generate_prepared(prepare_file(path)?)
}

/// Generation from a prepared spec.
pub fn generate_prepared(prepared: PreparedSpec) -> Result<Generated, SpecError> {
    let PreparedSpec {
        loaded,
        doc,
        mut notes,
        webhooks,
    } = prepared;
    // A prepared spec may not have come through `prepare`; the walks below and progenitor
    // need a document that is not absurdly deep and has no reference-only cycle.
    check::depth(&doc, check::MAX_CONVERTED_DEPTH)
        .and_then(|()| check::cycles(&doc))
        .map_err(|m| SpecError::new(&loaded.path, m))?;
    let mut operations = contract::extract(&doc);
    let prepared_doc = doc.clone();
    let mut adapted = doc;
    // What progenitor cannot send or receive, reshaped so that it can (see `fixups`).
    fixups::clear(&mut adapted);
    unsupported::handle(&mut adapted, &mut notes);
    multipart::prepare(&mut adapted, &mut notes);
    alternates::stash(&mut adapted);
    // Before `adapt`, which opens response enums: an enum typify cannot name is a string.
    enums::relax_unnameable(&mut adapted, &mut notes);
    adapt::adapt(&mut adapted, &mut notes);
    // After `adapt`, which lower-cases header names: cookie names keep their case.
    cookies::prepare(&mut adapted, &mut notes);
    // A variant sends what its operation sends: the same contract under its own id.
    for (id, variant) in alternates::add_variants(&mut adapted, &mut notes) {
        if let Some(operation) = operations.iter().find(|o| o.id == id).cloned() {
            operations.push(contract::Operation {
                id: variant,
                ..operation
            });
        }
    }
    let contract = contract::to_rust(&operations);
    let mut fixups = fixups::relocate(&mut adapted);
    let file_name = std::path::Path::new(&loaded.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| loaded.path.clone());
    let (body, lost) = salvage::generate(&mut adapted, &mut notes)
        .and_then(|(body, lost)| {
            fixups::retain_present(&mut fixups, &adapted);
            Ok((fixups::apply(&body, &fixups)?, lost))
        })
        .map_err(|m| SpecError::new(&loaded.path, m))?;
    let client = format!(
        "// @generated by knot-codegen from {file_name}. Do not edit: change the spec or the generator.\n{body}"
    );
    let webhooks = webhooks::to_rust(&webhooks, &client, &mut notes);
    let examples = examples::to_rust(
        &examples::extract(&loaded.doc, &prepared_doc, &client, &lost),
        &file_name,
    );
    Ok(Generated {
        client,
        contract,
        webhooks,
        examples,
        notes,
    })
}
