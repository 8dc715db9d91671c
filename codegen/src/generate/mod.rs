//! The generate stage: progenitor on the adapted document, and knot-codegen's own code
//! beside its output.
//!
//! - [`progenitor`]: progenitor run through its public settings (two runs: the second
//!   marks every type the first named `#[non_exhaustive]`); [`salvage`] leaves out what
//!   it cannot take, found by [`locate`]; [`clashes`] renames a component whose Rust
//!   name another type also has.
//! - [`signatures`] and [`facts`]: what was generated, read as a caller reads it (the
//!   client's public methods, typify's type space).
//! - [`operations`], [`builders`], [`open_enums`]: knot-codegen's code, which uses
//!   progenitor's only through that public surface.
//! - [`contract`]: the request rules the spec states, as a table for validation.

pub mod builders;
pub mod clashes;
pub mod contract;
pub mod facts;
pub mod locate;
pub mod names;
pub mod open_enums;
pub mod operations;
pub mod progenitor;
pub mod salvage;
pub mod signatures;
pub mod webhooks;

use std::collections::BTreeSet;

use quote::quote;
use serde_json::Value;

use crate::notes::Notes;

/// What the generate stage writes.
#[derive(Debug, Clone)]
pub struct Output {
    /// progenitor's client, formatted, as it wrote it.
    pub client: String,
    /// knot-codegen's code beside it: operation builders, body builders, open enums.
    pub knot: String,
    /// The client's operation methods.
    pub methods: Vec<signatures::Method>,
    /// The generated types.
    pub facts: facts::Facts,
    /// What progenitor could not take and was left out.
    pub lost: salvage::Lost,
    /// The public API generated, as a listing.
    pub surface: crate::report::surface::Surface,
}

/// Generates the client for the adapted document `doc` (salvaged in place when an
/// operation fails).
pub fn generate(
    doc: &mut Value,
    notes: &mut Notes,
    options: &crate::Options,
) -> Result<Output, String> {
    let (lost, names) = salvage::salvage(doc, notes)?;
    let names = clashes::separate(doc, names, notes).map_err(|f| locate::message(doc, f))?;
    let doc = &*doc;
    let (output, more_notes) = progenitor::on_large_stack(|| {
        let mut notes = Notes::default();
        let run = progenitor::run(doc, &names, options).map_err(|f| locate::message(doc, f))?;
        let file: syn::File = syn::parse2(run.tokens)
            .map_err(|e| format!("progenitor produced code that does not parse: {e}"))?;
        let methods = signatures::read(&file);
        let operations = operations::collect(doc, &methods, &mut notes);
        let bodies: BTreeSet<String> = operations
            .iter()
            .flat_map(|op| &op.method.params)
            .filter(|p| p.name == "body")
            .filter_map(|p| operations::struct_name(&p.owned, &run.facts))
            .map(str::to_owned)
            .collect();
        let open = open_enums::emit(doc);
        let built = builders::emit(&bodies, &run.facts, doc);
        let ops = operations::emit(&operations, &run.facts);
        let surface = crate::report::surface::read(&file, &methods, doc);
        let knot: syn::File = syn::parse2(quote! { #open #built #ops })
            .map_err(|e| format!("knot-codegen produced code that does not parse: {e}"))?;
        Ok::<_, String>((
            Output {
                client: prettyplease::unparse(&file),
                knot: prettyplease::unparse(&knot),
                methods,
                facts: run.facts,
                lost: salvage::Lost::default(),
                surface,
            },
            notes,
        ))
    })?;
    notes.extend(more_notes);
    Ok(Output { lost, ..output })
}
