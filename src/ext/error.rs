//! The one error type callers match on.
//!
//! | variant | when | what is kept |
//! |---|---|---|
//! | [`Error::Validation`] | refused before sending | Knot's 400 shape |
//! | [`Error::Api`] | Knot answered with its error shape | status, type, code, message (unknown codes as strings), raw body |
//! | [`Error::Server`] | a non-success answer that is not Knot-shaped (the 500 `{"message": ...}`, a proxy page) | status, raw body |
//! | [`Error::Transport`] | no answer: connect failure, timeout | the `reqwest` error |
//! | [`Error::Decode`] | a success answer that does not decode | status, raw body |
//! | [`Error::Config`] | the client cannot be built | what is wrong |
//!
//! `Display` is one line and never contains the secret, the `Authorization` header or a
//! session token (a success body is summarised with its string values redacted).

use std::fmt;

use bytes::Bytes;
use reqwest::StatusCode;
use serde_json::Value;

pub use super::validation::ValidationError;

/// Everything that can go wrong talking to Knot.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The request broke a rule and was not sent.
    Validation(ValidationError),
    /// Knot refused the request with its error body.
    Api(ApiError),
    /// A non-success response whose body is not Knot's error shape.
    Server(ServerError),
    /// The request got no response (connection failure, timeout).
    Transport(TransportError),
    /// A success response that could not be decoded.
    Decode(DecodeError),
    /// The client is misconfigured.
    Config(ConfigError),
}

impl Error {
    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Server(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }

    /// True for refusals before anything was sent.
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::Validation(_))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Validation(e) => e.fmt(f),
            Error::Api(e) => e.fmt(f),
            Error::Server(e) => e.fmt(f),
            Error::Transport(e) => e.fmt(f),
            Error::Decode(e) => e.fmt(f),
            Error::Config(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(&e.source),
            _ => None,
        }
    }
}

impl From<ValidationError> for Error {
    fn from(e: ValidationError) -> Self {
        Error::Validation(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

/// Knot's error body: `error_type`, `error_code`, `error_message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    status: u16,
    error_type: String,
    error_code: String,
    error_message: String,
    body: Bytes,
}

impl ApiError {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// `error_type` as sent (empty when absent), e.g. `INVALID_REQUEST`.
    pub fn error_type(&self) -> &str {
        &self.error_type
    }
    /// `error_code` as sent, including codes newer than this crate.
    pub fn error_code(&self) -> &str {
        &self.error_code
    }
    /// `error_message` as sent.
    pub fn error_message(&self) -> &str {
        &self.error_message
    }
    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The body decoded into any type, e.g. the generated `types::Error`.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Knot API error (HTTP {} {}/{}): {}",
            self.status, self.error_type, self.error_code, self.error_message
        )
    }
}

/// A non-success response whose body is not Knot's error shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    status: u16,
    body: Bytes,
}

impl ServerError {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
    /// The `message` of a JSON body such as Knot's 500 `{"message": "Server Error"}`.
    pub fn message(&self) -> Option<String> {
        let value: Value = serde_json::from_slice(&self.body).ok()?;
        value.get("message")?.as_str().map(str::to_owned)
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => write!(f, "Knot returned HTTP {}: {message}", self.status),
            None => write!(
                f,
                "Knot returned HTTP {} with a {}-byte body that is not a Knot error: {}",
                self.status,
                self.body.len(),
                snippet(&self.body, false)
            ),
        }
    }
}

/// No response: the connection failed or timed out.
#[derive(Debug)]
pub struct TransportError {
    source: reqwest::Error,
}

impl TransportError {
    /// True when a timeout (connect or total) expired.
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
        let url = self
            .source
            .url()
            .map(|u| format!(" to {}{}", u.origin().ascii_serialization(), u.path()))
            .unwrap_or_default();
        write!(f, "request{url} {what}: {}", root_cause(&self.source))
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
    status: u16,
    body: Bytes,
    reason: String,
}

impl DecodeError {
    /// HTTP status.
    pub fn status(&self) -> u16 {
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
            .field("status", &self.status)
            .field("body", &snippet(&self.body, true))
            .field("reason", &self.reason)
            .finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode Knot's HTTP {} response ({}); body: {}",
            self.status,
            self.reason,
            snippet(&self.body, true)
        )
    }
}

/// The client cannot be built as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        write!(f, "invalid Knot client configuration: {}", self.message)
    }
}

const SNIPPET_CHARS: usize = 200;

/// A short, single-line view of a body. With `redact`, JSON string values are replaced
/// by `"…"` so tokens cannot leak; non-JSON bodies are then shown only by length.
fn snippet(body: &[u8], redact: bool) -> String {
    if redact {
        return match serde_json::from_slice::<Value>(body) {
            Ok(mut value) => {
                redact_strings(&mut value);
                truncate(&value.to_string())
            }
            Err(_) => format!("<{} bytes, not JSON>", body.len()),
        };
    }
    let text = String::from_utf8_lossy(body);
    truncate(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn truncate(text: &str) -> String {
    if text.chars().count() <= SNIPPET_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(SNIPPET_CHARS).collect();
    format!("{cut}…")
}

fn redact_strings(value: &mut Value) {
    match value {
        Value::String(s) => *s = "…".into(),
        Value::Array(items) => items.iter_mut().for_each(redact_strings),
        Value::Object(map) => map.values_mut().for_each(redact_strings),
        _ => {}
    }
}

/// Classifies a non-success response body.
pub(crate) fn from_error_response(status: StatusCode, body: Bytes) -> Error {
    let status = status.as_u16();
    if let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(&body) {
        let field = |k: &str| map.get(k).and_then(Value::as_str).map(str::to_owned);
        let (t, c, m) = (
            field("error_type"),
            field("error_code"),
            field("error_message"),
        );
        if t.is_some() || c.is_some() || m.is_some() {
            return Error::Api(ApiError {
                status,
                error_type: t.unwrap_or_default(),
                error_code: c.unwrap_or_default(),
                error_message: m.unwrap_or_default(),
                body,
            });
        }
    }
    Error::Server(ServerError { status, body })
}

pub(crate) fn decode_error(status: StatusCode, body: Bytes, error: &serde_json::Error) -> Error {
    let category = match error.classify() {
        serde_json::error::Category::Io => "I/O error",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "JSON of an unexpected shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    Error::Decode(DecodeError {
        status: status.as_u16(),
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
        status: status.as_u16(),
        body,
        reason: what.to_owned(),
    })
}

pub(crate) fn transport(source: reqwest::Error) -> Error {
    Error::Transport(TransportError { source })
}

/// Turns any error of a generated operation into [`Error`], reading the body of an
/// unexpected response so nothing is lost. `status` is the final status seen by the
/// hooks (progenitor's payload errors do not carry it).
pub(crate) async fn from_progenitor<E: serde::Serialize>(
    error: progenitor_client::Error<E>,
    status: Option<StatusCode>,
) -> Error {
    use progenitor_client::Error as P;
    match error {
        P::Custom(text) => match ValidationError::from_wire(&text) {
            Some(v) => Error::Validation(v),
            None => Error::Config(ConfigError::new(text)),
        },
        P::InvalidRequest(text) => Error::Validation(ValidationError::from_builder(&text)),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => transport(e),
        // knot-codegen generates no typed error responses (see its adapt module); should
        // a generator setting bring them back, the decoded body is classified like any.
        P::ErrorResponse(rv) => {
            let status = rv.status();
            let body = serde_json::to_vec(rv.as_ref()).unwrap_or_default();
            from_error_response(status, Bytes::from(body))
        }
        P::InvalidResponsePayload(body, e) => {
            decode_error(status.unwrap_or(StatusCode::OK), body, &e)
        }
        P::UnexpectedResponse(response) => {
            let status = response.status();
            match response.bytes().await {
                Ok(body) if status.is_success() => decode_failure(
                    status,
                    body,
                    "a status the spec does not list for this operation",
                ),
                Ok(body) => from_error_response(status, body),
                Err(e) => transport(e),
            }
        }
    }
}
