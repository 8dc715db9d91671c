//! The hand-written layer over the generated client: what the spec cannot say.
//!
//! | concern | file |
//! |---|---|
//! | the client and its builder | [`client`] |
//! | environments, timeouts, `KNOT_*` variables | [`config`] |
//! | HTTP Basic credentials | [`credentials`] |
//! | one call of an operation: options checked, body validated, outcome → [`Error`](crate::Error) | [`call`] |
//! | the hooks progenitor runs around every request: auth, extras, the attempts | [`hooks`] |
//! | retry on 500 / connection failure within the call's deadline | [`retry`] |
//! | bodies read within limits | [`limits`] |
//! | request validation (spec + prose rules) over a body's [`fields`] | [`validation`], [`formats`] |
//! | server text made safe to print (escaped, cut, secrets redacted) | `printable` (private) |
//! | per-call options (extra body fields, headers, retries, deadline) | [`options`] |
//! | what an optional field's setter accepts | [`optional`] |
//! | the error type | [`error`] |
//! | secrets and sessions, never shown | [`secret`], [`session`] |
//! | open enums for values Knot sends | [`open_enum`] |
//!
//! Nothing here names a generated type or field: operations and fields are looked up by
//! name in [`crate::contract`], and the per-operation code that names them is generated
//! (knot-codegen), so a new spec never breaks this layer's compilation.

pub(crate) mod call;
pub(crate) mod client;
pub(crate) mod config;
pub(crate) mod credentials;
pub(crate) mod error;
pub(crate) mod fields;
pub(crate) mod formats;
pub(crate) mod hooks;
pub(crate) mod limits;
pub(crate) mod open_enum;
pub(crate) mod optional;
pub(crate) mod options;
mod printable;
pub(crate) mod retry;
pub(crate) mod secret;
pub(crate) mod session;
pub(crate) mod validation;
