//! # knot-api
//!
//! A typed async client for the [Knot](https://knotapi.com) API, generated at compile
//! time from Knot's OpenAPI spec (`openapi/openapi.yaml`), with a small hand-written layer
//! for what the spec cannot say: HTTP Basic auth, Knot's validation rules, retry on
//! HTTP 500, and an error type that keeps everything Knot sent.
//!
//! ```no_run
//! # async fn run() -> Result<(), knot_api::Error> {
//! use knot_api::{KnotClient, types};
//!
//! let knot = KnotClient::builder()
//!     .credentials("client-id", "secret")
//!     .build()?;
//! let body = types::SessionCreateBody::builder()
//!     .type_(types::SessionCreateBodyType::CardSwitcher)
//!     .external_user_id("user-123")
//!     .card_id(Some("card-456".to_owned()));
//! let session = knot.create_session(&types::SessionCreateBody::try_from(body).unwrap()).await?;
//! println!("session expires at {}", session.expires_at());
//! # Ok(()) }
//! ```
//!
//! - [`KnotClient`] ([`ext`]): the client to use; [`KnotClient::api`] reaches every
//!   generated operation with the same auth, validation and retry.
//! - [`types`]: the spec's schemas as Rust types (serde, `schemars::JsonSchema`, builders).
//! - [`Error`]: one error type to match on.
//! - [`contract`]: what the spec says about each operation, as data.
//! - `mock` (feature `mock`): an in-process Knot stand-in for tests.
//! - [`webhooks`]: verify Knot's webhook signatures, read the events.

#![warn(missing_docs)]
// docs.rs builds with `--cfg docsrs` and feature `mock` (Cargo.toml metadata); feature-gated
// items are then marked as such.
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod contract;
pub mod ext;
#[cfg(feature = "mock")]
#[cfg_attr(docsrs, doc(cfg(feature = "mock")))]
pub mod mock;
pub mod webhooks;

/// The client progenitor generated from the spec (`OUT_DIR/knot_client.rs`).
///
/// Its operations run through [`ext::hooks`]; use it through [`KnotClient::api`].
#[allow(missing_docs, clippy::all, rustdoc::all)]
pub mod generated {
    include!(concat!(env!("OUT_DIR"), "/knot_client.rs"));
}

pub use ext::client::{KnotClient, KnotClientBuilder};
pub use ext::config::Environment;
pub use ext::credentials::Credentials;
pub use ext::error::{
    ApiError, BodyTooLargeError, ConfigError, DecodeError, Error, RedirectError, Result,
    ServerError, TransportError,
};
pub use ext::options::RequestOptions;
pub use ext::retry::RetryPolicy;
pub use ext::session::Session;
pub use ext::validation::ValidationError;
pub use generated::types;

/// The README's Rust example, compiled as a doctest so it cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
