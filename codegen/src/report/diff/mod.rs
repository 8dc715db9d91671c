//! Comparing two specs: what changed, whether it breaks existing clients at the OpenAPI
//! level, and what it does to the generated Rust API.
//!
//! Both specs go through the same loader and 3.1 handling as build.rs ([`crate::prepare`]).
//! OpenAPI-level rules follow the principle oasdiff, optic and openapi-diff share: a
//! request may only get wider, a response only narrower. The Rust-level part generates
//! both clients and compares their [`crate::report::surface`]s, with cargo's semver rules.
//!
//! | file | what |
//! |---|---|
//! | `openapi.rs` | the OpenAPI-level rules |
//! | `rust.rs` | the generated Rust API comparison and its semver impact |
//! | `render.rs` | text, Markdown (JSON is the report's serde form) |

mod openapi;
mod render;
mod rust;

use serde::Serialize;

use crate::report::surface::Surface;
use crate::{PreparedSpec, SpecError};

pub use render::{render_markdown, render_text};

/// One OpenAPI-level change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Whether existing clients break.
    pub breaking: bool,
    /// Stable rule id, e.g. `request-property-became-required`.
    pub rule: &'static str,
    /// `POST /session/create`, when the change is inside an operation.
    pub operation: Option<String>,
    /// JSON pointer (in the new spec; in the old one for removals).
    pub pointer: String,
    /// `file:line` where practical.
    pub location: String,
    /// What changed.
    pub message: String,
}

/// Semver impact on the crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Semver {
    /// Nothing public changed.
    Patch,
    /// Additions only.
    Minor,
    /// Something downstream code may use changed or went away.
    Major,
}

/// One change to the generated Rust API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RustChange {
    /// Semver impact under cargo's rules.
    pub impact: Semver,
    /// True when it breaks code written in the documented style (builders, no struct
    /// literals, wildcard arms): removals and type changes. Fields and variants added to
    /// `#[non_exhaustive]` types (every generated type) are semver-minor.
    pub breaks_callers: bool,
    /// What changed.
    pub message: String,
}

/// Everything `knot-spec-diff` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Old spec path.
    pub old: String,
    /// New spec path.
    pub new: String,
    /// OpenAPI-level changes.
    pub findings: Vec<Finding>,
    /// Changes to the generated Rust API.
    pub rust: Vec<RustChange>,
    /// The version bump the crate needs.
    pub semver: Semver,
    /// True when existing clients break (OpenAPI level) or the Rust API loses or
    /// changes something callers use.
    pub breaking: bool,
}

impl Finding {
    /// `POST /session/create ` (with a trailing space), or nothing.
    pub fn operation_prefix(&self) -> String {
        self.operation
            .as_deref()
            .map(|o| format!("{o} "))
            .unwrap_or_default()
    }
}

pub fn diff_files(old: &str, new: &str) -> Result<Report, SpecError> {
    let old = crate::prepare_file(old)?;
    let new = crate::prepare_file(new)?;
    diff(&old, &new)
}

/// Compares two prepared specs.
pub fn diff(old: &PreparedSpec, new: &PreparedSpec) -> Result<Report, SpecError> {
    let findings = findings(old, new);
    let old_surface = surface_of(old)?;
    let new_surface = surface_of(new)?;
    let rust = rust::changes(&old_surface, &new_surface);
    let semver = rust
        .iter()
        .map(|c| c.impact)
        .max()
        .unwrap_or(Semver::Patch)
        .max(if findings.iter().any(|f| f.breaking) {
            Semver::Major
        } else if findings.is_empty() {
            Semver::Patch
        } else {
            Semver::Minor
        });
    let breaking = findings.iter().any(|f| f.breaking) || rust.iter().any(|c| c.breaks_callers);
    Ok(Report {
        old: old.loaded.path.clone(),
        new: new.loaded.path.clone(),
        findings,
        rust,
        semver,
        breaking,
    })
}

/// The OpenAPI-level changes alone. Total on any two documents: references that go
/// round in a circle, or schemas that recurse, are compared as far as they differ.
pub fn findings(old: &PreparedSpec, new: &PreparedSpec) -> Vec<Finding> {
    let mut ctx = openapi::Ctx {
        old,
        new,
        findings: Vec::new(),
        operation: String::new(),
        comparing: Vec::new(),
    };
    openapi::operations(&mut ctx);
    ctx.findings
}

fn surface_of(spec: &PreparedSpec) -> Result<Surface, SpecError> {
    Ok(crate::generate_prepared(spec.clone())?.surface)
}
