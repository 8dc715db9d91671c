//! knot-codegen's pipeline on fixture specs, in process: generated code and notes, broken
//! specs, webhooks, the spec diff, the API snapshot, random damage.

#[path = "../common/mod.rs"]
mod common;

mod api_snapshot;
mod regeneration;
mod spec_diff;
mod spec_robustness;
mod webhooks_codegen;
