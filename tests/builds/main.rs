//! Tests that build the crate again (against other specs, from a downstream crate, for
//! cargo-semver-checks): minutes each, so they are `#[ignore]`d in the README's quick
//! `cargo test --workspace` and run by `.ci/run` (`-- --include-ignored`).

#[path = "../common/mod.rs"]
mod common;

mod downstream;
mod regeneration_compiles;
mod semver_checks;
mod spec_examples_fixtures;
mod webhooks_fixture_build;
