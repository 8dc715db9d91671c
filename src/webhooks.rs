//! Receiving Knot webhooks: check that a request comes from Knot, then read its event.
//!
//! Knot signs every webhook (its "Webhook verification" guide): the `Knot-Signature`
//! header holds `base64(HMAC-SHA256(secret, message))`, where `message` is
//!
//! ```text
//! Content-Length|<header>|Content-Type|<header>|Encryption-Type|<header>|event|<body.event>|session_id|<body.session_id>
//! ```
//!
//! and the `session_id` pair is left out when the body has none (`MERCHANT_STATUS_UPDATE`).
//! [`WebhookVerifier::verify`] rebuilds that message from the request's headers and raw
//! body, compares in constant time (RustCrypto `hmac`), and hands back the [`Webhook`].
//!
//! ```
//! use knot_api::webhooks::WebhookVerifier;
//!
//! # fn main() -> Result<(), knot_api::webhooks::WebhookError> {
//! let verifier = WebhookVerifier::new("your-knot-secret")?; // or ::from_client(&knot)
//! # let body = br#"{"event":"AUTHENTICATED","session_id":"s-1"}"#;
//! # let headers = verifier.sign(body)?; // what Knot would send
//! // In your handler: the request's headers and its body exactly as received.
//! let webhook = verifier.verify(&headers, body)?;
//! assert_eq!(webhook.event(), "AUTHENTICATED");
//! assert_eq!(webhook.session_id(), Some("s-1"));
//! # Ok(()) }
//! ```
//!
//! # Typed events
//!
//! [`Webhook::typed`] gives a [`WebhookEvent`], generated from the spec's 3.1 `webhooks`
//! section: one variant per declared event holding its payload type from
//! [`crate::types`], and `Unknown(serde_json::Value)` for any other event, so a new Knot
//! event never fails. The enum is `#[non_exhaustive]`; the spec this crate is built from
//! declares no webhooks yet, so today every event is `Unknown` (a spec that declares
//! them, e.g. through `KNOT_OPENAPI_SPEC`, gets the variants with no code change here).
//!
//! # Decisions
//!
//! - **Headers.** `Content-Length`, `Content-Type`, `Encryption-Type` and `Knot-Signature`
//!   are looked up case-insensitively ([`http::HeaderMap`]); the first value of each is
//!   used verbatim (no trimming beyond what HTTP parsing does). A missing one, including
//!   `Encryption-Type` (Knot's guide puts it in every signed message and does not say it
//!   can be absent), is [`WebhookError::MissingHeader`] naming it; a value that is not
//!   visible ASCII is [`WebhookError::InvalidHeader`].
//! - **`Encryption-Type`** must be `HMAC-SHA256`, the only scheme Knot documents; any
//!   other value is [`WebhookError::UnsupportedEncryptionType`] rather than a confusing
//!   mismatch.
//! - **`Content-Length`** must equal the length of the body you pass in
//!   ([`WebhookError::ContentLengthMismatch`]). Knot's signature covers only the headers,
//!   `event` and `session_id`, not the rest of the body; checking the length at least
//!   refuses a body that was cut or extended. Pass the body as it arrived on the wire
//!   (not decompressed, not re-serialized).
//! - **`event`** must be a JSON string in a JSON object body: absent or `null` is
//!   [`WebhookError::MissingEvent`], any other type [`WebhookError::NotAString`]. Knot's
//!   events are named by strings; guessing how a number would be written into the
//!   message would only turn a clear error into a signature mismatch.
//! - **`session_id`**: a string is signed; absent or `null` leaves the pair out (Knot's
//!   "webhooks without `session_id`"); any other type is [`WebhookError::NotAString`].
//! - **Order of checks**: headers, body (JSON, `event`, `session_id`), then the
//!   signature. The body is parsed before the signature is known to be good because the
//!   message needs `event` and `session_id`; nothing else is done with it until then.
//! - **Secrets**: the secret and the expected signature never appear in `Debug`,
//!   `Display` or errors; a malformed or wrong `Knot-Signature` is one
//!   [`WebhookError::SignatureMismatch`]. [`Webhook`]'s `Debug` leaves out the
//!   `session_id` and the payload (the session id is the session token
//!   [`crate::Session`] keeps out of logs).
//!
//! # Replays
//!
//! Knot's scheme has no timestamp or nonce: a captured webhook verifies again if it is
//! re-sent, today or next year. Make handlers idempotent, and drop repeats yourself, for
//! example by `event` + `session_id` for events Knot sends once per session
//! (`AUTHENTICATED`, ...), or by the body's content for those it may repeat:
//!
//! ```
//! use std::collections::HashSet;
//! use std::sync::Mutex;
//! use knot_api::webhooks::Webhook;
//!
//! /// Returns false for a webhook already handled (keep this in your database in
//! /// production, with an expiry).
//! fn first_time(seen: &Mutex<HashSet<(String, String)>>, webhook: &Webhook) -> bool {
//!     let key = match webhook.session_id() {
//!         Some(session) => session.to_owned(),
//!         None => webhook.payload().to_string(), // e.g. MERCHANT_STATUS_UPDATE
//!     };
//!     seen.lock().unwrap().insert((webhook.event().to_owned(), key))
//! }
//! ```

use std::fmt;

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use http::{HeaderMap, HeaderValue};
use serde_json::Value;
use sha2::Sha256;

use crate::{Credentials, KnotClient};

/// The event enum generated from the spec's `webhooks` section
/// (`OUT_DIR/knot_webhooks.rs`; only `Unknown` when the spec has none).
#[allow(clippy::all)]
mod events {
    include!(concat!(env!("OUT_DIR"), "/knot_webhooks.rs"));
}
pub use events::WebhookEvent;

/// The header carrying Knot's signature.
pub const SIGNATURE_HEADER: &str = "Knot-Signature";
/// The header naming the signature scheme.
pub const ENCRYPTION_TYPE_HEADER: &str = "Encryption-Type";
/// The only scheme Knot documents.
pub const ENCRYPTION_TYPE: &str = "HMAC-SHA256";

const CONTENT_LENGTH: &str = "Content-Length";
const CONTENT_TYPE: &str = "Content-Type";

/// Checks Knot's webhook signatures with your Knot secret.
///
/// Cheap to clone; `Debug` shows no secret.
#[derive(Clone)]
pub struct WebhookVerifier {
    secret: Box<[u8]>,
}

impl fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("secret", &"[redacted]")
            .finish()
    }
}

impl WebhookVerifier {
    /// A verifier for this secret (the Knot API secret, as in the dashboard).
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self, WebhookError> {
        let secret = secret.as_ref();
        if secret.iter().all(u8::is_ascii_whitespace) {
            return Err(WebhookError::EmptySecret);
        }
        Ok(Self {
            secret: secret.into(),
        })
    }

    /// A verifier for the secret of these credentials.
    pub fn from_credentials(credentials: &Credentials) -> Result<Self, WebhookError> {
        Self::new(credentials.expose_secret())
    }

    /// A verifier for the secret the client authenticates with.
    pub fn from_client(client: &KnotClient) -> Result<Self, WebhookError> {
        let credentials = client.credentials().ok_or(WebhookError::NoCredentials)?;
        Self::from_credentials(credentials)
    }

    /// Verifies a webhook request: its headers and its raw body, exactly as received.
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<Webhook, WebhookError> {
        let signature = header(headers, SIGNATURE_HEADER)?;
        let content_length = header(headers, CONTENT_LENGTH)?;
        let content_type = header(headers, CONTENT_TYPE)?;
        let encryption_type = header(headers, ENCRYPTION_TYPE_HEADER)?;
        if encryption_type != ENCRYPTION_TYPE {
            return Err(WebhookError::UnsupportedEncryptionType);
        }
        let declared: u64 = content_length
            .parse()
            .map_err(|_| WebhookError::InvalidHeader(CONTENT_LENGTH))?;
        if declared != body.len() as u64 {
            return Err(WebhookError::ContentLengthMismatch {
                header: declared,
                body: body.len(),
            });
        }
        let webhook = Webhook::parse(body)?;
        let message = message(
            content_length,
            content_type,
            encryption_type,
            &webhook.event,
            webhook.session_id.as_deref(),
        );
        let claimed = base64::engine::general_purpose::STANDARD
            .decode(signature)
            .map_err(|_| WebhookError::SignatureMismatch)?;
        self.mac(&message)
            .verify_slice(&claimed)
            .map_err(|_| WebhookError::SignatureMismatch)?;
        Ok(webhook)
    }

    /// The headers Knot would send with `body` (a JSON object with an `event`):
    /// `Content-Type: application/json`, `Content-Length`, `Encryption-Type` and
    /// `Knot-Signature` (marked sensitive). For testing your own handlers; the mock
    /// (`MockKnot::deliver_webhook`, feature `mock`) sends them for you.
    pub fn sign(&self, body: &[u8]) -> Result<HeaderMap, WebhookError> {
        let webhook = Webhook::parse(body)?;
        let content_length = body.len().to_string();
        let message = message(
            &content_length,
            "application/json",
            ENCRYPTION_TYPE,
            &webhook.event,
            webhook.session_id.as_deref(),
        );
        let tag = self.mac(&message).finalize().into_bytes();
        let mut signature =
            HeaderValue::from_str(&base64::engine::general_purpose::STANDARD.encode(tag))
                .expect("base64 is a valid header value");
        signature.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(
            http::header::CONTENT_LENGTH,
            HeaderValue::from(body.len() as u64),
        );
        headers.insert(
            ENCRYPTION_TYPE_HEADER,
            HeaderValue::from_static(ENCRYPTION_TYPE),
        );
        headers.insert(SIGNATURE_HEADER, signature);
        Ok(headers)
    }

    fn mac(&self, message: &str) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(message.as_bytes());
        mac
    }
}

/// The signed message of Knot's guide.
fn message(
    content_length: &str,
    content_type: &str,
    encryption_type: &str,
    event: &str,
    session_id: Option<&str>,
) -> String {
    let mut message = format!(
        "Content-Length|{content_length}|Content-Type|{content_type}|Encryption-Type|{encryption_type}|event|{event}"
    );
    if let Some(session_id) = session_id {
        message.push_str("|session_id|");
        message.push_str(session_id);
    }
    message
}

fn header<'h>(headers: &'h HeaderMap, name: &'static str) -> Result<&'h str, WebhookError> {
    headers
        .get(name)
        .ok_or(WebhookError::MissingHeader(name))?
        .to_str()
        .map_err(|_| WebhookError::InvalidHeader(name))
}

/// A verified webhook: its event name, session id and the whole JSON body.
#[derive(Clone, PartialEq)]
pub struct Webhook {
    event: String,
    session_id: Option<String>,
    payload: Value,
}

impl Webhook {
    fn parse(body: &[u8]) -> Result<Self, WebhookError> {
        let payload: Value =
            serde_json::from_slice(body).map_err(|e| WebhookError::BodyNotJson {
                line: e.line(),
                column: e.column(),
            })?;
        let Value::Object(fields) = &payload else {
            return Err(WebhookError::BodyNotObject);
        };
        let event = match fields.get("event") {
            None | Some(Value::Null) => return Err(WebhookError::MissingEvent),
            Some(Value::String(event)) => event.clone(),
            Some(_) => return Err(WebhookError::NotAString("event")),
        };
        let session_id = match fields.get("session_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(session)) => Some(session.clone()),
            Some(_) => return Err(WebhookError::NotAString("session_id")),
        };
        Ok(Self {
            event,
            session_id,
            payload,
        })
    }

    /// The `event` field, e.g. `AUTHENTICATED`.
    pub fn event(&self) -> &str {
        &self.event
    }

    /// The `session_id` field, when the event has one. It is the session token: do not
    /// log it.
    pub fn session_id(&self) -> Option<&str> {
        self.session_id.as_deref()
    }

    /// The whole body as JSON.
    pub fn payload(&self) -> &Value {
        &self.payload
    }

    /// The whole body as JSON, owned.
    pub fn into_payload(self) -> Value {
        self.payload
    }

    /// The payload as a [`WebhookEvent`]: typed when the spec declares the event, raw
    /// JSON ([`WebhookEvent::Unknown`]) otherwise. An error means a declared event's
    /// payload does not fit its type (the signature was good; [`Self::payload`] still
    /// has it all).
    pub fn typed(&self) -> Result<WebhookEvent, serde_json::Error> {
        WebhookEvent::from_payload(self.payload.clone())
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields = self.payload.as_object().map_or(0, |o| o.len());
        f.debug_struct("Webhook")
            .field("event", &self.event)
            .field(
                "session_id",
                &self.session_id.as_ref().map(|_| "[redacted]"),
            )
            .field("payload", &format_args!("{{{fields} field(s)}}"))
            .finish()
    }
}

/// Why a webhook was refused, or a verifier could not be made. Names the check that
/// failed; never carries the secret, the expected signature or body text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookError {
    /// The secret is empty or blank.
    EmptySecret,
    /// The client has no credentials to take the secret from.
    NoCredentials,
    /// A header the signature needs is absent.
    MissingHeader(&'static str),
    /// A header is not visible ASCII, or `Content-Length` is not a number.
    InvalidHeader(&'static str),
    /// `Encryption-Type` is not `HMAC-SHA256`.
    UnsupportedEncryptionType,
    /// `Content-Length` differs from the length of the body given.
    ContentLengthMismatch {
        /// The header's value.
        header: u64,
        /// The body's length in bytes.
        body: usize,
    },
    /// The body is not JSON.
    BodyNotJson {
        /// Where parsing stopped (1-based).
        line: usize,
        /// Where parsing stopped (1-based).
        column: usize,
    },
    /// The body is JSON but not an object.
    BodyNotObject,
    /// The body has no `event` (or it is `null`).
    MissingEvent,
    /// `event` or `session_id` is not a string.
    NotAString(&'static str),
    /// `Knot-Signature` does not match (wrong secret, altered event, session id or
    /// headers, or a malformed signature).
    SignatureMismatch,
}

impl fmt::Display for WebhookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySecret => f.write_str("the Knot webhook secret is empty"),
            Self::NoCredentials => {
                f.write_str("the client has no credentials to take the Knot webhook secret from")
            }
            Self::MissingHeader(name) => write!(f, "webhook refused: no `{name}` header"),
            Self::InvalidHeader(name) => write!(f, "webhook refused: invalid `{name}` header"),
            Self::UnsupportedEncryptionType => write!(
                f,
                "webhook refused: `{ENCRYPTION_TYPE_HEADER}` is not `{ENCRYPTION_TYPE}`"
            ),
            Self::ContentLengthMismatch { header, body } => write!(
                f,
                "webhook refused: `Content-Length` says {header} bytes, the body has {body}"
            ),
            Self::BodyNotJson { line, column } => write!(
                f,
                "webhook refused: the body is not JSON (line {line}, column {column})"
            ),
            Self::BodyNotObject => f.write_str("webhook refused: the body is not a JSON object"),
            Self::MissingEvent => f.write_str("webhook refused: the body has no `event`"),
            Self::NotAString(field) => {
                write!(f, "webhook refused: `{field}` in the body is not a string")
            }
            Self::SignatureMismatch => {
                write!(f, "webhook refused: `{SIGNATURE_HEADER}` does not match")
            }
        }
    }
}

impl std::error::Error for WebhookError {}
