//! HTTP Basic credentials (`client_id` as user, `secret` as password).
//!
//! The `Authorization` header is encoded once, when the client is built, and marked
//! sensitive so HTTP libraries keep it out of their own debug output. The secret itself
//! never appears in `Debug`.

use std::fmt;

use base64::Engine as _;
use reqwest::header::HeaderValue;

use super::error::{ConfigError, Error};
use super::printable::Redactions;

/// A Knot `client_id` and `secret`.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    client_id: String,
    secret: String,
}

impl Credentials {
    /// Credentials from a client id and secret. Blank values are refused when the client
    /// is built, where the error can say which one.
    pub fn new(client_id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            secret: secret.into(),
        }
    }

    /// The client id (not a secret: Knot shows it in dashboards).
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The secret, for the rare caller that must hand it on. Never log it.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }

    /// What errors must never print: the secret, the Basic encoding and header value.
    pub(crate) fn redactions(&self) -> Redactions {
        let encoded = self.encoded();
        Redactions::new([self.secret.clone(), format!("Basic {encoded}"), encoded])
    }

    fn encoded(&self) -> String {
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", self.client_id, self.secret))
    }

    /// The ready-made `Authorization: Basic ...` value, marked sensitive.
    pub(crate) fn authorization(&self) -> Result<HeaderValue, Error> {
        if self.client_id.trim().is_empty() {
            return Err(ConfigError::new("the Knot client_id is empty").into());
        }
        if self.secret.trim().is_empty() {
            return Err(ConfigError::new("the Knot secret is empty").into());
        }
        if self.client_id.contains(':') {
            return Err(ConfigError::new(
                "the Knot client_id contains ':', which HTTP Basic auth cannot carry",
            )
            .into());
        }
        let encoded = self.encoded();
        let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
            .map_err(|_| ConfigError::new("the Knot credentials cannot form an HTTP header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}
