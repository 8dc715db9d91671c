//! The report stage: what is said about a spec and its generated client, for people and
//! tests rather than for the compiler.
//!
//! - [`examples`]: the spec's examples with the Rust type of each place (the
//!   conformance test's table).
//! - [`wire`]: a parameter example as what its `style` and `explode` put on the wire.
//! - [`surface`]: the generated public API as a listing (the reviewed snapshot).
//! - [`diff`]: two specs compared, with the semver bump the change needs.
//! - [`release`]: a candidate spec as a release (version, changelog, listings).
//! - [`synthetic`]: a Knot-shaped spec of any size, for benchmarks and scale tests.

pub mod diff;
pub mod examples;
pub mod release;
pub mod surface;
pub mod synthetic;
pub mod wire;
