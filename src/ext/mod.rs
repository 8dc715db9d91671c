//! The hand-written layer over the generated client: what the spec cannot say.
//!
//! | concern | file |
//! |---|---|
//! | the client and its builder | [`client`] |
//! | environments, timeouts, `KNOT_*` variables | [`config`] |
//! | HTTP Basic credentials | [`credentials`] |
//! | hooks run around every generated operation | [`hooks`] |
//! | request validation (spec + prose rules) | [`validation`], [`formats`] |
//! | retry on 500 / connection failure, the call's deadline | [`retry`] |
//! | what a response must satisfy: no redirects, same origin, bounded body | [`response_guard`] |
//! | server text made safe to print (escaped, cut, secrets redacted) | `printable` (private) |
//! | per-call options (extra body fields) | [`options`] |
//! | multipart bodies for operations the spec sends as multipart | [`multipart`] |
//! | the error type | [`error`] |
//! | the session type (token never shown) | [`session`] |
//!
//! Nothing here names a generated type or field: operations and fields are looked up by
//! name in [`crate::contract`], so a new spec never breaks this layer's compilation.

pub mod client;
pub mod config;
pub mod credentials;
pub mod error;
pub mod formats;
pub mod hooks;
// issue 12: multipart request bodies (new file; the only touch here is this line).
pub mod multipart;
pub mod options;
mod printable;
pub mod response_guard;
pub mod retry;
pub mod session;
pub mod validation;
