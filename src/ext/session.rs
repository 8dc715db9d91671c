//! A Knot session: the token the mobile/web SDK is initialised with.
//!
//! Knot: "Sessions last 30 minutes. It is best practice to create a new session each time
//! you initialize the SDK and not log the session in any internal or 3rd party tooling."
//! So [`Session`] never shows its token in `Debug` or `Display`, has no `Serialize`, and
//! is read only through [`Session::expose_token`].

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;

use super::error::{self, Error};
use super::secret::Secret;

/// How long Knot keeps a session valid.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// A session created by Knot.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    token: String,
    created_at: DateTime<Utc>,
}

impl Session {
    pub(crate) fn new(token: String) -> Self {
        Self {
            token,
            created_at: Utc::now(),
        }
    }

    /// The session token, for handing to Knot's SDK. Do not log it.
    pub fn expose_token(&self) -> &str {
        &self.token
    }

    /// The token, consuming the session.
    pub fn into_token(self) -> String {
        self.token
    }

    /// When this client received the session.
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When Knot stops accepting it (30 minutes after creation, measured locally).
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.created_at + chrono::Duration::from_std(SESSION_LIFETIME).expect("30 minutes fits")
    }

    /// Whether the 30 minutes have passed.
    pub fn is_expired(&self) -> bool {
        Utc::now() >= self.expires_at()
    }
}

/// The session in a decoded `session_create` answer: `token` is the response's `session`
/// field, `rest` the response without it (kept, serialized, in a decode error). Used by
/// the generated `create_session` (absent when a spec has no `session_create`).
/// The session in `session_create`'s answer: its `session` field, which must be a token.
pub(crate) fn from_answer(
    status: StatusCode,
    token: impl Into<Option<Secret>>,
) -> Result<Session, Error> {
    match token.into() {
        Some(token) if !token.expose().trim().is_empty() => Ok(Session::new(token.into_inner())),
        _ => Err(error::decode_failure(
            status,
            bytes::Bytes::new(),
            "the response has no `session` string",
        )),
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token", &"[redacted]")
            .field("expires_at", &self.expires_at())
            .finish()
    }
}

impl fmt::Display for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Knot session (token redacted, expires {})",
            self.expires_at().to_rfc3339()
        )
    }
}
