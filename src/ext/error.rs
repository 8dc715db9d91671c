//! The one error type callers match on.
//!
//! | variant | when | what is kept |
//! |---|---|---|
//! | [`Error::Validation`] | refused before sending | Knot's 400 shape |
//! | [`Error::Api`] | Knot answered with its error shape | status, type, code, message (unknown codes as strings), raw body |
//! | [`Error::Server`] | a non-success answer that is not Knot-shaped (the 500 `{"message": ...}`, a proxy page) | status, raw body |
//! | [`Error::Transport`] | no answer: connect failure, timeout | the `reqwest` error |
//! | [`Error::Decode`] | a success answer that does not decode | status, raw body |
//! | [`Error::Redirect`] | a 3xx answer (never followed) | status, `Location` |
//! | [`Error::BodyTooLarge`] | a body over the client's limit (stopped while reading) | status, limit, what was read up to it (error answers) |
//! | [`Error::Config`] | the client or the call is misconfigured (a caller's HTTP client that followed a redirect to another origin included) | what is wrong, naming the setting |
//!
//! `Display` is one bounded line (see the private `printable` module): server text is escaped and
//! cut to a few hundred characters, and never contains the secret, the `Authorization`
//! header or a session token, even when a server echoes them (a success body is
//! summarised with its string values redacted). `Debug` shows the same, plus lengths.
//! The raw bodies stay available through the accessors.

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::Value;

use super::limits::{self, BodyLimits};
use super::printable::{MAX_QUOTED_CHARS, Printable, Redactions};
pub use super::validation::ValidationError;

/// Everything that can go wrong talking to Knot. A transparent wrapper: its `Display`
/// is the payload's, and its `source` the payload's source, so each cause prints once
/// along the chain.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a rule and was not sent.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// Knot refused the request with its error body.
    #[error(transparent)]
    Api(ApiError),
    /// A non-success response whose body is not Knot's error shape.
    #[error(transparent)]
    Server(ServerError),
    /// The request got no response (connection failure, timeout).
    #[error(transparent)]
    Transport(TransportError),
    /// A success response that could not be decoded.
    #[error(transparent)]
    Decode(DecodeError),
    /// A redirect: never followed.
    #[error(transparent)]
    Redirect(RedirectError),
    /// A response body larger than the client's limit.
    #[error(transparent)]
    BodyTooLarge(BodyTooLargeError),
    /// The client or the call is misconfigured.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Server(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            Error::BodyTooLarge(e) => Some(e.status),
            _ => None,
        }
    }

    /// True for refusals before anything was sent.
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation(_))
    }

    /// True when a timeout expired: connecting, an attempt, or the call's deadline.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }

    /// True when this crate would retry the same call: a connection failure, or a 408,
    /// 429, 500, 502, 503 or 504 answer (retries were already made per the policy). A
    /// timeout after the request was sent is not: Knot may have acted on it. To decide
    /// whether to ask a user to try again later, use [`Error::is_temporary`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(e) => e.is_connect(),
            _ => self
                .status()
                .is_some_and(|s| matches!(s.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)),
        }
    }
}

impl Error {
    /// What kind of failure this is (see [`ErrorKind`] for which errors are which).
    pub fn kind(&self) -> ErrorKind {
        let by_status = |status: StatusCode| match status.as_u16() {
            400 | 422 => ErrorKind::InvalidRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            408 | 429 | 500..=599 => ErrorKind::Temporary,
            _ => ErrorKind::Unexpected,
        };
        match self {
            Error::Validation(_) => ErrorKind::InvalidRequest,
            Error::Api(e) => by_status(e.status),
            Error::Server(e) => by_status(e.status),
            Error::Transport(_) => ErrorKind::Temporary,
            Error::Config(_) => ErrorKind::Config,
            Error::Decode(_) | Error::Redirect(_) | Error::BodyTooLarge(_) => ErrorKind::Unexpected,
        }
    }

    /// True when asking the user to try again later is the answer: no answer at all
    /// (connection failure, timeout, including one after the request was sent), or a
    /// 408, 429 or 5xx. One predicate for "try later" ([`Error::is_retryable`] leaves
    /// out timeouts, which this crate does not retry by itself).
    pub fn is_temporary(&self) -> bool {
        self.kind() == ErrorKind::Temporary
    }

    /// A short message fit to show an end user: Knot's own words where it gave some (a
    /// validation error, Knot's `error_message`), otherwise a sentence for the
    /// [`kind`](Self::kind). One line, escaped, at most 200 characters, never holding the
    /// secret or a session token.
    pub fn user_message(&self) -> String {
        match self {
            Error::Validation(e) => Printable::text(
                e.error_message(),
                &Redactions::default(),
                USER_MESSAGE_CHARS,
            ),
            Error::Api(e) if !e.parts.user_message.is_empty() => e.parts.user_message.to_string(),
            _ => match self.kind() {
                ErrorKind::InvalidRequest => "The request was not accepted.",
                ErrorKind::Unauthorized => "The service could not sign in to Knot.",
                ErrorKind::Forbidden => "This is not enabled for the account.",
                ErrorKind::NotFound => "Knot does not know what was asked for.",
                ErrorKind::Temporary => "Knot cannot be reached right now; please try again later.",
                ErrorKind::Config => "The service is not set up to reach Knot.",
                _ => "Something went wrong talking to Knot.",
            }
            .to_owned(),
        }
    }
}

/// How long [`Error::user_message`] may be, in characters.
const USER_MESSAGE_CHARS: usize = 200;

/// The kinds of failure, for deciding what to do or what to tell a user. Knot's own
/// `error_type` does not answer "whose fault": its 403 `NO_ACCESS` comes with
/// `INVALID_REQUEST`, so the kind follows the HTTP status.
///
/// | kind | errors |
/// |---|---|
/// | `InvalidRequest` | [`Error::Validation`] (nothing sent), or Knot's 400 / 422 |
/// | `Unauthorized` | 401: Knot refused the credentials |
/// | `Forbidden` | 403: the account may not do this (e.g. `NO_ACCESS`, a product not enabled) |
/// | `NotFound` | 404 |
/// | `Temporary` | no answer (connection failure, timeout), 408, 429, 5xx |
/// | `Config` | [`Error::Config`] |
/// | `Unexpected` | an answer this crate could not use: undecodable, a redirect, too large, any other status |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request was wrong.
    InvalidRequest,
    /// The credentials were refused.
    Unauthorized,
    /// Not allowed for this account.
    Forbidden,
    /// What was asked for does not exist.
    NotFound,
    /// Worth trying again later.
    Temporary,
    /// The client or the call is misconfigured.
    Config,
    /// An answer this crate could not use.
    Unexpected,
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Knot's error body: `error_type`, `error_code`, `error_message`.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", parts.shown)]
pub struct ApiError {
    status: StatusCode,
    // Boxed to keep `Error` small on the happy path's `Result`.
    parts: Box<ApiParts>,
}

#[derive(Clone, PartialEq, Eq)]
struct ApiParts {
    error_type: String,
    error_code: String,
    error_message: String,
    body: Bytes,
    /// `Display`, made once with the client's redactions.
    shown: Box<str>,
    /// `error_message` fit to show a user: escaped, cut, redacted.
    user_message: Box<str>,
}

impl ApiError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// `error_type` as sent (empty when absent), e.g. `INVALID_REQUEST`.
    pub fn error_type(&self) -> &str {
        &self.parts.error_type
    }
    /// `error_code` as sent, including codes newer than this crate.
    pub fn error_code(&self) -> &str {
        &self.parts.error_code
    }
    /// `error_message` as sent (unescaped, uncut: print it through `Display`).
    pub fn error_message(&self) -> &str {
        &self.parts.error_message
    }
    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.parts.body
    }
    /// `error_code` as a typed value: any type made from a string, such as the
    /// generated open enum, where a code newer than this crate is its `Unknown` variant.
    ///
    /// ```
    /// # fn show(api: &knot_api::ApiError) {
    /// use knot_api::types::ErrorErrorCode;
    /// match api.code::<ErrorErrorCode>() {
    ///     ErrorErrorCode::InvalidApiKeys => eprintln!("check KNOT_CLIENT_ID/KNOT_SECRET"),
    ///     other => eprintln!("Knot refused: {other}"),
    /// }
    /// # }
    /// ```
    pub fn code<C: for<'s> From<&'s str>>(&self) -> C {
        C::from(self.parts.error_code.as_str())
    }
    /// The body decoded into any type, e.g. the generated `types::ErrorBody`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.parts.body)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("shown", &self.parts.shown)
            .field("body_len", &self.parts.body.len())
            .finish()
    }
}

/// A non-success response whose body is not Knot's error shape.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{shown}")]
pub struct ServerError {
    status: StatusCode,
    body: Bytes,
    shown: Box<str>,
}

impl ServerError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The `message` of a JSON body such as Knot's 500 `{"message": "Server Error"}`.
    pub fn message(&self) -> Option<String> {
        message_of(&self.body)
    }
}

fn message_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    value.get("message")?.as_str().map(str::to_owned)
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerError")
            .field("shown", &self.shown)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// No response: the connection failed or timed out.
#[derive(Debug)]
pub struct TransportError {
    source: reqwest::Error,
}

impl TransportError {
    /// True when a timeout (connect, attempt or the call's deadline) expired.
    pub fn is_timeout(&self) -> bool {
        self.source.is_timeout()
    }
    /// True when no connection could be made.
    pub fn is_connect(&self) -> bool {
        self.source.is_connect()
    }
    /// The underlying `reqwest` error.
    pub fn reqwest(&self) -> &reqwest::Error {
        &self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.source.is_timeout() {
            "timed out"
        } else if self.source.is_connect() {
            "could not connect"
        } else {
            "failed"
        };
        let url = match self.source.url() {
            Some(u) => format!(
                " to {}",
                Printable::url(
                    &format!("{}{}", u.origin().ascii_serialization(), u.path()),
                    &Redactions::default()
                )
            ),
            None => String::new(),
        };
        // The cause is this error's `source`, not repeated here; `f.alternate()`
        // (`{:#}`) appends the root cause for one-line reports.
        if f.alternate() {
            let cause = Printable::text(
                &root_cause(&self.source),
                &Redactions::default(),
                MAX_QUOTED_CHARS,
            );
            write!(f, "request{url} {what}: {cause}")
        } else {
            write!(f, "request{url} {what}")
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn root_cause(error: &dyn std::error::Error) -> String {
    let mut current = error;
    while let Some(next) = current.source() {
        current = next;
    }
    current.to_string()
}

/// A success response that does not decode. The body is kept whole; `Debug` and
/// `Display` show it with string values redacted (a success body may hold a session token).
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    status: StatusCode,
    body: Bytes,
    reason: String,
}

impl DecodeError {
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The raw body. It may contain a session token: do not log it.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// Why decoding failed (without quoting the body's values).
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("status", &self.status.as_u16())
            .field("body", &redacted_snippet(&self.body))
            .field("reason", &self.reason)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode Knot's HTTP {} response ({}); body: {}",
            self.status.as_u16(),
            Printable::text(&self.reason, &Redactions::default(), MAX_QUOTED_CHARS),
            redacted_snippet(&self.body)
        )
    }
}

impl std::error::Error for DecodeError {}

/// A redirect, never followed: the request and its credentials stay with the configured
/// base URL, and a session cannot come from elsewhere.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{shown}")]
pub struct RedirectError {
    status: StatusCode,
    location: Option<String>,
    shown: Box<str>,
}

impl RedirectError {
    pub(crate) fn new(
        status: StatusCode,
        location: Option<String>,
        redactions: &Redactions,
    ) -> Self {
        let target = match &location {
            Some(location) => format!(" to {}", Printable::url(location, redactions)),
            None => String::new(),
        };
        let shown = format!(
            "Knot answered HTTP {} (a redirection{target}); redirects are not followed, so \
             the request and credentials stay with the configured base URL",
            status.as_u16()
        );
        Self {
            status,
            location,
            shown: shown.into(),
        }
    }

    /// HTTP status (3xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The `Location` header as sent, when there was one.
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Debug for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectError")
            .field("shown", &self.shown)
            .finish()
    }
}

/// A response body that exceeded the client's limit; reading stopped there.
#[derive(Clone, PartialEq, Eq)]
pub struct BodyTooLargeError {
    status: StatusCode,
    limit: usize,
    partial: Bytes,
}

impl BodyTooLargeError {
    pub(crate) fn new(status: StatusCode, limit: usize, partial: Bytes) -> Self {
        Self {
            status,
            limit,
            partial,
        }
    }
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// The limit that was exceeded, in bytes.
    pub fn limit(&self) -> usize {
        self.limit
    }
    /// The body as read up to the limit. A success body may hold a session token: do
    /// not log it.
    pub fn partial_body(&self) -> &[u8] {
        &self.partial
    }
}

impl fmt::Display for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Knot's HTTP {} response body is larger than the {}-byte limit; reading stopped \
             there (the limit is set with KnotClientBuilder::max_body_size / max_error_body_size)",
            self.status.as_u16(),
            self.limit
        )
    }
}

impl fmt::Debug for BodyTooLargeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyTooLargeError")
            .field("status", &self.status.as_u16())
            .field("limit", &self.limit)
            .field("partial_len", &self.partial.len())
            .finish()
    }
}

impl std::error::Error for BodyTooLargeError {}

/// The client cannot be built as configured, or a call's options are invalid.
#[derive(Clone, PartialEq, Eq)]
pub struct ConfigError {
    message: String,
}

impl ConfigError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
    /// What is wrong.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid Knot client configuration: {}",
            Printable::text(&self.message, &Redactions::default(), MAX_QUOTED_CHARS)
        )
    }
}

impl fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigError")
            .field(
                "message",
                &Printable::text(&self.message, &Redactions::default(), MAX_QUOTED_CHARS),
            )
            .finish()
    }
}

impl std::error::Error for ConfigError {}

/// A success body for printing: JSON with every string value replaced by `"…"` (tokens
/// cannot leak), or only its length when it is not JSON.
fn redacted_snippet(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            redact_strings(&mut value);
            Printable::text(&value.to_string(), &Redactions::default(), MAX_QUOTED_CHARS)
        }
        Err(_) => format!("<{} bytes, not JSON>", body.len()),
    }
}

fn redact_strings(value: &mut Value) {
    // serde_json refuses nesting deeper than 128 levels, so this recursion is bounded.
    match value {
        Value::String(s) => *s = "…".into(),
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}

/// Classifies a non-success response body. `redactions` are the client's secrets, kept
/// out of what the error prints.
pub(crate) fn from_error_response(
    status: StatusCode,
    body: Bytes,
    redactions: &Redactions,
) -> Error {
    let code = status.as_u16();
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) {
        let field = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
        let (t, c, m) = (
            field("error_type"),
            field("error_code"),
            field("error_message"),
        );
        if t.is_some() || c.is_some() || m.is_some() {
            let (t, c, m) = (
                t.unwrap_or_default(),
                c.unwrap_or_default(),
                m.unwrap_or_default(),
            );
            let short = |s: &str| Printable::text(s, redactions, 80);
            let shown = format!(
                "Knot API error (HTTP {code} {}/{}): {}",
                short(&t),
                short(&c),
                Printable::text(&m, redactions, MAX_QUOTED_CHARS)
            );
            let user_message = Printable::text(&m, redactions, USER_MESSAGE_CHARS).into();
            return Error::Api(ApiError {
                status,
                parts: Box::new(ApiParts {
                    error_type: t,
                    error_code: c,
                    error_message: m,
                    body,
                    shown: shown.into(),
                    user_message,
                }),
            });
        }
    }
    let shown = match message_of(&body) {
        Some(message) => format!(
            "Knot returned HTTP {code}: {}",
            Printable::text(&message, redactions, MAX_QUOTED_CHARS)
        ),
        None => {
            // JSON is shown re-encoded, so `\u`-escaped text is unescaped before the
            // secrets are looked for.
            let text = match serde_json::from_slice::<Value>(&body) {
                Ok(value) => Printable::text(&value.to_string(), redactions, MAX_QUOTED_CHARS),
                Err(_) => Printable::bytes(&body, redactions, MAX_QUOTED_CHARS),
            };
            format!(
                "Knot returned HTTP {code} with a {}-byte body that is not a Knot error: {text}",
                body.len(),
            )
        }
    };
    Error::Server(ServerError {
        status,
        body,
        shown: shown.into(),
    })
}

pub(crate) fn decode_error(status: StatusCode, body: Bytes, error: &serde_json::Error) -> Error {
    let category = match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "JSON of an unexpected shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    Error::Decode(DecodeError {
        status,
        body,
        reason: format!(
            "{category} at line {} column {}",
            error.line(),
            error.column()
        ),
    })
}

/// A success response that cannot be used: `reason` says why (no `session`, a status
/// the spec does not list).
pub(crate) fn decode_failure(status: StatusCode, body: Bytes, what: &str) -> Error {
    Error::Decode(DecodeError {
        status,
        body,
        reason: what.to_owned(),
    })
}

/// A request that got no (usable) answer.
pub(crate) fn transport(source: reqwest::Error) -> Error {
    Error::Transport(TransportError { source })
}

/// progenitor's error for a call as this crate's. `success` is the status the operation
/// documents (the one progenitor decodes); `limits` and `redactions` the client's.
pub(crate) async fn from_progenitor(
    error: progenitor_client::Error<()>,
    success: StatusCode,
    limits: BodyLimits,
    redactions: &Redactions,
) -> Error {
    use progenitor_client::Error as P;
    match error {
        // Only the hooks make these, and only for a configuration the call cannot use
        // (an extra body on a body that is not a JSON object, a caller's HTTP client that
        // followed a redirect); the text is shown, never parsed.
        P::Custom(text) => Error::Config(ConfigError::new(text)),
        // The operation builders check every part first; this is a backstop.
        P::InvalidRequest(text) => Error::Config(ConfigError::new(text)),
        P::ResponseBodyError(e) if limits::exceeded(&e) => Error::BodyTooLarge(
            BodyTooLargeError::new(success, limits.success, Bytes::new()),
        ),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => transport(e),
        // knot-codegen generates no typed error responses; an answer of that kind would
        // be classified like any other.
        P::ErrorResponse(rv) => {
            let status = rv.status();
            from_error_response(status, Bytes::new(), redactions)
        }
        P::InvalidResponsePayload(body, e) => decode_error(success, body, &e),
        P::UnexpectedResponse(response) => {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                return Error::Redirect(RedirectError::new(status, location, redactions));
            }
            let limit = limits.for_status(status);
            match limits::read(response, limit).await {
                limits::Read::Whole(body) if status.is_success() => decode_failure(
                    status,
                    body,
                    "a status the spec does not list for this operation",
                ),
                limits::Read::Whole(body) => from_error_response(status, body, redactions),
                limits::Read::TooLarge(partial) => {
                    Error::BodyTooLarge(BodyTooLargeError::new(status, limit, partial))
                }
                limits::Read::Failed(e) => transport(e),
            }
        }
    }
}
