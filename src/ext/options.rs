//! Per-call options. An operation's builder takes them with `.options(..)`; they travel
//! with that call's hook state (see [`super::call`]).

use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use serde_json::{Map, Value};

use super::error::ConfigError;
use super::printable::{Printable, Redactions};

/// Headers the client owns: framing, hop-by-hop, and credentials. A per-call value for
/// any of them could desynchronise the validated body and what goes on the wire, or
/// leak or replace the credentials.
const RESERVED_HEADERS: &[&str] = &[
    "accept",
    "api-version",
    "content-encoding",
    "authorization",
    "proxy-authorization",
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "upgrade",
    "expect",
];

/// Options for one call. `Debug` shows header names, not their values (they may be
/// tokens).
#[derive(Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct RequestOptions {
    pub(crate) extra_body: Map<String, Value>,
    pub(crate) extra_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) total_timeout: Option<Duration>,
    /// The first invalid option, reported when the call starts (nothing is sent).
    pub(crate) invalid: Option<String>,
}

impl RequestOptions {
    /// No extras.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a body field the spec does not list (yet), e.g. Knot's `merchant_id`, or
    /// overrides one (e.g. an explicit `null`). Extra fields are validated too when the
    /// spec knows them. Only for a JSON object body: on an operation without a body, or
    /// with any other body, the call fails with [`crate::Error::Config`] and nothing is
    /// sent.
    pub fn extra_body(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.extra_body.insert(name.into(), value.into());
        self
    }

    /// Adds a request header (e.g. `Prefer` for a mock, a tracing id).
    ///
    /// A header the client also sets (`User-Agent`) is replaced, not duplicated; the same
    /// name given twice here is sent twice. The call fails with [`crate::Error::Config`],
    /// sending nothing, when the name or value is not a valid header, or the name is one
    /// the client owns: `Authorization`, `Proxy-Authorization`, `Host`, `Accept`,
    /// `api-version`, `Content-Length`, `Content-Type`, `Content-Encoding`,
    /// `Transfer-Encoding`, `Expect` and the hop-by-hop headers.
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        match checked_header(name.as_ref(), value.as_ref()) {
            Ok(pair) => self.extra_headers.push(pair),
            Err(message) => {
                self.invalid.get_or_insert(message);
            }
        }
        self
    }

    /// Retries for this call, instead of the client's policy (at most
    /// [`crate::MAX_RETRIES_CEILING`]; 0 turns retrying off for this call).
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = Some(retries);
        self
    }

    /// The deadline for this whole call (all attempts, delays and reading the body),
    /// instead of the client's [`crate::KnotClientBuilder::total_timeout`].
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Refuses invalid options before anything is sent.
    pub(crate) fn check(&self) -> Result<(), ConfigError> {
        if let Some(message) = &self.invalid {
            return Err(ConfigError::new(message.clone()));
        }
        if self.total_timeout.is_some_and(|t| t.is_zero()) {
            return Err(ConfigError::new(
                "RequestOptions::total_timeout must be longer than zero",
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for RequestOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.extra_headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("RequestOptions")
            .field(
                "extra_body_fields",
                &self.extra_body.keys().collect::<Vec<_>>(),
            )
            .field("extra_headers", &names)
            .field("max_retries", &self.max_retries)
            .field("total_timeout", &self.total_timeout)
            .field("invalid", &self.invalid)
            .finish()
    }
}

fn checked_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), String> {
    let shown = || Printable::text(name, &Redactions::default(), 80);
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        format!(
            "RequestOptions::header: `{}` is not a valid header name",
            shown()
        )
    })?;
    if RESERVED_HEADERS.contains(&name.as_str()) {
        return Err(format!(
            "RequestOptions::header: `{name}` is set by the client and cannot be set per call"
        ));
    }
    // The value is not quoted: it may be a token.
    let value = HeaderValue::from_str(value).map_err(|_| {
        format!("RequestOptions::header: the value for `{name}` is not a valid header value")
    })?;
    Ok((name, value))
}
