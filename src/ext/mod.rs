//! The hand-written layer over the generated client: what the spec cannot say.
//!
//! | concern | file |
//! |---|---|
//! | the client and its builder | [`client`] |
//! | environments, timeouts, `KNOT_*` variables | [`config`] |
//! | HTTP Basic credentials | [`credentials`] |
//! | one call of an operation: options, outcome → [`Error`](crate::Error) | [`call`] |
//! | hooks run around every generated operation | [`hooks`] |
//! | request validation (spec + prose rules) | [`validation`], [`formats`] |
//! | a typed body's fields read as it serializes (validation without parsing) | [`field_capture`] |
//! | retry on 500 / connection failure, the call's deadline | [`retry`] |
//! | what a response must satisfy: no redirects, same origin, bounded body | [`response_guard`] |
//! | server text made safe to print (escaped, cut, secrets redacted) | `printable` (private) |
//! | per-call options (extra body fields, headers, retries, deadline) | [`options`] |
//! | what an optional field's setter accepts | [`optional`] |
//! | multipart bodies for operations the spec sends as multipart | [`multipart`] |
//! | the error type | [`error`] |
//! | the session type (token never shown) | [`session`] |
//!
//! Nothing here names a generated type or field: operations and fields are looked up by
//! name in [`crate::contract`], so a new spec never breaks this layer's compilation.

pub(crate) mod call;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod credentials;
pub(crate) mod error;
pub(crate) mod field_capture;
pub(crate) mod formats;
pub(crate) mod hooks;
pub(crate) mod multipart;
pub(crate) mod optional;
pub(crate) mod options;
mod printable;
pub(crate) mod response_guard;
pub(crate) mod retry;
pub(crate) mod session;
pub(crate) mod validation;
