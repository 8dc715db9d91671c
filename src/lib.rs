//! # knot-api
//!
//! A typed async client for the [Knot](https://knotapi.com) API, generated at compile
//! time from Knot's OpenAPI spec (`openapi/openapi.yaml`), with a small hand-written layer
//! for what the spec cannot say: HTTP Basic auth, Knot's validation rules, retry on
//! HTTP 500, and an error type that keeps everything Knot sent.
//!
//! ```
//! use knot_api::{KnotClient, Session, types};
//!
//! async fn start_card_switcher(knot: &KnotClient) -> knot_api::Result<Session> {
//!     knot.create_session(
//!         types::SessionCreateBody::builder()
//!             .type_(types::SessionCreateBodyType::CardSwitcher)
//!             .external_user_id("user-123")
//!             .card_id("card-456"),
//!     )
//!     .await
//! }
//!
//! // Every operation of the spec, the same way: build, `send()`, `?`.
//! async fn raw_answer(knot: &KnotClient) -> knot_api::Result<types::SessionCreateResponse> {
//!     knot.session_create()
//!         .body(
//!             types::SessionCreateBody::builder()
//!                 .type_(types::SessionCreateBodyType::Link)
//!                 .external_user_id("user-123"),
//!         )
//!         .send()
//!         .await
//! }
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> knot_api::Result<()> {
//! # let mock = knot_api::mock::MockKnot::start().await;
//! # let knot = mock.client();
//! # assert!(!start_card_switcher(&knot).await?.expose_token().is_empty());
//! # assert!(raw_answer(&knot).await?.session.is_some());
//! # Ok(()) }
//! ```
//!
//! - [`KnotClient`]: one method per operation, each returning a builder from
//!   [`operations`] whose `send()` validates, authenticates, retries and returns
//!   [`Result`]; `.options(`[`RequestOptions`]`)` for one call's extras.
//! - [`types`]: the spec's schemas as Rust types (serde, `schemars::JsonSchema` with the
//!   default feature `schemars`, builders).
//! - [`Error`]: one error type to match on; [`Result`] its alias.
//! - `mock` (feature `mock`): an in-process Knot stand-in for tests.
//! - [`webhooks`]: verify Knot's webhook signatures, read the events.

#![warn(missing_docs)]
// Built from another spec than the vendored one (`KNOT_OPENAPI_SPEC`, see build.rs), the
// hand-written layer may have parts that spec's operations do not use.
#![cfg_attr(knot_other_spec, allow(dead_code, unused_imports))]
// docs.rs builds with `--cfg docsrs` and feature `mock` (Cargo.toml metadata); feature-gated
// items are then marked as such.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod contract;
mod ext;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod webhooks;

/// The client progenitor generated from the spec (`OUT_DIR/knot_client.rs`), as it
/// wrote it. Private: its `types` are re-exported below; its operations are called by the
/// builders in `emitted`.
#[allow(
    missing_docs,
    clippy::all,
    rustdoc::all,
    dead_code,
    unused_imports,
    private_interfaces
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/knot_client.rs"));
}

/// The code knot-codegen writes beside progenitor's (`OUT_DIR/knot.rs`): operation
/// builders, body builders, open enums. It uses the generated client as a user would.
#[allow(clippy::all, rustdoc::all)]
mod emitted {
    include!(concat!(env!("OUT_DIR"), "/knot.rs"));
}

pub use ext::client::{KnotClient, KnotClientBuilder};
pub use ext::config::Environment;
pub use ext::credentials::Credentials;
pub use ext::error::{
    ApiError, BodyTooLargeError, ConfigError, DecodeError, Error, ErrorKind, RedirectError, Result,
    ServerError, TransportError,
};
pub use ext::optional::IntoOptional;
pub use ext::options::RequestOptions;
pub use ext::retry::{MAX_RETRIES_CEILING, RetryPolicy};
pub use ext::secret::Secret;
pub use ext::session::{SESSION_LIFETIME, Session};
pub use ext::validation::ValidationError;
pub use progenitor_client::{ByteStream, ResponseValue};

/// The spec's schemas as Rust types: serde, `schemars::JsonSchema` (feature `schemars`, on
/// by default), `#[non_exhaustive]`;
/// `X::builder()` for the ones requests carry, open enums for the values Knot sends.
pub mod types {
    pub use crate::emitted::builder;
    // A spec may have no enum Knot sends.
    #[allow(unused_imports)]
    pub use crate::emitted::open_enums::*;
    pub use crate::generated::types::*;
}

/// The request builders of the spec's operations, one per operation: what
/// `knot.session_create()` and its siblings return. Set the parts, then `.send()`.
pub mod operations {
    pub use crate::emitted::operations::*;
}

/// Not part of the public API: reached by this crate's tests and benchmarks only, and
/// may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use crate::ext::fields::{AsField, Field, Fields};
    pub use crate::ext::retry::{MIN_SERVER_DELAY, retry_after};
    pub use crate::ext::validation::validate;
}

/// The README's Rust example, compiled as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
