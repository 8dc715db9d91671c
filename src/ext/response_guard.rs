//! What a response must satisfy before anything reads it: bounded, and from the
//! configured origin.
//!
//! Every byte from the network is treated as hostile. An attempt's response passes
//! through `accept`, which
//!
//! - refuses a 3xx (redirects are never followed: a 307/308 would re-send the body, a
//!   301/302/303 would turn a session request into a GET elsewhere), and a response whose
//!   final URL has another origin than the request (only possible with a caller-supplied
//!   `reqwest::Client` that follows redirects);
//! - reads the body up to a limit (one for success bodies, a smaller one for error
//!   bodies), so an endless or oversized body ends the attempt instead of growing memory;
//!   a `Content-Length` above the limit is refused before reading.
//!
//! The hooks can only hand progenitor a `reqwest::Response`, so a refusal travels as a
//! response whose body fails with a `Refusal`; `refusal_in` finds it again in the
//! `reqwest::Error` that reading such a body produces. No text is parsed on the way.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use reqwest::header::{CONTENT_LENGTH, LOCATION};
use reqwest::{Response, StatusCode};

use super::error::{BodyTooLargeError, Error, RedirectError};
use super::printable::Redactions;

/// Default limit for a success body: 4 MiB (a session answer is under 100 bytes).
pub const DEFAULT_MAX_BODY_SIZE: usize = 4 * 1024 * 1024;
/// Default limit for an error body: 64 KiB (Knot's are under 300 bytes).
pub const DEFAULT_MAX_ERROR_BODY_SIZE: usize = 64 * 1024;

/// The most a declared `Content-Length` can make us allocate before bytes arrive.
const FIRST_BUFFER: usize = 64 * 1024;

/// The body limits of a client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BodyLimits {
    pub(crate) success: usize,
    pub(crate) error: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        Self {
            success: DEFAULT_MAX_BODY_SIZE,
            error: DEFAULT_MAX_ERROR_BODY_SIZE,
        }
    }
}

/// Why a response was not used.
#[derive(Debug, Clone)]
pub(crate) enum Refusal {
    Redirect(RedirectError),
    TooLarge(BodyTooLargeError),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Redirect(e) => e.fmt(f),
            Refusal::TooLarge(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Refusal {}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::Redirect(e) => Error::Redirect(e),
            Refusal::TooLarge(e) => Error::BodyTooLarge(e),
        }
    }
}

/// The [`Refusal`] carried by a `reqwest` error's source chain, if any.
pub(crate) fn refusal_in(error: &reqwest::Error) -> Option<Error> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return Some(refusal.clone().into());
        }
        current = e.source();
    }
    None
}

/// Checks `response` and reads its body within `limits`. The result is a response whose
/// body is in memory, or one whose body fails with a [`Refusal`]. A transport failure
/// while reading (a timeout, a reset) is returned as the `reqwest` error it is.
pub(crate) async fn accept(
    response: Response,
    request_url: &reqwest::Url,
    limits: BodyLimits,
    redactions: &Redactions,
) -> reqwest::Result<Response> {
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let refusal = Refusal::Redirect(RedirectError::new(status, location, redactions));
        return Ok(refused(status, refusal));
    }
    if response.url().origin() != request_url.origin() {
        let url = response.url().to_string();
        let refusal = Refusal::Redirect(RedirectError::new(status, Some(url), redactions));
        return Ok(refused(status, refusal));
    }
    let limit = if status.is_success() {
        limits.success
    } else {
        limits.error
    };
    let declared = response
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        let refusal = Refusal::TooLarge(BodyTooLargeError::new(status, limit, Bytes::new()));
        return Ok(refused(status, refusal));
    }
    // A declared length sizes the first buffer only up to a small amount: a server can
    // declare gigabytes and send one byte, and the limit may be set generously.
    let capacity = declared
        .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
        .min(limit)
        .min(FIRST_BUFFER);
    let (status, version, headers) = (status, response.version(), response.headers().clone());
    let mut response = response;
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await? {
        let room = limit - body.len();
        let take = chunk.len().min(room);
        grow_within(&mut body, take, limit);
        body.extend_from_slice(&chunk[..take]);
        if chunk.len() > room {
            let partial = Bytes::from(body);
            let refusal = Refusal::TooLarge(BodyTooLargeError::new(status, limit, partial));
            return Ok(refused(status, refusal));
        }
    }
    let mut rebuilt = http::Response::new(reqwest::Body::from(body));
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(Response::from(rebuilt))
}

/// Makes room for `more` bytes, doubling as usual but never past `limit`, so the buffer
/// peaks at 1.5 × `limit` during its last reallocation instead of 3 ×.
fn grow_within(body: &mut Vec<u8>, more: usize, limit: usize) {
    let needed = body.len() + more;
    if needed > body.capacity() {
        let target = needed.max(body.capacity().saturating_mul(2)).min(limit);
        body.reserve_exact(target - body.len());
    }
}

/// A response with `status` whose body fails with `refusal` when read.
fn refused(status: StatusCode, refusal: Refusal) -> Response {
    let mut response = http::Response::new(reqwest::Body::wrap(RefusedBody(Some(refusal))));
    *response.status_mut() = status;
    Response::from(response)
}

/// A body that yields one error: the refusal.
struct RefusedBody(Option<Refusal>);

impl Body for RefusedBody {
    type Data = Bytes;
    type Error = Refusal;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Refusal>>> {
        Poll::Ready(self.0.take().map(Err))
    }

    fn is_end_stream(&self) -> bool {
        self.0.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(0)
    }
}
