//! The adapt stage: the checked document made digestible for progenitor, one concern per
//! file, every loss recorded in [`crate::Notes`].
//!
//! - [`newer`], [`repair`], [`webhooks`], [`upgrade`]: OpenAPI 3.2 read as 3.1, invalid
//!   but unambiguous constructs repaired, webhook payloads made components, 3.1 turned
//!   into the 3.0.3 progenitor reads (run by [`crate::prepare`]).
//! - [`adapt`]: what progenitor needs for a tolerant client: references into a schema's
//!   inside made [`deep_refs`] to components of their own, [`unsupported`] constructs
//!   rewritten or dropped, [`nullable`] components made nullable where they are used,
//!   [`enums`] typify cannot name made strings, [`tolerant`]
//!   (errors left to knot-api, open response enums, one media type), [`secrets`] typed
//!   as `knot_api::Secret`.

pub mod deep_refs;
pub mod enums;
pub mod newer;
pub mod nullable;
pub mod repair;
pub mod secrets;
pub mod tolerant;
pub mod unsupported;
pub mod upgrade;
pub mod webhooks;

use serde_json::Value;

use crate::notes::Notes;

/// Every generator adaptation, in order, on a 3.0.3 document.
pub fn adapt(doc: &mut Value, notes: &mut Notes) {
    deep_refs::hoist(doc);
    unsupported::handle(doc, notes);
    nullable::lift(doc);
    // Before `tolerant`, which opens response enums: an enum typify cannot name is a string.
    enums::relax_unnameable(doc, notes);
    tolerant::adapt(doc, notes);
    secrets::mark(doc);
}
